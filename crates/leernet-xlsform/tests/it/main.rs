//! The integration tests of `leernet-xlsform`, one module a former test file, linked into one
//! test binary: on 2 cores one link instead of one per file.

mod common;

mod answers;
mod dense;
mod expressions;
mod fixtures;
mod fuzz_expr;
mod hostile;
mod hostile_prop;
mod pyxform_conformance;
mod real_constructs;
mod structure;
