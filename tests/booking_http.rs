//! The booking API (`booking.md`) over HTTP on SQLite and PostgreSQL: the booking token on
//! the intake's 201, free slots, booking, rescheduling and cancelling with every error
//! code, the workflow status and audit they leave, the change cutoff, and the races:
//! however many requests (and app instances) try one slot, exactly its capacity succeed.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::http::StatusCode;
use common::*;
use jiff::{SignedDuration, Timestamp, ToSpan};
use pain_intake::domain::booking::{BookingPolicy, Capacity, DayHours, NoticeHours, Weekday, Window};
use pain_intake::server::bookings;
use serde_json::{json, Value};
use sqlx::Row;

/// Opens every day, all day (00:00–23:30), so the tests do not depend on when they run.
async fn open_all_day(app: &TestApp, capacity: u32) {
    let now = Timestamp::now();
    for weekday in Weekday::ALL {
        bookings::set_day(&app.db, *weekday, &DayHours::parse("00:00-23:30").unwrap(), now).await.unwrap();
    }
    bookings::set_slots(&app.db, None, Some(Capacity::parse(capacity).unwrap()), now).await.unwrap();
}

fn chicago() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("America/Chicago").unwrap()
}

/// Today and `days` later at the clinic, as the API's `from` and `to`.
fn span(days: i64) -> (String, String) {
    let today = Timestamp::now().to_zoned(chicago()).date();
    (today.to_string(), (today + days.days()).to_string())
}

async fn free_slots(app: &TestApp, days: i64) -> Vec<Value> {
    let (from, to) = span(days);
    let reply = app.get(&format!("/api/v1/slots?from={from}&to={to}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["slots"].as_array().unwrap().clone()
}

/// A consult-recommended intake through the API: its reference and booking token.
async fn intake(app: &TestApp) -> (String, String) {
    let reply = app.post_json("/api/v1/intakes", &valid_intake()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["outcome"], "consult_recommended");
    (body["reference"].as_str().unwrap().to_owned(), body["booking_token"].as_str().unwrap().to_owned())
}

async fn book(app: &TestApp, token: &str, start: &str) -> Reply {
    app.post_json("/api/v1/bookings", &json!({ "booking_token": token, "start": start })).await
}

fn code(reply: &Reply) -> String {
    reply.json()["errors"][0]["code"].as_str().unwrap_or_default().to_owned()
}

async fn status_of(app: &TestApp, reference: &str) -> String {
    let compact = reference.replace('-', "");
    let row =
        sqlx::query("SELECT status FROM intakes WHERE reference = $1").bind(compact).fetch_one(&app.db.pool).await;
    row.unwrap().try_get("status").unwrap()
}

async fn audit_of(app: &TestApp, action: &str) -> Vec<(String, String)> {
    let rows = sqlx::query("SELECT actor, target FROM audit_log WHERE action = $1 ORDER BY seq")
        .bind(action)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    rows.iter().map(|r| (r.try_get("actor").unwrap(), r.try_get("target").unwrap())).collect()
}

fn instant(text: &str) -> Timestamp {
    text.parse().unwrap()
}

on_both_databases! {
    async fn a_patient_books_reschedules_and_cancels_with_the_tokens(backend) {
        let app = spawn(backend).await;
        open_all_day(&app, 1).await;
        let (reference, token) = intake(&app).await;
        assert!(bookings::looks_like_token(&token), "256 random bits as hex: {token}");
        assert_eq!(
            count_rows(&app, "SELECT COUNT(*) AS n FROM booking_tokens WHERE token_hash = $1", &token).await,
            0,
            "only the token's hash is stored"
        );

        let slots = free_slots(&app, 3).await;
        let first = &slots[0];
        let opens = Timestamp::now() + SignedDuration::from_hours(24);
        assert!(instant(first["start"].as_str().unwrap()) >= opens - SignedDuration::from_secs(5), "24 hours' notice");
        assert_eq!(first["available"], 1);
        assert!(first["start"].as_str().unwrap().ends_with("-05:00") || first["start"].as_str().unwrap().ends_with("-06:00"));

        // The same instant written in UTC is the same slot.
        let start = instant(first["start"].as_str().unwrap());
        let reply = book(&app, &token, &start.to_string()).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let booked = reply.json();
        assert_eq!(booked["reference"], reference.as_str());
        assert_eq!(booked["start"], first["start"]);
        assert_eq!(booked["end"], first["end"]);
        let manage = booked["manage_token"].as_str().unwrap().to_owned();
        assert!(bookings::looks_like_token(&manage));
        assert_eq!(status_of(&app, &reference).await, "consult_scheduled");
        let history = sqlx::query("SELECT from_status, to_status, user_id FROM status_history").fetch_all(&app.db.pool).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].try_get::<String, _>("to_status").unwrap(), "consult_scheduled");
        assert_eq!(history[0].try_get::<Option<i64>, _>("user_id").unwrap(), None, "the patient, not a staff account");
        assert_eq!(audit_of(&app, "consult_booked").await, vec![("patient".to_owned(), reference.replace('-', ""))]);

        // Full now (capacity 1), and the token cannot book twice.
        assert!(!free_slots(&app, 3).await.iter().any(|s| s["start"] == first["start"]), "a full slot is not listed");
        let again = book(&app, &token, slots[1]["start"].as_str().unwrap()).await;
        assert_eq!((again.status, code(&again)), (StatusCode::CONFLICT, "already_booked".to_owned()));

        // Reschedule: same body, the old slot free again.
        let to = slots[2]["start"].as_str().unwrap();
        let moved = app.post_json("/api/v1/bookings/reschedule", &json!({ "manage_token": manage, "start": to })).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
        assert_eq!(moved.json()["start"], to);
        assert_eq!(moved.json()["reference"], reference.as_str());
        assert_eq!(moved.json()["manage_token"], manage.as_str());
        assert!(free_slots(&app, 3).await.iter().any(|s| s["start"] == first["start"]), "the old slot is free again");
        let seq = sqlx::query("SELECT sequence FROM bookings").fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(seq.try_get::<i64, _>("sequence").unwrap(), 1, "the calendar sequence rises");
        assert_eq!(audit_of(&app, "consult_rescheduled").await.len(), 1);

        // Cancel: status back to review; a second cancel answers the same.
        for _ in 0..2 {
            let cancelled = app.post_json("/api/v1/bookings/cancel", &json!({ "manage_token": manage })).await;
            assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
            assert_eq!(cancelled.json(), json!({ "status": "cancelled" }));
        }
        assert_eq!(status_of(&app, &reference).await, "in_review");
        assert_eq!(audit_of(&app, "consult_cancelled").await.len(), 1, "cancelled once");
        let moved = app.post_json("/api/v1/bookings/reschedule", &json!({ "manage_token": manage, "start": to })).await;
        assert_eq!((moved.status, code(&moved)), (StatusCode::NOT_FOUND, "not_found".to_owned()), "a cancelled consult cannot move");

        // The booking token books again after a cancellation.
        let rebook = book(&app, &token, to).await;
        assert_eq!(rebook.status, StatusCode::CREATED, "{}", rebook.text());
        assert_eq!(status_of(&app, &reference).await, "consult_scheduled");
    }

    async fn every_refusal_has_its_status_and_code_and_stores_nothing(backend) {
        let app = spawn(backend).await;
        let now = Timestamp::now();
        for weekday in Weekday::ALL {
            bookings::set_day(&app.db, *weekday, &DayHours::parse("09:00-12:00").unwrap(), now).await.unwrap();
        }
        let (_, token) = intake(&app).await;
        let slot = free_slots(&app, 4).await[0]["start"].as_str().unwrap().to_owned();
        let start = instant(&slot).to_zoned(chicago());

        let cases: Vec<(Value, StatusCode, &str, &str)> = vec![
            (json!({ "start": slot }), StatusCode::UNPROCESSABLE_ENTITY, "required", "booking_token"),
            (json!({ "booking_token": token }), StatusCode::UNPROCESSABLE_ENTITY, "required", "start"),
            (json!({ "booking_token": token, "start": 9 }), StatusCode::UNPROCESSABLE_ENTITY, "required", "start"),
            (json!({ "booking_token": token, "start": "tomorrow at nine" }), StatusCode::UNPROCESSABLE_ENTITY, "format", "start"),
            (json!({ "booking_token": token, "start": "2027-03-15T09:00:00" }), StatusCode::UNPROCESSABLE_ENTITY, "format", "start"),
            (json!({ "booking_token": token, "start": "2027-02-30T09:00:00-06:00" }), StatusCode::UNPROCESSABLE_ENTITY, "format", "start"),
            // Between two slots of the hours: never a slot.
            (json!({ "booking_token": token, "start": (start.timestamp() + SignedDuration::from_mins(10)).to_string() }), StatusCode::CONFLICT, "slot_taken", "start"),
            // Outside the hours (03:00), too soon (the past), too far ahead.
            (json!({ "booking_token": token, "start": start.with().hour(3).build().unwrap().timestamp().to_string() }), StatusCode::UNPROCESSABLE_ENTITY, "range", "start"),
            (json!({ "booking_token": token, "start": (start.timestamp() - SignedDuration::from_hours(24 * 7)).to_string() }), StatusCode::UNPROCESSABLE_ENTITY, "range", "start"),
            (json!({ "booking_token": token, "start": (start.timestamp() + SignedDuration::from_hours(24 * 120)).to_string() }), StatusCode::UNPROCESSABLE_ENTITY, "range", "start"),
            (json!({ "booking_token": "0".repeat(64), "start": slot }), StatusCode::NOT_FOUND, "not_found", ""),
            (json!({ "booking_token": "</textarea><script>", "start": slot }), StatusCode::NOT_FOUND, "not_found", ""),
        ];
        for (body, status, expected, field) in cases {
            let reply = app.post_json("/api/v1/bookings", &body).await;
            assert_eq!((reply.status, code(&reply)), (status, expected.to_owned()), "{body}: {}", reply.text());
            assert_eq!(reply.json()["errors"][0]["field"], field, "{body}");
            assert!(!reply.json()["errors"][0]["message"].as_str().unwrap().is_empty());
        }
        let es = app
            .post_raw("/api/v1/bookings", "application/json", json!({ "booking_token": "x", "start": slot }).to_string().into_bytes(), &[("accept-language", "es")])
            .await;
        assert!(es.json()["errors"][0]["message"].as_str().unwrap().contains("enlace"), "Spanish: {}", es.text());
        let form = app.post_raw("/api/v1/bookings", "application/x-www-form-urlencoded", b"start=x".to_vec(), &[]).await;
        assert_eq!(form.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "a cross-site form cannot post here");
        assert_eq!(count_rows(&app, "SELECT COUNT(*) AS n FROM bookings WHERE uid <> $1", "").await, 0, "nothing stored");

        // Expired token.
        sqlx::query("UPDATE booking_tokens SET expires_at = '2020-01-01T00:00:00.000Z'").execute(&app.db.pool).await.unwrap();
        let reply = book(&app, &token, &slot).await;
        assert_eq!((reply.status, code(&reply)), (StatusCode::NOT_FOUND, "not_found".to_owned()));

        // The slots query.
        let (from, _) = span(0);
        for (query, status, expected) in [
            (format!("from={from}&to=2099-01-01"), StatusCode::UNPROCESSABLE_ENTITY, "range"),
            (format!("from={from}&to=2000-01-01"), StatusCode::UNPROCESSABLE_ENTITY, "range"),
            (format!("from={from}"), StatusCode::UNPROCESSABLE_ENTITY, "format"),
            ("from=15/03/2027&to=2027-03-16".to_owned(), StatusCode::UNPROCESSABLE_ENTITY, "format"),
            ("from=2027-03-15T00:00:00Z&to=2027-03-16".to_owned(), StatusCode::UNPROCESSABLE_ENTITY, "format"),
        ] {
            let reply = app.get(&format!("/api/v1/slots?{query}")).await;
            assert_eq!((reply.status, code(&reply)), (status, expected.to_owned()), "{query}: {}", reply.text());
        }
    }

    async fn only_a_consult_recommended_intake_gets_a_booking_token(backend) {
        let app = spawn(backend).await;
        for (name, example) in examples() {
            let mut body = valid_intake();
            body["clinical"] = example["request"]["clinical"].clone();
            let reply = app.post_json("/api/v1/intakes", &body).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{name}: {}", reply.text());
            let created = reply.json();
            let may_book = created["outcome"] == "consult_recommended";
            assert_eq!(created.get("booking_token").is_some(), may_book, "{name}: {created}");
        }
        // A replayed 201 carries a fresh token; the first stops working.
        let key = [("idempotency-key", "booking-replay-1")];
        let body = valid_intake().to_string().into_bytes();
        let first = app.post_raw("/api/v1/intakes", "application/json", body.clone(), &key).await.json();
        let replay = app.post_raw("/api/v1/intakes", "application/json", body, &key).await;
        assert_eq!(replay.header("idempotent-replayed"), "true");
        let second = replay.json();
        assert_ne!(first["booking_token"], second["booking_token"]);
        open_all_day(&app, 1).await;
        let slot = free_slots(&app, 3).await[0]["start"].as_str().unwrap().to_owned();
        let old = book(&app, first["booking_token"].as_str().unwrap(), &slot).await;
        assert_eq!(old.status, StatusCode::NOT_FOUND);
        let new = book(&app, second["booking_token"].as_str().unwrap(), &slot).await;
        assert_eq!(new.status, StatusCode::CREATED);
    }

    async fn a_new_intakes_booking_token_is_written_in_its_own_transaction(backend) {
        // If the token were written after the intake's commit, a failure to write it
        // would leave a stored submission whose 201 has no token, and every API intake
        // would pay a second write transaction (BENCHMARKS.md, eighth round).
        let app = spawn(backend).await;
        app.refuse_inserts("booking_tokens").await;
        let key = [("idempotency-key", "token-with-its-intake")];
        let body = valid_intake().to_string().into_bytes();
        let refused = app.post_raw("/api/v1/intakes", "application/json", body.clone(), &key).await;
        assert!(refused.status.is_server_error(), "{}: {}", refused.status, refused.text());
        let intakes = sqlx::query("SELECT COUNT(*) AS n FROM intakes").fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(intakes.try_get::<i64, _>("n").unwrap(), 0, "an intake was stored without its token");

        // The client's retry, once tokens can be written, stores the intake and its token.
        app.allow_inserts("booking_tokens").await;
        let created = app.post_raw("/api/v1/intakes", "application/json", body, &key).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        assert!(created.header("idempotent-replayed").is_empty());
        let token = created.json()["booking_token"].as_str().unwrap().to_owned();
        open_all_day(&app, 1).await;
        let slot = free_slots(&app, 3).await[0]["start"].as_str().unwrap().to_owned();
        assert_eq!(book(&app, &token, &slot).await.status, StatusCode::CREATED);
    }

    async fn within_the_cutoff_the_patient_is_told_to_call(backend) {
        let base = spawn(backend).await;
        let app = base.with_settings(|s| {
            s.booking = BookingPolicy { window: Window { min_notice: NoticeHours::parse(0).unwrap(), ..Window::default() }, ..BookingPolicy::default() };
        });
        open_all_day(&app, 1).await;
        let (_, token) = intake(&app).await;
        let slots = free_slots(&app, 2).await;
        let soon = slots[0]["start"].as_str().unwrap();
        assert!(instant(soon) < Timestamp::now() + SignedDuration::from_hours(1), "no notice needed: {soon}");
        let booked = book(&app, &token, soon).await;
        assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.text());
        let manage = booked.json()["manage_token"].as_str().unwrap().to_owned();
        let later = slots[60]["start"].as_str().unwrap();
        let moved = app.post_json("/api/v1/bookings/reschedule", &json!({ "manage_token": manage, "start": later })).await;
        assert_eq!((moved.status, code(&moved)), (StatusCode::UNPROCESSABLE_ENTITY, "range".to_owned()));
        assert!(moved.json()["errors"][0]["message"].as_str().unwrap().contains("call the clinic"));
        let cancelled = app.post_json("/api/v1/bookings/cancel", &json!({ "manage_token": manage })).await;
        assert_eq!((cancelled.status, code(&cancelled)), (StatusCode::UNPROCESSABLE_ENTITY, "range".to_owned()));
        let row = sqlx::query("SELECT status, start_at FROM bookings").fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(row.try_get::<String, _>("status").unwrap(), "booked", "nothing changed");
    }

    async fn fifty_patients_racing_for_one_slot_get_exactly_its_capacity(backend) {
        let app = spawn(backend).await;
        for capacity in [1u32, 3] {
            open_all_day(&app, capacity).await;
            let mut tokens = Vec::new();
            for _ in 0..50 {
                tokens.push(intake(&app).await.1);
            }
            let slot = free_slots(&app, 3).await[usize::try_from(capacity).unwrap()]["start"].as_str().unwrap().to_owned();
            // Half the requests through a second instance on the same database.
            let twin = app.twin();
            let bodies = tokens.iter().map(|t| json!({ "booking_token": t, "start": slot })).collect();
            let replies = race(&[&app, &twin], "/api/v1/bookings", bodies).await;
            let created = replies.iter().filter(|r| r.status == StatusCode::CREATED).count();
            let taken = replies.iter().filter(|r| r.status == StatusCode::CONFLICT && code(r) == "slot_taken").count();
            assert_eq!((created, taken), (capacity as usize, 50 - capacity as usize), "capacity {capacity}");
            let stored = count_rows(&app, "SELECT COUNT(*) AS n FROM bookings WHERE status = 'booked' AND start_at = $1", &pain_intake::server::db::text_at(instant(&slot)))
                .await;
            assert_eq!(stored, i64::from(capacity));
        }
    }

    async fn a_double_click_books_once(backend) {
        let app = spawn(backend).await;
        open_all_day(&app, 5).await;
        let (_, token) = intake(&app).await;
        let slots = free_slots(&app, 3).await;
        let bodies = (0..6).map(|i| json!({ "booking_token": token, "start": slots[i % 2]["start"] })).collect();
        let replies = race(&[&app], "/api/v1/bookings", bodies).await;
        let created = replies.iter().filter(|r| r.status == StatusCode::CREATED).count();
        assert_eq!(created, 1, "{:?}", replies.iter().map(|r| r.text()).collect::<Vec<_>>());
        assert!(replies.iter().filter(|r| r.status != StatusCode::CREATED).all(|r| code(r) == "already_booked"));
        assert_eq!(count_rows(&app, "SELECT COUNT(*) AS n FROM bookings WHERE uid <> $1", "").await, 1);
    }
}

/// Posts each body to `path` at once, spread over the instances, each in its own task.
async fn race(instances: &[&TestApp], path: &str, bodies: Vec<Value>) -> Vec<Reply> {
    let mut handles = Vec::new();
    for (i, body) in bodies.into_iter().enumerate() {
        let router = instances[i % instances.len()].router.clone();
        let path = path.to_owned();
        handles.push(tokio::spawn(async move {
            let request = axum::http::Request::post(path)
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            send(&router, request).await
        }));
    }
    let mut replies = Vec::with_capacity(handles.len());
    for handle in handles {
        replies.push(handle.await.unwrap());
    }
    replies
}

async fn count_rows(app: &TestApp, sql: &str, bind: &str) -> i64 {
    sqlx::query(sql).bind(bind).fetch_one(&app.db.pool).await.unwrap().try_get("n").unwrap()
}
