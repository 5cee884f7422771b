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
