//! The wizard's form posts over HTTP, without a browser: cookies, cross-site refusal,
//! resume tokens, expiry, the language switch, and a full submission on both databases.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::wizard::*;
use common::*;
use pain_intake::server::{drafts, intakes};
use pain_intake::shared::form::{Step, RED_FLAGS};
use sqlx::Row;

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(&app.db.pool).await.unwrap().try_get::<i64, _>(0).unwrap()
}

on_both_databases! {
    async fn a_resume_link_moves_the_draft_to_a_fresh_secret_and_stops_working(backend) {
        let app = spawn(backend).await;
        // Someone starts a draft and sends its link to a patient ("continue your form").
        let planted = start(&app).await;
        let link_token = planted.trim_start_matches("draft=").to_owned();
        // Opening the link changes nothing (mail scanners open links too) ...
        let page = app.get(&format!("/intake/resume/{link_token}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains(r#"<form method="post" action="/intake/resume">"#), "{}", page.text());
        assert!(drafts::find(&app.db, &link_token).await.unwrap().is_some());
        // ... pressing "Continue" moves the draft to a secret only this browser has.
        let reply = resume(&app, "", &link_token).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.header("location"), "/intake/red-flags");
        let patient = draft_cookie(&reply);
        let fresh = patient.trim_start_matches("draft=").to_owned();
        assert_ne!(fresh, link_token);
        assert!(drafts::find(&app.db, &fresh).await.unwrap().is_some());
        assert!(drafts::find(&app.db, &link_token).await.unwrap().is_none(), "the link's token is dead at once");
        // What the patient types now is out of reach of the link and of the planted cookie.
        let reply = app.send(form_post("/intake/red-flags", &patient, &step_body(Step::RedFlags))).await;
        assert_eq!(reply.header("location"), "/intake/symptoms");
        let planted_view = app.send(form_post("/intake/symptoms", &planted, "nav=next")).await;
        assert_eq!(planted_view.header("location"), "/intake/symptoms", "the planted cookie opens no draft");
        let page = app.send(Request::get("/intake/red-flags").header("cookie", &planted).body(Body::empty()).unwrap()).await;
        assert!(page.text().contains("We could not find your saved answers"));
        assert!(!page.text().contains(&fresh));
        let again = resume(&app, "", &link_token).await;
        assert_eq!(again.header("location"), "/intake/red-flags");
        assert_eq!(again.header("set-cookie"), "", "a used link gives no cookie");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM drafts").await, 1);
        // The patient's own draft still resumes where it stopped, once more under a new secret.
        let moved = resume(&app, "", &fresh).await;
        assert_eq!(moved.header("location"), "/intake/symptoms");
        assert!(drafts::find(&app.db, &fresh).await.unwrap().is_none());
    }

    async fn one_draft_submitted_six_times_at_once_stores_one_intake(backend) {
        let app = spawn(backend).await;
        let cookie = start(&app).await;
        answer_all_but_review(&app, &cookie).await;
        let token = cookie.trim_start_matches("draft=").to_owned();
        let draft_id = drafts::find(&app.db, &token).await.unwrap().unwrap().id;
        sqlx::query("INSERT INTO card_images (draft_id, side, mime, bytes, data, created_at) VALUES ($1, 'front', 'image/png', 1, 'x', '2026-12-05T00:00:00.000Z')")
            .bind(draft_id).execute(&app.db.pool).await.unwrap();
        let app = std::sync::Arc::new(app);
        let posts: Vec<_> = (0..6)
            .map(|_| {
                let (app, cookie) = (app.clone(), cookie.clone());
                tokio::spawn(async move { app.send(form_post("/intake/review", &cookie, "nav=next")).await })
            })
            .collect();
        for post in posts {
            let reply = post.await.unwrap();
            assert_eq!(reply.status, StatusCode::SEE_OTHER);
            assert_eq!(reply.header("location"), "/intake/result");
        }
        assert_eq!(intakes::count(&app.db).await.unwrap(), 1);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM notifications").await, 1, "one new-submission e-mail");
        let intake_id: i64 = sqlx::query("SELECT id FROM intakes").fetch_one(&app.db.pool).await.unwrap().try_get("id").unwrap();
        let draft = drafts::find(&app.db, &token).await.unwrap().unwrap();
        assert_eq!(draft.intake_id, Some(intake_id));
        assert_eq!(count(&app, "SELECT COUNT(*) FROM card_images WHERE intake_id IS NOT NULL").await, 1);
        // The database refuses a second intake for the draft, whoever asks.
        let dup = sqlx::query("INSERT INTO intake_requests (request_key, fingerprint, intake_id, created_at) VALUES ($1, 'draft', $2, 'x')")
            .bind(format!("draft:{draft_id}")).bind(intake_id).execute(&app.db.pool).await;
        assert!(dup.unwrap_err().as_database_error().unwrap().is_unique_violation());
    }

    async fn a_submit_that_fails_half_way_stores_nothing_and_try_again_stores_one(backend) {
        let app = spawn(backend).await;
        let cookie = start(&app).await;
        answer_all_but_review(&app, &cookie).await;
        // Marking the draft fails (as a lost connection would, after the intake's insert).
        let (make, drop) = match backend {
            pain_intake::server::db::Backend::Sqlite => (
                vec!["CREATE TRIGGER boom BEFORE UPDATE OF intake_id ON drafts WHEN NEW.intake_id IS NOT NULL BEGIN SELECT RAISE(ABORT, 'boom'); END"],
                "DROP TRIGGER boom",
            ),
            pain_intake::server::db::Backend::Postgres => (
                vec![
                    "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$ LANGUAGE plpgsql",
                    "CREATE TRIGGER boom BEFORE UPDATE ON drafts FOR EACH ROW WHEN (NEW.intake_id IS NOT NULL) EXECUTE FUNCTION boom()",
                ],
                "DROP TRIGGER boom ON drafts",
            ),
        };
        for sql in make {
            sqlx::query(sql).execute(&app.db.pool).await.unwrap();
        }
        let failed = app.send(form_post("/intake/review", &cookie, "nav=next")).await;
        assert_eq!(failed.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(failed.text().contains("Try again"));
        assert_eq!(intakes::count(&app.db).await.unwrap(), 0, "nothing of a failed submit is kept");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM notifications").await, 0);
        sqlx::query(drop).execute(&app.db.pool).await.unwrap();
        for _ in 0..2 {
            let again = app.send(form_post("/intake/review", &cookie, "nav=next")).await;
            assert_eq!(again.header("location"), "/intake/result");
        }
        assert_eq!(intakes::count(&app.db).await.unwrap(), 1);
    }

    async fn a_whole_intake_posted_step_by_step_is_stored(backend) {
        let app = spawn(backend).await;
        let cookie = start(&app).await;
        // The mood questions are skipped, so their two pages are not asked.
        let asked: Vec<Step> =
            Step::ALL.iter().copied().filter(|s| !matches!(s, Step::MoodPhq9 | Step::MoodGad7)).collect();
        for (i, step) in asked.iter().copied().enumerate() {
            let reply = app.send(form_post(&format!("/intake/{}", step.as_str()), &cookie, &step_body(step))).await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{step}");
            let expected = match asked.get(i + 1) {
                Some(next) => format!("/intake/{}", next.as_str()),
                None => "/intake/result".to_owned(),
            };
            assert_eq!(reply.header("location"), expected, "{step}");
        }
        assert_eq!(intakes::count(&app.db).await.unwrap(), 1);
        let row = sqlx::query("SELECT i.id, i.answers, s.outcome FROM intakes i JOIN screening_results s ON s.intake_id = i.id")
            .fetch_one(&app.db.pool).await.unwrap();
        let outcome: String = row.try_get("outcome").unwrap();
        // CRPS, two treatments without relief, no precautions: a consult.
        assert_eq!(outcome, "consult_recommended");
        // Stored sealed (encryption at rest); the database handle opens it.
        let stored: String = row.try_get("answers").unwrap();
        assert!(stored.starts_with("enc:v1:test-1:") && !stored.contains("García"), "{stored}");
        let opened = app.db.open_value("intakes", row.try_get("id").unwrap(), "answers", &stored).unwrap();
        let answers: serde_json::Value = serde_json::from_str(&opened).unwrap();
        assert_eq!(answers["patient"]["last_name"], "García");
        assert_eq!(answers["clinical"]["mood"], serde_json::Value::Null);
        assert_eq!(answers["insurance"]["member_id"], serde_json::Value::Null);
        // The draft's answers are dropped once the intake holds them; posting again shows the result.
        let drafts_left: String = sqlx::query("SELECT answers FROM drafts").fetch_one(&app.db.pool).await.unwrap().try_get("answers").unwrap();
        assert_eq!(drafts_left, "{}");
        let again = app.send(form_post("/intake/review", &cookie, "nav=next")).await;
        assert_eq!(again.header("location"), "/intake/result");
        assert_eq!(intakes::count(&app.db).await.unwrap(), 1);
    }

    async fn the_resume_token_is_stored_only_as_a_hash(backend) {
        let app = spawn(backend).await;
        let cookie = start(&app).await;
        let token = cookie.trim_start_matches("draft=");
        assert_eq!(token.len(), 64);
        let hashes: Vec<String> = sqlx::query("SELECT token_hash FROM drafts").fetch_all(&app.db.pool).await.unwrap()
            .iter().map(|r| r.try_get("token_hash").unwrap()).collect();
        assert_eq!(hashes.len(), 1);
        assert_ne!(hashes[0], token);
        assert!(drafts::find(&app.db, token).await.unwrap().is_some());
    }

    async fn expired_drafts_are_purged_and_cannot_be_resumed(backend) {
        let app = spawn(backend).await;
        let cookie = start(&app).await;
        let token = cookie.trim_start_matches("draft=").to_owned();
        sqlx::query("UPDATE drafts SET expires_at = '2000-01-01T00:00:00.000Z'").execute(&app.db.pool).await.unwrap();
        assert!(drafts::find(&app.db, &token).await.unwrap().is_none());
        let reply = resume(&app, "", &token).await;
        assert_eq!(reply.header("location"), "/intake/red-flags");
        assert_eq!(reply.header("set-cookie"), "", "no cookie for an expired draft");
        assert_eq!(drafts::purge_expired(&app.db).await.unwrap(), 1);
    }
}

#[tokio::test]
async fn the_draft_cookie_is_http_only_and_same_site() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let reply = app.send(form_post("/intake/start", "", "")).await;
    let set = reply.header("set-cookie");
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"), "{set}");
    assert!(set.contains("Max-Age=2592000"), "30 days: {set}");
    assert!(!set.contains("Secure"), "development mode");
    let https =
        spawn_with(pain_intake::server::db::Backend::Sqlite, Options { https_only: true, ..Options::default() }).await;
    let set = https.send(form_post("/intake/start", "", "")).await.header("set-cookie").to_owned();
    assert!(set.contains("Secure"), "{set}");
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cross = Request::post("/intake/start").header("sec-fetch-site", "cross-site").body(Body::empty()).unwrap();
    assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);
    let other_origin = Request::post("/intake/start")
        .header("origin", "https://evil.example")
        .header("host", "clinic.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(other_origin).await.status, StatusCode::FORBIDDEN);
    let same = Request::post("/intake/start")
        .header("origin", "https://clinic.example")
        .header("host", "clinic.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(same).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        sqlx::query("SELECT COUNT(*) AS n FROM drafts")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .try_get::<i64, _>("n")
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn a_step_with_missing_answers_comes_back_with_its_errors() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    let reply = app.send(form_post("/intake/pain", &cookie, "clinical.pain.current=11&nav=next")).await;
    assert_eq!(reply.header("location"), "/intake/pain#error-summary");
    let token = cookie.trim_start_matches("draft=");
    let draft = drafts::find(&app.db, token).await.unwrap().unwrap();
    assert_eq!(draft.errors_step.as_deref(), Some("pain"));
    let fields: Vec<&str> = draft.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "clinical.pain.current",
            "clinical.pain.average_week",
            "clinical.pain.worst_week",
            "clinical.pain.enjoyment_interference",
            "clinical.pain.activity_interference"
        ]
    );
    assert!(draft.errors[0].es.contains("entre 0 y 10"));
}

#[tokio::test]
async fn an_emergency_answer_goes_to_the_emergency_page() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    let body = "clinical.red_flags.both_legs_symptoms=yes";
    let reply = app.send(form_post("/intake/red-flags", &cookie, body)).await;
    assert_eq!(reply.header("location"), "/intake/stop");
}

#[tokio::test]
async fn posts_without_a_draft_or_with_junk_never_fail() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let reply = app.send(form_post("/intake/pain", "", "nav=next")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let reply = app.send(form_post("/intake/pain", "draft=not-a-token", "nav=next")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let reply = app.send(form_post("/intake/nowhere", "", "nav=next")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let cookie = start(&app).await;
    let reply = app.send(form_post("/intake/pain", &cookie, "%%%=&&==\u{0}")).await;
    assert!(reply.status.is_redirection() || reply.status.is_client_error(), "{}", reply.status);
    let big = format!("clinical.symptoms.other={}&nav=next", "x".repeat(70 * 1024));
    let reply = app.send(form_post("/intake/symptoms", &cookie, &big)).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_language_switch_remembers_and_never_redirects_off_site() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let reply = app.get("/lang/es?next=/learn/diagnosis").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header("location"), "/learn/diagnosis");
    assert!(reply.header("set-cookie").starts_with("lang=es;"));
    for evil in [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        " //evil.example",
        "/\u{0}/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
        "/\u{3000}/evil.example",
        "\\\\evil.example",
    ] {
        let reply = app.get(&format!("/lang/es?next={}", urlencode(evil))).await;
        assert_eq!(reply.header("location"), "/", "{evil}");
    }
    // The review's case, byte for byte: a tab between the slashes.
    let reply = app.get("/lang/es?next=%2F%09%2Fevil.example").await;
    assert_eq!(reply.header("location"), "/");
    let reply = app.get("/lang/en?next=%2Fstaff%3Fpage%3D2").await;
    assert_eq!(reply.header("location"), "/staff?page=2", "a local path with a query is kept");
    assert_eq!(app.get("/lang/fr").await.status, StatusCode::NOT_FOUND);
    let page = app.send(Request::get("/").header("cookie", "lang=es").body(Body::empty()).unwrap()).await;
    assert!(page.text().contains("<html lang=\"es\""));
    let page = app.send(Request::get("/").header("accept-language", "es-MX").body(Body::empty()).unwrap()).await;
    assert!(page.text().contains("<html lang=\"es\""));
    assert!(page.text().contains("Saltar al contenido principal"));
}

#[tokio::test]
async fn wizard_pages_are_not_cached_and_render_without_a_draft() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let reply = app.get("/intake/pain").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("cache-control"), "no-store");
    assert!(reply.text().contains("We could not find your saved answers"));
    assert_eq!(app.get("/intake/not-a-step").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/learn/not-a-page").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn starting_drafts_is_rate_limited_per_address() {
    let app = spawn_with(
        pain_intake::server::db::Backend::Sqlite,
        Options { rate_limit_per_minute: 2, ..Options::default() },
    )
    .await;
    let post = |ip: &'static str| {
        Request::post("/intake/start")
            .header("sec-fetch-site", "same-origin")
            .header("x-forwarded-for", ip)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(app.send(post("203.0.113.5")).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.send(post("203.0.113.5")).await.status, StatusCode::SEE_OTHER);
    let limited = app.send(post("203.0.113.5")).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.header("retry-after").parse::<u64>().is_ok());
    assert_eq!(app.send(post("203.0.113.6")).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn while_the_database_is_down_wizard_pages_say_so_with_a_503() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    app.db.close().await;
    let page = app.send(Request::get("/intake/pain").header("cookie", &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.text().contains("answers you already saved are kept"), "{}", page.text());
    let post = app
        .send(form_post(
            "/intake/pain",
            &cookie,
            "clinical.pain.current=7&clinical.symptoms.other=%22a%22+%3Cb%3E&nav=next",
        ))
        .await;
    assert_eq!(post.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(post.header("retry-after"), "30");
    // The post's answers come back in a form that sends them again (escaped).
    let html = post.text();
    assert!(html.contains(r#"<form method="post" action="/intake/pain">"#), "{html}");
    assert!(html.contains(r#"<input type="hidden" name="clinical.pain.current" value="7">"#), "{html}");
    assert!(html.contains(r#"value="&quot;a&quot; &lt;b&gt;""#), "{html}");
    assert!(html.contains(r#"<input type="hidden" name="nav" value="next">"#));
    assert!(html.contains("Try again"));
}

#[tokio::test]
async fn a_cross_site_resume_post_is_refused_and_moves_nothing() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    let token = cookie.trim_start_matches("draft=").to_owned();
    let cross = Request::post("/intake/resume")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(format!("token={token}")))
        .unwrap();
    assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);
    assert!(drafts::find(&app.db, &token).await.unwrap().is_some());
    for junk in ["", "not-a-token", &"0".repeat(64), &token.to_uppercase()] {
        let reply = resume(&app, "", junk).await;
        assert_eq!(reply.header("location"), "/intake/red-flags", "{junk}");
        assert_eq!(reply.header("set-cookie"), "");
    }
    let reply = app.send(form_post("/intake/resume", "", "%%%=&&")).await;
    assert!(reply.status.is_redirection() || reply.status.is_client_error(), "{}", reply.status);
}

#[tokio::test]
async fn text_with_a_closing_textarea_tag_comes_back_as_text() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    let evil = "</textarea><h1>Owned</h1><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\"> & <b>";
    let body = format!("{}&clinical.symptoms.other={}", step_body(Step::Symptoms), urlencode(evil));
    app.send(form_post("/intake/symptoms", &cookie, &body)).await;
    let body = format!(
        "{}&clinical.medical.medications={}&clinical.medical.allergies={}",
        step_body(Step::Medical),
        urlencode(evil),
        urlencode(evil)
    );
    app.send(form_post("/intake/medical", &cookie, &body)).await;
    for step in ["symptoms", "medical"] {
        let page = app
            .send(Request::get(format!("/intake/{step}")).header("cookie", &cookie).body(Body::empty()).unwrap())
            .await;
        let html = page.text();
        assert!(
            !html.contains("<h1>Owned</h1>") && !html.contains("<meta http-equiv"),
            "{step}: live markup in {html}"
        );
        assert!(
            html.contains("&lt;/textarea&gt;&lt;h1&gt;Owned&lt;/h1&gt;&lt;meta http-equiv=\"refresh\""),
            "{step}: the text is kept, escaped: {html}"
        );
        assert!(html.contains("&amp; &lt;b&gt;</textarea>"), "{step}");
    }
}

#[tokio::test]
async fn a_safety_alert_result_promises_a_call_today_and_shows_988_in_spanish_too() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    for step in Step::ALL.iter().copied() {
        let body = match step {
            Step::Mood => "mood_choice=answer&nav=next".to_owned(),
            Step::MoodPhq9 => {
                (0..9).map(|i| format!("clinical.mood.phq9.{i}={}", u8::from(i == 8))).collect::<Vec<_>>().join("&")
            }
            Step::MoodGad7 => (0..7).map(|i| format!("clinical.mood.gad7.{i}=0")).collect::<Vec<_>>().join("&"),
            _ => step_body(step),
        };
        let reply = app.send(form_post(&format!("/intake/{}", step.as_str()), &cookie, &body)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{step}");
    }
    let page = app.send(Request::get("/intake/result").header("cookie", &cookie).body(Body::empty()).unwrap()).await;
    let html = page.text();
    assert!(html.contains("data-testid=\"lifeline\""), "{html}");
    assert!(html.contains("oprima el 2") && html.contains("AYUDA"), "the Spanish 988 route");
    assert!(html.contains("We will try to call you today during business hours"), "{html}");
    assert!(html.contains("not watched around the clock") && html.contains("href=\"tel:911\""));
    assert!(!html.contains("2 business days"), "no promise of a wait on a safety alert");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM follow_ups WHERE priority = 'safety'").await,
        1,
        "the wizard opens the follow-up too"
    );
}

#[tokio::test]
async fn the_clinic_details_are_on_every_patient_page_and_the_result_and_consent_pages() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    for path in ["/", "/learn", "/intake/red-flags"] {
        let html = app.get(path).await.text();
        assert!(
            html.contains(r#"href="tel:+12145550100" data-testid="clinic-phone">(214) 555-0100<"#),
            "{path}: {html}"
        );
        assert!(html.contains("100 Main St, Suite 200, Dallas, TX 75201"), "{path}");
        assert!(html.contains("Monday to Friday, 8 a.m. to 5 p.m."), "{path}");
        assert!(html.contains(r#"href="https://clinic.example/privacy" data-testid="privacy-notice""#), "{path}");
        assert!(
            html.contains(r#"<a href="tel:911">911</a>"#) && html.contains(r#"<a href="tel:988">988</a>"#),
            "{path}: tap to call"
        );
        let logo = r#"<img src="/favicon.svg" alt="" data-testid="clinic-logo" class="brand-logo">"#;
        assert!(html.contains(logo), "{path}: the logo");
    }
    let staff = app.get("/staff/sign-in").await.text();
    assert!(!staff.contains("clinic-phone") && !staff.contains("tel:988"), "staff pages are not for patients");

    let cookie = start(&app).await;
    let consent =
        app.send(Request::get("/intake/consent").header("cookie", &cookie).body(Body::empty()).unwrap()).await;
    assert!(consent.text().contains(
        r#"href="https://clinic.example/privacy" target="_blank" rel="noopener" data-testid="consent-privacy-notice""#
    ));
    answer_all_but_review(&app, &cookie).await;
    let reply = app.send(form_post("/intake/review", &cookie, &step_body(Step::Review))).await;
    assert_eq!(reply.header("location"), "/intake/result");
    let result = app.send(Request::get("/intake/result").header("cookie", &cookie).body(Body::empty()).unwrap()).await;
    assert!(
        result.text().contains(r#"data-testid="result-clinic-phone">(214) 555-0100<"#),
        "call the clinic at its number"
    );

    // Without the settings nothing empty is shown.
    let bare = app.with_settings(|s| {
        s.clinic = pain_intake::shared::clinic::ClinicInfo { name: "Bare Clinic".into(), ..Default::default() }
    });
    let html = bare.get("/").await.text();
    assert!(!html.contains("clinic-phone") && !html.contains("privacy-notice") && html.contains("Bare Clinic"));
    assert!(!html.contains("clinic-logo"), "no logo unless set");
}

#[tokio::test]
async fn the_review_page_does_not_hint_at_the_outcome_before_submitting() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    answer_all_but_review(&app, &cookie).await;
    let review = app.send(Request::get("/intake/review").header("cookie", &cookie).body(Body::empty()).unwrap()).await;
    let html = review.text();
    assert!(html.contains("Check your answers"), "{html}");
    for hint in ["data-testid=\"preview\"", "What your answers point to", "data-outcome"] {
        assert!(!html.contains(hint), "no outcome before submitting: {hint}");
    }
}

/// One of the two mood pages answered (all items "Several days"), with its difficulty
/// question.
fn mood_page_body(step: Step, difficulty: &str) -> String {
    let (name, n) = if step == Step::MoodPhq9 { ("phq9", 9) } else { ("gad7", 7) };
    let mut pairs: Vec<String> = (0..n).map(|i| format!("clinical.mood.{name}.{i}=1")).collect();
    pairs.push(format!("clinical.mood.{name}_difficulty={difficulty}"));
    pairs.push("nav=next".into());
    pairs.join("&")
}

/// "Answer them" on the mood choice, then both pages; the last reply.
async fn answer_mood(app: &TestApp, cookie: &str, phq9: &str, gad7: &str) -> Reply {
    let reply = app.send(form_post("/intake/mood", cookie, "mood_choice=answer&nav=next")).await;
    assert_eq!(reply.header("location"), "/intake/mood-1");
    let reply = app.send(form_post("/intake/mood-1", cookie, &mood_page_body(Step::MoodPhq9, phq9))).await;
    if reply.header("location") != "/intake/mood-2" {
        return reply;
    }
    app.send(form_post("/intake/mood-2", cookie, &mood_page_body(Step::MoodGad7, gad7))).await
}

#[tokio::test]
async fn a_difficulty_answer_is_saved_in_the_draft_shown_on_review_and_stored() {
    use pain_intake::shared::labels;
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    answer_all_but_review(&app, &cookie).await;
    let reply = answer_mood(&app, &cookie, "very_difficult", "somewhat_difficult").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header("location"), "/intake/about-you", "an answered difficulty is not an error");

    let token = cookie.trim_start_matches("draft=");
    let draft = drafts::find(&app.db, token).await.unwrap().unwrap();
    assert_eq!(draft.answers["clinical"]["mood"]["phq9_difficulty"], "very_difficult");
    assert_eq!(draft.answers["clinical"]["mood"]["gad7_difficulty"], "somewhat_difficult");

    // The mood pages show the saved answers again, checked.
    let html = page(&app, &cookie, Step::MoodPhq9, "en").await + &page(&app, &cookie, Step::MoodGad7, "en").await;
    let checked = |id: &str| {
        let at = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no {id}"));
        let tag = &html[html[..at].rfind('<').unwrap()..at + html[at..].find('>').unwrap()];
        tag.contains("checked")
    };
    assert!(checked("f-clinical-mood-phq9_difficulty-very_difficult"));
    assert!(!checked("f-clinical-mood-phq9_difficulty-not_difficult"));
    assert!(checked("f-clinical-mood-gad7_difficulty-somewhat_difficult"));

    // The check-answers page, in English and in Spanish.
    let review = app.send(Request::get("/intake/review").header("cookie", &cookie).body(Body::empty()).unwrap()).await;
    let html = review.text();
    // Once as a question after each instrument (each also names it in its Change link).
    let as_question = format!("<dt>{}</dt>", labels::DIFFICULTY_QUESTION.0);
    assert_eq!(html.matches(as_question.as_str()).count(), 2, "once after each instrument: {html}");
    assert!(html.contains("Very difficult") && html.contains("Somewhat difficult"), "{html}");
    let cookies = format!("{cookie}; lang=es");
    let review = app.send(Request::get("/intake/review").header("cookie", &cookies).body(Body::empty()).unwrap()).await;
    let html = review.text();
    assert!(html.contains(labels::DIFFICULTY_QUESTION.1), "{html}");
    assert!(html.contains("Muy difícil") && html.contains("Un poco difícil"), "{html}");

    // Submitted: stored with the intake, and never part of a score.
    let reply = app.send(form_post("/intake/review", &cookie, "nav=next")).await;
    assert_eq!(reply.header("location"), "/intake/result");
    let answers = only_stored_answers(&app).await;
    assert_eq!(answers["clinical"]["mood"]["phq9_difficulty"], "very_difficult");
    assert_eq!(answers["clinical"]["mood"]["gad7_difficulty"], "somewhat_difficult");
    let scores: String = sqlx::query("SELECT scores FROM screening_results")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get("scores")
        .unwrap();
    let scores: serde_json::Value = serde_json::from_str(&scores).unwrap();
    assert_eq!(
        (&scores["phq9"], &scores["gad7"]),
        (&serde_json::json!(9), &serde_json::json!(7)),
        "the item answers only"
    );
}

#[tokio::test]
async fn an_unanswered_difficulty_question_is_saved_as_null_and_an_unknown_one_is_an_error() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    let reply = answer_mood(&app, &cookie, "", "").await;
    assert_eq!(reply.header("location"), "/intake/about-you", "optional");
    let token = cookie.trim_start_matches("draft=");
    let draft = drafts::find(&app.db, token).await.unwrap().unwrap();
    assert_eq!(draft.answers["clinical"]["mood"]["phq9_difficulty"], serde_json::Value::Null);
    assert_eq!(draft.answers["clinical"]["mood"]["gad7_difficulty"], serde_json::Value::Null);
    let reply = answer_mood(&app, &cookie, "quite", "").await;
    assert_eq!(reply.header("location"), "/intake/mood-1#error-summary");
    let draft = drafts::find(&app.db, token).await.unwrap().unwrap();
    let fields: Vec<&str> = draft.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["clinical.mood.phq9_difficulty"]);
}

#[tokio::test]
async fn the_mood_step_asks_the_published_questions_and_never_names_the_instruments() {
    use pain_intake::shared::labels;
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    for (lang, pick) in [("en", 0usize), ("es", 1)] {
        let cookies = format!("{cookie}; lang={lang}");
        // The choice, then one instrument per page.
        let mut html = String::new();
        for path in ["/intake/mood", "/intake/mood-1", "/intake/mood-2"] {
            let page = app.send(Request::get(path).header("cookie", &cookies).body(Body::empty()).unwrap()).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            html += &page.text();
        }
        let text = |l: labels::L| if pick == 0 { l.0 } else { l.1 };
        for question in labels::PHQ9.iter().chain(labels::GAD7.iter()) {
            assert!(html.contains(text(*question)), "{lang}: {}", text(*question));
        }
        for stem in [labels::PHQ9_STEM, labels::GAD7_STEM] {
            assert!(html.contains(text(stem)), "{lang}: {}", text(stem));
        }
        assert_eq!(html.matches(text(labels::DIFFICULTY_QUESTION)).count(), 2, "{lang}");
        for option in labels::FREQUENCY {
            assert!(html.contains(text(option)), "{lang}");
        }
        // Patients see "mood questions"; the instruments' names are for staff.
        for name in ["PHQ", "GAD"] {
            assert!(!html.contains(name), "{lang}: {name} in the mood step");
        }
        assert!(
            html.contains(if pick == 0 { "Mood questions" } else { "Preguntas sobre el estado de ánimo" }),
            "{lang}"
        );
    }
}

#[tokio::test]
async fn the_red_flag_step_explains_recently_in_both_languages() {
    use pain_intake::shared::labels;
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    for (lang, recently) in [("en", "in the last few weeks"), ("es", "en las últimas semanas")] {
        let cookies = format!("{cookie}; lang={lang}");
        let html = app
            .send(Request::get("/intake/red-flags").header("cookie", &cookies).body(Body::empty()).unwrap())
            .await
            .text();
        assert!(html.contains(recently), "{lang}");
        for flag in RED_FLAGS {
            let label = labels::red_flag(flag);
            assert!(html.contains(if lang == "en" { label.0 } else { label.1 }), "{lang}: {flag}");
        }
    }
}

/// The step's page as the browser gets it, in a language.
async fn page(app: &TestApp, cookie: &str, step: Step, lang: &str) -> String {
    let cookies = format!("{cookie}; lang={lang}");
    let path = format!("/intake/{}", step.as_str());
    let reply = app.send(Request::get(&path).header("cookie", &cookies).body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}");
    reply.text()
}

/// The opening tag of the element with this id.
fn tag_with_id<'h>(html: &'h str, id: &str) -> Option<&'h str> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let start = html[..at].rfind('<')?;
    Some(&html[start..at + html[at..].find('>')?])
}

fn about_body(month: &str, day: &str, year: &str) -> String {
    step_body(Step::About)
        .replace("patient.date_of_birth.month=3", &format!("patient.date_of_birth.month={}", urlencode(month)))
        .replace("patient.date_of_birth.day=1", &format!("patient.date_of_birth.day={}", urlencode(day)))
        .replace("patient.date_of_birth.year=1970", &format!("patient.date_of_birth.year={}", urlencode(year)))
}

#[tokio::test]
async fn a_date_of_birth_typed_in_three_fields_is_stored_as_iso_and_shown_written_out() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    let html = page(&app, &cookie, Step::About, "es").await;
    for (part, label) in [("month", "Mes"), ("day", "Día"), ("year", "Año")] {
        let input = tag_with_id(&html, &format!("f-patient-date_of_birth-{part}")).unwrap_or_else(|| panic!("{part}"));
        assert!(input.contains(&format!("name=\"patient.date_of_birth.{part}\"")), "{input}");
        assert!(html.contains(&format!("for=\"f-patient-date_of_birth-{part}\">{label}</label>")), "{label}");
    }
    assert!(html.contains("Por ejemplo, 4 2 1980"));
    assert!(page(&app, &cookie, Step::About, "en").await.contains("For example, 4 2 1980"));

    let reply = app.send(form_post("/intake/about-you", &cookie, &about_body("4", "2", "1980"))).await;
    assert_eq!(reply.header("location"), "/intake/insurance");
    let token = cookie.trim_start_matches("draft=");
    let draft = drafts::find(&app.db, token).await.unwrap().unwrap();
    assert_eq!(draft.answers["patient"]["date_of_birth"], "1980-04-02");
    let html = page(&app, &cookie, Step::About, "en").await;
    assert!(tag_with_id(&html, "f-patient-date_of_birth-day").unwrap().contains("value=\"2\""));

    answer_all_but_review(&app, &cookie).await;
    let reply = app.send(form_post("/intake/about-you", &cookie, &about_body("4", "2", "1980"))).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(page(&app, &cookie, Step::Review, "en").await.contains("April 2, 1980"));
    assert!(page(&app, &cookie, Step::Review, "es").await.contains("2 de abril de 1980"));
    let reply = app.send(form_post("/intake/review", &cookie, "nav=next")).await;
    assert_eq!(reply.header("location"), "/intake/result");
    let answers = only_stored_answers(&app).await;
    assert_eq!(answers["patient"]["date_of_birth"], "1980-04-02");
}

#[tokio::test]
async fn a_date_that_is_not_real_keeps_what_was_typed_and_says_what_is_wrong() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    let reply = app.send(form_post("/intake/about-you", &cookie, &about_body("2", "30", "1980"))).await;
    assert_eq!(reply.header("location"), "/intake/about-you#error-summary");
    let token = cookie.trim_start_matches("draft=");
    let draft = drafts::find(&app.db, token).await.unwrap().unwrap();
    assert_eq!(
        draft.answers["patient"]["date_of_birth"],
        serde_json::json!({"month": "2", "day": "30", "year": "1980"})
    );
    let fields: Vec<&str> = draft.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["patient.date_of_birth"]);
    for (lang, message) in [
        ("en", "Date of birth must be a real date, with the month, day and year in numbers"),
        ("es", "La fecha de nacimiento debe ser una fecha real, con el mes, el día y el año en números"),
    ] {
        let html = page(&app, &cookie, Step::About, lang).await;
        // In the summary, at the field (and in the island's props).
        assert!(html.matches(message).count() >= 2, "{lang}");
        let at_field = html.find("id=\"f-patient-date_of_birth-error\"").expect("an error at the field");
        assert!(html[at_field..at_field + 400].contains(message), "{lang}");
        assert!(html.contains("href=\"#f-patient-date_of_birth-month\""), "{lang}: the summary links to Month");
        assert!(!html.contains("YYYY") && !html.contains("AAAA"), "{lang}");
        for (part, typed) in [("month", "2"), ("day", "30"), ("year", "1980")] {
            let input = tag_with_id(&html, &format!("f-patient-date_of_birth-{part}")).unwrap();
            assert!(input.contains(&format!("value=\"{typed}\"")), "{lang}: {input}");
        }
    }
    // Words in a field are kept as typed too.
    let reply = app.send(form_post("/intake/about-you", &cookie, &about_body("April", "2", "80"))).await;
    assert_eq!(reply.header("location"), "/intake/about-you#error-summary");
    let html = page(&app, &cookie, Step::About, "en").await;
    assert!(tag_with_id(&html, "f-patient-date_of_birth-month").unwrap().contains("value=\"April\""));
    assert!(tag_with_id(&html, "f-patient-date_of_birth-year").unwrap().contains("value=\"80\""));
}

/// The ids of the fields whose label says "(optional)" or "(opcional)".
fn optional_fields(html: &str, word: &str) -> Vec<String> {
    html.match_indices(&format!("<span class=\"optional\"> ({word})</span>"))
        .map(|(at, _)| {
            let label = html[..at].rfind("<label for=\"").expect("inside a label") + "<label for=\"".len();
            html[label..label + html[label..].find('"').unwrap()].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn only_fields_that_are_never_required_say_optional() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    // Every conditional question applies: another plan, a spouse's policy, contact by email.
    let posts = [
        (Step::About, "patient.preferred_contact=email&nav=next"),
        (Step::Insurance, "insurance.plan=other&insurance.subscriber=spouse&nav=next"),
    ];
    let mut optional = Vec::new();
    for step in Step::ALL.iter().copied().filter(|s| *s != Step::Review) {
        let body = posts.iter().find(|(s, _)| *s == step).map_or("nav=next", |(_, b)| b);
        app.send(form_post(&format!("/intake/{}", step.as_str()), &cookie, body)).await;
        let draft = drafts::find(&app.db, cookie.trim_start_matches("draft=")).await.unwrap().unwrap();
        let required: Vec<String> = draft.errors.iter().map(|e| format!("f-{}", e.field.replace('.', "-"))).collect();
        for (lang, word) in [("en", "optional"), ("es", "opcional")] {
            let html = page(&app, &cookie, step, lang).await;
            let marked = optional_fields(&html, word);
            for id in &marked {
                assert!(!required.contains(id), "{step} {lang}: {id} says ({word}) and is required");
            }
            if lang == "en" {
                optional.extend(marked);
            }
        }
    }
    assert_eq!(
        optional,
        [
            "f-clinical-symptoms-other",
            "f-clinical-medical-medications",
            "f-clinical-medical-allergies",
            "f-insurance-group_number"
        ]
    );
}

#[tokio::test]
async fn the_mood_step_chooses_nothing_for_the_patient_and_no_choice_is_a_specific_error() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    let html = page(&app, &cookie, Step::Mood, "en").await;
    for choice in ["answer", "skip"] {
        let input = tag_with_id(&html, &format!("f-mood_choice-{choice}")).unwrap();
        assert!(!input.contains("checked"), "{input}");
    }
    let reply = app.send(form_post("/intake/mood", &cookie, "nav=next")).await;
    assert_eq!(reply.header("location"), "/intake/mood#error-summary");
    let draft = drafts::find(&app.db, cookie.trim_start_matches("draft=")).await.unwrap().unwrap();
    assert_eq!(draft.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["clinical.mood"]);
    for (lang, message) in [
        ("en", "Select whether you want to answer the mood questions or skip them"),
        ("es", "Seleccione si quiere responder las preguntas sobre el estado de ánimo u omitirlas"),
    ] {
        let html = page(&app, &cookie, Step::Mood, lang).await;
        assert!(html.contains(&format!("<a href=\"#f-mood_choice\">{message}</a>")), "{lang}: {html}");
        let at_field = html.find("id=\"f-mood_choice-error\"").expect("an error at the question");
        assert!(html[at_field..at_field + 300].contains(message), "{lang}");
    }
    // A choice made is shown again, checked.
    app.send(form_post("/intake/mood", &cookie, "mood_choice=skip&nav=next")).await;
    let html = page(&app, &cookie, Step::Mood, "en").await;
    assert!(tag_with_id(&html, "f-mood_choice-skip").unwrap().contains("checked"));
}

#[tokio::test]
async fn every_step_has_a_back_link_to_the_previous_step_and_one_button() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    for step in Step::ALL.iter().copied() {
        for (lang, back) in [("en", "Back"), ("es", "Atrás")] {
            let html = page(&app, &cookie, step, lang).await;
            let link =
                step.previous().map(|p| format!("<a href=\"/intake/{}\" class=\"back-link\">{back}</a>", p.as_str()));
            match link {
                Some(link) => {
                    let at = html.find(&link).unwrap_or_else(|| panic!("{step} {lang}: no back link"));
                    assert!(at < html.find("<h1").unwrap(), "{step}: the back link is at the top");
                }
                None => assert!(!html.contains("class=\"back-link\""), "the first step has none"),
            }
            assert!(!html.contains("value=\"back\""), "{step} {lang}: no Back button");
            let form = &html[html.find("<form method=\"post\"").unwrap()..];
            let form = &form[..form.find("</form>").unwrap()];
            let main_buttons = form.matches("<button type=\"submit\" name=\"nav\" value=\"next\"").count();
            assert_eq!(main_buttons, 1, "{step} {lang}");
        }
    }
}

/// The answers of the one stored intake, opened.
async fn only_stored_answers(app: &TestApp) -> serde_json::Value {
    let row = sqlx::query("SELECT id, answers FROM intakes").fetch_one(&app.db.pool).await.unwrap();
    let opened = app
        .db
        .open_value("intakes", row.try_get("id").unwrap(), "answers", &row.try_get::<String, _>("answers").unwrap())
        .unwrap();
    serde_json::from_str(&opened).unwrap()
}

#[tokio::test]
async fn every_unanswered_question_says_what_to_do_in_both_languages() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    let mut posts: Vec<(Step, &str)> =
        Step::ALL.iter().copied().filter(|s| *s != Step::Review).map(|s| (s, "nav=next")).collect();
    // Questions that only apply after another answer: the member ID, the policy holder.
    posts.push((Step::Insurance, "insurance.plan=bcbs_tx&insurance.subscriber=spouse&nav=next"));
    posts.push((Step::About, "patient.preferred_contact=email&nav=next"));
    for (step, body) in posts {
        let reply = app.send(form_post(&format!("/intake/{}", step.as_str()), &cookie, body)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{step}");
        for lang in ["en", "es"] {
            let html = page(&app, &cookie, step, lang).await;
            if step != Step::Symptoms && step != Step::History {
                assert!(html.contains("error-summary"), "{step} {lang}: the post left questions unanswered");
            }
            for generic in ["This is required", "Este dato es obligatorio"] {
                assert!(!html.contains(generic), "{step} {lang}: a specific message, not {generic:?}");
            }
        }
    }
}

#[tokio::test]
async fn each_change_link_on_check_answers_goes_to_its_own_question() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    answer_all_but_review(&app, &cookie).await;
    let review = page(&app, &cookie, Step::Review, "en").await;
    let links: Vec<&str> = review
        .split("href=\"/intake/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|l| l.contains('#'))
        .collect();
    assert!(links.len() >= 40, "a Change link per answer: {}", links.len());
    let mut checked = std::collections::HashSet::new();
    for link in links {
        let (step, id) = link.split_once('#').unwrap();
        let step = Step::parse(step).unwrap_or_else(|| panic!("{link}"));
        assert!(checked.insert(link.to_owned()), "each answer has its own link: {link}");
        let html = page(&app, &cookie, step, "en").await;
        assert!(html.contains(&format!("id=\"{id}\"")), "{link}: the question is on its page");
    }
    // The hidden text names the question, for screen readers.
    assert!(review.contains("Change<span class=\"visually-hidden\">: Date of birth</span>"), "{review}");
}

/// The red flags are one checkbox list with an exclusive "None of these" that must be
/// chosen on purpose: nothing ticked is one error, "None" with a sign is another, and
/// nothing is ticked before the patient ticks it.
#[tokio::test]
async fn the_red_flags_are_a_checkbox_list_with_an_exclusive_none_of_these() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    let html = page(&app, &cookie, Step::RedFlags, "en").await;
    assert_eq!(html.matches(r#"type="checkbox""#).count(), RED_FLAGS.len() + 1, "a box per sign and one for none");
    assert!(!html.contains("checked"), "nothing ticked before the patient ticks it");
    assert!(
        html.find("None of these").unwrap() > html.find(r#"class="options-or""#).unwrap(),
        "none comes last, after or"
    );

    let errors_of = |html: &str| html.matches(r#"class="field-error""#).count();
    for (body, message) in [
        ("", "Select the warning signs you have, or select \u{201c}None of these\u{201d}"),
        (
            "clinical.red_flags.none=yes&clinical.red_flags.fever_or_chills=yes",
            "Select the warning signs you have, or select \u{201c}None of these\u{201d}, not both",
        ),
    ] {
        let reply = app.send(form_post("/intake/red-flags", &cookie, body)).await;
        assert_eq!(reply.header("location"), "/intake/red-flags#error-summary", "{body}");
        let html = page(&app, &cookie, Step::RedFlags, "en").await;
        assert_eq!(errors_of(&html), 1, "one error for the whole question: {body}");
        assert!(html.contains(&format!("{message}</p>")) || html.contains(&format!("{message}</a>")), "{body}: {html}");
        assert!(html.contains("<title>Error:"), "{body}");
    }

    // "Not both" keeps both ticked, as the patient left them.
    let html = page(&app, &cookie, Step::RedFlags, "en").await;
    assert!(tag_with_id(&html, "f-clinical-red_flags-none").unwrap().contains("checked"));
    assert!(tag_with_id(&html, "f-clinical-red_flags-fever_or_chills").unwrap().contains("checked"));

    let reply = app.send(form_post("/intake/red-flags", &cookie, "clinical.red_flags.fever_or_chills=yes")).await;
    assert_eq!(reply.header("location"), "/intake/symptoms");
    let token = cookie.trim_start_matches("draft=");
    let draft = drafts::find(&app.db, token).await.unwrap().unwrap();
    let flags = &draft.answers["clinical"]["red_flags"];
    assert_eq!(flags["fever_or_chills"], serde_json::json!(true));
    assert_eq!(flags["saddle_numbness"], serde_json::json!(false), "the signs not ticked are no");
    assert!(flags.get("none").is_none());
    let html = page(&app, &cookie, Step::RedFlags, "en").await;
    assert_eq!(html.matches("checked").count(), 1, "the saved answer is ticked again, and only it");

    let reply = app.send(form_post("/intake/red-flags", &cookie, "clinical.red_flags.none=yes")).await;
    assert_eq!(reply.header("location"), "/intake/symptoms");
    let draft = drafts::find(&app.db, token).await.unwrap().unwrap();
    assert!(RED_FLAGS.iter().all(|f| draft.answers["clinical"]["red_flags"][f] == serde_json::json!(false)));
    let html = page(&app, &cookie, Step::RedFlags, "en").await;
    assert!(tag_with_id(&html, "f-clinical-red_flags-none").unwrap().contains("checked"));
}

/// "Save and come back later" keeps what is on the page, errors or not, and shows the
/// private link on its own page; no step prints it, and it never submits from review.
#[tokio::test]
async fn save_and_come_back_later_shows_the_private_link_on_its_own_page() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    let step_page = page(&app, &cookie, Step::RedFlags, "en").await;
    assert!(!step_page.contains("/intake/resume/"), "no step prints the private link");
    assert!(step_page.contains(r#"name="nav" value="save""#));
    let reply =
        app.send(form_post("/intake/red-flags", &cookie, "clinical.red_flags.fever_or_chills=yes&nav=save")).await;
    assert_eq!(reply.header("location"), "/intake/saved");
    // Saved although the step is not finished elsewhere, with no errors shown later.
    let reply = app.send(form_post("/intake/pain", &cookie, "clinical.pain.current=7&nav=save")).await;
    assert_eq!(reply.header("location"), "/intake/saved");
    let token = cookie.trim_start_matches("draft=");
    let draft = drafts::find(&app.db, token).await.unwrap().unwrap();
    assert_eq!(draft.answers["clinical"]["red_flags"]["fever_or_chills"], serde_json::json!(true));
    assert_eq!(draft.answers["clinical"]["pain"]["current"], serde_json::json!(7));
    assert!(draft.errors.is_empty());
    let saved = app.send(Request::get("/intake/saved").header("cookie", &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(saved.status, StatusCode::OK);
    assert_eq!(saved.header("cache-control"), "no-store");
    let html = saved.text();
    assert!(html.contains(&format!("/intake/resume/{token}")), "the link is on the saved page");
    assert!(html.contains(r#"href="/intake/symptoms""#), "continue at the first unfinished step");
    // From the review step it saves; it does not submit.
    let reply = app.send(form_post("/intake/review", &cookie, "nav=save")).await;
    assert_eq!(reply.header("location"), "/intake/saved");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM intakes").await, 0);
}

/// After "skip", the two mood pages are not asked: opening or posting one goes on to the
/// next page that applies, and nothing is saved from it.
#[tokio::test]
async fn skipped_mood_pages_are_passed_over() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    let reply = app.send(form_post("/intake/mood", &cookie, "mood_choice=skip&nav=next")).await;
    assert_eq!(reply.header("location"), "/intake/about-you");
    for path in ["/intake/mood-1", "/intake/mood-2"] {
        let page = app.send(Request::get(path).header("cookie", &cookie).body(Body::empty()).unwrap()).await;
        assert!(page.status.is_redirection(), "{path}: {}", page.status);
        assert_eq!(page.header("location"), "/intake/about-you", "{path}");
        let post = app.send(form_post(path, &cookie, "clinical.mood.phq9.8=3&nav=next")).await;
        assert_eq!(post.header("location"), "/intake/about-you", "{path}");
    }
    let draft = drafts::find(&app.db, cookie.trim_start_matches("draft=")).await.unwrap().unwrap();
    assert_eq!(draft.answers["clinical"]["mood"], serde_json::Value::Null, "nothing saved from a page not asked");
    let about = page(&app, &cookie, Step::About, "en").await;
    assert!(about.contains(r#"<a href="/intake/mood" class="back-link">"#), "Back goes to the choice");
}
