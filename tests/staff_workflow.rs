//! The staff portal over HTTP, in process: the work itself. The workflow, assignment and
//! notes (and that what patients and staff typed is escaped), the queue (filters, pins,
//! pages, every change on the next view, its index), the CSV and FHIR exports, and pages
//! that answer while other app instances are built. Requirements: reference/security.md
//! and the staff portal issue.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::http::StatusCode;
use common::staff::*;
use common::*;
use pain_intake::server::db::Backend;
use serde_json::json;
use sqlx::Row;
use std::time::Duration;

// ---------------------------------------------------------------------------------
// 11. Workflow, assignment and notes
// ---------------------------------------------------------------------------------

on_both_databases! {
    async fn a_clinician_moves_a_submission_along_the_workflow(backend) {
        let (app, admin, clinician, _desk, reference) = portal(backend).await;
        let cookie = app.sign_in(&clinician).await;
        let sub = format!("/staff/submissions/{reference}");
        let status = |from: &'static str, to: &'static str| vec![("from", from), ("to", to)];

        assert_redirect(&app.post_form(&format!("{sub}/status"), &cookie, &status("new", "in_review")).await, &format!("{sub}?m=status-changed"), "new -> in_review");
        assert_redirect(&app.post_form(&format!("{sub}/status"), &cookie, &status("in_review", "consult_scheduled")).await, &format!("{sub}?m=status-changed"), "-> consult_scheduled");
        assert_eq!(status_of(&app, &reference).await, "consult_scheduled");

        // A page opened before those changes still says "new": its post is a conflict.
        assert_redirect(&app.post_form(&format!("{sub}/status"), &cookie, &status("new", "in_review")).await, &format!("{sub}?m=conflict"), "stale from");
        assert_eq!(status_of(&app, &reference).await, "consult_scheduled");
        let page = app.get_with(&format!("{sub}?m=conflict"), &cookie).await.text();
        assert!(page.contains("Someone else changed the status first."));
        assert!(page.contains("data-status=\"consult_scheduled\""));

        // Jumps the workflow does not have are refused.
        let other = app.submit_intake(&valid_intake()).await;
        let osub = format!("/staff/submissions/{other}");
        for (from, to) in [("new", "closed"), ("new", "consult_scheduled"), ("new", "new")] {
            assert_redirect(&app.post_form(&format!("{osub}/status"), &cookie, &[("from", from), ("to", to)]).await, &format!("{osub}?m=bad-status"), to);
        }
        assert_eq!(status_of(&app, &other).await, "new");
        let page = app.get_with(&format!("{osub}?m=bad-status"), &cookie).await.text();
        assert!(page.contains("That status change is not possible from the current status."));

        // History says who.
        let rows = sqlx::query("SELECT h.from_status, h.to_status, h.user_id FROM status_history h JOIN intakes i ON i.id = h.intake_id WHERE i.reference = $1 ORDER BY h.id")
            .bind(reference.replace('-', "")).fetch_all(&app.db.pool).await.unwrap();
        let got: Vec<(String, String, i64)> = rows.iter().map(|r| (r.try_get("from_status").unwrap(), r.try_get("to_status").unwrap(), r.try_get("user_id").unwrap())).collect();
        assert_eq!(got, vec![("new".into(), "in_review".into(), clinician.id), ("in_review".into(), "consult_scheduled".into(), clinician.id)]);
        let page = visible(&app.get_with(&sub, &cookie).await.text());
        assert!(page.contains("New → In review by Cleo Clinician"), "history on the page");
        assert!(page.contains("In review → Consult scheduled by Cleo Clinician"));

        // Assignment: to a clinician or admin, not to front desk or an unknown id.
        assert_redirect(&app.post_form(&format!("{sub}/assign"), &cookie, &[("assignee", &admin.id.to_string())]).await, &format!("{sub}?m=assigned"), "assign");
        assert_eq!(testid_text(&app.get_with(&sub, &cookie).await.text(), "assignee").unwrap(), "Ada Admin");
        let desk_id = _desk.id.to_string();
        for bad in ["99999", desk_id.as_str()] {
            assert_redirect(&app.post_form(&format!("{sub}/assign"), &cookie, &[("assignee", bad)]).await, &format!("{sub}?m=bad-assignee"), bad);
        }
        assert_eq!(testid_text(&app.get_with(&sub, &cookie).await.text(), "assignee").unwrap(), "Ada Admin");
        // Something that is not an id is refused, not taken as "nobody".
        for junk in ["abc", "1.5", "-", "99999999999999999999"] {
            assert_redirect(&app.post_form(&format!("{sub}/assign"), &cookie, &[("assignee", junk)]).await, &format!("{sub}?m=bad-assignee"), junk);
        }
        assert_eq!(testid_text(&app.get_with(&sub, &cookie).await.text(), "assignee").unwrap(), "Ada Admin");
        // An empty choice is "nobody".
        assert_redirect(&app.post_form(&format!("{sub}/assign"), &cookie, &[("assignee", "")]).await, &format!("{sub}?m=assigned"), "nobody");
        assert_eq!(testid_text(&app.get_with(&sub, &cookie).await.text(), "assignee").unwrap(), "nobody");
    }

    async fn notes_are_stored_and_shown_escaped(backend) {
        let (app, _admin, clinician, _desk, reference) = portal(backend).await;
        let cookie = app.sign_in(&clinician).await;
        let sub = format!("/staff/submissions/{reference}");
        let note = "Call back <script>alert('x')</script> & ask about \"PT\" </script><img src=x onerror=alert(1)>";
        assert_redirect(&app.post_form(&format!("{sub}/notes"), &cookie, &[("body", note)]).await, &format!("{sub}?m=note-added#notes"), "note");
        let stored: String = sqlx::query("SELECT body FROM notes").fetch_one(&app.db.pool).await.unwrap().try_get("body").unwrap();
        assert_eq!(stored, note);

        let html = app.get_with(&sub, &cookie).await.text();
        assert!(html.contains("&lt;script&gt;alert("), "escaped in the page");
        assert!(!html.contains("<script>alert"), "raw script tag in the page");
        assert!(!html.contains("<img src=x"), "raw img tag in the page");
        // The page's own scripts are the only ones: the note cannot end one early.
        let opened = html.matches("<script").count();
        let closed = html.matches("</script>").count();
        assert_eq!(opened, closed, "every </script> closes a script the page opened");
        // The audit row says a note was added, not what it says.
        let detail: String = sqlx::query("SELECT detail FROM audit_log WHERE action = 'add_note'").fetch_one(&app.db.pool).await.unwrap().try_get("detail").unwrap();
        assert_eq!(detail, "");
    }
}

#[tokio::test]
async fn what_patients_and_staff_typed_is_escaped_on_staff_pages() {
    let (app, admin, clinician, _desk, _) = portal(Backend::Sqlite).await;
    let mut hostile = valid_intake();
    hostile["clinical"]["medical"]["medications"] = json!("<img src=x onerror=alert(1)> & <script>alert(2)</script>");
    hostile["clinical"]["symptoms"]["other"] = json!("</script><script>alert(3)</script>");
    let reply = app
        .post_raw(
            "/api/v1/intakes",
            "application/json",
            hostile.to_string().into_bytes(),
            &[("x-forwarded-for", &next_client())],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let reference = reply.json()["reference"].as_str().unwrap().to_owned();
    // A staff name with markup (admins type names freely).
    let a = app.sign_in(&admin).await;
    sqlx::query("UPDATE users SET name = '<i>Cleo</i>' WHERE id = $1")
        .bind(clinician.id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let c = app.sign_in(&clinician).await;
    let sub = format!("/staff/submissions/{reference}");
    app.post_form(&format!("{sub}/status"), &c, &[("from", "new"), ("to", "in_review")]).await;
    app.post_form(&format!("{sub}/assign"), &c, &[("assignee", clinician.id.to_string().as_str())]).await;

    for (page, cookie) in
        [(sub.as_str(), c.as_str()), ("/staff", c.as_str()), ("/staff/users", a.as_str()), ("/staff/audit", a.as_str())]
    {
        let html = app.get_with(page, cookie).await.text();
        for raw in ["<img src=x", "<script>alert", "<i>Cleo"] {
            assert!(!html.contains(raw), "{page} has {raw} unescaped");
        }
        assert_eq!(html.matches("<script").count(), html.matches("</script>").count(), "{page}: scripts balanced");
        if page == sub {
            assert!(
                html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;"),
                "medications shown escaped"
            );
            assert!(visible(&html).contains("by &lt;i&gt;Cleo&lt;/i&gt;"), "staff name escaped in the history");
        }
    }
}

// ---------------------------------------------------------------------------------
// 12. The queue
// ---------------------------------------------------------------------------------

on_both_databases! {
    async fn the_queue_filters_and_pins(backend) {
        let app = spawn(backend).await;
        let (admin, clinician, _desk) = create_team(&app).await;
        let emergency = app.submit_intake(&intake(EMERGENCY, "Elena", "Emergent", "uhc")).await;
        let routine = app.submit_intake(&intake(ROUTINE, "Jane", "Doe", "bcbs_tx")).await;
        let harm = app.submit_intake(&intake(SELF_HARM, "Sam", "Harmon", "cigna")).await;
        let not_yet = app.submit_intake(&intake(NOT_YET, "Nina", "Notyet", "bcbs_tx")).await;
        let cookie = app.sign_in(&clinician).await;
        let queue = |filters: Vec<(&'static str, String)>| {
            let app = &app;
            let cookie = cookie.clone();
            async move {
                let pairs: Vec<(&str, &str)> = filters.iter().map(|(k, v)| (*k, v.as_str())).collect();
                assert_redirect(&app.post_form("/staff/queue", &cookie, &pairs).await, "/staff", "filter");
                let page = app.get_with("/staff", &cookie).await;
                assert_eq!(page.status, StatusCode::OK);
                queue_refs(&page.text())
            }
        };

        // Pinned first (emergency, then the safety alert), then newest first.
        let v = |refs: &[&String]| refs.iter().map(|r| (*r).clone()).collect::<Vec<String>>();
        assert_eq!(queue(vec![]).await, v(&[&emergency, &harm, &not_yet, &routine]));
        assert_eq!(queue(vec![("outcome", "emergency".into())]).await, v(&[&emergency]));
        assert_eq!(queue(vec![("outcome", "not_yet".into())]).await, v(&[&not_yet]));
        assert_eq!(queue(vec![("plan", "bcbs_tx".into())]).await, v(&[&not_yet, &routine]));
        assert_eq!(queue(vec![("plan", "cigna".into())]).await, v(&[&harm]));
        assert_eq!(queue(vec![("search", "harm".into())]).await, v(&[&harm]), "part of a last name");
        assert_eq!(queue(vec![("search", "ELENA".into())]).await, v(&[&emergency]), "a first name, any case");
        assert_eq!(queue(vec![("search", not_yet.clone())]).await, v(&[&not_yet]), "a reference");
        assert_eq!(queue(vec![("search", not_yet.replace('-', "").to_lowercase())]).await, v(&[&not_yet]), "a reference without its dash");
        assert_eq!(queue(vec![("search", "100%_".into())]).await, Vec::<String>::new(), "wildcards match themselves");
        assert_eq!(queue(vec![("sort", "name".into())]).await, v(&[&emergency, &harm, &routine, &not_yet]), "pins, then by last name");
        assert_eq!(queue(vec![("sort", "oldest".into())]).await, v(&[&emergency, &harm, &routine, &not_yet]));

        let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("America/Chicago").unwrap()).date();
        let (yesterday, tomorrow) = (today.yesterday().unwrap().to_string(), today.tomorrow().unwrap().to_string());
        assert_eq!(queue(vec![("from", today.to_string()), ("to", today.to_string())]).await.len(), 4, "received today");
        assert_eq!(queue(vec![("to", yesterday)]).await.len(), 0);
        assert_eq!(queue(vec![("from", tomorrow)]).await.len(), 0);
        assert_eq!(queue(vec![("verification", "unverified".into())]).await.len(), 4);
        assert_eq!(queue(vec![("verification", "active".into())]).await.len(), 0);
        assert_eq!(queue(vec![("plan", "bcbs_tx".into()), ("search", "doe".into())]).await, v(&[&routine]), "filters combine");

        // Status filter, and the pin lasting only while the case is open.
        let sub = format!("/staff/submissions/{emergency}");
        app.post_form(&format!("{sub}/status"), &cookie, &[("from", "new"), ("to", "in_review")]).await;
        assert_eq!(queue(vec![("status", "in_review".into())]).await, v(&[&emergency]));
        assert_eq!(queue(vec![("clear", "1".into()), ("status", "in_review".into())]).await.len(), 4, "clear drops every filter");
        app.post_form(&format!("{sub}/status"), &cookie, &[("from", "in_review"), ("to", "referred_out")]).await;
        assert_eq!(status_of(&app, &emergency).await, "referred_out");
        assert_eq!(queue(vec![]).await, v(&[&harm, &not_yet, &routine, &emergency]), "a referred-out emergency is no longer pinned");

        // The filters live in the session, not in the URL: another user's queue is unfiltered.
        queue(vec![("plan", "cigna".into())]).await;
        let a = app.sign_in(&admin).await;
        assert_eq!(queue_refs(&app.get_with("/staff", &a).await.text()).len(), 4);
    }
}

on_both_databases! {
    // The name search (migration 20261207000019) finds a name by the start of any of its
    // words, several words in order or last name first, in any case; accents as typed
    // (the stored name keeps them); a reference exactly.
    async fn the_name_search_finds_names_by_the_start_of_their_words(backend) {
        let app = spawn(backend).await;
        let (_admin, clinician, _desk) = create_team(&app).await;
        let maria = app.submit_intake(&intake(ROUTINE, "María", "García", "bcbs_tx")).await;
        let jose = app.submit_intake(&intake(ROUTINE, "José", "Martínez", "uhc")).await;
        let ann = app.submit_intake(&intake(ROUTINE, "Ann", "O'Brien", "cigna")).await;
        let lucia = app.submit_intake(&intake(ROUTINE, "Lucía", "Garza López", "cigna")).await;
        let cookie = app.sign_in(&clinician).await;
        let search = |text: &'static str| {
            let app = &app;
            let cookie = cookie.clone();
            async move {
                assert_redirect(&app.post_form("/staff/queue", &cookie, &[("search", text)]).await, "/staff", "search");
                let mut refs = queue_refs(&app.get_with("/staff", &cookie).await.text());
                refs.sort();
                refs
            }
        };
        let v = |refs: &[&String]| {
            let mut v: Vec<String> = refs.iter().map(|r| (*r).clone()).collect();
            v.sort();
            v
        };
        assert_eq!(search("maría").await, v(&[&maria]), "a first name");
        assert_eq!(search("Martínez").await, v(&[&jose]), "a last name");
        assert_eq!(search("GARCÍA").await, v(&[&maria]), "any case, accented capitals too");
        assert_eq!(search("garc").await, v(&[&maria]), "the start of a name");
        assert_eq!(search("ga").await, v(&[&maria, &lucia]), "the start of any last name");
        assert_eq!(search("arcí").await, Vec::<String>::new(), "the middle of a word is no start");
        assert_eq!(search("maría gar").await, v(&[&maria]), "across first and last name");
        assert_eq!(search("García, María").await, v(&[&maria]), "last name first");
        assert_eq!(search("lópez").await, v(&[&lucia]), "the second word of a last name");
        assert_eq!(search("brien").await, v(&[&ann]), "a name's words split at the quote");
        assert_eq!(search("o'brien").await, v(&[&ann]), "typed with its quote");
        assert_eq!(search("garcia").await, Vec::<String>::new(), "accents as typed: the stored name keeps them");
        assert_eq!(search("m").await, v(&[&maria, &jose]), "one letter");
        assert_eq!(search("\"garcía\" OR jos*").await, Vec::<String>::new(), "search operators are words");
        assert_eq!(search("%").await, Vec::<String>::new(), "no words, no names");
        assert_eq!(search("nobody").await, Vec::<String>::new());
        let reference: &'static str = Box::leak(jose.clone().into_boxed_str());
        assert_eq!(search(reference).await, v(&[&jose]), "a reference");
    }

    // The queue's count for its list filters is summed from `queue_counts` (migration 20261207000017),
    // which triggers keep equal to the submissions through inserts, batches, workflow
    // changes (a booked consult's too) and updates made straight in the database.
    async fn the_queue_counts_follow_every_change(backend) {
        let app = spawn(backend).await;
        let (_admin, clinician, _desk) = create_team(&app).await;
        let emergency = app.submit_intake(&intake(EMERGENCY, "Elena", "Emergent", "uhc")).await;
        let jane = app.submit_intake(&intake(ROUTINE, "Jane", "Doe", "bcbs_tx")).await;
        pain_intake::server::generate::generate(&app.db, 300, 11).await.unwrap();
        let cookie = app.sign_in(&clinician).await;
        let sub = format!("/staff/submissions/{emergency}");
        app.post_form(&format!("{sub}/status"), &cookie, &[("from", "new"), ("to", "in_review")]).await;
        // A consult booked moves its submission to consult_scheduled (bookings.rs).
        for weekday in pain_intake::domain::booking::Weekday::ALL {
            let all_day = pain_intake::domain::booking::DayHours::parse("00:00-23:30").unwrap();
            pain_intake::server::bookings::set_day(&app.db, *weekday, &all_day, jiff::Timestamp::now()).await.unwrap();
        }
        let book = format!("/staff/submissions/{jane}/book");
        let page = app.get_with(&book, &cookie).await.text();
        let start = page.split("name=\"start\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        app.post_form(&format!("/staff/submissions/{jane}/consult/book"), &cookie, &[("start", &start)]).await;
        let jane_status: String = sqlx::query("SELECT status FROM intakes WHERE reference = $1")
            .bind(jane.replace('-', ""))
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(jane_status, "consult_scheduled");
        sqlx::query("UPDATE intakes SET plan = 'cigna' WHERE id IN (SELECT id FROM intakes WHERE plan = 'uhc' ORDER BY id LIMIT 20)")
            .execute(&app.db.pool)
            .await
            .unwrap();
        sqlx::query("UPDATE intakes SET assignee_id = $1 WHERE id < 100").bind(clinician.id).execute(&app.db.pool).await.unwrap();
        let groups = |sql: &'static str| {
            let app = &app;
            async move {
                sqlx::query(sql)
                    .fetch_all(&app.db.pool)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| {
                        let key: Vec<String> = (0..4).map(|i| r.try_get::<String, _>(i).unwrap()).collect();
                        (key, r.try_get::<i64, _>(4).unwrap())
                    })
                    .collect::<Vec<_>>()
            }
        };
        let counted = groups("SELECT outcome, plan, status, verification_status, n FROM queue_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4").await;
        let actual = groups("SELECT outcome, plan, status, verification_status, COUNT(*) FROM intakes GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4").await;
        assert_eq!(counted, actual);
        assert_eq!(counted.iter().map(|(_, n)| n).sum::<i64>(), 302);

        // The page says what the rows say, with list filters and with a date too.
        let total = |filters: Vec<(&'static str, &'static str)>| {
            let app = &app;
            let cookie = cookie.clone();
            async move {
                app.post_form("/staff/queue", &cookie, &[("clear", "1")]).await;
                app.post_form("/staff/queue", &cookie, &filters).await;
                let page = visible(&app.get_with("/staff", &cookie).await.text());
                let at = page.find(" submission").unwrap();
                page[..at].rsplit(|c: char| !c.is_ascii_digit() && c != ',').next().unwrap().replace(',', "").parse::<i64>().unwrap()
            }
        };
        let rows = |sql: &'static str| {
            let app = &app;
            async move { sqlx::query(sql).fetch_one(&app.db.pool).await.unwrap().try_get::<i64, _>(0).unwrap() }
        };
        assert_eq!(total(vec![]).await, 302);
        assert_eq!(total(vec![("plan", "cigna")]).await, rows("SELECT COUNT(*) FROM intakes WHERE plan = 'cigna'").await);
        assert_eq!(
            total(vec![("outcome", "consult_recommended"), ("status", "closed")]).await,
            rows("SELECT COUNT(*) FROM intakes WHERE outcome = 'consult_recommended' AND status = 'closed'").await
        );
        assert_eq!(total(vec![("status", "in_review"), ("outcome", "emergency"), ("plan", "uhc")]).await, rows("SELECT COUNT(*) FROM intakes WHERE status = 'in_review' AND outcome = 'emergency' AND plan = 'uhc'").await);
        assert_eq!(total(vec![("from", "2020-01-01")]).await, 302, "a date filter counts the rows");
        // A consult filter is counted from the rows too (bookings are not in queue_counts).
        assert_eq!(total(vec![("consult", "booked")]).await, 1);
        assert_eq!(total(vec![("consult", "booked"), ("plan", "uhc")]).await, 0);
        assert_eq!(total(vec![("consult", "not_booked")]).await, 301);
        assert_eq!(
            total(vec![("consult", "not_booked"), ("plan", "bcbs_tx")]).await,
            rows("SELECT COUNT(*) FROM intakes WHERE plan = 'bcbs_tx'").await - 1
        );
    }

    // Submissions stored before migration 20261207000019 get the name keys the app
    // would have written (`queue::name_keys`), from the migration's own SQL.
    async fn the_migration_gives_earlier_submissions_their_name_keys(backend) {
        use pain_intake::server::db::Db;
        use pain_intake::server::staff::queue::name_keys;
        let (url, _dir) = fresh_db_url(backend).await;
        let db = Db::connect(&url).await.unwrap();
        let engine = if backend == Backend::Sqlite { "sqlite" } else { "postgres" };
        let before = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(format!("migrations/{engine}")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name.as_str() < "20261207000019" {
                std::fs::copy(&path, before.path().join(&name)).unwrap();
            }
        }
        sqlx::migrate::Migrator::new(before.path()).await.unwrap().run(&db.pool).await.unwrap();
        let names = [("María", "García López"), ("Ann", "O'Brien-Smith"), ("ZOË", "Ng"), ("Jean-Luc", "St. Pierre")];
        for (n, (first, last)) in names.iter().enumerate() {
            sqlx::query(
                "INSERT INTO intakes (reference, schema_version, locale, answers, status, created_at, updated_at, \
                 first_name, last_name, search_name, date_of_birth, plan, outcome, safety_alert, pin_rank, verification_status) \
                 VALUES ($1, 1, 'en', '', 'new', '2026-12-01T10:00:00.000Z', '2026-12-01T10:00:00.000Z', $2, $3, $4, \
                 '1970-01-01', 'cigna', 'consult_recommended', 0, 3, 'unverified')",
            )
            .bind(format!("REF0000{n}"))
            .bind(*first)
            .bind(*last)
            .bind(format!("{first} {last}").to_lowercase())
            .execute(&db.pool)
            .await
            .unwrap();
        }
        db.migrate().await.unwrap();
        for (n, (first, last)) in names.iter().enumerate() {
            let keys: Vec<String> = sqlx::query(
                "SELECT k.key FROM intake_name_keys k JOIN intakes i ON i.id = k.intake_id WHERE i.reference = $1 ORDER BY k.key",
            )
            .bind(format!("REF0000{n}"))
            .fetch_all(&db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get(0).unwrap())
            .collect();
            assert_eq!(keys, name_keys(first, last), "{first} {last}");
        }
    }

    // With enough submissions for the planner to care, the search reads one range of the
    // name keys' B-tree (migration 20261207000019) and then the rows it found by id: no
    // `SCAN i` on SQLite, no sequential scan on PostgreSQL (turned off, so the plan shows
    // what it can use).
    async fn the_name_search_reads_an_index_not_the_table(backend) {
        use pain_intake::server::staff::queue::page_query;
        use pain_intake::shared::staff::QueueFilter;
        let app = spawn(backend).await;
        create_team(&app).await;
        pain_intake::server::generate::generate(&app.db, 3000, 7).await.unwrap();
        let tz = jiff::tz::TimeZone::get("America/Chicago").unwrap();
        for search in ["garcía", "mar", "7KQ2-9MXD"] {
            let filter = QueueFilter { search: Some(search.into()), ..QueueFilter::default() };
            let (sql, args) = page_query(&app.db, &filter, 1, None, &tz).await.unwrap();
            let mut tx = app.db.pool.begin().await.unwrap();
            let plan: Vec<String> = if backend == Backend::Sqlite {
                let explain = format!("EXPLAIN QUERY PLAN {sql}");
                let mut q = sqlx::query(&explain);
                for a in &args {
                    q = a.bind(q);
                }
                q.fetch_all(&mut *tx).await.unwrap().iter().map(|r| r.try_get::<String, _>("detail").unwrap()).collect()
            } else {
                sqlx::query("ANALYZE intakes, intake_name_keys").execute(&mut *tx).await.unwrap();
                sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await.unwrap();
                let explain = format!("EXPLAIN {sql}");
                let mut q = sqlx::query(&explain);
                for a in &args {
                    q = a.bind(q);
                }
                q.fetch_all(&mut *tx).await.unwrap().iter().map(|r| r.try_get::<String, _>(0).unwrap()).collect()
            };
            if backend == Backend::Sqlite {
                assert!(!plan.iter().any(|d| d == "SCAN i" || d.starts_with("SCAN i ")), "{search}: {plan:#?}");
                assert!(
                    plan.iter().any(|d| d.starts_with("SEARCH k USING PRIMARY KEY (key>? AND key<?)")),
                    "{search}: {plan:#?}"
                );
            } else {
                assert!(plan.iter().any(|d| d.contains("Index Only Scan using intake_name_keys_pkey")), "{search}: {plan:#?}");
                assert!(plan.iter().any(|d| d.contains("Index Cond: ((key >= ")), "{search}: {plan:#?}");
                assert!(!plan.iter().any(|d| d.contains("Seq Scan on intakes")), "{search}: {plan:#?}");
            }
        }
    }
}

on_both_databases! {
    // A page's ids are picked from the queue index first, then their rows read (migration
    // 20261207000018): every page of a view, filtered or not, in any sort, is exactly its
    // slice of the whole list in the queue's order. The whole list is the CSV export,
    // which reads the rows in that order without paging.
    async fn every_page_of_a_view_is_its_slice_of_the_whole_ordered_list(backend) {
        let app = spawn(backend).await;
        let (admin, _clinician, _desk) = create_team(&app).await;
        app.submit_intake(&intake(EMERGENCY, "Elena", "Emergent", "bcbs_tx")).await;
        pain_intake::server::generate::generate(&app.db, 700, 5).await.unwrap();
        // Ties in every sort key but the id: the id decides, on every page alike.
        sqlx::query("UPDATE intakes SET created_at = (SELECT created_at FROM intakes WHERE id = 300), \
                     last_name = 'Tie', first_name = 'Same' WHERE id BETWEEN 300 AND 420")
            .execute(&app.db.pool)
            .await
            .unwrap();
        let cookie = app.sign_in(&admin).await;
        let views: [&[(&str, &str)]; 9] = [
            &[],
            &[("sort", "oldest")],
            &[("sort", "name")],
            &[("sort", "status")],
            &[("plan", "bcbs_tx"), ("sort", "oldest")],
            &[("outcome", "consult_recommended"), ("sort", "name")],
            &[("status", "closed")],
            &[("status", "closed"), ("verification", "active"), ("sort", "name")],
            &[("consult", "not_booked"), ("from", "2020-01-01"), ("sort", "status")],
        ];
        for view in views {
            app.post_form("/staff/queue", &cookie, &[("clear", "1")]).await;
            assert_redirect(&app.post_form("/staff/queue", &cookie, view).await, "/staff", "filter");
            let csv = app.get_with("/staff/export.csv", &cookie).await;
            let mut reader = csv::Reader::from_reader(csv.body.as_slice());
            let whole: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
            assert!(whole.len() > 100, "{view:?}: {} rows, more than two pages", whole.len());
            let pages = whole.len().div_ceil(50);
            let slice = |n: usize| &whole[((n - 1) * 50).min(whole.len())..(n * 50).min(whole.len())];
            for n in 1..=pages + 1 {
                let page = queue_refs(&app.get_with(&format!("/staff?page={n}"), &cookie).await.text());
                assert_eq!(page, slice(n), "{view:?}: page {n} of {pages}");
            }
            // The pager's links find the same pages by the row beside them: Next to the
            // end, then Previous back to the top.
            let mut at = "/staff".to_owned();
            for n in 1..=pages {
                let html = app.get_with(&at, &cookie).await.text();
                assert_eq!(queue_refs(&html), slice(n), "{view:?}: page {n} of {pages} by Next ({at})");
                match pager_link(&html, "next") {
                    Some(next) => {
                        assert!(n < pages, "{view:?}: no Next on the last page");
                        assert!(next.starts_with(&format!("/staff?page={}&after=", n + 1)), "{next}");
                        at = next;
                    }
                    None => assert_eq!(n, pages, "{view:?}: Next on every page but the last"),
                }
            }
            for n in (1..pages).rev() {
                let html = app.get_with(&at, &cookie).await.text();
                let previous = pager_link(&html, "prev").unwrap_or_else(|| panic!("{view:?}: Previous on page {}", n + 1));
                let html = app.get_with(&previous, &cookie).await.text();
                assert_eq!(queue_refs(&html), slice(n), "{view:?}: page {n} of {pages} by Previous ({previous})");
                at = previous;
            }
            assert_eq!(at, "/staff", "{view:?}: Previous from page 2 is the top of the queue");
            assert_eq!(pager_link(&app.get_with(&at, &cookie).await.text(), "prev"), None);
        }
        // A cursor that names no submission, or is no reference at all, falls back to
        // the page number.
        app.post_form("/staff/queue", &cookie, &[("clear", "1")]).await;
        let second = queue_refs(&app.get_with("/staff?page=2", &cookie).await.text());
        for odd in ["/staff?page=2&after=AAAAAAAA", "/staff?page=2&before=%3C%2Fa%3E", "/staff?page=2&after="] {
            let page = app.get_with(odd, &cookie).await;
            assert_eq!(page.status, StatusCode::OK, "{odd}");
            assert_eq!(queue_refs(&page.text()), second, "{odd}");
        }
    }

    // A deep page and a filtered view read the queue index alone to pick their 50 ids
    // (a covering index: SQLite's `SCAN … USING COVERING INDEX`, PostgreSQL's `Index Only
    // Scan`), then those rows by id, never every row they skip or test.
    async fn deep_and_filtered_pages_pick_their_ids_from_a_covering_index(backend) {
        use pain_intake::domain::intake::Plan;
        use pain_intake::domain::screening::Outcome;
        use pain_intake::domain::staff::{VerificationStatus, WorkflowStatus};
        use pain_intake::server::staff::queue::page_query;
        use pain_intake::shared::staff::{ConsultFilter, QueueFilter, QueueSort};
        let app = spawn(backend).await;
        create_team(&app).await;
        // generate() ends with VACUUM ANALYZE on PostgreSQL: statistics and the visibility
        // map an index-only scan needs, as autovacuum keeps them. Below about 7,000 rows
        // PostgreSQL rightly finds reading every row cheaper than 50 lookups by id.
        pain_intake::server::generate::generate(&app.db, 20_000, 7).await.unwrap();
        let tz = jiff::tz::TimeZone::get("America/Chicago").unwrap();
        let views = [
            (QueueFilter::default(), 40, "intakes_queue_newest"),
            (QueueFilter { sort: QueueSort::Oldest, ..QueueFilter::default() }, 40, "intakes_queue_oldest"),
            (QueueFilter { sort: QueueSort::Name, ..QueueFilter::default() }, 40, "intakes_queue_name"),
            (QueueFilter { sort: QueueSort::Status, ..QueueFilter::default() }, 40, "intakes_queue_status"),
            (
                QueueFilter { outcome: Some(Outcome::ConsultRecommended), plan: Some(Plan::BcbsTx), ..QueueFilter::default() },
                3,
                "intakes_queue_newest",
            ),
            (
                QueueFilter { verification: Some(VerificationStatus::Active), sort: QueueSort::Oldest, ..QueueFilter::default() },
                20,
                "intakes_queue_oldest",
            ),
            (QueueFilter { status: Some(WorkflowStatus::Closed), ..QueueFilter::default() }, 20, "intakes_queue_of_status"),
            (QueueFilter { consult: Some(ConsultFilter::NotBooked), ..QueueFilter::default() }, 40, "intakes_queue_newest"),
        ];
        for (filter, page, index) in views {
            let (sql, args) = page_query(&app.db, &filter, page, None, &tz).await.unwrap();
            let mut tx = app.db.pool.begin().await.unwrap();
            if backend == Backend::Sqlite {
                let explain = format!("EXPLAIN QUERY PLAN {sql}");
                let mut q = sqlx::query(&explain);
                for a in &args {
                    q = a.bind(q);
                }
                let plan: Vec<(i64, i64, String)> = q
                    .fetch_all(&mut *tx)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| (r.try_get("id").unwrap(), r.try_get("parent").unwrap(), r.try_get("detail").unwrap()))
                    .collect();
                let details: Vec<&str> = plan.iter().map(|(_, _, d)| d.as_str()).collect();
                let ids = format!("USING COVERING INDEX {index}");
                assert!(details.iter().any(|d| d.contains(&ids)), "{filter:?}: {details:#?}");
                assert!(details.contains(&"SEARCH i USING INTEGER PRIMARY KEY (rowid=?)"), "{filter:?}: {details:#?}");
                // No walk of intakes that reads rows. A bare `SCAN i` is allowed only as the
                // count's subquery, where `i` is queue_counts (at most 750 rows).
                assert!(!details.iter().any(|d| d.starts_with("SCAN i USING INDEX")), "{filter:?}: {details:#?}");
                for (_, parent, detail) in &plan {
                    if detail == "SCAN i" {
                        let parent = plan.iter().find(|(id, _, _)| id == parent).map(|(_, _, d)| d.as_str());
                        assert_eq!(parent, Some("SCALAR SUBQUERY 1"), "{filter:?}: {details:#?}");
                    }
                }
                // Only the page's 50 rows are sorted: the ids come in the index's order.
                let sorts = details.iter().filter(|d| d.contains("TEMP B-TREE")).count();
                assert_eq!(sorts, 1, "{filter:?}: {details:#?}");
            } else {
                sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await.unwrap();
                let explain = format!("EXPLAIN {sql}");
                let mut q = sqlx::query(&explain);
                for a in &args {
                    q = a.bind(q);
                }
                let plan: Vec<String> =
                    q.fetch_all(&mut *tx).await.unwrap().iter().map(|r| r.try_get::<String, _>(0).unwrap()).collect();
                assert!(plan.iter().any(|d| d.contains("Index Only Scan using intakes_queue_")), "{filter:?}: {plan:#?}");
                assert!(plan.iter().any(|d| d.contains("Index Scan using intakes_pkey")), "{filter:?}: {plan:#?}");
                // No scan of intakes that reads the rows it walks (an Index Only Scan reads
                // the index; the primary key lookups read the page's 50 rows).
                for reads_rows in ["Seq Scan on intakes", "Bitmap Heap Scan on intakes", "Index Scan using intakes_queue_"] {
                    assert!(!plan.iter().any(|d| d.contains(reads_rows)), "{filter:?}: {plan:#?}");
                }
            }
        }
    }

    // A page reached by the pager's links seeks its place in the sort's index from the
    // row beside it: every branch is an index range (SQLite's `SEARCH`, PostgreSQL's
    // `Index Cond`), none a walk from the top of the index, none a sort of a range.
    async fn a_page_after_a_row_seeks_its_place_in_the_index(backend) {
        use pain_intake::domain::intake::Plan;
        use pain_intake::domain::screening::Outcome;
        use pain_intake::domain::staff::WorkflowStatus;
        use pain_intake::domain::values::Reference;
        use pain_intake::server::staff::queue::{page_query, Cursor};
        use pain_intake::shared::staff::{QueueFilter, QueueSort};
        let app = spawn(backend).await;
        create_team(&app).await;
        pain_intake::server::generate::generate(&app.db, 20_000, 7).await.unwrap();
        let tz = jiff::tz::TimeZone::get("America/Chicago").unwrap();
        let deep: String = sqlx::query("SELECT reference FROM intakes WHERE id = 9000")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        let deep = Reference::parse(&deep).unwrap();
        let views = [
            QueueFilter::default(),
            QueueFilter { sort: QueueSort::Oldest, ..QueueFilter::default() },
            QueueFilter { sort: QueueSort::Name, ..QueueFilter::default() },
            QueueFilter { sort: QueueSort::Status, ..QueueFilter::default() },
            QueueFilter { outcome: Some(Outcome::ConsultRecommended), plan: Some(Plan::BcbsTx), ..QueueFilter::default() },
            QueueFilter { status: Some(WorkflowStatus::Closed), ..QueueFilter::default() },
        ];
        for filter in views {
            for cursor in [Cursor::After(deep.clone()), Cursor::Before(deep.clone())] {
                let (sql, args) = page_query(&app.db, &filter, 200, Some(&cursor), &tz).await.unwrap();
                let mut tx = app.db.pool.begin().await.unwrap();
                let explain = if backend == Backend::Sqlite {
                    format!("EXPLAIN QUERY PLAN {sql}")
                } else {
                    sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await.unwrap();
                    format!("EXPLAIN {sql}")
                };
                let mut q = sqlx::query(&explain);
                for a in &args {
                    q = a.bind(q);
                }
                let rows = q.fetch_all(&mut *tx).await.unwrap();
                let plan: Vec<String> = if backend == Backend::Sqlite {
                    rows.iter().map(|r| r.try_get::<String, _>("detail").unwrap()).collect()
                } else {
                    rows.iter().map(|r| r.try_get::<String, _>(0).unwrap()).collect()
                };
                let branches = if filter.sort == QueueSort::Status { 3 } else { 2 };
                if backend == Backend::Sqlite {
                    let seeks: Vec<usize> = (0..plan.len())
                        .filter(|&n| plan[n].starts_with("SEARCH i USING COVERING INDEX intakes_queue_"))
                        .collect();
                    assert_eq!(seeks.len(), branches, "{filter:?} {cursor:?}: {plan:#?}");
                    for n in seeks {
                        assert!(plan[n].contains("<expr>"), "{filter:?} {cursor:?}: a range of the pin: {plan:#?}");
                        let next = plan.get(n + 1).map(String::as_str).unwrap_or("");
                        assert!(!next.contains("TEMP B-TREE"), "{filter:?} {cursor:?}: a sorted range: {plan:#?}");
                    }
                    assert!(!plan.iter().any(|d| d.starts_with("SCAN i USING")), "{filter:?} {cursor:?}: {plan:#?}");
                } else {
                    let seeks: Vec<usize> = (0..plan.len())
                        .filter(|&n| plan[n].contains("Index Only Scan") && plan[n].contains("using intakes_queue_"))
                        .collect();
                    assert_eq!(seeks.len(), branches, "{filter:?} {cursor:?}: {plan:#?}");
                    for n in seeks {
                        let cond = plan.get(n + 1).map(String::as_str).unwrap_or("");
                        assert!(cond.contains("Index Cond:") && cond.contains("CASE WHEN"), "{filter:?} {cursor:?}: {plan:#?}");
                    }
                    for reads_rows in ["Seq Scan on intakes", "Bitmap Heap Scan on intakes", "Index Scan using intakes_queue_"] {
                        assert!(!plan.iter().any(|d| d.contains(reads_rows)), "{filter:?} {cursor:?}: {plan:#?}");
                    }
                }
            }
        }
    }
}

on_both_databases! {
    // Queue pages are kept in memory while the database's queue version stands: every
    // change must still show on the next view, whoever made it and however.
    async fn the_queue_shows_every_change_on_the_next_view(backend) {
        let app = spawn(backend).await;
        let (_admin, clinician, desk) = create_team(&app).await;
        let jane = app.submit_intake(&intake(ROUTINE, "Jane", "Doe", "bcbs_tx")).await;
        let cookie = app.sign_in(&clinician).await;
        let desk_cookie = app.sign_in(&desk).await;
        let view = |cookie: String| {
            let app = &app;
            async move { visible(&app.get_with("/staff", &cookie).await.text()) }
        };
        let first = view(cookie.clone()).await;
        assert!(first.contains("1 submission") && !first.contains("1 submissions") && first.contains("Doe, Jane"));
        assert_eq!(queue_refs(&view(cookie.clone()).await), vec![jane.clone()], "a repeated view");

        // A new submission.
        let sam = app.submit_intake(&intake(SELF_HARM, "Sam", "Harmon", "cigna")).await;
        let page = view(cookie.clone()).await;
        assert!(page.contains("2 submissions"), "a new intake is counted");
        assert_eq!(queue_refs(&page), vec![sam.clone(), jane.clone()]);

        // A change through the app, then one made straight in the database (another
        // instance, a script): both show at once.
        let sub = format!("/staff/submissions/{jane}");
        app.post_form(&format!("{sub}/assign"), &cookie, &[("assignee", &clinician.id.to_string())]).await;
        assert!(view(cookie.clone()).await.contains("Cleo Clinician"), "the assignee");
        sqlx::query("UPDATE intakes SET last_name = 'Changed' WHERE reference = $1")
            .bind(jane.replace('-', ""))
            .execute(&app.db.pool)
            .await
            .unwrap();
        assert!(view(cookie.clone()).await.contains("Changed, Jane"), "a row changed outside the app");
        sqlx::query("UPDATE users SET name = 'Cleo Renamed' WHERE id = $1").bind(clinician.id).execute(&app.db.pool).await.unwrap();
        assert!(view(cookie.clone()).await.contains("Cleo Renamed"), "a staff member's new name");

        // Front desk never gets a page kept for a clinician, nor the other way round.
        assert!(view(cookie.clone()).await.contains("Safety alert"));
        let desk_page = view(desk_cookie.clone()).await;
        assert!(desk_page.contains("2 submissions") && !desk_page.contains("Safety alert") && !desk_page.contains(">Outcome<"));
        assert!(view(cookie.clone()).await.contains(">Outcome<"));
    }
}

#[tokio::test]
async fn the_queue_pages_by_fifty() {
    let app = spawn(Backend::Sqlite).await;
    let (_admin, clinician, _desk) = create_team(&app).await;
    // Names take letters only: Pageaa (the oldest) to Pagech.
    for i in 0..60u8 {
        let last = format!("Page{}{}", (b'a' + i / 26) as char, (b'a' + i % 26) as char);
        app.submit_intake(&intake(ROUTINE, "Pat", &last, "bcbs_tx")).await;
    }
    let cookie = app.sign_in(&clinician).await;
    let first = app.get_with("/staff", &cookie).await.text();
    assert_eq!(queue_refs(&first).len(), 50);
    assert!(first.contains("60 submissions"));
    assert!(first.contains("Page 1 of 2"));
    // Next names the page's last row; Previous on page 2 is the top of the queue.
    let next = pager_link(&first, "next").expect("a Next link");
    let last_ref = queue_refs(&first).last().unwrap().replace('-', "");
    assert_eq!(next, format!("/staff?page=2&after={last_ref}"));
    assert_eq!(pager_link(&first, "prev"), None);
    let second = app.get_with(&next, &cookie).await.text();
    assert_eq!(pager_link(&second, "prev").as_deref(), Some("/staff"));
    assert_eq!(pager_link(&second, "next"), None);
    assert_eq!(queue_refs(&second), queue_refs(&app.get_with("/staff?page=2", &cookie).await.text()));
    let refs2 = queue_refs(&second);
    assert_eq!(refs2.len(), 10);
    assert!(second.contains("Page 2 of 2"));
    // Newest first: the last page holds the ten oldest.
    assert!(second.contains("Pageaa, Pat") && !first.contains("Pageaa, Pat"));
    let all: std::collections::HashSet<String> = queue_refs(&first).into_iter().chain(refs2).collect();
    assert_eq!(all.len(), 60, "no row on both pages");
    for page in ["/staff?page=3", "/staff?page=99999999", "/staff?page=0", "/staff?page=-1", "/staff?page=abc"] {
        let reply = app.get_with(page, &cookie).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
    }
    assert_eq!(queue_refs(&app.get_with("/staff?page=3", &cookie).await.text()).len(), 0);
}

/// The default and oldest-first queue orders read a page from the queue index instead of
/// sorting every submission (BENCHMARKS.md: 28 ms → 0.1 ms per page with 10,000 rows).
#[tokio::test]
async fn the_queue_date_orders_are_read_from_an_index_not_sorted() {
    use pain_intake::server::staff::queue::order_of;
    use pain_intake::shared::staff::QueueSort;
    let app = spawn(Backend::Sqlite).await;
    for sort in [QueueSort::Newest, QueueSort::Oldest] {
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT i.reference FROM intakes i LEFT JOIN users u ON u.id = i.assignee_id ORDER BY {} LIMIT 50",
            order_of(sort)
        );
        let plan: Vec<String> = sqlx::query(&sql)
            .fetch_all(&app.db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String, _>("detail").unwrap())
            .collect();
        assert!(plan.iter().any(|d| d.contains("USING INDEX intakes_queue_")), "{sort:?}: {plan:?}");
        assert!(!plan.iter().any(|d| d.contains("TEMP B-TREE")), "{sort:?}: {plan:?}");
    }
}

// ---------------------------------------------------------------------------------
// 13. Exports
// ---------------------------------------------------------------------------------

on_both_databases! {
    async fn the_csv_export_has_a_header_and_one_row_per_filtered_submission(backend) {
        let app = spawn(backend).await;
        let (admin, _clinician, _desk) = create_team(&app).await;
        let routine = app.submit_intake(&intake(ROUTINE, "Jane", "Doe", "bcbs_tx")).await;
        let harm = app.submit_intake(&intake(SELF_HARM, "Sam", "Harmon", "cigna")).await;
        let emergency = app.submit_intake(&intake(EMERGENCY, "Elena", "Emergent", "uhc")).await;
        let cookie = app.sign_in(&admin).await;

        let csv_of = |reply: &Reply| -> (Vec<String>, Vec<Vec<String>>) {
            let mut reader = csv::Reader::from_reader(reply.body.as_slice());
            let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
            let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
            (header, rows)
        };
        // The body as a server reads it: frame by frame, and once more after the end (hyper
        // may), which must say "ended" again rather than panic.
        {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let request = axum::http::Request::get("/staff/export.csv")
                .header("cookie", &cookie)
                .body(axum::body::Body::empty())
                .unwrap();
            let mut body = app.router.clone().oneshot(request).await.unwrap().into_body();
            let mut bytes = 0;
            while let Some(frame) = body.frame().await {
                bytes += frame.unwrap().into_data().map(|d| d.len()).unwrap_or(0);
            }
            assert!(bytes > 0);
            assert!(body.frame().await.is_none(), "still ended");
        }
        let reply = app.get_with("/staff/export.csv", &cookie).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.header("content-type"), "text/csv; charset=utf-8");
        assert_eq!(reply.header("cache-control"), "no-store");
        let disposition = reply.header("content-disposition");
        assert!(disposition.starts_with("attachment; filename=\"intake-queue-") && !disposition.contains("Doe"), "{disposition}");
        let (header, rows) = csv_of(&reply);
        assert_eq!(header, ["reference", "name", "age", "outcome", "safety_alert", "priority", "plan", "verification", "status", "received", "assignee", "consult"]);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][0], emergency);
        assert_eq!(rows[0][3], "emergency");
        assert_eq!(rows[0][5], "emergency");
        assert_eq!(rows[1][..2], [harm.as_str(), "Harmon, Sam"]);
        assert_eq!(rows[1][3..7], ["clinician_review", "true", "urgent", "cigna"]);
        assert_eq!(rows[2][1], "Doe, Jane");

        app.post_form("/staff/queue", &cookie, &[("plan", "bcbs_tx")]).await;
        let (_, rows) = csv_of(&app.get_with("/staff/export.csv", &cookie).await);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][0], routine);

        let details: Vec<String> = sqlx::query("SELECT detail FROM audit_log WHERE action = 'export_csv' ORDER BY seq")
            .fetch_all(&app.db.pool).await.unwrap().iter().map(|r| r.try_get("detail").unwrap()).collect();
        assert_eq!(details, ["3 rows", "3 rows", "1 rows"], "each download audited");
    }

    // The export is streamed in chunks of 256 rows: more than a chunk's worth comes out
    // whole, in the queue's order, counted in the audit entry.
    async fn the_csv_export_streams_every_row_in_queue_order(backend) {
        let app = spawn(backend).await;
        let (admin, _clinician, _desk) = create_team(&app).await;
        pain_intake::server::generate::generate(&app.db, 700, 3).await.unwrap();
        let cookie = app.sign_in(&admin).await;
        let reply = app.get_with("/staff/export.csv", &cookie).await;
        assert_eq!(reply.status, StatusCode::OK);
        let mut reader = csv::Reader::from_reader(reply.body.as_slice());
        assert_eq!(reader.headers().unwrap().len(), 12);
        assert_eq!(&reader.headers().unwrap()[11], "consult", "the consult column, last");
        let refs: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
        assert_eq!(refs.len(), 700);
        assert_eq!(refs.iter().collect::<std::collections::HashSet<_>>().len(), 700, "no row twice");
        assert_eq!(refs[..50], queue_refs(&app.get_with("/staff", &cookie).await.text())[..], "the queue's order");
        let page2 = queue_refs(&app.get_with("/staff?page=14", &cookie).await.text());
        assert_eq!(refs[650..], page2[..], "to the last page");
        let detail: String = sqlx::query("SELECT detail FROM audit_log WHERE action = 'export_csv'")
            .fetch_one(&app.db.pool).await.unwrap().try_get("detail").unwrap();
        assert_eq!(detail, "700 rows");
    }

    async fn the_fhir_download_is_a_bundle_and_audited(backend) {
        let (app, _admin, clinician, _desk, reference) = portal(backend).await;
        let cookie = app.sign_in(&clinician).await;
        let reply = app.get_with(&format!("/staff/submissions/{reference}/fhir"), &cookie).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.header("content-type"), "application/fhir+json; charset=utf-8");
        assert_eq!(reply.header("cache-control"), "no-store");
        let compact = reference.replace('-', "");
        assert_eq!(reply.header("content-disposition"), format!("attachment; filename=\"intake-{compact}.fhir.json\""));
        let bundle = reply.json();
        assert_eq!(bundle["resourceType"], "Bundle");
        assert_eq!(bundle["identifier"]["value"], reference);
        let kinds: Vec<&str> = bundle["entry"].as_array().unwrap().iter().map(|e| e["resource"]["resourceType"].as_str().unwrap()).collect();
        for kind in ["Patient", "QuestionnaireResponse", "Observation", "Coverage"] {
            assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
        }
        let patient = bundle["entry"].as_array().unwrap().iter().find(|e| e["resource"]["resourceType"] == "Patient").unwrap();
        assert_eq!(patient["resource"]["name"][0]["family"], "Doe");
        let target: String = sqlx::query("SELECT target FROM audit_log WHERE action = 'export_fhir'").fetch_one(&app.db.pool).await.unwrap().try_get("target").unwrap();
        assert_eq!(target, compact);
    }
}

// ---------------------------------------------------------------------------------
// Building app instances
// ---------------------------------------------------------------------------------

/// Leptos stops every resource in the process from loading while it generates a route
/// list, and a resource that first runs in that window never loads (leptos issue 4773):
/// its page never answered. This was the rare hang of this suite, where tests build apps
/// while other tests render pages. The route list is now generated once per process, so
/// building more instances (tests, `twin`) cannot stall a page being rendered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_pages_answer_while_other_app_instances_are_built() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let app = spawn(Backend::Sqlite).await;
    let (admin, ..) = create_team(&app).await;
    let cookie = app.sign_in(&admin).await;
    let stop = Arc::new(AtomicBool::new(false));
    let builder = {
        let (state, stop, runtime) = (app.state.clone(), stop.clone(), tokio::runtime::Handle::current());
        std::thread::spawn(move || {
            let _runtime = runtime.enter();
            let mut built = 0u32;
            while !stop.load(Ordering::Relaxed) {
                drop(pain_intake::server::http::app(state.clone()));
                built += 1;
            }
            built
        })
    };
    for i in 0..100 {
        let page = tokio::time::timeout(Duration::from_secs(10), app.get_with("/staff/payers", &cookie)).await;
        let Ok(page) = page else {
            stop.store(true, Ordering::Relaxed);
            panic!("page load {i} did not answer within 10 s while other app instances were being built");
        };
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("84980"), "the payer directory is on the page");
    }
    stop.store(true, Ordering::Relaxed);
    let built = builder.join().expect("the app builder");
    assert!(built > 0, "no app instance was built meanwhile");
}

#[tokio::test]
async fn staff_pages_read_as_staff_expect_phone_numbers_counts_and_no_patient_footer() {
    let app = spawn(Backend::Sqlite).await;
    let (_admin, clinician, _desk) = create_team(&app).await;
    let mut one = valid_intake();
    one["patient"]["phone"] = json!("214.555.0182");
    let reference = app.submit_intake(&one).await;
    let cookie = app.sign_in(&clinician).await;
    let queue = app.get_with("/staff", &cookie).await.text();
    assert_eq!(testid_text(&queue, "queue-total").as_deref().map(str::trim), Some("1 submission"), "{queue}");
    assert!(!queue.contains("tel:988"), "the patients' crisis footer is not on staff pages");
    let page = visible(&app.get_with(&format!("/staff/submissions/{reference}"), &cookie).await.text());
    assert!(page.contains("(214) 555-0182"), "the phone as a number reads: {page}");
    assert!(!page.contains("2145550182"));
    app.submit_intake(&valid_intake()).await;
    let queue = app.get_with("/staff", &cookie).await.text();
    assert_eq!(testid_text(&queue, "queue-total").as_deref().map(str::trim), Some("2 submissions"));
    // Patients still see it.
    assert!(app.get("/learn").await.text().contains(r#"<a href="tel:988">988</a>"#));
}

on_both_databases! {
    async fn each_intake_keeps_the_consent_wording_it_was_given_and_staff_see_it(backend) {
        let app = spawn(backend).await;
        let (_, clinician, _) = create_team(&app).await;
        let mut spanish = intake(ROUTINE, "Ana", "García", "cigna");
        spanish["locale"] = json!("es");
        let reference = app.submit_intake(&spanish).await;
        let row = sqlx::query("SELECT c.version, c.locale, c.sha256 FROM intake_consents c JOIN intakes i ON i.id = c.intake_id WHERE i.reference = $1")
            .bind(reference.replace('-', ""))
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        let current = pain_intake::shared::consent::current();
        assert_eq!(row.try_get::<String, _>("version").unwrap(), current.id);
        assert_eq!(row.try_get::<String, _>("locale").unwrap(), "es");
        let sha: String = row.try_get("sha256").unwrap();
        assert_eq!(sha, pain_intake::server::intakes::consent_sha256(current, pain_intake::domain::intake::Locale::Es));

        let cookie = app.sign_in(&clinician).await;
        let page = visible(&app.get_with(&format!("/staff/submissions/{reference}"), &cookie).await.text());
        assert!(page.contains(&format!(r#"data-testid="consent-version" data-version="{}" data-intact="true""#, current.id)), "{page}");
        assert!(page.contains("in Spanish") && page.contains(&sha) && page.contains("hasta donde yo sé"));
        let bundle = app.get_with(&format!("/staff/submissions/{reference}/fhir"), &cookie).await.json();
        let consent = bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).find(|r| r["resourceType"] == "Consent").cloned();
        assert_eq!(consent.map(|c| c["identifier"][0]["value"].clone()), Some(json!(sha)));

        // A stored hash that does not match its version's text is shown as such.
        sqlx::query("UPDATE intake_consents SET sha256 = $1").bind("0".repeat(64)).execute(&app.db.pool).await.unwrap();
        let page = visible(&app.get_with(&format!("/staff/submissions/{reference}"), &cookie).await.text());
        assert!(page.contains(r#"data-intact="false""#) && page.contains("does not match this version's text"));
    }
}
