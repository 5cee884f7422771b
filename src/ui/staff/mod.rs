//! The staff pages (placeholder while the portal is built).
pub mod data;
