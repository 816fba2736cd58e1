//! leernet-stats.
