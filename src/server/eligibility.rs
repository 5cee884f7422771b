//! Writing the 270 eligibility inquiry for a stored intake, shared by the command line
//! (`x12 build-270`) and the staff download: the clinic's identifiers from settings, the
//! payer IDs from the payer directory, dates in the clinic's time zone, and control
//! numbers from the database.

use super::config::X12Args;
use super::db::{now_text, Db};
use crate::domain::intake::IntakeAnswers;
use crate::domain::values::Reference;
use crate::x12::{build_270, EligibilityInquiry, Envelope, Npi, PayerDirectory, Provider, Submitter, Usage, X12Error};
use jiff::tz::TimeZone;
use sqlx::Row;

/// The clinic's side of every inquiry.
#[derive(Debug, Clone)]
pub struct Clinic {
    pub name: String,
    pub npi: Npi,
    pub x12: X12Args,
    pub timezone: TimeZone,
}

/// Why no 270 was written: the intake or settings cannot make one (an [`X12Error`], for
/// the person asking), or no control number could be drawn (the database's fault).
#[derive(Debug, thiserror::Error)]
pub enum InquiryError {
    #[error(transparent)]
    X12(#[from] X12Error),
    #[error("cannot draw an X12 control number: {0}")]
    Database(#[from] sqlx::Error),
    #[error("every X12 control number (1 to 999999999) has been used")]
    Exhausted,
}

/// The largest ISA13: nine digits.
const MAX_CONTROL_NUMBER: i64 = 999_999_999;

/// A control number no other 270 has had or will have, on any instance sharing this
/// database: the id of a new row of `x12_control_numbers` (migration 8). Clearinghouses
/// refuse a repeated ISA13, and numbers taken from the clock repeated within a second.
pub async fn next_control_number(db: &Db) -> Result<u32, InquiryError> {
    let row = sqlx::query("INSERT INTO x12_control_numbers (created_at) VALUES ($1) RETURNING id")
        .bind(now_text())
        .fetch_one(&db.pool)
        .await?;
    let id: i64 = row.try_get("id")?;
    // PostgreSQL's sequence stops at the maximum; SQLite's AUTOINCREMENT does not.
    match u32::try_from(id) {
        Ok(n) if (1..=MAX_CONTROL_NUMBER).contains(&id) => Ok(n),
        _ => Err(InquiryError::Exhausted),
    }
}

/// The 270 for one intake, as of now, under a control number drawn for it. The number
/// is drawn first, so a 270 that then cannot be written leaves a gap: X12 asks for
/// unique control numbers, not consecutive ones.
pub async fn inquiry(
    db: &Db,
    clinic: &Clinic,
    payers: PayerDirectory,
    answers: &IntakeAnswers,
    reference: &Reference,
) -> Result<String, InquiryError> {
    let control = next_control_number(db).await?;
    let now = jiff::Timestamp::now().to_zoned(clinic.timezone.clone());
    let submitter = Submitter {
        provider: Provider { name: clinic.name.to_uppercase(), npi: clinic.npi.clone() },
        originator_id: clinic.x12.originator_id.clone(),
        payers,
        service_types: vec!["30".into()],
    };
    // One functional group per interchange, so one number serves ISA13, GS06 and BHT03.
    let envelope = Envelope {
        sender_id: clinic.x12.sender_id.clone(),
        receiver_id: clinic.x12.receiver_id.clone(),
        interchange_control_number: control,
        group_control_number: control,
        created: now.datetime(),
        usage: if clinic.x12.production { Usage::Production } else { Usage::Test },
    };
    let inquiry = EligibilityInquiry::from_intake(answers, reference, &submitter, envelope, now.date())?;
    Ok(build_270(&inquiry)?)
}
