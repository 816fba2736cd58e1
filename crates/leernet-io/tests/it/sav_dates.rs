//! Dates in `.sav` files as SPSS dates, read back by PSPP and by pyreadstat: a `date`
//! question becomes `DATE11`, a `dateTime` question `DATETIME20` (wall-clock time, the zone
//! dropped), and a date question holding something else stays text. PSPP is Debian's
//! `pspp`; pyreadstat comes from `tools/pyenv.sh`. Without them the test says so and passes,
//! except under `CI`.

use crate::common;

use common::{need, python};
use leernet_io::dataset::{Dataset, ExportRow};
use leernet_xlsform::Form;
use std::process::Command;

fn form() -> Form {
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["date", "visit", "Bezoek"],
        &["dateTime", "stamp", "Moment"],
        &["date", "loose", "Los"],
    ];
    let settings: &[&[&str]] = &[&["form_id", "version"], &["dates", "1"]];
    common::form("dates.xlsx", &[("survey", survey), ("settings", settings)])
}

fn dataset() -> Dataset {
    let row = |id: &str, pairs: &[(&str, &str)]| ExportRow {
        respondent: id.into(),
        network: "n".into(),
        wave: "w".into(),
        status: "submitted".into(),
        answers: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    Dataset::build(
        &form(),
        &[
            row(
                "r1",
                &[
                    ("visit", "2026-03-31"),
                    ("stamp", "2026-03-31T14:30:15.000+02:00"),
                    ("loose", "2026-01-02"),
                ],
            ),
            row(
                "r2",
                &[("stamp", "2025-12-01T08:00:00"), ("loose", "onbekend")],
            ),
        ],
        "",
    )
}

#[test]
fn dates_are_spss_dates_in_pspp_and_pyreadstat() {
    let dir = tempfile::tempdir().unwrap();
    let sav = dir.path().join("dates.sav");
    std::fs::write(&sav, leernet_io::sav::write(&dataset(), "dates")).unwrap();

    let pspp = Command::new("pspp")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if need("PSPP (Debian package pspp)", pspp) {
        let sps = dir.path().join("read.sps");
        std::fs::write(
            &sps,
            format!(
                "GET FILE=\"{}\".\nDISPLAY DICTIONARY.\nLIST.\n",
                sav.display()
            ),
        )
        .unwrap();
        let o = Command::new("pspp")
            .args(["-O", "format=csv"])
            .arg(&sps)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(o.status.success(), "{out}");
        assert!(!out.contains("Warning") && !out.contains("Error"), "{out}");
        for want in [
            "visit,",
            "DATE11",
            "DATETIME20",
            "31-MAR-2026",
            "31-MAR-2026 14:30:15",
            "01-DEC-2025 08:00:00",
            "onbekend",
        ] {
            assert!(out.contains(want), "{want:?} not in\n{out}");
        }
    }

    let py = python();
    if need("Python with pyreadstat (tools/pyenv.sh)", py.is_some()) {
        let o = Command::new(py.unwrap())
            .args([
                "-c",
                "import sys, pyreadstat\ndf, meta = pyreadstat.read_sav(sys.argv[1])\n\
                 print(meta.original_variable_types)\n\
                 for row in df.itertuples(index=False): print([str(v) for v in row])",
            ])
            .arg(&sav)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        for want in [
            "'visit': 'DATE11'",
            "'stamp': 'DATETIME20'",
            "'2026-03-31', '2026-03-31 14:30:15'",
            "'2025-12-01 08:00:00', 'onbekend'",
        ] {
            assert!(out.contains(want), "{want:?} not in\n{out}");
        }
    }
}
