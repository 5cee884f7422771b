//! Storing submitted intakes with their screening result.

use super::db::{now_text, Db};
use crate::domain::intake::{IntakeAnswers, Plan};
use crate::domain::staff::{pin_rank, priority, VerificationStatus};
use crate::domain::screening::Evaluation;
use crate::domain::values::Reference;
use jiff::civil::Date;
use rand::Rng;
use sqlx::Row;

/// How often a fresh reference is drawn when one is already taken. With 40 bits and a
/// clinic's volume a single collision is already unlikely; five in a row means a bug.
const REFERENCE_ATTEMPTS: usize = 5;

/// A stored intake's row id and reference.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub reference: Reference,
}

/// Stores the answers and their evaluation in one transaction and returns the new
/// reference. When this returns, the rows are committed (and, with SQLite
/// `synchronous=FULL` or PostgreSQL's default `synchronous_commit=on`, on disk).
pub async fn insert(
    db: &Db,
    answers: &IntakeAnswers,
    evaluation: &Evaluation,
    evaluated_on: Date,
) -> Result<Stored, sqlx::Error> {
    let answers_json = serde_json::to_string(answers).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let reasons_json = serde_json::to_string(&evaluation.reasons).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let scores_json = serde_json::to_string(&evaluation.scores).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;

    let mut attempt = 0;
    loop {
        attempt += 1;
        let reference = Reference::from_bits(rand::rng().random::<u64>() & 0xFF_FFFF_FFFF);
        let now = now_text();
        let mut tx = db.pool.begin().await?;
        let patient = &answers.patient;
        let inserted = sqlx::query(
            "INSERT INTO intakes (reference, schema_version, locale, answers, status, created_at, updated_at, \
             first_name, last_name, search_name, date_of_birth, plan, outcome, safety_alert, pin_rank, verification_status) \
             VALUES ($1, $2, $3, $4, 'new', $5, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(reference.compact())
        .bind(i64::from(answers.schema_version))
        .bind(answers.locale.as_str())
        // Sealed below, once the row id (the associated data) exists.
        .bind("")
        .bind(&now)
        .bind(patient.first_name.as_str())
        .bind(patient.last_name.as_str())
        .bind(format!("{} {}", patient.first_name.as_str(), patient.last_name.as_str()).to_lowercase())
        .bind(patient.date_of_birth.to_string())
        .bind(answers.insurance.plan.as_str())
        .bind(evaluation.outcome.as_str())
        .bind(i64::from(evaluation.safety_alert))
        .bind(pin_rank(evaluation.outcome, evaluation.safety_alert))
        .bind(if answers.insurance.plan == Plan::SelfPay {
            VerificationStatus::SelfPay.as_str()
        } else {
            VerificationStatus::Unverified.as_str()
        })
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get("id")?,
            Err(e) if is_unique_violation(&e) && attempt < REFERENCE_ATTEMPTS => continue,
            Err(e) => return Err(e),
        };
        sqlx::query("UPDATE intakes SET answers = $1 WHERE id = $2")
            .bind(db.seal_value("intakes", id, "answers", &answers_json))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO screening_results \
             (intake_id, rules_version, outcome, safety_alert, reasons, scores, evaluated_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(&evaluation.rules_version)
        .bind(evaluation.outcome.as_str())
        .bind(i64::from(evaluation.safety_alert))
        .bind(&reasons_json)
        .bind(&scores_json)
        .bind(evaluated_on.to_string())
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        // The clinic's e-mail goes out from this outbox (server::notify), so a slow or
        // failing mail server never delays or loses the submission.
        sqlx::query(
            "INSERT INTO notifications (intake_id, reference, priority, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(id)
        .bind(reference.compact())
        .bind(priority(evaluation.outcome, evaluation.safety_alert).as_str())
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(Stored { id, reference });
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}

/// A stored intake as read back (for tests now; the staff screens later).
#[derive(Debug, Clone)]
pub struct StoredIntake {
    pub reference: Reference,
    pub answers: IntakeAnswers,
    pub outcome: String,
    pub safety_alert: bool,
    pub rules_version: String,
    pub reasons: serde_json::Value,
    pub status: String,
}

/// Reads one intake and its latest screening result by reference.
pub async fn find(db: &Db, reference: &Reference) -> Result<Option<StoredIntake>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT i.id, i.reference, i.answers, i.status, s.outcome, s.safety_alert, s.rules_version, s.reasons \
         FROM intakes i JOIN screening_results s ON s.intake_id = i.id \
         WHERE i.reference = $1 ORDER BY s.id DESC LIMIT 1",
    )
    .bind(reference.compact())
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let decode = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
    let answers = db.open_value("intakes", row.try_get("id")?, "answers", &row.try_get::<String, _>("answers")?)?;
    let reasons: String = row.try_get("reasons")?;
    let reference: String = row.try_get("reference")?;
    Ok(Some(StoredIntake {
        reference: Reference::parse(&reference).map_err(|_| sqlx::Error::Decode("bad stored reference".into()))?,
        answers: serde_json::from_str(&answers).map_err(decode)?,
        outcome: row.try_get("outcome")?,
        safety_alert: row.try_get::<i64, _>("safety_alert")? != 0,
        rules_version: row.try_get("rules_version")?,
        reasons: serde_json::from_str(&reasons).map_err(decode)?,
        status: row.try_get("status")?,
    }))
}

/// How many intakes are stored.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM intakes").fetch_one(&db.pool).await?.try_get("n")
}

/// The latest screening result of an intake, by row id (for the patient's result page).
pub async fn result_of(db: &Db, intake_id: i64) -> Result<Option<StoredResult>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT i.reference, s.outcome, s.safety_alert, s.reasons FROM intakes i \
         JOIN screening_results s ON s.intake_id = i.id WHERE i.id = $1 ORDER BY s.id DESC LIMIT 1",
    )
    .bind(intake_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let reference: String = row.try_get("reference")?;
    let reasons: String = row.try_get("reasons")?;
    Ok(Some(StoredResult {
        reference: Reference::parse(&reference).map_err(|_| sqlx::Error::Decode("bad stored reference".into()))?,
        outcome: row.try_get("outcome")?,
        safety_alert: row.try_get::<i64, _>("safety_alert")? != 0,
        reasons: serde_json::from_str(&reasons).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
    }))
}

#[derive(Debug, Clone)]
pub struct StoredResult {
    pub reference: Reference,
    pub outcome: String,
    pub safety_alert: bool,
    pub reasons: Vec<crate::domain::screening::Reason>,
}
