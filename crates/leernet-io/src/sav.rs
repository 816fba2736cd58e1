//! SPSS system files (`.sav`), written from PSPP's description of the format ("System
//! File Format" in the PSPP developers' guide): uncompressed, little-endian, UTF-8.
//!
//! Written records: the file header; one variable record per 8-byte unit (strings wider
//! than 8 bytes take continuation records, strings wider than 255 bytes are "very long"
//! and split into segments of 255 bytes, one for every 252 bytes of width); value labels
//! (record types 3 and 4); the machine integer (7/3) and floating-point (7/4) records;
//! display parameters with the measurement level (7/11); long variable names (7/13);
//! very long strings (7/14); the character encoding `UTF-8` (7/20); the dictionary end
//! (999); then the cases.
//!
//! Dates: a date or date-time variable (`date`, `dateTime`, `start`, `end`, `today`) whose
//! every value is an ISO date (`2026-03-31`) or date-time (`2026-03-31T14:30:00.000+02:00`)
//! is written as an SPSS date: a number, seconds since 1582-10-14, with the format `DATE11`
//! (dates) or `DATETIME20` (when any value has a time). A date-time keeps its wall-clock time
//! as written; the zone offset is dropped (SPSS dates have no zone). A variable with any other
//! value stays text, whole.
//!
//! Deterministic: the header's creation date and time are fixed (`01 Jan 70`,
//! `00:00:00`), so the same dataset gives the same bytes.

use std::collections::HashSet;

use crate::dataset::{Cell, Dataset, Measure, VarType};
use leernet_xlsform::dates;

const SYSMIS: f64 = -f64::MAX;

/// How a date variable is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    /// `DATE11`: `31-MAR-2026`.
    Date,
    /// `DATETIME20`: `31-MAR-2026 14:30:00`.
    DateTime,
}

/// An ISO date or date-time as SPSS time (seconds since 1582-10-14 00:00:00), and whether
/// it had a time of day. The wall-clock time is kept; a zone offset is dropped.
fn spss_time(s: &str) -> Option<(f64, bool)> {
    let s = s.trim();
    let (d, t) = match s.split_once('T').or_else(|| s.split_once(' ')) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let days = dates::parse_date(d)? - dates::days_from_civil(1582, 10, 14);
    let secs = match t {
        Some(t) => dates::parse_time(t)?.0,
        None => 0.0,
    };
    Some((days as f64 * 86400.0 + secs, t.is_some()))
}

/// Whether variable `i` is written as an SPSS date: a date variable whose every value is
/// an ISO date or date-time.
fn when_of(ds: &Dataset, i: usize) -> Option<When> {
    let v = &ds.variables[i];
    if !v.is_datetime || !matches!(v.var_type, VarType::Text { .. }) {
        return None;
    }
    let mut time = false;
    for row in &ds.rows {
        if let Some(Cell::Text(t)) = row.get(i) {
            if !t.trim().is_empty() {
                time |= spss_time(t)?.1;
            }
        }
    }
    Some(if time { When::DateTime } else { When::Date })
}

struct Segment {
    short: String,
    width: usize, // 0 = numeric
}

impl Segment {
    fn units(&self) -> usize {
        if self.width == 0 {
            1
        } else {
            self.width.div_ceil(8)
        }
    }
}

fn cut(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn short_name(long: &str, taken: &mut HashSet<String>) -> String {
    let mut base: String = long
        .chars()
        .map(|c| {
            let c = c.to_ascii_uppercase();
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base.insert(0, 'V');
    }
    let first: String = base.chars().take(8).collect();
    if taken.insert(first.clone()) {
        return first;
    }
    for k in 1.. {
        let suffix = k.to_string();
        let keep = 8 - suffix.len().min(7);
        let cand = format!("{}{suffix}", &base[..keep.min(base.len())]);
        if taken.insert(cand.clone()) {
            return cand;
        }
    }
    unreachable!("the loop returns")
}

struct Out(Vec<u8>);

impl Out {
    fn i32(&mut self, v: i32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn padded(&mut self, s: &[u8], len: usize, pad: u8) {
        let n = s.len().min(len);
        self.0.extend_from_slice(&s[..n]);
        self.0.extend(std::iter::repeat_n(pad, len - n));
    }
}

/// The most bytes a string variable may hold.
pub const MAX_WIDTH: usize = 32767;

fn segments_of(width: usize) -> Vec<usize> {
    if width <= 255 {
        return vec![width];
    }
    let n = width.div_ceil(252);
    let mut v = vec![255; n - 1];
    v.push(width - (n - 1) * 252);
    v
}

fn format_spec(seg_width: usize, var_type: VarType, when: Option<When>) -> i32 {
    match when {
        Some(When::Date) => return (20 << 16) | (11 << 8),
        Some(When::DateTime) => return (22 << 16) | (20 << 8),
        None => {}
    }
    match var_type {
        VarType::Numeric { decimals } => {
            let d = decimals as i32;
            let w = if d > 0 { 8 + d + 1 } else { 8 };
            (5 << 16) | (w << 8) | d
        }
        VarType::Text { .. } => (1 << 16) | ((seg_width as i32) << 8),
    }
}

/// Writes a dataset as an SPSS system file.
pub fn write(ds: &Dataset, file_label: &str) -> Vec<u8> {
    let mut taken = HashSet::new();
    let whens: Vec<Option<When>> = (0..ds.variables.len()).map(|i| when_of(ds, i)).collect();
    // segments per variable
    let mut segs: Vec<Vec<Segment>> = Vec::new();
    for (v, when) in ds.variables.iter().zip(&whens) {
        let widths = match (v.var_type, when) {
            (_, Some(_)) | (VarType::Numeric { .. }, None) => vec![0],
            (VarType::Text { width }, None) => segments_of(width.clamp(1, MAX_WIDTH)),
        };
        let first = short_name(&v.name, &mut taken);
        let mut s = vec![Segment {
            short: first.clone(),
            width: widths[0],
        }];
        for (k, w) in widths.iter().enumerate().skip(1) {
            let stem: String = first.chars().take(5).collect();
            s.push(Segment {
                short: short_name(&format!("{stem}{k}"), &mut taken),
                width: *w,
            });
        }
        segs.push(s);
    }
    let case_units: usize = segs.iter().flatten().map(Segment::units).sum();

    let mut o = Out(Vec::new());
    // file header
    o.0.extend_from_slice(b"$FL2");
    o.padded(b"@(#) SPSS DATA FILE leernet", 60, b' ');
    o.i32(2); // layout code
    o.i32(case_units as i32);
    o.i32(0); // not compressed
    o.i32(0); // not weighted
    o.i32(ds.rows.len() as i32);
    o.f64(100.0);
    o.0.extend_from_slice(b"01 Jan 70");
    o.0.extend_from_slice(b"00:00:00");
    o.padded(cut(file_label, 64).as_bytes(), 64, b' ');
    o.0.extend_from_slice(&[0, 0, 0]);

    // variable records
    let mut index = Vec::new(); // 1-based dictionary index of each variable
    let mut at = 1;
    for ((v, ss), when) in ds.variables.iter().zip(&segs).zip(&whens) {
        index.push(at);
        for (k, s) in ss.iter().enumerate() {
            let label = (k == 0 && !v.label.is_empty()).then(|| cut(&v.label, 255));
            let missing: Vec<f64> = if k == 0 && s.width == 0 {
                v.missing.iter().take(3).map(|m| m.0).collect()
            } else {
                Vec::new()
            };
            o.i32(2);
            o.i32(s.width as i32);
            o.i32(label.is_some() as i32);
            o.i32(missing.len() as i32);
            let f = format_spec(s.width, v.var_type, *when);
            o.i32(f);
            o.i32(f);
            o.padded(s.short.as_bytes(), 8, b' ');
            if let Some(l) = label {
                o.i32(l.len() as i32);
                o.padded(l.as_bytes(), l.len().div_ceil(4) * 4, b' ');
            }
            for m in missing {
                o.f64(m);
            }
            for _ in 1..s.units() {
                o.i32(2);
                o.i32(-1);
                o.i32(0);
                o.i32(0);
                o.i32(0);
                o.i32(0);
                o.padded(b"", 8, b' ');
            }
            at += s.units();
        }
    }

    // value labels (numeric variables)
    for (i, v) in ds.variables.iter().enumerate() {
        if v.value_labels.is_empty() || !matches!(v.var_type, VarType::Numeric { .. }) {
            continue;
        }
        o.i32(3);
        o.i32(v.value_labels.len() as i32);
        for (code, label) in &v.value_labels {
            let l = cut(label, 255).as_bytes();
            o.f64(*code);
            o.0.push(l.len() as u8);
            o.padded(l, (l.len() + 1).div_ceil(8) * 8 - 1, b' ');
        }
        o.i32(4);
        o.i32(1);
        o.i32(index[i] as i32);
    }

    // machine integer info
    o.i32(7);
    o.i32(3);
    o.i32(4);
    o.i32(8);
    for v in [1, 0, 0, -1, 1, 1, 2, 65001] {
        o.i32(v);
    }
    // machine floating-point info
    o.i32(7);
    o.i32(4);
    o.i32(8);
    o.i32(3);
    o.f64(SYSMIS);
    o.f64(f64::MAX);
    o.0.extend_from_slice(&0xffef_ffff_ffff_fffe_u64.to_le_bytes());
    // display parameters: one set per segment
    let nsegs: usize = segs.iter().map(Vec::len).sum();
    o.i32(7);
    o.i32(11);
    o.i32(4);
    o.i32((nsegs * 3) as i32);
    for ((v, ss), when) in ds.variables.iter().zip(&segs).zip(&whens) {
        for s in ss {
            o.i32(match v.measure {
                Measure::Nominal => 1,
                Measure::Ordinal => 2,
                Measure::Scale => 3,
            });
            o.i32(if s.width == 0 {
                match when {
                    Some(When::Date) => 11,
                    Some(When::DateTime) => 20,
                    None => 8,
                }
            } else {
                s.width.clamp(1, 40) as i32
            });
            o.i32(if s.width == 0 { 1 } else { 0 });
        }
    }
    // long variable names
    let names = ds
        .variables
        .iter()
        .zip(&segs)
        .map(|(v, ss)| format!("{}={}", ss[0].short, v.name))
        .collect::<Vec<_>>()
        .join("\t");
    o.i32(7);
    o.i32(13);
    o.i32(1);
    o.i32(names.len() as i32);
    o.0.extend_from_slice(names.as_bytes());
    // very long strings
    let mut vls = Vec::new();
    for ((v, ss), when) in ds.variables.iter().zip(&segs).zip(&whens) {
        if when.is_some() {
            continue;
        }
        if let VarType::Text { width } = v.var_type {
            if ss.len() > 1 {
                vls.extend_from_slice(
                    format!("{}={:05}", ss[0].short, width.min(MAX_WIDTH)).as_bytes(),
                );
                vls.extend_from_slice(b"\0\t");
            }
        }
    }
    if !vls.is_empty() {
        o.i32(7);
        o.i32(14);
        o.i32(1);
        o.i32(vls.len() as i32);
        o.0.extend_from_slice(&vls);
    }
    // character encoding
    o.i32(7);
    o.i32(20);
    o.i32(1);
    o.i32(5);
    o.0.extend_from_slice(b"UTF-8");
    // end of dictionary
    o.i32(999);
    o.i32(0);

    // cases
    for row in &ds.rows {
        for (((cell, v), ss), when) in row.iter().zip(&ds.variables).zip(&segs).zip(&whens) {
            if when.is_some() {
                o.f64(match cell {
                    Cell::Text(t) => spss_time(t).map_or(SYSMIS, |x| x.0),
                    _ => SYSMIS,
                });
                continue;
            }
            match v.var_type {
                VarType::Numeric { .. } => o.f64(match cell {
                    Cell::Num(x) if x.is_finite() => *x,
                    _ => SYSMIS,
                }),
                VarType::Text { .. } => {
                    let text = match cell {
                        Cell::Text(t) => cut(t, MAX_WIDTH).as_bytes(),
                        _ => b"",
                    };
                    for (k, s) in ss.iter().enumerate() {
                        let from = (k * 255).min(text.len());
                        let to = ((k + 1) * 255).min(text.len());
                        o.padded(&text[from..to], s.units() * 8, b' ');
                    }
                }
            }
        }
    }
    o.0
}

#[cfg(test)]
mod tests {
    use super::spss_time;

    #[test]
    fn iso_dates_become_seconds_since_the_gregorian_calendar() {
        assert_eq!(spss_time("1582-10-14"), Some((0.0, false)));
        assert_eq!(spss_time("1582-10-15"), Some((86400.0, false)));
        // 2026-03-31 is 161,971 days after 1582-10-14.
        assert_eq!(spss_time("2026-03-31"), Some((161_971.0 * 86400.0, false)));
        assert_eq!(
            spss_time("2026-03-31T14:30:15.000+02:00"),
            Some((161_971.0 * 86400.0 + 52_215.0, true)),
            "wall-clock time, the zone dropped"
        );
        assert_eq!(spss_time("gisteren"), None);
    }
}
