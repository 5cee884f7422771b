//! Insurance verification for staff: the 270 download, the 271 upload (read into a
//! suggestion staff confirm), saving a verification, "Check now" (a real-time check),
//! and the payer directory (admins).

use super::audit;
use super::error::{redirect, StaffError};
use super::guard::{AnyStaff, ChangesVerifications, ManagesAccounts, SignedIn, StaffPost};
use super::pages::{REFUSED_271, SUGGESTION};
use crate::server::eligibility::InquiryError;
use crate::server::eligibility_outbox;
use crate::server::http::browser::see_other;
use crate::server::http::extract::read_field;
use crate::server::http::AppState;
use crate::server::metrics::{self, Inquiry, Response271};
use crate::server::staff::audit::Action;
use crate::server::staff::insurance;
use crate::shared::staff::{Refusal, Suggestion, VerificationForm};
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::Form;
use std::collections::HashMap;

/// The largest 271 accepted (real responses are a few kilobytes).
pub const MAX_271_BYTES: usize = 1024 * 1024;

use super::find_submission as submission;

type Answer = Result<Response, StaffError>;

/// `GET /staff/submissions/{reference}/270`: the eligibility inquiry as a file for the
/// clearinghouse.
pub async fn download_270(
    State(state): State<AppState>,
    who: SignedIn<AnyStaff>,
    Path(reference): Path<String>,
) -> Answer {
    let found = submission(&state, &reference).await?;
    let no_270 = || {
        metrics::x12_270(Inquiry::NotPossible);
        redirect(format!("/staff/submissions/{}?m=no-270", found.reference.display()))
    };
    if super::pages::no_270_reason(&state, &found.answers).is_some() {
        return Err(no_270());
    }
    let clinic = state.settings.eligibility.as_ref().ok_or_else(no_270)?;
    let payers = insurance::directory(&state.db).await?;
    let text = crate::server::eligibility::inquiry(&state.db, clinic, payers, &found.answers, &found.reference)
        .await
        .map_err(|e| match e {
        InquiryError::X12(e) => {
            // The code only: a builder error may quote the patient's name or payer.
            tracing::info!(error = e.code(), "270 not possible");
            no_270()
        }
        e => {
            tracing::warn!(error = %e, "270 control number not drawn");
            metrics::x12_270(Inquiry::Unavailable);
            StaffError::Refused(Refusal::Unavailable)
        }
    })?;
    metrics::x12_270(Inquiry::Built);
    audit(&state, Some(&who.staff), Action::Download270, found.reference.compact(), "", &who.origin).await?;
    Ok(super::attachment("application/edi-x12", &format!("270-{}.x12", found.reference.compact()), text))
}

/// The bytes of the uploaded 271: the `file` field, or the text pasted in `text`
/// (whichever is not blank). `Err` is the message code to go back with.
async fn uploaded_271(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Vec<u8>, &'static str> {
    let mut multipart = multipart.map_err(|_| "271-empty")?;
    let mut bytes: Vec<u8> = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| "271-large")? {
        let name = field.name().unwrap_or("").to_owned();
        if name != "file" && name != "text" {
            continue;
        }
        let data = read_field(&mut field, MAX_271_BYTES).await.ok_or("271-large")?;
        if !data.iter().all(u8::is_ascii_whitespace) {
            bytes = data;
        }
    }
    if bytes.is_empty() {
        return Err("271-empty");
    }
    Ok(bytes)
}

/// `POST /staff/submissions/{reference}/271` (multipart: a `file`, or the text pasted
/// in `text`): reads the response and shows it as a suggestion on the submission page.
pub async fn upload_271(
    State(state): State<AppState>,
    post: StaffPost<AnyStaff>,
    Path(reference): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Answer {
    let found = submission(&state, &reference).await?;
    let page = format!("/staff/submissions/{}", found.reference.display());
    let bytes = uploaded_271(multipart).await.map_err(|code| {
        metrics::x12_271(if code == "271-large" { Response271::TooLarge } else { Response271::Missing });
        redirect(format!("{page}?m={code}#insurance-h"))
    })?;
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
            metrics::x12_271(Response271::Refused);
            let reason = (found.reference.compact().to_owned(), e.to_string());
            if post.session.insert(REFUSED_271, reason).await.is_err() {
                tracing::warn!("the reason a 271 was refused could not be kept in the session");
            }
            return Err(redirect(format!("{page}?m=271-bad#insurance-h")));
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
    audit(&state, Some(&post.staff), Action::Upload271, found.reference.compact(), &detail, &post.origin).await?;
    post.session.insert(SUGGESTION, (found.reference.compact().to_owned(), suggestion)).await?;
    let _ = post.session.remove_value(REFUSED_271).await;
    metrics::x12_271(Response271::Read);
    Ok(see_other(&format!("{page}?m=271-read#insurance-h"), &[]))
}

/// `POST /staff/submissions/{reference}/verification`
pub async fn save_verification(
    State(state): State<AppState>,
    post: StaffPost<ChangesVerifications>,
    Path(reference): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Answer {
    let found = submission(&state, &reference).await?;
    let page = format!("/staff/submissions/{}", found.reference.display());
    let form = VerificationForm::parse(|name| f.get(name).cloned())
        .map_err(|_| redirect(format!("{page}?m=verification-bad#insurance-h")))?;
    insurance::save(&state.db, found.id, &form, Some(post.staff.id)).await?;
    let detail = format!("{} by {}", form.status.as_str(), form.method);
    audit(&state, Some(&post.staff), Action::ChangeVerification, found.reference.compact(), &detail, &post.origin)
        .await?;
    let _ = post.session.remove_value(SUGGESTION).await;
    Ok(see_other(&format!("{page}?m=verification-saved#insurance-h"), &[]))
}

/// `POST /staff/submissions/{reference}/eligibility/check` (form: `seen`, the newest
/// check the page showed): queues a real-time check and, when checks are on, runs it at
/// once (the page then shows its attempt). The same click arriving twice carries the
/// same `seen`, and the database keeps one check for it.
pub async fn check_now(
    State(state): State<AppState>,
    post: StaffPost<ChangesVerifications>,
    Path(reference): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Answer {
    let found = submission(&state, &reference).await?;
    let page = format!("/staff/submissions/{}", found.reference.display());
    if !eligibility_outbox::checks_plan(found.answers.insurance.plan.as_str()) {
        return Err(redirect(format!("{page}?m=no-270#insurance-h")));
    }
    let seen = f.get("seen").and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(0);
    let now = jiff::Timestamp::now();
    if let Some(id) = eligibility_outbox::queue_manual(&state.db, found.id, &seen.to_string(), now).await? {
        audit(&state, Some(&post.staff), Action::EligibilityCheck, found.reference.compact(), "manual", &post.origin)
            .await?;
        if let Some(worker) = &state.eligibility {
            worker.run(id, now).await?;
        }
    }
    Ok(see_other(&format!("{page}#insurance-h"), &[]))
}

/// `POST /staff/payers/{id}`: an admin edits a payer of the directory.
pub async fn update_payer(
    State(state): State<AppState>,
    post: StaffPost<ManagesAccounts>,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Answer {
    let text = |n: &str| f.get(n).map(|v| v.trim().to_owned()).unwrap_or_default();
    let (name, payer_id, notes) = (text("name").to_uppercase(), text("payer_id"), text("notes"));
    // Name and payer ID go into the 270: X12 delimiters or control characters would break
    // it; invisible formatting characters would make staff read another name.
    let clean = |s: &str, max: usize| {
        !s.is_empty()
            && s.chars().count() <= max
            && !s.contains(['~', '*', ':', '^', '|'])
            && !s.chars().any(|c| c.is_control() || crate::domain::values::is_invisible_format(c))
    };
    if !clean(&name, 60) || !clean(&payer_id, 80) || notes.chars().count() > 1000 {
        return Err(redirect("/staff/payers?m=bad"));
    }
    let in_network = f.get("in_network").is_some_and(|v| v == "1");
    if !insurance::update_payer(&state.db, id, &name, &payer_id, in_network, &notes).await? {
        return Err(StaffError::NotFound("There is no such payer."));
    }
    let detail = format!("{name} {payer_id} in_network={in_network}");
    audit(&state, Some(&post.staff), Action::PayerChanged, &payer_id, &detail, &post.origin).await?;
    Ok(see_other("/staff/payers?m=saved", &[]))
}
