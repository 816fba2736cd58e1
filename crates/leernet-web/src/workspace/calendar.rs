//! The workspace's sessions in a calendar (RFC 5545, written with the `icalendar` crate): an
//! `.ics` file per session (`GET /ws/{slug}/sessions/{id}/calendar.ics`) and a private feed
//! per person (`GET /ws/calendar/{secret}.ics`, made, renewed and revoked on `/ws/settings`).
//!
//! Invariants:
//! - a session's UID stays the same for its life; every change after planning raises its
//!   SEQUENCE (the store does), so a calendar replaces the event it has; a cancelled session
//!   is `STATUS:CANCELLED` (and its own file `METHOD:CANCEL`);
//! - times are stored as local wall-clock times in Europe/Amsterdam and written as UTC
//!   (`…Z`), so no calendar needs a VTIMEZONE; a session without a start time is a whole
//!   day (`VALUE=DATE`);
//! - the feed's secret is kept only as its SHA-256; a wrong or revoked secret is a 404, as if
//!   the address did not exist; the feed holds the sessions of the person's own networks only;
//! - DTSTAMP is the app's clock: with a fixed clock the same sessions give the same bytes.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use leernet_core::Network;
use leernet_store::workspace::WsSession;

/// The UTC offset of Europe/Amsterdam (hours) at a UTC instant: +2 from 01:00 UTC on the
/// last Sunday of March to 01:00 UTC on the last Sunday of October (the EU's summer-time
/// rule, in force since 1996), +1 otherwise.
fn amsterdam_offset(utc: NaiveDateTime) -> i64 {
    let year = utc.year();
    let last_sunday = |month: u32| -> Option<NaiveDateTime> {
        let last = NaiveDate::from_ymd_opt(year, month, 31)?;
        let back = i64::from(last.weekday().num_days_from_sunday());
        (last - Duration::days(back)).and_hms_opt(1, 0, 0)
    };
    match (last_sunday(3), last_sunday(10)) {
        (Some(start), Some(end)) if utc >= start && utc < end => 2,
        _ => 1,
    }
}

/// A local date and time in Europe/Amsterdam as UTC; `None` for what is no date or time.
pub fn amsterdam_to_utc(date: &str, time: &str) -> Option<DateTime<Utc>> {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let t = NaiveTime::parse_from_str(time, "%H:%M").ok()?;
    let local = d.and_time(t);
    // Winter time first; if that instant lies in summer time, the offset is one more hour.
    let winter = local - Duration::hours(1);
    let utc = local - Duration::hours(amsterdam_offset(winter));
    Some(DateTime::from_naive_utc_and_offset(utc, Utc))
}

/// A UTC instant as the local date and time in Europe/Amsterdam.
pub fn amsterdam_local(utc: DateTime<Utc>) -> NaiveDateTime {
    let u = utc.naive_utc();
    u + Duration::hours(amsterdam_offset(u))
}

/// What the calendar text of a session says, in the reader's language.
pub struct EventText {
    pub summary: String,
    pub description: String,
    /// The session's page, when the app knows its public address.
    pub page: Option<String>,
}

/// The stable UID of a session: its id, its network and the study's base path.
fn uid(s: &WsSession, net: &Network, base: &str) -> String {
    let study = base.trim_matches('/').replace('/', ".");
    let study = if study.is_empty() {
        "leernet".to_owned()
    } else {
        study
    };
    format!(
        "ws-session-{}.{}@{study}.leernet",
        s.id.0,
        net.slug.as_str()
    )
}

/// One session as a VEVENT.
pub fn event(s: &WsSession, net: &Network, base: &str, text: &EventText, now: i64) -> Event {
    let mut e = Event::new();
    e.uid(&uid(s, net, base))
        .timestamp(DateTime::from_timestamp(now, 0).unwrap_or_default())
        .sequence(u32::try_from(s.sequence).unwrap_or(u32::MAX))
        .summary(&text.summary)
        .status(if s.cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    match amsterdam_to_utc(&s.date, &s.start) {
        Some(start) => {
            e.starts(start);
            if let Some(end) = amsterdam_to_utc(&s.date, &s.end) {
                e.ends(end);
            }
        }
        None => {
            if let Ok(d) = NaiveDate::parse_from_str(&s.date, "%Y-%m-%d") {
                // A whole day: DTEND is the next day (RFC 5545, 3.6.1).
                e.starts(d);
                e.ends(d + Duration::days(1));
            }
        }
    }
    if !s.place.is_empty() {
        e.location(&s.place);
    } else if !s.link.is_empty() {
        e.location(&s.link);
    }
    if !s.link.is_empty() {
        e.url(&s.link);
    } else if let Some(p) = &text.page {
        e.url(p);
    }
    if !text.description.is_empty() {
        e.description(&text.description);
    }
    e.done()
}

/// A calendar of `events`: `METHOD:CANCEL` when `cancel`, `PUBLISH` otherwise.
pub fn calendar(name: &str, events: Vec<Event>, cancel: bool) -> String {
    let mut c = Calendar::empty();
    c.append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//leernet//Netwerkruimte//NL"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", if cancel { "CANCEL" } else { "PUBLISH" }))
        .name(name);
    for e in events {
        c.push(e);
    }
    c.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amsterdam_times_become_utc_in_winter_and_summer() {
        let t = |d: &str, h: &str| amsterdam_to_utc(d, h).unwrap().to_rfc3339();
        assert_eq!(t("2027-01-15", "19:30"), "2027-01-15T18:30:00+00:00");
        assert_eq!(t("2026-06-18", "19:30"), "2026-06-18T17:30:00+00:00");
        // 2026: summer time from Sunday 29 March to Sunday 25 October.
        assert_eq!(t("2026-03-28", "12:00"), "2026-03-28T11:00:00+00:00");
        assert_eq!(t("2026-03-29", "12:00"), "2026-03-29T10:00:00+00:00");
        assert_eq!(t("2026-10-24", "12:00"), "2026-10-24T10:00:00+00:00");
        assert_eq!(t("2026-10-25", "12:00"), "2026-10-25T11:00:00+00:00");
        assert!(amsterdam_to_utc("2026-02-30", "10:00").is_none());
        let back = |d: &str, h: &str| {
            amsterdam_local(amsterdam_to_utc(d, h).unwrap())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        };
        assert_eq!(back("2026-06-18", "23:30"), "2026-06-18 23:30");
        assert_eq!(back("2027-01-01", "00:15"), "2027-01-01 00:15");
        assert!(amsterdam_to_utc("2026-02-03", "").is_none());
    }
}
