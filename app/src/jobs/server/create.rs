//! New jobs: blank, from a built-in or saved template, or as a clone of another job; and
//! saving a job as a template. Each is one transaction, so a job appears whole or not at all.

use super::{builtin, changes, forms, store};
use crate::error::{server::internal, AppError};
use crate::forms::FormDraft;
use crate::jobs::settings::JobSettings;
use crate::jobs::templates::{JobSpec, JobStart};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};

/// The spec a new job starts from, and the organisation it must belong to (a saved
/// template or a cloned job is tied to its own organisation).
async fn starting_spec(pool: &PgPool, start: JobStart) -> Result<(JobSpec, Option<i64>), AppError> {
    Ok(match start {
        JobStart::Blank => {
            (JobSpec { settings: JobSettings::blank(), form: FormDraft::default(), training: None }, None)
        }
        JobStart::BuiltIn(template) => (builtin::spec(template), None),
        JobStart::Saved(template_id) => {
            let (organisation_id, Json(spec)): (i64, Json<JobSpec>) =
                sqlx::query_as("select organisation_id, spec from job_templates where id = $1")
                    .bind(template_id)
                    .fetch_optional(pool)
                    .await?
                    .ok_or_else(|| AppError::invalid("start", "That template no longer exists."))?;
            (spec, Some(organisation_id))
        }
        JobStart::CloneOf(job_id) => {
            let mut conn = pool.acquire().await?;
            let job = store::load(&mut conn, job_id, false).await?;
            let (_, form) = forms::latest(pool, job_id).await?;
            let mut settings = job.settings;
            settings.title = format!("Copy of {}", settings.title).chars().take(200).collect();
            (JobSpec { settings, form, training: None }, Some(job.organisation_id))
        }
    })
}

/// Creates the job (and the template's training, if it brings one); returns its id.
pub async fn create(
    pool: &PgPool,
    organisation_id: i64,
    start: JobStart,
    actor: i64,
) -> Result<i64, AppError> {
    let (mut spec, tied_to) = starting_spec(pool, start).await?;
    if tied_to.is_some_and(|tied| tied != organisation_id) {
        return Err(AppError::invalid("start", "That template or job belongs to another organisation."));
    }
    let mut tx = pool.begin().await?;
    if let Some(training) = &spec.training {
        let training_id = crate::training::server::insert(&mut tx, organisation_id, training, actor).await?;
        spec.settings.training_id = Some(training_id);
    }
    let job_id = store::insert(&mut tx, organisation_id, &spec.settings, actor).await?;
    if !spec.form.fields.is_empty() {
        insert_first_form(&mut tx, job_id, &spec.form, actor).await?;
    }
    let how = match start {
        JobStart::Blank => "blank".to_string(),
        JobStart::BuiltIn(template) => format!("template {}", template.name()),
        JobStart::Saved(id) => format!("saved template {id}"),
        JobStart::CloneOf(id) => format!("clone of job {id}"),
    };
    changes::record(&mut tx, job_id, actor, "created", serde_json::json!({ "from": how })).await?;
    tx.commit().await?;
    Ok(job_id)
}

async fn insert_first_form(
    conn: &mut PgConnection,
    job_id: i64,
    form: &FormDraft,
    actor: i64,
) -> Result<(), AppError> {
    // Templates and clones hold sound forms; parse anyway, a saved template may predate a rule.
    let schema = crate::forms::FormSchema::parse(form.clone()).map_err(|errors| {
        AppError::invalid("start", format!("The template's form is not valid: {}", errors[0].message))
    })?;
    let json = serde_json::to_value(&schema).map_err(|e| internal("form to JSON", e))?;
    sqlx::query("insert into job_form_versions (job_id, version, schema, created_by) values ($1, 1, $2, $3)")
        .bind(job_id)
        .bind(json)
        .bind(actor)
        .execute(conn)
        .await?;
    Ok(())
}

/// Saves the job's settings and latest form as a template of its organisation.
pub async fn save_as_template(pool: &PgPool, job_id: i64, name: &str, actor: i64) -> Result<i64, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid("name", "Give the template a name of 1 to 200 characters."));
    }
    let mut conn = pool.acquire().await?;
    let job = store::load(&mut conn, job_id, false).await?;
    let (_, form) = forms::latest(pool, job_id).await?;
    let spec = JobSpec { settings: job.settings, form, training: None };
    let id = sqlx::query_scalar(
        "insert into job_templates (organisation_id, name, spec, created_by) values ($1, $2, $3, $4) returning id",
    )
    .bind(job.organisation_id)
    .bind(name)
    .bind(Json(&spec))
    .bind(actor)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Saved templates of the given organisations: (id, organisation id, name).
pub async fn saved_templates(
    pool: &PgPool,
    organisations: &[i64],
) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "select id, organisation_id, name from job_templates where organisation_id = any($1)
         order by created_at desc limit 200",
    )
    .bind(organisations)
    .fetch_all(pool)
    .await
}
