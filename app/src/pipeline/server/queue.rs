//! `stage_tasks`: enqueue in the caller's transaction, claim a batch under a lease,
//! complete in the effect's transaction, fail with backoff into a visible dead state.
//! Times are the database's (`now()`), so workers on several machines agree on leases.

use crate::pipeline::{retry_delay_seconds, DeadTask, Stage};
use sqlx::{PgConnection, PgPool};
use std::time::Duration;

/// A claimed task: this worker may work on it until the lease runs out.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Task {
    pub job_id: i64,
    pub id: i64,
    pub subject_id: i64,
    /// Including this one.
    pub attempts: i32,
}

/// Queues `stage` work about `subject_id`, in the transaction of the change that
/// causes it. A task already pending for the same stage and subject is kept as it is.
pub async fn enqueue(
    conn: &mut PgConnection,
    stage: Stage,
    job_id: i64,
    subject_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into stage_tasks (job_id, stage, subject_id) values ($1, $2, $3)
         on conflict (job_id, stage, subject_id) do nothing",
    )
    .bind(job_id)
    .bind(stage.name())
    .bind(subject_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Claims up to `batch` due tasks of `stage` for `worker`, leased for `lease`. Tasks
/// another worker holds (locked now, or leased and not yet run out) are skipped.
pub async fn claim(
    pool: &PgPool,
    stage: Stage,
    worker: &str,
    batch: i64,
    lease: Duration,
) -> Result<Vec<Task>, sqlx::Error> {
    sqlx::query_as(
        "update stage_tasks t
         set leased_by = $2, leased_until = now() + make_interval(secs => $4), attempts = t.attempts + 1
         where (t.job_id, t.id) in (
             select job_id, id from stage_tasks
             where stage = $1 and state = 'ready' and run_after <= now()
               and (leased_until is null or leased_until < now())
             order by run_after
             limit $3
             for update skip locked)
         returning t.job_id, t.id, t.subject_id, t.attempts",
    )
    .bind(stage.name())
    .bind(worker)
    .bind(batch)
    .bind(lease.as_secs_f64())
    .fetch_all(pool)
    .await
}

/// Ends the task in the transaction that commits its effect. False when this claim is
/// no longer the task's latest (the lease ran out and another worker took it, which
/// counted another attempt): the caller must roll back, so the effect happens once,
/// under the newer claim. A lease that ran out with nobody taking over is still good.
pub async fn complete(conn: &mut PgConnection, task: &Task, worker: &str) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query(
        "delete from stage_tasks
         where job_id = $1 and id = $2 and leased_by = $3 and attempts = $4",
    )
    .bind(task.job_id)
    .bind(task.id)
    .bind(worker)
    .bind(task.attempts)
    .execute(conn)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

/// Records a failed attempt: the task is due again after a backoff, or dead once the
/// stage's attempts are spent. Nothing happens if the lease was lost meanwhile.
pub async fn fail(
    pool: &PgPool,
    stage: Stage,
    task: &Task,
    worker: &str,
    error: &str,
) -> Result<(), sqlx::Error> {
    let dead = task.attempts >= stage.max_attempts();
    sqlx::query(
        "update stage_tasks
         set state = case when $5 then 'dead' else 'ready' end,
             run_after = now() + make_interval(secs => $6),
             leased_by = null, leased_until = null, last_error = $7
         where job_id = $1 and id = $2 and leased_by = $3 and attempts = $4",
    )
    .bind(task.job_id)
    .bind(task.id)
    .bind(worker)
    .bind(task.attempts)
    .bind(dead)
    .bind(retry_delay_seconds(task.attempts) as f64)
    .bind(truncate(error, 2000))
    .execute(pool)
    .await?;
    if dead {
        tracing::error!(stage = stage.name(), job_id = task.job_id, task = task.id, error, "task is dead");
    } else {
        tracing::warn!(
            stage = stage.name(),
            job_id = task.job_id,
            task = task.id,
            error,
            "task failed; will retry"
        );
    }
    Ok(())
}

/// Gives a task back without counting the attempt (the worker is shutting down).
pub async fn release(pool: &PgPool, task: &Task, worker: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update stage_tasks set leased_by = null, leased_until = null, attempts = attempts - 1
         where job_id = $1 and id = $2 and leased_by = $3 and attempts = $4",
    )
    .bind(task.job_id)
    .bind(task.id)
    .bind(worker)
    .bind(task.attempts)
    .execute(pool)
    .await?;
    Ok(())
}

/// Dead tasks, newest first, for the admin.
pub async fn dead_tasks(pool: &PgPool, limit: i64) -> Result<Vec<DeadTask>, sqlx::Error> {
    type Row = (i64, i64, String, i64, i32, Option<String>, chrono::DateTime<chrono::Utc>);
    let rows: Vec<Row> = sqlx::query_as(
        "select job_id, id, stage, subject_id, attempts, last_error, created_at
         from stage_tasks where state = 'dead' order by created_at desc, id desc limit $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(job_id, id, stage, subject_id, attempts, last_error, created_at)| DeadTask {
            job_id,
            id,
            stage,
            subject_id,
            attempts,
            last_error: last_error.unwrap_or_default(),
            created_at,
        })
        .collect())
}

/// Puts a dead task back in its queue with fresh attempts. False if it is not dead.
pub async fn retry_dead(pool: &PgPool, job_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "update stage_tasks set state = 'ready', attempts = 0, run_after = now(), leased_by = null, leased_until = null
         where job_id = $1 and id = $2 and state = 'dead'",
    )
    .bind(job_id)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}
