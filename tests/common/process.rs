//! The `pain-intake` binary run as its own process, as an operator runs it: `serve` on a
//! free loopback port, plain HTTP/1.1 over a std `TcpStream` (no client library), signals
//! (SIGTERM to stop, SIGKILL to crash), and fresh PostgreSQL databases for it.
#![allow(dead_code)]

use super::{postgres_admin_url, TEST_KEY};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The binary with only what a test sets explicitly (and the test encryption key, since
/// servers refuse to start without one outside development mode).
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pain-intake"));
    for var in [
        "DATABASE_URL",
        "LISTEN_ADDR",
        "CLINIC_NPI",
        "LOG_LEVEL",
        "DEV_MODE",
        "SMTP_URL",
        "NOTIFY_TO",
        "ENCRYPTION_KEYS",
        "ENCRYPTION_KEYS_FILE",
        "API_RATE_LIMIT_PER_MINUTE",
        "SIGN_IN_RATE_LIMIT_PER_MINUTE",
        "TRUST_FORWARDED_FOR",
        "STAFF_TWO_FACTOR",
        "PUBLIC_URL",
        "METRICS_TOKEN",
        "ELIGIBILITY_ENDPOINT",
        "ELIGIBILITY_ENVELOPE",
        "ELIGIBILITY_USERNAME",
        "ELIGIBILITY_PASSWORD",
        "ELIGIBILITY_PASSWORD_FILE",
        "ELIGIBILITY_RECEIVER_ID",
        "ELIGIBILITY_TIMEOUT_SECONDS",
        "ELIGIBILITY_CA_FILE",
        "ELIGIBILITY_CLIENT_CERT",
        "ELIGIBILITY_CLIENT_KEY",
        "ELIGIBILITY_RECHECK_DAYS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("ENCRYPTION_KEYS", TEST_KEY);
    cmd
}

/// A site folder in `dir` with what the pages name: the stylesheet, script and WASM
/// under `pkg/` (with the hashes of `hash.txt` beside the binary when a build wrote one,
/// as Leptos names them) and the favicon.
pub fn site_folder(dir: &std::path::Path) -> std::path::PathBuf {
    let root = dir.join("site");
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    let hashes = std::path::Path::new(env!("CARGO_BIN_EXE_pain-intake"))
        .parent()
        .and_then(|d| std::fs::read_to_string(d.join("hash.txt")).ok());
    let hash = |kind: &str| {
        hashes
            .as_deref()?
            .lines()
            .find_map(|l| l.split_once(':').filter(|(k, _)| k.trim() == kind))
            .map(|(_, h)| h.trim())
    };
    for (kind, unhashed) in [("css", "pain-intake.css"), ("js", "pain-intake.js"), ("wasm", "pain-intake_bg.wasm")] {
        let name = match (&hashes, hash(kind)) {
            (Some(_), Some(h)) => format!("pain-intake.{h}.{kind}"),
            (Some(_), None) => format!("pain-intake.{kind}"),
            (None, _) => unhashed.to_owned(),
        };
        std::fs::write(root.join("pkg").join(name), b"/* built */").unwrap();
    }
    std::fs::write(root.join("favicon.svg"), b"<svg/>").unwrap();
    root
}

/// `pain-intake doctor` on this database and site folder, with the test key and no mail
/// server unless `env` sets one.
pub fn doctor(database_url: &str, site: &std::path::Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = bin();
    cmd.arg("doctor").env("DATABASE_URL", database_url).env("LEPTOS_SITE_ROOT", site);
    for var in ["CLINIC_LOGO", "ON_CALL_EMAIL", "NOTIFY_FROM"] {
        cmd.env_remove(var);
    }
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd.output().expect("run pain-intake doctor")
}

/// The doctor's lines but `disk`: that one says how much space the machine has free (the
/// test's folder is on a disk other builds share), so a test of another check must not
/// hang on it. Its thresholds are unit tests in `server::doctor`.
pub fn doctor_lines(out: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l[6.min(l.len())..].starts_with("disk: "))
        .map(str::to_owned)
        .collect()
}

/// The doctor exited 2 when a line says FAIL (the disk's included), else 0.
pub fn assert_doctor_exit(out: &std::process::Output) {
    let text = String::from_utf8_lossy(&out.stdout);
    let failed = text.lines().any(|l| l.starts_with("FAIL"));
    assert_eq!(out.status.code(), Some(if failed { 2 } else { 0 }), "{text}{}", String::from_utf8_lossy(&out.stderr));
}

/// The doctor's lines, and the one for `check` (`"keys"` → `"FAIL  keys: …"`).
pub fn doctor_line(out: &std::process::Output, check: &str) -> String {
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find(|l| l.get(6..).is_some_and(|rest| rest.starts_with(&format!("{check}: "))))
        .unwrap_or_else(|| panic!("no {check} line in:\n{text}"))
        .to_owned()
}

/// A running `serve` process. Dropping it kills the process, so a failed assertion
/// never leaves a server behind.
pub struct Server {
    pub child: Child,
    /// `127.0.0.1:PORT`, as the server announced it.
    pub addr: String,
    log: Arc<Mutex<Vec<u8>>>,
}

impl Server {
    /// `serve --dev` on a free port with this database and log filter.
    pub fn start(database_url: &str, log_level: &str) -> Server {
        Self::start_with(database_url, log_level, &[])
    }

    /// Like `start`, with more environment variables (e.g. rate limits).
    pub fn start_with(database_url: &str, log_level: &str, env: &[(&str, &str)]) -> Server {
        let mut cmd = bin();
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--dev"])
            .env("DATABASE_URL", database_url)
            .env("LOG_LEVEL", log_level)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (name, value) in env {
            cmd.env(name, value);
        }
        let mut child = cmd.spawn().expect("spawn pain-intake serve");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut before = String::new();
        let mut addr = None;
        let mut line = String::new();
        while stderr.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(rest) = line.trim().strip_prefix("pain-intake listening on http://") {
                addr = Some(rest.to_owned());
                break;
            }
            before.push_str(&line);
            line.clear();
        }
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not announce its address; it said:\n{before}");
        };
        // Keep reading the log so the server never blocks on a full pipe.
        let log = Arc::new(Mutex::new(before.into_bytes()));
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Server { child, addr, log }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything logged so far.
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&self.log.lock().unwrap()).into_owned()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("query the server process").is_none()
    }

    /// SIGTERM, then waits for the graceful exit and for the last log lines.
    pub fn stop(&mut self) -> ExitStatus {
        send_signal(self.pid(), "TERM");
        let status = self.child.wait().unwrap();
        // The log reader thread drains the pipe once the process has closed it.
        std::thread::sleep(Duration::from_millis(200));
        status
    }

    /// SIGKILL: the process ends at once, as in a crash or an OOM kill.
    pub fn kill_hard(&mut self) -> ExitStatus {
        send_signal(self.pid(), "KILL");
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `kill -SIGNAL pid` (the tests take no libc dependency for one call).
pub fn send_signal(pid: u32, signal: &str) {
    let status = Command::new("kill").args([&format!("-{signal}"), &pid.to_string()]).status().unwrap();
    assert!(status.success(), "kill -{signal} {pid}");
}

pub fn send_sigterm(pid: u32) {
    send_signal(pid, "TERM");
}

/// One HTTP response, the body de-chunked.
#[derive(Debug, Clone)]
pub struct HttpReply {
    pub status: u16,
    /// The status line and headers, as sent.
    pub head: String,
    pub body: String,
}

impl HttpReply {
    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers(name).into_iter().next()
    }

    pub fn headers(&self, name: &str) -> Vec<&str> {
        self.head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// `name=value` of a cookie this reply sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers("set-cookie")
            .into_iter()
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap().to_owned())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

impl std::fmt::Display for HttpReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\r\n\r\n{}", self.head, self.body)
    }
}

/// Sends one request (`Connection: close`) and reads the whole reply. An error means the
/// server did not answer completely (refused, reset, or killed mid-reply).
pub fn try_request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<HttpReply> {
    let mut stream = TcpStream::connect(addr)?;
    // A server that hangs fails the test instead of blocking it forever.
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_reply(&raw).ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "incomplete HTTP reply"))
}

/// Like `try_request`; a missing or incomplete reply fails the test.
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpReply {
    try_request(addr, method, path, headers, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

pub fn get(addr: &str, path: &str, headers: &[(&str, &str)]) -> HttpReply {
    request(addr, "GET", path, headers, b"")
}

/// A JSON post, as the API's clients send it.
pub fn post_json(addr: &str, path: &str, body: &serde_json::Value, headers: &[(&str, &str)]) -> HttpReply {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    request(addr, "POST", path, &all, body.to_string().as_bytes())
}

/// A same-origin form post, as the pages' forms send it.
pub fn post_form(addr: &str, path: &str, pairs: &[(&str, &str)], headers: &[(&str, &str)]) -> HttpReply {
    let mut all = vec![("Content-Type", "application/x-www-form-urlencoded"), ("Sec-Fetch-Site", "same-origin")];
    all.extend_from_slice(headers);
    request(addr, "POST", path, &all, super::staff::form_body(pairs).as_bytes())
}

/// The raw reply text of a GET (status line, headers, body).
pub fn http_get(addr: &str, path: &str) -> String {
    get(addr, path, &[]).to_string()
}

/// The raw reply text of a JSON post.
pub fn http_post_json(addr: &str, path: &str, body: &str) -> String {
    request(addr, "POST", path, &[("Content-Type", "application/json")], body.as_bytes()).to_string()
}

fn parse_reply(raw: &[u8]) -> Option<HttpReply> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let rest = &raw[split + 4..];
    let mut reply = HttpReply { status, head, body: String::new() };
    let body = if reply.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        dechunk(rest)?
    } else {
        if let Some(len) = reply.header("content-length").and_then(|v| v.parse::<usize>().ok()) {
            if rest.len() < len {
                return None;
            }
        }
        rest.to_vec()
    };
    reply.body = String::from_utf8_lossy(&body).into_owned();
    Some(reply)
}

/// The body of a chunked reply; `None` if it stops before the last chunk.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..eol]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        let chunk = data.get(eol + 2..eol + 2 + size)?;
        out.extend_from_slice(chunk);
        data = data.get(eol + 2 + size + 2..)?;
    }
}

/// A new empty PostgreSQL database on the test server; returns its URL.
pub fn fresh_postgres_database(tag: &str) -> String {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let admin = postgres_admin_url();
        let name = format!("pi_test_{tag}_{}", std::process::id());
        let admin_db = pain_intake::server::db::Db::connect(&admin).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&admin_db.pool).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin_db.pool).await.unwrap();
        admin_db.close().await;
        format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
    })
}
