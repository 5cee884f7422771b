//! The audit trail on SQLite and PostgreSQL: gapless sequence numbers, a hash chain that
//! shows tampering, append-only enforcement by the database, and the admin list's filters.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use common::*;
use pain_intake::server::db::{Backend, Db};
use pain_intake::server::staff::audit::{self, Action, ChainProblem, Entry, Filter};
use std::time::Duration;

fn entry<'a>(actor: &'a str, action: Action, target: &'a str) -> Entry<'a> {
    Entry {
        actor_id: Some(7),
        actor,
        action,
        target,
        client: "203.0.113.9",
        request_id: "req-1",
        detail: "status=in_review",
    }
}

/// Records `n` entries one after another.
async fn record_many(db: &Db, n: i64) {
    let writer = audit::Writer::start(db);
    for i in 1..=n {
        let target = format!("PI-{i}");
        let seq = writer.record(&entry("ann@clinic.test", Action::ViewSubmission, &target)).await.unwrap();
        assert_eq!(seq, i);
    }
}

/// Lets the test change the log, as someone with direct database access could.
async fn drop_append_only_triggers(db: &Db) {
    let statements: &[&str] = match db.backend {
        Backend::Sqlite => &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
        Backend::Postgres => &["DROP TRIGGER audit_log_no_change ON audit_log"],
    };
    for sql in statements {
        sqlx::query(sql).execute(&db.pool).await.unwrap();
    }
}

async fn count_rows(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&db.pool).await.unwrap()
}

/// Stores an entry as written at `at`, bypassing `record` (which always uses now), for
/// the list's date filters. The chain is not kept; `list` does not look at it.
async fn insert_at(db: &Db, seq: i64, at: &str, actor: &str, action: Action, target: &str) {
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor, action, target, client, request_id, detail, prev_hash, hash) \
         VALUES ($1, $2, NULL, $3, $4, $5, '198.51.100.1', 'r', '', '', '')",
    )
    .bind(seq)
    .bind(at)
    .bind(actor)
    .bind(action.as_str())
    .bind(target)
    .execute(&db.pool)
    .await
    .unwrap();
}

fn seqs(rows: &[audit::AuditRow]) -> Vec<i64> {
    rows.iter().map(|r| r.seq).collect()
}

on_both_databases! {
    async fn entries_are_numbered_from_one_and_the_chain_verifies(backend) {
        let (db, _dir) = fresh_db(backend).await;
        let empty = audit::verify(&db).await.unwrap();
        assert!(empty.is_ok(), "{empty}");
        assert_eq!(empty.rows, 0);

        record_many(&db, 5).await;
        let anonymous = Entry { actor_id: None, actor: "anonymous", action: Action::SignInFailed, target: "", client: "", request_id: "", detail: "" };
        assert_eq!(audit::Writer::start(&db).record(&anonymous).await.unwrap(), 6);

        let verification = audit::verify(&db).await.unwrap();
        assert_eq!(verification.problem, None, "{verification}");
        assert_eq!(verification.rows, 6);
        let (rows, total) = audit::list(&db, &Filter::default(), 1, 10).await.unwrap();
        assert_eq!(total, 6);
        assert_eq!(seqs(&rows), [6, 5, 4, 3, 2, 1]);
        assert_eq!(rows[0].actor_id, None);
        assert_eq!(rows[0].action, "sign_in_failed");
        assert_eq!(rows[1].actor_id, Some(7));
        assert_eq!((rows[1].target.as_str(), rows[1].client.as_str()), ("PI-5", "203.0.113.9"));
        assert_eq!((rows[1].request_id.as_str(), rows[1].detail.as_str()), ("req-1", "status=in_review"));
    }

    async fn the_database_refuses_to_change_or_delete_entries(backend) {
        let (db, _dir) = fresh_db(backend).await;
        record_many(&db, 3).await;
        let refusals = [
            "UPDATE audit_log SET detail = 'edited' WHERE seq = 2",
            "UPDATE audit_log SET actor = 'someone@else.test'",
            "DELETE FROM audit_log WHERE seq = 3",
            "DELETE FROM audit_log",
        ];
        for sql in refusals {
            let err = sqlx::query(sql).execute(&db.pool).await.expect_err(sql);
            assert!(err.to_string().contains("append-only"), "{sql}: {err}");
        }
        if backend == Backend::Postgres {
            let err = sqlx::query("TRUNCATE audit_log").execute(&db.pool).await.expect_err("truncate");
            assert!(err.to_string().contains("append-only"), "{err}");
        }
        assert_eq!(count_rows(&db).await, 3);
        let (rows, _) = audit::list(&db, &Filter::default(), 1, 10).await.unwrap();
        assert!(rows.iter().all(|r| r.detail == "status=in_review" && r.actor == "ann@clinic.test"));
        assert!(audit::verify(&db).await.unwrap().is_ok());
    }

    async fn an_edited_entry_is_a_hash_mismatch_at_its_seq(backend) {
        let (db, _dir) = fresh_db(backend).await;
        record_many(&db, 5).await;
        drop_append_only_triggers(&db).await;
        sqlx::query("UPDATE audit_log SET detail = 'status=closed' WHERE seq = 3").execute(&db.pool).await.unwrap();

        let verification = audit::verify(&db).await.unwrap();
        assert_eq!(verification.problem, Some(ChainProblem::HashMismatch { seq: 3 }));
        assert_eq!(verification.rows, 2);
        assert_eq!(verification.problem.unwrap().seq(), 3);
        assert!(audit::verify(&db).await.unwrap().to_string().contains("entry 3 was altered"));
    }

    async fn removing_the_last_entry_is_a_head_mismatch(backend) {
        let (db, _dir) = fresh_db(backend).await;
        record_many(&db, 5).await;
        drop_append_only_triggers(&db).await;
        sqlx::query("DELETE FROM audit_log WHERE seq = 5").execute(&db.pool).await.unwrap();

        let verification = audit::verify(&db).await.unwrap();
        let problem = verification.problem.clone().expect("tampering found");
        assert_eq!(problem, ChainProblem::HeadMismatch { head_seq: 5, last_seq: 4 });
        assert_eq!(problem.seq(), 5);
        assert!(problem.to_string().contains("removed from the end"), "{problem}");
        assert_eq!(verification.rows, 4);
    }

    async fn removing_every_entry_is_a_head_mismatch(backend) {
        let (db, _dir) = fresh_db(backend).await;
        record_many(&db, 2).await;
        drop_append_only_triggers(&db).await;
        sqlx::query("DELETE FROM audit_log").execute(&db.pool).await.unwrap();
        let problem = audit::verify(&db).await.unwrap().problem;
        assert_eq!(problem, Some(ChainProblem::HeadMismatch { head_seq: 2, last_seq: 0 }));
    }

    async fn removing_a_middle_entry_is_a_gap(backend) {
        let (db, _dir) = fresh_db(backend).await;
        record_many(&db, 5).await;
        drop_append_only_triggers(&db).await;
        sqlx::query("DELETE FROM audit_log WHERE seq = 3").execute(&db.pool).await.unwrap();

        let verification = audit::verify(&db).await.unwrap();
        let problem = verification.problem.clone().expect("tampering found");
        assert_eq!(problem, ChainProblem::Gap { expected: 3, found: 4 });
        assert_eq!(problem.seq(), 3);
        assert_eq!(verification.rows, 2);
        assert!(verification.to_string().contains("entry 3 is missing"), "{verification}");
    }

    async fn closing_the_gap_left_by_a_removed_entry_breaks_the_link(backend) {
        let (db, _dir) = fresh_db(backend).await;
        record_many(&db, 4).await;
        drop_append_only_triggers(&db).await;
        sqlx::query("DELETE FROM audit_log WHERE seq = 2").execute(&db.pool).await.unwrap();
        sqlx::query("UPDATE audit_log SET seq = seq - 1 WHERE seq = 3").execute(&db.pool).await.unwrap();
        sqlx::query("UPDATE audit_log SET seq = seq - 1 WHERE seq = 4").execute(&db.pool).await.unwrap();
        // Entry "2" is the old entry 3, still carrying the hash of the removed entry.
        let problem = audit::verify(&db).await.unwrap().problem;
        assert_eq!(problem, Some(ChainProblem::BrokenLink { seq: 2 }));
    }

    async fn fifty_concurrent_writers_get_seqs_one_to_fifty(backend) {
        let (db, _dir) = fresh_db(backend).await;
        let writer = audit::Writer::start(&db);
        let writers: Vec<_> = (0..50)
            .map(|i| {
                let writer = writer.clone();
                tokio::spawn(async move {
                    let actor = format!("user{i}@clinic.test");
                    writer.record(&entry(&actor, Action::ViewQueue, "")).await
                })
            })
            .collect();
        let mut got = tokio::time::timeout(Duration::from_secs(60), async {
            let mut got = Vec::new();
            for writer in writers {
                got.push(writer.await.expect("task").expect("record"));
            }
            got
        })
        .await
        .expect("50 records within a minute");
        got.sort_unstable();
        assert_eq!(got, (1..=50).collect::<Vec<i64>>());

        let verification = audit::verify(&db).await.unwrap();
        assert_eq!(verification.problem, None, "{verification}");
        assert_eq!(verification.rows, 50);
        assert_eq!(count_rows(&db).await, 50);
        // Times rise with sequence numbers: each was taken under the head's lock.
        let (rows, _) = audit::list(&db, &Filter::default(), 1, 50).await.unwrap();
        assert!(rows.windows(2).all(|w| w[0].at >= w[1].at));
    }

    async fn verifying_while_others_write_sees_a_consistent_chain(backend) {
        let (db, _dir) = fresh_db(backend).await;
        let writer = audit::Writer::start(&db);
        let writers: Vec<_> = (0..4)
            .map(|_| {
                let writer = writer.clone();
                tokio::spawn(async move {
                    for _ in 0..50 {
                        writer.record(&entry("ann@clinic.test", Action::ViewQueue, "")).await.unwrap();
                    }
                })
            })
            .collect();
        let checks = tokio::time::timeout(Duration::from_secs(60), async {
            let mut checks = 0;
            while !writers.iter().all(|w| w.is_finished()) {
                let verification = audit::verify(&db).await.unwrap();
                assert_eq!(verification.problem, None, "after {} entries: {verification}", verification.rows);
                checks += 1;
            }
            checks
        })
        .await
        .expect("writers done within a minute");
        assert!(checks > 0);
        for writer in writers {
            writer.await.expect("writer");
        }
        assert_eq!(audit::verify(&db).await.unwrap().rows, 200);
    }

    async fn verify_reads_past_its_first_page(backend) {
        let (db, _dir) = fresh_db(backend).await;
        record_many(&db, 1005).await;
        let verification = audit::verify(&db).await.unwrap();
        assert_eq!((verification.rows, verification.problem), (1005, None));

        drop_append_only_triggers(&db).await;
        sqlx::query("UPDATE audit_log SET actor = 'x@clinic.test' WHERE seq = 1003").execute(&db.pool).await.unwrap();
        assert_eq!(audit::verify(&db).await.unwrap().problem, Some(ChainProblem::HashMismatch { seq: 1003 }));
    }

    async fn the_list_filters_and_pages_newest_first(backend) {
        let (db, _dir) = fresh_db(backend).await;
        insert_at(&db, 1, "2026-11-01T09:00:00.000Z", "ann@clinic.test", Action::SignIn, "").await;
        insert_at(&db, 2, "2026-11-01T23:59:59.999Z", "ann@clinic.test", Action::ViewSubmission, "PI-AAA").await;
        insert_at(&db, 3, "2026-11-02T00:00:00.000Z", "Bob@Clinic.test", Action::ViewSubmission, "PI-BBB").await;
        insert_at(&db, 4, "2026-11-02T12:00:00.000Z", "bob@clinic.test", Action::ChangeStatus, "PI-AAA").await;
        insert_at(&db, 5, "2026-11-03T08:00:00.000Z", "carol_admin@clinic.test", Action::RoleChanged, "bob@clinic.test").await;
        insert_at(&db, 6, "2026-11-04T08:00:00.000Z", "anonymous", Action::SignInFailed, "ann@clinic.test").await;

        let list = |filter: Filter| {
            let db = db.clone();
            async move { audit::list(&db, &filter, 1, 100).await.unwrap() }
        };
        let (rows, total) = list(Filter::default()).await;
        assert_eq!((seqs(&rows), total), (vec![6, 5, 4, 3, 2, 1], 6));

        let (rows, total) = list(Filter { action: Some(Action::ViewSubmission), ..Filter::default() }).await;
        assert_eq!((seqs(&rows), total), (vec![3, 2], 2));

        // Part of the e-mail, any case.
        let (rows, total) = list(Filter { actor: Some("BOB@".into()), ..Filter::default() }).await;
        assert_eq!((seqs(&rows), total), (vec![4, 3], 2));
        // LIKE's wildcards are taken literally: `_` matches only an underscore.
        let (rows, _) = list(Filter { actor: Some("l_a".into()), ..Filter::default() }).await;
        assert_eq!(seqs(&rows), [5]);
        let (rows, _) = list(Filter { actor: Some("%".into()), ..Filter::default() }).await;
        assert!(rows.is_empty());
        // Blank text filters nothing.
        let (_, total) = list(Filter { actor: Some("  ".into()), target: Some(String::new()), ..Filter::default() }).await;
        assert_eq!(total, 6);

        // The exact record: an account e-mail target is not matched by the actor's.
        let (rows, total) = list(Filter { target: Some("PI-AAA".into()), ..Filter::default() }).await;
        assert_eq!((seqs(&rows), total), (vec![4, 2], 2));
        let (rows, _) = list(Filter { target: Some("ann@clinic.test".into()), ..Filter::default() }).await;
        assert_eq!(seqs(&rows), [6]);

        // Both days included, to the last millisecond of `to` and not a millisecond after.
        let day = |d| jiff::civil::date(2026, 11, d);
        let (rows, total) = list(Filter { from: Some(day(1)), to: Some(day(1)), ..Filter::default() }).await;
        assert_eq!((seqs(&rows), total), (vec![2, 1], 2));
        let (rows, _) = list(Filter { from: Some(day(2)), to: Some(day(3)), ..Filter::default() }).await;
        assert_eq!(seqs(&rows), [5, 4, 3]);
        let (rows, _) = list(Filter { from: Some(day(3)), ..Filter::default() }).await;
        assert_eq!(seqs(&rows), [6, 5]);
        let (rows, _) = list(Filter { to: Some(day(1)), ..Filter::default() }).await;
        assert_eq!(seqs(&rows), [2, 1]);

        // Filters combine.
        let (rows, total) = list(Filter {
            action: Some(Action::ViewSubmission),
            actor: Some("ann".into()),
            target: Some("PI-AAA".into()),
            from: Some(day(1)),
            to: Some(day(2)),
        })
        .await;
        assert_eq!((seqs(&rows), total), (vec![2], 1));
        let (rows, total) = list(Filter { action: Some(Action::ExportCsv), ..Filter::default() }).await;
        assert_eq!((rows.len(), total), (0, 0));
    }

    async fn pages_split_the_newest_first_list_and_keep_the_total(backend) {
        let (db, _dir) = fresh_db(backend).await;
        record_many(&db, 25).await;
        let page = |n| {
            let db = db.clone();
            async move { audit::list(&db, &Filter::default(), n, 10).await.unwrap() }
        };
        let (first, total) = page(1).await;
        assert_eq!((seqs(&first), total), ((16..=25).rev().collect::<Vec<_>>(), 25));
        let (second, _) = page(2).await;
        assert_eq!(seqs(&second), (6..=15).rev().collect::<Vec<_>>());
        let (third, total) = page(3).await;
        assert_eq!((seqs(&third), total), (vec![5, 4, 3, 2, 1], 25));
        let (past_the_end, total) = page(4).await;
        assert_eq!((past_the_end.len(), total), (0, 25));
        // Page 0 is the first page; a page size of 0 still shows one entry.
        assert_eq!(seqs(&page(0).await.0), seqs(&first));
        let (one, _) = audit::list(&db, &Filter::default(), 1, 0).await.unwrap();
        assert_eq!(seqs(&one), [25]);
    }
}
