//! The integration tests of `leernet-report`, one module a former test file, linked into one
//! test binary: on 2 cores one link instead of one per file.

#[path = "../../../leernet-analysis/tests/it/common/mod.rs"]
mod common;

mod change;
mod documents;
mod hostile_names;
mod plain_text;
