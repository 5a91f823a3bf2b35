//! The command-line interface: argument parsing and JSON Lines I/O only; every computation
//! is a library call. Exposed as a module so that fuzz targets and tests drive the same code.
//!
//! Exit status: 0 if every line succeeded, 1 if any line failed (each failed line still gets
//! an output line `{"id": ..., "error": "..."}`), 2 for bad command-line usage.

pub mod bench;
pub mod certified;
pub mod json;
pub mod relax;
pub mod solve;
pub mod validate;
pub mod vectors;

use std::io::{BufRead, Write};

/// Usage text printed for `--help` and on usage errors.
pub const USAGE: &str = "\
diffknap: differentiable knapsack / top-k operators and submodular maximization

usage:
  diffknap demo                         run every operator on a built-in example
  diffknap relax [--precision f64|exact|certified] [--digits D]
                 [--backend auto|reference|scalar|simd|parallel] [--chunk N] [--input FILE]
  diffknap bench [--json] [--quick] [--compare-python FILE]
  diffknap solve [--method dp|ilp|lp] [--input FILE]
  diffknap validate [--input FILE] [--answers FILE] [--rtol R] [--atol A] [--json]
  diffknap vectors --count N --seed S [--profile small|stress]
  diffknap submod --algorithm NAME [--epsilon E] [--seed S] [--opt] [--input FILE]

relax and solve read JSON Lines (stdin, or --input FILE) and write one JSON line per input
line, in order, echoing \"id\". See README.md for the fields. relax answers f64 lines in
batches of up to --chunk (default 256, in parallel), and at once when no more input waits.
";

/// The input of a command. A batching reader answers the lines it holds as soon as its buffer
/// runs dry ([`std::io::BufReader::buffer`] is empty), so a caller that writes one line and
/// waits for its answer never blocks, while bulk input is still answered in large batches.
pub type Input = std::io::BufReader<Box<dyn std::io::Read>>;

/// A usage error (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

/// Parsed `--flag value` pairs and bare `--switch`es.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pairs: Vec<(String, Option<String>)>,
}

impl Flags {
    /// Parses `args`; `with_value` names the flags that take a value, `switches` those that
    /// do not. Anything else is a usage error.
    pub fn parse(
        args: &[String],
        with_value: &[&str],
        switches: &[&str],
    ) -> Result<Self, UsageError> {
        let mut pairs = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let (name, inline) = match a.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
                _ => (a.clone(), None),
            };
            if with_value.contains(&name.as_str()) {
                let v = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| UsageError(format!("{name} needs a value")))?,
                };
                pairs.push((name, Some(v)));
            } else if switches.contains(&name.as_str()) && inline.is_none() {
                pairs.push((name, None));
            } else {
                return Err(UsageError(format!("unknown argument {a:?}")));
            }
        }
        Ok(Flags { pairs })
    }
    /// The last value given for `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }
    /// Whether the switch `name` was given.
    pub fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(n, _)| n == name)
    }
    /// `--input FILE` or stdin, behind a 1 MiB buffer (large enough for batching; see
    /// [`Input`]).
    pub fn input(&self) -> Result<Input, UsageError> {
        let raw: Box<dyn std::io::Read> = match self.value("--input") {
            Some(path) => Box::new(
                std::fs::File::open(path)
                    .map_err(|e| UsageError(format!("--input {path}: {e}")))?,
            ),
            None => Box::new(std::io::stdin()),
        };
        Ok(std::io::BufReader::with_capacity(1 << 20, raw))
    }
}

/// Runs the command line `args` (without the program name); returns the exit status.
pub fn main(args: &[String]) -> i32 {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let code = dispatch(args, &mut out);
    let _ = out.flush();
    code
}

fn dispatch(args: &[String], out: &mut dyn Write) -> i32 {
    let Some(cmd) = args.first() else {
        eprint!("{USAGE}");
        return 2;
    };
    let rest = &args[1..];
    let result = match cmd.as_str() {
        "relax" => relax::cli(rest, out),
        "bench" => bench::cli(rest, out),
        "solve" => solve::cli(rest, out),
        "demo" => crate::demo::cli(rest, out),
        "validate" => validate::cli(rest, out),
        "vectors" => vectors::cli(rest, out),
        "submod" => {
            // The submodular CLI writes its own output (JSON Lines on stdout).
            let _ = out.flush();
            return crate::submod::cli::cli_main(rest);
        }
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            return 0;
        }
        other => Err(UsageError(format!("unknown command {other:?}"))),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(msg)) => {
            eprintln!("diffknap: {msg}\n\n{USAGE}");
            2
        }
    }
}

/// Reads JSON Lines from `input`, answers each non-blank line with `handle`, writes one line
/// per input line (echoing `id`), and returns 0 if all succeeded, 1 otherwise.
pub fn run_lines(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    mut handle: impl FnMut(
        &serde_json::Value,
    ) -> crate::Result<serde_json::Map<String, serde_json::Value>>,
) -> i32 {
    let mut code = 0;
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
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
        let reply = answer_line(&text, line_no, &mut handle);
        if reply.contains_key("error") {
            code = 1;
        }
        let line = serde_json::Value::Object(reply).to_string();
        if writeln!(out, "{line}").is_err() {
            return 1;
        }
    }
    code
}

/// Answers one line: parse, handle, and put `id` first. Never panics on any input.
pub fn answer_line(
    text: &str,
    line_no: usize,
    handle: &mut dyn FnMut(
        &serde_json::Value,
    ) -> crate::Result<serde_json::Map<String, serde_json::Value>>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut reply = serde_json::Map::new();
    let parsed: Result<serde_json::Value, _> = serde_json::from_str(text.trim());
    match parsed {
        Err(e) => {
            reply.insert("id".into(), serde_json::Value::Null);
            reply.insert(
                "error".into(),
                format!("line {line_no}: malformed JSON: {e}").into(),
            );
        }
        Ok(v) => {
            reply.insert(
                "id".into(),
                v.get("id").cloned().unwrap_or(serde_json::Value::Null),
            );
            if !v.is_object() {
                reply.insert(
                    "error".into(),
                    "input: each line must be a JSON object".into(),
                );
            } else {
                match handle(&v) {
                    Ok(fields) => reply.extend(fields),
                    Err(e) => {
                        reply.insert("error".into(), e.to_string().into());
                    }
                }
            }
        }
    }
    reply
}
