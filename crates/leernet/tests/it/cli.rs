//! The command line as a user meets it: the real binary, real folders, the contract's exit
//! codes and messages.

use std::path::Path;
use std::process::{Command, Output};

fn leernet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(args)
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .expect("run leernet")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn demo_is_deterministic_and_its_report_follows_the_stored_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let d = dir.to_str().unwrap();
    let first = leernet(&["demo", "--dir", d]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("leernet serve --project"),
        "{}",
        stdout(&first)
    );
    let files = [
        "report/index.html",
        "report/index.md",
        "report/en/index.html",
        "report/en/index.md",
    ];
    let before: Vec<Vec<u8>> = files.iter().map(|f| read(&dir.join(f))).collect();
    let html = String::from_utf8(before[0].clone()).unwrap();
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(
        html.contains("Fictief"),
        "the report says the study is fictional"
    );
    assert!(
        html.contains("<strong>17</strong> lerende netwerken"),
        "17 networks"
    );
    assert!(
        html.contains("<strong>15</strong> Werkplaatsen"),
        "15 Werkplaatsen"
    );
    let en = String::from_utf8(before[2].clone()).unwrap();
    assert!(en.contains("<html lang=\"en\">") && en.contains("Fictional"));

    // Byte-identical on a second run (which replaces the first demo).
    let second = leernet(&["demo", "--dir", d]);
    assert!(second.status.success(), "{}", stderr(&second));
    for (f, b) in files.iter().zip(&before) {
        assert!(read(&dir.join(f)) == *b, "{f} changed between two runs");
    }
    assert!(
        !std::fs::read_dir(tmp.path()).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("partial")),
        "no scratch folder is left behind"
    );

    // The figures come from the store: change one stored answer and the report changes.
    let figures = dir.join("figures.json");
    let a = leernet(&[
        "analyse",
        "--project",
        d,
        "--json",
        figures.to_str().unwrap(),
    ]);
    assert!(a.status.success(), "{}", stderr(&a));
    let json: serde_json::Value = serde_json::from_slice(&read(&figures)).unwrap();
    let yes_count = |json: &serde_json::Value| -> u64 {
        json["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["tables"].as_array().unwrap())
            .find(|t| t["question"] == "rationale_explicit")
            .unwrap()["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["choice"] == "yes")
            .unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    let yes_before = yes_count(&json);
    // The workspace's practice indicators are in the JSON too: those the report shows.
    let expected = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let url = format!("sqlite://{}/leernet.sqlite", dir.display());
        let store = leernet_store::Store::connect(&url).await.unwrap();
        let log = leernet_app::practice::practice_log(&store, None)
            .await
            .unwrap();
        store.close().await;
        // Through text, as the file went (serde_json reads the last digit of a float its own way).
        let text = serde_json::to_string(&leernet_analysis::practice_indicators::indicators(&log))
            .unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    });
    assert_eq!(json["practice"], expected);
    assert!(json["practice"]["total"]["sessions_held"].as_u64().unwrap() > 0);
    assert!(!json["practice"]["networks"].as_array().unwrap().is_empty());
    assert!(
        String::from_utf8_lossy(&a.stdout).contains("practice: "),
        "{}",
        String::from_utf8_lossy(&a.stdout)
    );
    let db = dir.join("leernet.sqlite");
    // The edit goes through python3's sqlite3 module, as a person would edit the file.
    let Some(python3) = leernet_testkit::tools::program(
        "python3 (its sqlite3 module edits the project's database)",
        &["python3"],
        "--version",
    ) else {
        return;
    };
    let changed = Command::new(python3)
        .arg("-c")
        .arg(
            "import sqlite3,sys,json\n\
             c=sqlite3.connect(sys.argv[1])\n\
             i,a=c.execute(\"select r.id, r.answers from responses r join waves w on w.id=r.wave_id join instruments n on n.id=w.instrument_id where n.form_id='leernet_network' and r.answers like '%\\\"rationale_explicit\\\":\\\"yes\\\"%' order by r.id desc limit 1\").fetchone()\n\
             a=json.loads(a); a['rationale_explicit']='no'; a.pop('rationale_text',None)\n\
             c.execute('update responses set answers=? where id=?',(json.dumps(a,sort_keys=True),i)); c.commit()",
        )
        .arg(&db)
        .status()
        .unwrap();
    assert!(changed.success());
    let out = tmp.path().join("report2");
    let r = leernet(&[
        "report",
        "--project",
        d,
        "--out",
        out.to_str().unwrap(),
        "--format",
        "html",
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(
        read(&out.join("index.html")) != before[0],
        "the report follows the data"
    );
    let a = leernet(&[
        "analyse",
        "--project",
        d,
        "--json",
        figures.to_str().unwrap(),
    ]);
    assert!(a.status.success());
    let json: serde_json::Value = serde_json::from_slice(&read(&figures)).unwrap();
    assert_eq!(yes_count(&json), yes_before - 1);
}

#[test]
fn init_makes_a_project_once_and_bad_projects_get_one_sentence_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("study");
    let ps = p.to_str().unwrap();
    let o = leernet(&["init", ps]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(p.join("leernet.toml").exists() && p.join("leernet.sqlite").exists());
    // Without [smtp], `notify send` sends nothing and says what waits.
    let n = leernet(&["notify", "send", "--project", ps]);
    assert!(n.status.success(), "{}", stderr(&n));
    assert!(String::from_utf8_lossy(&n.stdout)
        .contains("No [smtp] section in leernet.toml: nothing sent; 0 message(s) wait"));
    let again = leernet(&["init", ps]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already a leernet project"),
        "{}",
        stderr(&again)
    );

    // An empty project analyses to zeros, not an error.
    let o = leernet(&["analyse", "--project", ps]);
    assert!(o.status.success(), "{}", stderr(&o));

    // A project file that does not parse: exit 2, the line, no panic.
    std::fs::write(p.join("leernet.toml"), "[database]\nurl = \n").unwrap();
    let o = leernet(&["analyse", "--project", ps]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("does not parse at line 2"), "{e}");
    assert!(!e.contains("panicked"), "{e}");

    // A database that cannot be reached: exit 2, the password hidden.
    std::fs::write(
        p.join("leernet.toml"),
        "[database]\nurl = \"postgres://u:geheim@127.0.0.1:1/x\"\n",
    )
    .unwrap();
    let o = leernet(&["analyse", "--project", ps]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("cannot open the database"), "{e}");
    assert!(!e.contains("geheim"), "{e}");

    // Not a project at all.
    let o = leernet(&["analyse", "--project", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("leernet init"), "{}", stderr(&o));

    // A folder that cannot be made leaves nothing behind.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = leernet(&["init", file.join("sub").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot make the project folder"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn demo_never_overwrites_a_folder_that_is_not_a_demo() {
    let tmp = tempfile::tempdir().unwrap();
    let keep = tmp.path().join("mine");
    std::fs::create_dir(&keep).unwrap();
    std::fs::write(keep.join("notes.txt"), "precious").unwrap();
    let o = leernet(&["demo", "--dir", keep.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a leernet demo project"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(keep.join("notes.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn instruments_are_added_once_per_version() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("s");
    let ps = p.to_str().unwrap();
    assert!(leernet(&["init", ps]).status.success());
    let form = concat!(env!("CARGO_MANIFEST_DIR"), "/../../instruments/member.xlsx");
    let o = leernet(&["instrument", "add", form, "--project", ps]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("leernet_member"), "{}", stdout(&o));
    let again = leernet(&["instrument", "add", form, "--project", ps]);
    assert!(again.status.success(), "the same workbook again is fine");
    assert_eq!(stdout(&o), stdout(&again), "and gets the same id");
    let junk = tmp.path().join("junk.xlsx");
    std::fs::write(&junk, b"not a workbook").unwrap();
    let o = leernet(&["instrument", "add", junk.to_str().unwrap(), "--project", ps]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn usage_errors_exit_2() {
    let o = leernet(&["report"]);
    assert_eq!(o.status.code(), Some(2));
    let o = leernet(&[
        "report",
        "--out",
        "/tmp/x",
        "--lang",
        "de",
        "--project",
        "/nonexistent",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // clap refuses a language outside the closed set and names the ones there are
    assert!(
        stderr(&o).contains("invalid value 'de' for '--lang <LANG>'")
            && stderr(&o).contains("[possible values: nl, en]"),
        "{}",
        stderr(&o)
    );
}

/// `stats qca` on the reference data: the JSON mirrors R's QCA (truth table, solutions as
/// sets of terms, fit of every prime implicant); bad data exits 1, bad options exit 2.
#[test]
fn stats_qca_matches_the_r_reference_and_keeps_the_exit_codes() {
    use serde_json::Value;
    use std::collections::BTreeSet;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/references/qca");
    let reference: Value =
        serde_json::from_slice(&read(&dir.join("LF_SURV_ic0.8_n2.json"))).unwrap();
    let csv = dir.join("data/LF.csv");
    let csv = csv.to_str().unwrap();
    let o = leernet(&[
        "stats",
        "qca",
        "--input",
        csv,
        "--outcome",
        "SURV",
        "--conditions",
        "DEV,URB,LIT,IND,STB",
        "--incl-cut",
        "0.8",
        "--n-cut",
        "2",
        "--dir-exp",
        "DEV,URB,LIT,IND,STB",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got: Value = serde_json::from_slice(&o.stdout).unwrap();
    let want = &reference["expected"];
    let terms = |v: &Value| -> BTreeSet<BTreeSet<String>> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| {
                m.as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().to_string())
                    .collect()
            })
            .collect()
    };
    for what in ["conservative", "parsimonious"] {
        assert_eq!(
            terms(&got["minimize"][what]["solutions"]),
            terms(&want["minimize"][what]["solutions"]),
            "{what}"
        );
        for wp in want["minimize"][what]["prime_implicants"]
            .as_array()
            .unwrap()
        {
            let gp = got["minimize"][what]["prime_implicants"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["term"] == wp["term"])
                .unwrap_or_else(|| panic!("{what}: no {}", wp["term"]));
            for f in ["inclS", "PRI", "covS"] {
                let (g, w) = (gp[f].as_f64().unwrap(), wp[f].as_f64().unwrap());
                assert!(
                    (g - w).abs() < 1e-6,
                    "{what} {} {f}: {g} vs {w}",
                    wp["term"]
                );
            }
        }
    }
    let variants = got["minimize"]["intermediate"]["variants"]
        .as_array()
        .unwrap();
    assert_eq!(
        variants.len(),
        2,
        "two parsimonious models give two variants"
    );
    for v in variants {
        assert_eq!(
            terms(&v["solutions"]),
            terms(&want["minimize"]["intermediate"]["variants"][0]["solutions"])
        );
    }
    let rows = got["truth_table"]["rows"].as_array().unwrap();
    let wrows = want["truth_table"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 32);
    for (g, w) in rows.iter().zip(wrows) {
        assert_eq!(g["OUT"], w["OUT"], "row {}", w["row"]);
        assert_eq!(g["n"], w["n"], "row {}", w["row"]);
    }
    assert_eq!(got["necessity"].as_array().unwrap().len(), 10);

    // Raw, uncalibrated values are invalid data: exit 1, naming the condition.
    let raw = dir.join("data/LR.csv");
    let raw = raw.to_str().unwrap();
    let o = leernet(&[
        "stats",
        "qca",
        "--input",
        raw,
        "--outcome",
        "SURV",
        "--conditions",
        "DEV,URB",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("DEV"), "{}", stderr(&o));
    // Calibrated on the command line, the same file works and records its choices.
    let o = leernet(&[
        "stats",
        "qca",
        "--input",
        raw,
        "--outcome",
        "SURV",
        "--conditions",
        "DEV,URB",
        "--calibrate",
        "DEV=fuzzy:350,550,900;URB=crisp:50",
        "--calibrate",
        "SURV=crisp:0",
        "--incl-cut",
        "0.8",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(got["calibration"].as_array().unwrap().len(), 3);
    // The indirect method, and robustness over the crossover of two fuzzy conditions: the
    // first variant is the analysis as run, then the crossover one step down and one up.
    let o = leernet(&[
        "stats",
        "qca",
        "--input",
        raw,
        "--outcome",
        "SURV",
        "--conditions",
        "DEV,URB,LIT,IND",
        "--calibrate",
        "DEV=fuzzy:400,550,900;URB=fuzzy:25,50,65;LIT=indirect:50,70,80,90,95",
        "--calibrate",
        "IND=fuzzy:10,20,30;SURV=fuzzy:-9,0,10",
        "--incl-cut",
        "0.8",
        "--robustness-crossover",
        "DEV=100;URB=10",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got: Value = serde_json::from_slice(&o.stdout).unwrap();
    let lit = got["calibration"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["column"] == "LIT")
        .unwrap();
    assert_eq!(lit["method"], "indirect");
    let lit_out = lit["output"].as_array().unwrap();
    assert_eq!(lit_out.len(), 18);
    assert!(lit_out
        .iter()
        .all(|v| (0.0..=1.0).contains(&v.as_f64().unwrap())));
    let variants = got["robustness_crossover"].as_array().unwrap();
    assert_eq!(variants.len(), 5, "{got}");
    assert_eq!(variants[0]["column"], Value::Null);
    assert_eq!(
        (
            variants[1]["column"].as_str(),
            variants[1]["crossover"].as_f64()
        ),
        (Some("DEV"), Some(450.0))
    );
    assert_eq!(variants[4]["crossover"].as_f64(), Some(60.0));
    // The first variant is the solution as reported.
    let conservative: BTreeSet<String> = got["minimize"]["conservative"]["solutions"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    let first: BTreeSet<String> = variants[0]["conservative"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    assert_eq!(conservative, first);
    // Moving DEV's crossover to 450 drops the conservative term DEV*~URB*LIT*~IND.
    let survival = got["robustness_crossover_terms"].as_array().unwrap();
    let term = survival
        .iter()
        .find(|t| t["term"] == "DEV*~URB*LIT*~IND")
        .unwrap();
    assert_eq!(
        term["present"],
        serde_json::json!([true, false, true, true, true])
    );
    assert_eq!(term["robust"], false);
    // A crossover step on a column that is not calibrated fuzzy is a usage error.
    let o = leernet(&[
        "stats",
        "qca",
        "--input",
        raw,
        "--outcome",
        "SURV",
        "--conditions",
        "DEV,URB",
        "--calibrate",
        "DEV=fuzzy:400,550,900;URB=crisp:50;SURV=crisp:0",
        "--robustness-crossover",
        "URB=5",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // A named disjunction's necessity.
    let o = leernet(&[
        "stats",
        "qca",
        "--input",
        csv,
        "--outcome",
        "SURV",
        "--conditions",
        "DEV,URB",
        "--necessity-of",
        "DEV+URB",
        "--robustness",
        "0.75,0.9",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got: Value = serde_json::from_slice(&o.stdout).unwrap();
    let incl = got["necessity_of"][0]["inclN"].as_f64().unwrap();
    assert!(incl > 0.0 && incl <= 1.0, "{got}");
    assert_eq!(got["robustness"].as_array().unwrap().len(), 2);
    assert!(
        got["robustness_terms"]
            .as_array()
            .is_some_and(|t| !t.is_empty()),
        "{got}"
    );
    // Usage errors: a cut-off outside [0, 1], an unknown column, a bad calibration.
    for args in [
        &["--incl-cut", "1.5"][..],
        &["--dir-exp", "NOPE"][..],
        &["--calibrate", "DEV=fuzzy:1,2"][..],
    ] {
        let mut all = vec![
            "stats",
            "qca",
            "--input",
            csv,
            "--outcome",
            "SURV",
            "--conditions",
            "DEV,URB",
            "--json",
        ];
        all.extend_from_slice(args);
        let o = leernet(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    let o = leernet(&[
        "stats",
        "qca",
        "--input",
        csv,
        "--outcome",
        "SURV",
        "--conditions",
        "DEV,NOPE",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
