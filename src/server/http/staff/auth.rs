//! Signing in (password, then a TOTP or recovery code), two-factor enrolment, signing
//! out (here or everywhere), changing a password and accepting an invitation.
//!
//! Unknown e-mail, disabled account, locked account and wrong password all answer the
//! same redirect after the same argon2 work, so the form reveals nothing about accounts.
//!
//! A signed-in user who changes their password or authenticator gives their current
//! password (or code) again: those guesses count against the same per-address limit
//! and per-account failures as sign-in, or a stolen session would be an unlimited
//! password oracle and a way to swap the second factor (`reauthenticate`).

use super::error::{redirect, StaffError};
use super::guard::{AnyStaff, SameSite, StaffPost};
use super::{audit, Origin};
use crate::server::http::browser::see_other;
use crate::server::http::AppState;
use crate::server::rate_limit::Decision;
use crate::server::staff::accounts::{self, HOURLY_FAILURES};
use crate::server::staff::audit::Action;
use crate::server::staff::password::{self, NewPassword, PolicyError};
use crate::server::staff::sessions::{self, Staff, Stage};
use crate::server::staff::totp;
use crate::shared::staff::Refusal;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

type Answer = Result<Response, StaffError>;

/// Counts one attempt from `client` against the per-address limit (429 past it).
async fn per_address_limit(state: &AppState, kind: &str, client: &str) -> Result<(), StaffError> {
    match state.limiter.hit_limit(&format!("{kind}:{client}"), state.settings.sign_in_per_minute).await? {
        Decision::Allow => Ok(()),
        Decision::Limited { retry_after_secs } => Err(StaffError::TooMany { retry_after_secs }),
    }
}

fn now_unix() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Whether an account is in its wait after repeated failures, or over the hourly cap.
async fn locked(state: &AppState, user: &accounts::User) -> Result<bool, sqlx::Error> {
    let waiting = user
        .locked_until
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .is_some_and(|t| t > jiff::Timestamp::now());
    Ok(waiting || accounts::failures_last_hour(&state.db, user.id).await? >= HOURLY_FAILURES)
}

/// Whether this account must use a second factor.
fn needs_two_factor(state: &AppState, user: &accounts::User) -> bool {
    state.settings.two_factor_for_all || user.role == crate::domain::staff::Role::Admin
}

fn staff_of(user: &accounts::User) -> Staff {
    Staff { id: user.id, email: user.email.clone(), name: user.name.clone(), role: user.role, queue_version: None }
}

/// What a signed-in user's repeated proof of identity came to.
enum Reauth {
    Proven,
    /// Wrong password or code: counted and audited.
    Wrong,
    /// The account waits after repeated failures (or is at its hourly cap): nothing was
    /// checked, not even a right password.
    Waiting,
}

/// Checks the current password, or with `code_ok` a current code from the account's
/// enrolled authenticator, of a signed-in user about to change a credential (`purpose`,
/// for the audit trail). Counted like sign-in: per address (429) and per account
/// (failures, waits, hourly cap); every failure is audited.
async fn reauthenticate(
    state: &AppState,
    user: &accounts::User,
    given: &str,
    code_ok: bool,
    purpose: &str,
    origin: &Origin,
) -> Result<Reauth, StaffError> {
    per_address_limit(state, "reauth", &origin.client).await?;
    let waiting = locked(state, user).await?;
    let digits: String = given.chars().filter(|c| !c.is_whitespace()).collect();
    // Six digits cannot be a password (NewPassword: 12 characters or more).
    let is_code =
        code_ok && user.totp_secret.is_some() && digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit());
    let proven = if waiting {
        password::verify(given, None).await
    } else if is_code {
        let keys = state.db.keys.as_deref();
        let secret =
            user.totp_secret.as_deref().and_then(|s| accounts::open_secret(keys, user.id, s)).unwrap_or_default();
        match totp::accept(&secret, &digits, now_unix() as u64, user.totp_last_step.map(|s| s as u64)) {
            Some(step) => accounts::use_totp_step(&state.db, user.id, step as i64).await?,
            None => false,
        }
    } else {
        password::verify(given, user.password_hash.as_deref()).await
    };
    if proven && !waiting {
        return Ok(Reauth::Proven);
    }
    if !waiting {
        accounts::record_failure(&state.db, user.id).await?;
    }
    let detail = if waiting {
        format!("{purpose}: account waiting after repeated failures")
    } else if is_code {
        format!("{purpose}: wrong or used code")
    } else {
        format!("{purpose}: wrong current password")
    };
    audit(state, Some(&staff_of(user)), Action::ReauthFailed, &user.email, &detail, origin).await?;
    Ok(if waiting { Reauth::Waiting } else { Reauth::Wrong })
}

/// `POST /staff/sign-in`
pub async fn sign_in(
    State(state): State<AppState>,
    _: SameSite,
    origin: Origin,
    session: Session,
    Form(form): Form<SignInForm>,
) -> Answer {
    per_address_limit(&state, "sign-in", &origin.client).await?;
    let failed = || see_other("/staff/sign-in?m=failed", &[]);
    let user =
        accounts::find_by_email(&state.db, &form.email).await?.filter(|u| !u.disabled && u.password_hash.is_some());
    let Some(user) = user else {
        // The same argon2 work as a real check, then the same answer.
        password::verify(&form.password, None).await;
        audit(&state, None, Action::SignInFailed, "", "unknown or disabled account", &origin).await?;
        return Ok(failed());
    };
    let is_locked = locked(&state, &user).await?;
    let ok = if is_locked {
        password::verify(&form.password, None).await
    } else {
        password::verify(&form.password, user.password_hash.as_deref()).await
    };
    if !ok {
        let detail = if is_locked { "account waiting after repeated failures" } else { "wrong password" };
        if !is_locked {
            accounts::record_failure(&state.db, user.id).await?;
        }
        audit(&state, None, Action::SignInFailed, &user.email, detail, &origin).await?;
        return Ok(failed());
    }
    let stage = if user.totp_secret.is_some() {
        Stage::TwoFactor
    } else if needs_two_factor(&state, &user) {
        Stage::Enrol
    } else {
        Stage::Full
    };
    // The count restarts only once signed in: clearing it at the password step would give
    // anyone who knows the password a fresh run of code guesses after every five.
    if stage != Stage::TwoFactor {
        accounts::clear_failures(&state.db, user.id).await?;
    }
    sessions::begin(&session, &user, stage).await?;
    Ok(match stage {
        Stage::TwoFactor => see_other("/staff/two-factor", &[]),
        Stage::Enrol => see_other("/staff/enrol", &[]),
        Stage::Full => {
            audit(&state, Some(&staff_of(&user)), Action::SignIn, &user.email, "password", &origin).await?;
            see_other("/staff", &[])
        }
    })
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// The account of a session that is part-way through signing in, if still valid.
async fn pending(
    state: &AppState,
    session: &Session,
    stage: Stage,
) -> Result<(sessions::State, accounts::User), StaffError> {
    let s = sessions::state(session).await.filter(|s| s.stage == stage).ok_or(StaffError::Refused(Refusal::SignIn))?;
    let timeouts = state.settings.staff_timeouts;
    if now_unix() - s.last_seen > timeouts.idle.as_secs() as i64 {
        sessions::end(session).await;
        return Err(Refusal::Expired.into());
    }
    match accounts::find(&state.db, s.user_id).await? {
        Some(u) if !u.disabled && u.session_epoch == s.epoch => Ok((s, u)),
        _ => {
            sessions::end(session).await;
            Err(Refusal::SignIn.into())
        }
    }
}

/// `POST /staff/two-factor`: a TOTP code or a recovery code.
pub async fn two_factor(
    State(state): State<AppState>,
    _: SameSite,
    origin: Origin,
    session: Session,
    Form(form): Form<CodeForm>,
) -> Answer {
    per_address_limit(&state, "two-factor", &origin.client).await?;
    let (s, user) = pending(&state, &session, Stage::TwoFactor).await?;
    let staff = staff_of(&user);
    let code = form.code.trim();
    let is_locked = locked(&state, &user).await?;
    let method = if is_locked {
        None
    } else if code.chars().any(|c| c.is_ascii_alphabetic()) || code.len() >= 10 {
        accounts::use_recovery_code(&state.db, user.id, &totp::recovery_hash(code)).await?.then_some("recovery code")
    } else {
        let keys = state.db.keys.as_deref();
        let secret =
            user.totp_secret.as_deref().and_then(|s| accounts::open_secret(keys, user.id, s)).unwrap_or_default();
        let last = user.totp_last_step.map(|s| s as u64);
        match totp::accept(&secret, code, now_unix() as u64, last) {
            Some(step) => accounts::use_totp_step(&state.db, user.id, step as i64).await?.then_some("totp"),
            None => None,
        }
    };
    let Some(method) = method else {
        if !is_locked {
            accounts::record_failure(&state.db, user.id).await?;
        }
        audit(&state, Some(&staff), Action::TwoFactorFailed, &user.email, "wrong or used code", &origin).await?;
        return Ok(see_other("/staff/two-factor?m=code", &[]));
    };
    let now = now_unix();
    let full = sessions::State { stage: Stage::Full, signed_in_at: now, last_seen: now, ..s };
    accounts::clear_failures(&state.db, user.id).await?;
    sessions::update(&session, full, true).await?;
    if method == "recovery code" {
        audit(&state, Some(&staff), Action::RecoveryCodeUsed, &user.email, "", &origin).await?;
    }
    audit(&state, Some(&staff), Action::SignIn, &user.email, method, &origin).await?;
    Ok(see_other("/staff", &[]))
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    code: String,
    /// Signed in only: the current password, or a code from the current authenticator.
    #[serde(default)]
    current: String,
}

/// `POST /staff/enrol`: confirms the offered secret with a code from the app. Works at
/// first sign-in (stage `Enrol`, right after the password) and, signed in, to replace a
/// lost authenticator, once the user has shown again that they own the account.
pub async fn enrol(
    State(state): State<AppState>,
    _: SameSite,
    origin: Origin,
    session: Session,
    Form(form): Form<EnrolForm>,
) -> Answer {
    let (s, user) = match pending(&state, &session, Stage::Enrol).await {
        Ok(p) => p,
        Err(_) => {
            let staff = sessions::current(&session, &state.db, state.settings.staff_timeouts).await?;
            let s = sessions::state(&session).await.ok_or(Refusal::SignIn)?;
            (s, accounts::find(&state.db, staff.id).await?.ok_or(Refusal::SignIn)?)
        }
    };
    let secret = sessions::pending_secret(&state.db, &s).ok_or_else(|| redirect("/staff/enrol"))?;
    if s.stage == Stage::Full {
        match reauthenticate(&state, &user, &form.current, true, "new authenticator", &origin).await? {
            Reauth::Proven => {}
            Reauth::Wrong => return Err(redirect("/staff/enrol?m=current")),
            Reauth::Waiting => return Err(redirect("/staff/enrol?m=locked")),
        }
    }
    let step =
        totp::accept(&secret, &form.code, now_unix() as u64, None).ok_or_else(|| redirect("/staff/enrol?m=code"))?;
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| totp::recovery_hash(c)).collect();
    let stored = accounts::seal_secret(state.db.keys.as_deref(), user.id, &secret);
    accounts::enrol_two_factor(&state.db, user.id, &stored, step as i64, &hashes).await?;
    // Enrolling ended every other session (new epoch); this one continues under it.
    let now = now_unix();
    let next = sessions::State {
        epoch: user.session_epoch + 1,
        stage: Stage::Full,
        pending_secret: None,
        signed_in_at: if s.stage == Stage::Full { s.signed_in_at } else { now },
        last_seen: now,
        ..s
    };
    let staff = staff_of(&user);
    sessions::update(&session, next, true).await?;
    sessions::flash_recovery_codes(&session, &state.db, user.id, &codes).await?;
    audit(&state, Some(&staff), Action::TwoFactorEnrolled, &user.email, "", &origin).await?;
    // At first sign-in, enrolling is what completes the sign-in: record it as one.
    if s.stage == Stage::Enrol {
        audit(&state, Some(&staff), Action::SignIn, &user.email, "enrolment", &origin).await?;
    }
    Ok(see_other("/staff/enrol", &[]))
}

/// `POST /staff/sign-out`
pub async fn sign_out(State(state): State<AppState>, _: SameSite, origin: Origin, session: Session) -> Response {
    if let Ok(staff) = sessions::current(&session, &state.db, state.settings.staff_timeouts).await {
        let _ = audit(&state, Some(&staff), Action::SignOut, &staff.email, "", &origin).await;
    }
    sessions::end(&session).await;
    see_other("/staff/sign-in?m=signed-out", &[])
}

/// `POST /staff/sign-out-everywhere`: ends every session of the account.
pub async fn sign_out_everywhere(State(state): State<AppState>, post: StaffPost<AnyStaff>) -> Answer {
    accounts::end_sessions(&state.db, post.staff.id).await?;
    let _ = audit(&state, Some(&post.staff), Action::SignOutEverywhere, &post.staff.email, "", &post.origin).await;
    sessions::end(&post.session).await;
    Ok(see_other("/staff/sign-in?m=signed-out", &[]))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

fn policy_code(e: PolicyError) -> &'static str {
    match e {
        PolicyError::TooShort => "too-short",
        PolicyError::TooLong => "too-long",
        PolicyError::Common => "common",
    }
}

/// `POST /staff/password`: the current password is checked like a sign-in (limits,
/// failures, audit); a change ends every session, this one included.
pub async fn change_password(
    State(state): State<AppState>,
    post: StaffPost<AnyStaff>,
    Form(form): Form<PasswordForm>,
) -> Answer {
    let user = accounts::find(&state.db, post.staff.id).await?.ok_or(Refusal::SignIn)?;
    match reauthenticate(&state, &user, &form.current, false, "password change", &post.origin).await? {
        Reauth::Proven => {}
        Reauth::Wrong => return Err(redirect("/staff/account?m=wrong")),
        Reauth::Waiting => return Err(redirect("/staff/account?m=locked")),
    }
    if form.new != form.confirm {
        return Err(redirect("/staff/account?m=mismatch"));
    }
    let new = NewPassword::parse(&form.new).map_err(|e| redirect(format!("/staff/account?m={}", policy_code(e))))?;
    let hash = password::hash(&new).await.map_err(|_| Refusal::Unavailable)?;
    accounts::set_password(&state.db, post.staff.id, &hash).await?;
    let _ = audit(&state, Some(&post.staff), Action::PasswordChanged, &post.staff.email, "", &post.origin).await;
    sessions::end(&post.session).await;
    Ok(see_other("/staff/sign-in?m=password-changed", &[]))
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /staff/invite/{token}`: the invited person chooses a password.
pub async fn accept_invitation(
    State(state): State<AppState>,
    _: SameSite,
    origin: Origin,
    Path(token): Path<String>,
    Form(form): Form<InviteForm>,
) -> Answer {
    let here = format!("/staff/invite/{token}");
    let gone = || redirect("/staff/sign-in?m=invite");
    let user = accounts::invitation(&state.db, &token).await?.ok_or_else(gone)?;
    if form.password != form.confirm {
        return Err(redirect(format!("{here}?m=mismatch")));
    }
    let new = NewPassword::parse(&form.password).map_err(|e| redirect(format!("{here}?m={}", policy_code(e))))?;
    let hash = password::hash(&new).await.map_err(|_| Refusal::Unavailable)?;
    accounts::accept_invitation(&state.db, &token, &hash).await?.ok_or_else(gone)?;
    let _ = audit(&state, Some(&staff_of(&user)), Action::InvitationAccepted, &user.email, "", &origin).await;
    Ok(see_other("/staff/sign-in?m=welcome", &[]))
}

/// `POST /staff/keepalive`: "stay signed in" from the idle warning (a fetch: it answers
/// 204, or 401 when the session has ended, not a page).
pub async fn keepalive(State(state): State<AppState>, _: SameSite, session: Session) -> Response {
    match sessions::current(&session, &state.db, state.settings.staff_timeouts).await.map_err(Refusal::from) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(Refusal::Unavailable) => super::unavailable(),
        Err(_) => StatusCode::UNAUTHORIZED.into_response(),
    }
}
