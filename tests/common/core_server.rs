//! A CAQH CORE connectivity server on loopback for `tests/core_client.rs`: an axum app on
//! 127.0.0.1:0, over plain HTTP or TLS (optionally asking for a client certificate).
//!
//! It checks every field of every request, in either envelope, against what the test
//! expects (credentials, IDs, the time stamp, the exact 270, itself read by the x12
//! tokenizer), and notes each problem: a test asserts [`CoreServer::problems`] is empty.
//! It is written apart from the client's own envelope code (its own SOAP walk, axum's
//! multipart reader), so the two cannot share a mistake.
//!
//! It answers in the request's envelope, by the last segment of the path:
//! `271`, `aaa42`, `aaa42-then-271`, `999`, `error-code`, `malformed`, `slow` (3 s, then
//! a 271) and `http-401`.
#![allow(dead_code)]

use super::x12::{ACTIVE_CIGNA, REJECTED_42};
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_rustls::rustls;

pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
pub const CORE: &str = "http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd";
pub const WSSE: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
pub const PASSWORD_TEXT: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";

/// A 999 rejecting the 270's transaction (IK5*R).
pub const ACK_999: &str = concat!(
    "ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*CLINICSUBMIT   *261123*1201*^*00501*000000002*0*T*:~",
    "GS*FA*CLEARINGHOUSE*CLINICSUBMIT*20261123*1201*2*X*005010X231A1~",
    "ST*999*0001*005010X231A1~",
    "AK1*HS*1*005010X279A1~",
    "AK2*270*0001*005010X279A1~",
    "IK5*R*5~",
    "AK9*R*1*1*0~",
    "SE*6*0001~",
    "GE*1*2~",
    "IEA*1*000000002~",
);

/// How long the `slow` scenario waits before answering.
pub const SLOW: Duration = Duration::from_secs(3);

/// What every request must carry.
#[derive(Debug, Clone)]
pub struct Expected {
    /// `None`: the client authenticates by certificate and sends no credentials.
    pub credentials: Option<(String, String)>,
    pub sender_id: String,
    pub receiver_id: String,
    /// Empty: any time stamp of the right shape (the app's worker sends its own clock's).
    pub timestamp: String,
    /// Empty: any one 270 (the app's worker writes its own, control numbers and all).
    pub payload: String,
}

/// One request as the server understood it.
#[derive(Debug, Clone)]
pub struct Received {
    pub envelope: &'static str,
    pub scenario: String,
    pub payload_id: String,
}

struct Shared {
    expected: Expected,
    problems: Mutex<Vec<String>>,
    received: Mutex<Vec<Received>>,
}

pub struct CoreServer {
    addr: SocketAddr,
    scheme: &'static str,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for CoreServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CoreServer {
    /// Plain HTTP on loopback.
    pub async fn start(expected: Expected) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = shared(expected);
        let app = router(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { addr, scheme: "http", shared, task }
    }

    /// HTTPS on loopback with this TLS configuration.
    pub async fn start_tls(expected: Expected, tls: rustls::ServerConfig) -> Self {
        let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let shared = shared(expected);
        let app = router(shared.clone());
        let listener = TlsListener { tcp, acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(tls)) };
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { addr, scheme: "https", shared, task }
    }

    /// The endpoint URL that answers with `scenario`.
    pub fn endpoint(&self, scenario: &str) -> String {
        format!("{}://127.0.0.1:{}/core/{scenario}", self.scheme, self.addr.port())
    }

    pub fn problems(&self) -> Vec<String> {
        self.shared.problems.lock().unwrap().clone()
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }
}

fn shared(expected: Expected) -> Arc<Shared> {
    Arc::new(Shared { expected, problems: Mutex::default(), received: Mutex::default() })
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new().route("/core/{scenario}", post(answer)).with_state(shared)
}

/// TLS on accepted connections; a failed handshake (no client certificate, say) drops
/// that connection and waits for the next.
struct TlsListener {
    tcp: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else { continue };
            let handshake = tokio::time::timeout(Duration::from_secs(5), self.acceptor.accept(tcp));
            if let Ok(Ok(tls)) = handshake.await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// The request's fields by name, as one envelope or the other carried them.
type Fields = BTreeMap<String, String>;

async fn answer(State(shared): State<Arc<Shared>>, Path(scenario): Path<String>, request: Request) -> Response {
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let mut problems = Vec::new();
    let (envelope, fields) = if content_type.starts_with("multipart/form-data; boundary=") {
        ("mime", mime_fields(request, &mut problems).await)
    } else if content_type == "application/soap+xml; charset=UTF-8" {
        let body = axum::body::to_bytes(request.into_body(), 1 << 20).await.unwrap();
        ("soap", soap_fields(&String::from_utf8_lossy(&body), &shared.expected, &mut problems))
    } else {
        problems.push(format!("unexpected Content-Type {content_type:?}"));
        ("unknown", Fields::new())
    };
    check_fields(envelope, &fields, &shared.expected, &mut problems);
    let payload_id = fields.get("PayloadID").cloned().unwrap_or_default();
    let hits = {
        let mut received = shared.received.lock().unwrap();
        received.push(Received { envelope, scenario: scenario.clone(), payload_id: payload_id.clone() });
        received.iter().filter(|r| r.scenario == scenario).count()
    };
    if !problems.is_empty() {
        shared.problems.lock().unwrap().extend(problems);
        return (StatusCode::BAD_REQUEST, "the request breaks the CORE rule").into_response();
    }
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let (code, message, payload_type, payload) = match scenario.as_str() {
        "271" => ("Success", "", "X12_271_Response_005010X279A1", text(ACTIVE_CIGNA)),
        "aaa42" => ("Success", "", "X12_271_Response_005010X279A1", text(REJECTED_42)),
        "aaa42-then-271" if hits == 1 => ("Success", "", "X12_271_Response_005010X279A1", text(REJECTED_42)),
        "aaa42-then-271" => ("Success", "", "X12_271_Response_005010X279A1", text(ACTIVE_CIGNA)),
        "999" => ("Success", "", "X12_999_Response_005010X231A1", ACK_999.to_owned()),
        "error-code" => ("ReceiverDown", "The payer's system is down & will be back at 6 a.m.", "", String::new()),
        "slow" => {
            tokio::time::sleep(SLOW).await;
            ("Success", "", "X12_271_Response_005010X279A1", text(ACTIVE_CIGNA))
        }
        "http-401" => return (StatusCode::UNAUTHORIZED, "UnAuthorized").into_response(),
        "malformed" if envelope == "soap" => {
            let broken = format!(r#"<soap:Envelope xmlns:soap="{SOAP12}"><soap:Body><Broken></soap:Body>"#);
            return ([(header::CONTENT_TYPE, "application/soap+xml; charset=UTF-8")], broken).into_response();
        }
        "malformed" => {
            let cut = "--b0undary\r\nContent-Disposition: form-data; name=\"ErrorCode\"\r\n\r\nSucc";
            return ([(header::CONTENT_TYPE, "multipart/form-data; boundary=b0undary")], cut).into_response();
        }
        other => panic!("no scenario {other}"),
    };
    let e = &shared.expected;
    let reply = [
        ("PayloadType", payload_type),
        ("ProcessingMode", "RealTime"),
        ("PayloadID", &payload_id),
        ("TimeStamp", "2026-11-23T18:00:01Z"),
        ("SenderID", &e.receiver_id),
        ("ReceiverID", &e.sender_id),
        ("CORERuleVersion", "2.2.0"),
        ("ErrorCode", code),
        ("ErrorMessage", message),
        ("Payload", &payload),
    ];
    if envelope == "soap" {
        let mut xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP12}"><soap:Body><ns1:COREEnvelopeRealTimeResponse xmlns:ns1="{CORE}">"#
        );
        for (name, value) in reply {
            xml += &format!("<{name}>{}</{name}>", quick_xml::escape::escape(value));
        }
        xml += "</ns1:COREEnvelopeRealTimeResponse></soap:Body></soap:Envelope>";
        ([(header::CONTENT_TYPE, "application/soap+xml; charset=UTF-8")], xml).into_response()
    } else {
        let boundary = "core-answer-7f3a";
        let mut body = String::new();
        for (name, value) in reply {
            body += &format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        }
        body += &format!("--{boundary}--\r\n");
        let content_type = format!("multipart/form-data; boundary={boundary}");
        Response::builder().header(header::CONTENT_TYPE, content_type).body(Body::from(body)).unwrap()
    }
}

async fn mime_fields(request: Request, problems: &mut Vec<String>) -> Fields {
    let mut fields = Fields::new();
    let mut multipart = match Multipart::from_request(request, &()).await {
        Ok(m) => m,
        Err(e) => {
            problems.push(format!("not multipart/form-data: {e}"));
            return fields;
        }
    };
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_owned();
                let value = field.text().await.unwrap_or_default();
                if fields.insert(name.clone(), value).is_some() {
                    problems.push(format!("MIME field {name} comes twice"));
                }
            }
            Ok(None) => return fields,
            Err(e) => {
                problems.push(format!("bad multipart: {e}"));
                return fields;
            }
        }
    }
}

/// Walks the SOAP request strictly: the SOAP 1.2 envelope, the WS-Security header
/// (when credentials are expected, and only then), the CORE element in its namespace
/// with unqualified children. Returns the children (and the credentials, as `UserName`
/// and `Password`) as fields.
fn soap_fields(xml: &str, expected: &Expected, problems: &mut Vec<String>) -> Fields {
    let mut fields = Fields::new();
    let mut reader = quick_xml::NsReader::from_str(xml);
    // The open elements, as `{namespace}local`.
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut password_type = None;
    let mut must_understand = None;
    let mut seen_paths = Vec::new();
    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok(x) => x,
            Err(e) => {
                problems.push(format!("not well-formed XML: {e}"));
                return fields;
            }
        };
        let ns = match ns {
            ResolveResult::Bound(n) => String::from_utf8_lossy(n.0).into_owned(),
            _ => String::new(),
        };
        match event {
            Event::Start(e) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                path.push(format!("{{{ns}}}{local}"));
                seen_paths.push(path.join("/"));
                for attr in e.attributes() {
                    let attr = attr.unwrap();
                    let value = attr.unescape_value().unwrap().into_owned();
                    match attr.key.local_name().as_ref() {
                        b"Type" if local == "Password" => password_type = Some(value),
                        b"mustUnderstand" if local == "Security" => must_understand = Some(value),
                        _ => {}
                    }
                }
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap()),
            Event::CData(c) => text.push_str(&c.decode().unwrap()),
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap().into_owned();
                match r.resolve_char_ref().unwrap() {
                    Some(c) => text.push(c),
                    None => text.push_str(quick_xml::escape::resolve_predefined_entity(&name).unwrap()),
                }
            }
            Event::End(_) => {
                let joined = path.join("/");
                let body = format!("{{{SOAP12}}}Envelope/{{{SOAP12}}}Body/{{{CORE}}}COREEnvelopeRealTimeRequest/{{}}");
                let token = format!(
                    "{{{SOAP12}}}Envelope/{{{SOAP12}}}Header/{{{WSSE}}}Security/{{{WSSE}}}UsernameToken/{{{WSSE}}}"
                );
                if let Some(name) = joined.strip_prefix(&body) {
                    fields.insert(name.to_owned(), std::mem::take(&mut text));
                } else if let Some(name) = joined.strip_prefix(&token) {
                    let name = if name == "Username" { "UserName" } else { name };
                    fields.insert(name.to_owned(), std::mem::take(&mut text));
                }
                path.pop();
            }
            Event::Empty(_) => problems.push("an empty element in the SOAP request".into()),
            Event::Eof => break,
            _ => {}
        }
    }
    let envelope = format!("{{{SOAP12}}}Envelope");
    let request = format!("{envelope}/{{{SOAP12}}}Body/{{{CORE}}}COREEnvelopeRealTimeRequest");
    for required in [envelope.clone(), format!("{envelope}/{{{SOAP12}}}Body"), request.clone()] {
        if !seen_paths.contains(&required) {
            problems.push(format!("SOAP element {required} is missing"));
        }
    }
    let has_header = seen_paths.iter().any(|p| p.starts_with(&format!("{envelope}/{{{SOAP12}}}Header")));
    match expected.credentials {
        Some(_) => {
            if password_type.as_deref() != Some(PASSWORD_TEXT) {
                problems.push(format!("wsse:Password Type is {password_type:?}"));
            }
            if !matches!(must_understand.as_deref(), Some("true" | "1")) {
                problems.push(format!("wsse:Security mustUnderstand is {must_understand:?}"));
            }
        }
        None if has_header => problems.push("a SOAP header without credentials to carry".into()),
        None => {}
    }
    // Anything else in the document is out of place.
    for p in &seen_paths {
        let known = p == &envelope
            || p.starts_with(&format!("{envelope}/{{{SOAP12}}}Header"))
            || p == &format!("{envelope}/{{{SOAP12}}}Body")
            || p == &request
            || p.strip_prefix(&format!("{request}/{{}}")).is_some_and(|rest| !rest.contains('/'));
        if !known {
            problems.push(format!("unexpected SOAP element {p}"));
        }
    }
    fields
}

/// Every field of the connectivity rule, by value; nothing missing, nothing extra.
fn check_fields(envelope: &str, fields: &Fields, expected: &Expected, problems: &mut Vec<String>) {
    let received = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let or_received = |value: &str, name: &str| if value.is_empty() { received(name) } else { value.to_owned() };
    let mut wanted: Vec<(&str, String)> = vec![
        ("PayloadType", "X12_270_Request_005010X279A1".into()),
        ("ProcessingMode", "RealTime".into()),
        ("TimeStamp", or_received(&expected.timestamp, "TimeStamp")),
        ("SenderID", expected.sender_id.clone()),
        ("ReceiverID", expected.receiver_id.clone()),
        ("CORERuleVersion", "2.2.0".into()),
        ("Payload", or_received(&expected.payload, "Payload")),
    ];
    if let Some((user, password)) = &expected.credentials {
        wanted.push(("UserName", user.clone()));
        wanted.push(("Password", password.clone()));
    }
    for (name, value) in &wanted {
        match fields.get(*name) {
            Some(got) if got == value => {}
            Some(_) => problems.push(format!("{envelope}: {name} is not what was expected")),
            None => problems.push(format!("{envelope}: {name} is missing")),
        }
    }
    for name in fields.keys() {
        if name != "PayloadID" && !wanted.iter().any(|(w, _)| w == name) {
            problems.push(format!("{envelope}: unexpected field {name}"));
        }
    }
    match fields.get("PayloadID").map(|id| (id, uuid::Uuid::parse_str(id))) {
        Some((id, Ok(uuid))) if uuid.get_version_num() == 4 && *id == uuid.hyphenated().to_string() => {}
        other => problems.push(format!("{envelope}: PayloadID {other:?} is not an RFC 4122 version 4 UUID")),
    }
    let ts = &or_received(&expected.timestamp, "TimeStamp");
    let shape_ok = ts.len() == 20 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T';
    if !shape_ok {
        problems.push(format!("{envelope}: TimeStamp {ts} is not YYYY-MM-DDTHH:MM:SSZ"));
    }
    if let Some(payload) = fields.get("Payload") {
        if let Err(problem) = is_one_270(payload) {
            problems.push(format!("{envelope}: Payload is not a 270: {problem}"));
        }
    }
}

/// One interchange holding one 270 transaction, read by the app's own X12 tokenizer.
fn is_one_270(payload: &str) -> Result<(), String> {
    let segments = pain_intake::x12::tokenize(payload.as_bytes()).map_err(|e| e.to_string())?;
    let ids: Vec<&str> = segments.iter().map(|s| s.id.as_str()).collect();
    let (Some(&"ISA"), Some(&"IEA")) = (ids.first(), ids.last()) else {
        return Err("not ISA … IEA".into());
    };
    let sts: Vec<_> = segments.iter().filter(|s| s.id == "ST").collect();
    if sts.len() != 1 || sts[0].value(1) != "270" {
        return Err("not one ST*270".into());
    }
    let st = ids.iter().position(|i| *i == "ST").unwrap();
    let se = ids.iter().position(|i| *i == "SE").ok_or("no SE")?;
    let count: usize = segments[se].value(1).parse().map_err(|_| "SE01 is not a number")?;
    if count != se - st + 1 {
        return Err(format!("SE01 says {count} segments, there are {}", se - st + 1));
    }
    Ok(())
}
