//! Problems found while importing: data, not strings. The caller decides how to show
//! them; [`Problem`]'s `Display` gives the one-line form of the command-line contract
//! (`row 14, column "Q03[SQ002]": …`).

use serde::Serialize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Nothing may be stored while it stands.
    Error,
    /// Stored anyway; the researcher should know.
    Warning,
}

/// What kind of problem (stable names for tools and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The file cannot be read (not CSV, broken workbook, wrong encoding).
    Unreadable,
    /// The file holds no header row, or no data rows.
    Empty,
    /// `--format auto` could not tell the tool, or the given format does not fit.
    Format,
    /// A column matches no question (ignored), or a mapping names an unknown question.
    Unmapped,
    /// Two columns claim the same question or choice.
    DuplicateColumn,
    /// A row has more cells than the header.
    RaggedRow,
    /// A value does not fit its question's type or choices.
    InvalidValue,
    /// A required answer is missing.
    MissingRequired,
    /// A constraint of the form fails.
    Constraint,
    /// An answer to a question that skip logic hides (not stored).
    NotRelevant,
    /// The same response id twice in the file.
    DuplicateId,
    /// The network column names no known network.
    UnknownNetwork,
    /// A row left out on purpose (a preview or test response).
    Skipped,
    /// Cells of a column read as missing (`NA`, `-99`, …): how many, and which markers.
    MissingValues,
}

/// One problem, with where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// What kind.
    pub kind: ProblemKind,
    /// The row in the file (1-based, as a spreadsheet shows it; the header is row 1).
    pub row: Option<usize>,
    /// The column's header as written in the file.
    pub column: Option<String>,
    /// The question concerned.
    pub question: Option<String>,
    /// The offending value as it is in the file.
    pub value: Option<String>,
    /// What is wrong, as one sentence (without the location).
    pub message: String,
}

impl Problem {
    /// An error of `kind` with a message.
    pub fn error(kind: ProblemKind, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            kind,
            row: None,
            column: None,
            question: None,
            value: None,
            message: message.into(),
        }
    }

    /// A warning of `kind` with a message.
    pub fn warning(kind: ProblemKind, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(kind, message)
        }
    }

    /// At this row.
    pub fn at_row(mut self, row: usize) -> Problem {
        self.row = Some(row);
        self
    }

    /// In this column.
    pub fn in_column(mut self, column: &str) -> Problem {
        self.column = Some(column.to_owned());
        self
    }

    /// About this question.
    pub fn about(mut self, question: &str) -> Problem {
        self.question = Some(question.to_owned());
        self
    }

    /// With this value.
    pub fn with_value(mut self, value: &str) -> Problem {
        self.value = Some(value.to_owned());
        self
    }

    /// Whether it blocks the import.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut at = Vec::new();
        if let Some(r) = self.row {
            at.push(format!("row {r}"));
        }
        if let Some(c) = &self.column {
            at.push(format!("column {c:?}"));
        }
        if at.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", at.join(", "), self.message)
        }
    }
}
