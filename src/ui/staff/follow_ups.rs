//! Safety follow-ups (`safety-followup.md`): the Follow-ups page (every open one, most
//! urgent and most overdue first) and a submission's follow-up panel with its history and
//! the clinician's forms: acknowledge, record an attempt, close with an outcome.

use super::data::{load_callback, load_follow_ups};
use super::{gated, message_code, Flash, StaffFrame};
use crate::domain::followup::{
    AttemptMethod, AttemptResult, CloseOutcome, Priority, Subject, ATTEMPTS_BEFORE_UNREACHABLE,
};
use crate::shared::staff::{time_left, CallbackView, FollowUpRow, FollowUpView, FollowUpWork, FollowUpsPage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

pub fn priority_label(p: Priority) -> &'static str {
    match p {
        Priority::Emergency => "Emergency",
        Priority::Safety => "Safety",
        Priority::Urgent => "Urgent",
    }
}

fn method_label(m: AttemptMethod) -> &'static str {
    match m {
        AttemptMethod::Phone => "Phone call",
        AttemptMethod::Text => "Text message",
        AttemptMethod::Email => "E-mail",
    }
}

fn result_label(r: AttemptResult) -> &'static str {
    match r {
        AttemptResult::Reached => "Reached",
        AttemptResult::LeftMessage => "Left a message",
        AttemptResult::NoAnswer => "No answer",
        AttemptResult::WrongNumber => "Wrong number",
    }
}

fn outcome_label(o: CloseOutcome) -> &'static str {
    match o {
        CloseOutcome::ReachedSafePlan => "Reached; safety plan or advice given",
        CloseOutcome::SentToEmergencyCare => "Sent to emergency care",
        CloseOutcome::Referred => "Referred to another service",
        CloseOutcome::UnableToReach => "Unable to reach (after 3 or more attempts)",
        CloseOutcome::NotNeeded => "Not needed (say why in the note)",
    }
}

/// The message of a follow-up form's `?m=` code, and whether it is an error.
pub fn flash(code: Option<&str>) -> Option<(&'static str, bool)> {
    Some(match code? {
        "follow-up-acknowledged" => ("Acknowledged: escalation e-mails stop for now.", false),
        "attempt-recorded" => ("Attempt recorded.", false),
        "follow-up-closed-now" => ("Follow-up closed.", false),
        "follow-up-closed" => ("This follow-up is already closed; nothing was changed. This is how it ended.", true),
        "follow-up-attempts" => ("Record at least 3 attempts before closing as unable to reach.", true),
        "follow-up-note" => ("Say in the note why no follow-up is needed.", true),
        "follow-up-note-long" => ("Notes can be at most 2,000 characters.", true),
        "attempt-bad" => ("Choose how you tried and what happened.", true),
        "close-bad" => ("Choose how the follow-up ended.", true),
        _ => return None,
    })
}

fn row(r: FollowUpRow) -> impl IntoView {
    let href = format!("{}#follow-up", r.subject.staff_path(&r.reference));
    let overdue = r.work.as_ref().is_some_and(|w| w.minutes_left < 0);
    view! {
        <tr data-testid="follow-up-row" data-reference=r.reference.clone() data-priority=r.priority.as_str() class:overdue=overdue>
            <td data-label="Reference"><a href=href>{r.reference.clone()}</a></td>
            <td data-label="Priority"><strong>{priority_label(r.priority)}</strong>
                {(r.subject == Subject::Callback).then(|| view! { <br /><span class="hint">"Call request from the emergency page"</span> })}</td>
            {r.work.map(|w| view! {
                <td data-label="Time left" data-testid="time-left">{time_left(w.minutes_left)}<br /><span class="hint">{format!("deadline {}", w.deadline)}</span></td>
                <td data-label="Acknowledged">{w.acknowledged.map(|(by, at)| format!("{by}, {at}")).unwrap_or_else(|| "Nobody yet".into())}</td>
                <td data-label="Attempts">{w.attempt_count}</td>
            })}
        </tr>
    }
}

fn page(p: FollowUpsPage) -> AnyView {
    let works = p.me.role.works_follow_ups();
    let empty = p.rows.is_empty();
    view! {
        <StaffFrame me=p.me.clone()>
            <section class="page wide">
                <h1>"Follow-ups"</h1>
                <p>"Every emergency, urgent-care and safety-alert submission needs a call from a clinician by its deadline. Overdue follow-ups that nobody has acknowledged are e-mailed to the on-call clinician until someone acts."</p>
                {(!works).then(|| view! { <p class="hint">"Clinicians and administrators work these follow-ups."</p> })}
                {if empty {
                    view! { <p data-testid="no-follow-ups">"No follow-ups are open."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-label="Open follow-ups">
                            <table class="queue" data-testid="follow-ups">
                                <caption class="visually-hidden">"Open follow-ups, most urgent and most overdue first"</caption>
                                <thead><tr>
                                    <th scope="col">"Reference"</th>
                                    <th scope="col">"Priority"</th>
                                    {works.then(|| view! {
                                        <th scope="col">"Time left"</th>
                                        <th scope="col">"Acknowledged"</th>
                                        <th scope="col">"Attempts"</th>
                                    })}
                                </tr></thead>
                                <tbody>{p.rows.into_iter().map(row).collect_view()}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </section>
        </StaffFrame>
    }
    .into_any()
}

#[component]
pub fn FollowUpsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_follow_ups());
    view! {
        <Title text="Follow-ups" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { gated(data.await, page) })}
        </Suspense>
    }
}

/// The follow-up panel of a submission page (`base` is the submission's path).
pub fn panel(base: &str, f: FollowUpView) -> impl IntoView {
    let state = if f.open { "open" } else { "closed" };
    view! {
        <section class="panel" id="follow-up" aria-labelledby="follow-up-h" data-testid="follow-up" data-state=state>
            <h2 id="follow-up-h">"Safety follow-up"</h2>
            <p>"Priority " <strong>{priority_label(f.priority)}</strong> " · " {if f.open { "Open" } else { "Closed" }}</p>
            {match f.work {
                Some(w) => work(base, f.open, w).into_any(),
                None => view! { <p class="hint">"A clinician calls the patient; the details are for clinicians."</p> }.into_any(),
            }}
        </section>
    }
}

fn work(base: &str, open: bool, w: FollowUpWork) -> impl IntoView {
    let attempts = w.attempts.len() as u32;
    view! {
        <dl class="scores">
            <dt>"Opened"</dt><dd>{w.opened.clone()}</dd>
            <dt>"Deadline"</dt><dd>{w.deadline.clone()}{open.then(|| format!(" ({})", time_left(w.minutes_left)))}</dd>
            <dt>"Acknowledged"</dt><dd data-testid="acknowledged">{w.acknowledged.clone().map(|(by, at)| format!("{by}, {at}")).unwrap_or_else(|| "Nobody yet".into())}</dd>
            <dt>"Escalation e-mails"</dt><dd>{if w.escalations.is_empty() { "None".to_owned() } else {
                w.escalations.iter().map(|(at, sent)| format!("{at}{}", if *sent { "" } else { " (waiting to be sent)" })).collect::<Vec<_>>().join("; ")
            }}</dd>
        </dl>
        <h3>"Attempts"</h3>
        {if w.attempts.is_empty() {
            view! { <p>"None recorded yet."</p> }.into_any()
        } else {
            view! {
                <ol class="history" data-testid="attempts">
                    {w.attempts.into_iter().map(|a| view! {
                        <li>{format!("{}: {} — {}, by {}", a.at, method_label(a.method), result_label(a.result), a.by)}
                            {(!a.note.is_empty()).then(|| view! { <p class="note-body">{a.note}</p> })}</li>
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
        {w.closed.map(|c| view! {
            <p data-testid="closed" data-outcome=c.outcome.as_str()>"Closed " {c.at} " by " {c.by} ": " <strong>{outcome_label(c.outcome)}</strong></p>
            {(!c.note.is_empty()).then(|| view! { <p class="note-body">{c.note}</p> })}
        })}
        {open.then(|| forms(base, attempts, w.attempt_key.clone()))}
    }
}

fn forms(base: &str, attempts: u32, attempt_key: String) -> impl IntoView {
    let unreachable_allowed = attempts >= ATTEMPTS_BEFORE_UNREACHABLE;
    view! {
        <div class="no-print stack">
            <form method="post" action=format!("{base}/follow-up/acknowledge")>
                <button type="submit" class="button">"Acknowledge: I am on it"</button>
            </form>
            <form method="post" action=format!("{base}/follow-up/attempts") class="stack" aria-labelledby="attempt-h">
                <h3 id="attempt-h">"Record an attempt"</h3>
                <input type="hidden" name="once" value=attempt_key />
                <div class="field">
                    <label for="attempt-method">"How"</label>
                    <select id="attempt-method" name="method">
                        {AttemptMethod::ALL.iter().map(|m| view! { <option value=m.as_str()>{method_label(*m)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="attempt-result">"What happened"</label>
                    <select id="attempt-result" name="result">
                        {AttemptResult::ALL.iter().map(|r| view! { <option value=r.as_str()>{result_label(*r)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="attempt-note">"Note (optional)"</label>
                    <textarea id="attempt-note" name="note" rows="2" maxlength="2000"></textarea>
                </div>
                <button type="submit" class="button secondary">"Record attempt"</button>
            </form>
            <form method="post" action=format!("{base}/follow-up/close") class="stack" aria-labelledby="close-h">
                <h3 id="close-h">"Close the follow-up"</h3>
                <fieldset class="field">
                    <legend>"How did it end?"</legend>
                    {CloseOutcome::ALL.iter().map(|o| {
                        let id = format!("outcome-{}", o.as_str());
                        let disabled = *o == CloseOutcome::UnableToReach && !unreachable_allowed;
                        view! {
                            <div class="choice">
                                <input type="radio" id=id.clone() name="outcome" value=o.as_str() required disabled=disabled />
                                <label for=id>{outcome_label(*o)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="close-note">"Note (required for \"not needed\")"</label>
                    <textarea id="close-note" name="note" rows="2" maxlength="2000"></textarea>
                </div>
                <button type="submit" class="button secondary">"Close follow-up"</button>
            </form>
        </div>
    }
}

fn callback_page(c: CallbackView, code: Option<String>) -> AnyView {
    let (text, error) = flash(code.as_deref()).map_or((None, false), |(t, e)| (Some(t), e));
    let base = Subject::Callback.staff_path(&c.reference);
    view! {
        <StaffFrame me=c.me.clone()>
            <article class="page wide submission" data-testid="callback">
                <h1>"Call request " {c.reference.clone()}</h1>
                <Flash text=text error=error />
                <p class="meta">"Received " {c.received.clone()} " · From the emergency page"</p>
                <p>"A 911 red-flag answer stopped this patient's form at the emergency page, where they were told to call 911 now. They left a name and phone number for the clinic to call. They have not finished the form, so there are no other answers."</p>
                {c.details.clone().map(|d| view! {
                    <section class="panel" aria-labelledby="caller-h" data-testid="caller">
                        <h2 id="caller-h">"Who to call"</h2>
                        <dl class="scores">
                            <dt>"Name"</dt><dd data-testid="caller-name">{d.name}</dd>
                            <dt>"Phone"</dt><dd><a href=format!("tel:{}", d.phone.chars().filter(char::is_ascii_digit).collect::<String>()) data-testid="caller-phone">{d.phone.clone()}</a></dd>
                            <dt>"Language"</dt><dd>{d.language}</dd>
                        </dl>
                        <h3>"Red flags answered yes"</h3>
                        <ul data-testid="caller-red-flags">{d.red_flags.iter().map(|f| view! { <li>{crate::shared::labels::red_flag(f).0}</li> }).collect_view()}</ul>
                    </section>
                })}
                {c.follow_up.clone().map(|f| panel(&base, f))}
            </article>
        </StaffFrame>
    }
    .into_any()
}

/// `/staff/callbacks/{reference}`: a callback request from the emergency page.
#[component]
pub fn CallbackPage() -> impl IntoView {
    let params = use_params_map();
    let reference = move || params.with(|p| p.get("reference").unwrap_or_default());
    let data = Resource::new(reference, load_callback);
    let code = message_code();
    view! {
        <Title text="Call request" />
        <Suspense fallback=|| ()>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                    gated(data.await, move |found| match found {
                        Some(c) => callback_page(c, code),
                        None => view! {
                            <section class="page narrow">
                                <h1>"Not found"</h1>
                                <p>"There is no call request with this reference."</p>
                                <p><a class="button" href="/staff/follow-ups">"Back to the follow-ups"</a></p>
                            </section>
                        }
                        .into_any(),
                    })
                })
            }}
        </Suspense>
    }
}
