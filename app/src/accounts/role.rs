//! Roles: what a signed-in person may do. Stored as lowercase text in `users.role`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Gigger,
    Manager,
    Reviewer,
    Customer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Gigger, Role::Manager, Role::Reviewer, Role::Customer, Role::Admin];
    /// Roles that sign in with email and password and are created by an admin.
    pub const PASSWORD_ROLES: [Role; 4] = [Role::Manager, Role::Reviewer, Role::Customer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Gigger => "gigger",
            Role::Manager => "manager",
            Role::Reviewer => "reviewer",
            Role::Customer => "customer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Gigger => "Gigger",
            Role::Manager => "Flash manager",
            Role::Reviewer => "Reviewer",
            Role::Customer => "Customer",
            Role::Admin => "Admin",
        }
    }

    /// Where this role lands after signing in.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Gigger => "/gigs",
            Role::Manager => "/manage",
            Role::Reviewer => "/review",
            Role::Customer => "/customer",
            Role::Admin => "/admin",
        }
    }

    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Gigger | Role::Customer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_text() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Role::parse("Admin"), None);
    }
}
