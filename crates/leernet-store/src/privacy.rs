//! Privacy tools: everything leernet holds about one person (export), erasing one person,
//! retention dates per wave, and pseudonymising a wave.
//!
//! Why it exists: respondents and account holders have the right to see and to have erased
//! what leernet holds about them, and a study keeps personal data only as long as its consent
//! says. See `docs/privacy.md` for what each tool does, in the words a researcher needs.
//!
//! How: export and erase are lists of per-area steps ([`EXPORT_AREAS`], [`ERASE_AREAS`]), so
//! that a new area (the practice workspace, say) is one more line. Every change is one
//! transaction with its audit entry: an erase, a retention run or a pseudonymisation either
//! happens whole, or — on any error in any area — not at all.
//!
//! Free-text mentions of people are found case-insensitively and only as whole words (so
//! "Anna de Vries" is found in "met anna de vries," but not inside another word); a name is
//! looked for only when it has at least two words (a given name and a surname), because a
//! single word ("Jan", or "lid" made from an address) would also be an ordinary word. Codings
//! on a changed answer keep pointing at the same words: their offsets move with the text.

use crate::audit::{record, Action, Actor, AuditEntry, NewAudit};
use crate::{get, Result, Store, StoreError};
use leernet_core::*;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;

/// What replaces a mention of an erased person, or of anyone once a wave's retention ended.
pub const REMOVED: &str = "[verwijderd]";

/// A boxed future, for the per-area lists.
pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// The person a privacy request is about: an account, or someone leernet knows only as the
/// address an invitation was sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The account, when the person has one.
    pub id: Option<PersonId>,
    /// How the audit log names them: `person:<id>`, or `invitation:<id>` (their first
    /// invitation) for someone without an account.
    pub audit_key: String,
    pub email: String,
    pub name: String,
    /// The person's pseudonym codes (from the researcher's key files, see
    /// [`pseudonym_code`]): pseudonymised responses are found by them, and mentions of them
    /// in answers count as mentions of the person.
    pub pseudonyms: Vec<String>,
}

impl Subject {
    /// How the audit log names the person.
    pub fn audit_subject(&self) -> String {
        self.audit_key.clone()
    }

    /// The account id to bind in queries (-1, which no row has, without an account).
    fn pid(&self) -> i64 {
        self.id.map(|p| p.0).unwrap_or(-1)
    }
}

/// Collects one area of what leernet holds about a person, as JSON.
pub type Collector = for<'a> fn(&'a Store, &'a Subject) -> BoxFut<'a, Value>;

/// The areas of a person export, in the order they appear. Another area is one more line.
pub const EXPORT_AREAS: &[(&str, Collector)] = &[
    ("account", collect_account),
    ("sessions", collect_sessions),
    ("invitations", collect_invitations),
    ("responses", collect_responses),
    ("mentions", collect_mentions),
    ("codings", collect_codings),
    ("coding_work", collect_coding_work),
    ("workspace", collect_workspace),
    ("audit", collect_audit),
];

/// What leernet holds about one person: `{"person": …, "areas": {"account": …, …}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonExport {
    pub subject: Subject,
    pub areas: Vec<(String, Value)>,
}

impl PersonExport {
    /// The export as one JSON value (object keys sorted, so the same data gives the same bytes).
    pub fn to_json(&self) -> Value {
        let mut areas = Map::new();
        for (k, v) in &self.areas {
            areas.insert(k.clone(), v.clone());
        }
        json!({
            "person": {"id": self.subject.id.map(|p| p.0), "email": self.subject.email, "name": self.subject.name},
            "areas": areas,
        })
    }
}

/// Where a wave's submitted responses go when their respondent is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasePolicy {
    /// Removed with their codings (the default: consent withdrawn means the data goes).
    Remove,
    /// Kept without any link to the person, with mentions of them replaced: only where the
    /// wave's consent said so (`consent_erase = keep_anonymised` in the instrument settings).
    KeepAnonymised,
}

/// An erase to carry out.
#[derive(Debug, Clone)]
pub struct ErasePlan {
    pub subject: Subject,
    /// Waves whose consent allows keeping submitted responses anonymised; every other wave's
    /// responses of this person are removed.
    pub keep_anonymised: BTreeSet<WaveId>,
}

impl ErasePlan {
    /// The policy for one wave.
    pub fn policy(&self, wave: WaveId) -> ErasePolicy {
        if self.keep_anonymised.contains(&wave) {
            ErasePolicy::KeepAnonymised
        } else {
            ErasePolicy::Remove
        }
    }
}

/// What one erase step did (or, in a dry run, would do): counts by what, in step order.
pub type EraseCounts = Vec<(&'static str, i64)>;

/// One step of an erase, inside the erase's transaction.
pub type Eraser = for<'t> fn(&'t mut sqlx::AnyConnection, &'t ErasePlan) -> BoxFut<'t, EraseCounts>;

/// The steps of an erase, in order; the account comes last, after everything that points at
/// it. Another area is one more line.
pub const ERASE_AREAS: &[(&str, Eraser)] = &[
    ("responses", erase_responses),
    ("mentions", erase_mentions),
    ("codings", erase_codings),
    ("coding_work", erase_coding_work),
    ("workspace", erase_workspace),
    ("sessions", erase_sessions),
    ("account", erase_account),
];

/// What an erase did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EraseReport {
    /// The person as the audit log names them.
    pub subject: String,
    /// `(area, what, count)` in step order.
    pub counts: Vec<(String, String, i64)>,
    /// Whether it was a dry run (nothing changed).
    pub dry_run: bool,
}

impl EraseReport {
    /// The count of `what` in `area` (0 when absent).
    pub fn count(&self, area: &str, what: &str) -> i64 {
        self.counts
            .iter()
            .filter(|(a, w, _)| a == area && w == what)
            .map(|(_, _, n)| *n)
            .sum()
    }

    /// The counts as `area.what=n` words, for the audit log.
    pub fn detail(&self) -> String {
        self.counts
            .iter()
            .map(|(a, w, n)| format!("{a}.{w}={n}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What a retention run did to one wave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionOutcome {
    pub wave: WaveId,
    pub keep_until: String,
    /// Invitations whose e-mail address or person link was removed.
    pub invitations: i64,
    /// Answers in which a mention of a person was replaced.
    pub answers: i64,
    /// Pseudonym codes removed (they could be reversed with the key file).
    pub pseudonyms: i64,
}

/// One line of a pseudonymisation key: who a code stands for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct KeyEntry {
    pub code: String,
    pub email: String,
    pub name: String,
}

/// What a pseudonymisation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PseudonymReport {
    pub wave: WaveId,
    /// Responses that got a code.
    pub responses: i64,
    /// Invitations whose e-mail address or person link was replaced by the code.
    pub invitations: i64,
    /// Answers in which a mention of a person was replaced by their code.
    pub answers: i64,
    /// Everyone a code was used for, by code.
    pub key: Vec<KeyEntry>,
}

// ---------------------------------------------------------------------------------------
// Text: mentions, offsets, keyed codes, dates.

/// A text to look for and what replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub needle: String,
    pub replacement: String,
}

/// One replacement in a text, in Unicode code points of the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub old_len: usize,
    pub new_len: usize,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn same(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// Length (in chars) of a match of `needle` at `text[i..]`: case-insensitive, a space in the
/// needle matching any run of white space.
fn match_at(text: &[char], i: usize, needle: &[char]) -> Option<usize> {
    let mut t = i;
    let mut n = 0;
    while n < needle.len() {
        if needle[n].is_whitespace() {
            while n < needle.len() && needle[n].is_whitespace() {
                n += 1;
            }
            let s = t;
            while t < text.len() && text[t].is_whitespace() {
                t += 1;
            }
            if t == s {
                return None;
            }
        } else {
            if t >= text.len() || !same(text[t], needle[n]) {
                return None;
            }
            t += 1;
            n += 1;
        }
    }
    Some(t - i)
}

/// Whether a name is specific enough to look for in free text: at least two words.
pub fn name_is_searchable(name: &str) -> bool {
    name.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
        >= 2
}

/// Replaces whole-word, case-insensitive mentions (longest needle first); returns the new
/// text and the edits made, in order.
pub fn replace_mentions(text: &str, mentions: &[Mention]) -> (String, Vec<Edit>) {
    let chars: Vec<char> = text.chars().collect();
    let mut order: Vec<(Vec<char>, &str)> = mentions
        .iter()
        .map(|m| {
            (
                m.needle.trim().chars().collect::<Vec<_>>(),
                m.replacement.as_str(),
            )
        })
        .filter(|(n, _)| !n.is_empty())
        .collect();
    order.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    let mut out = String::with_capacity(text.len());
    let mut edits = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let boundary_before = i == 0 || !is_word(chars[i - 1]) || !is_word(chars[i]);
        let mut hit = None;
        if boundary_before {
            for (needle, rep) in &order {
                if let Some(len) = match_at(&chars, i, needle) {
                    let end = i + len;
                    let last = chars[end - 1];
                    let boundary_after =
                        end == chars.len() || !is_word(chars[end]) || !is_word(last);
                    if boundary_after {
                        hit = Some((len, *rep));
                        break;
                    }
                }
            }
        }
        match hit {
            Some((len, rep)) => {
                out.push_str(rep);
                edits.push(Edit {
                    start: i,
                    old_len: len,
                    new_len: rep.chars().count(),
                });
                i += len;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    (out, edits)
}

/// Where an offset of the original text lands after `edits`. An offset inside a replaced span
/// moves to the replacement's start (`is_end == false`) or end (`is_end == true`), so a coded
/// segment keeps covering the words it covered.
pub fn map_offset(edits: &[Edit], pos: usize, is_end: bool) -> usize {
    let mut shift: i64 = 0;
    for e in edits {
        let old_end = e.start + e.old_len;
        if pos >= old_end {
            shift += e.new_len as i64 - e.old_len as i64;
        } else if pos > e.start {
            let new_start = (e.start as i64 + shift) as usize;
            return if is_end {
                new_start + e.new_len
            } else {
                new_start
            };
        } else {
            break;
        }
    }
    (pos as i64 + shift) as usize
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut ipad = k;
    let mut opad = k;
    for b in ipad.iter_mut() {
        *b ^= 0x36;
    }
    for b in opad.iter_mut() {
        *b ^= 0x5c;
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// The stable code of an e-mail address under a key: `P-` and ten characters of Crockford
/// base32 (50 bits) of HMAC-SHA256(key, lower-cased address). The same key gives the same
/// person the same code in every wave; without the key a code cannot be traced back.
pub fn pseudonym_code(key: &[u8], email: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mac = hmac_sha256(key, email.trim().to_lowercase().as_bytes());
    let mut acc: u64 = 0;
    for b in &mac[..8] {
        acc = (acc << 8) | u64::from(*b);
    }
    let mut code = String::from("P-");
    for i in 0..10 {
        code.push(ALPHABET[((acc >> (59 - 5 * i)) & 31) as usize] as char);
    }
    code
}

/// Checks an ISO date (`2027-06-30`): a real calendar day.
pub fn parse_iso_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1970 && (1..=days).contains(&d)).then(|| s.to_owned())
}

/// The UTC date of a Unix time, as an ISO date.
pub fn iso_date(at: i64) -> String {
    let (y, m, d) = crate::audit::civil_from_days(at.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

// ---------------------------------------------------------------------------------------
// Shared steps.

async fn subject_by_email(conn: &mut sqlx::AnyConnection, email: &str) -> Result<Option<Subject>> {
    let row = sqlx::query(
        "SELECT id, email, name FROM persons WHERE lower(email) = lower($1) ORDER BY id LIMIT 1",
    )
    .bind(email.trim())
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(r) = row {
        let id: i64 = get(&r, "id")?;
        return Ok(Some(Subject {
            id: Some(PersonId(id)),
            audit_key: format!("person:{id}"),
            email: get(&r, "email")?,
            name: get(&r, "name")?,
            pseudonyms: Vec::new(),
        }));
    }
    // Someone invited by address only, without an account.
    let inv = sqlx::query(
        "SELECT id, email FROM invitations WHERE lower(email) = lower($1) ORDER BY id LIMIT 1",
    )
    .bind(email.trim())
    .fetch_optional(&mut *conn)
    .await?;
    inv.map(|r| {
        Ok(Subject {
            id: None,
            audit_key: format!("invitation:{}", get::<i64>(&r, "id")?),
            email: get(&r, "email")?,
            name: String::new(),
            pseudonyms: Vec::new(),
        })
    })
    .transpose()
}

fn not_found(email: &str) -> StoreError {
    StoreError::NotFound(format!(
        "there is no person with e-mail address {:?} in this project",
        email.trim()
    ))
}

/// The mentions of one person: their address, and their name when it is searchable.
fn mentions_of(email: &str, name: &str, replacement: &str) -> Vec<Mention> {
    let mut out = vec![Mention {
        needle: email.to_owned(),
        replacement: replacement.to_owned(),
    }];
    if name_is_searchable(name) {
        out.push(Mention {
            needle: name.to_owned(),
            replacement: replacement.to_owned(),
        });
    }
    out
}

/// Replaces mentions in the answers of the responses `which` selects (every response, or one
/// wave's), moving the offsets of codings on changed answers, and in the memos of codings on
/// those responses. Returns the number of answers changed.
async fn replace_in_answers(
    conn: &mut sqlx::AnyConnection,
    wave: Option<WaveId>,
    mentions: &[Mention],
) -> Result<i64> {
    if mentions.is_empty() {
        return Ok(0);
    }
    let rows = match wave {
        Some(w) => {
            sqlx::query("SELECT id, answers FROM responses WHERE wave_id = $1 ORDER BY id")
                .bind(w.0)
                .fetch_all(&mut *conn)
                .await?
        }
        None => {
            sqlx::query("SELECT id, answers FROM responses ORDER BY id")
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let mut changed = 0;
    for r in &rows {
        let id: i64 = get(r, "id")?;
        let text: String = get(r, "answers")?;
        let mut answers: Answers = serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("answers of response {id}: {e}")))?;
        let mut any = false;
        for (question, value) in answers.iter_mut() {
            let (new, edits) = replace_mentions(value, mentions);
            if edits.is_empty() {
                continue;
            }
            any = true;
            changed += 1;
            *value = new;
            let codings = sqlx::query(
                "SELECT id, start_pos, end_pos FROM codings WHERE response_id = $1 AND question = $2 ORDER BY id",
            )
            .bind(id)
            .bind(question.as_str())
            .fetch_all(&mut *conn)
            .await?;
            for c in &codings {
                let start: i64 = get(c, "start_pos")?;
                let end: i64 = get(c, "end_pos")?;
                let ns = map_offset(&edits, start.max(0) as usize, false) as i64;
                let ne = map_offset(&edits, end.max(0) as usize, true) as i64;
                if (ns, ne) != (start, end) {
                    sqlx::query("UPDATE codings SET start_pos = $1, end_pos = $2 WHERE id = $3")
                        .bind(ns)
                        .bind(ne.max(ns))
                        .bind(get::<i64>(c, "id")?)
                        .execute(&mut *conn)
                        .await?;
                }
            }
        }
        if any {
            let json =
                serde_json::to_string(&answers).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query("UPDATE responses SET answers = $1 WHERE id = $2")
                .bind(json)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    let memos = match wave {
        Some(w) => {
            sqlx::query(
                "SELECT c.id, c.memo FROM codings c JOIN responses r ON r.id = c.response_id \
                 WHERE r.wave_id = $1 AND c.memo <> '' ORDER BY c.id",
            )
            .bind(w.0)
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query("SELECT id, memo FROM codings WHERE memo <> '' ORDER BY id")
                .fetch_all(&mut *conn)
                .await?
        }
    };
    for m in &memos {
        let memo: String = get(m, "memo")?;
        let (new, edits) = replace_mentions(&memo, mentions);
        if !edits.is_empty() {
            sqlx::query("UPDATE codings SET memo = $1 WHERE id = $2")
                .bind(new)
                .bind(get::<i64>(m, "id")?)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(changed)
}

/// The mentions of a subject: address, searchable name and pseudonym codes.
fn subject_mentions(s: &Subject, replacement: &str) -> Vec<Mention> {
    let mut out = mentions_of(&s.email, &s.name, replacement);
    for code in &s.pseudonyms {
        out.push(Mention {
            needle: code.clone(),
            replacement: replacement.to_owned(),
        });
    }
    out
}

/// The pseudonymised responses of a subject (by their codes), by id: id, wave, status, code.
async fn pseudonymised_of(
    conn: &mut sqlx::AnyConnection,
    s: &Subject,
) -> Result<Vec<(i64, WaveId, String, String)>> {
    let mut out = Vec::new();
    for code in &s.pseudonyms {
        let rows = sqlx::query(
            "SELECT r.id, r.wave_id, r.status FROM pseudonyms p JOIN responses r ON r.id = p.response_id \
             WHERE p.code = $1 ORDER BY r.id",
        )
        .bind(code)
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.push((
                get(r, "id")?,
                WaveId(get(r, "wave_id")?),
                get(r, "status")?,
                code.clone(),
            ));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The invitations addressed to a person (by person, or by their address), by id.
async fn invitations_of(
    conn: &mut sqlx::AnyConnection,
    s: &Subject,
) -> Result<Vec<sqlx::any::AnyRow>> {
    Ok(sqlx::query(
        "SELECT i.id, i.wave_id, i.kind, i.email, i.sent_at, w.name AS wave, n.slug AS network, \
         r.id AS response_id, r.status AS status \
         FROM invitations i JOIN waves w ON w.id = i.wave_id JOIN networks n ON n.id = i.network_id \
         LEFT JOIN responses r ON r.wave_id = i.wave_id AND r.respondent = 'invitation:' || i.id \
         WHERE i.person_id = $1 OR lower(i.email) = lower($2) ORDER BY i.id",
    )
    .bind(s.pid())
    .bind(&s.email)
    .fetch_all(conn)
    .await?)
}

// ---------------------------------------------------------------------------------------
// Export collectors.

fn collect_account<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        if s.id.is_none() {
            return Ok(Value::Null);
        }
        let r = sqlx::query("SELECT role, password_hash FROM persons WHERE id = $1")
            .bind(s.pid())
            .fetch_one(&store.pool)
            .await?;
        let networks: Vec<String> = sqlx::query_scalar(
            "SELECT n.slug FROM person_networks pn JOIN networks n ON n.id = pn.network_id \
             WHERE pn.person_id = $1 ORDER BY n.id",
        )
        .bind(s.pid())
        .fetch_all(&store.pool)
        .await?;
        let hash: Option<String> = get(&r, "password_hash")?;
        Ok(json!({
            "id": s.id.map(|p| p.0),
            "email": s.email,
            "name": s.name,
            "role": get::<String>(&r, "role")?,
            "networks": networks,
            "can_log_in": hash.is_some(),
        }))
    })
}

fn collect_sessions<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let rows = sqlx::query(
            "SELECT created_at, expires_at FROM sessions WHERE person_id = $1 \
             ORDER BY created_at, expires_at",
        )
        .bind(s.pid())
        .fetch_all(&store.pool)
        .await?;
        let sessions: Vec<Value> = rows
            .iter()
            .map(|r| {
                Ok(json!({
                    "started": crate::audit::utc_timestamp(get(r, "created_at")?),
                    "expires": crate::audit::utc_timestamp(get(r, "expires_at")?),
                }))
            })
            .collect::<Result<_>>()?;
        let failures = login_attempts_kept(&store.pool, &s.email).await?;
        Ok(json!({"login_sessions": sessions, "failed_logins_kept": failures}))
    })
}

fn collect_invitations<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let mut conn = store.pool.acquire().await?;
        let rows = invitations_of(&mut conn, s).await?;
        let list: Vec<Value> = rows
            .iter()
            .map(|r| {
                Ok(json!({
                    "id": get::<i64>(r, "id")?,
                    "wave": get::<String>(r, "wave")?,
                    "network": get::<String>(r, "network")?,
                    "kind": get::<String>(r, "kind")?,
                    "email": get::<Option<String>>(r, "email")?,
                    "emailed_at": get::<Option<i64>>(r, "sent_at")?.map(crate::audit::utc_timestamp),
                    "response_status": get::<Option<String>>(r, "status")?,
                }))
            })
            .collect::<Result<_>>()?;
        Ok(Value::Array(list))
    })
}

fn collect_responses<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let mut conn = store.pool.acquire().await?;
        let mut list = Vec::new();
        for inv in invitations_of(&mut conn, s).await? {
            let Some(rid) = get::<Option<i64>>(&inv, "response_id")? else {
                continue;
            };
            let answers: String = sqlx::query_scalar("SELECT answers FROM responses WHERE id = $1")
                .bind(rid)
                .fetch_one(&mut *conn)
                .await?;
            let answers: Value = serde_json::from_str(&answers)
                .map_err(|e| StoreError::Corrupt(format!("answers of response {rid}: {e}")))?;
            list.push(json!({
                "id": rid,
                "wave": get::<String>(&inv, "wave")?,
                "network": get::<String>(&inv, "network")?,
                "status": get::<Option<String>>(&inv, "status")?,
                "answers": answers,
            }));
        }
        let waves: BTreeMap<i64, String> = sqlx::query("SELECT id, name FROM waves ORDER BY id")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((get(r, "id")?, get(r, "name")?)))
            .collect::<Result<_>>()?;
        for (rid, wave, status, code) in pseudonymised_of(&mut conn, s).await? {
            let answers: String = sqlx::query_scalar("SELECT answers FROM responses WHERE id = $1")
                .bind(rid)
                .fetch_one(&mut *conn)
                .await?;
            let answers: Value = serde_json::from_str(&answers)
                .map_err(|e| StoreError::Corrupt(format!("answers of response {rid}: {e}")))?;
            list.push(json!({
                "id": rid,
                "wave": waves.get(&wave.0),
                "pseudonym": code,
                "status": status,
                "answers": answers,
            }));
        }
        Ok(Value::Array(list))
    })
}

fn collect_mentions<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let mut conn = store.pool.acquire().await?;
        let mut own: BTreeSet<i64> = invitations_of(&mut conn, s)
            .await?
            .iter()
            .filter_map(|r| get::<Option<i64>>(r, "response_id").ok().flatten())
            .collect();
        own.extend(
            pseudonymised_of(&mut conn, s)
                .await?
                .into_iter()
                .map(|p| p.0),
        );
        let mentions = subject_mentions(s, "");
        let rows = sqlx::query("SELECT id, answers FROM responses ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
        let mut list = Vec::new();
        for r in &rows {
            let id: i64 = get(r, "id")?;
            if own.contains(&id) {
                continue;
            }
            let text: String = get(r, "answers")?;
            let answers: Answers = serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("answers of response {id}: {e}")))?;
            for (q, v) in &answers {
                let (_, edits) = replace_mentions(v, &mentions);
                if !edits.is_empty() {
                    list.push(json!({"response": id, "question": q, "mentions": edits.len()}));
                }
            }
        }
        Ok(Value::Array(list))
    })
}

fn collect_codings<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let rows = sqlx::query(
            "SELECT c.id, c.response_id, c.question, c.start_pos, c.end_pos, k.key, c.memo \
             FROM codings c JOIN codes k ON k.id = c.code_id WHERE c.coder_id = $1 ORDER BY c.id",
        )
        .bind(s.pid())
        .fetch_all(&store.pool)
        .await?;
        let list: Vec<Value> = rows
            .iter()
            .map(|r| {
                Ok(json!({
                    "id": get::<i64>(r, "id")?,
                    "response": get::<i64>(r, "response_id")?,
                    "question": get::<String>(r, "question")?,
                    "start": get::<i64>(r, "start_pos")?,
                    "end": get::<i64>(r, "end_pos")?,
                    "code": get::<String>(r, "key")?,
                    "memo": get::<String>(r, "memo")?,
                }))
            })
            .collect::<Result<_>>()?;
        Ok(Value::Array(list))
    })
}

fn collect_coding_work<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let pid = s.pid();
        let led: Vec<Value> = sqlx::query(
            "SELECT id, name, question, created_at FROM coding_assignments WHERE lead_id = $1 ORDER BY id",
        )
        .bind(pid)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(json!({
                "id": get::<i64>(r, "id")?,
                "name": get::<String>(r, "name")?,
                "question": get::<String>(r, "question")?,
                "created": crate::audit::utc_timestamp(get(r, "created_at")?),
            }))
        })
        .collect::<Result<_>>()?;
        let coded: Vec<Value> = sqlx::query(
            "SELECT a.id, a.name, a.question, c.finished_at FROM coding_assignment_coders c \
             JOIN coding_assignments a ON a.id = c.assignment_id WHERE c.coder_id = $1 ORDER BY a.id",
        )
        .bind(pid)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(json!({
                "id": get::<i64>(r, "id")?,
                "name": get::<String>(r, "name")?,
                "question": get::<String>(r, "question")?,
                "finished": get::<Option<i64>>(r, "finished_at")?.map(crate::audit::utc_timestamp),
            }))
        })
        .collect::<Result<_>>()?;
        let decisions: Vec<Value> = sqlx::query(
            "SELECT id, at, kind, assignment_id, response_id, code_id, what, why \
             FROM coding_decisions WHERE person_id = $1 ORDER BY id",
        )
        .bind(pid)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(json!({
                "id": get::<i64>(r, "id")?,
                "at": crate::audit::utc_timestamp(get(r, "at")?),
                "kind": get::<String>(r, "kind")?,
                "assignment": get::<Option<i64>>(r, "assignment_id")?,
                "response": get::<Option<i64>>(r, "response_id")?,
                "code": get::<Option<i64>>(r, "code_id")?,
                "what": get::<String>(r, "what")?,
                "why": get::<String>(r, "why")?,
            }))
        })
        .collect::<Result<_>>()?;
        let suggestions: Vec<Value> = sqlx::query(
            "SELECT d.assignment_id, d.response_id, k.key, d.start_pos, d.end_pos, d.decision, d.at \
             FROM coding_suggestion_decisions d JOIN codes k ON k.id = d.code_id \
             WHERE d.coder_id = $1 ORDER BY d.id",
        )
        .bind(pid)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(json!({
                "assignment": get::<i64>(r, "assignment_id")?,
                "response": get::<i64>(r, "response_id")?,
                "code": get::<String>(r, "key")?,
                "start": get::<i64>(r, "start_pos")?,
                "end": get::<i64>(r, "end_pos")?,
                "decision": get::<String>(r, "decision")?,
                "at": crate::audit::utc_timestamp(get(r, "at")?),
            }))
        })
        .collect::<Result<_>>()?;
        let verdicts: Vec<Value> = sqlx::query(
            "SELECT response_id, question, start_pos, end_pos, status, at \
             FROM slow_question_confirmations WHERE coder_id = $1 ORDER BY id",
        )
        .bind(pid)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(json!({
                "response": get::<i64>(r, "response_id")?,
                "question": get::<String>(r, "question")?,
                "start": get::<i64>(r, "start_pos")?,
                "end": get::<i64>(r, "end_pos")?,
                "verdict": get::<String>(r, "status")?,
                "at": crate::audit::utc_timestamp(get(r, "at")?),
            }))
        })
        .collect::<Result<_>>()?;
        let versions: Vec<Value> = sqlx::query(
            "SELECT codebook_id, version, at, reason FROM codebook_versions \
             WHERE person_id = $1 ORDER BY id",
        )
        .bind(pid)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(json!({
                "codebook": get::<i64>(r, "codebook_id")?,
                "version": get::<i64>(r, "version")?,
                "at": get::<Option<i64>>(r, "at")?.map(crate::audit::utc_timestamp),
                "why": get::<String>(r, "reason")?,
            }))
        })
        .collect::<Result<_>>()?;
        Ok(json!({
            "assignments_led": led,
            "assignments_coded": coded,
            "decisions": decisions,
            "codebook_versions": versions,
            "suggestion_decisions": suggestions,
            "slow_question_verdicts": verdicts,
        }))
    })
}

fn collect_workspace<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        match s.id {
            // The workspace is for account holders only.
            None => Ok(Value::Null),
            Some(id) => store.person_contributions(id).await,
        }
    })
}

fn collect_audit<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let entries: Vec<AuditEntry> = store.audit_entries_about(&s.audit_subject()).await?;
        Ok(Value::Array(
            entries
                .into_iter()
                .map(|e| {
                    json!({
                        "at": crate::audit::utc_timestamp(e.at),
                        "actor": e.actor,
                        "action": e.action,
                        "subject": e.subject,
                        "detail": e.detail,
                    })
                })
                .collect(),
        ))
    })
}

// ---------------------------------------------------------------------------------------
// Erase steps.

fn erase_responses<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        let (mut removed, mut kept, mut invitations) = (0, 0, 0);
        for inv in invitations_of(conn, &p.subject).await? {
            let wave = WaveId(get(&inv, "wave_id")?);
            if let Some(rid) = get::<Option<i64>>(&inv, "response_id")? {
                let status: Option<String> = get(&inv, "status")?;
                let submitted = status.as_deref() == Some(ResponseStatus::Submitted.as_str());
                if submitted && p.policy(wave) == ErasePolicy::KeepAnonymised {
                    sqlx::query("UPDATE responses SET respondent = $1 WHERE id = $2")
                        .bind(format!("erased:{rid}"))
                        .bind(rid)
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("DELETE FROM pseudonyms WHERE response_id = $1")
                        .bind(rid)
                        .execute(&mut *conn)
                        .await?;
                    kept += 1;
                } else {
                    sqlx::query("DELETE FROM responses WHERE id = $1")
                        .bind(rid)
                        .execute(&mut *conn)
                        .await?;
                    removed += 1;
                }
            }
            sqlx::query("DELETE FROM invitations WHERE id = $1")
                .bind(get::<i64>(&inv, "id")?)
                .execute(&mut *conn)
                .await?;
            invitations += 1;
        }
        for (rid, wave, status, _) in pseudonymised_of(conn, &p.subject).await? {
            if status == ResponseStatus::Submitted.as_str()
                && p.policy(wave) == ErasePolicy::KeepAnonymised
            {
                sqlx::query("UPDATE responses SET respondent = $1 WHERE id = $2")
                    .bind(format!("erased:{rid}"))
                    .bind(rid)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("DELETE FROM pseudonyms WHERE response_id = $1")
                    .bind(rid)
                    .execute(&mut *conn)
                    .await?;
                kept += 1;
            } else {
                sqlx::query("DELETE FROM responses WHERE id = $1")
                    .bind(rid)
                    .execute(&mut *conn)
                    .await?;
                removed += 1;
            }
        }
        Ok(vec![
            ("removed", removed),
            ("kept_anonymised", kept),
            ("invitations_removed", invitations),
        ])
    })
}

fn erase_mentions<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        let mentions = subject_mentions(&p.subject, REMOVED);
        let n = replace_in_answers(conn, None, &mentions).await?;
        Ok(vec![("answers_changed", n)])
    })
}

fn erase_codings<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM codings WHERE coder_id = $1")
            .bind(p.subject.pid())
            .fetch_one(conn)
            .await?;
        Ok(vec![("kept_unlinked", n)])
    })
}

fn erase_coding_work<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        // Like their codings: the decisions, verdicts and assignments stay (the study's
        // traceability depends on them) and keep pointing at the account, which the last step
        // empties. Mentions of the person in any decision's text are replaced.
        let pid = p.subject.pid();
        let mut kept = 0;
        for sql in [
            "SELECT COUNT(*) FROM coding_decisions WHERE person_id = $1",
            "SELECT COUNT(*) FROM coding_suggestion_decisions WHERE coder_id = $1",
            "SELECT COUNT(*) FROM slow_question_confirmations WHERE coder_id = $1",
            "SELECT COUNT(*) FROM codebook_versions WHERE person_id = $1",
        ] {
            let n: i64 = sqlx::query_scalar(sql)
                .bind(pid)
                .fetch_one(&mut *conn)
                .await?;
            kept += n;
        }
        let mentions = subject_mentions(&p.subject, REMOVED);
        let mut changed = 0;
        let rows = sqlx::query("SELECT id, what, why FROM coding_decisions ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
        for r in &rows {
            let (what, why): (String, String) = (get(r, "what")?, get(r, "why")?);
            let (new_what, e1) = replace_mentions(&what, &mentions);
            let (new_why, e2) = replace_mentions(&why, &mentions);
            if !e1.is_empty() || !e2.is_empty() {
                sqlx::query("UPDATE coding_decisions SET what = $1, why = $2 WHERE id = $3")
                    .bind(new_what)
                    .bind(new_why)
                    .bind(get::<i64>(r, "id")?)
                    .execute(&mut *conn)
                    .await?;
                changed += 1;
            }
        }
        // The codebook's versions, like the decisions that made them: the reason and the
        // snapshot's texts (old names of codes appear in both logs).
        let rows = sqlx::query("SELECT id, reason, snapshot FROM codebook_versions ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
        for r in &rows {
            let (reason, snapshot): (String, String) = (get(r, "reason")?, get(r, "snapshot")?);
            let (new_reason, e1) = replace_mentions(&reason, &mentions);
            let (new_snapshot, e2) = replace_mentions(&snapshot, &mentions);
            // A mention is replaced by plain text, so the snapshot stays JSON; if it would
            // not, the snapshot is kept as it was (its texts are the codebook's, not answers).
            let new_snapshot = if serde_json::from_str::<serde_json::Value>(&new_snapshot).is_ok() {
                new_snapshot
            } else {
                snapshot
            };
            if !e1.is_empty() || !e2.is_empty() {
                sqlx::query(
                    "UPDATE codebook_versions SET reason = $1, snapshot = $2 WHERE id = $3",
                )
                .bind(new_reason)
                .bind(new_snapshot)
                .bind(get::<i64>(r, "id")?)
                .execute(&mut *conn)
                .await?;
                changed += 1;
            }
        }
        Ok(vec![
            ("kept_unlinked", kept),
            ("decisions_changed", changed),
        ])
    })
}

/// The workspace's free texts, where someone else may have written a person's name.
const WORKSPACE_TEXTS: &[(&str, &str)] = &[
    ("ws_sessions", "report"),
    ("ws_topics", "title"),
    ("ws_agenda_items", "title"),
    ("ws_slow_questions", "text"),
    ("ws_slow_questions", "followup"),
    ("ws_stories", "text"),
];

fn erase_workspace<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        // Their own contributions: texts blanked, links removed, rows kept so that the
        // networks' counts stay (see `workspace::erase_person_in`). Before the account step.
        let e = match p.subject.id {
            Some(id) => crate::workspace::erase_person_in(conn, id).await?,
            None => crate::workspace::Erasure::default(),
        };
        // Mentions of them in what others wrote.
        let mentions = subject_mentions(&p.subject, REMOVED);
        let mut changed = 0;
        for (table, column) in WORKSPACE_TEXTS {
            let rows = sqlx::query(&format!(
                "SELECT id, {column} AS t FROM {table} WHERE {column} <> '' ORDER BY id"
            ))
            .fetch_all(&mut *conn)
            .await?;
            for r in &rows {
                let text: String = get(r, "t")?;
                let (new, edits) = replace_mentions(&text, &mentions);
                if !edits.is_empty() {
                    sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
                        .bind(new)
                        .bind(get::<i64>(r, "id")?)
                        .execute(&mut *conn)
                        .await?;
                    changed += 1;
                }
            }
        }
        Ok(vec![
            ("slow_questions_blanked", e.slow_questions as i64),
            ("topics_blanked", e.topics as i64),
            ("stories_blanked", e.stories as i64),
            ("votes_unlinked", e.votes as i64),
            ("attendance_unlinked", e.attendance as i64),
            ("sessions_unlinked", e.sessions as i64),
            ("outbox_removed", e.outbox as i64),
            ("texts_changed", changed),
        ])
    })
}

/// The login attempts the throttle keeps of the account with this address (its pairs' counts:
/// its own row counts the same attempts again).
async fn login_attempts_kept<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    e: E,
    email: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(attempts), 0) AS BIGINT) FROM login_throttle \
         WHERE lower(account) = $1 AND address <> ''",
    )
    .bind(email.to_lowercase())
    .fetch_one(e)
    .await?)
}

fn erase_sessions<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        let sessions = sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(p.subject.pid())
            .execute(&mut *conn)
            .await?
            .rows_affected() as i64;
        let failures = login_attempts_kept(&mut *conn, &p.subject.email).await?;
        // The throttle's rows of the account: its own and one per address it was tried from.
        sqlx::query("DELETE FROM login_throttle WHERE lower(account) = $1")
            .bind(p.subject.email.to_lowercase())
            .execute(&mut *conn)
            .await?;
        Ok(vec![
            ("removed", sessions),
            ("failed_logins_removed", failures),
        ])
    })
}

fn erase_account<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        let Some(PersonId(id)) = p.subject.id else {
            return Ok(vec![("emptied", 0), ("network_links_removed", 0)]);
        };
        let networks = sqlx::query("DELETE FROM person_networks WHERE person_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected() as i64;
        let done = sqlx::query(
            "UPDATE persons SET email = $1, name = $2, role = 'member', password_hash = NULL \
             WHERE id = $3",
        )
        .bind(format!("erased-{id}@erased.invalid"))
        .bind(format!("erased-{id}"))
        .bind(id)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound(format!("there is no person {id}")));
        }
        Ok(vec![("emptied", 1), ("network_links_removed", networks)])
    })
}

// ---------------------------------------------------------------------------------------
// The store's privacy operations.

impl Store {
    /// The person with this e-mail address (any case), for a privacy request: an account, or
    /// else someone invited by that address. `NotFound` when leernet knows neither.
    pub async fn privacy_subject(&self, email: &str) -> Result<Subject> {
        self.privacy_subject_with(email, &[]).await
    }

    /// [`Store::privacy_subject`] with the person's pseudonym codes (the caller derived them
    /// from the key files with [`pseudonym_code`]). Someone whose address is gone from
    /// leernet but whose code a pseudonymised response carries is found by the code.
    pub async fn privacy_subject_with(&self, email: &str, codes: &[String]) -> Result<Subject> {
        let mut conn = self.pool.acquire().await?;
        let mut subject = match subject_by_email(&mut conn, email).await? {
            Some(s) => s,
            None => {
                let mut found = None;
                for code in codes {
                    let n: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM pseudonyms WHERE code = $1")
                            .bind(code)
                            .fetch_one(&mut *conn)
                            .await?;
                    if n > 0 {
                        found = Some(code.clone());
                        break;
                    }
                }
                let code = found.ok_or_else(|| not_found(email))?;
                Subject {
                    id: None,
                    audit_key: format!("pseudonym:{code}"),
                    email: email.trim().to_owned(),
                    name: String::new(),
                    pseudonyms: Vec::new(),
                }
            }
        };
        for c in codes {
            if !subject.pseudonyms.contains(c) {
                subject.pseudonyms.push(c.clone());
            }
        }
        Ok(subject)
    }

    /// Everything leernet holds about a person ([`Store::privacy_subject`], with their
    /// pseudonym codes when the caller has the key), area by area ([`EXPORT_AREAS`]); records
    /// the export in the audit log.
    pub async fn export_person(
        &self,
        subject: &Subject,
        actor: &Actor,
        at: i64,
    ) -> Result<PersonExport> {
        self.export_person_with(subject, EXPORT_AREAS, actor, at)
            .await
    }

    /// [`Store::export_person`] over the given areas.
    pub async fn export_person_with(
        &self,
        subject: &Subject,
        areas: &[(&str, Collector)],
        actor: &Actor,
        at: i64,
    ) -> Result<PersonExport> {
        let mut out = Vec::with_capacity(areas.len());
        for (name, collect) in areas {
            out.push(((*name).to_owned(), collect(self, subject).await?));
        }
        self.audit(&NewAudit {
            at,
            actor: actor.clone(),
            action: Action::PrivacyExport,
            subject: subject.audit_subject(),
            detail: format!("areas={}", areas.len()),
        })
        .await?;
        Ok(PersonExport {
            subject: subject.clone(),
            areas: out,
        })
    }

    /// Erases one person ([`ERASE_AREAS`], see `docs/privacy.md`) in one transaction with its
    /// audit entry. With `dry_run`, does everything, reports it, and rolls back.
    pub async fn erase_person(
        &self,
        plan: &ErasePlan,
        actor: &Actor,
        at: i64,
        dry_run: bool,
    ) -> Result<EraseReport> {
        self.erase_person_with(plan, ERASE_AREAS, actor, at, dry_run)
            .await
    }

    /// [`Store::erase_person`] over the given steps: any error in any step changes nothing.
    pub async fn erase_person_with(
        &self,
        plan: &ErasePlan,
        areas: &[(&str, Eraser)],
        actor: &Actor,
        at: i64,
        dry_run: bool,
    ) -> Result<EraseReport> {
        let mut tx = self.pool.begin().await?;
        // Take the write lock first (SQLite), and make sure the person is still who we think.
        let still = match plan.subject.id {
            Some(id) => {
                sqlx::query("UPDATE persons SET email = email WHERE id = $1 AND email = $2")
                    .bind(id.0)
                    .bind(&plan.subject.email)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            }
            None => {
                let mut n = sqlx::query(
                    "UPDATE invitations SET email = email WHERE lower(email) = lower($1)",
                )
                .bind(&plan.subject.email)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                for code in &plan.subject.pseudonyms {
                    let c: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM pseudonyms WHERE code = $1")
                            .bind(code)
                            .fetch_one(&mut *tx)
                            .await?;
                    n += c as u64;
                }
                n
            }
        };
        if still == 0 {
            return Err(not_found(&plan.subject.email));
        }
        let mut counts = Vec::new();
        for (area, step) in areas {
            for (what, n) in step(&mut tx, plan).await? {
                counts.push(((*area).to_owned(), what.to_owned(), n));
            }
        }
        let report = EraseReport {
            subject: plan.subject.audit_subject(),
            counts,
            dry_run,
        };
        if dry_run {
            tx.rollback().await?;
            return Ok(report);
        }
        record(
            &mut tx,
            &NewAudit {
                at,
                actor: actor.clone(),
                action: Action::PrivacyErase,
                subject: plan.subject.audit_subject(),
                detail: report.detail(),
            },
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        self.compact_after_erase().await?;
        Ok(report)
    }

    /// After an erase, on SQLite: the freed space is already zeroed (`secure_delete` is on for
    /// every connection), and now the database is rewritten without its free pages (which may
    /// hold what was deleted before `secure_delete`) and the write-ahead log is emptied, so
    /// nothing of the erased person remains in the files. On PostgreSQL nothing happens here:
    /// docs/privacy.md says what VACUUM does and does not guarantee.
    async fn compact_after_erase(&self) -> Result<()> {
        if self.backend != crate::Backend::Sqlite {
            return Ok(());
        }
        self.truncate_log().await?;
        sqlx::query("VACUUM").execute(&self.pool).await?;
        self.truncate_log().await
    }

    /// Copies the SQLite write-ahead log into the database and cuts it to zero bytes; SQLite
    /// waits (the connection's busy timeout, 10 s) for readers of older pages to finish.
    async fn truncate_log(&self) -> Result<()> {
        let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.pool)
            .await?;
        let busy: i64 = sqlx::Row::try_get(&row, 0)?;
        if busy != 0 {
            return Err(crate::StoreError::Corrupt(
                "the erase is done, but the write-ahead log could not be emptied: readers kept it busy; run the erase again to empty it".into(),
            ));
        }
        Ok(())
    }

    /// A person's own workspace contributions ([`Store::person_contributions`]), for their
    /// self-service download, recorded in the audit log (`workspace.export`).
    pub async fn workspace_export_audited(&self, person: PersonId, at: i64) -> Result<Value> {
        let json = self.person_contributions(person).await?;
        self.audit(&NewAudit {
            at,
            actor: Actor::Person(person),
            action: Action::WorkspaceExport,
            subject: format!("person:{}", person.0),
            detail: String::new(),
        })
        .await?;
        Ok(json)
    }

    /// Erases a person's own workspace contributions ([`crate::workspace::erase_person_in`])
    /// at their request, in one transaction with its audit entry (`workspace.erase`, counts).
    pub async fn workspace_erase_audited(
        &self,
        person: PersonId,
        at: i64,
    ) -> Result<crate::workspace::Erasure> {
        let mut tx = self.pool.begin().await?;
        let e = crate::workspace::erase_person_in(&mut tx, person).await?;
        record(
            &mut tx,
            &NewAudit {
                at,
                actor: Actor::Person(person),
                action: Action::WorkspaceErase,
                subject: format!("person:{}", person.0),
                detail: format!(
                    "slow_questions={} topics={} stories={} votes={} attendance={} sessions={} outbox={}",
                    e.slow_questions, e.topics, e.stories, e.votes, e.attendance, e.sessions, e.outbox
                ),
            },
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(e)
    }

    /// The wave of an instrument-independent name: the one wave called `name`. `NotFound`
    /// when there is none; `Conflict` when several instruments have a wave of that name.
    pub async fn wave_by_name(&self, name: &str) -> Result<Wave> {
        let found: Vec<Wave> = self
            .waves()
            .await?
            .into_iter()
            .filter(|w| w.name == name)
            .collect();
        match found.len() {
            0 => Err(StoreError::NotFound(format!(
                "there is no wave named {name:?} in this project"
            ))),
            1 => Ok(found.into_iter().next().expect("one wave")),
            n => Err(StoreError::Conflict(format!(
                "{n} waves are named {name:?} (one per instrument); rename one of them first"
            ))),
        }
    }

    /// Sets the last day a wave's personal data is kept (an ISO date, checked by the caller
    /// with [`parse_iso_date`]), with its audit entry.
    pub async fn set_retention(
        &self,
        wave: WaveId,
        keep_until: &str,
        actor: &Actor,
        at: i64,
    ) -> Result<()> {
        if parse_iso_date(keep_until).is_none() {
            return Err(StoreError::Conflict(format!(
                "{keep_until:?} is not a date (YYYY-MM-DD)"
            )));
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO wave_retention (wave_id, keep_until) VALUES ($1, $2) \
             ON CONFLICT (wave_id) DO UPDATE SET keep_until = $2",
        )
        .bind(wave.0)
        .bind(keep_until)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                StoreError::NotFound(format!("there is no wave {wave}"))
            }
            _ => StoreError::Db(e),
        })?;
        record(
            &mut tx,
            &NewAudit {
                at,
                actor: actor.clone(),
                action: Action::RetentionSet,
                subject: format!("wave:{}", wave.0),
                detail: format!("keep_until={keep_until}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every wave's retention date, by wave id.
    pub async fn retention_dates(&self) -> Result<Vec<(WaveId, String)>> {
        let rows = sqlx::query("SELECT wave_id, keep_until FROM wave_retention ORDER BY wave_id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((WaveId(get(r, "wave_id")?), get(r, "keep_until")?)))
            .collect()
    }

    /// Removes the personal data of every wave whose retention date is before `today` (an ISO
    /// date): the invitations' e-mail addresses and person links, the pseudonym codes, and
    /// mentions of known people (and of the invitations' addresses) in the answers and coding
    /// memos, replaced by [`REMOVED`]. One transaction for all waves. Idempotent: a second
    /// run finds nothing left and records nothing; a wave where something was removed gets an
    /// audit entry. Returns what was done per expired wave.
    pub async fn apply_retention(
        &self,
        today: &str,
        actor: &Actor,
        at: i64,
    ) -> Result<Vec<RetentionOutcome>> {
        if parse_iso_date(today).is_none() {
            return Err(StoreError::Conflict(format!(
                "{today:?} is not a date (YYYY-MM-DD)"
            )));
        }
        let mut tx = self.pool.begin().await?;
        // Take the write lock first (SQLite).
        sqlx::query("UPDATE wave_retention SET keep_until = keep_until WHERE keep_until < $1")
            .bind(today)
            .execute(&mut *tx)
            .await?;
        let due = sqlx::query(
            "SELECT wave_id, keep_until FROM wave_retention WHERE keep_until < $1 ORDER BY wave_id",
        )
        .bind(today)
        .fetch_all(&mut *tx)
        .await?;
        let people = known_people(&mut tx).await?;
        let mut out = Vec::new();
        for r in &due {
            let wave = WaveId(get(r, "wave_id")?);
            let keep_until: String = get(r, "keep_until")?;
            let mut mentions: Vec<Mention> = Vec::new();
            for (email, name) in &people {
                mentions.extend(mentions_of(email, name, REMOVED));
            }
            for email in wave_invitation_emails(&mut tx, wave).await? {
                mentions.push(Mention {
                    needle: email,
                    replacement: REMOVED.to_owned(),
                });
            }
            let invitations = sqlx::query(
                "UPDATE invitations SET email = NULL, person_id = NULL \
                 WHERE wave_id = $1 AND (email IS NOT NULL OR person_id IS NOT NULL)",
            )
            .bind(wave.0)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
            let pseudonyms = sqlx::query(
                "DELETE FROM pseudonyms WHERE response_id IN (SELECT id FROM responses WHERE wave_id = $1)",
            )
            .bind(wave.0)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
            let answers = replace_in_answers(&mut tx, Some(wave), &mentions).await?;
            if invitations + pseudonyms + answers > 0 {
                record(
                    &mut tx,
                    &NewAudit {
                        at,
                        actor: actor.clone(),
                        action: Action::RetentionApply,
                        subject: format!("wave:{}", wave.0),
                        detail: format!(
                            "keep_until={keep_until} invitations={invitations} pseudonyms={pseudonyms} answers={answers}"
                        ),
                    },
                )
                .await?;
            }
            out.push(RetentionOutcome {
                wave,
                keep_until,
                invitations,
                answers,
                pseudonyms,
            });
        }
        // a run past no retention date changes nothing, not even the generation
        if out
            .iter()
            .any(|o| o.invitations + o.answers + o.pseudonyms > 0)
        {
            crate::generation::bump(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Pseudonymises a closed wave under `key`: every invitation's e-mail address and person
    /// link is replaced by the person's code (kept per response), and mentions of known people
    /// and of the invitations' addresses in the answers and coding memos are replaced by their
    /// codes. One transaction with its audit entry; with `dry_run`, reports and rolls back.
    /// `Conflict` when the wave is not closed (a running survey would lose its links).
    pub async fn pseudonymise_wave(
        &self,
        wave: WaveId,
        key: &[u8],
        actor: &Actor,
        at: i64,
        dry_run: bool,
    ) -> Result<PseudonymReport> {
        if key.len() < 16 {
            return Err(StoreError::Conflict(
                "a pseudonymisation key has at least 16 bytes".into(),
            ));
        }
        let mut tx = self.pool.begin().await?;
        let status: Option<String> =
            sqlx::query_scalar("UPDATE waves SET status = status WHERE id = $1 RETURNING status")
                .bind(wave.0)
                .fetch_optional(&mut *tx)
                .await?;
        let status =
            status.ok_or_else(|| StoreError::NotFound(format!("there is no wave {wave}")))?;
        if status != WaveStatus::Closed.as_str() {
            return Err(StoreError::Conflict(format!(
                "the wave is {status}, not closed: close it first, so that no respondent loses their link"
            )));
        }
        let mut key_entries: BTreeMap<String, KeyEntry> = BTreeMap::new();
        let mut add_key = |email: &str, name: &str| -> Result<String> {
            let code = pseudonym_code(key, email);
            let email = email.trim().to_lowercase();
            match key_entries.get(&code) {
                Some(e) if e.email != email => Err(StoreError::Conflict(format!(
                    "two addresses share the code {code}; use another key"
                ))),
                Some(_) => Ok(code),
                None => {
                    key_entries.insert(
                        code.clone(),
                        KeyEntry {
                            code: code.clone(),
                            email,
                            name: name.to_owned(),
                        },
                    );
                    Ok(code)
                }
            }
        };
        let people = known_people(&mut tx).await?;
        let invs = sqlx::query(
            "SELECT i.id, i.email, p.email AS person_email, p.name AS person_name, r.id AS response_id \
             FROM invitations i LEFT JOIN persons p ON p.id = i.person_id \
             LEFT JOIN responses r ON r.wave_id = i.wave_id AND r.respondent = 'invitation:' || i.id \
             WHERE i.wave_id = $1 AND (i.email IS NOT NULL OR i.person_id IS NOT NULL) ORDER BY i.id",
        )
        .bind(wave.0)
        .fetch_all(&mut *tx)
        .await?;
        let mut mentions = Vec::new();
        let (mut responses, mut invitations) = (0, 0);
        for inv in &invs {
            let email: Option<String> =
                get::<Option<String>>(inv, "person_email")?.or(get(inv, "email")?);
            let Some(email) = email else { continue };
            let name = get::<Option<String>>(inv, "person_name")?
                .or_else(|| {
                    people
                        .iter()
                        .find(|(e, _)| e.eq_ignore_ascii_case(&email))
                        .map(|(_, n)| n.clone())
                })
                .unwrap_or_default();
            let code = add_key(&email, &name)?;
            if let Some(inv_email) = get::<Option<String>>(inv, "email")? {
                mentions.push(Mention {
                    needle: inv_email,
                    replacement: code.clone(),
                });
            }
            if let Some(rid) = get::<Option<i64>>(inv, "response_id")? {
                sqlx::query(
                    "INSERT INTO pseudonyms (response_id, code) VALUES ($1, $2) \
                     ON CONFLICT (response_id) DO UPDATE SET code = $2",
                )
                .bind(rid)
                .bind(&code)
                .execute(&mut *tx)
                .await?;
                responses += 1;
            }
            sqlx::query("UPDATE invitations SET email = NULL, person_id = NULL WHERE id = $1")
                .bind(get::<i64>(inv, "id")?)
                .execute(&mut *tx)
                .await?;
            invitations += 1;
        }
        // Mentions of known people: only those that occur get into the key.
        let mut candidates = Vec::new();
        for (email, name) in &people {
            let code = pseudonym_code(key, email);
            candidates.push((email.clone(), name.clone(), mentions_of(email, name, &code)));
        }
        let texts: Vec<String> =
            sqlx::query_scalar("SELECT answers FROM responses WHERE wave_id = $1 ORDER BY id")
                .bind(wave.0)
                .fetch_all(&mut *tx)
                .await?;
        for (email, name, ms) in candidates {
            let occurs = texts.iter().any(|t| {
                serde_json::from_str::<Answers>(t)
                    .map(|a| a.values().any(|v| !replace_mentions(v, &ms).1.is_empty()))
                    .unwrap_or(false)
            });
            if occurs {
                add_key(&email, &name)?;
                mentions.extend(ms);
            }
        }
        let answers = replace_in_answers(&mut tx, Some(wave), &mentions).await?;
        let report = PseudonymReport {
            wave,
            responses,
            invitations,
            answers,
            key: key_entries.into_values().collect(),
        };
        if dry_run {
            tx.rollback().await?;
            return Ok(report);
        }
        record(
            &mut tx,
            &NewAudit {
                at,
                actor: actor.clone(),
                action: Action::Pseudonymise,
                subject: format!("wave:{}", wave.0),
                detail: format!(
                    "responses={responses} invitations={invitations} answers={answers} codes={}",
                    report.key.len()
                ),
            },
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The pseudonym code of each pseudonymised response of a wave, by response id.
    pub async fn pseudonyms(&self, wave: WaveId) -> Result<Vec<(ResponseId, String)>> {
        let rows = sqlx::query(
            "SELECT p.response_id, p.code FROM pseudonyms p JOIN responses r ON r.id = p.response_id \
             WHERE r.wave_id = $1 ORDER BY p.response_id",
        )
        .bind(wave.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((ResponseId(get(r, "response_id")?), get(r, "code")?)))
            .collect()
    }
}

/// Everyone known to leernet by (e-mail, name), except erased accounts.
async fn known_people(conn: &mut sqlx::AnyConnection) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT email, name FROM persons WHERE email NOT LIKE '%@erased.invalid' ORDER BY id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((get(r, "email")?, get(r, "name")?)))
        .collect()
}

async fn wave_invitation_emails(
    conn: &mut sqlx::AnyConnection,
    wave: WaveId,
) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT email FROM invitations WHERE wave_id = $1 AND email IS NOT NULL ORDER BY email",
    )
    .bind(wave.0)
    .fetch_all(conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(n: &str, r: &str) -> Mention {
        Mention {
            needle: n.into(),
            replacement: r.into(),
        }
    }

    #[test]
    fn mentions_are_whole_words_in_any_case() {
        let ms = [m("Anna de Vries", "P-1"), m("anna@example.org", "P-1")];
        let (t, e) = replace_mentions("Met ANNA  de vries, en anna@Example.org.", &ms);
        assert_eq!(t, "Met P-1, en P-1.");
        assert_eq!(e.len(), 2);
        // Not inside another word.
        let (t, e) = replace_mentions("Johanna de Vriesland", &ms);
        assert_eq!(t, "Johanna de Vriesland");
        assert!(e.is_empty());
        assert!(!name_is_searchable("lid"));
        assert!(name_is_searchable("Anna de Vries"));
    }

    #[test]
    fn offsets_follow_the_words() {
        // "Ik sprak Anna de Vries gisteren": "gisteren" is at 23..31.
        let text = "Ik sprak Anna de Vries gisteren";
        let (t, e) = replace_mentions(text, &[m("Anna de Vries", "X")]);
        assert_eq!(t, "Ik sprak X gisteren");
        assert_eq!(map_offset(&e, 23, false), 11);
        assert_eq!(map_offset(&e, 31, true), 19);
        assert_eq!(&t[11..19], "gisteren");
        // A segment inside the name covers the replacement.
        assert_eq!(
            (map_offset(&e, 12, false), map_offset(&e, 15, true)),
            (9, 10)
        );
        assert_eq!(map_offset(&e, 3, false), 3);
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let k = [7u8; 32];
        assert_eq!(pseudonym_code(&k, "A@x.nl"), pseudonym_code(&k, "a@x.nl"));
        assert_ne!(
            pseudonym_code(&k, "a@x.nl"),
            pseudonym_code(&[8u8; 32], "a@x.nl")
        );
        assert_eq!(pseudonym_code(&k, "a@x.nl").len(), 12);
    }

    #[test]
    fn dates_are_real_days() {
        assert!(parse_iso_date("2028-02-29").is_some());
        assert!(parse_iso_date("2027-02-29").is_none());
        assert!(parse_iso_date("2027-13-01").is_none());
        assert!(parse_iso_date("27-01-01").is_none());
        assert_eq!(iso_date(0), "1970-01-01");
    }
}
