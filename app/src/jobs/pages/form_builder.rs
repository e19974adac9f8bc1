//! The form builder: fields on the left, the form exactly as a gigger sees it on the right
//! (phone width, English or Hindi, validation live). The schema parser that guards saving
//! on the server runs here on every change, so problems show on their field at once.

use super::field_editor::{FieldEditor, FieldItem};
use super::job_page::job_resource;
use super::JobNav;
use crate::forms::view::GigForm;
use crate::forms::{Answers, Field, FieldKindTag, FormDraft, FormSchema, Lang, Text};
use crate::jobs::api::SaveJobForm;
use crate::jobs::JobDetail;
use crate::ui::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn FormBuilderPage() -> impl IntoView {
    let job = job_resource(|| 0);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || job.get().map(|result| match result {
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                Ok(job) => view! { <Builder job/> }.into_any(),
            })}
        </Transition>
    }
}

/// A key not used by any field yet: q1, q2, ...
fn fresh_key(items: &[FieldItem], stem: &str) -> String {
    let taken: Vec<String> = items.iter().map(|item| item.field.with_untracked(|f| f.key.clone())).collect();
    (1..).map(|n| format!("{stem}{n}")).find(|key| !taken.contains(key)).unwrap_or_default()
}

#[component]
fn Builder(job: JobDetail) -> impl IntoView {
    let next_uid = StoredValue::new(0u64);
    let new_item = move |field: Field| {
        let uid = next_uid.get_value();
        next_uid.set_value(uid + 1);
        FieldItem { uid, field: RwSignal::new(field) }
    };
    let items = RwSignal::new(job.form.fields.clone().into_iter().map(new_item).collect::<Vec<_>>());
    let draft = Memo::new(move |_| FormDraft {
        fields: items.with(|items| items.iter().map(|item| item.field.get()).collect()),
    });
    let parsed = Memo::new(move |_| FormSchema::parse(draft.get()));
    let problems_at = move |uid: u64| {
        let index = items.with(|items| items.iter().position(|item| item.uid == uid));
        parsed.with(|parsed| match parsed {
            Err(errors) => {
                errors.iter().filter(|e| e.field_index == index).map(|e| e.message.clone()).collect()
            }
            Ok(_) => Vec::<String>::new(),
        })
    };
    let add_kind = RwSignal::new(FieldKindTag::ShortText);
    let add = move |_| {
        let tag = add_kind.get_untracked();
        let key = items.with_untracked(|items| fresh_key(items, "q"));
        let field = Field {
            key,
            label: Text::en(tag.label()),
            help: Text::default(),
            required: tag != FieldKindTag::Instruction,
            kind: tag.default_kind(),
            show_if: None,
        };
        let item = new_item(field);
        items.update(|items| items.push(item));
    };

    let version = RwSignal::new(job.version);
    let save = ServerAction::<SaveJobForm>::new();
    Effect::new(move |_| {
        if let Some(Ok((job_version, _))) = save.value().get() {
            version.set(job_version);
        }
    });
    let job_id = job.id;
    let on_save = move |_| {
        let Ok(json) = serde_json::to_string(&draft.get_untracked()) else { return };
        save.dispatch(SaveJobForm { job_id, version: version.get_untracked(), form_json: json });
    };
    let lang = RwSignal::new(Lang::En);
    let answers = RwSignal::new(Answers::new());
    let check_all = RwSignal::new(false);
    let is_live = job.status != crate::jobs::JobStatus::Draft;

    view! {
        <Title text=format!("Form · {} · Gigforge", job.settings.title)/>
        <JobNav job_id=job.id title=job.settings.title.clone() current="form" can_edit=job.can_edit/>
        <div class="builder">
            <section class="panel builder-fields">
                <div class="panel-head">
                    <h1>"Form"</h1>
                    <span class="muted">{format!("Saved version {}", job.form_version)}</span>
                </div>
                {is_live.then(|| view! {
                    <p class="notice">"This job has been live: saving publishes a new form version. Gigs already submitted keep the version they answered."</p>
                })}
                <For each=move || items.get() key=|item| item.uid let:item>
                    <FieldEditor item items problems=Signal::derive(move || problems_at(item.uid))/>
                </For>
                <div class="add-field">
                    <label for="add-kind">"Add a field"</label>
                    <select id="add-kind" data-testid="add-kind" on:change=move |ev| {
                        if let Some(tag) = FieldKindTag::parse(&event_target_value(&ev)) {
                            add_kind.set(tag);
                        }
                    }>
                        {FieldKindTag::ALL.into_iter().map(|tag| view! {
                            <option value=tag.code()>{tag.label()}</option>
                        }).collect_view()}
                    </select>
                    <button type="button" data-testid="add-field" on:click=add>"Add field"</button>
                </div>
                <div class="save-bar">
                    <button type="button" class="primary" data-testid="save-form"
                        disabled=move || parsed.with(Result::is_err) || save.pending().get()
                        on:click=on_save>"Save form"</button>
                    <span role="status" data-testid="form-save-status">
                        {move || match save.value().get() {
                            Some(Ok((_, form_version))) => format!("Saved as version {form_version}."),
                            Some(Err(error)) => error.to_string(),
                            None => String::new(),
                        }}
                    </span>
                    {move || parsed.with(|p| p.as_ref().err().map(|errors| errors.len())).map(|count| view! {
                        <span class="field-error" data-testid="form-problems">{format!("{count} problem(s) to fix before saving.")}</span>
                    })}
                </div>
            </section>
            <section class="panel builder-preview" aria-label="Preview">
                <div class="panel-head">
                    <h2>"Preview"</h2>
                    <div class="segmented" role="group" aria-label="Preview language">
                        <button type="button" aria-pressed=move || (lang.get() == Lang::En).to_string() on:click=move |_| lang.set(Lang::En)>"English"</button>
                        <button type="button" aria-pressed=move || (lang.get() == Lang::Hi).to_string() on:click=move |_| lang.set(Lang::Hi)>"हिन्दी"</button>
                    </div>
                </div>
                <div class="phone-frame" data-testid="preview">
                    {move || match parsed.get() {
                        Ok(schema) => view! {
                            <GigForm schema answers lang show_all_errors=check_all/>
                            <button type="button" class="primary wide" on:click=move |_| check_all.set(true)>
                                {move || if lang.get() == Lang::Hi { "जमा करें" } else { "Submit" }}
                            </button>
                            {move || (check_all.get() && parsed.with(|p| p.as_ref().is_ok_and(|s| answers.with(|a| s.validate(a).is_ok())))).then(|| view! {
                                <p class="ok" role="status">"All answers are valid."</p>
                            })}
                        }.into_any(),
                        Err(_) => view! { <p class="muted">"Fix the problems on the left to see the form."</p> }.into_any(),
                    }}
                </div>
            </section>
        </div>
    }
    .into_any()
}
