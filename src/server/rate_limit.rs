//! Per-client request limits in fixed one-minute windows.
//!
//! With PostgreSQL the counts live in the database, so every app instance behind a load
//! balancer enforces the same limit; they go through `Db::counters`, committed without
//! waiting for the disk (a count lost in a power cut harms no one, and a flush per API
//! request cost more than the request). With SQLite there is one server process, so the
//! counts live in its memory: a database write per request would queue every API call
//! behind SQLite's single writer (measured in BENCHMARKS.md).
//!
//! Fixed one-minute windows: simple, and a client can at worst make twice the limit
//! across a window boundary, which is fine for abuse protection.

use super::db::{Backend, Db};
use sqlx::Row;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

const WINDOW_SECS: i64 = 60;

/// SQLite only: bucket → (window start, hits), shared by every request of the process.
type Windows = Arc<Mutex<HashMap<String, (i64, i64)>>>;

#[derive(Debug, Clone)]
pub struct RateLimiter {
    db: Db,
    per_minute: u32,
    /// SQLite only (see [`Windows`]).
    memory: Option<Windows>,
}

/// The answer to one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Refused; retry after this many seconds (the rest of the window).
    Limited {
        retry_after_secs: u64,
    },
}

impl RateLimiter {
    pub fn new(db: Db, per_minute: u32) -> Self {
        let memory = (db.backend == Backend::Sqlite).then(Default::default);
        Self { db, per_minute, memory }
    }

    /// Counts one request for `bucket` (e.g. `intakes:203.0.113.9`) and decides.
    pub async fn hit(&self, bucket: &str) -> Result<Decision, sqlx::Error> {
        self.hit_limit(bucket, self.per_minute).await
    }

    /// Like `hit`, with a limit of its own (e.g. sign-in attempts).
    pub async fn hit_limit(&self, bucket: &str, per_minute: u32) -> Result<Decision, sqlx::Error> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let window = now - now.rem_euclid(WINDOW_SECS);
        let hits = match &self.memory {
            Some(memory) => {
                let mut counts = memory.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let entry = counts.entry(bucket.to_owned()).or_insert((window, 0));
                if entry.0 != window {
                    *entry = (window, 0);
                }
                entry.1 += 1;
                entry.1
            }
            None => self.count_in_database(bucket, window).await?,
        };
        if hits > i64::from(per_minute) {
            Ok(Decision::Limited { retry_after_secs: (window + WINDOW_SECS - now).max(1) as u64 })
        } else {
            Ok(Decision::Allow)
        }
    }

    /// Adds one to the shared count of `bucket` in `window` and returns the new count.
    async fn count_in_database(&self, bucket: &str, window: i64) -> Result<i64, sqlx::Error> {
        sqlx::query(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
             RETURNING hits",
        )
        .bind(bucket)
        .bind(window)
        .fetch_one(&self.db.counters)
        .await?
        .try_get("hits")
    }

    /// Deletes finished windows; run periodically so client addresses are not kept.
    pub async fn purge(&self) -> Result<u64, sqlx::Error> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        if let Some(memory) = &self.memory {
            let mut counts = memory.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let before = counts.len();
            counts.retain(|_, (window, _)| *window >= now - 2 * WINDOW_SECS);
            return Ok((before - counts.len()) as u64);
        }
        let done = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(now - 2 * WINDOW_SECS)
            .execute(&self.db.counters)
            .await?;
        Ok(done.rows_affected())
    }
}
