#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| diffknap::check::fast_matches_reference(data));
