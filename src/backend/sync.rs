//! Synchronisation of the row-parallel passes: workers own blocks of capacities and meet
//! at one barrier per item row.
//!
//! A pass runs `threads` workers (the calling thread is worker 0; the others are scoped
//! threads); worker k owns the capacities `lo_k..hi_k` of every row it writes and may
//! read whole rows of the previous step. With one worker the barrier is a no-op, so the
//! sequential and the row-parallel paths are the same code.
//!
//! Buffers are shared between workers through [`Shared`], the only `unsafe` outside
//! `simd.rs` (used by `passes.rs`). Invariant (checked by construction of every pass): between
//! two barrier waits, a worker writes only its own block of the rows being produced, and no
//! worker reads those rows; every row read was completed before the last barrier.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// A buffer that several workers write in disjoint blocks (see the module invariant).
#[derive(Clone, Copy)]
pub(super) struct Shared<'a> {
    ptr: *mut f64,
    len: usize,
    _life: PhantomData<&'a mut [f64]>,
}

// SAFETY: `Shared` is a pointer to a buffer borrowed mutably for 'a; workers access it only
// under the module invariant (disjoint writes, reads of rows completed before a barrier).
unsafe impl Send for Shared<'_> {}
// SAFETY: as above.
unsafe impl Sync for Shared<'_> {}

impl<'a> Shared<'a> {
    pub(super) fn new(buf: &'a mut [f64]) -> Self {
        Shared {
            ptr: buf.as_mut_ptr(),
            len: buf.len(),
            _life: PhantomData,
        }
    }
    /// The sub-buffer `lo..hi` (same sharing rules).
    pub(super) fn sub(&self, lo: usize, hi: usize) -> Self {
        assert!(lo <= hi && hi <= self.len);
        Shared {
            ptr: self.ptr.wrapping_add(lo),
            len: hi - lo,
            _life: PhantomData,
        }
    }
    /// A read-only buffer: `get_mut` must never be called on the result.
    pub(super) fn from_ref(buf: &'a [f64]) -> Self {
        Shared {
            ptr: buf.as_ptr() as *mut f64,
            len: buf.len(),
            _life: PhantomData,
        }
    }
    /// Reads `lo..hi`.
    ///
    /// # Safety
    /// No worker writes `lo..hi` until the returned slice is dropped (module invariant).
    #[inline(always)]
    pub(super) unsafe fn get(&self, lo: usize, hi: usize) -> &'a [f64] {
        assert!(lo <= hi && hi <= self.len);
        // SAFETY: in bounds (asserted); no concurrent writer (caller's contract).
        unsafe { std::slice::from_raw_parts(self.ptr.add(lo), hi - lo) }
    }
    /// Writes `lo..hi`.
    ///
    /// # Safety
    /// No other worker reads or writes `lo..hi` until the returned slice is dropped.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    pub(super) unsafe fn get_mut(&self, lo: usize, hi: usize) -> &'a mut [f64] {
        assert!(lo <= hi && hi <= self.len);
        // SAFETY: in bounds (asserted); exclusive (caller's contract).
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(lo), hi - lo) }
    }
}

/// A barrier for a fixed number of workers: spins briefly, then yields (the machine may
/// be shared, so a descheduled peer must not be waited for by burning a core forever).
pub(super) struct Barrier {
    threads: usize,
    count: AtomicUsize,
    generation: AtomicUsize,
    /// Set when a worker panics, so that its peers stop waiting and panic too (instead of
    /// waiting forever for a worker that will never arrive).
    poisoned: AtomicBool,
}

/// Poisons the barrier if the worker holding it unwinds.
struct PoisonOnPanic<'a>(&'a Barrier);

impl Drop for PoisonOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.poisoned.store(true, Ordering::Release);
        }
    }
}

impl Barrier {
    fn new(threads: usize) -> Self {
        Barrier {
            threads,
            count: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
            poisoned: AtomicBool::new(false),
        }
    }
    #[inline(always)]
    pub(super) fn wait(&self) {
        if self.threads <= 1 {
            return;
        }
        let generation = self.generation.load(Ordering::Acquire);
        if self.count.fetch_add(1, Ordering::AcqRel) + 1 == self.threads {
            self.count.store(0, Ordering::Relaxed);
            self.generation.fetch_add(1, Ordering::AcqRel);
        } else {
            let mut spins = 0u32;
            while self.generation.load(Ordering::Acquire) == generation {
                if self.poisoned.load(Ordering::Acquire) {
                    panic!("diffknap: another worker of this pass panicked");
                }
                if spins < 2000 {
                    std::hint::spin_loop();
                    spins += 1;
                } else {
                    std::thread::yield_now();
                }
            }
        }
    }
}

/// The capacities of a forward row dealt out in chunks while the row is computed, instead
/// of fixed blocks: worker 0 takes chunks from the left, the others from the right, so a
/// worker whose core is slow (shared with another program, or interrupted) takes fewer,
/// and the row's barrier waits for at most one chunk instead of a whole block.
///
/// Chunk boundaries are 0 and then `w + j * width` (`w` the row's weight, `width` a
/// multiple of the widest SIMD width): the kernels start their vectors at `max(w, lo)`,
/// so every cell is computed in the same lane group (or scalar tail) as by one thread
/// over the whole row, and the results are bitwise those of one thread, whoever takes
/// which chunk.
///
/// One packed (left, right) counter per row parity: a row's counter is reset by worker 0
/// during the previous row, after every worker finished the row before it (the barrier
/// orders both).
pub(super) struct RowChunks {
    state: [AtomicU64; 2],
    width: usize,
    cols: usize,
}

impl RowChunks {
    /// Chunks for rows of `cols` capacities and `threads` workers (about 2 per worker);
    /// the first row (parity 0) has weight `w0`.
    ///
    /// Taking a chunk is an atomic read-modify-write of a cache line all workers use, a few
    /// hundred nanoseconds when the line moves between cores: with 8 chunks per worker that
    /// cost more than the waits the chunks saved. Measured side by side (shannon, n = 1000,
    /// C = 10,000, one call on both cores; docs/benchmarks.md, fourth session), 8 chunks
    /// per worker were 7% slower than 2, and 1 (fixed halves taken in either order) was
    /// within the noise of 2. Two per worker keep some adaptation to a slow core.
    pub(super) fn new(cols: usize, threads: usize, w0: usize) -> Self {
        let width = (cols / (2 * threads.max(1))).next_multiple_of(8).max(64);
        let c = RowChunks {
            state: [AtomicU64::new(0), AtomicU64::new(0)],
            width,
            cols,
        };
        c.reset(0, w0);
        c
    }
    fn count(&self, w: usize) -> usize {
        let first = w.saturating_add(self.width).min(self.cols);
        1 + (self.cols - first).div_ceil(self.width)
    }
    /// Makes every chunk of a row of weight `w` available again under `parity`.
    pub(super) fn reset(&self, parity: usize, w: usize) {
        self.state[parity].store(self.count(w) as u64, Ordering::Release);
    }
    /// Capacities `lo..hi` of chunk `j` of a row of weight `w`.
    pub(super) fn bounds(&self, j: usize, w: usize) -> (usize, usize) {
        let b = |j: usize| {
            if j == 0 {
                0
            } else {
                w.saturating_add(j.saturating_mul(self.width))
                    .min(self.cols)
            }
        };
        (b(j), b(j + 1))
    }
    /// Takes the next chunk of the row under `parity`: the leftmost free one for worker 0
    /// (`left`), the rightmost for the others; `None` when none is left.
    pub(super) fn take(&self, parity: usize, left: bool) -> Option<usize> {
        let st = &self.state[parity];
        let mut cur = st.load(Ordering::Acquire);
        loop {
            let (l, r) = (cur >> 32, cur & 0xffff_ffff);
            if l >= r {
                return None;
            }
            let (next, j) = if left {
                (((l + 1) << 32) | r, l)
            } else {
                ((l << 32) | (r - 1), r - 1)
            };
            match st.compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Some(j as usize),
                Err(now) => cur = now,
            }
        }
    }
}

/// Block boundaries: `threads` blocks of `cols`, cut at multiples of 8 capacities.
fn blocks(cols: usize, threads: usize) -> Vec<(usize, usize)> {
    let t = threads.max(1);
    let mut cuts: Vec<usize> = (0..=t).map(|k| (cols * k / t) / 8 * 8).collect();
    cuts[t] = cols;
    (0..t)
        .map(|k| (cuts[k], cuts[k + 1].max(cuts[k])))
        .collect()
}

/// Runs `work(k, lo, hi, barrier)` for every block, worker 0 on the calling thread.
pub(super) fn run_blocks<R: Send>(
    cols: usize,
    threads: usize,
    work: impl Fn(usize, usize, usize, &Barrier) -> R + Sync,
) -> Vec<R> {
    let bl = blocks(cols, threads);
    let barrier = Barrier::new(bl.len());
    if bl.len() == 1 {
        return vec![work(0, bl[0].0, bl[0].1, &barrier)];
    }
    let cpus = other_cpus();
    std::thread::scope(|scope| {
        let handles: Vec<_> = bl[1..]
            .iter()
            .enumerate()
            .map(|(k, &(lo, hi))| {
                let work = &work;
                let barrier = &barrier;
                let cpu = cpus.get(k).copied();
                scope.spawn(move || {
                    pin_to(cpu);
                    let _guard = PoisonOnPanic(barrier);
                    work(k + 1, lo, hi, barrier)
                })
            })
            .collect();
        let first = {
            let _guard = PoisonOnPanic(&barrier);
            work(0, bl[0].0, bl[0].1, &barrier)
        };
        let mut out = vec![first];
        for h in handles {
            match h.join() {
                Ok(r) => out.push(r),
                Err(p) => std::panic::resume_unwind(p),
            }
        }
        out
    })
}
/// The CPUs this process may run on other than the calling thread's current one (Linux;
/// elsewhere none). A worker of a capacity-split pass is pinned to one of them for the
/// pass: left to the scheduler, a new thread of a fresh process was often started on its
/// parent's CPU, and the two workers then took turns on one core at every barrier until
/// the load balancer moved one (a one-shot `relax` of hard, n = 1000, C = 10,000: 19 ms
/// on one core, 19 to 104 ms split; docs/benchmarks.md).
fn other_cpus() -> Vec<usize> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sched_getcpu takes no arguments; sched_getaffinity writes at most
        // size_of::<cpu_set_t>() bytes into `set`, a zeroed cpu_set_t we own; CPU_ISSET
        // reads it.
        unsafe {
            let here = libc::sched_getcpu();
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            if here < 0
                || libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0
            {
                return Vec::new();
            }
            (0..libc::CPU_SETSIZE as usize)
                .filter(|&c| c != here as usize && libc::CPU_ISSET(c, &set))
                .collect()
        }
    }
    #[cfg(not(target_os = "linux"))]
    Vec::new()
}

/// Pins the calling thread to `cpu` (Linux; a failure or `None` leaves it unpinned).
fn pin_to(cpu: Option<usize>) {
    #[cfg(target_os = "linux")]
    if let Some(c) = cpu {
        // SAFETY: `set` is a zeroed cpu_set_t we own; CPU_SET writes one bit of it (c is
        // below CPU_SETSIZE: it came from other_cpus); sched_setaffinity(0, ..) only reads
        // it and changes the calling thread's affinity.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(c, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cpu;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_worker_does_not_hang_its_peers() {
        for bad in [0, 1, 2] {
            let r = std::panic::catch_unwind(|| {
                run_blocks(64, 3, |k, _, _, barrier| {
                    for _ in 0..3 {
                        if k == bad {
                            panic!("worker {k} fails");
                        }
                        barrier.wait();
                    }
                })
            });
            assert!(r.is_err());
        }
    }

    #[test]
    fn row_chunks_cover_each_row_once_and_start_vectors_where_one_thread_does() {
        for cols in [1, 7, 64, 100, 1001, 10_001] {
            for threads in 1..4 {
                for w in [0, 1, 5, 8, 63, 64, 65, 99, cols - 1, cols] {
                    let ch = RowChunks::new(cols, threads, w);
                    assert_eq!(ch.width % 8, 0);
                    // Two workers take alternately from both ends: every capacity once.
                    let mut seen = vec![0u8; cols];
                    let mut got = Vec::new();
                    let mut turn = 0;
                    while let Some(j) = ch.take(0, turn % 2 == 0) {
                        got.push(j);
                        turn += 1;
                    }
                    got.sort_unstable();
                    assert_eq!(got, (0..ch.count(w)).collect::<Vec<_>>());
                    for &j in &got {
                        let (lo, hi) = ch.bounds(j, w);
                        assert!(lo < hi || cols == 0, "empty chunk {j} of cols {cols} w {w}");
                        // Every chunk but the first starts at or above w, a whole number of
                        // widths past it: the vectors of the kernels start where one
                        // thread's would.
                        if j > 0 {
                            assert!(lo >= w && (lo - w) % ch.width == 0);
                        }
                        for c in &mut seen[lo..hi] {
                            *c += 1;
                        }
                    }
                    assert!(seen.iter().all(|&c| c == 1), "cols {cols} w {w}");
                    // Reset makes the row available again.
                    assert!(ch.take(0, true).is_none());
                    ch.reset(0, w);
                    assert_eq!(ch.take(0, false), Some(ch.count(w) - 1));
                }
            }
        }
    }

    #[test]
    fn blocks_cover_and_align() {
        for cols in [1, 7, 8, 9, 100, 1001] {
            for t in 1..5 {
                let b = blocks(cols, t);
                assert_eq!(b.len(), t);
                assert_eq!(b[0].0, 0);
                assert_eq!(b[t - 1].1, cols);
                for k in 1..t {
                    assert_eq!(b[k].0, b[k - 1].1);
                    assert_eq!(b[k].0 % 8, 0);
                }
            }
        }
    }
}
