//! Forms: the versioned schema a job's gig form follows, and the one validator that the
//! browser (instant errors) and the server (the final word) both run.
//!
//! A manager edits a [`FormDraft`]; [`FormSchema::parse`] turns it into a schema that is
//! known to be sound (unique keys, compilable patterns, conditions on earlier fields,
//! non-empty choice lists), and [`FormSchema::validate`] checks a gigger's [`Answers`].

mod answers;
mod browser;
pub use browser::capture_location;
mod pattern;
mod schema;
pub mod view;

pub use answers::{Answer, AnswerError, AnswerProblem, Answers, GeoPoint};
pub use schema::{
    ChoiceOption, Condition, Field, FieldKind, FieldKindTag, FormDraft, FormSchema, SchemaError,
};

use serde::{Deserialize, Serialize};

/// The languages gigger-facing text comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Hi,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "hi" => Some(Lang::Hi),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Hi => "hi",
        }
    }
}

/// Text a manager writes in English and, optionally, Hindi. Hindi readers see the English
/// text where no Hindi was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Text {
    pub en: String,
    #[serde(default)]
    pub hi: String,
}

impl Text {
    pub fn en(text: impl Into<String>) -> Text {
        Text { en: text.into(), hi: String::new() }
    }

    pub fn both(en: impl Into<String>, hi: impl Into<String>) -> Text {
        Text { en: en.into(), hi: hi.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Hi if !self.hi.trim().is_empty() => &self.hi,
            _ => &self.en,
        }
    }
}
