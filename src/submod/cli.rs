//! The `diffknap submod` command: JSON Lines in, JSON Lines out (a thin shell over
//! [`super::request`]).
//!
//! ```text
//! diffknap submod --algorithm NAME [--epsilon E] [--seed S] [--large-guesses T]
//!                 [--max-work W] [--max-nodes N] [--opt] [--input FILE]
//! ```
//!
//! Each non-blank input line is one request ([`super::request`] describes the fields and the
//! answer); lines are read and answered by the shared driver [`crate::jsonl`] (streaming,
//! line cap, `id` first, bad lines as error lines, a read error ends the command). A bad line
//! gets `{"id", "error"}` naming the field and the rule; the other lines are still answered.
//! Exit status 0 if every line succeeded, 1 if some line failed, 2 for bad command-line
//! usage. Runs estimated to take long report progress on standard
//! error ([`crate::progress::StderrProgress`]).

use std::io::{BufReader, Write};

use serde_json::{Map, Value as Json};

use super::request::{Algorithm, Options, answer};
use crate::jsonl;
use crate::progress::{Progress, StderrProgress};

const USAGE: &str = "usage: diffknap submod --algorithm NAME [--epsilon E] [--seed S] \
[--large-guesses T] [--max-work W] [--max-nodes N] [--opt] [--input FILE]
algorithms: density_greedy lazy_density_greedy greedy_singleton greedy_max enumeration1 \
enumeration2 sviridenko threshold_enumeration continuous_greedy ene_nguyen";

/// Parsed command line: the request options and the input file.
#[derive(Clone, Debug, PartialEq)]
pub struct Args {
    /// How to answer each line.
    pub options: Options,
    /// Input file (stdin if `None`).
    pub input: Option<String>,
}

fn nonneg<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{flag}: not a nonnegative integer: {v:?}"))
}

/// Parse the arguments that follow the `submod` word. `Ok(None)` means `--help`.
pub fn parse_args(args: &[String]) -> Result<Option<Args>, String> {
    let mut algorithm = None;
    let mut epsilon = None;
    let mut seed = 0u64;
    let mut large_guesses = None;
    let mut max_work = None;
    let mut max_nodes = None;
    let mut opt = false;
    let mut input = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match a.as_str() {
            "--help" | "-h" => return Ok(None),
            "--algorithm" => {
                let v = value("--algorithm")?;
                algorithm =
                    Some(Algorithm::parse(&v).ok_or_else(|| format!("unknown algorithm {v:?}"))?);
            }
            "--epsilon" => {
                let v = value("--epsilon")?;
                let e: f64 = v
                    .parse()
                    .map_err(|_| format!("--epsilon: not a number: {v:?}"))?;
                if !(e > 0.0 && e < 1.0) {
                    return Err(format!("--epsilon must be in (0, 1), got {v}"));
                }
                epsilon = Some(e);
            }
            "--seed" => seed = nonneg("--seed", &value("--seed")?)?,
            "--large-guesses" => {
                large_guesses = Some(nonneg("--large-guesses", &value("--large-guesses")?)?)
            }
            "--max-work" => max_work = Some(nonneg("--max-work", &value("--max-work")?)?),
            "--max-nodes" => max_nodes = Some(nonneg("--max-nodes", &value("--max-nodes")?)?),
            "--opt" => opt = true,
            "--input" => input = Some(value("--input")?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let algorithm = algorithm.ok_or("--algorithm is required")?;
    let mut options = Options::new(algorithm);
    options.epsilon = epsilon.unwrap_or(options.epsilon);
    options.seed = seed;
    options.large_guesses = large_guesses;
    options.opt = opt;
    options.max_work = max_work.unwrap_or(options.max_work);
    options.max_nodes = max_nodes.unwrap_or(options.max_nodes);
    Ok(Some(Args { options, input }))
}

/// Entry point: `args` are the arguments after the `submod` word. Returns the exit status.
pub fn cli_main(args: &[String]) -> i32 {
    let parsed = match parse_args(args) {
        Ok(Some(a)) => a,
        Ok(None) => {
            let _ = writeln!(std::io::stdout(), "{USAGE}");
            return 0;
        }
        Err(msg) => {
            eprintln!("diffknap submod: {msg}\n{USAGE}");
            return 2;
        }
    };
    let input: Box<dyn std::io::Read> = match &parsed.input {
        None => Box::new(std::io::stdin()),
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("diffknap submod: cannot open --input {path:?}: {e}");
                return 2;
            }
        },
    };
    let progress = StderrProgress::new();
    let stdout = std::io::stdout();
    let mut out = std::io::LineWriter::new(stdout.lock());
    jsonl::run(
        BufReader::with_capacity(1 << 20, input),
        &mut out,
        jsonl::Limits::default(),
        |v| answer(v, &parsed.options, &progress),
    )
}

/// Answer one input line without progress: [`process_line_with`] with
/// [`crate::progress::NoProgress`].
pub fn process_line(line: &str, opts: &Options) -> Json {
    process_line_with(line, opts, &crate::progress::NoProgress)
}

/// Answer one input line (never panics on bad input): `{"id", ...answer}` or
/// `{"id", "error"}`, with `id` first (`null` if the line has none or is not JSON).
pub fn process_line_with(line: &str, opts: &Options, progress: &dyn Progress) -> Json {
    let (m, _) = match jsonl::parse_line(1, line.as_bytes()) {
        jsonl::Line::Object { value, .. } => {
            let id = value.get("id").cloned().unwrap_or(Json::Null);
            jsonl::reply(id, answer(&value, opts, progress))
        }
        jsonl::Line::Bad { id, error, .. } => {
            let mut m = Map::new();
            m.insert("id".into(), id);
            m.insert("error".into(), Json::String(error));
            (m, false)
        }
    };
    Json::Object(m)
}
