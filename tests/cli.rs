//! The `pain-intake` binary as a user runs it: subcommands, exit codes, start-up errors.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use common::process::{
    assert_doctor_exit, bin, doctor, doctor_line, doctor_lines, fresh_postgres_database, http_get, http_post_json,
    site_folder, Server,
};
use common::*;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run pain-intake")
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("stdout is not JSON: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn screen_prints_each_spec_example_as_expected() {
    let dir = tempfile::tempdir().unwrap();
    for (name, example) in examples() {
        let file = dir.path().join(&name);
        std::fs::write(&file, example["request"].to_string()).unwrap();
        let out = run(bin().arg("screen").arg(&file));
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert_matches_expectation(&name, &stdout_json(&out), &example["expect"]);
    }
}

#[test]
fn screen_reads_standard_input_and_speaks_spanish() {
    let (_, example) = examples().into_iter().find(|(n, _)| n == "pregnancy.json").unwrap();
    let mut child =
        bin().args(["screen", "-", "--lang", "es"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(example["request"].to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let json = stdout_json(&out);
    assert_eq!(json["outcome"], "clinician_review");
    assert!(json["reasons"][0]["message"].as_str().unwrap().contains("embarazo"));
}

#[test]
fn screen_exits_2_with_the_errors_json_on_invalid_input() {
    let dir = tempfile::tempdir().unwrap();
    let (_, example) = examples().remove(0);
    let mut request = example["request"].clone();
    request["clinical"]["pain"]["current"] = serde_json::json!(-1);
    let file = dir.path().join("bad.json");
    std::fs::write(&file, request.to_string()).unwrap();
    let out = run(bin().arg("screen").arg(&file));
    assert_eq!(out.status.code(), Some(2));
    let json = stdout_json(&out);
    assert_eq!(json["errors"][0]["field"], "clinical.pain.current");
    assert_eq!(json["errors"][0]["code"], "range");

    std::fs::write(&file, "{ not json").unwrap();
    let out = run(bin().arg("screen").arg(&file));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout_json(&out)["errors"][0]["code"], "malformed");

    let out = run(bin().args(["screen", "/no/such/file.json"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["screen", "--help"],
        &["x12", "--help"],
        &["x12", "build-270", "--help"],
        &["x12", "parse-271", "--help"],
        &["backup", "--help"],
        &["restore", "--help"],
        &["doctor", "--help"],
        &["user", "add", "--help"],
        &["audit", "verify", "--help"],
        &["hours", "set", "--help"],
        &["hours", "show", "--help"],
        &["slots", "--help"],
    ] {
        let out = run(bin().args(args));
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"), "{args:?}");
    }
    let help = String::from_utf8_lossy(&run(bin().arg("--help")).stdout).into_owned();
    for documented in [
        "DATABASE_URL",
        "LISTEN_ADDR",
        "CLINIC_NAME",
        "CLINIC_NPI",
        "PUBLIC_URL",
        "DEV_MODE",
        "LOG_LEVEL",
        "SMTP_URL",
        "NOTIFY_TO",
        "NOTIFY_FROM",
        "ON_CALL_EMAIL",
        "STAFF_TWO_FACTOR",
        "SIGN_IN_RATE_LIMIT_PER_MINUTE",
    ] {
        assert!(help.contains(documented), "--help documents {documented}");
    }
}

#[test]
fn migrate_creates_the_sqlite_database_on_first_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested/folder/intake.db");
    let out = run(bin().arg("migrate").env("DATABASE_URL", format!("sqlite://{}", db.display())));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(db.exists());
    // Running it again is a no-op.
    assert!(run(bin().arg("migrate").env("DATABASE_URL", format!("sqlite://{}", db.display()))).status.success());
}

#[test]
fn migrate_works_on_postgresql() {
    let url = fresh_postgres_database("migrate");
    let out = run(bin().arg("migrate").env("DATABASE_URL", &url));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Start-up failures end in one clear line on stderr and exit 1, never a panic.
fn assert_one_line_startup_error(out: &Output, expect: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with("error: ") && lines[0].contains(expect), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn a_wrong_database_url_is_one_clear_error() {
    let out = run(bin().args(["--listen", "127.0.0.1:0"]).env("DATABASE_URL", "mysql://u:secret@localhost/x"));
    assert_one_line_startup_error(&out, "DATABASE_URL must start with sqlite:// or postgres://");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("secret"), "the password is not printed");
}

#[test]
fn an_unreachable_database_is_one_clear_error() {
    let started = Instant::now();
    // Nothing listens on port 1.
    let out = run(bin().args(["--listen", "127.0.0.1:0"]).env("DATABASE_URL", "postgres://u:secret@127.0.0.1:1/x"));
    assert_one_line_startup_error(&out, "cannot connect to the database");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("secret"));
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn invalid_configuration_stops_start_up_with_a_message() {
    let out = run(bin().args(["--clinic-npi", "1234567890"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("check digit"));
    let out = run(bin().env("LISTEN_ADDR", "not-an-address"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--listen"));
    // Follow-up windows: 1 minute to a week, whole minutes.
    for (name, value) in [
        ("FOLLOW_UP_SAFETY_MINUTES", "0"),
        ("FOLLOW_UP_EMERGENCY_MINUTES", "10081"),
        ("FOLLOW_UP_REPEAT_MINUTES", "ten"),
        ("FOLLOW_UP_ACK_MINUTES", "-5"),
    ] {
        let out = run(bin().env(name, value));
        assert_eq!(out.status.code(), Some(2), "{name}={value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("from 1 to 10080 (a week)") && !stderr.contains("panicked"),
            "{name}={value}: {stderr}"
        );
    }
}

#[test]
fn serve_starts_answers_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    serve_and_check(&format!("sqlite://{}/intake.db", dir.path().display()));
    assert!(dir.path().join("intake.db").exists(), "SQLite file created on first start");
}

#[test]
fn serve_runs_on_postgresql() {
    serve_and_check(&fresh_postgres_database("serve"));
}

/// Starts `serve` on a free port, checks the health endpoints, stops it with SIGTERM.
fn serve_and_check(database_url: &str) {
    let mut server = Server::start(database_url, "info");
    let response = http_get(&server.addr, "/healthz");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let response = http_get(&server.addr, "/readyz");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let status = server.stop();
    assert!(status.success(), "graceful shutdown exits 0: {status:?}");
}

#[test]
fn x12_parse_271_prints_json_and_exits_2_on_garbage() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/x12");
    let out = run(bin().args(["x12", "parse-271", &format!("{fixtures}/active_cigna.271")]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout_json(&out)["status"], "active");
    let out = run(bin().args(["x12", "parse-271", &format!("{fixtures}/rejected_72_bcbs.271")]));
    let json = stdout_json(&out);
    assert_eq!(json["status"], "rejected");
    assert_eq!(json["rejections"][0]["action"], "Check the member ID on the card and resubmit.");

    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.271");
    std::fs::write(&junk, b"ISA*00*\xff\xfe garbage ~~~").unwrap();
    let out = run(bin().args(["x12", "parse-271"]).arg(&junk));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: ") && !stderr.contains("panicked"), "{stderr}");
}

#[test]
fn x12_build_270_prints_the_inquiry_for_a_stored_intake() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/intake.db", dir.path().display());
    let reference = stored_intake(&url, &valid_intake());
    let mut self_pay = valid_intake();
    self_pay["insurance"]["plan"] = serde_json::json!("self_pay");
    let self_pay_reference = stored_intake(&url, &self_pay);
    let out = run(bin()
        .args(["x12", "build-270", "--reference", &reference.display(), "--clinic-npi", "1234567893"])
        .env("DATABASE_URL", &url));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ISA*"), "{text}");
    assert!(text.contains("NM1*PR*2*BLUE CROSS BLUE SHIELD OF TEXAS*****PI*84980~"), "{text}");
    assert!(text.contains(&format!("TRN*1*{}*", reference.compact())), "{text}");
    assert!(text.contains("NM1*IL*1*DOE*JANE****MI*XYZ123456789~"), "{text}");

    let out = run(bin()
        .args(["x12", "build-270", "--reference", &self_pay_reference.display(), "--clinic-npi", "1234567893"])
        .env("DATABASE_URL", &url));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    let out = run(bin()
        .args(["x12", "build-270", "--reference", "ZZZZ-ZZZZ", "--clinic-npi", "1234567893"])
        .env("DATABASE_URL", &url));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no intake with reference ZZZZ-ZZZZ"));
    let out = run(bin().args(["x12", "build-270", "--reference", "ZZZZ-ZZZZ", "--clinic-npi", "1234567890"]));
    assert_eq!(out.status.code(), Some(2), "a wrong NPI is a configuration error");
}

/// Stores an intake (contract JSON) in the database at `url`; returns its reference.
fn stored_intake(url: &str, intake: &Value) -> pain_intake::domain::values::Reference {
    use pain_intake::domain::intake::IntakeAnswers;
    use pain_intake::domain::screening::evaluate;
    let today = jiff::civil::Date::constant(2026, 11, 23);
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = pain_intake::server::db::Db::open(url).await.unwrap();
        let answers = IntakeAnswers::from_json(intake, today).unwrap();
        let e = evaluate(&answers.clinical, answers.patient.date_of_birth, today);
        let created = pain_intake::server::intakes::Writer::start(&db, Default::default())
            .insert(&answers, &e, today, None, None)
            .await
            .unwrap();
        db.close().await;
        created.stored().reference.clone()
    })
}

/// Issue 15, item 14: 270s written by `x12 build-270` in a row and by several processes
/// at once (as several instances would) never share ISA13, GS06 or BHT03.
fn build_270_control_numbers_never_repeat(url: &str) {
    let reference = stored_intake(url, &valid_intake()).display();
    let build = || {
        let mut cmd = bin();
        cmd.args(["x12", "build-270", "--reference", &reference, "--clinic-npi", "1234567893"])
            .env("DATABASE_URL", url);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    };
    let mut outputs: Vec<Output> = (0..3).map(|_| run(&mut build())).collect();
    let children: Vec<_> = (0..4).map(|_| build().spawn().expect("start pain-intake")).collect();
    outputs.extend(children.into_iter().map(|c| c.wait_with_output().expect("wait for pain-intake")));
    let mut seen = std::collections::HashSet::new();
    for out in &outputs {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        let segments: Vec<Vec<&str>> = text.trim_end().split('~').map(|s| s.split('*').collect()).collect();
        let find =
            |id: &str| segments.iter().find(|s| s[0] == id).unwrap_or_else(|| panic!("no {id} in {text}"))[..].to_vec();
        let (isa13, gs06, bht03) = (find("ISA")[13].to_owned(), find("GS")[6].to_owned(), find("BHT")[3].to_owned());
        assert_eq!(find("IEA")[2], isa13);
        for (element, value) in [("ISA13", isa13), ("GS06", gs06), ("BHT03", bht03)] {
            assert!(seen.insert((element, value.clone())), "{element} {value} repeated");
        }
    }
    assert_eq!(seen.len(), 3 * 7);
}

#[test]
fn x12_build_270_control_numbers_never_repeat_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    build_270_control_numbers_never_repeat(&format!("sqlite://{}/intake.db", dir.path().display()));
}

#[test]
fn x12_build_270_control_numbers_never_repeat_on_postgresql() {
    build_270_control_numbers_never_repeat(&fresh_postgres_database("x12_control"));
}

/// Issue 15, item 15: the printed `trace` is only the TRN the payer echoes from our
/// inquiry; a payer's own TRN is printed apart as `payer_trace`.
#[test]
fn x12_parse_271_prints_only_the_echoed_trace() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/x12");
    let out = run(bin().args(["x12", "parse-271", &format!("{fixtures}/active_medicaid_payer_trn_only.271")]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json = stdout_json(&out);
    assert_eq!(json["trace"], Value::Null, "{json}");
    assert_eq!(json["payer_trace"], "TMHP20261124000981");
    let json = stdout_json(&run(bin().args(["x12", "parse-271", &format!("{fixtures}/active_cigna.271")])));
    assert_eq!((&json["trace"], &json["payer_trace"]), (&Value::from("K7Q29XPM"), &Value::from("2611230001234")));
}

#[test]
fn backup_copies_a_running_server_and_the_copy_restores_every_intake() {
    let dir = tempfile::tempdir().unwrap();
    let live = format!("sqlite://{}/live.db", dir.path().display());
    let mut server = Server::start(&live, "info");
    let addr = server.addr.clone();
    let mut references = Vec::new();
    for _ in 0..5 {
        let reply = http_post_json(&addr, "/api/v1/intakes", &valid_intake().to_string());
        assert!(reply.starts_with("HTTP/1.1 201"), "{reply}");
        let body = &reply[reply.find("\r\n\r\n").unwrap() + 4..];
        let json: Value = serde_json::from_str(body).unwrap();
        references.push(json["reference"].as_str().unwrap().to_owned());
    }
    // The backup runs while the server is up.
    let copy = dir.path().join("backup.db");
    let out = run(bin().args(["backup", "--to"]).arg(&copy).env("DATABASE_URL", &live));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // A second backup to the same file is refused rather than overwriting it.
    let again = run(bin().args(["backup", "--to"]).arg(&copy).env("DATABASE_URL", &live));
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    server.stop();

    // Restore drill: a server started on the copy has every intake.
    let restored = format!("sqlite://{}", copy.display());
    let mut server = Server::start(&restored, "info");
    let addr = server.addr.clone();
    assert!(http_get(&addr, "/readyz").starts_with("HTTP/1.1 200"));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let db = pain_intake::server::db::Db::connect(&restored).await.unwrap().with_keys(Some(test_keys()));
        assert_eq!(pain_intake::server::intakes::count(&db).await.unwrap(), 5);
        for r in &references {
            let r = pain_intake::domain::values::Reference::parse(r).unwrap();
            assert!(pain_intake::server::intakes::find(&db, &r).await.unwrap().is_some(), "{}", r.display());
        }
    });
    server.stop();
}

#[test]
fn backup_refuses_a_missing_source_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("typo").join("intake.db");
    let copy = dir.path().join("backup.db");
    let out =
        run(bin().args(["backup", "--to"]).arg(&copy).env("DATABASE_URL", format!("sqlite://{}", source.display())));
    assert_eq!(out.status.code(), Some(2), "a wrong DATABASE_URL is a configuration error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("there is no SQLite database at") && stderr.contains("typo"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("backup written"));
    assert!(!source.exists() && !source.parent().unwrap().exists(), "no database or folder is created at the source");
    assert!(!copy.exists(), "no empty backup is written");
}

#[test]
fn backup_of_postgresql_without_pg_dump_says_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("intake.dump");
    let out = run(bin()
        .args(["backup", "--to"])
        .arg(&to)
        .env("DATABASE_URL", "postgres://clinic:s3cret-pw@127.0.0.1:1/intake")
        // A PATH without pg_dump.
        .env("PATH", dir.path()));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let command = format!(
        "PGPASSWORD=*** pg_dump --format=custom --file {} --dbname postgres://clinic@127.0.0.1:1/intake",
        to.display()
    );
    assert!(stderr.starts_with("error: pg_dump is not on PATH") && stderr.contains(&command), "{stderr}");
    assert!(!stderr.contains("s3cret-pw") && !to.exists(), "{stderr}");
}

/// `restore` refuses what is not a backup of this app, and a backup that is missing.
#[test]
fn restore_refuses_a_missing_or_foreign_backup() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("restored.db");
    let url = format!("sqlite://{}", target.display());
    let restore = |from: &std::path::Path| run(bin().args(["restore", "--from"]).arg(from).env("DATABASE_URL", &url));
    let out = restore(&dir.path().join("nothing.db"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no backup file at"));

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database at all, but long enough to look like one to a quick glance".repeat(100))
        .unwrap();
    let out = restore(&junk);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is not a pain-intake backup") && stderr.lines().count() == 1, "{stderr}");

    let other = dir.path().join("other.db");
    let made = Command::new("sqlite3").arg(&other).arg("CREATE TABLE t (x); INSERT INTO t VALUES (1);").output();
    assert!(made.unwrap().status.success());
    let out = restore(&other);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no _sqlx_migrations table"));
    assert!(!target.exists(), "nothing is put in place");
}

/// The restore drill on SQLite: intakes stored (sealed), `backup` while the server runs,
/// `restore` into a new place, and the restored database has every intake, opens with
/// the key (`doctor` all ok) and is refused as a target unless --force, and then only
/// while no server has it open.
#[test]
fn restore_drill_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let live = format!("sqlite://{}/live.db", dir.path().display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let references = runtime.block_on(store_sealed_data(&live, 3));
    let copy = dir.path().join("backup.db");
    let mut server = Server::start(&live, "info");
    let out = run(bin().args(["backup", "--to"]).arg(&copy).env("DATABASE_URL", &live));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    server.stop();

    let target = dir.path().join("new-machine").join("intake.db");
    let restored = format!("sqlite://{}", target.display());
    let restore = |force: bool| restore_from(&copy, &restored, force);
    let checked = assert_drill_restored(&runtime, &restore(false), &restored, &references, dir.path());
    assert!(doctor_line(&checked, "sqlite").starts_with("ok    sqlite: journal_mode=wal"), "the copy runs in WAL");

    // Restoring again over it: refused without --force, and while a server has it open.
    let out = restore(false);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds a database"));
    let mut server = Server::start(&restored, "info");
    let out = restore(true);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is open in another process"));
    server.stop();
    let out = restore(true);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let kept: Vec<_> = std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("intake.db.before-restore-"))
        // The database itself, not the logs SQLite left beside it (kept with it, in
        // whatever order the folder lists them).
        .filter(|n| !["-wal", "-shm", "-journal"].iter().any(|log| n.ends_with(log)))
        .collect();
    assert_eq!(kept.len(), 1, "the replaced database is kept: {kept:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&kept[0]));
    assert_restored(&runtime, &restored, &references);
}

/// A drill's first restore succeeded, every intake came back, and `doctor` finds the
/// restored database healthy; `doctor`'s output, for checks of one database.
fn assert_drill_restored(
    runtime: &tokio::runtime::Runtime,
    out: &Output,
    restored: &str,
    references: &[pain_intake::domain::values::Reference],
    dir: &std::path::Path,
) -> Output {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&all_migrations_applied()), "{said}");
    assert_restored(runtime, restored, references);
    let checked = doctor(restored, &site_folder(dir), &[]);
    assert_doctor_exit(&checked);
    let lines = doctor_lines(&checked);
    assert!(lines.iter().all(|l| l.starts_with("ok    ") || l.starts_with("warn  smtp")), "{lines:?}");
    assert!(doctor_line(&checked, "keys").starts_with("ok    keys: 4 sealed values"));
    checked
}

/// Every intake of `references` is in the database at `url` and opens with the test key.
fn assert_restored(
    runtime: &tokio::runtime::Runtime,
    url: &str,
    references: &[pain_intake::domain::values::Reference],
) {
    runtime.block_on(async {
        let db = pain_intake::server::db::Db::connect_existing(url).await.unwrap().with_keys(Some(test_keys()));
        assert_eq!(pain_intake::server::intakes::count(&db).await.unwrap(), references.len() as i64);
        for r in references {
            let intake = pain_intake::server::intakes::find(&db, r).await.unwrap();
            assert_eq!(intake.unwrap().answers.patient.first_name.as_str(), "Jane", "{}", r.display());
        }
        db.close().await;
    });
}

/// The restore drill on PostgreSQL: `backup` with pg_dump, `restore` into a fresh
/// database with pg_restore, the same checks as on SQLite.
#[test]
fn restore_drill_on_postgresql() {
    let missing: Vec<_> = ["pg_dump", "pg_restore"]
        .into_iter()
        .filter(|tool| !Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success()))
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "restore_drill_on_postgresql skipped: {missing:?} not on PATH (Debian: apt-get install postgresql-client)"
        );
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (live, _) = runtime.block_on(fresh_db_url(pain_intake::server::db::Backend::Postgres));
    let (restored, _) = runtime.block_on(fresh_db_url(pain_intake::server::db::Backend::Postgres));
    let _drop = DropDatabases(vec![live.clone(), restored.clone()]);
    let references = runtime.block_on(store_sealed_data(&live, 3));
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("intake.dump");
    let out = run(bin().args(["backup", "--to"]).arg(&dump).env("DATABASE_URL", &live));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&dump).unwrap().starts_with(b"PGDMP"), "a pg_dump custom archive");

    let restore = |force: bool| restore_from(&dump, &restored, force);
    assert_drill_restored(&runtime, &restore(false), &restored, &references, dir.path());

    let out = restore(false);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already holds a database") && !stderr.contains(":postgres@"), "{stderr}");
    let out = restore(true);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_restored(&runtime, &restored, &references);
}

/// Drops the test's PostgreSQL databases when it ends, passed or failed.
struct DropDatabases(Vec<String>);

impl Drop for DropDatabases {
    fn drop(&mut self) {
        let names: Vec<String> = self.0.iter().filter_map(|u| u.rsplit_once('/')).map(|(_, n)| n.to_owned()).collect();
        let Ok(runtime) = tokio::runtime::Runtime::new() else { return };
        runtime.block_on(async {
            let Ok(admin) = pain_intake::server::db::Db::connect(&postgres_admin_url()).await else { return };
            for name in names {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin.pool).await;
            }
            admin.close().await;
        });
    }
}

#[test]
fn the_logs_of_a_full_intake_hold_no_patient_data() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/intake.db", dir.path().display());
    // Debug level: the strictest case, with every library's log lines on.
    let mut server = Server::start(&url, "debug");
    let addr = server.addr.clone();
    let mut intake = valid_intake();
    intake["clinical"]["medical"]["allergies"] = serde_json::json!("penicillin rash");
    let reply = http_post_json(&addr, "/api/v1/intakes", &intake.to_string());
    assert!(reply.starts_with("HTTP/1.1 201"), "{reply}");
    let mut bad = valid_intake();
    bad["patient"]["zip"] = serde_json::json!("Secret-Zip-Value");
    let reply = http_post_json(&addr, "/api/v1/intakes", &bad.to_string());
    assert!(reply.starts_with("HTTP/1.1 422"), "{reply}");
    let screening = http_post_json(&addr, "/api/v1/screening", &examples()[0].1["request"].to_string());
    assert!(screening.starts_with("HTTP/1.1 200"));
    server.stop();

    let log = server.log();
    assert!(log.contains("intake stored"), "the log is being captured: {log}");
    for phi in [
        "Jane",
        "Doe",
        "jane@example.com",
        "2145550182",
        "(214) 555-0182",
        "1980-04-02",
        "75201",
        "XYZ123456789",
        "gabapentin",
        "penicillin",
        "Secret-Zip-Value",
    ] {
        assert!(!log.contains(phi), "the log contains {phi:?}");
    }
}

fn user_add(db: &str, email: &str, role: &str, password: &str) -> Output {
    let mut child = bin()
        .args(["user", "add", "--database-url", db, "--email", email, "--name", "Ana Admin", "--role", role])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pain-intake");
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn user_add_creates_an_argon2id_account_and_refuses_weak_passwords_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/intake.db", dir.path().display());
    let out = user_add(&db, "Ana@Clinic.Test", "admin", "password");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 12 characters"));
    let out = user_add(&db, "ana@clinic.test", "admin", "1qaz2wsx3edc");
    assert!(String::from_utf8_lossy(&out.stderr).contains("most common"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = user_add(&db, "not an address", "admin", "a long enough passphrase");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a valid e-mail"));

    let out = user_add(&db, "Ana@Clinic.Test", "admin", "a long enough passphrase");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("created admin account ana@clinic.test"));
    let stored = Command::new("sqlite3")
        .args([&format!("{}/intake.db", dir.path().display()), "SELECT email, role, password_hash FROM users"])
        .output()
        .unwrap();
    let row = String::from_utf8_lossy(&stored.stdout).into_owned();
    assert!(row.starts_with("ana@clinic.test|admin|$argon2id$v=19$m=19456,t=2,p=1$"), "{row}");
    assert!(!row.contains("a long enough passphrase"));

    let out = user_add(&db, "ana@clinic.test", "clinician", "another long passphrase");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn audit_verify_reports_an_intact_chain_and_a_changed_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = format!("{}/intake.db", dir.path().display());
    let db = format!("sqlite://{file}");
    assert!(user_add(&db, "ana@clinic.test", "admin", "a long enough passphrase").status.success());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use pain_intake::server::staff::audit::{Action, Entry, Writer};
        let db = pain_intake::server::db::Db::open(&db).await.unwrap();
        let writer = Writer::start(&db);
        for target in ["A", "B", "C"] {
            let entry = Entry {
                actor_id: Some(1),
                actor: "ana@clinic.test",
                action: Action::ViewSubmission,
                target,
                client: "127.0.0.1",
                request_id: "r",
                detail: "",
            };
            writer.record(&entry).await.unwrap();
        }
        db.close().await;
    });
    let out = run(bin().args(["audit", "verify", "--database-url", &db]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("intact: 3 entries"));

    let tamper = Command::new("sqlite3")
        .args([
            "-cmd",
            ".timeout 5000",
            &file,
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET target = 'Z' WHERE seq = 2;",
        ])
        .output()
        .unwrap();
    assert!(tamper.status.success());
    let out = run(bin().args(["audit", "verify", "--database-url", &db]));
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("CHANGED") && text.contains('2'), "{text}");
}

#[test]
fn smtp_without_a_recipient_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(bin()
        .env("DATABASE_URL", format!("sqlite://{}/intake.db", dir.path().display()))
        .env("SMTP_URL", "smtp://127.0.0.1:2525")
        .env("LISTEN_ADDR", "127.0.0.1:0"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOTIFY_TO"));
    let out = run(bin()
        .env("DATABASE_URL", format!("sqlite://{}/intake.db", dir.path().display()))
        .env("SMTP_URL", "ftp://nowhere")
        .env("NOTIFY_TO", "clinic@example.org")
        .env("LISTEN_ADDR", "127.0.0.1:0"));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    // An on-call address needs a mail server, and must be an address.
    let out = run(bin()
        .env("DATABASE_URL", format!("sqlite://{}/intake.db", dir.path().display()))
        .env("ON_CALL_EMAIL", "oncall@clinic.example")
        .env("LISTEN_ADDR", "127.0.0.1:0"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ON_CALL_EMAIL is set but SMTP_URL is not"));
    let out = run(bin()
        .env("DATABASE_URL", format!("sqlite://{}/intake.db", dir.path().display()))
        .env("SMTP_URL", "smtp://127.0.0.1:2525")
        .env("NOTIFY_TO", "clinic@example.org")
        .env("ON_CALL_EMAIL", "the doctor on call")
        .env("LISTEN_ADDR", "127.0.0.1:0"));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("on-call") && !stderr.contains("panicked"), "{stderr}");
}

#[test]
fn real_time_eligibility_settings_that_are_not_usable_stop_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/intake.db", dir.path().display());
    for (extra, says) in [
        (
            &[("ELIGIBILITY_ENDPOINT", "http://core.clearinghouse.example/rt")][..],
            "ELIGIBILITY_ENDPOINT must be an https:// URL",
        ),
        (
            &[("ELIGIBILITY_ENDPOINT", "https://core.clearinghouse.example/rt")][..],
            "ELIGIBILITY_RECEIVER_ID is required",
        ),
        (&[("ELIGIBILITY_TIMEOUT_SECONDS", "121")][..], "ELIGIBILITY_TIMEOUT_SECONDS must be"),
        (
            &[("ELIGIBILITY_CLIENT_CERT", "/etc/hostname")][..],
            "ELIGIBILITY_CLIENT_CERT is set but ELIGIBILITY_CLIENT_KEY is not",
        ),
    ] {
        let mut cmd = bin();
        cmd.env("DATABASE_URL", &database).env("LISTEN_ADDR", "127.0.0.1:0");
        cmd.env("ELIGIBILITY_USERNAME", "clinic").env("ELIGIBILITY_PASSWORD", "pw-never-printed");
        for (name, value) in extra {
            cmd.env(name, value);
        }
        let out = run(&mut cmd);
        assert_one_line_startup_error(&out, says);
        assert!(!String::from_utf8_lossy(&out.stderr).contains("pw-never-printed"));
    }
}

#[test]
fn serve_refuses_to_start_without_an_encryption_key_outside_development() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(bin()
        .env_remove("ENCRYPTION_KEYS")
        .env("DATABASE_URL", format!("sqlite://{}/intake.db", dir.path().display()))
        .env("LISTEN_ADDR", "127.0.0.1:0"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("no encryption key") && err.contains("ENCRYPTION_KEYS"), "{err}");
    // A malformed key is refused too, without echoing it.
    let out = run(bin()
        .env("ENCRYPTION_KEYS", "k1:c2VjcmV0LWJ1dC1zaG9ydA==")
        .env("DATABASE_URL", format!("sqlite://{}/intake.db", dir.path().display()))
        .env("LISTEN_ADDR", "127.0.0.1:0"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("encryption keys") && !err.contains("c2VjcmV0"), "{err}");
}

#[test]
fn keys_generate_and_rotate_reseal_every_secret_under_the_new_key() {
    let out = run(bin().args(["keys", "generate", "--id", "2026-12"]));
    assert!(out.status.success());
    let new_key = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(new_key.starts_with("2026-12:") && new_key.len() == "2026-12:".len() + 44, "{new_key}");
    assert_eq!(run(bin().args(["keys", "generate", "--id", "Bad Id"])).status.code(), Some(1));

    let dir = tempfile::tempdir().unwrap();
    let file = format!("{}/intake.db", dir.path().display());
    let db = format!("sqlite://{file}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let old = pain_intake::server::crypto::Keyring::from_spec(TEST_KEY).unwrap();
    runtime.block_on(async {
        use pain_intake::domain::staff::Role;
        use pain_intake::server::staff::accounts;
        let db = pain_intake::server::db::Db::open(&db).await.unwrap();
        for (n, keys) in [(1, Some(&old)), (2, None)] {
            let id =
                accounts::create(&db, &format!("u{n}@clinic.test"), "U", Role::Clinician, Some("x")).await.unwrap();
            let stored = accounts::seal_secret(keys, id, "JBSWY3DPEHPK3PXP");
            accounts::enrol_two_factor(&db, id, &stored, 0, &[]).await.unwrap();
        }
        db.close().await;
    });
    let secrets = || {
        let out = Command::new("sqlite3")
            .args(["-cmd", ".timeout 5000", &file, "SELECT totp_secret FROM users ORDER BY id"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect::<Vec<_>>()
    };
    let before = secrets();
    assert!(before[0].starts_with("enc:v1:test-1:") && before[1] == "JBSWY3DPEHPK3PXP", "{before:?}");

    // The new key first, the old one still there to open old values.
    let both = format!("{new_key},{TEST_KEY}");
    let out = run(bin().args(["keys", "rotate", "--database-url", &db]).env("ENCRYPTION_KEYS", &both));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 resealed from older keys, 1 sealed that had no key"));
    let after = secrets();
    assert!(after.iter().all(|s| s.starts_with("enc:v1:2026-12:")), "{after:?}");
    let new_ring = pain_intake::server::crypto::Keyring::from_spec(&new_key).unwrap();
    for (i, s) in after.iter().enumerate() {
        let id = i as i64 + 1;
        assert_eq!(
            pain_intake::server::staff::accounts::open_secret(Some(&new_ring), id, s).as_deref(),
            Some("JBSWY3DPEHPK3PXP")
        );
    }
    // Without the key a value was sealed with, rotation stops and says which row.
    let out = run(bin().args(["keys", "rotate", "--database-url", &db]).env("ENCRYPTION_KEYS", TEST_KEY));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("users.totp_secret of row 1"));
}

#[test]
fn clinic_details_that_are_not_usable_stop_start_up() {
    for (name, value, says) in [
        ("CLINIC_PHONE", "555-0100", "US phone number"),
        ("CLINIC_PHONE", "call us", "US phone number"),
        ("CLINIC_ADDRESS", "100 Main St\nDallas", "one line"),
        ("CLINIC_HOURS_TEXT", &"x".repeat(201), "1 to 200 characters"),
        ("CLINIC_ADDRESS", "100 Main St \u{202e}sallaD", "one line"),
        ("PRIVACY_NOTICE_URL", "javascript:alert(1)", "https://"),
        ("PRIVACY_NOTICE_URL", "//evil.example/privacy", "https://"),
        ("PRIVACY_NOTICE_URL", "http://clinic.example/privacy", "https://"),
        ("CLINIC_LOGO", "https://cdn.example/logo.png", "site folder"),
        ("CLINIC_LOGO", "/../etc/passwd.png", "site folder"),
        ("CLINIC_LOGO", "/logo.exe", "site folder"),
    ] {
        let out = run(bin().env(name, value).env("LISTEN_ADDR", "127.0.0.1:0"));
        assert_eq!(out.status.code(), Some(2), "{name}={value:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says) && !stderr.contains("panicked"), "{name}={value:?}: {stderr}");
    }
}

/// "13 of 13 migrations applied", for the migrations this build has.
fn all_migrations_applied() -> String {
    let n = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap().count();
    format!("{n} of {n} migrations applied")
}

/// `pain-intake restore --from BACKUP` into `database_url`, with `--force` if asked.
fn restore_from(backup: &std::path::Path, database_url: &str, force: bool) -> Output {
    let mut cmd = bin();
    cmd.args(["restore", "--from"]).arg(backup).env("DATABASE_URL", database_url);
    if force {
        cmd.arg("--force");
    }
    run(&mut cmd)
}
