//! The audit trail: who did what to which record, when, from where, under which request.
//!
//! `audit_log` is append-only (database triggers refuse UPDATE and DELETE) and every entry
//! carries the SHA-256 of the entry before it, so an edit made by someone who got round
//! the triggers still shows: [`verify`] walks the chain and names the first bad entry.
//! `audit_head` holds the last sequence number and hash. Taking its row lock is what
//! hands out sequence numbers, one writer at a time across every app instance, so the
//! numbers have no gaps, and its copy of the last hash catches entries cut off the end.

use crate::choice_enum;
use crate::server::db::{now_text, Backend, Db};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row as _;
use std::time::Duration;

choice_enum! {
    /// What was done. The names are stored, so they never change once released.
    pub enum Action {
        SignIn = "sign_in",
        SignInFailed = "sign_in_failed",
        SignOut = "sign_out",
        SignOutEverywhere = "sign_out_everywhere",
        TwoFactorEnrolled = "two_factor_enrolled",
        TwoFactorFailed = "two_factor_failed",
        RecoveryCodeUsed = "recovery_code_used",
        PasswordChanged = "password_changed",
        /// A signed-in user gave a wrong current password (or code) to change their
        /// password or authenticator, or tried while the account waits.
        ReauthFailed = "reauth_failed",
        ViewQueue = "view_queue",
        ViewSubmission = "view_submission",
        ChangeStatus = "change_status",
        Assign = "assign",
        AddNote = "add_note",
        ChangeVerification = "change_verification",
        ExportCsv = "export_csv",
        ExportFhir = "export_fhir",
        Download270 = "download_270",
        Upload271 = "upload_271",
        /// "Check now": a real-time eligibility check asked for.
        EligibilityCheck = "eligibility_check",
        UserInvited = "user_invited",
        InvitationAccepted = "invitation_accepted",
        RoleChanged = "role_changed",
        UserDisabled = "user_disabled",
        UserEnabled = "user_enabled",
        ViewAudit = "view_audit",
        PayerChanged = "payer_changed",
        ViewFollowUps = "view_follow_ups",
        /// A callback request from the emergency page was opened.
        ViewCallback = "view_callback",
        FollowUpAcknowledged = "follow_up_acknowledged",
        FollowUpAttempt = "follow_up_attempt",
        FollowUpClosed = "follow_up_closed",
        /// An overdue follow-up was escalated by e-mail (by `system`).
        FollowUpEscalated = "follow_up_escalated",
        ConsultBooked = "consult_booked",
        ConsultRescheduled = "consult_rescheduled",
        ConsultCancelled = "consult_cancelled",
        ConsultMarked = "consult_marked",
        BookingApproved = "booking_approved",
        HoursChanged = "hours_changed",
        ViewCalendar = "view_calendar",
    }
}

/// One event to record. `detail` holds codes and values, never a patient's answers.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The staff account; `None` for anonymous requests and the system.
    pub actor_id: Option<i64>,
    /// The account's e-mail at the time, `anonymous` or `system`.
    pub actor: &'a str,
    pub action: Action,
    /// A submission reference or an account e-mail; empty for none.
    pub target: &'a str,
    /// The client address.
    pub client: &'a str,
    pub request_id: &'a str,
    pub detail: &'a str,
}

/// A stored entry is an [`AuditRow`], which the admin page shows as stored (the time in
/// the clinic's zone). Its `action` is the stored text rather than an [`Action`], so an
/// entry written by another version (or altered) still lists; `Action::parse` gives the
/// typed value.
pub use crate::shared::staff::AuditRow;

/// Which entries to list. Every field narrows the list; `None` (or blank text) does not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub action: Option<Action>,
    /// Part of the actor's e-mail, any case.
    pub actor: Option<String>,
    /// The exact target: a submission reference or an account e-mail.
    pub target: Option<String>,
    /// The first day included (UTC, as the timestamps are stored).
    pub from: Option<jiff::civil::Date>,
    /// The last day included (UTC).
    pub to: Option<jiff::civil::Date>,
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// Entries checked and found sound: all of them when there is no problem, else those
    /// before the first bad one.
    pub rows: i64,
    /// The first thing wrong, if any.
    pub problem: Option<ChainProblem>,
}

impl Verification {
    pub fn is_ok(&self) -> bool {
        self.problem.is_none()
    }
}

impl std::fmt::Display for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.problem {
            None => write!(f, "the audit trail is intact: {} entries, each linked to the one before", self.rows),
            Some(problem) => write!(f, "the audit trail has been tampered with: {problem}"),
        }
    }
}

/// What is wrong with the chain, at the first entry where it goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChainProblem {
    /// Entry `expected` is not there: the next entry stored is `found`.
    Gap { expected: i64, found: i64 },
    /// The entry's contents no longer hash to its stored hash: it was edited.
    HashMismatch { seq: i64 },
    /// The entry does not carry the hash of the entry before it: that one was replaced
    /// (edited with its hash recomputed), or this one was.
    BrokenLink { seq: i64 },
    /// The last entry is not the last one the application wrote: entries were removed
    /// from the end or added after it, or the last one was replaced.
    HeadMismatch { head_seq: i64, last_seq: i64 },
}

impl std::fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::cmp::Ordering::*;
        match *self {
            ChainProblem::Gap { expected, found } => {
                write!(f, "entry {expected} is missing (the next entry stored is {found}): entries were deleted")
            }
            ChainProblem::HashMismatch { seq } => {
                write!(f, "entry {seq} was altered: its contents no longer match its hash")
            }
            ChainProblem::BrokenLink { seq } => {
                write!(f, "entry {seq} does not link to entry {}: one of them was replaced", seq - 1)
            }
            ChainProblem::HeadMismatch { head_seq, last_seq } => match last_seq.cmp(&head_seq) {
                Less => write!(
                    f,
                    "the trail ends at entry {last_seq} but {head_seq} entries were written: entries were removed from the end"
                ),
                Greater => write!(
                    f,
                    "the trail goes on to entry {last_seq} but only {head_seq} entries were written: entries were added outside the application"
                ),
                Equal => write!(f, "entry {last_seq} is not the last entry written: it was replaced"),
            },
        }
    }
}

impl std::error::Error for ChainProblem {}

impl ChainProblem {
    /// The first sequence number that is wrong (missing, altered, unlinked or extra).
    pub fn seq(&self) -> i64 {
        match *self {
            ChainProblem::Gap { expected, .. } => expected,
            ChainProblem::HashMismatch { seq } | ChainProblem::BrokenLink { seq } => seq,
            ChainProblem::HeadMismatch { head_seq, last_seq } if head_seq == last_seq => last_seq,
            ChainProblem::HeadMismatch { head_seq, last_seq } => head_seq.min(last_seq) + 1,
        }
    }
}

/// The hash "before" the first entry, as `audit_head` is seeded.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How often `record` tries when SQLite reports the database busy past its busy timeout.
const BUSY_ATTEMPTS: u32 = 5;

/// Entries read per query by `verify`.
const VERIFY_PAGE: i64 = 1000;

/// The most entries `list` returns at once.
pub const MAX_PER_PAGE: u32 = 500;

const COLUMNS: &str = "seq, at, actor_id, actor, action, target, client, request_id, detail";

/// The most entries written in one transaction by the audit writer.
const MAX_BATCH: usize = 64;

/// Bound values per audit row in the batch INSERT (64 rows stay far below both engines'
/// limits on parameters per statement).
const INSERT_COLUMNS: usize = 11;

/// The audit writer of one app instance: a task that appends every entry waiting at
/// that moment in one transaction, in one chain, under one lock of the head row (group
/// commit), on the writers' own connections. Instances still take turns on that lock.
/// The handle is cheap to clone; the task ends when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct Writer {
    jobs: tokio::sync::mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer for a database.
    pub fn start(db: &Db) -> Self {
        Self { jobs: spawn_writer(db.detached()) }
    }

    /// Appends one entry and returns its sequence number. Committed when this returns.
    pub async fn record(&self, e: &Entry<'_>) -> Result<i64, sqlx::Error> {
        let entry = Pending {
            actor_id: e.actor_id,
            actor: e.actor.to_owned(),
            action: e.action.as_str().to_owned(),
            target: e.target.to_owned(),
            client: e.client.to_owned(),
            request_id: e.request_id.to_owned(),
            detail: e.detail.to_owned(),
        };
        let (reply, seq) = tokio::sync::oneshot::channel();
        if self.jobs.send(Job { entry, reply }).await.is_err() {
            return Err(sqlx::Error::PoolClosed);
        }
        seq.await.unwrap_or(Err(sqlx::Error::PoolClosed))
    }
}

/// An entry waiting for the writer, owned.
#[derive(Debug, Clone)]
struct Pending {
    actor_id: Option<i64>,
    actor: String,
    action: String,
    target: String,
    client: String,
    request_id: String,
    detail: String,
}

/// One entry and where its sequence number (or the failure) goes.
#[derive(Debug)]
struct Job {
    entry: Pending,
    reply: tokio::sync::oneshot::Sender<Result<i64, sqlx::Error>>,
}

/// Starts the audit writer for a database; it ends when every sender is gone.
fn spawn_writer(db: Db) -> tokio::sync::mpsc::Sender<Job> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Job>(4 * MAX_BATCH);
    tokio::spawn(async move {
        let mut jobs = Vec::with_capacity(MAX_BATCH);
        while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
            let batch = std::mem::take(&mut jobs);
            let entries: Vec<&Pending> = batch.iter().map(|j| &j.entry).collect();
            match append_retrying(&db, &entries).await {
                Ok(first) => {
                    for (i, job) in batch.into_iter().enumerate() {
                        let _ = job.reply.send(Ok(first + i as i64));
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, entries = batch.len(), "audit batch failed");
                    for job in batch {
                        let _ = job
                            .reply
                            .send(Err(sqlx::Error::Io(std::io::Error::other("the audit log could not be written"))));
                    }
                }
            }
        }
    });
    tx
}

/// [`append`], retried while SQLite reports another writer holding the lock.
async fn append_retrying(db: &Db, entries: &[&Pending]) -> Result<i64, sqlx::Error> {
    let mut attempt = 1;
    loop {
        match append(db, entries).await {
            Err(err) if attempt < BUSY_ATTEMPTS && is_busy(db, &err) => {
                tokio::time::sleep(Duration::from_millis(25 * u64::from(attempt))).await;
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// Appends entries in order in one transaction; returns the first one's sequence number.
async fn append(db: &Db, entries: &[&Pending]) -> Result<i64, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    // Raising the head first takes its row lock (PostgreSQL) or the write lock (SQLite)
    // before anything is read, so the next writer waits here and then sees this one's
    // sequence number and hash: no gaps, no forks, whichever instance writes.
    let head = sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
        .bind(entries.len() as i64)
        .fetch_one(&mut *tx)
        .await?;
    let last: i64 = head.try_get("seq")?;
    let first = last - entries.len() as i64 + 1;
    let mut prev_hash: String = head.try_get("hash")?;
    let mut links = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        // Taken under the lock, so times rise with sequence numbers.
        let row = AuditRow {
            seq: first + i as i64,
            at: now_text(),
            actor_id: e.actor_id,
            actor: e.actor.clone(),
            action: e.action.clone(),
            target: e.target.clone(),
            client: e.client.clone(),
            request_id: e.request_id.clone(),
            detail: e.detail.clone(),
        };
        let hash = chain_hash(&prev_hash, &row);
        links.push((row, std::mem::replace(&mut prev_hash, hash.clone()), hash));
    }
    // The whole batch in one statement: a round trip per entry was most of the writer's
    // time under load (each is a hop to SQLite's worker thread or to PostgreSQL).
    let sql = format!(
        "INSERT INTO audit_log (seq, at, actor_id, actor, action, target, client, request_id, detail, prev_hash, hash) \
         VALUES {}",
        crate::server::db::groups(links.len(), INSERT_COLUMNS)
    );
    let mut insert = sqlx::query(&sql);
    for (row, prev, hash) in &links {
        insert = insert
            .bind(row.seq)
            .bind(&row.at)
            .bind(row.actor_id)
            .bind(&row.actor)
            .bind(&row.action)
            .bind(&row.target)
            .bind(&row.client)
            .bind(&row.request_id)
            .bind(&row.detail)
            .bind(prev)
            .bind(hash);
    }
    insert.execute(&mut *tx).await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&prev_hash).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(first)
}

/// SQLite's "database is busy/locked" (primary result codes 5 and 6, with their
/// extended codes): another writer held the lock past the busy timeout.
fn is_busy(db: &Db, e: &sqlx::Error) -> bool {
    db.backend == Backend::Sqlite
        && e.as_database_error()
            .and_then(|d| d.code())
            .and_then(|code| code.parse::<i64>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

/// SHA-256 over the previous hash and every stored field, each prefixed with its length
/// so no two different entries encode alike (`"ab","c"` is not `"a","bc"`). A missing
/// `actor_id` is the empty string, which no number formats to.
fn chain_hash(prev_hash: &str, row: &AuditRow) -> String {
    let seq = row.seq.to_string();
    let actor_id = row.actor_id.map(|id| id.to_string()).unwrap_or_default();
    let mut hasher = Sha256::new();
    hasher.update(b"pain-intake audit v1");
    for field in [
        prev_hash,
        &seq,
        &row.at,
        &actor_id,
        &row.actor,
        &row.action,
        &row.target,
        &row.client,
        &row.request_id,
        &row.detail,
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn read_row(r: &AnyRow) -> Result<AuditRow, sqlx::Error> {
    Ok(AuditRow {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor_id: r.try_get("actor_id")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        target: r.try_get("target")?,
        client: r.try_get("client")?,
        request_id: r.try_get("request_id")?,
        detail: r.try_get("detail")?,
    })
}

/// Walks the whole chain in sequence order, a page at a time, and reports the first
/// problem: a missing number, an entry whose contents do not match its hash, an entry
/// not linked to the one before, or a last entry that is not the head's.
pub async fn verify(db: &Db) -> Result<Verification, sqlx::Error> {
    // One snapshot for the whole walk (REPEATABLE READ on PostgreSQL; any read
    // transaction in SQLite's WAL mode), so entries appended meanwhile neither show up
    // half-way nor make the head look wrong, and writers are not held up.
    let mut tx = db.pool.begin().await?;
    if db.backend == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;

    let mut last_seq = 0;
    let mut last_hash = GENESIS_HASH.to_owned();
    loop {
        let page = sqlx::query(&format!(
            "SELECT {COLUMNS}, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(last_seq)
        .bind(VERIFY_PAGE)
        .fetch_all(&mut *tx)
        .await?;
        if page.is_empty() {
            break;
        }
        for r in &page {
            let row = read_row(r)?;
            let prev_hash: String = r.try_get("prev_hash")?;
            let hash: String = r.try_get("hash")?;
            let problem = if row.seq != last_seq + 1 {
                Some(ChainProblem::Gap { expected: last_seq + 1, found: row.seq })
            } else if prev_hash != last_hash {
                Some(ChainProblem::BrokenLink { seq: row.seq })
            } else if chain_hash(&prev_hash, &row) != hash {
                Some(ChainProblem::HashMismatch { seq: row.seq })
            } else {
                None
            };
            if let Some(problem) = problem {
                return Ok(Verification { rows: last_seq, problem: Some(problem) });
            }
            last_seq = row.seq;
            last_hash = hash;
        }
    }
    tx.commit().await?;
    let problem =
        (last_seq != head_seq || last_hash != head_hash).then_some(ChainProblem::HeadMismatch { head_seq, last_seq });
    Ok(Verification { rows: last_seq, problem })
}

/// One page of entries matching `filter`, newest first, and how many match in all.
/// Pages count from 1 (0 is taken as 1); `per_page` is kept within 1..=`MAX_PER_PAGE`.
pub async fn list(db: &Db, filter: &Filter, page: u32, per_page: u32) -> Result<(Vec<AuditRow>, i64), sqlx::Error> {
    let (condition, params) = where_clause(filter);
    let total: i64 = params
        .iter()
        .fold(sqlx::query(&format!("SELECT COUNT(*) AS n FROM audit_log{condition}")), |q, p| q.bind(p))
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;

    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let offset = i64::from(page.max(1) - 1) * i64::from(per_page);
    let n = params.len();
    let sql =
        format!("SELECT {COLUMNS} FROM audit_log{condition} ORDER BY seq DESC LIMIT ${} OFFSET ${}", n + 1, n + 2);
    let rows = params
        .iter()
        .fold(sqlx::query(&sql), |q, p| q.bind(p))
        .bind(i64::from(per_page))
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    let rows = rows.iter().map(read_row).collect::<Result<Vec<_>, _>>()?;
    Ok((rows, total))
}

/// The `WHERE` clause for a filter (empty for none) and its text parameters, `$1`, `$2`, …
/// in order. Only the clause's shape depends on the filter; every value is bound.
fn where_clause(filter: &Filter) -> (String, Vec<String>) {
    let mut conditions: Vec<String> = Vec::new();
    let mut params: Vec<String> = Vec::new();
    let mut add = |condition: &str, value: String| {
        params.push(value);
        conditions.push(condition.replace('?', &format!("${}", params.len())));
    };
    if let Some(action) = filter.action {
        add("action = ?", action.as_str().to_owned());
    }
    if let Some(actor) = filter.actor.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        add("lower(actor) LIKE ? ESCAPE '\\'", format!("%{}%", escape_like(&actor.to_lowercase())));
    }
    if let Some(target) = filter.target.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        add("target = ?", target.to_owned());
    }
    // Stored times are `YYYY-MM-DDTHH:MM:SS.mmmZ`, which sort as text: a day starts at
    // its bare date and ends before the next day's.
    if let Some(from) = filter.from {
        add("at >= ?", from.to_string());
    }
    if let Some(next_day) = filter.to.and_then(|to| to.tomorrow().ok()) {
        add("at < ?", next_day.to_string());
    }
    let clause = if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
    (clause, params)
}

/// Makes `%`, `_` and `\` match themselves in a LIKE pattern with `ESCAPE '\'`.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(actor: &str, action: &str) -> AuditRow {
        AuditRow {
            seq: 1,
            at: "2026-11-24T10:00:00.000Z".into(),
            actor_id: None,
            actor: actor.into(),
            action: action.into(),
            target: String::new(),
            client: "203.0.113.9".into(),
            request_id: "r1".into(),
            detail: String::new(),
        }
    }

    #[test]
    fn action_names_are_distinct_and_round_trip() {
        assert_eq!(Action::ALL.len(), 40);
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(*action));
        }
        let mut names = Action::NAMES.to_vec();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
        assert_eq!(Action::Download270.as_str(), "download_270");
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        assert_ne!(chain_hash(GENESIS_HASH, &row("ab", "c")), chain_hash(GENESIS_HASH, &row("a", "bc")));
        let mut with_id = row("a", "b");
        with_id.actor_id = Some(0);
        assert_ne!(chain_hash(GENESIS_HASH, &row("a", "b")), chain_hash(GENESIS_HASH, &with_id));
        assert_eq!(chain_hash(GENESIS_HASH, &row("a", "b")).len(), 64);
    }

    #[test]
    fn like_wildcards_match_themselves() {
        assert_eq!(escape_like(r"a%b_c\d"), r"a\%b\_c\\d");
    }

    #[test]
    fn filters_become_numbered_parameters() {
        let filter = Filter {
            action: Some(Action::SignIn),
            actor: Some("  ".into()),
            target: Some("PI-1".into()),
            from: Some(jiff::civil::date(2026, 11, 1)),
            to: Some(jiff::civil::date(2026, 11, 30)),
        };
        let (clause, params) = where_clause(&filter);
        assert_eq!(clause, " WHERE action = $1 AND target = $2 AND at >= $3 AND at < $4");
        assert_eq!(params, ["sign_in", "PI-1", "2026-11-01", "2026-12-01"]);
        assert_eq!(where_clause(&Filter::default()).0, "");
    }
}
