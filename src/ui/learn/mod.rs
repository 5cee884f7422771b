//! The education pages under `/learn`: server-rendered, indexable, bilingual, each with
//! its reviewer, last-reviewed date and sources, and a clear way to start the intake.

mod content;
pub mod model;

pub use content::PAGES;

use super::i18n::{tr, use_locale};
use super::not_found::NotFound;
use crate::shared::clinic::ClinicInfo;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;
use model::{Block, Page};

/// Finds a page by its address.
pub fn page(slug: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.slug == slug)
}

/// `/learn`: the list of pages.
#[component]
pub fn LearnIndex() -> impl IntoView {
    let l = use_locale();
    let title = tr(
        l,
        "Learn about ketamine for chronic back pain",
        "Información sobre la ketamina para el dolor de espalda crónico",
    );
    view! {
        <Title text=title />
        <Meta
            name="description"
            content=tr(l, "Plain, reviewed facts about ketamine infusions for chronic back pain: what they are, the evidence, safety and cost.", "Información clara y revisada sobre las infusiones de ketamina para el dolor de espalda crónico: qué son, la evidencia, la seguridad y el costo.")
        />
        <section class="page">
            <h1>{title}</h1>
            <ul class="card-list">
                {PAGES
                    .iter()
                    .map(|p| {
                        view! {
                            <li class="card">
                                <a href=format!("/learn/{}", p.slug)>{p.title.get(l)}</a>
                                <p>{p.summary.get(l)}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <StartIntake />
        </section>
    }
}

/// `/learn/{slug}`: one page, or the 404 page for an unknown slug.
#[component]
pub fn LearnPage() -> impl IntoView {
    let params = use_params_map();
    let slug = params.read_untracked().get("slug").unwrap_or_default();
    match page(&slug) {
        Some(p) => Either::Left(view! { <Article page=p /> }),
        None => Either::Right(view! { <NotFound /> }),
    }
}

#[component]
fn Article(page: &'static Page) -> impl IntoView {
    let l = use_locale();
    let reviewer = use_context::<ClinicInfo>().map(|c| c.reviewer).unwrap_or_default();
    let index = PAGES.iter().position(|p| p.slug == page.slug).unwrap_or(0);
    let next = PAGES.get(index + 1);
    view! {
        <Title text=page.title.get(l) />
        <Meta name="description" content=page.description.get(l) />
        <article class="page article">
            <nav class="breadcrumb" aria-label=tr(l, "Breadcrumb", "Ruta de navegación")>
                <a href="/learn">{tr(l, "Learn", "Información")}</a>
            </nav>
            <h1>{page.title.get(l)}</h1>
            <p class="lead">{page.summary.get(l)}</p>
            <p class="review">
                {tr(l, "Medically reviewed by ", "Revisión médica: ")}
                <strong>{reviewer}</strong>
                {tr(l, ". Last reviewed: ", ". Última revisión: ")}
                <time datetime=page.last_reviewed>{page.last_reviewed}</time>
            </p>
            {page
                .sections
                .iter()
                .map(|s| {
                    view! {
                        <section>
                            <h2>{s.heading.get(l)}</h2>
                            {s
                                .blocks
                                .iter()
                                .map(|b| match b {
                                    Block::Paragraph(t) => Either::Left(view! { <p>{t.get(l)}</p> }),
                                    Block::List(items) => Either::Right(view! {
                                        <ul>{items.iter().map(|t| view! { <li>{t.get(l)}</li> }).collect_view()}</ul>
                                    }),
                                })
                                .collect_view()}
                        </section>
                    }
                })
                .collect_view()}
            <StartIntake />
            <section class="sources">
                <h2>{tr(l, "Sources", "Fuentes")}</h2>
                <ol>{page.sources.iter().map(|s| view! { <li>{s.citation}</li> }).collect_view()}</ol>
            </section>
            {next.map(|n| view! {
                <p class="next-page">
                    {tr(l, "Next: ", "Siguiente: ")}
                    <a href=format!("/learn/{}", n.slug)>{n.title.get(l)}</a>
                </p>
            })}
        </article>
    }
}

/// The call to action at the end of every page.
#[component]
pub fn StartIntake() -> impl IntoView {
    let l = use_locale();
    view! {
        <aside class="cta">
            <p>
                {tr(l, "Wondering whether a consult is right for you? The pre-screening takes about 10 minutes and tells you the safest next step.", "¿Se pregunta si una consulta es adecuada para usted? La evaluación previa toma unos 10 minutos y le indica el siguiente paso más seguro.")}
            </p>
            <a class="button" href="/intake">{tr(l, "Start the pre-screening", "Comenzar la evaluación previa")}</a>
        </aside>
    }
}
