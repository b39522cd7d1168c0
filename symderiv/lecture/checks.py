"""Checks the lecture documents use in their claims: exact equality of expressions in several
symbols, and Monte Carlo estimates against an exact value with a stated tolerance.

Each returns an evidence dict (see `symderiv.verify.claims`).
"""

from __future__ import annotations

import sympy as sp

POINTS = (sp.Rational(3, 7), sp.Rational(-5, 3), sp.Rational(11, 5), sp.Rational(7, 2))


def _sample(symbols, k):
    """Rational values for `symbols` (positive where the symbol is positive)."""
    vals = {}
    for i, s in enumerate(sorted(symbols, key=str)):
        v = POINTS[(i + k) % len(POINTS)]
        vals[s] = abs(v) if (s.is_positive or s.is_nonnegative) else v
    return vals


def equal(lhs, rhs, assume=None) -> dict:
    """lhs == rhs: proved when simplify(lhs - rhs) is 0 (the evidence then has no numeric error);
    otherwise tested at rational points.

    `assume` substitutes values first (e.g. t_3 = 1 - t_1 - t_2). A counterexample is a point
    where the two differ.
    """
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    if assume:
        lhs, rhs = lhs.subs(assume), rhs.subs(assume)
    diff = sp.simplify(lhs - rhs)
    if isinstance(diff, sp.MatrixBase):
        proved = all(d == 0 for d in diff)
    else:
        proved = diff == 0
    if proved:      # a proof needs no numeric residual (and the notes print none)
        return {"holds": True, "proved_symbolically": True}
    free = sorted((lhs - rhs).free_symbols, key=str)
    worst, where = 0.0, {}
    for k in range(len(POINTS)):
        point = _sample(free, k)
        d = sp.N((lhs - rhs).subs(point), 30)
        size = max(abs(complex(v)) for v in (d if isinstance(d, sp.MatrixBase) else [d]))
        if size >= worst:
            worst, where = size, point
    holds = worst < 1e-25
    ev = {"holds": holds, "proved_symbolically": proved, "max_abs_error": worst,
          "n_points": len(POINTS)}
    if not holds:
        ev["counterexample"] = {str(k): v for k, v in where.items()} | {
            "lhs": sp.N(lhs.subs(where), 8), "rhs": sp.N(rhs.subs(where), 8)}
    return ev


def monte_carlo(estimate: float, exact: float, std_error: float, n: int, seed: int, z: float = 5.0) -> dict:
    """|estimate - exact| <= z standard errors (the tolerance); evidence names all four numbers."""
    err = abs(estimate - exact)
    holds = err <= z * std_error
    ev = {"holds": holds, "estimate": estimate, "exact": float(exact), "abs_error": err,
          "allowed_error": f"{z:g} standard errors = {z * std_error:.3g}", "n_samples": n, "seed": seed}
    if not holds:
        ev["counterexample"] = {"estimate": estimate, "exact": float(exact), "seed": seed}
    return ev
