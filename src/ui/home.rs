//! The home page: what the clinic offers, honestly, and where to start.

use crate::domain::intake::Locale;
use crate::ui::i18n::{tr, use_locale};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// What a 0–10 rating usually means, in the patient's terms.
fn describe(rating: u8, l: Locale) -> &'static str {
    match rating {
        0 => tr(l, "0 means no pain at all.", "0 significa que no tiene nada de dolor."),
        1..=3 => tr(
            l,
            "1 to 3 is mild pain: you notice it, but it does not stop you from doing things.",
            "De 1 a 3 es dolor leve: lo nota, pero no le impide hacer sus cosas.",
        ),
        4..=6 => tr(
            l,
            "4 to 6 is moderate pain: it gets in the way of some daily activities.",
            "De 4 a 6 es dolor moderado: le impide hacer algunas actividades diarias.",
        ),
        7..=9 => tr(
            l,
            "7 to 9 is severe pain: it is hard to think about anything else.",
            "De 7 a 9 es dolor fuerte: le cuesta pensar en otra cosa.",
        ),
        _ => tr(l, "10 is the worst pain you can imagine.", "10 es el peor dolor que pueda imaginar."),
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let l = use_locale();
    let title = tr(
        l,
        "Ketamine for chronic back pain: is a consult right for you?",
        "Ketamina para el dolor de espalda crónico: ¿es una consulta adecuada para usted?",
    );
    view! {
        <Title text=title />
        <Meta
            name="description"
            content=tr(l,
                "Plain facts about ketamine infusions for chronic back pain, and a short pre-screening that tells you what to do next.",
                "Información clara sobre las infusiones de ketamina para el dolor de espalda crónico y una breve evaluación que le indica qué hacer después.")
        />
        <section class="page">
            <h1>{title}</h1>
            <p class="lead">
                {tr(l,
                    "Low-dose ketamine infusions are one option some people with long-lasting pain try when other treatments have not helped enough. The evidence is strongest for complex regional pain syndrome (CRPS) and weaker for most back pain, so a clinician decides with you whether it fits your pain plan.",
                    "Las infusiones de ketamina en dosis bajas son una opción que algunas personas con dolor de larga duración prueban cuando otros tratamientos no les han ayudado lo suficiente. La evidencia es más sólida para el síndrome de dolor regional complejo (SDRC) y más débil para la mayoría del dolor de espalda, así que un profesional clínico decide con usted si encaja en su plan para el dolor.")}
            </p>
            <p>
                {tr(l,
                    "Our short pre-screening asks about your symptoms, your pain and what you have already tried. At the end it tells you the safest next step: emergency care, seeing a doctor soon, a call from our clinician, other options first, or a consult.",
                    "Nuestra breve evaluación previa le pregunta sobre sus síntomas, su dolor y lo que ya ha probado. Al final le indica el siguiente paso más seguro: atención de emergencia, ver pronto a un médico, una llamada de nuestro profesional clínico, probar primero otras opciones o una consulta.")}
            </p>
            <PainScale />
            <p><a href="/learn">{tr(l, "Read the facts first: what ketamine is, the evidence, safety and cost", "Lea primero la información: qué es la ketamina, la evidencia, la seguridad y el costo")}</a></p>
            <crate::ui::learn::StartIntake />
        </section>
    }
}

/// The 0–10 scale to try: picking a number says what it usually means. An island: the
/// only part of the home page that runs in the browser.
#[island]
fn PainScale() -> impl IntoView {
    let l = use_locale();
    let rating = RwSignal::new(None::<u8>);
    view! {
    <fieldset class="scale">
        <legend>{tr(l, "Try the 0 to 10 pain scale we use", "Pruebe la escala de dolor del 0 al 10 que usamos")}</legend>
        <div class="scale-options">
            {(0u8..=10)
                .map(|n| {
                    let id = format!("home-scale-{n}");
                    view! {
                        <label for=id.clone() class="scale-option">
                            <input
                                type="radio"
                                id=id.clone()
                                name="home-scale"
                                value=n.to_string()
                                on:change=move |_| rating.set(Some(n))
                            />
                            <span>{n}</span>
                        </label>
                    }
                })
                .collect_view()}
        </div>
        <p class="scale-meaning" aria-live="polite" data-testid="scale-meaning">
            {move || match rating.get() {
                Some(n) => describe(n, l),
                None => tr(l, "0 means no pain and 10 the worst pain you can imagine.", "0 significa sin dolor y 10 el peor dolor que pueda imaginar."),
            }}
        </p>
    </fieldset>
    }
}
