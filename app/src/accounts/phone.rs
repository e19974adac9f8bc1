//! Phone numbers, parsed once into E.164. Indian numbers are the default: a bare
//! 10-digit mobile number (first digit 6-9) gets +91; other countries need a leading +.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("Enter your mobile number.")]
    Empty,
    #[error("A phone number may contain only digits, spaces, dashes, brackets and a leading +.")]
    BadCharacters,
    #[error("Enter a 10-digit Indian mobile number starting with 6, 7, 8 or 9.")]
    NotIndianMobile,
    #[error("An international number needs 8 to 15 digits after the +.")]
    BadInternational,
}

impl PhoneError {
    /// What the person typing the number is told, in English and Hindi.
    pub fn told(&self) -> crate::error::Message {
        let hi = match self {
            PhoneError::Empty => "अपना मोबाइल नंबर लिखें।",
            PhoneError::BadCharacters => "फ़ोन नंबर में सिर्फ़ अंक, स्पेस, डैश, ब्रैकेट और शुरू में + हो सकते हैं।",
            PhoneError::NotIndianMobile => "6, 7, 8 या 9 से शुरू होने वाला 10 अंकों का भारतीय मोबाइल नंबर लिखें।",
            PhoneError::BadInternational => "अंतरराष्ट्रीय नंबर में + के बाद 8 से 15 अंक होने चाहिए।",
        };
        crate::error::Message::both(self.to_string(), hi)
    }
}

impl Phone {
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let international = trimmed.starts_with('+');
        let body = if international { &trimmed[1..] } else { trimmed };
        let mut digits = String::with_capacity(body.len());
        for ch in body.chars() {
            match ch {
                '0'..='9' => digits.push(ch),
                ' ' | '-' | '(' | ')' | '.' => {}
                _ => return Err(PhoneError::BadCharacters),
            }
        }
        if international {
            if let Some(national) = digits.strip_prefix("91") {
                return indian_mobile(national);
            }
            if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
                return Err(PhoneError::BadInternational);
            }
            return Ok(Phone(format!("+{digits}")));
        }
        // Local forms people type: 98765 43210, 098765 43210 (trunk 0), 919876543210.
        let national = match digits.len() {
            11 if digits.starts_with('0') => &digits[1..],
            12 if digits.starts_with("91") => &digits[2..],
            _ => digits.as_str(),
        };
        indian_mobile(national)
    }

    /// The E.164 form, e.g. `+919876543210`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with all but the last four digits hidden, for screens and logs.
    pub fn masked(&self) -> String {
        let keep = 4.min(self.0.len());
        let (head, tail) = self.0.split_at(self.0.len() - keep);
        let prefix = if head.starts_with("+91") { "+91" } else { "+" };
        let hidden = head.len().saturating_sub(prefix.len());
        format!("{prefix}{}{tail}", "•".repeat(hidden))
    }
}

fn indian_mobile(national: &str) -> Result<Phone, PhoneError> {
    let valid = national.len() == 10 && matches!(national.as_bytes()[0], b'6'..=b'9');
    if valid {
        Ok(Phone(format!("+91{national}")))
    } else {
        Err(PhoneError::NotIndianMobile)
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indian_forms_normalise_to_e164() {
        for input in [
            "9876543210",
            "98765 43210",
            "098765-43210",
            "919876543210",
            "+91 98765 43210",
            " +91-98765-43210 ",
            "(+91) 98765 43210",
        ] {
            let parsed = Phone::parse(input);
            if input.starts_with("(+") {
                assert_eq!(parsed, Err(PhoneError::BadCharacters), "{input}");
            } else {
                assert_eq!(parsed.unwrap().as_str(), "+919876543210", "{input}");
            }
        }
    }

    #[test]
    fn rejects_what_is_not_an_indian_mobile() {
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("12345"), Err(PhoneError::NotIndianMobile));
        assert_eq!(Phone::parse("5876543210"), Err(PhoneError::NotIndianMobile));
        assert_eq!(Phone::parse("98765432101"), Err(PhoneError::NotIndianMobile));
        assert_eq!(Phone::parse("+91 5876543210"), Err(PhoneError::NotIndianMobile));
        assert_eq!(Phone::parse("98765abc10"), Err(PhoneError::BadCharacters));
    }

    #[test]
    fn other_countries_need_a_plus() {
        assert_eq!(Phone::parse("+44 7911 123456").unwrap().as_str(), "+447911123456");
        assert_eq!(Phone::parse("+1234"), Err(PhoneError::BadInternational));
        assert_eq!(Phone::parse("+0123456789"), Err(PhoneError::BadInternational));
    }

    #[test]
    fn masked_shows_only_the_last_four_digits() {
        let phone = Phone::parse("9876543210").unwrap();
        assert_eq!(phone.masked(), "+91••••••3210");
    }
}
