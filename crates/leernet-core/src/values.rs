//! Validated values from outside: each has one constructor, `parse`, and an error that says
//! in one sentence what is wrong.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a value from outside was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("{0:?} is not a valid slug: use 1 to 64 lowercase letters, digits and dashes, not starting or ending with a dash")]
    Slug(String),
    #[error("{0:?} is not a valid e-mail address")]
    Email(String),
    #[error("{0:?} is not a valid invitation token")]
    Token(String),
    #[error("{0:?} is not a supported language: use \"nl\" or \"en\"")]
    Lang(String),
    #[error("{0:?} is not a role: use researcher, coordinator, facilitator or member")]
    Role(String),
    #[error("{0:?} is not a colour: use # and six hexadecimal digits, such as #1F77B4")]
    Colour(String),
}

/// Slugs no network may have: the paths of the workspace's own pages under `/ws/`.
pub const RESERVED_NETWORK_SLUGS: &[&str] = &[
    "methods", "export", "notify", "erase", "settings", "calendar",
];

/// A short identifier used in URLs and files: `[a-z0-9-]{1,64}`, no dash at either end.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// Validates a slug.
    pub fn parse(s: &str) -> Result<Slug, ValueError> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && !s.starts_with('-')
            && !s.ends_with('-')
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Slug(s.to_owned()))
        } else {
            Err(ValueError::Slug(s.to_owned()))
        }
    }

    /// Whether a network may not have this slug: the workspace's own pages sit beside
    /// the networks' (`/ws/methods` next to `/ws/{slug}`), so such a network could not be
    /// reached.
    pub fn reserved_for_networks(&self) -> bool {
        RESERVED_NETWORK_SLUGS.contains(&self.0.as_str())
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, trimmed and with a lower-cased domain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Validates an address: one `@`, a non-empty local part, a domain with a dot, no spaces,
    /// at most 254 characters. Deliverability is not checked.
    pub fn parse(s: &str) -> Result<Email, ValueError> {
        let t = s.trim();
        let err = || ValueError::Email(s.to_owned());
        if t.len() > 254 || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(err());
        }
        let (local, domain) = t.split_once('@').ok_or_else(err)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(err());
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An unguessable invitation token: 32 characters of lowercase base32 (160 bits).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InvitationToken(String);

const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

impl InvitationToken {
    /// Number of characters in a token.
    pub const LEN: usize = 32;

    /// Makes a token from 20 random bytes (the caller supplies the randomness, so this crate
    /// stays free of I/O).
    pub fn from_random(bytes: [u8; 20]) -> InvitationToken {
        let mut out = String::with_capacity(Self::LEN);
        let mut acc: u64 = 0;
        let mut bits = 0;
        for b in bytes {
            acc = (acc << 8) | u64::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(BASE32[((acc >> bits) & 31) as usize] as char);
            }
        }
        InvitationToken(out)
    }

    /// Validates a token as it arrives in a URL.
    pub fn parse(s: &str) -> Result<InvitationToken, ValueError> {
        if s.len() == Self::LEN && s.bytes().all(|b| BASE32.contains(&b)) {
            Ok(InvitationToken(s.to_owned()))
        } else {
            Err(ValueError::Token(s.chars().take(40).collect()))
        }
    }

    /// The token as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for InvitationToken {
    /// Tokens are secrets: debug output shows only their start.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InvitationToken({}…)", &self.0[..4])
    }
}

/// The languages leernet speaks: Dutch first, English fully.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Nederlands, the default.
    #[default]
    Nl,
    /// English.
    En,
}

impl Lang {
    /// Both languages, Dutch first.
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    /// Accepts `nl`, `en` and regional forms such as `nl-BE`, `en-GB` (any case).
    pub fn parse(s: &str) -> Result<Lang, ValueError> {
        let base = s.trim().split(['-', '_']).next().unwrap_or("");
        match base.to_ascii_lowercase().as_str() {
            "nl" => Ok(Lang::Nl),
            "en" => Ok(Lang::En),
            _ => Err(ValueError::Lang(s.to_owned())),
        }
    }

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }
}

/// What a person may do in leernet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Defines instruments, runs waves, codes, analyses, publishes.
    Researcher,
    /// Overview across networks, without personal data.
    Coordinator,
    /// Guides one or more networks; answers the network questionnaire.
    Facilitator,
    /// Member of a network.
    Member,
}

impl Role {
    /// Parses the role names of the command line and the store.
    pub fn parse(s: &str) -> Result<Role, ValueError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "researcher" => Ok(Role::Researcher),
            "coordinator" => Ok(Role::Coordinator),
            "facilitator" => Ok(Role::Facilitator),
            "member" => Ok(Role::Member),
            _ => Err(ValueError::Role(s.to_owned())),
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Researcher => "researcher",
            Role::Coordinator => "coordinator",
            Role::Facilitator => "facilitator",
            Role::Member => "member",
        }
    }
}

/// A code's colour as `#RRGGBB` (upper-case hex digits), the form REFI-QDA writes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Colour(String);

impl Colour {
    /// Validates a colour: `#` and six hexadecimal digits, either case, surrounding spaces
    /// ignored. Stored upper-case, so `#1f77b4` and `#1F77B4` are the same colour.
    pub fn parse(s: &str) -> Result<Colour, ValueError> {
        let t = s.trim();
        match t.strip_prefix('#') {
            Some(hex) if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Ok(Colour(format!("#{}", hex.to_ascii_uppercase())))
            }
            _ => Err(ValueError::Colour(s.chars().take(40).collect())),
        }
    }

    /// Reads a colour leniently, as other tools write it: `#RRGGBB`, `#RGB` (each digit
    /// doubled), or either without `#`; `None` for anything else.
    pub fn lenient(s: &str) -> Option<Colour> {
        let t = s.trim();
        let hex = t.strip_prefix('#').unwrap_or(t);
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        match hex.len() {
            6 => Colour::parse(&format!("#{hex}")).ok(),
            3 => {
                let long: String = hex.chars().flat_map(|c| [c, c]).collect();
                Colour::parse(&format!("#{long}")).ok()
            }
            _ => None,
        }
    }

    /// The colour as `#RRGGBB`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_conversions {
    ($($t:ident),*) => {$(
        impl TryFrom<String> for $t {
            type Error = ValueError;
            fn try_from(s: String) -> Result<Self, ValueError> {
                $t::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}
string_conversions!(Slug, Email, InvitationToken, Colour);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in ["a", "noordkust", "wp-2", "a-b-c"] {
            assert_eq!(Slug::parse(ok).unwrap().as_str(), ok);
        }
        for bad in ["", "-a", "a-", "A", "a b", "a_b", "ë", &"a".repeat(65)] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn colours() {
        assert_eq!(Colour::parse(" #1f77b4 ").unwrap().as_str(), "#1F77B4");
        for bad in [
            "",
            "#",
            "1F77B4",
            "#1F77B",
            "#1F77B4A",
            "#GGGGGG",
            "rgb(1,2,3)",
            "#FFF",
        ] {
            assert!(Colour::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(Colour::lenient("#abc").unwrap().as_str(), "#AABBCC");
        assert_eq!(Colour::lenient("1f77b4").unwrap().as_str(), "#1F77B4");
        assert!(Colour::lenient("rgb(1,2,3)").is_none());
        assert!(Colour::lenient("#1F77B4FF").is_none());
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Anna@Example.ORG ").unwrap().as_str(),
            "Anna@example.org"
        );
        for bad in [
            "", "a", "a@b", "@b.nl", "a b@c.nl", "a@.nl", "a@b..nl", "a@b.nl.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn tokens_round_trip_and_hide_in_debug() {
        let t = InvitationToken::from_random([0xA5; 20]);
        assert_eq!(t.as_str().len(), InvitationToken::LEN);
        assert_eq!(InvitationToken::parse(t.as_str()).unwrap(), t);
        assert!(!format!("{t:?}").contains(t.as_str()));
        assert!(InvitationToken::parse("short").is_err());
        assert!(InvitationToken::parse(&"1".repeat(32)).is_err());
        // Different randomness, different token.
        assert_ne!(InvitationToken::from_random([0; 20]), t);
    }

    #[test]
    fn languages_and_roles() {
        assert_eq!(Lang::parse("nl-BE").unwrap(), Lang::Nl);
        assert_eq!(Lang::parse("EN").unwrap(), Lang::En);
        assert!(Lang::parse("de").is_err());
        assert_eq!(Role::parse("Facilitator").unwrap(), Role::Facilitator);
        assert!(Role::parse("admin").is_err());
    }
}
