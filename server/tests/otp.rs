//! One-time codes against a real database: single use, expiry, tries, rate limits.

mod common;

use app::accounts::server::otp;
use app::accounts::{OtpCode, Phone};
use app::error::AppError;
use chrono::Duration;
use sqlx::PgPool;

fn phone() -> Phone {
    Phone::parse("98765 43210").unwrap()
}

fn code(text: &str) -> OtpCode {
    OtpCode::parse(text).unwrap()
}

fn wrong(right: &str) -> OtpCode {
    code(if right == "000000" { "111111" } else { "000000" })
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_code_signs_in_once_and_creates_the_gigger(pool: PgPool) {
    let (state, _clock, dir) = common::state(pool.clone());
    otp::issue(&state, &phone(), "10.0.0.1").await.unwrap();
    let sent = common::latest_code_in(&dir.0.join("otp.jsonl"), "+919876543210").unwrap();

    let user_id = otp::verify(&state, &phone(), &code(&sent)).await.unwrap();
    let (role, stored_phone): (String, String) =
        sqlx::query_as("select role, phone from users where id = $1")
            .bind(user_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((role.as_str(), stored_phone.as_str()), ("gigger", "+919876543210"));

    let again = otp::verify(&state, &phone(), &code(&sent)).await.unwrap_err();
    assert_eq!(
        again.for_field("code").unwrap(),
        "This code has expired or was already used. Ask for a new code."
    );

    // Signing in again later finds the same account.
    otp::issue(&state, &phone(), "10.0.0.1").await.unwrap();
    let second = common::latest_code_in(&dir.0.join("otp.jsonl"), "+919876543210").unwrap();
    assert_eq!(otp::verify(&state, &phone(), &code(&second)).await.unwrap(), user_id);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_code_is_stored_only_as_a_hash(pool: PgPool) {
    let (state, _clock, dir) = common::state(pool.clone());
    otp::issue(&state, &phone(), "10.0.0.1").await.unwrap();
    let sent = common::latest_code_in(&dir.0.join("otp.jsonl"), "+919876543210").unwrap();
    let row: serde_json::Value =
        sqlx::query_scalar("select to_jsonb(c) from otp_codes c").fetch_one(&pool).await.unwrap();
    assert!(!row.to_string().contains(&sent), "the plain code is in the row: {row}");
    assert_eq!(row["code_hash"].as_str().unwrap().len(), 64);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_code_expires_after_ten_minutes(pool: PgPool) {
    let (state, clock, dir) = common::state(pool);
    otp::issue(&state, &phone(), "10.0.0.1").await.unwrap();
    let sent = common::latest_code_in(&dir.0.join("otp.jsonl"), "+919876543210").unwrap();
    clock.advance(Duration::minutes(10));
    let err = otp::verify(&state, &phone(), &code(&sent)).await.unwrap_err();
    assert!(err.for_field("code").unwrap().contains("expired"), "{err:?}");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn five_wrong_tries_spend_the_code(pool: PgPool) {
    let (state, _clock, dir) = common::state(pool);
    otp::issue(&state, &phone(), "10.0.0.1").await.unwrap();
    let sent = common::latest_code_in(&dir.0.join("otp.jsonl"), "+919876543210").unwrap();
    let mut messages = Vec::new();
    for _ in 0..5 {
        let err = otp::verify(&state, &phone(), &wrong(&sent)).await.unwrap_err();
        messages.push(err.for_field("code").unwrap());
    }
    assert_eq!(messages[0], "That code is not right. 4 tries left.");
    assert_eq!(messages[3], "That code is not right. 1 try left.");
    assert!(messages[4].contains("last try"));
    let sixth = otp::verify(&state, &phone(), &code(&sent)).await.unwrap_err();
    assert!(matches!(sixth, AppError::TooManyRequests(_)), "{sixth:?}");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_new_code_replaces_the_previous_one(pool: PgPool) {
    let (state, _clock, dir) = common::state(pool);
    otp::issue(&state, &phone(), "10.0.0.1").await.unwrap();
    let first = common::latest_code_in(&dir.0.join("otp.jsonl"), "+919876543210").unwrap();
    otp::issue(&state, &phone(), "10.0.0.1").await.unwrap();
    let second = common::latest_code_in(&dir.0.join("otp.jsonl"), "+919876543210").unwrap();
    if first != second {
        assert!(otp::verify(&state, &phone(), &code(&first)).await.is_err());
    }
    assert!(otp::verify(&state, &phone(), &code(&second)).await.is_ok());
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn five_codes_per_phone_per_hour(pool: PgPool) {
    let (state, clock, _dir) = common::state(pool);
    for n in 0..5 {
        otp::issue(&state, &phone(), &format!("10.0.0.{n}")).await.unwrap();
        clock.advance(Duration::minutes(1));
    }
    let sixth = otp::issue(&state, &phone(), "10.0.0.9").await.unwrap_err();
    assert_eq!(sixth.status_code(), 429);
    assert_eq!(sixth.text(false), "You have asked for 5 codes in the last hour. Try again in 55 minutes.");
    assert_eq!(sixth.text(true), "आपने पिछले एक घंटे में 5 कोड माँगे हैं। 55 मिनट बाद फिर कोशिश करें।");
    // Another phone is not affected; and once the first code leaves the hour, one more is allowed.
    otp::issue(&state, &Phone::parse("9876500000").unwrap(), "10.0.0.9").await.unwrap();
    clock.advance(Duration::minutes(56));
    otp::issue(&state, &phone(), "10.0.0.9").await.unwrap();
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn codes_per_ip_are_limited(pool: PgPool) {
    let (state, _clock, _dir) = common::state(pool);
    let limit = state.limits.otp_codes_per_ip_per_hour;
    for n in 0..limit {
        let phone = Phone::parse(&format!("98{n:08}")).unwrap();
        otp::issue(&state, &phone, "203.0.113.7").await.unwrap();
    }
    let err = otp::issue(&state, &Phone::parse("9999999999").unwrap(), "203.0.113.7").await.unwrap_err();
    assert!(matches!(err, AppError::TooManyRequests(ref m) if m.en.contains("this network")), "{err:?}");
    otp::issue(&state, &Phone::parse("9999999999").unwrap(), "203.0.113.8").await.unwrap();
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn concurrent_requests_cannot_exceed_the_phone_limit(pool: PgPool) {
    let (state, _clock, _dir) = common::state(pool.clone());
    let tasks: Vec<_> = (0..12)
        .map(|n| {
            let state = state.clone();
            tokio::spawn(async move { otp::issue(&state, &phone(), &format!("10.1.0.{n}")).await })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        if task.await.unwrap().is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 5);
    let stored: i64 = sqlx::query_scalar("select count(*) from otp_codes").fetch_one(&pool).await.unwrap();
    assert_eq!(stored, 5);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn disabled_giggers_cannot_sign_in(pool: PgPool) {
    let (state, _clock, dir) = common::state(pool.clone());
    sqlx::query("insert into users (role, phone, disabled_at) values ('gigger', '+919876543210', now())")
        .execute(&pool)
        .await
        .unwrap();
    otp::issue(&state, &phone(), "10.0.0.1").await.unwrap();
    let sent = common::latest_code_in(&dir.0.join("otp.jsonl"), "+919876543210").unwrap();
    assert_eq!(otp::verify(&state, &phone(), &code(&sent)).await.unwrap_err(), AppError::Forbidden);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_code_that_could_not_be_sent_is_not_kept(pool: PgPool) {
    let (mut state, _clock, _dir) = common::state(pool.clone());
    // A gateway address where nothing listens.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    state.otp_sender = app::accounts::server::otp_sender::from_config(
        "http",
        Some(format!("http://{closed}/send")),
        Some("token".into()),
    )
    .unwrap();
    let err = otp::issue(&state, &phone(), "10.0.0.1").await.unwrap_err();
    assert!(matches!(err, AppError::Unavailable(_)), "{err:?}");
    let stored: i64 = sqlx::query_scalar("select count(*) from otp_codes").fetch_one(&pool).await.unwrap();
    assert_eq!(stored, 0, "a failed SMS must not count against the phone's limit");
}

/// A session lives 30 days after its last use, not after sign-in: the first request of a
/// new day saves it with a new expiry; later requests that day write nothing.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn an_active_session_is_kept_alive_once_a_day(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let client = app.client();
    app.sign_in_gigger(&client, "9876500011").await;
    let expiry = || async {
        sqlx::query_scalar::<_, chrono::DateTime<chrono::Utc>>(
            "select expiry_date from tower_sessions.session",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let me = || async { app.call(&client, "/api/gigs/profile", &[]).await.status() };
    let signed_in = expiry().await;

    assert_eq!(me().await, 200);
    assert_eq!(expiry().await, signed_in, "the same day: the session is not written again");

    app.clock.advance(chrono::Duration::days(1));
    assert_eq!(me().await, 200);
    let next_day = expiry().await;
    assert!(next_day > signed_in, "a new day's first request pushes the expiry on");
    assert_eq!(me().await, 200);
    assert_eq!(expiry().await, next_day);

    // The save after a load keeps the user's id beside the data (the next load reads the
    // account with it) and never the account the load read into the record.
    let (user_id, holds_account): (Option<i64>, bool) = sqlx::query_as(
        "select s.user_id, position('__account_at_load'::bytea in s.data) > 0 from tower_sessions.session s",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let gigger: i64 = sqlx::query_scalar("select id from users where phone = '+919876500011'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(user_id, Some(gigger));
    assert!(!holds_account, "the account read at load is never stored");
}

/// The account is read with the session (one query): disabling it ends its sessions at
/// their next request, as a read of its own did.
#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_disabled_account_is_signed_out_at_its_next_request(pool: PgPool) {
    let app = common::spawn(pool.clone()).await;
    let client = app.client();
    app.sign_in_gigger(&client, "9876500012").await;
    assert_eq!(app.call(&client, "/api/gigs/profile", &[]).await.status(), 200);
    sqlx::query("update users set disabled_at = now() where phone = '+919876500012'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(app.call(&client, "/api/gigs/profile", &[]).await.status(), 401);
    let sessions: i64 =
        sqlx::query_scalar("select count(*) from tower_sessions.session").fetch_one(&pool).await.unwrap();
    assert_eq!(sessions, 0, "the ended session is deleted");
}
