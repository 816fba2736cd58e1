//! Issue 18, item 2, on the demo (17 networks), the issue's own case: "one test submission
//! made the public overview say 18 network questionnaires for 17 networks and moved profile
//! scores". A test link printed by `leernet wave test-link` is answered; the overview, a
//! profile, `analyse --json`, the export and `wave list` stay as they were, under every
//! wave choice; `export --include-test` holds the test answer; `wave wipe-tests` takes it
//! away and nothing else.
//!
//! (The same on both back ends, through the web app's buttons, is in
//! `leernet-web/tests/it/test_links.rs`; the demo is built on SQLite.)

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leernet_core::InvitationToken;
use leernet_store::SaveOutcome;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use tower::ServiceExt;

async fn get(app: &axum::Router, uri: &str, cookie: Option<&str>) -> (StatusCode, String) {
    let mut req = Request::get(uri);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

fn leernet(args: &[&str], project: &Path) -> (String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(args)
        .arg("--project")
        .arg(project)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "leernet {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn main_of(body: &str) -> String {
    let start = body.find("<main").unwrap_or(0);
    let end = body.find("</main>").unwrap_or(body.len());
    body[start..end].to_owned()
}

/// What a test answer must not move.
async fn figures(app: &axum::Router, session: &str, slug: &str, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for path in [
        "/".to_owned(),
        "/?wave=all".to_owned(),
        "/?wave=latest".to_owned(),
        format!("/networks/{slug}/profile"),
        format!("/networks/{slug}/profile?wave=latest"),
        format!("/networks/{slug}/profile?wave=all"),
    ] {
        let (status, body) = get(app, &path, Some(session)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        out.push(main_of(&body));
    }
    for wave in [None, Some("all"), Some("latest")] {
        let file = dir.join("figures-test.json");
        let mut args = vec!["analyse", "--json", file.to_str().unwrap()];
        if let Some(w) = wave {
            args.extend(["--wave", w]);
        }
        leernet(&args, dir);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        out.push(json["counts"].to_string());
        out.push(json["waves"].to_string());
    }
    out.push(leernet(&["wave", "list", "--json"], dir).0);
    let csv = dir.join("network-test.csv");
    leernet(
        &[
            "export",
            "--format",
            "csv",
            "--instrument",
            "leernet_network",
            "--out",
            csv.to_str().unwrap(),
        ],
        dir,
    );
    out.push(std::fs::read_to_string(&csv).unwrap());
    out
}

#[tokio::test]
async fn a_test_answer_on_the_demo_never_makes_eighteen_of_seventeen() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["demo", "--dir", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let url = format!("sqlite://{}/leernet.sqlite", dir.display());
    let store = leernet_store::Store::connect(&url).await.unwrap();
    let data = store.study_data().await.unwrap();
    let network = data.networks[0].clone();
    let answers = data
        .responses
        .iter()
        .rev()
        .find(|r| r.network == network.id && r.answers.contains_key("agenda_setting"))
        .or_else(|| data.responses.iter().find(|r| r.network == network.id))
        .unwrap()
        .answers
        .clone();
    let app = leernet_web::app(Arc::new(leernet_web::AppState::new(
        store.clone(),
        leernet_core::SystemClock::shared(),
    )));
    let session = crate::web::login_as(&app, "fenna.kloosterboer@example.org", &dir).await;
    let before = figures(&app, &session, network.slug.as_str(), &dir).await;
    assert!(before[0].contains("<strong>17</strong> netwerkvragenlijsten ingevuld"));

    // The CLI prints a test link: without public_url the path, with a note.
    let (link, note) = leernet(
        &[
            "wave",
            "test-link",
            "--instrument",
            "leernet_network",
            "--network",
            network.slug.as_str(),
        ],
        &dir,
    );
    let path = link.trim().to_owned();
    assert!(path.starts_with("/s/"), "{link}");
    assert!(note.contains("server.public_url"), "{note}");
    let (status, page) = get(&app, &path, None).await;
    assert_eq!(status, StatusCode::OK, "the link opens the questionnaire");
    assert!(page.contains("Pagina 1 van"), "{page}");

    // Answered and submitted through that link (the survey's own save).
    let token = InvitationToken::parse(path.trim_start_matches("/s/")).unwrap();
    let inv = store.invitation_by_token(&token).await.unwrap().unwrap();
    assert_eq!(
        store.save_survey(inv.id, &answers, 0, true).await.unwrap(),
        SaveOutcome::Submitted
    );
    let (_, thanks) = get(&app, &path, None).await;
    assert!(thanks.contains("Uw antwoorden zijn verstuurd"));

    // Nothing moved: 17 of 17, the same scores, rows and rates, under every choice.
    let after = figures(&app, &session, network.slug.as_str(), &dir).await;
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        assert_eq!(b, a, "figure {i} moved after a test answer");
    }

    // Asked for, the export holds it, as the wave "(test)".
    let with = dir.join("with-test.csv");
    leernet(
        &[
            "export",
            "--format",
            "csv",
            "--instrument",
            "leernet_network",
            "--include-test",
            "--out",
            with.to_str().unwrap(),
        ],
        &dir,
    );
    let with = std::fs::read_to_string(&with).unwrap();
    assert!(with.contains("(test)"), "the test answer is marked");
    assert!(!before.last().unwrap().contains("(test)"));

    // With public_url set, the link is whole.
    let toml = dir.join("leernet.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    if text.contains("[server]") {
        text = text.replace(
            "[server]",
            "[server]\npublic_url = \"https://onderzoek.example.org\"",
        );
    } else {
        text.push_str("\n[server]\npublic_url = \"https://onderzoek.example.org\"\n");
    }
    std::fs::write(&toml, text).unwrap();
    let (link, _) = leernet(
        &["wave", "test-link", "--instrument", "leernet_network"],
        &dir,
    );
    assert!(
        link.trim().starts_with("https://onderzoek.example.org/s/"),
        "{link}"
    );

    // Wiped from the command line: the one test answer goes, nothing else.
    let real = store.responses(None).await.unwrap();
    let (said, _) = leernet(
        &["wave", "wipe-tests", "--instrument", "leernet_network"],
        &dir,
    );
    assert!(said.starts_with("1 test answers wiped"), "{said}");
    assert!(store.test_responses(None).await.unwrap().is_empty());
    assert_eq!(store.responses(None).await.unwrap(), real);
    let entry = store.audit_log().await.unwrap().pop().unwrap();
    assert_eq!(entry.action, "test.wipe");

    // A questionnaire or network the study does not have: invalid input, nothing made.
    for args in [
        &["wave", "test-link", "--instrument", "geen_vragenlijst"][..],
        &[
            "wave",
            "test-link",
            "--instrument",
            "leernet_network",
            "--network",
            "geen-netwerk",
        ][..],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
            .args(args)
            .arg("--project")
            .arg(&dir)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("the study has no"));
    }
    store.close().await;
}
