"""Numeric evidence: a derivative against mpmath's high-precision differentiation and float64
central differences, exact values at kinks, one-sided limits, limits at +-inf.

Every check returns an evidence dict (see `symderiv.verify.claims`).
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from symderiv.calculus.limits import at_infinity
from symderiv.numerics.mp_eval import mp_callable
from symderiv.numerics.tolerances import DPS, FD_TOL, KINK_MARGIN, REF_TOL


def sample_points(kinks=(), n=48, seed=0):
    """Deterministic points: a grid over [-6, 6], a few large ones, seeded normals; away from kinks."""
    rng = np.random.default_rng(seed)
    pts = np.concatenate([np.linspace(-6, 6, 25) + 0.0123, [-40.5, -15.25, 15.25, 40.5], 3 * rng.standard_normal(n)])
    kinks = [float(k) for k in kinks]
    return [float(p) for p in pts if all(abs(p - k) > KINK_MARGIN for k in kinks)]


def check_derivative(f, d, var, points, others=None):
    """Compare the claimed derivative `d` of `f` (both SymPy, no free parameters) with references.

    `others` fixes any further variables (e.g. the loss target). Reference 1: mpmath.diff of f at
    DPS digits. Reference 2: float64 central differences with step cbrt(eps) * max(1, |x|).
    """
    others = others or {}
    f, d = f.subs(others), d.subs(others)
    fm, dm = mp_callable(f, [var]), mp_callable(d, [var])
    f64 = sp.lambdify([var], f, modules="math")
    worst = {"ref": (0.0, None), "fd": (0.0, None)}
    skipped_fd = []
    with mpmath.workdps(DPS):
        for p in points:
            claimed = dm(mpmath.mpf(p))
            ref = mpmath.diff(fm, mpmath.mpf(p))
            err = float(abs(claimed - ref) / max(1, abs(ref)))
            if err > worst["ref"][0] or worst["ref"][1] is None:
                worst["ref"] = (err, p)
            h = np.cbrt(np.finfo(float).eps) * max(1.0, abs(p))
            try:
                fd = (f64(p + h) - f64(p - h)) / (2 * h)
            except (ValueError, OverflowError, ZeroDivisionError):  # float64 cannot evaluate f here
                skipped_fd.append(p)
                continue
            # rounding in f(p +- h) contributes eps * |f| / h, so the tolerance scales with |f(p)|
            fd_err = abs(float(claimed) - fd) / max(1.0, abs(fd), abs(f64(p)))
            if fd_err > worst["fd"][0] or worst["fd"][1] is None:
                worst["fd"] = (fd_err, p)
    holds = worst["ref"][0] <= REF_TOL and worst["fd"][0] <= FD_TOL
    evidence = {
        "holds": holds, "n_points": len(points),
        "max_rel_error_mpmath": worst["ref"][0], "worst_input": worst["ref"][1],
        "max_rel_error_fd": worst["fd"][0], "worst_input_fd": worst["fd"][1],
        "fd_skipped_inputs": skipped_fd,
        "tolerance": {"mpmath": REF_TOL, "fd": FD_TOL, "dps": DPS},
    }
    if not holds:
        p = worst["ref"][1] if worst["ref"][0] > REF_TOL else worst["fd"][1]
        with mpmath.workdps(DPS):
            evidence["counterexample"] = {
                "input": p, "claimed": float(dm(mpmath.mpf(p))), "reference": float(mpmath.diff(fm, mpmath.mpf(p)))}
    return evidence


def branch(expr, var, point):
    """`expr` with every Piecewise replaced by its piece that holds at the number `point`."""
    def pick(pw):
        for e, c in pw.args:
            if c.subs(var, point) == sp.true:
                return e
        raise ValueError(f"no piece of {pw} holds at {var} = {point}")
    return expr.replace(lambda e: isinstance(e, sp.Piecewise), pick)


def one_sided(d, var, at):
    """(left, right) limits of `d` at `at` (SymPy's limit of the piece that holds on each side)."""
    eps = sp.Rational(1, 10**30)
    return tuple(sp.limit(branch(d, var, at + s * eps), var, at, "-" if s < 0 else "+") for s in (-1, 1))


def check_kink(d_raw, var, at, value):
    """`value` lies between the one-sided limits of the derivative `d_raw` at `at` (a subgradient)."""
    left, right = one_sided(d_raw, var, at)
    lo, hi = sorted([left, right], key=float)
    holds = bool(float(lo) - 1e-15 <= float(value) <= float(hi) + 1e-15)
    ev = {"holds": holds, "at": at, "declared": value, "left_limit": left, "right_limit": right,
          "is_kink": sp.simplify(left - right) != 0}
    if not holds:
        ev["counterexample"] = {"input": at, "declared": value, "limits": [left, right]}
    return ev


def nonsmooth_points(expr, var):
    """Candidate points where `expr` (parameters substituted) may fail to be differentiable in `var`."""
    pts = set()
    for rel in expr.atoms(sp.Rel):
        if rel.has(var):
            pts.update(sp.solve(sp.Eq(rel.lhs, rel.rhs), var))
    for a in expr.atoms(sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min):
        for arg in a.args:
            if arg.has(var):
                pts.update(sp.solve(arg, var))
    return sorted((p for p in pts if p.is_real), key=float)


def check_limit(f, var, direction, claimed=None):
    """The limit of f at +-inf (`calculus.limits.at_infinity`, or `claimed`) against mpmath's value of f
    at +-1e12 (DPS digits)."""
    lim = at_infinity(branch(f, var, direction * 10**100), var, direction) if claimed is None else claimed
    fm = mp_callable(f, [var])
    with mpmath.workdps(DPS):
        far = fm(mpmath.mpf(direction * 1e12))
    if lim.is_infinite:
        holds = bool(far * (1 if lim == sp.oo else -1) > 1e6)
    else:
        holds = float(abs(far - float(lim))) <= 1e-6 * max(1, abs(float(lim)))
    ev = {"holds": holds, "limit": lim, "value_at_1e12": float(far)}
    if not holds:
        ev["counterexample"] = {"input": direction * 1e12, "value": float(far), "limit": lim}
    return ev
