//! What the staff pages show, as the server builds it: one type per page, `Gate` (the
//! data, or why not), the queue's and audit log's filters, the verification form, and
//! the messages of the codes the form posts redirect with. Shared: the server fills
//! these in (`server::http::staff::pages`), the views render them (`ui::staff`).
//!
//! Every loader checks the session and the role on the server and answers with a
//! `Gate`. Front-desk users get views with the clinical parts left out by the server,
//! not hidden by the page.

use crate::domain::followup::{self, AttemptMethod, AttemptResult, CloseOutcome};
use crate::domain::intake::Plan;
use crate::domain::screening::{Outcome, ReasonCode};
use crate::domain::staff::{Priority, Role, VerificationStatus, WorkflowStatus};
use crate::x12::{CostShares, CoverageSummary};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A page's data, or why it cannot be shown.
pub type Gate<T> = Result<T, Refusal>;

/// Why a staff page or action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// Not signed in (or signed out by an admin, or the account was disabled).
    SignIn,
    /// The session timed out.
    Expired,
    /// The password step is done; the second factor is next.
    TwoFactor,
    /// Two-factor must be set up before anything else.
    Enrol,
    /// Signed in, but the role does not include this page.
    Forbidden,
    /// The database did not answer.
    Unavailable,
}

impl Refusal {
    /// Where a refused browser goes: the sign-in steps by redirect; `None` for an
    /// answer given in place (a wrong role, the database away).
    pub fn redirect(self) -> Option<&'static str> {
        match self {
            Self::SignIn => Some("/staff/sign-in"),
            Self::Expired => Some("/staff/sign-in?m=expired"),
            Self::TwoFactor => Some("/staff/two-factor"),
            Self::Enrol => Some("/staff/enrol"),
            Self::Forbidden | Self::Unavailable => None,
        }
    }
}

/// The signed-in user, shown in the staff header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub email: String,
    pub role: Role,
    /// Seconds of inactivity before the session ends (for the warning).
    pub idle_secs: u64,
    /// Open safety follow-ups, counted in the navigation on every page.
    pub open_follow_ups: u32,
}

/// The queue's filters, kept in the session (a name typed in a search box must not end
/// up in a URL or the browser history).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueFilter {
    pub outcome: Option<Outcome>,
    pub status: Option<WorkflowStatus>,
    pub plan: Option<Plan>,
    pub verification: Option<VerificationStatus>,
    /// Received on or after this clinic date (YYYY-MM-DD).
    pub from: Option<String>,
    /// Received on or before this clinic date.
    pub to: Option<String>,
    /// A reference, or part of a name.
    pub search: Option<String>,
    pub sort: QueueSort,
    /// With or without an upcoming (booked) consult; `None`: any. A filter kept in a
    /// session from before this field reads as "any".
    #[serde(default)]
    pub consult: Option<ConsultFilter>,
}

/// The queue's "Consult" filter: submissions with an upcoming consult, or without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsultFilter {
    Booked,
    NotBooked,
}

impl ConsultFilter {
    pub const ALL: [ConsultFilter; 2] = [ConsultFilter::Booked, ConsultFilter::NotBooked];
    pub fn as_str(self) -> &'static str {
        match self {
            ConsultFilter::Booked => "booked",
            ConsultFilter::NotBooked => "not_booked",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            ConsultFilter::Booked => "Booked",
            ConsultFilter::NotBooked => "Not booked",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueSort {
    #[default]
    Newest,
    Oldest,
    Name,
    Status,
}

impl QueueSort {
    pub const ALL: [QueueSort; 4] = [QueueSort::Newest, QueueSort::Oldest, QueueSort::Name, QueueSort::Status];
    pub fn as_str(self) -> &'static str {
        match self {
            QueueSort::Newest => "newest",
            QueueSort::Oldest => "oldest",
            QueueSort::Name => "name",
            QueueSort::Status => "status",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            QueueSort::Newest => "Newest first",
            QueueSort::Oldest => "Oldest first",
            QueueSort::Name => "Last name",
            QueueSort::Status => "Workflow status",
        }
    }
}

/// One queue row. `outcome` and `safety_alert` are `None` for front desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub reference: String,
    pub name: String,
    pub age: i32,
    pub outcome: Option<Outcome>,
    pub safety_alert: Option<bool>,
    pub priority: Priority,
    pub pinned: bool,
    pub plan: Plan,
    pub verification: VerificationStatus,
    pub status: WorkflowStatus,
    /// Clinic local time, e.g. "2026-11-23 09:41".
    pub received: String,
    pub assignee: Option<String>,
    /// The upcoming consult's start, clinic time, short: "Mar 15, 9:00 a.m."; `None`
    /// when nothing is booked.
    pub consult: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    pub me: Me,
    pub filter: QueueFilter,
    pub rows: Vec<QueueRow>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// The pager's links: each names the row its page starts beside, so a deep page is
    /// found by its sort key instead of counted to (`server::staff::queue::Cursor`).
    pub next: Option<String>,
    pub previous: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteView {
    pub author: String,
    pub at: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryView {
    pub from: WorkflowStatus,
    pub to: WorkflowStatus,
    pub by: String,
    pub at: String,
}

/// The screening result and scores: clinicians and admins only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClinicalView {
    pub outcome: Outcome,
    pub safety_alert: bool,
    pub reasons: Vec<ReasonCode>,
    pub rules_version: String,
    /// e.g. "6.7"
    pub peg: String,
    pub phq9: Option<(u8, String)>,
    pub gad7: Option<(u8, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionView {
    pub me: Me,
    pub reference: String,
    pub received: String,
    pub age: i32,
    pub locale: String,
    pub status: WorkflowStatus,
    pub next: Vec<WorkflowStatus>,
    pub priority: Priority,
    pub verification: VerificationStatus,
    pub assignee: Option<String>,
    /// (id, name) of everyone a submission can be assigned to.
    pub assignable: Vec<(i64, String)>,
    /// The answers as stored, without `clinical` for front desk.
    pub answers: Value,
    pub clinical: Option<ClinicalView>,
    pub notes: Vec<NoteView>,
    pub history: Vec<HistoryView>,
    /// Every verification, newest (current) first.
    pub verifications: Vec<VerificationView>,
    /// What an uploaded 271 suggests, waiting for staff to confirm.
    pub suggestion: Option<Suggestion>,
    /// Why the last 271 uploaded for this submission was refused: the reader's message
    /// (segments and counts, no patient data).
    pub refused_271: Option<String>,
    /// Why a 270 cannot be made for this submission (self-pay, other plan, no NPI set).
    pub no_270: Option<String>,
    /// The card photos on file ("front", "back").
    pub cards: Vec<String>,
    /// The safety follow-up this submission opened, if any.
    pub follow_up: Option<FollowUpView>,
    /// What the patient agreed to; `None` for intakes from before versions were kept.
    pub consent: Option<ConsentView>,
    /// The consult: booked, earlier ones, and who may book it (`booking.md`).
    pub consult: StaffConsult,
    /// Real-time eligibility checks of this submission (`eligibility-realtime.md`).
    #[serde(default)]
    pub eligibility: EligibilityView,
}

/// A consult as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultView {
    pub id: i64,
    /// "Monday, March 15, 2027 at 9:00 a.m. CDT"
    pub when: String,
    /// booked, attended, no_show, cancelled
    pub status: String,
    /// Whether it has started (attended / no-show can be marked).
    pub started: bool,
}

/// Whether the patient may book online.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SelfBooking {
    /// `consult_recommended`: from the result page and the receipt.
    Open,
    /// `clinician_review`, approved by a clinician (name, when).
    Approved { by: String, at: String },
    /// `clinician_review`, waiting for a clinician; `can_approve` for this staff member.
    NeedsApproval { can_approve: bool },
    /// Not booked online (not yet, urgent care, emergency, or a closed case).
    No,
}

/// The consult part of the submission page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffConsult {
    pub upcoming: Option<ConsultView>,
    /// Earlier consults (attended, missed, cancelled), newest first.
    pub earlier: Vec<ConsultView>,
    pub self_booking: SelfBooking,
    /// This staff member may book, move, cancel and mark consults.
    pub can_book: bool,
}

/// The staff's "book a consult" page: a week of free times (no minimum notice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffBookView {
    pub me: Me,
    pub reference: String,
    /// Moving the upcoming consult (its time in words), or booking a new one.
    pub moving: Option<String>,
    pub week: crate::shared::draft::SlotWeek,
}

/// One consult on the staff calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarRow {
    pub time: String,
    pub reference: String,
    pub name: String,
    pub plan: String,
    pub verification: VerificationStatus,
    /// The insurance status when the consult was booked, when it has changed since (the
    /// re-check before the consult, or staff): the calendar says so.
    pub was: Option<VerificationStatus>,
    pub status: String,
}

/// A day of the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub day: String,
    pub rows: Vec<CalendarRow>,
}

/// The staff calendar: a day or a week of consults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarView {
    pub me: Me,
    /// "day" or "week"
    pub view: String,
    /// The first date shown, YYYY-MM-DD.
    pub date: String,
    pub previous: String,
    pub next: String,
    pub days: Vec<CalendarDay>,
}

/// The real-time checks of one submission, as its insurance panel shows them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EligibilityView {
    /// Whether real-time checks are configured (ELIGIBILITY_ENDPOINT): without them the
    /// 270/271 files are the way.
    pub realtime: bool,
    /// The newest check of this submission (0: none), sent back by "Check now" so that a
    /// double click makes one check.
    pub last_check: i64,
    /// A check waits to be sent (or sent again).
    pub waiting: bool,
    /// Every exchange, newest first.
    pub attempts: Vec<CheckAttemptView>,
}

/// One exchange with the clearinghouse: when, how it ended, why (no patient data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckAttemptView {
    pub at: String,
    /// `saved`, `retry`, `needs_person`, `failed`, or empty while it runs.
    pub outcome: String,
    pub reason: String,
}

/// A check that failed or still waits, for the admins' list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingCheckView {
    pub reference: String,
    /// `intake`, `recheck` or `manual`.
    pub reason: String,
    pub attempts: i64,
    /// `waiting`, `failed` or `gave_up`.
    pub state: String,
    /// When it is tried next (waiting) or ended (failed), on the clinic's clock.
    pub when: String,
    /// The last error's fixed code, if any.
    pub last_error: String,
    /// The last attempt's reason in words.
    pub last_reason: String,
}

/// `/staff/eligibility`: the checks that failed or wait (admins).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EligibilityPage {
    pub me: Me,
    pub realtime: bool,
    pub checks: Vec<PendingCheckView>,
}

/// The consent wording a patient agreed to, as the submission page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentView {
    pub version: String,
    /// "English" or "Spanish".
    pub language: String,
    pub sha256: String,
    /// The statements as shown, when the version is known to this build.
    pub statements: Vec<String>,
    /// Whether the stored hash matches this build's text of that version.
    pub intact: bool,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationView {
    pub form: VerificationForm,
    pub by: String,
    pub at: String,
}

/// A 271's reading, shown next to the verification form it fills.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub summary: CoverageSummary,
    /// The subscriber as the payer knows them (name, member ID, date of birth).
    pub subscriber: String,
    /// Whether the response's trace number is this submission's reference.
    pub trace_matches: bool,
    /// The trace the payer echoed from our inquiry (TRN01 `2`), if any.
    #[serde(default)]
    pub trace: Option<String>,
    /// The payer's own trace for this response (TRN01 `1`), to quote when calling.
    #[serde(default)]
    pub payer_trace: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub two_factor: bool,
    pub invited: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsersPage {
    pub me: Me,
    pub users: Vec<AccountRow>,
    /// A link made by the last invitation, shown once to the admin who made it.
    pub new_invite: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub seq: i64,
    /// RFC 3339 UTC as stored; the clinic's local time on the page.
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub client: String,
    pub request_id: String,
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub target: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub me: Me,
    pub filter: AuditFilter,
    pub actions: Vec<String>,
    pub rows: Vec<AuditRow>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// "verified: N entries" or what is wrong with the chain.
    pub chain: String,
    pub chain_ok: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountPage {
    pub me: Me,
    pub two_factor: bool,
    pub recovery_codes_left: i64,
}

/// Two-factor enrolment: the secret to type or scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolPage {
    pub secret: String,
    pub qr_svg: String,
    /// Recovery codes, present once right after a successful enrolment.
    pub recovery_codes: Vec<String>,
    /// Set when a signed-in user replaces (or turns on) their second factor: what they
    /// must give first, so that a session left open or stolen cannot swap it for the
    /// thief's own. `None` at first sign-in, where the password was just given.
    pub current: Option<CurrentProof>,
}

/// What proves a signed-in user is still the account's owner before a new authenticator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CurrentProof {
    /// The account has no second factor yet: its password.
    Password,
    /// Its password, or a code from the authenticator it has now (someone who lost the
    /// phone still knows the password; someone who forgot it still has the phone).
    PasswordOrCode,
}

/// A payer of the directory (admins edit these).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayerRow {
    pub id: i64,
    pub plan: Plan,
    pub name: String,
    pub payer_id: String,
    pub in_network: bool,
    pub notes: String,
}

/// One insurance verification as staff enter (or confirm from a 271) it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationForm {
    pub status: VerificationStatus,
    pub shares: CostShares,
    pub notes: String,
    /// `x12_271`, `realtime` (by `system`), `phone`, `portal` or `other`.
    pub method: String,
}

pub const NETWORKS: [(&str, &str); 4] =
    [("", "Not stated"), ("in", "In network"), ("out", "Out of network"), ("unknown", "Unknown")];
pub const PRIOR_AUTH: [(&str, &str); 4] =
    [("", "Not stated"), ("yes", "Required"), ("no", "Not required"), ("unknown", "Unknown")];
pub const METHODS: [(&str, &str); 5] = [
    ("x12_271", "X12 271 response"),
    ("realtime", "Real-time check (CORE)"),
    ("phone", "Phone call to the payer"),
    ("portal", "Payer portal"),
    ("other", "Other"),
];

impl VerificationForm {
    /// What a 271 suggests, ready for staff to confirm: its rejections' actions and the
    /// payer's messages become the notes.
    pub fn from_271(summary: &CoverageSummary) -> Self {
        Self {
            status: VerificationStatus::parse(&summary.status).unwrap_or(VerificationStatus::Unverified),
            shares: summary.shares.clone(),
            notes: summary.actions.iter().chain(summary.messages.iter()).cloned().collect::<Vec<_>>().join("\n"),
            method: "x12_271".into(),
        }
    }

    /// An empty form for a submission whose coverage has this status.
    pub fn blank(status: VerificationStatus) -> Self {
        Self { status, shares: CostShares::default(), notes: String::new(), method: "phone".into() }
    }

    /// Reads the verification form; every problem is listed (in English, for staff).
    pub fn parse(field: impl Fn(&str) -> Option<String>) -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let mut text = |name: &str, label: &str, max: usize| -> String {
            let v = field(name).map(|v| v.trim().to_owned()).unwrap_or_default();
            if v.chars().count() > max {
                errors.push(format!("{label}: at most {max} characters."));
            }
            if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
                errors.push(format!("{label}: contains control characters."));
            }
            v
        };
        let plan_name = text("plan_name", "Plan name", 100);
        let copay = text("copay", "Copay", 50);
        let coinsurance = text("coinsurance", "Coinsurance", 50);
        let deductible_remaining = text("deductible_remaining", "Deductible remaining", 50);
        let oop_remaining = text("oop_remaining", "Out-of-pocket remaining", 50);
        let notes = text("notes", "Notes", 2000);
        let network = text("network", "Network", 10);
        let prior_auth = text("prior_auth", "Prior authorization", 10);
        let method = text("method", "Method", 10);
        let status = field("status").as_deref().and_then(VerificationStatus::parse);
        if status.is_none() {
            errors.push("Status: choose one.".into());
        }
        if !NETWORKS.iter().any(|(v, _)| *v == network) {
            errors.push("Network: choose one of the options.".into());
        }
        if !PRIOR_AUTH.iter().any(|(v, _)| *v == prior_auth) {
            errors.push("Prior authorization: choose one of the options.".into());
        }
        if !METHODS.iter().any(|(v, _)| *v == method) {
            errors.push("Method: choose how the coverage was checked.".into());
        }
        match status {
            Some(status) if errors.is_empty() => Ok(Self {
                status,
                shares: CostShares {
                    plan_name,
                    network,
                    copay,
                    coinsurance,
                    deductible_remaining,
                    oop_remaining,
                    prior_auth,
                },
                notes,
                method,
            }),
            _ => Err(errors),
        }
    }
}

/// A message for the sign-in forms, passed as a short code in the query string.
pub fn notice(code: &str) -> Option<&'static str> {
    Some(match code {
        "failed" => "That e-mail and password do not match an active account.",
        "limited" => "Too many attempts. Please wait a minute and try again.",
        "locked" => "Too many failed attempts for this account. Please wait and try again later.",
        "expired" => "You were signed out after a period without activity. Please sign in again.",
        "signed-out" => "You are signed out.",
        "code" => {
            "That code is not right, or it was already used. Enter the current code from your app, or a recovery code."
        }
        "password-changed" => "Your password was changed. Please sign in with the new one.",
        "invite" => "This invitation link is not valid any more. Ask an administrator for a new one.",
        "welcome" => "Your password is set. Sign in to set up two-factor sign-in.",
        _ => return None,
    })
}

/// The message for a password-form code in the query string.
pub fn password_notice(code: &str) -> Option<&'static str> {
    Some(match code {
        "too-short" => "Use at least 12 characters. A few unrelated words make a strong, memorable password.",
        "too-long" => "Use at most 128 characters.",
        "common" => "That password is one of the most common ones and is easy to guess. Please choose another.",
        "mismatch" => "The two new passwords are not the same.",
        "wrong" => "Your current password is not right.",
        "locked" => "Too many failed attempts for this account. Please wait and try again later.",
        _ => return None,
    })
}

/// The message for an enrolment-form code in the query string.
pub fn enrol_notice(code: &str) -> Option<&'static str> {
    Some(match code {
        "code" => "That code is not right. Check the time on your phone and enter the code shown now.",
        "current" => "That is not your current password, or a current code from the app you use now.",
        "locked" => "Too many failed attempts for this account. Please wait and try again later.",
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayersPage {
    pub me: Me,
    pub payers: Vec<PayerRow>,
}

/// The Follow-ups page: every open follow-up, most urgent and most overdue first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpsPage {
    pub me: Me,
    pub rows: Vec<FollowUpRow>,
}

/// One open follow-up. Front desk gets the reference and priority only (`work: None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpRow {
    /// The submission's or callback request's reference as shown (`7KQ2-9MXD`).
    pub reference: String,
    pub subject: followup::Subject,
    pub priority: followup::Priority,
    pub work: Option<FollowUpWork>,
}

/// Where a follow-up stands, for clinicians and admins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpWork {
    /// Local times, `2026-12-05 14:30`.
    pub opened: String,
    pub deadline: String,
    /// Minutes before the deadline; negative once overdue.
    pub minutes_left: i64,
    /// Who acknowledged it and when, if anyone has.
    pub acknowledged: Option<(String, String)>,
    pub attempt_count: u32,
    /// Each attempt, oldest first (on the submission page; the list has the count).
    pub attempts: Vec<AttemptView>,
    /// When each escalation e-mail was queued, and whether it has gone out.
    pub escalations: Vec<(String, bool)>,
    pub closed: Option<ClosedView>,
    /// A fresh key for the attempt form, so a double click records one attempt.
    pub attempt_key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptView {
    pub at: String,
    pub by: String,
    pub method: AttemptMethod,
    pub result: AttemptResult,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClosedView {
    pub at: String,
    pub by: String,
    pub outcome: CloseOutcome,
    pub note: String,
}

/// A submission's follow-up: whether it is open and its priority for everyone; the
/// rest (`work`) for clinicians and admins, who may also act on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpView {
    pub priority: followup::Priority,
    pub open: bool,
    pub work: Option<FollowUpWork>,
}

/// A callback request from the emergency page: a patient whose answer to a 911 red flag
/// stopped the wizard, and who left a name and phone number for the clinic to call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallbackView {
    pub me: Me,
    /// As shown (`7KQ2-9MXD`).
    pub reference: String,
    /// Local time, `2026-12-05 14:30`.
    pub received: String,
    /// Who to call and why: clinicians and admins only (front desk sees that a
    /// clinician calls).
    pub details: Option<CallbackDetails>,
    pub follow_up: Option<FollowUpView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallbackDetails {
    pub name: String,
    /// `(214) 555-0182`.
    pub phone: String,
    /// `English` or `Spanish`: the language to call in.
    pub language: String,
    /// The codes of the 911 red flags answered yes (`bladder_or_bowel_change`, …).
    pub red_flags: Vec<String>,
}

/// "due in 3 h 5 min" or "overdue by 12 min", for the Follow-ups page and a submission.
pub fn time_left(minutes_left: i64) -> String {
    if minutes_left >= 0 {
        format!("due in {}", followup::span_words(minutes_left))
    } else {
        format!("overdue by {}", followup::span_words(-minutes_left))
    }
}

/// The consult hours page (admins): the weekly hours, slot length and capacity, closed
/// dates and extra ranges from today on, and what the last refused change was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoursPage {
    pub me: Me,
    /// Monday first.
    pub days: Vec<HoursDay>,
    pub slot_minutes: u32,
    pub capacity: u32,
    /// Closed dates from today on, `YYYY-MM-DD`.
    pub closed: Vec<String>,
    /// Extra ranges from today on, one row per date.
    pub extra: Vec<HoursExtra>,
    /// Today at the clinic (`YYYY-MM-DD`), the earliest date the forms take.
    pub today: String,
    /// The change just refused, if any: shown beside its form with what was typed.
    pub problem: Option<HoursProblem>,
}

/// One weekday's ranges as the form shows them (`09:00-12:00,13:00-17:00`, empty: closed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoursDay {
    /// `mon` … `sun`.
    pub code: String,
    pub name: String,
    pub ranges: String,
}

/// The extra ranges of one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoursExtra {
    pub date: String,
    pub ranges: String,
}

/// A refused change of the consult hours, kept in the session for the page that follows
/// (the address carries only the code `hours-bad`): which form (`day-mon`, `slots`,
/// `close`, `extra`), the domain's plain-English reason, and what was typed, by field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HoursProblem {
    pub form: String,
    pub message: String,
    pub values: Vec<(String, String)>,
}

impl HoursProblem {
    /// What was typed in `field`, when this problem is about `form`.
    pub fn value(&self, form: &str, field: &str) -> Option<String> {
        (self.form == form).then(|| self.values.iter().find(|(f, _)| f == field).map(|(_, v)| v.clone())).flatten()
    }
}
