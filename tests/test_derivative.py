"""Derivatives: kink conventions, readable forms, and the checker catching wrong derivatives."""

import pytest
import sympy as sp

from symderiv.calculus.derivative import derivative, output_form
from symderiv.catalog import load_catalog
from symderiv.symbols import x
from symderiv.verify import numeric

CAT = load_catalog()


def at(name, value, **params):
    e = CAT.get(name)
    return derivative(e).subs(e.defaults(**params)).subs(x, value)


@pytest.mark.parametrize("name,point,expected", [
    ("relu", 0, 0), ("relu", 1, 1), ("relu", -1, 0),
    ("leaky_relu", 0, sp.Rational(1, 100)),
    ("elu", 0, 1), ("hardtanh", 1, 0), ("hardtanh", -1, 0), ("hardtanh", sp.Rational(1, 2), 1),
    ("hardswish", -3, 0), ("hardswish", 3, 1),   # torch 2.13: hardswish grad at [-3., 3.] is [0., 1.]
    ("hardsigmoid", 3, 0), ("relu6", 6, 0),
])
def test_pytorch_kink_values(name, point, expected):
    assert sp.simplify(at(name, point) - expected) == 0


def test_elu_kink_follows_alpha():
    assert at("elu", 0, alpha=0.5) == sp.Rational(1, 2)


def test_no_distributions_anywhere():
    for e in CAT:
        if e.kind != "initializer":
            assert not sp.sympify(derivative(e)).has(sp.DiracDelta, sp.Heaviside), e.name


def test_readable_forms():
    f = sp.Symbol("f")
    assert sp.expand(output_form(CAT.get("sigmoid")) - f * (1 - f)) == 0
    assert sp.expand(output_form(CAT.get("tanh")) - (1 - f**2)) == 0
    assert derivative(CAT.get("softsign")) == 1 / (1 + sp.Abs(x)) ** 2


def test_checker_catches_wrong_derivative():
    s = CAT.get("sigmoid").expr
    wrong = s * (1 + s)                       # sign slip in sigma(1 - sigma)
    ev = numeric.check_derivative(s, wrong, x, numeric.sample_points())
    assert not ev["holds"] and ev["counterexample"]["claimed"] != ev["counterexample"]["reference"]
    subtle = derivative(CAT.get("sigmoid")) * (1 + sp.Rational(1, 10**12))   # 1e-12 relative error
    assert not numeric.check_derivative(s, subtle, x, numeric.sample_points())["holds"]


def test_checker_accepts_right_derivative():
    s = CAT.get("sigmoid").expr
    assert numeric.check_derivative(s, s * (1 - s), x, numeric.sample_points())["holds"]


def test_wrong_kink_value_is_refused():
    e = CAT.get("relu")
    ev = numeric.check_kink(sp.diff(e.expr, x), x, 0, 2)
    assert not ev["holds"] and "counterexample" in ev
