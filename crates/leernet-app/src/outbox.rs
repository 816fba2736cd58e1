//! Workspace e-mails: sends the outbox of the networks' workspace (a vote opened, a session
//! planned) to the members who opted in, through the `[smtp]` mailer of [`crate::mail`].
//!
//! Why it exists: a member who does not look at the workspace every week should still hear
//! that a vote opened or a session was planned, if they asked for it (off by default). The
//! store writes a message to the outbox in the transaction of the action; this module turns
//! it into text and sends it. It runs right after the action, in a background task of the
//! web app so the facilitator's request is not slowed (`leernet_web::notify::spawn_send`),
//! and from `leernet notify send` (cron) for whatever is still waiting: both call
//! [`send_outbox`].
//!
//! Invariants:
//! - a message is claimed in the store before it is sent (so two app instances or the app
//!   and cron never both send it) and given back when the server refuses it, so a later
//!   send retries it; a process killed between claim and send loses that one message (at
//!   most once, never twice); without `[smtp]` nothing is sent and the outbox keeps all;
//! - a message holds the network's name, what happened with its date, and a link — never a
//!   title, topic or any other text a member or facilitator wrote;
//! - it is written in the language the member set their opt-ins in (Dutch when unknown);
//! - a member who switched the opt-in off since is not mailed (the message is closed);
//! - logs name outbox ids and counts, never an address (LOGGING.md);
//! - one send at a time per web app (its `AppState`'s lock), so background tasks do not race.

use crate::mail::Mailer;
use leernet_core::i18n::Catalog;
use leernet_core::{Clock, Lang, NetworkId, PersonId, SessionId};
use leernet_store::workspace::OutboxKind;
use leernet_store::{Store, StoreError};
use std::collections::BTreeMap;

/// What one send did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    /// Accepted by the server and marked sent.
    pub sent: usize,
    /// Not accepted: left in the outbox for the next send.
    pub failed: usize,
    /// Closed without mailing: the person switched the opt-in off, or the session or round
    /// no longer exists.
    pub closed: usize,
}

/// One message, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

/// `yyyy-mm-dd` of a Unix time (UTC), without a clock or a date crate.
fn date_of_unix(secs: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The text of a message of `kind` in `lang`.
pub fn message_text(
    catalog: &Catalog,
    lang: Lang,
    kind: OutboxKind,
    network: &str,
    date: &str,
    link: &str,
    settings: &str,
) -> Text {
    let k = match kind {
        OutboxKind::RoundOpened => "round",
        OutboxKind::SessionPlanned => "session",
    };
    let fill = |key: &str| {
        catalog
            .t(lang, &format!("notify.{key}_{k}"))
            .replace("{network}", network)
            .replace("{date}", date)
            .replace("{link}", link)
            .replace("{settings}", settings)
    };
    Text {
        subject: fill("subject"),
        body: format!("{}\n", fill("body")),
    }
}

/// Sends every unsent message of the outbox through `mailer`, links starting with `base`
/// (`https://leernet.example`). Each accepted message is marked sent at the `clock`'s time.
pub async fn send_outbox(
    store: &Store,
    mailer: &Mailer,
    catalog: &Catalog,
    base: &str,
    clock: &dyn Clock,
) -> Result<Sent, StoreError> {
    let now = || clock.unix_seconds();
    let base = base.trim_end_matches('/');
    let messages = store.outbox_unsent().await?;
    let mut out = Sent::default();
    if messages.is_empty() {
        return Ok(out);
    }
    let persons: BTreeMap<PersonId, _> = store
        .persons()
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let networks: BTreeMap<NetworkId, _> = store
        .networks()
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    for m in messages {
        let (Some(person), Some(net)) = (persons.get(&m.person), networks.get(&m.network)) else {
            store.mark_sent(m.id, now()).await?;
            out.closed += 1;
            continue;
        };
        let (on_round, on_session) = store.notify_prefs(m.person).await?;
        let slug = net.slug.as_str();
        let found = match m.kind {
            OutboxKind::RoundOpened if on_round => store
                .rounds(Some(net.id))
                .await?
                .into_iter()
                .find(|r| r.id == m.subject)
                .map(|r| (date_of_unix(r.opened_at), format!("/ws/{slug}/agenda"))),
            OutboxKind::SessionPlanned if on_session => store
                .ws_session(net.id, SessionId(m.subject))
                .await?
                .map(|s| (s.date, format!("/ws/{slug}/sessions/{}", m.subject))),
            _ => None,
        };
        let Some((date, path)) = found else {
            store.mark_sent(m.id, now()).await?;
            out.closed += 1;
            continue;
        };
        let lang = store.notify_lang(m.person).await?.unwrap_or(Lang::Nl);
        let text = message_text(
            catalog,
            lang,
            m.kind,
            &net.name,
            &date,
            &format!("{base}{path}"),
            &format!("{base}/ws/settings"),
        );
        // Claimed before sending: another instance or cron running now skips it.
        if !store.claim_outbox(m.id, now()).await? {
            continue;
        }
        match mailer
            .send(person.email.as_str(), &text.subject, text.body)
            .await
        {
            Ok(()) => {
                store.mark_sent(m.id, now()).await?;
                out.sent += 1;
            }
            Err(_) => {
                store.release_outbox(m.id).await?;
                tracing::warn!(outbox = m.id, "a workspace e-mail was not accepted");
                out.failed += 1;
            }
        }
    }
    tracing::info!(
        sent = out.sent,
        failed = out.failed,
        closed = out.closed,
        "workspace e-mails sent"
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_unix_times() {
        assert_eq!(date_of_unix(0), "1970-01-01");
        assert_eq!(date_of_unix(951_782_400), "2000-02-29");
        assert_eq!(date_of_unix(1_796_083_199), "2026-11-30");
    }

    #[test]
    fn texts_in_both_languages_name_network_date_and_link() {
        let c = leernet_report::catalog();
        for lang in Lang::ALL {
            for &kind in OutboxKind::ALL {
                let t = message_text(&c, lang, kind, "Wijk A", "2026-12-03", "L1", "L2");
                for part in ["Wijk A", "2026-12-03", "L1", "L2"] {
                    assert!(t.body.contains(part), "{lang:?} {kind:?}: {}", t.body);
                }
                assert!(t.subject.contains("Wijk A"));
                assert!(!t.body.contains("[notify."), "{}", t.body);
            }
        }
    }
}
