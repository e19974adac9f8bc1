//! Server functions for the admin's payouts and pipeline page. Admins only; each one
//! authorizes itself.

use super::{BatchSummary, SettleReport};
use crate::error::AppError;
use crate::pipeline::DeadTask;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::server::{self as payouts, BankCsv},
    crate::accounts::server::auth,
    crate::accounts::Role,
    crate::error::server::respond,
    crate::pipeline::server::queue,
};

/// Payout batches, newest first.
#[server(endpoint = "admin/payouts/list")]
pub async fn list_payout_batches() -> Result<Vec<BatchSummary>, AppError> {
    respond(async {
        let (state, _admin) = auth::require(&[Role::Admin]).await?;
        payouts::batches(&state.pool, 100).await
    })
    .await
}

/// Makes a batch of everyone owed at least `min_rupees` (whole rupees) with a UPI id.
/// Returns the batch's id, or none when nobody qualifies.
#[server(endpoint = "admin/payouts/create")]
pub async fn create_payout_batch(min_rupees: String) -> Result<Option<i64>, AppError> {
    respond(async {
        let (state, admin) = auth::require(&[Role::Admin]).await?;
        let rupees: i64 =
            min_rupees.trim().parse().ok().filter(|r| (1..=10_000_000).contains(r)).ok_or_else(|| {
                AppError::invalid("min_rupees", "The minimum is a whole number of rupees from 1.")
            })?;
        payouts::create_batch(&state.pool, admin.id, rupees * 100).await
    })
    .await
}

/// Reads the bank's result file (its text): settles every row, or nothing and says why.
#[server(endpoint = "admin/payouts/settle")]
pub async fn settle_payouts(results_csv: String) -> Result<SettleReport, AppError> {
    respond(async {
        let (state, admin) = auth::require(&[Role::Admin]).await?;
        if results_csv.trim().is_empty() {
            return Err(AppError::invalid(
                "results_csv",
                "Choose the bank's result file, or paste its text.",
            ));
        }
        let report = payouts::settle(&state.pool, &BankCsv, results_csv.as_bytes()).await?;
        tracing::info!(
            admin = admin.id,
            paid = report.paid,
            failed = report.failed,
            problems = report.problems.len(),
            "payout results read"
        );
        Ok(report)
    })
    .await
}

/// Pipeline tasks that failed every attempt.
#[server(endpoint = "admin/pipeline/dead")]
pub async fn list_dead_tasks() -> Result<Vec<DeadTask>, AppError> {
    respond(async {
        let (state, _admin) = auth::require(&[Role::Admin]).await?;
        Ok(queue::dead_tasks(&state.pool, 200).await?)
    })
    .await
}

/// Puts a dead task back in its queue with fresh attempts.
#[server(endpoint = "admin/pipeline/retry")]
pub async fn retry_dead_task(job_id: i64, task_id: i64) -> Result<(), AppError> {
    respond(async {
        let (state, admin) = auth::require(&[Role::Admin]).await?;
        if !queue::retry_dead(&state.pool, job_id, task_id).await? {
            return Err(AppError::Conflict("That task is not dead (any more).".into()));
        }
        tracing::info!(admin = admin.id, job_id, task_id, "dead task retried");
        Ok(())
    })
    .await
}
