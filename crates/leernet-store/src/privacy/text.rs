//! Text: mentions of people found as whole words and replaced, offsets that move with the
//! text, keyed pseudonym codes, dates.

use super::*;

/// A text to look for and what replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub needle: String,
    pub replacement: String,
}

/// One replacement in a text, in Unicode code points of the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub old_len: usize,
    pub new_len: usize,
}

pub(super) fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

pub(super) fn same(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// Length (in chars) of a match of `needle` at `text[i..]`: case-insensitive, a space in the
/// needle matching any run of white space.
pub(super) fn match_at(text: &[char], i: usize, needle: &[char]) -> Option<usize> {
    let mut t = i;
    let mut n = 0;
    while n < needle.len() {
        if needle[n].is_whitespace() {
            while n < needle.len() && needle[n].is_whitespace() {
                n += 1;
            }
            let s = t;
            while t < text.len() && text[t].is_whitespace() {
                t += 1;
            }
            if t == s {
                return None;
            }
        } else {
            if t >= text.len() || !same(text[t], needle[n]) {
                return None;
            }
            t += 1;
            n += 1;
        }
    }
    Some(t - i)
}

/// Whether a name is specific enough to look for in free text: at least two words.
pub fn name_is_searchable(name: &str) -> bool {
    name.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
        >= 2
}

/// Replaces whole-word, case-insensitive mentions (longest needle first); returns the new
/// text and the edits made, in order.
pub fn replace_mentions(text: &str, mentions: &[Mention]) -> (String, Vec<Edit>) {
    let chars: Vec<char> = text.chars().collect();
    let mut order: Vec<(Vec<char>, &str)> = mentions
        .iter()
        .map(|m| {
            (
                m.needle.trim().chars().collect::<Vec<_>>(),
                m.replacement.as_str(),
            )
        })
        .filter(|(n, _)| !n.is_empty())
        .collect();
    order.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    let mut out = String::with_capacity(text.len());
    let mut edits = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let boundary_before = i == 0 || !is_word(chars[i - 1]) || !is_word(chars[i]);
        let mut hit = None;
        if boundary_before {
            for (needle, rep) in &order {
                if let Some(len) = match_at(&chars, i, needle) {
                    let end = i + len;
                    let last = chars[end - 1];
                    let boundary_after =
                        end == chars.len() || !is_word(chars[end]) || !is_word(last);
                    if boundary_after {
                        hit = Some((len, *rep));
                        break;
                    }
                }
            }
        }
        match hit {
            Some((len, rep)) => {
                out.push_str(rep);
                edits.push(Edit {
                    start: i,
                    old_len: len,
                    new_len: rep.chars().count(),
                });
                i += len;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    (out, edits)
}

/// Where an offset of the original text lands after `edits`. An offset inside a replaced span
/// moves to the replacement's start (`is_end == false`) or end (`is_end == true`), so a coded
/// segment keeps covering the words it covered.
pub fn map_offset(edits: &[Edit], pos: usize, is_end: bool) -> usize {
    let mut shift: i64 = 0;
    for e in edits {
        let old_end = e.start + e.old_len;
        if pos >= old_end {
            shift += e.new_len as i64 - e.old_len as i64;
        } else if pos > e.start {
            let new_start = (e.start as i64 + shift) as usize;
            return if is_end {
                new_start + e.new_len
            } else {
                new_start
            };
        } else {
            break;
        }
    }
    (pos as i64 + shift) as usize
}

pub(super) fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut ipad = k;
    let mut opad = k;
    for b in ipad.iter_mut() {
        *b ^= 0x36;
    }
    for b in opad.iter_mut() {
        *b ^= 0x5c;
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// The stable code of an e-mail address under a key: `P-` and ten characters of Crockford
/// base32 (50 bits) of HMAC-SHA256(key, lower-cased address). The same key gives the same
/// person the same code in every wave; without the key a code cannot be traced back.
pub fn pseudonym_code(key: &[u8], email: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mac = hmac_sha256(key, email.trim().to_lowercase().as_bytes());
    let mut acc: u64 = 0;
    for b in &mac[..8] {
        acc = (acc << 8) | u64::from(*b);
    }
    let mut code = String::from("P-");
    for i in 0..10 {
        code.push(ALPHABET[((acc >> (59 - 5 * i)) & 31) as usize] as char);
    }
    code
}

/// Checks an ISO date (`2027-06-30`): a real calendar day.
pub fn parse_iso_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1970 && (1..=days).contains(&d)).then(|| s.to_owned())
}

/// The UTC date of a Unix time, as an ISO date.
pub fn iso_date(at: i64) -> String {
    let (y, m, d) = crate::audit::civil_from_days(at.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}
