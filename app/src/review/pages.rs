//! The review console's pages: the queues, and one job's queue worked one submission at
//! a time (A approves, R picks a reject reason, N loads the next).

use super::api::{next_for_review, review_queues, BulkApprove, DecideReview};
use super::{reason_text, ReviewItem, ReviewQueue};
use crate::ui::{ErrorPanel, FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ReviewQueues() -> impl IntoView {
    let bulk = ServerAction::<BulkApprove>::new();
    let bulk_errors = FormErrors::new(bulk.value());
    let queues = Resource::new(move || bulk.version().get(), |_| review_queues());
    view! {
        <Title text="Review · Gigforge"/>
        <section class="panel">
            <h1>"Review"</h1>
            <p class="muted">"Submissions the quality checks sent to a person, per job, oldest first."</p>
            <FormAlert message=bulk_errors.general()/>
            {move || bulk.value().get().and_then(Result::ok).map(|n| view! {
                <p class="notice" role="status" data-testid="bulk-approved">{format!("Approved {n}.")}</p>
            })}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || queues.get().map(|result| match result {
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    Ok(queues) if queues.is_empty() => view! { <p class="muted">"Nothing is waiting for review."</p> }.into_any(),
                    Ok(queues) => queues.into_iter().map(|queue| view! { <QueueCard queue bulk/> }).collect_view().into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn QueueCard(queue: ReviewQueue, bulk: ServerAction<BulkApprove>) -> impl IntoView {
    let job_id = queue.job_id;
    view! {
        <article class="review-queue" data-job-id=job_id>
            <h2>{queue.title.clone()}</h2>
            <p>{format!("{} waiting, the oldest since {} UTC", queue.waiting, queue.oldest.format("%d %b %H:%M"))}</p>
            <a class="button primary" href=format!("/review/{job_id}")>"Review these"</a>
            <ul class="reasons">
                {queue.reasons.into_iter().map(|(reason, count)| {
                    let label = format!("Approve all {count} sent for “{reason}”");
                    view! {
                        <li>
                            <ActionForm action=bulk>
                                <input type="hidden" name="job_id" value=job_id/>
                                <input type="hidden" name="reason" value=reason.clone()/>
                                <button type="submit" class="secondary">{label}</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </article>
    }
}

#[component]
pub fn ReviewJobPage() -> impl IntoView {
    let params = use_params_map();
    let job_id = move || params.with(|p| p.get("job_id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let decide = ServerAction::<DecideReview>::new();
    let errors = FormErrors::new(decide.value());
    let refresh = RwSignal::new(0u32);
    let item = Resource::new(
        move || (job_id(), decide.version().get(), refresh.get()),
        |(job_id, _, _)| next_for_review(job_id),
    );

    #[cfg(feature = "hydrate")]
    {
        // Shortcuts, except while typing in a field.
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            use wasm_bindgen::JsCast;
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
            if typing || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let click = |id: &str| {
                if let Some(el) =
                    document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    el.click();
                }
            };
            match ev.key().as_str() {
                "a" | "A" => click("approve"),
                "r" | "R" => {
                    if let Some(el) = document()
                        .get_element_by_id("reason_code")
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = el.focus();
                    }
                }
                "n" | "N" => refresh.update(|n| *n += 1),
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    }

    view! {
        <Title text="Reviewing · Gigforge"/>
        <FormAlert message=errors.general()/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || item.get().map(|result| match result {
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                Ok(None) => view! {
                    <section class="panel">
                        <h1>"Nothing left to review here"</h1>
                        <a class="button" href="/review">"Back to the queues"</a>
                    </section>
                }.into_any(),
                Ok(Some(item)) => view! { <ItemView item decide errors/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ItemView(item: ReviewItem, decide: ServerAction<DecideReview>, errors: FormErrors) -> impl IntoView {
    let (job_id, submission_id) = (item.job_id, item.submission_id);
    let zoomed = RwSignal::new(None::<String>);
    view! {
        <section class="panel review-item" data-submission-id=submission_id>
            <p class="muted">{format!("{} · {} more waiting · yours until {} UTC", item.job_title, item.waiting_after, item.claimed_until.format("%H:%M"))}</p>
            <h1>{item.unit_title.clone()}</h1>
            {item.unit_address.clone().map(|a| view! { <p>{a}</p> })}
            {(!item.unit_context.is_empty()).then(|| view! {
                <dl class="context">
                    {item.unit_context.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
                </dl>
            })}
            <p>{format!("By {} at {} UTC · sent to review for: {}", item.gigger_name, item.received_at.format("%d %b %H:%M"), item.review_reason)}</p>
            <h2>"Checks"</h2>
            <ul class="checks" data-testid="checks">
                {item.checks.iter().map(|check| view! {
                    <li class:failed=!check.passed>
                        <strong>{if check.passed { "✓ " } else { "✗ " }}{check.code.name()}</strong>": "{check.evidence.clone()}
                    </li>
                }).collect_view()}
            </ul>
            <h2>"Answers"</h2>
            <dl class="answers">
                {item.answers.iter().map(|answer| {
                    let photos = answer.photos.clone();
                    view! {
                        <dt>{answer.label.clone()}</dt>
                        <dd>
                            {answer.text.clone()}
                            <div class="photos">
                                {photos.into_iter().map(|url| {
                                    let this = url.clone();
                                    view! {
                                        <img src=url.clone() alt=format!("Photo for {}", answer.label) loading="lazy"
                                            class:zoomed=move || zoomed.get().as_deref() == Some(this.as_str())
                                            on:click=move |_| zoomed.update(|z| *z = if z.as_deref() == Some(url.as_str()) { None } else { Some(url.clone()) })/>
                                    }
                                }).collect_view()}
                            </div>
                        </dd>
                    }
                }).collect_view()}
            </dl>
            <div class="decision">
                <ActionForm action=decide>
                    <input type="hidden" name="job_id" value=job_id/>
                    <input type="hidden" name="submission_id" value=submission_id/>
                    <input type="hidden" name="verdict" value="approve"/>
                    <button id="approve" type="submit" class="primary" aria-keyshortcuts="A">"Approve (A)"</button>
                </ActionForm>
                <ActionForm action=decide attr:class="reject">
                    <input type="hidden" name="job_id" value=job_id/>
                    <input type="hidden" name="submission_id" value=submission_id/>
                    <input type="hidden" name="verdict" value="reject"/>
                    <label for="reason_code">"Reject because (R)"</label>
                    <select id="reason_code" name="reason_code" required aria-keyshortcuts="R">
                        {item.reject_reasons.iter().map(|code| view! { <option value=code.clone()>{reason_text(code)}</option> }).collect_view()}
                    </select>
                    <label for="note">"Note for the gigger (optional)"</label>
                    <input id="note" name="note" maxlength="500"/>
                    <p class="field-error" role="alert">{move || errors.field("reason_code").get().or_else(|| errors.field("note").get())}</p>
                    <button type="submit" class="danger">"Reject"</button>
                </ActionForm>
            </div>
            <p class="muted small">"Shortcuts: A approve · R reject reason · N next"</p>
        </section>
    }
}
