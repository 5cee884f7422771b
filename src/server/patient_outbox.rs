//! The patient's e-mails as they leave the outbox (`booking.md`): which reminders are
//! due, and each claimed `patient_mails` row turned into a message. The address comes
//! from the sealed answers and each link is a fresh secret made now, so the outbox holds
//! neither; a patient who gave no address gets nothing (the row is closed as such).
//! Claiming, retries and "sent once" are `notify`'s, shared with the clinic's e-mails.

use super::bookings::{self, Channel, MailKind};
use super::db::{text_at, Db};
use super::notify::NotifyError;
use super::patient_mail::{self, ConsultMail, PatientMail};
use crate::domain::booking::BookingPolicy;
use crate::domain::intake::Locale;
use crate::domain::values::Reference;
use crate::shared::clinic::ClinicInfo;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use lettre::message::Mailbox;
use lettre::Message;
use sqlx::Row;

/// `REMINDER_HOURS` when unset: two days and two hours before.
pub const DEFAULT_REMINDER_HOURS: [u32; 2] = [48, 2];

/// What the patient's e-mails say besides their row: the clinic, its zone and links.
#[derive(Debug, Clone)]
pub struct Context {
    pub clinic: ClinicInfo,
    pub tz: TimeZone,
    /// The app's address as patients reach it, without a trailing slash.
    pub public_url: String,
    pub policy: BookingPolicy,
    /// Hours before a consult that a reminder goes out (each once).
    pub reminder_hours: Vec<u32>,
}

/// Queues the reminders that are due at `now`: `h` hours before each booked consult,
/// once per consult, time and `h`. A consult booked or moved after its reminder time
/// gets none (its confirmation just went out).
pub async fn queue_reminders(db: &Db, hours: &[u32], now: Timestamp) -> Result<usize, sqlx::Error> {
    let Some(longest) = hours.iter().max() else { return Ok(0) };
    let rows = sqlx::query(
        "SELECT b.id, b.intake_id, b.uid, b.start_at, b.end_at, b.sequence, b.updated_at, i.reference FROM bookings b \
         JOIN intakes i ON i.id = b.intake_id \
         WHERE b.status = 'booked' AND b.start_at > $1 AND b.start_at <= $2",
    )
    .bind(text_at(now))
    .bind(text_at(now + SignedDuration::from_hours(i64::from(*longest))))
    .fetch_all(&db.pool)
    .await?;
    let mut queued = 0;
    for row in rows {
        let time = |c: &str| -> Result<Timestamp, sqlx::Error> {
            row.try_get::<String, _>(c)?.parse().map_err(|_| sqlx::Error::Decode("stored consult time".into()))
        };
        let (start, updated) = (time("start_at")?, time("updated_at")?);
        let consult = bookings::Consult {
            id: row.try_get("id")?,
            intake_id: row.try_get("intake_id")?,
            reference: Reference::parse(&row.try_get::<String, _>("reference")?)
                .map_err(|_| sqlx::Error::Decode("stored reference".into()))?,
            uid: row.try_get("uid")?,
            slot: crate::domain::booking::Slot { start, end: time("end_at")? },
            status: bookings::ConsultStatus::Booked,
            sequence: row.try_get("sequence")?,
        };
        for h in hours {
            let at = start - SignedDuration::from_hours(i64::from(*h));
            if at <= now && updated < at {
                let dedupe = format!("reminder:{}:{}:{h}", consult.id, text_at(start));
                bookings::queue_mail(&db.pool, MailKind::Reminder, consult.intake_id, Some(&consult), &dedupe, now)
                    .await?;
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// The columns `notify` claims a row with.
pub const RETURNING: &str = "kind, intake_id, draft_id, booking_id, sequence, start_at, end_at, created_at, attempts";

fn bad(column: &'static str) -> NotifyError {
    NotifyError::BadRow(column)
}

/// The message for a claimed row, or `None` when the patient gave no e-mail address.
pub async fn compose(
    db: &Db,
    ctx: &Context,
    (from, clinic): (&Mailbox, &Mailbox),
    row: &sqlx::any::AnyRow,
    now: Timestamp,
) -> Result<Option<Message>, NotifyError> {
    let kind = MailKind::parse(&row.try_get::<String, _>("kind").map_err(|_| bad("kind"))?).ok_or(bad("kind"))?;
    if kind == MailKind::Resume {
        let draft_id: i64 = row.try_get("draft_id").map_err(|_| bad("draft_id"))?;
        return resume_link(db, ctx, from, draft_id).await;
    }
    let intake_id: i64 = row.try_get("intake_id").map_err(|_| bad("intake_id"))?;
    let change = match kind {
        MailKind::ClinicBooked => Some(patient_mail::Change::Booked),
        MailKind::ClinicRescheduled => Some(patient_mail::Change::Rescheduled),
        MailKind::ClinicCancelled => Some(patient_mail::Change::Cancelled),
        _ => None,
    };
    if let Some(change) = change {
        return clinic_copy(db, ctx, (from, clinic), row, intake_id, change).await.map(Some);
    }
    let intake = sqlx::query("SELECT reference, locale, answers, created_at FROM intakes WHERE id = $1")
        .bind(intake_id)
        .fetch_one(&db.pool)
        .await?;
    let stored: String = intake.try_get("answers")?;
    let answers: serde_json::Value =
        serde_json::from_str(&db.open_value("intakes", intake_id, "answers", &stored)?).map_err(|_| bad("answers"))?;
    let Some(address) = answers["patient"]["email"].as_str().filter(|a| !a.is_empty()) else { return Ok(None) };
    let to: Mailbox = address.parse().map_err(|_| bad("e-mail address"))?;
    let locale = Locale::parse(&intake.try_get::<String, _>("locale")?).unwrap_or(Locale::En);
    let reference = Reference::parse(&intake.try_get::<String, _>("reference")?).map_err(|_| bad("reference"))?;
    let link = |token: String| format!("{}/consult/{token}", ctx.public_url);
    let submitted: Timestamp = intake.try_get::<String, _>("created_at")?.parse().map_err(|_| bad("created_at"))?;
    let mail = match kind {
        MailKind::Receipt | MailKind::Approved => {
            let may_book =
                bookings::patient_may_book(db, intake_id).await? && bookings::upcoming(db, intake_id).await?.is_none();
            let booking_url = if may_book {
                Some(link(bookings::issue_token(db, intake_id, submitted, Channel::Email).await?))
            } else {
                None
            };
            match (kind, booking_url) {
                (MailKind::Approved, Some(booking_url)) => PatientMail::Approved { reference, booking_url },
                // Booked or closed meanwhile: nothing to invite to.
                (MailKind::Approved, None) => return Ok(None),
                (_, booking_url) => {
                    let will_call = booking_url.is_none() && will_call(db, intake_id).await?;
                    PatientMail::Receipt { reference, booking_url, will_call }
                }
            }
        }
        MailKind::Confirmation | MailKind::Rescheduled | MailKind::Cancelled | MailKind::Reminder => {
            let booking_id: i64 = row.try_get("booking_id").map_err(|_| bad("booking_id"))?;
            let time = |c: &'static str| -> Result<Timestamp, NotifyError> {
                row.try_get::<String, _>(c).map_err(|_| bad(c))?.parse().map_err(|_| bad(c))
            };
            let uid: String = sqlx::query("SELECT uid FROM bookings WHERE id = $1")
                .bind(booking_id)
                .fetch_one(&db.pool)
                .await?
                .try_get("uid")?;
            let manage_url = if kind == MailKind::Cancelled {
                String::new()
            } else {
                link(bookings::manage_link(db, booking_id, now).await?)
            };
            let consult = ConsultMail {
                reference,
                uid,
                sequence: u32::try_from(row.try_get::<i64, _>("sequence").map_err(|_| bad("sequence"))?)
                    .map_err(|_| bad("sequence"))?,
                start: time("start_at")?,
                end: time("end_at")?,
                manage_url,
                stamp: time("created_at")?,
                change_cutoff_hours: ctx.policy.change_cutoff.get(),
                organizer: from.email.clone(),
                attendee: to.email.clone(),
            };
            match kind {
                MailKind::Confirmation => PatientMail::Confirmation(consult),
                MailKind::Rescheduled => PatientMail::Rescheduled(consult),
                MailKind::Cancelled => PatientMail::Cancelled(consult),
                _ => PatientMail::Reminder(consult),
            }
        }
        MailKind::Resume | MailKind::ClinicBooked | MailKind::ClinicRescheduled | MailKind::ClinicCancelled => {
            return Ok(None)
        }
    };
    let rendered = patient_mail::render(&mail, locale, &ctx.clinic, &ctx.tz);
    patient_mail::message(from, &to, &rendered).map(Some).map_err(|e| NotifyError::Patient(e.to_string()))
}

/// "E-mail me this link": a fresh one-use link to the draft, to the address the patient
/// typed on the saved page. Nothing when the draft was submitted or has expired since.
async fn resume_link(db: &Db, ctx: &Context, from: &Mailbox, draft_id: i64) -> Result<Option<Message>, NotifyError> {
    let row = sqlx::query("SELECT answers FROM drafts WHERE id = $1 AND intake_id IS NULL")
        .bind(draft_id)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let stored: String = row.try_get("answers")?;
    let answers: serde_json::Value =
        serde_json::from_str(&db.open_value("drafts", draft_id, "answers", &stored)?).map_err(|_| bad("answers"))?;
    let Some(address) = answers["patient"]["email"].as_str().filter(|a| !a.is_empty()) else { return Ok(None) };
    let to: Mailbox = address.parse().map_err(|_| bad("e-mail address"))?;
    let locale = answers["locale"].as_str().and_then(Locale::parse).unwrap_or(Locale::En);
    let Some(token) = super::drafts::link_token(db, draft_id).await? else { return Ok(None) };
    let mail = PatientMail::ResumeLink { url: format!("{}/intake/resume/{token}", ctx.public_url) };
    let rendered = patient_mail::render(&mail, locale, &ctx.clinic, &ctx.tz);
    patient_mail::message(from, &to, &rendered).map(Some).map_err(|e| NotifyError::Patient(e.to_string()))
}

/// The clinic's copy of a booking change: the reference and the time, nothing else.
async fn clinic_copy(
    db: &Db,
    ctx: &Context,
    (from, clinic): (&Mailbox, &Mailbox),
    row: &sqlx::any::AnyRow,
    intake_id: i64,
    change: patient_mail::Change,
) -> Result<Message, NotifyError> {
    let reference: String = sqlx::query("SELECT reference FROM intakes WHERE id = $1")
        .bind(intake_id)
        .fetch_one(&db.pool)
        .await?
        .try_get("reference")?;
    let start: Timestamp =
        row.try_get::<String, _>("start_at").map_err(|_| bad("start_at"))?.parse().map_err(|_| bad("start_at"))?;
    let copy = patient_mail::ClinicCopy {
        reference: Reference::parse(&reference).map_err(|_| bad("reference"))?,
        start,
        change,
    };
    let text = patient_mail::render_clinic_copy(&copy, &ctx.tz);
    Ok(Message::builder()
        .from(from.clone())
        .to(clinic.clone())
        .subject(text.subject)
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(text.text)?)
}

/// Whether the clinic will call this patient (a clinician reviews the answers, or the
/// clinic books the consult by phone); not after an emergency, urgent-care or "not yet"
/// outcome, where the result page said what to do instead.
async fn will_call(db: &Db, intake_id: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT outcome FROM screening_results WHERE intake_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(intake_id)
        .fetch_optional(&db.pool)
        .await?;
    let outcome: Option<String> = row.map(|r| r.try_get("outcome")).transpose()?;
    Ok(matches!(outcome.as_deref(), Some("clinician_review" | "consult_recommended")))
}
