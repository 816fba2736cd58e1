//! The one error type of the crate.
//!
//! Exists so that bad input (too few rows, k larger than n, NaN, a constant column where
//! a variance is needed, ...) comes back as a value a caller can explain to a person,
//! instead of a panic or a NaN in the output.

/// What went wrong, with the place where it did.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    /// There is no data to work on (no rows, no columns, or everything missing).
    #[error("no data: {0}")]
    Empty(String),
    /// A value is NaN or infinite.
    #[error("value at row {row} of {what} is not a finite number")]
    NonFinite {
        /// Which input.
        what: String,
        /// Zero-based row (or position) of the value.
        row: usize,
    },
    /// Fewer rows (cases, units) than the method needs.
    #[error("{what} needs at least {need} rows, got {got}")]
    TooFewRows {
        /// Which method or input.
        what: String,
        /// The minimum.
        need: usize,
        /// What was given.
        got: usize,
    },
    /// A number of clusters or classes outside 1..=n.
    #[error("cannot make {k} clusters of {n} rows")]
    InvalidK {
        /// Requested number of clusters.
        k: usize,
        /// Number of rows.
        n: usize,
    },
    /// The statistic is undefined for this data (e.g. zero variance, one category only).
    #[error("undefined: {0}")]
    Undefined(String),
    /// Inputs of inconsistent shape or an invalid argument.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// The work would need more memory than the limit allows (checked before allocating).
    #[error(
        "{what} of {rows} rows would need {bytes} bytes, more than the limit of {limit} bytes"
    )]
    TooLarge {
        /// Which structure (e.g. "a condensed f32 distance matrix").
        what: String,
        /// Number of rows asked for.
        rows: usize,
        /// Bytes it would need (saturated at u128::MAX; never allocated).
        bytes: u128,
        /// The limit in bytes.
        limit: u128,
    },
}

/// Result of this crate.
pub type StatsResult<T> = Result<T, StatsError>;

/// Checks that every present value is finite.
pub(crate) fn check_finite(values: &[Option<f64>], what: &str) -> StatsResult<()> {
    for (row, v) in values.iter().enumerate() {
        if let Some(x) = v {
            if !x.is_finite() {
                return Err(StatsError::NonFinite {
                    what: what.to_string(),
                    row,
                });
            }
        }
    }
    Ok(())
}
