//! `solve` requests: the hard (gamma = 0) problem by DP, ILP or LP relaxation.
//!
//! Fields: `constraint`, `capacity` (or `k` for top_k), `theta` (read exactly as written),
//! `weights`, optional `id` (the smoothing fields of a `relax` line are accepted and ignored).
//! Output: `value` (the f64 nearest the optimum, or null when it is beyond the f64 range),
//! `value_exact` (exact string) and `selection` for dp and ilp, plus for ilp `optimality`:
//! `exact` when the exact DP confirms the optimum, `f64_rounded` when the exact check was over
//! budget (the solver works in f64); `value` and the fractional `x` for lp (on the weights as
//! given).

use super::json::{self, array, exact, nums, object, opt_array};
use crate::error::{Result, invalid};
use crate::instance::{Budget, Constraint, Instance};
use crate::num::rational::Rational;
use crate::oracle::ilp::{self, IlpLimits};
use crate::solve::hard_dp;
use serde_json::{Map, Value};

/// The hard problem's method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Exact DP in rationals.
    Dp,
    /// Integer program through good_lp, re-checked and re-scored exactly.
    Ilp,
    /// The LP relaxation.
    Lp,
}

/// The fields a `solve` request may have: those of a `relax` request, so that the same lines
/// can be fed to both; `regularizer`, `gamma`, `z`, `samples` and `seed` are ignored (solve
/// is the hard problem).
pub const FIELDS: [&str; 11] = super::relax::FIELDS;

impl Method {
    /// Parses `dp`, `ilp` or `lp`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "dp" => Ok(Method::Dp),
            "ilp" => Ok(Method::Ilp),
            "lp" => Ok(Method::Lp),
            other => Err(invalid(
                "method",
                format!("must be dp, ilp or lp; got {other:?}"),
            )),
        }
    }
}

/// The f64 nearest `x`, or null when it is beyond the f64 range (`value_exact` keeps it).
fn approx(x: &Rational) -> Value {
    let f = crate::num::Num::to_f64(x);
    serde_json::Number::from_f64(f)
        .filter(|_| f.is_finite())
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Parses a `solve` request into an exact instance.
pub fn parse(v: &Value) -> Result<Instance<Rational>> {
    super::check_fields(v, &FIELDS)?;
    let constraint = Constraint::parse(json::string(v, "constraint")?)?;
    let theta = array(v, "theta", json::rational_of)?;
    let capacity = match (v.get("capacity"), v.get("k")) {
        (Some(c), _) if !c.is_null() => json::u64_of(c, "capacity")?,
        (_, Some(k)) if constraint == Constraint::TopK && !k.is_null() => json::u64_of(k, "k")?,
        _ => return Err(invalid("capacity", "is required but missing")),
    };
    let weights = opt_array(v, "weights", json::u64_of)?;
    Instance::new(constraint, theta, weights, capacity, Budget::default())
}

/// Answers one line with the default ILP limits.
pub fn answer(v: &Value, method: Method) -> Result<Map<String, Value>> {
    answer_with(v, method, &IlpLimits::default())
}

/// Answers one line; `limits` bound the ILP and LP solvers (a stop at a limit is an error
/// naming it, never an answer).
pub fn answer_with(v: &Value, method: Method, limits: &IlpLimits) -> Result<Map<String, Value>> {
    let inst = parse(v)?;
    let sel_json = |sel: &[bool]| Value::Array(sel.iter().map(|&b| Value::from(b as u8)).collect());
    match method {
        Method::Dp => {
            let (value, sel) = hard_dp(&inst)?;
            Ok(object(vec![
                ("value", approx(&value)),
                ("value_exact", exact(&value)),
                ("selection", sel_json(&sel)),
            ]))
        }
        Method::Ilp => {
            let sol = crate::solve::ilp_checked(&inst, limits)?;
            Ok(object(vec![
                ("value", approx(&sol.value)),
                ("value_exact", exact(&sol.value)),
                ("selection", sel_json(&sol.selection)),
                ("optimality", Value::from(sol.optimality.name())),
            ]))
        }
        Method::Lp => {
            let sol = ilp::solve_lp_with(&inst, limits)?;
            Ok(object(vec![
                ("value", json::num(sol.value, "value")?),
                ("x", nums(&sol.x, "x")?),
            ]))
        }
    }
}
