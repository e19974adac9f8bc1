//! Builds the application state from configuration: secrets, the OTP sender, Leptos options.

use crate::config::{Secret, ServeArgs};
use crate::StartupError;
use app::state::{AppState, AuthLimits, Secrets, SystemClock};
use leptos::config::{Env, LeptosOptions};
use sha2::{Digest, Sha256, Sha512};
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const MIN_SECRET_CHARS: usize = 32;

/// The session secret from config, or the one kept in `data_dir` (made on first run).
pub fn session_secret(args: &ServeArgs) -> Result<Secret, StartupError> {
    if let Some(secret) = &args.session_secret {
        if secret.chars().count() < MIN_SECRET_CHARS {
            return Err(StartupError(format!(
                "SESSION_SECRET must be at least {MIN_SECRET_CHARS} characters"
            )));
        }
        return Ok(Secret::new(secret.clone()));
    }
    let path = args.data_dir.join("session-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_string();
        if existing.len() >= MIN_SECRET_CHARS {
            return Ok(Secret::new(existing));
        }
    }
    let fresh = {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    };
    write_private(&path, &fresh)
        .map_err(|e| StartupError(format!("cannot write the session secret to {}: {e}", path.display())))?;
    tracing::info!(path = %path.display(), "generated a new session secret");
    Ok(Secret::new(fresh))
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file =
        std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(contents.as_bytes())
}

/// 64 bytes for the cookie-signing key, derived so that it differs from the OTP pepper.
pub fn cookie_key(secret: &Secret) -> tower_sessions::cookie::Key {
    let digest =
        Sha512::new().chain_update(b"gigforge session cookie\0").chain_update(secret.expose()).finalize();
    tower_sessions::cookie::Key::from(&digest)
}

fn otp_pepper(secret: &Secret) -> Vec<u8> {
    Sha256::new().chain_update(b"gigforge otp pepper\0").chain_update(secret.expose()).finalize().to_vec()
}

/// Leptos settings. Hashed file names are used when cargo-leptos left a `hash.txt`
/// next to the binary (release builds); plain names otherwise (tests, plain cargo).
pub fn leptos_options(site_root: &str, addr: std::net::SocketAddr) -> LeptosOptions {
    let hash_file_present = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|path: PathBuf| path.exists());
    LeptosOptions::builder()
        .output_name("gigforge")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .env(Env::PROD)
        .site_addr(addr)
        .hash_files(hash_file_present)
        .build()
}

pub fn app_state(pool: PgPool, args: &ServeArgs, secret: &Secret) -> Result<AppState, StartupError> {
    args.check_otp_sink_for_production().map_err(StartupError)?;
    let otp_sender = app::accounts::server::otp_sender::from_config(
        &args.otp_sink,
        args.sms_gateway_url.clone(),
        args.sms_gateway_token.clone(),
    )
    .map_err(StartupError)?;
    tracing::info!(sink = %otp_sender.describe(), "sign-in codes");
    let addr = format!("{}:{}", args.host, args.port)
        .parse()
        .map_err(|e| StartupError(format!("HOST and PORT do not form an address: {e}")))?;
    Ok(AppState {
        pool,
        leptos_options: leptos_options(&args.site_root, addr),
        otp_sender,
        clock: Arc::new(SystemClock),
        secrets: Arc::new(Secrets { otp_pepper: otp_pepper(secret) }),
        limits: AuthLimits::default(),
        gig_limits: Default::default(),
        photo_store: photo_store(args)?,
    })
}

/// Photos go to the S3 bucket when S3_BUCKET is set, else to DATA_DIR/photos (or PHOTO_DIR).
fn photo_store(args: &ServeArgs) -> Result<Arc<dyn app::photos::storage::PhotoStore>, StartupError> {
    if let Some(bucket) = &args.s3_bucket {
        let (Some(key_id), Some(secret)) = (&args.s3_access_key_id, &args.s3_secret_access_key) else {
            return Err(StartupError("S3_BUCKET needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY".into()));
        };
        let store = app::photos::storage::S3Store::new(
            bucket,
            args.s3_endpoint.as_deref(),
            &args.s3_region,
            key_id,
            secret,
        )
        .map_err(|e| StartupError(format!("the S3 photo store cannot be set up: {e}")))?;
        tracing::info!(bucket = %bucket, "photos go to S3-compatible storage");
        return Ok(Arc::new(store));
    }
    let dir = args.photo_dir.clone().unwrap_or_else(|| args.data_dir.join("photos"));
    std::fs::create_dir_all(&dir)
        .map_err(|e| StartupError(format!("cannot create the photo directory {}: {e}", dir.display())))?;
    Ok(Arc::new(app::photos::storage::LocalDirStore::new(dir)))
}
