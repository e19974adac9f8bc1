//! The audit log: who did what to whom, written in the same transaction as the change.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

pub async fn record(
    conn: &mut PgConnection,
    actor_user_id: Option<i64>,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into audit_log (actor_user_id, action, subject, detail, at) values ($1, $2, $3, $4, $5)",
    )
    .bind(actor_user_id)
    .bind(action)
    .bind(subject)
    .bind(detail)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}
