//! The ledger stage: posts an approved submission's earning, once. A submission no
//! longer approved when the task runs (overturned meanwhile) earns nothing.

use super::queue::Task;
use super::worker::StageError;
use crate::ledger::server::{post_earning as post, LedgerError};
use sqlx::PgConnection;

pub async fn post_earning(tx: &mut PgConnection, task: &Task) -> Result<(), StageError> {
    let (job_id, submission_id) = (task.job_id, task.subject_id);
    let row: Option<(String, i64, i64)> = sqlx::query_as(
        "select status, gigger_id, pay_paise from submissions where job_id = $1 and id = $2 for update",
    )
    .bind(job_id)
    .bind(submission_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((status, gigger_id, pay_paise)) = row else {
        return Err(StageError::Failed(format!("submission {job_id}-{submission_id} does not exist")));
    };
    if status != "approved" {
        return Ok(());
    }
    match post(tx, job_id, submission_id, gigger_id, pay_paise).await {
        Ok(_) => Ok(()),
        Err(LedgerError::Database(e)) => Err(StageError::Database(e)),
        Err(e) => Err(StageError::Failed(e.to_string())),
    }
}
