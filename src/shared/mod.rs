//! What the views and the server both use, compiled for both (no I/O): the wizard's
//! steps and form logic, its labels in English and Spanish, the draft a wizard page
//! shows, the clinic's details, the consent wording's versions, and the staff pages' data. The server builds these; the views render them.
//! (The domain below is the clinical contract and policy; this is the app's own shape.)

pub mod clinic;
pub mod consent;
pub mod draft;
pub mod form;
pub mod labels;
pub mod staff;
