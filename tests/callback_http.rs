//! Call requests from the emergency page (`safety-followup.md`), over HTTP on SQLite and
//! PostgreSQL: a patient stopped by a 911 red flag who leaves a name and phone gets an
//! emergency follow-up, once per draft, listed and worked by clinicians like a
//! submission's and escalated with a link to its own page; bad input keeps what was typed.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::staff::{self, assert_redirect, audit_actions, create_team, row_attributes, testid_text, visible};
use common::*;
use pain_intake::domain::followup::{Minutes, Windows};
use sqlx::Row;

fn form_post(path: &str, cookie: &str, pairs: &[(&str, &str)]) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", cookie)
        .body(Body::from(staff::form_body(pairs)))
        .unwrap()
}

async fn start(app: &TestApp) -> String {
    let reply = app.send(form_post("/intake/start", "", &[])).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    reply.header("set-cookie").split(';').next().unwrap().to_owned()
}

/// The red flags in `yes` ticked, or "None of these".
fn red_flags(yes: &[&str]) -> Vec<(String, String)> {
    let ticked = if yes.is_empty() { vec!["none"] } else { yes.to_vec() };
    ticked.iter().map(|f| (format!("clinical.red_flags.{f}"), "yes".to_owned())).collect()
}

async fn answer_red_flags(app: &TestApp, cookie: &str, yes: &[&str]) -> Reply {
    let pairs = red_flags(yes);
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.send(form_post("/intake/red-flags", cookie, &pairs)).await
}

async fn page(app: &TestApp, cookie: &str) -> String {
    let reply = app.send(Request::get("/intake/stop").header("cookie", cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.text()
}

fn title(html: &str) -> String {
    html.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or_default().to_owned()
}

on_both_databases! {
    async fn a_stopped_patient_who_leaves_a_name_and_phone_gets_an_emergency_follow_up_once(backend) {
        let app = spawn(backend).await;
        let cookie = start(&app).await;
        let stop = answer_red_flags(&app, &cookie, &["bladder_or_bowel_change"]).await;
        assert_eq!(stop.header("location"), "/intake/stop");
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM callbacks").await, 0, "no name or phone yet: nothing to call");
        let html = page(&app, &cookie).await;
        assert!(html.contains(r#"action="/intake/stop""#), "the form is offered");
        assert!(html.find("tel:911").unwrap() < html.find(r#"action="/intake/stop""#).unwrap(), "911 comes first");

        // Nothing filled in: a message per field, an "Error:" title, nothing stored.
        let empty = app.send(form_post("/intake/stop", &cookie, &[("patient.first_name", " "), ("patient.last_name", ""), ("patient.phone", "")])).await;
        assert_eq!(empty.header("location"), "/intake/stop#error-summary");
        let html = page(&app, &cookie).await;
        assert!(title(&html).starts_with("Error:"), "{}", title(&html));
        let text = visible(&html);
        assert!(text.contains("Enter your first name"), "{text}");
        assert!(text.contains("Enter your last name"), "{text}");
        // A bad phone keeps what was typed, escaped.
        let typed = "</textarea><b>x";
        let bad = app.send(form_post("/intake/stop", &cookie, &[("patient.first_name", "Ana"), ("patient.last_name", typed), ("patient.phone", "12")])).await;
        assert_eq!(bad.header("location"), "/intake/stop#error-summary");
        let html = page(&app, &cookie).await;
        assert!(html.contains(r#"value="Ana""#), "what was typed is kept");
        assert!(!html.contains("<b>x"), "typed text is escaped");
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM callbacks").await, 0);

        // Valid: one request and one emergency follow-up, however often it is posted.
        let good = [("patient.first_name", "Ana"), ("patient.last_name", "García"), ("patient.phone", "(214) 555-0182")];
        for _ in 0..3 {
            let reply = app.send(form_post("/intake/stop", &cookie, &good)).await;
            assert_eq!(reply.header("location"), "/intake/stop#call-requested");
        }
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM callbacks").await, 1);
        let row = sqlx::query("SELECT f.priority, f.opened_at, f.deadline, f.intake_id, c.name, c.phone, c.red_flags, c.reference \
             FROM follow_ups f JOIN callbacks c ON c.id = f.callback_id")
            .fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(row.try_get::<String, _>("priority").unwrap(), "emergency");
        assert_eq!(row.try_get::<Option<i64>, _>("intake_id").unwrap(), None);
        let time = |c: &str| row.try_get::<String, _>(c).unwrap().parse::<jiff::Timestamp>().unwrap();
        assert_eq!(time("deadline").duration_since(time("opened_at")).as_secs(), 60 * 60);
        assert!(row.try_get::<String, _>("name").unwrap().starts_with("enc:"), "the name is sealed");
        assert!(!row.try_get::<String, _>("phone").unwrap().contains("555"), "the phone is sealed");
        assert_eq!(row.try_get::<String, _>("red_flags").unwrap(), r#"["bladder_or_bowel_change"]"#);
        let reference = row.try_get::<String, _>("reference").unwrap();
        let html = page(&app, &cookie).await;
        assert!(testid_text(&html, "call-requested").is_some());
        assert_eq!(testid_text(&html, "call-reference").unwrap().replace('-', ""), reference);
        assert!(!html.contains(r#"action="/intake/stop""#), "asked once; the form is gone");
        // The name and phone wait in the draft for the About-you step.
        let about = app.send(Request::get("/intake/about-you").header("cookie", &cookie).body(Body::empty()).unwrap()).await.text();
        assert!(about.contains(r#"value="García""#));
    }

    async fn a_patient_who_gave_a_name_and_phone_earlier_is_called_without_asking_again(backend) {
        let app = spawn(backend).await;
        let cookie = start(&app).await;
        assert_eq!(answer_red_flags(&app, &cookie, &[]).await.header("location"), "/intake/symptoms");
        let about = [
            ("patient.first_name", "Ana"), ("patient.last_name", "García"), ("patient.phone", "214-555-0100"),
        ];
        app.send(form_post("/intake/about-you", &cookie, &about)).await;
        // Back to the red flags, and now a 911 one.
        let stop = answer_red_flags(&app, &cookie, &["saddle_numbness"]).await;
        assert_eq!(stop.header("location"), "/intake/stop");
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_ups WHERE callback_id IS NOT NULL").await, 1);
        assert!(testid_text(&page(&app, &cookie).await, "call-requested").is_some());
        // Stopping again does not ask again.
        answer_red_flags(&app, &cookie, &["saddle_numbness"]).await;
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM callbacks").await, 1);
    }

    async fn only_a_stopped_patient_asks_and_only_from_this_site(backend) {
        let app = spawn(backend).await;
        let good = [("patient.first_name", "Ana"), ("patient.last_name", "García"), ("patient.phone", "2145550182")];
        // No draft, or a draft the red flags did not stop: no request.
        assert_eq!(app.send(form_post("/intake/stop", "", &good)).await.header("location"), "/intake/stop");
        let calm = start(&app).await;
        answer_red_flags(&app, &calm, &["fever_or_chills"]).await;
        let reply = app.send(form_post("/intake/stop", &calm, &good)).await;
        assert_eq!(reply.header("location"), "/intake/red-flags");
        assert!(!page(&app, &calm).await.contains(r#"action="/intake/stop""#), "no form without a 911 answer");
        // Another site cannot post it.
        let stopped = start(&app).await;
        answer_red_flags(&app, &stopped, &["bladder_or_bowel_change"]).await;
        let cross = Request::post("/intake/stop")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "cross-site")
            .header("cookie", &stopped)
            .body(Body::from(staff::form_body(&good)))
            .unwrap();
        assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM callbacks").await, 0);
    }

    async fn clinicians_see_and_work_a_call_request_and_front_desk_sees_its_priority(backend) {
        let app = spawn(backend).await;
        let (_, clinician, desk) = create_team(&app).await;
        let cookie = start(&app).await;
        answer_red_flags(&app, &cookie, &["bladder_or_bowel_change"]).await;
        let typed_name = "<script>alert(1)</script>";
        app.send(form_post("/intake/stop", &cookie, &[("patient.first_name", "Ana"), ("patient.last_name", typed_name), ("patient.phone", "2145550182")])).await;
        let reference: String = sqlx::query("SELECT reference FROM callbacks").fetch_one(&app.db.pool).await.unwrap().try_get("reference").unwrap();
        let shown = format!("{}-{}", &reference[..4], &reference[4..]);
        let path = format!("/staff/callbacks/{shown}");

        let staff = app.sign_in(&clinician).await;
        let list = app.get_with("/staff/follow-ups", &staff).await.text();
        assert_eq!(row_attributes(&list, "follow-up-row", "data-reference"), vec![shown.clone()]);
        assert!(list.contains(&format!(r#"href="{path}#follow-up""#)), "the row links to the request");
        assert!(visible(&list).contains("Call request from the emergency page"), "and says what it is");
        let html = app.get_with(&path, &staff).await;
        assert_eq!(html.status, StatusCode::OK);
        let html = html.text();
        assert!(testid_text(&html, "caller-phone").unwrap().contains("(214) 555-0182"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains(typed_name), "the name is escaped");
        assert!(visible(&html).contains("New problems controlling your bladder or bowels"));
        let ack = app.post_form(&format!("{path}/follow-up/acknowledge"), &staff, &[]).await;
        assert_redirect(&ack, &format!("{path}?m=follow-up-acknowledged#follow-up"), "acknowledge");
        let attempt = app.post_form(&format!("{path}/follow-up/attempts"), &staff, &[("method", "phone"), ("result", "reached")]).await;
        assert_redirect(&attempt, &format!("{path}?m=attempt-recorded#follow-up"), "attempt");
        let close = app.post_form(&format!("{path}/follow-up/close"), &staff, &[("outcome", "sent_to_emergency_care")]).await;
        assert_redirect(&close, &format!("{path}?m=follow-up-closed-now#follow-up"), "close");
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM follow_ups WHERE closed_at IS NOT NULL").await, 1);
        let actions = audit_actions(&app.db).await;
        for expected in ["view_callback", "follow_up_acknowledged", "follow_up_attempt", "follow_up_closed"] {
            assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
        }
        let unknown = app.post_form("/staff/callbacks/ZZZZ-ZZZZ/follow-up/acknowledge", &staff, &[]).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);

        // Front desk: the request exists and its priority; no name, phone or forms.
        let desk = app.sign_in(&desk).await;
        let html = app.get_with(&path, &desk).await.text();
        assert!(testid_text(&html, "follow-up").is_some());
        assert!(testid_text(&html, "caller-phone").is_none() && !html.contains("García"));
        let refused = app.post_form(&format!("{path}/follow-up/acknowledge"), &desk, &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn an_overdue_call_request_escalates_with_a_link_to_its_page() {
    use pain_intake::server::follow_ups;
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let app =
        app.with_settings(|s| s.follow_up = Windows { emergency: Minutes::parse(1).unwrap(), ..Windows::default() });
    let cookie = start(&app).await;
    answer_red_flags(&app, &cookie, &["bladder_or_bowel_change"]).await;
    app.send(form_post(
        "/intake/stop",
        &cookie,
        &[("patient.first_name", "Ana"), ("patient.last_name", "García"), ("patient.phone", "2145550182")],
    ))
    .await;
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(2);
    let steps = follow_ups::escalate_due(&app.db, &app.state.settings.follow_up, later).await.unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].subject, pain_intake::domain::followup::Subject::Callback);
    let kind: String =
        sqlx::query("SELECT kind FROM escalations").fetch_one(&app.db.pool).await.unwrap().try_get("kind").unwrap();
    assert_eq!(kind, "callback");
    // The e-mail's words: the reference and a link to the request, no name or phone.
    use pain_intake::server::notify::{Escalation, Mail, Mailer, NotifyConfig};
    let config =
        NotifyConfig::new("smtp://127.0.0.1:9", "intake@clinic.test", "clinic@clinic.test", "Clinic", "https://x.test")
            .unwrap();
    let step = &steps[0];
    let mail = Mail::Escalation(Escalation {
        reference: pain_intake::domain::values::Reference::parse(&step.reference).unwrap(),
        subject: step.subject,
        priority: step.priority,
        step: step.step,
        overdue_minutes: step.overdue_minutes,
    });
    let message = Mailer::new(&config).unwrap().compose(&mail).unwrap();
    let mail = String::from_utf8(message.formatted()).unwrap();
    let shown = pain_intake::domain::values::Reference::parse(&step.reference).unwrap().display();
    assert!(mail.contains(&format!("https://x.test/staff/callbacks/{shown}#follow-up")), "{mail}");
    assert!(!mail.contains("García") && !mail.contains("555"), "{mail}");
}

/// The database away: the call request answers the wizard's 503 page, which carries the
/// typed name and phone (escaped) back to post again, never a 500 that loses them.
#[tokio::test]
async fn while_the_database_is_down_a_call_request_keeps_what_was_typed() {
    let app = spawn(pain_intake::server::db::Backend::Sqlite).await;
    let cookie = start(&app).await;
    answer_red_flags(&app, &cookie, &["bladder_or_bowel_change"]).await;
    app.db.close().await;
    let typed = [("patient.first_name", "Ana"), ("patient.last_name", "<García>"), ("patient.phone", "2145550182")];
    let reply = app.send(form_post("/intake/stop", &cookie, &typed)).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let html = reply.text();
    assert!(html.contains(r#"<form method="post" action="/intake/stop">"#), "{html}");
    assert!(html.contains(r#"name="patient.last_name" value="&lt;García&gt;""#), "{html}");
    assert!(html.contains(r#"name="patient.phone" value="2145550182""#), "{html}");
}
