"""Figure data the notes plot: computed from catalog entries with NumPy, seeded, fixed sizes.

Each function returns a table: a tuple of column names, then tuples of floats (nan = a gap).
Every random draw comes from `numpy.random.default_rng(seed)`, so rebuilds are byte-identical.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.catalog.initializers import fan_in, fan_out

EPS = 1e-9


def _select(conditions, choices, default=np.nan):
    """numpy.select's meaning (the first true condition wins) as nested numpy.where: NumPy's select
    builds a full array per branch and dominates the training loops of the figures."""
    out = default
    for cond, choice in reversed(list(zip(conditions, choices))):
        out = np.where(cond, choice, out)
    return out


MISSING = {"erf": np.vectorize(math.erf, otypes=[float]),   # NumPy has no erf; plots need no speed
           "select": _select}


def numeric(entry, expr=None, **params):
    """`expr` (default: the entry) with default parameters (or `params`) as a NumPy function of its variable."""
    expr = entry.expr if expr is None else expr
    return sp.lambdify(entry.var, expr.subs(entry.defaults(**params)), [MISSING, "numpy"])


def _vector(fn, xs):
    """fn over an array (a constant expression lambdifies to a scalar)."""
    return np.broadcast_to(np.asarray(fn(xs), dtype=float), xs.shape)


def kink_points(entry, lo, hi, **params):
    """The entry's kinks inside (lo, hi) at default parameters, as (point, value) floats."""
    subs = entry.defaults(**params)
    pts = []
    for k in entry.kinks:
        at, value = sp.sympify(k.at).subs(subs), sp.sympify(k.value).subs(subs)
        if at.is_number and lo < float(at) < hi:
            pts.append((float(at), float(value)))
    return sorted(pts)


@lru_cache(maxsize=None)
def activation_curve(entry, lo=-4.0, hi=4.0, n=161, params=()):
    """Rows (x, f, df) on a grid; at each kink the derivative's two one-sided values with a gap.
    `params` is a tuple of (name, value) overriding defaults."""
    f, df = numeric(entry, **dict(params)), numeric(entry, derivative(entry), **dict(params))
    kinks = kink_points(entry, lo, hi, **dict(params))
    grid = np.linspace(lo, hi, n)
    grid = grid[[all(abs(g - k) > EPS for k, _ in kinks) for g in grid]]
    with np.errstate(all="ignore"):
        rows = [(g, v, d) for g, v, d in zip(grid, _vector(f, grid), _vector(df, grid))]
        for k, _ in kinks:
            side = np.array([k - EPS, k + EPS])
            fv, dv = _vector(f, side), _vector(df, side)
            rows += [(k - EPS, fv[0], dv[0]), (k, fv[0], np.nan), (k + EPS, fv[1], dv[1])]
    rows.sort(key=lambda r: r[0])
    return (("x", "f", "df"),) + tuple(rows)


def kink_marks(entry, lo=-4.0, hi=4.0, params=()):
    """Rows (x, value): the derivative's declared value at each kink."""
    return (("x", "value"),) + tuple(kink_points(entry, lo, hi, **dict(params)))


def init_variance(initializer, n):
    """The initializer's weight variance for fan_in = fan_out = n, as a float."""
    return float(initializer.expr.subs({fan_in: n, fan_out: n}))


@lru_cache(maxsize=None)
def gradient_norm_by_depth(activations, initializer, depth=50, width=64, batch=128, seed=0):
    """Rows (layer, one column per activation): the RMS norm of dL/dz_l through a `depth`-layer MLP,
    relative to its value at the last layer.

    Weights ~ N(0, Var) with the initializer's variance, biases 0, inputs ~ N(0, 1), loss = sum
    of the outputs; the backward pass is the delta recursion delta_l = (W_{l+1}^T delta_{l+1}) f'(z_l).
    """
    rng = np.random.default_rng(seed)
    std = np.sqrt(init_variance(initializer, width))
    weights = [rng.standard_normal((width, width)) * std for _ in range(depth)]
    x0 = rng.standard_normal((batch, width))
    cols = []
    for entry in activations:
        f, df = numeric(entry), numeric(entry, derivative(entry))
        a, zs = x0, []
        for W in weights:
            zs.append(a @ W.T)
            a = _vector(f, zs[-1])
        delta = _vector(df, zs[-1])
        norms = [np.sqrt(np.mean(np.sum(delta**2, axis=1)))]
        for l in range(depth - 2, -1, -1):
            delta = (delta @ weights[l + 1]) * _vector(df, zs[l])
            norms.append(np.sqrt(np.mean(np.sum(delta**2, axis=1))))
        cols.append([v / norms[0] for v in norms[::-1]])
    return (("layer",) + tuple(e.name for e in activations),) + tuple(
        (l + 1,) + tuple(c[l] for c in cols) for l in range(depth))


@lru_cache(maxsize=None)
def variance_by_layer(pairs, depth=20, width=256, batch=2000, seed=1):
    """Rows (layer, one column per (activation, initializer)): the variance of z_l over the batch."""
    cols = []
    for entry, init in pairs:
        rng = np.random.default_rng(seed)
        f = numeric(entry)
        std = np.sqrt(init_variance(init, width))
        a = rng.standard_normal((batch, width))
        out = []
        for _ in range(depth):
            z = a @ (rng.standard_normal((width, width)) * std).T
            out.append(float(np.var(z)))
            a = _vector(f, z)
        cols.append(out)
    return (("layer",) + tuple(f"{e.name}_{i.name}" for e, i in pairs),) + tuple(
        (l + 1,) + tuple(c[l] for c in cols) for l in range(depth))


@lru_cache(maxsize=None)
def dead_units(entry, rates, he, steps=150, n=256, d=8, hidden=64, seeds=(0, 1, 2, 3)):
    """Rows (lr, dead, diverged): the fraction of hidden units whose pre-activation is negative on
    every training input after `steps` of full-batch gradient descent on y = sum(sin(x)) + noise
    (averaged over the seeds whose training stayed finite; nan if none did), and the fraction of
    seeds whose loss overflowed."""
    f, df = numeric(entry), numeric(entry, derivative(entry))
    rows = []
    for lr in rates:
        dead, diverged = [], 0
        for seed in seeds:
            z, finite = _train(f, df, lr, steps, n, d, hidden, he, seed)
            if finite:
                dead.append(np.mean(~np.any(z > 0, axis=0)))
            else:
                diverged += 1
        rows.append((lr, float(np.mean(dead)) if dead else np.nan, diverged / len(seeds)))
    return (("lr", "dead", "diverged"),) + tuple(rows)


def _train(f, df, lr, steps, n, d, hidden, he, seed):
    """Full-batch gradient descent on a one-hidden-layer net; (final pre-activations, loss finite)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = np.sin(X).sum(axis=1, keepdims=True) + 0.1 * rng.standard_normal((n, 1))
    A = rng.standard_normal((hidden, d)) * np.sqrt(init_variance(he, d))
    B = np.zeros(hidden)
    C = rng.standard_normal((1, hidden)) * np.sqrt(1.0 / hidden)
    D = np.zeros(1)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            z = X @ A.T + B
            h = _vector(f, z)
            g = (h @ C.T + D - y) / n
            gz = (g @ C) * _vector(df, z)
            A, B = A - lr * gz.T @ X, B - lr * gz.sum(axis=0)
            C, D = C - lr * g.T @ h, D - lr * g.sum(axis=0)
        z = X @ A.T + B
        loss = np.mean((_vector(f, z) @ C.T + D - y) ** 2)
    return z, bool(np.isfinite(loss))
