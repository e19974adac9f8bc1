//! Who may do which job. One list of conditions, written once in SQL, serves the feed
//! (all of them joined with `and`, over many jobs at once) and the job page and the
//! reservation (each one checked, so the gigger is told which one stops them).
//!
//! Every query using them starts with `ME_CTE`, which binds the gigger's facts to
//! `$1..$7`; further parameters start at `$8`. "Get a gig" (reserve.rs) reads the same
//! columns of `me` from the profile row instead, under the row's lock.

use super::Me;
use crate::error::Message;
use chrono::{DateTime, NaiveDate, Utc};

/// The gigger's facts as a one-row relation `me`.
pub const ME_CTE: &str = "with me as (select $1::bigint as id, $2::text[] as langs, $3::smallint as trust,
    $4::text as city, $5::text as pincode, $6::timestamptz as day_start, $7::date as today)";

/// One rule of who may do a job: a condition on `j` (jobs) and `me`, and what the gigger
/// is told (in English and Hindi) when it fails.
pub struct Condition {
    pub name: &'static str,
    pub sql: &'static str,
    pub en: &'static str,
    pub hi: &'static str,
}

impl Condition {
    pub fn message(&self) -> Message {
        Message::both(self.en, self.hi)
    }
}

pub const CONDITIONS: &[Condition] = &[
    Condition {
        name: "live",
        sql: "j.status = 'live' and j.archived_at is null",
        en: "This job is not taking gigs now.",
        hi: "यह काम अभी गिग नहीं दे रहा है।",
    },
    Condition {
        name: "dates",
        sql: "(j.starts_on is null or j.starts_on <= me.today) and (j.ends_on is null or j.ends_on >= me.today)",
        en: "This job is not running today.",
        hi: "यह काम आज नहीं चल रहा है।",
    },
    Condition {
        name: "language",
        sql: "(cardinality(j.languages) = 0 or j.languages && me.langs)",
        en: "This job needs a language you have not listed in your profile.",
        hi: "इस काम के लिए वह भाषा चाहिए जो आपकी प्रोफ़ाइल में नहीं है।",
    },
    Condition {
        name: "trust",
        sql: "j.min_trust_score <= me.trust",
        en: "This job needs a higher trust score. Approved gigs raise it.",
        hi: "इस काम के लिए ज़्यादा ट्रस्ट स्कोर चाहिए। मंज़ूर गिग से यह बढ़ता है।",
    },
    Condition {
        name: "place",
        sql: "(j.geography->>'kind' is distinct from 'places'
          or exists (select 1 from jsonb_array_elements_text(j.geography->'cities') c where lower(c) = lower(me.city))
          or j.geography->'pincodes' ? me.pincode)",
        en: "This job is for other cities or pincodes.",
        hi: "यह काम दूसरे शहरों या पिनकोड के लिए है।",
    },
    Condition {
        name: "training",
        sql: "(j.training_id is null
          or exists (select 1 from certifications ce where ce.user_id = me.id and ce.training_id = j.training_id)
          or (select count(*) from training_attempts a where a.user_id = me.id and a.training_id = j.training_id)
             < (select t.max_attempts from trainings t where t.id = j.training_id))",
        en: "You have used every attempt at this job's training quiz.",
        hi: "आप इस काम की ट्रेनिंग क्विज़ के सभी मौके इस्तेमाल कर चुके हैं।",
    },
    Condition {
        name: "daily_cap",
        sql: "(j.daily_cap_per_gigger is null
          or (select count(*) from submissions s where s.gigger_id = me.id and s.job_id = j.id
              and s.received_at >= me.day_start) < j.daily_cap_per_gigger)",
        en: "You have done today's limit of gigs for this job. Come back tomorrow.",
        hi: "आप इस काम के आज के सभी गिग कर चुके हैं। कल फिर आइए।",
    },
    Condition {
        name: "gigs_left",
        sql: "j.gigs_left > 0",
        en: "Every gig of this job is taken right now.",
        hi: "इस काम के सभी गिग अभी लिए जा चुके हैं।",
    },
];

/// The gigs a gigger could still get, as the feed and the job page show them: the free
/// slots, plus for an open job the blank gigs not made yet (migration 0016).
pub const GIGS_LEFT_SHOWN: &str =
    "(j.gigs_left + case when j.units_mode = 'open' then j.target_approved - j.open_units_made else 0 end)";

/// All conditions joined: the feed's filter.
pub fn all_conditions() -> String {
    CONDITIONS.iter().map(|c| format!("({})", c.sql)).collect::<Vec<_>>().join(" and ")
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

/// The first condition that keeps `me` from getting a gig of `job_id` now, or none. Training is reported separately by the job page, so it is not
/// asked about here unless `include_training`.
pub async fn first_blocker(
    conn: &mut sqlx::PgConnection,
    me: &Me,
    job_id: i64,
    now: DateTime<Utc>,
    include_training: bool,
) -> Result<Option<&'static Condition>, sqlx::Error> {
    let sql = format!("{ME_CTE} select {} from jobs j, me where j.id = $8", check_columns());
    let row = bind_me(sqlx::query_as::<_, CheckRow>(&sql), me, now).bind(job_id).fetch_optional(conn).await?;
    Ok(match row {
        None => Some(&CONDITIONS[0]),
        Some(CheckRow(passed)) => first_failed(&passed, include_training),
    })
}

/// Every condition as a boolean column named after it, in order, for a select over
/// `jobs j, me`; [`passed_conditions`] reads them back from the row's first columns.
pub fn check_columns() -> String {
    CONDITIONS.iter().map(|c| format!("({}) as {}", c.sql, c.name)).collect::<Vec<_>>().join(", ")
}

/// The first failed condition (training only if `include_training`).
pub fn first_failed(passed: &[bool], include_training: bool) -> Option<&'static Condition> {
    CONDITIONS
        .iter()
        .zip(passed)
        .find(|(condition, ok)| !**ok && (include_training || condition.name != "training"))
        .map(|(condition, _)| condition)
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
