//! A job as the gigger sees it: what it is, what it pays, its rules, and the one next
//! step open to them (start the training, wait for the quiz cooldown, get a gig, or
//! continue the gig they hold).

use super::india_time;
use super::{error_or_onboarding, use_lang, GiggerTabs};
use crate::forms::Lang;
use crate::gigs::api::{load_gig_job, ReserveGig};
use crate::gigs::{format_distance, GigJob, TrainingNeed};
use crate::i18n::*;
use crate::ui::{FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn GigJobPage() -> impl IntoView {
    let params = use_params_map();
    let job_id = move || params.with(|p| p.get("job_id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let job = Resource::new(job_id, load_gig_job);
    crate::ui::read_error_left_by_post();
    let i18n = use_i18n();
    view! {
        <Title text="Gig · Gigforge"/>
        <GiggerTabs current="feed"/>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || job.get().map(|result| match result {
                Err(error) => error_or_onboarding(error),
                Ok(job) => view! { <JobView job/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn JobView(job: GigJob) -> impl IntoView {
    let lang = use_lang();
    let i18n = use_i18n();
    let reserve = ServerAction::<ReserveGig>::new();
    let errors = FormErrors::new(reserve.value());
    let title = job.title.clone();
    let description = job.description_html.clone();
    let next_step = match (&job.reservation, &job.training, &job.blocked) {
        (Some(held), _, _) => view! {
            <a class="button primary" href=format!("/gigs/{}/do/{}", held.job_id, held.reservation_id)>
                {t!(i18n, job.continue_gig)}
            </a>
            <p class="muted small">{t!(i18n, job.hold_ends, time = india_time(held.deadline))}</p>
        }
        .into_any(),
        (None, TrainingNeed::Exhausted { .. }, _) => view! {
            <p class="notice">{t!(i18n, job.exhausted)}</p>
        }
        .into_any(),
        (None, TrainingNeed::Required { training_id, title, attempts_left, retry_after }, _) => {
            let wait = *retry_after;
            let attempts_left = *attempts_left;
            view! {
                <p>{t!(i18n, job.needs_training)}<strong>{title.clone()}</strong></p>
                {match wait {
                    Some(at) => view! {
                        <p class="notice">{t!(i18n, job.retry_after, time = india_time(at))}</p>
                        <a class="button" href=format!("/gigs/training/{training_id}?job={}", job.job_id)>{t!(i18n, job.read_again)}</a>
                    }.into_any(),
                    None => view! {
                        <a class="button primary" href=format!("/gigs/training/{training_id}?job={}", job.job_id)>{t!(i18n, job.start_training)}</a>
                    }.into_any(),
                }}
                <p class="muted small">{t!(i18n, job.attempts_left, count = attempts_left)}</p>
            }
            .into_any()
        }
        (None, _, Some(reason)) => {
            let reason = reason.clone();
            view! { <p class="notice">{move || reason.in_hindi_if(lang.get() == Lang::Hi).to_string()}</p> }.into_any()
        }
        (None, _, None) => view! {
            <FormAlert message=errors.general()/>
            <ActionForm action=reserve>
                <input type="hidden" name="job_id" value=job.job_id/>
                <button type="submit" class="primary" disabled=move || reserve.pending().get()>
                    {move || if reserve.pending().get() { t_string!(i18n, job.getting) } else { t_string!(i18n, job.get) }}
                </button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <article class="panel gig-job" data-job-id=job.job_id>
            <h1>{move || title.get(lang.get()).to_string()}</h1>
            <p class="muted">{job.organisation.clone()}</p>
            <p class="pay big">{job.pay.to_string()}<span class="muted">{t!(i18n, feed.per_gig)}</span></p>
            <ul class="facts">
                <li>{t!(i18n, job.about_minutes, minutes = job.expected_minutes)}</li>
                <li>{t!(i18n, job.gigs_left, count = job.gigs_left)}</li>
                {job.distance_m.map(|m| view! { <li>{t!(i18n, job.nearest, distance = format_distance(m))}</li> })}
                <li>{t!(i18n, job.time_to_do, minutes = job.reservation_minutes)}</li>
                {job.daily_cap.map(|count| view! { <li>{t!(i18n, job.daily_cap, count)}</li> })}
                {job.max_distance_m.map(|m| view! { <li>{t!(i18n, job.within, distance = format_distance(m))}</li> })}
                {matches!(job.training, TrainingNeed::Certified).then(|| view! { <li class="ok">{t!(i18n, job.passed)}</li> })}
            </ul>
            <div class="next-step">{next_step}</div>
            <div class="description" inner_html=move || description.get(lang.get()).to_string()></div>
        </article>
    }
}
