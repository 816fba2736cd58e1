//! The integration tests of `leernet-analysis`, one module a former test file, linked into one
//! test binary: on 2 cores one link instead of one per file.

mod common;

mod autocoding;
mod change;
mod consensus;
mod documents;
mod handles;
mod qca_waves;
mod typology;
mod waves;
