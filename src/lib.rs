//! pain-intake: patient intake and ketamine-consult pre-screening for a Texas pain clinic.
//!
//! One crate, two builds: `ssr` (the axum server, `server`) and `hydrate` (the WASM that
//! makes the server-rendered pages interactive). `domain` is pure and shared by both;
//! `ui` is the Leptos component tree, rendered on the server and hydrated in the browser.

// The staff submission page is one deep tree of typed views; non-incremental builds
// (CI) need more than the default query depth to lay it out.
#![recursion_limit = "256"]

pub mod domain;
pub mod x12;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

/// The browser entry point: adopt the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let clinic = ui::ClinicInfo::from_document();
    let locale = ui::i18n::locale_of_document();
    leptos::mount::hydrate_body(move || {
        leptos::prelude::provide_context(clinic.clone());
        leptos::prelude::provide_context(locale);
        ui::App()
    });
}
