//! The insurance verification panel of a submission (real-time checks with "Check now",
//! 270 download, 271 upload, the verification form and its history), the payer directory
//! page and the list of real-time checks that failed or wait (admins).

use super::data::{load_eligibility, load_payers};
use super::queue::verification_label;
use super::{gated, message_code, Flash, StaffFrame};
use crate::domain::staff::VerificationStatus;
use crate::shared::staff::{EligibilityView, SubmissionView, VerificationForm, METHODS, NETWORKS, PRIOR_AUTH};
use leptos::prelude::*;
use leptos_meta::Title;

fn options(all: &'static [(&'static str, &'static str)], current: &str) -> impl IntoView {
    all.iter().map(|(v, label)| view! { <option value=*v selected=*v == current>{*label}</option> }).collect_view()
}

fn text_field(id: &'static str, label: &'static str, value: String, max: usize) -> impl IntoView {
    view! {
        <div class="field">
            <label for=format!("v-{id}")>{label}</label>
            <input id=format!("v-{id}") name=id value=value maxlength=max.to_string() />
        </div>
    }
}

/// The verification form, filled from a 271 suggestion, else from the current verification.
fn form(base: &str, s: &SubmissionView) -> impl IntoView {
    let f = s
        .suggestion
        .as_ref()
        .map(|g| VerificationForm::from_271(&g.summary))
        .or_else(|| s.verifications.first().map(|v| v.form.clone()))
        .unwrap_or_else(|| VerificationForm::blank(s.verification));
    let button = if s.suggestion.is_some() { "Confirm verification" } else { "Save verification" };
    view! {
        <form method="post" action=format!("{base}/verification") class="verification-form" aria-label="Verification">
            <div class="field">
                <label for="v-status">"Coverage status"</label>
                <select id="v-status" name="status">
                    {VerificationStatus::ALL.iter().map(|v| view! { <option value=v.as_str() selected=*v == f.status>{verification_label(*v)}</option> }).collect_view()}
                </select>
            </div>
            {text_field("plan_name", "Plan name", f.shares.plan_name.clone(), 100)}
            <div class="field">
                <label for="v-network">"Network"</label>
                <select id="v-network" name="network">{options(&NETWORKS, &f.shares.network)}</select>
            </div>
            {text_field("copay", "Copay", f.shares.copay.clone(), 50)}
            {text_field("coinsurance", "Coinsurance", f.shares.coinsurance.clone(), 50)}
            {text_field("deductible_remaining", "Deductible remaining", f.shares.deductible_remaining.clone(), 50)}
            {text_field("oop_remaining", "Out-of-pocket remaining", f.shares.oop_remaining.clone(), 50)}
            <div class="field">
                <label for="v-prior_auth">"Prior authorization"</label>
                <select id="v-prior_auth" name="prior_auth">{options(&PRIOR_AUTH, &f.shares.prior_auth)}</select>
            </div>
            <div class="field">
                <label for="v-method">"Checked by"</label>
                <select id="v-method" name="method">{options(&METHODS, &f.method)}</select>
            </div>
            <div class="field wide-field">
                <label for="v-notes">"Verification notes"</label>
                <textarea id="v-notes" name="notes" rows="3" maxlength="2000">{crate::ui::textarea_text(&f.notes)}</textarea>
            </div>
            <button type="submit" class="button">{button}</button>
        </form>
    }
}

/// What an attempt's outcome is called on the page.
fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "saved" => "Saved",
        "retry" => "Will retry",
        "needs_person" => "Action needed",
        "failed" => "Failed",
        _ => "In progress",
    }
}

/// Real-time checks: "Check now", the state of the queue, and every attempt.
fn realtime(base: &str, e: &EligibilityView, can_check: bool) -> impl IntoView {
    view! {
        <div class="realtime" data-testid="realtime">
            {if e.realtime {
                view! { <p class="hint">"Coverage is checked with the payer in real time when a submission arrives and again before each consult."</p> }.into_any()
            } else {
                view! { <p class="hint" data-testid="realtime-off">"Real-time checks are off: download the 270 below, send it to the clearinghouse and upload its 271."</p> }.into_any()
            }}
            {e.waiting.then(|| view! { <p data-testid="check-waiting">"A check is waiting to be sent."</p> })}
            {e.attempts.first().filter(|a| !a.outcome.is_empty() && a.outcome != "saved").map(|_| view! {
                <p class="notice" data-testid="realtime-fallback">"The last real-time check saved no verification. Meanwhile, use the 270 and 271 files below, or call the payer."</p>
            })}
            {can_check.then(|| view! {
                <form method="post" action=format!("{base}/eligibility/check") class="inline">
                    <input type="hidden" name="seen" value=e.last_check.to_string() />
                    <button type="submit" class="button secondary">"Check now"</button>
                </form>
            })}
            {(!e.attempts.is_empty()).then(|| view! {
                <div>
                <h3>"Real-time attempts"</h3>
                <ol class="history" data-testid="eligibility-attempts">
                    {e.attempts.iter().map(|a| view! {
                        <li>{a.at.clone()}": "<strong>{outcome_label(&a.outcome)}</strong>" — "{a.reason.clone()}</li>
                    }).collect_view()}
                </ol>
                </div>
            })}
        </div>
    }
}

/// `refused_271`: why the 271 just uploaded was refused, in the reader's words; shown as
/// text (Leptos escapes it), never inside a form field.
pub fn panel(base: &str, s: &SubmissionView, refused_271: Option<String>) -> impl IntoView {
    view! {
        <div class="verification">
            <h3>"Check coverage"</h3>
            {realtime(base, &s.eligibility, s.no_270.is_none() && s.me.role.changes_verifications())}
            {match &s.no_270 {
                Some(reason) => view! { <p class="hint">{reason.clone()}</p> }.into_any(),
                None => view! {
                    <div>
                    <p><a class="button secondary" href=format!("{base}/270") download>"Download X12 270 inquiry"</a></p>
                    {refused_271.map(|reason| view! {
                        <p class="field-error" data-testid="x12-refusal">"The 271 reader stopped: " {reason}</p>
                    })}
                    <form method="post" action=format!("{base}/271") enctype="multipart/form-data" class="stack">
                        <div class="field">
                            <label for="x12-file">"Upload the payer's X12 271 response"</label>
                            <input id="x12-file" name="file" type="file" accept=".271,.x12,.edi,.txt,text/plain" />
                        </div>
                        <button type="submit" class="button secondary">"Read 271"</button>
                    </form>
                    </div>
                }.into_any(),
            }}
            {s.suggestion.as_ref().map(|g| view! {
                <div class="notice" data-testid="suggestion">
                    <h3>"What the 271 says"</h3>
                    {match (&g.trace, g.trace_matches) {
                        (_, true) => None,
                        (Some(trace), false) => Some(view! { <p class="field-error" data-testid="trace-warning">"Careful: this response echoes the trace number " <code>{trace.clone()}</code> ", not this submission's reference. It may belong to another patient."</p> }.into_any()),
                        (None, false) => Some(view! { <p class="field-error" data-testid="trace-warning">"Careful: this response does not echo the trace number of our inquiry, so nothing ties it to this submission. Check that the subscriber below is this patient."</p> }.into_any()),
                    }}
                    {g.payer_trace.clone().map(|t| view! { <p>"The payer's reference for this response: " <code data-testid="payer-trace">{t}</code></p> })}
                    <p>"Subscriber on file with the payer: " {g.subscriber.clone()}</p>
                    {(!g.summary.actions.is_empty()).then(|| view! {
                        <div>
                            <p><strong>"Action needed:"</strong></p>
                            <ul data-testid="actions">{g.summary.actions.iter().map(|a| view! { <li>{a.clone()}</li> }).collect_view()}</ul>
                        </div>
                    })}
                    <p>"Review the suggested values below, correct anything, then confirm."</p>
                </div>
            })}
            {form(base, s)}
            {(!s.verifications.is_empty()).then(|| view! {
                <div>
                <h3>"Verification history"</h3>
                <ol class="history" data-testid="verification-history">
                    {s.verifications.iter().map(|v| view! {
                        <li>{v.at.clone()}": "{verification_label(v.form.status)}
                            {(!v.form.shares.plan_name.is_empty()).then(|| format!(", {}", v.form.shares.plan_name))}
                            {(!v.form.shares.copay.is_empty()).then(|| format!(", copay {}", v.form.shares.copay))}
                            " ("{v.form.method.clone()}") by "{v.by.clone()}</li>
                    }).collect_view()}
                </ol>
                </div>
            })}
        </div>
    }
}

#[component]
pub fn PayersPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_payers());
    let code = message_code();
    view! {
        <Title text="Payer directory" />
        <Suspense fallback=|| ()>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                    gated(data.await, move |p| {
                        let (text, error) = match code.as_deref() {
                            Some("saved") => (Some("Saved."), false),
                            Some("bad") => (Some("Not saved: name and payer ID are required, without the characters ~ * : ^ |."), true),
                            _ => (None, false),
                        };
                        view! {
                            <StaffFrame me=p.me.clone()>
                                <section class="page wide">
                                    <h1>"Payer directory"</h1>
                                    <Flash text=text error=error />
                                    <p>"Payer IDs differ between clearinghouses: use the ones in your clearinghouse's payer list. The name is sent in the 270."</p>
                                    {p.payers.into_iter().map(|payer| {
                                        let id = payer.id;
                                        view! {
                                            <form method="post" action=format!("/staff/payers/{id}") class="panel payer" data-testid="payer">
                                                <h2>{super::queue::plan_label(payer.plan)}</h2>
                                                <div class="field"><label for=format!("p{id}-name")>"Name in the 270"</label><input id=format!("p{id}-name") name="name" value=payer.name required maxlength="60" /></div>
                                                <div class="field"><label for=format!("p{id}-id")>"Payer ID"</label><input id=format!("p{id}-id") name="payer_id" value=payer.payer_id required maxlength="80" /></div>
                                                <div class="field"><label><input type="checkbox" name="in_network" value="1" checked=payer.in_network />" The clinic is in network"</label></div>
                                                <div class="field"><label for=format!("p{id}-notes")>"Notes"</label><textarea id=format!("p{id}-notes") name="notes" rows="2" maxlength="1000">{crate::ui::textarea_text(&payer.notes)}</textarea></div>
                                                <button type="submit" class="button secondary">"Save"</button>
                                            </form>
                                        }
                                    }).collect_view()}
                                </section>
                            </StaffFrame>
                        }
                        .into_any()
                    })
                })
            }}
        </Suspense>
    }
}

/// `/staff/eligibility`: real-time checks that failed or still wait (admins).
#[component]
pub fn EligibilityChecksPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_eligibility());
    view! {
        <Title text="Eligibility checks" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                gated(data.await, move |p| {
                    let state_label = |s: &str| match s {
                        "waiting" => "Waiting",
                        "gave_up" => "Gave up after 8 tries",
                        _ => "Failed",
                    };
                    view! {
                        <StaffFrame me=p.me.clone()>
                            <section class="page wide">
                                <h1>"Eligibility checks"</h1>
                                {(!p.realtime).then(|| view! { <p class="hint" data-testid="realtime-off">"Real-time checks are off (ELIGIBILITY_ENDPOINT is not set): these checks wait until they are turned on. Meanwhile staff use the 270/271 files."</p> })}
                                {if p.checks.is_empty() {
                                    view! { <p data-testid="no-checks">"No check has failed or waits."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="queue" data-testid="eligibility-checks">
                                            <thead><tr><th>"Submission"</th><th>"Why"</th><th>"State"</th><th>"Tries"</th><th>"Next try or end"</th><th>"Last reason"</th></tr></thead>
                                            <tbody>
                                                {p.checks.into_iter().map(|c| view! {
                                                    <tr data-testid="eligibility-check">
                                                        <td><a href=format!("/staff/submissions/{}#insurance-h", c.reference)>{c.reference.clone()}</a></td>
                                                        <td>{c.reason.clone()}</td>
                                                        <td>{state_label(&c.state)}{(!c.last_error.is_empty()).then(|| format!(" ({})", c.last_error))}</td>
                                                        <td>{c.attempts}</td>
                                                        <td>{c.when.clone()}</td>
                                                        <td>{c.last_reason.clone()}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                            </section>
                        </StaffFrame>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}
