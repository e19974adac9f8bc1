//! Returning expired reservations to the pool. The pipeline's periodic `expiry` stage
//! (pipeline/server/worker.rs) runs it every 20 seconds, so a unit is free again within
//! a minute of its deadline. Any number of processes may sweep at once: each claims its
//! batch with SKIP LOCKED.
//!
//! The same stage folds the free-gig counts left waiting by changes whose job row was
//! busy (migration 0014) every second, so the feed's "gigs left" lags by about that much
//! at most while a job is being reserved from many phones at once.
//!
//! And, every second too, it tops up the stock of blank gigs of live open jobs (units
//! mode "open", migration 0016), so such a job never runs dry while its target is not
//! reached.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::time::Duration;

pub const SWEEP_EVERY: Duration = Duration::from_secs(20);
pub const FOLD_EVERY: Duration = Duration::from_secs(1);

/// Applies the waiting free-gig changes of every job whose row is free now; returns how
/// many changes are still waiting (their job's row was busy; the next round gets them).
pub async fn fold_pending_summaries(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select fold_unit_gigs_pending()").fetch_one(pool).await
}

/// Free blank gigs an open job keeps ready: enough for a crowd pressing "Get a gig" in the
/// second between two top-ups, small enough that a job's units are mostly real work done.
pub const OPEN_JOB_STOCK: i32 = 200;

/// Tops up the free blank gigs of every live open job below `OPEN_JOB_STOCK` (or of
/// `only_job`), never past its target; returns how many gigs were made.
pub async fn top_up_open_jobs(
    conn: impl sqlx::PgExecutor<'_>,
    only_job: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select top_up_open_units($1, $2)")
        .bind(only_job)
        .bind(OPEN_JOB_STOCK)
        .fetch_one(conn)
        .await
}

/// Ends up to `batch` active reservations whose deadline has passed and frees their
/// slots, in one transaction. Returns how many ended.
pub async fn expire_due(pool: &PgPool, now: DateTime<Utc>, batch: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "with due as (
             select job_id, id from reservations
             where status = 'active' and deadline <= $1
             order by deadline limit $2
             for update skip locked),
         ended as (
             update reservations r set status = 'expired', ended_at = $1
             from due where r.job_id = due.job_id and r.id = due.id
             returning r.job_id, r.unit_id),
         freed as (
             update units u set slots_left = u.slots_left + e.n
             from (select job_id, unit_id, count(*) as n from ended group by 1, 2) e
             where u.job_id = e.job_id and u.id = e.unit_id
             returning 1)
         select count(*) from ended",
    )
    .bind(now)
    .bind(batch)
    .fetch_one(pool)
    .await
}
