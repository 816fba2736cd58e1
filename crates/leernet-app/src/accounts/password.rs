//! What a new password must be, wherever one is set (today `leernet user add`; the web app
//! only checks passwords at the login and sets none), so that every way in refuses the same
//! passwords for the same reasons.
//!
//! A new password is refused when it is blank or only whitespace, shorter than
//! [`MIN_CHARS`] characters once the whitespace around it is trimmed, longer than
//! [`MAX_BYTES`], or in the list of common passwords (`data/common-passwords.txt`, its
//! source and licence noted there), compared case-insensitively after trimming. The password
//! itself is stored (hashed) as it was typed.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The fewest characters of a new password, not counting whitespace around it.
pub const MIN_CHARS: usize = 10;
/// The most bytes of a password (argon2 hashes anything, but a megabyte is not a password).
pub const MAX_BYTES: usize = 1024;

/// The common passwords, one a line; `#` starts a comment line.
const COMMON: &str = include_str!("../../data/common-passwords.txt");

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    /// Empty, or only whitespace.
    Blank,
    /// Fewer than [`MIN_CHARS`] characters once trimmed.
    TooShort,
    /// More than [`MAX_BYTES`] bytes.
    TooLong,
    /// In the list of common passwords.
    Common,
}

impl Weakness {
    /// The catalogue key of the explanation (`locales/*.toml`, `[password]`); `{min}` and
    /// `{max}` in it stand for [`MIN_CHARS`] and [`MAX_BYTES`] (see [`Weakness::explain`]).
    pub fn key(self) -> &'static str {
        match self {
            Weakness::Blank => "password.blank",
            Weakness::TooShort => "password.too_short",
            Weakness::TooLong => "password.too_long",
            Weakness::Common => "password.common",
        }
    }

    /// The explanation in `lang`, from the catalogue.
    pub fn explain(
        self,
        catalog: &leernet_core::i18n::Catalog,
        lang: leernet_core::Lang,
    ) -> String {
        catalog
            .t(lang, self.key())
            .replace("{min}", &MIN_CHARS.to_string())
            .replace("{max}", &MAX_BYTES.to_string())
    }
}

/// The list, trimmed and in lower case.
fn common() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// Whether `password` may be set as someone's new password.
pub fn check_new_password(password: &str) -> Result<(), Weakness> {
    let trimmed = password.trim();
    if trimmed.is_empty() {
        return Err(Weakness::Blank);
    }
    if password.len() > MAX_BYTES {
        return Err(Weakness::TooLong);
    }
    if trimmed.chars().count() < MIN_CHARS {
        return Err(Weakness::TooShort);
    }
    if common().contains(&trimmed.to_lowercase()) {
        return Err(Weakness::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_short_long_and_common_passwords_are_refused() {
        assert_eq!(check_new_password(""), Err(Weakness::Blank));
        assert_eq!(check_new_password(&" ".repeat(10)), Err(Weakness::Blank));
        assert_eq!(
            check_new_password("\t \u{a0}\u{3000}\n"),
            Err(Weakness::Blank)
        );
        assert_eq!(check_new_password("   kort   "), Err(Weakness::TooShort));
        assert_eq!(
            check_new_password(&"x".repeat(1025)),
            Err(Weakness::TooLong)
        );
        for common in [
            "1234567890",
            "QwertyUiop",
            "  basketball ",
            "Wachtwoord123",
            "wachtwoord",
        ] {
            assert_eq!(
                check_new_password(common),
                Err(Weakness::Common),
                "{common}"
            );
        }
        assert_eq!(check_new_password("een lang genoeg wachtwoord"), Ok(()));
        assert_eq!(check_new_password("correct horse battery staple"), Ok(()));
    }

    #[test]
    fn the_list_is_small_and_every_entry_is_refused() {
        let n = common().len();
        assert!((3000..=5000).contains(&n), "{n} entries");
        assert!(common().contains("123456") && common().contains("wachtwoord1"));
        for p in common() {
            assert!(check_new_password(p).is_err(), "{p}");
        }
    }

    #[test]
    fn every_weakness_is_explained_in_both_languages() {
        let catalog = leernet_report::catalog();
        for w in [
            Weakness::Blank,
            Weakness::TooShort,
            Weakness::TooLong,
            Weakness::Common,
        ] {
            assert!(catalog.has(w.key()), "{}", w.key());
            for lang in [leernet_core::Lang::Nl, leernet_core::Lang::En] {
                let text = w.explain(&catalog, lang);
                assert!(!text.contains('{'), "{text}");
            }
        }
        assert!(Weakness::TooShort
            .explain(&catalog, leernet_core::Lang::Nl)
            .contains("10"));
    }
}
