//! The QC stage: loads a received submission's facts, runs the checks, stores every
//! result with its evidence, and records the verdict with its event, in the task's
//! transaction. An approval queues the ledger stage in the same transaction.

use super::queue::{self, Task};
use super::worker::StageError;
use crate::forms::{Answers, FormSchema};
use crate::jobs::settings::QcPolicy;
use crate::pipeline::qc::{run_checks, verdict, PhotoFacts, SubmissionFacts, Verdict};
use crate::pipeline::Stage;
use crate::state::AppState;
use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::PgConnection;

type SubmissionRow = (
    String,
    serde_json::Value,
    serde_json::Value,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<f64>,
    Option<f64>,
    Option<serde_json::Value>,
    serde_json::Value,
);

/// Decides one submission. A submission already decided (a retried task) is left alone.
pub async fn decide(_state: &AppState, tx: &mut PgConnection, task: &Task) -> Result<(), StageError> {
    let (job_id, submission_id) = (task.job_id, task.subject_id);
    let row: Option<SubmissionRow> = sqlx::query_as(
        "select s.status, s.answers, f.schema, r.reserved_at, s.received_at, u.latitude, u.longitude,
                u.gold_answers, j.qc_policy
         from submissions s
         join reservations r on r.job_id = s.job_id and r.id = s.reservation_id
         join units u on u.job_id = s.job_id and u.id = s.unit_id
         join job_form_versions f on f.job_id = s.job_id and f.version = s.form_version
         join jobs j on j.id = s.job_id
         where s.job_id = $1 and s.id = $2
         for update of s",
    )
    .bind(job_id)
    .bind(submission_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((status, answers, schema, reserved_at, received_at, lat, lng, gold, policy)) = row else {
        return Err(StageError::Failed(format!("submission {job_id}-{submission_id} does not exist")));
    };
    if status != "received" {
        return Ok(());
    }
    let unreadable = |what: &str, e: serde_json::Error| StageError::Failed(format!("unreadable {what}: {e}"));
    let form: FormSchema = serde_json::from_value(schema).map_err(|e| unreadable("form version", e))?;
    let answers: Answers = serde_json::from_value(answers).map_err(|e| unreadable("answers", e))?;
    let gold: Option<Answers> =
        gold.map(serde_json::from_value).transpose().map_err(|e| unreadable("gold answers", e))?;
    let policy: QcPolicy = serde_json::from_value(policy).map_err(|e| unreadable("QC policy", e))?;
    let photos: Vec<(Option<NaiveDateTime>, Option<f64>, Option<f64>)> = sqlx::query_as(
        "select exif_taken_at, exif_latitude, exif_longitude from submission_photos
         where job_id = $1 and submission_id = $2 order by field_key, position",
    )
    .bind(job_id)
    .bind(submission_id)
    .fetch_all(&mut *tx)
    .await?;
    let facts = SubmissionFacts {
        form,
        answers,
        reserved_at,
        received_at,
        unit_location: lat.zip(lng),
        photos: photos
            .into_iter()
            .map(|(taken_at, lat, lng)| PhotoFacts { taken_at, gps: lat.zip(lng) })
            .collect(),
        gold,
    };
    let results = run_checks(&facts, &policy);
    let decided = verdict(&results, &policy, audit_roll(job_id, submission_id));

    let codes: Vec<&str> = results.iter().map(|r| r.code.name()).collect();
    let passed: Vec<bool> = results.iter().map(|r| r.passed).collect();
    let evidence: Vec<&str> = results.iter().map(|r| r.evidence.as_str()).collect();
    sqlx::query(
        "insert into qc_results (job_id, submission_id, code, passed, evidence)
         select $1, $2, code, passed, evidence from unnest($3::text[], $4::bool[], $5::text[]) as r(code, passed, evidence)
         on conflict (job_id, submission_id, code) do update
             set passed = excluded.passed, evidence = excluded.evidence, checked_at = now()",
    )
    .bind(job_id)
    .bind(submission_id)
    .bind(&codes)
    .bind(&passed)
    .bind(&evidence)
    .execute(&mut *tx)
    .await?;

    let (status, reject_reason, review_reason, event) = match &decided {
        Verdict::Approve => ("approved", None, None, "qc_approved"),
        Verdict::Review(why) => ("in_review", None, Some(why.as_str()), "qc_review"),
        Verdict::Reject(why) => ("rejected", Some(why.as_str()), None, "qc_rejected"),
    };
    sqlx::query(
        "update submissions set status = $3, reject_reason = $4, review_reason = $5,
             decided_at = case when $3 = 'in_review' then null else now() end
         where job_id = $1 and id = $2",
    )
    .bind(job_id)
    .bind(submission_id)
    .bind(status)
    .bind(reject_reason)
    .bind(review_reason)
    .execute(&mut *tx)
    .await?;
    let failed: Vec<&str> = results.iter().filter(|r| !r.passed).map(|r| r.code.name()).collect();
    sqlx::query(
        "insert into submission_events (job_id, submission_id, kind, detail) values ($1, $2, $3, $4)",
    )
    .bind(job_id)
    .bind(submission_id)
    .bind(event)
    .bind(serde_json::json!({ "failed": failed, "reason": reject_reason.or(review_reason) }))
    .execute(&mut *tx)
    .await?;
    if decided == Verdict::Approve {
        queue::enqueue(tx, Stage::Ledger, job_id, submission_id).await?;
    }
    Ok(())
}

/// A number in [0, 100) fixed per submission, for the audit sample: a retried task
/// samples the same way, and nobody can aim for or away from the sample.
pub fn audit_roll(job_id: i64, submission_id: i64) -> f64 {
    // SplitMix64's finaliser: well spread for consecutive ids.
    let mut x = (job_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (submission_id as u64);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x % 10_000) as f64 / 100.0
}
