//! The review console: reviewers work a queue per job, oldest first, one submission at a
//! time under a lease, with every check's evidence on one screen and keyboard
//! shortcuts; a filtered set can be approved in bulk. Design: docs/pipeline.md.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use crate::pipeline::qc::CheckResult;
use serde::{Deserialize, Serialize};

/// How long a reviewer holds a claimed submission.
pub const CLAIM_MINUTES: i64 = 10;

/// A job with submissions waiting for review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub job_id: i64,
    pub title: String,
    pub waiting: i64,
    pub oldest: chrono::DateTime<chrono::Utc>,
    /// How many wait for each reason ("geofence", "audit sample", …).
    pub reasons: Vec<(String, i64)>,
}

/// One answer as a reviewer reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownAnswer {
    pub label: String,
    pub text: String,
    /// Photo addresses (this console's photo endpoint), for photo answers.
    pub photos: Vec<String>,
}

/// A claimed submission with everything needed to decide it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub job_id: i64,
    pub submission_id: i64,
    pub job_title: String,
    pub unit_title: String,
    pub unit_address: Option<String>,
    pub unit_context: Vec<(String, String)>,
    pub gigger_name: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub review_reason: String,
    pub answers: Vec<ShownAnswer>,
    pub checks: Vec<CheckResult>,
    /// The job's reason codes for a rejection.
    pub reject_reasons: Vec<String>,
    pub claimed_until: chrono::DateTime<chrono::Utc>,
    /// Still waiting in this job's queue after this one.
    pub waiting_after: i64,
}

/// "blurry_photo" → "Blurry photo": how a reason code reads to a gigger.
pub fn reason_text(code: &str) -> String {
    let words = code.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reason_codes_read_as_words() {
        assert_eq!(super::reason_text("blurry_photo"), "Blurry photo");
        assert_eq!(super::reason_text("duplicate"), "Duplicate");
        assert_eq!(super::reason_text(""), "");
    }
}
