//! The clinic's side on the server: staff accounts and sign-in, the review queue and
//! submissions, the audit trail and exports. Pages live in `ui::staff`; the form posts
//! and downloads in `server::http::staff`.

pub mod accounts;
pub mod audit;
pub mod cards;
pub mod fhir;
pub mod insurance;
pub mod password;
pub mod queue;
pub mod sessions;
pub mod submissions;
pub mod totp;
