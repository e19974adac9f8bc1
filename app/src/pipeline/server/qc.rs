//! The QC stage: loads a received submission's facts, runs the checks, stores every
//! result with its evidence, and records the verdict with its event, in the task's
//! transaction. An approval queues the ledger stage in the same transaction.

use super::queue::Task;
use super::worker::StageError;
use crate::forms::{Answers, FormSchema};
use crate::jobs::settings::QcPolicy;
use crate::photos::quality::{bands, pixel_facts, PixelFacts, MAX_NEAR_DUPLICATE_BITS};
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
    bool,
);

/// Decides one submission. A submission already decided (a retried task) is left alone.
pub async fn decide(state: &AppState, tx: &mut PgConnection, task: &Task) -> Result<(), StageError> {
    let (job_id, submission_id) = (task.job_id, task.subject_id);
    let row: Option<SubmissionRow> = sqlx::query_as(
        "select s.status, s.answers, f.schema, r.reserved_at, s.received_at, u.latitude, u.longitude,
                u.gold_answers, j.qc_policy,
                exists (select 1 from submission_photos p where p.job_id = s.job_id and p.submission_id = s.id)
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
    let Some((status, answers, schema, reserved_at, received_at, lat, lng, gold, policy, has_photos)) = row
    else {
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
    let stored: Vec<StoredPhoto> = if has_photos {
        sqlx::query_as(
            "select field_key, position, storage_key, exif_taken_at, exif_latitude, exif_longitude
             from submission_photos where job_id = $1 and submission_id = $2 order by field_key, position",
        )
        .bind(job_id)
        .bind(submission_id)
        .fetch_all(&mut *tx)
        .await?
    } else {
        Vec::new()
    };
    let mut photos = Vec::with_capacity(stored.len());
    for photo in &stored {
        let pixels = measure(state, &photo.storage_key).await?;
        let nearest = nearest_earlier(tx, job_id, submission_id, pixels.hash).await?;
        record_hash(tx, job_id, submission_id, photo, &pixels).await?;
        photos.push(PhotoFacts {
            taken_at: photo.exif_taken_at,
            gps: photo.exif_latitude.zip(photo.exif_longitude),
            sharpness: Some(pixels.sharpness),
            nearest,
        });
    }
    let facts = SubmissionFacts {
        form,
        answers,
        reserved_at,
        received_at,
        unit_location: lat.zip(lng),
        photos,
        gold,
    };
    let results = run_checks(&facts, &policy);
    let decided = verdict(&results, &policy, audit_roll(job_id, submission_id));

    let codes: Vec<&str> = results.iter().map(|r| r.code.name()).collect();
    let passed: Vec<bool> = results.iter().map(|r| r.passed).collect();
    let evidence: Vec<&str> = results.iter().map(|r| r.evidence.as_str()).collect();
    let (status, reject_reason, review_reason, event) = match &decided {
        Verdict::Approve => ("approved", None, None, "qc_approved"),
        Verdict::Review(why) => ("in_review", None, Some(why.as_str()), "qc_review"),
        Verdict::Reject(why) => ("rejected", Some(why.as_str()), None, "qc_rejected"),
    };
    let failed: Vec<&str> = results.iter().filter(|r| !r.passed).map(|r| r.code.name()).collect();
    // The results, the verdict, its event and (for an approval) the ledger stage's task,
    // as `queue::enqueue` would queue it, in one statement: one round trip, not four.
    sqlx::query(
        "with results as (
             insert into qc_results (job_id, submission_id, code, passed, evidence)
             select $1, $2, code, passed, evidence
             from unnest($3::text[], $4::bool[], $5::text[]) as r(code, passed, evidence)
             on conflict (job_id, submission_id, code) do update
                 set passed = excluded.passed, evidence = excluded.evidence, checked_at = now()),
         verdict as (
             update submissions set status = $6, reject_reason = $7, review_reason = $8,
                 decided_at = case when $6 = 'in_review' then null else now() end
             where job_id = $1 and id = $2),
         event as (
             insert into submission_events (job_id, submission_id, kind, detail) values ($1, $2, $9, $10))
         insert into stage_tasks (job_id, stage, subject_id)
         select $1, $11, $2 where $6 = 'approved'
         on conflict (job_id, stage, subject_id) do nothing",
    )
    .bind(job_id)
    .bind(submission_id)
    .bind(&codes)
    .bind(&passed)
    .bind(&evidence)
    .bind(status)
    .bind(reject_reason)
    .bind(review_reason)
    .bind(event)
    .bind(serde_json::json!({ "failed": failed, "reason": reject_reason.or(review_reason) }))
    .bind(Stage::Ledger.name())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct StoredPhoto {
    field_key: String,
    position: i16,
    storage_key: String,
    exif_taken_at: Option<NaiveDateTime>,
    exif_latitude: Option<f64>,
    exif_longitude: Option<f64>,
}

/// Reads a stored photo and measures it off the async threads, two photos at a time
/// per process (decoding is the QC stage's heaviest work).
async fn measure(state: &AppState, key: &str) -> Result<PixelFacts, StageError> {
    static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
    let bytes = state
        .photo_store
        .get(key)
        .await
        .map_err(|e| StageError::Failed(format!("reading photo {key}: {e}")))?
        .ok_or_else(|| StageError::Failed(format!("photo {key} is missing from storage")))?;
    let _permit = DECODING.acquire().await.map_err(|_| StageError::Failed("decoder closed".into()))?;
    tokio::task::spawn_blocking(move || pixel_facts(&bytes))
        .await
        .map_err(|e| StageError::Failed(format!("measuring photo {key}: {e}")))?
        .map_err(|e| StageError::Failed(format!("photo {key}: {e}")))
}

/// The closest photo of an earlier submission of the job within the index's reach
/// (7 bits): candidates share a band of the hash, then the exact distance decides.
async fn nearest_earlier(
    tx: &mut PgConnection,
    job_id: i64,
    submission_id: i64,
    hash: i64,
) -> Result<Option<(i64, u32)>, StageError> {
    let b = bands(hash);
    let found: Option<(i64, i64)> = sqlx::query_as(
        "select submission_id, bit_count(int8send(hash # $3))::bigint as bits from photo_hashes
         where job_id = $1 and submission_id <> $2
           and (band0 = $4 or band1 = $5 or band2 = $6 or band3 = $7
                or band4 = $8 or band5 = $9 or band6 = $10 or band7 = $11)
           and bit_count(int8send(hash # $3)) <= $12
         order by bits, submission_id limit 1",
    )
    .bind(job_id)
    .bind(submission_id)
    .bind(hash)
    .bind(b[0])
    .bind(b[1])
    .bind(b[2])
    .bind(b[3])
    .bind(b[4])
    .bind(b[5])
    .bind(b[6])
    .bind(b[7])
    .bind(i64::from(MAX_NEAR_DUPLICATE_BITS))
    .fetch_optional(&mut *tx)
    .await?;
    Ok(found.map(|(submission, bits)| (submission, bits as u32)))
}

async fn record_hash(
    tx: &mut PgConnection,
    job_id: i64,
    submission_id: i64,
    photo: &StoredPhoto,
    pixels: &PixelFacts,
) -> Result<(), StageError> {
    let b = bands(pixels.hash);
    sqlx::query(
        "insert into photo_hashes (job_id, submission_id, field_key, position, hash, sharpness,
             band0, band1, band2, band3, band4, band5, band6, band7)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         on conflict (job_id, submission_id, field_key, position) do nothing",
    )
    .bind(job_id)
    .bind(submission_id)
    .bind(&photo.field_key)
    .bind(photo.position)
    .bind(pixels.hash)
    .bind(pixels.sharpness)
    .bind(b[0])
    .bind(b[1])
    .bind(b[2])
    .bind(b[3])
    .bind(b[4])
    .bind(b[5])
    .bind(b[6])
    .bind(b[7])
    .execute(&mut *tx)
    .await?;
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
