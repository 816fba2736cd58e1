//! Export: the responses of one instrument as a data file, and who may download what.
//!
//! Why here: `leernet export --format csv|xlsx|sav` and the web app's `/admin/export` give
//! the same bytes for the same selection, so they share one row assembly ([`build`]), one
//! format ([`ExportFormat`]), one audit entry ([`record`]) and one privacy policy
//! ([`rights`], [`redact`]):
//! - a researcher: any wave, every network, all variables;
//! - a facilitator: only their own network's responses (another network is refused),
//!   without identifying data (see [`identifying`] and [`redact`]);
//! - coordinators and members: nothing.
//!
//! Invariants: an export is built from one `study_data()` read; identical data give
//! identical bytes (leernet-io's writers); the audit entry holds ids and counts, never a
//! cell, and is written right after the file was (the caller's writing or sending is what
//! cannot be undone).

use leernet_core::{Instrument, InstrumentId, NetworkId, Role, StudyData, WaveId};
use leernet_io::csv_out::Cells;
use leernet_io::dataset::{Cell, Dataset, ExportRow};
use leernet_store::{Action, Actor, AuditSubject, NewAudit, Store, StoreError};
use leernet_xlsform::{Form, Metadata, QuestionKind};
use std::collections::{BTreeMap, HashMap};

/// The files an export can be written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The data as CSV, one row per response.
    Csv,
    /// The CSV's codebook (variables, labels, value labels).
    Codebook,
    /// An Excel workbook.
    Xlsx,
    /// An SPSS `.sav` file.
    Sav,
}

impl ExportFormat {
    /// `csv`, `codebook`, `xlsx` or `sav` (the word in the audit log and the web's query).
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Codebook => "codebook",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Sav => "sav",
        }
    }

    /// The format of a word of [`ExportFormat::as_str`].
    pub fn parse(s: &str) -> Option<ExportFormat> {
        match s {
            "csv" => Some(ExportFormat::Csv),
            "codebook" => Some(ExportFormat::Codebook),
            "xlsx" => Some(ExportFormat::Xlsx),
            "sav" => Some(ExportFormat::Sav),
            _ => None,
        }
    }

    /// The media type of the file.
    pub fn mime(self) -> &'static str {
        match self {
            ExportFormat::Csv | ExportFormat::Codebook => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::Sav => "application/x-spss-sav",
        }
    }

    /// The file name's extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Codebook => "codebook.csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Sav => "sav",
        }
    }
}

/// Which responses to export.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    /// An instrument by form_id (`None`: the project's only one), every wave or the wave of
    /// this name (`leernet export`).
    Instrument {
        form_id: Option<&'a str>,
        wave: Option<&'a str>,
    },
    /// The wave with this id: every version's wave of its name (`/admin/export`).
    Wave(WaveId),
}

/// What may be exported, what may not.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// No instrument was named and the project has not exactly one (the form_ids it has).
    #[error("which instrument? the project has: {}", .0.join(", "))]
    WhichInstrument(Vec<String>),
    #[error("the project has no instrument {0:?}")]
    NoInstrument(String),
    #[error("instrument {form_id:?} has no wave {wave:?}")]
    NoWave { form_id: String, wave: String },
    /// [`Which::Wave`] names no wave of the project.
    #[error("the project has no wave {0}")]
    NoWaveId(i64),
    #[error("stored instrument {form_id:?}: {message}")]
    Form { form_id: String, message: String },
    #[error("cannot build the workbook: {0}")]
    Workbook(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One export, assembled: the dataset and what it was made of.
#[derive(Debug)]
pub struct Export {
    /// The instrument's form_id.
    pub form_id: String,
    /// Its newest stored version, whose form the dataset follows.
    pub instrument: InstrumentId,
    pub form: Form,
    /// The waves exported, by id, with their names.
    pub waves: BTreeMap<WaveId, String>,
    /// Only this network's responses, when not `None`.
    pub network: Option<NetworkId>,
    /// The slug of [`Export::network`].
    pub network_slug: Option<String>,
    /// The language of labels.
    pub lang: String,
    pub dataset: Dataset,
    /// The wave asked for by id ([`Which::Wave`]), the audit entry's subject.
    asked_wave: Option<WaveId>,
}

/// The rows of an export: the responses of `which`, of one network or all, labelled in
/// `lang` (default: the form's default language), without identifying variables when
/// `redacted` (a facilitator's export, [`redact`]).
pub fn build(
    data: &StudyData,
    which: Which<'_>,
    network: Option<NetworkId>,
    lang: Option<&str>,
    redacted: bool,
) -> Result<Export, ExportError> {
    let (form_id, wave_name, asked_wave) = match which {
        Which::Instrument {
            form_id: Some(f),
            wave,
        } => (f.to_owned(), wave.map(str::to_owned), None),
        Which::Instrument {
            form_id: None,
            wave,
        } => {
            let mut ids: Vec<&str> = data
                .instruments
                .iter()
                .map(|i| i.form_id.as_str())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            match ids.as_slice() {
                [one] => ((*one).to_owned(), wave.map(str::to_owned), None),
                _ => {
                    return Err(ExportError::WhichInstrument(
                        ids.iter().map(|s| (*s).to_owned()).collect(),
                    ))
                }
            }
        }
        Which::Wave(id) => {
            let w = data
                .waves
                .iter()
                .find(|w| w.id == id)
                .ok_or(ExportError::NoWaveId(id.0))?;
            let form_id = data
                .instruments
                .iter()
                .find(|i| i.id == w.instrument)
                .map(|i| i.form_id.clone())
                .ok_or(ExportError::NoWaveId(id.0))?;
            (form_id, Some(w.name.clone()), Some(id))
        }
    };
    let versions: Vec<&Instrument> = data
        .instruments
        .iter()
        .filter(|i| i.form_id == form_id)
        .collect();
    let newest = versions
        .last()
        .ok_or_else(|| ExportError::NoInstrument(form_id.clone()))?;
    let form = Form::from_workbook(&newest.workbook, &newest.file_name).map_err(|e| {
        ExportError::Form {
            form_id: form_id.clone(),
            message: e.to_string(),
        }
    })?;
    let waves: BTreeMap<WaveId, String> = data
        .waves
        .iter()
        .filter(|w| versions.iter().any(|v| v.id == w.instrument))
        .filter(|w| wave_name.as_deref().is_none_or(|n| n == w.name))
        .map(|w| (w.id, w.name.clone()))
        .collect();
    if let (Some(w), true) = (&wave_name, waves.is_empty()) {
        return Err(ExportError::NoWave {
            form_id,
            wave: w.clone(),
        });
    }
    let slugs: HashMap<NetworkId, &str> = data
        .networks
        .iter()
        .map(|n| (n.id, n.slug.as_str()))
        .collect();
    let rows: Vec<ExportRow> = data
        .responses
        .iter()
        .filter(|r| network.is_none_or(|n| n == r.network))
        .filter_map(|r| {
            let wave = waves.get(&r.wave)?;
            Some(ExportRow {
                respondent: r.respondent.clone(),
                network: slugs.get(&r.network).copied().unwrap_or("").to_owned(),
                wave: wave.clone(),
                status: r.status.as_str().to_owned(),
                answers: r.answers.clone(),
            })
        })
        .collect();
    let lang = match lang {
        Some(l) => l.to_owned(),
        None => form.default_language().unwrap_or("nl").to_owned(),
    };
    let mut dataset = Dataset::build(&form, &rows, &lang);
    if redacted {
        redact(&form, &mut dataset);
    }
    Ok(Export {
        form_id,
        instrument: newest.id,
        network_slug: network.and_then(|n| slugs.get(&n)).map(|s| (*s).to_owned()),
        form,
        waves,
        network,
        lang,
        dataset,
        asked_wave,
    })
}

impl Export {
    /// The file's bytes in `format`; `cells` says how CSV text cells are written.
    pub fn bytes(&self, format: ExportFormat, cells: Cells) -> Result<Vec<u8>, ExportError> {
        Ok(match format {
            ExportFormat::Csv => leernet_io::csv_out::data(&self.dataset, cells),
            ExportFormat::Codebook => leernet_io::csv_out::codebook(&self.dataset, cells),
            ExportFormat::Xlsx => leernet_io::xlsx_out::write(&self.dataset)
                .map_err(|e| ExportError::Workbook(e.to_string()))?,
            ExportFormat::Sav => {
                leernet_io::sav::write(&self.dataset, &self.form.title(&self.lang))
            }
        })
    }
}

/// Records in the audit log that `actor` took `export` out as `format` (the word the caller
/// was asked for: `leernet export --format csv` writes the codebook beside the data and
/// records `csv`): ids and counts only. The subject is the wave asked for, else the one wave
/// exported, else the instrument.
pub async fn record(
    store: &Store,
    export: &Export,
    format: &str,
    actor: &Actor,
    at: i64,
) -> Result<(), StoreError> {
    let rows = export.dataset.rows.len();
    let (subject, detail) = match export.asked_wave {
        Some(w) => (
            AuditSubject::Wave(w),
            format!(
                "format={format} rows={rows} network={}",
                export.network.map_or("all".to_owned(), |n| n.0.to_string())
            ),
        ),
        None => (
            match export.waves.keys().collect::<Vec<_>>().as_slice() {
                [one] => AuditSubject::Wave(**one),
                _ => AuditSubject::Instrument(export.instrument),
            },
            format!("format={format} rows={rows} waves={}", export.waves.len()),
        ),
    };
    store
        .audit(&NewAudit {
            at,
            actor: actor.clone(),
            action: Action::ResponsesExport,
            subject,
            detail,
        })
        .await
}

/// Why a download is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this export is not yours to download")]
pub struct NotAllowed;

/// What a person may export: whose responses, and whether identifying data are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rights {
    /// Only this network's responses, when not `None`.
    pub network: Option<NetworkId>,
    /// Identifying variables left out and e-mail addresses emptied ([`redact`]).
    pub redacted: bool,
}

/// The privacy policy of exports: a researcher exports any network or all; a facilitator
/// one of their own networks (the one asked for, or their only one), redacted; anyone else
/// nothing.
pub fn rights(
    role: Role,
    networks: &[NetworkId],
    asked: Option<NetworkId>,
) -> Result<Rights, NotAllowed> {
    match (role, asked) {
        (Role::Researcher, n) => Ok(Rights {
            network: n,
            redacted: false,
        }),
        (Role::Facilitator, Some(n)) if networks.contains(&n) => Ok(Rights {
            network: Some(n),
            redacted: true,
        }),
        (Role::Facilitator, None) => match networks {
            [one] => Ok(Rights {
                network: Some(*one),
                redacted: true,
            }),
            _ => Err(NotAllowed),
        },
        _ => Err(NotAllowed),
    }
}

/// Question names that identify a person when they are the whole name of a text question.
const IDENTIFYING_NAMES: &[&str] = &[
    "name",
    "naam",
    "full_name",
    "first_name",
    "last_name",
    "surname",
    "voornaam",
    "achternaam",
    "respondent_name",
    "email",
    "e_mail",
    "emailadres",
    "email_address",
    "e-mail",
    "mail",
    "phone",
    "phone_number",
    "telephone",
    "telefoon",
    "telefoonnummer",
    "mobile",
    "mobiel",
    "address",
    "adres",
    "postcode",
    "zipcode",
];

/// Whether a question's answers identify a person (left out of a facilitator's export):
/// the identifying metadata (`email`, `phonenumber`, `username`, `deviceid`, `subscriberid`,
/// `simserial`, `audit`, `start-geopoint`), uploads and locations (`image`, `audio`,
/// `video`, `file`, `geopoint`, …), a question whose survey sheet has `identifying` = yes,
/// and a text question named like a name, e-mail address, phone number or address
/// (`IDENTIFYING_NAMES`).
pub fn identifying(q: &leernet_xlsform::Question) -> bool {
    let flagged = q.extra.get("identifying").is_some_and(|v| {
        matches!(
            v.trim().to_lowercase().as_str(),
            "yes" | "true" | "1" | "ja"
        )
    });
    flagged
        || match &q.kind {
            QuestionKind::Metadata(m) => {
                !matches!(m, Metadata::Start | Metadata::End | Metadata::Today)
            }
            QuestionKind::Media(_) => true,
            QuestionKind::Text => IDENTIFYING_NAMES.contains(&q.name.to_lowercase().as_str()),
            _ => false,
        }
}

/// Whether a text holds something that looks like an e-mail address.
fn has_email(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        if c != b'@' || i == 0 {
            return false;
        }
        let before = b[i - 1];
        let after = &s[i + 1..];
        let domain: &str = after
            .split(|ch: char| ch.is_whitespace() || matches!(ch, ',' | ';' | '>' | ')'))
            .next()
            .unwrap_or("");
        (before.is_ascii_alphanumeric() || matches!(before, b'.' | b'_' | b'-' | b'+'))
            && domain.contains('.')
            && domain.split('.').all(|p| !p.is_empty())
    })
}

/// A facilitator's export: the variables of [`identifying`] questions are left out, and any
/// remaining text cell that holds an e-mail address is emptied (system-missing).
pub fn redact(form: &Form, ds: &mut Dataset) {
    let drop: Vec<bool> = ds
        .variables
        .iter()
        .map(|v| {
            v.question
                .as_deref()
                .and_then(|q| form.question(q))
                .is_some_and(identifying)
        })
        .collect();
    let mut k = 0;
    ds.variables.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
    for row in &mut ds.rows {
        let mut k = 0;
        row.retain(|_| {
            k += 1;
            !drop[k - 1]
        });
        for cell in row.iter_mut() {
            if matches!(cell, Cell::Text(t) if has_email(t)) {
                *cell = Cell::Missing;
            }
        }
    }
}

/// The question a stored answer's key is of: the key itself, or for an answer inside a
/// repeat (`visit[2]/name`) the last part after the repeat's index.
fn question_of_key<'f>(form: &'f Form, key: &str) -> Option<&'f leernet_xlsform::Question> {
    form.question(key)
        .or_else(|| key.rsplit('/').next().and_then(|last| form.question(last)))
}

/// The privacy rule of [`redact`] applied to one response's stored answers (the JSON API's
/// answers "as stored", for whoever gets a redacted export): the answers of [`identifying`]
/// questions are left out, and any other answer that holds an e-mail address is left out.
pub fn redact_answers(form: &Form, answers: &mut leernet_core::Answers) {
    answers.retain(|k, v| !question_of_key(form, k).is_some_and(identifying) && !has_email(v));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_addresses_are_recognised_in_text() {
        for yes in [
            "piet@example.org",
            "mail: a.b+c@wijk-a.nl, graag",
            "<x@y.nl>",
        ] {
            assert!(has_email(yes), "{yes}");
        }
        for no in ["@home", "a @ b", "x@y", "twitter @leernet", "x@.nl"] {
            assert!(!has_email(no), "{no}");
        }
    }

    #[test]
    fn a_facilitator_exports_only_an_own_network_and_redacted() {
        let (a, b) = (NetworkId(1), NetworkId(2));
        let all = rights(Role::Researcher, &[], None).unwrap();
        assert_eq!((all.network, all.redacted), (None, false));
        let own = rights(Role::Facilitator, &[a], None).unwrap();
        assert_eq!((own.network, own.redacted), (Some(a), true));
        assert_eq!(rights(Role::Facilitator, &[a], Some(b)), Err(NotAllowed));
        assert_eq!(rights(Role::Facilitator, &[a, b], None), Err(NotAllowed));
        assert_eq!(rights(Role::Member, &[a], Some(a)), Err(NotAllowed));
        assert_eq!(rights(Role::Coordinator, &[a], Some(a)), Err(NotAllowed));
    }

    #[test]
    fn stored_answers_lose_what_a_redacted_export_loses() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let sheet = wb.add_worksheet().set_name("survey").unwrap();
        let rows = [
            ["type", "name", "label"],
            ["text", "naam", "Naam"],
            ["text", "opmerking", "Opmerking"],
            ["integer", "leeftijd", "Leeftijd"],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
        let xlsx = wb.save_to_buffer().unwrap();
        let form = Form::from_workbook(&xlsx, "t.xlsx").unwrap();
        let mut a: leernet_core::Answers = [
            ("naam", "Piet"),
            ("opmerking", "mail piet@example.org"),
            ("leeftijd", "40"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        redact_answers(&form, &mut a);
        assert_eq!(a.keys().collect::<Vec<_>>(), ["leeftijd"]);
    }
}
