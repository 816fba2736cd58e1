//! Fuzzes the workbook reader: arbitrary bytes give a form or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = leernet_xlsform::Form::from_workbook(data, "fuzz.xlsx");
});
