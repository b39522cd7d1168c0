"""Symbolic evidence: an identity proved by SymPy, confirmed (or refuted) at sample points."""

from __future__ import annotations

import mpmath
import sympy as sp

from symderiv.verify.numeric import DPS, mp_callable, sample_points


def check_identity(lhs, rhs, var, points=None, tol=1e-25):
    """lhs == rhs for all sampled `var` (other symbols must be substituted already).

    Evidence: whether simplify(lhs - rhs) is 0, the max |lhs - rhs| over the points at DPS digits,
    and the worst point as counterexample when it fails.
    """
    points = sample_points() if points is None else points
    diff = sp.simplify(sp.piecewise_fold(lhs - rhs))
    proved = diff == 0
    fn = mp_callable(lhs - rhs, [var])
    worst, where = 0.0, None
    with mpmath.workdps(DPS):
        for p in points:
            err = float(abs(fn(mpmath.mpf(p))))
            if where is None or err > worst:
                worst, where = err, p
    holds = proved or worst <= tol
    ev = {"holds": holds, "symbolic_difference": diff, "max_abs_error": worst, "worst_input": where,
          "n_points": len(points)}
    if not holds:
        with mpmath.workdps(DPS):
            ev["counterexample"] = {"input": where, "lhs": float(mp_callable(lhs, [var])(mpmath.mpf(where))),
                                    "rhs": float(mp_callable(rhs, [var])(mpmath.mpf(where)))}
    return ev
