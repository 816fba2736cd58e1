//! CSV export: the data (one row per response, every field quoted only when needed,
//! UTF-8, LF) and its codebook (`.codebook.csv`: variable, question, type, measurement
//! level, the label per language, the value codes and labels per language, the missing
//! codes).
//!
//! Spreadsheets open CSV files and run what looks like a formula. By default every text
//! field (answers, labels, names; never a number of a numeric variable) is neutralised with
//! [`leernet_core::outbound::spreadsheet_cell`]: one that starts with `=`, `+`, `-`, `@`, a
//! tab or a carriage return gets a single quote in front. [`Cells::Raw`] writes the bytes
//! as stored, for researchers who read the file with R, Python or SPSS.

use crate::dataset::{format_num, Cell, Dataset, VarType};
use leernet_core::outbound::spreadsheet_cell;

/// How text fields are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Cells {
    /// Text that a spreadsheet would run as a formula is neutralised (the default).
    #[default]
    Neutralised,
    /// Every text exactly as stored (`leernet export --raw`).
    Raw,
}

impl Cells {
    fn text(self, s: &str) -> String {
        match self {
            Cells::Neutralised => spreadsheet_cell(s).into_owned(),
            Cells::Raw => s.to_owned(),
        }
    }
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().unwrap_or_default()
}

/// The data file.
pub fn data(ds: &Dataset, cells: Cells) -> Vec<u8> {
    let mut w = writer();
    let _ = w.write_record(ds.variables.iter().map(|v| cells.text(&v.name)));
    for r in &ds.rows {
        let _ = w.write_record(r.iter().map(|c| match c {
            Cell::Num(x) => format_num(*x),
            Cell::Text(t) => cells.text(t),
            Cell::Missing => String::new(),
        }));
    }
    finish(w)
}

fn codes(v: &[(f64, String)]) -> String {
    v.iter()
        .map(|(c, l)| format!("{}={l}", format_num(*c)))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The codebook file.
pub fn codebook(ds: &Dataset, cells: Cells) -> Vec<u8> {
    let mut w = writer();
    for rec in codebook_records(ds) {
        let _ = w.write_record(rec.iter().map(|f| cells.text(f)));
    }
    finish(w)
}

/// The codebook's header and rows, as text (shared by the CSV and the XLSX codebook).
pub(crate) fn codebook_records(ds: &Dataset) -> Vec<Vec<String>> {
    let langs: Vec<String> = if ds.languages.is_empty() {
        vec![String::new()]
    } else {
        ds.languages.clone()
    };
    let suffix = |l: &str| {
        if l.is_empty() {
            String::new()
        } else {
            format!("_{l}")
        }
    };
    let mut header = vec![
        "variable".to_owned(),
        "question".into(),
        "choice".into(),
        "type".into(),
        "storage".into(),
        "measure".into(),
    ];
    header.extend(langs.iter().map(|l| format!("label{}", suffix(l))));
    header.extend(langs.iter().map(|l| format!("values{}", suffix(l))));
    header.push("missing".into());
    let mut out = vec![header];
    for v in &ds.variables {
        let mut rec = vec![
            v.name.clone(),
            v.question.clone().unwrap_or_default(),
            v.choice.clone().unwrap_or_default(),
            v.form_type.clone(),
            match v.var_type {
                VarType::Numeric { .. } => "numeric".into(),
                VarType::Text { width } => format!("text({width})"),
            },
            v.measure.as_str().to_owned(),
        ];
        for l in &langs {
            rec.push(v.labels.get(l).cloned().unwrap_or_else(|| v.label.clone()));
        }
        for l in &langs {
            rec.push(codes(
                v.value_labels_by_lang.get(l).unwrap_or(&v.value_labels),
            ));
        }
        rec.push(codes(&v.missing));
        out.push(rec);
    }
    out
}
