//! The one error type of the X12 layer.
//!
//! Messages are written for the person running `x12 parse-271` or `x12 build-270`:
//! they say what is wrong and where, in words, because the input is usually a file
//! someone downloaded from a payer portal and cannot inspect byte by byte.

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

    #[error("the ISA segment declares unusable delimiters: {0}")]
    InvalidDelimiters(String),

    #[error("the input is not text: byte {offset} is not valid UTF-8")]
    NotUtf8 { offset: usize },

    #[error("segment {position} has an invalid segment ID {id:?}")]
    InvalidSegmentId { position: usize, id: String },

    // --- Reading: the 271 transaction (parser) ---
    #[error("no transaction (ST segment) was found in the interchange")]
    NoTransaction,

    #[error("the transaction is a {found:?}, not a 271 eligibility response")]
    NotA271 { found: String },

    #[error("the interchange holds {count} transactions; only a response to one inquiry can be read")]
    MultipleTransactions { count: usize },

    #[error("the response lists more than one {level}; only a response to one inquiry can be read")]
    MultipleSubjects { level: &'static str },

    #[error("the {missing} segment is missing: the file may be cut short")]
    Incomplete { missing: &'static str },

    #[error("segment {position} is {id} where {expected} was expected")]
    UnexpectedSegment { position: usize, id: String, expected: &'static str },

    #[error("SE01 says the transaction has {declared:?} segments, but it has {actual}")]
    SegmentCount { declared: String, actual: usize },

    #[error("{segment} carries control number {found:?} where {expected:?} was expected")]
    ControlNumberMismatch { segment: &'static str, expected: String, found: String },

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
