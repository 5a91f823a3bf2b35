//! Central finite differences.

/// Central-difference gradient of `f` at `x` with step `h`: error O(h^2 f''').
pub fn gradient(f: impl Fn(&[f64]) -> f64, x: &[f64], h: f64) -> Vec<f64> {
    (0..x.len())
        .map(|i| {
            let mut a = x.to_vec();
            let mut b = x.to_vec();
            a[i] += h;
            b[i] -= h;
            (f(&a) - f(&b)) / (2.0 * h)
        })
        .collect()
}

/// Central-difference directional derivative of a vector function: (g(x + h z) - g(x - h z)) / 2h.
pub fn directional(g: impl Fn(&[f64]) -> Vec<f64>, x: &[f64], z: &[f64], h: f64) -> Vec<f64> {
    let a: Vec<f64> = x.iter().zip(z).map(|(x, z)| x + h * z).collect();
    let b: Vec<f64> = x.iter().zip(z).map(|(x, z)| x - h * z).collect();
    g(&a)
        .iter()
        .zip(g(&b))
        .map(|(p, m)| (p - m) / (2.0 * h))
        .collect()
}
