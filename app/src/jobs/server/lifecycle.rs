//! The job lifecycle: draft → live ⇄ paused → closed, and archived to hide it. Going live
//! (first time or again) needs an empty publish checklist.

use super::{changes, forms, store};
use crate::error::AppError;
use crate::jobs::settings::{Geography, UnitsMode};
use crate::jobs::{ChecklistItem, JobAction, JobStatus};
use chrono::NaiveDate;
use sqlx::PgConnection;

/// Every reason the job cannot go live yet, each with the page that fixes it.
pub async fn checklist(
    conn: &mut PgConnection,
    job: &store::StoredJob,
    today: NaiveDate,
) -> Result<Vec<ChecklistItem>, AppError> {
    let settings = &job.settings;
    let base = format!("/manage/jobs/{}", job.id);
    let mut items = Vec::new();
    let mut problem = |problem: &str, fix: String| items.push(ChecklistItem { problem: problem.into(), fix });

    let (units, located): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where latitude is not null and longitude is not null)
         from units where job_id = $1",
    )
    .bind(job.id)
    .fetch_one(&mut *conn)
    .await?;
    if settings.units_mode == UnitsMode::List && units == 0 {
        problem("The job has no units: import a CSV or add units by hand.", format!("{base}/units"));
    }
    let schema = forms::latest_schema(conn, job.id).await?;
    if !schema.as_ref().is_some_and(|schema| schema.asks_anything()) {
        problem("The form asks nothing: add at least one question.", format!("{base}/form"));
    }
    if settings.pay.0 == 0 {
        problem("The pay per approved gig is zero.", format!("{base}/settings#pay_rupees"));
    }
    if let Some(training_id) = settings.training_id {
        let questions: Option<i32> = sqlx::query_scalar(
            "select jsonb_array_length(content->'questions') from trainings where id = $1",
        )
        .bind(training_id)
        .fetch_optional(&mut *conn)
        .await?
        .flatten();
        if questions.unwrap_or(0) == 0 {
            problem(
                "The required training's quiz has no questions.",
                format!("/manage/trainings/{training_id}"),
            );
        }
    }
    if settings.ends_on.is_some_and(|end| end < today) {
        problem("The end date is in the past.", format!("{base}/settings#ends_on"));
    }
    let checks_gps = schema.as_ref().is_some_and(|schema| schema.has_location());
    if checks_gps && settings.geography == Geography::Anywhere {
        problem(
            "The form records GPS but the job has no geography: set cities, pincodes or a distance from each unit.",
            format!("{base}/settings#geography_kind"),
        );
    }
    let near_units = matches!(settings.geography, Geography::NearUnits { .. });
    if near_units && settings.units_mode == UnitsMode::Open {
        problem(
            "The geography is a distance from each unit, but an open job's gigs have no places: choose a unit list or another geography.",
            format!("{base}/settings#geography_kind"),
        );
    } else if near_units && located < units {
        problem(
            "The geography is a distance from each unit, but some units have no latitude and longitude.",
            format!("{base}/units"),
        );
    }
    Ok(items)
}

/// Where `action` takes a job in `status`, or why it cannot.
pub fn next_status(status: JobStatus, archived: bool, action: JobAction) -> Result<JobStatus, AppError> {
    use JobAction::*;
    use JobStatus::*;
    if archived && action != Restore {
        return Err(AppError::Conflict("This job is archived; restore it first.".into()));
    }
    match (status, action) {
        (Draft | Paused, Publish) => Ok(Live),
        (Live, Pause) => Ok(Paused),
        (Live | Paused, Close) => Ok(Closed),
        (Draft | Closed, Archive) => Ok(status),
        (_, Restore) if archived => Ok(status),
        _ => Err(AppError::Conflict(
            format!("A {} job cannot be {}.", status.label().to_lowercase(), action.past_tense()).into(),
        )),
    }
}

/// Applies `action` at `expected_version`; returns the new version.
pub async fn apply(
    conn: &mut PgConnection,
    job_id: i64,
    expected_version: i32,
    action: JobAction,
    actor: i64,
    today: NaiveDate,
) -> Result<i32, AppError> {
    let job = store::load(conn, job_id, true).await?;
    if job.version != expected_version {
        return Err(store::stale_edit());
    }
    let status = next_status(job.status, job.archived_at.is_some(), action)?;
    if action == JobAction::Publish {
        let items = checklist(conn, &job, today).await?;
        if !items.is_empty() {
            return Err(AppError::Conflict(
                format!("The job cannot go live until its checklist is empty ({} to fix).", items.len())
                    .into(),
            ));
        }
    }
    let version: i32 = sqlx::query_scalar(
        "update jobs set status = $2, version = version + 1, updated_at = now(),
             published_at = case when $2 = 'live' then coalesce(published_at, now()) else published_at end,
             archived_at = case $3 when 'archive' then now() when 'restore' then null else archived_at end
         where id = $1 returning version",
    )
    .bind(job_id)
    .bind(status_code(status))
    .bind(action.code())
    .fetch_one(&mut *conn)
    .await?;
    if status == JobStatus::Live && job.settings.units_mode == UnitsMode::Open {
        // Its first blank gigs, in the same transaction: live means gigs can be had now.
        crate::gigs::server::expiry::top_up_open_jobs(&mut *conn, Some(job_id)).await?;
    }
    changes::record(
        conn,
        job_id,
        actor,
        action.past_tense(),
        serde_json::json!({ "status": { "from": status_code(job.status), "to": status_code(status) } }),
    )
    .await?;
    Ok(version)
}

fn status_code(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Draft => "draft",
        JobStatus::Live => "live",
        JobStatus::Paused => "paused",
        JobStatus::Closed => "closed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifecycle_allows_only_its_arrows() {
        use JobAction::*;
        use JobStatus::*;
        assert_eq!(next_status(Draft, false, Publish), Ok(Live));
        assert_eq!(next_status(Live, false, Pause), Ok(Paused));
        assert_eq!(next_status(Paused, false, Publish), Ok(Live));
        assert_eq!(next_status(Paused, false, Close), Ok(Closed));
        assert!(next_status(Closed, false, Publish).is_err());
        assert!(next_status(Draft, false, Pause).is_err());
        assert!(next_status(Live, false, Archive).is_err());
        assert_eq!(next_status(Closed, false, Archive), Ok(Closed));
        assert!(next_status(Closed, true, Publish).is_err());
        assert_eq!(next_status(Closed, true, Restore), Ok(Closed));
    }
}
