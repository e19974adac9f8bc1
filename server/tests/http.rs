//! The HTTP surface: the authorization matrix of every server function, sessions,
//! the cross-origin guard, health checks and status codes.

mod common;

use common::TestApp;
use sqlx::PgPool;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Gigger,
    Manager,
    Reviewer,
    Customer,
    Admin,
}

use Who::*;

const EVERYONE: &[Who] = &[Anonymous, Gigger, Manager, Reviewer, Customer, Admin];
const SIGNED_IN: &[Who] = &[Gigger, Manager, Reviewer, Customer, Admin];

/// (path, form fields, who may call it)
type MatrixEntry = (&'static str, Vec<(&'static str, String)>, &'static [Who]);

/// Every server function, a valid request body for it, and who may call it. A new
/// server function fails `every_server_function_is_in_the_matrix` until it is listed.
/// `sign_out` comes last because it ends the caller's session.
fn matrix(who: Who) -> Vec<MatrixEntry> {
    let n = who as usize;
    vec![
        ("/api/auth/current_user", vec![], EVERYONE),
        ("/api/language", vec![("locale", "hi".into())], EVERYONE),
        ("/api/auth/request_otp", vec![("phone", format!("98765000{n:02}"))], EVERYONE),
        ("/api/auth/verify_otp", vec![("phone", "9000000099".into()), ("code", "123456".into())], EVERYONE),
        (
            "/api/auth/sign_in",
            vec![("email", "nobody@example.com".into()), ("password", "wrong".into())],
            EVERYONE,
        ),
        (
            "/api/auth/change_password",
            vec![
                ("current_password", "not the current one".into()),
                ("new_password", "a long new passphrase".into()),
                ("confirm_password", "a long new passphrase".into()),
            ],
            SIGNED_IN,
        ),
        ("/api/admin/list_users", vec![], &[Admin]),
        ("/api/admin/list_organisations", vec![], &[Admin]),
        (
            "/api/admin/create_user",
            vec![
                ("email", format!("matrix-{n}@example.com")),
                ("display_name", "Matrix".into()),
                ("role", "reviewer".into()),
                ("organisation_id", "".into()),
            ],
            &[Admin],
        ),
        ("/api/jobs/list", vec![], &[Manager, Reviewer, Customer, Admin]),
        ("/api/jobs/detail", vec![("job_id", "1".into())], &[Manager, Reviewer, Customer, Admin]),
        ("/api/jobs/save_settings", demo_job_settings(), &[Manager, Admin]),
        (
            "/api/jobs/save_form",
            vec![("job_id", "1".into()), ("version", "0".into()), ("form_json", r#"{"fields":[]}"#.into())],
            &[Manager, Admin],
        ),
        (
            "/api/jobs/change_status",
            vec![("job_id", "1".into()), ("version", "0".into()), ("action", "pause".into())],
            &[Manager, Admin],
        ),
        ("/api/jobs/new_options", vec![], &[Manager, Admin]),
        (
            "/api/jobs/create",
            vec![("organisation_id", "1".into()), ("start", "blank".into())],
            &[Manager, Admin],
        ),
        (
            "/api/jobs/save_template",
            vec![("job_id", "1".into()), ("name", format!("T{n}"))],
            &[Manager, Admin],
        ),
        ("/api/units/list", vec![("job_id", "1".into())], &[Manager, Reviewer, Customer, Admin]),
        (
            "/api/units/save",
            vec![("job_id", "1".into()), ("external_id", format!("MATRIX-{n}")), ("title", "Matrix".into())],
            &[Manager, Admin],
        ),
        ("/api/trainings/list", vec![], &[Manager, Reviewer, Admin]),
        ("/api/trainings/get", vec![("training_id", "1".into())], &[Manager, Reviewer, Admin]),
        (
            "/api/trainings/create",
            vec![("organisation_id", "1".into()), ("title", "T".into())],
            &[Manager, Admin],
        ),
        (
            "/api/trainings/save",
            vec![
                ("training_id", "1".into()),
                ("version", "0".into()),
                ("title", "T".into()),
                ("content_json", r#"{"blocks":[],"questions":[]}"#.into()),
                ("pass_mark_percent", "80".into()),
                ("max_attempts", "3".into()),
                ("cooldown_minutes", "60".into()),
            ],
            &[Manager, Admin],
        ),
        ("/api/gigs/profile", vec![], &[Gigger]),
        (
            "/api/gigs/profile/save",
            vec![
                ("name", "Asha".into()),
                ("city", "Bengaluru".into()),
                ("pincode", "560001".into()),
                ("speaks_en", "on".into()),
            ],
            &[Gigger],
        ),
        ("/api/gigs/feed", vec![], &[Gigger]),
        ("/api/gigs/job", vec![("job_id", "1".into())], &[Gigger]),
        ("/api/gigs/reserve", vec![("job_id", "2".into())], &[Gigger]),
        ("/api/gigs/release", vec![("job_id", "2".into()), ("reservation_id", "999999".into())], &[Gigger]),
        ("/api/gigs/reserved", vec![("job_id", "1".into()), ("reservation_id", "999999".into())], &[Gigger]),
        ("/api/gigs/mine", vec![], &[Gigger]),
        ("/api/gigs/training", vec![("training_id", "1".into())], &[Gigger]),
        (
            "/api/gigs/training/attempt",
            vec![("training_id", "1".into()), ("answers_json", "[[0],[0],[0]]".into())],
            &[Gigger],
        ),
        ("/api/review/queues", vec![], &[Reviewer, Admin]),
        ("/api/review/next", vec![("job_id", "1".into())], &[Reviewer, Admin]),
        (
            "/api/review/decide",
            vec![("job_id", "1".into()), ("submission_id", "999999".into()), ("verdict", "approve".into())],
            &[Reviewer, Admin],
        ),
        ("/api/review/bulk_approve", vec![("job_id", "1".into()), ("reason", "".into())], &[Reviewer, Admin]),
        ("/api/admin/payouts/list", vec![], &[Admin]),
        ("/api/admin/payouts/create", vec![("min_rupees", "100".into())], &[Admin]),
        (
            "/api/admin/payouts/settle",
            vec![("results_csv", "payout_id,status\nGFP999-1,paid\n".into())],
            &[Admin],
        ),
        ("/api/admin/pipeline/dead", vec![], &[Admin]),
        ("/api/admin/pipeline/retry", vec![("job_id", "1".into()), ("task_id", "999999".into())], &[Admin]),
        ("/api/forms/take_error", vec![], EVERYONE),
        ("/api/auth/sign_out", vec![], EVERYONE),
    ]
}

/// The demo job's settings form, as the settings page posts it (nested `settings[...]`).
fn demo_job_settings() -> Vec<(&'static str, String)> {
    let form = [
        ("title", "Verify kirana shops in Bengaluru"),
        ("category", "shop_verification"),
        ("pay_rupees", "45"),
        ("target_approved", "50"),
        ("reservation_minutes", "120"),
        ("geography_kind", "near_units"),
        ("max_distance_m", "5000"),
        ("overlap", "1"),
        ("units_mode", "list"),
    ];
    let mut fields: Vec<(&'static str, String)> = vec![("job_id", "1".into()), ("version", "1".into())];
    for (name, value) in form {
        fields.push((Box::leak(format!("settings[{name}]").into_boxed_str()), value.to_string()));
    }
    fields
}

async fn client_for(app: &TestApp, who: Who) -> reqwest::Client {
    let client = app.client();
    let role = match who {
        Anonymous => return client,
        Gigger => {
            app.sign_in_gigger(&client, "9000000001").await;
            return client;
        }
        Manager => "manager",
        Reviewer => "reviewer",
        Customer => "customer",
        Admin => "admin",
    };
    let (email, password) = common::demo_password(role);
    app.sign_in_password(&client, email, password).await;
    client
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn every_server_function_is_in_the_matrix(_pool: PgPool) {
    let registered: BTreeSet<String> =
        server_fn::axum::server_fn_paths().map(|(path, _method)| path.to_string()).collect();
    let listed: BTreeSet<String> =
        matrix(Anonymous).into_iter().map(|(path, _, _)| path.to_string()).collect();
    assert_eq!(registered, listed, "server functions and the authorization matrix differ");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn every_server_function_admits_exactly_its_roles(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool).await;
    let mut outcomes = BTreeMap::new();
    for who in [Anonymous, Gigger, Manager, Reviewer, Customer, Admin] {
        let client = client_for(&app, who).await;
        for (path, form, allowed) in matrix(who) {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let status = app.call(&client, path, &form).await.status().as_u16();
            let refused = status == 401 || status == 403;
            let expected_refusal = if who == Anonymous { 401 } else { 403 };
            if allowed.contains(&who) {
                assert!(!refused, "{who:?} should be allowed {path} but got {status}");
                assert!(status < 500, "{who:?} {path} failed with {status}");
            } else {
                assert_eq!(status, expected_refusal, "{who:?} should be refused {path}");
            }
            outcomes.insert((path, who), status);
        }
    }
    // Spot checks that allowed calls really did their work.
    assert_eq!(outcomes[&("/api/admin/create_user", Admin)], 200);
    assert_eq!(outcomes[&("/api/jobs/list", Customer)], 200);
    assert_eq!(outcomes[&("/api/gigs/feed", Gigger)], 200);
    assert_eq!(outcomes[&("/api/gigs/training", Gigger)], 200);
    assert_eq!(outcomes[&("/api/gigs/training/attempt", Gigger)], 200, "an attempt is scored");
    assert_eq!(outcomes[&("/api/jobs/save_settings", Manager)], 200);
    assert_eq!(outcomes[&("/api/jobs/save_settings", Admin)], 409, "a stale version is refused");
    assert_eq!(outcomes[&("/api/units/save", Manager)], 200);
    assert_eq!(outcomes[&("/api/jobs/detail", Customer)], 200);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn customers_see_only_their_own_organisations_jobs(pool: PgPool) {
    common::seed_demo(&pool).await;
    sqlx::query("insert into organisations (name) values ('Other Co')").execute(&pool).await.unwrap();
    sqlx::query(
        "insert into jobs (organisation_id, title, status, pay_paise, target_approved)
         select id, 'Other job', 'live', 100, 1 from organisations where name = 'Other Co'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let app = common::spawn(pool).await;
    let titles = |jobs: serde_json::Value| -> Vec<String> {
        jobs.as_array().unwrap().iter().map(|j| j["title"].as_str().unwrap().to_string()).collect()
    };
    let customer = client_for(&app, Customer).await;
    let seen: serde_json::Value = app.call(&customer, "/api/jobs/list", &[]).await.json().await.unwrap();
    assert_eq!(titles(seen), vec!["Tag shelf photos", "Verify kirana shops in Bengaluru"]);
    // The demo manager works for the demo organisation only; admins see every job.
    let manager = client_for(&app, Manager).await;
    let seen: serde_json::Value = app.call(&manager, "/api/jobs/list", &[]).await.json().await.unwrap();
    assert_eq!(titles(seen), vec!["Tag shelf photos", "Verify kirana shops in Bengaluru"]);
    let admin = client_for(&app, Admin).await;
    let seen: serde_json::Value = app.call(&admin, "/api/jobs/list", &[]).await.json().await.unwrap();
    assert_eq!(titles(seen).len(), 3);
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("gigforge_session="))
        .map(str::to_string)
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn sign_in_issues_a_new_session_id_and_sign_out_deletes_it(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool.clone()).await;
    let client = app.client();
    // An anonymous session exists once something is stored in it; sign-in must replace it.
    let (email, password) = common::demo_password("admin");
    let first = app.call(&client, "/api/auth/sign_in", &[("email", email), ("password", "wrong")]).await;
    assert_eq!(first.status(), 422);
    let signed_in = app.call(&client, "/api/auth/sign_in", &[("email", email), ("password", password)]).await;
    let cookie = session_cookie(&signed_in).expect("a session cookie at sign-in");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain-http test server must not set Secure: {cookie}");
    let sessions: i64 =
        sqlx::query_scalar("select count(*) from tower_sessions.session").fetch_one(&pool).await.unwrap();
    assert_eq!(sessions, 1);

    // Signing in again (another user on the same browser) gets another id.
    let (email2, password2) = common::demo_password("manager");
    let again = app.call(&client, "/api/auth/sign_in", &[("email", email2), ("password", password2)]).await;
    let cookie2 = session_cookie(&again).expect("a new cookie");
    assert_ne!(cookie.split(';').next(), cookie2.split(';').next());
    let who: serde_json::Value = app.call(&client, "/api/auth/current_user", &[]).await.json().await.unwrap();
    assert_eq!(who["role"], "manager");

    let out = app.call(&client, "/api/auth/sign_out", &[]).await;
    assert_eq!(out.status(), 200);
    let sessions: i64 =
        sqlx::query_scalar("select count(*) from tower_sessions.session").fetch_one(&pool).await.unwrap();
    assert_eq!(sessions, 0);
    let who: serde_json::Value = app.call(&client, "/api/auth/current_user", &[]).await.json().await.unwrap();
    assert!(who.is_null());
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_tampered_session_cookie_is_ignored(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool).await;
    let client = app.client();
    let (email, password) = common::demo_password("admin");
    let signed_in = app.call(&client, "/api/auth/sign_in", &[("email", email), ("password", password)]).await;
    let cookie = session_cookie(&signed_in).unwrap();
    let value = cookie.split(';').next().unwrap().trim_start_matches("gigforge_session=").to_string();
    let list_users = |cookie_value: String| {
        reqwest::Client::new()
            .post(app.url("/api/admin/list_users"))
            .header("cookie", format!("gigforge_session={cookie_value}"))
            .send()
    };
    // The genuine cookie works...
    assert_eq!(list_users(value.clone()).await.unwrap().status(), 200);
    // ...but a signed cookie is base64(HMAC) (44 characters) followed by the session id:
    // the real id without its signature, or with a forged one, is refused.
    let (signature, id) = value.split_at(44);
    assert_eq!(list_users(id.to_string()).await.unwrap().status(), 401);
    let mut forged = signature.as_bytes().to_vec();
    forged[0] = if forged[0] == b'A' { b'B' } else { b'A' };
    let forged = format!("{}{id}", String::from_utf8(forged).unwrap());
    assert_eq!(list_users(forged).await.unwrap().status(), 401);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn cross_origin_writes_are_refused(pool: PgPool) {
    let app = common::spawn(pool).await;
    let client = app.client();
    let post = |headers: Vec<(&'static str, String)>| {
        let mut request = client.post(app.url("/api/auth/current_user"));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    let host = app.addr.to_string();
    assert_eq!(post(vec![("origin", "http://evil.example".into())]).await.unwrap().status(), 403);
    assert_eq!(post(vec![("sec-fetch-site", "cross-site".into())]).await.unwrap().status(), 403);
    assert_eq!(post(vec![("sec-fetch-site", "same-site".into())]).await.unwrap().status(), 403);
    assert_eq!(post(vec![("origin", "null".into())]).await.unwrap().status(), 403);
    assert_eq!(post(vec![("origin", format!("http://{host}"))]).await.unwrap().status(), 200);
    assert_eq!(post(vec![("sec-fetch-site", "same-origin".into())]).await.unwrap().status(), 200);
    // Reading is not guarded: links from other sites must work.
    let get = client.get(app.url("/")).header("sec-fetch-site", "cross-site").send().await.unwrap();
    assert_eq!(get.status(), 200);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn health_readiness_and_not_found(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let client = app.client();
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!((health.status().as_u16(), health.text().await.unwrap()), (200, "ok".to_string()));
    assert_eq!(client.get(app.url("/readyz")).send().await.unwrap().status(), 200);
    let missing = client.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Page not found"));
    pool.close().await;
    let unready = client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(unready.status(), 503);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn pages_are_compressed_and_tiny_answers_are_not(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool).await;
    let client = app.client();
    let get = |path: &'static str| client.get(app.url(path)).header("accept-encoding", "br, gzip").send();
    let page = get("/signin").await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("br"));
    let compressed = page.bytes().await.unwrap();
    let plain = client.get(app.url("/signin")).send().await.unwrap().bytes().await.unwrap();
    assert!(
        plain.len() > 1024 && compressed.len() < plain.len() / 2,
        "{} -> {}",
        plain.len(),
        compressed.len()
    );
    // Under 1 KB (here the gigger's own profile): sent as it is, whatever the client accepts.
    let small = client_for(&app, Gigger)
        .await
        .post(app.url("/api/gigs/profile"))
        .header("accept-encoding", "br, gzip")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), 200);
    assert_eq!(small.headers().get("content-encoding"), None);
    let body = small.text().await.unwrap();
    assert!((33..1024).contains(&body.len()), "{body}");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn pages_answer_with_the_status_of_their_refusal(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool).await;
    let anonymous = app.client();
    assert_eq!(anonymous.get(app.url("/manage")).send().await.unwrap().status(), 401);
    let gigger = client_for(&app, Gigger).await;
    let page = gigger.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(page.status(), 403);
    assert!(page.text().await.unwrap().contains("You do not have access to this page."));
    let gigs = gigger.get(app.url("/gigs")).send().await.unwrap();
    assert_eq!(gigs.status(), 200);
    assert!(gigs.text().await.unwrap().contains("Verify kirana shops in Bengaluru"));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_form_posted_without_javascript_returns_to_the_form_with_its_error(pool: PgPool) {
    let app = common::spawn(pool).await;
    let browser = app.client();
    let response = browser
        .post(app.url("/api/auth/request_otp"))
        .header("accept", "text/html")
        .header("referer", app.url("/signin?from=home"))
        .form(&[("phone", "12345")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    // Back to the form's page; the message is not in the URL (nobody can forge one there).
    assert_eq!(response.headers()["location"], "/signin?from=home");
    let page = browser.get(app.url("/signin?from=home")).send().await.unwrap().text().await.unwrap();
    // Rendered into the field's message element (not only serialised for hydration).
    assert!(
        page.contains(r#"class="field-error">Enter a 10-digit Indian mobile number"#),
        "the error is shown under its field"
    );
    let again = browser.get(app.url("/signin")).send().await.unwrap().text().await.unwrap();
    assert!(!again.contains("Enter a 10-digit Indian mobile number"), "and only once");
    // A Referer from another site is never followed.
    let foreign = browser
        .post(app.url("/api/auth/request_otp"))
        .header("accept", "text/html")
        .header("referer", "https://evil.example//evil.example/")
        .form(&[("phone", "12345")])
        .send()
        .await
        .unwrap();
    assert_ne!(foreign.headers().get("location").map(|l| l.to_str().unwrap()), Some("//evil.example/"));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn changing_the_password_ends_the_users_other_sessions(pool: PgPool) {
    common::seed_demo(&pool).await;
    let app = common::spawn(pool).await;
    let (email, password) = common::demo_password("manager");
    let laptop = app.client();
    let phone = app.client();
    app.sign_in_password(&laptop, email, password).await;
    app.sign_in_password(&phone, email, password).await;
    assert_eq!(app.call(&phone, "/api/jobs/list", &[]).await.status(), 200);
    let new_password = "another long passphrase";
    let changed = app
        .call(
            &laptop,
            "/api/auth/change_password",
            &[
                ("current_password", password),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap());
    assert_eq!(app.call(&laptop, "/api/jobs/list", &[]).await.status(), 200, "the changing session stays");
    assert_eq!(app.call(&phone, "/api/jobs/list", &[]).await.status(), 401, "the other session ends");
}
