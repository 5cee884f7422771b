//! `POST /api/v1/screening` and `POST /api/v1/intakes` (`intake-v1.md`).

use super::error::{ApiError, Failure};
use super::extract::{ClientAddr, JsonBody, Lang};
use super::AppState;
use crate::domain::i18n::reason_message;
use crate::domain::intake::{IntakeAnswers, Locale};
use crate::domain::screening::{evaluate, Evaluation, Outcome, Reason, ReasonCode, ScreeningRequest, Scores};
use crate::server::intakes;
use crate::server::rate_limit::Decision;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

/// A reason as the API shows it: code, outcome and a message in the reader's language.
#[derive(Debug, Serialize)]
pub struct ReasonOut {
    pub code: ReasonCode,
    pub outcome: Outcome,
    pub message: &'static str,
}

fn reasons_out(reasons: &[Reason], locale: Locale) -> Vec<ReasonOut> {
    reasons
        .iter()
        .map(|r| ReasonOut { code: r.code, outcome: r.outcome, message: reason_message(r.code, locale) })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct ScreeningOut {
    pub outcome: Outcome,
    pub reasons: Vec<ReasonOut>,
    pub safety_alert: bool,
    pub scores: Scores,
    pub rules_version: String,
}

impl ScreeningOut {
    pub fn new(e: &Evaluation, locale: Locale) -> Self {
        Self {
            outcome: e.outcome,
            reasons: reasons_out(&e.reasons, locale),
            safety_alert: e.safety_alert,
            scores: e.scores,
            rules_version: e.rules_version.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct IntakeCreated {
    pub reference: String,
    pub outcome: Outcome,
    pub reasons: Vec<ReasonOut>,
    pub safety_alert: bool,
}

async fn check_rate(state: &AppState, endpoint: &str, client: &ClientAddr, locale: Locale) -> Result<(), Failure> {
    match state.limiter.hit(&format!("{endpoint}:{}", client.0)).await {
        Ok(Decision::Allow) => Ok(()),
        Ok(Decision::Limited { retry_after_secs }) => Err(ApiError::RateLimited { retry_after_secs }.in_locale(locale)),
        Err(e) => Err(ApiError::from(e).in_locale(locale)),
    }
}

/// Evaluates a screening request; stores nothing.
pub async fn screening(
    State(state): State<AppState>,
    Lang(locale): Lang,
    client: ClientAddr,
    JsonBody(body): JsonBody,
) -> Result<Json<ScreeningOut>, Failure> {
    check_rate(&state, "screening", &client, locale).await?;
    let request = ScreeningRequest::from_json(&body, state.settings.today())
        .map_err(|e| ApiError::Invalid(e).in_locale(locale))?;
    Ok(Json(ScreeningOut::new(&request.evaluate(), locale)))
}

/// Validates, evaluates and durably stores an intake; 201 with its reference.
pub async fn create_intake(
    State(state): State<AppState>,
    Lang(locale): Lang,
    client: ClientAddr,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<IntakeCreated>), Failure> {
    check_rate(&state, "intakes", &client, locale).await?;
    let today = state.settings.today();
    let answers = IntakeAnswers::from_json(&body, today).map_err(|e| ApiError::Invalid(e).in_locale(locale))?;
    let evaluation = evaluate(&answers.clinical, answers.patient.date_of_birth, today);
    let reference = intakes::insert(&state.db, &answers, &evaluation, today)
        .await
        .map_err(|e| ApiError::from(e).in_locale(locale))?
        .reference;
    tracing::info!(reference = %reference, outcome = %evaluation.outcome, "intake stored");
    Ok((
        StatusCode::CREATED,
        Json(IntakeCreated {
            reference: reference.display(),
            outcome: evaluation.outcome,
            reasons: reasons_out(&evaluation.reasons, locale),
            safety_alert: evaluation.safety_alert,
        }),
    ))
}

/// Any other path under `/api/v1`.
pub async fn not_found(Lang(locale): Lang) -> Failure {
    ApiError::NotFound.in_locale(locale)
}
