//! Insurance verification for staff: the 270 download, the 271 upload (read into a
//! suggestion staff confirm), saving a verification, and the payer directory (admins).

use super::pages::{REFUSED_271, SUGGESTION};
use super::{any_role, audit, post_guard, refusal, with_role, Origin};
use crate::domain::staff::Role;
use crate::server::eligibility::InquiryError;
use crate::server::http::extract::{read_field, ClientAddr};
use crate::server::http::browser::see_other;
use crate::server::http::AppState;
use crate::server::staff::audit::Action;
use crate::server::staff::insurance;
use crate::shared::staff::{Suggestion, VerificationForm};
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use std::collections::HashMap;
use tower_sessions::Session;

/// The largest 271 accepted (real responses are a few kilobytes).
pub const MAX_271_BYTES: usize = 1024 * 1024;

use super::find_submission as submission;

/// `GET /staff/submissions/{reference}/270`: the eligibility inquiry as a file for the
/// clearinghouse.
pub async fn download_270(
    State(state): State<AppState>,
    session: Session,
    Path(reference): Path<String>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
) -> Response {
    let staff = match with_role(&state, &session, any_role).await {
        Ok(s) => s,
        Err(g) => return refusal(g),
    };
    let found = match submission(&state, &reference).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let page = format!("/staff/submissions/{}", found.reference.display());
    if super::pages::no_270_reason(&state, &found.answers).is_some() {
        return see_other(&format!("{page}?m=no-270"), &[]);
    }
    let Some(clinic) = &state.settings.eligibility else { return see_other(&format!("{page}?m=no-270"), &[]) };
    let payers = match insurance::directory(&state.db).await {
        Ok(p) => p,
        Err(_) => return super::unavailable(),
    };
    let text = match crate::server::eligibility::inquiry(&state.db, clinic, payers, &found.answers, &found.reference).await {
        Ok(t) => t,
        Err(InquiryError::X12(e)) => {
            // The code only: a builder error may quote the patient's name or payer.
            tracing::info!(error = e.code(), "270 not possible");
            return see_other(&format!("{page}?m=no-270"), &[]);
        }
        Err(e) => {
            tracing::warn!(error = %e, "270 control number not drawn");
            return super::unavailable();
        }
    };
    if audit(&state, Some(&staff), Action::Download270, found.reference.compact(), "", &Origin::of(&headers, client)).await.is_err() {
        return super::unavailable();
    }
    super::attachment("application/edi-x12", &format!("270-{}.x12", found.reference.compact()), text)
}

/// `POST /staff/submissions/{reference}/271` (multipart: a `file`, or the text pasted
/// in `text`): reads the response and shows it as a suggestion on the submission page.
pub async fn upload_271(
    State(state): State<AppState>,
    session: Session,
    Path(reference): Path<String>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let staff = match post_guard(&state, &session, &headers, any_role).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let found = match submission(&state, &reference).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let page = format!("/staff/submissions/{}", found.reference.display());
    let Ok(mut multipart) = multipart else { return see_other(&format!("{page}?m=271-empty#insurance-h"), &[]) };
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) => {
                let name = field.name().unwrap_or("").to_owned();
                if name != "file" && name != "text" {
                    continue;
                }
                let Some(data) = read_field(&mut field, MAX_271_BYTES).await else {
                    return see_other(&format!("{page}?m=271-large#insurance-h"), &[]);
                };
                if !data.iter().all(u8::is_ascii_whitespace) {
                    bytes = data;
                }
            }
            Ok(None) => break,
            Err(_) => return see_other(&format!("{page}?m=271-large#insurance-h"), &[]),
        }
    }
    if bytes.is_empty() {
        return see_other(&format!("{page}?m=271-empty#insurance-h"), &[]);
    }
    // Our TRN03 picks our trace out of several echoed ones (a clearinghouse may add its own).
    let parsed = match &state.settings.eligibility {
        Some(clinic) => crate::x12::parse_271_for(&bytes, &clinic.x12.originator_id),
        None => crate::x12::parse_271(&bytes),
    };
    let eligibility = match parsed {
        Ok(e) => e,
        Err(e) => {
            // Staff need the reader's reason to tell the payer or fix the file. It goes
            // through the session (kept in the database), not the address: the address
            // carries only the fixed code `271-bad`, so nobody can put text of their own
            // on the page with a crafted link. The message names segments and counts,
            // never patient data (x12::error); the log gets only the error's code.
            tracing::info!(error = e.code(), "271 upload refused");
            let reason = (found.reference.compact().to_owned(), e.to_string());
            if session.insert(REFUSED_271, reason).await.is_err() {
                tracing::warn!("the reason a 271 was refused could not be kept in the session");
            }
            return see_other(&format!("{page}?m=271-bad#insurance-h"), &[]);
        }
    };
    let sub = &eligibility.subscriber;
    let subscriber = [
        sub.first_name.clone().unwrap_or_default(),
        sub.last_name.clone().unwrap_or_default(),
        sub.member_id.as_ref().map(|m| format!("member ID {m}")).unwrap_or_default(),
        sub.date_of_birth.map(|d| format!("born {d}")).unwrap_or_default(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    let suggestion = Suggestion {
        summary: crate::x12::summarize(&eligibility),
        subscriber,
        trace_matches: eligibility.trace.as_deref() == Some(found.reference.compact()),
        trace: eligibility.trace.clone(),
        payer_trace: eligibility.payer_trace.clone(),
    };
    let detail = format!("271 status {}", suggestion.summary.status);
    if audit(&state, Some(&staff), Action::Upload271, found.reference.compact(), &detail, &Origin::of(&headers, client)).await.is_err() {
        return super::unavailable();
    }
    if session.insert(SUGGESTION, (found.reference.compact().to_owned(), suggestion)).await.is_err() {
        return super::unavailable();
    }
    let _ = session.remove_value(REFUSED_271).await;
    see_other(&format!("{page}?m=271-read#insurance-h"), &[])
}

/// `POST /staff/submissions/{reference}/verification`
pub async fn save_verification(
    State(state): State<AppState>,
    session: Session,
    Path(reference): Path<String>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let staff = match post_guard(&state, &session, &headers, any_role).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let found = match submission(&state, &reference).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let page = format!("/staff/submissions/{}", found.reference.display());
    let form = match VerificationForm::parse(|name| f.get(name).cloned()) {
        Ok(form) => form,
        Err(_) => return see_other(&format!("{page}?m=verification-bad#insurance-h"), &[]),
    };
    if insurance::save(&state.db, found.id, &form, staff.id).await.is_err() {
        return super::unavailable();
    }
    let detail = format!("{} by {}", form.status.as_str(), form.method);
    if audit(&state, Some(&staff), Action::ChangeVerification, found.reference.compact(), &detail, &Origin::of(&headers, client))
        .await
        .is_err()
    {
        return super::unavailable();
    }
    let _ = session.remove_value(SUGGESTION).await;
    see_other(&format!("{page}?m=verification-saved#insurance-h"), &[])
}

/// `POST /staff/payers/{id}`: an admin edits a payer of the directory.
pub async fn update_payer(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let staff = match post_guard(&state, &session, &headers, Role::manages_accounts).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let text = |n: &str| f.get(n).map(|v| v.trim().to_owned()).unwrap_or_default();
    let (name, payer_id, notes) = (text("name").to_uppercase(), text("payer_id"), text("notes"));
    // Name and payer ID go into the 270: X12 delimiters or control characters would break
    // it; invisible formatting characters would make staff read another name.
    let clean = |s: &str, max: usize| {
        !s.is_empty() && s.chars().count() <= max && !s.contains(['~', '*', ':', '^', '|'])
            && !s.chars().any(|c| c.is_control() || crate::domain::values::is_invisible_format(c))
    };
    if !clean(&name, 60) || !clean(&payer_id, 80) || notes.chars().count() > 1000 {
        return see_other("/staff/payers?m=bad", &[]);
    }
    let in_network = f.get("in_network").is_some_and(|v| v == "1");
    match insurance::update_payer(&state.db, id, &name, &payer_id, in_network, &notes).await {
        Ok(true) => {}
        Ok(false) => return super::message(StatusCode::NOT_FOUND, "Not found", "There is no such payer."),
        Err(_) => return super::unavailable(),
    }
    let detail = format!("{name} {payer_id} in_network={in_network}");
    if audit(&state, Some(&staff), Action::PayerChanged, &payer_id, &detail, &Origin::of(&headers, client)).await.is_err() {
        return super::unavailable();
    }
    see_other("/staff/payers?m=saved", &[])
}
