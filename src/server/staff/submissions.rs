//! One submission as staff work on it: reading it with its notes and status history,
//! moving it along the workflow, assigning it, and adding notes.

use crate::domain::intake::IntakeAnswers;
use crate::domain::screening::{Evaluation, Outcome};
use crate::domain::staff::{VerificationStatus, WorkflowStatus};
use crate::domain::values::Reference;
use crate::server::db::{now_text, Db};
use sqlx::Row;

/// The longest note, in characters.
pub const NOTE_MAX: usize = 4000;

/// A stored submission with everything the submission page and exports need.
#[derive(Debug, Clone)]
pub struct Submission {
    pub id: i64,
    pub reference: Reference,
    pub answers: IntakeAnswers,
    /// The answers JSON as stored (the page groups it as the patient saw it).
    pub answers_json: serde_json::Value,
    pub evaluation: Evaluation,
    pub status: WorkflowStatus,
    pub verification: VerificationStatus,
    pub assignee: Option<String>,
    pub created_at: String,
}

/// What the patient agreed to, as stored with the intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreedConsent {
    /// The wording's version (`shared::consent::VERSIONS`).
    pub version: String,
    /// `en` or `es`: the language it was shown in.
    pub locale: String,
    /// SHA-256 (hex) of the text as shown.
    pub sha256: String,
    /// When it was agreed (the intake's time), as stored.
    pub at: String,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub author: String,
    pub at: String,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct Change {
    pub from: WorkflowStatus,
    pub to: WorkflowStatus,
    pub by: String,
    pub at: String,
}

fn decode(what: &str) -> impl Fn(serde_json::Error) -> sqlx::Error + '_ {
    move |e| sqlx::Error::Decode(format!("stored {what}: {e}").into())
}

pub async fn find(db: &Db, reference: &Reference) -> Result<Option<Submission>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT i.id, i.reference, i.answers, i.status, i.verification_status, i.created_at, u.name AS assignee, \
         s.outcome, s.safety_alert, s.reasons, s.scores, s.rules_version \
         FROM intakes i JOIN screening_results s ON s.intake_id = i.id LEFT JOIN users u ON u.id = i.assignee_id \
         WHERE i.reference = $1 ORDER BY s.id DESC LIMIT 1",
    )
    .bind(reference.compact())
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let answers_text =
        db.open_value("intakes", row.try_get("id")?, "answers", &row.try_get::<String, _>("answers")?)?;
    let answers_json: serde_json::Value = serde_json::from_str(&answers_text).map_err(decode("answers"))?;
    let answers: IntakeAnswers = serde_json::from_value(answers_json.clone()).map_err(decode("answers"))?;
    let bad = |w: &str| sqlx::Error::Decode(format!("stored {w}").into());
    let evaluation = Evaluation {
        outcome: Outcome::parse(&row.try_get::<String, _>("outcome")?).ok_or_else(|| bad("outcome"))?,
        reasons: serde_json::from_str(&row.try_get::<String, _>("reasons")?).map_err(decode("reasons"))?,
        safety_alert: row.try_get::<i64, _>("safety_alert")? != 0,
        scores: serde_json::from_str(&row.try_get::<String, _>("scores")?).map_err(decode("scores"))?,
        rules_version: row.try_get("rules_version")?,
    };
    Ok(Some(Submission {
        id: row.try_get("id")?,
        reference: reference.clone(),
        answers,
        answers_json,
        evaluation,
        status: WorkflowStatus::parse(&row.try_get::<String, _>("status")?).ok_or_else(|| bad("status"))?,
        verification: VerificationStatus::parse(&row.try_get::<String, _>("verification_status")?)
            .ok_or_else(|| bad("verification status"))?,
        assignee: row.try_get("assignee")?,
        created_at: row.try_get("created_at")?,
    }))
}

/// The consent an intake was stored with; `None` for intakes from before versions were kept.
pub async fn consent(db: &Db, intake_id: i64) -> Result<Option<AgreedConsent>, sqlx::Error> {
    let row = sqlx::query("SELECT version, locale, sha256, created_at FROM intake_consents WHERE intake_id = $1")
        .bind(intake_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(AgreedConsent {
            version: r.try_get("version")?,
            locale: r.try_get("locale")?,
            sha256: r.try_get("sha256")?,
            at: r.try_get("created_at")?,
        })
    })
    .transpose()
}

pub async fn notes(db: &Db, intake_id: i64) -> Result<Vec<Note>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT u.name, n.created_at, n.body FROM notes n JOIN users u ON u.id = n.user_id \
         WHERE n.intake_id = $1 ORDER BY n.id",
    )
    .bind(intake_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok(Note { author: r.try_get("name")?, at: r.try_get("created_at")?, body: r.try_get("body")? }))
        .collect()
}

pub async fn history(db: &Db, intake_id: i64) -> Result<Vec<Change>, sqlx::Error> {
    let rows = sqlx::query(
        // No account: the patient booked or cancelled online (booking.md).
        "SELECT h.from_status, h.to_status, COALESCE(u.name, 'the patient, online') AS name, h.at \
         FROM status_history h LEFT JOIN users u ON u.id = h.user_id WHERE h.intake_id = $1 ORDER BY h.id",
    )
    .bind(intake_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let status = |c: &str| -> Result<WorkflowStatus, sqlx::Error> {
                WorkflowStatus::parse(&r.try_get::<String, _>(c)?)
                    .ok_or_else(|| sqlx::Error::Decode("stored status".into()))
            };
            Ok(Change {
                from: status("from_status")?,
                to: status("to_status")?,
                by: r.try_get("name")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("a submission cannot move from {from} to {to}")]
    NotAllowed { from: WorkflowStatus, to: WorkflowStatus },
    /// Someone else changed the status first; the page shows the current one.
    #[error("the status was changed by someone else in the meantime")]
    Conflict,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Moves a submission from `from` (what the user saw) to `to`, recording who and when.
pub async fn change_status(
    db: &Db,
    intake_id: i64,
    from: WorkflowStatus,
    to: WorkflowStatus,
    user_id: i64,
) -> Result<(), ChangeError> {
    if !from.can_move_to(to) {
        return Err(ChangeError::NotAllowed { from, to });
    }
    let now = now_text();
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query("UPDATE intakes SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2")
        .bind(intake_id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(ChangeError::Conflict);
    }
    sqlx::query(
        "INSERT INTO status_history (intake_id, from_status, to_status, user_id, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(intake_id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(user_id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Assigns a submission to a staff member (or to nobody).
pub async fn assign(db: &Db, intake_id: i64, user_id: Option<i64>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE intakes SET assignee_id = $2, updated_at = $3 WHERE id = $1")
        .bind(intake_id)
        .bind(user_id)
        .bind(now_text())
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn add_note(db: &Db, intake_id: i64, user_id: i64, body: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO notes (intake_id, user_id, body, created_at) VALUES ($1, $2, $3, $4)")
        .bind(intake_id)
        .bind(user_id)
        .bind(body)
        .bind(now_text())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Enabled clinicians and admins: who a submission can be assigned to.
pub async fn assignable(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name FROM users WHERE disabled = 0 AND role IN ('clinician', 'admin') AND password_hash IS NOT NULL ORDER BY name",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("name")?))).collect()
}
