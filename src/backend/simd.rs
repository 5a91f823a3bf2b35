//! A minimal SIMD abstraction over f64 lanes: one trait, three implementations (scalar,
//! AVX2+FMA, AVX-512), chosen once per call by [`super::Isa`].
//!
//! Kernels are written once, generic over [`Simd`], and marked `#[inline(always)]`; the
//! whole call tree is then instantiated inside [`Simd::vectorize`], a function compiled with
//! the instruction set's target features, so the intrinsics inline into straight-line code.
//! The only `unsafe` of the fast paths (besides the row sharing of `par.rs`) lives here.
//! Every unsafe block relies on one invariant: a value of type [`Avx2`] or [`Avx512`] exists
//! only after `is_x86_feature_detected!` confirmed the features at run time (their fields are
//! private and their only constructors check).

/// Lane operations the kernels need. `V` is a vector of `LANES` f64, `M` a lane mask.
pub trait Simd: Copy + Send + Sync + 'static {
    /// Number of f64 lanes.
    const LANES: usize;
    /// A vector of lanes.
    type V: Copy;
    /// A lane mask.
    type M: Copy;
    /// Runs `f` inside a function compiled with this instruction set's target features.
    fn vectorize<R>(self, f: impl FnOnce() -> R) -> R;
    /// All lanes equal to `x`.
    fn splat(self, x: f64) -> Self::V;
    /// Loads the first `LANES` values of `s` (panics if `s` is shorter).
    fn load(self, s: &[f64]) -> Self::V;
    /// Stores into the first `LANES` values of `s` (panics if `s` is shorter).
    fn store(self, s: &mut [f64], v: Self::V);
    /// a + b.
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    /// a - b.
    fn sub(self, a: Self::V, b: Self::V) -> Self::V;
    /// a * b.
    fn mul(self, a: Self::V, b: Self::V) -> Self::V;
    /// a / b (correctly rounded).
    fn div(self, a: Self::V, b: Self::V) -> Self::V;
    /// a * b + c (fused where the hardware has FMA).
    fn mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// The exact error a * b - p of the rounded product p = a * b (finite, no underflow):
    /// one FMA where the hardware has it, Dekker's product otherwise.
    fn mul_err(self, a: Self::V, b: Self::V, p: Self::V) -> Self::V;
    /// `table[i]` lane-wise, where i is the lowest 4 bits of the lane's bit pattern (a lane
    /// `ROUND_MAGIC + j` for an integer j holds j mod 16 there).
    fn lookup16(self, table: &[f64; 16], idx: Self::V) -> Self::V;
    /// Lane-wise maximum (for non-NaN inputs).
    fn max(self, a: Self::V, b: Self::V) -> Self::V;
    /// |a|.
    fn abs(self, a: Self::V) -> Self::V;
    /// sqrt(a) (correctly rounded).
    fn sqrt(self, a: Self::V) -> Self::V;
    /// 2^n for lanes holding integers n in [-1022, 1023].
    fn pow2i(self, n: Self::V) -> Self::V;
    /// x 2^n for lanes holding integers n in [-2044, 2046], rounded once (also into the
    /// subnormals): x 2^n1 2^n2 with n1 = round(n / 2), whose first product is exact.
    #[inline(always)]
    fn scale2(self, x: Self::V, n: Self::V) -> Self::V {
        const MAGIC: f64 = 6_755_399_441_055_744.0;
        let magic = self.splat(MAGIC);
        let n1 = self.sub(self.mul_add(n, self.splat(0.5), magic), magic);
        let n2 = self.sub(n, n1);
        self.mul(self.mul(x, self.pow2i(n1)), self.pow2i(n2))
    }
    /// a < b.
    fn lt(self, a: Self::V, b: Self::V) -> Self::M;
    /// a <= b.
    fn le(self, a: Self::V, b: Self::V) -> Self::M;
    /// a == b.
    fn eq(self, a: Self::V, b: Self::V) -> Self::M;
    /// m ? a : b, lane-wise.
    fn select(self, m: Self::M, a: Self::V, b: Self::V) -> Self::V;
    /// Sum of the lanes.
    fn reduce_add(self, a: Self::V) -> f64;
}

/// Plain f64, one lane, no FMA (a portable fallback that runs everywhere).
#[derive(Debug, Clone, Copy, Default)]
pub struct Scalar;

impl Simd for Scalar {
    const LANES: usize = 1;
    type V = f64;
    type M = bool;
    #[inline(always)]
    fn vectorize<R>(self, f: impl FnOnce() -> R) -> R {
        f()
    }
    #[inline(always)]
    fn splat(self, x: f64) -> f64 {
        x
    }
    #[inline(always)]
    fn load(self, s: &[f64]) -> f64 {
        s[0]
    }
    #[inline(always)]
    fn store(self, s: &mut [f64], v: f64) {
        s[0] = v;
    }
    #[inline(always)]
    fn add(self, a: f64, b: f64) -> f64 {
        a + b
    }
    #[inline(always)]
    fn sub(self, a: f64, b: f64) -> f64 {
        a - b
    }
    #[inline(always)]
    fn mul(self, a: f64, b: f64) -> f64 {
        a * b
    }
    #[inline(always)]
    fn div(self, a: f64, b: f64) -> f64 {
        a / b
    }
    #[inline(always)]
    fn mul_add(self, a: f64, b: f64, c: f64) -> f64 {
        a * b + c
    }
    #[inline(always)]
    fn mul_err(self, a: f64, b: f64, p: f64) -> f64 {
        // Dekker: split each factor into two halves of at most 26 bits (Veltkamp), whose
        // partial products are exact; summed from the largest, the error is exact.
        fn split(x: f64) -> (f64, f64) {
            let t = 134_217_729.0 * x; // 2^27 + 1
            let hi = t - (t - x);
            (hi, x - hi)
        }
        let (ah, al) = split(a);
        let (bh, bl) = split(b);
        ((ah * bh - p) + ah * bl + al * bh) + al * bl
    }
    #[inline(always)]
    fn lookup16(self, table: &[f64; 16], idx: f64) -> f64 {
        table[(idx.to_bits() & 15) as usize]
    }
    #[inline(always)]
    fn max(self, a: f64, b: f64) -> f64 {
        if a > b { a } else { b }
    }
    #[inline(always)]
    fn abs(self, a: f64) -> f64 {
        a.abs()
    }
    #[inline(always)]
    fn sqrt(self, a: f64) -> f64 {
        a.sqrt()
    }
    #[inline(always)]
    fn pow2i(self, n: f64) -> f64 {
        // n is an integer in [-1022, 1023]: place n + 1023 in the exponent field.
        f64::from_bits(((n as i64).wrapping_add(1023) as u64 & 0x7ff) << 52)
    }
    #[inline(always)]
    fn lt(self, a: f64, b: f64) -> bool {
        a < b
    }
    #[inline(always)]
    fn le(self, a: f64, b: f64) -> bool {
        a <= b
    }
    #[inline(always)]
    fn eq(self, a: f64, b: f64) -> bool {
        a == b
    }
    #[inline(always)]
    fn select(self, m: bool, a: f64, b: f64) -> f64 {
        if m { a } else { b }
    }
    #[inline(always)]
    fn reduce_add(self, a: f64) -> f64 {
        a
    }
}

#[cfg(target_arch = "x86_64")]
pub use x86::{Avx2, Avx512};

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::Simd;
    use std::arch::x86_64::*;

    /// 2^52 + 1023 as a double: adding it to a small integer-valued double leaves
    /// n + 1023 in the low mantissa bits, which a 52-bit shift moves into the exponent.
    const POW2_MAGIC: f64 = 4503599627371519.0;

    /// AVX2 + FMA, 4 lanes. Exists only where the CPU has both (see [`Avx2::new`]).
    #[derive(Debug, Clone, Copy)]
    pub struct Avx2 {
        _private: (),
    }

    impl Avx2 {
        /// The token, if this CPU has AVX2 and FMA.
        pub fn new() -> Option<Self> {
            (is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"))
                .then_some(Avx2 { _private: () })
        }
    }

    #[target_feature(enable = "avx2,fma")]
    fn run_avx2<R>(f: impl FnOnce() -> R) -> R {
        f()
    }

    impl Simd for Avx2 {
        const LANES: usize = 4;
        type V = __m256d;
        type M = __m256d;
        #[inline(always)]
        fn vectorize<R>(self, f: impl FnOnce() -> R) -> R {
            // SAFETY: an Avx2 token exists only if AVX2 and FMA were detected.
            unsafe { run_avx2(f) }
        }
        #[inline(always)]
        fn splat(self, x: f64) -> __m256d {
            // SAFETY: AVX2 detected (token invariant).
            unsafe { _mm256_set1_pd(x) }
        }
        #[inline(always)]
        fn load(self, s: &[f64]) -> __m256d {
            let s = &s[..4];
            // SAFETY: 4 in-bounds f64 (checked by the slice above); AVX detected.
            unsafe { _mm256_loadu_pd(s.as_ptr()) }
        }
        #[inline(always)]
        fn store(self, s: &mut [f64], v: __m256d) {
            let s = &mut s[..4];
            // SAFETY: 4 in-bounds f64 (checked by the slice above); AVX detected.
            unsafe { _mm256_storeu_pd(s.as_mut_ptr(), v) }
        }
        #[inline(always)]
        fn add(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: AVX detected (token invariant).
            unsafe { _mm256_add_pd(a, b) }
        }
        #[inline(always)]
        fn sub(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: AVX detected (token invariant).
            unsafe { _mm256_sub_pd(a, b) }
        }
        #[inline(always)]
        fn mul(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: AVX detected (token invariant).
            unsafe { _mm256_mul_pd(a, b) }
        }
        #[inline(always)]
        fn div(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: AVX detected (token invariant).
            unsafe { _mm256_div_pd(a, b) }
        }
        #[inline(always)]
        fn mul_add(self, a: __m256d, b: __m256d, c: __m256d) -> __m256d {
            // SAFETY: FMA detected (token invariant).
            unsafe { _mm256_fmadd_pd(a, b, c) }
        }
        #[inline(always)]
        fn mul_err(self, a: __m256d, b: __m256d, p: __m256d) -> __m256d {
            // SAFETY: FMA detected (token invariant).
            unsafe { _mm256_fmsub_pd(a, b, p) }
        }
        #[inline(always)]
        fn lookup16(self, table: &[f64; 16], idx: __m256d) -> __m256d {
            // SAFETY: AVX2 detected (token invariant); the indices are masked to 0..16, in
            // bounds of the 16-entry table.
            unsafe {
                let i = _mm256_and_si256(_mm256_castpd_si256(idx), _mm256_set1_epi64x(15));
                _mm256_i64gather_pd::<8>(table.as_ptr(), i)
            }
        }
        #[inline(always)]
        fn max(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: AVX detected (token invariant).
            unsafe { _mm256_max_pd(a, b) }
        }
        #[inline(always)]
        fn abs(self, a: __m256d) -> __m256d {
            // SAFETY: AVX detected (token invariant).
            unsafe { _mm256_andnot_pd(_mm256_set1_pd(-0.0), a) }
        }
        #[inline(always)]
        fn sqrt(self, a: __m256d) -> __m256d {
            // SAFETY: AVX detected (token invariant).
            unsafe { _mm256_sqrt_pd(a) }
        }
        #[inline(always)]
        fn pow2i(self, n: __m256d) -> __m256d {
            // SAFETY: AVX2 detected (token invariant).
            unsafe {
                let t = _mm256_add_pd(n, _mm256_set1_pd(POW2_MAGIC));
                _mm256_castsi256_pd(_mm256_slli_epi64::<52>(_mm256_castpd_si256(t)))
            }
        }
        #[inline(always)]
        fn lt(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: AVX detected (token invariant).
            unsafe { _mm256_cmp_pd::<_CMP_LT_OQ>(a, b) }
        }
        #[inline(always)]
        fn le(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: AVX detected (token invariant).
            unsafe { _mm256_cmp_pd::<_CMP_LE_OQ>(a, b) }
        }
        #[inline(always)]
        fn eq(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: AVX detected (token invariant).
            unsafe { _mm256_cmp_pd::<_CMP_EQ_OQ>(a, b) }
        }
        #[inline(always)]
        fn select(self, m: __m256d, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: AVX detected (token invariant).
            unsafe { _mm256_blendv_pd(b, a, m) }
        }
        #[inline(always)]
        fn reduce_add(self, a: __m256d) -> f64 {
            // SAFETY: AVX detected (token invariant).
            unsafe {
                let lo = _mm256_castpd256_pd128(a);
                let hi = _mm256_extractf128_pd::<1>(a);
                let s = _mm_add_pd(lo, hi);
                let h = _mm_unpackhi_pd(s, s);
                _mm_cvtsd_f64(_mm_add_sd(s, h))
            }
        }
    }

    /// AVX-512 (F + DQ) with FMA, 8 lanes. Exists only where the CPU has them.
    #[derive(Debug, Clone, Copy)]
    pub struct Avx512 {
        _private: (),
    }

    impl Avx512 {
        /// The token, if this CPU has AVX-512 F and DQ, AVX2 and FMA.
        pub fn new() -> Option<Self> {
            (is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx512dq")
                && is_x86_feature_detected!("avx2")
                && is_x86_feature_detected!("fma"))
            .then_some(Avx512 { _private: () })
        }
    }

    #[target_feature(enable = "avx512f,avx512dq,avx2,fma")]
    fn run_avx512<R>(f: impl FnOnce() -> R) -> R {
        f()
    }

    impl Simd for Avx512 {
        const LANES: usize = 8;
        type V = __m512d;
        type M = __mmask8;
        #[inline(always)]
        fn vectorize<R>(self, f: impl FnOnce() -> R) -> R {
            // SAFETY: an Avx512 token exists only if AVX-512 F/DQ, AVX2 and FMA were detected.
            unsafe { run_avx512(f) }
        }
        #[inline(always)]
        fn splat(self, x: f64) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_set1_pd(x) }
        }
        #[inline(always)]
        fn load(self, s: &[f64]) -> __m512d {
            let s = &s[..8];
            // SAFETY: 8 in-bounds f64 (checked by the slice above); AVX-512F detected.
            unsafe { _mm512_loadu_pd(s.as_ptr()) }
        }
        #[inline(always)]
        fn store(self, s: &mut [f64], v: __m512d) {
            let s = &mut s[..8];
            // SAFETY: 8 in-bounds f64 (checked by the slice above); AVX-512F detected.
            unsafe { _mm512_storeu_pd(s.as_mut_ptr(), v) }
        }
        #[inline(always)]
        fn add(self, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_add_pd(a, b) }
        }
        #[inline(always)]
        fn sub(self, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_sub_pd(a, b) }
        }
        #[inline(always)]
        fn mul(self, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_mul_pd(a, b) }
        }
        #[inline(always)]
        fn div(self, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_div_pd(a, b) }
        }
        #[inline(always)]
        fn mul_add(self, a: __m512d, b: __m512d, c: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_fmadd_pd(a, b, c) }
        }
        #[inline(always)]
        fn mul_err(self, a: __m512d, b: __m512d, p: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_fmsub_pd(a, b, p) }
        }
        #[inline(always)]
        fn lookup16(self, table: &[f64; 16], idx: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant); two in-bounds loads of 8 f64.
            // vpermt2pd reads only the lowest 4 bits of each index (bit 3 picks the half).
            unsafe {
                let lo = _mm512_loadu_pd(table.as_ptr());
                let hi = _mm512_loadu_pd(table.as_ptr().add(8));
                _mm512_permutex2var_pd(lo, _mm512_castpd_si512(idx), hi)
            }
        }
        #[inline(always)]
        fn max(self, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_max_pd(a, b) }
        }
        #[inline(always)]
        fn abs(self, a: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_abs_pd(a) }
        }
        #[inline(always)]
        fn sqrt(self, a: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_sqrt_pd(a) }
        }
        #[inline(always)]
        fn pow2i(self, n: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe {
                let t = _mm512_add_pd(n, _mm512_set1_pd(POW2_MAGIC));
                _mm512_castsi512_pd(_mm512_slli_epi64::<52>(_mm512_castpd_si512(t)))
            }
        }
        #[inline(always)]
        fn scale2(self, x: __m512d, n: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant). vscalefpd: x 2^floor(n), one
            // rounding, subnormal results included.
            unsafe { _mm512_scalef_pd(x, n) }
        }
        #[inline(always)]
        fn lt(self, a: __m512d, b: __m512d) -> __mmask8 {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, b) }
        }
        #[inline(always)]
        fn le(self, a: __m512d, b: __m512d) -> __mmask8 {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_cmp_pd_mask::<_CMP_LE_OQ>(a, b) }
        }
        #[inline(always)]
        fn eq(self, a: __m512d, b: __m512d) -> __mmask8 {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(a, b) }
        }
        #[inline(always)]
        fn select(self, m: __mmask8, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_mask_blend_pd(m, b, a) }
        }
        #[inline(always)]
        fn reduce_add(self, a: __m512d) -> f64 {
            // SAFETY: AVX-512F detected (token invariant).
            unsafe { _mm512_reduce_add_pd(a) }
        }
    }
}
