//! Safety follow-up over HTTP, in process, on SQLite and PostgreSQL: every alarming
//! submission (emergency, safety alert, urgent care) opens one follow-up in its own
//! transaction, with the priority and deadline the settings give, from the API and the
//! wizard alike; other submissions open none (`safety-followup.md`).
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use common::staff::{intake, EMERGENCY, NOT_YET, ROUTINE, SELF_HARM};
use common::*;
use serde_json::{json, Value};
use sqlx::Row;

/// An intake with the clinical answers of a spec example.
fn example(name: &str) -> Value {
    intake(name, "Jane", "Doe", "bcbs_tx")
}

/// (priority, minutes from opening to the deadline) of each follow-up, by reference.
async fn follow_up_of(app: &TestApp, reference: &str) -> Option<(String, i64)> {
    let row = sqlx::query(
        "SELECT f.priority, f.opened_at, f.deadline, f.closed_at FROM follow_ups f \
         JOIN intakes i ON i.id = f.intake_id WHERE i.reference = $1",
    )
    .bind(reference.replace('-', ""))
    .fetch_optional(&app.db.pool)
    .await
    .unwrap()?;
    assert_eq!(row.try_get::<Option<String>, _>("closed_at").unwrap(), None, "opened, not closed");
    let time = |c: &str| row.try_get::<String, _>(c).unwrap().parse::<jiff::Timestamp>().unwrap();
    let minutes = time("deadline").duration_since(time("opened_at")).as_secs() / 60;
    Some((row.try_get("priority").unwrap(), minutes))
}

async fn submit(app: &TestApp, intake: &Value) -> String {
    let reply = app.post_json("/api/v1/intakes", intake).await;
    assert_eq!(reply.status, axum::http::StatusCode::CREATED, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}

on_both_databases! {
    async fn alarming_submissions_open_one_follow_up_with_its_priority_and_deadline(backend) {
        let app = spawn(backend).await;
        let emergency = submit(&app, &example(EMERGENCY)).await;
        assert_eq!(follow_up_of(&app, &emergency).await, Some(("emergency".into(), 60)));
        let safety = submit(&app, &example(SELF_HARM)).await;
        assert_eq!(follow_up_of(&app, &safety).await, Some(("safety".into(), 240)));
        let mut urgent = valid_intake();
        urgent["clinical"]["red_flags"]["fever_or_chills"] = json!(true);
        let urgent = submit(&app, &urgent).await;
        assert_eq!(follow_up_of(&app, &urgent).await, Some(("urgent".into(), 1440)));
        // An emergency with a safety alert: the most urgent priority applies, once.
        let mut both = example(SELF_HARM);
        both["clinical"]["red_flags"]["saddle_numbness"] = json!(true);
        let both = submit(&app, &both).await;
        assert_eq!(follow_up_of(&app, &both).await, Some(("emergency".into(), 60)));
        for calm in [ROUTINE, "pregnancy.json", NOT_YET] {
            let reference = submit(&app, &example(calm)).await;
            assert_eq!(follow_up_of(&app, &reference).await, None, "{calm}");
        }
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_ups").await, 4);
    }

    async fn a_retried_alarming_submission_opens_one_follow_up(backend) {
        let app = spawn(backend).await;
        let body = example(SELF_HARM).to_string().into_bytes();
        for _ in 0..3 {
            let reply = app.post_raw("/api/v1/intakes", "application/json", body.clone(), &[("idempotency-key", "retry-1")]).await;
            assert_eq!(reply.status, axum::http::StatusCode::CREATED);
        }
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_ups").await, 1);
        // The database holds one per submission, whoever writes.
        let dup = sqlx::query("INSERT INTO follow_ups (intake_id, priority, opened_at, deadline) SELECT intake_id, 'urgent', 'x', 'y' FROM follow_ups")
            .execute(&app.db.pool)
            .await;
        assert!(dup.unwrap_err().as_database_error().unwrap().is_unique_violation());
    }
}

#[tokio::test]
async fn the_deadlines_come_from_the_settings() {
    use pain_intake::domain::followup::{Minutes, Windows};
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let other =
        app.with_settings(|s| s.follow_up = Windows { safety: Minutes::parse(5).unwrap(), ..Windows::default() });
    let reference = submit(&other, &example(SELF_HARM)).await;
    assert_eq!(follow_up_of(&other, &reference).await, Some(("safety".into(), 5)));
}
