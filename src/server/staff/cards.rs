//! Insurance-card photos in the database (`card_images`): stored with metadata already
//! removed (`server::images`), sealed with the clinic's key (`server::crypto`) under the
//! row's own id, attached to a draft until the patient submits, then to the intake.
//! Only signed-in staff can read them back.

use crate::server::crypto::Keyring;
use crate::server::db::{now_text, Db};
use crate::server::images::CleanImage;
use base64::Engine;
use sqlx::Row;

/// Without a key (development only) images are kept as plain base64 behind this prefix.
const PLAIN: &str = "plain:";

fn aad(id: i64) -> String {
    format!("card_images:{id}:data")
}

#[derive(Debug, thiserror::Error)]
pub enum CardError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("a stored card image cannot be opened: {0}")]
    Sealed(String),
}

/// Stores one side for a draft, replacing an earlier photo of that side.
pub async fn store(
    db: &Db,
    keys: Option<&Keyring>,
    draft_id: i64,
    side: &str,
    image: &CleanImage,
) -> Result<(), CardError> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("DELETE FROM card_images WHERE draft_id = $1 AND side = $2 AND intake_id IS NULL")
        .bind(draft_id)
        .bind(side)
        .execute(&mut *tx)
        .await?;
    // The row id is the associated data, so the row exists before its data is sealed.
    let id: i64 = sqlx::query(
        "INSERT INTO card_images (draft_id, side, mime, bytes, data, created_at) VALUES ($1, $2, $3, $4, '', $5) RETURNING id",
    )
    .bind(draft_id)
    .bind(side)
    .bind(image.kind().mime())
    .bind(image.bytes().len() as i64)
    .bind(now_text())
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let data = match keys {
        Some(keys) => keys.seal(image.bytes(), &aad(id)),
        None => format!("{PLAIN}{}", base64::engine::general_purpose::STANDARD.encode(image.bytes())),
    };
    sqlx::query("UPDATE card_images SET data = $2 WHERE id = $1").bind(id).bind(data).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes one side from a draft (the patient changed their mind).
pub async fn remove(db: &Db, draft_id: i64, side: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM card_images WHERE draft_id = $1 AND side = $2 AND intake_id IS NULL")
        .bind(draft_id)
        .bind(side)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Moves a submitted draft's photos to its intake.
pub async fn attach(db: &Db, draft_id: i64, intake_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE card_images SET intake_id = $2 WHERE draft_id = $1 AND intake_id IS NULL")
        .bind(draft_id)
        .bind(intake_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The sides on file for an intake, front first.
pub async fn sides(db: &Db, intake_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT side FROM card_images WHERE intake_id = $1 ORDER BY side DESC")
        .bind(intake_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| r.try_get("side")).collect()
}

/// One side of an intake's card: (mime type, image bytes).
pub async fn load(
    db: &Db,
    keys: Option<&Keyring>,
    intake_id: i64,
    side: &str,
) -> Result<Option<(String, Vec<u8>)>, CardError> {
    let row = sqlx::query(
        "SELECT id, mime, data FROM card_images WHERE intake_id = $1 AND side = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(intake_id)
    .bind(side)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("id")?;
    let data: String = row.try_get("data")?;
    let bytes = match data.strip_prefix(PLAIN) {
        Some(b64) => {
            base64::engine::general_purpose::STANDARD.decode(b64).map_err(|e| CardError::Sealed(e.to_string()))?
        }
        None => {
            let keys = keys.ok_or_else(|| CardError::Sealed("no encryption key is configured".into()))?;
            keys.open(&data, &aad(id)).map_err(|e| CardError::Sealed(e.to_string()))?
        }
    };
    Ok(Some((row.try_get("mime")?, bytes)))
}
