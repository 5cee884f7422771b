//! What booking adds to the staff portal beyond the consult panel, over HTTP on SQLite and
//! PostgreSQL: the queue's consult time column and its "Consult: booked / not booked"
//! filter (kept in the session, never stale after a booking, a move, a no-show or a
//! cancellation, in the CSV too), the FHIR bundle's `Appointment`, and the consult hours
//! page for admins (`/staff/hours`): changes reach the slots API, refused values come
//! back with the domain's words and change nothing, other roles and other sites are
//! refused, and every change is audited.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::http::StatusCode;
use common::staff::*;
use common::*;
use jiff::{Timestamp, ToSpan};
use pain_intake::domain::booking::{DayHours, Weekday};
use pain_intake::server::bookings;
use sqlx::Row;

fn chicago() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("America/Chicago").unwrap()
}

async fn open_all_day(app: &TestApp) {
    for weekday in Weekday::ALL {
        bookings::set_day(&app.db, *weekday, &DayHours::parse("00:00-23:30").unwrap(), Timestamp::now()).await.unwrap();
    }
}

fn starts(html: &str) -> Vec<String> {
    html.split("name=\"start\" value=\"").skip(1).map(|r| r.split('"').next().unwrap().to_owned()).collect()
}

/// The consult cell of a submission's queue row ("" when empty), `None` when not listed.
fn consult_cell(html: &str, reference: &str) -> Option<String> {
    let row = &html[html.find(&format!("data-reference=\"{reference}\""))?..];
    let row = &row[..row.find("</tr>").unwrap()];
    Some(visible(&testid_text(row, "queue-consult").unwrap_or_default()).trim().to_owned())
}

/// "Mar 15, 9:00 a.m." for a stored UTC time, written out here independently.
fn short_time(stored: &str) -> String {
    let zoned = stored.parse::<Timestamp>().unwrap().to_zoned(chicago());
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let hour = zoned.hour();
    let twelve = if hour % 12 == 0 { 12 } else { hour % 12 };
    format!(
        "{} {}, {twelve}:{:02} {}",
        MONTHS[zoned.month() as usize - 1],
        zoned.day(),
        zoned.minute(),
        if hour < 12 { "a.m." } else { "p.m." }
    )
}

async fn stored_start(app: &TestApp, status: &str) -> String {
    sqlx::query("SELECT start_at FROM bookings WHERE status = $1")
        .bind(status)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get("start_at")
        .unwrap()
}

on_both_databases! {
    async fn the_queue_shows_the_consult_time_and_filters_by_booked(backend) {
        let app = spawn(backend).await;
        open_all_day(&app).await;
        let (admin, clinician, desk) = create_team(&app).await;
        let booked = app.submit_intake(&intake(ROUTINE, "Ana", "Ruiz", "uhc")).await;
        let waiting = app.submit_intake(&intake(ROUTINE, "Bo", "Chen", "cigna")).await;
        let desk_cookie = app.sign_in(&desk).await;

        // Seen before the booking: the page is kept in memory at this queue version.
        let queue = app.get_with("/staff", &desk_cookie).await.text();
        assert!(queue.contains("<th scope=\"col\">Consult</th>"), "{queue}");
        assert_eq!(consult_cell(&queue, &booked).as_deref(), Some(""));

        let sub = format!("/staff/submissions/{booked}");
        let times = starts(&app.get_with(&format!("{sub}/book"), &desk_cookie).await.text());
        app.post_form(&format!("{sub}/consult/book"), &desk_cookie, &[("start", &times[2])]).await;
        let start = stored_start(&app, "booked").await;
        let queue = app.get_with("/staff", &desk_cookie).await.text();
        assert_eq!(consult_cell(&queue, &booked), Some(short_time(&start)), "booked: the time shows at once");
        assert_eq!(consult_cell(&queue, &waiting).as_deref(), Some(""));

        // Moving it: the row follows (a move changes no workflow status, yet the page is fresh).
        app.post_form(&format!("{sub}/consult/book"), &desk_cookie, &[("start", &times[4])]).await;
        let moved = stored_start(&app, "booked").await;
        assert_ne!(moved, start);
        let queue = app.get_with("/staff", &desk_cookie).await.text();
        assert_eq!(consult_cell(&queue, &booked), Some(short_time(&moved)), "moved");

        // The filter: booked, not booked, any; kept in the session.
        assert_redirect(&app.post_form("/staff/queue", &desk_cookie, &[("consult", "booked")]).await, "/staff", "filter");
        let queue = app.get_with("/staff", &desk_cookie).await.text();
        assert_eq!(queue_refs(&queue), vec![booked.clone()]);
        assert!(queue.contains("<option value=\"booked\" selected"), "the filter is shown as chosen");
        app.post_form("/staff/queue", &desk_cookie, &[("consult", "not_booked")]).await;
        assert_eq!(queue_refs(&app.get_with("/staff", &desk_cookie).await.text()), vec![waiting.clone()]);
        app.post_form("/staff/queue", &desk_cookie, &[("consult", "</select><script>")]).await;
        assert_eq!(queue_refs(&app.get_with("/staff", &desk_cookie).await.text()).len(), 2, "junk means any");

        // A clinician sees the same column and filter.
        let cookie = app.sign_in(&clinician).await;
        app.post_form("/staff/queue", &cookie, &[("consult", "booked"), ("plan", "uhc")]).await;
        let queue = app.get_with("/staff", &cookie).await.text();
        assert_eq!(queue_refs(&queue), vec![booked.clone()]);
        assert_eq!(consult_cell(&queue, &booked), Some(short_time(&moved)));

        // The CSV export carries the column.
        let admin_cookie = app.sign_in(&admin).await;
        let csv = app.get_with("/staff/export.csv", &admin_cookie).await.text();
        let mut lines = csv.lines();
        assert!(lines.next().unwrap().ends_with(",assignee,consult"), "{csv}");
        let row = csv.lines().find(|l| l.starts_with(&booked)).unwrap();
        assert!(row.ends_with(&format!(",\"{}\"", short_time(&moved))), "{row}");
        let other = csv.lines().find(|l| l.starts_with(&waiting)).unwrap();
        assert!(other.ends_with(','), "{other}");

        // Marked a no-show (its start made past straight in the database): off the column.
        sqlx::query("UPDATE bookings SET start_at = '2026-01-01T15:00:00.000Z'").execute(&app.db.pool).await.unwrap();
        app.post_form(&format!("{sub}/consult/mark"), &desk_cookie, &[("outcome", "no_show")]).await;
        app.post_form("/staff/queue", &desk_cookie, &[]).await;
        let queue = app.get_with("/staff", &desk_cookie).await.text();
        assert_eq!(consult_cell(&queue, &booked).as_deref(), Some(""), "no longer upcoming");

        // Booked again and cancelled: gone from the column and from the "booked" filter.
        let times = starts(&app.get_with(&format!("{sub}/book"), &desk_cookie).await.text());
        app.post_form(&format!("{sub}/consult/book"), &desk_cookie, &[("start", &times[1])]).await;
        assert_ne!(consult_cell(&app.get_with("/staff", &desk_cookie).await.text(), &booked).as_deref(), Some(""));
        app.post_form(&format!("{sub}/consult/cancel"), &desk_cookie, &[]).await;
        assert_eq!(consult_cell(&app.get_with("/staff", &desk_cookie).await.text(), &booked).as_deref(), Some(""), "cancelled");
        app.post_form("/staff/queue", &desk_cookie, &[("consult", "booked")]).await;
        assert!(queue_refs(&app.get_with("/staff", &desk_cookie).await.text()).is_empty());
    }

    async fn the_fhir_bundle_carries_the_consult_as_an_appointment(backend) {
        let app = spawn(backend).await;
        open_all_day(&app).await;
        let (_admin, clinician, _desk) = create_team(&app).await;
        let booked = app.submit_intake(&intake(ROUTINE, "Ana", "Ruiz", "uhc")).await;
        let never = app.submit_intake(&intake(ROUTINE, "Bo", "Chen", "uhc")).await;
        let cookie = app.sign_in(&clinician).await;
        let sub = format!("/staff/submissions/{booked}");
        let times = starts(&app.get_with(&format!("{sub}/book"), &cookie).await.text());
        app.post_form(&format!("{sub}/consult/book"), &cookie, &[("start", &times[0])]).await;
        let start: Timestamp = stored_start(&app, "booked").await.parse().unwrap();

        let bundle = app.get_with(&format!("{sub}/fhir"), &cookie).await.json();
        let entries = bundle["entry"].as_array().unwrap();
        let appointment = entries.iter().map(|e| &e["resource"]).find(|r| r["resourceType"] == "Appointment").unwrap();
        let patient = entries.iter().find(|e| e["resource"]["resourceType"] == "Patient").unwrap();
        assert_eq!(appointment["status"], "booked");
        assert_eq!(appointment["start"].as_str().unwrap().parse::<Timestamp>().unwrap(), start);
        assert_eq!(appointment["end"].as_str().unwrap().parse::<Timestamp>().unwrap(), start + 30.minutes());
        assert_eq!(appointment["participant"][0]["actor"]["reference"], patient["fullUrl"]);
        assert_eq!(appointment["participant"][0]["status"], "accepted");
        assert!(!appointment.to_string().contains("Ruiz"));

        // Cancelled: the latest consult, cancelled.
        app.post_form(&format!("{sub}/consult/cancel"), &cookie, &[]).await;
        let bundle = app.get_with(&format!("{sub}/fhir"), &cookie).await.json();
        let statuses: Vec<&str> = bundle["entry"].as_array().unwrap().iter()
            .filter(|e| e["resource"]["resourceType"] == "Appointment")
            .map(|e| e["resource"]["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["cancelled"]);

        let none = app.get_with(&format!("/staff/submissions/{never}/fhir"), &cookie).await.json();
        assert!(none["entry"].as_array().unwrap().iter().all(|e| e["resource"]["resourceType"] != "Appointment"));
    }

    async fn an_admin_sets_the_consult_hours_in_the_portal(backend) {
        let app = spawn(backend).await;
        let (admin, _clinician, _desk) = create_team(&app).await;
        let cookie = app.sign_in(&admin).await;
        let queue = app.get_with("/staff", &cookie).await.text();
        assert!(queue.contains("data-testid=\"hours-link\""), "admins get the link");
        let page = app.get_with("/staff/hours", &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("<label for=\"ranges-mon\">Monday</label>"), "{}", page.text());

        let saved = app.post_form("/staff/hours/day", &cookie, &[("weekday", "mon"), ("ranges", "13:00-17:00, 09:00-12:00")]).await;
        assert_redirect(&saved, "/staff/hours?m=hours-saved", "monday");
        let page = app.get_with("/staff/hours?m=hours-saved", &cookie).await.text();
        assert!(page.contains("value=\"09:00-12:00,13:00-17:00\""), "{page}");
        assert!(page.contains("Saved."));

        // The slots API follows: a Monday at least two days ahead (past the notice).
        let today = Timestamp::now().to_zoned(chicago()).date();
        let mut monday = today + 2.days();
        while monday.weekday() != jiff::civil::Weekday::Monday {
            monday = monday.tomorrow().unwrap();
        }
        let slots = app.get(&format!("/api/v1/slots?from={monday}&to={monday}")).await.json();
        let starts: Vec<&str> = slots["slots"].as_array().unwrap().iter().map(|s| s["start"].as_str().unwrap()).collect();
        assert_eq!(starts.len(), 6 + 8, "{slots}");
        assert!(starts[0].starts_with(&format!("{monday}T09:00:00")), "{starts:?}");
        assert!(starts[6].starts_with(&format!("{monday}T13:00:00")), "{starts:?}");

        // Slot length and capacity.
        assert_redirect(&app.post_form("/staff/hours/slots", &cookie, &[("slot_minutes", "60"), ("capacity", "2")]).await, "/staff/hours?m=hours-saved", "slots");
        let slots = app.get(&format!("/api/v1/slots?from={monday}&to={monday}")).await.json();
        assert_eq!(slots["slot_minutes"], 60);
        assert_eq!(slots["slots"].as_array().unwrap().len(), 3 + 4);
        assert_eq!(slots["slots"][0]["available"], 2);

        // Closed, reopened, extra hours.
        assert_redirect(&app.post_form("/staff/hours/close", &cookie, &[("date", &monday.to_string())]).await, "/staff/hours?m=hours-saved", "close");
        assert!(app.get(&format!("/api/v1/slots?from={monday}&to={monday}")).await.json()["slots"].as_array().unwrap().is_empty());
        let page = app.get_with("/staff/hours", &cookie).await.text();
        assert!(page.contains("data-testid=\"closed-date\"") && page.contains(&format!("Reopen {monday}")), "{page}");
        assert_redirect(&app.post_form("/staff/hours/reopen", &cookie, &[("date", &monday.to_string())]).await, "/staff/hours?m=hours-saved", "reopen");
        assert_eq!(app.get(&format!("/api/v1/slots?from={monday}&to={monday}")).await.json()["slots"].as_array().unwrap().len(), 7);
        assert_redirect(&app.post_form("/staff/hours/extra", &cookie, &[("date", &monday.to_string()), ("ranges", "18:00-19:00")]).await, "/staff/hours?m=hours-saved", "extra");
        assert_eq!(app.get(&format!("/api/v1/slots?from={monday}&to={monday}")).await.json()["slots"].as_array().unwrap().len(), 8);
        assert!(app.get_with("/staff/hours", &cookie).await.text().contains("data-testid=\"extra-date\""));
        assert_redirect(&app.post_form("/staff/hours/extra/clear", &cookie, &[("date", &monday.to_string())]).await, "/staff/hours?m=hours-saved", "clear");
        assert_eq!(app.get(&format!("/api/v1/slots?from={monday}&to={monday}")).await.json()["slots"].as_array().unwrap().len(), 7);

        let details = audit_details(&app.db, "hours_changed").await;
        assert_eq!(details, vec![
            "mon 09:00-12:00,13:00-17:00".to_owned(),
            "slot 60 minutes, capacity 2".to_owned(),
            format!("closed {monday}"),
            format!("reopened {monday}"),
            format!("extra {monday} 18:00-19:00"),
            format!("extra cleared {monday}"),
        ]);
    }

    async fn refused_hours_come_back_with_the_reason_and_change_nothing(backend) {
        let app = spawn(backend).await;
        let (admin, clinician, desk) = create_team(&app).await;
        let cookie = app.sign_in(&admin).await;
        app.post_form("/staff/hours/day", &cookie, &[("weekday", "mon"), ("ranges", "09:00-12:00")]).await;
        let audited = audit_details(&app.db, "hours_changed").await.len();
        let before = bookings::hours(&app.db).await.unwrap();

        for (ranges, reason) in [
            ("9:00-12:00", "is not a time: write hours and minutes with two digits each"),
            ("12:00-09:00", "the end must be after the start"),
            ("09:00-12:00,11:00-13:00", "09:00-12:00 and 11:00-13:00 overlap"),
        ] {
            let reply = app.post_form("/staff/hours/day", &cookie, &[("weekday", "mon"), ("ranges", ranges)]).await;
            assert_redirect(&reply, "/staff/hours?m=hours-bad#day-mon", ranges);
            let page = visible(&app.get_with("/staff/hours?m=hours-bad", &cookie).await.text());
            assert!(page.contains("data-testid=\"hours-problem\"") && page.contains(reason), "{ranges}: {page}");
            assert!(page.contains(&format!("value=\"{ranges}\"")), "{ranges} is echoed: {page}");
            // Shown once: the next view has the stored value again.
            let again = app.get_with("/staff/hours", &cookie).await.text();
            assert!(!again.contains("hours-problem") && again.contains("value=\"09:00-12:00\""));
        }
        let reply = app.post_form("/staff/hours/slots", &cookie, &[("slot_minutes", "30"), ("capacity", "0")]).await;
        assert_redirect(&reply, "/staff/hours?m=hours-bad#slots", "capacity 0");
        assert!(app.get_with("/staff/hours?m=hours-bad", &cookie).await.text().contains("a capacity of 0: it must be 1 to 20"));
        let yesterday = Timestamp::now().to_zoned(chicago()).date().yesterday().unwrap();
        let reply = app.post_form("/staff/hours/close", &cookie, &[("date", &yesterday.to_string())]).await;
        assert_redirect(&reply, "/staff/hours?m=hours-bad#close", "past date");
        assert!(app.get_with("/staff/hours?m=hours-bad", &cookie).await.text().contains("is in the past"));

        // Typed markup comes back as text.
        app.post_form("/staff/hours/day", &cookie, &[("weekday", "mon"), ("ranges", "</textarea><b>x</b>")]).await;
        let page = app.get_with("/staff/hours?m=hours-bad", &cookie).await.text();
        assert!(!page.contains("</textarea><b>") && !page.contains("<b>x</b>"), "{page}");
        assert!(page.contains("&lt;/textarea&gt;"), "{page}");

        assert_eq!(bookings::hours(&app.db).await.unwrap(), before, "nothing changed");
        assert_eq!(audit_details(&app.db, "hours_changed").await.len(), audited, "nothing audited");

        // Other roles: no link, no page, no posts; another site: refused.
        for user in [&clinician, &desk] {
            let c = app.sign_in(user).await;
            assert!(!app.get_with("/staff", &c).await.text().contains("/staff/hours"), "{:?}", user.role);
            assert_eq!(app.get_with("/staff/hours", &c).await.status, StatusCode::FORBIDDEN);
            for (path, pairs) in [
                ("/staff/hours/day", vec![("weekday", "mon"), ("ranges", "none")]),
                ("/staff/hours/slots", vec![("slot_minutes", "15"), ("capacity", "5")]),
                ("/staff/hours/close", vec![("date", "2099-01-01")]),
                ("/staff/hours/reopen", vec![("date", "2099-01-01")]),
                ("/staff/hours/extra", vec![("date", "2099-01-01"), ("ranges", "08:00-09:00")]),
                ("/staff/hours/extra/clear", vec![("date", "2099-01-01")]),
            ] {
                assert_eq!(app.post_form(path, &c, &pairs).await.status, StatusCode::FORBIDDEN, "{path}");
            }
        }
        let cross = axum::http::Request::post("/staff/hours/day")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "cross-site")
            .header("cookie", &cookie)
            .body(axum::body::Body::from("weekday=mon&ranges=none"))
            .unwrap();
        assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);
        assert_eq!(bookings::hours(&app.db).await.unwrap(), before, "nothing changed");
    }
}
