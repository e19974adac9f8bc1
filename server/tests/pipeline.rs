//! The pipeline against a real PostgreSQL: the stage queue (leases, retries, dead tasks),
//! the QC stage's checks and verdicts, the ledger's rules, and two workers sharing one
//! queue without doing anything twice.

mod common;

use app::ledger::server::{balance, post, LedgerError, Posting};
use app::ledger::{Account, TransactionKind};
use app::pipeline::server::queue::{self, Task};
use app::pipeline::server::worker::{self, WorkerSettings};
use app::pipeline::Stage;
use common::pipeline::{default_policy, gigger, job, received, PAY, UNIT};
use sqlx::PgPool;
use std::time::Duration;

/// Claims and processes every due task of `stage`, as one worker would.
async fn work_off(state: &app::state::AppState, stage: Stage) -> usize {
    let mut done = 0;
    loop {
        let tasks =
            queue::claim(&state.pool, stage, "test-worker", 50, Duration::from_secs(30)).await.unwrap();
        if tasks.is_empty() {
            return done;
        }
        for task in &tasks {
            worker::process(state, stage, task, "test-worker").await;
            done += 1;
        }
    }
}

async fn status(pool: &PgPool, job_id: i64, submission: i64) -> (String, Option<String>, Option<String>) {
    sqlx::query_as(
        "select status, reject_reason, review_reason from submissions where job_id = $1 and id = $2",
    )
    .bind(job_id)
    .bind(submission)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn evidence(pool: &PgPool, job_id: i64, submission: i64, code: &str) -> (bool, String) {
    sqlx::query_as(
        "select passed, evidence from qc_results where job_id = $1 and submission_id = $2 and code = $3",
    )
    .bind(job_id)
    .bind(submission)
    .bind(code)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn count(pool: &PgPool, query: &str) -> i64 {
    sqlx::query_scalar(query).fetch_one(pool).await.unwrap()
}

/// Every ledger transaction balances (the database also refuses any that does not).
async fn assert_ledger_balances(pool: &PgPool) {
    let unbalanced = count(
        pool,
        "select count(*) from (select transaction_id from ledger_entries group by 1
                               having sum(amount_paise) <> 0 or count(*) < 2) t",
    )
    .await;
    assert_eq!(unbalanced, 0, "every transaction's entries sum to zero");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_clean_submission_is_approved_and_earns_exactly_once(pool: PgPool) {
    let (state, _clock, _dir) = common::state(pool.clone());
    let job_id = job(&pool, 1, None).await;
    let asha = gigger(&pool, 1).await;
    let submission = received(&pool, job_id, asha, Some((12.9757, 77.6067)), 300).await;

    assert_eq!(work_off(&state, Stage::Qc).await, 1);
    assert_eq!(status(&pool, job_id, submission).await.0, "approved");
    let results = count(&pool, "select count(*) from qc_results where passed").await;
    assert_eq!(results, 9, "every check ran and passed");
    let (passed, geofence) = evidence(&pool, job_id, submission, "geofence").await;
    assert!(passed && geofence.contains("GPS 16 m from the unit, limit 500 m"), "{geofence}");
    assert_eq!(count(&pool, "select count(*) from submission_events where kind = 'qc_approved'").await, 1);

    // The approval queued the ledger stage in the same transaction.
    assert_eq!(work_off(&state, Stage::Ledger).await, 1);
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(balance(&mut conn, Account::GiggerEarnings(asha)).await.unwrap(), PAY);
    assert_eq!(balance(&mut conn, Account::JobFunding(job_id)).await.unwrap(), -PAY);

    // A second ledger task for the same submission (a retry, a duplicate) posts nothing.
    let mut tx = pool.begin().await.unwrap();
    queue::enqueue(&mut tx, Stage::Ledger, job_id, submission).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(work_off(&state, Stage::Ledger).await, 1);
    assert_eq!(balance(&mut conn, Account::GiggerEarnings(asha)).await.unwrap(), PAY);
    assert_eq!(count(&pool, "select count(*) from ledger_transactions where kind = 'earning'").await, 1);
    // And a second QC task leaves the decided submission alone.
    let mut tx = pool.begin().await.unwrap();
    queue::enqueue(&mut tx, Stage::Qc, job_id, submission).await.unwrap();
    tx.commit().await.unwrap();
    work_off(&state, Stage::Qc).await;
    assert_eq!(count(&pool, "select count(*) from submission_events where kind like 'qc_%'").await, 1);
    assert_eq!(count(&pool, "select count(*) from stage_tasks").await, 0, "done tasks leave the queue");
    assert_ledger_balances(&pool).await;
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn failed_checks_go_to_review_or_rejection_as_the_policy_says_with_evidence(pool: PgPool) {
    let (state, _clock, _dir) = common::state(pool.clone());
    // Default policy: a far-away GPS and a too-quick gig go to review.
    let job_id = job(&pool, 3, None).await;
    let g = gigger(&pool, 1).await;
    let far = received(&pool, job_id, g, Some((12.9972, 77.6066)), 300).await; // 2.4 km north
    let quick = received(&pool, job_id, g, Some(UNIT), 10).await;
    let no_gps = received(&pool, job_id, g, None, 300).await;
    work_off(&state, Stage::Qc).await;

    assert_eq!(status(&pool, job_id, far).await, ("in_review".into(), None, Some("geofence".into())));
    let (passed, text) = evidence(&pool, job_id, far, "geofence").await;
    assert!(!passed && text == "GPS 2.4 km from the unit, limit 500 m", "{text}");
    assert_eq!(status(&pool, job_id, quick).await.2.as_deref(), Some("time_on_task"));
    let (_, text) = evidence(&pool, job_id, quick, "time_on_task").await;
    assert_eq!(text, "10 s from reservation to submission, minimum 30 s");
    // No GPS is not evidence of being elsewhere; the check says what it saw.
    assert_eq!(status(&pool, job_id, no_gps).await.0, "approved");
    assert_eq!(evidence(&pool, job_id, no_gps, "geofence").await.1, "no GPS in the submission or its photos");
    assert_eq!(count(&pool, "select count(*) from stage_tasks where stage = 'ledger'").await, 1);

    // A policy that rejects on the geofence: the gigger reads the evidence as the reason.
    let mut strict = default_policy(0);
    strict["actions"]["geofence"] = serde_json::json!("reject");
    let strict_job = job(&pool, 1, Some(strict)).await;
    let rejected = received(&pool, strict_job, g, Some((12.9972, 77.6066)), 300).await;
    work_off(&state, Stage::Qc).await;
    let (state_now, reason, _) = status(&pool, strict_job, rejected).await;
    assert_eq!(
        (state_now.as_str(), reason.as_deref()),
        ("rejected", Some("GPS 2.4 km from the unit, limit 500 m"))
    );

    // An audit share of 100 % sends even a clean submission to review.
    let audited_job = job(&pool, 1, Some(default_policy(100))).await;
    let audited = received(&pool, audited_job, g, Some(UNIT), 300).await;
    work_off(&state, Stage::Qc).await;
    assert_eq!(status(&pool, audited_job, audited).await.2.as_deref(), Some("audit sample"));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_crashed_workers_lease_runs_out_and_its_task_is_done_once_by_another(pool: PgPool) {
    let (state, _clock, _dir) = common::state(pool.clone());
    let job_id = job(&pool, 1, None).await;
    let submission = received(&pool, job_id, gigger(&pool, 1).await, Some(UNIT), 300).await;

    // Worker A claims and "crashes" (never completes); B finds nothing while A's lease holds.
    let held = queue::claim(&pool, Stage::Qc, "worker-a", 10, Duration::from_secs(1)).await.unwrap();
    assert_eq!(held.len(), 1);
    assert!(queue::claim(&pool, Stage::Qc, "worker-b", 10, Duration::from_secs(30))
        .await
        .unwrap()
        .is_empty());
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let taken = queue::claim(&pool, Stage::Qc, "worker-b", 10, Duration::from_secs(30)).await.unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].attempts, 2, "the crashed attempt counts");

    // A wakes up and finishes its old claim: its effect is rolled back, B's is kept.
    worker::process(&state, Stage::Qc, &held[0], "worker-a").await;
    assert_eq!(status(&pool, job_id, submission).await.0, "received", "A's late effect was rolled back");
    worker::process(&state, Stage::Qc, &taken[0], "worker-b").await;
    assert_eq!(status(&pool, job_id, submission).await.0, "approved");
    assert_eq!(count(&pool, "select count(*) from submission_events where kind like 'qc_%'").await, 1);
    assert_eq!(count(&pool, "select count(*) from stage_tasks where stage = 'qc'").await, 0);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn failures_back_off_then_the_task_is_dead_with_its_error_until_an_admin_retries(pool: PgPool) {
    let (state, _clock, _dir) = common::state(pool.clone());
    let job_id = job(&pool, 1, None).await;
    // A task about a submission that does not exist fails every time.
    let mut tx = pool.begin().await.unwrap();
    queue::enqueue(&mut tx, Stage::Qc, job_id, 999_999).await.unwrap();
    tx.commit().await.unwrap();

    for attempt in 1..=Stage::Qc.max_attempts() {
        assert_eq!(work_off(&state, Stage::Qc).await, 1, "attempt {attempt} is due");
        let (state_now, attempts, wait): (String, i32, f64) = sqlx::query_as(
            "select state, attempts, extract(epoch from run_after - now())::float8 from stage_tasks",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(attempts, attempt);
        if attempt < Stage::Qc.max_attempts() {
            assert_eq!(state_now, "ready");
            let backoff = app::pipeline::retry_delay_seconds(attempt) as f64;
            assert!((backoff - 5.0..=backoff + 1.0).contains(&wait), "attempt {attempt} waits {wait} s");
            assert_eq!(work_off(&state, Stage::Qc).await, 0, "not due again before the backoff");
            sqlx::query("update stage_tasks set run_after = now()").execute(&pool).await.unwrap();
        } else {
            assert_eq!(state_now, "dead");
        }
    }
    assert_eq!(work_off(&state, Stage::Qc).await, 0, "dead tasks are not claimed");
    let dead = queue::dead_tasks(&pool, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].last_error, format!("submission {job_id}-999999 does not exist"));

    assert!(queue::retry_dead(&pool, dead[0].job_id, dead[0].id).await.unwrap());
    assert!(!queue::retry_dead(&pool, dead[0].job_id, dead[0].id).await.unwrap(), "only dead tasks");
    let claimed: Vec<Task> = queue::claim(&pool, Stage::Qc, "w", 10, Duration::from_secs(5)).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].attempts, 1, "a retried task starts its attempts again");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn two_workers_on_one_queue_decide_and_pay_each_submission_once(pool: PgPool) {
    let (state, _clock, _dir) = common::state(pool.clone());
    let job_id = job(&pool, 120, None).await;
    let giggers = [gigger(&pool, 1).await, gigger(&pool, 2).await, gigger(&pool, 3).await];
    for n in 0..120 {
        received(&pool, job_id, giggers[n % 3], Some(UNIT), 300).await;
    }
    // Two full sets of workers, as two `gigforge worker` processes would run them, with
    // small batches and short leases so that they contend.
    let settings =
        WorkerSettings { batch: 3, lease: Duration::from_secs(5), idle_wait: Duration::from_millis(50) };
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut workers = worker::spawn_all(&state, &[Stage::Qc, Stage::Ledger], settings, &stopping);
    workers.extend(worker::spawn_all(&state, &[Stage::Qc, Stage::Ledger], settings, &stopping));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while count(&pool, "select count(*) from stage_tasks").await > 0 {
        assert!(tokio::time::Instant::now() < deadline, "the queues drain within a minute");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.send(true).unwrap();
    server::worker::wait_for(workers).await;

    assert_eq!(count(&pool, "select count(*) from submissions where status = 'approved'").await, 120);
    assert_eq!(
        count(
            &pool,
            "select count(*) from (select submission_id from submission_events where kind like 'qc_%'
                                            group by 1 having count(*) = 1) once"
        )
        .await,
        120,
        "each submission decided exactly once"
    );
    assert_eq!(count(&pool, "select count(*) from ledger_transactions where kind = 'earning'").await, 120);
    let mut conn = pool.acquire().await.unwrap();
    for gigger in giggers {
        assert_eq!(balance(&mut conn, Account::GiggerEarnings(gigger)).await.unwrap(), 40 * PAY);
    }
    assert_eq!(balance(&mut conn, Account::JobFunding(job_id)).await.unwrap(), -120 * PAY);
    assert_ledger_balances(&pool).await;
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_ledger_refuses_unbalanced_transactions_and_any_edit(pool: PgPool) {
    let job_id = job(&pool, 1, None).await;
    let g = gigger(&pool, 1).await;
    let mut tx = pool.begin().await.unwrap();
    let unbalanced = Posting {
        kind: TransactionKind::Payout,
        submission: None,
        reverses: None,
        memo: String::new(),
        posted_by: None,
        entries: vec![(Account::GiggerEarnings(g), -100), (Account::PayoutsInFlight, 99)],
    };
    assert!(matches!(post(&mut tx, &unbalanced).await, Err(LedgerError::Unbalanced(-1))));
    tx.rollback().await.unwrap();

    // Around the write path: the database itself refuses at commit.
    let mut tx = pool.begin().await.unwrap();
    let account = app::ledger::server::account_id(&mut tx, Account::Bank).await.unwrap();
    let txn: i64 =
        sqlx::query_scalar("insert into ledger_transactions (kind) values ('payout') returning id")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    sqlx::query("insert into ledger_entries (transaction_id, account_id, amount_paise) values ($1, $2, 500)")
        .bind(txn)
        .bind(account)
        .execute(&mut *tx)
        .await
        .unwrap();
    let refused = tx.commit().await.unwrap_err().to_string();
    assert!(refused.contains("does not balance"), "{refused}");
    assert_eq!(count(&pool, "select count(*) from ledger_transactions").await, 0);

    // A balanced posting lands; editing or deleting it is refused.
    let mut tx = pool.begin().await.unwrap();
    let earning = app::ledger::server::post_earning(&mut tx, job_id, 1, g, 700).await;
    // There is no submission 1 of this job: the foreign key refuses an earning for nothing.
    assert!(earning.is_err());
    tx.rollback().await.unwrap();
    let balanced =
        Posting { entries: vec![(Account::Bank, -700), (Account::PayoutsInFlight, 700)], ..unbalanced };
    let mut tx = pool.begin().await.unwrap();
    post(&mut tx, &balanced).await.unwrap();
    tx.commit().await.unwrap();
    for edit in [
        "update ledger_entries set amount_paise = 1",
        "delete from ledger_entries",
        "delete from ledger_transactions",
    ] {
        let error = sqlx::query(edit).execute(&pool).await.unwrap_err().to_string();
        assert!(error.contains("append-only"), "{edit}: {error}");
    }
    assert_ledger_balances(&pool).await;
}
