//! Timing of the greedy family on large deterministic instances, and query growth.
//!
//! `cargo run --release --example submod_bench [-- --dump DIR]`
//!
//! `cargo run --release --example submod_bench -- --queries docs/submod-queries.svg` instead
//! measures, for every algorithm, the value queries and extension evaluations against `n` on
//! deterministic roomy coverage instances, prints them as a table with the log-log slope of
//! the last two sizes, and writes a log-log plot (SVG) of the total (queries + extension
//! evaluations). It also prints every algorithm's ratio on the adversarial constructions of
//! `tests/submod.rs`.
//!
//! Instances (all from `diffknap::rng::Rng` with fixed seeds, values in `f64`):
//! * facility location: n = 5,000 items, 500 customers, values uniform in [0, 1),
//!   costs uniform in [1, 10), budget 100;
//! * weighted coverage: n = 5,000 items, 50,000 atoms, each item covers 30 uniform atoms,
//!   atom weights uniform in [0, 1), costs uniform in [1, 10), budget 100.
//!
//! * for the comparison with apricot (`scripts/submod_apricot.py`), whose facility location
//!   needs a square matrix and whose coverage is unweighted: a square facility location
//!   (2,000 items = customers, values uniform in [0, 1)) and the coverage instance above with
//!   all atom weights 1.
//!
//! With `--dump DIR` the apricot instances and our selections are written to `DIR`:
//! `facility_square.values.f64` (row-major little-endian `f64`), `facility_square.costs.f64`,
//! `coverage_unit.json` (sets and costs) and `ours.json` (sets, values, seconds).

use std::time::Instant;

use diffknap::submod::functions::{FacilityLocation, WeightedCoverage};
use diffknap::submod::greedy::{density_greedy, greedy_max, greedy_singleton, lazy_density_greedy};
use diffknap::submod::{Knapsack, Rng, SetFunction, Solution};

const N: usize = 5_000;
const CUSTOMERS: usize = 500;
const ATOMS: usize = 50_000;
const PER_SET: usize = 30;
const BUDGET: f64 = 100.0;

fn costs(rng: &mut Rng) -> Vec<f64> {
    (0..N).map(|_| 1.0 + 9.0 * rng.uniform()).collect()
}

fn report(name: &str, alg: &str, s: &Solution<f64>, secs: f64) {
    println!(
        "{name:<18} {alg:<20} {secs:>9.4} s  queries {:>9}  |S| {:>3}  value {:.6}  cost {:.4}",
        s.queries,
        s.set.len(),
        s.value,
        s.cost
    );
}

/// Runs the family; returns `(algorithm, set, value, seconds)` for each.
fn run_all<F: SetFunction<Value = f64>>(
    name: &str,
    f: &F,
    k: &Knapsack<f64>,
) -> Vec<(String, Vec<usize>, f64, f64)> {
    let mut out = Vec::new();
    let mut lazy_set = None;
    for alg in [
        "lazy_density_greedy",
        "greedy_singleton",
        "greedy_max",
        "density_greedy",
    ] {
        let t = Instant::now();
        let s = match alg {
            "lazy_density_greedy" => lazy_density_greedy(f, k),
            "greedy_singleton" => greedy_singleton(f, k),
            "greedy_max" => greedy_max(f, k),
            _ => density_greedy(f, k),
        }
        .expect("valid instance");
        let secs = t.elapsed().as_secs_f64();
        report(name, alg, &s, secs);
        out.push((alg.to_string(), s.set.clone(), s.value, secs));
        if alg == "lazy_density_greedy" {
            lazy_set = Some(s.set.clone());
        }
        if alg == "density_greedy" {
            println!(
                "{name:<18} naive == lazy set: {}",
                lazy_set.as_ref() == Some(&s.set)
            );
        }
    }
    out
}

fn write_f64s(path: &str, xs: impl Iterator<Item = f64>) {
    let bytes: Vec<u8> = xs.flat_map(f64::to_le_bytes).collect();
    std::fs::write(path, bytes).expect("write");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--queries") {
        queries::run(args.get(i + 1).map(String::as_str));
        return;
    }
    let dump = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| args.get(i + 1).cloned());

    let mut rng = Rng::seed(20_260_521);
    let values: Vec<Vec<f64>> = (0..N)
        .map(|_| (0..CUSTOMERS).map(|_| rng.uniform()).collect())
        .collect();
    let fl_costs = costs(&mut rng);
    let fl = FacilityLocation::new(values.clone()).expect("valid");
    let fl_k = Knapsack::new(fl_costs.clone(), BUDGET).expect("valid");

    let mut rng = Rng::seed(7_777);
    let sets: Vec<Vec<usize>> = (0..N)
        .map(|_| {
            (0..PER_SET)
                .map(|_| rng.below(ATOMS as u64) as usize)
                .collect()
        })
        .collect();
    let weights: Vec<f64> = (0..ATOMS).map(|_| rng.uniform()).collect();
    let cv_costs = costs(&mut rng);
    let cv = WeightedCoverage::new(sets.clone(), weights.clone()).expect("valid");
    let cv_k = Knapsack::new(cv_costs.clone(), BUDGET).expect("valid");

    println!("n = {N}, budget = {BUDGET}");
    run_all("facility_location", &fl, &fl_k);
    run_all("coverage", &cv, &cv_k);

    const SQUARE: usize = 2_000;
    let mut rng = Rng::seed(4_242);
    let square: Vec<Vec<f64>> = (0..SQUARE)
        .map(|_| (0..SQUARE).map(|_| rng.uniform()).collect())
        .collect();
    let sq_costs: Vec<f64> = (0..SQUARE).map(|_| 1.0 + 9.0 * rng.uniform()).collect();
    let sq = FacilityLocation::new(square.clone()).expect("valid");
    let sq_k = Knapsack::new(sq_costs.clone(), BUDGET).expect("valid");
    let unit = WeightedCoverage::new(sets.clone(), vec![1.0; ATOMS]).expect("valid");
    println!("apricot comparison instances:");
    let sq_res = run_all("facility_square", &sq, &sq_k);
    let unit_res = run_all("coverage_unit", &unit, &cv_k);

    if let Some(dir) = dump {
        std::fs::create_dir_all(&dir).expect("create dump dir");
        write_f64s(
            &format!("{dir}/facility_square.values.f64"),
            square.iter().flatten().copied(),
        );
        write_f64s(
            &format!("{dir}/facility_square.costs.f64"),
            sq_costs.iter().copied(),
        );
        let cov =
            serde_json::json!({"sets": sets, "costs": cv_costs, "budget": BUDGET, "atoms": ATOMS});
        std::fs::write(format!("{dir}/coverage_unit.json"), cov.to_string()).expect("write");
        let ours = |res: &[(String, Vec<usize>, f64, f64)]| {
            res.iter()
                .map(|(a, s, v, t)| {
                    (
                        a.clone(),
                        serde_json::json!({"set": s, "value": v, "seconds": t}),
                    )
                })
                .collect::<serde_json::Map<_, _>>()
        };
        let all = serde_json::json!({
            "budget": BUDGET,
            "facility_square": ours(&sq_res),
            "coverage_unit": ours(&unit_res),
        });
        std::fs::write(format!("{dir}/ours.json"), all.to_string()).expect("write");
        println!("instances written to {dir}");
    }
}

mod queries {
    //! Query growth and adversarial ratios (`--queries`).

    use diffknap::progress::NoProgress;
    use diffknap::submod::Rng;
    use diffknap::submod::request::{Algorithm, Options, answer};
    use diffknap::submod::work::DEFAULT_MAX_WORK;
    use serde_json::{Value, json};

    /// Sizes per algorithm (the larger ones are refused or take minutes on 2 shared cores).
    fn sizes(alg: Algorithm) -> &'static [usize] {
        match alg {
            Algorithm::DensityGreedy
            | Algorithm::LazyDensityGreedy
            | Algorithm::GreedySingleton
            | Algorithm::GreedyMax => &[16, 32, 64, 128, 256, 512, 1024, 2048, 4096],
            Algorithm::Enumeration1 => &[16, 32, 64, 128, 256, 512],
            Algorithm::Enumeration2 => &[8, 16, 32, 64, 128, 192],
            Algorithm::Sviridenko | Algorithm::ThresholdEnumeration => {
                &[8, 12, 16, 24, 32, 48, 64, 96]
            }
            Algorithm::ContinuousGreedy => &[6, 8, 12, 16, 24, 32],
            Algorithm::EneNguyen => &[2, 3, 4, 5, 6, 7, 8],
        }
    }

    /// A roomy coverage instance: `n` items, `2n` atoms, each item covers 3 atoms, integer
    /// weights 1..=20, costs 1..=4, budget `n` (about 2n/5 items fit). Fixed seed per `n`.
    fn instance(n: usize) -> Value {
        let mut rng = Rng::seed(1_000 + n as u64);
        let m = 2 * n;
        let sets: Vec<Vec<usize>> = (0..n)
            .map(|_| (0..3).map(|_| rng.below(m as u64) as usize).collect())
            .collect();
        let weights: Vec<u64> = (0..m).map(|_| 1 + rng.below(20)).collect();
        let costs: Vec<u64> = (0..n).map(|_| 1 + rng.below(4)).collect();
        json!({"function": {"kind": "coverage", "sets": sets, "atom_weights": weights},
            "costs": costs, "budget": n})
    }

    fn options(alg: Algorithm) -> Options {
        let mut o = Options::new(alg);
        o.max_work = DEFAULT_MAX_WORK;
        o.max_nodes = 5_000_000;
        o
    }

    pub fn run(svg: Option<&str>) {
        println!("| algorithm | n | queries | extension evaluations | total |");
        println!("|---|---|---|---|---|");
        let mut series: Vec<(Algorithm, Vec<(f64, f64)>)> = Vec::new();
        let mut slopes = Vec::new();
        for alg in Algorithm::ALL {
            let mut pts = Vec::new();
            for &n in sizes(alg) {
                match answer(&instance(n), &options(alg), &NoProgress) {
                    Ok(a) => {
                        let q = a["queries"].as_u64().unwrap_or(0);
                        let e = a["extension_queries"].as_u64().unwrap_or(0);
                        println!("| {} | {n} | {q} | {e} | {} |", alg.name(), q + e);
                        pts.push((n as f64, (q + e) as f64));
                    }
                    Err(e) => println!("| {} | {n} | refused: {e} | | |", alg.name()),
                }
            }
            if pts.len() >= 2 {
                let (a, b) = (pts[pts.len() - 2], pts[pts.len() - 1]);
                slopes.push((alg, (b.1.ln() - a.1.ln()) / (b.0.ln() - a.0.ln())));
            }
            series.push((alg, pts));
        }
        println!();
        println!("| algorithm | log-log slope of the last two sizes |");
        println!("|---|---|");
        for (alg, s) in &slopes {
            println!("| {} | {s:.2} |", alg.name());
        }
        adversarial();
        if let Some(path) = svg {
            std::fs::write(path, plot(&series)).expect("write the SVG");
            println!("\nwrote {path}");
        }
    }

    /// Ratios of every algorithm on the adversarial constructions (exact `--opt`).
    fn adversarial() {
        // The greedy + singleton construction of tests/submod.rs, in f64 (40 decoys).
        let k = 40usize;
        let r = 1.0 / 90.0;
        let values = [436.0, 436.0, 129.0];
        let mut weights = Vec::new();
        let mut sets = vec![Vec::new(); 3 + k];
        for (o, v) in values.iter().enumerate() {
            let mut left = 1.0;
            for i in 0..=k {
                let share = if i < k { left * r } else { left };
                left -= share;
                sets[o].push(weights.len());
                if i < k {
                    sets[3 + i].push(weights.len());
                }
                weights.push(v * share);
            }
        }
        let mut costs = vec![436, 436, 128];
        costs.extend(std::iter::repeat_n(11, k));
        let constructions = [
            (
                "two-item density greedy",
                json!({"function": {"kind": "modular", "weights": [100, 2]},
                    "costs": [100, 1], "budget": 100}),
            ),
            (
                "greedy + singleton (40 decoys)",
                json!({"function": {"kind": "coverage", "sets": sets, "atom_weights": weights},
                    "costs": costs, "budget": 1000}),
            ),
            (
                "greedy + max",
                json!({"function": {"kind": "modular", "weights": [500, 500, 2]},
                    "costs": [500, 500, 1], "budget": 1000}),
            ),
        ];
        println!();
        println!(
            "| algorithm | {} |",
            constructions
                .iter()
                .map(|c| c.0)
                .collect::<Vec<_>>()
                .join(" | ")
        );
        println!("|---|---|---|---|");
        for alg in Algorithm::ALL {
            let mut row = Vec::new();
            for (_, line) in &constructions {
                let mut o = options(alg);
                o.opt = true;
                row.push(match answer(line, &o, &NoProgress) {
                    Ok(a) => match a.get("ratio") {
                        Some(r) => format!("{:.4}", r.as_f64().unwrap_or(f64::NAN)),
                        None => format!(
                            ">= {:.4} (bound)",
                            a["ratio_lower_bound"].as_f64().unwrap_or(f64::NAN)
                        ),
                    },
                    Err(e) => format!(
                        "refused ({})",
                        e.to_string().split(':').next().unwrap_or("")
                    ),
                });
            }
            println!("| {} | {} |", alg.name(), row.join(" | "));
        }
    }

    /// A log-log plot of `total` against `n`, one polyline per algorithm.
    fn plot(series: &[(Algorithm, Vec<(f64, f64)>)]) -> String {
        let (w, h, l, b, t, rgt) = (760.0, 520.0, 70.0, 50.0, 20.0, 210.0);
        let pts: Vec<(f64, f64)> = series.iter().flat_map(|s| s.1.iter().copied()).collect();
        let (x0, x1) = (
            pts.iter()
                .map(|p| p.0)
                .fold(f64::INFINITY, f64::min)
                .log10()
                .floor(),
            pts.iter().map(|p| p.0).fold(0.0, f64::max).log10().ceil(),
        );
        let (y0, y1) = (
            pts.iter()
                .map(|p| p.1.max(1.0))
                .fold(f64::INFINITY, f64::min)
                .log10()
                .floor(),
            pts.iter().map(|p| p.1).fold(1.0, f64::max).log10().ceil(),
        );
        let px = |x: f64| l + (x.log10() - x0) / (x1 - x0) * (w - l - rgt);
        let py = |y: f64| h - b - (y.max(1.0).log10() - y0) / (y1 - y0) * (h - b - t);
        let colors = [
            "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
            "#bcbd22", "#17becf",
        ];
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        );
        for d in x0 as i32..=x1 as i32 {
            let x = px(10f64.powi(d));
            s += &format!(
                "<line x1=\"{x:.1}\" y1=\"{t}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">10^{d}</text>\n",
                h - b,
                h - b + 16.0
            );
        }
        for d in y0 as i32..=y1 as i32 {
            let y = py(10f64.powi(d));
            s += &format!(
                "<line x1=\"{l}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">10^{d}</text>\n",
                w - rgt,
                l - 6.0,
                y + 4.0
            );
        }
        s += &format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">n (items)</text>\n\
             <text x=\"14\" y=\"{:.1}\" transform=\"rotate(-90 14 {:.1})\" text-anchor=\"middle\">\
             value queries + extension evaluations</text>\n",
            (l + w - rgt) / 2.0,
            h - 10.0,
            (t + h - b) / 2.0,
            (t + h - b) / 2.0
        );
        for (i, (alg, p)) in series.iter().enumerate() {
            let c = colors[i % colors.len()];
            let path: Vec<String> = p
                .iter()
                .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
                .collect();
            s += &format!(
                "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{}\"/>\n",
                path.join(" ")
            );
            for &(x, y) in p {
                s += &format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{c}\"/>\n",
                    px(x),
                    py(y)
                );
            }
            let ly = t + 16.0 * i as f64 + 10.0;
            s += &format!(
                "<line x1=\"{:.1}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"{c}\" stroke-width=\"2\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
                w - rgt + 10.0,
                w - rgt + 30.0,
                w - rgt + 36.0,
                ly + 4.0,
                alg.name()
            );
        }
        s + "</svg>\n"
    }
}
