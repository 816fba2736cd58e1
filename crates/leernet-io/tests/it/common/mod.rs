//! Helpers shared by the export tests: a form from sheets written in the test, and the
//! reference readers (pyreadstat from `tools/pyenv.sh`, PSPP), which under `CI` must be
//! there.
#![allow(dead_code)] // each test file uses its own part

use leernet_xlsform::Form;
use std::path::PathBuf;

/// A form from its sheets (`survey`, `choices`, `settings`, …), each as rows of cells.
pub fn form(file_name: &str, sheets: &[(&str, &[&[&str]])]) -> Form {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    Form::from_workbook(&wb.save_to_buffer().unwrap(), file_name).unwrap()
}

pub use leernet_testkit::tools::need;

/// The Python of `tools/pyenv.sh` (pyreadstat and the other references), if it can be made.
pub fn python() -> Option<PathBuf> {
    leernet_testkit::tools::python_or_reason().ok()
}
