//! What the wizard pages show of a draft: its answers, the errors of the last post (in
//! both languages) and, once submitted, the result. Built by the server
//! (`server::http::wizard::draft_state`), serialized into the page for the islands.

use crate::domain::screening::{Outcome, ReasonCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An input error in both languages: saved with a draft (the patient may switch
/// language before reading it) and shown next to its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorText {
    pub field: String,
    pub en: String,
    pub es: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultData {
    pub reference: String,
    pub outcome: Outcome,
    pub reasons: Vec<ReasonCode>,
    pub safety_alert: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DraftState {
    /// No draft in this browser (never started, expired, or cookie cleared).
    Missing,
    Open {
        answers: Value,
        /// The step the saved errors belong to.
        errors_step: Option<String>,
        errors: Vec<ErrorText>,
        resume_url: String,
        /// Insurance-card photos uploaded so far ("front", "back").
        cards: Vec<String>,
        /// The reference of the call requested from the emergency page, if one was.
        callback: Option<String>,
    },
    Submitted(ResultData),
}

/// Words in both languages (the patient may switch language on the page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Both {
    pub en: String,
    pub es: String,
}

/// One free slot to choose: its start as the form sends it (RFC 3339) and as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotChoice {
    pub start: String,
    pub time: Both,
}

/// A day's free slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotDay {
    pub day: Both,
    pub slots: Vec<SlotChoice>,
}

/// A week of free slots, with the dates (`YYYY-MM-DD`) of the weeks before and after
/// when they are bookable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotWeek {
    pub days: Vec<SlotDay>,
    pub earlier: Option<String>,
    pub later: Option<String>,
}

/// The consult part of the result page (`booking.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookingPanel {
    /// This outcome is not booked online (or the clinic decided otherwise).
    NotOnline,
    /// The patient may book: choose a time.
    Choose(SlotWeek),
    /// Booked; with a week of slots when the patient asked to change it.
    Booked { when: Both, may_change: bool, change: Option<SlotWeek> },
}
