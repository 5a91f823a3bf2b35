"""The JAX wrapper: gradients equal the library's y and VJP and finite differences; jit and
vmap give the numbers of a Python loop; second order through the VJP."""

import os

import numpy as np
import pytest

# The test command sets DIFFKNAP_REQUIRE_JAX=1 so that a missing jax fails, not skips.
if os.environ.get("DIFFKNAP_REQUIRE_JAX") == "1":
    import jax
else:
    jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

import diffknap  # noqa: E402
import diffknap.jax as dkj  # noqa: E402

REGS = [("shannon", 0.4), ("gini", 0.6), ("tsallis", 0.5)]


def _instance(seed, n=7):
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=n)
    w = rng.integers(1, 4, size=n)
    cap = int(rng.integers(2, 2 * n))
    z = rng.normal(size=n)
    return theta, w, cap, z


def _fd(f, x, h=1e-6):
    """Central finite differences of f at x along each coordinate: an independent check."""
    cols = []
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = h
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.stack(cols, axis=-1)


@pytest.mark.parametrize("reg, gamma", REGS)
@pytest.mark.parametrize("seed", range(4))
def test_grad_of_value_is_y_and_finite_differences(reg, gamma, seed):
    theta, w, cap, _ = _instance(seed)
    g = jax.grad(lambda t: dkj.relax(t, cap, w, regularizer=reg, gamma=gamma)[0])(jnp.asarray(theta))
    ref = diffknap.relax(theta, cap, w, regularizer=reg, gamma=gamma)
    np.testing.assert_allclose(g, ref.y, rtol=0, atol=1e-14)
    fd = _fd(lambda t: diffknap.relax(t, cap, w, regularizer=reg, gamma=gamma).value, theta)
    # Central differences with h = 1e-6: truncation O(h^2 V''') and rounding O(eps V / h).
    np.testing.assert_allclose(g, fd, atol=1e-7)


@pytest.mark.parametrize("reg, gamma", REGS)
@pytest.mark.parametrize("seed", range(4))
def test_jvp_of_y_is_the_library_vjp_and_finite_differences(reg, gamma, seed):
    theta, w, cap, z = _instance(seed)
    f = lambda t: dkj.relax(t, cap, w, regularizer=reg, gamma=gamma)[1]  # noqa: E731
    _, jv = jax.jvp(f, (jnp.asarray(theta),), (jnp.asarray(z),))
    ref = diffknap.relax(theta, cap, w, regularizer=reg, gamma=gamma, z=z)
    np.testing.assert_allclose(jv, ref.vjp, rtol=0, atol=1e-13)
    # The directional derivative of y along z, by finite differences of y.
    h = 1e-6
    yp = diffknap.relax(theta + h * z, cap, w, regularizer=reg, gamma=gamma).y
    ym = diffknap.relax(theta - h * z, cap, w, regularizer=reg, gamma=gamma).y
    np.testing.assert_allclose(jv, (yp - ym) / (2 * h), atol=1e-6)


@pytest.mark.parametrize("reg, gamma", REGS)
def test_grad_of_a_loss_of_y_and_value(reg, gamma):
    theta, w, cap, z = _instance(11)
    target = np.random.default_rng(1).uniform(size=len(theta))

    def loss(t):
        v, y = dkj.relax(t, cap, w, regularizer=reg, gamma=gamma)
        return jnp.sum((y - target) ** 2) + 0.5 * v

    g = jax.grad(loss)(jnp.asarray(theta))
    ref = diffknap.relax(theta, cap, w, regularizer=reg, gamma=gamma)
    ref = diffknap.relax(theta, cap, w, regularizer=reg, gamma=gamma, z=2 * (ref.y - target))
    # d/dtheta = H (2 (y - target)) + 0.5 y: second order through the library's VJP.
    np.testing.assert_allclose(g, ref.vjp + 0.5 * ref.y, atol=1e-13)

    def loss_np(t):
        r = diffknap.relax(t, cap, w, regularizer=reg, gamma=gamma)
        return np.sum((r.y - target) ** 2) + 0.5 * r.value

    np.testing.assert_allclose(g, _fd(loss_np, theta), atol=1e-6)


def test_jit_and_vmap_match_a_python_loop():
    rng = np.random.default_rng(5)
    B, n = 6, 9
    theta = rng.normal(size=(B, n))
    w = rng.integers(1, 4, size=(B, n))
    cap = rng.integers(3, 12, size=B)
    z = rng.normal(size=(B, n))

    def loss(t, wi, ci, zi):
        v, y = dkj.relax(t, ci, wi, regularizer="shannon", gamma=0.3)
        return v + jnp.dot(y, zi)

    loop_v = np.array([loss(theta[b], w[b], cap[b], z[b]) for b in range(B)])
    loop_g = np.stack([jax.grad(loss)(theta[b], w[b], cap[b], z[b]) for b in range(B)])
    vm_v = jax.vmap(loss)(theta, w, cap, z)
    jit_vm_g = jax.jit(jax.vmap(jax.grad(loss)))(theta, w, cap, z)
    jit_v = np.array([jax.jit(loss)(theta[b], w[b], cap[b], z[b]) for b in range(B)])
    np.testing.assert_array_equal(vm_v, loop_v)
    np.testing.assert_array_equal(jit_v, loop_v)
    np.testing.assert_array_equal(jit_vm_g, loop_g)
    # vmap with shared (unbatched) weights and capacity, and nested vmap.
    shared = jax.vmap(lambda t: dkj.relax(t, 7, w[0], regularizer="gini", gamma=0.5)[1])(theta)
    direct = diffknap.relax(theta, 7, w[0], regularizer="gini", gamma=0.5).y
    np.testing.assert_array_equal(shared, direct)
    nested = jax.vmap(jax.vmap(lambda t: dkj.relax(t, 3, regularizer="shannon", gamma=1.0)[0]))(
        theta.reshape(2, 3, n))
    np.testing.assert_array_equal(nested.reshape(-1),
                                  diffknap.relax(theta, 3, regularizer="shannon", gamma=1.0).value)


def test_hessian_of_value_is_symmetric_and_matches_the_vjp():
    theta, w, cap, z = _instance(3)
    f = lambda t: dkj.relax(t, cap, w, regularizer="shannon", gamma=0.5)[0]  # noqa: E731
    hr = jax.hessian(f)(jnp.asarray(theta))
    hf = jax.jacfwd(jax.grad(f))(jnp.asarray(theta))
    np.testing.assert_allclose(hr, hr.T, atol=1e-13)
    np.testing.assert_allclose(hr, hf, atol=1e-13)
    ref = diffknap.relax(theta, cap, w, regularizer="shannon", gamma=0.5, z=z)
    np.testing.assert_allclose(hr @ z, ref.vjp, atol=1e-12)


def test_third_derivatives_are_refused():
    theta, w, cap, _ = _instance(2)
    f = lambda t: jnp.sum(dkj.relax(t, cap, w, regularizer="shannon", gamma=0.5)[1] ** 2)  # noqa: E731
    with pytest.raises(NotImplementedError, match="third derivatives"):
        jax.hessian(f)(jnp.asarray(theta))


def test_float32_stays_float32():
    theta = jnp.asarray(np.linspace(-1, 1, 5), dtype=jnp.float32)
    v, y = dkj.relax(theta, 2, regularizer="shannon", gamma=0.5)
    assert v.dtype == jnp.float32 and y.dtype == jnp.float32
    g = jax.grad(lambda t: dkj.relax(t, 2, regularizer="shannon", gamma=0.5)[0])(theta)
    assert g.dtype == jnp.float32
    ref = diffknap.relax(np.asarray(theta), 2, regularizer="shannon", gamma=0.5)
    np.testing.assert_allclose(np.asarray(y), ref.y, rtol=1e-6)


def test_errors_surface_with_the_library_message():
    with pytest.raises(Exception, match=r"theta\[1\]: must be a finite number"):
        dkj.relax(jnp.array([0.1, jnp.nan, 0.2]), 1, regularizer="gini", gamma=1.0)
    with pytest.raises(Exception, match=r"theta\[1\]: must be a finite number"):
        jax.jit(lambda t: dkj.relax(t, 1, regularizer="gini", gamma=1.0)[0])(
            jnp.array([0.1, jnp.nan, 0.2])).block_until_ready()
    with pytest.raises(diffknap.Error, match="^gamma"):
        jax.jit(lambda t, g: dkj.relax(t, 1, regularizer="gini", gamma=g)[0])(
            jnp.array([0.1, 0.2]), 1.0)
    with pytest.raises(diffknap.Error, match="^weights: must be an integer array"):
        dkj.relax(jnp.array([0.1, 0.2]), 1, weights=jnp.array([1.0, 1.0]))
