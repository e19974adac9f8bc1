//! Job tables for managers, reviewers and customers (read-only for customers), with
//! filters that are a plain GET form: they work before (and without) the WASM.

use crate::jobs::api::list_jobs;
use crate::jobs::{JobStatus, JobSummary};
use crate::ui::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
fn JobsPage(title: &'static str, intro: &'static str, #[prop(optional)] can_create: bool) -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        query.with(|q| {
            (
                q.get("status").unwrap_or_default(),
                q.get("search").unwrap_or_default(),
                q.get("archived").is_some_and(|v| v == "on" || v == "true"),
            )
        })
    };
    let jobs = Resource::new(filters, |(status, search, archived)| list_jobs(status, search, archived));
    view! {
        <Title text=format!("{title} · Gigforge")/>
        <section class="panel">
            <div class="panel-head">
                <h1>{title}</h1>
                {can_create.then(|| view! {
                    <div class="actions">
                        <a class="button primary" href="/manage/jobs/new" data-testid="new-job">"New job"</a>
                    </div>
                })}
            </div>
            <p class="muted">{intro}</p>
            <form method="get" class="filters" role="search">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    <option value="" selected=move || filters().0.is_empty()>"Any"</option>
                    {[JobStatus::Draft, JobStatus::Live, JobStatus::Paused, JobStatus::Closed].into_iter().map(|status| view! {
                        <option value=status.code() selected=move || filters().0 == status.code()>{status.label()}</option>
                    }).collect_view()}
                </select>
                <label for="filter-search">"Search"</label>
                <input id="filter-search" name="search" type="search" placeholder="Title or customer"
                    prop:value=move || filters().1/>
                <label class="inline"><input type="checkbox" name="archived" prop:checked=move || filters().2/>" Archived"</label>
                <button type="submit">"Filter"</button>
            </form>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || jobs.get().map(|result| match result {
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    Ok(jobs) => view! { <JobTable jobs/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn JobTable(jobs: Vec<JobSummary>) -> impl IntoView {
    if jobs.is_empty() {
        return view! { <p>"No jobs match."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table>
                <thead><tr>
                    <th>"Job"</th><th>"Customer"</th><th>"Status"</th><th>"Pay per gig"</th>
                    <th>"Target (approved gigs)"</th><th>"Units left / total"</th>
                </tr></thead>
                <tbody>
                    {jobs.into_iter().map(|job| view! {
                        <tr data-job-id=job.id>
                            <td><a href=format!("/manage/jobs/{}", job.id)>{job.title}</a></td>
                            <td>{job.organisation}</td>
                            <td>
                                <span class=format!("badge {}", job.status.code())>{job.status.label()}</span>
                                {job.archived.then(|| view! { " "<span class="badge">"Archived"</span> })}
                            </td>
                            <td>{job.pay.to_string()}</td>
                            <td>{job.target_approved}</td>
                            <td>{format!("{} / {}", job.units_open, job.units_total)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn ManagerJobs() -> impl IntoView {
    view! { <JobsPage title="Jobs" intro="Jobs of the customers you work for, newest first." can_create=true/> }
}

#[component]
pub fn CustomerJobs() -> impl IntoView {
    view! { <JobsPage title="My jobs" intro="Your organisation's jobs and their progress."/> }
}
