//! Staff passwords: the policy a new password must meet, and argon2id hashing.
//!
//! Policy (reference/security.md): 12 to 128 characters, no composition rules, and none
//! of the most common passwords. Hashing uses argon2's defaults (argon2id, m = 19456 KiB,
//! t = 2, p = 1, PHC string) on the blocking pool, at most a few at a time, so a burst of
//! sign-ins cannot starve the async workers or exhaust memory.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use std::collections::HashSet;
use std::sync::LazyLock;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// The shipped list: see common-passwords.LICENSE for where it comes from.
static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common-passwords.txt").lines().filter(|l| !l.is_empty()).collect());

/// The threads that run argon2: half the CPU cores (at least one, at most four). Each
/// hash holds about 19 MiB; on the tokio blocking pool a burst of sign-ins ran many at
/// once on many threads (the server reached 500 MB, BENCHMARKS.md). A few fixed threads
/// bound that, and leaving half the cores free keeps pages and intakes answering while
/// staff sign in (see also the allocator's memory release in main.rs).
///
/// `None` if the threads could not be started (the OS refused): a password then cannot be
/// checked or set, which the caller reports, instead of a panic inside a request.
static HASHERS: LazyLock<Option<rayon::ThreadPool>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    rayon::ThreadPoolBuilder::new()
        .num_threads((cores / 2).clamp(1, 4))
        .thread_name(|i| format!("argon2-{i}"))
        .build()
        .inspect_err(|e| tracing::error!(error = %e, "the argon2 threads did not start"))
        .ok()
});

/// Runs `work` on the argon2 threads; `None` if they are not there.
async fn on_hashers<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    HASHERS.as_ref()?.spawn(move || {
        let _ = tx.send(work());
    });
    rx.await.ok()
}

/// Why a new password was refused; the Display text is shown to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("Use at least 12 characters. A few unrelated words make a strong, memorable password.")]
    TooShort,
    #[error("Use at most 128 characters.")]
    TooLong,
    #[error("That password is one of the most common ones and is easy to guess. Please choose another.")]
    Common,
}

/// A password that meets the policy (only for new passwords; sign-in checks any text).
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        // Characters, not bytes: a passphrase in Spanish counts its letters.
        let length = text.chars().count();
        if length < MIN_LENGTH {
            return Err(PolicyError::TooShort);
        }
        if length > MAX_LENGTH {
            return Err(PolicyError::TooLong);
        }
        if COMMON.contains(text.to_lowercase().as_str()) {
            return Err(PolicyError::Common);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// The argon2id PHC string of a new password.
pub async fn hash(password: &NewPassword) -> Result<String, HashError> {
    let password = password.0.clone();
    on_hashers(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| HashError(e.to_string()))
    })
    .await
    .unwrap_or_else(|| Err(HashError("the hashing threads stopped".into())))
}

/// A hash of a random password, checked when the account does not exist, so an unknown
/// e-mail costs the same time as a wrong password.
static DUMMY: LazyLock<String> = LazyLock::new(|| {
    let random: [u8; 16] = rand::random();
    Argon2::default().hash_password(&random).map(|h| h.to_string()).unwrap_or_default()
});

/// Whether `password` matches `stored` (an argon2 PHC string). With `None` the dummy hash
/// is checked instead and the answer is always false.
pub async fn verify(password: &str, stored: Option<&str>) -> bool {
    let known = stored.is_some();
    let stored = stored.map(str::to_owned);
    let password = password.to_owned();
    on_hashers(move || {
        let stored = stored.unwrap_or_else(|| DUMMY.clone());
        let Ok(parsed) = PasswordHash::new(&stored) else { return false };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && known
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_bounds_count_characters() {
        assert_eq!(NewPassword::parse("short words").unwrap_err(), PolicyError::TooShort);
        assert!(NewPassword::parse("twelve chars").is_ok());
        // 12 characters, 24 bytes.
        assert!(NewPassword::parse("ñandúñandúñá").is_ok());
        assert!(NewPassword::parse(&"a b".repeat(42)[..126]).is_ok());
        assert_eq!(NewPassword::parse(&"x".repeat(129)).unwrap_err(), PolicyError::TooLong);
        assert!(NewPassword::parse(&"xy".repeat(64)).is_ok());
    }

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        assert!(COMMON.len() >= 10_000, "the list has {}", COMMON.len());
        assert_eq!(NewPassword::parse("1qaz2wsx3edc").unwrap_err(), PolicyError::Common);
        assert_eq!(NewPassword::parse("1QAZ2WSX3EDC").unwrap_err(), PolicyError::Common);
        assert!(NewPassword::parse("correct horse battery staple").is_ok());
    }

    #[test]
    fn debug_never_shows_the_password() {
        let p = NewPassword::parse("a secret passphrase").unwrap();
        assert!(!format!("{p:?}").contains("secret"));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_the_owasp_parameters_and_verify() {
        let p = NewPassword::parse("a long enough passphrase").unwrap();
        let h = hash(&p).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("a long enough passphrase", Some(&h)).await);
        assert!(!verify("a long enough passphrasE", Some(&h)).await);
        assert!(!verify("a long enough passphrase", None).await);
        assert!(!verify("anything", Some("not a hash")).await);
        // A fresh salt each time.
        assert_ne!(h, hash(&p).await.unwrap());
    }
}
