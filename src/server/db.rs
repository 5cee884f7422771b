//! The database: SQLite (embedded default) or PostgreSQL, chosen at run time by the URL.
//!
//! Queries are written once in SQL both engines accept and run through sqlx's `Any`
//! driver; each engine has its own migrations folder for the few DDL differences.
//! Timestamps are stored as RFC 3339 UTC text with milliseconds (sortable in both).

use super::crypto::{is_sealed, record_aad, Keyring};
pub use super::session_store::Store as SessionStore;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyConnection;
use sqlx::{AnyPool, Executor};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The engine a `DATABASE_URL` names.
    pub fn of(url: &str) -> Result<Self, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if sqlite_file(url).is_some() {
            Ok(Backend::Sqlite)
        } else {
            Err(DbError::UnsupportedUrl(redact(url)))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        }
    }

    /// The migrations this binary carries for the engine.
    pub fn migrator(self) -> &'static sqlx::migrate::Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

/// The file of an SQLite URL (`sqlite://data/intake.db?mode=rwc` → `data/intake.db`);
/// `None` for other URLs and for in-memory databases, which the app cannot use.
pub fn sqlite_file(url: &str) -> Option<&str> {
    let path = url.strip_prefix("sqlite:")?.trim_start_matches("//");
    let file = path.split('?').next().unwrap_or_default();
    (!file.is_empty() && file != ":memory:").then_some(file)
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
    /// The connections of the group-commit writers (see [`Db::detached`]).
    write_pool: AnyPool,
}

/// `rows` lists of `width` placeholders numbered from `$1` in order.
pub(crate) fn numbered(rows: usize, width: usize) -> Vec<Vec<String>> {
    (0..rows).map(|r| (1..=width).map(|c| format!("${}", r * width + c)).collect()).collect()
}

/// `($1, $2), ($3, $4)` for `groups(2, 2)`: the VALUES of a multi-row INSERT.
pub(crate) fn groups(rows: usize, width: usize) -> String {
    numbered(rows, width).iter().map(|g| format!("({})", g.join(", "))).collect::<Vec<_>>().join(", ")
}

/// Settings every pool shares. sqlx pings a connection each time it goes back to the
/// pool, and by default again each time it is taken out: a second round trip per query
/// (to SQLite's worker thread or to PostgreSQL) that profiling showed in every request.
/// A connection is pinged on the way out only when it has sat idle for a second: under
/// load connections come back within milliseconds and the ping on their return has just
/// vouched for them, while one left idle through a database outage is found broken and
/// replaced before a request gets it (the outage test in `tests/resilience.rs`).
fn pool_options<DB: sqlx::Database>(options: sqlx::pool::PoolOptions<DB>) -> sqlx::pool::PoolOptions<DB> {
    use sqlx::Connection;
    const TRUSTED_IDLE: Duration = Duration::from_secs(1);
    options.acquire_timeout(Duration::from_secs(5)).test_before_acquire(false).before_acquire(|conn, meta| {
        Box::pin(async move {
            if meta.idle_for >= TRUSTED_IDLE {
                conn.ping().await?;
            }
            Ok(true)
        })
    })
}

/// What every app connection to SQLite sets, as `(pragma, value)` and as the pragma reads
/// it back: WAL for concurrent readers, FULL (2) sync so a committed intake survives
/// power loss, foreign keys on, and a busy timeout (ms) so concurrent writers wait instead
/// of failing. `doctor` checks that a connection ends up with each of them.
pub const SQLITE_PRAGMAS: [(&str, &str); 4] =
    [("journal_mode", "wal"), ("synchronous", "2"), ("foreign_keys", "1"), ("busy_timeout", "5000")];

/// [`SQLITE_PRAGMAS`] as the statements that set them.
pub fn sqlite_pragmas() -> String {
    SQLITE_PRAGMAS.iter().map(|(name, value)| format!("PRAGMA {name} = {value};")).collect::<Vec<_>>().join(" ")
}

/// The migrations this binary carries for each engine.
pub static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
pub static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// A pool of the app's `Any` connections with each engine's per-connection settings.
async fn app_pool(backend: Backend, url: &str, max: u32) -> Result<AnyPool, sqlx::Error> {
    let options = pool_options(AnyPoolOptions::new().max_connections(max));
    let options = match backend {
        Backend::Sqlite => options.after_connect(|conn: &mut AnyConnection, _| {
            Box::pin(async move {
                conn.execute(sqlite_pragmas().as_str()).await?;
                Ok(())
            })
        }),
        Backend::Postgres => options,
    };
    options.connect(url).await
}

/// A small pool of the concrete engine for tower-sessions, with the same SQLite settings.
async fn session_store(backend: Backend, url: &str) -> Result<SessionStore, sqlx::Error> {
    use sqlx::pool::PoolOptions;
    use std::str::FromStr;
    fn pool<DB: sqlx::Database>() -> PoolOptions<DB> {
        pool_options(PoolOptions::new().max_connections(4))
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
    pool_options(AnyPoolOptions::new().max_connections(4))
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
    #[error("there is no SQLite database at {0} (check DATABASE_URL)")]
    Missing(String),
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

    /// Connects without migrating, creating an SQLite file (and its folder) that is not
    /// there yet.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        Self::connect_with(url, true).await
    }

    /// Connects to a database that must already exist (a backup of a mistyped path must
    /// say so, not copy a new empty database and call it a backup). Nothing is created.
    pub async fn connect_existing(url: &str) -> Result<Self, DbError> {
        Self::connect_with(url, false).await
    }

    async fn connect_with(url: &str, create: bool) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(file) = sqlite_file(url) {
            let path = url.strip_prefix("sqlite:").unwrap_or_default().trim_start_matches("//");
            if !create && !std::path::Path::new(file).is_file() {
                return Err(DbError::Missing(file.to_owned()));
            }
            if let Some(dir) = std::path::Path::new(file).parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir { path: file.to_owned(), source })?;
            }
            // `mode=rwc` creates the file on first start; `rw` opens only what is there.
            let mode = if create { "rwc" } else { "rw" };
            let url =
                if path.contains('?') { format!("sqlite://{path}") } else { format!("sqlite://{path}?mode={mode}") };
            (Backend::Sqlite, url)
        } else {
            (Backend::of(url)?, url.to_owned())
        };

        // SQLite runs each connection's statements on its own thread: more connections
        // than a small server has cores only adds thread switches (it has one writer).
        let pool = app_pool(backend, &url, if backend == Backend::Sqlite { 4 } else { 16 })
            .await
            .map_err(|source| DbError::Connect { url: redact(&url), source })?;
        // The group-commit writers (one for intakes, one for the audit log) draw from
        // their own two connections: queued behind dozens of page reads for a pooled
        // connection, every request waiting on a commit waited for all of them too.
        let write_pool =
            app_pool(backend, &url, 2).await.map_err(|source| DbError::Connect { url: redact(&url), source })?;
        let counters = match backend {
            Backend::Postgres => {
                counters_pool(&url).await.map_err(|source| DbError::Connect { url: redact(&url), source })?
            }
            Backend::Sqlite => pool.clone(),
        };
        let sessions =
            session_store(backend, &url).await.map_err(|source| DbError::Connect { url: redact(&url), source })?;
        Ok(Self { pool, write_pool, counters, backend, sessions, keys: None })
    }

    /// Closes every connection: the app's, the writers' and the counters'. (Sessions
    /// keep their own pool: a closed app pool already fails every staff request.)
    pub async fn close(&self) {
        self.pool.close().await;
        self.write_pool.close().await;
        self.counters.close().await;
    }

    /// Applies pending migrations for this engine.
    pub async fn migrate(&self) -> Result<(), DbError> {
        self.backend.migrator().run(&self.pool).await?;
        self.sessions.migrate().await.map_err(|e| DbError::Migrate(sqlx::migrate::MigrateError::Execute(e)))?;
        Ok(())
    }

    /// The same database, sealing and opening values with these keys.
    pub fn with_keys(self, keys: Option<std::sync::Arc<Keyring>>) -> Self {
        Self { keys, ..self }
    }

    /// The same database on the group-commit writers' own two connections
    /// (`intakes::Writer`, `audit::Writer`): a commit never waits behind page reads for
    /// a pooled connection.
    pub fn detached(&self) -> Self {
        Self { pool: self.write_pool.clone(), ..self.clone() }
    }

    /// A transaction that will write. On SQLite it takes the write lock at its start
    /// (`BEGIN IMMEDIATE`, which waits out another writer under the busy timeout). A
    /// deferred transaction that has read anything holds a snapshot, and if another
    /// connection commits before its first write, SQLite refuses that write at once with
    /// `database is locked` (SQLITE_BUSY_SNAPSHOT) instead of waiting. While the intake
    /// INSERT's trigger wrote an FTS5 name index (migrations 20261207000016 to 18),
    /// `tests/resilience.rs` saw that 500 for an intake under load now and then; any
    /// read before the first write can do it. PostgreSQL needs no such step.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
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
        let keys = self
            .keys
            .as_ref()
            .ok_or_else(|| sqlx::Error::Decode("a sealed value, and no encryption key is set".into()))?;
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

/// A read-only connection to a database that must already exist, for looking without
/// changing anything (`doctor`, `restore`'s check of a backup): SQLite opened with
/// `mode=ro`, PostgreSQL sessions whose transactions are read-only. Nothing is created
/// or migrated, and the app's pragmas are not applied (see [`SQLITE_PRAGMAS`]).
#[derive(Debug, Clone)]
pub struct ReadOnly {
    pub pool: AnyPool,
    pub backend: Backend,
}

impl ReadOnly {
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(url)?;
        let (url, options) = match (backend, sqlite_file(url)) {
            (Backend::Sqlite, Some(file)) => {
                if !std::path::Path::new(file).is_file() {
                    return Err(DbError::Missing(file.to_owned()));
                }
                (format!("sqlite://{file}?mode=ro"), pool_options(AnyPoolOptions::new().max_connections(1)))
            }
            _ => (
                url.to_owned(),
                pool_options(AnyPoolOptions::new().max_connections(1)).after_connect(|conn: &mut AnyConnection, _| {
                    Box::pin(async move {
                        conn.execute("SET default_transaction_read_only = on").await?;
                        Ok(())
                    })
                }),
            ),
        };
        let failed = |source| DbError::Connect { url: redact(&url), source };
        // One plain connection first: a pool retries a refused connection until its
        // acquire timeout and then says only that it timed out, not why.
        {
            use sqlx::Connection;
            // A host that drops packets would otherwise hold this for minutes.
            let silent = || sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer within 10 s"));
            let conn = tokio::time::timeout(Duration::from_secs(10), AnyConnection::connect(&url))
                .await
                .map_err(|_| failed(silent()))?;
            conn.map_err(failed)?.close().await.map_err(failed)?;
        }
        let pool = options.connect(&url).await.map_err(failed)?;
        Ok(Self { pool, backend })
    }

    /// Whether a table of the app's schema exists (one a pending migration would create
    /// does not yet).
    pub async fn has_table(&self, table: &str) -> Result<bool, sqlx::Error> {
        let sql = match self.backend {
            Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
            }
        };
        let n: i64 = sqlx::query_scalar(sql).bind(table).fetch_one(&self.pool).await?;
        Ok(n > 0)
    }

    /// How the database's applied migrations compare with the ones this binary carries.
    pub async fn migrations(&self) -> Result<Migrations, sqlx::Error> {
        let known = self.backend.migrator().iter().filter(|m| m.migration_type.is_up_migration());
        let (applied, failed): (Vec<(i64, Vec<u8>)>, Vec<i64>) = if self.has_table("_sqlx_migrations").await? {
            let applied =
                sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version");
            let failed = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE NOT success ORDER BY version");
            (applied.fetch_all(&self.pool).await?, failed.fetch_all(&self.pool).await?)
        } else {
            (Vec::new(), Vec::new())
        };
        let mut report = Migrations { failed, ..Migrations::default() };
        for m in known {
            report.known += 1;
            match applied.iter().find(|(v, _)| *v == m.version) {
                Some((_, checksum)) if checksum[..] == m.checksum[..] => report.applied += 1,
                Some(_) => report.changed.push(m.version),
                None if report.failed.contains(&m.version) => {}
                None => report.pending.push(m.version),
            }
        }
        let binary = self.backend.migrator();
        report.unknown = applied.iter().map(|(v, _)| *v).filter(|v| !binary.version_exists(*v)).collect();
        Ok(report)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A database's migrations against this binary's (`_sqlx_migrations`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Migrations {
    /// How many this binary carries.
    pub known: usize,
    /// How many of those the database has, unchanged.
    pub applied: usize,
    /// Known but not applied yet: `migrate`, or `serve` at start, applies them.
    pub pending: Vec<i64>,
    /// Applied by a newer version of the app: this one refuses to start on it.
    pub unknown: Vec<i64>,
    /// Applied from a different file than this binary carries: `serve` refuses to start.
    pub changed: Vec<i64>,
    /// Started and not finished (`success` false): `serve` refuses to start.
    pub failed: Vec<i64>,
}

impl Migrations {
    /// Whether `serve` would refuse this database (rather than bring it up to date).
    pub fn blocks_start(&self) -> bool {
        !(self.unknown.is_empty() && self.changed.is_empty() && self.failed.is_empty())
    }
}
