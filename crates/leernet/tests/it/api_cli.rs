//! `leernet token create|list|revoke` and the JSON API as `leernet serve` serves it, on the
//! demo: a token made on the command line reads the study at `/api/v1`, shows in the list,
//! and after `revoke` is refused (401, a problem detail).

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};

fn leernet(project: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["--project", project.to_str().unwrap()])
        .args(args)
        .env_remove("LEERNET_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A GET with a bearer token over a fresh connection: the status and the body.
fn get(addr: &str, path: &str, token: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut r = String::new();
    s.read_to_string(&mut r).unwrap();
    let status = r
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = r.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_owned();
    (status, body)
}

#[test]
fn a_token_from_the_command_line_reads_the_served_study_until_it_is_revoked() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["demo", "--dir", demo.to_str().unwrap()])
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let email = "api.onderzoeker@example.org";
    ok(&leernet(
        &demo,
        &["user", "add", "--email", email, "--role", "researcher"],
        "een-lang-wachtwoord-voor-de-api\n",
    ));
    // wrong input: an unknown account, a lifetime out of range (exit 1, one sentence)
    let o = leernet(
        &demo,
        &[
            "token",
            "create",
            "--email",
            "niemand@example.org",
            "--name",
            "R",
            "--scope",
            "read",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no account"));
    let o = leernet(
        &demo,
        &[
            "token",
            "create",
            "--email",
            email,
            "--name",
            "R",
            "--scope",
            "read",
            "--expires",
            "400",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    // a token needs a name: none at all is a usage error, an empty one invalid input
    let o = leernet(
        &demo,
        &["token", "create", "--email", email, "--scope", "read"],
        "",
    );
    assert_eq!(o.status.code(), Some(2), "clap's usage error");
    let o = leernet(
        &demo,
        &[
            "token", "create", "--email", email, "--name", "  ", "--scope", "read",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("needs a name"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let printed = ok(&leernet(
        &demo,
        &[
            "token",
            "create",
            "--email",
            email,
            "--name",
            "R-script dashboard",
            "--scope",
            "read",
            "--expires",
            "7",
        ],
        "",
    ));
    let token = printed.lines().last().unwrap().trim().to_owned();
    assert!(token.starts_with("lnt_") && token.len() == 68, "{printed}");
    let id: String = printed.split_whitespace().nth(1).unwrap().to_owned();
    let list = ok(&leernet(&demo, &["token", "list", "--email", email], ""));
    assert!(
        list.contains(&format!("{id}\tR-script dashboard\tread\t")),
        "the list names each token: {list}"
    );
    assert!(printed.contains("\"R-script dashboard\""), "{printed}");
    assert!(!list.contains(&token), "the list never shows a secret");

    let mut child = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args([
            "--project",
            demo.to_str().unwrap(),
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .env_remove("LEERNET_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = leernet_testkit::serve::printed_address(&mut child).unwrap();
    let (status, body) = get(&addr, "/api/v1/studies", &token);
    assert_eq!(status, 200, "{body}");
    let studies: serde_json::Value = serde_json::from_str(&body).unwrap();
    let slug = studies[0]["slug"].as_str().unwrap().to_owned();
    assert_eq!(studies[0]["role"], "researcher");
    let (status, body) = get(&addr, &format!("/api/v1/studies/{slug}/networks"), &token);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        17,
        "the demo's 17 networks"
    );
    let (status, body) = get(&addr, "/api/v1/openapi.json", "");
    assert_eq!(status, 200);
    assert!(
        body.contains("\"openapi\": \"3.1"),
        "{}",
        &body[..body.len().min(200)]
    );
    // the web app's own pages are still there beside the API
    let (status, _) = get(&addr, "/login", "");
    assert_eq!(status, 200);

    let revoked = ok(&leernet(&demo, &["token", "revoke", &id], ""));
    assert!(revoked.contains("revoked"), "{revoked}");
    let (status, body) = get(&addr, "/api/v1/studies", &token);
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("\"status\":401"), "{body}");
    let _ = child.kill();
    let _ = child.wait();
}
