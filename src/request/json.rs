//! Reading typed fields out of a JSON object, with errors that name the field and the rule.

use crate::error::{Error, Result, invalid};
use crate::num::rational::{Rational, format_rational, parse_rational};
use serde_json::{Map, Value};

/// The field, or an error saying it is missing.
pub fn field<'a>(obj: &'a Value, name: &str) -> Result<&'a Value> {
    obj.get(name)
        .filter(|v| !v.is_null())
        .ok_or_else(|| invalid(name, "is required but missing"))
}

/// A string field.
pub fn string<'a>(obj: &'a Value, name: &str) -> Result<&'a str> {
    field(obj, name)?
        .as_str()
        .ok_or_else(|| invalid(name, "must be a string"))
}

/// A finite f64 from a JSON number (or a numeric string).
pub fn f64_of(v: &Value, name: &str) -> Result<f64> {
    let x = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .ok_or_else(|| invalid(name, "must be a number"))?;
    if !x.is_finite() {
        return Err(Error::NonFinite { field: name.into() });
    }
    Ok(x)
}

/// Longest text of one exact number, in characters: 20,000 decimal digits are about 66,000
/// bits, just over the exact bit cap, so a longer number could never be used. Checked before
/// any big-integer work, so that a million-digit number is refused at once.
pub const MAX_NUMBER_CHARS: usize = 20_000;

/// An exact rational from a JSON number (read as written, not via f64) or a string
/// `"p/q"` / decimal.
pub fn rational_of(v: &Value, name: &str) -> Result<Rational> {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return Err(invalid(name, "must be a number or a string \"p/q\"")),
    };
    if text.len() > MAX_NUMBER_CHARS {
        return Err(Error::Limit {
            what: format!("{name}: characters in one exact number"),
            needed: text.len() as u128,
            limit: MAX_NUMBER_CHARS as u128,
            how: "exact numbers are capped near the exact bit cap; round the number, or use f64 precision".into(),
        });
    }
    parse_rational(&text, name)
}

/// A non-negative integer (JSON integer, or a float with integral value such as 3.0).
pub fn u64_of(v: &Value, name: &str) -> Result<u64> {
    if let Some(u) = v.as_u64() {
        return Ok(u);
    }
    let x = match v {
        Value::Number(n) => n
            .as_f64()
            .ok_or_else(|| invalid(name, "must be a number"))?,
        _ => return Err(invalid(name, "must be a non-negative integer")),
    };
    if !x.is_finite() {
        return Err(Error::NonFinite { field: name.into() });
    }
    if x < 0.0 {
        return Err(invalid(
            name,
            format!("must be a non-negative integer; got {x}"),
        ));
    }
    if x.fract() != 0.0 {
        return Err(invalid(name, format!("must be an integer; got {x}")));
    }
    if x > 9.007_199_254_740_992e15 {
        return Err(invalid(name, format!("is too large; got {x}")));
    }
    Ok(x as u64)
}

/// An array field, each element read by `each` with an indexed field name (`theta[3]`).
pub fn array<T>(
    obj: &Value,
    name: &str,
    each: impl Fn(&Value, &str) -> Result<T>,
) -> Result<Vec<T>> {
    let arr = field(obj, name)?
        .as_array()
        .ok_or_else(|| invalid(name, "must be an array"))?;
    arr.iter()
        .enumerate()
        .map(|(i, v)| each(v, &format!("{name}[{i}]")))
        .collect()
}

/// An optional array field.
pub fn opt_array<T>(
    obj: &Value,
    name: &str,
    each: impl Fn(&Value, &str) -> Result<T>,
) -> Result<Option<Vec<T>>> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => array(obj, name, each).map(Some),
    }
}

/// An f64 as a JSON number (finite by construction; a non-finite value becomes an error).
pub fn num(x: f64, name: &str) -> Result<Value> {
    serde_json::Number::from_f64(x)
        .map(Value::Number)
        .ok_or_else(|| invalid(name, "the result is not finite"))
}

/// A vector of f64 as a JSON array.
pub fn nums(xs: &[f64], name: &str) -> Result<Value> {
    xs.iter()
        .map(|&x| num(x, name))
        .collect::<Result<Vec<_>>>()
        .map(Value::Array)
}

/// A rational as its exact string.
pub fn exact(x: &Rational) -> Value {
    Value::String(format_rational(x))
}

/// A vector of rationals as exact strings.
pub fn exacts(xs: &[Rational]) -> Value {
    Value::Array(xs.iter().map(exact).collect())
}

/// A map from pairs.
pub fn object(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}
