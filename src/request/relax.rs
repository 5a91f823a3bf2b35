//! `relax` requests: the operators on one JSON object.
//!
//! Fields: `constraint` (knapsack | exact | top_k | topk), `regularizer`
//! (hard | shannon | gini | tsallis), `gamma`, `capacity` (or `k` for top_k), `theta`,
//! `weights` (optional for top_k), optional `z` (adds `vjp`), optional `samples` and `seed`
//! (adds `samples` as 0/1 arrays and `log_prob`), optional `id` (echoed by the driver).
//! Unknown fields are errors (see [`super::check_fields`]).

use super::json::{self, field};
use crate::error::{Error, Result, invalid};
use crate::instance::{Budget, Constraint, Instance};
use crate::num::Ordered;
use crate::num::rational::Rational;
use crate::ops::{Extras, Relaxed, relax_exact, relax_f64};
use crate::reg::RegKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The fields a `relax` request may have.
pub const FIELDS: [&str; 11] = [
    "id",
    "constraint",
    "regularizer",
    "gamma",
    "capacity",
    "k",
    "theta",
    "weights",
    "z",
    "samples",
    "seed",
];

/// Most sampled entries (samples x n, and at least the number of samples) per request line:
/// the answer holds one 0/1 number per entry, so this bounds the answer's memory (about
/// 40 MB) before any sample is drawn.
pub const MAX_SAMPLE_ENTRIES: u64 = 1 << 20;

/// A `relax` line as written: numbers are kept as JSON values so that each precision reads
/// them its own way (f64, or exact rationals as written), with errors naming the index.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelaxLine {
    /// Echoed by the driver.
    #[serde(default)]
    pub id: Value,
    /// `knapsack`, `exact`, `top_k` or `topk`.
    pub constraint: String,
    /// `hard`, `shannon`, `gini` or `tsallis`.
    pub regularizer: String,
    /// The temperature (may be omitted for `hard`).
    #[serde(default)]
    pub gamma: Value,
    /// The capacity C.
    #[serde(default)]
    pub capacity: Value,
    /// Alias of `capacity` for top-k.
    #[serde(default)]
    pub k: Value,
    /// Scores.
    pub theta: Value,
    /// Weights (optional for top-k).
    #[serde(default)]
    pub weights: Value,
    /// Cotangent of the VJP.
    #[serde(default)]
    pub z: Value,
    /// Number of samples.
    #[serde(default)]
    pub samples: Value,
    /// Seed of the sampler.
    #[serde(default)]
    pub seed: Value,
    /// Annotations (ignored).
    #[serde(default, rename = "case")]
    _case: Value,
    /// Annotations (ignored).
    #[serde(default, rename = "comment")]
    _comment: Value,
    /// Annotations (ignored).
    #[serde(default, rename = "flags")]
    _flags: Value,
    /// Annotations (ignored).
    #[serde(default, rename = "expected")]
    _expected: Value,
}

impl RelaxLine {
    /// Reads the line's fields, rejecting unknown ones with the nearest known name.
    pub fn from_value(v: &Value) -> Result<Self> {
        super::check_fields(v, &FIELDS)?;
        serde_path_to_error::deserialize(v).map_err(|e| {
            let path = e.path().to_string();
            let rule = e.into_inner().to_string();
            if let Some(name) = rule
                .strip_prefix("missing field `")
                .and_then(|r| r.strip_suffix('`'))
            {
                return invalid(name, "is required but missing");
            }
            Error::Invalid {
                field: if path == "." { "input".into() } else { path },
                rule,
            }
        })
    }
}

/// A parsed and validated `relax` request over number type `T`.
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

fn present(v: &Value) -> Option<&Value> {
    (!v.is_null()).then_some(v)
}

fn values<'a>(v: &'a Value, name: &str) -> Result<&'a [Value]> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| invalid(name, "must be an array"))
}

fn each<T>(xs: &[Value], name: &str, num: &impl Fn(&Value, &str) -> Result<T>) -> Result<Vec<T>> {
    xs.iter()
        .enumerate()
        .map(|(i, x)| num(x, &format!("{name}[{i}]")))
        .collect()
}

/// Parses and validates one request; `num` reads one number as `T`. Every limit (table
/// size, sampled entries) is checked here, before any work.
pub fn parse_request<T: Ordered>(
    v: &Value,
    num: impl Fn(&Value, &str) -> Result<T>,
) -> Result<Request<T>> {
    let line = RelaxLine::from_value(v)?;
    let constraint = Constraint::parse(&line.constraint)?;
    let regularizer = RegKind::parse(&line.regularizer)?;
    let theta_v = values(&line.theta, "theta")?;
    let capacity = match (present(&line.capacity), present(&line.k)) {
        (Some(c), _) => json::u64_of(c, "capacity")?,
        (None, Some(k)) if constraint == Constraint::TopK => json::u64_of(k, "k")?,
        (None, Some(_)) => {
            return Err(invalid(
                "k",
                "is accepted only for top_k; give capacity for knapsack and exact",
            ));
        }
        (None, None) => return Err(invalid("capacity", "is required but missing")),
    };
    let samples = match present(&line.samples) {
        None => 0,
        Some(s) => json::u64_of(s, "samples")?,
    };
    let entries = (samples as u128) * (theta_v.len() as u128).max(1);
    if entries > MAX_SAMPLE_ENTRIES as u128 {
        return Err(Error::Limit {
            what: "samples: samples x n sampled entries".into(),
            needed: entries,
            limit: MAX_SAMPLE_ENTRIES as u128,
            how: "ask for fewer samples per line, or spread them over several lines with different seeds"
                .into(),
        });
    }
    let weights = match present(&line.weights) {
        None => None,
        Some(w) => Some(each(values(w, "weights")?, "weights", &json::u64_of)?),
    };
    let theta = each(theta_v, "theta", &num)?;
    let gamma = match present(&line.gamma) {
        None if regularizer == RegKind::Hard => T::zero(),
        _ => num(field(v, "gamma")?, "gamma")?,
    };
    let instance = Instance::new(constraint, theta, weights, capacity, Budget::default())?;
    let z = match present(&line.z) {
        None => None,
        Some(z) => Some(each(values(z, "z")?, "z", &num)?),
    };
    let seed = match present(&line.seed) {
        None => 0,
        Some(s) => json::u64_of(s, "seed")?,
    };
    regularizer.check_gamma(&gamma)?;
    if let Some(z) = &z {
        instance.check_z(z)?;
    }
    Ok(Request {
        instance,
        regularizer,
        gamma,
        extras: Extras {
            z,
            samples: samples as usize,
            seed,
        },
    })
}

/// The answer of a `relax` request in f64, as written on the wire (borrowing the result's
/// vectors: nothing is copied before serialisation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerF64<'a> {
    /// The smoothed optimum V.
    pub value: f64,
    /// The relaxed selection y.
    pub y: &'a [f64],
    /// H z, if z was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vjp: Option<&'a [f64]>,
    /// Samples as 0/1 arrays, if asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub samples: Option<Vec<Vec<u8>>>,
    /// The log-probability of each sample.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_prob: Option<Vec<f64>>,
}

fn sample_fields<T>(out: &Relaxed<T>) -> (Option<Vec<Vec<u8>>>, Option<Vec<f64>>) {
    if out.samples.is_empty() {
        return (None, None);
    }
    let sel = out
        .samples
        .iter()
        .map(|s| s.selection.iter().map(|&b| b as u8).collect())
        .collect();
    let lp = out.samples.iter().map(|s| s.log_prob).collect();
    (Some(sel), Some(lp))
}

/// Fails (naming the field) if a number is not finite: JSON has no NaN or infinity.
fn all_finite(xs: &[f64], name: &str) -> Result<()> {
    match xs.iter().all(|x| x.is_finite()) {
        true => Ok(()),
        false => Err(invalid(name, "the result is not finite")),
    }
}

fn to_map(answer: &impl Serialize) -> Result<Map<String, Value>> {
    match serde_json::to_value(answer) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(invalid("value", "the answer could not be written as JSON")),
    }
}

impl<'a> AnswerF64<'a> {
    /// From the library's result.
    pub fn new(out: &'a Relaxed<f64>) -> Self {
        let (samples, log_prob) = sample_fields(out);
        AnswerF64 {
            value: out.value,
            y: &out.y,
            vjp: out.vjp.as_deref(),
            samples,
            log_prob,
        }
    }
    /// The answer fields; an error if a number is not finite (never NaN on the wire).
    pub fn fields(&self) -> Result<Map<String, Value>> {
        all_finite(&[self.value], "value")?;
        all_finite(self.y, "y")?;
        all_finite(self.vjp.unwrap_or(&[]), "vjp")?;
        // -inf cannot happen for a drawn sample; guard the wire format anyway.
        all_finite(self.log_prob.as_deref().unwrap_or(&[]), "log_prob")?;
        to_map(self)
    }
}

/// The answer of a `relax` request in exact arithmetic: numbers as exact strings `"p/q"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerExact {
    /// V.
    pub value: String,
    /// y.
    pub y: Vec<String>,
    /// H z, if z was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vjp: Option<Vec<String>>,
    /// Samples as 0/1 arrays, if asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub samples: Option<Vec<Vec<u8>>>,
    /// The log-probability (f64) of each sample.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_prob: Option<Vec<f64>>,
}

impl AnswerExact {
    /// From the library's result.
    pub fn new(out: &Relaxed<Rational>) -> Self {
        use crate::num::rational::format_rational as f;
        let (samples, log_prob) = sample_fields(out);
        AnswerExact {
            value: f(&out.value),
            y: out.y.iter().map(f).collect(),
            vjp: out.vjp.as_ref().map(|v| v.iter().map(f).collect()),
            samples,
            log_prob,
        }
    }
    /// The answer fields.
    pub fn fields(&self) -> Result<Map<String, Value>> {
        all_finite(self.log_prob.as_deref().unwrap_or(&[]), "log_prob")?;
        to_map(self)
    }
}

/// Answers one line in f64 (the reference DP).
pub fn answer_f64(v: &Value) -> Result<Map<String, Value>> {
    let req = parse_request(v, json::f64_of)?;
    let out = relax_f64(&req.instance, req.regularizer, req.gamma, &req.extras)?;
    AnswerF64::new(&out).fields()
}

/// The answer fields of one f64 result (for batch drivers).
pub fn fields_f64(out: &Relaxed<f64>) -> Result<Map<String, Value>> {
    AnswerF64::new(out).fields()
}

/// Answers one line in exact rational arithmetic.
pub fn answer_exact(v: &Value) -> Result<Map<String, Value>> {
    let req = parse_request::<Rational>(v, json::rational_of)?;
    let out = relax_exact(&req.instance, req.regularizer, &req.gamma, &req.extras)?;
    AnswerExact::new(&out).fields()
}
