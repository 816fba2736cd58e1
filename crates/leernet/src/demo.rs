//! The fictional demo study: loads `instruments/` and `demo/` (compiled into the binary, so
//! `leernet demo` works from any folder) into a project's store.
//!
//! Every value is checked against its instrument by the XLSForm engine before anything is
//! stored; each problem names its file, row and column. The caller builds the project in a
//! scratch folder and moves it into place only when everything succeeded.

use anyhow::{anyhow, bail, Context, Result};
use leernet_core::*;
use leernet_store::*;
use leernet_xlsform::Form;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The files of a study to load.
pub struct StudyFiles {
    pub instruments: Vec<(&'static str, &'static [u8])>,
    pub study_toml: &'static str,
    /// The waves' answers, in the order the waves were fielded.
    pub responses: Vec<ResponseFile>,
    pub codebook_toml: &'static str,
    /// The two coders' codings of each wave's open answers.
    pub codings: Vec<CodingsFile>,
    /// The networks' practice workspace (`demo/workspace/workspace.toml`).
    pub workspace_toml: &'static str,
}

/// One wave's answers to one questionnaire.
pub struct ResponseFile {
    pub file: &'static str,
    pub form_id: &'static str,
    pub wave: &'static str,
    pub csv: &'static str,
}

/// The codings of one wave's open answers.
pub struct CodingsFile {
    pub file: &'static str,
    pub wave: &'static str,
    pub csv: &'static str,
}

/// The fictional demo study shipped with leernet: two waves, `2026` and `2027` (the same 17
/// networks a year later; `demo/tools/second_wave.py`).
pub fn demo_files() -> StudyFiles {
    StudyFiles {
        instruments: vec![
            (
                "network.xlsx",
                include_bytes!("../../../instruments/network.xlsx"),
            ),
            (
                "member.xlsx",
                include_bytes!("../../../instruments/member.xlsx"),
            ),
        ],
        study_toml: include_str!("../../../demo/study.toml"),
        responses: vec![
            ResponseFile {
                file: "demo/responses/network.csv",
                form_id: "leernet_network",
                wave: "2026",
                csv: include_str!("../../../demo/responses/network.csv"),
            },
            ResponseFile {
                file: "demo/responses/member.csv",
                form_id: "leernet_member",
                wave: "2026",
                csv: include_str!("../../../demo/responses/member.csv"),
            },
            ResponseFile {
                file: "demo/responses/network-2027.csv",
                form_id: "leernet_network",
                wave: "2027",
                csv: include_str!("../../../demo/responses/network-2027.csv"),
            },
            ResponseFile {
                file: "demo/responses/member-2027.csv",
                form_id: "leernet_member",
                wave: "2027",
                csv: include_str!("../../../demo/responses/member-2027.csv"),
            },
        ],
        codebook_toml: include_str!("../../../demo/codebook.toml"),
        codings: vec![
            CodingsFile {
                file: "demo/codings.csv",
                wave: "2026",
                csv: include_str!("../../../demo/codings.csv"),
            },
            CodingsFile {
                file: "demo/codings-2027.csv",
                wave: "2027",
                csv: include_str!("../../../demo/codings-2027.csv"),
            },
        ],
        workspace_toml: include_str!("../../../demo/workspace/workspace.toml"),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StudyToml {
    study: StudySection,
    werkplaats: Vec<WorkplaceToml>,
    network: Vec<NetworkToml>,
    person: Vec<PersonToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StudySection {
    title_nl: String,
    title_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkplaceToml {
    slug: Slug,
    name: String,
    region: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkToml {
    slug: Slug,
    name: String,
    werkplaats: Slug,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonToml {
    email: Email,
    name: String,
    role: Role,
    #[serde(default)]
    networks: Vec<Slug>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodebookToml {
    code: Vec<CodeToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeToml {
    id: String,
    parent: Option<String>,
    name_nl: String,
    name_en: String,
    description_nl: String,
    description_en: String,
    inclusion_nl: String,
    inclusion_en: String,
    exclusion_nl: String,
    exclusion_en: String,
    /// Short example quotes, one per item.
    examples_nl: Vec<String>,
    examples_en: Vec<String>,
    /// `#RRGGBB`.
    colour: String,
}

/// What was loaded.
#[derive(Debug, Default)]
pub struct LoadSummary {
    pub workplaces: usize,
    pub networks: usize,
    pub persons: usize,
    pub responses: BTreeMap<String, usize>,
    pub codes: usize,
    pub codings: usize,
    /// Sessions in the networks' workspaces.
    pub workspace_sessions: usize,
}

/// Reads a CSV of responses into (respondent, network slug, answers), checking every value
/// with the instrument. `key_column` names the respondent column (`network` for the network
/// questionnaire, where the network is the respondent).
fn read_responses(file: &str, text: &str, form: &Form) -> Result<Vec<(String, String, Answers)>> {
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .with_context(|| format!("{file}: the header row cannot be read"))?
        .clone();
    let network_col = headers
        .iter()
        .position(|h| h == "network")
        .ok_or_else(|| anyhow!("{file}: there is no column \"network\""))?;
    let respondent_col = headers.iter().position(|h| h == "respondent");
    let mut problems = Vec::new();
    for h in headers.iter() {
        if h != "network" && h != "respondent" && form.question(h).is_none() {
            problems.push(format!(
                "{file}, column {h:?}: no question of that name in {}",
                form.id()
            ));
        }
    }
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let row = i + 2;
        let rec = rec.with_context(|| format!("{file}, row {row}: not valid CSV"))?;
        let network = rec.get(network_col).unwrap_or("").to_owned();
        let respondent = match respondent_col {
            Some(c) => rec.get(c).unwrap_or("").to_owned(),
            None => network.clone(),
        };
        let mut answers = Answers::new();
        for (h, v) in headers.iter().zip(rec.iter()) {
            if h == "network" || h == "respondent" || v.is_empty() || form.question(h).is_none() {
                continue;
            }
            if let Err(e) = form.check_value(h, v) {
                problems.push(format!("{file}, row {row}, column {h:?}: {e}"));
            }
            answers.insert(h.to_owned(), v.to_owned());
        }
        out.push((respondent, network, answers));
    }
    if !problems.is_empty() {
        let n = problems.len();
        problems.truncate(20);
        bail!("{n} problem(s) in the responses: {}", problems.join("; "));
    }
    Ok(out)
}

/// Loads a whole study into an empty store. `progress` is told each step's name.
pub async fn load(
    store: &Store,
    files: &StudyFiles,
    mut progress: impl FnMut(&str),
) -> Result<LoadSummary> {
    let mut summary = LoadSummary::default();
    let study: StudyToml = toml::from_str(files.study_toml)
        .map_err(|e| anyhow!("demo/study.toml: {}", e.message()))?;
    progress("registry");
    store
        .set_study(&StudyInfo {
            title: Bilingual {
                nl: study.study.title_nl.clone(),
                en: study.study.title_en.clone(),
            },
            fictional: true,
        })
        .await?;
    let mut wp_ids = BTreeMap::new();
    for w in &study.werkplaats {
        let id = store
            .add_workplace(&NewWorkplace {
                slug: w.slug.clone(),
                name: w.name.clone(),
                region: w.region.clone(),
            })
            .await?;
        wp_ids.insert(w.slug.clone(), id);
    }
    let mut net_ids = BTreeMap::new();
    for n in &study.network {
        let wp = *wp_ids.get(&n.werkplaats).ok_or_else(|| {
            anyhow!(
                "demo/study.toml: network {} names Werkplaats {}, which is not listed",
                n.slug,
                n.werkplaats
            )
        })?;
        let id = store
            .add_network(&NewNetwork {
                slug: n.slug.clone(),
                name: n.name.clone(),
                workplace: wp,
            })
            .await?;
        net_ids.insert(n.slug.as_str().to_owned(), id);
    }
    let mut person_ids = BTreeMap::new();
    for p in &study.person {
        let networks = p
            .networks
            .iter()
            .map(|s| {
                net_ids.get(s.as_str()).copied().ok_or_else(|| {
                    anyhow!(
                        "demo/study.toml: person {} names unknown network {s}",
                        p.email
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let id = store
            .add_person(&NewPerson {
                email: p.email.clone(),
                name: p.name.clone(),
                role: p.role,
                networks,
                password_hash: None,
            })
            .await?;
        person_ids.insert(p.email.as_str().to_owned(), id);
    }
    summary.workplaces = wp_ids.len();
    summary.networks = net_ids.len();
    summary.persons = person_ids.len();

    progress("instruments");
    let mut forms = BTreeMap::new();
    for (name, bytes) in &files.instruments {
        let form =
            Form::from_workbook(bytes, name).map_err(|e| anyhow!("instruments/{name}: {e}"))?;
        let id = store
            .add_instrument(&NewInstrument {
                form_id: form.id().to_owned(),
                version: form.version().unwrap_or("").to_owned(),
                title: Bilingual {
                    nl: form.title("nl"),
                    en: form.title("en"),
                },
                file_name: (*name).to_owned(),
                workbook: bytes.to_vec(),
            })
            .await?;
        forms.insert(form.id().to_owned(), (form, id));
    }

    progress("responses");
    // (wave, form, respondent key) -> the response and its answers, for the codings
    let mut response_ids: BTreeMap<(&str, &str, String), (ResponseId, Answers)> = BTreeMap::new();
    // (form, wave) -> the wave, made closed in the order the files come
    let mut waves: BTreeMap<(&str, &str), WaveId> = BTreeMap::new();
    for f in &files.responses {
        let (form, instrument) = forms
            .get(f.form_id)
            .ok_or_else(|| anyhow!("{}: instrument {} is not loaded", f.file, f.form_id))?;
        let wave = match waves.get(&(f.form_id, f.wave)) {
            Some(w) => *w,
            None => {
                let w = store
                    .add_wave(*instrument, f.wave, WaveStatus::Closed)
                    .await?;
                waves.insert((f.form_id, f.wave), w);
                w
            }
        };
        let rows = read_responses(f.file, f.csv, form)?;
        let mut batch = Vec::with_capacity(rows.len());
        for (i, (respondent, network, answers)) in rows.iter().enumerate() {
            let net = net_ids.get(network).copied().ok_or_else(|| {
                anyhow!(
                    "{}, row {}, column \"network\": unknown network {network:?}",
                    f.file,
                    i + 2
                )
            })?;
            batch.push(NewResponse {
                network: net,
                respondent: respondent.clone(),
                status: ResponseStatus::Submitted,
                answers: answers.clone(),
            });
        }
        let ids = store.add_responses(wave, &batch).await?;
        for (id, r) in ids.into_iter().zip(batch) {
            response_ids.insert((f.wave, f.form_id, r.respondent), (id, r.answers));
        }
        let n = summary
            .responses
            .entry(format!("{} ({})", f.form_id, f.wave))
            .or_default();
        *n += rows.len();
    }

    progress("codebook");
    let book: CodebookToml = toml::from_str(files.codebook_toml)
        .map_err(|e| anyhow!("demo/codebook.toml: {}", e.message()))?;
    let pair = |nl: &str, en: &str| Bilingual {
        nl: nl.to_owned(),
        en: en.to_owned(),
    };
    let codes: Vec<NewCode> = book
        .code
        .iter()
        .map(|c| {
            Ok(NewCode {
                key: c.id.clone(),
                parent: c.parent.clone(),
                name: pair(&c.name_nl, &c.name_en),
                description: pair(&c.description_nl, &c.description_en),
                inclusion: pair(&c.inclusion_nl, &c.inclusion_en),
                exclusion: pair(&c.exclusion_nl, &c.exclusion_en),
                examples: pair(&c.examples_nl.join("\n"), &c.examples_en.join("\n")),
                colour: Some(
                    Colour::parse(&c.colour)
                        .map_err(|e| anyhow!("demo/codebook.toml, code {:?}: {e}", c.id))?,
                ),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    store.add_codebook("demo", &codes).await?;
    let stored = store.codebooks().await?;
    let code_ids: BTreeMap<&str, CodeId> = stored
        .iter()
        .flat_map(|b| b.codes.iter().map(|c| (c.key.as_str(), c.id)))
        .collect();
    summary.codes = code_ids.len();

    progress("codings");
    let mut codings = Vec::new();
    for file in &files.codings {
        let name = file.file;
        let mut rdr = csv::Reader::from_reader(file.csv.as_bytes());
        for (i, rec) in rdr.records().enumerate() {
            let row = i + 2;
            let rec = rec.with_context(|| format!("{name}, row {row}: not valid CSV"))?;
            let field = |n: usize| rec.get(n).unwrap_or("");
            let (coder, respondent, question, code, fragment) =
                (field(0), field(1), field(2), field(3), field(4));
            let coder = *person_ids.get(coder).ok_or_else(|| {
                anyhow!("{name}, row {row}, column \"coder\": unknown coder {coder:?}")
            })?;
            let (response, answers) = files
                .responses
                .iter()
                .filter(|f| f.wave == file.wave)
                .find_map(|f| response_ids.get(&(file.wave, f.form_id, respondent.to_owned())))
                .ok_or_else(|| anyhow!("{name}, row {row}, column \"respondent\": no answers of {respondent:?} in wave {}", file.wave))?;
            let text = answers.get(question).ok_or_else(|| {
                anyhow!("{name}, row {row}, column \"question\": {respondent} has no answer to {question:?}")
            })?;
            let (start, end) = if fragment.is_empty() {
                (0, text.chars().count())
            } else {
                let at = text.find(fragment).ok_or_else(|| {
                    anyhow!("{name}, row {row}, column \"fragment\": not found in the answer to {question:?}")
                })?;
                let start = text[..at].chars().count();
                (start, start + fragment.chars().count())
            };
            let code = *code_ids.get(code).ok_or_else(|| {
                anyhow!("{name}, row {row}, column \"code\": unknown code {code:?}")
            })?;
            codings.push(NewCoding {
                segment: Segment {
                    response: *response,
                    question: question.to_owned(),
                    start,
                    end,
                },
                code,
                coder,
                memo: String::new(),
            });
        }
    }
    store.add_codings(&codings).await?;
    summary.codings = codings.len();

    progress("workspace");
    summary.workspace_sessions =
        load_workspace(store, files.workspace_toml, &net_ids, &mut person_ids).await?;
    Ok(summary)
}

// ---------------------------------------------------------------------------------------
// The networks' practice workspace (`demo/workspace/workspace.toml`).

const WS_FILE: &str = "demo/workspace/workspace.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkspaceToml {
    #[serde(default)]
    member: Vec<WsMemberToml>,
    #[serde(default)]
    session: Vec<WsSessionToml>,
    #[serde(default)]
    round: Vec<WsRoundToml>,
    #[serde(default)]
    question: Vec<WsQuestionToml>,
    #[serde(default)]
    story: Vec<WsStoryToml>,
    #[serde(default)]
    uptake: Vec<WsUptakeToml>,
    #[serde(default)]
    profile_response: Vec<WsProfileResponseToml>,
}

/// A facilitator's or member's response to their network's profile (member checking).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WsProfileResponseToml {
    network: String,
    email: String,
    /// The wave's name the response is given in.
    wave: String,
    /// `yes`, `partly` or `no`.
    verdict: String,
    #[serde(default)]
    reason: String,
    /// The day it was given.
    date: String,
}

/// A handle of its handreiking a network works on, and (when given) its report.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WsUptakeToml {
    network: String,
    handle: String,
    /// The day it was taken up.
    date: String,
    #[serde(default)]
    what_done: String,
    #[serde(default)]
    done_on: String,
    #[serde(default)]
    helped: Option<i64>,
    #[serde(default)]
    helped_text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WsMemberToml {
    email: Email,
    name: String,
    network: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WsSessionToml {
    network: String,
    date: String,
    /// Local start and end (`hh:mm`, Europe/Amsterdam), and an online link.
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    link: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    online: bool,
    method: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    agenda: Vec<String>,
    held: bool,
    #[serde(default)]
    present: Vec<String>,
    #[serde(default)]
    report: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WsRoundToml {
    network: String,
    title: String,
    votes: i64,
    opened: String,
    closed: Option<String>,
    #[serde(default)]
    topic: Vec<WsTopicToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WsTopicToml {
    title: String,
    by: String,
    #[serde(default)]
    votes: BTreeMap<String, i64>,
    session: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WsQuestionToml {
    network: String,
    date: String,
    by: String,
    #[serde(default)]
    anonymous: bool,
    session: Option<String>,
    text: String,
    #[serde(default)]
    themes: Vec<String>,
    status: String,
    #[serde(default)]
    followup: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WsStoryToml {
    network: String,
    date: String,
    by: String,
    text: String,
    cycles: Vec<String>,
}

/// Unix seconds at noon UTC of an ISO date (the demo's timestamps, deterministic).
fn noon_of(date: &str) -> Result<i64> {
    let d = leernet_store::workspace::check_date(date).map_err(|e| anyhow!("{WS_FILE}: {e}"))?;
    let (y, m, dd): (i64, i64, i64) = (d[0..4].parse()?, d[5..7].parse()?, d[8..10].parse()?);
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * 86_400 + 12 * 3600)
}

/// Loads the demo networks' workspace; returns the number of sessions. Every reference (a
/// network, a person, a session date) is checked and named in the error when it is wrong.
async fn load_workspace(
    store: &Store,
    text: &str,
    net_ids: &BTreeMap<String, NetworkId>,
    person_ids: &mut BTreeMap<String, PersonId>,
) -> Result<usize> {
    use leernet_store::workspace::*;
    let ws: WorkspaceToml =
        toml::from_str(text).map_err(|e| anyhow!("{WS_FILE}: {}", e.message()))?;
    let net = |slug: &str, what: &str| {
        net_ids
            .get(slug)
            .copied()
            .ok_or_else(|| anyhow!("{WS_FILE}: {what} names unknown network {slug:?}"))
    };
    for m in &ws.member {
        let id = store
            .add_person(&NewPerson {
                email: m.email.clone(),
                name: m.name.clone(),
                role: Role::Member,
                networks: vec![net(&m.network, "a member")?],
                password_hash: None,
            })
            .await?;
        person_ids.insert(m.email.as_str().to_owned(), id);
    }
    let who = |email: &str, what: &str| {
        person_ids
            .get(email)
            .copied()
            .ok_or_else(|| anyhow!("{WS_FILE}: {what} names unknown person {email:?}"))
    };
    let mut sessions: BTreeMap<(String, String), SessionId> = BTreeMap::new();
    for s in &ws.session {
        let what = format!("the session of {} on {}", s.network, s.date);
        let n = net(&s.network, &what)?;
        let facilitator = store
            .persons()
            .await?
            .into_iter()
            .find(|p| p.role == Role::Facilitator && p.networks.contains(&n))
            .map(|p| p.id);
        let id = store
            .plan_session(
                n,
                &NewSession {
                    date: s.date.clone(),
                    start: s.start.clone(),
                    end: s.end.clone(),
                    link: s.link.clone(),
                    place: s.place.clone(),
                    online: s.online,
                    method: s.method.clone(),
                    model: s.model.clone(),
                    agenda: s.agenda.clone(),
                },
                facilitator,
                noon_of(&s.date)? - 14 * 86_400,
            )
            .await
            .map_err(|e| anyhow!("{WS_FILE}, {what}: {e}"))?;
        if s.held {
            let present = s
                .present
                .iter()
                .map(|e| who(e, &what))
                .collect::<Result<Vec<_>>>()?;
            store
                .record_session(
                    n,
                    id,
                    &SessionRecord {
                        date: s.date.clone(),
                        start: s.start.clone(),
                        end: s.end.clone(),
                        link: s.link.clone(),
                        place: s.place.clone(),
                        online: s.online,
                        method: s.method.clone(),
                        model: s.model.clone(),
                        report: s.report.clone(),
                        present,
                        agenda_add: vec![],
                    },
                )
                .await
                .map_err(|e| anyhow!("{WS_FILE}, {what}: {e}"))?;
        }
        sessions.insert((s.network.clone(), s.date.clone()), id);
    }
    let session_of = |network: &str, date: &str, what: &str| {
        sessions
            .get(&(network.to_owned(), date.to_owned()))
            .copied()
            .ok_or_else(|| anyhow!("{WS_FILE}: {what} names no session of {network} on {date}"))
    };
    for r in &ws.round {
        let what = format!("round {:?}", r.title);
        let n = net(&r.network, &what)?;
        let round = store
            .open_round(n, &r.title, r.votes, noon_of(&r.opened)?)
            .await
            .map_err(|e| anyhow!("{WS_FILE}, {what}: {e}"))?;
        let mut dots: BTreeMap<PersonId, Vec<(i64, i64)>> = BTreeMap::new();
        let mut schedule = Vec::new();
        for t in &r.topic {
            let by = who(&t.by, &what)?;
            let from_member = store
                .account(by)
                .await?
                .is_some_and(|a| a.role == Role::Member);
            let id = store
                .propose_topic(n, round, by, from_member, &t.title)
                .await
                .map_err(|e| anyhow!("{WS_FILE}, {what}: {e}"))?;
            for (email, d) in &t.votes {
                dots.entry(who(email, &what)?).or_default().push((id, *d));
            }
            if let Some(date) = &t.session {
                schedule.push((id, session_of(&r.network, date, &what)?));
            }
        }
        for (voter, d) in &dots {
            store
                .cast_votes(n, round, *voter, d)
                .await
                .map_err(|e| anyhow!("{WS_FILE}, {what}: {e}"))?;
        }
        if let Some(closed) = &r.closed {
            store
                .close_round(n, round, &schedule, noon_of(closed)?)
                .await
                .map_err(|e| anyhow!("{WS_FILE}, {what}: {e}"))?;
        }
    }
    for q in &ws.question {
        let what = format!("the question of {} on {}", q.network, q.date);
        let n = net(&q.network, &what)?;
        let author = if q.by.is_empty() {
            None
        } else {
            Some(who(&q.by, &what)?)
        };
        let session = match &q.session {
            Some(d) => Some(session_of(&q.network, d, &what)?),
            None => None,
        };
        let id = store
            .add_slow_question(
                &NewSlowQuestion {
                    network: n,
                    text: q.text.clone(),
                    author,
                    anonymous: q.anonymous,
                    session,
                    themes: q.themes.clone(),
                },
                noon_of(&q.date)?,
            )
            .await
            .map_err(|e| anyhow!("{WS_FILE}, {what}: {e}"))?;
        let status = parse_status(&q.status)
            .ok_or_else(|| anyhow!("{WS_FILE}, {what}: unknown status {:?}", q.status))?;
        store
            .follow_up_slow_question(n, id, status, &q.followup, None)
            .await
            .map_err(|e| anyhow!("{WS_FILE}, {what}: {e}"))?;
    }
    for s in &ws.story {
        let what = format!("the story of {} on {}", s.network, s.date);
        let cycles = s
            .cycles
            .iter()
            .map(|c| {
                Cycle::parse(c).ok_or_else(|| anyhow!("{WS_FILE}, {what}: unknown cycle {c:?}"))
            })
            .collect::<Result<Vec<_>>>()?;
        store
            .add_story(
                net(&s.network, &what)?,
                who(&s.by, &what)?,
                &s.text,
                &cycles,
                noon_of(&s.date)?,
            )
            .await
            .map_err(|e| anyhow!("{WS_FILE}, {what}: {e}"))?;
    }
    for u in &ws.uptake {
        let what = format!("the uptake of {} by {}", u.handle, u.network);
        let n = net(&u.network, &what)?;
        store
            .take_up_handle(n, &u.handle, &u.date, noon_of(&u.date)?)
            .await
            .map_err(|e| anyhow!("{WS_FILE}, {what}: {e}"))?;
        let report = leernet_store::handle_uptake::UptakeReport {
            what_done: u.what_done.clone(),
            done_on: u.done_on.clone(),
            helped: u.helped,
            helped_text: u.helped_text.clone(),
        };
        store
            .report_uptake(n, &u.handle, &report, noon_of(&u.date)?)
            .await
            .map_err(|e| anyhow!("{WS_FILE}, {what}: {e}"))?;
    }
    for r in &ws.profile_response {
        let what = format!(
            "the response of {} to the profile of {}",
            r.email, r.network
        );
        let n = net(&r.network, &what)?;
        let p = who(&r.email, &what)?;
        store
            .respond_to_profile(n, p, &r.wave, &r.verdict, &r.reason, noon_of(&r.date)?)
            .await
            .map_err(|e| anyhow!("{WS_FILE}, {what}: {e}"))?;
    }
    Ok(ws.session.len())
}

/// What the demo's second study holds.
#[derive(Debug, Clone, Default)]
pub struct SecondStudy {
    pub slug: String,
    pub networks: usize,
    pub invitations: usize,
}

/// The slug of the demo's second study.
pub const SECOND_STUDY: &str = "vervolg";

/// How many of the main study's networks take part in the second study.
const SECOND_NETWORKS: usize = 4;

/// Member invitations per network in the second study.
const SECOND_INVITATIONS: usize = 6;

/// Makes the demo project an installation of two studies: the main study at `study_url`
/// (adopted as `main`), and a small follow-up study (`vervolg`) of four of its networks — the
/// same networks, one identity in both — with the member questionnaire open and invitations
/// out. Its timestamps are fixed, like the rest of the demo's.
pub async fn second_study(study_url: &str, main: &Slug, title: &str) -> Result<SecondStudy> {
    use leernet_app::studies::{self, NewStudyNetwork, ProjectPlace};
    let at = noon_of("2027-03-01")?;
    let actor = Actor::Cli("demo".to_owned());
    let opts = StoreOptions::default();
    let inst = studies::open_installation(
        &ProjectPlace {
            installation_url: &Installation::url_beside(study_url),
            study_url,
            opts: &opts,
            adopt_slug: main,
            adopt_title: title,
        },
        &actor,
        at,
    )
    .await?;
    let made = async {
        let study = inst
            .add_study(
                &NewStudy {
                    slug: Slug::parse(SECOND_STUDY)?,
                    title: Bilingual {
                        nl: "Vervolgonderzoek: vier netwerken een jaar later".into(),
                        en: "Follow-up study: four networks a year on".into(),
                    },
                },
                &actor,
                at,
            )
            .await?;
        let store = inst.open_study(&study).await?;
        let filled = async {
            store
                .set_study(&StudyInfo {
                    title: study.title.clone(),
                    fictional: true,
                })
                .await?;
            let workplaces = inst.workplaces().await?;
            let mut networks = Vec::new();
            for n in inst.networks().await?.into_iter().take(SECOND_NETWORKS) {
                let wp = workplaces
                    .iter()
                    .find(|w| w.id == n.workplace)
                    .ok_or_else(|| anyhow!("network {} has no Werkplaats", n.slug))?;
                studies::add_network(
                    &inst,
                    &study,
                    &store,
                    &NewStudyNetwork {
                        slug: &n.slug,
                        name: &n.name,
                        workplace: &wp.slug,
                    },
                    &actor,
                    at,
                )
                .await?;
                networks.push(n.id);
            }
            let (name, bytes) = demo_files()
                .instruments
                .into_iter()
                .find(|(name, _)| *name == "member.xlsx")
                .ok_or_else(|| anyhow!("the member questionnaire is not shipped"))?;
            let form =
                Form::from_workbook(bytes, name).map_err(|e| anyhow!("instruments/{name}: {e}"))?;
            let instrument = store
                .add_instrument(&NewInstrument {
                    form_id: form.id().to_owned(),
                    version: form.version().unwrap_or("").to_owned(),
                    title: Bilingual {
                        nl: form.title("nl"),
                        en: form.title("en"),
                    },
                    file_name: name.to_owned(),
                    workbook: bytes.to_vec(),
                })
                .await?;
            let wave = store
                .add_wave(instrument, "voorjaar 2027", WaveStatus::Open)
                .await?;
            let mut invitations = Vec::new();
            for network in &networks {
                for _ in 0..SECOND_INVITATIONS {
                    let mut b = [0u8; 20];
                    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
                    invitations.push(NewInvitation {
                        network: *network,
                        token: InvitationToken::from_random(b),
                        kind: InvitationKind::Member,
                        person: None,
                        email: None,
                    });
                }
            }
            store.add_invitations(wave, &invitations).await?;
            Ok::<_, anyhow::Error>(SecondStudy {
                slug: SECOND_STUDY.to_owned(),
                networks: networks.len(),
                invitations: invitations.len(),
            })
        }
        .await;
        store.close().await;
        filled
    }
    .await;
    inst.close().await;
    made
}
