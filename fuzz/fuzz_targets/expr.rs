//! Fuzzes the expression parser and evaluator: no input may panic or loop.
#![no_main]

use leernet_xlsform::expr::{parse, MapScope};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    if let Ok(e) = parse(src) {
        let mut s = MapScope::new([("a", "3"), ("b", "x y"), ("c", ""), ("d", "2024-01-01")]);
        s.current = "5".into();
        s.now = Some(19_787.5);
        let _ = e.eval(&s).to_str();
    }
});
