//! The OpenAPI document against the served API: it validates (`openapi-spec-validator`),
//! and `schemathesis` (both from PyPI, `tools/api-requirements.txt`) runs a bounded number
//! of generated requests per operation with a read token and with a write token against the
//! test world served on a socket, checking that no answer is a server error, every status
//! code is one the document lists, and every body and media type matches it. On SQLite
//! only (the back end changes nothing the document describes); under `CI` a missing tool
//! fails the test.

use crate::world::world;
use leernet_testkit::tools;
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_is_valid_and_the_served_api_keeps_to_it() {
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
    let db = leernet_testkit::TestDb::new(leernet_store::Backend::Sqlite).await;
    let store = db.store().await;
    let w = world(store.clone(), &db.url).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = w.app.clone();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().unwrap();
    let doc = leernet_api::ApiDoc::openapi_json();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, &doc).unwrap();
    let py = python.clone();
    let p = path.clone();
    let o = tokio::task::spawn_blocking(move || {
        Command::new(&py)
            .args(["-m", "openapi_spec_validator"])
            .arg(&p)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    assert!(
        o.status.success(),
        "openapi-spec-validator refused the document:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );

    for (what, token) in [
        ("read", w.read["researcher"].clone()),
        ("write", w.write.clone()),
    ] {
        let py = python.clone();
        let url = format!("http://{addr}/api/v1/openapi.json");
        let report = dir.path().join(format!("{what}-report"));
        let found = tokio::task::spawn_blocking(move || {
            tools::schemathesis(&py, &url, &token, 25, &report)
        })
        .await
        .unwrap();
        if let Err(out) = found {
            panic!("schemathesis with a {what} token found problems:\n{out}");
        }
    }
    // docs/api.md's Python example pulls the wave's responses into a data frame
    let docs = include_str!("../../../../docs/api.md");
    let example = docs
        .split("```python\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/api.md has a Python example");
    let script = example
        .replace(
            "https://leernet.example.org/api/v1/studies/a/instruments/1/responses",
            &format!(
                "http://{addr}/api/v1/studies/a/instruments/{}/responses",
                w.instrument.0
            ),
        )
        .replace(
            "\"wave\": 3",
            &format!("\"wave\": {}, \"limit\": 2", w.wave.0),
        )
        .replace(", \"limit\": 1000", "")
        + "print(len(df), sorted(df['network'].unique()), 'leeftijd' in df.columns)\n";
    let py = python.clone();
    let token = w.read["researcher"].clone();
    let o = tokio::task::spawn_blocking(move || {
        Command::new(&py)
            .args(["-c", &script])
            .env("LEERNET_TOKEN", token)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let printed = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "the Python example failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let want = w.store.responses(Some(w.wave)).await.unwrap().len();
    assert!(want > 2, "more than one page");
    assert_eq!(
        printed.trim(),
        format!("{want} ['n1', 'n2', 'n3'] True"),
        "the data frame holds every response of the wave"
    );
    server.abort();
    w.state.close().await;
    w.inst.close().await;
    store.close().await;
    db.drop_database().await;
}
