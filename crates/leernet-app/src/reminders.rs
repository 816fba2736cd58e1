//! Reminders to those who have not finished a wave's questionnaire (issue 18, item 3): by
//! hand from the wave's page, and on the wave's schedule ("N days after the invitation was
//! mailed") from `leernet notify send`, which cron runs.
//!
//! Who is reminded: an invitation of an open wave with an e-mail address, whose link was
//! mailed before, is not revoked, has no submitted response, and was never reminded. Each
//! invitation gets at most one reminder: it is claimed in the store before the mail goes
//! out (`Store::claim_reminder`), so the web app and cron, or two instances, never both
//! send it; a mail the server refused is given back for a later send. Every run that sent or
//! failed anything is audited with counts only (`reminders.send`), never an address; logs
//! name invitation ids only (LOGGING.md). The text is in Dutch, then English, and holds the
//! questionnaire's title and the link.

use crate::mail::Mailer;
use leernet_core::i18n::Catalog;
use leernet_core::{Bilingual, InvitationId, Lang, ResponseStatus, Wave, WaveId, WaveStatus};
use leernet_store::{Action, Actor, AuditSubject, InvitationRow, NewAudit, Store, StoreError};

/// What one reminder run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reminded {
    /// Accepted by the mail server.
    pub sent: usize,
    /// Refused by the mail server: given back, for a later run.
    pub failed: usize,
}

/// A reminder's subject and body, Dutch then English.
pub fn reminder_text(catalog: &Catalog, instrument: &Bilingual, link: &str) -> (String, String) {
    let fill = |lang: Lang, key: &str| {
        catalog
            .t(lang, key)
            .replace("{instrument}", instrument.get(lang))
            .replace("{link}", link)
    };
    let subject = format!(
        "{} / {}",
        fill(Lang::Nl, "waves2.reminder_subject"),
        fill(Lang::En, "waves2.reminder_subject")
    );
    let body = format!(
        "{}\n\n-- English --\n\n{}\n",
        fill(Lang::Nl, "waves2.reminder_body"),
        fill(Lang::En, "waves2.reminder_body")
    );
    (subject, body)
}

/// The invitations of `wave` a reminder would go to now (see the module doc); with
/// `mailed_before`, only those mailed at or before that time (Unix seconds). Empty unless
/// the wave is open.
pub async fn due(
    store: &Store,
    wave: &Wave,
    mailed_before: Option<i64>,
) -> Result<Vec<InvitationRow>, StoreError> {
    if wave.status != WaveStatus::Open {
        return Ok(Vec::new());
    }
    let sent = store.invitations_sent(wave.id).await?;
    Ok(store
        .invitations(Some(wave.id))
        .await?
        .into_iter()
        .filter(|i| {
            i.email.is_some()
                && i.revoked_at.is_none()
                && i.reminded_at.is_none()
                && i.status != Some(ResponseStatus::Submitted)
                && sent
                    .get(&i.id)
                    .is_some_and(|at| mailed_before.is_none_or(|b| *at <= b))
        })
        .collect())
}

/// Sends the reminders of `wave` that are due (see [`due`]), links starting with `base`
/// (`https://leernet.example/studies/x`), and audits the run as `actor` when it sent or
/// failed anything.
#[allow(clippy::too_many_arguments)]
pub async fn remind(
    store: &Store,
    mailer: &Mailer,
    catalog: &Catalog,
    base: &str,
    wave: &Wave,
    mailed_before: Option<i64>,
    actor: &Actor,
    now: i64,
) -> Result<Reminded, StoreError> {
    let base = base.trim_end_matches('/');
    let instrument = store
        .instruments()
        .await?
        .into_iter()
        .find(|i| i.id == wave.instrument)
        .map(|i| i.title)
        .unwrap_or_default();
    let mut out = Reminded::default();
    for inv in due(store, wave, mailed_before).await? {
        let Some(email) = inv.email.as_deref() else {
            continue;
        };
        if !store.claim_reminder(inv.id, now).await? {
            continue; // another sender has it
        }
        let (subject, body) = reminder_text(
            catalog,
            &instrument,
            &format!("{base}/s/{}", inv.token.as_str()),
        );
        match mailer.send(email, &subject, body).await {
            Ok(()) => out.sent += 1,
            Err(_) => {
                store.release_reminder(inv.id).await?;
                tracing::warn!(invitation = inv.id.0, "a reminder e-mail was not accepted");
                out.failed += 1;
            }
        }
    }
    if out.sent + out.failed > 0 {
        store
            .audit(&NewAudit {
                at: now,
                actor: actor.clone(),
                action: Action::RemindersSend,
                subject: AuditSubject::Wave(wave.id),
                detail: format!(
                    "sent={} failed={} scheduled={}",
                    out.sent,
                    out.failed,
                    mailed_before.is_some()
                ),
            })
            .await?;
    }
    tracing::info!(
        wave = wave.id.0,
        sent = out.sent,
        failed = out.failed,
        "reminders sent"
    );
    Ok(out)
}

/// Sends the reminders every open wave's schedule makes due at `now`: for a wave reminding
/// N days after the invitation, those mailed at least N days ago. For `leernet notify send`.
pub async fn send_scheduled(
    store: &Store,
    mailer: &Mailer,
    catalog: &Catalog,
    base: &str,
    now: i64,
) -> Result<Reminded, StoreError> {
    let schedules = store.wave_reminders().await?;
    let mut total = Reminded::default();
    for wave in store.waves().await? {
        let Some(days) = schedules.get(&wave.id) else {
            continue;
        };
        let before = now.saturating_sub(days.saturating_mul(86_400));
        let r = remind(
            store,
            mailer,
            catalog,
            base,
            &wave,
            Some(before),
            &Actor::System,
            now,
        )
        .await?;
        total.sent += r.sent;
        total.failed += r.failed;
    }
    Ok(total)
}

/// Mails one invitation's link again by hand (issue 18: "resend"), audited as
/// `invitation.resend`; the invitation's `sent_at` becomes `now`. `Ok(false)`: the
/// invitation has no address, is revoked or submitted, and nothing was sent.
pub async fn resend(
    store: &Store,
    mailer: &Mailer,
    catalog: &Catalog,
    base: &str,
    id: InvitationId,
    actor: &Actor,
    now: i64,
) -> Result<Result<bool, String>, StoreError> {
    let Some(inv) = store.invitation(id).await? else {
        return Err(StoreError::NotFound(format!(
            "there is no invitation {}",
            id.0
        )));
    };
    let Some(email) = inv.email.as_deref() else {
        return Ok(Ok(false));
    };
    if inv.revoked_at.is_some() || inv.status == Some(ResponseStatus::Submitted) {
        return Ok(Ok(false));
    }
    let wave = store.wave(inv.wave).await?;
    let instrument = match wave {
        Some(w) => store
            .instruments()
            .await?
            .into_iter()
            .find(|i| i.id == w.instrument)
            .map(|i| i.title)
            .unwrap_or_default(),
        None => Bilingual::default(),
    };
    let link = format!("{}/s/{}", base.trim_end_matches('/'), inv.token.as_str());
    let fill = |lang: Lang, key: &str| {
        catalog
            .t(lang, key)
            .replace("{instrument}", instrument.get(lang))
            .replace("{link}", &link)
    };
    let subject = format!(
        "{} / {}",
        fill(Lang::Nl, "fieldwork2.mail_subject"),
        fill(Lang::En, "fieldwork2.mail_subject")
    );
    let body = format!(
        "{}\n\n-- English --\n\n{}\n",
        fill(Lang::Nl, "fieldwork2.mail_body"),
        fill(Lang::En, "fieldwork2.mail_body")
    );
    if let Err(why) = mailer.send(email, &subject, body).await {
        tracing::warn!(
            invitation = id.0,
            "a resent invitation e-mail was not accepted"
        );
        return Ok(Err(why));
    }
    store.mark_invitation_sent(id, now).await?;
    store
        .audit(&NewAudit {
            at: now,
            actor: actor.clone(),
            action: Action::InvitationResend,
            subject: AuditSubject::Invitation(id.0),
            detail: String::new(),
        })
        .await?;
    Ok(Ok(true))
}

/// The waves whose schedule is set, for the page: by wave, the days.
pub async fn schedule_of(store: &Store, wave: WaveId) -> Result<Option<i64>, StoreError> {
    Ok(store.wave_reminders().await?.get(&wave).copied())
}
