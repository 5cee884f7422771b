//! The one error of the staff portal's HTTP side, and how each kind answers.
//!
//! Every staff handler returns `Result<Response, StaffError>` and reads as its steps with
//! `?`: a database error becomes "briefly unavailable", a refused session goes to the
//! right sign-in step, a refused form goes back to its page with a message code.

use super::{message, unavailable};
use crate::server::http::browser::see_other;
use crate::server::staff::sessions::Denied;
use crate::shared::staff::Refusal;
use axum::http::header::RETRY_AFTER;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Why a staff request was not done.
#[derive(Debug)]
pub enum StaffError {
    /// A sign-in step is due, the role does not allow it, or the database is away: what
    /// the pages' `Gate` says too.
    Refused(Refusal),
    /// A form post from another site.
    CrossSite,
    /// No such submission, account, payer or change (the sentence says which).
    NotFound(&'static str),
    /// Too many attempts from this address.
    TooMany { retry_after_secs: u64 },
    /// Back to a page of this site, usually with a message code in its query: the
    /// form's input was refused, and the page says why.
    Redirect(String),
}

/// Back to `to` (a local path with its message code).
pub fn redirect(to: impl Into<String>) -> StaffError {
    StaffError::Redirect(to.into())
}

impl From<Refusal> for StaffError {
    fn from(r: Refusal) -> Self {
        Self::Refused(r)
    }
}

impl From<Denied> for Refusal {
    fn from(d: Denied) -> Self {
        match d {
            Denied::SignedOut => Refusal::SignIn,
            Denied::Expired => Refusal::Expired,
            Denied::NeedsTwoFactor => Refusal::TwoFactor,
            Denied::NeedsEnrolment => Refusal::Enrol,
            Denied::Unavailable => Refusal::Unavailable,
        }
    }
}

impl From<Denied> for StaffError {
    fn from(d: Denied) -> Self {
        Self::Refused(d.into())
    }
}

/// The database did not answer (or failed): the user is told to try again; the cause
/// is logged, never request data.
impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Self {
        tracing::warn!(error = %e, "staff: database error");
        Refusal::Unavailable
    }
}

impl From<sqlx::Error> for StaffError {
    fn from(e: sqlx::Error) -> Self {
        Self::Refused(e.into())
    }
}

impl From<tower_sessions::session::Error> for StaffError {
    fn from(e: tower_sessions::session::Error) -> Self {
        tracing::warn!(error = %e, "staff: session store error");
        Self::Refused(Refusal::Unavailable)
    }
}

impl IntoResponse for StaffError {
    fn into_response(self) -> Response {
        match self {
            Self::Refused(r) => match (r, r.redirect()) {
                (_, Some(path)) => see_other(path, &[]),
                (Refusal::Forbidden, None) => message(
                    StatusCode::FORBIDDEN,
                    "Not allowed",
                    "Your role does not include this. Ask an administrator if you need it.",
                ),
                _ => unavailable(),
            },
            Self::CrossSite => {
                message(StatusCode::FORBIDDEN, "Refused", "This form must be sent from the clinic's own site.")
            }
            Self::NotFound(what) => message(StatusCode::NOT_FOUND, "Not found", what),
            Self::TooMany { retry_after_secs } => {
                let mut r = message(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many attempts",
                    "Too many sign-in attempts from this address. Please wait a minute and try again.",
                );
                if let Ok(v) = retry_after_secs.to_string().parse() {
                    r.headers_mut().insert(RETRY_AFTER, v);
                }
                r
            }
            Self::Redirect(to) => see_other(&to, &[]),
        }
    }
}
