//! The integration tests of `leernet-stats`, one module a former test file, linked into one
//! test binary: on 2 cores one link instead of one per file.

mod bad_input;
mod conformance;
mod qca;
