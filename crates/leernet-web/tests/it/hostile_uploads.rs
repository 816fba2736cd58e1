//! Crafted files uploaded in the browser — a questionnaire at `/admin/instruments`, an
//! export at `/admin/import` — that asked for gigabytes: each gives a 422 page in Dutch
//! naming the limit, the app keeps answering, and nothing is stored. The test runs again
//! in a child process under a memory cap (`ulimit -v`), so that a regression fails it
//! instead of taking the machine down.

use crate::common;
#[path = "../../../leernet-xlsform/tests/it/common/crafted.rs"]
mod crafted;

use axum::http::StatusCode;
use common::{world, Client, Page, World};
use leernet_store::testing::{test_backends, TestDb};

fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let b = "leernet-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

async fn send(c: &mut Client, uri: &str, fields: &[(&str, &str)], file: (&str, &[u8])) -> Page {
    let (ct, body) = multipart(fields, file);
    c.send_with_type(uri, &ct, body).await
}

#[test]
fn crafted_uploads_get_a_page_naming_the_limit() {
    if crafted::under_memory_cap("crafted_uploads_get_a_page_naming_the_limit", 2000) {
        return;
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            for backend in test_backends() {
                let db = TestDb::new(backend).await;
                let w = world(db.store().await).await;
                story(&w).await;
                w.store.close().await;
                db.drop_database().await;
            }
        });
}

async fn story(w: &World) {
    let mut c = Client::new(&w.app);
    c.login("researcher@example.org").await;
    let csrf = c.session_csrf().await;
    let token = [("csrf_token", csrf.as_str())];
    let before = w.store.instruments().await.unwrap().len();
    // over a limit of the reader: said in Dutch, naming the limit
    // two cells at opposite corners of an .xls sheet: calamine would lay out the grid
    // between them (a sheet that only declares a large area is fitted to its cells first)
    let far = crafted::biff_workbook(
        &[
            crafted::biff_number(0, 0, 1.0),
            crafted::biff_number(65_535, 65_535, 2.0),
        ]
        .concat(),
    );
    for (name, bytes, words) in [
        (
            "herhaald.ods",
            crafted::ods_repeated_cell(1_000_000_000),
            "een blad heeft (met herhalingen) meer dan 2000000 cellen",
        ),
        (
            "groot.xlsx",
            crafted::xlsx_huge_cell(1024),
            "een cel bevat meer dan 256 KiB tekst",
        ),
        (
            "oud.xls",
            crafted::xls(&far, false),
            "een blad heeft (met herhalingen) meer dan 2000000 cellen",
        ),
    ] {
        let p = send(&mut c, "/admin/instruments", &token, (name, &bytes)).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(p.body.contains("<html lang=\"nl\""), "{name}: in Dutch");
        assert!(
            p.body.contains("gaat over een grens van leernet") && p.body.contains(words),
            "{name}: {}",
            p.body
        );
    }
    // and in English for a visitor who chose it (another browser of the same session)
    let mut en = c.clone();
    let p = send(
        &mut en,
        "/admin/instruments?lang=en",
        &token,
        ("repeat.ods", &crafted::ods_repeated_cell(1_000_000_000)),
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("<html lang=\"en\"")
            && p.body.contains("goes over one of leernet")
            && p.body
                .contains("a sheet has (with its repeats) more than 2000000 cells"),
        "{}",
        p.body
    );
    // nested too deep: the check's report, row and column named
    let p = send(
        &mut c,
        "/admin/instruments",
        &token,
        ("diep.xlsx", &crafted::xlsx_nested_groups(20_000)),
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("id=\"problems\"") && p.body.contains("more than 32 deep"),
        "{}",
        p.body
    );
    assert_eq!(w.store.instruments().await.unwrap().len(), before);
    // a far-away cell is one cell: the questionnaire is read and stored
    let p = send(
        &mut c,
        "/admin/instruments",
        &token,
        ("ver.xlsx", &crafted::xlsx_far_cell()),
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);

    // an import into a questionnaire of our own
    let form = crafted::xlsx(&[(
        "survey",
        crafted::rows(
            1,
            &[&["type", "name", "label"], &["text", "remark", "Opmerking"]],
        ),
    )]);
    let p = send(
        &mut c,
        "/admin/instruments",
        &token,
        ("hostile.xlsx", &form),
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let responses = w.store.responses(None).await.unwrap().len();
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("instrument", "hostile"),
        ("wave", "kwaadaardig"),
        ("network", "wijk-a"),
        ("network_column", ""),
        ("format", "auto"),
        ("action", "import"),
    ];
    let across = format!(
        "{}<table:table-row>{}</table:table-row>",
        crafted::ods_row(&["remark"], 1),
        crafted::ods_cell("x", 1_000_000_000)
    );
    let long = format!("remark\nkort\n{}\n", "a".repeat(10_001));
    for (name, bytes, words) in [
        (
            "herhaald.ods",
            crafted::ods(&[("data", across)]),
            "20000000 cells",
        ),
        ("groot.xlsx", crafted::xlsx_huge_cell(1024), "256 KiB"),
        (
            "lang.csv",
            long.into_bytes(),
            "<td class=\"num\">3</td><td>remark</td>",
        ),
    ] {
        let p = send(&mut c, "/admin/import", &fields, (name, &bytes)).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            p.body.contains("Er is niets opgeslagen"),
            "{name}: {}",
            p.body
        );
        assert!(p.body.contains(words), "{name}: {}", p.body);
    }
    assert_eq!(w.store.responses(None).await.unwrap().len(), responses);
    // and the app still answers
    assert_eq!(c.get("/admin/import").await.status, StatusCode::OK);
}
