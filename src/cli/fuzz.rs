//! `diffknap fuzz`: fuzz another implementation of `relax` (see [`crate::harness`]).

use super::UsageError;
use crate::harness::{Fields, FuzzOptions, Program, fuzz, generate::GenOptions};
use crate::instance::Constraint;
use crate::reg::RegKind;
use crate::validate::{DEFAULT_ATOL, DEFAULT_RTOL, Tolerance};
use serde_json::{Value, json};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

fn nonneg(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!("must be a finite number >= 0; got {s:?}")),
    }
}

/// `diffknap fuzz` options.
#[derive(Debug, Clone, clap::Args)]
#[command(
    about = "Fuzz another implementation: start PROGRAM once, write one relax request per case on its \
             stdin, read one answer per case from its stdout, compare with the certified truth, and \
             shrink the first failure to a minimal instance. Exit 0 iff no failure.",
    after_help = "Example: diffknap fuzz --cases 500 -- python3 my_port.py"
)]
pub struct Args {
    /// Seed of the case generator (the run is deterministic for a seed).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Number of cases.
    #[arg(long, default_value_t = 1000)]
    pub cases: u64,
    /// Stop after this many seconds (whichever of --cases and --time comes first).
    #[arg(long, value_parser = nonneg)]
    pub time: Option<f64>,
    /// Relative tolerance.
    #[arg(long, default_value_t = DEFAULT_RTOL, value_parser = nonneg)]
    pub rtol: f64,
    /// Absolute tolerance.
    #[arg(long, default_value_t = DEFAULT_ATOL, value_parser = nonneg)]
    pub atol: f64,
    /// Comma-separated constraints: knapsack, exact, top_k.
    #[arg(long, default_value = "knapsack,exact,top_k")]
    pub constraints: String,
    /// Comma-separated regularizers: hard, shannon, gini, tsallis.
    #[arg(long, default_value = "hard,shannon,gini,tsallis")]
    pub regularizers: String,
    /// Largest number of items.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(0..=40))]
    pub max_n: u64,
    /// Comma-separated fields to compare: value, y, vjp.
    #[arg(long, default_value = "value,y,vjp")]
    pub fields: String,
    /// Seconds to wait for one answer before calling it a hang.
    #[arg(long, default_value_t = 10.0, value_parser = nonneg)]
    pub case_timeout: f64,
    /// Most program calls spent shrinking a failure.
    #[arg(long, default_value_t = 2000)]
    pub max_shrink_calls: usize,
    /// Print the result as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The program and its arguments (after --).
    #[arg(last = true, required = true, value_name = "PROGRAM")]
    pub program: Vec<String>,
}

fn list<T>(
    s: &str,
    parse: impl Fn(&str) -> crate::Result<T>,
    name: &str,
) -> Result<Vec<T>, UsageError> {
    let v: Vec<T> = s
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| parse(p).map_err(|e| UsageError(format!("--{name}: {e}"))))
        .collect::<Result<_, _>>()?;
    if v.is_empty() {
        return Err(UsageError(format!("--{name} must name at least one")));
    }
    Ok(v)
}

/// Runs `fuzz`.
pub fn cli(args: &Args, out: &mut dyn Write) -> Result<i32, UsageError> {
    let opts = FuzzOptions {
        seed: args.seed,
        cases: args.cases,
        time: args.time.map(Duration::from_secs_f64),
        tol: Tolerance {
            rtol: args.rtol,
            atol: args.atol,
        },
        generate: GenOptions {
            constraints: list(&args.constraints, Constraint::parse, "constraints")?,
            regularizers: list(&args.regularizers, RegKind::parse, "regularizers")?,
            max_n: args.max_n as usize,
            ..GenOptions::default()
        },
        fields: crate::harness::Fields::parse(&args.fields)
            .map_err(|e| UsageError(format!("--{e}")))?,
        max_shrink_calls: args.max_shrink_calls,
    };
    let _: Fields = opts.fields;
    let mut program = Program::new(
        args.program.clone(),
        Duration::from_secs_f64(args.case_timeout.max(0.001)),
    );
    let start = Instant::now();
    let tty = std::io::stderr().is_terminal();
    let mut last = Instant::now();
    let report = fuzz(&mut program, &opts, |done, total| {
        // A one-line status once the run has lasted a second: redrawn on a terminal, a plain
        // line every ten seconds otherwise.
        let every = if tty { 0.2 } else { 10.0 };
        if start.elapsed().as_secs_f64() >= 1.0 && last.elapsed().as_secs_f64() >= every {
            last = Instant::now();
            let msg = format!(
                "diffknap fuzz: {done}/{total} cases, {:.0} s",
                start.elapsed().as_secs_f64()
            );
            let mut e = std::io::stderr();
            let _ = if tty {
                write!(e, "\r{msg}")
            } else {
                writeln!(e, "{msg}")
            };
        }
    });
    if tty && start.elapsed().as_secs_f64() >= 1.0 {
        let _ = writeln!(std::io::stderr());
    }
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            return Err(UsageError(format!(
                "cannot run {:?}: {e}",
                args.program.join(" ")
            )));
        }
    };
    let code = if report.failure.is_some() { 1 } else { 0 };
    let result = if args.json {
        let failure = report.failure.as_ref().map(|s| {
            let expected = crate::request::certified::answer_certified(&s.minimal, 20)
                .map(Value::Object)
                .unwrap_or_else(|e| json!({"error": e.to_string()}));
            json!({
                "kind": s.failure.kind, "field": s.failure.field, "index": s.failure.index,
                "minimal": s.minimal, "answer": s.failure.detail, "expected": expected,
                "original": s.original, "original_kind": s.original_failure.kind,
                "steps": s.steps, "calls": s.calls,
            })
        });
        writeln!(
            out,
            "{}",
            json!({"seed": args.seed, "cases": report.cases, "passed": report.passed,
                   "program_starts": program.starts, "failure": failure,
                   "verdict": if code == 0 { "pass" } else { "fail" }})
        )
    } else {
        text(out, args, &report, program.starts)
    };
    let _ = result.and_then(|()| out.flush());
    Ok(code)
}

fn text(
    out: &mut dyn Write,
    args: &Args,
    report: &crate::harness::FuzzReport,
    starts: usize,
) -> std::io::Result<()> {
    let Some(s) = &report.failure else {
        return writeln!(
            out,
            "PASS: {} cases (seed {}), every answer within rtol {:e}, atol {:e} of the certified truth",
            report.cases, args.seed, args.rtol, args.atol
        );
    };
    let at = s
        .failure
        .index
        .map(|i| format!("[{i}]"))
        .unwrap_or_default();
    writeln!(
        out,
        "FAIL at case {} of seed {}: {} ({}{at})",
        report.cases, args.seed, s.failure.kind, s.failure.field
    )?;
    let n = s.minimal["theta"].as_array().map_or(0, Vec::len);
    writeln!(
        out,
        "minimal failing instance ({n} items, {} shrink steps, {} program calls, {} program starts):",
        s.steps, s.calls, starts
    )?;
    writeln!(out, "{}", s.minimal)?;
    if let Ok(exp) = crate::request::certified::answer_certified(&s.minimal, 20) {
        let field = s.failure.field.as_str();
        if let Some(e) = exp.get(field) {
            let e = match s.failure.index {
                Some(i) => e.get(i).cloned().unwrap_or(Value::Null),
                None => e.clone(),
            };
            writeln!(out, "expected {field}{at} in {e} (certified)")?;
        }
    }
    writeln!(out, "program answered: {}", s.failure.detail)?;
    writeln!(out, "replay: echo '{}' | PROGRAM", s.minimal)
}
