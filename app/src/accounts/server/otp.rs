//! One-time sign-in codes for giggers. A code is 6 random digits, stored only as an
//! HMAC (peppered with a server secret), valid for 10 minutes, single use, and dead
//! after 5 wrong tries; a new code replaces the previous one. Issuing is limited per
//! phone and per IP with row locks, so the limits hold across any number of processes.

use super::{audit, throttle, users};
use crate::accounts::{OtpCode, Phone};
use crate::error::{server::internal, AppError, Message};
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn code_mac(pepper: &[u8], phone: &Phone, code: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(pepper).expect("HMAC takes keys of any length");
    mac.update(phone.as_str().as_bytes());
    mac.update(b":");
    mac.update(code.as_bytes());
    mac
}

fn new_code() -> String {
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

/// Minutes until the oldest code in the last hour leaves the window.
fn minutes_until_window_frees(oldest: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let frees_at = oldest + Duration::hours(1);
    ((frees_at - now).num_seconds() + 59).div_euclid(60).max(1)
}

/// Creates a code for `phone` and sends it. Refuses when the phone or the IP (IPv6: its
/// /64) has asked for too many codes in the last hour. The code is stored first (under
/// short row locks), then sent with no transaction open; if sending fails the code is
/// deleted again, so a failed SMS does not count against the gigger.
pub async fn issue(state: &AppState, phone: &Phone, client_ip: &str) -> Result<(), AppError> {
    let now = state.clock.now();
    let limits = state.limits;
    let window_start = now - Duration::hours(1);
    let client_ip = throttle::ip_key(client_ip);
    let client_ip = client_ip.as_str();
    let mut tx = state.pool.begin().await?;
    throttle::lock_keys(&mut tx, &[format!("ip:{client_ip}"), format!("phone:{phone}")]).await?;

    let (phone_count, oldest): (i64, Option<DateTime<Utc>>) = sqlx::query_as(
        "select count(*), min(created_at) from otp_codes where phone = $1 and created_at > $2",
    )
    .bind(phone.as_str())
    .bind(window_start)
    .fetch_one(&mut *tx)
    .await?;
    if phone_count >= limits.otp_codes_per_phone_per_hour {
        let wait = minutes_until_window_frees(oldest.unwrap_or(now), now);
        return Err(AppError::TooManyRequests(Message::both(
            format!("You have asked for {phone_count} codes in the last hour. Try again in {wait} minutes."),
            format!("आपने पिछले एक घंटे में {phone_count} कोड माँगे हैं। {wait} मिनट बाद फिर कोशिश करें।"),
        )));
    }
    let (ip_count,): (i64,) =
        sqlx::query_as("select count(*) from otp_codes where requested_ip = $1 and created_at > $2")
            .bind(client_ip)
            .bind(window_start)
            .fetch_one(&mut *tx)
            .await?;
    if ip_count >= limits.otp_codes_per_ip_per_hour {
        return Err(AppError::TooManyRequests(Message::both(
            "Too many codes were asked for from this network. Try again in an hour.",
            "इस नेटवर्क से बहुत ज़्यादा कोड माँगे गए हैं। एक घंटे बाद फिर कोशिश करें।",
        )));
    }

    let code = new_code();
    let code_hash = hex::encode(code_mac(&state.secrets.otp_pepper, phone, &code).finalize().into_bytes());
    let (code_id,): (i64,) = sqlx::query_as(
        "insert into otp_codes (phone, code_hash, requested_ip, created_at, expires_at)
         values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(phone.as_str())
    .bind(code_hash)
    .bind(client_ip)
    .bind(now)
    .bind(now + Duration::minutes(limits.otp_valid_minutes))
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;

    if let Err(e) = state.otp_sender.send(phone, &code).await {
        tracing::error!(error = %e, phone = %phone.masked(), "sending a sign-in code failed");
        sqlx::query("delete from otp_codes where id = $1").bind(code_id).execute(&state.pool).await?;
        return Err(AppError::Unavailable(Message::both(
            "We could not send the SMS just now. Please try again in a minute.",
            "हम अभी SMS नहीं भेज सके। कृपया एक मिनट बाद फिर कोशिश करें।",
        )));
    }
    tracing::info!(phone = %phone.masked(), "sign-in code sent");
    Ok(())
}

#[derive(sqlx::FromRow)]
struct LatestCode {
    id: i64,
    code_hash: String,
    expires_at: DateTime<Utc>,
    failed_attempts: i32,
    consumed_at: Option<DateTime<Utc>>,
}

/// Checks `code` against the latest code for `phone`. On success the code is spent and
/// the gigger's account (created on first sign-in) is returned by id.
pub async fn verify(state: &AppState, phone: &Phone, code: &OtpCode) -> Result<i64, AppError> {
    let now = state.clock.now();
    let max_attempts = state.limits.otp_max_attempts;
    let mut tx = state.pool.begin().await?;
    let latest: Option<LatestCode> = sqlx::query_as(
        "select id, code_hash, expires_at, failed_attempts, consumed_at from otp_codes
         where phone = $1 order by id desc limit 1 for update",
    )
    .bind(phone.as_str())
    .fetch_optional(&mut *tx)
    .await?;

    let expired = || {
        AppError::invalid(
            "code",
            Message::both(
                "This code has expired or was already used. Ask for a new code.",
                "यह कोड पुराना हो गया है या इस्तेमाल हो चुका है। नया कोड माँगें।",
            ),
        )
    };
    let Some(latest) = latest else {
        return Err(AppError::invalid(
            "code",
            Message::both(
                "No code was sent to this number. Ask for a code first.",
                "इस नंबर पर कोई कोड नहीं भेजा गया। पहले कोड माँगें।",
            ),
        ));
    };
    if latest.consumed_at.is_some() || latest.expires_at <= now {
        return Err(expired());
    }
    if latest.failed_attempts >= max_attempts {
        return Err(AppError::TooManyRequests(Message::both(
            "Too many wrong tries for this code. Ask for a new code.",
            "इस कोड के लिए बहुत ज़्यादा गलत कोशिशें हुईं। नया कोड माँगें।",
        )));
    }

    let expected = hex::decode(&latest.code_hash).map_err(|e| internal("stored code hash", e))?;
    let matches = code_mac(&state.secrets.otp_pepper, phone, code.as_str()).verify_slice(&expected).is_ok();
    if !matches {
        let (attempts,): (i32,) = sqlx::query_as(
            "update otp_codes set failed_attempts = failed_attempts + 1 where id = $1 returning failed_attempts",
        )
        .bind(latest.id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let left = max_attempts - attempts;
        let message = if left > 0 {
            Message::both(
                format!("That code is not right. {left} {} left.", if left == 1 { "try" } else { "tries" }),
                format!("यह कोड सही नहीं है। {left} कोशिश बाकी।"),
            )
        } else {
            Message::both(
                "That code is not right, and that was the last try. Ask for a new code.",
                "यह कोड सही नहीं है, और यह आखिरी कोशिश थी। नया कोड माँगें।",
            )
        };
        return Err(AppError::invalid("code", message));
    }

    sqlx::query("update otp_codes set consumed_at = $2 where id = $1")
        .bind(latest.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let user_id = users::find_or_create_gigger(&mut tx, phone, now).await?;
    audit::record(
        &mut tx,
        Some(user_id),
        "sign_in.otp",
        &format!("user:{user_id}"),
        serde_json::json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(user_id)
}

/// Deletes codes nobody can use any more (older than a day: past expiry and the
/// rate-limit window). Run periodically by the server.
pub async fn delete_stale(pool: &sqlx::PgPool, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let day_ago = now - Duration::days(1);
    let done = sqlx::query("delete from otp_codes where created_at < $1").bind(day_ago).execute(pool).await?;
    // Failures older than the 15-minute window and lock rows nobody used for a day.
    sqlx::query("delete from password_failures where at < $1").bind(day_ago).execute(pool).await?;
    sqlx::query("delete from otp_throttle_keys where last_used_at < $1").bind(day_ago).execute(pool).await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_with_leading_zeros() {
        for _ in 0..200 {
            let code = new_code();
            assert_eq!(code.len(), 6);
            assert!(OtpCode::parse(&code).is_ok());
        }
    }

    #[test]
    fn the_mac_depends_on_pepper_phone_and_code() {
        let phone = Phone::parse("9876543210").unwrap();
        let other = Phone::parse("9876543211").unwrap();
        let mac =
            |pepper: &[u8], phone: &Phone, code: &str| code_mac(pepper, phone, code).finalize().into_bytes();
        assert_eq!(mac(b"k", &phone, "123456"), mac(b"k", &phone, "123456"));
        assert_ne!(mac(b"k", &phone, "123456"), mac(b"k", &phone, "123457"));
        assert_ne!(mac(b"k", &phone, "123456"), mac(b"j", &phone, "123456"));
        assert_ne!(mac(b"k", &phone, "123456"), mac(b"k", &other, "123456"));
    }

    #[test]
    fn wait_is_rounded_up_to_whole_minutes() {
        let now = Utc::now();
        assert_eq!(minutes_until_window_frees(now - Duration::minutes(30), now), 30);
        assert_eq!(minutes_until_window_frees(now - Duration::seconds(3599), now), 1);
        assert_eq!(minutes_until_window_frees(now - Duration::seconds(90), now), 59);
    }
}
