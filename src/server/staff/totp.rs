//! Two-factor sign-in: TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps, the authenticator
//! apps' common setting) and one-time recovery codes.
//!
//! A code is accepted one step early or late (clock drift), and never twice: the step of
//! the last accepted code is stored with the account, so a code seen over a shoulder
//! cannot be replayed within its window.

use rand::Rng;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

const DIGITS: usize = 6;
const STEP_SECS: u64 = 30;
pub const RECOVERY_CODES: usize = 10;

/// A new random secret (160 bits), base32 as authenticator apps expect it.
pub fn new_secret() -> String {
    Secret::generate_secret().to_encoded().to_string()
}

fn totp(secret_base32: &str, issuer: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    // Issuer and account appear in the authenticator app; a ':' in them is not allowed
    // by the otpauth format.
    let issuer = issuer.replace(':', " ");
    let account = account.replace(':', " ");
    TOTP::new(Algorithm::SHA1, DIGITS, 1, STEP_SECS, bytes, Some(issuer), account).ok()
}

/// The `otpauth://` URL for the QR code.
pub fn provisioning_url(secret_base32: &str, issuer: &str, account: &str) -> Option<String> {
    totp(secret_base32, issuer, account).map(|t| t.get_url())
}

/// The QR code of `url` as an inline SVG (no script, no external request).
pub fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build())
}

/// The 30 s step of a unix time.
pub fn step_of(unix_secs: u64) -> u64 {
    unix_secs / STEP_SECS
}

/// The step at which `code` is valid (now, one before or one after), if it is valid and
/// later than `last_step`.
pub fn accept(secret_base32: &str, code: &str, unix_secs: u64, last_step: Option<u64>) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_base32, "x", "x")?;
    let now = step_of(unix_secs);
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .find(|&step| last_step.is_none_or(|last| step > last) && constant_eq(&t.generate(step * STEP_SECS), &code))
}

/// The code an authenticator shows at `unix_secs` (tests, and the enrolment check).
pub fn code_at(secret_base32: &str, unix_secs: u64) -> Option<String> {
    totp(secret_base32, "x", "x").map(|t| t.generate(unix_secs))
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Ten recovery codes like `K7QM2-XD94F` (50 bits each; Crockford letters, so no I/O/L
/// to misread). Shown once; only their hashes are stored.
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: String = (0..10).map(|_| ALPHABET[rng.random_range(0..32)] as char).collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// The stored form of a recovery code: SHA-256 of it without dashes or spaces, upper-case.
/// (50 random bits need no slow hash: they cannot be guessed offline from a list.)
pub fn recovery_hash(code: &str) -> String {
    let normal: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    let digest = Sha256::digest(normal.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vector() {
        // RFC 6238 appendix B: secret "12345678901234567890", T = 59 → 94287082 (8 digits);
        // the 6-digit code is its last six digits.
        let secret = Secret::Raw(b"12345678901234567890".to_vec()).to_encoded().to_string();
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(code_at(&secret, 1111111109).unwrap(), "081804");
    }

    #[test]
    fn a_code_is_accepted_once_within_one_step_of_drift() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now).unwrap();
        let step = accept(&secret, &code, now, None).expect("current code");
        assert_eq!(step, step_of(now));
        assert_eq!(accept(&secret, &code, now, Some(step)), None, "replayed");
        assert!(accept(&secret, &code, now + 30, None).is_some(), "one step late");
        assert!(accept(&secret, &code, now + 90, None).is_none(), "three steps late");
        assert!(accept(&secret, "12345", now, None).is_none());
        assert!(accept(&secret, "abcdef", now, None).is_none());
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(accept(&secret, &spaced, now, None).is_some());
    }

    #[test]
    fn recovery_codes_are_distinct_and_hash_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), 10);
        assert!(codes.iter().all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'));
        assert_eq!(recovery_hash("k7qm2 xd94f"), recovery_hash("K7QM2-XD94F"));
        assert_ne!(recovery_hash("K7QM2-XD94F"), recovery_hash("K7QM2-XD94G"));
    }

    #[test]
    fn provisioning_url_and_qr() {
        let secret = new_secret();
        let url = provisioning_url(&secret, "Test Clinic", "ana@clinic.test").unwrap();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains(&format!("secret={secret}")), "{url}");
        let svg = qr_svg(&url).unwrap();
        assert!(svg.contains("<svg") && !svg.contains("<script"));
    }
}
