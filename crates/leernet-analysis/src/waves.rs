//! Which wave every figure rests on (issue 19).
//!
//! Why it exists: a study fields its questionnaires again and again, and a figure over
//! every stored answer counts a network that answered twice twice (18 network
//! questionnaires for 17 networks). So every figure rests on one *current wave* per
//! instrument: the researcher's choice (a study setting, [`StudyData::current_waves`]), else
//! the latest closed wave that holds answers, else the latest open one that does, else the
//! latest closed, open or any wave ("latest": the order the waves were made in). Combining waves is a
//! choice of its own with its rule in words ([`WaveChoice::LatestPerNetwork`],
//! [`WaveChoice::AllAnswers`]). [`select`] cuts the study's data down to the chosen
//! responses before anything is computed, so no figure can reach another wave's answers,
//! and says per instrument what it chose ([`WaveBasis`]): the waves' names and the n.
//!
//! Invariants: pure and deterministic (waves in the order they were made, by id); a wave is
//! named by its name, never its id; a choice that names no wave of any instrument is an
//! error, never an empty study.

use crate::AnalysisError;
use leernet_core::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What the figures of one instrument rest on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WaveBasis {
    /// The instrument's form id.
    pub instrument: String,
    /// The instrument's title.
    pub title: Bilingual,
    /// Whether this is the network questionnaire (one response per network).
    pub network_level: bool,
    /// How the waves were combined: `wave` (one wave), `latest_per_network`, `all_answers`.
    pub rule: &'static str,
    /// The names of the waves whose answers count, in the order they were made.
    pub waves: Vec<String>,
    /// Submitted responses that count.
    pub responses: usize,
    /// Networks with at least one submitted response that counts.
    pub networks: usize,
    /// "Meting: 2026 (17 netwerken)": the waves and the n, for under a figure.
    pub sentence: Bilingual,
    /// How the waves were combined, in words (`None` for one wave).
    pub rule_text: Option<Bilingual>,
}

/// A wave the pages and the report can be switched to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WaveOption {
    /// What `?wave=` and `--wave` take: a wave's name, `latest` or `all`.
    pub value: String,
    /// What a reader sees: the wave's name, or the combining rule in a few words.
    pub label: Bilingual,
    /// Whether the figures rest on this choice.
    pub current: bool,
}

/// The choice of waves for one run, and what it chose.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct WaveSelection {
    /// The choice the caller passed (`?wave=`, `--wave`), `None` for the study's current
    /// waves.
    pub chosen: Option<String>,
    /// Per instrument that has a wave: the network questionnaire first, then by form id.
    pub bases: Vec<WaveBasis>,
    /// What the figures can be switched to (empty while every instrument has one wave).
    pub options: Vec<WaveOption>,
}

impl WaveSelection {
    /// The basis of one instrument.
    pub fn of(&self, form_id: &str) -> Option<&WaveBasis> {
        self.bases.iter().find(|b| b.instrument == form_id)
    }
}

fn bi(nl: String, en: String) -> Bilingual {
    Bilingual { nl, en }
}

/// "a, b en c" / "a, b and c".
fn list(names: &[String], and: &str) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

/// Every instrument's waves, by form id, in the order they were made.
fn waves_by_form(data: &StudyData) -> BTreeMap<&str, Vec<&Wave>> {
    let form_of: BTreeMap<InstrumentId, &str> = data
        .instruments
        .iter()
        .map(|i| (i.id, i.form_id.as_str()))
        .collect();
    let mut out: BTreeMap<&str, Vec<&Wave>> = BTreeMap::new();
    for w in &data.waves {
        if let Some(f) = form_of.get(&w.instrument) {
            out.entry(f).or_default().push(w);
        }
    }
    for ws in out.values_mut() {
        ws.sort_by_key(|w| w.id);
    }
    out
}

/// The default current wave: the latest closed wave that holds answers, else the latest
/// open one that does, else the latest closed, open or any wave (an empty wave made by
/// mistake does not empty every figure).
fn default_wave<'w>(waves: &[&'w Wave], answered: &BTreeSet<WaveId>) -> Option<&'w Wave> {
    let last = |s: WaveStatus, need: bool| {
        waves
            .iter()
            .rev()
            .find(|w| w.status == s && (!need || answered.contains(&w.id)))
            .copied()
    };
    last(WaveStatus::Closed, true)
        .or_else(|| last(WaveStatus::Open, true))
        .or_else(|| last(WaveStatus::Closed, false))
        .or_else(|| last(WaveStatus::Open, false))
        .or_else(|| waves.last().copied())
}

/// The distinct wave names of the study, in the order their first wave was made.
fn names_in_order(data: &StudyData) -> Vec<String> {
    let mut waves: Vec<&Wave> = data.waves.iter().collect();
    waves.sort_by_key(|w| w.id);
    let mut seen = BTreeSet::new();
    waves
        .into_iter()
        .filter(|w| seen.insert(w.name.as_str()))
        .map(|w| w.name.clone())
        .collect()
}

/// Cuts `data` down to the responses the figures rest on — per instrument its current
/// wave, or what `chosen` asks for — and says what it chose. `network_form` is the network
/// questionnaire's form id (one response per network).
///
/// `chosen` as a wave's name applies to every instrument that has a wave of that name (the
/// others keep their current wave); `latest` and `all` apply to every instrument. The
/// codings of responses left out are left out too, and so are the documents of a wave left
/// out (with their codings); a document without a wave always stays.
pub fn select(
    data: &StudyData,
    chosen: Option<&WaveChoice>,
    network_form: &str,
) -> Result<(StudyData, WaveSelection), AnalysisError> {
    let (out, selection) = select_borrowed(data, chosen, network_form)?;
    Ok((out.into_owned(), selection))
}

/// [`select`], borrowing `data` when the choice leaves nothing out (the usual case: one
/// wave per questionnaire), instead of copying every stored answer.
pub(crate) fn select_borrowed<'d>(
    data: &'d StudyData,
    chosen: Option<&WaveChoice>,
    network_form: &str,
) -> Result<(std::borrow::Cow<'d, StudyData>, WaveSelection), AnalysisError> {
    let by_form = waves_by_form(data);
    let answered: BTreeSet<WaveId> = data
        .responses
        .iter()
        .filter(|r| r.status == ResponseStatus::Submitted)
        .map(|r| r.wave)
        .collect();
    if let Some(WaveChoice::Wave(name)) = chosen {
        if !data.waves.iter().any(|w| &w.name == name) {
            return Err(AnalysisError::UnknownWave {
                name: name.clone(),
                known: names_in_order(data).join(", "),
            });
        }
    }
    let title_of = |form: &str| {
        data.instruments
            .iter()
            .rev()
            .find(|i| i.form_id == form)
            .map(|i| i.title.clone())
            .unwrap_or_default()
    };
    let mut keep: BTreeSet<ResponseId> = BTreeSet::new();
    let mut kept_waves: BTreeSet<WaveId> = BTreeSet::new();
    let mut bases = Vec::new();
    let mut in_force: Vec<WaveChoice> = Vec::new();
    for (form, waves) in &by_form {
        // The choice for this instrument: the caller's where it applies, else the setting
        // where it names a wave this instrument has, else the default.
        let applies = |c: &WaveChoice| match c {
            WaveChoice::Wave(name) => waves.iter().any(|w| &w.name == name),
            _ => true,
        };
        let choice = chosen
            .filter(|c| applies(c))
            .or_else(|| data.current_waves.get(*form).filter(|c| applies(c)))
            .cloned()
            .or_else(|| default_wave(waves, &answered).map(|w| WaveChoice::Wave(w.name.clone())));
        let Some(choice) = choice else { continue };
        let ids: BTreeSet<WaveId> = waves.iter().map(|w| w.id).collect();
        let ours: Vec<&Response> = data
            .responses
            .iter()
            .filter(|r| ids.contains(&r.wave))
            .collect();
        let chosen_responses: Vec<&Response> = match &choice {
            WaveChoice::Wave(name) => {
                let named: BTreeSet<WaveId> = waves
                    .iter()
                    .filter(|w| &w.name == name)
                    .map(|w| w.id)
                    .collect();
                ours.into_iter()
                    .filter(|r| named.contains(&r.wave))
                    .collect()
            }
            WaveChoice::AllAnswers => ours,
            WaveChoice::LatestPerNetwork => {
                // Per network the latest wave in which it submitted a response.
                let mut latest: BTreeMap<NetworkId, WaveId> = BTreeMap::new();
                for r in ours
                    .iter()
                    .filter(|r| r.status == ResponseStatus::Submitted)
                {
                    let e = latest.entry(r.network).or_insert(r.wave);
                    *e = (*e).max(r.wave);
                }
                ours.into_iter()
                    .filter(|r| latest.get(&r.network) == Some(&r.wave))
                    .collect()
            }
        };
        let submitted: Vec<&&Response> = chosen_responses
            .iter()
            .filter(|r| r.status == ResponseStatus::Submitted)
            .collect();
        let networks: BTreeSet<NetworkId> = submitted.iter().map(|r| r.network).collect();
        let used: BTreeSet<WaveId> = match &choice {
            WaveChoice::Wave(name) => waves
                .iter()
                .filter(|w| &w.name == name)
                .map(|w| w.id)
                .collect(),
            _ => submitted.iter().map(|r| r.wave).collect(),
        };
        let mut names: Vec<String> = Vec::new();
        for w in waves.iter().filter(|w| used.contains(&w.id)) {
            if !names.contains(&w.name) {
                names.push(w.name.clone());
            }
        }
        keep.extend(chosen_responses.iter().map(|r| r.id));
        kept_waves.extend(used.iter().copied());
        let network_level = *form == network_form;
        bases.push(basis(
            form,
            title_of(form),
            network_level,
            &choice,
            names,
            submitted.len(),
            networks.len(),
        ));
        in_force.push(choice);
    }

    // The network questionnaire first: it is what a reader of a study of networks looks for.
    let order: Vec<usize> = {
        let mut idx: Vec<usize> = (0..bases.len()).collect();
        idx.sort_by_key(|&i| (!bases[i].network_level, i));
        idx
    };
    let bases: Vec<WaveBasis> = order.iter().map(|&i| bases[i].clone()).collect();
    let in_force: Vec<WaveChoice> = order.iter().map(|&i| in_force[i].clone()).collect();
    let everything = data.responses.iter().all(|r| keep.contains(&r.id))
        && data.waves.iter().all(|w| kept_waves.contains(&w.id))
        && data
            .documents
            .iter()
            .all(|d| d.info.wave.is_none_or(|w| kept_waves.contains(&w)));
    let out = if everything {
        // Nothing to leave out (the codings, consensus and settled answers belong to the
        // responses, all kept; every wave is kept, so every document too).
        std::borrow::Cow::Borrowed(data)
    } else {
        // Copy only what is kept, not every answer first.
        let kept = |r: &ResponseId| keep.contains(r);
        // A document of a wave counts when that wave does; one without a wave always counts.
        let documents: Vec<_> = data
            .documents
            .iter()
            .filter(|d| d.info.wave.is_none_or(|w| kept_waves.contains(&w)))
            .cloned()
            .collect();
        let kept_documents: BTreeSet<DocumentId> = documents.iter().map(|d| d.info.id).collect();
        let document_codings = data
            .document_codings
            .iter()
            .filter(|c| kept_documents.contains(&c.span.document))
            .cloned()
            .collect();
        std::borrow::Cow::Owned(StudyData {
            study: data.study.clone(),
            workplaces: data.workplaces.clone(),
            networks: data.networks.clone(),
            persons: data.persons.clone(),
            instruments: data.instruments.clone(),
            waves: data
                .waves
                .iter()
                .filter(|w| kept_waves.contains(&w.id))
                .cloned()
                .collect(),
            responses: data
                .responses
                .iter()
                .filter(|r| kept(&r.id))
                .cloned()
                .collect(),
            codebooks: data.codebooks.clone(),
            codings: data
                .codings
                .iter()
                .filter(|c| kept(&c.segment.response))
                .cloned()
                .collect(),
            consensus: data
                .consensus
                .iter()
                .filter(|c| kept(&c.segment.response))
                .cloned()
                .collect(),
            settled: data
                .settled
                .iter()
                .filter(|(r, _)| kept(r))
                .cloned()
                .collect(),
            current_waves: data.current_waves.clone(),
            documents,
            document_codings,
            type_names: data.type_names.clone(),
        })
    };

    let several = by_form.values().any(|ws| ws.len() > 1);
    let options = if several {
        // What the network questionnaire rests on decides which option is marked.
        let network_choice = bases
            .iter()
            .position(|b| b.network_level)
            .and_then(|i| in_force.get(i))
            .or(in_force.first());
        let mut options: Vec<WaveOption> = names_in_order(data)
            .into_iter()
            .map(|name| WaveOption {
                current: network_choice == Some(&WaveChoice::Wave(name.clone())),
                label: bi(name.clone(), name.clone()),
                value: name,
            })
            .collect();
        for (c, label) in [
            (
                WaveChoice::LatestPerNetwork,
                bi(
                    "laatste antwoord per netwerk".into(),
                    "latest answer per network".into(),
                ),
            ),
            (
                WaveChoice::AllAnswers,
                bi("alle antwoorden".into(), "all answers".into()),
            ),
        ] {
            options.push(WaveOption {
                value: c.as_text().to_owned(),
                current: network_choice == Some(&c),
                label,
            });
        }
        options
    } else {
        Vec::new()
    };
    Ok((
        out,
        WaveSelection {
            chosen: chosen.map(|c| c.as_text().to_owned()),
            bases,
            options,
        },
    ))
}

fn basis(
    form: &str,
    title: Bilingual,
    network_level: bool,
    choice: &WaveChoice,
    names: Vec<String>,
    responses: usize,
    networks: usize,
) -> WaveBasis {
    let (nl_names, en_names) = (list(&names, "en"), list(&names, "and"));
    let (word_nl, word_en) = if names.len() > 1 {
        ("Metingen", "Waves")
    } else {
        ("Meting", "Wave")
    };
    let net_nl = |n: usize| {
        if n == 1 {
            "1 netwerk".to_owned()
        } else {
            format!("{n} netwerken")
        }
    };
    let net_en = |n: usize| {
        if n == 1 {
            "1 network".to_owned()
        } else {
            format!("{n} networks")
        }
    };
    // The n: networks for the network questionnaire (once each, unless all answers are
    // combined), respondents from networks otherwise.
    let (n_nl, n_en) = if network_level && responses == networks {
        (net_nl(networks), net_en(networks))
    } else {
        (
            format!("{responses} antwoorden uit {}", net_nl(networks)),
            format!(
                "{responses} answer{} from {}",
                if responses == 1 { "" } else { "s" },
                net_en(networks)
            ),
        )
    };
    let (rule, how_nl, how_en, rule_text) = match choice {
        WaveChoice::Wave(_) => ("wave", String::new(), String::new(), None),
        WaveChoice::LatestPerNetwork => (
            "latest_per_network",
            ", per netwerk het laatste antwoord".to_owned(),
            ", the latest answer per network".to_owned(),
            Some(bi(
                format!("De metingen {nl_names} zijn samengenomen: per netwerk tellen de antwoorden van de laatste meting waarin het antwoordde, zodat elk netwerk één keer meetelt."),
                format!("The waves {en_names} are combined: per network the answers of the latest wave in which it answered count, so that every network counts once."),
            )),
        ),
        WaveChoice::AllAnswers => (
            "all_answers",
            ", alle antwoorden".to_owned(),
            ", all answers".to_owned(),
            Some(bi(
                format!("De antwoorden van de metingen {nl_names} tellen samen: een netwerk of deelnemer die in meer dan één meting antwoordde, telt per meting één keer mee."),
                format!("The answers of the waves {en_names} count together: a network or participant that answered in more than one wave counts once per wave."),
            )),
        ),
    };
    WaveBasis {
        instrument: form.to_owned(),
        title,
        network_level,
        rule,
        sentence: bi(
            format!("{word_nl}: {nl_names}{how_nl} ({n_nl})"),
            format!("{word_en}: {en_names}{how_en} ({n_en})"),
        ),
        waves: names,
        responses,
        networks,
        rule_text,
    }
}
