//! The admin's payouts page: make a batch, download the bank's file, read the bank's
//! results back; and the pipeline's dead tasks, with a retry for each.

use super::api::{list_dead_tasks, list_payout_batches, CreatePayoutBatch, RetryDeadTask, SettlePayouts};
use super::{BatchSummary, SettleReport};
use crate::money::Paise;
use crate::ui::{ErrorPanel, FieldError, FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminPayouts() -> impl IntoView {
    let create = ServerAction::<CreatePayoutBatch>::new();
    let settle = ServerAction::<SettlePayouts>::new();
    let retry = ServerAction::<RetryDeadTask>::new();
    let create_errors = FormErrors::new(create.value());
    let settle_errors = FormErrors::new(settle.value());
    let retry_errors = FormErrors::new(retry.value());
    let batches =
        Resource::new(move || (create.version().get(), settle.version().get()), |_| list_payout_batches());
    let dead = Resource::new(move || retry.version().get(), |_| list_dead_tasks());
    view! {
        <Title text="Payouts · Gigforge"/>
        <section class="panel">
            <h1>"Payouts"</h1>
            <p class="muted">"A batch pays everyone owed at least the minimum who has a UPI id and no payout in flight. Download the bank's file, upload it to the bank, then read the bank's result file back: only a result marks a payout paid; a failed one goes back to the gigger's balance."</p>
            <FormAlert message=create_errors.general()/>
            <ActionForm action=create attr:class="grid-form">
                <div>
                    <label for="min_rupees">"Minimum payout (₹)"</label>
                    <input id="min_rupees" name="min_rupees" type="number" min="1" value="100" required aria-describedby="min_rupees-error"/>
                    <FieldError id="min_rupees-error" message=create_errors.field("min_rupees")/>
                </div>
                <button type="submit" class="primary" disabled=move || create.pending().get()>"Make a payout batch"</button>
            </ActionForm>
            {move || create.value().get().and_then(Result::ok).map(|made| match made {
                Some(id) => view! { <p class="notice" role="status">{format!("Batch {id} made.")}</p> }.into_any(),
                None => view! { <p class="notice" role="status">"Nobody is owed the minimum with a UPI id; no batch made."</p> }.into_any(),
            })}
        </section>
        <section class="panel">
            <h2>"Bank results"</h2>
            <FormAlert message=settle_errors.general()/>
            <ActionForm action=settle attr:class="stack-form">
                <label for="results_file">"The bank's result file (CSV: payout_id, status, reason)"</label>
                <input id="results_file" type="file" accept=".csv,text/csv" on:change=move |ev| {
                    #[cfg(feature = "hydrate")]
                    fill_from_file(ev);
                    #[cfg(not(feature = "hydrate"))]
                    let _ = ev;
                }/>
                <label for="results_csv">"…or its text"</label>
                <textarea id="results_csv" name="results_csv" rows="4" aria-describedby="results_csv-error"></textarea>
                <FieldError id="results_csv-error" message=settle_errors.field("results_csv")/>
                <button type="submit" class="primary" disabled=move || settle.pending().get()>"Read the results"</button>
            </ActionForm>
            {move || settle.value().get().and_then(Result::ok).map(|report| view! { <Report report/> })}
        </section>
        <section class="panel">
            <h2>"Batches"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || batches.get().map(|result| match result {
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    Ok(batches) => view! { <Batches batches/> }.into_any(),
                })}
            </Transition>
        </section>
        <section class="panel">
            <h2>"Pipeline tasks that failed"</h2>
            <FormAlert message=retry_errors.general()/>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || dead.get().map(|result| match result {
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    Ok(tasks) if tasks.is_empty() => view! { <p class="muted">"None: every task succeeded or is still being tried."</p> }.into_any(),
                    Ok(tasks) => view! {
                        <table class="table">
                            <thead><tr><th>"Stage"</th><th>"Job"</th><th>"Subject"</th><th>"Attempts"</th><th>"Last error"</th><th></th></tr></thead>
                            <tbody>
                                {tasks.into_iter().map(|task| view! {
                                    <tr>
                                        <td>{task.stage}</td>
                                        <td>{task.job_id}</td>
                                        <td>{task.subject_id}</td>
                                        <td>{task.attempts}</td>
                                        <td>{task.last_error}</td>
                                        <td>
                                            <ActionForm action=retry>
                                                <input type="hidden" name="job_id" value=task.job_id/>
                                                <input type="hidden" name="task_id" value=task.id/>
                                                <button type="submit">"Retry"</button>
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Batches(batches: Vec<BatchSummary>) -> impl IntoView {
    if batches.is_empty() {
        return view! { <p class="muted">"No payouts yet."</p> }.into_any();
    }
    view! {
        <table class="table" data-testid="payout-batches">
            <thead><tr><th>"Batch"</th><th>"Made"</th><th>"Payouts"</th><th>"Total"</th><th>"Waiting"</th><th>"Paid"</th><th>"Failed"</th><th>"Bank file"</th></tr></thead>
            <tbody>
                {batches.into_iter().map(|batch| view! {
                    <tr>
                        <td>{batch.id}</td>
                        <td>{batch.created_at.format("%d %b %Y %H:%M UTC").to_string()}</td>
                        <td>{batch.payouts}</td>
                        <td>{Paise(batch.total_paise).to_string()}</td>
                        <td>{Paise(batch.pending).to_string()}</td>
                        <td>{Paise(batch.paid).to_string()}</td>
                        <td>{Paise(batch.failed).to_string()}</td>
                        <td><a href=format!("/api/admin/payouts/{}/bank.csv", batch.id) download>"Download CSV"</a></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Report(report: SettleReport) -> impl IntoView {
    if report.problems.is_empty() {
        let text = format!(
            "Settled {} paid and {} failed; {} already settled the same way.",
            report.paid, report.failed, report.already_settled
        );
        return view! { <p class="notice" role="status" data-testid="settle-report">{text}</p> }.into_any();
    }
    view! {
        <div class="form-alert" role="alert" data-testid="settle-report">
            <p>"Nothing was settled: fix these rows and read the file again."</p>
            <ul>
                {report.problems.into_iter().map(|(row, problem)| view! { <li>{format!("Row {row}: {problem}")}</li> }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

/// Puts the chosen file's text into the textarea the form posts.
#[cfg(feature = "hydrate")]
fn fill_from_file(ev: leptos::ev::Event) {
    use wasm_bindgen::JsCast;
    let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
        return;
    };
    let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
    leptos::task::spawn_local(async move {
        let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await else { return };
        if let (Some(text), Some(area)) = (
            text.as_string(),
            document()
                .get_element_by_id("results_csv")
                .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok()),
        ) {
            area.set_value(&text);
        }
    });
}
