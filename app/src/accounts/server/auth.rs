//! The one way to learn who is asking and to require a role. Every server function
//! starts with `require(&[...])` (or `current_user()` where anonymous is allowed).

use super::session_store::{AccountAtLoad, ACCOUNT_KEY, USER_ID_KEY};
use super::users;
use crate::accounts::{Role, SignedInUser};
use crate::error::{server::internal, AppError};
use crate::state::AppState;
use tower_sessions::Session;

const SESSION_VERSION_KEY: &str = "session_version";
/// The day the session was last used (see `keep_alive`).
const SEEN_ON_KEY: &str = "seen_on";

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| internal("session layer missing", e))
}

/// The signed-in user, if any. A session whose account was disabled or removed, or
/// whose password changed since it started (elsewhere), is ended.
pub async fn current_user(state: &AppState) -> Result<Option<SignedInUser>, AppError> {
    user_in_session(state, &session().await?).await
}

/// `current_user` for plain axum handlers, which hold the session themselves.
pub async fn user_in_session(state: &AppState, session: &Session) -> Result<Option<SignedInUser>, AppError> {
    let Some(id) = session.get::<i64>(USER_ID_KEY).await? else {
        return Ok(None);
    };
    let started_under = session.get::<i32>(SESSION_VERSION_KEY).await?;
    // The session store read the account with the session (session_store.rs); it is
    // read here only for a session signed in during this request, or one saved before
    // the store kept its user's id.
    let account = match session.get::<AccountAtLoad>(ACCOUNT_KEY).await? {
        Some(at_load) if at_load.user.id == id => Some((at_load.user, at_load.session_version)),
        _ => users::active_with_session_version(&state.pool, id).await?,
    };
    match account {
        Some((user, version)) if Some(version) == started_under => {
            keep_alive(state, session).await?;
            Ok(Some(user))
        }
        _ => {
            session.flush().await?;
            Ok(None)
        }
    }
}

/// Sessions end after 30 days without use (`Expiry::OnInactivity`), but tower-sessions
/// moves a session's expiry (in the store and in the cookie) only when it saves the
/// session, and it saves only changed ones: left alone, an active gigger would be signed
/// out 30 days after signing in. So the first use on each day marks the day, and the
/// session is saved, with a new expiry, once a day rather than on every request.
async fn keep_alive(state: &AppState, session: &Session) -> Result<(), AppError> {
    let today = state.clock.now().date_naive();
    if session.get::<chrono::NaiveDate>(SEEN_ON_KEY).await? != Some(today) {
        session.insert(SEEN_ON_KEY, today).await?;
    }
    Ok(())
}

/// `require` for plain axum handlers (streaming uploads), which hold the session themselves.
pub async fn require_in_session(
    state: &AppState,
    session: &Session,
    roles: &[Role],
) -> Result<SignedInUser, AppError> {
    let user = user_in_session(state, session).await?.ok_or(AppError::Unauthenticated)?;
    if user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    if !roles.contains(&user.role) {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// The signed-in user if their role is one of `roles`; otherwise 401 (nobody signed
/// in), 403 (wrong role) or 403 asking for the temporary password to be changed.
pub async fn require(roles: &[Role]) -> Result<(AppState, SignedInUser), AppError> {
    let state = AppState::from_context()?;
    let user = current_user(&state).await?.ok_or(AppError::Unauthenticated)?;
    if user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    if !roles.contains(&user.role) {
        return Err(AppError::Forbidden);
    }
    Ok((state, user))
}

/// Like `require` for any role, but lets a user with a temporary password through:
/// only for changing that password and signing out.
pub async fn require_signed_in_even_with_temporary_password() -> Result<(AppState, SignedInUser), AppError> {
    let state = AppState::from_context()?;
    let user = current_user(&state).await?.ok_or(AppError::Unauthenticated)?;
    Ok((state, user))
}

/// Starts a session for `user_id` under a fresh session id (no session fixation) and
/// returns who that is.
pub async fn start_session(state: &AppState, user_id: i64) -> Result<SignedInUser, AppError> {
    let (user, version) =
        users::active_with_session_version(&state.pool, user_id).await?.ok_or(AppError::Unauthenticated)?;
    let session = session().await?;
    session.cycle_id().await?;
    session.insert(USER_ID_KEY, user_id).await?;
    session.insert(SESSION_VERSION_KEY, version).await?;
    session.insert(SEEN_ON_KEY, state.clock.now().date_naive()).await?;
    Ok(user)
}

/// Deletes the session from the store and clears the cookie.
pub async fn end_session() -> Result<(), AppError> {
    session().await?.flush().await?;
    Ok(())
}

/// The client's address, as the server's middleware decided it.
pub fn client_ip() -> String {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::state::ClientIp>().map(|ip| ip.0.clone()))
        .unwrap_or_else(|| "unknown".to_string())
}
