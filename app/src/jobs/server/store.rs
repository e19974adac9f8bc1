//! Reading and writing a job's settings. Every write names the version it was based on
//! and bumps it, so an edit made on a stale page is refused instead of silently undoing
//! someone else's change.

use crate::error::AppError;
use crate::forms::Lang;
use crate::jobs::settings::{Category, Geography, JobSettings, QcPolicy, UnitsMode};
use crate::jobs::JobStatus;
use crate::money::Paise;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::types::Json;
use sqlx::PgConnection;

/// A job as stored: its settings and where it is in its life.
#[derive(Debug, Clone)]
pub struct StoredJob {
    pub id: i64,
    pub organisation_id: i64,
    pub status: JobStatus,
    pub version: i32,
    pub published_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    pub settings: JobSettings,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    organisation_id: i64,
    status: String,
    version: i32,
    published_at: Option<DateTime<Utc>>,
    archived_at: Option<DateTime<Utc>>,
    title: String,
    title_hi: String,
    description: String,
    description_hi: String,
    category: String,
    pay_paise: i64,
    budget_cap_paise: Option<i64>,
    target_approved: i32,
    daily_cap_per_gigger: Option<i32>,
    reservation_minutes: i32,
    expected_minutes: i16,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    geography: Json<Geography>,
    languages: Vec<String>,
    training_id: Option<i64>,
    min_trust_score: i16,
    overlap: i16,
    units_mode: String,
    qc_policy: Json<QcPolicy>,
}

const COLUMNS: &str = "id, organisation_id, status, version, published_at, archived_at, title, title_hi,
    description, description_hi, category, pay_paise, budget_cap_paise, target_approved,
    daily_cap_per_gigger, reservation_minutes, expected_minutes, starts_on, ends_on, geography, languages,
    training_id, min_trust_score, overlap, units_mode, qc_policy";

impl JobRow {
    fn into_stored(self) -> StoredJob {
        StoredJob {
            id: self.id,
            organisation_id: self.organisation_id,
            status: JobStatus::parse(&self.status).unwrap_or(JobStatus::Draft),
            version: self.version,
            published_at: self.published_at,
            archived_at: self.archived_at,
            settings: JobSettings {
                title: self.title,
                title_hi: self.title_hi,
                description: self.description,
                description_hi: self.description_hi,
                category: Category::parse(&self.category).unwrap_or(Category::Other),
                pay: Paise(self.pay_paise),
                budget_cap: self.budget_cap_paise.map(Paise),
                target_approved: self.target_approved,
                daily_cap_per_gigger: self.daily_cap_per_gigger,
                reservation_minutes: self.reservation_minutes,
                expected_minutes: self.expected_minutes,
                starts_on: self.starts_on,
                ends_on: self.ends_on,
                geography: self.geography.0,
                languages: self.languages.iter().filter_map(|code| Lang::parse(code)).collect(),
                training_id: self.training_id,
                min_trust_score: self.min_trust_score,
                overlap: self.overlap,
                units_mode: if self.units_mode == "open" { UnitsMode::Open } else { UnitsMode::List },
                qc_policy: self.qc_policy.0,
            },
        }
    }
}

/// The job, locked for the rest of the transaction when `for_update`. The lock is the one
/// an update of non-key columns takes (`for no key update`): edits of the job wait for
/// each other, but not for transactions that only reference the job, such as an import
/// whose foreign-key checks hold `for key share` on the job's row until it commits.
pub async fn load(conn: &mut PgConnection, job_id: i64, for_update: bool) -> Result<StoredJob, AppError> {
    let lock = if for_update { " for no key update" } else { "" };
    let row: Option<JobRow> = sqlx::query_as(&format!("select {COLUMNS} from jobs where id = $1{lock}"))
        .bind(job_id)
        .fetch_optional(conn)
        .await?;
    row.map(JobRow::into_stored).ok_or(AppError::NotFound)
}

pub fn stale_edit() -> AppError {
    AppError::Conflict(
        "Someone else changed this job since you opened it. Reload the page to see their change, then make yours again."
            .into(),
    )
}

/// A training may be required only by jobs of its own organisation.
async fn check_training(
    conn: &mut PgConnection,
    organisation_id: i64,
    settings: &JobSettings,
) -> Result<(), AppError> {
    let Some(training_id) = settings.training_id else { return Ok(()) };
    let same_organisation: bool =
        sqlx::query_scalar("select exists (select 1 from trainings where id = $1 and organisation_id = $2)")
            .bind(training_id)
            .bind(organisation_id)
            .fetch_one(conn)
            .await?;
    if same_organisation {
        Ok(())
    } else {
        Err(AppError::invalid("training_id", "Choose a training of this job's organisation."))
    }
}

fn languages(settings: &JobSettings) -> Vec<&'static str> {
    settings.languages.iter().map(|lang| lang.code()).collect()
}

fn units_mode(settings: &JobSettings) -> &'static str {
    match settings.units_mode {
        UnitsMode::List => "list",
        UnitsMode::Open => "open",
    }
}

type ScalarQuery<'q, T> = sqlx::query::QueryScalar<'q, sqlx::Postgres, T, sqlx::postgres::PgArguments>;

/// Binds the settings as parameters $3 to $21, in the order both `insert` and `update` name
/// their columns (the first two parameters are each statement's own).
fn bind_settings<'q, T>(query: ScalarQuery<'q, T>, settings: &'q JobSettings) -> ScalarQuery<'q, T> {
    query
        .bind(&settings.title)
        .bind(&settings.title_hi)
        .bind(&settings.description)
        .bind(&settings.description_hi)
        .bind(settings.category.code())
        .bind(settings.pay.0)
        .bind(settings.budget_cap.map(|cap| cap.0))
        .bind(settings.target_approved)
        .bind(settings.daily_cap_per_gigger)
        .bind(settings.reservation_minutes)
        .bind(settings.starts_on)
        .bind(settings.ends_on)
        .bind(Json(&settings.geography))
        .bind(languages(settings))
        .bind(settings.training_id)
        .bind(settings.min_trust_score)
        .bind(settings.overlap)
        .bind(units_mode(settings))
        .bind(Json(&settings.qc_policy))
        .bind(settings.expected_minutes)
}

/// A new draft job; returns its id.
pub async fn insert(
    conn: &mut PgConnection,
    organisation_id: i64,
    settings: &JobSettings,
    created_by: i64,
) -> Result<i64, AppError> {
    check_training(conn, organisation_id, settings).await?;
    let query = sqlx::query_scalar(
        "insert into jobs (organisation_id, created_by, status, title, title_hi, description, description_hi,
             category, pay_paise, budget_cap_paise, target_approved, daily_cap_per_gigger, reservation_minutes,
             starts_on, ends_on, geography, languages, training_id, min_trust_score, overlap, units_mode, qc_policy,
             expected_minutes)
         values ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
         returning id",
    )
    .bind(organisation_id)
    .bind(created_by);
    let id = bind_settings(query, settings).fetch_one(conn).await?;
    Ok(id)
}

/// Replaces the settings if the job is still at `expected_version`; returns the new version.
pub async fn update(
    conn: &mut PgConnection,
    job: &StoredJob,
    expected_version: i32,
    settings: &JobSettings,
) -> Result<i32, AppError> {
    check_training(conn, job.organisation_id, settings).await?;
    let query = sqlx::query_scalar(
        "update jobs set title = $3, title_hi = $4, description = $5, description_hi = $6, category = $7,
             pay_paise = $8, budget_cap_paise = $9, target_approved = $10, daily_cap_per_gigger = $11,
             reservation_minutes = $12, starts_on = $13, ends_on = $14, geography = $15, languages = $16,
             training_id = $17, min_trust_score = $18, overlap = $19, units_mode = $20, qc_policy = $21,
             expected_minutes = $22,
             version = version + 1, updated_at = now()
         where id = $1 and version = $2
         returning version",
    )
    .bind(job.id)
    .bind(expected_version);
    let version: Option<i32> = bind_settings(query, settings).fetch_optional(&mut *conn).await?;
    let version = version.ok_or_else(stale_edit)?;
    let more_slots = settings.overlap - job.settings.overlap;
    if more_slots != 0 {
        // Each open unit's free slots follow the overlap (never below zero: holders keep
        // theirs). An open job's blank gigs (migration 0016) keep one slot each: every
        // reservation there is a gig of its own.
        sqlx::query(
            "update units set slots_left = greatest(slots_left + $2, 0)
             where job_id = $1 and status = 'open'
               and not (external_id like 'open-%' and (select units_mode from jobs where id = $1) = 'open')",
        )
        .bind(job.id)
        .bind(more_slots)
        .execute(&mut *conn)
        .await?;
    }
    Ok(version)
}

/// Bumps the version for a change stored elsewhere (form, units, status), refusing a
/// stale one.
pub async fn bump_version(
    conn: &mut PgConnection,
    job_id: i64,
    expected_version: i32,
) -> Result<i32, AppError> {
    sqlx::query_scalar(
        "update jobs set version = version + 1, updated_at = now() where id = $1 and version = $2 returning version",
    )
    .bind(job_id)
    .bind(expected_version)
    .fetch_optional(conn)
    .await?
    .ok_or_else(stale_edit)
}
