//! Request ids and one log line per request, for operators who run several instances behind
//! a load balancer and need to follow one request through the logs.
//!
//! Every request runs in a `request` span with `request_id`, `method` and `route`, so every
//! event logged while it is handled (an error chain, say) carries them; the response carries
//! the id as `X-Request-Id`. An id that the reverse proxy sent (`X-Request-Id`, up to 64
//! letters, digits, `-`, `_` or `.`) is kept, so proxy and app logs line up; otherwise a new
//! random one is made. After the response, one `info` event: status and duration.
//!
//! The route is the matched pattern (`/s/{token}`), never the path: a path may hold an
//! invitation token, and tokens are never logged (LOGGING.md).

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;
use std::time::Instant;
use tracing::Instrument;

/// The header that carries the request id, both ways.
pub const REQUEST_ID: &str = "x-request-id";

fn acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn new_id() -> String {
    let mut b = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// The middleware: span, id header, one line per request.
pub async fn request_span(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_owned)
        .unwrap_or_else(new_id);
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "(no route)".into());
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        route = %route
    );
    let start = Instant::now();
    let mut res = next.run(req).instrument(span.clone()).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    span.in_scope(|| {
        tracing::info!(
            status = res.status().as_u16(),
            ms = start.elapsed().as_secs_f64() * 1000.0,
            "request"
        )
    });
    res
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_plain_ids_from_outside_are_kept() {
        assert!(super::acceptable("a1b2-c3_d4.e5"));
        assert!(!super::acceptable(""));
        assert!(!super::acceptable("has space"));
        assert!(!super::acceptable("x\r\ninjected: 1"));
        assert!(!super::acceptable(&"a".repeat(65)));
        assert_eq!(super::new_id().len(), 24);
    }
}
