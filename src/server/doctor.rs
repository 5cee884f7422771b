//! `pain-intake doctor`: what an IT contractor runs to learn what is wrong with an
//! installation. It takes the same settings as `serve` and checks what `serve` needs:
//! the settings themselves, the database (reachable, migrated, SQLite's pragmas and free
//! disk space), that every sealed value opens with the configured keys, the mail server,
//! the real-time eligibility (CORE) endpoint when one is set, and the site folder with the
//! files the pages name.
//!
//! It changes nothing: the database is opened read-only (never created or migrated), the
//! mail server is greeted and left without an e-mail, the CORE endpoint gets a `HEAD`
//! without credentials or a 270. Each check is a function that
//! returns what it found as a typed value; `finding()` turns that into one line, `ok`,
//! `warn` or `FAIL` (or `skip` when what it needs failed first). Lines carry counts,
//! setting names, key ids, paths and addresses with their passwords replaced: never a
//! stored value, a password or key material.

use super::config::ServeArgs;
use super::core_client::CoreClient;
use super::crypto::{is_sealed, key_id_of, record_aad, CryptoError, Keyring};
use super::db::{self, Backend, DbError, Migrations, ReadOnly};
use super::http::assets;
use super::keys::{Plain, SEALED_COLUMNS};
use super::notify::{self, Mailer, NotifyConfig};
use base64::Engine;
use sqlx::Row;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Works, but someone should look (the exit code stays 0).
    Warn,
    /// `serve` would fail or misbehave: exit code 2.
    Fail,
    /// Not checked, because something it needs failed first.
    Skip,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
            Status::Skip => "skip",
        }
    }
}

/// One line of the report: `ok    database: reachable (sqlite 3.46.0), 12 of 12 migrations applied`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: &'static str,
    pub status: Status,
    pub message: String,
}

impl Finding {
    fn new(check: &'static str, status: Status, message: impl Into<String>) -> Self {
        Self { check, status, message: message.into() }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<6}{}: {}", self.status.word(), self.check, self.message)
    }
}

/// Runs every check in order, handing each line to `report` as soon as it is known (the
/// mail server may take its full time limit to fail).
pub async fn run(args: &ServeArgs, mut report: impl FnMut(Finding)) {
    let settings = settings(args);
    report(settings.finding());

    let url = &args.database.database_url;
    match ReadOnly::connect(url).await {
        Err(e) => {
            report(unreachable(&e));
            report(Finding::new("keys", Status::Skip, "not checked: the database cannot be read"));
        }
        Ok(db) => {
            report(match database(&db).await {
                Ok(state) => state.finding(),
                Err(e) => Finding::new("database", Status::Fail, format!("reachable, but cannot be read: {e}")),
            });
            if let (Backend::Sqlite, Some(file)) = (db.backend, db::sqlite_file(url)) {
                report(match sqlite_pragmas(&db).await {
                    Ok(pragmas) => pragmas.finding(),
                    Err(e) => Finding::new("sqlite", Status::Fail, format!("cannot read the pragmas: {e}")),
                });
                report(match disk(Path::new(file)) {
                    Ok(disk) => disk.finding(),
                    Err(e) => Finding::new("disk", Status::Fail, format!("cannot read the free space: {e}")),
                });
            }
            report(match &settings.keys {
                Ok(keys) => match sealed_values(&db, keys.as_ref()).await {
                    Ok(values) => values.finding(keys.as_ref(), key_source(args)),
                    Err(e) => Finding::new("keys", Status::Fail, format!("cannot read the sealed columns: {e}")),
                },
                Err(_) => Finding::new("keys", Status::Skip, "not checked: the encryption key settings are not usable"),
            });
            db.close().await;
        }
    }

    report(match &settings.notify {
        Ok(Some(config)) => smtp(config).await.finding(),
        Ok(None) => Finding::new(
            "smtp",
            Status::Warn,
            "not configured (SMTP_URL): new-submission e-mails wait in the outbox and overdue safety follow-ups \
             are not escalated",
        ),
        Err(_) => Finding::new("smtp", Status::Skip, "not checked: the e-mail settings are not usable"),
    });

    report(match &settings.eligibility {
        Ok(Some(client)) => eligibility(client).await.finding(),
        Ok(None) => Finding::new(
            "eligibility",
            Status::Ok,
            "real-time checks off (ELIGIBILITY_ENDPOINT not set): staff use the 270/271 files",
        ),
        Err(_) => {
            Finding::new("eligibility", Status::Skip, "not checked: the real-time eligibility settings are not usable")
        }
    });

    report(site(Path::new(&args.site_root), args.clinic_logo.as_deref()).finding());
}

// ---------------------------------------------------------------------------------
// Settings

/// The settings `serve` checks after parsing them (the parser checked the rest).
pub struct Settings {
    pub keys: Result<Option<Keyring>, String>,
    pub notify: Result<Option<NotifyConfig>, String>,
    pub eligibility: Result<Option<CoreClient>, String>,
    pub dev: bool,
}

/// The same checks `serve` makes at start-up, with the same messages.
pub fn settings(args: &ServeArgs) -> Settings {
    Settings { keys: args.keyring(), notify: args.notify_config(), eligibility: args.core_client(), dev: args.dev }
}

impl Settings {
    pub fn finding(&self) -> Finding {
        let errors: Vec<&str> =
            [&self.keys.as_ref().err(), &self.notify.as_ref().err(), &self.eligibility.as_ref().err()]
                .into_iter()
                .filter_map(|e| e.map(String::as_str))
                .collect();
        if !errors.is_empty() {
            Finding::new("settings", Status::Fail, errors.join("; "))
        } else if self.dev {
            Finding::new(
                "settings",
                Status::Warn,
                "valid, but DEV_MODE is on: cookies without HTTPS and no HSTS; never in production",
            )
        } else {
            Finding::new("settings", Status::Ok, "valid")
        }
    }
}

/// A setting the parser refused (clap's message, without its `error: ` and usage lines).
pub fn unparsable(error: &clap::Error) -> Finding {
    let text = error.to_string();
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("a setting is not valid");
    Finding::new("settings", Status::Fail, line.trim_start_matches("error: ").trim())
}

/// Whether this process was started as `pain-intake doctor …` (a subcommand is always
/// the first argument), so a setting the parser refuses is reported as a doctor line.
pub fn invoked() -> bool {
    std::env::args_os().nth(1).is_some_and(|a| a == "doctor")
}

// ---------------------------------------------------------------------------------
// Database

fn unreachable(e: &DbError) -> Finding {
    let message = match e {
        // Said here in full: a relative path is read from the folder doctor runs in, which
        // may not be the one the service runs in.
        DbError::Missing(file) => {
            let relative = Path::new(file)
                .is_relative()
                .then(|| std::env::current_dir().ok())
                .flatten()
                .map(|d| format!("relative to {}; ", d.display()))
                .unwrap_or_default();
            format!(
                "there is no SQLite database at {file} ({relative}check DATABASE_URL): `serve` creates it at first \
                 start, `pain-intake migrate` creates it now"
            )
        }
        other => other.to_string(),
    };
    Finding::new("database", Status::Fail, message)
}

/// What the database is and how its migrations compare with this binary's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseState {
    pub backend: Backend,
    /// `3.46.0` (SQLite's library) or `15.18 (Debian …)` (the PostgreSQL server).
    pub version: String,
    pub migrations: Migrations,
}

pub async fn database(db: &ReadOnly) -> Result<DatabaseState, sqlx::Error> {
    let version_sql = match db.backend {
        Backend::Sqlite => "SELECT sqlite_version()",
        Backend::Postgres => "SELECT current_setting('server_version')",
    };
    let version: String = sqlx::query_scalar(version_sql).fetch_one(&db.pool).await?;
    Ok(DatabaseState { backend: db.backend, version, migrations: db.migrations().await? })
}

fn versions(list: &[i64]) -> String {
    list.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

impl DatabaseState {
    pub fn finding(&self) -> Finding {
        let m = &self.migrations;
        let reached = format!("reachable ({} {})", self.backend.name(), self.version);
        let count = format!("{} of {} migrations applied", m.applied, m.known);
        if m.blocks_start() {
            let mut why = Vec::new();
            if !m.unknown.is_empty() {
                why.push(format!("migration {} was applied by a newer pain-intake", versions(&m.unknown)));
            }
            if !m.changed.is_empty() {
                why.push(format!("migration {} differs from this binary's", versions(&m.changed)));
            }
            if !m.failed.is_empty() {
                why.push(format!("migration {} failed part-way", versions(&m.failed)));
            }
            return Finding::new(
                "database",
                Status::Fail,
                format!("{reached}, {count}; serve refuses it: {}", why.join("; ")),
            );
        }
        match m.pending.len() {
            0 => Finding::new("database", Status::Ok, format!("{reached}, {count}")),
            n => Finding::new(
                "database",
                Status::Warn,
                format!(
                    "{reached}, {count}; serve applies the other {n} when it starts (or run `pain-intake migrate`)"
                ),
            ),
        }
    }
}

/// SQLite's settings as a connection of the app gets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pragmas {
    /// `(pragma, as read, as the app sets it)` for each of [`db::SQLITE_PRAGMAS`].
    pub values: Vec<(&'static str, String, &'static str)>,
    /// `PRAGMA quick_check`'s lines: `["ok"]` when the file is sound.
    pub quick_check: Vec<String>,
}

/// Sets the app's per-connection pragmas on the read-only connection and reads them back.
/// `journal_mode` is kept in the file (the app's first connection sets it); a read-only
/// connection cannot change it, so it is read as it is.
pub async fn sqlite_pragmas(db: &ReadOnly) -> Result<Pragmas, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    let mut values = Vec::new();
    for (name, expected) in db::SQLITE_PRAGMAS {
        if name != "journal_mode" {
            sqlx::query(&format!("PRAGMA {name} = {expected}")).execute(&mut *conn).await?;
        }
        let row = sqlx::query(&format!("PRAGMA {name}")).fetch_one(&mut *conn).await?;
        let value = row.try_get::<String, _>(0).or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))?;
        values.push((name, value.to_ascii_lowercase(), expected));
    }
    let quick_check = sqlx::query_scalar("PRAGMA quick_check").fetch_all(&mut *conn).await?;
    Ok(Pragmas { values, quick_check })
}

impl Pragmas {
    pub fn finding(&self) -> Finding {
        if self.quick_check != ["ok"] {
            let first = self.quick_check.first().map(String::as_str).unwrap_or("no answer");
            return Finding::new(
                "sqlite",
                Status::Fail,
                format!(
                    "quick_check found {} problem(s), the first: {first}; restore the last backup",
                    self.quick_check.len()
                ),
            );
        }
        let wrong: Vec<_> = self.values.iter().filter(|(_, got, want)| got != want).collect();
        let listed = self.values.iter().map(|(name, got, _)| format!("{name}={got}")).collect::<Vec<_>>().join(", ");
        match wrong.as_slice() {
            [] => Finding::new("sqlite", Status::Ok, format!("{listed}, quick_check ok")),
            [("journal_mode", got, _)] => Finding::new(
                "sqlite",
                Status::Warn,
                format!(
                    "journal_mode is {got}, not wal (a copy not opened by serve yet?): serve switches it when it \
                     starts; if it stays, the folder's file system cannot share memory (NFS?): use a local disk"
                ),
            ),
            _ => Finding::new(
                "sqlite",
                Status::Fail,
                format!(
                    "{}; the app needs {}",
                    wrong.iter().map(|(n, got, _)| format!("{n}={got}")).collect::<Vec<_>>().join(", "),
                    wrong.iter().map(|(n, _, want)| format!("{n}={want}")).collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }
}

/// Free space where the SQLite database (and its write-ahead log, and backups written
/// beside it) grows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disk {
    pub folder: PathBuf,
    /// Bytes an unprivileged process may still write.
    pub free: u64,
    pub read_only: bool,
}

/// Below this, `warn`: a few days of card photos, or one backup, could fill it.
pub const WARN_BELOW: u64 = 1 << 30;
/// Below this, `FAIL`: SQLite cannot grow its log, and every write fails.
pub const FAIL_BELOW: u64 = 100 << 20;

pub fn disk(file: &Path) -> std::io::Result<Disk> {
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let stat = rustix::fs::statvfs(&folder)?;
    Ok(Disk {
        free: stat.f_bavail.saturating_mul(stat.f_frsize),
        read_only: stat.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY),
        folder,
    })
}

/// `1.5 GiB`, `230 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

impl Disk {
    pub fn finding(&self) -> Finding {
        let what = format!("{} free in {}", bytes(self.free), self.folder.display());
        if self.read_only {
            Finding::new(
                "disk",
                Status::Fail,
                format!("{} is on a file system mounted read-only", self.folder.display()),
            )
        } else if self.free < FAIL_BELOW {
            Finding::new(
                "disk",
                Status::Fail,
                format!("{what}: writes will fail soon; free space or move the database"),
            )
        } else if self.free < WARN_BELOW {
            Finding::new("disk", Status::Warn, format!("{what}: under {}", bytes(WARN_BELOW)))
        } else {
            Finding::new("disk", Status::Ok, what)
        }
    }
}

// ---------------------------------------------------------------------------------
// Encryption keys

/// What opening every value of every sealed column found. Counts only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SealedValues {
    /// Values that opened, by the id of the key that sealed them.
    pub opened: BTreeMap<String, u64>,
    /// Values stored without a key (development mode), which `keys rotate` seals.
    pub plain: u64,
    /// Values sealed under a key id the keyring does not have, by that id.
    pub unknown_key: BTreeMap<String, u64>,
    /// Values whose tag does not match: another key under the same id, altered, or
    /// moved to another row or column.
    pub not_authentic: u64,
    /// Values that are not in the sealed format, or do not hold what the column holds.
    pub malformed: u64,
    /// Values that did not open, by `table.column`.
    pub failing: BTreeMap<String, u64>,
    /// Sealed columns whose table a pending migration creates.
    pub missing_tables: Vec<&'static str>,
}

impl SealedValues {
    fn failed(&self) -> u64 {
        self.unknown_key.values().sum::<u64>() + self.not_authentic + self.malformed
    }
}

/// The setting the keys came from, as the operator knows it.
fn key_source(args: &ServeArgs) -> &'static str {
    if args.keys.encryption_keys_file.is_some() {
        "ENCRYPTION_KEYS_FILE"
    } else {
        "ENCRYPTION_KEYS"
    }
}

/// Opens every stored value of every sealed column (`keys::SEALED_COLUMNS`) with `keys`.
pub async fn sealed_values(db: &ReadOnly, keys: Option<&Keyring>) -> Result<SealedValues, sqlx::Error> {
    let mut found = SealedValues::default();
    for sealed in SEALED_COLUMNS {
        if !db.has_table(sealed.table).await? {
            found.missing_tables.push(sealed.table);
            continue;
        }
        let mut after = 0;
        loop {
            let rows = sealed.page_after(&db.pool, after).await?;
            let Some((last, _)) = rows.last() else { break };
            after = *last;
            for (id, value) in rows {
                let problem = if is_sealed(&value) {
                    let aad = record_aad(sealed.table, id, sealed.column);
                    let opened = match (keys, sealed.plain) {
                        (None, _) => Err(CryptoError::UnknownKey { id: key_id_of(&value).unwrap_or("?").to_owned() }),
                        (Some(k), Plain::Text) => k.open_str(&value, &aad).map(drop),
                        (Some(k), Plain::Base64) => k.open(&value, &aad).map(drop),
                    };
                    match opened {
                        Ok(()) => {
                            *found.opened.entry(key_id_of(&value).unwrap_or("?").to_owned()).or_default() += 1;
                            None
                        }
                        Err(CryptoError::UnknownKey { id }) => {
                            *found.unknown_key.entry(id).or_default() += 1;
                            Some(())
                        }
                        Err(CryptoError::AuthenticationFailed) => {
                            found.not_authentic += 1;
                            Some(())
                        }
                        Err(_) => {
                            found.malformed += 1;
                            Some(())
                        }
                    }
                } else {
                    let readable = match sealed.plain {
                        Plain::Text => true,
                        Plain::Base64 => value
                            .strip_prefix("plain:")
                            .is_some_and(|b| base64::engine::general_purpose::STANDARD.decode(b).is_ok()),
                    };
                    if readable {
                        found.plain += 1;
                        None
                    } else {
                        found.malformed += 1;
                        Some(())
                    }
                };
                if problem.is_some() {
                    *found.failing.entry(format!("{}.{}", sealed.table, sealed.column)).or_default() += 1;
                }
            }
        }
    }
    Ok(found)
}

impl SealedValues {
    /// `keys` is the configured keyring, which came from the setting `source`.
    pub fn finding(&self, keys: Option<&Keyring>, source: &str) -> Finding {
        let opened: u64 = self.opened.values().sum();
        let columns = SEALED_COLUMNS.len() - self.missing_tables.len();
        let failed = self.failed();
        if failed > 0 {
            let mut why = Vec::new();
            for (id, n) in &self.unknown_key {
                why.push(match keys {
                    Some(_) => format!("{n} under key id {id}, which {source} does not have"),
                    None => format!("{n} under key id {id}, and no key is set ({source})"),
                });
            }
            if self.not_authentic > 0 {
                why.push(format!(
                    "{} fail authentication (a different key under the same id, or altered or moved values)",
                    self.not_authentic
                ));
            }
            if self.malformed > 0 {
                why.push(format!("{} malformed", self.malformed));
            }
            let places = self.failing.iter().map(|(c, n)| format!("{c} {n}")).collect::<Vec<_>>().join(", ");
            return Finding::new(
                "keys",
                Status::Fail,
                format!(
                    "{failed} of {} stored values do not open with {source} ({places}): {}",
                    failed + opened + self.plain,
                    why.join("; ")
                ),
            );
        }
        let Some(keys) = keys else {
            return if self.plain > 0 {
                Finding::new(
                    "keys",
                    Status::Warn,
                    format!("no encryption key (development mode): {} values stored readable", self.plain),
                )
            } else {
                Finding::new("keys", Status::Warn, "no encryption key (development mode); nothing stored yet")
            };
        };
        let current = keys.current_id();
        let older: u64 = self.opened.iter().filter(|(id, _)| *id != current).map(|(_, n)| n).sum();
        let mut message =
            format!("{opened} sealed values in {columns} columns open with {source} (current key {current})");
        if older > 0 {
            message += &format!("; {older} under older keys, which `pain-intake keys rotate` moves to {current}");
        }
        if !self.missing_tables.is_empty() {
            message += &format!("; not created yet: {}", self.missing_tables.join(", "));
        }
        if self.plain > 0 {
            message += &format!("; {} stored without a key: `pain-intake keys rotate` seals them", self.plain);
            return Finding::new("keys", Status::Warn, message);
        }
        Finding::new("keys", Status::Ok, message)
    }
}

// ---------------------------------------------------------------------------------
// Mail server

/// Whether the mail server answered: EHLO, TLS and login as the URL asks, NOOP, QUIT.
#[derive(Debug)]
pub struct Smtp {
    /// The SMTP URL with its password replaced.
    pub server: String,
    pub answer: Result<(), String>,
}

pub async fn smtp(config: &NotifyConfig) -> Smtp {
    let answer = match Mailer::new(config) {
        Ok(mailer) => mailer.test_connection().await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    Smtp { server: notify::redact(&config.smtp_url), answer }
}

impl Smtp {
    pub fn finding(&self) -> Finding {
        match &self.answer {
            Ok(()) => {
                Finding::new("smtp", Status::Ok, format!("{} answered EHLO and NOOP (no e-mail sent)", self.server))
            }
            Err(e) => Finding::new("smtp", Status::Fail, format!("{}: {e}", self.server)),
        }
    }
}

// ---------------------------------------------------------------------------------
// Real-time eligibility

#[derive(Debug)]
pub struct Eligibility {
    /// The endpoint without its query (a clearinghouse may put an account in it).
    pub endpoint: String,
    /// The HTTP status a `HEAD` got, or why none came.
    pub answer: Result<u16, String>,
}

/// Whether the CORE endpoint answers over the configured TLS, credentials and 270 unsent.
pub async fn eligibility(client: &CoreClient) -> Eligibility {
    let mut endpoint = client.settings().endpoint().clone();
    endpoint.set_query(None);
    Eligibility { endpoint: endpoint.to_string(), answer: client.probe().await.map_err(|e| e.to_string()) }
}

impl Eligibility {
    pub fn finding(&self) -> Finding {
        match &self.answer {
            Ok(status) => Finding::new(
                "eligibility",
                Status::Ok,
                format!("{} answered HTTP {status} to a HEAD (no credentials, no 270 sent)", self.endpoint),
            ),
            Err(e) => Finding::new("eligibility", Status::Fail, format!("{}: {e}", self.endpoint)),
        }
    }
}

// ---------------------------------------------------------------------------------
// Site folder

/// The site folder (`LEPTOS_SITE_ROOT`) and what the pages name that it lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub root: PathBuf,
    pub is_folder: bool,
    /// The stylesheet, script and WASM every page names: `[(path, present)]`.
    pub package: Vec<(String, bool)>,
    /// Named by the pages but not needed to use them: the favicon and `CLINIC_LOGO`.
    pub extras_missing: Vec<String>,
}

pub fn site(root: &Path, logo: Option<&str>) -> Site {
    let present = |relative: &str| root.join(relative).is_file();
    let package = assets::package_files().into_iter().map(|f| (f.clone(), present(&f))).collect();
    let extras = std::iter::once("favicon.svg").chain(logo.map(|l| l.trim_start_matches('/')));
    Site {
        root: root.to_path_buf(),
        is_folder: root.is_dir(),
        package,
        extras_missing: extras.filter(|f| !present(f)).map(str::to_owned).collect(),
    }
}

impl Site {
    pub fn finding(&self) -> Finding {
        let root = self.root.display();
        if !self.is_folder {
            let place = if self.root.is_relative() {
                std::env::current_dir().map(|d| format!(" (relative to {})", d.display())).unwrap_or_default()
            } else {
                String::new()
            };
            return Finding::new(
                "site",
                Status::Fail,
                format!("{root} is not a folder{place}: set LEPTOS_SITE_ROOT to the built site (`cargo leptos build --release` makes target/site)"),
            );
        }
        let names = |present: bool| {
            self.package.iter().filter(|(_, p)| *p == present).map(|(f, _)| f.as_str()).collect::<Vec<_>>().join(", ")
        };
        let from = if assets::hashed() { " (names from hash.txt beside the binary)" } else { "" };
        if self.package.iter().any(|(_, p)| !p) {
            return Finding::new(
                "site",
                Status::Fail,
                format!(
                    "{root} lacks {}{from}: the pages would load without styles or scripts; point LEPTOS_SITE_ROOT at the site built with this binary",
                    names(false)
                ),
            );
        }
        if !self.extras_missing.is_empty() {
            return Finding::new(
                "site",
                Status::Warn,
                format!("{root} has {} but lacks {} (named by the pages)", names(true), self.extras_missing.join(", ")),
            );
        }
        Finding::new("site", Status::Ok, format!("{root} has {}{from}", names(true)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_space_warns_under_a_gibibyte_and_fails_under_100_mebibytes() {
        let at = |free| Disk { folder: PathBuf::from("/data"), free, read_only: false }.finding().status;
        assert_eq!(at(5 << 30), Status::Ok);
        assert_eq!(at(WARN_BELOW - 1), Status::Warn);
        assert_eq!(at(FAIL_BELOW), Status::Warn);
        assert_eq!(at(FAIL_BELOW - 1), Status::Fail);
        let read_only = Disk { folder: PathBuf::from("/data"), free: 5 << 30, read_only: true };
        assert_eq!(read_only.finding().status, Status::Fail);
        assert_eq!(bytes(1536 << 20), "1.5 GiB");
        assert_eq!(bytes(12), "12 bytes");
    }

    #[test]
    fn a_line_is_the_status_padded_then_the_check() {
        let line = Finding::new("database", Status::Ok, "reachable").to_string();
        assert_eq!(line, "ok    database: reachable");
        assert_eq!(Finding::new("keys", Status::Fail, "x").to_string(), "FAIL  keys: x");
    }

    #[test]
    fn pending_migrations_warn_and_ones_serve_refuses_fail() {
        let state = |migrations| DatabaseState { backend: Backend::Sqlite, version: "3".into(), migrations };
        let all = Migrations { known: 12, applied: 12, ..Migrations::default() };
        assert_eq!(state(all.clone()).finding().status, Status::Ok);
        let pending = Migrations { applied: 11, pending: vec![12], ..all.clone() };
        let f = state(pending).finding();
        assert_eq!(f.status, Status::Warn);
        assert!(f.message.contains("11 of 12") && f.message.contains("pain-intake migrate"), "{f}");
        let newer = Migrations { unknown: vec![13], ..all };
        let f = state(newer).finding();
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("13") && f.message.contains("newer"), "{f}");
    }

    #[test]
    fn a_journal_mode_other_than_wal_warns_and_other_pragmas_fail() {
        let with = |journal: &str, sync: &str| Pragmas {
            values: vec![("journal_mode", journal.into(), "wal"), ("synchronous", sync.into(), "2")],
            quick_check: vec!["ok".into()],
        };
        assert_eq!(with("wal", "2").finding().status, Status::Ok);
        assert_eq!(with("delete", "2").finding().status, Status::Warn);
        assert_eq!(with("wal", "0").finding().status, Status::Fail);
        let damaged =
            Pragmas { quick_check: vec!["Page 5: btreeInitPage() returns error code 11".into()], ..with("wal", "2") };
        assert_eq!(damaged.finding().status, Status::Fail);
    }
}
