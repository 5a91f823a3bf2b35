//! `diffknap relax`: the operators on JSON Lines.
//!
//! Input fields: `constraint` (knapsack | exact | top_k | topk), `regularizer`
//! (hard | shannon | gini | tsallis), `gamma`, `capacity` (or `k` for top_k), `theta`,
//! `weights` (optional for top_k), optional `z` (adds `vjp`), optional `samples` and `seed`
//! (adds `samples` as 0/1 arrays and `log_prob`). Unknown fields are ignored.

use super::json::{self, array, exact, exacts, field, nums, object, opt_array};
use super::{Flags, UsageError, answer_line, run_lines};
use crate::backend::{Backend, BatchItem, relax_batch_with_backend};
use crate::error::{Result, invalid};
use crate::instance::{Budget, Constraint, Instance};
use crate::num::Ordered;
use crate::num::rational::Rational;
use crate::ops::{Extras, Relaxed, relax_exact, relax_f64};
use crate::reg::RegKind;
use serde_json::{Map, Value};
use std::io::{BufRead, Write};

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
    if let Some(z) = &z {
        instance.check_z(z)?;
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
    fields_f64(&out)
}

/// The output fields of one f64 answer.
fn fields_f64(out: &Relaxed<f64>) -> Result<Map<String, Value>> {
    let mut m = object(vec![
        ("value", json::num(out.value, "value")?),
        ("y", nums(&out.y, "y")?),
    ]);
    if let Some(vjp) = &out.vjp {
        m.insert("vjp".into(), nums(vjp, "vjp")?);
    }
    samples_json(out, &mut m)?;
    Ok(m)
}

/// Answers f64 lines `chunk` at a time with one batch call of `backend` (instances of a
/// chunk run in parallel on the parallel backends). Same output, line for line, as
/// answering each line alone; returns the exit status.
pub fn run_f64_batched(
    input: &mut super::Input,
    out: &mut dyn Write,
    backend: Backend,
    chunk: usize,
) -> i32 {
    let mut code = 0;
    let mut line_no = 0usize;
    let mut buf = Vec::new();
    let mut eof = false;
    while !eof {
        let mut replies = Vec::new();
        let mut reqs: Vec<Option<Request<f64>>> = Vec::new();
        while replies.len() < chunk.max(1) {
            buf.clear();
            match input.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    eprintln!("diffknap: reading input: {e}");
                    return 1;
                }
            }
            line_no += 1;
            let text = String::from_utf8_lossy(&buf);
            if text.trim().is_empty() {
                continue;
            }
            let mut req = None;
            let reply = answer_line(&text, line_no, &mut |v| {
                req = Some(parse_request(v, json::f64_of)?);
                Ok(Map::new())
            });
            replies.push(reply);
            reqs.push(req);
            if input.buffer().is_empty() {
                // The next read may block until the caller sends more: answer what we hold.
                break;
            }
        }
        let items: Vec<BatchItem> = reqs
            .iter()
            .flatten()
            .map(|r| BatchItem {
                instance: &r.instance,
                regularizer: r.regularizer,
                gamma: r.gamma,
                extras: &r.extras,
            })
            .collect();
        let mut results = relax_batch_with_backend(&items, backend).into_iter();
        for (mut reply, req) in replies.into_iter().zip(&reqs) {
            if req.is_some() {
                match results.next().map(|r| r.and_then(|o| fields_f64(&o))) {
                    Some(Ok(fields)) => reply.extend(fields),
                    Some(Err(e)) => {
                        reply.insert("error".into(), e.to_string().into());
                    }
                    None => {
                        reply.insert("error".into(), "internal: missing batch result".into());
                    }
                }
            }
            if reply.contains_key("error") {
                code = 1;
            }
            if writeln!(out, "{}", Value::Object(reply)).is_err() {
                return 1;
            }
        }
        if out.flush().is_err() {
            return 1;
        }
    }
    code
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

/// `diffknap relax [--precision f64|exact|certified] [--digits D] [--backend B] [--chunk N]
/// [--input FILE]`.
///
/// `--backend auto|reference|scalar|simd|parallel` (default auto) picks the f64
/// implementation; exact precision always runs the reference and accepts only `auto` or
/// `reference`. f64 lines are answered in batches of up to `--chunk` lines (default 256); a
/// batch is answered early whenever no more input is waiting, so an interactive caller gets
/// each answer as soon as it sends a line.
pub fn cli(args: &[String], out: &mut dyn Write) -> std::result::Result<i32, UsageError> {
    let flags = Flags::parse(
        args,
        &["--precision", "--input", "--backend", "--chunk", "--digits"],
        &[],
    )?;
    let digits = super::certified::parse_digits(flags.value("--digits"))?;
    let backend = Backend::parse(flags.value("--backend").unwrap_or("auto"))
        .map_err(|e| UsageError(format!("--{e}")))?;
    let chunk = match flags.value("--chunk") {
        None => 256,
        Some(c) => match c.parse::<usize>() {
            Ok(k) if k >= 1 => k,
            _ => {
                return Err(UsageError(format!(
                    "--chunk must be a positive integer; got {c:?}"
                )));
            }
        },
    };
    let mut input = flags.input()?;
    match flags.value("--precision").unwrap_or("f64") {
        "f64" => Ok(run_f64_batched(&mut input, out, backend, chunk)),
        "exact" | "certified" if !matches!(backend, Backend::Auto | Backend::Reference) => {
            Err(UsageError(format!(
                "--backend {} is an f64 backend; exact and certified precision run the reference DP \
                 (use --backend auto or reference, or --precision f64)",
                backend.name()
            )))
        }
        "exact" => Ok(run_lines(&mut input, out, answer_exact)),
        "certified" => Ok(run_lines(&mut input, out, |v| {
            super::certified::answer_certified(v, digits)
        })),
        other => Err(UsageError(format!(
            "--precision must be f64, exact or certified; got {other:?}"
        ))),
    }
}
