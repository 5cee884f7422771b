//! The staff portal over HTTP, in process: accounts and the audit trail. Ending sessions
//! (disabling a user, signing out here or everywhere, sessions shared by app instances,
//! changing the password), the audit trail and its tamper check, invitations, and the
//! purge of expired sessions. Requirements: reference/security.md and the staff portal
//! issue.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::http::StatusCode;
use common::staff::*;
use common::*;
use pain_intake::server::db::{text_in, Backend};
use pain_intake::server::staff::audit::{self, ChainProblem};
use sqlx::Row;

// ---------------------------------------------------------------------------------
// Helpers of this file
// ---------------------------------------------------------------------------------

/// The `data-action` of each audit row on the audit page, newest first.
fn audit_page_actions(html: &str) -> Vec<String> {
    row_attributes(html, "audit-row", "data-action")
}

// ---------------------------------------------------------------------------------
// 9. Ending sessions
// ---------------------------------------------------------------------------------

on_both_databases! {
    async fn disabling_a_user_ends_their_sessions(backend) {
        let (app, admin, clinician, _desk, _) = portal(backend).await;
        let a = app.sign_in(&admin).await;
        let c = app.sign_in(&clinician).await;
        assert_eq!(app.get_with("/staff", &c).await.status, StatusCode::OK);
        assert_redirect(&app.post_form(&format!("/staff/users/{}/disable", clinician.id), &a, &[]).await, "/staff/users?m=saved", "disable");
        assert_redirect(&app.get_with("/staff", &c).await, "/staff/sign-in", "disabled user's session");
        assert_redirect(&app.password_step(&clinician.email, PASSWORD).await, "/staff/sign-in?m=failed", "disabled sign-in");
        // The users page says so, and enabling lets them back in.
        let users = app.get_with("/staff/users", &a).await.text();
        assert!(users.contains("Disabled"));
        assert_redirect(&app.post_form(&format!("/staff/users/{}/enable", clinician.id), &a, &[]).await, "/staff/users?m=saved", "enable");
        assert_redirect(&app.password_step(&clinician.email, PASSWORD).await, "/staff/two-factor", "enabled sign-in");
        assert_eq!(app.get_with("/staff", &a).await.status, StatusCode::OK, "the admin is still signed in");
    }

    async fn signing_out_everywhere_ends_every_session_of_the_account(backend) {
        let (app, admin, clinician, _desk, _) = portal(backend).await;
        let a = app.sign_in(&admin).await;
        let c1 = app.sign_in(&clinician).await;
        let c2 = app.sign_in(&clinician).await;
        assert_ne!(c1, c2);
        assert_eq!(app.get_with("/staff", &c2).await.status, StatusCode::OK);
        assert_redirect(&app.post_form("/staff/sign-out-everywhere", &c1, &[]).await, "/staff/sign-in?m=signed-out", "everywhere");
        assert_redirect(&app.get_with("/staff", &c2).await, "/staff/sign-in", "the other session");
        assert_redirect(&app.get_with("/staff", &c1).await, "/staff/sign-in", "this session");
        assert_eq!(app.get_with("/staff", &a).await.status, StatusCode::OK, "another account");
        assert!(audit_actions(&app.db).await.contains(&"sign_out_everywhere".to_owned()));
    }

    async fn sessions_live_in_the_database_so_every_app_instance_shares_them(backend) {
        let (app, _admin, clinician, _desk, _) = portal(backend).await;
        let other = app.twin();
        // Password on one instance, code on the other.
        let half = session_cookie(&app.password_step(&clinician.email, PASSWORD).await).unwrap();
        let code = app.next_code(&clinician).await;
        let reply = other.post_form("/staff/two-factor", &half, &[("code", &code)]).await;
        assert_redirect(&reply, "/staff", "second factor on the other instance");
        let cookie = session_cookie(&reply).unwrap();
        assert_eq!(app.get_with("/staff", &cookie).await.status, StatusCode::OK);
        assert_eq!(other.get_with("/staff", &cookie).await.status, StatusCode::OK);
        // A used code is used on every instance.
        let again = session_cookie(&other.password_step(&clinician.email, PASSWORD).await).unwrap();
        assert_redirect(&app.post_form("/staff/two-factor", &again, &[("code", &code)]).await, "/staff/two-factor?m=code", "replay elsewhere");
        // Signing out on one ends the session on both.
        other.post_form("/staff/sign-out", &cookie, &[]).await;
        assert_redirect(&app.get_with("/staff", &cookie).await, "/staff/sign-in", "signed out elsewhere");
    }
}

#[tokio::test]
async fn signing_out_ends_this_session_only() {
    let (app, _admin, clinician, _desk, _) = portal(Backend::Sqlite).await;
    let c1 = app.sign_in(&clinician).await;
    let c2 = app.sign_in(&clinician).await;
    let reply = app.post_form("/staff/sign-out", &c1, &[]).await;
    assert_redirect(&reply, "/staff/sign-in?m=signed-out", "sign out");
    assert!(
        reply.header("set-cookie").contains("Max-Age=0") || reply.header("set-cookie").contains("1970"),
        "cookie removed: {}",
        reply.header("set-cookie")
    );
    assert_redirect(&app.get_with("/staff", &c1).await, "/staff/sign-in", "signed out");
    assert_eq!(app.get_with("/staff", &c2).await.status, StatusCode::OK);
}

on_both_databases! {
    async fn changing_the_password_checks_the_policy_and_ends_every_session(backend) {
        let (app, _admin, _clinician, desk, _) = portal(backend).await;
        let f1 = app.sign_in(&desk).await;
        let f2 = app.sign_in(&desk).await;
        let new = "violet harbour lanterns drift";
        for (current, n, confirm, code) in [
            ("not my password", new, new, "wrong"),
            (PASSWORD, new, "something else entirely", "mismatch"),
            (PASSWORD, "too short", "too short", "too-short"),
            (PASSWORD, "1qaz2wsx3edc", "1qaz2wsx3edc", "common"),
        ] {
            let reply = app.post_form("/staff/password", &f1, &[("current", current), ("new", n), ("confirm", confirm)]).await;
            assert_redirect(&reply, &format!("/staff/account?m={code}"), code);
        }
        let page = app.get_with("/staff/account?m=common", &f1).await.text();
        assert!(page.contains("one of the most common ones"));
        assert_eq!(app.get_with("/staff", &f2).await.status, StatusCode::OK, "refused changes end nothing");

        let reply = app.post_form("/staff/password", &f1, &[("current", PASSWORD), ("new", new), ("confirm", new)]).await;
        assert_redirect(&reply, "/staff/sign-in?m=password-changed", "changed");
        assert_redirect(&app.get_with("/staff", &f1).await, "/staff/sign-in", "this session");
        assert_redirect(&app.get_with("/staff", &f2).await, "/staff/sign-in", "the other session");
        assert_redirect(&app.password_step(&desk.email, PASSWORD).await, "/staff/sign-in?m=failed", "old password");
        assert_redirect(&app.password_step(&desk.email, new).await, "/staff/two-factor", "new password");
        assert!(audit_actions(&app.db).await.contains(&"password_changed".to_owned()));
    }
}

on_both_databases! {
    async fn wrong_current_passwords_count_like_sign_in_failures(backend) {
        // A stolen session must not be a way to guess the password without limit
        // (issue 15, item 7): the same per-address limit, per-account wait and audit as
        // the sign-in form.
        let (app, _admin, _clinician, desk, _) = portal(backend).await;
        let session = app.sign_in(&desk).await;
        let hash_before = stored_column(&app, desk.id, "password_hash").await;
        let new = "violet harbour lanterns drift";
        let (here, elsewhere) = ("198.51.100.20", "198.51.100.21");
        within_one_rate_window(10).await;
        for attempt in 1..=5 {
            let form = [("current", "a wrong guess of it"), ("new", new), ("confirm", new)];
            let reply = app.send(form_request_from("/staff/password", &session, &form, here)).await;
            assert_redirect(&reply, "/staff/account?m=wrong", &format!("guess {attempt}"));
        }
        assert_eq!(failures_of(&app, desk.id).await, (5, true), "counted against the account, which now waits");
        // The first waits last a second; this one must outlast the checks below.
        sqlx::query("UPDATE users SET locked_until = $2 WHERE id = $1").bind(desk.id).bind(text_in(600)).execute(&app.db.pool).await.unwrap();
        let details = audit_details(&app.db, "reauth_failed").await;
        assert_eq!(details, vec!["password change: wrong current password"; 5]);

        // The sixth try from that address is refused before anything is checked.
        let right = [("current", PASSWORD), ("new", new), ("confirm", new)];
        let reply = app.send(form_request_from("/staff/password", &session, &right, here)).await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{}", reply.text());
        assert!((1..=60).contains(&reply.header("retry-after").parse::<u64>().expect("Retry-After")));
        // From another address, the account's wait refuses even the right password, and
        // the page says why.
        let reply = app.send(form_request_from("/staff/password", &session, &right, elsewhere)).await;
        assert_redirect(&reply, "/staff/account?m=locked", "right password while the account waits");
        let page = app.get_with("/staff/account?m=locked", &session).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("Too many failed attempts for this account."), "{}", page.text());
        assert_eq!(stored_column(&app, desk.id, "password_hash").await, hash_before, "nothing changed");
        assert_eq!(audit_details(&app.db, "reauth_failed").await.last().unwrap(), "password change: account waiting after repeated failures");
        // The wait is the account's, so it holds the sign-in form too.
        assert_redirect(&app.password_step(&desk.email, PASSWORD).await, "/staff/sign-in?m=failed", "sign-in while waiting");

        // Once the wait is over, the right password changes it.
        sqlx::query("UPDATE users SET locked_until = $2 WHERE id = $1").bind(desk.id).bind(text_in(-5)).execute(&app.db.pool).await.unwrap();
        let reply = app.send(form_request_from("/staff/password", &session, &right, elsewhere)).await;
        assert_redirect(&reply, "/staff/sign-in?m=password-changed", "after the wait");
        assert_ne!(stored_column(&app, desk.id, "password_hash").await, hash_before);
    }
}

// ---------------------------------------------------------------------------------
// 14. The audit trail
// ---------------------------------------------------------------------------------

on_both_databases! {
    async fn staff_work_is_audited_and_tampering_shows(backend) {
        let (app, admin, clinician, desk, reference) = portal(backend).await;
        let sub = format!("/staff/submissions/{reference}");
        app.password_step(&clinician.email, "wrong password here").await;
        app.password_step("nobody@clinic.test", "whatever it is").await;
        let c = app.sign_in(&clinician).await;
        app.get_with(&sub, &c).await;
        let client = "203.0.113.77";
        app.send(form_request_from(&format!("{sub}/status"), &c, &[("from", "new"), ("to", "in_review")], client)).await;
        app.post_form(&format!("{sub}/notes"), &c, &[("body", "hello")]).await;
        app.post_form(&format!("{sub}/assign"), &c, &[("assignee", &clinician.id.to_string())]).await;
        app.get_with(&format!("{sub}/fhir"), &c).await;
        let a = app.sign_in(&admin).await;
        app.get_with("/staff/export.csv", &a).await;
        app.post_form("/staff/users", &a, &[("email", "nora@clinic.test"), ("name", "Nora"), ("role", "clinician")]).await;
        app.post_form(&format!("/staff/users/{}/role", desk.id), &a, &[("role", "clinician")]).await;
        app.post_form(&format!("/staff/users/{}/disable", desk.id), &a, &[]).await;
        app.post_form(&format!("/staff/users/{}/enable", desk.id), &a, &[]).await;
        app.post_form("/staff/sign-out", &c, &[]).await;

        let actions = audit_actions(&app.db).await;
        for wanted in ["sign_in_failed", "sign_in", "view_submission", "change_status", "add_note", "assign", "export_fhir",
                       "export_csv", "user_invited", "role_changed", "user_disabled", "user_enabled", "sign_out"] {
            assert!(actions.contains(&wanted.to_owned()), "{wanted} not in {actions:?}");
        }
        assert_eq!(actions.iter().filter(|a| *a == "sign_in_failed").count(), 2);
        let row = sqlx::query("SELECT actor, actor_id, target, client, detail, request_id FROM audit_log WHERE action = 'change_status'")
            .fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(row.try_get::<String, _>("actor").unwrap(), clinician.email);
        assert_eq!(row.try_get::<Option<i64>, _>("actor_id").unwrap(), Some(clinician.id));
        assert_eq!(row.try_get::<String, _>("target").unwrap(), reference.replace('-', ""));
        assert_eq!(row.try_get::<String, _>("client").unwrap(), client);
        assert_eq!(row.try_get::<String, _>("detail").unwrap(), "new -> in_review");
        assert_eq!(row.try_get::<String, _>("request_id").unwrap().len(), 36, "the request id");
        let role: String = sqlx::query("SELECT detail FROM audit_log WHERE action = 'role_changed'").fetch_one(&app.db.pool).await.unwrap().try_get("detail").unwrap();
        assert_eq!(role, "front_desk -> clinician");
        assert!(audit::verify(&app.db).await.unwrap().is_ok());

        let page = app.get_with("/staff/audit", &a).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(testid_text(&html, "chain").unwrap().starts_with("Chain verified:"), "{:?}", testid_text(&html, "chain"));
        assert_eq!(audit_page_actions(&html)[0], "view_audit", "the view itself is audited, newest first");
        // The filter narrows the list.
        assert_redirect(&app.post_form("/staff/audit", &a, &[("action", "export_csv")]).await, "/staff/audit", "filter");
        let filtered = audit_page_actions(&app.get_with("/staff/audit", &a).await.text());
        assert_eq!(filtered, ["export_csv"]);

        // Someone with database access edits an entry: the page and verify say so.
        let statements: &[&str] = match backend {
            Backend::Sqlite => &["DROP TRIGGER audit_log_no_update"],
            Backend::Postgres => &["DROP TRIGGER audit_log_no_change ON audit_log"],
        };
        for sql in statements {
            sqlx::query(sql).execute(&app.db.pool).await.unwrap();
        }
        sqlx::query("UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 2").execute(&app.db.pool).await.unwrap();
        let verification = audit::verify(&app.db).await.unwrap();
        assert_eq!(verification.problem, Some(ChainProblem::HashMismatch { seq: 2 }));
        let html = app.get_with("/staff/audit", &a).await.text();
        let chain = testid_text(&html, "chain").unwrap();
        assert!(chain.starts_with("Chain broken:") && chain.contains("entry 2 was altered"), "{chain}");
    }
}

// ---------------------------------------------------------------------------------
// 15. Invitations
// ---------------------------------------------------------------------------------

on_both_databases! {
    async fn an_invitation_link_sets_a_password_once_then_sign_in_leads_to_enrolment(backend) {
        let app = spawn(backend).await;
        let (admin, _clinician, _desk) = create_team(&app).await;
        let a = app.sign_in(&admin).await;
        for (pairs, code) in [
            (vec![("email", "not-an-email"), ("name", "Nora"), ("role", "clinician")], "bad-email"),
            (vec![("email", "nora@clinic.test"), ("name", ""), ("role", "clinician")], "bad-name"),
            (vec![("email", "nora@clinic.test"), ("name", "Nora"), ("role", "superuser")], "bad-role"),
            (vec![("email", "CLEO@clinic.test"), ("name", "Cleo again"), ("role", "clinician")], "duplicate"),
        ] {
            assert_redirect(&app.post_form("/staff/users", &a, &pairs).await, &format!("/staff/users?m={code}"), code);
        }
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM invitations").await, 0);

        assert_redirect(&app.post_form("/staff/users", &a, &[("email", " Nora@Clinic.test "), ("name", "Nora New"), ("role", "clinician")]).await,
                        "/staff/users?m=invited", "invite");
        let html = app.get_with("/staff/users", &a).await.text();
        let link = testid_text(&html, "invite-link").expect("the link, once");
        let token = link.strip_prefix("http://127.0.0.1:3000/staff/invite/").unwrap_or_else(|| panic!("{link}")).to_owned();
        assert_eq!(token.len(), 64);
        assert!(visible(&html).contains("Invitation link for nora@clinic.test"));
        assert!(testid_text(&app.get_with("/staff/users", &a).await.text(), "invite-link").is_none(), "shown only once");
        let stored: String = sqlx::query("SELECT token_hash FROM invitations").fetch_one(&app.db.pool).await.unwrap().try_get("token_hash").unwrap();
        assert_ne!(stored, token, "only a hash is stored");
        // Invited, not yet able to sign in.
        assert_redirect(&app.password_step("nora@clinic.test", "").await, "/staff/sign-in?m=failed", "invited sign-in");

        let path = format!("/staff/invite/{token}");
        let page = app.get_with(&path, "").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(visible(&page.text()).contains("Welcome, Nora New"), "{}", page.text());
        for (password, confirm, code, message) in [
            ("short one", "short one", "too-short", "Use at least 12 characters."),
            ("1qaz2wsx3edc", "1qaz2wsx3edc", "common", "one of the most common ones"),
            (&"long words ".repeat(12), &"long words ".repeat(12), "too-long", "Use at most 128 characters."),
            ("a fine long passphrase", "a different passphrase", "mismatch", "The two new passwords are not the same."),
        ] {
            let reply = app.post_form(&path, "", &[("password", password), ("confirm", confirm)]).await;
            assert_redirect(&reply, &format!("{path}?m={code}"), code);
            assert!(app.get_with(&format!("{path}?m={code}"), "").await.text().contains(message), "{code}");
        }
        let chosen = "a fine long passphrase";
        assert_redirect(&app.post_form(&path, "", &[("password", chosen), ("confirm", chosen)]).await, "/staff/sign-in?m=welcome", "accepted");
        assert_redirect(&app.post_form(&path, "", &[("password", "another long passphrase"), ("confirm", "another long passphrase")]).await,
                        "/staff/sign-in?m=invite", "used twice");
        assert!(!app.get_with(&path, "").await.text().contains("Welcome"), "the used link shows no form");

        let reply = app.password_step("nora@clinic.test", chosen).await;
        assert_redirect(&reply, "/staff/enrol", "first sign-in");
        let role: String = sqlx::query("SELECT role FROM users WHERE email = 'nora@clinic.test'").fetch_one(&app.db.pool).await.unwrap().try_get("role").unwrap();
        assert_eq!(role, "clinician");
        let actions = audit_actions(&app.db).await;
        assert!(actions.contains(&"user_invited".to_owned()) && actions.contains(&"invitation_accepted".to_owned()));

        // Made-up and malformed tokens.
        for bad in ["0".repeat(64), "nothex".into(), "x".repeat(500)] {
            let reply = app.post_form(&format!("/staff/invite/{bad}"), "", &[("password", chosen), ("confirm", chosen)]).await;
            assert_redirect(&reply, "/staff/sign-in?m=invite", &bad);
        }
    }
}

#[tokio::test]
async fn a_new_invitation_link_replaces_a_lost_one() {
    let (app, admin, _c, _d, _) = portal(Backend::Sqlite).await;
    let a = app.sign_in(&admin).await;
    app.post_form("/staff/users", &a, &[("email", "nora@clinic.test"), ("name", "Nora"), ("role", "front_desk")]).await;
    app.get_with("/staff/users", &a).await; // the first link, lost
    let id: i64 = sqlx::query("SELECT id FROM users WHERE email = 'nora@clinic.test'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    assert_redirect(
        &app.post_form(&format!("/staff/users/{id}/invite"), &a, &[]).await,
        "/staff/users?m=invited",
        "new link",
    );
    let link = testid_text(&app.get_with("/staff/users", &a).await.text(), "invite-link").unwrap();
    let path = link.trim_start_matches("http://127.0.0.1:3000").to_owned();
    let chosen = "a fine long passphrase";
    assert_redirect(
        &app.post_form(&path, "", &[("password", chosen), ("confirm", chosen)]).await,
        "/staff/sign-in?m=welcome",
        "accepted",
    );
    // A link past its 72 hours does not work.
    app.post_form("/staff/users", &a, &[("email", "otto@clinic.test"), ("name", "Otto"), ("role", "front_desk")]).await;
    let link = testid_text(&app.get_with("/staff/users", &a).await.text(), "invite-link").unwrap();
    sqlx::query("UPDATE invitations SET expires_at = $1 WHERE used_at IS NULL")
        .bind(text_in(-1))
        .execute(&app.db.pool)
        .await
        .unwrap();
    let path = link.trim_start_matches("http://127.0.0.1:3000").to_owned();
    assert_redirect(
        &app.post_form(&path, "", &[("password", chosen), ("confirm", chosen)]).await,
        "/staff/sign-in?m=invite",
        "expired link",
    );
    assert!(!visible(&app.get_with(&path, "").await.text()).contains("Welcome, Otto"));
    // An account with a password gets no invitation link.
    assert_eq!(app.post_form(&format!("/staff/users/{id}/invite"), &a, &[]).await.status, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------
// Retention: ended sessions do not stay in the database
// ---------------------------------------------------------------------------------

on_both_databases! {
    async fn expired_sessions_are_purged(backend) {
        let app = spawn(backend).await;
        let (_admin, clinician, _desk) = create_team(&app).await;
        let cookie = app.sign_in(&clinician).await;
        let table = match backend { Backend::Sqlite => "tower_sessions", Backend::Postgres => "tower_sessions.session" };
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        assert!(app.count(&sql).await >= 1);
        // What the server's minute task runs: a live session stays...
        app.db.sessions.purge_expired().await.unwrap();
        assert!(app.count(&sql).await >= 1);
        assert_eq!(app.get_with("/staff", &cookie).await.status, StatusCode::OK);
        // ...and one past its expiry is deleted.
        let past = match backend {
            Backend::Sqlite => format!("UPDATE {table} SET expiry_date = 1"),
            Backend::Postgres => format!("UPDATE {table} SET expiry_date = now() - interval '1 hour'"),
        };
        sqlx::query(&past).execute(&app.db.pool).await.unwrap();
        app.db.sessions.purge_expired().await.unwrap();
        assert_eq!(app.count(&sql).await, 0);
    }
}
