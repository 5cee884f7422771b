//! The data behind each staff page, loaded by the server functions in `ui::staff::data`.
//!
//! Each loader checks session and role first and reads as its steps with `?`; `answered`
//! turns a refusal into a redirect to the right sign-in step (which Leptos also applies
//! when the page navigates in the browser), a 403 or a 503. Views of the queue, a
//! submission and the audit log are audited before they are returned.

use super::guard::signed_in_as;
use super::{audit, Origin};
use crate::domain::age::age_on;
use crate::domain::followup::minutes_left;
use crate::domain::intake::Locale;
use crate::domain::staff::Role;
use crate::domain::values::{Phone, Reference};
use crate::server::http::AppState;
use crate::server::staff::audit::{Action, Filter as AuditQuery};
use crate::server::staff::queue::{self, local_time, PER_PAGE};
use crate::server::staff::sessions::{self, Staff, Stage};
use crate::server::staff::{accounts, audit as audit_log, insurance, submissions, totp};
use crate::server::{callbacks, eligibility_outbox, follow_ups};
use crate::shared::staff::*;
use axum::http::request::Parts;
use axum::http::StatusCode;
use tower_sessions::Session;

/// Session entries for the queue's and audit log's filters.
pub const QUEUE_FILTER: &str = "queue_filter";
pub const AUDIT_FILTER: &str = "audit_filter";
/// The invitation link made by the last invite, shown once.
pub const INVITE_FLASH: &str = "invite_link";

/// Applies a refusal to the response being rendered (a redirect to the sign-in step,
/// else 403 or 503) and passes the page's gate on.
pub(super) fn answered<T>(gate: Gate<T>) -> Gate<T> {
    if let Err(refusal) = &gate {
        let response = leptos::prelude::use_context::<leptos_axum::ResponseOptions>();
        match refusal.redirect() {
            Some(path) => {
                leptos_axum::redirect(path);
                // `redirect` adds the Location header; the status must say so too.
                if let Some(response) = response {
                    response.set_status(StatusCode::SEE_OTHER);
                }
            }
            None => {
                if let Some(response) = response {
                    let forbidden = *refusal == Refusal::Forbidden;
                    response.set_status(if forbidden {
                        StatusCode::FORBIDDEN
                    } else {
                        StatusCode::SERVICE_UNAVAILABLE
                    });
                }
            }
        }
    }
    gate
}

fn session_of(parts: &Parts) -> Result<Session, Refusal> {
    parts.extensions.get::<Session>().cloned().ok_or(Refusal::Unavailable)
}

pub(super) async fn me(state: &AppState, s: &Staff) -> Result<Me, Refusal> {
    Ok(Me {
        name: s.name.clone(),
        email: s.email.clone(),
        role: s.role,
        idle_secs: state.settings.staff_timeouts.idle.as_secs(),
        open_follow_ups: follow_ups::open_count(&state.db).await?,
    })
}

/// The queue page `page`; `after` or `before` (a reference from the page's Next or
/// Previous link) says where it starts.
pub async fn queue(
    state: &AppState,
    parts: &Parts,
    page: u32,
    after: Option<&str>,
    before: Option<&str>,
) -> Gate<QueuePage> {
    // A cursor that does not parse is ignored: the page number alone decides.
    let cursor = match (after.map(Reference::parse), before.map(Reference::parse)) {
        (Some(Ok(r)), _) => Some(queue::Cursor::After(r)),
        (_, Some(Ok(r))) => Some(queue::Cursor::Before(r)),
        _ => None,
    };
    answered(queue_page(state, parts, page, cursor).await)
}

async fn queue_page(state: &AppState, parts: &Parts, page: u32, cursor: Option<queue::Cursor>) -> Gate<QueuePage> {
    let (staff, session) = signed_in_as(state, parts, |_| true).await?;
    let mut filter: QueueFilter = session.get(QUEUE_FILTER).await.ok().flatten().unwrap_or_default();
    if !staff.role.sees_clinical() {
        filter.outcome = None;
    }
    let tz = &state.settings.clinic_timezone;
    let page = page.max(1);
    let today = state.settings.today();
    let (rows, total) = queue::page(
        &state.db,
        &state.queue_cache,
        &filter,
        page,
        cursor.as_ref(),
        PER_PAGE,
        staff.role,
        tz,
        today,
        staff.queue_version,
    )
    .await?;
    // The queue shows names: who looked, and at how many, is audited too.
    let detail = format!("page {page}, {} of {total} rows", rows.len());
    let pages = (total.max(1) as u32).div_ceil(PER_PAGE);
    audit(state, Some(&staff), Action::ViewQueue, "", &detail, &Origin::from_parts(parts, state)).await?;
    Ok(QueuePage {
        me: me(state, &staff).await?,
        filter,
        next: (page < pages)
            .then(|| rows.last().map(|r| format!("/staff?page={}&after={}", page + 1, compact(&r.reference))))
            .flatten(),
        previous: match page {
            1 => None,
            // Page 1 by its number: it is the top of the queue as it is now.
            2 => Some("/staff".to_owned()),
            _ => rows.first().map(|r| format!("/staff?page={}&before={}", page - 1, compact(&r.reference))),
        },
        rows,
        total,
        page,
        pages,
    })
}

pub async fn submission(state: &AppState, parts: &Parts, reference: &str) -> Gate<Option<SubmissionView>> {
    answered(submission_page(state, parts, reference).await)
}

async fn submission_page(state: &AppState, parts: &Parts, reference: &str) -> Gate<Option<SubmissionView>> {
    let (staff, session) = signed_in_as(state, parts, |_| true).await?;
    let Ok(reference) = Reference::parse(reference) else { return Ok(not_found()) };
    let Some(found) = submissions::find(&state.db, &reference).await? else { return Ok(not_found()) };
    let origin = Origin::from_parts(parts, state);
    audit(state, Some(&staff), Action::ViewSubmission, reference.compact(), "", &origin).await?;
    let notes = submissions::notes(&state.db, found.id).await?;
    let history = submissions::history(&state.db, found.id).await?;
    let assignable = submissions::assignable(&state.db).await?;
    let verifications = insurance::history(&state.db, found.id).await?;
    // What the last 271 upload for this submission left in the session, if anything.
    let suggestion = session
        .get::<(String, Suggestion)>(SUGGESTION)
        .await
        .ok()
        .flatten()
        .filter(|(r, _)| r == reference.compact())
        .map(|(_, s)| s);
    let refused_271 = session
        .get::<(String, String)>(REFUSED_271)
        .await
        .ok()
        .flatten()
        .filter(|(r, _)| r == reference.compact())
        .map(|(_, reason)| reason);
    let cards = crate::server::staff::cards::sides(&state.db, found.id).await.unwrap_or_default();
    let tz = &state.settings.clinic_timezone;
    let (last_check, waiting) = eligibility_outbox::state_of(&state.db, found.id).await?;
    let attempts = eligibility_outbox::attempts_of(&state.db, found.id).await?;
    let eligibility = EligibilityView {
        realtime: state.eligibility.is_some(),
        last_check,
        waiting,
        attempts: attempts.into_iter().map(|a| CheckAttemptView { at: local_time(&a.at, tz), ..a }).collect(),
    };
    let e = &found.evaluation;
    let clinical = staff.role.sees_clinical();
    let mut answers = found.answers_json.clone();
    if !clinical {
        // Minimum necessary: the clinical and mood answers never leave the server.
        if let Some(o) = answers.as_object_mut() {
            o.remove("clinical");
        }
    }
    Ok(Some(SubmissionView {
        me: me(state, &staff).await?,
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
        notes: notes
            .into_iter()
            .map(|n| NoteView { author: n.author, at: local_time(&n.at, tz), body: n.body })
            .collect(),
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
        follow_up: follow_up_view(state, staff.role, found.id).await?,
        consent: submissions::consent(&state.db, found.id).await?.map(|c| consent_view(c, tz)),
        consult: super::consults::panel(state, staff.role, found.id, e.outcome, found.status).await?,
        eligibility,
    }))
}

/// A stored consent with the wording of its version, checked against its hash.
fn consent_view(c: submissions::AgreedConsent, tz: &jiff::tz::TimeZone) -> ConsentView {
    use crate::domain::intake::Locale;
    use crate::shared::consent;
    let locale = if c.locale == "es" { Locale::Es } else { Locale::En };
    let known = consent::version(&c.version);
    ConsentView {
        language: if locale == Locale::Es { "Spanish" } else { "English" }.to_owned(),
        statements: known.map(|v| v.statements(locale).iter().map(|s| (*s).to_owned()).collect()).unwrap_or_default(),
        intact: known.is_some_and(|v| crate::server::intakes::consent_sha256(v, locale) == c.sha256),
        at: local_time(&c.at, tz),
        version: c.version,
        sha256: c.sha256,
    }
}

pub async fn callback(state: &AppState, parts: &Parts, reference: &str) -> Gate<Option<CallbackView>> {
    answered(callback_page(state, parts, reference).await)
}

async fn callback_page(state: &AppState, parts: &Parts, reference: &str) -> Gate<Option<CallbackView>> {
    let (staff, _) = signed_in_as(state, parts, |_| true).await?;
    let Ok(reference) = Reference::parse(reference) else { return Ok(not_found()) };
    let Some(found) = callbacks::find(&state.db, &reference).await? else { return Ok(not_found()) };
    let origin = Origin::from_parts(parts, state);
    audit(state, Some(&staff), Action::ViewCallback, reference.compact(), "", &origin).await?;
    let tz = &state.settings.clinic_timezone;
    let follow_up = follow_ups::of_callback(&state.db, found.id).await?;
    let details = staff.role.works_follow_ups().then(|| CallbackDetails {
        name: found.name,
        phone: Phone::parse(&found.phone).map(|p| p.display()).unwrap_or(found.phone),
        language: match found.locale {
            Locale::En => "English",
            Locale::Es => "Spanish",
        }
        .to_owned(),
        red_flags: found.red_flags,
    });
    Ok(Some(CallbackView {
        me: me(state, &staff).await?,
        reference: reference.display(),
        received: local_time(&found.created_at, tz),
        details,
        follow_up: follow_up.map(|f| follow_up_shown(state, staff.role, f)),
    }))
}

/// A submission's follow-up as `role` may see it.
async fn follow_up_view(state: &AppState, role: Role, intake_id: i64) -> Result<Option<FollowUpView>, Refusal> {
    Ok(follow_ups::of_intake(&state.db, intake_id).await?.map(|f| follow_up_shown(state, role, f)))
}

/// A follow-up as `role` may see it.
fn follow_up_shown(state: &AppState, role: Role, f: follow_ups::FollowUp) -> FollowUpView {
    let tz = &state.settings.clinic_timezone;
    let open = f.closed.is_none();
    let work = role.works_follow_ups().then(|| FollowUpWork {
        opened: local_time(&f.opened_at, tz),
        deadline: local_time(&f.deadline, tz),
        minutes_left: minutes_until(&f.deadline),
        acknowledged: f.acknowledged_by.zip(f.acknowledged_at).map(|(by, at)| (by, local_time(&at, tz))),
        attempt_count: u32::try_from(f.attempts.len()).unwrap_or(u32::MAX),
        attempts: f
            .attempts
            .into_iter()
            .map(|a| AttemptView {
                at: local_time(&a.at, tz),
                by: a.by,
                method: a.method,
                result: a.result,
                note: a.note,
            })
            .collect(),
        escalations: f.escalations.into_iter().map(|(at, sent)| (local_time(&at, tz), sent)).collect(),
        closed: f.closed.map(|c| ClosedView { at: local_time(&c.at, tz), by: c.by, outcome: c.outcome, note: c.note }),
        attempt_key: attempt_key(),
    });
    FollowUpView { priority: f.priority, open, work }
}

/// 128 random bits: the key of one showing of the attempt form.
fn attempt_key() -> String {
    use rand::Rng;
    rand::rng().random::<u128>().to_string()
}

/// Minutes from now to a stored deadline (negative once it has passed).
fn minutes_until(deadline: &str) -> i64 {
    deadline.parse().map(|d| minutes_left(d, jiff::Timestamp::now())).unwrap_or(0)
}

pub async fn follow_ups_page(state: &AppState, parts: &Parts) -> Gate<FollowUpsPage> {
    answered(open_follow_ups(state, parts).await)
}

async fn open_follow_ups(state: &AppState, parts: &Parts) -> Gate<FollowUpsPage> {
    let (staff, _) = signed_in_as(state, parts, |_| true).await?;
    let open = follow_ups::open(&state.db).await?;
    audit(
        state,
        Some(&staff),
        Action::ViewFollowUps,
        "",
        &format!("{} open", open.len()),
        &Origin::from_parts(parts, state),
    )
    .await?;
    let tz = &state.settings.clinic_timezone;
    let works = staff.role.works_follow_ups();
    let rows = open
        .into_iter()
        .map(|f| FollowUpRow {
            reference: Reference::parse(&f.reference).map(|r| r.display()).unwrap_or(f.reference),
            subject: f.subject,
            priority: f.priority,
            work: works.then(|| FollowUpWork {
                opened: local_time(&f.opened_at, tz),
                minutes_left: minutes_until(&f.deadline),
                deadline: local_time(&f.deadline, tz),
                acknowledged: f.acknowledged_by.zip(f.acknowledged_at).map(|(by, at)| (by, local_time(&at, tz))),
                // The list shows how many; the submission page shows each.
                attempt_count: f.attempts,
                attempts: Vec::new(),
                escalations: Vec::new(),
                closed: None,
                // The list has no attempt form.
                attempt_key: String::new(),
            }),
        })
        .collect();
    Ok(FollowUpsPage { me: me(state, &staff).await?, rows })
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
        Plan::Other => Some(
            "The patient's plan is not in the payer directory: check coverage by phone or the payer's portal.".into(),
        ),
        _ if state.settings.eligibility.is_none() => Some("Set CLINIC_NPI to make eligibility inquiries.".into()),
        _ => None,
    }
}

/// "No such submission": a 404 with the page's own message.
pub(super) fn not_found<T>() -> Option<T> {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(StatusCode::NOT_FOUND);
    }
    None
}

fn manages_accounts(role: Role) -> bool {
    role.manages_accounts()
}

pub async fn users(state: &AppState, parts: &Parts) -> Gate<UsersPage> {
    answered(
        async {
            let (staff, session) = signed_in_as(state, parts, manages_accounts).await?;
            let new_invite = session.remove::<(String, String)>(INVITE_FLASH).await.ok().flatten();
            Ok(UsersPage { me: me(state, &staff).await?, users: accounts::list(&state.db).await?, new_invite })
        }
        .await,
    )
}

pub async fn audit_page(state: &AppState, parts: &Parts, page: u32) -> Gate<AuditPage> {
    answered(audit_log_page(state, parts, page).await)
}

async fn audit_log_page(state: &AppState, parts: &Parts, page: u32) -> Gate<AuditPage> {
    let (staff, session) = signed_in_as(state, parts, manages_accounts).await?;
    let filter: AuditFilter = session.get(AUDIT_FILTER).await.ok().flatten().unwrap_or_default();
    let query = AuditQuery {
        action: filter.action.as_deref().and_then(Action::parse),
        actor: filter.actor.clone(),
        target: filter.target.clone(),
        from: filter.from.as_deref().and_then(|d| d.parse().ok()),
        to: filter.to.as_deref().and_then(|d| d.parse().ok()),
    };
    audit(state, Some(&staff), Action::ViewAudit, "", "", &Origin::from_parts(parts, state)).await?;
    let page = page.max(1);
    let per_page = 100;
    let (rows, total) = audit_log::list(&state.db, &query, page, per_page).await?;
    let verified = audit_log::verify(&state.db).await?;
    let (chain, chain_ok) = match verified.problem {
        None => (format!("Chain verified: {} entries, none changed or removed.", verified.rows), true),
        Some(p) => (format!("Chain broken: {p}"), false),
    };
    let tz = &state.settings.clinic_timezone;
    Ok(AuditPage {
        me: me(state, &staff).await?,
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
    answered(
        async {
            let (staff, _) = signed_in_as(state, parts, |_| true).await?;
            let user = accounts::find(&state.db, staff.id).await?.ok_or(Refusal::SignIn)?;
            let left = accounts::recovery_codes_left(&state.db, staff.id).await?;
            Ok(AccountPage {
                me: me(state, &staff).await?,
                two_factor: user.totp_secret.is_some(),
                recovery_codes_left: left,
            })
        }
        .await,
    )
}

/// The enrolment page: for a session at the enrolment step, or a signed-in user
/// replacing their authenticator. The secret stays in the session, sealed, until
/// confirmed; a signed-in user is asked to prove it is them again (`auth::enrol`).
pub async fn enrol(state: &AppState, parts: &Parts) -> Gate<EnrolPage> {
    answered(enrol_page(state, parts).await)
}

async fn enrol_page(state: &AppState, parts: &Parts) -> Gate<EnrolPage> {
    let session = session_of(parts)?;
    if let Some(codes) = sessions::take_recovery_codes(&session, &state.db).await {
        return Ok(EnrolPage { secret: String::new(), qr_svg: String::new(), recovery_codes: codes, current: None });
    }
    let mut s = sessions::state(&session).await.ok_or(Refusal::SignIn)?;
    match s.stage {
        Stage::Enrol => {}
        Stage::TwoFactor => return Err(Refusal::TwoFactor),
        Stage::Full => {
            sessions::current(&session, &state.db, state.settings.staff_timeouts).await?;
            s = sessions::state(&session).await.ok_or(Refusal::SignIn)?;
        }
    }
    let user = accounts::find(&state.db, s.user_id).await.ok().flatten().ok_or(Refusal::SignIn)?;
    let current = (s.stage == Stage::Full).then_some(if user.totp_secret.is_some() {
        CurrentProof::PasswordOrCode
    } else {
        CurrentProof::Password
    });
    let secret = match sessions::pending_secret(&state.db, &s) {
        Some(secret) => secret,
        None => {
            let secret = totp::new_secret();
            sessions::offer_secret(&session, &state.db, s, &secret).await.map_err(|_| Refusal::Unavailable)?;
            secret
        }
    };
    let url = totp::provisioning_url(&secret, &state.settings.clinic.name, &user.email).unwrap_or_default();
    Ok(EnrolPage { qr_svg: totp::qr_svg(&url).unwrap_or_default(), secret, recovery_codes: Vec::new(), current })
}

/// `/staff/eligibility`: the real-time checks that failed or still wait (admins). Only
/// references identify patients.
pub async fn eligibility(state: &AppState, parts: &Parts) -> Gate<EligibilityPage> {
    answered(
        async {
            let (staff, _) = signed_in_as(state, parts, manages_accounts).await?;
            let tz = &state.settings.clinic_timezone;
            let checks = eligibility_outbox::pending(&state.db)
                .await?
                .into_iter()
                .map(|p| PendingCheckView { when: local_time(&p.at, tz), ..p.view })
                .collect();
            Ok(EligibilityPage { me: me(state, &staff).await?, realtime: state.eligibility.is_some(), checks })
        }
        .await,
    )
}

pub async fn payers(state: &AppState, parts: &Parts) -> Gate<PayersPage> {
    answered(
        async {
            let (staff, _) = signed_in_as(state, parts, manages_accounts).await?;
            Ok(PayersPage { me: me(state, &staff).await?, payers: insurance::payers(&state.db).await? })
        }
        .await,
    )
}

/// A queue row's reference as the pager's links carry it (letters and digits only).
fn compact(display: &str) -> String {
    Reference::parse(display).map(|r| r.compact().to_owned()).unwrap_or_default()
}
