//! One field in the form builder. Inputs are uncontrolled (set once, read on input) so
//! typing never fights re-rendering; only the kind-specific part re-renders, when the
//! kind changes.

use crate::forms::{ChoiceOption, Condition, Field, FieldKind, FieldKindTag, Text};
use crate::ui::textarea_html;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct FieldItem {
    pub uid: u64,
    pub field: RwSignal<Field>,
}

/// `value` for a choice: a short slug of its English label, unique within the field.
fn slug(label: &str, taken: &[String]) -> String {
    let mut slug: String = label
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    slug.truncate(40);
    if slug.is_empty() {
        slug = "option".into();
    }
    let base = slug.clone();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base}_{n}");
        n += 1;
    }
    slug
}

/// Choices typed one per line as `English | Hindi`.
pub fn parse_options(text: &str) -> Vec<ChoiceOption> {
    let mut options: Vec<ChoiceOption> = Vec::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let (en, hi) = line.split_once('|').unwrap_or((line, ""));
        let taken: Vec<String> = options.iter().map(|o| o.value.clone()).collect();
        options.push(ChoiceOption { value: slug(en, &taken), label: Text::both(en.trim(), hi.trim()) });
    }
    options
}

pub fn options_text(options: &[ChoiceOption]) -> String {
    options
        .iter()
        .map(|o| {
            if o.label.hi.is_empty() {
                o.label.en.clone()
            } else {
                format!("{} | {}", o.label.en, o.label.hi)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse().ok()
}

fn count(text: &str) -> Option<u32> {
    text.trim().parse().ok()
}

fn shown<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

#[component]
pub fn FieldEditor(
    item: FieldItem,
    items: RwSignal<Vec<FieldItem>>,
    problems: Signal<Vec<String>>,
) -> impl IntoView {
    let field = item.field;
    let uid = item.uid;
    let initial = field.get_untracked();
    let tag = Memo::new(move |_| field.with(|f| f.kind.tag()));
    let id = move |part: &str| format!("f{uid}-{part}");
    let position = move || items.with(|items| items.iter().position(|i| i.uid == uid).unwrap_or(0));
    let move_by = move |delta: isize| {
        items.update(|items| {
            let Some(from) = items.iter().position(|i| i.uid == uid) else { return };
            let to = from as isize + delta;
            if to >= 0 && (to as usize) < items.len() {
                items.swap(from, to as usize);
            }
        })
    };
    let duplicate = move |_| {
        let mut copy = field.get_untracked();
        let taken: Vec<String> = items.with_untracked(|items| {
            items.iter().map(|i| i.field.with_untracked(|f| f.key.clone())).collect()
        });
        copy.key =
            (2..).map(|n| format!("{}_{n}", copy.key)).find(|k| !taken.contains(k)).unwrap_or_default();
        let next = items.with_untracked(|items| items.iter().map(|i| i.uid).max().unwrap_or(0) + 1);
        items.update(|items| {
            let at = items.iter().position(|i| i.uid == uid).map(|p| p + 1).unwrap_or(items.len());
            items.insert(at, FieldItem { uid: next, field: RwSignal::new(copy) });
        });
    };
    let remove = move |_| items.update(|items| items.retain(|i| i.uid != uid));
    let text_input = move |part: &'static str,
                           label: &'static str,
                           value: String,
                           apply: fn(&mut Field, String)| {
        view! {
            <div>
                <label for=id(part)>{label}</label>
                <input id=id(part) data-testid=format!("field-{part}") value=value
                    on:input=move |ev| { let value = event_target_value(&ev); field.update(|f| apply(f, value)); }/>
            </div>
        }
    };
    view! {
        <fieldset class="field-card" data-testid="field-card" data-key=move || field.with(|f| f.key.clone())>
            <legend>{move || format!("{}. {}", position() + 1, tag.get().label())}</legend>
            <div class="field-grid">
                {text_input("label-en", "Label (English)", initial.label.en.clone(), |f, v| f.label.en = v)}
                {text_input("label-hi", "Label (Hindi)", initial.label.hi.clone(), |f, v| f.label.hi = v)}
                {text_input("help-en", "Help (English)", initial.help.en.clone(), |f, v| f.help.en = v)}
                {text_input("help-hi", "Help (Hindi)", initial.help.hi.clone(), |f, v| f.help.hi = v)}
                {text_input("key", "Answer key", initial.key.clone(), |f, v| f.key = v.trim().to_string())}
                <div>
                    <label for=id("kind")>"Type"</label>
                    <select id=id("kind") on:change=move |ev| {
                        if let Some(new_tag) = FieldKindTag::parse(&event_target_value(&ev)) {
                            field.update(|f| {
                                let options = f.kind.options().to_vec();
                                f.kind = new_tag.default_kind();
                                // Switching between single and multiple choice keeps the choices.
                                match &mut f.kind {
                                    FieldKind::SingleChoice { options: o } | FieldKind::MultipleChoice { options: o, .. } if !options.is_empty() => *o = options,
                                    _ => {}
                                }
                                if !f.kind.asks() {
                                    f.required = false;
                                }
                            });
                        }
                    }>
                        {FieldKindTag::ALL.into_iter().map(|t| view! {
                            <option value=t.code() selected=t == initial.kind.tag()>{t.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <label class="inline" hidden=move || tag.get() == FieldKindTag::Instruction>
                    <input type="checkbox" data-testid="field-required" checked=initial.required
                        on:change=move |ev| { let on = event_target_checked(&ev); field.update(|f| f.required = on); }/>
                    " Required"
                </label>
            </div>
            {move || view! { <KindSettings field tag=tag.get() uid/> }}
            <ShowIf field items uid/>
            <ul class="field-problems" hidden=move || problems.with(Vec::is_empty)>
                {move || problems.get().into_iter().map(|p| view! { <li class="field-error">{p}</li> }).collect_view()}
            </ul>
            <div class="field-actions">
                <button type="button" aria-label="Move up" on:click=move |_| move_by(-1)>"\u{2191}"</button>
                <button type="button" aria-label="Move down" on:click=move |_| move_by(1)>"\u{2193}"</button>
                <button type="button" on:click=duplicate>"Duplicate"</button>
                <button type="button" class="danger" on:click=remove>"Delete"</button>
            </div>
        </fieldset>
    }
    .into_any()
}

/// The settings only some kinds have; rendered again when the kind changes.
#[component]
fn KindSettings(field: RwSignal<Field>, tag: FieldKindTag, uid: u64) -> impl IntoView {
    let kind = field.with_untracked(|f| f.kind.clone());
    let id = move |part: &str| format!("f{uid}-{part}");
    let input = move |part: &'static str,
                      label: &'static str,
                      value: String,
                      kind_type: &'static str,
                      apply: fn(&mut FieldKind, &str)| {
        view! {
            <div>
                <label for=id(part)>{label}</label>
                <input id=id(part) type=kind_type value=value data-testid=format!("field-{part}")
                    on:input=move |ev| { let value = event_target_value(&ev); field.update(|f| apply(&mut f.kind, &value)); }/>
            </div>
        }
        .into_any()
    };
    let settings: Vec<AnyView> = match kind {
        FieldKind::ShortText { pattern, max_length } => vec![
            input("pattern", "Pattern (regular expression, optional)", pattern.unwrap_or_default(), "text", |k, v| {
                if let FieldKind::ShortText { pattern, .. } = k { *pattern = (!v.is_empty()).then(|| v.to_string()); }
            }),
            input("max-length", "Maximum length", shown(max_length), "number", |k, v| {
                if let FieldKind::ShortText { max_length, .. } = k { *max_length = count(v); }
            }),
        ],
        FieldKind::LongText { max_length } => vec![input("max-length", "Maximum length", shown(max_length), "number", |k, v| {
            if let FieldKind::LongText { max_length } = k { *max_length = count(v); }
        })],
        FieldKind::Number { min, max, integer } => vec![
            input("min", "Minimum", shown(min), "number", |k, v| if let FieldKind::Number { min, .. } = k { *min = number(v); }),
            input("max", "Maximum", shown(max), "number", |k, v| if let FieldKind::Number { max, .. } = k { *max = number(v); }),
            view! {
                <label class="inline">
                    <input type="checkbox" checked=integer on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        field.update(|f| if let FieldKind::Number { integer, .. } = &mut f.kind { *integer = on; });
                    }/>" Whole numbers only"
                </label>
            }.into_any(),
        ],
        FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options, .. } => {
            let mut views = vec![view! {
                <div class="span-2">
                    <label for=id("options")>"Choices, one per line: English | Hindi"</label>
                    <textarea id=id("options") data-testid="field-options" rows="4" inner_html=textarea_html(&options_text(&options))
                        on:input=move |ev| {
                            let options = parse_options(&event_target_value(&ev));
                            field.update(|f| match &mut f.kind {
                                FieldKind::SingleChoice { options: o } | FieldKind::MultipleChoice { options: o, .. } => *o = options,
                                _ => {}
                            });
                        }></textarea>
                </div>
            }.into_any()];
            if tag == FieldKindTag::MultipleChoice {
                if let FieldKind::MultipleChoice { min_selected, max_selected, .. } = field.with_untracked(|f| f.kind.clone()) {
                    views.push(input("min-selected", "At least (choices)", shown(min_selected), "number", |k, v| {
                        if let FieldKind::MultipleChoice { min_selected, .. } = k { *min_selected = count(v); }
                    }));
                    views.push(input("max-selected", "At most (choices)", shown(max_selected), "number", |k, v| {
                        if let FieldKind::MultipleChoice { max_selected, .. } = k { *max_selected = count(v); }
                    }));
                }
            }
            views
        }
        FieldKind::Photo { min_count, max_count } => vec![
            input("min-photos", "At least (photos)", min_count.to_string(), "number", |k, v| {
                if let FieldKind::Photo { min_count, .. } = k { *min_count = count(v).unwrap_or(0); }
            }),
            input("max-photos", "At most (photos)", max_count.to_string(), "number", |k, v| {
                if let FieldKind::Photo { max_count, .. } = k { *max_count = count(v).unwrap_or(0); }
            }),
        ],
        FieldKind::Location { max_accuracy_m } => vec![input("accuracy", "Refuse a fix vaguer than (metres)", shown(max_accuracy_m), "number", |k, v| {
            if let FieldKind::Location { max_accuracy_m } = k { *max_accuracy_m = count(v); }
        })],
        FieldKind::Instruction { image_url } => vec![input("image", "Image address (https://…, optional)", image_url.unwrap_or_default(), "url", |k, v| {
            if let FieldKind::Instruction { image_url } = k { *image_url = (!v.trim().is_empty()).then(|| v.trim().to_string()); }
        })],
        FieldKind::YesNo | FieldKind::Date | FieldKind::Phone | FieldKind::Email => vec![],
    };
    view! { <div class="field-grid">{settings}</div> }
}

/// "Show only if an earlier field's answer is one of ...".
#[component]
fn ShowIf(field: RwSignal<Field>, items: RwSignal<Vec<FieldItem>>, uid: u64) -> impl IntoView {
    // Earlier fields a condition can depend on, with the values they can take.
    let candidates = Memo::new(move |_| {
        items.with(|items| {
            items
                .iter()
                .take_while(|i| i.uid != uid)
                .filter_map(|i| {
                    i.field.with(|f| {
                        let values: Vec<(String, String)> = match &f.kind {
                            FieldKind::YesNo => {
                                vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())]
                            }
                            FieldKind::SingleChoice { options }
                            | FieldKind::MultipleChoice { options, .. } => {
                                options.iter().map(|o| (o.value.clone(), o.label.en.clone())).collect()
                            }
                            _ => return None,
                        };
                        Some((f.key.clone(), f.label.en.clone(), values))
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    let parent = move || field.with(|f| f.show_if.as_ref().map(|c| c.field.clone()));
    let chosen = move |value: &str| {
        field.with(|f| f.show_if.as_ref().is_some_and(|c| c.any_of.iter().any(|v| v == value)))
    };
    let select_id = format!("f{uid}-show-if");
    view! {
        <div class="show-if" hidden=move || candidates.with(Vec::is_empty) && parent().is_none()>
            <label for=select_id.clone()>"Show only if"</label>
            <select id=select_id data-testid="field-show-if" on:change=move |ev| {
                let key = event_target_value(&ev);
                field.update(|f| {
                    f.show_if = (!key.is_empty()).then(|| Condition { field: key, any_of: vec![] });
                });
            }>
                <option value="" selected=move || parent().is_none()>"Always shown"</option>
                {move || candidates.get().into_iter().map(|(key, label, _)| {
                    let selected_key = key.clone();
                    view! { <option value=key selected=move || parent().as_deref() == Some(selected_key.as_str())>{format!("{label} ({selected_key})")}</option> }
                }).collect_view()}
            </select>
            {move || {
                let Some(parent_key) = parent() else { return ().into_any() };
                let values = candidates.with(|c| c.iter().find(|(k, _, _)| *k == parent_key).map(|(_, _, v)| v.clone()).unwrap_or_default());
                view! {
                    <span class="muted">" is "</span>
                    {values.into_iter().map(|(value, label)| {
                        let checked_value = value.clone();
                        view! {
                            <label class="inline">
                                <input type="checkbox" data-testid="field-show-if-value" value=value.clone()
                                    prop:checked=move || chosen(&checked_value)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let value = value.clone();
                                        field.update(|f| if let Some(condition) = &mut f.show_if {
                                            condition.any_of.retain(|v| *v != value);
                                            if on { condition.any_of.push(value); }
                                        });
                                    }/>
                                {format!(" {label}")}
                            </label>
                        }
                    }).collect_view()}
                }.into_any()
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_with_unique_values_and_round_trip() {
        let options = parse_options("Open | खुला\nClosed\n\nClosed ");
        assert_eq!(
            options.iter().map(|o| o.value.as_str()).collect::<Vec<_>>(),
            ["open", "closed", "closed_2"]
        );
        assert_eq!(options[0].label, Text::both("Open", "खुला"));
        assert_eq!(options_text(&options), "Open | खुला\nClosed\nClosed");
        assert_eq!(slug("  Rs. 500+ / month ", &[]), "rs_500_month");
        assert_eq!(slug("हाँ", &[]), "option");
    }
}
