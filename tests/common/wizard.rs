//! The wizard as a browser without JavaScript drives it: form posts with the draft's
//! cookie, and the answers of the baseline (consult-recommended) scenario, step by step.

use super::{Reply, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use pain_intake::shared::form::{Step, MEDICAL, PAIN};

pub fn form_post(path: &str, cookie: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", cookie)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

pub fn draft_cookie(reply: &Reply) -> String {
    let set = reply.header("set-cookie");
    assert!(set.starts_with("draft="), "{set}");
    set.split(';').next().unwrap().to_owned()
}

pub async fn start(app: &TestApp) -> String {
    let reply = app.send(form_post("/intake/start", "", "")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header("location"), "/intake/red-flags");
    draft_cookie(&reply)
}

/// The form body that answers one step of the baseline (consult) scenario.
pub fn step_body(step: Step) -> String {
    let pairs: Vec<(String, String)> = match step {
        Step::RedFlags => vec![("clinical.red_flags.none".into(), "yes".into())],
        Step::Symptoms => vec![("clinical.symptoms.flare_ups".into(), "yes".into())],
        Step::Duration => vec![("clinical.pain_duration".into(), "over_12_months".into())],
        Step::Pain => {
            PAIN.iter().zip([7, 7, 9, 6, 8]).map(|(p, n)| (format!("clinical.pain.{p}"), n.to_string())).collect()
        }
        Step::History => {
            vec![("clinical.conditions".into(), "crps".into()), ("clinical.diagnostics".into(), "xray".into())]
        }
        Step::Treatments => vec![
            ("clinical.treatments.nsaids".into(), "yes".into()),
            ("clinical.treatments.opioids".into(), "yes".into()),
        ],
        // The list is in the treatments' order: NSAIDs, then opioids.
        Step::TreatmentResults => vec![
            ("clinical.treatments.0.result".into(), "no_relief".into()),
            ("clinical.treatments.1.result".into(), "side_effects".into()),
            ("clinical.upcoming_surgery".into(), "no".into()),
        ],
        Step::Medical => MEDICAL.iter().map(|f| (format!("clinical.medical.{f}"), "no".into())).collect(),
        Step::Mood => vec![("mood_choice".into(), "skip".into())],
        // Not asked after "skip": posted anyway, they change nothing.
        Step::MoodPhq9 => (0..9).map(|i| (format!("clinical.mood.phq9.{i}"), "3".into())).collect(),
        Step::MoodGad7 => (0..7).map(|i| (format!("clinical.mood.gad7.{i}"), "3".into())).collect(),
        Step::About => [
            ("patient.first_name", "Ana"),
            ("patient.last_name", "García"),
            ("patient.date_of_birth.month", "3"),
            ("patient.date_of_birth.day", "1"),
            ("patient.date_of_birth.year", "1970"),
            ("patient.sex_at_birth", "female"),
            ("patient.phone", "214-555-0100"),
            ("patient.zip", "78701"),
            ("patient.preferred_contact", "text"),
            ("patient.email", ""),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect(),
        Step::Insurance => {
            vec![("insurance.plan".into(), "self_pay".into()), ("insurance.subscriber".into(), "self".into())]
        }
        Step::Consent => [
            ("consent.privacy_notice", "yes"),
            ("consent.contact", "yes"),
            ("consent.attestation", "yes"),
            ("consent.signature", "Ana García"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect(),
        Step::Review => Vec::new(),
    };
    let mut body: String =
        pairs.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&");
    body.push_str("&nav=next");
    body
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The "Continue" button of a resume link's page.
pub async fn resume(app: &TestApp, cookie: &str, token: &str) -> Reply {
    app.send(form_post("/intake/resume", cookie, &format!("token={token}"))).await
}

/// Posts every step but the last: the draft is ready to submit.
pub async fn answer_all_but_review(app: &TestApp, cookie: &str) {
    for step in Step::ALL.iter().copied().filter(|s| *s != Step::Review) {
        let reply = app.send(form_post(&format!("/intake/{}", step.as_str()), cookie, &step_body(step))).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{step}");
    }
}

/// Starts a draft, answers every step of the baseline scenario and submits it: the
/// draft's cookie, now showing the result.
pub async fn submit_baseline(app: &TestApp) -> String {
    let cookie = start(app).await;
    answer_all_but_review(app, &cookie).await;
    let reply = app.send(form_post("/intake/review", &cookie, "nav=next")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    cookie
}

/// A page as this draft's browser sees it.
pub async fn page_of(app: &TestApp, cookie: &str, path: &str) -> String {
    let reply = app.send(Request::get(path).header("cookie", cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}");
    reply.text()
}
