//! `leernet notify send`: sends the workspace e-mails still waiting in the outbox (a vote
//! opened, a session planned) to the members who opted in, and the reminders the waves'
//! schedules make due (issue 18: "N days after the invitation was mailed", at most one per
//! invitation, `leernet_app::reminders::send_scheduled`).
//!
//! Why here: the web app sends right after the action, best effort; a message the mail
//! server did not accept then (or that waited because `[smtp]` was not set up yet) goes out
//! when cron runs this. Without `[smtp]` it sends nothing and says how many wait. Links start
//! with `server.public_url` (`LEERNET_PUBLIC_URL`; else `http://` and the server's address)
//! and the study's `/studies/{slug}`.

use crate::cli_error::{CliError, CliResult};
use crate::settings::Settings;
use anyhow::anyhow;
use std::io::Write;
use std::path::Path;

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

/// `leernet notify send`: exit 0 when every message went out (or there is no `[smtp]`), 1
/// when the server refused some (they stay in the outbox for the next run).
pub async fn send(
    project: &Path,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let settings = Settings::load(project)?;
    let (inst, study, store) = settings.study_store().await?;
    inst.close().await;
    let Some(smtp) = settings.file.smtp.as_ref() else {
        let waiting = store.outbox_unsent().await.map_err(CliError::usage);
        store.close().await;
        return writeln!(
            out,
            "No [smtp] section in leernet.toml: nothing sent; {} message(s) wait in the outbox.",
            waiting?.len()
        )
        .map_err(out_err);
    };
    let mailer = leernet_app::mail::Mailer::new(smtp).map_err(CliError::invalid)?;
    let base = settings
        .file
        .server
        .public_url
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("http://{}", settings.addr));
    // survey links (`/s/{token}`) are the installation's, whatever study holds the token
    let survey_base = base.trim_end_matches('/').to_owned();
    // the study's pages are under its prefix (`leernet serve` serves the installation)
    let base = format!(
        "{}/studies/{}",
        base.trim_end_matches('/'),
        study.slug.as_str()
    );
    let catalog = leernet_report::catalog();
    let done = leernet_app::outbox::send_outbox(&store, &mailer, &catalog, &base, clock)
        .await
        .map_err(CliError::usage);
    // the waves' reminder schedules (issue 18): at most one reminder per invitation
    let reminded = match &done {
        Ok(_) => Some(
            leernet_app::reminders::send_scheduled(
                &store,
                &mailer,
                &catalog,
                &survey_base,
                clock.unix_seconds(),
            )
            .await
            .map_err(CliError::usage),
        ),
        Err(_) => None,
    };
    store.close().await;
    let done = done?;
    let reminded = reminded.transpose()?.unwrap_or_default();
    writeln!(
        out,
        "Sent {} workspace e-mail(s); {} closed without mailing (opt-in switched off since).",
        done.sent, done.closed
    )
    .map_err(out_err)?;
    writeln!(
        out,
        "Sent {} scheduled reminder(s) to those who have not finished a wave.",
        reminded.sent
    )
    .map_err(out_err)?;
    let failed = done.failed + reminded.failed;
    if failed > 0 {
        return Err(CliError::invalid(anyhow!(
            "the mail server did not accept {failed} message(s); they wait and the next `leernet notify send` tries again",
        )));
    }
    Ok(())
}
