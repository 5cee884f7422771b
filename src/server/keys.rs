//! `pain-intake keys generate | rotate`: making a key, and re-encrypting every sealed
//! value under the current key while the app keeps running.
//!
//! Rotation without downtime: (1) add the new key after the old one everywhere and
//! restart (both open values, the old one still seals); (2) put the new key first and
//! restart (new values use it); (3) run `keys rotate` (old values are resealed; each
//! row is updated only if it did not change meanwhile); (4) drop the old key.
//! Values stored without a key in development mode are sealed by the same command.
//!
//! [`SEALED_COLUMNS`] is the one list of sealed columns: `keys rotate` walks it, and
//! `pain-intake doctor` checks that every value in it opens.

use super::crypto::{is_sealed, record_aad, CryptoError, Keyring};
use super::db::Db;
use base64::Engine;
use sqlx::{AnyPool, Row};

/// How a column keeps a value that was stored without a key (development mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plain {
    /// The text itself.
    Text,
    /// `plain:` followed by base64 (binary data such as images).
    Base64,
}

/// A column whose values are sealed (see `crypto`), with the row id as associated data.
#[derive(Debug, Clone, Copy)]
pub struct SealedColumn {
    pub table: &'static str,
    pub column: &'static str,
    /// How its unsealed values look.
    pub plain: Plain,
    /// Rows read at a time: a card photo is up to 10 MB (13 MB sealed), so 200 of them
    /// at once could hold gigabytes.
    page: i64,
}

const fn sealed(table: &'static str, column: &'static str, plain: Plain, page: i64) -> SealedColumn {
    SealedColumn { table, column, plain, page }
}

/// Every sealed column. `keys rotate` reseals them and `doctor` checks that they open;
/// a new sealed column is added here and both see it.
pub const SEALED_COLUMNS: [SealedColumn; 8] = [
    sealed("intakes", "answers", Plain::Text, 200),
    sealed("drafts", "answers", Plain::Text, 200),
    sealed("card_images", "data", Plain::Base64, 8),
    sealed("users", "totp_secret", Plain::Text, 200),
    // A clinician's words about a safety call (safety-followup.md).
    sealed("follow_ups", "note", Plain::Text, 200),
    sealed("follow_up_attempts", "note", Plain::Text, 200),
    // Who asked for a call from the emergency page.
    sealed("callbacks", "name", Plain::Text, 200),
    sealed("callbacks", "phone", Plain::Text, 200),
];

impl SealedColumn {
    /// The next page of stored values after row `after`, by id (`(id, value)`), so a
    /// large table never sits in memory at once. Empty when the column is read to the end.
    pub async fn page_after(&self, pool: &AnyPool, after: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
        let (table, column) = (self.table, self.column);
        let rows = sqlx::query(&format!(
            "SELECT id, {column} AS value FROM {table} \
             WHERE id > $1 AND {column} IS NOT NULL AND {column} <> '' ORDER BY id LIMIT $2"
        ))
        .bind(after)
        .bind(self.page)
        .fetch_all(pool)
        .await?;
        rows.iter().map(|row| Ok((row.try_get("id")?, row.try_get("value")?))).collect()
    }
}

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
    for sealed in SEALED_COLUMNS {
        let SealedColumn { table, column, plain, .. } = sealed;
        let mut after = 0i64;
        loop {
            let rows = sealed.page_after(&db.pool, after).await?;
            if rows.is_empty() {
                break;
            }
            for (id, value) in rows {
                after = id;
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
