//! Logging set-up for every command: a `tracing` subscriber on standard error, as readable
//! lines or, with `log.format = "json"`, one JSON object per line for log collectors.
//!
//! Why a JSON layer of our own: the few lines below give every event its level, target,
//! time, message and fields plus the fields of the spans it happened in (the web app's
//! request span carries `request_id`, `method` and `route`), without another dependency.
//! What may be logged at all is LOGGING.md's business: ids, counts, routes, statuses, never
//! answers, names, e-mail addresses or tokens.
//!
//! Every line's time comes from the clock `main` made (`leernet_core::clock`), in both
//! formats, so no part of leernet reads the system time but that one clock.

use crate::settings::{LogFormat, LogSection};
use leernet_core::SharedClock;
use serde_json::{Map, Value};
use std::io::Write;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Installs the subscriber for this process; every line is stamped with `clock`'s time.
pub fn init(log: &LogSection, clock: SharedClock) {
    let filter = EnvFilter::try_new(&log.filter).unwrap_or_else(|_| EnvFilter::new("warn"));
    let registry = tracing_subscriber::registry().with(filter);
    match log.format {
        LogFormat::Text => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_timer(ClockTime(clock))
                    .with_writer(std::io::stderr),
            )
            .init(),
        LogFormat::Json => registry.with(JsonLayer { clock }).init(),
    }
}

/// The text format's time: the clock's, written as the JSON lines write it.
struct ClockTime(SharedClock);

impl tracing_subscriber::fmt::time::FormatTime for ClockTime {
    fn format_time(&self, w: &mut tracing_subscriber::fmt::format::Writer<'_>) -> std::fmt::Result {
        w.write_str(&timestamp(self.0.since_epoch()))
    }
}

/// Fields of a span or event, as JSON.
#[derive(Default)]
struct Fields(Map<String, Value>);

impl Visit for Fields {
    fn record_str(&mut self, f: &Field, v: &str) {
        self.0.insert(f.name().into(), Value::from(v));
    }
    fn record_i64(&mut self, f: &Field, v: i64) {
        self.0.insert(f.name().into(), Value::from(v));
    }
    fn record_u64(&mut self, f: &Field, v: u64) {
        self.0.insert(f.name().into(), Value::from(v));
    }
    fn record_f64(&mut self, f: &Field, v: f64) {
        self.0.insert(f.name().into(), Value::from(v));
    }
    fn record_bool(&mut self, f: &Field, v: bool) {
        self.0.insert(f.name().into(), Value::from(v));
    }
    fn record_error(&mut self, f: &Field, v: &(dyn std::error::Error + 'static)) {
        self.0
            .insert(f.name().into(), Value::from(format!("{v:#}")));
    }
    fn record_debug(&mut self, f: &Field, v: &dyn std::fmt::Debug) {
        self.0
            .insert(f.name().into(), Value::from(format!("{v:?}")));
    }
}

/// Writes every event as one JSON line on standard error.
struct JsonLayer {
    clock: SharedClock,
}

impl<S> Layer<S> for JsonLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(fields) = span.extensions_mut().get_mut::<Fields>() {
                values.record(fields);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut line = Map::new();
        line.insert(
            "ts".into(),
            Value::from(timestamp(self.clock.since_epoch())),
        );
        line.insert(
            "level".into(),
            Value::from(event.metadata().level().as_str().to_ascii_lowercase()),
        );
        line.insert("target".into(), Value::from(event.metadata().target()));
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(fields) = span.extensions().get::<Fields>() {
                    for (k, v) in &fields.0 {
                        line.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        line.extend(fields.0);
        let mut text = Value::Object(line).to_string();
        text.push('\n');
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

/// A time since 1970 as RFC 3339 in UTC with milliseconds (`2026-11-28T20:15:03.042Z`).
fn timestamp(now: std::time::Duration) -> String {
    let secs = now.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use leernet_core::{Clock, FixedClock};

    #[test]
    fn timestamps_are_rfc3339_utc_from_the_clock() {
        let at = FixedClock::at_date(2024, 3, 5).unwrap().since_epoch()
            + std::time::Duration::from_millis(45_296_042);
        assert_eq!(super::timestamp(at), "2024-03-05T12:34:56.042Z");
        assert_eq!(
            super::timestamp(std::time::Duration::ZERO),
            "1970-01-01T00:00:00.000Z"
        );
    }
}
