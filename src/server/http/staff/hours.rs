//! The consult hours in the staff portal (`booking.md`, admins): the page's data and its
//! form posts under `/staff/hours/…`, each through `StaffPost<SetsHours>`. Input is
//! checked for length by `validator`'s derive, then by the domain's parsers
//! (`DayHours::parse`, `SlotMinutes::parse`, `Capacity::parse`) and a date today or later
//! at the clinic. A refused value goes back to the page with the domain's plain-English
//! reason and what was typed (through the session; the address carries only
//! `hours-bad`), and nothing is stored. Each change is audited (`hours_changed`, what
//! changed; no patient data) and made by the same functions as the command line
//! (`server::bookings`).

use super::audit;
use super::error::{redirect, StaffError};
use super::guard::{signed_in_as, SetsHours, StaffPost};
use super::pages::{answered, me};
use crate::domain::booking::{Capacity, DayHours, HoursError, SlotMinutes, TimeRange, Weekday};
use crate::domain::staff::Role;
use crate::server::bookings;
use crate::server::http::browser::see_other;
use crate::server::http::AppState;
use crate::server::staff::audit::Action;
use crate::shared::staff::{Gate, HoursDay, HoursExtra, HoursPage, HoursProblem};
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::Response;
use axum::Form;
use jiff::civil::Date;
use jiff::Timestamp;
use serde::Deserialize;
use tower_sessions::Session;
use validator::Validate;

type Answer = Result<Response, StaffError>;

/// The session entry holding the last refused change (`HoursProblem`).
pub const HOURS_PROBLEM: &str = "hours_problem";

/// The longest ranges text a form takes (a day of many short ranges fits).
const RANGES_MAX: u64 = 200;

const PAGE: &str = "/staff/hours";

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// `/staff/hours`: the page's data (admins). A refused change's problem is shown once.
pub async fn page(state: &AppState, parts: &Parts) -> Gate<HoursPage> {
    answered(hours_page(state, parts).await)
}

async fn hours_page(state: &AppState, parts: &Parts) -> Gate<HoursPage> {
    let (staff, session) = signed_in_as(state, parts, Role::sets_consult_hours).await?;
    let hours = bookings::hours(&state.db).await?;
    let today = state.settings.today();
    let problem = session.remove::<HoursProblem>(HOURS_PROBLEM).await.ok().flatten();
    let days = Weekday::ALL
        .iter()
        .map(|w| {
            let day = hours.day(*w);
            HoursDay {
                code: w.as_str().to_owned(),
                name: weekday_name(*w).to_owned(),
                ranges: if day.is_closed() { String::new() } else { day.to_string() },
            }
        })
        .collect();
    let mut extra: Vec<HoursExtra> = Vec::new();
    for (date, range) in hours.extra.iter().filter(|(d, _)| *d >= today) {
        match extra.last_mut() {
            Some(last) if last.date == date.to_string() => last.ranges = format!("{},{range}", last.ranges),
            _ => extra.push(HoursExtra { date: date.to_string(), ranges: range.to_string() }),
        }
    }
    Ok(HoursPage {
        me: me(state, &staff).await?,
        days,
        slot_minutes: hours.slot_minutes.get(),
        capacity: hours.capacity.get(),
        closed: hours.closed.iter().filter(|d| **d >= today).map(ToString::to_string).collect(),
        extra,
        today: today.to_string(),
        problem,
    })
}

/// Keeps the refused change in the session and sends the admin back to the page.
async fn refused(session: &Session, problem: HoursProblem) -> StaffError {
    let anchor = problem.form.clone();
    if session.insert(HOURS_PROBLEM, problem).await.is_err() {
        tracing::warn!("the reason a change of the hours was refused could not be kept in the session");
    }
    redirect(format!("{PAGE}?m=hours-bad#{anchor}"))
}

fn problem(form: &str, message: impl Into<String>, values: &[(&str, &str)]) -> HoursProblem {
    // What was typed is echoed back; an overlong value only in part.
    let keep = |v: &str| v.chars().take(RANGES_MAX as usize).collect::<String>();
    HoursProblem {
        form: form.to_owned(),
        message: message.into(),
        values: values.iter().map(|(f, v)| ((*f).to_owned(), keep(v))).collect(),
    }
}

/// A day's ranges as the form writes them: empty or `none` closes the day.
fn day_ranges(text: &str) -> Result<DayHours, HoursError> {
    if text.trim().is_empty() {
        Ok(DayHours::closed())
    } else {
        DayHours::parse(text)
    }
}

/// A date today or later at the clinic.
fn coming_date(text: &str, today: Date) -> Result<Date, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("choose a date".to_owned());
    }
    let date = text.parse::<Date>().map_err(|_| format!("{text:?} is not a date: write it like 2027-12-24"))?;
    if date < today {
        return Err(format!("{date} is in the past (today is {today} at the clinic)"));
    }
    Ok(date)
}

/// A whole number typed in a form.
fn number(text: &str, what: &str) -> Result<u32, String> {
    text.trim().parse::<u32>().map_err(|_| format!("{what}: {:?} is not a whole number", text.trim()))
}

/// One weekday's ranges.
#[derive(Debug, Deserialize, Validate)]
pub struct DayForm {
    #[validate(length(max = 3))]
    #[serde(default)]
    weekday: String,
    #[validate(length(max = "RANGES_MAX"))]
    #[serde(default)]
    ranges: String,
}

impl DayForm {
    fn parsed(&self) -> Result<(Weekday, DayHours), HoursProblem> {
        let weekday = Weekday::parse(&self.weekday).ok_or_else(|| problem("hours", "choose a weekday", &[]))?;
        let form = format!("day-{}", weekday.as_str());
        let refuse = |message: String| problem(&form, message, &[("ranges", self.ranges.as_str())]);
        if self.validate().is_err() {
            return Err(refuse(format!("too long: at most {RANGES_MAX} characters")));
        }
        Ok((weekday, day_ranges(&self.ranges).map_err(|e| refuse(e.to_string()))?))
    }
}

/// `POST /staff/hours/day`: replaces one weekday's ranges.
pub async fn set_day(State(state): State<AppState>, post: StaffPost<SetsHours>, Form(form): Form<DayForm>) -> Answer {
    let (weekday, day) = match form.parsed() {
        Ok(parsed) => parsed,
        Err(p) => return Err(refused(&post.session, p).await),
    };
    bookings::set_day(&state.db, weekday, &day, Timestamp::now()).await?;
    let detail = format!("{weekday} {day}");
    audit(&state, Some(&post.staff), Action::HoursChanged, "", &detail, &post.origin).await?;
    Ok(see_other(&format!("{PAGE}?m=hours-saved"), &[]))
}

/// The slot length and capacity.
#[derive(Debug, Deserialize, Validate)]
pub struct SlotsForm {
    #[validate(length(max = 6))]
    #[serde(default)]
    slot_minutes: String,
    #[validate(length(max = 6))]
    #[serde(default)]
    capacity: String,
}

impl SlotsForm {
    fn parsed(&self) -> Result<(SlotMinutes, Capacity), HoursProblem> {
        let refuse = |message: String| {
            problem(
                "slots",
                message,
                &[("slot_minutes", self.slot_minutes.as_str()), ("capacity", self.capacity.as_str())],
            )
        };
        if self.validate().is_err() {
            return Err(refuse("too long: write a number".to_owned()));
        }
        let minutes = number(&self.slot_minutes, "slot length").map_err(&refuse)?;
        let minutes = SlotMinutes::parse(minutes).map_err(|e| refuse(e.to_string()))?;
        let capacity = number(&self.capacity, "capacity").map_err(&refuse)?;
        let capacity = Capacity::parse(capacity).map_err(|e| refuse(e.to_string()))?;
        Ok((minutes, capacity))
    }
}

/// `POST /staff/hours/slots`: the slot length and the capacity of every slot.
pub async fn set_slots(
    State(state): State<AppState>,
    post: StaffPost<SetsHours>,
    Form(form): Form<SlotsForm>,
) -> Answer {
    let (minutes, capacity) = match form.parsed() {
        Ok(parsed) => parsed,
        Err(p) => return Err(refused(&post.session, p).await),
    };
    bookings::set_slots(&state.db, Some(minutes), Some(capacity), Timestamp::now()).await?;
    let detail = format!("slot {} minutes, capacity {}", minutes.get(), capacity.get());
    audit(&state, Some(&post.staff), Action::HoursChanged, "", &detail, &post.origin).await?;
    Ok(see_other(&format!("{PAGE}?m=hours-saved"), &[]))
}

/// A date, and for extra hours its ranges.
#[derive(Debug, Deserialize, Validate)]
pub struct DateForm {
    #[validate(length(max = 10))]
    #[serde(default)]
    date: String,
    #[validate(length(max = "RANGES_MAX"))]
    #[serde(default)]
    ranges: String,
}

impl DateForm {
    fn date(&self, form: &str, today: Date) -> Result<Date, HoursProblem> {
        let refuse =
            |message: String| problem(form, message, &[("date", self.date.as_str()), ("ranges", self.ranges.as_str())]);
        if self.validate().is_err() {
            return Err(refuse(format!("too long: a date like 2027-12-24, ranges of at most {RANGES_MAX} characters")));
        }
        coming_date(&self.date, today).map_err(refuse)
    }

    /// The date and its extra ranges (at least one).
    fn extra(&self, today: Date) -> Result<(Date, Vec<TimeRange>), HoursProblem> {
        let date = self.date("extra", today)?;
        let ranges = DayHours::parse(&self.ranges)
            .and_then(|d| if d.is_closed() { Err(HoursError::Empty) } else { Ok(d) })
            .map_err(|e| {
                problem("extra", e.to_string(), &[("date", self.date.as_str()), ("ranges", self.ranges.as_str())])
            })?;
        Ok((date, ranges.ranges().to_vec()))
    }
}

async fn changed(state: &AppState, post: &StaffPost<SetsHours>, detail: &str) -> Answer {
    audit(state, Some(&post.staff), Action::HoursChanged, "", detail, &post.origin).await?;
    Ok(see_other(&format!("{PAGE}?m=hours-saved"), &[]))
}

/// `POST /staff/hours/close`: closes a date (a holiday).
pub async fn close(State(state): State<AppState>, post: StaffPost<SetsHours>, Form(form): Form<DateForm>) -> Answer {
    let date = match form.date("close", state.settings.today()) {
        Ok(date) => date,
        Err(p) => return Err(refused(&post.session, p).await),
    };
    bookings::close_date(&state.db, date, Timestamp::now()).await?;
    changed(&state, &post, &format!("closed {date}")).await
}

/// `POST /staff/hours/reopen`: reopens a closed date.
pub async fn reopen(State(state): State<AppState>, post: StaffPost<SetsHours>, Form(form): Form<DateForm>) -> Answer {
    let date = match form.date("closed", state.settings.today()) {
        Ok(date) => date,
        Err(p) => return Err(refused(&post.session, p).await),
    };
    bookings::open_date(&state.db, date, &[], Timestamp::now()).await?;
    changed(&state, &post, &format!("reopened {date}")).await
}

/// `POST /staff/hours/extra`: one-off extra ranges on a date (which reopens it if closed).
pub async fn add_extra(
    State(state): State<AppState>,
    post: StaffPost<SetsHours>,
    Form(form): Form<DateForm>,
) -> Answer {
    let (date, ranges) = match form.extra(state.settings.today()) {
        Ok(parsed) => parsed,
        Err(p) => return Err(refused(&post.session, p).await),
    };
    bookings::open_date(&state.db, date, &ranges, Timestamp::now()).await?;
    let text: Vec<String> = ranges.iter().map(ToString::to_string).collect();
    changed(&state, &post, &format!("extra {date} {}", text.join(","))).await
}

/// `POST /staff/hours/extra/clear`: removes a date's extra ranges.
pub async fn clear_extra(
    State(state): State<AppState>,
    post: StaffPost<SetsHours>,
    Form(form): Form<DateForm>,
) -> Answer {
    let date = match form.date("extras", state.settings.today()) {
        Ok(date) => date,
        Err(p) => return Err(refused(&post.session, p).await),
    };
    bookings::clear_extra(&state.db, date).await?;
    changed(&state, &post, &format!("extra cleared {date}")).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(ranges: &str) -> DayForm {
        DayForm { weekday: "mon".into(), ranges: ranges.into() }
    }

    #[test]
    fn a_day_takes_ranges_or_nothing_and_refuses_with_the_domains_words() {
        assert_eq!(day("09:00-12:00,13:00-17:00").parsed().unwrap().1.to_string(), "09:00-12:00,13:00-17:00");
        assert!(day("").parsed().unwrap().1.is_closed());
        assert!(day("none").parsed().unwrap().1.is_closed());
        let p = day("9:00-12:00").parsed().unwrap_err();
        assert_eq!(p.form, "day-mon");
        assert!(p.message.contains("is not a time"), "{}", p.message);
        assert_eq!(p.value("day-mon", "ranges").as_deref(), Some("9:00-12:00"));
        assert!(day("12:00-09:00").parsed().unwrap_err().message.contains("the end must be after the start"));
        assert!(day("09:00-12:00,11:00-13:00").parsed().unwrap_err().message.contains("overlap"));
        assert!(day(&"09:00-09:05,".repeat(30)).parsed().unwrap_err().message.contains("too long"));
        let bad_day = DayForm { weekday: "xyz".into(), ranges: String::new() }.parsed().unwrap_err();
        assert_eq!(bad_day.message, "choose a weekday");
    }

    #[test]
    fn slots_and_capacity_are_checked_by_the_domain() {
        let form = |m: &str, c: &str| SlotsForm { slot_minutes: m.into(), capacity: c.into() }.parsed();
        let (m, c) = form("20", "3").unwrap();
        assert_eq!((m.get(), c.get()), (20, 3));
        assert!(form("30", "0").unwrap_err().message.contains("a capacity of 0"));
        assert!(form("4", "1").unwrap_err().message.contains("a slot of 4 minutes"));
        assert!(form("ten", "1").unwrap_err().message.contains("is not a whole number"));
    }

    #[test]
    fn dates_are_today_or_later() {
        let today = jiff::civil::date(2027, 3, 10);
        let form = |d: &str| DateForm { date: d.into(), ranges: String::new() };
        assert_eq!(form("2027-03-10").date("close", today).unwrap(), today);
        assert!(form("2027-03-09").date("close", today).unwrap_err().message.contains("in the past"));
        assert!(form("03/12/2027").date("close", today).unwrap_err().message.contains("is not a date"));
        assert!(form("").date("close", today).unwrap_err().message.contains("choose a date"));
        let extra = DateForm { date: "2027-03-12".into(), ranges: "none".into() }.extra(today).unwrap_err();
        assert!(extra.message.contains("no hours given"));
    }
}
