//! The JSON API as an operator serves it: `schemathesis` (tools/api-requirements.txt) runs a
//! bounded number of generated requests per operation against `leernet serve` on the demo —
//! two studies, the main one in two waves — with a researcher's read token and write token
//! made by `leernet token create`, and finds no server error, no status code the OpenAPI
//! document does not list and no body that does not match it. Under `CI` a missing tool
//! fails the test.

use leernet_testkit::tools;
use std::process::{Command, Stdio};

fn leernet(project: &std::path::Path, args: &[&str], stdin: &str) -> String {
    use std::io::Write;
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
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "leernet {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn schemathesis_finds_nothing_wrong_with_the_served_demo() {
    let python = match tools::api_python_or_reason() {
        Ok(p) => p,
        Err(why) => {
            tools::missing(
                "openapi-spec-validator and schemathesis (tools/api-requirements.txt)",
                &why,
            );
            return;
        }
    };
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["demo", "--dir", demo.to_str().unwrap()])
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let email = "api.schema@example.org";
    leernet(
        &demo,
        &["user", "add", "--email", email, "--role", "researcher"],
        "een-lang-wachtwoord-voor-de-api\n",
    );
    let token = |scope: &str| {
        let printed = leernet(
            &demo,
            &[
                "token",
                "create",
                "--email",
                email,
                "--name",
                &format!("schemathesis {scope}"),
                "--scope",
                scope,
            ],
            "",
        );
        printed.lines().last().unwrap().trim().to_owned()
    };
    let (read, write) = (token("read"), token("write"));
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
    let url = format!("http://{addr}/api/v1/openapi.json");
    let mut problems = Vec::new();
    for (what, token) in [("read", &read), ("write", &write)] {
        let report = tmp.path().join(format!("{what}-report"));
        if let Err(out) = tools::schemathesis(&python, &url, token, 10, &report) {
            problems.push(format!("with a {what} token:\n{out}"));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        problems.is_empty(),
        "schemathesis found problems on the served demo:\n{}",
        problems.join("\n")
    );
}
