//! Server functions for authoring trainings. Managers of the training's organisation and
//! admins; reviewers and customers may read them.

use super::{Training, TrainingSummary};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::server, super::TrainingContent, crate::accounts::server::auth, crate::accounts::Role,
    crate::error::server::respond, crate::jobs::server::access, crate::jobs::templates::TrainingSpec,
};

#[server(endpoint = "trainings/list")]
pub async fn list_trainings() -> Result<Vec<TrainingSummary>, AppError> {
    respond(async move {
        let (state, user) = auth::require(&[Role::Manager, Role::Admin, Role::Reviewer]).await?;
        let organisations = access::visible_organisations(&state.pool, &user).await?;
        Ok(server::list(&state.pool, organisations.as_deref()).await?)
    })
    .await
}

#[server(endpoint = "trainings/get")]
pub async fn get_training(training_id: i64) -> Result<Training, AppError> {
    respond(async move {
        let (state, user) = auth::require(&[Role::Manager, Role::Admin, Role::Reviewer]).await?;
        let training = server::load(&state.pool, training_id).await?;
        if user.role == Role::Manager
            && !access::may_manage(&state.pool, &user, training.organisation_id).await?
        {
            return Err(AppError::Forbidden);
        }
        Ok(training)
    })
    .await
}

/// Creates an empty training for an organisation and opens it for editing.
#[server(endpoint = "trainings/create")]
pub async fn create_training(organisation_id: i64, title: String) -> Result<i64, AppError> {
    respond(async move {
        let (state, user) = auth::require(&[Role::Manager, Role::Admin]).await?;
        if !access::may_manage(&state.pool, &user, organisation_id).await? {
            return Err(AppError::Forbidden);
        }
        let spec = TrainingSpec {
            title,
            content: TrainingContent::default(),
            pass_mark_percent: 80,
            max_attempts: 3,
            cooldown_minutes: 60,
        };
        let mut conn = state.pool.acquire().await?;
        let id = server::insert(&mut conn, organisation_id, &spec, user.id).await?;
        leptos_axum::redirect(&format!("/manage/trainings/{id}"));
        Ok(id)
    })
    .await
}

/// Saves a training (content as `TrainingContent` JSON); returns its new version.
#[server(endpoint = "trainings/save")]
pub async fn save_training(
    training_id: i64,
    version: i32,
    title: String,
    content_json: String,
    pass_mark_percent: i16,
    max_attempts: i16,
    cooldown_minutes: i32,
) -> Result<i32, AppError> {
    respond(async move {
        let (state, user) = auth::require(&[Role::Manager, Role::Admin]).await?;
        let training = server::load(&state.pool, training_id).await?;
        if !access::may_manage(&state.pool, &user, training.organisation_id).await? {
            return Err(AppError::Forbidden);
        }
        if content_json.len() > 512 * 1024 {
            return Err(AppError::invalid("content", "The training is too large (over 512 KB)."));
        }
        let content: TrainingContent = serde_json::from_str(&content_json)
            .map_err(|e| AppError::invalid("content", format!("The training could not be read: {e}")))?;
        let spec = TrainingSpec { title, content, pass_mark_percent, max_attempts, cooldown_minutes };
        server::update(&state.pool, training_id, version, &spec).await
    })
    .await
}
