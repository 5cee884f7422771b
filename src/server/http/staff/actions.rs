//! Form posts of the staff pages: queue and audit filters, workflow status, assignee,
//! notes, and (admins) accounts. The guard checks origin, session and role; each
//! handler changes what it must, audits, and redirects back to the page it came from.

use super::error::{redirect, StaffError};
use super::guard::{AnyStaff, ChangesStatus, ManagesAccounts, StaffPost, WritesNotes};
use super::pages::{AUDIT_FILTER, INVITE_FLASH, QUEUE_FILTER};
use super::{audit, Origin};
use crate::domain::intake::Plan;
use crate::domain::screening::Outcome;
use crate::domain::staff::{Role, VerificationStatus, WorkflowStatus};
use crate::domain::values::{Email, PersonName};
use crate::server::http::browser::see_other;
use crate::server::http::AppState;
use crate::server::staff::accounts::{self, AccountError};
use crate::server::staff::audit::Action;
use crate::server::staff::sessions::Staff;
use crate::server::staff::submissions::{self, ChangeError, NOTE_MAX};
use crate::shared::staff::{AuditFilter, ConsultFilter, QueueFilter, QueueSort};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use std::collections::HashMap;
use tower_sessions::Session;

type Fields = Form<HashMap<String, String>>;
type Answer = Result<Response, StaffError>;

fn field<'a>(f: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    f.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// A date field: kept only when it is a real date.
fn date(f: &HashMap<String, String>, name: &str) -> Option<String> {
    field(f, name).filter(|d| d.parse::<jiff::civil::Date>().is_ok()).map(str::to_owned)
}

/// `POST /staff/queue`: remembers the filters in the session, then shows page 1.
pub async fn filter_queue(post: StaffPost<AnyStaff>, Form(f): Fields) -> Answer {
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
            consult: field(&f, "consult").and_then(ConsultFilter::parse),
        }
    };
    post.session.insert(QUEUE_FILTER, filter).await?;
    Ok(see_other("/staff", &[]))
}

/// `POST /staff/audit`: the audit log's filters (admins).
pub async fn filter_audit(post: StaffPost<ManagesAccounts>, Form(f): Fields) -> Answer {
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
    post.session.insert(AUDIT_FILTER, filter).await?;
    Ok(see_other("/staff/audit", &[]))
}

/// `POST /staff/submissions/{reference}/status` with `from` (the status the user saw)
/// and `to`.
pub async fn change_status(
    State(state): State<AppState>,
    post: StaffPost<ChangesStatus>,
    Path(reference): Path<String>,
    Form(f): Fields,
) -> Answer {
    let found = super::find_submission(&state, &reference).await?;
    let page = format!("/staff/submissions/{}", found.reference.display());
    let from = field(&f, "from").and_then(WorkflowStatus::parse);
    let to = field(&f, "to").and_then(WorkflowStatus::parse);
    let (Some(from), Some(to)) = (from, to) else { return Err(redirect(format!("{page}?m=bad-status"))) };
    submissions::change_status(&state.db, found.id, from, to, post.staff.id).await.map_err(|e| match e {
        ChangeError::NotAllowed { .. } => redirect(format!("{page}?m=bad-status")),
        ChangeError::Conflict => redirect(format!("{page}?m=conflict")),
        ChangeError::Db(e) => e.into(),
    })?;
    let detail = format!("{} -> {}", from.as_str(), to.as_str());
    audit(&state, Some(&post.staff), Action::ChangeStatus, found.reference.compact(), &detail, &post.origin).await?;
    Ok(see_other(&format!("{page}?m=status-changed"), &[]))
}

/// `POST /staff/submissions/{reference}/assign` with `assignee` (an account id, or empty).
pub async fn assign(
    State(state): State<AppState>,
    post: StaffPost<ChangesStatus>,
    Path(reference): Path<String>,
    Form(f): Fields,
) -> Answer {
    let found = super::find_submission(&state, &reference).await?;
    let page = format!("/staff/submissions/{}", found.reference.display());
    let bad = || redirect(format!("{page}?m=bad-assignee"));
    // Empty means nobody; anything else must be an account that can be assigned (never
    // silently "nobody").
    let assignee = field(&f, "assignee").map(str::parse::<i64>).transpose().map_err(|_| bad())?;
    if let Some(a) = assignee {
        if !submissions::assignable(&state.db).await?.iter().any(|(id, _)| *id == a) {
            return Err(bad());
        }
    }
    submissions::assign(&state.db, found.id, assignee).await?;
    let detail = assignee.map(|a| format!("account {a}")).unwrap_or_else(|| "nobody".into());
    audit(&state, Some(&post.staff), Action::Assign, found.reference.compact(), &detail, &post.origin).await?;
    Ok(see_other(&format!("{page}?m=assigned"), &[]))
}

/// `POST /staff/submissions/{reference}/notes` with `body`.
pub async fn add_note(
    State(state): State<AppState>,
    post: StaffPost<WritesNotes>,
    Path(reference): Path<String>,
    Form(f): Fields,
) -> Answer {
    let found = super::find_submission(&state, &reference).await?;
    let page = format!("/staff/submissions/{}", found.reference.display());
    let body = field(&f, "body").ok_or_else(|| redirect(format!("{page}?m=note-empty#notes")))?;
    if body.chars().count() > NOTE_MAX {
        return Err(redirect(format!("{page}?m=note-long#notes")));
    }
    submissions::add_note(&state.db, found.id, post.staff.id, body).await?;
    // The note's text is PHI: the audit row says that a note was added, not what it says.
    audit(&state, Some(&post.staff), Action::AddNote, found.reference.compact(), "", &post.origin).await?;
    Ok(see_other(&format!("{page}?m=note-added#notes"), &[]))
}

/// `POST /staff/users`: an admin invites someone (e-mail, name, role). The link is shown
/// once on the accounts page.
pub async fn invite(State(state): State<AppState>, post: StaffPost<ManagesAccounts>, Form(f): Fields) -> Answer {
    let role = field(&f, "role").and_then(Role::parse).ok_or_else(|| redirect("/staff/users?m=bad-role"))?;
    let email = accounts::normal_email(field(&f, "email").unwrap_or(""));
    Email::parse(&email).map_err(|_| redirect("/staff/users?m=bad-email"))?;
    let name = PersonName::parse(field(&f, "name").unwrap_or("")).map_err(|_| redirect("/staff/users?m=bad-name"))?;
    let id = accounts::create(&state.db, &email, name.as_str(), role, None).await.map_err(|e| match e {
        AccountError::Duplicate => redirect("/staff/users?m=duplicate"),
        AccountError::Db(e) => e.into(),
    })?;
    invitation_link(&state, &post.session, &post.staff, id, &email, role, &post.origin).await
}

/// Makes an invitation link, audits it, and shows it once on the accounts page.
async fn invitation_link(
    state: &AppState,
    session: &Session,
    staff: &Staff,
    id: i64,
    email: &str,
    role: Role,
    origin: &Origin,
) -> Answer {
    let token = accounts::invite(&state.db, id).await?;
    let link = format!("{}/staff/invite/{token}", state.settings.public_url);
    audit(state, Some(staff), Action::UserInvited, email, role.as_str(), origin).await?;
    session.insert(INVITE_FLASH, (email.to_owned(), link)).await?;
    Ok(see_other("/staff/users?m=invited", &[]))
}

/// `POST /staff/users/{id}/{change}`: role, disable, enable, or a new invitation link.
pub async fn change_user(
    State(state): State<AppState>,
    post: StaffPost<ManagesAccounts>,
    Path((id, change)): Path<(i64, String)>,
    Form(f): Fields,
) -> Answer {
    let user = accounts::find(&state.db, id).await?.ok_or(StaffError::NotFound("There is no such account."))?;
    // The last enabled admin cannot lock everyone out of account management.
    let last_admin = || async {
        user.role == Role::Admin
            && !user.disabled
            && accounts::active_admins(&state.db).await.map(|n| n <= 1).unwrap_or(true)
    };
    let (action, detail) = match change.as_str() {
        "role" => {
            let role = field(&f, "role").and_then(Role::parse).ok_or_else(|| redirect("/staff/users?m=bad-role"))?;
            if role != Role::Admin && last_admin().await {
                return Err(redirect("/staff/users?m=last-admin"));
            }
            accounts::set_role(&state.db, id, role).await?;
            (Action::RoleChanged, format!("{} -> {}", user.role, role))
        }
        "disable" => {
            if id == post.staff.id || last_admin().await {
                return Err(redirect("/staff/users?m=last-admin"));
            }
            accounts::set_disabled(&state.db, id, true).await?;
            (Action::UserDisabled, String::new())
        }
        "enable" => {
            accounts::set_disabled(&state.db, id, false).await?;
            (Action::UserEnabled, String::new())
        }
        "invite" if user.password_hash.is_none() => {
            return invitation_link(&state, &post.session, &post.staff, id, &user.email, user.role, &post.origin).await;
        }
        _ => return Err(StaffError::NotFound("There is no such change.")),
    };
    audit(&state, Some(&post.staff), action, &user.email, &detail, &post.origin).await?;
    Ok(see_other("/staff/users?m=saved", &[]))
}
