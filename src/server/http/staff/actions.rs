//! Form posts of the staff pages: queue and audit filters, workflow status, assignee,
//! notes, and (admins) accounts. Each checks origin, session and role, audits, and
//! redirects back to the page it came from.

use super::pages::{AUDIT_FILTER, INVITE_FLASH, QUEUE_FILTER};
use super::{any_role, audit, post_guard, Origin};
use crate::domain::intake::Plan;
use crate::domain::screening::Outcome;
use crate::domain::staff::{Role, VerificationStatus, WorkflowStatus};
use crate::domain::values::Reference;
use crate::server::http::extract::ClientAddr;
use crate::server::http::browser::see_other;
use crate::server::http::AppState;
use crate::server::staff::accounts::{self, AccountError};
use crate::server::staff::audit::Action;
use crate::server::staff::submissions::{self, ChangeError, NOTE_MAX};
use crate::shared::staff::{AuditFilter, QueueFilter, QueueSort};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use std::collections::HashMap;
use tower_sessions::Session;

type Fields = Form<HashMap<String, String>>;

fn field<'a>(f: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    f.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// A date field: kept only when it is a real date.
fn date(f: &HashMap<String, String>, name: &str) -> Option<String> {
    field(f, name).filter(|d| d.parse::<jiff::civil::Date>().is_ok()).map(str::to_owned)
}

/// `POST /staff/queue`: remembers the filters in the session, then shows page 1.
pub async fn filter_queue(State(state): State<AppState>, session: Session, headers: HeaderMap, Form(f): Fields) -> Response {
    if let Err(r) = post_guard(&state, &session, &headers, any_role).await {
        return r;
    }
    let filter = if f.contains_key("clear") {
        QueueFilter::default()
    } else {
        QueueFilter {
            outcome: field(&f, "outcome").and_then(Outcome::parse),
            status: field(&f, "status").and_then(WorkflowStatus::parse),
            plan: field(&f, "plan").and_then(Plan::parse),
            verification: field(&f, "verification").and_then(VerificationStatus::parse),
            from: date(&f, "from"),
            to: date(&f, "to"),
            search: field(&f, "search").map(|s| s.chars().take(100).collect()),
            sort: field(&f, "sort").and_then(QueueSort::parse).unwrap_or_default(),
        }
    };
    if session.insert(QUEUE_FILTER, filter).await.is_err() {
        return super::unavailable();
    }
    see_other("/staff", &[])
}

/// `POST /staff/audit`: the audit log's filters (admins).
pub async fn filter_audit(State(state): State<AppState>, session: Session, headers: HeaderMap, Form(f): Fields) -> Response {
    if let Err(r) = post_guard(&state, &session, &headers, Role::manages_accounts).await {
        return r;
    }
    let filter = if f.contains_key("clear") {
        AuditFilter::default()
    } else {
        AuditFilter {
            action: field(&f, "action").filter(|a| Action::parse(a).is_some()).map(str::to_owned),
            actor: field(&f, "actor").map(|s| s.chars().take(254).collect()),
            target: field(&f, "target").map(|s| s.chars().take(254).collect()),
            from: date(&f, "from"),
            to: date(&f, "to"),
        }
    };
    if session.insert(AUDIT_FILTER, filter).await.is_err() {
        return super::unavailable();
    }
    see_other("/staff/audit", &[])
}

/// The intake id of a reference in a path, or the answer to give instead.
async fn intake_id(state: &AppState, reference: &str) -> Result<(i64, Reference), Response> {
    super::find_submission(state, reference).await.map(|s| (s.id, s.reference))
}

/// `POST /staff/submissions/{reference}/status` with `from` (the status the user saw)
/// and `to`.
pub async fn change_status(
    State(state): State<AppState>,
    session: Session,
    Path(reference): Path<String>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let staff = match post_guard(&state, &session, &headers, Role::changes_status).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (id, reference) = match intake_id(&state, &reference).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let page = format!("/staff/submissions/{}", reference.display());
    let (Some(from), Some(to)) =
        (field(&f, "from").and_then(WorkflowStatus::parse), field(&f, "to").and_then(WorkflowStatus::parse))
    else {
        return see_other(&format!("{page}?m=bad-status"), &[]);
    };
    match submissions::change_status(&state.db, id, from, to, staff.id).await {
        Ok(()) => {}
        Err(ChangeError::NotAllowed { .. }) => return see_other(&format!("{page}?m=bad-status"), &[]),
        Err(ChangeError::Conflict) => return see_other(&format!("{page}?m=conflict"), &[]),
        Err(ChangeError::Db(_)) => return super::unavailable(),
    }
    let detail = format!("{} -> {}", from.as_str(), to.as_str());
    if audit(&state, Some(&staff), Action::ChangeStatus, reference.compact(), &detail, &Origin::of(&headers, client)).await.is_err() {
        return super::unavailable();
    }
    see_other(&format!("{page}?m=status-changed"), &[])
}

/// `POST /staff/submissions/{reference}/assign` with `assignee` (an account id, or empty).
pub async fn assign(
    State(state): State<AppState>,
    session: Session,
    Path(reference): Path<String>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let staff = match post_guard(&state, &session, &headers, Role::changes_status).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (id, reference) = match intake_id(&state, &reference).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let page = format!("/staff/submissions/{}", reference.display());
    // Empty means nobody; anything else must be an account id (not silently "nobody").
    let assignee = match field(&f, "assignee").map(str::parse::<i64>) {
        None => None,
        Some(Ok(a)) => Some(a),
        Some(Err(_)) => return see_other(&format!("{page}?m=bad-assignee"), &[]),
    };
    if let Some(a) = assignee {
        match submissions::assignable(&state.db).await {
            Ok(list) if list.iter().any(|(id, _)| *id == a) => {}
            Ok(_) => return see_other(&format!("{page}?m=bad-assignee"), &[]),
            Err(_) => return super::unavailable(),
        }
    }
    if submissions::assign(&state.db, id, assignee).await.is_err() {
        return super::unavailable();
    }
    let detail = assignee.map(|a| format!("account {a}")).unwrap_or_else(|| "nobody".into());
    if audit(&state, Some(&staff), Action::Assign, reference.compact(), &detail, &Origin::of(&headers, client)).await.is_err() {
        return super::unavailable();
    }
    see_other(&format!("{page}?m=assigned"), &[])
}

/// `POST /staff/submissions/{reference}/notes` with `body`.
pub async fn add_note(
    State(state): State<AppState>,
    session: Session,
    Path(reference): Path<String>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let staff = match post_guard(&state, &session, &headers, Role::writes_notes).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (id, reference) = match intake_id(&state, &reference).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let page = format!("/staff/submissions/{}", reference.display());
    let Some(body) = field(&f, "body") else { return see_other(&format!("{page}?m=note-empty#notes"), &[]) };
    if body.chars().count() > NOTE_MAX {
        return see_other(&format!("{page}?m=note-long#notes"), &[]);
    }
    if submissions::add_note(&state.db, id, staff.id, body).await.is_err() {
        return super::unavailable();
    }
    // The note's text is PHI: the audit row says that a note was added, not what it says.
    if audit(&state, Some(&staff), Action::AddNote, reference.compact(), "", &Origin::of(&headers, client)).await.is_err() {
        return super::unavailable();
    }
    see_other(&format!("{page}?m=note-added#notes"), &[])
}

/// `POST /staff/users`: an admin invites someone (e-mail, name, role). The link is shown
/// once on the accounts page.
pub async fn invite(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let staff = match post_guard(&state, &session, &headers, Role::manages_accounts).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let email = accounts::normal_email(field(&f, "email").unwrap_or(""));
    let name = field(&f, "name").unwrap_or("");
    let Some(role) = field(&f, "role").and_then(Role::parse) else { return see_other("/staff/users?m=bad-role", &[]) };
    if crate::domain::values::Email::parse(&email).is_err() {
        return see_other("/staff/users?m=bad-email", &[]);
    }
    let Ok(name) = crate::domain::values::PersonName::parse(name) else {
        return see_other("/staff/users?m=bad-name", &[]);
    };
    let id = match accounts::create(&state.db, &email, name.as_str(), role, None).await {
        Ok(id) => id,
        Err(AccountError::Duplicate) => return see_other("/staff/users?m=duplicate", &[]),
        Err(AccountError::Db(_)) => return super::unavailable(),
    };
    invitation_link(&state, &session, &staff, id, &email, role, &Origin::of(&headers, client)).await
}

async fn invitation_link(
    state: &AppState,
    session: &Session,
    staff: &crate::server::staff::sessions::Staff,
    id: i64,
    email: &str,
    role: Role,
    origin: &Origin,
) -> Response {
    let Ok(token) = accounts::invite(&state.db, id).await else { return super::unavailable() };
    let link = format!("{}/staff/invite/{token}", state.settings.public_url);
    if audit(state, Some(staff), Action::UserInvited, email, role.as_str(), origin).await.is_err() {
        return super::unavailable();
    }
    if session.insert(INVITE_FLASH, (email.to_owned(), link)).await.is_err() {
        return super::unavailable();
    }
    see_other("/staff/users?m=invited", &[])
}

/// `POST /staff/users/{id}/{change}`: role, disable, enable, or a new invitation link.
pub async fn change_user(
    State(state): State<AppState>,
    session: Session,
    Path((id, change)): Path<(i64, String)>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Fields,
) -> Response {
    let staff = match post_guard(&state, &session, &headers, Role::manages_accounts).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let origin = Origin::of(&headers, client);
    let user = match accounts::find(&state.db, id).await {
        Ok(Some(u)) => u,
        Ok(None) => return super::message(StatusCode::NOT_FOUND, "Not found", "There is no such account."),
        Err(_) => return super::unavailable(),
    };
    // The last enabled admin cannot lock everyone out of account management.
    let last_admin = || async {
        user.role == Role::Admin && !user.disabled && accounts::active_admins(&state.db).await.map(|n| n <= 1).unwrap_or(true)
    };
    let (result, action, detail) = match change.as_str() {
        "role" => {
            let Some(role) = field(&f, "role").and_then(Role::parse) else { return see_other("/staff/users?m=bad-role", &[]) };
            if role != Role::Admin && last_admin().await {
                return see_other("/staff/users?m=last-admin", &[]);
            }
            (accounts::set_role(&state.db, id, role).await, Action::RoleChanged, format!("{} -> {}", user.role, role))
        }
        "disable" => {
            if id == staff.id || last_admin().await {
                return see_other("/staff/users?m=last-admin", &[]);
            }
            (accounts::set_disabled(&state.db, id, true).await, Action::UserDisabled, String::new())
        }
        "enable" => (accounts::set_disabled(&state.db, id, false).await, Action::UserEnabled, String::new()),
        "invite" if user.password_hash.is_none() => {
            return invitation_link(&state, &session, &staff, id, &user.email, user.role, &origin).await;
        }
        _ => return super::message(StatusCode::NOT_FOUND, "Not found", "There is no such change."),
    };
    if result.is_err() {
        return super::unavailable();
    }
    if audit(&state, Some(&staff), action, &user.email, &detail, &origin).await.is_err() {
        return super::unavailable();
    }
    see_other("/staff/users?m=saved", &[])
}
