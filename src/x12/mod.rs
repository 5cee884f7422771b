//! Insurance eligibility in X12 005010X279A1: the 270 inquiry we send and the 271
//! response a payer sends back.
//!
//! Pure code, like `domain`: no I/O, no clock, no database. The caller supplies dates,
//! control numbers and bytes; a transport (clearinghouse API, SFTP, a file staff
//! download from a portal) lives elsewhere and only moves the text produced here.
//!
//! - [`tokenizer`] splits any byte sequence into segments using the delimiters the ISA
//!   itself declares, and never panics: a 271 comes from outside.
//! - [`parse271`] turns a tokenized 271 into the [`Eligibility`] JSON of `intake-v1.md`
//!   ("`x12 parse-271` output"): status, trace (only the one echoed from our inquiry),
//!   payer, subscriber, plan, benefits, rejections with a plain-English action for
//!   staff; plus the payer's own trace, apart.
//! - [`build270`] writes a 270 for one patient, refusing any value that would corrupt
//!   it (an X12 delimiter in a name, an NPI with a wrong check digit).
//!
//! Every failure in this layer is one [`X12Error`].

pub mod build270;
mod error;
pub mod parse271;
pub mod summary;
pub mod tokenizer;

pub use build270::{
    build_270, EligibilityInquiry, Envelope, Npi, Payer, PayerDirectory, Person, Provider, Submitter, Usage,
};
pub use error::X12Error;
pub use parse271::{
    action_for, parse_271, parse_271_for, Benefit, BenefitKind, Eligibility, LoopId, Network, PayerInfo, Period,
    PlanInfo, Rejection, Status, SubscriberInfo,
};
pub use summary::{summarize, CostShares, CoverageSummary};
pub use tokenizer::{tokenize, Delimiters, Element, Segment};

use jiff::civil::Date;

/// Reads an X12 `D8` date (`CCYYMMDD`). Anything else, including a well-formed but
/// impossible date such as `20260231`, is `None`: a payer's typo must not stop staff
/// from seeing the rest of the response.
pub(crate) fn parse_d8(text: &str) -> Option<Date> {
    let text = text.trim();
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // All ASCII digits, so these slices are on character boundaries and parse cleanly.
    let year: i16 = text.get(0..4)?.parse().ok()?;
    let month: i8 = text.get(4..6)?.parse().ok()?;
    let day: i8 = text.get(6..8)?.parse().ok()?;
    Date::new(year, month, day).ok()
}

/// Writes a date as X12 `D8` (`CCYYMMDD`).
pub(crate) fn format_d8(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year(), date.month(), date.day())
}
