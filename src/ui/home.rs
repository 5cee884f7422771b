//! The home page: what the clinic offers, honestly, and where to start.

use crate::ui::i18n::{tr, use_locale};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

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
                    "Las infusiones de ketamina en dosis bajas son una opción que algunas personas con dolor de larga duración prueban cuando otros tratamientos no les han ayudado lo suficiente. La evidencia es más sólida para el síndrome de dolor regional complejo (SDRC) y más débil para la mayoría del dolor de espalda, así que un profesional de salud de la clínica decide con usted si encaja en su plan para el dolor.")}
            </p>
            // The main button right after the lead, above the fold on a phone (390×844)
            // and a laptop (1280×800); the try-the-scale widget that pushed it down is gone.
            <crate::ui::learn::StartIntake />
            <p>
                {tr(l,
                    "Our short pre-screening asks about your symptoms, your pain and what you have already tried. At the end it tells you the safest next step: emergency care, seeing a doctor soon, a call from our clinician, other options first, or a consult.",
                    "Nuestra breve evaluación previa le pregunta sobre sus síntomas, su dolor y lo que ya ha probado. Al final le indica el siguiente paso más seguro: atención de emergencia, ver pronto a un médico, una llamada de un profesional de salud de la clínica, probar primero otras opciones o una consulta.")}
            </p>
            <p><a href="/learn">{tr(l, "Read the facts first: what ketamine is, the evidence, safety and cost", "Lea primero la información: qué es la ketamina, la evidencia, la seguridad y el costo")}</a></p>
        </section>
    }
}
