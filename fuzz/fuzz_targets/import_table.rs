//! Fuzzes the import's reader with arbitrary bytes (CSV in any encoding, a workbook, ODK
//! Central's zip): a table of rows or one problem, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod wrap;

fuzz_target!(|data: &[u8]| {
    wrap::read_both(data, "fuzz.xlsx");
});
