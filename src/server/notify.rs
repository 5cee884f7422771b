//! The clinic's e-mails, sent from two outboxes: `notifications` (one per new
//! submission) and `escalations` (one per escalation step of an overdue safety
//! follow-up, `safety-followup.md`).
//!
//! `intakes::Writer::insert` adds one outbox row in the same transaction as the intake, so a
//! submission is never lost or slowed by the mail server, and `follow_ups::escalate_due`
//! adds one in the transaction that takes an escalation step; the worker here takes the
//! due steps and sends the rows of both outboxes with the same machinery. Several app instances may run the worker against one database: each row is
//! claimed with a conditional UPDATE before it is sent, so only one of them sends it.
//! Delivery is at least once: an instance that dies between the SMTP reply and marking
//! the row sent leaves it to be sent again when its claim runs out.
//!
//! An e-mail says only the reference and the priority (PRODUCT.md, "Notifications"):
//! mail crosses servers the clinic does not control, so names, answers and screening
//! reasons stay behind the staff sign-in, one link away.

use super::db::{is_unavailable, text_at, Db};
use super::patient_outbox;
use super::staff::audit;
use crate::domain::followup::{self, Windows};
use crate::domain::staff::Priority;
use crate::domain::values::Reference;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::Row;
use std::sync::Arc;
use std::time::Duration;

/// How often the worker looks for due e-mails: a new emergency reaches the clinic
/// within seconds, while an idle clinic costs one small query per interval.
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// The longest one e-mail may take. Well under [`CLAIM`], so a claim never runs out
/// while its instance is still sending (which would let a second instance send too).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a claimed row belongs to the instance sending it. If that instance dies,
/// another one sends the row after this.
const CLAIM: Duration = Duration::from_secs(120);

/// The first retry delay; each failure doubles it, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(30);

/// Failing e-mails are retried at least hourly for ever: giving up would silently
/// leave a submission unannounced.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// From this many failed attempts on, each failure is logged as an error: the clinic has
/// been waiting long enough that someone must look at the mail settings.
pub const ALARM_ATTEMPTS: i64 = 10;

/// Rows handled per round; the rest wait for the next round, a few seconds later.
const BATCH: i64 = 50;

/// The stored error text is cut to this many characters.
const MAX_ERROR_CHARS: usize = 200;

/// Where and how the clinic's e-mails are sent. Build it with [`NotifyConfig::new`],
/// which checks every field.
#[derive(Clone)]
pub struct NotifyConfig {
    /// `smtp://host:port`, `smtp://host?tls=required` (STARTTLS) or
    /// `smtps://user:password@host` (TLS from the start). May hold a password: it is
    /// never printed (see [`redact`]).
    pub smtp_url: String,
    pub from: Mailbox,
    /// The clinic's address that receives one e-mail per submission.
    pub to: Mailbox,
    /// `ON_CALL_EMAIL`: who else gets the escalations of overdue follow-ups.
    pub on_call: Option<Mailbox>,
    pub clinic_name: String,
    /// The app's address as staff reach it, without a trailing slash.
    pub public_url: String,
}

/// Why notifications cannot be set up or one e-mail could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("the SMTP URL {url} is not usable ({reason}); expected smtp://host:port, smtp://host?tls=required or smtps://user:password@host")]
    SmtpUrl { url: String, reason: String },
    #[error("the notification {which} address {value:?} is not an e-mail address ({reason})")]
    Address { which: &'static str, value: String, reason: String },
    #[error("the public URL {0:?} must be an absolute http:// or https:// URL")]
    PublicUrl(String),
    #[error("the e-mail could not be composed: {0}")]
    Compose(#[from] lettre::error::Error),
    #[error("the mail server did not finish within {} s", SEND_TIMEOUT.as_secs())]
    Timeout,
    #[error("{0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("the outbox row holds a malformed {0}")]
    BadRow(&'static str),
    #[error("the mail server refused NOOP")]
    Noop,
    /// The patient gave no e-mail address: nothing to send.
    #[error("no address")]
    NoAddress,
    /// A patient e-mail's row could not be read (never its content: codes only).
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("the patient e-mail could not be composed: {0}")]
    Patient(String),
}

impl NotifyError {
    /// Whether the server could not be reached at all (rather than refusing this one
    /// e-mail): the rest of a round would only wait for the same failure.
    fn is_unreachable(&self) -> bool {
        match self {
            NotifyError::Timeout => true,
            NotifyError::Smtp(e) => e.is_timeout() || (e.status().is_none() && !e.is_response() && !e.is_client()),
            _ => false,
        }
    }
}

impl NotifyConfig {
    /// Checks the settings: the SMTP URL as the mailer will read it, both addresses
    /// (`notify@clinic.example` or `Clinic <notify@clinic.example>`), the public URL.
    /// Escalations go to `to` only until [`NotifyConfig::with_on_call`] adds someone.
    pub fn new(smtp_url: &str, from: &str, to: &str, clinic_name: &str, public_url: &str) -> Result<Self, NotifyError> {
        if let Err(e) = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url) {
            return Err(NotifyError::SmtpUrl { url: redact(smtp_url), reason: scrub(&e.to_string(), smtp_url) });
        }
        let address = |which: &'static str, value: &str| {
            value.trim().parse::<Mailbox>().map_err(|e| NotifyError::Address {
                which,
                value: value.to_owned(),
                reason: e.to_string(),
            })
        };
        let public = public_url.trim().trim_end_matches('/');
        match url::Url::parse(public) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {}
            _ => return Err(NotifyError::PublicUrl(public_url.to_owned())),
        }
        Ok(Self {
            smtp_url: smtp_url.to_owned(),
            from: address("from", from)?,
            to: address("to", to)?,
            on_call: None,
            clinic_name: clinic_name.trim().to_owned(),
            public_url: public.to_owned(),
        })
    }

    /// Also sends the escalations of overdue follow-ups to `on_call` (`ON_CALL_EMAIL`).
    pub fn with_on_call(self, on_call: &str) -> Result<Self, NotifyError> {
        let on_call = on_call.trim().parse::<Mailbox>().map_err(|e| NotifyError::Address {
            which: "on-call",
            value: on_call.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(Self { on_call: Some(on_call), ..self })
    }
}

// By hand, so that logging a config never prints the SMTP password.
impl std::fmt::Debug for NotifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyConfig")
            .field("smtp_url", &redact(&self.smtp_url))
            .field("from", &self.from.to_string())
            .field("to", &self.to.to_string())
            .field("on_call", &self.on_call.as_ref().map(ToString::to_string))
            .field("clinic_name", &self.clinic_name)
            .field("public_url", &self.public_url)
            .finish()
    }
}

/// The SMTP URL with its password replaced, safe to print. A string that is not a URL
/// is not echoed at all: it might be a password pasted into the wrong setting.
pub fn redact(smtp_url: &str) -> String {
    match url::Url::parse(smtp_url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "(not a URL)".to_owned(),
    }
}

/// Removes the URL's password from a message, in case a library quotes the URL.
fn scrub(message: &str, smtp_url: &str) -> String {
    match url::Url::parse(smtp_url).ok().and_then(|u| u.password().map(str::to_owned)) {
        Some(password) if !password.is_empty() => message.replace(&password, "***"),
        _ => message.to_owned(),
    }
}

/// Sends the clinic's e-mails: an SMTP transport with a time limit, and what every
/// message shares. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    inner: Arc<MailerInner>,
}

struct MailerInner {
    from: Mailbox,
    to: Mailbox,
    on_call: Option<Mailbox>,
    clinic_name: String,
    public_url: String,
}

impl Mailer {
    pub fn new(config: &NotifyConfig) -> Result<Self, NotifyError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| NotifyError::SmtpUrl {
                url: redact(&config.smtp_url),
                reason: scrub(&e.to_string(), &config.smtp_url),
            })?
            // Per command; the whole exchange is also bounded, in `send`.
            .timeout(Some(SEND_TIMEOUT))
            .build();
        Ok(Self {
            transport,
            inner: Arc::new(MailerInner {
                from: config.from.clone(),
                to: config.to.clone(),
                on_call: config.on_call.clone(),
                clinic_name: config.clinic_name.clone(),
                public_url: config.public_url.trim_end_matches('/').to_owned(),
            }),
        })
    }

    /// The e-mail as it goes out: a new submission to the clinic's address; an
    /// escalation to the on-call address and the clinic's.
    pub fn compose(&self, mail: &Mail) -> Result<Message, NotifyError> {
        let m = &self.inner;
        let mut message = Message::builder().from(m.from.clone());
        let (subject, body) = match mail {
            Mail::NewIntake { reference, priority } => {
                (subject(reference, *priority), body(&m.clinic_name, &m.public_url, reference, *priority))
            }
            Mail::Escalation(e) => {
                if let Some(on_call) = m.on_call.as_ref().filter(|o| o.email != m.to.email) {
                    message = message.to(on_call.clone());
                }
                (escalation_subject(e), escalation_body(&m.clinic_name, &m.public_url, e))
            }
        };
        Ok(message.to(m.to.clone()).subject(subject).header(ContentType::TEXT_PLAIN).body(body)?)
    }

    /// Connects as a send would (TLS and login as the URL says), says EHLO and NOOP and
    /// quits, giving up after [`SEND_TIMEOUT`]: whether e-mail can go out now, without
    /// sending any (`pain-intake doctor`).
    pub async fn test_connection(&self) -> Result<(), NotifyError> {
        match tokio::time::timeout(SEND_TIMEOUT, self.transport.test_connection()).await {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err(NotifyError::Noop),
            Ok(Err(e)) => Err(e.into()),
            Err(_) => Err(NotifyError::Timeout),
        }
    }

    /// The address every e-mail comes from (`NOTIFY_FROM`).
    pub fn from(&self) -> &Mailbox {
        &self.inner.from
    }

    /// The clinic's address (`NOTIFY_TO`).
    pub fn to(&self) -> &Mailbox {
        &self.inner.to
    }

    /// Sends one e-mail, giving up after [`SEND_TIMEOUT`].
    pub async fn send(&self, mail: &Mail) -> Result<(), NotifyError> {
        self.send_message(self.compose(mail)?).await
    }

    /// Sends a composed message, giving up after [`SEND_TIMEOUT`].
    pub async fn send_message(&self, message: Message) -> Result<(), NotifyError> {
        match tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message)).await {
            Ok(sent) => sent.map(|_| ()).map_err(NotifyError::from),
            Err(_) => Err(NotifyError::Timeout),
        }
    }
}

/// One e-mail an outbox holds: a reference, a priority and counts, never a patient's
/// details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mail {
    NewIntake { reference: Reference, priority: Priority },
    Escalation(Escalation),
}

/// A follow-up overdue and not acknowledged: escalation `step` (1, 2, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub reference: Reference,
    /// A submission's follow-up or a callback request's: the link goes to its page.
    pub subject: followup::Subject,
    pub priority: followup::Priority,
    pub step: i64,
    pub overdue_minutes: i64,
}

/// `New intake 7KQ2-9MXD — priority: emergency`: what a mail list or a phone's lock
/// screen shows, so the priority is in it.
pub fn subject(reference: &Reference, priority: Priority) -> String {
    format!("New intake {} \u{2014} priority: {}", reference.display(), priority.as_str())
}

/// `OVERDUE follow-up 7KQ2-9MXD — safety, 45 min overdue (escalation 2)`.
pub fn escalation_subject(e: &Escalation) -> String {
    format!(
        "OVERDUE follow-up {} \u{2014} {}, {} overdue (escalation {})",
        e.reference.display(),
        e.priority.as_str(),
        followup::span_words(e.overdue_minutes),
        e.step
    )
}

/// Plain text in lines under 76 characters, so most mail programs show it as written.
fn body(clinic_name: &str, public_url: &str, reference: &Reference, priority: Priority) -> String {
    let reference = reference.display();
    let action = match priority {
        Priority::Emergency => "EMERGENCY: call the patient now.\nThe screening sent them to emergency care.\n\n",
        Priority::Urgent => "Urgent: please review this submission today.\n\n",
        Priority::Routine => "",
    };
    let clinic = if clinic_name.is_empty() { String::new() } else { format!(" for {clinic_name}") };
    format!(
        "A new patient intake was submitted{clinic}.\n\n\
         Reference: {reference}\n\
         Priority: {priority}\n\n\
         {action}\
         Open it (staff sign-in required):\n\
         {public_url}/staff/submissions/{reference}\n\n\
         This e-mail holds no patient details on purpose; they are in the app.\n",
        priority = priority.as_str(),
    )
}

/// The escalation: which follow-up, how overdue, what to do, and the link. No name,
/// answer, score or condition (`safety-followup.md`).
fn escalation_body(clinic_name: &str, public_url: &str, e: &Escalation) -> String {
    let reference = e.reference.display();
    let clinic = if clinic_name.is_empty() { String::new() } else { format!(" at {clinic_name}") };
    format!(
        "A patient follow-up{clinic} is overdue and nobody has\n\
         acknowledged it.\n\n\
         Reference: {reference}\n\
         Priority: {priority}\n\
         Overdue by: {overdue}\n\
         Escalation: {step}\n\n\
         Please call the patient, then acknowledge the follow-up in the\n\
         app so these e-mails stop (staff sign-in required):\n\
         {public_url}{path}#follow-up\n\n\
         Until someone acknowledges or closes it, this e-mail is repeated.\n\
         It holds no patient details on purpose; they are in the app.\n",
        path = e.subject.staff_path(&reference),
        priority = e.priority.as_str(),
        overdue = followup::span_words(e.overdue_minutes),
        step = e.step,
    )
}

/// The delay before the next try after `attempts` failed ones: 30 s, 1 min, 2 min, …
/// capped at one hour.
pub fn backoff(attempts: i64) -> Duration {
    let doublings = attempts.clamp(1, 32) as u32 - 1;
    FIRST_BACKOFF.saturating_mul(2u32.saturating_pow(doublings)).min(MAX_BACKOFF)
}

/// A stored timestamp `after` from now, in the same format as `db::now_text`.
fn later_text(now: jiff::Timestamp, after: Duration) -> String {
    text_at(now + jiff::SignedDuration::try_from(after).unwrap_or(jiff::SignedDuration::ZERO))
}

/// An error as stored in `last_error`: one line, short. It comes from the mail server
/// and lettre, never from the intake, so it holds no health details.
fn short(error: &NotifyError) -> String {
    let text: String = error.to_string().chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    text.chars().take(MAX_ERROR_CHARS).collect()
}

/// The three outboxes. Their rows share the delivery columns (`attempts`,
/// `next_attempt_at`, `claimed_until`, `sent_at`, `last_error`), so one sender serves all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outbox {
    Escalations,
    Notifications,
    /// The patient's own e-mails (`patient_outbox`).
    Patient,
}

impl Outbox {
    fn table(self) -> &'static str {
        match self {
            Outbox::Escalations => "escalations",
            Outbox::Notifications => "notifications",
            Outbox::Patient => "patient_mails",
        }
    }

    /// Most pressing first.
    fn order(self) -> &'static str {
        match self {
            Outbox::Escalations => "CASE priority WHEN 'emergency' THEN 0 WHEN 'safety' THEN 1 ELSE 2 END, id",
            Outbox::Notifications => "CASE priority WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END, id",
            Outbox::Patient => "id",
        }
    }

    /// What the claim returns: the e-mail's content and the attempts so far.
    fn returning(self) -> &'static str {
        match self {
            Outbox::Escalations => "reference, priority, attempts, step, overdue_minutes, kind",
            Outbox::Notifications => "reference, priority, attempts",
            Outbox::Patient => patient_outbox::RETURNING,
        }
    }

    /// The e-mail a claimed row holds. Only a bug could store a bad value; failing (and
    /// retrying) keeps it in the logs.
    fn mail(self, row: &sqlx::any::AnyRow) -> Result<Mail, NotifyError> {
        let text = |column: &'static str| row.try_get::<String, _>(column).map_err(|_| NotifyError::BadRow(column));
        let reference = Reference::parse(&text("reference")?).map_err(|_| NotifyError::BadRow("reference"))?;
        let priority = text("priority")?;
        match self {
            Outbox::Patient => Err(NotifyError::BadRow("kind")),
            Outbox::Notifications => Ok(Mail::NewIntake {
                reference,
                priority: Priority::parse(&priority).ok_or(NotifyError::BadRow("priority"))?,
            }),
            Outbox::Escalations => {
                let number =
                    |column: &'static str| row.try_get::<i64, _>(column).map_err(|_| NotifyError::BadRow(column));
                Ok(Mail::Escalation(Escalation {
                    reference,
                    subject: followup::Subject::parse(&text("kind")?).ok_or(NotifyError::BadRow("kind"))?,
                    priority: followup::Priority::parse(&priority).ok_or(NotifyError::BadRow("priority"))?,
                    step: number("step")?,
                    overdue_minutes: number("overdue_minutes")?,
                }))
            }
        }
    }
}

/// E-mails waiting unsent, per outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub notifications: i64,
    pub escalations: i64,
    pub patient_mails: i64,
}

/// How many e-mails wait unsent in each outbox, for `/metrics`: one statement, each
/// count from its outbox's `(sent_at, …)` index.
pub async fn waiting(db: &Db) -> Result<Waiting, sqlx::Error> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM notifications WHERE sent_at IS NULL) AS notifications, \
         (SELECT COUNT(*) FROM escalations WHERE sent_at IS NULL) AS escalations, \
         (SELECT COUNT(*) FROM patient_mails WHERE sent_at IS NULL) AS patient_mails",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok(Waiting {
        notifications: row.try_get("notifications")?,
        escalations: row.try_get("escalations")?,
        patient_mails: row.try_get("patient_mails")?,
    })
}

/// Sends every due, unclaimed e-mail of both outboxes (escalations first, then new
/// submissions, emergencies first in each) and returns how many were sent. A failed
/// e-mail is retried later with exponential backoff; only database errors end the round
/// early.
pub async fn send_due(db: &Db, mailer: &Mailer) -> Result<usize, sqlx::Error> {
    let mut sent = 0;
    for outbox in [Outbox::Escalations, Outbox::Notifications] {
        match send_outbox(db, mailer, outbox, None, jiff::Timestamp::now()).await? {
            Round::Sent(n) => sent += n,
            Round::Unreachable(n) => return Ok(sent + n),
        }
    }
    Ok(sent)
}

/// How one outbox's round ended.
enum Round {
    Sent(usize),
    /// The mail server could not be reached: the rest waits for the next round.
    Unreachable(usize),
}

/// Queues the reminders due at `now` and sends every patient e-mail due then; returns
/// how many went.
pub async fn send_patient_mails(
    db: &Db,
    mailer: &Mailer,
    ctx: &patient_outbox::Context,
    now: jiff::Timestamp,
) -> Result<usize, sqlx::Error> {
    patient_outbox::queue_reminders(db, &ctx.reminder_hours, now).await?;
    match send_outbox(db, mailer, Outbox::Patient, Some(ctx), now).await? {
        Round::Sent(n) | Round::Unreachable(n) => Ok(n),
    }
}

async fn send_outbox(
    db: &Db,
    mailer: &Mailer,
    outbox: Outbox,
    patient: Option<&patient_outbox::Context>,
    clock: jiff::Timestamp,
) -> Result<Round, sqlx::Error> {
    let table = outbox.table();
    let now = text_at(clock);
    let due = sqlx::query(&format!(
        "SELECT id FROM {table} \
         WHERE sent_at IS NULL AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1) \
         ORDER BY {} LIMIT {BATCH}",
        outbox.order()
    ))
    .bind(&now)
    .fetch_all(&db.pool)
    .await?;

    let mut sent = 0;
    for row in due {
        let id: i64 = row.try_get("id")?;
        // The claim repeats every condition of the query above: another instance may
        // have claimed, sent or rescheduled the row since. Only the instance whose
        // UPDATE changed the row sends it; the database serialises the UPDATEs.
        let claimed = sqlx::query(&format!(
            "UPDATE {table} SET claimed_until = $1 \
             WHERE id = $2 AND sent_at IS NULL AND next_attempt_at <= $3 \
             AND (claimed_until IS NULL OR claimed_until < $3) \
             RETURNING {}",
            outbox.returning()
        ))
        .bind(later_text(clock, CLAIM))
        .bind(id)
        .bind(&now)
        .fetch_optional(&db.pool)
        .await?;
        let Some(claimed) = claimed else { continue };
        // What the log lines name: the reference and priority, or the patient e-mail's kind.
        let (reference, priority): (String, String) = match outbox {
            Outbox::Patient => (claimed.try_get("kind")?, "patient".to_owned()),
            _ => (claimed.try_get("reference")?, claimed.try_get("priority")?),
        };
        let attempts: i64 = claimed.try_get::<i64, _>("attempts")? + 1;

        let message = match (outbox, patient) {
            (Outbox::Patient, Some(ctx)) => {
                patient_outbox::compose(db, ctx, (mailer.from(), mailer.to()), &claimed, clock).await
            }
            (Outbox::Patient, None) => Err(NotifyError::BadRow("context")),
            _ => outbox.mail(&claimed).and_then(|mail| mailer.compose(&mail)).map(Some),
        };
        let outcome = match message {
            Ok(Some(message)) => mailer.send_message(message).await,
            // No address to send to: closed as sent, with the reason.
            Ok(None) => Err(NotifyError::NoAddress),
            Err(e) => Err(e),
        };
        if let Err(NotifyError::NoAddress) = outcome {
            sqlx::query(&format!(
                "UPDATE {table} SET sent_at = $1, attempts = $2, claimed_until = NULL, last_error = 'no address' WHERE id = $3"
            ))
            .bind(&now)
            .bind(attempts)
            .bind(id)
            .execute(&db.pool)
            .await?;
            continue;
        }
        match outcome {
            Ok(()) => {
                sqlx::query(&format!(
                    "UPDATE {table} SET sent_at = $1, attempts = $2, claimed_until = NULL, last_error = NULL WHERE id = $3"
                ))
                .bind(&now)
                .bind(attempts)
                .bind(id)
                .execute(&db.pool)
                .await?;
                tracing::info!(outbox = table, reference = %reference, priority = %priority, "e-mail sent");
                sent += 1;
            }
            Err(e) => {
                let delay = backoff(attempts);
                sqlx::query(&format!(
                    "UPDATE {table} SET attempts = $1, next_attempt_at = $2, last_error = $3, claimed_until = NULL \
                     WHERE id = $4"
                ))
                .bind(attempts)
                .bind(later_text(clock, delay))
                .bind(short(&e))
                .bind(id)
                .execute(&db.pool)
                .await?;
                if attempts >= ALARM_ATTEMPTS {
                    tracing::error!(outbox = table, reference = %reference, attempts, retry_in_secs = delay.as_secs(),
                        error = %e, "e-mail keeps failing; check the SMTP settings");
                } else {
                    tracing::warn!(outbox = table, reference = %reference, attempts, retry_in_secs = delay.as_secs(),
                        error = %e, "e-mail failed; will retry");
                }
                if e.is_unreachable() {
                    return Ok(Round::Unreachable(sent));
                }
            }
        }
    }
    Ok(Round::Sent(sent))
}

/// One round of the worker: take the escalation steps due now (each in the audit log,
/// by `system`), then send what is due.
pub async fn round(db: &Db, mailer: &Mailer, windows: &Windows, audit: &audit::Writer) -> Result<usize, sqlx::Error> {
    for step in super::follow_ups::escalate_due(db, windows, jiff::Timestamp::now()).await? {
        tracing::warn!(reference = %step.reference, step = step.step, "overdue follow-up escalated");
        let detail = format!("step {}, {}, {} min overdue", step.step, step.priority.as_str(), step.overdue_minutes);
        audit
            .record(&audit::Entry {
                actor_id: None,
                actor: "system",
                action: audit::Action::FollowUpEscalated,
                target: &step.reference,
                client: "",
                request_id: "",
                detail: &detail,
            })
            .await?;
    }
    send_due(db, mailer).await
}

/// Runs [`round`] every [`POLL_INTERVAL`] until the process ends. Errors are logged
/// and the next round tries again; nothing stops the worker.
pub fn spawn_worker(
    db: Db,
    config: NotifyConfig,
    windows: Windows,
    audit: audit::Writer,
    patient: patient_outbox::Context,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mailer = Mailer::new(&config);
        match &mailer {
            Ok(_) => tracing::info!(to = %config.to, smtp = %redact(&config.smtp_url), "notification e-mails on"),
            Err(e) => tracing::error!(error = %e, "notification e-mails cannot be sent"),
        }
        let mut tick = tokio::time::interval(POLL_INTERVAL);
        // After a slow round, wait a full interval instead of running rounds back to back.
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut rounds: u64 = 0;
        loop {
            tick.tick().await;
            rounds += 1;
            let mailer = match &mailer {
                Ok(mailer) => mailer.clone(),
                Err(e) => {
                    // Unsent rows pile up in the outbox; say so every few minutes.
                    if rounds % 60 == 1 {
                        tracing::error!(error = %e, "notification e-mails are not being sent");
                    }
                    continue;
                }
            };
            // Each round in its own task, so a bug that panics ends one round, not the worker.
            let round_db = db.clone();
            let audit = audit.clone();
            let patient = patient.clone();
            let round = tokio::spawn(async move {
                let clinic = round(&round_db, &mailer, &windows, &audit).await?;
                let patients = send_patient_mails(&round_db, &mailer, &patient, jiff::Timestamp::now()).await?;
                Ok::<_, sqlx::Error>(clinic + patients)
            });
            match round.await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(sent = n, "notification e-mails sent"),
                Ok(Err(e)) if is_unavailable(&e) => {
                    tracing::warn!(error = %e, "database unavailable; notification e-mails wait")
                }
                Ok(Err(e)) => tracing::error!(error = %e, "notification round failed"),
                Err(e) => tracing::error!(error = %e, "notification round panicked"),
            }
        }
    })
}
