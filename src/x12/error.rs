//! The one error type of the X12 layer.
//!
//! Messages are written for the person running `x12 parse-271` or `x12 build-270`:
//! they say what is wrong and where, in words, because the input is usually a file
//! someone downloaded from a payer portal and cannot inspect byte by byte.
//!
//! The messages of the reading errors are shown to staff on the submission page and
//! may be logged, so they never repeat text from the file that could be about a
//! patient: they name segments, positions, counts and delimiters, and echo a value from
//! the file only when it is a number (a count, a control number, a transaction code),
//! through [`digits`]. [`X12Error::code`] is a short fixed name for logs.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum X12Error {
    // --- Reading: the envelope and delimiters (tokenizer) ---
    #[error("the input is empty")]
    Empty,

    #[error("the input does not start with an ISA segment, so it is not an X12 interchange")]
    NoIsa,

    #[error("the ISA segment is cut short: it has {len} of its 106 characters")]
    TruncatedIsa { len: usize },

    #[error("the ISA segment is malformed: {0}")]
    MalformedIsa(String),

    /// The ISA's elements are not padded to their fixed widths (a payer trimmed ISA06,
    /// say), so the delimiters cannot be read at the positions the standard fixes.
    #[error(
        "the ISA segment is not fixed width: it is {len} characters long, not 106, because ISA{element:02} is \
         {found} characters wide where the standard requires {width}; every ISA element must be padded with \
         spaces to its full width, so the file's delimiters cannot be found"
    )]
    IsaNotFixedWidth { len: usize, element: usize, width: usize, found: usize },

    #[error("the ISA segment declares unusable delimiters: {0}")]
    InvalidDelimiters(String),

    #[error("the input is not text: byte {offset} is not valid UTF-8")]
    NotUtf8 { offset: usize },

    /// The text where the ID should be is not echoed: when delimiters are off it is
    /// often a piece of a name or member ID.
    #[error(
        "segment {position} does not start with a segment ID (2 or 3 capital letters and digits): \
         the file may be damaged or not use the delimiters its ISA declares"
    )]
    InvalidSegmentId { position: usize },

    // --- Reading: the 271 transaction (parser) ---
    #[error("no transaction (ST segment) was found in the interchange")]
    NoTransaction,

    /// `found` is ST01 when it is a number (`270`, `999`), else `None`.
    #[error("the transaction is {}, not a 271 eligibility response", kind(found))]
    NotA271 { found: Option<String> },

    #[error("the interchange holds {count} transactions; only a response to one inquiry can be read")]
    MultipleTransactions { count: usize },

    #[error("the response lists more than one {level}; only a response to one inquiry can be read")]
    MultipleSubjects { level: &'static str },

    #[error("the {missing} segment is missing: the file may be cut short")]
    Incomplete { missing: &'static str },

    #[error("segment {position} is {id} where {expected} was expected")]
    UnexpectedSegment { position: usize, id: String, expected: &'static str },

    /// `declared` is SE01 when it is a number, else `None`.
    #[error("{}, but it has {actual}", segment_count(declared))]
    SegmentCount { declared: Option<String>, actual: usize },

    /// `expected` and `found` are the control numbers when they are numbers.
    #[error("{segment} carries control number {} where {} was expected", control(found), control(expected))]
    ControlNumberMismatch { segment: &'static str, expected: Option<String>, found: Option<String> },

    // --- Writing a 270 (builder) ---
    #[error("{field} contains an X12 delimiter (~ * : ^), which would corrupt the request")]
    Delimiter { field: &'static str },

    #[error("{field} is invalid: {reason}")]
    InvalidField { field: &'static str, reason: String },

    #[error("the NPI {npi:?} is invalid: {reason}")]
    InvalidNpi { npi: String, reason: &'static str },

    #[error("a self-pay intake has no insurance to check")]
    SelfPay,

    #[error("no payer ID is known for {payer:?}: look it up with the clearinghouse and enter it")]
    NoPayerId { payer: String },
}

/// A value read from the file, kept for a message only when it is 1 to 20 ASCII digits:
/// counts and control numbers, never a name or member ID.
pub(crate) fn digits(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty() && v.len() <= 20 && v.bytes().all(|b| b.is_ascii_digit())).then(|| v.to_owned())
}

fn kind(st01: &Option<String>) -> String {
    st01.as_ref().map_or_else(|| "of an unreadable kind".to_owned(), |k| format!("a {k}"))
}

fn segment_count(se01: &Option<String>) -> String {
    se01.as_ref().map_or_else(
        || "SE01 does not give the number of segments".to_owned(),
        |n| format!("SE01 says the transaction has {n} segments"),
    )
}

fn control(number: &Option<String>) -> String {
    number.as_ref().map_or_else(|| "(not a number)".to_owned(), |n| n.clone())
}

impl X12Error {
    /// A short fixed name for the error, for logs and metrics: it carries nothing from
    /// the file, whatever the variant holds.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::NoIsa => "no-isa",
            Self::TruncatedIsa { .. } => "truncated-isa",
            Self::MalformedIsa(_) => "malformed-isa",
            Self::IsaNotFixedWidth { .. } => "isa-not-fixed-width",
            Self::InvalidDelimiters(_) => "invalid-delimiters",
            Self::NotUtf8 { .. } => "not-utf8",
            Self::InvalidSegmentId { .. } => "invalid-segment-id",
            Self::NoTransaction => "no-transaction",
            Self::NotA271 { .. } => "not-a-271",
            Self::MultipleTransactions { .. } => "multiple-transactions",
            Self::MultipleSubjects { .. } => "multiple-subjects",
            Self::Incomplete { .. } => "incomplete",
            Self::UnexpectedSegment { .. } => "unexpected-segment",
            Self::SegmentCount { .. } => "segment-count",
            Self::ControlNumberMismatch { .. } => "control-number-mismatch",
            Self::Delimiter { .. } => "delimiter",
            Self::InvalidField { .. } => "invalid-field",
            Self::InvalidNpi { .. } => "invalid-npi",
            Self::SelfPay => "self-pay",
            Self::NoPayerId { .. } => "no-payer-id",
        }
    }
}
