//! Taking a training: read the module, answer the quiz, see the score and which
//! questions were wrong. The server scores it and enforces attempts and the cooldown.
//! With JavaScript the quiz is scored in place; without it, the same form posts to
//! `/api/gigs/training/{id}/quiz` (gigs/server/quiz_form.rs), which comes back here with
//! `tried=1` to show the score, or with its refusal left in the session.

use super::india_time;
use super::{error_or_onboarding, use_lang, GiggerTabs};
use crate::gigs::api::{load_training, take_quiz};
use crate::gigs::{QuizResult, TrainingNeed, TrainingToTake};
use crate::i18n::*;
use crate::training::ContentBlock;
use crate::ui::{FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn TrainingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let training_id =
        move || params.with(|p| p.get("training_id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let job_id = move || query.with(|q| q.get("job").and_then(|id| id.parse::<i64>().ok()));
    // Back from the quiz posted without JavaScript: show that attempt's result.
    let tried = move || query.with(|q| q.get("tried").is_some());
    let training = Resource::new(training_id, load_training);
    crate::ui::read_error_left_by_post();
    let i18n = use_i18n();
    view! {
        <Title text="Training · Gigforge"/>
        <GiggerTabs current="feed"/>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || training.get().map(|result| match result {
                Err(error) => error_or_onboarding(error),
                Ok(training) => view! { <TrainingView training job_id=job_id() tried=tried()/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn TrainingView(training: TrainingToTake, job_id: Option<i64>, tried: bool) -> impl IntoView {
    let lang = use_lang();
    let i18n = use_i18n();
    let training_id = training.training_id;
    let question_count = training.questions.len();
    let chosen = RwSignal::new(vec![Vec::<usize>::new(); question_count]);
    let result = RwSignal::new(training.last_result.clone().filter(|r| r.passed || tried));
    let attempt = Action::new(move |answers: &Vec<Vec<usize>>| {
        let answers_json = serde_json::to_string(answers).unwrap_or_default();
        take_quiz(training_id, answers_json)
    });
    // A refusal from the action, or left in the session by the form posted without
    // JavaScript.
    let errors = FormErrors::new(attempt.value());
    let problem = Signal::derive(move || errors.general().get().or_else(|| errors.field("answers").get()));
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = attempt.value().get() {
            result.set(Some(outcome));
        }
    });
    // Until the WASM runs, the form posts itself, so its button must not wait on the
    // answers the browser-side code tracks.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let can_attempt = match &training.need {
        TrainingNeed::Required { retry_after, .. } => retry_after.is_none_or(|at| at <= training.server_now),
        _ => false,
    };
    let status = match &training.need {
        TrainingNeed::Certified => Some(t!(i18n, training.already_passed).into_any()),
        TrainingNeed::Exhausted { .. } => Some(t!(i18n, training.used_all).into_any()),
        TrainingNeed::Required { retry_after: Some(at), .. } if *at > training.server_now => {
            Some(t!(i18n, job.retry_after, time = india_time(*at)).into_any())
        }
        _ => None,
    };
    let back = job_id.map(|id| format!("/gigs/{id}")).unwrap_or_else(|| "/gigs".into());
    let wrong =
        move |i: usize| result.with(|r| r.as_ref().is_some_and(|r| !r.passed && r.wrong.contains(&i)));
    view! {
        <article class="panel training" data-training-id=training_id>
            <h1>{training.title.clone()}</h1>
            {status.map(|text| view! { <p class="notice">{text}</p> })}
            <div class="blocks">
                {training.blocks.into_iter().map(|block| view! { <Block block/> }).collect_view()}
            </div>
            {(!training.questions.is_empty()).then(|| view! {
                <h2>{t!(i18n, training.quiz)}</h2>
                <p class="muted">{t!(i18n, training.pass_mark, percent = training.pass_mark_percent)}</p>
            })}
            <form class="quiz" method="post" action=format!("/api/gigs/training/{training_id}/quiz") on:submit=move |ev| {
                ev.prevent_default();
                attempt.dispatch(chosen.get_untracked());
            }>
                {job_id.map(|id| view! { <input type="hidden" name="job" value=id/> })}
                {training.questions.into_iter().enumerate().map(|(i, question)| {
                    let prompt = question.prompt.clone();
                    let kind = if question.multiple { "checkbox" } else { "radio" };
                    view! {
                        <fieldset class="question" data-question=i class:wrong=move || wrong(i)>
                            <legend>{format!("{}. ", i + 1)}{move || prompt.get(lang.get()).to_string()}</legend>
                            {question.multiple.then(|| view! { <p class="muted small">{t!(i18n, training.choose_all)}</p> })}
                            {question.options.into_iter().enumerate().map(|(j, option)| view! {
                                <label class="choice">
                                    <input type=kind name=format!("q{i}") value=j
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|chosen| {
                                                let picked = &mut chosen[i];
                                                if !question.multiple {
                                                    picked.clear();
                                                }
                                                picked.retain(|&k| k != j);
                                                if on {
                                                    picked.push(j);
                                                }
                                            });
                                        }/>
                                    <span>{move || option.get(lang.get()).to_string()}</span>
                                </label>
                            }).collect_view()}
                            <p class="field-error" hidden=move || !wrong(i)>{t!(i18n, training.not_right)}</p>
                        </fieldset>
                    }
                }).collect_view()}
                {can_attempt.then(|| view! {
                    <button type="submit" class="primary"
                        disabled=move || attempt.pending().get() || result.with(|r| r.as_ref().is_some_and(|r| r.passed))
                            || (hydrated.get() && chosen.with(|c| c.iter().any(Vec::is_empty)))>
                        {t!(i18n, training.submit)}
                    </button>
                })}
            </form>
            <FormAlert message=problem/>
            {move || result.get().map(|r| view! { <QuizOutcome result=r back=back.clone()/> })}
        </article>
    }
}

#[component]
fn QuizOutcome(result: QuizResult, back: String) -> impl IntoView {
    let i18n = use_i18n();
    let count = result.attempts_left;
    view! {
        <div class="quiz-result" role="status" data-passed=result.passed.to_string()>
            <p class="big">{t!(i18n, training.score, percent = result.score_percent)}</p>
            {if result.passed {
                view! {
                    <p class="ok">{t!(i18n, training.passed)}</p>
                    <a class="button primary" href=back>{t!(i18n, training.back)}</a>
                }.into_any()
            } else {
                view! {
                    <p>{t!(i18n, training.failed, count = result.wrong.len())}</p>
                    <p class="muted">{match result.retry_after {
                        Some(at) => t!(i18n, training.left_retry, count, time = india_time(at)).into_any(),
                        None if count > 0 => t!(i18n, training.left, count).into_any(),
                        None => t!(i18n, training.none_left).into_any(),
                    }}</p>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn Block(block: ContentBlock) -> impl IntoView {
    let lang = use_lang();
    match block {
        ContentBlock::Text { text } => {
            view! { <p class="block-text">{move || text.get(lang.get()).to_string()}</p> }.into_any()
        }
        ContentBlock::Image { url, caption } => {
            let alt = caption.clone();
            view! {
                <figure>
                    <img src=url alt=move || alt.get(lang.get()).to_string() loading="lazy"/>
                    <figcaption>{move || caption.get(lang.get()).to_string()}</figcaption>
                </figure>
            }
            .into_any()
        }
        ContentBlock::Video { url, title } => view! {
            <p><a class="button" href=url rel="noopener" target="_blank">"▶ "{move || title.get(lang.get()).to_string()}</a></p>
        }
        .into_any(),
    }
}
