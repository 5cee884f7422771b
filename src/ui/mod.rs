//! The Leptos component tree: the HTML shell, the router and the pages.
//!
//! Rendered on the server for every page, so everything works without JavaScript. The
//! app runs in Leptos islands mode: only components marked `#[island]` are compiled to
//! WASM and hydrated in the browser (the wizard's step form, the staff idle warning, the
//! home page's pain scale and [`HydrationMarker`]); everything else is HTML. Education
//! pages load no WASM at all. Components read clinic settings from [`ClinicInfo`] in
//! context, which the server provides per request.

mod home;
pub mod i18n;
pub mod intake;
pub mod learn;
mod not_found;
pub mod staff;

use crate::domain::intake::Locale;
use i18n::{tr, use_locale, LanguageSwitch};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode, StaticSegment,
};

use crate::shared::clinic::ClinicInfo;

/// The document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let clinic = use_context::<ClinicInfo>().unwrap_or_default();
    #[cfg(feature = "ssr")]
    crate::server::http::security::set_page_csp();
    // Staff pages are in English whatever the browser prefers.
    #[cfg(feature = "ssr")]
    let locale = use_context::<axum::http::request::Parts>()
        .filter(|p| !p.uri.path().starts_with("/staff"))
        .map(|p| crate::server::http::browser::locale_of_request(&p.headers))
        .unwrap_or(Locale::En);
    #[cfg(not(feature = "ssr"))]
    let locale = Locale::En;
    provide_context(locale);
    #[cfg(feature = "ssr")]
    let stylesheet = crate::server::http::assets::stylesheet_href();
    #[cfg(not(feature = "ssr"))]
    let stylesheet = "/pkg/pain-intake.css";
    // Education pages have nothing interactive: no WASM is loaded there at all, so they
    // stay light and readable on a slow phone.
    #[cfg(feature = "ssr")]
    let scripts = use_context::<axum::http::request::Parts>()
        .is_none_or(|p| !(p.uri.path() == "/learn" || p.uri.path().starts_with("/learn/")));
    #[cfg(not(feature = "ssr"))]
    let scripts = true;
    view! {
        <!DOCTYPE html>
        <html lang=locale.as_str()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="clinic-name" content=clinic.name />
                <meta name="medical-reviewer" content=clinic.reviewer />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href=stylesheet />
                <link rel="stylesheet" href="/theme.css" />
                {scripts.then(|| island_loader(options))}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The script that loads the WASM bundle and hydrates the islands. On the server it is
/// Leptos's `HydrationScripts`, rendered once and reused with each page's nonce
/// (`assets::island_loader`).
#[cfg(feature = "ssr")]
fn island_loader(options: LeptosOptions) -> impl IntoView {
    // What `HydrationScripts` does for islands: the shell outside islands is not hydrated,
    // so it carries no hydration markers.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let nonce = use_nonce();
    let nonce = nonce.as_deref().unwrap_or_default();
    leptos::tachys::html::InertElement::new(crate::server::http::assets::island_loader(&options, nonce))
}

#[cfg(not(feature = "ssr"))]
fn island_loader(options: LeptosOptions) -> impl IntoView {
    view! { <HydrationScripts options islands=true /> }
}

/// The text to put inside a `<textarea>`.
///
/// tachys 0.2 (Leptos 0.8) writes a textarea's children unescaped, as it does for
/// `<script>`, so a note containing `</textarea><meta http-equiv=refresh …>` came back as
/// live markup. Upstream fixed it (leptos pull request 4730) in no 0.8 release, so the
/// server escapes here. In the browser the text becomes a DOM text node, which needs no
/// escaping, so it passes as it is (and hydration sees the same text).
pub fn textarea_text(value: &str) -> String {
    if cfg!(feature = "ssr") {
        value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    } else {
        value.to_owned()
    }
}

/// Whether the current page is part of the staff portal.
fn is_staff_path() -> bool {
    leptos_router::hooks::use_location().pathname.with(|p| p == "/staff" || p.starts_with("/staff/"))
}

/// The application: layout, header, footer and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let info = use_context::<ClinicInfo>().unwrap_or_default();
    let (clinic, logo) = (info.name, info.logo);
    let l = use_locale();

    view! {
        <Meta name="color-scheme" content="light" />
        <Title formatter=move |page: String| {
            let site = tr(l, "Ketamine consult pre-screening", "Evaluación previa para consulta de ketamina");
            if page.is_empty() { site.to_owned() } else { page }
        } />
        <Router>
            <a class="skip-link" href="#main">{tr(l, "Skip to main content", "Saltar al contenido principal")}</a>
            <header class="site-header">
                // The name follows the logo, so the picture is decoration (empty alt).
                <a class="brand" href="/">{logo.map(|src| view! { <img src=src alt="" class="brand-logo" data-testid="clinic-logo" /> })}{clinic.clone()}</a>
                // Staff pages have their own navigation (ui::staff::StaffFrame).
                <Show when=move || !is_staff_path()>
                    <nav aria-label=tr(l, "Main", "Principal")>
                        <a href="/learn">{tr(l, "Learn", "Información")}</a>
                        <a href="/intake">{tr(l, "Pre-screening", "Evaluación previa")}</a>
                        <LanguageSwitch />
                    </nav>
                </Show>
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=not_found::NotFound>
                    <Route path=StaticSegment("") view=home::HomePage />
                    <Route path=path!("/learn") view=learn::LearnIndex />
                    <Route path=path!("/learn/:slug") view=learn::LearnPage />
                    <Route path=path!("/intake") view=intake::IntakeStart ssr=SsrMode::Async />
                    <Route path=path!("/intake/stop") view=intake::EmergencyStop ssr=SsrMode::Async />
                    <Route path=path!("/intake/result") view=intake::IntakeResult ssr=SsrMode::Async />
                    <Route path=path!("/consult/:token") view=intake::ConsultLinkPage />
                    <Route path=path!("/intake/cards") view=intake::IntakeCards ssr=SsrMode::Async />
                    <Route path=path!("/intake/resume/:token") view=intake::ResumePage />
                    <Route path=path!("/intake/saved") view=intake::SavedPage ssr=SsrMode::Async />
                    <Route path=path!("/intake/:step") view=intake::IntakeStep ssr=SsrMode::Async />
                    <Route path=path!("/staff/sign-in") view=staff::SignInPage />
                    <Route path=path!("/staff/two-factor") view=staff::TwoFactorPage />
                    <Route path=path!("/staff/enrol") view=staff::EnrolPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/invite/:token") view=staff::InvitePage ssr=SsrMode::Async />
                    <Route path=path!("/staff") view=staff::QueuePage ssr=SsrMode::Async />
                    <Route path=path!("/staff/submissions/:reference") view=staff::SubmissionPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/submissions/:reference/book") view=staff::StaffBookPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/calendar") view=staff::CalendarPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/follow-ups") view=staff::FollowUpsPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/callbacks/:reference") view=staff::CallbackPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/users") view=staff::UsersPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/audit") view=staff::AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/payers") view=staff::PayersPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/hours") view=staff::HoursPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/eligibility") view=staff::EligibilityChecksPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/account") view=staff::AccountPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <footer class="site-footer">
                // The patients' crisis lines and the clinic's details; staff pages are
                // not for patients.
                <Show when=move || !is_staff_path()>
                    <p>
                        {tr(l, "If you think you are having a medical emergency, call ", "Si cree que tiene una emergencia médica, llame al ")}
                        <a href="tel:911">"911"</a>
                        {tr(l, ". If you are thinking about harming yourself, call or text ", ". Si está pensando en hacerse daño, llame o envíe un mensaje de texto al ")}
                        <a href="tel:988">"988"</a>"."
                    </p>
                    <ClinicContact />
                </Show>
                <p>{clinic.clone()}</p>
            </footer>
            // Last in the page: islands hydrate in document order, so when this one runs
            // every island before it is live.
            <HydrationMarker />
        </Router>
    }
}

/// The clinic's phone (tap to call), address, hours and privacy notice, as set.
#[component]
fn ClinicContact() -> impl IntoView {
    let l = use_locale();
    let c = use_context::<ClinicInfo>().unwrap_or_default();
    let phone = c.phone_link().map(|(href, shown)| {
        view! { <li>{tr(l, "Phone: ", "Teléfono: ")}<a href=href data-testid="clinic-phone">{shown}</a></li> }
    });
    let address = c.address.map(|a| view! { <li data-testid="clinic-address">{a}</li> });
    let hours = c.hours.map(|h| view! { <li data-testid="clinic-hours">{tr(l, "Hours: ", "Horario: ")}{h}</li> });
    let privacy = c.privacy_url.map(|href| {
        view! { <li><a href=href data-testid="privacy-notice">{tr(l, "Notice of privacy practices", "Aviso de prácticas de privacidad")}</a></li> }
    });
    view! { <ul class="clinic-contact" aria-label=tr(l, "Contact the clinic", "Contacto de la clínica")>{phone}{address}{hours}{privacy}</ul> }
}

/// Marks the page interactive (`<html data-hydrated="true">`) once the WASM has
/// hydrated every island; tests and assistive tooling wait for it.
#[island]
fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
