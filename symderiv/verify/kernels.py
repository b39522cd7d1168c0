"""Numeric evidence for the generated NumPy kernels: each elementwise kernel, forward and backward,
against the mpmath-evaluated catalog expression and `derivative(entry, v)` (DPS digits).

Used by `tests/test_kernels.py` (pass/fail with tolerances keyed by dtype) and by
`benchmarks/kernel_accuracy.py` (the table of max ulp errors).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.emit.numpy_kernels import HAND_STRUCTURED, MODULES

DPS = 40
# error allowed, in ulps of max(|reference|, floor); floor = 1 for |x| <= TAIL (absolute near roots),
# 0 beyond (tails must be relatively accurate: softplus'(-50), sigmoid'(-1000) in float32, ...)
ULPS = {"float64": 64, "float32": 16}
TAIL = 8.0
EXTREMES = {"float64": (1e308, 1e300, 1e30, 1000.0, 700.0, 50.0, 20.0, 9.5, 1e-300, 5e-324, 1e-310),
            "float32": (3e38, 1e30, 100.0, 88.0, 50.0, 20.0, 9.5, 1e-30, 1e-45, 1e-40)}


def load_modules(folder: Path, catalog) -> dict:
    """Render the kernel modules into `folder` and import them: {kind: module}."""
    from symderiv.build import BuildContext
    from symderiv.emit.numpy_kernels import numpy_files

    folder = Path(folder)
    mods = {}
    for rel, text in numpy_files(BuildContext(catalog, ())).items():
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
    return [e for e in catalog if e.kind in MODULES and e.name not in HAND_STRUCTURED and "random" not in e.extra]


def grad_vars(entry) -> list:
    if entry.kind == "loss":
        return list(entry.extra.get("inputs", entry.variables[:1]))
    return list(entry.variables) if entry.kind == "activation" else [entry.var]


def points(entry, dtype, n=40, seed=0) -> np.ndarray:
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
    subs = entry.defaults(**(params or {}))
    exprs = [entry.expr] if which == "forward" else [derivative(entry, v) for v in grad_vars(entry)]
    return [sp.lambdify(entry.variables, e.subs(subs), modules="mpmath") for e in exprs]


def ulp_errors(values, refs, x, dtype) -> np.ndarray:
    """|value - ref| in ulps of max(|ref|, floor) in `dtype`; floor = 1 for |x| <= TAIL, else the
    smallest normal number times 2^(mantissa bits) (exp(-100) in float32 is subnormal: its last bits are gone)."""
    with np.errstate(over="ignore"):
        ref_d = np.array([float(r) for r in refs]).astype(dtype)   # rounded to dtype (may be inf)
    vals = np.asarray(values, dtype=np.float64)
    info = np.finfo(dtype)
    tiny = float(info.tiny) * 2.0 ** info.nmant   # results this small have subnormal intermediates
    floor = np.where(np.abs(x) <= TAIL, 1.0, tiny)
    scale = np.maximum(np.abs(ref_d.astype(np.float64)), floor).astype(dtype)
    with np.errstate(all="ignore"):
        err = np.abs(vals - np.array([float(r) for r in refs]))
        err = np.where(vals == ref_d.astype(np.float64), 0.0, err)      # equal after rounding (incl. inf)
        ulp = np.spacing(scale).astype(np.float64)
        out = err / ulp
    return np.where(np.isnan(vals) != np.isnan(ref_d), np.inf, np.nan_to_num(out, nan=0.0, posinf=np.inf))


def _at(f, row, dps):
    with mpmath.workdps(dps):
        try:
            return +f(*[mpmath.mpf(float(v)) for v in row])
        except (ZeroDivisionError, OverflowError, ValueError):
            return mpmath.nan


def _agree(a, b) -> bool:
    if mpmath.isnan(a) or mpmath.isnan(b):
        return mpmath.isnan(a) and mpmath.isnan(b)
    if mpmath.isinf(a) or mpmath.isinf(b):
        return a == b
    return abs(a - b) <= mpmath.mpf(10) ** -25 * abs(b) or (abs(a) < 1e-330 and abs(b) < 1e-330)


def evaluate(refs, pts) -> list:
    """Each reference at each row of `pts` (exact float inputs as mpf), as mpf values (nan where undefined).

    The precision is raised (DPS, 10 DPS, then x4 up to 6400 digits) until two evaluations agree to
    25 digits, so cancellation in a written form (1 - tanh(x)^2 at x = 50, log(1 + exp(-700)))
    does not fool the reference.
    """
    out = []
    for f in refs:
        col = []
        for row in pts:
            prev, dps = _at(f, row, DPS), DPS * 10
            value = _at(f, row, dps)
            while not _agree(prev, value) and dps < 6400:
                prev, dps = value, dps * 4
                value = _at(f, row, dps)
            col.append(value)
        out.append(col)
    return out


def conditions(refs_fn, pts) -> np.ndarray:
    """|x f'(x) / f(x)| per row (first variable) for tail points |x| > TAIL, 1 elsewhere (mpmath.diff).

    An intermediate rounded to relative eps (x/sqrt(2) in erfc) moves a result by cond * eps, so
    tail tolerances are in ulps times max(1, cond): gelu(-20) has cond ~ 400.
    """
    out = np.ones(len(pts))
    with mpmath.workdps(DPS * 10):   # the written form may cancel (1 + erf(-14)): as in `evaluate`
        for i, row in enumerate(pts):
            x0 = float(row[0])
            if not (TAIL < abs(x0) < 1e6):
                continue
            rest = [mpmath.mpf(float(v)) for v in row[1:]]
            try:
                f = refs_fn(mpmath.mpf(x0), *rest)
                d = mpmath.diff(lambda u: refs_fn(u, *rest), mpmath.mpf(x0))
                out[i] = max(1.0, float(abs(x0 * d / f))) if f != 0 else 1.0
            except (ZeroDivisionError, OverflowError, ValueError):
                pass
    return out


def kernel_errors(mods, entry, dtype) -> dict:
    """{"forward": (max ulps, max ulps / max(1, cond), worst input row), "backward": ...} for one kernel."""
    mod = mods[entry.kind]
    pts = points(entry, dtype)
    cols = [pts[:, i] for i in range(pts.shape[1])]
    fwd_fn, bwd_fn = getattr(mod, entry.name), getattr(mod, entry.name + "_backward")
    extra = {"reduction": "none"} if entry.kind in ("loss", "regularizer") else {}
    result = {}
    for which in ("forward", "backward"):
        fns = references(entry, which)
        refs = evaluate(fns, pts)
        if which == "forward":
            got = [fwd_fn(*cols, **extra)]
        else:
            got = bwd_fn(np.ones_like(cols[0]), *cols, **extra)
            got = list(got) if isinstance(got, tuple) else [got]
            got = got[:len(refs)]
        worst = (0.0, 0.0, None)
        for fn, vals, ref in zip(fns, got, refs):
            assert np.asarray(vals).dtype == np.dtype(dtype), f"{entry.name} {which}: dtype {np.asarray(vals).dtype}"
            errs = ulp_errors(vals, ref, cols[0], dtype)
            scaled = errs / conditions(fn, pts)
            i = int(np.argmax(scaled))
            if scaled[i] >= worst[1]:
                worst = (float(errs.max()), float(scaled[i]), tuple(float(v) for v in pts[i]))
        result[which] = worst
    return result
