//! Callback requests from the emergency page (`safety-followup.md`): a patient whose
//! answer to a 911 red flag stopped the wizard, and who left a name and a phone number,
//! gets an emergency follow-up like a submission does. The request and its follow-up
//! are written in one transaction, once per draft (UNIQUE), so a double click or a retry
//! asks once. Name and phone are sealed like the answers.

use super::db::{text_at, Db};
use super::intakes::random_reference;
use crate::domain::followup::{Priority, Windows};
use crate::domain::intake::Locale;
use crate::domain::values::{PersonName, Phone, Reference};
use jiff::Timestamp;
use sqlx::Row;

/// What the patient left on the emergency page.
#[derive(Debug, Clone)]
pub struct Request {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub phone: Phone,
    pub locale: Locale,
    /// The codes of the 911 red flags answered yes (`clinical.red_flags.<code>`).
    pub red_flags: Vec<String>,
}

/// A stored request, as the staff page shows it to clinicians.
#[derive(Debug, Clone)]
pub struct Callback {
    pub id: i64,
    pub reference: Reference,
    pub name: String,
    pub phone: String,
    pub locale: Locale,
    pub red_flags: Vec<String>,
    pub created_at: String,
}

fn decode(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored callback {what}").into())
}

/// Stores the request and opens its emergency follow-up, unless this draft asked
/// already. Returns the request's reference either way.
pub async fn request(
    db: &Db,
    draft_id: i64,
    request: &Request,
    windows: &Windows,
    now: Timestamp,
) -> Result<Reference, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let reference = random_reference();
    let red_flags = serde_json::to_string(&request.red_flags).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let inserted = sqlx::query(
        "INSERT INTO callbacks (reference, draft_id, locale, name, phone, red_flags, created_at) \
         VALUES ($1, $2, $3, '', '', $4, $5) ON CONFLICT (draft_id) DO NOTHING RETURNING id",
    )
    .bind(reference.compact())
    .bind(draft_id)
    .bind(request.locale.as_str())
    .bind(&red_flags)
    .bind(text_at(now))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(inserted) = inserted else {
        // Asked before: the first request and its follow-up stand.
        let reference: String = sqlx::query("SELECT reference FROM callbacks WHERE draft_id = $1")
            .bind(draft_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("reference")?;
        return Reference::parse(&reference).map_err(|_| decode("reference"));
    };
    let id: i64 = inserted.try_get("id")?;
    // Sealed with the row's own id, so only now.
    let name = format!("{} {}", request.first_name.as_str(), request.last_name.as_str());
    sqlx::query("UPDATE callbacks SET name = $1, phone = $2 WHERE id = $3")
        .bind(db.seal_value("callbacks", id, "name", &name))
        .bind(db.seal_value("callbacks", id, "phone", request.phone.as_str()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO follow_ups (callback_id, priority, opened_at, deadline) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(Priority::Emergency.as_str())
        .bind(text_at(now))
        .bind(text_at(windows.deadline(Priority::Emergency, now)))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(reference)
}

/// Whether this draft has asked for a call.
pub async fn of_draft(db: &Db, draft_id: i64) -> Result<Option<Reference>, sqlx::Error> {
    let row = sqlx::query("SELECT reference FROM callbacks WHERE draft_id = $1")
        .bind(draft_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| Reference::parse(&r.try_get::<String, _>("reference")?).map_err(|_| decode("reference"))).transpose()
}

/// The request a reference names, with its name and phone opened.
pub async fn find(db: &Db, reference: &Reference) -> Result<Option<Callback>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, reference, locale, name, phone, red_flags, created_at FROM callbacks WHERE reference = $1",
    )
    .bind(reference.compact())
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("id")?;
    let red_flags: String = row.try_get("red_flags")?;
    Ok(Some(Callback {
        id,
        reference: Reference::parse(&row.try_get::<String, _>("reference")?).map_err(|_| decode("reference"))?,
        name: db.open_value("callbacks", id, "name", &row.try_get::<String, _>("name")?)?,
        phone: db.open_value("callbacks", id, "phone", &row.try_get::<String, _>("phone")?)?,
        locale: Locale::parse(&row.try_get::<String, _>("locale")?).ok_or_else(|| decode("locale"))?,
        red_flags: serde_json::from_str(&red_flags).map_err(|_| decode("red flags"))?,
        created_at: row.try_get("created_at")?,
    }))
}
