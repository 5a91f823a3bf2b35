//! Work buffers: allocation, reuse between calls, and garbage filling for tests.
//!
//! A fresh buffer is zeroed lazily by the operating system (`vec![0.0; len]` maps zero
//! pages; nothing is written up front): its pages are faulted in by the pass that first
//! writes them. On Linux, buffers of at least [`HUGE_MIN`] bytes are advised as
//! transparent huge pages (`madvise(MADV_HUGEPAGE)`, which the default `madvise` mode of
//! `/sys/kernel/mm/transparent_hugepage/enabled` honours): an 80 MB table then takes 40
//! faults of 2 MiB instead of 20,000 of 4 KiB. The advice changes no contents; where the
//! system offers no huge pages it is ignored.

/// Buffers at least this large (bytes) are advised as huge pages.
pub const HUGE_MIN: usize = 4 << 20;

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
        let v = vec![0.0; len];
        advise_huge(&v);
        v
    }
}

/// Makes `buf` a work buffer of `len` values, reusing its allocation: existing values are
/// left as they are (every pass overwrites what it reads), or all set to garbage when
/// testing. A buffer that must grow is replaced by a fresh lazily zeroed one (the old
/// one freed first), not grown and zero-filled by hand.
pub fn reuse(buf: &mut Vec<f64>, len: usize, poison: bool) {
    if poison {
        *buf = alloc(len, true);
    } else if buf.capacity() < len {
        *buf = Vec::new();
        *buf = alloc(len, false);
    } else {
        buf.resize(len, 0.0);
    }
}

/// Advises the whole 2 MiB pages inside `v` as transparent huge pages (Linux only).
fn advise_huge(v: &[f64]) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 2 << 20;
        let bytes = std::mem::size_of_val(v);
        if bytes < HUGE_MIN {
            return;
        }
        let start = v.as_ptr() as usize;
        let lo = start.next_multiple_of(PAGE);
        let hi = (start + bytes) / PAGE * PAGE;
        if hi > lo {
            // SAFETY: [lo, hi) lies inside the allocation of `v`, which is alive; the advice
            // only changes how the kernel backs the pages, never their contents, so no Rust
            // reference observes any change. A failure (no THP support) is ignored.
            unsafe {
                libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}
