//! The database: SQLite (embedded default) or PostgreSQL, chosen at run time by the URL.
//!
//! Queries are written once in SQL both engines accept and run through sqlx's `Any`
//! driver; each engine has its own migrations folder for the few DDL differences.
//! Timestamps are stored as RFC 3339 UTC text with milliseconds (sortable in both).

use sqlx::any::AnyPoolOptions;
use sqlx::AnyConnection;
use sqlx::{AnyPool, Executor};
use std::time::Duration;
pub use super::staff::sessions::Store as SessionStore;
use super::crypto::{is_sealed, record_aad, Keyring};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool and the engine behind it.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    /// For counters whose last increments may be lost in a power cut (rate-limit
    /// windows): on PostgreSQL, connections that commit without waiting for the disk
    /// (`synchronous_commit=off`); on SQLite the main pool (unused: see `rate_limit`).
    /// Everything a patient or staff member is told was saved goes through `pool`.
    pub counters: AnyPool,
    pub backend: Backend,
    /// Staff sessions, in the same database (see `staff::sessions`).
    pub sessions: SessionStore,
    /// Keys for the sealed columns; `None` only in development mode (values then stay
    /// readable text until `keys rotate` seals them).
    pub keys: Option<std::sync::Arc<Keyring>>,
    /// The group-commit queues of `intakes::insert` and `audit::record`, started on first use.
    writers: std::sync::Arc<Writers>,
}

#[derive(Debug, Default)]
struct Writers {
    intakes: std::sync::OnceLock<tokio::sync::mpsc::Sender<super::intakes::Job>>,
    audit: std::sync::OnceLock<tokio::sync::mpsc::Sender<super::staff::audit::Job>>,
}

/// A small pool of the concrete engine for tower-sessions, with the same SQLite settings.
async fn session_store(backend: Backend, url: &str) -> Result<SessionStore, sqlx::Error> {
    use sqlx::pool::PoolOptions;
    use std::str::FromStr;
    fn pool<DB: sqlx::Database>() -> PoolOptions<DB> {
        PoolOptions::new().max_connections(4).acquire_timeout(Duration::from_secs(5))
    }
    Ok(match backend {
        Backend::Sqlite => {
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(5));
            SessionStore::Sqlite(tower_sessions_sqlx_store::SqliteStore::new(pool().connect_with(options).await?))
        }
        Backend::Postgres => {
            let options = sqlx::postgres::PgConnectOptions::from_str(url)?;
            SessionStore::Postgres(tower_sessions_sqlx_store::PostgresStore::new(pool().connect_with(options).await?))
        }
    })
}

/// The pool behind [`Db::counters`] on PostgreSQL: its sessions commit with
/// `synchronous_commit=off`, so a counter's row lock is released without waiting for the
/// disk. (SQLite counts rate limits in memory and never uses it.)
async fn counters_pool(url: &str) -> Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(|conn: &mut AnyConnection, _| {
            Box::pin(async move {
                conn.execute("SET synchronous_commit = off").await?;
                Ok(())
            })
        })
        .connect(url)
        .await
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with sqlite:// or postgres:// (got {0:?})")]
    UnsupportedUrl(String),
    #[error("cannot create the folder for the SQLite database {path}: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error("cannot connect to the database at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The URL with any password replaced, safe to print.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

impl Db {
    /// Connects (creating an SQLite file on first start) and applies migrations.
    pub async fn open(url: &str) -> Result<Self, DbError> {
        let db = Self::connect(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            let file = path.split('?').next().unwrap_or_default();
            if file.is_empty() || file == ":memory:" {
                return Err(DbError::UnsupportedUrl(url.to_owned()));
            }
            if let Some(dir) = std::path::Path::new(file).parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|source| DbError::CreateDir { path: file.to_owned(), source })?;
            }
            // `mode=rwc` creates the file on first start.
            let url = if path.contains('?') { format!("sqlite://{path}") } else { format!("sqlite://{path}?mode=rwc") };
            (Backend::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            return Err(DbError::UnsupportedUrl(redact(url)));
        };

        // SQLite runs each connection's statements on its own thread: more connections
        // than a small server has cores only adds thread switches (it has one writer).
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
            .acquire_timeout(Duration::from_secs(5));
        let options = match backend {
            // Per-connection settings: WAL for concurrent readers, FULL sync so a
            // committed intake survives power loss, foreign keys on, and a busy timeout
            // so concurrent writers wait instead of failing.
            Backend::Sqlite => options.after_connect(|conn: &mut AnyConnection, _| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                    )
                    .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options,
        };
        let pool = options
            .connect(&url)
            .await
            .map_err(|source| DbError::Connect { url: redact(&url), source })?;
        let counters = match backend {
            Backend::Postgres => counters_pool(&url).await.map_err(|source| DbError::Connect { url: redact(&url), source })?,
            Backend::Sqlite => pool.clone(),
        };
        let sessions = session_store(backend, &url).await.map_err(|source| DbError::Connect { url: redact(&url), source })?;
        Ok(Self { pool, counters, backend, sessions, keys: None, writers: Default::default() })
    }

    /// Applies pending migrations for this engine.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&self.pool).await?,
        }
        self.sessions.migrate().await.map_err(|e| DbError::Migrate(sqlx::migrate::MigrateError::Execute(e)))?;
        Ok(())
    }

    /// The same database, sealing and opening values with these keys.
    pub fn with_keys(self, keys: Option<std::sync::Arc<Keyring>>) -> Self {
        // A writer started before would seal with the old keys: the next write starts anew.
        Self { keys, writers: Default::default(), ..self }
    }

    /// The queue of the task that commits intakes in groups (see `intakes::insert`).
    pub(crate) fn intake_writer(&self) -> &tokio::sync::mpsc::Sender<super::intakes::Job> {
        self.writers.intakes.get_or_init(|| super::intakes::spawn_writer(self.detached()))
    }

    /// The queue of the task that appends audit entries in groups (see `audit::record`).
    pub(crate) fn audit_writer(&self) -> &tokio::sync::mpsc::Sender<super::staff::audit::Job> {
        self.writers.audit.get_or_init(|| super::staff::audit::spawn_writer(self.detached()))
    }

    /// A copy for a writer task: without the queues, so that dropping the last `Db` the
    /// app holds closes them and ends the tasks.
    fn detached(&self) -> Self {
        Self { writers: Default::default(), ..self.clone() }
    }

    /// The stored form of a sensitive text value of row `id` (see `crypto`).
    pub fn seal_value(&self, table: &str, id: i64, column: &str, text: &str) -> String {
        match &self.keys {
            Some(k) => k.seal_str(text, &record_aad(table, id, column)),
            None => text.to_owned(),
        }
    }

    /// A stored value opened again; text stored without a key is returned as it is.
    pub fn open_value(&self, table: &str, id: i64, column: &str, stored: &str) -> Result<String, sqlx::Error> {
        if !is_sealed(stored) {
            return Ok(stored.to_owned());
        }
        let keys = self.keys.as_ref().ok_or_else(|| sqlx::Error::Decode("a sealed value, and no encryption key is set".into()))?;
        keys.open_str(stored, &record_aad(table, id, column))
            .map_err(|e| sqlx::Error::Decode(format!("{table}.{column} of row {id}: {e}").into()))
    }

    /// Whether the database answers a trivial query now (for `/readyz`).
    pub async fn is_ready(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// The current time as stored: RFC 3339 UTC with milliseconds.
pub fn now_text() -> String {
    text_at(jiff::Timestamp::now())
}

/// A time as stored (RFC 3339 UTC with milliseconds), e.g. for expiry times.
pub fn text_at(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The stored time `secs` seconds from now (negative: in the past).
pub fn text_in(secs: i64) -> String {
    text_at(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(secs))
}

/// Whether an error means "the database is not there right now" rather than a bug.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_))
}

/// Why a backup could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backups here are for SQLite; for PostgreSQL use pg_dump")]
    NotSqlite,
    #[error("{0} already exists; choose a new file so no backup is overwritten")]
    Exists(String),
    #[error("the backup path must be valid UTF-8 and contain no control characters")]
    BadPath,
    #[error("the backup failed: {0}")]
    Sqlite(#[from] sqlx::Error),
}

impl Db {
    /// Writes a consistent copy of an SQLite database with `VACUUM INTO`: it reads one
    /// snapshot (WAL readers do not block writers), so the server keeps running.
    pub async fn backup_to(&self, to: &std::path::Path) -> Result<(), BackupError> {
        if self.backend != Backend::Sqlite {
            return Err(BackupError::NotSqlite);
        }
        let path = to.to_str().filter(|p| !p.chars().any(char::is_control)).ok_or(BackupError::BadPath)?;
        if to.exists() {
            return Err(BackupError::Exists(path.to_owned()));
        }
        // VACUUM INTO takes a literal, not a bound parameter: quote it as SQL requires.
        let literal = path.replace('\'', "''");
        sqlx::query(&format!("VACUUM INTO '{literal}'")).execute(&self.pool).await?;
        Ok(())
    }
}
