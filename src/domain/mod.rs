//! The pure domain: intake answers, their parsing, and the screening policy.
//!
//! No I/O and no clock: everything here compiles for the server and for the browser
//! (WASM), so the patient sees live exactly what the server computes and stores.

pub mod age;
pub mod booking;
pub mod decode;
pub mod followup;
pub mod i18n;
pub mod intake;
pub mod screening;
pub mod staff;
pub mod values;

#[cfg(test)]
mod tests;
