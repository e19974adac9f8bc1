//! Reading jobs: dashboard lists and the job page.

use crate::error::AppError;
use crate::jobs::{JobDetail, JobSummary};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    crate::accounts::server::auth,
    crate::accounts::Role,
    crate::error::server::respond,
    crate::jobs::server::{self, access, changes, forms, lifecycle, markdown, store},
    crate::jobs::JobStatus,
};

/// Jobs for dashboards, filtered by status (`draft`, `live`, ...; empty for all), a search
/// in title and organisation, and archived or not. Managers see the organisations they
/// work for, customers their own, reviewers and admins all.
#[server(endpoint = "jobs/list")]
pub async fn list_jobs(
    #[server(default)] status: String,
    #[server(default)] search: String,
    #[server(default)] archived: bool,
) -> Result<Vec<JobSummary>, AppError> {
    respond(async move {
        let (state, user) =
            auth::require(&[Role::Manager, Role::Reviewer, Role::Admin, Role::Customer]).await?;
        let organisations = access::visible_organisations(&state.pool, &user).await?;
        let status = match status.as_str() {
            "" => None,
            code => {
                Some(JobStatus::parse(code).ok_or_else(|| AppError::invalid("status", "Unknown status."))?)
            }
        };
        let search = (!search.trim().is_empty()).then_some(search.as_str());
        Ok(server::list(&state.pool, organisations.as_deref(), status, search, archived).await?)
    })
    .await
}

/// The job page: settings, form, progress, publish checklist and change log. Customers
/// read their own organisation's jobs; reviewers read all; managers and admins may edit.
#[server(endpoint = "jobs/detail")]
pub async fn get_job(job_id: i64) -> Result<JobDetail, AppError> {
    respond(async move {
        let (state, user) =
            auth::require(&[Role::Manager, Role::Reviewer, Role::Admin, Role::Customer]).await?;
        let (_, can_edit) = access::require_read_job(&state.pool, &user, job_id).await?;
        let mut conn = state.pool.acquire().await?;
        let job = store::load(&mut conn, job_id, false).await?;
        let checklist = lifecycle::checklist(&mut conn, &job, super::today(&state)).await?;
        let (form_version, form) = forms::latest(&state.pool, job_id).await?;
        let (organisation, training_title): (String, Option<String>) = sqlx::query_as(
            "select o.name, t.title from jobs j join organisations o on o.id = j.organisation_id
             left join trainings t on t.id = j.training_id where j.id = $1",
        )
        .bind(job_id)
        .fetch_one(&mut *conn)
        .await?;
        let (units_total, units_open, units_gold): (i64, i64, i64) = sqlx::query_as(
            "select count(*), count(*) filter (where status = 'open'), count(gold_answers)
             from units where job_id = $1",
        )
        .bind(job_id)
        .fetch_one(&mut *conn)
        .await?;
        Ok(JobDetail {
            id: job.id,
            organisation_id: job.organisation_id,
            organisation,
            status: job.status,
            archived: job.archived_at.is_some(),
            version: job.version,
            description_html: markdown::to_html(&job.settings.description),
            settings: job.settings,
            form,
            form_version,
            training_title,
            units_total,
            units_open,
            units_gold,
            checklist,
            changes: changes::recent(&state.pool, job_id, 50).await?,
            can_edit,
        })
    })
    .await
}
