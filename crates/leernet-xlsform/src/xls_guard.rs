//! The `.xls` half of [`crate::guard`]: what calamine will allocate for an old binary
//! workbook, found before calamine opens it.
//!
//! An `.xls` is a compound file (sectors chained by a FAT) holding a BIFF stream.
//! calamine opens it by trusting the header's counts (`Vec::with_capacity` of the FAT's
//! length, of the directory's, of a stream's declared size), by following sector chains
//! until their end marker (a chain that loops grows without end), and by reserving a
//! sheet's `DIMENSIONS` (up to 2^32 rows) and a dense grid from its cells' far corners,
//! all while opening the file. A file of a few hundred bytes can so abort the process.
//! This module walks the same structures the way calamine's `cfb.rs` and `xls.rs` (0.32)
//! do, counting instead of allocating: every declared size must fit in the file, every
//! chain must end within as many steps as the file has sectors, the cells calamine
//! reserves and lays out for all sheets must stay within the limit, and so must the bytes
//! of the shared strings it copies into every cell that shows one.

use crate::guard::{LimitError, Limits};

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 8).map(|s| {
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        u64::from_le_bytes(a)
    })
}

fn damaged(why: &str) -> LimitError {
    LimitError::Damaged(format!("its .xls structure {why}"))
}

/// The sectors of the file, as calamine reads them (after the header).
struct Sectors<'a> {
    bytes: &'a [u8],
    size: usize,
    maxid: u64,
}

impl Sectors<'_> {
    /// Sector `id`, short at the end of the file; None where calamine gives an error.
    fn get(&self, id: u32) -> Option<&[u8]> {
        if u64::from(id) > self.maxid {
            return None;
        }
        let start = self.size + id as usize * self.size;
        let end = (start + self.size).min(self.bytes.len());
        Some(self.bytes.get(start..end).unwrap_or(&[]))
    }

    /// The bytes of the chain from `start`, or None where calamine stops with an error.
    /// A chain that loops or leaves the table is refused (calamine would grow it without
    /// end, or panic).
    fn chain(&self, mut id: u32, table: &[u32]) -> Result<Option<Vec<u8>>, LimitError> {
        let mut out = Vec::new();
        let mut steps = 0u64;
        while id != ENDOFCHAIN {
            let Some(s) = self.get(id) else {
                return Ok(None);
            };
            out.extend_from_slice(s);
            steps += 1;
            if steps > self.maxid + 1 {
                return Err(damaged("has a chain of sectors that loops"));
            }
            id = *table
                .get(id as usize)
                .ok_or_else(|| damaged("points past its sector table"))?;
        }
        Ok(Some(out))
    }
}

impl Sectors<'_> {
    /// The sector ids of the chain from `start`, as [`Sectors::chain`] follows it.
    fn chain_ids(&self, mut id: u32, table: &[u32]) -> Result<Vec<u32>, LimitError> {
        let mut out = Vec::new();
        while id != ENDOFCHAIN {
            if self.get(id).is_none() || out.len() as u64 > self.maxid {
                return Err(damaged("has a chain of sectors that loops"));
            }
            out.push(id);
            id = *table
                .get(id as usize)
                .ok_or_else(|| damaged("points past its sector table"))?;
        }
        Ok(out)
    }
}

fn to_u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// One directory entry: its name, first sector and size.
struct Entry {
    name: String,
    start: u32,
    len: u64,
}

fn entry(b: &[u8], large: bool) -> Option<Entry> {
    let units: Vec<u16> = b
        .get(..64)?
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let mut name = String::from_utf16_lossy(&units);
    if let Some(l) = name.find('\0') {
        name.truncate(l);
    }
    let start = u32_at(b, 116)?;
    let len = if large {
        u64_at(b, 120)?
    } else {
        u64::from(u32_at(b, 120)?)
    };
    Some(Entry { name, start, len })
}

/// Checks an `.xls` (bytes that start with the compound file signature).
pub(crate) fn check(bytes: &[u8], limits: &Limits) -> Result<(), LimitError> {
    walk(bytes, limits, None)
}

/// The `.xls` with every sheet's `DIMENSIONS` record fitted to the cells the sheet holds,
/// or `None` when no record declares more (or the file is not one this can fit).
///
/// Why: spreadsheet programs write a sheet's dimensions as its whole formatted area
/// (LibreOffice writes 1,048,576 rows × 256 columns for a sheet of 73 rows), and calamine
/// reserves memory for every declared cell before it reads one (10 GB for such a sheet),
/// so [`check`] refuses those files although pyxform reads them. calamine uses the record
/// for nothing else: its grid is the box around the cells it reads. Fitted, the file reads
/// the same and reserves what it holds. Only streams in regular sectors are fitted (a
/// Workbook stream of 4,096 bytes or more, every real form); a smaller one stays as it is.
pub(crate) fn fit_dimensions(bytes: &[u8]) -> Option<Vec<u8>> {
    let unlimited = Limits {
        max_unpacked_bytes: u64::MAX,
        max_cell_bytes: u64::MAX,
        max_cells: u64::MAX,
    };
    let mut patches = Vec::new();
    walk(bytes, &unlimited, Some(&mut patches)).ok()?;
    if patches.is_empty() {
        return None;
    }
    let mut out = bytes.to_vec();
    for (at, byte) in patches {
        *out.get_mut(at)? = byte;
    }
    Some(out)
}

/// [`check`], and with `fit`, the file bytes to change to fit the dimensions (file offset,
/// new byte).
fn walk(
    bytes: &[u8],
    limits: &Limits,
    fit: Option<&mut Vec<(usize, u8)>>,
) -> Result<(), LimitError> {
    let Some(header) = bytes.get(..512) else {
        return Ok(()); // calamine says it is cut short
    };
    let size = match u16_at(header, 30) {
        Some(9) => 512usize,
        Some(12) => 4096,
        _ => return Ok(()), // calamine refuses the sector size
    };
    let len = bytes.len() as u64;
    let sectors = Sectors {
        bytes,
        size,
        maxid: len / size as u64,
    };
    let at = |i: usize| u64::from(u32_at(header, i).unwrap_or(0));
    let (dir_len, fat_len, dir_start) = (at(40), at(44), at(48) as u32);
    let (mini_fat_start, mini_fat_len, difat_start) = (at(60) as u32, at(64), at(68) as u32);
    // what calamine reserves from the header: each must fit in the file (calamine's
    // "DIFAT length" is read from bytes 62..66, which legitimately holds up to 2^24)
    let fits = |n: u64| n <= len + size as u64;
    if !fits(fat_len.saturating_mul(4))
        || !fits(dir_len.saturating_mul(size as u64))
        || !fits(mini_fat_len.saturating_mul(size as u64))
        || at(62) > 1 << 24
    {
        return Err(damaged("declares more sectors than the file holds"));
    }
    // the DIFAT: 109 entries in the header, then a chain of sectors of 127 and a link
    let mut difat: Vec<u32> = to_u32s(&header[76..512]).collect();
    let mut id = difat_start;
    let mut steps = 0u64;
    while id < RESERVED_SECTORS {
        let Some(s) = sectors.get(id) else {
            return Ok(());
        };
        difat.extend(to_u32s(s));
        id = difat.pop().unwrap_or(ENDOFCHAIN);
        steps += 1;
        if steps > sectors.maxid + 1 {
            return Err(damaged("has a chain of sectors that loops"));
        }
    }
    // the FAT, a sector per DIFAT entry: more entries than sectors repeat sectors
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
    if fat_sectors.len() as u64 > sectors.maxid + 1 {
        return Err(damaged(
            "names more sectors of its table than the file holds",
        ));
    }
    let mut fat = Vec::new();
    for id in fat_sectors {
        let Some(s) = sectors.get(id) else {
            return Ok(());
        };
        fat.extend(to_u32s(s));
    }
    let Some(dirs) = sectors.chain(dir_start, &fat)? else {
        return Ok(());
    };
    let large = size == 4096;
    let entries: Vec<Entry> = dirs.chunks(128).filter_map(|c| entry(c, large)).collect();
    let Some(root) = entries.first() else {
        return Ok(());
    };
    let (mini_fat, mini_stream) = if mini_fat_len > 0 {
        if !fits(root.len) {
            return Err(damaged("declares a stream larger than the file"));
        }
        let Some(stream) = sectors.chain(root.start, &fat)? else {
            return Ok(());
        };
        let Some(table) = sectors.chain(mini_fat_start, &fat)? else {
            return Ok(());
        };
        (to_u32s(&table).collect::<Vec<u32>>(), stream)
    } else {
        (Vec::new(), Vec::new())
    };
    let Some(book) = entries
        .iter()
        .find(|e| e.name == "Workbook")
        .or_else(|| entries.iter().find(|e| e.name == "Book"))
    else {
        return Ok(());
    };
    if !fits(book.len) {
        return Err(damaged("declares a stream larger than the file"));
    }
    let stream = if book.len < 4096 {
        let minis_maxid = sectors.maxid * 8;
        // calamine's mini sectors start at the stream's first byte, not after a header
        let mut out = Vec::new();
        let mut id = book.start;
        let mut steps = 0u64;
        while id != ENDOFCHAIN {
            if u64::from(id) > minis_maxid {
                return Ok(());
            }
            // past the mini stream calamine reads on in the file: no honest file does
            let start = id as usize * 64;
            let part = mini_stream
                .get(start..start + 64)
                .ok_or_else(|| damaged("points past its mini stream"))?;
            out.extend_from_slice(part);
            steps += 1;
            if steps > minis_maxid + 1 {
                return Err(damaged("has a chain of sectors that loops"));
            }
            id = *mini_fat
                .get(id as usize)
                .ok_or_else(|| damaged("points past its sector table"))?;
        }
        out
    } else {
        match sectors.chain(book.start, &fat)? {
            Some(s) => s,
            None => return Ok(()),
        }
    };
    let stream = &stream[..stream.len().min(book.len as usize)];
    match fit {
        Some(patches) if book.len >= 4096 => {
            // where each byte of the stream is in the file
            let ids = sectors.chain_ids(book.start, &fat)?;
            let mut at_stream = Vec::new();
            biff_cells(stream, limits, Some(&mut at_stream))?;
            for (o, byte) in at_stream {
                let Some(&id) = ids.get(o / size) else {
                    return Ok(());
                };
                patches.push(((id as usize + 1) * size + o % size, byte));
            }
            Ok(())
        }
        _ => biff_cells(stream, limits, None),
    }
}

/// A BIFF record as calamine reads it: type, data and the data of the CONTINUE records
/// after it.
type Record<'a> = (u16, &'a [u8], Vec<&'a [u8]>);

/// BIFF records as calamine reads them.
struct Records<'a>(&'a [u8]);

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;
    fn next(&mut self) -> Option<Record<'a>> {
        let typ = u16_at(self.0, 0)?;
        let len = u16_at(self.0, 2)? as usize;
        let data = self.0.get(4..4 + len)?;
        self.0 = &self.0[4 + len..];
        let mut cont = Vec::new();
        while self.0.len() > 4 && u16_at(self.0, 0) == Some(0x003C) {
            let l = u16_at(self.0, 2)? as usize;
            cont.push(self.0.get(4..4 + l)?);
            self.0 = &self.0[4 + l..];
        }
        Some((typ, data, cont))
    }
}

/// The most bytes each string of a shared-string table (SST) becomes, read the way
/// calamine's `parse_sst` reads it: a string of `cch` characters is at most 3 bytes a
/// character in UTF-8. calamine gives every cell that shows a string its own copy.
fn sst_lengths(data: &[u8], cont: &[&[u8]]) -> Vec<u64> {
    let mut pieces = cont.iter();
    let mut out = Vec::new();
    let Some(mut d) = data.get(8..) else {
        return out;
    };
    loop {
        if d.is_empty() {
            match pieces.next() {
                Some(p) => d = p,
                None => return out,
            }
            if d.is_empty() {
                continue;
            }
        }
        let (Some(cch), Some(&flags)) = (u16_at(d, 0), d.get(2)) else {
            return out;
        };
        d = &d[3..];
        let mut skip = 0usize;
        if flags & 0x8 != 0 {
            let Some(runs) = u16_at(d, 0) else { return out };
            skip += runs as usize * 4;
            d = &d[2..];
        }
        if flags & 0x4 != 0 {
            let Some(ext) = u32_at(d, 0) else { return out };
            skip = skip.saturating_add(ext as usize);
            d = &d[4..];
        }
        let mut left = cch as usize;
        let mut wide = flags & 0x1 != 0;
        while left > 0 {
            let per = if wide { 2 } else { 1 };
            let take = left.min(d.len() / per);
            d = &d[take * per..];
            left -= take;
            if left > 0 {
                match pieces.next() {
                    Some(p) if !p.is_empty() => {
                        wide = p[0] & 0x1 != 0;
                        d = &p[1..];
                    }
                    _ => return out,
                }
            }
        }
        out.push(3 * u64::from(cch));
        while skip > 0 {
            if d.is_empty() {
                match pieces.next() {
                    Some(p) => d = p,
                    None => return out,
                }
            }
            let t = skip.min(d.len());
            d = &d[t..];
            skip -= t;
        }
    }
}

/// The smallest box around some cells.
#[derive(Default)]
struct Bounds(Option<(u32, u32, u32, u32)>);

impl Bounds {
    fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    fn cells(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            u64::from(r1 - r0 + 1).saturating_mul(u64::from(c1 - c0 + 1))
        })
    }
}

/// The cells calamine reserves (`DIMENSIONS`) and lays out (the box around each sheet's
/// cells and formulas), for every sheet the workbook lists, together.
///
/// With `fit`, a `DIMENSIONS` record that declares more than the box around the sheet's
/// cells is counted as that box, and the stream bytes that make it so are added to `fit`
/// (stream offset, new byte).
fn biff_cells(
    stream: &[u8],
    limits: &Limits,
    mut fit: Option<&mut Vec<(usize, u8)>>,
) -> Result<(), LimitError> {
    let mut positions = Vec::new();
    let mut strings = Vec::new();
    for (typ, data, cont) in Records(stream) {
        match typ {
            0x0085 => positions.push(u32_at(data, 0).unwrap_or(0) as usize),
            0x00FC => strings = sst_lengths(data, &cont),
            0x000A => break,
            _ => {}
        }
    }
    let mut total = 0u64;
    let mut text = 0u64;
    for (n, pos) in positions.into_iter().enumerate() {
        let Some(sheet) = stream.get(pos..) else {
            return Err(damaged("lists a sheet past its end"));
        };
        let mut reserved = 0u64;
        // the sheet's DIMENSIONS records: where their data starts, their length, and the
        // cells they declare
        let mut dims: Vec<(usize, usize, u64)> = Vec::new();
        let mut cells = Bounds::default();
        let mut formulas = Bounds::default();
        let pos_of = |d: &[u8]| Some((u32::from(u16_at(d, 0)?), u32::from(u16_at(d, 2)?)));
        for (typ, data, _) in Records(sheet) {
            match typ {
                0x0200 => {
                    // calamine's parse_dimensions and its reserve, in u32 as it computes
                    let (rf, rl, mut cf, cl) = match data.len() {
                        10 => (
                            u32::from(u16_at(data, 0).unwrap_or(0)),
                            u32::from(u16_at(data, 2).unwrap_or(0)),
                            u32::from(u16_at(data, 4).unwrap_or(0)),
                            u32::from(u16_at(data, 6).unwrap_or(0)),
                        ),
                        14 => (
                            u32_at(data, 0).unwrap_or(0),
                            u32_at(data, 4).unwrap_or(0),
                            u32::from(u16_at(data, 8).unwrap_or(0)),
                            u32::from(u16_at(data, 10).unwrap_or(0)),
                        ),
                        _ => continue,
                    };
                    if 0xFF < cf || cl < cf {
                        cf = 0;
                    }
                    let (end_r, end_c) = if rl >= 1 && cl >= 1 {
                        (rl - 1, cl - 1)
                    } else {
                        (rf, cf)
                    };
                    let rows = u64::from(end_r.wrapping_sub(rf).wrapping_add(1));
                    let cols = u64::from(end_c.wrapping_sub(cf).wrapping_add(1));
                    let declared = rows.saturating_mul(cols);
                    let at = data.as_ptr() as usize - stream.as_ptr() as usize;
                    dims.push((at, data.len(), declared));
                }
                0x0203 | 0x0204 | 0x0205 | 0x027E => {
                    if let Some((r, c)) = pos_of(data) {
                        cells.add(r, c);
                    }
                }
                0x00FD => {
                    if let Some((r, c)) = pos_of(data) {
                        cells.add(r, c);
                    }
                    // a shared string, copied into the cell
                    let i = u32_at(data, 6).unwrap_or(u32::MAX) as usize;
                    text = text.saturating_add(strings.get(i).copied().unwrap_or(0));
                    if text > limits.max_unpacked_bytes {
                        return Err(LimitError::RepeatedText {
                            limit: limits.max_unpacked_bytes,
                        });
                    }
                }
                0x00BD => {
                    if let (Some((r, c)), Some(last)) = (
                        pos_of(data),
                        data.len().checked_sub(2).and_then(|i| u16_at(data, i)),
                    ) {
                        cells.add(r, c);
                        cells.add(r, u32::from(last));
                    }
                }
                0x0006 => {
                    if let Some((r, c)) = pos_of(data) {
                        cells.add(r, c);
                        formulas.add(r, c);
                    }
                }
                0x000A => break,
                _ => {}
            }
        }
        for (at, len, declared) in dims {
            let held = cells.cells().max(1);
            match fit.as_deref_mut() {
                Some(patches) if declared > held => {
                    let (r0, r1, c0, c1) = cells.0.unwrap_or((0, 0, 0, 0));
                    // first row, last row + 1, first column, last column + 1
                    let mut data = Vec::with_capacity(len);
                    if len == 14 {
                        data.extend_from_slice(&r0.to_le_bytes());
                        data.extend_from_slice(&(r1 + 1).to_le_bytes());
                    } else {
                        data.extend_from_slice(&(r0 as u16).to_le_bytes());
                        data.extend_from_slice(&((r1 + 1) as u16).to_le_bytes());
                    }
                    data.extend_from_slice(&(c0 as u16).to_le_bytes());
                    data.extend_from_slice(&((c1 + 1) as u16).to_le_bytes());
                    patches.extend(data.into_iter().enumerate().map(|(i, b)| (at + i, b)));
                    reserved = reserved.saturating_add(held);
                }
                _ => reserved = reserved.saturating_add(declared),
            }
        }
        total = total
            .saturating_add(reserved)
            .saturating_add(cells.cells())
            .saturating_add(formulas.cells());
        if total > limits.max_cells {
            return Err(LimitError::Declared {
                sheet: n + 1,
                limit: limits.max_cells,
            });
        }
    }
    Ok(())
}
