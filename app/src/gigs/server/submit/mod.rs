//! Submitting a gig: `POST /api/gigs/{job_id}/reservations/{reservation_id}/submission`,
//! multipart, from the gig page or the device's offline queue.
//!
//! Parts: `submission` (JSON `Envelope`), one part per photo, named by the photo id the
//! answers use, and optionally `{id}.exif`: the first 128 KB of the camera's original file,
//! whose EXIF (time, GPS) the browser's downscale dropped. A device makes the idempotency key once per gig and sends the same
//! bytes on every retry:
//! - the same key and the same body (answers and photo bytes) returns the first receipt;
//! - the same key with a different body is refused (422);
//! - a concurrent duplicate waits for the first to commit, then gets its receipt.
//!
//! Photos are checked (magic bytes, size, pixel count before decoding), EXIF time and
//! GPS read, and stored without EXIF through the `PhotoStore`, before the one statement
//! that writes the submission, the reservation's end, the photo rows and the event for
//! the pipeline together (store.rs). A photo stored for a request that then fails is overwritten by
//! its retry (same key) and otherwise left unreferenced.

mod parts;
mod store;

use crate::accounts::server::auth;
use crate::accounts::Role;
use crate::error::{server::internal, AppError, Message};
use crate::forms::{Answers, FormSchema, Lang};
use crate::gigs::Receipt;
use crate::photos::intake::CheckedPhoto;
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
pub use parts::Uploads;
use parts::{check_photos, digest, photos_not_used, place_photos, read_parts};
use serde::Deserialize;
use tower_sessions::Session;

/// The reservation a submission answers, and whose it must be.
#[derive(Debug, Clone, Copy)]
struct Target {
    job_id: i64,
    reservation_id: i64,
    gigger_id: i64,
}

/// A photo checked and stored, where the answers place it.
struct StoredPhoto {
    field: String,
    position: usize,
    storage_key: String,
    photo: CheckedPhoto,
}

/// Everything a submission's rows hold.
#[derive(Clone, Copy)]
struct NewSubmission<'a> {
    target: Target,
    unit_id: i64,
    form_version: i32,
    answers: &'a serde_json::Value,
    key: &'a str,
    digest: &'a str,
    envelope: &'a Envelope,
    received_at: DateTime<Utc>,
    late: bool,
    pay_paise: i64,
    photos: &'a [StoredPhoto],
}

/// The most a whole submission may carry (photos are at most 10 MB each).
pub const MAX_SUBMISSION_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Envelope {
    pub idempotency_key: String,
    pub answers: Answers,
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub submitted_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub lang: Option<Lang>,
}

/// A device-made key: a UUID in its usual text form.
fn parse_key(text: &str) -> Result<String, AppError> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    if shape_ok {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(AppError::invalid(
            "idempotency_key",
            Message::both("The submission has no valid idempotency key.", "इस सबमिशन में सही पहचान कुंजी नहीं है।"),
        ))
    }
}

pub async fn handler(
    State(state): State<AppState>,
    session: Session,
    Path((job_id, reservation_id)): Path<(i64, i64)>,
    multipart: Multipart,
) -> Response {
    let result = async {
        let gigger = auth::require_in_session(&state, &session, &[Role::Gigger]).await?;
        let (envelope, uploads) = read_parts(multipart).await?;
        submit(&state, gigger.id, job_id, reservation_id, envelope, uploads).await
    }
    .await;
    match result {
        Ok(receipt) => (StatusCode::OK, Json(receipt)).into_response(),
        Err(error) => {
            let status =
                StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, Json(error)).into_response()
        }
    }
}

/// Whether a reservation in `status` with `deadline` still takes a submission at `now`.
fn still_open(
    status: &str,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
    grace: chrono::Duration,
) -> Result<bool, AppError> {
    match status {
        "submitted" => {
            Err(AppError::conflict("This gig was submitted already.", "यह गिग पहले ही जमा हो चुका है।"))
        }
        "released" => Err(AppError::conflict(
            "You released this gig, so it can no longer be submitted.",
            "आपने यह गिग छोड़ दिया था, इसलिए अब इसे जमा नहीं किया जा सकता।",
        )),
        _ if now > deadline + grace => Err(AppError::conflict(
            "The time for this gig ran out and it went back to the pool.",
            "इस गिग का समय खत्म हो गया और यह वापस चला गया।",
        )),
        _ => Ok(now > deadline),
    }
}

pub async fn submit(
    state: &AppState,
    gigger_id: i64,
    job_id: i64,
    reservation_id: i64,
    envelope: Envelope,
    uploads: Uploads,
) -> Result<Receipt, AppError> {
    let key = parse_key(&envelope.idempotency_key)?;
    let digest = digest(&envelope, &uploads);
    let Uploads { photos, original_heads } = uploads;
    let now = state.clock.now();
    let grace = state.gig_limits.submit_grace;

    // Everything that can refuse the submission comes first, on one unlocked read, before
    // any photo is decoded and stored.
    let target = Target { job_id, reservation_id, gigger_id };
    let (reservation, earlier) = store::reservation_and_earlier(&state.pool, target, &key, &digest).await?;
    if let Some(receipt) = earlier {
        return Ok(receipt);
    }
    let late = still_open(&reservation.status, reservation.deadline, now, grace)?;
    let answers = validated(&reservation.schema, &envelope)?;
    let placed = place_photos(&answers, &photos)?;
    if original_heads.keys().any(|id| !photos.contains_key(id)) {
        return Err(AppError::invalid("photo", photos_not_used()));
    }
    let checked = check_photos(placed, &photos, &original_heads).await?;
    let mut stored = Vec::with_capacity(checked.len());
    for (field, position, photo) in checked {
        let storage_key = format!("submissions/{job_id}/{reservation_id}/{key}/{field}-{position}.jpg");
        state
            .photo_store
            .put(&storage_key, photo.jpeg.clone())
            .await
            .map_err(|e| internal("storing a photo failed", e))?;
        stored.push(StoredPhoto { field, position, storage_key, photo });
    }
    let answers_json = serde_json::to_value(&answers).map_err(|e| internal("answers do not serialise", e))?;
    let submission = NewSubmission {
        target,
        unit_id: reservation.unit_id,
        form_version: reservation.form_version,
        answers: &answers_json,
        key: &key,
        digest: &digest,
        envelope: &envelope,
        received_at: now,
        late,
        pay_paise: reservation.pay_paise,
        photos: &stored,
    };

    // The usual case in one statement, without a transaction of its own: it ends the
    // reservation only if it is still active, and writes nothing otherwise.
    if reservation.status == "active" {
        if let Some(receipt) = store::insert_if_still_active(&state.pool, &submission).await? {
            return Ok(receipt);
        }
    }
    // The reservation changed since it was read (a duplicate of this request committed,
    // the sweeper ended it) or had expired: decide again under its lock.
    let mut tx = state.pool.begin().await?;
    let (reservation, earlier) =
        store::reservation_and_earlier_locked(&mut tx, target, &key, &digest).await?;
    if let Some(receipt) = earlier {
        return Ok(receipt);
    }
    let late = still_open(&reservation.status, reservation.deadline, now, grace)?;
    let receipt =
        store::insert_locked(&mut tx, &NewSubmission { late, ..submission }, &reservation.status).await?;
    tx.commit().await?;
    Ok(receipt)
}

/// The usual submission's two statements, the read and then the write, as sent. Public
/// for the test that keeps the benchmark's pgbench copy of a gig's statements
/// (bench/gig_statements.pgbench) equal to them.
pub fn usual_statements() -> [String; 2] {
    [store::RESERVATION_AND_EARLIER.to_string(), store::insert_if_still_active_sql()]
}

/// The answers, valid against the reservation's form version.
fn validated(form: &FormSchema, envelope: &Envelope) -> Result<Answers, AppError> {
    form.validate(&envelope.answers).map_err(|errors| {
        let first = &errors[0];
        AppError::invalid(&first.field, Message::both(first.message(Lang::En), first.message(Lang::Hi)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::Answer;
    use std::collections::BTreeMap;

    #[test]
    fn keys_must_be_uuids() {
        assert!(parse_key("0b0c6a7e-8f1d-4c1e-9a55-3f1f0f2b7c11").is_ok());
        assert_eq!(
            parse_key("0B0C6A7E-8F1D-4C1E-9A55-3F1F0F2B7C11").unwrap(),
            "0b0c6a7e-8f1d-4c1e-9a55-3f1f0f2b7c11"
        );
        for bad in
            ["", "not-a-key", "0b0c6a7e8f1d4c1e9a553f1f0f2b7c11", "0b0c6a7e-8f1d-4c1e-9a55-3f1f0f2b7c1z"]
        {
            assert!(parse_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_digest_changes_with_answers_and_photo_bytes() {
        let envelope = |text: &str| Envelope {
            idempotency_key: String::new(),
            answers: [("name".to_string(), Answer::Text(text.into()))].into(),
            started_at: None,
            submitted_at: None,
            lang: None,
        };
        let photos = |bytes: &[u8]| Uploads {
            photos: BTreeMap::from([("p1".to_string(), bytes.to_vec())]),
            original_heads: BTreeMap::new(),
        };
        let first = digest(&envelope("a"), &photos(b"x"));
        assert_eq!(first, digest(&envelope("a"), &photos(b"x")));
        assert_ne!(first, digest(&envelope("b"), &photos(b"x")));
        assert_ne!(first, digest(&envelope("a"), &photos(b"y")));
    }

    #[test]
    fn grace_after_the_deadline_is_two_minutes() {
        let deadline = Utc::now();
        let grace = chrono::Duration::minutes(2);
        assert_eq!(still_open("active", deadline, deadline - chrono::Duration::seconds(1), grace), Ok(false));
        assert_eq!(
            still_open("expired", deadline, deadline + chrono::Duration::seconds(119), grace),
            Ok(true)
        );
        assert!(still_open("expired", deadline, deadline + chrono::Duration::seconds(121), grace).is_err());
        assert!(still_open("released", deadline, deadline, grace).is_err());
        assert!(still_open("submitted", deadline, deadline, grace).is_err());
    }
}
