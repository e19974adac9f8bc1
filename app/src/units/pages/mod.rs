//! The job's units page: import a CSV (with a progress bar and a report of every bad row),
//! add or edit a unit by hand, and browse the units page by page.

mod import;
mod upload;

use crate::jobs::pages::{job_resource, JobNav};
use crate::jobs::JobDetail;
use crate::ui::{textarea_html, ErrorPanel, FieldError, FormAlert, FormErrors};
use crate::units::api::{list_units, SaveUnit};
use crate::units::{Unit, UnitPage};
use import::CsvImport;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UnitsPage() -> impl IntoView {
    // Its forms sit inside the Transition: see `read_error_left_by_post`.
    crate::ui::read_error_left_by_post();
    let save = ServerAction::<SaveUnit>::new();
    let imported = RwSignal::new(0usize);
    // Only the unit list reloads after an import; the job (and with it the import panel
    // and its report) stays as it is.
    let job = job_resource(|| 0);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || job.get().map(|result| match result {
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                Ok(job) => view! { <Units job save imported/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Units(job: JobDetail, save: ServerAction<SaveUnit>, imported: RwSignal<usize>) -> impl IntoView {
    let query = use_query_map();
    let job_id = job.id;
    let after = move || query.with(|q| q.get("after").and_then(|a| a.parse::<i64>().ok()));
    let page = Resource::new(
        move || (after(), save.version().get(), imported.get()),
        move |(after, _, _)| list_units(job_id, after),
    );
    let editing = move || query.with(|q| q.get("edit").and_then(|a| a.parse::<i64>().ok()));
    view! {
        <Title text=format!("Units · {} · Gigforge", job.settings.title)/>
        <JobNav job_id=job.id title=job.settings.title.clone() current="units" can_edit=job.can_edit/>
        {job.can_edit.then(|| view! { <CsvImport job_id on_imported=move || imported.update(|n| *n += 1)/> })}
        <section class="panel">
            <h2>"Units"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || page.get().map(|result| match result {
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    Ok(page) => {
                        let edit = editing().and_then(|id| page.units.iter().find(|u| u.id == id).cloned());
                        view! {
                            <UnitTable page job_id can_edit=job.can_edit/>
                            {job.can_edit.then(|| view! { <UnitForm job_id save unit=edit/> })}
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn UnitTable(page: UnitPage, job_id: i64, can_edit: bool) -> impl IntoView {
    let UnitPage { units, total, gold, next_after } = page;
    view! {
        <p class="muted" data-testid="unit-count">{format!("{total} units, {gold} gold.")}</p>
        {(!units.is_empty()).then(|| view! {
            <div class="table-scroll">
                <table>
                    <thead><tr><th>"Id"</th><th>"Title"</th><th>"Address"</th><th>"Location"</th><th>"Context"</th><th>"State"</th><th></th></tr></thead>
                    <tbody>
                        {units.into_iter().map(|unit: Unit| view! {
                            <tr>
                                <td>{unit.external_id.clone()}</td>
                                <td>{unit.title.clone()}</td>
                                <td>{unit.address.clone().unwrap_or_default()}</td>
                                <td>{match (unit.latitude, unit.longitude) {
                                    (Some(lat), Some(lon)) => format!("{lat:.5}, {lon:.5}"),
                                    _ => String::new(),
                                }}</td>
                                <td class="detail">{unit.context.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("; ")}</td>
                                <td>{if unit.gold { format!("{} (gold)", unit.status) } else { unit.status.clone() }}</td>
                                <td>{can_edit.then(|| view! { <a href=format!("/manage/jobs/{job_id}/units?edit={}#unit-form", unit.id)>"Edit"</a> })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {next_after.map(|after| view! {
            <p><a class="button" href=format!("/manage/jobs/{job_id}/units?after={after}")>"Next page \u{2192}"</a></p>
        })}
    }
}

#[component]
fn UnitForm(job_id: i64, save: ServerAction<SaveUnit>, unit: Option<Unit>) -> impl IntoView {
    let errors = FormErrors::new(save.value());
    let title = if unit.is_some() { "Edit unit" } else { "Add a unit by hand" };
    let value = |f: fn(&Unit) -> String| unit.as_ref().map(f).unwrap_or_default();
    let (external_id, unit_title, address) = (
        value(|u| u.external_id.clone()),
        value(|u| u.title.clone()),
        value(|u| u.address.clone().unwrap_or_default()),
    );
    let latitude = value(|u| u.latitude.map(|v| v.to_string()).unwrap_or_default());
    let longitude = value(|u| u.longitude.map(|v| v.to_string()).unwrap_or_default());
    let context =
        value(|u| u.context.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n"));
    let unit_id = unit.as_ref().map(|u| u.id);
    let field = move |name: &'static str, label: &'static str, current: String| {
        let error_id = format!("unit-{name}-error");
        view! {
            <div>
                <label for=format!("unit-{name}")>{label}</label>
                <input id=format!("unit-{name}") name=name value=current aria-describedby=error_id.clone()/>
                <FieldError id=error_id message=errors.field(name)/>
            </div>
        }
    };
    view! {
        <h3 id="unit-form">{title}</h3>
        <FormAlert message=errors.general()/>
        {move || save.value().get().and_then(Result::ok).map(|_| view! { <p class="notice" role="status">"Unit saved."</p> })}
        <ActionForm action=save attr:class="grid-form">
            <input type="hidden" name="job_id" value=job_id/>
            {unit_id.map(|id| view! { <input type="hidden" name="unit_id" value=id/> })}
            {field("external_id", "Unit id", external_id)}
            {field("title", "Title", unit_title)}
            {field("address", "Address", address)}
            {field("latitude", "Latitude", latitude)}
            {field("longitude", "Longitude", longitude)}
            <div class="span-all">
                <label for="unit-context">"Details shown to the gigger (one per line: name: value)"</label>
                <textarea id="unit-context" name="context" rows="3" aria-describedby="unit-context-error"
                    inner_html=textarea_html(&context)></textarea>
                <FieldError id="unit-context-error" message=errors.field("context")/>
            </div>
            <button type="submit" class="primary" disabled=move || save.pending().get()>"Save unit"</button>
        </ActionForm>
    }
}
