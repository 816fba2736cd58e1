//! Issue 19, the 18-for-17 case on the demo: a second wave of the network questionnaire,
//! answered by one network, must leave `/` and `analyse --json` at 17 network
//! questionnaires on the current wave, and the profile's scores must name their wave; with
//! the second wave current, its n is the one network that answered it.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leernet_core::{InvitationToken, WaveStatus};
use leernet_store::{InvitationKind, NewInvitation, SaveOutcome};
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

fn leernet(args: &[&str], project: &Path) -> String {
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
    String::from_utf8(o.stdout).unwrap()
}

/// `analyse --json` (with `--wave` when given): the JSON.
fn analyse(project: &Path, wave: Option<&str>) -> serde_json::Value {
    let file = project.join("figures-test.json");
    let mut args = vec!["analyse", "--json", file.to_str().unwrap()];
    if let Some(w) = wave {
        args.extend(["--wave", w]);
    }
    leernet(&args, project);
    serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap()
}

fn network_sentence(json: &serde_json::Value) -> String {
    json["waves"]["bases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["instrument"] == "leernet_network")
        .unwrap()["sentence"]["nl"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_second_wave_answered_by_one_network_does_not_make_eighteen_of_seventeen() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["demo", "--dir", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let url = format!("sqlite://{}/leernet.sqlite", dir.display());
    let store = leernet_store::Store::connect(&url).await.unwrap();

    // A second wave of the network questionnaire; the first network answers it.
    let data = store.study_data().await.unwrap();
    let instrument = data
        .instruments
        .iter()
        .find(|i| i.form_id == "leernet_network")
        .unwrap()
        .id;
    let first_wave = data
        .waves
        .iter()
        .find(|w| w.instrument == instrument)
        .unwrap();
    let network = &data.networks[0];
    let answers = data
        .responses
        .iter()
        .find(|r| r.wave == first_wave.id && r.network == network.id)
        .unwrap()
        .answers
        .clone();
    let wave = store
        .add_wave(instrument, "najaar 2028", WaveStatus::Open)
        .await
        .unwrap();
    let ids = store
        .add_invitations(
            wave,
            &[NewInvitation {
                network: network.id,
                token: InvitationToken::from_random([19; 20]),
                kind: InvitationKind::Network,
                person: None,
                email: None,
            }],
        )
        .await
        .unwrap();
    assert_eq!(
        store.save_survey(ids[0], &answers, 0, true).await.unwrap(),
        SaveOutcome::Submitted
    );

    // The JSON: 17 network questionnaires on the current wave (the closed one), and every
    // table says which wave it counts.
    let json = analyse(&dir, None);
    assert_eq!(json["counts"]["network_responses"], 17);
    assert_eq!(network_sentence(&json), "Meting: 2027 (17 netwerken)");
    for s in json["sections"].as_array().unwrap() {
        for t in s["tables"].as_array().unwrap() {
            assert_eq!(t["waves"], serde_json::json!(["2027"]), "{}", t["question"]);
        }
    }
    // On the open wave, explicitly: its n is the one network that answered.
    let json = analyse(&dir, Some("najaar 2028"));
    assert_eq!(json["counts"]["network_responses"], 1);
    assert_eq!(network_sentence(&json), "Meting: najaar 2028 (1 netwerk)");

    // The overview says the same, and can be switched.
    let app = leernet_web::app(Arc::new(leernet_web::AppState::new(
        store.clone(),
        leernet_core::SystemClock::shared(),
    )));
    let (status, home) = get(&app, "/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("<strong>17</strong> netwerkvragenlijsten ingevuld"));
    assert!(home.contains("Meting: 2027 (17 netwerken)"));
    assert!(
        home.contains("href=\"/?wave=najaar%202028\""),
        "a link to the other wave"
    );
    let (_, other) = get(&app, "/?wave=najaar%202028", None).await;
    assert!(other.contains("<strong>1</strong> netwerkvragenlijsten ingevuld"));
    assert!(other.contains("Meting: najaar 2028 (1 netwerk)"));
    let (_, en) = get(&app, "/?wave=all&lang=en", None).await;
    assert!(
        en.contains("Waves: 2026, 2027 and najaar 2028, all answers (35 answers from 17 networks)")
    );
    assert_eq!(
        get(&app, "/?wave=2031", None).await.0,
        StatusCode::NOT_FOUND
    );

    // The profile's scores name their wave.
    let session = crate::web::login_as(&app, "fenna.kloosterboer@example.org", &dir).await;
    let profile = format!("/networks/{}/profile", network.slug);
    let (status, page) = get(&app, &profile, Some(&session)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Meting: 2027 (netwerkvragenlijst en "),
        "the profile names its wave"
    );
    let (_, page) = get(
        &app,
        &format!("{profile}?wave=najaar%202028"),
        Some(&session),
    )
    .await;
    assert!(page.contains("Netwerkvragenlijst uit meting najaar 2028; "));

    // The list of networks, a Werkplaats' page and the QCA page name their wave too, can be
    // switched, and their links to figures keep the wave chosen.
    let (status, list) = get(&app, "/networks?wave=najaar%202028", Some(&session)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Meting: najaar 2028 (1 netwerk)"), "{list}");
    assert!(
        list.contains(&format!(
            "href=\"/networks/{}?wave=najaar%202028\"",
            network.slug
        )),
        "a network's link keeps the wave"
    );
    let (_, list) = get(&app, "/networks", Some(&session)).await;
    assert!(list.contains("Meting: 2027 (17 netwerken)"));
    assert!(list.contains("href=\"/networks?wave=najaar%202028\""));
    let (_, one) = get(
        &app,
        &format!("/networks/{}?wave=najaar%202028", network.slug),
        Some(&session),
    )
    .await;
    assert!(one.contains(&format!(
        "href=\"/networks/{}/profile?wave=najaar%202028\"",
        network.slug
    )));
    let workplace = store
        .workplaces()
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.id == network.workplace)
        .unwrap();
    let (status, wp) = get(
        &app,
        &format!("/workplaces/{}?wave=najaar%202028", workplace.slug),
        Some(&session),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(wp.contains("Meting: najaar 2028 (1 netwerk)"), "{wp}");
    assert!(wp.contains(&format!(
        "href=\"/networks/{}/profile?wave=najaar%202028\"",
        network.slug
    )));
    let (status, qca) = get(&app, "/analysis/qca", Some(&session)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(qca.contains("Meting: 2027 (17 netwerken)"), "{qca}");
    let (_, qca) = get(&app, "/analysis/qca?wave=2026", Some(&session)).await;
    assert!(qca.contains("Meting: 2026 (17 netwerken)"));
    assert!(qca.contains("<input type=\"hidden\" name=\"wave\" value=\"2026\">"));

    // Once the second wave is closed it is current: its n is 1, on every page and in the JSON.
    store
        .set_wave_status(wave, WaveStatus::Closed)
        .await
        .unwrap();
    let (_, home) = get(&app, "/", None).await;
    assert!(home.contains("Meting: najaar 2028 (1 netwerk)"));
    assert!(home.contains("<strong>1</strong> netwerkvragenlijsten ingevuld"));
    assert_eq!(analyse(&dir, None)["counts"]["network_responses"], 1);

    // A researcher sets the current wave back; the report names it.
    let said = leernet(
        &["wave", "current", "--instrument", "leernet_network", "2027"],
        &dir,
    );
    assert!(said.contains("Wave: 2027 (17 networks)"), "{said}");
    let (_, home) = get(&app, "/", None).await;
    assert!(home.contains("<strong>17</strong> netwerkvragenlijsten ingevuld"));
    let report = dir.join("report-test");
    leernet(
        &[
            "report",
            "--out",
            report.to_str().unwrap(),
            "--format",
            "md",
        ],
        &dir,
    );
    let md = std::fs::read_to_string(report.join("index.md")).unwrap();
    assert!(
        md.contains("Meting: 2027 (17 netwerken)."),
        "the report names its wave"
    );
    let list = leernet(&["wave", "list"], &dir);
    assert!(
        list.contains("leernet_network\tnajaar 2028\tclosed\t1 responses\n"),
        "{list}"
    );
    assert!(
        list.contains("leernet_network\t2027\tclosed\t17 responses\tcurrent\n"),
        "{list}"
    );
    // A wave that does not exist is refused and changes nothing.
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["wave", "current", "--instrument", "leernet_network", "2031"])
        .arg("--project")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2026, 2027, najaar 2028"));
    store.close().await;
}
