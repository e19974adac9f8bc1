//! Doing a gig: the unit to visit, the time left, the job's form (rendered from the
//! form version the reservation holds, checked by the shared validator as the gigger
//! types), photos from the camera downscaled on the phone, and the submission with an
//! upload progress bar and an idempotency key. Answers are kept on the device as they
//! are typed and photos as they are taken, so a reload or a crash loses nothing; a gig
//! submitted without network waits in the device's outbox and is sent when it returns.

use super::india_time;
use super::outbox;
#[cfg(feature = "hydrate")]
use super::outbox::OutboxNews;
use super::{countdown_text, error_or_onboarding, submit, use_lang, GiggerTabs};
use crate::forms::view::GigForm;
use crate::forms::{Answer, Answers};
use crate::gigs::api::{load_reserved_gig, ReleaseGig};
use crate::gigs::{Receipt, ReservedGig};
use crate::i18n::*;
use crate::ui::{FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

#[component]
pub fn GigPage() -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        params.with(|p| {
            let id = |name: &str| p.get(name).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
            (id("job_id"), id("reservation_id"))
        })
    };
    let gig = Resource::new(ids, |(job_id, reservation_id)| load_reserved_gig(job_id, reservation_id));
    // "Give back" posts without the WASM; a refusal comes back to this page.
    let release_errors = FormErrors::left_by_post();
    let i18n = use_i18n();
    view! {
        <Title text="Your gig · Gigforge"/>
        <GiggerTabs current="mine"/>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || gig.get().map(|result| match result {
                Err(error) => error_or_onboarding(error),
                Ok(gig) => match gig.receipt.clone() {
                    Some(receipt) => view! { <ReceiptView receipt/> }.into_any(),
                    None => {
                        let gig_json = serde_json::to_string(&gig).unwrap_or_default();
                        let release_problem = release_errors.general().get();
                        view! { <GigView gig_json release_problem/> }.into_any()
                    }
                },
            })}
        </Suspense>
    }
}

/// Where the upload stands.
#[derive(Debug, Clone, PartialEq)]
enum Sending {
    Idle,
    /// This page is uploading (share sent, 0–1).
    Uploading(f64),
    /// In the device's outbox, waiting for the network.
    Queued,
    /// The outbox is sending it (after the network came back).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // set by outbox news, in the browser
    Resending,
    Failed(String),
    Done(Receipt),
}

/// The server's refusal in words (in Hindi if `hindi` and it has them): its own message
/// when it sent one.
fn refusal_message(status: u16, body: &str, refused: &str, hindi: bool) -> String {
    serde_json::from_str::<crate::error::AppError>(body).map(|e| e.text(hindi)).unwrap_or_else(|_| {
        if status == 0 {
            refused.to_string()
        } else {
            format!("{refused} ({status})")
        }
    })
}

/// The gig being done: an island (ui/island.rs), the only part of this page that runs in
/// the browser. The gig comes as its JSON text: the island's props travel in the page as
/// JSON and Leptos serializes them again when the island starts, which for a string is a
/// copy, not a second pass over the whole form (nor its code in the WASM).
#[cfg(any(feature = "ssr", feature = "gig-form"))]
#[island]
fn GigView(gig_json: String, release_problem: Option<String>) -> impl IntoView {
    crate::ui::island::enter();
    match serde_json::from_str::<ReservedGig>(&gig_json) {
        Ok(gig) => view! { <GigInProgress gig release_problem/> }.into_any(),
        Err(_) => {
            let i18n = use_i18n();
            view! { <p class="form-alert" role="alert">{t!(i18n, gig.refused)}</p> }.into_any()
        }
    }
}

/// In the light bundle (no `gig-form` feature, ui/bundle.rs) the gig page is never
/// hydrated: the server sends it with the gigger bundle. This stand-in keeps the page
/// compiling there, and is never linked.
#[cfg(not(any(feature = "ssr", feature = "gig-form")))]
#[component]
fn GigView(gig_json: String, release_problem: Option<String>) -> impl IntoView {
    let _ = (gig_json, release_problem);
}

#[component]
fn GigInProgress(gig: ReservedGig, release_problem: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let i18n = use_i18n();
    let hindi = crate::ui::reads_hindi();
    let (job_id, reservation_id) = (gig.job_id, gig.reservation_id);
    let answers = RwSignal::new(Answers::new());
    let show_all_errors = RwSignal::new(false);
    let sending = RwSignal::new(Sending::Idle);
    let schema = StoredValue::new(gig.form.clone());
    let active = gig.status == "active";

    // Time left, from the server's clock (a phone's clock may be wrong).
    let seconds_left = RwSignal::new((gig.deadline - gig.server_now).num_seconds());
    let photo_problem = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    {
        use crate::forms::view::PhotoSink;
        let slot = outbox::gig_slot(job_id, reservation_id);

        // What the outbox says about this gig, from here or from the service worker.
        let on_news = move |news: OutboxNews| {
            let Some(now) = sending.try_get_untracked() else { return };
            match news {
                OutboxNews::Queued if matches!(now, Sending::Idle | Sending::Resending) => {
                    sending.set(Sending::Queued)
                }
                OutboxNews::Sending
                    if matches!(now, Sending::Idle | Sending::Queued | Sending::Failed(_)) =>
                {
                    sending.set(Sending::Resending)
                }
                OutboxNews::Sent(body) if !matches!(now, Sending::Done(_)) => {
                    if let Ok(receipt) = serde_json::from_str::<Receipt>(&body) {
                        submit::forget(job_id, reservation_id);
                        sending.set(Sending::Done(receipt));
                    }
                }
                OutboxNews::Refused(status, body)
                    if !matches!(now, Sending::Done(_) | Sending::Uploading(_)) =>
                {
                    sending.set(Sending::Failed(refusal_message(
                        status,
                        &body,
                        t_string!(i18n, gig.refused),
                        hindi.get_untracked(),
                    )))
                }
                _ => {}
            }
        };

        // Restore what was typed on this device at once, and the photo answers once their
        // photos are read back from the outbox. Nothing is saved until then, so a draft
        // restored halfway never overwrites the whole one.
        let saved = submit::load_draft(job_id, reservation_id).unwrap_or_default();
        let restored = RwSignal::new(false);
        answers.set(
            saved
                .iter()
                .filter(|(_, a)| !matches!(a, Answer::Photos(_)))
                .map(|(k, a)| (k.clone(), a.clone()))
                .collect(),
        );
        let restoring = slot.clone();
        leptos::task::spawn_local(async move {
            let photos = outbox::photos_of(&restoring).await;
            let found: std::collections::HashSet<String> = photos.iter().map(|p| p.id.clone()).collect();
            photos.into_iter().for_each(submit::keep_photo);
            answers.update(|answers| {
                for (key, answer) in saved {
                    let Answer::Photos(ids) = answer else { continue };
                    let ids: Vec<String> = ids.into_iter().filter(|id| found.contains(id)).collect();
                    if !ids.is_empty() && !answers.contains_key(&key) {
                        answers.insert(key, Answer::Photos(ids));
                    }
                }
            });
            restored.set(true);
            if let Some(news) = outbox::news_of(&restoring).await {
                on_news(news);
            }
            outbox::drain_soon();
        });
        Effect::new(move |_| {
            if restored.get() {
                answers.with(|a| submit::save_draft(job_id, reservation_id, a));
            }
        });
        if let Some(channel) = outbox::listen(slot.clone(), on_news) {
            let channel = StoredValue::new_local(channel);
            on_cleanup(move || {
                channel.try_with_value(|channel| channel.close());
            });
        }
        let started = js_sys::Date::now();
        let initial = seconds_left.get_untracked();
        // Each second the countdown; every 15 s, a queued gig is tried again (the network
        // may be back without the browser noticing).
        let ticks = std::cell::Cell::new(0u32);
        let ticking = set_interval_with_handle(
            move || {
                seconds_left.set(initial - ((js_sys::Date::now() - started) / 1000.0) as i64);
                ticks.set(ticks.get() + 1);
                if ticks.get().is_multiple_of(15) && sending.try_get_untracked() == Some(Sending::Queued) {
                    outbox::drain_soon();
                }
            },
            std::time::Duration::from_secs(1),
        );
        if let Ok(ticking) = ticking {
            on_cleanup(move || ticking.clear());
        }
        let photo_slot = StoredValue::new(slot.clone());
        let sink = move |_field: String, input: web_sys::HtmlInputElement, set: Callback<Option<Answer>>| {
            let slot = photo_slot.get_value();
            let files: Vec<web_sys::File> = input
                .files()
                .map(|files| (0..files.length()).filter_map(|i| files.get(i)).collect())
                .unwrap_or_default();
            photo_problem.set(None);
            leptos::task::spawn_local(async move {
                let mut ids = Vec::new();
                for file in files {
                    let original_head = file.slice_with_i32_and_i32(0, submit::ORIGINAL_HEAD_BYTES).ok();
                    match crate::photos::browser::downscale_to_jpeg(file, crate::photos::MAX_SIDE_PX, 0.85)
                        .await
                    {
                        Ok(jpeg) => {
                            let photo = submit::KeptPhoto { id: submit::random_uuid(), jpeg, original_head };
                            outbox::keep_photo(&slot, &photo).await;
                            ids.push(photo.id.clone());
                            submit::keep_photo(photo);
                        }
                        Err(message) => photo_problem.set(Some(message)),
                    }
                }
                set.run((!ids.is_empty()).then_some(Answer::Photos(ids)));
            });
        };
        provide_context(PhotoSink(StoredValue::new_local(Box::new(sink))));
    }

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        show_all_errors.set(true);
        let valid = answers.with(|a| schema.with_value(|s| s.validate(a)));
        let Ok(valid) = valid else { return };
        if matches!(sending.get_untracked(), Sending::Uploading(_) | Sending::Resending | Sending::Done(_)) {
            return;
        }
        let used: std::collections::HashSet<String> = valid
            .values()
            .filter_map(|a| match a {
                Answer::Photos(ids) => Some(ids.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        let chosen = submit::kept_photos(&used);
        let envelope = submit::envelope_for(job_id, reservation_id, &valid, lang.get_untracked());
        let key = submit::idempotency_key(&envelope);
        let slot = outbox::gig_slot(job_id, reservation_id);
        sending.set(Sending::Uploading(0.0));
        leptos::task::spawn_local(async move {
            // Into the device's outbox first: whatever happens to this request, the gig
            // is sent later, exactly as now, until the server has it.
            let url = submit::submission_url(job_id, reservation_id);
            let queued = outbox::enqueue(&slot, &key, &url, &envelope, &chosen).await;
            if queued && !outbox::online() {
                sending.set(Sending::Queued);
                return;
            }
            let refused = t_string!(i18n, gig.refused).to_string();
            let no_network = t_string!(i18n, gig.no_network).to_string();
            let started = submit::send(
                &url,
                &envelope,
                &chosen,
                move |share| sending.set(Sending::Uploading(share)),
                move |status, body| match (status, serde_json::from_str::<Receipt>(&body)) {
                    (200, Ok(receipt)) => {
                        leptos::task::spawn_local(async move { outbox::settle(&slot, &key).await });
                        submit::forget(job_id, reservation_id);
                        sending.set(Sending::Done(receipt));
                    }
                    (0, _) if queued => sending.set(Sending::Queued),
                    (0, _) => sending.set(Sending::Failed(no_network)),
                    // Worth trying again later: the outbox keeps it for the next chance.
                    (401 | 408 | 429 | 500.., _) => sending.set(Sending::Failed(refusal_message(
                        status,
                        &body,
                        &refused,
                        hindi.get_untracked(),
                    ))),
                    // The server's final word on this body: the gigger changes the answers.
                    _ => {
                        leptos::task::spawn_local(async move { outbox::settle(&slot, &key).await });
                        sending.set(Sending::Failed(refusal_message(
                            status,
                            &body,
                            &refused,
                            hindi.get_untracked(),
                        )));
                    }
                },
            );
            if let Err(message) = started {
                sending.set(if queued { Sending::Queued } else { Sending::Failed(message) });
            }
        });
    };

    let title = gig.job_title.clone();
    let maps =
        gig.unit_latitude.zip(gig.unit_longitude).map(|(lat, lng)| format!("geo:{lat},{lng}?q={lat},{lng}"));
    view! {
        {move || match sending.get() {
            Sending::Done(receipt) => Some(view! { <ReceiptView receipt/> }),
            _ => None,
        }}
        <article class="panel gig" hidden=move || matches!(sending.get(), Sending::Done(_))
            data-reservation-id=reservation_id>
            <h1>{move || title.get(lang.get()).to_string()}</h1>
            <p class="pay">{gig.pay.to_string()}<span class="muted">{t!(i18n, gig.when_approved)}</span></p>
            <p class="countdown" role="timer" aria-live="off" data-testid="countdown"
                class:urgent=move || seconds_left.get() < 300>
                {move || if active && seconds_left.get() > 0 {
                    format!("{} {}", t_string!(i18n, gig.time_left), countdown_text(seconds_left.get()))
                } else {
                    t_string!(i18n, gig.time_up).to_string()
                }}
            </p>
            <section class="unit">
                <h2>{gig.unit_title.clone()}</h2>
                {gig.unit_address.clone().map(|address| view! { <p>{address}</p> })}
                {maps.map(|href| view! { <a class="button secondary" href=href>{t!(i18n, gig.open_maps)}</a> })}
                {gig.unit_context.iter().find(|(k, v)| k == "image_url" && is_safe_link(v)).map(|(_, url)| view! {
                    <img class="unit-image" src=url.clone() alt=move || t_string!(i18n, gig.unit_photo)/>
                })}
                {(!gig.unit_context.is_empty()).then(|| view! {
                    <dl class="context">
                        {gig.unit_context.iter().filter(|(k, _)| k != "image_url").map(|(k, v)| view! {
                            <dt>{k.clone()}</dt><dd>{v.clone()}</dd>
                        }).collect_view()}
                    </dl>
                })}
            </section>
            <form class="gig-answers" on:submit=on_submit novalidate>
                <GigForm schema=gig.form.clone() answers lang show_all_errors/>
                <p class="field-error" role="alert" hidden=move || photo_problem.get().is_none()>
                    {move || photo_problem.get().unwrap_or_default()}
                </p>
                {move || match sending.get() {
                    Sending::Uploading(share) => Some(view! {
                        <div class="progress" data-testid="upload-progress">
                            <progress max="100" value=(share * 100.0).round()></progress>
                            <span>{t!(i18n, gig.sending, percent = format!("{:.0}", share * 100.0))}</span>
                        </div>
                    }.into_any()),
                    Sending::Queued => Some(view! {
                        <p class="queued" role="status" data-testid="send-queued">{t!(i18n, gig.queued)}</p>
                    }.into_any()),
                    Sending::Resending => Some(view! {
                        <p class="queued" role="status" data-testid="send-resending">{t!(i18n, gig.resending)}</p>
                    }.into_any()),
                    Sending::Failed(message) => Some(view! { <p class="form-alert" role="alert" data-testid="send-error">{message}</p> }.into_any()),
                    _ => None,
                }}
                <button type="submit" class="primary" disabled=move || matches!(sending.get(), Sending::Uploading(_) | Sending::Resending)>
                    {t!(i18n, gig.submit)}
                </button>
            </form>
            {active.then(|| view! {
                <FormAlert message=Signal::stored(release_problem)/>
                // A plain form: the server function sends the gigger back to the job.
                <form method="post" action=ReleaseGig::PATH class="release">
                    <input type="hidden" name="job_id" value=job_id/>
                    <input type="hidden" name="reservation_id" value=reservation_id/>
                    <button type="submit" class="link-button">{t!(i18n, gig.give_back)}</button>
                </form>
            })}
        </article>
    }
}

/// Unit images come from a manager's CSV: only https links and this site's own paths.
fn is_safe_link(url: &str) -> bool {
    url.starts_with("https://") || (url.starts_with('/') && !url.starts_with("//"))
}

#[component]
fn ReceiptView(receipt: Receipt) -> impl IntoView {
    let i18n = use_i18n();
    let number = format!("{}-{}", receipt.job_id, receipt.submission_id);
    view! {
        <section class="panel receipt" role="status" data-submission-id=receipt.submission_id>
            <h1>{t!(i18n, receipt.title)}</h1>
            <p>{t!(i18n, receipt.number, number)}</p>
            <p class="muted">{t!(i18n, receipt.received_at, time = india_time(receipt.received_at))}</p>
            <p>{t!(i18n, receipt.earn, pay = receipt.pay.to_string())}</p>
            {receipt.late.then(|| view! { <p class="muted small">{t!(i18n, receipt.late)}</p> })}
            <a class="button primary" href="/gigs">{t!(i18n, receipt.another)}</a>
            <a class="button" href="/gigs/mine">{t!(i18n, tabs.my_gigs)}</a>
        </section>
    }
}
