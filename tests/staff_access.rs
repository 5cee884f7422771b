//! The staff portal over HTTP, in process: who may see and do what. Anonymous requests
//! are refused everywhere, each role gets only its own pages and data, cross-site posts
//! are refused, and bad input never gives a 500. Requirements: reference/security.md and
//! the staff portal issue. Sign-in and sessions: `staff_sign_in.rs`; accounts and the
//! audit trail: `staff_accounts.rs`; the workflow, queue and exports: `staff_workflow.rs`.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::staff::*;
use common::*;
use pain_intake::server::db::Backend;
use pain_intake::shared::labels::{GAD7, PHQ9};
use serde_json::Value;
use sqlx::Row;

// ---------------------------------------------------------------------------------
// Helpers of this file
// ---------------------------------------------------------------------------------

/// What a refused request must not have changed: workflow, notes, accounts, invitations
/// and the audit trail.
async fn snapshot(app: &TestApp) -> Vec<String> {
    let mut out = Vec::new();
    for r in sqlx::query("SELECT reference, status, assignee_id FROM intakes ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
    {
        let assignee: Option<i64> = r.try_get("assignee_id").unwrap();
        out.push(format!(
            "intake {} {} {:?}",
            r.try_get::<String, _>("reference").unwrap(),
            r.try_get::<String, _>("status").unwrap(),
            assignee
        ));
    }
    for r in sqlx::query("SELECT id, email, role, disabled, session_epoch, password_hash FROM users ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
    {
        let hash: Option<String> = r.try_get("password_hash").unwrap();
        out.push(format!(
            "user {} {} {} {} {} {:?}",
            r.try_get::<i64, _>("id").unwrap(),
            r.try_get::<String, _>("email").unwrap(),
            r.try_get::<String, _>("role").unwrap(),
            r.try_get::<i64, _>("disabled").unwrap(),
            r.try_get::<i64, _>("session_epoch").unwrap(),
            hash
        ));
    }
    for table in ["notes", "status_history", "invitations", "audit_log", "recovery_codes"] {
        out.push(format!("{table} {}", app.count(&format!("SELECT COUNT(*) AS n FROM {table}")).await));
    }
    out
}

// ---------------------------------------------------------------------------------
// 1. Anonymous requests
// ---------------------------------------------------------------------------------

on_both_databases! {
    async fn anonymous_requests_are_refused_everywhere_and_change_nothing(backend) {
        let (app, _admin, clinician, _desk, reference) = portal(backend).await;
        let before = snapshot(&app).await;

        let sub = format!("/staff/submissions/{reference}");
        let fhir = format!("{sub}/fhir");
        for page in ["/staff", sub.as_str(), "/staff/users", "/staff/audit", "/staff/account", "/staff/enrol",
                     "/staff/export.csv", fhir.as_str()] {
            let reply = app.get_with(page, "").await;
            assert_redirect(&reply, "/staff/sign-in", page);
            assert!(!reply.text().contains("Doe"), "{page} shows the patient");
        }

        let id = clinician.id.to_string();
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            ("/staff/queue".into(), vec![("outcome", "emergency")]),
            ("/staff/audit".into(), vec![("action", "sign_in")]),
            (format!("{sub}/status"), vec![("from", "new"), ("to", "in_review")]),
            (format!("{sub}/assign"), vec![("assignee", id.as_str())]),
            (format!("{sub}/notes"), vec![("body", "anonymous note")]),
            ("/staff/users".into(), vec![("email", "eve@clinic.test"), ("name", "Eve"), ("role", "admin")]),
            (format!("/staff/users/{id}/role"), vec![("role", "admin")]),
            (format!("/staff/users/{id}/disable"), vec![]),
            (format!("/staff/users/{id}/enable"), vec![]),
            (format!("/staff/users/{id}/invite"), vec![]),
            ("/staff/sign-out-everywhere".into(), vec![]),
            ("/staff/password".into(), vec![("current", PASSWORD), ("new", "a brand new passphrase"), ("confirm", "a brand new passphrase")]),
            ("/staff/enrol".into(), vec![("code", "123456")]),
            ("/staff/two-factor".into(), vec![("code", "123456")]),
        ];
        for (path, pairs) in &posts {
            let reply = app.post_form(path, "", pairs).await;
            assert_redirect(&reply, "/staff/sign-in", path);
        }
        let reply = app.post_form("/staff/sign-out", "", &[]).await;
        assert_redirect(&reply, "/staff/sign-in?m=signed-out", "sign-out");
        // The idle warning's "stay signed in" is a fetch: it answers 401, not a page.
        assert_eq!(app.post_form("/staff/keepalive", "", &[]).await.status, StatusCode::UNAUTHORIZED);

        // The server functions behind the pages give no data without a session.
        let calls = [
            ("/api/staff-queue", "page=1".to_owned()),
            ("/api/staff-submission", format!("reference={reference}")),
            ("/api/staff-users", String::new()),
            ("/api/staff-audit", "page=1".to_owned()),
            ("/api/staff-account", String::new()),
            ("/api/staff-enrol", String::new()),
        ];
        for (path, body) in calls {
            let reply = app
                .post_raw(path, "application/x-www-form-urlencoded", body.into_bytes(), &[("sec-fetch-site", "same-origin")])
                .await;
            let text = reply.text();
            assert_ne!(reply.status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
            assert!(text.contains("SignIn"), "{path}: {} {text}", reply.status);
            for secret in ["Doe", "XYZ123456789", "cleo@clinic.test", "chronic_refractory_pain", "secret"] {
                assert!(!text.contains(secret), "{path} gave away {secret}: {text}");
            }
        }

        assert_eq!(snapshot(&app).await, before);
    }
}

// ---------------------------------------------------------------------------------
// 2. Roles
// ---------------------------------------------------------------------------------

/// Texts that only a clinical role may receive: the mood and clinical questions, the
/// reasons, the outcome and the safety alert.
fn clinical_markers() -> Vec<String> {
    let mut m: Vec<String> = PHQ9.iter().chain(GAD7.iter()).map(|(en, _)| en.to_string()).collect();
    m.extend(
        [
            "self_harm_thoughts",
            "chronic_refractory_pain",
            "Clinician review",
            "Consult recommended",
            "clinician_review",
            "consult_recommended",
            "Safety alert",
            "Screening result",
            "gabapentin",
            "pain_duration",
            "red_flags",
            "\"clinical\":{",
            "\\\"clinical\\\":{",
            "\"outcome\":\"",
            "\\\"outcome\\\":\\\"",
            "\"safety_alert\":true",
            "\\\"safety_alert\\\":true",
        ]
        .map(str::to_owned),
    );
    m
}

on_both_databases! {
    async fn front_desk_is_refused_clinical_and_admin_work(backend) {
        let (app, admin, clinician, desk, routine) = portal(backend).await;
        let harm = app.submit_intake(&intake(SELF_HARM, "Sam", "Harmon", "cigna")).await;
        let cookie = app.sign_in(&desk).await;
        let before = snapshot(&app).await;

        for page in ["/staff/users".to_owned(), "/staff/audit".to_owned(), "/staff/export.csv".to_owned(), format!("/staff/submissions/{harm}/fhir")] {
            let reply = app.get_with(&page, &cookie).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{page}");
            assert!(!reply.text().contains("Harmon"), "{page}");
        }
        let cid = clinician.id.to_string();
        let aid = admin.id.to_string();
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (format!("/staff/submissions/{harm}/status"), vec![("from", "new"), ("to", "in_review")]),
            (format!("/staff/submissions/{harm}/assign"), vec![("assignee", cid.as_str())]),
            ("/staff/users".into(), vec![("email", "eve@clinic.test"), ("name", "Eve"), ("role", "admin")]),
            (format!("/staff/users/{aid}/role"), vec![("role", "front_desk")]),
            (format!("/staff/users/{cid}/disable"), vec![]),
            ("/staff/audit".into(), vec![("action", "sign_in")]),
        ];
        for (path, pairs) in &posts {
            assert_eq!(app.post_form(path, &cookie, pairs).await.status, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(snapshot(&app).await, before);

        // The submission and the queue: contact and insurance, none of the clinical answers.
        let page = app.get_with(&format!("/staff/submissions/{harm}"), &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        for shown in ["Sam", "Harmon", "XYZ123456789", "jane@example.com"] {
            assert!(html.contains(shown), "front desk should see {shown}");
        }
        for hidden in clinical_markers() {
            assert!(!html.contains(&hidden), "front desk's submission page shows {hidden}");
        }
        assert!(!html.contains("/fhir"), "no FHIR link for front desk");
        assert!(!html.contains("name=\"to\""), "no status form for front desk");

        let queue = app.get_with("/staff", &cookie).await;
        assert_eq!(queue.status, StatusCode::OK);
        let html = queue.text();
        assert!(html.contains("Harmon, Sam") && html.contains("Doe, Jane"), "names in the queue");
        assert_eq!(queue_refs(&html).len(), 2);
        for hidden in clinical_markers() {
            assert!(!html.contains(&hidden), "front desk's queue shows {hidden}");
        }
        assert!(!html.contains("export.csv"));

        // An outcome filter posted by hand is ignored: the rows would say which are which.
        assert_redirect(&app.post_form("/staff/queue", &cookie, &[("outcome", "clinician_review")]).await, "/staff", "filter");
        assert_eq!(queue_refs(&app.get_with("/staff", &cookie).await.text()).len(), 2);

        // Calling the server functions directly gives no more than the pages do.
        for (path, body) in [("/api/staff-submission", format!("reference={harm}")), ("/api/staff-queue", "page=1".to_owned())] {
            let reply = app.post_raw(path, "application/x-www-form-urlencoded", body.into_bytes(), &[("cookie", &cookie)]).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}");
            let data = reply.json();
            assert!(data.to_string().contains("Harmon"), "{path}: {data}");
            for hidden in clinical_markers() {
                assert!(!data.to_string().contains(&hidden), "{path} gives {hidden}");
            }
            if path == "/api/staff-submission" {
                assert_eq!(data["Ok"]["Ok"]["clinical"], Value::Null);
                assert_eq!(data["Ok"]["Ok"]["answers"].get("clinical"), None);
            } else {
                assert_eq!(data["Ok"]["Ok"]["rows"][0]["outcome"], Value::Null);
            }
        }

        // Front desk may write notes (insurance work).
        let reply = app.post_form(&format!("/staff/submissions/{routine}/notes"), &cookie, &[("body", "Called BCBS, pending")]).await;
        assert_redirect(&reply, &format!("/staff/submissions/{routine}?m=note-added#notes"), "front desk note");
    }
}

#[tokio::test]
async fn the_same_submission_shows_clinical_answers_to_a_clinician() {
    // The positive control of the front-desk test: the markers are really on the page.
    let (app, _admin, clinician, _desk, _) = portal(Backend::Sqlite).await;
    let harm = app.submit_intake(&intake(SELF_HARM, "Sam", "Harmon", "cigna")).await;
    let cookie = app.sign_in(&clinician).await;
    let html = app.get_with(&format!("/staff/submissions/{harm}"), &cookie).await.text();
    for shown in
        [PHQ9[0].0, PHQ9[8].0, GAD7[0].0, "self_harm_thoughts", "Safety alert", "Clinician review", "Screening result"]
    {
        assert!(html.contains(shown), "clinician should see {shown}");
    }
    assert!(html.contains(&format!("/staff/submissions/{harm}/fhir")));
    let queue = app.get_with("/staff", &cookie).await.text();
    assert!(queue.contains("Safety alert") && queue.contains("Clinician review"));
}

#[tokio::test]
async fn clinicians_are_refused_admin_pages_and_exports_of_the_queue() {
    let (app, admin, clinician, _desk, reference) = portal(Backend::Sqlite).await;
    let cookie = app.sign_in(&clinician).await;
    let before = snapshot(&app).await;
    for page in ["/staff/users", "/staff/audit", "/staff/export.csv"] {
        assert_eq!(app.get_with(page, &cookie).await.status, StatusCode::FORBIDDEN, "{page}");
    }
    let aid = admin.id.to_string();
    for (path, pairs) in [
        ("/staff/users".to_owned(), vec![("email", "eve@clinic.test"), ("name", "Eve"), ("role", "admin")]),
        (format!("/staff/users/{aid}/role"), vec![("role", "clinician")]),
        (format!("/staff/users/{aid}/disable"), vec![]),
    ] {
        assert_eq!(app.post_form(&path, &cookie, &pairs).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(snapshot(&app).await, before);
    // Their own work is allowed.
    for page in [
        "/staff".to_owned(),
        format!("/staff/submissions/{reference}"),
        format!("/staff/submissions/{reference}/fhir"),
        "/staff/account".into(),
    ] {
        assert_eq!(app.get_with(&page, &cookie).await.status, StatusCode::OK, "{page}");
    }
}

#[tokio::test]
async fn an_admin_can_do_everything() {
    let (app, admin, clinician, desk, reference) = portal(Backend::Sqlite).await;
    let cookie = app.sign_in(&admin).await;
    for page in [
        "/staff".to_owned(),
        format!("/staff/submissions/{reference}"),
        "/staff/users".into(),
        "/staff/audit".into(),
        "/staff/account".into(),
        "/staff/export.csv".into(),
        format!("/staff/submissions/{reference}/fhir"),
    ] {
        let reply = app.get_with(&page, &cookie).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        // Every one of them shows patient or account data: never cached.
        assert_eq!(reply.header("cache-control"), "no-store", "{page}");
    }
    for page in ["/staff/users", "/staff/audit"] {
        assert_eq!(app.get_with(page, "").await.header("cache-control"), "no-store", "{page} refused");
    }
    let sub = format!("/staff/submissions/{reference}");
    assert_redirect(
        &app.post_form(&format!("{sub}/status"), &cookie, &[("from", "new"), ("to", "in_review")]).await,
        &format!("{sub}?m=status-changed"),
        "status",
    );
    assert_redirect(
        &app.post_form(&format!("{sub}/assign"), &cookie, &[("assignee", &clinician.id.to_string())]).await,
        &format!("{sub}?m=assigned"),
        "assign",
    );
    assert_redirect(
        &app.post_form(&format!("{sub}/notes"), &cookie, &[("body", "Reviewed")]).await,
        &format!("{sub}?m=note-added#notes"),
        "note",
    );
    assert_redirect(
        &app.post_form(&format!("/staff/users/{}/role", desk.id), &cookie, &[("role", "clinician")]).await,
        "/staff/users?m=saved",
        "role",
    );
    assert_redirect(
        &app.post_form(
            "/staff/users",
            &cookie,
            &[("email", "nora@clinic.test"), ("name", "Nora New"), ("role", "front_desk")],
        )
        .await,
        "/staff/users?m=invited",
        "invite",
    );
    let row = sqlx::query("SELECT role FROM users WHERE id = $1").bind(desk.id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(row.try_get::<String, _>("role").unwrap(), "clinician");
    assert_eq!(status_of(&app, &reference).await, "in_review");

    // The last enabled admin can neither be demoted nor disable themselves.
    assert_redirect(
        &app.post_form(&format!("/staff/users/{}/role", admin.id), &cookie, &[("role", "clinician")]).await,
        "/staff/users?m=last-admin",
        "demote the last admin",
    );
    assert_redirect(
        &app.post_form(&format!("/staff/users/{}/disable", admin.id), &cookie, &[]).await,
        "/staff/users?m=last-admin",
        "disable oneself",
    );
    let row = sqlx::query("SELECT role, disabled FROM users WHERE id = $1")
        .bind(admin.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(row.try_get::<String, _>("role").unwrap(), "admin");
    assert_eq!(row.try_get::<i64, _>("disabled").unwrap(), 0);
}

#[tokio::test]
async fn a_role_change_applies_to_the_next_request() {
    let (app, admin, clinician, _desk, _) = portal(Backend::Sqlite).await;
    let a = app.sign_in(&admin).await;
    let c = app.sign_in(&clinician).await;
    assert_eq!(app.get_with("/staff/export.csv", &c).await.status, StatusCode::FORBIDDEN);
    app.post_form(&format!("/staff/users/{}/role", clinician.id), &a, &[("role", "admin")]).await;
    assert_eq!(app.get_with("/staff/export.csv", &c).await.status, StatusCode::OK);
    app.post_form(&format!("/staff/users/{}/role", clinician.id), &a, &[("role", "front_desk")]).await;
    assert_eq!(app.get_with("/staff/export.csv", &c).await.status, StatusCode::FORBIDDEN);
}

// ---------------------------------------------------------------------------------
// 6. Cross-site posts
// ---------------------------------------------------------------------------------

fn cross_site(path: &str, cookie: &str, pairs: &[(&str, &str)], headers: &[(&str, &str)]) -> Request<Body> {
    let mut b = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", next_client());
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    if !cookie.is_empty() {
        b = b.header("cookie", cookie);
    }
    b.body(Body::from(form_body(pairs))).unwrap()
}

on_both_databases! {
    async fn cross_site_posts_are_refused(backend) {
        let (app, _admin, clinician, _desk, reference) = portal(backend).await;
        let cookie = app.sign_in(&clinician).await;
        let before = snapshot(&app).await;
        let foreign: [&[(&str, &str)]; 3] = [
            &[("sec-fetch-site", "cross-site")],
            &[("sec-fetch-site", "same-site")],
            &[("origin", "https://evil.example"), ("host", "127.0.0.1:3000")],
        ];
        let sub = format!("/staff/submissions/{reference}");
        for headers in foreign {
            let reply = app.send(cross_site("/staff/sign-in", "", &[("email", &clinician.email), ("password", PASSWORD)], headers)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "sign-in {headers:?}");
            assert!(session_cookie(&reply).is_none());
            for (path, pairs) in [
                (format!("{sub}/status"), vec![("from", "new"), ("to", "in_review")]),
                (format!("{sub}/notes"), vec![("body", "forged")]),
                ("/staff/sign-out-everywhere".to_owned(), vec![]),
                ("/staff/password".to_owned(), vec![("current", PASSWORD), ("new", "forged passphrase here"), ("confirm", "forged passphrase here")]),
            ] {
                let reply = app.send(cross_site(&path, &cookie, &pairs, headers)).await;
                assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path} {headers:?}");
            }
        }
        assert_eq!(snapshot(&app).await, before);
        assert_eq!(app.get_with("/staff", &cookie).await.status, StatusCode::OK, "still signed in");
        // An Origin that is this site is fine.
        let same: &[(&str, &str)] = &[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")];
        let reply = app.send(cross_site(&format!("{sub}/notes"), &cookie, &[("body", "real")], same)).await;
        assert_redirect(&reply, &format!("{sub}?m=note-added#notes"), "same origin");
    }
}

// ---------------------------------------------------------------------------------
// 16. Bad input
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn bad_input_never_gives_a_500() {
    let (app, admin, clinician, _desk, reference) = portal(Backend::Sqlite).await;
    let c = app.sign_in(&clinician).await;
    let a = app.sign_in(&admin).await;
    let sub = format!("/staff/submissions/{reference}");
    let mut replies: Vec<(String, Reply)> = Vec::new();

    // Junk filters are ignored.
    let reply = app
        .post_form(
            "/staff/queue",
            &c,
            &[
                ("outcome", "zzz"),
                ("status", "\u{0}"),
                ("plan", "<b>"),
                ("from", "2026-02-30"),
                ("to", "yesterday"),
                ("sort", "sideways"),
                ("verification", "'; DROP TABLE intakes; --"),
                ("search", &"%".repeat(5000)),
                ("unknown", "field"),
            ],
        )
        .await;
    assert_redirect(&reply, "/staff", "junk filters");
    let queue = app.get_with("/staff", &c).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert_eq!(queue_refs(&queue.text()).len(), 0, "a search of % signs matches nothing");
    app.post_form("/staff/queue", &c, &[("clear", "1")]).await;
    assert_eq!(queue_refs(&app.get_with("/staff", &c).await.text()).len(), 1);
    let reply = app
        .post_form(
            "/staff/audit",
            &a,
            &[("action", "nonsense"), ("from", "13/45/2026"), ("actor", &"a".repeat(10_000))],
        )
        .await;
    assert_redirect(&reply, "/staff/audit", "junk audit filters");
    replies.push(("audit page".into(), app.get_with("/staff/audit", &a).await));

    // Notes: empty, longest allowed, too long.
    assert_redirect(
        &app.post_form(&format!("{sub}/notes"), &c, &[("body", "   ")]).await,
        &format!("{sub}?m=note-empty#notes"),
        "empty note",
    );
    assert_redirect(
        &app.post_form(&format!("{sub}/notes"), &c, &[]).await,
        &format!("{sub}?m=note-empty#notes"),
        "no body",
    );
    assert_redirect(
        &app.post_form(&format!("{sub}/notes"), &c, &[("body", &"é".repeat(4000))]).await,
        &format!("{sub}?m=note-added#notes"),
        "4000 characters",
    );
    assert_redirect(
        &app.post_form(&format!("{sub}/notes"), &c, &[("body", &"x".repeat(4001))]).await,
        &format!("{sub}?m=note-long#notes"),
        "4001 characters",
    );
    assert!(app
        .get_with(&format!("{sub}?m=note-long"), &c)
        .await
        .text()
        .contains("Notes can be at most 4,000 characters."));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM notes").await, 1);

    // Statuses that do not exist.
    for pairs in [
        vec![("from", "new"), ("to", "bogus")],
        vec![("from", "BOGUS"), ("to", "in_review")],
        vec![("to", "in_review")],
        vec![],
        vec![("from", "new"), ("to", "NEW")],
    ] {
        assert_redirect(
            &app.post_form(&format!("{sub}/status"), &c, &pairs).await,
            &format!("{sub}?m=bad-status"),
            &format!("{pairs:?}"),
        );
    }
    assert_eq!(status_of(&app, &reference).await, "new");

    // References that do not exist or cannot be one.
    let long = "A".repeat(300);
    for bad in ["ZZZZ-ZZZZ", "nope", "%00", "a%2Fb", long.as_str()] {
        let page = app.get_with(&format!("/staff/submissions/{bad}"), &c).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{bad}");
        assert!(page.text().contains("There is no submission with this reference."));
        assert_eq!(
            app.get_with(&format!("/staff/submissions/{bad}/fhir"), &c).await.status,
            StatusCode::NOT_FOUND,
            "{bad} fhir"
        );
        for action in ["status", "assign", "notes"] {
            let reply = app
                .post_form(
                    &format!("/staff/submissions/{bad}/{action}"),
                    &c,
                    &[("from", "new"), ("to", "in_review"), ("body", "x")],
                )
                .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{bad} {action}");
        }
    }

    // Account ids that are not numbers, or not accounts; changes that do not exist.
    for path in [
        "/staff/users/abc/role",
        "/staff/users/1.5/disable",
        "/staff/users/99999999999999999999/role",
        "/staff/users/-/enable",
    ] {
        let reply = app.post_form(path, &a, &[("role", "admin")]).await;
        assert!(reply.status.is_client_error(), "{path}: {}", reply.status);
        replies.push((path.into(), reply));
    }
    assert_eq!(app.post_form("/staff/users/99999/role", &a, &[("role", "admin")]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.post_form(&format!("/staff/users/{}/promote", clinician.id), &a, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_redirect(
        &app.post_form(&format!("/staff/users/{}/role", clinician.id), &a, &[("role", "root")]).await,
        "/staff/users?m=bad-role",
        "bad role",
    );

    // Bodies that are not forms, or not UTF-8, or too big; junk codes and pages.
    let odd: Vec<(&str, &str, Vec<u8>)> = vec![
        ("/staff/queue", "text/plain", b"outcome=emergency".to_vec()),
        ("/staff/queue", "application/json", b"{\"outcome\":1}".to_vec()),
        (&sub, "application/x-www-form-urlencoded", b"from=new&to=in_review".to_vec()),
        ("/staff/sign-in", "application/x-www-form-urlencoded", b"email=%FF%FE&password=%".to_vec()),
        ("/staff/sign-in", "application/x-www-form-urlencoded", vec![0xff, 0xfe, 0x00]),
        ("/staff/two-factor", "application/x-www-form-urlencoded", format!("code={}", "9".repeat(5000)).into_bytes()),
        ("/staff/queue", "application/x-www-form-urlencoded", format!("search={}", "a".repeat(200_000)).into_bytes()),
    ];
    for (path, content_type, body) in odd {
        let cookie = if path == "/staff/sign-in" { "" } else { c.as_str() };
        let reply = app
            .post_raw(
                path,
                content_type,
                body,
                &[("sec-fetch-site", "same-origin"), ("cookie", cookie), ("x-forwarded-for", &next_client())],
            )
            .await;
        replies.push((format!("{path} {content_type}"), reply));
    }
    for page in [
        "/staff/audit?page=abc",
        "/staff/audit?page=4294967296",
        "/staff/enrol?m=%3Cscript%3E",
        "/staff/sign-in?m=%FF",
        "/staff/users?m=x",
    ] {
        let cookie = if page.contains("users") || page.contains("audit") { a.as_str() } else { c.as_str() };
        replies.push((page.into(), app.get_with(page, cookie).await));
    }
    // A cookie that is not a session id.
    let huge = format!("pi_staff={}", "A".repeat(5000));
    for cookie in ["pi_staff=", "pi_staff=not-base64!!", huge.as_str(), "pi_staff=AAAAAAAAAAAAAAAAAAAAAA"] {
        let reply = app.get_with("/staff", cookie).await;
        assert_redirect(&reply, "/staff/sign-in", cookie);
    }
    for (what, reply) in &replies {
        assert!(!reply.status.is_server_error(), "{what}: {} {}", reply.status, reply.text());
    }
    // Nothing above changed the workflow or the accounts.
    assert_eq!(status_of(&app, &reference).await, "new");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users WHERE role = 'admin'").await, 1);
}
