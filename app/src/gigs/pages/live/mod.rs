//! The gig form in the browser, without a framework: the server renders the whole page
//! (gig_page.rs) and this code, the gigger bundle's only entry point ([`start`]), makes it
//! work on the phone: the shared validator's instant errors and conditions
//! ([`fields`]), photos and the location, the answers kept on the device as they change,
//! the countdown, and the submission through the outbox with its progress and receipt
//! ([`sending`]).
//!
//! Why not a Leptos island: the gig form's island linked the view layer and the reactive
//! system for a form that the server already renders, and made the gig page's WASM 313 KB
//! gzipped against the 250 KB goal. Everything here is wasm-bindgen and web-sys calls on
//! the server's markup; the form's logic (schema, validator, answers) is the same Rust the
//! server runs. Compiled on both sides (the server serializes [`GigProps`]); the browser
//! half only ever runs in the browser.

mod fields;
mod sending;

use crate::forms::{Answers, FormSchema, Lang};
use serde::{Deserialize, Serialize};

/// What the page gives the browser code, as JSON in the gig's `data-gig` attribute.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GigProps {
    pub job_id: i64,
    pub reservation_id: i64,
    /// Seconds to the deadline by the server's clock (a phone's clock may be wrong).
    pub seconds_left: i64,
    /// Still reserved (not expired or released): the countdown runs.
    pub active: bool,
    /// The form version the reservation holds.
    pub form: FormSchema,
}

/// The page's words in the reader's language: the server renders them, translated, into a
/// hidden `<div class="gig-words">` (the browser code carries no i18n catalogue).
/// Templates hold [`PERCENT`], [`NUMBER`] or [`TIME`].
#[derive(Debug, Clone, Default)]
struct GigText {
    time_left: String,
    time_up: String,
    sending: String,
    queued: String,
    resending: String,
    refused: String,
    no_network: String,
    receipt_title: String,
    receipt_number: String,
    receipt_received_at: String,
    /// With the gig's pay already in it.
    receipt_earn: String,
    receipt_late: String,
    receipt_another: String,
    my_gigs: String,
}

impl GigText {
    fn from_page(root: &web_sys::Element) -> GigText {
        let word = |key: &str| {
            root.query_selector(&format!(".gig-words [data-word={key}]"))
                .ok()
                .flatten()
                .and_then(|span| span.text_content())
                .unwrap_or_default()
        };
        GigText {
            time_left: word("time_left"),
            time_up: word("time_up"),
            sending: word("sending"),
            queued: word("queued"),
            resending: word("resending"),
            refused: word("refused"),
            no_network: word("no_network"),
            receipt_title: word("receipt_title"),
            receipt_number: word("receipt_number"),
            receipt_received_at: word("receipt_received_at"),
            receipt_earn: word("receipt_earn"),
            receipt_late: word("receipt_late"),
            receipt_another: word("receipt_another"),
            my_gigs: word("my_gigs"),
        }
    }
}

/// Placeholders in [`GigText`]'s templates.
pub const PERCENT: &str = "{percent}";
pub const NUMBER: &str = "{number}";
pub const TIME: &str = "{time}";

/// Where the upload stands.
#[derive(Debug, Clone, PartialEq)]
enum Sending {
    Idle,
    /// This page is uploading (share sent, 0–1).
    Uploading(f64),
    /// In the device's outbox, waiting for the network.
    Queued,
    /// The outbox is sending it (after the network came back).
    Resending,
    Failed(String),
    Done,
}

/// The gig page's state in the browser: one per page, alive as long as the page.
struct Gig {
    props: GigProps,
    text: GigText,
    lang: Lang,
    /// The `<article data-gig>` the server rendered.
    root: web_sys::Element,
    answers: std::cell::RefCell<Answers>,
    /// Fields the gigger has changed: their errors show as they type.
    touched: std::cell::RefCell<std::collections::HashSet<String>>,
    /// Set on the first submit: every field's error shows.
    show_all_errors: std::cell::Cell<bool>,
    /// Nothing is saved as a draft until the saved one is read back whole (photos
    /// included), so a draft restored halfway never overwrites the whole one.
    restored: std::cell::Cell<bool>,
    sending: std::cell::RefCell<Sending>,
}

impl Gig {
    /// The outbox's name for this gig.
    fn slot(&self) -> String {
        super::outbox::gig_slot(self.props.job_id, self.props.reservation_id)
    }
}

/// Brings the gig page to life, if it shows a gig in progress (a receipt or an error
/// needs nothing). Called once by the gigger bundle after the page has loaded.
pub fn start() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(Some(root)) = document.query_selector("[data-gig]") else { return };
    let Some(props) = root.get_attribute("data-gig").and_then(|json| serde_json::from_str(&json).ok()) else {
        return;
    };
    // The server wrote the reader's language into <html lang>.
    let lang = document
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|code| Lang::parse(&code))
        .unwrap_or_default();
    let gig = std::rc::Rc::new(Gig {
        props,
        text: GigText::from_page(&root),
        lang,
        root,
        answers: Default::default(),
        touched: Default::default(),
        show_all_errors: Default::default(),
        restored: Default::default(),
        sending: std::cell::RefCell::new(Sending::Idle),
    });
    fields::start(&gig);
    sending::start(&gig);
}

/// `template` with `placeholder` replaced by `value`.
fn fill(template: &str, placeholder: &str, value: &str) -> String {
    template.replace(placeholder, value)
}

/// A new element with attributes and text, for the few the browser adds to the page.
fn element(tag: &str, attributes: &[(&str, &str)], text: Option<&str>) -> Option<web_sys::Element> {
    let element = web_sys::window()?.document()?.create_element(tag).ok()?;
    for (name, value) in attributes {
        element.set_attribute(name, value).ok()?;
    }
    if let Some(text) = text {
        element.set_text_content(Some(text));
    }
    Some(element)
}

/// Runs `handler` for every `event` on `target`, for the page's lifetime.
fn listen<E: wasm_bindgen::JsCast + 'static>(
    target: &web_sys::EventTarget,
    event: &str,
    handler: impl Fn(E) + 'static,
) {
    use wasm_bindgen::JsCast;
    let closure =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            handler(event.unchecked_into())
        });
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    // The page owns the listener from here on; it lives as long as the page.
    closure.forget();
}
