//! Booking the consult from the result page, without JavaScript (`booking.md`): the
//! panel's data (a week of free slots by day, or the booked consult) and its form posts
//! (book, change, cancel) for the submission this browser's draft became. The draft's
//! cookie is what allows it: the same secret that showed the result.

use super::booking::audit_patient;
use super::browser::{cookie, same_origin, see_other};
use super::staff::Origin;
use super::AppState;
use crate::domain::booking::{local_rfc3339, DateSpan, Slot};
use crate::domain::intake::Locale;
use crate::server::bookings::{self, Actor, BookingError, Consult};
use crate::server::drafts;
use crate::server::staff::audit::Action;
use crate::shared::draft::{BookingPanel, Both, SlotChoice, SlotDay, SlotWeek};
use crate::shared::labels::{clock_time, day_with_weekday};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;
use validator::Validate;

/// Where the panel is on the result page.
const PANEL: &str = "/intake/result#consult";

/// The submission this browser's draft became, if any.
async fn submitted_intake(state: &AppState, headers: &HeaderMap) -> Result<Option<i64>, sqlx::Error> {
    let Some(token) = cookie(headers, drafts::COOKIE) else { return Ok(None) };
    Ok(drafts::find(&state.db, &token).await?.and_then(|d| d.intake_id))
}

/// "Monday, March 15, 2027 at 9:00 a.m. CDT", in both languages.
pub fn when(start: Timestamp, tz: &TimeZone) -> Both {
    let zoned = start.to_zoned(tz.clone());
    let zone = zoned.strftime("%Z").to_string();
    let words = |l: Locale, at: &str| {
        format!("{}{at}{} {zone}", day_with_weekday(zoned.date(), l), clock_time(zoned.time(), l))
    };
    Both { en: words(Locale::En, " at "), es: words(Locale::Es, ", a las ") }
}

/// The week of free slots starting on `from` (clamped to the bookable window): the
/// patient's window, or the staff's (no minimum notice).
pub(super) async fn week(
    state: &AppState,
    from: Option<Date>,
    now: Timestamp,
    staff: bool,
) -> Result<SlotWeek, sqlx::Error> {
    let tz = &state.settings.clinic_timezone;
    let window = if staff { state.settings.booking.staff_window() } else { state.settings.booking.window };
    let first = window.opens(now).to_zoned(tz.clone()).date();
    let last = window.closes(now).to_zoned(tz.clone()).date();
    let from = from.unwrap_or(first).clamp(first, last);
    let to = (from + 6.days()).min(last);
    let span = DateSpan::new(from, to).map_err(|_| sqlx::Error::Protocol("a week is a valid span".into()))?;
    let (_, free) = bookings::free_slots(&state.db, tz, span, now, &window).await?;
    let mut days: Vec<SlotDay> = Vec::new();
    let mut current: Option<Date> = None;
    for f in free {
        let zoned = f.slot.start.to_zoned(tz.clone());
        if current != Some(zoned.date()) {
            current = Some(zoned.date());
            days.push(SlotDay {
                day: Both {
                    en: day_with_weekday(zoned.date(), Locale::En),
                    es: day_with_weekday(zoned.date(), Locale::Es),
                },
                slots: Vec::new(),
            });
        }
        if let Some(day) = days.last_mut() {
            day.slots.push(SlotChoice {
                start: local_rfc3339(f.slot.start, tz),
                time: Both { en: clock_time(zoned.time(), Locale::En), es: clock_time(zoned.time(), Locale::Es) },
            });
        }
    }
    let earlier = (from > first).then(|| (from - 7.days()).max(first).to_string());
    let later = (to < last).then(|| (to + 1.day()).to_string());
    Ok(SlotWeek { days, earlier, later })
}

/// The panel for this browser's submission. `from` is the week asked for (`?week=`),
/// `change` whether the patient asked to change a booked consult.
pub async fn panel(
    state: &AppState,
    headers: &HeaderMap,
    from: Option<&str>,
    change: bool,
) -> Result<BookingPanel, sqlx::Error> {
    let Some(intake) = submitted_intake(state, headers).await? else { return Ok(BookingPanel::NotOnline) };
    let now = Timestamp::now();
    let from = from.and_then(|d| d.parse::<Date>().ok());
    if let Some(consult) = bookings::upcoming(&state.db, intake).await? {
        let may_change = state.settings.booking.may_change(now, consult.slot.start);
        let change = if change && may_change { Some(week(state, from, now, false).await?) } else { None };
        return Ok(BookingPanel::Booked {
            when: when(consult.slot.start, &state.settings.clinic_timezone),
            may_change,
            change,
        });
    }
    if !bookings::patient_may_book(&state.db, intake).await? {
        return Ok(BookingPanel::NotOnline);
    }
    Ok(BookingPanel::Choose(week(state, from, now, false).await?))
}

/// The chosen time of a booking form.
#[derive(Debug, Deserialize, Validate)]
pub struct ChosenTime {
    /// RFC 3339 as the page wrote it; anything longer is not ours.
    #[validate(length(min = 20, max = 40))]
    #[serde(default)]
    start: String,
}

impl ChosenTime {
    fn instant(&self) -> Option<Timestamp> {
        self.validate().ok()?;
        self.start.parse().ok()
    }
}

/// The page to go back to after a refusal: the panel, with the reason's code.
fn refused(code: &str) -> Response {
    see_other(&format!("/intake/result?booking={code}#consult"), &[])
}

fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "This form must be sent from the clinic's own site.").into_response()
}

fn unavailable(e: &sqlx::Error) -> Response {
    tracing::warn!(error = %e, "booking: database error");
    refused("unavailable")
}

/// The reason code shown on the panel for a refusal.
fn code_of(e: &BookingError) -> &'static str {
    use crate::domain::booking::SlotRefused;
    match e {
        BookingError::SlotTaken | BookingError::Refused(SlotRefused::OffGrid) => "taken",
        BookingError::Refused(_) => "window",
        BookingError::TooLate => "too_late",
        BookingError::AlreadyBooked => "booked",
        BookingError::NotFound => "not_online",
        BookingError::Db(_) => "unavailable",
    }
}

/// What every consult form post needs first: the clinic's own page, and the submission
/// this browser's draft became (else back to the result page, which says what is).
async fn this_submission(state: &AppState, headers: &HeaderMap) -> Result<i64, Response> {
    if !same_origin(headers) {
        return Err(forbidden());
    }
    match submitted_intake(state, headers).await {
        Ok(Some(intake)) => Ok(intake),
        Ok(None) => Err(see_other("/intake/result", &[])),
        Err(e) => Err(unavailable(&e)),
    }
}

/// What a form post about the consult needs: same origin, a submitted draft, a slot.
async fn checked_slot(
    state: &AppState,
    headers: &HeaderMap,
    form: &ChosenTime,
    now: Timestamp,
) -> Result<(i64, Slot, crate::domain::booking::Capacity), Response> {
    let intake = this_submission(state, headers).await?;
    let Some(start) = form.instant() else { return Err(refused("choose")) };
    let hours = bookings::hours(&state.db).await.map_err(|e| unavailable(&e))?;
    let tz = &state.settings.clinic_timezone;
    let slot = bookings::requested_slot(&hours, tz, start, now, &state.settings.booking, Actor::Patient)
        .map_err(|e| refused(code_of(&e.into())))?;
    Ok((intake, slot, hours.capacity))
}

/// `POST /intake/book`: books the chosen time. A second click on the same time (the
/// first already booked it) lands on the booked consult, not on an error.
pub async fn book(
    State(state): State<AppState>,
    origin: Origin,
    headers: HeaderMap,
    Form(form): Form<ChosenTime>,
) -> Response {
    let now = Timestamp::now();
    let (intake, slot, capacity) = match checked_slot(&state, &headers, &form, now).await {
        Ok(checked) => checked,
        Err(response) => return response,
    };
    match bookings::patient_may_book(&state.db, intake).await {
        Ok(true) => {}
        Ok(false) => return refused("not_online"),
        Err(e) => return unavailable(&e),
    }
    match bookings::book(&state.db, intake, slot, capacity, Actor::Patient, now).await {
        Ok(booked) => match audit_patient(&state, Action::ConsultBooked, &booked.consult, &origin).await {
            Ok(()) => see_other(PANEL, &[]),
            Err(_) => refused("unavailable"),
        },
        Err(BookingError::AlreadyBooked) => match bookings::upcoming(&state.db, intake).await {
            Ok(Some(c)) if c.slot.start == slot.start => see_other(PANEL, &[]),
            Ok(_) => refused("booked"),
            Err(e) => unavailable(&e),
        },
        Err(e) => refused(code_of(&e)),
    }
}

/// The booked consult of this browser's submission, if it may still be changed online.
async fn changeable(state: &AppState, headers: &HeaderMap, now: Timestamp) -> Result<Consult, Response> {
    let intake = this_submission(state, headers).await?;
    match bookings::upcoming(&state.db, intake).await {
        Ok(Some(c)) if state.settings.booking.may_change(now, c.slot.start) => Ok(c),
        Ok(Some(_)) => Err(refused("too_late")),
        // Cancelled meanwhile (another tab, a double click): show what is.
        Ok(None) => Err(see_other(PANEL, &[])),
        Err(e) => Err(unavailable(&e)),
    }
}

/// `POST /intake/book/change`: moves the booked consult to the chosen time.
pub async fn change(
    State(state): State<AppState>,
    origin: Origin,
    headers: HeaderMap,
    Form(form): Form<ChosenTime>,
) -> Response {
    let now = Timestamp::now();
    let consult = match changeable(&state, &headers, now).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let (_, slot, capacity) = match checked_slot(&state, &headers, &form, now).await {
        Ok(checked) => checked,
        Err(response) => return response,
    };
    match bookings::reschedule(&state.db, &consult, slot, capacity, now).await {
        Ok(moved) if moved.sequence == consult.sequence => see_other(PANEL, &[]),
        Ok(moved) => match audit_patient(&state, Action::ConsultRescheduled, &moved, &origin).await {
            Ok(()) => see_other(PANEL, &[]),
            Err(_) => refused("unavailable"),
        },
        Err(e) => refused(code_of(&e)),
    }
}

/// `POST /intake/book/cancel`: cancels the booked consult.
pub async fn cancel(State(state): State<AppState>, origin: Origin, headers: HeaderMap) -> Response {
    let now = Timestamp::now();
    let consult = match changeable(&state, &headers, now).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    match bookings::cancel(&state.db, &consult, Actor::Patient, now).await {
        Ok(cancelled) => match audit_patient(&state, Action::ConsultCancelled, &cancelled, &origin).await {
            Ok(()) => see_other("/intake/result?booking=cancelled#consult", &[]),
            Err(_) => refused("unavailable"),
        },
        Err(e) => refused(code_of(&e)),
    }
}

/// The hidden field of the e-mailed link's page.
#[derive(Debug, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    token: String,
}

/// `POST /consult`: an e-mailed booking or manage link, exchanged for a fresh secret in
/// this browser's draft cookie that opens the submission's result page with its consult
/// panel. The link keeps working until it expires (the patient may open it on another
/// device); opening it (GET) changes nothing, so mail scanners do no harm.
pub async fn open_link(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<LinkForm>) -> Response {
    if !same_origin(&headers) {
        return forbidden();
    }
    let now = Timestamp::now();
    let intake = match bookings::by_manage_token(&state.db, &form.token).await {
        Ok(Some(consult)) => Some(consult.intake_id),
        Ok(None) => match bookings::intake_for_token(&state.db, &form.token, now).await {
            Ok(found) => found,
            Err(e) => return unavailable(&e),
        },
        Err(e) => return unavailable(&e),
    };
    let Some(intake) = intake else { return see_other("/consult/expired", &[]) };
    let locale = super::browser::locale_of_request(&headers);
    match drafts::for_intake(&state.db, intake, locale.as_str()).await {
        Ok(token) => see_other(PANEL, &[super::wizard::draft_cookie(&state, &token)]),
        Err(e) => unavailable(&e),
    }
}
