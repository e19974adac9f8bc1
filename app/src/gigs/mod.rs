//! The gigger app: profile, the feed of gigs a gigger may do, the job page, reserving a
//! gig, submitting it and the history of their gigs. Phone-first; every page renders on
//! the server and works before the WASM arrives.

pub mod api;
pub mod pages;
pub mod profile;
#[cfg(feature = "ssr")]
pub mod server;

use crate::forms::{FormSchema, Lang, Text};
use crate::money::Paise;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use profile::{GiggerProfile, ProfileForm, ProfileInput};

/// Where a gigger stands with a job's required training.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrainingNeed {
    /// The job needs no training.
    None,
    Certified,
    /// Not yet passed; `attempts_left` tries remain, the next one from `retry_after`.
    Required {
        training_id: i64,
        title: String,
        attempts_left: i16,
        retry_after: Option<DateTime<Utc>>,
    },
    /// Every attempt was used without passing.
    Exhausted {
        training_id: i64,
        title: String,
    },
}

impl TrainingNeed {
    pub fn is_satisfied(&self) -> bool {
        matches!(self, TrainingNeed::None | TrainingNeed::Certified)
    }
}

/// One job in the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedCard {
    pub job_id: i64,
    pub title: Text,
    pub category: String,
    pub pay: Paise,
    pub gigs_left: i64,
    /// Metres from the gigger to the nearest free unit (to ~1 km); none for jobs whose
    /// units have no location, or when the gigger's location is unknown.
    pub distance_m: Option<u32>,
    pub expected_minutes: i16,
    pub needs_training: bool,
}

/// A page of the feed and the cursor of the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedPage {
    pub cards: Vec<FeedCard>,
    pub next: Option<String>,
    /// False when the gigger's location is unknown: distances are missing and the page
    /// says how to add it.
    pub located: bool,
}

/// The keyset position in the feed: located jobs by distance first, then the rest by pay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FeedCursor {
    Near { distance_deg: f64, job_id: i64 },
    ByPay { pay_paise: i64, job_id: i64 },
}

impl FeedCursor {
    pub fn encode(&self) -> String {
        match self {
            FeedCursor::Near { distance_deg, job_id } => format!("n.{distance_deg:?}.{job_id}"),
            FeedCursor::ByPay { pay_paise, job_id } => format!("p.{pay_paise}.{job_id}"),
        }
    }

    pub fn parse(text: &str) -> Option<FeedCursor> {
        let (kind, rest) = text.split_once('.')?;
        let (value, id) = rest.rsplit_once('.')?;
        let job_id = id.parse().ok()?;
        match kind {
            "n" => {
                let distance_deg: f64 = value.parse().ok()?;
                distance_deg.is_finite().then_some(FeedCursor::Near { distance_deg, job_id })
            }
            "p" => Some(FeedCursor::ByPay { pay_paise: value.parse().ok()?, job_id }),
            _ => None,
        }
    }
}

/// A job as a gigger sees it, with what they can do next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GigJob {
    pub job_id: i64,
    pub title: Text,
    /// Rendered Markdown (safe HTML) in English and Hindi.
    pub description_html: Text,
    pub organisation: String,
    pub pay: Paise,
    pub gigs_left: i64,
    pub expected_minutes: i16,
    pub reservation_minutes: i32,
    pub daily_cap: Option<i32>,
    pub max_distance_m: Option<u32>,
    pub distance_m: Option<u32>,
    pub training: TrainingNeed,
    /// The gigger's reservation of this job, if they hold one.
    pub reservation: Option<ReservationSummary>,
    /// Why the gigger may not get a gig now (besides training), if so.
    pub blocked: Option<crate::error::Message>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationSummary {
    pub job_id: i64,
    pub reservation_id: i64,
    pub deadline: DateTime<Utc>,
}

/// A reserved gig: the unit to visit, the form to fill and the deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReservedGig {
    pub job_id: i64,
    pub reservation_id: i64,
    pub job_title: Text,
    pub pay: Paise,
    pub status: String,
    pub deadline: DateTime<Utc>,
    /// The server's clock when this was read, so the countdown ignores a wrong phone clock.
    pub server_now: DateTime<Utc>,
    pub unit_title: String,
    pub unit_address: Option<String>,
    pub unit_latitude: Option<f64>,
    pub unit_longitude: Option<f64>,
    pub unit_context: Vec<(String, String)>,
    pub form_version: i32,
    pub form: FormSchema,
    /// Set once the gig was submitted.
    pub receipt: Option<Receipt>,
}

/// What a gigger gets back the moment the server has their submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub job_id: i64,
    pub submission_id: i64,
    pub received_at: DateTime<Utc>,
    pub pay: Paise,
    pub late: bool,
}

/// Where a submission is in its life, as the gigger sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    Received,
    InReview,
    Approved,
    Rejected,
}

impl SubmissionStatus {
    pub fn code(self) -> &'static str {
        match self {
            SubmissionStatus::Received => "received",
            SubmissionStatus::InReview => "in_review",
            SubmissionStatus::Approved => "approved",
            SubmissionStatus::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<SubmissionStatus> {
        match code {
            "received" => Some(SubmissionStatus::Received),
            "in_review" => Some(SubmissionStatus::InReview),
            "approved" => Some(SubmissionStatus::Approved),
            "rejected" => Some(SubmissionStatus::Rejected),
            _ => None,
        }
    }
}

/// One line of "My gigs".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyGig {
    pub job_id: i64,
    pub submission_id: i64,
    pub job_title: Text,
    pub unit_title: String,
    pub received_at: DateTime<Utc>,
    pub status: SubmissionStatus,
    pub reject_reason: Option<String>,
    pub pay: Paise,
}

/// Earnings by state. Until the ledger exists (pipeline issue) they come from
/// submission states; nothing is paid before a payout says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Earnings {
    /// In QC or review.
    pub pending: i64,
    /// Owed now, waiting for a payout.
    pub approved: i64,
    /// In a payout the bank has not answered yet.
    pub paying: i64,
    pub paid: i64,
    /// Payouts the bank returned (their money is back in `approved`).
    pub failed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyGigs {
    pub active: Vec<ActiveGig>,
    pub submitted: Vec<MyGig>,
    pub earnings: Earnings,
    /// Cursor (submission received_at, id) of the next page of history.
    pub next: Option<(DateTime<Utc>, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveGig {
    pub job_id: i64,
    pub reservation_id: i64,
    pub job_title: Text,
    pub unit_title: String,
    pub deadline: DateTime<Utc>,
}

/// Picks the manager's text in the gigger's language.
pub fn pick(text: &Text, lang: Lang) -> String {
    text.get(lang).to_string()
}

/// "850 m", "2.4 km", "38 km".
pub fn format_distance(metres: u32) -> String {
    match metres {
        0..=949 => format!("{} m", (metres + 25) / 50 * 50),
        950..=9_949 => format!("{:.1} km", f64::from(metres) / 1000.0),
        _ => format!("{} km", (metres + 500) / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_cursor_round_trips_exactly() {
        for cursor in [
            FeedCursor::Near { distance_deg: 0.012_345_678_901_234_5, job_id: 42 },
            FeedCursor::Near { distance_deg: 0.0, job_id: 1 },
            FeedCursor::ByPay { pay_paise: 4500, job_id: 7 },
        ] {
            assert_eq!(FeedCursor::parse(&cursor.encode()), Some(cursor));
        }
        assert_eq!(FeedCursor::parse("n.NaN.3"), None);
        assert_eq!(FeedCursor::parse("x.1.3"), None);
        assert_eq!(FeedCursor::parse("p.1"), None);
        assert_eq!(FeedCursor::parse(""), None);
    }

    #[test]
    fn distances_read_naturally() {
        assert_eq!(format_distance(120), "100 m");
        assert_eq!(format_distance(849), "850 m");
        assert_eq!(format_distance(2_430), "2.4 km");
        assert_eq!(format_distance(38_200), "38 km");
    }
}

/// A quiz question as a gigger sees it: without which answers are right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizQuestion {
    pub prompt: Text,
    pub options: Vec<Text>,
    pub multiple: bool,
}

/// A training as the gigger takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingToTake {
    pub training_id: i64,
    pub title: String,
    pub blocks: Vec<crate::training::ContentBlock>,
    pub questions: Vec<QuizQuestion>,
    pub pass_mark_percent: i16,
    pub need: TrainingNeed,
    /// The gigger's latest attempt.
    pub last_result: Option<QuizResult>,
    pub server_now: DateTime<Utc>,
}

/// The outcome of one quiz attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizResult {
    pub score_percent: i16,
    pub passed: bool,
    /// Question numbers (from 0) answered wrongly.
    pub wrong: Vec<usize>,
    pub attempts_left: i16,
    pub retry_after: Option<DateTime<Utc>>,
}
