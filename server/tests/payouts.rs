//! Payouts over HTTP against a real PostgreSQL: an admin makes a batch, downloads the
//! bank's file, reads the bank's results back (a bad file settles nothing; a failure
//! returns the money; a payment settles it), and the gigger's earnings follow each step.

mod common;

use common::pipeline::{job, received, UNIT};
use common::status_json;
use sqlx::PgPool;
use std::time::Duration;

async fn earnings(app: &common::TestApp, gigger: &reqwest::Client) -> serde_json::Value {
    let (status, body) = status_json(app.call(gigger, "/api/gigs/mine", &[]).await).await;
    assert_eq!(status, 200, "{body}");
    body["earnings"].clone()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_payout_is_paid_only_when_the_banks_result_says_so(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let asha: i64 = sqlx::query_scalar("select id from users where phone = '+919000000001'")
        .fetch_one(&pool)
        .await
        .unwrap();
    // Two approved gigs for Asha (₹45 each), through the QC and ledger stages.
    let job_id = job(&pool, 2, None).await;
    for _ in 0..2 {
        received(&pool, job_id, asha, Some(UNIT), 300).await;
    }
    for stage in [app::pipeline::Stage::Qc, app::pipeline::Stage::Ledger] {
        let tasks = app::pipeline::server::queue::claim(&pool, stage, "t", 10, Duration::from_secs(30))
            .await
            .unwrap();
        for task in &tasks {
            app::pipeline::server::worker::process(&app.state, stage, task, "t").await;
        }
    }
    let gigger = app.client();
    app.sign_in_gigger(&gigger, "9000000001").await;
    let before = earnings(&app, &gigger).await;
    assert_eq!((before["approved"].as_i64(), before["paid"].as_i64()), (Some(9000), Some(0)));

    let admin = common::signed_in(&app, "admin").await;
    let (status, batch) =
        status_json(app.call(&admin, "/api/admin/payouts/create", &[("min_rupees", "50")]).await).await;
    assert_eq!(status, 200, "{batch}");
    let batch = batch.as_i64().expect("a batch was made");
    let reference = format!("GFP{batch}-{asha}");
    assert_eq!(earnings(&app, &gigger).await["paying"].as_i64(), Some(9000));
    assert_eq!(earnings(&app, &gigger).await["approved"].as_i64(), Some(0));
    // Nobody else is owed anything, so a second batch now makes nothing.
    let (_, again) =
        status_json(app.call(&admin, "/api/admin/payouts/create", &[("min_rupees", "1")]).await).await;
    assert!(again.is_null(), "{again}");

    // The bank's file: admins only.
    let url = app.url(&format!("/api/admin/payouts/{batch}/bank.csv"));
    assert_eq!(app.client().get(&url).send().await.unwrap().status().as_u16(), 401);
    assert_eq!(gigger.get(&url).send().await.unwrap().status().as_u16(), 403);
    let file = admin.get(&url).send().await.unwrap();
    assert_eq!(file.status().as_u16(), 200);
    assert!(file.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let text = file.text().await.unwrap();
    assert_eq!(
        text,
        format!(
            "payout_id,name,upi_id,account_number,ifsc,amount_rupees\n{reference},Asha,asha@okaxis,,,90.00\n"
        )
    );

    // A file with an unknown payout settles nothing, and says which row.
    let bad = format!("payout_id,status,reason\n{reference},paid,\nGFP999-1,paid,\n");
    let (status, report) =
        status_json(app.call(&admin, "/api/admin/payouts/settle", &[("results_csv", &bad)]).await).await;
    assert_eq!(status, 200);
    assert_eq!(report["problems"], serde_json::json!([[3, "GFP999-1: no such payout."]]));
    assert_eq!(earnings(&app, &gigger).await["paying"].as_i64(), Some(9000), "nothing settled");

    // The bank failed it: the money is back in Asha's balance, with the failure shown.
    let failed = format!("payout_id,status,reason\n{reference},failed,Account closed\n");
    let (_, report) =
        status_json(app.call(&admin, "/api/admin/payouts/settle", &[("results_csv", &failed)]).await).await;
    assert_eq!((report["failed"].as_i64(), report["paid"].as_i64()), (Some(1), Some(0)), "{report}");
    let after_failure = earnings(&app, &gigger).await;
    assert_eq!(
        (
            after_failure["approved"].as_i64(),
            after_failure["paying"].as_i64(),
            after_failure["failed"].as_i64()
        ),
        (Some(9000), Some(0), Some(9000))
    );
    let reason: String = sqlx::query_scalar("select failure_reason from payouts where reference = $1")
        .bind(&reference)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(reason, "Account closed");

    // A new batch, and this time the bank paid: only now is it paid.
    let (_, second) =
        status_json(app.call(&admin, "/api/admin/payouts/create", &[("min_rupees", "50")]).await).await;
    let second_reference = format!("GFP{}-{asha}", second.as_i64().unwrap());
    let paid = format!("Status,Payout_ID,Bank_Reference\nSUCCESS,{second_reference},UTR42\n");
    let (_, report) =
        status_json(app.call(&admin, "/api/admin/payouts/settle", &[("results_csv", &paid)]).await).await;
    assert_eq!(report["paid"].as_i64(), Some(1), "{report}");
    let settled = earnings(&app, &gigger).await;
    assert_eq!((settled["approved"].as_i64(), settled["paid"].as_i64()), (Some(0), Some(9000)));
    // The same result read twice changes nothing.
    let (_, report) =
        status_json(app.call(&admin, "/api/admin/payouts/settle", &[("results_csv", &paid)]).await).await;
    assert_eq!((report["paid"].as_i64(), report["already_settled"].as_i64()), (Some(0), Some(1)));
    assert_eq!(earnings(&app, &gigger).await["paid"].as_i64(), Some(9000));
}
