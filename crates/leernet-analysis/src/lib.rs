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

mod content;
pub mod dataset;
mod figures;
pub mod typology;

pub use content::{Overview, ScaleDef, ScoreRule, SectionDef};
pub use dataset::{Dataset, Datasets, Measure, TypologyConfig, Variable};
pub use figures::*;
pub use typology::Typology;

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

/// Runs the study analysis over everything stored.
pub fn analyse(data: &StudyData, overview: &Overview) -> Result<StudyFigures, AnalysisError> {
    analyse_with(data, overview, &TypologyConfig::builtin())
}

/// Runs the study analysis with a typology configuration other than the shipped one.
pub fn analyse_with(
    data: &StudyData,
    overview: &Overview,
    typology: &TypologyConfig,
) -> Result<StudyFigures, AnalysisError> {
    let forms = Forms::read(&data.instruments)?;
    figures::compute(data, &forms, overview, typology)
}
