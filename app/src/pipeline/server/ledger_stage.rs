//! The ledger stage: posts an approved submission's earning, once. A submission no
//! longer approved when the task runs (overturned meanwhile) earns nothing.

use super::queue::Task;
use super::worker::StageError;
use crate::ledger::server::{earning, post, LedgerError};
use sqlx::PgConnection;

pub async fn post_earning(tx: &mut PgConnection, task: &Task) -> Result<(), StageError> {
    let (job_id, submission_id) = (task.job_id, task.subject_id);
    // The submission, locked, and whether it has its earning already (a retried task):
    // one round trip.
    let row: Option<(String, i64, i64, bool)> = sqlx::query_as(
        "select s.status, s.gigger_id, s.pay_paise,
                exists (select 1 from ledger_transactions t
                        where t.kind = 'earning' and t.job_id = s.job_id and t.submission_id = s.id)
         from submissions s where s.job_id = $1 and s.id = $2
         for update of s",
    )
    .bind(job_id)
    .bind(submission_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((status, gigger_id, pay_paise, earned)) = row else {
        return Err(StageError::Failed(format!("submission {job_id}-{submission_id} does not exist")));
    };
    if status != "approved" || earned {
        return Ok(());
    }
    match post(tx, &earning(job_id, submission_id, gigger_id, pay_paise)).await {
        Ok(_) => Ok(()),
        Err(LedgerError::Database(e)) => Err(StageError::Database(e)),
        Err(e) => Err(StageError::Failed(e.to_string())),
    }
}
