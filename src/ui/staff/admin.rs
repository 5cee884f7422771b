//! Accounts (admins: invite, roles, disable and enable), the audit log (admins: filters
//! and the hash-chain check), and the signed-in user's own account (password, two-factor,
//! sign out everywhere).

use super::data::{load_account, load_audit, load_users};
use super::{gated, message_code, Flash, StaffFrame};
use crate::domain::staff::Role;
use crate::shared::staff::{password_notice, AccountRow, AuditFilter};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn role_label(r: Role) -> &'static str {
    match r {
        Role::Admin => "Admin",
        Role::Clinician => "Clinician",
        Role::FrontDesk => "Front desk",
    }
}

fn users_flash(code: Option<&str>) -> (Option<&'static str>, bool) {
    match code {
        Some("invited") => (
            Some("Invitation created. Give the link below to the new staff member; it works once, for 72 hours."),
            false,
        ),
        Some("saved") => (Some("Saved."), false),
        Some("duplicate") => (Some("An account with this e-mail already exists."), true),
        Some("bad-email") => (Some("Enter a valid e-mail address."), true),
        Some("bad-name") => {
            (Some("Enter a name of 1 to 100 characters, without ~ * : ^ or hidden formatting characters."), true)
        }
        Some("bad-role") => (Some("Choose a role."), true),
        Some("last-admin") => (Some("That would leave no active administrator (or disable your own account)."), true),
        _ => (None, false),
    }
}

fn role_options(current: Option<Role>) -> impl IntoView {
    Role::ALL
        .iter()
        .map(|r| view! { <option value=r.as_str() selected=current == Some(*r)>{role_label(*r)}</option> })
        .collect_view()
}

fn account_row(u: AccountRow) -> impl IntoView {
    let base = format!("/staff/users/{}", u.id);
    let label_id = format!("role-{}", u.id);
    let state = if u.disabled {
        "Disabled"
    } else if u.invited {
        "Invited"
    } else if u.two_factor {
        "Active, two-factor on"
    } else {
        "Active"
    };
    view! {
        <tr data-testid="user-row" data-email=u.email.clone()>
            <td>{u.name.clone()}</td>
            <td>{u.email.clone()}</td>
            <td>
                <form method="post" action=format!("{base}/role") class="inline-form">
                    <label class="visually-hidden" for=label_id.clone()>{format!("Role of {}", u.name)}</label>
                    <select id=label_id name="role">{role_options(Some(u.role))}</select>
                    <button type="submit" class="button secondary small">"Change role"</button>
                </form>
            </td>
            <td>{state}</td>
            <td>
                {if u.disabled {
                    view! { <form method="post" action=format!("{base}/enable") class="inline"><button type="submit" class="button secondary small">"Enable"</button></form> }.into_any()
                } else {
                    view! { <form method="post" action=format!("{base}/disable") class="inline"><button type="submit" class="button secondary small">"Disable"</button></form> }.into_any()
                }}
                {u.invited.then(|| view! { <form method="post" action=format!("{base}/invite") class="inline"><button type="submit" class="button secondary small">"New invitation link"</button></form> })}
            </td>
        </tr>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_users());
    let code = message_code();
    view! {
        <Title text="Staff accounts" />
        <Suspense fallback=|| ()>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                    gated(data.await, move |p| {
                        let (text, error) = users_flash(code.as_deref());
                        view! {
                            <StaffFrame me=p.me.clone()>
                                <section class="page wide">
                                    <h1>"Staff accounts"</h1>
                                    <Flash text=text error=error />
                                    {p.new_invite.map(|(email, link)| view! {
                                        <p class="notice">"Invitation link for " {email} ": " <code data-testid="invite-link">{link}</code></p>
                                    })}
                                    <div class="table-scroll" tabindex="0" role="region" aria-label="Staff accounts">
                                    <table>
                                        <caption class="visually-hidden">"Staff accounts"</caption>
                                        <thead><tr><th scope="col">"Name"</th><th scope="col">"E-mail"</th><th scope="col">"Role"</th><th scope="col">"State"</th><th scope="col">"Actions"</th></tr></thead>
                                        <tbody>{p.users.into_iter().map(account_row).collect_view()}</tbody>
                                    </table>
                                    </div>
                                    <h2>"Invite a staff member"</h2>
                                    <form method="post" action="/staff/users" class="stack narrow-form">
                                        <div class="field"><label for="invite-name">"Name"</label><input id="invite-name" name="name" required maxlength="100" /></div>
                                        <div class="field"><label for="invite-email">"E-mail"</label><input id="invite-email" name="email" type="email" required /></div>
                                        <div class="field"><label for="invite-role">"Role"</label><select id="invite-role" name="role">{role_options(None)}</select></div>
                                        <button type="submit" class="button">"Create invitation"</button>
                                    </form>
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

fn audit_filters(f: &AuditFilter, actions: &[String]) -> impl IntoView {
    view! {
        <form method="post" action="/staff/audit" class="filters" aria-label="Filter the audit log">
            <div class="field">
                <label for="action">"Action"</label>
                <select id="action" name="action">
                    <option value="" selected=f.action.is_none()>"Any"</option>
                    {actions.iter().map(|a| view! { <option value=a.clone() selected=f.action.as_deref() == Some(a.as_str())>{a.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field"><label for="actor">"Staff e-mail contains"</label><input id="actor" name="actor" value=f.actor.clone().unwrap_or_default() /></div>
            <div class="field"><label for="target">"Record (reference or e-mail)"</label><input id="target" name="target" value=f.target.clone().unwrap_or_default() /></div>
            <div class="field"><label for="from">"From (UTC date)"</label><input id="from" name="from" type="date" value=f.from.clone().unwrap_or_default() /></div>
            <div class="field"><label for="to">"To (UTC date)"</label><input id="to" name="to" type="date" value=f.to.clone().unwrap_or_default() /></div>
            <div class="actions">
                <button type="submit" class="button">"Apply"</button>
                <button type="submit" name="clear" value="1" class="button secondary">"Clear"</button>
            </div>
        </form>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let page_no = move || query.with(|q| q.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1));
    let data = Resource::new(page_no, load_audit);
    view! {
        <Title text="Audit log" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                gated(data.await, |p| {
                    let (page, pages) = (p.page, p.pages);
                    let chain_class = if p.chain_ok { "notice success" } else { "notice error-summary" };
                    view! {
                        <StaffFrame me=p.me.clone()>
                            <section class="page wide">
                                <h1>"Audit log"</h1>
                                <p class=chain_class data-testid="chain">{p.chain.clone()}</p>
                                {audit_filters(&p.filter, &p.actions)}
                                <p>{format!("{} entries", p.total)}</p>
                                <div class="table-scroll" tabindex="0" role="region" aria-label="Audit log entries">
                                <table class="audit">
                                    <caption class="visually-hidden">"Audit entries, newest first"</caption>
                                    <thead><tr><th scope="col">"#"</th><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th><th scope="col">"Record"</th><th scope="col">"Detail"</th><th scope="col">"From"</th><th scope="col">"Request"</th></tr></thead>
                                    <tbody>
                                        {p.rows.into_iter().map(|r| view! {
                                            <tr data-testid="audit-row" data-action=r.action.clone()>
                                                <td>{r.seq}</td><td>{r.at}</td><td>{r.actor}</td><td>{r.action.clone()}</td>
                                                <td>{r.target}</td><td>{r.detail}</td><td>{r.client}</td><td><code>{r.request_id}</code></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                                <nav class="pager" aria-label="Pages">
                                    {(page > 1).then(|| view! { <a href=format!("/staff/audit?page={}", page - 1)>"Previous"</a> })}
                                    <span>{format!("Page {page} of {pages}")}</span>
                                    {(page < pages).then(|| view! { <a href=format!("/staff/audit?page={}", page + 1)>"Next"</a> })}
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

#[component]
pub fn AccountPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_account());
    let code = message_code();
    view! {
        <Title text="My account" />
        <Suspense fallback=|| ()>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                    gated(data.await, move |p| view! {
                        <StaffFrame me=p.me.clone()>
                            <section class="page narrow">
                                <h1>"My account"</h1>
                                <p>{p.me.name.clone()}" · "{p.me.email.clone()}</p>
                                <h2>"Change password"</h2>
                                <Flash text=code.as_deref().and_then(password_notice) error=true />
                                <form method="post" action="/staff/password" class="stack">
                                    <div class="field"><label for="current">"Current password"</label><input id="current" name="current" type="password" autocomplete="current-password" required /></div>
                                    <div class="field"><label for="new">"New password (12 characters or more)"</label><input id="new" name="new" type="password" autocomplete="new-password" required minlength="12" maxlength="128" /></div>
                                    <div class="field"><label for="confirm">"New password again"</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="12" maxlength="128" /></div>
                                    <button type="submit" class="button">"Change password"</button>
                                </form>
                                <p class="hint">"Changing your password signs you out everywhere."</p>
                                <h2>"Two-factor sign-in"</h2>
                                <p>{if p.two_factor { format!("On. {} recovery codes left.", p.recovery_codes_left) } else { "Off.".to_owned() }}</p>
                                <p><a class="button secondary" href="/staff/enrol">{if p.two_factor { "Move to a new phone (new codes)" } else { "Turn on" }}</a></p>
                                <h2>"Sessions"</h2>
                                <form method="post" action="/staff/sign-out-everywhere">
                                    <button type="submit" class="button secondary">"Sign out everywhere"</button>
                                </form>
                            </section>
                        </StaffFrame>
                    }.into_any())
                })
            }}
        </Suspense>
    }
}
