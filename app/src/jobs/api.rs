//! Server functions for listing jobs.

use super::{GigCard, JobSummary};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::server, crate::accounts::server::auth, crate::accounts::Role, crate::error::server::respond};

/// Jobs for dashboards: every job for managers, reviewers and admins; a customer sees
/// only their own organisation's jobs.
#[server(endpoint = "jobs/list")]
pub async fn list_jobs() -> Result<Vec<JobSummary>, AppError> {
    respond(async {
        let (state, user) =
            auth::require(&[Role::Manager, Role::Reviewer, Role::Admin, Role::Customer]).await?;
        let only_organisation = if user.role == Role::Customer {
            Some(server::organisation_of(&state.pool, user.id).await?.ok_or(AppError::Forbidden)?)
        } else {
            None
        };
        Ok(server::list(&state.pool, only_organisation).await?)
    })
    .await
}

/// Live jobs with work left, for a gigger's home page. Giggers only.
#[server(endpoint = "gigs/live")]
pub async fn live_gigs() -> Result<Vec<GigCard>, AppError> {
    respond(async {
        let (state, _gigger) = auth::require(&[Role::Gigger]).await?;
        Ok(server::live_gig_cards(&state.pool).await?)
    })
    .await
}
