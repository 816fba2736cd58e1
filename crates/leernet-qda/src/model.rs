//! The neutral model of a REFI-QDA project, between the XML and leernet's domain.
//! Positions are code points, half-open, whatever the file counted in.

/// A coder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaUser {
    pub guid: String,
    pub name: String,
    /// The `id` attribute (leernet writes the coder's e-mail address there).
    pub id: Option<String>,
}

/// A code. `parent` is the GUID of the code it is nested in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaCode {
    pub guid: String,
    pub name: String,
    pub description: String,
    /// `#rrggbb`, lowercase.
    pub color: Option<String>,
    pub codable: bool,
    pub parent: Option<String>,
}

/// A coding of a selection: a code by a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaCoding {
    pub guid: String,
    pub code: String,
    pub user: Option<String>,
}

/// A span of a text source with its codings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaSelection {
    pub guid: String,
    pub name: Option<String>,
    /// Code points, half-open.
    pub start: usize,
    pub end: usize,
    /// The selection's `Description` (leernet: the coding's memo).
    pub description: String,
    pub codings: Vec<QdaCoding>,
}

/// A text source (one open answer, when leernet wrote it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaSource {
    pub guid: String,
    pub name: String,
    /// The plain text, without BOM.
    pub text: String,
    /// Variable name to value (text).
    pub variables: Vec<(String, String)>,
    pub selections: Vec<QdaSelection>,
}

/// A note (memo): on the project, or attached to a code or a text source by a `NoteRef`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdaNote {
    pub guid: String,
    pub name: String,
    pub text: String,
    /// The `User` who wrote it.
    pub user: Option<String>,
    /// The code it is attached to.
    pub code: Option<String>,
    /// The text source it is attached to.
    pub source: Option<String>,
}

/// A whole project (a codebook file reads into one without users or sources).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QdaProject {
    pub name: String,
    pub origin: Option<String>,
    pub users: Vec<QdaUser>,
    /// Parents before children, in document order.
    pub codes: Vec<QdaCode>,
    /// Variable names in order of first definition.
    pub variables: Vec<String>,
    pub sources: Vec<QdaSource>,
    /// Notes (memos), in document order.
    pub notes: Vec<QdaNote>,
}
