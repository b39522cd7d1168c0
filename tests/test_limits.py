"""Limits at +-oo: substitution where it is sound, SymPy's limit (gruntz) as the reference."""

import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.calculus.limits import at_infinity, substituted
from symderiv.catalog import load_catalog
from symderiv.verify.numeric import branch

x = sp.Symbol("x", real=True)


def _agree(a, b) -> bool:
    if a.is_infinite or b.is_infinite:
        return a == b
    return abs(sp.N(a - b, 40)) <= sp.Float("1e-30") * max(1, abs(sp.N(b, 40)))


def test_substitution_agrees_with_gruntz_on_every_activation(bundled_build):   # its read-back: the derivatives
    """f and f' at the defaults, at -oo and +oo, for every single-input activation; the defaults'
    Floats come back from sympy.limit as Rationals, hence the comparison to 30 digits."""
    substituted_here = 0
    for e in load_catalog().of_kind("activation"):
        if e.is_vector:
            continue
        s = e.defaults()
        for expr in (e.expr.subs(s), derivative(e).subs(s)):
            for sign in (-1, 1):
                far = branch(expr, e.var, sign * 10**6)
                value = substituted(far, e.var, sign)
                if value is not None:
                    substituted_here += 1
                    assert _agree(value, sp.limit(far, e.var, sign * sp.oo)), (e.name, sign, value)
    assert substituted_here >= 60


def test_a_variable_exponent_is_left_to_gruntz():
    """(x+1)**(1/log x) tends to e, but substitution evaluates oo**0 to 1 by rule."""
    expr = (x + 1) ** (1 / sp.log(x))
    assert expr.subs(x, sp.oo) == 1
    assert substituted(expr, x, 1) is None and at_infinity(expr, x, 1) == sp.E


def test_indeterminate_forms_fall_back():
    for expr, sign, limit in ((x * sp.exp(-x), 1, 0), (sp.log(1 + sp.exp(x)) - x, 1, 0), (x / (1 + sp.exp(-x)), -1, 0)):
        assert substituted(expr, x, sign) is None
        assert at_infinity(expr, x, sign) == limit
