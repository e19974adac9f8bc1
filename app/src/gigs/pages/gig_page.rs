//! Doing a gig: the unit to visit, the time left, the job's form (rendered from the
//! form version the reservation holds, checked by the shared validator as the gigger
//! types), photos from the camera downscaled on the phone, and the submission with an
//! upload progress bar and an idempotency key. Answers are kept on the device as they
//! are typed and photos as they are taken, so a reload or a crash loses nothing; a gig
//! submitted without network waits in the device's outbox and is sent when it returns.

use super::{countdown_text, error_or_onboarding, india_time, live, use_lang, GiggerTabs};
use crate::forms::view::GigForm;
use crate::forms::Answers;
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
                        let release_problem = release_errors.general().get();
                        view! { <GigInProgress gig release_problem/> }.into_any()
                    }
                },
            })}
        </Suspense>
    }
}

/// The gig being done. Rendered here, on the server, in full; in the browser the gigger
/// bundle brings it to life without a framework ([`super::live`]: instant errors,
/// conditions, photos, location, the draft, the countdown, the outbox and the upload),
/// reading what it needs from the `data-gig` props. The gig form was the one gigger page
/// that hydrated a Leptos island, and its views made most of that bundle
/// (docs/decisions.md, "The gig form without a framework in the browser").
#[component]
fn GigInProgress(gig: ReservedGig, release_problem: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let i18n = use_i18n();
    let (job_id, reservation_id) = (gig.job_id, gig.reservation_id);
    let active = gig.status == "active";
    let seconds_left = (gig.deadline - gig.server_now).num_seconds();
    let props = live::GigProps { job_id, reservation_id, seconds_left, active, form: gig.form.clone() };
    // An attribute, which the renderer escapes (a `<script>` would need `</` escaped by hand).
    let props = serde_json::to_string(&props).unwrap_or_default();
    let countdown = if active && seconds_left > 0 {
        format!("{} {}", t_string!(i18n, gig.time_left), countdown_text(seconds_left))
    } else {
        t_string!(i18n, gig.time_up).to_string()
    };
    let title = gig.job_title.get(lang.get_untracked()).to_string();
    let maps =
        gig.unit_latitude.zip(gig.unit_longitude).map(|(lat, lng)| format!("geo:{lat},{lng}?q={lat},{lng}"));
    view! {
        <article class="panel gig" data-reservation-id=reservation_id data-gig=props>
            <h1>{title}</h1>
            <p class="pay">{gig.pay.to_string()}<span class="muted">{t!(i18n, gig.when_approved)}</span></p>
            <p class="countdown" role="timer" aria-live="off" data-testid="countdown"
                class:urgent=seconds_left < 300>
                {countdown}
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
            // The words the browser code shows, in the reader's language (live::GigText).
            <div class="gig-words" hidden>
                <span data-word="time_left">{t!(i18n, gig.time_left)}</span>
                <span data-word="time_up">{t!(i18n, gig.time_up)}</span>
                <span data-word="sending">{t!(i18n, gig.sending, percent = live::PERCENT)}</span>
                <span data-word="queued">{t!(i18n, gig.queued)}</span>
                <span data-word="resending">{t!(i18n, gig.resending)}</span>
                <span data-word="refused">{t!(i18n, gig.refused)}</span>
                <span data-word="no_network">{t!(i18n, gig.no_network)}</span>
                <span data-word="receipt_title">{t!(i18n, receipt.title)}</span>
                <span data-word="receipt_number">{t!(i18n, receipt.number, number = live::NUMBER)}</span>
                <span data-word="receipt_received_at">{t!(i18n, receipt.received_at, time = live::TIME)}</span>
                <span data-word="receipt_earn">{t!(i18n, receipt.earn, pay = gig.pay.to_string())}</span>
                <span data-word="receipt_late">{t!(i18n, receipt.late)}</span>
                <span data-word="receipt_another">{t!(i18n, receipt.another)}</span>
                <span data-word="my_gigs">{t!(i18n, tabs.my_gigs)}</span>
            </div>
            <form class="gig-answers" novalidate>
                <GigForm schema=gig.form.clone() answers=RwSignal::new(Answers::new()) lang show_all_errors=false/>
                <p class="field-error photo-problem" role="alert" hidden></p>
                // Where the browser says how the sending goes (live/sending.rs).
                <div class="send-status"></div>
                <button type="submit" class="primary">{t!(i18n, gig.submit)}</button>
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
