//! The integration tests of `leernet-qda`, one module a former test file, linked into one
//! test binary: on 2 cores one link instead of one per file.

mod common;

mod cases;
mod documents;
mod exchange;
mod hostile;
mod outbound;
mod whole_project;
