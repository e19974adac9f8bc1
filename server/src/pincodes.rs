//! `gigforge import-pincodes FILE.csv`: the centre of every Indian postal code, for the
//! feed's distances when a gigger has shared no location (their pincode's centre is used).
//!
//! The input is a post-office directory such as India Post's "All India Pincode
//! Directory" on data.gov.in: one row per post office, with at least the columns
//! `pincode`, `latitude` and `longitude` (any order, any case), and optionally `district`
//! (or `districtname`) for the place name. A pincode's centre is the median of its
//! offices' coordinates, which ignores the odd office with wrong coordinates. Rows
//! without usable coordinates ("NA", zero, outside India) are skipped and counted.
//! Importing again replaces the centres of the pincodes in the file and keeps the rest.

use crate::{db, StartupError};
use std::collections::BTreeMap;
use std::path::Path;

/// What one import found.
#[derive(Debug, Default, PartialEq)]
pub struct Centres {
    /// Pincode → (latitude, longitude, place).
    pub by_pincode: BTreeMap<String, (f64, f64, String)>,
    pub rows: usize,
    pub skipped: usize,
}

pub async fn run(database_url: Option<&str>, path: &Path) -> Result<(), StartupError> {
    let file = std::fs::File::open(path)
        .map_err(|e| StartupError(format!("cannot open {}: {e}", path.display())))?;
    let centres = centres_from_csv(file).map_err(|e| StartupError(format!("{}: {e}", path.display())))?;
    if centres.by_pincode.is_empty() {
        return Err(StartupError(format!(
            "{}: no row had a valid pincode with coordinates ({} rows read)",
            path.display(),
            centres.rows
        )));
    }
    let pool = db::connect(database_url).await?;
    db::migrate(&pool).await?;
    let saved =
        save(&pool, &centres).await.map_err(|e| StartupError(format!("saving the pincodes failed: {e}")))?;
    println!(
        "imported {saved} pincode centres from {} rows ({} rows skipped: no valid pincode or coordinates)",
        centres.rows, centres.skipped
    );
    Ok(())
}

/// Reads the directory and takes each pincode's median coordinates.
pub fn centres_from_csv(input: impl std::io::Read) -> Result<Centres, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(input);
    let headers = reader.headers().map_err(|e| format!("cannot read the header row: {e}"))?.clone();
    let column =
        |names: &[&str]| headers.iter().position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)));
    let (Some(pincode_at), Some(latitude_at), Some(longitude_at)) =
        (column(&["pincode"]), column(&["latitude"]), column(&["longitude"]))
    else {
        return Err("the header row needs the columns pincode, latitude and longitude".into());
    };
    let place_at = column(&["district", "districtname"]);

    let mut offices: BTreeMap<String, (Vec<f64>, Vec<f64>, String)> = BTreeMap::new();
    let mut centres = Centres::default();
    for record in reader.records() {
        let record = record.map_err(|e| format!("row {}: {e}", centres.rows + 2))?;
        centres.rows += 1;
        let field = |at: usize| record.get(at).unwrap_or("");
        let pincode = field(pincode_at);
        let coordinates = (field(latitude_at).parse::<f64>(), field(longitude_at).parse::<f64>());
        let (true, (Ok(latitude), Ok(longitude))) = (valid_pincode(pincode), coordinates) else {
            centres.skipped += 1;
            continue;
        };
        if !in_india(latitude, longitude) {
            centres.skipped += 1;
            continue;
        }
        let entry = offices.entry(pincode.to_string()).or_default();
        entry.0.push(latitude);
        entry.1.push(longitude);
        if entry.2.is_empty() {
            entry.2 = place_at.map(field).unwrap_or("").to_string();
        }
    }
    for (pincode, (mut latitudes, mut longitudes, place)) in offices {
        centres.by_pincode.insert(pincode, (median(&mut latitudes), median(&mut longitudes), place));
    }
    Ok(centres)
}

/// Six digits, not starting with 0 (as the `pincodes` table checks).
fn valid_pincode(text: &str) -> bool {
    text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0')
}

/// India's bounding box, Andaman and Nicobar and Lakshadweep included: coordinates
/// outside it are typing errors (swapped, zero, or another country's).
fn in_india(latitude: f64, longitude: f64) -> bool {
    (6.0..=37.5).contains(&latitude) && (68.0..=97.5).contains(&longitude)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// Upserts every centre in one transaction, in batches; returns how many were written.
pub async fn save(pool: &sqlx::PgPool, centres: &Centres) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut saved = 0;
    let all: Vec<_> = centres.by_pincode.iter().collect();
    for batch in all.chunks(5_000) {
        let pincodes: Vec<&str> = batch.iter().map(|(p, _)| p.as_str()).collect();
        let latitudes: Vec<f64> = batch.iter().map(|(_, c)| c.0).collect();
        let longitudes: Vec<f64> = batch.iter().map(|(_, c)| c.1).collect();
        let places: Vec<&str> = batch.iter().map(|(_, c)| c.2.as_str()).collect();
        saved += sqlx::query(
            "insert into pincodes (pincode, latitude, longitude, place)
             select * from unnest($1::text[], $2::float8[], $3::float8[], $4::text[])
             on conflict (pincode) do update
                 set latitude = excluded.latitude, longitude = excluded.longitude, place = excluded.place",
        )
        .bind(&pincodes)
        .bind(&latitudes)
        .bind(&longitudes)
        .bind(&places)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    tx.commit().await?;
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIRECTORY: &str = "\
circlename,regionname,divisionname,officename,pincode,officetype,delivery,district,statename,latitude,longitude
Karnataka Circle,Bangalore HQ Region,Bangalore GPO,Bangalore G.P.O.,560001,H.O,Delivery,BENGALURU,KARNATAKA,12.9791,77.5913
Karnataka Circle,Bangalore HQ Region,Bangalore GPO,Vidhana Soudha S.O,560001,S.O,Non-Delivery,BENGALURU,KARNATAKA,12.9796,77.5906
Karnataka Circle,Bangalore HQ Region,Bangalore GPO,Rajbhavan S.O,560001,S.O,Non-Delivery,BENGALURU,KARNATAKA,21.0,79.0
Delhi Circle,Delhi,New Delhi GPO,Connaught Place S.O,110001,S.O,Delivery,NEW DELHI,DELHI,NA,NA
Delhi Circle,Delhi,New Delhi GPO,Parliament House S.O,110001,S.O,Delivery,NEW DELHI,DELHI,28.6172,77.2082
Kerala Circle,Kochi,Ernakulam,Swapped S.O,682001,S.O,Delivery,ERNAKULAM,KERALA,76.2673,9.9312
Bad Circle,X,Y,Leading Zero,012345,S.O,Delivery,X,Y,20.0,78.0
";

    #[test]
    fn each_pincode_gets_the_median_of_its_offices() {
        let centres = centres_from_csv(DIRECTORY.as_bytes()).unwrap();
        assert_eq!((centres.rows, centres.skipped), (7, 3), "NA, swapped and a bad pincode are skipped");
        assert_eq!(centres.by_pincode.len(), 2);
        // Three offices, one far off: the median keeps the centre in Bengaluru.
        let (lat, lng, place) = &centres.by_pincode["560001"];
        assert_eq!((*lat, *lng, place.as_str()), (12.9796, 77.5913, "BENGALURU"));
        assert_eq!(centres.by_pincode["110001"].0, 28.6172);
    }

    #[test]
    fn a_file_without_the_needed_columns_is_refused() {
        let error = centres_from_csv("pin,lat,lng\n560001,12.9,77.5\n".as_bytes()).unwrap_err();
        assert!(error.contains("pincode, latitude and longitude"), "{error}");
    }
}
