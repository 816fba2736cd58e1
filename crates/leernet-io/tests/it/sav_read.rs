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
