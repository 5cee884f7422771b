//! Storing submitted intakes with their screening result.

use super::bookings::TokenRow;
use super::db::{groups, numbered, text_at, Db};
use crate::domain::followup::{Priority, Windows};
use crate::domain::intake::{IntakeAnswers, Locale};
use crate::domain::screening::{Evaluation, Outcome};
use crate::domain::staff::{pin_rank, priority, VerificationStatus};
use crate::domain::values::Reference;
use crate::shared::consent;
use jiff::civil::Date;
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::Row;
use tokio::sync::{mpsc, oneshot};

/// How often a fresh reference is drawn when one is already taken. With 40 bits and a
/// clinic's volume a single collision is already unlikely; five in a row means a bug.
const REFERENCE_ATTEMPTS: usize = 5;

/// A stored intake's row id and reference.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub reference: Reference,
}

/// What makes a request create at most one intake, however often it arrives (a double
/// click, a browser's retry, a clinic website retrying after a timeout). Its key is a
/// primary key in `intake_requests`, written in the intake's own transaction, so the
/// database refuses a second intake for it on every instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Once {
    /// The wizard draft being submitted: one draft yields one intake. The draft is marked
    /// submitted and its card photos move to the intake in the same transaction.
    Draft(i64),
    /// An API client's `Idempotency-Key` (SHA-256 of it) and a fingerprint of the body
    /// (SHA-256 of its canonical JSON), kept for [`IDEMPOTENCY_HOURS`].
    Key { key_hash: String, fingerprint: String },
}

/// How long an `Idempotency-Key` is remembered (the API contract says 24 hours).
pub const IDEMPOTENCY_HOURS: i64 = 24;

impl Once {
    fn request_key(&self) -> String {
        match self {
            Self::Draft(id) => format!("draft:{id}"),
            Self::Key { key_hash, .. } => format!("key:{key_hash}"),
        }
    }
    fn fingerprint(&self) -> &str {
        match self {
            Self::Draft(_) => "draft",
            Self::Key { fingerprint, .. } => fingerprint,
        }
    }
}

/// The answer of [`insert`].
#[derive(Debug, Clone)]
pub enum Created {
    /// A new intake was stored.
    New(Stored),
    /// The same [`Once`] made an intake before: nothing was stored. `same_request` says
    /// whether the fingerprint matches (an API key reused for another body does not).
    Before { stored: Stored, same_request: bool },
}

impl Created {
    /// The intake that answers this request, new or earlier.
    pub fn stored(&self) -> &Stored {
        match self {
            Self::New(s) | Self::Before { stored: s, .. } => s,
        }
    }
}

/// The most intakes committed together. A batch of 64 is written in a few milliseconds;
/// larger ones would only add to the wait of the first in line.
const MAX_BATCH: usize = 64;

/// The intake writer of one app instance: a task that commits every intake waiting at
/// that moment in one transaction (group commit), on the writers' own connections. Its
/// handle is cheap to clone; the task ends when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct Writer {
    db: Db,
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer for a database; `follow_up` sets the deadlines of the safety
    /// follow-ups that alarming submissions open.
    pub fn start(db: &Db, follow_up: Windows) -> Self {
        let db = db.detached();
        Self { jobs: spawn_writer(db.clone(), follow_up), db }
    }

    /// Stores the answers and their evaluation and returns the new reference. When this
    /// returns, the rows are committed and on disk (SQLite `synchronous=FULL`,
    /// PostgreSQL's default `synchronous_commit=on`).
    ///
    /// Concurrent submissions are committed together (group commit): the writer takes
    /// every intake waiting at that moment and writes them in one transaction, so a burst
    /// pays for one disk flush instead of one each. Nobody is answered before the commit.
    ///
    /// With a [`Once`], a request that already made an intake stores nothing and
    /// answers [`Created::Before`] with that intake. A `booking` token is stored with a
    /// new intake only (a replay issues its own, `bookings::issue_token`).
    pub async fn insert(
        &self,
        answers: &IntakeAnswers,
        evaluation: &Evaluation,
        evaluated_on: Date,
        once: Option<Once>,
        booking: Option<TokenRow>,
    ) -> Result<Created, sqlx::Error> {
        if let Some(key @ Once::Key { .. }) = &once {
            // A key older than its window is free again (the purge task also removes them).
            let cutoff = text_at(jiff::Timestamp::now() - jiff::SignedDuration::from_hours(IDEMPOTENCY_HOURS));
            sqlx::query("DELETE FROM intake_requests WHERE request_key = $1 AND created_at < $2")
                .bind(key.request_key())
                .bind(cutoff)
                .execute(&self.db.pool)
                .await?;
        }
        // A retry whose first request is already stored is answered here: in a batch, its
        // refused claim would fail the whole batch and send every intake in it through
        // the one-at-a-time path. (Two copies racing still meet the primary key.)
        if let Some(once) = &once {
            if let Some((stored, same_request)) = earlier(&self.db, once).await? {
                return Ok(Created::Before { stored, same_request });
            }
        }
        let row = NewIntake::new(answers, evaluation, evaluated_on, once, booking)?;
        let (reply, stored) = oneshot::channel();
        if self.jobs.send(Job { row, reply }).await.is_err() {
            return Err(sqlx::Error::PoolClosed);
        }
        // The writer answers every job it takes; a dropped reply means it stopped.
        stored.await.unwrap_or(Err(sqlx::Error::PoolClosed))
    }
}

/// One intake waiting for the writer, and where its answer goes.
#[derive(Debug)]
struct Job {
    row: NewIntake,
    reply: oneshot::Sender<Result<Created, sqlx::Error>>,
}

/// Starts the writer task for a database and returns the queue it reads. The task ends
/// when every sender is gone (the last clone of the [`Writer`] dropped).
fn spawn_writer(db: Db, follow_up: Windows) -> mpsc::Sender<Job> {
    let (tx, mut rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
            write_batch(&db, &follow_up, std::mem::take(&mut batch)).await;
        }
    });
    tx
}

/// Writes a batch in one transaction. If that fails (a reference collision, a bad row,
/// the database going away), nothing of it was committed, and each intake is written on
/// its own so that one failure is reported to its own sender only.
async fn write_batch(db: &Db, follow_up: &Windows, jobs: Vec<Job>) {
    let together = async {
        let rows: Vec<&NewIntake> = jobs.iter().map(|j| &j.row).collect();
        let mut tx = db.begin_write().await?;
        let stored = write_rows(db, follow_up, &mut tx, &rows).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(stored)
    };
    match together.await {
        Ok(stored) => {
            for (job, s) in jobs.into_iter().zip(stored) {
                answer(job, Ok(Created::New(s)));
            }
        }
        Err(e) if jobs.len() > 1 => {
            // Rare (a reference drawn twice, two copies of one request racing): worth a line
            // for whoever runs the server. sqlx's message names a constraint, never a value.
            tracing::warn!(error = %e, intakes = jobs.len(), "intake batch not committed; writing each on its own");
            for job in jobs {
                let result = insert_one(db, follow_up, &job.row).await;
                answer(job, result);
            }
        }
        Err(e) => {
            // A batch of one is already "on its own": go on only after a unique violation
            // (a reference collision, or a request that made its intake before).
            let result = if is_unique_violation(&e) { insert_one(db, follow_up, &jobs[0].row).await } else { Err(e) };
            if let Some(job) = jobs.into_iter().next() {
                answer(job, result);
            }
        }
    }
}

/// Sends a job its answer, once its intake is committed (or not), and counts a new
/// intake for `/metrics`: here, where the commit happened, so the API's idempotent
/// replays and the wizard's second posts, which store nothing, are not counted.
fn answer(job: Job, result: Result<Created, sqlx::Error>) {
    if let Ok(Created::New(_)) = &result {
        crate::server::metrics::intake_stored(job.row.outcome);
    }
    let _ = job.reply.send(result);
}

/// Intakes with their screening results and outbox rows, in one statement per table
/// however many there are: on PostgreSQL every statement is a round trip. Each gets a
/// fresh random reference. Placeholders are numbered in order of first appearance, as
/// SQLite's named `$N` parameters need.
async fn write_rows(
    db: &Db,
    follow_up: &Windows,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rows: &[&NewIntake],
) -> Result<Vec<Stored>, sqlx::Error> {
    let opened = jiff::Timestamp::now();
    let now = text_at(opened);
    // The answers are sealed with the row id as associated data, so the ids come first.
    let stored: Vec<Stored> = reserve_ids(db, tx, rows.len())
        .await?
        .into_iter()
        .map(|id| Stored { id, reference: random_reference() })
        .collect();

    let values: Vec<String> = numbered(rows.len(), 16)
        .into_iter()
        .map(|p| {
            format!(
                "({}, {}, {}, {}, {}, 'new', {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15]
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO intakes (id, reference, schema_version, locale, answers, status, created_at, updated_at, \
         first_name, last_name, search_name, date_of_birth, plan, outcome, safety_alert, pin_rank, verification_status) \
         VALUES {}",
        values.join(", ")
    );
    let mut insert = sqlx::query(&sql);
    for (row, s) in rows.iter().zip(&stored) {
        insert = insert
            .bind(s.id)
            .bind(s.reference.compact())
            .bind(row.schema_version)
            .bind(&row.locale)
            .bind(db.seal_value("intakes", s.id, "answers", &row.answers_json))
            .bind(&now)
            .bind(&now)
            .bind(&row.first_name)
            .bind(&row.last_name)
            .bind(&row.search_name)
            .bind(&row.date_of_birth)
            .bind(&row.plan)
            .bind(row.outcome.as_str())
            .bind(i64::from(row.safety_alert))
            .bind(row.pin_rank)
            .bind(&row.verification);
    }
    insert.execute(&mut **tx).await?;

    crate::server::staff::queue::write_name_keys(
        tx,
        stored.iter().zip(rows).map(|(s, row)| (s.id, row.first_name.as_str(), row.last_name.as_str())),
    )
    .await?;

    let sql = format!(
        "INSERT INTO screening_results (intake_id, rules_version, outcome, safety_alert, reasons, scores, evaluated_on, created_at) VALUES {}",
        groups(stored.len(), 8)
    );
    let mut results = sqlx::query(&sql);
    for (s, row) in stored.iter().zip(rows) {
        results = results
            .bind(s.id)
            .bind(&row.rules_version)
            .bind(row.outcome.as_str())
            .bind(i64::from(row.safety_alert))
            .bind(&row.reasons_json)
            .bind(&row.scores_json)
            .bind(&row.evaluated_on)
            .bind(&now);
    }
    results.execute(&mut **tx).await?;

    let sql = format!(
        "INSERT INTO notifications (intake_id, reference, priority, next_attempt_at, created_at) VALUES {}",
        groups(stored.len(), 5)
    );
    let mut outbox = sqlx::query(&sql);
    for (s, row) in stored.iter().zip(rows) {
        outbox = outbox.bind(s.id).bind(s.reference.compact()).bind(&row.priority).bind(&now).bind(&now);
    }
    outbox.execute(&mut **tx).await?;

    // A real-time eligibility check for each plan a 270 can be made for, queued with the
    // intake (`eligibility_outbox`): it waits here until a worker with settings sends it.
    let insured: Vec<&Stored> = stored
        .iter()
        .zip(rows)
        .filter(|(_, row)| super::eligibility_outbox::checks_plan(&row.plan))
        .map(|(s, _)| s)
        .collect();
    if !insured.is_empty() {
        super::eligibility_outbox::queue_for_intakes(tx, &insured, &now).await?;
    }

    // The patient's receipt, when they gave an e-mail address: queued with the intake, so
    // a stored intake always has its receipt coming and a replay never adds a second.
    let receipts: Vec<&Stored> = stored.iter().zip(rows).filter(|(_, row)| row.has_email).map(|(s, _)| s).collect();
    if !receipts.is_empty() {
        super::bookings::queue_receipts(tx, &receipts, &now).await?;
    }

    // An alarming submission opens its safety follow-up here, so none is ever stored
    // without one (safety-followup.md).
    let alarming: Vec<(&Stored, Priority)> =
        stored.iter().zip(rows).filter_map(|(s, row)| row.follow_up.map(|p| (s, p))).collect();
    if !alarming.is_empty() {
        let sql = format!(
            "INSERT INTO follow_ups (intake_id, priority, opened_at, deadline) VALUES {}",
            groups(alarming.len(), 4)
        );
        let mut insert = sqlx::query(&sql);
        for (s, priority) in &alarming {
            insert = insert
                .bind(s.id)
                .bind(priority.as_str())
                .bind(&now)
                .bind(text_at(follow_up.deadline(*priority, opened)));
        }
        insert.execute(&mut **tx).await?;
    }

    let tokens: Vec<(i64, &TokenRow)> =
        stored.iter().zip(rows).filter_map(|(s, row)| row.booking.as_ref().map(|t| (s.id, t))).collect();
    if !tokens.is_empty() {
        super::bookings::write_api_tokens(tx, &tokens).await?;
    }

    // What the patient agreed to, kept with the intake (the signature and the time are
    // in the answers and `created_at`).
    let sql = format!(
        "INSERT INTO intake_consents (intake_id, version, locale, sha256, created_at) VALUES {}",
        groups(stored.len(), 5)
    );
    let mut consents = sqlx::query(&sql);
    for (s, row) in stored.iter().zip(rows) {
        consents = consents.bind(s.id).bind(row.consent_version).bind(&row.locale).bind(&row.consent_sha256).bind(&now);
    }
    consents.execute(&mut **tx).await?;

    let claimed: Vec<(&Stored, &Once)> =
        stored.iter().zip(rows).filter_map(|(s, row)| row.once.as_ref().map(|o| (s, o))).collect();
    if !claimed.is_empty() {
        let sql = format!(
            "INSERT INTO intake_requests (request_key, fingerprint, intake_id, created_at) VALUES {}",
            groups(claimed.len(), 4)
        );
        let mut claims = sqlx::query(&sql);
        for (s, once) in &claimed {
            claims = claims.bind(once.request_key()).bind(once.fingerprint().to_owned()).bind(s.id).bind(&now);
        }
        claims.execute(&mut **tx).await?;
    }
    for (s, once) in &claimed {
        if let Once::Draft(draft_id) = once {
            // The draft's answers now live in the intake; its photos move with it.
            sqlx::query(
                "UPDATE drafts SET answers = '{}', errors = '[]', errors_step = NULL, intake_id = $1, updated_at = $2 WHERE id = $3",
            )
            .bind(s.id)
            .bind(&now)
            .bind(draft_id)
            .execute(&mut **tx)
            .await?;
            sqlx::query("UPDATE card_images SET intake_id = $1 WHERE draft_id = $2 AND intake_id IS NULL")
                .bind(s.id)
                .bind(draft_id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(stored)
}

/// `count` intake ids no other writer will use, taken inside the writing transaction.
/// PostgreSQL draws them from the id's sequence (an id of a batch that fails is skipped,
/// as with any insert). SQLite has one writer at a time, and this transaction began
/// IMMEDIATE and holds the write lock, so the ids after the last one `AUTOINCREMENT`
/// handed out are free; inserting them moves `sqlite_sequence` on. Knowing the ids first
/// lets the sealed answers go into the INSERT: sealing them by an UPDATE afterwards wrote
/// every row twice, and on PostgreSQL most of those updates could not stay on the row's
/// page (HOT) and added an entry to each of the table's eight indexes.
async fn reserve_ids(
    db: &Db,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    count: usize,
) -> Result<Vec<i64>, sqlx::Error> {
    let count = i64::try_from(count).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    match db.backend {
        super::db::Backend::Postgres => {
            sqlx::query("SELECT nextval(pg_get_serial_sequence('intakes', 'id')) AS id FROM generate_series(1, $1)")
                .bind(count)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|r| r.try_get::<i64, _>("id"))
                .collect()
        }
        super::db::Backend::Sqlite => {
            let last: i64 = sqlx::query(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'intakes'), 0), \
                 COALESCE((SELECT MAX(id) FROM intakes), 0)) AS last",
            )
            .fetch_one(&mut **tx)
            .await?
            .try_get("last")?;
            Ok((last + 1..=last + count).collect())
        }
    }
}

/// The intake an earlier request with this [`Once`] made, and whether it was the same
/// request (same fingerprint).
async fn earlier(db: &Db, once: &Once) -> Result<Option<(Stored, bool)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT r.fingerprint, i.id, i.reference FROM intake_requests r JOIN intakes i ON i.id = r.intake_id WHERE r.request_key = $1",
    )
    .bind(once.request_key())
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let reference: String = row.try_get("reference")?;
    let stored = Stored {
        id: row.try_get("id")?,
        reference: Reference::parse(&reference).map_err(|_| sqlx::Error::Decode("bad stored reference".into()))?,
    };
    Ok(Some((stored, row.try_get::<String, _>("fingerprint")? == once.fingerprint())))
}

/// One intake in its own transaction, drawing a new reference when one is taken. When
/// its [`Once`] already made an intake, that one is the answer and nothing is stored.
async fn insert_one(db: &Db, follow_up: &Windows, row: &NewIntake) -> Result<Created, sqlx::Error> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut tx = db.begin_write().await?;
        match write_rows(db, follow_up, &mut tx, &[row]).await {
            Ok(mut stored) => {
                tx.commit().await?;
                return stored
                    .pop()
                    .map(Created::New)
                    .ok_or_else(|| sqlx::Error::Protocol("no intake was stored".into()));
            }
            Err(e) if is_unique_violation(&e) => {
                drop(tx);
                if let Some(once) = &row.once {
                    if let Some((stored, same_request)) = earlier(db, once).await? {
                        return Ok(Created::Before { stored, same_request });
                    }
                }
                if attempt >= REFERENCE_ATTEMPTS {
                    return Err(e);
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// An intake ready to write: every value already serialised.
#[derive(Debug)]
struct NewIntake {
    schema_version: i64,
    locale: String,
    answers_json: String,
    first_name: String,
    last_name: String,
    search_name: String,
    date_of_birth: String,
    plan: String,
    /// The patient gave an e-mail address: a receipt is queued.
    has_email: bool,
    outcome: Outcome,
    safety_alert: bool,
    pin_rank: i64,
    verification: String,
    priority: String,
    rules_version: String,
    reasons_json: String,
    scores_json: String,
    evaluated_on: String,
    once: Option<Once>,
    /// The safety follow-up the submission opens, if it is alarming.
    follow_up: Option<Priority>,
    /// The booking token its answer carries, if any.
    booking: Option<TokenRow>,
    /// The consent wording the patient was given: its version and the SHA-256 (hex) of
    /// its text in the patient's language.
    consent_version: &'static str,
    consent_sha256: String,
}

impl NewIntake {
    fn new(
        answers: &IntakeAnswers,
        evaluation: &Evaluation,
        evaluated_on: Date,
        once: Option<Once>,
        booking: Option<TokenRow>,
    ) -> Result<Self, sqlx::Error> {
        let patient = &answers.patient;
        Ok(Self {
            schema_version: i64::from(answers.schema_version),
            locale: answers.locale.as_str().to_owned(),
            answers_json: to_json(answers)?,
            first_name: patient.first_name.as_str().to_owned(),
            last_name: patient.last_name.as_str().to_owned(),
            search_name: format!("{} {}", patient.first_name.as_str(), patient.last_name.as_str()).to_lowercase(),
            date_of_birth: patient.date_of_birth.to_string(),
            plan: answers.insurance.plan.as_str().to_owned(),
            has_email: patient.email.is_some(),
            outcome: evaluation.outcome,
            safety_alert: evaluation.safety_alert,
            pin_rank: pin_rank(evaluation.outcome, evaluation.safety_alert),
            verification: VerificationStatus::initial(answers.insurance.plan).as_str().to_owned(),
            priority: priority(evaluation.outcome, evaluation.safety_alert).as_str().to_owned(),
            rules_version: evaluation.rules_version.clone(),
            reasons_json: to_json(&evaluation.reasons)?,
            scores_json: to_json(&evaluation.scores)?,
            evaluated_on: evaluated_on.to_string(),
            once,
            follow_up: Priority::opened_by(evaluation.outcome, evaluation.safety_alert),
            booking,
            consent_version: consent::current().id,
            consent_sha256: consent_sha256(consent::current(), answers.locale),
        })
    }
}

/// The SHA-256, in lowercase hex, of a consent version's text in one language.
pub fn consent_sha256(version: &consent::ConsentVersion, locale: Locale) -> String {
    Sha256::digest(version.text(locale).as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh 40-bit reference (see `Reference`).
pub(crate) fn random_reference() -> Reference {
    Reference::from_bits(rand::rng().random::<u64>() & 0xFF_FFFF_FFFF)
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
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

/// Forgets API idempotency keys older than their window; returns how many. (A draft's
/// claim stays: a draft is submitted once, ever.)
pub async fn purge_idempotency_keys(db: &Db) -> Result<u64, sqlx::Error> {
    let cutoff = text_at(jiff::Timestamp::now() - jiff::SignedDuration::from_hours(IDEMPOTENCY_HOURS));
    let done = sqlx::query("DELETE FROM intake_requests WHERE request_key LIKE 'key:%' AND created_at < $1")
        .bind(cutoff)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order_of_appearance() {
        assert_eq!(numbered(2, 3), vec![vec!["$1", "$2", "$3"], vec!["$4", "$5", "$6"]]);
        assert_eq!(groups(2, 2), "($1, $2), ($3, $4)");
        assert_eq!(groups(1, 1), "($1)");
    }
}
