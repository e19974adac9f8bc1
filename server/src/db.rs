//! Connecting to PostgreSQL and migrating it, with errors that say what to fix.

use crate::StartupError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::str::FromStr;
use std::time::Duration;

/// A pooled connection idle this long is pinged before use.
const PING_AFTER_IDLE: Duration = Duration::from_secs(10);

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

pub async fn connect(database_url: Option<&str>) -> Result<PgPool, StartupError> {
    let url = database_url.ok_or_else(|| {
        StartupError(
            "DATABASE_URL is not set: point it at a PostgreSQL database (`make run` starts a private one)"
                .into(),
        )
    })?;
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| StartupError(format!("DATABASE_URL is not a valid PostgreSQL URL: {e}")))?
        // The session store compares `now() at time zone 'utc'` with timestamptz: only
        // right when the connection's time zone is UTC.
        .options([("timezone", "UTC")]);
    pool_options()
        .connect_with(options)
        .await
        .map_err(|e| StartupError(format!("cannot reach the database at DATABASE_URL: {e}")))
}

/// The pool's settings. A connection goes back to the pool without a round trip unless
/// something is pending on it (the sqlx-core patch in vendor/).
pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(20)
        .acquire_timeout(Duration::from_secs(5))
        // sqlx pings every connection it hands out (a round trip each: three per "get a
        // gig"). One used moments ago is alive but for a rare failure, which the query then
        // reports like any other; only one left idle a while (a restarted database, a
        // dropped link) is worth the check before use.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_AFTER_IDLE {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

pub async fn migrate(pool: &PgPool) -> Result<(), StartupError> {
    MIGRATOR.run(pool).await.map_err(|e| match &e {
        sqlx::migrate::MigrateError::Execute(inner) => {
            StartupError(format!("a database migration failed: {inner}"))
        }
        sqlx::migrate::MigrateError::ExecuteMigration(inner, version) => {
            let name = MIGRATOR
                .iter()
                .find(|m| m.version == *version)
                .map(|m| m.description.to_string())
                .unwrap_or_default();
            StartupError(format!("migration {version} ({name}) failed: {inner}"))
        }
        other => StartupError(format!("database migrations failed: {other}")),
    })
}
