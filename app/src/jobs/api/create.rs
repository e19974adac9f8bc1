//! Starting jobs: the new-job page's choices, creating a job, saving one as a template.

use crate::accounts::Organisation;
use crate::error::AppError;
use crate::jobs::templates::TemplateChoice;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    crate::accounts::server::auth,
    crate::accounts::Role,
    crate::error::server::respond,
    crate::jobs::server::{access, create},
    crate::jobs::templates::{BuiltIn, JobStart},
};

/// What the new-job page offers: the organisations the user may create jobs for and the
/// built-in and saved templates. (Cloning starts from the job's own page.)
#[server(endpoint = "jobs/new_options")]
pub async fn new_job_options() -> Result<(Vec<Organisation>, Vec<TemplateChoice>), AppError> {
    respond(async move {
        let (state, user) = auth::require(&[Role::Manager, Role::Admin]).await?;
        let organisations: Vec<(i64, String)> = sqlx::query_as(
            "select id, name from organisations o
             where $1 or exists (select 1 from organisation_managers m where m.organisation_id = o.id and m.user_id = $2)
             order by name",
        )
        .bind(user.role == Role::Admin)
        .bind(user.id)
        .fetch_all(&state.pool)
        .await?;
        let ids: Vec<i64> = organisations.iter().map(|(id, _)| *id).collect();
        let mut choices: Vec<TemplateChoice> = BuiltIn::ALL
            .into_iter()
            .map(|template| TemplateChoice {
                start: format!("builtin:{}", template.code()),
                name: template.name().into(),
                summary: template.summary().into(),
            })
            .collect();
        let names: std::collections::HashMap<i64, &str> =
            organisations.iter().map(|(id, name)| (*id, name.as_str())).collect();
        for (id, organisation_id, name) in create::saved_templates(&state.pool, &ids).await? {
            choices.push(TemplateChoice {
                start: format!("saved:{id}"),
                name,
                summary: format!("Saved template of {}", names.get(&organisation_id).unwrap_or(&"")),
            });
        }
        let organisations = organisations.into_iter().map(|(id, name)| Organisation { id, name }).collect();
        Ok((organisations, choices))
    })
    .await
}

/// Creates a job for `organisation_id` starting from `start` (`blank`,
/// `builtin:<code>`, `saved:<id>`, `clone:<job id>`) and opens it.
#[server(endpoint = "jobs/create")]
pub async fn create_job(organisation_id: i64, start: String) -> Result<i64, AppError> {
    respond(async move {
        let (state, user) = auth::require(&[Role::Manager, Role::Admin]).await?;
        if !access::may_manage(&state.pool, &user, organisation_id).await? {
            return Err(AppError::Forbidden);
        }
        let start = JobStart::parse(&start)
            .ok_or_else(|| AppError::invalid("start", "Choose how to start the job."))?;
        if let JobStart::CloneOf(source) = start {
            access::require_manage_job(&state.pool, &user, source).await?;
        }
        let job_id = create::create(&state.pool, organisation_id, start, user.id).await?;
        leptos_axum::redirect(&format!("/manage/jobs/{job_id}"));
        Ok(job_id)
    })
    .await
}

/// Saves the job (settings and form, without units) as a template of its organisation.
#[server(endpoint = "jobs/save_template")]
pub async fn save_job_as_template(job_id: i64, name: String) -> Result<i64, AppError> {
    respond(async move {
        let (state, user) = auth::require(&[Role::Manager, Role::Admin]).await?;
        access::require_manage_job(&state.pool, &user, job_id).await?;
        create::save_as_template(&state.pool, job_id, &name, user.id).await
    })
    .await
}
