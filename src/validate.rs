//! Checking another implementation's answers against certified truth (the logic of
//! `diffknap validate`, shared with the Python package and the fuzzing harness).
//!
//! Each input line is a `relax` input (`constraint`, `regularizer`, `gamma`, `capacity` or
//! `k`, `theta`, `weights`, optional `z`) plus the answers to check: any of `value` (alias
//! `values`, the paper's name), `y` (alias `marginals`) and `vjp` (alias `jvp`; needs `z`). With `--answers FILE` the answers
//! come from the lines of a second file instead, matched by position (blank lines skipped;
//! when both lines carry an `id` they must be equal), so that `diffknap vectors` output and
//! the answers of `diffknap relax` (or any implementation that writes `value`, `y`, `vjp`
//! per line) can be checked without merging files.
//!
//! For every number x of a field the exact result t is enclosed in an interval [lo, hi] of
//! width at most 1e-30 (absolute or relative), and
//! - `abs_err` = distance from x to [lo, hi] (0 if inside), a lower bound on |x - t| that is
//!   within 1e-30 of it;
//! - `rel_err` = abs_err / min |t| over [lo, hi] (`null` when that is 0 and abs_err > 0);
//! - `ulps` = abs_err / ulp(t'), with t' the end of [lo, hi] nearest to x and
//!   ulp(t') = 2^(floor(log2 |t'|) - 52) (2^-1074 below the normal range): the error counted
//!   in `f64` spacings of the true value. Where t' is exactly 0 (an exact zero of the
//!   operator, e.g. a VJP entry of a clipped item) the spacing at the largest |t| of the
//!   field is used instead (at 1 if the whole field is 0), so that a harmless 1e-17 next to
//!   an exact zero reads as a fraction of an ulp rather than 1e307 ulps.
//!
//! - `scale_ulps` = abs_err / ulp(max(S, atol / rtol)), with S the field's scale (|V| for
//!   `value`, the largest |t| of the field for `y` and `vjp`): the error in `f64` spacings of
//!   the field as a whole. The summary reports this unit (and the fraction of the tolerance
//!   used), so a tiny true value never turns a harmless error into an astronomical count; a
//!   passing field has `scale_ulps` below about 2 rtol 2^52.
//! - A non-finite answer (NaN, Infinity, -Infinity, as Python's json writes them) is a failed
//!   number, counted in `nonfinite` and named by its index.
//!
//! Kinks: at a gini kink (|p - s| = gamma in some feasible cell) y is continuous but its
//! Jacobian jumps, so the VJP is not defined there. A `vjp` that fails against the certified
//! VJP (which takes q' = 0 where q is exactly 0 or 1) but lies, entry by entry, between the two
//! one-sided derivatives of y along z (within the tolerance) is reported as "acceptable, kink"
//! (`"kink": true`, line verdict `acceptable`), the way Wycheproof marks acceptable results; a
//! JAX port whose clip splits the gradient lands there. Tsallis 1.5 needs no such rule: its q
//! has derivative (1 - c^2) / sqrt(2 - c^2) in c = (p - s) / (2 gamma), which vanishes at the
//! kink c = 1 from both sides, so y is continuously differentiable.
//!
//! Verdict of a number: pass iff abs_err <= atol + rtol * s, where s = |t'| for `value` and
//! `y`, and s = max(max_j |vjp_j|, max_j |z_j| / gamma) for `vjp`, whose small entries come
//! from cancellation: every q' is at most 1 / (2 gamma), so an f64 rounding of a choice
//! probability near 0 or 1 reaches the VJP multiplied by about |z| / gamma, and a VJP entry
//! below that scale (say 1e-12 where q rounds to 1) is known to a correct f64 code only to
//! about eps |z| / gamma. (Found by `diffknap fuzz` on a tsallis instance one ulp from its kink.) A line passes iff every number of every field given passes; the exit
//! status is 0 iff every line passes. A line that cannot be checked (bad JSON, a missing or
//! invalid field, a wrong length) gets an error row naming the field and the rule, counts as
//! failed, and the other lines are still checked.

use crate::certified::{self, Interval, Target, relax_certified};
use crate::error::{Error, Result, invalid};
use crate::jsonl::{BufferedLen, Limits, Line, Reader};
use crate::num::Num;
use crate::num::rational::{Rational, rational_to_f64};
use crate::reg::RegKind;
use crate::request::json::{self, f64_of};
use crate::request::relax::parse_request;
use num_traits::{Signed, Zero};
use serde_json::{Map, Value, json};
use std::io::BufRead;

/// Default relative tolerance: about 4.5e6 ulps, far above the rounding error of a correct
/// `f64` implementation on the conditioning that `diffknap vectors` generates, and far below
/// a wrong formula or a 1e-6 perturbation.
pub const DEFAULT_RTOL: f64 = 1e-9;
/// Default absolute tolerance (in the units of the field; for `vjp` it multiplies nothing:
/// the relative part is scaled by the size of the VJP).
pub const DEFAULT_ATOL: f64 = 1e-12;

/// Tolerances of the verdict.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Relative tolerance.
    pub rtol: f64,
    /// Absolute tolerance.
    pub atol: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            rtol: DEFAULT_RTOL,
            atol: DEFAULT_ATOL,
        }
    }
}

/// The result of checking one field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldReport {
    /// `value`, `y` or `vjp`.
    pub field: &'static str,
    /// Number of entries checked.
    pub len: usize,
    /// Largest distance to the enclosure.
    pub max_abs_err: f64,
    /// Largest relative error (`None`: infinite, the truth may be 0 and the answer is not).
    pub max_rel_err: Option<f64>,
    /// Largest error in ulps of the true value.
    pub max_ulps: f64,
    /// Index of the entry with the largest ulps error (`None` for the scalar `value`, and when
    /// every entry is inside its enclosure).
    pub worst: Option<usize>,
    /// Largest error in ulps of the field's scale (see the module docs).
    pub max_scale_ulps: f64,
    /// Largest fraction of the tolerance used by a finite entry (a pass is at most 1).
    pub max_tol_frac: f64,
    /// Number of entries over the tolerance (non-finite ones included).
    pub failures: usize,
    /// Number of non-finite entries (NaN or infinite).
    pub nonfinite: usize,
    /// The first non-finite entry, if any.
    pub first_nonfinite: Option<usize>,
    /// The field failed against the certified VJP but lies between the two one-sided
    /// derivatives at a gini kink, where the Jacobian is not defined: "acceptable, kink".
    pub kink: bool,
    /// The first failing entry, if any.
    pub first_failure: Option<usize>,
}

impl FieldReport {
    /// Whether every entry passed.
    pub fn pass(&self) -> bool {
        self.failures == 0
    }
    /// The report as one JSON object.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("len".into(), self.len.into());
        m.insert("max_abs_err".into(), finite(self.max_abs_err));
        m.insert(
            "max_rel_err".into(),
            self.max_rel_err.map(finite).unwrap_or(Value::Null),
        );
        m.insert("max_ulps".into(), finite(self.max_ulps));
        m.insert("max_scale_ulps".into(), finite(self.max_scale_ulps));
        m.insert("max_tol_frac".into(), finite(self.max_tol_frac));
        m.insert("nonfinite".into(), self.nonfinite.into());
        m.insert(
            "first_nonfinite".into(),
            self.first_nonfinite.map(Value::from).unwrap_or(Value::Null),
        );
        m.insert(
            "worst_index".into(),
            self.worst.map(Value::from).unwrap_or(Value::Null),
        );
        m.insert("failures".into(), self.failures.into());
        m.insert(
            "first_failure".into(),
            self.first_failure.map(Value::from).unwrap_or(Value::Null),
        );
        m.insert("pass".into(), self.pass().into());
        if self.kink {
            m.insert("kink".into(), true.into());
        }
        Value::Object(m)
    }
}

fn finite(x: f64) -> Value {
    serde_json::Number::from_f64(if x.is_finite() { x } else { f64::MAX })
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn r(x: f64) -> Rational {
    Rational::from_f64(x)
}

/// Checks the entries `xs` of `field` against the enclosures `truth`.
pub fn check_field(
    field: &'static str,
    xs: &[f64],
    truth: &[Interval],
    tol: Tolerance,
    scalar: bool,
) -> Result<FieldReport> {
    check_field_scaled(field, xs, truth, tol, scalar, 0.0)
}

/// [`check_field`] with a floor on the `vjp` tolerance scale: s = max(max_j |vjp_j|,
/// `vjp_floor`). [`check_line`] passes max_j |z_j| / gamma (see the module docs).
pub fn check_field_scaled(
    field: &'static str,
    xs: &[f64],
    truth: &[Interval],
    tol: Tolerance,
    scalar: bool,
    vjp_floor: f64,
) -> Result<FieldReport> {
    if xs.len() != truth.len() {
        return Err(Error::LengthMismatch {
            field: field.into(),
            expected: truth.len(),
            found: xs.len(),
        });
    }
    let (rtol, atol) = (r(tol.rtol), r(tol.atol));
    // The size of the field: scales the tolerance of vjp, and the ulps of exact zeros.
    let size = truth
        .iter()
        .filter_map(|t| t.mag_max())
        .fold(<Rational as Zero>::zero(), |a, b| if b > a { b } else { a });
    let vec_scale = (field == "vjp").then(|| {
        let floor = if vjp_floor.is_finite() && vjp_floor > 0.0 {
            r(vjp_floor)
        } else {
            Zero::zero()
        };
        if floor > size { floor } else { size.clone() }
    });
    let zero_ulp = if size.is_zero() {
        certified::ulp_at(&r(1.0))
    } else {
        certified::ulp_at(&size)
    };
    let mut rep = FieldReport {
        field,
        len: xs.len(),
        max_abs_err: 0.0,
        max_rel_err: Some(0.0),
        max_ulps: 0.0,
        worst: None,
        max_scale_ulps: 0.0,
        max_tol_frac: 0.0,
        failures: 0,
        nonfinite: 0,
        first_nonfinite: None,
        first_failure: None,
        kink: false,
    };
    // The unit of scale_ulps: the spacing at the field's scale, floored at atol / rtol.
    let floor = if tol.rtol > 0.0 {
        r(tol.atol) / r(tol.rtol)
    } else {
        r(1.0)
    };
    let scale_unit = certified::ulp_at(if size > floor { &size } else { &floor });
    let mut worst_ulps: Option<Rational> = None;
    let mut worst_scale: Rational = Zero::zero();
    for (i, (x, t)) in xs.iter().zip(truth).enumerate() {
        if !x.is_finite() {
            rep.failures += 1;
            rep.nonfinite += 1;
            rep.first_failure.get_or_insert(i);
            rep.first_nonfinite.get_or_insert(i);
            continue;
        }
        let xr = r(*x);
        let bad = || invalid(field, "the certified enclosure could not be formed");
        let dist = certified::distance(t, &xr).ok_or_else(bad)?;
        let near = certified::nearest(t, &xr).ok_or_else(bad)?;
        let mag = t.mag_min().ok_or_else(bad)?;
        let ulps = if near.is_zero() {
            &dist / &zero_ulp
        } else {
            &dist / certified::ulp_at(&near)
        };
        let abs_f = rational_to_f64(&dist);
        rep.max_abs_err = rep.max_abs_err.max(abs_f);
        rep.max_rel_err = match rep.max_rel_err {
            None => None,
            Some(m) if dist.is_zero() => Some(m),
            Some(_) if mag.is_zero() => None,
            Some(m) => Some(m.max(rational_to_f64(&(&dist / &mag)))),
        };
        if !ulps.is_zero() && worst_ulps.as_ref().is_none_or(|w| ulps > *w) {
            worst_ulps = Some(ulps.clone());
            rep.worst = (!scalar).then_some(i);
        }
        let scale = match &vec_scale {
            Some(s) => s.clone(),
            None => near.abs(),
        };
        let allowed = &atol + &rtol * scale;
        if !allowed.is_zero() {
            rep.max_tol_frac = rep.max_tol_frac.max(rational_to_f64(&(&dist / &allowed)));
        } else if !dist.is_zero() {
            rep.max_tol_frac = f64::INFINITY;
        }
        let su = &dist / &scale_unit;
        if su > worst_scale {
            worst_scale = su;
        }
        if dist > allowed {
            rep.failures += 1;
            rep.first_failure.get_or_insert(i);
        }
    }
    rep.max_ulps = worst_ulps.map(|u| rational_to_f64(&u)).unwrap_or(0.0);
    rep.max_scale_ulps = rational_to_f64(&worst_scale);
    Ok(rep)
}

fn first_key<'a>(v: &'a Value, names: &[&str]) -> Option<(&'a Value, String)> {
    names.iter().find_map(|n| match v.get(*n) {
        None | Some(Value::Null) => None,
        Some(x) => Some((x, n.to_string())),
    })
}

/// One answer number: a JSON number, a numeric string, or NaN / Infinity / -Infinity (as
/// Python writes them, or as strings). Non-finite answers are returned as such: the check
/// counts them as failed numbers rather than refusing the line.
pub fn answer_num(x: &Value, name: &str) -> Result<f64> {
    if let Value::String(s) = x {
        match s.trim() {
            "NaN" | "nan" => return Ok(f64::NAN),
            "Infinity" | "inf" | "+Infinity" => return Ok(f64::INFINITY),
            "-Infinity" | "-inf" => return Ok(f64::NEG_INFINITY),
            _ => {}
        }
    }
    f64_of(x, name)
}

fn read_vec(v: &Value, name: &str) -> Result<Vec<f64>> {
    let arr = v
        .as_array()
        .ok_or_else(|| invalid(name, "must be an array of numbers"))?;
    arr.iter()
        .enumerate()
        .map(|(i, x)| answer_num(x, &format!("{name}[{i}]")))
        .collect()
}

/// Answer fields a validate line may carry beside its request (the paper's spellings too).
pub const ANSWER_FIELDS: [&str; 6] = ["value", "values", "y", "marginals", "vjp", "jvp"];

/// The request part of a line: `input` without its answer fields.
fn strip_answers(input: &Value) -> Value {
    let mut v = input.clone();
    if let Some(m) = v.as_object_mut() {
        for k in ANSWER_FIELDS {
            m.remove(k);
        }
    }
    v
}

/// Checks one line: `input` holds the instance; `answers` the answers (often the same object).
pub fn check_line(input: &Value, answers: &Value, tol: Tolerance) -> Result<Vec<FieldReport>> {
    if !input.is_object() {
        return Err(invalid("input", "each line must be a JSON object"));
    }
    if !answers.is_object() {
        return Err(invalid("answers", "each line must be a JSON object"));
    }
    if let Some(e) = answers.get("error").filter(|e| !e.is_null()) {
        return Err(invalid(
            "answers",
            format!("the implementation reported an error instead of an answer: {e}"),
        ));
    }
    let req = parse_request(&strip_answers(input), json::f64_of)?;
    let value = first_key(answers, &["value", "values"]);
    let y = first_key(answers, &["y", "marginals"]);
    let vjp = first_key(answers, &["vjp", "jvp"]);
    if value.is_none() && y.is_none() && vjp.is_none() {
        return Err(invalid(
            "value",
            "nothing to check: give at least one of value, y, vjp",
        ));
    }
    let value = match value {
        Some((v, name)) => Some(answer_num(v, &name)?),
        None => None,
    };
    let y = match y {
        Some((v, name)) => Some(read_vec(v, &name)?),
        None => None,
    };
    let vjp = match vjp {
        Some((v, name)) => Some(read_vec(v, &name)?),
        None => None,
    };
    let z = match (&vjp, &req.extras.z) {
        (Some(_), None) => return Err(invalid("z", "is required to check vjp")),
        (Some(_), Some(z)) => Some(z.as_slice()),
        (None, _) => None,
    };
    let truth = relax_certified(
        &req.instance,
        req.regularizer,
        req.gamma,
        z,
        &Target::default(),
    )?;
    let mut reports = Vec::new();
    if let Some(v) = value {
        reports.push(check_field(
            "value",
            &[v],
            std::slice::from_ref(&truth.value),
            tol,
            true,
        )?);
    }
    if let Some(y) = &y {
        reports.push(check_field("y", y, &truth.y, tol, false)?);
    }
    if let (Some(v), Some(t)) = (&vjp, &truth.vjp) {
        let zmax = z.unwrap_or(&[]).iter().fold(0.0f64, |a, b| a.max(b.abs()));
        let floor = if req.gamma > 0.0 {
            zmax / req.gamma
        } else {
            0.0
        };
        let mut rep = check_field_scaled("vjp", v, t, tol, false, floor)?;
        if !rep.pass() && rep.nonfinite == 0 && req.regularizer == RegKind::Gini {
            let scale = t
                .iter()
                .filter_map(|iv| iv.mag_max())
                .fold(0.0f64, |a, b| a.max(rational_to_f64(&b)));
            if let Some((lo, hi)) = gini_kink_box(&req, z.unwrap_or(&[])) {
                let allow = tol.atol + tol.rtol * scale;
                let wide = lo.iter().zip(&hi).any(|(l, h)| h - l > allow);
                let inside = v
                    .iter()
                    .zip(lo.iter().zip(&hi))
                    .all(|(x, (l, h))| *x >= l - allow && *x <= h + allow);
                if wide && inside {
                    rep.kink = true;
                    rep.failures = 0;
                    rep.first_failure = None;
                }
            }
        }
        reports.push(rep);
    }
    Ok(reports)
}

/// At a gini kink (|p - s| = gamma in some feasible cell) y is continuous but its Jacobian
/// jumps, so the VJP H z is not defined; the two one-sided derivatives of y along z are. They
/// are computed here, sharing no code with the VJP, as exact difference quotients
/// (y(theta) - y(theta - t z)) / t and (y(theta + t z) - y(theta)) / t at t = 2^-80 (within
/// O(t) of the one-sided derivatives, far below any f64 tolerance), and returned as the
/// entrywise box [min, max]. `None` when exact arithmetic is out of budget.
fn gini_kink_box(
    req: &crate::request::relax::Request<f64>,
    z: &[f64],
) -> Option<(Vec<f64>, Vec<f64>)> {
    use crate::instance::{Budget, Instance};
    use crate::ops::{Extras, relax_exact};
    let inst = &req.instance;
    let budget = Budget {
        max_exact_bits: 1 << 20,
        ..Budget::default()
    };
    let t = Rational::new(1.into(), num_bigint::BigInt::from(1) << 80usize);
    let y_at = |sign: i64| -> Option<Vec<Rational>> {
        let theta: Vec<Rational> = inst
            .theta()
            .iter()
            .zip(z)
            .map(|(th, zi)| r(*th) + r(*zi) * &t * Rational::from_integer(sign.into()))
            .collect();
        let weights = inst.weights().iter().map(|&w| w as u64).collect();
        let e = Instance::new(
            inst.constraint(),
            theta,
            Some(weights),
            inst.capacity() as u64,
            budget,
        )
        .ok()?;
        relax_exact(&e, RegKind::Gini, &r(req.gamma), &Extras::default())
            .ok()
            .map(|o| o.y)
    };
    let (minus, mid, plus) = (y_at(-1)?, y_at(0)?, y_at(1)?);
    let mut lo = Vec::with_capacity(mid.len());
    let mut hi = Vec::with_capacity(mid.len());
    for i in 0..mid.len() {
        let left = rational_to_f64(&((&mid[i] - &minus[i]) / &t));
        let right = rational_to_f64(&((&plus[i] - &mid[i]) / &t));
        lo.push(left.min(right));
        hi.push(left.max(right));
    }
    Some((lo, hi))
}

/// One checked line.
#[derive(Debug, Clone)]
pub struct LineReport {
    /// 1-based line number among the input lines (blank lines count).
    pub line: usize,
    /// The line's `id`, if any.
    pub id: Value,
    /// The field reports, or the error that stopped the check.
    pub outcome: std::result::Result<Vec<FieldReport>, String>,
}

impl LineReport {
    /// Whether the line passed (an "acceptable, kink" line passes).
    pub fn pass(&self) -> bool {
        matches!(&self.outcome, Ok(f) if f.iter().all(|f| f.pass()))
    }
    /// Whether the line passed only because a field was accepted at a gini kink.
    pub fn acceptable(&self) -> bool {
        self.pass() && matches!(&self.outcome, Ok(f) if f.iter().any(|f| f.kink))
    }
    /// `pass`, `acceptable` (at a kink), `fail` or `error`.
    pub fn verdict(&self) -> &'static str {
        match &self.outcome {
            Err(_) => "error",
            Ok(_) if self.acceptable() => "acceptable",
            Ok(_) if self.pass() => "pass",
            Ok(_) => "fail",
        }
    }
    /// The line as one JSON object.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("line".into(), self.line.into());
        m.insert("id".into(), self.id.clone());
        match &self.outcome {
            Ok(fields) => {
                m.insert("verdict".into(), self.verdict().into());
                let f: Map<String, Value> = fields
                    .iter()
                    .map(|f| (f.field.to_string(), f.to_json()))
                    .collect();
                m.insert("fields".into(), Value::Object(f));
            }
            Err(e) => {
                m.insert("verdict".into(), "error".into());
                m.insert("error".into(), e.clone().into());
            }
        }
        Value::Object(m)
    }
}

/// Totals over all lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Lines checked (non-blank).
    pub lines: usize,
    /// Lines that passed (acceptable ones included).
    pub passed: usize,
    /// Lines accepted at a gini kink (counted in `passed` too).
    pub acceptable: usize,
    /// Lines with at least one number over the tolerance.
    pub failed: usize,
    /// Lines that could not be checked.
    pub errors: usize,
    /// Largest error per field in ulps of the field's scale (`max_scale_ulps`), with its line
    /// and the index of the field's worst entry.
    pub worst: Vec<(&'static str, f64, usize, Option<usize>)>,
    /// Largest fraction of the tolerance used per field (at most 1 when every line passes).
    pub tol_frac: Vec<(&'static str, f64)>,
    /// Non-finite answer numbers over all lines.
    pub nonfinite: usize,
}

impl Summary {
    /// Adds one line's report.
    pub fn add(&mut self, rep: &LineReport) {
        self.lines += 1;
        match &rep.outcome {
            Err(_) => self.errors += 1,
            Ok(fields) => {
                if rep.pass() {
                    self.passed += 1;
                    if rep.acceptable() {
                        self.acceptable += 1;
                    }
                } else {
                    self.failed += 1;
                }
                for f in fields {
                    self.nonfinite += f.nonfinite;
                    match self.worst.iter_mut().find(|w| w.0 == f.field) {
                        Some(w) if f.max_scale_ulps > w.1 => {
                            *w = (f.field, f.max_scale_ulps, rep.line, f.worst)
                        }
                        Some(_) => {}
                        None => self
                            .worst
                            .push((f.field, f.max_scale_ulps, rep.line, f.worst)),
                    }
                    match self.tol_frac.iter_mut().find(|w| w.0 == f.field) {
                        Some(w) => w.1 = w.1.max(f.max_tol_frac),
                        None => self.tol_frac.push((f.field, f.max_tol_frac)),
                    }
                }
            }
        }
    }
    /// Whether every line passed.
    pub fn pass(&self) -> bool {
        self.passed == self.lines
    }
    /// The summary as one JSON object.
    pub fn to_json(&self, tol: Tolerance) -> Value {
        let worst: Map<String, Value> = self
            .worst
            .iter()
            .map(|(f, u, line, idx)| {
                (
                    f.to_string(),
                    json!({"max_scale_ulps": finite(*u), "line": line, "index": idx,
                           "max_tol_frac": finite(self.tol_frac.iter().find(|t| t.0 == *f).map_or(0.0, |t| t.1))}),
                )
            })
            .collect();
        json!({"summary": {
            "lines": self.lines, "passed": self.passed, "failed": self.failed,
            "errors": self.errors, "acceptable": self.acceptable, "nonfinite": self.nonfinite, "rtol": tol.rtol, "atol": tol.atol,
            "worst": worst, "verdict": if self.pass() { "pass" } else { "fail" }
        }})
    }
}

fn pct(x: f64) -> String {
    if !x.is_finite() {
        "infinitely many times".into()
    } else if x <= 1.0 {
        format!("{:.3}%", 100.0 * x)
    } else {
        format!("{} times all", sci(x))
    }
}

fn sci(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else {
        format!("{x:.2e}")
    }
}

/// The rows of the text table for one line.
pub fn table_rows(rep: &LineReport) -> Vec<String> {
    let id = match &rep.id {
        Value::Null => "-".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match &rep.outcome {
        Err(e) => vec![format!("{:>5}  {:<14} ERROR  {e}", rep.line, id)],
        Ok(fields) => fields
            .iter()
            .map(|f| {
                format!(
                    "{:>5}  {:<14} {:<6} {:>5}  {:>10}  {:>10}  {:>10}  {:>6}  {}",
                    rep.line,
                    id,
                    f.field,
                    f.len,
                    sci(f.max_abs_err),
                    f.max_rel_err.map(sci).unwrap_or_else(|| "inf".into()),
                    sci(f.max_ulps),
                    f.worst.map(|w| w.to_string()).unwrap_or_else(|| "-".into()),
                    if f.kink {
                        "acceptable (gini kink: between the one-sided derivatives)".to_string()
                    } else if f.pass() {
                        "pass".to_string()
                    } else {
                        format!(
                            "FAIL ({} over tolerance{}, first at index {})",
                            f.failures,
                            if f.nonfinite > 0 {
                                format!(", {} not finite", f.nonfinite)
                            } else {
                                String::new()
                            },
                            f.first_failure.unwrap_or(0)
                        )
                    }
                )
            })
            .collect(),
    }
}

/// The header of the text table.
pub const HEADER: &str =
    " line  id             field    len     max_abs     max_rel    max_ulps   worst  verdict";

/// Reads the input (and answers) and checks every line; `emit` receives each report. Lines
/// that are not JSON objects (bad bytes, over-long, malformed) get an error report and the
/// next line is read; surplus lines in the answers file are an error report of their own.
/// Returns an I/O error only when an input cannot be read at all.
pub fn run<R: BufRead + BufferedLen, A: BufRead + BufferedLen>(
    input: R,
    answers: Option<A>,
    tol: Tolerance,
    limits: Limits,
    mut emit: impl FnMut(&LineReport) -> std::io::Result<()>,
) -> std::io::Result<Summary> {
    let mut summary = Summary::default();
    let mut input = Reader::new(input, limits);
    let mut answers = answers.map(|a| Reader::new(a, limits));
    while let Some(line) = input.next_line()? {
        let answer_line = match answers.as_mut() {
            Some(a) => Some(a.next_line()?),
            None => None,
        };
        let line_no = line.number();
        let id = line.id();
        let outcome = match line {
            Line::Bad { error, .. } => Err(error),
            Line::Object { value: v, .. } => match answer_line {
                None => check_line(&v, &v, tol).map_err(|e| e.to_string()),
                Some(None) => {
                    Err("answers: the answers file has fewer lines than the input".into())
                }
                Some(Some(Line::Bad { error, .. })) => Err(format!("answers: {error}")),
                Some(Some(Line::Object { value: a, .. })) => match (a.get("id"), v.get("id")) {
                    (Some(ai), Some(vi)) if !ai.is_null() && !vi.is_null() && ai != vi => Err(
                        format!("id: the answers line has id {ai} but the input line has id {vi}"),
                    ),
                    _ => check_line(&v, &a, tol).map_err(|e| e.to_string()),
                },
            },
        };
        let rep = LineReport {
            line: line_no,
            id,
            outcome,
        };
        summary.add(&rep);
        emit(&rep)?;
    }
    if let Some(a) = answers.as_mut() {
        let mut surplus = 0usize;
        let mut first = None;
        while let Some(extra) = a.next_line()? {
            surplus += 1;
            first.get_or_insert(extra.number());
        }
        if let Some(first) = first {
            let rep = LineReport {
                line: summary.lines + 1,
                id: Value::Null,
                outcome: Err(format!(
                    "answers: the answers file has {surplus} more line(s) than the input, \
                     the first at answers line {first}"
                )),
            };
            summary.add(&rep);
            emit(&rep)?;
        }
    }
    Ok(summary)
}

/// The closing lines of the text report.
pub fn summary_text(summary: &Summary, tol: Tolerance) -> String {
    let mut s = format!(
        "summary: {} lines, {} passed, {} failed, {} errors (rtol {:e}, atol {:e})\n",
        summary.lines, summary.passed, summary.failed, summary.errors, tol.rtol, tol.atol
    );
    if summary.acceptable > 0 {
        s.push_str(&format!(
            "  {} passed lines are \"acceptable, kink\": a VJP between the one-sided derivatives at a gini kink\n",
            summary.acceptable
        ));
    }
    if summary.nonfinite > 0 {
        s.push_str(&format!(
            "  {} answer numbers were NaN or infinite (each a failure)\n",
            summary.nonfinite
        ));
    }
    for (f, u, line, idx) in &summary.worst {
        let at = idx.map(|i| format!("[{i}]")).unwrap_or_default();
        let frac = summary
            .tol_frac
            .iter()
            .find(|t| t.0 == *f)
            .map_or(0.0, |t| t.1);
        s.push_str(&format!(
            "  worst {f}: {} ulps of the field's scale, {} of the tolerance, at line {line} {f}{at}\n",
            sci(*u),
            pct(frac)
        ));
    }
    s.push_str(&format!(
        "verdict: {}",
        if summary.pass() { "PASS" } else { "FAIL" }
    ));
    s
}
