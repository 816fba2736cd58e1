//! Documents as sources of qualitative coding beside the open answers: interviews, focus
//! groups, session reports and policy documents. A document's text is stored once,
//! normalised (no byte order mark, `\n` line endings), and every position in it is a
//! Unicode code point, half-open `[start, end)`, as REFI-QDA counts.

use crate::{CodeId, NetworkId, PersonId, WaveId, WorkplaceId};
use serde::{Deserialize, Serialize};

crate::ids::id_type!(
    /// A document (an interview, a focus group, a session report, a policy document).
    DocumentId,
    /// A coding of a span of a document.
    DocumentCodingId,
    /// A memo.
    MemoId,
);

/// What kind of source a document is; analyses and filters use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Interview,
    FocusGroup,
    SessionReport,
    PolicyDocument,
    /// Anything else (also what a REFI-QDA source from another tool becomes).
    Other,
}

impl DocumentKind {
    /// Every kind, in the order the pages list them.
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::Interview,
        DocumentKind::FocusGroup,
        DocumentKind::SessionReport,
        DocumentKind::PolicyDocument,
        DocumentKind::Other,
    ];

    /// Stored name (also the CLI's `--kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Interview => "interview",
            DocumentKind::FocusGroup => "focus_group",
            DocumentKind::SessionReport => "session_report",
            DocumentKind::PolicyDocument => "policy_document",
            DocumentKind::Other => "other",
        }
    }

    /// Reads a stored name; `-` may stand for `_` (`focus-group`).
    pub fn parse(s: &str) -> Option<DocumentKind> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A speaker turn of a transcript: who speaks, and the span of what they say (without the
/// speaker's label). A turn is a unit of coding and of retrieval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub speaker: String,
    pub start: usize,
    pub end: usize,
}

/// A stored document without its text (for lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    pub id: DocumentId,
    pub title: String,
    pub kind: DocumentKind,
    pub network: Option<NetworkId>,
    pub workplace: Option<WorkplaceId>,
    pub wave: Option<WaveId>,
    /// `YYYY-MM-DD`, when known.
    pub date: Option<String>,
    /// The name of the file it was read from.
    pub file_name: String,
    /// Length of the text in code points.
    pub chars: usize,
}

/// A stored document with its text and turns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub info: DocumentInfo,
    pub text: String,
    pub turns: Vec<Turn>,
}

/// A span of a document, `[start, end)` in code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DocumentSpan {
    pub document: DocumentId,
    pub start: usize,
    pub end: usize,
}

/// A code applied to a span of a document by a coder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentCoding {
    pub id: DocumentCodingId,
    pub span: DocumentSpan,
    pub code: CodeId,
    pub coder: PersonId,
    pub memo: String,
}

/// A memo (REFI-QDA: a note): on the study, or on a code or a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memo {
    pub id: MemoId,
    pub title: String,
    pub text: String,
    pub author: Option<PersonId>,
    pub code: Option<CodeId>,
    pub document: Option<DocumentId>,
}

/// The substring of `text` between code points `start` and `end`, or `None` when the span
/// does not lie inside the text.
pub fn span_text(text: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let mut idx = text.char_indices().map(|(i, _)| i).chain([text.len()]);
    let a = idx.nth(start)?;
    let b = if end == start {
        a
    } else {
        idx.nth(end - start - 1)?
    };
    Some(&text[a..b])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(
            DocumentKind::parse("Focus-Group"),
            Some(DocumentKind::FocusGroup)
        );
        assert_eq!(DocumentKind::parse("memo"), None);
    }

    #[test]
    fn spans_count_code_points() {
        let t = "a😀b\nc";
        assert_eq!(span_text(t, 1, 3), Some("😀b"));
        assert_eq!(span_text(t, 5, 5), Some(""));
        assert_eq!(span_text(t, 0, 5), Some(t));
        assert_eq!(span_text(t, 0, 6), None);
        assert_eq!(span_text(t, 3, 2), None);
    }
}
