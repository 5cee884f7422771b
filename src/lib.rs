//! pain-intake: patient intake and ketamine-consult pre-screening for a Texas pain clinic.
//!
//! One crate, two builds: `ssr` (the axum server, `server`) and `hydrate` (the WASM that
//! makes the server-rendered pages interactive). `domain` is pure and shared by both;
//! `ui` is the Leptos component tree, rendered on the server and hydrated in the browser.

// Leptos view types nest deeply; the staff submission page's sits at rustc's default
// query depth (128). The same source built in one checkout and failed with "queries
// overflow the depth limit" in another (a different folder), so leave room.
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
