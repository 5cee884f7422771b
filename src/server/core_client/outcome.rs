//! What one real-time check means for the eligibility job (`eligibility-realtime.md`,
//! "Retries" and "Results"): save the answer, try again later, hand it to a person, or
//! record a failed attempt. Pure: the worker of phase 2 decides from these what to store
//! and when to try next; nothing here knows about the database or the clock.

use super::CoreError;
use crate::x12::{Eligibility, Status, X12Error};
use std::time::Duration;

/// What to do with the outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// An unambiguous 271: save it as a verification (method `realtime`, by `system`).
    Saved(Saved),
    /// Nothing wrong with the request: ask again after [`backoff`].
    Retry(RetryCause),
    /// The payer answered, but a person must act (check the card, call the payer, fix
    /// the clinic's enrollment): not retried. `codes` are the AAA03 reasons, in the order
    /// the 271 gave them (none when the 271 says neither active, inactive nor rejected).
    /// The 271 is still worth showing and saving: its rejections carry the staff actions.
    NeedsPerson { codes: Vec<String> },
    /// Kept as a failed attempt with its reason; retrying would get the same answer.
    Failed(FailCause),
}

/// The status a saved 271 shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Active,
    Inactive,
    /// A rejection no data correction can fix (e.g. AAA04 `N`, "do not resubmit", with a
    /// reason not in [`NEEDS_PERSON`]): the payer's final word.
    Rejected,
}

/// Why a check is worth repeating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryCause {
    /// No answer within `ELIGIBILITY_TIMEOUT_SECONDS`.
    Timeout,
    /// No connection, or it broke.
    Connect,
    /// HTTP 408, 429 or 5xx: the clearinghouse is busy or down.
    HttpStatus(u16),
    /// The envelope's `ErrorCode` was not `Success` (e.g. the receiver is down).
    ErrorCode(String),
    /// AAA `42`: the payer cannot answer now.
    PayerUnavailable,
}

/// Why a check failed for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailCause {
    /// A 999: the clearinghouse refused the 270 itself.
    Rejected999,
    /// HTTP 4xx other than 408 and 429 (a wrong password is a 401): an administrator
    /// must fix the settings; asking again would only be refused again.
    HttpStatus(u16),
    /// The answer could not be read: the envelope (its reason), or the 271 in it
    /// (the X12 reader's [`X12Error::code`]). Neither quotes the payload.
    Unreadable(String),
}

/// AAA03 reject reasons that a person must act on (`x12-eligibility.md`): wrong or
/// missing data on the card or in the intake, the clinic's enrollment (43), a duplicate
/// member ID (76). Every other reason except 42 is the payer's final answer.
pub const NEEDS_PERSON: [&str; 9] = ["15", "43", "58", "65", "67", "72", "73", "75", "76"];

/// AAA03 `42`: "unable to respond at current time".
pub const PAYER_UNAVAILABLE: &str = "42";

/// How one check ended, for [`classify`]: it failed before a 271 was in hand, or the
/// 271 in the reply was read (or could not be) by `x12::parse_271_for`.
#[derive(Debug, Clone, Copy)]
pub enum Checked<'a> {
    Failed(&'a CoreError),
    Read(&'a Result<Eligibility, X12Error>),
}

/// What the outcome of a check means. Pure, so the whole table is tested.
pub fn classify(checked: Checked<'_>) -> Disposition {
    let eligibility = match checked {
        Checked::Failed(error) => return classify_error(error),
        Checked::Read(Err(e)) => return Disposition::Failed(FailCause::Unreadable(format!("271: {}", e.code()))),
        Checked::Read(Ok(eligibility)) => eligibility,
    };
    let codes: Vec<String> = eligibility.rejections.iter().map(|r| r.code.clone()).collect();
    match eligibility.status {
        Status::Active => Disposition::Saved(Saved::Active),
        Status::Inactive => Disposition::Saved(Saved::Inactive),
        Status::Rejected if codes.iter().any(|c| NEEDS_PERSON.contains(&c.as_str())) => {
            Disposition::NeedsPerson { codes }
        }
        // Only "try later" reasons: the payer will answer another time.
        Status::Rejected if codes.iter().all(|c| c == PAYER_UNAVAILABLE) => {
            Disposition::Retry(RetryCause::PayerUnavailable)
        }
        Status::Rejected => Disposition::Saved(Saved::Rejected),
        // Neither coverage nor a rejection: staff should call the payer (intake-v1.md).
        Status::Unknown => Disposition::NeedsPerson { codes },
    }
}

fn classify_error(error: &CoreError) -> Disposition {
    match error {
        CoreError::Timeout(_) => Disposition::Retry(RetryCause::Timeout),
        CoreError::Connect(_) => Disposition::Retry(RetryCause::Connect),
        CoreError::HttpStatus(s) if *s == 408 || *s == 429 || *s >= 500 => {
            Disposition::Retry(RetryCause::HttpStatus(*s))
        }
        CoreError::HttpStatus(s) => Disposition::Failed(FailCause::HttpStatus(*s)),
        CoreError::ErrorCode { code, .. } => Disposition::Retry(RetryCause::ErrorCode(code.clone())),
        CoreError::Rejected { .. } => Disposition::Failed(FailCause::Rejected999),
        CoreError::Malformed(reason) => Disposition::Failed(FailCause::Unreadable(reason.clone())),
    }
}

/// The most tries a job gets, the first included.
pub const MAX_TRIES: u32 = 8;

/// How long to wait after `failed` failed tries before the next one: 1 minute, 5
/// minutes, 30 minutes, then every 2 hours; `None` once [`MAX_TRIES`] have been made.
/// `failed == 0` (nothing tried yet) is no wait.
pub fn backoff(failed: u32) -> Option<Duration> {
    const MINUTE: u64 = 60;
    let minutes = match failed {
        0 => 0,
        1 => 1,
        2 => 5,
        3 => 30,
        n if n < MAX_TRIES => 120,
        _ => return None,
    };
    Some(Duration::from_secs(minutes * MINUTE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12::{LoopId, Rejection};

    fn eligibility(status: Status, codes: &[&str]) -> Result<Eligibility, X12Error> {
        Ok(Eligibility {
            status,
            trace: None,
            payer_trace: None,
            payer: Default::default(),
            subscriber: Default::default(),
            plan: Default::default(),
            benefits: Vec::new(),
            rejections: codes
                .iter()
                .map(|c| Rejection {
                    loop_id: LoopId::L2100C,
                    code: (*c).to_owned(),
                    follow_up: None,
                    action: crate::x12::action_for(c),
                })
                .collect(),
        })
    }

    fn read(status: Status, codes: &[&str]) -> Disposition {
        classify(Checked::Read(&eligibility(status, codes)))
    }

    #[test]
    fn unambiguous_answers_are_saved() {
        assert_eq!(read(Status::Active, &[]), Disposition::Saved(Saved::Active));
        // A service-level AAA does not undo active coverage (the parser's rule).
        assert_eq!(read(Status::Active, &["42"]), Disposition::Saved(Saved::Active));
        assert_eq!(read(Status::Inactive, &[]), Disposition::Saved(Saved::Inactive));
        assert_eq!(read(Status::Rejected, &["41"]), Disposition::Saved(Saved::Rejected));
    }

    #[test]
    fn aaa_42_alone_is_retried_and_correctable_reasons_go_to_a_person() {
        assert_eq!(read(Status::Rejected, &["42"]), Disposition::Retry(RetryCause::PayerUnavailable));
        assert_eq!(read(Status::Rejected, &["42", "42"]), Disposition::Retry(RetryCause::PayerUnavailable));
        for code in ["72", "73", "75", "58", "65", "67", "43", "15", "76"] {
            assert_eq!(read(Status::Rejected, &[code]), Disposition::NeedsPerson { codes: vec![code.into()] });
        }
        // A person must fix the card anyway: retrying the 42 would not help.
        assert_eq!(
            read(Status::Rejected, &["42", "72"]),
            Disposition::NeedsPerson { codes: vec!["42".into(), "72".into()] }
        );
        assert_eq!(read(Status::Unknown, &[]), Disposition::NeedsPerson { codes: vec![] });
    }

    #[test]
    fn transport_failures_are_retried_and_refusals_are_not() {
        let failed = |e: CoreError| classify(Checked::Failed(&e));
        assert_eq!(failed(CoreError::Timeout(25)), Disposition::Retry(RetryCause::Timeout));
        assert_eq!(failed(CoreError::Connect("refused".into())), Disposition::Retry(RetryCause::Connect));
        for s in [408, 429, 500, 502, 503, 504] {
            assert_eq!(failed(CoreError::HttpStatus(s)), Disposition::Retry(RetryCause::HttpStatus(s)));
        }
        for s in [400, 401, 403, 404] {
            assert_eq!(failed(CoreError::HttpStatus(s)), Disposition::Failed(FailCause::HttpStatus(s)));
        }
        let code = CoreError::ErrorCode { code: "ReceiverDown".into(), message: String::new() };
        assert_eq!(failed(code), Disposition::Retry(RetryCause::ErrorCode("ReceiverDown".into())));
        let ack = CoreError::Rejected { ack: super::super::PayloadText::new("ISA*…".into()) };
        assert_eq!(failed(ack), Disposition::Failed(FailCause::Rejected999));
        assert_eq!(
            failed(CoreError::Malformed("no ErrorCode".into())),
            Disposition::Failed(FailCause::Unreadable("no ErrorCode".into()))
        );
        let unreadable: Result<Eligibility, X12Error> = Err(X12Error::NoIsa);
        assert_eq!(
            classify(Checked::Read(&unreadable)),
            Disposition::Failed(FailCause::Unreadable("271: no-isa".into()))
        );
    }

    #[test]
    fn backoff_is_1_5_30_minutes_then_every_2_hours_for_8_tries() {
        let minutes = |n| backoff(n).map(|d| d.as_secs() / 60);
        assert_eq!(minutes(0), Some(0));
        assert_eq!(minutes(1), Some(1));
        assert_eq!(minutes(2), Some(5));
        assert_eq!(minutes(3), Some(30));
        for n in 4..MAX_TRIES {
            assert_eq!(minutes(n), Some(120), "after {n} failures");
        }
        assert_eq!(minutes(MAX_TRIES), None, "8 tries made: no ninth");
        assert_eq!(minutes(u32::MAX), None);
        // Eight tries: the first, then one after each of seven waits.
        assert_eq!((1..).take_while(|n| backoff(*n).is_some()).count() + 1, MAX_TRIES as usize);
    }
}
