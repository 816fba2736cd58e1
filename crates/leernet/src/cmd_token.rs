//! `leernet token create|list|revoke`: personal access tokens of the JSON API
//! (`/api/v1/…`, `docs/api.md`). A token acts for one account with that account's roles in
//! each study, and no more; `read` reads, `write` also makes invitations and submits
//! responses (every use of a write token is in the installation's audit log).
//!
//! `create` prints the token once: the installation keeps only its SHA-256, so a lost token
//! cannot be shown again (revoke it and make a new one).

use crate::cli_error::{CliError, CliResult};
use crate::cmd_privacy::cli_actor;
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_app::tokens::{self, TokenError};
use leernet_store::TokenScope;
use std::io::Write;
use std::path::Path;

/// What a token may do.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ScopeArg {
    /// Read what the account may see.
    Read,
    /// Read, make invitations and submit responses.
    Write,
}

/// Arguments of `leernet token create`.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The account the token acts for (its e-mail address).
    #[arg(long)]
    pub email: String,
    /// Its name, to know it by in the list ("R-script dashboard"; 1 to 100 characters).
    #[arg(long)]
    pub name: String,
    /// What the token may do.
    #[arg(long, value_enum)]
    pub scope: ScopeArg,
    /// Days until it expires (1 to 366; default 90).
    #[arg(long)]
    pub expires: Option<u32>,
}

/// Arguments of `leernet token list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The account whose tokens to list.
    #[arg(long)]
    pub email: String,
}

/// Arguments of `leernet token revoke`.
#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// The token's number (`leernet token list`).
    pub id: i64,
}

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

fn token_error(settings: &Settings, e: TokenError) -> CliError {
    match e {
        TokenError::Store(e) => settings.study_error(e.into()),
        e => CliError::invalid(anyhow!("{e}")),
    }
}

/// A date (UTC) of Unix seconds, `YYYY-MM-DD`.
fn date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    // civil_from_days (H. Hinnant)
    let z = days + 719_468;
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

/// `leernet token create`.
pub async fn create(
    project: &Path,
    args: &CreateArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let scope = match args.scope {
        ScopeArg::Read => TokenScope::Read,
        ScopeArg::Write => TokenScope::Write,
    };
    let settings = Settings::load(project)?;
    let inst = settings.installation().await?;
    let made = tokens::create(
        &inst,
        &args.email,
        &args.name,
        scope,
        args.expires.unwrap_or(tokens::DEFAULT_DAYS),
        &cli_actor(),
        clock.unix_seconds(),
    )
    .await;
    inst.close().await;
    let (token, secret) = made.map_err(|e| token_error(&settings, e))?;
    writeln!(
        out,
        "Token {} \"{}\" ({}) for {}, valid until {} (UTC). It is shown only now:\n{secret}",
        token.id,
        token.name,
        token.scope.as_str(),
        args.email.trim(),
        date(token.expires_at)
    )
    .map_err(out_err)
}

/// `leernet token list`.
pub async fn list(project: &Path, args: &ListArgs, out: &mut dyn Write) -> CliResult {
    let settings = Settings::load(project)?;
    let inst = settings.installation().await?;
    let listed = tokens::list(&inst, &args.email).await;
    inst.close().await;
    let list = listed.map_err(|e| token_error(&settings, e))?;
    writeln!(out, "id\tname\tscope\tmade\texpires\tlast used\trevoked").map_err(out_err)?;
    for t in list {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            t.id,
            if t.name.is_empty() { "-" } else { &t.name },
            t.scope.as_str(),
            date(t.created_at),
            date(t.expires_at),
            t.last_used_at.map_or("-".to_owned(), date),
            if t.revoked { "yes" } else { "no" }
        )
        .map_err(out_err)?;
    }
    Ok(())
}

/// `leernet token revoke`.
pub async fn revoke(
    project: &Path,
    args: &RevokeArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let settings = Settings::load(project)?;
    let inst = settings.installation().await?;
    let done = tokens::revoke(&inst, args.id, &cli_actor(), clock.unix_seconds()).await;
    inst.close().await;
    let t = done.map_err(|e| token_error(&settings, e))?;
    writeln!(out, "Token {} is revoked.", t.id).map_err(out_err)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_civil_dates() {
        assert_eq!(super::date(0), "1970-01-01");
        assert_eq!(super::date(1_772_323_200), "2026-03-01");
        assert_eq!(super::date(951_782_400), "2000-02-29");
    }
}
