//! The form model: questions, choices, groups and settings, built from a workbook and
//! checked for structural errors (names, lists, group and repeat nesting, types).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::diag::{Diagnostic, FormError, Severity};
use crate::kind::{parse_type, QuestionKind, RowType, TypeError};
use crate::read::{self, language_code, Sheet};

/// A translatable text: one value per language code, plus the untranslated column
/// (key `""`). [`Text::get`] falls back to the form's default language, then to the
/// untranslated value, then to any language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Text {
    /// Values by language code (`""` = no language given).
    pub values: BTreeMap<String, String>,
    #[serde(skip)]
    default: Option<String>,
}

impl Text {
    /// A text with only an untranslated value.
    pub fn plain(s: &str) -> Text {
        let mut values = BTreeMap::new();
        if !s.is_empty() {
            values.insert(String::new(), s.to_string());
        }
        Text {
            values,
            default: None,
        }
    }

    /// The text in `lang`, else in the default language, else untranslated, else any.
    pub fn get(&self, lang: &str) -> &str {
        let pick = |k: &str| self.values.get(k).filter(|v| !v.is_empty());
        pick(lang)
            .or_else(|| self.default.as_deref().and_then(pick))
            .or_else(|| pick(""))
            .or_else(|| self.values.values().find(|v| !v.is_empty()))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Whether no language has a value.
    pub fn is_empty(&self) -> bool {
        self.values.values().all(|v| v.is_empty())
    }
}

/// One question (a survey row that is not a group or repeat boundary).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    /// The `name` column: the variable name.
    pub name: String,
    /// The parsed `type` column.
    pub kind: QuestionKind,
    /// The `type` cell as written.
    pub type_text: String,
    /// `label`, per language.
    pub label: Text,
    /// `hint`, per language.
    pub hint: Text,
    /// `guidance_hint`, per language.
    pub guidance_hint: Text,
    /// `required`: `true()` for yes, an expression, or `None` for no.
    pub required: Option<String>,
    /// `required_message`, per language.
    pub required_message: Text,
    /// `relevant` expression.
    pub relevant: Option<String>,
    /// `constraint` expression.
    pub constraint: Option<String>,
    /// `constraint_message`, per language.
    pub constraint_message: Text,
    /// `calculation` expression.
    pub calculation: Option<String>,
    /// `default` value or expression.
    pub default: Option<String>,
    /// `appearance`.
    pub appearance: Option<String>,
    /// `choice_filter` expression.
    pub choice_filter: Option<String>,
    /// `read_only`: `true()` for yes, an expression, or `None`.
    pub read_only: Option<String>,
    /// `trigger`: `${name}` whose change recalculates this one.
    pub trigger: Option<String>,
    /// `parameters`, split into key=value pairs (keys lower-cased).
    pub parameters: BTreeMap<String, String>,
    /// Media columns (`image`, `audio`, `video`, `big-image`), per language.
    pub media: BTreeMap<String, Text>,
    /// Names of the enclosing groups and repeats, outermost first.
    pub group_path: Vec<String>,
    /// Name of the innermost enclosing repeat, if any.
    pub repeat: Option<String>,
    /// 1-based spreadsheet row.
    pub row: usize,
    /// Columns leernet does not interpret, kept as written (`bind::…`, `save_to`, custom).
    pub extra: BTreeMap<String, String>,
}

impl Question {
    /// Whether `required` is the constant yes.
    pub fn always_required(&self) -> bool {
        self.required.as_deref() == Some("true()")
    }

    /// What the survey link already knows and fills in for this question, from leernet's
    /// own bind attribute `bind::leernet:prefill` (other XLSForm tools ignore it and ask the
    /// question as usual). Only a text question outside repeats is filled in.
    pub fn prefill(&self) -> Option<Prefill> {
        if self.kind != QuestionKind::Text || self.repeat.is_some() {
            return None;
        }
        self.extra
            .get(PREFILL_COLUMN)
            .and_then(|v| Prefill::parse(v))
    }
}

/// The column that names what a question is filled in with (see [`Question::prefill`]).
pub const PREFILL_COLUMN: &str = "bind::leernet:prefill";

/// What an invitation knows about its respondent and fills in instead of asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prefill {
    /// The name of the invitation's learning network.
    Network,
    /// The name of the Werkplaats the network belongs to.
    Werkplaats,
}

impl Prefill {
    /// The values a form may write in [`PREFILL_COLUMN`].
    pub const NAMES: [&'static str; 2] = ["network", "werkplaats"];

    /// Reads a [`PREFILL_COLUMN`] cell (case and surrounding spaces ignored).
    pub fn parse(cell: &str) -> Option<Prefill> {
        match cell.trim().to_ascii_lowercase().as_str() {
            "network" => Some(Prefill::Network),
            "werkplaats" => Some(Prefill::Werkplaats),
            _ => None,
        }
    }
}

/// One choice of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    /// The stored value.
    pub name: String,
    /// `label`, per language.
    pub label: Text,
    /// Media, per language.
    pub media: BTreeMap<String, Text>,
    /// Other columns (used by `choice_filter`), as written.
    pub extra: BTreeMap<String, String>,
    /// 1-based spreadsheet row on the choices sheet.
    pub row: usize,
}

/// An entry of a group's body: a question or a nested group, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "lowercase")]
pub enum Item {
    /// Index into [`Form::questions`] order (see [`Form::question_at`]).
    Question(usize),
    /// Index into [`Form::groups`].
    Group(usize),
}

/// A group or repeat, with its body, so a survey can render pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// The `name` column.
    pub name: String,
    /// Whether this is a `begin_repeat`.
    pub repeat: bool,
    /// `label`, per language.
    pub label: Text,
    /// `hint`, per language.
    pub hint: Text,
    /// `relevant`: applies to every question inside.
    pub relevant: Option<String>,
    /// `appearance` (`field-list` = one page).
    pub appearance: Option<String>,
    /// `repeat_count` expression or number (repeats only).
    pub repeat_count: Option<String>,
    /// Names of the enclosing groups, outermost first, ending with this group's name.
    pub path: Vec<String>,
    /// Questions and nested groups, in sheet order.
    pub items: Vec<Item>,
    /// Row of `begin_…`.
    pub row: usize,
    /// Row of the matching `end_…` (0 when unmatched).
    pub end_row: usize,
    /// Uninterpreted columns.
    pub extra: BTreeMap<String, String>,
}

/// A language the form is written in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Language {
    /// Code (`nl`) or, when the header gives none, the name (`English`).
    pub code: String,
    /// Name as written (`Nederlands`).
    pub name: String,
}

/// A validated XLSForm.
#[derive(Debug, Clone, Serialize)]
pub struct Form {
    pub(crate) id: String,
    pub(crate) version: Option<String>,
    pub(crate) title: Text,
    pub(crate) languages: Vec<Language>,
    pub(crate) default_language: Option<String>,
    pub(crate) settings: BTreeMap<String, String>,
    pub(crate) questions: Vec<Question>,
    #[serde(skip)]
    pub(crate) index: HashMap<String, usize, rustc_hash::FxBuildHasher>,
    pub(crate) choices: BTreeMap<String, Vec<Choice>>,
    pub(crate) groups: Vec<Group>,
    pub(crate) items: Vec<Item>,
    pub(crate) warnings: Vec<Diagnostic>,
    #[serde(skip)]
    pub(crate) compiled: Vec<crate::validate::CompiledQuestion>,
    #[serde(skip)]
    pub(crate) compiled_groups: Vec<crate::validate::CompiledGroup>,
    #[serde(skip)]
    pub(crate) eval_order: Vec<usize>,
    #[serde(skip)]
    pub(crate) settings_row: usize,
}

impl Form {
    /// Reads `.xlsx`/`.xls`/`.ods` bytes into a validated form. `file_name` is used in
    /// messages and to derive the form id when the settings give none.
    pub fn from_workbook(bytes: &[u8], file_name: &str) -> Result<Form, FormError> {
        let wb = read::read_workbook(bytes, file_name).map_err(FormError::Unreadable)?;
        build(&wb, file_name)
    }

    /// `settings` `form_id`, else the file name without extension.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `settings` `version`.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// `settings` `display_title::LANGUAGE` (leernet's own) or `form_title` in `lang` (falls back like
    /// [`Text::get`]), else the id.
    pub fn title(&self, lang: &str) -> String {
        // leernet's own `display_title::LANGUAGE` first: pyxform (4.5) fails on a translated
        // `form_title`, and ignores this column
        if let Some((_, v)) = self.settings.iter().find(|(k, _)| {
            k.strip_prefix("display_title::")
                .is_some_and(|l| language_code(l).0 == lang)
        }) {
            return v.clone();
        }
        let t = self.title.get(lang);
        if t.is_empty() {
            self.id.clone()
        } else {
            t.to_string()
        }
    }

    /// Language codes in order of first appearance (`nl` from `label::Nederlands (nl)`;
    /// the name where the header gives no code).
    pub fn languages(&self) -> Vec<String> {
        self.languages.iter().map(|l| l.code.clone()).collect()
    }

    /// Languages with their names.
    pub fn language_names(&self) -> &[Language] {
        &self.languages
    }

    /// `settings` `default_language`, as a code.
    pub fn default_language(&self) -> Option<&str> {
        self.default_language.as_deref()
    }

    /// A `settings` value by (snake-cased) column name.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings.get(key).map(String::as_str)
    }

    /// A translatable `settings` value (such as the survey's `consent` text) in `lang`:
    /// `column::nl` or `column::Nederlands (nl)`, else the untranslated `column`.
    pub fn setting_in(&self, column: &str, lang: &str) -> Option<&str> {
        let prefix = format!("{column}::");
        self.settings
            .iter()
            .find(|(k, _)| {
                k.strip_prefix(&prefix)
                    .is_some_and(|l| language_code(l).0 == lang)
            })
            .map(|(_, v)| v.as_str())
            .or_else(|| self.setting(column))
    }

    /// What the respondent reads about the study before the first question (leernet's own
    /// `settings` columns, each translatable like `consent`): its purpose (`welcome`), who
    /// runs it (`organiser`), the estimated time (`duration`, minutes), the privacy
    /// statement (`privacy_url`) and whom to ask (`contact`); and the closing text after
    /// submitting (`thanks`). A value that cannot be shown (`instrument check` names it) is
    /// left out.
    pub fn respondent_texts(&self, lang: &str) -> RespondentTexts {
        let text = |c: &str| {
            self.setting_in(c, lang)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        RespondentTexts {
            welcome: text("welcome"),
            organiser: text("organiser"),
            minutes: text("duration").and_then(|d| respondent_minutes(&d)),
            privacy_url: text("privacy_url").and_then(|u| respondent_url(&u)),
            contact: text("contact"),
            thanks: text("thanks"),
        }
    }

    /// Questions in sheet order: answerable rows plus notes, calculations and metadata;
    /// not group or repeat boundaries.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.questions.iter()
    }

    /// Number of questions.
    pub fn question_count(&self) -> usize {
        self.questions.len()
    }

    /// A question by position in [`Form::questions`] (what [`Item::Question`] holds).
    pub fn question_at(&self, index: usize) -> Option<&Question> {
        self.questions.get(index)
    }

    /// Position of a question by name.
    pub fn question_index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// A question by name (the first, if a name is used in several groups).
    pub fn question(&self, name: &str) -> Option<&Question> {
        self.index.get(name).map(|&i| &self.questions[i])
    }

    /// The choices of a list, in sheet order.
    pub fn choices(&self, list: &str) -> Option<&[Choice]> {
        self.choices.get(list).map(Vec::as_slice)
    }

    /// The choice lists by name.
    pub fn choice_lists(&self) -> &BTreeMap<String, Vec<Choice>> {
        &self.choices
    }

    /// All groups and repeats, in the order they begin.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// A group or repeat by name.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The top level of the form's body.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The files that `select_*_from_file` questions name, in sheet order, once each.
    pub fn choice_files(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for q in &self.questions {
            if let QuestionKind::SelectOneFromFile { file }
            | QuestionKind::SelectMultipleFromFile { file } = &q.kind
            {
                if !out.contains(&file.as_str()) {
                    out.push(file);
                }
            }
        }
        out
    }

    /// Attaches a CSV choice list uploaded beside the form for `select_*_from_file FILE`:
    /// a header row with `name` and `label` (or `label::Language (code)`), other columns
    /// kept for `choice_filter`. Comma-separated, `"` quoting, UTF-8 (BOM allowed).
    /// Returns the number of choices; the error is one sentence naming file and row.
    pub fn attach_choices_csv(&mut self, file_name: &str, bytes: &[u8]) -> Result<usize, String> {
        let text =
            std::str::from_utf8(bytes).map_err(|_| format!("{file_name} is not UTF-8 text"))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let rows = parse_csv(text).map_err(|e| format!("{file_name}: {e}"))?;
        let mut it = rows.into_iter();
        let header: Vec<read::Header> = it
            .next()
            .ok_or_else(|| {
                format!("{file_name} is empty; it needs a header row with 'name' and 'label'")
            })?
            .iter()
            .enumerate()
            .map(|(i, h)| read::normalise_header(h, "choices", read::column_letter(i)))
            .collect();
        let name_col = header
            .iter()
            .position(|h| h.column == "name" && h.lang.is_none())
            .ok_or_else(|| format!("{file_name} has no 'name' column"))?;
        let mut out = Vec::new();
        for (k, cells) in it.enumerate() {
            let row = k + 2;
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let name = cells
                .get(name_col)
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            if name.is_empty() {
                return Err(format!("{file_name}, row {row}: the choice has no name"));
            }
            let mut label = Text {
                values: BTreeMap::new(),
                default: self.default_language.clone(),
            };
            let mut extra = BTreeMap::new();
            for (i, h) in header.iter().enumerate() {
                let v = cells
                    .get(i)
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default();
                if v.is_empty() || i == name_col {
                    continue;
                }
                if h.column == "label" {
                    label.values.insert(
                        h.lang
                            .as_deref()
                            .map(|l| language_code(l).0)
                            .unwrap_or_default(),
                        v,
                    );
                } else {
                    extra.insert(h.raw.clone(), v);
                }
            }
            out.push(Choice {
                name,
                label,
                media: BTreeMap::new(),
                extra,
                row,
            });
        }
        let n = out.len();
        self.choices.insert(file_name.to_string(), out);
        Ok(n)
    }

    /// Warnings found while reading (the form is still usable).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

/// Splits CSV text into rows of fields (RFC 4180: commas, `"` quoting, CRLF or LF).
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while let Some(c) = chars.next() {
        match c {
            '"' if field.is_empty() => loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(ch) => {
                        if ch == '\n' {
                            line += 1;
                        }
                        field.push(ch)
                    }
                    None => {
                        return Err(format!(
                            "a quoted field that starts on line {line} is not closed"
                        ))
                    }
                }
            },
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            ch => field.push(ch),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

/// Converts yes/no cells to `true()`/`false()`; other text is returned unchanged.
pub fn yes_no(cell: &str) -> &str {
    match cell.trim().to_lowercase().as_str() {
        "yes" | "true" | "true()" => "true()",
        "no" | "false" | "false()" => "false()",
        _ => cell,
    }
}

fn is_true(cell: &str) -> bool {
    yes_no(cell) == "true()"
}

/// Whether `name` is a valid XML name for a question, group or choice list (letters,
/// digits, `_`, `-`, `.`, `:`; starting with a letter or `_`), as pyxform accepts.
pub fn valid_name(name: &str) -> bool {
    let mut cs = name.chars();
    match cs.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    cs.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '\u{B7}'))
}

/// The cells of one row, by canonical column, with translations and the raw header.
struct RowView<'a> {
    sheet: &'a Sheet,
    row: &'a read::Row,
    clean: bool,
}

impl<'a> RowView<'a> {
    fn get(&self, column: &str) -> Option<String> {
        let i = self.sheet.col(column)?;
        let v = self.row.cells.get(i)?;
        let v = self.clean_value(v);
        (!v.is_empty()).then_some(v)
    }

    fn clean_value(&self, v: &str) -> String {
        let v = read::straighten_quotes(v);
        if self.clean {
            read::collapse_whitespace(&v)
        } else {
            v.trim().to_string()
        }
    }

    fn header_name(&self, column: &str) -> String {
        self.sheet
            .col(column)
            .map(|i| self.sheet.headers[i].raw.clone())
            .unwrap_or_else(|| column.to_string())
    }

    fn text(&self, column: &str, default: &Option<String>) -> Text {
        let mut values = BTreeMap::new();
        for (i, h) in self.sheet.headers.iter().enumerate() {
            if h.column != column {
                continue;
            }
            let v = self
                .row
                .cells
                .get(i)
                .map(|v| self.clean_value(v))
                .unwrap_or_default();
            if v.is_empty() {
                continue;
            }
            let key = h
                .lang
                .as_deref()
                .map(|l| language_code(l).0)
                .unwrap_or_default();
            values.entry(key).or_insert(v);
        }
        Text {
            values,
            default: default.clone(),
        }
    }

    fn extra(&self, known: &[&str]) -> BTreeMap<String, String> {
        self.extra_keyed(known, false)
    }

    /// [`Row::extra`], keyed by the column as written when `as_written` (the choices sheet:
    /// a `choice_filter` names its columns case-sensitively, as the XForm's itemset does).
    fn extra_keyed(&self, known: &[&str], as_written: bool) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (i, h) in self.sheet.headers.iter().enumerate() {
            if h.raw.is_empty()
                || known.contains(&h.column.as_str())
                || read::TRANSLATABLE.contains(&h.column.as_str())
            {
                continue;
            }
            let v = self
                .row
                .cells
                .get(i)
                .map(|v| self.clean_value(v))
                .unwrap_or_default();
            if !v.is_empty() {
                let key = match &h.lang {
                    Some(l) => format!("{}::{l}", h.column),
                    None if as_written => h.raw.clone(),
                    None => h.column.clone(),
                };
                out.entry(key).or_insert(v);
            }
        }
        out
    }
}

const SURVEY_KNOWN: &[&str] = &[
    "type",
    "name",
    "label",
    "hint",
    "guidance_hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
    "default",
    "appearance",
    "choice_filter",
    "read_only",
    "trigger",
    "parameters",
    "repeat_count",
];

fn media_of(v: &RowView<'_>, default: &Option<String>) -> BTreeMap<String, Text> {
    let mut m = BTreeMap::new();
    for key in ["image", "big-image", "audio", "video"] {
        let t = v.text(&format!("media::{key}"), default);
        if !t.is_empty() {
            m.insert(key.to_string(), t);
        }
    }
    m
}

/// Splits `parameters` (`start=1 end=5 step=1`, also `;` or `,` separated).
pub fn parse_parameters(cell: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let normal = cell.replace([';', ','], " ");
    let normal = normal.replace(" =", "=").replace("= ", "=");
    for part in normal.split_whitespace() {
        let Some((k, v)) = part.split_once('=') else {
            return Err(format!("'{part}' is not a key=value pair"));
        };
        out.insert(k.trim().to_lowercase(), v.trim().to_string());
    }
    Ok(out)
}

/// How deep groups and repeats may be nested (`begin_group` inside `begin_group` ...).
/// Forms seldom go beyond five; every level adds to each question's path.
pub const MAX_NESTING_DEPTH: usize = 32;

struct Open {
    group: usize,
    repeat: bool,
}

/// What the settings sheet says. It is read first: it changes how other cells are read.
struct SettingsSheet {
    settings: BTreeMap<String, String>,
    title: Text,
    row: usize,
    clean: bool,
    allow_dup_choices: bool,
    default_language: Option<String>,
}

fn build(wb: &read::Workbook, file_name: &str) -> Result<Form, FormError> {
    let mut diags: Vec<Diagnostic> = Vec::new();

    // settings first: they change how other cells are read
    let SettingsSheet {
        settings,
        title: settings_title,
        row: settings_row,
        clean,
        allow_dup_choices,
        default_language,
    } = read_settings(wb);

    let Some(survey) = wb.sheets.get("survey") else {
        return Err(no_survey_sheet(wb));
    };
    check_sheet_names(wb, &mut diags);

    // languages, in order of appearance
    let languages = languages_of(wb);

    // duplicate headers
    check_duplicate_headers(wb, &mut diags);

    if survey.col("type").is_none() {
        diags.push(Diagnostic::error(&survey.name, Some(survey.header_row.max(1)), None,
            "The 'survey' sheet has no 'type' column; its first row must name the columns, including 'type' and 'name'."));
    }

    // choices
    let choices = read_choices(wb, clean, allow_dup_choices, &default_language, &mut diags);

    // the survey's rows: questions, groups and repeats
    let (questions, groups, top) = read_survey(
        wb,
        survey,
        &settings,
        clean,
        &default_language,
        &choices,
        &mut diags,
    )?;

    // translations missing for some languages (warning)
    check_translations(wb, &languages, &default_language, &mut diags);

    let mut index = HashMap::default();
    for (i, q) in questions.iter().enumerate() {
        index.entry(q.name.clone()).or_insert(i);
    }
    let id = settings
        .get("form_id")
        .cloned()
        .unwrap_or_else(|| file_stem(file_name));
    let form = Form {
        id,
        version: settings.get("version").cloned(),
        title: settings_title,
        languages,
        default_language,
        settings,
        questions,
        index,
        choices,
        groups,
        items: top,
        warnings: Vec::new(),
        compiled: Vec::new(),
        compiled_groups: Vec::new(),
        eval_order: Vec::new(),
        settings_row,
    };
    // expression checks (syntax, references, cycles) live with the expression engine
    let mut form = form;
    let (cq, cg, order) = crate::validate::compile(&form, &mut diags);
    check_instance_names(&form, &mut diags);
    check_entity_references(wb, &form, &mut diags);
    form.eval_order = order;
    form.compiled = cq;
    form.compiled_groups = cg;
    if diags.iter().any(|d| d.severity == Severity::Error) {
        diags.sort_by_key(|d| (d.severity, sheet_rank(&d.sheet), d.row));
        return Err(FormError::Invalid(diags));
    }
    form.warnings = diags;
    Ok(form)
}

/// The `entities` sheet (ODK's entity lists: `list_name`, `label`, `entity_id`,
/// `create_if`, `update_if`): every `${name}` it holds must be a question of the survey
/// sheet, as pyxform says. leernet stores no entities; it checks the sheet so that a form
/// it accepts is one ODK Central accepts too.
fn check_entity_references(wb: &read::Workbook, form: &Form, diags: &mut Vec<Diagnostic>) {
    let Some(sheet) = wb.sheets.get("entities") else {
        return;
    };
    for r in &sheet.rows {
        for (h, cell) in sheet.headers.iter().zip(&r.cells) {
            for (_, name) in crate::validate::references(cell) {
                match name {
                    Ok("") => {}
                    Ok(name) if form.question(name).is_some() => {}
                    Ok(name) => diags.push(Diagnostic::error(&sheet.name, Some(r.number), Some(&h.raw), format!(
                        "On the 'entities' sheet, the '{}' value is invalid. Reference variables must contain a name from the 'survey' sheet. Could not find the name '{name}'.",
                        h.raw
                    ))),
                    Err(()) => diags.push(Diagnostic::error(&sheet.name, Some(r.number), Some(&h.raw), format!(
                        "On the 'entities' sheet, the '{}' value is invalid. {}.",
                        h.raw,
                        crate::validate::BAD_REFERENCE
                    ))),
                }
            }
        }
    }
}

/// The secondary instances a form's XForm would hold must not share a name with different
/// sources (pyxform's rule): a `select_one_from_file place.geojson` and a choice list named
/// `place` would both be the instance `place`. Sources: a file of `select_*_from_file` (named
/// after the file without its extension), an `xml-external`/`csv-external` question (named
/// after the question), a `pulldata('name', …)` (a CSV), and each choice list a select uses
/// (not one a `search()` appearance uses).
fn check_instance_names(form: &Form, diags: &mut Vec<Diagnostic>) {
    // name -> (source, row that made it)
    let mut seen: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut add = |name: String, src: String, row: usize, diags: &mut Vec<Diagnostic>| {
        match seen.get(&name) {
            Some((prior, prior_row)) if *prior != src => diags.push(Diagnostic::error(
                "survey",
                Some(row),
                Some("type"),
                format!(
                    "The same instance id '{name}' would be made for two different sources ({prior}, row {prior_row}; and {src}); rename the list or the file."
                ),
            )),
            Some(_) => {}
            None => {
                seen.insert(name, (src, row));
            }
        }
    };
    let mut search_lists = Vec::new();
    for q in &form.questions {
        match &q.kind {
            QuestionKind::SelectOneFromFile { file }
            | QuestionKind::SelectMultipleFromFile { file } => {
                let stem = file.rsplit_once('.').map(|(s, _)| s).unwrap_or(file);
                add(stem.to_owned(), format!("the file {file}"), q.row, diags);
            }
            QuestionKind::Media(crate::kind::Media::External) => {
                add(
                    q.name.clone(),
                    format!("the external file of '{}'", q.name),
                    q.row,
                    diags,
                );
            }
            _ => {}
        }
        if q.appearance
            .as_deref()
            .is_some_and(|a| a.contains("search("))
        {
            search_lists.extend(q.kind.choice_source().map(str::to_owned));
        }
        for text in [&q.calculation, &q.relevant, &q.constraint, &q.default]
            .into_iter()
            .flatten()
        {
            let mut rest = text.as_str();
            while let Some(p) = rest.find("pulldata(") {
                rest = &rest[p + "pulldata(".len()..];
                let arg = rest.trim_start();
                if let Some(q1 @ ('\'' | '"')) = arg.chars().next() {
                    if let Some(end) = arg[1..].find(q1) {
                        let name = &arg[1..1 + end];
                        add(
                            name.to_owned(),
                            format!("the CSV file {name}.csv"),
                            q.row,
                            diags,
                        );
                    }
                }
            }
        }
    }
    for q in &form.questions {
        if let Some(list) = q.kind.choice_source() {
            if form.choices.contains_key(list) && !search_lists.iter().any(|l| l == list) {
                add(
                    list.to_owned(),
                    format!("the choice list '{list}'"),
                    q.row,
                    diags,
                );
            }
        }
    }
}

/// The settings sheet's first row, by column (`column::language` for a translated one).
fn read_settings(wb: &read::Workbook) -> SettingsSheet {
    let mut settings = BTreeMap::new();
    let mut settings_title = Text::default();
    let mut settings_row = 2;
    if let Some(s) = wb.sheets.get("settings") {
        if let Some(r) = s.rows.first() {
            settings_row = r.number;
            for (i, h) in s.headers.iter().enumerate() {
                let v = r.cells.get(i).cloned().unwrap_or_default();
                if v.is_empty() || h.raw.is_empty() {
                    continue;
                }
                let v = read::straighten_quotes(&v);
                if h.column == "form_title" {
                    let key = h
                        .lang
                        .as_deref()
                        .map(|l| language_code(l).0)
                        .unwrap_or_default();
                    settings_title.values.insert(key, v.clone());
                }
                let key = match &h.lang {
                    Some(l) => format!("{}::{l}", h.column),
                    None => h.column.clone(),
                };
                settings.insert(key, v);
            }
        }
    }
    let clean = settings
        .get("clean_text_values")
        .map(|v| !matches!(yes_no(v), "false()"))
        .unwrap_or(true);
    let allow_dup_choices = settings
        .get("allow_choice_duplicates")
        .map(|v| is_true(v))
        .unwrap_or(false);
    let default_language = settings.get("default_language").map(|l| language_code(l).0);
    settings_title.default = default_language.clone();
    SettingsSheet {
        settings,
        title: settings_title,
        row: settings_row,
        clean,
        allow_dup_choices,
        default_language,
    }
}

/// The error of a workbook without a 'survey' sheet (naming a sheet that looks like it).
fn no_survey_sheet(wb: &read::Workbook) -> FormError {
    let mut d = vec![Diagnostic::error(
        "survey",
        None,
        None,
        "You must have a sheet named 'survey'; add it with at least the columns 'type', 'name' and 'label'.",
    )];
    if let Some(near) = wb.all_names.iter().find(|n| similar(n, "survey")) {
        d[0].message = format!(
            "{} The sheet '{near}' looks like a misspelling of 'survey'.",
            d[0].message
        );
    }
    FormError::Invalid(d)
}

/// Warns of a sheet whose name looks like a misspelt 'survey', 'choices' or 'settings'.
fn check_sheet_names(wb: &read::Workbook, diags: &mut Vec<Diagnostic>) {
    for n in &wb.all_names {
        let l = n.trim().to_lowercase();
        for want in ["survey", "choices", "settings"] {
            if l != want && similar(&l, want) && !wb.sheets.contains_key(want) {
                diags.push(Diagnostic::warning(
                    n,
                    None,
                    None,
                    format!("The sheet '{n}' is ignored; did you mean '{want}'?"),
                ));
            }
        }
    }
}

/// The languages of the survey and choices sheets' columns, in order of appearance.
fn languages_of(wb: &read::Workbook) -> Vec<Language> {
    let mut languages: Vec<Language> = Vec::new();
    for sheet in [wb.sheets.get("survey"), wb.sheets.get("choices")]
        .into_iter()
        .flatten()
    {
        for h in &sheet.headers {
            if let Some(l) = &h.lang {
                if h.column.starts_with("bind::") || h.column.starts_with("body::") {
                    continue;
                }
                let (code, name) = language_code(l);
                if !languages.iter().any(|x| x.code == code) {
                    languages.push(Language { code, name });
                }
            }
        }
    }
    languages
}

/// Refuses a column header that a sheet has twice.
fn check_duplicate_headers(wb: &read::Workbook, diags: &mut Vec<Diagnostic>) {
    for sheet in wb.sheets.values() {
        let mut seen: HashMap<(String, Option<String>), &str> = HashMap::new();
        for h in &sheet.headers {
            if h.raw.is_empty() {
                continue;
            }
            let key = (
                h.column.clone(),
                h.lang.as_deref().map(|l| language_code(l).0),
            );
            if let Some(first) = seen.insert(key, &h.raw) {
                diags.push(Diagnostic::error(&sheet.name, Some(sheet.header_row), Some(&h.raw), format!(
                    "Duplicate column header '{}' (also '{first}'); remove one of the two columns.", h.raw
                )));
            }
        }
    }
}

/// The choice lists of the choices sheet, by list name.
fn read_choices(
    wb: &read::Workbook,
    clean: bool,
    allow_dup_choices: bool,
    default_language: &Option<String>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Vec<Choice>> {
    let mut choices: BTreeMap<String, Vec<Choice>> = BTreeMap::new();
    let mut choice_rows: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(cs) = wb.sheets.get("choices") {
        let has_list = cs.col("list_name").is_some();
        if !has_list && !cs.rows.is_empty() {
            diags.push(Diagnostic::error(&cs.name, Some(cs.header_row), None,
                "The 'choices' sheet has no 'list_name' column; name the columns 'list_name', 'name' and 'label'."));
        }
        for r in &cs.rows {
            let v = RowView {
                sheet: cs,
                row: r,
                clean,
            };
            let list = v.get("list_name");
            let name = v.get("name");
            let Some(list) = list else {
                // pyxform leaves such a row out; so does leernet, and says so.
                if name.is_some() || !v.text("label", &None).is_empty() {
                    diags.push(Diagnostic::warning(
                        &cs.name,
                        Some(r.number),
                        Some(&v.header_name("list_name")),
                        "This row of the choices sheet has no list name, so no question can use it; it is left out. Fill in 'list_name' if it is a choice.",
                    ));
                }
                continue;
            };
            choice_rows.entry(list.clone()).or_insert(r.number);
            let Some(name) = name else {
                diags.push(Diagnostic::error(&cs.name, Some(r.number), Some(&v.header_name("name")), format!(
                    "On the 'choices' sheet, the 'name' value is invalid. Choices must have a name; give this choice of list '{list}' a name."
                )));
                continue;
            };
            let label = v.text("label", default_language);
            if label.is_empty() && media_of(&v, default_language).is_empty() {
                diags.push(Diagnostic::warning(&cs.name, Some(r.number), Some(&v.header_name("label")), format!(
                    "On the 'choices' sheet, the 'label' value is invalid. Choices should have a label: '{name}' of list '{list}' has none, so respondents see its name."
                )));
            }
            let entry = choices.entry(list.clone()).or_default();
            if !allow_dup_choices && entry.iter().any(|c| c.name == name) {
                diags.push(Diagnostic::error(&cs.name, Some(r.number), Some(&v.header_name("name")), format!(
                    "On the 'choices' sheet, the 'name' value is invalid. Choice names must be unique for each choice list: '{name}' is used more than once in list '{list}'. If this is intentional, use the setting 'allow_choice_duplicates'."
                )));
            }
            entry.push(Choice {
                name,
                label,
                media: media_of(&v, default_language),
                extra: v.extra_keyed(&["list_name", "name", "label"], true),
                row: r.number,
            });
        }
    }
    choices
}

/// The survey sheet's questions, groups and the items at its top level.
type SurveyItems = (Vec<Question>, Vec<Group>, Vec<Item>);

/// The survey sheet's questions, groups and repeats, and the items at its top level; `Err`
/// with every diagnostic so far when groups are nested too deep to go on.
fn read_survey(
    wb: &read::Workbook,
    survey: &read::Sheet,
    settings: &BTreeMap<String, String>,
    clean: bool,
    default_language: &Option<String>,
    choices: &BTreeMap<String, Vec<Choice>>,
    diags: &mut Vec<Diagnostic>,
) -> Result<SurveyItems, FormError> {
    // `begin loop over LIST` … `end loop`, unrolled into groups first (loops.rs)
    let unrolled = crate::loops::unroll(survey, choices, default_language, diags);
    let survey = unrolled.as_ref().unwrap_or(survey);
    let mut questions: Vec<Question> = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut top: Vec<Item> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    // sibling names per parent (None = root)
    let mut siblings: HashMap<Option<usize>, HashMap<String, usize>> = HashMap::new();

    for r in &survey.rows {
        let v = RowView {
            sheet: survey,
            row: r,
            clean,
        };
        let type_cell = v.get("type");
        let name = v.get("name");
        let label = v.text("label", default_language);
        let Some(type_cell) = type_cell else {
            if name.is_some() || !label.is_empty() {
                diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("type")),
                    "Question with no type; fill in the 'type' column (for example text, integer or select_one LIST)."));
            }
            continue;
        };
        let parsed = match parse_type(&type_cell) {
            Ok(t) => t,
            Err(TypeError::Unknown(t)) => {
                diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("type")), format!(
                    "Unknown question type '{t}'; use one of the XLSForm types such as text, integer, decimal, select_one LIST, select_multiple LIST, date or note."
                )));
                continue;
            }
            Err(TypeError::MissingList(t)) => {
                diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("type")), format!(
                    "The type '{t}' needs the name of a choice list after it, for example '{t} yes_no'."
                )));
                continue;
            }
        };
        let parent = stack.last().map(|o| o.group);
        match parsed {
            RowType::EndGroup | RowType::EndRepeat => {
                let want_repeat = matches!(parsed, RowType::EndRepeat);
                let word = if want_repeat { "repeat" } else { "group" };
                match stack.last() {
                    None => diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("type")), format!(
                        "Unmatched 'end_{word}'. No matching 'begin_{word}' was found; remove this row or add a 'begin_{word}' above it."
                    ))),
                    Some(o) if o.repeat != want_repeat => {
                        let open = if o.repeat { "repeat" } else { "group" };
                        diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("type")), format!(
                            "Unmatched 'end_{word}'. The open '{}' (row {}) is a {open}, so it must be closed with 'end_{open}' first.",
                            groups[o.group].name, groups[o.group].row
                        )));
                        let o = stack.pop().expect("non-empty");
                        groups[o.group].end_row = r.number;
                    }
                    Some(_) => {
                        let o = stack.pop().expect("non-empty");
                        groups[o.group].end_row = r.number;
                    }
                }
                continue;
            }
            _ => {}
        }
        // every other row needs a valid, unique name (an audit is always named 'audit')
        let name_col = v.header_name("name");
        let is_audit = matches!(
            parsed,
            RowType::Question(QuestionKind::Metadata(crate::kind::Metadata::Audit))
        );
        if is_audit && name.as_deref().is_some_and(|n| n != "audit") {
            diags.push(Diagnostic::error(
                &survey.name,
                Some(r.number),
                Some(&name_col),
                "Audits must always be named 'audit.' The name column should be left blank.",
            ));
            continue;
        }
        let name = if is_audit {
            Some("audit".to_string())
        } else {
            name
        };
        let name = match name {
            Some(n) => n,
            // A note needs no name: pyxform names it after its row, and so does leernet.
            None if matches!(parsed, RowType::Question(QuestionKind::Note)) => {
                format!("generated_note_name_{}", r.number)
            }
            None => {
                diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&name_col),
                    "Question or group with no name; fill in the 'name' column with a short variable name such as 'age'."));
                continue;
            }
        };
        if name == "meta" {
            diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&name_col),
                "On the 'survey' sheet, the 'name' value 'meta' is invalid. The name 'meta' is reserved for form metadata."));
        } else if !valid_name(&name) {
            diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&name_col), format!(
                "On the 'survey' sheet, the 'name' value is invalid. The name '{name}' must begin with a letter or underscore and contain only letters, digits, '-', '_' and '.'."
            )));
        }
        let sib = siblings.entry(parent).or_default();
        if let Some(first) = sib.get(&name) {
            diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&name_col), format!(
                "On the 'survey' sheet, the 'name' value is invalid. Questions and groups must have a unique name: '{name}' is already used on row {first}."
            )));
        } else {
            if let Some((other, row)) = sib
                .iter()
                .find(|(k, _)| k.to_lowercase() == name.to_lowercase())
            {
                diags.push(Diagnostic::warning(&survey.name, Some(r.number), Some(&name_col), format!(
                    "On the 'survey' sheet, the 'name' value '{name}' is problematic. The name is a case-insensitive match to '{other}' on row {row}; some tools (SPSS, Excel) will not tell them apart."
                )));
            }
            sib.insert(name.clone(), r.number);
        }
        let group_path: Vec<String> = stack.iter().map(|o| groups[o.group].name.clone()).collect();
        let repeat = stack
            .iter()
            .rev()
            .find(|o| o.repeat)
            .map(|o| groups[o.group].name.clone());
        let push_item = |item: Item, groups: &mut Vec<Group>, top: &mut Vec<Item>| match parent {
            Some(p) => groups[p].items.push(item),
            None => top.push(item),
        };
        let required = v
            .get("required")
            .map(|c| yes_no(&c).to_string())
            .filter(|c| c != "false()");
        let read_only = v
            .get("read_only")
            .map(|c| yes_no(&c).to_string())
            .filter(|c| c != "false()");
        match parsed {
            RowType::BeginGroup | RowType::BeginRepeat => {
                let is_repeat = matches!(parsed, RowType::BeginRepeat);
                if stack.len() >= MAX_NESTING_DEPTH {
                    // every group carries its path: deeper nesting costs memory in its square
                    diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("type")), format!(
                        "Groups and repeats are nested more than {MAX_NESTING_DEPTH} deep here, the limit for a form; close some of them with 'end_group' or 'end_repeat' first."
                    )));
                    return Err(FormError::Invalid(std::mem::take(diags)));
                }
                let repeat_count = v.get("repeat_count");
                if !is_repeat && repeat_count.is_some() {
                    diags.push(Diagnostic::warning(
                        &survey.name,
                        Some(r.number),
                        Some(&v.header_name("repeat_count")),
                        "'repeat_count' only applies to repeats; it is ignored on a group.",
                    ));
                }
                if is_repeat && label.is_empty() {
                    diags.push(Diagnostic::warning(&survey.name, Some(r.number), Some(&v.header_name("label")), format!(
                        "Repeat has no label: '{name}'; add a label so respondents know what they add."
                    )));
                }
                if is_repeat {
                    let root = settings.get("name").map(String::as_str).unwrap_or("data");
                    if name == root {
                        diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&name_col), format!(
                            "On the 'survey' sheet, the 'name' value '{name}' is invalid. Repeat names must not be the same as the survey root (which defaults to 'data')."
                        )));
                    }
                    if let Some(first) = groups.iter().find(|g| g.repeat && g.name == name) {
                        diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&name_col), format!(
                            "On the 'survey' sheet, the 'name' value '{name}' is invalid. Repeat names must be unique anywhere in the survey, at all levels of group or repeat nesting; '{name}' is already a repeat on row {}.",
                            first.row
                        )));
                    }
                }
                let mut path = group_path.clone();
                path.push(name.clone());
                let gi = groups.len();
                groups.push(Group {
                    name,
                    repeat: is_repeat,
                    label,
                    hint: v.text("hint", default_language),
                    relevant: v.get("relevant"),
                    appearance: v.get("appearance"),
                    repeat_count: if is_repeat { repeat_count } else { None },
                    path,
                    items: Vec::new(),
                    row: r.number,
                    end_row: 0,
                    extra: v.extra(SURVEY_KNOWN),
                });
                push_item(Item::Group(gi), &mut groups, &mut top);
                stack.push(Open {
                    group: gi,
                    repeat: is_repeat,
                });
            }
            RowType::Question(mut kind) => {
                let mut parameters = BTreeMap::new();
                if let Some(p) = v.get("parameters") {
                    match parse_parameters(&p) {
                        Ok(m) => parameters = m,
                        Err(e) => diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("parameters")), format!(
                            "On the 'survey' sheet, the 'parameters' value is invalid: {e}; write it as 'start=1 end=5 step=1'."
                        ))),
                    }
                }
                if let Some(accepted) = crate::kind::accepted_parameters(&kind) {
                    let bad: Vec<&str> = parameters
                        .keys()
                        .map(String::as_str)
                        .filter(|k| !accepted.contains(k))
                        .collect();
                    if !bad.is_empty() {
                        diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("parameters")), format!(
                            "On the 'survey' sheet, the 'parameters' value is invalid. The accepted parameter keys for this question type are '{}'. The following are invalid parameter key(s): '{}'.",
                            accepted.join(", "),
                            bad.join(", ")
                        )));
                    }
                    if let Some(app) = parameters.get("app") {
                        if !app.contains('.') {
                            diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("parameters")), format!(
                                "Parameter 'app' has an invalid Android package name - the package name must have at least one '.' separator ('{app}')."
                            )));
                        }
                    }
                }
                if let QuestionKind::SelectOneFromFile { file }
                | QuestionKind::SelectMultipleFromFile { file } = &kind
                {
                    if !type_cell.contains("_external")
                        && ![".csv", ".xml", ".geojson"]
                            .iter()
                            .any(|e| file.ends_with(e))
                    {
                        diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("type")), format!(
                            "File name for '{type_cell}' should end with one of the supported file extensions: '.csv', '.xml', '.geojson'."
                        )));
                    }
                }
                for key in ["capture-accuracy", "warning-accuracy"] {
                    if let Some(val) = parameters.get(key) {
                        if val.parse::<f64>().is_err() {
                            diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("parameters")), format!(
                                "On the 'survey' sheet, the 'parameters' value is invalid. The '{key}' parameter must have a numeric value, not '{val}'."
                            )));
                        }
                    }
                }
                if let Some(val) = parameters.get("allow-mock-accuracy") {
                    if !matches!(val.as_str(), "true" | "false") {
                        diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("parameters")), format!(
                            "On the 'survey' sheet, the 'parameters' value is invalid. The 'allow-mock-accuracy' parameter must be either 'true' or 'false', not '{val}'."
                        )));
                    }
                }
                if let QuestionKind::Range { start, end, step } = &mut kind {
                    for (key, slot) in [
                        ("start", &mut *start),
                        ("end", &mut *end),
                        ("step", &mut *step),
                    ] {
                        if let Some(val) = parameters.get(key) {
                            match val.parse::<f64>() {
                                Ok(x) if x.is_finite() => *slot = x,
                                _ => diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("parameters")), format!(
                                    "On the 'survey' sheet, the 'parameters' value is invalid. The range parameter '{key}' must be a number, not '{val}'."
                                ))),
                            }
                        }
                    }
                    if *step == 0.0 {
                        diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("parameters")),
                            "On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' question type, the parameter 'step' must not be '0' (zero)."));
                    } else if step.abs() > (*end - *start).abs() {
                        diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("parameters")), format!(
                            "On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' question type, the parameter 'step' must not be larger than the range (the difference between 'start' ({start}) and 'end' ({end}))."
                        )));
                    }
                }
                if let Some(list) = kind.list() {
                    match choices.get(list) {
                        Some(cs) if !cs.is_empty() => {
                            if kind.is_multiple() {
                                for c in cs.iter().filter(|c| c.name.contains(char::is_whitespace)) {
                                    diags.push(Diagnostic::error("choices", Some(c.row), Some("name"), format!(
                                        "On the 'choices' sheet, the 'name' value is invalid. Choice names of list '{list}' must not contain spaces, because '{}' (row {}) selects several of them; '{}' has a space.",
                                        name, r.number, c.name
                                    )));
                                }
                            }
                        }
                        _ => diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("type")), format!(
                            "List name not in choices sheet: {list}; add choices with list_name '{list}' to the 'choices' sheet."
                        ))),
                    }
                }
                if type_cell.to_lowercase().contains("_external")
                    && !wb.sheets.contains_key("external_choices")
                {
                    diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("type")),
                        "There should be an external_choices sheet in this xlsform. Please ensure that the external_choices sheet has columns 'list name', and 'name'."));
                }
                let calculation = v.get("calculation");
                if matches!(kind, QuestionKind::Calculate) && calculation.is_none() {
                    diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("calculation")), format!(
                        "Missing calculation for '{name}'; a calculate row needs an expression in the 'calculation' column."
                    )));
                }
                let hint = v.text("hint", default_language);
                let media = media_of(&v, default_language);
                let label_free = matches!(
                    kind,
                    QuestionKind::Calculate
                        | QuestionKind::Hidden
                        | QuestionKind::Metadata(_)
                        | QuestionKind::Media(
                            crate::kind::Media::BackgroundAudio | crate::kind::Media::External
                        )
                ) || (matches!(kind, QuestionKind::Note) && calculation.is_some());
                if label.is_empty() && hint.is_empty() && media.is_empty() && !label_free {
                    diags.push(Diagnostic::error(&survey.name, Some(r.number), Some(&v.header_name("label")), format!(
                        "The survey element named '{name}' has no label or hint; give it a label (in at least one language) so respondents know what to answer."
                    )));
                }
                if matches!(
                    kind,
                    QuestionKind::Metadata(
                        crate::kind::Metadata::SubscriberId | crate::kind::Metadata::SimSerial
                    )
                ) {
                    diags.push(Diagnostic::warning(&survey.name, Some(r.number), Some(&v.header_name("type")), format!(
                        "{type_cell} is no longer supported on most devices; it is stored but will usually be empty."
                    )));
                }
                let qi = questions.len();
                questions.push(Question {
                    name,
                    kind,
                    type_text: type_cell.clone(),
                    label,
                    hint,
                    guidance_hint: v.text("guidance_hint", default_language),
                    required,
                    required_message: v.text("required_message", default_language),
                    relevant: v.get("relevant"),
                    constraint: v.get("constraint").or_else(|| {
                        // pyxform's typed integers carry their range as a constraint
                        match type_cell
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .as_str()
                        {
                            "percentage" => Some("0 <= . and . <= 100".to_owned()),
                            "number of days in last month" => Some("0 <= . and . <= 31".to_owned()),
                            "number of days in last six months" => {
                                Some("0 <= . and . <= 183".to_owned())
                            }
                            "number of days in last year" => Some("0 <= . and . <= 365".to_owned()),
                            _ => None,
                        }
                    }),
                    constraint_message: v.text("constraint_message", default_language),
                    calculation,
                    default: v.get("default"),
                    appearance: v.get("appearance"),
                    choice_filter: v.get("choice_filter"),
                    read_only,
                    trigger: v.get("trigger"),
                    parameters,
                    media,
                    group_path,
                    repeat,
                    row: r.number,
                    extra: v.extra(SURVEY_KNOWN),
                });
                push_item(Item::Question(qi), &mut groups, &mut top);
            }
            RowType::EndGroup | RowType::EndRepeat => unreachable!("handled above"),
        }
    }
    for o in stack.iter().rev() {
        let g = &groups[o.group];
        let word = if o.repeat { "repeat" } else { "group" };
        diags.push(Diagnostic::error(&survey.name, Some(g.row), Some("type"), format!(
            "Unmatched 'begin_{word}'. No matching 'end_{word}' was found for '{}'; add an 'end_{word}' row where it ends.",
            g.name
        )));
    }
    Ok((questions, groups, top))
}

/// Warns of a translatable column that lacks a translation for one of the form's languages.
fn check_translations(
    wb: &read::Workbook,
    languages: &[Language],
    default_language: &Option<String>,
    diags: &mut Vec<Diagnostic>,
) {
    if languages.len() > 1 || (languages.len() == 1 && default_language.is_none()) {
        for sheet in [wb.sheets.get("survey"), wb.sheets.get("choices")]
            .into_iter()
            .flatten()
        {
            let mut cols: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for h in &sheet.headers {
                if let Some(l) = &h.lang {
                    if read::TRANSLATABLE.contains(&h.column.as_str()) {
                        cols.entry(h.column.as_str())
                            .or_default()
                            .push(language_code(l).0);
                    }
                }
            }
            for (col, have) in cols {
                let missing: Vec<&str> = languages
                    .iter()
                    .map(|l| l.code.as_str())
                    .filter(|c| !have.iter().any(|h| h == c))
                    .collect();
                if !missing.is_empty() {
                    diags.push(Diagnostic::warning(&sheet.name, Some(sheet.header_row), Some(col), format!(
                        "The column '{col}' has no translation for {}; add '{col}::<language>' column(s) or the default text is shown.",
                        missing.iter().map(|m| format!("'{m}'")).collect::<Vec<_>>().join(", ")
                    )));
                }
            }
        }
    }
}

fn sheet_rank(s: &str) -> u8 {
    match s.to_lowercase().as_str() {
        "survey" => 0,
        "choices" => 1,
        "settings" => 2,
        _ => 3,
    }
}

fn file_stem(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rfind('.') {
        Some(i) if i > 0 => base[..i].to_string(),
        _ => base.to_string(),
    }
}

fn similar(a: &str, b: &str) -> bool {
    let a = a.trim().to_lowercase();
    a != b && (a.len() as isize - b.len() as isize).abs() <= 2 && edit_distance(&a, b) <= 2
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// See [`Form::respondent_texts`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RespondentTexts {
    pub welcome: Option<String>,
    pub organiser: Option<String>,
    /// 1 to 600.
    pub minutes: Option<u16>,
    /// An `https://` or `http://` address without spaces or quotes.
    pub privacy_url: Option<String>,
    pub contact: Option<String>,
    pub thanks: Option<String>,
}

impl RespondentTexts {
    /// Whether there is anything to show before the first question.
    pub fn has_intro(&self) -> bool {
        self.welcome.is_some()
            || self.organiser.is_some()
            || self.minutes.is_some()
            || self.privacy_url.is_some()
            || self.contact.is_some()
    }
}

/// A `duration` setting as minutes (1 to 600).
pub(crate) fn respondent_minutes(value: &str) -> Option<u16> {
    value
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|m| (1..=600).contains(m))
}

/// A `privacy_url` setting as a link a page may carry: `https://` or `http://`, at most 2,000
/// characters, nothing that could leave an attribute.
pub(crate) fn respondent_url(value: &str) -> Option<String> {
    let v = value.trim();
    let scheme = v.starts_with("https://") || v.starts_with("http://");
    let clean = !v
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`'));
    (scheme && clean && v.len() > "https://".len() && v.chars().count() <= 2_000)
        .then(|| v.to_owned())
}
