//! The request layer (`src/request/`): reading typed fields, the limits checked before any
//! work, and the answer fields. Every expected value below is worked out by hand in the
//! comments (or follows from the JSON text), not taken from the code under test.

use diffknap::dp::Sample;
use diffknap::error::Error;
use diffknap::ops::Relaxed;
use diffknap::request::certified::{
    DEFAULT_DIGITS, MAX_DIGITS, answer_certified, answer_certified_with, check_digits,
    printed_digits,
};
use diffknap::request::json::{
    MAX_NUMBER_CHARS, exact, exacts, f64_of, field, num, nums, opt_array, rational_of, string,
    u64_of,
};
use diffknap::request::relax::{
    AnswerExact, AnswerF64, FIELDS, MAX_SAMPLE_ENTRIES, answer_exact, answer_f64, fields_f64,
    parse_request,
};
use diffknap::request::solve::{self, Method};
use diffknap::request::{ANNOTATIONS, check_fields};
use serde_json::{Value, json};

fn field_of(e: &Error) -> String {
    match e {
        Error::Invalid { field, .. } | Error::NonFinite { field } => field.clone(),
        Error::Limit { what, .. } => what.clone(),
        other => panic!("unexpected error kind: {other}"),
    }
}

#[test]
fn u64_of_reads_integers_and_names_each_broken_rule() {
    assert_eq!(u64_of(&json!(7), "k").unwrap(), 7);
    assert_eq!(u64_of(&json!(3.0), "k").unwrap(), 3);
    assert_eq!(u64_of(&json!(0.0), "k").unwrap(), 0);
    // -0.0 is a non-negative integral float (x < 0 is false for it).
    assert_eq!(u64_of(&json!(-0.0), "k").unwrap(), 0);
    let rule = |v: Value| match u64_of(&v, "k").unwrap_err() {
        Error::Invalid { field, rule } => {
            assert_eq!(field, "k");
            rule
        }
        other => panic!("{other}"),
    };
    assert!(rule(json!(-1)).contains("non-negative"));
    assert!(rule(json!(-0.5)).contains("non-negative"));
    assert!(rule(json!(2.5)).contains("must be an integer"));
    assert!(rule(json!("3")).contains("non-negative integer"));
    // 2^53 is the largest float taken (every integer up to it is exact in f64); 2^53 + 2,
    // the next float, is refused. Written as floats so that the float path is the one read.
    assert_eq!(
        u64_of(&json!(9007199254740992.0), "k").unwrap(),
        9_007_199_254_740_992
    );
    assert!(rule(json!(9007199254740994.0)).contains("too large"));
    // An integer literal is read exactly whatever its size.
    assert_eq!(
        u64_of(&json!(18446744073709551615u64), "k").unwrap(),
        u64::MAX
    );
}

#[test]
fn f64_of_reads_numbers_and_numeric_strings() {
    assert_eq!(f64_of(&json!(1.5), "g").unwrap(), 1.5);
    assert_eq!(f64_of(&json!(" -2.25 "), "g").unwrap(), -2.25);
    assert!(matches!(f64_of(&json!("inf"), "g"), Err(Error::NonFinite { field }) if field == "g"));
    assert!(matches!(
        f64_of(&json!("NaN"), "g"),
        Err(Error::NonFinite { .. })
    ));
    assert!(matches!(f64_of(&json!("x"), "g"), Err(Error::Invalid { field, .. }) if field == "g"));
    assert!(matches!(
        f64_of(&json!(null), "g"),
        Err(Error::Invalid { .. })
    ));
}

#[test]
fn rational_of_caps_the_text_length_inclusively() {
    // 20,000 digits of "1" are accepted (the cap is inclusive), 20,001 are refused before
    // any big-integer work, with the needed and allowed lengths in the error.
    let ok = "1".repeat(MAX_NUMBER_CHARS);
    let r = rational_of(&json!(ok), "theta[0]").unwrap();
    assert_eq!(r.numer().to_string().len(), MAX_NUMBER_CHARS);
    let long = "1".repeat(MAX_NUMBER_CHARS + 1);
    match rational_of(&json!(long), "theta[0]").unwrap_err() {
        Error::Limit {
            what,
            needed,
            limit,
            ..
        } => {
            assert!(what.starts_with("theta[0]"), "{what}");
            assert_eq!(needed, MAX_NUMBER_CHARS as u128 + 1);
            assert_eq!(limit, MAX_NUMBER_CHARS as u128);
        }
        other => panic!("{other}"),
    }
    // Numbers are read as written, not through f64: 0.1 is 1/10 exactly.
    assert_eq!(
        rational_of(&json!(0.1), "x").unwrap().to_string(),
        "1/10".to_string()
    );
    assert_eq!(rational_of(&json!("3/6"), "x").unwrap().to_string(), "1/2");
    assert!(matches!(
        rational_of(&json!(true), "x"),
        Err(Error::Invalid { .. })
    ));
}

#[test]
fn fields_null_counts_as_missing() {
    let v = json!({"a": null, "s": "x", "n": 3, "arr": [1, 2]});
    assert!(field(&v, "a").is_err());
    assert!(field(&v, "zz").is_err());
    assert_eq!(field(&v, "n").unwrap(), &json!(3));
    assert_eq!(string(&v, "s").unwrap(), "x");
    assert!(string(&v, "n").is_err());
    assert_eq!(opt_array(&v, "a", u64_of).unwrap(), None);
    assert_eq!(opt_array(&v, "zz", u64_of).unwrap(), None);
    assert_eq!(opt_array(&v, "arr", u64_of).unwrap(), Some(vec![1, 2]));
    // Element errors name the index.
    let v = json!({"arr": [1, -2]});
    assert_eq!(
        field_of(&opt_array(&v, "arr", u64_of).unwrap_err()),
        "arr[1]"
    );
    assert!(num(f64::NAN, "value").is_err());
    assert!(nums(&[1.0, f64::INFINITY], "y").is_err());
    assert_eq!(nums(&[1.0, -0.5], "y").unwrap(), json!([1.0, -0.5]));
}

#[test]
fn check_fields_hints_only_near_names() {
    // The hint threshold is an edit distance of at most max(2, len / 3).
    let known = ["capacity", "theta"];
    let rule = |v: Value| match check_fields(&v, &known).unwrap_err() {
        Error::Invalid { rule, .. } => rule,
        other => panic!("{other}"),
    };
    // "capcity" is 1 edit from "capacity": hinted.
    assert!(rule(json!({"capcity": 1})).contains("did you mean `capacity`"));
    // "thxxa" is 2 edits from "theta" (len 5, threshold 2): hinted.
    assert!(rule(json!({"thxxa": 1})).contains("did you mean `theta`"));
    // "txxxa" is 3 edits from "theta" and 7 from "capacity": no hint.
    assert!(!rule(json!({"txxxa": 1})).contains("did you mean"));
    // "cxxxxity" is 4 edits from "capacity" (len 8, threshold max(2, 8/3 = 2) = 2): no hint.
    assert!(!rule(json!({"cxxxxity": 1})).contains("did you mean"));
    for a in ANNOTATIONS {
        assert!(check_fields(&json!({ a: 1 }), &known).is_ok(), "{a}");
    }
    assert!(check_fields(&json!([1]), &known).is_err());
}

#[test]
fn digits_are_checked_from_one_to_the_maximum() {
    assert!(check_digits(0).is_err());
    assert_eq!(check_digits(1).unwrap(), 1);
    assert_eq!(check_digits(MAX_DIGITS).unwrap(), MAX_DIGITS);
    assert!(check_digits(MAX_DIGITS + 1).is_err());
    assert_eq!(printed_digits(DEFAULT_DIGITS), 35);
    assert_eq!(printed_digits(1), 6);
}

#[test]
fn certified_answers_enclose_a_hand_solved_value() {
    // top-k with k = 1 over theta = (1, 0), hard regularizer: V = 1, y = (1, 0) exactly,
    // so the certified enclosures must contain these points; precision_bits is reported.
    let line = json!({"constraint": "top_k", "regularizer": "hard", "k": 1, "theta": [1, 0],
                      "z": [1, 1]});
    let m = answer_certified_with(&line, 20, None).unwrap();
    let contains = |pair: &Value, t: f64| {
        let lo: f64 = pair[0].as_str().unwrap().parse().unwrap();
        let hi: f64 = pair[1].as_str().unwrap().parse().unwrap();
        lo <= t && t <= hi
    };
    assert!(contains(&m["value"], 1.0), "{m:?}");
    assert!(
        contains(&m["y"][0], 1.0) && contains(&m["y"][1], 0.0),
        "{m:?}"
    );
    assert_eq!(m["vjp"].as_array().unwrap().len(), 2);
    assert!(m.contains_key("precision_bits"));
    // Sampling is refused at certified precision; a tiny work budget is refused before work.
    let mut s = line.clone();
    s["samples"] = json!(1);
    assert_eq!(
        field_of(&answer_certified_with(&s, 20, None).unwrap_err()),
        "samples"
    );
    assert!(answer_certified_with(&line, 20, Some(0)).is_err());
}

#[test]
fn sampled_entries_are_capped_inclusively() {
    // samples x n <= 2^20 is accepted: n = 4 and 2^18 samples is exactly the cap.
    let line = |samples: u64| {
        json!({"constraint": "top_k", "regularizer": "shannon", "gamma": 1, "k": 1,
               "theta": [0, 0, 0, 0], "samples": samples})
    };
    assert!(parse_request(&line(MAX_SAMPLE_ENTRIES / 4), f64_of).is_ok());
    match parse_request(&line(MAX_SAMPLE_ENTRIES / 4 + 1), f64_of).unwrap_err() {
        Error::Limit { needed, limit, .. } => {
            assert_eq!(needed, MAX_SAMPLE_ENTRIES as u128 + 4);
            assert_eq!(limit, MAX_SAMPLE_ENTRIES as u128);
        }
        other => panic!("{other}"),
    }
    // With no item at all the count is samples x max(n, 1).
    let empty = json!({"constraint": "top_k", "regularizer": "hard", "k": 0, "theta": [],
                       "samples": MAX_SAMPLE_ENTRIES + 1});
    assert!(matches!(
        parse_request(&empty, f64_of),
        Err(Error::Limit { needed, .. }) if needed == MAX_SAMPLE_ENTRIES as u128 + 1
    ));
}

#[test]
fn relax_requests_read_each_field_under_its_rule() {
    let base = json!({"constraint": "knapsack", "regularizer": "shannon", "gamma": 0.5,
                      "capacity": 3, "theta": [1, 2], "weights": [1, 2], "z": [1, 0],
                      "samples": 2, "seed": 9});
    let r = parse_request(&base, f64_of).unwrap();
    assert_eq!(r.gamma, 0.5);
    assert_eq!(r.extras.samples, 2);
    assert_eq!(r.extras.seed, 9);
    assert_eq!(r.extras.z.as_deref(), Some(&[1.0, 0.0][..]));
    // `k` is only for top_k.
    let mut k = base.clone();
    k.as_object_mut().unwrap().remove("capacity");
    k["k"] = json!(1);
    assert_eq!(field_of(&parse_request(&k, f64_of).unwrap_err()), "k");
    k["constraint"] = json!("top_k");
    k.as_object_mut().unwrap().remove("weights");
    assert!(parse_request(&k, f64_of).is_ok());
    let mut none = k.clone();
    none.as_object_mut().unwrap().remove("k");
    assert_eq!(
        field_of(&parse_request(&none, f64_of).unwrap_err()),
        "capacity"
    );
    // gamma may be omitted only for hard.
    let mut g = base.clone();
    g.as_object_mut().unwrap().remove("gamma");
    assert_eq!(field_of(&parse_request(&g, f64_of).unwrap_err()), "gamma");
    g["regularizer"] = json!("hard");
    assert_eq!(parse_request(&g, f64_of).unwrap().gamma, 0.0);
    // Bad elements name their index; a z of the wrong length is refused.
    let mut w = base.clone();
    w["weights"] = json!([1, -1]);
    assert_eq!(
        field_of(&parse_request(&w, f64_of).unwrap_err()),
        "weights[1]"
    );
    let mut s = base.clone();
    s["seed"] = json!(-1);
    assert_eq!(field_of(&parse_request(&s, f64_of).unwrap_err()), "seed");
    let mut z = base.clone();
    z["z"] = json!([1]);
    assert!(parse_request(&z, f64_of).is_err());
    let mut t = base.clone();
    t["theta"] = json!(3);
    assert_eq!(field_of(&parse_request(&t, f64_of).unwrap_err()), "theta");
    let mut m = base.clone();
    m.as_object_mut().unwrap().remove("regularizer");
    assert_eq!(
        field_of(&parse_request(&m, f64_of).unwrap_err()),
        "regularizer"
    );
}

#[test]
fn relax_answers_by_hand() {
    // top-k, k = 1, hard, theta = (3, 1): V = 3, y = (1, 0); with z = (1, 1) the hard VJP is 0.
    let line = json!({"constraint": "top_k", "regularizer": "hard", "k": 1, "theta": [3, 1],
                      "z": [1, 1], "samples": 2, "seed": 1});
    let m = answer_f64(&line).unwrap();
    assert_eq!(m["value"], json!(3.0));
    assert_eq!(m["y"], json!([1.0, 0.0]));
    assert_eq!(m["vjp"], json!([0.0, 0.0]));
    // Both samples are the argmax, drawn with probability 1.
    assert_eq!(m["samples"], json!([[1, 0], [1, 0]]));
    assert_eq!(m["log_prob"], json!([0.0, 0.0]));
    let e = answer_exact(&line).unwrap();
    assert_eq!(e["value"], json!("3"));
    assert_eq!(e["y"], json!(["1", "0"]));
    // No samples asked: no samples field.
    let plain = json!({"constraint": "top_k", "regularizer": "hard", "k": 1, "theta": [3, 1]});
    let m = answer_f64(&plain).unwrap();
    assert!(!m.contains_key("samples") && !m.contains_key("log_prob") && !m.contains_key("vjp"));
    // Non-finite results are refused on the wire, naming the field.
    let out = Relaxed {
        value: 1.0,
        y: vec![0.5, f64::NAN],
        vjp: None,
        samples: vec![],
    };
    assert_eq!(field_of(&AnswerF64::new(&out).fields().unwrap_err()), "y");
    let out = Relaxed {
        value: 1.0,
        y: vec![0.5],
        vjp: Some(vec![f64::INFINITY]),
        samples: vec![],
    };
    assert_eq!(field_of(&AnswerF64::new(&out).fields().unwrap_err()), "vjp");
    let out = Relaxed {
        value: 1.0,
        y: vec![0.5],
        vjp: None,
        samples: vec![Sample {
            selection: vec![true],
            log_prob: f64::NEG_INFINITY,
        }],
    };
    assert_eq!(
        field_of(&AnswerF64::new(&out).fields().unwrap_err()),
        "log_prob"
    );
    let exact = Relaxed {
        value: diffknap::num::rational::Rational::from_integer(1.into()),
        y: vec![],
        vjp: None,
        samples: vec![Sample {
            selection: vec![],
            log_prob: f64::NAN,
        }],
    };
    assert_eq!(
        field_of(&AnswerExact::new(&exact).fields().unwrap_err()),
        "log_prob"
    );
}

#[test]
fn solve_requests_by_hand() {
    assert_eq!(Method::parse("dp").unwrap(), Method::Dp);
    assert_eq!(Method::parse("ilp").unwrap(), Method::Ilp);
    assert_eq!(Method::parse("lp").unwrap(), Method::Lp);
    assert_eq!(field_of(&Method::parse("LP").unwrap_err()), "method");
    // knapsack, capacity 3, weights (2, 2, 1), theta (3, 4, 2): the best set is {1, 2}
    // (value 6, weight 3); {0, 2} has 5, {0}, {1} alone less.
    let line = json!({"constraint": "knapsack", "capacity": 3, "theta": [3, 4, 2],
                      "weights": [2, 2, 1], "regularizer": "shannon", "gamma": 1});
    let dp = solve::answer(&line, Method::Dp).unwrap();
    assert_eq!(dp["value"], json!(6.0));
    assert_eq!(dp["value_exact"], json!("6"));
    assert_eq!(dp["selection"], json!([0, 1, 1]));
    let ilp = solve::answer(&line, Method::Ilp).unwrap();
    assert_eq!(ilp["value_exact"], json!("6"));
    assert_eq!(ilp["selection"], json!([0, 1, 1]));
    assert_eq!(ilp["optimality"], json!("exact"));
    // LP relaxation: densities 1.5, 2, 2; items 1 and 2 fill the capacity exactly: 6.
    let lp = solve::answer(&line, Method::Lp).unwrap();
    assert!((lp["value"].as_f64().unwrap() - 6.0).abs() < 1e-9, "{lp:?}");
    assert_eq!(lp["x"].as_array().unwrap().len(), 3);
    // Exact theta beyond the f64 range: value is null, value_exact keeps it.
    let big = format!("1{}", "0".repeat(400));
    let huge = json!({"constraint": "top_k", "k": 1, "theta": [big.clone(), "1"]});
    let a = solve::answer(&huge, Method::Dp).unwrap();
    assert_eq!(a["value"], Value::Null);
    assert_eq!(a["value_exact"], json!(big));
    // top_k accepts k; knapsack needs capacity.
    let k = json!({"constraint": "top_k", "k": 2, "theta": [1, 2, 3]});
    assert_eq!(
        solve::answer(&k, Method::Dp).unwrap()["value_exact"],
        json!("5")
    );
    let nok = json!({"constraint": "knapsack", "k": 2, "theta": [1], "weights": [1]});
    assert_eq!(field_of(&solve::parse(&nok).unwrap_err()), "capacity");
    let null_cap = json!({"constraint": "top_k", "capacity": null, "k": 1, "theta": [1, 2]});
    assert_eq!(
        solve::answer(&null_cap, Method::Dp).unwrap()["value_exact"],
        json!("2")
    );
}

#[test]
fn hints_follow_the_edit_distance_of_the_relax_fields() {
    // The same threshold, max(2, len / 3), on the real field list; each distance below is
    // counted by hand (substitutions, insertions and deletions of one character each).
    let rule = |key: &str| match check_fields(&json!({ key: 1 }), &FIELDS).unwrap_err() {
        Error::Invalid { field, rule } => {
            assert_eq!(field, key);
            rule
        }
        other => panic!("{other}"),
    };
    // "regularizer" has 11 letters: threshold 11 / 3 = 3. Three substitutions (u, r, e at
    // positions 3, 6 and 9 to x) are hinted; a fourth (z at 8) is not. Every other field
    // is at least 7 edits away from these 11-letter keys.
    assert!(rule("regxlaxizxr").contains("did you mean `regularizer`"));
    assert!(!rule("regxlaxixxr").contains("did you mean"));
    // "constraint" has 10 letters: threshold 10 / 3 = 3, not 10 % 3 = 1 (nor 2).
    assert!(rule("constxxxnt").contains("did you mean `constraint`"));
    // Dropping letters costs one edit each: "reg" is 8 deletions from "regularizer", and 3
    // edits from "id", "k", "z" (whose threshold is 2): no hint.
    assert!(!rule("reg").contains("did you mean"));
    // Adding letters too: "capacityxxxx" is 4 insertions from "capacity" (threshold 2).
    assert!(!rule("capacityxxxx").contains("did you mean"));
    // ... and two insertions are within it.
    assert!(rule("capacityxx").contains("did you mean `capacity`"));
    // The rule lists the known fields.
    assert!(rule("reg").contains("known fields: id, constraint, regularizer"));
}

#[test]
fn a_field_of_the_wrong_type_is_named() {
    // The line's own fields, read before any number: a wrong JSON type names that field.
    let base = json!({"constraint": "top_k", "regularizer": "hard", "k": 1, "theta": [1, 2]});
    assert!(parse_request(&base, f64_of).is_ok());
    for (name, bad) in [("constraint", json!(3)), ("regularizer", json!([1]))] {
        let mut v = base.clone();
        v[name] = bad;
        assert_eq!(field_of(&parse_request(&v, f64_of).unwrap_err()), name);
    }
}

#[test]
fn an_omitted_gamma_is_missing_not_zero() {
    // Only hard may omit gamma (it is 0 there). For a smoothing regularizer the error must
    // say the field is missing, not that a gamma of 0 is out of range (none was given).
    for reg in ["shannon", "gini", "tsallis"] {
        let v = json!({"constraint": "top_k", "regularizer": reg, "k": 1, "theta": [1, 2]});
        match parse_request(&v, f64_of).unwrap_err() {
            Error::Invalid { field, rule } => {
                assert_eq!(field, "gamma");
                assert_eq!(rule, "is required but missing", "{reg}");
            }
            other => panic!("{other}"),
        }
    }
}

#[test]
fn exact_numbers_are_written_as_reduced_fractions() {
    let half = diffknap::num::rational::Rational::new(2.into(), 4.into());
    let three = diffknap::num::rational::Rational::from_integer(3.into());
    let minus = diffknap::num::rational::Rational::new((-1).into(), 3.into());
    assert_eq!(exact(&half), json!("1/2"));
    assert_eq!(exacts(&[half, three, minus]), json!(["1/2", "3", "-1/3"]));
    assert_eq!(exacts(&[]), json!([]));
}

#[test]
fn fields_of_an_f64_result_are_its_numbers() {
    // A result built by hand: its fields are exactly its numbers, no sample fields.
    let out = Relaxed {
        value: 2.5,
        y: vec![0.25, 1.0],
        vjp: Some(vec![-0.5, 0.0]),
        samples: vec![],
    };
    let m = fields_f64(&out).unwrap();
    assert_eq!(
        Value::Object(m),
        json!({"value": 2.5, "y": [0.25, 1.0], "vjp": [-0.5, 0.0]})
    );
}

#[test]
fn answer_certified_uses_the_default_work_budget() {
    // top-k, k = 1, hard, theta = (2, 5): V = 5 and y = (0, 1) exactly.
    let line = json!({"constraint": "top_k", "regularizer": "hard", "k": 1, "theta": [2, 5]});
    let m = answer_certified(&line, 10).unwrap();
    let contains = |pair: &Value, t: f64| {
        let lo: f64 = pair[0].as_str().unwrap().parse().unwrap();
        let hi: f64 = pair[1].as_str().unwrap().parse().unwrap();
        lo <= t && t <= hi
    };
    assert!(contains(&m["value"], 5.0), "{m:?}");
    assert!(
        contains(&m["y"][0], 0.0) && contains(&m["y"][1], 1.0),
        "{m:?}"
    );
    assert!(!m.contains_key("vjp"));
}

// ------------------------------------------------------------------ the JSON Lines driver

mod jsonl {
    use diffknap::error::Error;
    use diffknap::jsonl::{
        BufferedLen, Fields, Limits, Line, Reader, parse_line, quote_non_finite, reply, run,
        run_batched,
    };
    use serde_json::{Value, json};

    fn read_all(input: &[u8], cap: usize) -> Vec<Line> {
        let mut r = Reader::new(
            input,
            Limits {
                max_line_bytes: cap,
            },
        );
        let mut out = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            out.push(l);
        }
        out
    }

    fn error_of(l: &Line) -> &str {
        match l {
            Line::Bad { error, .. } => error,
            Line::Object { .. } => panic!("expected a bad line, got {l:?}"),
        }
    }

    #[test]
    fn line_cap_is_inclusive_and_counts_the_carriage_return_out() {
        // `{"a":1}` is 7 bytes: accepted at cap 7 with "\n" or "\r\n"; `{"a":12}` (8 bytes)
        // is refused, with or without a final newline, and the next line is still read.
        let ls = read_all(
            b"{\"a\":1}\n{\"a\":1}\r\n{\"a\":12}\n{\"b\":2}\n{\"a\":12}",
            7,
        );
        assert_eq!(ls.len(), 5);
        assert_eq!(
            ls[0],
            Line::Object {
                line: 1,
                value: json!({"a": 1})
            }
        );
        assert_eq!(ls[1].number(), 2);
        assert!(matches!(ls[1], Line::Object { .. }));
        assert!(error_of(&ls[2]).starts_with("line 3: longer than the cap of 7 bytes"));
        assert_eq!(ls[2].id(), Value::Null);
        assert_eq!(
            ls[3],
            Line::Object {
                line: 4,
                value: json!({"b": 2})
            }
        );
        assert!(error_of(&ls[4]).starts_with("line 5: longer than the cap"));
        // A line far over the cap is skipped up to its newline, in bounded memory.
        let mut long = vec![b'x'; 100];
        long.extend_from_slice(b"\n{\"id\":3}\n");
        let ls = read_all(&long, 8);
        assert_eq!(ls.len(), 2);
        assert!(error_of(&ls[0]).starts_with("line 1: longer"));
        assert_eq!(ls[1].number(), 2);
        assert_eq!(ls[1].id(), json!(3));
        // A last line without a newline, within the cap (7 bytes, and 5 = cap - 2), is read.
        let ls = read_all(b"{\"a\":1}\n{\"a\":1}", 7);
        assert_eq!(ls[1].number(), 2);
        assert!(matches!(ls[1], Line::Object { .. }), "{ls:?}");
        let ls = read_all(b"{\"a\":1}\n{   }", 7);
        assert!(matches!(ls[1], Line::Object { .. }), "{ls:?}");
        // Even a cap of 0 drops no line: each non-blank line is answered as over-long.
        let ls = read_all(b"{}\n\n{}", 0);
        assert_eq!(ls.len(), 2);
        assert!(error_of(&ls[1]).starts_with("line 3: longer than the cap of 0 bytes"));
        // Exactly cap + 1 bytes and no newline: refused (the bytes past the cap are not kept).
        let ls = read_all(b"{\"a\":12}", 7);
        assert_eq!(ls.len(), 1);
        assert!(error_of(&ls[0]).contains("longer than the cap"));
    }

    #[test]
    fn blank_lines_count_and_a_byte_order_mark_is_skipped() {
        let ls = read_all(b"\n  \t\r\n\xEF\xBB\xBF{\"id\":\"x\"}\n\n", 64);
        assert_eq!(ls.len(), 1);
        assert_eq!(ls[0].number(), 3);
        assert_eq!(ls[0].id(), json!("x"));
        // An object without id has a null id.
        assert_eq!(read_all(b"{}", 64)[0].id(), Value::Null);
    }

    #[test]
    fn bad_lines_name_their_number_and_what_is_wrong() {
        assert_eq!(
            error_of(&parse_line(3, b"\xff{}")),
            "line 3: not valid UTF-8 (invalid byte at column 1); JSON Lines must be UTF-8"
        );
        assert!(error_of(&parse_line(4, b"{\"a\":\xfe}")).contains("column 6"));
        for (text, kind) in [
            (&b"[1]"[..], "an array"),
            (b"1", "a number"),
            (b"\"s\"", "a string"),
            (b"null", "null"),
            (b"true", "a boolean"),
        ] {
            let e = error_of(&parse_line(2, text)).to_string();
            assert_eq!(
                e,
                format!("line 2: each line must be a JSON object, found {kind}")
            );
        }
        assert!(error_of(&parse_line(5, b"{\"x\": nan}")).starts_with("line 5: malformed JSON"));
        // Python's bare NaN is read as the string "NaN", so the field can be named.
        assert_eq!(
            parse_line(1, b"{\"x\": NaN, \"y\": [-Infinity]}"),
            Line::Object {
                line: 1,
                value: json!({"x": "NaN", "y": ["-Infinity"]})
            }
        );
    }

    #[test]
    fn non_finite_tokens_are_quoted_outside_strings_only() {
        assert_eq!(
            quote_non_finite("[NaN, Infinity, -Infinity]").as_deref(),
            Some("[\"NaN\", \"Infinity\", \"-Infinity\"]")
        );
        assert_eq!(
            quote_non_finite("{\"s\": \"NaN\", \"x\": NaN}").as_deref(),
            Some("{\"s\": \"NaN\", \"x\": \"NaN\"}")
        );
        // Inside a string, also after an escaped quote, nothing changes.
        assert_eq!(quote_non_finite("{\"NaN\": 1}"), None);
        assert_eq!(
            quote_non_finite("{\"xNaN\": 1, \"y\": \"-Infinity\"}"),
            None
        );
        assert_eq!(quote_non_finite(r#"{"a\"NaN": "b\\", "c": 1}"#), None);
        assert_eq!(
            quote_non_finite(r#"{"a\\": NaN}"#).as_deref(),
            Some(r#"{"a\\": "NaN"}"#)
        );
        assert_eq!(quote_non_finite("{\"a\": 1}"), None);
    }

    #[test]
    fn replies_put_the_input_id_first() {
        let mut f = Fields::new();
        f.insert("value".into(), json!(1));
        f.insert("id".into(), json!(99));
        let (m, ok) = reply(json!(7), Ok(f));
        assert!(ok);
        assert_eq!(Value::Object(m).to_string(), r#"{"id":7,"value":1}"#);
        let bad = Error::Invalid {
            field: "x".into(),
            rule: "is bad".into(),
        };
        let (m, ok) = reply(Value::Null, Err(bad));
        assert!(!ok);
        assert_eq!(
            Value::Object(m).to_string(),
            r#"{"id":null,"error":"x: is bad"}"#
        );
    }

    fn double(v: &Value) -> diffknap::error::Result<Fields> {
        let x = v
            .get("v")
            .and_then(Value::as_i64)
            .ok_or_else(|| Error::Invalid {
                field: "v".into(),
                rule: "is required".into(),
            })?;
        let mut f = Fields::new();
        f.insert("double".into(), json!(2 * x));
        Ok(f)
    }

    #[test]
    fn run_answers_every_line_in_order_and_sets_the_status() {
        let input = b"{\"id\":1,\"v\":2}\n\nnot json\n{\"id\":\"b\"}\n{\"v\":5}\n";
        let mut out = Vec::new();
        let code = run(&input[..], &mut out, Limits::default(), double);
        assert_eq!(code, 1);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], r#"{"id":1,"double":4}"#);
        assert!(lines[1].starts_with(r#"{"id":null,"error":"line 3: malformed JSON"#));
        assert_eq!(lines[2], r#"{"id":"b","error":"v: is required"}"#);
        assert_eq!(lines[3], r#"{"id":null,"double":10}"#);
        let mut out = Vec::new();
        assert_eq!(
            run(&b"{\"v\":1}\n"[..], &mut out, Limits::default(), double),
            0
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"id\":null,\"double\":2}\n"
        );
    }

    #[test]
    fn batches_close_at_the_chunk_size_and_a_missing_result_is_an_error() {
        // All input is waiting in the slice, so batches are full: 2 + 2 + 1 lines.
        let input = b"{\"v\":1}\n{\"v\":2}\n{\"v\":3}\n{\"v\":4}\n{\"v\":5}\n";
        let mut sizes = Vec::new();
        let mut out = Vec::new();
        let code = run_batched(
            &input[..],
            &mut out,
            Limits::default(),
            2,
            Ok,
            |reqs: &[Value]| {
                sizes.push(reqs.len());
                reqs.iter().map(double).collect()
            },
        );
        assert_eq!(code, 0);
        assert_eq!(sizes, vec![2, 2, 1]);
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 5);
        // chunk 0 is taken as 1; a prepare error answers its line alone.
        let mut sizes = Vec::new();
        let mut out = Vec::new();
        let code = run_batched(
            &input[..3 * 8],
            &mut out,
            Limits::default(),
            0,
            |v: Value| {
                if v["v"] == json!(2) {
                    Err(Error::Input {
                        what: "two refused".into(),
                    })
                } else {
                    Ok(v)
                }
            },
            |reqs: &[Value]| {
                sizes.push(reqs.len());
                reqs.iter().map(double).collect()
            },
        );
        assert_eq!(code, 1);
        assert_eq!(sizes, vec![1, 1]);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "{\"id\":null,\"double\":2}\n{\"id\":null,\"error\":\"two refused\"}\n{\"id\":null,\"double\":6}\n"
        );
        // A compute step that returns too few results: the line without one is an error.
        let mut out = Vec::new();
        let code = run_batched(
            &input[..2 * 8],
            &mut out,
            Limits::default(),
            4,
            Ok,
            |reqs: &[Value]| reqs.iter().take(1).map(double).collect(),
        );
        assert_eq!(code, 1);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.ends_with("{\"id\":null,\"error\":\"internal: a batch result is missing\"}\n")
        );
    }

    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("closed"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::Error::other("closed"))
        }
    }

    #[test]
    fn a_closed_output_ends_the_run_with_status_one() {
        assert_eq!(
            run(&b"{\"v\":1}\n"[..], &mut Broken, Limits::default(), double),
            1
        );
    }

    #[test]
    fn buffered_lengths_of_slices_and_cursors() {
        let mut c = std::io::Cursor::new(vec![1u8, 2, 3]);
        assert_eq!(c.buffered_len(), 3);
        c.set_position(1);
        assert_eq!(c.buffered_len(), 2);
        c.set_position(10);
        assert_eq!(c.buffered_len(), 0);
        let s: &[u8] = b"ab";
        assert_eq!(s.buffered_len(), 2);
        // A BufReader holds what it has read ahead: all 6 bytes after the first fill.
        let mut b = std::io::BufReader::new(&b"{}\n{}\n"[..]);
        assert_eq!(b.buffered_len(), 0);
        std::io::BufRead::fill_buf(&mut b).unwrap();
        assert_eq!(b.buffered_len(), 6);
        std::io::BufRead::consume(&mut b, 3);
        assert_eq!(b.buffered_len(), 3);
        let r = Reader::new(&b"{}\n"[..], Limits::default());
        assert!(r.waiting());
        let r = Reader::new(&b""[..], Limits::default());
        assert!(!r.waiting());
    }
}
