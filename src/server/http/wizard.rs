//! The intake wizard's form posts, resume links and the language switch.
//!
//! Plain HTML forms post here (so the wizard works without JavaScript); each handler
//! saves, then redirects (303) to the page to show next. The pages themselves are Leptos
//! routes that read the draft through `ui::intake::data::load_draft`.

use super::browser::{cookie, local_path, locale_of_request, same_origin, see_other, LANG_COOKIE};
use super::extract::ClientAddr;
use super::AppState;
use crate::domain::decode::{FieldError, Problem};
use crate::domain::i18n::error_message;
use crate::domain::intake::{IntakeAnswers, Locale};
use crate::domain::screening::evaluate;
use crate::domain::values::{PersonName, Phone};
use crate::server::callbacks;
use crate::server::drafts::{self, SavedError};
use crate::server::intakes;
use crate::server::rate_limit::Decision;
use crate::shared::draft::{DraftState, ResultData};
use crate::shared::form::{self, Step};
use crate::shared::labels;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde_json::Value;

pub(super) fn draft_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.settings.https_only { "; Secure" } else { "" };
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        drafts::COOKIE,
        drafts::LIFETIME_DAYS * 24 * 3600
    )
}

fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "This form must be sent from the clinic's own site.").into_response()
}

fn unavailable(e: sqlx::Error) -> Response {
    tracing::warn!(error = %e, "wizard: database error");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The service is briefly unavailable. Your earlier answers are saved; please go back and try again in a minute.",
    )
        .into_response()
}

fn saved_errors(errors: &[FieldError]) -> Vec<SavedError> {
    errors
        .iter()
        .map(|e| SavedError {
            field: e.field.clone(),
            en: error_message(e, Locale::En),
            es: error_message(e, Locale::Es),
        })
        .collect()
}

/// What the wizard pages show for this browser's draft.
pub async fn draft_state(state: &AppState, headers: &HeaderMap) -> Result<DraftState, sqlx::Error> {
    let Some(token) = cookie(headers, drafts::COOKIE) else { return Ok(DraftState::Missing) };
    let Some(draft) = drafts::find(&state.db, &token).await? else { return Ok(DraftState::Missing) };
    if let Some(intake_id) = draft.intake_id {
        return Ok(match intakes::result_of(&state.db, intake_id).await? {
            Some(r) => DraftState::Submitted(ResultData {
                reference: r.reference.display(),
                outcome: crate::domain::screening::Outcome::parse(&r.outcome)
                    .unwrap_or(crate::domain::screening::Outcome::ClinicianReview),
                reasons: r.reasons.iter().map(|x| x.code).collect(),
                safety_alert: r.safety_alert,
            }),
            None => DraftState::Missing,
        });
    }
    // No preview of the outcome before submitting: a patient could change answers until
    // the result improves (content round 2). The live 911 and 988 messages stay.
    let base = state.settings.public_url.trim_end_matches('/');
    let cards = draft.card_sides.iter().map(|s| (*s).to_owned()).collect();
    // Only a draft the red flags stop can have asked for a call: no query for the others.
    let callback = if emergency_flags(&draft.answers).is_empty() {
        None
    } else {
        callbacks::of_draft(&state.db, draft.id).await?.map(|r| r.display())
    };
    Ok(DraftState::Open {
        cards,
        callback,
        answers: draft.answers,
        errors_step: draft.errors_step,
        errors: draft.errors,
        resume_url: format!("{base}/intake/resume/{token}"),
    })
}

/// `POST /intake/start`: a new draft, remembered by cookie. Limited per client address
/// like the API, so a script cannot fill the database with empty drafts.
pub async fn start(State(state): State<AppState>, client: ClientAddr, headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return forbidden();
    }
    match state.limiter.hit(&format!("draft-start:{}", client.0)).await {
        Ok(Decision::Allow) => {}
        Ok(Decision::Limited { retry_after_secs }) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(axum::http::header::RETRY_AFTER, retry_after_secs.to_string())],
                "Too many new forms from this address. Please wait a minute and try again.",
            )
                .into_response();
        }
        Err(e) => return unavailable(e),
    }
    let locale = locale_of_request(&headers);
    match drafts::create(&state.db, locale.as_str()).await {
        Ok(token) => see_other(&format!("/intake/{}", Step::RedFlags.as_str()), &[draft_cookie(&state, &token)]),
        Err(e) => unavailable(e),
    }
}

/// `POST /intake/{step}`: save the step; then the same step (errors), the previous or
/// next step, the emergency page, or (from review) the result.
///
/// While the database is unreachable the answer is a 503 page that carries this post's
/// answers back to the browser in a form: "Try again" sends them once it is back, so
/// nothing typed on the page is lost.
pub async fn post_step(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let response = save_step(&state, &slug, &headers, &pairs).await;
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        return retry_page(&format!("/intake/{slug}"), &pairs, locale_of_request(&headers));
    }
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The 503 page of a wizard post: the answers ride along in hidden fields.
fn retry_page(action: &str, pairs: &[(String, String)], l: Locale) -> Response {
    let (title, text, button) = match l {
        Locale::Es => (
            "El servicio no está disponible por un momento",
            "No se perdió nada: las respuestas de esta página siguen aquí, en su navegador, y las anteriores están guardadas. Espere un minuto y pulse «Intentar de nuevo».",
            "Intentar de nuevo",
        ),
        Locale::En => (
            "The service is briefly unavailable",
            "Nothing is lost: the answers on this page are kept here, in your browser, and your earlier answers are saved. Wait a minute, then press “Try again”.",
            "Try again",
        ),
    };
    let fields: String = pairs
        .iter()
        .map(|(k, v)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(k), escape(v)))
        .collect();
    let page = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"{css}\"></head><body><main id=\"main\" class=\"page narrow\">\
         <h1>{title}</h1><p>{text}</p><form method=\"post\" action=\"{action}\">{fields}\
         <button type=\"submit\" class=\"button\">{button}</button></form></main></body></html>",
        lang = l.as_str(),
        action = escape(action),
        css = super::assets::stylesheet_href(),
    );
    (StatusCode::SERVICE_UNAVAILABLE, [(axum::http::header::RETRY_AFTER, "30")], axum::response::Html(page))
        .into_response()
}

async fn save_step(state: &AppState, slug: &str, headers: &HeaderMap, pairs: &[(String, String)]) -> Response {
    let state = state.clone();
    let headers = headers.clone();
    let pairs = pairs.to_vec();
    let slug = slug.to_owned();
    if !same_origin(&headers) {
        return forbidden();
    }
    let Some(step) = Step::parse(&slug) else {
        return (StatusCode::NOT_FOUND, "No such step.").into_response();
    };
    let here = format!("/intake/{}", step.as_str());
    let Some(token) = cookie(&headers, drafts::COOKIE) else { return see_other(&here, &[]) };
    let draft = match drafts::find(&state.db, &token).await {
        Ok(Some(d)) => d,
        Ok(None) => return see_other(&here, &[]),
        Err(e) => return unavailable(e),
    };
    if draft.intake_id.is_some() {
        return see_other("/intake/result", &[]);
    }
    let back = pairs.iter().any(|(k, v)| k == "nav" && v == "back");
    // "Save and come back later" saves what is there, errors or not, like going back.
    let save_for_later = pairs.iter().any(|(k, v)| k == "nav" && v == "save");
    let today = state.settings.today();
    let mut answers = draft.answers;
    if !answers.is_object() {
        answers = serde_json::json!({});
    }
    answers["locale"] = Value::String(locale_of_request(&headers).as_str().to_owned());
    // A page this patient is not asked (the mood questions after skipping them) changes
    // nothing: on to the next one that applies.
    if !step.applies(&answers) {
        let next = step.next_for(&answers).unwrap_or(Step::Review);
        return see_other(&format!("/intake/{}", next.as_str()), &[]);
    }
    form::apply(step, &pairs, &mut answers);

    if step == Step::Review && !back && !save_for_later {
        return submit(&state, draft.id, &answers, today).await;
    }
    let errors = if back || save_for_later { Vec::new() } else { form::step_errors(step, &answers, today) };
    if let Err(e) = drafts::save(&state.db, draft.id, &answers, step.as_str(), &saved_errors(&errors)).await {
        return unavailable(e);
    }
    if save_for_later {
        return see_other("/intake/saved", &[]);
    }
    if back {
        let to = step.previous_for(&answers).unwrap_or(Step::RedFlags);
        return see_other(&format!("/intake/{}", to.as_str()), &[]);
    }
    // "Add card photos" on the insurance step: the answers are saved, then the photo page.
    if step == Step::Insurance && pairs.iter().any(|(k, v)| k == "nav" && v == "cards") {
        return see_other("/intake/cards", &[]);
    }
    if !errors.is_empty() {
        return see_other(&format!("{here}#error-summary"), &[]);
    }
    if step == Step::RedFlags && !emergency_flags(&answers).is_empty() {
        // A patient who gave a name and phone on an earlier visit is called back without
        // asking again (safety-followup.md); the others are offered the form.
        if let Ok(request) = callback_request(&answers) {
            if let Err(e) =
                callbacks::request(&state.db, draft.id, &request, &state.settings.follow_up, jiff::Timestamp::now())
                    .await
            {
                return unavailable(e);
            }
        }
        return see_other("/intake/stop", &[]);
    }
    let next = step.next_for(&answers).unwrap_or(Step::Review);
    see_other(&format!("/intake/{}", next.as_str()), &[])
}

/// The 911 red flags answered yes in a draft.
fn emergency_flags(answers: &Value) -> Vec<String> {
    crate::domain::screening::red_flags_reaching(crate::domain::screening::Outcome::Emergency)
        .filter(|f| answers["clinical"]["red_flags"][f] == Value::Bool(true))
        .map(str::to_owned)
        .collect()
}

/// The name and phone fields the emergency page asks for (those of the About-you step, so
/// what is typed there is kept for the rest of the form).
const CALLBACK_FIELDS: [&str; 3] = ["first_name", "last_name", "phone"];

/// A callback request from a draft's name and phone, or what is missing or wrong.
fn callback_request(answers: &Value) -> Result<callbacks::Request, Vec<FieldError>> {
    let text = |name: &str| answers["patient"][name].as_str().unwrap_or("").trim().to_owned();
    let mut errors = Vec::new();
    let mut check = |name: &str, problem: Option<Problem>| {
        if let Some(problem) = problem {
            errors.push(FieldError { field: format!("patient.{name}"), problem });
        }
    };
    let required = |t: &str| t.is_empty().then_some(Problem::Required);
    let (first, last, phone) = (text("first_name"), text("last_name"), text("phone"));
    let first_name = PersonName::parse(&first);
    check("first_name", required(&first).or(first_name.clone().err()));
    let last_name = PersonName::parse(&last);
    check("last_name", required(&last).or(last_name.clone().err()));
    let phone_number = Phone::parse(&phone);
    check("phone", required(&phone).or(phone_number.clone().err()));
    match (first_name, last_name, phone_number) {
        (Ok(first_name), Ok(last_name), Ok(phone)) if errors.is_empty() => Ok(callbacks::Request {
            first_name,
            last_name,
            phone,
            locale: Locale::parse(answers["locale"].as_str().unwrap_or("en")).unwrap_or(Locale::En),
            red_flags: emergency_flags(answers),
        }),
        _ => Err(errors),
    }
}

/// `POST /intake/stop`: the emergency page's optional "ask the clinic to call me" form
/// (name and phone). Valid, it stores a callback request with an emergency follow-up,
/// once per draft; otherwise the page shows what to fix, with what was typed kept.
///
/// While the database is unreachable the answer is the wizard's 503 page that carries the
/// typed name and phone back, like every step's post.
pub async fn ask_for_call(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let response = store_call_request(&state, &headers, &pairs).await;
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        return retry_page("/intake/stop", &pairs, locale_of_request(&headers));
    }
    response
}

async fn store_call_request(state: &AppState, headers: &HeaderMap, pairs: &[(String, String)]) -> Response {
    if !same_origin(headers) {
        return forbidden();
    }
    let here = "/intake/stop";
    let Some(token) = cookie(headers, drafts::COOKIE) else { return see_other(here, &[]) };
    let draft = match drafts::find(&state.db, &token).await {
        Ok(Some(d)) => d,
        Ok(None) => return see_other(here, &[]),
        Err(e) => return unavailable(e),
    };
    if draft.intake_id.is_some() {
        return see_other("/intake/result", &[]);
    }
    let mut answers = draft.answers;
    // Only a patient the emergency page stopped asks for a call from it.
    if emergency_flags(&answers).is_empty() {
        return see_other(&format!("/intake/{}", Step::RedFlags.as_str()), &[]);
    }
    if !answers["patient"].is_object() {
        answers["patient"] = serde_json::json!({});
    }
    for name in CALLBACK_FIELDS {
        if let Some((_, v)) = pairs.iter().find(|(k, _)| *k == format!("patient.{name}")) {
            answers["patient"][name] = Value::String(v.trim().to_owned());
        }
    }
    let result = callback_request(&answers);
    // In the wizard's words ("Enter your first name"), as the page shows them.
    let errors: Vec<SavedError> = result
        .as_ref()
        .err()
        .into_iter()
        .flatten()
        .map(|e| SavedError {
            field: e.field.clone(),
            en: labels::wizard_error(e, Locale::En),
            es: labels::wizard_error(e, Locale::Es),
        })
        .collect();
    if let Err(e) = drafts::save(&state.db, draft.id, &answers, form::STOP_PAGE, &errors).await {
        return unavailable(e);
    }
    match result {
        Err(_) => see_other(&format!("{here}#error-summary"), &[]),
        Ok(request) => {
            match callbacks::request(&state.db, draft.id, &request, &state.settings.follow_up, jiff::Timestamp::now())
                .await
            {
                Ok(_) => see_other(&format!("{here}#call-requested"), &[]),
                Err(e) => unavailable(e),
            }
        }
    }
}

/// The final post: validate everything, evaluate, store the intake, show the result.
async fn submit(state: &AppState, draft_id: i64, answers: &Value, today: jiff::civil::Date) -> Response {
    let parsed = IntakeAnswers::from_json(&form::complete(answers), today);
    let answers_ok = match parsed {
        Ok(a) => a,
        Err(errors) => {
            if let Err(e) =
                drafts::save(&state.db, draft_id, answers, Step::Review.as_str(), &saved_errors(&errors.0)).await
            {
                return unavailable(e);
            }
            return see_other("/intake/review#error-summary", &[]);
        }
    };
    let evaluation = evaluate(&answers_ok.clinical, answers_ok.patient.date_of_birth, today);
    // One transaction stores the intake, marks the draft submitted and moves its card
    // photos; a second post of the same draft (a double click, "Try again") finds the
    // first intake instead of making another.
    match state.intakes.insert(&answers_ok, &evaluation, today, Some(intakes::Once::Draft(draft_id)), None).await {
        Ok(intakes::Created::New(stored)) => {
            tracing::info!(reference = %stored.reference, outcome = %evaluation.outcome, "intake submitted from the wizard");
        }
        Ok(intakes::Created::Before { .. }) => {}
        Err(e) => return unavailable(e),
    }
    see_other("/intake/result", &[])
}

#[derive(serde::Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// `POST /intake/saved/email`: "E-mail me this link". The address is kept in the draft
/// (the About-you step shows it) and the e-mail queued; its link is made when it is sent.
pub async fn email_link(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<EmailForm>,
) -> Response {
    if !same_origin(&headers) {
        return forbidden();
    }
    let Some(token) = cookie(&headers, drafts::COOKIE) else { return see_other("/intake/saved", &[]) };
    let draft = match drafts::find(&state.db, &token).await {
        Ok(Some(draft)) if draft.intake_id.is_none() => draft,
        Ok(_) => return see_other("/intake/saved", &[]),
        Err(e) => return unavailable(e),
    };
    match state.limiter.hit(&format!("resume-mail:{}", client.0)).await {
        Ok(Decision::Allow) => {}
        Ok(Decision::Limited { .. }) => return see_other("/intake/saved?email=later", &[]),
        Err(e) => return unavailable(e),
    }
    let Ok(email) = crate::domain::values::Email::parse(form.email.trim()) else {
        return see_other("/intake/saved?email=bad", &[]);
    };
    let mut answers = draft.answers.clone();
    if let Some(o) = answers.as_object_mut() {
        let patient = o.entry("patient").or_insert_with(|| serde_json::json!({}));
        if let Some(p) = patient.as_object_mut() {
            p.insert("email".into(), Value::String(email.as_str().to_owned()));
        }
    }
    let step = draft.errors_step.clone().unwrap_or_default();
    if let Err(e) = drafts::save(&state.db, draft.id, &answers, &step, &draft.errors).await {
        return unavailable(e);
    }
    match drafts::queue_resume_mail(&state.db, draft.id, jiff::Timestamp::now()).await {
        Ok(()) => see_other("/intake/saved?email=sent", &[]),
        Err(e) => unavailable(e),
    }
}

#[derive(serde::Deserialize)]
pub struct ResumeForm {
    #[serde(default)]
    token: String,
}

/// `POST /intake/resume` (the button on the resume link's page): adopt a draft in this
/// browser under a fresh secret, and continue where it stopped. The link's token stops
/// working at once, so a link that someone else made, or that was seen on a shared
/// screen, cannot be used to read what this patient types from now on.
pub async fn resume(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<ResumeForm>) -> Response {
    if !same_origin(&headers) {
        return forbidden();
    }
    // The link the saved page shows is the draft's own secret; an e-mailed one is a
    // one-use link of its own. Either moves the draft to a fresh secret for this browser.
    let fresh = match drafts::rotate(&state.db, &form.token).await {
        Ok(Some(fresh)) => fresh,
        Ok(None) => match drafts::redeem_link(&state.db, &form.token).await {
            Ok(Some(fresh)) => fresh,
            Ok(None) => return see_other("/intake/red-flags", &[]),
            Err(e) => return unavailable(e),
        },
        Err(e) => return unavailable(e),
    };
    let draft = match drafts::find(&state.db, &fresh).await {
        Ok(Some(draft)) => draft,
        Ok(None) => return see_other("/intake/red-flags", &[]),
        Err(e) => return unavailable(e),
    };
    let to = if draft.intake_id.is_some() {
        "/intake/result".to_owned()
    } else {
        format!("/intake/{}", form::first_incomplete(&draft.answers, state.settings.today()).as_str())
    };
    see_other(&to, &[draft_cookie(&state, &fresh)])
}

#[derive(serde::Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// `GET /lang/{en|es}?next=/path`: remember the language, go back to the page.
pub async fn set_language(State(state): State<AppState>, Path(code): Path<String>, Query(q): Query<Next>) -> Response {
    let Some(locale) = Locale::parse(&code) else {
        return (StatusCode::NOT_FOUND, "Unknown language.").into_response();
    };
    let next = q.next.as_deref().and_then(local_path).unwrap_or("/");
    let secure = if state.settings.https_only { "; Secure" } else { "" };
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}", locale.as_str());
    see_other(next, &[cookie])
}
