//! RFC 3339 times in and out of the API (`updated_since`, `created_at`, …), on
//! `leernet-xlsform`'s calendar arithmetic (no date crate for two conversions).

use leernet_xlsform::dates::{civil_from_days, parse_date, parse_time};

/// The earliest time accepted (1970-01-01T00:00:00Z).
const EARLIEST: i64 = 0;
/// The latest time accepted (9999-12-31T23:59:59Z).
const LATEST: i64 = 253_402_300_799;

/// `at` (seconds since 1970, UTC) as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(at: i64) -> String {
    let days = at.div_euclid(86_400);
    let secs = at.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// An RFC 3339 date-time with its offset (`2026-03-01T09:30:00Z`,
/// `2026-03-01T10:30:00+01:00`, fractions of a second allowed and dropped) as seconds since
/// 1970 UTC; `None` for anything else, a time without an offset, or one outside
/// 1970–9999.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    if s.len() > 64 || !s.is_ascii() {
        return None;
    }
    let (date, time) = s.split_once(['T', 't'])?;
    if date.len() != 10 {
        return None;
    }
    let days = parse_date(date)?;
    let (secs, zone) = parse_time(time)?;
    let zone = zone?;
    // RFC 3339 wants seconds; `parse_time` allows a time without them.
    if time.as_bytes().get(5) != Some(&b':') || !(0.0..86_401.0).contains(&secs) {
        return None;
    }
    let at = days
        .checked_mul(86_400)?
        .checked_add(secs.floor() as i64)?
        .checked_sub(zone)?;
    (EARLIEST..=LATEST).contains(&at).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_go_out_and_come_back() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_772_323_200), "2026-03-01T00:00:00Z");
        for at in [0, 1_772_323_200, 951_782_400, 1_796_499_609] {
            assert_eq!(parse_rfc3339(&rfc3339(at)), Some(at));
        }
        assert_eq!(
            parse_rfc3339("2026-03-01T01:00:00+01:00"),
            Some(1_772_323_200)
        );
        assert_eq!(
            parse_rfc3339("2026-03-01T00:00:00.999Z"),
            Some(1_772_323_200)
        );
        assert_eq!(
            parse_rfc3339("2026-02-28T19:00:00-05:00"),
            Some(1_772_323_200)
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "2026-03-01",
            "2026-03-01T00:00:00",
            "2026-03-01T00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "10000-01-01T00:00:00Z",
            "2026-03-01T25:00:00Z",
            "yesterday",
            "2026-03-01T00:00:00Z and more",
            "２０２６-03-01T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        assert_eq!(parse_rfc3339(&"9".repeat(100)), None);
    }
}
