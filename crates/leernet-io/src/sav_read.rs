//! Reading SPSS system files (`.sav`), the files researchers receive from Qualtrics and from
//! colleagues, written by hand after PSPP's description of the format ("System File
//! Format" in the PSPP developers' guide). The pure-Rust readers on crates.io (`ambers`,
//! `polars-readstat-rs`) return Arrow or Polars frames and bring those whole ecosystems
//! in; what an import needs is small (see `ARCHITECTURE.md`).
//!
//! Read: the file header (either byte order, told by its layout code); variable records
//! with their labels, user-missing values (up to three codes, a range, or a range and a
//! code) and continuation records; value labels (types 3 and 4, and 7/21 for long
//! strings); documents (skipped); the machine records 7/3 and 7/4; long variable names
//! (7/13); very long strings (7/14, their segments joined again); the character encoding
//! (7/20, else the code page of 7/3, else Windows-1252); and the cases, uncompressed or
//! bytecode-compressed. Zlib-compressed files (`.zsav`) are refused with a sentence saying
//! so.
//!
//! Hostile files: every count and length read from the file is checked against the bytes
//! that are left before anything is allocated for it, widths against SPSS's limits, and the
//! cases against [`MAX_CELLS`]; a damaged file gives one sentence naming the record and the
//! byte where reading stopped, never a panic or a huge allocation.

use std::collections::HashMap;

use encoding_rs::Encoding;

/// The most cells (cases × variables) an imported `.sav` may hold, as for a workbook.
pub const MAX_CELLS: u64 = crate::table::IMPORT_LIMITS.max_cells;

/// The widest string variable SPSS writes.
pub const MAX_WIDTH: usize = 32767;

/// The most variables (8-byte units of a case) a file may declare.
pub const MAX_UNITS: usize = 1 << 20;

/// Why a file could not be read, in one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavError(pub String);

impl std::fmt::Display for SavError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SavError {}

fn err<T>(msg: impl Into<String>) -> Result<T, SavError> {
    Err(SavError(msg.into()))
}

/// A value of a case: a number (`None`: system-missing) or a text (trailing spaces
/// dropped).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number; `None` is system-missing.
    Num(Option<f64>),
    /// A text.
    Str(String),
}

/// A variable's user-missing values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Missing {
    /// Discrete codes (numbers) declared missing.
    pub codes: Vec<f64>,
    /// Discrete texts declared missing (string variables).
    pub texts: Vec<String>,
    /// A range of numbers declared missing, both ends included.
    pub range: Option<(f64, f64)>,
}

impl Missing {
    /// Whether a value is declared missing.
    pub fn covers(&self, v: &Value) -> bool {
        match v {
            Value::Num(Some(x)) => {
                self.codes.contains(x) || self.range.is_some_and(|(lo, hi)| lo <= *x && *x <= hi)
            }
            Value::Num(None) => false,
            Value::Str(s) => self.texts.iter().any(|t| t == s),
        }
    }
}

/// What a number variable holds, from its print format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A plain number.
    Number,
    /// A date (seconds since 1582-10-14), shown as `YYYY-MM-DD`.
    Date,
    /// A date and time, shown as `YYYY-MM-DDTHH:MM:SS`.
    DateTime,
    /// A time of day or a duration in seconds, shown as `HH:MM:SS`.
    Time,
    /// A text variable.
    Text,
}

/// One variable of the file (a very long string's segments joined).
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// Its name (the long name where the file has one).
    pub name: String,
    /// Its label.
    pub label: String,
    /// Bytes of a string variable; 0 for a number.
    pub width: usize,
    /// What it holds.
    pub kind: Kind,
    /// Value labels, in the file's order.
    pub value_labels: Vec<(Value, String)>,
    /// User-missing values.
    pub missing: Missing,
}

/// A whole `.sav` file.
#[derive(Debug, Clone, PartialEq)]
pub struct SavFile {
    /// The variables, in the file's order.
    pub variables: Vec<Variable>,
    /// The cases, one value per variable.
    pub cases: Vec<Vec<Value>>,
    /// The character encoding the texts were read in.
    pub encoding: &'static str,
}

/// Whether bytes start like an SPSS system file.
pub fn is_sav(head: &[u8]) -> bool {
    head.starts_with(b"$FL2") || head.starts_with(b"$FL3")
}

/// A cursor over the file that checks every length before it takes.
struct Cur<'a> {
    b: &'a [u8],
    at: usize,
    big: bool,
}

impl<'a> Cur<'a> {
    fn left(&self) -> usize {
        self.b.len() - self.at
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], SavError> {
        if n > self.left() {
            return err(format!(
                "the file ends inside {what} (byte {}): it is cut short or damaged",
                self.at
            ));
        }
        let s = &self.b[self.at..self.at + n];
        self.at += n;
        Ok(s)
    }

    fn i32(&mut self, what: &str) -> Result<i32, SavError> {
        let b: [u8; 4] = self.take(4, what)?.try_into().expect("4 bytes");
        Ok(if self.big {
            i32::from_be_bytes(b)
        } else {
            i32::from_le_bytes(b)
        })
    }

    fn unit(&mut self, what: &str) -> Result<[u8; 8], SavError> {
        Ok(self.take(8, what)?.try_into().expect("8 bytes"))
    }

    /// A count or length read from the file: not negative, and at most `left / per`
    /// (each item takes at least `per` bytes of what is left).
    fn count(&mut self, per: usize, what: &str) -> Result<usize, SavError> {
        let at = self.at;
        let n = self.i32(what)?;
        let Ok(n) = usize::try_from(n) else {
            return err(format!("{what} at byte {at} is negative ({n})"));
        };
        if n.saturating_mul(per.max(1)) > self.left() {
            return err(format!(
                "{what} at byte {at} ({n}) is more than the rest of the file holds: it is damaged"
            ));
        }
        Ok(n)
    }
}

fn f64_of(u: [u8; 8], big: bool) -> f64 {
    if big {
        f64::from_be_bytes(u)
    } else {
        f64::from_le_bytes(u)
    }
}

/// A variable record as it is in the file: one per 8-byte unit of a case.
struct RawVar {
    /// Width (0 numeric, 1..=255 string, -1 continuation).
    typ: i32,
    name: Vec<u8>,
    label: Option<Vec<u8>>,
    n_missing: i32,
    missing: Vec<[u8; 8]>,
    print: i32,
}

/// A value-label set (record types 3 and 4).
struct RawLabels {
    values: Vec<([u8; 8], Vec<u8>)>,
    /// 1-based dictionary indices of the variables it applies to.
    vars: Vec<usize>,
}

/// What the header says.
struct Header {
    compressed: bool,
    bias: f64,
    ncases: Option<usize>,
}

fn header(c: &mut Cur<'_>) -> Result<Header, SavError> {
    if c.b.len() < 176 {
        return err("the file is too short for an SPSS file header (176 bytes)");
    }
    let magic = &c.b[..4];
    if magic == b"$FL3" {
        return err(
            "this is a compressed SPSS file (.zsav); save it in SPSS or PSPP as an uncompressed or standard compressed .sav",
        );
    }
    if magic != b"$FL2" {
        return err("the file is not an SPSS system file (.sav)");
    }
    let layout: [u8; 4] = c.b[64..68].try_into().expect("4 bytes");
    c.big = match (i32::from_le_bytes(layout), i32::from_be_bytes(layout)) {
        (2 | 3, _) => false,
        (_, 2 | 3) => true,
        _ => return err("the file header's layout code is neither 2 nor 3: it is damaged"),
    };
    c.at = 68;
    // the nominal case size: SPSS and PSPP trust the variable records, so does this reader
    let _nominal = c.i32("the file header")?;
    let compression = c.i32("the file header")?;
    let _weight = c.i32("the file header")?;
    let ncases = c.i32("the file header")?;
    let bias = f64_of(c.unit("the file header")?, c.big);
    let compressed = match compression {
        0 => false,
        1 => true,
        2 => return err(
            "this is a zlib-compressed SPSS file (.zsav); save it in SPSS or PSPP as an uncompressed or standard compressed .sav",
        ),
        n => return err(format!("the file header names an unknown compression ({n})")),
    };
    c.at = 176;
    Ok(Header {
        compressed,
        bias: if compressed && bias.is_finite() {
            bias
        } else {
            100.0
        },
        ncases: usize::try_from(ncases).ok(),
    })
}

/// Everything of the dictionary, before it is decoded.
#[derive(Default)]
struct Dict {
    vars: Vec<RawVar>,
    labels: Vec<RawLabels>,
    long_names: Option<Vec<u8>>,
    very_long: Option<Vec<u8>>,
    encoding_name: Option<Vec<u8>>,
    code_page: Option<i32>,
    sysmis: Option<f64>,
    highest: Option<f64>,
    lowest: Option<f64>,
    long_labels: Option<Vec<u8>>,
    long_missing: Option<Vec<u8>>,
}

fn variable_record(c: &mut Cur<'_>) -> Result<RawVar, SavError> {
    let what = "a variable record";
    let at = c.at;
    let typ = c.i32(what)?;
    if !(-1..=255).contains(&typ) {
        return err(format!(
            "a variable record at byte {at} has a width of {typ}, outside SPSS's 0 to 255"
        ));
    }
    let has_label = c.i32(what)?;
    let n_missing = c.i32(what)?;
    let print = c.i32(what)?;
    let _write = c.i32(what)?;
    let name = c.take(8, what)?.to_vec();
    let label = match has_label {
        0 => None,
        1 => {
            let n = c.count(1, "a variable label's length")?;
            let padded = n.div_ceil(4) * 4;
            Some(c.take(padded, "a variable label")?[..n].to_vec())
        }
        n => {
            return err(format!(
                "a variable record at byte {at} says {n} for whether it has a label (0 or 1)"
            ))
        }
    };
    let n = match n_missing {
        0..=3 => n_missing as usize,
        -2 => 2,
        -3 => 3,
        _ => {
            return err(format!(
                "a variable record at byte {at} declares {n_missing} missing values (-3 to 3)"
            ))
        }
    };
    let mut missing = Vec::with_capacity(n);
    for _ in 0..n {
        missing.push(c.unit("a variable's missing values")?);
    }
    Ok(RawVar {
        typ,
        name,
        label,
        n_missing,
        missing,
        print,
    })
}

fn value_labels(c: &mut Cur<'_>) -> Result<RawLabels, SavError> {
    // a label takes at least 16 bytes: its value, its length byte and 7 of text
    let n = c.count(16, "the number of value labels")?;
    let mut values = Vec::with_capacity(n);
    for _ in 0..n {
        let v = c.unit("a value label")?;
        let len = c.take(1, "a value label")?[0] as usize;
        let padded = (len + 1).div_ceil(8) * 8 - 1;
        let text = c.take(padded, "a value label")?[..len].to_vec();
        values.push((v, text));
    }
    let at = c.at;
    if c.i32("the variables of value labels")? != 4 {
        return err(format!(
            "value labels are not followed by the variables they belong to (byte {at})"
        ));
    }
    let n = c.count(4, "the number of variables of value labels")?;
    let mut vars = Vec::with_capacity(n);
    for _ in 0..n {
        let i = c.i32("the variables of value labels")?;
        let Ok(i) = usize::try_from(i) else {
            return err(format!(
                "value labels name variable {i}, which is no variable"
            ));
        };
        vars.push(i);
    }
    Ok(RawLabels { values, vars })
}

fn extension(c: &mut Cur<'_>, d: &mut Dict) -> Result<(), SavError> {
    let at = c.at;
    let subtype = c.i32("an extension record")?;
    let size = c.count(0, "an extension record's item size")?;
    let count = c.count(0, "an extension record's item count")?;
    let Some(len) = size.checked_mul(count).filter(|&n| n <= c.left()) else {
        return err(format!(
            "an extension record at byte {at} is longer than the rest of the file: it is damaged"
        ));
    };
    let data = c.take(len, "an extension record")?;
    let big = c.big;
    let i32_at = |k: usize| -> i32 {
        let b: [u8; 4] = data[k * 4..k * 4 + 4].try_into().expect("4 bytes");
        if big {
            i32::from_be_bytes(b)
        } else {
            i32::from_le_bytes(b)
        }
    };
    let f64_at =
        |k: usize| -> f64 { f64_of(data[k * 8..k * 8 + 8].try_into().expect("8 bytes"), big) };
    match subtype {
        3 if size == 4 && count >= 8 => d.code_page = Some(i32_at(7)),
        4 if size == 8 && count >= 3 => {
            d.sysmis = Some(f64_at(0));
            d.highest = Some(f64_at(1));
            d.lowest = Some(f64_at(2));
        }
        13 => d.long_names = Some(data.to_vec()),
        14 => d.very_long = Some(data.to_vec()),
        20 => d.encoding_name = Some(data.to_vec()),
        21 => d.long_labels = Some(data.to_vec()),
        22 => d.long_missing = Some(data.to_vec()),
        // display parameters, multiple-response sets, attributes, …: not needed
        _ => {}
    }
    Ok(())
}

fn dictionary(c: &mut Cur<'_>) -> Result<Dict, SavError> {
    let mut d = Dict::default();
    loop {
        let at = c.at;
        match c.i32("the dictionary")? {
            2 => {
                if d.vars.len() >= MAX_UNITS {
                    return err(format!("the file declares more than {MAX_UNITS} variables"));
                }
                d.vars.push(variable_record(c)?);
            }
            3 => d.labels.push(value_labels(c)?),
            4 => {
                return err(format!(
                    "the variables of value labels come without their labels (byte {at})"
                ))
            }
            6 => {
                let n = c.count(80, "the number of document lines")?;
                c.take(n * 80, "the documents")?;
            }
            7 => extension(c, &mut d)?,
            999 => {
                c.i32("the end of the dictionary")?;
                return Ok(d);
            }
            t => {
                return err(format!(
                    "unknown record type {t} at byte {at}: the file is damaged or not a .sav"
                ))
            }
        }
    }
}

/// The encoding of the file's texts: the 7/20 record, else 7/3's code page, else
/// Windows-1252.
fn encoding_of(d: &Dict) -> &'static Encoding {
    if let Some(e) = d
        .encoding_name
        .as_deref()
        .and_then(|n| Encoding::for_label(n.trim_ascii()))
    {
        return e;
    }
    match d.code_page {
        Some(65001) => encoding_rs::UTF_8,
        Some(cp) => u16::try_from(cp)
            .ok()
            .and_then(codepage::to_encoding)
            .unwrap_or(encoding_rs::WINDOWS_1252),
        None => encoding_rs::WINDOWS_1252,
    }
}

fn text(enc: &'static Encoding, b: &[u8]) -> String {
    // a string cut to its variable's width may end inside a UTF-8 character: that
    // character is dropped (as ReadStat and PSPP do), not shown as a replacement
    let end = b
        .iter()
        .rposition(|&c| c != b' ' && c != 0)
        .map_or(0, |i| i + 1);
    let mut b = &b[..end];
    if enc == encoding_rs::UTF_8 {
        if let Err(e) = std::str::from_utf8(b) {
            if e.error_len().is_none() {
                b = &b[..e.valid_up_to()];
            }
        }
    }
    let (s, _) = enc.decode_without_bom_handling(b);
    s.trim_end_matches([' ', '\0']).to_owned()
}

/// The print format's type: what a number variable holds.
fn kind_of(print: i32, width: usize) -> Kind {
    if width > 0 {
        return Kind::Text;
    }
    match (print >> 16) & 0xff {
        // DATE, ADATE, JDATE, MOYR, QYR, WKYR, EDATE, SDATE
        20 | 23 | 24 | 28 | 29 | 30 | 38 | 39 => Kind::Date,
        // DATETIME, YMDHMS
        22 | 41 => Kind::DateTime,
        // TIME, DTIME, MTIME
        21 | 25 | 40 => Kind::Time,
        _ => Kind::Number,
    }
}

/// One variable with the units of a case it takes: (start unit, segment widths).
struct Layout {
    var: Variable,
    /// For each segment: its first unit and its width (0 numeric).
    segments: Vec<(usize, usize)>,
}

/// A short name as the records that refer to it write it: its bytes, upper case (ASCII),
/// without the padding (a name cut inside a character keeps the half character's bytes).
fn key_of(b: &[u8]) -> Vec<u8> {
    let end = b
        .iter()
        .rposition(|&c| c != b' ' && c != 0)
        .map_or(0, |i| i + 1);
    b[..end].to_ascii_uppercase()
}

/// `KEY=VALUE` pairs separated by tabs (7/13) or by NUL and tab (7/14): keys as bytes.
fn pairs(enc: &'static Encoding, b: &[u8]) -> Vec<(Vec<u8>, String)> {
    b.split(|&c| c == b'\t' || c == 0)
        .filter_map(|p| {
            let eq = p.iter().position(|&c| c == b'=')?;
            Some((key_of(&p[..eq]), text(enc, &p[eq + 1..])))
        })
        .collect()
}

fn layouts(d: &Dict, enc: &'static Encoding, big: bool) -> Result<Vec<Layout>, SavError> {
    let lowest = d.lowest.unwrap_or(-f64::MAX);
    let highest = d.highest.unwrap_or(f64::MAX);
    let long: HashMap<Vec<u8>, String> = d
        .long_names
        .as_deref()
        .map(|b| pairs(enc, b).into_iter().collect())
        .unwrap_or_default();
    let mut very_long: HashMap<Vec<u8>, usize> = HashMap::new();
    for (k, v) in d
        .very_long
        .as_deref()
        .map(|b| pairs(enc, b))
        .unwrap_or_default()
    {
        let name = text(enc, &k);
        let Ok(w) = v.trim().parse::<usize>() else {
            return err(format!(
                "the very long string record gives {name} the width {v:?}"
            ));
        };
        if w == 0 || w > MAX_WIDTH {
            return err(format!(
                "the very long string record gives {name} a width of {w}, outside SPSS's 1 to {MAX_WIDTH}"
            ));
        }
        very_long.insert(k, w);
    }
    // the segments: one per variable record that is not a continuation
    let mut segs: Vec<(usize, &RawVar)> = Vec::new();
    let mut i = 0;
    while i < d.vars.len() {
        let v = &d.vars[i];
        if v.typ < 0 {
            return err(format!(
                "variable record {} continues a string that is not there",
                i + 1
            ));
        }
        let units = if v.typ == 0 {
            1
        } else {
            (v.typ as usize).div_ceil(8)
        };
        for k in 1..units {
            if d.vars.get(i + k).is_none_or(|c| c.typ != -1) {
                return err(format!(
                    "the string variable {} lacks its continuation records",
                    text(enc, &v.name)
                ));
            }
        }
        segs.push((i, v));
        i += units;
    }
    let mut out = Vec::new();
    let mut s = 0;
    while s < segs.len() {
        let (_, v) = segs[s];
        let short = text(enc, &v.name);
        let width = v.typ as usize;
        let key = key_of(&v.name);
        let (width, n) = match very_long.get(&key) {
            Some(&w) => (w, w.div_ceil(252)),
            None => (width, 1),
        };
        if n > 1 && (s + n > segs.len() || segs[s..s + n].iter().any(|(_, v)| v.typ == 0)) {
            return err(format!(
                "the very long string {short} lacks the segments its width needs"
            ));
        }
        let segments = segs[s..s + n]
            .iter()
            .map(|(u, v)| (*u, v.typ as usize))
            .collect();
        let mut missing = Missing::default();
        if width == 0 {
            let vals: Vec<f64> = v.missing.iter().map(|u| f64_of(*u, big)).collect();
            let (range, codes) = match v.n_missing {
                -2 | -3 => (Some((vals[0], vals[1])), vals[2..].to_vec()),
                _ => (None, vals),
            };
            // LO and HI are written as the lowest and highest numbers
            missing.range = range.map(|(lo, hi)| {
                (
                    if lo == lowest { f64::NEG_INFINITY } else { lo },
                    if hi == highest { f64::INFINITY } else { hi },
                )
            });
            missing.codes = codes;
        } else {
            missing.texts = v.missing.iter().map(|u| text(enc, u)).collect();
        }
        out.push(Layout {
            var: Variable {
                name: long.get(&key).cloned().unwrap_or(short),
                label: v.label.as_deref().map(|l| text(enc, l)).unwrap_or_default(),
                width,
                kind: kind_of(v.print, width),
                value_labels: Vec::new(),
                missing,
            },
            segments,
        });
        s += n;
    }
    // value labels: by the dictionary index of a variable's first unit
    let by_unit: HashMap<usize, usize> = out
        .iter()
        .enumerate()
        .map(|(k, l)| (l.segments[0].0 + 1, k))
        .collect();
    for set in &d.labels {
        for &i in &set.vars {
            let Some(&k) = by_unit.get(&i) else {
                return err(format!(
                    "value labels name variable {i}, which is no variable"
                ));
            };
            let numeric = out[k].var.width == 0;
            let labels = set
                .values
                .iter()
                .map(|(v, l)| {
                    let value = if numeric {
                        Value::Num(Some(f64_of(*v, big)))
                    } else {
                        Value::Str(text(enc, v))
                    };
                    (value, text(enc, l))
                })
                .collect::<Vec<_>>();
            out[k].var.value_labels.extend(labels);
        }
    }
    if let Some(b) = &d.long_labels {
        long_string_labels(b, enc, big, &mut out)?;
    }
    Ok(out)
}

/// 7/21: value labels of string variables wider than 8 bytes.
fn long_string_labels(
    b: &[u8],
    enc: &'static Encoding,
    big: bool,
    out: &mut [Layout],
) -> Result<(), SavError> {
    let mut c = Cur { b, at: 0, big };
    let by_name: HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(k, l)| (l.var.name.to_uppercase(), k))
        .collect();
    while c.left() > 0 {
        let n = c.count(1, "a long string's value labels")?;
        let name = text(enc, c.take(n, "a long string's value labels")?);
        let _width = c.i32("a long string's value labels")?;
        let n = c.count(8, "a long string's value labels")?;
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            let len = c.count(1, "a long string's value label")?;
            let v = text(enc, c.take(len, "a long string's value label")?);
            let len = c.count(1, "a long string's value label")?;
            let l = text(enc, c.take(len, "a long string's value label")?);
            labels.push((Value::Str(v), l));
        }
        if let Some(&k) = by_name.get(&name.to_uppercase()) {
            out[k].var.value_labels.extend(labels);
        }
    }
    Ok(())
}

/// Decodes bytecode-compressed cases into 8-byte units.
struct Bytecode {
    block: [u8; 8],
    next: usize,
    done: bool,
}

impl Bytecode {
    /// The next unit, `None` at the end of the data (end of file or code 252).
    fn unit(
        &mut self,
        c: &mut Cur<'_>,
        bias: f64,
        sysmis: [u8; 8],
    ) -> Result<Option<[u8; 8]>, SavError> {
        loop {
            if self.done {
                return Ok(None);
            }
            if self.next == 8 {
                if c.left() == 0 {
                    self.done = true;
                    return Ok(None);
                }
                self.block = c.unit("a block of compression codes")?;
                self.next = 0;
            }
            let code = self.block[self.next];
            self.next += 1;
            match code {
                0 => {}
                1..=251 => {
                    let x = f64::from(code) - bias;
                    return Ok(Some(if c.big {
                        x.to_be_bytes()
                    } else {
                        x.to_le_bytes()
                    }));
                }
                252 => {
                    self.done = true;
                    return Ok(None);
                }
                253 => return Ok(Some(c.unit("a case")?)),
                254 => return Ok(Some(*b"        ")),
                _ => return Ok(Some(sysmis)),
            }
        }
    }
}

/// Reads a whole `.sav` file.
pub fn read(bytes: &[u8]) -> Result<SavFile, SavError> {
    let mut c = Cur {
        b: bytes,
        at: 0,
        big: false,
    };
    let h = header(&mut c)?;
    let d = dictionary(&mut c)?;
    let enc = encoding_of(&d);
    let big = c.big;
    let lay = layouts(&d, enc, big)?;
    let units = d.vars.len();
    if units == 0 {
        return err("the file has no variables");
    }
    let sysmis_value = d.sysmis.unwrap_or(-f64::MAX);
    let sysmis = if big {
        sysmis_value.to_be_bytes()
    } else {
        sysmis_value.to_le_bytes()
    };
    let nvars = lay.len() as u64;
    let max_cases = usize::try_from(MAX_CELLS / nvars.max(1)).unwrap_or(usize::MAX);
    // what the file's rest can hold: the header's count is only a hint
    let room = if h.compressed {
        // a case takes at least one code byte per unit
        c.left() / units.max(1)
    } else {
        c.left() / (units * 8)
    };
    let expected = h.ncases.map_or(room, |n| n.min(room));
    if expected > max_cases {
        return err(format!(
            "the file holds more than {MAX_CELLS} values ({expected} cases of {nvars} variables), the limit for an import"
        ));
    }
    // the count is only a hint: the vector grows with what the file holds
    let mut cases = Vec::with_capacity(expected.min(1 << 16));
    let mut buf: Vec<[u8; 8]> = Vec::with_capacity(units);
    let mut bc = Bytecode {
        block: [0; 8],
        next: 8,
        done: false,
    };
    loop {
        if h.ncases.is_some_and(|n| cases.len() == n) {
            break;
        }
        buf.clear();
        for k in 0..units {
            let u = if h.compressed {
                bc.unit(&mut c, h.bias, sysmis)?
            } else if c.left() >= 8 {
                Some(c.unit("a case")?)
            } else {
                None
            };
            match u {
                Some(u) => buf.push(u),
                None if k == 0 => break,
                None => {
                    return err(format!(
                        "the file ends inside case {} (byte {}): it is cut short",
                        cases.len() + 1,
                        c.at
                    ))
                }
            }
        }
        if buf.is_empty() {
            break;
        }
        if cases.len() >= max_cases {
            return err(format!(
                "the file holds more than {MAX_CELLS} values, the limit for an import"
            ));
        }
        cases.push(case(&buf, &lay, enc, big, sysmis_value));
    }
    if let Some(n) = h.ncases {
        if cases.len() < n {
            return err(format!(
                "the file header promises {n} cases but the file holds {}: it is cut short",
                cases.len()
            ));
        }
    }
    Ok(SavFile {
        variables: lay.into_iter().map(|l| l.var).collect(),
        cases,
        encoding: enc.name(),
    })
}

fn case(
    units: &[[u8; 8]],
    lay: &[Layout],
    enc: &'static Encoding,
    big: bool,
    sysmis: f64,
) -> Vec<Value> {
    lay.iter()
        .map(|l| {
            if l.var.width == 0 {
                let x = f64_of(units[l.segments[0].0], big);
                return Value::Num((x != sysmis && !x.is_nan()).then_some(x));
            }
            let mut bytes = Vec::with_capacity(l.var.width + 8);
            for &(start, w) in &l.segments {
                let n = w.div_ceil(8);
                for u in &units[start..start + n] {
                    bytes.extend_from_slice(u);
                }
                bytes.truncate(bytes.len() - (n * 8 - w));
            }
            bytes.truncate(l.var.width);
            Value::Str(text(enc, &bytes))
        })
        .collect()
}

/// A number as import text: dates as ISO dates and date-times, times as `HH:MM:SS`,
/// other numbers as Excel's "General" shows them.
pub fn number_text(x: f64, kind: Kind) -> String {
    let clock = |secs: f64| {
        let whole = secs.floor();
        let s = whole as i64;
        let frac = secs - whole;
        let mut t = format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
        if frac > 0.0005 {
            t.push_str(&format!(
                ".{:03}",
                ((frac * 1000.0).round() as i64).min(999)
            ));
        }
        t
    };
    let epoch = leernet_xlsform::dates::days_from_civil(1582, 10, 14);
    match kind {
        Kind::Date | Kind::DateTime if x.is_finite() && x.abs() < 1e13 => {
            let days = (x / 86400.0).floor();
            let date = leernet_xlsform::dates::format_date(days as i64 + epoch);
            if kind == Kind::Date {
                date
            } else {
                format!("{date}T{}", clock(x - days * 86400.0))
            }
        }
        Kind::Time if (0.0..1e9).contains(&x) => clock(x),
        _ => crate::table::format_number(x),
    }
}

impl SavFile {
    /// The value of a case as import text: missing (system- or user-missing) as an empty
    /// cell.
    pub fn cell(&self, case: usize, var: usize) -> String {
        let v = &self.cases[case][var];
        let var = &self.variables[var];
        if var.missing.covers(v) {
            return String::new();
        }
        match v {
            Value::Num(None) => String::new(),
            Value::Num(Some(x)) => number_text(*x, var.kind),
            Value::Str(s) => s.clone(),
        }
    }

    /// A value label's value as import text (the code the cells hold).
    pub fn code_text(&self, var: usize, v: &Value) -> String {
        match v {
            Value::Num(Some(x)) => number_text(*x, self.variables[var].kind),
            Value::Num(None) => String::new(),
            Value::Str(s) => s.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_read_as_iso_text() {
        assert_eq!(number_text(0.0, Kind::Date), "1582-10-14");
        assert_eq!(number_text(161_971.0 * 86400.0, Kind::Date), "2026-03-31");
        assert_eq!(
            number_text(161_971.0 * 86400.0 + 52_215.0, Kind::DateTime),
            "2026-03-31T14:30:15"
        );
        assert_eq!(number_text(3725.5, Kind::Time), "01:02:05.500");
        assert_eq!(number_text(2.5, Kind::Number), "2.5");
        assert_eq!(number_text(3.0, Kind::Number), "3");
    }
}
