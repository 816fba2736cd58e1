//! `leernet notify send` as cron runs it, against `leernet_testkit`'s SMTP sink (no
//! internet): the waiting workspace e-mails go out in the member's language with links under
//! `LEERNET_PUBLIC_URL`; a message the server refuses stays in the outbox and the command
//! exits 1 saying so.

use leernet_core::*;
use leernet_testkit::smtp::{Refuse, SmtpSink};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

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

    let sink = SmtpSink::start(Refuse::Nobody).await;
    let port = sink.port;
    let toml = project.join("leernet.toml");
    let mut settings = std::fs::read_to_string(&toml).unwrap();
    settings.push_str(&format!(
        "\n[smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nfrom = \"Leernet <leernet@example.org>\"\n"
    ));
    std::fs::write(&toml, settings).unwrap();
    let out = ok(run(&project, &["notify", "send"]).await);
    assert!(out.contains("Sent 1 workspace e-mail(s)"), "{out}");
    {
        let mails = sink.mails();
        assert_eq!(mails.len(), 1);
        assert!(
            mails[0].data.contains("Session planned in Netwerk Wijk A"),
            "{}",
            mails[0].data
        );
        assert!(mails[0].data.contains(&format!(
            "https://leernet.example/studies/study/ws/wijk-a/sessions/{}",
            first.0
        )));
    }
    assert!(store.outbox_unsent().await.unwrap().is_empty());

    // Refused: exit 1, and the message stays for the next run.
    sink.set_refuse(Refuse::Everyone);
    store
        .plan_session(net, &plan("2027-01-14"), None, 2)
        .await
        .unwrap();
    let o = run(&project, &["notify", "send"]).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did not accept 1 message(s)"));
    assert_eq!(store.outbox_unsent().await.unwrap().len(), 1);
    sink.set_refuse(Refuse::Nobody);
    assert!(ok(run(&project, &["notify", "send"]).await).contains("Sent 1"));
    assert_eq!(sink.mails().len(), 2);
    assert!(store.outbox_unsent().await.unwrap().is_empty());

    // A wave that reminds 7 days after the invitation (issue 18): the one mailed 8 days ago
    // and not finished is reminded, once; the one mailed yesterday is not due; a submitted
    // one is never reminded.
    let instrument = store
        .add_instrument(&leernet_store::NewInstrument {
            form_id: "leernet_member".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Ledenvragenlijst".into(),
                en: "Member questionnaire".into(),
            },
            file_name: "member.xlsx".into(),
            workbook: include_bytes!("../../../../instruments/member.xlsx").to_vec(),
        })
        .await
        .unwrap();
    let wave = store
        .add_wave(instrument, "Voorjaar", WaveStatus::Open)
        .await
        .unwrap();
    let inv = |n: u8, e: &str| leernet_store::NewInvitation {
        network: net,
        token: InvitationToken::from_random([n; 20]),
        kind: leernet_store::InvitationKind::Member,
        person: None,
        email: Some(Email::parse(e).unwrap()),
    };
    let ids = store
        .add_invitations(
            wave,
            &[
                inv(1, "oud@example.org"),
                inv(2, "vers@example.org"),
                inv(3, "klaar@example.org"),
            ],
        )
        .await
        .unwrap();
    let now = SystemClock.unix_seconds();
    for (id, days) in [(ids[0], 8), (ids[1], 1), (ids[2], 9)] {
        store
            .mark_invitation_sent(id, now - days * 86_400)
            .await
            .unwrap();
    }
    let mut answers = std::collections::BTreeMap::new();
    answers.insert("x".to_owned(), "1".to_owned());
    store.save_survey(ids[2], &answers, 0, true).await.unwrap();
    let me = leernet_store::Actor::System;
    store
        .set_wave_reminders(wave, Some(7), &me, now)
        .await
        .unwrap();
    let out = ok(run(&project, &["notify", "send"]).await);
    assert!(out.contains("Sent 1 scheduled reminder(s)"), "{out}");
    {
        let mails = sink.mails();
        assert_eq!(mails.len(), 3);
        assert_eq!(mails[2].to, ["<oud@example.org>"]);
        assert!(mails[2].data.contains("Herinnering"), "{}", mails[2].data);
        assert!(mails[2].data.contains(&format!(
            "https://leernet.example/s/{}",
            InvitationToken::from_random([1; 20]).as_str()
        )));
    }
    // never twice: a second run reminds nobody
    let out = ok(run(&project, &["notify", "send"]).await);
    assert!(out.contains("Sent 0 scheduled reminder(s)"), "{out}");
    assert_eq!(sink.mails().len(), 3);
    let runs = store
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "reminders.send")
        .collect::<Vec<_>>();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].actor, "system");
    store.close().await;
}
