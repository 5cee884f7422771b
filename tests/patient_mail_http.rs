//! The patient's e-mails end to end (`booking.md`), on SQLite and PostgreSQL, against the
//! test SMTP server: the receipt with its booking link, the link opening the consult
//! panel on another device, the confirmation, reschedule and cancellation with their
//! `.ics` (one UID, SEQUENCE rising, METHOD right, times in UTC), reminders each once,
//! every e-mail sent once with two instances sending, no address → nothing sent, and no
//! answer, name or member ID in any of them.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::http::StatusCode;
use common::smtp::SmtpServer;
use common::wizard::{form_post, page_of, urlencode};
use common::*;
use jiff::{SignedDuration, Timestamp};
use pain_intake::domain::booking::{DayHours, Weekday};
use pain_intake::server::notify::{self, Mailer, NotifyConfig};
use pain_intake::server::{bookings, patient_outbox};
use serde_json::json;
use sqlx::Row;

const PUBLIC_URL: &str = "http://127.0.0.1:3000";

fn mailer(server: &SmtpServer) -> Mailer {
    let config = NotifyConfig::new(
        &server.url(),
        "Clinic <intake@clinic.test>",
        "frontdesk@clinic.test",
        "Test Pain Clinic",
        PUBLIC_URL,
    )
    .unwrap();
    Mailer::new(&config).unwrap()
}

async fn open_all_day(app: &TestApp) {
    for weekday in Weekday::ALL {
        bookings::set_day(&app.db, *weekday, &DayHours::parse("08:00-18:00").unwrap(), Timestamp::now()).await.unwrap();
    }
}

/// One e-mail as a mail client reads it: recipients, subject, text, and the `.ics`.
struct Read {
    to: Vec<String>,
    subject: String,
    text: String,
    html: String,
    ics: Option<String>,
}

/// The e-mails to the patient (jane@example.com), in order.
fn read_all(server: &SmtpServer) -> Vec<Read> {
    read_every(server).into_iter().filter(|m| m.to != ["frontdesk@clinic.test"]).collect()
}

/// Every e-mail the server received, the clinic's copies too.
fn read_every(server: &SmtpServer) -> Vec<Read> {
    server
        .messages()
        .iter()
        .map(|m| {
            let parsed = mail_parser::MessageParser::default().parse(m.data.as_bytes()).unwrap();
            let ics = parsed.attachments().next().map(|a| String::from_utf8(a.contents().to_vec()).unwrap());
            Read {
                to: m.rcpt_to.clone(),
                subject: parsed.subject().unwrap_or_default().to_owned(),
                text: parsed.body_text(0).unwrap_or_default().into_owned(),
                html: parsed.body_html(0).unwrap_or_default().into_owned(),
                ics,
            }
        })
        .collect()
}

/// The `/consult/{token}` link's token in an e-mail's text.
fn link_token(text: &str) -> String {
    let at = text.find("/consult/").unwrap_or_else(|| panic!("no link in {text}"));
    text[at + 9..at + 9 + 64].to_owned()
}

/// The value of one `.ics` property (unfolded).
fn property(ics: &str, name: &str) -> String {
    let unfolded = ics.replace("\r\n ", "");
    unfolded
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")).or_else(|| l.strip_prefix(&format!("{name};"))))
        .unwrap_or_else(|| panic!("{name} in {ics}"))
        .trim_end()
        .to_owned()
}

/// Opens an e-mailed link as a browser on another device: the page, then its button.
async fn open_link(app: &TestApp, token: &str) -> String {
    let page = page_of(app, "", &format!("/consult/{token}")).await;
    assert!(page.contains("data-testid=\"open-consult\""), "{page}");
    let reply = app.send(form_post("/consult", "", &format!("token={token}"))).await;
    assert_eq!((reply.status, reply.header("location")), (StatusCode::SEE_OTHER, "/intake/result#consult"));
    reply.header("set-cookie").split(';').next().unwrap().to_owned()
}

fn assert_no_phi(mail: &Read) {
    for secret in ["Jane", "Doe", "XYZ123456789", "1980", "crps", "CRPS", "opioid", "555-0182"] {
        for part in [&mail.subject, &mail.text, &mail.html, mail.ics.as_ref().unwrap_or(&String::new())] {
            assert!(!part.contains(secret), "{secret:?} in an e-mail: {part}");
        }
    }
}

on_both_databases! {
    async fn the_receipt_link_books_and_each_change_is_mailed_with_its_calendar_entry(backend) {
        let app = spawn(backend).await;
        open_all_day(&app).await;
        let server = SmtpServer::start().await;
        let ctx = patient_context(PUBLIC_URL);
        let created = app.post_json("/api/v1/intakes", &valid_intake()).await.json();
        let reference = created["reference"].as_str().unwrap().to_owned();

        // Two instances send at once: the receipt goes once.
        let (a, b) = (mailer(&server), mailer(&server));
        let (x, y) = tokio::join!(notify::send_patient_mails(&app.db, &a, &ctx, Timestamp::now()), notify::send_patient_mails(&app.db, &b, &ctx, Timestamp::now()));
        assert_eq!(x.unwrap() + y.unwrap(), 1);
        let mails = read_all(&server);
        assert_eq!(mails.len(), 1);
        let receipt = &mails[0];
        assert_eq!(receipt.to, ["jane@example.com"]);
        assert!(receipt.text.contains(&reference), "{}", receipt.text);
        assert!(receipt.text.contains("(214) 555-0100") && receipt.html.contains("tel:+12145550100"), "the clinic's phone");
        assert!(receipt.ics.is_none());
        assert_no_phi(receipt);

        // The link, opened on another device, shows the week of times; book one.
        let cookie = open_link(&app, &link_token(&receipt.text)).await;
        let html = page_of(&app, &cookie, "/intake/result").await;
        let start = html.split("name=\"start\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let reply = app.send(form_post("/intake/book", &cookie, &format!("start={}", urlencode(&start)))).await;
        assert_eq!(reply.header("location"), "/intake/result#consult");
        assert_eq!(notify::send_patient_mails(&app.db, &a, &ctx, Timestamp::now()).await.unwrap(), 2, "the patient's and the clinic's");
        let confirmation = read_all(&server).pop().unwrap();
        let ics = confirmation.ics.clone().expect("the confirmation's .ics");
        assert_eq!(property(&ics, "METHOD"), "REQUEST");
        assert_eq!(property(&ics, "SEQUENCE"), "0");
        let uid = property(&ics, "UID");
        let utc = start.parse::<Timestamp>().unwrap().strftime("%Y%m%dT%H%M%SZ").to_string();
        assert_eq!(property(&ics, "DTSTART"), utc, "in UTC");
        assert_no_phi(&confirmation);

        // The confirmation's manage link changes the time: the calendar entry follows.
        let cookie = open_link(&app, &link_token(&confirmation.text)).await;
        let change = page_of(&app, &cookie, "/intake/result?change=1").await;
        let later = change.split("name=\"start\" value=\"").nth(3).unwrap().split('"').next().unwrap().to_owned();
        let reply = app.send(form_post("/intake/book/change", &cookie, &format!("start={}", urlencode(&later)))).await;
        assert_eq!(reply.header("location"), "/intake/result#consult");
        let reply = app.send(form_post("/intake/book/cancel", &cookie, "")).await;
        assert_eq!(reply.header("location"), "/intake/result?booking=cancelled#consult");
        assert_eq!(notify::send_patient_mails(&app.db, &a, &ctx, Timestamp::now()).await.unwrap(), 4);
        let mails = read_all(&server);
        let (moved, cancelled) = (&mails[2], &mails[3]);
        let (moved_ics, cancelled_ics) = (moved.ics.clone().unwrap(), cancelled.ics.clone().unwrap());
        assert_eq!((property(&moved_ics, "UID"), property(&cancelled_ics, "UID")), (uid.clone(), uid));
        assert_eq!((property(&moved_ics, "SEQUENCE"), property(&cancelled_ics, "SEQUENCE")), ("1".to_owned(), "2".to_owned()));
        assert_eq!((property(&moved_ics, "METHOD"), property(&cancelled_ics, "METHOD")), ("REQUEST".to_owned(), "CANCEL".to_owned()));
        assert_eq!(property(&moved_ics, "DTSTART"), later.parse::<Timestamp>().unwrap().strftime("%Y%m%dT%H%M%SZ").to_string());
        for mail in &mails {
            assert_no_phi(mail);
        }
        // The clinic's copies: booked, moved, cancelled; the reference and the time only.
        let copies: Vec<Read> = read_every(&server).into_iter().filter(|m| m.to == ["frontdesk@clinic.test"]).collect();
        let subjects: Vec<&str> = copies.iter().map(|m| m.subject.as_str()).collect();
        assert_eq!(subjects.len(), 3, "{subjects:?}");
        assert!(subjects[0].starts_with("Consult booked") && subjects[2].starts_with("Consult cancelled"), "{subjects:?}");
        for copy in &copies {
            assert!(copy.text.contains(&reference), "{}", copy.text);
            assert_no_phi(copy);
            assert!(!copy.text.contains("/consult/"), "no patient link in the clinic's copy");
        }
        assert_eq!(notify::send_patient_mails(&app.db, &a, &ctx, Timestamp::now()).await.unwrap(), 0, "nothing twice");

        // An unknown link says so, and a cross-site post of one is refused.
        let expired = app.send(form_post("/consult", "", &format!("token={}", "0".repeat(64)))).await;
        assert_eq!(expired.header("location"), "/consult/expired");
        assert!(page_of(&app, "", "/consult/expired").await.contains("data-testid=\"link-expired\""));
    }

    async fn the_receipt_is_queued_with_the_intake_once_and_in_the_patients_language(backend) {
        let app = spawn(backend).await;
        let server = SmtpServer::start().await;
        let ctx = patient_context(PUBLIC_URL);
        let mut spanish = valid_intake();
        spanish["locale"] = json!("es");
        let key = [("idempotency-key", "receipt-once-4f1c")];
        // A retry with the same key (a clinic website after a timeout) stores nothing more.
        for _ in 0..2 {
            let reply = app.post_raw("/api/v1/intakes", "application/json", spanish.to_string().into_bytes(), &key).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        }
        let receipts = sqlx::query(
            "SELECT COUNT(*) AS n FROM patient_mails m JOIN intakes i ON i.id = m.intake_id AND m.kind = 'receipt'",
        )
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(receipts.try_get::<i64, _>("n").unwrap(), 1, "committed with the intake, once");
        assert_eq!(notify::send_patient_mails(&app.db, &mailer(&server), &ctx, Timestamp::now()).await.unwrap(), 1);
        let mails = read_all(&server);
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].subject, "Recibimos su formulario");
        assert!(mails[0].html.contains("<html lang=\"es\">"), "{}", mails[0].html);
        assert_no_phi(&mails[0]);
    }

    async fn reminders_go_once_each_and_only_to_patients_with_an_address(backend) {
        let app = spawn(backend).await;
        open_all_day(&app).await;
        let server = SmtpServer::start().await;
        let ctx = patient_context(PUBLIC_URL);
        let (a, b) = (mailer(&server), mailer(&server));
        bookings::set_slots(&app.db, None, Some(pain_intake::domain::booking::Capacity::parse(2).unwrap()), Timestamp::now())
            .await
            .unwrap();
        // Two patients book; one gave no e-mail address.
        let mut without = valid_intake();
        without["patient"]["email"] = serde_json::Value::Null;
        let mut tokens = Vec::new();
        for body in [valid_intake(), without] {
            tokens.push(app.post_json("/api/v1/intakes", &body).await.json()["booking_token"].as_str().unwrap().to_owned());
        }
        let slots = app.get(&format!("/api/v1/slots?from={}&to={}", Timestamp::now().to_zoned(ctx.tz.clone()).date(), (Timestamp::now() + SignedDuration::from_hours(24 * 6)).to_zoned(ctx.tz.clone()).date())).await.json();
        // Both in one slot (capacity 2), so their reminders fall due together whatever the
        // time of day the test runs at (the next slot may be the next morning).
        let start = slots["slots"][0]["start"].as_str().unwrap().to_owned();
        for token in &tokens {
            let reply = app.post_json("/api/v1/bookings", &json!({ "booking_token": token, "start": start })).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        }
        // The bookings were made a week ago (so their reminders are due when the clock says).
        sqlx::query("UPDATE bookings SET updated_at = '2020-01-01T00:00:00.000Z'").execute(&app.db.pool).await.unwrap();
        let first: Timestamp = start.parse().unwrap();
        let hours = [48, 2];
        for (now, expected) in [
            (first - SignedDuration::from_hours(49), 0),
            (first - SignedDuration::from_hours(47), 2),
            (first - SignedDuration::from_hours(46), 2),
            (first - SignedDuration::from_mins(90), 4),
        ] {
            let (x, y) = tokio::join!(patient_outbox::queue_reminders(&app.db, &hours, now), patient_outbox::queue_reminders(&app.db, &hours, now));
            x.unwrap();
            y.unwrap();
            let rows = sqlx::query("SELECT COUNT(*) AS n FROM patient_mails WHERE kind = 'reminder'").fetch_one(&app.db.pool).await.unwrap();
            assert_eq!(rows.try_get::<i64, _>("n").unwrap(), expected, "at {now}: each reminder queued once");
        }
        let at = first - SignedDuration::from_mins(90);
        let (x, y) = tokio::join!(notify::send_patient_mails(&app.db, &a, &ctx, at), notify::send_patient_mails(&app.db, &b, &ctx, at));
        let sent = x.unwrap() + y.unwrap();
        assert_eq!(read_every(&server).len(), sent);
        assert_eq!(read_every(&server).iter().filter(|m| m.to == ["frontdesk@clinic.test"]).count(), 2, "a copy of each booking");
        let mails = read_all(&server);
        // The receipt, the confirmation and two reminders, all to the one address.
        assert!(mails.iter().all(|m| m.to == ["jane@example.com"]), "nothing for the patient without an address");
        assert_eq!(mails.len(), 4);
        let closed = sqlx::query("SELECT COUNT(*) AS n FROM patient_mails WHERE sent_at IS NOT NULL AND last_error = 'no address'")
            .fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(closed.try_get::<i64, _>("n").unwrap(), 3, "the other patient's rows are closed, not retried");
        for mail in &mails {
            assert_no_phi(mail);
        }
    }
}

/// "E-mail me this link" on the saved page, on SQLite and PostgreSQL: the address kept in
/// the draft, the e-mail sent once a minute at most, its link used once on another
/// device, moving the draft to that device; bad input and cross-site posts change nothing.
mod resume_link {
    use super::*;
    use common::wizard::start;

    on_both_databases! {
        async fn an_emailed_resume_link_opens_the_draft_once_on_another_device(backend) {
            let app = spawn(backend).await;
            let server = SmtpServer::start().await;
            let ctx = patient_context(PUBLIC_URL);
            let cookie = start(&app).await;
            let saved = page_of(&app, &cookie, "/intake/saved").await;
            assert!(saved.contains("data-testid=\"email-link\""), "{saved}");

            // Bad addresses and cross-site posts: nothing queued.
            let bad = app.send(form_post("/intake/saved/email", &cookie, "email=not-an-address")).await;
            assert_eq!(bad.header("location"), "/intake/saved?email=bad");
            assert!(page_of(&app, &cookie, "/intake/saved?email=bad").await.contains("correct format"));
            let cross = axum::http::Request::post("/intake/saved/email")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "cross-site")
                .header("cookie", &cookie)
                .body(axum::body::Body::from("email=ana%40example.com"))
                .unwrap();
            assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);
            // Three clicks: one e-mail.
            for _ in 0..3 {
                let sent = app.send(form_post("/intake/saved/email", &cookie, "email=ana%40example.com")).await;
                assert_eq!(sent.header("location"), "/intake/saved?email=sent");
            }
            assert!(page_of(&app, &cookie, "/intake/saved").await.contains("value=\"ana@example.com\""), "kept in the draft");
            assert_eq!(notify::send_patient_mails(&app.db, &mailer(&server), &ctx, Timestamp::now()).await.unwrap(), 1);
            let mail = read_all(&server).pop().unwrap();
            assert_eq!(mail.to, ["ana@example.com"]);
            let at = mail.text.find("/intake/resume/").unwrap();
            let token = mail.text[at + 15..at + 15 + 64].to_owned();
            assert!(!mail.text.contains(cookie.trim_start_matches("draft=")), "not the browser's own secret");

            // Another device uses the link: it gets the draft, the first device and the link stop.
            let used = app.send(form_post("/intake/resume", "", &format!("token={token}"))).await;
            assert_eq!(used.status, StatusCode::SEE_OTHER);
            let other = used.header("set-cookie").split(';').next().unwrap().to_owned();
            assert!(page_of(&app, &other, "/intake/saved").await.contains("ana@example.com"));
            assert!(page_of(&app, &cookie, "/intake/saved").await.contains("We could not find your saved answers"));
            let again = app.send(form_post("/intake/resume", "", &format!("token={token}"))).await;
            assert_eq!(again.header("location"), "/intake/red-flags", "used once");
            assert!(again.header("set-cookie").is_empty());
        }
    }
}
