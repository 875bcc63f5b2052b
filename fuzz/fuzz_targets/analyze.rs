#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| halfopen_fuzz::fuzz_analyze(data));
