//! How one-time codes leave the building. Three senders, chosen by `OTP_SINK`:
//! `log` (development only: the code is written to the server log, loudly marked),
//! `file:PATH` (tests: one JSON line per code, read by the browser tests), and
//! `http` (a real SMS gateway: JSON POST with a bearer token).

use crate::accounts::Phone;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Debug, thiserror::Error)]
#[error("could not send the code: {0}")]
pub struct SendError(pub String);

#[async_trait::async_trait]
pub trait OtpSender: Send + Sync {
    async fn send(&self, phone: &Phone, code: &str) -> Result<(), SendError>;
    /// A short name for start-up logs.
    fn describe(&self) -> String;
}

/// Development only: prints the code to the log so a developer can sign in.
pub struct LogOtpSender;

#[async_trait::async_trait]
impl OtpSender for LogOtpSender {
    async fn send(&self, phone: &Phone, code: &str) -> Result<(), SendError> {
        tracing::warn!(
            phone = %phone,
            code = %code,
            "DEVELOPMENT OTP SENDER: no SMS was sent; this code is only in the log. \
             Set OTP_SINK=http with SMS_GATEWAY_URL for real delivery."
        );
        Ok(())
    }

    fn describe(&self) -> String {
        "log (DEVELOPMENT ONLY: codes are printed to the server log)".to_string()
    }
}

/// Tests: appends `{"phone": "+91…", "code": "123456"}` lines to a file.
pub struct FileOtpSender {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileOtpSender {
    pub fn new(path: PathBuf) -> Self {
        FileOtpSender { path, lock: Mutex::new(()) }
    }
}

#[async_trait::async_trait]
impl OtpSender for FileOtpSender {
    async fn send(&self, phone: &Phone, code: &str) -> Result<(), SendError> {
        let line = serde_json::json!({ "phone": phone.as_str(), "code": code }).to_string();
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| SendError(format!("{}: {e}", self.path.display())))?;
        writeln!(file, "{line}").map_err(|e| SendError(e.to_string()))
    }

    fn describe(&self) -> String {
        format!("file sink {} (tests only)", self.path.display())
    }
}

/// A real SMS gateway: `POST url` with `Authorization: Bearer token` and the body
/// `{"to": "+91…", "message": "…", "template": "otp", "code": "123456"}`.
pub struct HttpOtpSender {
    client: reqwest::Client,
    url: String,
    token: String,
}

impl HttpOtpSender {
    pub fn new(url: String, token: String) -> Self {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("a TLS client with default settings always builds");
        HttpOtpSender { client, url, token }
    }
}

#[async_trait::async_trait]
impl OtpSender for HttpOtpSender {
    async fn send(&self, phone: &Phone, code: &str) -> Result<(), SendError> {
        let message =
            format!("{code} is your Gigforge sign-in code. It expires in 10 minutes. Never share it.");
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(&serde_json::json!({
                "to": phone.as_str(), "message": message, "template": "otp", "code": code,
            }))
            .send()
            .await
            // reqwest's error text names the URL but never the body or token.
            .map_err(|e| SendError(e.without_url().to_string()))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(SendError(format!("SMS gateway answered {}", response.status())))
        }
    }

    fn describe(&self) -> String {
        "http SMS gateway".to_string()
    }
}

/// Parses `OTP_SINK`: `log`, `file:PATH` or `http` (with the gateway's URL and token).
pub fn from_config(
    sink: &str,
    gateway_url: Option<String>,
    gateway_token: Option<String>,
) -> Result<std::sync::Arc<dyn OtpSender>, String> {
    match sink {
        "log" => Ok(std::sync::Arc::new(LogOtpSender)),
        "http" => match (gateway_url, gateway_token) {
            (Some(url), Some(token)) if !url.is_empty() && !token.is_empty() => {
                Ok(std::sync::Arc::new(HttpOtpSender::new(url, token)))
            }
            _ => Err("OTP_SINK=http needs SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN".to_string()),
        },
        other => match other.strip_prefix("file:") {
            Some(path) if !path.is_empty() => {
                Ok(std::sync::Arc::new(FileOtpSender::new(PathBuf::from(path))))
            }
            _ => Err(format!("OTP_SINK must be log, file:PATH or http, not {other:?}")),
        },
    }
}
