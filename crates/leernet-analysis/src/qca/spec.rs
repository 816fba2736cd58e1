//! `content/qca.toml`: which conditions and outcomes the study's QCA calibrates, and how.
//!
//! Exists because every calibration choice (the anchors, the thresholds, which answers
//! count as "in the set", what a missing answer means, the cut-offs and the directional
//! expectations) decides the result, so it is data stored with the study, printed in the
//! report, and changed by a researcher on the QCA page, never a constant in code. The
//! file is checked as a whole when it loads: every error names the file, the entry and the
//! field.

use crate::AnalysisError;
use leernet_core::Bilingual;
use serde::{Deserialize, Serialize};

/// The most conditions one outcome takes here: 2^8 = 256 configurations is already far
/// more than a study's networks can fill.
pub const MAX_STUDY_CONDITIONS: usize = 8;

/// Anchors of the direct method: full exclusion, crossover, full inclusion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FuzzyAnchors {
    pub exclusion: f64,
    pub crossover: f64,
    pub inclusion: f64,
}

impl FuzzyAnchors {
    /// The only constructor: finite anchors with the crossover strictly between the others
    /// (exclusion above inclusion makes a decreasing set).
    pub fn new(exclusion: f64, crossover: f64, inclusion: f64) -> Result<Self, String> {
        if !(exclusion.is_finite() && crossover.is_finite() && inclusion.is_finite()) {
            return Err("the anchors must be numbers".into());
        }
        let ordered = (exclusion < crossover && crossover < inclusion)
            || (exclusion > crossover && crossover > inclusion);
        if !ordered {
            return Err(format!(
                "the crossover {crossover} must lie strictly between full exclusion {exclusion} and full inclusion {inclusion}"
            ));
        }
        Ok(Self {
            exclusion,
            crossover,
            inclusion,
        })
    }
}

/// How raw values become set memberships.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Calibration {
    /// An asymmetric binary (an option chosen, a code present): 1 when present.
    Present,
    /// A nominal or ordinal answer: in the set when it is one of these choice names.
    Choices { choices: Vec<String> },
    /// A numeric variable: in the set from this value up.
    Threshold { threshold: f64 },
    /// The direct method (logistic, inclusion degree 0.95 at the inclusion anchor).
    Fuzzy { anchors: FuzzyAnchors },
    /// The indirect method (Ragin 2008): `k` thresholds group the networks into `k + 1`
    /// classes 0, 1/k, …, 1 (the researcher's qualitative grouping); a fractional logit of
    /// the classes on the raw values gives the memberships (`QCA::calibrate(…, method =
    /// "indirect")`).
    Indirect { thresholds: Vec<f64> },
}

/// The directional expectation of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Present,
    Absent,
}

/// A condition: a set the networks are more or less in.
#[derive(Debug, Clone, Serialize)]
pub struct ConditionDef {
    pub key: String,
    pub variable: String,
    pub calibration: Calibration,
    /// A network without a value is out of the set (`true`) or left out (`false`).
    pub missing_out: bool,
    pub expect: Option<Expect>,
    /// Robustness: the analysis again with the crossover this far below and above (fuzzy
    /// sets by the direct method).
    pub crossover_step: Option<f64>,
    pub name: Bilingual,
    /// The clause when present ("de deelnemers samen de agenda bepalen").
    pub in_clause: Bilingual,
    /// The clause when absent.
    pub out_clause: Bilingual,
}

/// An outcome and the conditions it is analysed with.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeDef {
    pub key: String,
    pub variable: String,
    pub calibration: Calibration,
    pub missing_out: bool,
    /// Other anchors (fuzzy outcomes) the robustness table tries.
    pub alt_anchors: Vec<FuzzyAnchors>,
    /// Robustness: the crossover this far below and above (fuzzy, direct method).
    pub crossover_step: Option<f64>,
    /// Whether this is the analysis of the outcome's negation (made by [`OutcomeDef::negation`]).
    pub negated: bool,
    /// The negation's name and result ("rapporteren vaker geen …"), if the file gives them:
    /// then the negated outcome is analysed too.
    pub negation: Option<(Bilingual, Bilingual)>,
    pub conditions: Vec<String>,
    pub name: Bilingual,
    /// What networks with a sufficient combination do ("rapporteren vaker …").
    pub result: Bilingual,
}

impl OutcomeDef {
    /// The analysis of the outcome's negation (membership 1 − y), if the file names it.
    pub fn negation(&self) -> Option<OutcomeDef> {
        let (name, result) = self.negation.clone()?;
        Some(OutcomeDef {
            key: format!("{}_NOT", self.key),
            name,
            result,
            negated: true,
            negation: None,
            ..self.clone()
        })
    }
}

/// The cut-offs of the truth table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cuts {
    pub incl: f64,
    pub n: usize,
    pub pri: f64,
}

impl Cuts {
    /// The only constructor: consistency and PRI in `[0, 1]`, at least one network.
    pub fn new(incl: f64, n: usize, pri: f64) -> Result<Self, String> {
        if !(0.0..=1.0).contains(&incl) {
            return Err(format!(
                "the consistency cut-off must lie between 0 and 1, not {incl}"
            ));
        }
        if !(0.0..=1.0).contains(&pri) {
            return Err(format!(
                "the PRI cut-off must lie between 0 and 1, not {pri}"
            ));
        }
        if n == 0 {
            return Err("the frequency cut-off is at least 1 network".into());
        }
        Ok(Self { incl, n, pri })
    }
}

/// The whole specification.
#[derive(Debug, Clone, Serialize)]
pub struct QcaSpec {
    /// Where it was read from, for messages.
    pub file: String,
    pub cuts: Cuts,
    pub robustness_incl_cuts: Vec<f64>,
    pub conditions: Vec<ConditionDef>,
    pub outcomes: Vec<OutcomeDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    incl_cut: f64,
    n_cut: usize,
    pri_cut: f64,
    #[serde(default)]
    robustness_incl_cuts: Vec<f64>,
    #[serde(rename = "condition", default)]
    conditions: Vec<RawSet>,
    #[serde(rename = "outcome", default)]
    outcomes: Vec<RawSet>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    key: String,
    variable: String,
    calibration: String,
    #[serde(rename = "in", default)]
    in_: Vec<String>,
    threshold: Option<f64>,
    #[serde(default)]
    thresholds: Vec<f64>,
    anchors: Option<[f64; 3]>,
    crossover_step: Option<f64>,
    missing: Option<String>,
    expect: Option<Expect>,
    #[serde(default)]
    alt_anchors: Vec<[f64; 3]>,
    #[serde(default)]
    conditions: Vec<String>,
    name_nl: String,
    name_en: String,
    in_nl: Option<String>,
    in_en: Option<String>,
    out_nl: Option<String>,
    out_en: Option<String>,
    result_nl: Option<String>,
    result_en: Option<String>,
    neg_name_nl: Option<String>,
    neg_name_en: Option<String>,
    neg_result_nl: Option<String>,
    neg_result_en: Option<String>,
}

fn bi(nl: &str, en: &str) -> Bilingual {
    Bilingual {
        nl: nl.trim().to_owned(),
        en: en.trim().to_owned(),
    }
}

impl RawSet {
    fn calibration(&self, what: &str) -> Result<Calibration, String> {
        let c = match self.calibration.as_str() {
            "crisp" => match (self.in_.is_empty(), self.threshold) {
                (true, None) => Calibration::Present,
                (false, None) => Calibration::Choices {
                    choices: self.in_.clone(),
                },
                (true, Some(t)) if t.is_finite() => Calibration::Threshold { threshold: t },
                (true, Some(_)) => return Err(format!("{what}, field `threshold`: not a number")),
                (false, Some(_)) => {
                    return Err(format!(
                    "{what}: a crisp set takes `in` (choices) or `threshold` (numbers), not both"
                ))
                }
            },
            "fuzzy" => {
                let [e, c, i] = self.anchors.ok_or_else(|| {
                    format!(
                        "{what}: a fuzzy set needs `anchors` = [exclusion, crossover, inclusion]"
                    )
                })?;
                Calibration::Fuzzy {
                    anchors: FuzzyAnchors::new(e, c, i)
                        .map_err(|m| format!("{what}, field `anchors`: {m}"))?,
                }
            }
            "indirect" => {
                let t = &self.thresholds;
                if t.is_empty()
                    || t.len() > leernet_stats::qca::calibrate::MAX_INDIRECT_THRESHOLDS
                    || t.iter().any(|x| !x.is_finite())
                {
                    return Err(format!(
                        "{what}, field `thresholds`: the indirect method needs 1 to {} numbers that group the networks into classes",
                        leernet_stats::qca::calibrate::MAX_INDIRECT_THRESHOLDS
                    ));
                }
                if t.windows(2).any(|w| w[0] >= w[1]) {
                    return Err(format!(
                        "{what}, field `thresholds`: give the thresholds from low to high, each once"
                    ));
                }
                Calibration::Indirect {
                    thresholds: t.clone(),
                }
            }
            other => {
                return Err(format!(
                    "{what}, field `calibration`: {other:?} is not \"crisp\", \"fuzzy\" or \"indirect\""
                ))
            }
        };
        if self.anchors.is_some() && !matches!(c, Calibration::Fuzzy { .. }) {
            return Err(format!("{what}: `anchors` belong to a fuzzy set"));
        }
        if !self.thresholds.is_empty() && !matches!(c, Calibration::Indirect { .. }) {
            return Err(format!(
                "{what}: `thresholds` belong to an indirect calibration (a crisp set takes `threshold`)"
            ));
        }
        Ok(c)
    }

    fn crossover_step(&self, what: &str, c: &Calibration) -> Result<Option<f64>, String> {
        let Some(step) = self.crossover_step else {
            return Ok(None);
        };
        let Calibration::Fuzzy { anchors: a } = c else {
            return Err(format!(
                "{what}: `crossover_step` belongs to a fuzzy set with `anchors`"
            ));
        };
        if !(step.is_finite() && step > 0.0) {
            return Err(format!(
                "{what}, field `crossover_step`: a positive number, not {step}"
            ));
        }
        for c in [a.crossover - step, a.crossover + step] {
            FuzzyAnchors::new(a.exclusion, c, a.inclusion)
                .map_err(|m| format!("{what}, field `crossover_step`: moved by {step}, {m}"))?;
        }
        Ok(Some(step))
    }

    fn missing_out(&self, what: &str) -> Result<bool, String> {
        match self.missing.as_deref() {
            None | Some("leave_out") => Ok(false),
            Some("out") => Ok(true),
            Some(other) => Err(format!(
                "{what}, field `missing`: {other:?} is not \"out\" or \"leave_out\""
            )),
        }
    }
}

fn check_key(key: &str, what: &str) -> Result<(), String> {
    let ok = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what}, field `key`: {key:?} must start with a letter and hold only letters, digits and _"
        ))
    }
}

fn need(text: &Option<String>, what: &str, field: &str) -> Result<String, String> {
    match text {
        Some(t) if !t.trim().is_empty() => Ok(t.clone()),
        _ => Err(format!("{what} needs `{field}`")),
    }
}

impl QcaSpec {
    /// Parses and checks the specification; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<QcaSpec, AnalysisError> {
        let err = |message: String| AnalysisError::Content {
            file: file.to_owned(),
            message,
        };
        let raw: RawSpec =
            toml::from_str(text).map_err(|e| err(e.to_string().trim().replace('\n', " ")))?;
        let cuts = Cuts::new(raw.incl_cut, raw.n_cut, raw.pri_cut).map_err(err)?;
        for &c in &raw.robustness_incl_cuts {
            Cuts::new(c, 1, 0.0).map_err(|m| err(format!("robustness_incl_cuts: {m}")))?;
        }
        let mut conditions: Vec<ConditionDef> = Vec::new();
        for r in &raw.conditions {
            let what = format!("condition {:?}", r.key);
            check_key(&r.key, &what).map_err(err)?;
            if conditions.iter().any(|c| c.key == r.key) {
                return Err(err(format!("{what} is defined twice")));
            }
            if !r.conditions.is_empty() || !r.alt_anchors.is_empty() || r.result_nl.is_some() {
                return Err(err(format!(
                    "{what}: `conditions`, `alt_anchors` and `result_*` belong to an outcome"
                )));
            }
            let in_nl = need(&r.in_nl, &what, "in_nl").map_err(err)?;
            let in_en = need(&r.in_en, &what, "in_en").map_err(err)?;
            let out_nl = need(&r.out_nl, &what, "out_nl").map_err(err)?;
            let out_en = need(&r.out_en, &what, "out_en").map_err(err)?;
            if r.neg_name_nl.is_some() || r.neg_result_nl.is_some() {
                return Err(err(format!(
                    "{what}: `neg_name_*` and `neg_result_*` belong to an outcome"
                )));
            }
            let calibration = r.calibration(&what).map_err(err)?;
            conditions.push(ConditionDef {
                key: r.key.clone(),
                variable: r.variable.clone(),
                crossover_step: r.crossover_step(&what, &calibration).map_err(err)?,
                calibration,
                missing_out: r.missing_out(&what).map_err(err)?,
                expect: r.expect,
                name: bi(&r.name_nl, &r.name_en),
                in_clause: bi(&in_nl, &in_en),
                out_clause: bi(&out_nl, &out_en),
            });
        }
        let mut outcomes: Vec<OutcomeDef> = Vec::new();
        for r in &raw.outcomes {
            let what = format!("outcome {:?}", r.key);
            check_key(&r.key, &what).map_err(err)?;
            if outcomes.iter().any(|o| o.key == r.key) || conditions.iter().any(|c| c.key == r.key)
            {
                return Err(err(format!("{what}: the key is used twice")));
            }
            if r.expect.is_some() || r.in_nl.is_some() || r.out_nl.is_some() {
                return Err(err(format!(
                    "{what}: `expect`, `in_*` and `out_*` belong to a condition (an outcome has `result_*`)"
                )));
            }
            if r.conditions.is_empty() || r.conditions.len() > MAX_STUDY_CONDITIONS {
                return Err(err(format!(
                    "{what}, field `conditions`: name 1 to {MAX_STUDY_CONDITIONS} conditions"
                )));
            }
            for (i, c) in r.conditions.iter().enumerate() {
                if !conditions.iter().any(|d| d.key == *c) {
                    return Err(err(format!(
                        "{what}, field `conditions`: {c:?} is not a condition of this file"
                    )));
                }
                if r.conditions[..i].contains(c) {
                    return Err(err(format!(
                        "{what}, field `conditions`: {c:?} is named twice"
                    )));
                }
            }
            let calibration = r.calibration(&what).map_err(err)?;
            if !r.alt_anchors.is_empty() && !matches!(calibration, Calibration::Fuzzy { .. }) {
                return Err(err(format!(
                    "{what}: `alt_anchors` belong to a fuzzy outcome"
                )));
            }
            let alt_anchors = r
                .alt_anchors
                .iter()
                .map(|&[e, c, i]| FuzzyAnchors::new(e, c, i))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|m| err(format!("{what}, field `alt_anchors`: {m}")))?;
            let result_nl = need(&r.result_nl, &what, "result_nl").map_err(err)?;
            let result_en = need(&r.result_en, &what, "result_en").map_err(err)?;
            let negation = match (
                &r.neg_name_nl,
                &r.neg_name_en,
                &r.neg_result_nl,
                &r.neg_result_en,
            ) {
                (None, None, None, None) => None,
                _ => Some((
                    bi(
                        &need(&r.neg_name_nl, &what, "neg_name_nl").map_err(err)?,
                        &need(&r.neg_name_en, &what, "neg_name_en").map_err(err)?,
                    ),
                    bi(
                        &need(&r.neg_result_nl, &what, "neg_result_nl").map_err(err)?,
                        &need(&r.neg_result_en, &what, "neg_result_en").map_err(err)?,
                    ),
                )),
            };
            let negated_key = format!("{}_NOT", r.key);
            if negation.is_some()
                && (raw.outcomes.iter().any(|o| o.key == negated_key)
                    || conditions.iter().any(|c| c.key == negated_key))
            {
                return Err(err(format!(
                    "{what}: its negation is analysed as {negated_key:?}, a key used elsewhere"
                )));
            }
            outcomes.push(OutcomeDef {
                key: r.key.clone(),
                variable: r.variable.clone(),
                crossover_step: r.crossover_step(&what, &calibration).map_err(err)?,
                negated: false,
                negation,
                calibration,
                missing_out: r.missing_out(&what).map_err(err)?,
                alt_anchors,
                conditions: r.conditions.clone(),
                name: bi(&r.name_nl, &r.name_en),
                result: bi(&result_nl, &result_en),
            });
        }
        let all_texts = conditions
            .iter()
            .flat_map(|c| {
                [
                    (&c.key, &c.name),
                    (&c.key, &c.in_clause),
                    (&c.key, &c.out_clause),
                ]
            })
            .chain(
                outcomes
                    .iter()
                    .flat_map(|o| [(&o.key, &o.name), (&o.key, &o.result)]),
            );
        for (key, t) in all_texts {
            if t.nl.is_empty() || t.en.is_empty() {
                return Err(err(format!(
                    "{key:?}: every label needs a Dutch and an English text"
                )));
            }
        }
        Ok(QcaSpec {
            file: file.to_owned(),
            cuts,
            robustness_incl_cuts: raw.robustness_incl_cuts,
            conditions,
            outcomes,
        })
    }

    /// The specification shipped with leernet (`content/qca.toml`).
    pub fn builtin() -> QcaSpec {
        QcaSpec::parse(
            include_str!("../../../../content/qca.toml"),
            "content/qca.toml",
        )
        .expect("the shipped QCA specification parses (tested)")
    }

    /// The condition with this key.
    pub fn condition(&self, key: &str) -> Option<&ConditionDef> {
        self.conditions.iter().find(|c| c.key == key)
    }

    /// The outcome with this key.
    pub fn outcome(&self, key: &str) -> Option<&OutcomeDef> {
        self.outcomes.iter().find(|o| o.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_specification_parses() {
        let s = QcaSpec::builtin();
        assert_eq!(s.cuts, Cuts::new(0.8, 1, 0.5).unwrap());
        assert_eq!(s.outcomes.len(), 2);
        let neutral = s.condition("NEUTRAL").unwrap();
        assert!(neutral.missing_out);
        assert_eq!(
            neutral.calibration,
            Calibration::Choices {
                choices: vec!["neutral".into()]
            }
        );
        assert_eq!(
            s.condition("AGENDA").unwrap().calibration,
            Calibration::Present
        );
    }

    fn with(find: &str, replace: &str) -> String {
        let shipped = include_str!("../../../../content/qca.toml");
        assert!(shipped.contains(find), "{find}");
        shipped.replacen(find, replace, 1)
    }

    #[test]
    fn errors_name_the_file_the_entry_and_the_field() {
        let cases = [
            (
                with("anchors = [1.0, 3.5, 6.0]", "anchors = [1.0, 7.0, 6.0]"),
                "content/qca.toml: condition \"FORMAL\", field `anchors`: the crossover 7 must lie strictly between",
            ),
            (
                with("incl_cut = 0.8", "incl_cut = 1.8"),
                "content/qca.toml: the consistency cut-off must lie between 0 and 1, not 1.8",
            ),
            (
                with("\"COCREATION\"]\nname_nl = \"Goed", "\"COCRATION\"]\nname_nl = \"Goed"),
                "content/qca.toml: outcome \"CLIMATE\", field `conditions`: \"COCRATION\" is not a condition of this file",
            ),
            (
                with("calibration = \"fuzzy\"\nanchors = [1.0", "calibration = \"fuzy\"\nanchors = [1.0"),
                "content/qca.toml: condition \"FORMAL\", field `calibration`: \"fuzy\" is not",
            ),
            (
                with("missing = \"out\"\nexpect", "missing = \"zero\"\nexpect"),
                "content/qca.toml: condition \"NEUTRAL\", field `missing`",
            ),
            (
                with("key = \"AGENDA\"", "key = \"2AGENDA\""),
                "content/qca.toml: condition \"2AGENDA\", field `key`",
            ),
        ];
        for (text, start) in cases {
            let e = QcaSpec::parse(&text, "content/qca.toml")
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(start), "{e}\n  expected: {start}");
        }
    }

    #[test]
    fn anchors_and_cuts_refuse_what_cannot_be_computed() {
        assert!(FuzzyAnchors::new(1.0, 2.0, 3.0).is_ok());
        assert!(FuzzyAnchors::new(3.0, 2.0, 1.0).is_ok());
        assert!(FuzzyAnchors::new(1.0, 1.0, 3.0).is_err());
        assert!(FuzzyAnchors::new(f64::NAN, 1.0, 3.0).is_err());
        assert!(Cuts::new(0.8, 0, 0.5).is_err());
        assert!(Cuts::new(0.8, 1, -0.1).is_err());
    }
}
