//! Booking the consult from the result page without JavaScript (`booking.md`), over HTTP
//! on SQLite and PostgreSQL: the week of free times, booking, a double click, changing,
//! cancelling with a confirmation, the cutoff, cross-site posts, and times that are not
//! free or not ours.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::http::StatusCode;
use common::wizard::*;
use common::*;
use jiff::Timestamp;
use pain_intake::domain::booking::{BookingPolicy, DayHours, NoticeHours, Weekday, Window};
use pain_intake::server::bookings;
use pain_intake::shared::form::Step;
use sqlx::Row;

async fn open_all_day(app: &TestApp) {
    for weekday in Weekday::ALL {
        bookings::set_day(&app.db, *weekday, &DayHours::parse("08:00-18:00").unwrap(), Timestamp::now()).await.unwrap();
    }
}

/// The `value`s of the page's time choices, in order.
fn choices(html: &str) -> Vec<String> {
    html.split("name=\"start\" value=\"").skip(1).map(|rest| rest.split('"').next().unwrap().to_owned()).collect()
}

fn book_body(start: &str) -> String {
    format!("start={}", urlencode(start))
}

async fn consults(app: &TestApp) -> Vec<(String, String)> {
    let rows = sqlx::query("SELECT status, start_at FROM bookings ORDER BY id").fetch_all(&app.db.pool).await.unwrap();
    rows.iter().map(|r| (r.try_get("status").unwrap(), r.try_get("start_at").unwrap())).collect()
}

on_both_databases! {
    async fn a_patient_books_changes_and_cancels_from_the_result_page(backend) {
        let app = spawn(backend).await;
        open_all_day(&app).await;
        let cookie = submit_baseline(&app).await;
        let html = page_of(&app, &cookie, "/intake/result").await;
        assert!(html.contains("data-outcome=\"consult_recommended\""), "the baseline is a consult");
        assert!(html.contains("Book your consult"), "{html}");
        let times = choices(&html);
        assert!(times.len() >= 20, "a week of times: {}", times.len());
        assert!(html.contains("data-testid=\"slots-later\""), "later weeks");
        assert!(!html.contains("data-testid=\"slots-earlier\""), "nothing before the window");
        let spanish = page_of(&app, &format!("{cookie}; lang=es"), "/intake/result").await;
        assert!(spanish.contains("Reserve su consulta") && spanish.contains("a. m."), "Spanish days and times");

        // A double click: two posts of the same time book once and both land on the consult.
        for _ in 0..2 {
            let reply = app.send(form_post("/intake/book", &cookie, &book_body(&times[0]))).await;
            assert_eq!((reply.status, reply.header("location")), (StatusCode::SEE_OTHER, "/intake/result#consult"));
        }
        assert_eq!(consults(&app).await.len(), 1);
        let html = page_of(&app, &cookie, "/intake/result").await;
        assert!(html.contains("data-testid=\"consult-booked\""), "{html}");
        assert!(html.contains(" at ") && (html.contains(" CST") || html.contains(" CDT")), "the time in words with its zone");
        // Another time while booked: "already booked", nothing changed.
        let reply = app.send(form_post("/intake/book", &cookie, &book_body(&times[3]))).await;
        assert_eq!(reply.header("location"), "/intake/result?booking=booked#consult");
        assert_eq!(consults(&app).await.len(), 1);

        // Change: the week comes back with a different form; moving keeps one consult.
        let change = page_of(&app, &cookie, "/intake/result?change=1").await;
        assert!(change.contains("action=\"/intake/book/change\""), "{change}");
        let new_times = choices(&change);
        assert!(!new_times.contains(&times[0]), "its own time is not free");
        let reply = app.send(form_post("/intake/book/change", &cookie, &book_body(&new_times[4]))).await;
        assert_eq!(reply.header("location"), "/intake/result#consult");
        let stored = consults(&app).await;
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].1, pain_intake::server::db::text_at(new_times[4].parse().unwrap()));

        // Cancel asks first; then the consult is cancelled and the week is offered again.
        let confirm = page_of(&app, &cookie, "/intake/result?cancel=1").await;
        assert!(confirm.contains("data-testid=\"confirm-cancel\""));
        let reply = app.send(form_post("/intake/book/cancel", &cookie, "")).await;
        assert_eq!(reply.header("location"), "/intake/result?booking=cancelled#consult");
        assert_eq!(consults(&app).await[0].0, "cancelled");
        let html = page_of(&app, &cookie, "/intake/result?booking=cancelled").await;
        assert!(html.contains("Your consult is cancelled") && html.contains("Book your consult"));
        let reply = app.send(form_post("/intake/book/cancel", &cookie, "")).await;
        assert_eq!(reply.header("location"), "/intake/result#consult", "cancelling twice shows what is");

        let audit: Vec<String> = sqlx::query("SELECT action FROM audit_log WHERE actor = 'patient' ORDER BY seq")
            .fetch_all(&app.db.pool).await.unwrap().iter().map(|r| r.try_get("action").unwrap()).collect();
        assert_eq!(audit, ["consult_booked", "consult_rescheduled", "consult_cancelled"]);
    }

    async fn refused_posts_change_nothing_and_say_why(backend) {
        let app = spawn(backend).await;
        open_all_day(&app).await;
        let cookie = submit_baseline(&app).await;
        let times = choices(&page_of(&app, &cookie, "/intake/result").await);
        let first: Timestamp = times[0].parse().unwrap();
        for (body, code) in [
            (String::new(), "choose"),
            (book_body("next tuesday"), "choose"),
            (book_body(&(first + jiff::SignedDuration::from_mins(7)).to_string()), "taken"),
            (book_body("2020-01-06T09:00:00-06:00"), "window"),
            (book_body("</textarea><script>alert(1)</script>"), "choose"),
        ] {
            let reply = app.send(form_post("/intake/book", &cookie, &body)).await;
            assert_eq!(reply.header("location"), format!("/intake/result?booking={code}#consult"), "{body}");
        }
        let html = page_of(&app, &cookie, "/intake/result?booking=taken").await;
        assert!(html.contains("That time was just taken") && html.contains("role=\"alert\""));
        let junk = page_of(&app, &cookie, "/intake/result?booking=%3Cscript%3E&week=%3Cscript%3E").await;
        assert!(!junk.contains("<script>alert") && !junk.contains("booking-error"), "unknown codes show nothing");

        // Cross-site, or without the submitted draft: refused, nothing stored.
        let cross = axum::http::Request::post("/intake/book")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "cross-site")
            .header("cookie", &cookie)
            .body(axum::body::Body::from(book_body(&times[0])))
            .unwrap();
        assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);
        let other = start(&app).await;
        let reply = app.send(form_post("/intake/book", &other, &book_body(&times[0]))).await;
        assert_eq!(reply.header("location"), "/intake/result", "an unsubmitted draft books nothing");
        let reply = app.send(form_post("/intake/book", "", &book_body(&times[0]))).await;
        assert_eq!(reply.header("location"), "/intake/result");
        assert!(consults(&app).await.is_empty());

        // Taken by someone else meanwhile: said so.
        bookings::set_slots(&app.db, None, None, Timestamp::now()).await.unwrap();
        let rival = submit_baseline(&app).await;
        let reply = app.send(form_post("/intake/book", &rival, &book_body(&times[1]))).await;
        assert_eq!(reply.header("location"), "/intake/result#consult");
        let reply = app.send(form_post("/intake/book", &cookie, &book_body(&times[1]))).await;
        assert_eq!(reply.header("location"), "/intake/result?booking=taken#consult");
    }

    async fn within_the_cutoff_the_page_says_to_call(backend) {
        let base = spawn(backend).await;
        let app = base.with_settings(|s| {
            s.booking = BookingPolicy { window: Window { min_notice: NoticeHours::parse(0).unwrap(), ..Window::default() }, ..BookingPolicy::default() };
        });
        for weekday in Weekday::ALL {
            bookings::set_day(&app.db, *weekday, &DayHours::parse("00:00-23:30").unwrap(), Timestamp::now()).await.unwrap();
        }
        let cookie = submit_baseline(&app).await;
        let times = choices(&page_of(&app, &cookie, "/intake/result").await);
        let reply = app.send(form_post("/intake/book", &cookie, &book_body(&times[0]))).await;
        assert_eq!(reply.header("location"), "/intake/result#consult");
        let html = page_of(&app, &cookie, "/intake/result?change=1").await;
        assert!(html.contains("cannot be changed online") && html.contains("tel:+12145550100"), "{html}");
        assert!(!html.contains("action=\"/intake/book/change\""));
        for path in ["/intake/book/cancel", "/intake/book/change"] {
            let reply = app.send(form_post(path, &cookie, &book_body(&times[5]))).await;
            assert_eq!(reply.header("location"), "/intake/result?booking=too_late#consult", "{path}");
        }
        assert_eq!(consults(&app).await[0].0, "booked");
    }
}

#[tokio::test]
async fn outcomes_that_are_not_booked_online_show_no_times() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    open_all_day(&app).await;
    let cookie = start(&app).await;
    for step in Step::ALL.iter().copied().filter(|s| *s != Step::Review) {
        // Under six weeks of pain: not yet.
        let body = if step == Step::Duration {
            "clinical.pain_duration=under_6_weeks&nav=next".to_owned()
        } else {
            step_body(step)
        };
        app.send(form_post(&format!("/intake/{}", step.as_str()), &cookie, &body)).await;
    }
    app.send(form_post("/intake/review", &cookie, "nav=next")).await;
    let html = page_of(&app, &cookie, "/intake/result").await;
    assert!(!html.contains("data-outcome=\"consult_recommended\""), "{html}");
    assert!(!html.contains("data-testid=\"consult\""), "no booking panel");
    let reply = app.send(form_post("/intake/book", &cookie, &book_body("2030-01-07T09:00:00-06:00"))).await;
    assert!(reply.header("location").starts_with("/intake/result?booking="), "refused");
    assert!(consults(&app).await.is_empty());
}
