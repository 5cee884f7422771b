//! `POST /api/v1/screening` and `POST /api/v1/intakes` (`intake-v1.md`).

use super::error::{ApiError, Failure};
use super::extract::{ClientAddr, JsonBody, Lang};
use super::AppState;
use crate::domain::i18n::reason_message;
use crate::domain::intake::{IntakeAnswers, Locale};
use crate::domain::screening::{evaluate, Evaluation, Outcome, Reason, ReasonCode, Scores, ScreeningRequest};
use crate::server::bookings::{self, NewToken};
use crate::server::intakes;
use crate::server::rate_limit::Decision;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};

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
    /// When the patient may book now (`consult_recommended`): the secret that books for
    /// this submission (`booking.md`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_token: Option<String>,
}

pub(super) async fn check_rate(
    state: &AppState,
    endpoint: &str,
    client: &ClientAddr,
    locale: Locale,
) -> Result<(), Failure> {
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
///
/// With an `Idempotency-Key` header (the IETF draft's semantics), a retry is safe: the
/// same key with the same body within 24 hours answers the first 201 again and stores
/// nothing (`Idempotent-Replayed: true`); the same key with another body is a 422.
pub async fn create_intake(
    State(state): State<AppState>,
    Lang(locale): Lang,
    client: ClientAddr,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, Failure> {
    let once = idempotency(&headers, &body).map_err(|e| e.in_locale(locale))?;
    check_rate(&state, "intakes", &client, locale).await?;
    let today = state.settings.today();
    let answers = IntakeAnswers::from_json(&body, today).map_err(|e| ApiError::Invalid(e).in_locale(locale))?;
    let evaluation = evaluate(&answers.clinical, answers.patient.date_of_birth, today);
    let (secret, token_row) = (evaluation.outcome == Outcome::ConsultRecommended)
        .then(|| NewToken::new(Timestamp::now()))
        .map(|t| (t.secret, t.row))
        .unzip();
    let created = state
        .intakes
        .insert(&answers, &evaluation, today, once, token_row)
        .await
        .map_err(|e| ApiError::from(e).in_locale(locale))?;
    let (stored, outcome, reasons, safety_alert, replayed) = match created {
        intakes::Created::New(stored) => {
            tracing::info!(reference = %stored.reference, outcome = %evaluation.outcome, "intake stored");
            (stored, evaluation.outcome, evaluation.reasons, evaluation.safety_alert, false)
        }
        intakes::Created::Before { same_request: false, .. } => {
            return Err(ApiError::IdempotencyKeyReused.in_locale(locale));
        }
        intakes::Created::Before { stored, same_request: true } => {
            // The answer of the first request, as stored then (the rules may have changed).
            let first = intakes::result_of(&state.db, stored.id)
                .await
                .map_err(|e| ApiError::from(e).in_locale(locale))?
                .ok_or_else(|| ApiError::Internal("a replayed intake has no result".into()).in_locale(locale))?;
            let outcome = Outcome::parse(&first.outcome).unwrap_or(Outcome::ClinicianReview);
            (stored, outcome, first.reasons, first.safety_alert, true)
        }
    };
    // A replay's token was not stored (nothing was): it gets one of its own.
    let booking_token = if replayed { replayed_token(&state, stored.id, outcome).await } else { secret };
    let body = IntakeCreated {
        reference: stored.reference.display(),
        outcome,
        reasons: reasons_out(&reasons, locale),
        safety_alert,
        booking_token,
    };
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if replayed {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// A replayed 201's booking token, when the first answer let the patient book now. Only
/// its hash is kept, so the replay carries a fresh one and the first stops working (one
/// live link per submission). A failure to issue it does not undo the stored intake: the
/// 201 goes out without it and the clinic books by phone.
async fn replayed_token(state: &AppState, intake_id: i64, outcome: Outcome) -> Option<String> {
    if outcome != Outcome::ConsultRecommended {
        return None;
    }
    bookings::issue_token(&state.db, intake_id, Timestamp::now(), bookings::Channel::Api)
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "booking token not issued"))
        .ok()
}

/// The longest `Idempotency-Key` accepted (a UUID is 36 characters).
const MAX_IDEMPOTENCY_KEY: usize = 255;

/// The request's `Idempotency-Key`, as what makes it create once: the key's SHA-256 and
/// the body's (serde_json's maps keep keys sorted, so equal JSON gives equal text).
fn idempotency(headers: &HeaderMap, body: &serde_json::Value) -> Result<Option<intakes::Once>, ApiError> {
    let mut values = headers.get_all("idempotency-key").iter();
    let Some(value) = values.next() else { return Ok(None) };
    let key = value.to_str().map_err(|_| ApiError::BadIdempotencyKey)?.trim();
    let visible = key.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    if values.next().is_some() || key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY || !visible {
        return Err(ApiError::BadIdempotencyKey);
    }
    let hex = |bytes: &[u8]| Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
    Ok(Some(intakes::Once::Key { key_hash: hex(key.as_bytes()), fingerprint: hex(body.to_string().as_bytes()) }))
}

/// Any other path under `/api/v1`.
pub async fn not_found(Lang(locale): Lang) -> Failure {
    ApiError::NotFound.in_locale(locale)
}
