//! What an outside security review found on the staff side and in the middleware, each
//! over HTTP in process: text that closes a `<textarea>` stays text, the server functions
//! behind the staff pages refuse other sites and answer bad arguments with a 4xx, the
//! audit log records only request ids the server made, and names cannot hide their
//! letters behind bidirectional or zero-width characters.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::staff::*;
use common::*;
use pain_intake::server::db::Backend;
use sqlx::Row;

/// Text that would end a `<textarea>` early and put live markup on a staff page.
const CLOSES_TEXTAREA: &str =
    "</textarea><h1>Owned</h1><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">";

fn assert_escaped(html: &str, what: &str) {
    assert!(!html.contains("<h1>Owned</h1>") && !html.contains("<meta http-equiv"), "{what}: live markup in {html}");
    assert!(html.contains("&lt;/textarea&gt;&lt;h1&gt;Owned&lt;/h1&gt;"), "{what}: the text is kept, escaped");
}

/// A server function call as the page's own script makes it, from `site`.
fn server_fn(path: &str, cookie: &str, body: &str, site: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", site)
        .header("cookie", cookie)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

on_both_databases! {
    async fn staff_and_payer_notes_that_close_a_textarea_come_back_as_text(backend) {
        let app = spawn(backend).await;
        let (admin, _clinician, desk) = create_team(&app).await;
        let reference = app.submit_intake(&valid_intake()).await;
        let sub = format!("/staff/submissions/{reference}");
        let staff = app.sign_in(&desk).await;
        let form = [
            ("status", "active"), ("plan_name", "BLUE CHOICE PPO"), ("network", "in"), ("copay", ""),
            ("coinsurance", ""), ("deductible_remaining", ""), ("oop_remaining", ""), ("prior_auth", ""),
            ("notes", CLOSES_TEXTAREA), ("method", "phone"),
        ];
        let saved = app.post_form(&format!("{sub}/verification"), &staff, &form).await;
        assert_eq!(saved.header("location"), format!("{sub}?m=verification-saved#insurance-h"));
        assert_escaped(&app.get_with(&sub, &staff).await.text(), "verification notes");

        let cookie = app.sign_in(&admin).await;
        let id: i64 = sqlx::query("SELECT id FROM payers WHERE plan = 'cigna'").fetch_one(&app.db.pool).await.unwrap().try_get("id").unwrap();
        let edit = [("name", "CIGNA"), ("payer_id", "62308"), ("in_network", "1"), ("notes", CLOSES_TEXTAREA)];
        assert_eq!(app.post_form(&format!("/staff/payers/{id}"), &cookie, &edit).await.header("location"), "/staff/payers?m=saved");
        assert_escaped(&app.get_with("/staff/payers", &cookie).await.text(), "payer notes");
    }

    async fn the_audit_log_records_only_request_ids_the_server_made(backend) {
        let app = spawn(backend).await;
        let (_admin, clinician, _desk) = create_team(&app).await;
        let reference = app.submit_intake(&valid_intake()).await;
        let cookie = app.sign_in(&clinician).await;
        let mut request = form_request(&format!("/staff/submissions/{reference}/notes"), &cookie, &[("body", "called back")]);
        request.headers_mut().insert("x-request-id", "req-of-another-session".parse().unwrap());
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_ne!(reply.header("x-request-id"), "req-of-another-session");
        let logged: String = sqlx::query("SELECT request_id FROM audit_log WHERE action = 'add_note'")
            .fetch_one(&app.db.pool).await.unwrap().try_get("request_id").unwrap();
        assert_ne!(logged, "req-of-another-session");
        assert_eq!(logged.len(), 36, "a UUID the server made: {logged}");
        assert_eq!(logged, reply.header("x-request-id"), "the id the response carried");
    }
}

#[tokio::test]
async fn server_functions_refuse_other_sites() {
    let app = spawn(Backend::Sqlite).await;
    let (admin, _clinician, _desk) = create_team(&app).await;
    let cookie = app.sign_in(&admin).await;
    let calls = [
        ("/api/staff-users", ""),
        ("/api/staff-enrol", ""),
        ("/api/staff-queue", "page=1"),
        ("/api/staff-audit", "page=1"),
        ("/api/staff-account", ""),
        ("/api/staff-payers", ""),
        ("/api/intake-draft", ""),
    ];
    for (path, body) in calls {
        let cross = app.send(server_fn(path, &cookie, body, "cross-site")).await;
        assert_eq!(cross.status, StatusCode::FORBIDDEN, "{path}: {}", cross.text());
        assert!(!cross.text().contains("ada@clinic.test"), "{path}");
        let other_origin = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", "https://evil.example")
            .header("host", "clinic.example")
            .header("cookie", &cookie)
            .body(Body::from(body))
            .unwrap();
        assert_eq!(app.send(other_origin).await.status, StatusCode::FORBIDDEN, "{path}");
        let same = app.send(server_fn(path, &cookie, body, "same-origin")).await;
        assert_eq!(same.status, StatusCode::OK, "{path}: {}", same.text());
    }
    let users = app.send(server_fn("/api/staff-users", &cookie, "", "same-origin")).await;
    assert!(users.text().contains("ada@clinic.test"));
    // The JSON API is for other sites' servers and keeps answering them.
    let api = Request::post("/api/v1/screening")
        .header("content-type", "application/json")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(app.send(api).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn server_functions_answer_bad_arguments_with_a_400_never_a_500() {
    let app = spawn(Backend::Sqlite).await;
    let (admin, _clinician, _desk) = create_team(&app).await;
    let cookie = app.sign_in(&admin).await;
    let bad = [
        ("/api/staff-queue", "page=-5"),
        ("/api/staff-queue", "page=abc"),
        ("/api/staff-queue", ""),
        ("/api/staff-queue", "page=99999999999999999999"),
        ("/api/staff-audit", "page=-1"),
        ("/api/staff-audit", "%%%"),
        ("/api/staff-submission", ""),
        ("/api/staff-invitation", ""),
    ];
    for (path, body) in bad {
        let reply = app.send(server_fn(path, &cookie, body, "same-origin")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path} {body}: {}", reply.text());
    }
    let json = Request::post("/api/staff-queue")
        .header("content-type", "application/json")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", &cookie)
        .body(Body::from("{\"page\": -5}"))
        .unwrap();
    assert!(app.send(json).await.status.is_client_error());
    assert_eq!(
        app.send(server_fn("/api/no-such-function", &cookie, "", "same-origin")).await.status,
        StatusCode::NOT_FOUND
    );
    let good = app.send(server_fn("/api/staff-queue", &cookie, "page=1", "same-origin")).await;
    assert_eq!(good.status, StatusCode::OK);
    // While the database is away the loaders say so with a 503, not a 500.
    app.db.close().await;
    let down =
        app.send(server_fn("/api/staff-invitation", "", &format!("token={}", "a".repeat(64)), "same-origin")).await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE, "{}", down.text());
}

#[tokio::test]
async fn staff_and_payer_names_refuse_bidi_overrides_and_zero_width_characters() {
    let app = spawn(Backend::Sqlite).await;
    let (admin, _clinician, _desk) = create_team(&app).await;
    let cookie = app.sign_in(&admin).await;
    for name in ["Eve\u{202E}nimdA", "Ad\u{200B}a Admin", "\u{2067}Mallory", "Bob\u{FEFF}"] {
        let reply = app
            .post_form("/staff/users", &cookie, &[("email", "eve@clinic.test"), ("name", name), ("role", "admin")])
            .await;
        assert_eq!(reply.header("location"), "/staff/users?m=bad-name", "{name:?}");
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users WHERE email = 'eve@clinic.test'").await, 0);
    let page = app.get_with("/staff/users?m=bad-name", &cookie).await.text();
    assert!(page.contains("hidden formatting characters"), "the page says what to change");
    let ok = app
        .post_form(
            "/staff/users",
            &cookie,
            &[("email", "eve@clinic.test"), ("name", "Eve Núñez"), ("role", "clinician")],
        )
        .await;
    assert_eq!(ok.header("location"), "/staff/users?m=invited", "an ordinary name is accepted");
    let id: i64 = sqlx::query("SELECT id FROM payers WHERE plan = 'cigna'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    let edit = [("name", "CIG\u{200D}NA"), ("payer_id", "62308"), ("notes", "")];
    assert_eq!(
        app.post_form(&format!("/staff/payers/{id}"), &cookie, &edit).await.header("location"),
        "/staff/payers?m=bad"
    );
}

#[tokio::test]
async fn patient_names_and_signatures_with_bidi_overrides_are_refused_by_the_api() {
    let app = spawn(Backend::Sqlite).await;
    let mut intake = valid_intake();
    intake["patient"]["last_name"] = serde_json::json!("Smith\u{202E}htimS");
    intake["consent"]["signature"] = serde_json::json!("Jane\u{200B} Doe");
    let reply = app.post_json("/api/v1/intakes", &intake).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = reply.json()["errors"].as_array().unwrap().clone();
    let fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
    for field in ["patient.last_name", "consent.signature"] {
        let e = errors.iter().find(|e| e["field"] == field).unwrap_or_else(|| panic!("{field} in {fields:?}"));
        assert_eq!(e["code"], "format");
        assert!(e["message"].as_str().unwrap().contains("hidden formatting characters"), "{e}");
    }
}
