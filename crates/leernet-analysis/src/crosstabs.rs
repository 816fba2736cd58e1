//! Cross-tables of the typology: every categorical network-level variable (a feature or a
//! describing variable: nominal, ordinal, or an option/code presence) by type, with a
//! chi-square test of independence, Fisher's exact test for 2 x 2 tables, and a warning
//! when expected counts are low.
//!
//! Exists because a type profile shows shares, and a reader then asks whether, say,
//! formality or the way the agenda is set differs between the types more than chance
//! would make it — and, with a few dozen networks, whether that question can be answered
//! at all. The test itself is leernet-stats' (held to scipy).
//!
//! Rules: rows are the variable's categories in form order (for a presence: chosen, not
//! chosen), columns the types 1..k; networks without a value are left out (n says how many
//! count). Categories no network has and types without any value are dropped, because an
//! empty row or column has no expected count. The chi-square is Pearson's without
//! continuity correction (scipy's `chi2_contingency(correction=False)`); a 2 x 2 table
//! also gets Fisher's exact p. When any expected count is below 5 the table carries a
//! warning in both languages: the chi-square p-value is then unreliable.

use crate::dataset::{Dataset, Measure};
use leernet_core::Bilingual;
use leernet_stats::descriptives::{chi_square, fisher_exact};
use serde::Serialize;

/// One variable by type.
#[derive(Debug, Clone, Serialize)]
pub struct CrossTable {
    pub key: String,
    pub label: Bilingual,
    pub measure: Measure,
    pub source: String,
    /// Whether the variable is one of the clustering features (then differences between
    /// the types are partly made by the clustering itself, and a test is descriptive).
    pub clustered: bool,
    /// Row names (category names; `chosen`/`not_chosen` for a presence).
    pub categories: Vec<String>,
    pub category_labels: Vec<Bilingual>,
    /// Column headers: the type numbers.
    pub types: Vec<usize>,
    /// `counts[row][column]`.
    pub counts: Vec<Vec<u64>>,
    /// Networks counted (clustered networks with a value).
    pub n: usize,
    /// Pearson's chi-square without continuity correction; `None` without a test.
    pub chi_square: Option<f64>,
    pub dof: Option<usize>,
    pub p_value: Option<f64>,
    /// Fisher's exact two-sided p for a 2 x 2 table.
    pub fisher_p: Option<f64>,
    pub min_expected: Option<f64>,
    pub cells: usize,
    pub cells_expected_below_5: usize,
    /// Any expected count below 5: the chi-square p-value is unreliable.
    pub low_expected_warning: bool,
    /// The warning or, without a test, why not; in both languages.
    pub note: Option<Bilingual>,
}

/// Cross-tables by type of the categorical variables among `vars` (dataset index, whether
/// it is a clustering feature). `rows[i]` is the dataset unit of clustered network i and
/// `labels[i]` its type in 1..=k.
pub fn by_type(
    ds: &Dataset,
    vars: &[(usize, bool)],
    rows: &[usize],
    labels: &[usize],
    k: usize,
) -> Vec<CrossTable> {
    vars.iter()
        .filter_map(|&(f, clustered)| table(ds, f, clustered, rows, labels, k))
        .collect()
}

fn table(
    ds: &Dataset,
    f: usize,
    clustered: bool,
    rows: &[usize],
    labels: &[usize],
    k: usize,
) -> Option<CrossTable> {
    let v = &ds.variables[f];
    let (names, cat_labels): (Vec<String>, Vec<Bilingual>) = match v.measure {
        Measure::Nominal | Measure::Ordinal => v
            .categories
            .iter()
            .map(|c| (c.name.clone(), c.label.clone()))
            .unzip(),
        Measure::AsymmetricBinary => (
            vec!["chosen".into(), "not_chosen".into()],
            vec![
                Bilingual {
                    nl: "ja".into(),
                    en: "yes".into(),
                },
                Bilingual {
                    nl: "nee".into(),
                    en: "no".into(),
                },
            ],
        ),
        Measure::Numeric => return None,
    };
    let mut counts = vec![vec![0u64; k]; names.len()];
    for (i, &r) in rows.iter().enumerate() {
        let (Some(x), t) = (ds.values[f][r], labels[i]) else {
            continue;
        };
        let row = match v.measure {
            Measure::AsymmetricBinary => usize::from(x <= 0.5),
            _ => x as usize,
        };
        if row < names.len() && (1..=k).contains(&t) {
            counts[row][t - 1] += 1;
        }
    }
    let n: u64 = counts.iter().flatten().sum();
    if n == 0 {
        return None;
    }
    // Drop empty rows and columns.
    let keep_rows: Vec<usize> = (0..names.len())
        .filter(|&c| counts[c].iter().any(|&x| x > 0))
        .collect();
    let keep_cols: Vec<usize> = (0..k)
        .filter(|&t| counts.iter().any(|r| r[t] > 0))
        .collect();
    let counts: Vec<Vec<u64>> = keep_rows
        .iter()
        .map(|&c| keep_cols.iter().map(|&t| counts[c][t]).collect())
        .collect();
    let mut out = CrossTable {
        key: v.key.clone(),
        label: v.label.clone(),
        measure: v.measure,
        source: v.source.clone(),
        clustered,
        categories: keep_rows.iter().map(|&c| names[c].clone()).collect(),
        category_labels: keep_rows.iter().map(|&c| cat_labels[c].clone()).collect(),
        types: keep_cols.iter().map(|t| t + 1).collect(),
        cells: keep_rows.len() * keep_cols.len(),
        counts,
        n: n as usize,
        chi_square: None,
        dof: None,
        p_value: None,
        fisher_p: None,
        min_expected: None,
        cells_expected_below_5: 0,
        low_expected_warning: false,
        note: None,
    };
    if keep_rows.len() < 2 || keep_cols.len() < 2 {
        out.note = Some(Bilingual {
            nl: "Geen toets: de tabel heeft maar één categorie of één type met antwoorden.".into(),
            en: "No test: the table has only one category or one type with answers.".into(),
        });
        return Some(out);
    }
    let chi = chi_square(&out.counts, false).ok()?;
    out.chi_square = Some(chi.statistic);
    out.dof = Some(chi.dof);
    out.p_value = Some(chi.p_value);
    out.min_expected = Some(chi.min_expected);
    out.cells_expected_below_5 = chi.cells_expected_below_5;
    out.low_expected_warning = chi.low_expected_warning;
    if out.cells == 4 {
        let c = &out.counts;
        out.fisher_p = Some(fisher_exact([[c[0][0], c[0][1]], [c[1][0], c[1][1]]]).p_value);
    }
    if chi.low_expected_warning {
        let (below, cells, min) = (chi.cells_expected_below_5, out.cells, chi.min_expected);
        let (nl_alt, en_alt) = if out.cells == 4 {
            (
                "; lees de exacte toets van Fisher",
                "; read Fisher's exact test instead",
            )
        } else {
            (
                "; lees de tabel, niet de p-waarde",
                "; read the table, not the p-value",
            )
        };
        out.note = Some(Bilingual {
            nl: format!(
                "{below} van de {cells} cellen hebben een verwacht aantal onder 5 (kleinste {min:.2}): de p-waarde van de chikwadraattoets is onbetrouwbaar{nl_alt}."
            ),
            en: format!(
                "{below} of {cells} cells have an expected count below 5 (smallest {min:.2}): the chi-square p-value is unreliable{en_alt}."
            ),
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Category, Variable};

    fn var(key: &str, measure: Measure, cats: &[&str]) -> Variable {
        Variable {
            key: key.into(),
            label: Bilingual {
                nl: key.into(),
                en: key.into(),
            },
            measure,
            categories: cats
                .iter()
                .map(|c| Category {
                    name: (*c).into(),
                    label: Bilingual {
                        nl: (*c).into(),
                        en: (*c).into(),
                    },
                })
                .collect(),
            source: format!("net/{key}"),
            rule: "answer".into(),
            n: 0,
            not_answered: 0,
            not_applicable: 0,
        }
    }

    fn dataset(vars: Vec<Variable>, values: Vec<Vec<Option<f64>>>) -> Dataset {
        let n = values[0].len();
        Dataset {
            level: "network".into(),
            units: (0..n).map(|i| format!("n{i}")).collect(),
            n_units: n,
            variables: vars,
            values,
            rule: Bilingual::default(),
        }
    }

    #[test]
    fn tables_tests_and_warnings() {
        // 12 networks in 2 types; formality (ordinal, 4 categories, "formal" unused),
        // a presence, a numeric variable (no table), and one network without a value.
        let form = vec![
            Some(0.0),
            Some(0.0),
            Some(0.0),
            Some(1.0),
            Some(0.0),
            None,
            Some(2.0),
            Some(2.0),
            Some(2.0),
            Some(1.0),
            Some(2.0),
            Some(2.0),
        ];
        let opt: Vec<Option<f64>> = (0..12).map(|i| Some(f64::from(i < 5))).collect();
        let num: Vec<Option<f64>> = (0..12).map(|i| Some(i as f64)).collect();
        let ds = dataset(
            vec![
                var(
                    "org_form",
                    Measure::Ordinal,
                    &["informal", "rather_informal", "rather_formal", "formal"],
                ),
                var("method.peer", Measure::AsymmetricBinary, &[]),
                var("size", Measure::Numeric, &[]),
            ],
            vec![form, opt, num],
        );
        let rows: Vec<usize> = (0..12).collect();
        let labels: Vec<usize> = (0..12).map(|i| if i < 6 { 1 } else { 2 }).collect();
        let t = by_type(&ds, &[(0, true), (1, false), (2, false)], &rows, &labels, 2);
        assert_eq!(t.len(), 2, "no table for a numeric variable");
        let f = &t[0];
        assert_eq!(
            f.categories,
            ["informal", "rather_informal", "rather_formal"]
        );
        assert_eq!(f.counts, vec![vec![4, 0], vec![1, 1], vec![0, 5]]);
        assert_eq!(f.n, 11);
        // Expected: rows 4, 2, 5 by columns 5, 6 over 11; chi-square by hand = 9.1667.
        let e = |r: f64, c: f64| r * c / 11.0;
        let terms = [
            (4.0, e(4.0, 5.0)),
            (0.0, e(4.0, 6.0)),
            (1.0, e(2.0, 5.0)),
            (1.0, e(2.0, 6.0)),
            (0.0, e(5.0, 5.0)),
            (5.0, e(5.0, 6.0)),
        ];
        let chi: f64 = terms.iter().map(|(o, e)| (o - e) * (o - e) / e).sum();
        assert!((f.chi_square.unwrap() - chi).abs() < 1e-12);
        assert_eq!(f.dof, Some(2));
        assert!(f.low_expected_warning);
        assert_eq!(f.cells_expected_below_5, 6);
        assert!(f.note.as_ref().unwrap().en.contains("6 of 6 cells"));
        assert!(f.fisher_p.is_none());
        // The presence: 2 x 2 with Fisher; chosen 5 in type 1, 0 in type 2.
        let p = &t[1];
        assert_eq!(p.counts, vec![vec![5, 0], vec![1, 6]]);
        assert!(p.fisher_p.unwrap() < 0.02);
        assert!(p.note.as_ref().unwrap().en.contains("Fisher"));
        // One type only: a table without a test, and why.
        let one = by_type(&ds, &[(0, true)], &rows, &[1; 12], 1);
        assert!(one[0].chi_square.is_none() && one[0].note.is_some());
    }
}
