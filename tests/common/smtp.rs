//! A tiny SMTP server for the tests: enough of RFC 5321 for lettre to deliver a message
//! to it, keeping each message as received; it can refuse DATA or answer slowly.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub rcpt_to: Vec<String>,
    pub data: String,
}

#[derive(Default)]
pub struct SmtpState {
    pub messages: Mutex<Vec<Received>>,
    /// Answer 451 to DATA, as a server with a full queue would.
    pub failing: AtomicBool,
    /// DATA commands seen, accepted or not.
    pub data_commands: AtomicUsize,
    /// Wait this long before accepting a message, to widen races between senders.
    pub delay_ms: AtomicU64,
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    pub state: Arc<SmtpState>,
}

impl SmtpServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind SMTP test server");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(SmtpState::default());
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = session(stream, &state).await;
                });
            }
        });
        Self { addr, state }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.state.messages.lock().unwrap().clone()
    }

    pub fn set_failing(&self, failing: bool) {
        self.state.failing.store(failing, Ordering::SeqCst);
    }

    pub fn data_commands(&self) -> usize {
        self.state.data_commands.load(Ordering::SeqCst)
    }
}

async fn session(stream: TcpStream, state: &SmtpState) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 smtp.test ESMTP ready\r\n").await?;
    let mut rcpt_to = Vec::new();
    loop {
        let mut line = String::new();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 smtp.test\r\n"
        } else if command.starts_with("MAIL FROM:") {
            rcpt_to.clear();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO:") {
            rcpt_to.push(line.trim_end()[8..].trim().trim_matches(['<', '>']).to_owned());
            b"250 OK\r\n"
        } else if command == "DATA" {
            state.data_commands.fetch_add(1, Ordering::SeqCst);
            if state.failing.load(Ordering::SeqCst) {
                b"451 4.3.0 Try again later\r\n"
            } else {
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let mut data = String::new();
                loop {
                    let mut line = String::new();
                    if read.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    // Undo dot-stuffing.
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                let delay = state.delay_ms.load(Ordering::SeqCst);
                if delay > 0 {
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                }
                state.messages.lock().unwrap().push(Received { rcpt_to: rcpt_to.clone(), data });
                b"250 OK queued\r\n"
            }
        } else if command == "RSET" || command == "NOOP" {
            b"250 OK\r\n"
        } else if command == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            b"502 Command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}
