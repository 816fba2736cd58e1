//! leernet-analysis: the study pipeline, from stored responses to the figures of the report.
//!
//! Why it exists: the overview page, the JSON of `leernet analyse` and the study report must
//! show the same numbers. They are computed once, here, from [`leernet_core::StudyData`]
//! (what the store holds) and the overview definition (`content/overview.toml`: which
//! questions and scales to show). The instruments themselves are read with the XLSForm
//! engine, which stays the one authority on question types, choices and labels.
//!
//! Invariants: pure (no I/O, no clock, no randomness), deterministic (same data, same
//! figures, same order), and every figure carries its n and its source question.

pub mod autocoding;
pub mod change;
pub mod coding_agreement;
mod content;
pub mod cooccurrence;
pub mod crosstabs;
pub mod dataset;
pub mod documents;
pub mod feedback;
mod figures;
pub mod framework;
pub mod handles;
pub mod methods;
mod practice;
pub mod practice_indicators;
pub mod profiles;
pub mod qca;
pub mod quotes;
pub mod typology;
pub mod waves;

pub use autocoding::{AutoCodingFigures, LevelFigures, PrecisionRecall};
pub use coding_agreement::{CodingAgreement, Coefficients};
pub use content::{
    ContentFile, Overview, ProjectContent, ScaleDef, ScoreRule, SectionDef, SHIPPED_FILES,
};
pub use dataset::{Dataset, Datasets, Measure, TypologyConfig, Variable};
pub use figures::*;
pub use framework::{FrameworkDef, Scoring};
pub use handles::{Fact, HandleFigures, HandleSet, Handreiking, HandreikingItem, QcaCitation};
pub use practice::Content;
pub use profiles::{Benchmark, FrameworkProfiles, NetworkProfile, Position, TypeRef};
pub use qca::{QcaFigures, QcaSpec};
pub use typology::Typology;
pub use waves::{WaveBasis, WaveOption, WaveSelection};

use leernet_core::*;
use std::collections::BTreeMap;

/// Why the analysis could not run, said so a researcher can act on it.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error("{file}: {message}")]
    Content { file: String, message: String },
    #[error("instrument {form_id:?} (stored as {file_name:?}) cannot be read: {message}")]
    Instrument {
        form_id: String,
        file_name: String,
        message: String,
    },
    #[error("the overview names {what}, which does not exist")]
    Unknown { what: String },
    #[error("no questionnaire has a wave named {name:?}; the study's waves are: {known} (or `latest` for the latest answer per network, `all` for all answers)")]
    UnknownWave { name: String, known: String },
}

/// Parsed instruments of the study, by form id (the latest stored version of each).
pub struct Forms {
    forms: BTreeMap<String, (InstrumentId, leernet_xlsform::Form)>,
}

impl Forms {
    /// Reads every stored instrument with the XLSForm engine; where a form id has several
    /// versions the one stored last wins.
    pub fn read(instruments: &[Instrument]) -> Result<Forms, AnalysisError> {
        let mut forms = BTreeMap::new();
        for i in instruments {
            let form =
                leernet_xlsform::Form::from_workbook(&i.workbook, &i.file_name).map_err(|e| {
                    AnalysisError::Instrument {
                        form_id: i.form_id.clone(),
                        file_name: i.file_name.clone(),
                        message: e.to_string(),
                    }
                })?;
            forms.insert(i.form_id.clone(), (i.id, form));
        }
        Ok(Forms { forms })
    }

    /// The form with this id.
    pub fn get(&self, form_id: &str) -> Option<&leernet_xlsform::Form> {
        self.forms.get(form_id).map(|(_, f)| f)
    }
}

/// Runs the study analysis over everything stored, with the shipped frameworks and handles.
pub fn analyse(data: &StudyData, overview: &Overview) -> Result<StudyFigures, AnalysisError> {
    let (selected, selection) = waves::select(data, None, &overview.network_instrument)?;
    run(
        &selected,
        data,
        selection,
        overview,
        &Content::builtin(),
        &TypologyConfig::builtin(),
        None,
    )
}

/// Runs the study analysis with the given frameworks and handles; `types` gives a network's
/// type (by slug), overriding the typology's, so profiles and handreikingen can show what
/// networks of the same type do.
pub fn analyse_with(
    data: &StudyData,
    overview: &Overview,
    content: &Content,
    types: &BTreeMap<String, TypeRef>,
) -> Result<StudyFigures, AnalysisError> {
    let (selected, selection) = waves::select(data, None, &overview.network_instrument)?;
    run(
        &selected,
        data,
        selection,
        overview,
        content,
        &TypologyConfig::builtin(),
        Some(types),
    )
}

/// Runs the study analysis with a project's content (overview, typology settings,
/// frameworks and handles; see [`ProjectContent`]), on the study's current waves.
pub fn analyse_project(
    data: &StudyData,
    project: &ProjectContent,
) -> Result<StudyFigures, AnalysisError> {
    analyse_project_on(data, project, None)
}

/// [`analyse_project`] on the waves `chosen` names (a wave's name, the latest answer per
/// network, or all answers; `None`: the study's current waves). See [`waves::select`].
pub fn analyse_project_on(
    data: &StudyData,
    project: &ProjectContent,
    chosen: Option<&WaveChoice>,
) -> Result<StudyFigures, AnalysisError> {
    let all = data;
    let (selected, selection) =
        waves::select_borrowed(data, chosen, &project.overview.network_instrument)?;
    let data: &StudyData = &selected;
    let mut figures = run(
        data,
        all,
        selection,
        &project.overview,
        &project.content,
        &project.typology,
        None,
    )?;
    if project.qca.file != "content/qca.toml" {
        figures.qca = qca_figures(
            data,
            all,
            &figures,
            &project.qca,
            &project.overview,
            &project.typology,
        );
    }
    if let Some(q) = &figures.qca {
        qca::cite(
            &mut figures.handles,
            q,
            &project.content.handles,
            &project.qca,
        );
    }
    if project.autocode_file != autocoding::AUTOCODE_RULES_FILE {
        figures.autocoding =
            autocoding::autocoding_with(data, &project.autocode, &project.autocode_file);
    }
    figures.change = change_figures(all, project, &figures)?;
    Ok(figures)
}

/// The part of [`analyse_project_on`]'s figures that the overview, the list of networks and
/// a network's page show — `study`, `counts`, `workplaces`, `networks`, `sections`,
/// `scales`, `missing_instruments` and `waves`, each the same as there — with everything
/// else left empty (no datasets, typology, profiles, handreikingen, qualitative figures,
/// QCA or change): at a national study's scale a small part of the time.
pub fn analyse_tables_on(
    data: &StudyData,
    project: &ProjectContent,
    chosen: Option<&WaveChoice>,
) -> Result<StudyFigures, AnalysisError> {
    let network_form = project.overview.network_instrument.as_str();
    let (selected, selection) = waves::select_borrowed(data, chosen, network_form)?;
    let forms = Forms::read(&selected.instruments)?;
    let mut figures = figures::compute_tables(&selected, &forms, &project.overview)?;
    figures::name_waves(&mut figures, &selected, selection, network_form);
    Ok(figures)
}

/// The change from the wave before to the wave the network questionnaire's figures rest on
/// (see [`change`]): both waves analysed on their own, as `?wave=` would.
fn change_figures(
    all: &StudyData,
    project: &ProjectContent,
    figures: &StudyFigures,
) -> Result<Option<change::ChangeFigures>, AnalysisError> {
    let form = project.overview.network_instrument.as_str();
    let answered = change::answered_waves(all, form);
    let resting_on = figures
        .waves
        .of(form)
        .map(|b| b.waves.clone())
        .unwrap_or_default();
    let Some((earlier, later)) = change::pair_of_waves(&answered, &resting_on) else {
        return Ok(None);
    };
    let side = |name: &str| -> Result<(StudyData, StudyFigures), AnalysisError> {
        let (data, selection) = waves::select(all, Some(&WaveChoice::Wave(name.to_owned())), form)?;
        let f = run(
            &data,
            all,
            selection,
            &project.overview,
            &project.content,
            &project.typology,
            None,
        )?;
        Ok((data, f))
    };
    let (de, fe) = side(&earlier)?;
    let (dl, fl) = side(&later)?;
    let networks: Vec<(String, String)> = all
        .networks
        .iter()
        .map(|n| (n.slug.as_str().to_owned(), n.name.clone()))
        .collect();
    Ok(Some(change::compute(
        (&earlier, &later),
        &change::WaveSide {
            figures: &fe,
            data: &de,
        },
        &change::WaveSide {
            figures: &fl,
            data: &dl,
        },
        &project.overview,
        &networks,
    )))
}

/// Runs the study analysis with a typology configuration other than the shipped one.
pub fn analyse_with_typology(
    data: &StudyData,
    overview: &Overview,
    typology: &TypologyConfig,
) -> Result<StudyFigures, AnalysisError> {
    let (selected, selection) = waves::select(data, None, &overview.network_instrument)?;
    run(
        &selected,
        data,
        selection,
        overview,
        &Content::builtin(),
        typology,
        None,
    )
}

/// The pipeline: figures and typology, then profiles and handles, which use each network's
/// type from the typology unless `types` is given. `data` holds only the chosen waves'
/// responses ([`waves::select`]), which `selection` describes.
fn run(
    data: &StudyData,
    all: &StudyData,
    selection: WaveSelection,
    overview: &Overview,
    content: &Content,
    typology: &TypologyConfig,
    types: Option<&BTreeMap<String, TypeRef>>,
) -> Result<StudyFigures, AnalysisError> {
    let forms = Forms::read(&data.instruments)?;
    let mut figures = figures::compute(data, &forms, overview, typology)?;
    figures::name_waves(&mut figures, data, selection, &overview.network_instrument);
    let from_typology: BTreeMap<String, TypeRef> = figures
        .typology
        .as_ref()
        .filter(|t| t.computed)
        .map(|t| {
            t.networks
                .iter()
                .map(|n| {
                    // The type's name from typology.toml's rules, else "Type n".
                    let name = t
                        .types
                        .iter()
                        .find(|tp| tp.number == n.type_)
                        .map(|tp| tp.name.clone())
                        .unwrap_or_else(|| {
                            let name = format!("Type {}", n.type_);
                            Bilingual {
                                nl: name.clone(),
                                en: name,
                            }
                        });
                    (
                        n.slug.clone(),
                        TypeRef {
                            key: format!("type-{}", n.type_),
                            name,
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let types = types.unwrap_or(&from_typology);
    practice::attach(&mut figures, data, &forms, overview, content, types)?;
    figures.qualitative.cooccurrence = overview
        .sections
        .iter()
        .filter_map(|s| {
            s.codes
                .as_deref()
                .and_then(|f| cooccurrence::compute(data, &s.key, f))
        })
        .collect();
    let spec = QcaSpec::builtin();
    figures.qca = qca_figures(data, all, &figures, &spec, overview, typology);
    if let Some(q) = &figures.qca {
        qca::cite(&mut figures.handles, q, &content.handles, &spec);
    }
    Ok(figures)
}

/// The study's QCA on the network dataset (`None` without the network instrument) of the
/// chosen waves (`data`); when those combine several measurements, each measurement again
/// on its own (its datasets built from all of that measurement's responses, `all`).
fn qca_figures(
    data: &StudyData,
    all: &StudyData,
    figures: &StudyFigures,
    spec: &QcaSpec,
    overview: &Overview,
    typology: &TypologyConfig,
) -> Option<QcaFigures> {
    let ds = &figures.datasets.as_ref()?.network;
    let mut q = qca::compute(ds, &network_names(data, ds), spec);
    let measurements = qca::measurements(data, &typology.network_instrument);
    q.basis = Some(qca::basis(&measurements));
    if measurements.len() > 1 {
        let forms = Forms::read(&data.instruments).ok()?;
        for m in &measurements {
            let mut sub = all.clone();
            sub.responses.retain(|r| m.waves.contains(&r.wave));
            sub.waves.retain(|w| m.waves.contains(&w.id));
            let outcomes = match dataset::build(&sub, &forms, overview, typology) {
                Ok(d) => qca::compute(&d.network, &network_names(&sub, &d.network), spec).outcomes,
                Err(_) => Vec::new(),
            };
            q.waves.push(qca::WaveQca {
                label: m.label.clone(),
                outcomes,
            });
        }
    }
    Some(q)
}

/// The networks' names in the order of a network-level dataset's units (slugs).
pub fn network_names(data: &StudyData, ds: &Dataset) -> Vec<String> {
    // The first network of each slug, as a search from the front would find it.
    let mut by_slug: BTreeMap<&str, &str> = BTreeMap::new();
    for n in &data.networks {
        by_slug.entry(n.slug.as_str()).or_insert(n.name.as_str());
    }
    ds.units
        .iter()
        .map(|u| {
            by_slug
                .get(u.as_str())
                .map_or_else(|| u.clone(), |name| (*name).to_owned())
        })
        .collect()
}
