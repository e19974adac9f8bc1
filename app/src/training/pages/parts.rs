//! Pieces the block and question editors share: a text in English and Hindi, the
//! move/delete buttons of an item, and the problems of one item.

use super::draft::{in_lang, problems_of};
use super::item_list::ItemList;
use crate::forms::{Lang, Text};
use crate::ui::textarea_html;
use leptos::prelude::*;

/// Two inputs, English (required) and Hindi (optional), with ids and test ids
/// `{id}-en`/`{id}-hi` and `{testid}-en`/`{testid}-hi`.
///
/// Inputs carry the loaded text twice: as the HTML `value` (or a textarea's text), so the
/// server-rendered page shows it, and as the `value` property, which is what keeps the
/// input current once the author types or answers move (the attribute only sets the
/// starting value).
#[component]
pub fn BilingualInput(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    testid: &'static str,
    #[prop(optional)] multiline: bool,
    text: Signal<Text>,
    set: Callback<(Lang, String)>,
) -> impl IntoView {
    let field = move |lang: Lang| {
        let input_id = format!("{id}-{}", lang.code());
        let label = match lang {
            Lang::En => format!("{label} (English)"),
            Lang::Hi => format!("{label} (Hindi, optional)"),
        };
        let testid = format!("{testid}-{}", lang.code());
        let current = move || text.with(|text| in_lang(text, lang).to_string());
        let loaded = text.with_untracked(|text| in_lang(text, lang).to_string());
        let on_input = move |ev| set.run((lang, event_target_value(&ev)));
        let control = if multiline {
            // The loaded text goes in as escaped inner HTML (see `ui::textarea_html`).
            view! {
                <textarea id=input_id.clone() data-testid=testid lang=lang.code() rows="4"
                    inner_html=textarea_html(&loaded) prop:value=current on:input=on_input></textarea>
            }
            .into_any()
        } else {
            view! {
                <input id=input_id.clone() data-testid=testid lang=lang.code() type="text"
                    value=loaded prop:value=current on:input=on_input/>
            }
            .into_any()
        };
        view! {
            <div>
                <label for=input_id>{label}</label>
                {control}
            </div>
        }
    };
    view! { <div class="bilingual">{field(Lang::En)}{field(Lang::Hi)}</div> }
}

/// "Up", "Down" and "Delete" for the item `uid` of `list`; `noun` names it for screen
/// readers ("Move question 2 up").
#[component]
pub fn ItemTools<T: Clone + Send + Sync + 'static>(
    list: ItemList<T>,
    uid: u64,
    position: ReadSignal<usize>,
    noun: &'static str,
) -> impl IntoView {
    let number = move || position.get() + 1;
    // Named outside `view!`: there, a `>` in an unbraced attribute would close the tag.
    let is_first = move || position.get() == 0;
    let is_last = move || number() >= list.len();
    view! {
        <div class="item-tools">
            <button type="button" data-testid="move-up" disabled=is_first
                aria-label=move || format!("Move {noun} {} up", number())
                on:click=move |_| list.shift(uid, true)>"↑ Up"</button>
            <button type="button" data-testid="move-down" disabled=is_last
                aria-label=move || format!("Move {noun} {} down", number())
                on:click=move |_| list.shift(uid, false)>"↓ Down"</button>
            <button type="button" class="danger" data-testid="delete"
                aria-label=move || format!("Delete {noun} {}", number())
                on:click=move |_| list.remove(uid)>"Delete"</button>
        </div>
    }
}

/// The problems of one item, e.g. of "Question 3", beside it.
#[component]
pub fn ItemProblems(
    problems: Memo<Vec<String>>,
    noun: &'static str,
    position: ReadSignal<usize>,
) -> impl IntoView {
    let mine = Memo::new(move |_| problems.with(|all| problems_of(all, noun, position.get() + 1)));
    view! {
        <ul class="item-problems" data-testid="item-problems" hidden=move || mine.with(Vec::is_empty)>
            {move || mine.get().into_iter().map(|problem| view! { <li>{problem}</li> }).collect_view()}
        </ul>
    }
}
