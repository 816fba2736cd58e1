//! leernet-analysis.
