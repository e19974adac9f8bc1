//! "My gigs": the gigs held now (with their deadlines), the history of submissions with
//! their status and any reason for a rejection, and earnings by state.

use super::{error_or_onboarding, india_date_time, use_lang, GiggerTabs};
use crate::gigs::api::load_my_gigs;
use crate::gigs::{MyGig, MyGigs, SubmissionStatus};
use crate::i18n::*;
use crate::money::Paise;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MyGigsPage() -> impl IntoView {
    let query = use_query_map();
    let before = move || {
        query.with(|q| {
            let at = q.get("before_at").and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok());
            let id = q.get("before_id").and_then(|t| t.parse::<i64>().ok());
            (at, id)
        })
    };
    let gigs = Resource::new(before, |(at, id)| load_my_gigs(at, id));
    let i18n = use_i18n();
    view! {
        <Title text="My gigs · Gigforge"/>
        <GiggerTabs current="mine"/>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || gigs.get().map(|result| match result {
                Err(error) => error_or_onboarding(error),
                Ok(gigs) => view! { <MyGigsView gigs/> }.into_any(),
            })}
        </Suspense>
    }
}

fn status_label(i18n: leptos_i18n::I18nContext<Locale>, status: SubmissionStatus) -> &'static str {
    match status {
        SubmissionStatus::Received => t_string!(i18n, mine.received),
        SubmissionStatus::InReview => t_string!(i18n, mine.in_review),
        SubmissionStatus::Approved => t_string!(i18n, mine.approved),
        SubmissionStatus::Rejected => t_string!(i18n, mine.rejected),
    }
}

#[component]
fn MyGigsView(gigs: MyGigs) -> impl IntoView {
    let lang = use_lang();
    let i18n = use_i18n();
    view! {
        <section class="my-gigs">
            <h1>{t!(i18n, mine.title)}</h1>
            <dl class="earnings" aria-label=move || t_string!(i18n, mine.earnings)>
                <div><dt>{t!(i18n, mine.pending)}</dt><dd data-testid="earnings-pending">{Paise(gigs.earnings.pending).to_string()}</dd></div>
                <div><dt>{t!(i18n, mine.approved)}</dt><dd data-testid="earnings-approved">{Paise(gigs.earnings.approved).to_string()}</dd></div>
                <div><dt>{t!(i18n, mine.paying)}</dt><dd data-testid="earnings-paying">{Paise(gigs.earnings.paying).to_string()}</dd></div>
                <div><dt>{t!(i18n, mine.paid)}</dt><dd data-testid="earnings-paid">{Paise(gigs.earnings.paid).to_string()}</dd></div>
                {(gigs.earnings.failed > 0).then(|| view! {
                    <div><dt>{t!(i18n, mine.failed)}</dt><dd data-testid="earnings-failed">{Paise(gigs.earnings.failed).to_string()}</dd></div>
                })}
            </dl>
            {(!gigs.active.is_empty()).then(|| view! {
                <h2>{t!(i18n, mine.in_progress)}</h2>
                <ul class="cards">
                    {gigs.active.into_iter().map(|gig| {
                        let title = gig.job_title.clone();
                        view! {
                            <li class="card">
                                <a class="card-link" href=format!("/gigs/{}/do/{}", gig.job_id, gig.reservation_id)>
                                    <h3>{move || title.get(lang.get()).to_string()}</h3>
                                    <p>{gig.unit_title.clone()}</p>
                                    <p class="muted">{t!(i18n, mine.submit_by, time = india_date_time(gig.deadline))}</p>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <h2>{t!(i18n, mine.submitted)}</h2>
            {gigs.submitted.is_empty().then(|| view! { <p class="muted">{t!(i18n, mine.nothing)}</p> })}
            <ul class="history">
                {gigs.submitted.into_iter().map(|gig| view! { <HistoryItem gig/> }).collect_view()}
            </ul>
            {gigs.next.map(|(at, id)| view! {
                <a class="button" rel="next" href=format!("/gigs/mine?before_at={}&before_id={id}", at.to_rfc3339().replace('+', "%2B"))>{t!(i18n, mine.older)}</a>
            })}
        </section>
    }
}

#[component]
fn HistoryItem(gig: MyGig) -> impl IntoView {
    let lang = use_lang();
    let i18n = use_i18n();
    let title = gig.job_title.clone();
    let status = gig.status;
    view! {
        <li class="history-item" data-submission-id=gig.submission_id data-status=status.code()>
            <div>
                <strong>{move || title.get(lang.get()).to_string()}</strong>
                <span class="muted">" · "{gig.unit_title.clone()}</span>
            </div>
            <div class="muted small">{india_date_time(gig.received_at)}" · "{gig.pay.to_string()}</div>
            <span class=format!("status status-{}", status.code())>{move || status_label(i18n, status)}</span>
            {gig.reject_reason.map(|reason| view! { <p class="reason">{reason}</p> })}
        </li>
    }
}
