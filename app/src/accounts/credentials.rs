//! Parsed sign-in inputs: one-time codes, emails, passwords and names. The same parsers
//! run in the browser (instant feedback) and on the server (the final word).

use serde::{Deserialize, Serialize};

/// The six digits a gigger types from the SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpCode(String);

impl OtpCode {
    pub const LENGTH: usize = 6;

    /// The code, or what the gigger is told (English and Hindi).
    pub fn parse(input: &str) -> Result<OtpCode, crate::error::Message> {
        use crate::error::Message;
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() {
            return Err(Message::both("Enter the 6-digit code we sent you.", "हमारा भेजा 6 अंकों का कोड लिखें।"));
        }
        if digits.len() != Self::LENGTH || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(Message::both("The code is 6 digits.", "कोड 6 अंकों का है।"));
        }
        Ok(OtpCode(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A lowercased email address with a plausible shape; deliverability is not our test.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter your email address.");
        }
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("That does not look like an email address.");
        }
        match email.split_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.') =>
            {
                Ok(Email(email))
            }
            _ => Err("That does not look like an email address."),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password someone is choosing now. Length is the rule that matters (NIST 800-63B):
/// at least 12 characters, at most 128 so hashing cost stays bounded.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(input: &str) -> Result<NewPassword, String> {
        let chars = input.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(format!("Use at least {} characters.", Self::MIN_CHARS));
        }
        if chars > Self::MAX_CHARS {
            return Err(format!("Use at most {} characters.", Self::MAX_CHARS));
        }
        if input.trim().is_empty() {
            return Err("A password cannot be only spaces.".to_string());
        }
        Ok(NewPassword(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

/// The name shown for a person on screens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<DisplayName, &'static str> {
        let name = input.trim();
        if name.is_empty() {
            return Err("Enter a name.");
        }
        if name.chars().count() > 100 {
            return Err("Use at most 100 characters.");
        }
        if name.chars().any(char::is_control) {
            return Err("A name cannot contain control characters.");
        }
        Ok(DisplayName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otp_code_is_exactly_six_digits() {
        assert_eq!(OtpCode::parse(" 123 456 ").unwrap().as_str(), "123456");
        assert!(OtpCode::parse("12345").is_err());
        assert!(OtpCode::parse("1234567").is_err());
        assert!(OtpCode::parse("12a456").is_err());
        assert!(OtpCode::parse("").is_err());
        assert!(OtpCode::parse("١٢٣٤٥٦").is_err(), "non-ASCII digits are refused");
    }

    #[test]
    fn email_is_trimmed_and_lowercased() {
        assert_eq!(Email::parse("  Asha@Example.COM ").unwrap().as_str(), "asha@example.com");
        for bad in ["", "asha", "asha@", "@example.com", "a@b", "a@@b.com", "a b@c.com", "a@.com"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn new_password_length_is_bounded_and_hidden_in_debug() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
        assert!(NewPassword::parse("            ").is_err());
        let ok = NewPassword::parse("correct horse battery").unwrap();
        assert_eq!(format!("{ok:?}"), "NewPassword([redacted])");
    }

    #[test]
    fn display_name_is_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Asha  ").unwrap().as_str(), "Asha");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"a".repeat(101)).is_err());
    }
}
