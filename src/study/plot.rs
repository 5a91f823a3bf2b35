//! The figures of docs/regularizers.md, drawn in pure Rust (plotters), as SVG or PNG.
//!
//! - [`Kind::Sweep`]: y_i as the first score sweeps while the others stay fixed, one panel per
//!   regularizer.
//! - [`Kind::Equivariance`]: the largest equivariance deviation against gamma (log-log).
//! - [`Kind::Smax`]: the smoothed two-way max `max_Omega(0, d) - max(0, d)` and its choice q
//!   against d / gamma.
//!
//! PNG files carry the curves, axes and tick marks but no text: rasterising text needs a font
//! file, and none is shipped (nothing third-party is committed); the SVG files carry every
//! label and are the ones the docs embed.

use super::{equivariance_vs_gamma, two_way};
use crate::error::{Result, invalid};
use crate::instance::Instance;
use crate::ops::{Extras, relax_f64};
use crate::reg::RegKind;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// Which figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// y_i against one score, several regularizers side by side.
    Sweep,
    /// Equivariance deviation against gamma.
    Equivariance,
    /// The smoothed-max curves and their q.
    Smax,
}

impl Kind {
    /// Parses `sweep`, `equivariance`, `smax`.
    pub fn parse(s: &str) -> Result<Kind> {
        match s {
            "sweep" => Ok(Kind::Sweep),
            "equivariance" => Ok(Kind::Equivariance),
            "smax" => Ok(Kind::Smax),
            other => Err(invalid(
                "kind",
                format!("must be sweep, equivariance or smax; got {other:?}"),
            )),
        }
    }
}

/// The regularizers drawn by default: shannon, tsallis:1.3, tsallis (1.5), gini, tsallis:3.
pub fn default_regularizers() -> Vec<RegKind> {
    let a = |x: f64| RegKind::Alpha(crate::reg::Alpha::new(x).expect("valid alpha"));
    vec![
        RegKind::Shannon,
        a(1.3),
        RegKind::Tsallis,
        RegKind::Gini,
        a(3.0),
    ]
}

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(0, 0, 0),
];

/// The sweep instance: knapsack, theta = (x, 0.5, 0.2, -0.3), w = (2, 1, 2, 1), C = 3,
/// gamma = 0.5.
pub fn sweep_data(kind: RegKind, points: usize) -> Result<Vec<(f64, Vec<f64>)>> {
    (0..points)
        .map(|k| {
            let x = -3.0 + 6.0 * k as f64 / (points - 1).max(1) as f64;
            let inst = Instance::knapsack(vec![x, 0.5, 0.2, -0.3], vec![2, 1, 2, 1], 3)?;
            Ok((x, relax_f64(&inst, kind, 0.5, &Extras::default())?.y))
        })
        .collect()
}

/// The gammas of the equivariance figure: 25 points from 0.01 to 100, evenly in log.
pub fn equivariance_gammas() -> Vec<f64> {
    (0..25).map(|k| 10f64.powf(-2.0 + k as f64 / 6.0)).collect()
}

type Draw<DB> = std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn sweep<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    regs: &[RegKind],
    text: bool,
) -> Result<Draw<DB>> {
    let data: Vec<_> = regs
        .iter()
        .map(|&k| sweep_data(k, 241).map(|d| (k, d)))
        .collect::<Result<_>>()?;
    Ok((|| {
        root.fill(&WHITE)?;
        let panels = root.split_evenly((1, data.len()));
        for (panel, (kind, d)) in panels.iter().zip(&data) {
            let mut b = ChartBuilder::on(panel);
            b.margin(8);
            if text {
                b.caption(kind.label(), ("sans-serif", 18))
                    .x_label_area_size(30)
                    .y_label_area_size(36);
            } else {
                b.x_label_area_size(4).y_label_area_size(4);
            }
            let mut chart = b.build_cartesian_2d(-3f64..3f64, -0.02f64..1.02f64)?;
            let mut mesh = chart.configure_mesh();
            mesh.light_line_style(WHITE.mix(0.0));
            if text {
                mesh.x_desc("theta_0").y_desc("y_i");
            } else {
                mesh.x_labels(0).y_labels(0);
            }
            mesh.draw()?;
            for i in 0..4 {
                let c = COLORS[i];
                let s = chart.draw_series(LineSeries::new(
                    d.iter().map(|(x, y)| (*x, y[i])),
                    c.stroke_width(2),
                ))?;
                if text {
                    s.label(format!("y_{i}"))
                        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], c));
                }
            }
            if text {
                chart
                    .configure_series_labels()
                    .background_style(WHITE.mix(0.8))
                    .border_style(BLACK)
                    .position(SeriesLabelPosition::MiddleLeft)
                    .draw()?;
            }
        }
        root.present()
    })())
}

fn equivariance<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    regs: &[RegKind],
    text: bool,
) -> Result<Draw<DB>> {
    let gammas = equivariance_gammas();
    let floor = 1e-17;
    let data: Vec<(RegKind, Vec<f64>)> = regs
        .iter()
        .map(|&k| equivariance_vs_gamma(k, &gammas, 60, 7).map(|d| (k, d)))
        .collect::<Result<_>>()?;
    Ok((|| {
        root.fill(&WHITE)?;
        let mut b = ChartBuilder::on(root);
        b.margin(12);
        if text {
            b.caption(
                "largest equivariance deviation (60 random instances and orders) against gamma",
                ("sans-serif", 18),
            )
            .x_label_area_size(36)
            .y_label_area_size(56);
        }
        let mut chart =
            b.build_cartesian_2d((0.01f64..100f64).log_scale(), (floor..1f64).log_scale())?;
        let mut mesh = chart.configure_mesh();
        if text {
            mesh.x_desc("gamma").y_desc("max |y(order b) - y(order a)|");
        } else {
            mesh.x_labels(0).y_labels(0);
        }
        mesh.draw()?;
        for (i, (kind, d)) in data.iter().enumerate() {
            let c = COLORS[i % COLORS.len()];
            let pts: Vec<(f64, f64)> = gammas
                .iter()
                .zip(d)
                .map(|(g, v)| (*g, v.max(floor)))
                .collect();
            chart.draw_series(pts.iter().map(|p| Circle::new(*p, 3, c.filled())))?;
            let s = chart.draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))?;
            if text {
                let label = if *kind == RegKind::Shannon {
                    "shannon (round-off, floored at 1e-17)".to_string()
                } else {
                    kind.label()
                };
                s.label(label)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], c));
            }
        }
        if text {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .position(SeriesLabelPosition::LowerRight)
                .draw()?;
        }
        root.present()
    })())
}

fn smax<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    regs: &[RegKind],
    text: bool,
) -> Result<Draw<DB>> {
    let ds: Vec<f64> = (0..=400).map(|k| -4.0 + 8.0 * k as f64 / 400.0).collect();
    type Curve = Vec<(f64, f64, f64)>;
    let data: Vec<(RegKind, Curve)> = regs
        .iter()
        .map(|&k| {
            ds.iter()
                .map(|&d| two_way(k, 0.0, d, 1.0).map(|(v, q)| (d, v - d.max(0.0), q)))
                .collect::<Result<Vec<_>>>()
                .map(|v| (k, v))
        })
        .collect::<Result<_>>()?;
    Ok((|| {
        root.fill(&WHITE)?;
        let panels = root.split_evenly((1, 2));
        for (p, panel) in panels.iter().enumerate() {
            let mut b = ChartBuilder::on(panel);
            b.margin(10);
            if text {
                b.caption(
                    if p == 0 {
                        "smoothing gap max_Omega(0, d) - max(0, d), gamma = 1"
                    } else {
                        "choice q(d), gamma = 1"
                    },
                    ("sans-serif", 17),
                )
                .x_label_area_size(30)
                .y_label_area_size(40);
            }
            let ymax = if p == 0 { 0.72 } else { 1.02 };
            let ymin = if p == 0 { 0.0 } else { -0.02 };
            let mut chart = b.build_cartesian_2d(-4f64..4f64, ymin..ymax)?;
            let mut mesh = chart.configure_mesh();
            if text {
                mesh.x_desc("d = p - s")
                    .y_desc(if p == 0 { "gap" } else { "q" });
            } else {
                mesh.x_labels(0).y_labels(0);
            }
            mesh.draw()?;
            for (i, (kind, d)) in data.iter().enumerate() {
                let c = COLORS[i % COLORS.len()];
                let s = chart.draw_series(LineSeries::new(
                    d.iter().map(|(x, g, q)| (*x, if p == 0 { *g } else { *q })),
                    c.stroke_width(2),
                ))?;
                if text {
                    s.label(kind.label())
                        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], c));
                }
            }
            if text {
                chart
                    .configure_series_labels()
                    .background_style(WHITE.mix(0.8))
                    .border_style(BLACK)
                    .position(if p == 0 {
                        SeriesLabelPosition::UpperRight
                    } else {
                        SeriesLabelPosition::UpperLeft
                    })
                    .draw()?;
            }
        }
        root.present()
    })())
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    kind: Kind,
    regs: &[RegKind],
    text: bool,
) -> Result<()> {
    let out = match kind {
        Kind::Sweep => sweep(&root, regs, text)?,
        Kind::Equivariance => equivariance(&root, regs, text)?,
        Kind::Smax => smax(&root, regs, text)?,
    };
    out.map_err(|e| invalid("out", format!("could not draw the figure: {e:?}")))
}

/// Draws figure `kind` for `regs` into `out` (`.svg` or `.png`, by the extension).
pub fn plot(kind: Kind, regs: &[RegKind], out: &Path) -> Result<()> {
    if regs.is_empty() || regs.len() > COLORS.len() {
        return Err(invalid(
            "regularizers",
            format!("give 1 to {} regularizers", COLORS.len()),
        ));
    }
    if let Some(bad) = regs
        .iter()
        .find(|k| matches!(k, RegKind::Hard | RegKind::Custom))
    {
        return Err(invalid(
            "regularizers",
            format!("{bad} cannot be plotted (give smoothing regularizers)"),
        ));
    }
    let size = match kind {
        Kind::Sweep => (260 * regs.len() as u32, 300),
        Kind::Equivariance => (900, 520),
        Kind::Smax => (1100, 440),
    };
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("svg") => draw(
            SVGBackend::new(out, size).into_drawing_area(),
            kind,
            regs,
            true,
        ),
        Some("png") => draw(
            BitMapBackend::new(out, size).into_drawing_area(),
            kind,
            regs,
            false,
        ),
        _ => Err(invalid(
            "out",
            format!("must end in .svg or .png; got {}", out.display()),
        )),
    }
}
