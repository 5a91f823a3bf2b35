//! Hostile and awkward input through the commands that showed each defect (issue: the
//! foundation). Every check is bounded and has no timing assertion: a refusal is recognised by
//! its error kind ("refused before any work"), and liveness checks wait generously.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_diffknap");

fn good_line(id: &str) -> String {
    json!({"id": id, "constraint": "knapsack", "regularizer": "gini", "gamma": 0.5,
           "capacity": 5, "theta": [1.0, 0.3, -0.2, 0.8, 0.1], "weights": [2, 1, 3, 2, 1],
           "z": [0.5, -1.0, 0.25, 2.0, -0.5]})
    .to_string()
}

/// Runs `diffknap args` on `input` bytes; (exit code, stdout lines, stderr).
fn run(args: &[&str], input: &[u8]) -> (i32, Vec<String>, String) {
    let (code, out, err) = crate::common::run_bin(args, input);
    (code, out.lines().map(String::from).collect(), err)
}

fn json_lines(lines: &[String]) -> Vec<Value> {
    lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn error_of(v: &Value) -> &str {
    v["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error in {v}"))
}

/// A caller that writes one line and waits for its answer before writing the next must be
/// answered (no command may wait for the end of the input). The wait is generous (liveness,
/// not speed): a deadlock would wait forever.
#[test]
fn every_command_answers_each_line_before_the_input_ends() {
    let line = good_line("live");
    let with_answer = {
        let mut v: Value = serde_json::from_str(&line).unwrap();
        v["value"] = json!(3.0);
        v.to_string()
    };
    let cases: Vec<(Vec<&str>, String)> = vec![
        (vec!["relax"], line.clone()),
        (vec!["relax", "--precision", "exact"], line.clone()),
        (
            vec!["relax", "--precision", "certified", "--digits", "20"],
            line.clone(),
        ),
        (vec!["solve"], line.clone()),
        (vec!["validate", "--json"], with_answer),
        (
            vec!["submod", "--algorithm", "greedy_max"],
            r#"{"id":"live","function":{"kind":"modular","weights":[1,2]},"costs":[1,1],"budget":1}"#.to_string(),
        ),
    ];
    for (args, line) in cases {
        let mut child = Command::new(BIN)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut s = String::new();
                if r.read_line(&mut s).unwrap_or(0) == 0 {
                    break;
                }
                if tx.send(s).is_err() {
                    break;
                }
            }
        });
        for round in 0..2 {
            writeln!(stdin, "{line}").unwrap();
            stdin.flush().unwrap();
            let got = rx.recv_timeout(Duration::from_secs(300));
            let got = got.unwrap_or_else(|_| panic!("{args:?}: no answer to line {round}"));
            assert!(got.contains("live"), "{args:?}: {got}");
        }
        drop(stdin);
        child.wait().unwrap();
    }
}

/// `--help` into a closed pipe never panics (it did about a third of the time).
#[test]
fn help_into_a_closed_pipe_does_not_panic() {
    for cmd in [
        &["--help"][..],
        &["relax", "--help"],
        &["solve", "--help"],
        &["validate", "--help"],
        &["vectors", "--help"],
        &["submod", "--help"],
        &["fuzz", "--help"],
        &["corpus", "--help"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(BIN)
            .args(cmd)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{cmd:?}: {err}");
        assert_ne!(out.status.code(), Some(101), "{cmd:?}: {err}");
    }
}

/// Every subcommand has --help (exit 0, mentions its options).
#[test]
fn every_command_has_help() {
    for (cmd, option) in [
        ("relax", "--precision"),
        ("solve", "--method"),
        ("validate", "--answers"),
        ("vectors", "--count"),
        ("submod", "--algorithm"),
    ] {
        let (code, out, _) = run(&[cmd, "--help"], b"");
        assert_eq!(code, 0, "{cmd}");
        assert!(out.join("\n").contains(option), "{cmd}: {out:?}");
        assert!(out.join("\n").contains("--max-line-bytes") || cmd == "vectors");
    }
}

/// Bad bytes are the line's error, never the stream's: invalid UTF-8, a byte-order mark,
/// malformed JSON, NaN (as Python writes it), an over-long line; every good line is answered,
/// in order, with its id first.
#[test]
fn bad_bytes_are_one_lines_error_and_the_next_line_is_read() {
    let mut input = Vec::new();
    input.extend_from_slice(b"\xEF\xBB\xBF");
    input.extend_from_slice(good_line("bom").as_bytes());
    input.extend_from_slice(b"\n\xff\xfe{\n");
    input.extend_from_slice(good_line("a").as_bytes());
    input.extend_from_slice(b"\n");
    input.extend_from_slice(good_line("nan").replace("[1.0,", "[NaN,").as_bytes());
    input.extend_from_slice(b"\n");
    input.extend_from_slice(&vec![b'x'; 100_000]);
    input.push(b'\n');
    input.extend_from_slice(good_line("b").as_bytes());
    input.push(b'\n');
    for args in [
        &["relax", "--max-line-bytes", "1000"][..],
        &["relax", "--precision", "exact", "--max-line-bytes", "1000"],
        &["solve", "--max-line-bytes", "1000"],
    ] {
        let (code, out, _) = run(args, &input);
        assert_eq!(code, 1, "{args:?}");
        let v = json_lines(&out);
        assert_eq!(v.len(), 6, "{args:?}: {out:?}");
        for (row, text) in v.iter().zip(&out) {
            assert!(text.starts_with("{\"id\":"), "id first: {text}");
            let _ = row;
        }
        assert_eq!(v[0]["id"], "bom");
        assert!(v[0].get("error").is_none(), "{}", v[0]);
        assert!(error_of(&v[1]).contains("not valid UTF-8"), "{}", v[1]);
        assert_eq!(v[2]["id"], "a");
        assert_eq!(
            v[3]["id"], "nan",
            "Python's NaN token keeps the line readable"
        );
        assert!(error_of(&v[3]).starts_with("theta[0]: must be"), "{}", v[3]);
        assert!(error_of(&v[4]).contains("cap of 1000 bytes"), "{}", v[4]);
        assert!(error_of(&v[4]).contains("--max-line-bytes"));
        assert_eq!(v[5]["id"], "b");
        assert!(v[5].get("error").is_none());
    }
}

/// validate read `line` by `line` with read_line and stopped at the first invalid UTF-8,
/// dropping every later line; now the bad line is an error row and the rest are checked.
#[test]
fn validate_keeps_going_after_invalid_utf8() {
    let mut good: Value = serde_json::from_str(&good_line("g")).unwrap();
    let truth = run(&["relax"], format!("{good}\n").as_bytes()).1;
    let truth = &json_lines(&truth)[0];
    good["value"] = truth["value"].clone();
    good["y"] = truth["y"].clone();
    let mut input = b"\xff\xff\n".to_vec();
    input.extend_from_slice(format!("{good}\n{good}\n").as_bytes());
    let (code, out, _) = run(&["validate", "--json"], &input);
    assert_eq!(code, 1);
    let v = json_lines(&out);
    assert_eq!(v.len(), 4, "{out:?}");
    assert_eq!(v[0]["verdict"], "error");
    assert_eq!(v[1]["verdict"], "pass");
    assert_eq!(v[2]["verdict"], "pass");
    assert_eq!(v[3]["summary"]["lines"], 3);
}

/// validate passed when the answers file had extra lines; now the surplus is an error.
#[test]
fn validate_fails_on_surplus_answer_lines() {
    let dir = std::env::temp_dir().join(format!("diffknap-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = format!("{}\n", good_line("s"));
    let (_, answers, _) = run(&["relax"], input.as_bytes());
    let inp = dir.join("in.jsonl");
    let ans = dir.join("answers.jsonl");
    std::fs::write(&inp, &input).unwrap();
    std::fs::write(&ans, format!("{}\n{}\n", answers[0], answers[0])).unwrap();
    let args = [
        "validate",
        "--json",
        "--input",
        inp.to_str().unwrap(),
        "--answers",
        ans.to_str().unwrap(),
    ];
    let (code, out, _) = run(&args, b"");
    assert_eq!(code, 1, "{out:?}");
    let v = json_lines(&out);
    assert_eq!(v[0]["verdict"], "pass");
    assert!(
        v[1]["error"].as_str().unwrap().contains("1 more line"),
        "{}",
        v[1]
    );
    // Without the surplus line the same files pass.
    std::fs::write(&ans, format!("{}\n", answers[0])).unwrap();
    assert_eq!(run(&args, b"").0, 0);
}

/// samples = 10^6 on a 100-item instance allocated 8 GB and aborted, losing the answers
/// already computed; now it is refused before any work and the other lines are answered.
#[test]
fn sample_budget_is_checked_before_sampling() {
    let big = json!({"id": "big", "constraint": "top_k", "regularizer": "shannon", "gamma": 1,
                     "k": 3, "theta": vec![0.5; 100], "samples": 1_000_000});
    let input = format!("{}\n{big}\n{}\n", good_line("a"), good_line("b"));
    for args in [&["relax"][..], &["relax", "--precision", "exact"]] {
        let (code, out, _) = run(args, input.as_bytes());
        assert_eq!(code, 1);
        let v = json_lines(&out);
        assert_eq!(v.len(), 3);
        assert_eq!(v[0]["id"], "a");
        assert!(v[0].get("error").is_none());
        let e = error_of(&v[1]);
        assert!(e.starts_with("samples: samples x n"), "{e}");
        assert!(e.contains("refused before any work"), "{e}");
        assert_eq!(v[2]["id"], "b");
    }
    // At the limit itself the request is accepted (2^20 entries).
    let ok = json!({"id": "ok", "constraint": "top_k", "regularizer": "gini", "gamma": 1,
                    "k": 1, "theta": [0.1, 0.2, 0.3, 0.4], "samples": 1 << 18});
    let (code, out, _) = run(&["relax"], format!("{ok}\n").as_bytes());
    assert_eq!(code, 0);
    assert_eq!(
        json_lines(&out)[0]["samples"].as_array().unwrap().len(),
        1 << 18
    );
}

/// A million-digit number took minutes to parse before the bit cap was checked; now the
/// length is checked first.
#[test]
fn huge_exact_numbers_are_refused_before_parsing() {
    let digits = "7".repeat(1_000_000);
    let line = format!(
        r#"{{"id":"d","constraint":"top_k","regularizer":"gini","gamma":1,"k":1,"theta":[{digits},1]}}"#
    );
    for args in [&["relax", "--precision", "exact"][..], &["solve"]] {
        let (code, out, _) = run(args, format!("{line}\n").as_bytes());
        assert_eq!(code, 1);
        let e = error_of(&json_lines(&out)[0]).to_string();
        assert!(
            e.starts_with("theta[0]: characters in one exact number"),
            "{e}"
        );
        assert!(e.contains("refused before any work"), "{e}");
    }
}

/// solve with theta "1e400" dropped the valid exact value because its f64 overflowed; now
/// `value` is null and `value_exact` and `selection` are kept.
#[test]
fn solve_keeps_exact_values_beyond_f64() {
    let line = r#"{"id":1,"constraint":"top_k","k":1,"theta":["1e400","1"]}"#;
    let (code, out, _) = run(&["solve"], format!("{line}\n").as_bytes());
    assert_eq!(code, 0, "{out:?}");
    let v = &json_lines(&out)[0];
    assert_eq!(v["value"], Value::Null);
    assert_eq!(v["value_exact"], format!("1{}", "0".repeat(400)));
    assert_eq!(v["selection"], json!([1, 0]));
}

/// Unknown or misspelled fields are errors naming the field and the nearest known one.
#[test]
fn misspelled_fields_are_named() {
    let mut v: Value = serde_json::from_str(&good_line("m")).unwrap();
    let theta = v.as_object_mut().unwrap().remove("theta").unwrap();
    v["thetas"] = theta;
    let (code, out, _) = run(&["relax"], format!("{v}\n").as_bytes());
    assert_eq!(code, 1);
    let row = &json_lines(&out)[0];
    assert_eq!(row["id"], "m");
    assert!(
        error_of(row).starts_with("thetas: unknown field (did you mean `theta`?"),
        "{row}"
    );
    // Annotations that conformance vectors carry are accepted.
    let mut v: Value = serde_json::from_str(&good_line("n")).unwrap();
    v["case"] = json!("random");
    v["comment"] = json!("a note");
    let (code, _, _) = run(&["relax"], format!("{v}\n").as_bytes());
    assert_eq!(code, 0);
}

/// A fatal read error (here: the input is a directory) ends the command once, exit 1.
#[test]
fn a_fatal_read_error_ends_the_command_once() {
    let dir = std::env::temp_dir();
    for cmd in ["relax", "solve", "validate"] {
        let (code, out, err) = run(&[cmd, "--input", dir.to_str().unwrap()], b"");
        assert_eq!(code, 1, "{cmd}");
        assert!(out.iter().all(|l| !l.contains("\"id\"")), "{cmd}: {out:?}");
        assert_eq!(err.matches("diffknap").count(), 1, "{cmd}: {err}");
    }
}

/// Python's json writes NaN, Infinity and -Infinity: validate reads them and reports each as
/// a failed number naming the field and index (it said "malformed JSON" with no id).
#[test]
fn validate_reports_python_non_finite_answers_as_failed_numbers() {
    let line = good_line("py");
    let truth = json_lines(&run(&["relax"], format!("{line}\n").as_bytes()).1)[0].clone();
    let y: Vec<String> = truth["y"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, x)| match i {
            1 => "NaN".to_string(),
            3 => "-Infinity".to_string(),
            _ => x.to_string(),
        })
        .collect();
    let text = format!(
        "{},\"value\":{},\"y\":[{}]}}\n",
        line.trim_end_matches('}'),
        truth["value"],
        y.join(",")
    );
    let (code, out, _) = run(&["validate", "--json"], text.as_bytes());
    assert_eq!(code, 1);
    let v = json_lines(&out);
    assert_eq!(v[0]["id"], "py");
    assert_eq!(v[0]["verdict"], "fail");
    assert_eq!(v[0]["fields"]["y"]["nonfinite"], 2);
    assert_eq!(v[0]["fields"]["y"]["first_nonfinite"], 1);
    assert_eq!(v[0]["fields"]["value"]["pass"], true);
    assert_eq!(v[1]["summary"]["nonfinite"], 2);
    let (_, table, _) = run(&["validate"], text.as_bytes());
    let table = table.join("\n");
    assert!(table.contains("2 not finite, first at index 1"), "{table}");
    assert!(
        table.contains("2 answer numbers were NaN or infinite"),
        "{table}"
    );
}

/// At tiny true values the old summary read "worst y: 8.70e15 ulps ... verdict: PASS"; the
/// summary's unit is now the field's scale, so a pass never shows an astronomical count.
#[test]
fn validate_summary_units_stay_meaningful_at_tiny_truths() {
    // A top-k instance where one item is almost surely out: its y is about e^-200.
    let line = json!({"id": "tiny", "constraint": "top_k", "regularizer": "shannon",
                      "gamma": 0.01, "k": 1, "theta": [1.0, -1.0]});
    let truth = json_lines(&run(&["relax"], format!("{line}\n").as_bytes()).1)[0].clone();
    let mut ans = line.clone();
    ans["value"] = truth["value"].clone();
    // The tiny entry answered as 1e-17 (a harmless absolute error).
    ans["y"] = json!([truth["y"][0], 1e-17]);
    let (code, out, _) = run(&["validate", "--json"], format!("{ans}\n").as_bytes());
    let v = json_lines(&out);
    assert_eq!(code, 0, "{out:?}");
    let y = &v[0]["fields"]["y"];
    assert!(
        y["max_ulps"].as_f64().unwrap() > 1e50,
        "per-entry ulps at the tiny truth: {y}"
    );
    let s = v[1]["summary"]["worst"]["y"]["max_scale_ulps"]
        .as_f64()
        .unwrap();
    assert!(s < 1e3, "scale ulps {s}");
    let f = v[1]["summary"]["worst"]["y"]["max_tol_frac"]
        .as_f64()
        .unwrap();
    assert!(f <= 1.0 && f > 0.0, "{f}");
}
