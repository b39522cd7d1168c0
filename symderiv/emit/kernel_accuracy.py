"""Numeric evidence for the generated NumPy kernels: each elementwise kernel, forward and backward,
against the mpmath-evaluated catalog expression and `derivative(entry, v)` (DPS digits).

Used by `tests/test_kernels.py` (pass/fail with tolerances keyed by dtype) and by
`benchmarks/kernel_accuracy.py` (the table of max ulp errors).
"""

from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.numerics.mp_eval import evaluate
from symderiv.numerics.tolerances import DPS, TAIL, ULPS  # noqa: F401  (ULPS, TAIL: the tests' tolerances)
from symderiv.numerics.ulp import ulp_errors
from symderiv.emit.numpy_kernels import MODULES, numpy_files

EXTREMES = {"float64": (1e308, 1e300, 1e30, 1000.0, 700.0, 50.0, 20.0, 9.5, 1e-300, 5e-324, 1e-310),
            "float32": (3e38, 1e30, 100.0, 88.0, 50.0, 20.0, 9.5, 1e-30, 1e-45, 1e-40)}


def load_modules(folder: Path, catalog) -> dict:
    """Render the kernel modules into `folder` and import them: {kind: module}."""
    return import_modules(folder, numpy_files(catalog, "# kernels rendered for measurement"))


def import_modules(folder: Path, files: dict) -> dict:
    """Write the kernel modules of `files` ({numpy/KIND.py: text}, as a build emits them) into
    `folder` and import them: {kind: module}."""
    folder = Path(folder)
    mods = {}
    for rel, text in files.items():
        if rel not in MODULES.values():
            continue
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for kind, rel in MODULES.items():
        name = f"_symderiv_kernels_{kind}_{abs(hash(str(folder)))}"
        spec = importlib.util.spec_from_file_location(name, folder / rel)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        mods[kind] = mod
    return mods


def elementwise(catalog) -> list:
    """Entries whose kernels are generic elementwise ones (not hand-structured, not random)."""
    return [e for e in catalog if e.kind in MODULES and "axis" not in e.extra and "random" not in e.extra]


def grad_vars(entry) -> list:
    return list(entry.gradient_variables)


def points(entry, dtype, n=8, seed=0) -> np.ndarray:
    """Input points (rows: one value per variable): random, at and next to kinks, extremes, +-0."""
    rng = np.random.default_rng(seed)
    nv = len(entry.variables)
    kinks = sorted({float(sp.sympify(k.at).subs(entry.defaults())) for k in entry.kinks
                    if sp.sympify(k.at).subs(entry.defaults()).is_number})
    base = [*(3 * rng.standard_normal(n)), 0.0, -0.0]
    for k in kinks:
        base += [k, float(np.nextafter(np.array(k, dtype), np.inf)), float(np.nextafter(np.array(k, dtype), -np.inf))]
    base += [s * v for v in EXTREMES[dtype] for s in (1, -1)]
    cols = [np.array(base, dtype=dtype)]
    for _ in range(nv - 1):   # loss targets / second maxout input
        other = rng.uniform(0, 1, len(base)) if entry.kind == "loss" else 3 * rng.standard_normal(len(base))
        cols.append(other.astype(dtype))
    if entry.name == "maxout":   # ties, where the kink convention decides
        cols[1][: n // 4] = cols[0][: n // 4]
    return np.stack(cols, axis=1)


def references(entry, which="forward", params=None):
    """mpmath callables of the entry's expression (or its derivatives), parameters at `params`/defaults."""
    return [sp.lambdify(entry.variables, e, modules="mpmath") for e in _exprs(entry, which, params)]


def _exprs(entry, which, params=None):
    subs = entry.defaults(**(params or {}))
    exprs = [entry.expr] if which == "forward" else [derivative(entry, v) for v in grad_vars(entry)]
    return [e.subs(subs) for e in exprs]


@lru_cache(maxsize=None)
def reference_table(entry, dtype) -> tuple:
    """(points, {which: [(mpmath values, condition numbers) per result]}), computed once per process."""
    pts = points(entry, dtype)
    table = {}
    for which in ("forward", "backward"):
        exprs = _exprs(entry, which)
        fns = [sp.lambdify(entry.variables, e, modules="mpmath") for e in exprs]
        table[which] = [(vals, _conditions(e, entry, pts)) for e, vals in zip(exprs, evaluate(fns, pts))]
    return pts, table


def _conditions(expr, entry, pts) -> np.ndarray:
    """|x f'(x) / f(x)| (first variable, f' by SymPy) at tail points |x| > TAIL, 1 elsewhere.

    An intermediate rounded to relative eps (x/sqrt(2) in erfc) moves a result by cond * eps, so
    tail tolerances are in ulps times max(1, cond): gelu(-20) has cond ~ 400."""
    x = entry.variables[0]
    tail = [i for i, row in enumerate(pts) if TAIL < abs(float(row[0])) < 1e6]
    out = np.ones(len(pts))
    if not tail:
        return out
    slope = sp.diff(expr, x).replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)   # off the kinks
    d, f = evaluate([sp.lambdify(entry.variables, e, modules="mpmath") for e in (slope, expr)], pts[tail])
    for i, di, fi in zip(tail, d, f):
        if mpmath.isfinite(di) and mpmath.isfinite(fi) and fi != 0:
            out[i] = max(1.0, float(abs(float(pts[i][0]) * di / fi)))
    return out


def kernel_errors(mods, entry, dtype) -> dict:
    """{"forward": (max ulps, max ulps / max(1, cond), worst input row), "backward": ...} for one kernel."""
    mod = mods[entry.kind]
    pts, table = reference_table(entry, dtype)
    cols = [pts[:, i] for i in range(pts.shape[1])]
    fwd_fn, bwd_fn = getattr(mod, entry.name), getattr(mod, entry.name + "_backward")
    extra = {"reduction": "none"} if entry.kind in ("loss", "regularizer") else {}
    result = {}
    for which, refs in table.items():
        if which == "forward":
            got = [fwd_fn(*cols, **extra)]
        else:
            got = bwd_fn(np.ones_like(cols[0]), *cols, **extra)
            got = (list(got) if isinstance(got, tuple) else [got])[:len(refs)]
        worst = (0.0, 0.0, None)
        for vals, (ref, cond) in zip(got, refs):
            assert np.asarray(vals).dtype == np.dtype(dtype), f"{entry.name} {which}: dtype {np.asarray(vals).dtype}"
            errs = ulp_errors(vals, ref, cols[0], dtype)
            scaled = errs / cond
            i = int(np.argmax(scaled))
            if scaled[i] >= worst[1]:
                worst = (float(errs.max()), float(scaled[i]), tuple(float(v) for v in pts[i]))
        result[which] = worst
    return result


FROM_OUTPUT_REGIONS = ((-4.0, 4.0), (-20.0, -4.0), (4.0, 20.0), (-40.0, -20.0), (20.0, 40.0))


def from_output_errors(mods, entry, dtype, per_region=41) -> dict:
    """{(low, high): max relative error} of NAME_backward_from_output(1, NAME(x)) against f'(x) by mpmath.

    The relative error of f' is what a saturated output loses: sigmoid's f(1 - f) once f rounds to 1."""
    mod = mods[entry.kind]
    f, bo = getattr(mod, entry.name), getattr(mod, entry.name + "_backward_from_output")
    ref_fn = references(entry, "backward")[0]
    out = {}
    for low, high in FROM_OUTPUT_REGIONS:
        x = np.linspace(low, high, per_region).astype(dtype)
        got = bo(np.ones_like(x), f(x)).astype(np.float64)
        ref = np.array([float(v) for v in evaluate([ref_fn], x[:, None])[0]])
        with np.errstate(all="ignore"):
            rel = np.where(ref == got, 0.0, np.abs(got - ref) / np.abs(ref))
        out[(low, high)] = float(np.nanmax(rel))
    return out
