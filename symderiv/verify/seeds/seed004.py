"""Seed 004 (lecture slides, Chinese/English, Peking University): activation functions.

The slides call the sigmoid delta(z); the swish slide mixes x and z. Quotes are verbatim (some are
Chinese); statements say which reading is checked.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.symbols import ts, x, xs, ys
from symderiv.verify.numeric import DPS, branch, check_limit, one_sided
from symderiv.verify.evidence import (all_of, check_equal, check_zero, mc_agrees, random_points, refute_at,
                                          relu_chain_slope, seed_claim)
from symderiv.verify.evidence import check_identity
from symderiv.verify.identity_claims import _scale_invariance

S = "004"
sig = 1 / (1 + sp.exp(-x))


def claims(catalog):
    g = catalog.get
    return [*_backprop(), *_squashing(g), *_piecewise(g), *_rrelu(g), *_relu_properties(g), *_softmax(g),
            *_swish(g)]


# ----- the backpropagation core formula -----

def _backprop():
    """Widths 2 -> 2 -> 2 -> 1, tanh units, J = (a3 - y)^2 / 2: dJ/dw_ji(l) against delta_j(l) a_i(l-1)."""
    widths = (2, 2, 2, 1)
    W = [sp.Matrix(widths[l + 1], widths[l], lambda j, i, l=l: sp.Symbol(f"w{l + 1}_{j}{i}", real=True))
         for l in range(3)]
    a0 = sp.Matrix([sp.Rational(3, 10), sp.Rational(-7, 10)])
    target = sp.Rational(1, 5)
    fprime = lambda z: 1 - sp.tanh(z) ** 2

    def check():
        a, zs = [a0], []
        for Wl in W:
            zs.append(Wl * a[-1])
            a.append(zs[-1].applyfunc(sp.tanh))
        J = (a[-1][0] - target) ** 2 / 2
        deltas = [None, None, sp.Matrix([(a[-1][0] - target) * fprime(zs[2][0])])]
        for l in (1, 0):        # delta_j(l) = (sum_k delta_k(l+1) w_kj(l+1)) f'(z_j(l))
            deltas[l] = sp.Matrix([sum(deltas[l + 1][k] * W[l + 1][k, j] for k in range(widths[l + 2]))
                                   * fprime(zs[l][j]) for j in range(widths[l + 1])])
        syms = [s for Wl in W for s in Wl]
        diffs = [sp.diff(J, W[l][j, i]) - deltas[l][j] * a[l][i]
                 for l in range(3) for j in range(widths[l + 1]) for i in range(widths[l])]
        pts = random_points(syms, n=8, seed=4)
        parts = {f"d_{W[l][j, i]}": check_zero(d, syms, pts, simplify=False)
                 for d, (l, j, i) in zip(diffs, [(l, j, i) for l in range(3) for j in range(widths[l + 1])
                                                 for i in range(widths[l])])}
        return all_of(**parts)

    def update_descends():
        """One step w := w - alpha delta a (alpha = 1/100) at seeded weights lowers J (exact forward values)."""
        a, zs = [a0], []
        for Wl in W:
            zs.append(Wl * a[-1])
            a.append(zs[-1].applyfunc(sp.tanh))
        J = (a[-1][0] - target) ** 2 / 2
        syms = [s for Wl in W for s in Wl]
        pt = random_points(syms, n=1, seed=5)[0]
        fJ = sp.lambdify(syms, J, "mpmath")
        grads = [float(sp.diff(J, s).subs(pt)) for s in syms]
        after = {s: pt[s] - 0.01 * gv for s, gv in zip(syms, grads)}
        before_v, after_v = float(fJ(*[pt[s] for s in syms])), float(fJ(*[after[s] for s in syms]))
        ev = {"holds": after_v < before_v, "J_before": before_v, "J_after": after_v, "learning_rate": 0.01}
        if not ev["holds"]:
            ev["counterexample"] = {"J_before": before_v, "J_after": after_v}
        return ev

    return [seed_claim(S, "backprop.update_descends", "the update w_ji := w_ji - alpha delta_j a_i (alpha = 0.01) "
                       "lowers J at a seeded point of the 2-2-2-1 tanh network (J from {{J_before:.6g}} to "
                       "{{J_after:.6g}})", "exact forward values before and after one step (SymPy gradients)",
                       update_descends, r"&= w_{ji}^{(l)} - \alpha \delta_j^{(l)} a_i^{(l-1)} \\"),
            seed_claim(S, "backprop.delta_rule", "dJ/dw_ji(l) = delta_j(l) a_i(l-1) with delta_j(l) = (sum_k "
                       "delta_k(l+1) w_kj(l+1)) f'(z_j(l)), for every weight of a 2-2-2-1 tanh network with "
                       "J = (a - y)^2/2", "numeric: SymPy's diff of the composite against the recursion at 8 "
                       "seeded weight draws, 40 digits, tolerance 1e-25", check,
                       r"&= w_{ji}^{(l)} - \alpha \left(\sum_{k=1}^{n_{l+1}} \delta_k^{(l+1)} w_{kj}^{(l+1)} "
                       r"f'(z_j^{(l)}) \right) a_i^{(l-1)}")]


# ----- sigmoid, tanh, softsign -----

def _squashing(g):
    d_sig = derivative(g("sigmoid"))
    e2 = (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x))

    def open_interval(f, lo, hi):
        lims = [check_limit(f, x, -1), check_limit(f, x, 1)]
        monotone = bool(sp.diff(f, x).is_positive) or sp.simplify(sp.diff(f, x)).is_positive
        holds = [e["limit"] for e in lims] == [lo, hi] and bool(monotone)
        return {"holds": holds, "limits": [e["limit"] for e in lims], "strictly_increasing": bool(monotone)}

    def gradient_near_zero():
        dt = derivative(g("tanh"))
        return {"holds": dt.subs(x, 0) == 1 and sp.simplify(d_sig.subs(x, 0)) == sp.Rational(1, 4)
                and sp.solve(sp.diff(dt, x), x) == [0], "tanh_prime_at_0": dt.subs(x, 0),
                "sigmoid_prime_at_0": sp.simplify(d_sig.subs(x, 0)), "tanh_prime_at_3": float(dt.subs(x, 3))}

    def zero_centred():
        with mpmath.workdps(DPS):
            means = {name: float(mpmath.quad(lambda v, f=f: f(v) * mpmath.npdf(v), [-mpmath.inf, 0, mpmath.inf]))
                     for name, f in (("tanh", mpmath.tanh), ("sigmoid", lambda v: 1 / (1 + mpmath.exp(-v))))}
        parts = all_of(tanh_odd=check_identity(sp.tanh(-x), -sp.tanh(x), x),
                       sigmoid_reflection=check_identity(sig.subs(x, -x), 1 - sig, x))
        parts["means_under_N01"] = means
        parts["holds"] = parts["holds"] and abs(means["tanh"]) < 1e-30 and abs(means["sigmoid"] - 0.5) < 1e-30
        return parts

    softsign = g("softsign")
    return [
        seed_claim(S, "sigmoid.range", "sigma(z) = 1/(1 + exp(-z)) takes values in (0, 1)",
                   "symbolic limits at +-inf and positivity of the derivative", lambda: open_interval(sig, 0, 1),
                   r"$$\delta(z) = \frac{1}{1 + \exp(-z)} \in (0, 1)$$"),
        seed_claim(S, "sigmoid.derivative_sign", "sigma'(z) = -exp(-z)/(1 + exp(-z))^2 (the first line, as "
                   "written)", "exact value at z = 0 against the catalog derivative",
                   lambda: refute_at(-sp.exp(-x) / (1 + sp.exp(-x)) ** 2, d_sig, {x: 0}, "seed", "sigmoid_derivative"),
                   r"\delta'(z) &= \frac{-\exp(-z)}{(1 + \exp(-z))^2}", expected=False,
                   correction="sigma'(z) = exp(-z)/(1 + exp(-z))^2 (no minus sign: sigma is increasing)"),
        seed_claim(S, "sigmoid.derivative_output_form", "sigma'(z) = sigma(z)(1 - sigma(z))", "symbolic against "
                   "the catalog derivative", lambda: check_identity(d_sig, sig * (1 - sig), x),
                   r"&= \delta(z)(1 - \delta(z))"),
        seed_claim(S, "tanh.exponential_form", "tanh(z) = (exp(z) - exp(-z))/(exp(z) + exp(-z)), in (-1, 1)",
                   "symbolic; limits", lambda: all_of(definition=check_identity(e2, sp.tanh(x), x),
                                                      range=open_interval(sp.tanh(x), -1, 1)),
                   r"\tanh(z) &= \frac{\exp(z) - \exp(-z)}{\exp(z) + \exp(-z)} / $$\tanh(z) \in (-1, 1)$$"),
        seed_claim(S, "tanh.derivative", "tanh'(z) = 1 - ((exp(z) - exp(-z))/(exp(z) + exp(-z)))^2 = 1 - tanh^2(z)",
                   "symbolic against the catalog derivative",
                   lambda: all_of(exponential=check_identity(derivative(g("tanh")), 1 - e2**2, x),
                                  tanh=check_identity(derivative(g("tanh")), 1 - sp.tanh(x) ** 2, x)),
                   r"\tanh'(z) &= 1 - \left(\frac{\exp(z) - \exp(-z)}{\exp(z) + \exp(-z)} \right)^2 \\ &= 1 - "
                   r"\tanh^2(z)"),
        seed_claim(S, "tanh.gradient_near_zero", "tanh' is largest at 0 (= 1, four times sigma'(0) = 1/4)",
                   "symbolic", gradient_near_zero, "输入在 0 点附近时，Gradient 较大，会对权重进行较大的调整；"),
        seed_claim(S, "tanh.zero_centred", "tanh is odd, so its mean is 0 for symmetric inputs; sigma(-z) = "
                   "1 - sigma(z), so the sigmoid's mean is 1/2 (z ~ N(0, 1): 0 and 0.5)", "symbolic identities; "
                   "mpmath quadrature, 40 digits", zero_centred,
                   "由于其激活值并不以 0 点为中心，而是 0 到 1 / 没有非 0 点问题；"),
        seed_claim(S, "softsign.definition", "softsign(z) = z/(1 + |z|) is the catalog's softsign (PyTorch)",
                   "symbolic", lambda: check_identity(x / (1 + sp.Abs(x)), softsign.expr, x),
                   r"$$\text{softsign}(z) = \frac{z}{1 + |z|}$$"),
        seed_claim(S, "softsign.derivative", "softsign'(z) = sgn(z)/(1 + |z|)^2", "exact value at z = -1 "
                   "against the catalog derivative (also wrong at z = 0: 0 vs 1)",
                   lambda: refute_at(sp.sign(x) / (1 + sp.Abs(x)) ** 2, derivative(softsign), {x: -1},
                                     "seed", "softsign_derivative"),
                   r"$$\text{softsign}'(z) = \frac{\text{sgn}(z)}{(1 + |z|)^2}$$", expected=False,
                   correction="softsign'(z) = 1/(1 + |z|)^2 (positive everywhere: softsign is increasing)"),
    ]


# ----- hardtanh, relu, elu, prelu -----

def _piecewise(g):
    ht, relu, elu, prelu = g("hardtanh"), g("relu"), g("elu"), g("prelu")
    al, wt = elu.param("alpha").symbol, prelu.param("weight").symbol

    def hardtanh():
        d = derivative(ht).subs(ht.defaults())
        seed_d = sp.Piecewise((1, (x >= -1) & (x <= 1)), (0, True))
        raw = sp.diff(ht.expr.subs(ht.defaults()), x)
        kinks = {str(k): {"seed": seed_d.subs(x, k), "torch": d.subs(x, k), "one_sided": one_sided(raw, x, k)}
                 for k in (-1, 1)}
        within = all(min(v["one_sided"]) <= v["seed"] <= max(v["one_sided"]) for v in kinks.values())
        seed_f = sp.Piecewise((-1, x < -1), (1, x > 1), (x, True))
        return all_of(function=check_identity(seed_f, ht.expr.subs(ht.defaults()), x),
                      derivative_off_kinks=check_identity(seed_d, d, x),
                      kinks={"holds": within, "values": kinks,
                             "note": "the seed takes 1 at z = +-1, PyTorch 0; both lie between the one-sided limits"})

    def relu_d():
        seed_f = sp.Piecewise((0, x < 0), (x, True))
        seed_d = sp.Piecewise((1, x > 0), (0, True))
        d = derivative(relu)
        return all_of(function=check_identity(seed_f, relu.expr, x), derivative=check_identity(seed_d, d, x),
                      at_zero={"holds": seed_d.subs(x, 0) == d.subs(x, 0) == 0, "seed": seed_d.subs(x, 0),
                               "catalog_pytorch": d.subs(x, 0)})

    def elu_all_alpha():
        neg = branch(sp.diff(elu.expr, x), x, -1)
        pts = [{al: a, x: v} for a in (0.1, 0.5, 0.9) for v in (-0.2, -3.0)]
        return all_of(negative=check_equal(neg, branch(elu.expr, x, -1) + al, [al, x], pts),
                      nonnegative=check_equal(branch(derivative(elu), x, 1), 1, [al], [{al: 0.5}]))

    def elu_jump():
        left, right = one_sided(sp.diff(elu.expr, x), x, 0)
        return {"holds": sp.simplify(left - al) == 0 and right == 1, "left": left, "right": right,
                "continuous_derivative_iff": "alpha = 1"}

    leaky = g("leaky_relu")

    def prelu_d():
        seed_d = sp.Piecewise((1, x > 0), (wt, True))
        d = derivative(prelu)
        seed_f = sp.Piecewise((wt * x, x < 0), (x, True))
        pts = [{wt: a, x: v} for a in (0.1, 0.25, 0.9) for v in (-2.0, -0.1, 0.0, 0.3, 4.0)]
        return all_of(function=check_equal(seed_f, prelu.expr, [wt, x], pts),
                      derivative=check_equal(seed_d, d, [wt, x], pts))

    return [
        seed_claim(S, "hardtanh.derivative", "hardtanh (-1 below -1, z between, 1 above 1) is the catalog's at "
                   "the defaults; hardtanh' = 1 on [-1, 1], 0 otherwise, off the kinks; at +-1 the seed's value "
                   "1 is a valid one-sided choice (PyTorch uses 0)", "symbolic; one-sided limits at +-1", hardtanh,
                   r"$$\text{hardtanh}'(z) = \begin{cases} 1 & : -1 \leq z \leq 1 \\ 0 & : \text{otherwise} "
                   r"\end{cases}$$"),
        seed_claim(S, "relu.derivative", "relu(z) = 0 for z < 0, z otherwise; relu'(z) = 1 for z > 0, 0 otherwise "
                   "(relu'(0) = 0, PyTorch's convention)", "symbolic against the catalog", relu_d,
                   r"$$relu'(z) = \begin{cases} 1 & : z > 0 \\ 0 & : otherwise \end{cases}$$"),
        seed_claim(S, "elu.derivative_every_alpha", "elu'(z) = elu(z) + alpha for z < 0 for every alpha (not only "
                   "alpha = 1), and elu'(z) = 1 for z > 0", "symbolic in alpha; numeric at 6 points", elu_all_alpha,
                   r"$$elu'(z) = \begin{cases} elu(z) + \alpha & : z < 0 \\ 1 & : z \geq 0 \end{cases}$$"),
        seed_claim(S, "elu.alpha_range", "with the slide's 0 < alpha < 1, elu' jumps at 0 from alpha (left) to 1 "
                   "(right): ELU is continuously differentiable only for alpha = 1, outside that range",
                   "symbolic one-sided limits", elu_jump, r"where $0 < \alpha < 1$"),
        seed_claim(S, "leaky_relu.is_prelu_fixed", "Leaky ReLU is PReLU with its slope alpha fixed (not learned): "
                   "the catalog's leaky_relu is its prelu with weight = negative_slope, and prelu's weight is "
                   "learnable while negative_slope is not", "symbolic identity of the two entries; the catalog's "
                   "learnable flags", lambda: _leaky_is_prelu(leaky, prelu),
                   "Leaky ReLU 中， α 是一个固定值，是 PReLU 的一种特殊情况。"),
        seed_claim(S, "prelu.alpha_range", "with 0 < alpha < 1, prelu(z) = max(z, alpha z) and prelu is strictly "
                   "increasing", "exact: max(z, alpha z) against prelu at 6 points for alpha in {0.1, 0.9}; at "
                   "alpha = 2 the identity fails", lambda: _prelu_range(prelu),
                   r"$$prelu(z) = \begin{cases} \alpha z & : z < 0 \\ z & : z \geq 0 \end{cases}$$ / "
                   r"where $0 < \alpha < 1$", qualifier="conditional",
                   reading="a convention for the slope, not a constraint of the definition: PyTorch learns "
                   "the weight without bounds (initialised at 0.25); for alpha > 1 prelu is still defined but is "
                   "min(z, alpha z)"),
        seed_claim(S, "prelu.derivative", "prelu(z) = alpha z for z < 0, z otherwise; prelu'(z) = 1 for z > 0, "
                   "alpha otherwise (the catalog's prelu, alpha = weight)", "symbolic at 15 points", prelu_d,
                   r"$$prelu'(z) = \begin{cases} 1 & : z > 0 \\ \alpha & : otherwise \end{cases}$$"),
    ]


def _leaky_is_prelu(leaky, prelu):
    slope, weight = leaky.param("negative_slope"), prelu.param("weight")
    same = check_identity(prelu.expr.subs(weight.symbol, slope.symbol).subs(slope.symbol, sp.Rational(1, 100)),
                          leaky.expr.subs(leaky.defaults()), x)
    flags = {"holds": weight.learnable and not slope.learnable, "prelu_weight_learnable": weight.learnable,
             "leaky_slope_learnable": slope.learnable}
    return all_of(same_function=same, learned_vs_fixed=flags)


def _prelu_range(prelu):
    wt = prelu.param("weight").symbol
    pts = [{wt: a, x: v} for a in (0.1, 0.9) for v in (-2.0, -0.1, 0.3)]
    inside = check_equal(sp.Max(x, wt * x), prelu.expr, [wt, x], pts)
    outside = refute_at(sp.Max(x, wt * x), prelu.expr, {wt: 2, x: -1}, "max(z, alpha z)", "prelu")
    increasing = all(bool(branch(sp.diff(prelu.expr, x), x, v).subs(wt, a) > 0) for a in (0.1, 0.9) for v in (-1, 1))
    return {**all_of(identity=inside, increasing={"holds": increasing}), "alpha_2": outside}


# ----- randomized leaky ReLU -----

def _rrelu(g):
    rr = g("rrelu")
    rnd = rr.extra["random"]
    a, (lo, hi) = rnd["symbol"], rnd["between"]

    def mean_slope():
        exact = sp.integrate(a / (hi - lo), (a, lo, hi))
        symbolic = check_equal(exact, (lo + hi) / 2, [lo, hi], [{lo: 0.125, hi: 1 / 3}, {lo: 0.0, hi: 1.0}])
        rng, n, lv, uv = np.random.default_rng(6), 200_000, 1 / 8, 1 / 3
        draws = rng.uniform(lv, uv, n)
        mc = mc_agrees(draws.mean(), (lv + uv) / 2, draws.std(ddof=1) / np.sqrt(n), n, 6, lower=lv, upper=uv)
        return all_of(symbolic=symbolic, monte_carlo=mc)

    def mean_output():
        expected = sp.integrate(rnd["train_expr"] / (hi - lo), (a, lo, hi))
        pts = [{lo: l, hi: u, x: v} for l, u in ((0.125, 1 / 3), (0.0, 1.0)) for v in (-2.0, -0.5, 0.7)]
        grad = sp.integrate(sp.diff(rnd["train_expr"], x) / (hi - lo), (a, lo, hi))
        return all_of(output=check_equal(expected, rr.expr, [lo, hi, x], pts),
                      gradient=check_equal(grad, derivative(rr), [lo, hi, x], pts))

    quote = "测试阶段: α_{ji} 取平均数 $\\frac{l+u}{2}$"
    return [
        seed_claim(S, "rrelu.test_slope_is_mean", "the test-time slope (l + u)/2 is the expectation of the "
                   "training-time slope alpha ~ U(l, u)", "symbolic integration; Monte Carlo (U(1/8, 1/3), "
                   "200000 draws, numpy seed 6, 5 standard errors)", mean_slope, quote),
        seed_claim(S, "rrelu.test_output_is_mean", "the test-time output (and its gradient) is the expectation "
                   "over alpha ~ U(l, u) of the training-time output (and gradient), for every x: f is linear "
                   "in alpha", "symbolic integration of the catalog's training expression", mean_output,
                   r"$$\alpha_{ji} \sim U(l, u), \quad l < u, \quad l, u \in [0, 1]$$ / " + quote),
    ]


# ----- properties of ReLUs -----

def _relu_properties(g):
    relu, leaky, maxout = g("relu"), g("leaky_relu"), g("maxout")
    k = sp.Symbol("alpha", real=True)

    def half_active():
        rng, n, fan = np.random.default_rng(7), 100_000, 20
        inputs = np.maximum(rng.standard_normal((n, fan)), 0)            # outputs of a previous ReLU layer
        weights = rng.standard_normal((n, fan)) * np.sqrt(2 / fan)       # He normal, zero bias
        active = (np.einsum("ij,ij->i", inputs, weights) > 0).astype(float)
        return mc_agrees(active.mean(), 0.5, np.sqrt(0.25 / n), n, 7, fan_in=fan)

    def no_vanish_explode():
        depth, out = 30, {}
        for wv in (1.5, 0.5):
            out[wv] = relu_chain_slope(wv, depth)
        holds = all(1e-3 < abs(v) < 1e3 for v in out.values())
        ev = {"holds": holds, "depth": depth, "dy_dx_weight_1_5": out[1.5], "dy_dx_weight_0_5": out[0.5]}
        if not holds:
            ev["counterexample"] = {"chain": "a_l = relu(w a_(l-1)), a_0 = x = 1, 30 layers",
                                    "w_1.5": out[1.5], "w_0.5": out[0.5]}
        return ev

    def scale_nonnegative():
        ev = _scale_invariance(relu.expr)
        ev["negative_alpha"] = refute_at(relu.expr.subs(x, k * x), k * relu.expr, {k: -1, x: 1},
                                         "max(0, alpha x)", "alpha max(0, x)")
        return ev

    def differentiable_elsewhere():
        left, right = one_sided(sp.diff(relu.expr, x), x, 0)
        near = {str(p): one_sided(sp.diff(relu.expr, x), x, p) for p in (sp.Rational(-1, 10**9), sp.Rational(1, 10**9))}
        return {"holds": left != right and all(l == r for l, r in near.values()), "at_0": [left, right],
                "at_+-1e-9": near}

    def maxout_special():
        z = xs[0]
        relu_case = maxout.expr.subs({xs[0]: 0, xs[1]: z})                  # w_1, b_1 = 0
        slope = leaky.param("negative_slope").symbol
        leaky_case = maxout.expr.subs({xs[0]: z, xs[1]: slope * z}).subs(slope, sp.Rational(1, 100))
        return all_of(relu=check_identity(relu_case.subs(z, x), relu.expr, x),
                      leaky_relu=check_identity(leaky_case.subs(z, x), leaky.expr.subs(leaky.defaults()), x))

    def dead_units():
        """Dead fraction over a grid of learning rates and 6 seeds: the range where the seed's 40% holds."""
        grid = {lr: [_dead_fraction(lr, seed) for seed in range(6)] for lr in DEAD_LRS}
        med = {lr: float(np.median(v)) for lr, v in grid.items()}
        reach = {lr: int(sum(f >= 0.4 for f in v)) for lr, v in grid.items()}
        high = [lr for lr in DEAD_LRS if lr >= 0.08]
        holds = all(med[lr] >= 0.4 for lr in high) and max(grid[DEAD_LRS[0]]) == 0
        ev = {"holds": bool(holds), "dead_fraction": {str(k): v for k, v in grid.items()},
              **{f"median_lr_{str(lr).replace('.', '_')}": med[lr] for lr in DEAD_LRS},
              **{f"seeds_40_lr_{str(lr).replace('.', '_')}": reach[lr] for lr in DEAD_LRS},
              "setup": "256 N(0, I_10) inputs, 200 ReLU units (He init), y = sin(x_1) + x_2^2/2, 30 full-batch "
                       "GD steps on mean squared error; dead = inactive on every input; numpy seeds 0-5"}
        if not holds:
            ev["counterexample"] = {"medians": {str(k): v for k, v in med.items()}}
        return ev

    def maxout_parameters():
        n = 3
        ws = [sp.symbols(f"w{k}_1:{n + 1}", real=True) for k in (1, 2)]
        bs = sp.symbols("b1 b2", real=True)
        xv = sp.symbols(f"x_1:{n + 1}", real=True)
        pieces = [sum(wi * xi for wi, xi in zip(w, xv)) + b for w, b in zip(ws, bs)]
        relu_unit = relu.expr.subs(x, pieces[0])
        maxout_unit = maxout.expr.subs({xs[0]: pieces[0], xs[1]: pieces[1]})
        count = lambda e: len(e.free_symbols - set(xv))
        return {"holds": count(maxout_unit) == 2 * count(relu_unit), "relu_parameters": count(relu_unit),
                "maxout_parameters": count(maxout_unit), "inputs": n}

    return [
        seed_claim(S, "relu.dead_units_learning_rate", "with a learning rate set too large, 40% or more of the ReLU "
                   "units can die (be inactive on every input); a smaller rate avoids it: at learning rate 0.05 no "
                   "unit dies on any of 6 seeds; from 0.08 the median dead fraction is at least 40% ({{median_lr_0_08:.2f}} "
                   "at 0.08, {{median_lr_0_1:.2f}} at 0.1); in between it depends on the seed ({{seeds_40_lr_0_06}} of 6 "
                   "seeds reach 40% at 0.06, {{seeds_40_lr_0_07}} at 0.07)", "experiment: 6 seeded runs at each "
                   "learning rate of 0.05, 0.06, 0.07, 0.08, 0.1", dead_units,
                   "如果 Learning Rate 恰好设置得比较大，有可能造成 40% 以上的“死神经元”，适当减小 Learning Rate "
                   "能够在一定程度上减少“死神经元”。"),
        seed_claim(S, "maxout.parameter_count", "a maxout unit with two pieces has twice the parameters of a ReLU "
                   "unit (2(n + 1) against n + 1; n = 3 inputs)", "symbolic: free symbols of the two units",
                   maxout_parameters, "However, unlike the ReLU neurons it doubles the number of parameters for "
                   "every single neuron"),
        seed_claim(S, "relu.half_active", "in a randomly initialised network (zero-mean symmetric weights, zero "
                   "bias) a hidden ReLU unit is active with probability 1/2", "Monte Carlo: 100000 units, He "
                   "normal weights on ReLU inputs, numpy seed 7, 5 standard errors; exact 1/2 by symmetry of w",
                   half_active, "Sparse activation: For example, in a randomly initialized network, only about "
                   "50% of hidden units are activated (having a non-zero output)."),
        seed_claim(S, "relu.no_vanishing_exploding", "ReLU networks have no vanishing or exploding gradient "
                   "problems", "float64 central difference of a 30-layer scalar ReLU chain at x = 1",
                   no_vanish_explode, "Efficient gradient propagation: No vanishing or exploding gradient problems.",
                   expected=False, correction="relu' = 1 on active units, so the activation itself does not "
                   "shrink gradients there; the weights still make them explode (w = 1.5: {{dy_dx_weight_1_5:.2g}} after "
                   "30 layers) or vanish (w = 0.5: {{dy_dx_weight_0_5:.2g}}), and inactive units pass no gradient"),
        seed_claim(S, "relu.scale_invariance", "max(0, alpha x) = alpha max(0, x) for every alpha >= 0 and x",
                   "symbolic by cases (alpha = 0; alpha > 0 with x > 0, x < 0, x = 0); the evidence also shows it "
                   "fails at alpha = -1", scale_nonnegative,
                   r"Scale-invariant: $\max(0, \alpha x) = \alpha \max(0, x)$", qualifier="conditional",
                   reading="alpha >= 0, as a scale factor is meant (at alpha = -1, x = 1 the two sides are 0 and -1)"),
        seed_claim(S, "relu.differentiable_elsewhere", "relu is not differentiable at 0 (one-sided derivatives "
                   "0, 1) but is at points arbitrarily close to 0 (+-1e-9)", "symbolic one-sided limits",
                   differentiable_elsewhere, "Non-differentiable at zero: however it is differentiable anywhere "
                   "else, including points arbitrarily close to (but not equal to) zero."),
        seed_claim(S, "maxout.special_cases", "max(w1.x + b1, w2.x + b2) is ReLU when w1, b1 = 0 and leaky ReLU "
                   "when the first piece is alpha times the second (alpha = 0.01)", "symbolic against the catalog",
                   maxout_special, "Notice that both ReLU and Leaky ReLU are a special case of this form (for "
                   "example, for ReLU we have $(w_1, b_1 = 0)$)"),
    ]


DEAD_LRS = (0.05, 0.06, 0.07, 0.08, 0.1)


def _dead_fraction(lr, seed, steps=30, n=256, d=10, hidden=200):
    """Fraction of ReLU units inactive on every input after `steps` of full-batch gradient descent."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1] ** 2
    W1, b1 = rng.standard_normal((d, hidden)) * np.sqrt(2 / d), np.zeros(hidden)
    w2, b2 = rng.standard_normal(hidden) * np.sqrt(1 / hidden), 0.0
    with np.errstate(all="ignore"):
        for _ in range(steps):
            z = X @ W1 + b1
            h = np.maximum(z, 0)
            g = (h @ w2 + b2 - y) / n                    # d(mean squared error / 2) / d output
            gh = np.outer(g, w2) * (z > 0)
            W1, b1, w2, b2 = W1 - lr * X.T @ gh, b1 - lr * gh.sum(0), w2 - lr * h.T @ g, b2 - lr * g.sum()
        return float(((X @ W1 + b1 > 0).sum(0) == 0).mean())


# ----- softmax and the multinomial cross-entropy -----

def _softmax(g):
    ce = g("cross_entropy")
    theta = [sp.Matrix(sp.symbols(f"theta_{j}1 theta_{j}2", real=True)) for j in range(1, 4)]
    samples = [(sp.Matrix([sp.Rational(1, 2), sp.Rational(-3, 2)]), 0), (sp.Matrix([2, sp.Rational(1, 3)]), 2)]
    syms = [s for th in theta for s in th]

    def probs(xv):
        e = [sp.exp((th.T * xv)[0]) for th in theta]
        return [ei / sum(e) for ei in e]

    def probabilities():
        p = probs(samples[0][0])
        return all_of(sum_to_one=check_equal(sum(p), 1, syms),
                      positive={"holds": all(pi.is_positive for pi in p), "positive": [bool(pi.is_positive) for pi in p]})

    def multinomial():
        m = len(samples)
        ind = lambda yi, j: 1 if yi == j else 0
        # the slide's J: -(1/m) sum_i sum_j 1{y=j} log(f_j / sum f), f_j = exp(theta_j . x)
        J = -sp.Rational(1, m) * sum(ind(yi, j) * sp.log(probs(xv)[j]) for xv, yi in samples for j in range(3))
        # the likelihood form prod_i (sum_j 1{y=j} p_j): its -log/m is the same J
        lik = sp.Mul(*[sum(ind(yi, j) * probs(xv)[j] for j in range(3)) for xv, yi in samples])
        catalog_J = sp.Rational(1, m) * sum(
            ce.expr.subs({**{ys[j]: (theta[j].T * xv)[0] for j in range(3)},
                          **{ts[j]: ind(yi, j) for j in range(3)}}) for xv, yi in samples)
        parts = {"likelihood": check_equal(-sp.log(lik) / m, J, syms, simplify=False),
                 "catalog_cross_entropy": check_equal(catalog_J, J, syms, simplify=False)}
        for j in range(3):
            grad = -sp.Rational(1, m) * sum((xv * (ind(yi, j) - probs(xv)[j]) for xv, yi in samples), sp.zeros(2, 1))
            for c in range(2):
                parts[f"dJ_dtheta_{j + 1}{c + 1}"] = check_equal(sp.diff(J, theta[j][c]), grad[c], syms, simplify=False)
        return all_of(**parts)

    return [
        seed_claim(S, "softmax.probabilities", "P(y = j | x) = exp(x.w_j)/sum_k exp(x.w_k) are positive and sum "
                   "to 1 (K = 3)", "symbolic", probabilities,
                   r"$$P(y = j | \mathbf{x}) = \frac{e^{\mathbf{x}^T \mathbf{w}_j}}{\sum_{k=1}^K "
                   r"e^{\mathbf{x}^T \mathbf{w}_k}}$$"),
        seed_claim(S, "softmax.multinomial_loss", "-(1/m) log of the multinomial likelihood is J(theta) = -(1/m) "
                   "sum_i sum_j 1{y_i = j} log softmax_j, equal to the catalog's cross_entropy, with gradient "
                   "dJ/dtheta_j = -(1/m) sum_i x_i (1{y_i = j} - p_j(x_i)) (K = 3, m = 2, 2 features)",
                   "numeric at 12 seeded points, 40 digits, each component", multinomial,
                   r"$$J(\theta) = -\frac{1}{m} \sum_{i=1}^m \left(\sum_{j=1}^k \left(1\{y^{(i)} = j\} \right) "
                   r"\log \frac{\exp(\theta_j^T x^{(i)})}{\sum_{j=1}^k \exp(\theta_j^T x^{(i)})} \right)$$"),
    ]


# ----- swish -----

def _swish(g):
    silu = g("silu")
    z = sp.Symbol("z", real=True)
    seed_d = x / (1 + sp.exp(-x)) + 1 / (1 + sp.exp(-x)) * (1 - x / (1 + sp.exp(-x)))
    quote = (r"$$\delta'(z) = \frac{x}{1 + \exp(-x)} + \frac{1}{(1 + \exp(-x))} \left(1 - \frac{x}{1 + "
             r"\exp(-x)}\right);$$")

    return [
        seed_claim(S, "swish.derivative_x_is_z", "swish(z) = z sigma(z) has derivative z sigma(z) + sigma(z)(1 - z "
                   "sigma(z)), i.e. swish + sigma (1 - swish)", "symbolic against the catalog's silu derivative",
                   lambda: check_identity(seed_d, derivative(silu), x),
                   r"$$\delta(z) = \frac{x}{1 + \exp(-z)}$$ / " + quote, qualifier="ambiguous",
                   reading="x and z name the same variable (a notation slip: the slide writes the input as x in "
                   "the numerator and as z in the exponent); read with x independent of z the formula would be "
                   "wrong, a reading no careful reader takes"),
    ]


# ----- corrected formulas for the errata -----

def formulas(catalog):
    """{claim id: SymPy relation}: the corrected formula of each refuted claim."""
    sigma = sp.Function("sigma")
    z, xin, w, L, alpha = sp.Symbol("z", real=True), *sp.symbols("x w L", real=True), sp.Symbol("alpha", real=True)
    return {
        "seed004.sigmoid.derivative_sign": sp.Eq(sp.Derivative(sigma(x), x), sp.exp(-x) / (1 + sp.exp(-x)) ** 2),
        "seed004.softsign.derivative": sp.Eq(sp.Derivative(sp.Function("softsign")(x), x),
                                             derivative(catalog.get("softsign"))),
        "seed004.relu.no_vanishing_exploding": sp.Eq(sp.Derivative(sp.Function("a_L")(xin), xin), w**L),
    }
