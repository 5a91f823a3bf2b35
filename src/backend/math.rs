//! Vectorised `exp` on (-inf, 0] and `ln_1p` on [0, 1]: exactly the ranges the shannon
//! two-way log-sum-exp needs (`e = exp(-|p - s| / gamma)`, then `ln(1 + e)`).
//!
//! Both are written once over [`Simd`] with only + - * /, table lookups and a power-of-two
//! scaling, so every backend evaluates the same formulas. Accuracy (tested in this module against `std`
//! on millions of inputs and at the edges): within 2 ulp, about 1 ulp in practice.
//!
//! * exp: x = (16 n + j) ln2/16 + r with N = 16 n + j = round(16 x / ln2), j in 0..15,
//!   |r| <= ln2/32 (Cody-Waite reduction with a split ln2 whose high part has trailing zero
//!   bits, so N * LN2_HI/16 is exact); exp(r) by its Taylor polynomial of degree 7
//!   (truncation below 2e-18) times 2^(j/16) from a 16-entry table (in two parts); the
//!   result scaled by 2^n in two steps so that subnormal results are rounded once. Inputs
//!   below -746 give 0.
//! * ln_1p: u = 1 + e rounded, with its exact rounding error c = e - (u - 1); j = round(15 e)
//!   picks a factor r_j = 15 / (15 + j) from a table, x = u r_j - 1 is exact and small
//!   (|x| <= 1/30), and ln(1 + e) is -ln r_j plus ln(1 + x) plus (error of the product u r_j)
//!   / (1 + x) plus c / u, with ln(1 + x) by its Taylor series to degree 11. No division on
//!   the way to the result; the reciprocal 1 / (1 + e) the shannon kernels also need is one
//!   division beside it (see [`ln_1p_unit`]).

use super::simd::Simd;

const LOG2E: f64 = std::f64::consts::LOG2_E;
/// High part of ln 2 with 32 significant bits (n * LN2_HI is exact for |n| < 2^21).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
/// ln 2 - LN2_HI.
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
/// 1.5 * 2^52: adding and subtracting it rounds to the nearest integer (ties to even).
const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;

/// 2^(j/16), j = 0..15, as `EXP2_HI[j] + EXP2_LO[j]` (about 107 bits; computed to 60 digits,
/// checked by the test `exp2_table_raised_to_the_16th_is_a_power_of_two`).
const EXP2_HI: [f64; 16] = [
    1.0,
    1.044_273_782_427_413_8,
    1.090_507_732_665_257_7,
    1.138_788_634_756_691_6,
    1.189_207_115_002_721,
    1.241_857_812_073_484,
    1.296_839_554_651_009_6,
    1.354_255_546_936_892_7,
    std::f64::consts::SQRT_2,
    1.476_826_145_939_499_3,
    1.542_210_825_407_940_7,
    1.610_490_331_949_254_3,
    1.681_792_830_507_429,
    1.756_252_160_373_299_5,
    1.834_008_086_409_342_4,
    1.915_206_561_397_147_4,
];
/// See [`EXP2_HI`].
const EXP2_LO: [f64; 16] = [
    0.0,
    8.551_889_705_537_965e-17,
    -3.046_782_079_812_471e-17,
    8.912_812_676_025_408e-17,
    3.982_015_231_465_646e-17,
    4.658_027_591_836_937e-17,
    2.538_250_279_488_831_5e-17,
    7.700_948_379_802_99e-17,
    -9.667_293_313_452_913e-17,
    -3.483_994_556_892_796e-17,
    7.949_834_809_697_621e-17,
    2.470_719_256_979_788_8e-17,
    8.199_010_020_581_497e-17,
    2.960_140_695_448_873e-17,
    3.283_107_224_245_627e-17,
    -1.061_994_605_619_596_3e-16,
];

/// exp(x) for x in [-inf, 0]; 0 below -746. NaN lanes give unspecified values.
///
/// N = round(16 x / ln 2) = 16 n + j (j = N mod 16, n = (N - j) / 16), r = x - N ln2/16 with
/// |r| <= ln2/32, exp(x) = 2^n 2^(j/16) exp(r): the table makes the polynomial degree 7
/// instead of 13 (a shorter chain for the shannon row, see [`ln_1p_unit`]).
#[inline(always)]
pub fn exp_nonpos<S: Simd>(s: S, x: S::V) -> S::V {
    let x = s.max(x, s.splat(-746.0));
    let magic = s.splat(ROUND_MAGIC);
    // t = MAGIC + N: its lowest 4 bits are N mod 16 (MAGIC is a multiple of 16).
    let t = s.mul_add(x, s.splat(16.0 * LOG2E), magic);
    let nn = s.sub(t, magic);
    // r = x - N ln2/16 in two steps; N LN2_HI/16 is exact (|N| < 2^15, LN2_HI has 32
    // significant bits), so the first step rounds once with or without FMA.
    let r = s.mul_add(nn, s.splat(-LN2_HI / 16.0), x);
    let r = s.mul_add(nn, s.splat(-LN2_LO / 16.0), r);
    // n = round(N/16 - 15/32) = floor(N/16): N/16 - 15/32 is exact and never a tie.
    let n = s.sub(
        s.add(s.mul_add(nn, s.splat(0.0625), s.splat(-0.468_75)), magic),
        magic,
    );
    let (t_hi, t_lo) = (s.lookup16(&EXP2_HI, t), s.lookup16(&EXP2_LO, t));
    // exp(r) - 1 = r + r^2 p(r), p(r) = sum_{k=0..5} r^k / (k + 2)! (Taylor to degree 7,
    // truncation below 2e-18), by Estrin's scheme.
    let r2 = s.mul(r, r);
    let r4 = s.mul(r2, r2);
    let b0 = s.mul_add(s.splat(1.0 / 6.0), r, s.splat(0.5));
    let b1 = s.mul_add(s.splat(1.0 / 120.0), r, s.splat(1.0 / 24.0));
    let b2 = s.mul_add(s.splat(1.0 / 5_040.0), r, s.splat(1.0 / 720.0));
    let p = s.mul_add(b2, r4, s.mul_add(b1, r2, b0));
    let em1 = s.mul_add(r2, p, r);
    // 2^(j/16) exp(r) = hi + (hi (exp(r) - 1) + lo), lo (exp(r) - 1) below 2^-58 dropped.
    let er = s.add(t_hi, s.mul_add(t_hi, em1, t_lo));
    // Scale by 2^n, n in [-1077, 0], rounding once (into the subnormals if need be).
    s.scale2(er, n)
}

/// The reduction factors of [`ln_1p_unit`]: `RED[j]` = 15 / (15 + j) rounded, j = 0..15.
const RED: [f64; 16] = {
    let mut t = [0.0; 16];
    let mut j = 0;
    while j < 16 {
        t[j] = 15.0 / (15.0 + j as f64);
        j += 1;
    }
    t
};
/// -ln(RED[j]) (of the rounded factor) to about 107 bits, as `LN_HI[j] + LN_LO[j]`
/// (computed to 60 digits; the test `ln_table_is_minus_the_log_of_the_factors` recomputes
/// them in double-double).
const LN_HI: [f64; 16] = [
    0.0,
    0.064_538_521_137_571_18,
    0.125_163_142_954_006_05,
    0.182_321_556_793_954_6,
    0.236_388_778_064_230_4,
    0.287_682_072_451_780_9,
    0.336_472_236_621_212_9,
    0.382_992_252_256_105_84,
    0.427_444_014_826_939_6,
    0.470_003_629_245_735_6,
    0.510_825_623_765_990_7,
    0.550_046_336_919_272_1,
    0.587_786_664_902_119,
    0.624_154_309_072_993_9,
    0.659_245_628_884_263_9,
    std::f64::consts::LN_2,
];
/// See [`LN_HI`].
const LN_LO: [f64; 16] = [
    0.0,
    -6.470_486_661_692_933e-18,
    -1.977_712_360_111_645e-18,
    -1.044_321_279_801_519_1e-17,
    -1.341_812_633_655_86e-17,
    2.607_160_616_442_564e-17,
    1.374_173_590_694_474_8e-17,
    2.527_022_197_490_479e-17,
    -1.132_458_355_229_289e-18,
    -2.322_941_249_547_003_2e-17,
    -1.523_381_509_985_101_4e-18,
    -3.659_934_424_604_737e-18,
    1.443_122_479_165_108e-17,
    3.611_259_865_595_32e-17,
    3.781_233_647_982_255e-17,
    2.319_046_813_846_299_6e-17,
];

/// (ln(1 + e), 1 / (1 + e)) for e in [0, 1]: the shannon kernels share the reciprocal with
/// the choice probability e / (1 + e).
///
/// No division on the way to the logarithm (a division's latency dominated the chain that
/// bounds the shannon row): u = 1 + e rounded, c = e - (u - 1) its exact error; with
/// j = round(15 e) and the table factor r_j = 15 / (15 + j) rounded, u r_j = 1 + x + x_err
/// where x = u r_j - 1 is exact (u r_j is within 1/30 of 1) and x_err the exact error of
/// the product, so |x| <= 1/30 and
///
///   ln(1 + e) = -ln r_j + ln(1 + x) + x_err (1 - x) + c / u  (dropped terms below 2^-61),
///
/// with ln(1 + x) = x - x^2/2 + x^3 P(x) by its Taylor series to degree 11 (truncation
/// below 5e-18 relative), and -ln r_j + x summed exactly (|x| <= -ln r_j for j >= 1).
#[inline(always)]
pub fn ln_1p_unit<S: Simd>(s: S, e: S::V) -> (S::V, S::V) {
    let one = s.splat(1.0);
    let u = s.add(one, e);
    let inv_u = s.div(one, u);
    // c: the rounding error of u = 1 + e (exact: u - 1 is exact for u in [1, 2]).
    let c = s.sub(e, s.sub(u, one));
    let j = s.mul_add(e, s.splat(15.0), s.splat(ROUND_MAGIC));
    let rj = s.lookup16(&RED, j);
    let (l_hi, l_lo) = (s.lookup16(&LN_HI, j), s.lookup16(&LN_LO, j));
    let pr = s.mul(u, rj);
    let x_err = s.mul_err(u, rj, pr);
    let x = s.sub(pr, one);
    // P(x) = sum_{k=3..11} (-1)^(k+1) x^(k-3) / k, by Estrin's scheme.
    let a = |k: usize| s.splat(if k % 2 == 1 { 1.0 } else { -1.0 } / k as f64);
    let x2 = s.mul(x, x);
    let x4 = s.mul(x2, x2);
    let x8 = s.mul(x4, x4);
    let b0 = s.mul_add(a(4), x, a(3));
    let b1 = s.mul_add(a(6), x, a(5));
    let b2 = s.mul_add(a(8), x, a(7));
    let b3 = s.mul_add(a(10), x, a(9));
    let c0 = s.mul_add(b1, x2, b0);
    let c1 = s.mul_add(b3, x2, b2);
    let p = s.mul_add(a(11), x8, s.mul_add(c1, x4, c0));
    let tail = s.mul_add(s.mul(x2, x), p, s.mul(x2, s.splat(-0.5)));
    // -ln r_j + x = hi + hi_err exactly (Fast2Sum; hi = x, hi_err = 0 when j = 0).
    let hi = s.add(l_hi, x);
    let hi_err = s.sub(x, s.sub(hi, l_hi));
    let low = s.add(
        s.add(l_lo, s.mul(c, inv_u)),
        s.add(s.mul_add(s.sub(s.splat(0.0), x_err), x, x_err), hi_err),
    );
    (s.add(hi, s.add(tail, low)), inv_u)
}

/// The bare two-way log-sum-exp `max(a, b) + gamma ln(1 + exp(-|a - b| / gamma))` over
/// arrays (finite inputs), with the same vectorised exp and ln_1p as the shannon kernels:
/// the yardstick `diffknap bench` compares the shannon forward pass with.
pub fn lse2<S: Simd>(s: S, a: &[f64], b: &[f64], gamma: f64, out: &mut [f64]) {
    s.vectorize(
        #[inline(always)]
        || {
            let len = out.len().min(a.len()).min(b.len());
            let l = S::LANES;
            let neg_inv_g = s.splat(-1.0 / gamma);
            let g = s.splat(gamma);
            let mut i = 0;
            while i + l <= len {
                let x = s.load(&a[i..]);
                let y = s.load(&b[i..]);
                let e = exp_nonpos(s, s.mul(s.abs(s.sub(x, y)), neg_inv_g));
                let (l1p, _) = ln_1p_unit(s, e);
                let v = s.mul_add(g, l1p, s.max(x, y));
                s.store(&mut out[i..], v);
                i += l;
            }
            for j in i..len {
                let (x, y) = (a[j], b[j]);
                let e = exp_nonpos(super::simd::Scalar, -(x - y).abs() / gamma);
                out[j] = x.max(y) + gamma * ln_1p_unit(super::simd::Scalar, e).0;
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::super::simd::Scalar;
    use super::*;
    use crate::rng::Rng;

    /// Distance in units in the last place between two finite non-negative doubles.
    fn ulps(a: f64, b: f64) -> u64 {
        assert!(a >= 0.0 && b >= 0.0, "{a} {b}");
        a.to_bits().abs_diff(b.to_bits())
    }

    fn check_exp<S: Simd>(s: S, xs: &[f64]) -> u64 {
        let mut worst = 0;
        let l = S::LANES;
        let mut out = vec![0.0; l];
        for chunk in xs.chunks_exact(l) {
            s.vectorize(|| {
                let v = exp_nonpos(s, s.load(chunk));
                s.store(&mut out, v);
            });
            for (x, got) in chunk.iter().zip(&out) {
                let want = x.exp();
                let d = ulps(*got, want);
                assert!(d <= 2, "exp({x:e}) = {got:e}, std {want:e}: {d} ulp");
                worst = worst.max(d);
            }
        }
        worst
    }

    /// The worst ulp distance of ln_1p from `std`, and of the reciprocal 1 / (1 + e) from
    /// the correctly rounded 1 / u (u = 1 + e rounded, as the kernels use it).
    fn check_ln1p<S: Simd>(s: S, es: &[f64]) -> (u64, u64) {
        let mut worst = (0, 0);
        let l = S::LANES;
        let mut out = vec![0.0; l];
        let mut inv = vec![0.0; l];
        for chunk in es.chunks_exact(l) {
            s.vectorize(|| {
                let (v, r) = ln_1p_unit(s, s.load(chunk));
                s.store(&mut out, v);
                s.store(&mut inv, r);
            });
            for ((e, got), r) in chunk.iter().zip(&out).zip(&inv) {
                let want = e.ln_1p();
                let d = ulps(*got, want);
                assert!(d <= 2, "ln_1p({e:e}) = {got:e}, std {want:e}: {d} ulp");
                let want_r = 1.0 / (1.0 + e);
                let dr = ulps(*r, want_r);
                assert!(
                    dr <= 2,
                    "1 / (1 + {e:e}) = {r:e}, want {want_r:e}: {dr} ulp"
                );
                worst = (worst.0.max(d), worst.1.max(dr));
            }
        }
        worst
    }

    fn inputs() -> (Vec<f64>, Vec<f64>) {
        let mut rng = Rng::seed(11);
        let mut xs = vec![
            0.0,
            -0.0,
            f64::NEG_INFINITY,
            -746.0,
            -745.2,
            -745.1,
            -1e-300,
        ];
        let mut es = vec![
            0.0,
            1.0,
            f64::MIN_POSITIVE,
            5e-324,
            1e-300,
            1e-17,
            2f64.powi(-53),
        ];
        es.push(std::f64::consts::SQRT_2 - 1.0);
        es.push(f64::from_bits(
            (std::f64::consts::SQRT_2 - 1.0).to_bits() + 1,
        ));
        es.push(f64::from_bits(
            (std::f64::consts::SQRT_2 - 1.0).to_bits() - 1,
        ));
        for _ in 0..400_000 {
            let u = rng.uniform();
            xs.push(-u * 746.0);
            xs.push(-u);
            xs.push(-(u * 60.0 - 50.0).exp2());
            es.push(u);
            es.push((-u * 60.0).exp2());
            es.push((-u * 1070.0).exp2());
        }
        // Pad to a multiple of 8 lanes.
        while xs.len() % 8 != 0 {
            xs.push(-1.0);
        }
        while es.len() % 8 != 0 {
            es.push(0.5);
        }
        (xs, es)
    }

    // Double-double arithmetic (hi, lo) for the independent checks below: enough for 100+
    // bits on these ranges.
    fn two_sum(a: f64, b: f64) -> (f64, f64) {
        let s = a + b;
        let bb = s - a;
        (s, (a - (s - bb)) + (b - bb))
    }
    fn two_prod(a: f64, b: f64) -> (f64, f64) {
        let p = a * b;
        (p, a.mul_add(b, -p))
    }
    fn dd_mul(a: (f64, f64), x: (f64, f64)) -> (f64, f64) {
        let (p, e) = two_prod(a.0, x.0);
        let e = e + a.0 * x.1 + a.1 * x.0;
        two_sum(p, e)
    }
    fn dd_add(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
        let (s, e) = two_sum(a.0, b.0);
        two_sum(s, e + a.1 + b.1)
    }
    fn dd_div(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
        let q = a.0 / b.0;
        let r = dd_add(a, dd_mul((-q, 0.0), b));
        two_sum(q, r.0 / b.0)
    }
    fn dd_div_small(a: (f64, f64), k: f64) -> (f64, f64) {
        let q = a.0 / k;
        let (p, e) = two_prod(q, k);
        let r = (a.0 - p - e + a.1) / k;
        two_sum(q, r)
    }
    /// atanh(t) = sum_{k < terms} t^(2k+1) / (2k+1).
    fn dd_atanh(t: (f64, f64), terms: usize) -> (f64, f64) {
        let z = dd_mul(t, t);
        let mut pw = t;
        let mut acc = (0.0, 0.0);
        for k in 0..terms {
            acc = dd_add(acc, dd_div_small(pw, (2 * k + 1) as f64));
            pw = dd_mul(pw, z);
        }
        acc
    }

    #[test]
    fn exp_ln1p_and_reciprocal_within_two_ulp_on_every_isa() {
        let (xs, es) = inputs();
        let mut report = vec![("scalar", check_exp(Scalar, &xs), check_ln1p(Scalar, &es))];
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(s) = super::super::simd::Avx2::new() {
                report.push(("avx2", check_exp(s, &xs), check_ln1p(s, &es)));
            }
            if let Some(s) = super::super::simd::Avx512::new() {
                report.push(("avx512", check_exp(s, &xs), check_ln1p(s, &es)));
            }
        }
        eprintln!("worst ulp vs std (isa, exp, (ln_1p, 1 / (1 + e))): {report:?}");
    }

    #[test]
    fn exp_and_ln1p_against_high_precision_sums() {
        // Independent check on a grid: exp by its Taylor series in double-double (for
        // |x| <= 1) and ln_1p by atanh series in double-double; both within 2 ulp.
        for i in 0..=2000 {
            let x = -(i as f64) / 2000.0;
            // exp(x) = sum x^k / k!
            let mut term = (1.0, 0.0);
            let mut sum = (1.0, 0.0);
            for k in 1..40 {
                term = dd_div_small(dd_mul(term, (x, 0.0)), k as f64);
                sum = dd_add(sum, term);
            }
            let got = exp_nonpos(Scalar, x);
            assert!(ulps(got, sum.0) <= 2, "exp({x}) = {got:e} vs {:e}", sum.0);
            // ln(1 + e) = 2 atanh(e / (2 + e)), e in [0, 1].
            let e = i as f64 / 2000.0;
            let sdd = {
                let q = e / (2.0 + e);
                let (p, err) = two_prod(q, 2.0 + e);
                let r = (e - p - err) / (2.0 + e);
                two_sum(q, r)
            };
            let acc = dd_atanh(sdd, 60);
            let want = 2.0 * acc.0 + 2.0 * acc.1;
            let got = ln_1p_unit(Scalar, e).0;
            assert!(ulps(got, want) <= 2, "ln_1p({e}) = {got:e} vs {want:e}");
        }
    }

    /// The tables of `ln_1p_unit`: `LN_HI[j] + LN_LO[j]` is -ln(RED[j]) of the rounded
    /// factor, recomputed here by the atanh series in double-double
    /// (-ln r = 2 atanh((1 - r) / (1 + r))), to within 2^-100 relative; and each factor is
    /// 15 / (15 + j) rounded.
    #[test]
    fn ln_table_is_minus_the_log_of_the_factors() {
        for j in 0..16 {
            let r = RED[j];
            let want_r = 15.0 / (15.0 + j as f64);
            assert_eq!(r, want_r, "factor {j}");
            // t = (1 - r) / (1 + r) exactly enough: 1 - r and 1 + r are exact or nearly so.
            let t = dd_div(two_sum(1.0, -r), two_sum(1.0, r));
            let acc = dd_atanh(t, 40);
            let want = dd_add(acc, acc);
            let diff = dd_add((LN_HI[j], LN_LO[j]), (-want.0, -want.1));
            let d = (diff.0 + diff.1).abs();
            assert!(
                d <= want.0.abs() * 2f64.powi(-100),
                "-ln r_{j}: table {:e} + {:e}, series {:e} + {:e}",
                LN_HI[j],
                LN_LO[j],
                want.0,
                want.1
            );
        }
    }

    /// `mul_err` on the scalar path (Dekker's product) against the correctly rounded
    /// `f64::mul_add`, and on the vector paths (one FMA) against the scalar path.
    /// `EXP2_HI[j] + EXP2_LO[j]` raised to the 16th power (four squarings in double-double)
    /// is 2^j to within 2^-98 relative.
    #[test]
    fn exp2_table_raised_to_the_16th_is_a_power_of_two() {
        let sq = |a| dd_mul(a, a);
        for j in 0..16 {
            let t = sq(sq(sq(sq((EXP2_HI[j], EXP2_LO[j])))));
            let want = 2f64.powi(j as i32);
            let d = ((t.0 - want) + t.1).abs();
            assert!(d <= want * 2f64.powi(-98), "2^({j}/16): off by {d:e}");
        }
    }

    #[test]
    fn mul_err_is_the_exact_product_error() {
        let mut rng = Rng::seed(5);
        let mut xs = vec![(1.0, 1.0), (1.5, 0.7), (1.999_999_999_999_999_8, 0.5)];
        for _ in 0..100_000 {
            xs.push((1.0 + rng.uniform(), 0.5 + 0.5 * rng.uniform()));
            xs.push(((rng.uniform() - 0.5) * 1e6, (rng.uniform() - 0.5) * 1e-3));
        }
        for &(a, b) in &xs {
            let p = a * b;
            assert_eq!(Scalar.mul_err(a, b, p), a.mul_add(b, -p), "{a:e} * {b:e}");
        }
        #[cfg(target_arch = "x86_64")]
        {
            fn vec_err<S: Simd>(s: S, xs: &[(f64, f64)]) {
                let l = S::LANES;
                let (mut out, mut av, mut bv) = (vec![0.0; l], vec![0.0; l], vec![0.0; l]);
                for chunk in xs.chunks_exact(l) {
                    for (k, &(a, b)) in chunk.iter().enumerate() {
                        av[k] = a;
                        bv[k] = b;
                    }
                    s.vectorize(|| {
                        let (a, b) = (s.load(&av), s.load(&bv));
                        s.store(&mut out, s.mul_err(a, b, s.mul(a, b)));
                    });
                    for (k, &(a, b)) in chunk.iter().enumerate() {
                        assert_eq!(out[k], Scalar.mul_err(a, b, a * b), "{a:e} * {b:e}");
                    }
                }
            }
            if let Some(s) = super::super::simd::Avx2::new() {
                vec_err(s, &xs);
            }
            if let Some(s) = super::super::simd::Avx512::new() {
                vec_err(s, &xs);
            }
        }
    }

    #[test]
    fn lse2_matches_the_formula() {
        // 37 values: on the vector paths the last 1 (AVX2: 37 = 9 * 4 + 1) or 5 (AVX-512:
        // 37 = 4 * 8 + 5) go through the scalar tail.
        fn check<S: Simd>(s: S) {
            let a: Vec<f64> = (0..37).map(|i| (i as f64 * 0.37).sin() * 3.0).collect();
            let b: Vec<f64> = (0..37).map(|i| (i as f64 * 0.11).cos() * 2.0).collect();
            let mut out = vec![0.0; 37];
            lse2(s, &a, &b, 0.3, &mut out);
            for i in 0..37 {
                let want = a[i].max(b[i]) + 0.3 * (-(a[i] - b[i]).abs() / 0.3).exp().ln_1p();
                assert!(
                    (out[i] - want).abs() <= 1e-15 * want.abs().max(1.0),
                    "lse2[{i}] = {}, want {want}",
                    out[i]
                );
            }
        }
        check(Scalar);
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(s) = super::super::simd::Avx2::new() {
                check(s);
            }
            if let Some(s) = super::super::simd::Avx512::new() {
                check(s);
            }
        }
    }
}
