//! Importing and exporting in the browser, on every back end: a bad file shows its problems
//! by row and column and stores nothing (also when "import" is posted without the dry run);
//! a good one is checked, then imported all at once, and not twice; exports are the files of
//! `leernet export`, whole for researchers and, for a facilitator, only their own network
//! without e-mail addresses (another network's is 403). And the authorisation of every
//! route this work added, for every role and a stranger.

use crate::common;

use axum::http::StatusCode;
use common::{fill, world, Client, Page, World};
use leernet_core::*;
use leernet_store::NewResponse;
use leernet_testkit::on_every_backend;
use std::collections::BTreeMap;

on_every_backend!(
    world = world,
    an_import_is_checked_first_and_stored_whole => import_story,
    exports_by_role => export_story,
    every_new_route_as_every_role => authorisation_story,
);

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let b = "leernet-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

async fn post_import(c: &mut Client, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Page {
    let (ct, body) = multipart(fields, file);
    c.send_with_type("/admin/import", &ct, body).await
}

/// The answers of the network questionnaire every row needs, then the row's own.
const HEADER: &str = "id,network,network_name,werkplaats_name,start_year,size";

async fn response_count(w: &World) -> usize {
    w.store.responses(None).await.unwrap().len()
}

async fn import_story(w: &World) {
    let mut c = Client::new(&w.app);
    c.login("researcher@example.org").await;
    let page = c.get("/admin/import").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"file\""));
    let csrf = c.session_csrf().await;
    let before = response_count(w).await;
    let base = [
        ("csrf_token", csrf.as_str()),
        ("instrument", "leernet_network"),
        ("wave", "web-import"),
        ("network", ""),
        ("network_column", "network"),
        ("format", "csv"),
    ];

    // A bad file: every problem with its row and column; nothing stored, no wave made.
    let bad = format!(
        "{HEADER}\r\nr1,wijk-a,Wijk A,Noordkust,1800,12\r\nr2,wijk-a,Wijk A,Noordkust,2019,twaalf\r\nr3,onbekend,Wijk C,Noordkust,2019,8\r\n"
    );
    let mut fields = base.to_vec();
    fields.push(("action", "check"));
    let p = post_import(&mut c, &fields, Some(("bad.csv", bad.as_bytes()))).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("id=\"import-problems\""));
    for (row, column) in [(2, "start_year"), (3, "size"), (4, "network")] {
        assert!(
            p.body
                .contains(&format!("<td class=\"num\">{row}</td><td>{column}</td>")),
            "row {row}, column {column}: {}",
            p.body
        );
    }
    assert!(p.body.contains("Er is niets opgeslagen"));
    // in Dutch, with the questions by their labels (issue 18: the Dutch page said
    // `"7" is not one of the choices of "role"`)
    for sentence in [
        "“1800” voldoet niet aan de regel van de vraag “In welk jaar is het netwerk gestart?”.",
        "“twaalf” is geen geldig antwoord op de vraag “Hoeveel deelnemers heeft het netwerk op dit moment?”.",
        "“onbekend” is geen netwerk van dit onderzoek",
    ] {
        assert!(
            p.body.contains(&sentence.replace('“', "&ldquo;").replace('”', "&rdquo;"))
                || p.body.contains(sentence),
            "{sentence}: {}",
            p.body
        );
    }
    assert!(!p.body.contains("breaks the constraint"), "{}", p.body);
    assert!(
        !p.body.contains("id=\"import-confirm\""),
        "no import button"
    );
    // "import" posted straight away, without the dry run: checked all the same, refused.
    let mut fields = base.to_vec();
    fields.push(("action", "import"));
    let p = post_import(&mut c, &fields, Some(("bad.csv", bad.as_bytes()))).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response_count(w).await, before);
    assert!(!w
        .store
        .waves()
        .await
        .unwrap()
        .iter()
        .any(|x| x.name == "web-import"));

    // Over 8 MB: refused, with the way to import it on the server; nothing stored.
    let big = format!(
        "{HEADER}\r\n{}",
        "r1,wijk-a,Wijk A,Noordkust,2019,12\r\n".repeat(260_000)
    );
    assert!(big.len() > leernet_web::import_export::MAX_IMPORT_BYTES);
    let mut fields = base.to_vec();
    fields.push(("action", "check"));
    let p = post_import(&mut c, &fields, Some(("big.csv", big.as_bytes()))).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body.contains("hoogstens 8 MB via deze pagina")
            && p.body.contains("leernet import responses"),
        "{}",
        p.body
    );
    assert_eq!(response_count(w).await, before);

    // A good file: the dry run says what it would store and stores nothing.
    let good = format!(
        "{HEADER}\r\nr1,wijk-a,Wijk A,Noordkust,2019,12\r\nr2,wijk-b,Wijk B,Noordkust,2020,8\r\n"
    );
    let mut fields = base.to_vec();
    fields.push(("action", "check"));
    let p = post_import(&mut c, &fields, Some(("goed.csv", good.as_bytes()))).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(
        p.body.contains("<span id=\"import-new\">2</span>"),
        "{}",
        p.body
    );
    assert!(p.body.contains("id=\"import-confirm\""));
    assert_eq!(response_count(w).await, before);

    // "Import": the page carries the file; stored whole.
    let html = p.body.clone();
    let carried: Vec<(String, String)> = [
        "csrf_token",
        "instrument",
        "wave",
        "network",
        "network_column",
        "format",
        "file_name",
        "data",
        "action",
    ]
    .iter()
    .map(|n| {
        let start = html.find("id=\"import-confirm\"").unwrap();
        (
            n.to_string(),
            fill::hidden(&html[start..], n).unwrap_or_default(),
        )
    })
    .collect();
    let refs: Vec<(&str, &str)> = carried
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let p = post_import(&mut c, &refs, None).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("Het bestand is geïmporteerd."));
    assert_eq!(response_count(w).await, before + 2);
    let wave = w
        .store
        .waves()
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.name == "web-import")
        .unwrap();
    let stored = w.store.responses(Some(wave.id)).await.unwrap();
    let keys: Vec<(&str, NetworkId)> = stored
        .iter()
        .map(|r| (r.respondent.as_str(), r.network))
        .collect();
    assert_eq!(keys, [("csv:r1", w.a), ("csv:r2", w.b)]);
    // The same file again adds nothing.
    let p = post_import(&mut c, &refs, None).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("<span id=\"import-new\">0</span>"));
    assert_eq!(response_count(w).await, before + 2);
}

async fn earlier_wave(w: &World) -> WaveId {
    w.store
        .waves()
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.name == "2025")
        .unwrap()
        .id
}

/// A formula that a spreadsheet would run when it opens the CSV.
const ATTACK: &str = "=cmd|' /C calc'!A0";

/// The CSV cell of the formula attack: neutralised with a quote, never bare.
fn assert_neutralised(csv: &str) {
    assert!(csv.contains(&format!(",'{ATTACK},")), "{csv}");
    assert!(!csv.contains(&format!(",{ATTACK}")), "{csv}");
}

async fn export_story(w: &World) {
    // Network B answered too, one of A's answers holds an e-mail address, and another a
    // formula.
    let wave = earlier_wave(w).await;
    let mut answers = BTreeMap::new();
    answers.insert("network_name".to_owned(), "Wijk B".to_owned());
    answers.insert("size".to_owned(), "30".to_owned());
    let mut a2 = BTreeMap::new();
    a2.insert(
        "network_name".to_owned(),
        "Wijk A, contact piet@example.org".to_owned(),
    );
    w.store
        .add_responses(
            wave,
            &[
                NewResponse {
                    network: w.b,
                    respondent: "csv:b1".into(),
                    status: ResponseStatus::Submitted,
                    answers,
                },
                NewResponse {
                    network: w.a,
                    respondent: "csv:a9".into(),
                    status: ResponseStatus::Submitted,
                    answers: a2,
                },
                NewResponse {
                    network: w.a,
                    respondent: "csv:a10".into(),
                    status: ResponseStatus::Submitted,
                    answers: [("network_name".to_owned(), ATTACK.to_owned())].into(),
                },
            ],
        )
        .await
        .unwrap();
    let url = |f: &str, n: Option<NetworkId>| match n {
        Some(n) => format!("/admin/export?wave={}&format={f}&network={}", wave.0, n.0),
        None => format!("/admin/export?wave={}&format={f}", wave.0),
    };

    // The researcher: everything, as `leernet export` builds it.
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    let p = r.get("/admin/export").await;
    assert_eq!(p.status, StatusCode::OK);
    let wp = r.get(&format!("/admin/waves/{}", wave.0)).await;
    assert!(wp
        .body
        .contains(&format!("/admin/export?wave={}&amp;format=xlsx", wave.0)));
    assert!(p
        .body
        .contains(&format!("/admin/export?wave={}&amp;format=sav", wave.0)));
    let csv = r.get(&url("csv", None)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("leernet_network-2025.csv"));
    assert!(csv.body.contains("wijk-a") && csv.body.contains("wijk-b"));
    assert!(csv.body.contains("piet@example.org"));
    let expected = {
        let data = w.store.study_data().await.unwrap();
        let inst = &data.instruments[0];
        let form = leernet_xlsform::Form::from_workbook(&inst.workbook, &inst.file_name).unwrap();
        let rows: Vec<_> = data
            .responses
            .iter()
            .filter(|x| x.wave == wave)
            .map(|x| leernet_io::dataset::ExportRow {
                respondent: x.respondent.clone(),
                network: if x.network == w.a { "wijk-a" } else { "wijk-b" }.into(),
                wave: "2025".into(),
                status: x.status.as_str().into(),
                answers: x.answers.clone(),
            })
            .collect();
        let ds = leernet_io::dataset::Dataset::build(&form, &rows, "nl");
        String::from_utf8(leernet_io::csv_out::data(
            &ds,
            leernet_io::csv_out::Cells::Neutralised,
        ))
        .unwrap()
    };
    assert_eq!(csv.body, expected, "the bytes of `leernet export`");
    assert_neutralised(&csv.body);
    for f in ["xlsx", "sav", "codebook"] {
        assert_eq!(r.get(&url(f, None)).await.status, StatusCode::OK, "{f}");
    }
    assert_eq!(
        r.get(&format!("/admin/export?wave={}&format=pdf", wave.0))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        r.get("/admin/export?wave=9999&format=csv").await.status,
        StatusCode::NOT_FOUND
    );

    // Facilitator A: only A's responses, no e-mail address anywhere, in every format.
    let mut f = Client::new(&w.app);
    f.login("fac-a@example.org").await;
    let page = f.get("/admin/export").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Netwerk Wijk A") && !page.body.contains("Netwerk Wijk B"));
    for n in [None, Some(w.a)] {
        let p = f.get(&url("csv", n)).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("wijk-a"), "{}", p.body);
        assert!(!p.body.contains("wijk-b"), "{}", p.body);
        assert!(!p.body.contains('@'), "{}", p.body);
        assert_neutralised(&p.body);
    }
    for fmt in ["xlsx", "sav"] {
        let p = f.get(&url(fmt, Some(w.a))).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(!p.body.contains("piet@example.org"), "{fmt}");
        assert!(!p.body.contains("wijk-b"), "{fmt}");
    }
    // Another network's export: 403.
    let p = f.get(&url("csv", Some(w.b))).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Login,
    Ok,
    /// 303 or 200/422 after doing something (a post by someone allowed).
    Done,
    Forbidden,
}

async fn authorisation_story(w: &World) {
    use Expect::*;
    let visitors = [
        None,
        Some("researcher@example.org"),
        Some("coordinator@example.org"),
        Some("fac-a@example.org"),
        Some("member-a@example.org"),
        Some("fac-b@example.org"),
    ];
    let wave = earlier_wave(w).await.0;
    let open = w.open.0;
    let a = w.a.0;
    let routes: Vec<(&str, String, [Expect; 6])> = vec![
        (
            "GET",
            "/admin/import".into(),
            [Login, Ok, Forbidden, Forbidden, Forbidden, Forbidden],
        ),
        (
            "POST",
            "/admin/import".into(),
            [Login, Done, Forbidden, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/admin/export".into(),
            [Login, Ok, Forbidden, Ok, Forbidden, Ok],
        ),
        (
            "GET",
            format!("/admin/export?wave={wave}&format=csv"),
            [Login, Ok, Forbidden, Ok, Forbidden, Ok],
        ),
        (
            "GET",
            format!("/admin/export?wave={wave}&format=csv&network={a}"),
            [Login, Ok, Forbidden, Ok, Forbidden, Forbidden],
        ),
        (
            "POST",
            format!("/admin/waves/{open}/send"),
            [Login, Done, Forbidden, Forbidden, Forbidden, Forbidden],
        ),
    ];
    for (i, who) in visitors.iter().enumerate() {
        let mut c = Client::new(&w.app);
        let csrf = match who {
            Some(e) => {
                c.login(e).await;
                c.session_csrf().await
            }
            None => "none".into(),
        };
        for (method, path, expect) in &routes {
            let p = if *method == "GET" {
                c.get(path).await
            } else if path == "/admin/import" {
                let (ct, body) = multipart(&[("csrf_token", &csrf), ("action", "check")], None);
                c.send_with_type(path, &ct, body).await
            } else {
                c.post(path, &[("csrf_token", &csrf)]).await
            };
            let ok = match expect[i] {
                Login => p.status == StatusCode::SEE_OTHER && p.location().starts_with("/login"),
                Ok => p.status == StatusCode::OK,
                // No SMTP in this app (409), an import without a file (422): handled.
                Done => matches!(
                    p.status,
                    StatusCode::OK
                        | StatusCode::SEE_OTHER
                        | StatusCode::CONFLICT
                        | StatusCode::UNPROCESSABLE_ENTITY
                ),
                Forbidden => p.status == StatusCode::FORBIDDEN,
            };
            assert!(
                ok,
                "{method} {path} as {who:?}: expected {:?}, got {}",
                expect[i], p.status
            );
        }
    }
}
