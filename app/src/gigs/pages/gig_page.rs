//! Doing a gig: the unit to visit, the time left, the job's form (rendered from the
//! form version the reservation holds, checked by the shared validator as the gigger
//! types), photos from the camera downscaled on the phone, and the submission with an
//! upload progress bar and an idempotency key. Answers are kept on the device as they
//! are typed, so a reload or a crash loses nothing typed.

use super::india_time;
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
    let i18n = use_i18n();
    view! {
        <Title text="Your gig · Gigforge"/>
        <GiggerTabs current="mine"/>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || gig.get().map(|result| match result {
                Err(error) => error_or_onboarding(error),
                Ok(gig) => match gig.receipt.clone() {
                    Some(receipt) => view! { <ReceiptView receipt/> }.into_any(),
                    None => view! { <GigView gig/> }.into_any(),
                },
            })}
        </Suspense>
    }
}

/// Where the upload stands.
#[derive(Debug, Clone, PartialEq)]
enum Sending {
    Idle,
    Uploading(f64),
    Failed(String),
    Done(Receipt),
}

#[component]
fn GigView(gig: ReservedGig) -> impl IntoView {
    let lang = use_lang();
    let i18n = use_i18n();
    let (job_id, reservation_id) = (gig.job_id, gig.reservation_id);
    let answers = RwSignal::new(Answers::new());
    let show_all_errors = RwSignal::new(false);
    let sending = RwSignal::new(Sending::Idle);
    let release = ServerAction::<ReleaseGig>::new();
    let release_errors = FormErrors::new(release.value());
    let schema = StoredValue::new(gig.form.clone());
    let active = gig.status == "active";

    // Time left, from the server's clock (a phone's clock may be wrong).
    let seconds_left = RwSignal::new((gig.deadline - gig.server_now).num_seconds());
    let photo_problem = RwSignal::new(None::<String>);

    #[cfg(feature = "hydrate")]
    {
        use crate::forms::view::PhotoSink;
        // Restore what was typed on this device (photos are kept only until a reload).
        if let Some(mut saved) = submit::load_draft(job_id, reservation_id) {
            saved.retain(|_, answer| !matches!(answer, Answer::Photos(_)));
            answers.set(saved);
        }
        Effect::new(move |_| answers.with(|a| submit::save_draft(job_id, reservation_id, a)));
        let started = js_sys::Date::now();
        let initial = seconds_left.get_untracked();
        let _ = set_interval_with_handle(
            move || seconds_left.set(initial - ((js_sys::Date::now() - started) / 1000.0) as i64),
            std::time::Duration::from_secs(1),
        );
        let sink = move |_field: String, input: web_sys::HtmlInputElement, set: Callback<Option<Answer>>| {
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
                            let id = submit::random_uuid();
                            submit::keep_photo(submit::KeptPhoto { id: id.clone(), jpeg, original_head });
                            ids.push(id);
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
        if matches!(sending.get_untracked(), Sending::Uploading(_) | Sending::Done(_)) {
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
        sending.set(Sending::Uploading(0.0));
        let started = submit::send(
            job_id,
            reservation_id,
            &envelope,
            &chosen,
            move |share| sending.set(Sending::Uploading(share)),
            move |status, body| match (status, serde_json::from_str::<Receipt>(&body)) {
                (200, Ok(receipt)) => {
                    submit::forget(job_id, reservation_id);
                    sending.set(Sending::Done(receipt));
                }
                (0, _) => sending.set(Sending::Failed(t_string!(i18n, gig.no_network).to_string())),
                _ => {
                    let message = serde_json::from_str::<crate::error::AppError>(&body)
                        .map(|e| e.to_string())
                        .unwrap_or_else(|_| format!("{} ({status})", t_string!(i18n, gig.refused)));
                    sending.set(Sending::Failed(message));
                }
            },
        );
        if let Err(message) = started {
            sending.set(Sending::Failed(message));
        }
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
                    Sending::Failed(message) => Some(view! { <p class="form-alert" role="alert" data-testid="send-error">{message}</p> }.into_any()),
                    _ => None,
                }}
                <button type="submit" class="primary" disabled=move || matches!(sending.get(), Sending::Uploading(_))>
                    {t!(i18n, gig.submit)}
                </button>
            </form>
            {active.then(|| view! {
                <FormAlert message=release_errors.general()/>
                <ActionForm action=release attr:class="release">
                    <input type="hidden" name="job_id" value=job_id/>
                    <input type="hidden" name="reservation_id" value=reservation_id/>
                    <button type="submit" class="link-button">{t!(i18n, gig.give_back)}</button>
                </ActionForm>
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
