//! In-process HTTP tests of the JSON API, health checks, pages and middleware,
//! against SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use common::*;
use pain_intake::domain::values::Reference;
use pain_intake::server::db::Backend;
use pain_intake::server::{http, intakes};
use serde_json::{json, Value};

/// `POST /api/v1/intakes` with an `Idempotency-Key`.
async fn post_keyed(app: &TestApp, key: &str, body: &Value) -> Reply {
    app.post_raw("/api/v1/intakes", "application/json", body.to_string().into_bytes(), &[("idempotency-key", key)])
        .await
}

/// Posts a valid intake and returns the id it was stored under.
async fn new_id(app: &TestApp) -> i64 {
    let reply = app.post_json("/api/v1/intakes", &valid_intake()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let reference = Reference::parse(reply.json()["reference"].as_str().unwrap()).unwrap();
    sqlx::query_scalar("SELECT id FROM intakes WHERE reference = $1")
        .bind(reference.compact())
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

on_both_databases! {
    async fn the_same_idempotency_key_and_body_answer_the_first_201_and_store_once(backend) {
        let app = std::sync::Arc::new(spawn(backend).await);
        let intake = valid_intake();
        let first = post_keyed(&app, "4f1c2b4e-retry-me", &intake).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
        assert_eq!(first.header("idempotent-replayed"), "");
        // A retry after a timeout, and six more at once (a website retrying in a loop).
        let again = post_keyed(&app, "4f1c2b4e-retry-me", &intake).await;
        assert_eq!(again.status, StatusCode::CREATED);
        assert_eq!(again.header("idempotent-replayed"), "true");
        // The first answer again, but for the booking token: only its hash is kept, so a
        // replay carries a fresh one (and the first stops working; see booking_http).
        let without_token = |mut v: Value| {
            v.as_object_mut().unwrap().remove("booking_token");
            v
        };
        assert_ne!(again.json()["booking_token"], first.json()["booking_token"]);
        assert_eq!(without_token(again.json()), without_token(first.json()), "the first answer, again");
        let racing: Vec<_> = (0..6)
            .map(|_| {
                let (app, intake) = (app.clone(), intake.clone());
                tokio::spawn(async move { post_keyed(&app, "race-key", &intake).await })
            })
            .collect();
        let mut references = std::collections::HashSet::new();
        for r in racing {
            let reply = r.await.unwrap();
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
            references.insert(reply.json()["reference"].as_str().unwrap().to_owned());
        }
        assert_eq!(references.len(), 1, "six racing retries made one intake: {references:?}");
        assert_eq!(intakes::count(&app.db).await.unwrap(), 2);
        let outbox: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications").fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(outbox, 2, "one e-mail per intake");
        // Keys are not stored as sent.
        let keys: Vec<String> = sqlx::query_scalar("SELECT request_key FROM intake_requests").fetch_all(&app.db.pool).await.unwrap();
        assert!(keys.iter().all(|k| k.starts_with("key:") && !k.contains("retry-me")), "{keys:?}");
    }

    async fn a_retry_of_a_stored_request_is_answered_without_a_write(backend) {
        // Answered before it reaches the writer: in a batch, a retry's refused claim would
        // fail every intake committed with it and send them one at a time. Shown here with
        // intake writes refused outright: the retry is still answered.
        let app = spawn(backend).await;
        let intake = valid_intake();
        let first = post_keyed(&app, "stored-before", &intake).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
        app.refuse_inserts("intakes").await;
        let again = post_keyed(&app, "stored-before", &intake).await;
        assert_eq!(again.status, StatusCode::CREATED, "{}", again.text());
        assert_eq!(again.header("idempotent-replayed"), "true");
        assert_eq!(again.json()["reference"], first.json()["reference"]);
        // The trigger is live: a new request is refused.
        assert!(post_keyed(&app, "a-new-one", &intake).await.status.is_server_error());
        assert_eq!(intakes::count(&app.db).await.unwrap(), 1);
    }

    async fn an_idempotency_key_reused_for_another_body_is_refused_and_stores_nothing(backend) {
        let app = spawn(backend).await;
        let intake = valid_intake();
        assert_eq!(post_keyed(&app, "k-1", &intake).await.status, StatusCode::CREATED);
        let mut other = valid_intake();
        other["patient"]["first_name"] = json!("Someone");
        let reply = post_keyed(&app, "k-1", &other).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text());
        assert_eq!(reply.json()["errors"][0]["code"], "idempotency_key_reused");
        assert!(reply.json()["errors"][0]["message"].as_str().unwrap().contains("different request body"));
        assert_eq!(intakes::count(&app.db).await.unwrap(), 1);
        // The same JSON with its keys in another order is the same body.
        let mut fields: Vec<(String, Value)> = intake.as_object().unwrap().clone().into_iter().collect();
        fields.reverse();
        let reordered = format!("{{ {} }}", fields.iter().map(|(k, v)| format!("{}: {v}", json!(k))).collect::<Vec<_>>().join(", "));
        assert_ne!(reordered, intake.to_string());
        let replay = app.post_raw("/api/v1/intakes", "application/json", reordered.into_bytes(), &[("idempotency-key", "k-1")]).await;
        assert_eq!(replay.status, StatusCode::CREATED, "{}", replay.text());
        assert_eq!(replay.header("idempotent-replayed"), "true");
        // Another key, or none, is another intake.
        assert_eq!(post_keyed(&app, "k-2", &intake).await.status, StatusCode::CREATED);
        assert_eq!(app.post_json("/api/v1/intakes", &intake).await.status, StatusCode::CREATED);
        assert_eq!(intakes::count(&app.db).await.unwrap(), 3);
        // After 24 hours the key is free again.
        sqlx::query("UPDATE intake_requests SET created_at = '2000-01-01T00:00:00.000Z'").execute(&app.db.pool).await.unwrap();
        let later = post_keyed(&app, "k-1", &other).await;
        assert_eq!(later.status, StatusCode::CREATED, "{}", later.text());
        assert_eq!(intakes::count(&app.db).await.unwrap(), 4);
        assert_eq!(intakes::purge_idempotency_keys(&app.db).await.unwrap(), 1, "k-2's old row");
    }
    async fn intakes_committed_together_each_keep_their_own_answers_result_and_outbox_row(backend) {
        let app = std::sync::Arc::new(spawn(backend).await);
        let examples: Vec<Value> = examples().into_iter().map(|(_, e)| e).collect();
        let mut clients = Vec::new();
        for i in 0..120usize {
            let app = app.clone();
            let example = examples[i % examples.len()].clone();
            clients.push(tokio::spawn(async move {
                let mut intake = valid_intake();
                intake["patient"]["first_name"] = json!(format!("Pat{i}"));
                intake["clinical"] = example["request"]["clinical"].clone();
                let reply = app.post_json("/api/v1/intakes", &intake).await;
                assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
                let body = reply.json();
                (i, body["reference"].as_str().unwrap().to_owned(), body["outcome"].as_str().unwrap().to_owned())
            }));
        }
        for client in clients {
            let (i, reference, outcome) = client.await.unwrap();
            let stored = intakes::find(&app.db, &Reference::parse(&reference).unwrap()).await.unwrap().expect("stored");
            assert_eq!(stored.answers.patient.first_name.as_str(), format!("Pat{i}"), "{reference}");
            assert_eq!(stored.outcome, outcome, "{reference}");
            let outbox: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications n JOIN intakes i ON i.id = n.intake_id WHERE n.reference = $1 AND i.reference = $1")
                .bind(Reference::parse(&reference).unwrap().compact())
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
            assert_eq!(outbox, 1, "{reference}");
        }
        assert_eq!(intakes::count(&app.db).await.unwrap(), 120);
    }

    async fn an_intake_id_is_never_handed_out_twice(backend) {
        // The writer takes its ids before it inserts (the answers are sealed with them):
        // after rows written with ids of their own (`bench-generate`), and after a batch
        // that took its ids and then failed, the next intake still gets an unused id.
        let app = spawn(backend).await;
        let first = new_id(&app).await;
        pain_intake::server::generate::generate(&app.db, 5, 3).await.unwrap();
        let after_generated = new_id(&app).await;
        assert_eq!(after_generated, first + 6);
        // A batch refused after it took its id (a later statement fails).
        app.refuse_inserts("intake_consents").await;
        assert!(app.post_json("/api/v1/intakes", &valid_intake()).await.status.is_server_error());
        app.allow_inserts("intake_consents").await;
        let next = new_id(&app).await;
        assert!(next > after_generated, "{next} after {after_generated}");
        assert_eq!(intakes::count(&app.db).await.unwrap(), 8);
    }

    async fn the_bench_floor_is_routed_only_when_asked_for(backend) {
        let app = spawn(backend).await;
        let reply = app.post_raw("/bench/insert", "application/json", Vec::new(), &[]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);

        let app = spawn_with(backend, Options { bench_floors: true, ..Options::default() }).await;
        for _ in 0..3 {
            let reply = app.post_raw("/bench/insert", "application/json", Vec::new(), &[]).await;
            assert_eq!(reply.status, StatusCode::CREATED);
        }
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bench_floor").fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(rows, 3);
    }

    async fn a_body_that_is_not_json_typed_is_415(backend) {
        let app = spawn(backend).await;
        let body = valid_intake().to_string().into_bytes();
        for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"] {
            let reply = app.post_raw("/api/v1/intakes", content_type, body.clone(), &[]).await;
            assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type}");
        }
        let reply = app.post_raw("/api/v1/intakes", "application/json; charset=utf-8", body, &[]).await;
        assert_eq!(reply.status, StatusCode::CREATED);
        assert_eq!(intakes::count(&app.db).await.unwrap(), 1);
    }

    async fn a_body_over_64_kib_is_413(backend) {
        let app = spawn(backend).await;
        let mut intake = valid_intake();
        intake["clinical"]["symptoms"]["other"] = json!("x".repeat(70 * 1024));
        let reply = app.post_json("/api/v1/intakes", &intake).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(reply.json()["errors"][0]["code"], "too_large");
        // Just under the limit is read (and then refused for the field's own limit).
        let mut intake = valid_intake();
        intake["clinical"]["symptoms"]["other"] = json!("x".repeat(60 * 1024));
        let reply = app.post_json("/api/v1/intakes", &intake).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.json()["errors"][0]["field"], "clinical.symptoms.other");
    }

    async fn malformed_json_is_400_with_the_contract_shape(backend) {
        let app = spawn(backend).await;
        for body in [&b"{"[..], b"", b"not json", b"{\"a\":1,}", b"\xff\xfe"] {
            let reply = app.post_raw("/api/v1/intakes", "application/json", body.to_vec(), &[]).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body:?}");
            let json = reply.json();
            assert_eq!(json["errors"][0]["field"], "");
            assert_eq!(json["errors"][0]["code"], "malformed");
        }
    }

    async fn every_spec_example_evaluates_as_expected(backend) {
        let app = spawn(backend).await;
        for (name, example) in examples() {
            let reply = app.post_json("/api/v1/screening", &example["request"]).await;
            assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.text());
            let body = reply.json();
            assert_matches_expectation(&name, &body, &example["expect"]);
            assert_eq!(body["rules_version"], "1");
        }
    }

    async fn screening_stores_nothing(backend) {
        let app = spawn(backend).await;
        let (_, example) = examples().remove(0);
        app.post_json("/api/v1/screening", &example["request"]).await;
        assert_eq!(intakes::count(&app.db).await.unwrap(), 0);
    }

    async fn an_intake_is_stored_with_its_evaluation_and_a_reference(backend) {
        let app = spawn(backend).await;
        let reply = app.post_json("/api/v1/intakes", &valid_intake()).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let body = reply.json();
        let reference = body["reference"].as_str().unwrap();
        assert!(is_display_reference(reference), "{reference}");
        assert_eq!(body["outcome"], "consult_recommended");
        assert_eq!(body["safety_alert"], false);
        assert_eq!(body["reasons"][0]["code"], "chronic_refractory_pain");

        let stored = intakes::find(&app.db, &Reference::parse(reference).unwrap()).await.unwrap().expect("stored");
        assert_eq!(stored.outcome, "consult_recommended");
        assert_eq!(stored.rules_version, "1");
        assert_eq!(stored.status, "new");
        assert!(!stored.safety_alert);
        assert_eq!(stored.answers.patient.first_name.as_str(), "Jane");
        assert_eq!(stored.answers.patient.phone.as_str(), "2145550182");
        assert_eq!(stored.reasons, json!([{"code": "chronic_refractory_pain", "outcome": "consult_recommended"}]));
    }

    async fn a_safety_alert_is_stored_and_returned(backend) {
        let app = spawn(backend).await;
        let mut intake = valid_intake();
        intake["clinical"]["mood"]["phq9"][8] = json!(2);
        let reply = app.post_json("/api/v1/intakes", &intake).await;
        assert_eq!(reply.status, StatusCode::CREATED);
        let body = reply.json();
        assert_eq!(body["safety_alert"], true);
        assert_eq!(body["outcome"], "clinician_review");
        let stored = intakes::find(&app.db, &Reference::parse(body["reference"].as_str().unwrap()).unwrap())
            .await.unwrap().unwrap();
        assert!(stored.safety_alert);
    }

    async fn references_are_unique_across_many_intakes(backend) {
        let app = spawn(backend).await;
        let mut seen = std::collections::HashSet::new();
        for _ in 0..25 {
            let reply = app.post_json("/api/v1/intakes", &valid_intake()).await;
            assert_eq!(reply.status, StatusCode::CREATED);
            assert!(seen.insert(reply.json()["reference"].as_str().unwrap().to_owned()));
        }
        assert_eq!(intakes::count(&app.db).await.unwrap(), 25);
    }

    async fn an_invalid_intake_lists_every_field_and_stores_nothing(backend) {
        let app = spawn(backend).await;
        let mut intake = valid_intake();
        intake["clinical"]["pain"]["average_week"] = json!(11);
        intake["clinical"]["mood"]["phq9"][3] = json!(4);
        intake["patient"]["zip"] = json!("7520");
        intake["consent"]["attestation"] = json!(false);
        intake["insurance"]["surprise"] = json!(1);
        let reply = app.post_json("/api/v1/intakes", &intake).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        let errors = reply.json()["errors"].as_array().unwrap().clone();
        let mut got: Vec<(String, String)> = errors
            .iter()
            .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
            .collect();
        got.sort();
        assert_eq!(got, vec![
            ("clinical.mood.phq9.3".to_owned(), "range".to_owned()),
            ("clinical.pain.average_week".to_owned(), "range".to_owned()),
            ("consent.attestation".to_owned(), "must_accept".to_owned()),
            ("insurance.surprise".to_owned(), "unknown_field".to_owned()),
            ("patient.zip".to_owned(), "format".to_owned()),
        ]);
        assert!(errors.iter().all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty())));
        assert_eq!(intakes::count(&app.db).await.unwrap(), 0);
    }

    async fn readiness_follows_the_database(backend) {
        let app = spawn(backend).await;
        assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
        app.db.close().await;
        let reply = app.get("/readyz").await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
        // A submission while the database is gone: 503, a clear message, no 500.
        let reply = app.post_json("/api/v1/intakes", &valid_intake()).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{}", reply.text());
        assert_eq!(reply.json()["errors"][0]["code"], "unavailable");
    }

    async fn the_rate_limit_answers_429_with_retry_after(backend) {
        let app = spawn_with(backend, Options { rate_limit_per_minute: 3, ..Options::default() }).await;
        let (_, example) = examples().remove(0);
        let body = example["request"].to_string().into_bytes();
        let from = |ip: &'static str| [("x-forwarded-for", ip)];
        for _ in 0..3 {
            let reply = app.post_raw("/api/v1/screening", "application/json", body.clone(), &from("198.51.100.7")).await;
            assert_eq!(reply.status, StatusCode::OK);
        }
        let reply = app.post_raw("/api/v1/screening", "application/json", body.clone(), &from("198.51.100.7")).await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = reply.header("retry-after").parse().expect("Retry-After seconds");
        assert!((1..=60).contains(&retry));
        assert_eq!(reply.json()["errors"][0]["code"], "rate_limited");
        // Another client is not affected; nor is the other endpoint for the same client.
        let reply = app.post_raw("/api/v1/screening", "application/json", body.clone(), &from("198.51.100.8")).await;
        assert_eq!(reply.status, StatusCode::OK);
        let intake = valid_intake().to_string().into_bytes();
        let reply = app.post_raw("/api/v1/intakes", "application/json", intake, &from("198.51.100.7")).await;
        assert_eq!(reply.status, StatusCode::CREATED);
    }
}

fn is_display_reference(s: &str) -> bool {
    const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    s.len() == 9 && s.as_bytes()[4] == b'-' && s.chars().enumerate().all(|(i, c)| i == 4 || ALPHABET.contains(c))
}

#[tokio::test]
async fn as_of_decides_the_age() {
    let app = spawn(Backend::Sqlite).await;
    let (_, example) = examples().into_iter().find(|(n, _)| n == "refractory-chronic-back-pain.json").unwrap();
    let mut request = example["request"].clone();
    request["date_of_birth"] = json!("2008-11-24");
    request["as_of"] = json!("2026-11-23");
    let body = app.post_json("/api/v1/screening", &request).await.json();
    assert_eq!(body["outcome"], "not_yet");
    assert_eq!(body["reasons"][0]["code"], "under_18");
    request["as_of"] = json!("2026-11-24");
    let body = app.post_json("/api/v1/screening", &request).await.json();
    assert_eq!(body["outcome"], "consult_recommended");
}

#[tokio::test]
async fn without_as_of_the_clinic_date_is_used() {
    let app = spawn(Backend::Sqlite).await;
    let (_, example) = examples().into_iter().find(|(n, _)| n == "refractory-chronic-back-pain.json").unwrap();
    let mut request = example["request"].clone();
    request.as_object_mut().unwrap().remove("as_of");
    let reply = app.post_json("/api/v1/screening", &request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["outcome"], "consult_recommended");
    // A birth date after the clinic's today is in the future.
    request["date_of_birth"] = json!("2999-01-01");
    let reply = app.post_json("/api/v1/screening", &request).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["errors"][0]["field"], "date_of_birth");
}

#[tokio::test]
async fn messages_follow_accept_language() {
    let app = spawn(Backend::Sqlite).await;
    let (_, example) = examples().into_iter().find(|(n, _)| n == "pregnancy.json").unwrap();
    let body = example["request"].to_string().into_bytes();
    let es = app
        .post_raw("/api/v1/screening", "application/json", body.clone(), &[("accept-language", "es-MX,es;q=0.9")])
        .await;
    let en = app.post_raw("/api/v1/screening", "application/json", body, &[("accept-language", "en-US")]).await;
    let es_msg = es.json()["reasons"][0]["message"].as_str().unwrap().to_owned();
    let en_msg = en.json()["reasons"][0]["message"].as_str().unwrap().to_owned();
    assert!(es_msg.contains("embarazo"), "{es_msg}");
    assert!(en_msg.contains("pregnancy"), "{en_msg}");
    let bad = app.post_raw("/api/v1/screening", "application/json", b"{".to_vec(), &[("accept-language", "es")]).await;
    assert!(bad.json()["errors"][0]["message"].as_str().unwrap().contains("JSON válido"));
}

#[tokio::test]
async fn wrong_kinds_of_json_are_422_not_400() {
    let app = spawn(Backend::Sqlite).await;
    for body in [json!([]), json!(null), json!(7), json!("text"), json!({})] {
        let reply = app.post_json("/api/v1/screening", &body).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(!reply.json()["errors"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn unknown_api_paths_and_methods_are_not_500() {
    let app = spawn(Backend::Sqlite).await;
    let reply = app.post_json("/api/v1/nothing-here", &json!({})).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["errors"][0]["code"], "not_found");
    let reply = app.get("/api/v1/intakes").await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
}

const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
    ("x-frame-options", "DENY"),
];

fn assert_security_headers(what: &str, reply: &Reply) {
    for (name, value) in SECURITY_HEADERS {
        assert_eq!(reply.header(name), value, "{what}: {name}");
    }
    let csp = reply.header("content-security-policy");
    for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"] {
        assert!(csp.contains(directive), "{what}: CSP {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: CSP {csp}");
    assert!(!reply.header("x-request-id").is_empty(), "{what}: request id");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn(Backend::Sqlite).await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_security_headers("home", &home);
    assert_eq!(home.header("cache-control"), "no-store");

    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_security_headers("404 page", &missing);

    let api = app.post_json("/api/v1/screening", &json!({})).await;
    assert_security_headers("API error", &api);
    assert_eq!(api.header("cache-control"), "no-store");

    assert_security_headers("health", &app.get("/healthz").await);

    // A handler that panics behind the same middleware: a 500 page with the headers.
    let boom = http::with_middleware(Router::new().route(
        "/boom",
        get(|| async {
            if true {
                panic!("boom");
            }
            "unreachable"
        }),
    ));
    let reply = send(&boom, Request::get("/boom").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_security_headers("500 page", &reply);
    assert!(reply.text().contains("Something went wrong"));
    assert!(!reply.text().contains("boom"), "the panic message must not reach the client");
}

#[tokio::test]
async fn pages_have_a_nonce_policy_that_matches_their_scripts() {
    let app = spawn(Backend::Sqlite).await;
    let home = app.get("/").await;
    let csp = home.header("content-security-policy").to_owned();
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce in CSP");
    assert!(nonce.len() >= 16);
    let html = home.text();
    let scripts = html.matches("<script").count();
    assert!(scripts >= 1);
    assert_eq!(
        html.matches(&format!("<script type=\"module\" nonce=\"{nonce}\"")).count()
            + html.matches(&format!("<script nonce=\"{nonce}\"")).count(),
        scripts,
        "every script carries the nonce"
    );
    // The loader's preloads carry the same nonce (the loader is rendered once and reused:
    // no other page's nonce may be left in it).
    assert_eq!(html.matches(&format!("crossorigin=\"{nonce}\"")).count(), 2, "both preloads");
    let again = app.get("/").await;
    assert_ne!(again.header("content-security-policy"), csp, "a fresh nonce per response");
    assert!(!again.text().contains(nonce), "no earlier nonce in a later page");
}

#[tokio::test]
async fn pages_are_gzipped_for_clients_that_accept_it_and_read_the_same() {
    use std::io::Read;
    let app = spawn(Backend::Sqlite).await;
    let get = |accept: &'static str| {
        let request = Request::get("/learn").header("accept-encoding", accept).body(Body::empty()).unwrap();
        app.send(request)
    };
    let plain = get("identity").await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("content-encoding"), "");
    for accept in ["gzip", "br, gzip", "gzip;q=0.5"] {
        let zipped = get(accept).await;
        assert_eq!(zipped.status, StatusCode::OK, "{accept}");
        assert_eq!(zipped.header("content-encoding"), "gzip", "{accept}");
        assert!(zipped.header("vary").to_ascii_lowercase().contains("accept-encoding"), "{accept}");
        assert!(zipped.body.len() * 2 < plain.body.len(), "{accept}: compressed");
        let mut html = String::new();
        flate2::read::GzDecoder::new(&zipped.body[..]).read_to_string(&mut html).expect("valid gzip");
        // The same page: only the per-response nonce differs.
        let nonce = |csp: &str| csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).unwrap_or("").to_owned();
        let (a, b) = (nonce(plain.header("content-security-policy")), nonce(zipped.header("content-security-policy")));
        assert_eq!(html.replace(&b, "N"), plain.text().replace(&a, "N"), "{accept}");
    }
    assert_eq!(get("gzip;q=0").await.header("content-encoding"), "", "refused with q=0");
    // Other responses are still compressed, by tower-http's layer, once.
    let api =
        app.post_raw("/api/v1/screening", "application/json", b"{}".to_vec(), &[("accept-encoding", "gzip")]).await;
    assert_eq!(api.header("content-encoding"), "gzip");
    let mut json = String::new();
    flate2::read::GzDecoder::new(&api.body[..]).read_to_string(&mut json).expect("valid gzip");
    assert!(serde_json::from_str::<Value>(&json).is_ok(), "{json}");
}

#[tokio::test]
async fn hsts_is_sent_only_behind_https() {
    let https = spawn_with(Backend::Sqlite, Options { https_only: true, ..Options::default() }).await;
    assert_eq!(https.get("/healthz").await.header("strict-transport-security"), "max-age=63072000; includeSubDomains");
    let dev = spawn(Backend::Sqlite).await;
    assert_eq!(dev.get("/healthz").await.header("strict-transport-security"), "");
}

#[tokio::test]
async fn the_home_page_and_the_404_page_render_on_the_server() {
    let app = spawn(Backend::Sqlite).await;
    let home = app.get("/").await.text();
    assert!(home.contains("<html lang=\"en\""));
    assert_eq!(home.matches("<h1").count(), 1);
    assert!(home.contains("Test Pain Clinic"));
    assert!(home.contains("<title>"));
    assert!(home.contains("name=\"description\""));
    let missing = app.get("/no/such/page").await.text();
    assert!(missing.contains("We could not find that page"));
    assert!(missing.contains("href=\"/pkg/pain-intake.css\""));
}

mod arbitrary_bodies {
    use super::*;
    use proptest::prelude::*;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
            ".{0,20}".prop_map(Value::String),
            prop_oneof![Just("en"), Just("over_12_months"), Just("crps"), Just("1980-04-02"), Just("bcbs_tx")]
                .prop_map(|s| Value::String(s.to_owned())),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            let keys = prop_oneof![
                Just("schema_version"),
                Just("clinical"),
                Just("patient"),
                Just("pain"),
                Just("mood"),
                Just("phq9"),
                Just("date_of_birth"),
                Just("as_of"),
                Just("insurance"),
                Just("x")
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map(keys.prop_map(str::to_owned), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Arbitrary JSON and arbitrary mutations of a valid intake never produce a 5xx.
    #[test]
    fn never_produce_a_server_error() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let app = runtime.block_on(spawn(Backend::Sqlite));
        let valid = valid_intake();
        let config = ProptestConfig { cases: 200, ..ProptestConfig::default() };
        proptest!(config, |(value in json_value(), path in prop::collection::vec(0usize..12, 1..4), junk in json_value())| {
            for endpoint in ["/api/v1/screening", "/api/v1/intakes"] {
                let reply = runtime.block_on(app.post_json(endpoint, &value));
                prop_assert!(reply.status.is_client_error(), "{endpoint}: {}", reply.status);
            }
            // Replace one nested member of a valid intake with junk.
            let mut pointer = String::new();
            let mut cursor = &valid;
            for step in path {
                let (key, next) = match cursor {
                    Value::Object(map) if !map.is_empty() => { let (k, v) = map.iter().nth(step % map.len()).unwrap(); (k.clone(), v) }
                    Value::Array(items) if !items.is_empty() => { let i = step % items.len(); (i.to_string(), &items[i]) }
                    _ => break,
                };
                pointer.push('/');
                pointer.push_str(&key);
                cursor = next;
            }
            let mut mutated = valid.clone();
            if let Some(slot) = mutated.pointer_mut(&pointer) {
                *slot = junk;
            }
            let reply = runtime.block_on(app.post_json("/api/v1/intakes", &mutated));
            prop_assert!(reply.status == StatusCode::CREATED || reply.status.is_client_error(), "{}", reply.status);
        });
    }
}

#[tokio::test]
async fn the_clinic_colour_is_served_as_css_variables() {
    let app = spawn(Backend::Sqlite).await;
    let reply = app.get("/theme.css").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").starts_with("text/css"));
    assert!(reply.text().contains("--brand: #0b5c7a;"));
    assert!(reply.text().contains("--brand-dark: #08455b;"), "{}", reply.text());
    assert!(app.get("/").await.text().contains("href=\"/theme.css\""));
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_full_sync_foreign_keys_and_a_busy_timeout() {
    use sqlx::Row;
    let app = spawn(Backend::Sqlite).await;
    let mut conn = app.db.pool.acquire().await.unwrap();
    let pragma = |name: &'static str| format!("PRAGMA {name}");
    let mode: String = sqlx::query(&pragma("journal_mode")).fetch_one(&mut *conn).await.unwrap().get(0);
    assert_eq!(mode, "wal");
    // 2 = FULL: a commit is on disk before the 201 goes out.
    let sync: i64 = sqlx::query(&pragma("synchronous")).fetch_one(&mut *conn).await.unwrap().get(0);
    assert_eq!(sync, 2);
    let fk: i64 = sqlx::query(&pragma("foreign_keys")).fetch_one(&mut *conn).await.unwrap().get(0);
    assert_eq!(fk, 1);
    let busy: i64 = sqlx::query(&pragma("busy_timeout")).fetch_one(&mut *conn).await.unwrap().get(0);
    assert_eq!(busy, 5000);
}

mod concurrency {
    use super::*;

    /// 1,000 intakes from 50 concurrent clients: exactly 1,000 rows, unique references,
    /// no errors (SQLite serialises writers behind its busy timeout; PostgreSQL pools).
    async fn thousand_intakes_from_fifty_clients(backend: Backend) {
        let app = std::sync::Arc::new(spawn(backend).await);
        let body = valid_intake();
        let started = std::time::Instant::now();
        let mut clients = Vec::new();
        for client in 0..50 {
            let app = app.clone();
            let body = body.clone();
            clients.push(tokio::spawn(async move {
                let mut references = Vec::new();
                for _ in 0..20 {
                    let ip = format!("10.0.0.{client}");
                    let reply = app
                        .post_raw(
                            "/api/v1/intakes",
                            "application/json",
                            body.to_string().into_bytes(),
                            &[("x-forwarded-for", &ip)],
                        )
                        .await;
                    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
                    references.push(reply.json()["reference"].as_str().unwrap().to_owned());
                }
                references
            }));
        }
        let mut all = std::collections::HashSet::new();
        for c in clients {
            for r in c.await.unwrap() {
                assert!(all.insert(r), "duplicate reference");
            }
        }
        assert_eq!(all.len(), 1000);
        assert_eq!(intakes::count(&app.db).await.unwrap(), 1000);
        // A figure for scripts/load.sh (no assertion on time: that is the bench's job).
        let secs = started.elapsed().as_secs_f64();
        eprintln!("load: {backend:?}: 1000 intakes from 50 clients in {secs:.2} s ({:.0}/s), 1000 rows, 1000 unique references, 0 errors", 1000.0 / secs);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        thousand_intakes_from_fifty_clients(Backend::Sqlite).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        thousand_intakes_from_fifty_clients(Backend::Postgres).await
    }
}

#[tokio::test]
async fn a_malformed_idempotency_key_gets_a_clear_400_and_stores_nothing() {
    let app = spawn(Backend::Sqlite).await;
    let body = valid_intake().to_string().into_bytes();
    let long = "k".repeat(256);
    for key in ["", "   ", long.as_str(), "tab\there"] {
        let reply =
            app.post_raw("/api/v1/intakes", "application/json", body.clone(), &[("idempotency-key", key)]).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{key:?}: {}", reply.text());
        assert_eq!(reply.json()["errors"][0]["code"], "idempotency_key_invalid", "{key:?}");
    }
    let twice = app
        .post_raw(
            "/api/v1/intakes",
            "application/json",
            body.clone(),
            &[("idempotency-key", "a"), ("idempotency-key", "b")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    let latin1 = Request::post("/api/v1/intakes")
        .header("content-type", "application/json")
        .header("idempotency-key", axum::http::HeaderValue::from_bytes(b"caf\xe9").unwrap())
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(latin1).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(intakes::count(&app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn a_request_id_sent_by_the_client_is_replaced_by_the_servers_own() {
    let app = spawn(Backend::Sqlite).await;
    let reply =
        app.send(Request::get("/healthz").header("x-request-id", "forged-id").body(Body::empty()).unwrap()).await;
    let id = reply.header("x-request-id");
    assert_ne!(id, "forged-id");
    assert_eq!(id.len(), 36, "a UUID the server made: {id}");
}

on_both_databases! {
    async fn the_mood_difficulty_answers_are_stored_and_null_when_absent(backend) {
        use pain_intake::domain::intake::Difficulty;
        let app = spawn(backend).await;
        let mut intake = valid_intake();
        intake["clinical"]["mood"]["phq9_difficulty"] = json!("extremely_difficult");
        intake["clinical"]["mood"]["gad7_difficulty"] = json!("not_difficult");
        let reply = app.post_json("/api/v1/intakes", &intake).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let reference = Reference::parse(reply.json()["reference"].as_str().unwrap()).unwrap();
        let mood = intakes::find(&app.db, &reference).await.unwrap().unwrap().answers.clinical.mood.unwrap();
        assert_eq!(mood.phq9_difficulty, Some(Difficulty::ExtremelyDifficult));
        assert_eq!(mood.gad7_difficulty, Some(Difficulty::NotDifficult));

        // The spec example sends neither: both are null, and so is an explicit null.
        for body in [valid_intake(), {
            let mut v = valid_intake();
            v["clinical"]["mood"]["phq9_difficulty"] = Value::Null;
            v["clinical"]["mood"]["gad7_difficulty"] = Value::Null;
            v
        }] {
            let reply = app.post_json("/api/v1/intakes", &body).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
            let reference = Reference::parse(reply.json()["reference"].as_str().unwrap()).unwrap();
            let mood = intakes::find(&app.db, &reference).await.unwrap().unwrap().answers.clinical.mood.unwrap();
            assert_eq!((mood.phq9_difficulty, mood.gad7_difficulty), (None, None));
        }
    }
}

#[tokio::test]
async fn an_unknown_difficulty_answer_is_a_422_field_error_on_both_endpoints() {
    let app = spawn(Backend::Sqlite).await;
    let mut intake = valid_intake();
    intake["clinical"]["mood"]["phq9_difficulty"] = json!("unbearable");
    intake["clinical"]["mood"]["gad7_difficulty"] = json!(3);
    let reply = app.post_json("/api/v1/intakes", &intake).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text());
    let errors = reply.json()["errors"].as_array().unwrap().clone();
    let mut got: Vec<(&str, &str)> =
        errors.iter().map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap())).collect();
    got.sort();
    assert_eq!(got, [("clinical.mood.gad7_difficulty", "type"), ("clinical.mood.phq9_difficulty", "invalid_choice")]);
    let phq9 = errors.iter().find(|e| e["field"] == "clinical.mood.phq9_difficulty").unwrap();
    assert!(phq9["message"]
        .as_str()
        .unwrap()
        .contains("not_difficult, somewhat_difficult, very_difficult, extremely_difficult"));
    assert_eq!(intakes::count(&app.db).await.unwrap(), 0);

    let (_, example) = examples().into_iter().find(|(n, _)| n == "refractory-chronic-back-pain.json").unwrap();
    let mut request = example["request"].clone();
    request["clinical"]["mood"]["gad7_difficulty"] = json!("a bit");
    let reply = app.post_json("/api/v1/screening", &request).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text());
    assert_eq!(reply.json()["errors"][0]["field"], "clinical.mood.gad7_difficulty");
    assert_eq!(reply.json()["errors"][0]["code"], "invalid_choice");
}

#[tokio::test]
async fn difficulty_answers_never_change_a_spec_examples_screening() {
    let app = spawn(Backend::Sqlite).await;
    let mut checked = 0;
    for (name, example) in examples() {
        if example["request"]["clinical"]["mood"].is_null() {
            continue;
        }
        for difficulty in ["not_difficult", "somewhat_difficult", "very_difficult", "extremely_difficult"] {
            let mut request = example["request"].clone();
            request["clinical"]["mood"]["phq9_difficulty"] = json!(difficulty);
            request["clinical"]["mood"]["gad7_difficulty"] = json!(difficulty);
            let reply = app.post_json("/api/v1/screening", &request).await;
            assert_eq!(reply.status, StatusCode::OK, "{name} {difficulty}: {}", reply.text());
            assert_matches_expectation(&format!("{name} with {difficulty}"), &reply.json(), &example["expect"]);
        }
        checked += 1;
    }
    assert!(checked >= 3, "examples with mood answers: {checked}");
}
