//! The guards every ZIP that leernet opens from outside goes through (`.qdpx`, `.docx`,
//! `.odt`): a ZIP signature, a bounded number of entries, no path that leaves the archive,
//! declared sizes within the limits before anything is unpacked, and unpacked sizes checked
//! again while reading (an entry that unpacks to more than it declares is refused).

use crate::read::Limits;
use crate::{QdaError, Result};
use std::io::Read;

/// An opened archive whose entry names and declared sizes passed the guards.
pub(crate) struct Archive<'a> {
    zip: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
    /// Every entry: its name and whether it is a folder.
    pub names: Vec<(String, bool)>,
    limits: Limits,
    total: u64,
}

/// Opens `bytes` as a ZIP archive and checks every entry's path and declared size.
pub(crate) fn open<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Archive<'a>> {
    if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"PK\x05\x06") {
        return Err(QdaError::NotAZip(
            "it does not begin with a ZIP signature".into(),
        ));
    }
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| QdaError::NotAZip(e.to_string()))?;
    if z.len() > limits.max_entries {
        return Err(QdaError::TooLarge(format!(
            "{} entries, at most {} allowed",
            z.len(),
            limits.max_entries
        )));
    }
    // Names and declared sizes; refuse escaping paths before reading anything.
    let mut declared: u64 = 0;
    let mut names = Vec::with_capacity(z.len());
    for i in 0..z.len() {
        let f = z
            .by_index_raw(i)
            .map_err(|e| QdaError::NotAZip(e.to_string()))?;
        let name = f.name().to_owned();
        let escapes = name.starts_with('/')
            || name.starts_with('\\')
            || name.contains(':')
            || name.split(['/', '\\']).any(|c| c == "..")
            || f.enclosed_name().is_none();
        if escapes {
            return Err(QdaError::PathEscapes(name));
        }
        if f.size() > limits.max_entry_bytes {
            return Err(QdaError::TooLarge(format!(
                "entry {name:?} unpacks to {} bytes, at most {} allowed",
                f.size(),
                limits.max_entry_bytes
            )));
        }
        declared = declared.saturating_add(f.size());
        if declared > limits.max_total_bytes {
            return Err(QdaError::TooLarge(format!(
                "the entries unpack to more than {} bytes",
                limits.max_total_bytes
            )));
        }
        names.push((name, f.is_dir()));
    }
    Ok(Archive {
        zip: z,
        names,
        limits: *limits,
        total: 0,
    })
}

impl Archive<'_> {
    /// The index of the file entry named `name`.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|(n, d)| !*d && n == name)
    }

    /// Unpacks entry `i`, refusing it when it unpacks to more than the limits leave.
    pub fn read(&mut self, i: usize) -> Result<Vec<u8>> {
        let name = self
            .names
            .get(i)
            .map(|(n, _)| n.clone())
            .unwrap_or_default();
        let f = self.zip.by_index(i).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(m) => {
                QdaError::NotAZip(format!("entry {name:?}: {m}"))
            }
            other => QdaError::NotAZip(format!("entry {name:?}: {other}")),
        })?;
        let mut buf = Vec::new();
        let cap = self
            .limits
            .max_entry_bytes
            .min(self.limits.max_total_bytes.saturating_sub(self.total));
        f.take(cap.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| QdaError::NotAZip(format!("entry {name:?} cannot be unpacked: {e}")))?;
        if buf.len() as u64 > cap {
            return Err(QdaError::TooLarge(format!(
                "entry {name:?} unpacks to more than it declares or the limits allow"
            )));
        }
        self.total = self.total.saturating_add(buf.len() as u64);
        Ok(buf)
    }
}
