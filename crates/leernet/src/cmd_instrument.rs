//! `leernet instrument …`: questionnaires in XLSForm.
//!
//! `instrument check FILE [--json]` validates a workbook with `leernet-xlsform` and
//! prints either readable lines or the contract's JSON
//! (`{"valid":bool,"questions":N,"errors":[{"sheet","row","column","message"}],"warnings":[…]}`).
//! Exit codes: 0 valid, 1 invalid form ([`CliError::Invalid`]), 2 unreadable file
//! ([`CliError::Usage`]); the error sentence names the file, row and column.

use std::io::Write;
use std::path::PathBuf;

use anyhow::anyhow;

use crate::cli_error::{CliError, CliResult};

/// Arguments of `leernet instrument check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// The XLSForm workbook (.xlsx, .xls or .ods).
    pub file: PathBuf,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

fn place(d: &leernet_xlsform::Diagnostic) -> String {
    let mut s = format!("sheet '{}'", d.sheet);
    if let Some(r) = d.row {
        s.push_str(&format!(", row {r}"));
    }
    if let Some(c) = &d.column {
        s.push_str(&format!(", column '{c}'"));
    }
    s
}

/// Runs `leernet instrument check`.
pub fn check(args: &CheckArgs, out: &mut dyn Write) -> CliResult {
    let name = args.file.display().to_string();
    let bytes = std::fs::read(&args.file)
        .map_err(|e| CliError::usage(anyhow!("cannot read {name}: {e}")))?;
    // The reader contains panics of the workbook library (a damaged file is reported
    // as unreadable); keep their default message off stderr, where only our one
    // sentence belongs. The CLI runs one command at a time, so the hook swap is safe.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let report = leernet_xlsform::check(&bytes, &name);
    std::panic::set_hook(hook);
    let io = |e: std::io::Error| CliError::usage(anyhow!("cannot write the report: {e}"));
    if args.json {
        serde_json::to_writer(&mut *out, &report)
            .map_err(|e| CliError::usage(anyhow!("cannot write the report: {e}")))?;
        writeln!(out).map_err(io)?;
    }
    if let Some(why) = &report.unreadable {
        return Err(CliError::usage(anyhow!("{why}")));
    }
    if !args.json {
        if report.valid {
            writeln!(
                out,
                "{name}: a valid form with {} questions",
                report.questions
            )
            .map_err(io)?;
        } else {
            writeln!(out, "{name}: {} error(s)", report.errors.len()).map_err(io)?;
        }
        for e in &report.errors {
            writeln!(out, "  error: {}: {}", place(e), e.message).map_err(io)?;
        }
        for w in &report.warnings {
            writeln!(out, "  warning: {}: {}", place(w), w.message).map_err(io)?;
        }
    }
    if report.valid {
        return Ok(());
    }
    let first = &report.errors[0];
    let more = match report.errors.len() {
        1 => String::new(),
        n => format!(" (and {} more error(s))", n - 1),
    };
    Err(CliError::invalid(anyhow!(
        "{name} is not a valid form: {}: {}{more}",
        place(first),
        first.message
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real public form in `testdata/fixtures/xlsform/` (sources and licences there).
    fn fixture(name: &str) -> PathBuf {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/fixtures/xlsform")
            .join(name);
        assert!(p.exists(), "{} is missing", p.display());
        p
    }

    fn run(file: PathBuf, json: bool) -> (CliResult, String) {
        let mut out = Vec::new();
        let r = check(&CheckArgs { file, json }, &mut out);
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn valid_form_json_follows_the_contract() {
        let p = fixture("simple.xlsx");
        let (r, out) = run(p, true);
        assert!(r.is_ok());
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["valid"], true);
        assert_eq!(v["questions"], 2);
        assert_eq!(v["errors"], serde_json::json!([]));
    }

    #[test]
    fn invalid_form_exits_1_with_row_and_column() {
        let p = fixture("bad_calc.xlsx");
        let (r, out) = run(p.clone(), true);
        let e = r.unwrap_err();
        assert_eq!(e.exit_code(), 1);
        assert!(e.to_string().contains("row 2, column 'calculation'"), "{e}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["valid"], false);
        let err = &v["errors"][0];
        assert_eq!(
            (
                err["sheet"].as_str(),
                err["row"].as_u64(),
                err["column"].as_str()
            ),
            (Some("survey"), Some(2), Some("calculation"))
        );
        let (r, text) = run(p, false);
        assert_eq!(r.unwrap_err().exit_code(), 1);
        assert!(text.contains("error: sheet 'survey', row 2"), "{text}");
    }

    #[test]
    fn unreadable_and_missing_files_exit_2() {
        let dir = std::env::temp_dir().join(format!("leernet-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("not-a-workbook.xlsx");
        std::fs::write(&p, b"hello").unwrap();
        let (r, _) = run(p.clone(), false);
        assert_eq!(r.unwrap_err().exit_code(), 2);
        let (r, _) = run(dir.join("missing.xlsx"), true);
        assert_eq!(r.unwrap_err().exit_code(), 2);
        std::fs::remove_dir_all(&dir).ok();
    }
}
