"""Identities stated by the seed documents, as claims proved by SymPy and checked numerically."""

from __future__ import annotations

import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.symbols import x
from symderiv.verify.claims import Claim
from symderiv.verify.evidence import check_identity

SEED_000 = "000_c3a709bf01eb5bcf.txt"
SEED_001 = "001_10d942a10df8e8ce.txt"
SEED_004 = "004_60e4e0c29def9815.txt"


def _negative_points():
    return [-6 + 0.37 * i for i in range(16)]


def identity_claims(catalog):
    g = catalog.get
    sigma = g("sigmoid").expr
    elu, relu, leaky = g("elu"), g("relu"), g("leaky_relu")
    alpha = elu.param("alpha").symbol
    return [
        Claim("identity.tanh_sigmoid", "tanh(z) = 2 sigma(2z) - 1", "symbolic: lhs - rhs == 0 (written in exp, cancelled)",
              lambda: check_identity(sp.tanh(x), 2 * sigma.subs(x, 2 * x) - 1, x),
              source=SEED_004, quote=r"&= 2\delta(2z) - 1"),
        Claim("identity.softplus_derivative", "softplus'(z) = sigma(z) (beta = 1)", "symbolic",
              lambda: check_identity(derivative(g("softplus")).subs(g("softplus").defaults()), sigma, x),
              source=SEED_004, quote=r"\text{softplus}'(z) = \frac{1}{1 + e^{(-z)}}"),
        Claim("identity.elu_derivative_negative", "elu'(z) = elu(z) + alpha for z < 0 (checked at alpha = 1/2)",
              "symbolic and numeric on z < 0",
              lambda: check_identity(derivative(elu).subs(elu.defaults(alpha=0.5)),
                                     (elu.expr + alpha).subs(elu.defaults(alpha=0.5)), x, _negative_points()),
              source=SEED_004, quote=r"elu(z) + \alpha & : z < 0"),
        Claim("identity.leaky_relu_decomposition", "LeakyReLU(x) = (1 + alpha) ReLU(x) - alpha |x|",
              "symbolic (piecewise) and numeric at negative_slope = 1/100",
              lambda: check_identity(leaky.expr.subs(leaky.defaults()),
                                     ((1 + sp.Rational(1, 100)) * relu.expr - sp.Abs(x) / 100), x),
              source=SEED_000, quote=r"&=(1+\alpha )Relu(x)- \alpha|x|"),
        Claim("identity.relu_scale_invariance", "relu(a x) = a relu(x) for every a >= 0 and every x",
              "symbolic, by cases: a = 0, and a > 0 with x = u, x = -u (u > 0) and x = 0",
              lambda: _scale_invariance(relu.expr),
              source=SEED_004, quote=r"\max(0, \alpha x) = \alpha \max(0, x)"),
        Claim("identity.sigmoid_derivative_max", "sigma'(z) <= 1/4 with equality at z = 0", "symbolic: the only "
              "critical point of sigma' is 0, where sigma'' changes sign and sigma' = 1/4",
              lambda: _sigmoid_max(g("sigmoid")), source=SEED_001, quote="The sigmoid's best case derivative "
              "adds a factor of 0.25 (when x=0,y=0.5)"),
    ]


def derivative_form_claims(catalog):
    """Derivatives in the form a person writes, proved equal to what SymPy derived."""
    from symderiv.symbols import t, xs, y

    g = catalog.get
    sigma = g("sigmoid").expr
    bce = g("binary_cross_entropy_with_logits")
    soft = g("softmax")
    jac = derivative(soft, xs[0])
    return [
        Claim("form.bce_with_logits_gradient", "d BCE(sigmoid(y), t) / dy = sigma(y) - t", "symbolic",
              lambda: check_identity(derivative(bce).subs(t, sp.Rational(3, 10)),
                                     sigma.subs(x, y) - sp.Rational(3, 10), y)),
        Claim("form.softmax_jacobian", "d s_i / d x_1 = s_i (delta_i1 - s_1) for softmax s (K = 3)",
              "symbolic, each component; numeric at x_2 = 0.3, x_3 = -0.7",
              lambda: _all_hold([check_identity(
                  (jac[i] - soft.expr[i] * ((1 if i == 0 else 0) - soft.expr[0])).subs({xs[1]: sp.Rational(3, 10), xs[2]: sp.Rational(-7, 10)}),
                  sp.S.Zero, xs[0]) for i in range(3)])),
    ]


def _all_hold(evidences):
    ev = {"holds": all(e["holds"] for e in evidences),
          "max_abs_error": max(e["max_abs_error"] for e in evidences), "components": len(evidences)}
    bad = [e for e in evidences if not e["holds"]]
    if bad:
        ev["counterexample"] = bad[0]["counterexample"]
    return ev


def _sigmoid_max(entry):
    d = sp.diff(entry.expr, x)
    crit = sp.solve(sp.diff(d, x), x)
    at0 = sp.simplify(d.subs(x, 0))
    ends = [sp.limit(d, x, sp.oo), sp.limit(d, x, -sp.oo)]
    holds = crit == [0] and at0 == sp.Rational(1, 4) and all(e < at0 for e in ends)
    ev = {"holds": holds, "critical_points": crit, "value_at_0": at0, "limits_at_inf": ends}
    if not holds:
        ev["counterexample"] = {"critical_points": crit}
    return ev


def _scale_invariance(f):
    """f(a x) = a f(x) for a >= 0, proved by cases on a (0 or positive) and on the sign of x (SymPy)."""
    a, u = sp.Symbol("a", positive=True), sp.Symbol("u", positive=True)
    cases = {"a=0": f.subs(x, 0 * x) - 0 * f}
    for name, xv in (("x=u", u), ("x=-u", -u), ("x=0", sp.S.Zero)):
        cases[f"a>0,{name}"] = f.subs(x, a * xv) - a * f.subs(x, xv)
    diffs = {k: sp.simplify(d) for k, d in cases.items()}
    bad = {k: d for k, d in diffs.items() if d != 0}
    ev = {"holds": not bad, "cases": diffs}
    if bad:
        ev["counterexample"] = {"case": sorted(bad)[0], "difference": bad[sorted(bad)[0]]}
    return ev
