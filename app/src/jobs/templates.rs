//! Templates: whole jobs without units, to start a new job from. Three ship built in (their
//! contents are in `server/builtin.rs`); managers save their own per organisation.

use crate::forms::FormDraft;
use crate::jobs::settings::JobSettings;
use crate::training::TrainingContent;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuiltIn {
    ShopVerification,
    HouseholdSurvey,
    ImageTagging,
}

impl BuiltIn {
    pub const ALL: [BuiltIn; 3] =
        [BuiltIn::ShopVerification, BuiltIn::HouseholdSurvey, BuiltIn::ImageTagging];

    pub fn code(self) -> &'static str {
        match self {
            BuiltIn::ShopVerification => "shop_verification",
            BuiltIn::HouseholdSurvey => "household_survey",
            BuiltIn::ImageTagging => "image_tagging",
        }
    }

    pub fn parse(code: &str) -> Option<BuiltIn> {
        BuiltIn::ALL.into_iter().find(|template| template.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            BuiltIn::ShopVerification => "Shop verification",
            BuiltIn::HouseholdSurvey => "Household survey",
            BuiltIn::ImageTagging => "Image tagging",
        }
    }

    pub fn summary(self) -> &'static str {
        match self {
            BuiltIn::ShopVerification => {
                "Visit a shop: is it open, its board photo, GPS at the door, yes/no checks."
            }
            BuiltIn::HouseholdSurvey => {
                "Door-to-door questions with numbers, choices and follow-ups that appear when relevant."
            }
            BuiltIn::ImageTagging => {
                "Look at a photo from the unit list and tag it; three giggers per photo."
            }
        }
    }
}

/// How a new job starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobStart {
    Blank,
    BuiltIn(BuiltIn),
    Saved(i64),
    CloneOf(i64),
}

impl JobStart {
    /// `blank`, `builtin:shop_verification`, `saved:12`, `clone:34`: the value of the
    /// "start from" choice on the new-job page.
    pub fn parse(text: &str) -> Option<JobStart> {
        let (kind, rest) = text.split_once(':').unwrap_or((text, ""));
        match kind {
            "blank" => Some(JobStart::Blank),
            "builtin" => BuiltIn::parse(rest).map(JobStart::BuiltIn),
            "saved" => rest.parse().ok().map(JobStart::Saved),
            "clone" => rest.parse().ok().map(JobStart::CloneOf),
            _ => None,
        }
    }
}

/// The training a template brings with it (built-ins create it in the organisation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSpec {
    pub title: String,
    pub content: TrainingContent,
    pub pass_mark_percent: i16,
    pub max_attempts: i16,
    pub cooldown_minutes: i32,
}

/// A job without its units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSpec {
    pub settings: JobSettings,
    pub form: FormDraft,
    #[serde(default)]
    pub training: Option<TrainingSpec>,
}

/// A template as the new-job page offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateChoice {
    /// The `JobStart` text to post.
    pub start: String,
    pub name: String,
    pub summary: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_choices_parse() {
        assert_eq!(JobStart::parse("blank"), Some(JobStart::Blank));
        assert_eq!(JobStart::parse("builtin:image_tagging"), Some(JobStart::BuiltIn(BuiltIn::ImageTagging)));
        assert_eq!(JobStart::parse("saved:7"), Some(JobStart::Saved(7)));
        assert_eq!(JobStart::parse("clone:x"), None);
        assert_eq!(JobStart::parse("builtin:nope"), None);
    }
}
