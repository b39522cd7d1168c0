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



# ----- initialisation: variance through the layers -----

def _rms(delta):
    """The root mean square norm of the rows of `delta` (one row per input)."""
    return float(np.sqrt(np.mean(np.sum(delta**2, axis=1))))


@lru_cache(maxsize=None)
def gradient_norm_by_depth(activations, initializer, depth=20, width=64, batch=64, seed=0):
    """Rows (layer, one column per activation): the RMS norm of dL/dz_l through a `depth`-layer MLP,
    relative to its value at the last layer.

    Weights ~ N(0, Var) with the initializer's variance, biases 0, inputs ~ N(0, 1), loss = sum
    of the outputs; the backward pass is the delta recursion delta_l = f'(z_l) * (W_{l+1}^T delta_{l+1}).
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
        norms = [_rms(delta)]
        for l in range(depth - 2, -1, -1):
            delta = (delta @ weights[l + 1]) * _vector(df, zs[l])
            norms.append(_rms(delta))
        cols.append([v / norms[0] for v in norms[::-1]])
    return (("layer",) + tuple(e.name for e in activations),) + tuple(
        (l + 1,) + tuple(c[l] for c in cols) for l in range(depth))


def _forward_backward(entry, init, depth, width, batch, nets, seed):
    """(Var(z_l), Var(delta_l)) for l = 1..depth, each the mean over `nets` independent networks: inputs and
    the gradient at the output ~ N(0, 1), weights ~ N(0, Var) of the initializer, delta_l = f'(z_l) *
    (W_{l+1}^T delta_{l+1}). The networks are stacked (one small product each: OpenBLAS runs products up
    to 64 x 64 x 64 on one thread, which a loaded machine needs)."""
    rng = np.random.default_rng(seed)
    f, df = numeric(entry), numeric(entry, derivative(entry))
    std = np.sqrt(init_variance(init, width))
    weights = rng.standard_normal((depth, nets, width, width)) * std
    a, zs = rng.standard_normal((nets, batch, width)), []
    for W in weights:
        zs.append(a @ W.transpose(0, 2, 1))
        a = _vector(f, zs[-1])
    delta = rng.standard_normal((nets, batch, width)) * _vector(df, zs[-1])
    backward = [delta]
    for l in range(depth - 2, -1, -1):
        delta = (delta @ weights[l + 1]) * _vector(df, zs[l])
        backward.append(delta)
    per_layer = lambda arrays: [float(np.mean(np.var(v, axis=(1, 2)))) for v in arrays]
    return per_layer(zs), per_layer(backward[::-1])


@lru_cache(maxsize=None)
def variance_by_layer(pairs, depth=12, width=64, batch=64, nets=4, seed=1):
    """Rows (layer, then per (activation, initializer) the forward column `fwd_<act>_<init>`: Var(z_l) over
    the batch, then the backward columns `bwd_<act>_<init>`: Var(delta_l)); see `_forward_backward`."""
    runs = [_forward_backward(e, i, depth, width, batch, nets, seed) for e, i in pairs]
    names = [f"{e.name}_{i.name}" for e, i in pairs]
    head = ("layer",) + tuple(f"fwd_{n}" for n in names) + tuple(f"bwd_{n}" for n in names)
    return (head,) + tuple((l + 1,) + tuple(r[0][l] for r in runs) + tuple(r[1][l] for r in runs)
                           for l in range(depth))


def layer_variance_trials(direction, n_in, n_out, var_w, trials=200, batch=16, seed=0):
    """Independent estimates (one per trial, each with a fresh W of shape (n_out, n_in), entries
    ~ N(0, var_w)) of Var(z) for z = W a, a ~ N(0, I_(n_in)) ("forward"), or of Var(delta) for
    delta = W^T delta_next, delta_next ~ N(0, I_(n_out)) ("backward"): the mean square over the batch
    and the units. Exact values: n_in var_w forward, n_out var_w backward."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((trials, n_out, n_in)) * np.sqrt(var_w)
    if direction == "forward":
        out = rng.standard_normal((trials, batch, n_in)) @ W.transpose(0, 2, 1)
    elif direction == "backward":
        out = rng.standard_normal((trials, batch, n_out)) @ W
    else:
        raise ValueError(f"layer_variance_trials: direction must be 'forward' or 'backward', not {direction!r}")
    return np.mean(out**2, axis=(1, 2))


# ----- vanishing and exploding: training one hidden layer -----

def _task(seeds, n, d, hidden, he):
    """Stacked data and initial weights, one slice per seed: y = sum(sin(x)) + noise, He-normal first
    layer, N(0, 1/hidden) output layer, zero biases."""
    X, y, A, C = [], [], [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        X.append(rng.standard_normal((n, d)))
        y.append(np.sin(X[-1]).sum(axis=1, keepdims=True) + 0.1 * rng.standard_normal((n, 1)))
        A.append(rng.standard_normal((hidden, d)) * np.sqrt(init_variance(he, d)))
        C.append(rng.standard_normal((1, hidden)) * np.sqrt(1.0 / hidden))
    return np.array(X), np.array(y), np.array(A), np.array(C)


@lru_cache(maxsize=None)
def training_runs(entry, rates, he, steps=100, n=128, d=8, hidden=32, seeds=(0, 1, 2)):
    """Full-batch gradient descent on one hidden layer of `hidden` units, every (rate, seed) at once
    (run k has rate rates[k // len(seeds)]). Returns (losses (runs, steps + 1): the mean squared error
    before each step and after the last, final pre-activations (runs, n, hidden))."""
    f, df = numeric(entry), numeric(entry, derivative(entry))
    X, y, A, C = (np.tile(v, (len(rates), 1, 1)) for v in _task(seeds, n, d, hidden, he))
    B, D = np.zeros((len(X), 1, hidden)), np.zeros((len(X), 1, 1))
    lr = np.repeat(np.asarray(rates, dtype=float), len(seeds))[:, None, None]
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            z = X @ A.transpose(0, 2, 1) + B
            h = _vector(f, z)
            r = h @ C.transpose(0, 2, 1) + D - y
            losses.append(np.mean(r**2, axis=(1, 2)))
            gz = (r / n @ C) * _vector(df, z)
            A, B = A - lr * gz.transpose(0, 2, 1) @ X, B - lr * gz.sum(axis=1, keepdims=True)
            C, D = C - lr * (r / n).transpose(0, 2, 1) @ h, D - lr * (r / n).sum(axis=1, keepdims=True)
        z = X @ A.transpose(0, 2, 1) + B
        losses.append(np.mean((_vector(f, z) @ C.transpose(0, 2, 1) + D - y) ** 2, axis=(1, 2)))
    return np.array(losses).T, z


def dead_units(entry, rates, he, **sizes):
    """Rows (lr, dead, diverged): the fraction of hidden units whose pre-activation is negative on
    every training input after training (mean over the seeds whose loss stayed finite; nan if none
    did), and the fraction of seeds whose loss overflowed (see `training_runs`)."""
    losses, z = training_runs(entry, rates, he, **sizes)
    finite = np.isfinite(losses[:, -1])
    dead = np.mean(~np.any(z > 0, axis=1), axis=1)
    per_rate = len(losses) // len(rates)
    rows = []
    for i, lr in enumerate(rates):
        k = slice(i * per_rate, (i + 1) * per_rate)
        ok = finite[k]
        rows.append((lr, float(np.mean(dead[k][ok])) if ok.any() else np.nan, float(1 - ok.mean())))
    return (("lr", "dead", "diverged"),) + tuple(rows)


def loss_curves(entry, rates, he, chosen, **sizes):
    """Rows (step, one column per chosen rate index): the training loss averaged over the seeds."""
    losses, _ = training_runs(entry, rates, he, **sizes)
    per_rate = len(losses) // len(rates)
    cols = [losses[i * per_rate:(i + 1) * per_rate].mean(axis=0) for i in chosen]
    return (("step",) + tuple(f"rate{i}" for i in chosen),) + tuple(
        (s,) + tuple(float(c[s]) for c in cols) for s in range(len(cols[0])))


# ----- regularisation: L1 by subgradient and by proximal steps -----

def soft_threshold(v: float, k: float) -> float:
    """sign(v) max(|v| - k, 0): the proximal map of k |w| (exactly 0 for |v| <= k)."""
    return math.copysign(max(abs(v) - k, 0.0), v) if abs(v) > k else 0.0


def l1_iterates(c, lam, eta, steps, w0=1.0):
    """Rows (step, subgradient, proximal): gradient descent on C(w) = (w - c)^2/2 + lam |w| from w0,
    by subgradient steps w - eta (w - c + lam sign(w)) and by proximal steps
    soft_threshold(w - eta (w - c), eta lam)."""
    sub, prox, rows = w0, w0, [(0, w0, w0)]
    for k in range(1, steps + 1):
        sub = sub - eta * (sub - c + lam * float(np.sign(sub)))
        prox = soft_threshold(prox - eta * (prox - c), eta * lam)
        rows.append((k, sub, prox))
    return (("step", "subgradient", "proximal"),) + tuple(rows)
