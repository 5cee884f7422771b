//! `GET /metrics` as the clinic's Prometheus reads it, in process on SQLite and
//! PostgreSQL: text a strict parser accepts (promtool where it is installed, and always
//! the checker below), intakes, drafts and requests counted by fixed labels only, the
//! backlogs read from the database, nothing of a patient's in the body, and the access
//! rule (loopback through no proxy, or the METRICS_TOKEN bearer from anywhere).
//!
//! The recorder is the process's, shared by every app these tests build, so counters
//! are compared before and after, and the tests that compare take [`SERIAL`] first.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::process::{bin, Server};
use common::staff::{intake, EMERGENCY};
use common::*;
use pain_intake::server::config::MetricsToken;
use serde_json::json;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::{Command, Stdio};

/// Tests that compare counters run one at a time: the counters are the process's.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const LOOPBACK: &str = "127.0.0.1:50000";
const OUTSIDE: &str = "192.0.2.10:50000";
const TOKEN: &str = "k6Jq1Z0Yw3sXbR9tV8uN2mP5aL7cE4dH";

/// `GET /metrics` from the TCP peer `peer` (`None`: no peer known), with headers.
async fn scrape_from(app: &TestApp, peer: Option<&str>, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::get("/metrics");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::empty()).unwrap();
    if let Some(peer) = peer {
        request.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    }
    app.send(request).await
}

/// A scrape from loopback that must succeed, checked by both parsers.
async fn scrape(app: &TestApp) -> Exposition {
    let reply = scrape_from(app, Some(LOOPBACK), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let text = reply.text();
    promtool_check(&text);
    Exposition::parse(&text).unwrap_or_else(|e| panic!("not strict Prometheus text: {e}\n{text}"))
}

on_both_databases! {
    async fn a_loopback_scrape_is_strict_prometheus_text_with_every_metric(backend) {
        let app = spawn(backend).await;
        app.get("/healthz").await;
        let reply = scrape_from(&app, Some(LOOPBACK), &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        assert_eq!(reply.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
        // The security headers' layer leaves the text alone and adds its headers.
        assert_eq!(reply.header("x-content-type-options"), "nosniff");
        assert_eq!(reply.header("cache-control"), "no-store");
        assert!(reply.header("content-security-policy").contains("default-src 'none'"));
        let text = reply.text();
        promtool_check(&text);
        let metrics = Exposition::parse(&text).unwrap_or_else(|e| panic!("not strict Prometheus text: {e}\n{text}"));
        for (family, kind) in [
            ("pain_intake_http_requests_total", "counter"),
            ("pain_intake_http_request_duration_seconds", "histogram"),
            ("pain_intake_intakes_stored_total", "counter"),
            ("pain_intake_drafts_started_total", "counter"),
            ("pain_intake_drafts_purged_total", "counter"),
            ("pain_intake_notifications_waiting", "gauge"),
            ("pain_intake_escalations_waiting", "gauge"),
            ("pain_intake_patient_mails_waiting", "gauge"),
            ("pain_intake_eligibility_checks_waiting", "gauge"),
            ("pain_intake_eligibility_checks_total", "counter"),
            ("pain_intake_follow_ups_open", "gauge"),
            ("pain_intake_follow_ups_overdue", "gauge"),
            ("pain_intake_database_up", "gauge"),
            ("pain_intake_db_pool_connections", "gauge"),
            ("pain_intake_db_pool_idle_connections", "gauge"),
            ("pain_intake_db_pool_max_connections", "gauge"),
            ("pain_intake_build_info", "gauge"),
        ] {
            assert_eq!(metrics.types.get(family).map(String::as_str), Some(kind), "{family}");
            assert!(metrics.help.contains_key(family), "{family} has HELP");
        }
        for outcome in ["emergency", "urgent_care", "clinician_review", "not_yet", "consult_recommended"] {
            assert!(metrics.get("pain_intake_intakes_stored_total", &[("outcome", outcome)]).is_some(), "{outcome}");
        }
        assert_eq!(metrics.get("pain_intake_database_up", &[]), Some(1.0));
        assert!(metrics.get("pain_intake_db_pool_max_connections", &[("pool", "app")]).unwrap() >= 1.0);
        let app_pool = metrics.get("pain_intake_db_pool_connections", &[("pool", "app")]);
        assert!(app_pool.unwrap() >= 1.0, "the scrape used one");
        assert!(metrics.get("pain_intake_db_pool_max_connections", &[("pool", "writers")]).is_some());
        let healthz = [("method", "GET"), ("route", "/healthz"), ("status", "200")];
        assert!(metrics.get("pain_intake_http_requests_total", &healthz).unwrap() >= 1.0);
        let bucket = [("method", "GET"), ("route", "/healthz"), ("le", "+Inf")];
        assert!(metrics.get("pain_intake_http_request_duration_seconds_bucket", &bucket).unwrap() >= 1.0);
    }

    async fn an_emergency_intake_is_counted_once_and_leaves_no_trace_of_the_patient(backend) {
        let _serial = SERIAL.lock().await;
        let app = spawn(backend).await;
        let before = scrape(&app).await;
        assert_eq!(before.get("pain_intake_follow_ups_open", &[]), Some(0.0), "a fresh database");

        let mut patient = intake(EMERGENCY, "Zebulon", "Quixotefield", "bcbs_tx");
        patient["patient"]["phone"] = json!("(214) 555-0177");
        patient["patient"]["email"] = json!("zebulon.q@example.org");
        patient["insurance"]["member_id"] = json!("MBRQ77341902");
        let key = [("idempotency-key", "5f0c9a7e-metrics-test")];
        let first = app.post_raw("/api/v1/intakes", "application/json", patient.to_string().into_bytes(), &key).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
        assert_eq!(first.json()["outcome"], "emergency");
        // A retry with the same key is answered from the first intake and stores nothing.
        let replay = app.post_raw("/api/v1/intakes", "application/json", patient.to_string().into_bytes(), &key).await;
        assert_eq!(replay.status, StatusCode::CREATED);
        assert_eq!(replay.header("idempotent-replayed"), "true");

        let after = scrape(&app).await;
        let emergency = [("outcome", "emergency")];
        assert_eq!(after.delta(&before, "pain_intake_intakes_stored_total", &emergency), 1.0, "counted once");
        for other in ["urgent_care", "clinician_review", "not_yet", "consult_recommended"] {
            assert_eq!(after.delta(&before, "pain_intake_intakes_stored_total", &[("outcome", other)]), 0.0, "{other}");
        }
        let created = [("method", "POST"), ("route", "/api/v1/intakes"), ("status", "201")];
        assert_eq!(after.delta(&before, "pain_intake_http_requests_total", &created), 2.0, "two 201 answers");
        // Read from this database at the scrape: the emergency opened one follow-up and
        // one new-submission e-mail waits (no SMTP worker runs here).
        assert_eq!(after.get("pain_intake_follow_ups_open", &[]), Some(1.0));
        assert_eq!(after.get("pain_intake_follow_ups_overdue", &[]), Some(0.0), "the deadline is an hour away");
        assert_eq!(after.get("pain_intake_notifications_waiting", &[]), Some(1.0));
        assert_eq!(after.get("pain_intake_escalations_waiting", &[]), Some(0.0));

        let body = after.text.to_lowercase();
        let reference = first.json()["reference"].as_str().unwrap().to_owned();
        for secret in [
            reference.to_lowercase(),
            reference.replace('-', "").to_lowercase(),
            "zebulon".into(),
            "quixotefield".into(),
            "555-0177".into(),
            "5550177".into(),
            "example.org".into(),
            "mbrq77341902".into(),
            "5f0c9a7e".into(),
        ] {
            assert!(!body.contains(&secret), "{secret:?} appears in /metrics");
        }
    }

    async fn an_overdue_follow_up_is_reported_from_the_database(backend) {
        let app = spawn(backend).await;
        let reply = app.post_json("/api/v1/intakes", &intake(EMERGENCY, "Ann", "Lee", "bcbs_tx")).await;
        assert_eq!(reply.status, StatusCode::CREATED);
        sqlx::query("UPDATE follow_ups SET deadline = '2020-01-01T00:00:00.000Z'").execute(&app.db.pool).await.unwrap();
        let _serial = SERIAL.lock().await;
        let metrics = scrape(&app).await;
        assert_eq!(metrics.get("pain_intake_follow_ups_open", &[]), Some(1.0));
        assert_eq!(metrics.get("pain_intake_follow_ups_overdue", &[]), Some(1.0));
    }

    async fn drafts_started_and_purged_are_counted(backend) {
        let _serial = SERIAL.lock().await;
        let app = spawn(backend).await;
        let before = scrape(&app).await;
        for _ in 0..2 {
            let same_site = [("sec-fetch-site", "same-origin")];
            let started = app.post_raw("/intake/start", "application/x-www-form-urlencoded", vec![], &same_site).await;
            assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text());
        }
        let stored = app.post_json("/api/v1/intakes", &valid_intake()).await;
        assert_eq!(stored.status, StatusCode::CREATED);
        // Both drafts expire; one of them had become an intake.
        sqlx::query("UPDATE drafts SET expires_at = '2020-01-01T00:00:00.000Z'").execute(&app.db.pool).await.unwrap();
        let submitted =
            "UPDATE drafts SET intake_id = (SELECT MAX(id) FROM intakes) WHERE id = (SELECT MIN(id) FROM drafts)";
        sqlx::query(submitted).execute(&app.db.pool).await.unwrap();
        assert_eq!(pain_intake::server::drafts::purge_expired(&app.db).await.unwrap(), 2);

        let after = scrape(&app).await;
        assert_eq!(after.delta(&before, "pain_intake_drafts_started_total", &[]), 2.0);
        assert_eq!(after.delta(&before, "pain_intake_drafts_purged_total", &[("state", "abandoned")]), 1.0);
        assert_eq!(after.delta(&before, "pain_intake_drafts_purged_total", &[("state", "submitted")]), 1.0);
    }
}

#[tokio::test]
async fn routes_are_counted_by_template_never_by_path() {
    let _serial = SERIAL.lock().await;
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let token = "ab".repeat(32);
    let resume = app.get(&format!("/intake/resume/{token}")).await;
    assert_eq!(resume.status, StatusCode::OK);
    let missing = app.get("/no-such-page/K7Q2-9XPM").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let api = app.get("/api/v1/intakes/K7Q2-9XPM").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);

    let metrics = scrape(&app).await;
    let resume = [("method", "GET"), ("route", "/intake/resume/{token}"), ("status", "200")];
    assert!(metrics.get("pain_intake_http_requests_total", &resume).is_some(), "{}", metrics.text);
    let unmatched = [("method", "GET"), ("route", "unmatched"), ("status", "404")];
    assert!(metrics.get("pain_intake_http_requests_total", &unmatched).unwrap() >= 2.0, "{}", metrics.text);
    for path in [token.as_str(), "no-such-page", "K7Q2", "__private__"] {
        assert!(!metrics.text.contains(path), "{path} appears in /metrics");
    }
    for sample in &metrics.samples {
        if let Some(route) = sample.labels.get("route") {
            assert!(route == "unmatched" || route.starts_with('/'), "{route}");
        }
    }
}

#[tokio::test]
async fn staff_x12_downloads_and_uploads_are_counted_by_result() {
    let _serial = SERIAL.lock().await;
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let (_admin, _clinician, desk) = staff::create_team(&app).await;
    let insured = app.submit_intake(&valid_intake()).await;
    let mut self_pay = valid_intake();
    self_pay["insurance"]["plan"] = json!("self_pay");
    self_pay["insurance"]["member_id"] = json!(null);
    let self_pay = app.submit_intake(&self_pay).await;
    let staff = app.sign_in(&desk).await;
    let before = scrape(&app).await;

    assert_eq!(app.get_with(&format!("/staff/submissions/{insured}/270"), &staff).await.status, StatusCode::OK);
    let refused = app.get_with(&format!("/staff/submissions/{self_pay}/270"), &staff).await;
    assert!(refused.header("location").ends_with("?m=no-270"), "{}", refused.header("location"));
    let upload = |text: &'static str| {
        let body =
            format!("--B0undary\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n{text}\r\n--B0undary--\r\n");
        Request::post(format!("/staff/submissions/{insured}/271"))
            .header("content-type", "multipart/form-data; boundary=B0undary")
            .header("sec-fetch-site", "same-origin")
            .header("cookie", &staff)
            .body(Body::from(body))
            .unwrap()
    };
    assert!(app.send(upload("this is not X12")).await.header("location").contains("m=271-bad"));
    assert!(app.send(upload("  ")).await.header("location").contains("m=271-empty"));

    let after = scrape(&app).await;
    let counted = |name: &str, result: &str| after.delta(&before, name, &[("result", result)]);
    assert_eq!(counted("pain_intake_x12_270_downloads_total", "built"), 1.0);
    assert_eq!(counted("pain_intake_x12_270_downloads_total", "not_possible"), 1.0);
    assert_eq!(counted("pain_intake_x12_271_uploads_total", "refused"), 1.0);
    assert_eq!(counted("pain_intake_x12_271_uploads_total", "missing"), 1.0);
    let download = [("method", "GET"), ("route", "/staff/submissions/{reference}/270"), ("status", "200")];
    assert_eq!(after.delta(&before, "pain_intake_http_requests_total", &download), 1.0);
    assert!(!after.text.contains(&insured) && !after.text.contains(&insured.replace('-', "")));
}

/// Real-time eligibility tries are counted by result, and the checks still waiting are
/// read from the database; neither names the patient or the payer.
#[tokio::test]
async fn eligibility_checks_are_counted_by_result_and_the_waiting_ones_read_at_the_scrape() {
    use common::core_server::{CoreServer, Expected};
    use pain_intake::server::core_client::{CoreClient, EligibilityArgs};
    use pain_intake::server::eligibility_outbox::{Realtime, Worker};
    let _serial = SERIAL.lock().await;
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let server = CoreServer::start(Expected {
        credentials: Some(("core-user".into(), "core-password".into())),
        sender_id: "CLINICSUBMIT".into(),
        receiver_id: "CLEARINGHOUSE".into(),
        timestamp: String::new(),
        payload: String::new(),
    })
    .await;
    let worker = |scenario: &str| {
        let settings = EligibilityArgs {
            endpoint: Some(server.endpoint(scenario)),
            username: Some("core-user".into()),
            password: Some("core-password".into()),
            receiver_id: Some("CLEARINGHOUSE".into()),
            timeout_seconds: "5".into(),
            envelope: "mime".into(),
            ..EligibilityArgs::default()
        }
        .settings("CLINICSUBMIT")
        .unwrap()
        .unwrap();
        let clinic = app.state.settings.eligibility.clone().unwrap();
        let realtime = Realtime { client: CoreClient::new(&settings).unwrap(), clinic, recheck_days: 3 };
        Worker::new(app.db.clone(), realtime, app.state.audit.clone())
    };
    let before = scrape(&app).await;
    for _ in 0..2 {
        app.submit_intake(&valid_intake()).await;
    }
    let queued = scrape(&app).await;
    assert_eq!(queued.get("pain_intake_eligibility_checks_waiting", &[]), Some(2.0), "queued with the intakes");
    // The first round: both answered ErrorCode ReceiverDown, so both wait for a retry.
    let now = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(1);
    assert_eq!(worker("error-code").round(now).await.unwrap(), 2);
    // A minute later: a 271 for each.
    assert_eq!(worker("271").round(now + jiff::SignedDuration::from_mins(2)).await.unwrap(), 2);
    assert!(server.problems().is_empty(), "{:?}", server.problems());
    let after = scrape(&app).await;
    let counted = |result: &str| after.delta(&before, "pain_intake_eligibility_checks_total", &[("result", result)]);
    assert_eq!(counted("retry"), 2.0);
    assert_eq!(counted("active"), 2.0);
    for none in ["inactive", "rejected", "needs_person", "failed", "no_270"] {
        assert_eq!(counted(none), 0.0, "{none}");
    }
    assert_eq!(after.get("pain_intake_eligibility_checks_waiting", &[]), Some(0.0), "both done");
    assert!(!after.text.contains("XYZ123456789") && !after.text.to_lowercase().contains("cigna"), "{}", after.text);
}

#[tokio::test]
async fn without_a_token_only_loopback_requests_that_came_through_no_proxy_are_answered() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    assert_eq!(scrape_from(&app, Some(LOOPBACK), &[]).await.status, StatusCode::OK);
    assert_eq!(scrape_from(&app, Some("[::1]:50000"), &[]).await.status, StatusCode::OK);
    for (peer, headers) in [
        (Some(OUTSIDE), &[][..]),
        (None, &[]),
        // Behind the proxy on the same host every request comes from loopback: its
        // headers are what tell an outside request apart.
        (Some(LOOPBACK), &[("x-forwarded-for", "127.0.0.1")]),
        (Some(LOOPBACK), &[("x-forwarded-for", "203.0.113.9")]),
        (Some(LOOPBACK), &[("forwarded", "for=203.0.113.9")]),
        (Some(LOOPBACK), &[("x-real-ip", "203.0.113.9")]),
        (Some(OUTSIDE), &[("authorization", "Bearer k6Jq1Z0Yw3sXbR9tV8uN2mP5aL7cE4dH")]),
    ] {
        let reply = scrape_from(&app, peer, headers).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{peer:?} {headers:?}");
        assert!(!reply.text().contains("pain_intake"), "nothing is shown");
    }
}

#[tokio::test]
async fn with_a_token_only_its_bearer_is_answered_from_anywhere() {
    let plain = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let app = plain.with_settings(|s| s.metrics_token = Some(MetricsToken::parse(TOKEN).unwrap()));
    let right = format!("Bearer {TOKEN}");
    let wrong = format!("Bearer {}x", &TOKEN[..TOKEN.len() - 1]);
    for (peer, headers) in [
        (Some(LOOPBACK), vec![]),
        (Some(LOOPBACK), vec![("authorization", wrong.as_str())]),
        (Some(LOOPBACK), vec![("authorization", &right[..right.len() - 1])]),
        (Some(OUTSIDE), vec![("authorization", wrong.as_str())]),
        (Some(OUTSIDE), vec![("authorization", TOKEN)]),
    ] {
        let reply = scrape_from(&app, peer, &headers).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{peer:?} {headers:?}");
    }
    for (peer, headers) in [
        (Some(OUTSIDE), vec![("authorization", right.as_str())]),
        (Some(LOOPBACK), vec![("authorization", right.as_str()), ("x-forwarded-for", "203.0.113.9")]),
        (None, vec![("authorization", right.as_str())]),
    ] {
        let reply = scrape_from(&app, peer, &headers).await;
        assert_eq!(reply.status, StatusCode::OK, "{peer:?} {headers:?}");
        Exposition::parse(&reply.text()).unwrap();
    }
}

#[test]
fn a_bad_metrics_token_stops_start_up_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/intake.db", dir.path().display());
    for token in ["short-secret-9f8e7d", "0123456789abcdef 0123456789abcdef", "0123456789abcdef0123456789abcdéf"] {
        let mut child = bin()
            .args(["serve", "--listen", "127.0.0.1:0", "--dev"])
            .env("DATABASE_URL", &url)
            .env("METRICS_TOKEN", token)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A server that accepted the token would run until stopped: that is a failure too.
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > std::time::Duration::from_secs(30) {
                child.kill().unwrap();
                panic!("{token:?}: the server started with it");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{token:?}: {stderr}");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "one line: {stderr}");
        assert!(lines[0].starts_with("error: METRICS_TOKEN must be 32 to 1024 visible ASCII characters"), "{stderr}");
        assert!(!stderr.contains(token) && !stderr.contains("0123456789abcdef"), "the value is not printed: {stderr}");
        assert!(!dir.path().join("intake.db").exists(), "checked before the database is opened");
    }
}

#[test]
fn the_running_server_answers_its_loopback_peer_and_refuses_what_a_proxy_forwarded() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/intake.db", dir.path().display());
    let server = Server::start(&url, "warn");
    let reply = process::get(&server.addr, "/metrics", &[]);
    assert_eq!(reply.status, 200, "{reply}");
    assert_eq!(reply.header("content-type"), Some("text/plain; version=0.0.4; charset=utf-8"));
    promtool_check(&reply.body);
    Exposition::parse(&reply.body).unwrap_or_else(|e| panic!("{e}\n{}", reply.body));
    let proxied = process::get(&server.addr, "/metrics", &[("X-Forwarded-For", "203.0.113.9")]);
    assert_eq!(proxied.status, 403, "{proxied}");
    let with_token = Server::start_with(&url, "warn", &[("METRICS_TOKEN", TOKEN)]);
    assert_eq!(process::get(&with_token.addr, "/metrics", &[]).status, 403);
    let right = format!("Bearer {TOKEN}");
    assert_eq!(process::get(&with_token.addr, "/metrics", &[("Authorization", &right)]).status, 200);
}

// ---------------------------------------------------------------------------------------
// Strict checks of the text format
// ---------------------------------------------------------------------------------------

/// `promtool check metrics` (Debian's `prometheus` package) on the text: it must pass
/// with nothing to say. Skipped, with the reason printed, where promtool is absent.
fn promtool_check(text: &str) {
    use std::io::Write;
    let child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!("promtool check skipped: promtool is not installed (apt-get install prometheus)");
            return;
        }
        Err(e) => panic!("cannot run promtool: {e}"),
    };
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.trim().is_empty(), "promtool check metrics ({}): {said}\n{text}", out.status);
}

/// One sample line.
#[derive(Debug, Clone)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// A scrape's text, checked strictly against the text format 0.0.4 and read.
#[derive(Debug)]
struct Exposition {
    text: String,
    types: BTreeMap<String, String>,
    help: BTreeMap<String, String>,
    samples: Vec<Sample>,
}

impl Exposition {
    /// The value of the series `name` with exactly these labels.
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let want: BTreeMap<String, String> = labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self.samples.iter().find(|s| s.name == name && s.labels == want).map(|s| s.value)
    }

    /// How much a series rose since `before` (a series not there before counts from 0).
    fn delta(&self, before: &Exposition, name: &str, labels: &[(&str, &str)]) -> f64 {
        let now = self.get(name, labels).unwrap_or_else(|| panic!("no {name} {labels:?}\n{}", self.text));
        now - before.get(name, labels).unwrap_or(0.0)
    }

    /// Checks what Prometheus's own parser checks, and what promtool's linter adds that
    /// matters here: every family has TYPE and HELP, lines of a family are together, no
    /// series twice, counters end in `_total` and never go below zero, histograms have
    /// increasing `le` buckets, cumulative counts and a `+Inf` bucket equal to `_count`.
    fn parse(text: &str) -> Result<Self, String> {
        if !text.ends_with('\n') {
            return Err("the text does not end with a line feed".into());
        }
        let mut types = BTreeMap::new();
        let mut help = BTreeMap::new();
        let mut samples = Vec::new();
        let mut finished: Vec<String> = Vec::new();
        let mut current: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        let mut enter = |family: &str, current: &mut Option<String>| -> Result<(), String> {
            if current.as_deref() != Some(family) {
                if finished.iter().any(|f| f == family) {
                    return Err(format!("the lines of {family} are not together"));
                }
                if let Some(done) = current.take() {
                    finished.push(done);
                }
                *current = Some(family.to_owned());
            }
            Ok(())
        };
        for (n, line) in text.lines().enumerate() {
            let at = |e: String| format!("line {}: {e}: {line:?}", n + 1);
            if line.is_empty() {
                continue;
            }
            if let Some(comment) = line.strip_prefix('#') {
                let mut words = comment.trim_start().splitn(3, ' ');
                match (words.next(), words.next(), words.next()) {
                    (Some("HELP"), Some(name), Some(doc)) => {
                        metric_name(name).map_err(at)?;
                        unescape(doc, false).map_err(at)?;
                        enter(name, &mut current).map_err(at)?;
                        if help.insert(name.to_owned(), doc.to_owned()).is_some() {
                            return Err(at("a second HELP".into()));
                        }
                    }
                    (Some("TYPE"), Some(name), Some(kind)) => {
                        metric_name(name).map_err(at)?;
                        if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind) {
                            return Err(at(format!("unknown type {kind}")));
                        }
                        enter(name, &mut current).map_err(at)?;
                        if samples.iter().any(|s: &Sample| family_of(&s.name, &types) == name) {
                            return Err(at("TYPE after a sample of its family".into()));
                        }
                        if types.insert(name.to_owned(), kind.to_owned()).is_some() {
                            return Err(at("a second TYPE".into()));
                        }
                    }
                    (Some("HELP" | "TYPE"), _, _) => return Err(at("a HELP or TYPE line without its text".into())),
                    _ => {}
                }
                continue;
            }
            let sample = sample_line(line).map_err(at)?;
            let family = family_of(&sample.name, &types);
            let Some(kind) = types.get(&family) else {
                return Err(at(format!("no TYPE for {family}")));
            };
            if !help.contains_key(&family) {
                return Err(at(format!("no HELP for {family}")));
            }
            if kind == "counter" && (!sample.name.ends_with("_total") || sample.value < 0.0) {
                return Err(at("a counter must end in _total and be zero or more".into()));
            }
            if kind == "histogram" && sample.name == family {
                return Err(at("a histogram's samples are _bucket, _sum and _count".into()));
            }
            enter(&family, &mut current).map_err(at)?;
            let key = format!("{}{:?}", sample.name, sample.labels);
            if !seen.insert(key) {
                return Err(at("the same series twice".into()));
            }
            samples.push(sample);
        }
        check_histograms(&types, &samples)?;
        Ok(Self { text: text.to_owned(), types, help, samples })
    }
}

/// The family a sample belongs to: a histogram's `_bucket`, `_sum` and `_count` are
/// its own; anything else is its name.
fn family_of(name: &str, types: &BTreeMap<String, String>) -> String {
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix) {
            if types.get(base).is_some_and(|t| t == "histogram" || (t == "summary" && suffix != "_bucket")) {
                return base.to_owned();
            }
        }
    }
    name.to_owned()
}

fn check_histograms(types: &BTreeMap<String, String>, samples: &[Sample]) -> Result<(), String> {
    for (family, _) in types.iter().filter(|(_, t)| *t == "histogram") {
        // Series by their labels other than `le`: their (bound, count) buckets and _count.
        type Buckets = (Vec<(f64, f64)>, Option<f64>);
        let mut series: BTreeMap<String, Buckets> = BTreeMap::new();
        for s in samples {
            let mut labels = s.labels.clone();
            if s.name == format!("{family}_bucket") {
                let le = labels.remove("le").ok_or(format!("{family}: a bucket without le"))?;
                let bound = float(&le).map_err(|e| format!("{family}: le {e}"))?;
                series.entry(format!("{labels:?}")).or_default().0.push((bound, s.value));
            } else if s.name == format!("{family}_count") {
                series.entry(format!("{labels:?}")).or_default().1 = Some(s.value);
            }
        }
        for (labels, (buckets, count)) in series {
            let what = format!("{family}{labels}");
            if buckets.windows(2).any(|w| w[0].0 >= w[1].0 || w[0].1 > w[1].1) {
                return Err(format!("{what}: buckets out of order or not cumulative"));
            }
            match buckets.last() {
                Some((bound, n)) if bound.is_infinite() && Some(*n) == count => {}
                _ => return Err(format!("{what}: no +Inf bucket equal to _count")),
            }
        }
    }
    Ok(())
}

fn metric_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':');
    if first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
        Ok(())
    } else {
        Err(format!("bad metric name {name:?}"))
    }
}

fn label_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.starts_with("__") {
        Ok(())
    } else {
        Err(format!("bad label name {name:?}"))
    }
}

/// HELP text escapes `\\` and `\n`; label values also `\"`.
fn unescape(text: &str, quotes: bool) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                Some('"') if quotes => out.push('"'),
                other => return Err(format!("bad escape \\{other:?}")),
            },
            '"' if quotes => return Err("an unescaped quote".into()),
            '\n' => return Err("a raw line feed".into()),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// A float as Prometheus writes and reads them (Go's ParseFloat and the infinities).
fn float(text: &str) -> Result<f64, String> {
    match text {
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        t if t.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) => {
            t.parse().map_err(|_| format!("bad number {t:?}"))
        }
        t => Err(format!("bad number {t:?}")),
    }
}

/// `name{a="x",b="y"} value [timestamp]`
fn sample_line(line: &str) -> Result<Sample, String> {
    let name_end = line.find(['{', ' ']).ok_or("no value")?;
    let name = &line[..name_end];
    metric_name(name)?;
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(mut inner) = rest.strip_prefix('{') {
        loop {
            if let Some(after) = inner.strip_prefix('}') {
                rest = after;
                break;
            }
            let eq = inner.find('=').ok_or("a label without =")?;
            let label = &inner[..eq];
            label_name(label)?;
            let quoted = inner[eq + 1..].strip_prefix('"').ok_or("a label value without quotes")?;
            // The closing quote: the first one not escaped.
            let mut end = None;
            let mut escaped = false;
            for (i, c) in quoted.char_indices() {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => {
                        end = Some(i);
                        break;
                    }
                    _ => escaped = false,
                }
            }
            let end = end.ok_or("an unterminated label value")?;
            let value = unescape(&quoted[..end], true)?;
            if labels.insert(label.to_owned(), value).is_some() {
                return Err(format!("label {label} twice"));
            }
            inner = &quoted[end + 1..];
            inner = inner.strip_prefix(',').unwrap_or(inner);
            if !inner.starts_with('}') && !quoted[end + 1..].starts_with(',') {
                return Err("labels must be separated by commas".into());
            }
        }
    }
    let rest = rest.strip_prefix(' ').ok_or("no space before the value")?;
    let mut parts = rest.split(' ');
    let value = float(parts.next().ok_or("no value")?)?;
    if let Some(ts) = parts.next() {
        ts.parse::<i64>().map_err(|_| format!("bad timestamp {ts:?}"))?;
    }
    if parts.next().is_some() {
        return Err("text after the timestamp".into());
    }
    Ok(Sample { name: name.to_owned(), labels, value })
}

#[test]
fn the_strict_checker_refuses_what_prometheus_would() {
    let good = "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\",y=\"q\\\"uote\"} 3\n\n\
                # HELP h H.\n# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 0.3\nh_count 2\n";
    let parsed = Exposition::parse(good).unwrap();
    assert_eq!(parsed.get("a_total", &[("x", "1"), ("y", "q\"uote")]), Some(3.0));
    for bad in [
        "# TYPE a_total counter\na_total 1\n",                                       // no HELP
        "# HELP a_total A.\na_total 1\n",                                            // no TYPE
        "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1} 1\n",             // unterminated
        "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"a\"b\"} 1\n",        // bad quoting
        "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 1\na_total{x=\"1\"} 2\n", // twice
        "# HELP a_total A.\n# TYPE a_total counter\na_total one\n",                  // value
        "# HELP a A.\n# TYPE a counter\na 1\n",                                      // _total
        "# HELP a_total A.\n# TYPE a_total counter\na_total 1",                      // last line feed
        "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\" y=\"2\"} 1\n",   // separator
        "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"0.1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2\n",
        "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\nh_sum 1\nh_count 1\n", // no +Inf
        "# HELP a_total A.\n# TYPE a_total counter\na_total 1\n# HELP g G.\n# TYPE g gauge\ng 1\na_total{x=\"2\"} 1\n",
    ] {
        assert!(Exposition::parse(bad).is_err(), "accepted: {bad:?}");
    }
}
