//! The shape of an education page: bilingual text, sections, sources and review details.
//!
//! Content lives as plain data (`content.rs`) so that writers can edit it without
//! touching components, and tests can check every page for forbidden claims.

use crate::domain::intake::Locale;

/// One piece of text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub es: &'static str,
}

impl Text {
    pub const fn new(en: &'static str, es: &'static str) -> Self {
        Self { en, es }
    }

    pub fn get(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => self.en,
            Locale::Es => self.es,
        }
    }
}

/// A block inside a section: a paragraph, or a bulleted list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    Paragraph(Text),
    List(&'static [Text]),
}

/// A section of a page under its own `h2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub heading: Text,
    pub blocks: &'static [Block],
}

/// A cited source: shown in the page's "Sources" list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// The citation as people read it (same in both languages).
    pub citation: &'static str,
}

/// One education page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// The address under `/learn/`, e.g. `what-is-ketamine`. Same in both languages.
    pub slug: &'static str,
    /// The `h1` and the `<title>`.
    pub title: Text,
    /// The `<meta name="description">`: one or two sentences, under 160 characters.
    pub description: Text,
    /// A short plain-language summary shown under the title.
    pub summary: Text,
    pub sections: &'static [Section],
    pub sources: &'static [Source],
    /// ISO date of the last medical review, e.g. "2026-11-23".
    pub last_reviewed: &'static str,
}
