//! Form posts that work a submission's safety follow-up (`safety-followup.md`):
//! acknowledge ("I am on it"), record an attempt, close with an outcome. Clinicians and
//! admins only; each is audited with codes, never the note's words, and redirects back
//! to the submission's follow-up panel with a message code.

use super::error::{redirect, StaffError};
use super::guard::{StaffPost, WorksFollowUps};
use super::{audit, find_submission};
use crate::domain::followup::{AttemptMethod, AttemptResult, CloseOutcome, CloseRefused};
use crate::server::follow_ups::{self, FollowUpError, NewAttempt, Recorded, NOTE_MAX};
use crate::server::http::browser::see_other;
use crate::server::http::AppState;
use crate::server::staff::audit::Action;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use validator::Validate;

type Answer = Result<Response, StaffError>;

/// [`NOTE_MAX`] as `validator` counts.
const NOTE_CHARS: u64 = NOTE_MAX as u64;

/// A recorded call or message, as posted. The choices are parsed in the handler, so an
/// unknown one goes back to the page with a message rather than a bare 422.
#[derive(Debug, Deserialize, Validate)]
pub struct AttemptForm {
    #[serde(default)]
    method: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    #[validate(length(max = "NOTE_CHARS"))]
    note: String,
    /// The key the page made for this form (see `follow_ups::NewAttempt::key`).
    #[serde(default)]
    #[validate(length(max = 64))]
    once: String,
}

/// A close, as posted.
#[derive(Debug, Deserialize, Validate)]
pub struct CloseForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    #[validate(length(max = "NOTE_CHARS"))]
    note: String,
}

/// The submission's page, at its follow-up panel, with a message code.
fn back(reference: &str, code: &str) -> String {
    format!("/staff/submissions/{reference}?m={code}#follow-up")
}

/// The follow-up of the submission a path names: (its id, the submission's reference as
/// shown). 404 when the submission opened none.
async fn follow_up_of(state: &AppState, reference: &str) -> Result<(i64, String, String), StaffError> {
    let found = find_submission(state, reference).await?;
    let (id, _) = follow_ups::id_of_intake(&state.db, found.id)
        .await?
        .ok_or(StaffError::NotFound("This submission has no follow-up."))?;
    Ok((id, found.reference.display(), found.reference.compact().to_owned()))
}

/// A refused change, as the page's message.
fn refused(reference: &str, e: FollowUpError) -> StaffError {
    match e {
        FollowUpError::Closed => redirect(back(reference, "follow-up-closed")),
        FollowUpError::Refused(CloseRefused::TooFewAttempts { .. }) => redirect(back(reference, "follow-up-attempts")),
        FollowUpError::Refused(CloseRefused::NoteRequired) => redirect(back(reference, "follow-up-note")),
        FollowUpError::Db(e) => e.into(),
    }
}

/// `POST /staff/submissions/{reference}/follow-up/acknowledge`.
pub async fn acknowledge(
    State(state): State<AppState>,
    post: StaffPost<WorksFollowUps>,
    Path(reference): Path<String>,
) -> Answer {
    let (id, shown, compact) = follow_up_of(&state, &reference).await?;
    let now = jiff::Timestamp::now();
    follow_ups::acknowledge(&state.db, id, post.staff.id, now).await.map_err(|e| refused(&shown, e))?;
    audit(&state, Some(&post.staff), Action::FollowUpAcknowledged, &compact, "", &post.origin).await?;
    Ok(see_other(&back(&shown, "follow-up-acknowledged"), &[]))
}

/// `POST /staff/submissions/{reference}/follow-up/attempts` with `method`, `result` and
/// an optional `note`.
pub async fn attempt(
    State(state): State<AppState>,
    post: StaffPost<WorksFollowUps>,
    Path(reference): Path<String>,
    Form(form): Form<AttemptForm>,
) -> Answer {
    let (id, shown, compact) = follow_up_of(&state, &reference).await?;
    let method = AttemptMethod::parse(form.method.trim()).ok_or_else(|| redirect(back(&shown, "attempt-bad")))?;
    let result = AttemptResult::parse(form.result.trim()).ok_or_else(|| redirect(back(&shown, "attempt-bad")))?;
    form.validate().map_err(|_| redirect(back(&shown, "follow-up-note-long")))?;
    let now = jiff::Timestamp::now();
    let attempt =
        NewAttempt { method, result, note: form.note.trim(), key: Some(form.once.trim()).filter(|k| !k.is_empty()) };
    let recorded =
        follow_ups::record_attempt(&state.db, id, post.staff.id, attempt, now).await.map_err(|e| refused(&shown, e))?;
    // A repeated post (a double click) was audited the first time.
    if recorded == Recorded::New {
        let detail = format!("{} {}", method.as_str(), result.as_str());
        audit(&state, Some(&post.staff), Action::FollowUpAttempt, &compact, &detail, &post.origin).await?;
    }
    Ok(see_other(&back(&shown, "attempt-recorded"), &[]))
}

/// `POST /staff/submissions/{reference}/follow-up/close` with `outcome` and `note`.
pub async fn close(
    State(state): State<AppState>,
    post: StaffPost<WorksFollowUps>,
    Path(reference): Path<String>,
    Form(form): Form<CloseForm>,
) -> Answer {
    let (id, shown, compact) = follow_up_of(&state, &reference).await?;
    let outcome = CloseOutcome::parse(form.outcome.trim()).ok_or_else(|| redirect(back(&shown, "close-bad")))?;
    form.validate().map_err(|_| redirect(back(&shown, "follow-up-note-long")))?;
    let now = jiff::Timestamp::now();
    follow_ups::close(&state.db, id, post.staff.id, outcome, form.note.trim(), now)
        .await
        .map_err(|e| refused(&shown, e))?;
    audit(&state, Some(&post.staff), Action::FollowUpClosed, &compact, outcome.as_str(), &post.origin).await?;
    Ok(see_other(&back(&shown, "follow-up-closed-now"), &[]))
}
