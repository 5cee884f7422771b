//! What the wizard pages receive from the server: the saved draft, the errors of the
//! last post, and (once submitted) the result. Loaded by one server function, and
//! serialized into the page so hydration needs no second request.

use crate::domain::screening::{Outcome, ReasonCode};
use leptos::prelude::*;
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
        /// The result the answers would get now (review step, when complete).
        preview: Option<ResultData>,
        /// Insurance-card photos uploaded so far ("front", "back").
        cards: Vec<String>,
    },
    Submitted(ResultData),
}

/// Loads this browser's draft (by its cookie).
#[server(prefix = "/api", endpoint = "intake-draft")]
pub async fn load_draft() -> Result<DraftState, ServerFnError> {
    use crate::server::http::wizard;
    let headers: axum::http::HeaderMap = leptos_axum::extract().await?;
    let state = expect_context::<crate::server::http::AppState>();
    wizard::draft_state(&state, &headers).await.map_err(|_| ServerFnError::new("unavailable"))
}
