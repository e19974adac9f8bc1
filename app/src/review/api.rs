//! Server functions of the review console. Reviewers and admins only; each one
//! authorizes itself.

use super::{ReviewItem, ReviewQueue};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::server::{self as review, ConsoleDecision},
    crate::accounts::server::auth,
    crate::accounts::Role,
    crate::error::server::respond,
};

#[cfg(feature = "ssr")]
const REVIEWERS: &[Role] = &[Role::Reviewer, Role::Admin];

/// Jobs with submissions waiting for review.
#[server(endpoint = "review/queues")]
pub async fn review_queues() -> Result<Vec<ReviewQueue>, AppError> {
    respond(async {
        let (state, _reviewer) = auth::require(REVIEWERS).await?;
        review::queues(&state.pool).await
    })
    .await
}

/// Claims the next submission of the job's queue (or the one this reviewer holds) and
/// returns it; None when nothing is waiting.
#[server(endpoint = "review/next")]
pub async fn next_for_review(job_id: i64) -> Result<Option<ReviewItem>, AppError> {
    respond(async {
        let (state, reviewer) = auth::require(REVIEWERS).await?;
        match review::claim_next(&state.pool, job_id, reviewer.id).await? {
            Some(id) => Ok(Some(review::item(&state.pool, job_id, id, reviewer.id).await?)),
            None => Ok(None),
        }
    })
    .await
}

/// Approves or rejects (with one of the job's reason codes and an optional note) a
/// submission this reviewer holds.
#[server(endpoint = "review/decide")]
pub async fn decide_review(
    job_id: i64,
    submission_id: i64,
    verdict: String,
    reason_code: Option<String>,
    note: Option<String>,
) -> Result<(), AppError> {
    respond(async {
        let (state, reviewer) = auth::require(REVIEWERS).await?;
        let decision = match verdict.as_str() {
            "approve" => ConsoleDecision::Approve,
            "reject" => ConsoleDecision::Reject {
                code: reason_code.unwrap_or_default(),
                note: note.unwrap_or_default(),
            },
            _ => return Err(AppError::invalid("verdict", "Approve or reject.")),
        };
        review::decide_claimed(&state.pool, job_id, submission_id, reviewer.id, decision).await?;
        tracing::info!(reviewer = reviewer.id, job_id, submission_id, verdict, "review decided");
        Ok(())
    })
    .await
}

/// Approves the job's waiting submissions sent to review for `reason` (all when
/// empty) that nobody else holds, up to 500 at a time. Returns how many.
#[server(endpoint = "review/bulk_approve")]
pub async fn bulk_approve(job_id: i64, reason: String) -> Result<i64, AppError> {
    respond(async {
        let (state, reviewer) = auth::require(REVIEWERS).await?;
        let reason = Some(reason.trim()).filter(|r| !r.is_empty());
        let approved = review::bulk_approve(&state.pool, job_id, reviewer.id, reason, 500).await?;
        tracing::info!(reviewer = reviewer.id, job_id, approved, "bulk approval");
        Ok(approved)
    })
    .await
}
