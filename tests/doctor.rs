//! `pain-intake doctor` run as an IT contractor runs it, on SQLite and PostgreSQL: a good
//! setup is all `ok` (exit 0); a wrong key, an unreachable database, a missing site
//! folder or a refused setting is a `FAIL` line naming it (exit 2), and nothing is
//! created, migrated or sent on the way.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use common::process::{
    assert_doctor_exit, bin, doctor, doctor_line, doctor_lines, fresh_postgres_database, site_folder,
};
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stores sealed data in the database at `url` (see `store_sealed_data`): 2 intakes and
/// one two-factor secret.
fn seed(url: &str) {
    tokio::runtime::Runtime::new().unwrap().block_on(store_sealed_data(url, 2));
}

/// A mail server that greets, answers EHLO, NOOP and QUIT, and records every command, so
/// a test can tell that no e-mail was sent.
struct Smtp {
    url: String,
    commands: Arc<Mutex<Vec<String>>>,
}

impl Smtp {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let commands = Arc::new(Mutex::new(Vec::new()));
        let seen = commands.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let _ = stream.write_all(b"220 smtp.test ESMTP\r\n");
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    let command = line.trim_end().to_ascii_uppercase();
                    seen.lock().unwrap().push(command.clone());
                    let reply: &[u8] = if command.starts_with("EHLO") || command == "NOOP" {
                        b"250 OK\r\n"
                    } else if command == "QUIT" {
                        b"221 Bye\r\n"
                    } else {
                        b"502 Not here\r\n"
                    };
                    let _ = stream.write_all(reply);
                    if command == "QUIT" {
                        break;
                    }
                    line.clear();
                }
            }
        });
        Self { url, commands }
    }

    fn commands(&self) -> Vec<String> {
        self.commands.lock().unwrap().clone()
    }
}

/// Data sealed with the test key, the right key, the built site and a mail server that
/// answers: every line `ok`, exit 0.
fn a_good_setup_is_all_ok(url: &str) {
    seed(url);
    let dir = tempfile::tempdir().unwrap();
    let site = site_folder(dir.path());
    let smtp = Smtp::start();
    let out = doctor(url, &site, &[("SMTP_URL", &smtp.url), ("NOTIFY_TO", "clinic@clinic.test")]);
    let text = stdout(&out);
    assert_doctor_exit(&out);
    assert!(doctor_lines(&out).iter().all(|l| l.starts_with("ok    ")), "{text}");
    assert!(doctor_line(&out, "database").contains(&all_migrations_applied()), "{text}");
    assert!(
        doctor_line(&out, "keys")
            .contains(&format!("3 sealed values in {} columns open", pain_intake::server::keys::SEALED_COLUMNS.len())),
        "{text}"
    );
    assert!(doctor_line(&out, "smtp").contains("answered"), "{text}");
    assert!(doctor_line(&out, "site").contains("pkg/"), "{text}");
    assert!(doctor_line(&out, "eligibility").contains("real-time checks off"), "{text}");
    let commands = smtp.commands();
    assert!(commands.iter().any(|c| c.starts_with("EHLO")) && commands.contains(&"NOOP".into()), "{commands:?}");
    assert!(!commands.iter().any(|c| c.starts_with("MAIL") || c == "DATA"), "no e-mail is sent: {commands:?}");
    assert!(!text.contains("Jane") && !text.contains("XYZ123456789"), "no stored value is printed: {text}");
}

#[test]
fn a_good_setup_is_all_ok_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/intake.db", dir.path().display());
    a_good_setup_is_all_ok(&url);
    let text = stdout(&doctor(&url, &site_folder(dir.path()), &[]));
    for check in ["sqlite: journal_mode=wal, synchronous=2, foreign_keys=1, busy_timeout=5000", "disk: "] {
        assert!(text.contains(check), "{check}: {text}");
    }
}

#[test]
fn a_good_setup_is_all_ok_on_postgresql() {
    a_good_setup_is_all_ok(&fresh_postgres_database("doctor_good"));
}

/// Data sealed under key `test-1`; the doctor run with another key, then with another
/// key under the same id.
fn a_wrong_key_fails_the_keys_line(url: &str) {
    seed(url);
    let dir = tempfile::tempdir().unwrap();
    let site = site_folder(dir.path());
    let other = "other:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
    let out = doctor(url, &site, &[("ENCRYPTION_KEYS", other)]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let keys = doctor_line(&out, "keys");
    assert!(keys.starts_with("FAIL  keys: 3 of 3 stored values do not open with ENCRYPTION_KEYS"), "{keys}");
    assert!(keys.contains("key id test-1") && keys.contains("intakes.answers 2, users.totp_secret 1"), "{keys}");
    assert!(!keys.contains("AQEBAQ"), "no key material: {keys}");
    // Only the keys line fails.
    let text = stdout(&out);
    assert_eq!(doctor_lines(&out).iter().filter(|l| l.starts_with("FAIL")).count(), 1, "{text}");

    let impostor = "test-1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
    let out = doctor(url, &site, &[("ENCRYPTION_KEYS", impostor)]);
    assert_eq!(out.status.code(), Some(2));
    let keys = doctor_line(&out, "keys");
    assert!(keys.starts_with("FAIL") && keys.contains("3 fail authentication"), "{keys}");
}

#[test]
fn a_wrong_key_fails_the_keys_line_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    a_wrong_key_fails_the_keys_line(&format!("sqlite://{}/intake.db", dir.path().display()));
}

#[test]
fn a_wrong_key_fails_the_keys_line_on_postgresql() {
    a_wrong_key_fails_the_keys_line(&fresh_postgres_database("doctor_wrong_key"));
}

#[test]
fn an_unreachable_database_is_a_fail_line_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let site = site_folder(dir.path());
    let missing = dir.path().join("typo").join("intake.db");
    let out = doctor(&format!("sqlite://{}", missing.display()), &site, &[]);
    assert_eq!(out.status.code(), Some(2));
    let line = doctor_line(&out, "database");
    assert!(line.starts_with("FAIL  database: there is no SQLite database at") && line.contains("typo"), "{line}");
    assert!(doctor_line(&out, "keys").starts_with("skip"));
    assert!(!missing.parent().unwrap().exists(), "no folder or database is created");
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));

    // Nothing listens on port 1.
    let started = Instant::now();
    let out = doctor("postgres://clinic:s3cret-pw@127.0.0.1:1/intake", &site, &[]);
    assert_eq!(out.status.code(), Some(2));
    let line = doctor_line(&out, "database");
    assert!(line.starts_with("FAIL  database: cannot connect") && line.contains("refused"), "{line}");
    let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(!all.contains("s3cret-pw") && !all.contains("panicked"), "{all}");
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[test]
fn doctor_leaves_pending_migrations_to_serve_and_fails_ones_it_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let file = format!("{}/intake.db", dir.path().display());
    let url = format!("sqlite://{file}");
    seed(&url);
    let site = site_folder(dir.path());
    let sql = |statement: &str| {
        let out = std::process::Command::new("sqlite3").args(["-cmd", ".timeout 5000", &file, statement]).output();
        assert!(out.unwrap().status.success(), "{statement}");
    };
    sql("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)");
    let out = doctor(&url, &site, &[]);
    assert_doctor_exit(&out);
    assert!(
        !doctor_lines(&out).iter().any(|l| l.starts_with("FAIL")),
        "serve applies pending migrations: {}",
        stdout(&out)
    );
    let line = doctor_line(&out, "database");
    let n = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap().count();
    let pending = format!("{} of {n}", n - 1);
    assert!(line.starts_with("warn") && line.contains(&pending) && line.contains("pain-intake migrate"), "{line}");
    let count = || {
        let out = std::process::Command::new("sqlite3").args([&file, "SELECT COUNT(*) FROM _sqlx_migrations"]).output();
        String::from_utf8_lossy(&out.unwrap().stdout).trim().to_owned()
    };
    assert_eq!(count(), (n - 1).to_string(), "doctor migrates nothing");

    sql("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (29991231000001, 'from the future', 1, x'00', 1)");
    let out = doctor(&url, &site, &[]);
    assert_eq!(out.status.code(), Some(2));
    let line = doctor_line(&out, "database");
    assert!(line.starts_with("FAIL") && line.contains("29991231000001") && line.contains("newer"), "{line}");
}

#[test]
fn a_missing_site_folder_or_package_fails_the_site_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/intake.db", dir.path().display());
    seed(&url);
    let out = doctor(&url, &dir.path().join("no-site"), &[]);
    assert_eq!(out.status.code(), Some(2));
    let line = doctor_line(&out, "site");
    assert!(line.starts_with("FAIL  site:") && line.contains("no-site is not a folder"), "{line}");

    // A site built by another build: the WASM the pages name is not there.
    let site = site_folder(dir.path());
    let wasm = std::fs::read_dir(site.join("pkg"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
        .unwrap();
    std::fs::remove_file(&wasm).unwrap();
    let out = doctor(&url, &site, &[]);
    assert_eq!(out.status.code(), Some(2));
    let line = doctor_line(&out, "site");
    let name = wasm.file_name().unwrap().to_string_lossy().into_owned();
    assert!(line.starts_with("FAIL") && line.contains(&format!("lacks pkg/{name}")), "{line}");
    assert_eq!(doctor_lines(&out).iter().filter(|l| l.starts_with("FAIL")).count(), 1, "{}", stdout(&out));
}

#[test]
fn a_refused_setting_is_one_fail_line() {
    let out = bin().args(["doctor", "--listen", "nowhere"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        ["FAIL  settings: invalid value 'nowhere' for '--listen <LISTEN>': invalid socket address syntax"]
    );

    // Checked after parsing, as serve checks them: both problems on the one line, the
    // checks that need them skipped, the malformed key never echoed.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/intake.db", dir.path().display());
    seed(&url);
    let out = doctor(
        &url,
        &site_folder(dir.path()),
        &[("ENCRYPTION_KEYS", "c2VjcmV0LW5vLWlk"), ("SMTP_URL", "smtp://127.0.0.1:1")],
    );
    assert_eq!(out.status.code(), Some(2));
    let line = doctor_line(&out, "settings");
    assert!(line.starts_with("FAIL  settings: encryption keys: ") && line.contains("NOTIFY_TO"), "{line}");
    assert!(doctor_line(&out, "keys").starts_with("skip") && doctor_line(&out, "smtp").starts_with("skip"));
    assert!(!stdout(&out).contains("c2VjcmV0"), "{}", stdout(&out));
}

#[test]
fn a_mail_server_that_does_not_answer_fails_the_smtp_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/intake.db", dir.path().display());
    seed(&url);
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let out = doctor(
        &url,
        &site_folder(dir.path()),
        &[("SMTP_URL", &format!("smtp://mailer:pa55word@{closed}")), ("NOTIFY_TO", "clinic@clinic.test")],
    );
    assert_eq!(out.status.code(), Some(2));
    let line = doctor_line(&out, "smtp");
    assert!(line.starts_with("FAIL  smtp: smtp://mailer:***@127.0.0.1:"), "{line}");
    assert!(!stdout(&out).contains("pa55word"));
    // Without SMTP_URL, as serve does, it is a warning: e-mails wait in the outbox.
    let out = doctor(&url, &site_folder(dir.path()), &[]);
    assert_doctor_exit(&out);
    assert!(!doctor_lines(&out).iter().any(|l| l.starts_with("FAIL")), "{}", stdout(&out));
    assert!(doctor_line(&out, "smtp").starts_with("warn  smtp: not configured"));
}

/// "13 of 13 migrations applied", for the migrations this build has.
fn all_migrations_applied() -> String {
    let n = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap().count();
    format!("{n} of {n} migrations applied")
}

/// With ELIGIBILITY_ENDPOINT set, the endpoint is reached over the configured connection
/// and sent nothing (no credentials, no 270); one that does not answer is a FAIL line.
#[test]
fn the_eligibility_endpoint_is_reached_without_sending_a_270() {
    use common::core_server::{CoreServer, Expected};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(CoreServer::start(Expected {
        credentials: Some(("core-user".into(), "core-password-1".into())),
        sender_id: "CLINICSUBMIT".into(),
        receiver_id: "CLEARINGHOUSE".into(),
        timestamp: String::new(),
        payload: String::new(),
    }));
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/intake.db", dir.path().display());
    seed(&url);
    let site = site_folder(dir.path());
    let endpoint = server.endpoint("271");
    let settings = |endpoint: &str| {
        [
            ("ELIGIBILITY_ENDPOINT", endpoint.to_owned()),
            ("ELIGIBILITY_RECEIVER_ID", "CLEARINGHOUSE".to_owned()),
            ("ELIGIBILITY_USERNAME", "core-user".to_owned()),
            ("ELIGIBILITY_PASSWORD", "core-password-1".to_owned()),
            ("ELIGIBILITY_TIMEOUT_SECONDS", "5".to_owned()),
            ("CLINIC_NPI", "1234567893".to_owned()),
        ]
    };
    let run = |vars: &[(&str, String)]| {
        let vars: Vec<(&str, &str)> = vars.iter().map(|(n, v)| (*n, v.as_str())).collect();
        doctor(&url, &site, &vars)
    };

    let out = run(&settings(&endpoint));
    let line = doctor_line(&out, "eligibility");
    assert_eq!(
        line,
        format!("ok    eligibility: {endpoint} answered HTTP 405 to a HEAD (no credentials, no 270 sent)")
    );
    assert!(server.received().is_empty() && server.problems().is_empty(), "nothing reached the CORE handler");
    assert!(!stdout(&out).contains("core-password-1"), "{}", stdout(&out));

    // Nothing listens there: a FAIL line naming the endpoint, exit 2.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}/core", closed.local_addr().unwrap());
    drop(closed);
    let out = run(&settings(&nowhere));
    assert_eq!(out.status.code(), Some(2));
    let line = doctor_line(&out, "eligibility");
    assert!(line.starts_with(&format!("FAIL  eligibility: {nowhere}: ")), "{line}");

    // A setting serve refuses: the settings line says which, the probe is skipped.
    let out = run(&settings("http://clearinghouse.example/core"));
    assert_eq!(out.status.code(), Some(2));
    assert!(doctor_line(&out, "settings").starts_with("FAIL  settings: ELIGIBILITY_ENDPOINT"), "{}", stdout(&out));
    assert!(doctor_line(&out, "eligibility").starts_with("skip"), "{}", stdout(&out));
}
