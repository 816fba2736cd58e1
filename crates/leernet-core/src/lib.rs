//! leernet-core.
