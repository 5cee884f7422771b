//! Writing a 270 eligibility inquiry (005010X279A1) for one patient.
//!
//! The layout is the one of `x12-eligibility.md`: payer (2000A/2100A), clinic
//! (2000B/2100B), subscriber (2000C/2100C) and, when the patient is covered through
//! someone else, the patient as a dependent (2000D/2100D). The inquiry (trace, date of
//! service, service types) sits at the patient's level, as the TR3 asks.
//!
//! Everything is checked before anything is written: a value carrying a delimiter would
//! silently shift every element after it, and a mistyped NPI would come back as an
//! AAA 43 that staff can do nothing about. Both are refused here with an [`X12Error`].
//!
//! The text uses the standard delimiters (`~ * : ^`) and no line breaks: a few
//! clearinghouses refuse CR/LF between segments, and every reader accepts their absence.

use super::tokenizer::Delimiters;
use super::{format_d8, X12Error};
use crate::domain::intake::{Insurance, IntakeAnswers, Plan, Subscriber};
use crate::domain::values::Reference;
use jiff::civil::{Date, DateTime};

/// ISA15: whether the receiver should treat the interchange as a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    Test,
    Production,
}

/// A National Provider Identifier: ten digits whose last is a Luhn check digit over
/// `80840` followed by the first nine. Only [`Npi::parse`] makes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Npi(String);

impl Npi {
    pub fn parse(text: &str) -> Result<Self, X12Error> {
        let t = text.trim();
        let invalid = |reason| X12Error::InvalidNpi { npi: t.chars().take(20).collect(), reason };
        if t.len() != 10 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("an NPI is exactly 10 digits"));
        }
        let digits: Vec<u32> = t.bytes().map(|b| u32::from(b - b'0')).collect();
        let (check, body) = digits.split_last().ok_or_else(|| invalid("an NPI is exactly 10 digits"))?;
        if npi_check_digit(body) != *check {
            return Err(invalid("its check digit is wrong, so it was probably mistyped"));
        }
        Ok(Self(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Npi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The Luhn check digit of the NPI's first nine digits, prefixed by `80840` (the
/// health-industry card issuer prefix the NPI standard borrows).
fn npi_check_digit(first_nine: &[u32]) -> u32 {
    let sum: u32 = [8, 0, 8, 4, 0]
        .iter()
        .chain(first_nine)
        .rev()
        .enumerate()
        .map(|(i, &d)| match (i % 2 == 0, d * 2) {
            (true, doubled) if doubled > 9 => doubled - 9,
            (true, doubled) => doubled,
            (false, _) => d,
        })
        .sum();
    (10 - sum % 10) % 10
}

/// The interchange envelope: who sends to whom, when, under which control numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// ISA06 and GS02: the clinic's ID at the clearinghouse (2..=15 characters).
    pub sender_id: String,
    /// ISA08 and GS03: the clearinghouse's ID (2..=15 characters).
    pub receiver_id: String,
    /// ISA13 and IEA02, 1..=999 999 999; unique per interchange sent.
    pub interchange_control_number: u32,
    /// GS06 and GE02, 1..=999 999 999.
    pub group_control_number: u32,
    /// When the interchange is created, in the clinic's time zone.
    pub created: DateTime,
    pub usage: Usage,
}

/// A payer as the clearinghouse knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payer {
    pub name: String,
    pub id: String,
}

/// The clinic as the billing provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    pub name: String,
    pub npi: Npi,
}

/// A person as sent to the payer: names as printed on the card, upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: Date,
}

/// Everything one 270 says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EligibilityInquiry {
    pub envelope: Envelope,
    pub payer: Payer,
    pub provider: Provider,
    /// TRN03: `9` followed by nine characters the clinic assigns itself (`9CLINIC001`).
    pub originator_id: String,
    /// TRN02 in its compact form: the payer echoes it, which ties the 271 to the intake.
    pub reference: Reference,
    /// The policy holder, who carries the member ID.
    pub subscriber: Person,
    pub member_id: String,
    pub group_number: Option<String>,
    /// The patient, when the patient is not the subscriber.
    pub dependent: Option<Person>,
    pub service_date: Date,
    /// EQ01 codes, one EQ each (`30` plan coverage, `98` office visit, `MH`, …).
    pub service_types: Vec<String>,
}

/// The clinic-wide settings [`EligibilityInquiry::from_intake`] needs besides the intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitter {
    pub provider: Provider,
    pub originator_id: String,
    pub payers: PayerDirectory,
    pub service_types: Vec<String>,
}

/// Payer IDs per plan. They differ between clearinghouses, so they are settings; the
/// defaults are the common IDs of `x12-eligibility.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayerDirectory {
    pub bcbs_tx: Payer,
    pub uhc: Payer,
    pub cigna: Payer,
}

impl Default for PayerDirectory {
    fn default() -> Self {
        let payer = |name: &str, id: &str| Payer { name: name.into(), id: id.into() };
        Self {
            bcbs_tx: payer("BLUE CROSS BLUE SHIELD OF TEXAS", "84980"),
            uhc: payer("UNITEDHEALTHCARE", "87726"),
            cigna: payer("CIGNA", "62308"),
        }
    }
}

impl PayerDirectory {
    /// The payer to ask about this insurance. A plan typed in as "other" has no known
    /// payer ID, and self-pay has nothing to ask.
    pub fn payer_for(&self, insurance: &Insurance) -> Result<Payer, X12Error> {
        match insurance.plan {
            Plan::BcbsTx => Ok(self.bcbs_tx.clone()),
            Plan::Uhc => Ok(self.uhc.clone()),
            Plan::Cigna => Ok(self.cigna.clone()),
            Plan::Other => Err(X12Error::NoPayerId {
                payer: insurance.other_payer_name.as_ref().map_or("the other payer", |n| n.as_str()).to_owned(),
            }),
            Plan::SelfPay => Err(X12Error::SelfPay),
        }
    }
}

impl EligibilityInquiry {
    /// The inquiry for a stored intake: the patient is the subscriber, or (spouse,
    /// parent, other) the dependent of the subscriber named on the intake.
    pub fn from_intake(
        answers: &IntakeAnswers,
        reference: &Reference,
        submitter: &Submitter,
        envelope: Envelope,
        service_date: Date,
    ) -> Result<Self, X12Error> {
        let insurance = &answers.insurance;
        let payer = submitter.payers.payer_for(insurance)?;
        let missing = |field| X12Error::InvalidField { field, reason: "missing from the intake".into() };
        let member_id = insurance.member_id.as_ref().ok_or_else(|| missing("member ID"))?;
        let p = &answers.patient;
        let patient = Person {
            first_name: x12_name(p.first_name.as_str()),
            last_name: x12_name(p.last_name.as_str()),
            date_of_birth: p.date_of_birth,
        };
        let (subscriber, dependent) = if insurance.subscriber == Subscriber::SelfInsured {
            (patient, None)
        } else {
            let name = insurance.subscriber_name.as_ref().ok_or_else(|| missing("subscriber name"))?;
            let date_of_birth =
                insurance.subscriber_date_of_birth.ok_or_else(|| missing("subscriber date of birth"))?;
            let (first_name, last_name) = split_full_name(name.as_str(), &patient.last_name);
            (Person { first_name, last_name, date_of_birth }, Some(patient))
        };
        Ok(Self {
            envelope,
            payer,
            provider: submitter.provider.clone(),
            originator_id: submitter.originator_id.clone(),
            reference: reference.clone(),
            subscriber,
            member_id: member_id.as_str().to_owned(),
            group_number: insurance.group_number.as_ref().map(|g| g.as_str().to_owned()),
            dependent,
            service_date,
            service_types: submitter.service_types.clone(),
        })
    }
}

/// A name as payers hold it: upper case, with the accents of Spanish and other Latin
/// names folded to plain letters, since X12 text is ASCII. (JOSÉ NÚÑEZ is on file as
/// JOSE NUNEZ.) Letters outside that set are left for [`build_270`] to refuse.
fn x12_name(name: &str) -> String {
    name.trim()
        .to_uppercase()
        .chars()
        .map(|c| match c {
            'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'A',
            'É' | 'È' | 'Ê' | 'Ë' => 'E',
            'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
            'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => 'O',
            'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
            'Ñ' => 'N',
            'Ç' => 'C',
            'Ý' | 'Ÿ' => 'Y',
            '’' | '‘' => '\'',
            c => c,
        })
        .collect()
}

/// Splits the subscriber's full name, typed as one field, into (first, last).
/// When it ends with the patient's last name (a parent or spouse usually shares it,
/// including two-word Hispanic surnames such as GARCIA LOPEZ) that is the last name;
/// otherwise the last word is.
fn split_full_name(full: &str, patient_last: &str) -> (String, String) {
    let full = x12_name(full);
    let full = full.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(first) = full.strip_suffix(patient_last).and_then(|f| f.strip_suffix(' ')) {
        if !first.trim().is_empty() {
            return (first.trim().to_owned(), patient_last.to_owned());
        }
    }
    match full.rsplit_once(' ') {
        Some((first, last)) => (first.to_owned(), last.to_owned()),
        None => (String::new(), full),
    }
}

/// Builds the 270 text.
pub fn build_270(inquiry: &EligibilityInquiry) -> Result<String, X12Error> {
    let q = inquiry;
    let e = &q.envelope;
    let sender = text("sender ID", &e.sender_id, 2, 15)?;
    let receiver = text("receiver ID", &e.receiver_id, 2, 15)?;
    let icn = control_number("interchange control number", e.interchange_control_number)?;
    let gcn = control_number("group control number", e.group_control_number)?;
    let created = e.created.date();
    check_year("creation date", created)?;
    let (date8, time4) = (format_d8(created), format!("{:02}{:02}", e.created.hour(), e.created.minute()));
    let payer_name = text("payer name", &q.payer.name, 1, 60)?;
    let payer_id = text("payer ID", &q.payer.id, 2, 80)?;
    let provider_name = text("provider name", &q.provider.name, 1, 60)?;
    let originator = text("originator ID", &q.originator_id, 10, 10)?;
    let trace = text("reference", q.reference.compact(), 1, 50)?;
    let member_id = text("member ID", &q.member_id, 2, 80)?;
    let group = q.group_number.as_deref().map(|g| text("group number", g, 1, 50)).transpose()?;
    let subscriber = person("subscriber", &q.subscriber)?;
    let dependent = q.dependent.as_ref().map(|d| person("dependent", d)).transpose()?;
    check_year("service date", q.service_date)?;
    let service_date = format_d8(q.service_date);
    if q.service_types.is_empty() {
        return Err(X12Error::InvalidField { field: "service types", reason: "at least one is needed".into() });
    }
    for code in &q.service_types {
        let code = text("service type", code, 1, 2)?;
        if !code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
            return Err(X12Error::InvalidField {
                field: "service type",
                reason: format!("{code:?} is not a service type code"),
            });
        }
    }

    let mut out = Writer::default();
    let usage = match e.usage {
        Usage::Test => "T",
        Usage::Production => "P",
    };
    let isa13 = format!("{icn:09}");
    // ISA is fixed width: every element padded to its size (ISA02/04 are 10 blanks).
    out.raw(&format!(
        "ISA*00*{blank:10}*00*{blank:10}*ZZ*{sender:<15}*ZZ*{receiver:<15}*{yymmdd}*{time4}*^*00501*{isa13}*0*{usage}*:",
        blank = "",
        yymmdd = date8.get(2..).unwrap_or_default(),
    ));
    let gcn = gcn.to_string();
    out.segment(&["GS", "HS", sender, receiver, &date8, &time4, &gcn, "X", "005010X279A1"]);
    let st = out.count();
    out.segment(&["ST", "270", "0001", "005010X279A1"]);
    // BHT03 ties our side of the exchange together; the interchange number is unique.
    out.segment(&["BHT", "0022", "13", &format!("REQ{icn:04}"), &date8, &time4]);
    out.segment(&["HL", "1", "", "20", "1"]);
    out.segment(&["NM1", "PR", "2", payer_name, "", "", "", "", "PI", payer_id]);
    out.segment(&["HL", "2", "1", "21", "1"]);
    out.segment(&["NM1", "1P", "2", provider_name, "", "", "", "", "XX", q.provider.npi.as_str()]);
    let has_dependent = if dependent.is_some() { "1" } else { "0" };
    out.segment(&["HL", "3", "2", "22", has_dependent]);
    let inquiry_segments = |out: &mut Writer| {
        out.segment(&["DTP", "291", "D8", &service_date]);
        for code in &q.service_types {
            out.segment(&["EQ", code.trim()]);
        }
    };
    match &dependent {
        None => {
            out.segment(&["TRN", "1", trace, originator]);
            subscriber_name(&mut out, &subscriber, member_id, group);
            inquiry_segments(&mut out);
        }
        Some(dependent) => {
            subscriber_name(&mut out, &subscriber, member_id, group);
            out.segment(&["HL", "4", "3", "23", "0"]);
            out.segment(&["TRN", "1", trace, originator]);
            out.segment(&["NM1", "03", "1", &dependent.last, &dependent.first]);
            out.segment(&["DMG", "D8", &dependent.dob]);
            inquiry_segments(&mut out);
        }
    }
    let count = (out.count() - st + 1).to_string();
    out.segment(&["SE", &count, "0001"]);
    out.segment(&["GE", "1", &gcn]);
    out.segment(&["IEA", "1", &isa13]);
    Ok(out.text)
}

/// 2100C: the subscriber's name, member ID, group and date of birth.
fn subscriber_name(out: &mut Writer, s: &CheckedPerson, member_id: &str, group: Option<&str>) {
    out.segment(&["NM1", "IL", "1", &s.last, &s.first, "", "", "", "MI", member_id]);
    if let Some(group) = group {
        out.segment(&["REF", "6P", group]);
    }
    out.segment(&["DMG", "D8", &s.dob]);
}

/// A person whose fields have been checked and formatted.
struct CheckedPerson {
    first: String,
    last: String,
    dob: String,
}

fn person(who: &'static str, p: &Person) -> Result<CheckedPerson, X12Error> {
    let (first_field, last_field, dob_field) = match who {
        "subscriber" => ("subscriber first name", "subscriber last name", "subscriber date of birth"),
        _ => ("patient first name", "patient last name", "patient date of birth"),
    };
    // NM104 may be empty (a single-word name); NM103 may not.
    let first = text(first_field, &p.first_name, 0, 35)?.to_owned();
    let last = text(last_field, &p.last_name, 1, 60)?.to_owned();
    check_year(dob_field, p.date_of_birth)?;
    Ok(CheckedPerson { first, last, dob: format_d8(p.date_of_birth) })
}

/// Checks a text value and returns it trimmed: no X12 delimiter, only printable ASCII
/// (X12 has no encoding for anything else), and a length the TR3 allows.
fn text<'a>(field: &'static str, value: &'a str, min: usize, max: usize) -> Result<&'a str, X12Error> {
    let value = value.trim();
    if value.chars().any(|c| Delimiters::STANDARD.contains(c)) {
        return Err(X12Error::Delimiter { field });
    }
    if let Some(c) = value.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ')) {
        return Err(X12Error::InvalidField { field, reason: format!("{c:?} cannot be sent in X12") });
    }
    if value.len() < min || value.len() > max {
        let reason = if min == max {
            format!("must be {min} characters long, not {}", value.len())
        } else {
            format!("must be {min} to {max} characters long, not {}", value.len())
        };
        return Err(X12Error::InvalidField { field, reason });
    }
    Ok(value)
}

/// ISA13 holds nine digits, and zero is not a valid control number.
fn control_number(field: &'static str, n: u32) -> Result<u32, X12Error> {
    if (1..=999_999_999).contains(&n) {
        Ok(n)
    } else {
        Err(X12Error::InvalidField { field, reason: format!("{n} is not between 1 and 999999999") })
    }
}

/// CCYYMMDD has room for four-digit years only.
fn check_year(field: &'static str, date: Date) -> Result<(), X12Error> {
    if (1000..=9999).contains(&date.year()) {
        Ok(())
    } else {
        Err(X12Error::InvalidField { field, reason: format!("the year {} cannot be sent", date.year()) })
    }
}

/// Collects segments, dropping trailing empty elements as X12 requires.
#[derive(Default)]
struct Writer {
    text: String,
    segments: usize,
}

impl Writer {
    fn segment(&mut self, elements: &[&str]) {
        let used = elements.iter().rposition(|e| !e.is_empty()).map_or(0, |i| i + 1);
        self.raw(&elements.iter().take(used).copied().collect::<Vec<_>>().join("*"));
    }

    fn raw(&mut self, segment: &str) {
        self.text.push_str(segment);
        self.text.push('~');
        self.segments += 1;
    }

    fn count(&self) -> usize {
        self.segments
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_upper_case_ascii() {
        assert_eq!(x12_name(" José Núñez "), "JOSE NUNEZ");
        assert_eq!(x12_name("O’Brien"), "O'BRIEN");
    }

    #[test]
    fn full_names_split_on_the_shared_surname_or_the_last_word() {
        let split = |f, l| split_full_name(f, l);
        assert_eq!(split("Juan Garcia Lopez", "GARCIA LOPEZ"), ("JUAN".into(), "GARCIA LOPEZ".into()));
        assert_eq!(split("John  Smith", "DOE"), ("JOHN".into(), "SMITH".into()));
        assert_eq!(split("Mary Ann Doe", "DOE"), ("MARY ANN".into(), "DOE".into()));
        assert_eq!(split("Cher", "DOE"), ("".into(), "CHER".into()));
        assert_eq!(split("Doe", "DOE"), ("".into(), "DOE".into()));
    }

    #[test]
    fn the_npi_check_digit_is_luhn_over_80840() {
        assert_eq!(npi_check_digit(&[1, 2, 3, 4, 5, 6, 7, 8, 9]), 3);
    }
}
