//! `hours …` and `slots` as an admin runs them (`booking.md`): the weekly hours, slot
//! length and capacity, closed and extra dates, and the free slots as the API's JSON; bad
//! input is one clear line and changes nothing. On SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use common::process::{bin, fresh_postgres_database};
use jiff::{Timestamp, ToSpan};
use serde_json::Value;
use std::process::Output;

fn pain_intake(url: &str, args: &[&str]) -> Output {
    bin().args(args).env("DATABASE_URL", url).env("CLINIC_TIMEZONE", "America/Chicago").output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn hours_and_slots(url: &str) {
    let set = pain_intake(
        url,
        &[
            "hours",
            "set",
            "--weekday",
            "mon",
            "--ranges",
            "09:00-12:00,13:00-17:00",
            "--slot-minutes",
            "60",
            "--capacity",
            "2",
        ],
    );
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(stdout(&set).contains("mon  09:00-12:00,13:00-17:00"), "{}", stdout(&set));
    assert!(stdout(&set).contains("slot 60 minutes, capacity 2"));
    assert!(stdout(&set).contains("tue  closed"), "a weekday never set is closed");

    // Next Monday (at least 8 days away, past the 24 hours' notice), closed then reopened
    // with an extra early hour.
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::get("America/Chicago").unwrap()).date();
    let mut monday = today + 8.days();
    while monday.weekday() != jiff::civil::Weekday::Monday {
        monday = monday.tomorrow().unwrap();
    }
    let day = monday.to_string();
    let slots = |url: &str| -> Value {
        let out = pain_intake(url, &["slots", "--from", &day, "--to", &day]);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_str(&stdout(&out)).unwrap()
    };
    let open = slots(url);
    assert_eq!(open["time_zone"], "America/Chicago");
    assert_eq!(open["slot_minutes"], 60);
    let starts: Vec<&str> = open["slots"].as_array().unwrap().iter().map(|s| s["start"].as_str().unwrap()).collect();
    assert_eq!(starts.len(), 7, "3 morning + 4 afternoon hours: {starts:?}");
    assert!(starts[0].starts_with(&format!("{day}T09:00:00-0")), "{starts:?}");
    assert_eq!(open["slots"][0]["available"], 2);

    let close = pain_intake(url, &["hours", "close", "--date", &day]);
    assert!(close.status.success(), "{}", stderr(&close));
    assert_eq!(slots(url)["slots"].as_array().unwrap().len(), 0, "a closed date has no slots");
    let show = pain_intake(url, &["hours", "show"]);
    assert!(stdout(&show).contains(&format!("closed dates: {day}")), "{}", stdout(&show));

    let reopen = pain_intake(url, &["hours", "open", "--date", &day, "--ranges", "07:00-08:00"]);
    assert!(reopen.status.success(), "{}", stderr(&reopen));
    let starts = slots(url)["slots"].as_array().unwrap().len();
    assert_eq!(starts, 8, "reopened, with the extra 07:00 slot");

    // Bad input: one clear line, exit 2 (clap) or 1, nothing changed.
    let before = stdout(&pain_intake(url, &["hours", "show"]));
    for (args, says) in [
        (vec!["hours", "set", "--weekday", "monday", "--ranges", "09:00-12:00"], "is not a weekday"),
        (vec!["hours", "set", "--weekday", "mon", "--ranges", "9:00-12:00"], "is not a time"),
        (vec!["hours", "set", "--weekday", "mon", "--ranges", "12:00-09:00"], "the end must be after the start"),
        (vec!["hours", "set", "--weekday", "mon", "--ranges", "09:00-12:00,11:00-13:00"], "overlap"),
        (vec!["hours", "set", "--weekday", "mon", "--ranges", "24:00-25:00"], "the hour must be 00 to 23"),
        (vec!["hours", "set", "--weekday", "mon", "--ranges", "09:00-12:00", "--capacity", "0"], "capacity of 0"),
        (
            vec!["hours", "set", "--weekday", "mon", "--ranges", "09:00-12:00", "--slot-minutes", "3"],
            "slot of 3 minutes",
        ),
        (vec!["hours", "close", "--date", "2020-01-01"], "is in the past"),
        (vec!["hours", "close", "--date", "2027-02-30"], "is not a date"),
        (vec!["hours", "open", "--date", "12/24/2027"], "is not a date"),
        (vec!["slots", "--from", "2027-03-01", "--to", "2027-04-15"], "at most 31"),
        (vec!["slots", "--from", "2027-03-15", "--to", "2027-03-01"], "after"),
    ] {
        let out = pain_intake(url, &args);
        assert!(!out.status.success(), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    assert_eq!(stdout(&pain_intake(url, &["hours", "show"])), before, "nothing changed");
}

#[test]
fn hours_and_slots_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    hours_and_slots(&format!("sqlite://{}", dir.path().join("intake.db").display()));
}

#[test]
fn hours_and_slots_on_postgresql() {
    hours_and_slots(&fresh_postgres_database("hours"));
}
