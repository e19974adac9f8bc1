//! Listing units page by page and adding or editing one by hand.

use crate::error::AppError;
use crate::jobs::server::changes;
use crate::units::{Unit, UnitFields, UnitPage};
use sqlx::PgPool;

pub const PAGE_SIZE: i64 = 50;

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    external_id: String,
    title: String,
    address: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    context: serde_json::Value,
    gold: bool,
    status: String,
}

/// Units after `after` (by id), oldest first; with the job's totals.
pub async fn page(pool: &PgPool, job_id: i64, after: Option<i64>) -> Result<UnitPage, sqlx::Error> {
    let rows: Vec<UnitRow> = sqlx::query_as(
        "select id, external_id, title, address, latitude, longitude, context, gold_answers is not null as gold, status
         from units where job_id = $1 and id > coalesce($2, 0) order by id limit $3",
    )
    .bind(job_id)
    .bind(after)
    .bind(PAGE_SIZE + 1)
    .fetch_all(pool)
    .await?;
    let (total, gold): (i64, i64) =
        sqlx::query_as("select count(*), count(gold_answers) from units where job_id = $1")
            .bind(job_id)
            .fetch_one(pool)
            .await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    let units: Vec<Unit> = rows
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|row| Unit {
            id: row.id,
            external_id: row.external_id,
            title: row.title,
            address: row.address,
            latitude: row.latitude,
            longitude: row.longitude,
            context: context_pairs(&row.context),
            gold: row.gold,
            status: row.status,
        })
        .collect();
    let next_after = if more { units.last().map(|unit| unit.id) } else { None };
    Ok(UnitPage { units, total, gold, next_after })
}

/// A unit's context (a JSON object from the CSV's extra columns) as (name, text) pairs.
pub fn context_pairs(context: &serde_json::Value) -> Vec<(String, String)> {
    context
        .as_object()
        .map(|object| {
            object
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().map(String::from).unwrap_or_else(|| v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Reads `key: value` lines into context (the hand-made equivalent of extra CSV columns).
pub fn parse_context(text: &str) -> Result<serde_json::Value, AppError> {
    let mut context = serde_json::Map::new();
    for (n, line) in text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty()) {
        let (key, value) = line.split_once(':').ok_or_else(|| {
            AppError::invalid("context", format!("Line {}: write it as \u{201c}name: value\u{201d}.", n + 1))
        })?;
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() || key.chars().count() > 100 || value.chars().count() > 2000 {
            return Err(AppError::invalid(
                "context",
                format!("Line {}: the name or value is empty or too long.", n + 1),
            ));
        }
        context.insert(key.to_string(), serde_json::Value::String(value.to_string()));
    }
    Ok(serde_json::Value::Object(context))
}

/// Adds a unit (`unit_id` None) or edits one; returns its id.
pub async fn save(
    pool: &PgPool,
    job_id: i64,
    unit_id: Option<i64>,
    fields: &UnitFields,
    context: serde_json::Value,
    actor: i64,
) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    let (lat, lon) = fields.location.map(|(a, b)| (Some(a), Some(b))).unwrap_or((None, None));
    let result =
        match unit_id {
            None => {
                sqlx::query_scalar(
                    "insert into units (job_id, external_id, title, address, latitude, longitude, context)
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
                )
                .bind(job_id)
                .bind(&fields.external_id)
                .bind(&fields.title)
                .bind(&fields.address)
                .bind(lat)
                .bind(lon)
                .bind(&context)
                .fetch_optional(&mut *tx)
                .await
            }
            Some(unit_id) => sqlx::query_scalar(
                "update units set external_id = $3, title = $4, address = $5, latitude = $6, longitude = $7,
                 context = $8, updated_at = now()
             where job_id = $1 and id = $2 returning id",
            )
            .bind(job_id)
            .bind(unit_id)
            .bind(&fields.external_id)
            .bind(&fields.title)
            .bind(&fields.address)
            .bind(lat)
            .bind(lon)
            .bind(&context)
            .fetch_optional(&mut *tx)
            .await,
        };
    let id: i64 = match result {
        Ok(Some(id)) => id,
        Ok(None) => return Err(AppError::NotFound),
        Err(sqlx::Error::Database(db)) if db.constraint() == Some("units_job_external_id_key") => {
            return Err(AppError::invalid(
                "external_id",
                format!("The job already has a unit \u{201c}{}\u{201d}.", fields.external_id),
            ))
        }
        Err(other) => return Err(other.into()),
    };
    let action = if unit_id.is_some() { "unit edited" } else { "unit added" };
    changes::record(&mut tx, job_id, actor, action, serde_json::json!({ "unit": fields.external_id }))
        .await?;
    tx.commit().await?;
    Ok(id)
}
