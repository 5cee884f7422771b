//! Safety follow-up (`safety-followup.md`): which submissions open one, with which
//! priority and deadline; when an open one is due to escalate; which closes are allowed.
//!
//! Pure: every time is passed in, so each deadline, acknowledgement window and repeat is
//! tested without waiting. The server stores follow-ups and sends the escalations.

use super::screening::Outcome;
use jiff::{SignedDuration, Timestamp};

crate::choice_enum! {
    /// How urgent a follow-up is. Declared most urgent first, so the smallest applies.
    pub enum Priority {
        /// Outcome `emergency`: deadline `FOLLOW_UP_EMERGENCY_MINUTES` (60).
        Emergency = "emergency",
        /// A safety alert (PHQ-9 item 9 above 0), whatever the outcome: 240.
        Safety = "safety",
        /// Outcome `urgent_care`: 1440.
        Urgent = "urgent",
    }
}

crate::choice_enum! {
    /// What a follow-up is about: a submission, or a callback request left on the
    /// emergency page by a patient whose answer stopped the wizard there.
    pub enum Subject {
        Submission = "submission",
        Callback = "callback",
    }
}

impl Subject {
    /// The staff page of the submission or request with this reference.
    pub fn staff_path(self, reference: &str) -> String {
        match self {
            Self::Submission => format!("/staff/submissions/{reference}"),
            Self::Callback => format!("/staff/callbacks/{reference}"),
        }
    }
}

impl Priority {
    /// The follow-up a submission opens, if any: the most urgent trigger that applies.
    pub fn opened_by(outcome: Outcome, safety_alert: bool) -> Option<Self> {
        [
            (Self::Emergency, outcome == Outcome::Emergency),
            (Self::Safety, safety_alert),
            (Self::Urgent, outcome == Outcome::UrgentCare),
        ]
        .into_iter()
        .find_map(|(priority, applies)| applies.then_some(priority))
    }
}

/// A number of minutes a setting may hold: 1 to 10,080 (a week).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Minutes(u32);

impl Minutes {
    pub const MAX: u32 = 10_080;

    pub fn parse(n: u32) -> Option<Self> {
        (1..=Self::MAX).contains(&n).then_some(Self(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    fn duration(self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.0))
    }
}

/// The follow-up settings: a deadline per priority, how long an acknowledgement silences
/// escalation, and how often an unacknowledged overdue follow-up escalates again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    pub emergency: Minutes,
    pub safety: Minutes,
    pub urgent: Minutes,
    pub acknowledge: Minutes,
    pub repeat: Minutes,
}

impl Default for Windows {
    /// The spec's defaults: 60, 240 and 1440 minutes; acknowledged for 60; again every 30.
    fn default() -> Self {
        Self {
            emergency: Minutes(60),
            safety: Minutes(240),
            urgent: Minutes(1440),
            acknowledge: Minutes(60),
            repeat: Minutes(30),
        }
    }
}

impl Windows {
    /// When a follow-up of `priority` opened at `opened_at` must have been picked up.
    pub fn deadline(&self, priority: Priority, opened_at: Timestamp) -> Timestamp {
        let minutes = match priority {
            Priority::Emergency => self.emergency,
            Priority::Safety => self.safety,
            Priority::Urgent => self.urgent,
        };
        opened_at + minutes.duration()
    }

    /// When the next escalation e-mail of an open follow-up is due.
    ///
    /// Nothing goes out before the deadline, nor while an acknowledgement is fresh. The
    /// first e-mail of a quiet spell's end is due at once; after one, the next is due a
    /// repeat later. An acknowledgement that lapses starts a new spell: the follow-up
    /// escalates again at the lapse, not a repeat after the last e-mail.
    pub fn next_escalation(&self, f: &Progress) -> Timestamp {
        let quiet_until = match f.acknowledged_at {
            Some(at) => f.deadline.max(at + self.acknowledge.duration()),
            None => f.deadline,
        };
        match f.last_escalated_at {
            Some(last) if last >= quiet_until => last + self.repeat.duration(),
            _ => quiet_until,
        }
    }

    /// Whether an open follow-up should escalate at `now`.
    pub fn escalation_due(&self, f: &Progress, now: Timestamp) -> bool {
        now >= self.next_escalation(f)
    }
}

/// What the escalation rule reads of an open follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub deadline: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub last_escalated_at: Option<Timestamp>,
}

/// Time left before a deadline (zero or positive) or how long it is overdue (negative),
/// in whole minutes, for the Follow-ups page: both count whole minutes passed, so 25½
/// minutes overdue is 25, and a deadline passed seconds ago is already -1 (overdue, not
/// "due in 0 minutes").
pub fn minutes_left(deadline: Timestamp, now: Timestamp) -> i64 {
    let secs = deadline.duration_since(now).as_secs();
    if secs >= 0 {
        secs / 60
    } else {
        -((-secs) / 60).max(1)
    }
}

/// A span of whole minutes as staff read it: "45 min", "2 h", "2 h 5 min".
pub fn span_words(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

crate::choice_enum! {
    /// How a call or message went.
    pub enum AttemptResult {
        Reached = "reached",
        LeftMessage = "left_message",
        NoAnswer = "no_answer",
        WrongNumber = "wrong_number",
    }
}

crate::choice_enum! {
    /// How the patient was tried.
    pub enum AttemptMethod {
        Phone = "phone",
        Text = "text",
        Email = "email",
    }
}

crate::choice_enum! {
    /// How a follow-up ended.
    pub enum CloseOutcome {
        /// Reached; a safety plan or advice was given.
        ReachedSafePlan = "reached_safe_plan",
        SentToEmergencyCare = "sent_to_emergency_care",
        /// Referred to another service.
        Referred = "referred",
        /// Allowed only after at least three recorded attempts.
        UnableToReach = "unable_to_reach",
        /// A clinician's note says why.
        NotNeeded = "not_needed",
    }
}

/// The attempts a follow-up needs before it may close as `unable_to_reach`.
pub const ATTEMPTS_BEFORE_UNREACHABLE: u32 = 3;

/// Why a close was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseRefused {
    /// `unable_to_reach` with fewer than three recorded attempts.
    TooFewAttempts { attempts: u32 },
    /// `not_needed` without a note saying why.
    NoteRequired,
}

/// Whether a follow-up with `attempts` recorded attempts may close with `outcome` and
/// `note` (blank counts as none).
pub fn check_close(outcome: CloseOutcome, attempts: u32, note: &str) -> Result<(), CloseRefused> {
    match outcome {
        CloseOutcome::UnableToReach if attempts < ATTEMPTS_BEFORE_UNREACHABLE => {
            Err(CloseRefused::TooFewAttempts { attempts })
        }
        CloseOutcome::NotNeeded if note.trim().is_empty() => Err(CloseRefused::NoteRequired),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000).unwrap() + SignedDuration::from_mins(minutes)
    }

    fn progress(deadline: i64, acknowledged: Option<i64>, escalated: Option<i64>) -> Progress {
        Progress { deadline: at(deadline), acknowledged_at: acknowledged.map(at), last_escalated_at: escalated.map(at) }
    }

    #[test]
    fn every_trigger_opens_its_priority_and_the_most_urgent_wins() {
        use Outcome::*;
        assert_eq!(Priority::opened_by(Emergency, false), Some(Priority::Emergency));
        assert_eq!(Priority::opened_by(UrgentCare, false), Some(Priority::Urgent));
        for outcome in [ConsultRecommended, NotYet, ClinicianReview, UrgentCare] {
            assert_eq!(Priority::opened_by(outcome, true), Some(Priority::Safety), "{outcome}");
        }
        assert_eq!(Priority::opened_by(Emergency, true), Some(Priority::Emergency));
        for outcome in [ConsultRecommended, NotYet, ClinicianReview] {
            assert_eq!(Priority::opened_by(outcome, false), None, "{outcome}");
        }
    }

    #[test]
    fn settings_accept_one_minute_to_a_week() {
        assert_eq!(Minutes::parse(0), None);
        assert_eq!(Minutes::parse(1).map(Minutes::get), Some(1));
        assert_eq!(Minutes::parse(10_080).map(Minutes::get), Some(10_080));
        assert_eq!(Minutes::parse(10_081), None);
    }

    #[test]
    fn deadlines_follow_the_priority() {
        let w = Windows::default();
        assert_eq!(w.deadline(Priority::Emergency, at(0)), at(60));
        assert_eq!(w.deadline(Priority::Safety, at(0)), at(240));
        assert_eq!(w.deadline(Priority::Urgent, at(0)), at(1440));
        let short = Windows { safety: Minutes(5), ..w };
        assert_eq!(short.deadline(Priority::Safety, at(10)), at(15));
    }

    #[test]
    fn nothing_escalates_before_the_deadline_and_the_first_email_goes_at_it() {
        let w = Windows::default();
        let f = progress(60, None, None);
        assert!(!w.escalation_due(&f, at(59)));
        assert!(w.escalation_due(&f, at(60)));
        assert_eq!(w.next_escalation(&f), at(60));
    }

    #[test]
    fn an_unacknowledged_follow_up_escalates_again_every_repeat() {
        let w = Windows::default();
        let f = progress(60, None, Some(61));
        assert!(!w.escalation_due(&f, at(90)));
        assert!(w.escalation_due(&f, at(91)));
        let f = progress(60, None, Some(91));
        assert_eq!(w.next_escalation(&f), at(121));
    }

    #[test]
    fn an_acknowledgement_silences_escalation_for_its_window_then_it_starts_again() {
        let w = Windows::default();
        // Acknowledged before the deadline: quiet until 60 minutes after the acknowledgement.
        let f = progress(60, Some(30), None);
        assert_eq!(w.next_escalation(&f), at(90));
        assert!(!w.escalation_due(&f, at(89)));
        assert!(w.escalation_due(&f, at(90)));
        // Acknowledged long before the deadline: the deadline still holds.
        let f = progress(240, Some(0), None);
        assert_eq!(w.next_escalation(&f), at(240));
        // Escalated, then acknowledged: quiet for the window, then due at its end at once.
        let f = progress(60, Some(70), Some(65));
        assert_eq!(w.next_escalation(&f), at(130));
        // After an e-mail at the lapse, the repeat applies again.
        let f = progress(60, Some(70), Some(130));
        assert_eq!(w.next_escalation(&f), at(160));
    }

    #[test]
    fn spans_read_in_hours_and_minutes() {
        assert_eq!(span_words(45), "45 min");
        assert_eq!(span_words(120), "2 h");
        assert_eq!(span_words(125), "2 h 5 min");
    }

    #[test]
    fn minutes_left_count_down_and_overdue_is_negative() {
        assert_eq!(minutes_left(at(60), at(0)), 60);
        assert_eq!(minutes_left(at(60), at(60)), 0);
        assert_eq!(minutes_left(at(60), at(61)), -1);
        assert_eq!(minutes_left(at(60), at(0) + SignedDuration::from_secs(30)), 59);
        assert_eq!(minutes_left(at(60), at(60) + SignedDuration::from_secs(1)), -1, "overdue at once");
        assert_eq!(minutes_left(at(60), at(85) + SignedDuration::from_secs(30)), -25, "whole minutes overdue");
    }

    #[test]
    fn unable_to_reach_needs_three_attempts_and_not_needed_a_note() {
        use CloseOutcome::*;
        assert_eq!(check_close(UnableToReach, 2, "tried"), Err(CloseRefused::TooFewAttempts { attempts: 2 }));
        assert_eq!(check_close(UnableToReach, 3, ""), Ok(()));
        assert_eq!(check_close(NotNeeded, 5, "  "), Err(CloseRefused::NoteRequired));
        assert_eq!(check_close(NotNeeded, 0, "Known to the clinic; spoke at the visit today."), Ok(()));
        for outcome in [ReachedSafePlan, SentToEmergencyCare, Referred] {
            assert_eq!(check_close(outcome, 0, ""), Ok(()), "{outcome}");
        }
        assert_eq!(CloseOutcome::parse("closed"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..Default::default() })]
        #[test]
        fn escalation_never_comes_early_and_always_moves_forward(
            deadline in 0i64..20_000,
            acknowledged in proptest::option::of(0i64..20_000),
            escalated in proptest::option::of(0i64..40_000),
            ack in 1u32..=10_080,
            repeat in 1u32..=10_080,
        ) {
            let w = Windows { acknowledge: Minutes(ack), repeat: Minutes(repeat), ..Windows::default() };
            let f = progress(deadline, acknowledged, escalated);
            let next = w.next_escalation(&f);
            proptest::prop_assert!(next >= at(deadline));
            if let Some(a) = acknowledged {
                proptest::prop_assert!(next >= at(a) + SignedDuration::from_mins(i64::from(ack)));
            }
            proptest::prop_assert!(!w.escalation_due(&f, next - SignedDuration::from_secs(1)));
            // An e-mail sent when due moves the next one at least a repeat later: each
            // step goes out once, never twice in a row.
            let sent = Progress { last_escalated_at: Some(next), ..f };
            proptest::prop_assert_eq!(w.next_escalation(&sent), next + SignedDuration::from_mins(i64::from(repeat)));
        }
    }
}
