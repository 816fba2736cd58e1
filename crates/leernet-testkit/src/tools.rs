//! Outside programs that tests compare leernet with. The rule, the same everywhere: under
//! `CI` a missing program fails the test (CI installs every one of them, see `.ci/run`);
//! elsewhere the test prints `SKIPPED: …` with what is missing and goes on without that part.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// Whether the tests run under CI (the `CI` variable is set).
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Says that `what` is missing because of `why`: panics under `CI`, otherwise prints
/// `SKIPPED: …` on standard error. For a program found some other way than with the
/// functions of this module.
///
/// # Panics
/// When `CI` is set.
pub fn missing(what: &str, why: &str) {
    if in_ci() {
        panic!("CI is set but {what} is not available: {why}");
    }
    eprintln!("SKIPPED: {what} is not available ({why}); this part of the test is not run");
}

/// `found`, after calling [`missing`] when it is false: `if need("PSPP", found) { … }`.
///
/// # Panics
/// When `found` is false and `CI` is set.
pub fn need(what: &str, found: bool) -> bool {
    if !found {
        missing(what, "not found on this machine");
    }
    found
}

/// The first of `candidates` (names on `PATH` or paths) that runs with `--version` (or
/// `version_arg`, e.g. `-V`), or `None` after [`missing`].
///
/// # Panics
/// When none runs and `CI` is set.
pub fn program(what: &str, candidates: &[&str], version_arg: &str) -> Option<String> {
    for c in candidates {
        if Command::new(c)
            .arg(version_arg)
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some((*c).to_owned());
        }
    }
    missing(what, &format!("none of {candidates:?} runs"));
    None
}

/// The path given in the environment variable `var`, or the first of `candidates` that
/// exists, or `None` after [`missing`].
///
/// # Panics
/// When none is found and `CI` is set.
pub fn file(what: &str, var: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(var) {
        return Some(PathBuf::from(p));
    }
    let found = candidates.iter().map(PathBuf::from).find(|p| p.exists());
    if found.is_none() {
        missing(what, &format!("set {var} or install one of {candidates:?}"));
    }
    found
}

/// The Python of the reference implementations that `tools/pyenv.sh` makes (once per test
/// binary), or why there is none.
pub fn python_or_reason() -> Result<PathBuf, String> {
    static PY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PY.get_or_init(|| {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools/pyenv.sh");
        let o = Command::new("bash")
            .arg(&script)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if !o.status.success() {
            return Err(format!(
                "{} failed: {}",
                script.display(),
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        let p = String::from_utf8_lossy(&o.stdout)
            .lines()
            .last()
            .unwrap_or("")
            .trim()
            .to_owned();
        if p.is_empty() || !std::path::Path::new(&p).exists() {
            return Err(format!("{} printed no python path", script.display()));
        }
        Ok(PathBuf::from(p))
    })
    .clone()
}

/// The Python of the reference implementations (see [`python_or_reason`]), or `None` after
/// [`missing`].
///
/// # Panics
/// When there is none and `CI` is set.
pub fn python() -> Option<PathBuf> {
    match python_or_reason() {
        Ok(p) => Some(p),
        Err(why) => {
            missing("the Python references (tools/pyenv.sh)", &why);
            None
        }
    }
}

/// The Python of `tools/api-requirements.txt`'s environment (openapi-spec-validator and
/// schemathesis, made by `tools/pyenv.sh`), or why there is none.
pub fn api_python_or_reason() -> Result<PathBuf, String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools/pyenv.sh");
    let req = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools/api-requirements.txt");
    let o = Command::new("bash")
        .arg(&script)
        .arg(&req)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr).trim().to_owned());
    }
    let p = String::from_utf8_lossy(&o.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .trim()
        .to_owned();
    if p.is_empty() || !std::path::Path::new(&p).exists() {
        return Err("tools/pyenv.sh printed no python path".into());
    }
    Ok(PathBuf::from(p))
}

/// Runs schemathesis (of the environment `python` belongs to) against the OpenAPI document
/// at `url` with `token`: at most `max_examples` generated requests per operation, a fixed
/// seed, one worker; the checks are that no answer is a server error, every status code is
/// one the document lists, and every body and media type matches it. Returns its output;
/// `Err` (with the output) when it found a problem or tested nothing.
pub fn schemathesis(
    python: &std::path::Path,
    url: &str,
    token: &str,
    max_examples: u32,
    report_dir: &std::path::Path,
) -> Result<String, String> {
    let st = python
        .parent()
        .map(|d| d.join("schemathesis"))
        .ok_or("no schemathesis beside the python")?;
    let o = Command::new(&st)
        .arg("run")
        .arg(url)
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance",
            "--max-examples",
            &max_examples.to_string(),
            "--seed",
            "20260301",
            "--workers",
            "1",
            "--phases",
            "examples,coverage,fuzzing",
            "--no-color",
            "--suppress-health-check",
            "all",
        ])
        .args(["--generation-database", "none"])
        .arg("--report-dir")
        .arg(report_dir)
        .current_dir(report_dir.parent().unwrap_or(report_dir))
        .env("SCHEMATHESIS_HOOKS", "")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", st.display()))?;
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    if std::env::var_os("LEERNET_SHOW_SCHEMATHESIS").is_some() {
        eprintln!("{out}");
    }
    if !o.status.success() || !out.contains("passed") {
        return Err(format!("{out}\n{}", String::from_utf8_lossy(&o.stderr)));
    }
    Ok(out)
}
