//! `diffknap solve`: the hard (gamma = 0) problem by DP, ILP or LP relaxation.

use super::json::{self, array, exact, num, nums, object, opt_array};
use super::{Flags, UsageError, run_lines};
use crate::error::{Result, invalid};
use crate::instance::{Budget, Constraint, Instance};
use crate::num::rational::Rational;
use crate::oracle::ilp;
use crate::solve::hard_dp;
use serde_json::{Map, Value};
use std::io::Write;

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

fn parse(v: &Value) -> Result<Instance<Rational>> {
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

/// Answers one line.
pub fn answer(v: &Value, method: Method) -> Result<Map<String, Value>> {
    let inst = parse(v)?;
    let sel_json = |sel: &[bool]| Value::Array(sel.iter().map(|&b| Value::from(b as u8)).collect());
    match method {
        Method::Dp => {
            let (value, sel) = hard_dp(&inst)?;
            Ok(object(vec![
                ("value", num(crate::num::Num::to_f64(&value), "value")?),
                ("value_exact", exact(&value)),
                ("selection", sel_json(&sel)),
            ]))
        }
        Method::Ilp => {
            let sol = ilp::solve_ilp(&inst)?;
            Ok(object(vec![
                ("value", num(crate::num::Num::to_f64(&sol.value), "value")?),
                ("value_exact", exact(&sol.value)),
                ("selection", sel_json(&sol.selection)),
            ]))
        }
        Method::Lp => {
            let sol = ilp::solve_lp(&inst)?;
            Ok(object(vec![
                ("value", num(sol.value, "value")?),
                ("x", nums(&sol.x, "x")?),
            ]))
        }
    }
}

/// `diffknap solve [--method dp|ilp|lp] [--input FILE]`.
pub fn cli(args: &[String], out: &mut dyn Write) -> std::result::Result<i32, UsageError> {
    let flags = Flags::parse(args, &["--method", "--input"], &[])?;
    let method = match flags.value("--method").unwrap_or("dp") {
        "dp" => Method::Dp,
        "ilp" => Method::Ilp,
        "lp" => Method::Lp,
        other => {
            return Err(UsageError(format!(
                "--method must be dp, ilp or lp; got {other:?}"
            )));
        }
    };
    let mut input = flags.input()?;
    Ok(run_lines(&mut input, out, |v| answer(v, method)))
}
