//! A gigger's profile: the name, city, pincode and languages they give at their first
//! sign-in, and optionally a UPI id for payouts. Parsed once from the form into types
//! that cannot hold a bad value.

use crate::error::{AppError, Message};
use crate::forms::Lang;
use serde::{Deserialize, Serialize};

/// What the profile page posts. Checkboxes arrive only when ticked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileForm {
    pub name: String,
    pub city: String,
    pub pincode: String,
    #[serde(default)]
    pub speaks_en: Option<String>,
    #[serde(default)]
    pub speaks_hi: Option<String>,
    #[serde(default)]
    pub upi_id: String,
    /// From "use my location" (both empty when not used).
    #[serde(default)]
    pub latitude: String,
    #[serde(default)]
    pub longitude: String,
}

/// An Indian postal code: six digits, not starting with 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pincode(String);

impl Pincode {
    pub fn parse(input: &str) -> Result<Pincode, &'static str> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let valid =
            digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
        if valid {
            Ok(Pincode(digits))
        } else {
            Err("Enter your 6-digit pincode, e.g. 560001.")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A UPI virtual payment address: `name@bank` (NPCI: 2-256 characters of letters,
/// digits, dot, hyphen, underscore, then a handle of letters and digits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpiId(String);

impl UpiId {
    pub fn parse(input: &str) -> Result<UpiId, &'static str> {
        const ERROR: &str = "Enter a UPI id like name@okbank (letters, digits, . - _ before the @).";
        let text = input.trim();
        let (name, handle) = text.split_once('@').ok_or(ERROR)?;
        let name_ok = (2..=256).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        let handle_ok = (2..=64).contains(&handle.len())
            && handle.bytes().all(|b| b.is_ascii_alphanumeric())
            && handle.as_bytes()[0].is_ascii_alphabetic();
        if name_ok && handle_ok {
            Ok(UpiId(text.to_string()))
        } else {
            Err(ERROR)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A profile known to be complete and well-formed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileInput {
    pub name: String,
    pub city: String,
    pub pincode: Pincode,
    pub languages: Vec<Lang>,
    pub upi_id: Option<UpiId>,
    /// (latitude, longitude) from the device.
    pub device_location: Option<(f64, f64)>,
}

impl ProfileForm {
    /// The profile, or the first problem tied to its field.
    pub fn parse(&self) -> Result<ProfileInput, AppError> {
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid(
                "name",
                Message::both(
                    "Enter your name (at most 100 letters).",
                    "अपना नाम लिखें (ज़्यादा से ज़्यादा 100 अक्षर)।",
                ),
            ));
        }
        let city = self.city.split_whitespace().collect::<Vec<_>>().join(" ");
        if city.is_empty() || city.chars().count() > 100 {
            return Err(AppError::invalid(
                "city",
                Message::both("Enter your city or town.", "अपना शहर या कस्बा लिखें।"),
            ));
        }
        let pincode = Pincode::parse(&self.pincode).map_err(|e| {
            AppError::invalid("pincode", Message::both(e, "अपना 6 अंकों का पिनकोड लिखें, जैसे 560001।"))
        })?;
        let mut languages = Vec::new();
        if self.speaks_en.is_some() {
            languages.push(Lang::En);
        }
        if self.speaks_hi.is_some() {
            languages.push(Lang::Hi);
        }
        if languages.is_empty() {
            return Err(AppError::invalid(
                "languages",
                Message::both("Choose at least one language you read.", "कम से कम एक भाषा चुनें जो आप पढ़ते हैं।"),
            ));
        }
        let upi_id = match self.upi_id.trim() {
            "" => None,
            text => Some(UpiId::parse(text).map_err(|e| {
                AppError::invalid(
                    "upi_id",
                    Message::both(e, "UPI आईडी name@okbank जैसी लिखें (@ से पहले अक्षर, अंक, . - _)।"),
                )
            })?),
        };
        let device_location = match (self.latitude.trim(), self.longitude.trim()) {
            ("", "") => None,
            (lat, lng) => {
                let lat: f64 = lat.parse().map_err(|_| unreadable_location())?;
                let lng: f64 = lng.parse().map_err(|_| unreadable_location())?;
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
                    return Err(unreadable_location());
                }
                Some((lat, lng))
            }
        };
        Ok(ProfileInput { name, city, pincode, languages, upi_id, device_location })
    }
}

/// The device sent a location that is not one (the page fills these fields itself).
pub fn unreadable_location() -> AppError {
    AppError::invalid("location", Message::both("The location could not be read.", "स्थान पढ़ा नहीं जा सका।"))
}

/// A profile as stored, for the profile page and the server's eligibility checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GiggerProfile {
    pub name: String,
    pub phone: String,
    pub city: String,
    pub pincode: String,
    pub languages: Vec<Lang>,
    pub upi_id: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// `device` or `pincode`.
    pub location_source: Option<String>,
    pub trust_score: i16,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProfileForm {
        ProfileForm {
            name: "  Asha   Devi ".into(),
            city: "Bengaluru".into(),
            pincode: "560 001".into(),
            speaks_hi: Some("on".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_parses_and_is_tidied() {
        let profile = form().parse().unwrap();
        assert_eq!(profile.name, "Asha Devi");
        assert_eq!(profile.pincode.as_str(), "560001");
        assert_eq!(profile.languages, vec![Lang::Hi]);
        assert_eq!(profile.upi_id, None);
        assert_eq!(profile.device_location, None);
    }

    #[test]
    fn each_bad_field_is_named() {
        let field_of = |form: ProfileForm| match form.parse() {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(field_of(ProfileForm { name: " ".into(), ..form() }), "name");
        assert_eq!(field_of(ProfileForm { city: "".into(), ..form() }), "city");
        assert_eq!(field_of(ProfileForm { pincode: "012345".into(), ..form() }), "pincode");
        assert_eq!(field_of(ProfileForm { pincode: "56001".into(), ..form() }), "pincode");
        assert_eq!(field_of(ProfileForm { speaks_hi: None, ..form() }), "languages");
        assert_eq!(field_of(ProfileForm { upi_id: "asha".into(), ..form() }), "upi_id");
        assert_eq!(
            field_of(ProfileForm { latitude: "12.9".into(), longitude: "east".into(), ..form() }),
            "location"
        );
        assert_eq!(
            field_of(ProfileForm { latitude: "95".into(), longitude: "77".into(), ..form() }),
            "location"
        );
    }

    #[test]
    fn upi_ids_follow_the_npci_shape() {
        for good in ["asha.devi@okaxis", "9876543210@ybl", "a_b-c@paytm"] {
            assert!(UpiId::parse(good).is_ok(), "{good}");
        }
        for bad in
            ["asha", "a@ok", "@okaxis", "asha@", "asha devi@okaxis", "asha@ok.axis", "asha@1bank", "a@@b"]
        {
            assert!(UpiId::parse(bad).is_err(), "{bad}");
        }
    }
}
