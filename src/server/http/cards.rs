//! Insurance-card photos: the patient's optional upload from the wizard (front and back,
//! checked by content, metadata removed, sealed) and staff viewing them.

use super::browser::{cookie, same_origin, see_other};
use super::extract::{read_field, ClientAddr};
use super::staff::audit;
use super::staff::error::StaffError;
use super::staff::guard::{AnyStaff, SignedIn};
use super::AppState;
use crate::server::drafts;
use crate::server::images::{self, ImageError};
use crate::server::rate_limit::Decision;
use crate::server::staff::audit::Action;
use crate::server::staff::cards;
use crate::shared::staff::Refusal;
use axum::extract::{Multipart, Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use std::collections::HashMap;

/// The body limit of an upload: two photos and the form around them.
pub const MAX_UPLOAD: usize = 2 * images::MAX_BYTES + 64 * 1024;

const PAGE: &str = "/intake/cards";

/// The short code of an upload problem, for the page's message (in the patient's language).
fn code(e: &ImageError) -> &'static str {
    match e {
        ImageError::Empty => "empty",
        ImageError::TooLarge { .. } => "too-large",
        ImageError::NotAnImage => "not-image",
        ImageError::Truncated => "truncated",
        _ => "unreadable",
    }
}

/// `POST /intake/cards` (multipart, fields `front` and `back`, either may be empty).
pub async fn upload(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "This form must be sent from the clinic's own site.").into_response();
    }
    let Some(token) = cookie(&headers, drafts::COOKIE) else { return see_other("/intake", &[]) };
    let draft = match drafts::find(&state.db, &token).await {
        Ok(Some(d)) if d.intake_id.is_none() => d,
        Ok(_) => return see_other("/intake", &[]),
        Err(_) => return unavailable(),
    };
    match state.limiter.hit(&format!("cards:{client}")).await {
        Ok(Decision::Allow) => {}
        Ok(Decision::Limited { .. }) => return see_other(&format!("{PAGE}?m=limited"), &[]),
        Err(_) => return unavailable(),
    }
    let Ok(mut multipart) = multipart else { return see_other(&format!("{PAGE}?m=empty"), &[]) };
    let mut saved = 0;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return see_other(&format!("{PAGE}?m=too-large"), &[]),
        };
        let side = match field.name() {
            Some("front") => "front",
            Some("back") => "back",
            _ => continue,
        };
        let Some(bytes) = read_field(&mut field, images::MAX_BYTES).await else {
            return see_other(&format!("{PAGE}?m=too-large&side={side}"), &[]);
        };
        if bytes.is_empty() {
            continue; // no file chosen for this side
        }
        let clean = match images::clean(&bytes) {
            Ok(c) => c,
            Err(e) => return see_other(&format!("{PAGE}?m={}&side={side}", code(&e)), &[]),
        };
        if cards::store(&state.db, state.db.keys.as_deref(), draft.id, side, &clean).await.is_err() {
            return unavailable();
        }
        saved += 1;
    }
    if saved == 0 {
        return see_other(&format!("{PAGE}?m=empty"), &[]);
    }
    see_other(&format!("{PAGE}?m=saved"), &[])
}

/// `POST /intake/cards/remove` with `side`.
pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "This form must be sent from the clinic's own site.").into_response();
    }
    let Some(token) = cookie(&headers, drafts::COOKIE) else { return see_other("/intake", &[]) };
    let draft = match drafts::find(&state.db, &token).await {
        Ok(Some(d)) if d.intake_id.is_none() => d,
        Ok(_) => return see_other("/intake", &[]),
        Err(_) => return unavailable(),
    };
    let side = match f.get("side").map(String::as_str) {
        Some("front") => "front",
        Some("back") => "back",
        _ => return see_other(PAGE, &[]),
    };
    if cards::remove(&state.db, draft.id, side).await.is_err() {
        return unavailable();
    }
    see_other(&format!("{PAGE}?m=removed"), &[])
}

fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The service is briefly unavailable. Your earlier answers are saved; please go back and try again in a minute.",
    )
        .into_response()
}

/// `GET /staff/submissions/{reference}/card/{side}`: for signed-in staff only, never cached.
pub async fn view(
    State(state): State<AppState>,
    who: SignedIn<AnyStaff>,
    Path((reference, side)): Path<(String, String)>,
) -> Result<Response, StaffError> {
    const NOT_FOUND: StaffError = StaffError::NotFound("There is no such card photo.");
    if side != "front" && side != "back" {
        return Err(NOT_FOUND);
    }
    let found = super::staff::find_submission(&state, &reference).await?;
    let (mime, bytes) = cards::load(&state.db, state.db.keys.as_deref(), found.id, &side)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "card image unreadable");
            StaffError::Refused(Refusal::Unavailable)
        })?
        .ok_or(NOT_FOUND)?;
    let detail = format!("card {side}");
    audit(&state, Some(&who.staff), Action::ViewSubmission, found.reference.compact(), &detail, &who.origin).await?;
    Ok((
        [
            (CONTENT_TYPE, mime),
            (CONTENT_DISPOSITION, format!("inline; filename=\"card-{side}\"")),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
