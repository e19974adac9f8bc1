//! Accounts: who someone is (giggers by phone and one-time code, everyone else by
//! email and password), their role, and their session.

mod credentials;
mod phone;
mod role;

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

pub use credentials::{DisplayName, Email, NewPassword, OtpCode};
pub use phone::{Phone, PhoneError};
pub use role::Role;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The person behind the current session, as the browser may know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub id: i64,
    pub role: Role,
    pub display_name: String,
    pub must_change_password: bool,
}

impl SignedInUser {
    /// A name to greet with; giggers may not have given one yet.
    pub fn greeting_name(&self) -> &str {
        if self.display_name.is_empty() {
            self.role.label()
        } else {
            &self.display_name
        }
    }
}

/// One row of the admin's user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub role: Role,
    pub display_name: String,
    /// Email for password accounts, phone for giggers.
    pub sign_in: String,
    pub organisation: Option<String>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// What an admin sees once, right after creating an account.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedUser {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// Shown once to the admin to hand over; the user must change it at first sign-in.
    pub temporary_password: String,
}

impl std::fmt::Debug for CreatedUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedUser")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("temporary_password", &"[redacted]")
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
}
