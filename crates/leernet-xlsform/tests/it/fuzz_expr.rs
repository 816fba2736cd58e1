//! Stable-Rust fuzzing of the expression parser and evaluator (cargo-fuzz targets in
//! `fuzz/` do the same with libFuzzer where a nightly toolchain exists).
//!
//! Three parts: every input of the kept corpus (`fuzz/corpus/expr/`) parses or fails
//! without panicking and evaluates; proptest feeds arbitrary strings and strings built
//! from the language's own tokens; and the workbook reader gets arbitrary and mangled
//! bytes. No input may panic, and each finishes quickly (no loops).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use leernet_xlsform::expr::{parse, MapScope};
use leernet_xlsform::Form;
use proptest::prelude::*;

fn scope() -> MapScope {
    let mut s = MapScope::new([
        ("a", "3"),
        ("b", "x y"),
        ("c", ""),
        ("d", "2024-01-01"),
        ("e", "-1e309"),
    ]);
    s.current = "5".into();
    s.now = Some(19_787.5);
    s
}

fn exercise(src: &str) {
    let t = Instant::now();
    if let Ok(e) = parse(src) {
        let _ = e.eval(&scope()).to_str();
        let _ = e.references();
    }
    assert!(t.elapsed() < Duration::from_secs(2), "too slow on {src:?}");
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/expr")
}

#[test]
fn kept_corpus_never_panics() {
    let Ok(dir) = std::fs::read_dir(corpus_dir()) else {
        panic!("fuzz/corpus/expr is missing");
    };
    let mut n = 0;
    for e in dir.flatten() {
        let bytes = std::fs::read(e.path()).unwrap();
        exercise(&String::from_utf8_lossy(&bytes));
        n += 1;
    }
    assert!(n >= 20, "corpus has {n} inputs");
}

const TOKENS: &[&str] = &[
    "${a}",
    "${b}",
    "${c}",
    "${d}",
    "${e}",
    ".",
    "..",
    "/",
    "//",
    "(",
    ")",
    "[",
    "]",
    ",",
    "'x'",
    "\"y\"",
    "'",
    "1",
    "0",
    "-",
    "+",
    "*",
    " div ",
    " mod ",
    " and ",
    " or ",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "|",
    "@",
    "name",
    "instance('l')",
    "selected(",
    "count-selected(",
    "selected-at(",
    "jr:choice-name(",
    "string-length(",
    "substr(",
    "concat(",
    "contains(",
    "starts-with(",
    "ends-with(",
    "regex(",
    "if(",
    "coalesce(",
    "number(",
    "int(",
    "round(",
    "today()",
    "now()",
    "date(",
    "format-date(",
    "position(",
    "count(",
    "sum(",
    "min(",
    "max(",
    "true()",
    "false()",
    "not(",
    "pow(",
    "1e308",
    "9999999999",
    "'%Y%m%d%H%M%S%3%a%b%e%n%y'",
    "'(a+)+$'",
    "'[a-'",
    " ",
    "${",
    "}",
    "$x",
    "é",
    "€",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        exercise(&s);
    }

    #[test]
    fn token_soup_never_panics(toks in proptest::collection::vec(proptest::sample::select(TOKENS), 0..40)) {
        exercise(&toks.concat());
    }

    #[test]
    fn check_value_never_panics(v in any::<String>()) {
        let f = FORM.get_or_init(form);
        for q in ["i", "d", "dt", "t", "dtt", "s", "m", "r", "g"] {
            let _ = f.check_value(q, &v);
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_are_not_a_form(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = Form::from_workbook(&bytes, "fuzz.xlsx");
    }

    #[test]
    fn mangled_workbooks_never_panic(pos in 0usize..6000, byte in any::<u8>(), cut in 0usize..6000) {
        let mut b = simple_xlsx();
        if !b.is_empty() {
            let p = pos % b.len();
            b[p] = byte;
            b.truncate(cut.max(1).min(b.len()));
        }
        let _ = Form::from_workbook(&b, "fuzz.xlsx");
    }
}

static FORM: std::sync::OnceLock<Form> = std::sync::OnceLock::new();

fn form() -> Form {
    let md = "| survey |\n| | type | name | label | parameters |\n| | integer | i | I | |\n| | decimal | d | D | |\n| | date | dt | Dt | |\n| | time | t | T | |\n| | dateTime | dtt | Dtt | |\n| | select_one yn | s | S | |\n| | select_multiple yn | m | M | |\n| | range | r | R | start=0 end=10 step=0.5 |\n| | geopoint | g | G | |\n| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |\n";
    let mut wb = rust_xlsxwriter::Workbook::new();
    let mut sheet: Option<&mut rust_xlsxwriter::Worksheet> = None;
    let mut r = 0u32;
    for line in md.lines() {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if !cells[0].is_empty() {
            let ws = wb.add_worksheet();
            ws.set_name(cells[0]).unwrap();
            sheet = Some(ws);
            r = 0;
            continue;
        }
        let ws = sheet.as_mut().unwrap();
        for (c, v) in cells[1..].iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16, *v).unwrap();
            }
        }
        r += 1;
    }
    Form::from_workbook(&wb.save_to_buffer().unwrap(), "f.xlsx").unwrap()
}

fn simple_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("survey").unwrap();
    for (c, v) in ["type", "name", "label"].iter().enumerate() {
        ws.write_string(0, c as u16, *v).unwrap();
    }
    for (c, v) in ["integer", "age", "Age"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}
