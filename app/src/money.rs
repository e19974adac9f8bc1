//! Money is integer paise (1 rupee = 100 paise), never floating point.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Paise(pub i64);

impl std::fmt::Display for Paise {
    /// Indian rupees with two decimals and lakh/crore grouping: ₹1,23,456.50.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (rupees, paise) = (abs / 100, abs % 100);
        let digits = rupees.to_string();
        let grouped = if digits.len() <= 3 {
            digits
        } else {
            let (head, last3) = digits.split_at(digits.len() - 3);
            let mut parts: Vec<&str> = Vec::new();
            let mut rest = head;
            while rest.len() > 2 {
                let (a, b) = rest.split_at(rest.len() - 2);
                parts.push(b);
                rest = a;
            }
            parts.push(rest);
            parts.reverse();
            format!("{},{last3}", parts.join(","))
        };
        write!(f, "{sign}₹{grouped}.{paise:02}")
    }
}

impl Paise {
    /// Reads an amount typed in rupees: `45`, `45.5`, `1,200.00`, `₹ 45`. At most two
    /// decimals, never negative, at most ₹1,00,00,00,000 (a typo guard, not a business rule).
    pub fn parse_rupees(input: &str) -> Result<Paise, &'static str> {
        let cleaned: String = input
            .trim()
            .trim_start_matches('₹')
            .chars()
            .filter(|c| *c != ',' && !c.is_whitespace())
            .collect();
        if cleaned.is_empty() {
            return Err("Enter an amount in rupees.");
        }
        let (rupees, paise) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !digits(rupees) || !(paise.is_empty() || digits(paise)) {
            return Err("Enter an amount in rupees, like 45 or 45.50.");
        }
        if paise.len() > 2 {
            return Err("Amounts have at most two decimals (paise).");
        }
        if rupees.len() > 10 {
            return Err("That amount is too large.");
        }
        let rupees: i64 = rupees.parse().map_err(|_| "That amount is too large.")?;
        let paise: i64 = format!("{paise:0<2}").parse().unwrap_or(0);
        let total = rupees * 100 + paise;
        if total > 100_000_000_000 {
            return Err("That amount is too large.");
        }
        Ok(Paise(total))
    }

    /// The amount as a rupee string for an input field: `45.50`, `45`.
    pub fn as_rupee_input(self) -> String {
        if self.0 % 100 == 0 {
            (self.0 / 100).to_string()
        } else {
            format!("{}.{:02}", self.0 / 100, self.0 % 100)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Paise;

    #[test]
    fn rupee_input_parses_to_paise() {
        assert_eq!(Paise::parse_rupees("45"), Ok(Paise(4500)));
        assert_eq!(Paise::parse_rupees("₹ 1,200.5"), Ok(Paise(120050)));
        assert_eq!(Paise::parse_rupees("0.07"), Ok(Paise(7)));
        assert!(Paise::parse_rupees("-5").is_err());
        assert!(Paise::parse_rupees("4.555").is_err());
        assert!(Paise::parse_rupees("abc").is_err());
        assert!(Paise::parse_rupees("").is_err());
        assert_eq!(Paise(4550).as_rupee_input(), "45.50");
        assert_eq!(Paise(4500).as_rupee_input(), "45");
    }

    #[test]
    fn rupees_use_indian_grouping() {
        assert_eq!(Paise(0).to_string(), "₹0.00");
        assert_eq!(Paise(5).to_string(), "₹0.05");
        assert_eq!(Paise(4_500).to_string(), "₹45.00");
        assert_eq!(Paise(12_345_650).to_string(), "₹1,23,456.50");
        assert_eq!(Paise(1_000_000_000).to_string(), "₹1,00,00,000.00");
        assert_eq!(Paise(-250).to_string(), "-₹2.50");
    }
}
