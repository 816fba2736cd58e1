//! The visitor's language: `?lang=en` (or `nl`) chooses and is remembered in a cookie;
//! otherwise the cookie; otherwise Dutch.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use leernet_core::Lang;
use std::convert::Infallible;

/// The language of this page, and whether the visitor just chose it (then a cookie is set).
#[derive(Debug, Clone, Copy)]
pub struct PageLang {
    pub lang: Lang,
    pub chosen_now: bool,
}

fn from_query(q: &str) -> Option<Lang> {
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| Lang::parse(v).ok())
}

fn from_cookie(parts: &Parts) -> Option<Lang> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| Lang::parse(v).ok())
}

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        if let Some(lang) = parts.uri.query().and_then(from_query) {
            return Ok(PageLang {
                lang,
                chosen_now: true,
            });
        }
        Ok(PageLang {
            lang: from_cookie(parts).unwrap_or(Lang::Nl),
            chosen_now: false,
        })
    }
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as people write it: "26 maart 2026" in Dutch, "26 March 2026" in English.
pub fn long_date(d: chrono::NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    let months = match lang {
        Lang::Nl => &MONTHS_NL,
        Lang::En => &MONTHS_EN,
    };
    let month = months[d.month0() as usize];
    format!("{} {month} {}", d.day(), d.year())
}

/// A stored `yyyy-mm-dd` date as [`long_date`] writes it; any other text as it is.
pub fn long_date_str(s: &str, lang: Lang) -> String {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| long_date(d, lang))
        .unwrap_or_else(|_| s.to_owned())
}

/// An instant (Unix seconds) as its date and time in Europe/Amsterdam, the way people write
/// it: "7 december 2026, 10:42".
pub fn local_date_time(unix: i64, lang: Lang) -> String {
    amsterdam(unix)
        .map(|l| format!("{}, {}", long_date(l.date(), lang), l.format("%H:%M")))
        .unwrap_or_default()
}

/// The date of an instant (Unix seconds) in Europe/Amsterdam, as [`long_date`] writes it.
pub fn local_date(unix: i64, lang: Lang) -> String {
    amsterdam(unix)
        .map(|l| long_date(l.date(), lang))
        .unwrap_or_default()
}

/// An instant (Unix seconds) as its local date and time in Europe/Amsterdam.
fn amsterdam(unix: i64) -> Option<chrono::NaiveDateTime> {
    chrono::DateTime::from_timestamp(unix, 0).map(crate::workspace::calendar::amsterdam_local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_people_write_them() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 3, 26).unwrap();
        assert_eq!(long_date(d, Lang::Nl), "26 maart 2026");
        assert_eq!(long_date(d, Lang::En), "26 March 2026");
        assert_eq!(long_date_str("2027-01-14", Lang::Nl), "14 januari 2027");
        assert_eq!(long_date_str("later", Lang::Nl), "later");
        // 09:42 UTC in December is 10:42 in Amsterdam; in July 11:42
        assert_eq!(
            local_date_time(1_796_636_537, Lang::Nl),
            "7 december 2026, 10:42"
        );
        assert_eq!(
            local_date_time(1_783_417_337, Lang::En),
            "7 July 2026, 11:42"
        );
        // 23:30 UTC on 31 December is already New Year's Day in Amsterdam
        assert_eq!(local_date(1_798_759_800, Lang::Nl), "1 januari 2027");
    }
}
