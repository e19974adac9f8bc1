//! Stage workers. A queued stage claims a batch, and for each task runs the stage's
//! effect and the task's completion in one transaction; a failure rolls the effect back
//! and records the attempt. A periodic stage runs its pass on a timer. Any number of
//! processes may run any stages at once: the lease, the attempt count in `complete` and
//! each effect's own unique constraints keep every effect to one.

use super::queue::{self, Task};
use crate::pipeline::Stage;
use crate::state::AppState;
use std::time::Duration;
use tokio::sync::watch;

/// How a worker paces itself.
#[derive(Debug, Clone, Copy)]
pub struct WorkerSettings {
    /// Tasks claimed at once.
    pub batch: i64,
    /// How long a claim is good for; a worker that dies holding tasks delays them this long.
    pub lease: Duration,
    /// Wait between claims when the queue is empty.
    pub idle_wait: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings { batch: 20, lease: Duration::from_secs(60), idle_wait: Duration::from_millis(500) }
    }
}

/// Why a task's effect did not happen. The text is kept on the task for admins (never
/// shown to giggers), so it names the cause without secrets.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Failed(String),
}

/// A name unique to this worker, recorded on the tasks it holds.
pub fn worker_name(stage: Stage) -> String {
    use rand::Rng;
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "local".into());
    let tag: u32 = rand::thread_rng().gen();
    format!("{}:{host}:{}:{tag:08x}", stage.name(), std::process::id())
}

/// Runs `stage` until `shutdown` turns true.
pub async fn run(state: AppState, stage: Stage, settings: WorkerSettings, shutdown: watch::Receiver<bool>) {
    tracing::info!(stage = stage.name(), "stage worker started");
    match stage {
        Stage::Expiry => run_periodic(state, shutdown).await,
        Stage::Qc | Stage::Ledger => run_queued(state, stage, settings, shutdown).await,
    }
    tracing::info!(stage = stage.name(), "stage worker stopped");
}

async fn run_queued(
    state: AppState,
    stage: Stage,
    settings: WorkerSettings,
    mut shutdown: watch::Receiver<bool>,
) {
    let worker = worker_name(stage);
    while !*shutdown.borrow() {
        let tasks = match queue::claim(&state.pool, stage, &worker, settings.batch, settings.lease).await {
            Ok(tasks) => tasks,
            Err(err) => {
                tracing::warn!(stage = stage.name(), error = %err, "claiming tasks failed");
                Vec::new()
            }
        };
        if tasks.is_empty() {
            let _ = tokio::time::timeout(settings.idle_wait, shutdown.changed()).await;
            continue;
        }
        let mut tasks = tasks.into_iter();
        for task in tasks.by_ref() {
            process(&state, stage, &task, &worker).await;
            if *shutdown.borrow() {
                break;
            }
        }
        // Shutting down: what was claimed but not started goes back at once.
        for task in tasks {
            let _ = queue::release(&state.pool, &task, &worker).await;
        }
    }
}

/// One task: the effect and the completion commit together, or neither does.
pub async fn process(state: &AppState, stage: Stage, task: &Task, worker: &str) {
    let outcome: Result<bool, StageError> = async {
        let mut tx = state.pool.begin().await?;
        match stage {
            Stage::Qc => super::qc::decide(state, &mut tx, task).await?,
            Stage::Ledger => super::ledger_stage::post_earning(&mut tx, task).await?,
            Stage::Expiry => return Err(StageError::Failed("expiry is periodic, not queued".into())),
        }
        if queue::complete(&mut tx, task, worker).await? {
            tx.commit().await?;
            Ok(true)
        } else {
            tx.rollback().await?;
            Ok(false)
        }
    }
    .await;
    match outcome {
        Ok(true) => {}
        Ok(false) => {
            tracing::info!(stage = stage.name(), task = task.id, "lease lost; another worker has the task")
        }
        Err(err) => {
            if let Err(db) = queue::fail(&state.pool, stage, task, worker, &err.to_string()).await {
                // The lease runs out and the task is tried again.
                tracing::warn!(stage = stage.name(), task = task.id, error = %db, "recording a failure failed");
            }
        }
    }
}

/// Expiry: every second, fold the waiting free-gig counts and top up open jobs' blank
/// gigs; every 20 s, end overdue reservations in batches until none are left.
async fn run_periodic(state: AppState, mut shutdown: watch::Receiver<bool>) {
    use crate::gigs::server::expiry::{
        expire_due, fold_pending_summaries, top_up_open_jobs, FOLD_EVERY, SWEEP_EVERY,
    };
    let mut last_sweep: Option<std::time::Instant> = None;
    while !*shutdown.borrow() {
        if let Err(err) = fold_pending_summaries(&state.pool).await {
            tracing::warn!(error = %err, "folding free-gig counts failed; retrying next round");
        }
        if let Err(err) = top_up_open_jobs(&state.pool, None).await {
            tracing::warn!(error = %err, "topping up open jobs failed; retrying next round");
        }
        if last_sweep.is_none_or(|at| at.elapsed() >= SWEEP_EVERY) {
            last_sweep = Some(std::time::Instant::now());
            loop {
                match expire_due(&state.pool, state.clock.now(), 1000).await {
                    Ok(n) if n > 0 => tracing::info!(expired = n, "reservations expired"),
                    Ok(_) => break,
                    Err(err) => {
                        tracing::warn!(error = %err, "expiring reservations failed; retrying next round");
                        break;
                    }
                }
            }
        }
        let _ = tokio::time::timeout(FOLD_EVERY, shutdown.changed()).await;
    }
}

/// Starts a worker per stage listed; they stop when `shutdown` turns true.
pub fn spawn_all(
    state: &AppState,
    stages: &[Stage],
    settings: WorkerSettings,
    shutdown: &watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    stages.iter().map(|&stage| tokio::spawn(run(state.clone(), stage, settings, shutdown.clone()))).collect()
}
