//! Coding as work shared between people: assignments of answers to coders (blind double
//! coding), coders' decisions on auto-coding suggestions, consensus codings, the log of
//! coding decisions, and coders' verdicts on slow-question candidates.
//!
//! Why it exists: a study reports how well its coders agree, so two or more coders must be
//! able to code the same answers without seeing each other's work, and the lead must be able
//! to settle their disagreements into one consensus reading — with every decision (and every
//! codebook change) traceable: who, when, what and why.
//!
//! How the rules are kept: every write checks, inside its transaction, that the person may do
//! it (a coder of an open assignment, the lead once every coder finished) and that the span
//! lies inside the answer, and answers a [`Refusal`] — nothing written — when not. Storage
//! failures stay [`crate::StoreError`]s. Consensus codings live in `codings` with
//! `consensus = 1` (the lead as coder); [`Store::codings`] leaves them out, so every figure
//! computed from the coders' own codings stays as it was, and [`Store::consensus_codings`]
//! gives them to whoever wants the settled reading.

use crate::{get, CodeFields, Result, Store, StoreError};
use leernet_core::*;
use sqlx::any::AnyRow;

/// The id of a coding assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AssignmentId(pub i64);

impl std::fmt::Display for AssignmentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a coding action was refused. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("there is no such assignment")]
    NoAssignment,
    #[error("this person is not a coder of the assignment")]
    NotACoder,
    #[error("only the lead of the assignment may do this")]
    NotTheLead,
    #[error("the coder has finished this assignment; its codings can no longer change")]
    Finished,
    #[error("the coder already finished this assignment")]
    AlreadyFinished,
    #[error("not every coder has finished the assignment yet")]
    NotAllFinished,
    #[error("the answer is not part of the assignment")]
    NotInAssignment,
    #[error("the code is not in the assignment's codebook")]
    UnknownCode,
    #[error("the span {start}–{end} is not inside the answer of {len} characters")]
    OutsideText {
        start: usize,
        end: usize,
        len: usize,
    },
    #[error("there is no such coding of this coder in the assignment")]
    NoCoding,
    #[error("an assignment needs a name, a question, at least one coder and one answer")]
    Incomplete,
    #[error("a reason (why) is required")]
    NoReason,
    #[error("a code with this key already exists in the codebook")]
    DuplicateCode,
    #[error("there is no such entry in the slow-question register")]
    NoSlowQuestion,
    #[error("only a confirmed slow-question candidate can move to the network's log")]
    NotConfirmed,
    #[error("the slow question is already in the network's log")]
    AlreadyMoved,
    #[error("the change changes nothing")]
    Unchanged,
}

/// What a change of a code changed, for the coding decisions log: the names and the colour
/// with their old and new values, the longer texts by name only (the versions' snapshots
/// hold them); `None` when nothing changed.
fn change_summary(key: &str, old: &CodeFields, new: &CodeFields) -> Option<String> {
    let mut parts = Vec::new();
    if old.name != new.name {
        parts.push(format!(
            "{:?} / {:?} became {:?} / {:?}",
            old.name.nl, old.name.en, new.name.nl, new.name.en
        ));
    }
    for (label, a, b) in [
        ("description", &old.description, &new.description),
        ("inclusion criteria", &old.inclusion, &new.inclusion),
        ("exclusion criteria", &old.exclusion, &new.exclusion),
        ("examples", &old.examples, &new.examples),
    ] {
        let langs: Vec<&str> = [("NL", a.nl != b.nl), ("EN", a.en != b.en)]
            .into_iter()
            .filter(|(_, changed)| *changed)
            .map(|(l, _)| l)
            .collect();
        if !langs.is_empty() {
            parts.push(format!("{label} ({}) changed", langs.join(", ")));
        }
    }
    if old.colour != new.colour {
        let c = |c: &Option<Colour>| c.as_ref().map_or("none", |c| c.as_str()).to_owned();
        parts.push(format!(
            "colour {} became {}",
            c(&old.colour),
            c(&new.colour)
        ));
    }
    (!parts.is_empty()).then(|| format!("code {key}: {}", parts.join("; ")))
}

/// A coding action's outcome: done (with its value) or refused.
pub type Outcome<T> = std::result::Result<T, Refusal>;

/// A new assignment.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub name: String,
    /// The open question whose answers are coded.
    pub question: String,
    pub codebook: CodebookId,
    pub lead: PersonId,
    pub coders: Vec<PersonId>,
    /// The answers, in queue order (responses with a non-empty answer to `question`).
    pub responses: Vec<ResponseId>,
    pub at: i64,
}

/// One coder of an assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentCoder {
    pub coder: PersonId,
    pub finished_at: Option<i64>,
}

/// A stored assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub id: AssignmentId,
    pub name: String,
    pub question: String,
    pub codebook: CodebookId,
    pub lead: PersonId,
    pub created_at: i64,
    pub coders: Vec<AssignmentCoder>,
    /// The answers in queue order (none in an assignment of documents).
    pub items: Vec<ResponseId>,
    /// The documents in queue order (none in an assignment of answers; its question is
    /// then empty).
    pub documents: Vec<DocumentId>,
}

impl Assignment {
    /// Whether `p` codes in this assignment.
    pub fn is_coder(&self, p: PersonId) -> bool {
        self.coders.iter().any(|c| c.coder == p)
    }

    /// Whether `p` is a coder who has finished.
    pub fn has_finished(&self, p: PersonId) -> bool {
        self.coders
            .iter()
            .any(|c| c.coder == p && c.finished_at.is_some())
    }

    /// Whether every coder has finished (then the lead may see and settle disagreements).
    pub fn all_finished(&self) -> bool {
        self.coders.iter().all(|c| c.finished_at.is_some())
    }
}

/// A span of an answer with a code, as a coder or the lead gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanCode {
    pub response: ResponseId,
    pub code: CodeId,
    pub start: usize,
    pub end: usize,
    pub memo: String,
}

/// A decision on a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionDecision {
    Accepted,
    Rejected,
}

impl SuggestionDecision {
    fn as_str(self) -> &'static str {
        match self {
            SuggestionDecision::Accepted => "accepted",
            SuggestionDecision::Rejected => "rejected",
        }
    }
}

/// A stored decision on a suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecidedSuggestion {
    pub response: ResponseId,
    pub code: CodeId,
    pub start: usize,
    pub end: usize,
    pub decision: SuggestionDecision,
    pub coding: Option<CodingId>,
}

/// What an entry of the coding decisions log records. Stored by [`DecisionKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionKind {
    /// An assignment was made.
    Assignment,
    /// A coder finished an assignment.
    Finished,
    /// The lead settled an answer.
    Consensus,
    /// A code was added to a codebook.
    CodeAdded,
    /// A code of a codebook was changed.
    CodeChanged,
}

impl DecisionKind {
    /// Every kind (the pages label each).
    pub const ALL: &'static [DecisionKind] = &[
        DecisionKind::Assignment,
        DecisionKind::Finished,
        DecisionKind::Consensus,
        DecisionKind::CodeAdded,
        DecisionKind::CodeChanged,
    ];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Assignment => "assignment",
            DecisionKind::Finished => "finished",
            DecisionKind::Consensus => "consensus",
            DecisionKind::CodeAdded => "code_added",
            DecisionKind::CodeChanged => "code_changed",
        }
    }

    /// The kind of a stored word; `None` for any other.
    pub fn parse(s: &str) -> Option<DecisionKind> {
        DecisionKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// A kind equals its stored word (`kind == "consensus"`).
impl PartialEq<&str> for DecisionKind {
    fn eq(&self, word: &&str) -> bool {
        self.as_str() == *word
    }
}

/// One entry of the coding decisions log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodingDecision {
    pub id: i64,
    pub at: i64,
    pub person: PersonId,
    pub kind: DecisionKind,
    pub assignment: Option<AssignmentId>,
    pub response: Option<ResponseId>,
    /// The document a consensus was about (in an assignment of documents).
    pub document: Option<DocumentId>,
    pub code: Option<CodeId>,
    /// What was decided (codes and spans, never answer text).
    pub what: String,
    pub why: String,
}

/// A part of a code that a logged change changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CodePart {
    Name,
    Description,
    Inclusion,
    Exclusion,
    Examples,
    Colour,
}

impl CodePart {
    /// Every part, in the order a change lists them.
    pub const ALL: [CodePart; 6] = [
        CodePart::Name,
        CodePart::Description,
        CodePart::Inclusion,
        CodePart::Exclusion,
        CodePart::Examples,
        CodePart::Colour,
    ];

    /// A word for the part (the pages label each in the reader's language).
    pub fn as_str(self) -> &'static str {
        match self {
            CodePart::Name => "name",
            CodePart::Description => "description",
            CodePart::Inclusion => "inclusion",
            CodePart::Exclusion => "exclusion",
            CodePart::Examples => "examples",
            CodePart::Colour => "colour",
        }
    }
}

/// What an entry of the decisions log recorded beyond its ids, read back from its `what`
/// (which this module writes; [`CodingDecision::facts`] reads the same formats), so that a
/// page can say it in the reader's language with labels instead of keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionFacts {
    /// A coder finished with this many codings.
    pub codings: Option<usize>,
    /// A consensus: the codes settled on, by key, with their spans `[start, end)` in code
    /// points (empty: no code).
    pub settled: Vec<(String, Option<(usize, usize)>)>,
    /// A codebook change: the version it made.
    pub version: Option<i64>,
    /// A code change: the parts it changed.
    pub changed: Vec<CodePart>,
}

/// `text` split at `sep` outside double-quoted (Rust `Debug`) strings.
fn split_outside_quotes<'a>(text: &'a str, sep: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let (mut quoted, mut escaped, mut from) = (false, false, 0);
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if quoted {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quoted = false;
            }
        } else if c == '"' {
            quoted = true;
        } else if text[i..].starts_with(sep) {
            out.push(&text[from..i]);
            i += sep.len();
            from = i;
            continue;
        }
        i += c.len_utf8();
    }
    out.push(&text[from..]);
    out
}

impl CodingDecision {
    /// What the entry recorded, read from its `what` as this module writes it; what cannot be
    /// read stays empty (a page then says only the kind).
    pub fn facts(&self) -> DecisionFacts {
        let what = self.what.as_str();
        let mut f = DecisionFacts {
            // "... (version N)"
            version: what
                .strip_suffix(')')
                .and_then(|w| w.rsplit_once(" (version "))
                .and_then(|(_, n)| n.parse().ok()),
            ..DecisionFacts::default()
        };
        match self.kind {
            DecisionKind::Finished => {
                f.codings = what
                    .strip_prefix("finished with ")
                    .and_then(|w| w.strip_suffix(" codings"))
                    .and_then(|n| n.parse().ok());
            }
            DecisionKind::Consensus => {
                // "consensus: key [s–e), key [s–e)" or "consensus: no code"
                if let Some(keys) = what.strip_prefix("consensus: ") {
                    if keys != "no code" {
                        f.settled = keys
                            .split(", ")
                            .map(
                                |k| match k.strip_suffix(')').and_then(|k| k.rsplit_once(" [")) {
                                    Some((key, span)) => (
                                        key.to_owned(),
                                        span.split_once('–').and_then(|(s, e)| {
                                            Some((s.parse().ok()?, e.parse().ok()?))
                                        }),
                                    ),
                                    None => (k.to_owned(), None),
                                },
                            )
                            .collect();
                    }
                }
            }
            DecisionKind::CodeChanged => {
                let body = what
                    .rsplit_once(" (version ")
                    .map_or(what, |(b, _)| b)
                    .split_once(": ")
                    .map_or("", |(_, b)| b);
                for part in split_outside_quotes(body, "; ") {
                    let p = if part.starts_with('"') {
                        Some(CodePart::Name)
                    } else if part.starts_with("description (") {
                        Some(CodePart::Description)
                    } else if part.starts_with("inclusion criteria (") {
                        Some(CodePart::Inclusion)
                    } else if part.starts_with("exclusion criteria (") {
                        Some(CodePart::Exclusion)
                    } else if part.starts_with("examples (") {
                        Some(CodePart::Examples)
                    } else if part.starts_with("colour ") {
                        Some(CodePart::Colour)
                    } else {
                        None
                    };
                    if let Some(p) = p {
                        if !f.changed.contains(&p) {
                            f.changed.push(p);
                        }
                    }
                }
            }
            DecisionKind::Assignment | DecisionKind::CodeAdded => {}
        }
        f
    }
}

/// A coder's verdict on a slow-question candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlowStatus {
    Confirmed,
    Rejected,
}

impl SlowStatus {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            SlowStatus::Confirmed => "confirmed",
            SlowStatus::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> Option<SlowStatus> {
        match s {
            "confirmed" => Some(SlowStatus::Confirmed),
            "rejected" => Some(SlowStatus::Rejected),
            _ => None,
        }
    }
}

/// An entry of the slow-question register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlowConfirmation {
    pub id: i64,
    pub network: NetworkId,
    pub response: ResponseId,
    pub question: String,
    pub start: usize,
    pub end: usize,
    pub status: SlowStatus,
    pub coder: PersonId,
    pub at: i64,
    /// The entry of the network's slow-question log it was moved to, once moved.
    pub moved_to: Option<SlowQuestionId>,
}

pub(crate) type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

fn pos(v: i64, what: &str) -> Result<usize> {
    usize::try_from(v).map_err(|_| StoreError::Corrupt(format!("negative {what}")))
}

pub(crate) fn coding_row(r: &AnyRow) -> Result<Coding> {
    Ok(Coding {
        id: CodingId(get(r, "id")?),
        segment: Segment {
            response: ResponseId(get(r, "response_id")?),
            question: get(r, "question")?,
            start: pos(get(r, "start_pos")?, "start")?,
            end: pos(get(r, "end_pos")?, "end")?,
        },
        code: CodeId(get(r, "code_id")?),
        coder: PersonId(get(r, "coder_id")?),
        memo: get(r, "memo")?,
    })
}

pub(crate) const CODING_COLUMNS: &str =
    "id, response_id, question, start_pos, end_pos, code_id, coder_id, memo";

/// A response's answer to `question` (`None`: no such response; an unanswered question is
/// the empty text).
async fn answer_text(
    tx: &mut Tx<'_>,
    response: ResponseId,
    question: &str,
) -> Result<Option<String>> {
    let json: Option<String> = sqlx::query_scalar("SELECT answers FROM responses WHERE id = $1")
        .bind(response.0)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(json) = json else {
        return Ok(None);
    };
    let answers: Answers = serde_json::from_str(&json)
        .map_err(|e| StoreError::Corrupt(format!("answers of response {response}: {e}")))?;
    Ok(Some(answers.get(question).cloned().unwrap_or_default()))
}

/// Checks a span against the answer: inside it and not empty.
async fn check_span(
    tx: &mut Tx<'_>,
    response: ResponseId,
    question: &str,
    start: usize,
    end: usize,
) -> Result<Outcome<()>> {
    let len = answer_text(tx, response, question)
        .await?
        .map_or(0, |t| t.chars().count());
    if start >= end || end > len {
        return Ok(Err(Refusal::OutsideText { start, end, len }));
    }
    Ok(Ok(()))
}

/// Whether `code` is a code of `book` that may be applied (a folder of a code tree may not).
pub(crate) async fn code_in_book(tx: &mut Tx<'_>, code: CodeId, book: CodebookId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM codes WHERE id = $1 AND codebook_id = $2 AND folder = 0",
    )
    .bind(code.0)
    .bind(book.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

#[allow(clippy::too_many_arguments)]
async fn log_decision(
    tx: &mut Tx<'_>,
    at: i64,
    person: PersonId,
    kind: DecisionKind,
    assignment: Option<AssignmentId>,
    response: Option<ResponseId>,
    code: Option<CodeId>,
    what: &str,
    why: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO coding_decisions (at, person_id, kind, assignment_id, response_id, code_id, what, why) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(at)
    .bind(person.0)
    .bind(kind.as_str())
    .bind(assignment.map(|a| a.0))
    .bind(response.map(|r| r.0))
    .bind(code.map(|c| c.0))
    .bind(what)
    .bind(why)
    .execute(&mut **tx)
    .await?;
    // Consensus settlements and codebook changes also go to the audit log, in the same
    // transaction; ids only (the what and why stay in this log, which a person's export and
    // erase cover).
    let audited = match kind {
        DecisionKind::Consensus => Some((
            crate::Action::CodingConsensus,
            crate::AuditSubject::Assignment(assignment.map_or(0, |a| a.0)),
            format!("response={}", response.map_or(0, |r| r.0)),
        )),
        DecisionKind::CodeAdded | DecisionKind::CodeChanged => Some((
            crate::Action::CodebookChange,
            crate::AuditSubject::Code(code.map_or(0, |c| c.0)),
            format!("change={}", kind.as_str().trim_start_matches("code_")),
        )),
        DecisionKind::Assignment | DecisionKind::Finished => None,
    };
    if let Some((action, subject, detail)) = audited {
        crate::audit::record(
            tx,
            &crate::NewAudit {
                at,
                actor: crate::Actor::Person(person),
                action,
                subject,
                detail,
            },
        )
        .await?;
    }
    Ok(())
}

/// Reads an assignment on one connection (a transaction's or the pool's).
async fn load_assignment(
    exec: &mut sqlx::AnyConnection,
    id: AssignmentId,
) -> Result<Option<Assignment>> {
    let Some(r) = sqlx::query(
        "SELECT id, name, question, codebook_id, lead_id, created_at FROM coding_assignments WHERE id = $1",
    )
    .bind(id.0)
    .fetch_optional(&mut *exec)
    .await?
    else {
        return Ok(None);
    };
    let coders = sqlx::query(
        "SELECT coder_id, finished_at FROM coding_assignment_coders WHERE assignment_id = $1 ORDER BY coder_id",
    )
    .bind(id.0)
    .fetch_all(&mut *exec)
    .await?
    .iter()
    .map(|c| {
        Ok(AssignmentCoder {
            coder: PersonId(get(c, "coder_id")?),
            finished_at: get(c, "finished_at")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let items = sqlx::query(
        "SELECT response_id FROM coding_assignment_items WHERE assignment_id = $1 ORDER BY position",
    )
    .bind(id.0)
    .fetch_all(&mut *exec)
    .await?
    .iter()
    .map(|i| Ok(ResponseId(get(i, "response_id")?)))
    .collect::<Result<Vec<_>>>()?;
    let documents = sqlx::query(
        "SELECT document_id FROM coding_assignment_documents WHERE assignment_id = $1 ORDER BY position",
    )
    .bind(id.0)
    .fetch_all(&mut *exec)
    .await?
    .iter()
    .map(|i| Ok(DocumentId(get(i, "document_id")?)))
    .collect::<Result<Vec<_>>>()?;
    Ok(Some(Assignment {
        id,
        name: get(&r, "name")?,
        question: get(&r, "question")?,
        codebook: CodebookId(get(&r, "codebook_id")?),
        lead: PersonId(get(&r, "lead_id")?),
        created_at: get(&r, "created_at")?,
        coders,
        items,
        documents,
    }))
}

/// Locks and reads an assignment for a write (SQLite locks the database on the first write;
/// PostgreSQL locks the assignment's row).
pub(crate) async fn assignment_for_update(
    tx: &mut Tx<'_>,
    id: AssignmentId,
) -> Result<Option<Assignment>> {
    // A harmless write takes SQLite's write lock first, so two writers cannot interleave
    // their checks; on PostgreSQL it locks the assignment's row.
    sqlx::query("UPDATE coding_assignments SET id = id WHERE id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    load_assignment(tx, id).await
}

impl Store {
    /// Makes an assignment: its answers, its coders, and a log entry. Every response must
    /// exist and have a non-empty answer to the question.
    pub async fn add_assignment(&self, a: &NewAssignment) -> Result<Outcome<AssignmentId>> {
        let mut coders = a.coders.clone();
        coders.sort();
        coders.dedup();
        let mut responses = a.responses.clone();
        let mut seen = std::collections::BTreeSet::new();
        responses.retain(|r| seen.insert(*r));
        if a.name.trim().is_empty()
            || a.question.trim().is_empty()
            || coders.is_empty()
            || responses.is_empty()
        {
            return Ok(Err(Refusal::Incomplete));
        }
        let mut tx = self.pool.begin().await?;
        for r in &responses {
            let text = answer_text(&mut tx, *r, &a.question).await?;
            if text.is_none_or(|t| t.trim().is_empty()) {
                return Ok(Err(Refusal::NotInAssignment));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO coding_assignments (name, question, codebook_id, lead_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(a.name.trim())
        .bind(&a.question)
        .bind(a.codebook.0)
        .bind(a.lead.0)
        .bind(a.at)
        .fetch_one(&mut *tx)
        .await?;
        for (i, r) in responses.iter().enumerate() {
            sqlx::query(
                "INSERT INTO coding_assignment_items (assignment_id, position, response_id) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(i as i64)
            .bind(r.0)
            .execute(&mut *tx)
            .await?;
        }
        for c in &coders {
            sqlx::query(
                "INSERT INTO coding_assignment_coders (assignment_id, coder_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(c.0)
            .execute(&mut *tx)
            .await?;
        }
        let what = format!(
            "assignment {id} of question {}: {} answers, coders {}",
            a.question,
            responses.len(),
            coders
                .iter()
                .map(|c| c.0.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        log_decision(
            &mut tx,
            a.at,
            a.lead,
            DecisionKind::Assignment,
            Some(AssignmentId(id)),
            None,
            None,
            &what,
            "",
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(AssignmentId(id)))
    }

    /// One assignment, with its coders and answers.
    pub async fn assignment(&self, id: AssignmentId) -> Result<Option<Assignment>> {
        let mut conn = self.pool.acquire().await?;
        load_assignment(&mut conn, id).await
    }

    /// Every assignment, by id.
    pub async fn assignments(&self) -> Result<Vec<Assignment>> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM coding_assignments ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(a) = self.assignment(AssignmentId(id)).await? {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// The coders' own codings in an assignment (of one coder, or of all), by id; never the
    /// consensus.
    pub async fn assignment_codings(
        &self,
        id: AssignmentId,
        coder: Option<PersonId>,
    ) -> Result<Vec<Coding>> {
        let rows = match coder {
            Some(p) => {
                sqlx::query(&format!(
                    "SELECT {CODING_COLUMNS} FROM codings \
                 WHERE assignment_id = $1 AND consensus = 0 AND coder_id = $2 ORDER BY id"
                ))
                .bind(id.0)
                .bind(p.0)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {CODING_COLUMNS} FROM codings \
                 WHERE assignment_id = $1 AND consensus = 0 ORDER BY id"
                ))
                .bind(id.0)
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(coding_row).collect()
    }

    /// The consensus codings of one assignment, by id.
    pub async fn assignment_consensus(&self, id: AssignmentId) -> Result<Vec<Coding>> {
        sqlx::query(&format!(
            "SELECT {CODING_COLUMNS} FROM codings WHERE assignment_id = $1 AND consensus = 1 ORDER BY id"
        ))
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(coding_row)
        .collect()
    }

    /// Every consensus coding, by id (the settled reading where it exists).
    pub async fn consensus_codings(&self) -> Result<Vec<Coding>> {
        sqlx::query(&format!(
            "SELECT {CODING_COLUMNS} FROM codings WHERE consensus = 1 ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(coding_row)
        .collect()
    }

    /// Checks that `coder` may still code `response` in the assignment; returns it.
    pub(crate) async fn open_for(
        tx: &mut Tx<'_>,
        id: AssignmentId,
        coder: PersonId,
        response: Option<ResponseId>,
    ) -> Result<Outcome<Assignment>> {
        let Some(a) = assignment_for_update(tx, id).await? else {
            return Ok(Err(Refusal::NoAssignment));
        };
        if !a.is_coder(coder) {
            return Ok(Err(Refusal::NotACoder));
        }
        if a.has_finished(coder) {
            return Ok(Err(Refusal::Finished));
        }
        if let Some(r) = response {
            if !a.items.contains(&r) {
                return Ok(Err(Refusal::NotInAssignment));
            }
        }
        Ok(Ok(a))
    }

    async fn insert_coding(
        tx: &mut Tx<'_>,
        a: &Assignment,
        coder: PersonId,
        s: &SpanCode,
        consensus: bool,
    ) -> Result<CodingId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO codings (response_id, question, start_pos, end_pos, code_id, coder_id, memo, assignment_id, consensus) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(s.response.0)
        .bind(&a.question)
        .bind(s.start as i64)
        .bind(s.end as i64)
        .bind(s.code.0)
        .bind(coder.0)
        .bind(&s.memo)
        .bind(a.id.0)
        .bind(i64::from(consensus))
        .fetch_one(&mut **tx)
        .await?;
        Ok(CodingId(id))
    }

    /// A coder codes a span of an answer of their open assignment.
    pub async fn add_assignment_coding(
        &self,
        id: AssignmentId,
        coder: PersonId,
        s: &SpanCode,
    ) -> Result<Outcome<CodingId>> {
        let mut tx = self.pool.begin().await?;
        let a = match Self::open_for(&mut tx, id, coder, Some(s.response)).await? {
            Ok(a) => a,
            Err(r) => return Ok(Err(r)),
        };
        if !code_in_book(&mut tx, s.code, a.codebook).await? {
            return Ok(Err(Refusal::UnknownCode));
        }
        if let Err(r) = check_span(&mut tx, s.response, &a.question, s.start, s.end).await? {
            return Ok(Err(r));
        }
        let cid = Self::insert_coding(&mut tx, &a, coder, s, false).await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(cid))
    }

    /// A coder removes one of their own codings while the assignment is open for them.
    pub async fn delete_assignment_coding(
        &self,
        id: AssignmentId,
        coder: PersonId,
        coding: CodingId,
    ) -> Result<Outcome<()>> {
        let mut tx = self.pool.begin().await?;
        if let Err(r) = Self::open_for(&mut tx, id, coder, None).await? {
            return Ok(Err(r));
        }
        let n = sqlx::query(
            "DELETE FROM codings WHERE id = $1 AND assignment_id = $2 AND coder_id = $3 AND consensus = 0",
        )
        .bind(coding.0)
        .bind(id.0)
        .bind(coder.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(Err(Refusal::NoCoding));
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// A coder changes the code and memo of one of their own codings while the assignment is
    /// open for them.
    pub async fn change_assignment_coding(
        &self,
        id: AssignmentId,
        coder: PersonId,
        coding: CodingId,
        code: CodeId,
        memo: &str,
    ) -> Result<Outcome<()>> {
        let mut tx = self.pool.begin().await?;
        let a = match Self::open_for(&mut tx, id, coder, None).await? {
            Ok(a) => a,
            Err(r) => {
                tx.rollback().await?;
                return Ok(Err(r));
            }
        };
        if !code_in_book(&mut tx, code, a.codebook).await? {
            tx.rollback().await?;
            return Ok(Err(Refusal::UnknownCode));
        }
        let n = sqlx::query(
            "UPDATE codings SET code_id = $1, memo = $2 \
             WHERE id = $3 AND assignment_id = $4 AND coder_id = $5 AND consensus = 0",
        )
        .bind(code.0)
        .bind(memo)
        .bind(coding.0)
        .bind(id.0)
        .bind(coder.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            tx.rollback().await?;
            return Ok(Err(Refusal::NoCoding));
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// A coder accepts (it becomes their coding) or rejects an auto-coding suggestion.
    /// Deciding the same suggestion again changes nothing and answers the first decision's
    /// coding.
    pub async fn decide_suggestion(
        &self,
        id: AssignmentId,
        coder: PersonId,
        s: &SpanCode,
        decision: SuggestionDecision,
        at: i64,
    ) -> Result<Outcome<Option<CodingId>>> {
        let mut tx = self.pool.begin().await?;
        let a = match Self::open_for(&mut tx, id, coder, Some(s.response)).await? {
            Ok(a) => a,
            Err(r) => return Ok(Err(r)),
        };
        if !code_in_book(&mut tx, s.code, a.codebook).await? {
            return Ok(Err(Refusal::UnknownCode));
        }
        if let Err(r) = check_span(&mut tx, s.response, &a.question, s.start, s.end).await? {
            return Ok(Err(r));
        }
        let before: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT coding_id FROM coding_suggestion_decisions WHERE assignment_id = $1 AND coder_id = $2 \
             AND response_id = $3 AND code_id = $4 AND start_pos = $5 AND end_pos = $6",
        )
        .bind(id.0)
        .bind(coder.0)
        .bind(s.response.0)
        .bind(s.code.0)
        .bind(s.start as i64)
        .bind(s.end as i64)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(c) = before {
            return Ok(Ok(c.map(CodingId)));
        }
        let coding = match decision {
            SuggestionDecision::Accepted => {
                Some(Self::insert_coding(&mut tx, &a, coder, s, false).await?)
            }
            SuggestionDecision::Rejected => None,
        };
        sqlx::query(
            "INSERT INTO coding_suggestion_decisions \
             (assignment_id, coder_id, response_id, code_id, start_pos, end_pos, decision, coding_id, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.0)
        .bind(coder.0)
        .bind(s.response.0)
        .bind(s.code.0)
        .bind(s.start as i64)
        .bind(s.end as i64)
        .bind(decision.as_str())
        .bind(coding.map(|c| c.0))
        .bind(at)
        .execute(&mut *tx)
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(coding))
    }

    /// A coder's decisions on suggestions in an assignment, by id.
    pub async fn suggestion_decisions(
        &self,
        id: AssignmentId,
        coder: PersonId,
    ) -> Result<Vec<DecidedSuggestion>> {
        sqlx::query(
            "SELECT response_id, code_id, start_pos, end_pos, decision, coding_id \
             FROM coding_suggestion_decisions WHERE assignment_id = $1 AND coder_id = $2 ORDER BY id",
        )
        .bind(id.0)
        .bind(coder.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let d: String = get(r, "decision")?;
            let coding: Option<i64> = get(r, "coding_id")?;
            Ok(DecidedSuggestion {
                response: ResponseId(get(r, "response_id")?),
                code: CodeId(get(r, "code_id")?),
                start: pos(get(r, "start_pos")?, "start")?,
                end: pos(get(r, "end_pos")?, "end")?,
                decision: if d == "accepted" {
                    SuggestionDecision::Accepted
                } else {
                    SuggestionDecision::Rejected
                },
                coding: coding.map(CodingId),
            })
        })
        .collect()
    }

    /// A coder says they are done: their codings are final, and once every coder is done the
    /// lead sees the disagreements. Finishing twice is refused.
    pub async fn finish_assignment(
        &self,
        id: AssignmentId,
        coder: PersonId,
        at: i64,
    ) -> Result<Outcome<()>> {
        let mut tx = self.pool.begin().await?;
        let Some(a) = assignment_for_update(&mut tx, id).await? else {
            return Ok(Err(Refusal::NoAssignment));
        };
        if !a.is_coder(coder) {
            return Ok(Err(Refusal::NotACoder));
        }
        if a.has_finished(coder) {
            return Ok(Err(Refusal::AlreadyFinished));
        }
        sqlx::query(
            "UPDATE coding_assignment_coders SET finished_at = $1 WHERE assignment_id = $2 AND coder_id = $3",
        )
        .bind(at)
        .bind(id.0)
        .bind(coder.0)
        .execute(&mut *tx)
        .await?;
        // their codings of answers, or of documents in an assignment of documents
        let n: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM codings WHERE assignment_id = $1 AND coder_id = $2 AND consensus = 0) \
             + (SELECT COUNT(*) FROM assignment_document_codings WHERE assignment_id = $1 AND coder_id = $2)",
        )
        .bind(id.0)
        .bind(coder.0)
        .fetch_one(&mut *tx)
        .await?;
        log_decision(
            &mut tx,
            at,
            coder,
            DecisionKind::Finished,
            Some(id),
            None,
            None,
            &format!("finished with {n} codings"),
            "",
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// The lead settles one answer of a finished assignment: `codings` become its consensus
    /// reading (replacing an earlier one), logged with `why`. An empty list settles that no
    /// code applies.
    pub async fn settle(
        &self,
        id: AssignmentId,
        lead: PersonId,
        response: ResponseId,
        codings: &[SpanCode],
        why: &str,
        at: i64,
    ) -> Result<Outcome<Vec<CodingId>>> {
        if why.trim().is_empty() {
            return Ok(Err(Refusal::NoReason));
        }
        let mut tx = self.pool.begin().await?;
        let Some(a) = assignment_for_update(&mut tx, id).await? else {
            return Ok(Err(Refusal::NoAssignment));
        };
        if a.lead != lead {
            return Ok(Err(Refusal::NotTheLead));
        }
        if !a.all_finished() {
            return Ok(Err(Refusal::NotAllFinished));
        }
        if !a.items.contains(&response) {
            return Ok(Err(Refusal::NotInAssignment));
        }
        let mut keys = Vec::new();
        for s in codings {
            if s.response != response {
                return Ok(Err(Refusal::NotInAssignment));
            }
            if !code_in_book(&mut tx, s.code, a.codebook).await? {
                return Ok(Err(Refusal::UnknownCode));
            }
            if let Err(r) = check_span(&mut tx, response, &a.question, s.start, s.end).await? {
                return Ok(Err(r));
            }
            let key: String = sqlx::query_scalar("SELECT key FROM codes WHERE id = $1")
                .bind(s.code.0)
                .fetch_one(&mut *tx)
                .await?;
            keys.push(format!("{key} [{}–{})", s.start, s.end));
        }
        sqlx::query(
            "DELETE FROM codings WHERE assignment_id = $1 AND response_id = $2 AND consensus = 1",
        )
        .bind(id.0)
        .bind(response.0)
        .execute(&mut *tx)
        .await?;
        let mut ids = Vec::new();
        for s in codings {
            ids.push(Self::insert_coding(&mut tx, &a, lead, s, true).await?);
        }
        let what = if keys.is_empty() {
            "consensus: no code".to_owned()
        } else {
            format!("consensus: {}", keys.join(", "))
        };
        log_decision(
            &mut tx,
            at,
            lead,
            DecisionKind::Consensus,
            Some(id),
            Some(response),
            None,
            &what,
            why.trim(),
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(ids))
    }

    /// The coding decisions log (of one assignment, or all), by id.
    pub async fn coding_decisions(
        &self,
        assignment: Option<AssignmentId>,
    ) -> Result<Vec<CodingDecision>> {
        let base =
            "SELECT id, at, person_id, kind, assignment_id, response_id, document_id, code_id, what, why \
                    FROM coding_decisions";
        let rows = match assignment {
            Some(a) => {
                sqlx::query(&format!("{base} WHERE assignment_id = $1 ORDER BY id"))
                    .bind(a.0)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query(&format!("{base} ORDER BY id"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                let a: Option<i64> = get(r, "assignment_id")?;
                let resp: Option<i64> = get(r, "response_id")?;
                let code: Option<i64> = get(r, "code_id")?;
                Ok(CodingDecision {
                    id: get(r, "id")?,
                    at: get(r, "at")?,
                    person: PersonId(get(r, "person_id")?),
                    kind: {
                        let k: String = get(r, "kind")?;
                        DecisionKind::parse(&k).ok_or_else(|| {
                            StoreError::Corrupt(format!("coding decision kind {k:?}"))
                        })?
                    },
                    assignment: a.map(AssignmentId),
                    response: resp.map(ResponseId),
                    document: get::<Option<i64>>(r, "document_id")?.map(DocumentId),
                    code: code.map(CodeId),
                    what: get(r, "what")?,
                    why: get(r, "why")?,
                })
            })
            .collect()
    }

    /// Adds a code to a codebook, logged with who and why, as the codebook's next version.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_code_logged(
        &self,
        book: CodebookId,
        key: &str,
        parent: Option<CodeId>,
        fields: &CodeFields,
        person: PersonId,
        why: &str,
        at: i64,
    ) -> Result<Outcome<CodeId>> {
        let f = fields.trimmed();
        if why.trim().is_empty() {
            return Ok(Err(Refusal::NoReason));
        }
        if key.trim().is_empty() || f.name.nl.is_empty() || f.name.en.is_empty() {
            return Ok(Err(Refusal::Incomplete));
        }
        let mut tx = self.pool.begin().await?;
        let version = crate::coding::before_change(&mut tx, book).await? + 1;
        if let Some(p) = parent {
            if !code_in_book(&mut tx, p, book).await? {
                return Ok(Err(Refusal::UnknownCode));
            }
        }
        let exists: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM codes WHERE codebook_id = $1 AND key = $2")
                .bind(book.0)
                .bind(key.trim())
                .fetch_one(&mut *tx)
                .await?;
        if exists > 0 {
            return Ok(Err(Refusal::DuplicateCode));
        }
        let id = crate::coding::insert_code(&mut tx, book, key.trim(), parent, &f).await?;
        log_decision(
            &mut tx,
            at,
            person,
            DecisionKind::CodeAdded,
            None,
            None,
            Some(CodeId(id)),
            &format!(
                "code {} added to codebook {book} (version {version})",
                key.trim()
            ),
            why.trim(),
        )
        .await?;
        crate::coding::write_version(&mut tx, book, version, Some(at), Some(person), why.trim())
            .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(CodeId(id)))
    }

    /// Changes a code's texts and colour, logged with who, why, and what changed (names and
    /// colour with their old and new values, the other texts by name), as the codebook's
    /// next version. A change that changes nothing is refused.
    pub async fn change_code_logged(
        &self,
        code: CodeId,
        fields: &CodeFields,
        person: PersonId,
        why: &str,
        at: i64,
    ) -> Result<Outcome<()>> {
        let f = fields.trimmed();
        if why.trim().is_empty() {
            return Ok(Err(Refusal::NoReason));
        }
        if f.name.nl.is_empty() || f.name.en.is_empty() {
            return Ok(Err(Refusal::Incomplete));
        }
        let mut tx = self.pool.begin().await?;
        let Some(book) =
            sqlx::query_scalar::<_, i64>("SELECT codebook_id FROM codes WHERE id = $1")
                .bind(code.0)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Ok(Err(Refusal::UnknownCode));
        };
        let book = CodebookId(book);
        // Locked before the old values are read, so they are the ones this change replaces.
        let version = crate::coding::before_change(&mut tx, book).await? + 1;
        let Some(old) = sqlx::query(
            "SELECT codebook_id, key, name_nl, name_en, description_nl, description_en, \
             inclusion_nl, inclusion_en, exclusion_nl, exclusion_en, examples_nl, examples_en, \
             colour FROM codes WHERE id = $1",
        )
        .bind(code.0)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Err(Refusal::UnknownCode));
        };
        let key: String = get(&old, "key")?;
        let text = |col: &str| -> Result<Bilingual> {
            Ok(Bilingual {
                nl: get(&old, &format!("{col}_nl"))?,
                en: get(&old, &format!("{col}_en"))?,
            })
        };
        let old_colour: Option<String> = get(&old, "colour")?;
        let before = CodeFields {
            name: text("name")?,
            description: text("description")?,
            inclusion: text("inclusion")?,
            exclusion: text("exclusion")?,
            examples: text("examples")?,
            colour: old_colour.and_then(|c| Colour::parse(&c).ok()),
        };
        let Some(what) = change_summary(&key, &before, &f) else {
            return Ok(Err(Refusal::Unchanged));
        };
        sqlx::query(
            "UPDATE codes SET name_nl = $1, name_en = $2, description_nl = $3, description_en = $4, \
             inclusion_nl = $5, inclusion_en = $6, exclusion_nl = $7, exclusion_en = $8, \
             examples_nl = $9, examples_en = $10, colour = $11 WHERE id = $12",
        )
        .bind(&f.name.nl)
        .bind(&f.name.en)
        .bind(&f.description.nl)
        .bind(&f.description.en)
        .bind(&f.inclusion.nl)
        .bind(&f.inclusion.en)
        .bind(&f.exclusion.nl)
        .bind(&f.exclusion.en)
        .bind(&f.examples.nl)
        .bind(&f.examples.en)
        .bind(f.colour.as_ref().map(|c| c.as_str().to_owned()))
        .bind(code.0)
        .execute(&mut *tx)
        .await?;
        log_decision(
            &mut tx,
            at,
            person,
            DecisionKind::CodeChanged,
            None,
            None,
            Some(code),
            &format!("{what} (version {version})"),
            why.trim(),
        )
        .await?;
        crate::coding::write_version(&mut tx, book, version, Some(at), Some(person), why.trim())
            .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// A coder confirms or rejects a slow-question candidate in an answer; a later verdict
    /// on the same span replaces the earlier one. The network is the response's.
    #[allow(clippy::too_many_arguments)]
    pub async fn judge_slow_question(
        &self,
        response: ResponseId,
        question: &str,
        start: usize,
        end: usize,
        status: SlowStatus,
        coder: PersonId,
        at: i64,
    ) -> Result<Outcome<i64>> {
        let mut tx = self.pool.begin().await?;
        let Some(network) =
            sqlx::query_scalar::<_, i64>("SELECT network_id FROM responses WHERE id = $1")
                .bind(response.0)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Ok(Err(Refusal::NotInAssignment));
        };
        if let Err(r) = check_span(&mut tx, response, question, start, end).await? {
            return Ok(Err(r));
        }
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO slow_question_confirmations \
             (network_id, response_id, question, start_pos, end_pos, status, coder_id, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (response_id, question, start_pos, end_pos) \
             DO UPDATE SET status = excluded.status, coder_id = excluded.coder_id, at = excluded.at \
             WHERE slow_question_confirmations.moved_to IS NULL \
             RETURNING id",
        )
        .bind(network)
        .bind(response.0)
        .bind(question)
        .bind(start as i64)
        .bind(end as i64)
        .bind(status.as_str())
        .bind(coder.0)
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        // No row: the verdict was moved to the network's log and stays as it was.
        let Some(id) = id else {
            return Ok(Err(Refusal::AlreadyMoved));
        };
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// The slow-question register: every verdict (of one network, or all), by network, then id.
    pub async fn slow_question_register(
        &self,
        network: Option<NetworkId>,
    ) -> Result<Vec<SlowConfirmation>> {
        let base = "SELECT id, network_id, response_id, question, start_pos, end_pos, status, coder_id, at, moved_to \
                    FROM slow_question_confirmations";
        let rows = match network {
            Some(n) => {
                sqlx::query(&format!(
                    "{base} WHERE network_id = $1 ORDER BY network_id, id"
                ))
                .bind(n.0)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!("{base} ORDER BY network_id, id"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                let s: String = get(r, "status")?;
                Ok(SlowConfirmation {
                    id: get(r, "id")?,
                    network: NetworkId(get(r, "network_id")?),
                    response: ResponseId(get(r, "response_id")?),
                    question: get(r, "question")?,
                    start: pos(get(r, "start_pos")?, "start")?,
                    end: pos(get(r, "end_pos")?, "end")?,
                    status: SlowStatus::parse(&s).ok_or_else(|| {
                        StoreError::Corrupt(format!("slow-question verdict {s:?}"))
                    })?,
                    coder: PersonId(get(r, "coder_id")?),
                    at: get(r, "at")?,
                    moved_to: get::<Option<i64>>(r, "moved_to")?.map(SlowQuestionId),
                })
            })
            .collect()
    }
}

impl Store {
    /// Moves a confirmed entry of the slow-question register into its network's
    /// slow-question log (no author: it came from an anonymous answer) and marks it moved,
    /// in one transaction. A rejected entry, or one already moved, is refused.
    pub async fn move_slow_question_to_log(
        &self,
        entry: i64,
        by: PersonId,
        at: i64,
    ) -> Result<Outcome<SlowQuestionId>> {
        let mut tx = self.pool.begin().await?;
        // Lock the entry first (see `assignment_for_update`), so two moves cannot both pass.
        sqlx::query("UPDATE slow_question_confirmations SET id = id WHERE id = $1")
            .bind(entry)
            .execute(&mut *tx)
            .await?;
        let Some(r) = sqlx::query(
            "SELECT response_id, question, start_pos, end_pos, status, moved_to \
             FROM slow_question_confirmations WHERE id = $1",
        )
        .bind(entry)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Err(Refusal::NoSlowQuestion));
        };
        if get::<Option<i64>>(&r, "moved_to")?.is_some() {
            return Ok(Err(Refusal::AlreadyMoved));
        }
        if get::<String>(&r, "status")? != SlowStatus::Confirmed.as_str() {
            return Ok(Err(Refusal::NotConfirmed));
        }
        let (response, question) = (
            ResponseId(get(&r, "response_id")?),
            get::<String>(&r, "question")?,
        );
        let (start, end) = (
            pos(get(&r, "start_pos")?, "start")?,
            pos(get(&r, "end_pos")?, "end")?,
        );
        let logged = match crate::workspace::slow_question_from_answer_in(
            &mut tx,
            response,
            &question,
            start,
            end,
            &[],
            at,
        )
        .await
        {
            Ok(id) => id,
            Err(crate::workspace::WsError::Store(e)) => return Err(e),
            // The answer no longer holds the span (say, it was erased).
            Err(crate::workspace::WsError::Refused(_)) => {
                let len = answer_text(&mut tx, response, &question)
                    .await?
                    .map_or(0, |t| t.chars().count());
                return Ok(Err(Refusal::OutsideText { start, end, len }));
            }
        };
        sqlx::query(
            "UPDATE slow_question_confirmations SET moved_to = $1, moved_by = $2, moved_at = $3 WHERE id = $4",
        )
        .bind(logged.0)
        .bind(by.0)
        .bind(at)
        .bind(entry)
        .execute(&mut *tx)
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(logged))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_kind_is_stored_as_its_word_and_read_back() {
        for &k in DecisionKind::ALL {
            assert_eq!(DecisionKind::parse(k.as_str()), Some(k));
        }
        for word in ["", "Consensus", "code-added", "code_", " finished"] {
            assert_eq!(DecisionKind::parse(word), None, "{word:?}");
        }
    }
}

#[cfg(test)]
mod facts_tests {
    use super::*;

    fn entry(kind: DecisionKind, what: &str) -> CodingDecision {
        CodingDecision {
            id: 1,
            at: 0,
            person: PersonId(1),
            kind,
            assignment: None,
            response: None,
            document: None,
            code: None,
            what: what.to_owned(),
            why: String::new(),
        }
    }

    #[test]
    fn the_facts_are_read_back_from_what_the_log_writes() {
        assert_eq!(
            entry(
                DecisionKind::Finished,
                &format!("finished with {} codings", 12)
            )
            .facts()
            .codings,
            Some(12)
        );
        // as `settle` and `settle_document` write it
        let what = format!(
            "consensus: {}",
            [("theme.a", 17, 36), ("theme.b", 0, 4)]
                .map(|(key, s, e)| format!("{key} [{s}–{e})"))
                .join(", ")
        );
        assert_eq!(
            entry(DecisionKind::Consensus, &what).facts().settled,
            [
                ("theme.a".to_owned(), Some((17, 36))),
                ("theme.b".to_owned(), Some((0, 4)))
            ]
        );
        assert!(entry(DecisionKind::Consensus, "consensus: no code")
            .facts()
            .settled
            .is_empty());
        assert_eq!(
            entry(
                DecisionKind::CodeAdded,
                "code theme.c added to codebook 2 (version 4)"
            )
            .facts()
            .version,
            Some(4)
        );
        // A change as `change_summary` writes it, a name with "; " and quotes in it too.
        let old = CodeFields {
            name: Bilingual {
                nl: "Oud; \"met\" aanhalingstekens".into(),
                en: "Old".into(),
            },
            description: Bilingual::default(),
            inclusion: Bilingual::default(),
            exclusion: Bilingual::default(),
            examples: Bilingual::default(),
            colour: None,
        };
        let mut new = old.clone();
        new.name.nl = "Nieuw; colour x".into();
        new.inclusion.en = "Only when".into();
        new.colour = Colour::parse("#112233").ok();
        let what = format!(
            "{} (version 7)",
            change_summary("theme.a", &old, &new).unwrap()
        );
        let f = entry(DecisionKind::CodeChanged, &what).facts();
        assert_eq!(f.version, Some(7));
        assert_eq!(
            f.changed,
            [CodePart::Name, CodePart::Inclusion, CodePart::Colour],
            "{what}"
        );
        // What it cannot read stays empty.
        assert_eq!(
            entry(DecisionKind::Finished, "something else").facts(),
            DecisionFacts::default()
        );
    }
}
