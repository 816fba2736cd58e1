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
