//! Queries on `users`. Rows stay here; callers get wire types from `accounts`.

use crate::accounts::{Email, Phone, Role, SignedInUser, UserSummary};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    role: String,
    display_name: String,
    must_change_password: bool,
    session_version: i32,
}

impl UserRow {
    fn into_signed_in(self) -> Option<(SignedInUser, i32)> {
        let user = SignedInUser {
            id: self.id,
            role: Role::parse(&self.role)?,
            display_name: self.display_name,
            must_change_password: self.must_change_password,
        };
        Some((user, self.session_version))
    }
}

/// The active (not disabled) user with this id and their session version (migration
/// 0004), in one query: this runs on every request that asks who is signed in.
pub async fn active_with_session_version(
    pool: &PgPool,
    id: i64,
) -> Result<Option<(SignedInUser, i32)>, sqlx::Error> {
    let row: Option<UserRow> = sqlx::query_as(
        "select id, role, display_name, must_change_password, session_version from users
         where id = $1 and disabled_at is null",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(UserRow::into_signed_in))
}

/// The active (not disabled) user with this id.
pub async fn active_by_id(pool: &PgPool, id: i64) -> Result<Option<SignedInUser>, sqlx::Error> {
    Ok(active_with_session_version(pool, id).await?.map(|(user, _)| user))
}

/// Returns the gigger with this phone, creating the account on first sign-in.
/// Refuses (None from the insert, then a disabled row) accounts an admin disabled.
pub async fn find_or_create_gigger(
    conn: &mut PgConnection,
    phone: &Phone,
    now: DateTime<Utc>,
) -> Result<i64, crate::error::AppError> {
    sqlx::query(
        "insert into users (role, phone, created_at) values ('gigger', $1, $2)
         on conflict (phone) do nothing",
    )
    .bind(phone.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let (id, disabled): (i64, bool) =
        sqlx::query_as("select id, disabled_at is not null from users where phone = $1")
            .bind(phone.as_str())
            .fetch_one(&mut *conn)
            .await?;
    if disabled {
        return Err(crate::error::AppError::Forbidden);
    }
    Ok(id)
}

#[derive(sqlx::FromRow)]
pub struct PasswordAccount {
    pub id: i64,
    pub password_hash: String,
}

/// An active email-and-password account.
pub async fn password_account_by_email(
    pool: &PgPool,
    email: &Email,
) -> Result<Option<PasswordAccount>, sqlx::Error> {
    sqlx::query_as(
        "select id, password_hash from users
         where email = $1 and password_hash is not null and disabled_at is null",
    )
    .bind(email.as_str())
    .fetch_optional(pool)
    .await
}

pub async fn password_hash_by_id(pool: &PgPool, id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("select password_hash from users where id = $1").bind(id).fetch_optional(pool).await?;
    Ok(row.and_then(|(hash,)| hash))
}

pub async fn set_password(
    conn: &mut PgConnection,
    id: i64,
    password_hash: &str,
    must_change: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update users set password_hash = $2, must_change_password = $3,
                session_version = session_version + 1 where id = $1",
    )
    .bind(id)
    .bind(password_hash)
    .bind(must_change)
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NewPasswordUser<'a> {
    pub role: Role,
    pub email: &'a Email,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub organisation_id: Option<i64>,
}

pub async fn insert_password_user(
    conn: &mut PgConnection,
    user: NewPasswordUser<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "insert into users (role, email, display_name, password_hash, must_change_password, organisation_id, created_at)
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(user.role.as_str())
    .bind(user.email.as_str())
    .bind(user.display_name)
    .bind(user.password_hash)
    .bind(user.must_change_password)
    .bind(user.organisation_id)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    role: String,
    display_name: String,
    email: Option<String>,
    phone: Option<String>,
    organisation: Option<String>,
    must_change_password: bool,
    disabled: bool,
    created_at: DateTime<Utc>,
}

/// Everyone, newest first, for the admin's user list.
pub async fn list(pool: &PgPool, limit: i64) -> Result<Vec<UserSummary>, sqlx::Error> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "select u.id, u.role, u.display_name, u.email, u.phone, o.name as organisation,
                u.must_change_password, u.disabled_at is not null as disabled, u.created_at
         from users u left join organisations o on o.id = u.organisation_id
         order by u.created_at desc, u.id desc limit $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(UserSummary {
                id: row.id,
                role: Role::parse(&row.role)?,
                display_name: row.display_name,
                sign_in: row.email.or(row.phone).unwrap_or_default(),
                organisation: row.organisation,
                must_change_password: row.must_change_password,
                disabled: row.disabled,
                created_at: row.created_at,
            })
        })
        .collect())
}

/// The customer organisations, for the admin's create-user form.
pub async fn organisations(pool: &PgPool) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("select id, name from organisations order by name").fetch_all(pool).await
}
