#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| diffknap::check::jsonl_never_panics(data));
