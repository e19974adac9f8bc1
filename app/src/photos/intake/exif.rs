//! What the original file's EXIF says about when and where the photo was taken. EXIF is
//! optional and often wrong: any problem reading it just means "no hint".

use std::io::Cursor;

use chrono::{NaiveDate, NaiveDateTime};
use exif::{DateTime, Exif, In, Reader, Tag, Value};

#[derive(Debug, Default, PartialEq)]
pub(super) struct ExifHints {
    pub taken_at: Option<NaiveDateTime>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// Reads the EXIF of a JPEG, PNG (eXIf chunk) or WebP (EXIF chunk). Only call it on bytes
/// whose magic says they are one of those (the reader also parses HEIF, which we never take).
pub(super) fn read_hints(bytes: &[u8]) -> ExifHints {
    let Ok(exif) = Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return ExifHints::default();
    };
    ExifHints {
        taken_at: taken_at(&exif),
        latitude: coordinate(&exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S', 90.0),
        longitude: coordinate(&exif, Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W', 180.0),
    }
}

/// DateTimeOriginal (when the shutter fired), else DateTime (when the file was last changed),
/// in the camera's local time as EXIF has it.
fn taken_at(exif: &Exif) -> Option<NaiveDateTime> {
    [Tag::DateTimeOriginal, Tag::DateTime].into_iter().find_map(|tag| {
        let time = DateTime::from_ascii(first_ascii(exif, tag)?).ok()?;
        NaiveDate::from_ymd_opt(time.year.into(), time.month.into(), time.day.into())?.and_hms_opt(
            time.hour.into(),
            time.minute.into(),
            time.second.into(),
        )
    })
}

/// Degrees, minutes and seconds as signed decimal degrees (south and west negative).
fn coordinate(exif: &Exif, tag: Tag, ref_tag: Tag, negative_ref: u8, max: f64) -> Option<f64> {
    let Value::Rational(dms) = &exif.get_field(tag, In::PRIMARY)?.value else {
        return None;
    };
    let [degrees, minutes, seconds] = dms.get(..3)? else {
        return None;
    };
    if [degrees, minutes, seconds].iter().any(|part| part.denom == 0) {
        return None;
    }
    let value = degrees.to_f64() + minutes.to_f64() / 60.0 + seconds.to_f64() / 3600.0;
    if !(0.0..=max).contains(&value) {
        return None;
    }
    // Without a reference the sign is unknown; a wrong hemisphere is worse than none.
    match first_ascii(exif, ref_tag)?.first()?.to_ascii_uppercase() {
        r if r == negative_ref => Some(-value),
        b'N' | b'E' => Some(value),
        _ => None,
    }
}

fn first_ascii(exif: &Exif, tag: Tag) -> Option<&[u8]> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        Value::Ascii(strings) => strings.first().map(Vec::as_slice),
        _ => None,
    }
}
