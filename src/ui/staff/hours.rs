//! The consult hours page (`/staff/hours`, admins; `booking.md`): a form per weekday
//! (ranges like `09:00-12:00,13:00-17:00`, empty for closed), the slot length and
//! capacity, closed dates (reopen, or close one) and one-off extra ranges. Plain forms
//! posting to `/staff/hours/…`; a refused value comes back beside its form with the
//! reason, as typed.

use super::data::load_hours;
use super::{gated, message_code, Flash, StaffFrame};
use crate::shared::staff::{HoursPage as Data, HoursProblem};
use leptos::prelude::*;
use leptos_meta::Title;

/// The reason a change was refused, shown at the top of its form.
fn problem_of(problem: &Option<HoursProblem>, form: &str) -> Option<impl IntoView> {
    problem.as_ref().filter(|p| p.form == form).map(|p| {
        view! { <p class="notice error-summary" role="alert" data-testid="hours-problem">"Not saved: " {p.message.clone()}</p> }
    })
}

/// What was typed in a refused form's field, else the stored value.
fn typed(problem: &Option<HoursProblem>, form: &str, field: &str, stored: String) -> String {
    problem.as_ref().and_then(|p| p.value(form, field)).unwrap_or(stored)
}

fn weekly(p: &Data) -> impl IntoView {
    let problem = p.problem.clone();
    view! {
        <section aria-labelledby="weekly-h">
            <h2 id="weekly-h">"Weekly hours"</h2>
            <p>"Ranges in the clinic's time, 24-hour clock with two digits, separated by commas: "
                <code>"09:00-12:00,13:00-17:00"</code>". Leave empty (or write none) to close the day."</p>
            {p.days.iter().map(|d| {
                let form = format!("day-{}", d.code);
                let input = format!("ranges-{}", d.code);
                let value = typed(&problem, &form, "ranges", d.ranges.clone());
                view! {
                    <form method="post" action="/staff/hours/day" class="panel hours-day" id=form.clone() data-testid="hours-day">
                        {problem_of(&problem, &form)}
                        <input type="hidden" name="weekday" value=d.code.clone() />
                        <div class="field">
                            <label for=input.clone()>{d.name.clone()}</label>
                            <input id=input name="ranges" type="text" value=value maxlength="200" autocomplete="off" spellcheck="false" />
                        </div>
                        <button type="submit" class="button secondary">{format!("Save {}", d.name)}</button>
                    </form>
                }
            }).collect_view()}
        </section>
    }
}

fn slots(p: &Data) -> impl IntoView {
    let problem = p.problem.clone();
    let minutes = typed(&problem, "slots", "slot_minutes", p.slot_minutes.to_string());
    let capacity = typed(&problem, "slots", "capacity", p.capacity.to_string());
    view! {
        <form method="post" action="/staff/hours/slots" class="panel" id="slots">
            <fieldset>
                <legend>"Slots"</legend>
                {problem_of(&problem, "slots")}
                <div class="field">
                    <label for="slot_minutes">"Slot length in minutes (5 to 240)"</label>
                    <input id="slot_minutes" name="slot_minutes" type="text" inputmode="numeric" value=minutes maxlength="6" />
                </div>
                <div class="field">
                    <label for="capacity">"Consults at once (1 to 20)"</label>
                    <input id="capacity" name="capacity" type="text" inputmode="numeric" value=capacity maxlength="6" />
                </div>
                <button type="submit" class="button secondary">"Save slots"</button>
            </fieldset>
        </form>
    }
}

fn closed(p: &Data) -> impl IntoView {
    let problem = p.problem.clone();
    let date = typed(&problem, "close", "date", String::new());
    view! {
        <section aria-labelledby="closed-h" id="closed">
            <h2 id="closed-h">"Closed dates"</h2>
            {problem_of(&problem, "closed")}
            {if p.closed.is_empty() {
                view! { <p data-testid="no-closed">"No closed dates ahead."</p> }.into_any()
            } else {
                view! {
                    <ul class="hours-list">
                        {p.closed.iter().map(|d| view! {
                            <li data-testid="closed-date">
                                <form method="post" action="/staff/hours/reopen" class="inline">
                                    {d.clone()}" "
                                    <input type="hidden" name="date" value=d.clone() />
                                    <button type="submit" class="button secondary" aria-label=format!("Reopen {d}")>"Reopen"</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form method="post" action="/staff/hours/close" class="panel" id="close">
                <fieldset>
                    <legend>"Close a date"</legend>
                    {problem_of(&problem, "close")}
                    <div class="field">
                        <label for="close-date">"Date"</label>
                        <input id="close-date" name="date" type="date" value=date min=p.today.clone() />
                    </div>
                    <button type="submit" class="button secondary">"Close this date"</button>
                </fieldset>
            </form>
        </section>
    }
}

fn extra(p: &Data) -> impl IntoView {
    let problem = p.problem.clone();
    let date = typed(&problem, "extra", "date", String::new());
    let ranges = typed(&problem, "extra", "ranges", String::new());
    view! {
        <section aria-labelledby="extra-h" id="extras">
            <h2 id="extra-h">"Extra hours"</h2>
            {problem_of(&problem, "extras")}
            {if p.extra.is_empty() {
                view! { <p data-testid="no-extra">"No extra hours ahead."</p> }.into_any()
            } else {
                view! {
                    <ul class="hours-list">
                        {p.extra.iter().map(|e| view! {
                            <li data-testid="extra-date">
                                <form method="post" action="/staff/hours/extra/clear" class="inline">
                                    {e.date.clone()}" "{e.ranges.clone()}" "
                                    <input type="hidden" name="date" value=e.date.clone() />
                                    <button type="submit" class="button secondary" aria-label=format!("Remove the extra hours of {}", e.date)>"Remove"</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form method="post" action="/staff/hours/extra" class="panel" id="extra">
                <fieldset>
                    <legend>"Add extra hours on a date"</legend>
                    {problem_of(&problem, "extra")}
                    <p>"A closed date is reopened."</p>
                    <div class="field">
                        <label for="extra-date">"Date"</label>
                        <input id="extra-date" name="date" type="date" value=date min=p.today.clone() />
                    </div>
                    <div class="field">
                        <label for="extra-ranges">"Ranges, like 08:00-09:00"</label>
                        <input id="extra-ranges" name="ranges" type="text" value=ranges maxlength="200" autocomplete="off" spellcheck="false" />
                    </div>
                    <button type="submit" class="button secondary">"Add extra hours"</button>
                </fieldset>
            </form>
        </section>
    }
}

#[component]
pub fn HoursPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_hours());
    let code = message_code();
    view! {
        <Title text="Consult hours" />
        <Suspense fallback=|| ()>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                    gated(data.await, move |p| {
                        let (text, error) = match code.as_deref() {
                            Some("hours-saved") => (Some("Saved."), false),
                            // The reason is beside the form; this is for a page without it.
                            Some("hours-bad") if p.problem.is_none() => (Some("Not saved: check the value and try again."), true),
                            _ => (None, false),
                        };
                        let weekday_problem = problem_of(&p.problem, "hours");
                        view! {
                            <StaffFrame me=p.me.clone()>
                                <section class="page wide">
                                    <h1>"Consult hours"</h1>
                                    <Flash text=text error=error />
                                    {weekday_problem}
                                    <p>"The times patients and staff can book consults, in the clinic's time zone."</p>
                                    {weekly(&p)}
                                    {slots(&p)}
                                    {closed(&p)}
                                    {extra(&p)}
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
