//! Server state shared by axum handlers and server functions (through Leptos context).
//! Everything a request needs is injected here: no globals.

use crate::accounts::server::otp_sender::OtpSender;
use chrono::{DateTime, Utc};
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub leptos_options: LeptosOptions,
    pub otp_sender: Arc<dyn OtpSender>,
    pub clock: Arc<dyn Clock>,
    pub secrets: Arc<Secrets>,
    pub limits: AuthLimits,
    pub gig_limits: crate::gigs::server::reserve::GigLimits,
    /// Where submission photos are kept (a local directory or S3-compatible storage).
    pub photo_store: Arc<dyn crate::photos::storage::PhotoStore>,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The state from Leptos context, inside a server function or a server render.
    pub fn from_context() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>()
            .ok_or_else(|| crate::error::server::internal("state", "AppState missing from Leptos context"))
    }
}

/// Keys the server derives things from. Debug never prints them.
pub struct Secrets {
    /// Peppers one-time-code hashes so a database dump cannot be brute-forced offline.
    pub otp_pepper: Vec<u8>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets([redacted])")
    }
}

/// Abuse limits for sign-in. Defaults follow the foundation issue.
#[derive(Debug, Clone, Copy)]
pub struct AuthLimits {
    pub otp_valid_minutes: i64,
    pub otp_max_attempts: i32,
    pub otp_codes_per_phone_per_hour: i64,
    pub otp_codes_per_ip_per_hour: i64,
    pub password_failures_per_15_minutes: i64,
}

impl Default for AuthLimits {
    fn default() -> Self {
        AuthLimits {
            otp_valid_minutes: 10,
            otp_max_attempts: 5,
            otp_codes_per_phone_per_hour: 5,
            otp_codes_per_ip_per_hour: 30,
            password_failures_per_15_minutes: 10,
        }
    }
}

/// The time as the application sees it. Expiry logic takes its "now" from here so
/// tests can move time forward instead of sleeping.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move; for tests of expiry.
pub struct SettableClock(Mutex<DateTime<Utc>>);

impl SettableClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        SettableClock(Mutex::new(start))
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for SettableClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The client's address as the server decided it (peer address, or the proxy's
/// X-Forwarded-For when configured); put into request extensions by the server.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);
