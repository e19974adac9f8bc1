//! The double-entry ledger in integer paise (migrations/0009_ledger.sql): accounts,
//! transactions whose entries sum to zero, append-only, corrections by reversal.

#[cfg(feature = "ssr")]
pub mod server;

use serde::{Deserialize, Serialize};

/// Whose money an account holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Account {
    /// What Gigforge owes a gigger (users.id): positive when owed.
    GiggerEarnings(i64),
    /// What a job (jobs.id) has spent on approved gigs: negative.
    JobFunding(i64),
    /// Sent to the bank, not yet confirmed paid or failed.
    PayoutsInFlight,
    /// What left through the bank.
    Bank,
}

impl Account {
    pub fn kind(self) -> &'static str {
        match self {
            Account::GiggerEarnings(_) => "gigger_earnings",
            Account::JobFunding(_) => "job_funding",
            Account::PayoutsInFlight => "payouts_in_flight",
            Account::Bank => "bank",
        }
    }

    pub fn owner(self) -> Option<i64> {
        match self {
            Account::GiggerEarnings(id) | Account::JobFunding(id) => Some(id),
            Account::PayoutsInFlight | Account::Bank => None,
        }
    }
}

/// What a transaction records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransactionKind {
    Earning,
    Reversal,
    Payout,
    PayoutSettled,
    PayoutFailed,
}

impl TransactionKind {
    pub fn name(self) -> &'static str {
        match self {
            TransactionKind::Earning => "earning",
            TransactionKind::Reversal => "reversal",
            TransactionKind::Payout => "payout",
            TransactionKind::PayoutSettled => "payout_settled",
            TransactionKind::PayoutFailed => "payout_failed",
        }
    }
}
