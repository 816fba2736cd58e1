//! Page cursors: opaque to the client, tamper-evident for the server.
//!
//! A cursor is `base64url(payload)` `.` `base64url(HMAC-SHA-256(key, payload))`, where the
//! payload names the query it continues (token account, study, instrument, filters) and the
//! last response id of the page before. A cursor whose bytes were changed, or one given
//! for another query, is refused (400), so a client cannot walk into rows its query would
//! not reach.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The longest cursor accepted (a real one is about 120 characters).
const MAX_LEN: usize = 512;

/// A cursor for the page after `after`, for the query `scope`.
pub fn sign(key: &[u8; 32], scope: &str, after: i64) -> String {
    let payload = format!("{scope}|{after}");
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(payload.as_bytes());
    let tag = mac.finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(payload.as_bytes()),
        URL_SAFE_NO_PAD.encode(tag)
    )
}

/// The response id after which the page starts, if `cursor` is one [`sign`] made with
/// `key` for `scope`; `None` for anything else.
pub fn open(key: &[u8; 32], scope: &str, cursor: &str) -> Option<i64> {
    if cursor.len() > MAX_LEN {
        return None;
    }
    let (payload, tag) = cursor.split_once('.')?;
    let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(&payload);
    mac.verify_slice(&tag).ok()?;
    let payload = String::from_utf8(payload).ok()?;
    let (s, after) = payload.rsplit_once('|')?;
    if s != scope {
        return None;
    }
    after.parse().ok().filter(|a: &i64| *a >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_opens_only_unchanged_and_for_its_own_query() {
        let key = [7u8; 32];
        let c = sign(&key, "q1", 42);
        assert_eq!(open(&key, "q1", &c), Some(42));
        assert_eq!(open(&key, "q2", &c), None, "another query");
        assert_eq!(open(&[8u8; 32], "q1", &c), None, "another key");
        let forged = sign(&[8u8; 32], "q1", 99);
        assert_eq!(open(&key, "q1", &forged), None);
        // every single changed character is noticed
        for i in 0..c.len() {
            let mut b = c.clone().into_bytes();
            b[i] = if b[i] == b'A' { b'B' } else { b'A' };
            let changed = String::from_utf8(b).unwrap();
            if changed != c {
                assert_eq!(open(&key, "q1", &changed), None, "changed at {i}");
            }
        }
        assert_eq!(open(&key, "q1", ""), None);
        assert_eq!(open(&key, "q1", &"A".repeat(600)), None);
    }
}
