//! Reading a submission's multipart body, its digest, and checking its photos.

use super::Envelope;
use crate::error::{server::internal, AppError, Message};
use crate::forms::{Answer, Answers};
use crate::photos::intake::{add_hints_from_original_head, check_photo, CheckedPhoto, MAX_EXIF_HEAD_BYTES};
use crate::photos::MAX_PHOTO_BYTES;
use axum::extract::Multipart;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::LazyLock;

const MAX_PHOTOS: usize = 20;
/// Photos decoded at once across all requests: decoding is CPU- and memory-heavy.
static DECODING: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| tokio::sync::Semaphore::new(2));

fn photo_id_ok(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Photo bytes by id, and the heads of the originals by photo id.
pub struct Uploads {
    pub photos: BTreeMap<String, Vec<u8>>,
    pub original_heads: BTreeMap<String, Vec<u8>>,
}

/// The envelope and the photo parts by id, each at most 10 MB (refused as it streams).
pub(super) async fn read_parts(mut multipart: Multipart) -> Result<(Envelope, Uploads), AppError> {
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

pub(super) fn unexpected_part() -> Message {
    Message::both("The upload has an unexpected part.", "अपलोड में कुछ ऐसा है जिसकी उम्मीद नहीं थी।")
}

pub(super) fn photos_not_used() -> Message {
    Message::both(
        "The upload has photos the answers do not use.",
        "अपलोड में ऐसी फ़ोटो हैं जो किसी जवाब में इस्तेमाल नहीं हुईं।",
    )
}

/// What tells a retry from a different submission: the answers, the device times and
/// every photo's bytes.
pub(super) fn digest(envelope: &Envelope, uploads: &Uploads) -> String {
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

/// Decodes and checks each placed photo, a few at a time (`DECODING`), off the runtime.
pub(super) async fn check_photos(
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
pub(super) fn place_photos(
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
