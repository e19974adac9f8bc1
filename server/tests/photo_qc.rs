//! The QC stage's photo checks against a real PostgreSQL and photo store: a blurred
//! photo and a near-duplicate of an earlier submission's photo go to review with their
//! evidence; a sharp, new photo passes. Photos are real JPEGs, measured by the stage.

mod common;

use app::photos::quality::pixel_facts;
use app::pipeline::server::{queue, worker};
use app::pipeline::Stage;
use common::pipeline::{default_policy, gigger, job, received, UNIT};
use image::{DynamicImage, ImageBuffer, Rgb};
use sqlx::PgPool;
use std::time::Duration;

/// A shop sign with bold stripes, a dark block and fine texture; `variant` changes it.
fn sign(variant: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(ImageBuffer::from_fn(1200, 900, |x, y| {
        let stripe = ((x + variant * 97) / 60).is_multiple_of(2);
        let block = (300 + variant * 200..700 + variant * 200).contains(&x) && (200..600).contains(&y);
        let v = if block {
            30
        } else if stripe {
            220
        } else {
            60
        };
        Rgb([v, v / 2 + ((x * 7 + y * 3 + variant) % 16) as u8, 255 - v])
    }))
}

fn jpeg(image: &DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// Stores `bytes` as the submission's photo, as intake does.
async fn attach(state: &app::state::AppState, pool: &PgPool, job_id: i64, submission: i64, bytes: Vec<u8>) {
    let key = format!("submissions/{job_id}/{submission}/front-0.jpg");
    state.photo_store.put(&key, bytes.clone()).await.unwrap();
    sqlx::query(
        "insert into submission_photos (job_id, submission_id, field_key, position, storage_key, sha256, bytes, width, height)
         values ($1, $2, 'front', 0, $3, 'test', $4, 1200, 900)",
    )
    .bind(job_id)
    .bind(submission)
    .bind(key)
    .bind(bytes.len() as i32)
    .execute(pool)
    .await
    .unwrap();
}

async fn run_qc(state: &app::state::AppState) {
    loop {
        let tasks = queue::claim(&state.pool, Stage::Qc, "t", 10, Duration::from_secs(30)).await.unwrap();
        if tasks.is_empty() {
            return;
        }
        for task in &tasks {
            worker::process(state, Stage::Qc, task, "t").await;
        }
    }
}

async fn outcome(pool: &PgPool, submission: i64, code: &str) -> (String, Option<String>, bool, String) {
    sqlx::query_as(
        "select s.status, s.review_reason, r.passed, r.evidence from submissions s
         join qc_results r on r.job_id = s.job_id and r.submission_id = s.id and r.code = $2
         where s.id = $1",
    )
    .bind(submission)
    .bind(code)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn blurred_photos_and_near_duplicates_go_to_review_with_their_evidence(pool: PgPool) {
    let (state, _clock, _dir) = common::state(pool.clone());
    let sharp = jpeg(&sign(0));
    // Another scene (a chequered awning), badly out of focus.
    let awning = ImageBuffer::from_fn(1200, 900, |x, y| {
        let v = if (x / 150 + y / 150).is_multiple_of(2) { 235 } else { 25 };
        Rgb([v, 40, 255 - v])
    });
    let blurred = jpeg(&DynamicImage::ImageRgb8(image::imageops::blur(&awning, 8.0)));
    // The threshold between the two, from the same measure the stage uses.
    let (s, b) = (pixel_facts(&sharp).unwrap().sharpness, pixel_facts(&blurred).unwrap().sharpness);
    assert!(s > 10.0 * b, "sharp {s}, blurred {b}");
    let mut policy = default_policy(0);
    policy["min_sharpness"] = serde_json::json!((s * b).sqrt() as u32);
    let job_id = job(&pool, 4, Some(policy)).await;
    let g = gigger(&pool, 1).await;

    let first = received(&pool, job_id, g, Some(UNIT), 300).await;
    attach(&state, &pool, job_id, first, sharp.clone()).await;
    run_qc(&state).await;
    let (status, _, passed, evidence) = outcome(&pool, first, "near_duplicate").await;
    assert_eq!((status.as_str(), passed), ("approved", true), "{evidence}");
    assert_eq!(evidence, "no earlier photo of the job within 6 bits");
    assert!(outcome(&pool, first, "blur").await.3.starts_with("photo 1 sharpness "));

    // The same sign again, smaller and recompressed: a near-duplicate of the first.
    let copy = received(&pool, job_id, g, Some(UNIT), 300).await;
    let smaller = jpeg(&sign(0).resize(800, 600, image::imageops::FilterType::Triangle));
    attach(&state, &pool, job_id, copy, smaller).await;
    // A blurred photo of another sign.
    let soft = received(&pool, job_id, g, Some(UNIT), 300).await;
    attach(&state, &pool, job_id, soft, blurred).await;
    // A sharp photo of something else (a shelf): fine.
    let other = received(&pool, job_id, g, Some(UNIT), 300).await;
    let shelf = DynamicImage::ImageRgb8(ImageBuffer::from_fn(1200, 900, |x, y| {
        let shelf_edge = (y / 120).is_multiple_of(2);
        let product = (x / 90 + y / 120) % 3;
        let v = if shelf_edge { 200 } else { 40 + 60 * product as u8 };
        Rgb([v, 255 - v, (x % 200) as u8])
    }));
    attach(&state, &pool, job_id, other, jpeg(&shelf)).await;
    run_qc(&state).await;

    let (status, reason, passed, evidence) = outcome(&pool, copy, "near_duplicate").await;
    assert_eq!((status.as_str(), reason.as_deref(), passed), ("in_review", Some("near_duplicate"), false));
    assert!(
        evidence.starts_with("photo 1 is ")
            && evidence.ends_with(&format!(" bits from a photo of submission {first}, limit 6 bits")),
        "{evidence}"
    );
    let (status, reason, passed, evidence) = outcome(&pool, soft, "blur").await;
    assert_eq!(
        (status.as_str(), reason.as_deref(), passed),
        ("in_review", Some("blur"), false),
        "{evidence}"
    );
    let distinct = outcome(&pool, other, "near_duplicate").await;
    assert!(distinct.2, "another scene is not a duplicate: {}", distinct.3);
    assert_eq!(outcome(&pool, other, "blur").await.0, "approved");
    let hashes: i64 = sqlx::query_scalar("select count(*) from photo_hashes").fetch_one(&pool).await.unwrap();
    assert_eq!(hashes, 4, "every measured photo is indexed for later submissions");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_photo_missing_from_storage_fails_the_task_and_decides_nothing(pool: PgPool) {
    let (state, _clock, _dir) = common::state(pool.clone());
    let job_id = job(&pool, 1, None).await;
    let submission = received(&pool, job_id, gigger(&pool, 1).await, Some(UNIT), 300).await;
    sqlx::query(
        "insert into submission_photos (job_id, submission_id, field_key, position, storage_key, sha256, bytes, width, height)
         values ($1, $2, 'front', 0, 'submissions/gone.jpg', 'x', 1, 1, 1)",
    )
    .bind(job_id)
    .bind(submission)
    .execute(&pool)
    .await
    .unwrap();
    run_qc(&state).await;
    let (status, error): (String, Option<String>) = sqlx::query_as(
        "select s.status, t.last_error from submissions s join stage_tasks t on t.subject_id = s.id where s.id = $1",
    )
    .bind(submission)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "received", "nothing was decided");
    assert_eq!(error.as_deref(), Some("photo submissions/gone.jpg is missing from storage"));
}
