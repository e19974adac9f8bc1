//! Queries behind the job lists. Cross-job reads like these are dashboard reads;
//! hot-path unit queries always filter on `job_id`.

use crate::jobs::{JobStatus, JobSummary};
use crate::money::Paise;
use sqlx::PgPool;

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    title: String,
    organisation: String,
    status: String,
    pay_paise: i64,
    target_approved: i32,
    units_total: i64,
    units_open: i64,
    archived: bool,
}

const JOB_LIST: &str = "
    select j.id, j.title, o.name as organisation, j.status, j.pay_paise, j.target_approved,
           coalesce(u.total, 0) as units_total, coalesce(u.open, 0) as units_open,
           j.archived_at is not null as archived
    from jobs j
    join organisations o on o.id = j.organisation_id
    left join lateral (
        select count(*) as total, count(*) filter (where status = 'open') as open
        from units where units.job_id = j.id
    ) u on true
    where ($1::bigint[] is null or j.organisation_id = any($1))
      and ($2::text is null or j.status = $2)
      and ($3::text is null or j.title ilike '%' || $3 || '%' or o.name ilike '%' || $3 || '%')
      and (j.archived_at is null) <> $4
    order by j.created_at desc, j.id desc
    limit 200";

/// Jobs, newest first: of `organisations` when given, with `status`, matching `search`
/// in the title or organisation name, archived ones only when `archived`.
pub async fn list(
    pool: &PgPool,
    organisations: Option<&[i64]>,
    status: Option<JobStatus>,
    search: Option<&str>,
    archived: bool,
) -> Result<Vec<JobSummary>, sqlx::Error> {
    // `%` and `_` in a search are literal text, not wildcards.
    let search = search
        .map(|s| s.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
        .filter(|s| !s.is_empty());
    let rows: Vec<JobRow> = sqlx::query_as(JOB_LIST)
        .bind(organisations)
        .bind(status.map(JobStatus::code))
        .bind(search)
        .bind(archived)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(JobSummary {
                id: row.id,
                status: JobStatus::parse(&row.status)?,
                title: row.title,
                organisation: row.organisation,
                pay: Paise(row.pay_paise),
                target_approved: row.target_approved,
                units_total: row.units_total,
                units_open: row.units_open,
                archived: row.archived,
            })
        })
        .collect())
}

/// The customer organisation a user belongs to.
pub async fn organisation_of(pool: &PgPool, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(Option<i64>,)> = sqlx::query_as("select organisation_id from users where id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.and_then(|(id,)| id))
}
