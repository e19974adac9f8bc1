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
//! GPS read, and stored without EXIF through the `PhotoStore`, before the transaction
//! that writes the submission, the reservation's end, the photo rows and the event for
//! the pipeline together. A photo stored for a request that then fails is overwritten by
//! its retry (same key) and otherwise left unreferenced.

use crate::accounts::server::auth;
use crate::accounts::Role;
use crate::error::{server::internal, AppError, Message};
use crate::forms::{Answer, Answers, FormSchema, Lang};
use crate::gigs::Receipt;
use crate::money::Paise;
use crate::photos::intake::{add_hints_from_original_head, check_photo, CheckedPhoto, MAX_EXIF_HEAD_BYTES};
use crate::photos::MAX_PHOTO_BYTES;
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use tower_sessions::Session;

/// The most a whole submission may carry (photos are at most 10 MB each).
pub const MAX_SUBMISSION_BYTES: usize = 64 * 1024 * 1024;
const MAX_PHOTOS: usize = 20;
/// Photos decoded at once across all requests: decoding is CPU- and memory-heavy.
static DECODING: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| tokio::sync::Semaphore::new(2));

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

fn photo_id_ok(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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

/// Photo bytes by id, and the heads of the originals by photo id.
pub struct Uploads {
    pub photos: BTreeMap<String, Vec<u8>>,
    pub original_heads: BTreeMap<String, Vec<u8>>,
}

/// The envelope and the photo parts by id, each at most 10 MB (refused as it streams).
async fn read_parts(mut multipart: Multipart) -> Result<(Envelope, Uploads), AppError> {
    let bad_body = |e: axum::extract::multipart::MultipartError| {
        AppError::invalid(
            "submission",
            Message::both(
                format!("The upload was cut off or malformed ({}).", e.body_text()),
                format!("अपलोड बीच में कट गया या खराब था ({})।", e.body_text()),
            ),
        )
    };
    let mut envelope = None;
    let mut photos = BTreeMap::new();
    let mut original_heads = BTreeMap::new();
    while let Some(mut field) = multipart.next_field().await.map_err(bad_body)? {
        let name = field.name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad_body)? {
            if bytes.len() + chunk.len() > MAX_PHOTO_BYTES {
                let mb = MAX_PHOTO_BYTES / (1024 * 1024);
                return Err(AppError::invalid(
                    "photo",
                    Message::both(
                        format!("A photo is larger than {mb} MB."),
                        format!("एक फ़ोटो {mb} MB से बड़ी है।"),
                    ),
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "submission" {
            let parsed: Envelope = serde_json::from_slice(&bytes).map_err(|e| {
                AppError::invalid(
                    "submission",
                    Message::both(
                        format!("The answers could not be read: {e}"),
                        format!("जवाब पढ़े नहीं जा सके: {e}"),
                    ),
                )
            })?;
            envelope = Some(parsed);
        } else if let Some(id) = name.strip_suffix(".exif").filter(|id| photo_id_ok(id)) {
            if bytes.len() > MAX_EXIF_HEAD_BYTES || original_heads.len() >= MAX_PHOTOS {
                return Err(AppError::invalid("photo", unexpected_part()));
            }
            original_heads.insert(id.to_string(), bytes);
        } else if photo_id_ok(&name) && photos.len() < MAX_PHOTOS {
            if photos.insert(name, bytes).is_some() {
                return Err(AppError::invalid(
                    "photo",
                    Message::both("The same photo was sent twice.", "एक ही फ़ोटो दो बार भेजी गई।"),
                ));
            }
        } else {
            return Err(AppError::invalid("submission", unexpected_part()));
        }
    }
    let envelope = envelope.ok_or_else(|| {
        AppError::invalid(
            "submission",
            Message::both("The upload has no answers.", "अपलोड में कोई जवाब नहीं है।"),
        )
    })?;
    Ok((envelope, Uploads { photos, original_heads }))
}

fn unexpected_part() -> Message {
    Message::both("The upload has an unexpected part.", "अपलोड में कुछ ऐसा है जिसकी उम्मीद नहीं थी।")
}

fn photos_not_used() -> Message {
    Message::both(
        "The upload has photos the answers do not use.",
        "अपलोड में ऐसी फ़ोटो हैं जो किसी जवाब में इस्तेमाल नहीं हुईं।",
    )
}

/// What tells a retry from a different submission: the answers, the device times and
/// every photo's bytes.
fn digest(envelope: &Envelope, uploads: &Uploads) -> String {
    let mut hash = Sha256::new();
    let canonical = serde_json::to_vec(&(&envelope.answers, envelope.started_at, envelope.submitted_at))
        .unwrap_or_default();
    hash.update(canonical);
    for (kind, parts) in [(b'p', &uploads.photos), (b'e', &uploads.original_heads)] {
        for (id, bytes) in parts {
            hash.update([kind]);
            hash.update(id.as_bytes());
            hash.update([0]);
            hash.update(Sha256::digest(bytes));
        }
    }
    hex::encode(hash.finalize())
}

#[derive(sqlx::FromRow)]
struct ReservationRow {
    status: String,
    deadline: DateTime<Utc>,
    unit_id: i64,
    form_version: i32,
    schema: serde_json::Value,
    pay_paise: i64,
}

/// The reservation, unlocked (the early checks of a submission with photos).
async fn load_reservation(
    conn: &mut sqlx::PgConnection,
    gigger_id: i64,
    job_id: i64,
    reservation_id: i64,
) -> Result<ReservationRow, AppError> {
    sqlx::query_as(
        "select r.status, r.deadline, r.unit_id, r.form_version, f.schema, j.pay_paise
         from reservations r
         join job_form_versions f on f.job_id = r.job_id and f.version = r.form_version
         join jobs j on j.id = r.job_id
         where r.job_id = $1 and r.id = $2 and r.gigger_id = $3",
    )
    .bind(job_id)
    .bind(reservation_id)
    .bind(gigger_id)
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)
}

/// The reservation, locked, with the gigger's submission under `key` if there is one:
/// one round trip where the fast path used to make two.
async fn load_reservation_and_earlier(
    conn: &mut sqlx::PgConnection,
    gigger_id: i64,
    job_id: i64,
    reservation_id: i64,
    key: &str,
    digest: &str,
) -> Result<(ReservationRow, Option<Receipt>), AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        reservation: ReservationRow,
        earlier_id: Option<i64>,
        earlier_job_id: Option<i64>,
        earlier_received_at: Option<DateTime<Utc>>,
        earlier_pay_paise: Option<i64>,
        earlier_late: Option<bool>,
        earlier_digest: Option<String>,
    }
    let row: Row = sqlx::query_as(
        "select r.status, r.deadline, r.unit_id, r.form_version, f.schema, j.pay_paise,
                s.id as earlier_id, s.job_id as earlier_job_id, s.received_at as earlier_received_at,
                s.pay_paise as earlier_pay_paise, s.late as earlier_late, s.request_digest as earlier_digest
         from reservations r
         join job_form_versions f on f.job_id = r.job_id and f.version = r.form_version
         join jobs j on j.id = r.job_id
         left join submissions s on s.gigger_id = $3 and s.idempotency_key = $4::uuid
         where r.job_id = $1 and r.id = $2 and r.gigger_id = $3
         for update of r",
    )
    .bind(job_id)
    .bind(reservation_id)
    .bind(gigger_id)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let found = match (row.earlier_id, row.earlier_job_id, row.earlier_received_at) {
        (Some(id), Some(job_id), Some(received_at)) => Some((
            job_id,
            id,
            received_at,
            row.earlier_pay_paise.unwrap_or_default(),
            row.earlier_late.unwrap_or_default(),
            row.earlier_digest.unwrap_or_default(),
        )),
        _ if row.reservation.status == "submitted" => {
            // A duplicate that committed while this waited for the lock: the row read
            // above is the reservation's newer version, but the join kept the older
            // snapshot's (absent) submission. A fresh read finds it.
            return Ok((row.reservation, earlier(conn, gigger_id, key, digest).await?));
        }
        _ => None,
    };
    Ok((row.reservation, receipt_unless_other_body(found, digest)?))
}

/// The receipt of the gigger's submission under `key`, if there is one; an error when
/// that key was used for a different body.
async fn earlier(
    conn: &mut sqlx::PgConnection,
    gigger_id: i64,
    key: &str,
    digest: &str,
) -> Result<Option<Receipt>, AppError> {
    let row: Option<EarlierRow> = sqlx::query_as(
        "select job_id, id, received_at, pay_paise, late, request_digest from submissions
         where gigger_id = $1 and idempotency_key = $2::uuid",
    )
    .bind(gigger_id)
    .bind(key)
    .fetch_optional(conn)
    .await?;
    receipt_unless_other_body(row, digest)
}

type EarlierRow = (i64, i64, DateTime<Utc>, i64, bool, String);

fn receipt_unless_other_body(row: Option<EarlierRow>, digest: &str) -> Result<Option<Receipt>, AppError> {
    match row {
        None => Ok(None),
        Some((_, _, _, _, _, stored)) if stored != digest => Err(AppError::invalid(
            "idempotency_key",
            Message::both(
                "This key was already used for a different submission.",
                "यह कुंजी किसी दूसरे सबमिशन के लिए इस्तेमाल हो चुकी है।",
            ),
        )),
        Some((job_id, submission_id, received_at, pay, late, _)) => {
            Ok(Some(Receipt { job_id, submission_id, received_at, pay: Paise(pay), late }))
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

    // With photos, cheap checks come first, before any photo is decoded and stored; the
    // transaction below makes them again under the reservation's lock. Answers alone need
    // only the transaction's (two statements fewer per gig, bench/README.md).
    // (The reservation is read before the key so that a duplicate committing in between
    // is found by the key rather than refused as "submitted already".)
    let has_photos = !photos.is_empty() || !original_heads.is_empty();
    let mut prepared = None;
    if has_photos {
        let mut conn = state.pool.acquire().await?;
        let reservation = load_reservation(&mut conn, gigger_id, job_id, reservation_id).await?;
        if let Some(receipt) = earlier(&mut conn, gigger_id, &key, &digest).await? {
            return Ok(receipt);
        }
        still_open(&reservation.status, reservation.deadline, now, grace)?;
        drop(conn);
        let answers = validated(&reservation.schema, &envelope)?;
        let placed = place_photos(&answers, &photos)?;
        if original_heads.keys().any(|id| !photos.contains_key(id)) {
            return Err(AppError::invalid("photo", photos_not_used()));
        }
        let checked = check_photos(placed, &photos, &original_heads).await?;
        let mut storage_keys = Vec::with_capacity(checked.len());
        for (field, position, photo) in &checked {
            let storage_key = format!("submissions/{job_id}/{reservation_id}/{key}/{field}-{position}.jpg");
            state
                .photo_store
                .put(&storage_key, photo.jpeg.clone())
                .await
                .map_err(|e| internal("storing a photo failed", e))?;
            storage_keys.push(storage_key);
        }
        prepared = Some((answers, checked, storage_keys));
    }

    let mut tx = state.pool.begin().await?;
    let (reservation, earlier) =
        load_reservation_and_earlier(&mut tx, gigger_id, job_id, reservation_id, &key, &digest).await?;
    if let Some(receipt) = earlier {
        return Ok(receipt);
    }
    let late = still_open(&reservation.status, reservation.deadline, now, grace)?;
    let (answers, checked, storage_keys) = match prepared {
        Some(prepared) => prepared,
        None => {
            let answers = validated(&reservation.schema, &envelope)?;
            // Answers naming photos that were not sent are refused here.
            place_photos(&answers, &photos)?;
            (answers, Vec::new(), Vec::new())
        }
    };
    // The submission, the reservation's end, the event and the QC stage's task (as
    // `queue::enqueue` would queue it) in one statement.
    let (submission_id, received_at): (i64, DateTime<Utc>) = sqlx::query_as(
        "with submission as (
             insert into submissions (job_id, unit_id, reservation_id, gigger_id, form_version, answers,
                 idempotency_key, request_digest, started_on_device_at, submitted_on_device_at, received_at,
                 late, pay_paise)
             values ($1, $2, $3, $4, $5, $6, $7::uuid, $8, $9, $10, $11, $12, $13)
             returning id, received_at),
         ended as (
             update reservations set status = 'submitted', ended_at = $11 where job_id = $1 and id = $3),
         event as (
             insert into submission_events (job_id, submission_id, kind, detail, at)
             select $1, submission.id, 'received', $14, $11 from submission),
         qc_task as (
             insert into stage_tasks (job_id, stage, subject_id)
             select $1, $15, submission.id from submission
             on conflict (job_id, stage, subject_id) do nothing)
         select id, received_at from submission",
    )
    .bind(job_id)
    .bind(reservation.unit_id)
    .bind(reservation_id)
    .bind(gigger_id)
    .bind(reservation.form_version)
    .bind(serde_json::to_value(&answers).map_err(|e| internal("answers do not serialise", e))?)
    .bind(&key)
    .bind(&digest)
    .bind(envelope.started_at)
    .bind(envelope.submitted_at)
    .bind(now)
    .bind(late)
    .bind(reservation.pay_paise)
    .bind(serde_json::json!({ "late": late, "photos": checked.len() }))
    .bind(crate::pipeline::Stage::Qc.name())
    .fetch_one(&mut *tx)
    .await?;
    // The sweeper gave an expired reservation's slot back; a submission within the grace
    // period takes it again (if another gigger got it meanwhile, the unit simply has one
    // more answer). A statement of its own, run only then: inside the one above, the
    // units' free-gig summary trigger (a statement trigger) ran for every submission,
    // even when it changed no row.
    if reservation.status == "expired" {
        sqlx::query(
            "update units set slots_left = slots_left - 1 where job_id = $1 and id = $2 and slots_left > 0",
        )
        .bind(job_id)
        .bind(reservation.unit_id)
        .execute(&mut *tx)
        .await?;
    }
    for ((field, position, photo), storage_key) in checked.iter().zip(&storage_keys) {
        sqlx::query(
            "insert into submission_photos (job_id, submission_id, field_key, position, storage_key, sha256,
                 bytes, width, height, exif_taken_at, exif_latitude, exif_longitude)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(job_id)
        .bind(submission_id)
        .bind(field)
        .bind(*position as i16)
        .bind(storage_key)
        .bind(&photo.sha256)
        .bind(photo.jpeg.len() as i32)
        .bind(photo.width as i32)
        .bind(photo.height as i32)
        .bind(photo.exif_taken_at)
        .bind(photo.exif_latitude)
        .bind(photo.exif_longitude)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Receipt { job_id, submission_id, received_at, pay: Paise(reservation.pay_paise), late })
}

/// The answers, valid against the reservation's form version.
fn validated(schema: &serde_json::Value, envelope: &Envelope) -> Result<Answers, AppError> {
    let form: FormSchema = serde_json::from_value(schema.clone())
        .map_err(|e| internal("stored form version does not parse", e))?;
    form.validate(&envelope.answers).map_err(|errors| {
        let first = &errors[0];
        AppError::invalid(&first.field, Message::both(first.message(Lang::En), first.message(Lang::Hi)))
    })
}

/// Decodes and checks each placed photo, a few at a time (`DECODING`), off the runtime.
async fn check_photos(
    placed: Vec<(String, usize, String)>,
    photos: &BTreeMap<String, Vec<u8>>,
    original_heads: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<(String, usize, CheckedPhoto)>, AppError> {
    let mut checked = Vec::with_capacity(placed.len());
    for (field, position, id) in placed {
        let bytes = photos[&id].clone();
        let head = original_heads.get(&id).cloned();
        let _slot = DECODING.acquire().await.map_err(|e| internal("photo semaphore closed", e))?;
        let photo = tokio::task::spawn_blocking(move || {
            let mut photo = check_photo(&bytes)?;
            if let Some(head) = head {
                add_hints_from_original_head(&mut photo, &head);
            }
            Ok::<_, crate::photos::intake::PhotoError>(photo)
        })
        .await
        .map_err(|e| internal("photo check panicked", e))?
        .map_err(|e| AppError::invalid(&field, e.told()))?;
        checked.push((field, position, photo));
    }
    Ok(checked)
}

/// (field, position, photo id) for every photo the answers name; each must have been
/// uploaded, and every upload must be named.
fn place_photos(
    answers: &Answers,
    photos: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<(String, usize, String)>, AppError> {
    let mut placed = Vec::new();
    for (field, answer) in answers {
        if let Answer::Photos(ids) = answer {
            for (position, id) in ids.iter().enumerate() {
                if !photos.contains_key(id) {
                    return Err(AppError::invalid(
                        field,
                        Message::both(
                            "A photo is missing from the upload; please send again.",
                            "अपलोड में एक फ़ोटो नहीं है; कृपया फिर से भेजें।",
                        ),
                    ));
                }
                placed.push((field.clone(), position, id.clone()));
            }
        }
    }
    if placed.len() != photos.len() {
        return Err(AppError::invalid("photo", photos_not_used()));
    }
    Ok(placed)
}

#[cfg(test)]
mod tests {
    use super::*;

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
