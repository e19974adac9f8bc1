//! A job's own page: where it stands, what stops it going live, what can be done to it,
//! and what changed. Customers and reviewers see it read-only.

use super::JobNav;
use crate::error::AppError;
use crate::jobs::api::{get_job, ChangeJobStatus, CreateJob, SaveJobAsTemplate};
use crate::jobs::{JobAction, JobDetail};
use crate::ui::{ErrorPanel, FieldError, FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The `:id` of a `/manage/jobs/:id/...` page.
pub fn use_job_id() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())))
}

/// Loads the job named by the route, again whenever `refresh` changes.
pub fn job_resource(
    refresh: impl Fn() -> usize + Send + Sync + 'static,
) -> Resource<Result<JobDetail, AppError>> {
    let job_id = use_job_id();
    Resource::new(
        move || (job_id.get(), refresh()),
        |(id, _)| async move {
            match id {
                Some(id) => get_job(id).await,
                None => Err(AppError::NotFound),
            }
        },
    )
}

#[component]
pub fn JobPage() -> impl IntoView {
    // Its forms sit inside the Transition: see `read_error_left_by_post`.
    crate::ui::read_error_left_by_post();
    let change = ServerAction::<ChangeJobStatus>::new();
    let save_template = ServerAction::<SaveJobAsTemplate>::new();
    let job = job_resource(move || change.version().get());
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || job.get().map(|result| match result {
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                Ok(job) => view! { <Overview job change save_template/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Overview(
    job: JobDetail,
    change: ServerAction<ChangeJobStatus>,
    save_template: ServerAction<SaveJobAsTemplate>,
) -> impl IntoView {
    let errors = FormErrors::new(change.value());
    let template_errors = FormErrors::new(save_template.value());
    let clone = ServerAction::<CreateJob>::new();
    let settings = &job.settings;
    let actions = if job.can_edit { JobAction::available(job.status, job.archived) } else { vec![] };
    let blocked = !job.checklist.is_empty();
    view! {
        <Title text=format!("{} · Gigforge", settings.title)/>
        <JobNav job_id=job.id title=settings.title.clone() current="overview" can_edit=job.can_edit/>
        <section class="panel">
            <div class="panel-head">
                <div>
                    <p class="muted">{job.organisation.clone()}</p>
                    <h1 data-testid="job-title">{settings.title.clone()}</h1>
                </div>
                <div>
                    <span class=format!("badge {}", job.status.code()) data-testid="job-status">{job.status.label()}</span>
                    {job.archived.then(|| view! { " "<span class="badge">"Archived"</span> })}
                </div>
            </div>
            <dl class="facts">
                <div><dt>"Pay per approved gig"</dt><dd>{settings.pay.to_string()}</dd></div>
                <div><dt>"Target"</dt><dd>{format!("{} approved gigs", settings.target_approved)}</dd></div>
                <div><dt>"Units"</dt><dd data-testid="units-summary">{format!("{} open of {} ({} gold)", job.units_open, job.units_total, job.units_gold)}</dd></div>
                <div><dt>"Form"</dt><dd>{format!("version {}, {} fields", job.form_version, job.form.fields.len())}</dd></div>
                <div><dt>"Training"</dt><dd>{job.training_title.clone().unwrap_or_else(|| "None required".into())}</dd></div>
                <div><dt>"Budget cap"</dt><dd>{settings.budget_cap.map(|cap| cap.to_string()).unwrap_or_else(|| "None".into())}</dd></div>
            </dl>
            <div class="description" inner_html=job.description_html.clone()></div>
        </section>
        {job.can_edit.then(|| view! {
            <section class="panel">
                <h2>"Publish checklist"</h2>
                {if blocked {
                    view! {
                        <p>"Fix these before the job can go live:"</p>
                        <ul class="checklist" data-testid="checklist">
                            {job.checklist.iter().map(|item| view! {
                                <li><a href=item.fix.clone()>{item.problem.clone()}</a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                } else {
                    view! { <p class="ok" data-testid="checklist-clear">"Nothing stops this job from going live."</p> }.into_any()
                }}
                <FormAlert message=errors.general()/>
                <div class="actions">
                    {actions.into_iter().map(|action| view! {
                        <ActionForm action=change>
                            <input type="hidden" name="job_id" value=job.id/>
                            <input type="hidden" name="version" value=job.version/>
                            <input type="hidden" name="action" value=action.code()/>
                            <button type="submit" data-testid=format!("job-{}", action.code())
                                class=if action == JobAction::Publish { "primary" } else { "" }
                                disabled=move || change.pending().get() || (action == JobAction::Publish && blocked)>
                                {match action {
                                    JobAction::Publish => "Publish",
                                    JobAction::Pause => "Pause",
                                    JobAction::Close => "Close",
                                    JobAction::Archive => "Archive",
                                    JobAction::Restore => "Restore",
                                }}
                            </button>
                        </ActionForm>
                    }).collect_view()}
                </div>
            </section>
            <section class="panel">
                <h2>"Reuse"</h2>
                <div class="actions">
                    <ActionForm action=clone>
                        <input type="hidden" name="organisation_id" value=job.organisation_id/>
                        <input type="hidden" name="start" value=format!("clone:{}", job.id)/>
                        <button type="submit" data-testid="clone-job">"Clone this job"</button>
                    </ActionForm>
                    <ActionForm action=save_template attr:class="inline-form">
                        <input type="hidden" name="job_id" value=job.id/>
                        <label for="template-name">"Template name"</label>
                        <input id="template-name" name="name" required value=job.settings.title.clone() aria-describedby="template-name-error"/>
                        <button type="submit">"Save as template"</button>
                        <FieldError id="template-name-error" message=template_errors.field("name")/>
                    </ActionForm>
                </div>
                {move || save_template.value().get().and_then(Result::ok).map(|_| view! {
                    <p class="notice" role="status">"Saved as a template: it is offered on the new-job page."</p>
                })}
            </section>
        })}
        <section class="panel">
            <h2>"Changes"</h2>
            <div class="table-scroll">
                <table data-testid="changes">
                    <thead><tr><th>"When (UTC)"</th><th>"Who"</th><th>"What"</th><th>"Details"</th></tr></thead>
                    <tbody>
                        {job.changes.into_iter().map(|change| view! {
                            <tr>
                                <td>{change.at.format("%Y-%m-%d %H:%M").to_string()}</td>
                                <td>{change.actor}</td>
                                <td>{change.action}</td>
                                <td class="detail">{change.detail}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
