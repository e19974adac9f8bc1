//! Benchmark: the gigger feed with 10,000 live jobs, first with 10,000 units in all, then
//! with 10,000,000 (1,000 per job). Reports p50/p99 of the first page and of the next
//! page (keyset cursor) for giggers spread over 15 Indian cities, and the query plans.
//!
//! Run with `make bench-feed` (starts the private PostgreSQL cluster), or
//! `DATABASE_URL=postgres://user:pass@host/any_db cargo bench -p server --bench feed`.
//! The benchmark drops and recreates `gigforge_bench_feed` (or BENCH_DATABASE) on that
//! server. BENCH_JOBS, BENCH_UNITS_PER_JOB and BENCH_REQUESTS change the sizes;
//! BENCH_KEEP=1 measures the database an earlier run left, without reloading it.
//!
//! The feed is called as the server function calls it (`gigs::server::feed::page`), so
//! the figures are the database work of a feed request without HTTP and session cost.

mod common;

use app::gigs::server::{feed, profile};
use app::gigs::FeedCursor;
use sqlx::PgPool;
use std::time::{Duration, Instant};

/// City centres the jobs, units and giggers are spread around.
const CITIES: &[(&str, f64, f64)] = &[
    ("Bengaluru", 12.9716, 77.5946),
    ("Mumbai", 19.0760, 72.8777),
    ("New Delhi", 28.6139, 77.2090),
    ("Chennai", 13.0827, 80.2707),
    ("Kolkata", 22.5726, 88.3639),
    ("Hyderabad", 17.3850, 78.4867),
    ("Pune", 18.5204, 73.8567),
    ("Ahmedabad", 23.0225, 72.5714),
    ("Lucknow", 26.8467, 80.9462),
    ("Jaipur", 26.9124, 75.7873),
    ("Surat", 21.1702, 72.8311),
    ("Kanpur", 26.4499, 80.3319),
    ("Nagpur", 21.1458, 79.0882),
    ("Indore", 22.7196, 75.8577),
    ("Patna", 25.5941, 85.1376),
];

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// `jobs` live jobs in the cities; one in five has units without a location (done from
/// anywhere), one in ten limits the distance to 20 km, one in seven is Hindi only; pay
/// and overlap vary.
async fn create_jobs(pool: &PgPool, jobs: usize) {
    sqlx::query("insert into organisations (name) values ('Bench Co')").execute(pool).await.unwrap();
    sqlx::query(
        "insert into jobs (organisation_id, title, pay_paise, target_approved, status, published_at, overlap,
             geography, languages, expected_minutes)
         select 1, 'Bench job ' || g, 1000 + (g * 37) % 9000, 100000, 'live', now(), 1 + (g % 3 = 0)::int,
                case when g % 10 = 0 then '{\"kind\":\"near_units\",\"max_distance_m\":20000}'
                     else '{\"kind\":\"anywhere\"}' end::jsonb,
                case when g % 7 = 0 then '{hi}'::text[] else '{}'::text[] end,
                5 + g % 40
         from generate_series(1, $1::int) g",
    )
    .bind(jobs as i32)
    .execute(pool)
    .await
    .unwrap();
}

/// Adds units `from..=to` (numbers within each job) to every job, 100 jobs per statement.
/// Located jobs spread their units up to ~30 km around their city.
async fn add_units(pool: &PgPool, jobs: usize, from: usize, to: usize) {
    let cities: Vec<f64> = CITIES.iter().flat_map(|(_, lat, lng)| [*lat, *lng]).collect();
    let step = 100;
    for first in (1..=jobs).step_by(step) {
        let last = (first + step - 1).min(jobs);
        sqlx::query(
            "insert into units (job_id, external_id, title, latitude, longitude)
             select j, 'U-' || n, 'Unit ' || n,
                    case when j % 5 = 0 then null
                         else ($5::float8[])[((j % 15) * 2 + 1)::int] + (random() - 0.5) * 0.54 end,
                    case when j % 5 = 0 then null
                         else ($5::float8[])[((j % 15) * 2 + 2)::int] + (random() - 0.5) * 0.54 end
             from generate_series($1::bigint, $2::bigint) j, generate_series($3::int, $4::int) n",
        )
        .bind(first as i64)
        .bind(last as i64)
        .bind(from as i32)
        .bind(to as i32)
        .bind(&cities)
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query("analyze").execute(pool).await.unwrap();
}

/// Giggers around the cities (within ~20 km), reading English (and one in three Hindi).
async fn create_giggers(pool: &PgPool, count: usize) -> Vec<profile::Me> {
    let mut giggers = Vec::with_capacity(count);
    for n in 0..count {
        let (city, lat, lng) = CITIES[n % CITIES.len()];
        let jitter = |k: usize| ((n * 7919 + k * 104_729) % 1000) as f64 / 1000.0 - 0.5;
        let id: i64 = sqlx::query_scalar(
            "insert into users (role, phone, display_name) values ('gigger', $1, 'Bench') returning id",
        )
        .bind(format!("+9170{n:08}"))
        .fetch_one(pool)
        .await
        .unwrap();
        let languages: &[&str] = if n % 3 == 0 { &["en", "hi"] } else { &["en"] };
        sqlx::query(
            "insert into gigger_profiles (user_id, city, pincode, languages, latitude, longitude, location_source)
             values ($1, $2, '560001', $3, $4, $5, 'device')",
        )
        .bind(id)
        .bind(city)
        .bind(languages)
        .bind(lat + jitter(1) * 0.36)
        .bind(lng + jitter(2) * 0.36)
        .execute(pool)
        .await
        .unwrap();
        giggers.push(profile::me(pool, id).await.unwrap());
    }
    giggers
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{label}: n={} p50={:.2} ms p99={:.2} ms max={:.2} ms",
        samples.len(),
        percentile(&samples, 0.50).as_secs_f64() * 1000.0,
        percentile(&samples, 0.99).as_secs_f64() * 1000.0,
        samples.last().unwrap().as_secs_f64() * 1000.0
    );
}

async fn measure(pool: &PgPool, giggers: &[profile::Me], requests: usize, label: &str) {
    let now = chrono::Utc::now();
    // Warm the caches the way a running server's would be.
    for me in giggers.iter().take(50) {
        feed::page(pool, me, None, 20, 50_000, now).await.unwrap();
    }
    let (mut first, mut second) = (Vec::new(), Vec::new());
    let mut cards = 0;
    for n in 0..requests {
        let me = &giggers[(n * 13) % giggers.len()];
        let started = Instant::now();
        let page = feed::page(pool, me, None, 20, 50_000, now).await.unwrap();
        first.push(started.elapsed());
        cards += page.cards.len();
        if let Some(next) = page.next.as_deref().and_then(FeedCursor::parse) {
            let started = Instant::now();
            feed::page(pool, me, Some(next), 20, 50_000, now).await.unwrap();
            second.push(started.elapsed());
        }
    }
    println!("{label}: {:.1} cards per first page on average", cards as f64 / requests as f64);
    report(&format!("{label}, first page"), first);
    if !second.is_empty() {
        report(&format!("{label}, next page"), second);
    }
}

async fn explain(pool: &PgPool, me: &profile::Me) {
    let (lat, lng) = me.location().unwrap();
    let plan: Vec<String> = sqlx::query_scalar(
        "explain (analyze, costs off, timing off, summary on)
         select job_id, centre <-> geo_point($1, $2) from job_unit_cells
         where gigs_left > 0 and centre <-> geo_point($1, $2) >= 0 order by centre <-> geo_point($1, $2) limit 200",
    )
    .bind(lat)
    .bind(lng)
    .fetch_all(pool)
    .await
    .unwrap();
    println!("plan of the nearest-cells scan (first 200 cells):\n  {}", plan.join("\n  "));
    let job: i64 = sqlx::query_scalar("select id from jobs where id % 5 <> 0 order by id limit 1")
        .fetch_one(pool)
        .await
        .unwrap();
    let plan: Vec<String> = sqlx::query_scalar(
        "explain (analyze, costs off, timing off, summary on)
         select u.id from units u
         where u.job_id = $1 and u.status = 'open' and u.slots_left > 0 and u.latitude is not null
         order by geo_point(u.latitude, u.longitude) <-> geo_point($2, $3) limit 1",
    )
    .bind(job)
    .bind(lat)
    .bind(lng)
    .fetch_all(pool)
    .await
    .unwrap();
    println!("plan of a reservation's nearest free unit:\n  {}", plan.join("\n  "));
}

#[tokio::main]
async fn main() {
    let admin_url = std::env::var("DATABASE_URL").expect("DATABASE_URL (see the header of this file)");
    let name = std::env::var("BENCH_DATABASE").unwrap_or_else(|_| "gigforge_bench_feed".into());
    let jobs = env_number("BENCH_JOBS", 10_000);
    let per_job = env_number("BENCH_UNITS_PER_JOB", 1_000);
    let requests = env_number("BENCH_REQUESTS", 500);
    // BENCH_KEEP=1 re-measures the database a finished run left (the 10 M load takes
    // about ten minutes), after applying any newer migrations to it.
    if std::env::var("BENCH_KEEP").is_ok_and(|v| v == "1") {
        let pool = common::kept_database(&admin_url, &name).await;
        let ids: Vec<i64> = sqlx::query_scalar("select user_id from gigger_profiles order by user_id")
            .fetch_all(&pool)
            .await
            .unwrap();
        let mut giggers = Vec::new();
        for id in ids {
            giggers.push(profile::me(&pool, id).await.unwrap());
        }
        let units: i64 = sqlx::query_scalar("select count(*) from units").fetch_one(&pool).await.unwrap();
        measure(&pool, &giggers, requests, &format!("{units} units (kept)")).await;
        explain(&pool, &giggers[0]).await;
        return;
    }
    let pool = common::fresh_database(&admin_url, &name).await;

    let started = Instant::now();
    create_jobs(&pool, jobs).await;
    add_units(&pool, jobs, 1, 1).await;
    let giggers = create_giggers(&pool, 1_000).await;
    println!(
        "{jobs} live jobs, {jobs} units, 1000 giggers: set up in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    measure(&pool, &giggers, requests, &format!("{jobs} units")).await;

    let started = Instant::now();
    add_units(&pool, jobs, 2, per_job).await;
    let (units, cells): (i64, i64) =
        sqlx::query_as("select (select count(*) from units), (select count(*) from job_unit_cells)")
            .fetch_one(&pool)
            .await
            .unwrap();
    println!("{units} units in {cells} job cells: loaded in {:.1} s", started.elapsed().as_secs_f64());
    measure(&pool, &giggers, requests, &format!("{units} units")).await;
    explain(&pool, &giggers[0]).await;
}
