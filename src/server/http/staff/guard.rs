//! The checks every staff request passes before its handler runs, as extractors: a
//! signed-in staff member (session rules in `staff::sessions`) whose role has the
//! permission the route needs, and for form posts a request from this site. A handler
//! names what it needs in its arguments (`StaffPost<ManagesAccounts>`) and never calls a
//! guard by hand.

use super::error::StaffError;
use super::Origin;
use crate::domain::staff::Role;
use crate::server::http::browser::same_origin;
use crate::server::http::AppState;
use crate::server::staff::sessions::{self, Staff};
use crate::shared::staff::Refusal;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::marker::PhantomData;
use tower_sessions::Session;

/// What a role must be allowed to do for a route (see `domain::staff::Role`).
pub trait Permission: Send + Sync + 'static {
    fn allows(role: Role) -> bool;
}

macro_rules! permissions {
    ($($(#[$doc:meta])* $name:ident => $check:expr;)+) => {
        $(
            $(#[$doc])*
            pub struct $name;
            impl Permission for $name {
                fn allows(role: Role) -> bool {
                    ($check)(role)
                }
            }
        )+
    };
}

permissions! {
    /// Any signed-in staff member.
    AnyStaff => |_: Role| true;
    /// Clinicians and admins: workflow status and assignee.
    ChangesStatus => Role::changes_status;
    /// Accounts, the audit log and the payer directory: admins.
    ManagesAccounts => Role::manages_accounts;
    WritesNotes => Role::writes_notes;
    /// Saving verifications and "Check now" (every role).
    ChangesVerifications => Role::changes_verifications;
    ExportsQueue => Role::exports_queue;
    ExportsFhir => Role::exports_fhir;
    /// Acknowledging, recording attempts on and closing safety follow-ups.
    WorksFollowUps => Role::works_follow_ups;
    /// Booking, moving, cancelling and marking consults: every role.
    BooksConsults => Role::books_consults;
    /// Letting a `clinician_review` patient book online: clinicians and admins.
    ApprovesBooking => Role::approves_self_booking;
    /// The consult hours: admins.
    SetsHours => Role::sets_consult_hours;
}

/// The staff member of a request and their session, if signed in (every step, within
/// the time limits, account enabled) with a role that passes `allowed`.
pub async fn signed_in_as(
    state: &AppState,
    parts: &Parts,
    allowed: fn(Role) -> bool,
) -> Result<(Staff, Session), Refusal> {
    let session = parts.extensions.get::<Session>().cloned().ok_or(Refusal::Unavailable)?;
    let staff = sessions::current(&session, &state.db, state.settings.staff_timeouts).await?;
    if !allowed(staff.role) {
        return Err(Refusal::Forbidden);
    }
    Ok((staff, session))
}

/// A request by a signed-in staff member whose role has permission `P`: who, their
/// session, and where the request came from (for the audit trail).
pub struct SignedIn<P: Permission = AnyStaff> {
    pub staff: Staff,
    pub session: Session,
    pub origin: Origin,
    permission: PhantomData<P>,
}

impl<P: Permission> FromRequestParts<AppState> for SignedIn<P> {
    type Rejection = StaffError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, StaffError> {
        let (staff, session) = signed_in_as(state, parts, P::allows).await?;
        Ok(Self { staff, session, origin: Origin::from_parts(parts, state), permission: PhantomData })
    }
}

/// A form post from this site (`Sec-Fetch-Site` / `Origin`) by a [`SignedIn`] staff
/// member with permission `P`. The origin is checked first: a cross-site post learns
/// nothing about the session.
pub struct StaffPost<P: Permission = AnyStaff>(pub SignedIn<P>);

impl<P: Permission> std::ops::Deref for StaffPost<P> {
    type Target = SignedIn<P>;
    fn deref(&self) -> &SignedIn<P> {
        &self.0
    }
}

impl<P: Permission> FromRequestParts<AppState> for StaffPost<P> {
    type Rejection = StaffError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, StaffError> {
        if !same_origin(&parts.headers) {
            return Err(StaffError::CrossSite);
        }
        SignedIn::from_request_parts(parts, state).await.map(Self)
    }
}

/// A form post from this site, signed in or not (sign-in, two-factor, invitations).
pub struct SameSite;

impl<S: Send + Sync> FromRequestParts<S> for SameSite {
    type Rejection = StaffError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, StaffError> {
        if same_origin(&parts.headers) {
            Ok(Self)
        } else {
            Err(StaffError::CrossSite)
        }
    }
}
