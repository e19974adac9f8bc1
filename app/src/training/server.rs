//! Storing training modules. Content is JSON checked by `TrainingContent::problems` on
//! every save; a save names the version it was based on (no silent overwrites).

use super::{Training, TrainingContent, TrainingSummary};
use crate::error::AppError;
use crate::jobs::templates::TrainingSpec;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};

fn check(spec: &TrainingSpec) -> Result<(), AppError> {
    let title = spec.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(AppError::invalid("title", "The title must be 1 to 200 characters."));
    }
    if !(1..=100).contains(&spec.pass_mark_percent) {
        return Err(AppError::invalid("pass_mark_percent", "The pass mark is a percentage from 1 to 100."));
    }
    if !(1..=100).contains(&spec.max_attempts) {
        return Err(AppError::invalid("max_attempts", "Allow 1 to 100 attempts."));
    }
    if !(0..=43_200).contains(&spec.cooldown_minutes) {
        return Err(AppError::invalid("cooldown_minutes", "The cooldown is 0 to 43,200 minutes (30 days)."));
    }
    if let Some(problem) = spec.content.problems().into_iter().next() {
        return Err(AppError::invalid("content", problem));
    }
    Ok(())
}

pub async fn insert(
    conn: &mut PgConnection,
    organisation_id: i64,
    spec: &TrainingSpec,
    actor: i64,
) -> Result<i64, AppError> {
    check(spec)?;
    Ok(sqlx::query_scalar(
        "insert into trainings (organisation_id, title, content, pass_mark_percent, max_attempts, cooldown_minutes, created_by)
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(organisation_id)
    .bind(spec.title.trim())
    .bind(Json(&spec.content))
    .bind(spec.pass_mark_percent)
    .bind(spec.max_attempts)
    .bind(spec.cooldown_minutes)
    .bind(actor)
    .fetch_one(conn)
    .await?)
}

pub async fn update(
    pool: &PgPool,
    id: i64,
    expected_version: i32,
    spec: &TrainingSpec,
) -> Result<i32, AppError> {
    check(spec)?;
    sqlx::query_scalar(
        "update trainings set title = $3, content = $4, pass_mark_percent = $5, max_attempts = $6,
             cooldown_minutes = $7, version = version + 1, updated_at = now()
         where id = $1 and version = $2 returning version",
    )
    .bind(id)
    .bind(expected_version)
    .bind(spec.title.trim())
    .bind(Json(&spec.content))
    .bind(spec.pass_mark_percent)
    .bind(spec.max_attempts)
    .bind(spec.cooldown_minutes)
    .fetch_optional(pool)
    .await?
    .ok_or_else(crate::jobs::server::store::stale_edit)
}

#[derive(sqlx::FromRow)]
struct TrainingRow {
    id: i64,
    organisation_id: i64,
    title: String,
    content: Json<TrainingContent>,
    pass_mark_percent: i16,
    max_attempts: i16,
    cooldown_minutes: i32,
    version: i32,
}

pub async fn load(pool: &PgPool, id: i64) -> Result<Training, AppError> {
    let row: TrainingRow = sqlx::query_as(
        "select id, organisation_id, title, content, pass_mark_percent, max_attempts, cooldown_minutes, version
         from trainings where id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Training {
        id: row.id,
        organisation_id: row.organisation_id,
        title: row.title,
        content: row.content.0,
        pass_mark_percent: row.pass_mark_percent,
        max_attempts: row.max_attempts,
        cooldown_minutes: row.cooldown_minutes,
        version: row.version,
    })
}

/// Trainings of the given organisations (`None`: all), newest first.
pub async fn list(pool: &PgPool, organisations: Option<&[i64]>) -> Result<Vec<TrainingSummary>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i32, i64)> = sqlx::query_as(
        "select t.id, o.name, t.title, jsonb_array_length(t.content->'questions'),
                (select count(*) from jobs j where j.training_id = t.id)
         from trainings t join organisations o on o.id = t.organisation_id
         where $1::bigint[] is null or t.organisation_id = any($1)
         order by t.id desc limit 200",
    )
    .bind(organisations)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, organisation, title, questions, jobs_requiring)| TrainingSummary {
            id,
            organisation,
            title,
            questions: questions as usize,
            jobs_requiring,
        })
        .collect())
}
