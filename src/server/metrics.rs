//! The app's numbers for the clinic's Prometheus, served as text by `GET /metrics`
//! (`http::metrics`, which also decides who may read them).
//!
//! Code counts through the `metrics` facade (`counter!`, `histogram!`), whose recorder is
//! one per process: [`handle`] installs it the first time an app is built and every later
//! app (tests build many in one process) shares it, so counters are the process's totals.
//! The backlogs are not counted here: the scrape reads them from the database
//! ([`render`]), so every instance on a shared database reports the same truth.
//!
//! Every label is a fixed enumeration (a route template, a status code, an outcome
//! code): never a path, a reference, a token, a name, an e-mail or an address.

use crate::domain::screening::Outcome;
use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::{Mutex, OnceLock, PoisonError};

/// HTTP requests by method, route template and status code.
pub const HTTP_REQUESTS: &str = "pain_intake_http_requests_total";
/// Time to the response's head (a streamed body's transfer is not included), by method
/// and route template.
pub const HTTP_DURATION: &str = "pain_intake_http_request_duration_seconds";
/// Intakes committed, by screening outcome (API and wizard alike; replays not counted).
pub const INTAKES: &str = "pain_intake_intakes_stored_total";
/// Wizard drafts started.
pub const DRAFTS_STARTED: &str = "pain_intake_drafts_started_total";
/// Expired drafts deleted by the purge, `abandoned` (never submitted) or `submitted`.
pub const DRAFTS_PURGED: &str = "pain_intake_drafts_purged_total";
/// 270 eligibility inquiries staff asked for, by result.
pub const X12_270: &str = "pain_intake_x12_270_downloads_total";
/// 271 eligibility responses staff uploaded, by result.
pub const X12_271: &str = "pain_intake_x12_271_uploads_total";
/// New-submission e-mails not sent yet (the `notifications` outbox).
pub const NOTIFICATIONS_WAITING: &str = "pain_intake_notifications_waiting";
/// Follow-up escalation e-mails not sent yet (the `escalations` outbox).
pub const ESCALATIONS_WAITING: &str = "pain_intake_escalations_waiting";
/// Safety follow-ups not closed.
pub const FOLLOW_UPS_OPEN: &str = "pain_intake_follow_ups_open";
/// Safety follow-ups not closed whose deadline has passed.
pub const FOLLOW_UPS_OVERDUE: &str = "pain_intake_follow_ups_overdue";
/// Whether the database answered this scrape's backlog queries.
pub const DATABASE_UP: &str = "pain_intake_database_up";
/// Connections a pool holds open, idle ones included, by pool.
pub const POOL_SIZE: &str = "pain_intake_db_pool_connections";
/// Idle connections of a pool.
pub const POOL_IDLE: &str = "pain_intake_db_pool_idle_connections";
/// The most connections a pool may open.
pub const POOL_MAX: &str = "pain_intake_db_pool_max_connections";
/// Always 1; the version as a label.
pub const BUILD_INFO: &str = "pain_intake_build_info";

/// Real-time eligibility tries (a 270 sent to the clearinghouse, or one that could not
/// be made), by result.
pub const ELIGIBILITY_CHECKS: &str = "pain_intake_eligibility_checks_total";
/// Real-time eligibility checks not done yet (queued, or waiting for a retry).
pub const ELIGIBILITY_WAITING: &str = "pain_intake_eligibility_checks_waiting";
/// Patient e-mails (receipts, booking e-mails, reminders) not sent yet.
pub const PATIENT_MAILS_WAITING: &str = "pain_intake_patient_mails_waiting";

/// The route label of a request no route matched (static files, 404s).
pub const UNMATCHED: &str = "unmatched";

/// Latency buckets, in seconds: most answers take milliseconds (a page 1 to 20 ms, an
/// intake's group commit a few ms), the database's acquire timeout is 5 s.
const LATENCY_BUCKETS: &[f64] = &[0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The process's recorder, installed once; `None` if another recorder was installed first.
static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// One scrape at a time sets the gauges and renders, so each body shows the database it
/// read (two apps in one process, as in tests, share the gauges).
static SCRAPE: Mutex<()> = Mutex::new(());

/// The process's Prometheus recorder, installed on the first call. `None` when some other
/// recorder was installed before (then nothing is exported, and a warning says why).
pub fn handle() -> Option<&'static PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.to_owned()), LATENCY_BUCKETS)
                .expect("the latency buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            match metrics::set_global_recorder(recorder) {
                Ok(()) => {
                    describe();
                    Some(handle)
                }
                Err(_) => {
                    tracing::warn!("another metrics recorder is installed: /metrics exports nothing");
                    None
                }
            }
        })
        .as_ref()
}

/// The HELP text of every metric, and the counters of fixed enumerations at zero, so a
/// dashboard sees every series from the first scrape.
fn describe() {
    describe_counter!(HTTP_REQUESTS, "HTTP requests answered, by method, route template and status code.");
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time from a request's arrival to its response's head, by method and route template."
    );
    describe_counter!(INTAKES, "Intakes stored (committed), by screening outcome; idempotent replays are not counted.");
    describe_counter!(DRAFTS_STARTED, "Wizard drafts started.");
    describe_counter!(DRAFTS_PURGED, "Expired wizard drafts deleted, abandoned (never submitted) or submitted.");
    describe_counter!(X12_270, "270 eligibility inquiries staff asked for, by result.");
    describe_counter!(X12_271, "271 eligibility responses staff uploaded, by result.");
    describe_counter!(
        ELIGIBILITY_CHECKS,
        "Real-time eligibility tries, by result: active, inactive or rejected (a verification saved), retry, \
         needs_person, failed, no_270."
    );
    describe_gauge!(ELIGIBILITY_WAITING, "Real-time eligibility checks not done yet (read at scrape).");
    describe_gauge!(PATIENT_MAILS_WAITING, "Patient e-mails not sent yet (read at scrape).");
    describe_gauge!(NOTIFICATIONS_WAITING, "New-submission e-mails not sent yet (read from the database at scrape).");
    describe_gauge!(ESCALATIONS_WAITING, "Follow-up escalation e-mails not sent yet (read at scrape).");
    describe_gauge!(FOLLOW_UPS_OPEN, "Safety follow-ups not closed (read at scrape).");
    describe_gauge!(FOLLOW_UPS_OVERDUE, "Safety follow-ups not closed whose deadline has passed (read at scrape).");
    describe_gauge!(DATABASE_UP, "1 when the database answered this scrape's backlog queries, else 0.");
    describe_gauge!(POOL_SIZE, "Database connections a pool holds open, idle ones included.");
    describe_gauge!(POOL_IDLE, "Idle database connections of a pool.");
    describe_gauge!(POOL_MAX, "The most database connections a pool may open.");
    describe_gauge!(BUILD_INFO, "Always 1; the running version is the label.");

    for outcome in Outcome::ALL {
        counter!(INTAKES, "outcome" => outcome.as_str()).increment(0);
    }
    counter!(DRAFTS_STARTED).increment(0);
    for result in CheckResult::ALL {
        counter!(ELIGIBILITY_CHECKS, "result" => result.as_str()).increment(0);
    }
    for state in ["abandoned", "submitted"] {
        counter!(DRAFTS_PURGED, "state" => state).increment(0);
    }
    gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
}

/// Drains the recorded latencies into their buckets. A scrape does it too; call it now
/// and then so an instance nobody scrapes does not hold every latency in memory.
pub fn upkeep() {
    if let Some(handle) = handle() {
        handle.run_upkeep();
    }
}

/// The method as a label: the standard ones by name, anything else `other`.
pub fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// One answered request. `route` is the router's template (`/intake/{step}`) or
/// [`UNMATCHED`], never the path itself.
pub fn request(method: &'static str, route: String, status: u16, seconds: f64) {
    counter!(HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => status.to_string()).increment(1);
    histogram!(HTTP_DURATION, "method" => method, "route" => route).record(seconds);
}

/// An intake was committed.
pub fn intake_stored(outcome: Outcome) {
    counter!(INTAKES, "outcome" => outcome.as_str()).increment(1);
}

/// A wizard draft was started.
pub fn draft_started() {
    counter!(DRAFTS_STARTED).increment(1);
}

/// The purge deleted expired drafts.
pub fn drafts_purged(abandoned: u64, submitted: u64) {
    counter!(DRAFTS_PURGED, "state" => "abandoned").increment(abandoned);
    counter!(DRAFTS_PURGED, "state" => "submitted").increment(submitted);
}

/// What became of a staff member's 270 download.
#[derive(Debug, Clone, Copy)]
pub enum Inquiry {
    /// The file was built and sent.
    Built,
    /// The submission lacks what a 270 needs (self-pay, no payer ID, no NPI set).
    NotPossible,
    /// The database did not give a control number.
    Unavailable,
}

pub fn x12_270(result: Inquiry) {
    let result = match result {
        Inquiry::Built => "built",
        Inquiry::NotPossible => "not_possible",
        Inquiry::Unavailable => "unavailable",
    };
    counter!(X12_270, "result" => result).increment(1);
}

/// What became of a staff member's 271 upload.
#[derive(Debug, Clone, Copy)]
pub enum Response271 {
    /// Read into a suggestion for the verification panel.
    Read,
    /// Not a 271 the reader accepts (staff see its reason).
    Refused,
    /// No file and no text, or more than the upload limit.
    Missing,
    TooLarge,
}

pub fn x12_271(result: Response271) {
    let result = match result {
        Response271::Read => "read",
        Response271::Refused => "refused",
        Response271::Missing => "missing",
        Response271::TooLarge => "too_large",
    };
    counter!(X12_271, "result" => result).increment(1);
}

/// What became of one real-time eligibility try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckResult {
    /// A 271 saved as a verification: coverage active.
    Active,
    /// A 271 saved as a verification: coverage inactive.
    Inactive,
    /// A 271 saved as a verification: the payer refused the inquiry.
    Rejected,
    /// Tried again later (a timeout, a connection error, an ErrorCode, AAA 42).
    Retry,
    /// A 271 staff must act on (AAA codes that need a person).
    NeedsPerson,
    /// Not retried: a 999, an unreadable answer, an HTTP status that will not change.
    Failed,
    /// No 270 could be made for the submission.
    No270,
}

impl CheckResult {
    const ALL: [Self; 7] =
        [Self::Active, Self::Inactive, Self::Rejected, Self::Retry, Self::NeedsPerson, Self::Failed, Self::No270];

    fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Rejected => "rejected",
            Self::Retry => "retry",
            Self::NeedsPerson => "needs_person",
            Self::Failed => "failed",
            Self::No270 => "no_270",
        }
    }
}

pub fn eligibility_check(result: CheckResult) {
    counter!(ELIGIBILITY_CHECKS, "result" => result.as_str()).increment(1);
}

/// The work waiting in the database, read at a scrape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    pub notifications: i64,
    pub escalations: i64,
    pub open_follow_ups: i64,
    pub overdue_follow_ups: i64,
    pub eligibility_checks: i64,
    pub patient_mails: i64,
}

/// One connection pool's state at a scrape.
#[derive(Debug, Clone, Copy)]
pub struct PoolState {
    /// `app` (pages and API), `writers` (the group-commit writers), `counters` (rate
    /// limits on PostgreSQL).
    pub name: &'static str,
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

/// The text a scrape answers: the gauges set from what was just read (`None`: the
/// database did not answer, so the backlogs are NaN, "unknown", rather than stale
/// numbers), then everything rendered. `None` when no recorder could be installed.
pub fn render(backlog: Option<Backlog>, pools: &[PoolState]) -> Option<String> {
    let handle = handle()?;
    let _one_scrape = SCRAPE.lock().unwrap_or_else(PoisonError::into_inner);
    let value = |n: fn(&Backlog) -> i64| backlog.as_ref().map_or(f64::NAN, |b| n(b) as f64);
    gauge!(NOTIFICATIONS_WAITING).set(value(|b| b.notifications));
    gauge!(ESCALATIONS_WAITING).set(value(|b| b.escalations));
    gauge!(FOLLOW_UPS_OPEN).set(value(|b| b.open_follow_ups));
    gauge!(FOLLOW_UPS_OVERDUE).set(value(|b| b.overdue_follow_ups));
    gauge!(ELIGIBILITY_WAITING).set(value(|b| b.eligibility_checks));
    gauge!(PATIENT_MAILS_WAITING).set(value(|b| b.patient_mails));
    gauge!(DATABASE_UP).set(if backlog.is_some() { 1.0 } else { 0.0 });
    for pool in pools {
        gauge!(POOL_SIZE, "pool" => pool.name).set(f64::from(pool.size));
        gauge!(POOL_IDLE, "pool" => pool.name).set(pool.idle as f64);
        gauge!(POOL_MAX, "pool" => pool.name).set(f64::from(pool.max));
    }
    Some(handle.render())
}
