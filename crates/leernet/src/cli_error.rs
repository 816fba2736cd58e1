//! The one error type of the command line, and the exit codes of the contract.
//!
//! Library crates return their own structured errors; commands wrap them here in one of
//! two kinds, which decide the exit code (see PRODUCT.md, "Command-line contract"):
//!
//! | exit | kind | when |
//! |---|---|---|
//! | 0 | — | success |
//! | 1 | [`CliError::Invalid`] | the input is invalid or a check failed |
//! | 2 | [`CliError::Usage`] | usage error, unreadable file, unreachable database |
//!
//! The message is printed to stderr as one sentence with its cause chain (`{:#}`).

use std::fmt;

/// An error that ends a command, with the exit code it maps to.
#[derive(Debug)]
pub enum CliError {
    /// The input is invalid or a check failed: exit code 1.
    Invalid(anyhow::Error),
    /// Usage error, unreadable file or unreachable service: exit code 2.
    Usage(anyhow::Error),
}

impl CliError {
    /// Exit code of the command-line contract.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Invalid(_) => 1,
            CliError::Usage(_) => 2,
        }
    }

    /// An invalid-input error from anything printable.
    pub fn invalid(e: impl Into<anyhow::Error>) -> Self {
        CliError::Invalid(e.into())
    }

    /// A usage or unreadable-file error from anything printable.
    pub fn usage(e: impl Into<anyhow::Error>) -> Self {
        CliError::Usage(e.into())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Invalid(e) | CliError::Usage(e) => write!(f, "{e:#}"),
        }
    }
}

impl std::error::Error for CliError {}

/// Result of a command.
pub type CliResult<T = ()> = Result<T, CliError>;
