//! Checking other implementations: validator reports at kinks, `diffknap fuzz` against good and
//! deliberately wrong programs, the conformance corpus.

use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_diffknap");

fn run(args: &[&str], input: &str) -> (i32, String, String) {
    crate::common::run_bin(args, input.as_bytes())
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

/// A deliberately wrong implementation, written as a Python script that forwards each line to
/// `diffknap relax` and corrupts the answer in one documented corner.
const WRONG: &str = r#"
import json, subprocess, sys
mode, exe = sys.argv[1], sys.argv[2]
ref = subprocess.Popen([exe, "relax"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    ref.stdin.write(line if line.endswith("\n") else line + "\n")
    ref.stdin.flush()
    ans = json.loads(ref.stdout.readline())
    theta = req.get("theta", [])
    if mode == "tie" and "y" in ans:
        # y wrong by 1e-7 on the first item whose score ties with another's.
        for i, t in enumerate(theta):
            if theta.count(t) > 1:
                ans["y"][i] += 1e-7
                break
    if mode == "nan" and req.get("constraint") == "exact" and req.get("capacity") == 0:
        ans["value"] = float("nan")
    print(json.dumps(ans), flush=True)
"#;

fn python() -> &'static str {
    for p in ["python3", "python"] {
        if Command::new(p).arg("--version").output().is_ok() {
            return p;
        }
    }
    panic!("these tests need python3 on PATH (a wrong implementation is a Python script)");
}

/// `diffknap fuzz` on a wrong program: fails, shrinks to at most 3 items, and the reported
/// instance really fails (the program's answer to it is rejected by `validate`).
#[test]
fn fuzz_finds_and_shrinks_a_wrong_program() {
    let dir = std::env::temp_dir().join(format!("diffknap-harness-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("wrong.py");
    std::fs::write(&script, WRONG).unwrap();
    for (mode, field, extra) in [
        ("tie", "y", &["--regularizers", "shannon,gini"][..]),
        ("nan", "value", &["--constraints", "exact"][..]),
    ] {
        let mut args = vec!["fuzz", "--json", "--cases", "3000", "--seed", "5"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--", python(), script.to_str().unwrap(), mode, BIN]);
        let (code, out, err) = run(&args, "");
        assert_eq!(code, 1, "{mode}: {out} {err}");
        let report: Value = serde_json::from_str(out.trim()).unwrap();
        let f = &report["failure"];
        assert_eq!(f["field"], field, "{mode}: {f}");
        let minimal = &f["minimal"];
        let n = minimal["theta"].as_array().unwrap().len();
        assert!(n <= 3, "{mode}: shrunk to {n} items: {minimal}");
        if mode == "tie" {
            let t = minimal["theta"].as_array().unwrap();
            assert!(
                t.iter().enumerate().any(|(i, x)| t[..i].contains(x)),
                "a tie is kept: {minimal}"
            );
        } else {
            assert_eq!(minimal["capacity"], 0);
            assert_eq!(f["kind"], "not finite");
        }
        // Replay: the program's answer to the minimal instance fails validation.
        let mut child = Command::new(python())
            .args([script.to_str().unwrap(), mode, BIN])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{minimal}").unwrap();
        let answer = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
        let inp = dir.join(format!("{mode}-in.jsonl"));
        let ans = dir.join(format!("{mode}-ans.jsonl"));
        std::fs::write(&inp, format!("{minimal}\n")).unwrap();
        std::fs::write(&ans, &answer).unwrap();
        let (code, rep, _) = run(
            &[
                "validate",
                "--input",
                inp.to_str().unwrap(),
                "--answers",
                ans.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(code, 1, "{mode}: the minimal instance must fail: {rep}");
    }
}

/// `diffknap fuzz -- diffknap relax` passes for every backend (and the run is deterministic).
#[test]
fn fuzz_passes_the_reference_on_every_backend() {
    for backend in ["auto", "reference", "scalar", "simd", "parallel"] {
        let (code, out, _) = run(
            &[
                "fuzz",
                "--json",
                "--cases",
                "1500",
                "--seed",
                "21",
                "--",
                BIN,
                "relax",
                "--backend",
                backend,
            ],
            "",
        );
        assert_eq!(code, 0, "{backend}: {out}");
        let r: Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(r["cases"], 1500);
        assert_eq!(r["passed"], 1500);
    }
}

/// The committed corpus is exactly what `diffknap corpus --out conformance/v1` writes, and
/// holds no stale file.
#[test]
fn committed_corpus_is_what_the_command_produces() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/v1");
    let files = diffknap::corpus::files().unwrap();
    for (rel, text) in &files {
        let committed = std::fs::read_to_string(root.join(rel))
            .unwrap_or_else(|e| panic!("{rel}: {e} (run `diffknap corpus --out conformance/v1`)"));
        assert!(
            committed == *text,
            "{rel} differs from `diffknap corpus` output; regenerate it"
        );
    }
    let mut on_disk = Vec::new();
    for dir in [root.clone(), root.join("exhaustive")] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                on_disk.push(
                    p.strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    on_disk.retain(|p| p != "README.md");
    on_disk.sort();
    let mut expected: Vec<String> = files.iter().map(|(r, _)| r.clone()).collect();
    expected.sort();
    assert_eq!(on_disk, expected);
    // Every flag the generator knows appears somewhere in the main tier.
    let mut seen = std::collections::BTreeSet::new();
    for (rel, text) in files.iter().filter(|(r, _)| r.ends_with(".json")) {
        let doc: Value = serde_json::from_str(text).unwrap();
        assert_eq!(doc["schema_version"], 1, "{rel}");
        for c in doc["cases"].as_array().unwrap() {
            for f in c["flags"].as_array().unwrap() {
                seen.insert(f.as_str().unwrap().to_string());
            }
        }
    }
    for f in [
        "tie",
        "kink",
        "infeasible_state",
        "zero_weight",
        "weight_over_capacity",
        "k_zero",
        "k_n",
        "n_zero",
        "n_one",
        "gamma_small",
        "large_range",
    ] {
        assert!(seen.contains(f), "no corpus case exercises {f}");
    }
}

/// The exhaustive tier through our own f64 `relax`: every answer is within the default
/// tolerance of the expected values (the nearest f64 of the truth).
#[test]
fn exhaustive_tier_agrees_with_relax() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/v1/exhaustive");
    for name in [
        "knapsack-gini.jsonl",
        "exact-tsallis.jsonl",
        "top_k-shannon.jsonl",
        "knapsack-hard.jsonl",
    ] {
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        let (code, out, err) = run(&["relax"], &text);
        assert_eq!(code, 0, "{name}: {err}");
        for (line, ans) in text.lines().zip(out.lines()) {
            let exp: Value = serde_json::from_str::<Value>(line).unwrap()["expected"].clone();
            let ans: Value = serde_json::from_str(ans).unwrap();
            let close = |a: &Value, e: &Value| match (a.as_f64(), e.as_f64()) {
                (Some(a), Some(e)) => (a - e).abs() <= 1e-12 + 1e-9 * e.abs(),
                _ => true, // an enclosure straddling a rounding boundary: not compared here
            };
            assert!(
                close(&ans["value"], &exp["value"]),
                "{name}: {line} -> {ans}"
            );
            for k in ["y", "vjp"] {
                for (a, e) in ans[k]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(exp[k].as_array().unwrap())
                {
                    // vjp at a gini kink may be either one-sided value.
                    if !(k == "vjp" && name.contains("gini")) {
                        assert!(close(a, e), "{name} {k}: {line} -> {ans}");
                    }
                }
            }
        }
    }
}
