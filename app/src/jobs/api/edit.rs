//! Changing a job: settings, form, status. Each names the job version the page showed;
//! a stale one is refused (409) rather than overwriting someone else's change.

use crate::error::AppError;
use crate::jobs::settings::JobSettingsForm;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    crate::accounts::server::auth,
    crate::accounts::Role,
    crate::error::server::respond,
    crate::forms::FormDraft,
    crate::jobs::server::{access, changes, forms, lifecycle, store},
    crate::jobs::JobAction,
};

/// Saves a job's settings; returns the job's new version. Managers of its organisation
/// and admins.
#[server(endpoint = "jobs/save_settings")]
pub async fn save_job_settings(
    job_id: i64,
    version: i32,
    settings: JobSettingsForm,
) -> Result<i32, AppError> {
    respond(async move {
        let (state, user) = auth::require(&[Role::Manager, Role::Admin]).await?;
        access::require_manage_job(&state.pool, &user, job_id).await?;
        let parsed = settings.parse().map_err(|(field, message)| AppError::invalid(field, message))?;
        let mut tx = state.pool.begin().await?;
        let job = store::load(&mut tx, job_id, true).await?;
        let new_version = store::update(&mut tx, &job, version, &parsed).await?;
        let before = serde_json::to_value(&job.settings).unwrap_or_default();
        let after = serde_json::to_value(&parsed).unwrap_or_default();
        changes::record(&mut tx, job_id, user.id, "settings changed", changes::difference(&before, &after))
            .await?;
        tx.commit().await?;
        Ok(new_version)
    })
    .await
}

/// Saves the job's form (a `FormDraft` as JSON); returns the job's new version and the
/// form's version. A job that has been live gets a new form version.
#[server(endpoint = "jobs/save_form")]
pub async fn save_job_form(job_id: i64, version: i32, form_json: String) -> Result<(i32, i32), AppError> {
    respond(async move {
        let (state, user) = auth::require(&[Role::Manager, Role::Admin]).await?;
        access::require_manage_job(&state.pool, &user, job_id).await?;
        if form_json.len() > 512 * 1024 {
            return Err(AppError::invalid("form", "The form is too large (over 512 KB)."));
        }
        let draft: FormDraft = serde_json::from_str(&form_json)
            .map_err(|e| AppError::invalid("form", format!("The form could not be read: {e}")))?;
        let mut tx = state.pool.begin().await?;
        let versions = forms::save(&mut tx, job_id, version, draft, user.id).await?;
        tx.commit().await?;
        Ok(versions)
    })
    .await
}

/// Publishes, pauses, closes, archives or restores a job; returns its new version.
/// Publishing is refused while the checklist has items.
#[server(endpoint = "jobs/change_status")]
pub async fn change_job_status(job_id: i64, version: i32, action: String) -> Result<i32, AppError> {
    respond(async move {
        let (state, user) = auth::require(&[Role::Manager, Role::Admin]).await?;
        access::require_manage_job(&state.pool, &user, job_id).await?;
        let action =
            JobAction::parse(&action).ok_or_else(|| AppError::invalid("action", "Unknown action."))?;
        let mut tx = state.pool.begin().await?;
        let new_version =
            lifecycle::apply(&mut tx, job_id, version, action, user.id, super::today(&state)).await?;
        tx.commit().await?;
        Ok(new_version)
    })
    .await
}
