//! leernet-web.
