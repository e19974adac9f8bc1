//! Browser side of doing a gig: the answers kept on the device as they are typed, the
//! idempotency key made once per gig, and the multipart upload with progress. Used from
//! effects and event handlers only (they run only in the browser).

use crate::forms::Answers;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

thread_local! {
    /// Downscaled photos by id, in this tab's memory (and in the outbox's IndexedDB, which
    /// outlives a reload) until sent. The browser is one thread; the server never calls
    /// these functions.
    static PHOTOS: std::cell::RefCell<Vec<KeptPhoto>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A photo ready to send: the downscaled JPEG and the head of the camera's original (its
/// EXIF, which the downscale dropped; the server reads time and GPS from it).
#[derive(Clone)]
pub struct KeptPhoto {
    pub id: String,
    pub jpeg: web_sys::Blob,
    pub original_head: Option<web_sys::Blob>,
}

/// How much of the original is sent for its EXIF (matches the server's limit).
pub const ORIGINAL_HEAD_BYTES: i32 = 128 * 1024;

pub fn keep_photo(photo: KeptPhoto) {
    PHOTOS.with(|photos| {
        let mut photos = photos.borrow_mut();
        if !photos.iter().any(|kept| kept.id == photo.id) {
            photos.push(photo);
        }
    });
}

/// The kept photos whose ids are in `ids`.
pub fn kept_photos(ids: &std::collections::HashSet<String>) -> Vec<KeptPhoto> {
    PHOTOS.with(|photos| photos.borrow().iter().filter(|p| ids.contains(&p.id)).cloned().collect())
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn draft_key(job_id: i64, reservation_id: i64) -> String {
    format!("gigforge.draft.{job_id}.{reservation_id}")
}

fn envelope_storage_key(job_id: i64, reservation_id: i64) -> String {
    format!("gigforge.envelope.{job_id}.{reservation_id}")
}

/// The answers saved on this device for the gig, if any.
pub fn load_draft(job_id: i64, reservation_id: i64) -> Option<Answers> {
    let text = storage()?.get_item(&draft_key(job_id, reservation_id)).ok()??;
    serde_json::from_str(&text).ok()
}

pub fn save_draft(job_id: i64, reservation_id: i64, answers: &Answers) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(answers)) {
        let _ = storage.set_item(&draft_key(job_id, reservation_id), &text);
    }
}

/// Forgets the gig's draft and key once the server has it.
pub fn forget(job_id: i64, reservation_id: i64) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&draft_key(job_id, reservation_id));
        let _ = storage.remove_item(&envelope_storage_key(job_id, reservation_id));
    }
}

/// A random UUID (v4) from the browser's CSPRNG.
pub fn random_uuid() -> String {
    web_sys::window().and_then(|w| w.crypto().ok()).map(|c| c.random_uuid()).unwrap_or_default()
}

/// The exact body to send for these answers. A retry (a double tap, a reload, a resend
/// after the network returns) must be byte-for-byte the first attempt, idempotency key
/// included, so the first envelope is kept until the server has the gig; answers changed
/// since then make a new envelope with a new key.
pub fn envelope_for(job_id: i64, reservation_id: i64, answers: &Answers, lang: crate::forms::Lang) -> String {
    let key = envelope_storage_key(job_id, reservation_id);
    let kept = storage().and_then(|s| s.get_item(&key).ok().flatten());
    if let Some(kept) = kept {
        let same_answers = serde_json::from_str::<serde_json::Value>(&kept)
            .ok()
            .and_then(|v| serde_json::from_value::<Answers>(v["answers"].clone()).ok())
            .is_some_and(|earlier| &earlier == answers);
        if same_answers {
            return kept;
        }
    }
    let envelope = serde_json::json!({
        "idempotency_key": random_uuid(),
        "answers": answers,
        "submitted_at": js_sys::Date::new_0().to_iso_string().as_string(),
        "lang": lang,
    })
    .to_string();
    if let Some(storage) = storage() {
        let _ = storage.set_item(&key, &envelope);
    }
    envelope
}

/// The idempotency key inside an envelope made by [`envelope_for`].
pub fn idempotency_key(envelope_json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(envelope_json)
        .ok()
        .and_then(|v| v["idempotency_key"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Where a gig's submission is posted.
pub fn submission_url(job_id: i64, reservation_id: i64) -> String {
    format!("/api/gigs/{job_id}/reservations/{reservation_id}/submission")
}

/// POSTs the submission (the JSON envelope and each photo) to the gig's endpoint;
/// `progress` gets the uploaded share (0–1), `done` the status and body (0: no network).
pub fn send(
    url: &str,
    envelope_json: &str,
    photos: &[KeptPhoto],
    progress: impl Fn(f64) + 'static,
    done: impl FnOnce(u16, String) + 'static,
) -> Result<(), String> {
    let failed = || "The gig could not be sent from this browser.".to_string();
    let form = web_sys::FormData::new().map_err(|_| failed())?;
    form.append_with_str("submission", envelope_json).map_err(|_| failed())?;
    for photo in photos {
        let id = &photo.id;
        form.append_with_blob_and_filename(id, &photo.jpeg, &format!("{id}.jpg")).map_err(|_| failed())?;
        if let Some(head) = &photo.original_head {
            form.append_with_blob_and_filename(&format!("{id}.exif"), head, "original-head")
                .map_err(|_| failed())?;
        }
    }
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| failed())?;
    xhr.open("POST", url).map_err(|_| failed())?;
    let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            progress(event.loaded() / event.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    on_progress.forget();
    let finished = xhr.clone();
    let on_end = Closure::once_into_js(move || {
        let status = finished.status().unwrap_or(0);
        let body = finished.response_text().ok().flatten().unwrap_or_default();
        done(status, body);
    });
    xhr.set_onloadend(Some(on_end.unchecked_ref()));
    xhr.send_with_opt_form_data(Some(&form)).map_err(|_| failed())
}
