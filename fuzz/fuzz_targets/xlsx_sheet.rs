//! Fuzzes an `.xlsx`'s worksheet XML (cell references, far-away cells, inline strings)
//! through the questionnaire reader and the import's table: a form, a table or an error,
//! never a panic or an allocation that aborts.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod wrap;

fuzz_target!(|data: &[u8]| {
    wrap::read_both(&wrap::xlsx(data), "fuzz.xlsx");
});
