//! The practice workspace of a learning network: sessions and their attendance, agenda rounds
//! with dot voting, the slow-question log, value-creation stories, e-mail opt-ins with an
//! outbox, and what one person contributed (export and erasure).
//!
//! Why it exists: networks learn between survey waves in intervision and reflection sessions
//! with an agenda they set together. Keeping that practice here lets the next wave, the
//! analysis and the report start from what actually happened.
//!
//! Invariants:
//! - every write checks that what it touches belongs to the network named (a session, topic
//!   or question of another network is refused as [`Refusal::NotInNetwork`]) and refuses
//!   bad input ([`Refusal`]) before anything is written; a multi-row write is one
//!   transaction, so a refusal found half-way stores nothing;
//! - votes are checked in the transaction that writes them, after taking the write lock
//!   (an `UPDATE` of the round first): a closed round or a vote beyond the allowance is never
//!   stored, also when two requests race;
//! - an anonymous slow question keeps its author only so that the author can edit, export
//!   and erase it; [`WsSlowQuestion::author`] is `None` for it unless asked by the author;
//! - erasing a person ([`erase_person_in`]) blanks their texts and unlinks them, but keeps
//!   the rows: attendance counts, questions brought in, topics from members and votes cast
//!   stay as they were, so a network's figures do not change;
//! - no text of a member is logged (only ids and counts).

use crate::{get, Result as StoreResult, Store, StoreError};
use leernet_core::*;
use std::collections::BTreeMap;

/// The longest title (a topic, an agenda item, a round).
pub const MAX_TITLE: usize = 200;
/// The longest place name.
pub const MAX_PLACE: usize = 200;
/// The longest text (a report, a question, a note, a story).
pub const MAX_TEXT: usize = 4000;
/// The most theme codes on one question.
pub const MAX_THEMES: usize = 12;
/// The longest online link of a session.
pub const MAX_LINK: usize = 500;

/// The time zone of every session's date and times: they are stored as local wall-clock
/// times there (`yyyy-mm-dd`, `hh:mm`) and turned into UTC only for calendar files.
pub const SESSION_TIME_ZONE: &str = "Europe/Amsterdam";

/// Checks a time of day `hh:mm` (24 hours); `""` is no time.
pub fn check_time(s: &str) -> Result<String, Refusal> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    let b = t.as_bytes();
    let ok = b.len() == 5
        && b[2] == b':'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_ascii_digit())
        && t[..2].parse::<u8>().is_ok_and(|h| h < 24)
        && t[3..].parse::<u8>().is_ok_and(|m| m < 60);
    if ok {
        Ok(t.to_owned())
    } else {
        Err(Refusal::BadTime(t.chars().take(20).collect()))
    }
}

/// Checks a session's start and end: an end needs a start and comes after it.
fn check_times(start: &str, end: &str) -> Result<(String, String), Refusal> {
    let (start, end) = (check_time(start)?, check_time(end)?);
    if !end.is_empty() && (start.is_empty() || end <= start) {
        return Err(Refusal::BadTime(end));
    }
    Ok((start, end))
}

/// Checks an online link: `""`, or an `https://` (or `http://`) address with a host and no
/// spaces, quotes or angle brackets, at most [`MAX_LINK`] characters. It is shown as a link
/// and written into calendar files, so nothing else gets through.
pub fn check_link(s: &str) -> Result<String, Refusal> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or(Refusal::BadLink)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b':')
        && host.contains('.')
        && !host.starts_with(['.', '-', ':']);
    let chars_ok = t.chars().all(|c| {
        !c.is_whitespace() && !c.is_control() && !matches!(c, '"' | '<' | '>' | '`' | '\\')
    });
    if host_ok && chars_ok && t.chars().count() <= MAX_LINK {
        Ok(t.to_owned())
    } else {
        Err(Refusal::BadLink)
    }
}

/// Why the workspace refused a write; nothing was stored. The web app shows each in the
/// user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0} is empty")]
    Empty(&'static str),
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{0:?} is not a date (yyyy-mm-dd, between 2000 and 2100)")]
    BadDate(String),
    #[error("{0:?} is not a method key")]
    BadMethod(String),
    #[error("{0:?} is not a theme code key")]
    BadTheme(String),
    #[error("it does not belong to this network")]
    NotInNetwork,
    #[error("the agenda round is closed")]
    RoundClosed,
    #[error("this network already has an open agenda round")]
    RoundAlreadyOpen,
    #[error("a member has {allowed} votes in this round, not {asked}")]
    OverAllowance { allowed: i64, asked: i64 },
    #[error("the number of votes on a topic must be a whole number from 0 to 20")]
    NegativeVotes,
    #[error("the votes per member must be between 1 and 20")]
    BadAllowance,
    #[error("only its author may change this question")]
    NotAuthor,
    #[error("a story needs at least one value-creation cycle")]
    NoCycle,
    #[error("the positions do not lie inside the answer")]
    BadSpan,
    #[error("{0:?} is not a time of day (hh:mm), or the end is not after the start")]
    BadTime(String),
    #[error("the online link is not a web address (https://…)")]
    BadLink,
    #[error("the session was held or cancelled already")]
    SessionClosed,
    #[error("whether it helped is a point of the scale from 1 to 4")]
    BadHelped,
    #[error("a response to the profile is 'yes', 'partly' or 'no'")]
    BadVerdict,
}

/// The most votes (dots) a round can give each member; the database holds the same bound.
pub const MAX_VOTES_PER_MEMBER: u8 = 20;

/// The dots one member puts on one topic: a whole number from 0 to [`MAX_VOTES_PER_MEMBER`].
/// A count from a form or a caller becomes one only through `parse` or `try_from`, so a count
/// that exists cannot overflow any sum of a member's dots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dots(u8);

impl Dots {
    /// Reads a count as typed in a form: blank is 0; anything but a whole number from 0 to
    /// the maximum is refused.
    pub fn parse(s: &str) -> Result<Dots, Refusal> {
        match s.trim() {
            "" => Ok(Dots(0)),
            t => t
                .parse::<u8>()
                .map_err(|_| Refusal::NegativeVotes)
                .and_then(|n| Dots::try_from(i64::from(n))),
        }
    }

    /// The count.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for Dots {
    type Error = Refusal;
    fn try_from(n: i64) -> Result<Dots, Refusal> {
        u8::try_from(n)
            .ok()
            .filter(|n| *n <= MAX_VOTES_PER_MEMBER)
            .map(Dots)
            .ok_or(Refusal::NegativeVotes)
    }
}

/// What went wrong in a workspace write: a refusal (the input) or the store (our side).
#[derive(Debug, thiserror::Error)]
pub enum WsError {
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for WsError {
    fn from(e: sqlx::Error) -> WsError {
        WsError::Store(StoreError::Db(e))
    }
}

/// Result of a workspace write.
pub type WsResult<T> = std::result::Result<T, WsError>;

fn refuse<T>(r: Refusal) -> WsResult<T> {
    Err(WsError::Refused(r))
}

/// Checks a text field: trimmed, not empty (when `required`), at most `max` characters.
pub fn check_text(
    field: &'static str,
    s: &str,
    max: usize,
    required: bool,
) -> Result<String, Refusal> {
    let t = s.trim();
    if required && t.is_empty() {
        return Err(Refusal::Empty(field));
    }
    if t.chars().count() > max {
        return Err(Refusal::TooLong { field, max });
    }
    Ok(t.to_owned())
}

/// Checks an ISO date `yyyy-mm-dd` that exists in the calendar, between 2000 and 2100.
pub fn check_date(s: &str) -> Result<String, Refusal> {
    let bad = || Refusal::BadDate(s.chars().take(20).collect());
    let b = s.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &b[r];
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err(bad());
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if !(2000..=2100).contains(&y) || d == 0 || d > days {
        return Err(bad());
    }
    Ok(s.trim().to_owned())
}

/// A key of the method library or a code: lower-case letters, digits, `_`, `-` and `.`
/// (code keys are paths such as `theme.poverty_debts`), 1 to 60 long.
pub fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 60
        && s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-' || b == b'.'
        })
}

/// Wenger-Trayner's value-creation cycles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cycle {
    Immediate,
    Potential,
    Applied,
    Realised,
    Reframing,
}

impl Cycle {
    /// Every cycle, in the framework's order.
    pub const ALL: [Cycle; 5] = [
        Cycle::Immediate,
        Cycle::Potential,
        Cycle::Applied,
        Cycle::Realised,
        Cycle::Reframing,
    ];

    /// The stored key.
    pub fn as_str(self) -> &'static str {
        match self {
            Cycle::Immediate => "immediate",
            Cycle::Potential => "potential",
            Cycle::Applied => "applied",
            Cycle::Realised => "realised",
            Cycle::Reframing => "reframing",
        }
    }

    /// The cycle with this key.
    pub fn parse(s: &str) -> Option<Cycle> {
        Cycle::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The stored key of a slow question's status.
pub fn status_str(s: SlowQuestionStatus) -> &'static str {
    match s {
        SlowQuestionStatus::New => "new",
        SlowQuestionStatus::Explored => "explored",
        SlowQuestionStatus::TakenToPractice => "taken_to_practice",
        SlowQuestionStatus::Parked => "parked",
    }
}

/// The status with this key.
pub fn parse_status(s: &str) -> Option<SlowQuestionStatus> {
    [
        SlowQuestionStatus::New,
        SlowQuestionStatus::Explored,
        SlowQuestionStatus::TakenToPractice,
        SlowQuestionStatus::Parked,
    ]
    .into_iter()
    .find(|x| status_str(*x) == s)
}

/// A session to plan (or to record straight away, with `held`).
#[derive(Debug, Clone, Default)]
pub struct NewSession {
    /// The local date in [`SESSION_TIME_ZONE`].
    pub date: String,
    /// Local start and end (`hh:mm`, or `""`).
    pub start: String,
    pub end: String,
    /// The online link (`""`: none).
    pub link: String,
    pub place: String,
    pub online: bool,
    /// A key of the method library (`content/methods.toml`).
    pub method: String,
    /// The named intervision model, when the method has one (`""` otherwise).
    pub model: String,
    /// The facilitator's own agenda items.
    pub agenda: Vec<String>,
}

/// What a facilitator records after a session.
#[derive(Debug, Clone, Default)]
pub struct SessionRecord {
    pub date: String,
    pub start: String,
    pub end: String,
    pub link: String,
    pub place: String,
    pub online: bool,
    pub method: String,
    pub model: String,
    pub report: String,
    /// The people present (each must belong to the network).
    pub present: Vec<PersonId>,
    /// Agenda items added now.
    pub agenda_add: Vec<String>,
}

/// One item a session treated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaItem {
    pub id: i64,
    pub title: String,
    pub topic: Option<i64>,
    pub from_member: bool,
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsSession {
    pub id: SessionId,
    pub network: NetworkId,
    /// The local date, start and end (`hh:mm` or `""`) in [`SESSION_TIME_ZONE`].
    pub date: String,
    pub start: String,
    pub end: String,
    /// The online link (`""`: none).
    pub link: String,
    /// The iCalendar SEQUENCE: raised by every change after planning.
    pub sequence: i64,
    pub cancelled: bool,
    pub place: String,
    pub online: bool,
    pub method: String,
    pub model: String,
    pub report: String,
    pub held: bool,
    pub agenda: Vec<AgendaItem>,
    /// The people present who are still known, by id.
    pub present: Vec<PersonId>,
    /// How many were present (erased people included).
    pub attendance: i64,
}

/// A topic of an agenda round, with the dots it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub id: i64,
    pub title: String,
    pub proposer: Option<PersonId>,
    pub from_member: bool,
    pub chosen: bool,
    pub session: Option<SessionId>,
    pub erased: bool,
    pub dots: i64,
}

/// An agenda round with its topics (by dots, then id, once closed; by id while open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub id: i64,
    pub network: NetworkId,
    pub title: String,
    pub votes_per_member: i64,
    pub open: bool,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub topics: Vec<Topic>,
    /// How many people voted.
    pub voters: i64,
}

/// A slow question to bring in.
#[derive(Debug, Clone)]
pub struct NewSlowQuestion {
    pub network: NetworkId,
    pub text: String,
    pub author: Option<PersonId>,
    pub anonymous: bool,
    pub session: Option<SessionId>,
    pub themes: Vec<String>,
}

/// A slow question as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsSlowQuestion {
    pub id: SlowQuestionId,
    pub network: NetworkId,
    pub text: String,
    /// The author; `None` when anonymous (unless read by the author) or erased.
    pub author: Option<PersonId>,
    pub anonymous: bool,
    /// Whether the reader brought it in (also when anonymous).
    pub mine: bool,
    pub session: Option<SessionId>,
    pub themes: Vec<String>,
    pub status: SlowQuestionStatus,
    pub followup: String,
    pub created_at: i64,
    pub erased: bool,
    /// The open answer it was moved from: response, question, start, end (code points).
    pub source: Option<(ResponseId, String, i64, i64)>,
}

/// A value-creation story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    pub id: i64,
    pub network: NetworkId,
    pub author: Option<PersonId>,
    pub text: String,
    pub cycles: Vec<Cycle>,
    pub created_at: i64,
    pub erased: bool,
}

/// A message waiting in the outbox (sending by SMTP is not part of the store).
/// What an outbox message tells its member. Stored by [`OutboxKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxKind {
    /// An agenda round was opened.
    RoundOpened,
    /// A session was planned.
    SessionPlanned,
}

impl OutboxKind {
    /// Every kind.
    pub const ALL: &'static [OutboxKind] = &[OutboxKind::RoundOpened, OutboxKind::SessionPlanned];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxKind::RoundOpened => "round_opened",
            OutboxKind::SessionPlanned => "session_planned",
        }
    }

    /// The kind of a stored word; `None` for any other.
    pub fn parse(s: &str) -> Option<OutboxKind> {
        OutboxKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The column of `ws_notify` in which a member opts in to it.
    fn opt_in_column(self) -> &'static str {
        match self {
            OutboxKind::RoundOpened => "on_round",
            OutboxKind::SessionPlanned => "on_session",
        }
    }
}

/// A kind equals its stored word (`kind == "round_opened"`).
impl PartialEq<&str> for OutboxKind {
    fn eq(&self, word: &&str) -> bool {
        self.as_str() == *word
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub person: PersonId,
    pub network: NetworkId,
    pub kind: OutboxKind,
    /// The round's or the session's id.
    pub subject: i64,
    pub created_at: i64,
}

/// What a person's erasure changed, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erasure {
    pub slow_questions: u64,
    pub topics: u64,
    pub votes: u64,
    pub stories: u64,
    pub attendance: u64,
    pub sessions: u64,
    pub outbox: u64,
}

fn joined(v: &[String]) -> String {
    v.join(",")
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

fn checked_agenda(items: &[String]) -> Result<Vec<String>, Refusal> {
    let mut out = Vec::new();
    for i in items {
        let t = check_text("agenda item", i, MAX_TITLE, false)?;
        if !t.is_empty() {
            out.push(t);
        }
    }
    if out.len() > 30 {
        return Err(Refusal::TooLong {
            field: "agenda",
            max: 30,
        });
    }
    Ok(out)
}

fn checked_themes(themes: &[String]) -> Result<Vec<String>, Refusal> {
    let mut out: Vec<String> = Vec::new();
    for t in themes {
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        if !is_key(t) {
            return Err(Refusal::BadTheme(t.chars().take(40).collect()));
        }
        if !out.iter().any(|x| x == t) {
            out.push(t.to_owned());
        }
    }
    if out.len() > MAX_THEMES {
        return Err(Refusal::TooLong {
            field: "themes",
            max: MAX_THEMES,
        });
    }
    Ok(out)
}

type Conn = sqlx::AnyConnection;

async fn in_network(conn: &mut Conn, person: PersonId, network: NetworkId) -> StoreResult<bool> {
    let n: Option<i64> = sqlx::query_scalar(
        "SELECT person_id FROM person_networks WHERE person_id = $1 AND network_id = $2 \
         AND member_until IS NULL",
    )
    .bind(person.0)
    .bind(network.0)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(n.is_some())
}

/// Whether `person` can attend a session of `network`: one of its members or its facilitator.
/// A coordinator or researcher linked to the network reads its work but takes no part in it.
async fn attends(conn: &mut Conn, person: PersonId, network: NetworkId) -> StoreResult<bool> {
    let n: Option<i64> = sqlx::query_scalar(
        "SELECT pn.person_id FROM person_networks pn JOIN persons p ON p.id = pn.person_id \
         WHERE pn.person_id = $1 AND pn.network_id = $2 AND p.role IN ('member', 'facilitator') \
         AND pn.member_until IS NULL",
    )
    .bind(person.0)
    .bind(network.0)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(n.is_some())
}

async fn session_network(conn: &mut Conn, id: SessionId) -> StoreResult<Option<NetworkId>> {
    let n: Option<i64> = sqlx::query_scalar("SELECT network_id FROM ws_sessions WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(n.map(NetworkId))
}

/// A message of `kind` for each member of `network` who opted in to it, by id.
async fn enqueue(
    conn: &mut Conn,
    network: NetworkId,
    kind: OutboxKind,
    subject: i64,
    now: i64,
) -> StoreResult<()> {
    let column = kind.opt_in_column();
    let sql = format!(
        "INSERT INTO ws_outbox (person_id, network_id, kind, subject_id, created_at) \
         SELECT n.person_id, $1, $2, $3, $4 FROM ws_notify n \
         JOIN person_networks pn ON pn.person_id = n.person_id AND pn.network_id = $1 \
         AND pn.member_until IS NULL \
         WHERE n.{column} = 1 ORDER BY n.person_id"
    );
    sqlx::query(&sql)
        .bind(network.0)
        .bind(kind.as_str())
        .bind(subject)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A session's details as checked: date, start, end, place, link.
struct SessionFields {
    date: String,
    start: String,
    end: String,
    place: String,
    link: String,
}

fn check_session_fields(
    (date, start, end): (&str, &str, &str),
    place: &str,
    link: &str,
    method: &str,
    model: &str,
) -> Result<SessionFields, Refusal> {
    let date = check_date(date)?;
    let (start, end) = check_times(start, end)?;
    let place = check_text("place", place, MAX_PLACE, false)?;
    let link = check_link(link)?;
    if !is_key(method) {
        return Err(Refusal::BadMethod(method.chars().take(40).collect()));
    }
    if !model.is_empty() && !is_key(model) {
        return Err(Refusal::BadMethod(model.chars().take(40).collect()));
    }
    Ok(SessionFields {
        date,
        start,
        end,
        place,
        link,
    })
}

/// How long a claim on an outbox message holds (seconds): longer than any one send takes,
/// short enough that a message whose sender died goes out with a later send.
pub const OUTBOX_CLAIM_SECONDS: i64 = 600;

impl Store {
    /// Plans a session of `network` with the facilitator's agenda items; tells the members
    /// who opted in (outbox). One transaction.
    pub async fn plan_session(
        &self,
        network: NetworkId,
        s: &NewSession,
        by: Option<PersonId>,
        now: i64,
    ) -> WsResult<SessionId> {
        let f = check_session_fields(
            (&s.date, &s.start, &s.end),
            &s.place,
            &s.link,
            &s.method,
            &s.model,
        )?;
        let agenda = checked_agenda(&s.agenda)?;
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO ws_sessions (network_id, date, place, online, method, model, created_by, \
             start_time, end_time, link) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(network.0)
        .bind(&f.date)
        .bind(&f.place)
        .bind(i64::from(s.online || !f.link.is_empty()))
        .bind(&s.method)
        .bind(&s.model)
        .bind(by.map(|p| p.0))
        .bind(&f.start)
        .bind(&f.end)
        .bind(&f.link)
        .fetch_one(&mut *tx)
        .await?;
        for a in &agenda {
            sqlx::query(
                "INSERT INTO ws_agenda_items (session_id, title, from_member) VALUES ($1, $2, 0)",
            )
            .bind(id)
            .bind(a)
            .execute(&mut *tx)
            .await?;
        }
        enqueue(&mut tx, network, OutboxKind::SessionPlanned, id, now).await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        tracing::debug!(network = network.0, session = id, "session planned");
        Ok(SessionId(id))
    }

    /// Records a session of `network`: its details, report and attendance (replacing what was
    /// recorded before), and more agenda items; marks it held. One transaction.
    pub async fn record_session(
        &self,
        network: NetworkId,
        id: SessionId,
        r: &SessionRecord,
    ) -> WsResult<()> {
        let f = check_session_fields(
            (&r.date, &r.start, &r.end),
            &r.place,
            &r.link,
            &r.method,
            &r.model,
        )?;
        let report = check_text("report", &r.report, MAX_TEXT, false)?;
        let agenda = checked_agenda(&r.agenda_add)?;
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE ws_sessions SET date = $1, place = $2, online = $3, method = $4, model = $5, \
             report = $6, held = 1, start_time = $9, end_time = $10, link = $11, \
             sequence = sequence + 1 WHERE id = $7 AND network_id = $8 AND cancelled = 0",
        )
        .bind(&f.date)
        .bind(&f.place)
        .bind(i64::from(r.online || !f.link.is_empty()))
        .bind(&r.method)
        .bind(&r.model)
        .bind(&report)
        .bind(id.0)
        .bind(network.0)
        .bind(&f.start)
        .bind(&f.end)
        .bind(&f.link)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            // A cancelled session of this network is kept as it was; anything else is not
            // this network's.
            let cancelled: Option<i64> = sqlx::query_scalar(
                "SELECT cancelled FROM ws_sessions WHERE id = $1 AND network_id = $2",
            )
            .bind(id.0)
            .bind(network.0)
            .fetch_optional(&mut *tx)
            .await?;
            return refuse(if cancelled == Some(1) {
                Refusal::SessionClosed
            } else {
                Refusal::NotInNetwork
            });
        }
        let mut present = r.present.clone();
        present.sort();
        present.dedup();
        for p in &present {
            if !attends(&mut tx, *p, network).await? {
                return refuse(Refusal::NotInNetwork);
            }
        }
        // Erased attendees (person NULL) stay; the known ones are replaced.
        sqlx::query("DELETE FROM ws_attendance WHERE session_id = $1 AND person_id IS NOT NULL")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        for p in &present {
            sqlx::query("INSERT INTO ws_attendance (session_id, person_id) VALUES ($1, $2)")
                .bind(id.0)
                .bind(p.0)
                .execute(&mut *tx)
                .await?;
        }
        for a in &agenda {
            sqlx::query(
                "INSERT INTO ws_agenda_items (session_id, title, from_member) VALUES ($1, $2, 0)",
            )
            .bind(id.0)
            .bind(a)
            .execute(&mut *tx)
            .await?;
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The sessions of `network` (every network when `None`), by date and id.
    pub async fn ws_sessions(&self, network: Option<NetworkId>) -> StoreResult<Vec<WsSession>> {
        let rows = sqlx::query(
            "SELECT id, network_id, date, place, online, method, model, report, held, \
             start_time, end_time, link, sequence, cancelled \
             FROM ws_sessions WHERE ($1 = 0 OR network_id = $1) ORDER BY date, start_time, id",
        )
        .bind(network.map_or(0, |n| n.0))
        .fetch_all(&self.pool)
        .await?;
        let items = sqlx::query(
            "SELECT a.id, a.session_id, a.title, a.topic_id, a.from_member FROM ws_agenda_items a \
             JOIN ws_sessions s ON s.id = a.session_id WHERE ($1 = 0 OR s.network_id = $1) \
             ORDER BY a.id",
        )
        .bind(network.map_or(0, |n| n.0))
        .fetch_all(&self.pool)
        .await?;
        let present = sqlx::query(
            "SELECT a.session_id, a.person_id FROM ws_attendance a \
             JOIN ws_sessions s ON s.id = a.session_id WHERE ($1 = 0 OR s.network_id = $1) \
             ORDER BY a.session_id, a.id",
        )
        .bind(network.map_or(0, |n| n.0))
        .fetch_all(&self.pool)
        .await?;
        let mut agenda: BTreeMap<i64, Vec<AgendaItem>> = BTreeMap::new();
        for r in &items {
            agenda
                .entry(get(r, "session_id")?)
                .or_default()
                .push(AgendaItem {
                    id: get(r, "id")?,
                    title: get(r, "title")?,
                    topic: get(r, "topic_id")?,
                    from_member: get::<i64>(r, "from_member")? == 1,
                });
        }
        let mut att: BTreeMap<i64, (Vec<PersonId>, i64)> = BTreeMap::new();
        for r in &present {
            let e = att.entry(get(r, "session_id")?).or_default();
            e.1 += 1;
            if let Some(p) = get::<Option<i64>>(r, "person_id")? {
                e.0.push(PersonId(p));
            }
        }
        rows.iter()
            .map(|r| {
                let id: i64 = get(r, "id")?;
                let (mut present, attendance) = att.remove(&id).unwrap_or_default();
                present.sort();
                Ok(WsSession {
                    id: SessionId(id),
                    network: NetworkId(get(r, "network_id")?),
                    date: get(r, "date")?,
                    start: get(r, "start_time")?,
                    end: get(r, "end_time")?,
                    link: get(r, "link")?,
                    sequence: get(r, "sequence")?,
                    cancelled: get::<i64>(r, "cancelled")? == 1,
                    place: get(r, "place")?,
                    online: get::<i64>(r, "online")? == 1,
                    method: get(r, "method")?,
                    model: get(r, "model")?,
                    report: get(r, "report")?,
                    held: get::<i64>(r, "held")? == 1,
                    agenda: agenda.remove(&id).unwrap_or_default(),
                    present,
                    attendance,
                })
            })
            .collect()
    }

    /// One session of `network`; `None` when it does not exist or belongs to another.
    pub async fn ws_session(
        &self,
        network: NetworkId,
        id: SessionId,
    ) -> StoreResult<Option<WsSession>> {
        Ok(self
            .ws_sessions(Some(network))
            .await?
            .into_iter()
            .find(|s| s.id == id))
    }

    /// Changes a planned session's date, times, place, link and method (not yet held, not
    /// cancelled), raising its SEQUENCE so that calendars take the change over.
    pub async fn reschedule_session(
        &self,
        network: NetworkId,
        id: SessionId,
        s: &NewSession,
    ) -> WsResult<()> {
        let f = check_session_fields(
            (&s.date, &s.start, &s.end),
            &s.place,
            &s.link,
            &s.method,
            &s.model,
        )?;
        let mut tx = self.pool.begin().await?;
        let state = Self::planned_state(&mut tx, network, id).await?;
        if state != (0, 0) {
            return refuse(Refusal::SessionClosed);
        }
        sqlx::query(
            "UPDATE ws_sessions SET date = $1, start_time = $2, end_time = $3, place = $4, \
             online = $5, link = $6, method = $7, model = $8, sequence = sequence + 1 \
             WHERE id = $9",
        )
        .bind(&f.date)
        .bind(&f.start)
        .bind(&f.end)
        .bind(&f.place)
        .bind(i64::from(s.online || !f.link.is_empty()))
        .bind(&f.link)
        .bind(&s.method)
        .bind(&s.model)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Cancels a planned session of `network`: kept, marked cancelled, its SEQUENCE raised (a
    /// calendar then shows it as cancelled). A held or cancelled session is refused.
    pub async fn cancel_session(&self, network: NetworkId, id: SessionId) -> WsResult<()> {
        let mut tx = self.pool.begin().await?;
        if Self::planned_state(&mut tx, network, id).await? != (0, 0) {
            return refuse(Refusal::SessionClosed);
        }
        sqlx::query("UPDATE ws_sessions SET cancelled = 1, sequence = sequence + 1 WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        tracing::debug!(network = network.0, session = id.0, "session cancelled");
        Ok(())
    }

    /// Locks a session of `network` for writing; `(held, cancelled)`.
    async fn planned_state(
        conn: &mut Conn,
        network: NetworkId,
        id: SessionId,
    ) -> WsResult<(i64, i64)> {
        let done =
            sqlx::query("UPDATE ws_sessions SET held = held WHERE id = $1 AND network_id = $2")
                .bind(id.0)
                .bind(network.0)
                .execute(&mut *conn)
                .await?;
        if done.rows_affected() == 0 {
            return refuse(Refusal::NotInNetwork);
        }
        let r = sqlx::query("SELECT held, cancelled FROM ws_sessions WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *conn)
            .await?;
        Ok((get(&r, "held")?, get(&r, "cancelled")?))
    }

    /// The person whose calendar feed has this secret's hash, if any.
    pub async fn calendar_feed_person(&self, token_hash: &str) -> StoreResult<Option<PersonId>> {
        let p: Option<i64> =
            sqlx::query_scalar("SELECT person_id FROM ws_calendar_feeds WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(p.map(PersonId))
    }

    /// When `person`'s calendar feed was made (`None`: they have none).
    pub async fn calendar_feed_made(&self, person: PersonId) -> StoreResult<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT created_at FROM ws_calendar_feeds WHERE person_id = $1")
                .bind(person.0)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Gives `person` a calendar feed with this secret's hash, replacing the one they had
    /// (whose link stops working).
    pub async fn renew_calendar_feed(
        &self,
        person: PersonId,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM ws_calendar_feeds WHERE person_id = $1")
            .bind(person.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO ws_calendar_feeds (person_id, token_hash, created_at) VALUES ($1, $2, $3)",
        )
        .bind(person.0)
        .bind(token_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends `person`'s calendar feed: its link stops working.
    pub async fn revoke_calendar_feed(&self, person: PersonId) -> StoreResult<()> {
        sqlx::query("DELETE FROM ws_calendar_feeds WHERE person_id = $1")
            .bind(person.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Opens an agenda round of `network` (one open round at a time); tells the members who
    /// opted in. One transaction.
    pub async fn open_round(
        &self,
        network: NetworkId,
        title: &str,
        votes_per_member: i64,
        now: i64,
    ) -> WsResult<i64> {
        let title = check_text("title", title, MAX_TITLE, true)?;
        if !(1..=i64::from(MAX_VOTES_PER_MEMBER)).contains(&votes_per_member) {
            return refuse(Refusal::BadAllowance);
        }
        let mut tx = self.pool.begin().await?;
        // Take the write lock (SQLite) before looking, so two openings cannot both pass.
        sqlx::query("UPDATE networks SET name = name WHERE id = $1")
            .bind(network.0)
            .execute(&mut *tx)
            .await?;
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM ws_rounds WHERE network_id = $1 AND status = 'open'",
        )
        .bind(network.0)
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return refuse(Refusal::RoundAlreadyOpen);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO ws_rounds (network_id, title, votes_per_member, status, opened_at) \
             VALUES ($1, $2, $3, 'open', $4) RETURNING id",
        )
        .bind(network.0)
        .bind(&title)
        .bind(votes_per_member)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        enqueue(&mut tx, network, OutboxKind::RoundOpened, id, now).await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Locks round `round` of `network` for writing and tells whether it is open.
    async fn lock_round(conn: &mut Conn, network: NetworkId, round: i64) -> WsResult<i64> {
        let done =
            sqlx::query("UPDATE ws_rounds SET status = status WHERE id = $1 AND network_id = $2")
                .bind(round)
                .bind(network.0)
                .execute(&mut *conn)
                .await?;
        if done.rows_affected() == 0 {
            return refuse(Refusal::NotInNetwork);
        }
        let r = sqlx::query("SELECT status, votes_per_member FROM ws_rounds WHERE id = $1")
            .bind(round)
            .fetch_one(&mut *conn)
            .await?;
        if get::<String>(&r, "status")? != "open" {
            return refuse(Refusal::RoundClosed);
        }
        Ok(get(&r, "votes_per_member")?)
    }

    /// Adds a topic to an open round of `network`, proposed by `proposer` (who must belong to
    /// the network); `from_member` tells a member's topic from the facilitator's.
    pub async fn propose_topic(
        &self,
        network: NetworkId,
        round: i64,
        proposer: PersonId,
        from_member: bool,
        title: &str,
    ) -> WsResult<i64> {
        let title = check_text("title", title, MAX_TITLE, true)?;
        let mut tx = self.pool.begin().await?;
        Self::lock_round(&mut tx, network, round).await?;
        if !in_network(&mut tx, proposer, network).await? {
            return refuse(Refusal::NotInNetwork);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO ws_topics (round_id, title, proposer_id, from_member) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(round)
        .bind(&title)
        .bind(proposer.0)
        .bind(i64::from(from_member))
        .fetch_one(&mut *tx)
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Sets `voter`'s dots in an open round of `network` (replacing their earlier dots): each
    /// topic must be of the round, no count below 0, the sum within the round's allowance.
    /// Checked and written in one transaction.
    pub async fn cast_votes(
        &self,
        network: NetworkId,
        round: i64,
        voter: PersonId,
        dots: &[(i64, i64)],
    ) -> WsResult<()> {
        // Each count is bounded before anything is added up, and the sums are checked: no
        // count from outside can wrap. After the allowance check below, every merged count is
        // within the allowance too.
        let mut merged: BTreeMap<i64, u32> = BTreeMap::new();
        let mut asked: u32 = 0;
        for (t, n) in dots {
            let n = u32::from(Dots::try_from(*n)?.get());
            let slot = merged.entry(*t).or_default();
            *slot = slot.checked_add(n).ok_or(Refusal::NegativeVotes)?;
            asked = asked.checked_add(n).ok_or(Refusal::NegativeVotes)?;
        }
        let asked = i64::from(asked);
        let mut tx = self.pool.begin().await?;
        let allowed = Self::lock_round(&mut tx, network, round).await?;
        if !in_network(&mut tx, voter, network).await? {
            return refuse(Refusal::NotInNetwork);
        }
        if asked > allowed {
            return refuse(Refusal::OverAllowance { allowed, asked });
        }
        let topics: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM ws_topics WHERE round_id = $1 ORDER BY id")
                .bind(round)
                .fetch_all(&mut *tx)
                .await?;
        if dots.iter().any(|(t, _)| !topics.contains(t)) {
            return refuse(Refusal::NotInNetwork);
        }
        sqlx::query("DELETE FROM ws_votes WHERE round_id = $1 AND person_id = $2")
            .bind(round)
            .bind(voter.0)
            .execute(&mut *tx)
            .await?;
        for (t, n) in merged.into_iter().filter(|(_, n)| *n > 0) {
            sqlx::query(
                "INSERT INTO ws_votes (round_id, topic_id, person_id, dots) VALUES ($1, $2, $3, $4)",
            )
            .bind(round)
            .bind(t)
            .bind(voter.0)
            .bind(i64::from(n))
            .execute(&mut *tx)
            .await?;
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// `voter`'s dots in `round`, by topic.
    pub async fn my_votes(&self, round: i64, voter: PersonId) -> StoreResult<BTreeMap<i64, i64>> {
        let rows = sqlx::query(
            "SELECT topic_id, dots FROM ws_votes WHERE round_id = $1 AND person_id = $2 ORDER BY topic_id",
        )
        .bind(round)
        .bind(voter.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((get(r, "topic_id")?, get(r, "dots")?)))
            .collect()
    }

    /// Closes an open round of `network` and schedules the chosen topics: each `(topic,
    /// session)` marks the topic chosen and adds it to the session's agenda (as a member's
    /// item when a member proposed it). Topics and sessions must be of this round and
    /// network. One transaction.
    pub async fn close_round(
        &self,
        network: NetworkId,
        round: i64,
        schedule: &[(i64, SessionId)],
        now: i64,
    ) -> WsResult<()> {
        let mut tx = self.pool.begin().await?;
        Self::lock_round(&mut tx, network, round).await?;
        for (topic, session) in schedule {
            let t = sqlx::query(
                "SELECT title, from_member, chosen FROM ws_topics WHERE id = $1 AND round_id = $2",
            )
            .bind(topic)
            .bind(round)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(t) = t else {
                return refuse(Refusal::NotInNetwork);
            };
            if session_network(&mut tx, *session).await? != Some(network) {
                return refuse(Refusal::NotInNetwork);
            }
            if get::<i64>(&t, "chosen")? == 1 {
                continue;
            }
            sqlx::query("UPDATE ws_topics SET chosen = 1, session_id = $1 WHERE id = $2")
                .bind(session.0)
                .bind(topic)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO ws_agenda_items (session_id, title, topic_id, from_member) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(session.0)
            .bind(get::<String>(&t, "title")?)
            .bind(topic)
            .bind(get::<i64>(&t, "from_member")?)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE ws_rounds SET status = 'closed', closed_at = $1 WHERE id = $2")
            .bind(now)
            .bind(round)
            .execute(&mut *tx)
            .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The agenda rounds of `network` (every network when `None`), newest first, with their
    /// topics: by id while open, by dots (then id) once closed.
    pub async fn rounds(&self, network: Option<NetworkId>) -> StoreResult<Vec<Round>> {
        let key = network.map_or(0, |n| n.0);
        let rows = sqlx::query(
            "SELECT id, network_id, title, votes_per_member, status, opened_at, closed_at \
             FROM ws_rounds WHERE ($1 = 0 OR network_id = $1) ORDER BY id DESC",
        )
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        let topics = sqlx::query(
            "SELECT t.id, t.round_id, t.title, t.proposer_id, t.from_member, t.chosen, t.session_id, \
             t.erased, (SELECT CAST(COALESCE(SUM(v.dots), 0) AS BIGINT) FROM ws_votes v WHERE v.topic_id = t.id) AS dots \
             FROM ws_topics t JOIN ws_rounds r ON r.id = t.round_id \
             WHERE ($1 = 0 OR r.network_id = $1) ORDER BY t.id",
        )
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        let voters = sqlx::query(
            "SELECT v.round_id, COUNT(DISTINCT v.person_id) AS n FROM ws_votes v \
             JOIN ws_rounds r ON r.id = v.round_id WHERE ($1 = 0 OR r.network_id = $1) \
             GROUP BY v.round_id ORDER BY v.round_id",
        )
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        let mut by_round: BTreeMap<i64, Vec<Topic>> = BTreeMap::new();
        for t in &topics {
            by_round
                .entry(get(t, "round_id")?)
                .or_default()
                .push(Topic {
                    id: get(t, "id")?,
                    title: get(t, "title")?,
                    proposer: get::<Option<i64>>(t, "proposer_id")?.map(PersonId),
                    from_member: get::<i64>(t, "from_member")? == 1,
                    chosen: get::<i64>(t, "chosen")? == 1,
                    session: get::<Option<i64>>(t, "session_id")?.map(SessionId),
                    erased: get::<i64>(t, "erased")? == 1,
                    dots: get(t, "dots")?,
                });
        }
        let mut voter_count: BTreeMap<i64, i64> = BTreeMap::new();
        for v in &voters {
            voter_count.insert(get(v, "round_id")?, get(v, "n")?);
        }
        rows.iter()
            .map(|r| {
                let id: i64 = get(r, "id")?;
                let open = get::<String>(r, "status")? == "open";
                let mut topics = by_round.remove(&id).unwrap_or_default();
                if !open {
                    topics.sort_by(|a, b| b.dots.cmp(&a.dots).then(a.id.cmp(&b.id)));
                }
                Ok(Round {
                    id,
                    network: NetworkId(get(r, "network_id")?),
                    title: get(r, "title")?,
                    votes_per_member: get(r, "votes_per_member")?,
                    open,
                    opened_at: get(r, "opened_at")?,
                    closed_at: get(r, "closed_at")?,
                    topics,
                    voters: voter_count.get(&id).copied().unwrap_or(0),
                })
            })
            .collect()
    }

    /// Brings a slow question into the log of its network. The author (when given) and the
    /// session (when given) must belong to that network.
    pub async fn add_slow_question(
        &self,
        q: &NewSlowQuestion,
        now: i64,
    ) -> WsResult<SlowQuestionId> {
        let text = check_text("question", &q.text, MAX_TEXT, true)?;
        let themes = checked_themes(&q.themes)?;
        let mut tx = self.pool.begin().await?;
        if let Some(a) = q.author {
            if !in_network(&mut tx, a, q.network).await? {
                return refuse(Refusal::NotInNetwork);
            }
        }
        if let Some(s) = q.session {
            if session_network(&mut tx, s).await? != Some(q.network) {
                return refuse(Refusal::NotInNetwork);
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO ws_slow_questions (network_id, text, author_id, anonymous, session_id, \
             themes, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'new', $7) RETURNING id",
        )
        .bind(q.network.0)
        .bind(&text)
        .bind(q.author.map(|p| p.0))
        .bind(i64::from(q.anonymous || q.author.is_none()))
        .bind(q.session.map(|s| s.0))
        .bind(joined(&themes))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(SlowQuestionId(id))
    }

    /// Moves a slow-question candidate from an open answer into its network's log: the
    /// fragment `start..end` (code points) of the answer to `question` in `response`. The
    /// respondent stays anonymous (no author). Refused when the answer has no such span.
    pub async fn add_slow_question_from_answer(
        &self,
        response: ResponseId,
        question: &str,
        start: usize,
        end: usize,
        themes: &[String],
        now: i64,
    ) -> WsResult<SlowQuestionId> {
        let mut tx = self.pool.begin().await?;
        let id = slow_question_from_answer_in(&mut tx, response, question, start, end, themes, now)
            .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes the text and themes of a slow question; only its author may.
    pub async fn edit_slow_question(
        &self,
        network: NetworkId,
        id: SlowQuestionId,
        editor: PersonId,
        text: &str,
        themes: &[String],
    ) -> WsResult<()> {
        let text = check_text("question", text, MAX_TEXT, true)?;
        let themes = checked_themes(themes)?;
        let mut tx = self.pool.begin().await?;
        let author: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT author_id FROM ws_slow_questions WHERE id = $1 AND network_id = $2 AND erased = 0",
        )
        .bind(id.0)
        .bind(network.0)
        .fetch_optional(&mut *tx)
        .await?;
        match author {
            None => return refuse(Refusal::NotInNetwork),
            Some(a) if a != Some(editor.0) => return refuse(Refusal::NotAuthor),
            Some(_) => {}
        }
        sqlx::query("UPDATE ws_slow_questions SET text = $1, themes = $2 WHERE id = $3")
            .bind(&text)
            .bind(joined(&themes))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The facilitator's follow-up of a slow question: status, notes, and the session it
    /// came up in (of the same network).
    pub async fn follow_up_slow_question(
        &self,
        network: NetworkId,
        id: SlowQuestionId,
        status: SlowQuestionStatus,
        followup: &str,
        session: Option<SessionId>,
    ) -> WsResult<()> {
        let followup = check_text("follow-up", followup, MAX_TEXT, false)?;
        let mut tx = self.pool.begin().await?;
        if let Some(s) = session {
            if session_network(&mut tx, s).await? != Some(network) {
                return refuse(Refusal::NotInNetwork);
            }
        }
        let done = sqlx::query(
            "UPDATE ws_slow_questions SET status = $1, followup = $2, \
             session_id = COALESCE($3, session_id) WHERE id = $4 AND network_id = $5",
        )
        .bind(status_str(status))
        .bind(&followup)
        .bind(session.map(|s| s.0))
        .bind(id.0)
        .bind(network.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return refuse(Refusal::NotInNetwork);
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The slow-question log of `network` (every network when `None`), by id, as `reader`
    /// may see it: an anonymous question's author is shown only to that author.
    pub async fn slow_question_log(
        &self,
        network: Option<NetworkId>,
        reader: Option<PersonId>,
    ) -> StoreResult<Vec<WsSlowQuestion>> {
        let rows = sqlx::query(
            "SELECT id, network_id, text, author_id, anonymous, session_id, themes, status, \
             followup, created_at, erased, response_id, question, start_pos, end_pos \
             FROM ws_slow_questions WHERE ($1 = 0 OR network_id = $1) ORDER BY id",
        )
        .bind(network.map_or(0, |n| n.0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let author: Option<i64> = get(r, "author_id")?;
                let anonymous = get::<i64>(r, "anonymous")? == 1;
                let mine = author.is_some() && author == reader.map(|p| p.0);
                let status: String = get(r, "status")?;
                let source = match get::<Option<i64>>(r, "response_id")? {
                    Some(resp) => Some((
                        ResponseId(resp),
                        get::<Option<String>>(r, "question")?.unwrap_or_default(),
                        get::<Option<i64>>(r, "start_pos")?.unwrap_or(0),
                        get::<Option<i64>>(r, "end_pos")?.unwrap_or(0),
                    )),
                    None => None,
                };
                Ok(WsSlowQuestion {
                    id: SlowQuestionId(get(r, "id")?),
                    network: NetworkId(get(r, "network_id")?),
                    text: get(r, "text")?,
                    author: if anonymous && !mine {
                        None
                    } else {
                        author.map(PersonId)
                    },
                    anonymous,
                    mine,
                    session: get::<Option<i64>>(r, "session_id")?.map(SessionId),
                    themes: split(&get::<String>(r, "themes")?),
                    status: parse_status(&status).ok_or_else(|| {
                        StoreError::Corrupt(format!("slow question status {status:?}"))
                    })?,
                    followup: get(r, "followup")?,
                    created_at: get(r, "created_at")?,
                    erased: get::<i64>(r, "erased")? == 1,
                    source,
                })
            })
            .collect()
    }

    /// Adds a value-creation story by `author` (who must belong to `network`).
    pub async fn add_story(
        &self,
        network: NetworkId,
        author: PersonId,
        text: &str,
        cycles: &[Cycle],
        now: i64,
    ) -> WsResult<i64> {
        let text = check_text("story", text, MAX_TEXT, true)?;
        let mut cycles = cycles.to_vec();
        cycles.sort();
        cycles.dedup();
        if cycles.is_empty() {
            return refuse(Refusal::NoCycle);
        }
        let mut tx = self.pool.begin().await?;
        if !in_network(&mut tx, author, network).await? {
            return refuse(Refusal::NotInNetwork);
        }
        let keys: Vec<String> = cycles.iter().map(|c| c.as_str().to_owned()).collect();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO ws_stories (network_id, author_id, text, cycles, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(network.0)
        .bind(author.0)
        .bind(&text)
        .bind(joined(&keys))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The stories of `network` (every network when `None`), by id.
    pub async fn stories(&self, network: Option<NetworkId>) -> StoreResult<Vec<Story>> {
        let rows = sqlx::query(
            "SELECT id, network_id, author_id, text, cycles, created_at, erased FROM ws_stories \
             WHERE ($1 = 0 OR network_id = $1) ORDER BY id",
        )
        .bind(network.map_or(0, |n| n.0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Story {
                    id: get(r, "id")?,
                    network: NetworkId(get(r, "network_id")?),
                    author: get::<Option<i64>>(r, "author_id")?.map(PersonId),
                    text: get(r, "text")?,
                    cycles: split(&get::<String>(r, "cycles")?)
                        .iter()
                        .filter_map(|c| Cycle::parse(c))
                        .collect(),
                    created_at: get(r, "created_at")?,
                    erased: get::<i64>(r, "erased")? == 1,
                })
            })
            .collect()
    }

    /// Sets a person's e-mail opt-ins (both off unless set).
    pub async fn set_notify(
        &self,
        person: PersonId,
        on_round: bool,
        on_session: bool,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO ws_notify (person_id, on_round, on_session) VALUES ($1, $2, $3) \
             ON CONFLICT (person_id) DO UPDATE SET on_round = $2, on_session = $3",
        )
        .bind(person.0)
        .bind(i64::from(on_round))
        .bind(i64::from(on_session))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A person's e-mail opt-ins: (when a vote opens, when a session is planned).
    pub async fn notify_prefs(&self, person: PersonId) -> StoreResult<(bool, bool)> {
        let r = sqlx::query("SELECT on_round, on_session FROM ws_notify WHERE person_id = $1")
            .bind(person.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match r {
            Some(r) => (
                get::<i64>(&r, "on_round")? == 1,
                get::<i64>(&r, "on_session")? == 1,
            ),
            None => (false, false),
        })
    }

    /// Remembers the language `person` reads leernet in, for their workspace e-mails (set
    /// with the opt-ins; without a row of opt-ins it makes one with both off).
    pub async fn set_notify_lang(&self, person: PersonId, lang: Lang) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO ws_notify (person_id, lang) VALUES ($1, $2) \
             ON CONFLICT (person_id) DO UPDATE SET lang = $2",
        )
        .bind(person.0)
        .bind(lang.code())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The language of a person's workspace e-mails, when known.
    pub async fn notify_lang(&self, person: PersonId) -> StoreResult<Option<Lang>> {
        let lang: Option<Option<String>> =
            sqlx::query_scalar("SELECT lang FROM ws_notify WHERE person_id = $1")
                .bind(person.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(lang.flatten().and_then(|l| Lang::parse(&l).ok()))
    }

    /// The messages not yet sent, by id (for the mailer).
    pub async fn outbox_unsent(&self) -> StoreResult<Vec<OutboxMessage>> {
        let rows = sqlx::query(
            "SELECT id, person_id, network_id, kind, subject_id, created_at FROM ws_outbox \
             WHERE sent_at IS NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: get(r, "id")?,
                    person: PersonId(get(r, "person_id")?),
                    network: NetworkId(get(r, "network_id")?),
                    kind: {
                        let k: String = get(r, "kind")?;
                        OutboxKind::parse(&k).ok_or_else(|| {
                            StoreError::Corrupt(format!("outbox message kind {k:?}"))
                        })?
                    },
                    subject: get(r, "subject_id")?,
                    created_at: get(r, "created_at")?,
                })
            })
            .collect()
    }

    /// Marks an outbox message sent (or closed: nothing to send any more).
    pub async fn mark_sent(&self, id: i64, at: i64) -> StoreResult<()> {
        sqlx::query("UPDATE ws_outbox SET sent_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Claims an unsent message for sending at `at`; `false` when another sender (an app
    /// instance, cron) holds a claim on it or it was sent. A claim older than
    /// [`OUTBOX_CLAIM_SECONDS`] has lapsed (its sender died before it could say sent or
    /// failed) and may be taken. Say [`Store::mark_sent`] when the mail server took the
    /// message, [`Store::release_outbox`] when it refused it.
    pub async fn claim_outbox(&self, id: i64, at: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE ws_outbox SET claimed_at = $1 WHERE id = $2 AND sent_at IS NULL \
             AND (claimed_at IS NULL OR claimed_at <= $3)",
        )
        .bind(at)
        .bind(id)
        .bind(at - OUTBOX_CLAIM_SECONDS)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a claimed message back (its sending failed), for the next send.
    pub async fn release_outbox(&self, id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE ws_outbox SET claimed_at = NULL WHERE id = $1 AND sent_at IS NULL")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Everything `person` contributed to the workspace, for their own export (JSON, stable
    /// order). Their anonymous questions are included: the export is for them.
    pub async fn person_contributions(&self, person: PersonId) -> StoreResult<serde_json::Value> {
        use serde_json::json;
        let slugs: BTreeMap<NetworkId, String> = self
            .networks()
            .await?
            .into_iter()
            .map(|n| (n.id, n.slug.as_str().to_owned()))
            .collect();
        let slug = |n: NetworkId| slugs.get(&n).cloned().unwrap_or_default();
        let sessions = self.ws_sessions(None).await?;
        let attended: Vec<_> = sessions
            .iter()
            .filter(|s| s.present.contains(&person))
            .map(|s| json!({"network": slug(s.network), "session": s.id.0, "date": s.date, "method": s.method}))
            .collect();
        let questions: Vec<_> = self
            .slow_question_log(None, Some(person))
            .await?
            .into_iter()
            .filter(|q| q.mine)
            .map(|q| {
                json!({"network": slug(q.network), "id": q.id.0, "text": q.text,
                       "anonymous": q.anonymous, "themes": q.themes,
                       "status": status_str(q.status), "created_at": q.created_at})
            })
            .collect();
        let mut topics = Vec::new();
        let mut votes = Vec::new();
        for r in self.rounds(None).await?.into_iter().rev() {
            for t in &r.topics {
                if t.proposer == Some(person) {
                    topics.push(json!({"network": slug(r.network), "round": r.title, "id": t.id, "title": t.title}));
                }
            }
            for (topic, dots) in self.my_votes(r.id, person).await? {
                votes.push(json!({"network": slug(r.network), "round": r.title, "topic": topic, "dots": dots}));
            }
        }
        let stories: Vec<_> = self
            .stories(None)
            .await?
            .into_iter()
            .filter(|s| s.author == Some(person))
            .map(|s| {
                json!({"network": slug(s.network), "id": s.id, "text": s.text,
                       "cycles": s.cycles.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                       "created_at": s.created_at})
            })
            .collect();
        let (on_round, on_session) = self.notify_prefs(person).await?;
        Ok(json!({
            "person": person.0,
            "sessions_attended": attended,
            "slow_questions": questions,
            "agenda_topics": topics,
            "votes": votes,
            "stories": stories,
            "notifications": {"on_round": on_round, "on_session": on_session},
        }))
    }

    /// Erases `person`'s workspace contributions in one transaction (see [`erase_person_in`]).
    pub async fn erase_person_contributions(&self, person: PersonId) -> StoreResult<Erasure> {
        let mut tx = self.pool.begin().await?;
        let e = erase_person_in(&mut tx, person).await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(e)
    }
}

/// Erases `person`'s workspace contributions inside the caller's transaction, so that a
/// whole-person erasure can include it. Texts they wrote (slow questions, topics, stories)
/// are blanked and marked erased; every link to them (author, proposer, voter, attendee,
/// session planner) becomes NULL; their opt-ins and unsent messages are deleted. The rows
/// stay, so a network's figures (sessions, attendance, questions brought in and followed
/// up, topics from members, votes cast, story cycles) are the same before and after.
/// Agenda items that came from their topics keep their title: the network adopted them.
pub async fn erase_person_in(
    conn: &mut sqlx::AnyConnection,
    person: PersonId,
) -> StoreResult<Erasure> {
    let p = person.0;
    let e = Erasure {
        slow_questions: exec(
            conn,
            "UPDATE ws_slow_questions SET text = '', author_id = NULL, erased = 1 \
             WHERE author_id = $1",
            p,
        )
        .await?,
        topics: exec(
            conn,
            "UPDATE ws_topics SET title = '', proposer_id = NULL, erased = 1 WHERE proposer_id = $1",
            p,
        )
        .await?,
        votes: exec(conn, "UPDATE ws_votes SET person_id = NULL WHERE person_id = $1", p).await?,
        stories: exec(
            conn,
            "UPDATE ws_stories SET text = '', author_id = NULL, erased = 1 WHERE author_id = $1",
            p,
        )
        .await?,
        attendance: exec(
            conn,
            "UPDATE ws_attendance SET person_id = NULL WHERE person_id = $1",
            p,
        )
        .await?,
        sessions: exec(
            conn,
            "UPDATE ws_sessions SET created_by = NULL WHERE created_by = $1",
            p,
        )
        .await?,
        outbox: exec(conn, "DELETE FROM ws_outbox WHERE person_id = $1", p).await?,
    };
    exec(conn, "DELETE FROM ws_notify WHERE person_id = $1", p).await?;
    exec(
        conn,
        "DELETE FROM ws_calendar_feeds WHERE person_id = $1",
        p,
    )
    .await?;
    tracing::info!(person = p, "workspace contributions erased");
    Ok(e)
}

async fn exec(conn: &mut sqlx::AnyConnection, sql: &'static str, p: i64) -> StoreResult<u64> {
    Ok(sqlx::query(sql)
        .bind(p)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// [`Store::add_slow_question_from_answer`] inside a caller's transaction (the coding
/// register moves a confirmed candidate and marks it moved in one transaction).
pub(crate) async fn slow_question_from_answer_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    response: ResponseId,
    question: &str,
    start: usize,
    end: usize,
    themes: &[String],
    now: i64,
) -> WsResult<SlowQuestionId> {
    let themes = checked_themes(themes)?;
    let r = sqlx::query("SELECT network_id, answers FROM responses WHERE id = $1")
        .bind(response.0)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(r) = r else {
        return Err(WsError::Store(StoreError::NotFound(format!(
            "there is no response {response}"
        ))));
    };
    let network: i64 = get(&r, "network_id")?;
    let answers: BTreeMap<String, String> = serde_json::from_str(&get::<String>(&r, "answers")?)
        .map_err(|e| StoreError::Corrupt(format!("answers of response {response}: {e}")))?;
    let Some(answer) = answers.get(question) else {
        return refuse(Refusal::BadSpan);
    };
    if start >= end || end > answer.chars().count() {
        return refuse(Refusal::BadSpan);
    }
    let fragment: String = answer.chars().skip(start).take(end - start).collect();
    let text = check_text("question", &fragment, MAX_TEXT, true)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO ws_slow_questions (network_id, text, author_id, anonymous, themes, status, \
         created_at, response_id, question, start_pos, end_pos) \
         VALUES ($1, $2, NULL, 1, $3, 'new', $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(network)
    .bind(&text)
    .bind(joined(&themes))
    .bind(now)
    .bind(response.0)
    .bind(question)
    .bind(start as i64)
    .bind(end as i64)
    .fetch_one(&mut **tx)
    .await?;
    Ok(SlowQuestionId(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_links_of_a_session_are_checked() {
        assert_eq!(check_time(" 09:05 ").as_deref(), Ok("09:05"));
        assert_eq!(check_time("").as_deref(), Ok(""));
        for bad in [
            "24:00", "9:05", "09:60", "0905", "09-05", "ab:cd", "09:05:00",
        ] {
            assert!(check_time(bad).is_err(), "{bad:?}");
        }
        assert!(check_times("19:30", "21:00").is_ok());
        assert!(check_times("", "").is_ok());
        for (a, b) in [("21:00", "19:30"), ("19:30", "19:30"), ("", "19:30")] {
            assert!(check_times(a, b).is_err(), "{a}-{b}");
        }
        for good in [
            "https://meet.example.org/abc-123?pwd=x#y",
            "http://video.example.nl:8443/room",
        ] {
            assert_eq!(check_link(good).as_deref(), Ok(good));
        }
        let long = format!("https://example.org/{}", "a".repeat(MAX_LINK));
        for bad in [
            "javascript:alert(1)",
            "ftp://example.org/x",
            "https://",
            "https://localhost/x",
            "https://example.org/a b",
            "https://example.org/\"x",
            "https://exa<mple.org",
            "https://.example.org",
            long.as_str(),
        ] {
            assert_eq!(check_link(bad), Err(Refusal::BadLink), "{bad:?}");
        }
    }

    #[test]
    fn an_outbox_kind_is_stored_as_its_word_and_read_back() {
        for &k in OutboxKind::ALL {
            assert_eq!(OutboxKind::parse(k.as_str()), Some(k));
        }
        for word in ["", "Round_opened", "round", "session-planned", "on_round"] {
            assert_eq!(OutboxKind::parse(word), None, "{word:?}");
        }
        assert_eq!(OutboxKind::RoundOpened.opt_in_column(), "on_round");
        assert_eq!(OutboxKind::SessionPlanned.opt_in_column(), "on_session");
    }
}
