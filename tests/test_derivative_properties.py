"""Property tests: derivatives hold for parameter values and inputs drawn by hypothesis, not just defaults."""

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symderiv.calculus.derivative import derivative
from symderiv.catalog import load_catalog
from symderiv.verify import numeric

CAT = load_catalog()
SCALAR = [e for e in CAT if e.kind == "activation" and not e.is_vector and len(e.variables) == 1]


def _param_strategy(p):
    lo = -2.0 if p.low is None else max(p.low, -2.0)
    hi = 3.0 if p.high is None else min(p.high, 3.0)
    lo = lo + 0.05 if p.open_low or p.low == 0 else lo
    return st.floats(lo, hi, allow_nan=False).map(lambda v: round(v, 3))


@pytest.mark.parametrize("entry", SCALAR, ids=lambda e: e.name)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_derivative_matches_mpmath_for_drawn_params(entry, data):
    values = {p.name: data.draw(_param_strategy(p), label=p.name) for p in entry.symbolic_params}
    if entry.name == "hardtanh" and values["min_val"] >= values["max_val"]:
        values["min_val"], values["max_val"] = -1.0, 1.0
    subs = entry.defaults(**values)
    kinks = [sp.sympify(k.at).subs(subs) for k in entry.kinks]
    point = data.draw(st.floats(-8, 8, allow_nan=False), label="x")
    assume(all(abs(point - float(k)) >= 1e-3 for k in kinks))
    ev = numeric.check_derivative(entry.expr.subs(subs), derivative(entry).subs(subs), entry.var, [point])
    assert ev["max_rel_error_mpmath"] < 1e-20, ev


@pytest.mark.parametrize("entry", [e for e in SCALAR if e.kinks], ids=lambda e: e.name)
def test_kink_value_is_a_one_sided_limit_or_between(entry):
    subs = entry.defaults()
    d = derivative(entry).subs(subs)
    raw = sp.diff(entry.expr, entry.var).subs(subs)
    for k in entry.kinks:
        at = sp.sympify(k.at).subs(subs)
        left, right = numeric.one_sided(raw, entry.var, at)
        with mpmath.workdps(30):
            lo, hi = sorted([float(left), float(right)])
        assert lo - 1e-12 <= float(d.subs(entry.var, at)) <= hi + 1e-12
