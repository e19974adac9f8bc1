//! Test helpers: the real router on a real port against a fresh database (one per test,
//! made by `#[sqlx::test]`), with codes going to a file sink as in the browser tests.
#![allow(dead_code)] // each test binary uses a different part of this module

pub mod pipeline;

use app::accounts::server::otp_sender::FileOtpSender;
use app::state::{AppState, AuthLimits, Secrets, SettableClock};
use server::router::{self, HttpSettings};
use sqlx::PgPool;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub struct TestApp {
    pub addr: SocketAddr,
    pub pool: PgPool,
    pub state: AppState,
    pub clock: Arc<SettableClock>,
    pub otp_file: PathBuf,
    _dir: TempDir,
}

/// A directory removed when the test ends.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        use rand::Rng;
        let dir =
            std::env::temp_dir().join(format!("gigforge-test-{:016x}", rand::thread_rng().gen::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// App state for calling server logic directly, without HTTP.
pub fn state(pool: PgPool) -> (AppState, Arc<SettableClock>, TempDir) {
    let dir = TempDir::new();
    let clock = Arc::new(SettableClock::new(chrono::Utc::now()));
    let state = AppState {
        pool,
        leptos_options: server::state::leptos_options("target/site", "127.0.0.1:0".parse().unwrap()),
        otp_sender: Arc::new(FileOtpSender::new(dir.0.join("otp.jsonl"))),
        clock: clock.clone(),
        secrets: Arc::new(Secrets { otp_pepper: b"test pepper".to_vec() }),
        limits: AuthLimits::default(),
        gig_limits: Default::default(),
        photo_store: Arc::new(app::photos::storage::LocalDirStore::new(dir.0.join("photos"))),
    };
    (state, clock, dir)
}

pub async fn spawn(pool: PgPool) -> TestApp {
    let (state, clock, dir) = self::state(pool.clone());
    let settings = HttpSettings {
        cookie_key: tower_sessions::cookie::Key::from(&[7u8; 64]),
        secure_cookies: false,
        trust_forwarded_for: false,
    };
    let app = router::build(state.clone(), settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    let otp_file = dir.0.join("otp.jsonl");
    TestApp { addr, pool, state, clock, otp_file, _dir: dir }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Calls a server function the way the browser's WASM does (form-encoded POST).
    pub async fn call(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client.post(self.url(path)).form(form).send().await.unwrap()
    }

    /// The newest code the file sink holds for `phone` (E.164).
    pub fn latest_code(&self, phone: &str) -> Option<String> {
        latest_code_in(&self.otp_file, phone)
    }

    /// Signs a client in as a gigger through the real OTP endpoints.
    pub async fn sign_in_gigger(&self, client: &reqwest::Client, phone: &str) {
        let sent = self.call(client, "/api/auth/request_otp", &[("phone", phone)]).await;
        assert_eq!(sent.status(), 200, "{}", sent.text().await.unwrap());
        let e164 = app::accounts::Phone::parse(phone).unwrap();
        let code = self.latest_code(e164.as_str()).expect("a code in the sink");
        let verified = self.call(client, "/api/auth/verify_otp", &[("phone", phone), ("code", &code)]).await;
        assert_eq!(verified.status(), 200, "{}", verified.text().await.unwrap());
    }

    /// Signs a client in with email and password.
    pub async fn sign_in_password(&self, client: &reqwest::Client, email: &str, password: &str) {
        let response =
            self.call(client, "/api/auth/sign_in", &[("email", email), ("password", password)]).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
}

pub fn latest_code_in(file: &std::path::Path, phone: &str) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines()
        .rev()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|entry| entry["phone"] == phone)
        .find_map(|entry| entry["code"].as_str().map(str::to_string))
}

/// The demo users (known passwords) for tests that need every role.
pub async fn seed_demo(pool: &PgPool) {
    server::seed::load(pool).await.unwrap();
}

pub fn demo_password(role: &str) -> (&'static str, &'static str) {
    let login = server::seed::DEMO_LOGINS.iter().find(|l| l.role == role).unwrap();
    (login.sign_in, login.password.unwrap())
}

/// A client signed in as the demo user of `role` (`manager`, `customer`, `admin`, ...).
pub async fn signed_in(app: &TestApp, role: &str) -> reqwest::Client {
    let client = app.client();
    let (email, password) = demo_password(role);
    app.sign_in_password(&client, email, password).await;
    client
}

/// A second customer organisation with a manager who works for it alone; returns the
/// organisation's id and a client signed in as that manager.
pub async fn other_organisation_manager(
    app: &TestApp,
    organisation: &str,
    email: &str,
) -> (i64, reqwest::Client) {
    let password = "other manager passphrase";
    let organisation_id: i64 =
        sqlx::query_scalar("insert into organisations (name) values ($1) returning id")
            .bind(organisation)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let hash = app::accounts::server::passwords::hash(password).await.unwrap();
    let user_id: i64 = sqlx::query_scalar(
        "insert into users (role, email, display_name, password_hash) values ('manager', $1, 'Other Manager', $2)
         returning id",
    )
    .bind(email)
    .bind(hash)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("insert into organisation_managers (organisation_id, user_id) values ($1, $2)")
        .bind(organisation_id)
        .bind(user_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let client = app.client();
    app.sign_in_password(&client, email, password).await;
    (organisation_id, client)
}

impl TestApp {
    /// Like `call`, with owned field names and values.
    pub async fn call_owned(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(String, String)],
    ) -> reqwest::Response {
        client.post(self.url(path)).form(form).send().await.unwrap()
    }
}

/// A response's status and its body as JSON (`null` when the body is not JSON).
pub async fn status_json(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
}
