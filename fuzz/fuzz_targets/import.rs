//! Arbitrary bytes as a class-list file: read, header found, planned, imported twice into a fresh drive.
//! The checks live in the library (`canbao::io::fuzzing`) so `tests/fuzz_corpus.rs` replays them on stable.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = canbao::io::fuzzing::import_bytes(data) {
        panic!("importer promise broken: {broken}");
    }
});
