//! The CAQH CORE connectivity client (`eligibility-realtime.md`, phase 1 of issue 20):
//! sends one 270 to the clearinghouse in real time and brings back its 271.
//!
//! - [`settings`]: the `ELIGIBILITY_*` settings, parsed into a [`CoreSettings`].
//! - [`mime`] and [`soap`]: the two envelopes of CORE Connectivity Rule vC2.2.0, written
//!   and read; both carry the same fields ([`RequestFields`], [`ResponseFields`]).
//! - [`outcome`]: what a check means for the job (save, retry, a person, failed) and the
//!   retry delays. Pure.
//! - here: [`CoreClient`], the HTTPS exchange (system roots plus ELIGIBILITY_CA_FILE, an
//!   optional client certificate, one timeout for the whole exchange) and its one log
//!   line.
//!
//! The 270 is written and the 271 read by `crate::x12`; this layer only moves the text,
//! like the file download and upload it adds to. It never logs or shows credentials,
//! payloads or anything from them: its errors and log lines carry codes, statuses and
//! reasons of its own.

pub mod mime;
pub mod outcome;
pub mod settings;
pub mod soap;

pub use outcome::{backoff, classify, Checked, Disposition, FailCause, RetryCause, Saved, MAX_TRIES};
pub use settings::{CoreSettings, Credentials, EligibilityArgs, EnvelopeKind};

use crate::domain::values::Reference;
use crate::x12::{parse_271_for, Eligibility, X12Error};
use reqwest::header::CONTENT_TYPE;
use std::time::{Duration, Instant};

/// `PayloadType` of the request.
pub const PAYLOAD_TYPE_270: &str = "X12_270_Request_005010X279A1";
/// `PayloadType` of an eligibility answer.
pub const PAYLOAD_TYPE_271: &str = "X12_271_Response_005010X279A1";
/// `PayloadType` of the acknowledgment that rejects a 270.
pub const PAYLOAD_TYPE_999: &str = "X12_999_Response_005010X231A1";
/// `ProcessingMode`: one answer per request, while the client waits.
pub const PROCESSING_MODE: &str = "RealTime";
/// `CORERuleVersion`.
pub const CORE_RULE_VERSION: &str = "2.2.0";
/// The `ErrorCode` of an envelope that was accepted.
pub const SUCCESS: &str = "Success";

/// The largest answer read: a 271 for one patient is a few kilobytes; a clearinghouse
/// sending more is broken, and the memory is the app's.
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// Server-given texts (ErrorCode, ErrorMessage) are kept to this many characters.
const MAX_SERVER_TEXT: usize = 200;

/// A CORE `PayloadID`: a random (version 4) RFC 4122 UUID, fresh for every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PayloadId(uuid::Uuid);

impl PayloadId {
    /// A fresh, random ID.
    #[allow(clippy::new_without_default)] // a default that is random each time would surprise
    pub fn new() -> Self {
        Self(uuid::Uuid::new_v4())
    }

    /// An ID stored earlier (the worker records it before sending), in the
    /// hyphenated form this type writes.
    pub fn parse(text: &str) -> Option<Self> {
        uuid::Uuid::parse_str(text.trim()).ok().map(Self)
    }
}

impl std::fmt::Display for PayloadId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// An X12 text that came back (a 271 or a 999). It is about a patient, so its `Debug`
/// gives only its length: a `{:?}` of a reply in a log line cannot leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct PayloadText(String);

impl PayloadText {
    pub fn new(text: String) -> Self {
        Self(text)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for PayloadText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PayloadText({} bytes)", self.0.len())
    }
}

/// The `PayloadType` of an answer this client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadType {
    /// `X12_271_Response_005010X279A1`.
    Eligibility271,
    /// `X12_999_Response_005010X231A1`: returned as [`CoreError::Rejected`].
    Acknowledgment999,
}

impl PayloadType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eligibility271 => PAYLOAD_TYPE_271,
            Self::Acknowledgment999 => PAYLOAD_TYPE_999,
        }
    }
}

/// A 271 the clearinghouse answered, with what the attempt's record needs.
#[derive(Debug, Clone)]
pub struct CoreReply {
    /// The `PayloadID` of the request.
    pub payload_id: PayloadId,
    pub envelope: EnvelopeKind,
    pub http_status: u16,
    /// Always [`SUCCESS`]: any other code is a [`CoreError::ErrorCode`].
    pub error_code: String,
    /// The envelope's `ErrorMessage`, when it had one.
    pub error_message: Option<String>,
    /// Always [`PayloadType::Eligibility271`]: a 999 is a [`CoreError::Rejected`].
    pub payload_type: PayloadType,
    pub payload: PayloadText,
    /// From sending the request to the last byte of the answer.
    pub duration: Duration,
}

impl CoreReply {
    /// The 271 read by the X12 layer, the trace matched to the clinic's
    /// `X12_ORIGINATOR_ID`; hand the result to [`classify`] with [`Checked::Read`].
    pub fn read_271(&self, originator_id: &str) -> Result<Eligibility, X12Error> {
        parse_271_for(self.payload.as_str().as_bytes(), originator_id)
    }
}

/// Why a check brought back no 271. Messages never quote a payload or a credential;
/// `ErrorCode` and `ErrorMessage` are the clearinghouse's own words, cut to 200
/// characters of one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    #[error("no answer from the clearinghouse within {0} s")]
    Timeout(u64),
    #[error("cannot reach the clearinghouse: {0}")]
    Connect(String),
    #[error("the clearinghouse answered HTTP {0}")]
    HttpStatus(u16),
    #[error("the clearinghouse's answer cannot be read: {0}")]
    Malformed(String),
    #[error("the clearinghouse answered ErrorCode {code}{}", message_suffix(.message))]
    ErrorCode { code: String, message: String },
    /// The 999 is kept for the failed attempt's record; it is not shown in the message.
    #[error("the clearinghouse rejected the request (a 999 acknowledgment came back instead of a 271)")]
    Rejected { ack: PayloadText },
}

fn message_suffix(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

impl CoreError {
    /// A short fixed name, for logs and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Timeout(_) => "timeout",
            Self::Connect(_) => "connect",
            Self::HttpStatus(_) => "http-status",
            Self::Malformed(_) => "malformed",
            Self::ErrorCode { .. } => "error-code",
            Self::Rejected { .. } => "rejected-999",
        }
    }
}

/// Why the client could not be built (the TLS material did not load).
#[derive(Debug, thiserror::Error)]
#[error("real-time eligibility: {0}")]
pub struct SetupError(String);

/// The fields of one CORE request, the same in both envelopes.
#[derive(Debug, Clone, Copy)]
pub struct RequestFields<'a> {
    pub payload_id: &'a str,
    pub timestamp: &'a str,
    /// `None` when the clinic authenticates by client certificate only: no UserName and
    /// Password fields (MIME) or UsernameToken (SOAP) are sent then.
    pub credentials: Option<&'a Credentials>,
    pub sender_id: &'a str,
    pub receiver_id: &'a str,
    pub payload: &'a str,
}

/// The fields of an answer that the client reads; the others (`ProcessingMode`,
/// `TimeStamp`, `SenderID`, …) are tolerated and ignored.
#[derive(Debug, Default)]
pub struct ResponseFields {
    pub payload_type: Option<String>,
    pub payload_id: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub payload: Option<String>,
}

impl ResponseFields {
    /// Records one field; a field the client reads must come once.
    fn set(&mut self, name: &str, value: String) -> Result<(), CoreError> {
        let slot = match name {
            "PayloadType" => &mut self.payload_type,
            "PayloadID" => &mut self.payload_id,
            "ErrorCode" => &mut self.error_code,
            "ErrorMessage" => &mut self.error_message,
            "Payload" => &mut self.payload,
            _ => return Ok(()),
        };
        if slot.is_some() {
            return Err(CoreError::Malformed(format!("the field {name} comes twice")));
        }
        *slot = Some(value);
        Ok(())
    }
}

/// CORE's `TimeStamp`: UTC, to the second, `YYYY-MM-DDTHH:MM:SSZ`.
pub fn core_timestamp(now: jiff::Timestamp) -> String {
    now.to_zoned(jiff::tz::TimeZone::UTC).strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Sends 270s to the clearinghouse of the settings. Cheap to clone (one connection pool).
#[derive(Debug, Clone)]
pub struct CoreClient {
    http: reqwest::Client,
    settings: std::sync::Arc<CoreSettings>,
}

impl CoreClient {
    /// A client for these settings: system roots plus ELIGIBILITY_CA_FILE, the client
    /// certificate if any, the timeout.
    pub fn new(settings: &CoreSettings) -> Result<Self, SetupError> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(settings.timeout())
            .connect_timeout(settings.timeout())
            // The endpoint is reached directly: a proxy taken from the environment would
            // route patients' data through a host nobody configured for it.
            .no_proxy()
            // A redirect would carry the password and the 270 to another address.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(settings.endpoint().scheme() == "https")
            .user_agent(concat!("pain-intake/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = settings.ca_pem() {
            let roots = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|_| SetupError("ELIGIBILITY_CA_FILE holds no readable PEM certificate".into()))?;
            for root in roots {
                builder = builder.add_root_certificate(root);
            }
        }
        if let Some(identity) = settings.identity() {
            let identity = reqwest::Identity::from_pem(identity.pem()).map_err(|_| {
                SetupError("ELIGIBILITY_CLIENT_CERT and ELIGIBILITY_CLIENT_KEY cannot be used together".into())
            })?;
            builder = builder.identity(identity);
        }
        let http = builder.build().map_err(|e| SetupError(format!("cannot set up HTTPS: {}", chain(&e))))?;
        Ok(Self { http, settings: std::sync::Arc::new(settings.clone()) })
    }

    pub fn settings(&self) -> &CoreSettings {
        &self.settings
    }

    /// Whether the endpoint answers over this client's connection (TLS with its roots and
    /// certificate): a `HEAD` with no credentials and no 270, for `doctor`. Any HTTP status
    /// counts as an answer (a CORE endpoint refuses a `HEAD`); the error says why not.
    pub async fn probe(&self) -> Result<u16, CoreError> {
        let timeout = self.settings.timeout();
        let request = self.http.head(self.settings.endpoint().clone()).send();
        match tokio::time::timeout(timeout, request).await {
            Ok(Ok(response)) => Ok(response.status().as_u16()),
            Ok(Err(e)) => Err(self.transport_error(&e)),
            Err(_) => Err(CoreError::Timeout(timeout.as_secs())),
        }
    }

    /// Sends one 270 under a fresh `PayloadID` and waits for the 271, at most the
    /// configured timeout. `reference` (the submission's) is only for the log line.
    pub async fn check(
        &self,
        payload_270: &str,
        reference: &Reference,
        now: jiff::Timestamp,
    ) -> Result<CoreReply, CoreError> {
        self.check_as(PayloadId::new(), payload_270, reference, now).await
    }

    /// [`check`](Self::check) under a `PayloadID` the caller drew, e.g. one recorded with
    /// the attempt before sending, so an attempt cut short still names its request.
    pub async fn check_as(
        &self,
        payload_id: PayloadId,
        payload_270: &str,
        reference: &Reference,
        now: jiff::Timestamp,
    ) -> Result<CoreReply, CoreError> {
        let timestamp = core_timestamp(now);
        let id_text = payload_id.to_string();
        let fields = RequestFields {
            payload_id: &id_text,
            timestamp: &timestamp,
            credentials: self.settings.credentials(),
            sender_id: self.settings.sender_id(),
            receiver_id: self.settings.receiver_id(),
            payload: payload_270,
        };
        let started = Instant::now();
        let mut seen = Seen::default();
        let timeout = self.settings.timeout();
        // One deadline for the whole exchange, reading the answer included.
        let answer = match tokio::time::timeout(timeout, self.exchange(&fields, &mut seen)).await {
            Ok(answer) => answer,
            Err(_) => Err(CoreError::Timeout(timeout.as_secs())),
        };
        let duration = started.elapsed();
        let result = answer.map(|(payload, error_message)| CoreReply {
            payload_id,
            envelope: self.settings.envelope(),
            http_status: seen.http_status.unwrap_or_default(),
            error_code: SUCCESS.to_owned(),
            error_message,
            payload_type: PayloadType::Eligibility271,
            payload,
            duration,
        });
        self.log(reference, &payload_id, &timestamp, &seen, duration, &result);
        result
    }

    /// The request and the answer's fields, judged: a 271 and the `ErrorMessage`, or why not.
    async fn exchange(
        &self,
        fields: &RequestFields<'_>,
        seen: &mut Seen,
    ) -> Result<(PayloadText, Option<String>), CoreError> {
        let envelope = self.settings.envelope();
        let request = self.http.post(self.settings.endpoint().clone());
        let request = match envelope {
            EnvelopeKind::Mime => request.multipart(mime::form(fields)),
            EnvelopeKind::Soap => request.header(CONTENT_TYPE, soap::CONTENT_TYPE).body(soap::request(fields)),
        };
        let mut response = request.send().await.map_err(|e| self.transport_error(&e))?;
        let status = response.status().as_u16();
        seen.http_status = Some(status);
        if !response.status().is_success() {
            return Err(CoreError::HttpStatus(status));
        }
        let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        if response.content_length().is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transport_error(&e))? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let answer = match envelope {
            EnvelopeKind::Mime => mime::read(content_type.as_deref(), body).await?,
            EnvelopeKind::Soap => soap::read(&body)?,
        };
        seen.error_code = answer.error_code.as_deref().map(server_text);
        judge(answer)
    }

    fn transport_error(&self, e: &reqwest::Error) -> CoreError {
        if e.is_timeout() {
            CoreError::Timeout(self.settings.timeout().as_secs())
        } else {
            CoreError::Connect(chain(e))
        }
    }

    /// The one line per exchange (`eligibility-realtime.md`, "Log"): no credentials, no
    /// payload, no names; the reference and `PayloadID` find the rest.
    fn log(
        &self,
        reference: &Reference,
        payload_id: &PayloadId,
        timestamp: &str,
        seen: &Seen,
        duration: Duration,
        result: &Result<CoreReply, CoreError>,
    ) {
        let envelope = self.settings.envelope().as_str();
        // Optional fields are left out of the line when the exchange did not get that far.
        let http_status = seen.http_status;
        let error_code = seen.error_code.as_deref();
        let duration_ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
        match result {
            Ok(_) => tracing::info!(
                %reference, %payload_id, time = timestamp, envelope, http_status, error_code, duration_ms,
                outcome = "271", "real-time eligibility exchange"
            ),
            Err(e) => {
                // Reasons of this client's own (a TLS alert, a missing field), never the
                // clearinghouse's ErrorMessage, which could quote the request.
                let reason = match e {
                    CoreError::Connect(r) | CoreError::Malformed(r) => Some(r.as_str()),
                    _ => None,
                };
                tracing::warn!(
                    %reference, %payload_id, time = timestamp, envelope, http_status, error_code, duration_ms,
                    outcome = e.code(), reason, "real-time eligibility exchange failed"
                )
            }
        }
    }
}

/// What the log line reports of an exchange that may have failed halfway.
#[derive(Default)]
struct Seen {
    http_status: Option<u16>,
    error_code: Option<String>,
}

fn too_large() -> CoreError {
    CoreError::Malformed(format!("the answer is larger than {} MiB", MAX_ANSWER_BYTES / (1024 * 1024)))
}

/// An answer's fields, judged by the connectivity rule: `ErrorCode` `Success` and a 271,
/// or the error they amount to.
fn judge(answer: ResponseFields) -> Result<(PayloadText, Option<String>), CoreError> {
    let code = answer.error_code.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let Some(code) = code else {
        return Err(CoreError::Malformed("the answer has no ErrorCode".into()));
    };
    let message = answer.error_message.as_deref().map(server_text).filter(|m| !m.is_empty());
    if code != SUCCESS {
        return Err(CoreError::ErrorCode { code: server_text(code), message: message.unwrap_or_default() });
    }
    let payload = answer.payload.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
    let Some(payload) = payload else {
        return Err(CoreError::Malformed("the answer has no Payload".into()));
    };
    match answer.payload_type.as_deref().map(str::trim) {
        Some(PAYLOAD_TYPE_271) => Ok((PayloadText::new(payload), message)),
        Some(PAYLOAD_TYPE_999) => Err(CoreError::Rejected { ack: PayloadText::new(payload) }),
        Some(other) => Err(CoreError::Malformed(format!("unexpected PayloadType {}", server_text(other)))),
        None => Err(CoreError::Malformed("the answer has no PayloadType".into())),
    }
}

/// A clearinghouse's text made safe to show and log: one line, printable, at most 200
/// characters.
fn server_text(text: &str) -> String {
    let one_line: String =
        text.trim().chars().map(|c| if c.is_control() { ' ' } else { c }).take(MAX_SERVER_TEXT).collect();
    one_line.trim().to_owned()
}

/// An error and its causes on one line ("… : invalid peer certificate: UnknownIssuer"),
/// without the URL reqwest puts in its messages.
fn chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(&format!(" for url ({url})"), "");
    }
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    server_text(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(error_code: &str, payload_type: &str, payload: &str) -> ResponseFields {
        ResponseFields {
            payload_type: Some(payload_type.into()),
            payload_id: None,
            error_code: Some(error_code.into()),
            error_message: Some("All good".into()),
            payload: Some(payload.into()),
        }
    }

    #[test]
    fn the_timestamp_is_utc_to_the_second() {
        let now: jiff::Timestamp = "2026-11-23T18:04:05.987-06:00".parse().unwrap();
        assert_eq!(core_timestamp(now), "2026-11-24T00:04:05Z");
    }

    #[test]
    fn payload_ids_are_fresh_version_4_uuids() {
        let (a, b) = (PayloadId::new(), PayloadId::new());
        assert_ne!(a, b);
        let text = a.to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(text.as_bytes()[14], b'4', "version 4: {text}");
        assert_eq!(PayloadId::parse(&text), Some(a));
    }

    #[test]
    fn answers_are_judged_by_error_code_then_payload_type() {
        let (payload, message) = judge(fields("Success", PAYLOAD_TYPE_271, "ISA*271\n")).unwrap();
        assert_eq!(payload.as_str(), "ISA*271");
        assert_eq!(message.as_deref(), Some("All good"));
        let err = judge(fields("Success", PAYLOAD_TYPE_999, "ISA*999")).unwrap_err();
        assert_eq!(err, CoreError::Rejected { ack: PayloadText::new("ISA*999".into()) });
        let err = judge(fields("SenderIDInvalid", "", "")).unwrap_err();
        assert_eq!(err, CoreError::ErrorCode { code: "SenderIDInvalid".into(), message: "All good".into() });
        assert!(matches!(judge(fields("Success", "X12_835", "x")), Err(CoreError::Malformed(_))));
        assert!(matches!(judge(fields("Success", PAYLOAD_TYPE_271, " ")), Err(CoreError::Malformed(_))));
        assert!(matches!(judge(ResponseFields::default()), Err(CoreError::Malformed(_))));
    }

    #[test]
    fn payloads_do_not_show_in_debug_output() {
        let ack = CoreError::Rejected { ack: PayloadText::new("ISA*00*DOE*JANE".into()) };
        assert!(!format!("{ack:?}").contains("DOE"));
        assert!(!ack.to_string().contains("DOE"));
    }

    #[test]
    fn server_texts_are_one_short_line() {
        assert_eq!(server_text(" Receiver\r\ndown \u{7} "), "Receiver  down");
        assert_eq!(server_text(&"x".repeat(500)).len(), MAX_SERVER_TEXT);
    }
}
