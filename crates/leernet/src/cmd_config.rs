//! `leernet config default` and `leernet config show`: the settings an operator can set, with
//! their meaning, and the values in force for a project — secrets shown as `***`.

use crate::cli_error::{CliError, CliResult};
use crate::settings::{default_toml, Settings};
use anyhow::anyhow;
use std::io::Write;
use std::path::Path;

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

/// `leernet config default`: every key, documented, with its default (a valid leernet.toml).
pub fn default(out: &mut dyn Write) -> CliResult {
    out.write_all(default_toml().as_bytes()).map_err(out_err)
}

/// `leernet config show`: the layered settings of the project, secrets redacted.
pub fn show(project: &Path, out: &mut dyn Write) -> CliResult {
    let settings = Settings::load(project)?;
    let mut file = settings.file.clone();
    file.database.url = leernet_store::redact_url(&file.database.url);
    let body = toml::to_string(&file).map_err(|e| CliError::usage(anyhow!("{e}")))?;
    writeln!(
        out,
        "# The settings in force for {} (defaults, {}, environment); secrets show as ***.\n\n{body}",
        settings.dir.display(),
        crate::settings::PROJECT_FILE
    )
    .map_err(out_err)
}
