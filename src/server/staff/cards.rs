//! Insurance-card photos in the database (see `card_images`): which sides a submission
//! has. Storing and reading the images themselves is added with encryption at rest.

use crate::server::db::Db;
use sqlx::Row;

/// The sides on file for an intake, front first.
pub async fn sides(db: &Db, intake_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT DISTINCT side FROM card_images WHERE intake_id = $1 ORDER BY side DESC")
        .bind(intake_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| r.try_get("side")).collect()
}
