//! Timing of the greedy family on large deterministic instances.
//!
//! `cargo run --release --example submod_bench [-- --dump DIR]`
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
