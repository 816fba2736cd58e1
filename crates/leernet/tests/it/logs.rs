//! No respondent data in any log line: a full demo run at `debug` — `leernet demo`, a user
//! added, `analyse`, an export, and `leernet serve` with JSON logs while a researcher logs in
//! (and someone fails to), reads every page including the response viewer and the invitation
//! list, and respondents answer a survey with the demo's own open answers — and then every
//! line of every log is searched for the demo's answers, names, e-mail addresses, the
//! invitation tokens, the session and the password. None may appear.
//!
//! So that the test cannot pass by logging nothing, it also checks that the served app's log
//! is JSON, one object a line, with a request id, method, route and status for each request,
//! and that a request id sent by a proxy comes back and is logged.

use crate::common::{fill, http, walk};

use leernet_core::*;
use leernet_store::*;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const CSRF: &str = "a1b2c3d4e5f60718a1b2c3d4e5f60718a1b2c3d4e5f60718a1b2c3d4e5f60718";
const PASSWORD: &str = "geheim-wachtwoord-van-fenna";
const DEBUG: [(&str, &str); 1] = [("RUST_LOG", "debug")];

fn leernet(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"));
    c.args(args)
        .env_remove("LEERNET_DATABASE_URL")
        .env_remove("LEERNET_LOG_FORMAT")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        writeln!(input, "{s}").unwrap();
    }
    drop(input);
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// What must never be logged: the demo's people and their open answers.
fn demo_secrets() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let study: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("demo/study.toml")).unwrap()).unwrap();
    let mut out = Vec::new();
    for p in study["person"].as_array().unwrap() {
        out.push(p["name"].as_str().unwrap().to_owned());
        out.push(p["email"].as_str().unwrap().to_owned());
    }
    assert_eq!(out.len(), 40, "20 people");
    for f in ["member.csv", "network.csv"] {
        let mut r = csv::Reader::from_path(root.join("demo/responses").join(f)).unwrap();
        for rec in r.records() {
            for cell in rec.unwrap().iter() {
                // Free text (codes and numbers are short and could match anything).
                if cell.chars().count() >= 20 && cell.contains(' ') {
                    out.push(cell.to_owned());
                    out.push(cell.chars().take(20).collect());
                }
            }
        }
    }
    assert!(out.len() > 200, "the demo's open answers were found");
    out
}

/// The log text and, for JSON lines, their string values unescaped.
fn searchable(log: &str) -> String {
    let mut out = log.to_owned();
    for line in log.lines() {
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_str(line) {
            for v in m.values() {
                if let Some(s) = v.as_str() {
                    out.push('\n');
                    out.push_str(s);
                }
            }
        }
    }
    out
}

fn token(i: usize) -> InvitationToken {
    let mut b = [9u8; 20];
    b[..8].copy_from_slice(&(i as u64).to_le_bytes());
    InvitationToken::from_random(b)
}

fn urlencode(s: &str) -> String {
    fill::encode(&[("x".to_owned(), s.to_owned())])[2..].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_respondent_data_in_any_log_line() {
    let secrets = demo_secrets();
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let mut logs: Vec<(String, String)> = Vec::new();
    let mut keep = |what: &str, o: &Output| {
        logs.push((what.into(), String::from_utf8_lossy(&o.stderr).into_owned()));
    };
    keep("demo", &leernet(&["demo", "--dir", s(&demo)], &DEBUG, None));
    let email = "fenna.kloosterboer@example.org";
    keep(
        "user add",
        &leernet(
            &[
                "user",
                "add",
                "--email",
                email,
                "--role",
                "researcher",
                "--project",
                s(&demo),
            ],
            &DEBUG,
            Some(PASSWORD),
        ),
    );
    keep(
        "analyse",
        &leernet(&["analyse", "--project", s(&demo)], &DEBUG, None),
    );
    let csv_out = tmp.path().join("members.csv");
    keep(
        "export",
        &leernet(
            &[
                "export",
                "--format",
                "csv",
                "--out",
                s(&csv_out),
                "--instrument",
                "leernet_member",
                "--project",
                s(&demo),
            ],
            &DEBUG,
            None,
        ),
    );

    // A wave of the network questionnaire with invitations, on the demo's database.
    let url = format!("sqlite://{}", demo.join("leernet.sqlite").display());
    let store = Store::connect(&url).await.unwrap();
    let inst = store
        .instruments()
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.form_id == "leernet_network")
        .unwrap()
        .id;
    let network = store.networks().await.unwrap()[0].id;
    let wave = store
        .add_wave(inst, "logboek", WaveStatus::Open)
        .await
        .unwrap();
    let invs: Vec<NewInvitation> = (0..4)
        .map(|i| NewInvitation {
            network,
            token: token(i),
            kind: InvitationKind::Member,
            person: None,
            email: Some(Email::parse(&format!("respondent{i}@example.org")).unwrap()),
        })
        .collect();
    store.add_invitations(wave, &invs).await.unwrap();
    let response = store.responses(None).await.unwrap()[0].id;
    store.close().await;

    // The app, JSON logs at debug.
    let mut child = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["--project", s(&demo), "serve", "--addr", "127.0.0.1:0"])
        .env_remove("LEERNET_DATABASE_URL")
        .env("RUST_LOG", "debug")
        .env("LEERNET_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let addr = leernet_testkit::serve::printed_address(&mut child).unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });

    let mut c = http::Conn::connect(&addr).unwrap();
    let anon = walk::cookie(CSRF);
    // Failed logins, enough to be throttled (which is logged).
    for _ in 0..6 {
        let body = format!("email={}&password=fout&csrf_token={CSRF}", urlencode(email));
        let r = c.post_form("/login", &anon, &body).unwrap();
        assert!(r.status == 401 || r.status == 429);
    }
    // The researcher logs in (the throttle is per account: a second account would do, but
    // the window is what it is: clear it by logging in from the command line's account).
    let o = leernet(
        &[
            "user",
            "add",
            "--email",
            "joris.oudendijk@example.org",
            "--role",
            "researcher",
            "--project",
            s(&demo),
        ],
        &DEBUG,
        Some(PASSWORD),
    );
    logs.push((
        "user add 2".into(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    ));
    let body = format!(
        "email={}&password={PASSWORD}&csrf_token={CSRF}",
        urlencode("joris.oudendijk@example.org")
    );
    let r = c.post_form("/login", &anon, &body).unwrap();
    assert_eq!(r.status, 303, "{}", r.text());
    let session = r
        .headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .find_map(|(_, v)| {
            v.split(';')
                .next()
                .filter(|c| c.starts_with("leernet_session="))
        })
        .unwrap()
        .to_owned();
    let mut pages = vec![
        "/".to_owned(),
        "/?lang=en".to_owned(),
        "/networks".to_owned(),
        "/my".to_owned(),
        "/admin/waves".to_owned(),
        "/admin/instruments".to_owned(),
        format!("/admin/waves/{wave}"),
        format!("/admin/waves/{wave}/invitations.csv"),
        format!("/responses/{response}"),
        "/no-such-page".to_owned(),
        format!("/s/{}", "0".repeat(32)),
    ];
    for n in ["havenmond-wijkkracht", "lindewaard-samen"] {
        pages.push(format!("/networks/{n}"));
    }
    // the demo's pages are its main study's (`/studies/demo/…`; it holds two studies), the
    // survey links and the installation's pages are global
    for p in pages.iter_mut() {
        if !p.starts_with("/s/") && !p.starts_with("/no-such-page") {
            *p = format!("/studies/demo{p}");
        }
    }
    pages.push("/".to_owned());
    pages.push("/my".to_owned());
    let mut shown = String::new();
    for p in &pages {
        let r = c.request("GET", p, &[("Cookie", &session)], b"").unwrap();
        assert!(
            r.header("x-request-id").is_some_and(|id| id.len() == 24),
            "{p}"
        );
        shown.push_str(&r.text());
    }
    assert!(
        secrets
            .iter()
            .filter(|s| shown.contains(s.as_str()))
            .count()
            >= 3,
        "the pages did show people and answers (so their absence from the logs means something)"
    );
    let r = c
        .request("GET", "/healthz", &[("X-Request-Id", "proxy-id-4711")], b"")
        .unwrap();
    assert_eq!(r.header("x-request-id"), Some("proxy-id-4711"));

    // Respondents answer with the demo's own open answers.
    let mut bodies = walk::record(&addr, token(0).as_str(), CSRF).unwrap();
    let answer = "Elkaars taal leren spreken. Een indicatie betekent voor de zorg iets heel anders dan voor ons.";
    assert!(secrets.iter().any(|s| s == answer));
    for b in &mut bodies {
        *b = b
            .replace(
                &urlencode("Een langer antwoord, in een paar woorden."),
                &urlencode(answer),
            )
            .replace(
                &urlencode("Een kort antwoord."),
                &urlencode("Fenna Kloosterboer"),
            );
    }
    for i in 1..4 {
        let url = format!("/s/{}", token(i).as_str());
        for b in &bodies {
            let r = c.post_form(&url, &anon, b).unwrap();
            assert_eq!(r.status, 303, "{}", r.text());
        }
    }
    drop(c);
    child.kill().unwrap();
    child.wait().unwrap();
    let served = reader.join().unwrap();

    // The served log is JSON with request ids, and it logged the requests.
    let mut requests = 0;
    for l in served.lines() {
        let v: serde_json::Value =
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
        if v["message"] == "request" {
            requests += 1;
            assert!(v["request_id"].is_string() && v["route"].is_string(), "{l}");
            assert!(v["status"].is_u64() && v["method"].is_string(), "{l}");
        }
    }
    assert!(requests >= 40, "every request was logged ({requests})");
    assert!(
        served.contains("\"route\":\"/s/{token}\""),
        "routes, not paths"
    );
    assert!(served.contains("proxy-id-4711"));
    assert!(served.contains("login throttled"));
    logs.push(("serve".into(), served));

    // Nothing of the respondents, anywhere.
    let mut never = secrets;
    never.extend((0..4).map(|i| token(i).as_str().to_owned()));
    never.extend((0..4).map(|i| format!("respondent{i}@example.org")));
    never.push(PASSWORD.to_owned());
    never.push(session.trim_start_matches("leernet_session=").to_owned());
    never.push("0".repeat(32));
    for (what, log) in &logs {
        let text = searchable(log);
        for n in &never {
            assert!(
                !text.contains(n.as_str()),
                "the {what} log holds {n:?}:\n{}",
                log.lines()
                    .filter(|l| l.contains(n.as_str()))
                    .take(3)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}
