#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| diffknap::check::certified_encloses(data));
