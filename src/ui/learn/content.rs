//! Placeholder until the education content lands.
use super::model::*;
pub static PAGES: &[Page] = &[];
