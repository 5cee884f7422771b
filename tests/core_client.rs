//! The CAQH CORE connectivity client (`eligibility-realtime.md`) against the loopback
//! CORE server of `tests/common/core_server.rs`, which checks every envelope field and
//! the 270 in both envelopes: a 271, an AAA 42 (then a success), a 999, an ErrorCode
//! failure, malformed XML and MIME, an HTTP refusal, a reply slower than the timeout;
//! mutual TLS with certificates made here; and the log line, which must hold no
//! credential, payload or patient detail.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use common::core_server::{CoreServer, Expected, SLOW};
use common::x12::{ACTIVE_CIGNA, SUBSCRIBER_270};
use pain_intake::domain::values::Reference;
use pain_intake::server::core_client::{
    classify, Checked, CoreClient, CoreError, CoreReply, Disposition, EligibilityArgs, FailCause, RetryCause, Saved,
};
use pain_intake::x12::Status;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_rustls::rustls;

const USER: &str = "core-user-7781";
const PASSWORD: &str = "pw-Secret-5519&<x>";
const SENDER: &str = "CLINICSUBMIT";
const RECEIVER: &str = "CLEARINGHOUSE";
const ORIGINATOR: &str = "9CLINIC001";
const ENVELOPES: [&str; 2] = ["mime", "soap"];

fn now() -> jiff::Timestamp {
    "2026-11-23T12:00:00-06:00".parse().unwrap()
}

fn reference() -> Reference {
    Reference::parse("K7Q2-9XPM").unwrap()
}

fn expected(credentials: bool) -> Expected {
    Expected {
        credentials: credentials.then(|| (USER.to_owned(), PASSWORD.to_owned())),
        sender_id: SENDER.into(),
        receiver_id: RECEIVER.into(),
        timestamp: "2026-11-23T18:00:00Z".into(),
        payload: SUBSCRIBER_270.into(),
    }
}

/// The settings as an administrator would give them.
fn args(endpoint: &str, envelope: &str) -> EligibilityArgs {
    EligibilityArgs {
        endpoint: Some(endpoint.into()),
        envelope: envelope.into(),
        username: Some(USER.into()),
        password: Some(PASSWORD.into()),
        receiver_id: Some(RECEIVER.into()),
        timeout_seconds: "5".into(),
        ..EligibilityArgs::default()
    }
}

fn client(args: &EligibilityArgs) -> CoreClient {
    let settings = args.settings(SENDER).unwrap().expect("an endpoint is set");
    CoreClient::new(&settings).unwrap()
}

async fn check(client: &CoreClient) -> Result<CoreReply, CoreError> {
    client.check(SUBSCRIBER_270, &reference(), now()).await
}

/// What the job would do with a check's result.
fn disposition(result: &Result<CoreReply, CoreError>) -> Disposition {
    match result {
        Ok(reply) => classify(Checked::Read(&reply.read_271(ORIGINATOR))),
        Err(e) => classify(Checked::Failed(e)),
    }
}

#[tokio::test]
async fn both_envelopes_bring_back_the_271_with_every_field_checked() {
    let server = CoreServer::start(expected(true)).await;
    for envelope in ENVELOPES {
        let result = check(&client(&args(&server.endpoint("271"), envelope))).await;
        let reply =
            result.as_ref().unwrap_or_else(|e| panic!("{envelope}: {e}; the server saw {:?}", server.problems()));
        assert_eq!(reply.http_status, 200);
        assert_eq!(reply.error_code, "Success");
        assert_eq!(reply.envelope.as_str(), envelope);
        assert_eq!(reply.payload.as_str(), String::from_utf8_lossy(ACTIVE_CIGNA).trim());
        let eligibility = reply.read_271(ORIGINATOR).unwrap();
        assert_eq!(eligibility.status, Status::Active);
        assert_eq!(disposition(&result), Disposition::Saved(Saved::Active));
        assert!(reply.duration < Duration::from_secs(5));
    }
    assert_eq!(server.problems(), Vec::<String>::new());
    let received = server.received();
    assert_eq!(received.iter().map(|r| r.envelope).collect::<Vec<_>>(), ENVELOPES);
    assert_ne!(received[0].payload_id, received[1].payload_id, "a fresh PayloadID per request");
}

#[tokio::test]
async fn every_answer_the_clearinghouse_can_give_is_told_apart() {
    let server = CoreServer::start(expected(true)).await;
    for envelope in ENVELOPES {
        let run = |scenario: &str| {
            let c = client(&args(&server.endpoint(scenario), envelope));
            async move { check(&c).await }
        };

        let result = run("aaa42").await;
        assert_eq!(result.as_ref().unwrap().read_271(ORIGINATOR).unwrap().status, Status::Rejected);
        assert_eq!(disposition(&result), Disposition::Retry(RetryCause::PayerUnavailable), "{envelope}");

        let result = run("999").await;
        let Err(CoreError::Rejected { ack }) = &result else { panic!("{envelope}: {result:?}") };
        assert!(ack.as_str().contains("ST*999"), "the 999 is kept for the attempt's record");
        assert_eq!(disposition(&result), Disposition::Failed(FailCause::Rejected999));

        let result = run("error-code").await;
        assert_eq!(
            result.as_ref().unwrap_err(),
            &CoreError::ErrorCode {
                code: "ReceiverDown".into(),
                message: "The payer's system is down & will be back at 6 a.m.".into()
            },
            "{envelope}"
        );
        assert_eq!(disposition(&result), Disposition::Retry(RetryCause::ErrorCode("ReceiverDown".into())));

        let result = run("malformed").await;
        assert!(matches!(&result, Err(CoreError::Malformed(_))), "{envelope}: {result:?}");
        assert!(matches!(disposition(&result), Disposition::Failed(FailCause::Unreadable(_))));

        let result = run("http-401").await;
        assert_eq!(result.as_ref().unwrap_err(), &CoreError::HttpStatus(401));
        assert_eq!(disposition(&result), Disposition::Failed(FailCause::HttpStatus(401)));
    }
    assert_eq!(server.problems(), Vec::<String>::new());
}

#[tokio::test]
async fn an_aaa_42_is_retried_and_the_next_try_succeeds() {
    let server = CoreServer::start(expected(true)).await;
    let c = client(&args(&server.endpoint("aaa42-then-271"), "soap"));
    let first = check(&c).await;
    assert_eq!(disposition(&first), Disposition::Retry(RetryCause::PayerUnavailable));
    let second = check(&c).await;
    assert_eq!(disposition(&second), Disposition::Saved(Saved::Active));
    assert_ne!(first.unwrap().payload_id, second.unwrap().payload_id);
    assert_eq!(server.problems(), Vec::<String>::new());
}

#[tokio::test]
async fn a_reply_slower_than_the_timeout_is_a_timeout() {
    let server = CoreServer::start(expected(true)).await;
    for envelope in ENVELOPES {
        let c = client(&EligibilityArgs { timeout_seconds: "1".into(), ..args(&server.endpoint("slow"), envelope) });
        let started = Instant::now();
        let result = check(&c).await;
        assert_eq!(result.as_ref().unwrap_err(), &CoreError::Timeout(1), "{envelope}");
        assert!(started.elapsed() < SLOW, "gave up after the timeout, not after the reply");
        assert_eq!(disposition(&result), Disposition::Retry(RetryCause::Timeout));
    }
}

#[tokio::test]
async fn nobody_listening_is_a_connection_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = client(&args(&format!("http://127.0.0.1:{port}/core"), "mime"));
    let result = check(&c).await;
    assert!(matches!(&result, Err(CoreError::Connect(_))), "{result:?}");
    assert_eq!(disposition(&result), Disposition::Retry(RetryCause::Connect));
}

// ---------------------------------------------------------------------------------------
// Mutual TLS
// ---------------------------------------------------------------------------------------

/// A certificate authority made for the test.
fn authority(name: &str) -> rcgen::CertifiedIssuer<'static, rcgen::KeyPair> {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::DigitalSignature];
    rcgen::CertifiedIssuer::self_signed(params, rcgen::KeyPair::generate().unwrap()).unwrap()
}

/// A certificate signed by `ca`, with its key.
fn leaf(
    ca: &rcgen::CertifiedIssuer<'static, rcgen::KeyPair>,
    names: &[&str],
    usage: rcgen::ExtendedKeyUsagePurpose,
) -> (rcgen::Certificate, rcgen::KeyPair) {
    let mut params = rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(rcgen::DnType::CommonName, names[0]);
    params.extended_key_usages = vec![usage];
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, ca).unwrap();
    (cert, key)
}

/// The clearinghouse's TLS: its certificate from `server_ca`, and client certificates
/// required, signed by `client_ca`.
fn server_tls(
    server_ca: &rcgen::CertifiedIssuer<'static, rcgen::KeyPair>,
    client_ca: &rcgen::CertifiedIssuer<'static, rcgen::KeyPair>,
) -> rustls::ServerConfig {
    let (cert, key) = leaf(server_ca, &["127.0.0.1", "localhost"], rcgen::ExtendedKeyUsagePurpose::ServerAuth);
    let mut roots = rustls::RootCertStore::empty();
    roots.add(client_ca.der().clone()).unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots)).build().unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    rustls::ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![cert.der().clone()], key)
        .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn mutual_tls_needs_the_client_certificate_and_a_trusted_server() {
    let ca = authority("Test Clearinghouse CA");
    let stranger = authority("Some Other CA");
    let dir = tempfile::tempdir().unwrap();
    let ca_file = write(dir.path(), "ca.pem", &ca.pem());
    let stranger_file = write(dir.path(), "other-ca.pem", &stranger.pem());
    let (client_cert, client_key) = leaf(&ca, &["clinic.example"], rcgen::ExtendedKeyUsagePurpose::ClientAuth);
    let cert_file = write(dir.path(), "client.crt", &client_cert.pem());
    let key_file = write(dir.path(), "client.key", &client_key.serialize_pem());
    // The certificate is the clinic's credential: no UserName or Password is sent.
    let server = CoreServer::start_tls(expected(false), server_tls(&ca, &ca)).await;
    for envelope in ENVELOPES {
        let with_cert = EligibilityArgs {
            username: None,
            password: None,
            ca_file: Some(ca_file.clone()),
            client_cert: Some(cert_file.clone()),
            client_key: Some(key_file.clone()),
            ..args(&server.endpoint("271"), envelope)
        };
        let result = check(&client(&with_cert)).await;
        assert_eq!(disposition(&result), Disposition::Saved(Saved::Active), "{envelope}: {result:?}");

        // Without the client certificate the server ends the handshake.
        let without = EligibilityArgs { ca_file: Some(ca_file.clone()), ..args(&server.endpoint("271"), envelope) };
        let result = check(&client(&without)).await;
        assert!(matches!(&result, Err(CoreError::Connect(_))), "{envelope}: {result:?}");

        // A server whose certificate ELIGIBILITY_CA_FILE's CA did not sign is not trusted.
        let wrong_ca = EligibilityArgs { ca_file: Some(stranger_file.clone()), ..with_cert.clone() };
        let result = check(&client(&wrong_ca)).await;
        let Err(CoreError::Connect(reason)) = &result else { panic!("{envelope}: {result:?}") };
        assert!(reason.contains("certificate"), "{reason}");
        // Nor by the system's roots alone.
        let system_only = EligibilityArgs { ca_file: None, ..with_cert };
        assert!(matches!(check(&client(&system_only)).await, Err(CoreError::Connect(_))));
    }
    assert_eq!(server.received().len(), 2, "only the requests with the certificate got through");
    assert_eq!(server.problems(), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------
// The log line
// ---------------------------------------------------------------------------------------

/// Collects what the tracing subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_exchange_logs_one_line_without_credentials_payloads_or_names() {
    let server = CoreServer::start(expected(true)).await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The test's runtime runs on this thread, so the client's events reach this subscriber.
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut ids = Vec::new();
    for envelope in ENVELOPES {
        for scenario in ["271", "error-code", "999", "malformed"] {
            let c = client(&args(&server.endpoint(scenario), envelope));
            if let Ok(reply) = check(&c).await {
                ids.push(reply.payload_id.to_string());
            }
        }
    }
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = log.lines().filter(|l| l.contains("real-time eligibility exchange")).collect();
    assert_eq!(lines.len(), 8, "one line per exchange:\n{log}");
    for (line, envelope) in lines.iter().zip(["mime"; 4].into_iter().chain(["soap"; 4])) {
        for field in ["reference=K7Q2-9XPM", "payload_id=", "time=\"2026-11-23T18:00:00Z\"", "duration_ms="] {
            assert!(line.contains(field), "{field} in {line}");
        }
        assert!(line.contains(&format!("envelope=\"{envelope}\"")), "{line}");
    }
    assert!(lines[0].contains("http_status=200") && lines[0].contains("error_code=\"Success\""), "{}", lines[0]);
    assert!(lines[1].contains("error_code=\"ReceiverDown\"") && lines[1].contains("outcome=\"error-code\""));
    assert!(lines[2].contains("outcome=\"rejected-999\""));
    assert!(lines[3].contains("outcome=\"malformed\"") && lines[3].contains("reason=\"the MIME answer"));
    assert!(!lines[3].contains("error_code="), "no ErrorCode was read: {}", lines[3]);
    for id in &ids {
        assert!(log.contains(id.as_str()), "the PayloadID {id} is logged");
    }
    let text_271 = String::from_utf8_lossy(ACTIVE_CIGNA);
    for secret in [
        USER,
        PASSWORD,
        "pw-Secret",
        "XYZ123456789", // the member ID in the 270
        "DOE",
        "JANE",
        "ISA*",
        "ST*",
        "back at 6 a.m.", // the clearinghouse's ErrorMessage
        text_271.lines().nth(1).unwrap_or("GS*"),
    ] {
        assert!(!log.contains(secret), "{secret:?} is in the log:\n{log}");
    }
    assert_eq!(server.problems(), Vec::<String>::new());
}
