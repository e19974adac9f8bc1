//! Automated quality checks: each returns a coded result with its evidence, and the
//! job's QC policy turns the results into a verdict. Pure functions over the facts the
//! QC stage loads (pipeline/server/qc.rs), so every rule is tested without a database.
//! Photo pixel checks (blur, near-duplicates) come in a later pass of the issue.

use crate::forms::{Answer, Answers, FieldKind, FormSchema, GeoPoint};
use crate::jobs::settings::QcPolicy;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which check a result is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckCode {
    /// The answers are valid against the submission's form version.
    Answers,
    /// Seconds from reservation to submission, at least the threshold.
    TimeOnTask,
    /// Metres from the unit's location to the submitted GPS (and to photo EXIF GPS).
    Geofence,
    /// The GPS fix's accuracy radius in metres, at most the threshold.
    GpsAccuracy,
    /// Metres between a photo's EXIF GPS and the submitted GPS.
    ExifGps,
    /// Minutes between a photo's EXIF time and the submission.
    ExifTime,
    /// Answers to a gold unit match its known answers.
    Gold,
    /// Every photo at least as sharp as the threshold (variance of the Laplacian).
    Blur,
    /// No photo within the threshold's bits (perceptual hash) of an earlier photo of the job.
    NearDuplicate,
}

impl CheckCode {
    pub const ALL: [CheckCode; 9] = [
        CheckCode::Answers,
        CheckCode::TimeOnTask,
        CheckCode::Geofence,
        CheckCode::GpsAccuracy,
        CheckCode::ExifGps,
        CheckCode::ExifTime,
        CheckCode::Gold,
        CheckCode::Blur,
        CheckCode::NearDuplicate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CheckCode::Answers => "answers",
            CheckCode::TimeOnTask => "time_on_task",
            CheckCode::Geofence => "geofence",
            CheckCode::GpsAccuracy => "gps_accuracy",
            CheckCode::ExifGps => "exif_gps",
            CheckCode::ExifTime => "exif_time",
            CheckCode::Gold => "gold",
            CheckCode::Blur => "blur",
            CheckCode::NearDuplicate => "near_duplicate",
        }
    }
}

/// What a failed check means for the submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnFail {
    Reject,
    Review,
    Ignore,
}

/// What each check's failure means for a job (part of its `QcPolicy`, edited on the
/// job's settings page). Policies saved before a check existed get its default.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QcActions {
    pub answers: OnFail,
    pub time_on_task: OnFail,
    pub geofence: OnFail,
    pub gps_accuracy: OnFail,
    pub exif_gps: OnFail,
    pub exif_time: OnFail,
    pub gold: OnFail,
    pub blur: OnFail,
    pub near_duplicate: OnFail,
}

impl Default for QcActions {
    fn default() -> Self {
        QcActions {
            answers: OnFail::Reject,
            time_on_task: OnFail::Review,
            geofence: OnFail::Review,
            gps_accuracy: OnFail::Review,
            exif_gps: OnFail::Review,
            exif_time: OnFail::Review,
            gold: OnFail::Reject,
            blur: OnFail::Review,
            near_duplicate: OnFail::Review,
        }
    }
}

impl QcActions {
    pub fn get(&self, code: CheckCode) -> OnFail {
        match code {
            CheckCode::Answers => self.answers,
            CheckCode::TimeOnTask => self.time_on_task,
            CheckCode::Geofence => self.geofence,
            CheckCode::GpsAccuracy => self.gps_accuracy,
            CheckCode::ExifGps => self.exif_gps,
            CheckCode::ExifTime => self.exif_time,
            CheckCode::Gold => self.gold,
            CheckCode::Blur => self.blur,
            CheckCode::NearDuplicate => self.near_duplicate,
        }
    }

    pub fn set(&mut self, code: CheckCode, on_fail: OnFail) {
        match code {
            CheckCode::Answers => self.answers = on_fail,
            CheckCode::TimeOnTask => self.time_on_task = on_fail,
            CheckCode::Geofence => self.geofence = on_fail,
            CheckCode::GpsAccuracy => self.gps_accuracy = on_fail,
            CheckCode::ExifGps => self.exif_gps = on_fail,
            CheckCode::ExifTime => self.exif_time = on_fail,
            CheckCode::Gold => self.gold = on_fail,
            CheckCode::Blur => self.blur = on_fail,
            CheckCode::NearDuplicate => self.near_duplicate = on_fail,
        }
    }
}

impl OnFail {
    pub fn name(self) -> &'static str {
        match self {
            OnFail::Reject => "reject",
            OnFail::Review => "review",
            OnFail::Ignore => "ignore",
        }
    }

    pub fn parse(name: &str) -> Option<OnFail> {
        [OnFail::Reject, OnFail::Review, OnFail::Ignore].into_iter().find(|o| o.name() == name)
    }
}

/// One check's outcome and the evidence a reviewer (or the gigger) reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub code: CheckCode,
    pub passed: bool,
    /// e.g. "2.4 km from the unit, limit 500 m".
    pub evidence: String,
}

/// What the QC stage decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Verdict {
    Approve,
    /// To a reviewer: the checks that asked for it, or "audit sample".
    Review(String),
    /// With the reason the gigger reads.
    Reject(String),
}

/// A photo's EXIF facts, as intake stored them.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoFacts {
    /// The camera's clock, without a zone; read as India time.
    pub taken_at: Option<NaiveDateTime>,
    pub gps: Option<(f64, f64)>,
    /// Variance of the Laplacian (photos/quality.rs); None when not measured.
    pub sharpness: Option<f64>,
    /// The closest earlier photo of the job: (its submission, bits apart), if any is
    /// within `MAX_NEAR_DUPLICATE_BITS`.
    pub nearest: Option<(i64, u32)>,
}

/// Everything the checks look at, loaded for one submission.
#[derive(Debug, Clone)]
pub struct SubmissionFacts {
    pub form: FormSchema,
    pub answers: Answers,
    pub reserved_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub unit_location: Option<(f64, f64)>,
    pub photos: Vec<PhotoFacts>,
    /// The unit's known answers (gold units only).
    pub gold: Option<Answers>,
}

/// Great-circle distance in metres.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lng1, lat2, lng2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h =
        ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lng2 - lng1) / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

/// "850 m" or "2.4 km".
pub fn metres_text(m: f64) -> String {
    if m < 1000.0 {
        format!("{:.0} m", m)
    } else {
        format!("{:.1} km", m / 1000.0)
    }
}

fn submitted_location(facts: &SubmissionFacts) -> Option<GeoPoint> {
    facts.form.fields().iter().filter(|f| matches!(f.kind, FieldKind::Location { .. })).find_map(|f| {
        match facts.answers.get(&f.key) {
            Some(Answer::Location(point)) => Some(*point),
            _ => None,
        }
    })
}

/// India Standard Time, for camera clocks that carry no zone.
const IST_OFFSET_MINUTES: i64 = 330;

/// Runs every check; a check with nothing to look at (no location field, no photos, not
/// a gold unit) passes with evidence saying so.
pub fn run_checks(facts: &SubmissionFacts, policy: &QcPolicy) -> Vec<CheckResult> {
    let result = |code, passed, evidence: String| CheckResult { code, passed, evidence };
    let mut results = Vec::new();

    results.push(match facts.form.validate(&facts.answers) {
        Ok(_) => result(CheckCode::Answers, true, "valid for the form version".into()),
        Err(errors) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            result(CheckCode::Answers, false, format!("invalid answers: {}", fields.join(", ")))
        }
    });

    let seconds = (facts.received_at - facts.reserved_at).num_seconds();
    let minimum = f64::from(policy.min_seconds_on_task);
    results.push(result(
        CheckCode::TimeOnTask,
        seconds as f64 >= minimum,
        format!("{seconds} s from reservation to submission, minimum {minimum:.0} s"),
    ));

    let gps = submitted_location(facts);
    let limit = f64::from(policy.geofence_m);
    let mut far = Vec::new();
    let mut measured = Vec::new();
    if let Some(unit) = facts.unit_location {
        if let Some(point) = gps {
            let d = distance_m(unit, (point.latitude, point.longitude));
            measured.push(format!("GPS {} from the unit", metres_text(d)));
            if d > limit {
                far.push(format!("GPS {} from the unit", metres_text(d)));
            }
        }
        for (i, photo) in facts.photos.iter().enumerate() {
            if let Some(at) = photo.gps {
                let d = distance_m(unit, at);
                measured.push(format!("photo {} {} from the unit", i + 1, metres_text(d)));
                if d > limit {
                    far.push(format!("photo {} taken {} from the unit", i + 1, metres_text(d)));
                }
            }
        }
    }
    results.push(match (facts.unit_location, measured.is_empty()) {
        (None, _) => result(CheckCode::Geofence, true, "the unit has no location".into()),
        (Some(_), true) => result(CheckCode::Geofence, true, "no GPS in the submission or its photos".into()),
        (Some(_), false) if far.is_empty() => result(
            CheckCode::Geofence,
            true,
            format!("{}, limit {}", measured.join("; "), metres_text(limit)),
        ),
        (Some(_), false) => {
            result(CheckCode::Geofence, false, format!("{}, limit {}", far.join("; "), metres_text(limit)))
        }
    });

    let worst = f64::from(policy.gps_accuracy_m);
    results.push(match gps {
        None => result(CheckCode::GpsAccuracy, true, "no GPS answer".into()),
        Some(point) => result(
            CheckCode::GpsAccuracy,
            point.accuracy_m <= worst,
            format!("accurate to ±{:.0} m, limit ±{:.0} m", point.accuracy_m, worst),
        ),
    });

    let limit = f64::from(policy.exif_gps_m);
    let gaps: Vec<(usize, f64)> = match gps {
        None => Vec::new(),
        Some(point) => facts
            .photos
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.gps.map(|at| (i + 1, distance_m(at, (point.latitude, point.longitude)))))
            .collect(),
    };
    results.push(if gaps.is_empty() {
        result(CheckCode::ExifGps, true, "no photo GPS to compare".into())
    } else {
        let text: Vec<String> = gaps
            .iter()
            .map(|(i, d)| format!("photo {i} GPS {} from the submitted GPS", metres_text(*d)))
            .collect();
        result(
            CheckCode::ExifGps,
            gaps.iter().all(|(_, d)| *d <= limit),
            format!("{}, limit {}", text.join("; "), metres_text(limit)),
        )
    });

    let limit = f64::from(policy.exif_time_minutes);
    let skews: Vec<(usize, i64)> = facts
        .photos
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let taken = p.taken_at?.and_utc() - chrono::Duration::minutes(IST_OFFSET_MINUTES);
            Some((i + 1, (facts.received_at - taken).num_minutes().abs()))
        })
        .collect();
    results.push(if skews.is_empty() {
        result(CheckCode::ExifTime, true, "no photo time to compare".into())
    } else {
        let text: Vec<String> =
            skews.iter().map(|(i, m)| format!("photo {i} taken {m} min from submission")).collect();
        result(
            CheckCode::ExifTime,
            skews.iter().all(|(_, m)| *m as f64 <= limit),
            format!("{}, limit {limit:.0} min", text.join("; ")),
        )
    });

    let minimum = f64::from(policy.min_sharpness);
    let measured: Vec<(usize, f64)> =
        facts.photos.iter().enumerate().filter_map(|(i, p)| p.sharpness.map(|s| (i + 1, s))).collect();
    results.push(if measured.is_empty() {
        result(CheckCode::Blur, true, "no photos".into())
    } else {
        let text: Vec<String> = measured.iter().map(|(i, s)| format!("photo {i} sharpness {s:.0}")).collect();
        result(
            CheckCode::Blur,
            measured.iter().all(|(_, s)| *s >= minimum),
            format!("{}, minimum {minimum:.0}", text.join("; ")),
        )
    });

    let limit = policy.near_duplicate_bits;
    let close: Vec<String> = facts
        .photos
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.nearest.filter(|(_, bits)| *bits <= limit).map(|(s, bits)| (i + 1, s, bits)))
        .map(|(i, submission, bits)| {
            format!("photo {i} is {bits} bits from a photo of submission {submission}")
        })
        .collect();
    results.push(if facts.photos.is_empty() {
        result(CheckCode::NearDuplicate, true, "no photos".into())
    } else if close.is_empty() {
        result(CheckCode::NearDuplicate, true, format!("no earlier photo of the job within {limit} bits"))
    } else {
        result(CheckCode::NearDuplicate, false, format!("{}, limit {limit} bits", close.join("; ")))
    });

    results.push(match &facts.gold {
        None => result(CheckCode::Gold, true, "not a gold unit".into()),
        Some(gold) => {
            let wrong: Vec<&str> = gold
                .iter()
                .filter(|(key, known)| facts.answers.get(*key) != Some(known))
                .map(|(k, _)| k.as_str())
                .collect();
            if wrong.is_empty() {
                result(CheckCode::Gold, true, format!("all {} known answers match", gold.len()))
            } else {
                result(CheckCode::Gold, false, format!("differs from the known answer: {}", wrong.join(", ")))
            }
        }
    });
    results
}

/// The verdict: reject if a failed check says so, else review if one says so, else
/// approve, except that an `audit_roll` (0–100) under the audit share goes to review.
pub fn verdict(results: &[CheckResult], policy: &QcPolicy, audit_roll: f64) -> Verdict {
    let failed = |on_fail: OnFail| -> Vec<&CheckResult> {
        results.iter().filter(|r| !r.passed && policy.actions.get(r.code) == on_fail).collect()
    };
    let rejecting = failed(OnFail::Reject);
    if !rejecting.is_empty() {
        let reasons: Vec<&str> = rejecting.iter().map(|r| r.evidence.as_str()).collect();
        return Verdict::Reject(reasons.join("; "));
    }
    let reviewing = failed(OnFail::Review);
    if !reviewing.is_empty() {
        let codes: Vec<&str> = reviewing.iter().map(|r| r.code.name()).collect();
        return Verdict::Review(codes.join(", "));
    }
    if audit_roll < f64::from(policy.audit_percent) {
        return Verdict::Review("audit sample".into());
    }
    Verdict::Approve
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::FormDraft;

    fn form() -> FormSchema {
        let draft: FormDraft = serde_json::from_str(
            r#"{"fields":[
                {"key":"name","label":{"en":"Name"},"required":true,"kind":{"type":"short_text"}},
                {"key":"here","label":{"en":"Here"},"required":false,"kind":{"type":"location"}}
            ]}"#,
        )
        .unwrap();
        FormSchema::try_from(draft).unwrap()
    }

    fn facts(at: Option<(f64, f64)>, accuracy_m: f64) -> SubmissionFacts {
        let now = Utc::now();
        let mut answers = Answers::new();
        answers.insert("name".into(), Answer::Text("Stores".into()));
        if let Some((latitude, longitude)) = at {
            answers.insert("here".into(), Answer::Location(GeoPoint { latitude, longitude, accuracy_m }));
        }
        SubmissionFacts {
            form: form(),
            answers,
            reserved_at: now - chrono::Duration::minutes(10),
            received_at: now,
            unit_location: Some((12.9756, 77.6066)),
            photos: vec![],
            gold: None,
        }
    }

    fn result(results: &[CheckResult], code: CheckCode) -> &CheckResult {
        results.iter().find(|r| r.code == code).unwrap()
    }

    #[test]
    fn distances_are_great_circle_metres() {
        // One degree of latitude is about 111.2 km; Bengaluru to Mumbai about 845 km.
        assert!((distance_m((12.0, 77.0), (13.0, 77.0)) - 111_195.0).abs() < 10.0);
        assert!((distance_m((12.9716, 77.5946), (19.0760, 72.8777)) / 1000.0 - 845.0).abs() < 5.0);
        assert_eq!(metres_text(850.4), "850 m");
        assert_eq!(metres_text(2401.0), "2.4 km");
    }

    #[test]
    fn a_clean_submission_passes_every_check_and_is_approved_outside_the_audit_share() {
        let policy = QcPolicy::default();
        let results = run_checks(&facts(Some((12.9757, 77.6067)), 12.0), &policy);
        assert_eq!(results.len(), CheckCode::ALL.len());
        assert!(results.iter().all(|r| r.passed), "{results:?}");
        assert_eq!(verdict(&results, &policy, 50.0), Verdict::Approve);
        assert_eq!(verdict(&results, &policy, 4.99), Verdict::Review("audit sample".into()));
    }

    #[test]
    fn reject_outranks_review_and_ignore_lets_a_failure_pass() {
        let mut policy = QcPolicy::default();
        // 2.4 km away and accurate only to ±300 m.
        let far = facts(Some((12.9972, 77.6066)), 300.0);
        let results = run_checks(&far, &policy);
        assert_eq!(result(&results, CheckCode::Geofence).evidence, "GPS 2.4 km from the unit, limit 500 m");
        assert_eq!(result(&results, CheckCode::GpsAccuracy).evidence, "accurate to ±300 m, limit ±100 m");
        assert_eq!(verdict(&results, &policy, 99.0), Verdict::Review("geofence, gps_accuracy".into()));

        policy.actions.set(CheckCode::GpsAccuracy, OnFail::Reject);
        assert_eq!(
            verdict(&results, &policy, 99.0),
            Verdict::Reject("accurate to ±300 m, limit ±100 m".into())
        );

        policy.actions.set(CheckCode::GpsAccuracy, OnFail::Ignore);
        policy.actions.set(CheckCode::Geofence, OnFail::Ignore);
        assert_eq!(verdict(&results, &policy, 99.0), Verdict::Approve);
    }

    #[test]
    fn photo_exif_is_compared_with_the_submission_in_india_time() {
        let policy = QcPolicy::default();
        let mut f = facts(Some((12.9756, 77.6066)), 10.0);
        let received_in_india = (f.received_at + chrono::Duration::minutes(330)).naive_utc();
        f.photos = vec![
            // Taken 10 minutes before submitting, at the shop.
            PhotoFacts {
                taken_at: Some(received_in_india - chrono::Duration::minutes(10)),
                gps: Some((12.9756, 77.6066)),
                sharpness: Some(450.0),
                nearest: None,
            },
            // Taken three hours earlier, 5 km away.
            PhotoFacts {
                taken_at: Some(received_in_india - chrono::Duration::minutes(180)),
                gps: Some((13.0206, 77.6066)),
                sharpness: Some(12.0),
                nearest: Some((41, 3)),
            },
        ];
        let results = run_checks(&f, &policy);
        let time = result(&results, CheckCode::ExifTime);
        assert!(!time.passed);
        assert_eq!(
            time.evidence,
            "photo 1 taken 10 min from submission; photo 2 taken 180 min from submission, limit 120 min"
        );
        let gps = result(&results, CheckCode::ExifGps);
        assert!(
            !gps.passed && gps.evidence.contains("photo 2 GPS 5.0 km from the submitted GPS"),
            "{}",
            gps.evidence
        );
        assert!(result(&results, CheckCode::Geofence)
            .evidence
            .contains("photo 2 taken 5.0 km from the unit"));
        let blur = result(&results, CheckCode::Blur);
        assert_eq!(
            (blur.passed, blur.evidence.as_str()),
            (false, "photo 1 sharpness 450; photo 2 sharpness 12, minimum 100")
        );
        let duplicate = result(&results, CheckCode::NearDuplicate);
        assert_eq!(
            (duplicate.passed, duplicate.evidence.as_str()),
            (false, "photo 2 is 3 bits from a photo of submission 41, limit 6 bits")
        );
    }

    #[test]
    fn gold_units_compare_every_known_answer() {
        let policy = QcPolicy::default();
        let mut f = facts(None, 0.0);
        let mut gold = Answers::new();
        gold.insert("name".into(), Answer::Text("Other".into()));
        f.gold = Some(gold);
        let results = run_checks(&f, &policy);
        assert_eq!(result(&results, CheckCode::Gold).evidence, "differs from the known answer: name");
        assert_eq!(
            verdict(&results, &policy, 99.0),
            Verdict::Reject("differs from the known answer: name".into())
        );
        assert_eq!(result(&results, CheckCode::Geofence).evidence, "no GPS in the submission or its photos");
    }

    #[test]
    fn stored_policies_without_the_new_fields_get_their_defaults() {
        let old: QcPolicy = serde_json::from_str(r#"{"audit_percent":2,"geofence_m":300}"#).unwrap();
        assert_eq!((old.audit_percent, old.geofence_m, old.gps_accuracy_m), (2, 300, 100));
        assert_eq!(old.actions, QcActions::default());
        let partial: QcPolicy = serde_json::from_str(r#"{"actions":{"geofence":"reject"}}"#).unwrap();
        assert_eq!(partial.actions.get(CheckCode::Geofence), OnFail::Reject);
        assert_eq!(partial.actions.get(CheckCode::Answers), OnFail::Reject);
        assert_eq!(partial.actions.get(CheckCode::TimeOnTask), OnFail::Review);
    }
}
