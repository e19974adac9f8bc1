//! The quiz: questions with 2 to 10 answers, the correct ones ticked.

use super::draft::{add_option, empty_question, mark_correct, remove_option, set_in_lang, set_multiple};
use super::item_list::ItemList;
use super::parts::{BilingualInput, ItemProblems, ItemTools};
use crate::forms::Lang;
use crate::training::{Question, MAX_OPTIONS, MAX_QUESTIONS, MIN_OPTIONS};
use leptos::prelude::*;

#[component]
pub fn QuestionList(questions: ItemList<Question>, problems: Memo<Vec<String>>) -> impl IntoView {
    // Named outside `view!`: there, a `>` in an unbraced attribute would close the tag.
    let full = move || questions.len() >= MAX_QUESTIONS;
    view! {
        <section class="panel" aria-labelledby="questions-heading">
            <h2 id="questions-heading">"Quiz"</h2>
            <p class="muted">"Tick the correct answer. A gigger gets a question right only by choosing exactly the ticked answers."</p>
            <ol class="editor-list">
                <ForEnumerate each=move || questions.entries() key={|(uid, _)| *uid}
                    children={move |position, (uid, question)| view! { <QuestionEditor questions uid question position problems/> }}/>
            </ol>
            <button type="button" data-testid="add-question" disabled=full
                on:click=move |_| questions.push(empty_question())>"Add question"</button>
        </section>
    }
}

#[component]
fn QuestionEditor(
    questions: ItemList<Question>,
    uid: u64,
    question: RwSignal<Question>,
    position: ReadSignal<usize>,
    problems: Memo<Vec<String>>,
) -> impl IntoView {
    let id = format!("question-{uid}");
    let multiple_id = format!("{id}-multiple");
    let prompt = Signal::derive(move || question.with(|q| q.prompt.clone()));
    let set_prompt = Callback::new(move |(lang, value): (Lang, String)| {
        question.update(|q| set_in_lang(&mut q.prompt, lang, value))
    });
    let option_count = move || question.with(|q| q.options.len());
    let options_full = move || option_count() >= MAX_OPTIONS;
    view! {
        <li class="editor-item" data-testid="question">
            <div class="item-head">
                <h3>{move || format!("Question {}", position.get() + 1)}</h3>
                <ItemTools list=questions uid position noun="question"/>
            </div>
            <BilingualInput id=format!("{id}-prompt") label="Question" testid="question-prompt" text=prompt set=set_prompt/>
            <label class="check">
                <input type="checkbox" id=multiple_id data-testid="multiple"
                    checked=question.with_untracked(|q| q.multiple) prop:checked=move || question.with(|q| q.multiple)
                    on:change=move |ev| question.update(|q| set_multiple(q, event_target_checked(&ev)))/>
                "Several answers are correct"
            </label>
            <fieldset class="options">
                <legend>"Answers"</legend>
                // Keyed by position: an answer's inputs stay where they are and show
                // whichever answer is now at that position (after a delete, say).
                <For each=move || 0..option_count() key=|index| *index
                    children=move |index| view! { <OptionEditor question id=id.clone() index/> }/>
            </fieldset>
            <button type="button" data-testid="add-option" disabled=options_full
                on:click=move |_| question.update(|q| { add_option(q); })>"Add answer"</button>
            <ItemProblems problems noun="Question" position/>
        </li>
    }
}

#[component]
fn OptionEditor(question: RwSignal<Question>, id: String, index: usize) -> impl IntoView {
    let id = format!("{id}-option-{index}");
    let correct_id = format!("{id}-correct");
    let number = index + 1;
    let text = Signal::derive(move || question.with(|q| q.options.get(index).cloned().unwrap_or_default()));
    let set_text = Callback::new(move |(lang, value): (Lang, String)| {
        question.update(|q| {
            if let Some(option) = q.options.get_mut(index) {
                set_in_lang(option, lang, value);
            }
        })
    });
    let is_correct = move || question.with(|q| q.correct.contains(&index));
    let at_fewest = move || question.with(|q| q.options.len() <= MIN_OPTIONS);
    view! {
        <div class="option-row" data-testid="option">
            <label class="check">
                <input type="checkbox" id=correct_id data-testid="correct"
                    aria-label=format!("Answer {number} is correct")
                    checked=question.with_untracked(|q| q.correct.contains(&index)) prop:checked=is_correct
                    on:change=move |ev| question.update(|q| mark_correct(q, index, event_target_checked(&ev)))/>
                "Correct"
            </label>
            <BilingualInput id=id label=format!("Answer {number}") testid="option" text set=set_text/>
            <button type="button" class="danger" data-testid="delete-option"
                aria-label=format!("Delete answer {number}")
                disabled=at_fewest
                on:click=move |_| question.update(|q| { remove_option(q, index); })>"Delete"</button>
        </div>
    }
}
