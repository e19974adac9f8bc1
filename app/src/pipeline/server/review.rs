//! Human decisions on submissions: a reviewer's verdict on one sent to review, and an
//! approval overturned. Each records who and when, writes its event, and moves money
//! only through the ledger, in the same transaction.

use super::queue;
use crate::error::AppError;
use crate::ledger::server::{post, Posting};
use crate::ledger::{Account, TransactionKind};
use crate::pipeline::Stage;
use sqlx::PgPool;

/// What a reviewer decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewDecision {
    Approve,
    /// `reason` is what the gigger reads; `code` the job's reason code, when one was chosen.
    Reject {
        reason: String,
        code: Option<String>,
    },
}

/// Decides a submission waiting in review. An approval queues the ledger stage with
/// the decision; a rejection needs a reason the gigger can read. With `held_by_reviewer`
/// (the console), the reviewer must hold the submission's claim; the claim ends here.
pub async fn decide(
    pool: &PgPool,
    job_id: i64,
    submission_id: i64,
    reviewer_id: i64,
    decision: &ReviewDecision,
    held_by_reviewer: bool,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let row: Option<(String, Option<i64>)> = sqlx::query_as(
        "select status, review_claimed_by from submissions where job_id = $1 and id = $2 for update",
    )
    .bind(job_id)
    .bind(submission_id)
    .fetch_optional(&mut *tx)
    .await?;
    match row {
        None => return Err(AppError::NotFound),
        Some((status, _)) if status != "in_review" => {
            return Err(AppError::Conflict(
                format!("This gig is {}, not waiting for review.", status.replace('_', " ")).into(),
            ))
        }
        Some((_, claimant)) if held_by_reviewer && claimant != Some(reviewer_id) => {
            return Err(AppError::Conflict("Another reviewer has this gig now.".into()))
        }
        Some(_) => {}
    }
    let (status, reason, event) = match decision {
        ReviewDecision::Approve => ("approved", None, "review_approved"),
        ReviewDecision::Reject { reason, .. } if reason.trim().is_empty() => {
            return Err(AppError::invalid("reason", "Say why the gig is rejected: the gigger reads it."))
        }
        ReviewDecision::Reject { reason, .. } => ("rejected", Some(reason.trim()), "review_rejected"),
    };
    record(&mut tx, job_id, submission_id, reviewer_id, status, reason, event).await?;
    if let ReviewDecision::Reject { code: Some(code), .. } = decision {
        sqlx::query("update submissions set reject_code = $3 where job_id = $1 and id = $2")
            .bind(job_id)
            .bind(submission_id)
            .bind(code)
            .execute(&mut *tx)
            .await?;
    }
    if status == "approved" {
        queue::enqueue(&mut tx, Stage::Ledger, job_id, submission_id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Overturns an approval: the submission becomes rejected with `reason`, and its
/// earning, if posted, is reversed. Refused when the earning has already gone out in a
/// payout (the gigger's balance no longer holds it): that needs a recovery, not a click.
pub async fn overturn_approval(
    pool: &PgPool,
    job_id: i64,
    submission_id: i64,
    reviewer_id: i64,
    reason: &str,
) -> Result<(), AppError> {
    if reason.trim().is_empty() {
        return Err(AppError::invalid("reason", "Say why the approval is overturned: the gigger reads it."));
    }
    let mut tx = pool.begin().await?;
    let row: Option<(String, i64, i64)> = sqlx::query_as(
        "select status, gigger_id, pay_paise from submissions where job_id = $1 and id = $2 for update",
    )
    .bind(job_id)
    .bind(submission_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((status, gigger_id, _)) = row else { return Err(AppError::NotFound) };
    if status != "approved" {
        return Err(AppError::Conflict("Only an approved gig can be overturned.".into()));
    }
    let earning: Option<(i64, i64)> = sqlx::query_as(
        "select t.id, e.amount_paise from ledger_transactions t
         join ledger_entries e on e.transaction_id = t.id
         join ledger_accounts a on a.id = e.account_id and a.kind = 'gigger_earnings'
         where t.kind = 'earning' and t.job_id = $1 and t.submission_id = $2
           and not exists (select 1 from ledger_transactions r where r.reverses_id = t.id)",
    )
    .bind(job_id)
    .bind(submission_id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((earning_id, amount)) = earning {
        // The gigger's account row is locked first, as payout batches lock it, so the
        // balance read here cannot be paid out before the reversal commits.
        let balance: i64 = sqlx::query_scalar(
            "with account as (select id from ledger_accounts where kind = 'gigger_earnings' and owner_id = $1 for update)
             select coalesce(sum(e.amount_paise), 0)::bigint from account a join ledger_entries e on e.account_id = a.id",
        )
        .bind(gigger_id)
        .fetch_one(&mut *tx)
        .await?;
        if balance < amount {
            return Err(AppError::Conflict(
                "This gig's pay has already gone out in a payout, so it cannot be taken back here.".into(),
            ));
        }
        post(
            &mut tx,
            &Posting {
                kind: TransactionKind::Reversal,
                submission: Some((job_id, submission_id)),
                reverses: Some(earning_id),
                memo: format!("approval of gig {job_id}-{submission_id} overturned"),
                posted_by: Some(reviewer_id),
                entries: vec![
                    (Account::GiggerEarnings(gigger_id), -amount),
                    (Account::JobFunding(job_id), amount),
                ],
            },
        )
        .await
        .map_err(|e| match e {
            crate::ledger::server::LedgerError::Database(e) => e.into(),
            other => crate::error::server::internal("ledger reversal", other),
        })?;
    }
    record(&mut tx, job_id, submission_id, reviewer_id, "rejected", Some(reason.trim()), "overturned")
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn record(
    tx: &mut sqlx::PgConnection,
    job_id: i64,
    submission_id: i64,
    by: i64,
    status: &str,
    reason: Option<&str>,
    event: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update submissions set status = $3, reject_reason = $4, decided_by = $5, decided_at = now(),
             review_claimed_by = null, review_claimed_until = null
         where job_id = $1 and id = $2",
    )
    .bind(job_id)
    .bind(submission_id)
    .bind(status)
    .bind(reason)
    .bind(by)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into submission_events (job_id, submission_id, kind, detail) values ($1, $2, $3, $4)",
    )
    .bind(job_id)
    .bind(submission_id)
    .bind(event)
    .bind(serde_json::json!({ "by": by, "reason": reason }))
    .execute(&mut *tx)
    .await?;
    Ok(())
}
