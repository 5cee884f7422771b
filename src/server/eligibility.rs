//! Writing the 270 eligibility inquiry for a stored intake, shared by the command line
//! (`x12 build-270`) and the staff download: the clinic's identifiers from settings, the
//! payer IDs from the payer directory, dates in the clinic's time zone.

use super::config::X12Args;
use crate::domain::intake::IntakeAnswers;
use crate::domain::values::Reference;
use crate::x12::{build_270, EligibilityInquiry, Envelope, Npi, PayerDirectory, Provider, Submitter, Usage, X12Error};
use jiff::tz::TimeZone;

/// The clinic's side of every inquiry.
#[derive(Debug, Clone)]
pub struct Clinic {
    pub name: String,
    pub npi: Npi,
    pub x12: X12Args,
    pub timezone: TimeZone,
}

/// The 270 for one intake, as of now.
pub fn inquiry(clinic: &Clinic, payers: PayerDirectory, answers: &IntakeAnswers, reference: &Reference) -> Result<String, X12Error> {
    let now = jiff::Timestamp::now().to_zoned(clinic.timezone.clone());
    let submitter = Submitter {
        provider: Provider { name: clinic.name.to_uppercase(), npi: clinic.npi.clone() },
        originator_id: clinic.x12.originator_id.clone(),
        payers,
        service_types: vec!["30".into()],
    };
    // Control numbers only need to differ between interchanges the clinic sends: the
    // seconds since 2020 stay unique and within nine digits until 2051.
    let control = u32::try_from((now.timestamp().as_second() - 1_577_836_800).rem_euclid(999_999_999)).unwrap_or(1).max(1);
    let envelope = Envelope {
        sender_id: clinic.x12.sender_id.clone(),
        receiver_id: clinic.x12.receiver_id.clone(),
        interchange_control_number: control,
        group_control_number: control,
        created: now.datetime(),
        usage: if clinic.x12.production { Usage::Production } else { Usage::Test },
    };
    let inquiry = EligibilityInquiry::from_intake(answers, reference, &submitter, envelope, now.date())?;
    build_270(&inquiry)
}
