"""High-precision references: SymPy expressions evaluated by mpmath, with precision raised
until two evaluations agree (so cancellation in a written form does not fool the reference)."""

from __future__ import annotations

import mpmath
import sympy as sp

from symderiv.numerics.tolerances import AGREE_DIGITS, DPS


def mp_callable(expr, variables):
    """`expr` as an mpmath function of `variables` (Piecewise becomes Python conditionals)."""
    return sp.lambdify(variables, expr, modules="mpmath")


def at(f, row, dps):
    """f at the exact float inputs `row` (as mpf) with `dps` digits; nan where f is undefined."""
    with mpmath.workdps(dps):
        try:
            return +f(*[mpmath.mpf(float(v)) for v in row])
        except (ZeroDivisionError, OverflowError, ValueError):
            return mpmath.nan


def agree(a, b) -> bool:
    """a and b agree to AGREE_DIGITS digits (nan with nan, inf with the same inf, both tiny)."""
    if mpmath.isnan(a) or mpmath.isnan(b):
        return mpmath.isnan(a) and mpmath.isnan(b)
    if mpmath.isinf(a) or mpmath.isinf(b):
        return a == b
    return abs(a - b) <= mpmath.mpf(10) ** -AGREE_DIGITS * abs(b) or (abs(a) < 1e-330 and abs(b) < 1e-330)


def evaluate(refs, pts) -> list:
    """Each reference at each row of `pts` (exact float inputs as mpf), as mpf values (nan where undefined).

    The precision is raised (DPS, 10 DPS, then x4 up to 6400 digits) until two evaluations agree,
    so cancellation (1 - tanh(x)^2 at x = 50, log(1 + exp(-700))) does not fool the reference.
    """
    out = []
    for f in refs:
        col = []
        for row in pts:
            prev, dps = at(f, row, DPS), DPS * 10
            value = at(f, row, dps)
            while not agree(prev, value) and dps < 6400:
                prev, dps = value, dps * 4
                value = at(f, row, dps)
            col.append(value)
        out.append(col)
    return out
