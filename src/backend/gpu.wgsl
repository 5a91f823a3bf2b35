// diffknap GPU kernels: Algorithms 1, 2 and 4 (SPEC A.3) in f64, one workgroup per
// instance, looping over the item rows with a barrier between rows; within a row each
// invocation handles the capacities lid, lid + WG, lid + 2 WG, ...
//
// Written from SPEC A.2-A.3. WGSL's built-in exp and log are not used on f64 (on Vulkan they
// are only defined for 32-bit floats): exp_f64 and ln_1p_unit below use only + - * /, fma,
// round and select. Names in braces ({MAXF}, ...) are replaced by the host with exact decimal
// representations of f64 constants before compilation.

struct Inst {
    n: u32,       // items
    cols: u32,    // C + 1
    items: u32,   // index in fdata of item 0: theta, z, w for each item (3 values)
    tab: u32,     // first cell of this instance's Q and Qdot tables
    roll: u32,    // first cell of this instance's 4 rolling rows (V, V', Vdot, Vdot')
    flags: u32,   // bits 0-1 regularizer (0 hard, 1 shannon, 2 gini, 3 tsallis);
                  // bit 2 equality constraint; bit 3 tangent (VJP) requested
    outp: u32,    // index in outb: value, <y, z>, y[0..n], vjp[0..n]
    params: u32,  // index in fdata of gamma, 1/gamma, 1/(2 gamma), gamma/3
}

@group(0) @binding(0) var<storage, read> inst: array<Inst>;
// fdata[0] = -inf (WGSL has no infinity literal), then the instances' parameters and items.
@group(0) @binding(1) var<storage, read> fdata: array<f64>;
@group(0) @binding(2) var<storage, read_write> qt: array<f64>;
@group(0) @binding(3) var<storage, read_write> qdt: array<f64>;
@group(0) @binding(4) var<storage, read_write> roll: array<f64>;
@group(0) @binding(5) var<storage, read_write> outb: array<f64>;

const WG: u32 = 256u;
// Instances per row of the dispatch grid (workgroup_id.y counts rows).
const GRID_X: u32 = {GRID_X}u;

var<workgroup> red_y: array<f64, WG>;
var<workgroup> red_j: array<f64, WG>;

// ---------------------------------------------------------------------------------------
// exp and ln(1 + e) in f64.

// exp(x) for x <= 709.78 (0 below -746): x = k ln2 + r, k = round(x / ln2) (WGSL's round:
// to nearest, ties to even), |r| <= ln2 / 2 (plus rounding) by a Cody-Waite split of ln2
// whose high part has trailing zero bits (k * LN2_HI is exact); exp(r) = 1 + r + r^2 P(r)
// with P the Taylor polynomial of degree 11 (truncation below 5e-18 relative); the result
// scaled by 2^k in two exact steps (so that a subnormal result is rounded once).
//
// No step relies on a rounding trick such as (x + 1.5 2^52) - 1.5 2^52 or (1 + e) - 1:
// shader compilers may simplify those algebraically (Mesa's does), which silently
// removes the rounding they were written for; the one split that matters is guarded by
// `barrier`.
fn exp_f64(x_in: f64) -> f64 {
    let x = clamp(x_in, f64({EXP_LO}), f64({EXP_HI}));
    let k = round(x * f64({LOG2E}));
    // The barrier keeps the compiler from merging the two steps into x - k (HI + LO)
    // (Mesa's does, by distributivity), which would undo the split.
    let r = fma(k, -f64({LN2_LO}), barrier(fma(k, -f64({LN2_HI}), x)));
    var p = f64({C13});
    p = fma(p, r, f64({C12}));
    p = fma(p, r, f64({C11}));
    p = fma(p, r, f64({C10}));
    p = fma(p, r, f64({C9}));
    p = fma(p, r, f64({C8}));
    p = fma(p, r, f64({C7}));
    p = fma(p, r, f64({C6}));
    p = fma(p, r, f64({C5}));
    p = fma(p, r, f64({C4}));
    p = fma(p, r, f64({C3}));
    p = fma(p, r, f64({C2}));
    let er = 1.0 + fma(r * r, p, r);
    let ki = i32(k);
    // k in [-1077, 1024]: split in two halves whose powers of two are normal numbers, so
    // that only the last product can round (once, into the subnormals).
    let k1 = ki / 2;
    return (er * pow2i(k1)) * pow2i(ki - k1);
}

// x itself, through a selection the compiler cannot decide (fdata[0] is -inf at run time):
// an optimisation barrier against algebraic rewriting across it.
fn barrier(x: f64) -> f64 {
    return select(f64(0.0), x, fdata[0] < 0.0);
}

// 2^j exactly, for |j| <= 1022, by products of exact powers of two (no reliance on how a
// driver implements ldexp for f64, which Vulkan leaves loosely specified).
fn pow2i(j: i32) -> f64 {
    let a = u32(abs(j));
    var base = f64(2.0);
    var r = f64(1.0);
    for (var b = 0u; b < 10u; b++) {
        if (((a >> b) & 1u) == 1u) {
            r = r * base;
        }
        if (b < 9u) {
            base = base * base;
        }
    }
    return select(r, 1.0 / r, j < 0);
}

// ln(1 + e) for e in [0, 1], without ever rounding 1 + e: 1 + e = 2^j m with
// m = 1 + f, f = e (j = 0) for e < 1/2, and f = (e - 1) / 2 (j = 1, exact by Sterbenz's
// lemma) otherwise, so f is in [-1/4, 1/2) and exact. ln(1 + f) = 2 atanh(s) with
// s = f / (2 + f), |s| <= 1/5, evaluated as f - (f^2/2 - s (f^2/2 + R(s^2))), R the atanh
// series to degree 24 in s (truncation below 1e-19 relative).
fn ln_1p_unit(e: f64) -> f64 {
    let big = e >= 0.5;
    let f = select(e, (e - 1.0) * 0.5, big);
    let j = select(f64(0.0), f64(1.0), big);
    let s = f / (2.0 + f);
    let z = s * s;
    var r = f64({R12});
    r = fma(r, z, f64({R11}));
    r = fma(r, z, f64({R10}));
    r = fma(r, z, f64({R9}));
    r = fma(r, z, f64({R8}));
    r = fma(r, z, f64({R7}));
    r = fma(r, z, f64({R6}));
    r = fma(r, z, f64({R5}));
    r = fma(r, z, f64({R4}));
    r = fma(r, z, f64({R3}));
    r = fma(r, z, f64({R2}));
    r = fma(r, z, f64({R1}));
    r = r * z;
    let hfsq = f * f * 0.5;
    let lnm = f - (hfsq - s * (hfsq + r));
    return fma(j, f64({LN2_HI}), fma(j, f64({LN2_LO}), lnm));
}

// ---------------------------------------------------------------------------------------
// The smoothed two-way max (SPEC A.2) and dq/d(p - s) written in q.

struct Smax {
    v: f64,
    q: f64,
}

// s and p finite.
fn smax_finite(reg: u32, s: f64, p: f64, pb: u32) -> Smax {
    let d = p - s;
    let gamma = fdata[pb];
    switch reg {
        case 0u: {
            if (s < p) {
                return Smax(p, 1.0);
            }
            return Smax(s, 0.0);
        }
        case 1u: {
            let e = exp_f64(-abs(d) * fdata[pb + 1u]);
            let u = 1.0 + e;
            let inv_u = 1.0 / u;
            let v = fma(gamma, ln_1p_unit(e), max(s, p));
            let r = e * inv_u;
            return Smax(v, select(r, 1.0 - r, d >= 0.0));
        }
        case 2u: {
            if (gamma <= d) {
                return Smax(p, 1.0);
            }
            if (d <= -gamma) {
                return Smax(s, 0.0);
            }
            let t = d / (2.0 * gamma);
            let v = ((s + p) * 0.5 + 0.25 * gamma) + (d * t) * 0.5;
            return Smax(v, 0.5 + t);
        }
        default: {
            let c = d * fdata[pb + 2u];
            if (1.0 <= c) {
                return Smax(p, 1.0);
            }
            if (c <= -1.0) {
                return Smax(s, 0.0);
            }
            let r2 = 2.0 - c * c;
            let r = sqrt(max(r2, 1.0));
            let v = fma(fdata[pb + 3u], 4.0 - r2 * r, (s + p) * 0.5);
            // The smaller of q and 1 - q, cancellation-free: (1 - c^2)^2 / (2 (1 + |c| r)).
            let om = (1.0 - c) * (1.0 + c);
            let small = (om * om) / (2.0 * fma(abs(c), r, 1.0));
            return Smax(v, select(small, 1.0 - small, c >= 0.0));
        }
    }
}

fn is_finite_v(x: f64) -> bool {
    return x >= -f64({MAXF});
}

// max_Omega(s, p) where s and p may be -inf.
fn smax(reg: u32, s: f64, p: f64, pb: u32) -> Smax {
    let sf = is_finite_v(s);
    let pf = is_finite_v(p);
    if (!pf) {
        return Smax(s, 0.0);
    }
    if (!sf) {
        return Smax(p, 1.0);
    }
    return smax_finite(reg, s, p, pb);
}

fn dq(reg: u32, q: f64, pb: u32) -> f64 {
    switch reg {
        case 1u: {
            return q * (1.0 - q) * fdata[pb + 1u];
        }
        case 2u: {
            return select(f64(0.0), fdata[pb + 2u], q * (1.0 - q) > 0.0);
        }
        case 3u: {
            let a = sqrt(q);
            let b = sqrt(1.0 - q);
            return (a * b) / (fdata[pb] * (a + b));
        }
        default: {
            return 0.0;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Algorithm 1 with the forward tangent of Algorithm 4.

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>) {
    let b = wid.x + wid.y * GRID_X;
    if (b >= arrayLength(&inst)) {
        return;
    }
    let m = inst[b];
    let lid = lid3.x;
    let cols = m.cols;
    let n = m.n;
    let reg = m.flags & 3u;
    let eq = (m.flags & 4u) != 0u;
    let tan = (m.flags & 8u) != 0u;
    let ninf = fdata[0];
    for (var c = lid; c < cols; c += WG) {
        roll[m.roll + c] = select(ninf, 0.0, c == 0u || !eq);
        roll[m.roll + 2u * cols + c] = 0.0;
    }
    storageBarrier();
    for (var i = 0u; i < n; i++) {
        let src = m.roll + (i & 1u) * cols;
        let dst = m.roll + ((i + 1u) & 1u) * cols;
        let dsrc = src + 2u * cols;
        let ddst = dst + 2u * cols;
        let it = m.items + 3u * i;
        let th = fdata[it];
        let z = fdata[it + 1u];
        let w = u32(fdata[it + 2u]);
        let qrow = m.tab + i * cols;
        for (var c = lid; c < cols; c += WG) {
            let s = roll[src + c];
            var r = Smax(s, 0.0);
            if (c >= w) {
                let vp = roll[src + c - w];
                var p = ninf;
                if (is_finite_v(vp)) {
                    p = vp + th;
                }
                r = smax(reg, s, p, m.params);
            }
            roll[dst + c] = r.v;
            qt[qrow + c] = r.q;
            if (tan) {
                let skip = roll[dsrc + c];
                var vd = skip;
                var qd = f64(0.0);
                if (c >= w) {
                    let diff = (roll[dsrc + c - w] + z) - skip;
                    vd = fma(r.q, diff, skip);
                    qd = dq(reg, r.q, m.params) * diff;
                }
                roll[ddst + c] = vd;
                qdt[qrow + c] = qd;
            }
        }
        storageBarrier();
    }
    if (lid == 0u) {
        let last = m.roll + (n & 1u) * cols + cols - 1u;
        outb[m.outp] = roll[last];
        outb[m.outp + 1u] = select(f64(0.0), roll[last + 2u * cols], tan);
    }
}

// ---------------------------------------------------------------------------------------
// Algorithm 2 with the backward tangent of Algorithm 4: E (and Edot) in two rolling rows
// each, y_i and vjp_i summed over the workgroup by a tree reduction.

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>) {
    let b = wid.x + wid.y * GRID_X;
    if (b >= arrayLength(&inst)) {
        return;
    }
    let m = inst[b];
    let lid = lid3.x;
    let cols = m.cols;
    let n = m.n;
    let tan = (m.flags & 8u) != 0u;
    for (var c = lid; c < cols; c += WG) {
        roll[m.roll + c] = select(f64(0.0), f64(1.0), c == cols - 1u);
        roll[m.roll + 2u * cols + c] = 0.0;
    }
    storageBarrier();
    for (var k = 0u; k < n; k++) {
        let i = n - 1u - k;
        let a = m.roll + (k & 1u) * cols;
        let bb = m.roll + ((k + 1u) & 1u) * cols;
        let da = a + 2u * cols;
        let db = bb + 2u * cols;
        let w = u32(fdata[m.items + 3u * i + 2u]);
        let qrow = m.tab + i * cols;
        var ys = f64(0.0);
        var js = f64(0.0);
        for (var c = lid; c < cols; c += WG) {
            let en = roll[a + c];
            let qv = qt[qrow + c];
            ys = fma(en, qv, ys);
            var e = en * (1.0 - qv);
            var ed = f64(0.0);
            if (tan) {
                let edn = roll[da + c];
                let qdv = qdt[qrow + c];
                js = fma(edn, qv, fma(en, qdv, js));
                ed = edn * (1.0 - qv) - en * qdv;
            }
            if (w < cols - c) {
                let cw = c + w;
                let enw = roll[a + cw];
                let qw = qt[qrow + cw];
                e = fma(enw, qw, e);
                if (tan) {
                    ed = ed + fma(roll[da + cw], qw, enw * qdt[qrow + cw]);
                }
            }
            roll[bb + c] = e;
            if (tan) {
                roll[db + c] = ed;
            }
        }
        red_y[lid] = ys;
        red_j[lid] = js;
        workgroupBarrier();
        for (var st = WG / 2u; st > 0u; st = st / 2u) {
            if (lid < st) {
                red_y[lid] = red_y[lid] + red_y[lid + st];
                red_j[lid] = red_j[lid] + red_j[lid + st];
            }
            workgroupBarrier();
        }
        if (lid == 0u) {
            outb[m.outp + 2u + i] = red_y[0];
            outb[m.outp + 2u + n + i] = select(f64(0.0), red_j[0], tan);
        }
        storageBarrier();
        workgroupBarrier();
    }
}

// ---------------------------------------------------------------------------------------
// Test entry: outb[2 k] = exp_f64(x_k), outb[2 k + 1] = ln_1p_unit(x_k) for x_k in [0, 1]
// (else 0), x_k = fdata[1 + k].

@compute @workgroup_size(64)
fn math_test(@builtin(global_invocation_id) gid: vec3<u32>) {
    let k = gid.x + gid.y * GRID_X * 64u;
    if (2u * k >= arrayLength(&outb)) {
        return;
    }
    let x = fdata[1u + k];
    outb[2u * k] = exp_f64(x);
    var l = f64(0.0);
    if (x >= 0.0 && x <= 1.0) {
        l = ln_1p_unit(x);
    }
    outb[2u * k + 1u] = l;
}
