//! The entities of a study, as the store hands them out and the analysis reads them.
//!
//! Text that exists in two languages is a [`Bilingual`]; answers are the raw XLSForm values
//! as text (a select_multiple is its choice names separated by spaces), exactly as ODK and
//! KoboToolbox store them, so that the XLSForm engine stays the one authority on meaning.

use crate::ids::*;
use crate::values::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Text in Dutch and English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bilingual {
    /// Dutch.
    pub nl: String,
    /// English.
    pub en: String,
}

impl Bilingual {
    /// The text in `lang`, falling back to the other language when empty.
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Nl => (&self.nl, &self.en),
            Lang::En => (&self.en, &self.nl),
        };
        if first.is_empty() {
            second
        } else {
            first
        }
    }
}

/// A Werkplaats Sociaal Domein: a regional partnership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workplace {
    pub id: WorkplaceId,
    pub slug: Slug,
    pub name: String,
    pub region: String,
}

/// A learning network (*lerend netwerk*); belongs to one Werkplaats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    pub id: NetworkId,
    pub slug: Slug,
    pub name: String,
    pub workplace: WorkplaceId,
}

/// A person known to leernet, with one role and the networks that role applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    /// For facilitators and members: their networks.
    pub networks: Vec<NetworkId>,
}

/// One stored version of an XLSForm questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    pub id: InstrumentId,
    /// The form's `form_id`.
    pub form_id: String,
    /// The form's `version` (empty when the form has none).
    pub version: String,
    pub title: Bilingual,
    pub file_name: String,
    /// The workbook as uploaded: the XLSForm engine reads it again when needed.
    #[serde(skip)]
    pub workbook: Vec<u8>,
    /// SHA-256 of the workbook, hex.
    pub sha256: String,
}

/// Whether a wave takes answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WaveStatus {
    /// Prepared, not yet open.
    Draft,
    /// Takes answers.
    Open,
    /// Takes no more answers.
    Closed,
}

impl WaveStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            WaveStatus::Draft => "draft",
            WaveStatus::Open => "open",
            WaveStatus::Closed => "closed",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<WaveStatus> {
        match s {
            "draft" => Some(WaveStatus::Draft),
            "open" => Some(WaveStatus::Open),
            "closed" => Some(WaveStatus::Closed),
            _ => None,
        }
    }
}

/// One fielding (*meting*) of an instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wave {
    pub id: WaveId,
    pub instrument: InstrumentId,
    pub name: String,
    pub status: WaveStatus,
}

/// Which responses of an instrument's waves the study's figures rest on (issue 19).
///
/// A study has one choice per instrument: by default the latest closed wave that holds
/// answers, else the latest open one (see `leernet_analysis::waves`). Combining waves is a choice of its own, never an
/// accident: `LatestPerNetwork` counts each network once, with the answers of the latest wave
/// in which it answered; `AllAnswers` counts every wave's answers side by side (a network
/// that answered twice counts twice, and the figures say so).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum WaveChoice {
    /// The wave of this name (a study's waves are named, `2026`, `najaar-2026`).
    Wave(String),
    /// Per network the answers of the latest wave in which it answered.
    LatestPerNetwork,
    /// The answers of every wave together.
    AllAnswers,
}

impl WaveChoice {
    /// The word that chooses [`WaveChoice::LatestPerNetwork`] (`--wave latest`).
    pub const LATEST: &'static str = "latest";
    /// The word that chooses [`WaveChoice::AllAnswers`] (`--wave all`).
    pub const ALL: &'static str = "all";

    /// Reads a choice as a person types it: `latest`, `all`, or a wave's name.
    pub fn parse(text: &str) -> WaveChoice {
        match text.trim() {
            Self::LATEST => WaveChoice::LatestPerNetwork,
            Self::ALL => WaveChoice::AllAnswers,
            name => WaveChoice::Wave(name.to_owned()),
        }
    }

    /// The text [`WaveChoice::parse`] reads back.
    pub fn as_text(&self) -> &str {
        match self {
            WaveChoice::Wave(name) => name,
            WaveChoice::LatestPerNetwork => Self::LATEST,
            WaveChoice::AllAnswers => Self::ALL,
        }
    }
}

impl From<String> for WaveChoice {
    fn from(s: String) -> Self {
        WaveChoice::parse(&s)
    }
}

impl From<WaveChoice> for String {
    fn from(c: WaveChoice) -> Self {
        c.as_text().to_owned()
    }
}

/// The study setting that holds an instrument's current wave: this prefix, then the
/// instrument's form id (`current_wave:leernet_network`), the value a [`WaveChoice`]'s text.
pub const CURRENT_WAVE_SETTING: &str = "current_wave:";

/// The study setting that holds the names researchers gave to the typology's types: a JSON
/// list of [`TypeNaming`].
pub const TYPE_NAMES_SETTING: &str = "type_names";

/// A name a researcher gave to a type of the typology. A type is known by its networks, not
/// its number (the numbers follow the clustering and change with the data): the name goes to
/// the type whose networks overlap most with these, when at least half of the two together
/// are shared (Jaccard ≥ ½).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeNaming {
    /// The type's networks (slugs) when it was named, sorted.
    pub networks: Vec<String>,
    /// The name in both languages.
    pub name: Bilingual,
}

impl TypeNaming {
    /// The share of networks two sets have in common (Jaccard): shared / together. Both
    /// lists sorted; 0 when both are empty.
    pub fn overlap(&self, networks: &[String]) -> f64 {
        let (mut i, mut j, mut shared) = (0, 0, 0usize);
        let a = &self.networks;
        while i < a.len() && j < networks.len() {
            match a[i].cmp(&networks[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let together = a.len() + networks.len() - shared;
        if together == 0 {
            0.0
        } else {
            shared as f64 / together as f64
        }
    }
}

/// A personal link to one response of a wave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: InvitationId,
    pub wave: WaveId,
    pub network: NetworkId,
    pub token: InvitationToken,
    pub person: Option<PersonId>,
}

/// Whether a response is finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResponseStatus {
    /// Saved, not yet submitted.
    InProgress,
    /// Submitted.
    Submitted,
}

impl ResponseStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseStatus::InProgress => "in_progress",
            ResponseStatus::Submitted => "submitted",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<ResponseStatus> {
        match s {
            "in_progress" => Some(ResponseStatus::InProgress),
            "submitted" => Some(ResponseStatus::Submitted),
            _ => None,
        }
    }
}

/// The answers of one respondent in one wave: question name to raw XLSForm value.
pub type Answers = BTreeMap<String, String>;

/// One set of answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub id: ResponseId,
    pub wave: WaveId,
    pub network: NetworkId,
    /// The respondent's key within the wave (an invitation, a source id, a pseudonym).
    pub respondent: String,
    pub status: ResponseStatus,
    pub answers: Answers,
}

/// A codebook: a tree of codes for qualitative coding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Codebook {
    pub id: CodebookId,
    pub name: String,
    /// Starts at 1 and goes up by one with every logged change of its codes.
    #[serde(default = "first_version")]
    pub version: i64,
    pub codes: Vec<Code>,
}

fn first_version() -> i64 {
    1
}

/// A code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Code {
    pub id: CodeId,
    /// Stable key such as `theme.collaboration`.
    pub key: String,
    pub parent: Option<CodeId>,
    pub name: Bilingual,
    pub description: Bilingual,
    /// When the code applies.
    #[serde(default)]
    pub inclusion: Bilingual,
    /// When it does not, although it may seem to.
    #[serde(default)]
    pub exclusion: Bilingual,
    /// Short example quotes, one per line.
    #[serde(default)]
    pub examples: Bilingual,
    /// The colour the coding pages and other tools show it in.
    #[serde(default)]
    pub colour: Option<Colour>,
}

/// A span of one open answer: `[start, end)` in Unicode code points, as REFI-QDA counts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Segment {
    pub response: ResponseId,
    pub question: String,
    pub start: usize,
    pub end: usize,
}

/// A code applied to a segment by a coder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coding {
    pub id: CodingId,
    pub segment: Segment,
    pub code: CodeId,
    pub coder: PersonId,
    pub memo: String,
}

/// Where a slow question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlowQuestionStatus {
    New,
    Explored,
    TakenToPractice,
    Parked,
}

/// A *trage vraag*: an underlying, often ethical question that surfaced in a network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlowQuestion {
    pub id: SlowQuestionId,
    pub network: NetworkId,
    pub text: String,
    /// `None` when brought in anonymously.
    pub author: Option<PersonId>,
    pub status: SlowQuestionStatus,
}

/// An essential element of a good learning network, with its indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Element {
    pub key: String,
    pub name: Bilingual,
    pub description: Bilingual,
}

/// A framework of essential elements (*raamwerk*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Framework {
    pub key: String,
    pub name: Bilingual,
    pub elements: Vec<Element>,
}

/// A practical handle (*handvat*): advice for an element, given when its condition holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handle {
    pub key: String,
    pub element: String,
    pub title: Bilingual,
    pub text: Bilingual,
    /// An XLSForm expression over the network's profile and answers.
    pub condition: String,
    pub priority: u32,
}

/// A learning session (*bijeenkomst*) of a network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: SessionId,
    pub network: NetworkId,
    /// ISO date.
    pub date: String,
    /// Method key (intervision, reflection_session, moral_deliberation, ...).
    pub method: String,
    pub report: String,
}

/// Facts about the study as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudyInfo {
    /// The study's title.
    pub title: Bilingual,
    /// Whether the data is fictional (the demo study): every page and report says so.
    pub fictional: bool,
}

/// Everything the study analysis reads, in a stable order (by id), as the store gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudyData {
    pub study: StudyInfo,
    pub workplaces: Vec<Workplace>,
    pub networks: Vec<Network>,
    pub persons: Vec<Person>,
    pub instruments: Vec<Instrument>,
    pub waves: Vec<Wave>,
    pub responses: Vec<Response>,
    pub codebooks: Vec<Codebook>,
    /// The coders' own codings (never a consensus coding). Agreement figures and the
    /// auto-coder's precision and recall read these.
    pub codings: Vec<Coding>,
    /// Consensus codings: the reading a lead settled for an answer after every coder of
    /// its assignment finished. For an answer that has them, the content figures read these
    /// instead of the coders' own (see `leernet_analysis::coding_agreement::with_consensus`).
    #[serde(default)]
    pub consensus: Vec<Coding>,
    /// Every answer (response, question) a lead settled, by response then question — also
    /// those settled on "no code applies", which have no consensus coding: the content
    /// figures read no coder's codings of them.
    #[serde(default)]
    pub settled: Vec<(ResponseId, String)>,
    /// The study's current wave per instrument (form id), where a researcher chose one;
    /// an instrument not named here uses its default (the latest closed wave that holds
    /// answers, else the latest open one).
    #[serde(default)]
    pub current_waves: BTreeMap<String, WaveChoice>,
    /// Documents as sources of coding (interviews, focus groups, session reports, policy
    /// documents), with their text and speaker turns, by id. Their codings count in the
    /// content figures beside the answers' (code presence per network, co-occurrence,
    /// quotes); a speaker's name never reaches a figure.
    #[serde(default)]
    pub documents: Vec<crate::Document>,
    /// The coders' codings of those documents, by id.
    #[serde(default)]
    pub document_codings: Vec<crate::DocumentCoding>,
    /// The names researchers gave to the typology's types (see [`TypeNaming`]).
    #[serde(default)]
    pub type_names: Vec<TypeNaming>,
}
