//! The benchmark's data, written the way intake writes it (gigs/server/submit.rs): a live
//! job whose form has an optional photo field, giggers, and received submissions queued
//! for QC, each photo stored through the photo store with its `submission_photos` row.

use app::pipeline::server::queue;
use app::pipeline::Stage;
use app::state::AppState;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// A shop name, the gigger's location and at most one photo of the shop front.
const FORM: &str = r#"{"fields":[
    {"key":"shop_name","label":{"en":"Shop name"},"required":true,"kind":{"type":"short_text"}},
    {"key":"here","label":{"en":"Location"},"required":false,"kind":{"type":"location","max_accuracy_m":200}},
    {"key":"front","label":{"en":"Shop front"},"required":false,"kind":{"type":"photo","min_count":0,"max_count":1}}
]}"#;

/// Every unit is here (MG Road, Bengaluru), and every answer comes from here.
const UNIT: (f64, f64) = (12.9756, 77.6066);
const PAY: i64 = 4500;
/// Reservation to submission: well over the policy's minimum time on task.
const SECONDS_ON_TASK: f64 = 300.0;

/// A live job with the default QC policy and `units` located units, one per submission
/// to come; returns its id and the units' ids.
pub async fn job(pool: &PgPool, title: &str, units: usize) -> (i64, Vec<i64>) {
    let org: i64 = sqlx::query_scalar(
        "insert into organisations (name) values ('QC Bench Co')
         on conflict (name) do update set name = excluded.name returning id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let policy = serde_json::to_value(app::jobs::settings::QcPolicy::default()).unwrap();
    let id: i64 = sqlx::query_scalar(
        "insert into jobs (organisation_id, title, pay_paise, target_approved, status, published_at, overlap, qc_policy)
         values ($1, $2, $3, $4, 'live', now(), 1, $5) returning id",
    )
    .bind(org)
    .bind(title)
    .bind(PAY)
    .bind(units as i32)
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
    let units: Vec<i64> = sqlx::query_scalar(
        "insert into units (job_id, external_id, title, latitude, longitude)
         select $1, 'U-' || n, 'Shop ' || n, $2, $3 from generate_series(1, $4) n returning id",
    )
    .bind(id)
    .bind(UNIT.0)
    .bind(UNIT.1)
    .bind(units as i32)
    .fetch_all(pool)
    .await
    .unwrap();
    (id, units)
}

/// `count` giggers; their earnings go to different ledger accounts, as in real work.
pub async fn giggers(pool: &PgPool, count: usize) -> Vec<i64> {
    sqlx::query_scalar(
        "insert into users (role, phone, display_name)
         select 'gigger', '+9197' || lpad(n::text, 8, '0'), 'Bench gigger ' || n
         from generate_series(1, $1) n returning id",
    )
    .bind(count as i32)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// A gigger's submission for `unit`, received now after a reservation made five minutes
/// ago, with `jpeg` (1600 × 1200) as its photo if given; queued for QC in the same
/// transaction, as intake does.
pub async fn receive(state: &AppState, job_id: i64, unit: i64, gigger: i64, jpeg: Option<Vec<u8>>) {
    let key = idempotency_key();
    let mut tx = state.pool.begin().await.unwrap();
    let reservation: i64 = sqlx::query_scalar(
        "insert into reservations (job_id, unit_id, gigger_id, status, reserved_at, deadline, ended_at, form_version)
         values ($1, $2, $3, 'submitted', now() - make_interval(secs => $4), now() + interval '1 hour', now(), 1)
         returning id",
    )
    .bind(job_id)
    .bind(unit)
    .bind(gigger)
    .bind(SECONDS_ON_TASK)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let mut answers = serde_json::json!({
        "shop_name": { "type": "text", "value": "Sri Lakshmi Stores" },
        "here": { "type": "location", "value": { "latitude": UNIT.0, "longitude": UNIT.1, "accuracy_m": 15.0 } },
    });
    // Intake stores the photo before its transaction; the key is intake's.
    let photo = match jpeg {
        Some(jpeg) => {
            answers["front"] = serde_json::json!({ "type": "photos", "value": ["p1"] });
            let storage_key = format!("submissions/{job_id}/{reservation}/{key}/front-0.jpg");
            let (sha256, bytes) = (hex::encode(Sha256::digest(&jpeg)), jpeg.len() as i32);
            state.photo_store.put(&storage_key, jpeg).await.expect("storing a photo");
            Some((storage_key, sha256, bytes))
        }
        None => None,
    };
    let submission: i64 = sqlx::query_scalar(
        "insert into submissions (job_id, unit_id, reservation_id, gigger_id, form_version, answers,
             idempotency_key, request_digest, pay_paise)
         values ($1, $2, $3, $4, 1, $5, $6::uuid, 'bench', $7) returning id",
    )
    .bind(job_id)
    .bind(unit)
    .bind(reservation)
    .bind(gigger)
    .bind(answers)
    .bind(&key)
    .bind(PAY)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    if let Some((storage_key, sha256, bytes)) = &photo {
        sqlx::query(
            "insert into submission_photos (job_id, submission_id, field_key, position, storage_key, sha256,
                 bytes, width, height)
             values ($1, $2, 'front', 0, $3, $4, $5, $6, $7)",
        )
        .bind(job_id)
        .bind(submission)
        .bind(storage_key)
        .bind(sha256)
        .bind(bytes)
        .bind(super::photos::WIDTH as i32)
        .bind(super::photos::HEIGHT as i32)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    sqlx::query(
        "insert into submission_events (job_id, submission_id, kind, detail) values ($1, $2, 'received', $3)",
    )
    .bind(job_id)
    .bind(submission)
    .bind(serde_json::json!({ "late": false, "photos": usize::from(photo.is_some()) }))
    .execute(&mut *tx)
    .await
    .unwrap();
    queue::enqueue(&mut tx, Stage::Qc, job_id, submission).await.unwrap();
    tx.commit().await.unwrap();
}

/// A random version-4 UUID in its text form.
fn idempotency_key() -> String {
    let hex = format!("{:032x}", rand::random::<u128>());
    format!("{}-{}-4{}-8{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}
