//! Safety follow-ups as stored (`safety-followup.md`): the open ones for the Follow-ups
//! page and the staff navigation's count, one submission's follow-up with its history,
//! the clinicians' acknowledge, attempt and close, and the escalation step the notify
//! worker takes each round.
//!
//! Follow-ups are opened with their intake (`intakes::Writer`). Every rule (deadlines,
//! when to escalate, which closes are allowed) is in `domain::followup`; this module
//! applies it to rows, with the clock passed in. Notes are the clinician's words about a
//! patient: sealed like the answers, and never in the audit trail or an e-mail.

use super::db::{now_text, text_at, Db};
use crate::domain::followup::{
    check_close, AttemptMethod, AttemptResult, CloseOutcome, CloseRefused, Priority, Progress, Subject, Windows,
};
use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::Row;

/// The longest note on an attempt or a close, in characters.
pub const NOTE_MAX: usize = 2000;

/// How the open ones are ordered: most urgent priority first, then most overdue.
const URGENCY: &str = "CASE f.priority WHEN 'emergency' THEN 0 WHEN 'safety' THEN 1 ELSE 2 END, f.deadline, f.id";

/// The reference of what a follow-up is about (a submission or a callback request), and
/// which of the two, as columns of a query that joins `intakes i` and `callbacks c`.
const SUBJECT: &str = "COALESCE(i.reference, c.reference) AS reference, \
     CASE WHEN f.callback_id IS NULL THEN 'submission' ELSE 'callback' END AS subject";
const SUBJECT_JOINS: &str = "LEFT JOIN intakes i ON i.id = f.intake_id LEFT JOIN callbacks c ON c.id = f.callback_id";

fn subject_of(row: &AnyRow) -> Result<Subject, sqlx::Error> {
    Subject::parse(&row.try_get::<String, _>("subject")?).ok_or_else(|| decode("subject"))
}

/// An open follow-up as the Follow-ups page lists it.
#[derive(Debug, Clone)]
pub struct Open {
    /// The submission's or callback request's reference, compact as stored.
    pub reference: String,
    pub subject: Subject,
    pub priority: Priority,
    pub opened_at: String,
    pub deadline: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    pub attempts: u32,
}

/// One submission's follow-up with everything done about it.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub id: i64,
    pub priority: Priority,
    pub opened_at: String,
    pub deadline: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    pub attempts: Vec<Attempt>,
    /// When each escalation e-mail was queued, oldest first, and whether it was sent.
    pub escalations: Vec<(String, bool)>,
    pub closed: Option<Closed>,
}

#[derive(Debug, Clone)]
pub struct Attempt {
    pub at: String,
    pub by: String,
    pub method: AttemptMethod,
    pub result: AttemptResult,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Closed {
    pub at: String,
    pub by: String,
    pub outcome: CloseOutcome,
    pub note: String,
}

/// Why a change to a follow-up was not made.
#[derive(Debug, thiserror::Error)]
pub enum FollowUpError {
    /// It was closed already (by someone else, or in another tab): nothing more is done.
    #[error("the follow-up is closed")]
    Closed,
    #[error("the close was refused: {0:?}")]
    Refused(CloseRefused),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn decode(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored follow-up {what}").into())
}

fn priority_of(row: &AnyRow) -> Result<Priority, sqlx::Error> {
    Priority::parse(&row.try_get::<String, _>("priority")?).ok_or_else(|| decode("priority"))
}

fn time(text: &str) -> Result<Timestamp, sqlx::Error> {
    text.parse().map_err(|_| decode("time"))
}

/// A change guarded by `closed_at IS NULL` either changed its one row or found it closed.
fn changed_while_open(rows: u64) -> Result<(), FollowUpError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(FollowUpError::Closed)
    }
}

/// How many follow-ups are open: the staff navigation shows it on every page.
pub async fn open_count(db: &Db) -> Result<u32, sqlx::Error> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM follow_ups WHERE closed_at IS NULL")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// How many follow-ups are open, and how many of those were due by `now` (for
/// `/metrics`): one statement, both counts from the open follow-ups' partial index.
pub async fn open_and_overdue(db: &Db, now: Timestamp) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM follow_ups WHERE closed_at IS NULL) AS open_count, \
         (SELECT COUNT(*) FROM follow_ups WHERE closed_at IS NULL AND deadline <= $1) AS overdue_count",
    )
    .bind(text_at(now))
    .fetch_one(&db.pool)
    .await?;
    Ok((row.try_get("open_count")?, row.try_get("overdue_count")?))
}

/// Every open follow-up, most urgent and most overdue first.
pub async fn open(db: &Db) -> Result<Vec<Open>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {SUBJECT}, f.priority, f.opened_at, f.deadline, f.acknowledged_at, u.name AS acknowledged_by, \
         (SELECT COUNT(*) FROM follow_up_attempts a WHERE a.follow_up_id = f.id) AS attempts \
         FROM follow_ups f {SUBJECT_JOINS} LEFT JOIN users u ON u.id = f.acknowledged_by \
         WHERE f.closed_at IS NULL ORDER BY {URGENCY}"
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Open {
                reference: r.try_get("reference")?,
                subject: subject_of(r)?,
                priority: priority_of(r)?,
                opened_at: r.try_get("opened_at")?,
                deadline: r.try_get("deadline")?,
                acknowledged_at: r.try_get("acknowledged_at")?,
                acknowledged_by: r.try_get("acknowledged_by")?,
                attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

/// The follow-up a submission opened, if any, with its attempts, escalations and close.
pub async fn of_intake(db: &Db, intake_id: i64) -> Result<Option<FollowUp>, sqlx::Error> {
    load(db, "intake_id", intake_id).await
}

/// The follow-up a callback request opened, with its attempts, escalations and close.
pub async fn of_callback(db: &Db, callback_id: i64) -> Result<Option<FollowUp>, sqlx::Error> {
    load(db, "callback_id", callback_id).await
}

/// `column` is `intake_id` or `callback_id`: never text from a request.
async fn load(db: &Db, column: &str, subject_id: i64) -> Result<Option<FollowUp>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT f.id, f.priority, f.opened_at, f.deadline, f.acknowledged_at, a.name AS acknowledged_by, \
         f.closed_at, c.name AS closed_by, f.outcome, f.note \
         FROM follow_ups f LEFT JOIN users a ON a.id = f.acknowledged_by LEFT JOIN users c ON c.id = f.closed_by \
         WHERE f.{column} = $1"
    ))
    .bind(subject_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("id")?;
    let attempts = sqlx::query(
        "SELECT a.id, a.at, u.name, a.method, a.result, a.note FROM follow_up_attempts a \
         JOIN users u ON u.id = a.user_id WHERE a.follow_up_id = $1 ORDER BY a.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|a| {
        let attempt_id: i64 = a.try_get("id")?;
        Ok(Attempt {
            at: a.try_get("at")?,
            by: a.try_get("name")?,
            method: AttemptMethod::parse(&a.try_get::<String, _>("method")?).ok_or_else(|| decode("method"))?,
            result: AttemptResult::parse(&a.try_get::<String, _>("result")?).ok_or_else(|| decode("result"))?,
            note: db.open_value("follow_up_attempts", attempt_id, "note", &a.try_get::<String, _>("note")?)?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let escalations = sqlx::query("SELECT created_at, sent_at FROM escalations WHERE follow_up_id = $1 ORDER BY step")
        .bind(id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|e| Ok((e.try_get("created_at")?, e.try_get::<Option<String>, _>("sent_at")?.is_some())))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let closed = match row.try_get::<Option<String>, _>("closed_at")? {
        None => None,
        Some(at) => Some(Closed {
            at,
            by: row.try_get::<Option<String>, _>("closed_by")?.unwrap_or_default(),
            outcome: CloseOutcome::parse(&row.try_get::<Option<String>, _>("outcome")?.unwrap_or_default())
                .ok_or_else(|| decode("outcome"))?,
            note: db.open_value(
                "follow_ups",
                id,
                "note",
                &row.try_get::<Option<String>, _>("note")?.unwrap_or_default(),
            )?,
        }),
    };
    Ok(Some(FollowUp {
        id,
        priority: priority_of(&row)?,
        opened_at: row.try_get("opened_at")?,
        deadline: row.try_get("deadline")?,
        acknowledged_at: row.try_get("acknowledged_at")?,
        acknowledged_by: row.try_get("acknowledged_by")?,
        attempts,
        escalations,
        closed,
    }))
}

/// "I am on it": `user` takes the follow-up, which holds off escalation for the
/// acknowledgement window. Acknowledging again restarts the window.
pub async fn acknowledge(db: &Db, id: i64, user: i64, now: Timestamp) -> Result<(), FollowUpError> {
    let done = sqlx::query(
        "UPDATE follow_ups SET acknowledged_at = $1, acknowledged_by = $2 WHERE id = $3 AND closed_at IS NULL",
    )
    .bind(text_at(now))
    .bind(user)
    .bind(id)
    .execute(&db.pool)
    .await?;
    changed_while_open(done.rows_affected())
}

/// A call or message to record, as a clinician posted it.
#[derive(Debug, Clone, Copy)]
pub struct NewAttempt<'a> {
    pub method: AttemptMethod,
    pub result: AttemptResult,
    pub note: &'a str,
    /// The key the form was shown with: the same key twice (a double click, a retry) is
    /// one attempt. `None` records it without the check.
    pub key: Option<&'a str>,
}

/// Whether a post recorded an attempt or repeated one already recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    New,
    Repeated,
}

/// Records one call or message tried. A closed follow-up takes no more attempts; a key
/// already used is the same attempt, recorded once (enforced by a UNIQUE index).
pub async fn record_attempt(
    db: &Db,
    id: i64,
    user: i64,
    attempt: NewAttempt<'_>,
    now: Timestamp,
) -> Result<Recorded, FollowUpError> {
    let mut tx = db.pool.begin().await?;
    // Added only while the follow-up is open and the key unused, in one statement.
    let inserted = sqlx::query(
        "INSERT INTO follow_up_attempts (follow_up_id, at, user_id, method, result, note, request_key) \
         SELECT id, $1, $2, $3, $4, '', $5 FROM follow_ups WHERE id = $6 AND closed_at IS NULL \
         ON CONFLICT (request_key) DO NOTHING RETURNING id",
    )
    .bind(text_at(now))
    .bind(user)
    .bind(attempt.method.as_str())
    .bind(attempt.result.as_str())
    .bind(attempt.key)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(inserted) = inserted else {
        let repeated = match attempt.key {
            Some(key) => sqlx::query("SELECT 1 FROM follow_up_attempts WHERE follow_up_id = $1 AND request_key = $2")
                .bind(id)
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?
                .is_some(),
            None => false,
        };
        return if repeated { Ok(Recorded::Repeated) } else { Err(FollowUpError::Closed) };
    };
    if !attempt.note.is_empty() {
        // Sealed with the attempt's own id, so only now.
        let attempt_id: i64 = inserted.try_get("id")?;
        sqlx::query("UPDATE follow_up_attempts SET note = $1 WHERE id = $2")
            .bind(db.seal_value("follow_up_attempts", attempt_id, "note", attempt.note))
            .bind(attempt_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Recorded::New)
}

/// Closes the follow-up with an outcome, if the rules allow it (`domain::followup::
/// check_close`). Closing one that is already closed is refused: the first close stands.
pub async fn close(
    db: &Db,
    id: i64,
    user: i64,
    outcome: CloseOutcome,
    note: &str,
    now: Timestamp,
) -> Result<(), FollowUpError> {
    let attempts: i64 = sqlx::query("SELECT COUNT(*) AS n FROM follow_up_attempts WHERE follow_up_id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    // Attempts are never removed, so a count read a moment ago can only be too low.
    check_close(outcome, u32::try_from(attempts).unwrap_or(u32::MAX), note).map_err(FollowUpError::Refused)?;
    let done = sqlx::query(
        "UPDATE follow_ups SET closed_at = $1, closed_by = $2, outcome = $3, note = $4 WHERE id = $5 AND closed_at IS NULL",
    )
    .bind(text_at(now))
    .bind(user)
    .bind(outcome.as_str())
    .bind(db.seal_value("follow_ups", id, "note", note))
    .bind(id)
    .execute(&db.pool)
    .await?;
    changed_while_open(done.rows_affected())
}

/// The follow-up of a submission or a callback request: its id and whether it is still
/// open.
pub async fn id_of(db: &Db, subject: Subject, subject_id: i64) -> Result<Option<(i64, bool)>, sqlx::Error> {
    let column = match subject {
        Subject::Submission => "intake_id",
        Subject::Callback => "callback_id",
    };
    let row = sqlx::query(&format!("SELECT id, closed_at FROM follow_ups WHERE {column} = $1"))
        .bind(subject_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get::<Option<String>, _>("closed_at")?.is_none()))).transpose()
}

/// One escalation step taken: which submission or callback request, and its step
/// number (1, 2, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalated {
    /// The reference, compact as stored.
    pub reference: String,
    pub subject: Subject,
    pub priority: Priority,
    pub step: i64,
    pub overdue_minutes: i64,
}

/// Takes every escalation step that is due at `now`: for each open follow-up whose
/// [`Windows::escalation_due`] says so, moves it one step on and queues that step's
/// e-mail in the `escalations` outbox, in one transaction. Returns the steps taken.
///
/// Exactly once per step with several instances: the step is taken by a conditional
/// UPDATE that repeats what was read (the step count, the acknowledgement, still open);
/// only the instance whose UPDATE changed the row queues the e-mail, and the outbox's
/// UNIQUE (follow_up_id, step) holds even against a bug here.
pub async fn escalate_due(db: &Db, windows: &Windows, now: Timestamp) -> Result<Vec<Escalated>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT f.id, f.priority, f.deadline, f.acknowledged_at, f.last_escalated_at, f.escalations, {SUBJECT} \
         FROM follow_ups f {SUBJECT_JOINS} \
         WHERE f.closed_at IS NULL AND f.deadline <= $1 ORDER BY f.deadline LIMIT 200"
    ))
    .bind(text_at(now))
    .fetch_all(&db.pool)
    .await?;
    let mut taken_steps = Vec::new();
    for row in &rows {
        let acknowledged: Option<String> = row.try_get("acknowledged_at")?;
        let last: Option<String> = row.try_get("last_escalated_at")?;
        let deadline = time(&row.try_get::<String, _>("deadline")?)?;
        let progress = Progress {
            deadline,
            acknowledged_at: acknowledged.as_deref().map(time).transpose()?,
            last_escalated_at: last.as_deref().map(time).transpose()?,
        };
        if !windows.escalation_due(&progress, now) {
            continue;
        }
        let id: i64 = row.try_get("id")?;
        let steps: i64 = row.try_get("escalations")?;
        let mut tx = db.pool.begin().await?;
        let taken = sqlx::query(
            "UPDATE follow_ups SET last_escalated_at = $1, escalations = escalations + 1 \
             WHERE id = $2 AND closed_at IS NULL AND escalations = $3 AND COALESCE(acknowledged_at, '') = $4",
        )
        .bind(text_at(now))
        .bind(id)
        .bind(steps)
        .bind(acknowledged.unwrap_or_default())
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() != 1 {
            continue; // another instance took this step, or someone acted on it
        }
        let created = now_text();
        let step = Escalated {
            reference: row.try_get("reference")?,
            subject: subject_of(row)?,
            priority: priority_of(row)?,
            step: steps + 1,
            overdue_minutes: (now.duration_since(deadline).as_secs() / 60).max(0),
        };
        sqlx::query(
            "INSERT INTO escalations (follow_up_id, step, kind, reference, priority, overdue_minutes, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(step.step)
        .bind(step.subject.as_str())
        .bind(&step.reference)
        .bind(step.priority.as_str())
        .bind(step.overdue_minutes)
        .bind(&created)
        .bind(&created)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        taken_steps.push(step);
    }
    Ok(taken_steps)
}
