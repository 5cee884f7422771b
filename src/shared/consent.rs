//! What a patient agrees to on the consent step, versioned (`content.md`, issue "What the
//! patient agreed to, kept"). Every intake stores the version it was given, in the
//! patient's language, with the SHA-256 of that text (`server::intakes`), so the clinic
//! can show what each patient agreed to even after the wording changes.
//!
//! A wording change is a new entry in [`VERSIONS`], never an edit of an old one: a test
//! pins each version's hashes, so an edited text fails it.

use crate::domain::intake::Locale;

/// One version of the consent step's wording, in English and Spanish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentVersion {
    /// Stored with each intake, e.g. `2026-12-05`.
    pub id: &'static str,
    /// The statements the patient ticks, then the signature instruction.
    pub en: [&'static str; 4],
    pub es: [&'static str; 4],
}

/// Every version ever shown, oldest first; the last is the one the wizard shows now.
pub const VERSIONS: &[ConsentVersion] = &[ConsentVersion {
    id: "2026-12-05",
    en: [
        "I have read the clinic's notice of privacy practices.",
        "The clinic may contact me about my answers.",
        "My answers are true to the best of my knowledge.",
        "Type your full name as your signature",
    ],
    es: [
        "He leído el aviso de prácticas de privacidad de la clínica.",
        "La clínica puede comunicarse conmigo sobre mis respuestas.",
        "Mis respuestas son verdaderas hasta donde yo sé.",
        "Escriba su nombre completo como firma",
    ],
}];

/// The wording the wizard shows now.
pub fn current() -> &'static ConsentVersion {
    VERSIONS.last().expect("at least one consent version")
}

/// A stored version id's wording, if it is one of ours.
pub fn version(id: &str) -> Option<&'static ConsentVersion> {
    VERSIONS.iter().find(|v| v.id == id)
}

impl ConsentVersion {
    /// The statements in a language, in the order shown.
    pub fn statements(&self, locale: Locale) -> [&'static str; 4] {
        match locale {
            Locale::En => self.en,
            Locale::Es => self.es,
        }
    }

    /// The text whose SHA-256 is stored: the statements, one per line, as shown.
    pub fn text(&self, locale: Locale) -> String {
        self.statements(locale).join("\n")
    }

    /// (English, Spanish) of statement `i`, for the wizard's labels.
    pub fn label(&self, i: usize) -> (&'static str, &'static str) {
        (self.en[i], self.es[i])
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::server::intakes::consent_sha256;

    /// Each version's text, pinned by hash: editing a released wording fails here. A
    /// change of wording is a new entry in `VERSIONS` (and a new line below).
    const PINNED: &[(&str, &str, &str)] = &[(
        "2026-12-05",
        "c3c883de5e6d8574911001f63982fb6c531dd7869e4810bd46149c05d6bd6dba",
        "91edbb4a335994f04febdcf4f735267856d4312ae65b3f6b9c6a8d8825ebe1d2",
    )];

    #[test]
    fn released_wordings_never_change() {
        assert_eq!(VERSIONS.len(), PINNED.len(), "every version is pinned");
        for (v, (id, en, es)) in VERSIONS.iter().zip(PINNED) {
            assert_eq!(v.id, *id);
            assert_eq!(consent_sha256(v, Locale::En), *en, "{id} en");
            assert_eq!(consent_sha256(v, Locale::Es), *es, "{id} es");
        }
    }

    #[test]
    fn versions_are_unique_and_the_last_is_current() {
        let mut ids: Vec<&str> = VERSIONS.iter().map(|v| v.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), VERSIONS.len());
        assert_eq!(current().id, VERSIONS[VERSIONS.len() - 1].id);
        assert_eq!(version(current().id), Some(current()));
        assert_eq!(version("1999-01-01"), None);
    }

    #[test]
    fn the_spanish_wording_uses_latin_american_usage() {
        assert!(current().es[2].contains("hasta donde yo sé"), "content.md, round 2");
    }
}
