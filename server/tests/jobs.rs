//! The Gig Creation Engine through HTTP: creating jobs, settings with versions, forms and
//! their versions, the publish checklist, the lifecycle, organisation boundaries and
//! templates. Each test checks the answers and then the rows in the database.

mod common;

use app::jobs::settings::{JobSettings, JobSettingsForm};
use common::{status_json, TestApp};
use serde_json::{json, Value};
use sqlx::PgPool;

const YES_NO_FORM: &str =
    r#"{"fields":[{"key":"open","label":{"en":"Open?"},"required":true,"kind":{"type":"yes_no"}}]}"#;

const LOCATION_FORM: &str = r#"{"fields":[{"key":"here","label":{"en":"Your location"},"required":true,"kind":{"type":"location","max_accuracy_m":50}}]}"#;

/// Creates a job through the API; returns its id.
async fn create_job(app: &TestApp, client: &reqwest::Client, organisation_id: i64, start: &str) -> i64 {
    let (status, body) = status_json(
        app.call(
            client,
            "/api/jobs/create",
            &[("organisation_id", &organisation_id.to_string()), ("start", start)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "create {start}: {body}");
    body.as_i64().unwrap_or_else(|| panic!("a job id, got {body}"))
}

async fn detail(app: &TestApp, client: &reqwest::Client, job_id: i64) -> Value {
    let (status, body) =
        status_json(app.call(client, "/api/jobs/detail", &[("job_id", &job_id.to_string())]).await).await;
    assert_eq!(status, 200, "detail of job {job_id}: {body}");
    body
}

/// The settings page's form, filled in with the job's current settings as the page does.
async fn settings_form(app: &TestApp, client: &reqwest::Client, job_id: i64) -> (i32, JobSettingsForm) {
    let job = detail(app, client, job_id).await;
    let settings: JobSettings = serde_json::from_value(job["settings"].clone()).unwrap();
    (job["version"].as_i64().unwrap() as i32, JobSettingsForm::from_settings(&settings))
}

/// Posts the settings form as nested `settings[...]` fields.
async fn save_settings(
    app: &TestApp,
    client: &reqwest::Client,
    job_id: i64,
    version: i32,
    form: &JobSettingsForm,
) -> (u16, Value) {
    let mut fields =
        vec![("job_id".to_string(), job_id.to_string()), ("version".to_string(), version.to_string())];
    for (name, value) in serde_json::to_value(form).unwrap().as_object().unwrap() {
        if let Some(value) = value.as_str() {
            fields.push((format!("settings[{name}]"), value.to_string()));
        }
    }
    status_json(app.call_owned(client, "/api/jobs/save_settings", &fields).await).await
}

async fn save_form(
    app: &TestApp,
    client: &reqwest::Client,
    job_id: i64,
    version: i32,
    form: &str,
) -> (u16, Value) {
    status_json(
        app.call(
            client,
            "/api/jobs/save_form",
            &[("job_id", &job_id.to_string()), ("version", &version.to_string()), ("form_json", form)],
        )
        .await,
    )
    .await
}

async fn change_status(
    app: &TestApp,
    client: &reqwest::Client,
    job_id: i64,
    version: i32,
    action: &str,
) -> (u16, Value) {
    status_json(
        app.call(
            client,
            "/api/jobs/change_status",
            &[("job_id", &job_id.to_string()), ("version", &version.to_string()), ("action", action)],
        )
        .await,
    )
    .await
}

async fn job_version(pool: &PgPool, job_id: i64) -> i32 {
    sqlx::query_scalar("select version from jobs where id = $1").bind(job_id).fetch_one(pool).await.unwrap()
}

async fn job_status(pool: &PgPool, job_id: i64) -> String {
    sqlx::query_scalar("select status from jobs where id = $1").bind(job_id).fetch_one(pool).await.unwrap()
}

async fn changes_of(pool: &PgPool, job_id: i64) -> Vec<(String, Value)> {
    sqlx::query_as("select action, detail from job_changes where job_id = $1 order by id")
        .bind(job_id)
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn form_versions(pool: &PgPool, job_id: i64) -> Vec<(i32, Value)> {
    sqlx::query_as("select version, schema from job_form_versions where job_id = $1 order by version")
        .bind(job_id)
        .fetch_all(pool)
        .await
        .unwrap()
}

fn invalid_field(body: &Value) -> &str {
    body["Invalid"]["field"].as_str().unwrap_or_else(|| panic!("an Invalid error, got {body}"))
}

fn list_ids(body: &Value) -> Vec<i64> {
    body.as_array()
        .unwrap_or_else(|| panic!("a list, got {body}"))
        .iter()
        .map(|j| j["id"].as_i64().unwrap())
        .collect()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_job_from_the_shop_verification_template_brings_its_form_and_training(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let trainings_before: i64 =
        sqlx::query_scalar("select count(*) from trainings").fetch_one(&pool).await.unwrap();

    let job_id = create_job(&app, &manager, 1, "builtin:shop_verification").await;

    let (organisation_id, status, title, training_id, pay): (i64, String, String, Option<i64>, i64) =
        sqlx::query_as(
            "select organisation_id, status, title, training_id, pay_paise from jobs where id = $1",
        )
        .bind(job_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((organisation_id, status.as_str(), title.as_str(), pay), (1, "draft", "Verify shops", 4500));

    let forms = form_versions(&pool, job_id).await;
    assert_eq!(forms.len(), 1, "one form version");
    assert_eq!(forms[0].0, 1);
    let schema: app::forms::FormSchema =
        serde_json::from_value(forms[0].1.clone()).expect("the stored form is a sound schema");
    assert!(schema.field("shop_found").is_some() && schema.has_location());

    let training_id = training_id.expect("the job requires the template's training");
    assert_ne!(training_id, 1, "a new training, not the demo job's");
    let (training_org, training_title, questions): (i64, String, i32) = sqlx::query_as(
        "select organisation_id, title, jsonb_array_length(content->'questions') from trainings where id = $1",
    )
    .bind(training_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((training_org, training_title.as_str(), questions), (1, "Shop verification basics", 3));
    let trainings_after: i64 =
        sqlx::query_scalar("select count(*) from trainings").fetch_one(&pool).await.unwrap();
    assert_eq!(trainings_after, trainings_before + 1);

    let changes = changes_of(&pool, job_id).await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].0, "created");
    assert_eq!(changes[0].1["from"], "template Shop verification");

    // The job page shows what was stored.
    let job = detail(&app, &manager, job_id).await;
    assert_eq!(job["status"], "draft");
    assert_eq!(job["form_version"], 1);
    assert_eq!(job["training_title"], "Shop verification basics");
    assert_eq!(job["can_edit"], true);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn settings_are_saved_with_versions_and_a_stale_save_changes_nothing(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let (version, mut form) = settings_form(&app, &manager, 1).await;
    assert_eq!(version, 1);
    assert_eq!(form.pay_rupees, "45");

    // First save, at the current version.
    form.pay_rupees = "50".into();
    let (status, body) = save_settings(&app, &manager, 1, version, &form).await;
    assert_eq!((status, body.clone()), (200, json!(2)), "{body}");
    assert_eq!(job_version(&pool, 1).await, 2);
    let logged: Vec<Value> = changes_of(&pool, 1)
        .await
        .into_iter()
        .filter(|(action, _)| action == "settings changed")
        .map(|(_, detail)| detail)
        .collect();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0], json!({ "pay": { "from": 4500, "to": 5000 } }), "only the changed key is logged");

    // Second save, at the version the first returned.
    form.pay_rupees = "60.50".into();
    form.title = "Verify kirana shops in Bengaluru, round 2".into();
    let (status, body) = save_settings(&app, &manager, 1, 2, &form).await;
    assert_eq!((status, body.clone()), (200, json!(3)), "{body}");

    // A save from a page opened before the second save is refused and overwrites nothing.
    let mut stale = form.clone();
    stale.pay_rupees = "70".into();
    stale.title = "Stale title".into();
    let (status, body) = save_settings(&app, &manager, 1, 2, &stale).await;
    assert_eq!(status, 409, "{body}");
    assert!(body["Conflict"].as_str().is_some_and(|m| m.contains("Someone else changed")), "{body}");
    let (pay, title, version): (i64, String, i32) =
        sqlx::query_as("select pay_paise, title, version from jobs where id = 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((pay, title.as_str(), version), (6050, "Verify kirana shops in Bengaluru, round 2", 3));

    // Bad input names its field and changes nothing either.
    let changes_before = changes_of(&pool, 1).await.len();
    let mut bad = form.clone();
    bad.pay_rupees = "12.345".into();
    let (status, body) = save_settings(&app, &manager, 1, 3, &bad).await;
    assert_eq!((status, invalid_field(&body)), (422, "pay_rupees"), "{body}");
    let mut bad = form.clone();
    bad.starts_on = "2026-12-10".into();
    bad.ends_on = "2026-12-01".into();
    let (status, body) = save_settings(&app, &manager, 1, 3, &bad).await;
    assert_eq!((status, invalid_field(&body)), (422, "ends_on"), "{body}");
    let (pay, ends_on, version): (i64, Option<chrono::NaiveDate>, i32) =
        sqlx::query_as("select pay_paise, ends_on, version from jobs where id = 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((pay, ends_on, version), (6050, None, 3));
    assert_eq!(changes_of(&pool, 1).await.len(), changes_before, "no change logged for refused saves");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_blank_job_goes_live_once_its_checklist_is_fixed_and_then_gets_new_form_versions(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let job_id = create_job(&app, &manager, 1, "blank").await;
    assert!(form_versions(&pool, job_id).await.is_empty(), "a blank job has no form yet");

    let (status, body) = change_status(&app, &manager, job_id, 1, "publish").await;
    assert_eq!(status, 409, "{body}");
    assert!(body["Conflict"].as_str().unwrap().contains("3 to fix"), "{body}");
    assert_eq!(job_status(&pool, job_id).await, "draft");

    let job = detail(&app, &manager, job_id).await;
    let fixes: Vec<&str> =
        job["checklist"].as_array().unwrap().iter().map(|item| item["fix"].as_str().unwrap()).collect();
    let base = format!("/manage/jobs/{job_id}");
    assert_eq!(
        fixes,
        vec![format!("{base}/units"), format!("{base}/form"), format!("{base}/settings#pay_rupees")],
        "{}",
        job["checklist"]
    );

    // The form: edited in place while the job has never been live.
    let (status, body) = save_form(&app, &manager, job_id, 1, YES_NO_FORM).await;
    assert_eq!((status, body.clone()), (200, json!([2, 1])), "{body}");
    let (status, body) = save_form(&app, &manager, job_id, 2, YES_NO_FORM).await;
    assert_eq!((status, body.clone()), (200, json!([3, 1])), "{body}");
    assert_eq!(form_versions(&pool, job_id).await.len(), 1, "a draft's form is edited in place");

    let (version, mut form) = settings_form(&app, &manager, job_id).await;
    assert_eq!(version, 3);
    form.pay_rupees = "25".into();
    let (status, body) = save_settings(&app, &manager, job_id, version, &form).await;
    assert_eq!((status, body.clone()), (200, json!(4)), "{body}");
    let (status, body) = status_json(
        app.call(
            &manager,
            "/api/units/save",
            &[("job_id", &job_id.to_string()), ("external_id", "SHOP-1"), ("title", "Sharma Kirana")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let job = detail(&app, &manager, job_id).await;
    assert_eq!(job["checklist"], json!([]), "{}", job["checklist"]);
    let (status, body) = change_status(&app, &manager, job_id, 4, "publish").await;
    assert_eq!((status, body.clone()), (200, json!(5)), "{body}");
    let (status, published): (String, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as("select status, published_at from jobs where id = $1")
            .bind(job_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(status, "live");
    assert!(published.is_some());

    // Once live, a saved form is a new version and the one giggers saw stays as it was.
    let first = form_versions(&pool, job_id).await;
    let two_fields = r#"{"fields":[{"key":"open","label":{"en":"Open?"},"required":true,"kind":{"type":"yes_no"}},
        {"key":"board","label":{"en":"Name on the board"},"kind":{"type":"short_text","max_length":100}}]}"#;
    let (status, body) = save_form(&app, &manager, job_id, 5, two_fields).await;
    assert_eq!((status, body.clone()), (200, json!([6, 2])), "{body}");
    let after = form_versions(&pool, job_id).await;
    assert_eq!(after.len(), 2);
    assert_eq!(after[0], first[0], "version 1 is unchanged");
    assert_eq!(after[1].1["fields"].as_array().unwrap().len(), 2);
    assert_eq!(detail(&app, &manager, job_id).await["form_version"], 2);
    let actions: Vec<String> =
        changes_of(&pool, job_id).await.into_iter().map(|(action, _)| action).collect();
    assert_eq!(
        actions,
        ["created", "form saved", "form saved", "settings changed", "unit added", "published", "form saved"]
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_form_recording_gps_needs_a_geography(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let job_id = create_job(&app, &manager, 1, "blank").await;
    let (status, body) = save_form(&app, &manager, job_id, 1, LOCATION_FORM).await;
    assert_eq!(status, 200, "{body}");
    let geography_items = |job: &Value| -> Vec<String> {
        job["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["fix"].as_str().unwrap().ends_with("#geography_kind"))
            .map(|item| item["problem"].as_str().unwrap().to_string())
            .collect()
    };
    let job = detail(&app, &manager, job_id).await;
    let items = geography_items(&job);
    assert_eq!(items.len(), 1, "{}", job["checklist"]);
    assert!(items[0].contains("GPS"), "{items:?}");

    let (version, mut form) = settings_form(&app, &manager, job_id).await;
    form.geography_kind = "places".into();
    form.places = "Bengaluru, 560001".into();
    let (status, body) = save_settings(&app, &manager, job_id, version, &form).await;
    assert_eq!(status, 200, "{body}");
    assert!(geography_items(&detail(&app, &manager, job_id).await).is_empty());
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn an_unsound_form_is_refused_on_its_field_and_nothing_is_saved(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let forms_before = form_versions(&pool, 1).await;
    let changes_before = changes_of(&pool, 1).await.len();

    let bad_pattern = r#"{"fields":[
        {"key":"open","label":{"en":"Open?"},"required":true,"kind":{"type":"yes_no"}},
        {"key":"pincode","label":{"en":"Pincode"},"kind":{"type":"short_text","pattern":"([0-9]{6}"}}]}"#;
    let (status, body) = save_form(&app, &manager, 1, 1, bad_pattern).await;
    assert_eq!((status, invalid_field(&body)), (422, "field-1"), "{body}");
    assert!(body["Invalid"]["message"].as_str().unwrap().contains("pattern"), "{body}");

    let later_condition = r#"{"fields":[
        {"key":"open","label":{"en":"Open?"},"required":true,"kind":{"type":"yes_no"}},
        {"key":"board","label":{"en":"Board"},"kind":{"type":"short_text"},"show_if":{"field":"found","any_of":["yes"]}},
        {"key":"found","label":{"en":"Found?"},"kind":{"type":"yes_no"}}]}"#;
    let (status, body) = save_form(&app, &manager, 1, 1, later_condition).await;
    assert_eq!((status, invalid_field(&body)), (422, "field-1"), "{body}");
    assert!(body["Invalid"]["message"].as_str().unwrap().contains("earlier field"), "{body}");

    let (status, body) = save_form(&app, &manager, 1, 1, "{not json").await;
    assert_eq!((status, invalid_field(&body)), (422, "form"), "{body}");

    assert_eq!(form_versions(&pool, 1).await, forms_before, "no form version written or changed");
    assert_eq!(job_version(&pool, 1).await, 1, "the job's version is not bumped");
    assert_eq!(changes_of(&pool, 1).await.len(), changes_before);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_lifecycle_follows_its_arrows_and_archived_jobs_are_hidden(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    assert_eq!(job_status(&pool, 1).await, "live");

    let (status, body) = change_status(&app, &manager, 1, 1, "pause").await;
    assert_eq!((status, body.clone()), (200, json!(2)), "{body}");
    assert_eq!(job_status(&pool, 1).await, "paused");
    // A stale version is refused before anything else.
    let (status, _) = change_status(&app, &manager, 1, 1, "publish").await;
    assert_eq!(status, 409);
    assert_eq!(job_status(&pool, 1).await, "paused");

    let (status, body) = change_status(&app, &manager, 1, 2, "publish").await;
    assert_eq!((status, body.clone()), (200, json!(3)), "{body}");
    assert_eq!(job_status(&pool, 1).await, "live");
    let (status, body) = change_status(&app, &manager, 1, 3, "close").await;
    assert_eq!((status, body.clone()), (200, json!(4)), "{body}");
    assert_eq!(job_status(&pool, 1).await, "closed");
    let (status, body) = change_status(&app, &manager, 1, 4, "publish").await;
    assert_eq!(status, 409, "a closed job cannot go live again: {body}");
    assert_eq!((job_status(&pool, 1).await, job_version(&pool, 1).await), ("closed".to_string(), 4));
    let (status, body) = change_status(&app, &manager, 1, 4, "explode").await;
    assert_eq!((status, invalid_field(&body)), (422, "action"));

    let listed = |archived: &'static str| {
        let app = &app;
        let manager = &manager;
        async move {
            let (status, body) =
                status_json(app.call(manager, "/api/jobs/list", &[("archived", archived)]).await).await;
            assert_eq!(status, 200, "{body}");
            list_ids(&body)
        }
    };
    // Job 2 is the demo's second job (photo tagging).
    assert_eq!(listed("false").await, vec![2, 1]);
    let (status, body) = change_status(&app, &manager, 1, 4, "archive").await;
    assert_eq!((status, body.clone()), (200, json!(5)), "{body}");
    let archived_at: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select archived_at from jobs where id = 1").fetch_one(&pool).await.unwrap();
    assert!(archived_at.is_some());
    assert_eq!(listed("false").await, vec![2], "archived jobs are hidden");
    assert_eq!(listed("true").await, vec![1], "and listed when asked for");
    let (status, body) = status_json(app.call(&manager, "/api/jobs/list", &[]).await).await;
    assert_eq!((status, list_ids(&body)), (200, vec![2]), "hidden by default");

    let history: Vec<(String, Value)> = changes_of(&pool, 1).await;
    let statuses: Vec<(&str, &str, &str)> = history
        .iter()
        .map(|(action, detail)| {
            (
                action.as_str(),
                detail["status"]["from"].as_str().unwrap(),
                detail["status"]["to"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("paused", "live", "paused"),
            ("published", "paused", "live"),
            ("closed", "live", "closed"),
            ("archived", "closed", "closed")
        ]
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn managers_and_customers_stay_within_their_organisation(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let (other_org, other) =
        common::other_organisation_manager(&app, "Other Retail Ltd", "other.manager@example.com").await;
    let manager = common::signed_in(&app, "manager").await;
    let (_, form) = settings_form(&app, &manager, 1).await;
    let units_before: i64 =
        sqlx::query_scalar("select count(*) from units where job_id = 1").fetch_one(&pool).await.unwrap();

    let (status, body) = status_json(app.call(&other, "/api/jobs/detail", &[("job_id", "1")]).await).await;
    assert_eq!((status, body), (403, json!("Forbidden")));
    let (status, _) = save_settings(&app, &other, 1, 1, &form).await;
    assert_eq!(status, 403);
    let (status, _) = save_form(&app, &other, 1, 1, YES_NO_FORM).await;
    assert_eq!(status, 403);
    for action in ["pause", "close"] {
        let (status, _) = change_status(&app, &other, 1, 1, action).await;
        assert_eq!(status, 403, "{action}");
    }
    let (status, _) = status_json(
        app.call(&other, "/api/units/save", &[("job_id", "1"), ("external_id", "INTRUDER"), ("title", "x")])
            .await,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = status_json(app.call(&other, "/api/units/list", &[("job_id", "1")]).await).await;
    assert_eq!(status, 403);
    let import = other
        .post(app.url("/api/jobs/1/units/import?on_duplicate=update"))
        .body("id,title\nSHOP-001,Hijacked\nINTRUDER-2,x\n")
        .send()
        .await
        .unwrap();
    assert_eq!(import.status(), 403);
    let (status, _) = status_json(
        app.call(&other, "/api/jobs/save_template", &[("job_id", "1"), ("name", "Stolen")]).await,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = status_json(
        app.call(&other, "/api/jobs/create", &[("organisation_id", "1"), ("start", "blank")]).await,
    )
    .await;
    assert_eq!(status, 403, "no jobs for an organisation the manager does not work for");
    let (status, _) = status_json(
        app.call(
            &other,
            "/api/jobs/create",
            &[("organisation_id", &other_org.to_string()), ("start", "clone:1")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 403, "no cloning another organisation's job");

    // Their own organisation works, and each manager sees only their own jobs.
    let own_job = create_job(&app, &other, other_org, "blank").await;
    let (status, body) = status_json(app.call(&other, "/api/jobs/list", &[]).await).await;
    assert_eq!((status, list_ids(&body)), (200, vec![own_job]));
    let (status, body) = status_json(app.call(&manager, "/api/jobs/list", &[]).await).await;
    assert_eq!((status, list_ids(&body)), (200, vec![2, 1]));
    let (status, _) =
        status_json(app.call(&manager, "/api/jobs/detail", &[("job_id", &own_job.to_string())]).await).await;
    assert_eq!(status, 403);

    // Nothing of job 1 changed.
    let (version, title, status_now): (i32, String, String) =
        sqlx::query_as("select version, title, status from jobs where id = 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (version, title.as_str(), status_now.as_str()),
        (1, "Verify kirana shops in Bengaluru", "live")
    );
    let units_after: i64 =
        sqlx::query_scalar("select count(*) from units where job_id = 1").fetch_one(&pool).await.unwrap();
    assert_eq!(units_after, units_before);
    let templates: i64 =
        sqlx::query_scalar("select count(*) from job_templates").fetch_one(&pool).await.unwrap();
    assert_eq!(templates, 0);

    // The demo customer reads its organisation's job but may not change it.
    let customer = common::signed_in(&app, "customer").await;
    let job = detail(&app, &customer, 1).await;
    assert_eq!((job["can_edit"].clone(), job["id"].clone()), (json!(false), json!(1)));
    assert_eq!(detail(&app, &manager, 1).await["can_edit"], true);
    let (status, _) = save_settings(&app, &customer, 1, 1, &form).await;
    assert_eq!(status, 403);
    let (status, _) =
        status_json(app.call(&customer, "/api/jobs/detail", &[("job_id", &own_job.to_string())]).await).await;
    assert_eq!(status, 403, "nor another organisation's job");
    assert_eq!(job_version(&pool, 1).await, 1);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn saved_templates_and_clones_copy_settings_and_form_but_not_units(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let manager = common::signed_in(&app, "manager").await;
    let source = detail(&app, &manager, 1).await;

    let (status, body) = status_json(
        app.call(&manager, "/api/jobs/save_template", &[("job_id", "1"), ("name", "Kirana checks")]).await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let template_id = body.as_i64().unwrap();
    let (organisation_id, name): (i64, String) =
        sqlx::query_as("select organisation_id, name from job_templates where id = $1")
            .bind(template_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((organisation_id, name.as_str()), (1, "Kirana checks"));
    let (status, body) = status_json(app.call(&manager, "/api/jobs/new_options", &[]).await).await;
    assert_eq!(status, 200);
    assert!(
        body[1].as_array().unwrap().iter().any(|choice| choice["start"] == format!("saved:{template_id}")),
        "{body}"
    );

    let from_template = create_job(&app, &manager, 1, &format!("saved:{template_id}")).await;
    let copy = detail(&app, &manager, from_template).await;
    for key in ["pay", "category", "geography", "title", "languages", "qc_policy", "training_id"] {
        assert_eq!(copy["settings"][key], source["settings"][key], "{key}");
    }
    assert_eq!(copy["settings"], source["settings"]);
    assert_eq!(copy["form"], source["form"]);
    assert_eq!((copy["form_version"].clone(), copy["status"].clone()), (json!(1), json!("draft")));
    assert_eq!(copy["units_total"], 0);

    let clone = create_job(&app, &manager, 1, "clone:1").await;
    let cloned = detail(&app, &manager, clone).await;
    assert_eq!(cloned["settings"]["title"], "Copy of Verify kirana shops in Bengaluru");
    assert_eq!(cloned["settings"]["pay"], source["settings"]["pay"]);
    assert_eq!(cloned["form"], source["form"]);
    assert_eq!(cloned["units_total"], 0);
    let units: i64 = sqlx::query_scalar("select count(*) from units where job_id = $1")
        .bind(clone)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(units, 0);
    let created: Vec<(String, Value)> = changes_of(&pool, clone).await;
    assert_eq!(created, vec![("created".to_string(), json!({ "from": "clone of job 1" }))]);

    // A template or job of organisation 1 cannot start a job of another organisation,
    // even for an admin who may act for both.
    let other_org: i64 =
        sqlx::query_scalar("insert into organisations (name) values ('Other Retail Ltd') returning id")
            .fetch_one(&pool)
            .await
            .unwrap();
    let admin = common::signed_in(&app, "admin").await;
    for start in [format!("saved:{template_id}"), "clone:1".to_string()] {
        let (status, body) = status_json(
            app.call(
                &admin,
                "/api/jobs/create",
                &[("organisation_id", &other_org.to_string()), ("start", &start)],
            )
            .await,
        )
        .await;
        assert_eq!((status, invalid_field(&body)), (422, "start"), "{start}: {body}");
    }
    let (status, body) = status_json(
        app.call(
            &admin,
            "/api/jobs/create",
            &[("organisation_id", &other_org.to_string()), ("start", "saved:999999")],
        )
        .await,
    )
    .await;
    assert_eq!((status, invalid_field(&body)), (422, "start"), "{body}");
    let jobs: i64 = sqlx::query_scalar("select count(*) from jobs where organisation_id = $1")
        .bind(other_org)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(jobs, 0);
}
