//! `leernet demo` and `leernet report` as a user meets them: the study report in three
//! formats and two languages, a handreiking per network, the same bytes on every run, and
//! handreikingen that follow the stored answers.

use std::path::Path;
use std::process::{Command, Output};

fn leernet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(args)
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .expect("run leernet")
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn text(p: &Path) -> String {
    String::from_utf8(read(p)).unwrap()
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn demo_writes_every_format_language_and_handreiking_the_same_every_time() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let d = dir.to_str().unwrap();
    let first = leernet(&["demo", "--dir", d]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(
        out.contains("index.docx") && out.contains("index.pdf") && out.contains("17 handreikingen"),
        "{out}"
    );

    let report = dir.join("report");
    let files = files_under(&report);
    for lang in ["", "en/"] {
        for f in ["index.html", "index.md", "index.docx", "index.pdf"] {
            assert!(
                files.contains(&format!("{lang}{f}")),
                "{lang}{f} in {files:?}"
            );
        }
        let handreikingen = files
            .iter()
            .filter(|f| f.starts_with(&format!("{lang}handreikingen/")))
            .count();
        assert_eq!(handreikingen, 51, "17 networks, HTML, DOCX and PDF, {lang}");
    }
    let hr = text(&report.join("handreikingen/polderhart-sociaal-team.html"));
    assert!(hr.contains("<html lang=\"nl\">") && hr.contains("Fictief"));
    assert!(hr.contains("Handreiking voor Leernetwerk Sociaal Team Polderhart"));
    let en = text(&report.join("en/handreikingen/polderhart-sociaal-team.html"));
    assert!(en.contains("Handreiking for Leernetwerk Sociaal Team Polderhart"));
    assert!(read(&report.join("index.docx")).starts_with(b"PK"));
    assert!(read(&report.join("index.pdf")).starts_with(b"%PDF-"));
    assert!(
        read(&report.join("en/handreikingen/polderhart-sociaal-team.pdf")).starts_with(b"%PDF-")
    );
    // The method section says what the coders did, from the data: in the demo not every
    // answer got a code from both coders, so it never claims they coded all of them, and it
    // gives the figures over the answers both coded too.
    let index = text(&report.join("index.html"));
    assert!(
        !index.contains("codeerden alle open antwoorden"),
        "a fixed claim"
    );
    assert!(index.contains("niet elk antwoord kreeg van elke codeur een code"));
    assert!(index.contains("Over alleen de 479 antwoorden die elke codeur codeerde"));
    assert!(text(&report.join("en/index.html"))
        .contains("not every answer got a code from every coder"));
    // What the networks sent back (issue 26): how seven networks recognised their profiles,
    // quoted without the names of people or networks, and the change beside the handles taken
    // up, with the caution.
    assert!(
        index.contains("id=\"member-check\""),
        "no member-check section"
    );
    assert!(
        index.contains("4 van de 7 netwerken die reageerden vonden hun profiel herkenbaar, 2 deels herkenbaar en 1 niet herkenbaar (12 reacties in de meting 2027)"),
        "the member check's count"
    );
    assert!(index.contains("Niet herkenbaar, omdat […] voor ons juist belangrijker werd"));
    assert!(
        !index.contains("Pieter van der Molen"),
        "a person named in a quote"
    );
    assert!(index.contains("Deels: het […]-overleg met bewoners"));
    assert!(
        index.contains("id=\"uptake-change\"") && index.contains("Lees dit met voorzichtigheid")
    );
    let en_index = text(&report.join("en/index.html"));
    assert!(
        en_index.contains("4 of the 7 networks that responded found their profile recognisable")
    );
    assert!(en_index.contains("Read this with caution"));
    let md = text(&report.join("index.md"));
    assert!(
        md.contains("Opgepakte handvatten en verandering")
            && md.contains("Herkenbaarheid van de profielen")
    );

    let before: Vec<Vec<u8>> = files.iter().map(|f| read(&report.join(f))).collect();
    let second = leernet(&["demo", "--dir", d]);
    assert!(second.status.success());
    assert_eq!(files_under(&report), files);
    for (f, b) in files.iter().zip(&before) {
        assert!(read(&report.join(f)) == *b, "{f} changed between two runs");
    }
}

#[test]
fn handreikingen_follow_the_stored_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let d = dir.to_str().unwrap();
    assert!(leernet(&["demo", "--dir", d]).status.success());
    let handreiking = |out: &Path| text(&out.join("handreikingen/havenmond-wijkkracht.html"));
    let before = handreiking(&dir.join("report/en"));
    assert!(!before.contains("id=\"facilitator-appoint\""));

    // Havenmond's facilitator leaves: the network questionnaire now says there is none.
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
             i,a=c.execute(\"select r.id, r.answers from responses r join networks n on n.id=r.network_id join waves w on w.id=r.wave_id join instruments s on s.id=w.instrument_id where n.slug='havenmond-wijkkracht' and s.form_id='leernet_network' order by r.id desc\").fetchone()\n\
             a=json.loads(a); a['facilitator_present']='no'\n\
             [a.pop(k,None) for k in ['facilitator_background','facilitator_position','bw_connect','bw_translate','bw_safe','bw_questions','facilitator_importance']]\n\
             c.execute('update responses set answers=? where id=?',(json.dumps(a,sort_keys=True),i)); c.commit()",
        )
        .arg(dir.join("leernet.sqlite"))
        .status()
        .unwrap();
    assert!(changed.success());

    let out = tmp.path().join("out");
    let r = leernet(&[
        "report",
        "--project",
        d,
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
        "--format",
        "html",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let after = handreiking(&out);
    assert!(
        after.contains("id=\"facilitator-appoint\""),
        "the new handle fires"
    );
    assert!(after.contains("Choose a learning facilitator"));
    assert!(
        !out.join("index.docx").exists(),
        "--format html writes HTML only"
    );

    let docx = tmp.path().join("docx");
    let r = leernet(&[
        "report",
        "--project",
        d,
        "--out",
        docx.to_str().unwrap(),
        "--format",
        "docx",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let files = files_under(&docx);
    assert!(files.iter().all(|f| f.ends_with(".docx")), "{files:?}");
    assert_eq!(files.len(), 18, "the report and 17 handreikingen");

    // `--format pdf`: the report and every handreiking as PDF, nothing else.
    let pdf = tmp.path().join("pdf");
    let r = leernet(&[
        "report",
        "--project",
        d,
        "--out",
        pdf.to_str().unwrap(),
        "--format",
        "pdf",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let files = files_under(&pdf);
    assert!(files.iter().all(|f| f.ends_with(".pdf")), "{files:?}");
    assert_eq!(files.len(), 18, "the report and 17 handreikingen");
    assert!(read(&pdf.join("index.pdf")).starts_with(b"%PDF-"));
}
