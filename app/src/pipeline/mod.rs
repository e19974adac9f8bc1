//! The pipeline (issue 5): stages that take a submission from "received" to "paid",
//! each with its own queue in PostgreSQL (`stage_tasks`), run by workers in
//! `gigforge serve` or scaled out with `gigforge worker --stage NAME`.
//! Design and operations: docs/pipeline.md.

pub mod qc;
#[cfg(feature = "ssr")]
pub mod server;

use serde::{Deserialize, Serialize};

/// A stage of the pipeline. Queued stages take tasks from `stage_tasks`; periodic ones
/// run on a timer (and are just as safe to run in many processes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stage {
    /// Automated quality checks on a received submission, ending in a verdict.
    Qc,
    /// Posts an approved submission's earning to the ledger.
    Ledger,
    /// Returns expired reservations to the pool (periodic).
    Expiry,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Qc, Stage::Ledger, Stage::Expiry];

    /// The name in `stage_tasks.stage` and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Qc => "qc",
            Stage::Ledger => "ledger",
            Stage::Expiry => "expiry",
        }
    }

    pub fn parse(name: &str) -> Result<Stage, String> {
        Stage::ALL.into_iter().find(|stage| stage.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Stage::ALL.iter().map(|s| s.name()).collect();
            format!("unknown stage \"{name}\": the stages are {}", names.join(", "))
        })
    }

    /// Attempts before a task is kept as dead.
    pub fn max_attempts(self) -> i32 {
        match self {
            Stage::Qc | Stage::Ledger => 5,
            Stage::Expiry => 1,
        }
    }
}

/// Seconds to wait before attempt `attempts + 1` after a failure: 10 s, 40 s, 160 s, …
/// capped at an hour, so a broken dependency is not hammered.
pub fn retry_delay_seconds(attempts: i32) -> i64 {
    let exponent = attempts.clamp(1, 8) as u32 - 1;
    (10_i64 * 4_i64.pow(exponent)).min(3600)
}

/// A task that failed every attempt, for the admin's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadTask {
    pub job_id: i64,
    pub id: i64,
    pub stage: String,
    pub subject_id: i64,
    pub attempts: i32,
    pub last_error: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_names_round_trip_and_unknown_names_are_refused() {
        for stage in Stage::ALL {
            assert_eq!(Stage::parse(stage.name()), Ok(stage));
        }
        let error = Stage::parse("payments").unwrap_err();
        assert!(error.contains("qc, ledger, expiry"), "{error}");
    }

    #[test]
    fn retries_back_off_and_stop_growing_at_an_hour() {
        assert_eq!(retry_delay_seconds(1), 10);
        assert_eq!(retry_delay_seconds(2), 40);
        assert_eq!(retry_delay_seconds(3), 160);
        assert_eq!(retry_delay_seconds(7), 3600);
        assert_eq!(retry_delay_seconds(40), 3600);
    }
}
