//! The review console over HTTP against a real PostgreSQL: claims under a lease (two
//! reviewers never hold the same submission), decisions that record who and why, the
//! gigger reading the reason, bulk approval of a filtered set, and the photo endpoint.

mod common;

use common::pipeline::{job, received, UNIT};
use common::status_json;
use sqlx::PgPool;
use std::time::Duration;

/// 2.4 km north of the unit: the geofence check sends these to review.
const FAR: (f64, f64) = (12.9972, 77.6066);

async fn run_qc(app: &common::TestApp) {
    let stage = app::pipeline::Stage::Qc;
    let tasks = app::pipeline::server::queue::claim(&app.pool, stage, "t", 100, Duration::from_secs(30))
        .await
        .unwrap();
    for task in &tasks {
        app::pipeline::server::worker::process(&app.state, stage, task, "t").await;
    }
}

/// Posts a decision to the review console's endpoint.
async fn post(
    app: &common::TestApp,
    client: &reqwest::Client,
    form: &[(&str, String)],
) -> (u16, serde_json::Value) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    status_json(app.call(client, "/api/review/decide", &form).await).await
}

async fn next(app: &common::TestApp, client: &reqwest::Client, job_id: i64) -> serde_json::Value {
    let (status, item) =
        status_json(app.call(client, "/api/review/next", &[("job_id", &job_id.to_string())]).await).await;
    assert_eq!(status, 200, "{item}");
    item
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn reviewers_claim_different_gigs_and_decide_them_with_reasons_the_gigger_reads(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let asha: i64 = sqlx::query_scalar("select id from users where phone = '+919000000001'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let job_id = job(&pool, 4, None).await;
    let mut submissions = Vec::new();
    for _ in 0..3 {
        submissions.push(received(&pool, job_id, asha, Some(FAR), 300).await);
    }
    run_qc(&app).await;

    let reviewer = common::signed_in(&app, "reviewer").await;
    let admin = common::signed_in(&app, "admin").await;
    let gigger = app.client();
    app.sign_in_gigger(&gigger, "9000000001").await;
    assert_eq!(app.call(&gigger, "/api/review/queues", &[]).await.status().as_u16(), 403);

    let (_, queues) = status_json(app.call(&reviewer, "/api/review/queues", &[]).await).await;
    assert_eq!(queues[0]["waiting"].as_i64(), Some(3));
    assert_eq!(queues[0]["reasons"], serde_json::json!([["geofence", 3]]));

    // Oldest first; a reload gives the reviewer the one they hold; another reviewer gets another.
    let first = next(&app, &reviewer, job_id).await;
    assert_eq!(first["submission_id"].as_i64(), Some(submissions[0]));
    assert_eq!(next(&app, &reviewer, job_id).await["submission_id"], first["submission_id"]);
    let other = next(&app, &admin, job_id).await;
    assert_eq!(other["submission_id"].as_i64(), Some(submissions[1]));
    // Everything needed is on the one screen: the failed check's evidence, the answers.
    let geofence =
        first["checks"].as_array().unwrap().iter().find(|c| c["code"] == "geofence").unwrap().clone();
    assert_eq!(
        (geofence["passed"].as_bool(), geofence["evidence"].as_str()),
        (Some(false), Some("GPS 2.4 km from the unit, limit 500 m"))
    );
    assert_eq!(first["answers"][0]["text"], "Sri Lakshmi Stores");
    assert_eq!(first["reject_reasons"][0], "blurry_photo");

    // Nobody decides a gig another reviewer holds.
    let theirs = [
        ("job_id", job_id.to_string()),
        ("submission_id", other["submission_id"].to_string()),
        ("verdict", "approve".to_string()),
    ];
    let (status, _) = post(&app, &reviewer, &theirs).await;
    assert_eq!(status, 409);

    // A rejection needs one of the job's reasons; the gigger reads it.
    let id = first["submission_id"].to_string();
    let made_up = [
        ("job_id", job_id.to_string()),
        ("submission_id", id.clone()),
        ("verdict", "reject".into()),
        ("reason_code", "bad_vibes".into()),
    ];
    let (status, _) = post(&app, &reviewer, &made_up).await;
    assert_eq!(status, 422);
    let reject = [
        ("job_id", job_id.to_string()),
        ("submission_id", id.clone()),
        ("verdict", "reject".into()),
        ("reason_code", "wrong_location".into()),
        ("note", "The photo shows another street.".into()),
    ];
    let (status, body) = post(&app, &reviewer, &reject).await;
    assert_eq!(status, 200, "{body}");
    let (status, code, by): (String, Option<String>, Option<i64>) =
        sqlx::query_as("select status, reject_code, decided_by from submissions where id = $1")
            .bind(submissions[0])
            .fetch_one(&pool)
            .await
            .unwrap();
    let reviewer_id: i64 = sqlx::query_scalar("select id from users where role = 'reviewer' limit 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        (status.as_str(), code.as_deref(), by),
        ("rejected", Some("wrong_location"), Some(reviewer_id))
    );
    let (_, mine) = status_json(app.call(&gigger, "/api/gigs/mine", &[]).await).await;
    let decided = mine["submitted"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["submission_id"].as_i64() == Some(submissions[0]))
        .unwrap()
        .clone();
    assert_eq!(decided["reject_reason"], "Wrong location: The photo shows another street.");
    // Deciding it again is refused: it is no longer waiting.
    let (status, _) = post(&app, &reviewer, &reject).await;
    assert_eq!(status, 409);

    // The admin's claim lapses (a closed tab): the reviewer may take that gig now.
    sqlx::query("update submissions set review_claimed_until = now() - interval '1 second' where id = $1")
        .bind(submissions[1])
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(next(&app, &reviewer, job_id).await["submission_id"].as_i64(), Some(submissions[1]));

    // Bulk approval of everything sent for the geofence that nobody else holds.
    let (status, approved) = status_json(
        app.call(
            &admin,
            "/api/review/bulk_approve",
            &[("job_id", &job_id.to_string()), ("reason", "geofence")],
        )
        .await,
    )
    .await;
    assert_eq!((status, approved.as_i64()), (200, Some(1)), "the reviewer's held gig is left alone");
    let states: Vec<String> =
        sqlx::query_scalar("select status from submissions where job_id = $1 order by id")
            .bind(job_id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(states, ["rejected", "in_review", "approved"]);
    let ledger_tasks: i64 = sqlx::query_scalar("select count(*) from stage_tasks where stage = 'ledger'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(ledger_tasks, 1, "the bulk approval queued its earning");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn submission_photos_are_served_to_reviewers_and_their_gigger_only(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let asha: i64 = sqlx::query_scalar("select id from users where phone = '+919000000001'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let job_id = job(&pool, 1, None).await;
    let submission = received(&pool, job_id, asha, Some(UNIT), 300).await;
    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9];
    app.state.photo_store.put("submissions/t/front-0.jpg", jpeg.clone()).await.unwrap();
    sqlx::query(
        "insert into submission_photos (job_id, submission_id, field_key, position, storage_key, sha256, bytes, width, height)
         values ($1, $2, 'front', 0, 'submissions/t/front-0.jpg', 'x', 9, 1, 1)",
    )
    .bind(job_id)
    .bind(submission)
    .execute(&pool)
    .await
    .unwrap();
    let url = app.url(&format!("/api/review/photos/{job_id}/{submission}/front/0"));

    let reviewer = common::signed_in(&app, "reviewer").await;
    let response = reviewer.get(&url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert_eq!(response.bytes().await.unwrap().to_vec(), jpeg);
    let asha_client = app.client();
    app.sign_in_gigger(&asha_client, "9000000001").await;
    assert_eq!(asha_client.get(&url).send().await.unwrap().status().as_u16(), 200, "her own photo");
    let ravi = app.client();
    app.sign_in_gigger(&ravi, "9000000002").await;
    assert_eq!(ravi.get(&url).send().await.unwrap().status().as_u16(), 404, "not someone else's");
    assert_eq!(app.client().get(&url).send().await.unwrap().status().as_u16(), 401);
    let manager = common::signed_in(&app, "manager").await;
    assert_eq!(manager.get(&url).send().await.unwrap().status().as_u16(), 403);
}
