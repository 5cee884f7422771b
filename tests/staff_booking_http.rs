//! Consults on the staff side (`booking.md`) over HTTP on SQLite and PostgreSQL: staff
//! book any submission by phone (no minimum notice, whatever the outcome), move and
//! cancel it, mark it attended or missed; a clinician approves online booking for a
//! clinician-review patient, who is then e-mailed a link; the calendar shows the day and
//! the week; every change is audited, every post checks origin and role.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::http::StatusCode;
use common::staff::*;
use common::*;
use jiff::Timestamp;
use pain_intake::domain::booking::{DayHours, Weekday};
use pain_intake::server::bookings;
use sqlx::Row;

async fn open_all_day(app: &TestApp) {
    for weekday in Weekday::ALL {
        bookings::set_day(&app.db, *weekday, &DayHours::parse("00:00-23:30").unwrap(), Timestamp::now()).await.unwrap();
    }
}

fn starts(html: &str) -> Vec<String> {
    html.split("name=\"start\" value=\"").skip(1).map(|r| r.split('"').next().unwrap().to_owned()).collect()
}

async fn consult_rows(app: &TestApp) -> Vec<(String, Option<i64>)> {
    let rows = sqlx::query("SELECT status, booked_by FROM bookings ORDER BY id").fetch_all(&app.db.pool).await.unwrap();
    rows.iter().map(|r| (r.try_get("status").unwrap(), r.try_get("booked_by").unwrap())).collect()
}

on_both_databases! {
    async fn front_desk_books_moves_marks_and_cancels_a_consult_by_phone(backend) {
        let app = spawn(backend).await;
        open_all_day(&app).await;
        let (_admin, _clinician, desk) = create_team(&app).await;
        // An emergency outcome: no online booking, but staff can book.
        let reference = app.submit_intake(&intake(EMERGENCY, "Ana", "Ruiz", "cigna")).await;
        let sub = format!("/staff/submissions/{reference}");
        let cookie = app.sign_in(&desk).await;
        let page = app.get_with(&sub, &cookie).await.text();
        assert!(page.contains("The patient cannot book online") && page.contains("data-testid=\"book-consult\""), "{page}");

        // The staff's week starts now: no 24 hours' notice for a booking by phone.
        let book = app.get_with(&format!("{sub}/book"), &cookie).await;
        assert_eq!(book.status, StatusCode::OK);
        let times = starts(&book.text());
        let first: Timestamp = times[0].parse().unwrap();
        assert!(first < Timestamp::now() + jiff::SignedDuration::from_hours(1), "the next free time: {first}");
        assert_redirect(&app.post_form(&format!("{sub}/consult/book"), &cookie, &[("start", &times[0])]).await, &format!("{sub}?m=consult-booked#consult"), "book");
        assert_eq!(status_of(&app, &reference).await, "consult_scheduled");
        assert_eq!(consult_rows(&app).await, vec![("booked".to_owned(), Some(desk.id))]);

        // Moving it is the same form (the page says what it moves).
        let page = app.get_with(&format!("{sub}/book"), &cookie).await.text();
        assert!(page.contains("Now booked:"));
        assert_redirect(&app.post_form(&format!("{sub}/consult/book"), &cookie, &[("start", &times[3])]).await, &format!("{sub}?m=consult-booked#consult"), "move");
        assert_eq!(consult_rows(&app).await.len(), 1, "moved, not doubled");
        // A taken, a malformed and an off-hours time.
        let other = app.submit_intake(&valid_intake()).await;
        let other_sub = format!("/staff/submissions/{other}");
        assert_redirect(&app.post_form(&format!("{other_sub}/consult/book"), &cookie, &[("start", &times[3])]).await, &format!("{other_sub}/book?m=slot-taken"), "taken");
        assert_redirect(&app.post_form(&format!("{other_sub}/consult/book"), &cookie, &[("start", "</textarea>")]).await, &format!("{other_sub}/book?m=slot-choose"), "junk");
        assert_redirect(&app.post_form(&format!("{other_sub}/consult/book"), &cookie, &[("start", "2020-01-06T09:00:00-06:00")]).await, &format!("{other_sub}/book?m=slot-outside"), "past");

        // Attended / no-show once started: make the consult's start past.
        assert_redirect(&app.post_form(&format!("{sub}/consult/mark"), &cookie, &[("outcome", "attended")]).await, &format!("{sub}?m=consult-not-started#consult"), "too early");
        sqlx::query("UPDATE bookings SET start_at = '2026-01-01T15:00:00.000Z'").execute(&app.db.pool).await.unwrap();
        assert_redirect(&app.post_form(&format!("{sub}/consult/mark"), &cookie, &[("outcome", "no_show")]).await, &format!("{sub}?m=consult-marked#consult"), "mark");
        assert_eq!(consult_rows(&app).await[0].0, "no_show");
        let page = app.get_with(&sub, &cookie).await.text();
        assert!(page.contains("Earlier consults") && page.contains("No-show"));

        // Book again and cancel: the status goes back to review.
        let times = starts(&app.get_with(&format!("{sub}/book"), &cookie).await.text());
        app.post_form(&format!("{sub}/consult/book"), &cookie, &[("start", &times[5])]).await;
        assert_redirect(&app.post_form(&format!("{sub}/consult/cancel"), &cookie, &[]).await, &format!("{sub}?m=consult-cancelled#consult"), "cancel");
        assert_eq!(status_of(&app, &reference).await, "in_review");
        assert_redirect(&app.post_form(&format!("{sub}/consult/cancel"), &cookie, &[]).await, &format!("{sub}?m=consult-gone#consult"), "twice");

        let audit = audit_actions(&app.db).await;
        for action in ["consult_booked", "consult_rescheduled", "consult_marked", "consult_cancelled"] {
            assert!(audit.iter().any(|a| a == action), "{action} audited: {audit:?}");
        }
    }

    async fn a_clinician_approves_online_booking_and_the_patient_gets_a_link(backend) {
        let app = spawn(backend).await;
        open_all_day(&app).await;
        let (admin, clinician, desk) = create_team(&app).await;
        let reference = app.submit_intake(&intake("pregnancy.json", "Bea", "Lo", "bcbs_tx")).await;
        let sub = format!("/staff/submissions/{reference}");
        let desk_cookie = app.sign_in(&desk).await;
        let page = app.get_with(&sub, &desk_cookie).await.text();
        assert!(page.contains("waits for a clinician") && !page.contains("approve-booking"), "front desk cannot approve");
        let refused = app.post_form(&format!("{sub}/consult/approve"), &desk_cookie, &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        let cookie = app.sign_in(&clinician).await;
        assert!(app.get_with(&sub, &cookie).await.text().contains("data-testid=\"approve-booking\""));
        for _ in 0..2 {
            assert_redirect(&app.post_form(&format!("{sub}/consult/approve"), &cookie, &[]).await, &format!("{sub}?m=consult-approved#consult"), "approve");
        }
        let page = app.get_with(&sub, &cookie).await.text();
        assert!(page.contains("Online booking approved by"), "{page}");
        let mails = sqlx::query("SELECT COUNT(*) AS n FROM patient_mails WHERE kind = 'approved'").fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(mails.try_get::<i64, _>("n").unwrap(), 1, "one e-mail, however many clicks");
        assert_eq!(audit_actions(&app.db).await.iter().filter(|a| *a == "booking_approved").count(), 1);
        let id: i64 = sqlx::query("SELECT id FROM intakes WHERE reference = $1")
            .bind(reference.replace('-', ""))
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .try_get("id")
            .unwrap();
        assert!(bookings::patient_may_book(&app.db, id).await.unwrap(), "approved: the patient may book online");

        // Only clinician-review submissions are approved.
        let routine = app.submit_intake(&valid_intake()).await;
        let admin_cookie = app.sign_in(&admin).await;
        assert_redirect(&app.post_form(&format!("/staff/submissions/{routine}/consult/approve"), &admin_cookie, &[]).await, &format!("/staff/submissions/{routine}?m=consult-no-approval#consult"), "routine");
    }

    async fn the_calendar_shows_the_day_and_the_week(backend) {
        let app = spawn(backend).await;
        open_all_day(&app).await;
        let (_admin, clinician, desk) = create_team(&app).await;
        let cookie = app.sign_in(&desk).await;
        let mut booked = Vec::new();
        for (first, last) in [("Ana", "Ruiz"), ("Bo", "Chen")] {
            let reference = app.submit_intake(&intake(ROUTINE, first, last, "uhc")).await;
            let sub = format!("/staff/submissions/{reference}");
            let times = starts(&app.get_with(&format!("{sub}/book"), &cookie).await.text());
            let start = &times[2 + booked.len()];
            app.post_form(&format!("{sub}/consult/book"), &cookie, &[("start", start)]).await;
            booked.push((reference, start.clone()));
        }
        let day = booked[0].1[..10].to_owned();
        let week = app.get_with(&format!("/staff/calendar?date={day}"), &cookie).await;
        assert_eq!(week.status, StatusCode::OK);
        let html = week.text();
        assert!(html.contains("data-view=\"week\""));
        for (reference, _) in &booked {
            assert!(html.contains(reference.as_str()), "{reference} on the calendar");
        }
        assert!(html.contains("Ana Ruiz") && html.contains("uhc") && html.contains("Unverified"), "{html}");
        let day_view = app.get_with("/staff/calendar?view=day&date=2020-01-01", &cookie).await.text();
        assert!(day_view.contains("data-testid=\"no-consults\""));
        let junk = app.get_with("/staff/calendar?view=%3Cscript%3E&date=%3Cscript%3E", &cookie).await;
        assert_eq!(junk.status, StatusCode::OK, "junk dates mean today");
        assert!(!junk.text().contains("<script>"));
        assert!(audit_actions(&app.db).await.iter().any(|a| a == "view_calendar"), "who looked is audited");
        // Signed out: sent to sign in. Cross-site posts: refused.
        let anonymous = app.get_with("/staff/calendar", "").await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
        let clinician_cookie = app.sign_in(&clinician).await;
        let cross = axum::http::Request::post(format!("/staff/submissions/{}/consult/cancel", booked[0].0))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "cross-site")
            .header("cookie", &clinician_cookie)
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);
        assert_eq!(consult_rows(&app).await.iter().filter(|(s, _)| s == "booked").count(), 2);
    }
}
