//! Where the scan for a job's oldest free unit starts.
//!
//! "Get a gig" takes the oldest free unit through the partial index of free units
//! (`units_free_in_order`). A unit that is taken leaves the index only when vacuum
//! removes its old entry, so every scan from the job's first unit walks past every gig
//! taken since the last vacuum: about 100 index and heap pages per pick after 12,000 gigs
//! in the benchmark, and autovacuum waits for a fifth of a table's rows to change (two
//! million on a 10-million-unit table). So each process remembers, per job, the first
//! unit that was free a moment ago and starts there, looking it up again at most once a
//! second. A slot given back below it (a released or expired gig) is found within that
//! second, or at once when nothing free is left above it (`take_gig`, migration 0019,
//! then scans from the start); nothing about who may hold a slot depends on it.

use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

/// How long a job's first free unit is trusted before it is looked up again.
const FRESH_FOR: Duration = Duration::from_secs(1);
/// Jobs remembered at most; past it, entries not used for a minute are dropped.
const MAX_JOBS: usize = 10_000;

/// (database, job) → (looked up at, first free unit id). Keyed by database too because
/// one process may use several (the tests do).
type Key = (String, i64);
static FIRST_FREE: LazyLock<Mutex<HashMap<Key, (Instant, i64)>>> = LazyLock::new(Default::default);

fn key(pool: &PgPool, job_id: i64) -> Key {
    (pool.connect_options().get_database().unwrap_or_default().to_string(), job_id)
}

/// The id the oldest-free-unit scan of `job_id` may start at (0: the start).
pub async fn start_for(pool: &PgPool, conn: &mut PgConnection, job_id: i64) -> Result<i64, sqlx::Error> {
    let now = Instant::now();
    if let Some(&(at, id)) = FIRST_FREE.lock().expect("first-free map poisoned").get(&key(pool, job_id)) {
        if now.duration_since(at) < FRESH_FOR {
            return Ok(id);
        }
    }
    // One walk past the taken units' old entries, once a second rather than per gig.
    let first: Option<i64> = sqlx::query_scalar(
        "select id from units where job_id = $1 and status = 'open' and slots_left > 0 order by id limit 1",
    )
    .bind(job_id)
    .fetch_optional(conn)
    .await?;
    let id = first.unwrap_or(0);
    let mut map = FIRST_FREE.lock().expect("first-free map poisoned");
    if map.len() >= MAX_JOBS {
        map.retain(|_, (at, _)| now.duration_since(*at) < Duration::from_secs(60));
    }
    map.insert(key(pool, job_id), (now, id));
    Ok(id)
}

/// A slot of `unit_id` came back (a released gig): scans start at or before it again.
pub fn slot_returned(pool: &PgPool, job_id: i64, unit_id: i64) {
    if let Some((_, id)) = FIRST_FREE.lock().expect("first-free map poisoned").get_mut(&key(pool, job_id)) {
        *id = (*id).min(unit_id);
    }
}

/// The scan from the remembered start found nothing: start from the beginning next time.
pub fn forget(pool: &PgPool, job_id: i64) {
    FIRST_FREE.lock().expect("first-free map poisoned").remove(&key(pool, job_id));
}
