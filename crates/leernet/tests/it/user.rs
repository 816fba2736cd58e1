//! `leernet user add`: the password from standard input, the contract's exit codes, and an
//! account that the web app's login accepts.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn user_add(project: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["--project", project.to_str().unwrap(), "user", "add"])
        .args(args)
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

#[tokio::test]
async fn accounts_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["demo", "--dir", demo.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success());
    let network = "havenmond-wijkkracht";

    // Usage errors (exit 2) and invalid input (exit 1), each in one sentence.
    let cases: [(&[&str], &str, i32, &str); 5] = [
        (
            &["--email", "x@example.org", "--role", "admin"],
            "lang genoeg wachtwoord\n",
            2,
            "invalid value 'admin' for '--role <ROLE>'",
        ),
        (
            &["--email", "geen-adres", "--role", "member"],
            "lang genoeg wachtwoord\n",
            2,
            "not a valid e-mail",
        ),
        (
            &["--email", "x@example.org", "--role", "member"],
            "kort\n",
            1,
            "too short",
        ),
        (
            &[
                "--email",
                "x@example.org",
                "--role",
                "member",
                "--network",
                "bestaat-niet",
            ],
            "lang genoeg wachtwoord\n",
            1,
            "there is no network",
        ),
        (
            &["--email", "x@example.org", "--role", "member"],
            "lang genoeg wachtwoord\n",
            2,
            "give --network",
        ),
    ];
    for (args, stdin, code, msg) in cases {
        let o = user_add(&demo, args, stdin);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(msg), "{args:?}: {err}");
    }

    // Weak passwords are refused (exit 1), saying why in Dutch and in English.
    let member = [
        "--email",
        "x@example.org",
        "--role",
        "member",
        "--network",
        network,
    ];
    for (stdin, nl, en) in [
        ("          \n", "niet leeg zijn", "cannot be empty"),
        ("\t \t \t \t \t \t\n", "niet leeg zijn", "cannot be empty"),
        ("  abc  def  \n", "te kort", "too short"),
        (
            "Wachtwoord123\n",
            "veelgebruikte wachtwoorden",
            "commonly used passwords",
        ),
        (
            "  QWERTYUIOP \n",
            "veelgebruikte wachtwoorden",
            "commonly used passwords",
        ),
        (
            "1234567890\r\n",
            "veelgebruikte wachtwoorden",
            "commonly used passwords",
        ),
    ] {
        let o = user_add(&demo, &member, stdin);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{stdin:?}: {err}");
        assert!(err.contains(nl) && err.contains(en), "{stdin:?}: {err}");
        let nl_at = err.find(nl).unwrap();
        assert!(nl_at < err.find(en).unwrap(), "Dutch first: {err}");
    }

    // A new member of a network; the password is stored only as an argon2id hash.
    let o = user_add(
        &demo,
        &[
            "--email",
            "Lid@Example.org",
            "--role",
            "member",
            "--network",
            network,
        ],
        "een lang genoeg wachtwoord\r\n",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Added Lid@example.org as member"));
    let url = format!("sqlite://{}/leernet.sqlite", demo.display());
    let store = leernet_store::Store::connect(&url).await.unwrap();
    let acc = store
        .account_by_email("lid@example.org")
        .await
        .unwrap()
        .unwrap();
    let hash = acc.password_hash.clone().unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(leernet_web::auth::verify_password(
        "een lang genoeg wachtwoord",
        &hash
    ));
    assert!(!leernet_web::auth::verify_password(
        "een ander wachtwoord",
        &hash
    ));
    assert_eq!(acc.networks.len(), 1);

    // An existing person of the demo gets a password (and keeps their networks).
    let existing = store.persons().await.unwrap()[2].clone();
    let o = user_add(
        &demo,
        &[
            "--email",
            existing.email.as_str(),
            "--role",
            existing.role.as_str(),
        ],
        "nog een lang wachtwoord\n",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("Updated"));
    let acc = store.account(existing.id).await.unwrap().unwrap();
    assert_eq!(acc.networks, existing.networks);
    assert!(leernet_web::auth::verify_password(
        "nog een lang wachtwoord",
        acc.password_hash.as_deref().unwrap()
    ));
    store.close().await;
}
