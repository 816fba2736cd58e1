//! Reads and checks an export without storing it, and says how fast:
//! `cargo run --release -p leernet-io --example read_speed -- FORM.xlsx FILE [MISSING]`,
//! where MISSING is a list of missing-value markers as `--missing` takes it (`none`: no
//! marker is looked for; default: the default markers).

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use leernet_io::{ImportOptions, Importer};
use leernet_xlsform::Form;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: read_speed FORM.xlsx FILE [MISSING]");
        std::process::exit(2);
    }
    let form =
        Form::from_workbook(&std::fs::read(&args[1]).expect("form"), &args[1]).expect("valid form");
    let file = std::fs::File::open(&args[2]).expect("file");
    let t = Instant::now();
    let markers = args
        .get(3)
        .map(|m| leernet_io::missing::parse_list(m).expect("a list of markers"));
    let opts = ImportOptions {
        lang: "en",
        missing: markers.as_deref(),
        ..ImportOptions::default()
    };
    let mut imp = Importer::open(&form, Box::new(file), &opts).expect("opens");
    let (mut rows, mut bad) = (0u64, 0u64);
    // as `leernet import responses` does it, on one thread: checked, the answers
    // written as the stored JSON, then settled in the file's order
    while let Some(raw) = imp.next_raw() {
        let mut r = match raw {
            Ok(row) => imp.checker().check_json(&row).0,
            Err(p) => Importer::unreadable(p),
        };
        imp.settle(&mut r);
        rows += 1;
        bad += r.has_errors() as u64;
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{rows} rows ({bad} with errors) in {s:.2} s: {:.0} rows/s",
        rows as f64 / s
    );
}
