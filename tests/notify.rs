//! New-submission e-mails, against a small real SMTP server and both databases: one
//! e-mail per intake with the reference and priority only, retried after failures,
//! never sent twice by concurrent senders.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use common::smtp::*;
use common::*;
use jiff::{SignedDuration, Timestamp};
use pain_intake::domain::followup::{CloseOutcome, Windows};
use pain_intake::domain::intake::IntakeAnswers;
use pain_intake::domain::screening::{evaluate, Evaluation};
use pain_intake::domain::staff::Priority;
use pain_intake::domain::values::Reference;
use pain_intake::server::db::Db;
use pain_intake::server::follow_ups;
use pain_intake::server::intakes;
use pain_intake::server::notify::{self, Mailer, NotifyConfig};
use serde_json::Value;
use sqlx::Row;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::net::TcpListener;

const CLINIC: &str = "frontdesk@clinic.test";
const PUBLIC_URL: &str = "https://intake.clinic.test";

// ---------------------------------------------------------------------------------
// Helpers.

/// Runs a test body with a time limit, so a hung SMTP exchange fails the test.
async fn within<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(60), body).await.expect("the test took longer than 60 s");
}

fn config(smtp_url: &str) -> NotifyConfig {
    NotifyConfig::new(smtp_url, "Intake app <intake@clinic.test>", CLINIC, "Test Pain Clinic", PUBLIC_URL)
        .expect("valid notification config")
}

fn mailer(server: &SmtpServer) -> Mailer {
    Mailer::new(&config(&server.url())).expect("mailer")
}

fn today() -> jiff::civil::Date {
    jiff::civil::Date::constant(2026, 11, 23)
}

/// Stores an intake as the API does; returns its reference and evaluation.
async fn submit(db: &Db, intake: &Value) -> (Reference, Evaluation) {
    let answers = IntakeAnswers::from_json(intake, today()).expect("valid intake");
    let evaluation = evaluate(&answers.clinical, answers.patient.date_of_birth, today());
    let stored = intakes::Writer::start(db, Default::default())
        .insert(&answers, &evaluation, today(), None, None)
        .await
        .expect("insert intake")
        .stored()
        .clone();
    (stored.reference, evaluation)
}

/// A valid intake whose clinical answers are those of a spec example.
fn intake_with_clinical_of(example: &str) -> Value {
    let clinical = examples()
        .into_iter()
        .find(|(n, _)| n == example)
        .map(|(_, v)| v["request"]["clinical"].clone())
        .expect("spec example");
    let mut intake = valid_intake();
    intake["clinical"] = clinical;
    intake
}

struct Outbox {
    attempts: i64,
    next_attempt_at: String,
    claimed_until: Option<String>,
    sent_at: Option<String>,
    last_error: Option<String>,
}

async fn outbox(db: &Db, reference: &Reference) -> Outbox {
    let row = sqlx::query(
        "SELECT attempts, next_attempt_at, claimed_until, sent_at, last_error FROM notifications WHERE reference = $1",
    )
    .bind(reference.compact())
    .fetch_one(&db.pool)
    .await
    .expect("outbox row");
    Outbox {
        attempts: row.try_get("attempts").unwrap(),
        next_attempt_at: row.try_get("next_attempt_at").unwrap(),
        claimed_until: row.try_get("claimed_until").unwrap(),
        sent_at: row.try_get("sent_at").unwrap(),
        last_error: row.try_get("last_error").unwrap(),
    }
}

/// Makes every unsent row due now, as if its retry time had passed.
async fn make_due(db: &Db) {
    sqlx::query("UPDATE notifications SET next_attempt_at = $1 WHERE sent_at IS NULL")
        .bind("2000-01-01T00:00:00.000Z")
        .execute(&db.pool)
        .await
        .unwrap();
}

fn seconds_from_now(timestamp: &str) -> i64 {
    let at: Timestamp = timestamp.parse().expect("stored timestamp");
    (at - Timestamp::now()).get_seconds()
}

/// A header's value, unfolded, with RFC 2047 encoded words decoded.
fn header(data: &str, name: &str) -> String {
    let head = data.split("\r\n\r\n").next().unwrap_or_default();
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let prefix = format!("{}:", name.to_ascii_lowercase());
    let value = unfolded
        .split("\r\n")
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {name} header in:\n{data}"))[prefix.len()..]
        .trim()
        .to_owned();
    decode_words(&value)
}

fn decode_words(value: &str) -> String {
    let mut out = Vec::new();
    let mut pending_space = String::new();
    let mut previous_was_word = false;
    for token in value.split(' ') {
        let encoded = token
            .strip_prefix("=?")
            .and_then(|t| t.strip_suffix("?="))
            .and_then(|t| t.split_once('?'))
            .and_then(|(_charset, rest)| rest.split_once('?'))
            .filter(|(encoding, _)| encoding.eq_ignore_ascii_case("b"));
        match encoded {
            Some((_, text)) => {
                // Space between two encoded words is not part of the text (RFC 2047 §6.2).
                if !previous_was_word {
                    out.extend_from_slice(pending_space.as_bytes());
                }
                out.extend(base64(text));
                previous_was_word = true;
            }
            None => {
                out.extend_from_slice(pending_space.as_bytes());
                out.extend_from_slice(token.as_bytes());
                previous_was_word = false;
            }
        }
        pending_space = " ".into();
    }
    String::from_utf8(out).expect("UTF-8 header")
}

fn base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c).expect("base64 character") as u32;
        bits = (bits << 6) | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

/// The message body as a person reads it: transfer encoding undone.
fn body(data: &str) -> String {
    let (_, raw) = data.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no body in:\n{data}"));
    let encoding = data
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .split("\r\n")
        .find(|l| l.to_ascii_lowercase().starts_with("content-transfer-encoding:"))
        .map(|l| l[26..].trim().to_ascii_lowercase())
        .unwrap_or_default();
    let bytes = match encoding.as_str() {
        "quoted-printable" => {
            let joined = raw.replace("=\r\n", "");
            let mut out = Vec::new();
            let mut bytes = joined.bytes();
            while let Some(b) = bytes.next() {
                if b == b'=' {
                    let hex: String =
                        [bytes.next().unwrap(), bytes.next().unwrap()].iter().map(|b| *b as char).collect();
                    out.push(u8::from_str_radix(&hex, 16).expect("quoted-printable escape"));
                } else {
                    out.push(b);
                }
            }
            out
        }
        "base64" => base64(&raw.replace("\r\n", "")),
        _ => raw.as_bytes().to_vec(),
    };
    String::from_utf8(bytes).expect("UTF-8 body").replace("\r\n", "\n")
}

/// Every string in the intake a patient typed or chose, at least four characters long.
fn patient_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if s.chars().count() >= 4 => out.push(s.to_lowercase()),
        Value::Array(items) => items.iter().for_each(|v| patient_strings(v, out)),
        Value::Object(fields) => fields.values().for_each(|v| patient_strings(v, out)),
        _ => {}
    }
}

/// Asserts that nothing of the patient's or the screening's leaks into a message.
fn assert_no_patient_details(data: &str, intake: &Value, evaluation: &Evaluation) {
    // Message-ID is random and names this machine: it could spell anything.
    let text: String = data
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("message-id:"))
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase();
    // Decoded too, so no encoding can hide a detail from the check.
    let text = format!("{text}\n{}\n{}", header(data, "Subject"), body(data)).to_lowercase();
    let mut forbidden = Vec::new();
    patient_strings(intake, &mut forbidden);
    // Other spellings of the same facts.
    forbidden.extend(["2145550182", "555-0182", "04/02/1980", "1980", "jane", "doe"].map(String::from));
    // The outcome only where it is also the priority's name ("emergency").
    if Priority::parse(evaluation.outcome.as_str()).is_none() {
        forbidden.push(evaluation.outcome.as_str().to_owned());
    }
    for reason in &evaluation.reasons {
        forbidden.push(reason.code.as_str().to_owned());
    }
    for word in forbidden {
        assert!(!text.contains(&word), "the e-mail contains {word:?}:\n{data}");
    }
}

// ---------------------------------------------------------------------------------
// The spec: one e-mail per submission, reference and priority only.

on_both_databases! {
    async fn a_new_intake_sends_one_email_with_reference_and_priority_only(backend) {
        within(async {
            let (db, _dir) = fresh_db(backend).await;
            let server = SmtpServer::start().await;
            let intake = valid_intake();
            let (reference, evaluation) = submit(&db, &intake).await;

            let sent = notify::send_due(&db, &mailer(&server)).await.unwrap();
            assert_eq!(sent, 1);
            let messages = server.messages();
            assert_eq!(messages.len(), 1);
            let message = &messages[0];
            assert_eq!(message.rcpt_to, vec![CLINIC.to_owned()]);
            assert!(header(&message.data, "To").contains(CLINIC), "{}", message.data);
            assert_eq!(
                header(&message.data, "Subject"),
                format!("New intake {} \u{2014} priority: routine", reference.display())
            );
            let text = body(&message.data);
            assert!(text.contains(&format!("Reference: {}\n", reference.display())), "{text}");
            assert!(text.contains("Priority: routine\n"), "{text}");
            assert!(text.contains(&format!("{PUBLIC_URL}/staff/submissions/{}\n", reference.display())), "{text}");
            assert!(!text.to_lowercase().contains("call the patient"), "{text}");
            assert_no_patient_details(&message.data, &intake, &evaluation);

            let row = outbox(&db, &reference).await;
            assert!(row.sent_at.is_some());
            assert_eq!(row.attempts, 1);
            assert_eq!(row.claimed_until, None);
            assert_eq!(row.last_error, None);

            // Sent means done: the next rounds send nothing.
            assert_eq!(notify::send_due(&db, &mailer(&server)).await.unwrap(), 0);
            assert_eq!(server.messages().len(), 1);
        })
        .await
    }

    async fn an_emergency_says_so_in_the_subject_and_asks_for_a_call(backend) {
        within(async {
            let (db, _dir) = fresh_db(backend).await;
            let server = SmtpServer::start().await;
            let intake = intake_with_clinical_of("cauda-equina-signs.json");
            let (reference, evaluation) = submit(&db, &intake).await;
            assert_eq!(evaluation.outcome.as_str(), "emergency");

            assert_eq!(notify::send_due(&db, &mailer(&server)).await.unwrap(), 1);
            let messages = server.messages();
            assert_eq!(messages.len(), 1);
            let data = &messages[0].data;
            assert_eq!(
                header(data, "Subject"),
                format!("New intake {} \u{2014} priority: emergency", reference.display())
            );
            let text = body(data);
            assert!(text.contains("Priority: emergency\n"), "{text}");
            assert!(text.contains("call the patient now."), "{text}");
            // The priority, not the reason: "saddle numbness" stays in the app.
            assert!(!text.to_lowercase().contains("saddle"), "{text}");
            assert_no_patient_details(data, &intake, &evaluation);
        })
        .await
    }

    async fn emergencies_are_sent_before_older_routine_intakes(backend) {
        within(async {
            let (db, _dir) = fresh_db(backend).await;
            let server = SmtpServer::start().await;
            let (routine, _) = submit(&db, &valid_intake()).await;
            let (emergency, _) = submit(&db, &intake_with_clinical_of("cauda-equina-signs.json")).await;

            assert_eq!(notify::send_due(&db, &mailer(&server)).await.unwrap(), 2);
            let subjects: Vec<String> = server.messages().iter().map(|m| header(&m.data, "Subject")).collect();
            assert!(subjects[0].contains(&emergency.display()), "{subjects:?}");
            assert!(subjects[1].contains(&routine.display()), "{subjects:?}");
        })
        .await
    }

    async fn a_failing_mail_server_delays_the_email_but_never_the_intake(backend) {
        within(async {
            let (db, _dir) = fresh_db(backend).await;
            let server = SmtpServer::start().await;
            server.set_failing(true);
            let intake = valid_intake();
            let (reference, _) = submit(&db, &intake).await;
            // The intake is stored before any e-mail is tried.
            assert_eq!(intakes::count(&db).await.unwrap(), 1);
            assert!(intakes::find(&db, &reference).await.unwrap().is_some());

            let mailer = mailer(&server);
            assert_eq!(notify::send_due(&db, &mailer).await.unwrap(), 0);
            assert_eq!(server.data_commands(), 1);
            assert!(server.messages().is_empty());
            let row = outbox(&db, &reference).await;
            assert_eq!(row.attempts, 1);
            assert_eq!(row.sent_at, None);
            assert_eq!(row.claimed_until, None);
            let wait = seconds_from_now(&row.next_attempt_at);
            assert!((25..=31).contains(&wait), "first retry in {wait} s, expected about 30");
            let error = row.last_error.expect("the failure is recorded");
            assert!(error.contains("451"), "{error}");
            assert!(!error.to_lowercase().contains("jane") && !error.contains("1980"), "{error}");

            // Not due yet: the next round leaves it alone, even with the server back.
            server.set_failing(false);
            assert_eq!(notify::send_due(&db, &mailer).await.unwrap(), 0);
            assert_eq!(server.data_commands(), 1);

            // Once the retry time has passed it is sent, exactly once.
            make_due(&db).await;
            assert_eq!(notify::send_due(&db, &mailer).await.unwrap(), 1);
            assert_eq!(notify::send_due(&db, &mailer).await.unwrap(), 0);
            let messages = server.messages();
            assert_eq!(messages.len(), 1);
            assert!(header(&messages[0].data, "Subject").contains(&reference.display()));
            let row = outbox(&db, &reference).await;
            assert!(row.sent_at.is_some());
            assert_eq!(row.attempts, 2);
            assert_eq!(row.last_error, None);
        })
        .await
    }

    async fn an_unreachable_mail_server_is_retried_later(backend) {
        within(async {
            let (db, _dir) = fresh_db(backend).await;
            // A port nobody listens on: bind one, then close it.
            let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("smtp://{}", closed.local_addr().unwrap());
            drop(closed);
            let (reference, _) = submit(&db, &valid_intake()).await;

            let mailer = Mailer::new(&config(&url)).unwrap();
            assert_eq!(notify::send_due(&db, &mailer).await.unwrap(), 0);
            let row = outbox(&db, &reference).await;
            assert_eq!((row.attempts, row.sent_at), (1, None));
            assert!(row.last_error.is_some());
            assert!(seconds_from_now(&row.next_attempt_at) > 20);
        })
        .await
    }

    async fn failures_back_off_to_hourly_and_never_give_up(backend) {
        within(async {
            let (db, _dir) = fresh_db(backend).await;
            let server = SmtpServer::start().await;
            server.set_failing(true);
            let (reference, _) = submit(&db, &valid_intake()).await;
            sqlx::query("UPDATE notifications SET attempts = 12").execute(&db.pool).await.unwrap();

            let mailer = mailer(&server);
            assert_eq!(notify::send_due(&db, &mailer).await.unwrap(), 0);
            let row = outbox(&db, &reference).await;
            assert_eq!(row.attempts, 13);
            let wait = seconds_from_now(&row.next_attempt_at);
            assert!((3590..=3601).contains(&wait), "retry in {wait} s, expected an hour");

            // Still retried after that many failures.
            server.set_failing(false);
            make_due(&db).await;
            assert_eq!(notify::send_due(&db, &mailer).await.unwrap(), 1);
            assert_eq!(server.messages().len(), 1);
        })
        .await
    }

    async fn concurrent_senders_send_each_email_once(backend) {
        within(async {
            let (db, _dir) = fresh_db(backend).await;
            let server = SmtpServer::start().await;
            // A slow server keeps both senders busy at the same time.
            server.state.delay_ms.store(30, Ordering::SeqCst);
            let mut references = Vec::new();
            for _ in 0..6 {
                references.push(submit(&db, &valid_intake()).await.0.display());
            }

            // Two senders at once, as two app instances sharing the database would be.
            let (first, second) = (mailer(&server), mailer(&server));
            let (a, b) = tokio::join!(notify::send_due(&db, &first), notify::send_due(&db, &second));
            assert_eq!(a.unwrap() + b.unwrap(), references.len());

            let mut sent: Vec<String> = server
                .messages()
                .iter()
                .map(|m| header(&m.data, "Subject").split(' ').nth(2).unwrap().to_owned())
                .collect();
            sent.sort();
            references.sort();
            assert_eq!(sent, references, "each e-mail exactly once");
            assert_eq!(server.data_commands(), references.len());
        })
        .await
    }

    async fn a_row_claimed_by_another_instance_waits_for_its_claim_to_run_out(backend) {
        within(async {
            let (db, _dir) = fresh_db(backend).await;
            let server = SmtpServer::start().await;
            let (reference, _) = submit(&db, &valid_intake()).await;
            sqlx::query("UPDATE notifications SET claimed_until = $1")
                .bind("2999-01-01T00:00:00.000Z")
                .execute(&db.pool)
                .await
                .unwrap();
            assert_eq!(notify::send_due(&db, &mailer(&server)).await.unwrap(), 0);
            assert!(server.messages().is_empty());

            // The other instance died: its claim ran out.
            sqlx::query("UPDATE notifications SET claimed_until = $1")
                .bind("2000-01-01T00:00:00.000Z")
                .execute(&db.pool)
                .await
                .unwrap();
            assert_eq!(notify::send_due(&db, &mailer(&server)).await.unwrap(), 1);
            assert!(outbox(&db, &reference).await.sent_at.is_some());
        })
        .await
    }

    async fn the_worker_sends_new_intakes_by_itself(backend) {
        within(async {
            let (db, _dir) = fresh_db(backend).await;
            let server = SmtpServer::start().await;
            let audit = pain_intake::server::staff::audit::Writer::start(&db);
            let worker = notify::spawn_worker(db.clone(), config(&server.url()), Default::default(), audit, patient_context(PUBLIC_URL));
            let (reference, _) = submit(&db, &valid_intake()).await;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
            // The clinic's new-submission e-mail and the patient's receipt, in either order.
            while server.messages().len() < 2 {
                assert!(tokio::time::Instant::now() < deadline, "not both e-mails within 20 s");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            worker.abort();
            let mut subjects: Vec<String> = server.messages().iter().map(|m| header(&m.data, "Subject")).collect();
            subjects.sort_by_key(|s| !s.contains(&reference.display()));
            assert_eq!(subjects.len(), 2, "{subjects:?}");
            assert!(subjects[0].contains(&reference.display()), "{subjects:?}");
            assert_eq!(subjects[1], "We received your form", "{subjects:?}");
            assert!(!worker.await.unwrap_err().is_panic());
        })
        .await
    }
}

// ---------------------------------------------------------------------------------
// Configuration and the retry schedule.

#[test]
fn the_smtp_forms_of_the_spec_are_accepted() {
    for url in
        ["smtp://127.0.0.1:2525", "smtp://mail.clinic.test?tls=required", "smtps://user:pa%24%24@mail.clinic.test"]
    {
        let config = NotifyConfig::new(url, "intake@clinic.test", CLINIC, "Clinic", "https://x.test/");
        assert!(config.is_ok(), "{url}: {config:?}");
        assert_eq!(config.unwrap().public_url, "https://x.test");
    }
}

#[test]
fn the_smtp_password_is_never_printed() {
    let url = "smtps://notify:Sup3rSecret@mail.clinic.test";
    let config = NotifyConfig::new(url, "intake@clinic.test", CLINIC, "Clinic", PUBLIC_URL).unwrap();
    let shown = format!("{config:?}");
    assert!(!shown.contains("Sup3rSecret") && shown.contains("mail.clinic.test"), "{shown}");

    let bad = "imap://notify:Sup3rSecret@mail.clinic.test";
    let error = NotifyConfig::new(bad, "intake@clinic.test", CLINIC, "Clinic", PUBLIC_URL).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("Sup3rSecret"), "{shown}");
    assert!(shown.contains("imap://notify:***@mail.clinic.test"), "{shown}");
    assert!(!notify::redact("not a url Sup3rSecret").contains("Sup3rSecret"));
}

#[test]
fn bad_settings_are_refused() {
    let ok = |url: &str, from: &str, to: &str, public: &str| NotifyConfig::new(url, from, to, "Clinic", public).is_ok();
    assert!(!ok("", "intake@clinic.test", CLINIC, PUBLIC_URL));
    assert!(!ok("mail.clinic.test:25", "intake@clinic.test", CLINIC, PUBLIC_URL));
    assert!(!ok("smtp://127.0.0.1:25", "not an address", CLINIC, PUBLIC_URL));
    assert!(!ok("smtp://127.0.0.1:25", "intake@clinic.test", "", PUBLIC_URL));
    assert!(!ok("smtp://127.0.0.1:25", "intake@clinic.test", CLINIC, "intake.clinic.test"));
    assert!(!ok("smtp://127.0.0.1:25", "intake@clinic.test", CLINIC, "ftp://intake.clinic.test"));
    assert!(ok("smtp://127.0.0.1:25", "Pain Clinic <intake@clinic.test>", CLINIC, PUBLIC_URL));
}

#[test]
fn retries_double_from_30_seconds_up_to_an_hour() {
    let secs: Vec<u64> = (1..=12).map(|n| notify::backoff(n).as_secs()).collect();
    assert_eq!(secs, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600, 3600]);
    assert_eq!(notify::backoff(1_000_000).as_secs(), 3600);
}

// ---------------------------------------------------------------------------------
// Escalations of overdue safety follow-ups (safety-followup.md), with the clock passed in.

const ON_CALL: &str = "oncall@clinic.test";

/// A safety-alert intake (PHQ-9 item 9) for Jane Doe.
fn self_harm() -> Value {
    intake_with_clinical_of("self-harm-item.json")
}

/// The follow-up of a stored submission: (id, deadline).
async fn follow_up_of(db: &Db, reference: &Reference) -> (i64, Timestamp) {
    let row = sqlx::query(
        "SELECT f.id, f.deadline FROM follow_ups f JOIN intakes i ON i.id = f.intake_id WHERE i.reference = $1",
    )
    .bind(reference.compact())
    .fetch_one(&db.pool)
    .await
    .unwrap();
    (row.try_get("id").unwrap(), row.try_get::<String, _>("deadline").unwrap().parse().unwrap())
}

fn minutes(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

/// The escalation e-mails the server received, as (subject, recipients, body).
fn escalations_received(server: &SmtpServer) -> Vec<(String, Vec<String>, String)> {
    server
        .messages()
        .into_iter()
        .map(|m| (header(&m.data, "Subject"), m.rcpt_to.clone(), m.data.clone()))
        .filter(|(subject, _, _)| subject.starts_with("OVERDUE"))
        .collect()
}

on_both_databases! {
    async fn an_overdue_follow_up_escalates_to_on_call_and_the_clinic_until_someone_acts(backend) {
        within(async {
            let (db, _dir) = fresh_db(backend).await;
            let server = SmtpServer::start().await;
            let mailer = Mailer::new(&config(&server.url()).with_on_call(ON_CALL).unwrap()).unwrap();
            let windows = Windows::default(); // safety 240 min, acknowledged for 60, again every 30
            let (reference, _) = submit(&db, &self_harm()).await;
            let (id, deadline) = follow_up_of(&db, &reference).await;

            // Before the deadline nothing goes out; at it, step 1, once.
            assert_eq!(follow_ups::escalate_due(&db, &windows, deadline - SignedDuration::from_secs(1)).await.unwrap().len(), 0);
            assert_eq!(follow_ups::escalate_due(&db, &windows, deadline).await.unwrap().len(), 1);
            assert_eq!(follow_ups::escalate_due(&db, &windows, deadline + minutes(1)).await.unwrap().len(), 0, "once per step");
            assert_eq!(notify::send_due(&db, &mailer).await.unwrap(), 2, "the new-intake e-mail and step 1");
            let sent = escalations_received(&server);
            assert_eq!(sent.len(), 1);
            let (subject, to, data) = &sent[0];
            assert!(subject.contains(&reference.display()) && subject.contains("safety") && subject.contains("escalation 1"), "{subject}");
            let mut to = to.clone();
            to.sort();
            assert_eq!(to, vec![CLINIC.to_owned(), ON_CALL.to_owned()], "on call and the clinic");
            assert!(data.contains(&format!("{PUBLIC_URL}/staff/submissions/{}#follow-up", reference.display())), "{data}");
            let body = data.split("\r\n\r\n").nth(1).unwrap_or_default();
            for phi in ["Jane", "Doe", "PHQ", "harm", "suicid", "mood"] {
                assert!(!body.contains(phi) && !subject.contains(phi), "the e-mail holds no patient details ({phi}):\n{data}");
            }

            // Repeated every 30 minutes while nobody acts.
            assert_eq!(follow_ups::escalate_due(&db, &windows, deadline + minutes(29)).await.unwrap().len(), 0);
            assert_eq!(follow_ups::escalate_due(&db, &windows, deadline + minutes(30)).await.unwrap().len(), 1);
            assert_eq!(notify::send_due(&db, &mailer).await.unwrap(), 1);
            assert!(escalations_received(&server)[1].0.contains("30 min overdue (escalation 2)"));

            // Acknowledged at +40: quiet for an hour, then again if still open.
            let clinician = pain_intake::server::staff::accounts::create(
                &db, "cleo@clinic.test", "Cleo Clinician", pain_intake::domain::staff::Role::Clinician, None,
            ).await.unwrap();
            follow_ups::acknowledge(&db, id, clinician, deadline + minutes(40)).await.unwrap();
            assert_eq!(follow_ups::escalate_due(&db, &windows, deadline + minutes(99)).await.unwrap().len(), 0);
            assert_eq!(follow_ups::escalate_due(&db, &windows, deadline + minutes(100)).await.unwrap().len(), 1);
            assert_eq!(notify::send_due(&db, &mailer).await.unwrap(), 1);
            assert!(escalations_received(&server)[2].0.contains("1 h 40 min overdue (escalation 3)"));

            // Closed: no more e-mails, ever.
            follow_ups::close(&db, id, clinician, CloseOutcome::ReachedSafePlan, "", deadline + minutes(110)).await.unwrap();
            assert_eq!(follow_ups::escalate_due(&db, &windows, deadline + minutes(600)).await.unwrap().len(), 0);
            assert_eq!(notify::send_due(&db, &mailer).await.unwrap(), 0);
            assert_eq!(escalations_received(&server).len(), 3);
        })
        .await
    }

    async fn two_app_instances_send_each_escalation_step_exactly_once(backend) {
        within(async {
            let (url, _dir) = fresh_db_url(backend).await;
            let first = Db::open(&url).await.unwrap().with_keys(Some(test_keys()));
            let second = Db::connect(&url).await.unwrap().with_keys(Some(test_keys()));
            let server = SmtpServer::start().await;
            server.state.delay_ms.store(20, Ordering::SeqCst);
            let windows = Windows::default();
            let mut references = Vec::new();
            for _ in 0..4 {
                references.push(submit(&first, &self_harm()).await.0);
            }
            let (_, deadline) = follow_up_of(&first, &references[0]).await;
            let (mailer_a, mailer_b) = (mailer(&server), mailer(&server));
            // Three steps, each noticed by both instances at once, then sent by both at once.
            for step in 0..3 {
                let at = deadline + minutes(30 * step) + minutes(1);
                let (a, b) = tokio::join!(
                    follow_ups::escalate_due(&first, &windows, at),
                    follow_ups::escalate_due(&second, &windows, at)
                );
                assert_eq!(a.unwrap().len() + b.unwrap().len(), references.len(), "step {}", step + 1);
                let (a, b) = tokio::join!(notify::send_due(&first, &mailer_a), notify::send_due(&second, &mailer_b));
                a.unwrap();
                b.unwrap();
            }
            let mut subjects: Vec<String> = escalations_received(&server).into_iter().map(|(s, _, _)| s).collect();
            assert_eq!(subjects.len(), 12, "{subjects:?}");
            subjects.sort();
            subjects.dedup();
            assert_eq!(subjects.len(), 12, "no step was sent twice");
            for r in &references {
                for step in 1..=3 {
                    let tag = format!("(escalation {step})");
                    assert_eq!(subjects.iter().filter(|s| s.contains(&r.display()) && s.ends_with(&tag)).count(), 1, "{r:?} {tag}");
                }
            }
        })
        .await
    }
}

on_both_databases! {
    async fn the_worker_escalates_an_overdue_follow_up_by_itself_and_audits_it(backend) {
        within(async {
            let (db, _dir) = fresh_db(backend).await;
            let server = SmtpServer::start().await;
            let (reference, _) = submit(&db, &self_harm()).await;
            // Overdue long ago: the worker's own clock finds it at its next round.
            sqlx::query("UPDATE follow_ups SET deadline = '2000-01-01T00:00:00.000Z'").execute(&db.pool).await.unwrap();
            let one = pain_intake::domain::followup::Minutes::parse(1).unwrap();
            let windows = Windows { emergency: one, safety: one, urgent: one, acknowledge: one, repeat: one };
            let audit = pain_intake::server::staff::audit::Writer::start(&db);
            let config = config(&server.url()).with_on_call(ON_CALL).unwrap();
            let worker = notify::spawn_worker(db.clone(), config, windows, audit, patient_context(PUBLIC_URL));
            let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
            while escalations_received(&server).is_empty() {
                assert!(tokio::time::Instant::now() < deadline, "no escalation within 30 s");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            worker.abort();
            let sent = escalations_received(&server);
            assert_eq!(sent.len(), 1, "one step, once");
            assert!(sent[0].0.contains(&reference.display()) && sent[0].0.ends_with("(escalation 1)"), "{}", sent[0].0);
            let row = sqlx::query("SELECT actor, target, detail FROM audit_log WHERE action = 'follow_up_escalated'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
            assert_eq!(row.try_get::<String, _>("actor").unwrap(), "system");
            assert_eq!(row.try_get::<String, _>("target").unwrap(), reference.compact());
            assert!(row.try_get::<String, _>("detail").unwrap().starts_with("step 1, safety, "));
        })
        .await
    }
}

#[test]
fn an_on_call_address_that_is_not_one_is_refused() {
    let err = config("smtp://127.0.0.1:2525").with_on_call("not an address").unwrap_err();
    assert!(err.to_string().contains("on-call"), "{err}");
}
