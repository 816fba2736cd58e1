//! Calendar arithmetic without dependencies: ISO dates, times and date-times as
//! XForms stores them, and conversions to and from day numbers.

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The date for a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Parses `YYYY-MM-DD` into a day number since 1970-01-01.
pub fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if !s.is_ascii() || b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = digits(&s[0..4])?;
    let m: u32 = digits(&s[5..7])? as u32;
    let d: u32 = digits(&s[8..10])? as u32;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `HH:MM[:SS[.fff]][Z|±HH:MM]` into seconds since midnight (time zone ignored)
/// and the zone offset in seconds, if given.
pub fn parse_time(s: &str) -> Option<(f64, Option<i64>)> {
    if !s.is_ascii() {
        return None;
    }
    let (body, tz) = split_zone(s)?;
    let parts: Vec<&str> = body.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let h = digits(parts[0])?;
    let m = digits(parts[1])?;
    if parts[0].len() != 2 || parts[1].len() != 2 || h > 24 || m > 59 {
        return None;
    }
    let mut sec = 0.0;
    if parts.len() == 3 {
        let p = parts[2];
        let (whole, frac) = p.split_once('.').unwrap_or((p, ""));
        if whole.len() != 2 || digits(whole)? > 60 {
            return None;
        }
        if !frac.is_empty() && digits(frac).is_none() {
            return None;
        }
        sec = p.parse::<f64>().ok()?;
    }
    Some(((h * 3600 + m * 60) as f64 + sec, tz))
}

fn split_zone(s: &str) -> Option<(&str, Option<i64>)> {
    if let Some(b) = s.strip_suffix('Z') {
        return Some((b, Some(0)));
    }
    if s.len() > 6 {
        let (b, z) = s.split_at(s.len() - 6);
        let zb = z.as_bytes();
        if (zb[0] == b'+' || zb[0] == b'-') && zb[3] == b':' {
            let h = digits(&z[1..3])?;
            let m = digits(&z[4..6])?;
            let off = (h * 3600 + m * 60) * if zb[0] == b'-' { -1 } else { 1 };
            return Some((b, Some(off)));
        }
    }
    Some((s, None))
}

/// Parses an ISO date-time (`YYYY-MM-DDTHH:MM[:SS[.fff]][zone]`) into fractional days
/// since 1970-01-01 UTC (local time when no zone is given).
pub fn parse_datetime(s: &str) -> Option<f64> {
    if !s.is_ascii() {
        return None;
    }
    let (d, t) = s.split_once('T').or_else(|| s.split_once(' '))?;
    let days = parse_date(d)?;
    let (secs, tz) = parse_time(t)?;
    Some(days as f64 + (secs - tz.unwrap_or(0) as f64) / 86400.0)
}

/// Formats a day number as `YYYY-MM-DD`.
pub fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// An Excel serial date (days since 1899-12-30) as ISO text: a date when whole, else a
/// date-time, or a time of day when below one.
pub fn excel_serial_to_iso(serial: f64) -> String {
    if !serial.is_finite() || serial.abs() > 1e8 {
        return serial.to_string();
    }
    let days = serial.floor() as i64;
    let secs = ((serial - serial.floor()) * 86400.0).round() as i64;
    let base = days_from_civil(1899, 12, 30);
    let time = format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    );
    if serial < 1.0 {
        time
    } else if secs == 0 {
        format_date(base + days)
    } else {
        format!("{}T{time}", format_date(base + days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for z in [-1000_i64, -1, 0, 1, 59, 60, 10_000, 20_000, 40_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("2024-02-29"), Some(days_from_civil(2024, 2, 29)));
        assert_eq!(excel_serial_to_iso(45292.0), "2024-01-01");
        assert!(parse_time("25:00").is_none());
        assert_eq!(parse_time("10:30").map(|t| t.0), Some(37800.0));
        assert_eq!(
            parse_time("10:30:00.000+01:00").map(|t| t.1),
            Some(Some(3600))
        );
        assert!(parse_datetime("2024-03-05T10:12:33.120+01:00").is_some());
        // never panics on text that is not ASCII
        for t in [
            "2024-€1-01",
            "10:00€€€€",
            "2024-01-01T10:00:00€€",
            "ééééé",
            "12:3é",
        ] {
            assert!(
                parse_date(t).is_none() && parse_time(t).is_none() && parse_datetime(t).is_none()
            );
        }
    }
}
