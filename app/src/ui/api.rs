//! The server function behind form errors shown without JavaScript.

use crate::error::AppError;
use leptos::prelude::*;

/// The error a plain HTML form post left in the session for its page, removed as it
/// is read (shown once). Open to everyone: it reads only the caller's own session.
#[server(endpoint = "forms/take_error")]
pub async fn take_form_error() -> Result<Option<AppError>, AppError> {
    use crate::error::server::{respond, FORM_ERROR_KEY};
    respond(async {
        let session = leptos_axum::extract::<tower_sessions::Session>()
            .await
            .map_err(|e| crate::error::server::internal("session layer missing", e))?;
        Ok(session.remove::<AppError>(FORM_ERROR_KEY).await?)
    })
    .await
}
