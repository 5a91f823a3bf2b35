#!/usr/bin/env python3
"""Decision-focused learning on a knapsack (the paper's first application), with JAX.

A linear model maps features x to item scores theta_hat; the decision is the best knapsack
for theta_hat. We compare, on held-out instances, the normalised regret of
- two-stage: least squares from x to the true scores, then solve;
- decision-focused: the Fenchel-Young loss of the smoothed knapsack operator,
  L(theta_hat; y*) = V(theta_hat) - <theta_hat, y*>, whose gradient is y(theta_hat) - y*
  (y* the optimal selection for the true scores), for shannon and gini and a few gammas.

Data, written from the published description of the usual DFL knapsack benchmark
(features x ~ N(0, I_p); a fixed 0/1 matrix B with Bernoulli(1/2) entries; true scores
theta_j = ((B x)_j / sqrt(p) + 3)^deg / 3.5^deg + 1, times multiplicative noise uniform in
[1 - eps, 1 + eps]; fixed integer weights uniform in 3..8; capacity a fraction of the total
weight). The degree deg > 1 makes the linear model misspecified, which is where learning
for the decision can beat learning the scores.

    python examples/dfl_knapsack.py [--out DIR] [--quick]

needs numpy, jax and this package (`pip install ./python`); matplotlib for the plot.
Prints the regret table (markdown) and writes DIR/dfl_knapsack_INIT.json and, with
matplotlib, DIR/dfl_knapsack_INIT.png (INIT: ls or zero, the starting model). Normalised
regret = sum over test instances of (the true value of the best selection - the true value
of the selection made from theta_hat) / sum of the best true values.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import jax
import jax.numpy as jnp
import numpy as np

import diffknap
import diffknap.jax as dkj

jax.config.update("jax_enable_x64", True)


def make_data(seed, n_train, n_test, items, p, deg, noise, cap_frac):
    rng = np.random.default_rng(seed)
    b = rng.binomial(1, 0.5, size=(items, p)).astype(float)
    weights = rng.integers(3, 9, size=items)
    capacity = int(cap_frac * weights.sum())

    def sample(m):
        x = rng.normal(size=(m, p))
        base = ((x @ b.T) / np.sqrt(p) + 3.0) ** deg / 3.5**deg + 1.0
        eps = rng.uniform(1 - noise, 1 + noise, size=(m, items))
        return x, base * eps

    return sample(n_train), sample(n_test), weights, capacity


def decisions(theta_hat, weights, capacity):
    """The best selections for theta_hat: the hard operator's y, a 0/1 vector (the fast f64
    DP; `diffknap.solve` gives the same selections exactly, about 100 times slower)."""
    return diffknap.relax(theta_hat, capacity, weights, regularizer="hard").y


def regret(theta_hat, theta_true, best_values, weights, capacity):
    """Normalised regret of the hard decisions made from theta_hat."""
    achieved = np.sum(theta_true * decisions(theta_hat, weights, capacity), axis=1)
    return float(np.sum(best_values - achieved) / np.sum(best_values))


def two_stage(x, theta):
    xa = np.hstack([x, np.ones((len(x), 1))])
    coef, *_ = np.linalg.lstsq(xa, theta, rcond=None)
    return coef  # (p + 1, items)


def predict(coef, x):
    return np.hstack([x, np.ones((len(x), 1))]) @ np.asarray(coef)


def train_fy(x, y_star, weights, capacity, reg, gamma, epochs, batch, lr, seed, eval_fn,
             eval_every, init):
    """Adam on the Fenchel-Young loss, minibatches of `batch` instances."""
    rng = np.random.default_rng(seed)
    params = jnp.asarray(init)
    m = jnp.zeros_like(params)
    v = jnp.zeros_like(params)
    b1, b2, eps = 0.9, 0.999, 1e-8
    xa = jnp.asarray(np.hstack([x, np.ones((len(x), 1))]))
    ys = jnp.asarray(y_star, dtype=float)

    def loss(params, xb, yb):
        theta_hat = xb @ params  # (batch, items)
        value, _ = dkj.relax(theta_hat, capacity, weights, constraint="knapsack",
                             regularizer=reg, gamma=gamma)
        return jnp.mean(value - jnp.sum(theta_hat * yb, axis=-1))

    grad = jax.jit(jax.value_and_grad(loss))
    curve = [(0, eval_fn(params))]
    step = 0
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x))
        for k in range(0, len(x), batch):
            idx = order[k:k + batch]
            _, g = grad(params, xa[idx], ys[idx])
            step += 1
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            mh = m / (1 - b1**step)
            vh = v / (1 - b2**step)
            params = params - lr * mh / (jnp.sqrt(vh) + eps)
        if epoch % eval_every == 0 or epoch == epochs:
            curve.append((epoch, eval_fn(params)))
    return params, curve


def plot(results, out):
    """The learning curves as out/dfl_knapsack_INIT.png (needs matplotlib)."""
    cfg = results["config"]
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot")
        return
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for r in results["runs"]:
        e, reg_ = zip(*r["curve"])
        ax.plot(e, reg_, marker="o", ms=2.5, lw=1.2,
                ls="-" if r["regularizer"] == "shannon" else "--",
                label=f"FY {r['regularizer']}, gamma {r['gamma']}")
    ax.axhline(results["two_stage_ls"], color="black", lw=1.5, label="two-stage LS")
    # From zero the first point is off the scale (regret 1: all scores 0, nothing picked).
    later = [r_ for run in results["runs"] for e_, r_ in run["curve"] if e_ > 0]
    ax.set_ylim(0.9 * min(later + [results["two_stage_ls"]]),
                1.15 * max(later + [results["two_stage_ls"]]))
    ax.set_xlabel("epoch")
    ax.set_ylabel("held-out normalised regret")
    ax.set_title(f"DFL knapsack: {cfg['items']} items, deg {cfg['deg']}, noise {cfg['noise']},"
                 f" seed {cfg['seed']}, init {cfg['init']}")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    png = os.path.join(out, f"dfl_knapsack_{cfg['init']}.png")
    fig.savefig(png, dpi=110)
    print(f"plot: {png}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="dfl_out", help="output folder (default dfl_out)")
    ap.add_argument("--quick", action="store_true", help="a smaller run (for tests)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--replot", action="store_true",
                    help="only redraw the plot from DIR/dfl_knapsack_INIT.json")
    ap.add_argument("--init", choices=["ls", "zero"], default="ls",
                    help="start decision-focused training from the two-stage model (ls, the "
                         "default) or from zero")
    args = ap.parse_args()
    cfg = dict(items=20, p=5, deg=6, noise=0.5, cap_frac=0.3, n_train=1000, n_test=1000,
               epochs=30, batch=32, lr=0.01, eval_every=2)
    grid = [("shannon", g) for g in (0.03, 0.1, 0.3, 1.0)] + \
        [("gini", g) for g in (0.03, 0.1, 0.3, 1.0)]
    if args.quick:
        cfg.update(n_train=200, n_test=200, epochs=4, eval_every=2)
        grid = [("shannon", 0.1), ("gini", 0.3)]
    os.makedirs(args.out, exist_ok=True)
    if args.replot:
        with open(os.path.join(args.out, f"dfl_knapsack_{args.init}.json")) as f:
            plot(json.load(f), args.out)
        return
    t0 = time.time()
    (x_tr, th_tr), (x_te, th_te), weights, capacity = make_data(
        args.seed, cfg["n_train"], cfg["n_test"], cfg["items"], cfg["p"], cfg["deg"],
        cfg["noise"], cfg["cap_frac"])
    # Ground truth, exactly: the optimal selections of the training instances and the
    # optimal values of the test instances.
    sol_tr = diffknap.solve(th_tr, capacity, weights)
    y_star, best_tr = sol_tr.selection, sol_tr.value
    best_te = diffknap.solve(th_te, capacity, weights).value

    def eval_fn(params):
        return regret(predict(params, x_te), th_te, best_te, weights, capacity)

    ls = two_stage(x_tr, th_tr)
    results = {"config": dict(cfg, seed=args.seed, init=args.init, capacity=capacity,
                              weights=weights.tolist()),
               "two_stage_ls": eval_fn(ls), "train_regret_two_stage": regret(
                   predict(ls, x_tr), th_tr, best_tr, weights, capacity),
               "runs": []}
    print(f"two-stage least squares: held-out normalised regret {results['two_stage_ls']:.4f}")
    for reg, gamma in grid:
        t = time.time()
        # By default start from the two-stage model: decision-focused learning then changes
        # it where that improves decisions (the curve starts at its regret).
        init = ls if args.init == "ls" else np.zeros_like(ls)
        params, curve = train_fy(x_tr, y_star, weights, capacity, reg, gamma, cfg["epochs"],
                                 cfg["batch"], cfg["lr"], args.seed + 1, eval_fn,
                                 cfg["eval_every"], init)
        final = curve[-1][1]
        results["runs"].append({"regularizer": reg, "gamma": gamma, "final_regret": final,
                                "curve": curve, "seconds": time.time() - t})
        print(f"{reg:8s} gamma {gamma:5.2f}: held-out normalised regret {final:.4f} "
              f"({time.time() - t:.1f} s)", flush=True)
    results["seconds"] = time.time() - t0
    with open(os.path.join(args.out, f"dfl_knapsack_{args.init}.json"), "w") as f:
        json.dump(results, f, indent=1)

    print("\n| method | gamma | held-out normalised regret |\n|---|---|---|")
    print(f"| two-stage least squares | - | {results['two_stage_ls']:.4f} |")
    for r in results["runs"]:
        print(f"| Fenchel-Young, {r['regularizer']} | {r['gamma']} | {r['final_regret']:.4f} |")
    print(f"\ntotal {results['seconds']:.0f} s")

    plot(results, args.out)


if __name__ == "__main__":
    main()
