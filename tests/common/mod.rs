//! Test harness: an app per test with its own database, and one helper per request kind.
//!
//! SQLite tests get a fresh file in a temporary folder. PostgreSQL tests create a fresh
//! database `pi_test_<random>` on the server named by `TEST_POSTGRES_URL` (set by
//! `make test`); without it they fail loudly rather than pass without running.
#![allow(dead_code)]

pub mod core_server;
pub mod process;
pub mod smtp;
pub mod staff;
pub mod wizard;
pub mod x12;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use pain_intake::domain::values::Phone;
use pain_intake::server::db::{Backend, Db};
use pain_intake::server::http::{self, AppState, Settings};
use pain_intake::server::rate_limit::RateLimiter;
use pain_intake::server::staff::sessions::Timeouts;
use pain_intake::shared::clinic::ClinicInfo;
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    /// What the router was built from, so a second instance can share the database.
    pub state: AppState,
    _dir: Option<tempfile::TempDir>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// The admin URL of the test PostgreSQL server.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .expect("TEST_POSTGRES_URL is not set: run `make test`, which starts PostgreSQL and sets it")
}

/// A fresh, empty, migrated database of the given kind.
pub async fn fresh_db(backend: Backend) -> (Db, Option<tempfile::TempDir>) {
    let (url, dir) = fresh_db_url(backend).await;
    (Db::open(&url).await.expect("open the test database").with_keys(Some(test_keys())), dir)
}

/// The URL of a fresh, empty database of the given kind (migrated by the first
/// `Db::open`), for tests that connect to it as several app instances would.
pub async fn fresh_db_url(backend: Backend) -> (String, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            (format!("sqlite://{}/intake.db", dir.path().display()), Some(dir))
        }
        Backend::Postgres => {
            let admin = postgres_admin_url();
            let name = format!("pi_test_{:016x}", rand_u64());
            let admin_db = Db::connect(&admin).await.expect("connect to test postgres");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin_db.pool).await.expect("create db");
            admin_db.close().await;
            match admin.rsplit_once('/') {
                Some((base, _)) => (format!("{base}/{name}"), None),
                None => panic!("TEST_POSTGRES_URL needs a database path"),
            }
        }
    }
}

/// The encryption key every test database seals with (as production would).
pub const TEST_KEY: &str = "test-1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

pub fn test_keys() -> Arc<pain_intake::server::crypto::Keyring> {
    Arc::new(pain_intake::server::crypto::Keyring::from_spec(TEST_KEY).expect("test key"))
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos());
    h.finish()
}

pub struct Options {
    pub rate_limit_per_minute: u32,
    pub https_only: bool,
    pub staff_timeouts: Timeouts,
    /// Route `POST /bench/insert` (and create its table), as `BENCH_FLOORS=true` does.
    pub bench_floors: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            rate_limit_per_minute: 10_000,
            https_only: false,
            staff_timeouts: Timeouts::default(),
            bench_floors: false,
        }
    }
}

pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with(backend, Options::default()).await
}

pub async fn spawn_with(backend: Backend, options: Options) -> TestApp {
    let (db, dir) = fresh_db(backend).await;
    if options.bench_floors {
        http::bench::prepare(&db).await.expect("bench floor table");
    }
    let settings = Settings {
        clinic: ClinicInfo {
            name: "Test Pain Clinic".into(),
            reviewer: "Dr. Test Reviewer".into(),
            phone: Some(Phone::parse("214-555-0100").unwrap()),
            address: Some("100 Main St, Suite 200, Dallas, TX 75201".into()),
            hours: Some("Monday to Friday, 8 a.m. to 5 p.m.".into()),
            privacy_url: Some("https://clinic.example/privacy".into()),
            logo: Some("/favicon.svg".into()),
        },
        brand_color: "#0b5c7a".into(),
        public_url: "http://127.0.0.1:3000".into(),
        clinic_timezone: jiff::tz::TimeZone::get("America/Chicago").unwrap(),
        https_only: options.https_only,
        // Tests name the client in X-Forwarded-For, so limits can be per test.
        trust_forwarded_for: true,
        staff_timeouts: options.staff_timeouts,
        two_factor_for_all: true,
        sign_in_per_minute: 5,
        eligibility: Some(pain_intake::server::eligibility::Clinic {
            name: "Test Pain Clinic".into(),
            npi: pain_intake::x12::Npi::parse("1234567893").unwrap(),
            x12: pain_intake::server::config::X12Args {
                sender_id: "CLINICSUBMIT".into(),
                receiver_id: "CLEARINGHOUSE".into(),
                originator_id: "9CLINIC001".into(),
                production: false,
            },
            timezone: jiff::tz::TimeZone::get("America/Chicago").unwrap(),
        }),
        bench_floors: options.bench_floors,
        bench_no_queue_cache: false,
        follow_up: pain_intake::domain::followup::Windows::default(),
        metrics_token: None,
        booking: pain_intake::domain::booking::BookingPolicy::default(),
    };
    let limiter = RateLimiter::new(db.clone(), options.rate_limit_per_minute);
    let leptos_options = LeptosOptions::builder().output_name("pain-intake").site_root("target/site").build();
    let state = AppState::new(db.clone(), settings, limiter, leptos_options);
    TestApp { router: http::app(state.clone()), db, state, _dir: dir }
}

impl TestApp {
    /// Makes the database refuse every new row of `table` (a trigger), as a failing disk
    /// or a broken constraint would, until [`TestApp::allow_inserts`].
    pub async fn refuse_inserts(&self, table: &str) {
        let statements = match self.db.backend {
            Backend::Sqlite => vec![format!(
                "CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )],
            Backend::Postgres => vec![
                format!(
                    "CREATE OR REPLACE FUNCTION refuse_{table}() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql"
                ),
                format!("CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION refuse_{table}()"),
            ],
        };
        for sql in statements {
            sqlx::query(&sql).execute(&self.db.pool).await.unwrap();
        }
    }

    /// Undoes [`TestApp::refuse_inserts`].
    pub async fn allow_inserts(&self, table: &str) {
        let sql = match self.db.backend {
            Backend::Sqlite => format!("DROP TRIGGER refuse_{table}"),
            Backend::Postgres => format!("DROP TRIGGER refuse_{table} ON {table}"),
        };
        sqlx::query(&sql).execute(&self.db.pool).await.unwrap();
    }

    /// Another app instance on the same database, as behind a load balancer (nothing is
    /// shared with this one but the database). Use it while `self` lives.
    pub fn twin(&self) -> TestApp {
        let state = AppState {
            intakes: pain_intake::server::intakes::Writer::start(&self.db, self.state.settings.follow_up),
            audit: pain_intake::server::staff::audit::Writer::start(&self.db),
            queue_cache: Default::default(),
            ..self.state.clone()
        };
        TestApp { router: http::app(state.clone()), db: self.db.clone(), state, _dir: None }
    }

    /// Another app instance on the same database with other settings.
    pub fn with_settings(&self, change: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = (*self.state.settings).clone();
        change(&mut settings);
        let state =
            AppState::new(self.db.clone(), settings, self.state.limiter.clone(), self.state.leptos_options.clone());
        TestApp { router: http::app(state.clone()), db: self.db.clone(), state, _dir: None }
    }

    /// Another app instance on the same database, its state changed (e.g. real-time
    /// eligibility checks on).
    pub fn with_state(&self, change: impl FnOnce(AppState) -> AppState) -> TestApp {
        let state = change(self.state.clone());
        TestApp { router: http::app(state.clone()), db: self.db.clone(), state, _dir: None }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let what = format!("{} {}", request.method(), request.uri().path());
        match tokio::time::timeout(ANSWER_WITHIN, exchange(&self.router, request)).await {
            Ok(reply) => reply,
            Err(_) => {
                panic!("{what} did not answer within 60 s; the database meanwhile:\n{}", self.db_activity().await)
            }
        }
    }

    /// What the app's database connections are doing: the pool's counts and, on
    /// PostgreSQL, every session on this test's database with its state and wait. Printed
    /// when a request hangs, so a rare hang names its cause.
    async fn db_activity(&self) -> String {
        let pool = &self.db.pool;
        let mut out = format!("app pool: {} connections, {} idle\n", pool.size(), pool.num_idle());
        if self.db.backend == Backend::Postgres {
            let sql =
                "SELECT application_name, state, COALESCE(wait_event_type, '') AS wt, COALESCE(wait_event, '') AS we, \
                       COALESCE(EXTRACT(EPOCH FROM now() - xact_start)::text, '') AS xact_s, LEFT(query, 200) AS query \
                       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
            let rows = tokio::time::timeout(std::time::Duration::from_secs(5), sqlx::query(sql).fetch_all(pool)).await;
            match rows {
                Ok(Ok(rows)) => {
                    use sqlx::Row;
                    for r in rows {
                        let field = |name: &str| r.try_get::<String, _>(name).unwrap_or_default();
                        out += &format!(
                            "  {} | {} | wait {} {} | in transaction {} s | {}\n",
                            field("application_name"),
                            field("state"),
                            field("wt"),
                            field("we"),
                            field("xact_s"),
                            field("query")
                        );
                    }
                }
                Ok(Err(e)) => out += &format!("  pg_stat_activity failed: {e}\n"),
                Err(_) => out += "  no connection for pg_stat_activity within 5 s\n",
            }
        }
        out
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.post_raw(path, "application/json", body.to_string().into_bytes(), &[]).await
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>, headers: &[(&str, &str)]) -> Reply {
        let mut builder = Request::post(path).header("content-type", content_type);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        self.send(builder.body(Body::from(body)).unwrap()).await
    }
}

/// How long a request may take before its test fails, naming it, instead of hanging the run.
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(60);

pub async fn send(router: &Router, request: Request<Body>) -> Reply {
    let what = format!("{} {}", request.method(), request.uri().path());
    tokio::time::timeout(ANSWER_WITHIN, exchange(router, request))
        .await
        .unwrap_or_else(|_| panic!("{what} did not answer within 60 s"))
}

async fn exchange(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.expect("body").to_bytes().to_vec();
    Reply { status, headers, body }
}

/// The folder of the shared spec examples, beside the repository.
pub fn examples() -> Vec<(String, Value)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/spec/examples");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), serde_json::from_str(&text).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 6, "expected the spec's screening examples in {dir}");
    out
}

/// Compares a screening answer with an example's `expect`.
pub fn assert_matches_expectation(name: &str, got: &Value, expect: &Value) {
    assert_eq!(got["outcome"], expect["outcome"], "{name}: outcome");
    assert_eq!(got["safety_alert"], expect["safety_alert"], "{name}: safety_alert");
    assert_eq!(got["scores"], expect["scores"], "{name}: scores");
    let mut codes: Vec<String> =
        got["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap().to_owned()).collect();
    codes.sort();
    let expected: Vec<String> =
        expect["reason_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    assert_eq!(codes, expected, "{name}: reason codes");
    for reason in got["reasons"].as_array().unwrap() {
        assert!(reason["message"].as_str().is_some_and(|m| !m.is_empty()), "{name}: reason message");
    }
}

/// A complete, valid intake (the refractory example's clinical answers).
pub fn valid_intake() -> Value {
    let clinical = examples()
        .into_iter()
        .find(|(n, _)| n == "refractory-chronic-back-pain.json")
        .map(|(_, v)| v["request"]["clinical"].clone())
        .expect("refractory example");
    serde_json::json!({
        "schema_version": 1,
        "locale": "en",
        "patient": {
            "first_name": "Jane", "last_name": "Doe", "date_of_birth": "1980-04-02",
            "sex_at_birth": "female", "email": "jane@example.com", "phone": "(214) 555-0182",
            "zip": "75201", "preferred_contact": "phone"
        },
        "clinical": clinical,
        "insurance": {
            "plan": "bcbs_tx", "other_payer_name": null, "member_id": "XYZ123456789",
            "group_number": null, "subscriber": "self", "subscriber_name": null,
            "subscriber_date_of_birth": null
        },
        "consent": { "privacy_notice": true, "contact": true, "attestation": true, "signature": "Jane Doe" }
    })
}

/// Stores `intakes` intakes and one clinician with a two-factor secret in the database at
/// `url` (migrating it first), each sensitive value sealed under [`TEST_KEY`] as the app
/// seals it: `intakes` + 1 sealed values. Returns the intakes' references.
pub async fn store_sealed_data(url: &str, intakes: usize) -> Vec<pain_intake::domain::values::Reference> {
    use pain_intake::domain::intake::IntakeAnswers;
    use pain_intake::domain::screening::evaluate;
    use pain_intake::server::staff::accounts;
    let today = jiff::civil::Date::constant(2026, 11, 23);
    let keys = test_keys();
    let db = Db::open(url).await.expect("open the database").with_keys(Some(keys.clone()));
    let writer = pain_intake::server::intakes::Writer::start(&db, Default::default());
    let mut references = Vec::new();
    for _ in 0..intakes {
        let answers = IntakeAnswers::from_json(&valid_intake(), today).expect("valid intake");
        let e = evaluate(&answers.clinical, answers.patient.date_of_birth, today);
        let created = writer.insert(&answers, &e, today, None, None).await.expect("store the intake");
        references.push(created.stored().reference.clone());
    }
    let id = accounts::create(&db, "clin@clinic.test", "Cli Nician", pain_intake::domain::staff::Role::Clinician, None)
        .await
        .expect("create the account");
    let secret = accounts::seal_secret(Some(&keys), id, "JBSWY3DPEHPK3PXP");
    accounts::enrol_two_factor(&db, id, &secret, 0, &[]).await.expect("store the secret");
    db.close().await;
    references
}

/// Declares one test per database: `mod name { sqlite, postgres }`.
#[macro_export]
macro_rules! on_both_databases {
    ($(async fn $name:ident($backend:ident) $body:block)+) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn run($backend: pain_intake::server::db::Backend) $body

                #[tokio::test]
                async fn sqlite() {
                    run(pain_intake::server::db::Backend::Sqlite).await
                }

                #[tokio::test]
                async fn postgres() {
                    run(pain_intake::server::db::Backend::Postgres).await
                }
            }
        )+
    };
}

/// What the patient's e-mails need besides their rows, as the tests' clinic has it.
pub fn patient_context(public_url: &str) -> pain_intake::server::patient_outbox::Context {
    pain_intake::server::patient_outbox::Context {
        clinic: ClinicInfo {
            name: "Test Pain Clinic".into(),
            reviewer: "Dr. Test Reviewer".into(),
            phone: Some(Phone::parse("214-555-0100").unwrap()),
            address: Some("100 Main St, Suite 200, Dallas, TX 75201".into()),
            hours: Some("Monday to Friday, 8 a.m. to 5 p.m.".into()),
            privacy_url: Some("https://clinic.example/privacy".into()),
            logo: None,
        },
        tz: jiff::tz::TimeZone::get("America/Chicago").unwrap(),
        public_url: public_url.to_owned(),
        policy: pain_intake::domain::booking::BookingPolicy::default(),
        reminder_hours: vec![48, 2],
    }
}
