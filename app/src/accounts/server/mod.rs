//! Server half of accounts: codes, passwords, sessions and the queries behind them.

pub mod audit;
pub mod auth;
pub mod otp;
pub mod otp_sender;
pub mod passwords;
pub mod session_store;
pub mod sign_in;
pub mod throttle;
pub mod users;
