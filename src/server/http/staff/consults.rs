//! Consults on the staff side (`booking.md`): the submission page's consult panel, the
//! "book a consult" page (a week of free times without the minimum notice), the
//! calendar, and the form posts that book, move, cancel and mark consults and approve
//! self-booking. Every post goes through `StaffPost` (origin, session, role) and is
//! audited; the work is `server::bookings`.

use super::error::{redirect, StaffError};
use super::guard::{signed_in_as, ApprovesBooking, BooksConsults, StaffPost};
use super::pages::{answered, me, not_found};
use super::{audit, find_submission, Origin};
use crate::domain::booking::SlotRefused;
use crate::domain::intake::{Locale, Plan};
use crate::domain::screening::Outcome;
use crate::domain::staff::{Role, VerificationStatus, WorkflowStatus};
use crate::domain::values::Reference;
use crate::server::bookings::{self, Actor, BookingError, Consult, ConsultStatus, MailKind};
use crate::server::http::browser::see_other;
use crate::server::http::consult::when;
use crate::server::http::AppState;
use crate::server::staff::audit::Action;
use crate::server::staff::queue::local_time;
use crate::server::staff::submissions;
use crate::shared::labels::{clock_time, day_with_weekday};
use crate::shared::staff::{
    CalendarDay, CalendarRow, CalendarView, ConsultView, Gate, SelfBooking, StaffBookView, StaffConsult,
};
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::Form;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;
use sqlx::Row;
use validator::Validate;

type Answer = Result<Response, StaffError>;

fn view(c: &Consult, state: &AppState, now: Timestamp) -> ConsultView {
    ConsultView {
        id: c.id,
        when: when(c.slot.start, &state.settings.clinic_timezone).en,
        status: c.status.as_str().to_owned(),
        started: c.slot.start <= now,
    }
}

/// The consult panel of a submission page.
pub async fn panel(
    state: &AppState,
    role: Role,
    intake_id: i64,
    outcome: Outcome,
    status: WorkflowStatus,
) -> Result<StaffConsult, sqlx::Error> {
    let now = Timestamp::now();
    let all = bookings::of_intake(&state.db, intake_id).await?;
    let upcoming = all.iter().find(|c| c.status == ConsultStatus::Booked).map(|c| view(c, state, now));
    let earlier = all.iter().filter(|c| c.status != ConsultStatus::Booked).map(|c| view(c, state, now)).collect();
    let open = matches!(status, WorkflowStatus::New | WorkflowStatus::InReview | WorkflowStatus::ConsultScheduled);
    let self_booking = match (outcome, open) {
        (_, false) => SelfBooking::No,
        (Outcome::ConsultRecommended, true) => SelfBooking::Open,
        (Outcome::ClinicianReview, true) => match bookings::approval(&state.db, intake_id).await? {
            Some((by, at)) => SelfBooking::Approved { by, at: local_time(&at, &state.settings.clinic_timezone) },
            None => SelfBooking::NeedsApproval { can_approve: role.approves_self_booking() },
        },
        _ => SelfBooking::No,
    };
    Ok(StaffConsult {
        upcoming,
        earlier,
        self_booking,
        can_book: role.books_consults() && status != WorkflowStatus::Closed,
    })
}

/// `/staff/submissions/{reference}/book?week=YYYY-MM-DD`: free times to book or move to.
pub async fn book_page(
    state: &AppState,
    parts: &Parts,
    reference: &str,
    week: Option<&str>,
) -> Gate<Option<StaffBookView>> {
    answered(book_view(state, parts, reference, week).await)
}

async fn book_view(
    state: &AppState,
    parts: &Parts,
    reference: &str,
    week: Option<&str>,
) -> Gate<Option<StaffBookView>> {
    let (staff, _) = signed_in_as(state, parts, Role::books_consults).await?;
    let Ok(reference) = Reference::parse(reference) else { return Ok(not_found()) };
    let Some(found) = submissions::find(&state.db, &reference).await? else { return Ok(not_found()) };
    let now = Timestamp::now();
    let moving = bookings::upcoming(&state.db, found.id).await?.map(|c| view(&c, state, now).when);
    let from = week.and_then(|d| d.parse::<Date>().ok());
    let week = crate::server::http::consult::week(state, from, now, true).await?;
    Ok(Some(StaffBookView { me: me(state, &staff).await?, reference: reference.display(), moving, week }))
}

/// The time a staff booking form chose.
#[derive(Debug, Deserialize, Validate)]
pub struct ChosenStart {
    #[validate(length(min = 20, max = 40))]
    #[serde(default)]
    start: String,
}

/// Where a refusal sends staff back to, with its message code.
fn refusal(page: &str, e: BookingError) -> StaffError {
    let code = match e {
        BookingError::SlotTaken | BookingError::Refused(SlotRefused::OffGrid) => "slot-taken",
        BookingError::Refused(_) => "slot-outside",
        BookingError::AlreadyBooked => "already-booked",
        BookingError::NotFound | BookingError::TooLate => "consult-gone",
        BookingError::Db(e) => return e.into(),
    };
    redirect(format!("{page}?m={code}"))
}

fn audit_detail(c: &Consult) -> String {
    format!("consult {} at {}", c.id, crate::server::db::text_at(c.slot.start))
}

/// `POST /staff/submissions/{reference}/consult/book` (or to move the upcoming one):
/// the chosen start in the staff's window.
pub async fn book(
    State(state): State<AppState>,
    post: StaffPost<BooksConsults>,
    Path(reference): Path<String>,
    Form(form): Form<ChosenStart>,
) -> Answer {
    let found = find_submission(&state, &reference).await?;
    let page = format!("/staff/submissions/{}", found.reference.display());
    let book_page = format!("{page}/book");
    if found.status == WorkflowStatus::Closed {
        return Err(redirect(format!("{page}?m=consult-closed")));
    }
    let start = form.validate().ok().and_then(|()| form.start.parse::<Timestamp>().ok());
    let Some(start) = start else { return Err(redirect(format!("{book_page}?m=slot-choose"))) };
    let now = Timestamp::now();
    let hours = bookings::hours(&state.db).await?;
    let actor = Actor::Staff(post.staff.id);
    let slot =
        bookings::requested_slot(&hours, &state.settings.clinic_timezone, start, now, &state.settings.booking, actor)
            .map_err(|e| refusal(&book_page, e.into()))?;
    let (action, consult) = match bookings::upcoming(&state.db, found.id).await? {
        Some(current) => {
            let moved = bookings::reschedule(&state.db, &current, slot, hours.capacity, now)
                .await
                .map_err(|e| refusal(&book_page, e))?;
            (Action::ConsultRescheduled, moved)
        }
        None => {
            let booked = bookings::book(&state.db, found.id, slot, hours.capacity, actor, now)
                .await
                .map_err(|e| refusal(&book_page, e))?;
            (Action::ConsultBooked, booked.consult)
        }
    };
    audit(&state, Some(&post.staff), action, found.reference.compact(), &audit_detail(&consult), &post.origin).await?;
    Ok(see_other(&format!("{page}?m=consult-booked#consult"), &[]))
}

/// `POST /staff/submissions/{reference}/consult/cancel`: staff may cancel at any time
/// (the patient's online cutoff is not theirs).
pub async fn cancel(
    State(state): State<AppState>,
    post: StaffPost<BooksConsults>,
    Path(reference): Path<String>,
) -> Answer {
    let found = find_submission(&state, &reference).await?;
    let page = format!("/staff/submissions/{}", found.reference.display());
    let Some(current) = bookings::upcoming(&state.db, found.id).await? else {
        return Err(redirect(format!("{page}?m=consult-gone#consult")));
    };
    let cancelled = bookings::cancel(&state.db, &current, Actor::Staff(post.staff.id), Timestamp::now())
        .await
        .map_err(|e| refusal(&page, e))?;
    let detail = audit_detail(&cancelled);
    audit(&state, Some(&post.staff), Action::ConsultCancelled, found.reference.compact(), &detail, &post.origin)
        .await?;
    Ok(see_other(&format!("{page}?m=consult-cancelled#consult"), &[]))
}

#[derive(Debug, Deserialize)]
pub struct MarkForm {
    #[serde(default)]
    outcome: String,
}

/// `POST /staff/submissions/{reference}/consult/mark` with `outcome` attended or
/// no_show, once the consult has started.
pub async fn mark(
    State(state): State<AppState>,
    post: StaffPost<BooksConsults>,
    Path(reference): Path<String>,
    Form(form): Form<MarkForm>,
) -> Answer {
    let found = find_submission(&state, &reference).await?;
    let page = format!("/staff/submissions/{}", found.reference.display());
    let status = match form.outcome.as_str() {
        "attended" => ConsultStatus::Attended,
        "no_show" => ConsultStatus::NoShow,
        _ => return Err(redirect(format!("{page}?m=consult-bad-mark#consult"))),
    };
    let now = Timestamp::now();
    let Some(current) = bookings::upcoming(&state.db, found.id).await? else {
        return Err(redirect(format!("{page}?m=consult-gone#consult")));
    };
    if current.slot.start > now {
        return Err(redirect(format!("{page}?m=consult-not-started#consult")));
    }
    if bookings::mark(&state.db, current.id, status, now).await? {
        let detail = format!("{} {}", audit_detail(&current), status.as_str());
        audit(&state, Some(&post.staff), Action::ConsultMarked, found.reference.compact(), &detail, &post.origin)
            .await?;
    }
    Ok(see_other(&format!("{page}?m=consult-marked#consult"), &[]))
}

/// `POST /staff/submissions/{reference}/consult/approve`: a clinician lets a
/// `clinician_review` patient book online; the patient is e-mailed a booking link.
pub async fn approve(
    State(state): State<AppState>,
    post: StaffPost<ApprovesBooking>,
    Path(reference): Path<String>,
) -> Answer {
    let found = find_submission(&state, &reference).await?;
    let page = format!("/staff/submissions/{}", found.reference.display());
    if found.evaluation.outcome != Outcome::ClinicianReview {
        return Err(redirect(format!("{page}?m=consult-no-approval#consult")));
    }
    let now = Timestamp::now();
    if bookings::approve(&state.db, found.id, post.staff.id, now).await? {
        if found.answers.patient.email.is_some() {
            let dedupe = format!("approved:{}", found.id);
            bookings::queue_mail(&state.db.pool, MailKind::Approved, found.id, None, &dedupe, now).await?;
        }
        audit(&state, Some(&post.staff), Action::BookingApproved, found.reference.compact(), "", &post.origin).await?;
    }
    Ok(see_other(&format!("{page}?m=consult-approved#consult"), &[]))
}

/// `/staff/calendar?view=day|week&date=YYYY-MM-DD`: the consults of a day or a week.
pub async fn calendar(state: &AppState, parts: &Parts, view: Option<&str>, date: Option<&str>) -> Gate<CalendarView> {
    answered(calendar_view(state, parts, view, date).await)
}

async fn calendar_view(state: &AppState, parts: &Parts, view: Option<&str>, date: Option<&str>) -> Gate<CalendarView> {
    let (staff, _) = signed_in_as(state, parts, |_| true).await?;
    let tz = &state.settings.clinic_timezone;
    let week = view != Some("day");
    let first = date.and_then(|d| d.parse::<Date>().ok()).unwrap_or_else(|| state.settings.today());
    let days = if week { 7 } else { 1 };
    let last = first + days.days();
    let (Ok(from), Ok(to)) = (first.to_zoned(tz.clone()), last.to_zoned(tz.clone())) else {
        return Err(crate::shared::staff::Refusal::Unavailable);
    };
    let consults = bookings::between(&state.db, from.timestamp(), to.timestamp()).await?;
    let origin = Origin::from_parts(parts, state);
    audit(state, Some(&staff), Action::ViewCalendar, "", &format!("{first}, {} consults", consults.len()), &origin)
        .await?;
    let mut out: Vec<CalendarDay> = Vec::new();
    for c in consults.iter().filter(|c| c.status != ConsultStatus::Cancelled || !week) {
        let zoned = c.slot.start.to_zoned(tz.clone());
        let day = day_with_weekday(zoned.date(), Locale::En);
        if out.last().is_none_or(|d| d.day != day) {
            out.push(CalendarDay { day: day.clone(), rows: Vec::new() });
        }
        // The status then: the last verification saved before the booking, else the
        // status every submission starts with.
        let row = sqlx::query(
            "SELECT i.answers, i.verification_status, i.plan, (SELECT v.status FROM verifications v \
             WHERE v.intake_id = i.id AND v.created_at <= b.created_at ORDER BY v.id DESC LIMIT 1) AS booked_status \
             FROM bookings b JOIN intakes i ON i.id = b.intake_id WHERE b.id = $1",
        )
        .bind(c.id)
        .fetch_one(&state.db.pool)
        .await?;
        let stored: String = row.try_get("answers")?;
        let answers: serde_json::Value = state
            .db
            .open_value("intakes", c.intake_id, "answers", &stored)
            .ok()
            .and_then(|a| serde_json::from_str(&a).ok())
            .unwrap_or_default();
        let text = |path: &[&str]| path.iter().fold(&answers, |v, k| &v[*k]).as_str().unwrap_or_default().to_owned();
        let status = |text: &str| VerificationStatus::parse(text).unwrap_or(VerificationStatus::Unverified);
        let verification = status(&row.try_get::<String, _>("verification_status")?);
        let booked = match row.try_get::<Option<String>, _>("booked_status")? {
            Some(then) => status(&then),
            None => Plan::parse(&row.try_get::<String, _>("plan")?)
                .map_or(VerificationStatus::Unverified, VerificationStatus::initial),
        };
        if let Some(d) = out.last_mut() {
            d.rows.push(CalendarRow {
                time: clock_time(zoned.time(), Locale::En),
                reference: c.reference.display(),
                name: format!("{} {}", text(&["patient", "first_name"]), text(&["patient", "last_name"])),
                plan: text(&["insurance", "plan"]),
                verification,
                was: (booked != verification).then_some(booked),
                status: c.status.as_str().to_owned(),
            });
        }
    }
    Ok(CalendarView {
        me: me(state, &staff).await?,
        view: if week { "week" } else { "day" }.to_owned(),
        date: first.to_string(),
        previous: (first - days.days()).to_string(),
        next: last.to_string(),
        days: out,
    })
}
