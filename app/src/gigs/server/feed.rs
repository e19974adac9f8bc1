//! The feed: live jobs this gigger may do, nearest first, then by pay.
//!
//! Two sections, one keyset cursor (`FeedCursor`):
//! 1. Jobs with free units within `radius_m` of the gigger, by the distance to their
//!    nearest free ~1 km cell (`job_unit_cells`, a GiST nearest-neighbour scan across all
//!    jobs), ties by job id. Cells are read in distance order and their jobs checked in
//!    batches, one query per batch, until the page is full.
//! 2. Jobs whose free units have no location (photo tagging, phone surveys), by pay.
//!    A gigger whose location is unknown sees every eligible job here, except those that
//!    limit the distance to a unit.
//!
//! Jobs whose units are all farther than `radius_m` are in neither section: the gig is
//! somewhere the gigger is not.

use super::eligibility::{all_conditions, bind_me, GIGS_LEFT_SHOWN, ME_CTE};
use super::{Me, METRES_PER_DEGREE};
use crate::forms::Text;
use crate::gigs::{FeedCard, FeedCursor, FeedPage};
use crate::money::Paise;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use std::collections::HashSet;

/// How many nearby jobs are checked per eligibility query.
const BATCH: usize = 64;
/// Cells read from the nearest-cells cursor per round trip.
const CELLS_PER_FETCH: usize = 256;
/// Half the diagonal of a cell in metres: a job limited to `max_distance_m` is listed
/// when its nearest cell centre is within the limit plus this (the reservation then
/// measures to the unit itself).
const CELL_SLACK_M: f64 = 800.0;

#[derive(sqlx::FromRow)]
struct CardRow {
    id: i64,
    title: String,
    title_hi: String,
    category: String,
    pay_paise: i64,
    gigs_left: i64,
    expected_minutes: i16,
    needs_training: bool,
    distance_deg: Option<f64>,
}

impl CardRow {
    fn card(self) -> FeedCard {
        FeedCard {
            job_id: self.id,
            title: Text::both(self.title, self.title_hi),
            category: self.category,
            pay: Paise(self.pay_paise),
            gigs_left: self.gigs_left,
            distance_m: self.distance_deg.map(|d| (d * METRES_PER_DEGREE).round() as u32),
            expected_minutes: self.expected_minutes,
            needs_training: self.needs_training,
        }
    }
}

fn card_columns() -> String {
    format!(
        "j.id, j.title, j.title_hi, j.category, j.pay_paise, {GIGS_LEFT_SHOWN} as gigs_left, j.expected_minutes,
         (j.training_id is not null and not exists (select 1 from certifications ce
             where ce.user_id = me.id and ce.training_id = j.training_id)) as needs_training"
    )
}

pub async fn page(
    pool: &PgPool,
    me: &Me,
    cursor: Option<FeedCursor>,
    limit: usize,
    radius_m: u32,
    now: DateTime<Utc>,
) -> Result<FeedPage, sqlx::Error> {
    let located = me.location().is_some();
    let mut cards = Vec::new();
    let mut next = None;
    if let (Some(location), None | Some(FeedCursor::Near { .. })) = (me.location(), cursor) {
        let after = match cursor {
            Some(FeedCursor::Near { distance_deg, job_id }) => Some((distance_deg, job_id)),
            _ => None,
        };
        let (near, more) = nearby(pool, me, location, after, limit, radius_m, now).await?;
        cards = near;
        if more {
            next = cards.last().map(|(d, card)| FeedCursor::Near { distance_deg: *d, job_id: card.job_id });
        }
    }
    let mut cards: Vec<FeedCard> = cards.into_iter().map(|(_, card)| card).collect();
    if next.is_none() {
        // The near section is done: fill the page from the second one (asking for one
        // more than fits, to know whether another page follows).
        let after = match cursor {
            Some(FeedCursor::ByPay { pay_paise, job_id }) => Some((pay_paise, job_id)),
            _ => None,
        };
        let room = limit - cards.len();
        let rows = by_pay(pool, me, located, after, room + 1, now).await?;
        let more = rows.len() > room;
        cards.extend(rows.into_iter().take(room).map(CardRow::card));
        if more {
            next = Some(match (room, cards.last()) {
                (0, _) | (_, None) => FeedCursor::ByPay { pay_paise: i64::MAX, job_id: 0 },
                (_, Some(card)) => FeedCursor::ByPay { pay_paise: card.pay.0, job_id: card.job_id },
            });
        }
    }
    Ok(FeedPage { cards, next: next.map(|c| c.encode()), located })
}

/// Section 1: up to `limit` eligible jobs after `after` by (distance, id), and whether
/// more follow.
async fn nearby(
    pool: &PgPool,
    me: &Me,
    (latitude, longitude): (f64, f64),
    after: Option<(f64, i64)>,
    limit: usize,
    radius_m: u32,
    now: DateTime<Utc>,
) -> Result<(Vec<(f64, FeedCard)>, bool), sqlx::Error> {
    let radius_deg = f64::from(radius_m) / METRES_PER_DEGREE;
    let from_deg = after.map(|(d, _)| d).unwrap_or(0.0);
    // The cells are read through a cursor, a chunk at a time, and the eligibility checks
    // run between chunks on the same connection. A plain streaming query would leave its
    // unread rows (at 10 M units, millions of cells) to be drained before the connection
    // could be used again: the pool ran dry after a few pages.
    let mut tx = pool.begin().await?;
    sqlx::query(
        "declare nearby_cells no scroll cursor for
         select job_id, centre <-> geo_point($1, $2) as d from job_unit_cells
         where gigs_left > 0 and centre <-> geo_point($1, $2) >= $3
         order by centre <-> geo_point($1, $2)",
    )
    .bind(latitude)
    .bind(longitude)
    .bind(from_deg)
    .execute(&mut *tx)
    .await?;

    // Rows arrive by distance. The page is settled once it holds more than `limit`
    // eligible jobs and the cells have moved past the `limit`-th one (jobs at an equal
    // distance are ordered by id, so those must all be seen first). Jobs are checked
    // `BATCH` at a time, and early only when the scan would otherwise stop: checking each
    // new job alone once the page looked full cost over a hundred queries per page.
    let mut seen = HashSet::new();
    let mut found: Vec<(f64, FeedCard)> = Vec::new();
    let mut batch: Vec<(i64, f64)> = Vec::new();
    let mut chunk: std::vec::IntoIter<(i64, f64)> = Vec::new().into_iter();
    let mut cells_left = true;
    let settled = |found: &[(f64, FeedCard)], d: f64| found.len() > limit && d > found[limit - 1].0;
    loop {
        let mut row = chunk.next();
        if row.is_none() && cells_left {
            let rows: Vec<(i64, f64)> =
                sqlx::query_as(&format!("fetch forward {CELLS_PER_FETCH} from nearby_cells"))
                    .fetch_all(&mut *tx)
                    .await?;
            cells_left = rows.len() == CELLS_PER_FETCH;
            chunk = rows.into_iter();
            row = chunk.next();
        }
        let row = row.filter(|(_, d)| *d <= radius_deg);
        match row {
            Some((job_id, d)) if !settled(&found, d) => {
                if seen.insert(job_id) {
                    batch.push((job_id, d));
                }
                if batch.len() < BATCH {
                    continue;
                }
                found.extend(check_batch(&mut tx, me, (latitude, longitude), after, &batch, now).await?);
                batch.clear();
            }
            _ => {
                // Out of cells, or past the page as it stands: check what is pending. That
                // only adds jobs, so a cell past the `limit`-th job stays past it.
                found.extend(check_batch(&mut tx, me, (latitude, longitude), after, &batch, now).await?);
                found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.job_id.cmp(&b.1.job_id)));
                batch.clear();
                break;
            }
        }
        found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.job_id.cmp(&b.1.job_id)));
    }
    // Read only: ending the transaction closes the cursor.
    tx.rollback().await?;
    let more = found.len() > limit;
    found.truncate(limit);
    Ok((found, more))
}

/// Eligible jobs of `batch` (job, distance of the first cell seen), leaving out those
/// listed on an earlier page (a nearer free cell than the cursor).
async fn check_batch(
    conn: &mut PgConnection,
    me: &Me,
    (latitude, longitude): (f64, f64),
    after: Option<(f64, i64)>,
    batch: &[(i64, f64)],
    now: DateTime<Utc>,
) -> Result<Vec<(f64, FeedCard)>, sqlx::Error> {
    if batch.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
    let distances: Vec<f64> = batch.iter().map(|(_, d)| *d).collect();
    let (after_d, after_id) = after.unwrap_or((-1.0, 0));
    // After the first page: a job whose nearest free cell comes before the cursor was
    // listed already. Its nearest cell is one step of a nearest-neighbour scan on the
    // (job_id, centre) GiST index, not a read of the job's every cell (at 10 M units,
    // reading them all cost about 5 ms per job).
    let listed_before = if after.is_some() {
        "and not exists (
             select 1 from (select e.centre <-> geo_point($10, $11) as nd from job_unit_cells e
                            where e.job_id = c.job_id and e.gigs_left > 0
                            order by e.centre <-> geo_point($10, $11) limit 1) nearest
             where nearest.nd < $12 or (nearest.nd = $12 and c.job_id <= $13))"
    } else {
        "and $10::float8 is not null and $11::float8 is not null and $12::float8 is not null
         and $13::bigint is not null"
    };
    let sql = format!(
        "{ME_CTE}
         select {columns}, c.d as distance_deg
         from unnest($8::bigint[], $9::float8[]) as c(job_id, d)
         join jobs j on j.id = c.job_id, me
         where {conditions}
           and (j.geography->>'kind' is distinct from 'near_units'
                or c.d * {METRES_PER_DEGREE} <= (j.geography->>'max_distance_m')::float8 + {CELL_SLACK_M})
           {listed_before}",
        columns = card_columns(),
        conditions = all_conditions(),
    );
    let rows = bind_me(sqlx::query_as::<_, CardRow>(&sql), me, now)
        .bind(&ids)
        .bind(&distances)
        .bind(latitude)
        .bind(longitude)
        .bind(after_d)
        .bind(after_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().map(|row| (row.distance_deg.unwrap_or(0.0), row.card())).collect())
}

/// Section 2: eligible jobs without free located units (or every eligible job when the
/// gigger's location is unknown), by pay then id.
async fn by_pay(
    pool: &PgPool,
    me: &Me,
    located: bool,
    after: Option<(i64, i64)>,
    limit: usize,
    now: DateTime<Utc>,
) -> Result<Vec<CardRow>, sqlx::Error> {
    let (after_pay, after_id) = after.unwrap_or((i64::MAX, 0));
    let sql = format!(
        "{ME_CTE}
         select {columns}, null::float8 as distance_deg
         from jobs j, me
         where j.status = 'live' and j.archived_at is null and {conditions}
           and (case when $8 then not exists (select 1 from job_unit_cells c where c.job_id = j.id and c.gigs_left > 0)
                     else j.geography->>'kind' is distinct from 'near_units' end)
           and j.pay_paise <= $9 and (j.pay_paise < $9 or j.id > $10)
         order by j.pay_paise desc, j.id
         limit $11",
        columns = card_columns(),
        conditions = all_conditions(),
    );
    bind_me(sqlx::query_as::<_, CardRow>(&sql), me, now)
        .bind(located)
        .bind(after_pay)
        .bind(after_id)
        .bind(limit as i64)
        .fetch_all(pool)
        .await
}
