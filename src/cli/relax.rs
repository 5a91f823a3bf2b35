//! `diffknap relax`: the operators on JSON Lines.
//!
//! Input fields: `constraint` (knapsack | exact | top_k | topk), `regularizer`
//! (hard | shannon | gini | tsallis), `gamma`, `capacity` (or `k` for top_k), `theta`,
//! `weights` (optional for top_k), optional `z` (adds `vjp`), optional `samples` and `seed`
//! (adds `samples` as 0/1 arrays and `log_prob`). Unknown fields are ignored.

use super::json::{self, array, exact, exacts, field, nums, object, opt_array};
use super::{Flags, UsageError, run_lines};
use crate::error::{Result, invalid};
use crate::instance::{Budget, Constraint, Instance};
use crate::num::Ordered;
use crate::num::rational::Rational;
use crate::ops::{Extras, Relaxed, relax_exact, relax_f64};
use crate::reg::RegKind;
use serde_json::{Map, Value};
use std::io::Write;

/// A parsed `relax` request over number type `T`.
#[derive(Debug, Clone)]
pub struct Request<T> {
    /// The validated instance.
    pub instance: Instance<T>,
    /// The regularizer.
    pub regularizer: RegKind,
    /// The temperature.
    pub gamma: T,
    /// Extras: z, samples, seed.
    pub extras: Extras<T>,
}

/// Parses and validates one request; `num` reads one number as `T`.
pub fn parse_request<T: Ordered>(
    v: &Value,
    num: impl Fn(&Value, &str) -> Result<T>,
) -> Result<Request<T>> {
    let constraint = Constraint::parse(json::string(v, "constraint")?)?;
    let regularizer = RegKind::parse(json::string(v, "regularizer")?)?;
    let gamma = match v.get("gamma") {
        None | Some(Value::Null) if regularizer == RegKind::Hard => T::zero(),
        _ => num(field(v, "gamma")?, "gamma")?,
    };
    let theta = array(v, "theta", &num)?;
    let capacity = match (v.get("capacity"), v.get("k")) {
        (Some(c), _) if !c.is_null() => json::u64_of(c, "capacity")?,
        (_, Some(k)) if constraint == Constraint::TopK && !k.is_null() => json::u64_of(k, "k")?,
        _ => return Err(invalid("capacity", "is required but missing")),
    };
    let weights = opt_array(v, "weights", json::u64_of)?;
    let instance = Instance::new(constraint, theta, weights, capacity, Budget::default())?;
    let z = opt_array(v, "z", &num)?;
    let samples = match v.get("samples") {
        None | Some(Value::Null) => 0,
        Some(s) => {
            let s = json::u64_of(s, "samples")?;
            if s > 1_000_000 {
                return Err(invalid("samples", "must be at most 1000000"));
            }
            s as usize
        }
    };
    let seed = match v.get("seed") {
        None | Some(Value::Null) => 0,
        Some(s) => json::u64_of(s, "seed")?,
    };
    regularizer.check_gamma(&gamma)?;
    if let Some(z) = &z
        && z.len() != instance.n()
    {
        return Err(crate::Error::LengthMismatch {
            field: "z".into(),
            expected: instance.n(),
            found: z.len(),
        });
    }
    Ok(Request {
        instance,
        regularizer,
        gamma,
        extras: Extras { z, samples, seed },
    })
}

fn samples_json<T>(out: &Relaxed<T>, m: &mut Map<String, Value>) -> Result<()> {
    if out.samples.is_empty() {
        return Ok(());
    }
    let sel: Vec<Value> = out
        .samples
        .iter()
        .map(|s| Value::Array(s.selection.iter().map(|&b| Value::from(b as u8)).collect()))
        .collect();
    let lp: Vec<f64> = out.samples.iter().map(|s| s.log_prob).collect();
    m.insert("samples".into(), Value::Array(sel));
    m.insert("log_prob".into(), nums(&lp, "log_prob")?);
    Ok(())
}

/// Answers one line in f64.
pub fn answer_f64(v: &Value) -> Result<Map<String, Value>> {
    let req = parse_request(v, json::f64_of)?;
    let out = relax_f64(&req.instance, req.regularizer, req.gamma, &req.extras)?;
    let mut m = object(vec![
        ("value", json::num(out.value, "value")?),
        ("y", nums(&out.y, "y")?),
    ]);
    if let Some(vjp) = &out.vjp {
        m.insert("vjp".into(), nums(vjp, "vjp")?);
    }
    samples_json(&out, &mut m)?;
    Ok(m)
}

/// Answers one line in exact rational arithmetic.
pub fn answer_exact(v: &Value) -> Result<Map<String, Value>> {
    let req = parse_request::<Rational>(v, json::rational_of)?;
    let out = relax_exact(&req.instance, req.regularizer, &req.gamma, &req.extras)?;
    let mut m = object(vec![("value", exact(&out.value)), ("y", exacts(&out.y))]);
    if let Some(vjp) = &out.vjp {
        m.insert("vjp".into(), exacts(vjp));
    }
    samples_json(&out, &mut m)?;
    Ok(m)
}

/// `diffknap relax [--precision f64|exact|certified] [--digits D] [--input FILE]`.
pub fn cli(args: &[String], out: &mut dyn Write) -> std::result::Result<i32, UsageError> {
    let flags = Flags::parse(args, &["--precision", "--input", "--digits"], &[])?;
    let digits = super::certified::parse_digits(flags.value("--digits"))?;
    let mut input = flags.input()?;
    match flags.value("--precision").unwrap_or("f64") {
        "f64" => Ok(run_lines(&mut input, out, answer_f64)),
        "exact" => Ok(run_lines(&mut input, out, answer_exact)),
        "certified" => Ok(run_lines(&mut input, out, |v| {
            super::certified::answer_certified(v, digits)
        })),
        other => Err(UsageError(format!(
            "--precision must be f64, exact or certified; got {other:?}"
        ))),
    }
}
