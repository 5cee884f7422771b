//! The settings of real-time eligibility checks (`eligibility-realtime.md`, "Settings"):
//! clap flags with `ELIGIBILITY_*` environment twins, parsed once at start-up into a
//! [`CoreSettings`] that can only hold a usable configuration.
//!
//! The raw values are taken as text and checked here rather than by clap's value
//! parsers, so that each refusal is one line naming the environment variable an
//! administrator actually sets (clap would name the flag, and print the value: for a
//! password or a URL that is too much). No message quotes a password, a URL or a file's
//! content.

use clap::Args;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The real-time eligibility settings, as given. Each argument's clap id carries the
/// `eligibility_` prefix: `ServeArgs` flattens other groups with fields of the same
/// names (`X12Args::receiver_id`). Parse them with
/// [`EligibilityArgs::settings`].
#[derive(Clone, Default, Args)]
pub struct EligibilityArgs {
    /// The clearinghouse's CAQH CORE connectivity URL (https://; http:// only for a
    /// loopback host, for tests). Without it real-time eligibility checks are off and
    /// staff use the 270/271 files.
    #[arg(id = "eligibility_endpoint", long = "eligibility-endpoint", env = "ELIGIBILITY_ENDPOINT")]
    pub endpoint: Option<String>,

    /// The CORE envelope the clearinghouse speaks: `mime` (multipart/form-data) or `soap`
    /// (SOAP 1.2 with a WS-Security UsernameToken).
    #[arg(
        id = "eligibility_envelope",
        long = "eligibility-envelope",
        env = "ELIGIBILITY_ENVELOPE",
        default_value = "mime"
    )]
    pub envelope: String,

    /// The CORE UserName the clearinghouse gave the clinic.
    #[arg(id = "eligibility_username", long = "eligibility-username", env = "ELIGIBILITY_USERNAME")]
    pub username: Option<String>,

    /// The CORE Password. Prefer ELIGIBILITY_PASSWORD_FILE (or the settings file) to the
    /// flag, which other users can see in the process list.
    #[arg(
        id = "eligibility_password",
        long = "eligibility-password",
        env = "ELIGIBILITY_PASSWORD",
        hide_env_values = true
    )]
    pub password: Option<String>,

    /// A file holding the CORE Password (one line).
    #[arg(id = "eligibility_password_file", long = "eligibility-password-file", env = "ELIGIBILITY_PASSWORD_FILE")]
    pub password_file: Option<PathBuf>,

    /// The CORE ReceiverID: the clearinghouse's ID. Required with ELIGIBILITY_ENDPOINT.
    /// The SenderID is X12_SENDER_ID.
    #[arg(id = "eligibility_receiver_id", long = "eligibility-receiver-id", env = "ELIGIBILITY_RECEIVER_ID")]
    pub receiver_id: Option<String>,

    /// Seconds to wait for the clearinghouse's answer, 1 to 120 (CORE allows the
    /// responder 20).
    #[arg(
        id = "eligibility_timeout_seconds",
        long = "eligibility-timeout-seconds",
        env = "ELIGIBILITY_TIMEOUT_SECONDS",
        default_value = "25"
    )]
    pub timeout_seconds: String,

    /// Extra trusted CA certificates (PEM) for a private endpoint, besides the system's.
    #[arg(id = "eligibility_ca_file", long = "eligibility-ca-file", env = "ELIGIBILITY_CA_FILE")]
    pub ca_file: Option<PathBuf>,

    /// A client certificate (PEM) for mutual TLS; needs ELIGIBILITY_CLIENT_KEY.
    #[arg(id = "eligibility_client_cert", long = "eligibility-client-cert", env = "ELIGIBILITY_CLIENT_CERT")]
    pub client_cert: Option<PathBuf>,

    /// The client certificate's private key (PEM); needs ELIGIBILITY_CLIENT_CERT.
    #[arg(id = "eligibility_client_key", long = "eligibility-client-key", env = "ELIGIBILITY_CLIENT_KEY")]
    pub client_key: Option<PathBuf>,

    /// Days before each booked consult that coverage is checked again, 0 to 30 (0: no
    /// re-check). Empty means the default, 3.
    #[arg(
        id = "eligibility_recheck_days",
        long = "eligibility-recheck-days",
        env = "ELIGIBILITY_RECHECK_DAYS",
        default_value = "3"
    )]
    pub recheck_days: String,
}

/// The password is never shown, not even in a debug print of the settings.
impl std::fmt::Debug for EligibilityArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EligibilityArgs")
            .field("endpoint", &self.endpoint.as_ref().map(|_| "…"))
            .field("envelope", &self.envelope)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .field("password_file", &self.password_file)
            .field("receiver_id", &self.receiver_id)
            .field("timeout_seconds", &self.timeout_seconds)
            .field("ca_file", &self.ca_file)
            .field("client_cert", &self.client_cert)
            .field("client_key", &self.client_key)
            .field("recheck_days", &self.recheck_days)
            .finish()
    }
}

/// The two envelopes of the CORE connectivity rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvelopeKind {
    /// `multipart/form-data` fields.
    Mime,
    /// SOAP 1.2, credentials in a WS-Security `UsernameToken`.
    Soap,
}

impl EnvelopeKind {
    /// The setting's value, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mime => "mime",
            Self::Soap => "soap",
        }
    }
}

/// The CORE `UserName` and `Password`. The password's `Debug` does not show it.
#[derive(Clone)]
pub struct Credentials {
    username: String,
    password: String,
}

impl Credentials {
    pub fn username(&self) -> &str {
        &self.username
    }

    pub fn password(&self) -> &str {
        &self.password
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("username", &self.username).field("password", &"…").finish()
    }
}

/// A client certificate and its key, as one PEM text (what reqwest's rustls identity
/// reads). Checked when parsed; its `Debug` shows neither.
#[derive(Clone)]
pub struct ClientIdentity {
    pem: Vec<u8>,
}

impl ClientIdentity {
    pub(super) fn pem(&self) -> &[u8] {
        &self.pem
    }
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientIdentity(…)")
    }
}

/// A usable real-time eligibility configuration: built only by
/// [`EligibilityArgs::settings`], so every value in it has been checked.
#[derive(Debug, Clone)]
pub struct CoreSettings {
    endpoint: url::Url,
    envelope: EnvelopeKind,
    credentials: Option<Credentials>,
    sender_id: String,
    receiver_id: String,
    timeout: Duration,
    /// ELIGIBILITY_CA_FILE's PEM, checked to hold at least one readable certificate.
    ca_pem: Option<Vec<u8>>,
    identity: Option<ClientIdentity>,
    recheck_days: u32,
}

impl CoreSettings {
    pub fn endpoint(&self) -> &url::Url {
        &self.endpoint
    }
    pub fn envelope(&self) -> EnvelopeKind {
        self.envelope
    }
    /// `None` when the clinic authenticates with a client certificate only.
    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }
    pub fn sender_id(&self) -> &str {
        &self.sender_id
    }
    pub fn receiver_id(&self) -> &str {
        &self.receiver_id
    }
    /// How long one whole exchange may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
    /// Days before a booked consult that its coverage is checked again (0: never).
    pub fn recheck_days(&self) -> u32 {
        self.recheck_days
    }
    pub(super) fn ca_pem(&self) -> Option<&[u8]> {
        self.ca_pem.as_deref()
    }
    pub(super) fn identity(&self) -> Option<&ClientIdentity> {
        self.identity.as_ref()
    }
}

/// The longest wait the setting allows, and its bounds.
pub const TIMEOUT_SECONDS: std::ops::RangeInclusive<u64> = 1..=120;

/// CORE identifiers are short codes; anything longer is a pasting mistake.
const MAX_ID_CHARS: usize = 80;

impl EligibilityArgs {
    /// The checked settings: `Ok(None)` when ELIGIBILITY_ENDPOINT is not set (real-time
    /// checks are off), `Err` with one line naming the variable at fault otherwise.
    /// `sender_id` is X12_SENDER_ID, the CORE `SenderID`.
    ///
    /// Values given without an endpoint are still checked, so a mistake shows the day it
    /// is made rather than the day the endpoint is added.
    pub fn settings(&self, sender_id: &str) -> Result<Option<CoreSettings>, String> {
        let envelope = match self.envelope.trim().to_ascii_lowercase().as_str() {
            "mime" => EnvelopeKind::Mime,
            "soap" => EnvelopeKind::Soap,
            _ => return Err("ELIGIBILITY_ENVELOPE must be mime or soap".into()),
        };
        let timeout = parse_timeout(&self.timeout_seconds)?;
        let recheck_days = parse_recheck_days(&self.recheck_days)?;
        let credentials = self.credentials()?;
        let identity = self.identity()?;
        let ca_pem = self.ca_file.as_deref().map(ca_certificates).transpose()?;
        let receiver_id = self.receiver_id.as_deref().map(|id| parse_id("ELIGIBILITY_RECEIVER_ID", id)).transpose()?;
        let Some(endpoint) = self.endpoint.as_deref() else {
            return Ok(None);
        };
        let endpoint = parse_endpoint(endpoint)?;
        let receiver_id = receiver_id.ok_or(
            "ELIGIBILITY_RECEIVER_ID is required with ELIGIBILITY_ENDPOINT: set it to the clearinghouse's CORE ReceiverID",
        )?;
        let sender_id = parse_id("X12_SENDER_ID", sender_id)?;
        if credentials.is_none() && identity.is_none() {
            return Err(
                "ELIGIBILITY_ENDPOINT needs credentials: set ELIGIBILITY_USERNAME and ELIGIBILITY_PASSWORD (or \
                        ELIGIBILITY_PASSWORD_FILE), or ELIGIBILITY_CLIENT_CERT and ELIGIBILITY_CLIENT_KEY"
                    .into(),
            );
        }
        Ok(Some(CoreSettings {
            endpoint,
            envelope,
            credentials,
            sender_id,
            receiver_id,
            timeout,
            ca_pem,
            identity,
            recheck_days,
        }))
    }

    fn credentials(&self) -> Result<Option<Credentials>, String> {
        let password = match (&self.password, &self.password_file) {
            (Some(_), Some(_)) => {
                return Err("set ELIGIBILITY_PASSWORD or ELIGIBILITY_PASSWORD_FILE, not both".into());
            }
            (Some(p), None) => Some(parse_secret("ELIGIBILITY_PASSWORD", p)?),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("ELIGIBILITY_PASSWORD_FILE cannot be read ({}): {e}", path.display()))?;
                // An editor's final newline is not part of the password.
                let text = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
                Some(parse_secret("ELIGIBILITY_PASSWORD_FILE", text)?)
            }
            (None, None) => None,
        };
        let username = self.username.as_deref().map(|u| parse_id("ELIGIBILITY_USERNAME", u)).transpose()?;
        match (username, password) {
            (Some(username), Some(password)) => Ok(Some(Credentials { username, password })),
            (None, None) => Ok(None),
            (Some(_), None) => {
                Err("ELIGIBILITY_USERNAME is set but ELIGIBILITY_PASSWORD (or ELIGIBILITY_PASSWORD_FILE) is not".into())
            }
            (None, Some(_)) => Err("ELIGIBILITY_PASSWORD is set but ELIGIBILITY_USERNAME is not".into()),
        }
    }

    fn identity(&self) -> Result<Option<ClientIdentity>, String> {
        let (cert, key) = match (&self.client_cert, &self.client_key) {
            (Some(cert), Some(key)) => (cert, key),
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return Err("ELIGIBILITY_CLIENT_CERT is set but ELIGIBILITY_CLIENT_KEY is not: a client certificate \
                            needs its private key"
                    .into());
            }
            (None, Some(_)) => {
                return Err(
                    "ELIGIBILITY_CLIENT_KEY is set but ELIGIBILITY_CLIENT_CERT is not: a private key needs its \
                            certificate"
                        .into(),
                );
            }
        };
        let cert_pem = read_file("ELIGIBILITY_CLIENT_CERT", cert)?;
        if !pem_sections(&cert_pem).iter().any(|kind| kind == "CERTIFICATE") {
            return Err(format!("ELIGIBILITY_CLIENT_CERT ({}) holds no PEM certificate", cert.display()));
        }
        let key_pem = read_file("ELIGIBILITY_CLIENT_KEY", key)?;
        if !pem_sections(&key_pem).iter().any(|kind| kind.ends_with("PRIVATE KEY")) {
            return Err(format!("ELIGIBILITY_CLIENT_KEY ({}) holds no PEM private key", key.display()));
        }
        let mut pem = cert_pem;
        pem.push(b'\n');
        pem.extend_from_slice(&key_pem);
        // The same reader the client uses: what passes here is what it will present.
        reqwest::Identity::from_pem(&pem).map_err(|_| {
            "ELIGIBILITY_CLIENT_CERT and ELIGIBILITY_CLIENT_KEY cannot be used together: expected a PEM certificate \
             and its PKCS#8, PKCS#1 or SEC1 private key"
                .to_owned()
        })?;
        Ok(Some(ClientIdentity { pem }))
    }
}

/// The default of ELIGIBILITY_RECHECK_DAYS.
pub const DEFAULT_RECHECK_DAYS: u32 = 3;

/// ELIGIBILITY_RECHECK_DAYS: 0 to 30 days; empty is the default.
fn parse_recheck_days(text: &str) -> Result<u32, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(DEFAULT_RECHECK_DAYS);
    }
    match text.parse::<u32>() {
        Ok(days) if days <= 30 => Ok(days),
        _ => Err("ELIGIBILITY_RECHECK_DAYS must be a whole number of days from 0 to 30".into()),
    }
}

/// An `https://` URL, or `http://` to a loopback host (the tests' CORE server). A URL
/// with a user name or password is refused: credentials have their own settings and
/// must not end up in logs with the URL.
fn parse_endpoint(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text.trim()).map_err(|_| "ELIGIBILITY_ENDPOINT is not a URL".to_owned())?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("ELIGIBILITY_ENDPOINT must not carry a user name or password: use ELIGIBILITY_USERNAME and \
                    ELIGIBILITY_PASSWORD"
            .into());
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err("ELIGIBILITY_ENDPOINT must be an https:// URL (http:// is accepted only for a loopback host: \
                  127.0.0.0/8, ::1 or localhost)"
            .into()),
    }
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    text.trim().parse::<u64>().ok().filter(|s| TIMEOUT_SECONDS.contains(s)).map(Duration::from_secs).ok_or_else(|| {
        format!(
            "ELIGIBILITY_TIMEOUT_SECONDS must be a whole number of seconds from {} to {} (the default is 25)",
            TIMEOUT_SECONDS.start(),
            TIMEOUT_SECONDS.end()
        )
    })
}

/// A CORE identifier or user name: 1 to 80 characters of one line. Shown in the
/// message only by its variable's name.
fn parse_id(variable: &str, text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > MAX_ID_CHARS || t.chars().any(char::is_control) {
        Err(format!("{variable} must be 1 to {MAX_ID_CHARS} characters on one line"))
    } else {
        Ok(t.to_owned())
    }
}

/// A password: not empty, and no control characters (XML 1.0, which the SOAP envelope
/// is, cannot carry most of them). Kept exactly as given otherwise: spaces may be part
/// of it.
fn parse_secret(variable: &str, text: &str) -> Result<String, String> {
    if text.is_empty() {
        Err(format!("{variable} is empty"))
    } else if text.chars().any(char::is_control) {
        Err(format!("{variable} must be one line without control characters (the value is not shown)"))
    } else {
        Ok(text.to_owned())
    }
}

fn read_file(variable: &str, path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{variable} cannot be read ({}): {e}", path.display()))
}

/// The labels of a PEM text's sections (`CERTIFICATE`, `PRIVATE KEY`, …), in order.
fn pem_sections(pem: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(pem)
        .lines()
        .filter_map(|line| line.trim().strip_prefix("-----BEGIN ")?.strip_suffix("-----").map(str::to_owned))
        .collect()
}

/// A CA file's PEM, checked by the reader the client uses.
fn ca_certificates(path: &Path) -> Result<Vec<u8>, String> {
    let pem = read_file("ELIGIBILITY_CA_FILE", path)?;
    let bad = || format!("ELIGIBILITY_CA_FILE ({}) holds no readable PEM certificate", path.display());
    let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| bad())?;
    if certificates.is_empty() {
        return Err(bad());
    }
    Ok(pem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> EligibilityArgs {
        EligibilityArgs {
            endpoint: Some("https://core.clearinghouse.example/rt".into()),
            envelope: "mime".into(),
            username: Some("clinic".into()),
            password: Some("s3cret pass".into()),
            receiver_id: Some("CLEARINGHOUSE".into()),
            timeout_seconds: "25".into(),
            ..EligibilityArgs::default()
        }
    }

    /// The refusal for `args`: one line, naming `variable`, never the password.
    fn refused(args: &EligibilityArgs, variable: &str) -> String {
        let err = args.settings("CLINICSUBMIT").unwrap_err();
        assert!(!err.contains('\n'), "one line: {err}");
        assert!(err.contains(variable), "names {variable}: {err}");
        assert!(!err.contains("s3cret"), "never the password: {err}");
        err
    }

    #[test]
    fn a_complete_configuration_is_accepted() {
        let s = args().settings(" CLINICSUBMIT ").unwrap().unwrap();
        assert_eq!(s.endpoint().as_str(), "https://core.clearinghouse.example/rt");
        assert_eq!(s.envelope(), EnvelopeKind::Mime);
        assert_eq!(s.sender_id(), "CLINICSUBMIT");
        assert_eq!(s.receiver_id(), "CLEARINGHOUSE");
        assert_eq!(s.timeout(), Duration::from_secs(25));
        assert_eq!(s.credentials().unwrap().password(), "s3cret pass");
        assert!(!format!("{s:?}").contains("s3cret"), "Debug hides the password");
        assert!(!format!("{:?}", args()).contains("s3cret"), "so does the arguments' Debug");
        let soap = EligibilityArgs { envelope: "SOAP".into(), ..args() };
        assert_eq!(soap.settings("CLINICSUBMIT").unwrap().unwrap().envelope(), EnvelopeKind::Soap);
    }

    #[test]
    fn without_an_endpoint_real_time_checks_are_off() {
        let off = EligibilityArgs { endpoint: None, receiver_id: None, ..args() };
        assert!(off.settings("CLINICSUBMIT").unwrap().is_none());
        assert!(EligibilityArgs { timeout_seconds: "25".into(), envelope: "mime".into(), ..Default::default() }
            .settings("CLINICSUBMIT")
            .unwrap()
            .is_none());
        // What is given is still checked.
        refused(&EligibilityArgs { timeout_seconds: "0".into(), ..off }, "ELIGIBILITY_TIMEOUT_SECONDS");
    }

    #[test]
    fn http_is_only_for_loopback_hosts() {
        for ok in ["http://127.0.0.1:8080/core", "http://127.3.4.5/core", "http://[::1]:9/core", "http://LOCALHOST/x"] {
            let a = EligibilityArgs { endpoint: Some(ok.into()), ..args() };
            assert!(a.settings("CLINICSUBMIT").unwrap().is_some(), "{ok}");
        }
        for bad in [
            "http://core.clearinghouse.example/rt",
            "http://10.0.0.5/rt",
            "http://128.0.0.1/rt",
            "http://localhost.evil.example/rt",
            "ftp://core.clearinghouse.example/rt",
            "core.clearinghouse.example",
        ] {
            let err = refused(&EligibilityArgs { endpoint: Some(bad.into()), ..args() }, "ELIGIBILITY_ENDPOINT");
            assert!(!err.contains(bad), "the URL is not echoed: {err}");
        }
        let err = refused(
            &EligibilityArgs { endpoint: Some("https://clinic:s3cret@core.example/rt".into()), ..args() },
            "ELIGIBILITY_ENDPOINT",
        );
        assert!(err.contains("user name or password"), "{err}");
    }

    #[test]
    fn the_receiver_id_is_required_with_an_endpoint() {
        refused(&EligibilityArgs { receiver_id: None, ..args() }, "ELIGIBILITY_RECEIVER_ID");
        refused(&EligibilityArgs { receiver_id: Some("  ".into()), ..args() }, "ELIGIBILITY_RECEIVER_ID");
        refused(&EligibilityArgs { receiver_id: Some("A\nB".into()), ..args() }, "ELIGIBILITY_RECEIVER_ID");
    }

    #[test]
    fn the_timeout_is_1_to_120_seconds() {
        for bad in ["0", "121", "-1", "ten", "2.5", ""] {
            let err =
                refused(&EligibilityArgs { timeout_seconds: bad.into(), ..args() }, "ELIGIBILITY_TIMEOUT_SECONDS");
            assert!(err.contains("from 1 to 120"), "{err}");
        }
        for (ok, secs) in [("1", 1), ("120", 120), (" 30 ", 30)] {
            let s = EligibilityArgs { timeout_seconds: ok.into(), ..args() }.settings("X").unwrap().unwrap();
            assert_eq!(s.timeout(), Duration::from_secs(secs));
        }
    }

    #[test]
    fn the_flags_fit_in_the_command_line_beside_the_others() {
        use clap::CommandFactory;
        crate::server::config::Cli::command().debug_assert();
        use clap::Parser;
        let cli = crate::server::config::Cli::try_parse_from([
            "pain-intake",
            "--x12-receiver-id",
            "X12RECEIVER",
            "--eligibility-receiver-id",
            "CORERECEIVER",
            "--eligibility-endpoint",
            "https://core.example/rt",
            "--eligibility-username",
            "clinic",
            "--eligibility-password",
            "pw",
        ])
        .unwrap();
        let settings = cli.serve.eligibility.settings(&cli.serve.x12.sender_id).unwrap().unwrap();
        assert_eq!(settings.receiver_id(), "CORERECEIVER");
        assert_eq!(cli.serve.x12.receiver_id, "X12RECEIVER");
    }

    #[test]
    fn the_envelope_is_mime_or_soap() {
        refused(&EligibilityArgs { envelope: "json".into(), ..args() }, "ELIGIBILITY_ENVELOPE");
    }

    #[test]
    fn credentials_come_in_pairs_and_never_show() {
        refused(&EligibilityArgs { password: None, ..args() }, "ELIGIBILITY_PASSWORD");
        refused(&EligibilityArgs { username: None, ..args() }, "ELIGIBILITY_USERNAME");
        refused(&EligibilityArgs { password: Some(String::new()), ..args() }, "ELIGIBILITY_PASSWORD");
        refused(&EligibilityArgs { password: Some("s3cret\nline".into()), ..args() }, "ELIGIBILITY_PASSWORD");
        let both = EligibilityArgs { password_file: Some("/nonexistent".into()), ..args() };
        refused(&both, "not both");
        let err = refused(&EligibilityArgs { username: None, password: None, ..args() }, "ELIGIBILITY_ENDPOINT");
        assert!(err.contains("ELIGIBILITY_CLIENT_CERT"), "names the alternative: {err}");
    }

    #[test]
    fn a_password_file_is_read_without_its_final_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("password");
        std::fs::write(&path, "s3cret pass\r\n").unwrap();
        let a = EligibilityArgs { password: None, password_file: Some(path.clone()), ..args() };
        assert_eq!(a.settings("X").unwrap().unwrap().credentials().unwrap().password(), "s3cret pass");
        std::fs::write(&path, "\n").unwrap();
        refused(&a, "ELIGIBILITY_PASSWORD_FILE is empty");
        let missing = EligibilityArgs { password_file: Some(dir.path().join("nope")), password: None, ..args() };
        refused(&missing, "ELIGIBILITY_PASSWORD_FILE cannot be read");
    }

    #[test]
    fn a_client_certificate_needs_its_key_and_both_must_be_pem() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("client.crt");
        let key = dir.path().join("client.key");
        std::fs::write(&cert, "not a certificate").unwrap();
        std::fs::write(&key, "not a key").unwrap();
        let err = refused(&EligibilityArgs { client_cert: Some(cert.clone()), ..args() }, "ELIGIBILITY_CLIENT_KEY");
        assert!(err.starts_with("ELIGIBILITY_CLIENT_CERT is set but ELIGIBILITY_CLIENT_KEY is not"), "{err}");
        refused(&EligibilityArgs { client_key: Some(key.clone()), ..args() }, "ELIGIBILITY_CLIENT_CERT");
        let both = EligibilityArgs { client_cert: Some(cert), client_key: Some(key), ..args() };
        refused(&both, "ELIGIBILITY_CLIENT_CERT");
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n").unwrap();
        refused(&EligibilityArgs { ca_file: Some(ca), ..args() }, "ELIGIBILITY_CA_FILE");
        refused(&EligibilityArgs { ca_file: Some(dir.path().join("nope.pem")), ..args() }, "ELIGIBILITY_CA_FILE");
    }
}
