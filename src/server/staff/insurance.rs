//! Insurance verification in the database: the payer directory (seeded with BCBS Texas,
//! UnitedHealthcare and Cigna, editable by admins) and each submission's verifications,
//! kept as history; the newest is the current one and is mirrored on the intake row so
//! the queue can filter by it. A verification saved by a real-time check (method
//! `realtime`) has no user: it shows as by `system`.

use crate::domain::intake::Plan;
use crate::domain::staff::VerificationStatus;
use crate::server::db::{now_text, Db};
use crate::shared::staff::{PayerRow, VerificationForm};
use crate::x12::CostShares;
use crate::x12::{Payer, PayerDirectory};
use sqlx::Row;

pub async fn payers(db: &Db) -> Result<Vec<PayerRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, plan, name, payer_id, in_network, notes FROM payers ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            let plan: String = r.try_get("plan")?;
            Ok(PayerRow {
                id: r.try_get("id")?,
                plan: Plan::parse(&plan).ok_or_else(|| sqlx::Error::Decode(format!("stored plan {plan}").into()))?,
                name: r.try_get("name")?,
                payer_id: r.try_get("payer_id")?,
                in_network: r.try_get::<i64, _>("in_network")? != 0,
                notes: r.try_get("notes")?,
            })
        })
        .collect()
}

/// The 270's payer for each plan, as the directory says now.
pub async fn directory(db: &Db) -> Result<PayerDirectory, sqlx::Error> {
    let mut dir = PayerDirectory::default();
    for p in payers(db).await? {
        let payer = Payer { name: p.name, id: p.payer_id };
        match p.plan {
            Plan::BcbsTx => dir.bcbs_tx = payer,
            Plan::Uhc => dir.uhc = payer,
            Plan::Cigna => dir.cigna = payer,
            Plan::Other | Plan::SelfPay => {}
        }
    }
    Ok(dir)
}

/// Saves an admin's edit of one payer.
pub async fn update_payer(
    db: &Db,
    id: i64,
    name: &str,
    payer_id: &str,
    in_network: bool,
    notes: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE payers SET name = $2, payer_id = $3, in_network = $4, notes = $5, updated_at = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(name)
    .bind(payer_id)
    .bind(i64::from(in_network))
    .bind(notes)
    .bind(now_text())
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A stored verification with who saved it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub form: VerificationForm,
    pub by: String,
    pub at: String,
}

/// Saves a verification and makes it the submission's current status, in one transaction.
/// `user_id` is the staff member's; `None` is `system` (a real-time check).
pub async fn save(db: &Db, intake_id: i64, form: &VerificationForm, user_id: Option<i64>) -> Result<(), sqlx::Error> {
    let now = now_text();
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO verifications (intake_id, status, plan_name, network, copay, coinsurance, deductible_remaining, \
         oop_remaining, prior_auth, notes, method, user_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(intake_id)
    .bind(form.status.as_str())
    .bind(&form.shares.plan_name)
    .bind(&form.shares.network)
    .bind(&form.shares.copay)
    .bind(&form.shares.coinsurance)
    .bind(&form.shares.deductible_remaining)
    .bind(&form.shares.oop_remaining)
    .bind(&form.shares.prior_auth)
    .bind(&form.notes)
    .bind(&form.method)
    .bind(user_id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE intakes SET verification_status = $2, updated_at = $3 WHERE id = $1")
        .bind(intake_id)
        .bind(form.status.as_str())
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Every verification of a submission, newest first.
pub async fn history(db: &Db, intake_id: i64) -> Result<Vec<Stored>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT v.*, COALESCE(u.name, 'system') AS by_name FROM verifications v LEFT JOIN users u ON u.id = v.user_id \
         WHERE v.intake_id = $1 ORDER BY v.id DESC",
    )
    .bind(intake_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            Ok(Stored {
                form: VerificationForm {
                    status: VerificationStatus::parse(&status)
                        .ok_or_else(|| sqlx::Error::Decode(format!("stored status {status}").into()))?,
                    shares: CostShares {
                        plan_name: r.try_get("plan_name")?,
                        network: r.try_get("network")?,
                        copay: r.try_get("copay")?,
                        coinsurance: r.try_get("coinsurance")?,
                        deductible_remaining: r.try_get("deductible_remaining")?,
                        oop_remaining: r.try_get("oop_remaining")?,
                        prior_auth: r.try_get("prior_auth")?,
                    },
                    notes: r.try_get("notes")?,
                    method: r.try_get("method")?,
                },
                by: r.try_get("by_name")?,
                at: r.try_get("created_at")?,
            })
        })
        .collect()
}
