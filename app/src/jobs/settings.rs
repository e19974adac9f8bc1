//! A job's settings: the parsed type the server stores, and the flat form the settings
//! page posts (every field a string, as an HTML form sends it).

use crate::forms::Lang;
use crate::money::Paise;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    ShopVerification,
    Survey,
    ImageTagging,
    DataCollection,
    AppInstall,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::ShopVerification,
        Category::Survey,
        Category::ImageTagging,
        Category::DataCollection,
        Category::AppInstall,
        Category::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::ShopVerification => "shop_verification",
            Category::Survey => "survey",
            Category::ImageTagging => "image_tagging",
            Category::DataCollection => "data_collection",
            Category::AppInstall => "app_install",
            Category::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::ShopVerification => "Shop verification",
            Category::Survey => "Survey",
            Category::ImageTagging => "Image tagging",
            Category::DataCollection => "Data collection",
            Category::AppInstall => "App install",
            Category::Other => "Other",
        }
    }

    pub fn parse(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|category| category.code() == code)
    }
}

/// Where the work is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Geography {
    Anywhere,
    /// Giggers in these cities or pincodes.
    Places {
        cities: Vec<String>,
        pincodes: Vec<String>,
    },
    /// Each unit has its own location; giggers within `max_distance_m` of it.
    NearUnits {
        max_distance_m: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitsMode {
    /// Work items come from an imported (or hand-made) unit list.
    List,
    /// No unit list: each reservation creates its own unit until the target is reached.
    Open,
}

/// The QC policy the pipeline applies (pipeline/qc.rs): each check's threshold, what a
/// failure means, and the audit share. Fields added later default when a stored policy
/// lacks them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QcPolicy {
    /// Share of submissions that pass every check but still go to a reviewer (percent).
    #[serde(default = "QcPolicy::default_audit")]
    pub audit_percent: u8,
    /// Distance from the unit's location beyond which the geofence check fails.
    #[serde(default = "QcPolicy::default_geofence")]
    pub geofence_m: u32,
    /// Submissions made faster than this look careless.
    #[serde(default = "QcPolicy::default_min_seconds")]
    pub min_seconds_on_task: u32,
    /// The reason codes a reviewer may reject with.
    #[serde(default = "QcPolicy::default_reasons")]
    pub reject_reasons: Vec<String>,
    /// A GPS fix vaguer than this radius fails the accuracy check.
    #[serde(default = "QcPolicy::default_gps_accuracy")]
    pub gps_accuracy_m: u32,
    /// A photo's EXIF GPS further than this from the submitted GPS fails.
    #[serde(default = "QcPolicy::default_exif_gps")]
    pub exif_gps_m: u32,
    /// A photo's EXIF time further than this from the submission fails.
    #[serde(default = "QcPolicy::default_exif_time")]
    pub exif_time_minutes: u32,
    /// A photo less sharp than this (variance of the Laplacian at 512 px) fails the blur check.
    #[serde(default = "QcPolicy::default_min_sharpness")]
    pub min_sharpness: u32,
    /// A photo this many bits or fewer from an earlier photo of the job (perceptual
    /// hash) is a near-duplicate; at most 7 (the index finds every match up to 7).
    #[serde(default = "QcPolicy::default_near_duplicate_bits")]
    pub near_duplicate_bits: u32,
    /// What each check's failure means.
    #[serde(default)]
    pub actions: crate::pipeline::qc::QcActions,
}

impl QcPolicy {
    fn default_audit() -> u8 {
        5
    }
    fn default_geofence() -> u32 {
        500
    }
    fn default_min_seconds() -> u32 {
        30
    }
    fn default_min_sharpness() -> u32 {
        100
    }
    fn default_near_duplicate_bits() -> u32 {
        6
    }
    fn default_gps_accuracy() -> u32 {
        100
    }
    fn default_exif_gps() -> u32 {
        1000
    }
    fn default_exif_time() -> u32 {
        120
    }
    fn default_reasons() -> Vec<String> {
        ["blurry_photo", "wrong_location", "wrong_answers", "duplicate", "incomplete"]
            .map(String::from)
            .to_vec()
    }
}

impl Default for QcPolicy {
    fn default() -> QcPolicy {
        QcPolicy {
            audit_percent: QcPolicy::default_audit(),
            geofence_m: QcPolicy::default_geofence(),
            min_seconds_on_task: QcPolicy::default_min_seconds(),
            reject_reasons: QcPolicy::default_reasons(),
            gps_accuracy_m: QcPolicy::default_gps_accuracy(),
            exif_gps_m: QcPolicy::default_exif_gps(),
            exif_time_minutes: QcPolicy::default_exif_time(),
            min_sharpness: QcPolicy::default_min_sharpness(),
            near_duplicate_bits: QcPolicy::default_near_duplicate_bits(),
            actions: Default::default(),
        }
    }
}

/// Everything about a job except its form, training content and units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSettings {
    pub title: String,
    pub title_hi: String,
    /// Markdown; rendered on the server with raw HTML escaped.
    pub description: String,
    pub description_hi: String,
    pub category: Category,
    pub pay: Paise,
    pub budget_cap: Option<Paise>,
    pub target_approved: i32,
    pub daily_cap_per_gigger: Option<i32>,
    pub reservation_minutes: i32,
    /// How long one gig takes, as the feed tells giggers.
    pub expected_minutes: i16,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub geography: Geography,
    pub languages: Vec<Lang>,
    pub training_id: Option<i64>,
    pub min_trust_score: i16,
    pub overlap: i16,
    pub units_mode: UnitsMode,
    pub qc_policy: QcPolicy,
}

impl JobSettings {
    /// A new blank job: nothing the publish checklist would accept yet except the
    /// defaults a manager rarely changes.
    pub fn blank() -> JobSettings {
        JobSettings {
            title: "Untitled job".into(),
            title_hi: String::new(),
            description: String::new(),
            description_hi: String::new(),
            category: Category::Other,
            pay: Paise(0),
            budget_cap: None,
            target_approved: 100,
            daily_cap_per_gigger: None,
            reservation_minutes: 60,
            expected_minutes: 15,
            starts_on: None,
            ends_on: None,
            geography: Geography::Anywhere,
            languages: vec![],
            training_id: None,
            min_trust_score: 0,
            overlap: 1,
            units_mode: UnitsMode::List,
            qc_policy: QcPolicy::default(),
        }
    }
}

/// The settings page's fields exactly as posted. `parse` names the first bad field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct JobSettingsForm {
    pub title: String,
    #[serde(default)]
    pub title_hi: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub description_hi: String,
    pub category: String,
    pub pay_rupees: String,
    #[serde(default)]
    pub budget_cap_rupees: String,
    pub target_approved: String,
    #[serde(default)]
    pub daily_cap_per_gigger: String,
    pub reservation_minutes: String,
    #[serde(default)]
    pub expected_minutes: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    pub geography_kind: String,
    #[serde(default)]
    pub places: String,
    #[serde(default)]
    pub max_distance_m: String,
    #[serde(default)]
    pub lang_en: Option<String>,
    #[serde(default)]
    pub lang_hi: Option<String>,
    #[serde(default)]
    pub training_id: String,
    #[serde(default)]
    pub min_trust_score: String,
    pub overlap: String,
    pub units_mode: String,
    #[serde(default)]
    pub audit_percent: String,
    #[serde(default)]
    pub geofence_m: String,
    #[serde(default)]
    pub min_seconds_on_task: String,
    #[serde(default)]
    pub reject_reasons: String,
    #[serde(default)]
    pub gps_accuracy_m: String,
    #[serde(default)]
    pub exif_gps_m: String,
    #[serde(default)]
    pub exif_time_minutes: String,
    #[serde(default)]
    pub min_sharpness: String,
    #[serde(default)]
    pub near_duplicate_bits: String,
    /// What each check's failure means, by check code (`settings[on_fail][geofence]`).
    #[serde(default)]
    pub on_fail: std::collections::BTreeMap<String, String>,
}

/// A field name and what is wrong with it.
pub type FieldProblem = (&'static str, String);

/// What each check's failure means, by check code; checks not given keep their default.
fn parse_actions(
    given: &std::collections::BTreeMap<String, String>,
) -> Result<crate::pipeline::qc::QcActions, FieldProblem> {
    use crate::pipeline::qc::{CheckCode, OnFail, QcActions};
    let mut actions = QcActions::default();
    for (code, action) in given {
        let check = CheckCode::ALL
            .into_iter()
            .find(|c| c.name() == code)
            .ok_or_else(|| ("on_fail", format!("There is no quality check called \"{code}\".")))?;
        let on_fail = OnFail::parse(action).ok_or_else(|| {
            ("on_fail", "A failed check can reject, send to review, or be ignored.".to_string())
        })?;
        actions.set(check, on_fail);
    }
    Ok(actions)
}

fn number<T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy>(
    field: &'static str,
    text: &str,
    what: &str,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, FieldProblem> {
    let value: T = text.trim().parse().map_err(|_| (field, format!("{what} must be a whole number.")))?;
    if !range.contains(&value) {
        return Err((field, format!("{what} must be between {} and {}.", range.start(), range.end())));
    }
    Ok(value)
}

fn optional<T>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, FieldProblem>,
) -> Result<Option<T>, FieldProblem> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

fn date(field: &'static str, text: &str) -> Result<NaiveDate, FieldProblem> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| (field, "Use a date like 2026-12-31.".to_string()))
}

/// Splits a list typed with commas or new lines; six-digit entries are pincodes.
fn places(text: &str) -> Result<(Vec<String>, Vec<String>), FieldProblem> {
    let (mut cities, mut pincodes) = (Vec::new(), Vec::new());
    for entry in text.split([',', '\n', ';']).map(str::trim).filter(|entry| !entry.is_empty()) {
        if entry.chars().all(|c| c.is_ascii_digit()) {
            if entry.len() != 6 || entry.starts_with('0') {
                return Err(("places", format!("\u{201c}{entry}\u{201d} is not a six-digit pincode.")));
            }
            pincodes.push(entry.to_string());
        } else if entry.chars().count() > 80 {
            return Err(("places", "A city name is at most 80 characters.".into()));
        } else {
            cities.push(entry.to_string());
        }
    }
    if cities.is_empty() && pincodes.is_empty() {
        return Err(("places", "List at least one city or pincode.".into()));
    }
    cities.sort();
    cities.dedup();
    pincodes.sort();
    pincodes.dedup();
    Ok((cities, pincodes))
}

impl JobSettingsForm {
    pub fn parse(&self) -> Result<JobSettings, FieldProblem> {
        let title = self.title.trim().to_string();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(("title", "The title must be 1 to 200 characters.".into()));
        }
        if self.title_hi.trim().chars().count() > 200 {
            return Err(("title_hi", "The Hindi title is at most 200 characters.".into()));
        }
        if self.description.len() > 20_000 || self.description_hi.len() > 20_000 {
            return Err(("description", "The description is at most 20,000 characters.".into()));
        }
        let category =
            Category::parse(&self.category).ok_or(("category", "Choose a category.".to_string()))?;
        let pay =
            Paise::parse_rupees(&self.pay_rupees).map_err(|message| ("pay_rupees", message.to_string()))?;
        let budget_cap = optional(&self.budget_cap_rupees, |text| {
            Paise::parse_rupees(text).map_err(|message| ("budget_cap_rupees", message.to_string()))
        })?;
        if budget_cap.is_some_and(|cap| cap < pay) {
            return Err(("budget_cap_rupees", "The budget cap must be at least one gig's pay.".into()));
        }
        let target_approved = number("target_approved", &self.target_approved, "The target", 1..=10_000_000)?;
        let daily_cap_per_gigger = optional(&self.daily_cap_per_gigger, |text| {
            number("daily_cap_per_gigger", text, "The daily cap", 1..=1000)
        })?;
        let reservation_minutes =
            number("reservation_minutes", &self.reservation_minutes, "The time limit", 5..=10_080)?;
        let expected_minutes = optional(&self.expected_minutes, |text| {
            number("expected_minutes", text, "The time per gig", 1..=1440)
        })?
        .unwrap_or(15);
        let starts_on = optional(&self.starts_on, |text| date("starts_on", text))?;
        let ends_on = optional(&self.ends_on, |text| date("ends_on", text))?;
        if let (Some(start), Some(end)) = (starts_on, ends_on) {
            if end < start {
                return Err(("ends_on", "The end date is before the start date.".into()));
            }
        }
        let geography = match self.geography_kind.as_str() {
            "anywhere" => Geography::Anywhere,
            "places" => {
                let (cities, pincodes) = places(&self.places)?;
                Geography::Places { cities, pincodes }
            }
            "near_units" => Geography::NearUnits {
                max_distance_m: number("max_distance_m", &self.max_distance_m, "The distance", 10..=50_000)?,
            },
            _ => return Err(("geography_kind", "Choose where the work is.".into())),
        };
        let mut languages = Vec::new();
        if self.lang_en.is_some() {
            languages.push(Lang::En);
        }
        if self.lang_hi.is_some() {
            languages.push(Lang::Hi);
        }
        let training_id = optional(&self.training_id, |text| {
            text.trim().parse::<i64>().map_err(|_| ("training_id", "Choose a training from the list.".into()))
        })?;
        let min_trust_score = optional(&self.min_trust_score, |text| {
            number("min_trust_score", text, "The minimum trust score", 0..=100)
        })?
        .unwrap_or(0);
        let overlap = number("overlap", &self.overlap, "Submissions per unit", 1..=20)?;
        let units_mode = match self.units_mode.as_str() {
            "list" => UnitsMode::List,
            "open" => UnitsMode::Open,
            _ => return Err(("units_mode", "Choose where the work items come from.".into())),
        };
        let defaults = QcPolicy::default();
        let reject_reasons: Vec<String> = self
            .reject_reasons
            .split([',', '\n'])
            .map(|reason| reason.trim().to_lowercase().replace(' ', "_"))
            .filter(|reason| !reason.is_empty())
            .collect();
        if reject_reasons.iter().any(|reason| reason.len() > 60) {
            return Err(("reject_reasons", "A reason code is at most 60 characters.".into()));
        }
        let qc_policy = QcPolicy {
            audit_percent: optional(&self.audit_percent, |text| {
                number("audit_percent", text, "The audit rate", 0..=100)
            })?
            .unwrap_or(defaults.audit_percent),
            geofence_m: optional(&self.geofence_m, |text| {
                number("geofence_m", text, "The geofence", 10..=500_000)
            })?
            .unwrap_or(defaults.geofence_m),
            min_seconds_on_task: optional(&self.min_seconds_on_task, |text| {
                number("min_seconds_on_task", text, "The minimum time", 0..=86_400)
            })?
            .unwrap_or(defaults.min_seconds_on_task),
            reject_reasons: if reject_reasons.is_empty() { defaults.reject_reasons } else { reject_reasons },
            gps_accuracy_m: optional(&self.gps_accuracy_m, |text| {
                number("gps_accuracy_m", text, "The GPS accuracy limit", 1..=100_000)
            })?
            .unwrap_or(defaults.gps_accuracy_m),
            exif_gps_m: optional(&self.exif_gps_m, |text| {
                number("exif_gps_m", text, "The photo GPS distance", 10..=500_000)
            })?
            .unwrap_or(defaults.exif_gps_m),
            exif_time_minutes: optional(&self.exif_time_minutes, |text| {
                number("exif_time_minutes", text, "The photo time difference", 1..=10_080)
            })?
            .unwrap_or(defaults.exif_time_minutes),
            min_sharpness: optional(&self.min_sharpness, |text| {
                number("min_sharpness", text, "The minimum sharpness", 0..=100_000)
            })?
            .unwrap_or(defaults.min_sharpness),
            near_duplicate_bits: optional(&self.near_duplicate_bits, |text| {
                number("near_duplicate_bits", text, "The near-duplicate distance", 0..=7)
            })?
            .unwrap_or(defaults.near_duplicate_bits),
            actions: parse_actions(&self.on_fail)?,
        };
        Ok(JobSettings {
            title,
            title_hi: self.title_hi.trim().to_string(),
            description: self.description.trim().to_string(),
            description_hi: self.description_hi.trim().to_string(),
            category,
            pay,
            budget_cap,
            target_approved,
            daily_cap_per_gigger,
            reservation_minutes,
            expected_minutes,
            starts_on,
            ends_on,
            geography,
            languages,
            training_id,
            min_trust_score,
            overlap,
            units_mode,
            qc_policy,
        })
    }

    /// The form filled in with saved settings (the page's initial values).
    pub fn from_settings(settings: &JobSettings) -> JobSettingsForm {
        let text = |value: Option<i32>| value.map(|v| v.to_string()).unwrap_or_default();
        let (geography_kind, places, max_distance_m) = match &settings.geography {
            Geography::Anywhere => ("anywhere", String::new(), String::new()),
            Geography::Places { cities, pincodes } => (
                "places",
                cities.iter().chain(pincodes).cloned().collect::<Vec<_>>().join(", "),
                String::new(),
            ),
            Geography::NearUnits { max_distance_m } => {
                ("near_units", String::new(), max_distance_m.to_string())
            }
        };
        JobSettingsForm {
            title: settings.title.clone(),
            title_hi: settings.title_hi.clone(),
            description: settings.description.clone(),
            description_hi: settings.description_hi.clone(),
            category: settings.category.code().into(),
            pay_rupees: settings.pay.as_rupee_input(),
            budget_cap_rupees: settings.budget_cap.map(Paise::as_rupee_input).unwrap_or_default(),
            target_approved: settings.target_approved.to_string(),
            daily_cap_per_gigger: text(settings.daily_cap_per_gigger),
            reservation_minutes: settings.reservation_minutes.to_string(),
            expected_minutes: settings.expected_minutes.to_string(),
            starts_on: settings.starts_on.map(|d| d.to_string()).unwrap_or_default(),
            ends_on: settings.ends_on.map(|d| d.to_string()).unwrap_or_default(),
            geography_kind: geography_kind.into(),
            places,
            max_distance_m,
            lang_en: settings.languages.contains(&Lang::En).then(|| "on".into()),
            lang_hi: settings.languages.contains(&Lang::Hi).then(|| "on".into()),
            training_id: settings.training_id.map(|id| id.to_string()).unwrap_or_default(),
            min_trust_score: settings.min_trust_score.to_string(),
            overlap: settings.overlap.to_string(),
            units_mode: match settings.units_mode {
                UnitsMode::List => "list",
                UnitsMode::Open => "open",
            }
            .into(),
            audit_percent: settings.qc_policy.audit_percent.to_string(),
            geofence_m: settings.qc_policy.geofence_m.to_string(),
            min_seconds_on_task: settings.qc_policy.min_seconds_on_task.to_string(),
            reject_reasons: settings.qc_policy.reject_reasons.join(", "),
            gps_accuracy_m: settings.qc_policy.gps_accuracy_m.to_string(),
            exif_gps_m: settings.qc_policy.exif_gps_m.to_string(),
            exif_time_minutes: settings.qc_policy.exif_time_minutes.to_string(),
            min_sharpness: settings.qc_policy.min_sharpness.to_string(),
            near_duplicate_bits: settings.qc_policy.near_duplicate_bits.to_string(),
            on_fail: crate::pipeline::qc::CheckCode::ALL
                .iter()
                .map(|code| {
                    (code.name().to_string(), settings.qc_policy.actions.get(*code).name().to_string())
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> JobSettingsForm {
        JobSettingsForm::from_settings(&JobSettings {
            pay: Paise(4500),
            geography: Geography::Places {
                cities: vec!["Bengaluru".into()],
                pincodes: vec!["560001".into()],
            },
            languages: vec![Lang::En, Lang::Hi],
            starts_on: NaiveDate::from_ymd_opt(2026, 12, 1),
            ends_on: NaiveDate::from_ymd_opt(2026, 12, 31),
            ..JobSettings::blank()
        })
    }

    #[test]
    fn saved_settings_survive_the_form_round_trip() {
        let form = filled();
        let parsed = form.parse().unwrap();
        assert_eq!(JobSettingsForm::from_settings(&parsed), form);
        assert_eq!(parsed.pay, Paise(4500));
        assert_eq!(parsed.languages, vec![Lang::En, Lang::Hi]);
        // What a failed check means is edited here too, one choice per check.
        let mut strict = form.clone();
        strict.on_fail.insert("geofence".into(), "reject".into());
        let parsed = strict.parse().unwrap();
        assert_eq!(
            parsed.qc_policy.actions.get(crate::pipeline::qc::CheckCode::Geofence),
            crate::pipeline::qc::OnFail::Reject
        );
        assert_eq!(JobSettingsForm::from_settings(&parsed), strict);
    }

    #[test]
    fn each_bad_field_is_named() {
        type Breakage = fn(&mut JobSettingsForm);
        let cases: Vec<(Breakage, &str)> = vec![
            (|f| f.title = "  ".into(), "title"),
            (|f| f.pay_rupees = "12.345".into(), "pay_rupees"),
            (|f| f.budget_cap_rupees = "10".into(), "budget_cap_rupees"),
            (|f| f.target_approved = "0".into(), "target_approved"),
            (|f| f.reservation_minutes = "two".into(), "reservation_minutes"),
            (|f| f.ends_on = "2026-11-01".into(), "ends_on"),
            (|f| f.places = "Pune, 12345".into(), "places"),
            (|f| f.overlap = "21".into(), "overlap"),
            (|f| f.units_mode = "magic".into(), "units_mode"),
            (|f| f.category = "".into(), "category"),
            (|f| f.gps_accuracy_m = "0".into(), "gps_accuracy_m"),
            (|f| f.exif_time_minutes = "soon".into(), "exif_time_minutes"),
            (|f| f.near_duplicate_bits = "8".into(), "near_duplicate_bits"),
            (|f| _ = f.on_fail.insert("geofence".into(), "shrug".into()), "on_fail"),
            (|f| _ = f.on_fail.insert("palm_reading".into(), "reject".into()), "on_fail"),
        ];
        for (break_it, field) in cases {
            let mut form = filled();
            break_it(&mut form);
            assert_eq!(form.parse().unwrap_err().0, field);
        }
    }

    #[test]
    fn places_split_into_cities_and_pincodes() {
        assert_eq!(
            places("Pune\n560001, Mumbai; 560001").unwrap(),
            (vec!["Mumbai".to_string(), "Pune".to_string()], vec!["560001".to_string()])
        );
    }
}
