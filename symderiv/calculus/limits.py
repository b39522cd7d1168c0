"""Limits at +-oo, exactly: direct substitution where it is sound, else SymPy's `limit` (gruntz).

SymPy's arithmetic on the extended reals gives nan for every indeterminate form (oo - oo, 0*oo,
oo/oo), and its exp, log, tanh, erf, ... evaluate at +-oo to their limits. So where `expr` is
built from such continuous operations, `expr.subs(var, +-oo)` that comes out a real number or
+-oo is the limit; a nan, an interval or an unevaluated result falls back to `sympy.limit`. A power
whose exponent depends on `var` always falls back: SymPy evaluates oo**0 and 1**oo to 1 by
rule, while x**(1/log(x)) tends to e. Substitution takes microseconds where gruntz takes tens of
milliseconds per limit (tests/test_limits.py checks both agree on every activation).

    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> at_infinity(1 / (1 + sp.exp(-x)), x, 1), at_infinity(x * sp.exp(x), x, -1)
    (1, 0)
"""

from __future__ import annotations

import sympy as sp


def substituted(expr, var, sign):
    """expr at var = sign*oo by substitution, or None where that is not the limit (see above)."""
    if any(isinstance(p, sp.Pow) and p.exp.has(var) for p in sp.preorder_traversal(expr)):
        return None
    value = expr.subs(var, sign * sp.oo)
    if value.is_number and value.is_extended_real and not value.has(sp.nan, sp.zoo, sp.AccumBounds):
        return value
    return None


def at_infinity(expr, var, sign):
    """lim expr as var -> sign*oo (sign +1 or -1)."""
    value = substituted(expr, var, sign)
    return value if value is not None else sp.limit(expr, var, sign * sp.oo)
