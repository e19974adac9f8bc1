//! The HTTP OTP sender against a real (local) HTTP server standing in for the gateway.

use app::accounts::server::otp_sender::{from_config, OtpSender};
use app::accounts::Phone;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use std::sync::{Arc, Mutex};

type Seen = Arc<Mutex<Vec<(Option<String>, serde_json::Value)>>>;

async fn gateway(status: StatusCode) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let app =
        Router::new()
            .route(
                "/send",
                post(
                    move |State(seen): State<Seen>,
                          headers: HeaderMap,
                          Json(body): Json<serde_json::Value>| async move {
                        let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
                        seen.lock().unwrap().push((auth, body));
                        status
                    },
                ),
            )
            .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test]
async fn the_http_sender_posts_the_code_with_the_token() {
    let (url, seen) = gateway(StatusCode::OK).await;
    let sender = from_config("http", Some(url), Some("s3cret-token".into())).unwrap();
    sender.send(&Phone::parse("9876543210").unwrap(), "123456").await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0.as_deref(), Some("Bearer s3cret-token"));
    assert_eq!(seen[0].1["to"], "+919876543210");
    assert_eq!(seen[0].1["code"], "123456");
    assert!(seen[0].1["message"].as_str().unwrap().starts_with("123456 is your Gigforge sign-in code"));
}

#[tokio::test]
async fn a_failing_gateway_is_an_error_without_the_token() {
    let (url, _seen) = gateway(StatusCode::BAD_GATEWAY).await;
    let sender: Arc<dyn OtpSender> = from_config("http", Some(url), Some("s3cret-token".into())).unwrap();
    let err = sender.send(&Phone::parse("9876543210").unwrap(), "123456").await.unwrap_err();
    assert!(err.to_string().contains("502"), "{err}");
    assert!(!err.to_string().contains("s3cret"), "{err}");
}

#[test]
fn the_sink_setting_is_checked() {
    assert!(from_config("log", None, None).is_ok());
    assert!(from_config("file:/tmp/x.jsonl", None, None).is_ok());
    assert_eq!(
        from_config("http", None, None).err().unwrap(),
        "OTP_SINK=http needs SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN"
    );
    assert!(from_config("file:", None, None).is_err());
    assert!(from_config("sms", None, None).is_err());
}
