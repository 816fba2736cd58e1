//! REFI-QDA exchange: the codebook (`.qdc`) and the coded project (`.qdpx`).
//!
//! **Write strictly** ([`write`](mod@write)): `project.qde` at the archive's root, a lowercase
//! `sources/` folder, `internal://<guid>.txt` in UTF-8 without BOM, positions in Unicode code
//! points, half-open `[start, end)`; one canonical GUID form (lowercase, no braces, stable:
//! derived from leernet's keys, so identical input gives identical bytes); coders as
//! `Users`; one `TextSource` per open answer with network, role, respondent, question and
//! wave as variables. The tests validate the output against the REFI-QDA XSDs.
//!
//! **Read leniently** ([`read`]): any single `*.qde`; `sources` or `Sources`; namespace
//! variants; a BOM; braced or upper-case GUIDs; a missing `isCodable`; CRLF; offsets that
//! other tools count in UTF-16 units or UTF-8 bytes (detected per source and converted).
//! What was converted and what could not be carried over goes into a [`Report`]. Bad input
//! (not a zip, zip bombs, paths that climb out, DTDs with entities, positions outside the
//! text, unknown code references, codebook cycles) is a [`QdaError`], never a panic.
//!
//! [`convert`] maps between the neutral [`model`] and leernet's domain types.
//!
//! Pure: bytes in, bytes out; no files, no clock.

mod archive;
pub mod convert;
pub mod document;
pub mod guid;
pub mod model;
pub mod read;
pub mod write;

pub use convert::{
    export_project, export_project_with, imported_email, plan_import, plan_project_import,
    plan_project_import_in, CoderNames, ExportExtras, ExportInput, ImportContext, ImportPlan,
    KeptCase, PlannedCase, PlannedCode, PlannedCoder, PlannedCoding, PlannedDocument,
    PlannedDocumentCoding, PlannedDocumentTarget, PlannedMemo,
};
pub use model::{
    QdaCase, QdaCode, QdaCoding, QdaNote, QdaProject, QdaSelection, QdaSource, QdaUser,
    QdaVariable, VariableKind,
};
pub use read::{read_qdc, read_qde, read_qdpx, Limits};
pub use write::{write_qdc, write_qde, write_qdpx};

/// What an import converted, and what it could not carry over (REFI-QDA §7 asks software
/// to warn about data loss). Each entry is one sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Read differently from what the file literally says, and how.
    pub converted: Vec<String>,
    /// Present in the file but not carried over.
    pub not_carried_over: Vec<String>,
}

impl Report {
    pub(crate) fn convert(&mut self, s: impl Into<String>) {
        let s = s.into();
        if !self.converted.contains(&s) {
            self.converted.push(s);
        }
    }

    pub fn lose(&mut self, s: impl Into<String>) {
        let s = s.into();
        if !self.not_carried_over.contains(&s) {
            self.not_carried_over.push(s);
        }
    }

    /// Whether nothing was converted or lost.
    pub fn is_clean(&self) -> bool {
        self.converted.is_empty() && self.not_carried_over.is_empty()
    }
}

/// Why a REFI-QDA file could not be read or written.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum QdaError {
    /// The `.qdpx` is not a ZIP archive (or a damaged one).
    #[error("not a REFI-QDA project: the file is not a ZIP archive ({0})")]
    NotAZip(String),
    /// The archive would unpack to more than the limits allow.
    #[error("the archive is too large when unpacked ({0}); refusing it as a possible zip bomb")]
    TooLarge(String),
    /// An entry's path leaves the archive (`../`, an absolute path, a drive letter).
    #[error("the archive entry {0:?} points outside the archive")]
    PathEscapes(String),
    /// No `.qde`, or several.
    #[error("{0}")]
    NoProjectFile(String),
    /// Not well-formed XML, or XML with a DTD that declares entities.
    #[error("{file}: {message}")]
    Xml { file: String, message: String },
    /// Well-formed XML that is not a REFI-QDA document, or breaks its rules.
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    /// A selection's positions lie outside its source's text in every unit tried.
    #[error("{file}: selection {selection} of source {source_name:?} ({start}..{end}) lies outside the text ({len} characters) in code points, UTF-16 units and UTF-8 bytes alike")]
    PositionOutside {
        file: String,
        source_name: String,
        selection: String,
        start: i64,
        end: i64,
        len: usize,
    },
    /// A coding names a code that the codebook does not have.
    #[error("{file}: coding {coding} refers to code {code}, which the codebook does not have")]
    UnknownCode {
        file: String,
        coding: String,
        code: String,
    },
    /// A code occurs inside itself or twice.
    #[error("{file}: the codebook has a cycle or a repeated code: {guid} occurs more than once")]
    CodebookCycle { file: String, guid: String },
    /// leernet's own data cannot be exported as it is.
    #[error("cannot export: {0}")]
    Export(String),
}

/// Result of this crate.
pub type Result<T, E = QdaError> = std::result::Result<T, E>;
