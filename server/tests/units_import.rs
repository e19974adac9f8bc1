//! The unit CSV import endpoint through HTTP: good files land whole, bad files land not
//! at all and every bad row is named, existing ids are refused or updated, and only
//! managers of the job's organisation may import.

mod common;

use common::{status_json, TestApp};
use serde_json::{json, Value};
use sqlx::PgPool;

const SHOP_FORM: &str = r#"{"fields":[{"key":"shop_found","label":{"en":"Did you find the shop?"},"required":true,"kind":{"type":"yes_no"}},
    {"key":"here","label":{"en":"Instructions"},"kind":{"type":"instruction"}}]}"#;

/// A blank draft job of the demo organisation with a one-question form; returns its id.
async fn job_with_form(app: &TestApp, manager: &reqwest::Client) -> i64 {
    let (status, body) = status_json(
        app.call(manager, "/api/jobs/create", &[("organisation_id", "1"), ("start", "blank")]).await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let job_id = body.as_i64().unwrap();
    let (status, body) = status_json(
        app.call(
            manager,
            "/api/jobs/save_form",
            &[("job_id", &job_id.to_string()), ("version", "1"), ("form_json", SHOP_FORM)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    job_id
}

async fn import(
    app: &TestApp,
    client: &reqwest::Client,
    job_id: i64,
    query: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let response = client
        .post(app.url(&format!("/api/jobs/{job_id}/units/import?{query}")))
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    status_json(response).await
}

async fn unit_count(pool: &PgPool, job_id: i64) -> i64 {
    sqlx::query_scalar("select count(*) from units where job_id = $1")
        .bind(job_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[derive(Debug, sqlx::FromRow)]
struct UnitRow {
    external_id: String,
    title: String,
    address: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    context: Value,
    gold_answers: Option<Value>,
}

async fn units(pool: &PgPool, job_id: i64) -> Vec<UnitRow> {
    sqlx::query_as(
        "select external_id, title, address, latitude, longitude, context, gold_answers
         from units where job_id = $1 order by external_id",
    )
    .bind(job_id)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn import_changes(pool: &PgPool, job_id: i64) -> Vec<Value> {
    sqlx::query_scalar(
        "select detail from job_changes where job_id = $1 and action = 'units imported' order by id",
    )
    .bind(job_id)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// (row, column) of each reported problem.
fn problems(report: &Value) -> Vec<(u64, String)> {
    report["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("an import report, got {report}"))
        .iter()
        .map(|p| (p["row"].as_u64().unwrap(), p["column"].as_str().unwrap().to_string()))
        .collect()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_good_csv_lands_whole_with_context_and_gold_answers(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let job_id = job_with_form(&app, &manager).await;
    let csv = "\u{feff}id,name,address,lat,lng,area,gold:shop_found\r\n\
        S-1,Sharma Kirana,\"12, MG Road, Bengaluru\",12.9716,77.5946,Shanthala Nagar,yes\r\n\
        S-2,Gupta General Stores,\"5 \"\"Main\"\" Road, Indiranagar\",12.9784,77.6408,Indiranagar,no\r\n\
        S-3,Ravi Provisions,80 Feet Road Koramangala,12.9352,77.6245,Koramangala,\r\n\
        S-4,Lakshmi Stores,,,,,\r\n\
        \r\n\
        S-5,  Anand Medicals  ,HSR Layout Sector 2,12.9116,77.6474,HSR Layout,Y\r\n";

    let (status, report) = import(&app, &manager, job_id, "on_duplicate=reject", csv).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (&report["rows"], &report["inserted"], &report["updated"], &report["problem_count"]),
        (&json!(5), &json!(5), &json!(0), &json!(0)),
        "{report}"
    );
    assert_eq!(report["problems"], json!([]));

    let stored = units(&pool, job_id).await;
    assert_eq!(stored.len(), 5, "{stored:?}");
    let s1 = &stored[0];
    assert_eq!(
        (s1.external_id.as_str(), s1.title.as_str(), s1.address.as_deref()),
        ("S-1", "Sharma Kirana", Some("12, MG Road, Bengaluru"))
    );
    assert_eq!((s1.latitude, s1.longitude), (Some(12.9716), Some(77.5946)));
    assert_eq!(s1.context, json!({ "area": "Shanthala Nagar" }));
    assert_eq!(s1.gold_answers, Some(json!({ "shop_found": { "type": "yes_no", "value": true } })));
    assert_eq!(stored[1].address.as_deref(), Some("5 \"Main\" Road, Indiranagar"));
    assert_eq!(stored[1].gold_answers, Some(json!({ "shop_found": { "type": "yes_no", "value": false } })));
    assert_eq!(stored[2].gold_answers, None, "an empty gold cell is an ordinary unit");
    let s4 = &stored[3];
    assert_eq!((s4.title.as_str(), s4.address.as_deref(), s4.latitude), ("Lakshmi Stores", None, None));
    assert_eq!(s4.context, json!({}), "empty cells are not stored as context");
    assert_eq!(stored[4].title, "Anand Medicals", "cells are trimmed");
    assert_eq!(stored[4].gold_answers, Some(json!({ "shop_found": { "type": "yes_no", "value": true } })));

    assert_eq!(import_changes(&pool, job_id).await, vec![json!({ "rows": 5, "inserted": 5, "updated": 0 })]);
    let (status, job) =
        status_json(app.call(&manager, "/api/jobs/detail", &[("job_id", &job_id.to_string())]).await).await;
    assert_eq!(status, 200);
    assert_eq!((job["units_total"].clone(), job["units_gold"].clone()), (json!(5), json!(3)));
    let (status, page) =
        status_json(app.call(&manager, "/api/units/list", &[("job_id", &job_id.to_string())]).await).await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 5);
    assert_eq!(page["units"][0]["context"], json!([["area", "Shanthala Nagar"]]));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn columns_can_be_mapped_by_name(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let job_id = job_with_form(&app, &manager).await;
    let csv = "code,shop,where,y,x,id\nK-1,Sharma Kirana,MG Road,12.97,77.59,legacy-9\n";
    let query = "on_duplicate=reject&external_id=code&title=shop&address=where&latitude=y&longitude=x";
    let (status, report) = import(&app, &manager, job_id, query, csv).await;
    assert_eq!(status, 200, "{report}");
    let stored = units(&pool, job_id).await;
    assert_eq!(stored.len(), 1);
    let unit = &stored[0];
    assert_eq!(
        (unit.external_id.as_str(), unit.title.as_str(), unit.address.as_deref()),
        ("K-1", "Sharma Kirana", Some("MG Road"))
    );
    assert_eq!((unit.latitude, unit.longitude), (Some(12.97), Some(77.59)));
    assert_eq!(unit.context, json!({ "id": "legacy-9" }), "an unmapped `id` column is context");

    // A mapping naming a column the file lacks is a header problem.
    let (status, report) = import(&app, &manager, job_id, "external_id=nope", csv).await;
    assert_eq!((status, problems(&report)), (422, vec![(1, String::new())]), "{report}");
    assert!(report["problems"][0]["problem"].as_str().unwrap().contains("nope"));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn every_bad_row_is_reported_and_nothing_is_written(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let before = unit_count(&pool, 1).await;
    let changes_before: i64 = sqlx::query_scalar("select count(*) from job_changes where job_id = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut csv = b"id,name,address,lat,lng,area\n\
        NEW-1,Good shop,MG Road,12.97,77.59,Indiranagar\n\
        NEW-1,Same id again,MG Road,12.97,77.59,Indiranagar\n\
        ,No id,MG Road,12.97,77.59,Indiranagar\n\
        NEW-4,Latitude 95,MG Road,95,77.59,Indiranagar\n\
        NEW-5,Too few cells,MG Road\n\
        NEW-6,"
        .to_vec();
    csv.extend([0xff, 0xfe, b'x']);
    csv.extend(
        b",MG Road,12.97,77.59,Indiranagar\nNEW-7,Another good shop,MG Road,12.97,77.59,Koramangala\n",
    );

    let (status, report) = import(&app, &manager, 1, "on_duplicate=reject", csv).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(
        problems(&report),
        vec![
            (3, "id".to_string()),
            (4, "id".to_string()),
            (5, "lat".to_string()),
            (6, String::new()),
            (7, String::new())
        ],
        "{report}"
    );
    assert_eq!(
        (&report["problem_count"], &report["rows"], &report["inserted"]),
        (&json!(5), &json!(7), &json!(0))
    );
    let texts: Vec<&str> =
        report["problems"].as_array().unwrap().iter().map(|p| p["problem"].as_str().unwrap()).collect();
    assert!(texts[0].contains("also on row 2"), "{texts:?}");
    assert!(texts[3].contains("3 cells") && texts[3].contains("6"), "{texts:?}");
    assert!(texts[4].contains("UTF-8"), "{texts:?}");

    assert_eq!(unit_count(&pool, 1).await, before, "not even the good rows are written");
    let changes_after: i64 = sqlx::query_scalar("select count(*) from job_changes where job_id = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(changes_after, changes_before);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_bad_row_after_megabytes_of_good_ones_still_writes_nothing(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let job_id = job_with_form(&app, &manager).await;
    // Well past the parser's 1 MB COPY chunks, so some rows have reached PostgreSQL
    // before the bad one is read.
    let mut csv = String::from("id,title,address,lat,lng,area\n");
    for n in 0..40_000 {
        csv.push_str(&format!(
            "B-{n},Kirana store number {n},{n} Main Road Jayanagar Bengaluru,12.9,77.5,Jayanagar\n"
        ));
    }
    assert!(csv.len() > 3 << 20);
    csv.push_str("B-0,Duplicate at the end,x,12.9,77.5,x\n");
    let (status, report) = import(&app, &manager, job_id, "", csv).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(problems(&report), vec![(40_002, "id".to_string())]);
    assert_eq!(unit_count(&pool, job_id).await, 0);
    assert!(import_changes(&pool, job_id).await.is_empty());

    // The same file without the bad row lands whole.
    let mut good = String::from("id,title,address,lat,lng,area\n");
    for n in 0..40_000 {
        good.push_str(&format!(
            "B-{n},Kirana store number {n},{n} Main Road Jayanagar Bengaluru,12.9,77.5,Jayanagar\n"
        ));
    }
    let (status, report) = import(&app, &manager, job_id, "", good).await;
    assert_eq!((status, &report["inserted"]), (200, &json!(40_000)), "{report}");
    assert_eq!(unit_count(&pool, job_id).await, 40_000);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn existing_ids_are_refused_or_updated(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let job_id = job_with_form(&app, &manager).await;
    let first = "id,title,area,gold:shop_found\nX-1,Old name,Jayanagar,yes\nX-2,Second,Jayanagar,\nX-3,Third,BTM Layout,\n";
    let (status, report) = import(&app, &manager, job_id, "on_duplicate=reject", first).await;
    assert_eq!(status, 200, "{report}");
    let ids_before: Vec<i64> =
        sqlx::query_scalar("select id from units where job_id = $1 order by external_id")
            .bind(job_id)
            .fetch_all(&pool)
            .await
            .unwrap();

    let second = "id,title,area,gold:shop_found\nX-4,Brand new,Whitefield,\nX-1,New name,Basavanagudi,no\n";
    let (status, report) = import(&app, &manager, job_id, "on_duplicate=reject", second).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(problems(&report), vec![(3, "id".to_string())]);
    assert!(report["problems"][0]["problem"].as_str().unwrap().contains("X-1"), "{report}");
    assert_eq!(unit_count(&pool, job_id).await, 3, "X-4 was not written either");

    // Without a choice, duplicates are refused too.
    let (status, _) = import(&app, &manager, job_id, "", second).await;
    assert_eq!(status, 422);

    let (status, report) = import(&app, &manager, job_id, "on_duplicate=update", second).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (&report["rows"], &report["inserted"], &report["updated"]),
        (&json!(2), &json!(1), &json!(1)),
        "{report}"
    );
    let stored = units(&pool, job_id).await;
    let ids: Vec<&str> = stored.iter().map(|u| u.external_id.as_str()).collect();
    assert_eq!(ids, ["X-1", "X-2", "X-3", "X-4"], "no duplicate rows");
    assert_eq!(stored[0].title, "New name");
    assert_eq!(stored[0].context, json!({ "area": "Basavanagudi" }));
    assert_eq!(stored[0].gold_answers, Some(json!({ "shop_found": { "type": "yes_no", "value": false } })));
    assert_eq!(
        (stored[1].title.as_str(), &stored[1].context),
        ("Second", &json!({ "area": "Jayanagar" })),
        "untouched"
    );
    assert_eq!(stored[3].context, json!({ "area": "Whitefield" }));
    let ids_after: Vec<i64> = sqlx::query_scalar(
        "select id from units where job_id = $1 and external_id <> 'X-4' order by external_id",
    )
    .bind(job_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(ids_after, ids_before, "updated in place, not deleted and re-added");
    assert_eq!(
        import_changes(&pool, job_id).await,
        vec![
            json!({ "rows": 3, "inserted": 3, "updated": 0 }),
            json!({ "rows": 2, "inserted": 1, "updated": 1 })
        ]
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn only_managers_of_the_jobs_organisation_may_import(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let csv = "id,title\nNEW-1,New shop\nSHOP-001,Renamed\n";
    let before = unit_count(&pool, 1).await;

    let anonymous = app.client();
    let (status, body) = import(&app, &anonymous, 1, "on_duplicate=update", csv).await;
    assert_eq!((status, body), (401, json!("Unauthenticated")));

    let gigger = app.client();
    app.sign_in_gigger(&gigger, "9000000001").await;
    let (status, body) = import(&app, &gigger, 1, "on_duplicate=update", csv).await;
    assert_eq!((status, body), (403, json!("Forbidden")));

    for role in ["customer", "reviewer"] {
        let client = common::signed_in(&app, role).await;
        let (status, _) = import(&app, &client, 1, "on_duplicate=update", csv).await;
        assert_eq!(status, 403, "{role}");
    }

    let (_, other) =
        common::other_organisation_manager(&app, "Other Retail Ltd", "other.manager@example.com").await;
    let (status, body) = import(&app, &other, 1, "on_duplicate=update", csv).await;
    assert_eq!((status, body), (403, json!("Forbidden")));

    let manager = common::signed_in(&app, "manager").await;
    let (status, body) = import(&app, &manager, 999_999, "on_duplicate=update", csv).await;
    assert_eq!((status, body), (404, json!("NotFound")));

    assert_eq!(unit_count(&pool, 1).await, before);
    let title: String =
        sqlx::query_scalar("select title from units where job_id = 1 and external_id = 'SHOP-001'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(title, "Kirana store #1");

    // The admin may import into any organisation's job.
    let admin = common::signed_in(&app, "admin").await;
    let (status, report) = import(&app, &admin, 1, "on_duplicate=update", csv).await;
    assert_eq!((status, &report["inserted"], &report["updated"]), (200, &json!(1), &json!(1)), "{report}");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn header_problems_and_empty_files_are_refused_clearly(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let job_id = job_with_form(&app, &manager).await;
    let cases: [(&str, &str); 6] = [
        ("name,address\nSharma Kirana,MG Road\n", "needs a unit id column"),
        ("", "The file is empty"),
        ("id,title\n", "no units"),
        ("id,lat\nS-1,12.9\n", "both a latitude and a longitude"),
        ("id,gold:board_name\nS-1,Sharma\n", "not a question of the job's form"),
        ("id,gold:here\nS-1,x\n", "not a question of the job's form"),
    ];
    for (csv, expected) in cases {
        let (status, report) = import(&app, &manager, job_id, "on_duplicate=reject", csv).await;
        assert_eq!(status, 422, "{csv:?}: {report}");
        assert_eq!(report["problem_count"], 1, "{csv:?}: {report}");
        let problem = &report["problems"][0];
        assert_eq!(problem["row"], if expected == "no units" { 2 } else { 1 }, "{csv:?}: {report}");
        assert!(problem["problem"].as_str().unwrap().contains(expected), "{csv:?}: {report}");
    }
    // A bad on_duplicate value is refused before anything is read.
    let (status, _) = import(&app, &manager, job_id, "on_duplicate=merge", "id\nS-1\n").await;
    assert!((400..500).contains(&status), "{status}");
    // A gold answer that does not answer the question is a row problem.
    let (status, report) =
        import(&app, &manager, job_id, "", "id,gold:shop_found\nS-1,yes\nS-2,maybe\n").await;
    assert_eq!((status, problems(&report)), (422, vec![(3, "gold:shop_found".to_string())]), "{report}");
    assert_eq!(unit_count(&pool, job_id).await, 0);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn cells_that_look_like_copy_syntax_are_stored_as_typed(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let job_id = job_with_form(&app, &manager).await;
    // PostgreSQL's COPY reads a line holding only `\.` as the end of the data, even
    // inside a quoted value; and `\N`, commas, quotes and new lines are ordinary text here.
    let csv = "id,title,address,note\n\
        A-1,First,\"Gate 2\n\\.\nBehind the temple\",\"\\N\"\n\
        A-2,\"Quote \"\" and comma, here\",\\.,\"multi\nline\"\n\
        A-3,Third,\\N,x\n";
    let (status, report) = import(&app, &manager, job_id, "", csv).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["inserted"], 3, "{report}");
    let stored = units(&pool, job_id).await;
    assert_eq!(stored.len(), 3, "{stored:?}");
    assert_eq!(stored[0].address.as_deref(), Some("Gate 2\n\\.\nBehind the temple"));
    assert_eq!(stored[0].context, json!({ "note": "\\N" }));
    assert_eq!(stored[1].title, "Quote \" and comma, here");
    assert_eq!(stored[1].address.as_deref(), Some("\\."));
    assert_eq!(stored[1].context, json!({ "note": "multi\nline" }));
    assert_eq!(stored[2].address.as_deref(), Some("\\N"));
}

/// The session cookie (`gigforge_session=...`) of a fresh sign-in as the demo `role`.
async fn session_cookie(app: &TestApp, role: &str) -> String {
    let (email, password) = common::demo_password(role);
    let response = reqwest::Client::new()
        .post(app.url("/api/auth/sign_in"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("gigforge_session="))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_slow_upload_blocks_other_imports_of_the_job_but_not_its_settings(pool: PgPool) {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let job_id = job_with_form(&app, &manager).await;

    // An upload that sends its first rows, then pauses (a slow connection).
    let cookie = session_cookie(&app, "manager").await;
    let mut upload = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/jobs/{job_id}/units/import?on_duplicate=reject HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\n\
         Content-Type: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.addr
    );
    upload.write_all(head.as_bytes()).await.unwrap();
    let chunk = |text: &str| format!("{:x}\r\n{text}\r\n", text.len());
    upload.write_all(chunk("id,title\nL-1,First\n").as_bytes()).await.unwrap();
    let started = std::time::Instant::now();
    loop {
        let copying: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity
             where datname = current_database() and state = 'active' and query like 'copy units%'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if copying == 1 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the import never started its COPY");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Meanwhile the job's settings and status can still be changed...
    let (version, settings): (i32, Value) = {
        let (status, job) =
            status_json(app.call(&manager, "/api/jobs/detail", &[("job_id", &job_id.to_string())]).await)
                .await;
        assert_eq!(status, 200);
        (job["version"].as_i64().unwrap() as i32, job["settings"].clone())
    };
    let settings: app::jobs::settings::JobSettings = serde_json::from_value(settings).unwrap();
    let mut form = app::jobs::settings::JobSettingsForm::from_settings(&settings);
    form.pay_rupees = "30".into();
    let mut fields =
        vec![("job_id".to_string(), job_id.to_string()), ("version".to_string(), version.to_string())];
    for (name, value) in serde_json::to_value(&form).unwrap().as_object().unwrap() {
        if let Some(value) = value.as_str() {
            fields.push((format!("settings[{name}]"), value.to_string()));
        }
    }
    let saved = tokio::time::timeout(
        Duration::from_secs(10),
        app.call_owned(&manager, "/api/jobs/save_settings", &fields),
    )
    .await
    .expect("a settings save is not held up by an import in progress");
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    let archived = tokio::time::timeout(
        Duration::from_secs(10),
        app.call(
            &manager,
            "/api/jobs/change_status",
            &[
                ("job_id", &job_id.to_string()),
                ("version", &(version + 1).to_string()),
                ("action", "archive"),
            ],
        ),
    )
    .await
    .expect("nor is a status change");
    assert_eq!(archived.status(), 200, "{}", archived.text().await.unwrap());

    // ...but a second import of the same job waits for the first, then sees its units.
    let second = tokio::spawn({
        let manager = manager.clone();
        let url = app.url(&format!("/api/jobs/{job_id}/units/import?on_duplicate=reject"));
        async move {
            let response = manager.post(url).body("id,title\nL-2,Second\nL-1,Again\n").send().await.unwrap();
            status_json(response).await
        }
    });
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(!second.is_finished(), "the second import waits for the first");

    upload.write_all(chunk("L-3,Third\n").as_bytes()).await.unwrap();
    upload.write_all(b"0\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    upload.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let (status, report) = second.await.unwrap();
    assert_eq!((status, problems(&report)), (422, vec![(3, "id".to_string())]), "{report}");
    let ids: Vec<String> = units(&pool, job_id).await.into_iter().map(|u| u.external_id).collect();
    assert_eq!(ids, ["L-1", "L-3"]);
    let pay: i64 = sqlx::query_scalar("select pay_paise from jobs where id = $1")
        .bind(job_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(pay, 3000);
}
