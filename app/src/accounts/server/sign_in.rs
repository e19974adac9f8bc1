//! Email-and-password accounts: signing in (with a failure limit per email), changing
//! a password, and an admin creating an account with a temporary password. These take
//! `&AppState` and plain values so integration tests can call them directly.

use super::{audit, passwords, throttle, users};
use crate::accounts::{CreatedUser, DisplayName, Email, NewPassword, Role, SignedInUser};
use crate::error::AppError;
use crate::state::AppState;
use chrono::Duration;

const WRONG_CREDENTIALS: &str = "Email or password is not right.";

/// Checks an email and password; returns the user id. Ten failures for one email in
/// 15 minutes lock sign-in for that email until the window passes. Each attempt is
/// counted (as a failure, under a row lock on the email) before the password is checked
/// and uncounted on success, so concurrent guesses cannot slip past the limit.
pub async fn check_password(
    state: &AppState,
    email: &str,
    password: &str,
    client_ip: &str,
) -> Result<i64, AppError> {
    let email = Email::parse(email).map_err(|m| AppError::invalid("email", m))?;
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    throttle::lock_keys(&mut tx, &[format!("password:{}", email.as_str())]).await?;
    let (failures,): (i64,) =
        sqlx::query_as("select count(*) from password_failures where email = $1 and at > $2")
            .bind(email.as_str())
            .bind(now - Duration::minutes(15))
            .fetch_one(&mut *tx)
            .await?;
    if failures >= state.limits.password_failures_per_15_minutes {
        return Err(AppError::TooManyRequests(
            "Too many failed sign-ins for this email. Try again in 15 minutes.".into(),
        ));
    }
    sqlx::query("insert into password_failures (email, ip, at) values ($1, $2, $3)")
        .bind(email.as_str())
        .bind(client_ip)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    let account = users::password_account_by_email(&state.pool, &email).await?;
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let matches = passwords::verify(stored, password).await?;
    match account {
        Some(account) if matches => {
            let mut tx = state.pool.begin().await?;
            sqlx::query("delete from password_failures where email = $1")
                .bind(email.as_str())
                .execute(&mut *tx)
                .await?;
            audit::record(
                &mut tx,
                Some(account.id),
                "sign_in.password",
                &format!("user:{}", account.id),
                serde_json::json!({ "ip": client_ip }),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(account.id)
        }
        _ => Err(AppError::invalid("password", WRONG_CREDENTIALS)),
    }
}

/// Replaces `user`'s password after checking the current one; clears the
/// must-change flag a temporary password sets.
pub async fn change_password(
    state: &AppState,
    user: &SignedInUser,
    current_password: &str,
    new_password: &str,
    confirm_password: &str,
) -> Result<(), AppError> {
    let stored = users::password_hash_by_id(&state.pool, user.id).await?;
    if stored.is_none() {
        return Err(AppError::invalid(
            "current_password",
            "This account signs in with a phone code, not a password.",
        ));
    }
    if !passwords::verify(stored, current_password).await? {
        return Err(AppError::invalid("current_password", "Your current password is not right."));
    }
    let new = NewPassword::parse(new_password).map_err(|m| AppError::invalid("new_password", m))?;
    if new.expose() != confirm_password {
        return Err(AppError::invalid("confirm_password", "The two new passwords are not the same."));
    }
    if new.expose() == current_password {
        return Err(AppError::invalid("new_password", "Choose a password different from the current one."));
    }
    let hash = passwords::hash(new.expose()).await?;
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    users::set_password(&mut tx, user.id, &hash, false).await?;
    audit::record(
        &mut tx,
        Some(user.id),
        "password.changed",
        &format!("user:{}", user.id),
        serde_json::json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An admin creates a staff or customer account with a temporary password, which the
/// new user must change at first sign-in.
pub async fn create_password_user(
    state: &AppState,
    admin: &SignedInUser,
    email: &str,
    display_name: &str,
    role: &str,
    organisation_id: &str,
) -> Result<CreatedUser, AppError> {
    let email = Email::parse(email).map_err(|m| AppError::invalid("email", m))?;
    let name = DisplayName::parse(display_name).map_err(|m| AppError::invalid("display_name", m))?;
    let role = Role::parse(role)
        .filter(|r| Role::PASSWORD_ROLES.contains(r))
        .ok_or_else(|| AppError::invalid("role", "Choose manager, reviewer, customer or admin."))?;
    let organisation_id = match (role, organisation_id.trim()) {
        (Role::Customer, "") => {
            return Err(AppError::invalid(
                "organisation_id",
                "A customer account belongs to an organisation: choose one.",
            ))
        }
        (Role::Customer | Role::Manager, text) if !text.is_empty() => Some(
            text.parse::<i64>()
                .map_err(|_| AppError::invalid("organisation_id", "Choose an organisation from the list."))?,
        ),
        _ => None,
    };
    // A customer belongs to their organisation; a manager (platform staff) works for it.
    let (organisation_id, works_for) = match role {
        Role::Manager => (None, organisation_id),
        _ => (organisation_id, None),
    };
    let temporary_password = passwords::temporary();
    let hash = passwords::hash(&temporary_password).await?;
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    let new_user = users::NewPasswordUser {
        role,
        email: &email,
        display_name: name.as_str(),
        password_hash: &hash,
        must_change_password: true,
        organisation_id,
    };
    let id = users::insert_password_user(&mut tx, new_user, now).await.map_err(|e| match constraint(&e) {
        Some("users_email_key") => AppError::invalid("email", "An account with this email already exists."),
        Some("users_organisation_id_fkey") => {
            AppError::invalid("organisation_id", "That organisation does not exist.")
        }
        _ => e.into(),
    })?;
    if let Some(organisation_id) = works_for {
        sqlx::query("insert into organisation_managers (organisation_id, user_id) values ($1, $2)")
            .bind(organisation_id)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| match constraint(&e) {
                Some("organisation_managers_organisation_id_fkey") => {
                    AppError::invalid("organisation_id", "That organisation does not exist.")
                }
                _ => e.into(),
            })?;
    }
    audit::record(
        &mut tx,
        Some(admin.id),
        "user.created",
        &format!("user:{id}"),
        serde_json::json!({ "role": role.as_str(), "email": email.as_str() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedUser { id, email: email.as_str().to_string(), role, temporary_password })
}

/// The name of the constraint a database error violated, if any.
pub fn constraint(err: &sqlx::Error) -> Option<&str> {
    err.as_database_error().and_then(|e| e.constraint())
}
