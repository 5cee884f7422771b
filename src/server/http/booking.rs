//! The booking API (`booking.md`): `GET /api/v1/slots`, `POST /api/v1/bookings`,
//! `POST /api/v1/bookings/reschedule` and `POST /api/v1/bookings/cancel`. Thin: the
//! request is parsed here, the work is `server::bookings`, and every refusal is one
//! `ApiError::Booking` with the spec's status and code.

use super::error::{ApiError, BookingRefusal, Failure};
use super::extract::{ClientAddr, JsonBody, Lang};
use super::staff::Origin;
use super::AppState;
use crate::domain::booking::{local_rfc3339, ConsultHours, DateSpan, SlotRefused};
use crate::domain::intake::Locale;
use crate::server::bookings::{self, Actor, BookingError, Consult, FreeSlot};
use crate::server::staff::audit::{Action, Entry};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize)]
pub struct SlotOut {
    pub start: String,
    pub end: String,
    pub available: u32,
}

/// The answer of `GET /api/v1/slots` (and of the `slots` command).
#[derive(Debug, Serialize)]
pub struct SlotsOut {
    pub time_zone: String,
    pub slot_minutes: u32,
    pub slots: Vec<SlotOut>,
}

impl SlotsOut {
    pub fn new(hours: &ConsultHours, free: &[FreeSlot], tz: &TimeZone) -> Self {
        Self {
            time_zone: tz.iana_name().unwrap_or("UTC").to_owned(),
            slot_minutes: hours.slot_minutes.get(),
            slots: free
                .iter()
                .map(|f| SlotOut {
                    start: local_rfc3339(f.slot.start, tz),
                    end: local_rfc3339(f.slot.end, tz),
                    available: f.available,
                })
                .collect(),
        }
    }
}

/// A consult as the API shows it.
#[derive(Debug, Serialize)]
pub struct BookingOut {
    pub reference: String,
    pub start: String,
    pub end: String,
    pub manage_token: String,
}

impl BookingOut {
    fn new(consult: &Consult, manage_token: String, tz: &TimeZone) -> Self {
        Self {
            reference: consult.reference.display(),
            start: local_rfc3339(consult.slot.start, tz),
            end: local_rfc3339(consult.slot.end, tz),
            manage_token,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct SlotsQuery {
    from: Option<String>,
    to: Option<String>,
}

fn refused(refusal: BookingRefusal, locale: Locale) -> Failure {
    ApiError::Booking(refusal).in_locale(locale)
}

/// The free slots between two dates (at most 31 days). No patient data.
pub async fn slots(
    State(state): State<AppState>,
    Lang(locale): Lang,
    query: Result<Query<SlotsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SlotsOut>, Failure> {
    let Ok(Query(query)) = query else { return Err(refused(BookingRefusal::BadDate("from"), locale)) };
    let date = |text: Option<&str>, field: &'static str| {
        text.and_then(|t| (t.len() == 10).then(|| t.parse::<jiff::civil::Date>().ok()).flatten())
            .ok_or_else(|| refused(BookingRefusal::BadDate(field), locale))
    };
    let (from, to) = (date(query.from.as_deref(), "from")?, date(query.to.as_deref(), "to")?);
    let span = DateSpan::new(from, to).map_err(|_| refused(BookingRefusal::Span, locale))?;
    let tz = &state.settings.clinic_timezone;
    let (hours, free) = bookings::free_slots(&state.db, tz, span, Timestamp::now(), &state.settings.booking.window)
        .await
        .map_err(|e| ApiError::from(e).in_locale(locale))?;
    Ok(Json(SlotsOut::new(&hours, &free, tz)))
}

/// A string field of a JSON body, or the contract's error for it.
fn text_field<'a>(body: &'a serde_json::Value, field: &'static str, locale: Locale) -> Result<&'a str, Failure> {
    body.get(field).and_then(serde_json::Value::as_str).ok_or_else(|| refused(BookingRefusal::Missing(field), locale))
}

/// `start`: RFC 3339 with any offset (or `Z`) that denotes the slot's instant.
fn start_field(body: &serde_json::Value, locale: Locale) -> Result<Timestamp, Failure> {
    text_field(body, "start", locale)?.parse::<Timestamp>().map_err(|_| refused(BookingRefusal::BadStart, locale))
}

impl From<BookingError> for ApiError {
    fn from(e: BookingError) -> Self {
        match e {
            BookingError::NotFound => ApiError::Booking(BookingRefusal::UnknownToken),
            BookingError::AlreadyBooked => ApiError::Booking(BookingRefusal::AlreadyBooked),
            BookingError::SlotTaken | BookingError::Refused(SlotRefused::OffGrid) => {
                ApiError::Booking(BookingRefusal::SlotTaken)
            }
            BookingError::Refused(SlotRefused::OutsideHours) => ApiError::Booking(BookingRefusal::OutsideHours),
            BookingError::Refused(SlotRefused::OutsideWindow) => ApiError::Booking(BookingRefusal::OutsideWindow),
            BookingError::TooLate => ApiError::Booking(BookingRefusal::TooLate),
            BookingError::Db(e) => ApiError::from(e),
        }
    }
}

/// Records a patient's booking change in the audit trail (actor `patient`).
pub async fn audit_patient(
    state: &AppState,
    action: Action,
    consult: &Consult,
    origin: &Origin,
) -> Result<(), ApiError> {
    let detail = format!("start={}", crate::server::db::text_at(consult.slot.start));
    state
        .audit
        .record(&Entry {
            actor_id: None,
            actor: "patient",
            action,
            target: consult.reference.compact(),
            client: &origin.client,
            request_id: &origin.request_id,
            detail: &detail,
        })
        .await
        .map(|_| ())
        .map_err(ApiError::from)
}

/// Books a consult with a booking token: 201 with the manage token.
pub async fn book(
    State(state): State<AppState>,
    Lang(locale): Lang,
    origin: Origin,
    client: ClientAddr,
    JsonBody(body): JsonBody,
) -> Result<Response, Failure> {
    super::api::check_rate(&state, "bookings", &client, locale).await?;
    let fail = |e: BookingError| ApiError::from(e).in_locale(locale);
    let token = text_field(&body, "booking_token", locale)?;
    let start = start_field(&body, locale)?;
    let now = Timestamp::now();
    let intake = bookings::intake_for_token(&state.db, token, now)
        .await
        .map_err(|e| fail(e.into()))?
        .ok_or_else(|| fail(BookingError::NotFound))?;
    if !bookings::patient_may_book(&state.db, intake).await.map_err(|e| fail(e.into()))? {
        return Err(fail(BookingError::NotFound));
    }
    let hours = bookings::hours(&state.db).await.map_err(|e| fail(e.into()))?;
    let tz = &state.settings.clinic_timezone;
    let slot = bookings::requested_slot(&hours, tz, start, now, &state.settings.booking, Actor::Patient)
        .map_err(|e| fail(e.into()))?;
    let booked = bookings::book(&state.db, intake, slot, hours.capacity, Actor::Patient, now).await.map_err(fail)?;
    audit_patient(&state, Action::ConsultBooked, &booked.consult, &origin).await.map_err(|e| e.in_locale(locale))?;
    let manage = booked.manage_token.unwrap_or_default();
    Ok((StatusCode::CREATED, Json(BookingOut::new(&booked.consult, manage, tz))).into_response())
}

/// The upcoming consult a manage token changes, if it may still be changed online.
async fn changeable(state: &AppState, token: &str, now: Timestamp) -> Result<Consult, BookingError> {
    let consult = bookings::by_manage_token(&state.db, token).await?.ok_or(BookingError::NotFound)?;
    if consult.status == bookings::ConsultStatus::Booked && !state.settings.booking.may_change(now, consult.slot.start)
    {
        return Err(BookingError::TooLate);
    }
    Ok(consult)
}

/// Moves a consult to another slot: 200 with the booking's body.
pub async fn reschedule(
    State(state): State<AppState>,
    Lang(locale): Lang,
    origin: Origin,
    client: ClientAddr,
    JsonBody(body): JsonBody,
) -> Result<Json<BookingOut>, Failure> {
    super::api::check_rate(&state, "bookings", &client, locale).await?;
    let fail = |e: BookingError| ApiError::from(e).in_locale(locale);
    let token = text_field(&body, "manage_token", locale)?;
    let start = start_field(&body, locale)?;
    let now = Timestamp::now();
    let consult = changeable(&state, token, now).await.map_err(fail)?;
    let hours = bookings::hours(&state.db).await.map_err(|e| fail(e.into()))?;
    let tz = &state.settings.clinic_timezone;
    let slot = bookings::requested_slot(&hours, tz, start, now, &state.settings.booking, Actor::Patient)
        .map_err(|e| fail(e.into()))?;
    let moved = bookings::reschedule(&state.db, &consult, slot, hours.capacity, now).await.map_err(fail)?;
    if moved.sequence != consult.sequence {
        audit_patient(&state, Action::ConsultRescheduled, &moved, &origin).await.map_err(|e| e.in_locale(locale))?;
    }
    Ok(Json(BookingOut::new(&moved, token.to_owned(), tz)))
}

#[derive(Debug, Serialize)]
pub struct CancelledOut {
    pub status: &'static str,
}

/// Cancels a consult: 200 `{"status":"cancelled"}` (again for a cancelled one).
pub async fn cancel(
    State(state): State<AppState>,
    Lang(locale): Lang,
    origin: Origin,
    client: ClientAddr,
    JsonBody(body): JsonBody,
) -> Result<Json<CancelledOut>, Failure> {
    super::api::check_rate(&state, "bookings", &client, locale).await?;
    let fail = |e: BookingError| ApiError::from(e).in_locale(locale);
    let token = text_field(&body, "manage_token", locale)?;
    let now = Timestamp::now();
    let consult = changeable(&state, token, now).await.map_err(fail)?;
    match consult.status {
        bookings::ConsultStatus::Cancelled => {}
        bookings::ConsultStatus::Booked => {
            let cancelled = bookings::cancel(&state.db, &consult, Actor::Patient, now).await.map_err(fail)?;
            audit_patient(&state, Action::ConsultCancelled, &cancelled, &origin)
                .await
                .map_err(|e| e.in_locale(locale))?;
        }
        // Attended or missed: nothing left to cancel.
        bookings::ConsultStatus::Attended | bookings::ConsultStatus::NoShow => {
            return Err(fail(BookingError::NotFound))
        }
    }
    Ok(Json(CancelledOut { status: "cancelled" }))
}
