//! The Leptos component tree: the HTML shell, the router and the pages.
//!
//! Rendered on the server for every page (so everything works without JavaScript) and
//! hydrated in the browser. Components read clinic settings from [`ClinicInfo`] in
//! context, which the server provides per request and the browser reads back from the
//! page's `<meta name="clinic-name">`.

mod home;
mod not_found;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    StaticSegment,
};

/// Clinic settings the pages show.
#[derive(Debug, Clone, PartialEq)]
pub struct ClinicInfo {
    pub name: String,
}

impl ClinicInfo {
    /// Reads the settings the server wrote into the page (browser only).
    #[cfg(feature = "hydrate")]
    pub fn from_document() -> Self {
        let name = document()
            .query_selector(r#"meta[name="clinic-name"]"#)
            .ok()
            .flatten()
            .and_then(|m| m.get_attribute("content"))
            .unwrap_or_default();
        Self { name }
    }
}

/// The document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let clinic = use_context::<ClinicInfo>().map(|c| c.name).unwrap_or_default();
    #[cfg(feature = "ssr")]
    crate::server::http::security::set_page_csp();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="clinic-name" content=clinic />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: layout, header, footer and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let clinic = use_context::<ClinicInfo>().map(|c| c.name).unwrap_or_default();

    // Tests and assistive tooling wait for this marker: the page is interactive now.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/pain-intake.css" />
        <Meta name="color-scheme" content="light" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Ketamine consult pre-screening".to_owned() } else { page }
        } />
        <Router>
            <a class="skip-link" href="#main">"Skip to main content"</a>
            <header class="site-header">
                <a class="brand" href="/">{clinic.clone()}</a>
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=not_found::NotFound>
                    <Route path=StaticSegment("") view=home::HomePage />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>
                    "If you think you are having a medical emergency, call 911. "
                    "If you are thinking about harming yourself, call or text 988."
                </p>
                <p>{clinic}</p>
            </footer>
        </Router>
    }
}
