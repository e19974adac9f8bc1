//! Getting a gig: one free slot of one unit, held until a deadline the server sets.
//!
//! The unit is picked and locked with `FOR UPDATE SKIP LOCKED`, so a hundred giggers
//! pressing "Get a gig" at once each get a different unit (or none), never one slot
//! twice. The gigger's own profile row is read and locked first, which orders that
//! gigger's concurrent requests so the per-gigger limits hold.
//!
//! A gig is a few round trips to PostgreSQL, and each costs the database and the server
//! more than the statement's own work (bench/README.md, "The pipeline end to end"): BEGIN
//! with the profile's lock, the decision's facts with the profile, the unit's pick, slot
//! and reservation together, and COMMIT.

use super::eligibility::{check_columns, first_failed, passed_conditions, CONDITIONS};
use super::first_free;
use super::{profile, Me, METRES_PER_DEGREE};
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
    // The gigger's profile row, locked until the transaction ends, orders their own
    // concurrent requests; the lock rides with BEGIN (a simple query of two statements,
    // one round trip; the id is a number, so formatting it in is safe). The gate that
    // follows is a statement of its own, so it sees what a request that held the lock
    // before this one committed.
    let mut tx = pool
        .begin_with(format!("begin; select 1 from gigger_profiles where user_id = {gigger_id} for update"))
        .await?;
    // One statement reads everything the decision needs, the gigger's profile included.
    let Some(mut gate) = gate(&mut tx, gigger_id, job_id, now).await? else {
        return Err(gate_missing(&mut tx, gigger_id).await?);
    };
    if gate.overdue {
        // A reservation past its deadline that the sweeper has not reached yet ends here,
        // so it neither blocks a new one nor counts against the limits.
        expire_mine(&mut tx, gigger_id, now).await?;
        gate = self::gate(&mut tx, gigger_id, job_id, now).await?.ok_or(AppError::NotFound)?;
    }
    let me = gate.me.clone();
    if let Some((reservation_id, deadline)) = gate.active {
        return Ok(ReservationSummary { job_id, reservation_id, deadline });
    }
    if let Some(blocker) = first_failed(&gate.passed, true) {
        return Err(AppError::Conflict(blocker.message()));
    }
    if !gate.training_ok {
        return Err(AppError::conflict("Pass this job's training first.", "पहले इस काम की ट्रेनिंग पास करें।"));
    }
    let held = gate.held;
    if held >= limits.max_active_reservations {
        return Err(AppError::conflict(
            format!("You already hold {held} gigs. Submit or release one to get another."),
            format!("आपके पास पहले से {held} गिग हैं। नया गिग लेने के लिए किसी एक को जमा करें या छोड़ें।"),
        ));
    }
    if gate.max_distance_m.is_some() && me.location().is_none() {
        return Err(AppError::conflict(
            "This job needs your location. Add it in your profile.",
            "इस काम के लिए आपका स्थान चाहिए। इसे अपनी प्रोफ़ाइल में जोड़ें।",
        ));
    }
    let deadline = now + chrono::Duration::minutes(i64::from(gate.reservation_minutes));
    let mut taken = Taken::NoneFree;
    let wanted = Wanted { job_id, max_distance_m: gate.max_distance_m, now, deadline };
    if me.location().is_some() {
        taken = take_unit(&mut tx, &me, Pick::Nearest, &wanted, 0).await?;
    }
    if matches!(taken, Taken::NoneFree) {
        // No gigger location, or no free unit with one: units without a location count too.
        let from = first_free::start_for(pool, &mut tx, job_id).await?;
        taken = take_unit(&mut tx, &me, Pick::Oldest, &wanted, from).await?;
        if matches!(taken, Taken::NoneFree) && from > 0 {
            first_free::forget(pool, job_id);
            taken = take_unit(&mut tx, &me, Pick::Oldest, &wanted, 0).await?;
        }
    }
    match taken {
        Taken::Held(reservation_id, deadline) => {
            tx.commit().await?;
            Ok(ReservationSummary { job_id, reservation_id, deadline })
        }
        Taken::TooFar => Err(AppError::conflict(
            "No gig of this job is close enough to you right now.",
            "इस काम का कोई गिग अभी आपके पास नहीं है।",
        )),
        Taken::NoneFree => Err(AppError::conflict(
            "Every gig of this job is taken right now. Try again later.",
            "इस काम के सभी गिग अभी लिए जा चुके हैं। थोड़ी देर बाद फिर कोशिश करें।",
        )),
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

/// What "get a gig" decides on, for one gigger and job.
struct Gate {
    /// The gigger, as their profile row reads under the lock.
    me: Me,
    /// Each eligibility condition, in `CONDITIONS` order.
    passed: Vec<bool>,
    /// The gigger's active reservation of this job, if any: its id and deadline.
    active: Option<(i64, DateTime<Utc>)>,
    training_ok: bool,
    /// Active reservations across all jobs.
    held: i64,
    /// Whether any of the gigger's reservations is past its deadline but not ended yet.
    overdue: bool,
    reservation_minutes: i32,
    max_distance_m: Option<f64>,
}

impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for Gate {
    fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        let active_id: Option<i64> = row.try_get("active_id")?;
        let active_deadline: Option<DateTime<Utc>> = row.try_get("active_deadline")?;
        let profile = profile::ProfileRow::from_row(row)?.into_profile();
        Ok(Gate {
            me: Me { id: row.try_get("gigger_id")?, profile },
            passed: passed_conditions(row)?,
            active: active_id.zip(active_deadline),
            training_ok: row.try_get("training_ok")?,
            held: row.try_get("held")?,
            overdue: row.try_get("overdue")?,
            reservation_minutes: row.try_get("reservation_minutes")?,
            max_distance_m: row.try_get("max_distance_m")?,
        })
    }
}

/// Reads the `Gate` in one statement; none if the job or the gigger's profile does not
/// exist. `me` is the profile row (as `ME_CTE` would bind it, with the profile's own
/// columns for `Me`): $1 gigger, $2 start of the day, $3 today, $4 job, $5 now.
async fn gate(
    conn: &mut PgConnection,
    gigger_id: i64,
    job_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Gate>, sqlx::Error> {
    let sql = format!(
        "with me as (
             select p.user_id as id, p.languages as langs, p.trust_score as trust, p.city, p.pincode,
                    $2::timestamptz as day_start, $3::date as today,
                    u.display_name, u.phone, p.languages, p.upi_id, p.latitude, p.longitude,
                    p.location_source, p.trust_score
             from gigger_profiles p join users u on u.id = p.user_id where p.user_id = $1),
         mine as (
             select id, job_id, deadline, deadline > $5 as current from reservations
             where gigger_id = $1 and status = 'active')
         select {checks},
                (select id from mine where mine.job_id = j.id and current limit 1) as active_id,
                (select deadline from mine where mine.job_id = j.id and current limit 1) as active_deadline,
                (select count(*) from mine where current) as held,
                exists (select 1 from mine where not current) as overdue,
                j.training_id is null or exists (select 1 from certifications c
                    where c.user_id = me.id and c.training_id = j.training_id) as training_ok,
                j.reservation_minutes,
                case when j.geography->>'kind' = 'near_units' then (j.geography->>'max_distance_m')::float8 end
                    as max_distance_m,
                me.id as gigger_id, me.display_name, me.phone, me.city, me.pincode, me.languages, me.upi_id,
                me.latitude, me.longitude, me.location_source, me.trust_score
         from jobs j, me where j.id = $4",
        checks = check_columns(),
    );
    sqlx::query_as::<_, Gate>(&sql)
        .bind(gigger_id)
        .bind(super::start_of_day_in_india(now))
        .bind(super::eligibility::today_in_india(now))
        .bind(job_id)
        .bind(now)
        .fetch_optional(conn)
        .await
}

/// Which free unit `take_unit` picks.
#[derive(Clone, Copy)]
pub enum Pick {
    /// The nearest to the gigger among units with a location.
    Nearest,
    /// The oldest, located or not.
    Oldest,
}

/// The job and the terms of the reservation `take_unit` makes.
struct Wanted {
    job_id: i64,
    max_distance_m: Option<f64>,
    now: DateTime<Utc>,
    deadline: DateTime<Utc>,
}

/// What `take_unit` found.
enum Taken {
    Held(i64, DateTime<Utc>),
    /// The nearest free unit is beyond the job's distance limit.
    TooFar,
    NoneFree,
}

/// Picks the unit and holds it in one statement: a free unit the gigger has never held,
/// locked, skipping any another transaction holds; then its slot and the reservation.
/// A nearest unit beyond `max_distance_m` is picked but not taken, so the gigger can be
/// told why. `Pick::Oldest` looks at units from id `from` on (`first_free`).
async fn take_unit(
    conn: &mut PgConnection,
    me: &Me,
    pick: Pick,
    wanted: &Wanted,
    from: i64,
) -> Result<Taken, sqlx::Error> {
    let sql = take_unit_sql(pick);
    let (latitude, longitude) = me.location().unzip();
    let row: Option<(Option<i64>, Option<DateTime<Utc>>)> = sqlx::query_as(&sql)
        .bind(wanted.job_id)
        .bind(me.id)
        .bind(wanted.now)
        .bind(wanted.deadline)
        .bind(wanted.max_distance_m)
        .bind(latitude)
        .bind(longitude)
        .bind(METRES_PER_DEGREE)
        .bind(from)
        .fetch_optional(conn)
        .await?;
    Ok(match row {
        None => Taken::NoneFree,
        Some((Some(id), Some(deadline))) => Taken::Held(id, deadline),
        Some(_) => Taken::TooFar,
    })
}

/// "Get a gig" in one statement: picks a free unit (`pick`) this gigger has not had,
/// locks it (SKIP LOCKED), takes a slot and inserts the reservation. Parameters: $1 job,
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

/// Ends the gigger's own reservations that are past their deadline (the sweeper does
/// everyone's within a minute; this makes the limits exact meanwhile).
async fn expire_mine(conn: &mut PgConnection, gigger_id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "with ended as (
             update reservations set status = 'expired', ended_at = $2
             where gigger_id = $1 and status = 'active' and deadline <= $2
             returning job_id, unit_id)
         update units u set slots_left = u.slots_left + e.n
         from (select job_id, unit_id, count(*) as n from ended group by 1, 2) e
         where u.job_id = e.job_id and u.id = e.unit_id",
    )
    .bind(gigger_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
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
