//! leernet-stats: the numerical methods of leernet on plain data.
//!
//! This crate exists so that every figure leernet reports comes from one place that
//! knows nothing about surveys, storage or the web: slices of numbers and category
//! codes go in, numbers come out. It is deterministic (seeded where random), never
//! prints, never panics on bad input (it returns a [`StatsError`]), and is held to the
//! reference implementations researchers use (scipy, scikit-learn, statsmodels,
//! pingouin, krippendorff, the `gower` package) by the conformance suite in
//! `tests/conformance.rs`.
//!
//! Missing values are `None`. A `Some(NaN)` or `Some(±inf)` is an error, never silently
//! treated as missing.

pub mod agreement;
mod bigbuf;
pub mod cluster;
pub mod descriptives;
pub mod error;
pub mod gower;
pub mod lca;
pub mod partition;
pub mod reliability;
pub mod rng;
pub mod special;

pub use error::{StatsError, StatsResult};
