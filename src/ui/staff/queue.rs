//! The review queue: pinned emergencies, urgent cases and safety alerts first, then the
//! chosen sort; filters (kept in the session), pages of 50, and the CSV export (admins).

use super::data::load_queue;
use super::{gated, StaffFrame};
use crate::domain::intake::{Locale, Plan};
use crate::domain::screening::Outcome;
use crate::domain::staff::{Priority, VerificationStatus, WorkflowStatus};
use crate::shared::labels::{self, pick};
use crate::shared::staff::{ConsultFilter, QueueFilter, QueueRow, QueueSort};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

pub fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Emergency => "Emergency",
        Outcome::UrgentCare => "Urgent care",
        Outcome::ClinicianReview => "Clinician review",
        Outcome::NotYet => "Not yet",
        Outcome::ConsultRecommended => "Consult recommended",
    }
}

pub fn status_label(s: WorkflowStatus) -> &'static str {
    match s {
        WorkflowStatus::New => "New",
        WorkflowStatus::InReview => "In review",
        WorkflowStatus::ConsultScheduled => "Consult scheduled",
        WorkflowStatus::NotACandidate => "Not a candidate",
        WorkflowStatus::ReferredOut => "Referred out",
        WorkflowStatus::Closed => "Closed",
    }
}

pub fn verification_label(v: VerificationStatus) -> &'static str {
    match v {
        VerificationStatus::Unverified => "Unverified",
        VerificationStatus::Active => "Active",
        VerificationStatus::Inactive => "Inactive",
        VerificationStatus::NotFound => "Not found",
        VerificationStatus::SelfPay => "Self-pay",
    }
}

pub fn plan_label(p: Plan) -> &'static str {
    pick(Locale::En, labels::plan(p.as_str()))
}

pub fn priority_label(p: Priority) -> &'static str {
    match p {
        Priority::Emergency => "Emergency",
        Priority::Urgent => "Urgent",
        Priority::Routine => "Routine",
    }
}

/// A `<select>` with an "Any" option, pre-selected from the filter.
fn select<T: Copy + PartialEq + 'static>(
    id: &'static str,
    label: &'static str,
    all: &'static [T],
    current: Option<T>,
    value: fn(T) -> &'static str,
    text: fn(T) -> &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=id>
                <option value="" selected=current.is_none()>"Any"</option>
                {all.iter().map(|v| view! { <option value=value(*v) selected=current == Some(*v)>{text(*v)}</option> }).collect_view()}
            </select>
        </div>
    }
}

fn filters(f: &QueueFilter, clinical: bool) -> impl IntoView {
    view! {
        <form method="post" action="/staff/queue" class="filters" aria-label="Filter the queue">
            <div class="field">
                <label for="search">"Name or reference"</label>
                <input id="search" name="search" type="search" value=f.search.clone().unwrap_or_default() maxlength="100" />
            </div>
            {clinical.then(|| select("outcome", "Outcome", Outcome::ALL, f.outcome, Outcome::as_str, outcome_label))}
            {select("status", "Status", WorkflowStatus::ALL, f.status, WorkflowStatus::as_str, status_label)}
            {select("plan", "Plan", Plan::ALL, f.plan, Plan::as_str, plan_label)}
            {select("verification", "Verification", VerificationStatus::ALL, f.verification, VerificationStatus::as_str, verification_label)}
            <div class="field">
                <label for="from">"Received from"</label>
                <input id="from" name="from" type="date" value=f.from.clone().unwrap_or_default() />
            </div>
            <div class="field">
                <label for="to">"Received to"</label>
                <input id="to" name="to" type="date" value=f.to.clone().unwrap_or_default() />
            </div>
            <div class="field">
                <label for="consult">"Consult"</label>
                <select id="consult" name="consult">
                    <option value="" selected=f.consult.is_none()>"Any"</option>
                    {ConsultFilter::ALL.into_iter().map(|c| view! { <option value=c.as_str() selected=f.consult == Some(c)>{c.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="sort">"Sort"</label>
                <select id="sort" name="sort">
                    {QueueSort::ALL.into_iter().map(|s| view! { <option value=s.as_str() selected=f.sort == s>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="actions">
                <button type="submit" class="button">"Apply"</button>
                <button type="submit" name="clear" value="1" class="button secondary">"Clear"</button>
            </div>
        </form>
    }
}

fn row(r: QueueRow, clinical: bool) -> impl IntoView {
    let href = format!("/staff/submissions/{}", r.reference);
    let class = match (r.pinned, r.priority) {
        (true, Priority::Emergency) => "pinned emergency",
        (true, _) => "pinned urgent",
        _ => "",
    };
    view! {
        <tr class=class data-testid="queue-row" data-reference=r.reference.clone()>
            // Each cell names its column, for the stacked layout on a phone (main.css).
            <td data-label="Reference"><a href=href>{r.reference.clone()}</a></td>
            <td data-label="Name">{r.name}</td>
            <td data-label="Age">{r.age}</td>
            {if clinical {
                view! {
                    <td data-label="Outcome">{r.outcome.map(outcome_label)}</td>
                    <td data-label="Safety">{r.safety_alert.unwrap_or(false).then_some(view! { <span class="badge alert">"Safety alert"</span> })}</td>
                }.into_any()
            } else {
                view! { <td data-label="Priority">{priority_label(r.priority)}</td> }.into_any()
            }}
            <td data-label="Plan">{plan_label(r.plan)}</td>
            <td data-label="Verification">{verification_label(r.verification)}</td>
            <td data-label="Status">{status_label(r.status)}</td>
            <td data-label="Received">{r.received}</td>
            <td data-label="Consult" data-testid="queue-consult">{r.consult.unwrap_or_default()}</td>
            <td data-label="Assignee">{r.assignee.unwrap_or_default()}</td>
        </tr>
    }
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let query = use_query_map();
    let at = move || {
        query
            .with(|q| (q.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1), q.get("after"), q.get("before")))
    };
    let data = Resource::new(at, |(page, after, before)| load_queue(page, after, before));
    view! {
        <Title text="Review queue" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                gated(data.await, |p| {
                    let clinical = p.me.role.sees_clinical();
                    let exports = p.me.role.exports_queue();
                    let (page, pages, total) = (p.page, p.pages, p.total);
                    let (next, previous) = (p.next.clone(), p.previous.clone());
                    view! {
                        <StaffFrame me=p.me.clone()>
                            <section class="page wide">
                                <h1>"Review queue"</h1>
                                {filters(&p.filter, clinical)}
                                <p class="summary" data-testid="queue-total">{if total == 1 { "1 submission".to_owned() } else { format!("{total} submissions") }}
                                    {exports.then(|| view! { <span>" · " <a href="/staff/export.csv" download>"Download CSV"</a></span> })}
                                </p>
                                <div class="table-scroll" tabindex="0" role="region" aria-label="Submissions">
                                <table class="queue">
                                    <caption class="visually-hidden">"Submissions, most urgent first"</caption>
                                    <thead><tr>
                                        <th scope="col">"Reference"</th>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Age"</th>
                                        {if clinical {
                                            view! { <th scope="col">"Outcome"</th><th scope="col">"Safety"</th> }.into_any()
                                        } else {
                                            view! { <th scope="col">"Priority"</th> }.into_any()
                                        }}
                                        <th scope="col">"Plan"</th>
                                        <th scope="col">"Verification"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col">"Received"</th>
                                        <th scope="col">"Consult"</th>
                                        <th scope="col">"Assignee"</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.rows.into_iter().map(|r| row(r, clinical)).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                                <nav class="pager" aria-label="Pages">
                                    {previous.map(|href| view! { <a href=href rel="prev">"Previous"</a> })}
                                    <span>{format!("Page {page} of {pages}")}</span>
                                    {next.map(|href| view! { <a href=href rel="next">"Next"</a> })}
                                </nav>
                            </section>
                        </StaffFrame>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}
