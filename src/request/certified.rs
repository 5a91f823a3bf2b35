//! Certified answers of `relax` requests (`diffknap relax --precision certified`): every number of the answer as a pair
//! `["lo", "hi"]` of decimal strings whose real values enclose the exact result.
//!
//! The input line is the same as for `relax` (numbers are read as `f64`s and taken exactly).
//! Output fields: `value` (a pair), `y` (pairs), `vjp` (pairs, if `z` was given), and
//! `precision_bits` (the working precision that met the target, 0 when exact rational
//! arithmetic was used). Samples are not certified and are rejected.

use super::json::{self, object};
use super::relax::parse_request;
use crate::certified::fmt::interval_strings;
use crate::certified::{Certified, Interval, Method, Target, relax_certified};
use crate::error::Error;
use crate::error::{Result, invalid};
use serde_json::{Map, Value};

/// Default number of digits of the target width (10^-30).
pub const DEFAULT_DIGITS: u32 = 30;

/// Significant digits printed for a target of `digits`: a few more than the target, so that
/// the printed interval is not much wider than the computed one.
pub fn printed_digits(digits: u32) -> usize {
    digits as usize + 5
}

/// An enclosure as `["lo", "hi"]`.
pub fn pair(x: &Interval, sig: usize) -> Value {
    let (lo, hi) = interval_strings(x, sig);
    Value::Array(vec![Value::String(lo), Value::String(hi)])
}

/// The answer fields of a certified result.
pub fn answer_fields(out: &Certified, digits: u32) -> Map<String, Value> {
    let sig = printed_digits(digits);
    let mut m = object(vec![
        ("value", pair(&out.value, sig)),
        (
            "y",
            Value::Array(out.y.iter().map(|x| pair(x, sig)).collect()),
        ),
    ]);
    if let Some(v) = &out.vjp {
        m.insert(
            "vjp".into(),
            Value::Array(v.iter().map(|x| pair(x, sig)).collect()),
        );
    }
    let bits = match out.method {
        Method::Exact => 0,
        Method::Interval(b) => b,
    };
    m.insert("precision_bits".into(), Value::from(bits));
    m
}

/// Answers one `relax` line with certified enclosures at 10^-`digits` width.
pub fn answer_certified(v: &Value, digits: u32) -> Result<Map<String, Value>> {
    answer_certified_with(v, digits, None)
}

/// [`answer_certified`] with a work budget (`None`: the default, `Target::max_work`); a
/// request whose planned work exceeds it is refused before any work.
pub fn answer_certified_with(
    v: &Value,
    digits: u32,
    max_work: Option<u64>,
) -> Result<Map<String, Value>> {
    let req = parse_request(v, json::f64_of)?;
    if req.extras.samples > 0 {
        return Err(invalid(
            "samples",
            "sampling is not available at certified precision (use --precision f64)",
        ));
    }
    let out = relax_certified(
        &req.instance,
        req.regularizer,
        req.gamma,
        req.extras.z.as_deref(),
        &Target {
            max_work: max_work.unwrap_or(Target::digits(digits).max_work),
            ..Target::digits(digits)
        },
    )?;
    Ok(answer_fields(&out, digits))
}

/// Most digits of a certified target.
pub const MAX_DIGITS: u32 = 1000;

/// Checks a requested number of digits (1 to [`MAX_DIGITS`]).
pub fn check_digits(digits: u32) -> Result<u32> {
    if (1..=MAX_DIGITS).contains(&digits) {
        Ok(digits)
    } else {
        Err(Error::Invalid {
            field: "digits".into(),
            rule: format!("must be an integer from 1 to {MAX_DIGITS}; got {digits}"),
        })
    }
}
