//! Password hashing: argon2id with OWASP's recommended parameters (19 MiB, 2 passes,
//! 1 lane). Hashing is CPU- and memory-heavy by design, so it runs on the blocking pool,
//! at most one hash per core at a time: a flood of sign-in attempts queues (and is turned
//! away after a short wait) instead of allocating 19 MiB per request until memory runs out.

use crate::error::{server::internal, AppError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;

/// How many hashes may run at once in this process. A process-wide limit on a
/// process-wide resource (cores and memory), hence a static.
fn hashing_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        tokio::sync::Semaphore::new(cores)
    })
}

/// Runs `work` on the blocking pool once a hashing slot is free; waits at most 3 seconds.
async fn with_hashing_slot<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let permit = tokio::time::timeout(std::time::Duration::from_secs(3), hashing_slots().acquire())
        .await
        .map_err(|_| AppError::Unavailable("The server is busy. Please try again in a moment.".into()))?
        .map_err(|e| internal("hashing slots closed", e))?;
    let result = tokio::task::spawn_blocking(work).await.map_err(|e| internal("password hashing task", e))?;
    drop(permit);
    result
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub async fn hash(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    with_hashing_slot(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| internal("hashing a password", e))
    })
    .await
}

/// True when `candidate` matches `stored`. With no stored hash (unknown email) it still
/// spends the time of one verification, so response time does not reveal who exists.
pub async fn verify(stored: Option<String>, candidate: &str) -> Result<bool, AppError> {
    let candidate = candidate.to_string();
    with_hashing_slot(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
        let parsed = PasswordHash::new(&stored).map_err(|e| internal("stored password hash", e))?;
        let matches = hasher().verify_password(candidate.as_bytes(), &parsed).is_ok();
        Ok(matches && stored != DUMMY_HASH)
    })
    .await
}

/// argon2id hash of a random string nobody knows, used only to equalise timing.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3Gu5Ra6+aSeX0DvEoz4xTrjSsSCN3XxR3ctvlSqGzgk";

/// A temporary password an admin hands over; 16 characters without look-alikes
/// (no 0/O, 1/l/I), about 90 bits.
pub fn temporary() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = OsRng;
    (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let stored = hash("correct horse battery staple").await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(Some(stored.clone()), "correct horse battery staple").await.unwrap());
        assert!(!verify(Some(stored), "correct horse battery stapler").await.unwrap());
    }

    #[tokio::test]
    async fn unknown_users_never_verify() {
        assert!(!verify(None, "anything at all").await.unwrap());
    }

    #[test]
    fn temporary_passwords_are_long_and_different() {
        let a = temporary();
        let b = temporary();
        assert_eq!(a.len(), 16);
        assert_ne!(a, b);
        assert!(crate::accounts::NewPassword::parse(&a).is_ok());
    }
}
