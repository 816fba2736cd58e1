//! `leernet wave list`, `wave current`, `wave test-link` and `wave wipe-tests`: the study's
//! waves per questionnaire, which of them the figures rest on (issue 19), and test links
//! (issue 18).
//!
//! Why it exists: every figure of `analyse`, `report` and the web app rests on one current
//! wave per questionnaire (by default the latest closed wave that holds answers, else the
//! latest open one). A researcher who wants another — the previous wave while a new one is
//! still being checked, or the waves combined — sets it here: a study setting, kept in the
//! study's database, so the pages follow too. A choice that names no wave of the
//! questionnaire is invalid input (exit 1) and changes nothing.
//!
//! A test link is a link in the questionnaire's hidden test wave
//! (`leernet-store/src/test_links.rs`): it needs no open wave, and what is answered through
//! it counts nowhere; `wipe-tests` takes those answers away again, and nothing else.

use crate::cli_error::{CliError, CliResult};
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_core::{StudyData, WaveChoice};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Arguments of `leernet wave list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print a JSON array of `{"instrument","wave","status","responses","current"}`.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `leernet wave current`.
#[derive(Debug, clap::Args)]
pub struct CurrentArgs {
    /// The questionnaire (its form id, as `leernet wave list` shows).
    #[arg(long)]
    pub instrument: String,
    /// A wave's name, `latest` (per network the latest answer) or `all` (all answers
    /// together); without it, the current choice is printed.
    pub wave: Option<String>,
    /// Go back to the default (the latest closed wave that holds answers, else the latest
    /// open one).
    #[arg(long, conflicts_with = "wave")]
    pub default: bool,
}

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

fn store_err(e: leernet_store::StoreError) -> CliError {
    CliError::usage(anyhow!("{e}"))
}

/// The figures' basis per questionnaire, as the analysis chooses it.
fn bases(data: &StudyData) -> CliResult<Vec<leernet_analysis::WaveBasis>> {
    let network = leernet_analysis::Overview::builtin().network_instrument;
    leernet_analysis::waves::select(data, None, &network)
        .map(|(_, s)| s.bases)
        .map_err(CliError::invalid)
}

/// `leernet wave list`: every wave per questionnaire, in the order they were made, with its
/// status, its submitted responses and whether the figures rest on it.
pub async fn list(project: &Path, args: &ListArgs, out: &mut dyn Write) -> CliResult {
    let settings = Settings::load(project)?;
    let store = settings.store().await?;
    let data = store.study_data().await.map_err(store_err)?;
    store.close().await;
    let bases = bases(&data)?;
    let form_of: BTreeMap<_, _> = data
        .instruments
        .iter()
        .map(|i| (i.id, i.form_id.as_str()))
        .collect();
    let mut rows = Vec::new();
    let mut waves: Vec<_> = data.waves.iter().collect();
    waves.sort_by_key(|w| (form_of.get(&w.instrument).copied(), w.id));
    for w in waves {
        let form = form_of.get(&w.instrument).copied().unwrap_or_default();
        let responses = data
            .responses
            .iter()
            .filter(|r| r.wave == w.id && r.status == leernet_core::ResponseStatus::Submitted)
            .count();
        let current = bases
            .iter()
            .any(|b| b.instrument == form && b.waves.contains(&w.name));
        rows.push((form, w.name.clone(), w.status.as_str(), responses, current));
    }
    if args.json {
        let v: Vec<_> = rows
            .iter()
            .map(|(f, w, s, n, c)| {
                serde_json::json!({"instrument": f, "wave": w, "status": s, "responses": n, "current": c})
            })
            .collect();
        let text = serde_json::to_string_pretty(&v).map_err(|e| CliError::usage(anyhow!("{e}")))?;
        return writeln!(out, "{text}").map_err(out_err);
    }
    let mut text = String::new();
    for (f, w, s, n, c) in &rows {
        text.push_str(&format!(
            "{f}\t{w}\t{s}\t{n} responses{}\n",
            if *c { "\tcurrent" } else { "" }
        ));
    }
    for b in &bases {
        text.push_str(&format!("{}: {}\n", b.instrument, b.sentence.en));
        if let Some(r) = &b.rule_text {
            text.push_str(&format!("  {}\n", r.en));
        }
    }
    out.write_all(text.as_bytes()).map_err(out_err)
}

/// `leernet wave current --instrument FORM [WAVE|latest|all] [--default]`.
pub async fn current(
    project: &Path,
    args: &CurrentArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let settings = Settings::load(project)?;
    let store = settings.store().await?;
    let form = args.instrument.trim();
    let choice = match (&args.wave, args.default) {
        (Some(w), _) => Some(Some(WaveChoice::parse(w))),
        (None, true) => Some(None),
        (None, false) => None,
    };
    let checked = match &choice {
        Some(c) => {
            leernet_app::waves::set_current(
                &store,
                form,
                c.as_ref(),
                &crate::cmd_privacy::cli_actor(),
                clock.unix_seconds(),
            )
            .await
        }
        None => leernet_app::waves::wave_names(&store, form)
            .await
            .map(|_| ()),
    };
    if let Err(e) = checked {
        store.close().await;
        return Err(match e {
            leernet_app::waves::CurrentWaveError::Store(e) => store_err(e),
            other => CliError::invalid(anyhow!("{other}")),
        });
    }
    let data = store.study_data().await.map_err(store_err)?;
    store.close().await;
    let bases = bases(&data)?;
    match bases.iter().find(|b| b.instrument == form) {
        Some(b) => {
            writeln!(out, "{form}: {}", b.sentence.en).map_err(out_err)?;
            if let Some(r) = &b.rule_text {
                writeln!(out, "  {}", r.en).map_err(out_err)?;
            }
            Ok(())
        }
        None => writeln!(out, "{form}: no wave yet").map_err(out_err),
    }
}

/// Arguments of `leernet wave test-link`.
#[derive(Debug, clap::Args)]
pub struct TestLinkArgs {
    /// The questionnaire (its form id, as `leernet wave list` shows); its newest version.
    #[arg(long)]
    pub instrument: String,
    /// The network the link is for (what the questionnaire fills in); default the first.
    #[arg(long)]
    pub network: Option<String>,
}

/// Arguments of `leernet wave wipe-tests`.
#[derive(Debug, clap::Args)]
pub struct WipeTestsArgs {
    /// Only this questionnaire's test answers (every version of it); default every one's.
    #[arg(long)]
    pub instrument: Option<String>,
}

/// The stored versions of a questionnaire by form id, oldest first; invalid input when there
/// are none.
async fn versions(
    store: &leernet_store::Store,
    form: &str,
) -> CliResult<Vec<leernet_core::InstrumentId>> {
    let ids: Vec<_> = store
        .instruments()
        .await
        .map_err(store_err)?
        .into_iter()
        .filter(|i| i.form_id == form)
        .map(|i| i.id)
        .collect();
    if ids.is_empty() {
        return Err(CliError::invalid(anyhow!(
            "the study has no questionnaire {form:?} (`leernet wave list` shows the questionnaires; `leernet instrument add` stores one)"
        )));
    }
    Ok(ids)
}

/// `leernet wave test-link --instrument FORM [--network SLUG]`: prints a new test link
/// (issue 18): answers given through it never count anywhere. Absolute from
/// `server.public_url` when it is set; else the path, with a note on stderr.
pub async fn test_link(
    project: &Path,
    args: &TestLinkArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    let settings = Settings::load(project)?;
    let content = crate::project::project_content(project)?;
    let store = settings.store().await?;
    let made = async {
        let form = args.instrument.trim();
        let instrument = *versions(&store, form).await?.last().expect("not empty");
        let networks = store.networks().await.map_err(store_err)?;
        let network = match args.network.as_deref().map(str::trim) {
            Some(slug) => networks
                .iter()
                .find(|n| n.slug.as_str() == slug)
                .ok_or_else(|| {
                    CliError::invalid(anyhow!(
                        "the study has no network {slug:?} (`leernet network list` shows them)"
                    ))
                })?,
            None => networks.first().ok_or_else(|| {
                CliError::invalid(anyhow!(
                    "the study has no network yet: a test link belongs to a network (`leernet network add`)"
                ))
            })?,
        };
        leernet_app::invitations::test_link(
            &store,
            instrument,
            network.id,
            &content.overview.network_instrument,
        )
        .await
        .map_err(|e| match e {
            leernet_store::StoreError::Conflict(m) => CliError::invalid(anyhow!("{m}")),
            e => store_err(e),
        })
    }
    .await;
    store.close().await;
    let inv = made?;
    let path = format!("/s/{}", inv.token.as_str());
    match &settings.file.server.public_url {
        Some(base) => writeln!(out, "{}{path}", base.trim_end_matches('/')).map_err(out_err)?,
        None => {
            writeln!(out, "{path}").map_err(out_err)?;
            writeln!(
                err,
                "note: set server.public_url in leernet.toml (or LEERNET_PUBLIC_URL) to print the whole address"
            )
            .map_err(out_err)?;
        }
    }
    Ok(())
}

/// `leernet wave wipe-tests [--instrument FORM]`: wipes the test answers (of one
/// questionnaire, or of all), audited; nothing else changes. Prints how many went.
pub async fn wipe_tests(
    project: &Path,
    args: &WipeTestsArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let settings = Settings::load(project)?;
    let store = settings.store().await?;
    let done = async {
        let mut gone = 0u64;
        match args.instrument.as_deref().map(str::trim) {
            Some(form) => {
                for id in versions(&store, form).await? {
                    let n = store
                        .wipe_test_responses(
                            Some(id),
                            crate::cmd_privacy::cli_actor(),
                            clock.unix_seconds(),
                        )
                        .await
                        .map_err(store_err)?;
                    gone = gone
                        .checked_add(n)
                        .ok_or_else(|| CliError::invalid(anyhow!("too many test answers")))?;
                }
            }
            None => {
                gone = store
                    .wipe_test_responses(
                        None,
                        crate::cmd_privacy::cli_actor(),
                        clock.unix_seconds(),
                    )
                    .await
                    .map_err(store_err)?;
            }
        }
        Ok::<u64, CliError>(gone)
    }
    .await;
    store.close().await;
    let gone = done?;
    writeln!(
        out,
        "{gone} test answers wiped; the test links keep working"
    )
    .map_err(out_err)
}
