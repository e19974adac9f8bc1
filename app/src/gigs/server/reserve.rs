//! Getting a gig: one free slot of one unit, held until a deadline the server sets.
//!
//! The unit is picked and locked with `FOR UPDATE SKIP LOCKED`, so a hundred giggers
//! pressing "Get a gig" at once each get a different unit (or none), never one slot
//! twice. The gigger's own profile row is read and locked first, which orders that
//! gigger's concurrent requests so the per-gigger limits hold.
//!
//! Each round trip to PostgreSQL costs the database and the server more than a small
//! statement's own work (bench/README.md, "The pipeline end to end"), so "get a gig" is
//! one statement: the job's conditions for the gigger, then `take_gig` (migration 0019),
//! whose own statements take the lock, read the gigger's reservations with a snapshot
//! taken after it, and pick and hold the unit with `take_unit_sql`'s texts.

use super::eligibility::{check_columns, first_failed, passed_conditions, CONDITIONS};
use super::first_free;
use super::{profile, METRES_PER_DEGREE};
use crate::error::AppError;
use crate::gigs::ReservationSummary;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

/// Limits on holding gigs; defaults from the gigger-app issue.
#[derive(Debug, Clone, Copy)]
pub struct GigLimits {
    /// Active reservations a gigger may hold across all jobs (one per job, always).
    pub max_active_reservations: i64,
    /// How long after the deadline a submission is still taken.
    pub submit_grace: chrono::Duration,
    /// How far away the feed looks for located jobs.
    pub feed_radius_m: u32,
}

impl Default for GigLimits {
    fn default() -> Self {
        GigLimits {
            max_active_reservations: 3,
            submit_grace: chrono::Duration::minutes(2),
            feed_radius_m: 50_000,
        }
    }
}

/// The gigger's active reservation of `job_id`, if any.
pub async fn active_for_job(
    conn: &mut PgConnection,
    gigger_id: i64,
    job_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<ReservationSummary>, sqlx::Error> {
    let row: Option<(i64, DateTime<Utc>)> = sqlx::query_as(
        "select id, deadline from reservations
         where gigger_id = $1 and job_id = $2 and status = 'active' and deadline > $3",
    )
    .bind(gigger_id)
    .bind(job_id)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(reservation_id, deadline)| ReservationSummary { job_id, reservation_id, deadline }))
}

/// Reserves the next suitable unit of `job_id` for the gigger: the nearest free one
/// when the job's units have locations and the gigger's is known, else the oldest.
/// Pressing twice returns the reservation already held.
pub async fn reserve(
    pool: &PgPool,
    gigger_id: i64,
    job_id: i64,
    limits: GigLimits,
    now: DateTime<Utc>,
) -> Result<ReservationSummary, AppError> {
    let mut conn = pool.acquire().await?;
    let from = first_free::start_for(pool, &mut conn, job_id).await?;
    // One statement, and so one transaction: the checks that need no lock, then
    // `take_gig` (migration 0019), which locks the gigger's profile, reads their
    // reservations and takes the unit. The lock ends with the statement.
    let Some(gate) = gate_and_take(&mut conn, gigger_id, job_id, limits, now, from).await? else {
        return Err(gate_missing(&mut conn, gigger_id).await?);
    };
    if gate.rescanned {
        first_free::forget(pool, job_id);
    }
    let held = gate.held;
    match (gate.outcome.as_str(), gate.taken) {
        ("active" | "held", Some((reservation_id, deadline))) => {
            Ok(ReservationSummary { job_id, reservation_id, deadline })
        }
        ("ineligible", _) => Err(match first_failed(&gate.passed, true) {
            Some(blocker) => AppError::Conflict(blocker.message()),
            None => AppError::conflict("Pass this job's training first.", "पहले इस काम की ट्रेनिंग पास करें।"),
        }),
        ("limit", _) => Err(AppError::conflict(
            format!("You already hold {held} gigs. Submit or release one to get another."),
            format!("आपके पास पहले से {held} गिग हैं। नया गिग लेने के लिए किसी एक को जमा करें या छोड़ें।"),
        )),
        ("needs_location", _) => Err(AppError::conflict(
            "This job needs your location. Add it in your profile.",
            "इस काम के लिए आपका स्थान चाहिए। इसे अपनी प्रोफ़ाइल में जोड़ें।",
        )),
        ("too_far", _) => Err(AppError::conflict(
            "No gig of this job is close enough to you right now.",
            "इस काम का कोई गिग अभी आपके पास नहीं है।",
        )),
        ("none_free", _) => Err(AppError::conflict(
            "Every gig of this job is taken right now. Try again later.",
            "इस काम के सभी गिग अभी लिए जा चुके हैं। थोड़ी देर बाद फिर कोशिश करें।",
        )),
        (outcome, _) => {
            Err(crate::error::server::internal("take_gig", format!("unexpected outcome {outcome:?}")))
        }
    }
}

/// Why the gate found nothing: the gigger has no profile yet, or the job does not exist.
async fn gate_missing(conn: &mut PgConnection, gigger_id: i64) -> Result<AppError, AppError> {
    let has_profile: bool =
        sqlx::query_scalar("select exists (select 1 from gigger_profiles where user_id = $1)")
            .bind(gigger_id)
            .fetch_one(conn)
            .await?;
    Ok(if has_profile { AppError::Conflict(CONDITIONS[0].message()) } else { profile::no_profile() })
}

/// What "get a gig" found and did, for one gigger and job.
struct Gate {
    /// Each eligibility condition, in `CONDITIONS` order (read before the lock: nothing a
    /// request of the same gigger does changes them).
    passed: Vec<bool>,
    /// `take_gig`'s outcome (migration 0019).
    outcome: String,
    /// The reservation held or taken: its id and deadline.
    taken: Option<(i64, DateTime<Utc>)>,
    /// Active reservations across all jobs, as the lock saw them.
    held: i64,
    /// The scan from the remembered first free unit found nothing.
    rescanned: bool,
}

impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for Gate {
    fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        let taken_id: Option<i64> = row.try_get("taken_id")?;
        let taken_deadline: Option<DateTime<Utc>> = row.try_get("taken_deadline")?;
        Ok(Gate {
            passed: passed_conditions(row)?,
            outcome: row.try_get("outcome")?,
            taken: taken_id.zip(taken_deadline),
            held: row.try_get("held_count")?,
            rescanned: row.try_get("rescanned")?,
        })
    }
}

/// The job's conditions for the gigger, then `take_gig` with their verdict, in one
/// statement; none if the job or the gigger's profile does not exist. `me` is the
/// profile row (as `ME_CTE` would bind it): $1 gigger, $2 start of the day, $3 today,
/// $4 job, $5 now, $6 most gigs held, $7 metres per degree, $8 the first free unit.
async fn gate_and_take(
    conn: &mut PgConnection,
    gigger_id: i64,
    job_id: i64,
    limits: GigLimits,
    now: DateTime<Utc>,
    from: i64,
) -> Result<Option<Gate>, sqlx::Error> {
    let sql = gate_and_take_sql();
    sqlx::query_as::<_, Gate>(&sql)
        .bind(gigger_id)
        .bind(super::start_of_day_in_india(now))
        .bind(super::eligibility::today_in_india(now))
        .bind(job_id)
        .bind(now)
        .bind(limits.max_active_reservations)
        .bind(METRES_PER_DEGREE)
        .bind(from)
        .fetch_optional(conn)
        .await
}

/// `gate_and_take`'s statement. Public for the test that keeps the benchmark's pgbench
/// copy of a gig's statements (bench/gig_statements.pgbench) equal to it.
pub fn gate_and_take_sql() -> String {
    let eligible =
        CONDITIONS.iter().map(|c| format!("coalesce(g.{}, false)", c.name)).collect::<Vec<_>>().join(" and ");
    format!(
        "with me as (
             select p.user_id as id, p.languages as langs, p.trust_score as trust, p.city, p.pincode,
                    $2::timestamptz as day_start, $3::date as today, p.latitude, p.longitude
             from gigger_profiles p where p.user_id = $1),
         g as (
             select {checks},
                    j.training_id is null or exists (select 1 from certifications c
                        where c.user_id = me.id and c.training_id = j.training_id) as training_ok,
                    $5::timestamptz + make_interval(mins => j.reservation_minutes) as deadline,
                    case when j.geography->>'kind' = 'near_units' then (j.geography->>'max_distance_m')::float8 end
                        as max_distance_m,
                    me.latitude, me.longitude
             from jobs j, me where j.id = $4)
         select g.*, t.*
         from g, lateral take_gig($4, $1, $5, g.deadline, g.max_distance_m, g.latitude, g.longitude, $7, $8, $6,
                                  {eligible} and g.training_ok,
                                  g.max_distance_m is null or (g.latitude is not null and g.longitude is not null)) t",
        checks = check_columns(),
    )
}

/// Which free unit a pick takes (`take_unit_sql`).
#[derive(Clone, Copy)]
pub enum Pick {
    /// The nearest to the gigger among units with a location.
    Nearest,
    /// The oldest, located or not.
    Oldest,
}

/// The pick of "get a gig": a free unit (`pick`) this gigger has not had, locked (SKIP
/// LOCKED), its slot taken and the reservation inserted, in one statement. `take_gig`
/// (migration 0019) runs these texts verbatim (a test compares them). Parameters: $1 job,
/// $2 gigger, $3 now, $4 deadline, $5 the job's distance limit in metres, $6/$7 the
/// gigger's location, $8 metres per degree, $9 the least unit id `Pick::Oldest` looks at
/// (`first_free`; `Pick::Nearest` ignores it). Returns (reservation id, deadline): both
/// null when the unit is too far, no row when none is free. Public for the plan test.
pub fn take_unit_sql(pick: Pick) -> String {
    let (distance, order) = match pick {
        Pick::Nearest => (
            "geo_point(u.latitude, u.longitude) <-> geo_point($6, $7)",
            "u.latitude is not null order by geo_point(u.latitude, u.longitude) <-> geo_point($6, $7)",
        ),
        Pick::Oldest => ("null::float8", "u.id >= $9 order by u.id"),
    };
    // `offset 0` keeps "not done by this gigger before" a lookup per candidate unit in
    // `reservations_unit` (job, unit, gigger). Without it the planner may turn the test
    // into an anti-join that reads every reservation the gigger ever made on the job and
    // compares each candidate with all of them: with stale statistics (a job's first
    // minutes) it did, and "get a gig" cost 1.5–12 ms, growing with the gigger's history.
    format!(
        "with unit as (
             select u.id, {distance} as distance from units u
             where u.job_id = $1 and u.status = 'open' and u.slots_left > 0
               and not exists (select 1 from reservations r
                               where r.job_id = $1 and r.unit_id = u.id and r.gigger_id = $2
                               offset 0)
               and {order}
             limit 1
             for update of u skip locked),
         near_enough as (
             select id from unit where $5::float8 is null or unit.distance is null or unit.distance * $8 <= $5),
         taken as (
             update units set slots_left = slots_left - 1
             from near_enough where units.job_id = $1 and units.id = near_enough.id
             returning units.id),
         held as (
             insert into reservations (job_id, unit_id, gigger_id, reserved_at, deadline, form_version)
             select $1, taken.id, $2, $3, $4, (select max(version) from job_form_versions where job_id = $1)
             from taken
             returning id, deadline)
         select held.id, held.deadline from unit left join held on true"
    )
}

/// Gives a held gig back; its slot returns to the pool at once.
pub async fn release(
    pool: &PgPool,
    gigger_id: i64,
    job_id: i64,
    reservation_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let unit: Option<i64> = sqlx::query_scalar(
        "update reservations set status = 'released', ended_at = $4
         where job_id = $1 and id = $2 and gigger_id = $3 and status = 'active'
         returning unit_id",
    )
    .bind(job_id)
    .bind(reservation_id)
    .bind(gigger_id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(unit_id) = unit else {
        return Err(AppError::conflict(
            "This gig is no longer yours to release.",
            "यह गिग अब आपके पास नहीं है, इसलिए इसे छोड़ा नहीं जा सकता।",
        ));
    };
    sqlx::query("update units set slots_left = slots_left + 1 where job_id = $1 and id = $2")
        .bind(job_id)
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    first_free::slot_returned(pool, job_id, unit_id);
    Ok(())
}
