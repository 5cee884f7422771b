//! The shape of an education page: bilingual text, sections, notices, sources and review
//! details.
//!
//! Content lives as plain data (`content.rs`) so that writers can edit it without
//! touching components, and tests can check every page for forbidden claims.

use crate::domain::intake::Locale;

/// One piece of text in both languages.
///
/// Paragraphs and list items may hold links written as `[label](href)`, e.g.
/// `[911](tel:911)`, so that a phone number can be tapped to call. Titles, descriptions,
/// summaries and headings are plain text.
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

/// A piece of a paragraph or list item: a run of text, or a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inline {
    Text(&'static str),
    Link { label: &'static str, href: &'static str },
}

/// Splits a paragraph into runs of text and `[label](href)` links. A bracket that does
/// not open a whole link stays text (the content tests reject it).
pub fn inlines(s: &'static str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|mid| {
            let label = &after[..mid];
            let tail = &after[mid + 2..];
            tail.find(')').map(|close| (label, &tail[..close], &tail[close + 1..]))
        });
        let Some((label, href, tail)) = link.filter(|(label, href, _)| !label.contains('[') && !href.is_empty()) else {
            break;
        };
        if open > 0 {
            out.push(Inline::Text(&rest[..open]));
        }
        out.push(Inline::Link { label, href });
        rest = tail;
    }
    if !rest.is_empty() {
        out.push(Inline::Text(rest));
    }
    out
}

/// The words of a paragraph as a reader sees them: each link reduced to its label.
pub fn plain(s: &'static str) -> String {
    inlines(s)
        .into_iter()
        .map(|i| match i {
            Inline::Text(t) => t,
            Inline::Link { label, .. } => label,
        })
        .collect()
}

/// A block inside a section: a paragraph, a bulleted list, or a highlighted notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    Paragraph(Text),
    List(&'static [Text]),
    Notice(Notice),
}

/// A highlighted box with its own heading, for what a reader must not miss: the signs
/// that need 911, or the crisis line. Its blocks are paragraphs and lists only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    pub tone: Tone,
    pub heading: Text,
    pub blocks: &'static [Block],
}

/// What a notice is about; the page shows it with a matching style and call button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Call 911 now.
    Emergency,
    /// The 988 Suicide & Crisis Lifeline.
    Lifeline,
}

/// A section of a page under its own `h2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub heading: Text,
    pub blocks: &'static [Block],
}

/// A cited source, shown in the page's "Sources" list (same in both languages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// The authors, or the body that published it.
    pub by: &'static str,
    /// The title exactly as published, without a final full stop.
    pub title: &'static str,
    /// Where and when: journal, volume and pages, or publisher and date.
    pub published: &'static str,
    /// A DOI link (`https://doi.org/…`) or the publisher's official address.
    pub url: &'static str,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_split_out_of_text() {
        assert_eq!(
            inlines("Call [911](tel:911) now."),
            vec![Inline::Text("Call "), Inline::Link { label: "911", href: "tel:911" }, Inline::Text(" now.")]
        );
        assert_eq!(
            inlines("[988](tel:988) or [988](sms:988)"),
            vec![
                Inline::Link { label: "988", href: "tel:988" },
                Inline::Text(" or "),
                Inline::Link { label: "988", href: "sms:988" }
            ]
        );
        assert_eq!(plain("Call [911](tel:911) now."), "Call 911 now.");
    }

    #[test]
    fn text_without_a_whole_link_stays_text() {
        assert_eq!(inlines("No links (CRPS) here."), vec![Inline::Text("No links (CRPS) here.")]);
        assert_eq!(inlines("A [broken link"), vec![Inline::Text("A [broken link")]);
        assert_eq!(inlines("A [label]() here"), vec![Inline::Text("A [label]() here")]);
        assert!(inlines("").is_empty());
    }
}
