//! Property test of the ledger against a real PostgreSQL: random sequences of approve,
//! overturn, payout batch, and bank results (paid or failed). After every step: every
//! transaction balances, no gigger's balance is below zero, no submission earns twice,
//! and every account equals what a plain model of the same steps says it should be.
//! Each sequence comes from a numbered seed, printed on failure, so it can be replayed.

mod common;

use app::ledger::server::balance;
use app::ledger::Account;
use app::payouts::server::{create_batch, settle, BankCsv};
use app::pipeline::server::queue;
use app::pipeline::server::review::{decide, overturn_approval, ReviewDecision};
use app::pipeline::server::worker;
use app::pipeline::Stage;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::time::Duration;

const SEQUENCES: u64 = 12;
const STEPS: usize = 40;
const GIGGERS: usize = 3;
const SUBMISSIONS: usize = 30;

/// What the ledger should say, kept by hand.
#[derive(Default)]
struct Model {
    /// Submissions by status, with their gigger and pay.
    submissions: Vec<(i64, usize, i64, &'static str)>,
    /// Pending payouts by reference: (gigger, amount).
    pending: BTreeMap<String, (usize, i64)>,
    balance: [i64; GIGGERS],
    in_flight: i64,
    bank: i64,
}

struct World {
    pool: PgPool,
    state: app::state::AppState,
    job_id: i64,
    admin: i64,
    giggers: [i64; GIGGERS],
}

async fn world(pool: PgPool) -> (World, Model, common::TempDir) {
    let (state, _clock, dir) = common::state(pool.clone());
    let org: i64 = sqlx::query_scalar("insert into organisations (name) values ('Ledger Co') returning id")
        .fetch_one(&pool)
        .await
        .unwrap();
    let job_id: i64 = sqlx::query_scalar(
        "insert into jobs (organisation_id, title, pay_paise, target_approved, status, published_at)
         values ($1, 'Tag photos', 4500, 1000, 'live', now()) returning id",
    )
    .bind(org)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into job_form_versions (job_id, version, schema) values ($1, 1, '{\"fields\":[]}');
         ",
    )
    .bind(job_id)
    .execute(&pool)
    .await
    .unwrap();
    let admin: i64 = sqlx::query_scalar(
        "insert into users (role, email, password_hash, display_name) values ('admin', 'admin@ledger.test', 'x', 'Admin') returning id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut giggers = [0; GIGGERS];
    for (n, id) in giggers.iter_mut().enumerate() {
        *id = sqlx::query_scalar(
            "insert into users (role, phone, display_name) values ('gigger', $1, $2) returning id",
        )
        .bind(format!("+91977{n:07}"))
        .bind(format!("Gigger {n}"))
        .fetch_one(&pool)
        .await
        .unwrap();
        sqlx::query(
            "insert into gigger_profiles (user_id, city, pincode, languages, upi_id) values ($1, 'Pune', '411001', '{en}', $2)",
        )
        .bind(*id)
        .bind(format!("gigger{n}@okaxis"))
        .execute(&pool)
        .await
        .unwrap();
    }
    let mut model = Model::default();
    for n in 0..SUBMISSIONS {
        let gigger = n % GIGGERS;
        let pay = 1000 + 500 * (n as i64 % 7);
        let unit: i64 = sqlx::query_scalar(
            "insert into units (job_id, external_id, title) values ($1, $2, 'U') returning id",
        )
        .bind(job_id)
        .bind(format!("U-{n}"))
        .fetch_one(&pool)
        .await
        .unwrap();
        let reservation: i64 = sqlx::query_scalar(
            "insert into reservations (job_id, unit_id, gigger_id, status, deadline, ended_at, form_version)
             values ($1, $2, $3, 'submitted', now(), now(), 1) returning id",
        )
        .bind(job_id)
        .bind(unit)
        .bind(giggers[gigger])
        .fetch_one(&pool)
        .await
        .unwrap();
        let id: i64 = sqlx::query_scalar(
            "insert into submissions (job_id, unit_id, reservation_id, gigger_id, form_version, answers,
                 idempotency_key, request_digest, pay_paise, status)
             values ($1, $2, $3, $4, 1, '{}', gen_random_uuid(), 'd', $5, 'in_review') returning id",
        )
        .bind(job_id)
        .bind(unit)
        .bind(reservation)
        .bind(giggers[gigger])
        .bind(pay)
        .fetch_one(&pool)
        .await
        .unwrap();
        model.submissions.push((id, gigger, pay, "in_review"));
    }
    (World { pool, state, job_id, admin, giggers }, model, dir)
}

async fn run_ledger_stage(world: &World) {
    loop {
        let tasks =
            queue::claim(&world.pool, Stage::Ledger, "prop", 50, Duration::from_secs(30)).await.unwrap();
        if tasks.is_empty() {
            return;
        }
        for task in &tasks {
            worker::process(&world.state, Stage::Ledger, task, "prop").await;
        }
    }
}

async fn scalar(pool: &PgPool, query: &str) -> i64 {
    sqlx::query_scalar(query).fetch_one(pool).await.unwrap()
}

async fn check(world: &World, model: &Model, context: &str) {
    let pool = &world.pool;
    let unbalanced = scalar(
        pool,
        "select count(*) from (select transaction_id from ledger_entries group by 1
                               having sum(amount_paise) <> 0 or count(*) < 2) t",
    )
    .await;
    assert_eq!(unbalanced, 0, "{context}: every transaction balances");
    let negative = scalar(
        pool,
        "select count(*) from (select a.id from ledger_accounts a join ledger_entries e on e.account_id = a.id
                               where a.kind = 'gigger_earnings' group by a.id having sum(e.amount_paise) < 0) t",
    )
    .await;
    assert_eq!(negative, 0, "{context}: no gigger's balance is below zero");
    let doubled = scalar(
        pool,
        "select count(*) from (select job_id, submission_id from ledger_transactions where kind = 'earning'
                               group by 1, 2 having count(*) > 1) t",
    )
    .await;
    assert_eq!(doubled, 0, "{context}: at most one earning per submission");
    let mut conn = pool.acquire().await.unwrap();
    for (n, gigger) in world.giggers.iter().enumerate() {
        let actual = balance(&mut conn, Account::GiggerEarnings(*gigger)).await.unwrap();
        assert_eq!(actual, model.balance[n], "{context}: gigger {n}'s balance");
    }
    assert_eq!(
        balance(&mut conn, Account::PayoutsInFlight).await.unwrap(),
        model.in_flight,
        "{context}: in flight"
    );
    assert_eq!(
        balance(&mut conn, Account::Bank).await.unwrap(),
        model.bank,
        "{context}: paid through the bank"
    );
    let earned: i64 = model.submissions.iter().filter(|s| s.3 == "approved").map(|s| s.2).sum();
    assert_eq!(
        balance(&mut conn, Account::JobFunding(world.job_id)).await.unwrap(),
        -earned,
        "{context}: the job paid for its approved gigs"
    );
}

async fn step(world: &World, model: &mut Model, rng: &mut StdRng) -> String {
    match rng.gen_range(0..10) {
        // Approve a gig waiting in review; the ledger stage posts its earning.
        0..=3 => {
            let waiting: Vec<usize> =
                (0..model.submissions.len()).filter(|&i| model.submissions[i].3 == "in_review").collect();
            let Some(&i) = waiting.get(rng.gen_range(0..waiting.len().max(1))) else {
                return "approve: none".into();
            };
            let (id, gigger, pay, _) = model.submissions[i];
            decide(&world.pool, world.job_id, id, world.admin, &ReviewDecision::Approve, false)
                .await
                .unwrap();
            run_ledger_stage(world).await;
            model.submissions[i].3 = "approved";
            model.balance[gigger] += pay;
            format!("approve {id}")
        }
        // Overturn an approval: refused once its pay has gone out.
        4..=5 => {
            let approved: Vec<usize> =
                (0..model.submissions.len()).filter(|&i| model.submissions[i].3 == "approved").collect();
            let Some(&i) = approved.get(rng.gen_range(0..approved.len().max(1))) else {
                return "overturn: none".into();
            };
            let (id, gigger, pay, _) = model.submissions[i];
            let result = overturn_approval(&world.pool, world.job_id, id, world.admin, "wrong shop").await;
            if model.balance[gigger] >= pay {
                result.unwrap();
                model.submissions[i].3 = "rejected";
                model.balance[gigger] -= pay;
                format!("overturn {id}")
            } else {
                assert!(matches!(result, Err(app::error::AppError::Conflict(_))), "{result:?}");
                format!("overturn {id} refused (paid out)")
            }
        }
        // A payout batch: everyone with at least ₹10 and nothing in flight.
        6..=7 => {
            let batch = create_batch(&world.pool, world.admin, 1000).await.unwrap();
            let Some(batch) = batch else { return "payout: nobody due".into() };
            for (n, gigger) in world.giggers.iter().enumerate() {
                let reference = format!("GFP{batch}-{gigger}");
                let busy = model.pending.values().any(|(g, _)| *g == n);
                if !busy && model.balance[n] >= 1000 {
                    model.pending.insert(reference, (n, model.balance[n]));
                    model.in_flight += model.balance[n];
                    model.balance[n] = 0;
                }
            }
            format!("payout batch {batch}")
        }
        // The bank's results for some pending payouts: each paid or failed.
        _ => {
            let mut rows = String::from("payout_id,status,reason\n");
            let mut settled = Vec::new();
            for (reference, (gigger, amount)) in &model.pending {
                if rng.gen_bool(0.7) {
                    let paid = rng.gen_bool(0.6);
                    rows += &format!(
                        "{reference},{},{}\n",
                        if paid { "paid" } else { "failed" },
                        if paid { "" } else { "Account closed" }
                    );
                    settled.push((reference.clone(), *gigger, *amount, paid));
                }
            }
            let report = settle(&world.pool, &BankCsv, rows.as_bytes()).await.unwrap();
            assert!(report.problems.is_empty(), "{:?}", report.problems);
            for (reference, gigger, amount, paid) in &settled {
                model.pending.remove(reference);
                model.in_flight -= amount;
                if *paid {
                    model.bank += amount;
                } else {
                    model.balance[*gigger] += amount;
                }
            }
            // The same file again settles nothing more.
            let again = settle(&world.pool, &BankCsv, rows.as_bytes()).await.unwrap();
            assert_eq!((again.paid, again.failed, again.already_settled as usize), (0, 0, settled.len()));
            format!("bank results for {} payouts", settled.len())
        }
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn random_approvals_overturns_payouts_and_failures_keep_the_ledger_whole(pool: PgPool) {
    for seed in 0..SEQUENCES {
        let database = format!("ledger_seed_{seed}");
        // Each sequence in its own schema-fresh world: truncate what the last one wrote.
        if seed > 0 {
            sqlx::raw_sql(
                "alter table ledger_entries disable trigger ledger_entries_append_only;
                 alter table ledger_transactions disable trigger ledger_transactions_append_only;
                 truncate payouts, payout_batches, ledger_entries, ledger_transactions, ledger_accounts,
                          stage_tasks, submission_events, submissions, reservations, units, job_form_versions,
                          gigger_profiles, jobs, organisations, users cascade;
                 alter table ledger_entries enable trigger ledger_entries_append_only;
                 alter table ledger_transactions enable trigger ledger_transactions_append_only;",
            )
            .execute(&pool)
            .await
            .unwrap();
        }
        let (world, mut model, _dir) = world(pool.clone()).await;
        let mut rng = StdRng::seed_from_u64(seed);
        let mut history = Vec::new();
        for n in 0..STEPS {
            history.push(step(&world, &mut model, &mut rng).await);
            let context = format!("{database}, step {n} after [{}]", history.join("; "));
            check(&world, &model, &context).await;
        }
    }
}
