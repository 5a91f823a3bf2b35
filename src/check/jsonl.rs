//! The JSON Lines driver on arbitrary bytes.

use crate::jsonl::{self, Limits};
use crate::request::{relax, solve};
use serde_json::Value;

/// Any bytes as JSON Lines through the driver with the `relax` (f64 and exact) and `solve`
/// handlers, with a small line cap so that over-long lines are exercised too: never a panic;
/// exactly one output line per non-blank input line (a line holding only a byte-order mark
/// and whitespace is blank), each a JSON object whose first key is `id`; never NaN or
/// infinity in the output (the output is valid JSON).
pub fn jsonl_never_panics(data: &[u8]) {
    let handlers: [&dyn Fn(&Value) -> crate::Result<_>; 3] =
        [&relax::answer_f64, &relax::answer_exact, &|v| {
            solve::answer(v, solve::Method::Dp)
        }];
    let cap = 200;
    // A line is answered if it is over the cap (checked first, on the line without its
    // newline and, when it has one, a CR before it), or if it is not blank after an optional
    // byte-order mark.
    let pieces: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    let last = pieces.len() - 1;
    let expected = pieces
        .iter()
        .enumerate()
        .filter(|(k, l)| {
            let ended = *k < last;
            let l: &[u8] = if ended {
                l.strip_suffix(b"\r").unwrap_or(l)
            } else {
                l
            };
            if l.len() > cap {
                return true;
            }
            let l = l.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(l);
            !l.iter().all(|b| b.is_ascii_whitespace())
        })
        .count();
    for h in handlers {
        let mut out = Vec::new();
        let code = jsonl::run(
            data,
            &mut out,
            Limits {
                max_line_bytes: cap,
            },
            h,
        );
        assert!(code == 0 || code == 1, "exit status {code}");
        let text = String::from_utf8(out).expect("the output is UTF-8");
        let mut count = 0;
        for row in text.lines() {
            count += 1;
            let v: Value = serde_json::from_str(row).expect("every output line is JSON");
            let obj = v.as_object().expect("every output line is an object");
            assert_eq!(obj.keys().next().map(String::as_str), Some("id"), "{row}");
        }
        assert_eq!(count, expected, "one answer per non-blank line");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn blank_and_over_long_lines_are_counted_like_the_reader() {
        let mut data = vec![b' '; 300];
        data.extend_from_slice(b"\n\r\n\xEF\xBB\xBF \n{\"id\":1}\r\n");
        data.extend_from_slice(&[b'x'; 250]);
        super::jsonl_never_panics(&data);
        super::jsonl_never_panics(b"");
        super::jsonl_never_panics(b"\n\n");
        super::jsonl_never_panics(b"{}\r");
    }
}
