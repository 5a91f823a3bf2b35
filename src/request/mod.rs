//! Request and answer types of the operators, shared by the command line, the Python package
//! and the checking harness: one JSON object in, the answer fields out.
//!
//! - [`relax`]: the operators (`value`, `y`, `vjp`, samples) in f64 and exact arithmetic.
//! - [`certified`]: the same requests answered with certified enclosures.
//! - [`solve`]: the hard problem by DP, ILP or LP.
//! - [`json`]: reading typed fields with errors that name the field and the rule.
//!
//! Unknown or misspelled fields are errors that name the field and suggest the nearest known
//! one. Annotation fields that other tools write beside a request (`case`, `comment`, `flags`,
//! `expected`) are accepted and ignored, so that a conformance vector is itself a request.

pub mod certified;
pub mod json;
pub mod relax;
pub mod solve;

use crate::error::{Error, Result};
use serde_json::Value;

/// Annotation fields accepted (and ignored) on every request line.
pub const ANNOTATIONS: [&str; 4] = ["case", "comment", "flags", "expected"];

/// Fails if `v` has a field that is neither in `known` nor an annotation, naming the field
/// and the nearest known name.
pub fn check_fields(v: &Value, known: &[&str]) -> Result<()> {
    let Some(obj) = v.as_object() else {
        return Err(crate::error::invalid(
            "input",
            "each line must be a JSON object",
        ));
    };
    for key in obj.keys() {
        if known.contains(&key.as_str()) || ANNOTATIONS.contains(&key.as_str()) {
            continue;
        }
        let nearest = known
            .iter()
            .map(|k| (edit_distance(k, key), *k))
            .min()
            .filter(|(d, k)| *d <= 2.max(k.len() / 3));
        let hint = match nearest {
            Some((_, k)) => format!("did you mean `{k}`? "),
            None => String::new(),
        };
        return Err(Error::Invalid {
            field: key.clone(),
            rule: format!("unknown field ({hint}known fields: {})", known.join(", ")),
        });
    }
    Ok(())
}

/// Levenshtein distance between two short strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_name_the_nearest_known_one() {
        let v = serde_json::json!({"thetaa": [1], "case": "x"});
        let e = check_fields(&v, &["theta", "weights"])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("thetaa: unknown field (did you mean `theta`?"),
            "{e}"
        );
        let v = serde_json::json!({"zzzzzzzz": 1});
        let e = check_fields(&v, &["theta"]).unwrap_err().to_string();
        assert!(!e.contains("did you mean"), "{e}");
        assert!(check_fields(&serde_json::json!({"theta": 1, "expected": {}}), &["theta"]).is_ok());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
