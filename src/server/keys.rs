//! `pain-intake keys generate | rotate`: making a key, and re-encrypting every sealed
//! value under the current key while the app keeps running.
//!
//! Rotation without downtime: (1) add the new key after the old one everywhere and
//! restart (both open values, the old one still seals); (2) put the new key first and
//! restart (new values use it); (3) run `keys rotate` (old values are resealed; each
//! row is updated only if it did not change meanwhile); (4) drop the old key.
//! Values stored without a key in development mode are sealed by the same command.

use super::crypto::{is_sealed, record_aad, CryptoError, Keyring};
use super::db::Db;
use base64::Engine;
use sqlx::Row;

/// How a column keeps a value that was stored without a key (development mode).
#[derive(Clone, Copy)]
enum Plain {
    /// The text itself.
    Text,
    /// `plain:` followed by base64 (binary data such as images).
    Base64,
}

/// Every sealed column: table, column, and how its unsealed values look.
const COLUMNS: [(&str, &str, Plain); 8] = [
    ("intakes", "answers", Plain::Text),
    ("drafts", "answers", Plain::Text),
    ("card_images", "data", Plain::Base64),
    ("users", "totp_secret", Plain::Text),
    // A clinician's words about a safety call (safety-followup.md).
    ("follow_ups", "note", Plain::Text),
    ("follow_up_attempts", "note", Plain::Text),
    // Who asked for a call from the emergency page.
    ("callbacks", "name", Plain::Text),
    ("callbacks", "phone", Plain::Text),
];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Values moved from an older key to the current one.
    pub resealed: u64,
    /// Values that were stored without a key and are now sealed.
    pub sealed: u64,
    /// Values already under the current key.
    pub current: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(
        "{table}.{column} of row {id} cannot be opened with these keys ({source}); add the key it was sealed with"
    )]
    Open { table: &'static str, column: &'static str, id: i64, source: CryptoError },
}

/// Reseals every value under the keyring's current key.
pub async fn rotate(db: &Db, keys: &Keyring) -> Result<Report, RotateError> {
    let mut report = Report::default();
    for (table, column, plain) in COLUMNS {
        let mut after = 0i64;
        loop {
            // In pages by id, so a large table never sits in memory at once.
            let rows = sqlx::query(&format!(
                "SELECT id, {column} AS value FROM {table} WHERE id > $1 AND {column} IS NOT NULL AND {column} <> '' ORDER BY id LIMIT 200"
            ))
            .bind(after)
            .fetch_all(&db.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                after = id;
                let value: String = row.try_get("value")?;
                let aad = record_aad(table, id, column);
                let next = if is_sealed(&value) {
                    match keys.reseal(&value, &aad) {
                        Ok(Some(v)) => {
                            report.resealed += 1;
                            v
                        }
                        Ok(None) => {
                            report.current += 1;
                            continue;
                        }
                        Err(source) => return Err(RotateError::Open { table, column, id, source }),
                    }
                } else {
                    let bytes = match plain {
                        Plain::Text => value.clone().into_bytes(),
                        Plain::Base64 => value
                            .strip_prefix("plain:")
                            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
                            .ok_or(RotateError::Open { table, column, id, source: CryptoError::Malformed })?,
                    };
                    report.sealed += 1;
                    keys.seal(&bytes, &aad)
                };
                // Only if nobody changed the value meanwhile; a changed value was written
                // by the running app under the current key already.
                sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2 AND {column} = $3"))
                    .bind(next)
                    .bind(id)
                    .bind(&value)
                    .execute(&db.pool)
                    .await?;
            }
        }
    }
    Ok(report)
}
