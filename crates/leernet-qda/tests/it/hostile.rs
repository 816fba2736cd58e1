//! Hostile and broken input: a clear error, never a panic. The kept corpus in
//! `tests/corpus/` holds one file per attack (regenerate with
//! `cargo test -p leernet-qda --test hostile -- --ignored write_corpus`); the proptest
//! fuzzers mutate valid archives and documents and feed random bytes.

use leernet_qda::*;
use proptest::prelude::*;
use std::io::Write;
use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Small limits so that the bombs in the corpus stay small files.
fn small() -> Limits {
    Limits {
        max_entries: 50,
        max_entry_bytes: 1 << 20,
        max_total_bytes: 3 << 20,
        max_xml_nodes: 100_000,
    }
}

fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (n, b) in entries {
        z.start_file(*n, o).unwrap();
        z.write_all(b).unwrap();
    }
    z.finish().unwrap().into_inner()
}

const TXT: &str = "Wanneer is eigen kracht te veel gevraagd?";

fn qde(codes: &str, selection: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t">
 <Users><User guid="10000000-0000-4000-8000-000000000001" name="A"/></Users>
 <CodeBook><Codes>{codes}</Codes></CodeBook>
 <Sources><TextSource guid="40000000-0000-4000-8000-000000000001" name="s" plainTextPath="internal://40000000-0000-4000-8000-000000000001.txt">{selection}</TextSource></Sources>
</Project>"#
    )
}

const CODE: &str =
    r#"<Code guid="20000000-0000-4000-8000-000000000001" name="c" isCodable="true"/>"#;

fn sel(start: &str, end: &str, code: &str) -> String {
    format!(
        r#"<PlainTextSelection guid="50000000-0000-4000-8000-000000000001" startPosition="{start}" endPosition="{end}"><Coding guid="60000000-0000-4000-8000-000000000001" creatingUser="10000000-0000-4000-8000-000000000001"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>"#
    )
}

fn project(xml: String) -> Vec<u8> {
    zip_of(&[
        ("project.qde", xml.into_bytes()),
        (
            "sources/40000000-0000-4000-8000-000000000001.txt",
            TXT.as_bytes().to_vec(),
        ),
    ])
}

fn valid() -> Vec<u8> {
    project(qde(
        CODE,
        &sel("8", "19", "20000000-0000-4000-8000-000000000001"),
    ))
}

/// The corpus: file name → bytes. Names say what each must give.
fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>"#;
    let laughs = {
        let mut s = String::from("<?xml version=\"1.0\"?><!DOCTYPE Project [<!ENTITY l0 \"ha\">");
        for i in 1..10 {
            let p = i - 1;
            s.push_str(&format!(
                "<!ENTITY l{i} \"&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};\">"
            ));
        }
        s.push_str("]><Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"&l9;\"/>");
        s
    };
    let cycle = r#"<Code guid="20000000-0000-4000-8000-000000000001" name="a" isCodable="true"><Code guid="{20000000-0000-4000-8000-000000000001}" name="a again" isCodable="true"/></Code>"#;
    let deep = {
        let mut s = String::new();
        for i in 0..5000 {
            s.push_str(&format!(
                r#"<Code guid="20000000-0000-4000-8000-{i:012}" name="d" isCodable="true">"#
            ));
        }
        s.push_str(&"</Code>".repeat(5000));
        s
    };
    let good = valid();
    let names: Vec<String> = (0..60).map(|i| format!("sources/{i}.txt")).collect();
    vec![
        (
            "bad-not-a-zip.qdpx",
            b"This is plain text, not an archive.".to_vec(),
        ),
        ("bad-truncated.qdpx", good[..good.len() / 2].to_vec()),
        ("bad-empty.qdpx", Vec::new()),
        (
            "bad-zip-bomb-entry.qdpx",
            zip_of(&[("project.qde", vec![b' '; 4 << 20])]),
        ),
        (
            "bad-zip-bomb-total.qdpx",
            zip_of(&[
                ("project.qde", qde(CODE, "").into_bytes()),
                ("sources/a.txt", vec![b'a'; 900 << 10]),
                ("sources/b.txt", vec![b'a'; 900 << 10]),
                ("sources/c.txt", vec![b'a'; 900 << 10]),
                ("sources/d.txt", vec![b'a'; 900 << 10]),
            ]),
        ),
        (
            "bad-many-entries.qdpx",
            zip_of(
                &names
                    .iter()
                    .map(|n| (n.as_str(), vec![]))
                    .collect::<Vec<_>>(),
            ),
        ),
        (
            "bad-climbs-out.qdpx",
            zip_of(&[
                ("project.qde", qde(CODE, "").into_bytes()),
                ("../../evil.txt", b"x".to_vec()),
            ]),
        ),
        (
            "bad-absolute-path.qdpx",
            zip_of(&[
                ("project.qde", qde(CODE, "").into_bytes()),
                ("/etc/evil.txt", b"x".to_vec()),
            ]),
        ),
        (
            "bad-no-qde.qdpx",
            zip_of(&[("sources/a.txt", b"x".to_vec())]),
        ),
        (
            "bad-two-qde.qdpx",
            zip_of(&[
                ("a.qde", qde(CODE, "").into_bytes()),
                ("b.qde", qde(CODE, "").into_bytes()),
            ]),
        ),
        (
            "bad-xxe.qdpx",
            zip_of(&[("project.qde", xxe.as_bytes().to_vec())]),
        ),
        (
            "bad-billion-laughs.qdpx",
            zip_of(&[("project.qde", laughs.into_bytes())]),
        ),
        (
            "bad-not-xml.qdpx",
            zip_of(&[(
                "project.qde",
                b"<Project name='x'><Users></Project>".to_vec(),
            )]),
        ),
        (
            "bad-wrong-root.qdpx",
            zip_of(&[("project.qde", b"<html/>".to_vec())]),
        ),
        (
            "bad-position-outside.qdpx",
            project(qde(
                CODE,
                &sel("8", "999", "20000000-0000-4000-8000-000000000001"),
            )),
        ),
        (
            "bad-position-negative.qdpx",
            project(qde(
                CODE,
                &sel("-3", "5", "20000000-0000-4000-8000-000000000001"),
            )),
        ),
        (
            "bad-position-reversed.qdpx",
            project(qde(
                CODE,
                &sel("9", "2", "20000000-0000-4000-8000-000000000001"),
            )),
        ),
        (
            "bad-position-not-a-number.qdpx",
            project(qde(
                CODE,
                &sel("eight", "19", "20000000-0000-4000-8000-000000000001"),
            )),
        ),
        (
            "bad-unknown-code.qdpx",
            project(qde(
                CODE,
                &sel("8", "19", "29999999-0000-4000-8000-000000000001"),
            )),
        ),
        ("bad-codebook-cycle.qdpx", project(qde(cycle, ""))),
        ("bad-codes-too-deep.qdpx", project(qde(&deep, ""))),
        (
            "bad-xxe.qdc",
            xxe.replace("Project", "CodeBook").into_bytes(),
        ),
        (
            "bad-codebook-cycle.qdc",
            format!(
                r#"<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{cycle}</Codes></CodeBook>"#
            )
            .into_bytes(),
        ),
        (
            "bad-invalid-utf8.qdc",
            b"<CodeBook>\xff\xfe\xfd</CodeBook>".to_vec(),
        ),
        ("ok-valid.qdpx", good),
    ]
}

#[test]
#[ignore]
fn write_corpus() {
    std::fs::create_dir_all(corpus_dir()).unwrap();
    for (name, bytes) in corpus() {
        std::fs::write(corpus_dir().join(name), bytes).unwrap();
    }
}

fn read_any(name: &str, bytes: &[u8]) -> Result<(QdaProject, Report), QdaError> {
    if name.ends_with(".qdc") {
        read_qdc(bytes, &small())
    } else {
        read_qdpx(bytes, &small())
    }
}

#[test]
fn the_kept_corpus_gives_clear_errors() {
    let mut seen = 0;
    let mut files: Vec<_> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let got = read_any(&name, &bytes);
        match (&got, name.starts_with("bad-")) {
            (Err(e), true) => {
                let msg = e.to_string();
                println!("{name}: {msg}");
                assert!(!msg.is_empty());
            }
            (Ok(_), false) => {}
            _ => panic!("{name}: unexpected {got:?}"),
        }
        seen += 1;
    }
    assert!(
        seen >= 20,
        "the corpus is missing: run the write_corpus test"
    );
}

#[test]
fn each_attack_gives_its_own_error() {
    let c: std::collections::BTreeMap<_, _> = corpus().into_iter().collect();
    let e = |n: &str| read_any(n, &c[n]).unwrap_err();
    assert!(matches!(e("bad-not-a-zip.qdpx"), QdaError::NotAZip(_)));
    assert!(matches!(e("bad-truncated.qdpx"), QdaError::NotAZip(_)));
    assert!(matches!(
        e("bad-zip-bomb-entry.qdpx"),
        QdaError::TooLarge(_)
    ));
    assert!(matches!(
        e("bad-zip-bomb-total.qdpx"),
        QdaError::TooLarge(_)
    ));
    assert!(matches!(e("bad-many-entries.qdpx"), QdaError::TooLarge(_)));
    assert!(matches!(e("bad-climbs-out.qdpx"), QdaError::PathEscapes(_)));
    assert!(matches!(
        e("bad-absolute-path.qdpx"),
        QdaError::PathEscapes(_)
    ));
    assert!(matches!(e("bad-no-qde.qdpx"), QdaError::NoProjectFile(_)));
    assert!(matches!(e("bad-two-qde.qdpx"), QdaError::NoProjectFile(_)));
    assert!(matches!(e("bad-xxe.qdpx"), QdaError::Xml { .. }));
    assert!(matches!(e("bad-billion-laughs.qdpx"), QdaError::Xml { .. }));
    assert!(matches!(
        e("bad-position-outside.qdpx"),
        QdaError::PositionOutside { .. }
    ));
    assert!(matches!(
        e("bad-position-negative.qdpx"),
        QdaError::Invalid { .. }
    ));
    assert!(matches!(
        e("bad-position-reversed.qdpx"),
        QdaError::Invalid { .. }
    ));
    assert!(matches!(
        e("bad-unknown-code.qdpx"),
        QdaError::UnknownCode { .. }
    ));
    assert!(matches!(
        e("bad-codebook-cycle.qdpx"),
        QdaError::CodebookCycle { .. }
    ));
    assert!(matches!(
        e("bad-codebook-cycle.qdc"),
        QdaError::CodebookCycle { .. }
    ));
    assert!(matches!(
        e("bad-codes-too-deep.qdpx"),
        QdaError::Invalid { .. } | QdaError::Xml { .. }
    ));
    assert!(e("bad-xxe.qdpx").to_string().contains("entities"));
    // With the default limits the valid archive reads.
    assert!(read_qdpx(&valid(), &Limits::default()).is_ok());
}

/// Never a panic: whatever came out, planning an import of it must not panic either.
fn no_panic(bytes: &[u8], qdc: bool) {
    let r = if qdc {
        read_qdc(bytes, &small())
    } else {
        read_qdpx(bytes, &small())
    };
    if let Ok((p, report)) = r {
        let _ = plan_import(&p, report, &[], &[], &[]);
        let _ = write_qde(&p);
    }
}

const TOKENS: &[&str] = &[
    "<",
    ">",
    "&",
    "\"",
    "'",
    "/>",
    "</Code>",
    "<Code guid=\"x\" name=\"n\">",
    "&amp;",
    "&#0;",
    "startPosition=\"-1\"",
    "endPosition=\"99999999999999999999\"",
    "<!DOCTYPE x>",
    "<![CDATA[",
    "{",
    "}",
    "\u{feff}",
    "😀",
    "\r\n",
    "isCodable=\"maybe\"",
    "color=\"rgb(300,0,0)\"",
    "<PlainTextSelection guid=\"a\" startPosition=\"0\" endPosition=\"1\">",
    "targetGUID=\"\"",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        no_panic(&bytes, false);
        no_panic(&bytes, true);
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend_from_slice(&bytes);
        no_panic(&zipped, false);
    }

    #[test]
    fn flipped_archive_bytes_never_panic(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut b = valid();
        for (at, v) in flips {
            let n = b.len();
            b[at % n] = v;
        }
        no_panic(&b, false);
    }

    #[test]
    fn edited_documents_never_panic(
        edits in proptest::collection::vec((any::<usize>(), 0usize..20, 0usize..TOKENS.len()), 1..6),
        start in 0i64..60, len in -5i64..60,
    ) {
        let mut xml = qde(CODE, &sel(&start.to_string(), &(start + len).to_string(), "20000000-0000-4000-8000-000000000001"));
        for (at, del, tok) in edits {
            let chars: Vec<char> = xml.chars().collect();
            let at = at % (chars.len() + 1);
            let end = (at + del).min(chars.len());
            xml = chars[..at].iter().collect::<String>() + TOKENS[tok] + &chars[end..].iter().collect::<String>();
        }
        no_panic(xml.as_bytes(), true);
        no_panic(&project(xml), false);
    }
}
