#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| diffknap::check::submod_within_ratios(data));
