//! CSV export: the data (one row per response, every field quoted only when needed,
//! UTF-8, LF) and its codebook (`.codebook.csv`: variable, question, type, measurement
//! level, the label per language, the value codes and labels per language, the missing
//! codes).

use crate::dataset::{format_num, Cell, Dataset, VarType};

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().unwrap_or_default()
}

/// The data file.
pub fn data(ds: &Dataset) -> Vec<u8> {
    let mut w = writer();
    let _ = w.write_record(ds.variables.iter().map(|v| v.name.as_str()));
    for r in &ds.rows {
        let _ = w.write_record(r.iter().map(|c| match c {
            Cell::Num(x) => format_num(*x),
            Cell::Text(t) => t.clone(),
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
pub fn codebook(ds: &Dataset) -> Vec<u8> {
    let mut w = writer();
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
    let _ = w.write_record(&header);
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
        let _ = w.write_record(&rec);
    }
    finish(w)
}
