//! Jobs as the foundation knows them: enough to list them per role. The Gig Creation
//! Engine issue grows this area (builder, forms, units, templates).

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use crate::money::Paise;
use serde::{Deserialize, Serialize};

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

    pub fn label(self) -> &'static str {
        match self {
            JobStatus::Draft => "Draft",
            JobStatus::Live => "Live",
            JobStatus::Paused => "Paused",
            JobStatus::Closed => "Closed",
        }
    }
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
}

/// A live job as a gigger's home page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GigCard {
    pub id: i64,
    pub title: String,
    pub pay: Paise,
    pub units_open: i64,
}
