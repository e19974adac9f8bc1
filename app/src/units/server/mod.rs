//! Server half of units: the streaming CSV import and single-unit edits.

pub mod csv_rows;
pub mod import;
pub mod store;
