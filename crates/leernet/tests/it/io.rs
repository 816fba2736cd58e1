//! `leernet import responses` and `leernet export` as a researcher meets them: the real
//! binary, the shared fixtures imported into the demo project (SQLite) and into a fresh
//! project on PostgreSQL (when configured), all-or-nothing, no duplicates on re-import;
//! and the exports of the demo study read back by pyreadstat and PSPP, value by value
//! and label by label.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use leernet_store::testing::{test_backends, TestDb};
use leernet_store::{Backend, Store};

fn shared(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fixtures/exports")
        .join(name)
}

struct Project {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    url: String,
    db: Option<TestDb>,
}

impl Project {
    fn run(&self, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"));
        c.arg("--project").arg(&self.dir).args(args);
        match &self.db {
            Some(_) => c.env("LEERNET_DATABASE_URL", &self.url),
            None => c.env_remove("LEERNET_DATABASE_URL"),
        };
        c.output().expect("run leernet")
    }

    async fn store(&self) -> Store {
        Store::connect(&self.url).await.expect("store")
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\n{}",
        o.status.code(),
        text(&o.stderr)
    );
    text(&o.stdout)
}

fn demo() -> Project {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["demo", "--dir", dir.to_str().unwrap()])
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .unwrap();
    ok(&o);
    let url = format!("sqlite://{}", dir.join("leernet.sqlite").display());
    assert!(
        dir.join("leernet.sqlite").exists(),
        "the demo database is leernet.sqlite"
    );
    Project {
        _tmp: tmp,
        dir,
        url,
        db: None,
    }
}

/// A new project on `backend` with two networks (SQLite: the demo project).
async fn project(backend: Backend) -> Project {
    if backend == Backend::Sqlite {
        return demo();
    }
    let db = TestDb::new(backend).await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    ok(&Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["init", dir.to_str().unwrap()])
        .output()
        .unwrap());
    let store = Store::connect(&db.url).await.unwrap();
    let w = store
        .add_workplace(&leernet_store::NewWorkplace {
            slug: leernet_core::Slug::parse("noordkust").unwrap(),
            name: "Werkplaats Noordkust".into(),
            region: String::new(),
        })
        .await
        .unwrap();
    for (slug, name) in [
        (
            "havenmond-wijkkracht",
            "Lerend netwerk Wijkkracht Havenmond",
        ),
        (
            "lindewaard-integraal",
            "Leernetwerk Integraal Werken Lindewaard",
        ),
    ] {
        store
            .add_network(&leernet_store::NewNetwork {
                slug: leernet_core::Slug::parse(slug).unwrap(),
                name: name.into(),
                workplace: w,
            })
            .await
            .unwrap();
    }
    store.close().await;
    Project {
        _tmp: tmp,
        dir,
        url: db.url.clone(),
        db: Some(db),
    }
}

fn expected() -> Vec<BTreeMap<String, String>> {
    let m = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    vec![
        m(&[
            ("consent", "yes"),
            ("age", "34"),
            ("members", "3"),
            ("services", "counselling food"),
            ("comment", "Thanks, \"great\" support"),
        ]),
        m(&[
            ("consent", "yes"),
            ("age", "61"),
            ("members", "1"),
            ("services", "housing other"),
            ("services_other", "Debt advice"),
        ]),
        m(&[("consent", "no")]),
    ]
}

const FIXTURES: [&str; 7] = [
    "kobotoolbox_xml_values.csv",
    "kobotoolbox_labels.csv",
    "odk_central_submissions.csv",
    "limesurvey_codes.csv",
    "qualtrics_numeric.csv",
    "microsoft_forms.csv",
    "microsoft_forms.xlsx",
];

async fn wave_answers(p: &Project, wave: &str) -> Option<Vec<(String, BTreeMap<String, String>)>> {
    let store = p.store().await;
    let waves = store.waves().await.unwrap();
    let w = waves.iter().find(|w| w.name == wave)?;
    let rows = store.responses(Some(w.id)).await.unwrap();
    store.close().await;
    Some(
        rows.into_iter()
            .map(|r| {
                let a = r
                    .answers
                    .into_iter()
                    .filter(|(k, _)| k != "start" && k != "end")
                    .collect();
                (r.respondent, a)
            })
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fixture_imports_with_the_same_answers_on_every_backend() {
    for backend in test_backends() {
        let p = project(backend).await;
        ok(&p.run(&[
            "instrument",
            "add",
            shared("wellbeing_check.xlsx").to_str().unwrap(),
        ]));
        for (i, f) in FIXTURES.iter().enumerate() {
            let wave = format!("w{i}");
            let file = shared(f);
            let args = [
                "import",
                "responses",
                file.to_str().unwrap(),
                "--instrument",
                "wellbeing_check",
                "--network",
                "havenmond-wijkkracht",
                "--wave",
                &wave,
                "--json",
            ];
            // a dry run stores nothing, not even the wave
            let mut dry = args.to_vec();
            dry.push("--dry-run");
            let j: serde_json::Value = serde_json::from_str(&ok(&p.run(&dry))).unwrap();
            assert_eq!(j["stored"], 0, "{f}");
            assert!(
                wave_answers(&p, &wave).await.is_none(),
                "{f}: dry run made the wave"
            );

            let j: serde_json::Value = serde_json::from_str(&ok(&p.run(&args))).unwrap();
            let n = if f.starts_with("limesurvey") { 4 } else { 3 };
            assert_eq!(j["stored"], n, "{backend:?} {f}: {j}");
            let got = wave_answers(&p, &wave).await.unwrap();
            let answers: Vec<_> = got.iter().take(3).map(|(_, a)| a.clone()).collect();
            assert_eq!(answers, expected(), "{backend:?} {f}");
            assert!(
                got[0].0.contains(':'),
                "respondent keys carry the tool: {}",
                got[0].0
            );

            // the same file again adds nothing
            let j: serde_json::Value = serde_json::from_str(&ok(&p.run(&args))).unwrap();
            assert_eq!(
                (j["stored"].as_u64(), j["already_stored"].as_u64()),
                (Some(0), Some(n)),
                "{f}"
            );
            assert_eq!(wave_answers(&p, &wave).await.unwrap().len(), n as usize);
        }
        if let Some(db) = p.db {
            db.drop_database().await;
        }
    }
}

/// An import reads rows in blocks that several threads check at once: the rows of a
/// file larger than a block are stored in the file's order, each once, with the same
/// respondent keys on every run (so a re-import adds nothing), and a response id used
/// again in a later block is named with both rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_beyond_one_block_keep_their_order_keys_and_duplicates() {
    const N: usize = 9_000; // more than two blocks of 4,096 rows
    for backend in test_backends() {
        let p = project(backend).await;
        ok(&p.run(&[
            "instrument",
            "add",
            shared("wellbeing_check.xlsx").to_str().unwrap(),
        ]));
        let dir = tempfile::tempdir().unwrap();
        // no id column: respondents are keyed by content, numbered when it repeats (every
        // 300 rows here)
        let plain = dir.path().join("plain.csv");
        let mut csv = String::from("consent,age,members\n");
        for i in 0..N {
            csv.push_str(&format!("yes,{},{}\n", 20 + i % 60, 1 + i % 5));
        }
        std::fs::write(&plain, &csv).unwrap();
        let args = |file: &Path, wave: &str| -> Vec<String> {
            [
                "import",
                "responses",
                file.to_str().unwrap(),
                "--instrument",
                "wellbeing_check",
                "--network",
                "havenmond-wijkkracht",
                "--wave",
                wave,
                "--json",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect()
        };
        let run = |a: Vec<String>| p.run(&a.iter().map(String::as_str).collect::<Vec<_>>());
        let j: serde_json::Value = serde_json::from_str(&ok(&run(args(&plain, "big")))).unwrap();
        assert_eq!(j["stored"], N as u64, "{backend:?}: {j}");
        let got = wave_answers(&p, "big").await.unwrap();
        assert_eq!(got.len(), N);
        let keys: std::collections::BTreeSet<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys.len(), N, "every row its own respondent key");
        // stored in the file's order: the database ids follow the rows
        for (i, (_, a)) in got.iter().enumerate() {
            assert_eq!(
                a["age"],
                (20 + i % 60).to_string(),
                "{backend:?} row {}",
                i + 2
            );
            assert_eq!(a["members"], (1 + i % 5).to_string());
        }
        let j: serde_json::Value = serde_json::from_str(&ok(&run(args(&plain, "big")))).unwrap();
        assert_eq!(
            (j["stored"].as_u64(), j["already_stored"].as_u64()),
            (Some(0), Some(N as u64)),
            "{backend:?}: the same keys on a second run"
        );

        // an id used again 8,600 rows later, in the third block
        let ids = dir.path().join("ids.csv");
        let mut csv = String::from("id,consent,age\n");
        for i in 0..N {
            let id = if i == 8_600 { 5 } else { i };
            csv.push_str(&format!("r{id},yes,{}\n", 20 + i % 60));
        }
        std::fs::write(&ids, &csv).unwrap();
        let o = run(args(&ids, "ids"));
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.contains("ids.csv, row 8602, column \"id\": the response id \"r5\" was already used in row 7"),
            "{err}"
        );
        assert!(wave_answers(&p, "ids").await.is_none(), "nothing stored");
        if let Some(db) = p.db {
            db.drop_database().await;
        }
    }
}

/// A KoboToolbox legacy CSV with nested repeats, imported and exported again: every
/// instance is stored and comes out as its own variable (`kids_name_2`), the same answers
/// in and out.
#[test]
fn nested_repeats_go_in_from_kobo_and_out_to_csv() {
    let p = demo();
    let form = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fixtures/xlsform/nested_repeats.xls");
    ok(&p.run(&["instrument", "add", form.to_str().unwrap()]));
    let file = shared("kobocat_legacy_nested_repeats.csv");
    let args = [
        "import",
        "responses",
        file.to_str().unwrap(),
        "--instrument",
        "nested_repeats",
        "--network",
        "havenmond-wijkkracht",
        "--wave",
        "kobo",
    ];
    let out = ok(&p.run(&args));
    assert!(out.contains("Stored 2 responses"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("kobo.csv");
    ok(&p.run(&[
        "export",
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
        "--instrument",
        "nested_repeats",
        "--wave",
        "kobo",
    ]));
    let table = read_csv(&csv);
    let col = |name: &str| {
        table[0]
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", table[0]))
    };
    let rows: Vec<&Vec<String>> = table[1..].iter().collect();
    let cell = |r: usize, name: &str| rows[r][col(name)].as_str();
    assert_eq!(rows.len(), 2);
    assert_eq!(cell(0, "kids_name_1"), "Hansel");
    assert_eq!(cell(0, "kids_name_2"), "Gretel");
    assert_eq!(
        cell(0, "kids_name_3"),
        "",
        "the first family has two children"
    );
    assert_eq!(cell(1, "kids_name_3"), "Harry");
    assert_eq!(cell(1, "kids_age_1"), "8");
    assert_eq!(cell(0, "immunization_info_2_2"), "Rickets");
    assert_eq!(cell(1, "immunization_info_3_1"), "Polio 2");
    // a second import of the same file adds nothing
    let out = ok(&p.run(&args));
    assert!(
        out.contains("Stored 0 responses") && out.contains("2 already stored"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_file_stores_nothing_and_names_every_problem() {
    for backend in test_backends() {
        let p = project(backend).await;
        ok(&p.run(&[
            "instrument",
            "add",
            shared("wellbeing_check.xlsx").to_str().unwrap(),
        ]));
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.csv");
        std::fs::write(
            &bad,
            "id;netwerk;consent;age\r\n1;havenmond-wijkkracht;yes;40\r\n2;Leernetwerk Integraal Werken Lindewaard;Soms;40\r\n3;nowhere;yes;12\r\n",
        )
        .unwrap();
        let o = p.run(&[
            "import",
            "responses",
            bad.to_str().unwrap(),
            "--instrument",
            "wellbeing_check",
            "--network-column",
            "netwerk",
            "--wave",
            "bad",
        ]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        let err = text(&o.stderr);
        for want in [
            "bad.csv, row 3, column \"consent\": \"Soms\" is not one of the choices of \"consent\" (yes/no)",
            "bad.csv, row 4, column \"netwerk\": \"nowhere\" is not a network of this project",
            "bad.csv, row 4, column \"age\": \"12\" breaks the constraint of \"age\"",
            "nothing was imported: 3 problems in 2 rows",
        ] {
            assert!(err.contains(want), "missing {want:?} in\n{err}");
        }
        assert!(
            wave_answers(&p, "bad").await.is_none(),
            "nothing stored, no wave made"
        );

        // fixed, the network column links each respondent to its network
        std::fs::write(
            &bad,
            "id;netwerk;consent;age\r\n1;havenmond-wijkkracht;yes;40\r\n2;leernetwerk integraal werken lindewaard;no;\r\n",
        )
        .unwrap();
        ok(&p.run(&[
            "import",
            "responses",
            bad.to_str().unwrap(),
            "--instrument",
            "wellbeing_check",
            "--network-column",
            "netwerk",
            "--wave",
            "good",
        ]));
        let store = p.store().await;
        let nets = store.networks().await.unwrap();
        let wave = store
            .waves()
            .await
            .unwrap()
            .into_iter()
            .find(|w| w.name == "good")
            .unwrap();
        let rows = store.responses(Some(wave.id)).await.unwrap();
        let slug = |id| {
            nets.iter()
                .find(|n| n.id == id)
                .unwrap()
                .slug
                .as_str()
                .to_owned()
        };
        assert_eq!(slug(rows[0].network), "havenmond-wijkkracht");
        assert_eq!(slug(rows[1].network), "lindewaard-integraal");
        store.close().await;

        // unreadable and usage errors exit 2
        let o = p.run(&[
            "import",
            "responses",
            "/nonexistent.csv",
            "--instrument",
            "wellbeing_check",
        ]);
        assert_eq!(o.status.code(), Some(2));
        let o = p.run(&[
            "import",
            "responses",
            bad.to_str().unwrap(),
            "--instrument",
            "nope",
        ]);
        assert_eq!(o.status.code(), Some(2));
        if let Some(db) = p.db {
            db.drop_database().await;
        }
    }
}

#[test]
fn write_mapping_drafts_a_file_that_imports() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let p = rt.block_on(project(Backend::Sqlite));
    ok(&p.run(&[
        "instrument",
        "add",
        shared("wellbeing_check.xlsx").to_str().unwrap(),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.toml");
    let f = shared("limesurvey_codes.csv");
    ok(&p.run(&[
        "import",
        "responses",
        f.to_str().unwrap(),
        "--instrument",
        "wellbeing_check",
        "--write-mapping",
        map.to_str().unwrap(),
    ]));
    let text = std::fs::read_to_string(&map).unwrap();
    assert!(
        text.contains("\"services[SQ002]\" = \"services/housing\""),
        "{text}"
    );
    let out = ok(&p.run(&[
        "import",
        "responses",
        f.to_str().unwrap(),
        "--instrument",
        "wellbeing_check",
        "--mapping",
        map.to_str().unwrap(),
        "--network",
        "havenmond-wijkkracht",
        "--wave",
        "m",
    ]));
    assert!(out.contains("Stored 4 responses"), "{out}");
}

// ---------------------------------------------------------------------------------
// exports

fn python() -> Option<PathBuf> {
    leernet_testkit::tools::python_or_reason().ok()
}

use leernet_testkit::tools::need;

fn read_csv(p: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(p)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn same_value(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_end(), b.trim_end());
    a == b || matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if (x - y).abs() < 1e-9)
}

/// Reads a .sav with pyreadstat: names, labels, value labels, missing values, measures
/// and every value.
const PYREADSTAT: &str = r#"
import json, math, sys, pyreadstat
df, meta = pyreadstat.read_sav(sys.argv[1], user_missing=True)
def cell(v):
    if isinstance(v, float):
        if math.isnan(v): return ""
        return repr(int(v)) if v.is_integer() else repr(v)
    return "" if v is None else str(v)
print(json.dumps({
  "names": list(meta.column_names),
  "labels": meta.column_names_to_labels,
  "value_labels": {k: {cell(c): l for c, l in v.items()} for k, v in meta.variable_value_labels.items()},
  "missing": {k: [cell(r["lo"]) for r in v] for k, v in meta.missing_ranges.items()},
  "measure": meta.variable_measure,
  "encoding": meta.file_encoding,
  "rows": [[cell(v) for v in row] for row in df.itertuples(index=False)],
}))
"#;

#[test]
fn exports_of_the_demo_study_read_back_in_pyreadstat_and_pspp() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let p = rt.block_on(project(Backend::Sqlite));
    let out = tempfile::tempdir().unwrap();
    for inst in ["leernet_network", "leernet_member"] {
        let o = |ext: &str| out.path().join(format!("{inst}.{ext}"));
        // the CSV as stored (--raw), to hold it to what pyreadstat and PSPP read
        let export = |f: &str, out: &Path| {
            let mut args = vec!["export", "--format", f, "--out", out.to_str().unwrap()];
            args.extend(["--instrument", inst]);
            if f == "csv" {
                args.push("--raw");
            }
            ok(&p.run(&args));
        };
        for f in ["csv", "xlsx", "sav"] {
            export(f, &o(f));
        }
        // deterministic: the same data, the same bytes
        for f in ["csv", "xlsx", "sav"] {
            let again = out.path().join(format!("again.{f}"));
            export(f, &again);
            assert_eq!(
                std::fs::read(o(f)).unwrap(),
                std::fs::read(&again).unwrap(),
                "{inst}.{f}"
            );
        }
        let data = read_csv(&o("csv"));
        let book = read_csv(&out.path().join(format!("{inst}.codebook.csv")));
        let col = |name: &str| book[0].iter().position(|h| h == name).unwrap();
        let (c_label, c_values, c_missing, c_measure) = (
            col("label_nl"),
            col("values_nl"),
            col("missing"),
            col("measure"),
        );
        assert!(data.len() > 10, "{inst}: the demo has responses");

        if need(
            "Python with pyreadstat (tools/pyenv.sh)",
            python().is_some(),
        ) {
            let py = python().unwrap();
            let o2 = Command::new(py)
                .args(["-c", PYREADSTAT, o("sav").to_str().unwrap()])
                .output()
                .unwrap();
            let j: serde_json::Value = serde_json::from_str(&ok(&o2)).unwrap();
            assert_eq!(j["encoding"], "UTF-8");
            let names: Vec<&str> = j["names"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(
                names,
                data[0].iter().map(String::as_str).collect::<Vec<_>>(),
                "{inst}: names"
            );
            for (i, name) in names.iter().enumerate() {
                let b = &book[i + 1];
                assert_eq!(
                    j["labels"][name].as_str().unwrap_or(""),
                    b[c_label],
                    "{inst}.{name} label"
                );
                assert_eq!(j["measure"][name], b[c_measure], "{inst}.{name} measure");
                let want_vl: BTreeMap<String, String> = b[c_values]
                    .split(" | ")
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        let (c, l) = s.split_once('=').unwrap();
                        (c.to_owned(), l.to_owned())
                    })
                    .collect();
                let got_vl: BTreeMap<String, String> = j["value_labels"][name]
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                            .collect()
                    })
                    .unwrap_or_default();
                assert_eq!(got_vl, want_vl, "{inst}.{name} value labels");
                let want_missing: Vec<String> = b[c_missing]
                    .split(" | ")
                    .filter(|s| !s.is_empty())
                    .map(|s| s.split_once('=').unwrap().0.to_owned())
                    .collect();
                let got_missing: Vec<String> = j["missing"][name]
                    .as_array()
                    .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
                    .unwrap_or_default();
                assert_eq!(got_missing, want_missing, "{inst}.{name} missing values");
            }
            let rows = j["rows"].as_array().unwrap();
            assert_eq!(rows.len(), data.len() - 1, "{inst}: cases");
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.as_array().unwrap().iter().enumerate() {
                    let want = &data[r + 1][c];
                    assert!(
                        same_value(v.as_str().unwrap(), want),
                        "{inst} row {r} {}: {v} vs {want:?}",
                        names[c]
                    );
                }
            }
        }

        let pspp = Command::new("pspp")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if need("PSPP (Debian package pspp)", pspp) {
            let csv_out = out.path().join(format!("{inst}.pspp.csv"));
            let sps = out.path().join("read.sps");
            std::fs::write(
                &sps,
                format!(
                    "GET FILE=\"{}\".\nDISPLAY DICTIONARY.\nSAVE TRANSLATE /OUTFILE=\"{}\" /TYPE=CSV /FIELDNAMES /CELLS=VALUES /MISSING=IGNORE /REPLACE.\n",
                    o("sav").display(),
                    csv_out.display()
                ),
            )
            .unwrap();
            let o2 = Command::new("pspp")
                .args(["-O", "format=csv"])
                .arg(&sps)
                .output()
                .unwrap();
            let dict = ok(&o2);
            assert!(
                !dict.contains("Warning") && !dict.contains("Error"),
                "{dict}"
            );
            // every value
            let back = read_csv(&csv_out);
            assert_eq!(back.len(), data.len(), "{inst}: cases");
            assert_eq!(back[0], data[0], "{inst}: names");
            for (r, (a, b)) in back.iter().zip(&data).enumerate().skip(1) {
                for (c, (x, y)) in a.iter().zip(b).enumerate() {
                    assert!(
                        same_value(x, y),
                        "{inst} row {r} {}: {x:?} vs {y:?}",
                        data[0][c]
                    );
                }
            }
            // every variable's label, measurement level and missing values
            let mut lines = dict.lines().skip_while(|l| !l.starts_with("Name,Position"));
            lines.next();
            let vars: Vec<Vec<String>> = lines
                .take_while(|l| !l.is_empty())
                .map(|l| {
                    csv::ReaderBuilder::new()
                        .has_headers(false)
                        .from_reader(l.as_bytes())
                        .records()
                        .next()
                        .unwrap()
                        .unwrap()
                        .iter()
                        .map(str::to_owned)
                        .collect()
                })
                .collect();
            assert_eq!(vars.len(), data[0].len(), "{inst}: variables in PSPP");
            for (v, b) in vars.iter().zip(&book[1..]) {
                assert_eq!(v[0], b[0], "name");
                assert_eq!(v[2], b[c_label], "{} label", b[0]);
                assert_eq!(v[3].to_lowercase(), b[c_measure], "{} measure", b[0]);
                let want_missing = b[c_missing].split_once('=').map(|m| m.0).unwrap_or("");
                assert_eq!(v[9], want_missing, "{} missing", b[0]);
            }
            // every value label, in variable order
            let labelled: Vec<&Vec<String>> = book[1..]
                .iter()
                .filter(|b| !b[c_values].is_empty())
                .collect();
            let mut groups: Vec<Vec<(String, String)>> = Vec::new();
            let mut in_table = false;
            for l in dict.lines() {
                if l.starts_with("Variable Value,") {
                    in_table = true;
                    continue;
                }
                if !in_table {
                    continue;
                }
                if l.is_empty() || l.starts_with("Footnote") || l.starts_with("Table:") {
                    break;
                }
                let rec: Vec<String> = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(l.as_bytes())
                    .records()
                    .next()
                    .unwrap()
                    .unwrap()
                    .iter()
                    .map(str::to_owned)
                    .collect();
                if !rec[0].is_empty() {
                    groups.push(Vec::new());
                }
                let code = rec[1].split('[').next().unwrap().to_owned();
                groups.last_mut().unwrap().push((code, rec[2].clone()));
            }
            assert_eq!(
                groups.len(),
                labelled.len(),
                "{inst}: variables with value labels"
            );
            for (g, b) in groups.iter().zip(labelled) {
                let want: Vec<(String, String)> = b[c_values]
                    .split(" | ")
                    .map(|s| {
                        let (c, l) = s.split_once('=').unwrap();
                        (c.to_owned(), l.to_owned())
                    })
                    .collect();
                assert_eq!(g, &want, "{} value labels in PSPP", b[0]);
            }
        }
    }
}

/// A respondent's answer that a spreadsheet would run (`=cmd|' /C calc'!A0`) leaves
/// `leernet export --format csv` with a quote in front; `--raw` writes it as stored; a
/// negative number stays a number.
#[test]
fn a_formula_in_an_answer_is_neutralised_in_the_csv_unless_raw() {
    const ATTACK: &str = "=cmd|' /C calc'!A0";
    let p = demo();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = p.store().await;
        let data = store.study_data().await.unwrap();
        let inst = data
            .instruments
            .iter()
            .find(|i| i.form_id == "leernet_network")
            .unwrap();
        let wave = data.waves.iter().find(|w| w.instrument == inst.id).unwrap();
        store
            .add_responses(
                wave.id,
                &[leernet_store::NewResponse {
                    network: data.networks[0].id,
                    respondent: "csv:attack".into(),
                    status: leernet_core::ResponseStatus::Submitted,
                    answers: [("rationale_text".to_owned(), ATTACK.to_owned())].into(),
                }],
            )
            .await
            .unwrap();
        store.close().await;
    });
    let dir = tempfile::tempdir().unwrap();
    let cell = |raw: bool| {
        let out = dir.path().join("n.csv");
        let mut args = vec!["export", "--format", "csv", "--out", out.to_str().unwrap()];
        args.extend(["--instrument", "leernet_network"]);
        if raw {
            args.push("--raw");
        }
        ok(&p.run(&args));
        let t = read_csv(&out);
        let c = t[0].iter().position(|h| h == "rationale_text").unwrap();
        let row = t.iter().find(|r| r[0] == "csv:attack").unwrap();
        row[c].clone()
    };
    assert_eq!(cell(false), format!("'{ATTACK}"));
    assert_eq!(cell(true), ATTACK);
    // --raw belongs to CSV: with another format it is a usage error
    let out = dir.path().join("n.xlsx");
    let o = p.run(&[
        "export",
        "--format",
        "xlsx",
        "--raw",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("--raw"), "{}", text(&o.stderr));
}
