//! Everything that runs only on the server: configuration, the command line, the
//! database, the HTTP layer. Built with the `ssr` feature.

pub mod backup;
pub mod bookings;
pub mod callbacks;
pub mod cli;
pub mod config;
pub mod core_client;
pub mod crypto;
pub mod db;
pub mod doctor;
pub mod drafts;
pub mod eligibility;
pub mod eligibility_outbox;
pub mod follow_ups;
pub mod generate;
pub mod http;
pub mod images;
pub mod intakes;
pub mod keys;
pub mod metrics;
pub mod notify;
pub mod patient_mail;
pub mod patient_outbox;
pub mod rate_limit;
pub mod session_store;
pub mod staff;
