//! Which tool wrote an export, told by its header signature (see the fixtures' NOTES.md,
//! "Importer implications").

use serde::{Deserialize, Serialize};

/// The layouts leernet reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// KoboToolbox CSV/XLSX (XML values or labels; also legacy KoBoCAT CSV).
    Kobo,
    /// ODK Central `submissions.csv`.
    Odk,
    /// LimeSurvey response export.
    LimeSurvey,
    /// Qualtrics CSV (three header rows, or the legacy layout: `V1`…`V10` and one row of
    /// question texts).
    Qualtrics,
    /// Microsoft Forms download.
    MsForms,
    /// Plain CSV/XLSX: one column per question name.
    Csv,
    /// leernet's own CSV or XLSX export (`respondent`, `network`, `wave`, `status`, then
    /// the dataset's variables: codes, 0/1 variables, "not asked" -9).
    Leernet,
}

impl Format {
    /// The name used on the command line and in mapping files.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Kobo => "kobo",
            Format::Odk => "odk",
            Format::LimeSurvey => "limesurvey",
            Format::Qualtrics => "qualtrics",
            Format::MsForms => "msforms",
            Format::Csv => "csv",
            Format::Leernet => "leernet",
        }
    }

    /// Parses a command-line name (`auto` is not a format: see [`detect`]).
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s.to_ascii_lowercase().as_str() {
            "kobo" | "kobotoolbox" => Format::Kobo,
            "odk" | "odk-central" | "central" => Format::Odk,
            "limesurvey" | "lime" => Format::LimeSurvey,
            "qualtrics" => Format::Qualtrics,
            "msforms" | "microsoft-forms" | "forms" => Format::MsForms,
            "csv" | "plain" => Format::Csv,
            "leernet" => Format::Leernet,
            _ => return None,
        })
    }

    /// A human name.
    pub fn display_name(self) -> &'static str {
        match self {
            Format::Kobo => "KoboToolbox",
            Format::Odk => "ODK Central",
            Format::LimeSurvey => "LimeSurvey",
            Format::Qualtrics => "Qualtrics",
            Format::MsForms => "Microsoft Forms",
            Format::Csv => "plain CSV",
            Format::Leernet => "leernet's own export",
        }
    }
}

fn has(headers: &[String], name: &str) -> bool {
    headers.iter().any(|h| h == name)
}

/// Whether a cell is a Qualtrics ImportId header (`{"ImportId":"QID1"}`).
pub fn is_import_id(cell: &str) -> bool {
    cell.trim_start().starts_with("{\"ImportId\"")
}

/// Whether a header is Qualtrics' legacy layout (before the three header rows of 2017):
/// its first ten columns are the system columns `V1` … `V10` (ResponseID, ResponseSet,
/// Name, ExternalDataReference, EmailAddress, IPAddress, Status, StartDate, EndDate,
/// Finished), and the row under the header holds the question texts.
pub fn is_qualtrics_legacy(headers: &[String]) -> bool {
    headers.len() >= 10
        && headers[..10]
            .iter()
            .enumerate()
            .all(|(i, h)| h.strip_prefix('V') == Some((i + 1).to_string().as_str()))
}

/// Names the tool from the header and the first rows (which may be header rows), or
/// `None` when two signatures match: the caller then asks for `--format`. A file with no
/// signature is plain CSV.
pub fn detect(headers: &[String], next_rows: &[Vec<String>]) -> Result<Format, Vec<Format>> {
    let mut found = Vec::new();
    if has(headers, "_uuid") && has(headers, "_submission_time") {
        found.push(Format::Kobo);
    }
    if has(headers, "SubmissionDate") && has(headers, "KEY") {
        found.push(Format::Odk);
    }
    if has(headers, "id") && has(headers, "submitdate") && has(headers, "lastpage") {
        found.push(Format::LimeSurvey);
    }
    let qualtrics_row = next_rows
        .get(1)
        .is_some_and(|r| r.iter().filter(|c| !c.is_empty()).all(|c| is_import_id(c)));
    if qualtrics_row
        || (has(headers, "ResponseId") && has(headers, "StartDate"))
        || is_qualtrics_legacy(headers)
    {
        found.push(Format::Qualtrics);
    }
    if headers.len() >= 3
        && headers[0] == "ID"
        && headers[1] == "Start time"
        && headers[2] == "Completion time"
    {
        found.push(Format::MsForms);
    }
    if headers.len() >= 4 && headers[..4] == ["respondent", "network", "wave", "status"] {
        found.push(Format::Leernet);
    }
    match found.len() {
        0 => Ok(Format::Csv),
        1 => Ok(found[0]),
        _ => Err(found),
    }
}
