//! The bare-INSERT floor for `make bench` (issue 8): one row, one statement, one commit
//! per request, through the app's own pool and durability settings. Intakes are judged
//! against it. Routed only when the server runs with `BENCH_FLOORS=true`.

use super::AppState;
use crate::server::db::{now_text, Backend, Db};
use axum::extract::State;
use axum::http::StatusCode;

/// Creates the scratch table the floor writes to (never part of the clinic's schema).
pub async fn prepare(db: &Db) -> Result<(), sqlx::Error> {
    let ddl = match db.backend {
        Backend::Sqlite => "CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, payload TEXT NOT NULL, created_at TEXT NOT NULL)",
        Backend::Postgres => "CREATE TABLE IF NOT EXISTS bench_floor (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL, created_at TEXT NOT NULL)",
    };
    sqlx::query(ddl).execute(&db.pool).await.map(|_| ())
}

/// `POST /bench/insert`: a single autocommitted INSERT, answered 201 once it is durable.
pub async fn insert(State(state): State<AppState>) -> StatusCode {
    let done = sqlx::query("INSERT INTO bench_floor (payload, created_at) VALUES ($1, $2)")
        .bind("x".repeat(512))
        .bind(now_text())
        .execute(&state.db.pool)
        .await;
    match done {
        Ok(_) => StatusCode::CREATED,
        Err(e) => {
            tracing::warn!(error = %e, "bench floor insert failed");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
