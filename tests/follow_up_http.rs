//! Safety follow-up over HTTP, in process, on SQLite and PostgreSQL: every alarming
//! submission (emergency, safety alert, urgent care) opens one follow-up in its own
//! transaction, with the priority and deadline the settings give, from the API and the
//! wizard alike; other submissions open none (`safety-followup.md`).
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::http::StatusCode;
use common::staff::{
    assert_redirect, audit_actions, audit_details, create_team, intake, row_attributes, testid_text, visible,
    EMERGENCY, NOT_YET, ROUTINE, SELF_HARM,
};
use common::*;
use serde_json::{json, Value};
use sqlx::Row;

/// An intake with the clinical answers of a spec example.
fn example(name: &str) -> Value {
    intake(name, "Jane", "Doe", "bcbs_tx")
}

/// (priority, minutes from opening to the deadline) of each follow-up, by reference.
async fn follow_up_of(app: &TestApp, reference: &str) -> Option<(String, i64)> {
    let row = sqlx::query(
        "SELECT f.priority, f.opened_at, f.deadline, f.closed_at FROM follow_ups f \
         JOIN intakes i ON i.id = f.intake_id WHERE i.reference = $1",
    )
    .bind(reference.replace('-', ""))
    .fetch_optional(&app.db.pool)
    .await
    .unwrap()?;
    assert_eq!(row.try_get::<Option<String>, _>("closed_at").unwrap(), None, "opened, not closed");
    let time = |c: &str| row.try_get::<String, _>(c).unwrap().parse::<jiff::Timestamp>().unwrap();
    let minutes = time("deadline").duration_since(time("opened_at")).as_secs() / 60;
    Some((row.try_get("priority").unwrap(), minutes))
}

async fn submit(app: &TestApp, intake: &Value) -> String {
    let reply = app.post_json("/api/v1/intakes", intake).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}

on_both_databases! {
    async fn alarming_submissions_open_one_follow_up_with_its_priority_and_deadline(backend) {
        let app = spawn(backend).await;
        let emergency = submit(&app, &example(EMERGENCY)).await;
        assert_eq!(follow_up_of(&app, &emergency).await, Some(("emergency".into(), 60)));
        let safety = submit(&app, &example(SELF_HARM)).await;
        assert_eq!(follow_up_of(&app, &safety).await, Some(("safety".into(), 240)));
        let mut urgent = valid_intake();
        urgent["clinical"]["red_flags"]["fever_or_chills"] = json!(true);
        let urgent = submit(&app, &urgent).await;
        assert_eq!(follow_up_of(&app, &urgent).await, Some(("urgent".into(), 1440)));
        // An emergency with a safety alert: the most urgent priority applies, once.
        let mut both = example(SELF_HARM);
        both["clinical"]["red_flags"]["saddle_numbness"] = json!(true);
        let both = submit(&app, &both).await;
        assert_eq!(follow_up_of(&app, &both).await, Some(("emergency".into(), 60)));
        for calm in [ROUTINE, "pregnancy.json", NOT_YET] {
            let reference = submit(&app, &example(calm)).await;
            assert_eq!(follow_up_of(&app, &reference).await, None, "{calm}");
        }
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_ups").await, 4);
    }

    async fn a_retried_alarming_submission_opens_one_follow_up(backend) {
        let app = spawn(backend).await;
        let body = example(SELF_HARM).to_string().into_bytes();
        for _ in 0..3 {
            let reply = app.post_raw("/api/v1/intakes", "application/json", body.clone(), &[("idempotency-key", "retry-1")]).await;
            assert_eq!(reply.status, StatusCode::CREATED);
        }
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_ups").await, 1);
        // The database holds one per submission, whoever writes.
        let dup = sqlx::query("INSERT INTO follow_ups (intake_id, priority, opened_at, deadline) SELECT intake_id, 'urgent', 'x', 'y' FROM follow_ups")
            .execute(&app.db.pool)
            .await;
        assert!(dup.unwrap_err().as_database_error().unwrap().is_unique_violation());
    }
}

#[tokio::test]
async fn the_deadlines_come_from_the_settings() {
    use pain_intake::domain::followup::{Minutes, Windows};
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let other =
        app.with_settings(|s| s.follow_up = Windows { safety: Minutes::parse(5).unwrap(), ..Windows::default() });
    let reference = submit(&other, &example(SELF_HARM)).await;
    assert_eq!(follow_up_of(&other, &reference).await, Some(("safety".into(), 5)));
}

// ---------------------------------------------------------------------------------
// Working a follow-up: the Follow-ups page, acknowledge, attempts, close, roles, audit.

/// The submission page's follow-up panel, at `m`.
fn panel(reference: &str, code: &str) -> String {
    format!("/staff/submissions/{reference}?m={code}#follow-up")
}

fn action(reference: &str, what: &str) -> String {
    format!("/staff/submissions/{reference}/follow-up/{what}")
}

on_both_databases! {
    async fn a_clinician_acknowledges_records_three_attempts_and_closes_as_unable_to_reach(backend) {
        let app = spawn(backend).await;
        let (_, clinician, _) = create_team(&app).await;
        let reference = app.submit_intake(&example(SELF_HARM)).await;
        let calm = app.submit_intake(&example(ROUTINE)).await;
        let cookie = app.sign_in(&clinician).await;

        // The list and the count in the navigation.
        let list = app.get_with("/staff/follow-ups", &cookie).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text());
        let html = list.text();
        assert_eq!(row_attributes(&html, "follow-up-row", "data-reference"), vec![reference.clone()]);
        assert!(testid_text(&html, "time-left").unwrap().contains("due in 3 h 59 min")
            || testid_text(&html, "time-left").unwrap().contains("due in 4 h"), "{html}");
        assert_eq!(testid_text(&html, "open-follow-ups").unwrap().trim(), "(1 open)");
        let queue = app.get_with("/staff", &cookie).await.text();
        assert_eq!(testid_text(&queue, "open-follow-ups").unwrap().trim(), "(1 open)", "the count is on every page");
        // A calm submission has no follow-up to act on.
        let none = app.post_form(&action(&calm, "acknowledge"), &cookie, &[]).await;
        assert_eq!(none.status, StatusCode::NOT_FOUND);

        let ack = app.post_form(&action(&reference, "acknowledge"), &cookie, &[]).await;
        assert_redirect(&ack, &panel(&reference, "follow-up-acknowledged"), "acknowledge");

        // Closing as unable to reach needs three attempts first.
        let early = app.post_form(&action(&reference, "close"), &cookie, &[("outcome", "unable_to_reach")]).await;
        assert_redirect(&early, &panel(&reference, "follow-up-attempts"), "too few attempts");
        for (method, result) in [("phone", "no_answer"), ("phone", "left_message"), ("text", "no_answer")] {
            let note = "</textarea><h1>Injected</h1> voicemail full";
            let reply =
                app.post_form(&action(&reference, "attempts"), &cookie, &[("method", method), ("result", result), ("note", note)]).await;
            assert_redirect(&reply, &panel(&reference, "attempt-recorded"), "attempt");
        }
        let page = app.get_with(&format!("/staff/submissions/{reference}"), &cookie).await.text();
        assert!(page.contains("&lt;/textarea&gt;&lt;h1&gt;Injected"), "a note is shown as text");
        assert!(!page.contains("<h1>Injected"));
        assert_eq!(testid_text(&page, "acknowledged").map(|t| t.starts_with("Cleo Clinician")), Some(true));
        let close = app.post_form(&action(&reference, "close"), &cookie, &[("outcome", "unable_to_reach"), ("note", "")]).await;
        assert_redirect(&close, &panel(&reference, "follow-up-closed-now"), "close");

        // Closed: it leaves the list, and a second close (another tab) changes nothing.
        let html = app.get_with("/staff/follow-ups", &cookie).await.text();
        assert!(testid_text(&html, "no-follow-ups").is_some(), "{}", visible(&html));
        assert_eq!(testid_text(&html, "open-follow-ups").unwrap().trim(), "(0 open)");
        let stale = app.post_form(&action(&reference, "close"), &cookie, &[("outcome", "not_needed"), ("note", "x")]).await;
        assert_redirect(&stale, &panel(&reference, "follow-up-closed"), "stale close");
        let late = app.post_form(&action(&reference, "attempts"), &cookie, &[("method", "phone"), ("result", "reached")]).await;
        assert_redirect(&late, &panel(&reference, "follow-up-closed"), "attempt after close");
        let stored = sqlx::query("SELECT outcome, note FROM follow_ups").fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(stored.try_get::<String, _>("outcome").unwrap(), "unable_to_reach");
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_up_attempts").await, 3);
        let page = app.get_with(&format!("/staff/submissions/{reference}"), &cookie).await.text();
        assert!(page.contains(r#"data-testid="closed" data-outcome="unable_to_reach""#), "the history shows the close");
        assert!(visible(&page).contains("Unable to reach (after 3 or more attempts)"));

        // Audited with codes, never the note's words.
        let actions = audit_actions(&app.db).await;
        for expected in ["view_follow_ups", "follow_up_acknowledged", "follow_up_attempt", "follow_up_closed"] {
            assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
        }
        assert_eq!(audit_details(&app.db, "follow_up_closed").await, vec!["unable_to_reach".to_owned()]);
        let details = audit_details(&app.db, "follow_up_attempt").await;
        assert_eq!(details, vec!["phone no_answer", "phone left_message", "text no_answer"]);
        let log = sqlx::query("SELECT detail FROM audit_log").fetch_all(&app.db.pool).await.unwrap();
        assert!(log.iter().all(|r| !r.try_get::<String, _>("detail").unwrap().contains("voicemail")));
    }

    async fn front_desk_sees_that_a_follow_up_exists_and_its_priority_only(backend) {
        let app = spawn(backend).await;
        let (_, _, desk) = create_team(&app).await;
        let reference = app.submit_intake(&example(SELF_HARM)).await;
        let cookie = app.sign_in(&desk).await;
        let list = app.get_with("/staff/follow-ups", &cookie).await.text();
        assert_eq!(row_attributes(&list, "follow-up-row", "data-priority"), vec!["safety".to_owned()]);
        assert!(testid_text(&list, "time-left").is_none(), "no deadline or progress for front desk");
        let page = app.get_with(&format!("/staff/submissions/{reference}"), &cookie).await.text();
        assert!(testid_text(&page, "follow-up").is_some());
        assert!(testid_text(&page, "acknowledged").is_none(), "no history for front desk");
        assert!(!page.contains("follow-up/close"), "no forms for front desk");
        for (what, form) in [
            ("acknowledge", vec![]),
            ("attempts", vec![("method", "phone"), ("result", "reached")]),
            ("close", vec![("outcome", "reached_safe_plan")]),
        ] {
            let reply = app.post_form(&action(&reference, what), &cookie, &form).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{what}");
        }
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_ups WHERE closed_at IS NULL AND acknowledged_at IS NULL").await, 1);
    }

    async fn follow_up_posts_refuse_other_sites_and_signed_out_users(backend) {
        let app = spawn(backend).await;
        let (_, clinician, _) = create_team(&app).await;
        let reference = app.submit_intake(&example(EMERGENCY)).await;
        let cookie = app.sign_in(&clinician).await;
        let cross = axum::http::Request::post(action(&reference, "close"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "cross-site")
            .header("cookie", &cookie)
            .body(axum::body::Body::from("outcome=reached_safe_plan"))
            .unwrap();
        assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);
        let anonymous = app.post_form(&action(&reference, "acknowledge"), "", &[]).await;
        assert_redirect(&anonymous, "/staff/sign-in", "signed out");
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_ups WHERE closed_at IS NULL AND acknowledged_at IS NULL").await, 1);
    }

    async fn bad_follow_up_input_gets_a_clear_message_and_changes_nothing(backend) {
        let app = spawn(backend).await;
        let (_, clinician, _) = create_team(&app).await;
        let reference = app.submit_intake(&example(SELF_HARM)).await;
        let cookie = app.sign_in(&clinician).await;
        let long = "x".repeat(2001);
        type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
        let cases: Vec<Case<'_>> = vec![
            ("close", vec![("outcome", "gone_fishing")], "close-bad"),
            ("close", vec![], "close-bad"),
            ("close", vec![("outcome", "not_needed"), ("note", "   ")], "follow-up-note"),
            ("close", vec![("outcome", "referred"), ("note", &long)], "follow-up-note-long"),
            ("attempts", vec![("method", "pigeon"), ("result", "reached")], "attempt-bad"),
            ("attempts", vec![("method", "phone"), ("result", "maybe")], "attempt-bad"),
            ("attempts", vec![("method", "phone"), ("result", "reached"), ("note", &long)], "follow-up-note-long"),
        ];
        for (what, form, code) in cases {
            let reply = app.post_form(&action(&reference, what), &cookie, &form).await;
            assert_redirect(&reply, &panel(&reference, code), code);
            let page = app.get_with(&panel(&reference, code), &cookie).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(testid_text(&page.text(), "flash").is_some(), "{code}: the page says why");
        }
        // A body that is not a form at all: a client error, never a 500.
        let garbage = app.post_raw(&action(&reference, "close"), "application/x-www-form-urlencoded", vec![0xff, 0xfe, b'%'], &[
            ("cookie", &cookie), ("sec-fetch-site", "same-origin"),
        ]).await;
        assert!(garbage.status.is_client_error() || garbage.status.is_redirection(), "{}", garbage.status);
        let unknown = app.post_form("/staff/submissions/ZZZZ-ZZZZ/follow-up/close", &cookie, &[("outcome", "referred")]).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_up_attempts").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_ups WHERE closed_at IS NULL").await, 1);
        // "Not needed" with a reason closes it.
        let ok = app.post_form(&action(&reference, "close"), &cookie, &[("outcome", "not_needed"), ("note", "Duplicate of an earlier submission")]).await;
        assert_redirect(&ok, &panel(&reference, "follow-up-closed-now"), "not needed with a note");
    }
}

on_both_databases! {
    async fn a_double_clicked_attempt_is_recorded_once(backend) {
        let app = spawn(backend).await;
        let (_, clinician, _) = create_team(&app).await;
        let reference = app.submit_intake(&example(SELF_HARM)).await;
        let cookie = app.sign_in(&clinician).await;
        let page = app.get_with(&format!("/staff/submissions/{reference}"), &cookie).await.text();
        let key = page.split(r#"name="once" value=""#).nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
        assert!(key.len() >= 16, "the form carries a fresh key: {key}");
        let form = [("method", "phone"), ("result", "no_answer"), ("once", key.as_str())];
        let path = action(&reference, "attempts");
        let (a, b) = tokio::join!(app.post_form(&path, &cookie, &form), app.post_form(&path, &cookie, &form));
        for reply in [&a, &b] {
            assert_redirect(reply, &panel(&reference, "attempt-recorded"), "both posts answer as done");
        }
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_up_attempts").await, 1, "one attempt");
        assert_eq!(audit_details(&app.db, "follow_up_attempt").await.len(), 1, "audited once");
        // The next showing of the page is a new key: a second attempt.
        let next = app.get_with(&format!("/staff/submissions/{reference}"), &cookie).await.text();
        assert!(!next.contains(&key), "a fresh key each time the page is shown");
        let other = [("method", "text"), ("result", "no_answer"), ("once", "another-key")];
        app.post_form(&action(&reference, "attempts"), &cookie, &other).await;
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_up_attempts").await, 2);
    }
}
