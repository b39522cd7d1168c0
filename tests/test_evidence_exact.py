"""`evidence.exactly_zero`, the cheap exact proof tried before `simplify`: it proves identities, never
a perturbed one, and a claim's symbolic evidence is 0 exactly when the difference is proved zero."""

import pytest
import sympy as sp

from symderiv.verify.evidence import check_identity, exactly_zero

x, a = sp.symbols("x a", real=True)
sigma = 1 / (1 + sp.exp(-x))

IDENTITIES = [
    sp.tanh(x) - (2 / (1 + sp.exp(-2 * x)) - 1),                 # simplify leaves this one as it is
    sp.diff(sigma, x) - sigma * (1 - sigma),
    sp.cosh(x) ** 2 - sp.sinh(x) ** 2 - 1,
    sp.Piecewise((x - x, x < 0), (a * (x + 1) - a * x - a, True)),
    (a + x) ** 3 - (a**3 + 3 * a**2 * x + 3 * a * x**2 + x**3),
]
PERTURBED = [
    sp.tanh(x) - (2 / (1 + sp.exp(-2 * x)) - 1) + sp.Rational(1, 10**30),
    sp.diff(sigma, x) - sigma * (1 - sigma) * (1 + sp.Rational(1, 10**6)),
    sp.cosh(x) ** 2 - sp.sinh(x) ** 2,
    sp.Piecewise((0, x < 0), (a * (x + 1) - a * x, True)),          # one branch off
    (a + x) ** 3 - (a**3 + 3 * a**2 * x + 3 * a * x**2 + x**2),
]


@pytest.mark.parametrize("expr", IDENTITIES)
def test_identities_are_proved(expr):
    assert exactly_zero(expr)


@pytest.mark.parametrize("expr", PERTURBED)
def test_perturbed_identities_are_not(expr):
    assert not exactly_zero(expr)
    assert sp.simplify(expr) != 0          # and they are indeed not identities


def test_identity_evidence_is_zero_and_a_perturbed_one_is_refuted():
    ev = check_identity(sp.tanh(x), 2 / (1 + sp.exp(-2 * x)) - 1, x)
    assert ev["holds"] and ev["symbolic_difference"] == 0
    bad = check_identity(sp.tanh(x), 2 / (1 + sp.exp(-2 * x)) - 1 + sp.Rational(1, 10**6), x)
    assert not bad["holds"] and "counterexample" in bad
