//! The content blocks: text, image and video link, in the order giggers read them.

use super::draft::{block_url, block_words, block_words_mut, set_block_url, set_in_lang, BlockKind};
use super::item_list::ItemList;
use super::parts::{BilingualInput, ItemProblems, ItemTools};
use crate::forms::Lang;
use crate::training::{ContentBlock, MAX_BLOCKS};
use leptos::prelude::*;

#[component]
pub fn BlockList(blocks: ItemList<ContentBlock>, problems: Memo<Vec<String>>) -> impl IntoView {
    let full = move || blocks.len() >= MAX_BLOCKS;
    let add = move |kind: BlockKind| move |_| blocks.push(kind.empty_block());
    view! {
        <section class="panel" aria-labelledby="blocks-heading">
            <h2 id="blocks-heading">"Lesson"</h2>
            <p class="muted">"What giggers read before the quiz, in this order. Images and videos are links starting with https://."</p>
            <ol class="editor-list">
                <ForEnumerate each=move || blocks.entries() key={|(uid, _)| *uid}
                    children={move |position, (uid, block)| view! { <BlockEditor blocks uid block position problems/> }}/>
            </ol>
            <div class="add-buttons">
                <button type="button" data-testid="add-text-block" disabled=full on:click=add(BlockKind::Text)>"Add text"</button>
                <button type="button" data-testid="add-image-block" disabled=full on:click=add(BlockKind::Image)>"Add image"</button>
                <button type="button" data-testid="add-video-block" disabled=full on:click=add(BlockKind::Video)>"Add video link"</button>
            </div>
        </section>
    }
}

#[component]
fn BlockEditor(
    blocks: ItemList<ContentBlock>,
    uid: u64,
    block: RwSignal<ContentBlock>,
    position: ReadSignal<usize>,
    problems: Memo<Vec<String>>,
) -> impl IntoView {
    let kind = block.with_untracked(BlockKind::of);
    let id = format!("block-{uid}");
    let url_id = format!("{id}-url");
    let url_field = (kind != BlockKind::Text).then(|| {
        let loaded = block.with_untracked(|b| block_url(b).to_string());
        view! {
            <div>
                <label for=url_id.clone()>{kind.url_label()}</label>
                <input id=url_id type="text" inputmode="url" data-testid="block-url" placeholder="https://"
                    value=loaded prop:value=move || block.with(|b| block_url(b).to_string())
                    on:input=move |ev| block.update(|b| set_block_url(b, event_target_value(&ev)))/>
            </div>
        }
    });
    let words = Signal::derive(move || block.with(|b| block_words(b).clone()));
    let set_words = Callback::new(move |(lang, value): (Lang, String)| {
        block.update(|b| set_in_lang(block_words_mut(b), lang, value))
    });
    view! {
        <li class="editor-item" data-testid="block" data-kind=kind.code()>
            <div class="item-head">
                <h3>{move || format!("Block {} · {}", position.get() + 1, kind.label())}</h3>
                <ItemTools list=blocks uid position noun="block"/>
            </div>
            {url_field}
            <BilingualInput id=format!("{id}-words") label=kind.words_label() testid=kind.words_testid()
                multiline=kind == BlockKind::Text text=words set=set_words/>
            <ItemProblems problems noun="Block" position/>
        </li>
    }
}
