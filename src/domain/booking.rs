//! Consult hours and the slots they make (`booking.md`, "Consult hours").
//!
//! The admins' weekly hours, closed dates and one-off extra ranges, each parsed into a
//! type that can only hold a valid value; then the slots a patient may book between two
//! dates, as UTC instants, and whether a requested start is one of them.
//!
//! Pure: the clock (`now`) and the clinic's time zone are passed in, so the domain never
//! reads the system's time or tz database (the browser build has none) and every
//! daylight-saving case is tested with fixed instants. Storage, the API and the command
//! line build on these.
//!
//! How slots meet daylight saving (the spec: "a range that a daylight-saving change cuts
//! short loses the slots that do not exist; no slot is ever listed twice"):
//! - Slots are laid on the clinic's wall clock from each range's start, as staff read
//!   their hours: 09:00, 09:30, … A slot's local start that the clock skips (spring
//!   forward) does not exist, so the slot is dropped.
//! - A local start the clock shows twice (fall back) means its first occurrence, so each
//!   local start is listed once; the repeated hour itself gets no second set of slots.
//! - A slot lasts `slot_minutes` of real time (a consult does not get shorter or longer
//!   because the clock changes), and a slot during which the clock changes is dropped: its
//!   local end would not be its start plus its length. A change exactly at a slot's end is
//!   fine (01:30–02:00 on the spring-forward night ends at 03:00 CDT, the same instant).
//! - Together these make every listed slot's real interval show on the wall clock as
//!   exactly its local interval, and the local intervals of a day never overlap, so no two
//!   slots overlap in real time and none is listed twice.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeSet;
use std::fmt;

crate::choice_enum! {
    /// A day of the week, with the codes of the command line (`hours set --weekday mon`).
    pub enum Weekday {
        Mon = "mon",
        Tue = "tue",
        Wed = "wed",
        Thu = "thu",
        Fri = "fri",
        Sat = "sat",
        Sun = "sun",
    }
}

impl Weekday {
    /// The weekday of a date.
    pub fn of(date: Date) -> Self {
        Self::ALL[usize::from(date.weekday().to_monday_zero_offset().unsigned_abs())]
    }

    /// Monday 0 … Sunday 6: the index into `ConsultHours::weekly`.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Why a setting of the consult hours was refused, in plain English for the admin who
/// typed it (the command line prints it; the staff portal shows it beside the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("no hours given: write ranges like 09:00-12:00,13:00-17:00, or none to close the day")]
    Empty,
    #[error("{0:?} is not a range: write a start and an end like 09:00-12:00")]
    NotARange(String),
    #[error("{0:?} is not a time: write hours and minutes with two digits each, like 09:00")]
    NotATime(String),
    #[error("{0:?}: the hour must be 00 to 23")]
    Hour(String),
    #[error("{0:?}: the minutes must be 00 to 59")]
    Minute(String),
    #[error("{0}: the end must be after the start")]
    EndNotAfterStart(String),
    #[error("{0} and {1} overlap")]
    Overlap(TimeRange, TimeRange),
    #[error("a slot of {0} minutes: it must be {min} to {max}", min = SlotMinutes::MIN, max = SlotMinutes::MAX)]
    SlotMinutes(u32),
    #[error("a capacity of {0}: it must be {min} to {max} consults at once", min = Capacity::MIN, max = Capacity::MAX)]
    Capacity(u32),
    #[error("a minimum notice of {0} hours: it must be 0 to {max}", max = NoticeHours::MAX)]
    NoticeHours(u32),
    #[error("a horizon of {0} days: it must be 1 to {max}", max = HorizonDays::MAX)]
    HorizonDays(u32),
}

/// A time of day written `HH:MM` (24-hour, two digits each). "9:00" is refused rather
/// than guessed at: the hours are a public contract and one spelling keeps them readable.
fn parse_time(text: &str) -> Result<Time, HoursError> {
    let b = text.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if b.len() != 5 || b[2] != b':' || !digits(&b[..2]) || !digits(&b[3..]) {
        return Err(HoursError::NotATime(text.to_owned()));
    }
    let number = |s: &[u8]| (s[0] - b'0') * 10 + (s[1] - b'0');
    let (hour, minute) = (number(&b[..2]), number(&b[3..]));
    if hour > 23 {
        return Err(HoursError::Hour(text.to_owned()));
    }
    if minute > 59 {
        return Err(HoursError::Minute(text.to_owned()));
    }
    // Both checked just above, so they fit an i8 and make a valid time.
    Ok(Time::constant(hour as i8, minute as i8, 0, 0))
}

/// A range of the clinic's wall-clock time on one day, start before end, whole minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeRange {
    start: Time,
    end: Time,
}

impl TimeRange {
    /// `"09:00-12:00"`; spaces around the times are allowed.
    pub fn parse(text: &str) -> Result<Self, HoursError> {
        let text = text.trim();
        let Some((start, end)) = text.split_once('-') else {
            return Err(HoursError::NotARange(text.to_owned()));
        };
        if end.contains('-') {
            return Err(HoursError::NotARange(text.to_owned()));
        }
        let (start, end) = (parse_time(start.trim())?, parse_time(end.trim())?);
        Self::new(start, end).ok_or_else(|| HoursError::EndNotAfterStart(text.to_owned()))
    }

    /// A range from two times; `None` unless the start is before the end and both are
    /// whole minutes.
    pub fn new(start: Time, end: Time) -> Option<Self> {
        let whole = |t: Time| t.second() == 0 && t.subsec_nanosecond() == 0;
        (start < end && whole(start) && whole(end)).then_some(Self { start, end })
    }

    pub fn start(self) -> Time {
        self.start
    }

    pub fn end(self) -> Time {
        self.end
    }

    fn overlaps(self, other: Self) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start.strftime("%H:%M"), self.end.strftime("%H:%M"))
    }
}

/// The ranges of one weekday, sorted and never overlapping; empty when the day is closed.
///
/// Ranges that touch (`09:00-12:00,12:00-13:00`) are allowed and kept apart: slots are
/// laid from each range's own start, so an admin can restart the grid after a break
/// that has no length (`09:00-10:45,10:45-12:00` with 30-minute slots).
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct DayHours(Vec<TimeRange>);

impl DayHours {
    /// `"09:00-12:00,13:00-17:00"` in any order, or `"none"`.
    pub fn parse(text: &str) -> Result<Self, HoursError> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("none") {
            return Ok(Self::closed());
        }
        if text.is_empty() {
            return Err(HoursError::Empty);
        }
        let ranges = text.split(',').map(TimeRange::parse).collect::<Result<Vec<_>, _>>()?;
        Self::new(ranges)
    }

    /// The day's ranges in any order; refused when two overlap.
    pub fn new(mut ranges: Vec<TimeRange>) -> Result<Self, HoursError> {
        ranges.sort();
        if let Some(pair) = ranges.windows(2).find(|w| w[0].overlaps(w[1])) {
            return Err(HoursError::Overlap(pair[0], pair[1]));
        }
        Ok(Self(ranges))
    }

    pub fn closed() -> Self {
        Self(Vec::new())
    }

    pub fn ranges(&self) -> &[TimeRange] {
        &self.0
    }

    pub fn is_closed(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for DayHours {
    /// The form `parse` reads back: `09:00-12:00,13:00-17:00` or `none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (i, range) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{range}")?;
        }
        Ok(())
    }
}

/// The length of a slot: 5 to 240 minutes. Any value in the range is allowed: a range
/// that is not a multiple of it simply ends with time no slot fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SlotMinutes(u32);

impl SlotMinutes {
    pub const MIN: u32 = 5;
    pub const MAX: u32 = 240;

    pub fn parse(n: u32) -> Result<Self, HoursError> {
        (Self::MIN..=Self::MAX).contains(&n).then_some(Self(n)).ok_or(HoursError::SlotMinutes(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    fn duration(self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.0))
    }
}

impl Default for SlotMinutes {
    /// The spec's default: 30 minutes.
    fn default() -> Self {
        Self(30)
    }
}

/// How many consults can run in one slot at once: 1 to 20.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Capacity(u32);

impl Capacity {
    pub const MIN: u32 = 1;
    pub const MAX: u32 = 20;

    pub fn parse(n: u32) -> Result<Self, HoursError> {
        (Self::MIN..=Self::MAX).contains(&n).then_some(Self(n)).ok_or(HoursError::Capacity(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for Capacity {
    /// The spec's default: one consult at a time.
    fn default() -> Self {
        Self(1)
    }
}

/// The clinic's consult hours. Every part is valid by construction, so any combination
/// is: an extra range may overlap the weekly hours or another extra range (the date's
/// hours are then their union), and a closed date wins over its extra ranges.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConsultHours {
    /// Indexed Monday 0 … Sunday 6 (`Weekday`); see `day`.
    pub weekly: [DayHours; 7],
    pub slot_minutes: SlotMinutes,
    pub capacity: Capacity,
    pub closed: BTreeSet<Date>,
    pub extra: Vec<(Date, TimeRange)>,
}

impl ConsultHours {
    pub fn day(&self, weekday: Weekday) -> &DayHours {
        &self.weekly[weekday.index()]
    }

    pub fn set_day(&mut self, weekday: Weekday, hours: DayHours) {
        self.weekly[weekday.index()] = hours;
    }

    /// The ranges open on a date: none when it is closed, else its weekday's ranges and
    /// its extra ranges, overlapping ones merged (so their slots cannot overlap). Touching
    /// ranges stay apart, as in `DayHours`.
    fn ranges_on(&self, date: Date) -> Vec<TimeRange> {
        if self.closed.contains(&date) {
            return Vec::new();
        }
        let mut ranges: Vec<TimeRange> = self.day(Weekday::of(date)).ranges().to_vec();
        ranges.extend(self.extra.iter().filter(|(d, _)| *d == date).map(|(_, r)| *r));
        ranges.sort();
        let mut merged: Vec<TimeRange> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match merged.last_mut() {
                Some(last) if last.overlaps(range) => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        merged
    }
}

/// `BOOKING_MIN_NOTICE_HOURS`: 0 to 720 (30 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NoticeHours(u32);

impl NoticeHours {
    pub const MAX: u32 = 720;

    pub fn parse(n: u32) -> Result<Self, HoursError> {
        (n <= Self::MAX).then_some(Self(n)).ok_or(HoursError::NoticeHours(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// `BOOKING_HORIZON_DAYS`: 1 to 730 (two years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HorizonDays(u32);

impl HorizonDays {
    pub const MAX: u32 = 730;

    pub fn parse(n: u32) -> Result<Self, HoursError> {
        (1..=Self::MAX).contains(&n).then_some(Self(n)).ok_or(HoursError::HorizonDays(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// The bookable window: a slot may start from `min_notice` after now until (not
/// including) `horizon` days of 24 hours after now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub min_notice: NoticeHours,
    pub horizon: HorizonDays,
}

impl Default for Window {
    /// The spec's defaults: 24 hours' notice, 60 days ahead.
    fn default() -> Self {
        Self { min_notice: NoticeHours(24), horizon: HorizonDays(60) }
    }
}

impl Window {
    /// The first instant a slot may start at.
    pub fn opens(&self, now: Timestamp) -> Timestamp {
        now + SignedDuration::from_hours(i64::from(self.min_notice.0))
    }

    /// The instant from which no slot may start.
    pub fn closes(&self, now: Timestamp) -> Timestamp {
        now + SignedDuration::from_hours(24 * i64::from(self.horizon.0))
    }

    pub fn contains(&self, now: Timestamp, start: Timestamp) -> bool {
        self.opens(now) <= start && start < self.closes(now)
    }
}

/// The bookable window and how late a patient may still change a consult online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BookingPolicy {
    pub window: Window,
    /// `BOOKING_CHANGE_CUTOFF_HOURS`: default 24.
    pub change_cutoff: NoticeHours,
}

impl Default for NoticeHours {
    /// 24 hours: the spec's default notice and change cutoff.
    fn default() -> Self {
        Self(24)
    }
}

impl BookingPolicy {
    /// Whether a patient may still reschedule or cancel a consult starting at `start`
    /// (staff always may).
    pub fn may_change(&self, now: Timestamp, start: Timestamp) -> bool {
        now + SignedDuration::from_hours(i64::from(self.change_cutoff.0)) <= start
    }

    /// The window staff book in: the patient's horizon, without the minimum notice (a
    /// patient on the phone may take this afternoon's free slot).
    pub fn staff_window(&self) -> Window {
        Window { min_notice: NoticeHours(0), horizon: self.window.horizon }
    }
}

/// A consult slot: from `start` to `end`, UTC instants, `slot_minutes` apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    pub start: Timestamp,
    pub end: Timestamp,
}

/// The slots of one date, sorted, whatever the window. See the module's comment for the
/// daylight-saving rules.
fn day_slots(hours: &ConsultHours, tz: &TimeZone, date: Date) -> Vec<Slot> {
    let length = hours.slot_minutes.duration();
    let mut slots = Vec::new();
    for range in hours.ranges_on(date) {
        let end = date.to_datetime(range.end);
        let mut local = date.to_datetime(range.start);
        // Ranges end by 23:59, so `local + length` stays within a day or two of `date`.
        while let Some(local_end) = local.checked_add(length).ok().filter(|e| *e <= end) {
            if let Some(slot) = slot_from_local(tz, local, length) {
                slots.push(slot);
            }
            local = local_end;
        }
    }
    slots.sort();
    slots.dedup();
    slots
}

/// The slot starting at the local time `local`, if it exists and the clock does not
/// change during it.
fn slot_from_local(tz: &TimeZone, local: DateTime, length: SignedDuration) -> Option<Slot> {
    let offset = match tz.to_ambiguous_timestamp(local).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset,
        // Skipped by the clock (spring forward): this slot does not exist.
        AmbiguousOffset::Gap { .. } => return None,
        // Shown twice (fall back): the first occurrence, so it is listed once.
        AmbiguousOffset::Fold { before, .. } => before,
    };
    let start = offset.to_timestamp(local).ok()?;
    let end = start.checked_add(length).ok()?;
    // A change strictly inside the slot would make its wall-clock end differ from its
    // start plus its length, and could make it overlap the next slot.
    let changes_inside = tz.following(start).next().is_some_and(|t| t.timestamp() < end);
    (!changes_inside).then_some(Slot { start, end })
}

/// The slots starting on the dates `from` to `to` (both included, in the clinic's zone)
/// that are in the bookable window at `now`, sorted by start, none twice.
pub fn slots(hours: &ConsultHours, tz: &TimeZone, from: Date, to: Date, now: Timestamp, window: &Window) -> Vec<Slot> {
    // Dates outside the window cannot hold a bookable slot: skipping them bounds the
    // work whatever dates are asked for. A day either side covers any zone's offset.
    let (Ok(first), Ok(last)) = (
        window.opens(now).to_zoned(tz.clone()).date().yesterday(),
        window.closes(now).to_zoned(tz.clone()).date().tomorrow(),
    ) else {
        return Vec::new();
    };
    let (from, to) = (from.max(first), to.min(last));
    let mut slots = Vec::new();
    let mut date = from;
    while date <= to {
        slots.extend(day_slots(hours, tz, date).into_iter().filter(|s| window.contains(now, s.start)));
        match date.tomorrow() {
            Ok(next) => date = next,
            Err(_) => break,
        }
    }
    slots.sort();
    slots.dedup_by_key(|s| s.start);
    slots
}

/// Why a requested start cannot be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SlotRefused {
    /// Within the consult hours of its date but never the start of a slot (between
    /// slots, seconds off, a time the clock skipped or the second of a repeated time).
    #[error("this time is not the start of a consult slot")]
    OffGrid,
    /// Outside the consult hours: a closed weekday or date, before opening, from closing.
    #[error("this time is outside the consult hours")]
    OutsideHours,
    /// A slot, but too soon or too far ahead to book now.
    #[error("this slot is outside the bookable window")]
    OutsideWindow,
}

/// The slot that starts at `start`, if it is one and is bookable at `now`. Whether it is a
/// slot is asked first: a time that is never a slot is refused as such, however near.
pub fn slot_at(
    hours: &ConsultHours,
    tz: &TimeZone,
    start: Timestamp,
    now: Timestamp,
    window: &Window,
) -> Result<Slot, SlotRefused> {
    // A slot's start shows on the wall clock on the date it was made for (see the
    // module's comment), so that date's slots are the only candidates.
    let local = start.to_zoned(tz.clone()).datetime();
    let date = local.date();
    let Some(slot) = day_slots(hours, tz, date).into_iter().find(|s| s.start == start) else {
        let open = hours.ranges_on(date).iter().any(|r| r.start <= local.time() && local.time() < r.end);
        return Err(if open { SlotRefused::OffGrid } else { SlotRefused::OutsideHours });
    };
    if window.contains(now, slot.start) {
        Ok(slot)
    } else {
        Err(SlotRefused::OutsideWindow)
    }
}

/// Dates asked for by the API (`GET /api/v1/slots?from=…&to=…`): at most 31 days,
/// both ends included, `from` not after `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    from: Date,
    to: Date,
}

/// Why a span of dates was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SpanError {
    #[error("`from` is after `to`")]
    Reversed,
    #[error("{days} days asked for: at most {max}", max = DateSpan::MAX_DAYS)]
    TooLong { days: i64 },
}

impl DateSpan {
    pub const MAX_DAYS: i64 = 31;

    pub fn new(from: Date, to: Date) -> Result<Self, SpanError> {
        if from > to {
            return Err(SpanError::Reversed);
        }
        // Whole days between two civil dates; `Date - Date` counts calendar days.
        let days = i64::from((to - from).get_days()) + 1;
        if days > Self::MAX_DAYS {
            return Err(SpanError::TooLong { days });
        }
        Ok(Self { from, to })
    }

    pub fn from(self) -> Date {
        self.from
    }

    pub fn to(self) -> Date {
        self.to
    }
}

/// An instant in RFC 3339 with the clinic's offset at that instant, seconds included:
/// `2027-03-15T09:00:00-05:00` (the API's shape; any offset is accepted back).
pub fn local_rfc3339(ts: Timestamp, tz: &TimeZone) -> String {
    ts.display_with_offset(tz.to_offset(ts)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn chicago() -> TimeZone {
        TimeZone::get("America/Chicago").unwrap()
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn range(text: &str) -> TimeRange {
        TimeRange::parse(text).unwrap()
    }

    /// Hours open on one weekday only.
    fn open(weekday: Weekday, ranges: &str, minutes: u32) -> ConsultHours {
        let mut hours = ConsultHours { slot_minutes: SlotMinutes::parse(minutes).unwrap(), ..Default::default() };
        hours.set_day(weekday, DayHours::parse(ranges).unwrap());
        hours
    }

    /// Long before every date the tests ask for, with a window that reaches them all.
    fn early() -> Timestamp {
        ts("2027-01-01T00:00:00Z")
    }

    fn whole_year() -> Window {
        Window { min_notice: NoticeHours(0), horizon: HorizonDays(730) }
    }

    fn on(hours: &ConsultHours, day: Date) -> Vec<Slot> {
        slots(hours, &chicago(), day, day, early(), &whole_year())
    }

    /// Slots as their local start and end, for reading against the spec.
    fn local(slots: &[Slot]) -> Vec<String> {
        let tz = chicago();
        slots.iter().map(|s| format!("{} {}", local_rfc3339(s.start, &tz), local_rfc3339(s.end, &tz))).collect()
    }

    #[test]
    fn ranges_parse_as_two_digit_24_hour_times_start_before_end() {
        let r = range("09:00-12:00");
        assert_eq!((r.start(), r.end()), (Time::constant(9, 0, 0, 0), Time::constant(12, 0, 0, 0)));
        assert_eq!(range(" 13:00 - 17:30 ").to_string(), "13:00-17:30");
        assert_eq!(range("00:00-23:59").to_string(), "00:00-23:59");
        use HoursError::*;
        let cases = [
            ("9:00-12:00", NotATime("9:00".into())),
            ("12:00-09:00", EndNotAfterStart("12:00-09:00".into())),
            ("09:00-09:00", EndNotAfterStart("09:00-09:00".into())),
            ("25:00-26:00", Hour("25:00".into())),
            ("09:60-10:00", Minute("09:60".into())),
            ("24:00-24:00", Hour("24:00".into())),
            ("0900", NotARange("0900".into())),
            ("09:00-10:00-11:00", NotARange("09:00-10:00-11:00".into())),
            ("09:00-", NotATime("".into())),
            ("09:00:00-10:00", NotATime("09:00:00".into())),
            ("+9:00-10:00", NotATime("+9:00".into())),
        ];
        for (text, error) in cases {
            assert_eq!(TimeRange::parse(text), Err(error), "{text}");
        }
    }

    #[test]
    fn errors_say_what_is_wrong_in_plain_english() {
        assert_eq!(
            TimeRange::parse("9:00-12:00").unwrap_err().to_string(),
            "\"9:00\" is not a time: write hours and minutes with two digits each, like 09:00"
        );
        assert_eq!(
            TimeRange::parse("12:00-09:00").unwrap_err().to_string(),
            "12:00-09:00: the end must be after the start"
        );
        assert_eq!(
            DayHours::parse("09:00-12:00,11:00-13:00").unwrap_err().to_string(),
            "09:00-12:00 and 11:00-13:00 overlap"
        );
        assert_eq!(SlotMinutes::parse(4).unwrap_err().to_string(), "a slot of 4 minutes: it must be 5 to 240");
        assert_eq!(Capacity::parse(0).unwrap_err().to_string(), "a capacity of 0: it must be 1 to 20 consults at once");
    }

    #[test]
    fn a_day_is_sorted_ranges_or_none_and_overlaps_are_refused() {
        let day = DayHours::parse("13:00-17:00,09:00-12:00").unwrap();
        assert_eq!(day.ranges(), [range("09:00-12:00"), range("13:00-17:00")]);
        assert_eq!(day.to_string(), "09:00-12:00,13:00-17:00");
        assert!(DayHours::parse("none").unwrap().is_closed());
        assert!(DayHours::parse(" None ").unwrap().is_closed());
        assert_eq!(DayHours::parse("none").unwrap().to_string(), "none");
        assert_eq!(DayHours::parse(""), Err(HoursError::Empty));
        assert_eq!(
            DayHours::parse("09:00-12:00,11:00-13:00"),
            Err(HoursError::Overlap(range("09:00-12:00"), range("11:00-13:00")))
        );
        assert_eq!(
            DayHours::parse("11:00-13:00,09:00-12:00"),
            Err(HoursError::Overlap(range("09:00-12:00"), range("11:00-13:00"))),
            "out of order, still an overlap"
        );
        assert!(DayHours::parse("09:00-12:00,09:00-12:00").is_err(), "the same range twice");
        assert!(DayHours::parse("10:00-11:00,09:00-12:00").is_err(), "one inside the other");
        assert!(DayHours::parse("09:00-12:00,").is_err(), "an empty range");
        // Touching ranges are kept apart: slots restart at the second one's start.
        let touching = DayHours::parse("12:00-13:00,09:00-12:00").unwrap();
        assert_eq!(touching.ranges(), [range("09:00-12:00"), range("12:00-13:00")]);
    }

    #[test]
    fn slot_minutes_capacity_and_window_settings_have_their_ranges() {
        for n in [0, 4, 241] {
            assert_eq!(SlotMinutes::parse(n), Err(HoursError::SlotMinutes(n)));
        }
        assert_eq!(SlotMinutes::parse(5).map(SlotMinutes::get), Ok(5));
        assert_eq!(SlotMinutes::parse(240).map(SlotMinutes::get), Ok(240));
        assert_eq!(SlotMinutes::parse(7).map(SlotMinutes::get), Ok(7), "any length in range");
        assert_eq!(Capacity::parse(0), Err(HoursError::Capacity(0)));
        assert_eq!(Capacity::parse(21), Err(HoursError::Capacity(21)));
        assert_eq!(Capacity::parse(20).map(Capacity::get), Ok(20));
        assert_eq!(NoticeHours::parse(0).map(NoticeHours::get), Ok(0));
        assert_eq!(NoticeHours::parse(721), Err(HoursError::NoticeHours(721)));
        assert_eq!(HorizonDays::parse(0), Err(HoursError::HorizonDays(0)));
        assert_eq!(HorizonDays::parse(730).map(HorizonDays::get), Ok(730));
        assert_eq!(HorizonDays::parse(731), Err(HoursError::HorizonDays(731)));
        let defaults = (SlotMinutes::default().get(), Capacity::default().get(), Window::default());
        assert_eq!(defaults, (30, 1, Window { min_notice: NoticeHours(24), horizon: HorizonDays(60) }));
    }

    #[test]
    fn weekdays_use_the_command_line_codes() {
        assert_eq!(Weekday::parse("mon"), Some(Weekday::Mon));
        assert_eq!(Weekday::parse("Monday"), None);
        assert_eq!(Weekday::of(date(2027, 3, 15)), Weekday::Mon);
        assert_eq!(Weekday::of(date(2027, 3, 14)), Weekday::Sun);
        assert_eq!(Weekday::of(date(2027, 3, 20)), Weekday::Sat);
    }

    #[test]
    fn a_winter_monday_morning_is_six_slots_at_cst() {
        let hours = open(Weekday::Mon, "09:00-12:00", 30);
        let slots = on(&hours, date(2027, 1, 11));
        assert_eq!(slots.len(), 6);
        assert_eq!(slots[0], Slot { start: ts("2027-01-11T15:00:00Z"), end: ts("2027-01-11T15:30:00Z") });
        assert_eq!(slots[5], Slot { start: ts("2027-01-11T17:30:00Z"), end: ts("2027-01-11T18:00:00Z") });
        assert_eq!(local_rfc3339(slots[0].start, &chicago()), "2027-01-11T09:00:00-06:00");
    }

    #[test]
    fn a_summer_monday_morning_is_six_slots_at_cdt() {
        let hours = open(Weekday::Mon, "09:00-12:00", 30);
        let slots = on(&hours, date(2027, 3, 15));
        assert_eq!(slots.len(), 6);
        assert_eq!(slots[0], Slot { start: ts("2027-03-15T14:00:00Z"), end: ts("2027-03-15T14:30:00Z") });
        assert_eq!(local(&slots[5..]), ["2027-03-15T11:30:00-05:00 2027-03-15T12:00:00-05:00"]);
        // Other days of that week are closed.
        assert!(on(&hours, date(2027, 3, 16)).is_empty());
    }

    #[test]
    fn two_ranges_make_slots_in_both_and_none_in_the_break() {
        let hours = open(Weekday::Mon, "09:00-12:00,13:00-17:00", 60);
        let slots = local(&on(&hours, date(2027, 3, 15)));
        let starts: Vec<&str> = slots.iter().map(|s| &s[11..16]).collect();
        assert_eq!(starts, ["09:00", "10:00", "11:00", "13:00", "14:00", "15:00", "16:00"]);
    }

    #[test]
    fn a_range_not_a_multiple_of_the_slot_ends_with_the_last_whole_slot() {
        let hours = open(Weekday::Mon, "09:00-10:45", 30);
        let slots = local(&on(&hours, date(2027, 3, 15)));
        assert_eq!(slots.len(), 3);
        assert_eq!(slots[2], "2027-03-15T10:00:00-05:00 2027-03-15T10:30:00-05:00");
    }

    #[test]
    fn touching_ranges_each_lay_their_own_slots() {
        let hours = open(Weekday::Mon, "09:00-10:45,10:45-12:00", 30);
        let slots = local(&on(&hours, date(2027, 3, 15)));
        let starts: Vec<&str> = slots.iter().map(|s| &s[11..16]).collect();
        assert_eq!(starts, ["09:00", "09:30", "10:00", "10:45", "11:15"]);
    }

    #[test]
    fn a_closed_date_has_no_slots_even_with_an_extra_range() {
        let mut hours = open(Weekday::Mon, "09:00-12:00", 30);
        hours.closed.insert(date(2027, 3, 15));
        hours.extra.push((date(2027, 3, 15), range("13:00-14:00")));
        assert!(on(&hours, date(2027, 3, 15)).is_empty());
        assert_eq!(on(&hours, date(2027, 3, 22)).len(), 6, "the next Monday is open");
    }

    #[test]
    fn an_extra_range_opens_a_sunday_and_merges_with_the_weekly_hours() {
        let mut hours = open(Weekday::Mon, "09:00-12:00", 30);
        hours.extra.push((date(2027, 3, 21), range("10:00-11:00")));
        let sunday = local(&on(&hours, date(2027, 3, 21)));
        assert_eq!(
            sunday,
            [
                "2027-03-21T10:00:00-05:00 2027-03-21T10:30:00-05:00",
                "2027-03-21T10:30:00-05:00 2027-03-21T11:00:00-05:00"
            ]
        );
        assert!(on(&hours, date(2027, 3, 28)).is_empty(), "only on its date");
        // Overlapping the weekly hours: their union, laid from its start, nothing twice.
        hours.extra.push((date(2027, 3, 15), range("11:15-13:00")));
        let monday = local(&on(&hours, date(2027, 3, 15)));
        let starts: Vec<&str> = monday.iter().map(|s| &s[11..16]).collect();
        assert_eq!(starts, ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30"]);
    }

    #[test]
    fn spring_forward_loses_the_slots_the_clock_skips() {
        // Sunday 2027-03-14: at 02:00 CST the clock jumps to 03:00 CDT.
        let hours = open(Weekday::Sun, "01:00-04:00", 30);
        let slots = on(&hours, date(2027, 3, 14));
        assert_eq!(
            local(&slots),
            [
                "2027-03-14T01:00:00-06:00 2027-03-14T01:30:00-06:00",
                // Ends as the clock jumps: 02:00 CST is 03:00 CDT.
                "2027-03-14T01:30:00-06:00 2027-03-14T03:00:00-05:00",
                "2027-03-14T03:00:00-05:00 2027-03-14T03:30:00-05:00",
                "2027-03-14T03:30:00-05:00 2027-03-14T04:00:00-05:00",
            ]
        );
        assert_eq!(slots[1].end, slots[2].start, "back to back, no overlap");
        // A slot the change falls inside is dropped: 01:30-02:30 partly never happens.
        let hourly = open(Weekday::Sun, "00:30-04:30", 60);
        let starts: Vec<String> = local(&on(&hourly, date(2027, 3, 14))).iter().map(|s| s[11..16].to_owned()).collect();
        assert_eq!(starts, ["00:30", "03:30"]);
    }

    #[test]
    fn fall_back_lists_each_repeated_time_once_at_its_first_occurrence() {
        // Sunday 2027-11-07: at 02:00 CDT the clock goes back to 01:00 CST.
        let hours = open(Weekday::Sun, "00:30-03:00", 30);
        let slots = on(&hours, date(2027, 11, 7));
        assert_eq!(
            local(&slots),
            [
                "2027-11-07T00:30:00-05:00 2027-11-07T01:00:00-05:00",
                "2027-11-07T01:00:00-05:00 2027-11-07T01:30:00-05:00",
                "2027-11-07T01:30:00-05:00 2027-11-07T01:00:00-06:00",
                "2027-11-07T02:00:00-06:00 2027-11-07T02:30:00-06:00",
                "2027-11-07T02:30:00-06:00 2027-11-07T03:00:00-06:00",
            ]
        );
        assert!(slots.windows(2).all(|w| w[0].end <= w[1].start), "no overlap");
        // A slot the change falls inside is dropped (01:00 CDT + 90 min crosses it).
        let long = open(Weekday::Sun, "01:00-04:00", 90);
        assert_eq!(local(&on(&long, date(2027, 11, 7))), ["2027-11-07T02:30:00-06:00 2027-11-07T04:00:00-06:00"]);
    }

    #[test]
    fn weekdays_around_each_change_have_the_right_offsets() {
        let mut hours = open(Weekday::Fri, "09:00-09:30", 30);
        hours.set_day(Weekday::Mon, DayHours::parse("09:00-09:30").unwrap());
        let first = |d: Date| local_rfc3339(on(&hours, d)[0].start, &chicago());
        assert_eq!(first(date(2027, 3, 12)), "2027-03-12T09:00:00-06:00", "Friday before spring forward");
        assert_eq!(first(date(2027, 3, 15)), "2027-03-15T09:00:00-05:00", "Monday after");
        assert_eq!(first(date(2027, 11, 5)), "2027-11-05T09:00:00-05:00", "Friday before fall back");
        assert_eq!(first(date(2027, 11, 8)), "2027-11-08T09:00:00-06:00", "Monday after");
    }

    #[test]
    fn the_window_needs_the_notice_and_stops_at_the_horizon() {
        let hours = open(Weekday::Mon, "09:00-10:00", 60);
        let monday = date(2027, 3, 15);
        let slot = ts("2027-03-15T14:00:00Z");
        let window = Window::default();
        let ahead = |h: i64| slot - SignedDuration::from_hours(h);
        assert!(slots(&hours, &chicago(), monday, monday, ahead(23), &window).is_empty(), "23 h ahead");
        assert_eq!(slots(&hours, &chicago(), monday, monday, ahead(24), &window).len(), 1, "exactly 24 h");
        assert_eq!(slots(&hours, &chicago(), monday, monday, ahead(25), &window).len(), 1, "25 h ahead");
        // The horizon: 60 days of 24 hours; a slot exactly at it is out.
        assert_eq!(slots(&hours, &chicago(), monday, monday, ahead(60 * 24 - 1), &window).len(), 1);
        assert!(slots(&hours, &chicago(), monday, monday, ahead(60 * 24), &window).is_empty());
        // Over many weeks, only the Mondays within the window.
        let now = ts("2027-03-01T12:00:00Z");
        let listed = slots(&hours, &chicago(), date(2027, 1, 1), date(2027, 12, 31), now, &window);
        assert_eq!(listed.first().map(|s| s.start), Some(ts("2027-03-08T15:00:00Z")));
        assert_eq!(listed.last().map(|s| s.start), Some(ts("2027-04-26T14:00:00Z")));
        assert_eq!(listed.len(), 8);
    }

    #[test]
    fn slots_are_sorted_across_dates_and_an_empty_span_has_none() {
        let mut hours = open(Weekday::Mon, "09:00-10:00", 30);
        hours.set_day(Weekday::Tue, DayHours::parse("08:00-09:00").unwrap());
        let listed = slots(&hours, &chicago(), date(2027, 3, 15), date(2027, 3, 23), early(), &whole_year());
        assert_eq!(listed.len(), 8);
        assert!(listed.windows(2).all(|w| w[0].start < w[1].start));
        assert!(slots(&hours, &chicago(), date(2027, 3, 16), date(2027, 3, 15), early(), &whole_year()).is_empty());
    }

    #[test]
    fn slot_at_accepts_a_slot_start_in_any_offset() {
        let hours = open(Weekday::Mon, "09:00-12:00", 30);
        let now = ts("2027-03-01T00:00:00Z");
        let window = Window::default();
        let expected = Slot { start: ts("2027-03-15T14:00:00Z"), end: ts("2027-03-15T14:30:00Z") };
        assert_eq!(slot_at(&hours, &chicago(), ts("2027-03-15T14:00:00Z"), now, &window), Ok(expected));
        assert_eq!(slot_at(&hours, &chicago(), ts("2027-03-15T09:00:00-05:00"), now, &window), Ok(expected));
        assert_eq!(slot_at(&hours, &chicago(), ts("2027-03-15T16:00:00+02:00"), now, &window), Ok(expected));
    }

    #[test]
    fn slot_at_refuses_what_is_not_a_slot_then_what_is_outside_the_window() {
        let mut hours = open(Weekday::Mon, "09:00-12:00", 30);
        hours.set_day(Weekday::Sun, DayHours::parse("01:00-04:00").unwrap());
        hours.closed.insert(date(2027, 3, 22));
        let now = ts("2027-03-01T00:00:00Z");
        let window = Window::default();
        let at = |start: &str, now: Timestamp| slot_at(&hours, &chicago(), ts(start), now, &window);
        assert_eq!(at("2027-03-15T09:15:00-05:00", now), Err(SlotRefused::OffGrid), "between slots");
        assert_eq!(at("2027-03-15T09:00:30-05:00", now), Err(SlotRefused::OffGrid), "seconds off");
        assert_eq!(at("2027-03-15T12:00:00-05:00", now), Err(SlotRefused::OutsideHours), "at closing");
        assert_eq!(at("2027-03-16T09:00:00-05:00", now), Err(SlotRefused::OutsideHours), "a closed weekday");
        assert_eq!(at("2027-03-22T09:00:00-05:00", now), Err(SlotRefused::OutsideHours), "a closed date");
        // 02:00 CST on the spring-forward night is the instant 03:00 CDT: that slot exists.
        assert!(at("2027-03-14T02:00:00-06:00", now).is_ok());
        assert_eq!(at("2027-03-15T08:30:00-05:00", now), Err(SlotRefused::OutsideHours), "before opening");
        assert_eq!(at("2027-03-14T02:30:00-06:00", now).map(|s| s.start), Ok(ts("2027-03-14T03:30:00-05:00")));
        let soon = ts("2027-03-14T15:00:00Z");
        assert_eq!(at("2027-03-15T09:00:00-05:00", soon), Err(SlotRefused::OutsideWindow), "23 h ahead");
        let exactly_24_hours = Slot { start: ts("2027-03-15T15:00:00Z"), end: ts("2027-03-15T15:30:00Z") };
        assert_eq!(at("2027-03-15T10:00:00-05:00", soon), Ok(exactly_24_hours), "24 h ahead");
        assert_eq!(at("2027-06-14T09:00:00-05:00", now), Err(SlotRefused::OutsideWindow), "past the horizon");
        assert_eq!(at("2027-03-15T09:15:00-05:00", soon), Err(SlotRefused::OffGrid), "never a slot, however near");
    }

    #[test]
    fn slot_at_finds_each_fall_back_slot_once() {
        let hours = open(Weekday::Sun, "00:30-03:00", 30);
        let now = ts("2027-11-01T00:00:00Z");
        let at = |start: &str| slot_at(&hours, &chicago(), ts(start), now, &Window::default());
        assert!(at("2027-11-07T01:00:00-05:00").is_ok(), "the first 01:00");
        assert_eq!(at("2027-11-07T01:00:00-06:00"), Err(SlotRefused::OffGrid), "the second 01:00");
    }

    #[test]
    fn the_api_asks_for_at_most_31_days() {
        assert!(DateSpan::new(date(2027, 3, 1), date(2027, 3, 31)).is_ok());
        let one = DateSpan::new(date(2027, 3, 1), date(2027, 3, 1)).unwrap();
        assert_eq!((one.from(), one.to()), (date(2027, 3, 1), date(2027, 3, 1)));
        assert_eq!(DateSpan::new(date(2027, 3, 1), date(2027, 4, 1)), Err(SpanError::TooLong { days: 32 }));
        assert_eq!(DateSpan::new(date(2027, 3, 2), date(2027, 3, 1)), Err(SpanError::Reversed));
        assert_eq!(SpanError::TooLong { days: 32 }.to_string(), "32 days asked for: at most 31");
        // Across a year's end and a leap day.
        assert!(DateSpan::new(date(2027, 12, 15), date(2028, 1, 14)).is_ok());
        assert!(DateSpan::new(date(2028, 2, 1), date(2028, 3, 2)).is_ok());
        assert!(DateSpan::new(date(2028, 2, 1), date(2028, 3, 3)).is_err());
    }

    #[test]
    fn instants_render_with_the_clinic_offset_of_their_date() {
        let tz = chicago();
        assert_eq!(local_rfc3339(ts("2027-03-15T14:00:00Z"), &tz), "2027-03-15T09:00:00-05:00");
        assert_eq!(local_rfc3339(ts("2027-01-11T15:00:00Z"), &tz), "2027-01-11T09:00:00-06:00");
        assert_eq!(local_rfc3339(ts("2027-01-11T15:00:00Z"), &TimeZone::UTC), "2027-01-11T15:00:00+00:00");
    }

    use proptest::prelude::{prop_oneof, Just};

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..Default::default() })]
        #[test]
        fn slots_are_sorted_unique_apart_inside_their_ranges_and_of_their_length(
            // Half the cases at night on the Sundays around the two changes (days 72 and
            // 310 of 2027), where daylight saving can go wrong.
            ranges in proptest::collection::vec((prop_oneof![0u32..1439, 0u32..240], 1u32..600), 1..4),
            extra in proptest::option::of((prop_oneof![0u32..1439, 0u32..240], 1u32..600)),
            minutes in 5u32..=240,
            weekday in prop_oneof![0usize..7, Just(6)],
            first_day in prop_oneof![0i32..364, 60i32..73, 298i32..311],
            days in 1i32..31,
        ) {
            let to_range = |(start, len): (u32, u32)| {
                let end = (start + len).min(1439);
                let t = |m: u32| Time::constant((m / 60) as i8, (m % 60) as i8, 0, 0);
                TimeRange::new(t(start), t(end))
            };
            // Drop ranges that overlap an earlier one: DayHours refuses them.
            let mut day: Vec<TimeRange> = Vec::new();
            for r in ranges.into_iter().filter_map(to_range) {
                if day.iter().all(|d| !d.overlaps(r)) {
                    day.push(r);
                }
            }
            let mut hours = ConsultHours { slot_minutes: SlotMinutes::parse(minutes).unwrap(), ..Default::default() };
            hours.weekly[weekday] = DayHours::new(day).unwrap();
            let from = date(2027, 1, 1) + jiff::Span::new().days(first_day);
            let to = from + jiff::Span::new().days(days);
            if let Some(r) = extra.and_then(to_range) {
                hours.extra.push((from, r));
            }
            let tz = chicago();
            let listed = slots(&hours, &tz, from, to, early(), &whole_year());
            let length = SignedDuration::from_mins(i64::from(minutes));
            for w in listed.windows(2) {
                proptest::prop_assert!(w[0].end <= w[1].start, "sorted, unique, apart: {:?}", w);
            }
            for s in &listed {
                proptest::prop_assert_eq!(s.end.duration_since(s.start), length);
                let start = s.start.to_zoned(tz.clone());
                // No clock change inside a slot (one exactly at its end is allowed): the
                // offset at its start holds until its last second.
                let last_second = s.end - SignedDuration::from_secs(1);
                proptest::prop_assert_eq!(tz.to_offset(s.start), tz.to_offset(last_second));
                // So on the wall clock it runs from its start label for its length, inside
                // one declared range (slots are laid on the wall clock).
                let (wall_start, wall_end) = (start.datetime(), start.datetime() + length);
                let date = start.date();
                let inside = hours.ranges_on(date).iter().any(|r| {
                    date.to_datetime(r.start) <= wall_start && wall_end <= date.to_datetime(r.end)
                });
                proptest::prop_assert!(inside, "{:?} outside the hours of {}", s, date);
                proptest::prop_assert_eq!(slot_at(&hours, &tz, s.start, early(), &whole_year()), Ok(*s));
            }
        }
    }
}
