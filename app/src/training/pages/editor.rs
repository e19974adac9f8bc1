//! The training editor: title, quiz rules, lesson blocks and questions, checked as the
//! author types and saved as one version.
//!
//! It needs JavaScript (staff use it at a desk); without it the page still shows the
//! training as loaded, in its inputs.

use super::blocks::BlockList;
use super::draft::{parse_rules, QuizRules};
use super::item_list::ItemList;
use super::questions::QuestionList;
use crate::error::AppError;
use crate::training::api::{get_training, save_training};
use crate::training::{ContentBlock, Question, Training, TrainingContent};
use crate::ui::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TrainingEditor() -> impl IntoView {
    let params = use_params_map();
    let training_id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok());
    let training = Resource::new(training_id, |id| async move {
        match id {
            Some(id) => get_training(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || training.get().map(|result| match result {
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                Ok(training) => view! { <Editor training/> }.into_any(),
            })}
        </Transition>
    }
}

/// Everything the author can change, to tell whether anything changed since the save.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    title: String,
    pass_mark: String,
    max_attempts: String,
    cooldown: String,
    content: TrainingContent,
}

#[component]
fn Editor(training: Training) -> impl IntoView {
    let training_id = training.id;
    let page_title = format!("{} · Gigforge", training.title);
    let title = RwSignal::new(training.title);
    let pass_mark = RwSignal::new(training.pass_mark_percent.to_string());
    let max_attempts = RwSignal::new(training.max_attempts.to_string());
    let cooldown = RwSignal::new(training.cooldown_minutes.to_string());
    let blocks: ItemList<ContentBlock> = ItemList::new(training.content.blocks);
    let questions: ItemList<Question> = ItemList::new(training.content.questions);
    // The version this page's content is based on; each save moves it on.
    let version = RwSignal::new(training.version);

    let draft = Memo::new(move |_| Draft {
        title: title.get(),
        pass_mark: pass_mark.get(),
        max_attempts: max_attempts.get(),
        cooldown: cooldown.get(),
        content: TrainingContent { blocks: blocks.values(), questions: questions.values() },
    });
    let problems = Memo::new(move |_| draft.with(|d| d.content.problems()));
    let saved = RwSignal::new(draft.get_untracked());

    // The save records the new version and the saved draft itself, before the action's
    // value and pending state change: the status goes straight from "Saving…" to "Saved".
    let save = Action::new(move |(draft, rules, based_on): &(Draft, QuizRules, i32)| {
        let (draft, rules, based_on) = (draft.clone(), *rules, *based_on);
        async move {
            let content_json = serde_json::to_string(&draft.content)
                .expect("training content serialises (no maps, no floats)");
            let result = save_training(
                training_id,
                based_on,
                draft.title.clone(),
                content_json,
                rules.pass_mark_percent,
                rules.max_attempts,
                rules.cooldown_minutes,
            )
            .await;
            if let Ok(new_version) = result {
                version.set(new_version);
                saved.set(draft);
            }
            result
        }
    });
    // A mistake caught before sending (a pass mark that is not a number).
    let local_error = RwSignal::new(None::<AppError>);
    let error = Memo::new(move |_| local_error.get().or_else(|| save.value().get().and_then(Result::err)));
    let on_save = move |_| {
        let draft = draft.get_untracked();
        match parse_rules(&draft.pass_mark, &draft.max_attempts, &draft.cooldown) {
            Ok(rules) => {
                local_error.set(None);
                save.dispatch((draft, rules, version.get_untracked()));
            }
            Err(error) => local_error.set(Some(error)),
        }
    };
    let status = move || {
        if save.pending().get() {
            "Saving…"
        } else if draft.with(|now| saved.with(|then| now != then)) {
            "Unsaved changes"
        } else if matches!(save.value().get(), Some(Ok(_))) {
            "Saved"
        } else {
            ""
        }
    };
    let field_error =
        move |field: &'static str| Signal::derive(move || error.get().and_then(|e| e.for_field(field)));

    view! {
        <Title text=page_title/>
        <section class="panel">
            <p><a href="/manage/trainings">"← All trainings"</a></p>
            <h1>"Edit training"</h1>
            <p class="muted">"Changes are kept when you press Save. Giggers see the saved version."</p>
            <div class="grid-form training-settings">
                <div class="wide">
                    <label for="training-title">"Title"</label>
                    <input id="training-title" data-testid="training-title" type="text" maxlength="200"
                        aria-describedby="title-error" value=title.get_untracked() prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))/>
                    <SettingError id="title-error" message=field_error("title")/>
                </div>
                <NumberSetting id="pass-mark" label="Pass mark (%)" min="1" max="100" value=pass_mark
                    error=field_error("pass_mark_percent")/>
                <NumberSetting id="max-attempts" label="Maximum attempts" min="1" max="100" value=max_attempts
                    error=field_error("max_attempts")/>
                <NumberSetting id="cooldown" label="Wait after a failed attempt (minutes)" min="0" max="43200"
                    value=cooldown error=field_error("cooldown_minutes")/>
            </div>
        </section>
        <ProblemList problems/>
        <BlockList blocks problems/>
        <QuestionList questions problems/>
        <div class="save-bar">
            <button type="button" class="primary" data-testid="save-training"
                disabled=move || save.pending().get() on:click=on_save>"Save"</button>
            <p class="save-status" role="status" data-testid="training-saved">{status}</p>
            <SaveError error/>
        </div>
    }
}

#[component]
fn NumberSetting(
    id: &'static str,
    label: &'static str,
    min: &'static str,
    max: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div>
            <label for=id>{label}</label>
            <input id=id data-testid=id type="number" inputmode="numeric" min=min max=max step="1"
                aria-describedby=error_id.clone() value=value.get_untracked() prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))/>
            <SettingError id=error_id message=error/>
        </div>
    }
}

/// A save error beside the setting it is about (the save bar shows it too, and is the
/// one that announces it).
#[component]
fn SettingError(#[prop(into)] id: String, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field-error" id=id hidden=move || message.with(Option::is_none)>
            {move || message.get().unwrap_or_default()}
        </p>
    }
}

/// Why the last save did not happen: a stale version (409), a refused value (422), ...
#[component]
fn SaveError(error: Memo<Option<AppError>>) -> impl IntoView {
    let stale = move || matches!(error.get(), Some(AppError::Conflict(_)));
    let message = move || error.get().map(|error| format!("Not saved: {error}"));
    view! {
        <div class="form-alert" role="alert" data-testid="save-error" hidden=move || error.with(Option::is_none)>
            {message}
            // A full page load: the router would keep this page's stale copy.
            <Show when=stale><a class="button" href="" rel="external">"Reload"</a></Show>
        </div>
    }
}

/// Every problem of the lesson and quiz, as the author edits.
#[component]
fn ProblemList(problems: Memo<Vec<String>>) -> impl IntoView {
    let heading = move || match problems.with(Vec::len) {
        0 => "No problems found".to_string(),
        1 => "1 problem to fix before saving".to_string(),
        n => format!("{n} problems to fix before saving"),
    };
    view! {
        <section class="panel problems" data-testid="training-problems"
            class:has-problems=move || problems.with(|p| !p.is_empty())>
            <h2>{heading}</h2>
            <ul>{move || problems.get().into_iter().map(|problem| view! { <li>{problem}</li> }).collect_view()}</ul>
        </section>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::forms::Text;

    #[test]
    fn the_server_render_shows_the_training_as_loaded() {
        let training = Training {
            id: 7,
            organisation_id: 1,
            title: "Shop visits".into(),
            content: TrainingContent {
                blocks: vec![
                    ContentBlock::Text { text: Text::both("Greet <the> owner", "नमस्ते") },
                    ContentBlock::Video { url: "https://v.example/1".into(), title: Text::en("Watch") },
                ],
                questions: vec![Question {
                    prompt: Text::en("First step?"),
                    options: vec![Text::both("Greet", r#"say "hi""#), Text::en("Photograph")],
                    correct: vec![1],
                    multiple: false,
                }],
            },
            pass_mark_percent: 80,
            max_attempts: 3,
            cooldown_minutes: 60,
            version: 4,
        };
        let html = Owner::new().with(|| {
            leptos_meta::provide_meta_context();
            view! { <Editor training/> }.to_html()
        });
        for expected in [
            r#"data-testid="training-title" type="text" maxlength="200" aria-describedby="title-error" value="Shop visits""#,
            r#"value="80""#,
            r#"value="3""#,
            r#"value="60""#,
            // Escaped: text in a textarea must not be able to close it.
            r#"data-testid="block-text-en" lang="en" rows="4">Greet &lt;the&gt; owner</textarea>"#,
            r#"data-testid="block-text-hi" lang="hi" rows="4">नमस्ते</textarea>"#,
            r#"data-testid="block-url" placeholder="https://" value="https://v.example/1""#,
            r#"data-testid="question-prompt-en" lang="en" type="text" value="First step?""#,
            r#"data-testid="option-en" lang="en" type="text" value="Photograph""#,
            r#"data-testid="option-hi" lang="hi" type="text" value="say &quot;hi&quot;""#,
            r#"data-testid="correct" aria-label="Answer 2 is correct" checked>"#,
            r#"data-testid="add-question""#,
            r#"data-testid="save-training""#,
            r#"data-testid="training-problems""#,
            "No problems found",
        ] {
            assert!(html.contains(expected), "{expected} is not in {html}");
        }
        assert!(!html.contains(r#"aria-label="Answer 1 is correct" checked"#));
    }
}
