//! Benchmark: QC throughput. N received submissions with one distinct ~200 KB 1600 × 1200
//! JPEG each are queued for QC before any worker runs; then W sets of stage workers (QC
//! and ledger, as `gigforge serve` starts them) drain the queues, and the time to an empty
//! QC queue gives decisions per second. The same again with N JSON-only submissions.
//!
//! Run with `make bench-qc` (starts the private PostgreSQL cluster), or
//! `DATABASE_URL=postgres://user:pass@host/any_db cargo bench -p server --bench qc`.
//! The benchmark drops and recreates `gigforge_bench_qc` (or BENCH_DATABASE) on that
//! server. BENCH_SUBMISSIONS (2000) and BENCH_WORKERS (2) change the sizes; photos go to a
//! temporary directory (under BENCH_PHOTO_DIR if set), removed at the end.
//!
//! Everything runs in this one process, like one server: the workers share its pool (20
//! connections) and the QC stage's limit of two photo decodes at a time.

mod common;
#[path = "qc/fixtures.rs"]
mod fixtures;
#[path = "qc/machine.rs"]
mod machine;
#[path = "qc/photos.rs"]
mod photos;
#[path = "qc/report.rs"]
mod report;

use app::pipeline::server::worker::{self, WorkerSettings};
use app::pipeline::Stage;
use app::state::{AppState, AuthLimits, Secrets, SystemClock};
use futures::StreamExt;
use report::{Drained, Phase};
use sqlx::PgPool;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Giggers the submissions are spread over (ledger postings go to their accounts).
const GIGGERS: usize = 100;
const POLL: Duration = Duration::from_millis(50);

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The photo store's directory, removed when the benchmark ends (or panics).
struct PhotoDir(PathBuf);

impl Drop for PhotoDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn bench_state(pool: PgPool, photos: &PhotoDir) -> AppState {
    AppState {
        pool,
        leptos_options: server::state::leptos_options("target/site", "127.0.0.1:0".parse().unwrap()),
        otp_sender: Arc::new(app::accounts::server::otp_sender::LogOtpSender),
        clock: Arc::new(SystemClock),
        secrets: Arc::new(Secrets { otp_pepper: b"bench pepper".to_vec() }),
        limits: AuthLimits::default(),
        gig_limits: Default::default(),
        photo_store: Arc::new(app::photos::storage::LocalDirStore::new(&photos.0)),
    }
}

/// How queueing a phase went: the photos' sizes, CPU time making them (on blocking
/// threads, a few ahead of the inserts) and time in storing and inserting.
#[derive(Default)]
struct Loaded {
    sizes: Vec<usize>,
    making: Duration,
    receiving: Duration,
}

/// Queues one submission per unit, with a photo each when `recipe` is given.
async fn load(
    state: &AppState,
    job_id: i64,
    units: &[i64],
    giggers: &[i64],
    recipe: Option<photos::Recipe>,
) -> Loaded {
    let ahead = std::thread::available_parallelism().map_or(2, |n| n.get() + 1);
    let mut jpegs = futures::stream::iter(0..units.len())
        .map(|n| async move {
            let recipe = recipe?;
            let made = tokio::task::spawn_blocking(move || {
                let started = Instant::now();
                (photos::photo(recipe, n as u64), started.elapsed())
            });
            Some(made.await.unwrap())
        })
        .buffered(ahead)
        .enumerate();
    let mut loaded = Loaded::default();
    while let Some((n, made)) = jpegs.next().await {
        let jpeg = made.map(|(jpeg, took)| {
            loaded.making += took;
            loaded.sizes.push(jpeg.len());
            jpeg
        });
        let started = Instant::now();
        fixtures::receive(state, job_id, units[n], giggers[n % giggers.len()], jpeg).await;
        loaded.receiving += started.elapsed();
    }
    loaded
}

/// Tasks left in each queue (dead ones aside) and dead tasks.
async fn queue_counts(pool: &PgPool) -> (i64, i64, i64) {
    sqlx::query_as(
        "select count(*) filter (where stage = 'qc' and state <> 'dead'),
                count(*) filter (where stage = 'ledger' and state <> 'dead'),
                count(*) filter (where state = 'dead')
         from stage_tasks",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A dead task means the stage failed for good: the figures would be meaningless.
async fn fail_on_dead_tasks(pool: &PgPool, dead: i64) {
    if dead == 0 {
        return;
    }
    let errors: Vec<(String, i64, Option<String>)> = sqlx::query_as(
        "select stage, subject_id, last_error from stage_tasks where state = 'dead' order by id limit 5",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    panic!("{dead} dead task(s); the first: {errors:#?}");
}

async fn drain(state: &AppState, workers: usize) -> Drained {
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let mut compilers = machine::compilers();
    let cpu = machine::cpu_seconds();
    let started = Instant::now();
    let handles: Vec<_> = (0..workers)
        .flat_map(|_| {
            worker::spawn_all(state, &[Stage::Qc, Stage::Ledger], WorkerSettings::default(), &shutdown)
        })
        .collect();
    let mut qc_done = None;
    let mut last_report = Instant::now();
    let ledger_done = loop {
        tokio::time::sleep(POLL).await;
        let (qc, ledger, dead) = queue_counts(&state.pool).await;
        fail_on_dead_tasks(&state.pool, dead).await;
        if qc == 0 && qc_done.is_none() {
            qc_done = Some(started.elapsed());
        }
        // Approvals queue ledger tasks, so the ledger queue is drained only after QC.
        if qc_done.is_some() && ledger == 0 {
            break started.elapsed();
        }
        if last_report.elapsed() >= Duration::from_secs(10) {
            last_report = Instant::now();
            compilers.extend(machine::compilers());
            println!("  {:.0} s: {qc} QC and {ledger} ledger tasks left", started.elapsed().as_secs_f64());
        }
    };
    let cpu = machine::cpu_seconds() - cpu;
    compilers.extend(machine::compilers());
    stop.send(true).unwrap();
    for handle in handles {
        handle.await.unwrap();
    }
    Drained { qc: qc_done.unwrap(), ledger: ledger_done, cpu, compilers }
}

async fn run_phase(
    state: &AppState,
    name: &'static str,
    submissions: usize,
    workers: usize,
    giggers: &[i64],
    recipe: Option<photos::Recipe>,
) -> Phase {
    let started = Instant::now();
    let (job_id, units) = fixtures::job(&state.pool, &format!("QC bench: {name}"), submissions).await;
    let loaded = load(state, job_id, &units, giggers, recipe).await;
    sqlx::query("analyze").execute(&state.pool).await.unwrap();
    print!("{name}: {submissions} submissions queued in {:.1} s", started.elapsed().as_secs_f64());
    let sizes = &loaded.sizes;
    if let (Some(min), Some(max)) = (sizes.iter().min(), sizes.iter().max()) {
        let mean = sizes.iter().sum::<usize>() / sizes.len();
        print!(
            " (photos {min}-{max} bytes, mean {mean}; making them took {:.1} s of CPU, storing and inserting {:.1} s)",
            loaded.making.as_secs_f64(),
            loaded.receiving.as_secs_f64()
        );
    }
    println!();
    let drained = drain(state, workers).await;
    let verdicts = report::verdicts(&state.pool, job_id).await;
    assert_eq!(verdicts.received, 0, "every submission was decided");
    println!(
        "{name}: QC queue empty after {:.2} s ({:.1} decisions/s), ledger queue after {:.2} s",
        drained.qc.as_secs_f64(),
        submissions as f64 / drained.qc.as_secs_f64(),
        drained.ledger.as_secs_f64()
    );
    println!("{name}: review reasons {:?}", verdicts.review_reasons);
    Phase { name, submissions, drained, verdicts }
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt().with_max_level(tracing::Level::WARN).init();
    let admin_url = std::env::var("DATABASE_URL").expect("DATABASE_URL (see the header of this file)");
    let name = std::env::var("BENCH_DATABASE").unwrap_or_else(|_| "gigforge_bench_qc".into());
    let submissions = env_number("BENCH_SUBMISSIONS", 2000);
    let workers = env_number("BENCH_WORKERS", 2).max(1);
    let photo_root = std::env::var_os("BENCH_PHOTO_DIR").map_or_else(std::env::temp_dir, PathBuf::from);
    let photo_dir = PhotoDir(photo_root.join(format!("gigforge-bench-qc-{}", std::process::id())));

    let pool = common::fresh_database(&admin_url, &name).await;
    let postgres: String = sqlx::query_scalar("show server_version").fetch_one(&pool).await.unwrap();
    println!("machine: {}; PostgreSQL {postgres}", machine::describe());
    println!(
        "{submissions} submissions per phase, {workers} worker set(s) (QC + ledger each), default QC policy"
    );
    let state = bench_state(pool, &photo_dir);
    let giggers = fixtures::giggers(&state.pool, GIGGERS).await;
    let started = Instant::now();
    let recipe = photos::calibrate();
    println!("photo recipe {recipe:?}, found in {:.1} s", started.elapsed().as_secs_f64());
    photos::sample(recipe);

    let phases = vec![
        run_phase(&state, "one photo", submissions, workers, &giggers, Some(recipe)).await,
        run_phase(&state, "JSON only", submissions, workers, &giggers, None).await,
    ];
    report::print_table(&phases, workers);
    let compilers: BTreeSet<&String> = phases.iter().flat_map(|p| &p.drained.compilers).collect();
    if !compilers.is_empty() {
        println!("\nWARNING: compilers ran during the measurement, the figures are low: {compilers:?}");
    }
}
