//! `diffknap demo`: every operator on a built-in example, explained for a newcomer.

use crate::cli::UsageError;
use crate::instance::Instance;
use crate::ops::{Extras, relax_f64};
use crate::reg::RegKind;
use std::io::Write;

/// Runs the demo; returns the exit status.
pub fn cli(args: &[String], out: &mut dyn Write) -> Result<i32, UsageError> {
    if let Some(a) = args.first() {
        return Err(UsageError(format!("demo takes no arguments; got {a:?}")));
    }
    match run(out) {
        Ok(()) => Ok(0),
        Err(e) => {
            eprintln!("diffknap demo: {e}");
            Ok(1)
        }
    }
}

fn fmt(v: &[f64]) -> String {
    let parts: Vec<String> = v.iter().map(|x| format!("{x:.6}")).collect();
    format!("[{}]", parts.join(", "))
}

fn run(out: &mut dyn Write) -> Result<(), Box<dyn std::error::Error>> {
    let theta = vec![1.0, 0.3, -0.2, 0.8, 0.1];
    let weights = vec![2, 1, 3, 2, 1];
    let inst = Instance::knapsack(theta.clone(), weights.clone(), 5)?;
    let z = vec![0.5, -1.0, 0.25, 2.0, -0.5];
    writeln!(out, "diffknap demo: a knapsack with 5 items")?;
    writeln!(out, "  scores theta = {theta:?}")?;
    writeln!(out, "  weights w    = {weights:?}, capacity C = 5")?;
    let (hard, sel) = crate::solve::hard_dp(&inst)?;
    writeln!(
        out,
        "\nhard optimum (gamma = 0): value {hard}, selection {:?}",
        sel.iter().map(|&b| b as u8).collect::<Vec<_>>()
    )?;
    writeln!(
        out,
        "\nsmoothed operators at gamma = 0.7 (value V, relaxed selection y = dV/dtheta,\nvjp = Hessian of V times z for z = {z:?}, and one sample with its log-probability):"
    )?;
    for kind in [RegKind::Shannon, RegKind::Gini, RegKind::Tsallis] {
        let extras = Extras {
            z: Some(z.clone()),
            samples: 1,
            seed: 42,
        };
        let r = relax_f64(&inst, kind, 0.7, &extras)?;
        writeln!(out, "\n  {}:", kind.name())?;
        writeln!(out, "    value  {:.10}", r.value)?;
        writeln!(out, "    y      {}", fmt(&r.y))?;
        writeln!(out, "    vjp    {}", fmt(r.vjp.as_deref().unwrap_or(&[])))?;
        let s = &r.samples[0];
        writeln!(
            out,
            "    sample {:?}  log_prob {:.6}",
            s.selection.iter().map(|&b| b as u8).collect::<Vec<_>>(),
            s.log_prob
        )?;
    }
    writeln!(
        out,
        "\nRun `diffknap relax` on JSON Lines for your own instances (see README.md)."
    )?;
    Ok(())
}
