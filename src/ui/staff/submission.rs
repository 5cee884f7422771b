//! One submission: result and scores first (clinicians), its safety follow-up, then the
//! answers grouped as the patient saw them, insurance, workflow status, assignee, notes
//! and history. Printable: the print stylesheet drops the navigation and the forms.

use super::data::load_submission;
use super::queue::{outcome_label, plan_label, priority_label, status_label, verification_label};
use super::{gated, message_code, Flash, StaffFrame};
use crate::domain::i18n::reason_message;
use crate::domain::intake::Locale;
use crate::domain::staff::WorkflowStatus;
use crate::shared::form::Step;
use crate::shared::labels::{pick, step_title};
use crate::shared::staff::SubmissionView;
use crate::ui::intake::review::rows;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn flash(code: Option<&str>) -> (Option<&'static str>, bool) {
    if let Some((text, error)) = super::follow_ups::flash(code) {
        return (Some(text), error);
    }
    if let Some((text, error)) = super::consults::flash(code) {
        return (Some(text), error);
    }
    match code {
        Some("status-changed") => (Some("Status changed."), false),
        Some("assigned") => (Some("Assignee saved."), false),
        Some("note-added") => (Some("Note added."), false),
        Some("conflict") => (Some("Someone else changed the status first. This is the current status."), true),
        Some("bad-status") => (Some("That status change is not possible from the current status."), true),
        Some("bad-assignee") => (Some("That person cannot be assigned."), true),
        Some("note-empty") => (Some("The note is empty."), true),
        Some("note-long") => (Some("Notes can be at most 4,000 characters."), true),
        Some("271-read") => (Some("The 271 response was read. Check the suggested verification below and save it."), false),
        Some("271-bad") => (Some("That file is not a readable X12 271 response. Check that you uploaded the payer's response, not the 270."), true),
        Some("271-empty") => (Some("Choose a 271 file, or paste its text."), true),
        Some("271-large") => (Some("That file is too large for a 271 response (1 MB at most)."), true),
        Some("no-270") => (Some("No eligibility inquiry can be made for this submission."), true),
        Some("verification-saved") => (Some("Verification saved."), false),
        Some("verification-bad") => (Some("The verification was not saved: choose a status and method, and keep the texts short."), true),
        _ => (None, false),
    }
}

fn group(step: Step, answers: &serde_json::Value) -> impl IntoView {
    let title = pick(Locale::En, step_title(step));
    view! {
        <section class="review-group">
            <h3>{title}</h3>
            <dl>{rows(step, answers, Locale::En).into_iter().map(|(q, a)| view! { <dt>{q}</dt><dd>{a}</dd> }).collect_view()}</dl>
        </section>
    }
}

fn page(s: SubmissionView, code: Option<String>) -> AnyView {
    let (text, error) = flash(code.as_deref());
    // The reader's reason belongs to the refusal just made, not to a later visit.
    let refused_271 = if code.as_deref() == Some("271-bad") { s.refused_271.clone() } else { None };
    let base = format!("/staff/submissions/{}", s.reference);
    let clinical_steps = [
        Step::RedFlags,
        Step::Symptoms,
        Step::Duration,
        Step::Pain,
        Step::History,
        Step::Treatments,
        Step::TreatmentResults,
        Step::Medical,
        Step::Mood,
        Step::MoodPhq9,
        Step::MoodGad7,
    ];
    let fhir = s.clinical.is_some().then(|| format!("{base}/fhir"));
    let status = s.status;
    view! {
        <StaffFrame me=s.me.clone()>
            <article class="page wide submission" data-testid="submission" data-status=status.as_str()>
                <h1>"Submission " {s.reference.clone()}</h1>
                <Flash text=text error=error />
                <p class="meta">
                    "Received " {s.received.clone()} " · Age " {s.age} " · Language " {s.locale.clone()}
                    " · Priority " <strong>{priority_label(s.priority)}</strong>
                    " · Status " <strong data-testid="status">{status_label(status)}</strong>
                </p>
                {fhir.map(|href| view! { <p class="no-print"><a href=href download>"Download FHIR bundle"</a>" · Use your browser's Print to print this page."</p> })}

                {s.clinical.clone().map(|c| view! {
                    <section class="panel" aria-labelledby="result-h" data-testid="clinical">
                        <h2 id="result-h">"Screening result"</h2>
                        {c.safety_alert.then_some(view! {
                            <p class="notice emergency-note" data-testid="safety-alert"><strong>"Safety alert: "</strong>"the patient reported thoughts of self-harm (PHQ-9 item 9). Contact them today; 988 is the crisis line."</p>
                        })}
                        <p>"Outcome: " <strong data-testid="outcome">{outcome_label(c.outcome)}</strong> " · Rules version " {c.rules_version.clone()}</p>
                        <h3>"Reasons"</h3>
                        <ul>{c.reasons.iter().map(|r| view! { <li><code>{r.as_str()}</code>" — "{reason_message(*r, Locale::En)}</li> }).collect_view()}</ul>
                        <h3>"Scores"</h3>
                        <dl class="scores">
                            <dt>"PEG (0–10)"</dt><dd>{c.peg.clone()}</dd>
                            <dt>"PHQ-9"</dt><dd>{c.phq9.clone().map(|(n, b)| format!("{n} ({b})")).unwrap_or_else(|| "not answered".into())}</dd>
                            <dt>"GAD-7"</dt><dd>{c.gad7.clone().map(|(n, b)| format!("{n} ({b})")).unwrap_or_else(|| "not answered".into())}</dd>
                        </dl>
                    </section>
                })}

                {s.follow_up.clone().map(|f| super::follow_ups::panel(&base, f))}

                {super::consults::panel(&base, s.consult.clone())}

                <section class="panel" aria-labelledby="patient-h">
                    <h2 id="patient-h">"Patient"</h2>
                    {group(Step::About, &s.answers)}
                </section>

                <section class="panel" aria-labelledby="insurance-h">
                    <h2 id="insurance-h">"Insurance"</h2>
                    <p>"Verification: " <strong data-testid="verification">{verification_label(s.verification)}</strong></p>
                    {group(Step::Insurance, &s.answers)}
                    {s.answers.pointer("/insurance/plan").and_then(|v| v.as_str()).and_then(crate::domain::intake::Plan::parse).map(|p| view! { <p class="hint">"Plan: " {plan_label(p)}</p> })}
                    {(!s.cards.is_empty()).then(|| view! {
                        <p>"Card photos: " {s.cards.iter().map(|side| view! { <a href=format!("{base}/card/{side}") target="_blank" rel="noopener">{side.clone()}</a>" " }).collect_view()}</p>
                    })}
                    {super::insurance::panel(&base, &s, refused_271).into_any()}
                </section>

                {s.clinical.is_some().then(|| view! {
                    <section class="panel" aria-labelledby="answers-h">
                        <h2 id="answers-h">"Answers"</h2>
                        {clinical_steps.iter().map(|st| group(*st, &s.answers)).collect_view()}
                    </section>
                })}

                <section class="panel" aria-labelledby="consent-h">
                    <h2 id="consent-h">"Consent"</h2>
                    {group(Step::Consent, &s.answers)}
                    {match s.consent.clone() {
                        Some(c) => view! {
                            <div data-testid="consent-version" data-version=c.version.clone() data-intact=c.intact.to_string()>
                                <p>{format!("Wording version {} in {}, agreed {}. SHA-256 {}", c.version, c.language, c.at, c.sha256)}
                                    {(!c.intact).then_some(view! { <strong>" — does not match this version's text"</strong> })}</p>
                                <ol class="consent-text">{c.statements.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ol>
                            </div>
                        }.into_any(),
                        None => view! { <p class="hint">"The consent wording's version was not recorded (submitted before versions were kept)."</p> }.into_any(),
                    }}
                </section>

                <section class="panel no-print-forms" aria-labelledby="workflow-h">
                    <h2 id="workflow-h">"Workflow"</h2>
                    {(!s.next.is_empty()).then(|| view! {
                        <form method="post" action=format!("{base}/status") class="inline-form">
                            <input type="hidden" name="from" value=status.as_str() />
                            <label for="to">"Move to"</label>
                            <select id="to" name="to">
                                {s.next.iter().map(|n: &WorkflowStatus| view! { <option value=n.as_str()>{status_label(*n)}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="button">"Change status"</button>
                        </form>
                    })}
                    <p>"Assignee: " <strong data-testid="assignee">{s.assignee.clone().unwrap_or_else(|| "nobody".into())}</strong></p>
                    {(!s.assignable.is_empty()).then(|| view! {
                        <form method="post" action=format!("{base}/assign") class="inline-form">
                            <label for="assignee">"Assign to"</label>
                            <select id="assignee" name="assignee">
                                <option value="">"Nobody"</option>
                                {s.assignable.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="button secondary">"Assign"</button>
                        </form>
                    })}
                    <h3>"Status history"</h3>
                    {if s.history.is_empty() {
                        view! { <p>"No changes yet."</p> }.into_any()
                    } else {
                        view! {
                            <ol class="history" data-testid="history">
                                {s.history.iter().map(|h| view! {
                                    <li>{h.at.clone()}": "{status_label(h.from)}" → "{status_label(h.to)}" by "{h.by.clone()}</li>
                                }).collect_view()}
                            </ol>
                        }.into_any()
                    }}
                </section>

                <section class="panel" id="notes" aria-labelledby="notes-h">
                    <h2 id="notes-h">"Notes"</h2>
                    <ul class="notes" data-testid="notes">
                        {s.notes.iter().map(|n| view! {
                            <li><p class="meta">{n.at.clone()}" · "{n.author.clone()}</p><p class="note-body">{n.body.clone()}</p></li>
                        }).collect_view()}
                    </ul>
                    <form method="post" action=format!("{base}/notes") class="stack no-print">
                        <div class="field">
                            <label for="body">"Add a note"</label>
                            <textarea id="body" name="body" rows="3" maxlength="4000" required></textarea>
                        </div>
                        <button type="submit" class="button secondary">"Add note"</button>
                    </form>
                </section>
            </article>
        </StaffFrame>
    }
    .into_any()
}

#[component]
pub fn SubmissionPage() -> impl IntoView {
    let params = use_params_map();
    let reference = move || params.with(|p| p.get("reference").unwrap_or_default());
    let data = Resource::new(reference, load_submission);
    let code = message_code();
    view! {
        <Title text="Submission" />
        <Suspense fallback=|| ()>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                    gated(data.await, move |found| match found {
                        Some(s) => page(s, code),
                        None => view! {
                            <section class="page narrow">
                                <h1>"Not found"</h1>
                                <p>"There is no submission with this reference."</p>
                                <p><a class="button" href="/staff">"Back to the queue"</a></p>
                            </section>
                        }
                        .into_any(),
                    })
                })
            }}
        </Suspense>
    }
}
