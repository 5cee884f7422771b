//! Staff portal helpers: accounts made straight in the database, signing in over HTTP
//! (password, then a TOTP code), and form posts and page loads with a session cookie;
//! then what the `staff_*` tests share: intakes of the spec examples, a portal with a
//! team, and reading back queue rows, statuses, audit entries and account columns.
//!
//! Every request names its own client address (`X-Forwarded-For`, trusted in tests), so
//! the per-address sign-in limit (5 a minute) only bites in the test that checks it.
#![allow(dead_code)]

use super::{examples, spawn, valid_intake, Reply, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use pain_intake::domain::staff::Role;
use pain_intake::server::db::{Backend, Db};
use pain_intake::server::staff::password::{self, NewPassword};
use pain_intake::server::staff::{accounts, totp};
use serde_json::{json, Value};
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
    pub async fn submit_intake(&self, intake: &Value) -> String {
        let reply = self
            .post_raw(
                "/api/v1/intakes",
                "application/json",
                intake.to_string().into_bytes(),
                &[("x-forwarded-for", &next_client())],
            )
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

// ---------------------------------------------------------------------------------
// Helpers of the staff portal tests (staff_access, staff_sign_in, staff_accounts,
// staff_workflow)
// ---------------------------------------------------------------------------------

/// An intake with the clinical answers of a spec example, and its own name and plan.
pub fn intake(example: &str, first: &str, last: &str, plan: &str) -> Value {
    let clinical = examples()
        .into_iter()
        .find(|(n, _)| n == example)
        .map(|(_, v)| v["request"]["clinical"].clone())
        .unwrap_or_else(|| panic!("no example {example}"));
    let mut v = valid_intake();
    v["clinical"] = clinical;
    v["patient"]["first_name"] = json!(first);
    v["patient"]["last_name"] = json!(last);
    v["consent"]["signature"] = json!(format!("{first} {last}"));
    v["insurance"]["plan"] = json!(plan);
    v
}

pub const ROUTINE: &str = "refractory-chronic-back-pain.json";
pub const EMERGENCY: &str = "cauda-equina-signs.json";
pub const SELF_HARM: &str = "self-harm-item.json";
pub const NOT_YET: &str = "acute-pain.json";

/// The page's text without the markers Leptos puts between adjacent text parts.
pub fn visible(html: &str) -> String {
    html.replace("<!-- -->", "").replace("<!>", "")
}

/// The `attr` of every table row marked `data-testid="{testid}"` on a page, top to bottom.
pub fn row_attributes(html: &str, testid: &str, attr: &str) -> Vec<String> {
    let marker = format!("data-testid=\"{testid}\"");
    let key = format!("{attr}=\"");
    html.split("<tr")
        .skip(1)
        .filter_map(|chunk| {
            let tag = &chunk[..chunk.find('>')?];
            if !tag.contains(&marker) {
                return None;
            }
            let at = tag.find(&key)? + key.len();
            Some(tag[at..at + tag[at..].find('"')?].to_owned())
        })
        .collect()
}

/// The references of the queue rows of a page, top to bottom.
pub fn queue_refs(html: &str) -> Vec<String> {
    row_attributes(html, "queue-row", "data-reference")
}

/// The queue pager's link with `rel` ("next" or "prev"), as a path, if the page has one.
pub fn pager_link(html: &str, rel: &str) -> Option<String> {
    let end = html.find(&format!(" rel=\"{rel}\""))?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].trim_end_matches('"').replace("&amp;", "&"))
}

/// Every action in the audit log, oldest first.
pub async fn audit_actions(db: &Db) -> Vec<String> {
    sqlx::query("SELECT action FROM audit_log ORDER BY seq")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("action").unwrap())
        .collect()
}

pub async fn status_of(app: &TestApp, reference: &str) -> String {
    let compact = reference.replace('-', "");
    sqlx::query("SELECT status FROM intakes WHERE reference = $1")
        .bind(compact)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get("status")
        .unwrap()
}

/// The account's failure count and whether it is waiting (`locked_until` set).
pub async fn failures_of(app: &TestApp, user_id: i64) -> (i64, bool) {
    let row = sqlx::query("SELECT failed_sign_ins, locked_until FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    (row.try_get("failed_sign_ins").unwrap(), row.try_get::<Option<String>, _>("locked_until").unwrap().is_some())
}

/// The details of the audit entries of one action, oldest first.
pub async fn audit_details(db: &Db, action: &str) -> Vec<String> {
    sqlx::query("SELECT detail FROM audit_log WHERE action = $1 ORDER BY seq")
        .bind(action)
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("detail").unwrap())
        .collect()
}

/// A column of an account as stored (password hash, sealed TOTP secret).
pub async fn stored_column(app: &TestApp, user_id: i64, column: &str) -> Option<String> {
    sqlx::query(&format!("SELECT {column} AS v FROM users WHERE id = $1"))
        .bind(user_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get("v")
        .unwrap()
}

pub fn assert_redirect(reply: &Reply, to: &str, what: &str) {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{what}: {}", reply.text());
    assert_eq!(reply.header("location"), to, "{what}");
}

/// A portal with a team and one routine intake.
pub async fn portal(backend: Backend) -> (TestApp, StaffUser, StaffUser, StaffUser, String) {
    let app = spawn(backend).await;
    let (admin, clinician, desk) = create_team(&app).await;
    let reference = app.submit_intake(&valid_intake()).await;
    (app, admin, clinician, desk, reference)
}
