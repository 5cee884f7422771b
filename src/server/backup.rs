//! `pain-intake backup` and `restore`: a consistent copy of the database taken while the
//! server runs, and putting one back.
//!
//! SQLite: `VACUUM INTO` writes one snapshot to a new file (WAL readers do not block the
//! server's writers). `restore` checks a copy before it goes anywhere (an SQLite file,
//! `PRAGMA integrity_check` ok, migrations this binary knows), refuses a target that holds
//! a database unless `--force`, and then only while no process has it open; the file it
//! replaces is kept beside it, and the copy is moved into place in one rename.
//!
//! PostgreSQL: `pg_dump --format=custom` and `pg_restore --single-transaction` (a failed
//! restore leaves the database as it was), found on `PATH`. The URL's password goes to
//! them in `PGPASSWORD`, never on their command line, where any local user's `ps` shows it.

use super::db::{redact, sqlite_file, Backend, Db, DbError, Migrations, ReadOnly};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Why a backup or restore did not happen. [`Error::is_refusal`] tells a setup the
/// operator must change (exit 2) from a failure on the way (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("{0} already exists; choose a new file so no backup is overwritten")]
    Exists(String),
    #[error("the backup path must be valid UTF-8 without control characters, `?` or `#`")]
    BadPath,
    #[error("the backup failed: {0}")]
    Sqlite(#[from] sqlx::Error),
    #[error(
        "{tool} is not on PATH: install the PostgreSQL client of the server's major version (Debian: \
         `apt-get install postgresql-client`), or run where it is: {command}"
    )]
    MissingTool { tool: &'static str, command: String },
    #[error("cannot run {tool}: {source}")]
    Spawn { tool: &'static str, source: std::io::Error },
    #[error("{tool} failed ({status}): {stderr}")]
    Tool { tool: &'static str, status: String, stderr: String },
    #[error("there is no backup file at {0}")]
    NoBackup(String),
    #[error("{file} is not a pain-intake backup: {why}")]
    NotABackup { file: String, why: String },
    #[error(
        "{target} already holds a database; restore replaces one only with --force (stop the server first; the \
         replaced {what})"
    )]
    NotEmpty { target: String, what: &'static str },
    #[error("{0} is open in another process (is the server running?): stop it, then restore")]
    InUse(String),
    #[error("cannot put the backup in place: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Whether the command refused what it was asked (exit 2) rather than failed doing it.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Error::Db(DbError::Missing(_) | DbError::UnsupportedUrl(_))
                | Error::MissingTool { .. }
                | Error::NoBackup(_)
                | Error::NotABackup { .. }
                | Error::NotEmpty { .. }
                | Error::InUse(_)
        )
    }
}

/// `to` as SQL and shells may take it: UTF-8, no control characters, nothing an SQLite
/// URL would read as its query.
fn plain_path(to: &Path) -> Result<&str, Error> {
    to.to_str().filter(|p| !p.chars().any(|c| c.is_control() || c == '?' || c == '#')).ok_or(Error::BadPath)
}

/// Writes a backup of the database at `url` to the new file `to`.
pub async fn backup(url: &str, to: &Path) -> Result<(), Error> {
    match Backend::of(url)? {
        Backend::Sqlite => {
            // Connect without migrating or creating: a backup must not change the database
            // it copies, nor make one where none was.
            let db = Db::connect_existing(url).await?;
            let done = sqlite_backup(&db, to).await;
            db.close().await;
            done
        }
        Backend::Postgres => pg_dump(url, to).await,
    }
}

/// `VACUUM INTO`: one snapshot, written while the server keeps running.
async fn sqlite_backup(db: &Db, to: &Path) -> Result<(), Error> {
    let path = plain_path(to)?;
    if to.exists() {
        return Err(Error::Exists(path.to_owned()));
    }
    // VACUUM INTO takes a literal, not a bound parameter: quote it as SQL requires.
    let literal = path.replace('\'', "''");
    sqlx::query(&format!("VACUUM INTO '{literal}'")).execute(&db.pool).await?;
    Ok(())
}

/// A PostgreSQL URL split for the client tools: the URL without its password, and the
/// password (percent-decoded) for `PGPASSWORD`.
struct PgTarget {
    url: String,
    password: Option<String>,
}

impl PgTarget {
    fn parse(url: &str) -> Self {
        match url::Url::parse(url) {
            Ok(mut u) if u.password().is_some() => {
                let password =
                    u.password().map(|p| percent_encoding::percent_decode_str(p).decode_utf8_lossy().into_owned());
                let _ = u.set_password(None);
                Self { url: u.to_string(), password }
            }
            _ => Self { url: url.to_owned(), password: None },
        }
    }

    /// The command as an operator would type it elsewhere (the password stays out).
    fn shown(&self, tool: &str, args: &[&str]) -> String {
        let password = if self.password.is_some() { "PGPASSWORD=*** " } else { "" };
        let args: Vec<String> = args.iter().map(|a| quote(a)).collect();
        format!("{password}{tool} {}", args.join(" "))
    }

    /// Runs `tool` with `args`, the password in its environment; its error output,
    /// without the password, when it fails.
    async fn run(&self, tool: &'static str, args: Vec<String>) -> Result<String, Error> {
        let shown_args: Vec<&str> = args.iter().map(String::as_str).collect();
        let program =
            on_path(tool).ok_or_else(|| Error::MissingTool { tool, command: self.shown(tool, &shown_args) })?;
        let password = self.password.clone();
        let output = tokio::task::spawn_blocking(move || {
            let mut cmd = Command::new(program);
            cmd.args(&args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
            if let Some(p) = password {
                cmd.env("PGPASSWORD", p);
            }
            cmd.output()
        })
        .await
        .map_err(|e| Error::Spawn { tool, source: std::io::Error::other(e) })?
        .map_err(|source| Error::Spawn { tool, source })?;
        if output.status.success() {
            return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
        }
        let mut stderr = String::from_utf8_lossy(&output.stderr).lines().collect::<Vec<_>>().join(" ");
        if let Some(p) = self.password.as_deref().filter(|p| !p.is_empty()) {
            stderr = stderr.replace(p, "***");
        }
        Err(Error::Tool { tool, status: output.status.to_string(), stderr })
    }
}

/// `'text'` for a POSIX shell, when it needs quoting.
fn quote(text: &str) -> String {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:@".contains(c)) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The executable `name` in a folder of `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    #[cfg(unix)]
    fn executable(p: &Path) -> bool {
        use std::os::unix::fs::PermissionsExt;
        p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    fn executable(p: &Path) -> bool {
        p.is_file()
    }
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(name)).find(|p| executable(p))
}

/// `pg_dump --format=custom`: one consistent snapshot (a repeatable-read transaction),
/// which `pg_restore` reads. A failed dump leaves no file behind.
async fn pg_dump(url: &str, to: &Path) -> Result<(), Error> {
    let path = plain_path(to)?;
    if to.exists() {
        return Err(Error::Exists(path.to_owned()));
    }
    let target = PgTarget::parse(url);
    let args = vec!["--format=custom".into(), "--file".into(), path.to_owned(), "--dbname".into(), target.url.clone()];
    let done = target.run("pg_dump", args).await;
    if done.is_err() && to.exists() {
        let _ = std::fs::remove_file(to);
    }
    done.map(drop)
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// The restored database's migrations (`serve` applies any pending ones).
    pub migrations: Migrations,
    /// SQLite: where the database that was replaced was kept.
    pub kept: Option<PathBuf>,
}

/// Puts the backup `from` in place of the database at `url`.
pub async fn restore(url: &str, from: &Path, force: bool) -> Result<Restored, Error> {
    if !from.is_file() {
        return Err(Error::NoBackup(from.display().to_string()));
    }
    match (Backend::of(url)?, sqlite_file(url)) {
        (Backend::Sqlite, Some(file)) => restore_sqlite(url, Path::new(file), from, force).await,
        _ => restore_postgres(url, from, force).await,
    }
}

/// Checks that `from` is a sound SQLite database of this app that this binary can run on.
async fn check_sqlite_backup(from: &Path) -> Result<Migrations, Error> {
    let file = plain_path(from)?;
    let not = |why: String| Error::NotABackup { file: file.to_owned(), why };
    let db = ReadOnly::connect(&format!("sqlite://{file}")).await?;
    let checked = async {
        let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&db.pool)
            .await
            .map_err(|e| not(format!("not a readable SQLite database ({e})")))?;
        if lines != ["ok"] {
            return Err(not(format!("integrity_check found {} problem(s), the first: {}", lines.len(), lines[0])));
        }
        if !db.has_table("_sqlx_migrations").await? {
            return Err(not("it has no _sqlx_migrations table".into()));
        }
        let migrations = db.migrations().await?;
        if migrations.blocks_start() {
            return Err(not(format!(
                "its migrations do not match this pain-intake's (newer: {:?}, changed: {:?}, failed: {:?}); restore it \
                 with the version that made it",
                migrations.unknown, migrations.changed, migrations.failed
            )));
        }
        Ok(migrations)
    }
    .await;
    db.close().await;
    checked
}

/// Fails with [`Error::InUse`] while another connection has `file` open. In WAL mode
/// every open connection holds a shared lock on the database file, so an exclusive lock
/// is granted only when nobody else (the server included) has it open.
async fn ensure_unused(file: &Path) -> Result<(), Error> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteLockingMode};
    use sqlx::{ConnectOptions, Connection};
    let in_use = || Error::InUse(file.display().to_string());
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(std::time::Duration::from_secs(1))
        .connect()
        .await?;
    let locked = sqlx::raw_sql("BEGIN EXCLUSIVE; COMMIT;").execute(&mut conn).await;
    // Closing as the last connection checkpoints the log into the file and removes it.
    conn.close().await?;
    match locked {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e)) if e.message().contains("locked") || e.message().contains("busy") => {
            Err(in_use())
        }
        Err(e) => Err(e.into()),
    }
}

async fn restore_sqlite(url: &str, target: &Path, from: &Path, force: bool) -> Result<Restored, Error> {
    let migrations = check_sqlite_backup(from).await?;
    let holds_data = target.metadata().is_ok_and(|m| m.len() > 0);
    if holds_data {
        if !force {
            return Err(Error::NotEmpty {
                target: target.display().to_string(),
                what: "file is kept beside it as <name>.before-restore-<time>",
            });
        }
        ensure_unused(target).await?;
    }
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&folder)?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "intake.db".into());
    // Copied next to the target first, so the last step is one rename on one file system.
    let staged = folder.join(format!(".{name}.restoring-{}", std::process::id()));
    let copied = std::fs::copy(from, &staged).and_then(|_| std::fs::File::open(&staged)?.sync_all());
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&staged);
        return Err(e.into());
    }
    // Whatever is there goes aside, never away: the database and any log SQLite left
    // (a log left beside the new file would be replayed into it).
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let aside = folder.join(format!("{name}.before-restore-{stamp}"));
    let mut kept = None;
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let old = folder.join(format!("{name}{suffix}"));
        if old.exists() {
            std::fs::rename(&old, folder.join(format!("{}{suffix}", aside.display())))?;
            kept = Some(aside.clone());
        }
    }
    std::fs::rename(&staged, target)?;
    std::fs::File::open(&folder)?.sync_all()?;
    // Opened once as the app opens it: the copy (written by VACUUM INTO) becomes WAL.
    let db = Db::connect_existing(url).await?;
    db.close().await;
    Ok(Restored { migrations, kept })
}

async fn restore_postgres(url: &str, from: &Path, force: bool) -> Result<Restored, Error> {
    let file = plain_path(from)?;
    let target = PgTarget::parse(url);
    // The archive's table of contents: refuses anything pg_dump did not write, and a dump
    // of some other database.
    let listing = target.run("pg_restore", vec!["--list".into(), file.to_owned()]).await.map_err(|e| match e {
        Error::Tool { stderr, .. } => Error::NotABackup { file: file.to_owned(), why: stderr },
        other => other,
    })?;
    if !listing.lines().any(|l| l.contains(" TABLE ") && l.contains(" _sqlx_migrations ")) {
        return Err(Error::NotABackup { file: file.to_owned(), why: "it has no _sqlx_migrations table".into() });
    }
    let db = ReadOnly::connect(url).await?;
    let objects: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables \
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_one(&db.pool)
    .await;
    db.close().await;
    if objects? > 0 && !force {
        return Err(Error::NotEmpty {
            target: redact(url),
            what: "database's tables that are in the backup are dropped and recreated; back it up first",
        });
    }
    target
        .run(
            "pg_restore",
            vec![
                "--clean".into(),
                "--if-exists".into(),
                "--no-owner".into(),
                "--single-transaction".into(),
                "--dbname".into(),
                target.url.clone(),
                file.to_owned(),
            ],
        )
        .await?;
    let db = ReadOnly::connect(url).await?;
    let migrations = db.migrations().await;
    db.close().await;
    Ok(Restored { migrations: migrations?, kept: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_pgpassword_decoded() {
        let t = PgTarget::parse("postgres://clinic:p%40ss%20w0rd@db.example:5432/intake?sslmode=require");
        assert_eq!(t.url, "postgres://clinic@db.example:5432/intake?sslmode=require");
        assert_eq!(t.password.as_deref(), Some("p@ss w0rd"));
        let shown = t.shown("pg_dump", &["--file", "/backups/x y.dump", "--dbname", &t.url]);
        assert_eq!(
            shown,
            "PGPASSWORD=*** pg_dump --file '/backups/x y.dump' --dbname \
             'postgres://clinic@db.example:5432/intake?sslmode=require'"
        );
        let none = PgTarget::parse("postgres://clinic@db.example/intake");
        assert_eq!(none.password, None);
        assert!(!none.shown("pg_dump", &["--dbname", &none.url]).contains("PGPASSWORD"));
    }
}
