//! The CSV import panel: choose a file, check the column mapping read from its header,
//! upload with a progress bar, and read the report (every bad row, or what was added).

use super::upload::{header_of, upload};
use crate::error::AppError;
use crate::units::ImportReport;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Idle,
    Uploading(f64),
    Saving,
    Done(ImportReport),
    Refused(ImportReport),
    Failed(String),
}

/// The unit fields a column can be mapped to, with the header names that map by themselves.
const TARGETS: [(&str, &str, &[&str]); 5] = [
    ("external_id", "Unit id", &["external_id", "id", "unit_id"]),
    ("title", "Title", &["title", "name"]),
    ("address", "Address", &["address"]),
    ("latitude", "Latitude", &["latitude", "lat"]),
    ("longitude", "Longitude", &["longitude", "lng", "lon", "long"]),
];

#[component]
pub fn CsvImport(job_id: i64, on_imported: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    // Thread-safe storage holding a browser-only value: the server renders this on any
    // worker thread and drops an empty slot, which a `new_local` value would refuse
    // (a panic when the render ends on another thread than it began).
    let file = StoredValue::new(None::<SendWrapper<web_sys::File>>);
    let columns = RwSignal::new(Vec::<String>::new());
    let mapping = RwSignal::new(std::collections::BTreeMap::<&'static str, String>::new());
    let on_duplicate = RwSignal::new("reject".to_string());
    let phase = RwSignal::new(Phase::Idle);
    let choose = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let input: web_sys::HtmlInputElement = ev.target().unwrap().unchecked_into();
        let chosen = input.files().and_then(|files| files.get(0));
        file.set_value(chosen.clone().map(SendWrapper::new));
        phase.set(Phase::Idle);
        columns.set(vec![]);
        if let Some(chosen) = chosen {
            leptos::task::spawn_local(async move {
                match header_of(&chosen).await {
                    Ok(header) => {
                        let mut chosen_map = std::collections::BTreeMap::new();
                        for (target, _, usual) in TARGETS {
                            if let Some(column) =
                                header.iter().find(|c| usual.contains(&c.to_lowercase().as_str()))
                            {
                                chosen_map.insert(target, column.clone());
                            }
                        }
                        mapping.set(chosen_map);
                        columns.set(header);
                    }
                    Err(message) => phase.set(Phase::Failed(message)),
                }
            });
        }
    };
    let start = move |_| {
        let Some(chosen) = file.get_value().map(SendWrapper::take) else {
            phase.set(Phase::Failed("Choose a CSV file first.".into()));
            return;
        };
        let mut url =
            format!("/api/jobs/{job_id}/units/import?on_duplicate={}", on_duplicate.get_untracked());
        for (target, column) in mapping.get_untracked() {
            url.push_str(&format!("&{target}={}", js_sys_encode(&column)));
        }
        phase.set(Phase::Uploading(0.0));
        let on_imported = Rc::new(on_imported.clone());
        let started = upload(
            &url,
            &chosen,
            move |share| phase.set(if share >= 1.0 { Phase::Saving } else { Phase::Uploading(share) }),
            move |status, body| {
                phase.set(match status {
                    200 => match serde_json::from_str::<ImportReport>(&body) {
                        Ok(report) => {
                            on_imported();
                            Phase::Done(report)
                        }
                        Err(_) => Phase::Failed("The server's answer could not be read.".into()),
                    },
                    0 => Phase::Failed(
                        "The network failed during the upload. Nothing was imported; try again.".into(),
                    ),
                    _ => match serde_json::from_str::<ImportReport>(&body) {
                        Ok(report) => Phase::Refused(report),
                        Err(_) => Phase::Failed(
                            serde_json::from_str::<AppError>(&body)
                                .map(|e| e.to_string())
                                .unwrap_or_else(|_| format!("The import failed (HTTP {status}).")),
                        ),
                    },
                });
            },
        );
        if let Err(message) = started {
            phase.set(Phase::Failed(message));
        }
    };
    let busy = move || matches!(phase.get(), Phase::Uploading(_) | Phase::Saving);
    view! {
        <section class="panel">
            <h2>"Import units from a CSV"</h2>
            <p class="muted">"UTF-8 with a header row. Columns: a unit id, and optionally title, address, latitude, longitude. Other columns are shown to the gigger; columns named gold:<answer key> hold known answers. Up to 200 MB; all rows or none are imported."</p>
            <div class="grid-form">
                <div>
                    <label for="csv-file">"CSV file"</label>
                    <input id="csv-file" type="file" accept=".csv,text/csv" data-testid="csv-file" on:change=choose/>
                </div>
                <div>
                    <label for="on-duplicate">"Unit ids the job already has"</label>
                    <select id="on-duplicate" on:change=move |ev| on_duplicate.set(event_target_value(&ev))>
                        <option value="reject">"Refuse the import"</option>
                        <option value="update">"Update those units"</option>
                    </select>
                </div>
            </div>
            <div class="mapping grid-form" hidden=move || columns.with(Vec::is_empty)>
                {TARGETS.into_iter().map(|(target, label, _)| view! {
                    <div>
                        <label for=format!("map-{target}")>{format!("{label} column")}</label>
                        <select id=format!("map-{target}") data-testid=format!("map-{target}") on:change=move |ev| {
                            let column = event_target_value(&ev);
                            mapping.update(|m| { if column.is_empty() { m.remove(target); } else { m.insert(target, column); } });
                        }>
                            <option value="" selected=move || mapping.with(|m| !m.contains_key(target))>"(none)"</option>
                            {move || columns.get().into_iter().map(|column| {
                                let selected_column = column.clone();
                                let text = column.clone();
                                view! { <option value=column selected=move || mapping.with(|m| m.get(target) == Some(&selected_column))>{text}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                }).collect_view()}
            </div>
            <button type="button" class="primary" data-testid="start-import" disabled=busy on:click=start>"Import"</button>
            <div class="import-status" role="status" data-testid="import-status">
                {move || match phase.get() {
                    Phase::Idle => ().into_any(),
                    Phase::Uploading(share) => view! {
                        <progress max="100" value=(share * 100.0).round()></progress>
                        <span>{format!(" Uploading {:.0}%", share * 100.0)}</span>
                    }.into_any(),
                    Phase::Saving => view! { <progress></progress><span>" Checking and saving every row…"</span> }.into_any(),
                    Phase::Done(report) => view! {
                        <p class="ok" data-testid="import-done">{format!(
                            "Imported {} rows: {} new units, {} updated, in {:.1} s.",
                            report.rows, report.inserted, report.updated, report.milliseconds as f64 / 1000.0
                        )}</p>
                    }.into_any(),
                    Phase::Refused(report) => view! { <Problems report/> }.into_any(),
                    Phase::Failed(message) => view! { <p class="field-error">{message}</p> }.into_any(),
                }}
            </div>
        </section>
    }
}

#[component]
fn Problems(report: ImportReport) -> impl IntoView {
    let more = report.problem_count.saturating_sub(report.problems.len() as u64);
    view! {
        <div class="form-alert" data-testid="import-problems">
            <p>{format!("Nothing was imported: {} problem(s) in {} rows. Fix them and import the file again.", report.problem_count, report.rows)}</p>
            <div class="table-scroll">
                <table>
                    <thead><tr><th>"Row"</th><th>"Column"</th><th>"Problem"</th></tr></thead>
                    <tbody>
                        {report.problems.into_iter().map(|p| view! {
                            <tr><td>{p.row}</td><td>{p.column}</td><td>{p.problem}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(more > 0).then(|| view! { <p>{format!("…and {more} more.")}</p> })}
        </div>
    }
}

/// Percent-encodes a column name for the query string.
fn js_sys_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
