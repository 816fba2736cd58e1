//! leernet-io: responses in from other survey tools, data out to the formats analysis
//! tools open.
//!
//! Pure: it works on readers and bytes, a [`leernet_xlsform::Form`] and plain domain
//! types; it never opens a file or a database. The caller (the CLI, later the web app)
//! reads the file, stores the rows and prints the problems.
//!
//! Import, in three steps:
//! 1. [`table`] reads a CSV (any separator, BOM, CRLF, quoted newlines, UTF-8 or
//!    Windows-1252), a workbook, ODK Central's zip of CSVs ([`odk_zip`]) or an SPSS
//!    `.sav` file ([`sav_read`]) into header rows and data rows, streaming CSV;
//! 2. [`detect`] names the tool that wrote it from its header signature, and [`plan`]
//!    maps its columns onto the form's questions (names, the tool's conventions, labels in
//!    any of the form's languages, or a [`plan::Mapping`] file);
//! 3. [`import`] turns every row into raw XLSForm answers ([`values`] understands codes and
//!    labels) and validates them with the XLSForm answer model, giving each row with its
//!    [`problem::Problem`]s as data.
//!
//! Export: [`dataset`] builds variables (labels, value labels, missing values, measurement
//! level) from a form and stored responses; [`csv_out`], [`xlsx_out`] and [`sav`] write
//! them, deterministically.

pub mod csv_out;
pub mod dataset;
pub mod detect;
pub mod import;
pub mod missing;
pub mod odk_zip;
pub mod plan;
pub mod problem;
pub mod repeat_sheets;
pub mod sav;
pub mod sav_read;
pub mod table;
pub mod values;
pub mod xlsx_out;

pub use detect::Format;
pub use import::{ImportOptions, ImportedRow, Importer};
pub use plan::{Mapping, Plan};
pub use problem::{Problem, ProblemKind, Severity};
