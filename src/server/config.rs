//! Settings from flags and environment variables (each flag has an `env` twin).
//!
//! Everything is checked here, at start-up: a bad setting stops the program with one
//! clear message instead of failing on the first request.

use crate::domain::booking::{
    BookingPolicy, Capacity, DayHours, HorizonDays, NoticeHours, SlotMinutes, Weekday, Window,
};
use crate::domain::followup::{Minutes, Windows};
use crate::domain::values::Phone;
use clap::{Args, Parser, Subcommand};
use jiff::tz::TimeZone;
use std::net::SocketAddr;

#[derive(Debug, Parser)]
#[command(
    name = "pain-intake",
    version,
    about = "Patient intake and ketamine-consult pre-screening for a pain clinic",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Settings for `serve`, which runs when no subcommand is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app (the default).
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate(DatabaseArgs),
    /// Print the screening evaluation of a request (a file, or `-` for standard input).
    /// Exits 0 with the evaluation, or 2 with the errors JSON.
    Screen(ScreenArgs),
    /// Write a consistent copy of the database, safe while the server runs (SQLite:
    /// `VACUUM INTO`; PostgreSQL: `pg_dump --format=custom`).
    Backup(BackupArgs),
    /// Put a backup made by `backup` in place of the database. Refuses a database that
    /// already holds one unless --force (stop the server first).
    Restore(RestoreArgs),
    /// Check what `serve` needs: settings, database, encryption keys, mail server, site
    /// folder. One line per check; exits 0 when none failed, 2 when one did. Changes nothing.
    Doctor(Box<ServeArgs>),
    /// Insurance eligibility files (X12 005010X279A1).
    #[command(subcommand)]
    X12(X12Command),
    /// Staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Encryption keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Consult hours (weekly ranges, slot length, capacity, closed dates), in the clinic's
    /// time zone.
    #[command(subcommand)]
    Hours(HoursCommand),
    /// Print the free consult slots between two dates as JSON (the API's shape).
    Slots(SlotsArgs),
    /// Real-time eligibility checks (CAQH CORE, `ELIGIBILITY_*`).
    #[command(subcommand)]
    Eligibility(EligibilityCommand),
    /// Fill a benchmark database with generated submissions (`make bench`).
    #[command(hide = true)]
    BenchGenerate(GenerateArgs),
}

#[derive(Debug, Subcommand)]
pub enum EligibilityCommand {
    /// Run one real-time check now and save it as the worker does; print the 271 as
    /// `x12 parse-271` does, plus "payload_id". Exit 0 on a 271, 2 with one line otherwise.
    Check(Box<EligibilityCheckArgs>),
    /// List the checks that wait or failed (references only).
    Pending(DatabaseArgs),
}

#[derive(Debug, Clone, Args)]
pub struct EligibilityCheckArgs {
    /// The intake and the clinic's identity, as `x12 build-270` takes them.
    #[command(flatten)]
    pub inquiry: Build270Args,

    #[command(flatten)]
    pub eligibility: crate::server::core_client::EligibilityArgs,
}

#[derive(Debug, Subcommand)]
pub enum HoursCommand {
    /// Replace one weekday's ranges (`--ranges none` closes it); optionally set the slot
    /// length and capacity, which apply to every slot.
    Set(HoursSetArgs),
    /// Close one date (a holiday).
    Close(HoursDateArgs),
    /// Reopen a closed date; with --ranges, also open one-off extra ranges on it.
    Open(HoursOpenArgs),
    /// Print the weekly hours, slot length, capacity, closed dates and extra ranges.
    Show(DatabaseArgs),
}

#[derive(Debug, Clone, Args)]
pub struct HoursSetArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// mon, tue, wed, thu, fri, sat or sun.
    #[arg(long, value_parser = parse_weekday)]
    pub weekday: Weekday,
    /// Ranges like 09:00-12:00,13:00-17:00 (24-hour, two digits), or none.
    #[arg(long, value_parser = parse_day_hours)]
    pub ranges: DayHours,
    /// Minutes per consult slot, 5 to 240 (every slot).
    #[arg(long, value_parser = parse_slot_minutes)]
    pub slot_minutes: Option<SlotMinutes>,
    /// Consults that can run at once in a slot, 1 to 20 (every slot).
    #[arg(long, value_parser = parse_capacity)]
    pub capacity: Option<Capacity>,
}

#[derive(Debug, Clone, Args)]
pub struct HoursDateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// A date, YYYY-MM-DD, today or later at the clinic.
    #[arg(long, value_parser = parse_date)]
    pub date: jiff::civil::Date,
    /// The clinic's time zone, which decides what "today" is.
    #[arg(long, env = "CLINIC_TIMEZONE", default_value = "America/Chicago", value_parser = parse_time_zone)]
    pub clinic_timezone: TimeZone,
}

#[derive(Debug, Clone, Args)]
pub struct HoursOpenArgs {
    #[command(flatten)]
    pub date: HoursDateArgs,
    /// Extra ranges on that date only, like 08:00-09:00.
    #[arg(long, value_parser = parse_day_hours)]
    pub ranges: Option<DayHours>,
}

#[derive(Debug, Clone, Args)]
pub struct SlotsArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// First date, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub from: jiff::civil::Date,
    /// Last date, YYYY-MM-DD (at most 31 days in all).
    #[arg(long, value_parser = parse_date)]
    pub to: jiff::civil::Date,
    #[arg(long, env = "CLINIC_TIMEZONE", default_value = "America/Chicago", value_parser = parse_time_zone)]
    pub clinic_timezone: TimeZone,
    #[command(flatten)]
    pub booking: BookingArgs,
}

fn parse_weekday(s: &str) -> Result<Weekday, String> {
    Weekday::parse(s.trim()).ok_or_else(|| format!("{s:?} is not a weekday: use mon, tue, wed, thu, fri, sat or sun"))
}

fn parse_day_hours(s: &str) -> Result<DayHours, String> {
    if s.trim() == "none" {
        return Ok(DayHours::closed());
    }
    DayHours::parse(s).map_err(|e| e.to_string())
}

fn parse_slot_minutes(s: &str) -> Result<SlotMinutes, String> {
    let n = s.trim().parse::<u32>().map_err(|_| format!("{s:?} is not a whole number of minutes"))?;
    SlotMinutes::parse(n).map_err(|e| e.to_string())
}

fn parse_capacity(s: &str) -> Result<Capacity, String> {
    let n = s.trim().parse::<u32>().map_err(|_| format!("{s:?} is not a whole number"))?;
    Capacity::parse(n).map_err(|e| e.to_string())
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    let s = s.trim();
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    ok.then(|| s.parse::<jiff::civil::Date>().ok())
        .flatten()
        .ok_or_else(|| format!("{s:?} is not a date: write YYYY-MM-DD, like 2027-12-24"))
}

#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    #[command(flatten)]
    pub keys: KeyArgs,

    /// How many submissions to add.
    #[arg(long, default_value_t = 1_000_000)]
    pub count: u64,

    /// The random generator's seed: the same seed gives the same submissions.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Print a new random key as `id:base64key`, ready for ENCRYPTION_KEYS.
    Generate {
        /// The key's name, e.g. the month it is introduced.
        #[arg(long, default_value = "k1")]
        id: String,
    },
    /// Re-encrypt every sealed value under the current (first) key; safe while the app runs.
    Rotate(RotateArgs),
}

#[derive(Debug, Clone, Args)]
pub struct RotateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    #[command(flatten)]
    pub keys: KeyArgs,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain; exits 0 when intact, 2 when it was changed.
    Verify(DatabaseArgs),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account; the password is read from standard input (one line).
    Add(UserAddArgs),
}

#[derive(Debug, Clone, Args)]
pub struct UserAddArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    #[arg(long)]
    pub email: String,

    #[arg(long)]
    pub name: String,

    #[arg(long, value_parser = ["admin", "clinician", "front_desk"])]
    pub role: String,
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Where to write the copy; the file must not exist yet.
    #[arg(long)]
    pub to: std::path::PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// The backup: an SQLite file, or a `pg_dump --format=custom` archive for PostgreSQL.
    #[arg(long)]
    pub from: std::path::PathBuf,

    /// Replace a database that already holds data. SQLite keeps the replaced file beside
    /// it (`<name>.before-restore-<time>`); PostgreSQL's objects are dropped and recreated.
    #[arg(long, default_value_t = false)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum X12Command {
    /// Print the 270 eligibility inquiry for a stored intake.
    #[command(name = "build-270")]
    Build270(Box<Build270Args>),
    /// Print a 271 eligibility response (a file, or `-`) as JSON; exit 2 on malformed input.
    #[command(name = "parse-271")]
    Parse271 {
        /// The 271 file, or `-` for standard input.
        file: String,
    },
}

/// Where the encryption keys come from (never the database).
#[derive(Debug, Clone, Args)]
pub struct KeyArgs {
    /// Encryption keys as `id:base64key`, comma-separated, the current key first
    /// (`pain-intake keys generate` makes one). Required unless in development mode.
    #[arg(long = "encryption-keys", env = "ENCRYPTION_KEYS", hide_env_values = true)]
    pub encryption_keys: Option<String>,

    /// A file with the same content, one key per line (`#` comments allowed).
    #[arg(long = "encryption-keys-file", env = "ENCRYPTION_KEYS_FILE")]
    pub encryption_keys_file: Option<std::path::PathBuf>,
}

impl KeyArgs {
    /// The keyring, `None` when no key is configured.
    pub fn keyring(&self) -> Result<Option<crate::server::crypto::Keyring>, String> {
        crate::server::crypto::Keyring::from_env_or_file(
            self.encryption_keys.as_deref(),
            self.encryption_keys_file.as_deref(),
        )
        .map_err(|e| format!("encryption keys: {e}"))
    }
}

/// How soon an alarming submission must be called back (`safety-followup.md`). Each is
/// 1 to 10,080 minutes (a week).
#[derive(Debug, Clone, Args)]
pub struct FollowUpArgs {
    /// Minutes to call back after an emergency outcome.
    #[arg(long, env = "FOLLOW_UP_EMERGENCY_MINUTES", default_value = "60", value_parser = parse_minutes)]
    pub follow_up_emergency_minutes: Minutes,
    /// Minutes to call back after a safety alert (PHQ-9 item 9 above 0).
    #[arg(long, env = "FOLLOW_UP_SAFETY_MINUTES", default_value = "240", value_parser = parse_minutes)]
    pub follow_up_safety_minutes: Minutes,
    /// Minutes to call back after an urgent-care outcome.
    #[arg(long, env = "FOLLOW_UP_URGENT_MINUTES", default_value = "1440", value_parser = parse_minutes)]
    pub follow_up_urgent_minutes: Minutes,
    /// Minutes an acknowledgement ("I am on it") holds off escalation.
    #[arg(long, env = "FOLLOW_UP_ACK_MINUTES", default_value = "60", value_parser = parse_minutes)]
    pub follow_up_ack_minutes: Minutes,
    /// Minutes between escalation e-mails while nobody acts.
    #[arg(long, env = "FOLLOW_UP_REPEAT_MINUTES", default_value = "30", value_parser = parse_minutes)]
    pub follow_up_repeat_minutes: Minutes,
}

impl FollowUpArgs {
    pub fn windows(&self) -> Windows {
        Windows {
            emergency: self.follow_up_emergency_minutes,
            safety: self.follow_up_safety_minutes,
            urgent: self.follow_up_urgent_minutes,
            acknowledge: self.follow_up_ack_minutes,
            repeat: self.follow_up_repeat_minutes,
        }
    }
}

/// Self-booking's limits (`booking.md`): the bookable window and the change cutoff.
#[derive(Debug, Clone, Args)]
pub struct BookingArgs {
    /// Hours from now before the first slot a patient may book (0 to 720).
    #[arg(long, env = "BOOKING_MIN_NOTICE_HOURS", default_value = "24", value_parser = parse_notice)]
    pub booking_min_notice_hours: NoticeHours,
    /// Days ahead a patient may book (1 to 730).
    #[arg(long, env = "BOOKING_HORIZON_DAYS", default_value = "60", value_parser = parse_horizon)]
    pub booking_horizon_days: HorizonDays,
    /// Within this many hours of the consult a patient can no longer change or cancel it
    /// online, and is told to call (0 to 720).
    #[arg(long, env = "BOOKING_CHANGE_CUTOFF_HOURS", default_value = "24", value_parser = parse_notice)]
    pub booking_change_cutoff_hours: NoticeHours,
    /// Hours before a consult that the patient is reminded by e-mail, comma-separated
    /// (each 1 to 720; default 48,2).
    #[arg(long, env = "REMINDER_HOURS", default_value = "48,2", value_parser = parse_reminder_hours)]
    pub reminder_hours: ReminderHours,
}

/// `REMINDER_HOURS`, parsed: distinct hours, each 1 to 720.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderHours(pub Vec<u32>);

impl BookingArgs {
    pub fn policy(&self) -> BookingPolicy {
        BookingPolicy {
            window: Window { min_notice: self.booking_min_notice_hours, horizon: self.booking_horizon_days },
            change_cutoff: self.booking_change_cutoff_hours,
        }
    }
}

fn parse_notice(s: &str) -> Result<NoticeHours, String> {
    let n = s.trim().parse::<u32>().map_err(|_| format!("{s:?} is not a whole number of hours"))?;
    NoticeHours::parse(n).map_err(|e| e.to_string())
}

/// `48,2`: distinct whole hours from 1 to 720 (a list, not one value per flag).
fn parse_reminder_hours(s: &str) -> Result<ReminderHours, String> {
    let mut hours = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let h = part.parse::<u32>().ok().filter(|h| (1..=720).contains(h));
        let h = h.ok_or_else(|| format!("{part:?} is not a whole number of hours from 1 to 720"))?;
        if !hours.contains(&h) {
            hours.push(h);
        }
    }
    Ok(ReminderHours(hours))
}

fn parse_horizon(s: &str) -> Result<HorizonDays, String> {
    let n = s.trim().parse::<u32>().map_err(|_| format!("{s:?} is not a whole number of days"))?;
    HorizonDays::parse(n).map_err(|e| e.to_string())
}

fn parse_minutes(s: &str) -> Result<Minutes, String> {
    s.trim()
        .parse::<u32>()
        .ok()
        .and_then(Minutes::parse)
        .ok_or_else(|| format!("must be a whole number of minutes from 1 to {} (a week)", Minutes::MAX))
}

/// The clinic's identifiers in X12 interchanges (from its clearinghouse enrolment).
#[derive(Debug, Clone, Args)]
pub struct X12Args {
    /// ISA06/GS02: the clinic's submitter ID at the clearinghouse.
    #[arg(long = "x12-sender-id", env = "X12_SENDER_ID", default_value = "CLINICSUBMIT")]
    pub sender_id: String,

    /// ISA08/GS03: the clearinghouse's receiver ID.
    #[arg(long = "x12-receiver-id", env = "X12_RECEIVER_ID", default_value = "CLEARINGHOUSE")]
    pub receiver_id: String,

    /// TRN03: `9` and nine characters the clinic assigns itself.
    #[arg(long = "x12-originator-id", env = "X12_ORIGINATOR_ID", default_value = "9CLINIC001")]
    pub originator_id: String,

    /// Mark interchanges as production (`P`) instead of test (`T`).
    #[arg(long = "x12-production", env = "X12_PRODUCTION", default_value_t = false)]
    pub production: bool,
}

#[derive(Debug, Clone, Args)]
pub struct Build270Args {
    #[command(flatten)]
    pub database: DatabaseArgs,

    #[command(flatten)]
    pub keys: KeyArgs,

    /// The intake's reference, as the patient quotes it (`K7Q2-9XPM`).
    #[arg(long)]
    pub reference: String,

    /// The clinic's NPI (billing provider in loop 2100B).
    #[arg(long, env = "CLINIC_NPI", value_parser = parse_npi)]
    pub clinic_npi: String,

    /// The clinic's name as enrolled with payers.
    #[arg(long, env = "CLINIC_NAME", default_value = "Pain Clinic", value_parser = parse_clinic_name)]
    pub clinic_name: String,

    #[command(flatten)]
    pub x12: X12Args,

    /// The clinic's time zone: the date of service and the envelope's date and time.
    #[arg(long, env = "CLINIC_TIMEZONE", default_value = "America/Chicago", value_parser = parse_time_zone)]
    pub clinic_timezone: TimeZone,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database URL: `sqlite://path` (created on first run) or `postgres://user:pass@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/intake.db")]
    pub database_url: String,
}

#[derive(Debug, Clone, Args)]
pub struct ScreenArgs {
    /// The screening request JSON (`POST /api/v1/screening` body), or `-` for standard input.
    pub file: String,

    /// The clinic's time zone, which decides "today" when the request has no `as_of`.
    #[arg(long, env = "CLINIC_TIMEZONE", default_value = "America/Chicago", value_parser = parse_time_zone)]
    pub clinic_timezone: TimeZone,

    /// Language of the messages: `en` or `es`.
    #[arg(long, default_value = "en", value_parser = ["en", "es"])]
    pub lang: String,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Address and port to listen on.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Folder with the built site (`pkg/` with CSS, JS and WASM), made by cargo-leptos.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// The clinic's name, shown on every page.
    #[arg(long, env = "CLINIC_NAME", default_value = "Pain Clinic", value_parser = parse_clinic_name)]
    pub clinic_name: String,

    /// The clinician named as "Medically reviewed by" on the education pages.
    #[arg(long, env = "MEDICAL_REVIEWER", default_value = "the clinic's medical director", value_parser = parse_clinic_name)]
    pub medical_reviewer: String,

    /// The clinic's phone number for patients (a US number), on every patient page as
    /// a tap-to-call link, e.g. `214-555-0100`.
    #[arg(long, env = "CLINIC_PHONE", value_parser = parse_clinic_phone)]
    pub clinic_phone: Option<Phone>,

    /// The clinic's street address, one line, on every patient page.
    #[arg(long, env = "CLINIC_ADDRESS", value_parser = parse_clinic_line)]
    pub clinic_address: Option<String>,

    /// When the clinic answers the phone, e.g. "Monday to Friday, 8 a.m. to 5 p.m.".
    #[arg(long, env = "CLINIC_HOURS_TEXT", value_parser = parse_clinic_line)]
    pub clinic_hours_text: Option<String>,

    /// The clinic's notice of privacy practices (an https:// address, or a path on this
    /// site), linked from the consent step and every patient page.
    #[arg(long, env = "PRIVACY_NOTICE_URL", value_parser = parse_privacy_url)]
    pub privacy_notice_url: Option<String>,

    /// The clinic's logo: a picture in the site folder, by its path (`/logo.svg`; SVG,
    /// PNG, JPEG or WebP), shown beside the name in every page's header.
    #[arg(long, env = "CLINIC_LOGO", value_parser = parse_logo_path)]
    pub clinic_logo: Option<String>,

    /// The clinic's main colour (`#RRGGBB`) for links and buttons. It must keep text
    /// readable: at least 4.5:1 contrast against white (WCAG AA).
    #[arg(long, env = "BRAND_COLOR", default_value = "#0b5c7a", value_parser = parse_brand_color)]
    pub brand_color: String,

    /// The clinic's 10-digit National Provider Identifier (check digit verified), used in
    /// eligibility requests.
    #[arg(long, env = "CLINIC_NPI", value_parser = parse_npi)]
    pub clinic_npi: Option<String>,

    /// The clinic's time zone: decides what "today" is for ages and dates.
    #[arg(long, env = "CLINIC_TIMEZONE", default_value = "America/Chicago", value_parser = parse_time_zone)]
    pub clinic_timezone: TimeZone,

    /// The public address of the app, as patients reach it (used in links and e-mails).
    #[arg(long, env = "PUBLIC_URL", default_value = "http://127.0.0.1:3000", value_parser = parse_public_url)]
    pub public_url: url::Url,

    /// Development mode: allows cookies without HTTPS. Never use it in production.
    #[arg(long, env = "DEV_MODE", default_value_t = false)]
    pub dev: bool,

    /// Log filter, e.g. `info` or `pain_intake=debug,tower_http=info`.
    #[arg(long, env = "LOG_LEVEL", default_value = "info", value_parser = parse_log_filter)]
    pub log_level: String,

    /// Requests a minute one client address may make to each JSON API endpoint.
    #[arg(long, env = "API_RATE_LIMIT_PER_MINUTE", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub api_rate_limit_per_minute: u32,

    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    #[arg(long, env = "TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,

    #[command(flatten)]
    pub x12: X12Args,

    #[command(flatten)]
    pub keys: KeyArgs,

    #[command(flatten)]
    pub follow_up: FollowUpArgs,

    #[command(flatten)]
    pub booking: BookingArgs,

    /// Real-time eligibility checks over CAQH CORE connectivity (`ELIGIBILITY_*`).
    #[command(flatten)]
    pub eligibility: crate::server::core_client::EligibilityArgs,

    /// Staff sign-in attempts a minute from one client address (security.md: about 5).
    #[arg(long, env = "SIGN_IN_RATE_LIMIT_PER_MINUTE", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub sign_in_rate_limit_per_minute: u32,

    /// Who must use two-factor sign-in: `all` staff (the default) or only `admins`.
    #[arg(long, env = "STAFF_TWO_FACTOR", default_value = "all", value_parser = ["all", "admins"])]
    pub staff_two_factor: String,

    /// SMTP server for new-submission e-mails, e.g. `smtps://user:pass@mail.example.org`
    /// or `smtp://127.0.0.1:25`. Without it no e-mail is sent (submissions wait in the outbox).
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<String>,

    /// The clinic's address that receives a message for every new submission.
    #[arg(long, env = "NOTIFY_TO")]
    pub notify_to: Option<String>,

    /// The sender of those messages.
    #[arg(long, env = "NOTIFY_FROM", default_value = "pain-intake@localhost")]
    pub notify_from: String,

    /// Who is paged by e-mail when a safety follow-up is overdue and nobody acknowledged
    /// it (besides NOTIFY_TO). Needs SMTP_URL.
    #[arg(long, env = "ON_CALL_EMAIL")]
    pub on_call_email: Option<String>,

    /// A secret Prometheus must send as `Authorization: Bearer TOKEN` to read /metrics,
    /// from any address: 32 to 1024 visible ASCII characters, no spaces (`openssl rand
    /// -hex 32`). Without it /metrics answers only the loopback address, and only
    /// requests that came through no proxy. Prefer the environment (or the settings
    /// file) to the flag, which other users can see in the process list.
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Adds `POST /bench/insert`, the bare-INSERT floor `make bench` compares intakes
    /// with, and its scratch table. For benchmark databases only.
    #[arg(long, env = "BENCH_FLOORS", default_value_t = false)]
    pub bench_floors: bool,

    /// Turns off the staff queue's page cache, so every queue view runs its queries:
    /// `make bench`'s million-submission runs measure those, not the cache. For
    /// benchmark databases only.
    #[arg(long, env = "BENCH_NO_QUEUE_CACHE", default_value_t = false, hide = true)]
    pub bench_no_queue_cache: bool,
}

fn parse_clinic_phone(s: &str) -> Result<Phone, String> {
    Phone::parse(s).map_err(|_| "must be a US phone number with area code, e.g. 214-555-0100".into())
}

/// One line of text for patients: 1 to 200 characters, no control or invisible
/// formatting characters (which could reorder what the page shows).
fn parse_clinic_line(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > 200 {
        Err("must be 1 to 200 characters".into())
    } else if t.chars().any(|c| c.is_control() || crate::domain::values::is_invisible_format(c)) {
        Err("must be one line of plain text".into())
    } else {
        Ok(t.to_owned())
    }
}

/// An `https://` address, or a path on this site (`/privacy`); nothing a link could
/// misuse (`javascript:`, `//other.site`).
fn parse_privacy_url(s: &str) -> Result<String, String> {
    let t = s.trim();
    let local = t.starts_with('/') && !t.starts_with("//") && !t.contains('\\');
    let https = url::Url::parse(t).is_ok_and(|u| u.scheme() == "https" && u.has_host());
    if (local || https) && !t.chars().any(|c| c.is_control() || c.is_whitespace()) {
        Ok(t.to_owned())
    } else {
        Err("must be an https:// address or a path on this site such as /privacy".into())
    }
}

/// A picture on this site: the pages' CSP loads images from this site only.
fn parse_logo_path(s: &str) -> Result<String, String> {
    let t = s.trim();
    let local = t.starts_with('/') && !t.starts_with("//") && !t.contains(['\\', '?', '#']) && !t.contains("..");
    let picture = [".svg", ".png", ".jpg", ".jpeg", ".webp"].iter().any(|e| t.to_ascii_lowercase().ends_with(e));
    if local && picture && !t.chars().any(|c| c.is_control() || c.is_whitespace()) {
        Ok(t.to_owned())
    } else {
        Err("must be the path of a picture in the site folder, such as /logo.svg (SVG, PNG, JPEG or WebP)".into())
    }
}

fn parse_clinic_name(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > 120 {
        Err("must be 1 to 120 characters".into())
    } else {
        Ok(t.to_owned())
    }
}

/// A `#RRGGBB` colour with at least 4.5:1 contrast against white.
pub fn parse_brand_color(s: &str) -> Result<String, String> {
    let hex = s.trim().strip_prefix('#').unwrap_or("");
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("use a colour like #0b5c7a".into());
    }
    let channel = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
    let linear = |c: f64| if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) };
    let luminance = 0.2126 * linear(channel(0)) + 0.7152 * linear(channel(2)) + 0.0722 * linear(channel(4));
    let contrast = 1.05 / (luminance + 0.05);
    if contrast < 4.5 {
        return Err(format!("contrast against white is {contrast:.2}:1; choose a darker colour (4.5:1 or more)"));
    }
    Ok(format!("#{}", hex.to_ascii_lowercase()))
}

fn parse_time_zone(s: &str) -> Result<TimeZone, String> {
    TimeZone::get(s).map_err(|_| format!("unknown time zone {s:?}; use an IANA name like America/Chicago"))
}

fn parse_public_url(s: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(s).map_err(|e| format!("not a URL: {e}"))?;
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Ok(url),
        _ => Err("must be an http:// or https:// URL with a host".into()),
    }
}

fn parse_log_filter(s: &str) -> Result<String, String> {
    tracing_subscriber::EnvFilter::try_new(s).map_err(|e| format!("invalid log filter: {e}"))?;
    Ok(s.to_owned())
}

/// A 10-digit NPI whose Luhn check digit is right (see `x12::Npi`).
pub fn parse_npi(s: &str) -> Result<String, String> {
    crate::x12::Npi::parse(s).map(|n| n.as_str().to_owned()).map_err(|e| e.to_string())
}

impl ServeArgs {
    /// Whether cookies must be `Secure` and HSTS sent: yes unless in development.
    pub fn https_only(&self) -> bool {
        !self.dev
    }

    /// The encryption keys. Health information is only stored encrypted, so outside
    /// development mode having none is an error.
    pub fn keyring(&self) -> Result<Option<crate::server::crypto::Keyring>, String> {
        let keys = self.keys.keyring()?;
        if keys.is_none() && !self.dev {
            return Err(
                "no encryption key: set ENCRYPTION_KEYS (or ENCRYPTION_KEYS_FILE); `pain-intake keys generate` \
                        makes one. Only development mode (DEV_MODE=true) runs without one."
                    .into(),
            );
        }
        Ok(keys)
    }

    /// The clinic's e-mail settings (new submissions, follow-up escalations), checked;
    /// `None` without `SMTP_URL`. Errors never quote the SMTP password.
    pub fn notify_config(&self) -> Result<Option<crate::server::notify::NotifyConfig>, String> {
        use crate::server::notify::NotifyConfig;
        match (&self.smtp_url, &self.notify_to) {
            (Some(url), Some(to)) => {
                let config = NotifyConfig::new(url, &self.notify_from, to, &self.clinic_name, self.public_url.as_str())
                    .map_err(|e| e.to_string())?;
                match &self.on_call_email {
                    Some(on_call) => config.with_on_call(on_call).map(Some).map_err(|e| e.to_string()),
                    None => Ok(Some(config)),
                }
            }
            (Some(_), None) => Err("SMTP_URL is set but NOTIFY_TO is not: say which address gets the e-mails".into()),
            (None, _) if self.on_call_email.is_some() => {
                Err("ON_CALL_EMAIL is set but SMTP_URL is not: escalations could not be sent".into())
            }
            (None, _) => Ok(None),
        }
    }

    /// The real-time eligibility client (CORE), checked with its TLS files and password
    /// file; `None` without `ELIGIBILITY_ENDPOINT`.
    pub fn core_client(&self) -> Result<Option<crate::server::core_client::CoreClient>, String> {
        let Some(settings) = self.eligibility.settings(&self.x12.sender_id)? else {
            return Ok(None);
        };
        if self.clinic_npi.is_none() {
            return Err("ELIGIBILITY_ENDPOINT needs CLINIC_NPI: the 270 names the clinic by its NPI".into());
        }
        crate::server::core_client::CoreClient::new(&settings).map(Some).map_err(|e| e.to_string())
    }

    /// `METRICS_TOKEN`, checked. Checked here rather than by clap, whose message would
    /// print the rejected value: a secret, or something close to one.
    pub fn metrics_token(&self) -> Result<Option<MetricsToken>, String> {
        self.metrics_token.as_deref().map(MetricsToken::parse).transpose()
    }
}

/// The bearer token that opens `/metrics` from anywhere: 32 to 1024 visible ASCII
/// characters (what an `Authorization` header can carry as typed), so it cannot be a
/// short, guessable word. Its `Debug` does not show it.
#[derive(Clone)]
pub struct MetricsToken(String);

impl MetricsToken {
    pub const MIN_LEN: usize = 32;
    pub const MAX_LEN: usize = 1024;

    pub fn parse(s: &str) -> Result<Self, String> {
        let visible = s.bytes().all(|b| b.is_ascii_graphic());
        if (Self::MIN_LEN..=Self::MAX_LEN).contains(&s.len()) && visible {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!(
                "METRICS_TOKEN must be {} to {} visible ASCII characters without spaces (for example the output of \
                 `openssl rand -hex 32`); the value given is not shown",
                Self::MIN_LEN,
                Self::MAX_LEN
            ))
        }
    }

    /// Whether `presented` is the token, in time that does not depend on where they
    /// differ: both are hashed to 32 bytes first, so their lengths do not show either.
    pub fn matches(&self, presented: &[u8]) -> bool {
        use sha2::{Digest, Sha256};
        use subtle::ConstantTimeEq;
        Sha256::digest(self.0.as_bytes()).ct_eq(&Sha256::digest(presented)).into()
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npi_check_digit_follows_the_cms_luhn_rule() {
        // The CMS example NPI.
        assert!(parse_npi("1234567893").is_ok());
        assert!(parse_npi("1234567890").is_err());
        assert!(parse_npi("123456789").is_err());
        assert!(parse_npi("12345678a3").is_err());
    }

    #[test]
    fn bad_settings_are_refused_with_a_message() {
        let err = Cli::try_parse_from(["pain-intake", "--listen", "nowhere"]).unwrap_err();
        assert!(err.to_string().contains("--listen"));
        let err = Cli::try_parse_from(["pain-intake", "--clinic-timezone", "Mars/Olympus"]).unwrap_err();
        assert!(err.to_string().contains("unknown time zone"));
        let err = Cli::try_parse_from(["pain-intake", "--public-url", "ftp://x"]).unwrap_err();
        assert!(err.to_string().contains("http"));
        let err = Cli::try_parse_from(["pain-intake", "--brand-color", "#ffcc00"]).unwrap_err();
        assert!(err.to_string().contains("contrast"));
        assert!(Cli::try_parse_from(["pain-intake", "--brand-color", "#0B5C7A"]).is_ok());
        let err = Cli::try_parse_from(["pain-intake", "--api-rate-limit-per-minute", "0"]).unwrap_err();
        assert!(err.to_string().contains("rate-limit"));
        assert!(Cli::try_parse_from(["pain-intake", "serve", "--dev"]).is_ok());
    }

    #[test]
    fn a_metrics_token_is_long_visible_ascii_and_compared_whole() {
        let good = "0123456789abcdef0123456789abcdef";
        let token = MetricsToken::parse(good).unwrap();
        assert!(token.matches(good.as_bytes()));
        assert!(!token.matches(&good.as_bytes()[..31]));
        assert!(!token.matches(format!("{good}x").as_bytes()));
        assert!(!token.matches(b""));
        for bad in [
            "",
            "short",
            &good[..31],
            "0123456789abcdef 0123456789abcdef",
            "0123456789abcdef\t0123456789abcdef",
            "ü123456789abcdef0123456789abcdef",
            &"x".repeat(1025),
        ] {
            let err = MetricsToken::parse(bad).unwrap_err();
            assert!(err.contains("METRICS_TOKEN must be 32 to 1024 visible ASCII characters"), "{bad:?}: {err}");
            assert!(bad.len() < 4 || !err.contains(bad), "the value is not echoed");
        }
        assert!(!format!("{token:?}").contains(good));
        let args = Cli::try_parse_from(["pain-intake", "--metrics-token", "short"]).unwrap().serve;
        assert!(args.metrics_token().is_err());
        let args = Cli::try_parse_from(["pain-intake", "--metrics-token", good]).unwrap().serve;
        assert!(args.metrics_token().unwrap().is_some());
    }
}
