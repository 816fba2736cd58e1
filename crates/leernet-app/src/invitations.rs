//! Invitations made by a program (the JSON API's `POST …/waves/{id}/invitations`): anonymous
//! member links for networks of a wave, with the same tokens and limit as the web app's
//! wave page (`leernet-web/src/admin.rs`, which still has its own copy of the form's logic).

use leernet_core::{InvitationToken, NetworkId, WaveId};
use leernet_store::{InvitationKind, NewInvitation, Store, StoreError};
use rand::RngCore;

/// The most links one request may make per network (as the web app's form).
pub const MAX_LINKS_PER_NETWORK: usize = 500;

/// A fresh invitation token from the operating system's randomness (160 bits).
pub fn new_token() -> InvitationToken {
    let mut b = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut b);
    InvitationToken::from_random(b)
}

/// Makes `count` anonymous member invitations of `network` in `wave`, all or none; the
/// stored ids with their tokens, in order.
pub async fn anonymous(
    store: &Store,
    wave: WaveId,
    network: NetworkId,
    count: usize,
) -> Result<Vec<(leernet_core::InvitationId, InvitationToken)>, StoreError> {
    let new: Vec<NewInvitation> = (0..count.min(MAX_LINKS_PER_NETWORK))
        .map(|_| NewInvitation {
            network,
            token: new_token(),
            kind: InvitationKind::Member,
            person: None,
            email: None,
        })
        .collect();
    let ids = store.add_invitations(wave, &new).await?;
    Ok(ids
        .into_iter()
        .zip(new.into_iter().map(|n| n.token))
        .collect())
}

/// Makes a test link of a questionnaire for a network (issue 18; `leernet wave test-link`
/// and the questionnaire's page both call this): an anonymous link in the questionnaire's
/// hidden test wave (`leernet-store/src/test_links.rs`), so what is answered through it
/// never counts. The network questionnaire's link is the network's own (it fills in the
/// network it knows); any other questionnaire's is a member's. `network_form` is the form id
/// of the network questionnaire (`content/overview.toml`).
pub async fn test_link(
    store: &Store,
    instrument: leernet_core::InstrumentId,
    network: NetworkId,
    network_form: &str,
) -> Result<leernet_store::InvitationRow, StoreError> {
    let form_id = store
        .instruments()
        .await?
        .into_iter()
        .find(|i| i.id == instrument)
        .map(|i| i.form_id)
        .ok_or_else(|| StoreError::NotFound(format!("there is no instrument {instrument}")))?;
    let kind = if form_id == network_form {
        InvitationKind::Network
    } else {
        InvitationKind::Member
    };
    store
        .add_test_link(instrument, network, kind, new_token())
        .await
}
