//! Benchmark of the answer model on a generated 300-question form (see
//! bench/xlsform/RESULTS.md). Plain `std::time`, no harness:
//! `cargo bench -p leernet-xlsform --bench answer_model`.
//! Writes the form to `$BENCH_OUT` (default: the system temp dir) as `form300.xlsx`
//! so pyxform can be timed on the same workbook.

use std::time::Instant;

use leernet_xlsform::{Answers, EvalOptions, Form};

/// 30 groups of 10: an integer with a constraint, a select_one whose relevance reads
/// the integer, a select_multiple, a text with a regex constraint, a calculation over
/// earlier values, a date, a decimal, a note, a select with choice_filter, a required
/// text; group relevance on the previous group's integer; plus one repeat.
fn build_form() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let survey = wb.add_worksheet();
    survey.set_name("survey").unwrap();
    let header = [
        "type",
        "name",
        "label::nl",
        "label::en",
        "relevant",
        "required",
        "constraint",
        "constraint_message::en",
        "calculation",
        "choice_filter",
    ];
    for (c, h) in header.iter().enumerate() {
        survey.write_string(0, c as u16, *h).unwrap();
    }
    let mut row = 1u32;
    let mut put = |cells: [&str; 10]| {
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                survey.write_string(row, c as u16, *v).unwrap();
            }
        }
        row += 1;
    };
    for g in 0..30 {
        let grel = if g == 0 {
            String::new()
        } else {
            format!("${{n{}}} != 99", g - 1)
        };
        put([
            "begin_group",
            &format!("g{g}"),
            "Groep",
            "Group",
            &grel,
            "",
            "",
            "",
            "",
            "",
        ]);
        let n = format!("n{g}");
        put([
            "integer",
            &n,
            "Getal",
            "Number",
            "",
            "yes",
            ". >= 0 and . <= 100",
            "0 to 100",
            "",
            "",
        ]);
        put([
            "select_one yn",
            &format!("s{g}"),
            "Ja/nee",
            "Yes/no",
            &format!("${{{n}}} > 10"),
            "",
            "",
            "",
            "",
            "",
        ]);
        put([
            "select_multiple fruit",
            &format!("m{g}"),
            "Fruit",
            "Fruit",
            &format!("selected(${{s{g}}}, 'yes')"),
            "",
            "count-selected(.) <= 3",
            "three at most",
            "",
            "",
        ]);
        put([
            "text",
            &format!("t{g}"),
            "Tekst",
            "Text",
            "",
            "",
            "regex(., '^[A-Za-z ]*$')",
            "letters",
            "",
            "",
        ]);
        put([
            "calculate",
            &format!("c{g}"),
            "",
            "",
            "",
            "",
            "",
            "",
            &format!(
                "if(${{{n}}} > 50, ${{{n}}} * 2, coalesce(${{{n}}}, 0) + string-length(${{t{g}}}))"
            ),
            "",
        ]);
        put([
            "date",
            &format!("d{g}"),
            "Datum",
            "Date",
            "",
            "",
            ". <= today()",
            "not in the future",
            "",
            "",
        ]);
        put([
            "decimal",
            &format!("x{g}"),
            "Decimaal",
            "Decimal",
            &format!("${{c{g}}} > 5"),
            "",
            ". > 0",
            "",
            "",
            "",
        ]);
        put([
            "note",
            &format!("note{g}"),
            "Let op",
            "Note",
            "",
            "",
            "",
            "",
            "",
            "",
        ]);
        put([
            "select_one city",
            &format!("city{g}"),
            "Stad",
            "City",
            "",
            "",
            "",
            "",
            "",
            &format!("region = ${{s{g}}}"),
        ]);
        put([
            "text",
            &format!("r{g}"),
            "Verplicht",
            "Required",
            &format!("${{{n}}} < 90"),
            "yes",
            "",
            "",
            "",
            "",
        ]);
        put(["end_group", "", "", "", "", "", "", "", "", ""]);
    }
    put([
        "begin_repeat",
        "kid",
        "Kind",
        "Child",
        "",
        "",
        "",
        "",
        "",
        "",
    ]);
    put([
        "integer", "kid_age", "Leeftijd", "Age", "", "yes", ". < 18", "", "", "",
    ]);
    put(["end_repeat", "", "", "", "", "", "", "", "", ""]);
    put([
        "calculate",
        "kids_total",
        "",
        "",
        "",
        "",
        "",
        "",
        "sum(${kid_age})",
        "",
    ]);
    let choices = wb.add_worksheet();
    choices.set_name("choices").unwrap();
    let rows: Vec<[&str; 5]> = vec![
        ["list_name", "name", "label::nl", "label::en", "region"],
        ["yn", "yes", "Ja", "Yes", ""],
        ["yn", "no", "Nee", "No", ""],
        ["fruit", "apple", "Appel", "Apple", ""],
        ["fruit", "pear", "Peer", "Pear", ""],
        ["fruit", "plum", "Pruim", "Plum", ""],
        ["fruit", "kiwi", "Kiwi", "Kiwi", ""],
        ["city", "a", "A", "A", "yes"],
        ["city", "b", "B", "B", "no"],
        ["city", "c", "C", "C", "yes"],
    ];
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                choices.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn answer(i: usize, name: &str) -> String {
    match name.chars().next().unwrap_or('_') {
        'n' if !name.starts_with("note") => ((i * 7) % 100).to_string(),
        's' => if i % 2 == 0 { "yes" } else { "no" }.into(),
        'm' => "apple pear".into(),
        't' => "some text".into(),
        'd' => "2024-01-15".into(),
        'x' => "2.5".into(),
        'r' => "ok".into(),
        _ => String::new(),
    }
}

fn main() {
    let bytes = build_form();
    let out_dir = std::env::var_os("BENCH_OUT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let path = out_dir.join("form300.xlsx");
    std::fs::write(&path, &bytes).expect("write form300.xlsx");

    let reps = 20;
    let t = Instant::now();
    let mut form = None;
    for _ in 0..reps {
        form = Some(Form::from_workbook(&bytes, "form300.xlsx").expect("valid"));
    }
    let read_ms = t.elapsed().as_secs_f64() * 1000.0 / reps as f64;
    let form = form.unwrap();
    let names: Vec<String> = form.questions().map(|q| q.name.clone()).collect();
    let opts = EvalOptions {
        lang: "en",
        now: Some(19_787.5),
        last_saved: None,
    };

    // answer one question at a time and evaluate after each answer
    let mut answers = Answers::default();
    let mut kid = Vec::new();
    for k in 0..3 {
        kid.push(Answers::from_pairs([(
            "kid_age",
            if k == 2 { "" } else { "7" },
        )]));
    }
    answers.repeats.insert("kid".into(), kid);
    let t = Instant::now();
    let mut evals = 0usize;
    let mut visible = 0usize;
    for round in 0..5 {
        answers.values.clear();
        for (i, n) in names.iter().enumerate() {
            let v = answer(i + round, n);
            if !v.is_empty() {
                answers.set(n, &v);
            }
            let e = form.evaluate(&answers, &opts);
            visible += e.visible().len();
            evals += 1;
        }
    }
    let per_eval_us = t.elapsed().as_secs_f64() * 1e6 / evals as f64;

    // full answer set, repeated
    let t = Instant::now();
    let full_reps = 1000;
    let mut issues = 0;
    for _ in 0..full_reps {
        let e = form.evaluate(&answers, &opts);
        issues += e.missing_required().len() + e.failing_constraints().len();
    }
    let full_us = t.elapsed().as_secs_f64() * 1e6 / full_reps as f64;

    println!(
        "form: {} questions, {} groups, written to {}",
        form.question_count(),
        form.groups().len(),
        path.display()
    );
    println!("read + validate workbook: {read_ms:.2} ms (mean of {reps})");
    println!("evaluate after each answer: {per_eval_us:.1} µs per evaluation (mean of {evals}; {visible} visible in total)");
    println!("evaluate full answer set: {full_us:.1} µs per evaluation (mean of {full_reps}; {issues} issues in total)");
}
