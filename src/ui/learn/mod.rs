//! The education pages under `/learn`: server-rendered, indexable, bilingual, each with
//! its reviewer, last-reviewed date and sources, and a clear way to start the intake.

mod content;
pub mod model;

pub use content::PAGES;

use super::i18n::{tr, use_locale};
use super::not_found::NotFound;
use crate::domain::intake::Locale;
use crate::shared::clinic::ClinicInfo;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;
use model::{inlines, Block, Inline, Page, Source, Tone};

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
                .enumerate()
                .map(|(i, s)| {
                    view! {
                        <section>
                            <h2>{s.heading.get(l)}</h2>
                            {s
                                .blocks
                                .iter()
                                .enumerate()
                                .map(|(j, b)| block(b, l, format!("notice-{i}-{j}")))
                                .collect_view()}
                        </section>
                    }
                })
                .collect_view()}
            <StartIntake />
            <section class="sources">
                <h2>{tr(l, "Sources", "Fuentes")}</h2>
                <ol>{page.sources.iter().map(citation).collect_view()}</ol>
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

/// One block of a section. A notice is a marked box with its own `h3` (named by `id`),
/// its tone said in words by its heading, and a button to call.
fn block(b: &'static Block, l: Locale, id: String) -> AnyView {
    match b {
        Block::Paragraph(t) => view! { <p>{rich(t.get(l))}</p> }.into_any(),
        Block::List(items) => {
            view! { <ul>{items.iter().map(|t| view! { <li>{rich(t.get(l))}</li> }).collect_view()}</ul> }.into_any()
        }
        Block::Notice(n) => {
            let (class, call) = match n.tone {
                Tone::Emergency => (
                    "notice emergency",
                    view! { <a href="tel:911" class="button danger">{tr(l, "Call 911", "Llamar al 911")}</a> }
                        .into_any(),
                ),
                Tone::Lifeline => (
                    "notice lifeline",
                    view! {
                        <a href="tel:988" class="button">{tr(l, "Call 988", "Llamar al 988")}</a>
                        " "
                        <a href="sms:988" class="button secondary">{tr(l, "Text 988", "Enviar mensaje al 988")}</a>
                    }
                    .into_any(),
                ),
            };
            view! {
                <div class=class role="note" aria-labelledby=id.clone()>
                    <h3 id=id.clone()>{n.heading.get(l)}</h3>
                    {n.blocks.iter().enumerate().map(|(k, b)| block(b, l, format!("{id}-{k}"))).collect_view()}
                    <p>{call}</p>
                </div>
            }
            .into_any()
        }
    }
}

/// A paragraph's words with its links (`[911](tel:911)` becomes a link to tap).
fn rich(s: &'static str) -> impl IntoView {
    inlines(s)
        .into_iter()
        .map(|i| match i {
            Inline::Text(t) => Either::Left(t),
            Inline::Link { label, href } => Either::Right(view! { <a href=href>{label}</a> }),
        })
        .collect_view()
}

/// One entry of the sources list: who, the title, where and when, and the link.
fn citation(s: &'static Source) -> impl IntoView {
    // "et al." already ends its sentence: no second full stop.
    let by_end = if s.by.ends_with('.') { " " } else { ". " };
    view! {
        <li>
            {s.by}{by_end}<cite>{s.title}</cite>". "{s.published}". "
            <a href=s.url>{s.url}</a>
        </li>
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The page as the server renders it (English; no clinic settings).
    fn render(slug: &str) -> String {
        let page = page(slug).expect("a page");
        Owner::new().with(|| {
            leptos_meta::provide_meta_context();
            view! { <Article page /> }.to_html()
        })
    }

    #[test]
    fn sources_show_who_the_exact_title_the_date_and_a_link() {
        let html = render("conditions-and-evidence");
        let cohen = page("conditions-and-evidence").unwrap().sources[0];
        assert!(html.contains(&format!("<cite>{}</cite>", cohen.title)), "{html}");
        assert!(html.contains("July 2018"), "{html}");
        assert!(html.contains(r#"<a href="https://doi.org/10.1097/AAP.0000000000000808">"#), "{html}");
    }

    #[test]
    fn warning_signs_sit_in_a_marked_box_with_its_own_heading_and_tap_to_call_links() {
        let html = render("back-pain-symptoms");
        assert!(html.contains(r#"<div role="note" aria-labelledby="notice-0-0" class="notice emergency">"#), "{html}");
        assert!(html.contains(r#"<h3 id="notice-0-0">Emergency: call 911 for these signs</h3>"#), "{html}");
        assert!(html.contains(r#"<a href="tel:911">911</a>"#), "{html}");
        assert!(html.contains(r#"<a href="tel:911" class="button danger">Call 911</a>"#), "{html}");
        assert!(!html.contains("[911]"), "{html}");
    }

    #[test]
    fn the_crisis_box_calls_and_texts_988() {
        let html = render("safety-and-side-effects");
        assert!(html.contains(r#"class="notice lifeline""#), "{html}");
        assert!(html.contains(r#"<a href="tel:988">988</a>"#), "{html}");
        assert!(html.contains(r#"<a href="sms:988">988</a>"#), "{html}");
        assert!(html.contains(r#"<a href="sms:988" class="button secondary">Text 988</a>"#), "{html}");
    }
}
