//! Sign-in pages: e-mail and password, the second factor, two-factor enrolment (QR code,
//! typed secret, then the recovery codes once), and accepting an invitation.

use super::data::{load_enrol, load_invitation};
use super::{gated, message_code, Flash};
use crate::shared::staff::{enrol_notice, notice, password_notice, CurrentProof, Refusal};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let code = message_code();
    let failed = matches!(code.as_deref(), Some("failed" | "limited" | "locked" | "invite"));
    view! {
        <Title text="Staff sign-in" />
        <section class="page narrow">
            <h1>"Staff sign-in"</h1>
            <Flash text=code.as_deref().and_then(notice) error=failed />
            <form method="post" action="/staff/sign-in" class="stack">
                <div class="field">
                    <label for="email">"E-mail"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required />
                </div>
                <button type="submit" class="button">"Sign in"</button>
            </form>
            <p class="hint">"Patients: this page is for clinic staff. " <a href="/intake">"Start the pre-screening"</a>" instead."</p>
        </section>
    }
}

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let code = message_code();
    view! {
        <Title text="Two-factor sign-in" />
        <section class="page narrow">
            <h1>"Two-factor sign-in"</h1>
            <Flash text=code.as_deref().and_then(notice) error=code.is_some() />
            <form method="post" action="/staff/two-factor" class="stack">
                <div class="field">
                    <label for="code">"Code from your authenticator app"</label>
                    <p class="hint" id="code-hint">"Six digits. Lost your phone? Enter one of your recovery codes instead."</p>
                    <input id="code" name="code" type="text" inputmode="text" autocomplete="one-time-code"
                        aria-describedby="code-hint" required maxlength="20" />
                </div>
                <button type="submit" class="button">"Continue"</button>
            </form>
        </section>
    }
}

#[component]
pub fn EnrolPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_enrol());
    let code = message_code();
    view! {
        <Title text="Set up two-factor sign-in" />
        <Suspense fallback=|| ()>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                    gated(page.await, move |p| {
                        if !p.recovery_codes.is_empty() {
                            return view! {
                                <section class="page narrow">
                                    <h1>"Save your recovery codes"</h1>
                                    <p>"Two-factor sign-in is on. If you lose your phone, each of these codes lets you sign in once. Print them or keep them in a password manager: they are shown only now."</p>
                                    <ul class="recovery-codes" data-testid="recovery-codes">
                                        {p.recovery_codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                                    </ul>
                                    <p><a class="button" href="/staff">"I saved them: go to the queue"</a></p>
                                </section>
                            }.into_any();
                        }
                        // Signed in, the form first asks again who this is (server: auth::enrol).
                        let current = p.current.map(|proof| {
                            let (label, hint) = match proof {
                                CurrentProof::Password => ("Your current password", "To confirm it is you."),
                                CurrentProof::PasswordOrCode => (
                                    "Your current password or code",
                                    "To confirm it is you: your password, or a six-digit code from the app you use now.",
                                ),
                            };
                            let invalid = matches!(code.as_deref(), Some("current" | "locked")).then_some("true");
                            view! {
                                <div class="field">
                                    <label for="current">{label}</label>
                                    <p class="hint" id="current-hint">{hint}</p>
                                    <input id="current" name="current" type="password" autocomplete="current-password"
                                        aria-describedby="current-hint" aria-invalid=invalid required maxlength="128" />
                                </div>
                            }
                        });
                        view! {
                            <section class="page narrow">
                                <h1>"Set up two-factor sign-in"</h1>
                                <Flash text=code.as_deref().and_then(enrol_notice) error=true />
                                <ol>
                                    <li>"Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or 1Password)."</li>
                                    <li>"Scan this code, or type the key below."</li>
                                    <li>"Enter the six-digit code the app shows."</li>
                                </ol>
                                <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=p.qr_svg></div>
                                <p>"Key: "<code data-testid="totp-secret">{p.secret}</code></p>
                                <form method="post" action="/staff/enrol" class="stack">
                                    {current}
                                    <div class="field">
                                        <label for="code">"Six-digit code"</label>
                                        <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="7" />
                                    </div>
                                    <button type="submit" class="button">"Turn on two-factor sign-in"</button>
                                </form>
                            </section>
                        }.into_any()
                    })
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = params.with_untracked(|p| p.get("token").unwrap_or_default());
    let action = format!("/staff/invite/{token}");
    let invitation = Resource::new(move || token.clone(), load_invitation);
    let code = message_code();
    view! {
        <Title text="Set your password" />
        <Suspense fallback=|| ()>
            {move || {
                let action = action.clone();
                let code = code.clone();
                Suspend::new(async move {
                    match invitation.await {
                        Ok(Some(name)) => view! {
                            <section class="page narrow">
                                <h1>"Welcome, " {name}</h1>
                                <Flash text=code.as_deref().and_then(password_notice) error=true />
                                <p>"Choose a password of at least 12 characters. A few unrelated words are strong and easy to remember."</p>
                                <form method="post" action=action class="stack">
                                    <div class="field">
                                        <label for="password">"New password"</label>
                                        <input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="128" />
                                    </div>
                                    <div class="field">
                                        <label for="confirm">"The same password again"</label>
                                        <input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="12" maxlength="128" />
                                    </div>
                                    <button type="submit" class="button">"Set password"</button>
                                </form>
                            </section>
                        }.into_any(),
                        Ok(None) => gated::<()>(Ok(Err(Refusal::SignIn)), |_| ().into_any()),
                        Err(e) => gated::<()>(Err(e), |_| ().into_any()),
                    }
                })
            }}
        </Suspense>
    }
}
