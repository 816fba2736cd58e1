//! leernet's own exports import back (issue 23): the demo study's responses of both
//! instruments, exported as CSV (as stored with `--raw`, and neutralised for spreadsheets)
//! as XLSX and as SPSS `.sav`, imported into a fresh project on every back end, exported
//! again: the same bytes. Importing the same file once more adds nothing (the respondent
//! keys are kept).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use leernet_store::testing::{test_backends, TestDb};
use leernet_store::Store;

/// The demo's waves.
const WAVES: [&str; 2] = ["2026", "2027"];

const INSTRUMENTS: [(&str, &str); 2] = [
    ("leernet_network", "network.xlsx"),
    ("leernet_member", "member.xlsx"),
];

fn run(dir: &Path, url: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"));
    c.arg("--project").arg(dir).args(args);
    match url {
        Some(u) => c.env("LEERNET_DATABASE_URL", u),
        None => c.env_remove("LEERNET_DATABASE_URL"),
    };
    c.output().expect("run leernet")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The export's variants: its format, and whether texts are written as stored.
const VARIANTS: [(&str, bool); 4] = [
    ("csv", true),
    ("csv", false),
    ("xlsx", false),
    ("sav", false),
];

fn export(
    dir: &Path,
    url: Option<&str>,
    (inst, wave): (&str, &str),
    format: &str,
    raw: bool,
    out: &Path,
) {
    let mut args = vec![
        "export",
        "--format",
        format,
        "--instrument",
        inst,
        "--wave",
        wave,
    ];
    args.extend(["--out", out.to_str().unwrap()]);
    if raw {
        args.push("--raw");
    }
    ok(&run(dir, url, &args));
}

/// The files one export writes (the CSV's codebook too), as bytes.
fn written(out: &Path) -> Vec<Vec<u8>> {
    let mut files = vec![std::fs::read(out).unwrap()];
    let book = out.with_file_name(format!(
        "{}.codebook.csv",
        out.file_stem().unwrap().to_str().unwrap()
    ));
    if book.exists() {
        files.push(std::fs::read(book).unwrap());
    }
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_exports_import_back_into_a_fresh_project_and_export_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    ok(&Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["demo", "--dir", demo.to_str().unwrap()])
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .unwrap());
    let demo_store = Store::connect(&format!(
        "sqlite://{}",
        demo.join("leernet.sqlite").display()
    ))
    .await
    .unwrap();
    let networks = demo_store.networks().await.unwrap();
    demo_store.close().await;
    let instruments = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../instruments");

    for backend in test_backends() {
        for (v, (format, raw)) in VARIANTS.iter().enumerate() {
            let what = format!("{backend:?} {format}{}", if *raw { " --raw" } else { "" });
            // a fresh project with the demo's networks and instruments, no responses
            let db = TestDb::new(backend).await;
            let dir = tmp.path().join(format!("fresh-{backend:?}-{v}"));
            ok(&Command::new(env!("CARGO_BIN_EXE_leernet"))
                .args(["init", dir.to_str().unwrap()])
                .env_remove("LEERNET_DATABASE_URL")
                .output()
                .unwrap());
            let store = Store::connect(&db.url).await.unwrap();
            let w = store
                .add_workplace(&leernet_store::NewWorkplace {
                    slug: leernet_core::Slug::parse("werkplaats").unwrap(),
                    name: "Werkplaats".into(),
                    region: String::new(),
                })
                .await
                .unwrap();
            for n in &networks {
                store
                    .add_network(&leernet_store::NewNetwork {
                        slug: n.slug.clone(),
                        name: n.name.clone(),
                        workplace: w,
                    })
                    .await
                    .unwrap();
            }
            store.close().await;
            let url = Some(db.url.as_str());
            for (_, file) in INSTRUMENTS {
                let f = instruments.join(file);
                ok(&run(&dir, url, &["instrument", "add", f.to_str().unwrap()]));
            }

            // each of the demo's two waves, the second into a project that holds the first
            // (the network questionnaire's respondents answer in both)
            for (inst, wave) in INSTRUMENTS
                .iter()
                .flat_map(|(inst, _)| WAVES.iter().map(move |w| (*inst, *w)))
            {
                let first = tmp.path().join(format!("{inst}-{wave}-{v}.{format}"));
                export(&demo, None, (inst, wave), format, *raw, &first);
                // the wave's name, as the export writes it
                let raw_csv = tmp.path().join(format!("{inst}-{wave}.csv"));
                export(&demo, None, (inst, wave), "csv", true, &raw_csv);
                let text = std::fs::read_to_string(&raw_csv).unwrap();
                let mut rows = csv::Reader::from_reader(text.as_bytes());
                let records: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
                assert!(records.len() > 10, "{what} {inst}: the demo has responses");
                assert!(records.iter().all(|r| r.get(2) == Some(wave)));

                let mut args = vec![
                    "import",
                    "responses",
                    first.to_str().unwrap(),
                    "--instrument",
                    inst,
                    "--wave",
                    wave,
                    "--json",
                ];
                // the layout is told from the header; the .sav is named, as the flag may
                if *format == "sav" {
                    args.extend(["--format", "leernet"]);
                }
                let j: serde_json::Value = serde_json::from_str(&ok(&run(&dir, url, &args)))
                    .unwrap_or_else(|e| panic!("{what} {inst}: {e}"));
                assert_eq!(j["format"], "leernet", "{what} {inst}: {j}");
                assert_eq!(
                    j["stored"].as_u64(),
                    Some(records.len() as u64),
                    "{what} {inst}: {j}"
                );
                let problems = j["problems"].as_array().unwrap();
                assert!(problems.is_empty(), "{what} {inst}: {problems:#?}");

                let again = tmp.path().join(format!("{inst}-{wave}-{v}-again.{format}"));
                export(&dir, url, (inst, wave), format, *raw, &again);
                assert!(
                    written(&first) == written(&again),
                    "{what} {inst}: the export of the imported responses differs from the first"
                );

                // the same file once more: every response is already stored
                let j: serde_json::Value =
                    serde_json::from_str(&ok(&run(&dir, url, &args))).unwrap();
                assert_eq!(
                    (j["stored"].as_u64(), j["already_stored"].as_u64()),
                    (Some(0), Some(records.len() as u64)),
                    "{what} {inst}: {j}"
                );
            }
            db.drop_database().await;
        }
    }
}
