//! `diffknap demo`: every operator on a built-in example, explained for a newcomer.

use super::UsageError;
use crate::instance::Instance;
use crate::ops::{Extras, relax_f64};
use crate::reg::RegKind;
use std::io::Write;

/// Runs the demo; returns the exit status.
pub fn cli(out: &mut dyn Write) -> Result<i32, UsageError> {
    match run(out) {
        Ok(()) => Ok(0),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "diffknap demo: {e}");
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
        let cert = crate::certified::relax_certified(
            &inst,
            kind,
            0.7,
            Some(&z),
            &crate::certified::Target::default(),
        )?;
        let tol = crate::validate::Tolerance::default();
        let check = |name: &'static str, xs: &[f64], t: &[crate::certified::Interval]| {
            crate::validate::check_field(name, xs, t, tol, name == "value")
        };
        let v = check("value", &[r.value], std::slice::from_ref(&cert.value))?;
        let y = check("y", &r.y, &cert.y)?;
        let j = check(
            "vjp",
            r.vjp.as_deref().unwrap_or(&[]),
            cert.vjp.as_deref().unwrap_or(&[]),
        )?;
        writeln!(
            out,
            "    f64 error vs the certified truth: value {:.2} ulps, y at most {:.2} ulps, vjp at most {:.2} ulps",
            v.max_ulps, y.max_ulps, j.max_ulps
        )?;
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
        "\nHow accurate is f64? `diffknap relax --precision certified` computes every number as an\n\
         interval [lo, hi] that is guaranteed (outward rounding, 100+ bits) to contain the exact\n\
         result. The \"f64 error\" lines above measure how far each f64 number lies from that\n\
         interval, in ulps: units in the last place of the true value (1 ulp is a relative error\n\
         of about 1.1e-16 to 2.2e-16; 0 ulps means the f64 number is inside the enclosure).\n\
         Use `diffknap validate` to run the same check on another implementation's answers."
    )?;
    writeln!(
        out,
        "\nRun `diffknap relax` on JSON Lines for your own instances (see README.md)."
    )?;
    Ok(())
}
