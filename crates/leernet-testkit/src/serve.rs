//! The address `leernet serve` prints on its first line of standard output once it listens
//! (`… http://127.0.0.1:PORT/ …`), so that a test can start it on port 0.

use std::io::{BufRead, BufReader};
use std::process::Child;

/// Reads the first line `child` (started with a piped standard output) prints and returns
/// the address in it, `host:port` without `http://` and the trailing `/`. The standard output
/// is taken from `child`.
///
/// # Errors
/// The line that was printed instead (empty when the process ended first), with what it
/// wrote on standard error when that was piped too.
pub fn printed_address(child: &mut Child) -> Result<String, String> {
    let mut line = String::new();
    let stdout = child
        .stdout
        .take()
        .ok_or("the standard output of `leernet serve` is not piped")?;
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("reading what `leernet serve` printed: {e}"))?;
    if let Some(addr) = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
    {
        return Ok(addr.trim_end_matches('/').to_owned());
    }
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
    }
    Err(format!(
        "`leernet serve` did not print its address: {line}{err}"
    ))
}
