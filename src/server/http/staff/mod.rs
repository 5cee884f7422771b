//! The staff portal's HTTP side: the session layer, the checks every staff request
//! passes, and the handlers. `auth` signs people in and out, `actions` takes the form
//! posts of the queue, submissions and accounts, `follow_ups` those of a safety
//! follow-up, `exports` serves downloads, `consults` and `hours` take the booking posts
//! and the consult hours (admins), and `pages` loads the data of the Leptos staff pages
//! (`ui::staff`).
//!
//! Every state-changing request is a POST from this site (SameSite=Strict cookie and a
//! same-origin check), answers with a redirect, and writes an audit row first. The
//! checks are extractors (`guard`); every handler returns one error type (`error`).

pub mod actions;
pub mod auth;
pub mod consults;
pub mod error;
pub mod exports;
pub mod follow_ups;
pub mod guard;
pub mod hours;
pub mod insurance;
pub mod pages;

use super::extract::client_of;
use super::AppState;
use crate::domain::values::Reference;
use crate::server::staff::audit::{Action, Entry};
use crate::server::staff::sessions::Staff;
use crate::server::staff::submissions::{self, Submission};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use error::StaffError;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The session cookie's name: `__Host-` pins it to this host, path `/` and HTTPS. In
/// development over plain HTTP the prefix is not allowed, so a plain name is used.
pub fn cookie_name(https_only: bool) -> &'static str {
    if https_only {
        "__Host-pi_staff"
    } else {
        "pi_staff"
    }
}

/// The layer that loads and saves staff sessions.
pub fn session_layer(state: &AppState) -> SessionManagerLayer<crate::server::session_store::Store> {
    let lifetime = state.settings.staff_timeouts.store_lifetime();
    SessionManagerLayer::new(state.db.sessions.clone())
        .with_name(cookie_name(state.settings.https_only))
        .with_secure(state.settings.https_only)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::seconds(lifetime.as_secs() as i64)))
}

/// Who did something and from where, for the audit trail.
#[derive(Debug, Clone)]
pub struct Origin {
    pub client: String,
    pub request_id: String,
}

impl Origin {
    pub fn of(parts_headers: &HeaderMap, client: String) -> Self {
        let request_id = parts_headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        Self { client, request_id }
    }

    pub fn from_parts(parts: &Parts, state: &AppState) -> Self {
        Self::of(&parts.headers, client_of(parts, state.settings.trust_forwarded_for))
    }
}

impl axum::extract::FromRequestParts<AppState> for Origin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts(parts, state))
    }
}

/// Writes an audit row. A failure is an error for the caller: an action that cannot be
/// audited is not done (and a view that cannot be audited is not shown).
pub async fn audit(
    state: &AppState,
    who: Option<&Staff>,
    action: Action,
    target: &str,
    detail: &str,
    origin: &Origin,
) -> Result<(), sqlx::Error> {
    let actor = who.map(|s| s.email.as_str()).unwrap_or("anonymous");
    state
        .audit
        .record(&Entry {
            actor_id: who.map(|s| s.id),
            actor,
            action,
            target,
            client: &origin.client,
            request_id: &origin.request_id,
            detail,
        })
        .await
        .map(|_| ())
        .inspect_err(|e| tracing::error!(error = %e, action = action.as_str(), "audit write failed"))
}

/// A small complete page for answers that are not a redirect.
pub fn message(status: StatusCode, title: &str, text: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"{css}\"></head><body><main id=\"main\" class=\"page narrow\">\
         <h1>{title}</h1><p>{text}</p><p><a class=\"button\" href=\"/staff\">Back to the queue</a></p></main></body></html>",
        css = super::assets::stylesheet_href()
    );
    (status, Html(page)).into_response()
}

pub fn unavailable() -> Response {
    message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Briefly unavailable",
        "The database did not answer. Please try again in a minute.",
    )
}

/// The submission a path's reference names (404 for an unknown or malformed reference).
pub async fn find_submission(state: &AppState, reference: &str) -> Result<Submission, StaffError> {
    const NOT_FOUND: StaffError = StaffError::NotFound("There is no submission with this reference.");
    let reference = Reference::parse(reference).map_err(|_| NOT_FOUND)?;
    submissions::find(&state.db, &reference).await?.ok_or(NOT_FOUND)
}

/// A download: never cached, and named without any patient data.
pub fn attachment(content_type: &str, filename: &str, body: impl IntoResponse) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}
