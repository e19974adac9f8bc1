//! Sending the gig from the browser: the countdown, the submission put in the device's
//! outbox first and then uploaded with a progress bar, what the outbox (or the service
//! worker) reports about it later, and the receipt.

use super::fields::{refresh, set_disabled, set_hidden};
use super::{element, fill, listen, Gig, Sending, NUMBER, PERCENT, TIME};
use crate::forms::Answer;
use crate::gigs::pages::outbox::{self, OutboxNews};
use crate::gigs::pages::{countdown_text, india_time, submit};
use crate::gigs::Receipt;
use std::rc::Rc;
use wasm_bindgen::JsCast;

pub(super) fn start(gig: &Rc<Gig>) {
    start_countdown(gig);
    if let Ok(Some(form)) = gig.root.query_selector("form.gig-answers") {
        let submitting = gig.clone();
        listen(&form, "submit", move |event: web_sys::Event| {
            event.prevent_default();
            submit_gig(&submitting);
        });
    }
    let listening = gig.clone();
    // The channel lives as long as the page.
    let _ = outbox::listen(gig.slot(), move |news| on_news(&listening, news));
}

/// Once the draft is back: what the outbox already holds for this gig (queued before a
/// reload, say), then a nudge to send whatever is waiting.
pub(super) async fn after_restore(gig: &Rc<Gig>) {
    if let Some(news) = outbox::news_of(&gig.slot()).await {
        on_news(gig, news);
    }
    outbox::drain_soon();
}

/// Each second the time left; every 15 s, a queued gig is tried again (the network may be
/// back without the browser noticing).
fn start_countdown(gig: &Rc<Gig>) {
    let Ok(Some(countdown)) = gig.root.query_selector(".countdown") else { return };
    let started = js_sys::Date::now();
    let ticks = std::cell::Cell::new(0u32);
    let gig = gig.clone();
    let tick = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
        let left = gig.props.seconds_left - ((js_sys::Date::now() - started) / 1000.0) as i64;
        let text = if gig.props.active && left > 0 {
            format!("{} {}", gig.text.time_left, countdown_text(left))
        } else {
            gig.text.time_up.clone()
        };
        countdown.set_text_content(Some(&text));
        let _ = countdown.class_list().toggle_with_force("urgent", left < 300);
        ticks.set(ticks.get() + 1);
        if ticks.get().is_multiple_of(15) && *gig.sending.borrow() == Sending::Queued {
            outbox::drain_soon();
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 1000);
    }
    tick.forget();
}

/// "Submit gig": every error shows; a valid gig goes into the outbox, then up.
fn submit_gig(gig: &Rc<Gig>) {
    gig.show_all_errors.set(true);
    refresh(gig);
    let Ok(valid) = gig.props.form.validate(&gig.answers.borrow()) else { return };
    if matches!(*gig.sending.borrow(), Sending::Uploading(_) | Sending::Resending | Sending::Done) {
        return;
    }
    let (job_id, reservation_id) = (gig.props.job_id, gig.props.reservation_id);
    let used: std::collections::HashSet<String> = valid
        .values()
        .filter_map(|a| match a {
            Answer::Photos(ids) => Some(ids.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let chosen = submit::kept_photos(&used);
    let envelope = submit::envelope_for(job_id, reservation_id, &valid, gig.lang);
    let key = submit::idempotency_key(&envelope);
    let slot = gig.slot();
    set_sending(gig, Sending::Uploading(0.0));
    let gig = gig.clone();
    wasm_bindgen_futures::spawn_local(async move {
        // Into the device's outbox first: whatever happens to this request, the gig is
        // sent later, exactly as now, until the server has it.
        let url = submit::submission_url(job_id, reservation_id);
        let queued = outbox::enqueue(&slot, &key, &url, &envelope, &chosen).await;
        if queued && !outbox::online() {
            set_sending(&gig, Sending::Queued);
            return;
        }
        let progress = gig.clone();
        let finished = gig.clone();
        let started = submit::send(
            &url,
            &envelope,
            &chosen,
            move |share| set_sending(&progress, Sending::Uploading(share)),
            move |status, body| {
                let gig = finished;
                match (status, serde_json::from_str::<Receipt>(&body)) {
                    (200, Ok(receipt)) => {
                        wasm_bindgen_futures::spawn_local(async move { outbox::settle(&slot, &key).await });
                        done(&gig, &receipt);
                    }
                    (0, _) if queued => set_sending(&gig, Sending::Queued),
                    (0, _) => {
                        let message = gig.text.no_network.clone();
                        set_sending(&gig, Sending::Failed(message))
                    }
                    // Worth trying again later: the outbox keeps it for the next chance.
                    (401 | 408 | 429 | 500.., _) => {
                        set_sending(&gig, Sending::Failed(refusal(&gig, status, &body)))
                    }
                    // The server's final word on this body: the gigger changes the answers.
                    _ => {
                        wasm_bindgen_futures::spawn_local(async move { outbox::settle(&slot, &key).await });
                        set_sending(&gig, Sending::Failed(refusal(&gig, status, &body)));
                    }
                }
            },
        );
        if let Err(message) = started {
            set_sending(&gig, if queued { Sending::Queued } else { Sending::Failed(message) });
        }
    });
}

/// What the outbox says about this gig, from this page or from the service worker.
fn on_news(gig: &Rc<Gig>, news: OutboxNews) {
    let now = gig.sending.borrow().clone();
    match news {
        OutboxNews::Queued if matches!(now, Sending::Idle | Sending::Resending) => {
            set_sending(gig, Sending::Queued)
        }
        OutboxNews::Sending if matches!(now, Sending::Idle | Sending::Queued | Sending::Failed(_)) => {
            set_sending(gig, Sending::Resending)
        }
        OutboxNews::Sent(body) if now != Sending::Done => {
            if let Ok(receipt) = serde_json::from_str::<Receipt>(&body) {
                done(gig, &receipt);
            }
        }
        OutboxNews::Refused(status, body) if !matches!(now, Sending::Done | Sending::Uploading(_)) => {
            set_sending(gig, Sending::Failed(refusal(gig, status, &body)))
        }
        _ => {}
    }
}

/// The server's refusal in the reader's words: its own message when it sent one.
fn refusal(gig: &Gig, status: u16, body: &str) -> String {
    let hindi = gig.lang == crate::forms::Lang::Hi;
    serde_json::from_str::<crate::error::AppError>(body).map(|e| e.text(hindi)).unwrap_or_else(|_| {
        let refused = &gig.text.refused;
        if status == 0 {
            refused.clone()
        } else {
            format!("{refused} ({status})")
        }
    })
}

/// Shows where the sending stands under the form, and keeps the button from sending
/// twice while an upload is under way.
fn set_sending(gig: &Gig, sending: Sending) {
    let Ok(Some(status)) = gig.root.query_selector(".send-status") else { return };
    let text = &gig.text;
    let shown = match &sending {
        Sending::Uploading(share) => {
            let percent = ((share * 100.0).round() as u32).min(100).to_string();
            element("div", &[("class", "progress"), ("data-testid", "upload-progress")], None).inspect(
                |bar| {
                    let meter = element("progress", &[("max", "100"), ("value", &percent)], None);
                    let words = element("span", &[], Some(&fill(&text.sending, PERCENT, &percent)));
                    for child in [meter, words].into_iter().flatten() {
                        let _ = bar.append_child(&child);
                    }
                },
            )
        }
        Sending::Queued => element(
            "p",
            &[("class", "queued"), ("role", "status"), ("data-testid", "send-queued")],
            Some(&text.queued),
        ),
        Sending::Resending => element(
            "p",
            &[("class", "queued"), ("role", "status"), ("data-testid", "send-resending")],
            Some(&text.resending),
        ),
        Sending::Failed(message) => element(
            "p",
            &[("class", "form-alert"), ("role", "alert"), ("data-testid", "send-error")],
            Some(message),
        ),
        Sending::Idle | Sending::Done => None,
    };
    status.set_text_content(None);
    if let Some(shown) = shown {
        let _ = status.append_child(&shown);
    }
    if let Ok(Some(button)) = gig.root.query_selector("form.gig-answers button[type=submit]") {
        set_disabled(&button, matches!(sending, Sending::Uploading(_) | Sending::Resending));
    }
    *gig.sending.borrow_mut() = sending;
}

/// The server has the gig: the draft goes, and the receipt takes the gig's place.
fn done(gig: &Gig, receipt: &Receipt) {
    if *gig.sending.borrow() == Sending::Done {
        return;
    }
    submit::forget(gig.props.job_id, gig.props.reservation_id);
    set_sending(gig, Sending::Done);
    let text = &gig.text;
    let number = format!("{}-{}", receipt.job_id, receipt.submission_id);
    let Some(section) = element(
        "section",
        &[
            ("class", "panel receipt"),
            ("role", "status"),
            ("data-submission-id", &receipt.submission_id.to_string()),
        ],
        None,
    ) else {
        return;
    };
    let children = [
        element("h1", &[], Some(&text.receipt_title)),
        element("p", &[], Some(&fill(&text.receipt_number, NUMBER, &number))),
        element(
            "p",
            &[("class", "muted")],
            Some(&fill(&text.receipt_received_at, TIME, &india_time(receipt.received_at))),
        ),
        element("p", &[], Some(&text.receipt_earn)),
        receipt.late.then(|| element("p", &[("class", "muted small")], Some(&text.receipt_late))).flatten(),
        element("a", &[("class", "button primary"), ("href", "/gigs")], Some(&text.receipt_another)),
        element("a", &[("class", "button"), ("href", "/gigs/mine")], Some(&text.my_gigs)),
    ];
    for child in children.into_iter().flatten() {
        let _ = section.append_child(&child);
    }
    if let Some(parent) = gig.root.parent_node() {
        let _ = parent.insert_before(&section, Some(&gig.root));
    }
    set_hidden(&gig.root, true);
}
