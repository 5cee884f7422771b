//! pain-intake: patient intake and ketamine-consult pre-screening for a Texas pain clinic.
//!
//! One crate, two builds: `ssr` (the axum server, `server`) and `hydrate` (the WASM that
//! makes the server-rendered pages interactive). `domain` is pure and shared by both, and
//! so is `shared` (what the views and the server both use); `ui` is the Leptos component
//! tree, rendered on the server and hydrated in the browser.

// Leptos view types nest deeply; the staff submission page's sits at rustc's default
// query depth (128). The same source built in one checkout and failed with "queries
// overflow the depth limit" in another (a different folder), so leave room.
#![recursion_limit = "256"]

pub mod domain;
pub mod shared;
pub mod ui;
pub mod x12;

#[cfg(feature = "ssr")]
pub mod server;

/// The browser entry point. Pages are islands (Leptos `islands` mode): everything is
/// rendered on the server, and only the components marked `#[island]` (the wizard's step
/// form, the staff idle warning, the home page's pain scale, the hydration marker) are
/// compiled to WASM and brought to life here; the loader script then hydrates each one.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
