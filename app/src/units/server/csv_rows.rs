//! Reading a unit CSV: the header decides which column is what, every row is checked, and
//! good rows are encoded for PostgreSQL's COPY. Pure (no database), so it is unit-tested
//! and runs on a blocking thread while the upload is still arriving.

use crate::forms::{Answer, Field, FieldKind, FormSchema};
use crate::units::{ImportReport, RowProblem, UnitFields, MAX_REPORTED_PROBLEMS};
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// Which header names the unit's own fields; unnamed ones fall back to the usual names.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Mapping {
    pub external_id: Option<String>,
    pub title: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<String>,
    pub longitude: Option<String>,
}

/// What to do with a row whose id the job already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnDuplicate {
    Reject,
    Update,
}

struct Columns {
    external_id: usize,
    title: Option<usize>,
    address: Option<usize>,
    latitude: Option<usize>,
    longitude: Option<usize>,
    gold: Vec<(usize, Field)>,
    context: Vec<(usize, String)>,
}

pub const GOLD_PREFIX: &str = "gold:";
const MAX_CONTEXT_VALUE: usize = 2000;

fn find(header: &[String], wanted: &Option<String>, usual: &[&str]) -> Result<Option<usize>, String> {
    match wanted.as_deref().map(str::trim).filter(|name| !name.is_empty()) {
        Some(name) => header
            .iter()
            .position(|column| column == name)
            .map(Some)
            .ok_or_else(|| format!("The file has no column \u{201c}{name}\u{201d}.")),
        None => Ok(header.iter().position(|column| usual.contains(&column.to_lowercase().as_str()))),
    }
}

impl Columns {
    fn from_header(
        header: &[String],
        mapping: &Mapping,
        form: Option<&FormSchema>,
    ) -> Result<Columns, String> {
        let mut seen = HashSet::new();
        for name in header {
            if name.is_empty() {
                return Err("A column in the header row has no name.".into());
            }
            if !seen.insert(name) {
                return Err(format!("The header names the column \u{201c}{name}\u{201d} twice."));
            }
        }
        let external_id = find(header, &mapping.external_id, &["external_id", "id", "unit_id"])?.ok_or(
            "The file needs a unit id column (named external_id, id or unit_id, or chosen in the mapping).",
        )?;
        let title = find(header, &mapping.title, &["title", "name"])?;
        let address = find(header, &mapping.address, &["address"])?;
        let latitude = find(header, &mapping.latitude, &["latitude", "lat"])?;
        let longitude = find(header, &mapping.longitude, &["longitude", "lng", "lon", "long"])?;
        if latitude.is_some() != longitude.is_some() {
            return Err("Map both a latitude and a longitude column, or neither.".into());
        }
        let own = [Some(external_id), title, address, latitude, longitude];
        let (mut gold, mut context) = (Vec::new(), Vec::new());
        for (index, name) in header.iter().enumerate() {
            if own.contains(&Some(index)) {
                continue;
            }
            if let Some(key) = name.strip_prefix(GOLD_PREFIX) {
                let field = form.and_then(|form| form.field(key.trim())).filter(|field| field.kind.asks()).ok_or_else(|| {
                    format!("The column \u{201c}{name}\u{201d} gives known answers for \u{201c}{key}\u{201d}, which is not a question of the job's form.")
                })?;
                gold.push((index, field.clone()));
            } else {
                context.push((index, name.clone()));
            }
        }
        Ok(Columns { external_id, title, address, latitude, longitude, gold, context })
    }
}

/// A gold answer as typed in a cell, read for the field it answers.
fn gold_answer(field: &Field, text: &str) -> Result<Answer, String> {
    let text = text.trim();
    let answer = match &field.kind {
        FieldKind::YesNo => match text.to_lowercase().as_str() {
            "yes" | "y" | "true" | "1" => Answer::YesNo(true),
            "no" | "n" | "false" | "0" => Answer::YesNo(false),
            _ => return Err(format!("\u{201c}{text}\u{201d} is not yes or no.")),
        },
        FieldKind::Number { .. } => {
            Answer::Number(text.parse().map_err(|_| format!("\u{201c}{text}\u{201d} is not a number."))?)
        }
        FieldKind::SingleChoice { .. } => Answer::Choice(text.to_string()),
        FieldKind::MultipleChoice { .. } => {
            Answer::Choices(text.split('|').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect())
        }
        FieldKind::Date => Answer::Date(text.to_string()),
        FieldKind::Photo { .. } | FieldKind::Location { .. } => {
            return Err("Photos and locations cannot have known answers.".into())
        }
        _ => Answer::Text(text.to_string()),
    };
    // The same validator as a gigger's answer: a known answer must itself be a valid answer.
    let mut solo = field.clone();
    solo.required = false;
    solo.show_if = None;
    let form = FormSchema::parse(crate::forms::FormDraft { fields: vec![solo] })
        .map_err(|_| "unusable field".to_string())?;
    let answers = [(field.key.clone(), answer.clone())].into_iter().collect();
    match form.validate(&answers) {
        Ok(_) => Ok(answer),
        Err(errors) => Err(errors[0].message(crate::forms::Lang::En)),
    }
}

/// A good row that updates a unit the job already has.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitUpdate {
    pub fields: UnitFields,
    pub context: serde_json::Value,
    pub gold: Option<serde_json::Value>,
}

/// Reads the CSV from `input`; rows for new units are written as COPY CSV lines
/// (`job_id, external_id, title, address, latitude, longitude, context, gold_answers`)
/// into `copy_out`, which is flushed in chunks of about 1 MB. Rows for existing units
/// (update mode) are returned. Any problem stops output to `copy_out` but not the reading,
/// so that every bad row is reported.
pub fn read_units<R: Read>(
    input: R,
    job_id: i64,
    mapping: &Mapping,
    form: Option<&FormSchema>,
    existing: &HashSet<String>,
    on_duplicate: OnDuplicate,
    mut copy_out: impl FnMut(Vec<u8>) -> bool,
) -> (ImportReport, Vec<UnitUpdate>) {
    let mut report = ImportReport::default();
    let mut updates = Vec::new();
    let problem = |report: &mut ImportReport, row: u64, column: &str, text: String| {
        report.problem_count += 1;
        if report.problems.len() < MAX_REPORTED_PROBLEMS {
            report.problems.push(RowProblem { row, column: column.to_string(), problem: text });
        }
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(input);
    let mut record = csv::ByteRecord::new();
    let header: Vec<String> = match reader.read_byte_record(&mut record) {
        Ok(true) => match record
            .iter()
            .map(|cell| std::str::from_utf8(cell).map(|s| s.trim().to_string()))
            .collect::<Result<Vec<String>, _>>()
        {
            Ok(mut names) => {
                if let Some(first) = names.first_mut() {
                    *first = first.trim_start_matches('\u{feff}').to_string();
                }
                names
            }
            Err(_) => {
                problem(
                    &mut report,
                    1,
                    "",
                    "The header row is not UTF-8 text. Save the file as \u{201c}CSV UTF-8\u{201d}.".into(),
                );
                return (report, updates);
            }
        },
        Ok(false) => {
            problem(
                &mut report,
                1,
                "",
                "The file is empty: it needs a header row and at least one unit.".into(),
            );
            return (report, updates);
        }
        Err(error) => {
            problem(&mut report, 1, "", read_error(&error));
            return (report, updates);
        }
    };
    let columns = match Columns::from_header(&header, mapping, form) {
        Ok(columns) => columns,
        Err(text) => {
            problem(&mut report, 1, "", text);
            return (report, updates);
        }
    };
    let mut first_row_of: HashMap<String, u64> = HashMap::new();
    let new_writer = || csv::WriterBuilder::new().has_headers(false).from_writer(Vec::with_capacity(1 << 20));
    let mut out = new_writer();
    let mut writing = true;
    let mut row_number = 1u64;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                problem(&mut report, row_number + 1, "", read_error(&error));
                // A broken file (bad quoting, cut short) cannot be trusted past this point.
                break;
            }
        }
        row_number += 1;
        if record.iter().all(|cell| cell.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        report.rows += 1;
        let row = row_number;
        if record.len() != header.len() {
            problem(
                &mut report,
                row,
                "",
                format!("The row has {} cells; the header has {}.", record.len(), header.len()),
            );
            continue;
        }
        let Ok(cells) = record.iter().map(std::str::from_utf8).collect::<Result<Vec<&str>, _>>() else {
            problem(
                &mut report,
                row,
                "",
                "The row is not UTF-8 text. Save the file as \u{201c}CSV UTF-8\u{201d}.".into(),
            );
            continue;
        };
        let cell = |index: Option<usize>| index.map(|i| cells[i]).unwrap_or("");
        let fields = match UnitFields::parse(
            cells[columns.external_id],
            cell(columns.title),
            cell(columns.address),
            cell(columns.latitude),
            cell(columns.longitude),
        ) {
            Ok(fields) => fields,
            Err((column, text)) => {
                let name = match column {
                    "external_id" => header[columns.external_id].clone(),
                    "title" => columns.title.map(|i| header[i].clone()).unwrap_or_default(),
                    "address" => columns.address.map(|i| header[i].clone()).unwrap_or_default(),
                    "latitude" => columns.latitude.map(|i| header[i].clone()).unwrap_or_default(),
                    _ => columns.longitude.map(|i| header[i].clone()).unwrap_or_default(),
                };
                problem(&mut report, row, &name, text);
                continue;
            }
        };
        let id_column = &header[columns.external_id];
        if let Some(first) = first_row_of.get(&fields.external_id) {
            problem(
                &mut report,
                row,
                id_column,
                format!("The unit id \u{201c}{}\u{201d} is also on row {first}.", fields.external_id),
            );
            continue;
        }
        first_row_of.insert(fields.external_id.clone(), row);
        let is_update = existing.contains(&fields.external_id);
        if is_update && on_duplicate == OnDuplicate::Reject {
            problem(
                &mut report,
                row,
                id_column,
                format!("The job already has a unit \u{201c}{}\u{201d} (choose \u{201c}update existing units\u{201d} to change it).", fields.external_id),
            );
            continue;
        }
        let mut context = serde_json::Map::new();
        let mut bad_context = false;
        for (index, name) in &columns.context {
            let value = cells[*index].trim();
            if value.chars().count() > MAX_CONTEXT_VALUE {
                problem(
                    &mut report,
                    row,
                    name,
                    format!("The value is longer than {MAX_CONTEXT_VALUE} characters."),
                );
                bad_context = true;
            } else if !value.is_empty() {
                context.insert(name.clone(), serde_json::Value::String(value.to_string()));
            }
        }
        let mut gold = serde_json::Map::new();
        for (index, field) in &columns.gold {
            let value = cells[*index];
            if value.trim().is_empty() {
                continue;
            }
            match gold_answer(field, value) {
                Ok(answer) => {
                    gold.insert(field.key.clone(), serde_json::to_value(answer).unwrap_or_default());
                }
                Err(text) => {
                    problem(&mut report, row, &header[*index], text);
                    bad_context = true;
                }
            }
        }
        if bad_context {
            continue;
        }
        let context = serde_json::Value::Object(context);
        let gold = (!gold.is_empty()).then_some(serde_json::Value::Object(gold));
        if report.problem_count > 0 {
            writing = false;
        }
        if is_update {
            report.updated += 1;
            updates.push(UnitUpdate { fields, context, gold });
        } else {
            report.inserted += 1;
            if writing {
                let (lat, lon) = match fields.location {
                    Some((lat, lon)) => (lat.to_string(), lon.to_string()),
                    None => (String::new(), String::new()),
                };
                let written = out.write_record([
                    job_id.to_string().as_str(),
                    &fields.external_id,
                    &fields.title,
                    fields.address.as_deref().unwrap_or(""),
                    &lat,
                    &lon,
                    &context.to_string(),
                    &gold.map(|g| g.to_string()).unwrap_or_default(),
                ]);
                if written.is_err() {
                    writing = false;
                }
                if out.get_ref().len() >= 1 << 20 {
                    let full = std::mem::replace(&mut out, new_writer());
                    writing = match full.into_inner() {
                        Ok(chunk) => writing && copy_out(chunk),
                        Err(_) => false,
                    };
                }
            }
        }
    }
    if report.rows == 0 && report.problem_count == 0 {
        problem(&mut report, 2, "", "The file has a header row but no units.".into());
    }
    if writing && report.problem_count == 0 {
        if let Ok(rest) = out.into_inner() {
            if !rest.is_empty() {
                copy_out(rest);
            }
        }
    }
    (report, updates)
}

fn read_error(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Io(io) => format!("The upload could not be read to the end: {io}"),
        csv::ErrorKind::Utf8 { .. } => {
            "The row is not UTF-8 text. Save the file as \u{201c}CSV UTF-8\u{201d}.".into()
        }
        _ => "The file is not valid CSV here (check the quotes).".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{FormDraft, Text};

    fn form() -> FormSchema {
        let field = |key: &str, kind| Field {
            key: key.into(),
            label: Text::en(key),
            help: Text::default(),
            required: true,
            kind,
            show_if: None,
        };
        FormSchema::parse(FormDraft {
            fields: vec![
                field("open", FieldKind::YesNo),
                field("staff", FieldKind::Number { min: Some(0.0), max: None, integer: true }),
            ],
        })
        .unwrap()
    }

    fn run(csv: &str, existing: &[&str], mode: OnDuplicate) -> (ImportReport, Vec<UnitUpdate>, String) {
        let existing = existing.iter().map(|s| s.to_string()).collect();
        let mut copied = Vec::new();
        let (report, updates) =
            read_units(csv.as_bytes(), 7, &Mapping::default(), Some(&form()), &existing, mode, |chunk| {
                copied.extend(chunk);
                true
            });
        (report, updates, String::from_utf8(copied).unwrap())
    }

    fn problems(report: &ImportReport) -> Vec<(u64, &str)> {
        report.problems.iter().map(|p| (p.row, p.column.as_str())).collect()
    }

    #[test]
    fn good_rows_become_copy_lines_with_context_and_gold() {
        let csv = "\u{feff}id,name,lat,lng,area,gold:open\nS1,Shop one,12.9,77.5,Indiranagar,yes\nS2,\"Shop, two\",,,,\n";
        let (report, updates, copied) = run(csv, &[], OnDuplicate::Reject);
        assert_eq!((report.rows, report.inserted, report.problem_count), (2, 2, 0), "{report:?}");
        assert!(updates.is_empty());
        let lines: Vec<&str> = copied.lines().collect();
        assert_eq!(
            lines[0],
            r#"7,S1,Shop one,,12.9,77.5,"{""area"":""Indiranagar""}","{""open"":{""type"":""yes_no"",""value"":true}}""#
        );
        assert_eq!(lines[1], r#"7,S2,"Shop, two",,,,{},"#);
    }

    #[test]
    fn every_bad_row_is_reported_and_nothing_is_copied() {
        let csv = "external_id,title,latitude,longitude,gold:staff\nA,a,12,77,3\nA,dup,12,77,\n,no id,,,\nB,b,95,77,\nC,c,12,77,-1\nD,d,12\n";
        let (report, _, copied) = run(csv, &[], OnDuplicate::Reject);
        assert_eq!(
            problems(&report),
            vec![(3, "external_id"), (4, "external_id"), (5, "latitude"), (6, "gold:staff"), (7, "")]
        );
        assert_eq!(report.problem_count, 5);
        assert!(copied.is_empty(), "nothing is written when a row is bad: {copied}");
    }

    #[test]
    fn existing_ids_are_refused_or_become_updates() {
        let csv = "id,title\nOLD,Renamed\nNEW,Fresh\n";
        let (report, _, _) = run(csv, &["OLD"], OnDuplicate::Reject);
        assert_eq!(problems(&report), vec![(2, "id")]);
        let (report, updates, copied) = run(csv, &["OLD"], OnDuplicate::Update);
        assert_eq!((report.inserted, report.updated, report.problem_count), (1, 1, 0));
        assert_eq!(updates[0].fields.title, "Renamed");
        assert!(copied.starts_with("7,NEW,Fresh"));
    }

    #[test]
    fn header_problems_stop_the_import_with_a_clear_message() {
        let cases = [
            ("", "The file is empty"),
            ("title,address\nx,y\n", "needs a unit id column"),
            ("id,lat\nx,1\n", "both a latitude and a longitude"),
            ("id,gold:nope\nx,1\n", "not a question of the job's form"),
            ("id,id\nx,y\n", "twice"),
            ("id,title\n", "no units"),
        ];
        for (csv, expected) in cases {
            let (report, _, _) = run(csv, &[], OnDuplicate::Reject);
            assert!(report.problems[0].problem.contains(expected), "{csv:?}: {:?}", report.problems);
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_named() {
        let mut bytes = b"id,title\nA,".to_vec();
        bytes.extend([0xff, 0xfe, b'\n']);
        let (report, _) = read_units(
            &bytes[..],
            1,
            &Mapping::default(),
            None,
            &HashSet::new(),
            OnDuplicate::Reject,
            |_| true,
        );
        assert_eq!(report.problems[0].row, 2);
        assert!(report.problems[0].problem.contains("UTF-8"));
    }
}
