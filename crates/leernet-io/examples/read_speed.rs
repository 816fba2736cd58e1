//! Reads and checks an export without storing it, and says how fast:
//! `cargo run --release -p leernet-io --example read_speed -- FORM.xlsx FILE`.

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use leernet_io::{ImportOptions, Importer};
use leernet_xlsform::Form;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: read_speed FORM.xlsx FILE");
        std::process::exit(2);
    }
    let form =
        Form::from_workbook(&std::fs::read(&args[1]).expect("form"), &args[1]).expect("valid form");
    let file = std::fs::File::open(&args[2]).expect("file");
    let t = Instant::now();
    let opts = ImportOptions {
        lang: "en",
        ..ImportOptions::default()
    };
    let mut imp = Importer::open(&form, Box::new(file), &opts).expect("opens");
    let (mut rows, mut bad) = (0u64, 0u64);
    while let Some(r) = imp.next_row() {
        rows += 1;
        bad += r.has_errors() as u64;
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{rows} rows ({bad} with errors) in {s:.2} s: {:.0} rows/s",
        rows as f64 / s
    );
}
