//! GUIDs: one canonical form out, every common form in.

use uuid::Uuid;

/// leernet's namespace for name-based (v5) GUIDs.
const NAMESPACE: Uuid = Uuid::from_u128(0x6c65_6572_6e65_7400_8000_7265_6669_7164);

/// A stable GUID for a leernet thing, from its kind and stable key: lowercase, no braces.
pub fn stable(kind: &str, key: &str) -> String {
    Uuid::new_v5(&NAMESPACE, format!("{kind}\u{1f}{key}").as_bytes())
        .hyphenated()
        .to_string()
}

/// The canonical form of a GUID as read: trimmed, without braces, lowercase. Returns the
/// form and whether it differed from the input. Empty input gives `None`.
pub fn normalise(raw: &str) -> Option<(String, bool)> {
    let t = raw.trim();
    let t = t
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(t)
        .trim();
    if t.is_empty() {
        return None;
    }
    let n = t.to_ascii_lowercase();
    let changed = n != raw;
    Some((n, changed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_normal() {
        let a = stable("code", "theme.collaboration");
        assert_eq!(a, stable("code", "theme.collaboration"));
        assert_ne!(a, stable("code", "theme.other"));
        assert_eq!(a, a.to_lowercase());
        assert_eq!(a.len(), 36);
        assert_eq!(
            normalise("{0D62985D-B147-5D01-A9B5-CAE5DCD98342}"),
            Some(("0d62985d-b147-5d01-a9b5-cae5dcd98342".into(), true))
        );
        assert_eq!(normalise(" {} "), None);
    }
}
