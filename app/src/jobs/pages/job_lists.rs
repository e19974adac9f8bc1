//! Job tables for managers, reviewers and customers (read-only for customers).

use crate::jobs::api::list_jobs;
use crate::jobs::JobSummary;
use crate::ui::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn JobsPage(title: &'static str, intro: &'static str) -> impl IntoView {
    let jobs = Resource::new(|| (), |_| list_jobs(String::new(), String::new(), false));
    view! {
        <Title text=format!("{title} · Gigforge")/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || jobs.get().map(|result| match result {
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                Ok(jobs) => view! {
                    <section class="panel">
                        <h1>{title}</h1>
                        <p class="muted">{intro}</p>
                        <JobTable jobs/>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn JobTable(jobs: Vec<JobSummary>) -> impl IntoView {
    if jobs.is_empty() {
        return view! { <p>"No jobs yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table>
                <thead><tr>
                    <th>"Job"</th><th>"Customer"</th><th>"Status"</th><th>"Pay per gig"</th>
                    <th>"Target"</th><th>"Units open / total"</th>
                </tr></thead>
                <tbody>
                    {jobs.into_iter().map(|job| view! {
                        <tr data-job-id=job.id>
                            <td>{job.title}</td>
                            <td>{job.organisation}</td>
                            <td><span class=format!("badge {}", job.status.label().to_lowercase())>{job.status.label()}</span></td>
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
    view! { <JobsPage title="Jobs" intro="Every customer's jobs, newest first."/> }
}

#[component]
pub fn ReviewerHome() -> impl IntoView {
    view! {
        <JobsPage title="Review"
            intro="Jobs whose submissions you review. The review queue arrives with the pipeline (issue 5)."/>
    }
}

#[component]
pub fn CustomerJobs() -> impl IntoView {
    view! { <JobsPage title="My jobs" intro="Your organisation's jobs and their progress."/> }
}
