//! The output of `diffknap bench`: aligned tables, or one JSON object per measurement.

use super::run::{Case, Event, GAMMA};
use crate::backend::Isa;
use serde_json::json;
use std::io::Write;

/// Writes events as they come.
pub struct Printer<'a> {
    /// JSON lines instead of tables.
    pub json: bool,
    /// Instruction set (for the JSON lines).
    pub isa: Isa,
    /// Threads of the parallel backends.
    pub threads: usize,
    /// Where to write.
    pub out: &'a mut dyn Write,
}

impl Printer<'_> {
    /// The table header line (nothing in JSON mode).
    pub fn header(&mut self, reps: usize) {
        if !self.json {
            let _ = writeln!(
                self.out,
                "diffknap bench: isa {}, {} threads, gamma {GAMMA}; Mcells/s (cells = batch n \
                 (C+1)), best of >= {reps} runs",
                self.isa.name(),
                self.threads,
            );
        }
    }

    /// Writes one event.
    pub fn event(&mut self, ev: Event) {
        match ev {
            Event::Case(c) => self.case(&c),
            Event::Op {
                case,
                op,
                row,
                python,
            } => self.op(&case, op, &row, python),
            Event::Lse {
                case,
                label,
                threads,
                lse,
                forward,
            } => self.lse(&case, label, threads, lse, forward),
        }
    }

    fn case(&mut self, c: &Case) {
        if self.json {
            return;
        }
        let _ = writeln!(
            self.out,
            "\nn={} C={} batch={} {}:\n  {:<10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}  \
             B/cell(ref, full, ckpt, paper)",
            c.n,
            c.cap,
            c.batch,
            c.reg.name(),
            "op",
            "reference",
            "scalar",
            "simd",
            "parallel",
            "ckpt",
            "auto",
            "python"
        );
    }

    fn op(
        &mut self,
        c: &Case,
        op: &str,
        row: &[(String, Option<(f64, f64)>)],
        python: Option<f64>,
    ) {
        let cells = c.cells();
        let mcs = |s: f64| cells / s / 1e6;
        if self.json {
            for (be, v) in row {
                if let Some((secs, bpc)) = v {
                    let line = json!({"n": c.n, "capacity": c.cap, "batch": c.batch,
                        "regularizer": c.reg.name(), "op": op, "backend": be,
                        "isa": self.isa.name(), "threads": self.threads,
                        "seconds": secs, "mcells_per_s": mcs(*secs),
                        "bytes_per_cell": bpc});
                    let _ = writeln!(self.out, "{line}");
                }
            }
            if let Some(secs) = python {
                let line = json!({"n": c.n, "capacity": c.cap, "batch": c.batch,
                    "regularizer": c.reg.name(), "op": op, "backend": "python",
                    "seconds": secs, "mcells_per_s": mcs(secs),
                    "bytes_per_cell": 40.0});
                let _ = writeln!(self.out, "{line}");
            }
            return;
        }
        let cell = |v: &Option<(f64, f64)>| match v {
            Some((s, _)) => format!("{:>10.1}", mcs(*s)),
            None => format!("{:>10}", "-"),
        };
        let bpc = |i: usize| match &row[i].1 {
            Some((_, b)) => format!("{b:.1}"),
            None => "-".into(),
        };
        let mut line = format!("  {op:<10}");
        for (_, v) in row {
            line += &format!(" {}", cell(v));
        }
        line += &match python {
            Some(s) => format!(" {:>10.1}", mcs(s)),
            None => format!(" {:>10}", "-"),
        };
        line += &format!("  {}, {}, {}, 40", bpc(0), bpc(3), bpc(4));
        if let (Some(s), Some((pp, _))) = (python, &row[5].1) {
            line += &format!("  auto/python {:.1}x", s / pp);
        }
        let _ = writeln!(self.out, "{line}");
    }

    fn lse(&mut self, c: &Case, label: &str, threads: usize, lse: f64, forward: f64) {
        let cells = c.cells();
        if self.json {
            let line = json!({"n": c.n, "capacity": c.cap, "batch": c.batch,
                "regularizer": "shannon", "op": "lse2", "backend": label,
                "threads": threads, "seconds": lse, "mcells_per_s": cells / lse / 1e6,
                "forward_over_lse": lse / forward});
            let _ = writeln!(self.out, "{line}");
        } else {
            let _ = writeln!(
                self.out,
                "  lse2 ({threads} thr): {:.1} Melem/s; shannon forward ({label}) {:.1} Mcells/s = \
                 {:.0}% of it",
                cells / lse / 1e6,
                cells / forward / 1e6,
                100.0 * lse / forward
            );
        }
    }
}
