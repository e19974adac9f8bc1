//! Command line and environment. Every setting has a flag and an environment variable;
//! defaults run locally. Secrets are hidden from `--help` and never printed.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "gigforge", version, about = "Gigforge: the gig-work platform")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the web app and API (the default).
    Serve(Box<ServeArgs>),
    /// Run pipeline stage workers only (no web server), for scaling out. `serve` already
    /// runs every stage; run this on more machines or processes as the queues need.
    Worker {
        /// A stage to run: qc, ledger or expiry. Repeat for several.
        #[arg(long = "stage", required = true)]
        stages: Vec<String>,
        /// How long a claimed task is held; a worker that dies delays its tasks this long.
        #[arg(long, env = "WORKER_LEASE_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
        lease_seconds: u64,
        #[command(flatten)]
        settings: Box<ServeArgs>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Create an admin account with a temporary password (for a new installation).
    CreateAdmin {
        /// The admin's email address (their sign-in).
        #[arg(long)]
        email: String,
        /// The name shown for them.
        #[arg(long)]
        name: String,
    },
    /// Load the centres of Indian pincodes from a post-office directory CSV (columns
    /// pincode, latitude, longitude; optionally district), e.g. India Post's "All India
    /// Pincode Directory" from data.gov.in. Used for giggers who share no location.
    ImportPincodes {
        /// The CSV file.
        file: PathBuf,
    },
    /// Load the demo data (users, an organisation, a live job with 50 units).
    Seed {
        /// Do nothing when the database already has users.
        #[arg(long)]
        if_empty: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// No Debug: it would print the database password.
#[derive(Clone, Args)]
pub struct DatabaseArgs {
    /// PostgreSQL connection URL, e.g. postgres://user:password@127.0.0.1:5432/gigforge
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,
}

/// No Debug: it would print the session secret and the gateway token.
#[derive(Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on. Keep 127.0.0.1 behind a reverse proxy.
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on.
    #[arg(long, env = "PORT", default_value_t = 3000)]
    pub port: u16,
    /// Directory for files the server keeps (the generated session secret, uploads).
    #[arg(long, env = "DATA_DIR", default_value = ".data")]
    pub data_dir: PathBuf,
    /// Directory for submission photos (default: DATA_DIR/photos), unless S3_BUCKET is set.
    #[arg(long, env = "PHOTO_DIR")]
    pub photo_dir: Option<PathBuf>,
    /// Keep submission photos in this S3-compatible bucket instead of a directory.
    #[arg(long, env = "S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// The S3 endpoint for non-AWS storage (MinIO, R2...), e.g. https://minio.internal:9000
    #[arg(long, env = "S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    #[arg(long, env = "S3_REGION", default_value = "ap-south-1")]
    pub s3_region: String,
    #[arg(long, env = "S3_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,
    #[arg(long, env = "S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// Secret (32+ characters) for signing session cookies and peppering sign-in codes.
    /// When unset, one is generated once and kept in DATA_DIR/session-secret.
    #[arg(long, env = "SESSION_SECRET", hide_env_values = true)]
    pub session_secret: Option<String>,
    /// The site built by cargo-leptos (WASM, JS, CSS and public files).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Where sign-in codes go: `log` (development), `file:PATH` (tests) or `http` (SMS gateway).
    #[arg(long, env = "OTP_SINK", default_value = "log")]
    pub otp_sink: String,
    /// SMS gateway endpoint for OTP_SINK=http.
    #[arg(long, env = "SMS_GATEWAY_URL")]
    pub sms_gateway_url: Option<String>,
    /// Bearer token for the SMS gateway.
    #[arg(long, env = "SMS_GATEWAY_TOKEN", hide_env_values = true)]
    pub sms_gateway_token: Option<String>,
    /// The URL people use to reach Gigforge; https:// turns on Secure cookies.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Take the client address from X-Forwarded-For (only behind a trusted proxy).
    #[arg(long, env = "TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,
}

impl Default for ServeArgs {
    fn default() -> Self {
        // The same defaults as the flags, for `gigforge` with no subcommand.
        ServeArgs::parse_from_env()
    }
}

impl ServeArgs {
    fn parse_from_env() -> ServeArgs {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            serve: ServeArgs,
        }
        Only::parse_from(["gigforge"]).serve
    }

    /// Codes printed to the log are for development; a server reached over https is not.
    pub fn check_otp_sink_for_production(&self) -> Result<(), String> {
        if self.otp_sink == "log" && self.secure_cookies() {
            return Err("OTP_SINK=log prints sign-in codes to the log and is for development only; \
                 with an https PUBLIC_URL set OTP_SINK=http (and SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN)"
                .to_string());
        }
        Ok(())
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|url| url.starts_with("https://"))
    }
}

/// A secret string that never shows up in Debug output or logs.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}
