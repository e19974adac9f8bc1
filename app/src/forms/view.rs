//! The gig form as a gigger sees it, rendered from a schema, with the shared validator
//! giving instant errors. The builder's preview uses it; the gigger app builds on it.

use super::{browser, Answer, Answers, Field, FieldKind, FormSchema, Lang};
use leptos::prelude::*;

/// Where a photo field hands the files the gigger took: the gig page turns them into
/// downscaled JPEGs and answers with their ids. Without it (the builder's preview) the
/// field answers with the file names. Provided only in the browser.
#[derive(Clone, Copy)]
pub struct PhotoSink(pub StoredValue<Box<PhotoHandler>, LocalStorage>);

/// (field key, the file input, the field's setter)
pub type PhotoHandler = dyn Fn(String, web_sys::HtmlInputElement, Callback<Option<Answer>>);

/// Renders every field of `schema` once; conditions hide and show fields without
/// re-rendering (so typing never loses focus). Errors appear for fields the gigger has
/// touched, or for all fields once `show_all_errors` is set (on submit).
#[component]
pub fn GigForm(
    schema: FormSchema,
    answers: RwSignal<Answers>,
    #[prop(into)] lang: Signal<Lang>,
    #[prop(into)] show_all_errors: Signal<bool>,
) -> impl IntoView {
    let schema = StoredValue::new(schema);
    let touched = RwSignal::new(std::collections::HashSet::<String>::new());
    let errors = Memo::new(move |_| {
        answers.with(|answers| schema.with_value(|schema| schema.validate(answers).err().unwrap_or_default()))
    });
    let fields = schema.with_value(|schema| schema.fields().to_vec());
    view! {
        <div class="gig-form">
            {fields.into_iter().map(|field| {
                let key = field.key.clone();
                let visible = {
                    let field = field.clone();
                    move || answers.with(|answers| schema.with_value(|schema| schema.is_visible(&field, answers)))
                };
                let error = {
                    let key = key.clone();
                    move || {
                        let shown = show_all_errors.get() || touched.with(|t| t.contains(&key));
                        if !shown {
                            return None;
                        }
                        errors.with(|errors| errors.iter().find(|e| e.field == key).map(|e| e.message(lang.get())))
                    }
                };
                let set = {
                    let key = key.clone();
                    move |answer: Option<Answer>| {
                        touched.update(|t| {
                            t.insert(key.clone());
                        });
                        answers.update(|answers| match answer {
                            Some(answer) => {
                                answers.insert(key.clone(), answer);
                            }
                            None => {
                                answers.remove(&key);
                            }
                        });
                    }
                };
                let current = {
                    let key = key.clone();
                    move || answers.with(|answers| answers.get(&key).cloned())
                };
                let error_id = format!("answer-{key}-error");
                let label = StoredValue::new(field.label.clone());
                let help = StoredValue::new(field.help.clone());
                let required = field.required;
                let error = StoredValue::new(error);
                view! {
                    <div class="gig-field" data-field=key.clone() hidden=move || !visible()>
                        {(field.kind.asks()).then(|| view! {
                            <label class="gig-label" for=format!("answer-{key}")>
                                {move || label.with_value(|label| label.get(lang.get()).to_string())}
                                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
                            </label>
                        })}
                        {(!field.kind.asks()).then(|| view! {
                            <h3 class="gig-instruction">{move || label.with_value(|label| label.get(lang.get()).to_string())}</h3>
                        })}
                        <p class="gig-help muted" hidden=move || help.with_value(|help| help.get(lang.get()).is_empty())>
                            {move || help.with_value(|help| help.get(lang.get()).to_string())}
                        </p>
                        <FieldInput field=field.clone() current=Signal::derive(current) set=Callback::new(set) lang error_id=error_id.clone()/>
                        <p class="field-error" id=error_id role="alert" hidden=move || error.with_value(|error| error().is_none())>
                            {move || error.with_value(|error| error().unwrap_or_default())}
                        </p>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

fn text_of(answer: Option<Answer>) -> String {
    match answer {
        Some(Answer::Text(text)) | Some(Answer::Date(text)) => text,
        Some(Answer::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

fn yes_no_label(lang: Lang, yes: bool) -> &'static str {
    match (lang, yes) {
        (Lang::Hi, true) => "हाँ",
        (Lang::Hi, false) => "नहीं",
        (_, true) => "Yes",
        (_, false) => "No",
    }
}

/// The location button's words, while it waits for the phone (`busy`) or not. The gig
/// page's browser code (gigs/pages/live) changes them too.
pub fn location_button_text(lang: Lang, busy: bool) -> &'static str {
    match (lang, busy) {
        (Lang::Hi, true) => "स्थान लिया जा रहा है…",
        (Lang::Hi, false) => "मेरा स्थान लें",
        (_, true) => "Getting your location…",
        (_, false) => "Capture my location",
    }
}

#[component]
fn FieldInput(
    field: Field,
    current: Signal<Option<Answer>>,
    set: Callback<Option<Answer>>,
    lang: Signal<Lang>,
    error_id: String,
) -> impl IntoView {
    let id = format!("answer-{}", field.key);
    let name = field.key.clone();
    let text_input = |kind: &'static str, mode: &'static str| {
        let (id, name, error_id) = (id.clone(), name.clone(), error_id.clone());
        view! {
            <input id=id.clone() name=name.clone() type=kind inputmode=mode aria-describedby=error_id.clone()
                prop:value=move || text_of(current.get())
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    set.run((!value.trim().is_empty()).then_some(Answer::Text(value)));
                }/>
        }
        .into_any()
    };
    match field.kind {
        FieldKind::ShortText { .. } => text_input("text", "text"),
        FieldKind::Phone => text_input("tel", "tel"),
        FieldKind::Email => text_input("email", "email"),
        FieldKind::LongText { .. } => view! {
            <textarea id=id name=name rows="4" aria-describedby=error_id
                prop:value=move || text_of(current.get())
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    set.run((!value.trim().is_empty()).then_some(Answer::Text(value)));
                }></textarea>
        }
        .into_any(),
        FieldKind::Number { integer, .. } => view! {
            <input id=id name=name type="number" inputmode=if integer { "numeric" } else { "decimal" }
                step=if integer { "1" } else { "any" } aria-describedby=error_id
                prop:value=move || text_of(current.get())
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    set.run(value.trim().parse::<f64>().ok().map(Answer::Number));
                }/>
        }
        .into_any(),
        FieldKind::Date => view! {
            <input id=id name=name type="date" aria-describedby=error_id
                prop:value=move || text_of(current.get())
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    set.run((!value.is_empty()).then_some(Answer::Date(value)));
                }/>
        }
        .into_any(),
        FieldKind::YesNo => view! {
            <div class="choices" role="radiogroup" id=id aria-describedby=error_id>
                {[true, false].into_iter().map(|yes| {
                    let name = name.clone();
                    view! {
                        <label class="choice">
                            <input type="radio" name=name value=if yes { "yes" } else { "no" }
                                prop:checked=move || current.get() == Some(Answer::YesNo(yes))
                                on:change=move |_| set.run(Some(Answer::YesNo(yes)))/>
                            <span>{move || yes_no_label(lang.get(), yes)}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        }
        .into_any(),
        FieldKind::SingleChoice { options } => view! {
            <div class="choices" role="radiogroup" id=id aria-describedby=error_id>
                {options.into_iter().map(|option| {
                    let (name, value, label) = (name.clone(), option.value.clone(), option.label.clone());
                    let checked_value = value.clone();
                    view! {
                        <label class="choice">
                            <input type="radio" name=name value=value.clone()
                                prop:checked=move || current.get() == Some(Answer::Choice(checked_value.clone()))
                                on:change=move |_| set.run(Some(Answer::Choice(value.clone())))/>
                            <span>{move || label.get(lang.get()).to_string()}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        }
        .into_any(),
        FieldKind::MultipleChoice { options, .. } => view! {
            <div class="choices" id=id aria-describedby=error_id>
                {options.into_iter().map(|option| {
                    let (name, value, label) = (name.clone(), option.value.clone(), option.label.clone());
                    let checked_value = value.clone();
                    let selected = move || match current.get() {
                        Some(Answer::Choices(values)) => values,
                        _ => vec![],
                    };
                    view! {
                        <label class="choice">
                            <input type="checkbox" name=name value=value.clone()
                                prop:checked=move || selected().contains(&checked_value)
                                on:change=move |ev| {
                                    let mut values = selected();
                                    values.retain(|v| v != &value);
                                    if event_target_checked(&ev) {
                                        values.push(value.clone());
                                    }
                                    set.run((!values.is_empty()).then_some(Answer::Choices(values)));
                                }/>
                            <span>{move || label.get(lang.get()).to_string()}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        }
        .into_any(),
        // Camera only: `capture` opens the camera, never the gallery. The gigger app
        // uploads each photo and answers with its id; here the file names stand in.
        FieldKind::Photo { max_count, .. } => {
            let sink = use_context::<PhotoSink>();
            let key = field.key.clone();
            let count = move || match current.get() {
                Some(Answer::Photos(ids)) if !ids.is_empty() => format!("\u{2713} {}", ids.len()),
                _ => String::new(),
            };
            view! {
                <input id=id name=name type="file" accept="image/jpeg,image/png,image/webp" capture="environment"
                    multiple={max_count > 1} aria-describedby=error_id
                    on:change=move |ev| {
                        use wasm_bindgen::JsCast;
                        let input: web_sys::HtmlInputElement = ev.target().unwrap().unchecked_into();
                        if let Some(sink) = sink {
                            sink.0.with_value(|sink| sink(key.clone(), input, set));
                            return;
                        }
                        let names: Vec<String> = input.files().map(|files| {
                            (0..files.length()).filter_map(|i| files.get(i)).map(|file| file.name()).collect()
                        }).unwrap_or_default();
                        set.run((!names.is_empty()).then_some(Answer::Photos(names)));
                    }/>
                <span class="photo-count muted" data-testid="photo-count">{count}</span>
            }
            .into_any()
        }
        FieldKind::Location { .. } => {
            let problem = RwSignal::new(None::<String>);
            let busy = RwSignal::new(false);
            view! {
                <div class="location" id=id aria-describedby=error_id>
                    <button type="button" disabled=move || busy.get() on:click=move |_| {
                        busy.set(true);
                        problem.set(None);
                        browser::capture_location(move |result| {
                            busy.set(false);
                            match result {
                                Ok(point) => set.run(Some(Answer::Location(point))),
                                Err(message) => problem.set(Some(message)),
                            }
                        });
                    }>
                        {move || location_button_text(lang.get(), busy.get())}
                    </button>
                    <p class="muted" data-testid="location-value">
                        {move || match current.get() {
                            Some(Answer::Location(point)) => format!(
                                "{:.5}, {:.5} (\u{b1}{:.0} m)", point.latitude, point.longitude, point.accuracy_m
                            ),
                            _ => String::new(),
                        }}
                    </p>
                    <p class="field-error" role="alert" hidden=move || problem.get().is_none()>
                        {move || problem.get().unwrap_or_default()}
                    </p>
                </div>
            }
            .into_any()
        }
        FieldKind::Instruction { image_url } => {
            image_url.map(|url| view! { <img class="instruction-image" src=url alt=""/> }).into_any()
        }
    }
}
