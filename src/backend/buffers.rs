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
/// one freed first), not grown and zero-filled by hand. Returns whether the buffer is
/// fresh (its pages not yet faulted in).
pub fn reuse(buf: &mut Vec<f64>, len: usize, poison: bool) -> bool {
    if poison {
        *buf = alloc(len, true);
        false
    } else if buf.capacity() < len {
        *buf = Vec::new();
        *buf = alloc(len, false);
        true
    } else {
        buf.resize(len, 0.0);
        false
    }
}

/// The address range of a buffer, to be faulted in by another thread (no access to its
/// contents is made through it).
#[derive(Debug, Clone, Copy)]
pub struct Pages {
    addr: usize,
    bytes: usize,
}

impl Pages {
    /// The pages of `v`.
    pub fn of(v: &[f64]) -> Self {
        Pages {
            addr: v.as_ptr() as usize,
            bytes: std::mem::size_of_val(v),
        }
    }
}

/// Runs `work` on the calling thread while, if `helper`, a second thread faults in the
/// pages of the fresh buffers `pages` ahead of it (Linux `MADV_POPULATE_WRITE`, chunk by
/// chunk from the start, all buffers in step: the passes write rows in that order). The
/// kernel's zeroing of a fresh table then runs on the other core instead of inside the
/// forward pass. Contents are never changed; where the call is not offered it fails and
/// is ignored. The buffers must stay allocated until `work` returns (the scope ends only
/// after the helper).
pub fn with_prefault<R>(pages: &[Pages], helper: bool, work: impl FnOnce() -> R) -> R {
    let total: usize = pages.iter().map(|p| p.bytes).sum();
    if !helper || total < HUGE_MIN || !cfg!(target_os = "linux") {
        return work();
    }
    std::thread::scope(|scope| {
        scope.spawn(move || populate(pages));
        work()
    })
}

fn populate(pages: &[Pages]) {
    #[cfg(target_os = "linux")]
    {
        const CHUNK: usize = 2 << 20;
        const PAGE: usize = 4096;
        let longest = pages.iter().map(|p| p.bytes).max().unwrap_or(0);
        for off in (0..longest).step_by(CHUNK) {
            for p in pages {
                let lo = (p.addr + off).next_multiple_of(PAGE);
                let hi = ((p.addr + (off + CHUNK).min(p.bytes)) / PAGE) * PAGE;
                if off < p.bytes && hi > lo {
                    // SAFETY: MADV_POPULATE_WRITE populates the page tables of [lo, hi) as a
                    // write fault would, without reading or writing any byte: no contents
                    // change, so no Rust reference can observe it. The range lies inside a
                    // live allocation (the caller's contract); were it not, the call would
                    // fail with an error, which is ignored.
                    unsafe {
                        libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_POPULATE_WRITE);
                    }
                }
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = pages;
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
