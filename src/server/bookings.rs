//! Consult hours and consults as stored (`booking.md`, migration 14): the hours the
//! admins set, the free slots (the domain's slots less the seats taken), the booking
//! token a patient books with, and booking, rescheduling and cancelling.
//!
//! Capacity is the database's to enforce: a consult takes a *seat* `1..=capacity` of its
//! slot and `(start_at, seat)` is unique among consults not cancelled, so however many
//! requests race, on one instance or several, a slot never holds more than its seats.
//! Every time is passed in (`now`), so tests decide what "now" is.

use super::db::{text_at, Db};
use crate::domain::booking::Slot;
use crate::domain::booking::{
    slot_at, slots, BookingPolicy, Capacity, ConsultHours, DateSpan, DayHours, SlotMinutes, SlotRefused, TimeRange,
    Weekday, Window,
};
use crate::domain::staff::WorkflowStatus;
use crate::domain::values::Reference;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use sqlx::Row;

/// How long a booking token lasts after the submission (`booking.md`: 30 days).
pub const TOKEN_DAYS: i64 = 30;

/// Why something about a booking could not be done. Each maps to one API error.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// The token is unknown or expired, or the submission may not be booked.
    #[error("unknown or expired link")]
    NotFound,
    /// The submission already has an upcoming consult: reschedule it instead.
    #[error("this submission already has a consult booked")]
    AlreadyBooked,
    /// Every seat of the slot is taken.
    #[error("this time is no longer free")]
    SlotTaken,
    /// Not the start of a consult slot, or outside the bookable window.
    #[error(transparent)]
    Refused(#[from] SlotRefused),
    /// Too close to the consult to change it online.
    #[error("the consult is too soon to change online")]
    TooLate,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Who made a change: the patient (online) or a staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Patient,
    Staff(i64),
}

impl Actor {
    fn user_id(self) -> Option<i64> {
        match self {
            Actor::Patient => None,
            Actor::Staff(id) => Some(id),
        }
    }
}

fn decode(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored {what} is not valid").into())
}

// Secrets are made and stored as the drafts' are: 256 random bits as hex, kept as SHA-256.
pub use super::drafts::looks_like_token;
use super::drafts::{hash, new_token as new_secret};

// ---------------------------------------------------------------------------------------
// Consult hours

/// The consult hours as stored. A weekday without a row is closed.
pub async fn hours(db: &Db) -> Result<ConsultHours, sqlx::Error> {
    let mut hours = ConsultHours::default();
    let config =
        sqlx::query("SELECT slot_minutes, capacity FROM consult_config WHERE id = 1").fetch_one(&db.pool).await?;
    let number = |c: &str| -> Result<u32, sqlx::Error> {
        u32::try_from(config.try_get::<i64, _>(c)?).map_err(|_| decode("consult configuration"))
    };
    hours.slot_minutes = SlotMinutes::parse(number("slot_minutes")?).map_err(|_| decode("slot length"))?;
    hours.capacity = Capacity::parse(number("capacity")?).map_err(|_| decode("capacity"))?;
    for row in sqlx::query("SELECT weekday, ranges FROM consult_days").fetch_all(&db.pool).await? {
        let weekday = Weekday::ALL
            .get(usize::try_from(row.try_get::<i64, _>("weekday")?).map_err(|_| decode("weekday"))?)
            .copied()
            .ok_or_else(|| decode("weekday"))?;
        let ranges: String = row.try_get("ranges")?;
        let day = if ranges.is_empty() {
            DayHours::closed()
        } else {
            DayHours::parse(&ranges).map_err(|_| decode("hours"))?
        };
        hours.set_day(weekday, day);
    }
    for row in sqlx::query("SELECT day FROM consult_closed").fetch_all(&db.pool).await? {
        let day: String = row.try_get("day")?;
        hours.closed.insert(day.parse::<Date>().map_err(|_| decode("closed date"))?);
    }
    for row in
        sqlx::query("SELECT day, range_text FROM consult_extra ORDER BY day, range_text").fetch_all(&db.pool).await?
    {
        let (day, range): (String, String) = (row.try_get("day")?, row.try_get("range_text")?);
        let day = day.parse::<Date>().map_err(|_| decode("extra date"))?;
        hours.extra.push((day, TimeRange::parse(&range).map_err(|_| decode("extra range"))?));
    }
    Ok(hours)
}

/// Replaces one weekday's ranges (closed: no ranges).
pub async fn set_day(db: &Db, weekday: Weekday, day: &DayHours, now: Timestamp) -> Result<(), sqlx::Error> {
    let ranges = if day.is_closed() { String::new() } else { day.to_string() };
    sqlx::query(
        "INSERT INTO consult_days (weekday, ranges, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (weekday) DO UPDATE SET ranges = excluded.ranges, updated_at = excluded.updated_at",
    )
    .bind(weekday.index() as i64)
    .bind(ranges)
    .bind(text_at(now))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Sets the slot length and the capacity of every slot (either or both).
pub async fn set_slots(
    db: &Db,
    slot_minutes: Option<SlotMinutes>,
    capacity: Option<Capacity>,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE consult_config SET slot_minutes = COALESCE($1, slot_minutes), capacity = COALESCE($2, capacity), \
         updated_at = $3 WHERE id = 1",
    )
    .bind(slot_minutes.map(|m| i64::from(m.get())))
    .bind(capacity.map(|c| i64::from(c.get())))
    .bind(text_at(now))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Closes one date (a holiday); closing it twice is harmless.
pub async fn close_date(db: &Db, day: Date, now: Timestamp) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO consult_closed (day, created_at) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING")
        .bind(day.to_string())
        .bind(text_at(now))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Reopens a closed date, and adds one-off extra ranges on it if any are given.
pub async fn open_date(db: &Db, day: Date, extra: &[TimeRange], now: Timestamp) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("DELETE FROM consult_closed WHERE day = $1").bind(day.to_string()).execute(&mut *tx).await?;
    for range in extra {
        sqlx::query(
            "INSERT INTO consult_extra (day, range_text, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (day, range_text) DO NOTHING",
        )
        .bind(day.to_string())
        .bind(range.to_string())
        .bind(text_at(now))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Removes the extra ranges of a date.
pub async fn clear_extra(db: &Db, day: Date) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM consult_extra WHERE day = $1")
        .bind(day.to_string())
        .execute(&db.pool)
        .await?
        .rows_affected())
}

// ---------------------------------------------------------------------------------------
// Free slots

/// A slot with at least one free seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeSlot {
    pub slot: Slot,
    pub available: u32,
}

/// The slots between two dates (the clinic's) that are bookable at `now` and have a
/// free seat, in order.
pub async fn free_slots(
    db: &Db,
    tz: &TimeZone,
    span: DateSpan,
    now: Timestamp,
    window: &Window,
) -> Result<(ConsultHours, Vec<FreeSlot>), sqlx::Error> {
    let hours = hours(db).await?;
    let all = slots(&hours, tz, span.from(), span.to(), now, window);
    let (Some(first), Some(last)) = (all.first(), all.last()) else { return Ok((hours, Vec::new())) };
    let rows = sqlx::query(
        "SELECT start_at, COUNT(*) AS taken FROM bookings \
         WHERE status <> 'cancelled' AND start_at >= $1 AND start_at <= $2 GROUP BY start_at",
    )
    .bind(text_at(first.start))
    .bind(text_at(last.start))
    .fetch_all(&db.pool)
    .await?;
    let mut taken = std::collections::HashMap::with_capacity(rows.len());
    for row in rows {
        taken.insert(row.try_get::<String, _>("start_at")?, row.try_get::<i64, _>("taken")?);
    }
    let capacity = i64::from(hours.capacity.get());
    let free = all
        .into_iter()
        .filter_map(|slot| {
            let left = capacity - taken.get(&text_at(slot.start)).copied().unwrap_or(0);
            u32::try_from(left).ok().filter(|n| *n > 0).map(|available| FreeSlot { slot, available })
        })
        .collect();
    Ok((hours, free))
}

// ---------------------------------------------------------------------------------------
// Who may book

/// Whether a submission lets its patient book online now: `consult_recommended`, or
/// `clinician_review` that a clinician approved; and not closed or decided against.
pub async fn patient_may_book(db: &Db, intake_id: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT i.status, \
         (SELECT s.outcome FROM screening_results s WHERE s.intake_id = i.id ORDER BY s.id DESC LIMIT 1) AS outcome, \
         (SELECT COUNT(*) FROM booking_approvals a WHERE a.intake_id = i.id) AS approved \
         FROM intakes i WHERE i.id = $1",
    )
    .bind(intake_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(false) };
    let status: String = row.try_get("status")?;
    let outcome: Option<String> = row.try_get("outcome")?;
    let approved = row.try_get::<i64, _>("approved")? > 0;
    let open = matches!(
        WorkflowStatus::parse(&status),
        Some(WorkflowStatus::New | WorkflowStatus::InReview | WorkflowStatus::ConsultScheduled)
    );
    Ok(open && (outcome.as_deref() == Some("consult_recommended") || approved))
}

/// Where a booking token goes: the intake's 201 (one at a time: a replayed 201 replaces
/// it) or an e-mailed link (each e-mail its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Api,
    Email,
}

/// The booking token a new submission's 201 carries, made before the submission is
/// stored so that its row is written in the intake's own transaction
/// (`intakes::Writer::insert`): a per-request write of its own would queue every API
/// intake behind SQLite's single writer, one disk flush each (BENCHMARKS.md, eighth
/// round), and the token could then be missing from a stored submission.
#[derive(Debug)]
pub struct NewToken {
    /// What the 201 carries; only its hash is stored.
    pub secret: String,
    pub row: TokenRow,
}

/// A booking token's row, ready to write with its submission.
#[derive(Debug)]
pub struct TokenRow {
    hash: String,
    expires_at: String,
}

impl NewToken {
    /// A fresh token for a submission made at `submitted`, valid `TOKEN_DAYS`.
    pub fn new(submitted: Timestamp) -> Self {
        let secret = new_secret();
        let row = TokenRow {
            hash: hash(&secret),
            expires_at: text_at(submitted + SignedDuration::from_hours(24 * TOKEN_DAYS)),
        };
        Self { secret, row }
    }
}

/// Writes the API booking tokens of new submissions, in the transaction that stores them.
pub(crate) async fn write_api_tokens(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tokens: &[(i64, &TokenRow)],
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO booking_tokens (token_hash, intake_id, channel, expires_at) VALUES {}",
        super::db::groups(tokens.len(), 4)
    );
    let mut insert = sqlx::query(&sql);
    for (intake_id, row) in tokens {
        insert = insert.bind(&row.hash).bind(*intake_id).bind("api").bind(&row.expires_at);
    }
    insert.execute(&mut **tx).await?;
    Ok(())
}

/// A fresh booking token for a submission, valid until `TOKEN_DAYS` after `submitted`.
pub async fn issue_token(
    db: &Db,
    intake_id: i64,
    submitted: Timestamp,
    channel: Channel,
) -> Result<String, sqlx::Error> {
    let NewToken { secret, row } = NewToken::new(submitted);
    let (name, replaces) = match channel {
        Channel::Api => ("api", true),
        Channel::Email => ("email", false),
    };
    let mut tx = db.pool.begin().await?;
    if replaces {
        sqlx::query("DELETE FROM booking_tokens WHERE intake_id = $1 AND channel = 'api'")
            .bind(intake_id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("INSERT INTO booking_tokens (token_hash, intake_id, channel, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(row.hash)
        .bind(intake_id)
        .bind(name)
        .bind(row.expires_at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(secret)
}

/// A fresh manage link's token for a consult (one per e-mail that carries a link).
pub async fn manage_link(db: &Db, booking_id: i64, now: Timestamp) -> Result<String, sqlx::Error> {
    let token = new_secret();
    sqlx::query("INSERT INTO manage_links (token_hash, booking_id, created_at) VALUES ($1, $2, $3)")
        .bind(hash(&token))
        .bind(booking_id)
        .bind(text_at(now))
        .execute(&db.pool)
        .await?;
    Ok(token)
}

/// The submission a live booking token books for.
pub async fn intake_for_token(db: &Db, token: &str, now: Timestamp) -> Result<Option<i64>, sqlx::Error> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    let row = sqlx::query("SELECT intake_id FROM booking_tokens WHERE token_hash = $1 AND expires_at > $2")
        .bind(hash(token))
        .bind(text_at(now))
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| r.try_get::<i64, _>("intake_id")).transpose()
}

/// Records a clinician's approval of self-booking for a submission (once).
pub async fn approve(db: &Db, intake_id: i64, user_id: i64, now: Timestamp) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO booking_approvals (intake_id, approved_by, approved_at) VALUES ($1, $2, $3) \
         ON CONFLICT (intake_id) DO NOTHING",
    )
    .bind(intake_id)
    .bind(user_id)
    .bind(text_at(now))
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

// ---------------------------------------------------------------------------------------
// Consults

/// The state of a consult.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsultStatus {
    Booked,
    Attended,
    NoShow,
    Cancelled,
}

impl ConsultStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsultStatus::Booked => "booked",
            ConsultStatus::Attended => "attended",
            ConsultStatus::NoShow => "no_show",
            ConsultStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [ConsultStatus::Booked, ConsultStatus::Attended, ConsultStatus::NoShow, ConsultStatus::Cancelled]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// A consult as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consult {
    pub id: i64,
    pub intake_id: i64,
    pub reference: Reference,
    pub uid: String,
    pub slot: Slot,
    pub status: ConsultStatus,
    pub sequence: i64,
}

/// A consult just booked or moved, with the manage token the patient changes it with
/// (fresh on booking; the one presented, on a reschedule by the patient).
#[derive(Debug, Clone)]
pub struct Booked {
    pub consult: Consult,
    pub manage_token: Option<String>,
}

const CONSULT_COLUMNS: &str =
    "b.id, b.intake_id, i.reference, b.uid, b.start_at, b.end_at, b.status, b.sequence FROM bookings b \
     JOIN intakes i ON i.id = b.intake_id";

fn consult_of(row: &sqlx::any::AnyRow) -> Result<Consult, sqlx::Error> {
    let time = |c: &str| -> Result<Timestamp, sqlx::Error> {
        row.try_get::<String, _>(c)?.parse::<Timestamp>().map_err(|_| decode("consult time"))
    };
    Ok(Consult {
        id: row.try_get("id")?,
        intake_id: row.try_get("intake_id")?,
        reference: Reference::parse(&row.try_get::<String, _>("reference")?).map_err(|_| decode("reference"))?,
        uid: row.try_get("uid")?,
        slot: Slot { start: time("start_at")?, end: time("end_at")? },
        status: ConsultStatus::parse(&row.try_get::<String, _>("status")?).ok_or_else(|| decode("consult status"))?,
        sequence: row.try_get("sequence")?,
    })
}

/// The submission's upcoming (booked) consult, if any.
pub async fn upcoming(db: &Db, intake_id: i64) -> Result<Option<Consult>, sqlx::Error> {
    let sql = format!("SELECT {CONSULT_COLUMNS} WHERE b.intake_id = $1 AND b.status = 'booked'");
    sqlx::query(&sql).bind(intake_id).fetch_optional(&db.pool).await?.as_ref().map(consult_of).transpose()
}

/// The consult a manage token changes (whatever its status).
pub async fn by_manage_token(db: &Db, token: &str) -> Result<Option<Consult>, sqlx::Error> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    let sql = format!(
        "SELECT {CONSULT_COLUMNS} WHERE b.manage_token_hash = $1 \
         OR b.id = (SELECT m.booking_id FROM manage_links m WHERE m.token_hash = $1)"
    );
    sqlx::query(&sql).bind(hash(token)).fetch_optional(&db.pool).await?.as_ref().map(consult_of).transpose()
}

/// Consults starting in `[from, to)`, in order (the staff calendar).
pub async fn between(db: &Db, from: Timestamp, to: Timestamp) -> Result<Vec<Consult>, sqlx::Error> {
    let sql =
        format!("SELECT {CONSULT_COLUMNS} WHERE b.start_at >= $1 AND b.start_at < $2 ORDER BY b.start_at, b.seat");
    sqlx::query(&sql).bind(text_at(from)).bind(text_at(to)).fetch_all(&db.pool).await?.iter().map(consult_of).collect()
}

/// Every consult of a submission, latest start first.
pub async fn of_intake(db: &Db, intake_id: i64) -> Result<Vec<Consult>, sqlx::Error> {
    let sql = format!("SELECT {CONSULT_COLUMNS} WHERE b.intake_id = $1 ORDER BY b.start_at DESC, b.id DESC");
    sqlx::query(&sql).bind(intake_id).fetch_all(&db.pool).await?.iter().map(consult_of).collect()
}

/// Who approved self-booking for a submission and when, if someone did.
pub async fn approval(db: &Db, intake_id: i64) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.name, a.approved_at FROM booking_approvals a JOIN users u ON u.id = a.approved_by \
         WHERE a.intake_id = $1",
    )
    .bind(intake_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok((r.try_get("name")?, r.try_get("approved_at")?))).transpose()
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}

crate::choice_enum! {
    /// The e-mails the patient outbox holds (`patient_mails.kind`): the patient's, and
    /// the clinic's copy (`NOTIFY_TO`) of a booking change (reference and time only).
    pub enum MailKind {
        Resume = "resume",
        Receipt = "receipt",
        Confirmation = "confirmation",
        Rescheduled = "rescheduled",
        Cancelled = "cancelled",
        Reminder = "reminder",
        Approved = "approved",
        ClinicBooked = "clinic_booked",
        ClinicRescheduled = "clinic_rescheduled",
        ClinicCancelled = "clinic_cancelled",
    }
}

/// Queues a patient e-mail once: a second row with the same `dedupe` is not written.
pub async fn queue_mail<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    executor: E,
    kind: MailKind,
    intake_id: i64,
    consult: Option<&Consult>,
    dedupe: &str,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO patient_mails (kind, intake_id, booking_id, sequence, start_at, end_at, dedupe, created_at, \
         next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (dedupe) DO NOTHING",
    )
    .bind(kind.as_str())
    .bind(intake_id)
    .bind(consult.map(|c| c.id))
    .bind(consult.map(|c| c.sequence))
    .bind(consult.map(|c| text_at(c.slot.start)))
    .bind(consult.map(|c| text_at(c.slot.end)))
    .bind(dedupe)
    .bind(text_at(now))
    .execute(executor)
    .await?;
    Ok(())
}

/// Queues the receipts of new submissions, in the transaction that stores them.
pub(crate) async fn queue_receipts(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    stored: &[&super::intakes::Stored],
    now: &str,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO patient_mails (kind, intake_id, dedupe, created_at, next_attempt_at) VALUES {}",
        super::db::groups(stored.len(), 5)
    );
    let mut insert = sqlx::query(&sql);
    for s in stored {
        let dedupe = format!("receipt:{}", s.id);
        insert = insert.bind(MailKind::Receipt.as_str()).bind(s.id).bind(dedupe).bind(now).bind(now);
    }
    insert.execute(&mut **tx).await?;
    Ok(())
}

/// The e-mail telling the patient of this version of a consult.
fn consult_dedupe(consult: &Consult) -> String {
    format!("consult:{}:{}", consult.id, consult.sequence)
}

/// Queues the patient's e-mail about this version of a consult and the clinic's copy.
async fn queue_change(
    conn: &mut sqlx::AnyConnection,
    patient: MailKind,
    clinic: MailKind,
    consult: &Consult,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    queue_mail(&mut *conn, patient, consult.intake_id, Some(consult), &consult_dedupe(consult), now).await?;
    let dedupe = format!("clinic:{}:{}", consult.id, consult.sequence);
    queue_mail(&mut *conn, clinic, consult.intake_id, Some(consult), &dedupe, now).await
}

/// Moves the workflow status to `to` from any of `from`, with its history, in `tx`.
async fn move_status(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    intake_id: i64,
    from: &[WorkflowStatus],
    to: WorkflowStatus,
    actor: Actor,
    now: &str,
) -> Result<(), sqlx::Error> {
    let row = sqlx::query("SELECT status FROM intakes WHERE id = $1").bind(intake_id).fetch_one(&mut **tx).await?;
    let current = WorkflowStatus::parse(&row.try_get::<String, _>("status")?).ok_or_else(|| decode("status"))?;
    if !from.contains(&current) {
        return Ok(());
    }
    sqlx::query("UPDATE intakes SET status = $2, updated_at = $3 WHERE id = $1")
        .bind(intake_id)
        .bind(to.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO status_history (intake_id, from_status, to_status, user_id, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(intake_id)
    .bind(current.as_str())
    .bind(to.as_str())
    .bind(actor.user_id())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks the submission changed: the queue shows its upcoming consult, and the queue's
/// pages in memory (`staff::queue::Cache`) stand while the queue version does, which the
/// database raises on every change to `intakes` (migration 6). Every change to a
/// consult goes through here, in the transaction that makes it.
async fn touch(tx: &mut sqlx::Transaction<'_, sqlx::Any>, intake_id: i64, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE intakes SET updated_at = $2 WHERE id = $1")
        .bind(intake_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The statuses booking moves to `consult_scheduled` from. A patient cannot book a
/// submission the clinic decided against (see `patient_may_book`); staff can, from any
/// status but closed.
fn schedulable(actor: Actor) -> &'static [WorkflowStatus] {
    use WorkflowStatus::*;
    match actor {
        Actor::Patient => &[New, InReview],
        Actor::Staff(_) => &[New, InReview, NotACandidate, ReferredOut],
    }
}

/// Checks a requested start against the hours and the window (the staff's, without the
/// minimum notice, for staff).
pub fn requested_slot(
    hours: &ConsultHours,
    tz: &TimeZone,
    start: Timestamp,
    now: Timestamp,
    policy: &BookingPolicy,
    actor: Actor,
) -> Result<Slot, SlotRefused> {
    let window = match actor {
        Actor::Patient => policy.window,
        Actor::Staff(_) => policy.staff_window(),
    };
    slot_at(hours, tz, start, now, &window)
}

/// Books `slot` for a submission: the first free seat, the workflow status moved to
/// `consult_scheduled`, in one transaction. `AlreadyBooked` when the submission has an
/// upcoming consult (a double click lands here), `SlotTaken` when every seat is.
pub async fn book(
    db: &Db,
    intake_id: i64,
    slot: Slot,
    capacity: Capacity,
    actor: Actor,
    now: Timestamp,
) -> Result<Booked, BookingError> {
    let manage_token = new_secret();
    let uid = new_secret();
    let at = text_at(now);
    for seat in 1..=i64::from(capacity.get()) {
        let mut tx = db.pool.begin().await?;
        // The INSERT comes first, so SQLite takes its write lock before any read (a read
        // first could not be upgraded under concurrent writers).
        let inserted = sqlx::query(
            "INSERT INTO bookings (intake_id, uid, start_at, end_at, seat, status, manage_token_hash, sequence, \
             booked_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'booked', $6, 0, $7, $8, $8) \
             ON CONFLICT (start_at, seat) WHERE status <> 'cancelled' DO NOTHING",
        )
        .bind(intake_id)
        .bind(&uid)
        .bind(text_at(slot.start))
        .bind(text_at(slot.end))
        .bind(seat)
        .bind(hash(&manage_token))
        .bind(actor.user_id())
        .bind(&at)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(done) if done.rows_affected() == 1 => {}
            // This seat is taken: the next one (the transaction is dropped unchanged).
            Ok(_) => continue,
            Err(e) if is_unique_violation(&e) => return Err(BookingError::AlreadyBooked),
            Err(e) => return Err(e.into()),
        }
        move_status(&mut tx, intake_id, schedulable(actor), WorkflowStatus::ConsultScheduled, actor, &at).await?;
        touch(&mut tx, intake_id, &at).await?;
        let sql = format!("SELECT {CONSULT_COLUMNS} WHERE b.uid = $1");
        let consult = consult_of(&sqlx::query(&sql).bind(&uid).fetch_one(&mut *tx).await?)?;
        queue_change(&mut tx, MailKind::Confirmation, MailKind::ClinicBooked, &consult, now).await?;
        tx.commit().await.map_err(|e| if is_unique_violation(&e) { BookingError::AlreadyBooked } else { e.into() })?;
        return Ok(Booked { consult, manage_token: Some(manage_token) });
    }
    // Every seat taken, maybe by this submission's own consult (a second click on the
    // same time): that is "already booked", not "taken".
    if upcoming(db, intake_id).await?.is_some() {
        return Err(BookingError::AlreadyBooked);
    }
    Err(BookingError::SlotTaken)
}

/// Moves an upcoming consult to `slot` (same uid, sequence + 1). Moving it to where it is
/// changes nothing.
pub async fn reschedule(
    db: &Db,
    consult: &Consult,
    slot: Slot,
    capacity: Capacity,
    now: Timestamp,
) -> Result<Consult, BookingError> {
    if consult.status != ConsultStatus::Booked {
        return Err(BookingError::NotFound);
    }
    if consult.slot.start == slot.start {
        return Ok(consult.clone());
    }
    let at = text_at(now);
    for seat in 1..=i64::from(capacity.get()) {
        // A transaction per seat: on PostgreSQL a refused UPDATE ends its transaction.
        let mut tx = db.pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE bookings SET start_at = $2, end_at = $3, seat = $4, sequence = sequence + 1, updated_at = $5 \
             WHERE id = $1 AND status = 'booked' AND start_at = $6",
        )
        .bind(consult.id)
        .bind(text_at(slot.start))
        .bind(text_at(slot.end))
        .bind(seat)
        .bind(&at)
        .bind(text_at(consult.slot.start))
        .execute(&mut *tx)
        .await;
        match moved {
            Ok(done) if done.rows_affected() == 1 => {
                touch(&mut tx, consult.intake_id, &at).await?;
                let sql = format!("SELECT {CONSULT_COLUMNS} WHERE b.id = $1");
                let moved = consult_of(&sqlx::query(&sql).bind(consult.id).fetch_one(&mut *tx).await?)?;
                queue_change(&mut tx, MailKind::Rescheduled, MailKind::ClinicRescheduled, &moved, now).await?;
                tx.commit()
                    .await
                    .map_err(|e| if is_unique_violation(&e) { BookingError::SlotTaken } else { e.into() })?;
                return Ok(moved);
            }
            // Changed meanwhile (moved or cancelled by another request).
            Ok(_) => return Err(BookingError::NotFound),
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(BookingError::SlotTaken)
}

/// Cancels an upcoming consult (sequence + 1) and puts the workflow back to `in_review`.
/// Cancelling a cancelled consult changes nothing.
pub async fn cancel(db: &Db, consult: &Consult, actor: Actor, now: Timestamp) -> Result<Consult, BookingError> {
    let at = text_at(now);
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE bookings SET status = 'cancelled', sequence = sequence + 1, updated_at = $2 \
         WHERE id = $1 AND status = 'booked'",
    )
    .bind(consult.id)
    .bind(&at)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        move_status(
            &mut tx,
            consult.intake_id,
            &[WorkflowStatus::ConsultScheduled],
            WorkflowStatus::InReview,
            actor,
            &at,
        )
        .await?;
        touch(&mut tx, consult.intake_id, &at).await?;
    }
    let sql = format!("SELECT {CONSULT_COLUMNS} WHERE b.id = $1");
    let now_stored = consult_of(&sqlx::query(&sql).bind(consult.id).fetch_one(&mut *tx).await?)?;
    if done.rows_affected() == 1 {
        queue_change(&mut tx, MailKind::Cancelled, MailKind::ClinicCancelled, &now_stored, now).await?;
    }
    tx.commit().await?;
    Ok(now_stored)
}

/// Marks a booked consult attended or a no-show (staff, after its start).
pub async fn mark(db: &Db, consult_id: i64, status: ConsultStatus, now: Timestamp) -> Result<bool, sqlx::Error> {
    let at = text_at(now);
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query("UPDATE bookings SET status = $2, updated_at = $3 WHERE id = $1 AND status = 'booked'")
        .bind(consult_id)
        .bind(status.as_str())
        .bind(&at)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 1 {
        let row =
            sqlx::query("SELECT intake_id FROM bookings WHERE id = $1").bind(consult_id).fetch_one(&mut *tx).await?;
        touch(&mut tx, row.try_get("intake_id")?, &at).await?;
    }
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}
