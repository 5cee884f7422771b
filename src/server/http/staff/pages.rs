//! The data behind each staff page, loaded by the server functions in `ui::staff::data`.
//!
//! Each loader checks session and role first; a refusal becomes a redirect to the right
//! sign-in step (which Leptos also applies when the page navigates in the browser) or a
//! 403. Views of a submission and of the audit log are audited before they are returned.

use super::{audit, gate_of, signed_in, Origin};
use crate::domain::age::age_on;
use crate::domain::staff::Role;
use crate::domain::values::Reference;
use crate::server::http::AppState;
use crate::server::staff::audit::{Action, Filter as AuditQuery};
use crate::server::staff::queue::{self, local_time, PER_PAGE};
use crate::server::staff::sessions::{self, Stage, Staff};
use crate::server::staff::{accounts, audit as audit_log, insurance, submissions, totp};
use crate::shared::staff::*;
use axum::http::request::Parts;
use axum::http::StatusCode;
use tower_sessions::Session;

/// Session entries for the queue's and audit log's filters.
pub const QUEUE_FILTER: &str = "queue_filter";
pub const AUDIT_FILTER: &str = "audit_filter";
/// The invitation link made by the last invite, shown once.
pub const INVITE_FLASH: &str = "invite_link";

/// Applies a refusal to the response being rendered and returns it as the page's gate.
fn refuse<T>(gate: Gate<()>) -> Gate<T> {
    let to = match gate {
        Gate::SignIn => Some("/staff/sign-in"),
        Gate::Expired => Some("/staff/sign-in?m=expired"),
        Gate::TwoFactor => Some("/staff/two-factor"),
        Gate::Enrol => Some("/staff/enrol"),
        Gate::Forbidden | Gate::Unavailable | Gate::Ok(()) => None,
    };
    match to {
        Some(path) => {
            leptos_axum::redirect(path);
            // `redirect` adds the Location header; the status must say so too.
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(StatusCode::SEE_OTHER);
            }
        }
        None => {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(if gate == Gate::Forbidden { StatusCode::FORBIDDEN } else { StatusCode::SERVICE_UNAVAILABLE });
            }
        }
    }
    match gate {
        Gate::SignIn => Gate::SignIn,
        Gate::Expired => Gate::Expired,
        Gate::TwoFactor => Gate::TwoFactor,
        Gate::Enrol => Gate::Enrol,
        Gate::Forbidden => Gate::Forbidden,
        Gate::Unavailable | Gate::Ok(()) => Gate::Unavailable,
    }
}

fn session_of(parts: &Parts) -> Option<Session> {
    parts.extensions.get::<Session>().cloned()
}

/// The staff member of this request if their role passes `allowed`.
async fn staff(state: &AppState, parts: &Parts, allowed: fn(Role) -> bool) -> Result<(Staff, Session), Gate<()>> {
    let Some(session) = session_of(parts) else { return Err(Gate::Unavailable) };
    match signed_in(state, &session).await {
        Ok(s) if allowed(s.role) => Ok((s, session)),
        Ok(_) => Err(Gate::Forbidden),
        Err(d) => Err(gate_of(d)),
    }
}

fn me(state: &AppState, s: &Staff) -> Me {
    Me { name: s.name.clone(), email: s.email.clone(), role: s.role, idle_secs: state.settings.staff_timeouts.idle.as_secs() }
}

pub async fn queue(state: &AppState, parts: &Parts, page: u32) -> Gate<QueuePage> {
    let (staff, session) = match staff(state, parts, super::any_role).await {
        Ok(s) => s,
        Err(g) => return refuse(g),
    };
    let mut filter: QueueFilter = session.get(QUEUE_FILTER).await.ok().flatten().unwrap_or_default();
    if !staff.role.sees_clinical() {
        filter.outcome = None;
    }
    let tz = &state.settings.clinic_timezone;
    let page = page.max(1);
    match queue::page(&state.db, &state.queue_cache, &filter, page, PER_PAGE, staff.role, tz, state.settings.today(), staff.queue_version).await {
        Ok((rows, total)) => {
            // The queue shows names: who looked, and at how many, is audited too.
            let detail = format!("page {page}, {} of {total} rows", rows.len());
            if audit(state, Some(&staff), Action::ViewQueue, "", &detail, &Origin::from_parts(parts, state)).await.is_err() {
                return refuse(Gate::Unavailable);
            }
            Gate::Ok(QueuePage {
            me: me(state, &staff),
            filter,
            rows,
            total,
            page,
            pages: (total.max(1) as u32).div_ceil(PER_PAGE),
            })
        }
        Err(e) => {
            tracing::warn!(error = %e, "queue query failed");
            refuse(Gate::Unavailable)
        }
    }
}

pub async fn submission(state: &AppState, parts: &Parts, reference: &str) -> Gate<Option<SubmissionView>> {
    let (staff, _) = match staff(state, parts, super::any_role).await {
        Ok(s) => s,
        Err(g) => return refuse(g),
    };
    let Ok(reference) = Reference::parse(reference) else { return not_found() };
    let found = match submissions::find(&state.db, &reference).await {
        Ok(Some(s)) => s,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::warn!(error = %e, "submission query failed");
            return refuse(Gate::Unavailable);
        }
    };
    let origin = Origin::from_parts(parts, state);
    if audit(state, Some(&staff), Action::ViewSubmission, reference.compact(), "", &origin).await.is_err() {
        return refuse(Gate::Unavailable);
    }
    let (notes, history, assignable, verifications) = match (
        submissions::notes(&state.db, found.id).await,
        submissions::history(&state.db, found.id).await,
        submissions::assignable(&state.db).await,
        insurance::history(&state.db, found.id).await,
    ) {
        (Ok(n), Ok(h), Ok(a), Ok(v)) => (n, h, a, v),
        _ => return refuse(Gate::Unavailable),
    };
    let session = session_of(parts);
    let suggestion = match &session {
        Some(session) => session
            .get::<(String, Suggestion)>(SUGGESTION)
            .await
            .ok()
            .flatten()
            .filter(|(r, _)| r == reference.compact())
            .map(|(_, s)| s),
        None => None,
    };
    let refused_271 = match &session {
        Some(session) => session
            .get::<(String, String)>(REFUSED_271)
            .await
            .ok()
            .flatten()
            .filter(|(r, _)| r == reference.compact())
            .map(|(_, reason)| reason),
        None => None,
    };
    let cards = crate::server::staff::cards::sides(&state.db, found.id).await.unwrap_or_default();
    let tz = &state.settings.clinic_timezone;
    let e = &found.evaluation;
    let clinical = staff.role.sees_clinical();
    let mut answers = found.answers_json.clone();
    if !clinical {
        // Minimum necessary: the clinical and mood answers never leave the server.
        if let Some(o) = answers.as_object_mut() {
            o.remove("clinical");
        }
    }
    Gate::Ok(Some(SubmissionView {
        me: me(state, &staff),
        reference: reference.display(),
        received: local_time(&found.created_at, tz),
        age: age_on(found.answers.patient.date_of_birth, state.settings.today()),
        locale: found.answers.locale.as_str().to_owned(),
        status: found.status,
        next: if staff.role.changes_status() { found.status.next().to_vec() } else { Vec::new() },
        priority: crate::domain::staff::priority(e.outcome, e.safety_alert),
        verification: found.verification,
        assignee: found.assignee.clone(),
        assignable: if staff.role.changes_status() { assignable } else { Vec::new() },
        answers,
        clinical: clinical.then(|| ClinicalView {
            outcome: e.outcome,
            safety_alert: e.safety_alert,
            reasons: e.reasons.iter().map(|r| r.code).collect(),
            rules_version: e.rules_version.clone(),
            peg: format!("{}.{}", e.scores.peg.tenths() / 10, e.scores.peg.tenths() % 10),
            phq9: e.scores.phq9.zip(e.scores.phq9_band).map(|(n, b)| (n, b.as_str().replace('_', " "))),
            gad7: e.scores.gad7.zip(e.scores.gad7_band).map(|(n, b)| (n, b.as_str().replace('_', " "))),
        }),
        notes: notes.into_iter().map(|n| NoteView { author: n.author, at: local_time(&n.at, tz), body: n.body }).collect(),
        history: history
            .into_iter()
            .map(|h| HistoryView { from: h.from, to: h.to, by: h.by, at: local_time(&h.at, tz) })
            .collect(),
        verifications: verifications
            .into_iter()
            .map(|v| VerificationView { form: v.form, by: v.by, at: local_time(&v.at, tz) })
            .collect(),
        suggestion,
        refused_271,
        no_270: no_270_reason(state, &found.answers),
        cards,
    }))
}

/// The session entry holding the reading of the last uploaded 271 (reference, reading).
pub const SUGGESTION: &str = "x12_suggestion";

/// The session entry holding why the last uploaded 271 was refused (reference, the
/// reader's message), shown beside the upload form.
pub const REFUSED_271: &str = "x12_refused";

/// Why no 270 can be made for these answers, if so.
pub fn no_270_reason(state: &AppState, answers: &crate::domain::intake::IntakeAnswers) -> Option<String> {
    use crate::domain::intake::Plan;
    match answers.insurance.plan {
        Plan::SelfPay => Some("Self-pay: there is no coverage to check.".into()),
        Plan::Other => Some("The patient's plan is not in the payer directory: check coverage by phone or the payer's portal.".into()),
        _ if state.settings.eligibility.is_none() => Some("Set CLINIC_NPI to make eligibility inquiries.".into()),
        _ => None,
    }
}

fn not_found<T>() -> Gate<Option<T>> {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(StatusCode::NOT_FOUND);
    }
    Gate::Ok(None)
}

pub async fn users(state: &AppState, parts: &Parts) -> Gate<UsersPage> {
    let (staff, session) = match staff(state, parts, Role::manages_accounts).await {
        Ok(s) => s,
        Err(g) => return refuse(g),
    };
    let new_invite = session.remove::<(String, String)>(INVITE_FLASH).await.ok().flatten();
    match accounts::list(&state.db).await {
        Ok(list) => Gate::Ok(UsersPage {
            me: me(state, &staff),
            users: list,
            new_invite,
        }),
        Err(_) => refuse(Gate::Unavailable),
    }
}

pub async fn audit_page(state: &AppState, parts: &Parts, page: u32) -> Gate<AuditPage> {
    let (staff, session) = match staff(state, parts, Role::manages_accounts).await {
        Ok(s) => s,
        Err(g) => return refuse(g),
    };
    let filter: AuditFilter = session.get(AUDIT_FILTER).await.ok().flatten().unwrap_or_default();
    let query = AuditQuery {
        action: filter.action.as_deref().and_then(Action::parse),
        actor: filter.actor.clone(),
        target: filter.target.clone(),
        from: filter.from.as_deref().and_then(|d| d.parse().ok()),
        to: filter.to.as_deref().and_then(|d| d.parse().ok()),
    };
    let origin = Origin::from_parts(parts, state);
    if audit(state, Some(&staff), Action::ViewAudit, "", "", &origin).await.is_err() {
        return refuse(Gate::Unavailable);
    }
    let page = page.max(1);
    let per_page = 100;
    let (rows, total) = match audit_log::list(&state.db, &query, page, per_page).await {
        Ok(r) => r,
        Err(_) => return refuse(Gate::Unavailable),
    };
    let (chain, chain_ok) = match audit_log::verify(&state.db).await {
        Ok(v) => match v.problem {
            None => (format!("Chain verified: {} entries, none changed or removed.", v.rows), true),
            Some(p) => (format!("Chain broken: {p}"), false),
        },
        Err(_) => return refuse(Gate::Unavailable),
    };
    let tz = &state.settings.clinic_timezone;
    Gate::Ok(AuditPage {
        me: me(state, &staff),
        filter,
        actions: Action::ALL.iter().map(|a| a.as_str().to_owned()).collect(),
        rows: rows.into_iter().map(|r| AuditRow { at: local_time(&r.at, tz), ..r }).collect(),
        total,
        page,
        pages: (total.max(1) as u32).div_ceil(per_page),
        chain,
        chain_ok,
    })
}

pub async fn account(state: &AppState, parts: &Parts) -> Gate<AccountPage> {
    let (staff, _) = match staff(state, parts, super::any_role).await {
        Ok(s) => s,
        Err(g) => return refuse(g),
    };
    match (accounts::find(&state.db, staff.id).await, accounts::recovery_codes_left(&state.db, staff.id).await) {
        (Ok(Some(u)), Ok(left)) => {
            Gate::Ok(AccountPage { me: me(state, &staff), two_factor: u.totp_secret.is_some(), recovery_codes_left: left })
        }
        _ => refuse(Gate::Unavailable),
    }
}

/// The enrolment page: for a session at the enrolment step, or a signed-in user
/// replacing their authenticator. The secret stays in the session, sealed, until
/// confirmed; a signed-in user is asked to prove it is them again (`auth::enrol`).
pub async fn enrol(state: &AppState, parts: &Parts) -> Gate<EnrolPage> {
    let Some(session) = session_of(parts) else { return refuse(Gate::Unavailable) };
    if let Some(codes) = sessions::take_recovery_codes(&session, &state.db).await {
        return Gate::Ok(EnrolPage { secret: String::new(), qr_svg: String::new(), recovery_codes: codes, current: None });
    }
    let Some(mut s) = sessions::state(&session).await else { return refuse(Gate::SignIn) };
    match s.stage {
        Stage::Enrol => {}
        Stage::TwoFactor => return refuse(Gate::TwoFactor),
        Stage::Full => {
            if let Err(d) = signed_in(state, &session).await {
                return refuse(gate_of(d));
            }
            s = match sessions::state(&session).await {
                Some(s) => s,
                None => return refuse(Gate::SignIn),
            };
        }
    }
    let Ok(Some(user)) = accounts::find(&state.db, s.user_id).await else { return refuse(Gate::SignIn) };
    let current = (s.stage == Stage::Full).then_some(if user.totp_secret.is_some() {
        CurrentProof::PasswordOrCode
    } else {
        CurrentProof::Password
    });
    let secret = match sessions::pending_secret(&state.db, &s) {
        Some(secret) => secret,
        None => {
            let secret = totp::new_secret();
            if sessions::offer_secret(&session, &state.db, s, &secret).await.is_err() {
                return refuse(Gate::Unavailable);
            }
            secret
        }
    };
    let url = totp::provisioning_url(&secret, &state.settings.clinic_name, &user.email).unwrap_or_default();
    Gate::Ok(EnrolPage { qr_svg: totp::qr_svg(&url).unwrap_or_default(), secret, recovery_codes: Vec::new(), current })
}

pub async fn payers(state: &AppState, parts: &Parts) -> Gate<PayersPage> {
    let (staff, _) = match staff(state, parts, Role::manages_accounts).await {
        Ok(s) => s,
        Err(g) => return refuse(g),
    };
    match insurance::payers(&state.db).await {
        Ok(payers) => Gate::Ok(PayersPage { me: me(state, &staff), payers }),
        Err(_) => refuse(Gate::Unavailable),
    }
}
