//! Staff accounts in the database: creation and invitations, roles, disabling, password
//! and two-factor secrets, and the counters behind the sign-in limits.
//!
//! Ending a user's sessions is done by raising `session_epoch`: every session remembers
//! the epoch it was signed in under and is refused once they differ. That works across
//! app instances without finding the sessions themselves.

use crate::domain::staff::Role;
use crate::server::crypto::{is_sealed, record_aad, Keyring};
use crate::server::db::{now_text, text_in, Db};
use crate::shared::staff::AccountRow;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

/// After this many consecutive failures each further attempt waits, doubling each time.
pub const FREE_FAILURES: i64 = 5;
/// The longest wait between attempts.
pub const MAX_DELAY_SECS: i64 = 15 * 60;
/// At most this many failures an hour per account.
pub const HOURLY_FAILURES: i64 = 100;
/// How long an invitation link works.
pub const INVITATION_HOURS: i64 = 72;

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub disabled: bool,
    pub session_epoch: i64,
    pub failed_sign_ins: i64,
    pub locked_until: Option<String>,
    pub created_at: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("an account with this e-mail already exists")]
    Duplicate,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

const COLUMNS: &str = "id, email, name, role, password_hash, totp_secret, totp_last_step, disabled, \
                       session_epoch, failed_sign_ins, locked_until, created_at";

fn role_of(row: &AnyRow) -> Result<Role, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Role::parse(&role).ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))
}

fn user_of(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: role_of(row)?,
        password_hash: row.try_get("password_hash")?,
        totp_secret: row.try_get("totp_secret")?,
        totp_last_step: row.try_get("totp_last_step")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        session_epoch: row.try_get("session_epoch")?,
        failed_sign_ins: row.try_get("failed_sign_ins")?,
        locked_until: row.try_get("locked_until")?,
        created_at: row.try_get("created_at")?,
    })
}

/// What every staff request checks of its account (see `sessions::current`), with the
/// queue's version read in the same statement.
#[derive(Debug, Clone)]
pub struct Standing {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub session_epoch: i64,
    /// `queue_version` at the same moment (see `queue::page`).
    pub queue_version: i64,
}

/// The account of a staff request and the queue's version, in one trip to the database.
///
/// Every staff request reads its account, so a disabled or signed-out-everywhere account
/// is refused at once on every instance. The queue page, the page staff reload most,
/// also needs the version to know whether its cached page still stands; read apart, the
/// two were two trips of the three such a view makes (BENCHMARKS.md, fourth round).
pub async fn standing(db: &Db, id: i64) -> Result<Option<Standing>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, email, name, role, disabled, session_epoch, (SELECT n FROM queue_version WHERE id = 1) AS queue_version \
         FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Standing {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: role_of(&row)?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        session_epoch: row.try_get("session_epoch")?,
        queue_version: row.try_get("queue_version")?,
    }))
}

/// E-mail addresses are compared lower-cased and trimmed.
pub fn normal_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Creates an account; without a password hash it is an invitation waiting to be accepted.
pub async fn create(
    db: &Db,
    email: &str,
    name: &str,
    role: Role,
    password_hash: Option<&str>,
) -> Result<i64, AccountError> {
    let now = now_text();
    let row = sqlx::query(
        "INSERT INTO users (email, name, role, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(normal_email(email))
    .bind(name.trim())
    .bind(role.as_str())
    .bind(password_hash)
    .bind(&now)
    .fetch_one(&db.pool)
    .await;
    match row {
        Ok(row) => Ok(row.try_get("id")?),
        Err(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => Err(AccountError::Duplicate),
        Err(e) => Err(e.into()),
    }
}

pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE email = $1"))
        .bind(normal_email(email))
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(user_of).transpose()
}

pub async fn find(db: &Db, id: i64) -> Result<Option<User>, sqlx::Error> {
    let row =
        sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1")).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(user_of).transpose()
}

/// Every account, as the account list shows it (no secrets).
pub async fn list(db: &Db) -> Result<Vec<AccountRow>, sqlx::Error> {
    let rows =
        sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY disabled, name, id")).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|row| {
            let u = user_of(row)?;
            Ok(AccountRow {
                id: u.id,
                email: u.email,
                name: u.name,
                role: u.role,
                disabled: u.disabled,
                two_factor: u.totp_secret.is_some(),
                invited: u.password_hash.is_none(),
            })
        })
        .collect()
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(&db.pool).await?.try_get("n")
}

/// Ends every session of the account (sign-out everywhere, password or 2FA change).
pub async fn end_sessions(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now_text())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A new password; every other session of the account ends.
pub async fn set_password(db: &Db, id: i64, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1, updated_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(hash)
    .bind(now_text())
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn set_role(db: &Db, id: i64, role: Role) -> Result<(), sqlx::Error> {
    // A role change takes effect on the next request: sessions read the role afresh.
    sqlx::query("UPDATE users SET role = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(role.as_str())
        .bind(now_text())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Disabling ends the account's sessions at once; enabling lets it sign in again.
pub async fn set_disabled(db: &Db, id: i64, disabled: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET disabled = $2, session_epoch = session_epoch + 1, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(i64::from(disabled))
        .bind(now_text())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// How many enabled admins there are (the last one may not be disabled or demoted).
pub async fn active_admins(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}

/// The stored form of a TOTP secret: sealed under the account's row when a key is
/// configured (always, outside development mode).
pub fn seal_secret(keys: Option<&Keyring>, user_id: i64, secret: &str) -> String {
    match keys {
        Some(k) => k.seal_str(secret, &record_aad("users", user_id, "totp_secret")),
        None => secret.to_owned(),
    }
}

/// The TOTP secret of an account, opened; `None` when it cannot be read.
pub fn open_secret(keys: Option<&Keyring>, user_id: i64, stored: &str) -> Option<String> {
    if !is_sealed(stored) {
        return Some(stored.to_owned());
    }
    keys?.open_str(stored, &record_aad("users", user_id, "totp_secret")).ok()
}

/// Stores a confirmed two-factor secret with fresh recovery codes (hashes), replacing
/// earlier ones, and ends the account's other sessions.
pub async fn enrol_two_factor(
    db: &Db,
    id: i64,
    secret: &str,
    step: i64,
    recovery_hashes: &[String],
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "UPDATE users SET totp_secret = $2, totp_last_step = $3, session_epoch = session_epoch + 1, updated_at = $4 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(secret)
    .bind(step)
    .bind(now_text())
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
    for hash in recovery_hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(id)
            .bind(hash)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// Records that the code of `step` was used; false when that step (or a later one) was
/// already used, which makes a replayed code fail even across app instances.
pub async fn use_totp_step(db: &Db, id: i64, step: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
    )
    .bind(id)
    .bind(step)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses up a recovery code; false when it is unknown or already used.
pub async fn use_recovery_code(db: &Db, id: i64, hash: &str) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL")
            .bind(id)
            .bind(hash)
            .bind(now_text())
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn recovery_codes_left(db: &Db, id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(id)
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}

/// The wait after `failures` consecutive failures: none for the first five, then 1 s,
/// 2 s, 4 s ... up to 15 minutes.
pub fn delay_after(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        0
    } else {
        let doublings = (failures - FREE_FAILURES).min(20) as u32;
        (1i64 << doublings).min(MAX_DELAY_SECS)
    }
}

/// Counts a failed attempt; returns the failures of the last hour.
pub async fn record_failure(db: &Db, id: i64) -> Result<i64, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let failures: i64 =
        sqlx::query("UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE id = $1 RETURNING failed_sign_ins")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("failed_sign_ins")?;
    let delay = delay_after(failures);
    if delay > 0 {
        sqlx::query("UPDATE users SET locked_until = $2 WHERE id = $1")
            .bind(id)
            .bind(text_in(delay))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("INSERT INTO sign_in_failures (user_id, at) VALUES ($1, $2)")
        .bind(id)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
    let hourly: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sign_in_failures WHERE user_id = $1 AND at > $2")
        .bind(id)
        .bind(text_in(-3600))
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    tx.commit().await?;
    Ok(hourly)
}

pub async fn failures_last_hour(db: &Db, id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM sign_in_failures WHERE user_id = $1 AND at > $2")
        .bind(id)
        .bind(text_in(-3600))
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}

/// A successful sign-in clears the consecutive count (the hourly rows age out).
pub async fn clear_failures(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Drops failure rows older than an hour (they only feed the hourly cap).
pub async fn purge_failures(db: &Db) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
        .bind(text_in(-3600))
        .execute(&db.pool)
        .await?
        .rows_affected())
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A new invitation link token for an account (256 bits, hex); only its hash is stored.
pub async fn invite(db: &Db, user_id: i64) -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    sqlx::query("INSERT INTO invitations (token_hash, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(text_in(INVITATION_HOURS * 3600))
        .bind(now_text())
        .execute(&db.pool)
        .await?;
    Ok(token)
}

/// The account an unused, unexpired invitation is for.
pub async fn invitation(db: &Db, token: &str) -> Result<Option<User>, sqlx::Error> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let row =
        sqlx::query("SELECT user_id FROM invitations WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
            .bind(token_hash(token))
            .bind(now_text())
            .fetch_optional(&db.pool)
            .await?;
    match row {
        Some(row) => find(db, row.try_get("user_id")?).await,
        None => Ok(None),
    }
}

/// Uses the invitation and sets the account's first password; false if the link was
/// used or expired in the meantime.
pub async fn accept_invitation(db: &Db, token: &str, password_hash: &str) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let row = sqlx::query(
        "UPDATE invitations SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
    )
    .bind(token_hash(token))
    .bind(now_text())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let user_id: i64 = row.try_get("user_id")?;
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(user_id)
        .bind(password_hash)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(user_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_doubles_after_five_failures_up_to_a_cap() {
        assert_eq!((0..5).map(delay_after).sum::<i64>(), 0);
        assert_eq!(delay_after(5), 1);
        assert_eq!(delay_after(6), 2);
        assert_eq!(delay_after(10), 32);
        assert_eq!(delay_after(50), MAX_DELAY_SECS);
        assert_eq!(delay_after(10_000), MAX_DELAY_SECS);
    }
}
