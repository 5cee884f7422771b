//! Hardening (issue 7), with the server run as separate processes on real databases:
//! a SIGKILL under load loses no intake that was answered 201; a database outage gives
//! friendly 503s and heals without a restart; two processes on one PostgreSQL share
//! sessions, the queue and rate limits; and the logs of a whole intake and its staff
//! review, at debug level, hold nothing that identifies the patient.
//!
//! Everything listens on 127.0.0.1 only.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use common::process::{fresh_postgres_database, get, post_form, post_json, try_request, HttpReply, Server};
use common::staff::PASSWORD;
use common::*;
use pain_intake::domain::staff::Role;
use pain_intake::domain::values::Reference;
use pain_intake::server::db::Db;
use pain_intake::server::intakes;
use pain_intake::server::staff::password::{self, NewPassword};
use pain_intake::server::staff::{accounts, totp};
use pain_intake::shared::form::Step;
use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}/intake.db", dir.path().display())
}

/// The database as the test reads it, with the servers' key.
async fn open(url: &str) -> Db {
    Db::open(url).await.expect("open the test database").with_keys(Some(test_keys()))
}

fn intake_count(url: &str) -> i64 {
    runtime().block_on(async { intakes::count(&open(url).await).await.unwrap() })
}

fn now_unix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// Rate limits count in fixed one-minute windows: a test that needs several requests in
/// one window waits for the next window when fewer than `secs` seconds are left.
fn within_one_rate_window(secs: u64) {
    let left = 60 - now_unix() % 60;
    if left < secs {
        std::thread::sleep(Duration::from_secs(left));
    }
}

// ---------------------------------------------------------------------------------
// No loss: SIGKILL under load
// ---------------------------------------------------------------------------------

/// What the load clients saw.
#[derive(Default)]
struct LoadReport {
    /// References of the intakes answered 201.
    acknowledged: Vec<String>,
    /// Requests cut off by the kill after they reached the server (reset or partial
    /// reply): each may or may not have been stored.
    in_flight: usize,
    /// Connections refused once the server was gone: nothing reached it.
    refused: usize,
    /// Anything else (a non-201 answer, an error before the kill): must stay empty.
    unexpected: Vec<String>,
}

/// Posts intakes from `clients` threads until the server dies; kills it with SIGKILL
/// after `load_for` of load.
fn post_intakes_then_kill(server: &mut Server, clients: usize, load_for: Duration) -> LoadReport {
    let report = Mutex::new(LoadReport::default());
    let killed = AtomicBool::new(false);
    let body = valid_intake().to_string();
    let addr = server.addr.clone();
    std::thread::scope(|scope| {
        for _ in 0..clients {
            scope.spawn(|| loop {
                let reply = try_request(
                    &addr,
                    "POST",
                    "/api/v1/intakes",
                    &[("Content-Type", "application/json")],
                    body.as_bytes(),
                );
                let mut report = report.lock().unwrap();
                match reply {
                    Ok(r) if r.status == 201 => {
                        report.acknowledged.push(r.json()["reference"].as_str().unwrap().to_owned())
                    }
                    Ok(r) => report.unexpected.push(format!("{} {}", r.status, r.body)),
                    Err(e) if !killed.load(Ordering::SeqCst) => report.unexpected.push(format!("before the kill: {e}")),
                    Err(e) => {
                        if e.kind() == ErrorKind::ConnectionRefused {
                            report.refused += 1;
                        } else {
                            report.in_flight += 1;
                        }
                        return;
                    }
                }
            });
        }
        std::thread::sleep(load_for);
        killed.store(true, Ordering::SeqCst);
        let status = server.kill_hard();
        assert_eq!(status.code(), None, "ended by a signal: {status:?}");
    });
    report.into_inner().unwrap()
}

/// Kill under load, restart on the same database, find every acknowledged intake.
fn no_acknowledged_intake_is_lost_to_sigkill(url: &str) {
    // One client address for all the load: the API limit must not be what stops it.
    let env = [("API_RATE_LIMIT_PER_MINUTE", "1000000")];
    let mut server = Server::start_with(url, "warn", &env);
    let started = Instant::now();
    let report = post_intakes_then_kill(&mut server, 8, Duration::from_millis(1500));
    let LoadReport { acknowledged, in_flight, refused, unexpected } = report;
    eprintln!(
        "{url}: {} intakes answered 201 in {:?}, {in_flight} requests in flight at the kill, {refused} refused after it",
        acknowledged.len(),
        started.elapsed()
    );
    assert_eq!(unexpected, Vec::<String>::new(), "every answer before the kill was a 201");
    assert!(acknowledged.len() >= 20, "the load ran: only {} intakes", acknowledged.len());
    assert!(in_flight >= 1, "the kill came mid-load: no request was cut off ({refused} refused)");
    let unique: BTreeSet<&String> = acknowledged.iter().collect();
    assert_eq!(unique.len(), acknowledged.len(), "every 201 has its own reference");

    let mut restarted = Server::start_with(url, "warn", &env);
    let ready = get(&restarted.addr, "/readyz", &[]);
    assert_eq!(ready.status, 200, "{ready}");
    let stored = runtime().block_on(async {
        let db = open(url).await;
        for r in &acknowledged {
            let reference = Reference::parse(r).unwrap();
            let intake = intakes::find(&db, &reference).await.unwrap();
            assert!(intake.is_some(), "intake {r} was answered 201 and is missing after the restart");
        }
        intakes::count(&db).await.unwrap() as usize
    });
    // Rows whose 201 was lost to the kill can only come from requests in flight.
    assert!(
        (acknowledged.len()..=acknowledged.len() + in_flight).contains(&stored),
        "{stored} intakes stored for {} acknowledged and {in_flight} in flight",
        acknowledged.len()
    );
    eprintln!("{url}: all {} acknowledged intakes found; {stored} rows in all", acknowledged.len());

    // The restarted server takes new intakes on the recovered database.
    let reply = post_json(&restarted.addr, "/api/v1/intakes", &valid_intake(), &[]);
    assert_eq!(reply.status, 201, "{reply}");
    assert_eq!(intake_count(url) as usize, stored + 1);
    assert!(restarted.stop().success());
}

#[test]
fn sigkill_under_load_loses_no_acknowledged_intake_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    no_acknowledged_intake_is_lost_to_sigkill(&sqlite_url(&dir));
}

#[test]
fn sigkill_under_load_loses_no_acknowledged_intake_on_postgresql() {
    no_acknowledged_intake_is_lost_to_sigkill(&fresh_postgres_database("res_kill"));
}

// ---------------------------------------------------------------------------------
// Outages: the database goes away and comes back
// ---------------------------------------------------------------------------------

/// A TCP relay between the server and PostgreSQL that the test can cut. `down` drops
/// every relayed connection and stops listening, so new connections are refused (as
/// when the database host is gone); `up` listens again on the same port.
struct DbLink {
    runtime: tokio::runtime::Runtime,
    port: u16,
    target: String,
    accept: Mutex<Option<tokio::task::JoinHandle<()>>>,
    relays: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl DbLink {
    fn new(target: &str) -> DbLink {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let link = DbLink {
            port: listener.local_addr().unwrap().port(),
            runtime,
            target: target.to_owned(),
            accept: Mutex::new(None),
            relays: Arc::new(Mutex::new(Vec::new())),
        };
        link.relay_from(listener);
        link
    }

    fn relay_from(&self, listener: tokio::net::TcpListener) {
        let target = self.target.clone();
        let relays = self.relays.clone();
        let accept = self.runtime.spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let relay = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                relays.lock().unwrap().push(relay);
            }
        });
        *self.accept.lock().unwrap() = Some(accept);
    }

    /// Cuts the link: stop accepting first (so no relay starts after), then drop all.
    fn down(&self) {
        let accept = self.accept.lock().unwrap().take().expect("the link is up");
        accept.abort();
        let relays = std::mem::take(&mut *self.relays.lock().unwrap());
        self.runtime.block_on(async {
            let _ = accept.await;
            for relay in &relays {
                relay.abort();
            }
            for relay in relays {
                let _ = relay.await;
            }
        });
        let refused = std::net::TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.kind());
        assert_eq!(refused.err(), Some(ErrorKind::ConnectionRefused), "the link refuses connections");
    }

    fn up(&self) {
        let listener = self.runtime.block_on(tokio::net::TcpListener::bind(("127.0.0.1", self.port))).unwrap();
        self.relay_from(listener);
    }
}

fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().expect("request thread")
}

/// A reply meant for a patient: no internals.
fn assert_friendly(reply: &HttpReply, what: &str) {
    for internal in ["panicked", "sqlx", "PoolTimedOut", "pool timed out", "backtrace", "127.0.0.1:", "postgres"] {
        assert!(!reply.body.contains(internal), "{what} shows {internal:?}: {}", reply.body);
    }
}

#[test]
fn a_database_outage_answers_friendly_503s_and_heals_without_a_restart() {
    let direct = fresh_postgres_database("res_outage");
    let mut via_link = url::Url::parse(&direct).unwrap();
    let link = DbLink::new(&format!("{}:{}", via_link.host_str().unwrap(), via_link.port().unwrap_or(5432)));
    via_link.set_port(Some(link.port)).unwrap();
    let mut server = Server::start_with(via_link.as_str(), "info", &[("API_RATE_LIMIT_PER_MINUTE", "1000")]);
    let pid = server.pid();
    let addr = server.addr.clone();

    // Healthy: ready, a draft opens, an intake is stored.
    assert_eq!(get(&addr, "/readyz", &[]).status, 200);
    let started = post_form(&addr, "/intake/start", &[], &[]);
    assert_eq!((started.status, started.header("location")), (303, Some("/intake/red-flags")), "{started}");
    let draft = started.cookie("draft").expect("a draft cookie");
    let step = get(&addr, "/intake/pain", &[("Cookie", &draft)]);
    assert_eq!(step.status, 200, "{step}");
    assert!(step.body.contains("clinical.pain.current"), "the pain step's form");
    assert_eq!(post_json(&addr, "/api/v1/intakes", &valid_intake(), &[]).status, 201);

    link.down();
    let cut = Instant::now();
    // Each request waits for the pool's acquire timeout: ask them all at once.
    let (ready, page, save, api, begin, landing, live) = std::thread::scope(|s| {
        let ready = s.spawn(|| get(&addr, "/readyz", &[]));
        let page = s.spawn(|| get(&addr, "/intake/pain", &[("Cookie", &draft)]));
        let save = s.spawn(|| {
            post_form(&addr, "/intake/pain", &[("clinical.pain.current", "7"), ("nav", "next")], &[("Cookie", &draft)])
        });
        let api = s.spawn(|| post_json(&addr, "/api/v1/intakes", &valid_intake(), &[]));
        let begin = s.spawn(|| post_form(&addr, "/intake/start", &[], &[]));
        let landing = s.spawn(|| get(&addr, "/intake", &[]));
        let live = s.spawn(|| get(&addr, "/healthz", &[]));
        (joined(ready), joined(page), joined(save), joined(api), joined(begin), joined(landing), joined(live))
    });
    let outage_answers = cut.elapsed();
    assert!(outage_answers < Duration::from_secs(15), "503s came after {outage_answers:?}");
    assert_eq!((ready.status, ready.body.as_str()), (503, "database unavailable"), "{ready}");
    assert_eq!(page.status, 503, "a wizard step with a draft: {page}");
    assert!(
        page.body.contains("We can&#x27;t open your answers right now")
            || page.body.contains("We can't open your answers right now"),
        "{page}"
    );
    assert!(page.body.contains("The answers you already saved are kept"), "{page}");
    assert_friendly(&page, "the wizard step page");
    assert_eq!(save.status, 503, "saving a step: {save}");
    assert!(save.body.to_lowercase().contains("earlier answers are saved"), "{save}");
    assert_friendly(&save, "saving a step");
    assert_eq!(api.status, 503, "{api}");
    assert_eq!(api.json()["errors"][0]["code"], "unavailable");
    assert!(api.json()["errors"][0]["message"].as_str().unwrap().contains("nothing was saved"), "{api}");
    assert_friendly(&api, "the API");
    assert_eq!(begin.status, 503, "starting a form: {begin}");
    assert_friendly(&begin, "starting a form");
    assert_eq!(landing.status, 200, "the landing page needs no database: {landing}");
    assert_eq!(live.status, 200, "liveness does not depend on the database, so nothing restarts the process");

    // The database comes back: the same process is ready again by itself.
    link.up();
    let back = Instant::now();
    let mut last = get(&addr, "/readyz", &[]);
    while last.status != 200 && back.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(250));
        last = get(&addr, "/readyz", &[]);
    }
    let recovered_in = back.elapsed();
    assert_eq!(last.status, 200, "not ready {recovered_in:?} after the database came back: {last}");
    eprintln!(
        "outage: 503s answered within {outage_answers:?}; ready again {recovered_in:?} after the database returned"
    );
    let step = get(&addr, "/intake/pain", &[("Cookie", &draft)]);
    assert_eq!(step.status, 200, "the draft is still there: {step}");
    let stored = post_json(&addr, "/api/v1/intakes", &valid_intake(), &[]);
    assert_eq!(stored.status, 201, "{stored}");
    assert!(server.is_running() && server.pid() == pid, "no restart");
    assert_eq!(intake_count(&direct), 2, "one before the outage, none during it, one after");
    let log = server.log();
    assert!(log.contains("database unavailable"), "the outage is logged: {log}");
    assert!(server.stop().success());
}

// ---------------------------------------------------------------------------------
// Scale-out: two processes on one PostgreSQL
// ---------------------------------------------------------------------------------

/// A clinician with two-factor, made straight in the database.
struct Clinician {
    email: String,
    name: String,
    secret: String,
}

fn create_clinician(url: &str, email: &str, name: &str) -> Clinician {
    let secret = runtime().block_on(async {
        let db = open(url).await;
        let hash = password::hash(&NewPassword::parse(PASSWORD).unwrap()).await.unwrap();
        let id = accounts::create(&db, email, name, Role::Clinician, Some(&hash)).await.unwrap();
        let secret = totp::new_secret();
        accounts::enrol_two_factor(&db, id, &accounts::seal_secret(db.keys.as_deref(), id, &secret), 0, &[])
            .await
            .unwrap();
        db.close().await;
        secret
    });
    Clinician { email: email.to_owned(), name: name.to_owned(), secret }
}

/// The password step on one server; returns the half-signed-in session cookie.
fn password_step(addr: &str, who: &Clinician) -> String {
    let reply = post_form(addr, "/staff/sign-in", &[("email", &who.email), ("password", PASSWORD)], &[]);
    assert_eq!((reply.status, reply.header("location")), (303, Some("/staff/two-factor")), "{reply}");
    reply.cookie("pi_staff").expect("a session after the password")
}

/// The code step; returns the signed-in session cookie.
fn code_step(addr: &str, who: &Clinician, half: &str) -> String {
    let code = totp::code_at(&who.secret, now_unix()).unwrap();
    let reply = post_form(addr, "/staff/two-factor", &[("code", &code)], &[("Cookie", half)]);
    assert_eq!((reply.status, reply.header("location")), (303, Some("/staff")), "second factor: {reply}");
    reply.cookie("pi_staff").expect("a new session id after the second factor")
}

#[test]
fn two_processes_on_one_postgresql_share_sessions_the_queue_and_rate_limits() {
    let url = fresh_postgres_database("res_twins");
    let env =
        [("TRUST_FORWARDED_FOR", "true"), ("SIGN_IN_RATE_LIMIT_PER_MINUTE", "5"), ("API_RATE_LIMIT_PER_MINUTE", "4")];
    let mut a = Server::start_with(&url, "info", &env);
    let mut b = Server::start_with(&url, "info", &env);
    let cleo = create_clinician(&url, "cleo@clinic.test", "Cleo Clinician");

    // Rate limits are counted in the database: attempts alternating between the two
    // processes add up. First, so the window wait (if any) comes before any session.
    within_one_rate_window(15);
    let servers = [&a.addr, &b.addr];
    for attempt in 1..=6 {
        let addr = servers[attempt % 2];
        let reply = post_form(
            addr,
            "/staff/sign-in",
            &[("email", "nobody@clinic.test"), ("password", "wrong guess")],
            &[("X-Forwarded-For", "198.51.100.7")],
        );
        if attempt <= 5 {
            assert_eq!(
                (reply.status, reply.header("location")),
                (303, Some("/staff/sign-in?m=failed")),
                "attempt {attempt}: {reply}"
            );
        } else {
            assert_eq!(reply.status, 429, "the 6th attempt in a minute, on the other process: {reply}");
            let retry: u64 = reply.header("retry-after").unwrap().parse().unwrap();
            assert!((1..=60).contains(&retry), "Retry-After {retry}");
            assert!(reply.body.contains("Too many sign-in attempts"), "{reply}");
        }
    }
    let other = post_form(
        &a.addr,
        "/staff/sign-in",
        &[("email", "nobody@clinic.test"), ("password", "wrong guess")],
        &[("X-Forwarded-For", "198.51.100.8")],
    );
    assert_eq!(other.status, 303, "another address has its own count: {other}");
    for n in 1..=5 {
        let addr = servers[n % 2];
        let reply = post_json(addr, "/api/v1/intakes", &valid_intake(), &[("X-Forwarded-For", "198.51.100.9")]);
        let expected = if n <= 4 { 201 } else { 429 };
        assert_eq!(reply.status, expected, "intake {n} (limit 4 a minute across both): {reply}");
    }
    assert_eq!(intake_count(&url), 4);

    // A session begun on one process (password on A, code on B) works on both.
    let half = password_step(&a.addr, &cleo);
    let session = code_step(&b.addr, &cleo, &half);
    for server in servers {
        let queue = get(server, "/staff", &[("Cookie", &session)]);
        assert_eq!(queue.status, 200, "{queue}");
        assert!(queue.body.contains(&cleo.name), "signed in as {} on {server}", cleo.name);
    }

    // A submission made on A is in B's queue, and B opens it.
    let created = post_json(&a.addr, "/api/v1/intakes", &valid_intake(), &[("X-Forwarded-For", "198.51.100.10")]);
    assert_eq!(created.status, 201, "{created}");
    let reference = created.json()["reference"].as_str().unwrap().to_owned();
    let queue = get(&b.addr, "/staff", &[("Cookie", &session)]);
    assert!(queue.body.contains(&format!("data-reference=\"{reference}\"")), "{reference} in B's queue");
    let page = get(&b.addr, &format!("/staff/submissions/{reference}"), &[("Cookie", &session)]);
    assert_eq!(page.status, 200, "{page}");
    assert!(page.body.contains("XYZ123456789"), "B shows the intake's answers (member ID)");

    // Signing out on B ends the session on A.
    let out = post_form(&b.addr, "/staff/sign-out", &[], &[("Cookie", &session)]);
    assert_eq!(out.status, 303, "{out}");
    let after = get(&a.addr, "/staff", &[("Cookie", &session)]);
    assert_eq!(after.header("location"), Some("/staff/sign-in"), "signed out everywhere: {after}");
    assert!(a.stop().success() && b.stop().success());
}

// ---------------------------------------------------------------------------------
// Logs without PHI
// ---------------------------------------------------------------------------------

/// An intake whose every identifying and free-text value is unlike anything a log line
/// would hold by chance, so a match can only be a leak.
fn distinctive_intake() -> serde_json::Value {
    let mut intake = valid_intake();
    intake["patient"] = serde_json::json!({
        "first_name": "Zephyrine", "last_name": "Quackenbush", "date_of_birth": "1975-07-19",
        "sex_at_birth": "female", "email": "zq.patient@example.net", "phone": "(512) 555-0199",
        "zip": "78704", "preferred_contact": "phone"
    });
    intake["clinical"]["symptoms"]["other"] = serde_json::json!("tingling in the left pinky");
    intake["clinical"]["medical"]["medications"] = serde_json::json!("duloxetine 60 mg");
    intake["clinical"]["medical"]["allergies"] = serde_json::json!("latex hives");
    intake["insurance"]["member_id"] = serde_json::json!("QZX987654321");
    intake["insurance"]["group_number"] = serde_json::json!("GRP55731");
    intake["consent"]["signature"] = serde_json::json!("Zephyrine Quackenbush");
    intake
}

/// The wizard's form post for each step, for a second patient.
fn wizard_answers(step: Step) -> Vec<(String, String)> {
    use pain_intake::shared::form::{MEDICAL, PAIN};
    let pairs = |list: &[(&str, &str)]| list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
    match step {
        Step::RedFlags => pairs(&[("clinical.red_flags.none", "yes")]),
        Step::Symptoms => pairs(&[
            ("clinical.symptoms.flare_ups", "yes"),
            ("clinical.symptoms.other", "burning along the right shin"),
        ]),
        Step::Duration => pairs(&[("clinical.pain_duration", "over_12_months")]),
        Step::Pain => {
            PAIN.iter().zip([7, 7, 9, 6, 8]).map(|(p, n)| (format!("clinical.pain.{p}"), n.to_string())).collect()
        }
        Step::History => pairs(&[("clinical.conditions", "crps"), ("clinical.diagnostics", "xray")]),
        Step::Treatments => pairs(&[("clinical.treatments.nsaids", "yes"), ("clinical.treatments.opioids", "yes")]),
        Step::TreatmentResults => pairs(&[
            ("clinical.treatments.0.result", "no_relief"),
            ("clinical.treatments.1.result", "side_effects"),
            ("clinical.upcoming_surgery", "no"),
        ]),
        Step::Medical => {
            let mut p: Vec<(String, String)> =
                MEDICAL.iter().map(|f| (format!("clinical.medical.{f}"), "no".into())).collect();
            p.extend(pairs(&[
                ("clinical.medical.medications", "pregabalin 75 mg"),
                ("clinical.medical.allergies", "sulfa swelling"),
            ]));
            p
        }
        Step::Mood => pairs(&[("mood_choice", "skip")]),
        // Not asked after "skip".
        Step::MoodPhq9 | Step::MoodGad7 => Vec::new(),
        Step::About => pairs(&[
            ("patient.first_name", "Ottoline"),
            ("patient.last_name", "Fairweather-Brisk"),
            ("patient.date_of_birth.month", "11"),
            ("patient.date_of_birth.day", "5"),
            ("patient.date_of_birth.year", "1969"),
            ("patient.sex_at_birth", "female"),
            ("patient.phone", "737-555-0143"),
            ("patient.zip", "78745"),
            ("patient.preferred_contact", "text"),
            ("patient.email", "ottoline.fb@example.org"),
        ]),
        Step::Insurance => pairs(&[
            ("insurance.plan", "bcbs_tx"),
            ("insurance.member_id", "WQV246813579"),
            ("insurance.subscriber", "self"),
        ]),
        Step::Consent => pairs(&[
            ("consent.privacy_notice", "yes"),
            ("consent.contact", "yes"),
            ("consent.attestation", "yes"),
            ("consent.signature", "Ottoline Fairweather-Brisk"),
        ]),
        Step::Review => Vec::new(),
    }
}

/// Every value of both patients and of the staff note that must never reach a log.
const PHI: &[&str] = &[
    // The API patient.
    "Zephyrine",
    "Quackenbush",
    "1975-07-19",
    "zq.patient@example.net",
    "(512) 555-0199",
    "5125550199",
    "512-555-0199",
    "78704",
    "tingling in the left pinky",
    "pinky",
    "duloxetine",
    "latex hives",
    "QZX987654321",
    "GRP55731",
    // A refused submission's value.
    "Secret-Zip-Value",
    // The wizard patient.
    "Ottoline",
    "Fairweather",
    "1969-11-05",
    "737-555-0143",
    "7375550143",
    "78745",
    "ottoline.fb@example.org",
    "burning along the right shin",
    "right shin",
    "pregabalin",
    "sulfa swelling",
    "WQV246813579",
    // The staff note.
    "mauve aura",
    "migraines twice weekly",
];

/// Where a value occurs in the log. Digits-only values (ZIP codes) count only as a whole
/// number: "78704" inside a timestamp's "29.787045Z" or a request id is not a leak.
fn find_value(log: &str, value: &str) -> Option<usize> {
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return log.find(value);
    }
    let bytes = log.as_bytes();
    log.match_indices(value).map(|(i, _)| i).find(|&i| {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + value.len()).copied();
        !before.is_some_and(|b| b.is_ascii_alphanumeric()) && !after.is_some_and(|b| b.is_ascii_alphanumeric())
    })
}

fn the_logs_of_an_intake_and_its_staff_review_hold_no_patient_data(url: &str) {
    let cleo = create_clinician(url, "cleo@clinic.test", "Cleo Clinician");
    // Debug level: the strictest case, with every library's log lines on.
    let mut server = Server::start(url, "debug");
    let addr = server.addr.clone();

    // A whole intake through the API, a refused one, and a screening.
    let created = post_json(&addr, "/api/v1/intakes", &distinctive_intake(), &[]);
    assert_eq!(created.status, 201, "{created}");
    let api_reference = created.json()["reference"].as_str().unwrap().to_owned();
    let mut refused = distinctive_intake();
    refused["patient"]["zip"] = serde_json::json!("Secret-Zip-Value");
    assert_eq!(post_json(&addr, "/api/v1/intakes", &refused, &[]).status, 422);
    assert_eq!(post_json(&addr, "/api/v1/screening", &examples()[0].1["request"], &[]).status, 200);

    // A whole intake through the wizard, reading the review page that shows the answers.
    let draft = post_form(&addr, "/intake/start", &[], &[]).cookie("draft").expect("a draft cookie");
    // The mood questions are skipped, so their two pages are not asked.
    for step in Step::ALL.iter().copied().filter(|s| !matches!(s, Step::MoodPhq9 | Step::MoodGad7)) {
        let path = format!("/intake/{}", step.as_str());
        let page = get(&addr, &path, &[("Cookie", &draft)]);
        assert_eq!(page.status, 200, "{step}: {page}");
        if step == Step::Review {
            assert!(page.body.contains("Ottoline"), "the review page shows the answers");
        }
        let answers = wizard_answers(step);
        let mut pairs: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        pairs.push(("nav", "next"));
        let reply = post_form(&addr, &path, &pairs, &[("Cookie", &draft)]);
        assert_eq!(reply.status, 303, "{step}: {reply}");
        assert!(!reply.header("location").unwrap().contains("error"), "{step} refused: {reply}");
    }
    let result = get(&addr, "/intake/result", &[("Cookie", &draft)]);
    assert_eq!(result.status, 200, "{result}");
    assert_eq!(intake_count(url), 2);

    // The staff review: sign in, queue, open both submissions, a note, a status change.
    let session = code_step(&addr, &cleo, &password_step(&addr, &cleo));
    let staff = [("Cookie", session.as_str())];
    let queue = get(&addr, "/staff", &staff);
    assert!(queue.body.contains(&format!("data-reference=\"{api_reference}\"")), "{queue}");
    let wizard_reference = {
        let at = queue
            .body
            .match_indices("data-reference=\"")
            .map(|(i, _)| i + 16)
            .find(|&i| !queue.body[i..].starts_with(&api_reference));
        let at = at.expect("the wizard's intake is in the queue");
        queue.body[at..at + 9].to_owned()
    };
    for (reference, name) in [(&api_reference, "Zephyrine"), (&wizard_reference, "Ottoline")] {
        let page = get(&addr, &format!("/staff/submissions/{reference}"), &staff);
        assert_eq!(page.status, 200, "{page}");
        assert!(page.body.contains(name), "the submission page shows {name}'s answers");
    }
    let sub = format!("/staff/submissions/{api_reference}");
    let note = post_form(
        &addr,
        &format!("{sub}/notes"),
        &[("body", "Patient describes mauve aura, migraines twice weekly")],
        &staff,
    );
    assert_eq!(note.header("location"), Some(format!("{sub}?m=note-added#notes").as_str()), "{note}");
    let status = post_form(&addr, &format!("{sub}/status"), &[("from", "new"), ("to", "in_review")], &staff);
    assert_eq!(status.header("location"), Some(format!("{sub}?m=status-changed").as_str()), "{status}");
    let page = get(&addr, &sub, &staff);
    assert!(page.body.contains("mauve aura"), "the note is on the page");
    assert!(server.stop().success());

    let log = server.log();
    // The log is being captured, at debug level, for every part of the journey.
    for expected in [
        "DEBUG",
        "intake stored",
        "intake submitted from the wizard",
        "/staff/submissions/{reference}/notes",
        "/staff/submissions/{reference}/status",
        "/staff/two-factor",
    ] {
        assert!(log.contains(expected), "the log lacks {expected:?}:\n{log}");
    }
    for phi in PHI {
        if let Some(at) = find_value(&log, phi) {
            let around: String = log[at..].chars().take(200).collect();
            panic!("the log contains {phi:?}: …{around}");
        }
    }
}

#[test]
fn the_logs_of_an_intake_and_its_staff_review_hold_no_patient_data_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    the_logs_of_an_intake_and_its_staff_review_hold_no_patient_data(&sqlite_url(&dir));
}

#[test]
fn the_logs_of_an_intake_and_its_staff_review_hold_no_patient_data_on_postgresql() {
    the_logs_of_an_intake_and_its_staff_review_hold_no_patient_data(&fresh_postgres_database("res_logs"));
}
