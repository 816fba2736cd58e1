//! Documents as sources of coding (issue 20): the one import that `leernet import document`
//! and the web's upload (`/coding/documents`) both call.
//!
//! Why it exists: a document read by the command line and one uploaded in the browser must be
//! read, checked and stored the same way. Reading is pure (`leernet_qda::document`); this
//! module bounds the size before a reader sees the bytes, and stores every file of one
//! import in one transaction: one bad file is one clear error and nothing is stored.
//! Nothing here logs a document's text or its name.

use leernet_core::{DocumentId, DocumentKind, Network};
pub use leernet_qda::document::{DocumentError, ReadDocument};
use leernet_store::{NewDocument, Store, StoreError};

/// The largest document file leernet reads (checked before it is read).
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// The file extensions the reader accepts, for a file picker's `accept`.
pub const EXTENSIONS: &[&str] = &["txt", "md", "docx", "odt", "vtt", "srt"];

/// What an import of documents gives every document: its kind, network and date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attributes {
    pub kind: DocumentKind,
    /// The network the documents belong to (its Werkplaats goes with it).
    pub network: Option<Network>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file is larger than [`MAX_FILE_BYTES`] (it was not read).
    #[error("{file}: the file is larger than {} MB", MAX_FILE_BYTES >> 20)]
    TooLarge { file: String },
    /// A file is not a document leernet reads.
    #[error(transparent)]
    Read(#[from] DocumentError),
    /// The store refused the documents (a text stored already, a date that is no date).
    #[error("{0}")]
    Refused(String),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

/// Checks a file's size before it is read: `len` as its file system or request says.
pub fn check_size(file: &str, len: u64) -> Result<(), ImportError> {
    if len > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            file: file.to_owned(),
        });
    }
    Ok(())
}

/// Reads one file's bytes as a document (the size is checked again).
pub fn read(file: &str, bytes: &[u8]) -> Result<ReadDocument, ImportError> {
    check_size(file, bytes.len() as u64)?;
    Ok(leernet_qda::document::read_document(
        file,
        bytes,
        &leernet_qda::Limits::default(),
    )?)
}

/// Stores documents that were read, all or nothing, with the same attributes; returns their
/// ids in order.
pub async fn store(
    store: &Store,
    docs: &[ReadDocument],
    attrs: &Attributes,
) -> Result<Vec<DocumentId>, ImportError> {
    let new: Vec<NewDocument> = docs
        .iter()
        .map(|d| NewDocument {
            title: d.title.clone(),
            kind: attrs.kind,
            network: attrs.network.as_ref().map(|n| n.id),
            workplace: attrs.network.as_ref().map(|n| n.workplace),
            wave: None,
            date: attrs.date.clone(),
            file_name: format!("{}.{}", d.title, d.format.as_str()),
            format: d.format.as_str().to_owned(),
            text: d.text.clone(),
            turns: d.turns.clone(),
        })
        .collect();
    let ids = store.add_documents(&new).await.map_err(|e| match e {
        StoreError::Conflict(m) | StoreError::NotFound(m) => ImportError::Refused(m),
        e => ImportError::Store(e),
    })?;
    tracing::info!(documents = ids.len(), "documents imported");
    Ok(ids)
}
