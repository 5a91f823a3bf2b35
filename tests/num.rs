//! Number-type properties (quickcheck): exact parsing and printing of rationals, and the
//! rational-to-f64 conversion the CLI uses to print exact results as numbers.

use diffknap::num::Num;
use diffknap::num::rational::{Rational, format_rational, parse_rational, rational_to_f64};
use quickcheck::{TestResult, quickcheck};

quickcheck! {
    /// "p/q" printing and parsing round-trip exactly.
    fn fraction_round_trips(p: i64, q: i64) -> TestResult {
        if q == 0 {
            return TestResult::discard();
        }
        let r = Rational::new(p.into(), q.into());
        TestResult::from_bool(parse_rational(&format_rational(&r), "x").unwrap() == r)
    }

    /// A finite f64 printed in shortest round-trip decimal parses to a rational whose nearest
    /// f64 is the original (Rust's Display is shortest-round-trip, so this tests that the
    /// decimal is read exactly and rounded to nearest).
    fn decimal_reads_exactly_and_rounds_to_nearest(x: f64) -> TestResult {
        if !x.is_finite() {
            return TestResult::discard();
        }
        let r = parse_rational(&format!("{x:e}"), "x").unwrap();
        TestResult::from_bool(rational_to_f64(&r) == x)
    }

    /// from_f64 is exact: converting back gives the same double.
    fn from_f64_is_exact(x: f64) -> TestResult {
        if !x.is_finite() {
            return TestResult::discard();
        }
        TestResult::from_bool(Rational::from_f64(x).to_f64() == x)
    }
}
