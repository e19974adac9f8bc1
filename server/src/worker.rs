//! `gigforge worker --stage NAME ...`: pipeline stage workers without the web server,
//! for scaling out. Any number may run beside `gigforge serve` (which runs every stage):
//! the queue's leases keep each task's effect to one. Stops on SIGINT/SIGTERM after the
//! task in hand; tasks claimed and not started go back to the queue at once.

use crate::config::ServeArgs;
use crate::{db, state, StartupError};
use app::pipeline::server::worker::{spawn_all, WorkerSettings};
use app::pipeline::Stage;
use std::time::Duration;

pub async fn run(
    database_url: Option<&str>,
    stage_names: &[String],
    lease_seconds: u64,
    args: ServeArgs,
) -> Result<(), StartupError> {
    let mut stages = Vec::new();
    for name in stage_names {
        let stage = Stage::parse(name).map_err(StartupError)?;
        if !stages.contains(&stage) {
            stages.push(stage);
        }
    }
    let pool = db::connect(database_url).await?;
    let secret = state::session_secret(&args)?;
    let app_state = state::app_state(pool.clone(), &args, &secret)?;
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let settings = WorkerSettings { lease: Duration::from_secs(lease_seconds), ..WorkerSettings::default() };
    let workers = spawn_all(&app_state, &stages, settings, &stopping);
    let names: Vec<&str> = stages.iter().map(|s| s.name()).collect();
    tracing::info!(stages = names.join(","), "Gigforge workers running");
    crate::serve::shutdown_signal().await;
    let _ = stop.send(true);
    wait_for(workers).await;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Waits for stopping workers to finish the task in hand, at most 30 s (a task left
/// half done is rolled back and its lease runs out).
pub async fn wait_for(workers: Vec<tokio::task::JoinHandle<()>>) {
    let all = async {
        for worker in workers {
            let _ = worker.await;
        }
    };
    if tokio::time::timeout(Duration::from_secs(30), all).await.is_err() {
        tracing::warn!("workers did not stop within 30 s; their tasks will be claimed again");
    }
}
