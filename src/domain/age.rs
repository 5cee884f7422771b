//! A person's age on a date: used by the contract (no one over 120), the screening
//! policy (under 18) and the staff pages. Its own module, so that `intake` and
//! `screening` both build on it and neither needs the other for it.

use jiff::civil::Date;

/// Age in completed years on `on`. Someone born on 29 February turns a year older on
/// 1 March in non-leap years, which plain (month, day) comparison gives for free.
pub fn age_on(born: Date, on: Date) -> i32 {
    let years = i32::from(on.year()) - i32::from(born.year());
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years - 1
    } else {
        years
    }
}
