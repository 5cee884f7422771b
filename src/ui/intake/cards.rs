//! `/intake/cards`: the optional insurance-card photos (front and back). A plain
//! multipart form, so it works without JavaScript and from a phone's camera roll.

use super::data::{load_draft, DraftState};
use crate::domain::intake::Locale;
use crate::ui::i18n::{tr, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn message(code: &str, l: Locale) -> Option<(&'static str, bool)> {
    Some(match code {
        "saved" => (tr(l, "Photo saved.", "Foto guardada."), false),
        "removed" => (tr(l, "Photo removed.", "Foto eliminada."), false),
        "empty" => (tr(l, "Choose a photo first.", "Primero elija una foto."), true),
        "too-large" => (
            tr(
                l,
                "This file is larger than 10 MB. Please take a smaller photo or lower the camera resolution.",
                "Este archivo pesa más de 10 MB. Tome una foto más pequeña o baje la resolución de la cámara.",
            ),
            true,
        ),
        "not-image" => (
            tr(
                l,
                "This file is not a photo we can read. Please upload a JPEG, PNG, HEIC or WebP picture.",
                "Este archivo no es una foto que podamos leer. Suba una imagen JPEG, PNG, HEIC o WebP.",
            ),
            true,
        ),
        "truncated" => (
            tr(
                l,
                "This photo looks incomplete (the upload may have been cut off). Please try again.",
                "Esta foto parece incompleta (la carga pudo interrumpirse). Inténtelo de nuevo.",
            ),
            true,
        ),
        "unreadable" => (
            tr(
                l,
                "We could not read this photo. Please take it again or choose another format.",
                "No pudimos leer esta foto. Tómela de nuevo o elija otro formato.",
            ),
            true,
        ),
        "limited" => (
            tr(
                l,
                "Too many uploads. Please wait a minute and try again.",
                "Demasiadas cargas. Espere un minuto e inténtelo de nuevo.",
            ),
            true,
        ),
        _ => return None,
    })
}

#[component]
pub fn IntakeCards() -> impl IntoView {
    let l = use_locale();
    let draft = Resource::new(|| (), |_| load_draft());
    let code = use_query_map().with_untracked(|q| q.get("m"));
    let title = tr(l, "Photos of your insurance card", "Fotos de su tarjeta del seguro");
    view! {
        <Title text=title />
        <section class="page narrow">
            <h1>{title}</h1>
            {code.as_deref().and_then(|c| message(c, l)).map(|(text, error)| view! {
                <p class=if error { "notice error-summary" } else { "notice" } role="status" data-testid="card-message">{text}</p>
            })}
            <p>{tr(l,
                "Optional. Only clinic staff can see these photos. Location and camera details stored inside a photo are removed before it is saved, and the photo is stored encrypted.",
                "Opcional. Solo el personal de la clínica puede ver estas fotos. Los datos de ubicación y de la cámara guardados dentro de la foto se eliminan antes de guardarla, y la foto se guarda cifrada.")}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let sides = match draft.await {
                        Ok(DraftState::Open { cards, .. }) => cards,
                        _ => Vec::new(),
                    };
                    view! {
                        <ul data-testid="card-sides">
                            {sides.into_iter().map(|side| {
                                let label = if side == "front" { tr(l, "Front: saved", "Frente: guardado") } else { tr(l, "Back: saved", "Reverso: guardado") };
                                view! {
                                    <li>{label}" "
                                        <form method="post" action="/intake/cards/remove" class="inline">
                                            <input type="hidden" name="side" value=side.clone() />
                                            <button type="submit" class="link-button">{tr(l, "Remove", "Eliminar")}<span class="visually-hidden">{format!(" {side}")}</span></button>
                                        </form>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Suspense>
            <form method="post" action="/intake/cards" enctype="multipart/form-data" class="stack">
                <div class="field">
                    <label for="card-front">{tr(l, "Front of the card", "Frente de la tarjeta")}</label>
                    <input id="card-front" name="front" type="file" accept="image/jpeg,image/png,image/heic,image/heif,image/webp" />
                </div>
                <div class="field">
                    <label for="card-back">{tr(l, "Back of the card", "Reverso de la tarjeta")}</label>
                    <input id="card-back" name="back" type="file" accept="image/jpeg,image/png,image/heic,image/heif,image/webp" />
                </div>
                <p class="hint">{tr(l, "JPEG, PNG, HEIC or WebP, up to 10 MB each.", "JPEG, PNG, HEIC o WebP, hasta 10 MB cada una.")}</p>
                <button type="submit" class="button">{tr(l, "Upload", "Subir")}</button>
            </form>
            <p class="wizard-nav">
                <a class="button secondary" href="/intake/insurance">{tr(l, "Back to the insurance questions", "Volver a las preguntas del seguro")}</a>
                <a class="button" href="/intake/consent">{tr(l, "Continue", "Continuar")}</a>
            </p>
        </section>
    }
}
