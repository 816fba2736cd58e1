//! leernet-store.
