//! A gigger's answers and the validator both sides run against a form version.

use super::schema::{Field, FieldKind, FormSchema};
use super::{pattern, Lang};
use crate::accounts::{Email, Phone};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Answers by field key.
pub type Answers = BTreeMap<String, Answer>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Answer {
    /// Short or long text, a phone number or an email address.
    Text(String),
    Number(f64),
    Choice(String),
    Choices(Vec<String>),
    YesNo(bool),
    /// `YYYY-MM-DD`.
    Date(String),
    /// Ids of photos already uploaded for this gig.
    Photos(Vec<String>),
    Location(GeoPoint),
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
    /// The device's stated accuracy radius in metres.
    pub accuracy_m: f64,
}

impl Answer {
    /// The value a show-if condition compares: the choice, each selected choice, or yes/no.
    fn condition_values(&self) -> Vec<&str> {
        match self {
            Answer::Choice(value) => vec![value.as_str()],
            Answer::Choices(values) => values.iter().map(String::as_str).collect(),
            Answer::YesNo(true) => vec!["yes"],
            Answer::YesNo(false) => vec!["no"],
            _ => vec![],
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Answer::Text(text) | Answer::Date(text) => text.trim().is_empty(),
            Answer::Choice(value) => value.is_empty(),
            Answer::Choices(values) | Answer::Photos(values) => values.is_empty(),
            Answer::Number(_) | Answer::YesNo(_) | Answer::Location(_) => false,
        }
    }
}

/// What is wrong with one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum AnswerProblem {
    Required,
    WrongKind,
    UnknownField,
    TooLong { max: u32 },
    NoMatch,
    NotANumber,
    NotWhole,
    BelowMin { min: f64 },
    AboveMax { max: f64 },
    NotAChoice,
    TooFewChoices { min: u32 },
    TooManyChoices { max: u32 },
    BadDate,
    BadPhone,
    BadEmail,
    TooFewPhotos { min: u32 },
    TooManyPhotos { max: u32 },
    BadLocation,
    TooVague { max_m: u32, actual_m: f64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerError {
    pub field: String,
    pub problem: AnswerProblem,
}

impl AnswerError {
    pub fn message(&self, lang: Lang) -> String {
        use AnswerProblem::*;
        let hi = lang == Lang::Hi;
        match &self.problem {
            Required if hi => "यह उत्तर ज़रूरी है।".into(),
            Required => "This answer is required.".into(),
            WrongKind if hi => "यह उत्तर इस सवाल के प्रकार का नहीं है।".into(),
            WrongKind => "This answer is not of the kind the question asks for.".into(),
            UnknownField if hi => "यह सवाल इस फ़ॉर्म में नहीं है।".into(),
            UnknownField => "This question is not part of the form.".into(),
            TooLong { max } if hi => format!("अधिकतम {max} अक्षर।"),
            TooLong { max } => format!("At most {max} characters."),
            NoMatch if hi => "यह उत्तर माँगे गए प्रारूप में नहीं है।".into(),
            NoMatch => "This answer is not in the format asked for.".into(),
            NotANumber if hi => "एक संख्या लिखें।".into(),
            NotANumber => "Enter a number.".into(),
            NotWhole if hi => "पूरी संख्या लिखें (दशमलव नहीं)।".into(),
            NotWhole => "Enter a whole number.".into(),
            BelowMin { min } if hi => format!("कम से कम {min}।"),
            BelowMin { min } => format!("At least {min}."),
            AboveMax { max } if hi => format!("अधिकतम {max}।"),
            AboveMax { max } => format!("At most {max}."),
            NotAChoice if hi => "दिए गए विकल्पों में से चुनें।".into(),
            NotAChoice => "Choose one of the options given.".into(),
            TooFewChoices { min } if hi => format!("कम से कम {min} विकल्प चुनें।"),
            TooFewChoices { min } => format!("Choose at least {min}."),
            TooManyChoices { max } if hi => format!("अधिकतम {max} विकल्प चुनें।"),
            TooManyChoices { max } => format!("Choose at most {max}."),
            BadDate if hi => "एक सही तारीख़ चुनें।".into(),
            BadDate => "Choose a valid date.".into(),
            BadPhone if hi => "एक सही मोबाइल नंबर लिखें।".into(),
            BadPhone => "Enter a valid mobile number.".into(),
            BadEmail if hi => "एक सही ईमेल पता लिखें।".into(),
            BadEmail => "Enter a valid email address.".into(),
            TooFewPhotos { min } if hi => format!("कम से कम {min} फ़ोटो लें।"),
            TooFewPhotos { min } => format!("Take at least {min} photo(s)."),
            TooManyPhotos { max } if hi => format!("अधिकतम {max} फ़ोटो।"),
            TooManyPhotos { max } => format!("At most {max} photo(s)."),
            BadLocation if hi => "स्थान सही नहीं है; फिर से लें।".into(),
            BadLocation => "The location is not valid; capture it again.".into(),
            TooVague { max_m, actual_m } if hi => {
                format!("स्थान {actual_m:.0} मीटर तक अनिश्चित है; {max_m} मीटर से कम चाहिए। खुले में फिर से लें।")
            }
            TooVague { max_m, actual_m } => format!(
                "The location is accurate to {actual_m:.0} m; {max_m} m or better is needed. Try again in the open."
            ),
        }
    }
}

impl FormSchema {
    /// Whether `field` is shown, given the answers so far.
    pub fn is_visible(&self, field: &Field, answers: &Answers) -> bool {
        let Some(condition) = &field.show_if else { return true };
        // A condition's field is earlier, and is itself visible only if its own condition
        // holds: hiding a parent hides its children.
        let Some(parent) = self.field(&condition.field) else { return false };
        self.is_visible(parent, answers)
            && answers.get(&condition.field).is_some_and(|answer| {
                answer.condition_values().iter().any(|value| condition.any_of.iter().any(|v| v == value))
            })
    }

    /// Checks `answers` against the form; on success returns them without answers to
    /// hidden fields or instructions (a gigger may have answered before changing a choice).
    pub fn validate(&self, answers: &Answers) -> Result<Answers, Vec<AnswerError>> {
        let mut errors = Vec::new();
        let mut kept = Answers::new();
        for key in answers.keys() {
            if self.field(key).is_none() {
                errors.push(AnswerError { field: key.clone(), problem: AnswerProblem::UnknownField });
            }
        }
        for field in self.fields() {
            if !field.kind.asks() || !self.is_visible(field, answers) {
                continue;
            }
            match answers.get(&field.key).filter(|answer| !answer.is_empty()) {
                None if field.required => {
                    errors.push(AnswerError { field: field.key.clone(), problem: AnswerProblem::Required })
                }
                None => {}
                Some(answer) => match check_answer(&field.kind, answer) {
                    Ok(()) => {
                        kept.insert(field.key.clone(), answer.clone());
                    }
                    Err(problem) => errors.push(AnswerError { field: field.key.clone(), problem }),
                },
            }
        }
        if errors.is_empty() {
            Ok(kept)
        } else {
            Err(errors)
        }
    }

    /// The first problem with one field's answer, for instant feedback while typing.
    pub fn check_field(&self, field: &Field, answers: &Answers) -> Option<AnswerError> {
        let errors = self.validate(answers).err()?;
        errors.into_iter().find(|error| error.field == field.key)
    }
}

fn check_answer(kind: &FieldKind, answer: &Answer) -> Result<(), AnswerProblem> {
    use AnswerProblem::*;
    match (kind, answer) {
        (FieldKind::ShortText { pattern: rule, max_length }, Answer::Text(text)) => {
            check_length(text, *max_length)?;
            match rule {
                Some(rule) if !pattern::matches(rule, text.trim()) => Err(NoMatch),
                _ => Ok(()),
            }
        }
        (FieldKind::LongText { max_length }, Answer::Text(text)) => check_length(text, *max_length),
        (FieldKind::Phone, Answer::Text(text)) => Phone::parse(text).map(|_| ()).map_err(|_| BadPhone),
        (FieldKind::Email, Answer::Text(text)) => Email::parse(text).map(|_| ()).map_err(|_| BadEmail),
        (FieldKind::Number { min, max, integer }, Answer::Number(number)) => {
            if !number.is_finite() {
                Err(NotANumber)
            } else if *integer && number.fract() != 0.0 {
                Err(NotWhole)
            } else if let Some(min) = min.filter(|min| number < min) {
                Err(BelowMin { min })
            } else if let Some(max) = max.filter(|max| number > max) {
                Err(AboveMax { max })
            } else {
                Ok(())
            }
        }
        (FieldKind::SingleChoice { options }, Answer::Choice(value)) => {
            options.iter().any(|option| &option.value == value).then_some(()).ok_or(NotAChoice)
        }
        (FieldKind::MultipleChoice { options, min_selected, max_selected }, Answer::Choices(values)) => {
            let all_known = values.iter().all(|value| options.iter().any(|option| &option.value == value));
            let mut unique = values.clone();
            unique.sort();
            unique.dedup();
            if !all_known || unique.len() != values.len() {
                Err(NotAChoice)
            } else if let Some(min) = min_selected.filter(|min| (values.len() as u32) < *min) {
                Err(TooFewChoices { min })
            } else if let Some(max) = max_selected.filter(|max| values.len() as u32 > *max) {
                Err(TooManyChoices { max })
            } else {
                Ok(())
            }
        }
        (FieldKind::YesNo, Answer::YesNo(_)) => Ok(()),
        (FieldKind::Date, Answer::Date(text)) => {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|_| ()).map_err(|_| BadDate)
        }
        (FieldKind::Photo { min_count, max_count }, Answer::Photos(ids)) => {
            if ids.iter().any(|id| id.trim().is_empty() || id.len() > 100) {
                Err(WrongKind)
            } else if (ids.len() as u32) < *min_count {
                Err(TooFewPhotos { min: *min_count })
            } else if ids.len() as u32 > *max_count {
                Err(TooManyPhotos { max: *max_count })
            } else {
                Ok(())
            }
        }
        (FieldKind::Location { max_accuracy_m }, Answer::Location(point)) => {
            let sane = (-90.0..=90.0).contains(&point.latitude)
                && (-180.0..=180.0).contains(&point.longitude)
                && point.accuracy_m.is_finite()
                && point.accuracy_m >= 0.0;
            if !sane {
                Err(BadLocation)
            } else if let Some(max_m) = max_accuracy_m.filter(|max| point.accuracy_m > f64::from(*max)) {
                Err(TooVague { max_m, actual_m: point.accuracy_m })
            } else {
                Ok(())
            }
        }
        _ => Err(WrongKind),
    }
}

fn check_length(text: &str, max_length: Option<u32>) -> Result<(), AnswerProblem> {
    // Without a manager's limit, a generous cap still bounds what a submission stores.
    let max = max_length.unwrap_or(10_000);
    if text.chars().count() > max as usize {
        Err(AnswerProblem::TooLong { max })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{ChoiceOption, Condition, FormDraft, Text};

    fn field(key: &str, required: bool, kind: FieldKind) -> Field {
        Field { key: key.into(), label: Text::en(key), help: Text::default(), required, kind, show_if: None }
    }

    fn shop_form() -> FormSchema {
        let mut reason = field(
            "closed_reason",
            true,
            FieldKind::SingleChoice {
                options: vec![
                    ChoiceOption { value: "moved".into(), label: Text::en("Moved") },
                    ChoiceOption { value: "shut".into(), label: Text::en("Shut down") },
                ],
            },
        );
        reason.show_if = Some(Condition { field: "open".into(), any_of: vec!["no".into()] });
        let mut front = field("front", true, FieldKind::Photo { min_count: 1, max_count: 2 });
        front.show_if = Some(Condition { field: "open".into(), any_of: vec!["yes".into()] });
        FormSchema::parse(FormDraft {
            fields: vec![
                field("intro", false, FieldKind::Instruction { image_url: None }),
                field("open", true, FieldKind::YesNo),
                reason,
                front,
                field("staff", false, FieldKind::Number { min: Some(0.0), max: Some(50.0), integer: true }),
                field(
                    "pin",
                    false,
                    FieldKind::ShortText { pattern: Some("[1-9][0-9]{5}".into()), max_length: None },
                ),
                field("where", true, FieldKind::Location { max_accuracy_m: Some(30) }),
                field("owner_phone", false, FieldKind::Phone),
            ],
        })
        .unwrap()
    }

    fn answers(pairs: Vec<(&str, Answer)>) -> Answers {
        pairs.into_iter().map(|(key, answer)| (key.to_string(), answer)).collect()
    }

    fn here(accuracy_m: f64) -> Answer {
        Answer::Location(GeoPoint { latitude: 12.97, longitude: 77.59, accuracy_m })
    }

    fn problems(result: Result<Answers, Vec<AnswerError>>) -> Vec<(String, AnswerProblem)> {
        result.unwrap_err().into_iter().map(|error| (error.field, error.problem)).collect()
    }

    #[test]
    fn a_complete_open_shop_passes() {
        let form = shop_form();
        let given = answers(vec![
            ("open", Answer::YesNo(true)),
            ("front", Answer::Photos(vec!["p1".into()])),
            ("staff", Answer::Number(3.0)),
            ("pin", Answer::Text("560001".into())),
            ("where", here(12.0)),
            ("owner_phone", Answer::Text("98450 12345".into())),
        ]);
        assert_eq!(form.validate(&given).unwrap(), given);
    }

    #[test]
    fn conditional_fields_follow_the_answer_they_depend_on() {
        let form = shop_form();
        // Closed: the photo is hidden (its stale answer dropped) and the reason is required.
        let given = answers(vec![
            ("open", Answer::YesNo(false)),
            ("front", Answer::Photos(vec!["p1".into()])),
            ("where", here(5.0)),
        ]);
        assert_eq!(problems(form.validate(&given)), vec![("closed_reason".into(), AnswerProblem::Required)]);
        let mut fixed = given.clone();
        fixed.insert("closed_reason".into(), Answer::Choice("moved".into()));
        let kept = form.validate(&fixed).unwrap();
        assert!(!kept.contains_key("front"), "hidden answers are dropped");
        assert!(kept.contains_key("closed_reason"));
    }

    #[test]
    fn each_kind_of_bad_answer_is_named() {
        let form = shop_form();
        let given = answers(vec![
            ("open", Answer::YesNo(true)),
            ("front", Answer::Photos(vec!["a".into(), "b".into(), "c".into()])),
            ("staff", Answer::Number(2.5)),
            ("pin", Answer::Text("56000".into())),
            ("where", here(80.0)),
            ("owner_phone", Answer::Text("12".into())),
            ("extra", Answer::Text("x".into())),
        ]);
        assert_eq!(
            problems(form.validate(&given)),
            vec![
                ("extra".into(), AnswerProblem::UnknownField),
                ("front".into(), AnswerProblem::TooManyPhotos { max: 2 }),
                ("staff".into(), AnswerProblem::NotWhole),
                ("pin".into(), AnswerProblem::NoMatch),
                ("where".into(), AnswerProblem::TooVague { max_m: 30, actual_m: 80.0 }),
                ("owner_phone".into(), AnswerProblem::BadPhone),
            ]
        );
    }

    #[test]
    fn wrong_kinds_ranges_and_missing_answers_are_refused() {
        let form = shop_form();
        let given = answers(vec![("open", Answer::Text("yes".into())), ("staff", Answer::Number(51.0))]);
        assert_eq!(
            problems(form.validate(&given)),
            vec![
                ("open".into(), AnswerProblem::WrongKind),
                ("staff".into(), AnswerProblem::AboveMax { max: 50.0 }),
                ("where".into(), AnswerProblem::Required),
            ]
        );
    }

    #[test]
    fn multiple_choice_counts_and_unknown_values() {
        let options = ["a", "b", "c"].map(|v| ChoiceOption { value: v.into(), label: Text::en(v) }).to_vec();
        let form = FormSchema::parse(FormDraft {
            fields: vec![field(
                "pick",
                true,
                FieldKind::MultipleChoice { options, min_selected: Some(2), max_selected: Some(2) },
            )],
        })
        .unwrap();
        let pick = |values: &[&str]| {
            answers(vec![("pick", Answer::Choices(values.iter().map(|v| v.to_string()).collect()))])
        };
        assert!(form.validate(&pick(&["a", "c"])).is_ok());
        assert_eq!(problems(form.validate(&pick(&["a"])))[0].1, AnswerProblem::TooFewChoices { min: 2 });
        assert_eq!(
            problems(form.validate(&pick(&["a", "b", "c"])))[0].1,
            AnswerProblem::TooManyChoices { max: 2 }
        );
        assert_eq!(problems(form.validate(&pick(&["a", "a"])))[0].1, AnswerProblem::NotAChoice);
        assert_eq!(problems(form.validate(&pick(&["a", "z"])))[0].1, AnswerProblem::NotAChoice);
    }

    #[test]
    fn answers_travel_as_tagged_json_and_messages_come_in_hindi() {
        let json = serde_json::to_string(&Answer::YesNo(true)).unwrap();
        assert_eq!(json, r#"{"type":"yes_no","value":true}"#);
        let error = AnswerError { field: "x".into(), problem: AnswerProblem::Required };
        assert_eq!(error.message(Lang::En), "This answer is required.");
        assert_eq!(error.message(Lang::Hi), "यह उत्तर ज़रूरी है।");
    }
}
