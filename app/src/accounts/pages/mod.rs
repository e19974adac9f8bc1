//! Pages for signing in, changing a password and managing accounts.

mod admin_users;
mod change_password;
mod phone_sign_in;
mod staff_sign_in;

pub use admin_users::AdminUsers;
pub use change_password::ChangePassword;
pub use phone_sign_in::{CodeSignIn, PhoneSignIn};
pub use staff_sign_in::StaffSignIn;
