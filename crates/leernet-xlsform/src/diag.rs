//! Diagnostics: what is wrong with a form, and where.

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The form cannot be used.
    Error,
    /// The form works, but something is probably not what the author meant.
    Warning,
}

/// One finding, naming the sheet, the row as the spreadsheet shows it and the column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Sheet name (`survey`, `choices`, `settings`).
    pub sheet: String,
    /// 1-based spreadsheet row (header = the row it is on, usually 1).
    pub row: Option<usize>,
    /// Column header as written (`relevant`, `label::Nederlands (nl)`).
    pub column: Option<String>,
    /// One sentence saying what is wrong and what to do.
    pub message: String,
    /// Error or warning.
    pub severity: Severity,
}

impl Diagnostic {
    /// An error.
    pub fn error(
        sheet: &str,
        row: Option<usize>,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            sheet: sheet.to_string(),
            row,
            column: column.map(str::to_string),
            message: message.into(),
            severity: Severity::Error,
        }
    }

    /// A warning.
    pub fn warning(
        sheet: &str,
        row: Option<usize>,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(sheet, row, column, message)
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sheet '{}'", self.sheet)?;
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column '{c}'")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why a workbook did not become a form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormError {
    /// Not a workbook, password-protected, truncated or too large (CLI exit 2).
    Unreadable(String),
    /// A workbook, but not a valid form: every error found, plus warnings (CLI exit 1).
    Invalid(Vec<Diagnostic>),
}

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormError::Unreadable(s) => f.write_str(s),
            FormError::Invalid(d) => {
                let errors: Vec<&Diagnostic> =
                    d.iter().filter(|d| d.severity == Severity::Error).collect();
                write!(f, "the form has {} error(s)", errors.len())?;
                for e in errors {
                    write!(f, "; {e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for FormError {}

/// The result of `instrument check`, serialised as the command-line contract says:
/// `{"valid":bool,"questions":N,"errors":[{"sheet","row","column","message"}],"warnings":[..]}`.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Whether the form can be used.
    pub valid: bool,
    /// Number of questions (answerable, note and calculate rows; not groups).
    pub questions: usize,
    /// Errors, in sheet order.
    pub errors: Vec<Diagnostic>,
    /// Warnings, in sheet order.
    pub warnings: Vec<Diagnostic>,
    /// Set when the file is not a readable workbook at all (CLI exit 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}
