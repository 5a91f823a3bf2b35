//! Checking other implementations by fuzzing: drive any program that speaks the `relax`
//! contract (one JSON request per line on stdin, one JSON answer per line on stdout), compare
//! each answer with the certified truth, and shrink the first failure to a minimal instance.
//!
//! - [`generate`]: generators that reach the hard cases on purpose, and the flags of an instance.
//! - [`Program`]: the program under test, started once and kept running; restarted after a
//!   crash or a hang (an answer that does not come within the per-case timeout).
//! - [`judge`]: one answer against the truth (wrong number, NaN, missing field, an error
//!   answer to a valid instance, a malformed line, a crash, a hang).
//! - [`shrink`]: fewer items, smaller capacity and weights, simpler scores, gamma and z, each
//!   step kept only while the failure persists (same field), so the reported instance always
//!   fails.
//!
//! Everything is deterministic for a seed, except which case a hang is noticed at.

pub mod generate;

use crate::request::json::f64_of;
use crate::request::relax::parse_request;
use crate::validate::{FieldReport, Tolerance, check_line};
use serde_json::{Map, Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

/// The program under test.
pub struct Program {
    argv: Vec<String>,
    timeout: Duration,
    child: Option<(Child, ChildStdin, Receiver<String>)>,
    /// Number of (re)starts.
    pub starts: usize,
}

/// What asking the program produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// One answer line.
    Line(String),
    /// The program exited or closed its output (or could not be written to).
    Crash(String),
    /// No answer within the per-case timeout; the program was killed.
    Hang,
}

impl Program {
    /// A program `argv[0] argv[1..]`, with a per-case timeout. It is started on first use.
    pub fn new(argv: Vec<String>, timeout: Duration) -> Self {
        Program {
            argv,
            timeout,
            child: None,
            starts: 0,
        }
    }

    fn start(&mut self) -> std::io::Result<()> {
        let (cmd, args) = self
            .argv
            .split_first()
            .ok_or_else(|| std::io::Error::other("no program given"))?;
        let mut child = Command::new(cmd)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| std::io::Error::other("no stdin"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| std::io::Error::other("no stdout"))?;
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut s = String::new();
                match r.read_line(&mut s) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if tx.send(s).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        self.starts += 1;
        self.child = Some((child, stdin, rx));
        Ok(())
    }

    fn stop(&mut self) {
        if let Some((mut child, stdin, _)) = self.child.take() {
            drop(stdin);
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends one request line and waits for one answer line. An I/O error means the program
    /// could not be started at all.
    pub fn ask(&mut self, line: &str) -> std::io::Result<Reply> {
        if self.child.is_none() {
            self.start()?;
        }
        let Some((child, stdin, rx)) = self.child.as_mut() else {
            return Err(std::io::Error::other("the program is not running"));
        };
        if writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .is_err()
        {
            let status = child.try_wait().ok().flatten();
            self.stop();
            return Ok(Reply::Crash(format!(
                "the program stopped reading its input (exit status {status:?})"
            )));
        }
        match rx.recv_timeout(self.timeout) {
            Ok(s) => Ok(Reply::Line(s.trim_end().to_string())),
            Err(RecvTimeoutError::Disconnected) => {
                let status = child.wait().ok();
                self.stop();
                Ok(Reply::Crash(format!(
                    "the program closed its output without answering (exit status {status:?})"
                )))
            }
            Err(RecvTimeoutError::Timeout) => {
                self.stop();
                Ok(Reply::Hang)
            }
        }
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Which answer fields are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields {
    /// `value`.
    pub value: bool,
    /// `y`.
    pub y: bool,
    /// `vjp` (the requests carry `z`).
    pub vjp: bool,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            value: true,
            y: true,
            vjp: true,
        }
    }
}

impl Fields {
    /// Parses a comma-separated list of `value`, `y`, `vjp`.
    pub fn parse(s: &str) -> crate::Result<Self> {
        let mut f = Fields {
            value: false,
            y: false,
            vjp: false,
        };
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "value" => f.value = true,
                "y" => f.y = true,
                "vjp" => f.vjp = true,
                other => {
                    return Err(crate::error::invalid(
                        "fields",
                        format!("must be a comma-separated list of value, y, vjp; got {other:?}"),
                    ));
                }
            }
        }
        Ok(f)
    }
    fn names(self) -> Vec<&'static str> {
        [("value", self.value), ("y", self.y), ("vjp", self.vjp)]
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(n, _)| n)
            .collect()
    }
}

/// Why one case failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// What went wrong, in words (`wrong number`, `not finite`, `missing field`, `error
    /// answer`, `malformed answer`, `crash`, `hang`).
    pub kind: &'static str,
    /// The field concerned (`value`, `y`, `vjp`), or `answer` for the whole line.
    pub field: String,
    /// The first differing index of a vector field.
    pub index: Option<usize>,
    /// Details: the program's answer, or the report of the comparison.
    pub detail: String,
}

/// Judges the program's reply to `request` (valid by construction). `None`: it passed (or
/// was accepted at a kink).
pub fn judge(request: &Value, reply: &Reply, tol: Tolerance, fields: Fields) -> Option<Failure> {
    let line = match reply {
        Reply::Hang => {
            return Some(Failure {
                kind: "hang",
                field: "answer".into(),
                index: None,
                detail: "no answer within the per-case timeout".into(),
            });
        }
        Reply::Crash(why) => {
            return Some(Failure {
                kind: "crash",
                field: "answer".into(),
                index: None,
                detail: why.clone(),
            });
        }
        Reply::Line(l) => l,
    };
    let answer = match crate::jsonl::parse_line(1, line.as_bytes()) {
        crate::jsonl::Line::Object { value, .. } => value,
        crate::jsonl::Line::Bad { error, .. } => {
            return Some(Failure {
                kind: "malformed answer",
                field: "answer".into(),
                index: None,
                detail: format!("{error}: {line}"),
            });
        }
    };
    if let Some(e) = answer.get("error").filter(|e| !e.is_null()) {
        return Some(Failure {
            kind: "error answer",
            field: "answer".into(),
            index: None,
            detail: format!("the program answered an error to a valid instance: {e}"),
        });
    }
    if let (Some(a), Some(b)) = (answer.get("id"), request.get("id"))
        && !a.is_null()
        && a != b
    {
        return Some(Failure {
            kind: "malformed answer",
            field: "id".into(),
            index: None,
            detail: format!("the answer has id {a}, the request {b}"),
        });
    }
    // Only the fields asked for are compared.
    let mut checked = Map::new();
    for name in fields.names() {
        let aliases: &[&str] = match name {
            "value" => &["value", "values"],
            "y" => &["y", "marginals"],
            _ => &["vjp", "jvp"],
        };
        match aliases
            .iter()
            .find_map(|a| answer.get(*a).filter(|v| !v.is_null()))
        {
            Some(v) => {
                checked.insert(name.into(), v.clone());
            }
            None => {
                return Some(Failure {
                    kind: "missing field",
                    field: name.into(),
                    index: None,
                    detail: format!("the answer has no {name}: {line}"),
                });
            }
        }
    }
    let reports = match check_line(request, &Value::Object(checked), tol) {
        Ok(r) => r,
        Err(e) => {
            return Some(Failure {
                kind: "malformed answer",
                field: "answer".into(),
                index: None,
                detail: e.to_string(),
            });
        }
    };
    reports
        .iter()
        .find(|f| !f.pass())
        .map(|f: &FieldReport| Failure {
            kind: if f.nonfinite > 0 {
                "not finite"
            } else {
                "wrong number"
            },
            field: f.field.into(),
            index: if f.field == "value" {
                None
            } else {
                f.first_nonfinite.or(f.first_failure)
            },
            detail: line.clone(),
        })
}

/// A request is usable if it parses as a valid f64 `relax` request.
fn valid(v: &Value) -> bool {
    parse_request(v, f64_of).is_ok()
}

fn arr(v: &Value, k: &str) -> Vec<Value> {
    v.get(k)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// How complicated a number is: (class, magnitude), compared lexicographically; class 0 for 0,
/// 1 for 1, 2 for -1, 3 for powers of ten, 4 for integers, 5 for one decimal, 6 otherwise.
fn simplicity(x: f64) -> (u8, f64) {
    let class = if x == 0.0 {
        0
    } else if x == 1.0 {
        1
    } else if x == -1.0 {
        2
    } else if x.abs().log10().fract() == 0.0 {
        3
    } else if x.fract() == 0.0 {
        4
    } else if (x * 10.0).fract() == 0.0 {
        5
    } else {
        6
    };
    (class, x.abs())
}

/// Simpler numbers than `x`, simplest first: 0, +-1, the nearest power of ten, an integer, one
/// decimal. (No halving: chains of tiny steps would spend the call budget.)
fn simpler_numbers(x: f64) -> Vec<f64> {
    let p10 = x.signum() * 10f64.powf(x.abs().log10().round());
    let mut c = vec![0.0, 1.0, -1.0, p10, x.round(), (x * 10.0).round() / 10.0];
    // Only strictly simpler numbers, so shrinking cannot cycle.
    c.retain(|&y| y.is_finite() && simplicity(y) < simplicity(x));
    let mut seen = Vec::new();
    c.retain(|y| {
        let new = !seen.contains(y);
        seen.push(*y);
        new
    });
    c
}

/// Candidate simplifications of a failing request, simplest first.
pub fn shrink(v: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let theta = arr(v, "theta");
    let weights = arr(v, "weights");
    let z = arr(v, "z");
    let n = theta.len();
    let cap_key = if v.get("capacity").is_some() {
        "capacity"
    } else {
        "k"
    };
    let cap = v.get(cap_key).and_then(Value::as_u64).unwrap_or(0);
    let top_k = matches!(
        v.get("constraint").and_then(Value::as_str),
        Some("top_k" | "topk")
    );
    // Drop one item (for top-k also with k - 1; for exact also with capacity - w_i).
    for i in 0..n {
        let mut c = v.clone();
        let drop_at = |c: &mut Value, k: &str| {
            if let Some(a) = c.get_mut(k).and_then(Value::as_array_mut)
                && i < a.len()
            {
                a.remove(i);
            }
        };
        drop_at(&mut c, "theta");
        drop_at(&mut c, "weights");
        drop_at(&mut c, "z");
        out.push(c.clone());
        let wi = if top_k {
            1
        } else {
            weights.get(i).and_then(Value::as_u64).unwrap_or(0)
        };
        if wi > 0 && cap >= wi {
            c[cap_key] = json!(cap - wi);
            out.push(c);
        }
    }
    // Smaller capacity.
    for c2 in [0, cap / 2, cap.saturating_sub(1)] {
        if c2 < cap {
            let mut c = v.clone();
            c[cap_key] = json!(c2);
            out.push(c);
        }
    }
    // Smaller weights.
    for (i, w) in weights.iter().enumerate() {
        let w = w.as_u64().unwrap_or(0);
        for w2 in [0, 1, w / 2, w.saturating_sub(1)] {
            if w2 < w {
                let mut c = v.clone();
                c["weights"][i] = json!(w2);
                out.push(c);
            }
        }
    }
    // Simpler gamma.
    if let Some(g) = v.get("gamma").and_then(Value::as_f64) {
        for g2 in [1.0, g.round(), (g * 10.0).round() / 10.0] {
            if g2 > 0.0 && g2 != g {
                let mut c = v.clone();
                c["gamma"] = json!(g2);
                out.push(c);
            }
        }
    }
    // Simpler scores, first for all items sharing a score at once (so that a tie the failure
    // needs survives), then one at a time (ties appear when two scores simplify to the same
    // number, and are kept only if the failure needs them).
    let mut groups: Vec<(f64, Vec<usize>)> = Vec::new();
    for (i, t) in theta.iter().enumerate() {
        let t = t.as_f64().unwrap_or(0.0);
        match groups.iter_mut().find(|g| g.0 == t) {
            Some(g) => g.1.push(i),
            None => groups.push((t, vec![i])),
        }
    }
    for (t, members) in groups.iter().filter(|g| g.1.len() > 1) {
        for t2 in simpler_numbers(*t) {
            let mut c = v.clone();
            for &i in members {
                c["theta"][i] = json!(t2);
            }
            out.push(c);
        }
    }
    for (i, t) in theta.iter().enumerate() {
        for t2 in simpler_numbers(t.as_f64().unwrap_or(0.0)) {
            let mut c = v.clone();
            c["theta"][i] = json!(t2);
            out.push(c);
        }
    }
    // Simpler cotangent.
    for (i, x) in z.iter().enumerate() {
        for x2 in simpler_numbers(x.as_f64().unwrap_or(0.0)) {
            let mut c = v.clone();
            c["z"][i] = json!(x2);
            out.push(c);
        }
    }
    out.retain(valid);
    out
}

/// Options of a fuzzing run.
#[derive(Debug, Clone)]
pub struct FuzzOptions {
    /// Seed of the generator.
    pub seed: u64,
    /// Number of cases (unless `time` ends the run first).
    pub cases: u64,
    /// Wall-clock limit of the case loop.
    pub time: Option<Duration>,
    /// Tolerances of the comparison.
    pub tol: Tolerance,
    /// What to generate.
    pub generate: generate::GenOptions,
    /// Which fields to compare.
    pub fields: Fields,
    /// Most program calls spent shrinking.
    pub max_shrink_calls: usize,
}

/// The result of a fuzzing run.
#[derive(Debug, Clone)]
pub struct FuzzReport {
    /// Cases run.
    pub cases: u64,
    /// Cases accepted as passing.
    pub passed: u64,
    /// The first failure, shrunk: (original request, minimal request, its failure, shrink
    /// steps taken, program calls spent shrinking).
    pub failure: Option<Shrunk>,
}

/// A shrunk failure.
#[derive(Debug, Clone)]
pub struct Shrunk {
    /// The case as generated.
    pub original: Value,
    /// The original's failure.
    pub original_failure: Failure,
    /// The minimal failing request found.
    pub minimal: Value,
    /// Its failure.
    pub failure: Failure,
    /// Accepted simplification steps.
    pub steps: usize,
    /// Program calls spent shrinking.
    pub calls: usize,
}

/// Runs the fuzzing loop; `progress(done, total)` is called after each case.
pub fn fuzz(
    program: &mut Program,
    opts: &FuzzOptions,
    mut progress: impl FnMut(u64, u64),
) -> std::io::Result<FuzzReport> {
    let mut rng = crate::rng::Rng::seed(opts.seed);
    let start = std::time::Instant::now();
    let mut report = FuzzReport {
        cases: 0,
        passed: 0,
        failure: None,
    };
    for i in 0..opts.cases {
        if opts.time.is_some_and(|t| start.elapsed() >= t) {
            break;
        }
        let case = generate::case(i, &mut rng, &opts.generate);
        let reply = program.ask(&case.to_string())?;
        report.cases += 1;
        match judge(&case, &reply, opts.tol, opts.fields) {
            None => report.passed += 1,
            Some(f) => {
                report.failure = Some(shrink_failure(program, case, f, opts)?);
                progress(report.cases, opts.cases);
                return Ok(report);
            }
        }
        progress(report.cases, opts.cases);
    }
    Ok(report)
}

/// Greedy shrinking: take the first candidate that still fails on the same field, repeat
/// until none does or the call budget is spent.
fn shrink_failure(
    program: &mut Program,
    original: Value,
    failure: Failure,
    opts: &FuzzOptions,
) -> std::io::Result<Shrunk> {
    let mut current = original.clone();
    let mut current_failure = failure.clone();
    let (mut steps, mut calls) = (0usize, 0usize);
    'outer: loop {
        for cand in shrink(&current) {
            if calls >= opts.max_shrink_calls {
                break 'outer;
            }
            calls += 1;
            let reply = program.ask(&cand.to_string())?;
            if let Some(f) = judge(&cand, &reply, opts.tol, opts.fields)
                && f.field == current_failure.field
            {
                current = cand;
                current_failure = f;
                steps += 1;
                continue 'outer;
            }
        }
        break;
    }
    Ok(Shrunk {
        original,
        original_failure: failure,
        minimal: current,
        failure: current_failure,
        steps,
        calls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrink_candidates_are_valid_and_smaller() {
        let v = json!({"id": 1, "constraint": "exact", "regularizer": "gini", "gamma": 0.37,
                       "capacity": 3, "theta": [0.5, -1.25, 2.0], "weights": [1, 2, 0],
                       "z": [0.3, 0.0, -0.7]});
        let c = shrink(&v);
        assert!(!c.is_empty());
        for x in &c {
            assert!(valid(x), "{x}");
            assert_ne!(x, &v);
        }
        // Dropping item 1 alone leaves capacity 3 unreachable by {1, 0}; with capacity 1 it
        // is kept.
        assert!(
            c.iter()
                .any(|x| x["theta"] == json!([0.5, 2.0]) && x["capacity"] == 1)
        );
        assert!(
            !c.iter()
                .any(|x| x["theta"] == json!([0.5, 2.0]) && x["capacity"] == 3)
        );
    }

    #[test]
    fn judge_names_the_field_and_index() {
        let req = json!({"id": 1, "constraint": "top_k", "regularizer": "gini", "gamma": 1,
                         "k": 1, "theta": [0.5, 0.0], "z": [1, 0]});
        let tol = Tolerance::default();
        let f = Fields::default();
        // y = (3/4, 1/4), value = 0.5 * 0.75 + 0.25 * (3/4 * 1/4 ... ) computed by the library.
        let good = crate::request::relax::answer_f64(&req).unwrap();
        let line = Value::Object(good.clone()).to_string();
        assert_eq!(judge(&req, &Reply::Line(line), tol, f), None);
        let mut bad = good.clone();
        bad["y"][1] = json!(0.26);
        let r = judge(&req, &Reply::Line(Value::Object(bad).to_string()), tol, f).unwrap();
        assert_eq!(
            (r.kind, r.field.as_str(), r.index),
            ("wrong number", "y", Some(1))
        );
        let mut nan = good.clone();
        nan.remove("vjp");
        let r = judge(&req, &Reply::Line(Value::Object(nan).to_string()), tol, f).unwrap();
        assert_eq!((r.kind, r.field.as_str()), ("missing field", "vjp"));
        let text = Value::Object(good).to_string().replace("0.75", "NaN");
        let r = judge(&req, &Reply::Line(text), tol, f).unwrap();
        assert_eq!(
            (r.kind, r.field.as_str(), r.index),
            ("not finite", "y", Some(0))
        );
        assert_eq!(judge(&req, &Reply::Hang, tol, f).unwrap().kind, "hang");
    }
}
