//! Payouts: an admin's batch pays every gigger with enough earnings and a UPI id; the
//! bank's bulk-payment file goes out, the bank's result file comes back, and only a
//! result row settles a payout (paid, or failed and returned to the gigger's balance).
//! Design: docs/pipeline.md.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use serde::{Deserialize, Serialize};

/// A payout batch as the admin's list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchSummary {
    pub id: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub payouts: i32,
    pub total_paise: i64,
    pub pending: i64,
    pub paid: i64,
    pub failed: i64,
}

/// One row of the bank's result file, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankResult {
    pub reference: String,
    pub outcome: BankOutcome,
    pub bank_reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BankOutcome {
    Paid,
    Failed { reason: String },
}

/// What reading a result file did: every problem, or what was settled.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SettleReport {
    pub paid: u32,
    pub failed: u32,
    /// Rows for payouts settled earlier the same way (a file read twice).
    pub already_settled: u32,
    /// (row number, problem); when there is any, nothing was settled.
    pub problems: Vec<(u64, String)>,
}

/// Rupees with two decimals, as banks' files want them: 4500 paise → "45.00".
pub fn rupees_text(paise: i64) -> String {
    format!("{}{}.{:02}", if paise < 0 { "-" } else { "" }, paise.abs() / 100, paise.abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_rupees_with_two_decimals() {
        assert_eq!(rupees_text(4500), "45.00");
        assert_eq!(rupees_text(5), "0.05");
        assert_eq!(rupees_text(123_456_789), "1234567.89");
        assert_eq!(rupees_text(-250), "-2.50");
    }
}
