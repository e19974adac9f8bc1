//! Server functions for units (the CSV import is a streaming endpoint, `server::import`).
// `save_unit`'s arguments are the form's fields, one per unit column; the server
// function macro copies them into generated code, so the allowance is module-wide.
#![allow(clippy::too_many_arguments)]

use super::UnitPage;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::server::store, super::UnitFields, crate::accounts::server::auth, crate::accounts::Role,
    crate::error::server::respond, crate::jobs::server::access,
};

/// A page of the job's units (50, after the unit id `after`). Staff who may read the job.
#[server(endpoint = "units/list")]
pub async fn list_units(job_id: i64, #[server(default)] after: Option<i64>) -> Result<UnitPage, AppError> {
    respond(async move {
        let (state, user) =
            auth::require(&[Role::Manager, Role::Reviewer, Role::Admin, Role::Customer]).await?;
        access::require_read_job(&state.pool, &user, job_id).await?;
        Ok(store::page(&state.pool, job_id, after).await?)
    })
    .await
}

/// Adds a unit by hand (no `unit_id`) or edits one. `context` is `name: value` lines.
#[server(endpoint = "units/save")]
pub async fn save_unit(
    job_id: i64,
    #[server(default)] unit_id: Option<i64>,
    external_id: String,
    #[server(default)] title: String,
    #[server(default)] address: String,
    #[server(default)] latitude: String,
    #[server(default)] longitude: String,
    #[server(default)] context: String,
) -> Result<i64, AppError> {
    respond(async move {
        let (state, user) = auth::require(&[Role::Manager, Role::Admin]).await?;
        access::require_manage_job(&state.pool, &user, job_id).await?;
        let fields = UnitFields::parse(&external_id, &title, &address, &latitude, &longitude)
            .map_err(|(field, message)| AppError::invalid(field, message))?;
        let context = store::parse_context(&context)?;
        store::save(&state.pool, job_id, unit_id, &fields, context, user.id).await
    })
    .await
}
