//! Arbitrary text as an ID-number cell (and as an amount or date cell of an agency list).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(broken) = canbao::io::fuzzing::check_id_text(&text) {
        panic!("ID checker promise broken: {broken}");
    }
});
