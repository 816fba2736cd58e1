//! Fuzzes an `.xls`'s Workbook stream (BIFF records: DIMENSIONS, cells, shared strings,
//! sheet positions) in a valid compound file, through the questionnaire reader and the
//! import's table: a form, a table or an error, never a panic or an allocation that
//! aborts.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod wrap;

fuzz_target!(|data: &[u8]| {
    wrap::read_both(&wrap::xls(data), "fuzz.xls");
});
