//! Consults in the staff portal (`booking.md`): the submission page's consult panel
//! (book, move, cancel, attended / no-show, approve self-booking), the page of free
//! times to book or move to, and the calendar (a day or a week).

use super::data::{load_calendar, load_staff_book};
use super::queue::verification_label;
use super::{gated, message_code, Flash, StaffFrame};
use crate::shared::staff::{CalendarView, ConsultView, SelfBooking, StaffBookView, StaffConsult};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The words of the consult posts' `?m=` codes: (text, is it an error).
pub fn flash(code: Option<&str>) -> Option<(&'static str, bool)> {
    Some(match code? {
        "consult-booked" => ("Consult booked.", false),
        "consult-cancelled" => ("Consult cancelled.", false),
        "consult-marked" => ("Consult marked.", false),
        "consult-approved" => {
            ("Online booking approved. The patient is e-mailed a booking link if they gave an address.", false)
        }
        "slot-taken" => ("That time is not free any more. Choose another.", true),
        "slot-outside" => ("That time is outside the consult hours or the bookable days.", true),
        "slot-choose" => ("Choose a time.", true),
        "already-booked" => ("This submission already has a consult: move it instead.", true),
        "consult-gone" => ("There is no upcoming consult to change.", true),
        "consult-closed" => ("This case is closed: reopen it before booking.", true),
        "consult-not-started" => ("A consult can be marked attended or missed once it has started.", true),
        "consult-bad-mark" => ("Choose attended or no-show.", true),
        "consult-no-approval" => ("Only a submission for clinician review needs approval to book online.", true),
        _ => return None,
    })
}

fn status_words(status: &str) -> &'static str {
    match status {
        "booked" => "Booked",
        "attended" => "Attended",
        "no_show" => "No-show",
        "cancelled" => "Cancelled",
        _ => "Unknown",
    }
}

fn consult_line(c: &ConsultView) -> impl IntoView {
    view! { <li>{c.when.clone()}" — "<span data-status=c.status.clone()>{status_words(&c.status)}</span></li> }
}

/// The consult panel of a submission page.
pub fn panel(base: &str, c: StaffConsult) -> AnyView {
    let self_booking = match &c.self_booking {
        SelfBooking::Open => view! { <p>"The patient can book online (consult recommended)."</p> }.into_any(),
        SelfBooking::Approved { by, at } => view! { <p>"Online booking approved by " {by.clone()} " on " {at.clone()} "."</p> }.into_any(),
        SelfBooking::NeedsApproval { can_approve: true } => view! {
            <form method="post" action=format!("{base}/consult/approve") class="inline">
                <p>"The patient can book online once a clinician approves it. "
                    <button type="submit" class="button secondary" data-testid="approve-booking">"Let the patient book online"</button></p>
            </form>
        }.into_any(),
        SelfBooking::NeedsApproval { can_approve: false } => view! { <p>"Online booking waits for a clinician's approval."</p> }.into_any(),
        SelfBooking::No => view! { <p>"The patient cannot book online; staff can book by phone."</p> }.into_any(),
    };
    let actions = c.upcoming.as_ref().filter(|_| c.can_book).map(|u| {
        let started = u.started;
        view! {
            <p class="actions">
                <a class="button secondary" href=format!("{base}/book") data-testid="move-consult">"Move"</a>" "
                <form method="post" action=format!("{base}/consult/cancel") class="inline">
                    <button type="submit" class="button secondary" data-testid="cancel-consult">"Cancel consult"</button>
                </form>
            </p>
            {started.then(|| view! {
                <form method="post" action=format!("{base}/consult/mark") class="inline" data-testid="mark-consult">
                    <button type="submit" name="outcome" value="attended" class="button secondary">"Attended"</button>" "
                    <button type="submit" name="outcome" value="no_show" class="button secondary">"No-show"</button>
                </form>
            })}
        }
    });
    let book = (c.upcoming.is_none() && c.can_book)
        .then(|| view! { <p><a class="button" href=format!("{base}/book") data-testid="book-consult">"Book a consult"</a></p> });
    view! {
        <section class="panel" id="consult" aria-labelledby="consult-h" data-testid="staff-consult">
            <h2 id="consult-h">"Consult"</h2>
            {match c.upcoming.clone() {
                Some(u) => view! { <p data-testid="upcoming-consult">"Booked: " <strong>{u.when}</strong></p> }.into_any(),
                None => view! { <p>"No consult booked."</p> }.into_any(),
            }}
            {actions}
            {book}
            {self_booking}
            {(!c.earlier.is_empty()).then(|| view! {
                <h3>"Earlier consults"</h3>
                <ul>{c.earlier.iter().map(consult_line).collect_view()}</ul>
            })}
        </section>
    }
    .into_any()
}

fn book_page(v: StaffBookView, code: Option<String>) -> AnyView {
    let (text, error) = flash(code.as_deref()).map(|(t, e)| (Some(t), e)).unwrap_or((None, false));
    let base = format!("/staff/submissions/{}", v.reference);
    let title = if v.moving.is_some() { "Move the consult" } else { "Book a consult" };
    let earlier = v.week.earlier.as_deref().map(|d| format!("{base}/book?week={d}"));
    let later = v.week.later.as_deref().map(|d| format!("{base}/book?week={d}"));
    view! {
        <StaffFrame me=v.me.clone()>
            <section class="page narrow" data-testid="staff-book">
                <h1>{title} " — " {v.reference.clone()}</h1>
                <Flash text=text error=error />
                {v.moving.clone().map(|when| view! { <p>"Now booked: " <strong>{when}</strong></p> })}
                <p class="hint">"Times are the clinic's local time. Staff can book from now on; patients online need the minimum notice."</p>
                {if v.week.days.is_empty() {
                    view! { <p data-testid="no-slots">"No free times these days."</p> }.into_any()
                } else {
                    view! {
                        <form method="post" action=format!("{base}/consult/book") class="slot-form">
                            {v.week.days.iter().map(|day| view! {
                                <fieldset class="slot-day">
                                    <legend>{day.day.en.clone()}</legend>
                                    <div class="slot-options">
                                        {day.slots.iter().map(|slot| view! {
                                            <label class="slot"><input type="radio" name="start" value=slot.start.clone() required /><span>{slot.time.en.clone()}</span></label>
                                        }).collect_view()}
                                    </div>
                                </fieldset>
                            }).collect_view()}
                            <button type="submit" class="button" data-testid="staff-book-submit">{if v.moving.is_some() { "Move to this time" } else { "Book this time" }}</button>
                        </form>
                    }.into_any()
                }}
                <nav class="slot-weeks" aria-label="Other weeks">
                    {earlier.map(|href| view! { <a href=href>"Earlier times"</a> })}
                    {later.map(|href| view! { <a href=href>"Later times"</a> })}
                </nav>
                <p><a href=format!("{base}#consult")>"Back to the submission"</a></p>
            </section>
        </StaffFrame>
    }
    .into_any()
}

/// `/staff/submissions/{reference}/book`.
#[component]
pub fn StaffBookPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let args = move || (params.with(|p| p.get("reference").unwrap_or_default()), query.with(|q| q.get("week")));
    let data = Resource::new(args, |(reference, week)| load_staff_book(reference, week));
    let code = message_code();
    view! {
        <Title text="Book a consult" />
        <Suspense fallback=|| ()>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                    gated(data.await, move |found| match found {
                        Some(v) => book_page(v, code),
                        None => view! { <section class="page narrow"><h1>"Not found"</h1><p>"There is no submission with this reference."</p></section> }.into_any(),
                    })
                })
            }}
        </Suspense>
    }
}

fn calendar_page(v: CalendarView) -> AnyView {
    let link = |view: &str, date: &str| format!("/staff/calendar?view={view}&date={date}");
    let other = if v.view == "week" { "day" } else { "week" };
    view! {
        <StaffFrame me=v.me.clone()>
            <section class="page wide" data-testid="calendar" data-view=v.view.clone()>
                <h1>"Consults"</h1>
                <nav class="slot-weeks" aria-label="Dates">
                    <a href=link(&v.view, &v.previous)>{if v.view == "week" { "Previous week" } else { "Previous day" }}</a>
                    <a href=link(other, &v.date)>{if other == "day" { "Show one day" } else { "Show the week" }}</a>
                    <a href=link(&v.view, &v.next)>{if v.view == "week" { "Next week" } else { "Next day" }}</a>
                </nav>
                {if v.days.is_empty() {
                    view! { <p data-testid="no-consults">"No consults booked from " {v.date.clone()} "."</p> }.into_any()
                } else {
                    v.days.into_iter().map(|day| view! {
                        <h2>{day.day}</h2>
                        <table class="queue">
                            <thead><tr><th scope="col">"Time"</th><th scope="col">"Reference"</th><th scope="col">"Name"</th><th scope="col">"Plan"</th><th scope="col">"Insurance"</th><th scope="col">"Consult"</th></tr></thead>
                            <tbody>
                                {day.rows.into_iter().map(|r| view! {
                                    <tr data-testid="calendar-row">
                                        <td data-label="Time">{r.time}</td>
                                        <td data-label="Reference"><a href=format!("/staff/submissions/{}", r.reference)>{r.reference.clone()}</a></td>
                                        <td data-label="Name">{r.name}</td>
                                        <td data-label="Plan">{r.plan}</td>
                                        <td data-label="Insurance" data-testid="calendar-insurance">
                                            {verification_label(r.verification)}
                                            {r.was.map(|was| view! {
                                                <strong class="changed">" (changed since booking: was " {verification_label(was)} ")"</strong>
                                            })}
                                        </td>
                                        <td data-label="Consult">{status_words(&r.status)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }).collect_view().into_any()
                }}
            </section>
        </StaffFrame>
    }
    .into_any()
}

/// `/staff/calendar?view=day|week&date=YYYY-MM-DD`.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || query.with(|q| (q.get("view"), q.get("date")));
    let data = Resource::new(args, |(view, date)| load_calendar(view, date));
    view! {
        <Title text="Consults" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { gated(data.await, calendar_page) })}
        </Suspense>
    }
}
