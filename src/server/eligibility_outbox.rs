//! Real-time eligibility checks as an outbox (`eligibility-realtime.md`, phase 2): the
//! checks are rows of `eligibility_checks` (migration 15), queued with a new intake in
//! its own transaction (`intakes::Writer`), before each booked consult
//! (`ELIGIBILITY_RECHECK_DAYS`, once per consult and time) and by "Check now" (once per
//! click, however often it arrives); a worker on any instance claims each due row with a
//! conditional UPDATE, as `notify` does, so two instances never send the same check.
//!
//! One try: the 270 (`eligibility::inquiry`, control numbers from the database), an
//! `eligibility_attempts` row with its fresh `PayloadID` written before it is sent, the
//! exchange (`core_client`), then what `core_client::classify` makes of it: a verification
//! (method `realtime`, by `system`, audited), a retry after `core_client::backoff`, a
//! person's action, or a failed attempt with its reason. Reasons are this app's words or
//! the payer's AAA actions: never a payload, a name or a credential. The clock is passed
//! in, so tests move it.
//!
//! Without ELIGIBILITY_ENDPOINT no worker runs: the checks wait, `eligibility pending`
//! and the admins' page list them, and staff use the 270/271 files.

use super::core_client::{
    backoff, classify, Checked, CoreClient, CoreError, Disposition, FailCause, PayloadId, RetryCause, Saved, MAX_TRIES,
};
use super::db::{is_unavailable, text_at, Db};
use super::eligibility::{inquiry, Clinic, InquiryError};
use super::intakes::{self, Stored};
use super::metrics::CheckResult;
use super::staff::{audit, insurance};
use crate::domain::values::Reference;
use crate::shared::staff::{CheckAttemptView, PendingCheckView, VerificationForm};
use crate::x12::{summarize, Eligibility, X12Error};
use jiff::{SignedDuration, Timestamp};
use sqlx::Row;
use std::sync::Arc;
use std::time::Duration;

/// How often the worker looks for due checks.
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// Checks taken per round; the rest wait for the next round.
const BATCH: i64 = 100;

/// Exchanges in flight at once per instance: a slow payer holds one of them, not the queue.
pub const CONCURRENCY: usize = 8;

/// A claim outlives the longest exchange (ELIGIBILITY_TIMEOUT_SECONDS, at most 120 s) by
/// this much, so no second instance takes a check that is still being sent.
const CLAIM_MARGIN: Duration = Duration::from_secs(60);

/// The most characters of a saved verification's notes (the form's limit).
const MAX_NOTES: usize = 2000;

/// The plans a 270 can be made for (the payer directory's three). `self_pay` has no
/// coverage to check; `other` has no payer ID, so staff check it by phone or portal.
pub fn checks_plan(plan: &str) -> bool {
    matches!(plan, "bcbs_tx" | "uhc" | "cigna")
}

/// Queues one check per stored intake in the intake writer's transaction (`now` as stored).
pub(crate) async fn queue_for_intakes(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    stored: &[&Stored],
    now: &str,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO eligibility_checks (intake_id, reason, dedupe, created_at, next_attempt_at) VALUES {}",
        super::db::groups(stored.len(), 5)
    );
    let mut insert = sqlx::query(&sql);
    for s in stored {
        insert = insert.bind(s.id).bind("intake").bind(format!("intake:{}", s.id)).bind(now).bind(now);
    }
    insert.execute(&mut **tx).await?;
    Ok(())
}

/// Queues the re-checks due at `now`: one per booked consult starting within `days`
/// days, once per consult and start time (a moved consult is checked again). Returns how
/// many were queued. `days == 0` queues none.
pub async fn queue_rechecks(db: &Db, days: u32, now: Timestamp) -> Result<u64, sqlx::Error> {
    if days == 0 {
        return Ok(0);
    }
    let rows = sqlx::query(
        "SELECT b.id, b.intake_id, b.start_at FROM bookings b JOIN intakes i ON i.id = b.intake_id \
         WHERE b.status = 'booked' AND b.start_at > $1 AND b.start_at <= $2 \
         AND i.plan IN ('bcbs_tx', 'uhc', 'cigna') \
         AND NOT EXISTS (SELECT 1 FROM eligibility_checks c WHERE c.booking_id = b.id AND c.reason = 'recheck' \
                         AND c.dedupe = 'recheck:' || b.id || ':' || b.start_at)",
    )
    .bind(text_at(now))
    .bind(text_at(now + SignedDuration::from_hours(24 * i64::from(days))))
    .fetch_all(&db.pool)
    .await?;
    let now = text_at(now);
    let mut queued = 0;
    for row in rows {
        let booking: i64 = row.try_get("id")?;
        let start: String = row.try_get("start_at")?;
        let done = sqlx::query(
            "INSERT INTO eligibility_checks (intake_id, reason, booking_id, dedupe, created_at, next_attempt_at) \
             VALUES ($1, 'recheck', $2, $3, $4, $4) ON CONFLICT (dedupe) DO NOTHING",
        )
        .bind(row.try_get::<i64, _>("intake_id")?)
        .bind(booking)
        .bind(format!("recheck:{booking}:{start}"))
        .bind(&now)
        .execute(&db.pool)
        .await?;
        queued += done.rows_affected();
    }
    Ok(queued)
}

/// Queues a check asked for by a person ("Check now", the command line). `seen` is the
/// newest check of the submission the person saw (0: none): the same click sent twice
/// carries the same `seen`, and the unique `dedupe` makes it one check. Returns the new
/// check's id, or `None` when this click had already queued one.
pub async fn queue_manual(db: &Db, intake_id: i64, seen: &str, now: Timestamp) -> Result<Option<i64>, sqlx::Error> {
    let now = text_at(now);
    let row = sqlx::query(
        "INSERT INTO eligibility_checks (intake_id, reason, dedupe, created_at, next_attempt_at) \
         VALUES ($1, 'manual', $2, $3, $3) ON CONFLICT (dedupe) DO NOTHING RETURNING id",
    )
    .bind(intake_id)
    .bind(format!("manual:{intake_id}:{seen}"))
    .bind(&now)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// What a worker needs besides the database: the client, the clinic's X12 identity and
/// the re-check lead time.
#[derive(Debug, Clone)]
pub struct Realtime {
    pub client: CoreClient,
    pub clinic: Clinic,
    pub recheck_days: u32,
}

/// How one try ended, for the command line and the staff's "Check now".
#[derive(Debug)]
pub enum Outcome {
    /// No 270 can be made for the intake (the X12 builder's code).
    NoInquiry(&'static str),
    /// A 271 came back; read or not.
    Answered(Box<Result<Eligibility, X12Error>>),
    /// No 271 came back.
    Failed(CoreError),
}

impl Outcome {
    /// The 271 read, when one came back and could be read.
    pub fn eligibility(&self) -> Option<&Eligibility> {
        match self {
            Self::Answered(read) => read.as_ref().as_ref().ok(),
            _ => None,
        }
    }
}

/// One try of a check.
#[derive(Debug)]
pub struct Report {
    pub reference: Reference,
    /// The request's `PayloadID` (none when no 270 was made).
    pub payload_id: Option<PayloadId>,
    pub outcome: Outcome,
    /// What the try meant; `None` when no 270 was made.
    pub disposition: Option<Disposition>,
    /// In words, as stored with the attempt.
    pub reason: String,
}

/// Sends due checks. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Worker {
    db: Db,
    realtime: Arc<Realtime>,
    audit: audit::Writer,
}

impl Worker {
    pub fn new(db: Db, realtime: Realtime, audit: audit::Writer) -> Self {
        Self { db, realtime: Arc::new(realtime), audit }
    }

    pub fn realtime(&self) -> &Realtime {
        &self.realtime
    }

    /// One round at `now`: queue the re-checks due, then send every due check (at most
    /// [`CONCURRENCY`] at once). Returns how many were tried.
    pub async fn round(&self, now: Timestamp) -> Result<usize, sqlx::Error> {
        queue_rechecks(&self.db, self.realtime.recheck_days, now).await?;
        let due = sqlx::query(&format!(
            "SELECT id FROM eligibility_checks \
             WHERE done_at IS NULL AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1) \
             ORDER BY id LIMIT {BATCH}"
        ))
        .bind(text_at(now))
        .fetch_all(&self.db.pool)
        .await?;
        let mut tried = 0;
        let mut running = tokio::task::JoinSet::new();
        let mut first_error = None;
        for row in due {
            let id: i64 = row.try_get("id")?;
            let worker = self.clone();
            running.spawn(async move { worker.run(id, now).await });
            while running.len() >= CONCURRENCY {
                collect(running.join_next().await, &mut tried, &mut first_error);
            }
        }
        while let Some(done) = running.join_next().await {
            collect(Some(done), &mut tried, &mut first_error);
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(tried),
        }
    }

    /// Claims check `id` and tries it at `now`; `None` when it is not due or another
    /// instance holds it. The claim repeats every condition of the due list: only the
    /// instance whose UPDATE changed the row sends it.
    pub async fn run(&self, id: i64, now: Timestamp) -> Result<Option<Report>, sqlx::Error> {
        let at = text_at(now);
        let claim = self.realtime.client.settings().timeout() + CLAIM_MARGIN;
        let claimed = sqlx::query(
            "UPDATE eligibility_checks SET claimed_until = $1 \
             WHERE id = $2 AND done_at IS NULL AND next_attempt_at <= $3 \
             AND (claimed_until IS NULL OR claimed_until < $3) RETURNING intake_id, attempts",
        )
        .bind(later(now, claim))
        .bind(id)
        .bind(&at)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(claimed) = claimed else { return Ok(None) };
        let intake_id: i64 = claimed.try_get("intake_id")?;
        let attempts = claimed.try_get::<i64, _>("attempts")? + 1;
        let result = self.try_once(id, intake_id, attempts, now).await;
        if result.is_err() {
            // The database failed midway: the check is free again at once (not after the claim).
            let _ = sqlx::query("UPDATE eligibility_checks SET claimed_until = NULL WHERE id = $1 AND done_at IS NULL")
                .bind(id)
                .execute(&self.db.pool)
                .await;
        }
        result.map(Some)
    }

    async fn try_once(&self, id: i64, intake_id: i64, attempts: i64, now: Timestamp) -> Result<Report, sqlx::Error> {
        let db = &self.db;
        let reference: String = sqlx::query("SELECT reference FROM intakes WHERE id = $1")
            .bind(intake_id)
            .fetch_one(&db.pool)
            .await?
            .try_get("reference")?;
        let reference = Reference::parse(&reference).map_err(|_| sqlx::Error::Decode("stored reference".into()))?;
        let intake = intakes::find(db, &reference).await?.ok_or(sqlx::Error::RowNotFound)?;
        let payers = insurance::directory(db).await?;
        let text = match inquiry(db, &self.realtime.clinic, payers, &intake.answers, &reference).await {
            Ok(text) => text,
            Err(InquiryError::X12(e)) => {
                let reason = "No 270 can be made for this submission: check the plan and member ID.".to_owned();
                self.finish(id, attempts, "failed", "no-270", now).await?;
                crate::server::metrics::eligibility_check(CheckResult::No270);
                return Ok(Report {
                    reference,
                    payload_id: None,
                    outcome: Outcome::NoInquiry(e.code()),
                    disposition: None,
                    reason,
                });
            }
            Err(InquiryError::Database(e)) => return Err(e),
            Err(InquiryError::Exhausted) => return Err(sqlx::Error::Protocol("X12 control numbers exhausted".into())),
        };

        let client = &self.realtime.client;
        let payload_id = PayloadId::new();
        let attempt: i64 = sqlx::query(
            "INSERT INTO eligibility_attempts (check_id, payload_id, envelope, at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(id)
        .bind(payload_id.to_string())
        .bind(client.settings().envelope().as_str())
        .bind(text_at(now))
        .fetch_one(&db.pool)
        .await?
        .try_get("id")?;

        let started = std::time::Instant::now();
        let answer = client.check_as(payload_id, &text, &reference, now).await;
        let (outcome, http_status, error_code, duration) = match answer {
            Ok(reply) => {
                let read = reply.read_271(&self.realtime.clinic.x12.originator_id);
                (Outcome::Answered(Box::new(read)), Some(reply.http_status), Some(reply.error_code), reply.duration)
            }
            Err(e) => {
                let status = match &e {
                    CoreError::HttpStatus(s) => Some(*s),
                    _ => None,
                };
                let code = match &e {
                    CoreError::ErrorCode { code, .. } => Some(code.clone()),
                    _ => None,
                };
                (Outcome::Failed(e), status, code, started.elapsed())
            }
        };
        let disposition = match &outcome {
            Outcome::Answered(read) => classify(Checked::Read(read.as_ref())),
            Outcome::Failed(e) => classify(Checked::Failed(e)),
            Outcome::NoInquiry(_) => Disposition::Failed(FailCause::Unreadable("no 270".into())),
        };
        crate::server::metrics::eligibility_check(match &disposition {
            Disposition::Saved(Saved::Active) => CheckResult::Active,
            Disposition::Saved(Saved::Inactive) => CheckResult::Inactive,
            Disposition::Saved(Saved::Rejected) => CheckResult::Rejected,
            Disposition::Retry(_) => CheckResult::Retry,
            Disposition::NeedsPerson { .. } => CheckResult::NeedsPerson,
            Disposition::Failed(_) => CheckResult::Failed,
        });
        let words = reason(&outcome, &disposition, attempts);
        sqlx::query(
            "UPDATE eligibility_attempts SET http_status = $1, error_code = $2, duration_ms = $3, disposition = $4, \
             reason = $5 WHERE id = $6",
        )
        .bind(http_status.map(i64::from))
        .bind(error_code)
        .bind(i64::try_from(duration.as_millis()).unwrap_or(i64::MAX))
        .bind(disposition_name(&disposition))
        .bind(&words)
        .bind(attempt)
        .execute(&db.pool)
        .await?;

        match (&disposition, outcome.eligibility()) {
            (Disposition::Saved(_), Some(eligibility)) => {
                self.save(intake_id, &reference, eligibility).await?;
                self.finish(id, attempts, "saved", "", now).await?;
            }
            (Disposition::Retry(cause), _) => match backoff(u32::try_from(attempts).unwrap_or(u32::MAX)) {
                Some(wait) if attempts < i64::from(MAX_TRIES) => {
                    sqlx::query(
                        "UPDATE eligibility_checks SET attempts = $1, next_attempt_at = $2, claimed_until = NULL, \
                         last_error = $3 WHERE id = $4",
                    )
                    .bind(attempts)
                    .bind(later(now, wait))
                    .bind(retry_code(cause))
                    .bind(id)
                    .execute(&db.pool)
                    .await?;
                }
                _ => self.finish(id, attempts, "gave_up", &retry_code(cause), now).await?,
            },
            (Disposition::NeedsPerson { .. }, _) => {
                self.finish(id, attempts, "needs_person", "needs-person", now).await?
            }
            (Disposition::Failed(cause), _) => self.finish(id, attempts, "failed", &fail_code(cause), now).await?,
            // A `Saved` disposition always comes from a read 271.
            (Disposition::Saved(_), _) => self.finish(id, attempts, "failed", "271-unreadable", now).await?,
        }
        Ok(Report { reference, payload_id: Some(payload_id), outcome, disposition: Some(disposition), reason: words })
    }

    /// The 271 as a verification by `system`, method `realtime`, with the consult's cost
    /// shares; audited like a staff member's save.
    async fn save(&self, intake_id: i64, reference: &Reference, eligibility: &Eligibility) -> Result<(), sqlx::Error> {
        let summary = summarize(&for_consult(eligibility));
        let mut form = VerificationForm::from_271(&summary);
        form.method = "realtime".into();
        form.notes = form.notes.chars().take(MAX_NOTES).collect();
        insurance::save(&self.db, intake_id, &form, None).await?;
        let detail = format!("{} by realtime", form.status.as_str());
        self.audit
            .record(&audit::Entry {
                actor_id: None,
                actor: "system",
                action: audit::Action::ChangeVerification,
                target: reference.compact(),
                client: "",
                request_id: "",
                detail: &detail,
            })
            .await?;
        Ok(())
    }

    async fn finish(
        &self,
        id: i64,
        attempts: i64,
        outcome: &str,
        code: &str,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE eligibility_checks SET attempts = $1, done_at = $2, outcome = $3, last_error = $4, \
             claimed_until = NULL WHERE id = $5",
        )
        .bind(attempts)
        .bind(text_at(now))
        .bind(outcome)
        .bind((!code.is_empty()).then(|| code.to_owned()))
        .bind(id)
        .execute(&self.db.pool)
        .await?;
        Ok(())
    }
}

fn collect(
    done: Option<Result<Result<Option<Report>, sqlx::Error>, tokio::task::JoinError>>,
    tried: &mut usize,
    first_error: &mut Option<sqlx::Error>,
) {
    match done {
        Some(Ok(Ok(Some(_)))) => *tried += 1,
        Some(Ok(Ok(None))) | None => {}
        Some(Ok(Err(e))) => {
            first_error.get_or_insert(e);
        }
        Some(Err(e)) => tracing::error!(error = %e, "an eligibility check panicked"),
    }
}

fn later(now: Timestamp, after: Duration) -> String {
    text_at(now + SignedDuration::try_from(after).unwrap_or(SignedDuration::ZERO))
}

/// The benefits that speak about the consult: service type 98 (professional visit, office)
/// or 30 (health benefit plan coverage), or no service type; `summarize` then prefers the
/// in-network ones.
fn for_consult(e: &Eligibility) -> Eligibility {
    let about = |b: &crate::x12::Benefit, code: &str| b.service_types.iter().any(|s| s == code);
    let mut e = e.clone();
    e.benefits.retain(|b| b.service_types.is_empty() || about(b, "98") || about(b, "30"));
    // `summarize` takes the first of equally ranked benefits: the office visit's first.
    e.benefits.sort_by_key(|b| !about(b, "98"));
    e
}

fn disposition_name(d: &Disposition) -> &'static str {
    match d {
        Disposition::Saved(_) => "saved",
        Disposition::Retry(_) => "retry",
        Disposition::NeedsPerson { .. } => "needs_person",
        Disposition::Failed(_) => "failed",
    }
}

fn retry_code(cause: &RetryCause) -> String {
    match cause {
        RetryCause::Timeout => "timeout".into(),
        RetryCause::Connect => "connect".into(),
        RetryCause::HttpStatus(s) => format!("http-{s}"),
        RetryCause::ErrorCode(_) => "error-code".into(),
        RetryCause::PayerUnavailable => "aaa-42".into(),
    }
}

fn fail_code(cause: &FailCause) -> String {
    match cause {
        FailCause::Rejected999 => "rejected-999".into(),
        FailCause::HttpStatus(s) => format!("http-{s}"),
        FailCause::Unreadable(_) => "unreadable".into(),
    }
}

/// The attempt's reason in words: this app's, the clearinghouse's ErrorCode and message
/// (already one short line), or the payer's AAA actions. Never the payload.
fn reason(outcome: &Outcome, disposition: &Disposition, attempts: i64) -> String {
    let next = |words: String| match backoff(u32::try_from(attempts).unwrap_or(u32::MAX)) {
        Some(wait) if attempts < i64::from(MAX_TRIES) => {
            format!(
                "{words}; try {attempts} of {MAX_TRIES}, the next in {}",
                crate::domain::followup::span_words(i64::try_from(wait.as_secs() / 60).unwrap_or(i64::MAX))
            )
        }
        _ => format!("{words}; {attempts} tries made, no more"),
    };
    let read = outcome.eligibility();
    match (disposition, outcome) {
        (Disposition::Saved(Saved::Active), _) => "Coverage active: verification saved.".into(),
        (Disposition::Saved(Saved::Inactive), _) => "Coverage inactive: verification saved.".into(),
        (Disposition::Saved(Saved::Rejected), _) if read.is_some_and(|e| !e.rejections.is_empty()) => {
            let e = read.map(|e| e.rejections.as_slice()).unwrap_or_default();
            let actions: Vec<String> = e.iter().map(|r| format!("AAA {}: {}", r.code, r.action)).collect();
            format!("The payer refused the inquiry: {} Verification saved.", actions.join(" "))
        }
        (Disposition::Saved(Saved::Rejected), _) => "The payer refused the inquiry: verification saved.".into(),
        (Disposition::Retry(RetryCause::PayerUnavailable), _) => next("The payer cannot answer now (AAA 42)".into()),
        (Disposition::Retry(_), Outcome::Failed(e)) => next(e.to_string()),
        (Disposition::Retry(_), _) => next("No usable answer".into()),
        (Disposition::NeedsPerson { .. }, _) if read.is_some_and(|e| !e.rejections.is_empty()) => {
            let e = read.map(|e| e.rejections.as_slice()).unwrap_or_default();
            let actions: Vec<String> = e.iter().map(|r| format!("AAA {}: {}", r.code, r.action)).collect();
            format!("Action needed. {}", actions.join(" "))
        }
        (Disposition::NeedsPerson { .. }, _) => {
            "The 271 says neither active nor inactive: call the payer or check the portal.".into()
        }
        (Disposition::Failed(FailCause::Unreadable(code)), Outcome::Answered(_)) => {
            format!("The 271 that came back cannot be read ({code}).")
        }
        (Disposition::Failed(_), Outcome::Failed(e)) => format!("{e}."),
        (Disposition::Failed(_), _) => "Failed.".into(),
    }
}

/// Checks not done yet (queued or waiting for a retry), for `/metrics`: from the
/// `(done_at, next_attempt_at)` index.
pub async fn waiting(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM eligibility_checks WHERE done_at IS NULL")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}

/// The attempts of a submission's checks, newest first (its insurance panel); times as
/// stored (UTC).
pub async fn attempts_of(db: &Db, intake_id: i64) -> Result<Vec<CheckAttemptView>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.at, a.disposition, a.reason FROM eligibility_attempts a \
         JOIN eligibility_checks c ON c.id = a.check_id WHERE c.intake_id = $1 ORDER BY a.id DESC LIMIT 50",
    )
    .bind(intake_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CheckAttemptView {
                at: r.try_get("at")?,
                outcome: r.try_get::<Option<String>, _>("disposition")?.unwrap_or_default(),
                reason: r.try_get("reason")?,
            })
        })
        .collect()
}

/// The newest check of a submission (0: none) and whether one waits to be sent.
pub async fn state_of(db: &Db, intake_id: i64) -> Result<(i64, bool), sqlx::Error> {
    let row = sqlx::query(
        "SELECT COALESCE(MAX(id), 0) AS last, \
         COALESCE(SUM(CASE WHEN done_at IS NULL THEN 1 ELSE 0 END), 0) AS waiting \
         FROM eligibility_checks WHERE intake_id = $1",
    )
    .bind(intake_id)
    .fetch_one(&db.pool)
    .await?;
    Ok((row.try_get("last")?, row.try_get::<i64, _>("waiting")? > 0))
}

/// A check that waits or failed, with the times as stored (UTC).
#[derive(Debug, Clone)]
pub struct Pending {
    pub view: PendingCheckView,
    /// When it is tried next (waiting) or ended.
    pub at: String,
}

/// The checks that wait or failed (failed, gave up), newest first: the admins' list and
/// `eligibility pending`. Only the reference identifies the patient.
pub async fn pending(db: &Db) -> Result<Vec<Pending>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.id, i.reference, c.reason, c.attempts, c.next_attempt_at, c.done_at, c.outcome, c.last_error, \
         (SELECT a.reason FROM eligibility_attempts a WHERE a.check_id = c.id ORDER BY a.id DESC LIMIT 1) AS last_reason \
         FROM eligibility_checks c JOIN intakes i ON i.id = c.intake_id \
         WHERE c.done_at IS NULL OR c.outcome IN ('failed', 'gave_up') ORDER BY c.id DESC LIMIT 500",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let done: Option<String> = r.try_get("done_at")?;
            let reference: String = r.try_get("reference")?;
            let at = done.clone().unwrap_or(r.try_get("next_attempt_at")?);
            Ok(Pending {
                view: PendingCheckView {
                    reference: Reference::parse(&reference).map(|r| r.display()).unwrap_or(reference),
                    reason: r.try_get("reason")?,
                    attempts: r.try_get("attempts")?,
                    state: match done {
                        None => "waiting".into(),
                        Some(_) => r.try_get::<Option<String>, _>("outcome")?.unwrap_or_default(),
                    },
                    when: at.clone(),
                    last_error: r.try_get::<Option<String>, _>("last_error")?.unwrap_or_default(),
                    last_reason: r.try_get::<Option<String>, _>("last_reason")?.unwrap_or_default(),
                },
                at,
            })
        })
        .collect()
}

/// Runs [`Worker::round`] every [`POLL_INTERVAL`] until the process ends; errors are
/// logged and the next round tries again.
pub fn spawn_worker(worker: Worker) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tracing::info!(
            envelope = worker.realtime.client.settings().envelope().as_str(),
            recheck_days = worker.realtime.recheck_days,
            "real-time eligibility checks on"
        );
        let mut tick = tokio::time::interval(POLL_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // Each round in its own task, so a bug that panics ends one round, not the worker.
            let round_worker = worker.clone();
            let round = tokio::spawn(async move { round_worker.round(Timestamp::now()).await });
            match round.await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(tried = n, "eligibility checks tried"),
                Ok(Err(e)) if is_unavailable(&e) => {
                    tracing::warn!(error = %e, "database unavailable; eligibility checks wait")
                }
                Ok(Err(e)) => tracing::error!(error = %e, "eligibility round failed"),
                Err(e) => tracing::error!(error = %e, "eligibility round panicked"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_directorys_plans_are_checked() {
        assert!(checks_plan("bcbs_tx") && checks_plan("uhc") && checks_plan("cigna"));
        assert!(!checks_plan("self_pay") && !checks_plan("other"));
    }
}
