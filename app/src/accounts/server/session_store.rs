//! Where sessions are kept: tower-sessions' table (`tower_sessions.session`, migration
//! 0001), plus the signed-in user's id in a column of its own (migration 0018), so that
//! loading a session reads its account in the same query.
//!
//! Every request of a signed-in user used to make two round trips before its own work:
//! the session, then the account (is it still active, has the password changed since).
//! At hundreds of requests a second the round trips are most of a request's cost
//! (bench/README.md). The account read here is as fresh as before: it is read when the
//! request starts, and `auth` checks it exactly as it checked its own read.
//!
//! The record's data is stored as tower-sessions-sqlx-store stores it (MessagePack), so
//! sessions started before this store still load; their account is read on its own
//! until their next save fills the column.

use crate::accounts::SignedInUser;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

/// The key in the session's data under which `load` leaves the account it read. Never
/// stored (`save` drops it), so only a fresh read can put it there.
pub(super) const ACCOUNT_KEY: &str = "__account_at_load";
/// The key `auth` keeps the signed-in user's id under.
pub(super) const USER_ID_KEY: &str = "user_id";

/// The account as `load` read it: active (not disabled), with its session version.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct AccountAtLoad {
    pub user: SignedInUser,
    pub session_version: i32,
}

#[derive(Debug, Clone)]
pub struct AccountSessionStore {
    pool: PgPool,
}

impl AccountSessionStore {
    pub fn new(pool: PgPool) -> Self {
        AccountSessionStore { pool }
    }
}

fn backend(error: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn expiry(record: &Record) -> Result<chrono::DateTime<chrono::Utc>, session_store::Error> {
    let at = record.expiry_date;
    chrono::DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond())
        .ok_or_else(|| session_store::Error::Encode(format!("session expiry out of range: {at}")))
}

async fn upsert(conn: &mut sqlx::PgConnection, record: &Record) -> session_store::Result<()> {
    let mut stored = record.clone();
    stored.data.remove(ACCOUNT_KEY);
    let user_id = stored.data.get(USER_ID_KEY).and_then(serde_json::Value::as_i64);
    let data = rmp_serde::to_vec(&stored).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    sqlx::query(
        "insert into tower_sessions.session (id, data, expiry_date, user_id) values ($1, $2, $3, $4)
         on conflict (id) do update
         set data = excluded.data, expiry_date = excluded.expiry_date, user_id = excluded.user_id",
    )
    .bind(record.id.to_string())
    .bind(data)
    .bind(expiry(record)?)
    .bind(user_id)
    .execute(conn)
    .await
    .map_err(backend)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Loaded {
    data: Vec<u8>,
    account_id: Option<i64>,
    role: Option<String>,
    display_name: Option<String>,
    must_change_password: Option<bool>,
    session_version: Option<i32>,
}

#[async_trait]
impl SessionStore for AccountSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // A fresh random id that is taken already (astronomically unlikely) is drawn again.
        loop {
            let taken: bool =
                sqlx::query_scalar("select exists (select 1 from tower_sessions.session where id = $1)")
                    .bind(record.id.to_string())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
            if !taken {
                break;
            }
            record.id = Id::default();
        }
        upsert(&mut tx, record).await?;
        tx.commit().await.map_err(backend)
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        upsert(&mut conn, record).await
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<Loaded> = sqlx::query_as(
            "select s.data, u.id as account_id, u.role, u.display_name, u.must_change_password, u.session_version
             from tower_sessions.session s
             left join users u on u.id = s.user_id and u.disabled_at is null
             where s.id = $1 and s.expiry_date > now()",
        )
        .bind(session_id.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let mut record: Record =
            rmp_serde::from_slice(&row.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        record.data.remove(ACCOUNT_KEY);
        let account =
            match (row.account_id, row.role, row.display_name, row.must_change_password, row.session_version)
            {
                (
                    Some(id),
                    Some(role),
                    Some(display_name),
                    Some(must_change_password),
                    Some(session_version),
                ) => crate::accounts::Role::parse(&role).map(|role| AccountAtLoad {
                    user: SignedInUser { id, role, display_name, must_change_password },
                    session_version,
                }),
                _ => None,
            };
        if let Some(account) = account {
            let value =
                serde_json::to_value(account).map_err(|e| session_store::Error::Encode(e.to_string()))?;
            record.data.insert(ACCOUNT_KEY.to_string(), value);
        }
        Ok(Some(record))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        sqlx::query("delete from tower_sessions.session where id = $1")
            .bind(session_id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for AccountSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query("delete from tower_sessions.session where expiry_date < now()")
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
