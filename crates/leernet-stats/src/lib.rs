//! leernet-stats: the numerical methods of leernet on plain data.
//!
//! This crate exists so that every figure leernet reports comes from one place that
//! knows nothing about surveys, storage or the web: slices of numbers and category
//! codes go in, numbers come out. It is deterministic (seeded where random), never
//! prints, never panics on bad input (it returns a [`StatsError`]), and is held to the
//! reference implementations researchers use (scipy, scikit-learn, statsmodels,
//! pingouin, krippendorff, the `gower` package) by the conformance suite in
//! `tests/it/conformance.rs`.
//!
//! | module | what | held to |
//! |---|---|---|
//! | [`descriptives`] | numeric summaries, quantiles, Wilson intervals, chi-square, Fisher | numpy, statsmodels, scipy |
//! | [`gower`] | Gower (1971) distance, condensed f64 or f32 matrix, rayon | the `gower` package (1e-5), the textbook formula (1e-9; f32: the f64 value rounded once) |
//! | [`cluster`] | single/complete/average/weighted/Ward linkage (square working copy, or in place on the condensed matrix), maxclust cut, silhouette, adjusted Rand, the Gower pipeline on one matrix | scipy, scikit-learn; in place: scipy exactly (f64 working values, in 8 or 4 bytes a pair), f32 working values pinned where they differ |
//! | [`compare`] | change between two measurements: McNemar, Wilcoxon signed-rank, paired t with interval, Welch's t | statsmodels, scipy |
//! | [`partition`] | k-prototypes, PAM | unit tests (no reference package in the environment) |
//! | [`lca`] | latent class analysis, fit table | stepmix (best log-likelihood) |
//! | [`agreement`] | percent agreement, Cohen, Fleiss, Krippendorff | scikit-learn, statsmodels, krippendorff |
//! | [`reliability`] | Cronbach's alpha, interval, alpha if deleted, item-total r | pingouin, scipy |
//! | [`qca`] | QCA: calibration, necessity, truth table, exact minimisation, three solutions | R's `QCA` 3.25 (1e-6) |
//! | [`special`] | gamma/beta functions, normal, chi-square, F | published tables |
//!
//! Precision: everything is computed and returned in f64; a Gower matrix can be stored in
//! f32 (each distance rounded once) to halve its memory, and is clustered in f64.
//!
//! Missing values are `None`. A `Some(NaN)` or `Some(±inf)` is an error, never silently
//! treated as missing.

pub mod agreement;
pub mod cluster;
pub mod compare;
pub mod descriptives;
pub mod error;
pub mod gower;
pub mod lca;
pub mod partition;
pub mod qca;
pub mod reliability;
pub mod rng;
pub mod special;

pub use error::{StatsError, StatsResult};
