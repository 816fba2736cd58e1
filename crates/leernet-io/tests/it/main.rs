//! The integration tests of `leernet-io`, one module a former test file, linked into one
//! test binary: on 2 cores one link instead of one per file.

mod common;

mod awkward;
mod export;
mod exports_corpus;
mod field;
mod fixtures;
mod fuzz;
mod hostile;
mod hostile_text;
mod odk_zip;
mod repeat_export;
mod sav_dates;
mod sav_read;
