//! Per-client request limits, counted in the database so that every app instance
//! behind a load balancer enforces the same limit. Counts go through `Db::counters`:
//! committed without waiting for the disk, since a count lost in a power cut harms no one
//! and a flush per API request would cost more than the request itself.
//!
//! Fixed one-minute windows: simple, and a client can at worst make twice the limit
//! across a window boundary, which is fine for abuse protection.

use super::db::Db;
use sqlx::Row;
use std::time::{SystemTime, UNIX_EPOCH};

const WINDOW_SECS: i64 = 60;

#[derive(Debug, Clone)]
pub struct RateLimiter {
    db: Db,
    per_minute: u32,
}

/// The answer to one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Refused; retry after this many seconds (the rest of the window).
    Limited { retry_after_secs: u64 },
}

impl RateLimiter {
    pub fn new(db: Db, per_minute: u32) -> Self {
        Self { db, per_minute }
    }

    /// Counts one request for `bucket` (e.g. `intakes:203.0.113.9`) and decides.
    pub async fn hit(&self, bucket: &str) -> Result<Decision, sqlx::Error> {
        self.hit_limit(bucket, self.per_minute).await
    }

    /// Like `hit`, with a limit of its own (e.g. sign-in attempts).
    pub async fn hit_limit(&self, bucket: &str, per_minute: u32) -> Result<Decision, sqlx::Error> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let window = now - now.rem_euclid(WINDOW_SECS);
        let hits: i64 = sqlx::query(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
             RETURNING hits",
        )
        .bind(bucket)
        .bind(window)
        .fetch_one(&self.db.counters)
        .await?
        .try_get("hits")?;
        if hits > i64::from(per_minute) {
            Ok(Decision::Limited { retry_after_secs: (window + WINDOW_SECS - now).max(1) as u64 })
        } else {
            Ok(Decision::Allow)
        }
    }

    /// Deletes finished windows; run periodically so client addresses are not kept.
    pub async fn purge(&self) -> Result<u64, sqlx::Error> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let done = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(now - 2 * WINDOW_SECS)
            .execute(&self.db.counters)
            .await?;
        Ok(done.rows_affected())
    }
}
