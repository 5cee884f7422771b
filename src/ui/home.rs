//! The home page: what the clinic offers, honestly, and where to start.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// What a 0–10 rating usually means, in the patient's terms.
fn describe(rating: u8) -> &'static str {
    match rating {
        0 => "0 means no pain at all.",
        1..=3 => "1 to 3 is mild pain: you notice it, but it does not stop you from doing things.",
        4..=6 => "4 to 6 is moderate pain: it gets in the way of some daily activities.",
        7..=9 => "7 to 9 is severe pain: it is hard to think about anything else.",
        _ => "10 is the worst pain you can imagine.",
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let rating = RwSignal::new(None::<u8>);
    view! {
        <Title text="Ketamine for chronic back pain: is a consult right for you?" />
        <Meta
            name="description"
            content="Plain facts about ketamine infusions for chronic back pain, and a short pre-screening that tells you what to do next."
        />
        <section class="page">
            <h1>"Ketamine for chronic back pain: is a consult right for you?"</h1>
            <p class="lead">
                "Low-dose ketamine infusions are one option some people with long-lasting pain "
                "try when other treatments have not helped enough. The evidence is strongest for "
                "complex regional pain syndrome (CRPS) and weaker for most back pain, so a "
                "clinician decides with you whether it fits your pain plan."
            </p>
            <p>
                "Our short pre-screening asks about your symptoms, your pain and what you have "
                "already tried. At the end it tells you the safest next step: emergency care, "
                "seeing a doctor soon, a call from our clinician, other options first, or a consult."
            </p>
            <fieldset class="scale">
                <legend>"Try the 0 to 10 pain scale we use"</legend>
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
                        Some(n) => describe(n).to_owned(),
                        None => "0 means no pain and 10 the worst pain you can imagine.".to_owned(),
                    }}
                </p>
            </fieldset>
            <p><a href="/learn">"Read the facts first: what ketamine is, the evidence, safety and cost"</a></p>
            <crate::ui::learn::StartIntake />
        </section>
    }
}
