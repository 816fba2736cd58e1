//! The web app's export downloads are the files `leernet export` writes, byte for byte: a
//! project made with the real binary (init, a network, the shipped network questionnaire,
//! responses imported from a CSV), then `/admin/export` asked in-process as a researcher.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use tower::ServiceExt;

const PASSWORD: &str = "export-test-wachtwoord";

fn run(project: &Path, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .arg("--project")
        .arg(project)
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "leernet {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

async fn get(app: &axum::Router, uri: &str, cookie: &str) -> (StatusCode, Vec<u8>, Vec<String>) {
    let res = app
        .clone()
        .oneshot(
            Request::get(uri)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let cookies = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, body, cookies)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_exports_are_the_bytes_of_leernet_export() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("study");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .arg("init")
        .arg(&project)
        .output()
        .unwrap();
    assert!(o.status.success());
    run(
        &project,
        &[
            "workplace",
            "add",
            "--slug",
            "noord",
            "--name",
            "Werkplaats Noord",
        ],
    );
    for (slug, name) in [("wijk-a", "Wijk A"), ("wijk-b", "Wijk B")] {
        run(
            &project,
            &[
                "network",
                "add",
                "--slug",
                slug,
                "--name",
                name,
                "--workplace",
                "noord",
            ],
        );
    }
    let xlsx = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../instruments/network.xlsx");
    run(&project, &["instrument", "add", xlsx.to_str().unwrap()]);
    let csv = tmp.path().join("responses.csv");
    std::fs::write(
        &csv,
        "id,network,network_name,werkplaats_name,start_year,size\r\n1,wijk-a,Wijk A,Noord,2019,12\r\n2,wijk-b,Wijk B,Noord,2021,7\r\n",
    )
    .unwrap();
    run(
        &project,
        &[
            "import",
            "responses",
            csv.to_str().unwrap(),
            "--instrument",
            "leernet_network",
            "--network-column",
            "network",
            "--wave",
            "2026",
        ],
    );
    let mut add = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["--project", project.to_str().unwrap(), "user", "add"])
        .args(["--email", "onderzoeker@example.org", "--role", "researcher"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(add.wait().unwrap().success());

    // What the command line writes.
    let mut cli = Vec::new();
    for f in ["csv", "xlsx", "sav"] {
        let out = tmp.path().join(format!("export.{f}"));
        run(
            &project,
            &[
                "export",
                "--format",
                f,
                "--out",
                out.to_str().unwrap(),
                "--instrument",
                "leernet_network",
                "--wave",
                "2026",
            ],
        );
        cli.push((f, std::fs::read(&out).unwrap()));
    }
    cli.push((
        "codebook",
        std::fs::read(tmp.path().join("export.codebook.csv")).unwrap(),
    ));

    // The same project in the app, as a researcher.
    let url = format!("sqlite://{}", project.join("leernet.sqlite").display());
    let store = leernet_store::Store::connect(&url).await.unwrap();
    let wave = store
        .waves()
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.name == "2026")
        .unwrap();
    let app = leernet_web::app(Arc::new(leernet_web::AppState::new(
        store.clone(),
        leernet_core::SystemClock::shared(),
    )));
    let (_, page, cookies) = get(&app, "/login", "").await;
    let page = String::from_utf8(page).unwrap();
    let csrf = page
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let res = app
        .clone()
        .oneshot(
            Request::post("/login")
                .header(header::COOKIE, cookies.join("; "))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "email=onderzoeker%40example.org&password={}&csrf_token={csrf}",
                    PASSWORD.replace('-', "%2D")
                )))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let session: Vec<String> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect();
    let cookie = session.join("; ");
    for (f, bytes) in &cli {
        let (status, body, _) = get(
            &app,
            &format!("/admin/export?wave={}&format={f}", wave.id.0),
            &cookie,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{f}");
        assert!(
            &body == bytes,
            "{f}: the web's bytes differ from leernet export's"
        );
    }
    store.close().await;
}
