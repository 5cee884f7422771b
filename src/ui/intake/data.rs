//! What the wizard pages receive from the server: the saved draft, the errors of the
//! last post, and (once submitted) the result. Loaded by one server function, and
//! serialized into the page so hydration needs no second request.

pub use crate::shared::draft::DraftState;
use leptos::prelude::*;

/// Loads this browser's draft (by its cookie).
#[server(prefix = "/api", endpoint = "intake-draft")]
pub async fn load_draft() -> Result<DraftState, ServerFnError> {
    use crate::server::http::wizard;
    let headers: axum::http::HeaderMap = leptos_axum::extract().await?;
    let state = expect_context::<crate::server::http::AppState>();
    wizard::draft_state(&state, &headers).await.map_err(|_| ServerFnError::new("unavailable"))
}

pub use crate::shared::draft::BookingPanel;

/// Loads the result page's consult panel: `week` is the first date of the week of free
/// slots to show (`YYYY-MM-DD`), `change` whether the patient asked to change a booking.
#[server(prefix = "/api", endpoint = "intake-booking")]
pub async fn load_booking(week: Option<String>, change: bool) -> Result<BookingPanel, ServerFnError> {
    use crate::server::http::consult;
    let headers: axum::http::HeaderMap = leptos_axum::extract().await?;
    let state = expect_context::<crate::server::http::AppState>();
    consult::panel(&state, &headers, week.as_deref(), change).await.map_err(|_| ServerFnError::new("unavailable"))
}
