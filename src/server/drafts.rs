//! Saved, unfinished intakes ("drafts") and their resume tokens.
//!
//! A token is 256 random bits, shown to the patient as part of the resume link and kept
//! in an HttpOnly cookie; the database holds only its SHA-256, so a copy of the database
//! cannot resume anyone's draft. Drafts expire 30 days after they were started.

use super::db::{now_text, Db};
use rand::RngCore;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// How long a draft can be resumed.
pub const LIFETIME_DAYS: i64 = 30;

/// The cookie that carries the resume token.
pub const COOKIE: &str = "draft";

/// An error saved with the draft, in both languages (the patient may switch).
pub use crate::shared::draft::ErrorText as SavedError;

#[derive(Debug, Clone)]
pub struct Draft {
    pub id: i64,
    pub answers: Value,
    pub errors_step: Option<String>,
    pub errors: Vec<SavedError>,
    pub intake_id: Option<i64>,
    /// The card photos saved with it and not yet moved to an intake, front first.
    pub card_sides: Vec<&'static str>,
}

/// A new random token (64 hex characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 (hex) a secret is stored as (drafts, booking and manage links alike).
pub(crate) fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a string could be a token at all (so junk never reaches the database).
pub fn looks_like_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn expiry() -> String {
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * LIFETIME_DAYS);
    at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Starts an empty draft; returns its token.
pub async fn create(db: &Db, locale: &str) -> Result<String, sqlx::Error> {
    let token = new_token();
    let now = now_text();
    sqlx::query(
        "INSERT INTO drafts (token_hash, answers, errors, created_at, updated_at, expires_at) \
         VALUES ($1, $2, '[]', $3, $3, $4)",
    )
    .bind(hash(&token))
    .bind(serde_json::json!({ "locale": locale }).to_string())
    .bind(&now)
    .bind(expiry())
    .execute(&db.pool)
    .await?;
    super::metrics::draft_started();
    Ok(token)
}

/// A draft that opens a submitted intake's result page (an e-mailed booking or manage
/// link, exchanged for this fresh secret in a cookie); returns its token.
pub async fn for_intake(db: &Db, intake_id: i64, locale: &str) -> Result<String, sqlx::Error> {
    let token = new_token();
    let now = now_text();
    sqlx::query(
        "INSERT INTO drafts (token_hash, answers, errors, intake_id, created_at, updated_at, expires_at) \
         VALUES ($1, $2, '[]', $3, $4, $4, $5)",
    )
    .bind(hash(&token))
    .bind(serde_json::json!({ "locale": locale }).to_string())
    .bind(intake_id)
    .bind(&now)
    .bind(expiry())
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// The draft for a token, unless it does not exist or has expired.
pub async fn find(db: &Db, token: &str) -> Result<Option<Draft>, sqlx::Error> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    // The card photos come in the same statement: every wizard page shows them, and a
    // second query would cost every page a second trip to the database.
    let row = sqlx::query(
        "SELECT d.id, d.answers, d.errors_step, d.errors, d.intake_id, \
         (SELECT COUNT(*) FROM card_images c WHERE c.draft_id = d.id AND c.intake_id IS NULL AND c.side = 'front') AS front, \
         (SELECT COUNT(*) FROM card_images c WHERE c.draft_id = d.id AND c.intake_id IS NULL AND c.side = 'back') AS back \
         FROM drafts d WHERE d.token_hash = $1 AND d.expires_at > $2",
    )
    .bind(hash(token))
    .bind(now_text())
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("id")?;
    let answers = db.open_value("drafts", id, "answers", &row.try_get::<String, _>("answers")?)?;
    let errors: String = row.try_get("errors")?;
    Ok(Some(Draft {
        id,
        answers: serde_json::from_str(&answers).unwrap_or(Value::Null),
        errors_step: row.try_get("errors_step")?,
        errors: serde_json::from_str(&errors).unwrap_or_default(),
        intake_id: row.try_get("intake_id")?,
        card_sides: [("front", row.try_get::<i64, _>("front")?), ("back", row.try_get::<i64, _>("back")?)]
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(side, _)| side)
            .collect(),
    }))
}

/// Moves a draft to a fresh token and returns it, or `None` when the old token opens no
/// live draft. The old token stops working in the same statement, so a resume link
/// (which may have been made by someone else, or seen on a shared screen) opens the
/// draft once and never again: whoever holds the link afterwards reads nothing.
pub async fn rotate(db: &Db, token: &str) -> Result<Option<String>, sqlx::Error> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    let fresh = new_token();
    let done =
        sqlx::query("UPDATE drafts SET token_hash = $1, updated_at = $2 WHERE token_hash = $3 AND expires_at > $2")
            .bind(hash(&fresh))
            .bind(now_text())
            .bind(hash(token))
            .execute(&db.pool)
            .await?;
    Ok((done.rows_affected() == 1).then_some(fresh))
}

/// A fresh one-use resume link's token for a draft ("E-mail me this link"), made when
/// the e-mail is sent; it expires with the draft. `None` when the draft is gone.
pub async fn link_token(db: &Db, draft_id: i64) -> Result<Option<String>, sqlx::Error> {
    let token = new_token();
    let done = sqlx::query(
        "INSERT INTO draft_links (token_hash, draft_id, expires_at) \
         SELECT $1, id, expires_at FROM drafts WHERE id = $2 AND expires_at > $3 AND intake_id IS NULL",
    )
    .bind(hash(&token))
    .bind(draft_id)
    .bind(now_text())
    .execute(&db.pool)
    .await?;
    Ok((done.rows_affected() == 1).then_some(token))
}

/// Uses an e-mailed resume link: it is deleted and its draft moved to a fresh secret
/// (returned), as `rotate` does for the link the page shows. `None` when the link is
/// unknown, used or expired.
pub async fn redeem_link(db: &Db, token: &str) -> Result<Option<String>, sqlx::Error> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    let now = now_text();
    let mut tx = db.pool.begin().await?;
    let link = sqlx::query("DELETE FROM draft_links WHERE token_hash = $1 AND expires_at > $2 RETURNING draft_id")
        .bind(hash(token))
        .bind(&now)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(link) = link else { return Ok(None) };
    let fresh = new_token();
    let moved = sqlx::query("UPDATE drafts SET token_hash = $1, updated_at = $2 WHERE id = $3 AND expires_at > $2")
        .bind(hash(&fresh))
        .bind(&now)
        .bind(link.try_get::<i64, _>("draft_id")?)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((moved.rows_affected() == 1).then_some(fresh))
}

/// Queues "E-mail me this link" for a draft: at most one a minute (the outbox's unique
/// key), whatever the clicks.
pub async fn queue_resume_mail(db: &Db, draft_id: i64, now: jiff::Timestamp) -> Result<(), sqlx::Error> {
    let at = super::db::text_at(now);
    sqlx::query(
        "INSERT INTO patient_mails (kind, draft_id, dedupe, created_at, next_attempt_at) VALUES ('resume', $1, $2, $3, $3) \
         ON CONFLICT (dedupe) DO NOTHING",
    )
    .bind(draft_id)
    .bind(format!("resume:{draft_id}:{}", now.as_second() / 60))
    .bind(&at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Saves the answers and the errors of the step just posted.
pub async fn save(db: &Db, id: i64, answers: &Value, step: &str, errors: &[SavedError]) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE drafts SET answers = $1, errors_step = $2, errors = $3, updated_at = $4 WHERE id = $5")
        // Partial answers are health information too: sealed like an intake's.
        .bind(db.seal_value("drafts", id, "answers", &answers.to_string()))
        .bind(step)
        .bind(serde_json::to_string(errors).unwrap_or_else(|_| "[]".into()))
        .bind(now_text())
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Deletes expired drafts; returns how many. `/metrics` counts them apart: a draft
/// that never became an intake was abandoned.
pub async fn purge_expired(db: &Db) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM drafts WHERE expires_at <= $1 RETURNING intake_id")
        .bind(now_text())
        .fetch_all(&db.pool)
        .await?;
    let mut submitted = 0;
    for row in &deleted {
        if row.try_get::<Option<i64>, _>("intake_id")?.is_some() {
            submitted += 1;
        }
    }
    let all = deleted.len() as u64;
    sqlx::query("DELETE FROM draft_links WHERE expires_at <= $1").bind(now_text()).execute(&db.pool).await?;
    super::metrics::drafts_purged(all - submitted, submitted);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_hex_and_distinct() {
        let a = new_token();
        assert!(looks_like_token(&a));
        assert_ne!(a, new_token());
        assert_ne!(hash(&a), a);
        assert!(!looks_like_token("abc"));
        assert!(!looks_like_token(&a.to_uppercase()));
    }
}
