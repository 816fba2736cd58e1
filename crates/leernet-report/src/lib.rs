//! leernet-report.
