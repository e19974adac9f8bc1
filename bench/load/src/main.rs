//! Simulated giggers for `bench/pipeline_e2e.py`: each loops "get a gig" then submits
//! it, against a running `gigforge serve`, until the warm-up and the measured window
//! are over (a gig reserved before the end is still submitted).
//!
//! The Python script signs the giggers in and does everything else (databases, the
//! server, pgbench, the report); this program only makes the load, because the shared 2
//! cores are the budget: the aiohttp loop it replaces used ~1 ms of CPU per gig.
//!
//! Usage: gigforge-load BASE_URL JOB_ID WARMUP_S DURATION_S COOKIES_FILE [PHOTOS_DIR]
//! - COOKIES_FILE: one `gigforge_session=...` pair per line, one line per gigger;
//! - PHOTOS_DIR: JPEGs sent one per submission, in turn (the photo phase).
//!
//! Output, on stdout: the line `started` once the giggers start (the script's clock
//! starts there), then one JSON object: `requests` as [kind, start_s, end_s, status]
//! with times from the start, and `errors` as [kind, status, body, count].

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Answers valid for the seeded image-tagging form (app/src/jobs/server/builtin.rs),
/// as in the Python client.
const TAG_ANSWERS: &str = r#""subject":{"type":"choice","value":"product"},"quality":{"type":"choice","value":"good"},"visible":{"type":"choices","value":["text","logo"]}"#;
const BOUNDARY: &str = "gigforge-load-7d1c2b";

struct Plan {
    base: String,
    job: i64,
    photos: Vec<Vec<u8>>,
    next_photo: AtomicUsize,
    start: Instant,
    stop_at: Instant,
}

#[derive(Default)]
struct Log {
    requests: Vec<(&'static str, f64, f64, u16)>,
    errors: HashMap<(&'static str, u16, String), u64>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 5 {
        eprintln!("usage: gigforge-load BASE_URL JOB_ID WARMUP_S DURATION_S COOKIES_FILE [PHOTOS_DIR]");
        std::process::exit(2);
    }
    let number = |i: usize| -> f64 {
        args[i].parse().unwrap_or_else(|_| {
            eprintln!("gigforge-load: argument {} is not a number: {}", i + 1, args[i]);
            std::process::exit(2)
        })
    };
    let (job, warmup, duration) = (number(1) as i64, number(2), number(3));
    let cookies: Vec<String> = std::fs::read_to_string(&args[4])
        .unwrap_or_else(|e| fail(&format!("reading {}: {e}", args[4])))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    let photos = match args.get(5) {
        Some(dir) => read_photos(dir),
        None => Vec::new(),
    };
    // Two threads: the server and PostgreSQL need the cores more than the client.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(&format!("tokio: {e}")));
    let log = runtime.block_on(run(
        args[0].trim_end_matches('/').to_string(),
        job,
        warmup,
        duration,
        cookies,
        photos,
    ));
    print_report(&log);
}

fn fail(text: &str) -> ! {
    eprintln!("gigforge-load: {text}");
    std::process::exit(1)
}

fn read_photos(dir: &str) -> Vec<Vec<u8>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| fail(&format!("reading {dir}: {e}")))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .collect();
    paths.sort();
    let photos: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_else(|e| fail(&format!("{}: {e}", p.display()))))
        .collect();
    if photos.is_empty() {
        fail(&format!("no .jpg files in {dir}"));
    }
    photos
}

async fn run(
    base: String,
    job: i64,
    warmup: f64,
    duration: f64,
    cookies: Vec<String>,
    photos: Vec<Vec<u8>>,
) -> Log {
    let start = Instant::now();
    let plan = Arc::new(Plan {
        base,
        job,
        photos,
        next_photo: AtomicUsize::new(0),
        start,
        stop_at: start + Duration::from_secs_f64(warmup + duration),
    });
    println!("started");
    let _ = std::io::stdout().flush();
    let log = Arc::new(Mutex::new(Log::default()));
    let loops: Vec<_> = cookies
        .into_iter()
        .enumerate()
        .map(|(index, cookie)| tokio::spawn(gig_loop(plan.clone(), log.clone(), index as u64, cookie)))
        .collect();
    for handle in loops {
        if let Err(e) = handle.await {
            fail(&format!("a gigger's loop panicked: {e}"));
        }
    }
    Arc::try_unwrap(log).ok().map(|m| m.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// One gigger: reserve -> submit until the end; one connection of its own.
async fn gig_loop(plan: Arc<Plan>, log: Arc<Mutex<Log>>, index: u64, cookie: String) {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(120))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| fail(&format!("http client: {e}")));
    let mut keys = KeyMaker::new(index);
    let since = |at: Instant| at.duration_since(plan.start).as_secs_f64();
    while Instant::now() < plan.stop_at {
        let t0 = Instant::now();
        let reserved = http
            .post(format!("{}/api/gigs/reserve", plan.base))
            .header("Cookie", &cookie)
            .header("Origin", &plan.base)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("job_id={}", plan.job))
            .send()
            .await;
        let (status, body) = outcome(reserved).await;
        let t1 = Instant::now();
        record(&log, "reserve", since(t0), since(t1), status, &body);
        let reservation = match (status, reservation_id(&body)) {
            (200, Some(id)) => id,
            _ => {
                tokio::time::sleep(Duration::from_millis(100)).await; // e.g. out of units: do not spin
                continue;
            }
        };
        let photo = if plan.photos.is_empty() {
            None
        } else {
            let i = plan.next_photo.fetch_add(1, Ordering::Relaxed) % plan.photos.len();
            Some(&plan.photos[i])
        };
        let t0 = Instant::now();
        let submitted = http
            .post(format!("{}/api/gigs/{}/reservations/{reservation}/submission", plan.base, plan.job))
            .header("Cookie", &cookie)
            .header("Origin", &plan.base)
            .header("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(multipart_body(&keys.next(), photo))
            .send()
            .await;
        let (status, body) = outcome(submitted).await;
        let t1 = Instant::now();
        record(&log, "submit", since(t0), since(t1), status, &body);
        if status != 200 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Status and body; status 0 when the request failed without a response.
async fn outcome(response: Result<reqwest::Response, reqwest::Error>) -> (u16, String) {
    match response {
        Ok(r) => {
            let status = r.status().as_u16();
            match r.text().await {
                Ok(body) => (status, body),
                Err(e) => (0, format!("{e}")),
            }
        }
        Err(e) => (0, format!("{e}")),
    }
}

fn record(log: &Mutex<Log>, kind: &'static str, t0: f64, t1: f64, status: u16, body: &str) {
    let mut log = log.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    log.requests.push((kind, t0, t1, status));
    if status != 200 {
        let body: String = body.chars().take(160).collect();
        *log.errors.entry((kind, status, body)).or_default() += 1;
    }
}

fn reservation_id(body: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(body).ok()?.get("reservation_id")?.as_i64()
}

/// The submission as the gig page sends it: the JSON envelope, and the photo if any.
fn multipart_body(key: &str, photo: Option<&Vec<u8>>) -> Vec<u8> {
    let photo_answer =
        if photo.is_some() { r#","shelf_photo":{"type":"photos","value":["p1"]}"# } else { "" };
    let envelope =
        format!(r#"{{"idempotency_key":"{key}","answers":{{{TAG_ANSWERS}{photo_answer}}},"lang":"en"}}"#);
    let mut body = Vec::with_capacity(envelope.len() + photo.map_or(0, |p| p.len()) + 400);
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"submission\"\r\n\
             Content-Type: application/json\r\n\r\n{envelope}\r\n"
        )
        .as_bytes(),
    );
    if let Some(photo) = photo {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"p1\"; filename=\"p1.jpg\"\r\n\
                 Content-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(photo);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Version-4 UUIDs for idempotency keys (splitmix64; the seed mixes the clock and the
/// gigger, so keys differ between giggers and runs).
struct KeyMaker(u64);

impl KeyMaker {
    fn new(index: u64) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        KeyMaker(nanos ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn word(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next(&mut self) -> String {
        let (a, b) = (self.word(), self.word());
        let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000; // the RFC 4122 variant
        let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000; // version 4
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0xFFFF,
            b >> 48,
            b & 0xFFFF_FFFF_FFFF
        )
    }
}

fn print_report(log: &Log) {
    let requests: Vec<serde_json::Value> =
        log.requests.iter().map(|(kind, t0, t1, status)| serde_json::json!([kind, t0, t1, status])).collect();
    let errors: Vec<serde_json::Value> = log
        .errors
        .iter()
        .map(|((kind, status, body), n)| serde_json::json!([kind, status, body, n]))
        .collect();
    println!("{}", serde_json::json!({ "requests": requests, "errors": errors }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_distinct_version_4_uuids() {
        let mut keys = KeyMaker::new(3);
        let (first, second) = (keys.next(), keys.next());
        assert_ne!(first, second);
        for key in [&first, &second] {
            assert_eq!(key.len(), 36, "{key}");
            assert_eq!(&key[14..15], "4", "{key}");
            assert!(matches!(&key[19..20], "8" | "9" | "a" | "b"), "{key}");
        }
    }

    #[test]
    fn the_body_carries_the_envelope_and_the_photo() {
        let body = String::from_utf8_lossy(&multipart_body("k", Some(&b"JPEG".to_vec()))).into_owned();
        let envelope = body.split("\r\n\r\n").nth(1).and_then(|s| s.split("\r\n").next()).unwrap_or_default();
        let parsed: serde_json::Value = serde_json::from_str(envelope).expect("the envelope is JSON");
        assert_eq!(parsed["answers"]["shelf_photo"]["value"][0], "p1");
        assert!(body.contains("name=\"p1\"; filename=\"p1.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n"));
        assert!(body.ends_with(&format!("--{BOUNDARY}--\r\n")));
        assert!(!String::from_utf8_lossy(&multipart_body("k", None)).contains("shelf_photo"));
    }
}
