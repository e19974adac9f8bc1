//! The gigger app against a real PostgreSQL: reservations under contention, limits,
//! expiry and the grace period, idempotent submissions, the feed's order and pages,
//! eligibility, quiz attempts, and the availability summaries the triggers keep.

mod common;

use app::error::AppError;
use app::gigs::server::{expiry, feed, profile, reserve, training};
use app::gigs::FeedCursor;
use app::state::Clock;
use chrono::Duration;
use common::TestApp;
use sqlx::PgPool;

const FORM: &str = r#"{"fields":[
    {"key":"shop_name","label":{"en":"Shop name"},"required":true,"kind":{"type":"short_text"}},
    {"key":"front","label":{"en":"Front photo"},"required":false,"kind":{"type":"photo","min_count":0,"max_count":2}}
]}"#;

struct Job {
    overlap: i16,
    pay_paise: i64,
    geography: serde_json::Value,
    languages: Vec<&'static str>,
    training_id: Option<i64>,
    daily_cap: Option<i32>,
    min_trust: i16,
}

impl Default for Job {
    fn default() -> Self {
        Job {
            overlap: 1,
            pay_paise: 4500,
            geography: serde_json::json!({ "kind": "anywhere" }),
            languages: vec![],
            training_id: None,
            daily_cap: None,
            min_trust: 0,
        }
    }
}

async fn organisation(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "insert into organisations (name) values ('Test Co') on conflict (name) do update set name = excluded.name
         returning id",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A live job with `units` (each with an optional location); returns its id.
async fn live_job(pool: &PgPool, job: Job, units: &[Option<(f64, f64)>]) -> i64 {
    let org = organisation(pool).await;
    let id: i64 = sqlx::query_scalar(
        "insert into jobs (organisation_id, title, pay_paise, target_approved, status, published_at, overlap,
             geography, languages, training_id, daily_cap_per_gigger, min_trust_score, reservation_minutes)
         values ($1, 'Job', $2, 1000, 'live', now(), $3, $4, $5, $6, $7, $8, 30) returning id",
    )
    .bind(org)
    .bind(job.pay_paise)
    .bind(job.overlap)
    .bind(&job.geography)
    .bind(&job.languages)
    .bind(job.training_id)
    .bind(job.daily_cap)
    .bind(job.min_trust)
    .fetch_one(pool)
    .await
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(FORM).unwrap();
    sqlx::query("insert into job_form_versions (job_id, version, schema) values ($1, 1, $2)")
        .bind(id)
        .bind(schema)
        .execute(pool)
        .await
        .unwrap();
    add_units(pool, id, units).await;
    id
}

async fn add_units(pool: &PgPool, job_id: i64, units: &[Option<(f64, f64)>]) {
    let start: i64 = sqlx::query_scalar("select count(*) from units where job_id = $1")
        .bind(job_id)
        .fetch_one(pool)
        .await
        .unwrap();
    for (n, location) in units.iter().enumerate() {
        sqlx::query(
            "insert into units (job_id, external_id, title, latitude, longitude) values ($1, $2, $3, $4, $5)",
        )
        .bind(job_id)
        .bind(format!("U-{}", start + n as i64))
        .bind(format!("Unit {}", start + n as i64))
        .bind(location.map(|l| l.0))
        .bind(location.map(|l| l.1))
        .execute(pool)
        .await
        .unwrap();
    }
}

/// A gigger with a profile in Bengaluru (pincode 560001) reading `languages`, at `location`.
async fn gigger(pool: &PgPool, n: u32, languages: &[&str], location: Option<(f64, f64)>) -> profile::Me {
    let id: i64 = sqlx::query_scalar(
        "insert into users (role, phone, display_name) values ('gigger', $1, $2) returning id",
    )
    .bind(format!("+9191{n:08}"))
    .bind(format!("Gigger {n}"))
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into gigger_profiles (user_id, city, pincode, languages, latitude, longitude, location_source)
         values ($1, 'Bengaluru', '560001', $2, $3, $4, case when $3::float8 is null then null else 'device' end)",
    )
    .bind(id)
    .bind(languages)
    .bind(location.map(|l| l.0))
    .bind(location.map(|l| l.1))
    .execute(pool)
    .await
    .unwrap();
    profile::me(pool, id).await.unwrap()
}

/// The summaries the triggers keep equal a recount from the units, once the changes
/// left waiting by busy job rows are folded in (as the expiry stage does every second).
async fn assert_summaries_match(pool: &PgPool) {
    assert_eq!(expiry::fold_pending_summaries(pool).await.unwrap(), 0, "changes still waiting after a fold");
    let wrong_jobs: i64 = sqlx::query_scalar(
        "select count(*) from jobs j where j.gigs_left <>
             (select coalesce(sum(slots_left), 0) from units u where u.job_id = j.id and u.status = 'open')",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(wrong_jobs, 0, "jobs.gigs_left differs from a recount");
    let wrong_cells: i64 = sqlx::query_scalar(
        "with recount as (
             select job_id, geo_cell(latitude, longitude) as cell, sum(slots_left) as gigs
             from units where status = 'open' and latitude is not null group by 1, 2)
         select count(*) from job_unit_cells c full join recount r on r.job_id = c.job_id and r.cell = c.cell
         where coalesce(c.gigs_left, 0) <> coalesce(r.gigs, 0)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(wrong_cells, 0, "job_unit_cells differs from a recount");
}

fn limits() -> reserve::GigLimits {
    reserve::GigLimits::default()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_hundred_reservers_of_one_unit_leave_exactly_one_holder(pool: PgPool) {
    let job = live_job(&pool, Job::default(), &[Some((12.97, 77.59))]).await;
    let mut giggers = Vec::new();
    for n in 0..100 {
        giggers.push(gigger(&pool, n, &["en"], Some((12.97, 77.60))).await);
    }
    let now = chrono::Utc::now();
    let tasks: Vec<_> = giggers
        .into_iter()
        .map(|me| {
            let pool = pool.clone();
            tokio::spawn(async move { reserve::reserve(&pool, me.id, job, limits(), now).await })
        })
        .collect();
    let mut held = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => held += 1,
            Err(AppError::Conflict(_)) => {}
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!(held, 1);
    let active: i64 = sqlx::query_scalar("select count(*) from reservations where status = 'active'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(active, 1);
    let (slots, gigs_left): (i16, i64) = sqlx::query_as(
        "select u.slots_left, j.gigs_left from units u join jobs j on j.id = u.job_id where u.job_id = $1",
    )
    .bind(job)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((slots, gigs_left), (0, 0));
    assert_summaries_match(&pool).await;
}

/// "Get a gig" must look up the gigger's past reservations per candidate unit: an anti-join
/// over all of them made each pick cost more the more gigs the gigger had done (1.5–12 ms
/// under the benchmark's load, bench/README.md). The plan is read with this database's
/// statistics as a job's first minutes leave them: none gathered yet.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn getting_a_gig_probes_the_giggers_history_per_unit_rather_than_reading_all_of_it(pool: PgPool) {
    let job = live_job(&pool, Job::default(), &[]).await;
    let me = gigger(&pool, 1, &["en"], Some((12.97, 77.59))).await;
    sqlx::query(
        "insert into units (job_id, external_id, title, latitude, longitude)
         select $1, 'U-' || n, 'Unit ' || n, 12.9 + n / 10000.0, 77.5 from generate_series(1, 2000) n",
    )
    .bind(job)
    .execute(&pool)
    .await
    .unwrap();
    // A long history on this job: 1,500 gigs done.
    sqlx::query(
        "insert into reservations (job_id, unit_id, gigger_id, status, deadline, ended_at, form_version)
         select job_id, id, $2, 'submitted', now(), now(), 1 from units where job_id = $1 order by id limit 1500",
    )
    .bind(job)
    .bind(me.id)
    .execute(&pool)
    .await
    .unwrap();
    for pick in [reserve::Pick::Oldest, reserve::Pick::Nearest] {
        let plan: Vec<String> = sqlx::query_scalar(&format!("explain {}", reserve::take_unit_sql(pick)))
            .bind(job)
            .bind(me.id)
            .bind(chrono::Utc::now())
            .bind(chrono::Utc::now() + Duration::minutes(30))
            .bind(None::<f64>)
            .bind(12.97)
            .bind(77.59)
            .bind(111_195.0)
            .bind(0_i64)
            .fetch_all(&pool)
            .await
            .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("SubPlan") && plan.contains("reservations_unit"), "{plan}");
        assert!(!plan.contains("Anti Join"), "{plan}");
    }
}

/// `take_gig` (migration 0019) runs the picks inside the database; its copies must be
/// `take_unit_sql`'s texts, which the plan test above covers.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_database_function_picks_with_the_same_statements_as_the_plan_test(pool: PgPool) {
    let source: String = sqlx::query_scalar("select prosrc from pg_proc where proname = 'take_gig'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let source = words(&source);
    for pick in [reserve::Pick::Oldest, reserve::Pick::Nearest] {
        let pick_sql = words(&reserve::take_unit_sql(pick));
        assert!(source.contains(&format!("{pick_sql} into taken_id, taken_deadline;")), "{pick_sql}");
    }
}

/// "Get a gig" starts its scan at the first unit that was free a moment ago
/// (first_free.rs), not at the job's first unit. A slot given back below that start is
/// still the oldest free one and is handed out first.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_slot_given_back_is_handed_out_before_later_units(pool: PgPool) {
    let job = live_job(&pool, Job::default(), &[None, None, None, None]).await;
    let now = chrono::Utc::now();
    let unit_of = |reservation: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select unit_id from reservations where id = $1")
                .bind(reservation)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let units: Vec<i64> = sqlx::query_scalar("select id from units where job_id = $1 order by id")
        .bind(job)
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut held = Vec::new();
    for n in 1..=2 {
        let g = gigger(&pool, n, &["en"], None).await;
        held.push((g.id, reserve::reserve(&pool, g.id, job, limits(), now).await.unwrap()));
    }
    // Past the moment the first free unit is trusted: the next pick looks it up again
    // (the third unit) and starts there.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let c = gigger(&pool, 3, &["en"], None).await;
    let third = reserve::reserve(&pool, c.id, job, limits(), now).await.unwrap();
    assert_eq!(unit_of(third.reservation_id).await, units[2]);
    let (a, first) = &held[0];
    assert_eq!(unit_of(first.reservation_id).await, units[0]);
    reserve::release(&pool, *a, job, first.reservation_id, now).await.unwrap();
    let d = gigger(&pool, 4, &["en"], None).await;
    let next = reserve::reserve(&pool, d.id, job, limits(), now).await.unwrap();
    assert_eq!(unit_of(next.reservation_id).await, units[0], "the oldest free unit, not the fourth");
    assert_summaries_match(&pool).await;
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn overlap_hands_a_unit_to_as_many_different_giggers_as_it_needs(pool: PgPool) {
    let job = live_job(&pool, Job { overlap: 2, ..Job::default() }, &[None]).await;
    let now = chrono::Utc::now();
    let a = gigger(&pool, 1, &["en"], None).await;
    let b = gigger(&pool, 2, &["en"], None).await;
    let c = gigger(&pool, 3, &["en"], None).await;
    let first = reserve::reserve(&pool, a.id, job, limits(), now).await.unwrap();
    // Pressing again returns the gig already held rather than a second one.
    assert_eq!(reserve::reserve(&pool, a.id, job, limits(), now).await.unwrap(), first);
    reserve::reserve(&pool, b.id, job, limits(), now).await.unwrap();
    assert!(matches!(reserve::reserve(&pool, c.id, job, limits(), now).await, Err(AppError::Conflict(_))));
    // A gigger who gave a unit back never gets the same unit again.
    reserve::release(&pool, a.id, job, first.reservation_id, now).await.unwrap();
    assert!(matches!(reserve::reserve(&pool, a.id, job, limits(), now).await, Err(AppError::Conflict(_))));
    reserve::reserve(&pool, c.id, job, limits(), now).await.unwrap();
    assert_summaries_match(&pool).await;
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_gigger_holds_one_gig_per_job_and_three_in_all(pool: PgPool) {
    let now = chrono::Utc::now();
    let me = gigger(&pool, 1, &["en"], None).await;
    let mut jobs = Vec::new();
    for _ in 0..4 {
        jobs.push(live_job(&pool, Job::default(), &[None, None]).await);
    }
    for job in &jobs[..3] {
        reserve::reserve(&pool, me.id, *job, limits(), now).await.unwrap();
    }
    match reserve::reserve(&pool, me.id, jobs[3], limits(), now).await {
        Err(AppError::Conflict(message)) => {
            assert!(message.en.contains("3 gigs") && message.hi.contains("3 गिग"), "{message:?}")
        }
        other => panic!("a fourth gig was not refused: {other:?}"),
    }
    let per_job: i64 =
        sqlx::query_scalar("select count(*) from reservations where job_id = $1 and status = 'active'")
            .bind(jobs[0])
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(per_job, 1);
    // Once one of them is past its deadline, it no longer counts.
    let later = now + Duration::minutes(31);
    reserve::reserve(&pool, me.id, jobs[3], limits(), later).await.unwrap();
}

/// One gigger pressing "Get a gig" on five jobs at once, twice each (two phones): the
/// profile row's lock orders the requests, so each sees what the one before committed and
/// the limits hold (one per job, three in all).
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn one_giggers_simultaneous_requests_keep_the_limits(pool: PgPool) {
    let now = chrono::Utc::now();
    let me = gigger(&pool, 1, &["en"], None).await;
    let mut jobs = Vec::new();
    for _ in 0..5 {
        jobs.push(live_job(&pool, Job::default(), &[None, None]).await);
    }
    let presses = jobs.iter().chain(jobs.iter()).map(|&job| {
        let pool = pool.clone();
        tokio::spawn(async move { reserve::reserve(&pool, me.id, job, limits(), now).await })
    });
    let results = futures::future::join_all(presses).await;
    assert!(results.iter().all(|r| matches!(r, Ok(Ok(_)) | Ok(Err(AppError::Conflict(_))))), "{results:?}");
    let per_job: Vec<i64> = sqlx::query_scalar(
        "select count(*) from reservations where gigger_id = $1 and status = 'active' group by job_id",
    )
    .bind(me.id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(per_job.len(), 3, "three gigs in all: {per_job:?}");
    assert!(per_job.iter().all(|&n| n == 1), "one per job: {per_job:?}");
    // Someone without a profile is asked for one rather than told the job is closed.
    let stranger: i64 =
        sqlx::query_scalar("insert into users (role, phone) values ('gigger', '+919700009999') returning id")
            .fetch_one(&pool)
            .await
            .unwrap();
    match reserve::reserve(&pool, stranger, jobs[0], limits(), now).await {
        Err(AppError::Invalid { field, .. }) => assert_eq!(field, "profile"),
        other => panic!("no profile, yet: {other:?}"),
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn expired_reservations_return_their_units_to_the_pool(pool: PgPool) {
    let now = chrono::Utc::now();
    let job = live_job(&pool, Job::default(), &[Some((12.97, 77.59)), Some((12.98, 77.59))]).await;
    let a = gigger(&pool, 1, &["en"], Some((12.97, 77.59))).await;
    let b = gigger(&pool, 2, &["en"], Some((12.97, 77.59))).await;
    reserve::reserve(&pool, a.id, job, limits(), now).await.unwrap();
    reserve::reserve(&pool, b.id, job, limits(), now).await.unwrap();
    assert_eq!(expiry::expire_due(&pool, now + Duration::minutes(29), 100).await.unwrap(), 0);
    assert_eq!(expiry::expire_due(&pool, now + Duration::minutes(31), 100).await.unwrap(), 2);
    let (gigs_left, expired): (i64, i64) = sqlx::query_as(
        "select (select gigs_left from jobs where id = $1),
                (select count(*) from reservations where status = 'expired')",
    )
    .bind(job)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((gigs_left, expired), (2, 2));
    assert_summaries_match(&pool).await;
}

/// An open job (no unit list) keeps a stock of blank gigs, made at publish and topped up
/// as they are taken, never past its target; the feed counts the gigs still to come.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn an_open_job_makes_its_gigs_as_they_are_taken(pool: PgPool) {
    use app::jobs::server::lifecycle;
    use app::jobs::JobAction;
    let now = chrono::Utc::now();
    let stock = i64::from(expiry::OPEN_JOB_STOCK);
    // Overlap 2 would hand a listed unit to two giggers; a blank gig goes to one.
    let job = live_job(&pool, Job { overlap: 2, ..Job::default() }, &[]).await;
    sqlx::query("update jobs set status = 'draft', published_at = null, units_mode = 'open', target_approved = $2 where id = $1")
        .bind(job)
        .bind(stock as i32 + 1)
        .execute(&pool)
        .await
        .unwrap();
    let a = gigger(&pool, 1, &["en"], None).await;
    let b = gigger(&pool, 2, &["en"], None).await;
    let feed_of = |me: profile::Me| {
        let pool = pool.clone();
        async move {
            let page = feed::page(&pool, &me, None, 20, 50_000, now).await.unwrap();
            page.cards.iter().find(|card| card.job_id == job).map(|card| card.gigs_left)
        }
    };
    assert_eq!(feed_of(a.clone()).await, None, "a draft is not in the feed");

    // Publishing makes the first stock of gigs in the same transaction.
    let mut conn = pool.acquire().await.unwrap();
    let version: i32 = sqlx::query_scalar("select version from jobs where id = $1")
        .bind(job)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    lifecycle::apply(&mut conn, job, version, JobAction::Publish, a.id, now.date_naive()).await.unwrap();
    let made = |pool: PgPool| async move {
        sqlx::query_as::<_, (i64, i64)>(
            "select open_units_made, (select count(*) from units where job_id = $1) from jobs where id = $1",
        )
        .bind(job)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    assert_eq!(made(pool.clone()).await, (stock, stock));
    assert_eq!(feed_of(a.clone()).await, Some(stock + 1), "the stock plus the one gig still to make");

    // A gig taken is topped up; the target caps the making.
    reserve::reserve(&pool, a.id, job, limits(), now).await.unwrap();
    assert_eq!(expiry::top_up_open_jobs(&mut *conn, None).await.unwrap(), 1);
    assert_eq!(expiry::top_up_open_jobs(&mut *conn, None).await.unwrap(), 0, "the stock is full again");
    reserve::reserve(&pool, b.id, job, limits(), now).await.unwrap();
    assert_eq!(expiry::top_up_open_jobs(&mut *conn, None).await.unwrap(), 0, "the target is reached");
    assert_eq!(made(pool.clone()).await, (stock + 1, stock + 1));
    assert_eq!(feed_of(b.clone()).await, Some(stock - 1));
    let held: Vec<i64> = sqlx::query_scalar("select distinct unit_id from reservations where job_id = $1")
        .bind(job)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(held.len(), 2, "each reservation got its own gig");
    // Raising the overlap later leaves the blank gigs at one slot each.
    let stored = app::jobs::server::store::load(&mut conn, job, false).await.unwrap();
    let settings = app::jobs::settings::JobSettings { overlap: 3, ..stored.settings.clone() };
    app::jobs::server::store::update(&mut conn, &stored, stored.version, &settings).await.unwrap();
    let most_slots: i16 = sqlx::query_scalar("select max(slots_left) from units where job_id = $1")
        .bind(job)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(most_slots, 1);
    assert_summaries_match(&pool).await;
}

/// A change whose job row is busy waits in `unit_gigs_pending` rather than queueing
/// behind the holder (a popular job's reservations used to go one at a time); the sweep
/// folds it in once the row is free.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_reservation_does_not_wait_for_its_busy_job_row(pool: PgPool) {
    let job = live_job(&pool, Job::default(), &[Some((12.97, 77.59)), None]).await;
    let me = gigger(&pool, 1, &["en"], None).await;
    let mut holder = pool.begin().await.unwrap();
    sqlx::query("select 1 from jobs where id = $1 for no key update")
        .bind(job)
        .execute(&mut *holder)
        .await
        .unwrap();
    let reserving = reserve::reserve(&pool, me.id, job, limits(), chrono::Utc::now());
    tokio::time::timeout(std::time::Duration::from_secs(10), reserving)
        .await
        .expect("the reservation waited for the job row")
        .unwrap();
    let counts =
        "select (select gigs_left from jobs where id = $1), (select count(*) from unit_gigs_pending)";
    let (gigs_left, waiting): (i64, i64) = sqlx::query_as(counts).bind(job).fetch_one(&pool).await.unwrap();
    assert_eq!((gigs_left, waiting), (2, 1));
    // While the row is still busy the sweep leaves the change waiting.
    assert_eq!(expiry::fold_pending_summaries(&pool).await.unwrap(), 1);
    holder.rollback().await.unwrap();
    assert_eq!(expiry::fold_pending_summaries(&pool).await.unwrap(), 0);
    let (gigs_left, waiting): (i64, i64) = sqlx::query_as(counts).bind(job).fetch_one(&pool).await.unwrap();
    assert_eq!((gigs_left, waiting), (1, 0));
    assert_summaries_match(&pool).await;
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_nearest_free_unit_is_reserved_first(pool: PgPool) {
    let now = chrono::Utc::now();
    let far = Some((13.10, 77.59));
    let near = Some((12.972, 77.595));
    let middle = Some((13.00, 77.59));
    let job = live_job(&pool, Job::default(), &[far, near, middle]).await;
    let me = gigger(&pool, 1, &["en"], Some((12.97, 77.59))).await;
    let held = reserve::reserve(&pool, me.id, job, limits(), now).await.unwrap();
    let title: String = sqlx::query_scalar(
        "select u.title from reservations r join units u on u.job_id = r.job_id and u.id = r.unit_id where r.id = $1",
    )
    .bind(held.reservation_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(title, "Unit 1");
    // A job limited to 5 km refuses a gigger whose nearest free unit is farther.
    let limited = live_job(
        &pool,
        Job {
            geography: serde_json::json!({ "kind": "near_units", "max_distance_m": 5000 }),
            ..Job::default()
        },
        &[far],
    )
    .await;
    match reserve::reserve(&pool, me.id, limited, limits(), now).await {
        Err(AppError::Conflict(message)) => assert!(message.en.contains("close enough"), "{message:?}"),
        other => panic!("a unit beyond the limit was not refused: {other:?}"),
    }
    // Units without a location are still handed to a gigger who has one.
    let unlocated = live_job(&pool, Job::default(), &[None]).await;
    reserve::reserve(&pool, me.id, unlocated, limits(), now).await.unwrap();
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_feed_lists_near_jobs_by_distance_then_the_rest_by_pay_in_pages(pool: PgPool) {
    let now = chrono::Utc::now();
    let home = (12.97, 77.59);
    // Located jobs at increasing distances (about 1, 5, 9, ... km north).
    let mut located = Vec::new();
    for k in 0..7 {
        let at = Some((home.0 + 0.01 + 0.036 * f64::from(k), home.1));
        located.push(live_job(&pool, Job::default(), &[at, at]).await);
    }
    // Two jobs sharing the same cell: ordered by id.
    let twin_a = live_job(&pool, Job::default(), &[Some((12.90, 77.59))]).await;
    let twin_b = live_job(&pool, Job::default(), &[Some((12.90, 77.59))]).await;
    // Too far away to list (Delhi).
    live_job(&pool, Job::default(), &[Some((28.6, 77.2))]).await;
    // Done from anywhere, by pay.
    let cheap = live_job(&pool, Job { pay_paise: 100, ..Job::default() }, &[None]).await;
    let rich = live_job(&pool, Job { pay_paise: 9000, ..Job::default() }, &[None]).await;
    // Not eligible: Hindi only, higher trust, another city, no gigs left.
    live_job(&pool, Job { languages: vec!["hi"], ..Job::default() }, &[None]).await;
    live_job(&pool, Job { min_trust: 90, ..Job::default() }, &[None]).await;
    live_job(
        &pool,
        Job {
            geography: serde_json::json!({ "kind": "places", "cities": ["Pune"], "pincodes": [] }),
            ..Job::default()
        },
        &[None],
    )
    .await;
    live_job(&pool, Job::default(), &[]).await;
    // Eligible by place (city matched regardless of case).
    let in_city = live_job(
        &pool,
        Job {
            pay_paise: 5000,
            geography: serde_json::json!({ "kind": "places", "cities": ["bengaluru"], "pincodes": [] }),
            ..Job::default()
        },
        &[None],
    )
    .await;

    let me = gigger(&pool, 1, &["en"], Some(home)).await;
    let mut seen = Vec::new();
    let mut distances = Vec::new();
    let mut cursor = None;
    for _ in 0..10 {
        let page = feed::page(&pool, &me, cursor, 3, 50_000, now).await.unwrap();
        assert!(page.located);
        assert!(page.cards.len() <= 3);
        for card in &page.cards {
            seen.push(card.job_id);
            distances.push(card.distance_m);
        }
        match page.next {
            Some(next) => cursor = Some(FeedCursor::parse(&next).unwrap()),
            None => break,
        }
    }
    let mut expected = located.clone();
    expected.extend([twin_a, twin_b, rich, in_city, cheap]);
    let located_part: Vec<(i64, u32)> =
        seen.iter().zip(&distances).filter_map(|(id, d)| d.map(|d| (*id, d))).collect();
    assert!(located_part.windows(2).all(|w| w[0].1 <= w[1].1), "by distance: {located_part:?}");
    let mut sorted_seen = seen.clone();
    sorted_seen.sort();
    sorted_seen.dedup();
    assert_eq!(sorted_seen.len(), seen.len(), "no job twice across pages: {seen:?}");
    let mut sorted_expected = expected.clone();
    sorted_expected.sort();
    assert_eq!(sorted_seen, sorted_expected, "exactly the eligible jobs");
    let twin_positions: Vec<usize> =
        [twin_a, twin_b].iter().map(|id| seen.iter().position(|s| s == id).unwrap()).collect();
    assert_eq!(twin_positions[1], twin_positions[0] + 1, "jobs at one distance come by id");
    assert_eq!(&seen[seen.len() - 3..], &[rich, in_city, cheap], "the rest by pay");

    // Without a location: every eligible job by pay, no distances.
    let nowhere = gigger(&pool, 2, &["en"], None).await;
    let page = feed::page(&pool, &nowhere, None, 50, 50_000, now).await.unwrap();
    assert!(!page.located);
    assert!(page.cards.iter().all(|c| c.distance_m.is_none()));
    assert!(page.cards.windows(2).all(|w| w[0].pay >= w[1].pay));
    assert_eq!(page.cards.len(), expected.len() + 1, "the Delhi job too: distance unknown");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn daily_caps_and_training_decide_eligibility(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let now = app.state.clock.now();
    let org = organisation(&pool).await;
    let content = serde_json::json!({
        "blocks": [{"type": "text", "text": {"en": "Read this."}}],
        "questions": [
            {"prompt": {"en": "Q1"}, "options": [{"en": "a"}, {"en": "b"}], "correct": [1], "multiple": false},
            {"prompt": {"en": "Q2"}, "options": [{"en": "a"}, {"en": "b"}, {"en": "c"}], "correct": [0, 2], "multiple": true}
        ]
    });
    let training_id: i64 = sqlx::query_scalar(
        "insert into trainings (organisation_id, title, content, pass_mark_percent, max_attempts, cooldown_minutes)
         values ($1, 'Basics', $2, 100, 2, 60) returning id",
    )
    .bind(org)
    .bind(content)
    .fetch_one(&pool)
    .await
    .unwrap();
    let job = live_job(&pool, Job { training_id: Some(training_id), ..Job::default() }, &[None, None]).await;
    let me = gigger(&pool, 1, &["en"], None).await;

    // Untrained: listed (trainable), but no gig yet.
    let page = feed::page(&pool, &me, None, 10, 50_000, now).await.unwrap();
    assert!(page.cards.iter().any(|c| c.job_id == job && c.needs_training));
    assert!(matches!(reserve::reserve(&pool, me.id, job, limits(), now).await, Err(AppError::Conflict(_))));

    // The right answers never reach the gigger.
    let to_take = training::to_take(&pool, me.id, training_id, now).await.unwrap();
    assert!(!serde_json::to_string(&to_take).unwrap().contains("correct"));

    // A wrong attempt: score, which were wrong, then the cooldown holds.
    let result = training::attempt(&pool, me.id, training_id, &[vec![0], vec![0, 2]], now).await.unwrap();
    assert_eq!(
        (result.score_percent, result.passed, result.wrong.clone(), result.attempts_left),
        (50, false, vec![0], 1)
    );
    let again =
        training::attempt(&pool, me.id, training_id, &[vec![1], vec![0, 2]], now + Duration::minutes(59))
            .await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    // Answers naming choices that do not exist are refused without using an attempt.
    let bad =
        training::attempt(&pool, me.id, training_id, &[vec![7], vec![0]], now + Duration::minutes(61)).await;
    assert!(matches!(bad, Err(AppError::Invalid { .. })));
    let pass =
        training::attempt(&pool, me.id, training_id, &[vec![1], vec![2, 0]], now + Duration::minutes(61))
            .await
            .unwrap();
    assert!(pass.passed);
    let later = now + Duration::minutes(62);
    reserve::reserve(&pool, me.id, job, limits(), later).await.unwrap();

    // Someone who used every attempt no longer sees the job.
    let failing = gigger(&pool, 2, &["en"], None).await;
    training::attempt(&pool, failing.id, training_id, &[vec![0], vec![1]], now).await.unwrap();
    training::attempt(&pool, failing.id, training_id, &[vec![0], vec![1]], now + Duration::minutes(61))
        .await
        .unwrap();
    let page = feed::page(&pool, &failing, None, 10, 50_000, later).await.unwrap();
    assert!(page.cards.iter().all(|c| c.job_id != job));

    // A daily cap of one: after one submission today the job leaves the feed.
    let capped = live_job(&pool, Job { daily_cap: Some(1), ..Job::default() }, &[None, None]).await;
    let worker = gigger(&pool, 3, &["en"], None).await;
    let held = reserve::reserve(&pool, worker.id, capped, limits(), now).await.unwrap();
    sqlx::query(
        "insert into submissions (job_id, unit_id, reservation_id, gigger_id, form_version, answers,
             idempotency_key, request_digest, pay_paise, received_at)
         select job_id, unit_id, id, gigger_id, 1, '{}', gen_random_uuid(), 'x', 4500, $2 from reservations where id = $1",
    )
    .bind(held.reservation_id)
    .bind(now)
    .execute(&pool)
    .await
    .unwrap();
    let page = feed::page(&pool, &worker, None, 10, 50_000, now).await.unwrap();
    assert!(page.cards.iter().all(|c| c.job_id != capped));
}

/// A client signed in over HTTP as a gigger with a profile (Bengaluru, English).
async fn onboarded_gigger(app: &TestApp, phone: &str) -> reqwest::Client {
    let client = app.client();
    app.sign_in_gigger(&client, phone).await;
    let saved = app
        .call(
            &client,
            "/api/gigs/profile/save",
            &[("name", "Tester"), ("city", "Bengaluru"), ("pincode", "560001"), ("speaks_en", "on")],
        )
        .await;
    assert!(saved.status().is_success() || saved.status().is_redirection(), "{}", saved.status());
    client
}

/// Signs a gigger in over HTTP with a profile and reserves a unit of a job without
/// training; returns the client, the job and the reservation.
async fn gigger_with_gig(app: &TestApp, phone: &str) -> (reqwest::Client, i64, i64) {
    let job = live_job(&app.pool, Job::default(), &[None, None, None]).await;
    let client = onboarded_gigger(app, phone).await;
    let reserved = app.call(&client, "/api/gigs/reserve", &[("job_id", &job.to_string())]).await;
    assert!(reserved.status().as_u16() < 400, "{}", reserved.text().await.unwrap());
    let reservation: i64 = sqlx::query_scalar("select id from reservations where job_id = $1")
        .bind(job)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    (client, job, reservation)
}

fn submission_form(key: &str, shop_name: &str) -> reqwest::multipart::Form {
    let envelope = serde_json::json!({
        "idempotency_key": key,
        "answers": { "shop_name": { "type": "text", "value": shop_name } },
    });
    reqwest::multipart::Form::new().text("submission", envelope.to_string())
}

async fn submit(
    app: &TestApp,
    client: &reqwest::Client,
    job: i64,
    reservation: i64,
    form: reqwest::multipart::Form,
) -> (u16, serde_json::Value) {
    let response = client
        .post(app.url(&format!("/api/gigs/{job}/reservations/{reservation}/submission")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(serde_json::Value::Null))
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_retried_submission_is_stored_once(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (client, job, reservation) = gigger_with_gig(&app, "9812300001").await;
    let key = "6f1c2b7e-2f4a-4c51-9d3e-0a1b2c3d4e5f";

    let (status, first) = submit(&app, &client, job, reservation, submission_form(key, "Ravi Stores")).await;
    assert_eq!(status, 200, "{first}");
    let (status, again) = submit(&app, &client, job, reservation, submission_form(key, "Ravi Stores")).await;
    assert_eq!(status, 200);
    assert_eq!(first["submission_id"], again["submission_id"], "the retry returns the first receipt");

    let (status, _) = submit(&app, &client, job, reservation, submission_form(key, "Other Stores")).await;
    assert_eq!(status, 422, "the same key with another body is refused");
    let other_key = "0a0a0a0a-2f4a-4c51-9d3e-0a1b2c3d4e5f";
    let (status, _) =
        submit(&app, &client, job, reservation, submission_form(other_key, "Ravi Stores")).await;
    assert_eq!(status, 409, "a second submission of one gig is refused");

    let stored: i64 = sqlx::query_scalar("select count(*) from submissions").fetch_one(&pool).await.unwrap();
    let events: i64 = sqlx::query_scalar("select count(*) from submission_events where kind = 'received'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let status: String = sqlx::query_scalar("select status from reservations where id = $1")
        .bind(reservation)
        .fetch_one(&pool)
        .await
        .unwrap();
    // Queued for QC with the submission, once.
    let queued: i64 = sqlx::query_scalar("select count(*) from stage_tasks where stage = 'qc'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((stored, events, status.as_str(), queued), (1, 1, "submitted", 1));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn concurrent_duplicates_wait_and_get_the_same_receipt(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (client, job, reservation) = gigger_with_gig(&app, "9812300002").await;
    let key = "7f1c2b7e-2f4a-4c51-9d3e-0a1b2c3d4e5f";
    let sends = (0..8).map(|_| submit(&app, &client, job, reservation, submission_form(key, "Same")));
    let results = futures::future::join_all(sends).await;
    let ids: std::collections::BTreeSet<String> = results
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, 200, "{body}");
            body["submission_id"].to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1);
    let stored: i64 = sqlx::query_scalar("select count(*) from submissions").fetch_one(&pool).await.unwrap();
    assert_eq!(stored, 1);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_late_submission_is_taken_within_the_grace_period_only(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (client, job, reservation) = gigger_with_gig(&app, "9812300003").await;
    // Past the 30-minute deadline; the sweeper has returned the unit.
    app.clock.advance(Duration::minutes(31));
    assert_eq!(expiry::expire_due(&pool, app.clock.now(), 100).await.unwrap(), 1);
    let (status, receipt) = submit(
        &app,
        &client,
        job,
        reservation,
        submission_form("8f1c2b7e-2f4a-4c51-9d3e-0a1b2c3d4e5f", "Late"),
    )
    .await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["late"], true);
    // The gig took its unit's slot again (the sweeper had given it back).
    let slots_left: i16 = sqlx::query_scalar(
        "select u.slots_left from units u join reservations r on r.job_id = u.job_id and r.unit_id = u.id
         where r.id = $1",
    )
    .bind(reservation)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(slots_left, 0);
    assert_summaries_match(&pool).await;

    let (client, job, reservation) = gigger_with_gig(&app, "9812300004").await;
    app.clock.advance(Duration::minutes(32) + Duration::seconds(30));
    let (status, body) = submit(
        &app,
        &client,
        job,
        reservation,
        submission_form("9f1c2b7e-2f4a-4c51-9d3e-0a1b2c3d4e5f", "Too late"),
    )
    .await;
    assert_eq!(status, 409, "{body}");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn submissions_are_checked_and_only_for_ones_own_gig(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let (client, job, reservation) = gigger_with_gig(&app, "9812300005").await;
    // A required answer missing.
    let (status, body) =
        submit(&app, &client, job, reservation, submission_form("af1c2b7e-2f4a-4c51-9d3e-0a1b2c3d4e5f", ""))
            .await;
    assert_eq!(status, 422, "{body}");
    // No idempotency key.
    let (status, _) = submit(&app, &client, job, reservation, submission_form("nope", "Shop")).await;
    assert_eq!(status, 422);
    // A photo the answers do not name.
    let form = submission_form("bf1c2b7e-2f4a-4c51-9d3e-0a1b2c3d4e5f", "Shop")
        .part("stray", reqwest::multipart::Part::bytes(vec![0xff, 0xd8, 0xff]).file_name("stray.jpg"));
    let (status, _) = submit(&app, &client, job, reservation, form).await;
    assert_eq!(status, 422);
    // Answers naming a photo, with no photo sent at all (the path without photos checks
    // the answers inside its one transaction).
    let envelope = serde_json::json!({
        "idempotency_key": "cf1c2b7e-2f4a-4c51-9d3e-0a1b2c3d4e5f",
        "answers": {
            "shop_name": { "type": "text", "value": "Shop" },
            "front": { "type": "photos", "value": ["5d3e0a1b-2c3d-4e5f-9d3e-0a1b2c3d4e5f"] },
        },
    });
    let form = reqwest::multipart::Form::new().text("submission", envelope.to_string());
    let (status, body) = submit(&app, &client, job, reservation, form).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("A photo is missing from the upload"), "{body}");
    // Another gigger cannot submit (or see) this gig.
    let (other, _, _) = gigger_with_gig(&app, "9812300006").await;
    let (status, _) = submit(
        &app,
        &other,
        job,
        reservation,
        submission_form("cf1c2b7e-2f4a-4c51-9d3e-0a1b2c3d4e5f", "Shop"),
    )
    .await;
    assert_eq!(status, 404);
    let seen = app
        .call(
            &other,
            "/api/gigs/reserved",
            &[("job_id", &job.to_string()), ("reservation_id", &reservation.to_string())],
        )
        .await;
    assert_eq!(seen.status(), 404);
    // Nobody signed in.
    let (status, _) = submit(
        &app,
        &app.client(),
        job,
        reservation,
        submission_form("df1c2b7e-2f4a-4c51-9d3e-0a1b2c3d4e5f", "Shop"),
    )
    .await;
    assert_eq!(status, 401);
    let stored: i64 = sqlx::query_scalar("select count(*) from submissions").fetch_one(&pool).await.unwrap();
    assert_eq!(stored, 0);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn profiles_are_validated_and_fall_back_to_the_pincode_centre(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    sqlx::query("insert into pincodes (pincode, latitude, longitude) values ('560038', 12.9719, 77.6412)")
        .execute(&pool)
        .await
        .unwrap();
    let client = app.client();
    app.sign_in_gigger(&client, "9812300010").await;
    let bad = app
        .call(
            &client,
            "/api/gigs/profile/save",
            &[("name", "A"), ("city", "B"), ("pincode", "12"), ("speaks_en", "on")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let body: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(body["Invalid"]["field"], "pincode");
    let bad_upi = app
        .call(
            &client,
            "/api/gigs/profile/save",
            &[
                ("name", "A"),
                ("city", "B"),
                ("pincode", "560038"),
                ("speaks_hi", "on"),
                ("upi_id", "not-upi"),
            ],
        )
        .await;
    assert_eq!(bad_upi.status(), 422);
    assert_eq!(
        sqlx::query_scalar::<_, i64>("select count(*) from gigger_profiles").fetch_one(&pool).await.unwrap(),
        0
    );
    let good = app
        .call(
            &client,
            "/api/gigs/profile/save",
            &[
                ("name", "Asha"),
                ("city", "Bengaluru"),
                ("pincode", "560038"),
                ("speaks_hi", "on"),
                ("upi_id", "asha@okaxis"),
            ],
        )
        .await;
    assert!(good.status().as_u16() < 400, "{}", good.text().await.unwrap());
    let (lat, source, languages): (Option<f64>, Option<String>, Vec<String>) =
        sqlx::query_as("select latitude, location_source, languages from gigger_profiles")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((lat, source.as_deref(), languages), (Some(12.9719), Some("pincode"), vec!["hi".to_string()]));
}

/// The quiz posted as a plain form (no WASM): only a signed-in gigger's attempt counts; an
/// incomplete one is refused back to the page and records nothing; a complete one is
/// scored and shown with `tried=1`.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_quiz_works_as_a_plain_form_post(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let (training, questions): (i64, i32) = sqlx::query_as(
        "select id, jsonb_array_length(content->'questions') from trainings order by id limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(questions >= 2, "the demo training has a quiz");
    let quiz = app.url(&format!("/api/gigs/training/{training}/quiz"));
    let attempts = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from training_attempts").fetch_one(&pool).await.unwrap()
    };
    let location = |response: &reqwest::Response| {
        response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_string()
    };

    let anonymous = app.client().post(&quiz).form(&[("job", "1"), ("q0", "0")]).send().await.unwrap();
    assert_eq!((anonymous.status().as_u16(), location(&anonymous)), (303, "/signin".to_string()));

    let client = onboarded_gigger(&app, "9000012345").await;
    let incomplete = client.post(&quiz).form(&[("job", "1"), ("q0", "0")]).send().await.unwrap();
    assert_eq!(
        (incomplete.status().as_u16(), location(&incomplete)),
        (303, format!("/gigs/training/{training}?job=1"))
    );
    assert_eq!(attempts().await, 0, "a refused attempt records nothing");
    // The page the gigger lands on (rendered on the server) shows the refusal, once.
    let page = app.url(&location(&incomplete));
    let shown = client.get(&page).send().await.unwrap().text().await.unwrap();
    assert!(shown.contains("Answer every question."), "the refusal is not on the page");
    let again = client.get(&page).send().await.unwrap().text().await.unwrap();
    assert!(!again.contains("Answer every question."), "the refusal is shown once");

    let every: Vec<(String, String)> = (0..questions)
        .map(|q| (format!("q{q}"), "0".to_string()))
        .chain([("job".into(), "1".into())])
        .collect();
    let scored = client.post(&quiz).form(&every).send().await.unwrap();
    assert_eq!(
        (scored.status().as_u16(), location(&scored)),
        (303, format!("/gigs/training/{training}?job=1&tried=1"))
    );
    assert_eq!(attempts().await, 1);
}

/// `gigforge import-pincodes`: centres are upserted (a second import replaces them), and a
/// gigger without a device location is then placed at their pincode's centre.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn imported_pincode_centres_place_giggers_without_a_location(pool: PgPool) {
    use server::pincodes::{centres_from_csv, save};
    let first =
        centres_from_csv("pincode,latitude,longitude,district\n560001,12.90,77.50,BENGALURU\n".as_bytes())
            .unwrap();
    assert_eq!(save(&pool, &first).await.unwrap(), 1);
    let again =
        "Pincode,Latitude,Longitude\n560001,12.9716,77.5946\n560001,12.9716,77.5946\n411001,18.52,73.85\n";
    assert_eq!(save(&pool, &centres_from_csv(again.as_bytes()).unwrap()).await.unwrap(), 2);
    let centre: (f64, f64, String) =
        sqlx::query_as("select latitude, longitude, place from pincodes where pincode = '560001'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(centre, (12.9716, 77.5946, String::new()), "the second import replaced the first");
    let me = gigger(&pool, 77, &["en"], None).await;
    assert_eq!(me.location(), None);
    let form = app::gigs::ProfileForm {
        name: "Asha".into(),
        city: "Bengaluru".into(),
        pincode: "560001".into(),
        speaks_en: Some("on".into()),
        ..Default::default()
    };
    profile::save(&pool, me.id, &form.parse().unwrap(), chrono::Utc::now()).await.unwrap();
    let me = profile::me(&pool, me.id).await.unwrap();
    assert_eq!(me.location(), Some((12.9716, 77.5946)), "the pincode's centre stands in for the device's");
}
