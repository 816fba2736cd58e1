//! Conformance of the QCA engine with R's `QCA` package 3.25 (Dusa).
//!
//! Runs every reference case in `testdata/references/qca/` (calibration, necessity,
//! truth table, conservative, parsimonious and intermediate solutions with every model
//! and variant) and compares each number to 1e-6 and each solution as sets of terms
//! (order-free). A missing folder or file fails the test.

use leernet_stats::qca::calibrate::{self, Anchors, FuzzyShape};
use leernet_stats::qca::necessity::necessity;
use leernet_stats::qca::solutions::{minimize, DirExp, MinimizeOptions, Solution};
use leernet_stats::qca::{truth_table, QcaData, TruthTableOptions};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

const TOL: f64 = 1e-6;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/references/qca")
}

fn cases() -> Vec<(String, Value)> {
    let d = dir();
    let mut out = Vec::new();
    for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let text = std::fs::read_to_string(&p).unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            out.push((p.file_stem().unwrap().to_string_lossy().into_owned(), v));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    // The README lists 19 analysis cases and one calibration case.
    assert_eq!(
        out.len(),
        20,
        "expected 20 reference cases in {}",
        d.display()
    );
    out
}

fn close(what: &str, got: f64, want: &Value) {
    match want.as_f64() {
        Some(w) => assert!((got - w).abs() <= TOL, "{what}: got {got}, want {w}"),
        None => assert!(
            want.is_null() && got.is_nan(),
            "{what}: got {got}, want {want}"
        ),
    }
}

fn close_opt(what: &str, got: Option<f64>, want: &Value) {
    match got {
        Some(g) => close(what, g, want),
        None => assert!(want.is_null(), "{what}: got null, want {want}"),
    }
}

/// A term as a set of `NAME[v]` literals, whatever the notation.
fn norm_term(t: &str) -> BTreeSet<String> {
    t.split('*')
        .map(|l| {
            let l = l.trim();
            if let Some(n) = l.strip_prefix('~') {
                format!("{n}[0]")
            } else if l.contains('[') {
                l.to_string()
            } else {
                format!("{l}[1]")
            }
        })
        .collect()
}

type TermSet = BTreeSet<BTreeSet<String>>;

fn norm_model<S: AsRef<str>>(terms: &[S]) -> TermSet {
    terms.iter().map(|t| norm_term(t.as_ref())).collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn ints(v: &Value) -> BTreeSet<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn data_of(case: &Value) -> QcaData {
    let d = &case["data"];
    let p = &case["params"];
    let ids = strs(&d["case_ids"]);
    let col = |name: &str| -> Vec<f64> {
        d["values"][name]
            .as_array()
            .unwrap_or_else(|| panic!("no column {name}"))
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let conds = strs(&p["conditions"]);
    let outcome = p["outcome"].as_str().unwrap();
    let (negate, oname) = match outcome.strip_prefix('~') {
        Some(o) => (true, o),
        None => (false, outcome),
    };
    let columns = conds.iter().map(|c| col(c)).collect();
    QcaData::new(ids, conds, columns, oname, col(oname), negate).unwrap()
}

fn check_solution(id: &str, what: &str, data: &QcaData, got: &Solution, want: &Value) {
    let ctx = format!("{id} {what}");
    // Models as sets of terms.
    let want_models: BTreeSet<TermSet> = want["solutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| norm_model(&strs(m)))
        .collect();
    let got_models: BTreeSet<TermSet> = got.models.iter().map(|m| norm_model(&m.names)).collect();
    assert_eq!(got_models, want_models, "{ctx}: models");
    assert_eq!(
        got.models.len(),
        want["solutions"].as_array().unwrap().len(),
        "{ctx}: number of models"
    );
    assert_eq!(
        got.models.len() > 1,
        want["multiple_solutions"].as_bool().unwrap(),
        "{ctx}: multiple_solutions"
    );
    assert_eq!(
        norm_model(&got.essential),
        norm_model(&strs(&want["essential"])),
        "{ctx}: essential"
    );
    // Prime implicant table.
    let want_pis = want["prime_implicants"].as_array().unwrap();
    assert_eq!(
        got.prime_implicants.len(),
        want_pis.len(),
        "{ctx}: PI count"
    );
    for wp in want_pis {
        let wt = norm_term(wp["term"].as_str().unwrap());
        let gp = got
            .prime_implicants
            .iter()
            .find(|p| norm_term(&p.name) == wt)
            .unwrap_or_else(|| panic!("{ctx}: no PI {}", wp["term"]));
        let c = format!("{ctx} PI {}", gp.name);
        close(&format!("{c} inclS"), gp.incl, &wp["inclS"]);
        close(&format!("{c} PRI"), gp.pri, &wp["PRI"]);
        close(&format!("{c} covS"), gp.cov, &wp["covS"]);
        close_opt(&format!("{c} covU"), gp.cov_u, &wp["covU"]);
        let gc: BTreeSet<String> = gp
            .cases
            .iter()
            .map(|&i| data.case_ids()[i].clone())
            .collect();
        let wc: BTreeSet<String> = strs(&wp["cases"]).into_iter().collect();
        assert_eq!(gc, wc, "{c} cases");
    }
    // Per model fit, matched by terms; R's model names map to our models.
    let mut name_map: BTreeMap<String, usize> = BTreeMap::new();
    for wm in want["models"].as_array().unwrap() {
        let wt = norm_model(&strs(&wm["terms"]));
        let gi = got
            .models
            .iter()
            .position(|m| norm_model(&m.names) == wt)
            .unwrap_or_else(|| panic!("{ctx}: no model {}", wm["expression"]));
        let gm = &got.models[gi];
        name_map.insert(wm["model"].as_str().unwrap().to_string(), gi);
        let c = format!("{ctx} model {}", gm.expression);
        close(&format!("{c} inclS"), gm.incl, &wm["inclS"]);
        close(&format!("{c} PRI"), gm.pri, &wm["PRI"]);
        close(&format!("{c} covS"), gm.cov, &wm["covS"]);
        let tcu = wm["term_covU"].as_object().unwrap();
        assert_eq!(tcu.len(), gm.names.len(), "{c}: term_covU size");
        for (t, v) in tcu {
            let k = gm
                .names
                .iter()
                .position(|n| norm_term(n) == norm_term(t))
                .unwrap_or_else(|| panic!("{c}: no term {t}"));
            close_opt(&format!("{c} covU {t}"), gm.term_cov_u[k], v);
        }
    }
    if let Some(sa) = want
        .get("simplifying_assumptions")
        .and_then(Value::as_object)
    {
        assert_eq!(sa.len(), got.models.len(), "{ctx}: SA models");
        for (m, rows) in sa {
            let gi = name_map[m.as_str()];
            let got_rows: BTreeSet<usize> =
                got.models[gi].remainders_used.iter().copied().collect();
            assert_eq!(
                got_rows,
                ints(rows),
                "{ctx}: simplifying assumptions of {m}"
            );
        }
    }
}

fn check_analysis(id: &str, case: &Value) {
    let data = data_of(case);
    let p = &case["params"];
    let e = &case["expected"];
    // Necessity.
    let nec = necessity(&data);
    let want_nec = e["necessity"].as_array().unwrap();
    assert_eq!(nec.len(), want_nec.len(), "{id}: necessity rows");
    for (g, w) in nec.iter().zip(want_nec) {
        let wc = w["condition"].as_str().unwrap();
        assert_eq!(
            norm_term(&g.condition),
            norm_term(wc),
            "{id}: necessity order"
        );
        let c = format!("{id} necessity {wc}");
        close(&format!("{c} inclN"), g.fit.incl, &w["inclN"]);
        close(&format!("{c} RoN"), g.fit.ron, &w["RoN"]);
        close(&format!("{c} covN"), g.fit.cov, &w["covN"]);
    }
    // Truth table.
    let opts = TruthTableOptions {
        incl_cut: p["incl_cut"].as_f64().unwrap(),
        n_cut: p["n_cut"].as_u64().unwrap() as usize,
        pri_cut: p["pri_cut"].as_f64().unwrap(),
    };
    let tt = truth_table(&data, opts).unwrap();
    let wtt = &e["truth_table"];
    let want_levels: Vec<u8> = wtt["noflevels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u8)
        .collect();
    assert_eq!(tt.levels(), &want_levels[..], "{id}: noflevels");
    let rows = tt.all_rows(1 << 12).unwrap();
    let want_rows = wtt["rows"].as_array().unwrap();
    assert_eq!(rows.len(), want_rows.len(), "{id}: truth table rows");
    for (g, w) in rows.iter().zip(want_rows) {
        let c = format!("{id} row {}", w["row"]);
        assert_eq!(g.row as u64, w["row"].as_u64().unwrap(), "{c}");
        let wc: Vec<u8> = w["config"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as u8)
            .collect();
        assert_eq!(g.config, wc, "{c} config");
        assert_eq!(g.out.as_str(), w["OUT"].as_str().unwrap(), "{c} OUT");
        assert_eq!(g.n as u64, w["n"].as_u64().unwrap(), "{c} n");
        close_opt(&format!("{c} incl"), g.incl, &w["incl"]);
        close_opt(&format!("{c} PRI"), g.pri, &w["PRI"]);
        let gc: Vec<String> = g
            .cases
            .iter()
            .map(|&i| data.case_ids()[i].clone())
            .collect();
        let mut wcases = strs(&w["cases"]);
        let mut gcs = gc.clone();
        wcases.sort();
        gcs.sort();
        assert_eq!(gcs, wcases, "{c} cases");
    }
    // Minimisation.
    let dir_exp = DirExp::parse(&data, &strs(&p["dir_exp"])).unwrap();
    let m = minimize(
        &data,
        &tt,
        &MinimizeOptions {
            dir_exp: Some(dir_exp),
        },
    );
    let wm = &e["minimize"];
    for (what, got) in [
        ("conservative", &m.conservative),
        ("parsimonious", &m.parsimonious),
    ] {
        let w = &wm[what];
        if w["ok"].as_bool().unwrap() {
            let s = got
                .as_ref()
                .unwrap_or_else(|e| panic!("{id} {what}: R solved it, we failed: {e}"));
            check_solution(id, what, &data, s, w);
        } else {
            assert!(
                got.is_err(),
                "{id} {what}: R failed ({}), we did not",
                w["error"]
            );
        }
    }
    let wi = &wm["intermediate"];
    let gi = m.intermediate.expect("intermediate asked");
    if !wi["ok"].as_bool().unwrap() {
        assert!(
            gi.is_err(),
            "{id} intermediate: R failed ({}), we did not",
            wi["error"]
        );
        return;
    }
    let variants = gi.unwrap_or_else(|e| panic!("{id} intermediate: {e}"));
    let want_vs = wi["variants"].as_array().unwrap();
    assert_eq!(variants.len(), want_vs.len(), "{id}: number of variants");
    assert_eq!(
        variants.len() > 1,
        wi["multiple_variants"].as_bool().unwrap(),
        "{id}: multiple_variants"
    );
    for wv in want_vs {
        let wc = norm_model(&strs(&wv["conservative_model"]));
        let wp = norm_model(&strs(&wv["parsimonious_model"]));
        let gv = variants
            .iter()
            .find(|v| {
                norm_model(&v.conservative_model) == wc && norm_model(&v.parsimonious_model) == wp
            })
            .unwrap_or_else(|| panic!("{id}: no variant for {}", wv["key"]));
        let ctx = format!("intermediate {}", wv["key"]);
        let ec: BTreeSet<usize> = gv.easy_counterfactuals.iter().copied().collect();
        assert_eq!(
            ec,
            ints(&wv["easy_counterfactuals"]),
            "{id} {ctx}: easy counterfactuals"
        );
        check_solution(id, &ctx, &data, &gv.solution, wv);
    }
}

fn check_calibration(case: &Value) {
    for item in case["expected"]["calibration"].as_array().unwrap() {
        let input: Vec<f64> = item["input"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let th = &item["thresholds"];
        let got = match item["type"].as_str().unwrap() {
            "crisp" => {
                let t: Vec<f64> = th
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap())
                    .collect();
                calibrate::crisp(&input, &t).unwrap()
            }
            "fuzzy" => {
                let a = Anchors::new(
                    th["e"].as_f64().unwrap(),
                    th["c"].as_f64().unwrap(),
                    th["i"].as_f64().unwrap(),
                )
                .unwrap();
                let shape = if item["logistic"].as_bool().unwrap() {
                    FuzzyShape::Logistic {
                        idm: item["idm"].as_f64().unwrap(),
                    }
                } else {
                    FuzzyShape::Linear {
                        below: item["below"].as_f64().unwrap(),
                        above: item["above"].as_f64().unwrap(),
                    }
                };
                calibrate::fuzzy(&input, a, shape).unwrap()
            }
            t => panic!("unknown calibration type {t}"),
        };
        let want = item["output"].as_array().unwrap();
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            close(&format!("calibration {} value {i}", item["call"]), *g, w);
        }
    }
}

#[test]
fn every_reference_case_matches_r_qca() {
    let mut analyses = 0;
    let mut calibrations = 0;
    for (id, case) in cases() {
        match case["kind"].as_str().unwrap() {
            "analysis" => {
                check_analysis(&id, &case);
                analyses += 1;
            }
            "calibration" => {
                check_calibration(&case);
                calibrations += 1;
            }
            k => panic!("{id}: unknown kind {k}"),
        }
    }
    assert_eq!((analyses, calibrations), (19, 1));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let ids = vec!["a".to_string(), "b".to_string()];
    let names = vec!["A".to_string()];
    assert!(QcaData::new(
        ids.clone(),
        names.clone(),
        vec![vec![0.2, f64::NAN]],
        "Y",
        vec![0.0, 1.0],
        false
    )
    .is_err());
    assert!(QcaData::new(
        ids.clone(),
        names.clone(),
        vec![vec![0.2, 1.5]],
        "Y",
        vec![0.0, 1.0],
        false
    )
    .is_err());
    assert!(QcaData::new(
        ids.clone(),
        names.clone(),
        vec![vec![0.0, 1.0]],
        "Y",
        vec![0.0, 2.0],
        false
    )
    .is_err());
    assert!(QcaData::new(
        ids.clone(),
        names.clone(),
        vec![vec![0.0, 12.0]],
        "Y",
        vec![0.0, 1.0],
        false
    )
    .is_err());
    let many: Vec<String> = (0..21).map(|i| format!("C{i}")).collect();
    let cols = vec![vec![0.0, 1.0]; 21];
    assert!(QcaData::new(ids.clone(), many, cols, "Y", vec![0.0, 1.0], false).is_err());
    let d = QcaData::new(ids, names, vec![vec![0.0, 1.0]], "Y", vec![0.0, 1.0], false).unwrap();
    assert!(truth_table(
        &d,
        TruthTableOptions {
            incl_cut: 1.5,
            n_cut: 1,
            pri_cut: 0.0
        }
    )
    .is_err());
    assert!(truth_table(
        &d,
        TruthTableOptions {
            incl_cut: 1.0,
            n_cut: 0,
            pri_cut: 0.0
        }
    )
    .is_err());
    assert!(DirExp::parse(&d, &["B".to_string()]).is_err());
    assert!(DirExp::parse(&d, &["A[3]".to_string()]).is_err());
}

/// Robustness over consistency cut-offs gives, at each cut-off, the terms of R's solutions
/// at that cut-off (LF, SURV, n.cut 1: the reference cases at 0.75, 0.8 and 0.9).
#[test]
fn robustness_rows_are_the_reference_solutions_at_each_cut() {
    use leernet_stats::qca::robustness::over_incl_cuts;
    let all = cases();
    let case = |id: &str| &all.iter().find(|(i, _)| i == id).expect(id).1;
    let data = data_of(case("LF_SURV_ic0.8_n1"));
    let dir_exp = DirExp::all(&data, 1);
    let rows = over_incl_cuts(
        &data,
        TruthTableOptions {
            incl_cut: 0.8,
            n_cut: 1,
            pri_cut: 0.0,
        },
        &MinimizeOptions {
            dir_exp: Some(dir_exp),
        },
        &[0.75, 0.8, 0.9],
    )
    .unwrap();
    assert_eq!(rows.len(), 3);
    // URB*STB (parsimonious) holds at every cut-off; DEV*~IND only below 0.9.
    let survival = leernet_stats::qca::robustness::survival(&rows);
    let present = |t: &str| &survival.iter().find(|(n, _)| n == t).unwrap().1;
    assert_eq!(present("URB*STB"), &vec![true, true, true]);
    assert_eq!(present("DEV*~IND"), &vec![true, true, false]);
    for (row, id) in rows
        .iter()
        .zip(["LF_SURV_ic0.75_n1", "LF_SURV_ic0.8_n1", "LF_SURV_ic0.9_n1"])
    {
        let m = &case(id)["expected"]["minimize"];
        let terms = |v: &Value| -> BTreeSet<BTreeSet<String>> {
            v.as_array()
                .unwrap()
                .iter()
                .flat_map(strs)
                .map(|t| norm_term(&t))
                .collect()
        };
        let got = |v: &[String]| -> BTreeSet<BTreeSet<String>> {
            v.iter().map(|t| norm_term(t)).collect()
        };
        assert_eq!(
            got(&row.conservative),
            terms(&m["conservative"]["solutions"]),
            "{id}"
        );
        assert_eq!(
            got(&row.parsimonious),
            terms(&m["parsimonious"]["solutions"]),
            "{id}"
        );
        let inter: BTreeSet<BTreeSet<String>> = m["intermediate"]["variants"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|v| terms(&v["solutions"]))
            .collect();
        assert_eq!(got(&row.intermediate), inter, "{id}");
    }
}

/// A named disjunction of one literal is that literal's necessity row; a union of a
/// literal and its negation is at least as necessary as either.
#[test]
fn necessity_of_a_named_disjunction() {
    use leernet_stats::qca::necessity::necessity_of_union;
    let all = cases();
    let data = data_of(&all.iter().find(|(i, _)| i == "LF_SURV_ic0.8_n1").unwrap().1);
    let rows = necessity(&data);
    let dev = rows.iter().find(|r| r.condition == "DEV").unwrap();
    let one = necessity_of_union(&data, &[data.parse_term("DEV").unwrap()]);
    assert_eq!(one, dev.fit);
    let both = necessity_of_union(
        &data,
        &[
            data.parse_term("DEV").unwrap(),
            data.parse_term("~DEV").unwrap(),
        ],
    );
    assert!(both.incl >= dev.fit.incl - 1e-12, "{both:?} vs {dev:?}");
    assert!(data.parse_term("NOPE").is_err());
    assert!(data.parse_term("DEV*~DEV").is_err());
    assert!(data.parse_term("DEV[2]").is_err());
    assert_eq!(
        data.parse_term("DEV*~URB").unwrap()[..2],
        [Some(1), Some(0)]
    );
}
