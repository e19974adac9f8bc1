//! Units: the work items of a job (a shop to visit, a household, a photo to tag). They come
//! from a CSV import (streamed and copied into PostgreSQL, all or nothing) or are added by
//! hand. One parser (`UnitFields::parse`) checks both.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use serde::{Deserialize, Serialize};

/// A unit as the manager's list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub id: i64,
    pub external_id: String,
    pub title: String,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Extra columns shown to the gigger, in the order they were given.
    pub context: Vec<(String, String)>,
    pub gold: bool,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitPage {
    pub units: Vec<Unit>,
    pub total: i64,
    pub gold: i64,
    /// Pass as `after` for the next page (keyset pagination by id).
    pub next_after: Option<i64>,
}

/// One problem in an import, as the manager sees it: row 1 is the header, so the first
/// data row is row 2, as in a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub row: u64,
    pub column: String,
    pub problem: String,
}

/// What an import did, or why it did nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ImportReport {
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    /// The first problems (at most `MAX_REPORTED_PROBLEMS`); nothing was written if any.
    pub problems: Vec<RowProblem>,
    pub problem_count: u64,
    pub milliseconds: u64,
}

pub const MAX_REPORTED_PROBLEMS: usize = 1000;
/// The largest CSV accepted; bigger files are refused before they are read to the end.
pub const MAX_IMPORT_BYTES: u64 = 200 * 1024 * 1024;

/// A unit's own fields, checked. Extra context and gold answers travel beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFields {
    pub external_id: String,
    pub title: String,
    pub address: Option<String>,
    pub location: Option<(f64, f64)>,
}

impl UnitFields {
    /// Checks one unit's fields; the error names the column (`external_id`, `title`,
    /// `address`, `latitude`, `longitude`) and the problem.
    pub fn parse(
        external_id: &str,
        title: &str,
        address: &str,
        latitude: &str,
        longitude: &str,
    ) -> Result<UnitFields, (&'static str, String)> {
        let external_id = external_id.trim();
        if external_id.is_empty() {
            return Err(("external_id", "The unit id is empty.".into()));
        }
        if external_id.chars().count() > 200 {
            return Err(("external_id", "The unit id is longer than 200 characters.".into()));
        }
        let title = title.trim();
        if title.chars().count() > 500 {
            return Err(("title", "The title is longer than 500 characters.".into()));
        }
        let address = address.trim();
        if address.chars().count() > 1000 {
            return Err(("address", "The address is longer than 1000 characters.".into()));
        }
        let coordinate =
            |column: &'static str, text: &str, limit: f64| -> Result<Option<f64>, (&'static str, String)> {
                let text = text.trim();
                if text.is_empty() {
                    return Ok(None);
                }
                match text.parse::<f64>() {
                    Ok(value) if value.is_finite() && value.abs() <= limit => Ok(Some(value)),
                    Ok(_) => Err((column, format!("\u{201c}{text}\u{201d} is outside -{limit} to {limit}."))),
                    Err(_) => {
                        Err((column, format!("\u{201c}{text}\u{201d} is not a number in decimal degrees.")))
                    }
                }
            };
        let latitude = coordinate("latitude", latitude, 90.0)?;
        let longitude = coordinate("longitude", longitude, 180.0)?;
        let location = match (latitude, longitude) {
            (Some(lat), Some(lon)) => Some((lat, lon)),
            (None, None) => None,
            (Some(_), None) => return Err(("longitude", "A latitude needs a longitude too.".into())),
            (None, Some(_)) => return Err(("latitude", "A longitude needs a latitude too.".into())),
        };
        Ok(UnitFields {
            title: if title.is_empty() { external_id.to_string() } else { title.to_string() },
            external_id: external_id.to_string(),
            address: (!address.is_empty()).then(|| address.to_string()),
            location,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::UnitFields;

    #[test]
    fn unit_fields_are_checked_and_named() {
        let unit = UnitFields::parse(" S-1 ", "", " MG Road ", "12.97", "77.59").unwrap();
        assert_eq!(unit.title, "S-1");
        assert_eq!(unit.address.as_deref(), Some("MG Road"));
        assert_eq!(unit.location, Some((12.97, 77.59)));
        assert_eq!(UnitFields::parse("", "t", "", "", "").unwrap_err().0, "external_id");
        assert_eq!(UnitFields::parse("a", "t", "", "91", "77").unwrap_err().0, "latitude");
        assert_eq!(UnitFields::parse("a", "t", "", "12.9", "").unwrap_err().0, "longitude");
        assert_eq!(UnitFields::parse("a", "t", "", "north", "77").unwrap_err().0, "latitude");
    }
}
