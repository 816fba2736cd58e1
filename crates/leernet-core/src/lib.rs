//! leernet-core: the domain of leernet, without I/O.
//!
//! Why this crate exists: every other room of the house speaks about the same things —
//! Werkplaatsen, learning networks, people and their roles, instruments, waves, responses,
//! codings. They are defined once, here. Values that arrive from outside (slugs, e-mail
//! addresses, invitation tokens, language codes) are validated newtypes whose only
//! constructor is `parse`, so a value that exists is valid.
//!
//! Invariants: no I/O, no database, no web framework; depends only on serde, thiserror
//! and toml (for the translation catalogue). It reads no clock: `clock.rs` defines the
//! [`Clock`] that every caller is given, and the one [`SystemClock`] is made by the binary.

pub mod clock;
pub mod documents;
pub mod domain;
pub mod i18n;
pub mod ids;
pub mod outbound;
pub mod values;

pub use clock::{Clock, FixedClock, SharedClock, SystemClock};
pub use documents::*;
pub use domain::*;
pub use ids::*;
pub use values::*;
