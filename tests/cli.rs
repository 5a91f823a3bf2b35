//! The command-line contract: the paper's reference vectors through `relax`, exact mode,
//! `solve`, and bad input (one error line per bad line, the other lines still answered).

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

fn diffknap(args: &[&str], input: &str) -> (i32, Vec<Value>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_diffknap"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn diffknap");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(a: &[f64], b: &[f64], tol: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol)
}

const KNAP: &str = r#""constraint":"knapsack","capacity":5,"theta":[1.0,0.3,-0.2,0.8,0.1],"weights":[2,1,3,2,1],"gamma":0.7,"z":[0.5,-1.0,0.25,2.0,-0.5]"#;
const TOPK: &str = r#""constraint":"top_k","capacity":2,"theta":[2.0,1.5,0.2,-1.0,1.4,0.0],"gamma":0.5,"z":[1,0,-1,0.5,0.2,-0.3]"#;

/// The vectors of the issue, computed with the paper's public code, to 1e-9.
#[test]
fn relax_reproduces_the_papers_vectors() {
    let input = format!(
        "{{\"id\":\"a\",\"regularizer\":\"shannon\",{KNAP}}}\n{{\"id\":\"b\",\"regularizer\":\"gini\",{KNAP}}}\n\
         {{\"id\":\"c\",\"regularizer\":\"tsallis\",{KNAP}}}\n{{\"id\":\"d\",\"regularizer\":\"gini\",{TOPK}}}\n\
         {{\"id\":\"e\",\"regularizer\":\"tsallis\",{TOPK}}}\n"
    );
    let (code, out, _) = diffknap(&["relax"], &input);
    assert_eq!(code, 0);
    assert_eq!(out.len(), 5);
    let ids: Vec<&str> = out.iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let tol = 1e-9;
    assert!((out[0]["value"].as_f64().unwrap() - 3.2457900486).abs() < tol);
    assert!(close(
        &floats(&out[0]["y"]),
        &[
            0.7186762335,
            0.4847641083,
            0.0929563521,
            0.6562760278,
            0.4029173514
        ],
        tol
    ));
    assert!(close(
        &floats(&out[0]["vjp"]),
        &[
            0.1665355352,
            -0.4162538654,
            -0.0634428274,
            0.6819623615,
            -0.2224277169
        ],
        tol
    ));
    assert!((out[1]["value"].as_f64().unwrap() - 2.2348558606).abs() < tol);
    assert!(close(
        &floats(&out[1]["y"]),
        &[1.0, 0.5200032057, 0.0, 0.9388010098, 0.3331945023],
        tol
    ));
    assert!((out[2]["value"].as_f64().unwrap() - 2.4650412874).abs() < tol);
    assert!((out[3]["value"].as_f64().unwrap() - 3.58).abs() < tol);
    assert!(close(
        &floats(&out[3]["y"]),
        &[1.0, 0.6, 0.0, 0.0, 0.4, 0.0],
        tol
    ));
    assert!(close(
        &floats(&out[3]["vjp"]),
        &[0.0, -0.2, 0.0, 0.0, 0.2, 0.0],
        tol
    ));
    assert!(close(
        &floats(&out[4]["y"]),
        &[0.9236294294, 0.6252240643, 0.0, 0.0, 0.4511465062, 0.0],
        tol
    ));
}

/// Exact mode prints fractions and reads decimals exactly; the top-k gini vector is exactly
/// value 179/50, y = (1, 3/5, 0, 0, 2/5, 0), vjp = (0, -1/5, 0, 0, 1/5, 0).
#[test]
fn relax_exact_mode_is_exact() {
    let input = format!(
        "{{\"regularizer\":\"gini\",{TOPK}}}\n{{\"regularizer\":\"gini\",\"constraint\":\"topk\",\"k\":1,\"theta\":[\"1/3\",\"0.25\"],\"gamma\":\"1/2\"}}\n"
    );
    let (code, out, _) = diffknap(&["relax", "--precision", "exact"], &input);
    assert_eq!(code, 0, "{out:?}");
    assert_eq!(out[0]["value"], "179/50");
    assert_eq!(
        out[0]["y"],
        serde_json::json!(["1", "3/5", "0", "0", "2/5", "0"])
    );
    assert_eq!(
        out[0]["vjp"],
        serde_json::json!(["0", "-1/5", "0", "0", "1/5", "0"])
    );
    // d = 1/4 - 1/3 = -1/12 < gamma: q = 1/2 + d/(2 gamma) = 5/12 for the second item.
    assert_eq!(out[1]["y"], serde_json::json!(["7/12", "5/12"]));
}

/// Samples come back as 0/1 arrays with log-probabilities, deterministic for a seed.
#[test]
fn relax_samples_are_seeded() {
    let line = format!("{{\"regularizer\":\"shannon\",\"samples\":5,\"seed\":9,{KNAP}}}\n");
    let (_, a, _) = diffknap(&["relax"], &line);
    let (_, b, _) = diffknap(&["relax"], &line);
    assert_eq!(a, b);
    assert_eq!(a[0]["samples"].as_array().unwrap().len(), 5);
    assert_eq!(a[0]["log_prob"].as_array().unwrap().len(), 5);
}

/// solve: dp and ilp agree; lp gives a fractional x; values are exact strings too.
#[test]
fn solve_methods_agree() {
    let input = format!("{{\"id\":1,{KNAP}}}\n{{\"id\":2,{TOPK}}}\n");
    let (c1, dp, _) = diffknap(&["solve"], &input);
    let (c2, ilp, _) = diffknap(&["solve", "--method", "ilp"], &input);
    let (c3, lp, _) = diffknap(&["solve", "--method", "lp"], &input);
    assert_eq!((c1, c2, c3), (0, 0, 0));
    assert_eq!(dp[0]["value_exact"], "21/10");
    for i in 0..2 {
        assert_eq!(dp[i]["value_exact"], ilp[i]["value_exact"]);
        assert!(lp[i]["value"].as_f64().unwrap() >= dp[i]["value"].as_f64().unwrap() - 1e-9);
        assert!(lp[i]["x"].as_array().is_some());
    }
}

/// Every kind of bad line gets an error naming the field and the rule; good lines around it
/// are still answered; exit status 1.
#[test]
fn bad_lines_get_named_errors_and_good_lines_survive() {
    let good = format!("{{\"id\":\"good\",\"regularizer\":\"shannon\",{KNAP}}}");
    let cases: &[(&str, &str)] = &[
        (
            r#"{"id":1,"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":2,"theta":[1,"NaN"],"weights":[1,1]}"#,
            "theta[1]",
        ),
        (
            r#"{"id":2,"constraint":"knapsack","regularizer":"shannon","gamma":1e999,"capacity":2,"theta":[1,2],"weights":[1,1]}"#,
            "gamma",
        ),
        (
            r#"{"id":3,"constraint":"knapsack","regularizer":"gini","gamma":0,"capacity":2,"theta":[1,2],"weights":[1,1]}"#,
            "gamma: must be > 0",
        ),
        (
            r#"{"id":4,"constraint":"knapsack","regularizer":"hard","gamma":1,"capacity":2,"theta":[1,2],"weights":[1,1]}"#,
            "gamma: must be 0",
        ),
        (
            r#"{"id":5,"constraint":"knapsack","regularizer":"shannon","gamma":-1,"capacity":2,"theta":[1,2],"weights":[1,1]}"#,
            "gamma: must be > 0",
        ),
        (
            r#"{"id":6,"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":2,"theta":[1,2],"weights":[1,-1]}"#,
            "weights[1]: must be a non-negative integer",
        ),
        (
            r#"{"id":7,"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":2,"theta":[1,2],"weights":[1,1.5]}"#,
            "weights[1]: must be an integer",
        ),
        (
            r#"{"id":8,"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":2.5,"theta":[1,2],"weights":[1,1]}"#,
            "capacity: must be an integer",
        ),
        (
            r#"{"id":9,"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":-2,"theta":[1,2],"weights":[1,1]}"#,
            "capacity: must be a non-negative integer",
        ),
        (
            r#"{"id":10,"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":2,"theta":[1,2],"weights":[1]}"#,
            "weights: length must be 2",
        ),
        (
            r#"{"id":11,"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":2,"theta":[1,2],"weights":[1,1],"z":[1]}"#,
            "z: length must be 2",
        ),
        (
            r#"{"id":12,"constraint":"top_k","regularizer":"shannon","gamma":1,"capacity":3,"theta":[1,2]}"#,
            "k <= n",
        ),
        (
            r#"{"id":13,"constraint":"top_k","regularizer":"shannon","gamma":1,"capacity":1,"theta":[1,2],"weights":[1,2]}"#,
            "weights[1]: top_k requires unit weights",
        ),
        (
            r#"{"id":14,"constraint":"exact","regularizer":"shannon","gamma":1,"capacity":3,"theta":[1,2],"weights":[2,2]}"#,
            "no feasible set",
        ),
        (
            r#"{"id":15,"constraint":"knapsack","regularizer":"softmax","gamma":1,"capacity":3,"theta":[1,2],"weights":[2,2]}"#,
            "regularizer: must be one of",
        ),
        (
            r#"{"id":16,"constraint":"bag","regularizer":"shannon","gamma":1,"capacity":3,"theta":[1,2],"weights":[2,2]}"#,
            "constraint: must be one of",
        ),
        (
            r#"{"id":17,"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":3,"theta":[1,2],"#,
            "malformed JSON",
        ),
        (
            r#"{"id":18,"constraint":"knapsack","regularizer":"shannon","gamma":1,"theta":[1,2],"weights":[2,2]}"#,
            "capacity: is required",
        ),
        (
            r#"{"id":19,"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":3,"weights":[2,2]}"#,
            "theta: is required",
        ),
        (
            r#"{"id":20,"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":1000000000000,"theta":[1,2],"weights":[2,2]}"#,
            "memory budget",
        ),
        (
            r#"{"id":21,"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":3,"theta":[1,2],"weights":[2,2],"z":[1,"x"]}"#,
            "z[1]: must be a number",
        ),
        (r#"[1,2,3]"#, "must be a JSON object"),
        (
            r#"{"id":23,"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":2,"theta":[1e308,1e308],"weights":[1,1]}"#,
            "overflowed",
        ),
        (
            r#"{"id":24,"constraint":"knapsack","capacity":2,"theta":[1,2],"weights":[1,1]}"#,
            "regularizer: is required",
        ),
    ];
    let mut input = String::new();
    for (line, _) in cases {
        input.push_str(&good);
        input.push('\n');
        input.push_str(line);
        input.push('\n');
    }
    input.push_str(&good);
    input.push('\n');
    let (code, out, _) = diffknap(&["relax"], &input);
    assert_eq!(code, 1);
    assert_eq!(
        out.len(),
        2 * cases.len() + 1,
        "one output line per input line"
    );
    for (k, (_, needle)) in cases.iter().enumerate() {
        let g = &out[2 * k];
        assert_eq!(g["id"], "good");
        assert!(g.get("error").is_none(), "good line answered: {g}");
        let e = out[2 * k + 1]["error"]
            .as_str()
            .unwrap_or_else(|| panic!("case {k}: no error in {}", out[2 * k + 1]));
        assert!(
            e.contains(needle),
            "case {k}: {e:?} should contain {needle:?}"
        );
    }
    for o in &out {
        let text = o.to_string();
        assert!(
            !text.contains("NaN") && !text.contains("null,\"value\""),
            "{text}"
        );
    }
    // The same bad lines through the exact path and solve: errors, never a crash.
    let (code, out, _) = diffknap(&["relax", "--precision", "exact"], &input);
    assert_eq!(code, 1);
    assert_eq!(out.len(), 2 * cases.len() + 1);
    let (code, out, _) = diffknap(&["solve"], &input);
    assert_eq!(code, 1);
    assert_eq!(out.len(), 2 * cases.len() + 1);
}

/// Bad command lines exit 2 with a message on stderr.
#[test]
fn bad_usage_exits_2() {
    for args in [
        &["relax", "--precision", "f32"][..],
        &["relax", "--bogus"],
        &["frobnicate"],
        &["solve", "--method", "simplex"],
        &[],
    ] {
        let (code, out, err) = diffknap(args, "");
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty());
        assert!(
            err.contains("--help"),
            "a usage error points to --help: {err}"
        );
    }
}

/// Golden snapshot of the error messages users see: each names the field and the rule.
/// (insta: reviewed once with `cargo insta review`, then frozen.)
#[test]
fn error_messages_snapshot() {
    let input = concat!(
        r#"{"constraint":"knapsack","regularizer":"gini","gamma":0,"capacity":2,"theta":[1,2],"weights":[1,1]}"#,
        "\n",
        r#"{"constraint":"top_k","regularizer":"shannon","gamma":1,"capacity":3,"theta":[1,2]}"#,
        "\n",
        r#"{"constraint":"exact","regularizer":"shannon","gamma":1,"capacity":3,"theta":[1,2],"weights":[2,2]}"#,
        "\n",
        r#"{"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":1000000000000,"theta":[1,2],"weights":[2,2]}"#,
        "\n",
        r#"{"constraint":"knapsack","regularizer":"shannon","gamma":1,"capacity":2,"theta":[1e308,1e308],"weights":[1,1]}"#,
        "\n",
    );
    let (_, out, _) = diffknap(&["relax"], input);
    let msgs: Vec<String> = out
        .iter()
        .map(|o| o["error"].as_str().unwrap_or("").to_string())
        .collect();
    insta::assert_snapshot!(msgs.join("\n"));
}
