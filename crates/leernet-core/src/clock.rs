//! The one clock of leernet.
//!
//! Why this module exists: a figure, a retention decision or a form's `today()` must be
//! reproducible, and a test must be able to fix the date. So no code reads the system time
//! by itself: it receives a [`Clock`]. The one [`SystemClock`] is made at the edge — the
//! binary's `main` — and handed down (to the web app's state, the commands, the log lines);
//! tests hand down a [`FixedClock`].
//!
//! Invariant: [`SystemClock::since_epoch`] is the only place in leernet that reads the
//! system time (apart from durations measured with `Instant`, which are never shown as a
//! date).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Where the time comes from.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now, as the time since 1970-01-01 00:00 UTC (zero for a clock set before it).
    fn since_epoch(&self) -> Duration;

    /// Now, in whole Unix seconds (what the store is given).
    fn unix_seconds(&self) -> i64 {
        i64::try_from(self.since_epoch().as_secs()).unwrap_or(i64::MAX)
    }

    /// Now, as fractional days since 1970-01-01 UTC (what the XLSForm engine's `today()`
    /// and `now()` read).
    fn days_since_epoch(&self) -> f64 {
        self.since_epoch().as_secs_f64() / 86_400.0
    }
}

/// A clock that can be shared between threads and tasks.
pub type SharedClock = Arc<dyn Clock>;

/// The system's clock. Make it only at the edge (the binary's `main`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl SystemClock {
    /// The system clock, shared.
    pub fn shared() -> SharedClock {
        Arc::new(SystemClock)
    }
}

impl Clock for SystemClock {
    fn since_epoch(&self) -> Duration {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
    }
}

/// A clock that stands still at one moment (for tests and reproducible runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(Duration);

impl FixedClock {
    /// A clock at `secs` Unix seconds.
    pub fn at_unix_seconds(secs: u64) -> FixedClock {
        FixedClock(Duration::from_secs(secs))
    }

    /// A clock at midnight UTC of a calendar date, or `None` for a date that does not exist
    /// or lies before 1970.
    pub fn at_date(year: i32, month: u32, day: u32) -> Option<FixedClock> {
        let days = days_from_civil(year, month, day)?;
        let secs = u64::try_from(days).ok()?.checked_mul(86_400)?;
        Some(FixedClock::at_unix_seconds(secs))
    }

    /// This clock, shared.
    pub fn shared(self) -> SharedClock {
        Arc::new(self)
    }
}

impl Clock for FixedClock {
    fn since_epoch(&self) -> Duration {
        self.0
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`),
/// `None` for a month or day that does not exist.
fn days_from_civil(year: i32, month: u32, day: u32) -> Option<i64> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let len = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > len {
        return None;
    }
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_date_is_its_unix_day() {
        let c = FixedClock::at_date(2024, 3, 5).unwrap();
        assert_eq!(c.unix_seconds(), 1_709_596_800);
        assert_eq!(c.days_since_epoch(), 19_787.0);
        assert_eq!(FixedClock::at_date(1970, 1, 1).unwrap().unix_seconds(), 0);
        assert_eq!(
            FixedClock::at_date(2000, 2, 29).unwrap().unix_seconds(),
            951_782_400
        );
        assert!(FixedClock::at_date(2023, 2, 29).is_none());
        assert!(FixedClock::at_date(2023, 13, 1).is_none());
        assert!(FixedClock::at_date(1969, 12, 31).is_none());
    }
}
