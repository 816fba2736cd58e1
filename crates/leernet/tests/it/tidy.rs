//! House rules that a machine can check: every Rust file opens with a module doc that says
//! why it exists, no file prints respondents' answers through `println!`-style logging in
//! library crates, and the Dutch texts speak to the reader as "u".

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn every_source_file_opens_with_a_module_doc() {
    let mut files = Vec::new();
    for c in std::fs::read_dir(crates_dir()).unwrap().flatten() {
        let src = c.path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    assert!(files.len() > 20, "found the sources");
    let missing: Vec<String> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "files without a module doc: {missing:#?}"
    );
}

#[test]
fn library_crates_do_not_print() {
    let mut files = Vec::new();
    for c in std::fs::read_dir(crates_dir()).unwrap().flatten() {
        let name = c.file_name().to_string_lossy().into_owned();
        // The binary prints by design; `testing` modules and the test kit (a dev-dependency
        // only) may explain what a test skipped.
        if name == "leernet" || name == "leernet-testkit" {
            continue;
        }
        let src = c.path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("testing.rs"))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.lines().any(|l| {
                let l = l.trim_start();
                !l.starts_with("//") && (l.contains("println!(") || l.contains("dbg!("))
            })
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "library code prints (use tracing, and never with answers): {offenders:#?}"
    );
}

/// Whether a Dutch text speaks to the reader as "je", "jij" or "jullie" outside ‘…’: a question
/// a text suggests asking colleagues in a meeting is quoted speech and may say "je".
fn says_je_or_jullie(text: &str) -> bool {
    let informal = ["je", "jij", "jou", "jouw", "jezelf", "jullie"];
    let mut quoted = false;
    let outside: String = text
        .chars()
        .map(|c| match c {
            '‘' => {
                quoted = true;
                ' '
            }
            '’' if quoted => {
                quoted = false;
                ' '
            }
            _ if quoted => ' ',
            c => c,
        })
        .collect();
    outside
        .split(|c: char| !c.is_alphabetic())
        .any(|w| informal.contains(&w.to_lowercase().as_str()))
}

/// One form of address in Dutch: every text of the Dutch catalogue and every Dutch field
/// (`*_nl`) of the shipped content speaks to the reader as "u", never as "je", "jij" or
/// "jullie" (the coding pages said "je", the handreiking and the network space "jullie",
/// while the rest said "u").
#[test]
fn the_dutch_texts_say_u_throughout() {
    let nl = std::fs::read_to_string(crates_dir().join("../locales/nl.toml")).unwrap();
    let mut offenders: Vec<String> = nl
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter(|l| says_je_or_jullie(l))
        .map(|l| format!("locales/nl.toml: {l}"))
        .collect();
    let content = crates_dir().join("../content");
    let mut files = Vec::new();
    for dir in [content.clone(), content.join("frameworks")] {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "toml") {
                files.push(e.path());
            }
        }
    }
    files.sort();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy();
        offenders.extend(
            text.lines()
                .filter(|l| {
                    l.split_once('=')
                        .is_some_and(|(k, _)| k.trim().ends_with("_nl"))
                })
                .filter(|l| says_je_or_jullie(l))
                .map(|l| format!("content/{name}: {l}")),
        );
    }
    assert!(offenders.is_empty(), "say \"u\": {offenders:#?}");
    assert!(!says_je_or_jullie(
        "Vraag: ‘Wat raakte je vandaag?’ Zo begint het."
    ));
    assert!(says_je_or_jullie("Wat hebben jullie gedaan?"));
    assert!(says_je_or_jullie("Wat doe je? ‘Goed.’"));
}
