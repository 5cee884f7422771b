//! The one error type of the JSON API and how each variant answers.
//!
//! Client mistakes get the contract's `{"errors":[…]}` body in the client's language;
//! server faults are logged (without request data) and answered without details.

use crate::domain::decode::{ErrorCode, FieldErrors};
use crate::domain::i18n::error_message;
use crate::domain::intake::Locale;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("malformed JSON")]
    Malformed,
    #[error("content type must be application/json")]
    UnsupportedMediaType,
    #[error("invalid fields")]
    Invalid(FieldErrors),
    #[error("body too large")]
    TooLarge,
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("no such endpoint")]
    NotFound,
    #[error("malformed Idempotency-Key header")]
    BadIdempotencyKey,
    #[error("Idempotency-Key reused with another body")]
    IdempotencyKeyReused,
    #[error("booking refused: {0:?}")]
    Booking(BookingRefusal),
    #[error("database unavailable")]
    Unavailable,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        if super::super::db::is_unavailable(&e) {
            Self::Unavailable
        } else {
            Self::Internal(e.to_string())
        }
    }
}

/// Why the booking API refused a request (`booking.md`'s codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingRefusal {
    /// A required text field is missing or not a string (`required`).
    Missing(&'static str),
    /// `from` or `to` is not a `YYYY-MM-DD` date (`format`).
    BadDate(&'static str),
    /// More than 31 days, or `from` after `to` (`range`).
    Span,
    /// `start` is not RFC 3339 with an offset (`format`).
    BadStart,
    /// Outside the consult hours (`range`).
    OutsideHours,
    /// Too soon or too far ahead (`range`).
    OutsideWindow,
    /// Full, or never the start of a slot (409 `slot_taken`).
    SlotTaken,
    /// The submission has an upcoming consult (409 `already_booked`).
    AlreadyBooked,
    /// Unknown or expired token (404 `not_found`).
    UnknownToken,
    /// Within `BOOKING_CHANGE_CUTOFF_HOURS` of the consult (`range`).
    TooLate,
}

impl BookingRefusal {
    fn status(self) -> StatusCode {
        match self {
            Self::SlotTaken | Self::AlreadyBooked => StatusCode::CONFLICT,
            Self::UnknownToken => StatusCode::NOT_FOUND,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn item(self, es: bool) -> ErrorItem {
        let pick = |en: &str, sp: &str| if es { sp.to_owned() } else { en.to_owned() };
        let (field, code, message) = match self {
            Self::Missing(field) => {
                (field, "required", pick("This field is required, as text.", "Este campo es obligatorio, como texto."))
            }
            Self::BadDate(field) => (
                field,
                "format",
                pick(
                    "Enter a date as YYYY-MM-DD, like 2027-03-15.",
                    "Escriba una fecha como AAAA-MM-DD, por ejemplo 2027-03-15.",
                ),
            ),
            Self::Span => (
                "to",
                "range",
                pick(
                    "Ask for 1 to 31 days, with `from` not after `to`.",
                    "Pida de 1 a 31 días, con `from` no posterior a `to`.",
                ),
            ),
            Self::BadStart => (
                "start",
                "format",
                pick(
                    "Enter the start as RFC 3339 with an offset, like 2027-03-15T09:00:00-05:00.",
                    "Escriba el inicio en RFC 3339 con su desfase, por ejemplo 2027-03-15T09:00:00-05:00.",
                ),
            ),
            Self::OutsideHours => (
                "start",
                "range",
                pick(
                    "This time is outside the clinic's consult hours.",
                    "Esta hora está fuera del horario de consultas de la clínica.",
                ),
            ),
            Self::OutsideWindow => (
                "start",
                "range",
                pick(
                    "This time cannot be booked now: it is too soon or too far ahead.",
                    "Esta hora no se puede reservar ahora: es demasiado pronto o demasiado lejos.",
                ),
            ),
            Self::SlotTaken => (
                "start",
                "slot_taken",
                pick("This time is not free. Please choose another time.", "Esta hora no está libre. Elija otra hora."),
            ),
            Self::AlreadyBooked => (
                "",
                "already_booked",
                pick(
                    "A consult is already booked for this submission. Use its manage link to change it.",
                    "Ya hay una consulta reservada para este registro. Use su enlace de gestión para cambiarla.",
                ),
            ),
            Self::UnknownToken => (
                "",
                "not_found",
                pick("This booking link is unknown or has expired.", "Este enlace de reserva no existe o ha vencido."),
            ),
            Self::TooLate => (
                "",
                "range",
                pick(
                    "The consult is too soon to change online. Please call the clinic.",
                    "Falta muy poco para la consulta para cambiarla en línea. Llame a la clínica.",
                ),
            ),
        };
        ErrorItem { field: field.to_owned(), code, message }
    }
}

/// An [`ApiError`] with the language its messages are written in.
#[derive(Debug)]
pub struct Failure {
    pub error: ApiError,
    pub locale: Locale,
}

impl ApiError {
    pub fn in_locale(self, locale: Locale) -> Failure {
        Failure { error: self, locale }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Malformed => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadIdempotencyKey => StatusCode::BAD_REQUEST,
            Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Booking(refusal) => refusal.status(),
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[derive(Serialize)]
struct ErrorBody {
    errors: Vec<ErrorItem>,
}

#[derive(Serialize)]
struct ErrorItem {
    field: String,
    code: &'static str,
    message: String,
}

/// A whole-request error. Beyond the contract's field codes, non-field failures use
/// their own codes (`unsupported_media_type`, `too_large`, `rate_limited`, `not_found`,
/// `unavailable`, `internal`, and for the `Idempotency-Key` header
/// `idempotency_key_invalid` and `idempotency_key_reused`): an extension, never a rename.
fn whole(code: &'static str, message: &str) -> Vec<ErrorItem> {
    vec![ErrorItem { field: String::new(), code, message: message.to_owned() }]
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let es = self.locale == Locale::Es;
        let pick = |en: &str, sp: &str| if es { sp.to_owned() } else { en.to_owned() };
        let errors = match &self.error {
            ApiError::Invalid(fields) => fields
                .iter()
                .map(|f| ErrorItem {
                    field: f.field.clone(),
                    code: f.problem.code().as_str(),
                    message: error_message(f, self.locale),
                })
                .collect(),
            ApiError::Malformed => whole(ErrorCode::Malformed.as_str(), &pick("The request body is not valid JSON.", "El cuerpo de la solicitud no es JSON válido.")),
            ApiError::UnsupportedMediaType => whole("unsupported_media_type", &pick("Send the body as JSON with Content-Type: application/json.", "Envíe el cuerpo como JSON con Content-Type: application/json.")),
            ApiError::TooLarge => whole("too_large", &pick("The request body is larger than 64 KiB.", "El cuerpo de la solicitud supera los 64 KiB.")),
            ApiError::RateLimited { .. } => whole("rate_limited", &pick("Too many requests. Please wait a moment and try again.", "Demasiadas solicitudes. Espere un momento e inténtelo de nuevo.")),
            ApiError::NotFound => whole("not_found", &pick("There is no such API endpoint.", "Ese punto de acceso de la API no existe.")),
            ApiError::BadIdempotencyKey => whole("idempotency_key_invalid", &pick("The Idempotency-Key header must be one value of 1 to 255 visible ASCII characters, such as a UUID.", "El encabezado Idempotency-Key debe ser un solo valor de 1 a 255 caracteres ASCII visibles, como un UUID.")),
            ApiError::IdempotencyKeyReused => whole("idempotency_key_reused", &pick("This Idempotency-Key was used in the last 24 hours with a different request body, and nothing was saved. Send a new key for a new intake.", "Esta Idempotency-Key se usó en las últimas 24 horas con otro cuerpo de solicitud y no se guardó nada. Envíe una clave nueva para un nuevo registro.")),
            ApiError::Booking(refusal) => vec![refusal.item(es)],
            ApiError::Unavailable => {
                tracing::warn!("database unavailable");
                whole("unavailable", &pick("The service is briefly unavailable and nothing was saved. Please try again in a minute.", "El servicio no está disponible por un momento y no se guardó nada. Inténtelo de nuevo en un minuto."))
            }
            ApiError::Internal(detail) => {
                // The detail is a database or encoding error, never request content.
                tracing::error!(error = %detail, "internal error");
                whole("internal", &pick("Something went wrong on our side and nothing was saved. Please try again.", "Algo salió mal de nuestro lado y no se guardó nada. Inténtelo de nuevo."))
            }
        };
        let mut response = (self.error.status(), Json(ErrorBody { errors })).into_response();
        if let ApiError::RateLimited { retry_after_secs } = self.error {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}
