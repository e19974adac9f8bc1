//! Server functions of the gigger app. Each requires a signed-in gigger and reads or
//! changes only that gigger's own rows.

use super::{
    FeedPage, GigJob, GiggerProfile, MyGigs, QuizResult, ReservationSummary, ReservedGig, TrainingToTake,
};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::server::{self, eligibility, feed, mine, profile, reserve, training},
    super::{FeedCursor, ProfileForm},
    crate::accounts::server::auth,
    crate::accounts::Role,
    crate::error::server::respond,
    crate::forms::Text,
    crate::jobs::server::markdown,
    crate::money::Paise,
    crate::state::AppState,
};

#[cfg(feature = "ssr")]
async fn gigger() -> Result<(AppState, i64), AppError> {
    let (state, user) = auth::require(&[Role::Gigger]).await?;
    Ok((state, user.id))
}

/// The gigger's profile; none before onboarding.
#[server(endpoint = "gigs/profile")]
pub async fn my_profile() -> Result<Option<GiggerProfile>, AppError> {
    respond(async {
        let (state, me) = gigger().await?;
        Ok(profile::load(&state.pool, me).await?)
    })
    .await
}

/// Saves the profile (onboarding and later edits), then goes to the feed.
/// `location` is "latitude,longitude" from "use my location" (empty when not shared).
#[server(endpoint = "gigs/profile/save")]
pub async fn save_profile(
    name: String,
    city: String,
    pincode: String,
    #[server(default)] speaks_en: Option<String>,
    #[server(default)] speaks_hi: Option<String>,
    #[server(default)] upi_id: String,
    #[server(default)] location: String,
) -> Result<(), AppError> {
    respond(async move {
        let (state, me) = gigger().await?;
        let (latitude, longitude) = match location.split_once(',') {
            Some((lat, lng)) => (lat.to_string(), lng.to_string()),
            None if location.trim().is_empty() => (String::new(), String::new()),
            None => return Err(super::profile::unreadable_location()),
        };
        let form = ProfileForm { name, city, pincode, speaks_en, speaks_hi, upi_id, latitude, longitude };
        let input = form.parse()?;
        profile::save(&state.pool, me, &input, state.clock.now()).await?;
        leptos_axum::redirect("/gigs");
        Ok(())
    })
    .await
}

/// One page of the feed; `cursor` is the previous page's `next` (empty for the first).
#[server(endpoint = "gigs/feed")]
pub async fn gig_feed(#[server(default)] cursor: String) -> Result<FeedPage, AppError> {
    respond(async move {
        let (state, me) = gigger().await?;
        let me = profile::me(&state.pool, me).await?;
        let cursor = match cursor.as_str() {
            "" => None,
            text => Some(FeedCursor::parse(text).ok_or_else(|| {
                AppError::invalid(
                    "cursor",
                    crate::error::Message::both("That page link is broken.", "यह पेज लिंक टूटा हुआ है।"),
                )
            })?),
        };
        let radius = state.gig_limits.feed_radius_m;
        Ok(feed::page(&state.pool, &me, cursor, 20, radius, state.clock.now()).await?)
    })
    .await
}

/// A live job as the gigger sees it, with the next step open to them.
#[server(endpoint = "gigs/job")]
pub async fn load_gig_job(job_id: i64) -> Result<GigJob, AppError> {
    respond(async move {
        let (state, me) = gigger().await?;
        let me = profile::me(&state.pool, me).await?;
        let now = state.clock.now();
        let mut conn = state.pool.acquire().await?;
        #[derive(sqlx::FromRow)]
        struct Row {
            title: String,
            title_hi: String,
            description: String,
            description_hi: String,
            organisation: String,
            pay_paise: i64,
            gigs_left: i64,
            expected_minutes: i16,
            reservation_minutes: i32,
            daily_cap_per_gigger: Option<i32>,
            max_distance_m: Option<f64>,
            training_id: Option<i64>,
            status: String,
        }
        let sql = format!(
            "select j.title, j.title_hi, j.description, j.description_hi, o.name as organisation, j.pay_paise,
                    {gigs_left} as gigs_left, j.expected_minutes, j.reservation_minutes, j.daily_cap_per_gigger,
                    case when j.geography->>'kind' = 'near_units' then (j.geography->>'max_distance_m')::float8 end
                        as max_distance_m,
                    j.training_id, j.status
             from jobs j join organisations o on o.id = j.organisation_id
             where j.id = $1 and j.published_at is not null",
            gigs_left = eligibility::GIGS_LEFT_SHOWN,
        );
        let row: Row = sqlx::query_as(&sql)
        .bind(job_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
        // Giggers see jobs that are live; one they hold a gig of stays visible if paused.
        let reservation = reserve::active_for_job(&mut conn, me.id, job_id, now).await?;
        if row.status != "live" && reservation.is_none() {
            return Err(AppError::NotFound);
        }
        let training = training::need_for(&mut conn, &state.pool, me.id, row.training_id, now).await?;
        let blocked = eligibility::first_blocker(&mut conn, &me, job_id, now, false).await?.map(|c| c.message());
        let distance_m = match me.location() {
            Some((lat, lng)) => sqlx::query_scalar::<_, f64>(
                "select centre <-> geo_point($2, $3) from job_unit_cells
                 where job_id = $1 and gigs_left > 0 order by centre <-> geo_point($2, $3) limit 1",
            )
            .bind(job_id)
            .bind(lat)
            .bind(lng)
            .fetch_optional(&mut *conn)
            .await?
            .map(|d| (d * server::METRES_PER_DEGREE).round() as u32),
            None => None,
        };
        Ok(GigJob {
            job_id,
            title: Text::both(row.title, row.title_hi),
            description_html: Text::both(markdown::to_html(&row.description), markdown::to_html(&row.description_hi)),
            organisation: row.organisation,
            pay: Paise(row.pay_paise),
            gigs_left: row.gigs_left,
            expected_minutes: row.expected_minutes,
            reservation_minutes: row.reservation_minutes,
            daily_cap: row.daily_cap_per_gigger,
            max_distance_m: row.max_distance_m.map(|m| m as u32),
            distance_m,
            training,
            reservation,
            blocked,
        })
    })
    .await
}

/// "Get a gig": reserves the next suitable unit and opens it.
#[server(endpoint = "gigs/reserve")]
pub async fn reserve_gig(job_id: i64) -> Result<ReservationSummary, AppError> {
    respond(async move {
        let (state, me) = gigger().await?;
        let held = reserve::reserve(&state.pool, me, job_id, state.gig_limits, state.clock.now()).await?;
        leptos_axum::redirect(&format!("/gigs/{}/do/{}", held.job_id, held.reservation_id));
        Ok(held)
    })
    .await
}

/// Gives a held gig back to the pool.
#[server(endpoint = "gigs/release")]
pub async fn release_gig(job_id: i64, reservation_id: i64) -> Result<(), AppError> {
    respond(async move {
        let (state, me) = gigger().await?;
        reserve::release(&state.pool, me, job_id, reservation_id, state.clock.now()).await?;
        leptos_axum::redirect(&format!("/gigs/{job_id}"));
        Ok(())
    })
    .await
}

/// A gig the gigger holds (or held): unit, form, deadline, and the receipt once sent.
#[server(endpoint = "gigs/reserved")]
pub async fn load_reserved_gig(job_id: i64, reservation_id: i64) -> Result<ReservedGig, AppError> {
    respond(async move {
        let (state, me) = gigger().await?;
        mine::load_reserved_gig(&state.pool, me, job_id, reservation_id, state.clock.now()).await
    })
    .await
}

/// Held gigs, submitted gigs (newest first, paged) and earnings.
#[server(endpoint = "gigs/mine")]
pub async fn load_my_gigs(
    #[server(default)] before_at: Option<chrono::DateTime<chrono::Utc>>,
    #[server(default)] before_id: Option<i64>,
) -> Result<MyGigs, AppError> {
    respond(async move {
        let (state, me) = gigger().await?;
        let before = before_at.zip(before_id);
        Ok(mine::load_my_gigs(&state.pool, me, before, state.clock.now()).await?)
    })
    .await
}

/// A training a live job requires, to read and take (without the right answers).
#[server(endpoint = "gigs/training")]
pub async fn load_training(training_id: i64) -> Result<TrainingToTake, AppError> {
    respond(async move {
        let (state, me) = gigger().await?;
        training::to_take(&state.pool, me, training_id, state.clock.now()).await
    })
    .await
}

/// Scores a quiz attempt. `answers_json` is the chosen option indexes per question,
/// e.g. `[[0],[1,2]]`.
#[server(endpoint = "gigs/training/attempt")]
pub async fn take_quiz(training_id: i64, answers_json: String) -> Result<QuizResult, AppError> {
    respond(async move {
        let (state, me) = gigger().await?;
        if answers_json.len() > 16 * 1024 {
            return Err(AppError::invalid(
                "answers",
                crate::error::Message::both("Too many answers.", "बहुत ज़्यादा जवाब।"),
            ));
        }
        let answers: Vec<Vec<usize>> = serde_json::from_str(&answers_json).map_err(|_| {
            AppError::invalid(
                "answers",
                crate::error::Message::both("The answers could not be read.", "जवाब पढ़े नहीं जा सके।"),
            )
        })?;
        training::attempt(&state.pool, me, training_id, &answers, state.clock.now()).await
    })
    .await
}
