//! A job's form versions. Until a job first goes live its form is edited in place (no
//! gigger has seen it); after that every save publishes a new version, and submissions
//! keep the version they answered.

use super::{changes, store};
use crate::error::AppError;
use crate::forms::{FormDraft, FormSchema};
use sqlx::{PgConnection, PgPool};

/// The latest version's number and schema; an empty draft before the first save. A stored
/// schema that no longer parses (written by hand, say) comes back as a draft to fix.
pub async fn latest(pool: &PgPool, job_id: i64) -> Result<(i32, FormDraft), sqlx::Error> {
    let row: Option<(i32, serde_json::Value)> = sqlx::query_as(
        "select version, schema from job_form_versions where job_id = $1 order by version desc limit 1",
    )
    .bind(job_id)
    .fetch_optional(pool)
    .await?;
    Ok(match row {
        Some((version, schema)) => (version, serde_json::from_value(schema).unwrap_or_default()),
        None => (0, FormDraft::default()),
    })
}

/// The latest version as a sound schema, if there is one.
pub async fn latest_schema(conn: &mut PgConnection, job_id: i64) -> Result<Option<FormSchema>, sqlx::Error> {
    let schema: Option<serde_json::Value> = sqlx::query_scalar(
        "select schema from job_form_versions where job_id = $1 order by version desc limit 1",
    )
    .bind(job_id)
    .fetch_optional(conn)
    .await?;
    Ok(schema.and_then(|schema| serde_json::from_value(schema).ok()))
}

/// Parses and stores `draft` for the job, locked at `expected_version`. Returns the job's
/// new version and the form's version. The first problem is reported on its field.
pub async fn save(
    conn: &mut PgConnection,
    job_id: i64,
    expected_version: i32,
    draft: FormDraft,
    actor: i64,
) -> Result<(i32, i32), AppError> {
    let schema = FormSchema::parse(draft).map_err(|errors| {
        let first = &errors[0];
        let field = first.field_index.map(|i| format!("field-{i}")).unwrap_or_else(|| "form".into());
        AppError::invalid(&field, first.message.clone())
    })?;
    let job = store::load(conn, job_id, true).await?;
    let job_version = store::bump_version(conn, job_id, expected_version).await?;
    let json =
        serde_json::to_value(&schema).map_err(|e| crate::error::server::internal("form to JSON", e))?;
    let current: Option<i32> =
        sqlx::query_scalar("select max(version) from job_form_versions where job_id = $1")
            .bind(job_id)
            .fetch_one(&mut *conn)
            .await?;
    let form_version = match (current, job.published_at) {
        (Some(version), None) => {
            sqlx::query(
                "update job_form_versions set schema = $3, created_by = $4, created_at = now()
                         where job_id = $1 and version = $2",
            )
            .bind(job_id)
            .bind(version)
            .bind(&json)
            .bind(actor)
            .execute(&mut *conn)
            .await?;
            version
        }
        (current, _) => {
            let version = current.unwrap_or(0) + 1;
            sqlx::query(
                "insert into job_form_versions (job_id, version, schema, created_by) values ($1, $2, $3, $4)",
            )
            .bind(job_id)
            .bind(version)
            .bind(&json)
            .bind(actor)
            .execute(&mut *conn)
            .await?;
            version
        }
    };
    let fields = schema.fields().len();
    changes::record(
        conn,
        job_id,
        actor,
        "form saved",
        serde_json::json!({ "form version": form_version, "fields": fields }),
    )
    .await?;
    Ok((job_version, form_version))
}
