//! The page language: chosen from the `lang` cookie, else `Accept-Language`, switchable
//! on every page (a plain link, so it works without JavaScript) and remembered.
//!
//! The server decides while rendering the shell and writes it into `<html lang>`; the
//! browser reads it back from there before hydrating, so both render the same words.

use crate::domain::intake::Locale;
use leptos::prelude::*;

/// The language of the page being rendered. On the server the shell provides it; an
/// island in the browser reads what the server wrote into `<html lang>`.
pub fn use_locale() -> Locale {
    #[cfg(feature = "hydrate")]
    let fallback = locale_of_document;
    #[cfg(not(feature = "hydrate"))]
    let fallback = || Locale::En;
    use_context::<Locale>().unwrap_or_else(fallback)
}

/// Picks the English or Spanish text.
pub fn tr(locale: Locale, en: &'static str, es: &'static str) -> &'static str {
    match locale {
        Locale::En => en,
        Locale::Es => es,
    }
}

/// Reads the language the server wrote into `<html lang>` (browser only).
#[cfg(feature = "hydrate")]
pub fn locale_of_document() -> Locale {
    document()
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Locale::parse(&l))
        .unwrap_or(Locale::En)
}

/// "Español" / "English": a link to the same page in the other language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = use_locale();
    let location = leptos_router::hooks::use_location();
    let (target, label, lang) = match locale {
        Locale::En => ("es", "Español", "es"),
        Locale::Es => ("en", "English", "en"),
    };
    let href = move || {
        let path = location.pathname.get();
        format!("/lang/{target}?next={}", encode_path(&path))
    };
    view! {
        // A full page load (rel="external"): the server sets the cookie and renders anew.
        <a class="lang-switch" href=href hreflang=lang lang=lang rel="external">
            {label}
        </a>
    }
}

/// Percent-encodes a path for use as a query value.
fn encode_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
