//! Prints the check report of each workbook given on the command line.
fn main() {
    for p in std::env::args().skip(1) {
        let bytes = std::fs::read(&p).expect("readable");
        let r = leernet_xlsform::check(&bytes, &p);
        println!("{p}: valid={} questions={}", r.valid, r.questions);
        for d in r.errors.iter().chain(&r.warnings) {
            println!("  {:?} {d}", d.severity);
        }
    }
}
