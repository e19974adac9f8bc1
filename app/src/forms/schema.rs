//! The form schema: fields, their kinds and rules, and the parse that proves a draft sound.

use super::{pattern, Text};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Limits that keep one form reasonable to fill in on a phone and to store.
pub const MAX_FIELDS: usize = 100;
pub const MAX_CHOICES: usize = 50;
pub const MAX_PHOTOS: u32 = 10;

/// A form as the builder edits it: anything goes until [`FormSchema::parse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FormDraft {
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Stable name of the answer (`shop_open`): survives reordering and relabelling, names
    /// gold-answer columns in a unit CSV and keys the stored answers.
    pub key: String,
    pub label: Text,
    #[serde(default)]
    pub help: Text,
    #[serde(default)]
    pub required: bool,
    pub kind: FieldKind,
    /// Shown only when an earlier field's answer is one of the given values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    ShortText {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pattern: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
    LongText {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
    Number {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default)]
        integer: bool,
    },
    SingleChoice {
        options: Vec<ChoiceOption>,
    },
    MultipleChoice {
        options: Vec<ChoiceOption>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_selected: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_selected: Option<u32>,
    },
    YesNo,
    Date,
    Phone,
    Email,
    /// Photos taken with the camera (never picked from the gallery).
    Photo {
        min_count: u32,
        max_count: u32,
    },
    /// The phone's GPS position; `max_accuracy_m` refuses a vaguer fix.
    Location {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_accuracy_m: Option<u32>,
    },
    /// Text (the field's label and help) and an optional image; asks nothing.
    Instruction {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image_url: Option<String>,
    },
}

/// The kinds without their settings: what the builder's "add field" menu offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKindTag {
    ShortText,
    LongText,
    Number,
    SingleChoice,
    MultipleChoice,
    YesNo,
    Date,
    Phone,
    Email,
    Photo,
    Location,
    Instruction,
}

impl FieldKindTag {
    pub const ALL: [FieldKindTag; 12] = [
        FieldKindTag::ShortText,
        FieldKindTag::LongText,
        FieldKindTag::Number,
        FieldKindTag::SingleChoice,
        FieldKindTag::MultipleChoice,
        FieldKindTag::YesNo,
        FieldKindTag::Date,
        FieldKindTag::Phone,
        FieldKindTag::Email,
        FieldKindTag::Photo,
        FieldKindTag::Location,
        FieldKindTag::Instruction,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FieldKindTag::ShortText => "Short text",
            FieldKindTag::LongText => "Long text",
            FieldKindTag::Number => "Number",
            FieldKindTag::SingleChoice => "Single choice",
            FieldKindTag::MultipleChoice => "Multiple choice",
            FieldKindTag::YesNo => "Yes / no",
            FieldKindTag::Date => "Date",
            FieldKindTag::Phone => "Phone",
            FieldKindTag::Email => "Email",
            FieldKindTag::Photo => "Photo",
            FieldKindTag::Location => "Location (GPS)",
            FieldKindTag::Instruction => "Instruction",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            FieldKindTag::ShortText => "short_text",
            FieldKindTag::LongText => "long_text",
            FieldKindTag::Number => "number",
            FieldKindTag::SingleChoice => "single_choice",
            FieldKindTag::MultipleChoice => "multiple_choice",
            FieldKindTag::YesNo => "yes_no",
            FieldKindTag::Date => "date",
            FieldKindTag::Phone => "phone",
            FieldKindTag::Email => "email",
            FieldKindTag::Photo => "photo",
            FieldKindTag::Location => "location",
            FieldKindTag::Instruction => "instruction",
        }
    }

    pub fn parse(code: &str) -> Option<FieldKindTag> {
        FieldKindTag::ALL.into_iter().find(|tag| tag.code() == code)
    }

    /// A new field's settings: sensible defaults the manager then adjusts.
    pub fn default_kind(self) -> FieldKind {
        let options = || {
            vec![
                ChoiceOption { value: "option_1".into(), label: Text::en("Option 1") },
                ChoiceOption { value: "option_2".into(), label: Text::en("Option 2") },
            ]
        };
        match self {
            FieldKindTag::ShortText => FieldKind::ShortText { pattern: None, max_length: None },
            FieldKindTag::LongText => FieldKind::LongText { max_length: None },
            FieldKindTag::Number => FieldKind::Number { min: None, max: None, integer: false },
            FieldKindTag::SingleChoice => FieldKind::SingleChoice { options: options() },
            FieldKindTag::MultipleChoice => {
                FieldKind::MultipleChoice { options: options(), min_selected: None, max_selected: None }
            }
            FieldKindTag::YesNo => FieldKind::YesNo,
            FieldKindTag::Date => FieldKind::Date,
            FieldKindTag::Phone => FieldKind::Phone,
            FieldKindTag::Email => FieldKind::Email,
            FieldKindTag::Photo => FieldKind::Photo { min_count: 1, max_count: 3 },
            FieldKindTag::Location => FieldKind::Location { max_accuracy_m: Some(50) },
            FieldKindTag::Instruction => FieldKind::Instruction { image_url: None },
        }
    }
}

impl FieldKind {
    pub fn tag(&self) -> FieldKindTag {
        match self {
            FieldKind::ShortText { .. } => FieldKindTag::ShortText,
            FieldKind::LongText { .. } => FieldKindTag::LongText,
            FieldKind::Number { .. } => FieldKindTag::Number,
            FieldKind::SingleChoice { .. } => FieldKindTag::SingleChoice,
            FieldKind::MultipleChoice { .. } => FieldKindTag::MultipleChoice,
            FieldKind::YesNo => FieldKindTag::YesNo,
            FieldKind::Date => FieldKindTag::Date,
            FieldKind::Phone => FieldKindTag::Phone,
            FieldKind::Email => FieldKindTag::Email,
            FieldKind::Photo { .. } => FieldKindTag::Photo,
            FieldKind::Location { .. } => FieldKindTag::Location,
            FieldKind::Instruction { .. } => FieldKindTag::Instruction,
        }
    }

    pub fn options(&self) -> &[ChoiceOption] {
        match self {
            FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options, .. } => options,
            _ => &[],
        }
    }

    /// Whether the field asks for an answer at all.
    pub fn asks(&self) -> bool {
        !matches!(self, FieldKind::Instruction { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub value: String,
    pub label: Text,
}

/// Show a field when the answer to `field` (an earlier single choice, multiple choice or
/// yes/no; "yes"/"no" for the latter) is one of `any_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub field: String,
    pub any_of: Vec<String>,
}

/// A problem with a draft, placed on the field that has it (`None`: the form as a whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaError {
    pub field_index: Option<usize>,
    pub message: String,
}

/// A form known to be sound. Only [`FormSchema::parse`] makes one, so a stored or received
/// schema is re-checked on the way in (`Deserialize` parses too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FormDraft", into = "FormDraft")]
pub struct FormSchema(FormDraft);

impl From<FormSchema> for FormDraft {
    fn from(schema: FormSchema) -> FormDraft {
        schema.0
    }
}

impl TryFrom<FormDraft> for FormSchema {
    type Error = String;
    fn try_from(draft: FormDraft) -> Result<FormSchema, String> {
        FormSchema::parse(draft).map_err(|errors| {
            errors.iter().map(|error| error.message.as_str()).collect::<Vec<_>>().join("; ")
        })
    }
}

impl FormSchema {
    pub fn parse(draft: FormDraft) -> Result<FormSchema, Vec<SchemaError>> {
        let errors = check(&draft);
        if errors.is_empty() {
            Ok(FormSchema(draft))
        } else {
            Err(errors)
        }
    }

    pub fn fields(&self) -> &[Field] {
        &self.0.fields
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.0.fields.iter().find(|field| field.key == key)
    }

    pub fn draft(&self) -> &FormDraft {
        &self.0
    }

    /// Whether any field asks for something (the publish checklist wants one).
    pub fn asks_anything(&self) -> bool {
        self.0.fields.iter().any(|field| field.kind.asks())
    }

    pub fn has_location(&self) -> bool {
        self.0.fields.iter().any(|field| matches!(field.kind, FieldKind::Location { .. }))
    }
}

/// Keys are short snake_case names: they become JSON keys and CSV column suffixes.
pub fn key_is_valid(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some('a'..='z'))
        && key.len() <= 40
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

fn check(draft: &FormDraft) -> Vec<SchemaError> {
    let mut errors = Vec::new();
    if draft.fields.len() > MAX_FIELDS {
        errors.push(SchemaError {
            field_index: None,
            message: format!("A form has at most {MAX_FIELDS} fields; this one has {}.", draft.fields.len()),
        });
    }
    let mut seen_keys = HashSet::new();
    for (index, field) in draft.fields.iter().enumerate() {
        let mut problem = |message: String| errors.push(SchemaError { field_index: Some(index), message });
        let name = if field.label.en.trim().is_empty() {
            format!("Field {}", index + 1)
        } else {
            format!("\u{201c}{}\u{201d}", field.label.en.trim())
        };
        if !key_is_valid(&field.key) {
            problem(format!(
                "{name}: the key \u{201c}{}\u{201d} must start with a letter and use only a-z, 0-9 and _ (at most 40).",
                field.key
            ));
        } else if !seen_keys.insert(field.key.as_str()) {
            problem(format!("{name}: the key \u{201c}{}\u{201d} is used by an earlier field.", field.key));
        }
        if field.label.en.trim().is_empty() {
            problem(format!("{name}: the English label is empty."));
        }
        if field.label.en.len() > 500 || field.help.en.len() > 2000 || field.help.hi.len() > 2000 {
            problem(format!("{name}: the label or help text is too long."));
        }
        check_kind(&field.kind, &name, &mut problem);
        if field.required && !field.kind.asks() {
            problem(format!("{name}: an instruction asks nothing, so it cannot be required."));
        }
        if let Some(condition) = &field.show_if {
            check_condition(draft, index, condition, &name, &mut problem);
        }
    }
    errors
}

fn check_kind(kind: &FieldKind, name: &str, problem: &mut impl FnMut(String)) {
    match kind {
        FieldKind::ShortText { pattern: Some(pattern), .. } => {
            if let Err(reason) = pattern::check(pattern) {
                problem(format!("{name}: the pattern is not a valid regular expression ({reason})."));
            }
        }
        FieldKind::Number { min: Some(min), max: Some(max), .. } if min > max => {
            problem(format!("{name}: the minimum {min} is above the maximum {max}."));
        }
        FieldKind::Number { min, max, .. }
            if min.is_some_and(|v| !v.is_finite()) || max.is_some_and(|v| !v.is_finite()) =>
        {
            problem(format!("{name}: the limits must be ordinary numbers."));
        }
        FieldKind::SingleChoice { options } => check_options(options, name, problem),
        FieldKind::MultipleChoice { options, min_selected, max_selected } => {
            check_options(options, name, problem);
            let (min, max) = (min_selected.unwrap_or(0), max_selected.unwrap_or(options.len() as u32));
            if min > max {
                problem(format!("{name}: at least {min} cannot be more than at most {max} choices."));
            } else if min as usize > options.len() {
                problem(format!("{name}: asks for at least {min} choices but offers {}.", options.len()));
            }
        }
        FieldKind::Photo { min_count, max_count } => {
            if *max_count == 0 || *max_count > MAX_PHOTOS {
                problem(format!("{name}: the number of photos must be between 1 and {MAX_PHOTOS}."));
            } else if min_count > max_count {
                problem(format!(
                    "{name}: at least {min_count} photos cannot be more than at most {max_count}."
                ));
            }
        }
        FieldKind::Location { max_accuracy_m: Some(0) } => {
            problem(format!("{name}: the accuracy limit must be at least 1 metre."));
        }
        FieldKind::Instruction { image_url: Some(url) }
            if !(url.starts_with("https://") || url.starts_with("/")) =>
        {
            problem(format!("{name}: the image must be an https:// address or a path on this site."));
        }
        _ => {}
    }
}

fn check_options(options: &[ChoiceOption], name: &str, problem: &mut impl FnMut(String)) {
    if options.is_empty() {
        problem(format!("{name}: the list of choices is empty."));
    }
    if options.len() > MAX_CHOICES {
        problem(format!("{name}: at most {MAX_CHOICES} choices."));
    }
    let mut values = HashSet::new();
    for option in options {
        if option.value.trim().is_empty() || option.label.en.trim().is_empty() {
            problem(format!("{name}: every choice needs a value and an English label."));
            break;
        }
        if !values.insert(option.value.as_str()) {
            problem(format!("{name}: the choice \u{201c}{}\u{201d} appears twice.", option.value));
        }
    }
}

fn check_condition(
    draft: &FormDraft,
    index: usize,
    condition: &Condition,
    name: &str,
    problem: &mut impl FnMut(String),
) {
    let Some(position) = draft.fields.iter().position(|field| field.key == condition.field) else {
        problem(format!(
            "{name}: the condition names \u{201c}{}\u{201d}, which is not a field.",
            condition.field
        ));
        return;
    };
    if position >= index {
        problem(format!("{name}: a condition can only depend on an earlier field."));
        return;
    }
    let allowed: Vec<&str> = match &draft.fields[position].kind {
        FieldKind::YesNo => vec!["yes", "no"],
        FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options, .. } => {
            options.iter().map(|option| option.value.as_str()).collect()
        }
        _ => {
            problem(format!("{name}: a condition must depend on a choice or yes/no field."));
            return;
        }
    };
    if condition.any_of.is_empty() {
        problem(format!("{name}: the condition lists no values."));
    }
    for value in &condition.any_of {
        if !allowed.contains(&value.as_str()) {
            problem(format!(
                "{name}: the condition's value \u{201c}{value}\u{201d} is not a choice of the field it depends on."
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(key: &str, kind: FieldKind) -> Field {
        Field {
            key: key.into(),
            label: Text::en(key),
            help: Text::default(),
            required: false,
            kind,
            show_if: None,
        }
    }

    fn errors_of(fields: Vec<Field>) -> Vec<SchemaError> {
        FormSchema::parse(FormDraft { fields }).unwrap_err()
    }

    #[test]
    fn a_sound_form_parses_and_round_trips_through_json() {
        let mut photo_if_open = field("front", FieldKind::Photo { min_count: 1, max_count: 2 });
        photo_if_open.show_if = Some(Condition { field: "open".into(), any_of: vec!["yes".into()] });
        let draft = FormDraft {
            fields: vec![
                field("open", FieldKind::YesNo),
                photo_if_open,
                field(
                    "gst",
                    FieldKind::ShortText { pattern: Some("^[0-9A-Z]{15}$".into()), max_length: None },
                ),
            ],
        };
        let schema = FormSchema::parse(draft.clone()).unwrap();
        let json = serde_json::to_string(&schema).unwrap();
        let back: FormSchema = serde_json::from_str(&json).unwrap();
        assert_eq!(back.draft(), &draft);
        assert!(json.contains(r#""type":"yes_no""#), "{json}");
    }

    #[test]
    fn a_bad_regex_is_reported_on_its_field() {
        let errors = errors_of(vec![
            field("name", FieldKind::ShortText { pattern: None, max_length: None }),
            field("code", FieldKind::ShortText { pattern: Some("([a-z".into()), max_length: None }),
        ]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field_index, Some(1));
        assert!(errors[0].message.contains("not a valid regular expression"), "{:?}", errors);
    }

    #[test]
    fn a_condition_on_a_later_field_is_refused() {
        let mut first = field("notes", FieldKind::LongText { max_length: None });
        first.show_if = Some(Condition { field: "open".into(), any_of: vec!["yes".into()] });
        let errors = errors_of(vec![first, field("open", FieldKind::YesNo)]);
        assert_eq!(errors[0].field_index, Some(0));
        assert!(errors[0].message.contains("earlier field"));
    }

    #[test]
    fn a_condition_value_must_be_a_choice_of_its_field() {
        let mut second = field("why", FieldKind::LongText { max_length: None });
        second.show_if = Some(Condition { field: "open".into(), any_of: vec!["maybe".into()] });
        let errors = errors_of(vec![field("open", FieldKind::YesNo), second]);
        assert!(errors[0].message.contains("\u{201c}maybe\u{201d}"), "{:?}", errors);
    }

    #[test]
    fn an_empty_choice_list_and_duplicate_keys_are_refused() {
        let errors = errors_of(vec![
            field("kind", FieldKind::SingleChoice { options: vec![] }),
            field("kind", FieldKind::YesNo),
        ]);
        assert_eq!(errors.len(), 2);
        assert!(errors[0].message.contains("list of choices is empty"));
        assert_eq!(errors[1].field_index, Some(1));
        assert!(errors[1].message.contains("used by an earlier field"));
    }

    #[test]
    fn keys_limits_and_instructions_are_checked() {
        assert!(key_is_valid("shop_open_2"));
        assert!(!key_is_valid("Shop"));
        assert!(!key_is_valid("2shop"));
        assert!(!key_is_valid(""));
        let mut instruction =
            field("note", FieldKind::Instruction { image_url: Some("javascript:x".into()) });
        instruction.required = true;
        let errors = errors_of(vec![
            instruction,
            field("n", FieldKind::Number { min: Some(5.0), max: Some(1.0), integer: true }),
            field("p", FieldKind::Photo { min_count: 3, max_count: 2 }),
        ]);
        assert_eq!(errors.len(), 4, "{errors:?}");
    }

    #[test]
    fn deserializing_an_unsound_schema_fails_with_the_reason() {
        let json =
            r#"{"fields":[{"key":"a","label":{"en":"A"},"kind":{"type":"single_choice","options":[]}}]}"#;
        let error = serde_json::from_str::<FormSchema>(json).unwrap_err().to_string();
        assert!(error.contains("list of choices is empty"), "{error}");
    }
}
