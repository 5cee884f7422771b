//! Staff portal helpers: accounts made straight in the database, signing in over HTTP
//! (password, then a TOTP code), and form posts and page loads with a session cookie.
//!
//! Every request names its own client address (`X-Forwarded-For`, trusted in tests), so
//! the per-address sign-in limit (5 a minute) only bites in the test that checks it.
#![allow(dead_code)]

use super::{Reply, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use pain_intake::domain::staff::Role;
use pain_intake::server::db::Backend;
use pain_intake::server::staff::password::{self, NewPassword};
use pain_intake::server::staff::{accounts, totp};
use sqlx::Row;
use std::sync::atomic::{AtomicU32, Ordering};

/// The password every helper-made account gets (12+ characters, not a common one).
pub const PASSWORD: &str = "orange kettle marching slowly";

/// A staff account made for a test, with what it takes to sign in as it.
#[derive(Debug, Clone)]
pub struct StaffUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
    /// The TOTP secret, when two-factor is enrolled.
    pub secret: Option<String>,
    /// Unused recovery codes, when two-factor is enrolled.
    pub recovery_codes: Vec<String>,
}

/// A fresh client address for each call, e.g. `10.0.3.7`.
pub fn next_client() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

pub fn now_unix() -> u64 {
    jiff::Timestamp::now().as_second() as u64
}

/// Rate limits count in fixed one-minute windows (server::rate_limit). A test that
/// needs several requests inside one window waits, at most `secs`, for a fresh one if
/// the current window ends sooner.
pub async fn within_one_rate_window(secs: u64) {
    let into = now_unix() % 60;
    if 60 - into < secs {
        tokio::time::sleep(std::time::Duration::from_secs(60 - into)).await;
    }
}

/// Creates an enabled account with [`PASSWORD`]; with `two_factor`, a TOTP secret and
/// ten recovery codes are enrolled as if the user had done it.
pub async fn create_staff(app: &TestApp, email: &str, name: &str, role: Role, two_factor: bool) -> StaffUser {
    let hash = password::hash(&NewPassword::parse(PASSWORD).unwrap()).await.unwrap();
    let id = accounts::create(&app.db, email, name, role, Some(&hash)).await.unwrap();
    let (secret, recovery_codes) = if two_factor {
        let secret = totp::new_secret();
        let codes = totp::new_recovery_codes();
        let hashes: Vec<String> = codes.iter().map(|c| totp::recovery_hash(c)).collect();
        let stored = accounts::seal_secret(app.db.keys.as_deref(), id, &secret);
        accounts::enrol_two_factor(&app.db, id, &stored, 0, &hashes).await.unwrap();
        (Some(secret), codes)
    } else {
        (None, Vec::new())
    };
    StaffUser {
        id,
        email: email.to_owned(),
        name: name.to_owned(),
        role,
        password: PASSWORD.to_owned(),
        secret,
        recovery_codes,
    }
}

/// An admin, a clinician and a front-desk user, all with two-factor.
pub async fn create_team(app: &TestApp) -> (StaffUser, StaffUser, StaffUser) {
    (
        create_staff(app, "ada@clinic.test", "Ada Admin", Role::Admin, true).await,
        create_staff(app, "cleo@clinic.test", "Cleo Clinician", Role::Clinician, true).await,
        create_staff(app, "fran@clinic.test", "Fran Desk", Role::FrontDesk, true).await,
    )
}

/// `name=value` of the session cookie a reply sets, if it sets one.
pub fn session_cookie(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("pi_staff=") || v.starts_with("__Host-pi_staff="))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&")
}

/// A same-origin form post, as the staff pages' forms send it.
pub fn form_request(path: &str, cookie: &str, pairs: &[(&str, &str)]) -> Request<Body> {
    form_request_from(path, cookie, pairs, &next_client())
}

pub fn form_request_from(path: &str, cookie: &str, pairs: &[(&str, &str)], client: &str) -> Request<Body> {
    let mut builder = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", client);
    if !cookie.is_empty() {
        builder = builder.header("cookie", cookie);
    }
    builder.body(Body::from(form_body(pairs))).unwrap()
}

impl TestApp {
    /// A same-origin form post with the session cookie (empty for none).
    pub async fn post_form(&self, path: &str, cookie: &str, pairs: &[(&str, &str)]) -> Reply {
        self.send(form_request(path, cookie, pairs)).await
    }

    /// A page load with the session cookie (empty for none).
    pub async fn get_with(&self, path: &str, cookie: &str) -> Reply {
        let mut builder = Request::get(path).header("x-forwarded-for", next_client());
        if !cookie.is_empty() {
            builder = builder.header("cookie", cookie);
        }
        self.send(builder.body(Body::empty()).unwrap()).await
    }

    /// The password step; returns the reply (its cookie is the half-signed-in session).
    pub async fn password_step(&self, email: &str, password: &str) -> Reply {
        self.post_form("/staff/sign-in", "", &[("email", email), ("password", password)]).await
    }

    /// The TOTP code this account's next sign-in can use: the current step's, or the
    /// next step's (accepted as one step of clock drift) when the current one was used.
    /// A third sign-in within one step would need a wait: tests avoid it.
    pub async fn next_code(&self, user: &StaffUser) -> String {
        let secret = user.secret.as_deref().expect("account without two-factor");
        let last: Option<i64> = sqlx::query("SELECT totp_last_step FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(&self.db.pool)
            .await
            .unwrap()
            .try_get("totp_last_step")
            .unwrap();
        let now = now_unix();
        let step = (now / 30).max(last.map(|l| l as u64 + 1).unwrap_or(0));
        assert!(step <= now / 30 + 1, "{}: every code near now was used already", user.email);
        totp::code_at(secret, step * 30).unwrap()
    }

    /// Signs in fully (password and TOTP code) and returns the session cookie.
    pub async fn sign_in(&self, user: &StaffUser) -> String {
        let reply = self.password_step(&user.email, &user.password).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        assert_eq!(reply.header("location"), "/staff/two-factor", "{}", user.email);
        let half = session_cookie(&reply).expect("a session after the password");
        let code = self.next_code(user).await;
        let reply = self.post_form("/staff/two-factor", &half, &[("code", &code)]).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.header("location"), "/staff", "{}: second factor refused", user.email);
        session_cookie(&reply).expect("a new session id after the second factor")
    }

    /// Creates an intake through the public API and returns its display reference.
    pub async fn submit_intake(&self, intake: &serde_json::Value) -> String {
        let reply = self
            .post_raw("/api/v1/intakes", "application/json", intake.to_string().into_bytes(), &[(
                "x-forwarded-for",
                &next_client(),
            )])
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        reply.json()["reference"].as_str().unwrap().to_owned()
    }

    /// The stored bytes of every staff session (tower-sessions' table), as a copy of the
    /// database, a backup or SQLite's write-ahead log would hold them.
    pub async fn raw_sessions(&self) -> Vec<Vec<u8>> {
        let table = match self.db.backend {
            Backend::Sqlite => "tower_sessions",
            Backend::Postgres => "tower_sessions.session",
        };
        sqlx::query(&format!("SELECT data FROM {table}"))
            .fetch_all(&self.db.pool)
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get::<Vec<u8>, _>("data").unwrap())
            .collect()
    }

    /// A number from one SQL query (`SELECT COUNT(*) AS n ...`).
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query(sql).fetch_one(&self.db.pool).await.unwrap().try_get("n").unwrap()
    }
}

/// Whether `text` occurs anywhere in `bytes`.
pub fn holds(bytes: &[u8], text: &str) -> bool {
    !text.is_empty() && bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

/// The text of the first element carrying `data-testid="{id}"` (up to its next `<`).
pub fn testid_text(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("data-testid=\"{id}\""))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')? + start;
    Some(rest[start..end].to_owned())
}
