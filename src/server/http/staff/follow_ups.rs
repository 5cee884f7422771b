//! Form posts that work a safety follow-up (`safety-followup.md`), a submission's or a
//! callback request's from the emergency page: acknowledge ("I am on it"), record an
//! attempt, close with an outcome. Clinicians and admins only; each is audited with
//! codes, never the note's words, and redirects back to the follow-up panel of the page
//! it came from with a message code.

use super::error::{redirect, StaffError};
use super::guard::{StaffPost, WorksFollowUps};
use super::{audit, find_submission};
use crate::domain::followup::{AttemptMethod, AttemptResult, CloseOutcome, CloseRefused, Subject};
use crate::domain::values::Reference;
use crate::server::callbacks;
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

/// What the path names: `/staff/submissions/{reference}/…` or `/staff/callbacks/{callback}/…`.
#[derive(Debug, Deserialize)]
pub struct Target {
    reference: Option<String>,
    callback: Option<String>,
}

/// The follow-up a path names, found.
struct Found {
    id: i64,
    subject: Subject,
    /// The reference as shown (`7KQ2-9MXD`) and as stored (the audit's target).
    shown: String,
    compact: String,
}

impl Found {
    /// Its page, at the follow-up panel, with a message code.
    fn back(&self, code: &str) -> String {
        format!("{}?m={code}#follow-up", self.subject.staff_path(&self.shown))
    }
}

/// The follow-up of the submission or callback request a path names. 404 when there is
/// none.
async fn follow_up_of(state: &AppState, target: Target) -> Result<Found, StaffError> {
    let (subject, subject_id, reference) = match target {
        Target { reference: Some(reference), .. } => {
            let found = find_submission(state, &reference).await?;
            (Subject::Submission, found.id, found.reference)
        }
        Target { callback: Some(callback), .. } => {
            const NOT_FOUND: StaffError = StaffError::NotFound("There is no callback request with this reference.");
            let reference = Reference::parse(&callback).map_err(|_| NOT_FOUND)?;
            let found = callbacks::find(&state.db, &reference).await?.ok_or(NOT_FOUND)?;
            (Subject::Callback, found.id, found.reference)
        }
        _ => return Err(StaffError::NotFound("There is no follow-up here.")),
    };
    let (id, _) = follow_ups::id_of(&state.db, subject, subject_id)
        .await?
        .ok_or(StaffError::NotFound("This submission has no follow-up."))?;
    Ok(Found { id, subject, shown: reference.display(), compact: reference.compact().to_owned() })
}

/// A refused change, as the page's message.
fn refused(found: &Found, e: FollowUpError) -> StaffError {
    match e {
        FollowUpError::Closed => redirect(found.back("follow-up-closed")),
        FollowUpError::Refused(CloseRefused::TooFewAttempts { .. }) => redirect(found.back("follow-up-attempts")),
        FollowUpError::Refused(CloseRefused::NoteRequired) => redirect(found.back("follow-up-note")),
        FollowUpError::Db(e) => e.into(),
    }
}

/// `POST /staff/submissions/{reference}/follow-up/acknowledge` (and the callback's).
pub async fn acknowledge(
    State(state): State<AppState>,
    post: StaffPost<WorksFollowUps>,
    Path(target): Path<Target>,
) -> Answer {
    let found = follow_up_of(&state, target).await?;
    let now = jiff::Timestamp::now();
    follow_ups::acknowledge(&state.db, found.id, post.staff.id, now).await.map_err(|e| refused(&found, e))?;
    audit(&state, Some(&post.staff), Action::FollowUpAcknowledged, &found.compact, "", &post.origin).await?;
    Ok(see_other(&found.back("follow-up-acknowledged"), &[]))
}

/// `POST /staff/submissions/{reference}/follow-up/attempts` with `method`, `result` and
/// an optional `note`.
pub async fn attempt(
    State(state): State<AppState>,
    post: StaffPost<WorksFollowUps>,
    Path(target): Path<Target>,
    Form(form): Form<AttemptForm>,
) -> Answer {
    let found = follow_up_of(&state, target).await?;
    let method = AttemptMethod::parse(form.method.trim()).ok_or_else(|| redirect(found.back("attempt-bad")))?;
    let result = AttemptResult::parse(form.result.trim()).ok_or_else(|| redirect(found.back("attempt-bad")))?;
    form.validate().map_err(|_| redirect(found.back("follow-up-note-long")))?;
    let now = jiff::Timestamp::now();
    let attempt =
        NewAttempt { method, result, note: form.note.trim(), key: Some(form.once.trim()).filter(|k| !k.is_empty()) };
    let recorded = follow_ups::record_attempt(&state.db, found.id, post.staff.id, attempt, now)
        .await
        .map_err(|e| refused(&found, e))?;
    // A repeated post (a double click) was audited the first time.
    if recorded == Recorded::New {
        let detail = format!("{} {}", method.as_str(), result.as_str());
        audit(&state, Some(&post.staff), Action::FollowUpAttempt, &found.compact, &detail, &post.origin).await?;
    }
    Ok(see_other(&found.back("attempt-recorded"), &[]))
}

/// `POST /staff/submissions/{reference}/follow-up/close` with `outcome` and `note`.
pub async fn close(
    State(state): State<AppState>,
    post: StaffPost<WorksFollowUps>,
    Path(target): Path<Target>,
    Form(form): Form<CloseForm>,
) -> Answer {
    let found = follow_up_of(&state, target).await?;
    let outcome = CloseOutcome::parse(form.outcome.trim()).ok_or_else(|| redirect(found.back("close-bad")))?;
    form.validate().map_err(|_| redirect(found.back("follow-up-note-long")))?;
    let now = jiff::Timestamp::now();
    follow_ups::close(&state.db, found.id, post.staff.id, outcome, form.note.trim(), now)
        .await
        .map_err(|e| refused(&found, e))?;
    audit(&state, Some(&post.staff), Action::FollowUpClosed, &found.compact, outcome.as_str(), &post.origin).await?;
    Ok(see_other(&found.back("follow-up-closed-now"), &[]))
}
