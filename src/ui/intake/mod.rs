//! The intake wizard: `/intake` (start), `/intake/{step}` (one step per page, red flags
//! first), `/intake/stop` (emergency), `/intake/result` (the outcome).
//!
//! Every step is a real `<form method="post">` handled by `server::http::wizard`, so the
//! wizard works without JavaScript; once hydrated, the same form is validated as the
//! patient answers with the same code the server uses (`form::step_errors`), and the
//! emergency and 988 messages appear at once.

mod cards;
pub mod data;
mod fields;
pub mod review;

use crate::domain::i18n::{lifeline, outcome_message, reason_message};
use crate::domain::intake::{ContactMethod, Locale, Plan, SexAtBirth, Subscriber, TreatmentKind};
use crate::domain::screening::{Outcome, ReasonCode};
use crate::shared::draft::{Both, ErrorText, ResultData, SlotWeek};
use crate::shared::{form, labels};
use crate::ui::i18n::{tr, use_locale};
pub use cards::IntakeCards;
use data::{load_booking, load_draft, BookingPanel, DraftState};
use fields::*;
use form::Step;
use labels::{pick, L};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde_json::Value;

/// `/intake`: what to expect, then start (or continue).
#[component]
pub fn IntakeStart() -> impl IntoView {
    let l = use_locale();
    let draft = Resource::new(|| (), |_| load_draft());
    let title = tr(l, "Ketamine consult pre-screening", "Evaluación previa para una consulta sobre ketamina");
    view! {
        <Title text=title />
        <section class="page narrow">
            <h1>{title}</h1>
            <p class="lead">{tr(l,
                "About 10 minutes of questions about your back pain, what you have tried, and your health. At the end you will see the safest next step for you.",
                "Unos 10 minutos de preguntas sobre su dolor de espalda, lo que ha probado y su salud. Al final verá el siguiente paso más seguro para usted.")}</p>
            <ul>
                <li>{tr(l, "We start with a few warning signs that need care right away.", "Empezamos con algunas señales de alarma que necesitan atención de inmediato.")}</li>
                <li>{tr(l, "Your answers are saved after every step. You get a private link to come back later; it works for 30 days.", "Sus respuestas se guardan después de cada paso. Recibirá un enlace privado para regresar después; funciona por 30 días.")}</li>
                <li>{tr(l, "Only clinic staff who need your answers can see them.", "Solo el personal de la clínica que necesita sus respuestas puede verlas.")}</li>
                <li>{tr(l, "This is not a diagnosis and not a decision about treatment. A clinician makes every treatment decision with you.", "Esto no es un diagnóstico ni una decisión sobre el tratamiento. Un profesional de salud de la clínica toma cada decisión de tratamiento con usted.")}</li>
            </ul>
            <p class="notice emergency-note">{tr(l,
                "If you have a medical emergency, call 911 now instead of filling in this form.",
                "Si tiene una emergencia médica, llame al 911 ahora en lugar de llenar este formulario.")}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match draft.await {
                        Ok(DraftState::Open { answers, .. }) => {
                            let next = form::first_incomplete(&answers, today());
                            Either::Left(view! {
                                <p><a class="button" href=format!("/intake/{}", next.as_str())>
                                    {tr(l, "Continue where you left off", "Continuar donde se quedó")}
                                </a></p>
                            })
                        }
                        _ => Either::Right(()),
                    }
                })}
            </Suspense>
            <form method="post" action="/intake/start">
                <button type="submit" class="button">{tr(l, "Start the pre-screening", "Comenzar la evaluación previa")}</button>
            </form>
        </section>
    }
}

/// Today's date for validation in the browser or on the server.
fn today() -> jiff::civil::Date {
    #[cfg(feature = "hydrate")]
    {
        let now = js_sys::Date::new_0();
        jiff::civil::Date::new(now.get_full_year() as i16, (now.get_month() + 1) as i8, now.get_date() as i8)
            .unwrap_or(jiff::civil::Date::constant(2026, 1, 1))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        jiff::Zoned::now().date()
    }
}

/// `/intake/{step}`.
#[component]
pub fn IntakeStep() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let slug = params.read_untracked().get("step").unwrap_or_default();
    let Some(step) = Step::parse(&slug) else {
        return Either::Left(view! { <crate::ui::not_found::NotFound /> });
    };
    let draft = Resource::new(|| (), |_| load_draft());
    let title = format!("{} – {}", pick(l, labels::step_title(step)), tr(l, "Pre-screening", "Evaluación previa"));
    Either::Right(view! {
        <Title text=title.clone() />
        <Suspense fallback=|| ()>
            {move || { let title = title.clone(); Suspend::new(async move {
                match draft.await {
                    Ok(DraftState::Open { answers, .. }) if !step.applies(&answers) => {
                        // Skipped by an earlier answer (the mood questions): the next page.
                        let next = format!("/intake/{}", step.next_for(&answers).unwrap_or(Step::Review).as_str());
                        EitherOf3::C(Either::Left(view! { <SkippedStep next /> }))
                    }
                    Ok(DraftState::Open { answers, errors_step, errors, .. }) => {
                        let errors = if errors_step.as_deref() == Some(step.as_str()) { in_wizard_words(step, &answers, errors) } else { Vec::new() };
                        // GOV.UK: a page showing errors says so first in its title.
                        let title = if errors.is_empty() { title } else { format!("Error: {title}") };
                        // An island's props are all it has in the browser: the clinic's
                        // settings travel as one.
                        let privacy_url = (step == Step::Consent)
                            .then(|| use_context::<crate::shared::clinic::ClinicInfo>().and_then(|c| c.privacy_url))
                            .flatten();
                        EitherOf3::A(view! { <Title text=title /><StepPage step answers errors privacy_url /> })
                    }
                    Ok(DraftState::Submitted(_)) => EitherOf3::B(view! { <AlreadySubmitted /> }),
                    Ok(DraftState::Missing) => EitherOf3::C(Either::Right(Either::Left(view! { <NoDraft /> }))),
                    Err(_) => EitherOf3::C(Either::Right(Either::Right(view! { <Unavailable /> }))),
                }
            })}}
        </Suspense>
    })
}

/// `/intake/saved`: after "Save and come back later", the private link to come back
/// with, shown here only (a link on every step is a password on a shared screen).
#[component]
pub fn SavedPage() -> impl IntoView {
    let l = use_locale();
    let draft = Resource::new(|| (), |_| load_draft());
    let title = tr(l, "Your answers are saved", "Sus respuestas están guardadas");
    view! {
        <Title text=title />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match draft.await {
                    Ok(DraftState::Open { resume_url, answers, .. }) => {
                        let next = form::first_incomplete(&answers, today());
                        EitherOf3::A(view! {
                            <section class="page narrow">
                                <h1>{title}</h1>
                                <p>{tr(l,
                                    "To finish on another day or on another device, keep this private link. It works for 30 days. Anyone with the link can see your answers, so do not share it, and do not leave it on a shared screen.",
                                    "Para terminar otro día o en otro dispositivo, guarde este enlace privado. Funciona por 30 días. Cualquier persona con el enlace puede ver sus respuestas, así que no lo comparta ni lo deje en una pantalla compartida.")}</p>
                                <p class="resume-link"><a href=resume_url.clone() data-testid="resume-link">{resume_url.clone()}</a></p>
                                <p>{tr(l,
                                    "Copy it into a note only you can see, or bookmark it. On this device, you can also just come back to this website: it remembers your answers for 30 days.",
                                    "Cópielo en una nota que solo usted pueda ver, o guárdelo en sus marcadores. En este dispositivo también puede simplemente volver a este sitio: recuerda sus respuestas por 30 días.")}</p>
                                <EmailMeTheLink email=answers["patient"]["email"].as_str().unwrap_or_default().to_owned() />
                                <p><a class="button" href=format!("/intake/{}", next.as_str())>{tr(l, "Continue now", "Continuar ahora")}</a></p>
                            </section>
                        })
                    }
                    Ok(DraftState::Submitted(_)) => EitherOf3::B(view! { <AlreadySubmitted /> }),
                    Ok(DraftState::Missing) => EitherOf3::C(Either::Left(view! { <NoDraft /> })),
                    Err(_) => EitherOf3::C(Either::Right(view! { <Unavailable /> })),
                }
            })}
        </Suspense>
    }
}

/// "E-mail me this link" on the saved page: a plain form; the e-mail's link is a
/// one-use link of its own, made when the e-mail is sent.
#[component]
fn EmailMeTheLink(email: String) -> impl IntoView {
    let l = use_locale();
    let said = use_query_map().with_untracked(|q| q.get("email"));
    let (error, status) = match said.as_deref() {
        Some("sent") => (None, Some(tr(l, "We are sending the link to your e-mail. It can be used once, on any device.", "Le estamos enviando el enlace por correo electrónico. Se puede usar una vez, en cualquier dispositivo."))),
        Some("bad") => (Some(tr(l, "Enter an e-mail address in the correct format, like name@example.com", "Escriba un correo electrónico con el formato correcto, como nombre@ejemplo.com")), None),
        Some("later") => (Some(tr(l, "Too many e-mails were asked for from this connection. Please wait a minute and try again.", "Se pidieron demasiados correos desde esta conexión. Espere un minuto e inténtelo de nuevo.")), None),
        _ => (None, None),
    };
    view! {
        <form method="post" action="/intake/saved/email" class="email-link" data-testid="email-link" novalidate>
            <h2>{tr(l, "E-mail me this link", "Enviarme este enlace por correo")}</h2>
            {status.map(|s| view! { <p class="notice success" role="status" data-testid="email-link-status">{s}</p> })}
            <div class="field">
                <label for="f-resume-email">{tr(l, "Your e-mail address", "Su correo electrónico")}</label>
                {error.map(|e| view! { <p class="field-error" id="f-resume-email-error" role="alert"><span class="visually-hidden">{tr(l, "Error: ", "Error: ")}</span>{e}</p> })}
                <input id="f-resume-email" type="email" name="email" autocomplete="email" spellcheck="false" value=email
                    aria-describedby=error.map(|_| "f-resume-email-error") />
            </div>
            <button type="submit" class="button secondary">{tr(l, "Send me the link", "Enviarme el enlace")}</button>
        </form>
    }
}

/// `/intake/resume/{token}`: the page a resume link opens. Opening a link changes
/// nothing (mail scanners and link previews fetch links too, and would otherwise use it
/// up); the button posts the token, and the server moves the draft to a fresh secret for
/// this browser only (`server::http::wizard::resume`).
#[component]
pub fn ResumePage() -> impl IntoView {
    let l = use_locale();
    let token = use_params_map().read_untracked().get("token").unwrap_or_default();
    let title = tr(l, "Continue your saved answers", "Continuar con sus respuestas guardadas");
    view! {
        <Title text=title />
        <section class="page narrow">
            <h1>{title}</h1>
            <p>{tr(l,
                "Continue on this device. Your private link then stops working, and this device keeps your answers for the rest of the 30 days.",
                "Continúe en este dispositivo. Su enlace privado dejará de funcionar y este dispositivo conservará sus respuestas por el resto de los 30 días.")}</p>
            <form method="post" action="/intake/resume">
                <input type="hidden" name="token" value=token />
                <button type="submit" class="button">{tr(l, "Continue", "Continuar")}</button>
            </form>
        </section>
    }
}

/// `/consult/{token}`: the link of a booking e-mail. Opening it shows a button, so a
/// mail scanner that follows links changes nothing; the button exchanges the link for
/// this browser's own secret and goes to the consult.
#[component]
pub fn ConsultLinkPage() -> impl IntoView {
    let l = use_locale();
    let token = use_params_map().read_untracked().get("token").unwrap_or_default();
    let live = token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
    let title = if live {
        tr(l, "Your consult", "Su consulta")
    } else {
        tr(l, "This link has expired", "Este enlace ha vencido")
    };
    view! {
        <Title text=title />
        <section class="page narrow">
            <h1>{title}</h1>
            {if live {
                view! {
                    <p>{tr(l, "Continue to book, change or cancel your consult on this device.", "Continúe para reservar, cambiar o cancelar su consulta en este dispositivo.")}</p>
                    <form method="post" action="/consult">
                        <input type="hidden" name="token" value=token />
                        <button type="submit" class="button" data-testid="open-consult">{tr(l, "Continue", "Continuar")}</button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <p data-testid="link-expired">{tr(l, "This booking link is no longer valid. Please call the clinic to book or change your consult", "Este enlace de reserva ya no es válido. Llame a la clínica para reservar o cambiar su consulta")}
                        {clinic_phone().map(|(href, shown)| view! { " "{tr(l, "at", "al")}" "<a href=href>{shown}</a> })}"."</p>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn NoDraft() -> impl IntoView {
    let l = use_locale();
    view! {
        <section class="page narrow">
            <h1>{tr(l, "We could not find your saved answers", "No encontramos sus respuestas guardadas")}</h1>
            <p>{tr(l,
                "Saved answers are kept for 30 days on the device where you started, or through your private resume link.",
                "Las respuestas guardadas se conservan por 30 días en el dispositivo donde empezó, o mediante su enlace privado para continuar.")}</p>
            <p><a class="button" href="/intake">{tr(l, "Start the pre-screening", "Comenzar la evaluación previa")}</a></p>
        </section>
    }
}

/// A step an earlier answer skips (the mood pages after "skip"): a 303 to the next page
/// that applies, and a link for the moment before the browser follows it.
#[component]
fn SkippedStep(next: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        leptos_axum::redirect(&next);
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::SEE_OTHER);
        }
    }
    let l = use_locale();
    view! {
        <section class="page narrow">
            <p><a href=next>{tr(l, "Continue", "Continuar")}</a></p>
        </section>
    }
}

/// Shown while the database cannot be reached: nothing is lost, try again shortly.
#[component]
fn Unavailable() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::SERVICE_UNAVAILABLE);
    }
    let l = use_locale();
    view! {
        <section class="page narrow">
            <h1>{tr(l, "We can't open your answers right now", "No podemos abrir sus respuestas en este momento")}</h1>
            <p>{tr(l,
                "Our system is briefly unavailable. The answers you already saved are kept. Please try again in a few minutes.",
                "Nuestro sistema no está disponible por un momento. Las respuestas que ya guardó se conservan. Inténtelo de nuevo en unos minutos.")}</p>
            <p>{tr(l, "If you have a medical emergency, call 911.", "Si tiene una emergencia médica, llame al 911.")}</p>
        </section>
    }
}

#[component]
fn AlreadySubmitted() -> impl IntoView {
    let l = use_locale();
    view! {
        <section class="page narrow">
            <h1>{tr(l, "Your answers were already sent", "Sus respuestas ya se enviaron")}</h1>
            <p><a class="button" href="/intake/result">{tr(l, "See your result", "Ver su resultado")}</a></p>
        </section>
    }
}

/// The errors of a live check, in both languages.
#[cfg(feature = "hydrate")]
fn error_texts(errors: Vec<crate::domain::decode::FieldError>) -> Vec<ErrorText> {
    errors.into_iter().map(|e| wizard_text(&e)).collect()
}

/// An error in both languages, in the wizard's words.
fn wizard_text(e: &crate::domain::decode::FieldError) -> ErrorText {
    ErrorText {
        en: labels::wizard_error(e, Locale::En),
        es: labels::wizard_error(e, Locale::Es),
        field: e.field.clone(),
    }
}

/// The errors saved with the draft, in the wizard's words. The server saves the JSON
/// API's sentences with the draft; the step's errors are found again from the saved
/// answers to word them for the wizard (a saved error not found again keeps its text).
fn in_wizard_words(step: Step, answers: &Value, saved: Vec<ErrorText>) -> Vec<ErrorText> {
    if saved.is_empty() {
        return saved;
    }
    let found = form::step_errors(step, answers, today());
    saved.into_iter().map(|s| found.iter().find(|e| e.field == s.field).map(wizard_text).unwrap_or(s)).collect()
}

fn get_bool(answers: &Value, path: &str) -> Option<bool> {
    form::value_at(answers, path).and_then(Value::as_bool)
}

fn get_str(answers: &Value, path: &str) -> Option<String> {
    form::value_at(answers, path).and_then(Value::as_str).map(str::to_owned)
}

fn get_u8(answers: &Value, path: &str) -> Option<u8> {
    form::value_at(answers, path).and_then(Value::as_u64).and_then(|n| u8::try_from(n).ok())
}

/// The form's fields as (name, value) pairs, as a post would send them.
#[cfg(feature = "hydrate")]
fn form_pairs(form_el: &web_sys::HtmlFormElement) -> Vec<(String, String)> {
    use wasm_bindgen::JsCast;
    let mut pairs = Vec::new();
    let Ok(data) = web_sys::FormData::new_with_form(form_el) else { return pairs };
    if let Ok(Some(iter)) = js_sys::try_iter(&data) {
        for entry in iter.flatten() {
            let entry: js_sys::Array = entry.unchecked_into();
            if let (Some(k), Some(v)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
                pairs.push((k, v));
            }
        }
    }
    pairs
}

/// GOV.UK's exclusive checkbox: ticking "None of these" unticks the other boxes of its
/// list, and ticking one of them unticks "None of these". (Without JavaScript the server
/// decides when both come.)
#[cfg(feature = "hydrate")]
fn exclusive_none(form_el: &web_sys::HtmlFormElement, target: Option<web_sys::EventTarget>) {
    use wasm_bindgen::JsCast;
    let Some(input) = target.and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
    let name = input.name();
    if input.type_() != "checkbox" || !input.checked() {
        return;
    }
    let Some((list, _)) = name.rsplit_once('.') else { return };
    let none_name = format!("{list}.{}", form::NONE_OF_THESE);
    let Ok(boxes) = form_el.query_selector_all(&format!("input[type=checkbox][name^='{list}.']")) else { return };
    let has_none = (0..boxes.length())
        .filter_map(|i| boxes.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok()))
        .any(|b| b.name() == none_name);
    if !has_none {
        return; // not an exclusive list
    }
    for i in 0..boxes.length() {
        if let Some(other) = boxes.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            if other.name() != name && (name == none_name || other.name() == none_name) {
                other.set_checked(false);
            }
        }
    }
}

/// Whether the answers so far include a positive PHQ-9 item 9.
fn self_harm(answers: &Value) -> bool {
    get_u8(answers, "clinical.mood.phq9.8").is_some_and(|n| n > 0)
}

/// Whether the answers so far say "yes" to a red flag that alone reaches `outcome`.
fn red_flag_reaching(answers: &Value, outcome: Outcome) -> bool {
    crate::domain::screening::red_flags_reaching(outcome)
        .any(|f| get_bool(answers, &format!("clinical.red_flags.{f}")) == Some(true))
}

/// One step of the wizard. An island: the form checks answers as the patient types and
/// shows or hides the questions that apply, in the browser; without WASM the same form
/// posts to the server, which does all of it again.
#[island]
fn StepPage(
    step: Step,
    answers: Value,
    errors: Vec<ErrorText>,
    /// The clinic's notice of privacy practices, on the consent step.
    privacy_url: Option<String>,
) -> impl IntoView {
    let l = use_locale();
    let errors = LiveErrors(RwSignal::new(errors));
    let live = RwSignal::new(answers.clone());
    let touched = RwSignal::new(Vec::<String>::new());
    let server_errors = errors.0.get_untracked();
    let heading = NodeRef::<leptos::html::H1>::new();
    // Questions that do not apply are hidden only once the page is interactive: without
    // JavaScript every question stays visible (the server ignores those that do not apply).
    let enhanced = RwSignal::new(false);
    Effect::new(move |_| enhanced.set(true));
    let total = Step::ALL.len();
    let number = step.index() + 1;

    // Move focus to the step's heading when a step opens, so screen readers start there;
    // to the error summary instead when the page comes back with errors (GOV.UK).
    let opened_with_errors = !server_errors.is_empty();
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if opened_with_errors {
            use wasm_bindgen::JsCast;
            if let Some(summary) =
                document().get_element_by_id("error-summary").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = summary.focus();
                return;
            }
        }
        // Not when the patient is already on a field (they answered before the page was
        // interactive), and never scrolling: the page must not jump away from them.
        #[cfg(feature = "hydrate")]
        {
            let untouched = document().active_element().is_none_or(|e| e.tag_name().eq_ignore_ascii_case("body"));
            if let (true, Some(h)) = (untouched, heading.get()) {
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = h.focus_with_options(&options);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (opened_with_errors, heading);
    });

    // On hydration, read the form as it stands: on a slow phone the page is readable (and
    // tappable) before its island is live, and an answer given then must reach the live
    // 911 and 988 checks too, not only the saved answers the island was built from.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(form_el) = form_ref.get() {
            let mut answers = live.get_untracked();
            form::apply(step, &form_pairs(&form_el), &mut answers);
            live.set(answers);
        }
    });

    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form_el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else {
                return;
            };
            // A date's Month and Day are steps on the way to its Year: its live error
            // waits for the Year, so it does not flash (and move the page) in between.
            if let Some(name) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.get_attribute("name"))
                .filter(|n| !n.ends_with(".month") && !n.ends_with(".day"))
            {
                touched.update(|t| {
                    if !t.contains(&name) {
                        t.push(name)
                    }
                });
            }
            exclusive_none(&form_el, ev.target());
            let mut answers = live.get_untracked();
            form::apply(step, &form_pairs(&form_el), &mut answers);
            let fresh = error_texts(form::step_errors(step, &answers, today()));
            let touched_now = touched.get_untracked();
            let is_touched = |field: &str| {
                touched_now.iter().any(|t| {
                    field == t
                        || field.starts_with(&format!("{t}."))
                        || t.starts_with(&format!("{field}."))
                        || (t == form::MOOD_CHOICE && field == "clinical.mood")
                })
            };
            let mut shown: Vec<ErrorText> = fresh.into_iter().filter(|e| is_touched(&e.field)).collect();
            shown.extend(server_errors.iter().filter(|e| !is_touched(&e.field)).cloned());
            errors.0.set(shown);
            live.set(answers);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, touched, &server_errors);
    };

    let emergency = move || red_flag_reaching(&live.get(), Outcome::Emergency);
    let urgent = move || red_flag_reaching(&live.get(), Outcome::UrgentCare);
    let safety = move || self_harm(&live.get());

    view! {
        <section class="page narrow wizard">
            // GOV.UK back link: a plain link to the previous step; this page's answers
            // are not saved by it.
            {step.previous_for(&answers).map(|previous| view! {
                <a href=format!("/intake/{}", previous.as_str()) class="back-link">{tr(l, "Back", "Atrás")}</a>
            })}
            <p class="progress-label" id="progress-label">
                {format!("{} {number} {} {total}", tr(l, "Step", "Paso"), tr(l, "of", "de"))}
            </p>
            <progress max=total value=number aria-labelledby="progress-label"></progress>
            <h1 tabindex="-1" node_ref=heading>{pick(l, labels::step_title(step))}</h1>
            <ErrorSummary errors l />
            // Live alerts stick to the top of the screen while the form scrolls under them:
            // one that appears is in view at once, and the question just answered does not
            // move.
            {move || safety().then(|| view! { <div class="live-alert"><LifelineBox /></div> })}
            {move || (step == Step::RedFlags && emergency()).then(|| view! {
                <div class="notice emergency live-alert" role="alert">
                    <strong>{outcome_message(Outcome::Emergency, l)}</strong>
                    <p><a href="tel:911" class="button danger">{tr(l, "Call 911", "Llamar al 911")}</a></p>
                </div>
            })}
            {move || (step == Step::RedFlags && urgent() && !emergency()).then(|| view! {
                <div class="notice urgent" role="alert">
                    <strong>{outcome_message(Outcome::UrgentCare, l)}</strong>
                    <p>{tr(l, "You can still finish the form so the clinic knows.", "Aún puede terminar el formulario para que la clínica lo sepa.")}</p>
                </div>
            })}
            {privacy_url.map(|href| view! {
                <p><a href=href target="_blank" rel="noopener" data-testid="consent-privacy-notice">
                    {tr(l, "Read the clinic's notice of privacy practices (opens in a new tab)", "Lea el aviso de prácticas de privacidad de la clínica (se abre en una pestaña nueva)")}
                </a></p>
            })}
            <form method="post" action=format!("/intake/{}", step.as_str()) novalidate on:change=on_change node_ref=form_ref>
                <StepFields step answers=answers.clone() errors l live enhanced />
                <div class="wizard-nav">
                    <button type="submit" name="nav" value="next" class="button">
                        {if step == Step::Review { tr(l, "Submit my answers", "Enviar mis respuestas") } else { tr(l, "Save and continue", "Guardar y continuar") }}
                    </button>
                    // GOV.UK "save and come back later": the private link is shown on its
                    // own page when asked for, not on every step (a shared screen).
                    <button type="submit" name="nav" value="save" class="link-button">
                        {tr(l, "Save and come back later", "Guardar y regresar más tarde")}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn ErrorSummary(errors: LiveErrors, l: Locale) -> impl IntoView {
    move || {
        let list = errors.0.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="error-summary" role="alert" tabindex="-1" id="error-summary">
                    <h2>{tr(l, "Please check these answers", "Revise estas respuestas")}</h2>
                    <ul>
                        {list
                            .into_iter()
                            .map(|e| {
                                let text = if l == Locale::Es { e.es } else { e.en };
                                view! { <li><a href=format!("#{}", field_anchor(&e.field))>{text}</a></li> }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// The 988 Suicide & Crisis Lifeline, shown whenever PHQ-9 item 9 is above 0.
#[component]
pub fn LifelineBox() -> impl IntoView {
    let l = use_locale();
    view! {
        <div class="notice lifeline" role="alert" data-testid="lifeline">
            <strong>{lifeline(l)}</strong>
            <p>
                <a href="tel:988" class="button">{tr(l, "Call 988", "Llamar al 988")}</a>
                " "
                <a href="sms:988" class="button secondary">{tr(l, "Text 988", "Enviar mensaje al 988")}</a>
            </p>
            // The Lifeline's Spanish line, on every page: a reader may prefer Spanish to talk.
            <p lang="es" data-testid="lifeline-es">
                "En español: llame al 988 y oprima el 2, o envíe la palabra AYUDA por mensaje de texto al 988."
            </p>
        </div>
    }
}

fn options<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str, label: impl Fn(&str) -> L) -> Vec<(String, L)> {
    all.iter().map(|v| (name(*v).to_owned(), label(name(*v)))).collect()
}

#[component]
fn StepFields(
    step: Step,
    answers: Value,
    errors: LiveErrors,
    l: Locale,
    live: RwSignal<Value>,
    enhanced: RwSignal<bool>,
) -> impl IntoView {
    let a = &answers;
    // Hides a block when the page is interactive and the block does not apply.
    let hide_unless = move |applies: fn(&Value) -> bool| move || enhanced.get() && !applies(&live.get());
    match step {
        Step::RedFlags => view! {
            <p class="intro">{tr(l,
                "Most of these questions are about symptoms that are new or getting worse recently, which here means in the last few weeks. A symptom you have had for a long time that has not changed is not a warning sign here: you can tell us about it later in the form.",
                "La mayoría de estas preguntas son sobre síntomas nuevos o que han empeorado recientemente, es decir, en las últimas semanas. Un síntoma que tiene desde hace tiempo y que no ha cambiado no es una señal de alarma aquí: puede contarnos sobre él más adelante en el formulario.")}</p>
            {
                let flag = |n: &str| get_bool(a, &format!("clinical.red_flags.{n}"));
                let options: Vec<(String, L, bool)> =
                    form::RED_FLAGS.iter().map(|n| ((*n).to_owned(), labels::red_flag(n), flag(n) == Some(true))).collect();
                // Ticked alone (all no), or ticked with a sign (the error that says "not both").
                let none = form::RED_FLAGS.iter().all(|n| flag(n) == Some(false)) || flag(form::NONE_OF_THESE).is_some();
                view! { <ExclusiveChecks name="clinical.red_flags" legend=("Do you have any of these?", "¿Tiene alguno de estos?") options none errors l /> }
            }
        }.into_any(),
        Step::Symptoms => view! {
            <fieldset class="question">
                <legend>{tr(l, "Which of these do you have?", "¿Cuáles de estos tiene?")}</legend>
                <p class="hint">{tr(l, "Choose all that apply.", "Elija todas las que correspondan.")}</p>
                <div class="options">
                    {form::SYMPTOMS.iter().map(|n| {
                        let name: &'static str = leak(format!("clinical.symptoms.{n}"));
                        let id = field_id(name);
                        view! {
                            <label class="option" for=id.clone()>
                                <input type="checkbox" id=id.clone() name=name value="yes" checked=get_bool(a, name) == Some(true) />
                                <span>{pick(l, labels::symptom(n))}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <TextArea name="clinical.symptoms.other" label=("Anything else about your pain you want us to know", "Algo más sobre su dolor que quiera que sepamos")
                value=get_str(a, "clinical.symptoms.other").unwrap_or_default() errors l />
        }.into_any(),
        Step::Duration => view! {
            <Radios name="clinical.pain_duration" legend=("How long have you had this back pain?", "¿Cuánto tiempo ha tenido este dolor de espalda?")
                options=options(crate::domain::intake::PainDuration::ALL, |d| d.as_str(), labels::duration)
                value=get_str(a, "clinical.pain_duration") errors l />
        }.into_any(),
        Step::Pain => view! {
            <p class="intro">{tr(l, "Use the 0 to 10 scale: 0 means no pain and 10 means pain as bad as you can imagine.", "Use la escala del 0 al 10: 0 significa sin dolor y 10 significa el dolor más fuerte que pueda imaginar.")}</p>
            {form::PAIN.iter().map(|n| {
                let name: &'static str = leak(format!("clinical.pain.{n}"));
                view! { <Scale name legend=labels::pain_question(n) value=get_u8(a, name) errors l /> }
            }).collect_view()}
        }.into_any(),
        Step::History => {
            let list = |path: &str| -> Vec<String> {
                form::value_at(a, path).and_then(Value::as_array).map(|v| v.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()).unwrap_or_default()
            };
            view! {
                <Checkboxes name="clinical.conditions" legend=("Has a doctor told you that you have any of these?", "¿Algún médico le ha dicho que tiene alguna de estas afecciones?")
                    options=options(crate::domain::intake::Condition::ALL, |c| c.as_str(), labels::condition)
                    checked=list("clinical.conditions") errors l />
                <Checkboxes name="clinical.diagnostics" legend=("Which tests have you had for your back pain?", "¿Qué pruebas le han hecho para su dolor de espalda?")
                    options=options(crate::domain::intake::Diagnostic::ALL, |c| c.as_str(), labels::diagnostic)
                    checked=list("clinical.diagnostics") errors l />
            }.into_any()
        }
        Step::Treatments => {
            let list = form::value_at(a, "clinical.treatments").and_then(Value::as_array);
            let tried = |kind: &str| list.is_some_and(|v| v.iter().any(|t| t["kind"] == kind));
            let none = list.is_some_and(Vec::is_empty);
            let options: Vec<(String, L, bool)> = TreatmentKind::ALL
                .iter()
                .map(|k| (k.as_str().to_owned(), labels::treatment(k.as_str()), tried(k.as_str())))
                .collect();
            view! {
                <ExclusiveChecks name="clinical.treatments"
                    legend=("Which of these have you tried for your back pain?", "¿Cuáles de estos ha probado para su dolor de espalda?")
                    options none errors l />
            }.into_any()
        }
        Step::TreatmentResults => {
            let list: Vec<(usize, String, Option<String>)> = form::value_at(a, "clinical.treatments")
                .and_then(Value::as_array)
                .map(|v| v.iter().enumerate().filter_map(|(i, t)| Some((i, t["kind"].as_str()?.to_owned(), t["result"].as_str().map(str::to_owned)))).collect())
                .unwrap_or_default();
            let results = ["no_relief", "some_relief", "good_relief", "side_effects"];
            view! {
                {(!list.is_empty()).then(|| view! {
                    <p class="intro">{tr(l, "For each treatment you have tried, how did it work?", "Para cada tratamiento que ha probado, ¿cómo le funcionó?")}</p>
                })}
                {list.into_iter().map(|(i, kind, result)| {
                    let name: &'static str = leak(format!("clinical.treatments.{i}.result"));
                    view! {
                        <Radios name legend=labels::treatment(&kind)
                            options=results.iter().map(|r| (r.to_string(), labels::treatment_result(r))).collect()
                            value=result errors l class="compact" />
                    }
                }).collect_view()}
                <YesNo name="clinical.upcoming_surgery" legend=("Do you have back or spine surgery planned?", "¿Tiene planeada una cirugía de espalda o de columna?")
                    value=get_bool(a, "clinical.upcoming_surgery") errors l />
            }.into_any()
        }
        Step::Medical => view! {
            <p class="intro">{tr(l, "These help the clinician keep you safe. Answering yes does not rule you out.", "Estas preguntas ayudan al profesional de salud de la clínica a cuidar su seguridad. Responder que sí no lo(a) descarta.")}</p>
            {form::MEDICAL.iter().map(|n| {
                let name: &'static str = leak(format!("clinical.medical.{n}"));
                view! { <YesNo name legend=labels::medical(n) value=get_bool(a, name) errors l /> }
            }).collect_view()}
            <TextArea name="clinical.medical.medications" label=("Medicines you take now (name and dose if you know it)", "Medicamentos que toma ahora (nombre y dosis si la sabe)")
                value=get_str(a, "clinical.medical.medications").unwrap_or_default() errors l />
            <TextArea name="clinical.medical.allergies" label=("Allergies to medicines", "Alergias a medicamentos")
                value=get_str(a, "clinical.medical.allergies").unwrap_or_default() errors l />
        }.into_any(),
        Step::Mood => {
            // Nothing is chosen for the patient: only an earlier answer is shown again.
            let chosen = form::value_at(a, "clinical.mood").map(|m| if m.is_null() { "skip" } else { "answer" }.to_owned());
            view! {
                <p class="intro">{tr(l,
                    "Long-lasting pain and mood affect each other. These standard mood questions help the clinic's health professional care for you. You may skip them.",
                    "El dolor de larga duración y el estado de ánimo se afectan mutuamente. Estas preguntas estándar sobre el estado de ánimo ayudan al profesional de salud de la clínica a cuidar de usted. Puede omitirlas.")}</p>
                <Radios name=form::MOOD_CHOICE legend=("Would you like to answer the mood questions?", "¿Quiere responder las preguntas sobre el estado de ánimo?")
                    options=vec![("answer".to_owned(), ("Yes, answer them", "Sí, responderlas")), ("skip".to_owned(), ("Skip this section", "Omitir esta sección"))]
                    value=chosen errors l hint=("There are 16 questions on the next two pages.", "Hay 16 preguntas en las dos páginas siguientes.") />
            }.into_any()
        }
        Step::MoodPhq9 | Step::MoodGad7 => {
            let (prefix, stem, questions): (&'static str, L, &'static [L]) = if step == Step::MoodPhq9 {
                ("phq9", labels::PHQ9_STEM, &labels::PHQ9)
            } else {
                ("gad7", labels::GAD7_STEM, &labels::GAD7)
            };
            let frequency = |i: usize, question: L| {
                let name: &'static str = leak(format!("clinical.mood.{prefix}.{i}"));
                view! {
                    <Radios name legend=question
                        options=(0..4).map(|n| (n.to_string(), labels::FREQUENCY[n])).collect()
                        value=get_u8(a, name).map(|v| v.to_string()) errors l class="compact" />
                }
            };
            // The instrument's unscored last question; optional.
            let difficulty: &'static str = leak(format!("clinical.mood.{prefix}_difficulty"));
            view! {
                <h2>{pick(l, stem)}</h2>
                {questions.iter().enumerate().map(|(i, q)| frequency(i, *q)).collect_view()}
                <Radios name=difficulty legend=labels::DIFFICULTY_QUESTION
                    options=options(crate::domain::intake::Difficulty::ALL, |d| d.as_str(), labels::difficulty)
                    value=get_str(a, difficulty) errors l class="compact" hint=("Optional", "Opcional") />
            }.into_any()
        }
        Step::About => view! {
            <TextField name="patient.first_name" label=("First name", "Nombre") value=get_str(a, "patient.first_name").unwrap_or_default() errors l autocomplete="given-name" />
            <TextField name="patient.last_name" label=("Last name", "Apellido") value=get_str(a, "patient.last_name").unwrap_or_default() errors l autocomplete="family-name" />
            <DateField name="patient.date_of_birth" legend=("Date of birth", "Fecha de nacimiento")
                parts=form::date_parts(form::value_at(a, "patient.date_of_birth")) errors l own_birthday=true />
            <Radios name="patient.sex_at_birth" legend=("Sex assigned at birth", "Sexo asignado al nacer")
                options=options(SexAtBirth::ALL, |s| s.as_str(), labels::sex) value=get_str(a, "patient.sex_at_birth") errors l />
            <TextField name="patient.phone" label=("Phone number", "Número de teléfono") value=get_str(a, "patient.phone").unwrap_or_default() errors l kind="tel" autocomplete="tel"
                hint=("A US number, like (214) 555-0182", "Un número de EE. UU., como (214) 555-0182") />
            <TextField name="patient.email" label=("Email", "Correo electrónico") value=get_str(a, "patient.email").unwrap_or_default() errors l kind="email" autocomplete="email"
                hint=("Needed only if you want us to contact you by email", "Solo es necesario si quiere que nos comuniquemos con usted por correo electrónico") />
            <TextField name="patient.zip" label=("ZIP code", "Código postal") value=get_str(a, "patient.zip").unwrap_or_default() errors l autocomplete="postal-code" />
            <Radios name="patient.preferred_contact" legend=("How should we contact you?", "¿Cómo prefiere que nos comuniquemos con usted?")
                options=options(ContactMethod::ALL, |s| s.as_str(), labels::contact) value=get_str(a, "patient.preferred_contact") errors l />
        }.into_any(),
        Step::Insurance => view! {
            <p class="intro">{tr(l,
                "The clinic is in-network with Blue Cross Blue Shield of Texas, UnitedHealthcare and Cigna: the consult visit can be billed to these plans. Ketamine infusions for pain are often not covered by insurance and are then self-pay; the clinic checks your benefits and explains prices before any treatment.",
                "La clínica está dentro de la red de Blue Cross Blue Shield de Texas, UnitedHealthcare y Cigna: la visita de consulta se puede facturar a estos planes. Las infusiones de ketamina para el dolor muchas veces no las cubre el seguro y entonces se pagan por cuenta propia; la clínica revisa sus beneficios y le explica los precios antes de cualquier tratamiento.")}</p>
            <Radios name="insurance.plan" legend=("Your insurance", "Su seguro médico")
                options=options(Plan::ALL, |p| p.as_str(), labels::plan) value=get_str(a, "insurance.plan") errors l />
            <div class:hidden=hide_unless(|v| v.pointer("/insurance/plan").is_some_and(|p| p != "self_pay"))>
                <p class="hint no-js-only">{tr(l, "If you pay yourself, leave the fields below empty.", "Si paga por su cuenta, deje vacíos los campos de abajo.")}</p>
                <div class:hidden=hide_unless(|v| get_str(v, "insurance.plan").as_deref() == Some("other"))>
                    <p class="hint no-js-only">{tr(l, "Only if you chose another plan.", "Solo si eligió otro plan.")}</p>
                    <TextField name="insurance.other_payer_name" label=("Name of your insurance company", "Nombre de su compañía de seguro") value=get_str(a, "insurance.other_payer_name").unwrap_or_default() errors l />
                </div>
                <TextField name="insurance.member_id" label=("Member ID (on your insurance card)", "Número de miembro (en su tarjeta del seguro)") value=get_str(a, "insurance.member_id").unwrap_or_default() errors l />
                <TextField name="insurance.group_number" label=("Group number", "Número de grupo") value=get_str(a, "insurance.group_number").unwrap_or_default() errors l required=false />
                <Radios name="insurance.subscriber" legend=("Whose name is the insurance in?", "¿A nombre de quién está el seguro?")
                    options=options(Subscriber::ALL, |p| p.as_str(), labels::subscriber) value=get_str(a, "insurance.subscriber") errors l />
                <div class:hidden=hide_unless(|v| get_str(v, "insurance.subscriber").is_some_and(|s| s != "self"))>
                    <p class="hint no-js-only">{tr(l, "Only if the insurance is not in your name.", "Solo si el seguro no está a su nombre.")}</p>
                    <TextField name="insurance.subscriber_name" label=("Policy holder's full name", "Nombre completo del titular de la póliza") value=get_str(a, "insurance.subscriber_name").unwrap_or_default() errors l />
                    <DateField name="insurance.subscriber_date_of_birth" legend=("Policy holder's date of birth", "Fecha de nacimiento del titular de la póliza")
                        parts=form::date_parts(form::value_at(a, "insurance.subscriber_date_of_birth")) errors l />
                </div>
                <div class="card-photos">
                    <p class="hint">{tr(l,
                        "Optional: photos of the front and back of your insurance card help the clinic check your coverage faster.",
                        "Opcional: fotos del frente y del reverso de su tarjeta del seguro ayudan a la clínica a revisar su cobertura más rápido.")}</p>
                    // Saves this step's answers first, then opens the photo page.
                    <button type="submit" name="nav" value="cards" class="button secondary">{tr(l, "Add photos of my card", "Agregar fotos de mi tarjeta")}</button>
                </div>
            </div>
        }.into_any(),
        Step::Consent => {
            // The wording of the current consent version: what is stored with the intake.
            let c = crate::shared::consent::current();
            view! {
                <Check name="consent.privacy_notice" label=c.label(0) checked=get_bool(a, "consent.privacy_notice") == Some(true) errors l />
                <Check name="consent.contact" label=c.label(1) checked=get_bool(a, "consent.contact") == Some(true) errors l />
                <Check name="consent.attestation" label=c.label(2) checked=get_bool(a, "consent.attestation") == Some(true) errors l />
                <TextField name="consent.signature" label=c.label(3) value=get_str(a, "consent.signature").unwrap_or_default() errors l autocomplete="name" />
            }.into_any()
        }
        Step::Review => view! { <review::Review answers=answers.clone() l /> }.into_any(),
    }
}

/// Field names are built once per render from fixed lists; leaking them gives the
/// `&'static str` the components want. The set of names is small and fixed, but to
/// avoid growth on a long-running server each distinct name is leaked only once.
fn leak(name: String) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let names = NAMES.get_or_init(|| Mutex::new(HashSet::new()));
    let mut names = names.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(existing) = names.get(name.as_str()) {
        return existing;
    }
    let leaked: &'static str = Box::leak(name.into_boxed_str());
    names.insert(leaked);
    leaked
}

/// `/intake/stop`: an emergency answer stops the flow here. 911 comes first; below it,
/// an optional form leaves a name and phone number so the clinic calls too
/// (safety-followup.md). A patient who gave both earlier in the form is already on the
/// clinic's list, and the page says so.
#[component]
pub fn EmergencyStop() -> impl IntoView {
    let l = use_locale();
    let draft = Resource::new(|| (), |_| load_draft());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let title = tr(l, "Possible emergency", "Posible emergencia");
                match draft.await {
                    Ok(DraftState::Open { answers, errors_step, errors, callback, .. }) => {
                        let reasons: Vec<ReasonCode> = crate::domain::screening::red_flags_reaching(Outcome::Emergency)
                            .filter(|f| get_bool(&answers, &format!("clinical.red_flags.{f}")) == Some(true))
                            .filter_map(ReasonCode::parse)
                            .collect();
                        let errors = if errors_step.as_deref() == Some(form::STOP_PAGE) { errors } else { Vec::new() };
                        let title = if errors.is_empty() { title.to_owned() } else { format!("Error: {title}") };
                        Either::Left(view! {
                            <Title text=title />
                            <StopPage reasons answers errors callback />
                        })
                    }
                    _ => Either::Right(view! { <Title text=title /><StopPage reasons=Vec::new() answers=Value::Null errors=Vec::new() callback=None /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StopPage(
    reasons: Vec<ReasonCode>,
    answers: Value,
    errors: Vec<ErrorText>,
    callback: Option<String>,
) -> impl IntoView {
    let l = use_locale();
    // A form is offered only to a patient the red flags stopped (the server checks too).
    let offer = !reasons.is_empty();
    let errors = LiveErrors(RwSignal::new(errors));
    let a = &answers;
    let form = match (offer, callback) {
        (_, Some(reference)) => Some(Either::Left(view! {
            <div class="notice success" id="call-requested" role="status" data-testid="call-requested">
                <h2>{tr(l, "The clinic will try to call you", "La clínica intentará llamarle")}</h2>
                <p>{tr(l,
                    "The clinic has your name and phone number. A clinician will try to call you as soon as possible. Do not wait for this call: if you have not called 911 yet, call now.",
                    "La clínica tiene su nombre y número de teléfono. Un profesional de salud intentará llamarle lo antes posible. No espere esta llamada: si todavía no ha llamado al 911, llame ahora.")}</p>
                <p>{tr(l, "Your reference: ", "Su número de referencia: ")}<strong data-testid="call-reference">{reference}</strong></p>
            </div>
        })),
        (true, None) => Some(Either::Right(view! {
            <section class="panel" aria-labelledby="call-me-h">
                <h2 id="call-me-h">{tr(l, "Ask the clinic to call you (optional)", "Pida que la clínica le llame (opcional)")}</h2>
                <p>{tr(l,
                    "Call 911 first. If you also want a clinician from the clinic to call you, leave your name and phone number. This form is not watched around the clock.",
                    "Llame primero al 911. Si además quiere que un profesional de salud de la clínica le llame, deje su nombre y número de teléfono. Este formulario no se revisa las 24 horas.")}</p>
                <ErrorSummary errors l />
                <form method="post" action="/intake/stop" novalidate>
                    <TextField name="patient.first_name" label=("First name", "Nombre") value=get_str(a, "patient.first_name").unwrap_or_default() errors l autocomplete="given-name" />
                    <TextField name="patient.last_name" label=("Last name", "Apellido") value=get_str(a, "patient.last_name").unwrap_or_default() errors l autocomplete="family-name" />
                    <TextField name="patient.phone" label=("Phone number", "Número de teléfono") value=get_str(a, "patient.phone").unwrap_or_default() errors l kind="tel" autocomplete="tel"
                        hint=("A US number, like (214) 555-0182", "Un número de EE. UU., como (214) 555-0182") />
                    <button type="submit" class="button secondary">{tr(l, "Ask for a call", "Pedir una llamada")}</button>
                </form>
            </section>
        })),
        (false, None) => None,
    };
    view! {
        <section class="page narrow">
            <div class="notice emergency" role="alert">
                <h1>{outcome_message(Outcome::Emergency, l)}</h1>
                <p><a href="tel:911" class="button danger">{tr(l, "Call 911", "Llamar al 911")}</a></p>
            </div>
            <ul class="reasons">{reasons.into_iter().map(|r| view! { <li>{reason_message(r, l)}</li> }).collect_view()}</ul>
            {form}
            <p>{tr(l,
                "Once you are safe and have been seen, you can finish this form so the clinic can follow up with you. Your answers are saved.",
                "Cuando esté a salvo y le hayan atendido, puede terminar este formulario para que la clínica le dé seguimiento. Sus respuestas están guardadas.")}</p>
            <p><a href="/intake/symptoms">{tr(l, "Continue the form later", "Continuar el formulario después")}</a></p>
        </section>
    }
}

/// The clinic's phone as a `tel:` link and as shown, if set.
fn clinic_phone() -> Option<(String, String)> {
    use_context::<crate::shared::clinic::ClinicInfo>().and_then(|c| c.phone_link())
}

/// `/intake/result`: the outcome, its reasons, the reference, and what happens next.
#[component]
pub fn IntakeResult() -> impl IntoView {
    let l = use_locale();
    let draft = Resource::new(|| (), |_| load_draft());
    view! {
        <Title text=tr(l, "Your result", "Su resultado") />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match draft.await {
                    Ok(DraftState::Submitted(result)) => EitherOf3::A(view! { <ResultView result /> }),
                    Err(_) => EitherOf3::B(view! { <Unavailable /> }),
                    _ => EitherOf3::C(view! { <NoDraft /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ResultView(result: ResultData) -> impl IntoView {
    let l = use_locale();
    let class = format!("notice outcome outcome-{}", result.outcome.as_str());
    let next = if result.safety_alert && result.outcome != Outcome::Emergency {
        // safety-followup.md: a call today, and no promise the form is watched.
        tr(l,
            "We will try to call you today during business hours. This form is not watched around the clock: if you are in danger now, call 911.",
            "Intentaremos llamarlo(a) hoy en horario de oficina. Este formulario no se revisa las 24 horas: si está en peligro ahora, llame al 911.")
    } else {
        match result.outcome {
        Outcome::Emergency => tr(l, "Call 911 or go to the nearest emergency room now. The clinic will see your answers, but do not wait for a call.", "Llame al 911 o vaya a la sala de emergencias más cercana ahora. La clínica verá sus respuestas, pero no espere una llamada."),
        Outcome::UrgentCare => tr(l, "See your doctor or an urgent care clinic today or tomorrow. The clinic will keep your answers; the consult waits until that visit.", "Vea a su médico o vaya a una clínica de atención urgente hoy o mañana. La clínica guardará sus respuestas; la consulta espera hasta esa visita."),
        Outcome::ClinicianReview => tr(l, "A clinician will review your answers and call you, usually within 2 business days, before a consult is booked.", "Un profesional de salud de la clínica revisará sus respuestas y se comunicará con usted por teléfono, por lo general en un plazo de 2 días hábiles, antes de programar una consulta."),
        Outcome::NotYet => tr(l, "Talk with your own doctor about the options above. You are welcome to come back if things change.", "Hable con su propio médico sobre las opciones de arriba. Puede regresar si su situación cambia."),
        Outcome::ConsultRecommended => tr(l, "Book your consult below. If no time suits you, the clinic will contact you, usually within 2 business days. The clinic checks your insurance before the consult.", "Reserve su consulta abajo. Si ningún horario le conviene, la clínica se comunicará con usted, por lo general en un plazo de 2 días hábiles. La clínica revisa su seguro antes de la consulta."),
        }
    };
    view! {
        <section class="page narrow result">
            {result.safety_alert.then(|| view! { <LifelineBox /> })}
            <div class=class data-testid="outcome" data-outcome=result.outcome.as_str()>
                <h1>{outcome_message(result.outcome, l)}</h1>
            </div>
            <h2>{tr(l, "Why", "Por qué")}</h2>
            <ul class="reasons">
                {result.reasons.iter().map(|r| view! { <li data-code=r.as_str()>{reason_message(*r, l)}</li> }).collect_view()}
            </ul>
            <h2>{tr(l, "Your reference number", "Su número de referencia")}</h2>
            <p class="reference" data-testid="reference">{result.reference.clone()}</p>
            <p>{tr(l, "Please have it ready when you call the clinic", "Téngalo a la mano cuando llame a la clínica")}
                {clinic_phone().map(|(href, shown)| view! { " "{tr(l, "at", "al")}" "<a href=href data-testid="result-clinic-phone">{shown}</a> })}
                "."</p>
            <h2>{tr(l, "What happens next", "Qué sigue")}</h2>
            <p data-testid="next">{next}</p>
            {(result.safety_alert || result.outcome == Outcome::Emergency).then(|| view! {
                <p><a href="tel:911" class="button danger">{tr(l, "Call 911", "Llamar al 911")}</a></p>
            })}
            <ConsultPanel />
            <h2>{tr(l, "About insurance", "Sobre el seguro")}</h2>
            <p>{tr(l,
                "The clinic is in-network with Blue Cross Blue Shield of Texas, UnitedHealthcare and Cigna for the consult visit. Ketamine infusions themselves are often not covered by insurance and are self-pay; the clinic checks your benefits and explains prices before any treatment.",
                "La clínica está dentro de la red de Blue Cross Blue Shield de Texas, UnitedHealthcare y Cigna para la visita de consulta. Muchas veces el seguro no cubre las infusiones de ketamina y se pagan por cuenta propia; la clínica revisa sus beneficios y le explica los precios antes de cualquier tratamiento.")}</p>
            <p class="no-print"><a href="/learn">{tr(l, "Learn more about ketamine for pain", "Más información sobre la ketamina para el dolor")}</a></p>
        </section>
    }
}

/// Words of `Both` in the page's language.
fn both(l: Locale, b: &Both) -> String {
    match l {
        Locale::En => b.en.clone(),
        Locale::Es => b.es.clone(),
    }
}

/// What a `?booking=` code from a consult form post says: (is it an error, the words).
fn booking_notice(code: &str) -> Option<(bool, L)> {
    Some(match code {
        "taken" => (
            true,
            (
                "That time was just taken. Please choose another time.",
                "Ese horario se acaba de ocupar. Elija otro horario.",
            ),
        ),
        "window" => (
            true,
            (
                "That time can no longer be booked online. Please choose another time.",
                "Ese horario ya no se puede reservar en línea. Elija otro horario.",
            ),
        ),
        "choose" => (true, ("Select a time for your consult.", "Seleccione un horario para su consulta.")),
        "too_late" => (
            true,
            (
                "Your consult is too soon to change online. Please call the clinic.",
                "Falta muy poco para su consulta para cambiarla en línea. Llame a la clínica.",
            ),
        ),
        "booked" => (
            true,
            (
                "You already have a consult booked. You can change it below.",
                "Ya tiene una consulta reservada. Puede cambiarla abajo.",
            ),
        ),
        "not_online" => (
            true,
            (
                "This consult cannot be booked online. The clinic will call you.",
                "Esta consulta no se puede reservar en línea. La clínica lo(a) llamará.",
            ),
        ),
        "unavailable" => (
            true,
            (
                "The service is briefly unavailable and nothing was changed. Please try again in a minute.",
                "El servicio no está disponible por un momento y no se cambió nada. Inténtelo de nuevo en un minuto.",
            ),
        ),
        "cancelled" => (
            false,
            (
                "Your consult is cancelled. You can book another time below.",
                "Su consulta está cancelada. Puede reservar otro horario abajo.",
            ),
        ),
        _ => return None,
    })
}

/// The week of free slots as radio buttons by day, posting to `action`.
fn slot_form(l: Locale, week: SlotWeek, action: &'static str, submit: L, change: bool) -> AnyView {
    let link = move |date: &str| {
        if change {
            format!("/intake/result?change=1&week={date}#consult")
        } else {
            format!("/intake/result?week={date}#consult")
        }
    };
    let nav = view! {
        <nav class="slot-weeks" aria-label=tr(l, "Other weeks", "Otras semanas")>
            {week.earlier.as_deref().map(|d| view! { <a href=link(d) data-testid="slots-earlier">{tr(l, "Earlier times", "Horarios anteriores")}</a> })}
            {week.later.as_deref().map(|d| view! { <a href=link(d) data-testid="slots-later">{tr(l, "Later times", "Horarios posteriores")}</a> })}
        </nav>
    };
    if week.days.is_empty() {
        return view! {
            <p data-testid="no-slots">{tr(l,
                "No times are free online in these days. Try later times, or the clinic will call you to book.",
                "No hay horarios libres en línea en estos días. Pruebe horarios posteriores, o la clínica lo(a) llamará para reservar.")}</p>
            {nav}
        }
        .into_any();
    }
    view! {
        <form method="post" action=action class="slot-form" data-testid="slot-form">
            <p class="hint">{tr(l, "Times are the clinic's local time.", "Los horarios son la hora local de la clínica.")}</p>
            {week.days.into_iter().map(|day| view! {
                <fieldset class="slot-day">
                    <legend>{both(l, &day.day)}</legend>
                    <div class="slot-options">
                        {day.slots.into_iter().map(|slot| view! {
                            <label class="slot">
                                <input type="radio" name="start" value=slot.start required />
                                <span>{both(l, &slot.time)}</span>
                            </label>
                        }).collect_view()}
                    </div>
                </fieldset>
            }).collect_view()}
            <button type="submit" class="button" data-testid="book">{pick(l, submit)}</button>
        </form>
        {nav}
    }
    .into_any()
}

/// The consult part of the result page: choose a time, or the booked consult with
/// change and cancel (`booking.md`). Plain forms: it works without JavaScript.
#[component]
fn ConsultPanel() -> impl IntoView {
    let l = use_locale();
    let query = use_query_map();
    let args = move || query.with(|q| (q.get("week"), q.get("change").is_some()));
    let panel = Resource::new(args, |(week, change)| load_booking(week, change));
    let notice = move || query.with(|q| q.get("booking")).as_deref().and_then(booking_notice);
    let confirm_cancel = move || query.with(|q| q.get("cancel").is_some());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let panel = match panel.await {
                    Ok(BookingPanel::NotOnline) | Err(_) => return ().into_any(),
                    Ok(panel) => panel,
                };
                let notice = notice().map(|(error, words)| if error {
                    view! {
                        <div class="error-summary" role="alert" tabindex="-1" id="error-summary" data-testid="booking-error">
                            <h2>{tr(l, "There is a problem", "Hay un problema")}</h2>
                            <p>{pick(l, words)}</p>
                        </div>
                    }.into_any()
                } else {
                    view! { <p class="notice" role="status" data-testid="booking-status">{pick(l, words)}</p> }.into_any()
                });
                let body = match panel {
                    BookingPanel::NotOnline => ().into_any(),
                    BookingPanel::Choose(week) => view! {
                        <h2 id="consult-title">{tr(l, "Book your consult", "Reserve su consulta")}</h2>
                        {slot_form(l, week, "/intake/book", ("Book this time", "Reservar este horario"), false)}
                    }.into_any(),
                    BookingPanel::Booked { when, may_change, change } => view! {
                        <h2 id="consult-title">{tr(l, "Your consult", "Su consulta")}</h2>
                        <div class="notice success" data-testid="consult-booked">
                            <p><strong>{tr(l, "Booked:", "Reservada:")}</strong>" "{both(l, &when)}</p>
                        </div>
                        {match (may_change, change) {
                            (true, Some(week)) => view! {
                                <h3>{tr(l, "Choose a new time", "Elija un nuevo horario")}</h3>
                                {slot_form(l, week, "/intake/book/change", ("Move my consult to this time", "Cambiar mi consulta a este horario"), true)}
                                <p><a href="/intake/result#consult">{tr(l, "Keep the time I have", "Mantener mi horario")}</a></p>
                            }.into_any(),
                            (true, None) if confirm_cancel() => view! {
                                <form method="post" action="/intake/book/cancel" class="confirm" data-testid="confirm-cancel">
                                    <p>{tr(l, "Cancel this consult? The time goes to another patient.", "¿Cancelar esta consulta? El horario queda libre para otro paciente.")}</p>
                                    <button type="submit" class="button secondary">{tr(l, "Yes, cancel my consult", "Sí, cancelar mi consulta")}</button>
                                    " "<a href="/intake/result#consult">{tr(l, "No, keep it", "No, mantenerla")}</a>
                                </form>
                            }.into_any(),
                            (true, None) => view! {
                                <p class="actions">
                                    <a href="/intake/result?change=1#consult" data-testid="change-consult">{tr(l, "Change the time", "Cambiar el horario")}</a>
                                    " · "
                                    <a href="/intake/result?cancel=1#consult" data-testid="cancel-consult">{tr(l, "Cancel the consult", "Cancelar la consulta")}</a>
                                </p>
                            }.into_any(),
                            (false, _) => view! {
                                <p>{tr(l, "Your consult is soon, so it cannot be changed online. To change or cancel it, call the clinic", "Su consulta es pronto y no se puede cambiar en línea. Para cambiarla o cancelarla, llame a la clínica")}
                                    {clinic_phone().map(|(href, shown)| view! { " "{tr(l, "at", "al")}" "<a href=href>{shown}</a> })}"."</p>
                            }.into_any(),
                        }}
                    }.into_any(),
                };
                view! {
                    <section id="consult" class="consult" aria-labelledby="consult-title" data-testid="consult">
                        {notice}
                        {body}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
