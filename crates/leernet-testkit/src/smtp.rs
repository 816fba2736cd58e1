//! A tiny SMTP server for the mail tests: a listener on 127.0.0.1 that speaks just enough
//! SMTP for lettre (no TLS, no authentication, no internet), keeps every message it accepts,
//! and refuses recipients when told to.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// One message the sink accepted.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The recipients, as given in `RCPT TO:` (`<address>`).
    pub to: Vec<String>,
    /// The data as sent, lines ending in CRLF, without the final `.` line.
    pub raw: String,
    /// The data with quoted-printable soft line breaks (`=` at a line's end) undone.
    pub data: String,
}

/// Which recipients the sink refuses (`550 5.1.1 mailbox unavailable`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refuse {
    /// Accept every recipient.
    Nobody,
    /// Refuse every recipient.
    Everyone,
    /// Refuse the recipients whose `RCPT TO:` line contains this text.
    Containing(String),
}

/// A running sink; it stops with the Tokio runtime that started it.
#[derive(Debug, Clone)]
pub struct SmtpSink {
    /// The port it listens on, at 127.0.0.1.
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    refuse: Arc<Mutex<Refuse>>,
    refused: Arc<AtomicUsize>,
}

impl SmtpSink {
    /// Starts a sink on a free port of 127.0.0.1, refusing as `refuse` says.
    ///
    /// # Panics
    /// When no port can be bound (a test set-up failure).
    pub async fn start(refuse: Refuse) -> SmtpSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the SMTP sink");
        let port = listener.local_addr().expect("the sink's address").port();
        let sink = SmtpSink {
            port,
            mails: Arc::default(),
            refuse: Arc::new(Mutex::new(refuse)),
            refused: Arc::default(),
        };
        let shared = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(shared.clone().session(stream));
            }
        });
        sink
    }

    /// From now on refuses as `refuse` says.
    pub fn set_refuse(&self, refuse: Refuse) {
        *self.refuse.lock().unwrap() = refuse;
    }

    /// The messages accepted so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// Forgets the messages accepted so far.
    pub fn clear(&self) {
        self.mails.lock().unwrap().clear();
    }

    /// How many recipients it refused so far.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }

    fn refuses(&self, line: &str) -> bool {
        match &*self.refuse.lock().unwrap() {
            Refuse::Nobody => false,
            Refuse::Everyone => true,
            Refuse::Containing(text) => line.contains(text.as_str()),
        }
    }

    async fn session(self, stream: tokio::net::TcpStream) {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        let _ = write.write_all(b"220 sink ESMTP\r\n").await;
        let mut to = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                b"250-sink\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("RCPT TO:") {
                if self.refuses(&line) {
                    self.refused.fetch_add(1, Ordering::SeqCst);
                    b"550 5.1.1 mailbox unavailable\r\n"
                } else {
                    to.push(line[8..].trim().to_owned());
                    b"250 OK\r\n"
                }
            } else if upper.starts_with("DATA") {
                let _ = write.write_all(b"354 go ahead\r\n").await;
                let mut raw = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    raw.push_str(&line);
                }
                let data = raw.replace("=\r\n", "");
                self.mails.lock().unwrap().push(Mail {
                    to: std::mem::take(&mut to),
                    raw,
                    data,
                });
                b"250 queued\r\n"
            } else if upper.starts_with("QUIT") {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            } else {
                b"250 OK\r\n"
            };
            let _ = write.write_all(reply).await;
        }
    }
}
