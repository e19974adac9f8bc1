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

#[cfg(test)]
mod tests {
    use super::Paise;

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
