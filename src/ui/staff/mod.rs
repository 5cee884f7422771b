//! The staff pages: sign-in, the queue, a submission, safety follow-ups, consults and
//! the calendar, the consult hours, accounts, the audit log and the user's own account. In English (the clinic's working language).
//!
//! Data comes from the server functions in `data`, which enforce roles on the server;
//! every change is a plain HTML form posting to `server::http::staff`, so the portal
//! works without JavaScript. Once hydrated, the page warns two minutes before the idle
//! timeout and leaves the page (PHI off the screen) when it passes.

mod admin;
mod consults;
pub mod data;
mod follow_ups;
mod hours;
mod insurance;
mod queue;
mod sign_in;
mod submission;

pub use admin::{AccountPage, AuditPage, UsersPage};
pub use consults::{CalendarPage, StaffBookPage};
pub use follow_ups::{CallbackPage, FollowUpsPage};
pub use hours::HoursPage;

pub use insurance::{EligibilityChecksPage, PayersPage};
pub use queue::QueuePage;
pub use sign_in::{EnrolPage, InvitePage, SignInPage, TwoFactorPage};
pub use submission::SubmissionPage;

use crate::shared::staff::{Gate, Me, Refusal};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The message code (`?m=`) of the current page.
pub fn message_code() -> Option<String> {
    use_query_map().with_untracked(|q| q.get("m"))
}

/// Renders a page's data, or says why it cannot be shown. (The server has already
/// redirected sign-in cases; these texts are for the moment before the browser follows.)
pub fn gated<T: 'static>(gate: Result<Gate<T>, ServerFnError>, page: impl FnOnce(T) -> AnyView) -> AnyView {
    let (title, text, link) = match gate {
        Ok(Ok(t)) => return page(t),
        Ok(Err(Refusal::SignIn)) => ("Please sign in", "This page is for clinic staff.", ("/staff/sign-in", "Sign in")),
        Ok(Err(Refusal::Expired)) => (
            "Signed out",
            "You were signed out after a period without activity.",
            ("/staff/sign-in?m=expired", "Sign in again"),
        ),
        Ok(Err(Refusal::TwoFactor)) => {
            ("One more step", "Enter the code from your authenticator app.", ("/staff/two-factor", "Continue"))
        }
        Ok(Err(Refusal::Enrol)) => (
            "Set up two-factor sign-in",
            "Two-factor sign-in is required for your account.",
            ("/staff/enrol", "Set it up"),
        ),
        Ok(Err(Refusal::Forbidden)) => (
            "Not allowed",
            "Your role does not include this page. Ask an administrator if you need it.",
            ("/staff", "Back to the queue"),
        ),
        Ok(Err(Refusal::Unavailable)) | Err(_) => (
            "Briefly unavailable",
            "The database did not answer. Please try again in a minute.",
            ("/staff", "Try again"),
        ),
    };
    view! {
        <section class="page narrow">
            <h1>{title}</h1>
            <p>{text}</p>
            <p><a class="button" href=link.0>{link.1}</a></p>
        </section>
    }
    .into_any()
}

/// The staff navigation, the signed-in user, sign-out, and the idle-timeout warning.
#[component]
pub fn StaffFrame(me: Me, children: Children) -> impl IntoView {
    let admin = me.role.manages_accounts();
    let hours = me.role.sets_consult_hours();
    let role = match me.role {
        crate::domain::staff::Role::Admin => "admin",
        crate::domain::staff::Role::Clinician => "clinician",
        crate::domain::staff::Role::FrontDesk => "front desk",
    };
    view! {
        <nav class="staff-nav" aria-label="Staff">
            <a href="/staff">"Queue"</a>
            <a href="/staff/calendar" data-testid="calendar-link">"Calendar"</a>
            <a href="/staff/follow-ups" data-testid="follow-ups-link">
                "Follow-ups" <span class="count" data-testid="open-follow-ups">{format!(" ({} open)", me.open_follow_ups)}</span>
            </a>
            // One element per optional link: an optional multi-element fragment did not
            // hydrate reliably.
            {admin.then(|| view! { <a href="/staff/users">"Accounts"</a> })}
            {admin.then(|| view! { <a href="/staff/payers">"Payers"</a> })}
            {hours.then(|| view! { <a href="/staff/hours" data-testid="hours-link">"Hours"</a> })}
            {admin.then(|| view! { <a href="/staff/eligibility">"Eligibility checks"</a> })}
            {admin.then(|| view! { <a href="/staff/audit">"Audit log"</a> })}
            <a href="/staff/account">"My account"</a>
            <span class="staff-me" data-testid="staff-me">{format!("{} · {role}", me.name)}</span>
            <form method="post" action="/staff/sign-out" class="inline">
                <button type="submit" class="link-button">"Sign out"</button>
            </form>
        </nav>
        <IdleWarning idle_secs=me.idle_secs />
        {children()}
    }
}

/// The warning two minutes before the idle limit, with "Stay signed in". An island: the
/// staff pages' only part that runs in the browser.
#[island]
fn IdleWarning(idle_secs: u64) -> impl IntoView {
    let warning = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    idle_timers(idle_secs, warning);
    #[cfg(not(feature = "hydrate"))]
    let _ = idle_secs;
    view! {
        <Show when=move || warning.get()>
            <div class="notice idle-warning" role="alertdialog" aria-labelledby="idle-title" data-testid="idle-warning">
                <h2 id="idle-title">"You will be signed out in 2 minutes"</h2>
                <p>"For patients' privacy, staff are signed out after 15 minutes without activity."</p>
                // A 204 answer keeps this page as it is; the submit resets the timers.
                <form method="post" action="/staff/keepalive" on:submit=move |_| warning.set(false)>
                    <button type="submit" class="button">"Stay signed in"</button>
                </form>
            </div>
        </Show>
    }
}

/// Two timers per page: the warning two minutes before the idle limit, and leaving the
/// page at the limit. Staying signed in restarts both.
#[cfg(feature = "hydrate")]
fn idle_timers(idle_secs: u64, warning: RwSignal<bool>) {
    use leptos::leptos_dom::helpers::{set_timeout_with_handle, TimeoutHandle};
    use std::time::Duration;
    let handles: StoredValue<Vec<TimeoutHandle>> = StoredValue::new(Vec::new());
    let start = move || {
        handles.update_value(|h| h.drain(..).for_each(|t| t.clear()));
        let warn_at = Duration::from_secs(idle_secs.saturating_sub(120));
        let end_at = Duration::from_secs(idle_secs);
        let mut h = Vec::new();
        if let Ok(t) = set_timeout_with_handle(move || warning.set(true), warn_at) {
            h.push(t);
        }
        if let Ok(t) = set_timeout_with_handle(
            || {
                let _ = window().location().set_href("/staff/sign-in?m=expired");
            },
            end_at,
        ) {
            h.push(t);
        }
        handles.set_value(h);
    };
    start();
    Effect::new(move |prev: Option<bool>| {
        let shown = warning.get();
        if prev == Some(true) && !shown {
            start();
        }
        shown
    });
    on_cleanup(move || handles.update_value(|h| h.drain(..).for_each(|t| t.clear())));
}

/// A page's flash message from its `?m=` code, announced to screen readers.
#[component]
pub fn Flash(text: Option<&'static str>, #[prop(optional)] error: bool) -> impl IntoView {
    text.map(|t| {
        let class = if error { "notice error-summary" } else { "notice success" };
        view! { <p class=class role="status" data-testid="flash">{t}</p> }
    })
}
