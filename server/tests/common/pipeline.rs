//! Fixtures for pipeline tests: a live job with located units and submissions received
//! and queued for QC, inserted directly (the HTTP intake has its own tests in gigs.rs).

use app::pipeline::server::queue;
use app::pipeline::Stage;
use sqlx::PgPool;

pub const FORM: &str = r#"{"fields":[
    {"key":"shop_name","label":{"en":"Shop name"},"required":true,"kind":{"type":"short_text"}},
    {"key":"here","label":{"en":"Location"},"required":false,"kind":{"type":"location","max_accuracy_m":200}}
]}"#;

/// The unit's place: MG Road, Bengaluru.
pub const UNIT: (f64, f64) = (12.9756, 77.6066);
pub const PAY: i64 = 4500;

/// A live job (audit sample `audit_percent`, other checks at their defaults unless
/// `policy` is given) with one located unit per submission to come; returns its id.
pub async fn job(pool: &PgPool, units: usize, policy: Option<serde_json::Value>) -> i64 {
    let org: i64 = sqlx::query_scalar(
        "insert into organisations (name) values ('QC Co') on conflict (name) do update set name = excluded.name
         returning id",
    )
        .fetch_one(pool)
        .await
        .unwrap();
    let policy = policy.unwrap_or_else(|| default_policy(0));
    let id: i64 = sqlx::query_scalar(
        "insert into jobs (organisation_id, title, pay_paise, target_approved, status, published_at, overlap, qc_policy)
         values ($1, 'Verify shops', $2, 1000, 'live', now(), 1, $3) returning id",
    )
    .bind(org)
    .bind(PAY)
    .bind(policy)
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
    sqlx::query(
        "insert into units (job_id, external_id, title, latitude, longitude)
         select $1, 'U-' || n, 'Shop ' || n, $2, $3 from generate_series(1, $4) n",
    )
    .bind(id)
    .bind(UNIT.0)
    .bind(UNIT.1)
    .bind(units as i32)
    .execute(pool)
    .await
    .unwrap();
    id
}

pub fn default_policy(audit_percent: u8) -> serde_json::Value {
    let mut policy = serde_json::to_value(app::jobs::settings::QcPolicy::default()).unwrap();
    policy["audit_percent"] = serde_json::json!(audit_percent);
    policy
}

/// A gigger's submission of the job's next free unit, received `seconds_on_task` after
/// its reservation, answering from `at` (or without GPS), queued for QC as intake does.
pub async fn received(
    pool: &PgPool,
    job_id: i64,
    gigger: i64,
    at: Option<(f64, f64)>,
    seconds_on_task: i64,
) -> i64 {
    let mut tx = pool.begin().await.unwrap();
    let unit: i64 = sqlx::query_scalar(
        "select id from units u where job_id = $1
           and not exists (select 1 from reservations r where r.job_id = u.job_id and r.unit_id = u.id)
         order by id limit 1",
    )
    .bind(job_id)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let reservation: i64 = sqlx::query_scalar(
        "insert into reservations (job_id, unit_id, gigger_id, status, reserved_at, deadline, ended_at, form_version)
         values ($1, $2, $3, 'submitted', now() - make_interval(secs => $4), now() + interval '1 hour', now(), 1)
         returning id",
    )
    .bind(job_id)
    .bind(unit)
    .bind(gigger)
    .bind(seconds_on_task as f64)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let mut answers = serde_json::json!({ "shop_name": { "type": "text", "value": "Sri Lakshmi Stores" } });
    if let Some((lat, lng)) = at {
        answers["here"] = serde_json::json!({ "type": "location",
            "value": { "latitude": lat, "longitude": lng, "accuracy_m": 15.0 } });
    }
    let submission: i64 = sqlx::query_scalar(
        "insert into submissions (job_id, unit_id, reservation_id, gigger_id, form_version, answers,
             idempotency_key, request_digest, pay_paise)
         values ($1, $2, $3, $4, 1, $5, gen_random_uuid(), 'digest', $6) returning id",
    )
    .bind(job_id)
    .bind(unit)
    .bind(reservation)
    .bind(gigger)
    .bind(answers)
    .bind(PAY)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    queue::enqueue(&mut tx, Stage::Qc, job_id, submission).await.unwrap();
    tx.commit().await.unwrap();
    submission
}

pub async fn gigger(pool: &PgPool, n: u32) -> i64 {
    sqlx::query_scalar(
        "insert into users (role, phone, display_name) values ('gigger', $1, 'Gigger') returning id",
    )
    .bind(format!("+9198{n:08}"))
    .fetch_one(pool)
    .await
    .unwrap()
}
