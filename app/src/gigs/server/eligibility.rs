//! Who may do which job. One list of conditions, written once in SQL, serves the feed
//! (all of them joined with `and`, over many jobs at once) and the job page and the
//! reservation (each one checked, so the gigger is told which one stops them).
//!
//! Every query using them starts with `ME_CTE`, which binds the gigger's facts to
//! `$1..$7`; further parameters start at `$8`.

use super::Me;
use chrono::{DateTime, NaiveDate, Utc};

/// The gigger's facts as a one-row relation `me`.
pub const ME_CTE: &str = "with me as (select $1::bigint as id, $2::text[] as langs, $3::smallint as trust,
    $4::text as city, $5::text as pincode, $6::timestamptz as day_start, $7::date as today)";

/// (name, condition on `j` (jobs) and `me`, what the gigger is told when it fails).
pub const CONDITIONS: &[(&str, &str, &str)] = &[
    ("live", "j.status = 'live' and j.archived_at is null and j.units_mode = 'list'", "This job is not taking gigs now."),
    (
        "dates",
        "(j.starts_on is null or j.starts_on <= me.today) and (j.ends_on is null or j.ends_on >= me.today)",
        "This job is not running today.",
    ),
    (
        "language",
        "(cardinality(j.languages) = 0 or j.languages && me.langs)",
        "This job needs a language you have not listed in your profile.",
    ),
    ("trust", "j.min_trust_score <= me.trust", "This job needs a higher trust score. Approved gigs raise it."),
    (
        "place",
        "(j.geography->>'kind' is distinct from 'places'
          or exists (select 1 from jsonb_array_elements_text(j.geography->'cities') c where lower(c) = lower(me.city))
          or j.geography->'pincodes' ? me.pincode)",
        "This job is for other cities or pincodes.",
    ),
    (
        "training",
        "(j.training_id is null
          or exists (select 1 from certifications ce where ce.user_id = me.id and ce.training_id = j.training_id)
          or (select count(*) from training_attempts a where a.user_id = me.id and a.training_id = j.training_id)
             < (select t.max_attempts from trainings t where t.id = j.training_id))",
        "You have used every attempt at this job's training quiz.",
    ),
    (
        "daily_cap",
        "(j.daily_cap_per_gigger is null
          or (select count(*) from submissions s where s.gigger_id = me.id and s.job_id = j.id
              and s.received_at >= me.day_start) < j.daily_cap_per_gigger)",
        "You have done today's limit of gigs for this job. Come back tomorrow.",
    ),
    ("gigs_left", "j.gigs_left > 0", "Every gig of this job is taken right now."),
];

/// All conditions joined: the feed's filter.
pub fn all_conditions() -> String {
    CONDITIONS.iter().map(|(_, sql, _)| format!("({sql})")).collect::<Vec<_>>().join(" and ")
}

/// Binds `ME_CTE`'s parameters.
pub fn bind_me<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    me: &Me,
    now: DateTime<Utc>,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    query
        .bind(me.id)
        .bind(me.language_codes())
        .bind(me.profile.trust_score)
        .bind(me.profile.city.clone())
        .bind(me.profile.pincode.clone())
        .bind(super::start_of_day_in_india(now))
        .bind(today_in_india(now))
}

pub fn today_in_india(now: DateTime<Utc>) -> NaiveDate {
    (now + chrono::Duration::minutes(330)).date_naive()
}

/// The first condition that keeps `me` from getting a gig of `job_id` now (its
/// message), or none. Training is reported separately by the job page, so it is not
/// asked about here unless `include_training`.
pub async fn first_blocker(
    conn: &mut sqlx::PgConnection,
    me: &Me,
    job_id: i64,
    now: DateTime<Utc>,
    include_training: bool,
) -> Result<Option<&'static str>, sqlx::Error> {
    let sql = format!("{ME_CTE} select {} from jobs j, me where j.id = $8", check_columns());
    let row = bind_me(sqlx::query_as::<_, CheckRow>(&sql), me, now).bind(job_id).fetch_optional(conn).await?;
    Ok(match row {
        None => Some(CONDITIONS[0].2),
        Some(CheckRow(passed)) => first_failed(&passed, include_training),
    })
}

/// Every condition as a boolean column named after it, in order, for a select over
/// `jobs j, me`; [`passed_conditions`] reads them back from the row's first columns.
pub fn check_columns() -> String {
    CONDITIONS.iter().map(|(name, sql, _)| format!("({sql}) as {name}")).collect::<Vec<_>>().join(", ")
}

/// The message of the first failed condition (training only if `include_training`).
pub fn first_failed(passed: &[bool], include_training: bool) -> Option<&'static str> {
    CONDITIONS
        .iter()
        .zip(passed)
        .find(|((name, _, _), ok)| !**ok && (include_training || *name != "training"))
        .map(|((_, _, message), _)| *message)
}

/// The results of [`check_columns`] from the first columns of `row` (null: failed).
pub fn passed_conditions(row: &sqlx::postgres::PgRow) -> Result<Vec<bool>, sqlx::Error> {
    use sqlx::Row;
    (0..CONDITIONS.len()).map(|i| row.try_get::<Option<bool>, _>(i).map(|v| v.unwrap_or(false))).collect()
}

/// One boolean per condition, in order.
struct CheckRow(Vec<bool>);

impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for CheckRow {
    fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
        passed_conditions(row).map(CheckRow)
    }
}
