#![no_main]
//! The loader on arbitrary bytes as `gen.kg`: never a panic.

mod load;

libfuzzer_sys::fuzz_target!(|data: &[u8]| load::load("gen.kg", data));
