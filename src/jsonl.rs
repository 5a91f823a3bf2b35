//! The one JSON Lines driver of every command.
//!
//! Every command reads one JSON object per line and writes one JSON object per non-blank input
//! line, in order, with the input's `id` first. This module owns everything about that stream
//! so that each command only says how to answer one line:
//!
//! - **Streaming.** Answers are written as soon as they are ready and flushed whenever no more
//!   input is waiting in the read buffer, so a caller that writes one line and waits for its
//!   answer never deadlocks, while bulk input is still answered in batches.
//! - **Bounded lines.** A line longer than [`Limits::max_line_bytes`] is not stored: it gets an
//!   error answer naming the cap (and how to raise it) and the reader skips to the next line.
//! - **Bad bytes are a line's error, not the stream's.** Invalid UTF-8, a byte-order mark,
//!   malformed JSON and non-objects each get an error line (`"id": null`, or the id when it
//!   can be read) and the next line is read.
//! - **A fatal read error** (the input cannot be read at all) ends the command once, with a
//!   message on standard error and exit status 1; everything answered so far has been written.
//!
//! Exit status of [`run`]: 0 if every line succeeded, 1 if any line failed or reading failed.

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::io::{BufRead, Read, Write};

/// The answer fields of one line (without `id`, which the driver puts first).
pub type Fields = Map<String, Value>;

/// Default cap on the length of one input line: 64 MiB, room for about three million
/// numbers, far above any instance that fits the default table budget with a useful capacity.
pub const DEFAULT_MAX_LINE_BYTES: usize = 64 << 20;

/// Limits of the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest accepted line in bytes (without its newline).
    pub max_line_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
        }
    }
}

/// One input line, as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A JSON object.
    Object {
        /// 1-based line number (blank lines count).
        line: usize,
        /// The parsed object.
        value: Value,
    },
    /// A line that is not a JSON object: over-long, not UTF-8, malformed, or not an object.
    Bad {
        /// 1-based line number.
        line: usize,
        /// The line's `id` if it could be read, else null.
        id: Value,
        /// What is wrong, naming the rule.
        error: String,
    },
}

impl Line {
    /// The line number.
    pub fn number(&self) -> usize {
        match self {
            Line::Object { line, .. } | Line::Bad { line, .. } => *line,
        }
    }
    /// The `id` of the line (null if absent or unreadable).
    pub fn id(&self) -> Value {
        match self {
            Line::Object { value, .. } => value.get("id").cloned().unwrap_or(Value::Null),
            Line::Bad { id, .. } => id.clone(),
        }
    }
}

/// A reader of JSON Lines over any buffered input.
pub struct Reader<R> {
    inner: R,
    limits: Limits,
    line_no: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> Reader<R> {
    /// Wraps `inner`.
    pub fn new(inner: R, limits: Limits) -> Self {
        Reader {
            inner,
            limits,
            line_no: 0,
            buf: Vec::new(),
        }
    }

    /// Whether input is already waiting in the buffer (so reading more will not block).
    pub fn waiting(&self) -> bool
    where
        R: BufferedLen,
    {
        self.inner.buffered_len() > 0
    }

    /// The next non-blank line, `Ok(None)` at the end of the input, `Err` on a read error
    /// (fatal: the stream cannot be trusted after it).
    pub fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        loop {
            self.buf.clear();
            let cap = self.limits.max_line_bytes;
            // Read at most cap + 1 bytes of the line (the newline included).
            let n = (&mut self.inner)
                .take(cap as u64 + 2)
                .read_until(b'\n', &mut self.buf)?;
            if n == 0 {
                return Ok(None);
            }
            self.line_no += 1;
            let line = self.line_no;
            let ended = self.buf.last() == Some(&b'\n');
            if ended {
                self.buf.pop();
                if self.buf.last() == Some(&b'\r') {
                    self.buf.pop();
                }
            }
            if self.buf.len() > cap || (!ended && n as u64 == cap as u64 + 2) {
                if !ended {
                    self.skip_rest()?;
                }
                return Ok(Some(Line::Bad {
                    line,
                    id: Value::Null,
                    error: format!(
                        "line {line}: longer than the cap of {cap} bytes per line \
                         (raise it with --max-line-bytes)"
                    ),
                }));
            }
            let mut bytes: &[u8] = &self.buf;
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                // A UTF-8 byte-order mark, as some editors write at the start of a file.
                bytes = rest;
            }
            if bytes.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            return Ok(Some(parse_line(line, bytes)));
        }
    }

    /// Discards input up to and including the next newline, in bounded memory.
    fn skip_rest(&mut self) -> std::io::Result<()> {
        loop {
            let avail = self.inner.fill_buf()?;
            if avail.is_empty() {
                return Ok(());
            }
            match avail.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.inner.consume(i + 1);
                    return Ok(());
                }
                None => {
                    let len = avail.len();
                    self.inner.consume(len);
                }
            }
        }
    }
}

/// Parses the bytes of one non-blank line.
pub fn parse_line(line: usize, bytes: &[u8]) -> Line {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Line::Bad {
                line,
                id: Value::Null,
                error: format!(
                    "line {line}: not valid UTF-8 (invalid byte at column {}); JSON Lines must be UTF-8",
                    e.valid_up_to() + 1
                ),
            };
        }
    };
    let parsed = serde_json::from_str::<Value>(text.trim()).or_else(|e| {
        // Python's json module writes NaN, Infinity and -Infinity as bare tokens; read them
        // as the strings "NaN", "Infinity", "-Infinity" so that the field that holds them is
        // named in the answer (a request refuses them as non-finite; `validate` reports them
        // as failed numbers).
        match quote_non_finite(text) {
            Some(fixed) => serde_json::from_str::<Value>(fixed.trim()).map_err(|_| e),
            None => Err(e),
        }
    });
    match parsed {
        Ok(value @ Value::Object(_)) => Line::Object { line, value },
        Ok(other) => Line::Bad {
            line,
            id: Value::Null,
            error: format!(
                "line {line}: each line must be a JSON object, found {}",
                kind_of(&other)
            ),
        },
        Err(e) => Line::Bad {
            line,
            id: Value::Null,
            error: format!("line {line}: malformed JSON: {e}"),
        },
    }
}

/// `text` with the bare tokens `NaN`, `Infinity` and `-Infinity` outside string literals
/// quoted, or `None` if there are none.
pub fn quote_non_finite(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let (mut i, mut in_str, mut changed, mut last) = (0, false, false, 0);
    while i < b.len() {
        let c = b[i];
        if in_str {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == b'"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            in_str = true;
            i += 1;
            continue;
        }
        let token = [&b"-Infinity"[..], b"Infinity", b"NaN"]
            .into_iter()
            .find(|t| b[i..].starts_with(t));
        if let Some(t) = token {
            out.push_str(&text[last..i]);
            out.push('"');
            out.push_str(&text[i..i + t.len()]);
            out.push('"');
            i += t.len();
            last = i;
            changed = true;
            continue;
        }
        i += 1;
    }
    if !changed {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Buffered inputs that can say how many bytes they hold already read.
pub trait BufferedLen {
    /// Bytes held in the buffer, readable without blocking.
    fn buffered_len(&self) -> usize;
}

impl<R: Read> BufferedLen for std::io::BufReader<R> {
    fn buffered_len(&self) -> usize {
        self.buffer().len()
    }
}

impl BufferedLen for &[u8] {
    fn buffered_len(&self) -> usize {
        self.len()
    }
}

impl<T: AsRef<[u8]>> BufferedLen for std::io::Cursor<T> {
    fn buffered_len(&self) -> usize {
        let len = self.get_ref().as_ref().len() as u64;
        len.saturating_sub(self.position()) as usize
    }
}

/// The reply object of one line: `id` first, then the fields or `error`.
pub fn reply(id: Value, result: Result<Fields>) -> (Map<String, Value>, bool) {
    let mut m = Map::new();
    m.insert("id".into(), id);
    let ok = match result {
        Ok(fields) => {
            for (k, v) in fields {
                if k != "id" {
                    m.insert(k, v);
                }
            }
            true
        }
        Err(e) => {
            m.insert("error".into(), e.to_string().into());
            false
        }
    };
    (m, ok)
}

/// Answers every line with `answer`, one at a time (see the module docs). Returns the exit
/// status.
pub fn run<R: BufRead + BufferedLen>(
    input: R,
    out: &mut dyn Write,
    limits: Limits,
    mut answer: impl FnMut(&Value) -> Result<Fields>,
) -> i32 {
    run_batched(
        input,
        out,
        limits,
        1,
        |v| Ok(v.clone()),
        |reqs| reqs.iter().map(&mut answer).collect(),
    )
}

/// Answers lines in batches of up to `chunk`: `prepare` turns each object (taken by value,
/// so a pass-through keeps it without a copy) into a request
/// (its error answers that line alone), then `compute` answers all prepared requests of the
/// batch at once (one result per request, in order). A batch is closed early whenever no more
/// input is waiting, so interactive callers are answered at once. Returns the exit status.
pub fn run_batched<R: BufRead + BufferedLen, P>(
    input: R,
    out: &mut dyn Write,
    limits: Limits,
    chunk: usize,
    mut prepare: impl FnMut(Value) -> Result<P>,
    mut compute: impl FnMut(&[P]) -> Vec<Result<Fields>>,
) -> i32 {
    let mut reader = Reader::new(input, limits);
    let mut code = 0;
    let mut eof = false;
    while !eof {
        // (id, Err(early error) | Ok(index into reqs))
        let mut slots: Vec<(Value, std::result::Result<usize, Error>)> = Vec::new();
        let mut reqs: Vec<P> = Vec::new();
        let mut fatal = None;
        while slots.len() < chunk.max(1) {
            match reader.next_line() {
                Ok(None) => {
                    eof = true;
                    break;
                }
                Err(e) => {
                    fatal = Some(e);
                    eof = true;
                    break;
                }
                Ok(Some(line)) => {
                    let id = line.id();
                    match line {
                        Line::Bad { error, .. } => {
                            slots.push((id, Err(Error::Input { what: error })))
                        }
                        Line::Object { value, .. } => match prepare(value) {
                            Ok(p) => {
                                reqs.push(p);
                                slots.push((id, Ok(reqs.len() - 1)));
                            }
                            Err(e) => slots.push((id, Err(e))),
                        },
                    }
                }
            }
            if !reader.waiting() {
                break;
            }
        }
        let mut results: Vec<Option<Result<Fields>>> = if reqs.is_empty() {
            Vec::new()
        } else {
            compute(&reqs).into_iter().map(Some).collect()
        };
        for (id, slot) in slots {
            let result = match slot {
                Err(e) => Err(e),
                Ok(i) => results
                    .get_mut(i)
                    .and_then(Option::take)
                    .unwrap_or_else(|| {
                        Err(Error::Input {
                            what: "internal: a batch result is missing".into(),
                        })
                    }),
            };
            let (m, ok) = reply(id, result);
            if !ok {
                code = 1;
            }
            if writeln!(out, "{}", Value::Object(m)).is_err() {
                return 1;
            }
        }
        if out.flush().is_err() {
            return 1;
        }
        if let Some(e) = fatal {
            let _ = writeln!(std::io::stderr(), "diffknap: reading input: {e}");
            return 1;
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], cap: usize) -> Vec<Line> {
        let mut r = Reader::new(
            input,
            Limits {
                max_line_bytes: cap,
            },
        );
        let mut v = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            v.push(l);
        }
        v
    }

    #[test]
    fn reader_classifies_lines_and_keeps_going() {
        let input = b"\xEF\xBB\xBF{\"id\":1}\n\n  \n\xff\xfe\n[1]\n{\"id\":2,\n{\"id\":3}\r\n";
        let got = lines(input, 100);
        assert_eq!(got.len(), 5);
        assert!(matches!(&got[0], Line::Object { line: 1, .. }));
        assert_eq!(got[0].id(), Value::from(1));
        assert!(matches!(&got[1], Line::Bad { line: 4, error, .. } if error.contains("UTF-8")));
        assert!(
            matches!(&got[2], Line::Bad { line: 5, error, .. } if error.contains("JSON object"))
        );
        assert!(matches!(&got[3], Line::Bad { line: 6, error, .. } if error.contains("malformed")));
        assert_eq!(got[4].id(), Value::from(3));
    }

    #[test]
    fn python_non_finite_tokens_are_read_as_strings() {
        let got = lines(
            b"{\"id\":1,\"y\":[NaN,-Infinity,1,Infinity],\"s\":\"NaN\\\"x\"}\n",
            100,
        );
        let Line::Object { value, .. } = &got[0] else {
            panic!("{got:?}")
        };
        assert_eq!(
            value["y"],
            serde_json::json!(["NaN", "-Infinity", 1, "Infinity"])
        );
        assert_eq!(value["s"], "NaN\"x");
        assert_eq!(quote_non_finite("{\"a\":1}"), None);
    }

    #[test]
    fn over_long_lines_are_skipped_in_bounded_memory() {
        let mut input = vec![b'x'; 1000];
        input.extend_from_slice(b"\n{\"id\":7}\n");
        input.extend_from_slice(&[b' '; 11]);
        input.extend_from_slice(b"{}");
        let got = lines(&input, 10);
        assert_eq!(got.len(), 3);
        assert!(matches!(&got[0], Line::Bad { error, .. } if error.contains("cap of 10 bytes")));
        assert_eq!(got[1].id(), Value::from(7));
        // 13 bytes without a newline at the end of the input: over the cap too.
        assert!(matches!(&got[2], Line::Bad { line: 3, .. }));
        // Exactly at the cap is accepted.
        let got = lines(b"{\"id\":12}\n", 9);
        assert_eq!(got[0].id(), Value::from(12));
        let got = lines(b"{\"id\":12}", 9);
        assert_eq!(got[0].id(), Value::from(12));
        let got = lines(b"{\"id\":123}", 9);
        assert!(matches!(&got[0], Line::Bad { .. }));
    }

    #[test]
    fn run_puts_id_first_and_answers_every_line() {
        let input: &[u8] = b"{\"x\":1,\"id\":\"a\"}\nnot json\n{\"id\":\"c\",\"fail\":true}\n";
        let mut out = Vec::new();
        let code = run(input, &mut out, Limits::default(), |v| {
            if v.get("fail").is_some() {
                Err(Error::Invalid {
                    field: "fail".into(),
                    rule: "asked to".into(),
                })
            } else {
                Ok(Map::from_iter([("ok".to_string(), Value::from(true))]))
            }
        });
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(code, 1);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], r#"{"id":"a","ok":true}"#);
        assert!(rows[1].starts_with(r#"{"id":null,"error":"line 2: malformed JSON"#));
        assert_eq!(rows[2], r#"{"id":"c","error":"fail: asked to"}"#);
    }
}
