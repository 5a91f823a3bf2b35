#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| diffknap::check::f64_matches_exact(data));
