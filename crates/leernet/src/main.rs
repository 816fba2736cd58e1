//! leernet: the command-line program.
fn main() {}
