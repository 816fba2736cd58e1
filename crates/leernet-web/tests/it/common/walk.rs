//! Records the form bodies a respondent's browser (without script) sends to answer the whole
//! questionnaire behind one invitation with valid answers: one body per page, the last one
//! submitting. Replaying them for another invitation of the same wave answers it the same
//! way, which is what the load benchmark and the kill test do.
//!
//! Uses [`super::http`] and [`super::fill`]; the CSRF double-submit value is chosen by the
//! caller and sent as the `leernet_csrf` cookie.

use super::fill;
use super::http::Conn;

/// The cookie header for a double-submit CSRF value.
pub fn cookie(csrf: &str) -> String {
    format!("leernet_csrf={csrf}")
}

/// Walks `token`'s questionnaire to the end; returns the body of every page's POST.
pub fn record(addr: &str, token: &str, csrf: &str) -> std::io::Result<Vec<String>> {
    let mut c = Conn::connect(addr)?;
    let cookie = cookie(csrf);
    let url = format!("/s/{token}");
    let mut html = c.request("GET", &url, &[("Cookie", &cookie)], b"")?.text();
    let mut bodies = Vec::new();
    for _ in 0..100 {
        let last = html.contains("value=\"submit\"");
        let action = if last { "submit" } else { "next" };
        let body = fill::encode(&fill::fill(&html, action, &|_| None, &fill::shipped_number));
        let r = c.post_form(&url, &cookie, &body)?;
        match r.status {
            303 => {
                bodies.push(body);
                if last {
                    return Ok(bodies);
                }
                let next = r.header("location").unwrap_or(&url).to_owned();
                html = c.request("GET", &next, &[("Cookie", &cookie)], b"")?.text();
            }
            // More questions appeared on the page: fill it again (not recorded).
            200 => html = r.text(),
            s => {
                return Err(std::io::Error::other(format!(
                    "page refused with {s}: {}",
                    r.text().chars().take(2000).collect::<String>()
                )))
            }
        }
    }
    Err(std::io::Error::other("the questionnaire did not end"))
}
