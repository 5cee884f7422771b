//! The styled "page not found" page, answered with status 404.

use crate::ui::i18n::{tr, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let l = use_locale();
    view! {
        <Title text=tr(l, "Page not found", "Página no encontrada") />
        <section class="page narrow">
            <h1>{tr(l, "We could not find that page", "No encontramos esa página")}</h1>
            <p>{tr(l, "The link may be old or mistyped. Nothing you entered has been lost.", "Es posible que el enlace sea antiguo o tenga un error. No se ha perdido nada de lo que escribió.")}</p>
            <p><a class="button" href="/">{tr(l, "Go to the home page", "Ir a la página principal")}</a></p>
        </section>
    }
}
