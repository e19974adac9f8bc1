//! Jobs as the foundation knows them: enough to list them per role. The Gig Creation
//! Engine issue grows this area (builder, forms, units, templates).

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod settings;
pub mod templates;

use crate::forms::FormDraft;
use crate::money::Paise;
use serde::{Deserialize, Serialize};
use settings::JobSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Draft,
    Live,
    Paused,
    Closed,
}

impl JobStatus {
    pub fn parse(text: &str) -> Option<JobStatus> {
        match text {
            "draft" => Some(JobStatus::Draft),
            "live" => Some(JobStatus::Live),
            "paused" => Some(JobStatus::Paused),
            "closed" => Some(JobStatus::Closed),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            JobStatus::Draft => "draft",
            JobStatus::Live => "live",
            JobStatus::Paused => "paused",
            JobStatus::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            JobStatus::Draft => "Draft",
            JobStatus::Live => "Live",
            JobStatus::Paused => "Paused",
            JobStatus::Closed => "Closed",
        }
    }
}

/// What a manager can do to a job's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobAction {
    Publish,
    Pause,
    Close,
    Archive,
    Restore,
}

impl JobAction {
    pub fn parse(code: &str) -> Option<JobAction> {
        match code {
            "publish" => Some(JobAction::Publish),
            "pause" => Some(JobAction::Pause),
            "close" => Some(JobAction::Close),
            "archive" => Some(JobAction::Archive),
            "restore" => Some(JobAction::Restore),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            JobAction::Publish => "publish",
            JobAction::Pause => "pause",
            JobAction::Close => "close",
            JobAction::Archive => "archive",
            JobAction::Restore => "restore",
        }
    }

    pub fn past_tense(self) -> &'static str {
        match self {
            JobAction::Publish => "published",
            JobAction::Pause => "paused",
            JobAction::Close => "closed",
            JobAction::Archive => "archived",
            JobAction::Restore => "restored",
        }
    }

    /// The actions a job in `status` offers.
    pub fn available(status: JobStatus, archived: bool) -> Vec<JobAction> {
        if archived {
            return vec![JobAction::Restore];
        }
        match status {
            JobStatus::Draft => vec![JobAction::Publish, JobAction::Archive],
            JobStatus::Live => vec![JobAction::Pause, JobAction::Close],
            JobStatus::Paused => vec![JobAction::Publish, JobAction::Close],
            JobStatus::Closed => vec![JobAction::Archive],
        }
    }
}

/// One reason a job cannot go live, with the page (and field) where it is fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub problem: String,
    pub fix: String,
}

/// One line of a job's change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobChange {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

/// Everything the job page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobDetail {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation: String,
    pub status: JobStatus,
    pub archived: bool,
    pub version: i32,
    pub settings: JobSettings,
    /// The description rendered to safe HTML on the server.
    pub description_html: String,
    pub form: FormDraft,
    pub form_version: i32,
    pub training_title: Option<String>,
    pub units_total: i64,
    pub units_open: i64,
    pub units_gold: i64,
    pub checklist: Vec<ChecklistItem>,
    pub changes: Vec<JobChange>,
    /// Whether the viewer may change the job (customers and reviewers only read).
    pub can_edit: bool,
}

/// A job as dashboards list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSummary {
    pub id: i64,
    pub title: String,
    pub organisation: String,
    pub status: JobStatus,
    pub pay: Paise,
    pub target_approved: i32,
    pub units_total: i64,
    pub units_open: i64,
    pub archived: bool,
}
