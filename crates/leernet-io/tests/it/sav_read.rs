//! Reading `.sav` files (issue 23): real files of SPSS, Qualtrics and ReadStat
//! (`testdata/corpus/exports/sav`, from pyreadstat's and haven's test data) read the same
//! names, labels, value labels and values as pyreadstat, with system- and user-missing
//! values missing; leernet's own export reads back; damaged and hostile files give one
//! clear sentence, never a panic or a huge allocation.

use std::path::PathBuf;
use std::process::Command;

use leernet_io::sav_read::{self, Value};

use crate::common::{need, python};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/corpus/exports/sav")
}

fn sav_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sav"))
        .collect();
    files.sort();
    files
}

/// pyreadstat's reading: per variable its name, label, type, value labels and values
/// (user-missing values as missing, dates as SPSS's seconds).
const DUMP: &str = r#"
import json, math, sys, pyreadstat
df, meta = pyreadstat.read_sav(sys.argv[1], disable_datetime_conversion=True)
def clean(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v if isinstance(v, str) else float(v)
out = []
for c in df.columns:
    labels = meta.variable_value_labels.get(c, {})
    out.append({
        "name": c,
        "label": meta.column_names_to_labels.get(c) or "",
        "string": meta.readstat_variable_types[c] == "string",
        "values": [clean(v) for v in df[c].tolist()],
        "labels": sorted([[clean(k), v] for k, v in labels.items()], key=lambda kv: str(kv[0])),
    })
print(json.dumps(out))
"#;

#[test]
fn real_sav_files_read_as_pyreadstat_reads_them() {
    let files = sav_files();
    assert!(files.len() >= 10, "the corpus has its .sav files");
    let ours: Vec<_> = files
        .iter()
        .map(|f| {
            sav_read::read(&std::fs::read(f).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()))
        })
        .collect();
    let py = python();
    if !need("Python with pyreadstat (tools/pyenv.sh)", py.is_some()) {
        return;
    }
    let py = py.unwrap();
    let mut values = 0usize;
    let mut missing = 0usize;
    for (f, sav) in files.iter().zip(&ours) {
        let o = Command::new(&py)
            .args(["-c", DUMP])
            .arg(f)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let theirs: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let theirs = theirs.as_array().unwrap();
        let name = f.file_name().unwrap().to_string_lossy();
        assert_eq!(theirs.len(), sav.variables.len(), "{name}: variables");
        for (t, v) in theirs.iter().zip(&sav.variables) {
            let what = format!("{name} {}", v.name);
            assert_eq!(t["name"], v.name.as_str(), "{what}: name");
            assert_eq!(t["label"], v.label.as_str(), "{what}: label");
            assert_eq!(t["string"], v.width > 0, "{what}: type");
            let mut labels: Vec<serde_json::Value> = v
                .value_labels
                .iter()
                .map(|(code, l)| match code {
                    Value::Num(x) => serde_json::json!([x, l]),
                    Value::Str(s) => serde_json::json!([s, l]),
                })
                .collect();
            labels.sort_by_key(|kv| match &kv[0] {
                serde_json::Value::String(s) => s.clone(),
                n => format!("{:?}", n.as_f64().unwrap()),
            });
            assert_eq!(
                t["labels"].as_array().unwrap(),
                &labels,
                "{what}: value labels"
            );
        }
        let ncases = theirs[0]["values"].as_array().unwrap().len();
        assert_eq!(ncases, sav.cases.len(), "{name}: cases");
        for (i, (t, v)) in theirs.iter().zip(&sav.variables).enumerate() {
            for (k, want) in t["values"].as_array().unwrap().iter().enumerate() {
                let got = &sav.cases[k][i];
                let got = match got {
                    _ if v.missing.covers(got) => serde_json::Value::Null,
                    Value::Num(None) => serde_json::Value::Null,
                    Value::Num(Some(x)) => serde_json::json!(x),
                    Value::Str(s) => serde_json::json!(s),
                };
                assert_eq!(&got, want, "{name} {} case {}", v.name, k + 1);
                values += 1;
                missing += usize::from(got.is_null());
            }
        }
    }
    eprintln!(
        "{} .sav files: {values} values equal to pyreadstat's, {missing} of them missing",
        files.len()
    );
}

/// A small file made here, in either byte order, uncompressed or bytecode-compressed: a
/// number `q1` (label "Vraag één", value labels 1 "ja" and 2 "nee", 9 user-missing), a
/// string `naam` of width 10 (two units), then the long name `vraag_een` for `q1`, and
/// three cases: (1, "Anna"), (9, "Bram"), (system-missing, "").
fn tiny(big: bool, compressed: bool) -> Vec<u8> {
    let i = |o: &mut Vec<u8>, v: i32| {
        o.extend_from_slice(&if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        })
    };
    let f = |o: &mut Vec<u8>, v: f64| {
        o.extend_from_slice(&if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        })
    };
    let mut o = b"$FL2".to_vec();
    o.extend_from_slice(&[b' '; 60]);
    i(&mut o, 2);
    i(&mut o, 3); // units of a case
    i(&mut o, i32::from(compressed));
    i(&mut o, 0);
    i(&mut o, 3); // cases
    f(&mut o, 100.0);
    o.extend_from_slice(b"01 Jan 7000:00:00");
    o.extend_from_slice(&[b' '; 64]);
    o.extend_from_slice(&[0; 3]);
    assert_eq!(o.len(), 176);
    // q1: numeric, a label, one missing value
    for v in [2, 0, 1, 1, 5 << 16 | 8 << 8, 5 << 16 | 8 << 8] {
        i(&mut o, v);
    }
    o.extend_from_slice(b"Q1      ");
    let label = "Vraag één".as_bytes();
    i(&mut o, label.len() as i32);
    o.extend_from_slice(label);
    o.resize(o.len() + (4 - label.len() % 4) % 4, b' ');
    f(&mut o, 9.0);
    // naam: string of width 10, and its continuation
    for v in [2, 10, 0, 0, 1 << 16 | 10 << 8, 1 << 16 | 10 << 8] {
        i(&mut o, v);
    }
    o.extend_from_slice(b"NAAM    ");
    for v in [2, -1, 0, 0, 0, 0] {
        i(&mut o, v);
    }
    o.extend_from_slice(b"        ");
    // value labels of q1
    i(&mut o, 3);
    i(&mut o, 2);
    for (v, l) in [(1.0, "ja"), (2.0, "nee")] {
        f(&mut o, v);
        o.push(l.len() as u8);
        o.extend_from_slice(l.as_bytes());
        o.resize(o.len() + 7 - l.len(), b' ');
    }
    i(&mut o, 4);
    i(&mut o, 1);
    i(&mut o, 1);
    // the encoding and the long name
    for (sub, data) in [(20, "UTF-8"), (13, "Q1=vraag_een\tNAAM=naam")] {
        i(&mut o, 7);
        i(&mut o, sub);
        i(&mut o, 1);
        i(&mut o, data.len() as i32);
        o.extend_from_slice(data.as_bytes());
    }
    i(&mut o, 999);
    i(&mut o, 0);
    let cases: [(Option<f64>, &[u8; 16]); 3] = [
        (Some(1.0), b"Anna            "),
        (Some(9.0), b"Bram            "),
        (None, b"                "),
    ];
    if !compressed {
        for (x, s) in cases {
            f(&mut o, x.unwrap_or(-f64::MAX));
            o.extend_from_slice(s);
        }
    } else {
        // codes: a number as code - 100, 255 system-missing, 253 raw, 254 spaces, 252 end
        let mut codes = Vec::new();
        let mut raw = Vec::new();
        for (x, s) in cases {
            codes.push(match x {
                Some(x) => (x + 100.0) as u8,
                None => 255,
            });
            for half in s.chunks(8) {
                if half == b"        " {
                    codes.push(254);
                } else {
                    codes.push(253);
                    raw.push(half.to_vec());
                }
            }
        }
        codes.push(252);
        codes.resize(codes.len().div_ceil(8) * 8, 0);
        // each block of 8 codes is followed by the raw units it calls for
        let mut raw = raw.into_iter();
        for block in codes.chunks(8) {
            o.extend_from_slice(block);
            for _ in block.iter().filter(|&&c| c == 253) {
                o.extend_from_slice(&raw.next().unwrap());
            }
        }
    }
    o
}

#[test]
fn either_byte_order_compressed_or_not_reads_the_same() {
    let mut seen = Vec::new();
    for big in [false, true] {
        for compressed in [false, true] {
            let what = format!("big-endian {big}, compressed {compressed}");
            let sav =
                sav_read::read(&tiny(big, compressed)).unwrap_or_else(|e| panic!("{what}: {e}"));
            let v = &sav.variables;
            assert_eq!(v.len(), 2, "{what}");
            assert_eq!(
                (v[0].name.as_str(), v[0].label.as_str()),
                ("vraag_een", "Vraag één")
            );
            assert_eq!(v[1].name, "naam");
            assert_eq!(v[1].width, 10);
            assert_eq!(
                v[0].value_labels,
                [
                    (Value::Num(Some(1.0)), "ja".into()),
                    (Value::Num(Some(2.0)), "nee".into())
                ]
            );
            assert!(v[0].missing.covers(&Value::Num(Some(9.0))));
            let cells: Vec<Vec<String>> = (0..sav.cases.len())
                .map(|k| (0..2).map(|i| sav.cell(k, i)).collect())
                .collect();
            assert_eq!(
                cells,
                [["1", "Anna"], ["", "Bram"], ["", ""]],
                "{what}: the user-missing 9 and the system-missing value are empty"
            );
            seen.push(sav);
        }
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]));
}

/// Every way of damaging a file gives one sentence: cut at every byte, each byte set to
/// 0xFF or 0x7F in turn, and hand-made lies about sizes.
#[test]
fn damaged_and_hostile_files_give_a_clear_error() {
    for (name, bytes) in [
        ("tiny", tiny(false, true)),
        (
            "sample",
            std::fs::read(corpus().join("pyreadstat-sample.sav")).unwrap(),
        ),
    ] {
        for cut in 0..bytes.len() {
            if let Err(e) = sav_read::read(&bytes[..cut]) {
                assert!(!e.0.is_empty(), "{name} cut at {cut}");
            }
        }
        for at in 0..bytes.len() {
            for b in [0xFF, 0x7F] {
                let mut bad = bytes.clone();
                bad[at] = b;
                let _ = sav_read::read(&bad);
            }
        }
    }
    let good = tiny(false, false);
    let set = |at: usize, v: i32| {
        let mut b = good.clone();
        b[at..at + 4].copy_from_slice(&v.to_le_bytes());
        b
    };
    let find = |needle: &[u8]| {
        good.windows(needle.len())
            .position(|w| w == needle)
            .unwrap()
    };
    let labels_at = find(&[3, 0, 0, 0, 2, 0, 0, 0]) + 4;
    let ext_at = find(&[7, 0, 0, 0, 13, 0, 0, 0]) + 8;
    let label_len_at = find(b"Q1      ") + 8;
    for (what, bytes, says) in [
        ("too short", good[..100].to_vec(), "too short"),
        (
            "not a .sav",
            b"PK\x03\x04".repeat(50),
            "not an SPSS system file",
        ),
        (
            "a .zsav",
            [b"$FL3".as_slice(), &good[4..]].concat(),
            ".zsav",
        ),
        (
            "a huge case count",
            set(80, i32::MAX),
            "promises 2147483647 cases",
        ),
        (
            "a huge label count",
            set(labels_at, i32::MAX),
            "more than the rest of the file holds",
        ),
        ("a negative label count", set(labels_at, -5), "negative"),
        (
            "a huge extension",
            set(ext_at, i32::MAX),
            "more than the rest of the file holds",
        ),
        (
            "a huge variable label",
            set(label_len_at, 1 << 30),
            "more than the rest of the file holds",
        ),
        (
            "a width over 255",
            set(176 + 4, 4000),
            "outside SPSS's 0 to 255",
        ),
        (
            "half a case",
            good[..good.len() - 12].to_vec(),
            "ends inside case 3",
        ),
    ] {
        match sav_read::read(&bytes) {
            Ok(_) => panic!("{what}: read"),
            Err(e) => assert!(e.0.contains(says), "{what}: {e}"),
        }
    }
}

/// leernet's own `.sav` export reads back: names, labels, codes, missing values.
#[test]
fn leernet_own_export_reads_back() {
    use leernet_io::dataset::{Cell, Dataset, ExportRow};
    let form = crate::common::form(
        "eigen.xlsx",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label"],
                    &["select_one jn", "eens", "Bent u het eens?"],
                    &["integer", "leeftijd", "Leeftijd"],
                    &["text", "toelichting", "Toelichting"],
                    &["date", "datum", "Datum"],
                ],
            ),
            (
                "choices",
                &[
                    &["list_name", "name", "label"],
                    &["jn", "ja", "Ja"],
                    &["jn", "nee", "Nee"],
                ],
            ),
        ],
    );
    let long = "lang ".repeat(100);
    let row = |id: &str, answers: &[(&str, &str)]| ExportRow {
        respondent: id.into(),
        network: "wijk-a".into(),
        wave: "golf-1".into(),
        status: "submitted".into(),
        answers: answers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let rows = vec![
        row(
            "r1",
            &[
                ("eens", "nee"),
                ("leeftijd", "41"),
                ("toelichting", long.trim_end()),
                ("datum", "2026-03-31"),
            ],
        ),
        row("r2", &[("eens", "ja")]),
    ];
    let ds = Dataset::build(&form, &rows, "nl");
    let sav = sav_read::read(&leernet_io::sav::write(&ds, "eigen")).unwrap();
    let names: Vec<&str> = sav.variables.iter().map(|v| v.name.as_str()).collect();
    let want: Vec<&str> = ds.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, want);
    for (k, row) in ds.rows.iter().enumerate() {
        for (i, cell) in row.iter().enumerate() {
            let want = match cell {
                Cell::Num(x) => leernet_io::table::format_number(*x),
                Cell::Text(t) => t.trim_end().to_owned(),
                _ => String::new(),
            };
            assert_eq!(sav.cell(k, i), want, "{} case {}", names[i], k + 1);
        }
    }
}

/// Through the import, a damaged `.sav` is one problem of the whole file: nothing is read.
#[test]
fn a_damaged_sav_is_refused_by_the_import_with_one_sentence() {
    let form = crate::common::form(
        "q.xlsx",
        &[(
            "survey",
            &[&["type", "name", "label"], &["integer", "q1", "Q1"]],
        )],
    );
    let good = tiny(false, true);
    let cut = good[..good.len() - 9].to_vec();
    let problems = leernet_io::import::import_all(
        &form,
        Box::new(std::io::Cursor::new(cut)),
        &leernet_io::ImportOptions {
            lang: "nl",
            ..Default::default()
        },
    )
    .expect_err("refused");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = problems[0].to_string();
    assert!(
        p.contains("the SPSS file could not be read") && p.contains("cut short"),
        "{p}"
    );
}
