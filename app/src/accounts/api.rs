//! Server functions for signing in and out and for managing accounts. Each one is a
//! public HTTP endpoint under /api: each authorizes itself (see `server::auth`).

use super::{CreatedUser, Organisation, SignedInUser, UserSummary};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::server::{auth, otp, sign_in, users},
    super::{OtpCode, Phone, Role},
    crate::error::server::respond,
    crate::state::AppState,
};

/// Who is signed in (None for nobody). Open to everyone.
#[server(endpoint = "auth/current_user")]
pub async fn current_user() -> Result<Option<SignedInUser>, AppError> {
    respond(async {
        let state = AppState::from_context()?;
        auth::current_user(&state).await
    })
    .await
}

/// Sends a one-time code to a phone, then moves to the code page. Open to everyone.
#[server(endpoint = "auth/request_otp")]
pub async fn request_otp(phone: String) -> Result<(), AppError> {
    respond(async move {
        let state = AppState::from_context()?;
        let phone = Phone::parse(&phone).map_err(|e| AppError::invalid("phone", e.told()))?;
        otp::issue(&state, &phone, &auth::client_ip()).await?;
        leptos_axum::redirect(&format!("/signin/code?phone={}", phone.as_str().replace('+', "%2B")));
        Ok(())
    })
    .await
}

/// Signs a gigger in with the code from the SMS. Open to everyone.
#[server(endpoint = "auth/verify_otp")]
pub async fn verify_otp(phone: String, code: String) -> Result<(), AppError> {
    respond(async move {
        let state = AppState::from_context()?;
        let phone = Phone::parse(&phone).map_err(|e| AppError::invalid("phone", e.told()))?;
        let code = OtpCode::parse(&code).map_err(|m| AppError::invalid("code", m))?;
        let user_id = otp::verify(&state, &phone, &code).await?;
        auth::start_session(&state, user_id).await?;
        leptos_axum::redirect(Role::Gigger.home_path());
        Ok(())
    })
    .await
}

/// Signs staff and customers in with email and password. Open to everyone.
#[server(endpoint = "auth/sign_in")]
pub async fn password_sign_in(email: String, password: String) -> Result<(), AppError> {
    respond(async move {
        let state = AppState::from_context()?;
        let user_id = sign_in::check_password(&state, &email, &password, &auth::client_ip()).await?;
        let user = auth::start_session(&state, user_id).await?;
        let next = if user.must_change_password { "/account/password" } else { user.role.home_path() };
        leptos_axum::redirect(next);
        Ok(())
    })
    .await
}

/// Changes the signed-in user's password (required after a temporary one).
#[server(endpoint = "auth/change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    respond(async move {
        let (state, user) = auth::require_signed_in_even_with_temporary_password().await?;
        sign_in::change_password(&state, &user, &current_password, &new_password, &confirm_password).await?;
        // A new session id after a credential change, as at sign-in.
        auth::start_session(&state, user.id).await?;
        leptos_axum::redirect(user.role.home_path());
        Ok(())
    })
    .await
}

/// Ends the session. Open to everyone (signing out twice is harmless).
#[server(endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    respond(async {
        auth::end_session().await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// Every account, newest first. Admins only.
#[server(endpoint = "admin/list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    respond(async {
        let (state, _admin) = auth::require(&[Role::Admin]).await?;
        Ok(users::list(&state.pool, 500).await?)
    })
    .await
}

/// Customer organisations, for the create-user form. Admins only.
#[server(endpoint = "admin/list_organisations")]
pub async fn list_organisations() -> Result<Vec<Organisation>, AppError> {
    respond(async {
        let (state, _admin) = auth::require(&[Role::Admin]).await?;
        let rows = users::organisations(&state.pool).await?;
        Ok(rows.into_iter().map(|(id, name)| Organisation { id, name }).collect())
    })
    .await
}

/// Creates a staff or customer account with a temporary password. Admins only.
#[server(endpoint = "admin/create_user")]
pub async fn create_user(
    email: String,
    display_name: String,
    role: String,
    organisation_id: String,
) -> Result<CreatedUser, AppError> {
    respond(async move {
        let (state, admin) = auth::require(&[Role::Admin]).await?;
        sign_in::create_password_user(&state, &admin, &email, &display_name, &role, &organisation_id).await
    })
    .await
}
