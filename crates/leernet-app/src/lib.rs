//! leernet-app: the use cases of leernet, each one function or type that the command line
//! (`leernet`) and the web app (`leernet-web`) both call.
//!
//! Why it exists: the same use case written twice drifts apart (the facilitator's export,
//! the row assembly of an export, an outbox send), and the binary should not reach into the
//! web crate for them. The pure crates compute; this crate reads and writes the store
//! around them; the binary and the web app parse their input, call it, and show the result.
//!
//! Invariants: no HTTP, no HTML, no command-line parsing and no printing here (the callers
//! decide what a person sees); no clock (callers pass Unix seconds or a `now` function);
//! logs carry ids and counts, never answers, names, e-mail addresses or passwords.

pub mod accounts;
pub mod documents;
pub mod export;
pub mod figures;
pub mod import;
pub mod invitations;
pub mod mail;
pub mod outbox;
pub mod people;
pub mod practice;
pub mod qda;
pub mod reminders;
pub mod studies;
pub mod tokens;
pub mod typology;
pub mod waves;
