//! Encryption at rest for the most sensitive values we store: the clinical answers,
//! insurance member and group numbers, insurance-card images and staff TOTP secrets.
//! A stolen database file or backup must not give these away, so they are sealed with
//! AES-256-GCM under a key that lives outside the database (environment or file).
//!
//! This module only holds the keyring and seals and opens single values; which columns
//! are sealed is decided where each table is read and written.
//!
//! # Keys
//!
//! The operator gives the keys as text, in `ENCRYPTION_KEYS` or in the file named by
//! `ENCRYPTION_KEYS_FILE` (same format): entries separated by commas or newlines, each
//! `id:base64key`. The id is a short name, `[a-z0-9-]{1,32}`, e.g. `2026-11`; the key is
//! 32 random bytes in standard, padded base64 (`openssl rand -base64 32`, or
//! [`Keyring::generate_key`]). In a file, blank lines and `#` comments are allowed.
//!
//! ```text
//! # current key first; older keys only open values sealed before the last rotation
//! 2026-11:<44 characters of base64, from `openssl rand -base64 32`>
//! 2026-05:<44 characters of base64>
//! ```
//!
//! The first entry is the *current* key, the only one that seals. The others only open,
//! which is what makes rotation possible without downtime:
//!
//! 1. add the new key `B` *after* the current key `A` on every instance (`A, B`), so every
//!    instance can open what any other will seal with `B`;
//! 2. move `B` to the front (`B, A`): new values are sealed under `B`;
//! 3. run `pain-intake keys rotate`, which opens every value still under `A` and seals it
//!    again under `B` ([`Keyring::needs_rotation`], [`Keyring::reseal`]);
//! 4. remove `A`.
//!
//! # Sealed values
//!
//! A sealed value is text, so it fits in any text column and says how to open it:
//!
//! ```text
//! enc:v1:<key id>:<base64 nonce, 12 bytes>:<base64 ciphertext and 16-byte tag>
//! ```
//!
//! Every value gets a fresh random 96-bit nonce. With random nonces one key is good for
//! about 2^32 values (NIST SP 800-38D), far beyond what a clinic's intake stores between
//! rotations.
//!
//! # Associated data: the record id
//!
//! Each value is sealed with the place it belongs to as associated data,
//! `<table>:<row id>:<column>` (see [`record_aad`]), e.g. `intakes:42:answers` or
//! `staff_users:7:totp_secret`. The tag covers it, so a value copied into another row or
//! another column (someone with write access to the database swapping a patient's
//! answers into a different intake) fails to open instead of being shown as genuine.
//! The row id must therefore exist before a value is sealed, and must not change.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rand::RngCore;
use std::fmt;
use std::path::{Path, PathBuf};

/// What every sealed value starts with; the version lets the format change later.
const PREFIX: &str = "enc:v1:";
const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const MAX_ID_LEN: usize = 32;

/// The associated data for the value in `column` of row `row_id` of `table`:
/// `intakes:42:answers`.
pub fn record_aad(table: &str, row_id: impl fmt::Display, column: &str) -> String {
    format!("{table}:{row_id}:{column}")
}

/// Whether `value` is in the sealed format (it may still fail to open).
pub fn is_sealed(value: &str) -> bool {
    value.starts_with(PREFIX)
}

/// The id of the key `sealed` was sealed under, if it is a sealed value with a
/// well-formed key id.
pub fn key_id_of(sealed: &str) -> Option<&str> {
    let (id, _) = sealed.strip_prefix(PREFIX)?.split_once(':')?;
    is_valid_id(id).then_some(id)
}

fn is_valid_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The operator's name for a key: `[a-z0-9-]{1,32}`. Not secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId(String);

impl KeyId {
    /// `None` unless `id` is 1 to 32 characters of `a-z`, `0-9` and `-`.
    pub fn parse(id: &str) -> Option<Self> {
        is_valid_id(id).then(|| Self(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why the configured keys cannot be used. Shown to the operator at start-up, so the
/// messages say what to fix; they never contain key material, which is also why a bad
/// id is reported by its position and not quoted (a swapped `key:id` would print the key).
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the encryption key list is empty: give at least one `id:base64key` entry (the first is the current key)")]
    Empty,
    #[error("encryption key entry {entry} is not of the form `id:base64key`")]
    MissingSeparator { entry: usize },
    #[error("encryption key entry {entry}: the key id must be 1 to 32 characters of a-z, 0-9 and '-'")]
    BadId { entry: usize },
    #[error("encryption key `{id}` is not valid base64 (standard alphabet, with `=` padding)")]
    BadBase64 { id: KeyId },
    #[error(
        "encryption key `{id}` is {len} bytes long; AES-256 needs exactly 32 (`openssl rand -base64 32` makes one)"
    )]
    WrongLength { id: KeyId, len: usize },
    #[error("encryption key id `{id}` is given more than once")]
    DuplicateId { id: KeyId },
    #[error("set either ENCRYPTION_KEYS or ENCRYPTION_KEYS_FILE, not both")]
    BothGiven,
    #[error("cannot read the encryption key file {}: {source}", .path.display())]
    ReadFile { path: PathBuf, source: std::io::Error },
}

/// Why a stored value could not be opened. None of these carries the value itself:
/// a value that is "not sealed" is plaintext, possibly patient data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the value is not sealed (it does not start with `enc:v1:`)")]
    NotSealed,
    #[error("the value is sealed under key `{id}`, which is not in the keyring")]
    UnknownKey { id: String },
    #[error("the sealed value is malformed")]
    Malformed,
    /// Wrong associated data (the value was moved to another record), a changed byte,
    /// or a different key under the same id: the tag does not match.
    #[error("the sealed value failed authentication (wrong record, altered, or wrong key)")]
    AuthenticationFailed,
    #[error("the opened value is not UTF-8 text")]
    NotUtf8,
}

#[derive(Clone)]
struct Key {
    id: KeyId,
    // Only the expanded cipher is kept, not the base64 text or the raw bytes.
    cipher: Aes256Gcm,
}

/// The current key (seals and opens) and the older keys (open only).
#[derive(Clone)]
pub struct Keyring {
    current: Key,
    older: Vec<Key>,
}

// By hand, so that no future field can leak key bytes into a log line.
impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current.id.as_str())
            .field("older", &self.older.iter().map(|k| k.id.as_str()).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Keyring {
    /// Parses a key list (`ENCRYPTION_KEYS` or the contents of `ENCRYPTION_KEYS_FILE`).
    pub fn from_spec(spec: &str) -> Result<Self, KeyError> {
        let entries = spec
            .lines()
            // Base64 has no `#`, so a comment can also follow an entry on its line.
            .map(|line| line.split_once('#').map_or(line, |(before, _)| before))
            .flat_map(|line| line.split(','))
            .map(str::trim)
            .filter(|entry| !entry.is_empty());

        let mut keys: Vec<Key> = Vec::new();
        for (index, entry) in entries.enumerate() {
            let entry_no = index + 1;
            let (id, material) = entry.split_once(':').ok_or(KeyError::MissingSeparator { entry: entry_no })?;
            let id = KeyId::parse(id.trim()).ok_or(KeyError::BadId { entry: entry_no })?;
            if keys.iter().any(|k| k.id == id) {
                return Err(KeyError::DuplicateId { id });
            }
            let bytes = match BASE64.decode(material.trim()) {
                Ok(bytes) => bytes,
                Err(_) => return Err(KeyError::BadBase64 { id }),
            };
            // AES-256 takes exactly 32 bytes; anything else is refused here.
            let cipher = match Aes256Gcm::new_from_slice(&bytes) {
                Ok(cipher) => cipher,
                Err(_) => return Err(KeyError::WrongLength { id, len: bytes.len() }),
            };
            keys.push(Key { id, cipher });
        }

        let mut keys = keys.into_iter();
        let current = keys.next().ok_or(KeyError::Empty)?;
        Ok(Self { current, older: keys.collect() })
    }

    /// The keyring from `ENCRYPTION_KEYS` (`env_value`) or `ENCRYPTION_KEYS_FILE` (`file`).
    /// `None` when neither is set, and the caller decides whether that is allowed (it is
    /// not in production). A variable that is set but empty is an error, not "no key":
    /// an operator who set it meant to encrypt.
    pub fn from_env_or_file(env_value: Option<&str>, file: Option<&Path>) -> Result<Option<Self>, KeyError> {
        match (env_value, file) {
            (None, None) => Ok(None),
            (Some(_), Some(_)) => Err(KeyError::BothGiven),
            (Some(spec), None) => Self::from_spec(spec).map(Some),
            (None, Some(path)) => {
                let spec = std::fs::read_to_string(path)
                    .map_err(|source| KeyError::ReadFile { path: path.to_owned(), source })?;
                Self::from_spec(&spec).map(Some)
            }
        }
    }

    /// A new random key in the format the key list expects (standard base64, 32 bytes).
    pub fn generate_key() -> String {
        let mut bytes = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut bytes);
        BASE64.encode(bytes)
    }

    /// The id of the key that seals.
    pub fn current_id(&self) -> &str {
        self.current.id.as_str()
    }

    /// Every key id, the current one first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(&self.current).chain(&self.older).map(|k| k.id.as_str())
    }

    fn key(&self, id: &str) -> Option<&Key> {
        std::iter::once(&self.current).chain(&self.older).find(|k| k.id.as_str() == id)
    }

    /// Seals `plaintext` under the current key for the record named by `aad`
    /// (`intakes:42:answers`, see [`record_aad`]).
    pub fn seal(&self, plaintext: &[u8], aad: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .current
            .cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad: aad.as_bytes() })
            // AES-GCM refuses only messages over 64 GiB, which nothing we store comes near.
            .expect("AES-GCM encrypts any value under 64 GiB");
        format!("{PREFIX}{}:{}:{}", self.current.id, BASE64.encode(nonce), BASE64.encode(ciphertext))
    }

    /// Opens a value sealed by [`Keyring::seal`] under any key of the ring, for the same
    /// record `aad`.
    pub fn open(&self, sealed: &str, aad: &str) -> Result<Vec<u8>, CryptoError> {
        let rest = sealed.strip_prefix(PREFIX).ok_or(CryptoError::NotSealed)?;
        let mut parts = rest.split(':');
        let (Some(id), Some(nonce), Some(ciphertext), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CryptoError::Malformed);
        };
        if !is_valid_id(id) {
            return Err(CryptoError::Malformed);
        }
        let nonce: [u8; NONCE_LEN] =
            BASE64.decode(nonce).ok().and_then(|n| n.try_into().ok()).ok_or(CryptoError::Malformed)?;
        let ciphertext = BASE64.decode(ciphertext).map_err(|_| CryptoError::Malformed)?;
        if ciphertext.len() < TAG_LEN {
            return Err(CryptoError::Malformed);
        }
        let key = self.key(id).ok_or_else(|| CryptoError::UnknownKey { id: id.to_owned() })?;
        key.cipher
            .decrypt(Nonce::from_slice(&nonce), Payload { msg: &ciphertext, aad: aad.as_bytes() })
            .map_err(|_| CryptoError::AuthenticationFailed)
    }

    /// [`Keyring::seal`] for text.
    pub fn seal_str(&self, plaintext: &str, aad: &str) -> String {
        self.seal(plaintext.as_bytes(), aad)
    }

    /// [`Keyring::open`] for text sealed with [`Keyring::seal_str`].
    pub fn open_str(&self, sealed: &str, aad: &str) -> Result<String, CryptoError> {
        String::from_utf8(self.open(sealed, aad)?).map_err(|_| CryptoError::NotUtf8)
    }

    /// Whether `sealed` was sealed under a key other than the current one. `false` for a
    /// value that is not sealed at all: find those with [`is_sealed`].
    pub fn needs_rotation(&self, sealed: &str) -> bool {
        key_id_of(sealed).is_some_and(|id| id != self.current_id())
    }

    /// The value sealed again under the current key, or `None` when it already is
    /// (what `keys rotate` does to each stored value).
    pub fn reseal(&self, sealed: &str, aad: &str) -> Result<Option<String>, CryptoError> {
        if !self.needs_rotation(sealed) {
            // Still opened, so a value the ring cannot open is reported, not skipped.
            self.open(sealed, aad)?;
            return Ok(None);
        }
        let plaintext = self.open(sealed, aad)?;
        Ok(Some(self.seal(&plaintext, aad)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A fixed key of 32 copies of `byte`, so tests can tell keys apart.
    fn key(byte: u8) -> String {
        BASE64.encode([byte; KEY_LEN])
    }

    fn ring(spec: &str) -> Keyring {
        Keyring::from_spec(spec).expect("test key spec parses")
    }

    fn ring_a() -> Keyring {
        ring(&format!("key-a:{}", key(0xA1)))
    }

    /// `enc:v1:<id>:<nonce>:<ciphertext>` split into its decoded parts.
    fn parts(sealed: &str) -> (String, Vec<u8>, Vec<u8>) {
        let fields: Vec<&str> = sealed.strip_prefix(PREFIX).unwrap().split(':').collect();
        assert_eq!(fields.len(), 3, "{sealed}");
        (fields[0].to_owned(), BASE64.decode(fields[1]).unwrap(), BASE64.decode(fields[2]).unwrap())
    }

    fn join(id: &str, nonce: &[u8], ciphertext: &[u8]) -> String {
        format!("{PREFIX}{id}:{}:{}", BASE64.encode(nonce), BASE64.encode(ciphertext))
    }

    #[test]
    fn a_sealed_value_opens_to_the_plaintext() {
        let ring = ring_a();
        let sealed = ring.seal_str("pain 7/10, lower back", "intakes:42:answers");
        assert_eq!(ring.open_str(&sealed, "intakes:42:answers").unwrap(), "pain 7/10, lower back");
        let image = [0xFF, 0xD8, 0xFF, 0x00, 0x01];
        let sealed = ring.seal(&image, "intakes:42:card_front");
        assert_eq!(ring.open(&sealed, "intakes:42:card_front").unwrap(), image);
    }

    #[test]
    fn the_sealed_format_names_the_key_and_hides_the_plaintext() {
        let ring = ring_a();
        let sealed = ring.seal_str("MEMBER-123456789", "intakes:42:member_id");
        assert!(sealed.starts_with("enc:v1:key-a:"), "{sealed}");
        assert!(!sealed.contains("MEMBER-123456789"));
        let (id, nonce, ciphertext) = parts(&sealed);
        assert_eq!(id, "key-a");
        assert_eq!(nonce.len(), NONCE_LEN);
        assert_eq!(ciphertext.len(), "MEMBER-123456789".len() + TAG_LEN);
        assert!(is_sealed(&sealed));
        assert_eq!(key_id_of(&sealed), Some("key-a"));
        assert!(!is_sealed("MEMBER-123456789"));
        assert_eq!(key_id_of("MEMBER-123456789"), None);
        assert_eq!(key_id_of("enc:v1:Bad_Id:AAAA:AAAA"), None);
    }

    #[test]
    fn sealing_the_same_text_twice_gives_different_values() {
        let ring = ring_a();
        let first = ring.seal_str("same", "intakes:1:answers");
        let second = ring.seal_str("same", "intakes:1:answers");
        assert_ne!(first, second);
        assert_ne!(parts(&first).1, parts(&second).1, "the nonces must differ");
    }

    #[test]
    fn a_value_moved_to_another_record_or_column_does_not_open() {
        let ring = ring_a();
        let sealed = ring.seal_str("answers of intake 42", &record_aad("intakes", 42, "answers"));
        assert_eq!(ring.open(&sealed, "intakes:43:answers"), Err(CryptoError::AuthenticationFailed));
        assert_eq!(ring.open(&sealed, "intakes:42:notes"), Err(CryptoError::AuthenticationFailed));
        assert_eq!(ring.open(&sealed, ""), Err(CryptoError::AuthenticationFailed));
        assert!(ring.open(&sealed, "intakes:42:answers").is_ok());
    }

    #[test]
    fn a_flipped_bit_in_the_ciphertext_or_the_nonce_does_not_open() {
        let ring = ring_a();
        let aad = "intakes:42:answers";
        let sealed = ring.seal_str("some answers", aad);
        let (id, nonce, ciphertext) = parts(&sealed);
        assert!(ring.open(&join(&id, &nonce, &ciphertext), aad).is_ok(), "re-joined unchanged");

        for i in 0..ciphertext.len() {
            let mut changed = ciphertext.clone();
            changed[i] ^= 0x01;
            assert_eq!(
                ring.open(&join(&id, &nonce, &changed), aad),
                Err(CryptoError::AuthenticationFailed),
                "ciphertext byte {i}"
            );
        }
        for i in 0..nonce.len() {
            let mut changed = nonce.clone();
            changed[i] ^= 0x80;
            assert_eq!(
                ring.open(&join(&id, &changed, &ciphertext), aad),
                Err(CryptoError::AuthenticationFailed),
                "nonce byte {i}"
            );
        }
    }

    #[test]
    fn a_different_key_under_the_same_id_does_not_open() {
        let sealed = ring_a().seal_str("secret", "staff_users:7:totp_secret");
        let impostor = ring(&format!("key-a:{}", key(0xEE)));
        assert_eq!(impostor.open(&sealed, "staff_users:7:totp_secret"), Err(CryptoError::AuthenticationFailed));
    }

    #[test]
    fn a_value_under_an_unknown_key_says_which_key() {
        let sealed = ring_a().seal_str("secret", "intakes:1:answers");
        let other = ring(&format!("key-b:{}", key(0xB2)));
        let err = other.open(&sealed, "intakes:1:answers").unwrap_err();
        assert_eq!(err, CryptoError::UnknownKey { id: "key-a".into() });
        assert!(err.to_string().contains("key-a"));
    }

    #[test]
    fn values_that_are_not_sealed_or_are_malformed_are_told_apart() {
        let ring = ring_a();
        let good = ring.seal_str("x", "t:1:c");
        let (id, nonce, ciphertext) = parts(&good);
        assert!(good.ends_with('='), "{good}");
        assert_eq!(ring.open("plain text", "t:1:c"), Err(CryptoError::NotSealed));
        assert_eq!(ring.open("", "t:1:c"), Err(CryptoError::NotSealed));
        assert_eq!(ring.open("enc:v2:key-a:AAAA:AAAA", "t:1:c"), Err(CryptoError::NotSealed));
        for malformed in [
            "enc:v1:".to_owned(),
            "enc:v1:key-a".to_owned(),
            format!("enc:v1:key-a:{}", BASE64.encode(&nonce)),
            format!("{good}:extra"),
            join("KEY_A", &nonce, &ciphertext),
            join(&id, &nonce[..11], &ciphertext),
            join(&id, &[nonce.as_slice(), &[0]].concat(), &ciphertext),
            join(&id, &nonce, &ciphertext[..TAG_LEN - 1]),
            format!("enc:v1:key-a:{}:not*base64", BASE64.encode(&nonce)),
            // Unpadded base64 (17 bytes of ciphertext always end in `=`).
            good.trim_end_matches('=').to_owned(),
        ] {
            assert_eq!(ring.open(&malformed, "t:1:c"), Err(CryptoError::Malformed), "{malformed}");
        }
        // The error never repeats the value, which may be plaintext patient data.
        assert!(!CryptoError::NotSealed.to_string().contains("plain text"));
    }

    #[test]
    fn open_str_refuses_bytes_that_are_not_text() {
        let ring = ring_a();
        let sealed = ring.seal(&[0xFF, 0xFE], "t:1:c");
        assert_eq!(ring.open_str(&sealed, "t:1:c"), Err(CryptoError::NotUtf8));
    }

    #[test]
    fn after_rotation_old_values_open_and_are_flagged_until_resealed() {
        let (a, b) = (key(0xA1), key(0xB2));
        let old_ring = ring(&format!("key-a:{a}"));
        let new_ring = ring(&format!("key-b:{b}\nkey-a:{a}"));
        let aad = "intakes:42:member_id";

        let under_a = old_ring.seal_str("M123", aad);
        assert!(!old_ring.needs_rotation(&under_a));
        assert_eq!(new_ring.open_str(&under_a, aad).unwrap(), "M123");
        assert!(new_ring.needs_rotation(&under_a));

        let under_b = new_ring.reseal(&under_a, aad).unwrap().expect("sealed again");
        assert_eq!(key_id_of(&under_b), Some("key-b"));
        assert!(!new_ring.needs_rotation(&under_b));
        assert_eq!(new_ring.open_str(&under_b, aad).unwrap(), "M123");
        assert_eq!(new_ring.reseal(&under_b, aad).unwrap(), None);
        // The old ring cannot open it any more: that is why step 1 adds B everywhere first.
        assert_eq!(old_ring.open(&under_b, aad), Err(CryptoError::UnknownKey { id: "key-b".into() }));

        // A value sealed fresh by the new ring is under B.
        assert!(!new_ring.needs_rotation(&new_ring.seal_str("x", aad)));
        // Plaintext is not "sealed under another key".
        assert!(!new_ring.needs_rotation("M123"));
    }

    #[test]
    fn reseal_reports_a_value_it_cannot_open() {
        let (a, b) = (key(0xA1), key(0xB2));
        let new_ring = ring(&format!("key-b:{b},key-a:{a}"));
        let under_a = ring(&format!("key-a:{a}")).seal_str("M123", "intakes:1:member_id");
        assert_eq!(new_ring.reseal(&under_a, "intakes:2:member_id"), Err(CryptoError::AuthenticationFailed));
        let under_b = new_ring.seal_str("M123", "intakes:1:member_id");
        assert_eq!(new_ring.reseal(&under_b, "intakes:2:member_id"), Err(CryptoError::AuthenticationFailed));
    }

    #[test]
    fn the_first_entry_is_the_current_key() {
        let ring = ring(&format!("2026-11:{}, 2026-05:{} ,2025-11:{}", key(1), key(2), key(3)));
        assert_eq!(ring.current_id(), "2026-11");
        assert_eq!(ring.ids().collect::<Vec<_>>(), ["2026-11", "2026-05", "2025-11"]);
        assert_eq!(key_id_of(&ring.seal_str("x", "t:1:c")), Some("2026-11"));
    }

    #[test]
    fn a_key_file_may_have_comments_and_blank_lines() {
        let spec = format!(
            "# pain-intake encryption keys\n\
             \n\
             # current, made 2026-11-01\n\
             2026-11:{}   # rotated in November\r\n\
             \n\
             2026-05:{},2025-11:{}\n\
             # end\n",
            key(1),
            key(2),
            key(3)
        );
        let ring = ring(&spec);
        assert_eq!(ring.ids().collect::<Vec<_>>(), ["2026-11", "2026-05", "2025-11"]);
    }

    #[test]
    fn from_env_or_file_reads_either_but_not_both() {
        let spec = format!("file-key:{}\n", key(7));
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &spec).unwrap();

        assert!(Keyring::from_env_or_file(None, None).unwrap().is_none());
        let from_env = Keyring::from_env_or_file(Some(&format!("env-key:{}", key(8))), None);
        assert_eq!(from_env.unwrap().unwrap().current_id(), "env-key");
        let from_file = Keyring::from_env_or_file(None, Some(file.path()));
        assert_eq!(from_file.unwrap().unwrap().current_id(), "file-key");
        assert!(matches!(Keyring::from_env_or_file(Some(&spec), Some(file.path())), Err(KeyError::BothGiven)));
        assert!(matches!(Keyring::from_env_or_file(Some(""), None), Err(KeyError::Empty)));
        let missing = file.path().with_extension("missing");
        let err = Keyring::from_env_or_file(None, Some(&missing)).unwrap_err();
        assert!(matches!(err, KeyError::ReadFile { .. }), "{err:?}");
        assert!(err.to_string().contains(&missing.display().to_string()));
    }

    #[test]
    fn each_bad_key_spec_is_refused_with_its_reason_and_without_the_key() {
        let good = key(1);
        let short = BASE64.encode([1u8; 31]);
        let long = BASE64.encode([1u8; 33]);
        type IsExpected = fn(&KeyError) -> bool;
        let cases: Vec<(String, IsExpected)> = vec![
            ("".into(), |e| matches!(e, KeyError::Empty)),
            ("  \n# only a comment\n , ,\n".into(), |e| matches!(e, KeyError::Empty)),
            (good.clone(), |e| matches!(e, KeyError::MissingSeparator { entry: 1 })),
            (format!("a:{good},{good}"), |e| matches!(e, KeyError::MissingSeparator { entry: 2 })),
            (format!(":{good}"), |e| matches!(e, KeyError::BadId { entry: 1 })),
            (format!("Key-A:{good}"), |e| matches!(e, KeyError::BadId { entry: 1 })),
            (format!("key_a:{good}"), |e| matches!(e, KeyError::BadId { entry: 1 })),
            (format!("{}:{good}", "a".repeat(33)), |e| matches!(e, KeyError::BadId { entry: 1 })),
            // Key and id swapped: the key must not appear in the message.
            (format!("{good}:key-a"), |e| matches!(e, KeyError::BadId { entry: 1 })),
            ("a:not base64!".into(), |e| matches!(e, KeyError::BadBase64 { .. })),
            (format!("a:{}", good.trim_end_matches('=')), |e| matches!(e, KeyError::BadBase64 { .. })),
            ("a:".into(), |e| matches!(e, KeyError::WrongLength { len: 0, .. })),
            (format!("a:{short}"), |e| matches!(e, KeyError::WrongLength { len: 31, .. })),
            (format!("a:{long}"), |e| matches!(e, KeyError::WrongLength { len: 33, .. })),
            (
                format!("a:{good}\nb:{}\na:{}", key(2), key(3)),
                |e| matches!(e, KeyError::DuplicateId { id } if id.as_str() == "a"),
            ),
        ];
        for (spec, is_expected) in cases {
            let err = Keyring::from_spec(&spec).expect_err(&format!("spec {spec:?} must fail"));
            assert!(is_expected(&err), "spec {spec:?} gave {err:?}");
            let shown = format!("{err} {err:?}");
            for material in [&good, &short, &long, &key(2), &key(3)] {
                assert!(!shown.contains(material.as_str()), "{shown}");
            }
        }
        assert!(Keyring::from_spec(&format!("{}:{good}", "a".repeat(32))).is_ok());
    }

    #[test]
    fn debug_shows_the_ids_and_never_the_key() {
        let (a, b) = ([0xA1u8; KEY_LEN], [0xB2u8; KEY_LEN]);
        let ring = ring(&format!("key-b:{}\nkey-a:{}", BASE64.encode(b), BASE64.encode(a)));
        for shown in [format!("{ring:?}"), format!("{ring:#?}")] {
            assert!(shown.contains("key-b") && shown.contains("key-a"), "{shown}");
            assert!(!shown.contains(&BASE64.encode(a)) && !shown.contains(&BASE64.encode(b)));
            // Nor as numbers (a derived Debug of the bytes would print `161, 161, …`).
            assert!(!shown.contains("161") && !shown.contains("178"), "{shown}");
            assert!(!shown.to_lowercase().contains("a1a1") && !shown.to_lowercase().contains("b2b2"));
        }
    }

    #[test]
    fn generated_keys_are_usable_and_different() {
        let (first, second) = (Keyring::generate_key(), Keyring::generate_key());
        assert_ne!(first, second);
        assert_eq!(BASE64.decode(&first).unwrap().len(), KEY_LEN);
        let ring = ring(&format!("new:{first}"));
        assert_eq!(ring.open_str(&ring.seal_str("x", "t:1:c"), "t:1:c").unwrap(), "x");
    }

    /// Text shaped like a sealed value: a known, unknown or bad key id, then up to four
    /// fields that are mostly base64 of nonce-sized, tag-sized or other byte strings, so
    /// the cases reach the decoding, the length checks and the tag check, which arbitrary
    /// text almost never does.
    fn near_sealed() -> impl Strategy<Value = String> {
        let id = prop_oneof!["key-a", "key-b", "[a-zA-Z0-9_-]{0,34}"];
        let len = prop_oneof![Just(NONCE_LEN), 0..TAG_LEN + 1, 0usize..64];
        let field = prop_oneof![
            4 => len.prop_flat_map(|n| proptest::collection::vec(any::<u8>(), n))
                .prop_map(|bytes| BASE64.encode(bytes)),
            1 => "[A-Za-z0-9+/=]{0,40}",
        ];
        (id, proptest::collection::vec(field, 0..5))
            .prop_map(|(id, fields)| fields.iter().fold(format!("{PREFIX}{id}"), |text, f| format!("{text}:{f}")))
    }

    /// One edit to a text: cut it short, change one character, or insert one.
    #[derive(Debug, Clone)]
    enum Edit {
        Truncate(usize),
        Replace(usize, char),
        Insert(usize, char),
    }

    fn apply(edit: &Edit, text: &str) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        match *edit {
            Edit::Truncate(at) => chars.truncate(at % chars.len()),
            Edit::Replace(at, c) => {
                let at = at % chars.len();
                chars[at] = c;
            }
            Edit::Insert(at, c) => chars.insert(at % (chars.len() + 1), c),
        }
        chars.into_iter().collect()
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let c = prop_oneof![any::<char>(), "[A-Za-z0-9+/=:]".prop_map(|s| s.chars().next().unwrap())];
        prop_oneof![
            any::<usize>().prop_map(Edit::Truncate),
            (any::<usize>(), c.clone()).prop_map(|(at, c)| Edit::Replace(at, c)),
            (any::<usize>(), c).prop_map(|(at, c)| Edit::Insert(at, c)),
        ]
    }

    proptest! {
        #[test]
        fn open_never_panics_on_any_text(
            value in prop_oneof![".*", "enc:v1:.{0,12}"],
            aad in ".*",
        ) {
            let ring = ring_a();
            let _ = ring.open(&value, &aad);
            let _ = ring.open_str(&value, &aad);
        }

        #[test]
        fn open_never_panics_on_near_sealed_text(value in near_sealed()) {
            let ring = ring_a();
            let opened = ring.open(&value, "t:1:c");
            prop_assert!(opened.is_err(), "random text opened: {}", value);
            let _ = ring.reseal(&value, "t:1:c");
            let _ = key_id_of(&value);
            let _ = ring.needs_rotation(&value);
        }

        // Strict base64 and the tag together: no other text than the sealed value opens.
        #[test]
        fn any_edit_to_a_sealed_value_stops_it_opening(
            plaintext in proptest::collection::vec(any::<u8>(), 0..64),
            edit in edit(),
        ) {
            let ring = ring_a();
            let sealed = ring.seal(&plaintext, "t:1:c");
            let edited = apply(&edit, &sealed);
            let opened = ring.open(&edited, "t:1:c");
            prop_assert!(opened.is_err() || edited == sealed, "{:?} opened: {}", edit, edited);
        }

        #[test]
        fn any_bytes_round_trip(plaintext in proptest::collection::vec(any::<u8>(), 0..2048), aad in ".*") {
            let ring = ring_a();
            let sealed = ring.seal(&plaintext, &aad);
            prop_assert_eq!(ring.open(&sealed, &aad).unwrap(), plaintext);
        }

        #[test]
        fn any_text_round_trips(plaintext in ".*", aad in "[a-z_]{1,12}:[0-9]{1,9}:[a-z_]{1,12}") {
            let ring = ring_a();
            let sealed = ring.seal_str(&plaintext, &aad);
            prop_assert!(!sealed.contains('\n'));
            prop_assert_eq!(ring.open_str(&sealed, &aad).unwrap(), plaintext);
        }
    }
}
