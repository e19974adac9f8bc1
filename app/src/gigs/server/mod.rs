//! Server half of the gigger app. Every query that touches units filters on `job_id`;
//! times come from the app clock (`AppState::clock`) so tests can move them.

pub mod eligibility;
pub mod expiry;
pub mod feed;
mod first_free;
pub mod mine;
pub mod profile;
pub mod quiz_form;
pub mod reserve;
pub mod submit;
pub mod training;

pub use profile::Me;

/// 1 degree of latitude in metres: `geo_point` distances (degrees) times this.
pub const METRES_PER_DEGREE: f64 = 111_195.0;

/// Midnight today in India (where the daily caps count), in UTC.
pub fn start_of_day_in_india(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    let ist = chrono::FixedOffset::east_opt(330 * 60).expect("a valid offset");
    let local = now.with_timezone(&ist).date_naive();
    local
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| midnight.and_local_timezone(ist).single())
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn days_start_at_midnight_in_india() {
        let late_evening_utc = chrono::Utc.with_ymd_and_hms(2026, 11, 28, 20, 0, 0).unwrap(); // 01:30 IST on the 29th
        assert_eq!(
            start_of_day_in_india(late_evening_utc),
            chrono::Utc.with_ymd_and_hms(2026, 11, 28, 18, 30, 0).unwrap()
        );
    }
}
