//! `leernet notify send` as cron runs it, against a tiny SMTP sink started in the test (no
//! internet): the waiting workspace e-mails go out in the member's language with links under
//! `LEERNET_PUBLIC_URL`; a message the server refuses stays in the outbox and the command
//! exits 1 saying so.

use leernet_core::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn leernet(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(args)
        .arg("--project")
        .arg(project)
        .env_remove("LEERNET_DATABASE_URL")
        .env("LEERNET_PUBLIC_URL", "https://leernet.example")
        .output()
        .expect("run leernet")
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Accepts every message (its data kept) unless `refuse` is set.
async fn sink() -> (u16, Arc<Mutex<Vec<String>>>, Arc<AtomicBool>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let refuse = Arc::new(AtomicBool::new(false));
    let (m, r) = (mails.clone(), refuse.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (m, r) = (m.clone(), r.clone());
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read);
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut line = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("RCPT TO:") && r.load(Ordering::SeqCst) {
                        b"550 5.1.1 mailbox unavailable\r\n"
                    } else if upper.starts_with("DATA") {
                        let _ = write.write_all(b"354 go ahead\r\n").await;
                        let mut data = String::new();
                        loop {
                            line.clear();
                            if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                                return;
                            }
                            if line == ".\r\n" {
                                break;
                            }
                            data.push_str(&line);
                        }
                        m.lock().unwrap().push(data.replace("=\r\n", ""));
                        b"250 queued\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, mails, refuse)
}

async fn run(project: &Path, args: &'static [&'static str]) -> Output {
    let p = project.to_path_buf();
    tokio::task::spawn_blocking(move || leernet(&p, args))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_send_delivers_what_waits_and_keeps_what_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("study");
    ok(Command::new(env!("CARGO_BIN_EXE_leernet"))
        .arg("init")
        .arg(&project)
        .output()
        .unwrap());
    ok(leernet(
        &project,
        &[
            "workplace",
            "add",
            "--slug",
            "noord",
            "--name",
            "Werkplaats Noord",
        ],
    ));
    ok(leernet(
        &project,
        &[
            "network",
            "add",
            "--slug",
            "wijk-a",
            "--name",
            "Netwerk Wijk A",
            "--workplace",
            "noord",
        ],
    ));
    let mut add = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args([
            "user",
            "add",
            "--email",
            "lid@example.org",
            "--role",
            "member",
        ])
        .args(["--network", "wijk-a", "--project"])
        .arg(&project)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "een lang genoeg wachtwoord").unwrap();
    assert!(add.wait().unwrap().success());

    // The member opted in (on an English page); the facilitator planned a session.
    let url = format!("sqlite://{}/leernet.sqlite", project.display());
    let store = leernet_store::Store::connect(&url).await.unwrap();
    let member = store.persons().await.unwrap()[0].id;
    let net = store.networks().await.unwrap()[0].id;
    store.set_notify(member, false, true).await.unwrap();
    store.set_notify_lang(member, Lang::En).await.unwrap();
    let plan = |date: &str| leernet_store::workspace::NewSession {
        date: date.into(),
        method: "reflection".into(),
        ..Default::default()
    };
    let first = store
        .plan_session(net, &plan("2026-12-03"), None, 1)
        .await
        .unwrap();

    // Without [smtp]: nothing sent, the message waits.
    let o = run(&project, &["notify", "send"]).await;
    assert!(ok(o).contains("nothing sent; 1 message(s) wait"));

    let (port, mails, refuse) = sink().await;
    let toml = project.join("leernet.toml");
    let mut settings = std::fs::read_to_string(&toml).unwrap();
    settings.push_str(&format!(
        "\n[smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nfrom = \"Leernet <leernet@example.org>\"\n"
    ));
    std::fs::write(&toml, settings).unwrap();
    let out = ok(run(&project, &["notify", "send"]).await);
    assert!(out.contains("Sent 1 workspace e-mail(s)"), "{out}");
    {
        let mails = mails.lock().unwrap();
        assert_eq!(mails.len(), 1);
        assert!(
            mails[0].contains("Session planned in Netwerk Wijk A"),
            "{}",
            mails[0]
        );
        assert!(mails[0].contains(&format!(
            "https://leernet.example/ws/wijk-a/sessions/{}",
            first.0
        )));
    }
    assert!(store.outbox_unsent().await.unwrap().is_empty());

    // Refused: exit 1, and the message stays for the next run.
    refuse.store(true, Ordering::SeqCst);
    store
        .plan_session(net, &plan("2027-01-14"), None, 2)
        .await
        .unwrap();
    let o = run(&project, &["notify", "send"]).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did not accept 1 message(s)"));
    assert_eq!(store.outbox_unsent().await.unwrap().len(), 1);
    refuse.store(false, Ordering::SeqCst);
    assert!(ok(run(&project, &["notify", "send"]).await).contains("Sent 1"));
    assert_eq!(mails.lock().unwrap().len(), 2);
    assert!(store.outbox_unsent().await.unwrap().is_empty());
    store.close().await;
}
