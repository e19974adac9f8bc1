//! The job's settings: one form, posted whole. Works without JavaScript; with it, errors
//! appear beside their fields without a reload.

use super::job_page::job_resource;
use super::JobNav;
use crate::jobs::api::SaveJobSettings;
use crate::jobs::settings::{Category, JobSettingsForm};
use crate::jobs::JobDetail;
use crate::pipeline::qc::{CheckCode, OnFail};
use crate::training::api::list_trainings;
use crate::ui::{textarea_html, ErrorPanel, FieldError, FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn JobSettingsPage() -> impl IntoView {
    // Its forms sit inside the Transition: see `read_error_left_by_post`.
    crate::ui::read_error_left_by_post();
    let save = ServerAction::<SaveJobSettings>::new();
    let job = job_resource(move || save.version().get());
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || job.get().map(|result| match result {
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                Ok(job) => view! { <SettingsForm job save/> }.into_any(),
            })}
        </Transition>
    }
}

/// A labelled input named `settings[name]`, with its error below.
#[component]
fn Input(
    name: &'static str,
    label: &'static str,
    value: String,
    errors: FormErrors,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    view! {
        <div>
            <label for=name>{label}</label>
            <input id=name name=format!("settings[{name}]") type=kind value=value required=required
                step=(kind == "number").then_some("any") aria-describedby=error_id.clone()/>
            {(!hint.is_empty()).then(|| view! { <p class="hint muted">{hint}</p> })}
            <FieldError id=error_id message=errors.field(name)/>
        </div>
    }
}

#[component]
fn SettingsForm(job: JobDetail, save: ServerAction<SaveJobSettings>) -> impl IntoView {
    let errors = FormErrors::new(save.value());
    let form = JobSettingsForm::from_settings(&job.settings);
    let trainings = Resource::new(|| (), |_| list_trainings());
    let selected_training = form.training_id.clone();
    let selected_geography = form.geography_kind.clone();
    let selected_units_mode = form.units_mode.clone();
    view! {
        <Title text=format!("Settings · {} · Gigforge", job.settings.title)/>
        <JobNav job_id=job.id title=job.settings.title.clone() current="settings" can_edit=job.can_edit/>
        <section class="panel">
            <h1>"Settings"</h1>
            {move || save.value().get().and_then(Result::ok).map(|_| view! {
                <p class="notice" role="status" data-testid="settings-saved">"Saved."</p>
            })}
            <FormAlert message=errors.general()/>
            <ActionForm action=save attr:class="grid-form settings-form">
                <input type="hidden" name="job_id" value=job.id/>
                <input type="hidden" name="version" value=job.version/>
                <h2 class="span-all">"What"</h2>
                <Input name="title" label="Title" value=form.title errors required=true/>
                <Input name="title_hi" label="Title in Hindi (optional)" value=form.title_hi errors/>
                <div class="span-all">
                    <label for="description">"Description (Markdown)"</label>
                    <textarea id="description" name="settings[description]" rows="5" inner_html=textarea_html(&form.description)></textarea>
                    <FieldError id="description-error" message=errors.field("description")/>
                </div>
                <div class="span-all">
                    <label for="description_hi">"Description in Hindi (optional)"</label>
                    <textarea id="description_hi" name="settings[description_hi]" rows="3" inner_html=textarea_html(&form.description_hi)></textarea>
                </div>
                <div>
                    <label for="category">"Category"</label>
                    <select id="category" name="settings[category]">
                        {Category::ALL.into_iter().map(|category| view! {
                            <option value=category.code() selected=form.category == category.code()>{category.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <h2 class="span-all">"Pay and volume"</h2>
                <Input name="pay_rupees" label="Pay per approved gig (₹)" value=form.pay_rupees errors required=true hint="Rupees, up to two decimals: 45 or 45.50"/>
                <Input name="budget_cap_rupees" label="Budget cap (₹, optional)" value=form.budget_cap_rupees errors/>
                <Input name="target_approved" label="Target approved gigs" value=form.target_approved errors kind="number" required=true/>
                <Input name="overlap" label="Submissions wanted per unit" value=form.overlap errors kind="number" required=true hint="Independent giggers per unit (3 for consensus tagging)"/>
                <Input name="daily_cap_per_gigger" label="Daily cap per gigger (optional)" value=form.daily_cap_per_gigger errors kind="number"/>
                <Input name="reservation_minutes" label="Time to do a reserved gig (minutes)" value=form.reservation_minutes errors kind="number" required=true/>
                <Input name="expected_minutes" label="Time one gig takes (minutes, shown to giggers)" value=form.expected_minutes errors kind="number" required=true/>
                <h2 class="span-all">"When and where"</h2>
                <Input name="starts_on" label="Start date (optional)" value=form.starts_on errors kind="date"/>
                <Input name="ends_on" label="End date (optional)" value=form.ends_on errors kind="date"/>
                <div>
                    <label for="geography_kind">"Where"</label>
                    <select id="geography_kind" name="settings[geography_kind]">
                        {[("anywhere", "Anywhere"), ("places", "In these cities or pincodes"), ("near_units", "Near each unit's location")].into_iter().map(|(value, label)| view! {
                            <option value=value selected=selected_geography == value>{label}</option>
                        }).collect_view()}
                    </select>
                    <FieldError id="geography_kind-error" message=errors.field("geography_kind")/>
                </div>
                <div>
                    <label for="places">"Cities or pincodes (for \u{201c}in these\u{201d})"</label>
                    <textarea id="places" name="settings[places]" rows="2" aria-describedby="places-error" inner_html=textarea_html(&form.places)></textarea>
                    <FieldError id="places-error" message=errors.field("places")/>
                </div>
                <Input name="max_distance_m" label="Maximum distance from the unit (metres)" value=form.max_distance_m errors kind="number"/>
                <h2 class="span-all">"Who"</h2>
                <fieldset>
                    <legend>"Languages giggers need"</legend>
                    <label class="inline"><input type="checkbox" name="settings[lang_en]" checked=form.lang_en.is_some()/>" English"</label>
                    <label class="inline"><input type="checkbox" name="settings[lang_hi]" checked=form.lang_hi.is_some()/>" Hindi"</label>
                </fieldset>
                <div>
                    <label for="training_id">"Required training (certification)"</label>
                    <select id="training_id" name="settings[training_id]">
                        <option value="">"None"</option>
                        <Suspense fallback=|| ()>
                            {
                                let selected_training = selected_training.clone();
                                move || {
                                    let selected_training = selected_training.clone();
                                    trainings.get().and_then(Result::ok).unwrap_or_default().into_iter().map(move |training| {
                                        let value = training.id.to_string();
                                        let selected = value == selected_training;
                                        view! { <option value=value selected=selected>{format!("{} ({} questions)", training.title, training.questions)}</option> }
                                    }).collect_view()
                                }
                            }
                        </Suspense>
                    </select>
                    <FieldError id="training_id-error" message=errors.field("training_id")/>
                </div>
                <Input name="min_trust_score" label="Minimum trust score (0–100)" value=form.min_trust_score errors kind="number"/>
                <div>
                    <label for="units_mode">"Work items"</label>
                    <select id="units_mode" name="settings[units_mode]">
                        <option value="list" selected=selected_units_mode == "list">"From a unit list (CSV or by hand)"</option>
                        <option value="open" selected=selected_units_mode == "open">"No list: every reservation is a new gig"</option>
                    </select>
                </div>
                <h2 class="span-all">"Quality checks"</h2>
                <Input name="audit_percent" label="Audit sample (% sent to review anyway)" value=form.audit_percent errors kind="number"/>
                <Input name="geofence_m" label="Geofence: furthest from the unit (metres)" value=form.geofence_m errors kind="number"/>
                <Input name="min_seconds_on_task" label="Too fast: fewer seconds than" value=form.min_seconds_on_task errors kind="number"/>
                <Input name="gps_accuracy_m" label="GPS vaguer than (± metres)" value=form.gps_accuracy_m errors kind="number"/>
                <Input name="exif_gps_m" label="Photo GPS further from the submitted GPS than (metres)" value=form.exif_gps_m errors kind="number"/>
                <Input name="exif_time_minutes" label="Photo taken further from the submission than (minutes)" value=form.exif_time_minutes errors kind="number"/>
                <Input name="min_sharpness" label="Blurred: photo sharpness below (Laplacian variance)" value=form.min_sharpness errors kind="number"/>
                <Input name="near_duplicate_bits" label="Near-duplicate: within this many bits of an earlier photo (0–7)" value=form.near_duplicate_bits errors kind="number"/>
                <fieldset class="span-all qc-actions">
                    <legend>"When a check fails"</legend>
                    {CheckCode::ALL.into_iter().map(|code| {
                        let id = format!("on_fail_{}", code.name());
                        let current = form.on_fail.get(code.name()).cloned().unwrap_or_default();
                        view! {
                            <div>
                                <label for=id.clone()>{check_label(code)}</label>
                                <select id=id name=format!("settings[on_fail][{}]", code.name())>
                                    {[OnFail::Reject, OnFail::Review, OnFail::Ignore].into_iter().map(|action| view! {
                                        <option value=action.name() selected=current == action.name()>{action_label(action)}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                        }
                    }).collect_view()}
                    <FieldError id="on_fail-error" message=errors.field("on_fail")/>
                </fieldset>
                <div class="span-all">
                    <label for="reject_reasons">"Reject reasons reviewers choose from (comma-separated codes)"</label>
                    <input id="reject_reasons" name="settings[reject_reasons]" value=form.reject_reasons aria-describedby="reject_reasons-error"/>
                    <FieldError id="reject_reasons-error" message=errors.field("reject_reasons")/>
                </div>
                <button type="submit" class="primary span-all" data-testid="save-settings" disabled=move || save.pending().get()>"Save settings"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

fn check_label(code: CheckCode) -> &'static str {
    match code {
        CheckCode::Answers => "Answers invalid for the form",
        CheckCode::TimeOnTask => "Too fast",
        CheckCode::Geofence => "Outside the geofence",
        CheckCode::GpsAccuracy => "GPS too vague",
        CheckCode::ExifGps => "Photo GPS far from the submitted GPS",
        CheckCode::ExifTime => "Photo time far from the submission",
        CheckCode::Gold => "Gold unit answered wrongly",
        CheckCode::Blur => "Photo blurred",
        CheckCode::NearDuplicate => "Photo a near-duplicate of an earlier one",
    }
}

fn action_label(action: OnFail) -> &'static str {
    match action {
        OnFail::Reject => "Reject",
        OnFail::Review => "Send to review",
        OnFail::Ignore => "Ignore",
    }
}
