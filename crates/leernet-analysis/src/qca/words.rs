//! The QCA in words, in Dutch and English: calibration choices, terms and solutions.
//!
//! Exists because readers of the report and of the QCA page read labels and sentences, not
//! variable names or Boolean expressions such as `AGENDA*~FORMAL`. Every text is built from
//! the clauses and names of `content/qca.toml` and fixed sentence frames here, with numbers
//! written the way each language writes them (0,91 / 0.91).

use super::spec::{Calibration, ConditionDef, Expect, FuzzyAnchors, OutcomeDef};
use super::{ModelFigures, SolutionFigures, TermFigures};
use crate::dataset::Dataset;
use leernet_core::Bilingual;

fn bi(nl: impl Into<String>, en: impl Into<String>) -> Bilingual {
    Bilingual {
        nl: nl.into(),
        en: en.into(),
    }
}

/// A number with `dec` decimals: a decimal comma in Dutch.
pub fn num(x: f64, dec: usize, nl: bool) -> String {
    let s = format!("{x:.dec$}");
    if nl {
        s.replace('.', ",")
    } else {
        s
    }
}

/// A raw value as given (no trailing zeros).
fn value(x: f64, nl: bool) -> String {
    let s = format!("{x}");
    if nl {
        s.replace('.', ",")
    } else {
        s
    }
}

/// "a, b én c" / "a, b and c".
fn join(parts: &[String], last_nl: &str, last_en: &str, nl: bool) -> String {
    match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        n => format!(
            "{} {} {}",
            parts[..n - 1].join(", "),
            if nl { last_nl } else { last_en },
            parts[n - 1]
        ),
    }
}

/// A term in words: the clauses (for sentences) and the short names (for tables).
pub fn term(conditions: &[&ConditionDef], literals: &[Option<bool>]) -> (Bilingual, Bilingual) {
    let mut clauses_nl = Vec::new();
    let mut clauses_en = Vec::new();
    let mut short_nl = Vec::new();
    let mut short_en = Vec::new();
    for (c, l) in conditions.iter().zip(literals) {
        match l {
            Some(true) => {
                clauses_nl.push(c.in_clause.nl.clone());
                clauses_en.push(c.in_clause.en.clone());
                short_nl.push(c.name.nl.clone());
                short_en.push(c.name.en.clone());
            }
            Some(false) => {
                clauses_nl.push(c.out_clause.nl.clone());
                clauses_en.push(c.out_clause.en.clone());
                short_nl.push(format!("niet: {}", c.name.nl));
                short_en.push(format!("not: {}", c.name.en));
            }
            None => {}
        }
    }
    (
        bi(
            join(&clauses_nl, "én", "and", true),
            join(&clauses_en, "én", "and", false),
        ),
        bi(short_nl.join(" · "), short_en.join(" · ")),
    )
}

/// A model in words: its terms' short names joined by "of" / "or".
pub fn model(terms: &[TermFigures]) -> Bilingual {
    let nl: Vec<String> = terms.iter().map(|t| format!("({})", t.short.nl)).collect();
    let en: Vec<String> = terms.iter().map(|t| format!("({})", t.short.en)).collect();
    bi(nl.join(" of "), en.join(" or "))
}

fn networks(n: usize, nl: bool) -> String {
    match (n, nl) {
        (1, true) => "1 netwerk".into(),
        (n, true) => format!("{n} netwerken"),
        (1, false) => "1 network".into(),
        (n, false) => format!("{n} networks"),
    }
}

fn term_sentence(t: &TermFigures, outcome: &OutcomeDef, nl: bool) -> String {
    if nl {
        format!(
            "Netwerken waarin {}, {} (consistentie {}; dekking {}; {}).",
            t.text.nl,
            outcome.result.nl,
            num(t.incl, 2, true),
            num(t.cov, 2, true),
            networks(t.cases.len(), true)
        )
    } else {
        format!(
            "Networks in which {} {} (consistency {}; coverage {}; {}).",
            t.text.en,
            outcome.result.en,
            num(t.incl, 2, false),
            num(t.cov, 2, false),
            networks(t.cases.len(), false)
        )
    }
}

/// A term's sentence in both languages, as a handle cites it.
pub fn cited_sentence(t: &TermFigures, outcome: &OutcomeDef) -> Bilingual {
    bi(
        term_sentence(t, outcome, true),
        term_sentence(t, outcome, false),
    )
}

fn model_sentence(m: &ModelFigures, nl: bool) -> String {
    match (m.terms.len(), nl) {
        (1, true) => format!(
            "Deze combinatie dekt {} van de uitkomst (consistentie {}).",
            num(m.cov, 2, true),
            num(m.incl, 2, true)
        ),
        (1, false) => format!(
            "This combination covers {} of the outcome (consistency {}).",
            num(m.cov, 2, false),
            num(m.incl, 2, false)
        ),
        (n, true) => format!(
            "Samen dekken deze {n} combinaties {} van de uitkomst (consistentie van de oplossing {}).",
            num(m.cov, 2, true),
            num(m.incl, 2, true)
        ),
        (n, false) => format!(
            "Together these {n} combinations cover {} of the outcome (solution consistency {}).",
            num(m.cov, 2, false),
            num(m.incl, 2, false)
        ),
    }
}

/// The reported solution in words: per model one sentence per term and one for the whole.
pub fn sentences(s: &SolutionFigures, outcome: &OutcomeDef) -> Vec<Bilingual> {
    let mut out = Vec::new();
    if let Some(m) = &s.message {
        out.push(m.clone());
        return out;
    }
    if s.models.len() > 1 {
        out.push(bi(
            format!(
                "De gegevens laten {} even goede verklaringen toe; elk staat hieronder.",
                s.models.len()
            ),
            format!(
                "The data allow {} equally good explanations; each follows.",
                s.models.len()
            ),
        ));
    }
    for (i, m) in s.models.iter().enumerate() {
        if s.models.len() > 1 {
            out.push(bi(
                format!("Verklaring {}:", i + 1),
                format!("Explanation {}:", i + 1),
            ));
        }
        for t in &m.terms {
            out.push(bi(
                term_sentence(t, outcome, true),
                term_sentence(t, outcome, false),
            ));
        }
        out.push(bi(model_sentence(m, true), model_sentence(m, false)));
    }
    out
}

/// The variant "as reported" of the robustness table.
pub fn as_reported(incl_cut: f64) -> Bilingual {
    bi(
        format!(
            "Zoals gerapporteerd (consistentie ≥ {})",
            num(incl_cut, 2, true)
        ),
        format!("As reported (consistency ≥ {})", num(incl_cut, 2, false)),
    )
}

/// A variant at another consistency cut-off.
pub fn cut_variant(c: f64) -> Bilingual {
    bi(
        format!("Consistentie ≥ {}", num(c, 2, true)),
        format!("Consistency ≥ {}", num(c, 2, false)),
    )
}

/// A variant with other anchors of the outcome.
pub fn anchor_variant(a: &FuzzyAnchors) -> Bilingual {
    let f = |nl: bool| {
        format!(
            "{} / {} / {}",
            value(a.exclusion, nl),
            value(a.crossover, nl),
            value(a.inclusion, nl)
        )
    };
    bi(
        format!("Ankers uitkomst {}", f(true)),
        format!("Outcome anchors {}", f(false)),
    )
}

/// A variant with the crossover of one set moved.
pub fn crossover_variant(set: &Bilingual, crossover: f64) -> Bilingual {
    bi(
        format!("Omslagpunt ‘{}’ op {}", set.nl, value(crossover, true)),
        format!("Crossover of ‘{}’ at {}", set.en, value(crossover, false)),
    )
}

fn rule(c: &Calibration, ds: &Dataset, variable: &str) -> Bilingual {
    match c {
        Calibration::Present => bi(
            "crisp: 1 als gekozen of aanwezig, anders 0",
            "crisp: 1 when chosen or present, else 0",
        ),
        Calibration::Choices { choices } => {
            let labels: Vec<Bilingual> = choices
                .iter()
                .map(|ch| {
                    ds.index(variable)
                        .and_then(|i| ds.variables[i].categories.iter().find(|k| k.name == *ch))
                        .map(|k| k.label.clone())
                        .unwrap_or_else(|| bi(ch.clone(), ch.clone()))
                })
                .collect();
            let nl: Vec<String> = labels.iter().map(|l| format!("‘{}’", l.nl)).collect();
            let en: Vec<String> = labels.iter().map(|l| format!("‘{}’", l.en)).collect();
            bi(
                format!(
                    "crisp: 1 bij het antwoord {}, anders 0",
                    join(&nl, "of", "or", true)
                ),
                format!(
                    "crisp: 1 for the answer {}, else 0",
                    join(&en, "of", "or", false)
                ),
            )
        }
        Calibration::Threshold { threshold } => bi(
            format!("crisp: 1 vanaf {}, anders 0", value(*threshold, true)),
            format!("crisp: 1 from {} up, else 0", value(*threshold, false)),
        ),
        Calibration::Indirect { thresholds } => {
            let k = thresholds.len();
            let t = |nl: bool| {
                let v: Vec<String> = thresholds.iter().map(|x| value(*x, nl)).collect();
                join(&v, "en", "and", nl)
            };
            bi(
                format!(
                    "fuzzy, indirecte methode: de netwerken in {} klassen gedeeld bij {}, lidmaatschap geschat met een fractionele logit",
                    k + 1,
                    t(true)
                ),
                format!(
                    "fuzzy, indirect method: the networks grouped into {} classes at {}, membership estimated by a fractional logit",
                    k + 1,
                    t(false)
                ),
            )
        }
        Calibration::Fuzzy { anchors: a } => bi(
            format!(
                "fuzzy, directe methode (logistisch): volledig erbuiten bij {}, omslagpunt {}, volledig erin bij {}",
                value(a.exclusion, true),
                value(a.crossover, true),
                value(a.inclusion, true)
            ),
            format!(
                "fuzzy, direct method (logistic): full exclusion at {}, crossover {}, full inclusion at {}",
                value(a.exclusion, false),
                value(a.crossover, false),
                value(a.inclusion, false)
            ),
        ),
    }
}

fn use_of(
    ds: &Dataset,
    key: &str,
    role: &str,
    name: &Bilingual,
    (variable, calibration, missing_out): (&str, &Calibration, bool),
    expectation: Option<Bilingual>,
) -> super::CalibrationUse {
    let (label, source) = ds
        .index(variable)
        .map(|i| {
            (
                ds.variables[i].label.clone(),
                ds.variables[i].source.clone(),
            )
        })
        .unwrap_or_else(|| (bi(variable, variable), String::new()));
    let mut r = rule(calibration, ds, variable);
    if missing_out {
        r.nl.push_str("; zonder antwoord: 0 (erbuiten)");
        r.en.push_str("; without an answer: 0 (out)");
    }
    super::CalibrationUse {
        key: key.to_owned(),
        role: role.to_owned(),
        name: name.clone(),
        variable: label,
        source,
        rule: r,
        expectation,
    }
}

/// Every calibration choice of one analysis, the outcome first.
pub fn calibration_uses(
    ds: &Dataset,
    outcome: &OutcomeDef,
    conditions: &[&ConditionDef],
) -> Vec<super::CalibrationUse> {
    let mut first = use_of(
        ds,
        &outcome.key,
        "outcome",
        &outcome.name,
        (&outcome.variable, &outcome.calibration, outcome.missing_out),
        None,
    );
    if outcome.negated {
        first
            .rule
            .nl
            .push_str("; de ontkenning: 1 min het lidmaatschap");
        first
            .rule
            .en
            .push_str("; the negation: 1 minus the membership");
    }
    let mut out = vec![first];
    for c in conditions {
        out.push(use_of(
            ds,
            &c.key,
            "condition",
            &c.name,
            (&c.variable, &c.calibration, c.missing_out),
            c.expect.map(|e| match e {
                Expect::Present => bi(
                    "verwacht bij de uitkomst als aanwezig",
                    "expected with the outcome when present",
                ),
                Expect::Absent => bi(
                    "verwacht bij de uitkomst als afwezig",
                    "expected with the outcome when absent",
                ),
            }),
        ));
    }
    out
}
