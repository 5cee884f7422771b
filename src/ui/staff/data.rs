//! The server functions that load each staff page (`ui::staff`): each asks
//! `server::http::staff::pages`, which checks the session and role, and answers with the
//! page's data from `shared::staff`.

use crate::shared::staff::*;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn failed(_: impl std::fmt::Debug) -> ServerFnError {
    ServerFnError::new("unavailable")
}

#[server(prefix = "/api", endpoint = "staff-queue")]
pub async fn load_queue(
    page: u32,
    after: Option<String>,
    before: Option<String>,
) -> Result<Gate<QueuePage>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::pages::queue(&state, &req, page, after.as_deref(), before.as_deref()).await)
}

#[server(prefix = "/api", endpoint = "staff-submission")]
pub async fn load_submission(reference: String) -> Result<Gate<Option<SubmissionView>>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::pages::submission(&state, &req, &reference).await)
}

#[server(prefix = "/api", endpoint = "staff-callback")]
pub async fn load_callback(reference: String) -> Result<Gate<Option<CallbackView>>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::pages::callback(&state, &req, &reference).await)
}

#[server(prefix = "/api", endpoint = "staff-follow-ups")]
pub async fn load_follow_ups() -> Result<Gate<FollowUpsPage>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::pages::follow_ups_page(&state, &req).await)
}

#[server(prefix = "/api", endpoint = "staff-payers")]
pub async fn load_payers() -> Result<Gate<PayersPage>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::pages::payers(&state, &req).await)
}

#[server(prefix = "/api", endpoint = "staff-hours")]
pub async fn load_hours() -> Result<Gate<HoursPage>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::hours::page(&state, &req).await)
}

#[server(prefix = "/api", endpoint = "staff-eligibility")]
pub async fn load_eligibility() -> Result<Gate<EligibilityPage>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::pages::eligibility(&state, &req).await)
}

#[server(prefix = "/api", endpoint = "staff-users")]
pub async fn load_users() -> Result<Gate<UsersPage>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::pages::users(&state, &req).await)
}

#[server(prefix = "/api", endpoint = "staff-audit")]
pub async fn load_audit(page: u32) -> Result<Gate<AuditPage>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::pages::audit_page(&state, &req, page).await)
}

#[server(prefix = "/api", endpoint = "staff-account")]
pub async fn load_account() -> Result<Gate<AccountPage>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::pages::account(&state, &req).await)
}

/// The enrolment page: a secret offered to this session (kept until confirmed).
#[server(prefix = "/api", endpoint = "staff-enrol")]
pub async fn load_enrol() -> Result<Gate<EnrolPage>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::pages::enrol(&state, &req).await)
}

/// The name of the account an invitation is for, if the link is still good.
#[server(prefix = "/api", endpoint = "staff-invitation")]
pub async fn load_invitation(token: String) -> Result<Option<String>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    crate::server::staff::accounts::invitation(&state.db, &token).await.map(|u| u.map(|u| u.name)).map_err(failed)
}

#[server(prefix = "/api", endpoint = "staff-book")]
pub async fn load_staff_book(
    reference: String,
    week: Option<String>,
) -> Result<Gate<Option<StaffBookView>>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::consults::book_page(&state, &req, &reference, week.as_deref()).await)
}

#[server(prefix = "/api", endpoint = "staff-calendar")]
pub async fn load_calendar(view: Option<String>, date: Option<String>) -> Result<Gate<CalendarView>, ServerFnError> {
    let state = expect_context::<crate::server::http::AppState>();
    let req: axum::http::request::Parts = leptos_axum::extract().await.map_err(failed)?;
    Ok(crate::server::http::staff::consults::calendar(&state, &req, view.as_deref(), date.as_deref()).await)
}
