//! Worker processes killed with SIGKILL in the middle of QC and of posting earnings,
//! then restarted (two at once at the end): every submission is decided exactly once,
//! and every approved one earns exactly once. Real `gigforge worker` processes against
//! a real PostgreSQL; the lease is 2 s so that killed workers' tasks come back quickly.

mod common;

use app::ledger::server::balance;
use app::ledger::Account;
use common::pipeline::{gigger, job, received, PAY, UNIT};
use sqlx::PgPool;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SUBMISSIONS: usize = 400;

/// The URL of the test's own database (DATABASE_URL names the server).
fn database_url(pool: &PgPool) -> String {
    let name = pool.connect_options().get_database().expect("the test database's name").to_string();
    let server = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let (base, query) =
        server.split_once('?').map(|(b, q)| (b, format!("?{q}"))).unwrap_or((&server, String::new()));
    format!("{}/{name}{query}", base.rsplit_once('/').unwrap().0)
}

fn start_worker(url: &str, data_dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_gigforge"))
        .args(["worker", "--stage", "qc", "--stage", "ledger"])
        .env("DATABASE_URL", url)
        .env("WORKER_LEASE_SECONDS", "2")
        .env("SESSION_SECRET", "a-test-secret-that-is-long-enough-0123456789")
        .env("DATA_DIR", data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start gigforge worker")
}

async fn scalar(pool: &PgPool, query: &str) -> i64 {
    sqlx::query_scalar(query).fetch_one(pool).await.unwrap()
}

/// Waits until `query` counts at least `at_least` (or fails after a minute).
async fn wait_for(pool: &PgPool, query: &str, at_least: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while scalar(pool, query).await < at_least {
        assert!(Instant::now() < deadline, "waited a minute for {query} to reach {at_least}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn killed_workers_leave_every_submission_decided_and_paid_exactly_once(pool: PgPool) {
    let url = database_url(&pool);
    let dir = common::TempDir::new();
    let job_id = job(&pool, SUBMISSIONS, None).await;
    let giggers = [gigger(&pool, 1).await, gigger(&pool, 2).await];
    for n in 0..SUBMISSIONS {
        received(&pool, job_id, giggers[n % 2], Some(UNIT), 300).await;
    }
    let decided = "select count(*) from submission_events where kind like 'qc_%'";
    let earned = "select count(*) from ledger_transactions where kind = 'earning'";

    // Killed during QC, once some submissions are decided and the rest are not.
    let mut first = start_worker(&url, &dir.0);
    wait_for(&pool, decided, 40).await;
    first.kill().unwrap();
    first.wait().unwrap();
    let after_first = scalar(&pool, decided).await;
    assert!(
        after_first < SUBMISSIONS as i64,
        "the first worker was killed mid-queue ({after_first} decided)"
    );

    // Killed again while posting earnings.
    let mut second = start_worker(&url, &dir.0);
    wait_for(&pool, earned, after_first + 20).await;
    second.kill().unwrap();
    second.wait().unwrap();

    // Two workers at once finish the queues, including the killed workers' leased tasks.
    let third = start_worker(&url, &dir.0);
    let fourth = start_worker(&url, &dir.0);
    let deadline = Instant::now() + Duration::from_secs(90);
    while scalar(&pool, "select count(*) from stage_tasks").await > 0 {
        assert!(Instant::now() < deadline, "the queues drain after the crashes");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for mut worker in [third, fourth] {
        worker.kill().unwrap();
        worker.wait().unwrap();
    }

    let n = SUBMISSIONS as i64;
    assert_eq!(scalar(&pool, "select count(*) from submissions where status = 'approved'").await, n);
    assert_eq!(
        scalar(
            &pool,
            "select count(*) from (select submission_id from submission_events where kind like 'qc_%'
                                             group by 1 having count(*) = 1) once"
        )
        .await,
        n,
        "each submission decided exactly once"
    );
    assert_eq!(scalar(&pool, decided).await, n, "no decision recorded twice");
    assert_eq!(scalar(&pool, earned).await, n, "each approval earned exactly once");
    assert_eq!(scalar(&pool, "select count(*) from qc_results").await, n * 9, "one result per check");
    let mut conn = pool.acquire().await.unwrap();
    for gigger in giggers {
        assert_eq!(balance(&mut conn, Account::GiggerEarnings(gigger)).await.unwrap(), n / 2 * PAY);
    }
    assert_eq!(
        scalar(
            &pool,
            "select count(*) from (select transaction_id from ledger_entries group by 1
                                             having sum(amount_paise) <> 0) t"
        )
        .await,
        0
    );
}
