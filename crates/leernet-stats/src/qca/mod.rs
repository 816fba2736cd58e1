//! Qualitative Comparative Analysis (QCA): crisp, multi-value and fuzzy sets.
//!
//! Exists because the study asks which *combinations* of working methods go together with
//! what networks achieve, with too few networks for regression and too few for a stable
//! cluster typology. QCA (Ragin 1987, 2008) answers that question in set terms: calibrate
//! conditions into sets, test necessity, build the truth table and minimise it into
//! sufficient combinations with their consistency and coverage.
//!
//! No Rust crate does QCA, so it is written here by hand and held, number for number
//! (1e-6), to R's `QCA` package 3.25 (Dusa) by `tests/it/qca.rs` on the reference cases in
//! `testdata/references/qca/`. The formulas and the package's quirks that are reproduced
//! (zeroing of tiny values, the 1.49e-8 tolerance of `>=`) are those of that folder's README.
//!
//! | module | what |
//! |---|---|
//! | [`calibrate`] | crisp thresholds, fuzzy direct method (logistic and linear), indirect method (fractional logit) |
//! | [`data`] | the bounded input: conditions, levels, outcome |
//! | [`fit`] | set membership of terms, inclusion, PRI, coverage, unique coverage |
//! | [`necessity`] | necessity of every literal (`pof`, relation = necessity) |
//! | [`truth_table`](fn@truth_table) | configurations with n, cases, incl, PRI and OUT |
//! | [`minimise`] | prime implicants (exact) and every minimal cover |
//! | [`solutions`] | conservative, parsimonious and intermediate solutions with their fit |
//! | [`robustness`] | which terms survive across consistency cut-offs |
//!
//! Bounds: at most [`MAX_CONDITIONS`] conditions, multi-value conditions with at most
//! [`MAX_LEVELS`] levels, at most [`MAX_TABLE_ROWS`] truth-table rows in all.

pub mod calibrate;
pub mod data;
pub mod fit;
pub mod minimise;
pub mod necessity;
pub mod robustness;
pub mod solutions;
pub mod truth_table;

pub use data::{QcaData, Term};
pub use solutions::{minimize, DirExp, MinimizeOptions, Solution, SolutionKind};
pub use truth_table::{truth_table, Out, TruthTable, TruthTableOptions};

/// The largest number of conditions accepted (the truth table has at least 2^k rows).
pub const MAX_CONDITIONS: usize = 20;
/// The largest number of levels of one multi-value condition.
pub const MAX_LEVELS: u8 = 10;
/// The largest number of truth-table rows (the product of the levels).
pub const MAX_TABLE_ROWS: usize = 1 << 20;
/// The largest number of models (minimal covers) enumerated for one solution.
pub const MAX_MODELS: usize = 10_000;

/// `admisc::agteb`: `a >= b` with R's tolerance of 1.490116e-08.
pub(crate) fn agteb(a: f64, b: f64) -> bool {
    a + 1.490_116e-8 > b
}
