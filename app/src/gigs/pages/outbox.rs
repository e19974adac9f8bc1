//! The page's side of the offline outbox (`public/outbox.js`, shared with the service
//! worker): photos kept in IndexedDB as they are taken, gigs queued there before they are
//! sent, and the outbox's news about this gig. The outbox is plain JavaScript because the
//! service worker must send queued gigs with no page (and no WASM) open; this module only
//! calls it, and every call tolerates its absence (the page then sends directly, as before).

use super::submit::KeptPhoto;
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Where a queued gig stands, as the outbox reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum OutboxNews {
    /// Waiting for the network (or for the server to be reachable again).
    Queued,
    Sending,
    /// The server has it: its receipt (JSON).
    Sent(String),
    /// The server refused this body for good: its error (JSON), with the status.
    Refused(u16, String),
}

/// The outbox's name for a gig: one queue slot per reservation.
pub fn gig_slot(job_id: i64, reservation_id: i64) -> String {
    format!("{job_id}.{reservation_id}")
}

fn outbox() -> Option<Object> {
    let value = Reflect::get(&js_sys::global(), &JsValue::from_str("gigforgeOutbox")).ok()?;
    value.dyn_into::<Object>().ok()
}

/// Calls `gigforgeOutbox[name](...args)` and waits for its promise.
async fn call(name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let outbox = outbox().ok_or_else(|| JsValue::from_str("outbox.js is not loaded"))?;
    let function: Function = Reflect::get(&outbox, &JsValue::from_str(name))?.dyn_into()?;
    let result = function.apply(&outbox, &args.iter().cloned().collect::<Array>())?;
    match result.dyn_into::<js_sys::Promise>() {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

fn object(pairs: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object
}

fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn photo_object(photo: &KeptPhoto) -> Object {
    object(&[
        ("id", JsValue::from_str(&photo.id)),
        ("jpeg", photo.jpeg.clone().into()),
        ("head", photo.original_head.clone().map(JsValue::from).unwrap_or(JsValue::NULL)),
    ])
}

/// Keeps a photo on the device for the gig, so a reload does not lose it.
pub async fn keep_photo(slot: &str, photo: &KeptPhoto) {
    let _ = call(
        "keepPhoto",
        &[
            JsValue::from_str(slot),
            JsValue::from_str(&photo.id),
            photo.jpeg.clone().into(),
            photo.original_head.clone().map(JsValue::from).unwrap_or(JsValue::NULL),
        ],
    )
    .await;
}

/// The photos kept on the device for the gig.
pub async fn photos_of(slot: &str) -> Vec<KeptPhoto> {
    let Ok(list) = call("photosOf", &[JsValue::from_str(slot)]).await else { return Vec::new() };
    Array::from(&list)
        .iter()
        .filter_map(|photo| {
            Some(KeptPhoto {
                id: field(&photo, "id").as_string()?,
                jpeg: field(&photo, "jpeg").dyn_into().ok()?,
                original_head: field(&photo, "head").dyn_into().ok(),
            })
        })
        .collect()
}

/// Queues the gig's exact body on the device before it is sent; false when the outbox
/// is not there (the page then sends without a safety net).
pub async fn enqueue(slot: &str, key: &str, url: &str, envelope: &str, photos: &[KeptPhoto]) -> bool {
    let photos: Array = photos.iter().map(photo_object).collect();
    let item = object(&[
        ("key", JsValue::from_str(key)),
        ("gig", JsValue::from_str(slot)),
        ("url", JsValue::from_str(url)),
        ("envelope", JsValue::from_str(envelope)),
        ("photos", photos.into()),
    ]);
    call("enqueue", &[item.into()]).await.is_ok()
}

/// The server has the gig (or refused it for good): drops it and the gig's photos.
pub async fn settle(slot: &str, key: &str) {
    let _ = call("settle", &[JsValue::from_str(key), JsValue::from_str(slot)]).await;
}

/// What the outbox holds for the gig, if anything.
pub async fn news_of(slot: &str) -> Option<OutboxNews> {
    let item = call("itemFor", &[JsValue::from_str(slot)]).await.ok()?;
    if item.is_undefined() || item.is_null() {
        return None;
    }
    match field(&item, "state").as_string()?.as_str() {
        "refused" => Some(OutboxNews::Refused(0, field(&item, "message").as_string().unwrap_or_default())),
        _ => Some(OutboxNews::Queued),
    }
}

/// Sends whatever is queued, when the browser believes it is online.
pub fn drain_soon() {
    if web_sys::window().is_some_and(|w| w.navigator().on_line()) {
        wasm_bindgen_futures::spawn_local(async {
            let _ = call("drain", &[]).await;
        });
    }
}

pub fn online() -> bool {
    web_sys::window().is_some_and(|w| w.navigator().on_line())
}

/// Calls `on_news` with each piece of outbox news about the gig until the returned
/// channel is closed (the page closes it when it goes away).
pub fn listen(slot: String, on_news: impl Fn(OutboxNews) + 'static) -> Option<web_sys::BroadcastChannel> {
    let channel = web_sys::BroadcastChannel::new("gigforge-outbox").ok()?;
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let data = event.data();
        if field(&data, "gig").as_string().as_deref() != Some(slot.as_str()) {
            return;
        }
        let body = field(&data, "body").as_string().unwrap_or_default();
        let status = field(&data, "status").as_f64().unwrap_or(0.0) as u16;
        let news = match field(&data, "state").as_string().as_deref() {
            Some("sending") => OutboxNews::Sending,
            Some("sent") => OutboxNews::Sent(body),
            Some("refused") => OutboxNews::Refused(status, body),
            _ => OutboxNews::Queued,
        };
        on_news(news);
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the channel, which the browser owns from here on.
    on_message.forget();
    Some(channel)
}
