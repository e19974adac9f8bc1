//! `gigforge create-admin`: the first admin of a new installation. Prints a temporary
//! password once; the admin must change it at first sign-in.

use crate::{db, StartupError};
use app::accounts::server::{audit, passwords, users};
use app::accounts::{DisplayName, Email, Role};
use sqlx::PgPool;

pub async fn create_admin(database_url: Option<&str>, email: &str, name: &str) -> Result<(), StartupError> {
    let pool = db::connect(database_url).await?;
    db::migrate(&pool).await?;
    let (id, temporary) = insert_admin(&pool, email, name).await?;
    println!("Created admin {} (id {id}).", email.trim().to_lowercase());
    println!("Temporary password (shown once; it must be changed at first sign-in): {temporary}");
    Ok(())
}

/// Inserts the admin and returns its id and temporary password.
pub async fn insert_admin(pool: &PgPool, email: &str, name: &str) -> Result<(i64, String), StartupError> {
    let email = Email::parse(email).map_err(|m| StartupError(format!("--email: {m}")))?;
    let name = DisplayName::parse(name).map_err(|m| StartupError(format!("--name: {m}")))?;
    let temporary = passwords::temporary();
    let hash = passwords::hash(&temporary).await.map_err(|e| StartupError(format!("hashing: {e}")))?;
    let now = chrono::Utc::now();
    let failed = |e: sqlx::Error| match app::accounts::server::sign_in::constraint(&e) {
        Some("users_email_key") => {
            StartupError(format!("an account with the email {} already exists", email.as_str()))
        }
        _ => StartupError(format!("creating the admin failed: {e}")),
    };
    let mut tx = pool.begin().await.map_err(failed)?;
    let new_user = users::NewPasswordUser {
        role: Role::Admin,
        email: &email,
        display_name: name.as_str(),
        password_hash: &hash,
        must_change_password: true,
        organisation_id: None,
    };
    let id = users::insert_password_user(&mut tx, new_user, now).await.map_err(failed)?;
    audit::record(
        &mut tx,
        None,
        "user.created",
        &format!("user:{id}"),
        serde_json::json!({ "role": "admin", "via": "cli" }),
        now,
    )
    .await
    .map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    Ok((id, temporary))
}
