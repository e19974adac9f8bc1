//! `gigforge serve`: migrate, then serve until SIGINT/SIGTERM, letting requests in
//! flight finish. Also runs every pipeline stage worker and the periodic clean-up of
//! expired sessions and codes.

use crate::config::ServeArgs;
use crate::router::{self, HttpSettings};
use crate::{db, state, StartupError};
use app::accounts::server::session_store::AccountSessionStore;
use app::pipeline::server::worker::{self, WorkerSettings};
use app::pipeline::Stage;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_sessions::ExpiredDeletion;

pub async fn migrate_only(database_url: Option<&str>) -> Result<(), StartupError> {
    let pool = db::connect(database_url).await?;
    db::migrate(&pool).await?;
    tracing::info!("migrations applied");
    Ok(())
}

pub async fn run(database_url: Option<&str>, args: ServeArgs) -> Result<(), StartupError> {
    let pool = db::connect(database_url).await?;
    db::migrate(&pool).await?;
    let secret = state::session_secret(&args)?;
    let app_state = state::app_state(pool.clone(), &args, &secret)?;
    let settings = HttpSettings {
        cookie_key: state::cookie_key(&secret),
        secure_cookies: args.secure_cookies(),
        trust_forwarded_for: args.trust_forwarded_for,
    };
    let app = router::build(app_state.clone(), settings);
    crate::precompress::spawn(router::pkg_dir(&app_state));

    let addr = format!("{}:{}", args.host, args.port);
    let listener = TcpListener::bind(&addr).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => StartupError(format!(
            "port {} is already in use on {}: stop whatever is listening there or set PORT to another port",
            args.port, args.host
        )),
        _ => StartupError(format!("cannot listen on {addr}: {e}")),
    })?;

    // Every pipeline stage runs here too (one machine); `gigforge worker` adds more.
    let (stop_workers, workers_stop) = tokio::sync::watch::channel(false);
    let workers = worker::spawn_all(&app_state, &Stage::ALL, WorkerSettings::default(), &workers_stop);
    let cleanup = tokio::spawn(clean_up_periodically(app_state));
    tracing::info!("Gigforge is listening on http://{addr}");
    let served = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await;
    cleanup.abort();
    let _ = stop_workers.send(true);
    crate::worker::wait_for(workers).await;
    pool.close().await;
    served.map_err(|e| StartupError(format!("server error: {e}")))?;
    tracing::info!("stopped");
    Ok(())
}

/// Deletes expired sessions and stale sign-in codes once an hour. Safe to run in
/// any number of processes: each pass is a plain idempotent DELETE.
async fn clean_up_periodically(state: app::state::AppState) {
    let sessions = AccountSessionStore::new(state.pool.clone());
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(err) = sessions.delete_expired().await {
            tracing::warn!(error = %err, "deleting expired sessions failed");
        }
        match app::accounts::server::otp::delete_stale(&state.pool, state.clock.now()).await {
            Ok(n) if n > 0 => tracing::info!(deleted = n, "deleted stale sign-in codes"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "deleting stale sign-in codes failed"),
        }
    }
}

pub(crate) async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
