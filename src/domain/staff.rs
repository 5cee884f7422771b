//! The clinic's side of the domain: staff roles and what each may see and do, the review
//! workflow, insurance verification states, and how the queue ranks submissions.
//!
//! Pure like the rest of `domain`: the server enforces these rules and the staff pages
//! use the same functions to decide which buttons to show.

use super::screening::Outcome;
use crate::choice_enum;

choice_enum! {
    /// A staff member's role (PRODUCT.md, "Users"). Every permission below derives from it.
    pub enum Role {
        FrontDesk = "front_desk",
        Clinician = "clinician",
        Admin = "admin",
    }
}

impl Role {
    /// Clinical and mood answers, scores and screening reasons. Front desk never gets
    /// them (minimum necessary): they work from contact and insurance details.
    pub fn sees_clinical(self) -> bool {
        matches!(self, Role::Clinician | Role::Admin)
    }

    /// Moving a submission along the workflow and assigning it: clinical decisions.
    pub fn changes_status(self) -> bool {
        self.sees_clinical()
    }

    /// Staff accounts, roles and the audit log.
    pub fn manages_accounts(self) -> bool {
        self == Role::Admin
    }

    /// The CSV of the queue (many patients at once) is an admin's export.
    pub fn exports_queue(self) -> bool {
        self == Role::Admin
    }

    /// A FHIR bundle holds one patient's clinical answers: for clinicians and admins.
    pub fn exports_fhir(self) -> bool {
        self.sees_clinical()
    }

    /// Safety follow-ups: reading their notes and attempts, acknowledging, recording
    /// attempts and closing them are a clinician's work. Front desk sees only that one
    /// exists and its priority (`safety-followup.md`).
    pub fn works_follow_ups(self) -> bool {
        self.sees_clinical()
    }

    /// Everyone on staff reads and writes notes and works on insurance.
    pub fn writes_notes(self) -> bool {
        true
    }

    /// Booking, moving and cancelling consults, and marking them attended or missed:
    /// the front desk's scheduling as much as anyone's (`booking.md`).
    pub fn books_consults(self) -> bool {
        true
    }

    /// Letting a `clinician_review` patient book online is a clinical decision.
    pub fn approves_self_booking(self) -> bool {
        self.sees_clinical()
    }

    /// The consult hours (weekly ranges, slot length, capacity, closed dates): admins.
    pub fn sets_consult_hours(self) -> bool {
        self == Role::Admin
    }
    /// Saving a verification and asking for a real-time eligibility check: front desk's
    /// work as much as anyone's.
    pub fn changes_verifications(self) -> bool {
        true
    }
}

choice_enum! {
    /// Where a submission is in the clinic's review.
    pub enum WorkflowStatus {
        New = "new",
        InReview = "in_review",
        ConsultScheduled = "consult_scheduled",
        NotACandidate = "not_a_candidate",
        ReferredOut = "referred_out",
        Closed = "closed",
    }
}

impl WorkflowStatus {
    /// The statuses this one may move to: `new → in_review → consult_scheduled |
    /// not_a_candidate | referred_out → closed` (PRODUCT.md). A decision made by mistake
    /// can go back to review until the case is closed; closed is final.
    pub fn next(self) -> &'static [WorkflowStatus] {
        use self::WorkflowStatus::*;
        match self {
            New => &[InReview],
            InReview => &[ConsultScheduled, NotACandidate, ReferredOut],
            ConsultScheduled | NotACandidate | ReferredOut => &[Closed, InReview],
            Closed => &[],
        }
    }

    pub fn can_move_to(self, to: WorkflowStatus) -> bool {
        self.next().contains(&to)
    }

    /// Still waiting for the clinic: pinned rows stay pinned only while open.
    pub fn is_open(self) -> bool {
        matches!(self, WorkflowStatus::New | WorkflowStatus::InReview)
    }
}

choice_enum! {
    /// The result of checking a patient's coverage.
    pub enum VerificationStatus {
        Unverified = "unverified",
        Active = "active",
        Inactive = "inactive",
        NotFound = "not_found",
        SelfPay = "self_pay",
    }
}

impl VerificationStatus {
    /// The status a submission starts with, before anyone checks its coverage.
    pub fn initial(plan: crate::domain::intake::Plan) -> Self {
        if plan == crate::domain::intake::Plan::SelfPay {
            Self::SelfPay
        } else {
            Self::Unverified
        }
    }
}

choice_enum! {
    /// How soon the clinic must act, as said in a notification e-mail: no health details.
    pub enum Priority {
        Routine = "routine",
        Urgent = "urgent",
        Emergency = "emergency",
    }
}

/// The queue's pin: emergencies first, then urgent care, then safety alerts; everything
/// else (3) is sorted as the user asks.
pub fn pin_rank(outcome: Outcome, safety_alert: bool) -> i64 {
    match outcome {
        Outcome::Emergency => 0,
        Outcome::UrgentCare => 1,
        _ if safety_alert => 2,
        _ => 3,
    }
}

/// The notification priority of a screening result.
pub fn priority(outcome: Outcome, safety_alert: bool) -> Priority {
    match pin_rank(outcome, safety_alert) {
        0 => Priority::Emergency,
        1 | 2 => Priority::Urgent,
        _ => Priority::Routine,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_clinical_roles_see_clinical_answers() {
        assert!(!Role::FrontDesk.sees_clinical());
        assert!(Role::Clinician.sees_clinical());
        assert!(Role::Admin.sees_clinical());
        assert!(!Role::FrontDesk.changes_status());
        assert!(!Role::FrontDesk.exports_fhir());
    }

    #[test]
    fn only_admins_manage_accounts_and_export_the_queue() {
        for role in Role::ALL {
            assert_eq!(role.manages_accounts(), *role == Role::Admin);
            assert_eq!(role.exports_queue(), *role == Role::Admin);
        }
    }

    #[test]
    fn workflow_follows_the_product_arrows() {
        use self::WorkflowStatus::*;
        assert!(New.can_move_to(InReview));
        assert!(!New.can_move_to(ConsultScheduled));
        assert!(!New.can_move_to(Closed));
        for decided in [ConsultScheduled, NotACandidate, ReferredOut] {
            assert!(InReview.can_move_to(decided));
            assert!(decided.can_move_to(Closed));
            assert!(!decided.can_move_to(New));
        }
        assert!(!InReview.can_move_to(Closed));
        assert!(Closed.next().is_empty());
        for s in WorkflowStatus::ALL {
            assert!(!s.can_move_to(*s), "{s} to itself");
        }
    }

    #[test]
    fn pins_rank_emergency_urgent_then_safety() {
        assert_eq!(pin_rank(Outcome::Emergency, true), 0);
        assert_eq!(pin_rank(Outcome::UrgentCare, false), 1);
        assert_eq!(pin_rank(Outcome::ConsultRecommended, true), 2);
        assert_eq!(pin_rank(Outcome::ClinicianReview, false), 3);
        assert_eq!(priority(Outcome::NotYet, true), Priority::Urgent);
        assert_eq!(priority(Outcome::Emergency, false), Priority::Emergency);
        assert_eq!(priority(Outcome::ConsultRecommended, false), Priority::Routine);
    }
}
