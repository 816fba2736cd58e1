//! Mapping an export's columns onto an instrument's questions.
//!
//! In this order, for each column: the researcher's mapping file; the id and network
//! columns; the question's name or group path (`household/age`, `household-age`,
//! `household:age`); the tool's conventions (LimeSurvey `q[SQ001]`, `q[other]`;
//! `q/choice` option columns of KoboToolbox and ODK; start and end times); the question
//! text in any of the form's languages (KoboToolbox labels, Microsoft Forms, Qualtrics'
//! second header row, `label/choice label` option columns). A column that matches
//! nothing is ignored with a warning, except the tools' own system columns.

use std::collections::{BTreeMap, HashMap};

use leernet_xlsform::{Form, Metadata, Question, QuestionKind};
use serde::{Deserialize, Serialize};

use crate::detect::Format;
use crate::problem::{Problem, ProblemKind};
use crate::values::{key, Choices};

/// A mapping file (`--mapping map.toml`), as `--write-mapping` drafts it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The layout (`kobo`, `odk`, `limesurvey`, `qualtrics`, `msforms`, `csv`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The column holding each response's own id (remembered to avoid duplicates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_column: Option<String>,
    /// The column naming each respondent's network (slug or name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_column: Option<String>,
    /// Column header to target: `question`, `question/choice` (a 0/1 option column),
    /// `question[other]` (the text of "other"), or `""` to ignore the column.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Per question: a cell's text to the choice name it means.
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

impl Mapping {
    /// Reads a mapping file's text.
    pub fn from_toml(text: &str) -> Result<Mapping, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

/// Where a column's cells go.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// The value of a question.
    Question {
        /// Question name.
        question: String,
    },
    /// One 0/1 column of a select_multiple's choice.
    Option {
        /// Question name.
        question: String,
        /// Choice name.
        choice: String,
    },
    /// The text typed for "other" of a select: it checks `other` in the select and, when
    /// the form has one, fills the text question.
    OtherText {
        /// The select question.
        question: String,
        /// The text question (`{question}_other`), if the form has one.
        text_question: Option<String>,
    },
    /// An answer to a question inside a repeat, one column per instance
    /// (`group/repeat[2]/question`, as KoboToolbox's legacy CSV flattens repeats).
    RepeatQuestion {
        /// Question name.
        question: String,
        /// Where the answer is stored: `repeat[2]/question`, nested `r[1]/s[3]/question`.
        key: String,
    },
    /// One 0/1 column of a select_multiple's choice in one instance of a repeat
    /// (leernet's own export: `games_2_ball`).
    RepeatOption {
        /// Question name.
        question: String,
        /// Where the answer is stored: `kid[2]/games`.
        key: String,
        /// Choice name.
        choice: String,
    },
    /// The response's own id.
    Id,
    /// The respondent's network.
    Network,
    /// Whether the response was finished (LimeSurvey `submitdate`, Qualtrics `Finished`).
    Finished,
    /// Qualtrics `Status` (preview and test responses are skipped).
    QualtricsStatus,
    /// Not imported.
    Ignored,
}

/// One column's mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnPlan {
    /// 0-based position.
    pub index: usize,
    /// Header as written.
    pub header: String,
    /// Where its cells go.
    pub target: Target,
    /// Why: `mapping`, `name`, `tool`, `label`, `system` or `unmatched`.
    pub by: &'static str,
}

/// The mapping of every column of one export onto one form.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The layout.
    pub format: Format,
    /// Every column, in file order.
    pub columns: Vec<ColumnPlan>,
    /// Value recodes from the mapping file, per question.
    #[serde(skip)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

impl Plan {
    /// The column of a target kind, if any.
    pub fn column_of(&self, pred: impl Fn(&Target) -> bool) -> Option<usize> {
        self.columns
            .iter()
            .find(|c| pred(&c.target))
            .map(|c| c.index)
    }

    /// Questions that some column fills.
    pub fn mapped_questions(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .columns
            .iter()
            .filter_map(|c| match &c.target {
                Target::Question { question } | Target::Option { question, .. } => {
                    Some(question.as_str())
                }
                Target::OtherText { question, .. }
                | Target::RepeatQuestion { question, .. }
                | Target::RepeatOption { question, .. } => Some(question.as_str()),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A mapping file that says what this plan does, for the researcher to edit.
    pub fn to_mapping_toml(&self) -> String {
        let mut s = String::new();
        s.push_str("# Column mapping drafted by `leernet import responses --write-mapping`.\n");
        s.push_str(
            "# Edit the right-hand sides: \"question\", \"question/choice\" (a 0/1 column),\n",
        );
        s.push_str(
            "# \"question[other]\" (the text of \"other\"), \"repeat[2]/question\" (an answer in\n",
        );
        s.push_str("# the second instance of a repeat), or \"\" to ignore a column.\n");
        s.push_str(&format!("format = {:?}\n", self.format.as_str()));
        for c in &self.columns {
            match c.target {
                Target::Id => s.push_str(&format!("id_column = {:?}\n", c.header)),
                Target::Network => s.push_str(&format!("network_column = {:?}\n", c.header)),
                _ => {}
            }
        }
        s.push_str("\n[columns]\n");
        for c in &self.columns {
            let rhs = match &c.target {
                Target::Question { question } => question.clone(),
                Target::Option { question, choice } => format!("{question}/{choice}"),
                Target::OtherText { question, .. } => format!("{question}[other]"),
                Target::RepeatQuestion { key, .. } => key.clone(),
                Target::Ignored if c.by == "unmatched" => {
                    s.push_str(&format!(
                        "# {:?} = \"\"   # matches no question\n",
                        c.header
                    ));
                    continue;
                }
                _ => continue,
            };
            s.push_str(&format!("{:?} = {:?}\n", c.header, rhs));
        }
        for (q, recodes) in &self.values {
            s.push_str(&format!("\n[values.{q}]\n"));
            for (k, v) in recodes {
                s.push_str(&format!("{k:?} = {v:?}\n"));
            }
        }
        s
    }
}

fn system_column(format: Format, h: &str) -> bool {
    match format {
        Format::Kobo => {
            h.starts_with('_')
                || matches!(
                    h,
                    "meta/instanceID"
                        | "instanceID"
                        | "meta/rootUuid"
                        | "meta/deprecatedID"
                        | "formhub/uuid"
                )
        }
        Format::Odk => matches!(
            h,
            "SubmissionDate"
                | "KEY"
                | "SubmitterID"
                | "SubmitterName"
                | "AttachmentsPresent"
                | "AttachmentsExpected"
                | "Status"
                | "ReviewState"
                | "DeviceID"
                | "Edits"
                | "FormVersion"
                | "meta-instanceID"
                | "instanceID"
        ),
        Format::LimeSurvey => matches!(
            h,
            "id" | "submitdate"
                | "lastpage"
                | "startlanguage"
                | "seed"
                | "token"
                | "startdate"
                | "datestamp"
                | "ipaddr"
                | "refurl"
        ),
        Format::Qualtrics => {
            matches!(
                h,
                "StartDate"
                    | "EndDate"
                    | "Status"
                    | "IPAddress"
                    | "Progress"
                    | "Duration (in seconds)"
                    | "Finished"
                    | "RecordedDate"
                    | "ResponseId"
                    | "ExternalReference"
                    | "LocationLatitude"
                    | "LocationLongitude"
                    | "DistributionChannel"
                    | "UserLanguage"
                    | "LocationAccuracy"
            ) || h.starts_with("Recipient")
                || legacy_qualtrics_system(h).is_some()
                || h.starts_with("Q_")
        }
        Format::MsForms => {
            matches!(
                h,
                "ID" | "Start time"
                    | "Completion time"
                    | "Email"
                    | "Name"
                    | "Last modified time"
                    | "Total points"
                    | "Quiz feedback"
            ) || h.starts_with("Points - ")
                || h.starts_with("Feedback - ")
        }
        Format::Csv => false,
        Format::Leernet => h == "wave",
    }
}

/// The meaning of a system column of Qualtrics' legacy layout (`V1` … `V10`).
fn legacy_qualtrics_system(h: &str) -> Option<&'static str> {
    Some(match h {
        "V1" => "ResponseId",
        "V2" => "ResponseSet",
        "V3" => "Name",
        "V4" => "ExternalReference",
        "V5" => "EmailAddress",
        "V6" => "IPAddress",
        "V7" => "Status",
        "V8" => "StartDate",
        "V9" => "EndDate",
        "V10" => "Finished",
        _ => return None,
    })
}

fn id_candidates(format: Format) -> &'static [&'static str] {
    match format {
        Format::Kobo => &["_uuid", "meta/instanceID", "_id"],
        Format::Odk => &["KEY", "meta-instanceID", "instanceID"],
        Format::LimeSurvey => &["id"],
        Format::Qualtrics => &["ResponseId", "V1"],
        Format::MsForms => &["ID"],
        Format::Leernet => &["respondent"],
        Format::Csv => &[
            "respondent",
            "id",
            "ID",
            "_uuid",
            "instanceID",
            "KEY",
            "ResponseId",
        ],
    }
}

fn time_columns(format: Format) -> &'static [(&'static str, Metadata)] {
    match format {
        Format::LimeSurvey => &[("startdate", Metadata::Start), ("datestamp", Metadata::End)],
        Format::Qualtrics => &[
            ("StartDate", Metadata::Start),
            ("EndDate", Metadata::End),
            ("V8", Metadata::Start),
            ("V9", Metadata::End),
        ],
        Format::MsForms => &[
            ("Start time", Metadata::Start),
            ("Completion time", Metadata::End),
        ],
        _ => &[],
    }
}

/// Everything the planner needs to know about the form, indexed.
struct FormIndex<'f> {
    by_key: HashMap<String, &'f Question>,
    by_label: HashMap<String, Option<&'f Question>>,
    form: &'f Form,
}

impl<'f> FormIndex<'f> {
    fn new(form: &'f Form) -> FormIndex<'f> {
        let mut by_key = HashMap::new();
        let mut by_label: HashMap<String, Option<&Question>> = HashMap::new();
        for q in form.questions() {
            if matches!(q.kind, QuestionKind::Note) || q.repeat.is_some() {
                continue;
            }
            by_key.insert(q.name.clone(), q);
            if !q.group_path.is_empty() {
                // a copy of a question of an unrolled `begin loop` is named after its
                // choice (`count_cow` in the group `cow`); other tools' exports keep the
                // name as written under the choice's group (`animal/cow/count`)
                let looped = q.group_path.last().and_then(|g| {
                    q.name
                        .strip_suffix(g.as_str())
                        .and_then(|n| n.strip_suffix('_'))
                        .filter(|n| !n.is_empty())
                });
                for sep in ["/", "-", ":", "."] {
                    let path = format!("{}{sep}{}", q.group_path.join(sep), q.name);
                    by_key.entry(path).or_insert(q);
                    if let Some(name) = looped {
                        let path = format!("{}{sep}{name}", q.group_path.join(sep));
                        by_key.entry(path).or_insert(q);
                    }
                }
            }
            for l in q.label.values.values() {
                if l.is_empty() {
                    continue;
                }
                by_label
                    .entry(key(l))
                    .and_modify(|e| {
                        if e.is_some_and(|p| p.name != q.name) {
                            *e = None
                        }
                    })
                    .or_insert(Some(q));
            }
        }
        FormIndex {
            by_key,
            by_label,
            form,
        }
    }

    fn named(&self, h: &str) -> Option<&'f Question> {
        self.by_key.get(h).copied()
    }

    fn labelled(&self, h: &str) -> Option<&'f Question> {
        self.by_label.get(&key(h)).copied().flatten()
    }

    fn named_or_labelled(&self, h: &str) -> Option<&'f Question> {
        self.named(h).or_else(|| self.labelled(h))
    }

    fn other_text_question(&self, q: &Question, choice: &str) -> Option<String> {
        [format!("{}_{choice}", q.name), format!("{}_other", q.name)]
            .into_iter()
            .find(|n| self.form.question(n).is_some())
    }

    fn metadata(&self, m: Metadata) -> Option<&'f Question> {
        self.form
            .questions()
            .find(|q| q.kind == QuestionKind::Metadata(m))
    }
}

/// An option column `prefix<sep>choice`: its question and choice.
fn option_column(ix: &FormIndex<'_>, h: &str) -> Option<(String, String)> {
    // a choice's label may hold the separator itself (`…/boat/canoe`): every place of it
    // is tried, the last first
    let cuts = h
        .char_indices()
        .rev()
        .filter(|(_, c)| matches!(c, '/' | '-' | '.' | ':'));
    for (at, sep) in cuts {
        let (prefix, suffix) = (&h[..at], &h[at + sep.len_utf8()..]);
        let Some(q) = ix.named_or_labelled(prefix) else {
            continue;
        };
        if !q.kind.is_multiple() {
            continue;
        }
        let choices = Choices::of(ix.form, q);
        if let Some(i) = choices.find(suffix, Format::Csv) {
            return Some((q.name.clone(), choices.names[i].clone()));
        }
    }
    None
}

/// The text typed for "other" of a select with `or_other`, as KoboToolbox and ODK name
/// its column: `question_other`, with the enclosing groups or not.
fn other_column(ix: &FormIndex<'_>, h: &str) -> Option<Target> {
    let q = ix.named(h.strip_suffix("_other")?)?;
    if !matches!(
        q.kind,
        QuestionKind::SelectOne { or_other: true, .. }
            | QuestionKind::SelectMultiple { or_other: true, .. }
    ) {
        return None;
    }
    Some(Target::OtherText {
        question: q.name.clone(),
        text_question: ix.other_text_question(q, "other"),
    })
}

/// A column of one instance of a question inside a repeat: `repeat[2]/question`, with
/// the enclosing groups or not (`kids/kids_details[2]/kids_name`), nested repeats each with
/// their index. Gives the question and the key its answers are stored under.
fn repeat_column(form: &Form, h: &str) -> Option<(String, String)> {
    if !h.contains('[') {
        return None;
    }
    let (path, name) = h.rsplit_once('/')?;
    let mut chain: Vec<(&str, usize)> = Vec::new();
    for part in path.split('/') {
        // a group's name is not part of the key; a repeat's carries its instance
        if let Some((g, i)) = part.strip_suffix(']').and_then(|p| p.split_once('[')) {
            let i: usize = i.parse().ok().filter(|&i| i >= 1)?;
            chain.push((g, i));
        }
    }
    // ODK Central names a question in a group of the repeat `group-question`: the name
    // is the longest of the `-`-separated tails that is a question there
    let names = std::iter::once(name).chain(name.match_indices('-').map(|(i, _)| &name[i + 1..]));
    let q = names.into_iter().find_map(|name| {
        form.questions().find(|q| {
            q.name == name && q.repeat.is_some() && {
                let repeats: Vec<&str> = q
                    .group_path
                    .iter()
                    .filter(|g| form.group(g).is_some_and(|g| g.repeat))
                    .map(String::as_str)
                    .collect();
                repeats.len() == chain.len() && repeats.iter().zip(&chain).all(|(r, (g, _))| r == g)
            }
        })
    })?;
    let key = chain
        .iter()
        .map(|(g, i)| format!("{g}[{i}]/"))
        .collect::<String>()
        + q.name.as_str();
    Some((q.name.clone(), key))
}

/// One of the columns KoboToolbox writes after a geopoint's own column, with its parts:
/// `_place_latitude` (`_longitude`, `_altitude`, `_precision`) and, for a geopoint inside
/// a group, `group/_place_latitude` or `_group/place_latitude` (formpack's names). They
/// repeat what the geopoint's column holds, so they belong to that question and are not
/// read a second time.
fn geopoint_part(ix: &FormIndex<'_>, h: &str) -> bool {
    let Some(base) = ["_latitude", "_longitude", "_altitude", "_precision"]
        .iter()
        .find_map(|s| h.strip_suffix(s))
    else {
        return false;
    };
    let (groups, name) = match base.rsplit_once('/') {
        Some((g, n)) => (Some(g.strip_prefix('_').unwrap_or(g)), n),
        None => (None, base),
    };
    let name = name.strip_prefix('_').unwrap_or(name);
    let path = match groups {
        Some(g) => format!("{g}/{name}"),
        None => name.to_owned(),
    };
    ix.named(&path).is_some_and(|q| {
        matches!(
            q.kind,
            QuestionKind::Media(leernet_xlsform::Media::Geopoint)
                | QuestionKind::Metadata(Metadata::StartGeopoint)
        )
    })
}

/// The variables of leernet's own export of `form` by name ([`crate::dataset`]: a
/// question's own variable, a select_multiple's 0/1 variable per choice), and for a
/// question inside a repeat its instances' variables (`age_2`, nested `toy_name_2_1`).
struct OwnExport {
    by_name: HashMap<String, Target>,
    /// Questions inside a repeat: (variable name stem, question, repeats around it, and
    /// for a select_multiple its choices by the name their variables carry).
    in_repeats: Vec<InRepeat>,
}

/// A question inside a repeat, as leernet's export names its variables.
struct InRepeat {
    stem: String,
    question: String,
    chain: Vec<String>,
    /// A select_multiple's choices: (the name in its variables, the choice's name).
    choices: Vec<(String, String)>,
}

/// A name as the dataset's variable names write it: letters, digits and `_`.
fn variable_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl OwnExport {
    fn new(form: &Form) -> OwnExport {
        let ds = crate::dataset::Dataset::build(form, &[], "");
        let by_name = ds
            .variables
            .iter()
            .filter_map(|v| {
                let question = v.question.clone()?;
                let t = match &v.choice {
                    Some(choice) => Target::Option {
                        question,
                        choice: choice.clone(),
                    },
                    None => Target::Question { question },
                };
                Some((v.name.clone(), t))
            })
            .collect();
        let in_repeats = form
            .questions()
            .filter(|q| q.repeat.is_some())
            .map(|q| InRepeat {
                stem: variable_part(&q.name),
                question: q.name.clone(),
                chain: q
                    .group_path
                    .iter()
                    .filter(|g| form.group(g).is_some_and(|g| g.repeat))
                    .cloned()
                    .collect(),
                choices: match q.kind.is_multiple() {
                    true => Choices::of(form, q)
                        .names
                        .iter()
                        .map(|n| (variable_part(n), n.clone()))
                        .collect(),
                    false => Vec::new(),
                },
            })
            .collect();
        OwnExport {
            by_name,
            in_repeats,
        }
    }

    fn target(&self, h: &str) -> Option<Target> {
        if let Some(t) = self.by_name.get(h) {
            return Some(t.clone());
        }
        // `stem_2_1`: the instances, one number per repeat around the question; a
        // select_multiple's 0/1 variable ends in its choice (`games_2_ball`)
        self.in_repeats.iter().find_map(|r| {
            let rest = h.strip_prefix(r.stem.as_str())?.strip_prefix('_')?;
            let mut parts = rest.splitn(r.chain.len() + 1, '_');
            let ix: Vec<usize> = parts
                .by_ref()
                .take(r.chain.len())
                .map(|d| d.parse::<usize>().ok().filter(|&i| i >= 1))
                .collect::<Option<_>>()?;
            if ix.len() != r.chain.len() {
                return None;
            }
            let key = r
                .chain
                .iter()
                .zip(&ix)
                .map(|(g, i)| format!("{g}[{i}]/"))
                .collect::<String>()
                + &r.question;
            match (parts.next(), r.choices.is_empty()) {
                (None, true) => Some(Target::RepeatQuestion {
                    question: r.question.clone(),
                    key,
                }),
                (Some(c), false) => {
                    let (_, choice) = r.choices.iter().find(|(v, _)| v == c)?;
                    Some(Target::RepeatOption {
                        question: r.question.clone(),
                        key,
                        choice: choice.clone(),
                    })
                }
                _ => None,
            }
        })
    }
}

/// LimeSurvey `base[sub]`.
fn limesurvey_column(ix: &FormIndex<'_>, h: &str) -> Option<Target> {
    let (base, sub) = h.strip_suffix(']')?.split_once('[')?;
    let q = ix.named(base)?;
    if sub == "other" {
        return Some(Target::OtherText {
            question: q.name.clone(),
            text_question: ix.other_text_question(q, "other"),
        });
    }
    if sub == "comment" || !q.kind.is_multiple() {
        return None;
    }
    let choices = Choices::of(ix.form, q);
    let i = choices.index_of(sub).or_else(|| {
        sub.strip_prefix("SQ")
            .and_then(|d| d.parse::<usize>().ok())
            .filter(|&k| k >= 1 && k <= choices.names.len())
            .map(|k| k - 1)
    })?;
    Some(Target::Option {
        question: q.name.clone(),
        choice: choices.names[i].clone(),
    })
}

/// Qualtrics' question text row: `text`, `text - Selected Choice`, `text - Choice - Text`.
fn qualtrics_label(ix: &FormIndex<'_>, label: &str) -> Option<Target> {
    let label = label.trim();
    if let Some(rest) = label.strip_suffix(" - Text") {
        if let Some((qtext, ctext)) = rest.rsplit_once(" - ") {
            let q = ix.labelled(qtext)?;
            let choices = Choices::of(ix.form, q);
            let choice = choices
                .find(ctext, Format::Csv)
                .map(|i| choices.names[i].clone())
                .unwrap_or_else(|| "other".into());
            return ix
                .other_text_question(q, &choice)
                .map(|t| Target::Question { question: t });
        }
    }
    let base = label.strip_suffix(" - Selected Choice").unwrap_or(label);
    if let Some(q) = ix.labelled(base) {
        return Some(Target::Question {
            question: q.name.clone(),
        });
    }
    // the legacy layout's column of one choice of a multiple answer: `question-choice`
    let (qtext, ctext) = label.rsplit_once('-')?;
    let q = ix.labelled(qtext).filter(|q| q.kind.is_multiple())?;
    let choices = Choices::of(ix.form, q);
    let i = choices.find(ctext, Format::Csv)?;
    Some(Target::Option {
        question: q.name.clone(),
        choice: choices.names[i].clone(),
    })
}

fn parse_target(form: &Form, rhs: &str) -> Result<Target, String> {
    let rhs = rhs.trim();
    if rhs.is_empty() {
        return Ok(Target::Ignored);
    }
    if let Some(q) = rhs.strip_suffix("[other]") {
        let question = form
            .question(q)
            .ok_or_else(|| format!("the form has no question {q:?}"))?;
        let text_question = [format!("{q}_other")]
            .into_iter()
            .find(|n| form.question(n).is_some());
        return Ok(Target::OtherText {
            question: question.name.clone(),
            text_question,
        });
    }
    if form.question(rhs).is_some() {
        return Ok(Target::Question {
            question: rhs.to_owned(),
        });
    }
    if rhs.contains('[') {
        return repeat_column(form, rhs)
            .map(|(question, key)| Target::RepeatQuestion { question, key })
            .ok_or_else(|| {
                format!("{rhs:?} is not an instance of a question inside a repeat (\"repeat[2]/question\")")
            });
    }
    if let Some((q, c)) = rhs.split_once('/') {
        let question = form
            .question(q)
            .ok_or_else(|| format!("the form has no question {q:?}"))?;
        let choices = Choices::of(form, question);
        if !question.kind.is_multiple() || choices.index_of(c).is_none() {
            return Err(format!(
                "{c:?} is not a choice of the select_multiple question {q:?}"
            ));
        }
        return Ok(Target::Option {
            question: q.to_owned(),
            choice: c.to_owned(),
        });
    }
    Err(format!("the form has no question {rhs:?}"))
}

/// Maps the columns of an export onto a form. `label_row` is Qualtrics' second header
/// row. Returns the plan and the problems found (errors block the import).
pub fn build(
    form: &Form,
    format: Format,
    headers: &[String],
    label_row: Option<&[String]>,
    mapping: Option<&Mapping>,
    network_column: Option<&str>,
) -> (Plan, Vec<Problem>) {
    let ix = FormIndex::new(form);
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    let id_column = mapping.and_then(|m| m.id_column.as_deref()).or_else(|| {
        id_candidates(format)
            .iter()
            .copied()
            .find(|c| headers.iter().any(|h| h == c))
    });
    let network_column = network_column
        .or(mapping.and_then(|m| m.network_column.as_deref()))
        .or((format == Format::Leernet).then_some("network"));
    let own = (format == Format::Leernet).then(|| OwnExport::new(form));
    let mut id_taken = false;
    let mut network_taken = false;
    for (i, h) in headers.iter().enumerate() {
        let (target, by) = if let Some(rhs) = mapping.and_then(|m| m.columns.get(h)) {
            match parse_target(form, rhs) {
                Ok(t) => (t, "mapping"),
                Err(e) => {
                    problems.push(
                        Problem::error(
                            ProblemKind::Unmapped,
                            format!("the mapping file says {rhs:?}: {e}"),
                        )
                        .in_column(h),
                    );
                    (Target::Ignored, "mapping")
                }
            }
        } else if Some(h.as_str()) == id_column && !id_taken {
            id_taken = true;
            (Target::Id, "system")
        } else if Some(h.as_str()) == network_column && !network_taken {
            network_taken = true;
            (Target::Network, "system")
        } else if let Some(t) = own.as_ref().and_then(|o| o.target(h)) {
            (t, "name")
        } else if format == Format::Leernet && h == "status" {
            (Target::Finished, "system")
        } else if let Some(q) = ix.named(h) {
            (
                Target::Question {
                    question: q.name.clone(),
                },
                "name",
            )
        } else if let Some((question, key)) = repeat_column(form, h) {
            (Target::RepeatQuestion { question, key }, "tool")
        } else if let Some(t) = (format == Format::LimeSurvey || format == Format::Csv)
            .then(|| limesurvey_column(&ix, h))
            .flatten()
        {
            (t, "tool")
        } else if let Some((question, choice)) = option_column(&ix, h) {
            (Target::Option { question, choice }, "tool")
        } else if let Some(t) = other_column(&ix, h) {
            (t, "tool")
        } else if let Some(m) = time_columns(format)
            .iter()
            .find(|(c, _)| c == h)
            .and_then(|(_, m)| ix.metadata(*m))
        {
            (
                Target::Question {
                    question: m.name.clone(),
                },
                "tool",
            )
        } else if (format == Format::LimeSurvey && h == "submitdate")
            || (format == Format::Qualtrics && (h == "Finished" || h == "V10"))
        {
            (Target::Finished, "system")
        } else if format == Format::Qualtrics && (h == "Status" || h == "V7") {
            (Target::QualtricsStatus, "system")
        } else if matches!(format, Format::Kobo | Format::Csv) && geopoint_part(&ix, h) {
            (Target::Ignored, "tool")
        } else if let Some(t) = label_row
            .and_then(|r| r.get(i))
            .and_then(|l| qualtrics_label(&ix, l))
        {
            (t, "label")
        } else if let Some(q) = ix.labelled(h) {
            (
                Target::Question {
                    question: q.name.clone(),
                },
                "label",
            )
        } else if system_column(format, h) {
            (Target::Ignored, "system")
        } else {
            let p = if h.is_empty() {
                Problem::warning(
                    ProblemKind::Unmapped,
                    "a column without a header is ignored",
                )
            } else {
                Problem::warning(
                    ProblemKind::Unmapped,
                    format!(
                        "matches no question of {:?} and is ignored (map it with --mapping)",
                        form.id()
                    ),
                )
            };
            problems.push(p.in_column(h));
            (Target::Ignored, "unmatched")
        };
        columns.push(ColumnPlan {
            index: i,
            header: h.clone(),
            target,
            by,
        });
    }
    // two columns for one target
    let mut seen: HashMap<&Target, &str> = HashMap::new();
    for c in &columns {
        if matches!(c.target, Target::Ignored) {
            continue;
        }
        if let Some(first) = seen.get(&c.target) {
            problems.push(
                Problem::error(
                    ProblemKind::DuplicateColumn,
                    format!(
                        "this column and column {first:?} both hold {}",
                        describe(&c.target)
                    ),
                )
                .in_column(&c.header),
            );
        } else {
            seen.insert(&c.target, &c.header);
        }
    }
    if let Some(n) = network_column {
        if !headers.iter().any(|h| h == n) {
            problems.push(Problem::error(
                ProblemKind::Unmapped,
                format!("the network column {n:?} is not in the file"),
            ));
        }
    }
    if let Some(m) = mapping {
        for (q, _) in m.values.iter() {
            if form.question(q).is_none() {
                problems.push(Problem::error(
                    ProblemKind::Unmapped,
                    format!(
                        "the mapping file recodes values of {q:?}, which the form does not have"
                    ),
                ));
            }
        }
    }
    let plan = Plan {
        format,
        columns,
        values: mapping.map(|m| m.values.clone()).unwrap_or_default(),
    };
    let answerable = plan
        .mapped_questions()
        .iter()
        .any(|q| form.question(q).is_some_and(|q| q.kind.is_answerable()));
    if !answerable {
        problems.push(Problem::error(
            ProblemKind::Unmapped,
            format!(
                "no column matches a question of {:?}: is this an export of that questionnaire? Draft a mapping with --write-mapping",
                form.id()
            ),
        ));
    }
    (plan, problems)
}

fn describe(t: &Target) -> String {
    match t {
        Target::Question { question } => format!("question {question:?}"),
        Target::Option { question, choice } => format!("choice {choice:?} of {question:?}"),
        Target::OtherText { question, .. } => format!("the \"other\" text of {question:?}"),
        Target::RepeatQuestion { key, .. } => format!("the answer {key:?}"),
        Target::RepeatOption { key, choice, .. } => format!("choice {choice:?} of {key:?}"),
        Target::Id => "the response id".into(),
        Target::Network => "the network".into(),
        Target::Finished => "whether the response was finished".into(),
        Target::QualtricsStatus => "the response status".into(),
        Target::Ignored => "nothing".into(),
    }
}
