//! Staff sessions: stored in the database by tower-sessions (so every app instance sees
//! them), and the checks every staff request passes: signed in, fully (two factors),
//! not idle too long, not past the absolute limit, account still enabled and its
//! sessions not ended since.
//!
//! Session rows are written to the database (and, on SQLite, to its write-ahead log) as
//! they are. The two secrets an enrolment holds there for a moment, the offered TOTP
//! secret and the fresh recovery codes, are therefore sealed like the secrets in the
//! tables (`crypto`), under the account's id: a copy of the database or its WAL taken
//! mid-enrolment must not hand over a working second factor.

use crate::domain::staff::Role;
use crate::server::db::Db;
use crate::server::staff::accounts;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tower_sessions::Session;

/// The session's entry under which the staff state is kept.
const KEY: &str = "staff";

/// Idle and absolute limits (reference/security.md: 15 minutes and 10 hours).
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { idle: Duration::from_secs(15 * 60), absolute: Duration::from_secs(10 * 3600) }
    }
}

impl Timeouts {
    /// How long the store keeps a session, and the browser its cookie, after the last
    /// request. Longer than the idle limit on purpose: the app must find the idle session
    /// itself to end it *and say why* (`?m=expired`); a store that dropped it at the same
    /// moment would make it look like the user had never signed in.
    pub fn store_lifetime(self) -> Duration {
        self.idle + Duration::from_secs(15 * 60)
    }

    /// How stale the stored "last seen" may get before a request writes it again: a
    /// thirtieth of the idle limit (30 s of 15 min), so a busy staff screen does not cost
    /// a database write per request. The idle limit may then end a session up to this
    /// much early, never late.
    pub fn touch_every(self) -> Duration {
        self.idle / 30
    }
}

/// How far a sign-in has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    /// The password was right; a TOTP or recovery code is next.
    TwoFactor,
    /// The password was right and two-factor is required but not set up: enrol first.
    Enrol,
    /// Signed in.
    Full,
}

/// What a staff session holds (no patient data, ever).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    pub user_id: i64,
    /// The account's `session_epoch` at sign-in; raising it ends this session.
    pub epoch: i64,
    pub stage: Stage,
    /// Unix seconds.
    pub signed_in_at: i64,
    pub last_seen: i64,
    /// A secret offered during enrolment, until a code from it is confirmed; sealed
    /// (read and write it with [`pending_secret`] and [`offer_secret`]).
    #[serde(default)]
    pub pending_secret: Option<String>,
}

fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A signed-in staff member, as the handlers see them.
#[derive(Debug, Clone)]
pub struct Staff {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The queue's version, read with the account at this request's gate (`None` where
    /// the value was built at sign-in): the queue page checks its cache against it
    /// instead of reading it again (`queue::page`).
    pub queue_version: Option<i64>,
}

/// Why a request is not served as a signed-in staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    SignedOut,
    /// Idle or absolute timeout: the sign-in page says so.
    Expired,
    NeedsTwoFactor,
    NeedsEnrolment,
    Unavailable,
}

/// Starts a session for an account whose password was right. The session id is replaced
/// (no fixation) and any earlier state dropped.
pub async fn begin(
    session: &Session,
    user: &accounts::User,
    stage: Stage,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.clear().await;
    let now = unix_now();
    let state = State {
        user_id: user.id,
        epoch: user.session_epoch,
        stage,
        signed_in_at: now,
        last_seen: now,
        pending_secret: None,
    };
    session.insert(KEY, state).await
}

/// The session's state as stored (for the two-factor and enrolment steps).
pub async fn state(session: &Session) -> Option<State> {
    session.get::<State>(KEY).await.ok().flatten()
}

/// Replaces the session's state, with a new session id when the stage rises.
pub async fn update(session: &Session, state: State, new_id: bool) -> Result<(), tower_sessions::session::Error> {
    if new_id {
        session.cycle_id().await?;
    }
    session.insert(KEY, state).await
}

/// The associated data of what a session holds sealed: `staff_sessions:<user id>:<what>`.
/// Session ids change at every step, the account does not, and a value moved to another
/// account's session fails to open.
const SEALED_TABLE: &str = "staff_sessions";

/// The session's entry holding freshly made recovery codes (sealed) until the enrolment
/// page shows them, once.
const RECOVERY_FLASH: &str = "recovery_codes";

/// The TOTP secret offered to this session, opened; `None` when none was offered or it
/// no longer opens (its key was retired: the page then offers a new one).
pub fn pending_secret(db: &Db, state: &State) -> Option<String> {
    let sealed = state.pending_secret.as_deref()?;
    db.open_value(SEALED_TABLE, state.user_id, "pending_secret", sealed).ok()
}

/// Offers `secret` to this session until a code from it is confirmed (stored sealed).
pub async fn offer_secret(
    session: &Session,
    db: &Db,
    state: State,
    secret: &str,
) -> Result<(), tower_sessions::session::Error> {
    let sealed = db.seal_value(SEALED_TABLE, state.user_id, "pending_secret", secret);
    update(session, State { pending_secret: Some(sealed), ..state }, false).await
}

/// Keeps new recovery codes (sealed) for the page that shows them next.
pub async fn flash_recovery_codes(
    session: &Session,
    db: &Db,
    user_id: i64,
    codes: &[String],
) -> Result<(), tower_sessions::session::Error> {
    let sealed = db.seal_value(SEALED_TABLE, user_id, RECOVERY_FLASH, &codes.join(" "));
    session.insert(RECOVERY_FLASH, sealed).await
}

/// The recovery codes kept by [`flash_recovery_codes`], removed from the session: they
/// are shown once.
pub async fn take_recovery_codes(session: &Session, db: &Db) -> Option<Vec<String>> {
    let sealed = session.remove::<String>(RECOVERY_FLASH).await.ok().flatten()?;
    let user_id = state(session).await?.user_id;
    let codes = db.open_value(SEALED_TABLE, user_id, RECOVERY_FLASH, &sealed).ok()?;
    Some(codes.split(' ').map(str::to_owned).collect())
}

/// Signs out: the stored session is deleted and the cookie removed.
pub async fn end(session: &Session) {
    let _ = session.flush().await;
}

/// Checks the session of a staff request and marks it as active now.
pub async fn current(session: &Session, db: &Db, timeouts: Timeouts) -> Result<Staff, Denied> {
    let state = match session.get::<State>(KEY).await {
        Ok(Some(s)) => s,
        Ok(None) => return Err(Denied::SignedOut),
        Err(_) => return Err(Denied::Unavailable),
    };
    let now = unix_now();
    if now - state.signed_in_at > timeouts.absolute.as_secs() as i64
        || now - state.last_seen > timeouts.idle.as_secs() as i64
    {
        end(session).await;
        return Err(Denied::Expired);
    }
    let user = match accounts::standing(db, state.user_id).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            end(session).await;
            return Err(Denied::SignedOut);
        }
        Err(_) => return Err(Denied::Unavailable),
    };
    if user.disabled || user.session_epoch != state.epoch {
        end(session).await;
        return Err(Denied::SignedOut);
    }
    match state.stage {
        Stage::TwoFactor => return Err(Denied::NeedsTwoFactor),
        Stage::Enrol => return Err(Denied::NeedsEnrolment),
        Stage::Full => {}
    }
    // Activity keeps the session alive: saving it moves the stored expiry on too.
    if now - state.last_seen >= timeouts.touch_every().as_secs() as i64 {
        let touched = State { last_seen: now, ..state };
        if session.insert(KEY, touched).await.is_err() {
            return Err(Denied::Unavailable);
        }
    }
    Ok(Staff {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        queue_version: Some(user.queue_version),
    })
}
