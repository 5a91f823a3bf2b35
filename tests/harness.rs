//! Checking other implementations: validator reports at kinks, `diffknap fuzz` against good and
//! deliberately wrong programs, the conformance corpus.

use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_diffknap");

fn run(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_string();
    let w = std::thread::spawn(move || {
        let _ = stdin.write_all(data.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    w.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One item, theta = gamma = 1, capacity 1: p - s = gamma, a gini kink. y = clip(1/2 + theta/2)
/// so the one-sided derivatives along z = 1 are 1/2 (from below) and 0 (from above): any VJP
/// in [0, 1/2] is acceptable, anything else fails; the certified VJP (0) passes outright.
#[test]
fn validate_accepts_a_vjp_between_the_one_sided_derivatives_at_a_gini_kink() {
    let base = json!({"constraint": "knapsack", "regularizer": "gini", "gamma": 1,
                      "capacity": 1, "weights": [1], "theta": [1], "z": [1], "value": 1, "y": [1]});
    let mut text = String::new();
    for (id, vjp) in [
        ("zero", 0.0),
        ("quarter", 0.25),
        ("half", 0.5),
        ("over", 0.6),
        ("neg", -0.1),
    ] {
        let mut v = base.clone();
        v["id"] = json!(id);
        v["vjp"] = json!([vjp]);
        text.push_str(&format!("{v}\n"));
    }
    let (code, out, _) = run(&["validate", "--json"], &text);
    assert_eq!(code, 1);
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let verdicts: Vec<&str> = rows[..5]
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        ["pass", "acceptable", "acceptable", "fail", "fail"]
    );
    assert_eq!(rows[1]["fields"]["vjp"]["kink"], true);
    assert_eq!(rows[5]["summary"]["acceptable"], 2);
    // Off the kink (theta = 0.5, interior) the same rule does not apply: 0.25 is the VJP and
    // 0 fails.
    let mut off = base.clone();
    off["theta"] = json!([0.5]);
    off["value"] = json!(0.5625);
    off["y"] = json!([0.75]);
    off["vjp"] = json!([0.0]);
    let (code, out, _) = run(&["validate", "--json"], &format!("{off}\n"));
    assert_eq!(code, 1, "{out}");
    off["vjp"] = json!([0.5]);
    let (code, out, _) = run(&["validate", "--json"], &format!("{off}\n"));
    assert_eq!(code, 0, "{out}");
}
