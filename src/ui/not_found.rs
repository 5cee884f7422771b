//! The styled "page not found" page, answered with status 404.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="page narrow">
            <h1>"We could not find that page"</h1>
            <p>"The link may be old or mistyped. Nothing you entered has been lost."</p>
            <p><a class="button" href="/">"Go to the home page"</a></p>
        </section>
    }
}
