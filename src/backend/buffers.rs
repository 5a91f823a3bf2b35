//! Work buffers: allocation, reuse between calls, and garbage filling for tests.

/// A work buffer: zeroed (cheap, lazily mapped) or, when testing, filled with garbage.
pub fn alloc(len: usize, poison: bool) -> Vec<f64> {
    if poison {
        (0..len)
            .map(|i| match i % 3 {
                0 => f64::NAN,
                1 => -1.0e300,
                _ => 7.0,
            })
            .collect()
    } else {
        vec![0.0; len]
    }
}

/// Makes `buf` a work buffer of `len` values, reusing its allocation: existing values are
/// left as they are (every pass overwrites what it reads), or all set to garbage when
/// testing.
pub fn reuse(buf: &mut Vec<f64>, len: usize, poison: bool) {
    if poison {
        *buf = alloc(len, true);
    } else {
        buf.resize(len, 0.0);
    }
}
