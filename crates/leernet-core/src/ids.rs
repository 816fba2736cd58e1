//! Typed row identifiers, so that a network id can never be passed where a wave id is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}
pub(crate) use id_type;

id_type!(
    /// A Werkplaats.
    WorkplaceId,
    /// A learning network.
    NetworkId,
    /// A person (researcher, coordinator, facilitator, member).
    PersonId,
    /// One stored version of an instrument.
    InstrumentId,
    /// A wave: one fielding of an instrument.
    WaveId,
    /// An invitation to answer in a wave.
    InvitationId,
    /// A response.
    ResponseId,
    /// A codebook.
    CodebookId,
    /// A code in a codebook.
    CodeId,
    /// A coding: a code applied to a segment by a coder.
    CodingId,
    /// A slow question.
    SlowQuestionId,
    /// A learning session.
    SessionId,
);
