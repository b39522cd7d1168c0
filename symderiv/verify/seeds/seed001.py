"""Seed 001 (Q&A thread, Japanese/English; formulas lost their symbols in extraction).

The asker's chains and the answer's layer equations are claims of `symderiv.verify.backprop_claims`
(issue 4); this module adds the thread's remaining statements. The extracted formulas lost minus
signs, fraction bars and exponents ("(y1y)" is y(1 - y)); each statement says how it was read.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.symbols import x
from symderiv.verify.numeric import one_sided
from symderiv.verify.evidence import all_of, check_equal, relu_chain_slope, seed_claim
from symderiv.verify.evidence import check_identity

S = "001"


def claims(catalog):
    g = catalog.get
    relu, sig = g("relu"), g("sigmoid")
    r, yt, u = sp.symbols("r y U", real=True)
    rs, ys = sp.symbols("r_1:4", real=True), sp.symbols("y_1:4", real=True)

    def step_at_zero():
        left, right = one_sided(sp.diff(relu.expr, x), x, 0)
        choices = {"seed (1)": 1, "catalog/PyTorch (0)": derivative(relu).subs(x, 0), "0.5": sp.Rational(1, 2)}
        within = {k: bool(min(left, right) <= v <= max(left, right)) for k, v in choices.items()}
        return {"holds": all(within.values()), "one_sided": [left, right], "valid_subgradient": within}

    def cost_derivative():
        C = (yt - r) ** 2 / 2
        expanded = sp.diff(sp.expand(C), r)
        chain = sp.diff(u**2 / 2, u).subs(u, yt - r) * sp.diff(yt - r, r)       # dC/dU dU/dr, U = y - r
        return all_of(expanded=check_equal(expanded, r - yt, [r, yt]), chain_rule=check_equal(chain, r - yt, [r, yt]))

    def output_layer():
        C = sum((a - b) ** 2 for a, b in zip(ys, rs)) / 2
        return all_of(**{f"dC_d{rj}": check_equal(sp.diff(C, rj), rj - yj, [*rs, *ys]) for rj, yj in zip(rs, ys)})

    def gradient_values():
        d = derivative(relu)
        values = {p: d.subs(x, p) for p in (-5, -sp.Rational(1, 10**6), 0, sp.Rational(1, 10**6), 5)}
        return {"holds": set(values.values()) <= {0, 1}, "values": values}

    def thousands():
        """d a_L/d x of a_l = relu(w a_(l-1)) over L = 1000 layers is w^1000 on the active path: in log10,
        1000 log10(1.5) and 1000 log10(0.5); the float64 chain over 100 layers shows the same power law."""
        depth, short = 1000, 100
        logs = {wv: depth * float(mpmath.log10(wv)) for wv in (1.5, 0.5)}
        chain = {wv: relu_chain_slope(wv, short) for wv in (1.5, 0.5)}
        law = all(abs(chain[wv] / wv**short - 1) < 1e-6 for wv in chain)
        return {"holds": bool(law and logs[1.5] > 100 and logs[0.5] < -100), "log10_gradient_w_1_5": logs[1.5],
                "log10_gradient_w_0_5": logs[0.5], "chain_100_layers": {str(k): v for k, v in chain.items()}}

    return [
        seed_claim(S, "thousands_of_layers", "yes: through 1000 ReLU layers on an active path the weights multiply "
                   "the gradient by w^1000, 10^{{log10_gradient_w_1_5:.0f}} for w = 1.5 (exploding) and "
                   "10^{{log10_gradient_w_0_5:.0f}} for w = 0.5 (vanishing)", "exact power law in log10 "
                   "(mpmath); float64 central differences of a 100-layer chain against w^100", thousands,
                   "If there's thousands of layers, there would be a lot of multiplication due to weights, then "
                   "wouldn't this cause vanishing or exploding gradient?"),
        seed_claim(S, "relu_step_at_zero", "the ReLU derivative is the unit step; at x = 0 the value 1 (the answer's "
                   "choice), 0 (PyTorch, the catalog) or 0.5 are all valid: each lies between the one-sided "
                   "derivatives 0 and 1", "symbolic one-sided limits", step_at_zero,
                   "導関数は単位ステップ関数です。 / 上記の式では、0での微分は1ですが、ニューラルネットワークの"
                   "パフォーマンスに実際の影響を与えることなく、0または0.5として同等に扱うことができます。"),
        seed_claim(S, "cost_derivative", "read as dC/dy^ = dC/dr = d/dr (1/2)(y - r)^2 = (1/2) d/dr (y^2 - 2 y r + "
                   "r^2) = r - y; the chain rule through U = y - y^ gives the same", "symbolic, both ways",
                   cost_derivative, "Cy^=Cr(1)=r(1)12(yr(1))2=12r(1)(y22yr(1)+(r(1))2)=r(1)y / Yes you could use "
                   "the chain rule in that way, and it would give the same answer as I show."),
        seed_claim(S, "output_layer_gradient", "read as: for C = (1/2) sum_j (y_j - r_j)^2 the gradient with "
                   "respect to the output r_j is r_j - y_j (3 outputs)", "symbolic, each component", output_layer,
                   "In the output layer, then the initial gradient w.r.t. rjoutput is still rjoutputyj."),
        seed_claim(S, "sigmoid_output_form", "read as: the sigmoid's derivative is y(1 - y) with y = sigma(x)",
                   "symbolic against the catalog derivative",
                   lambda: check_identity(derivative(sig), sig.expr * (1 - sig.expr), x),
                   "The difference between using sigmoid versus ReLU is just in the step function compared to "
                   "e.g. sigmoid's y(1y), applied once per layer."),
        seed_claim(S, "relu_gradient_zero_or_one", "the ReLU's gradient takes only the values 0 and 1",
                   "exact values of the catalog derivative at -5, -1e-6, 0, 1e-6, 5", gradient_values,
                   "The ReLU's gradient is either 0 or 1"),
    ]


def formulas(catalog):
    """No claim of this module is expected to fail."""
    return {}
