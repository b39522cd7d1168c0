"""Seed 003 (blog post, machine-paraphrased English: activations and vanishing gradients).

The paraphrase garbles words, not formulas ("a scope of 0 to 1" is "a range of 0 to 1"); the claims
quote the text verbatim and state the reading they check.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.catalog.references import records
from symderiv.symbols import x
from symderiv.verify.numeric import DPS, branch, check_limit, one_sided
from symderiv.verify.evidence import all_of, check_equal, mc_agrees, refute_at, seed_claim

S = "003"
N_FACTORS, THRESHOLD = 50, sp.Rational(1, 10**18)
MC_N, MC_SEED = 100_000, 3
# both sentences of the source on the sigmoid derivative's range take this one reading (one verdict for both)
RANGE_READING = ("'a range of 0 to 1' read as 'lies between 0 and 1' (true, loose by a factor 4); read as "
                 "'takes every value in (0, 1)' it is wrong: the values are (0, 1/4]")


def claims(catalog):
    g = catalog.get
    return [*_sigmoid(g), *_product_of_uniforms(lambda: g("sigmoid")), *_relu(g), *_leaky(g), *_elu(g)]


# ----- sigmoid and the chain rule -----

def _sigmoid(g):
    sig = g("sigmoid")
    d = derivative(sig)
    w1, w2, x1, x2, b = sp.symbols("w_1 w_2 x_1 x_2 b", real=True)
    s = lambda v: sig.expr.subs(x, v)

    def range_claim():
        crit = sp.solve(sp.diff(d, x), x)
        top = sp.simplify(d.subs(x, 0))
        ends = [sp.limit(d, x, sp.oo), sp.limit(d, x, -sp.oo)]
        ev = {"holds": crit == [0] and top == sp.Rational(1, 4) and ends == [0, 0], "critical_points": crit,
              "supremum": top, "limits_at_inf": ends}
        if not ev["holds"]:
            ev["counterexample"] = {"critical_points": crit, "supremum": top}
        return ev

    def _second_factor():
        first = d.subs(x, 0)                             # d sigma(u)/du at u = w.x + b = 0
        second = sp.diff(w1 * x1 + b, w1).subs(x1, 2)    # d(w.x + b)/dw = x
        return refute_at(second, first, {}, "second_factor", "sigmoid_derivative")

    def between():
        return {"holds": bool(d.is_positive) and sp.simplify(d.subs(x, 0)) < 1, "positive": bool(d.is_positive),
                "maximum": sp.simplify(d.subs(x, 0))}

    def weight_chain():
        pre = w1 * x1 + w2 * x2 + b
        return all_of(**{f"d_d{v}": check_equal(sp.diff(s(pre), v), d.subs(x, pre) * sp.diff(pre, v),
                                                [w1, w2, x1, x2, b]) for v in (w1, w2)})

    def neuron_chain():
        # a -> b -> c -> d, each a sigmoid neuron with scalar weight and bias; L = (d - t)^2 / 2
        a, t = sp.symbols("a t", real=True)
        ws, bs = sp.symbols("w_b w_c w_d", real=True), sp.symbols("b_b b_c b_d", real=True)
        vals = [a]
        for wk, bk in zip(ws, bs):
            vals.append(s(wk * vals[-1] + bk))
        loss = (vals[-1] - t) ** 2 / 2
        factors = (vals[-1] - t)
        for k in (2, 1, 0):
            factors *= d.subs(x, ws[k] * vals[k] + bs[k]) * ws[k]
        return check_equal(sp.diff(loss, a), factors, [a, t, *ws, *bs], simplify=False)

    def saturation():
        at = {v: float(d.subs(x, v)) for v in (-10, 10)}
        lim = [check_limit(d, x, 1), check_limit(d, x, -1)]
        return {"holds": all(v < 5e-5 for v in at.values()) and all(e["holds"] and e["limit"] == 0 for e in lim),
                "derivative_at": at, "limits": [e["limit"] for e in lim]}

    return [
        seed_claim(S, "sigmoid.gradient_range", "the sigmoid's derivative takes values between 0 and 1: its values "
                   "are (0, 1/4], the maximum {{supremum}} at z = 0", "symbolic: the only critical point of sigma' "
                   "is 0, with sigma'(0) = 1/4; limits 0 at +-inf", range_claim,
                   "which has a scope of 0 to 1.", qualifier="ambiguous", reading=RANGE_READING),
        seed_claim(S, "chain.second_factor", "in d sigma(w.x + b)/dw = [d sigma(w.x + b)/d(w.x + b)] [d(w.x + b)/dw] "
                   "the second factor is the sigmoid derivative", "exact values of both factors at w.x + b = 0, "
                   "x = 2 (one weight)", _second_factor,
                   "The 2nd word is simply a sigmoid derivative", expected=False,
                   correction="the first factor is the sigmoid derivative sigma'(w.x + b) (at most 1/4); the second, "
                   "d(w.x + b)/dw, is the input x"),
        seed_claim(S, "sigmoid.gradient_between_0_and_1", "the source's second sentence on the same range ('a worth "
                   "ranging from 0 to 1'): the sigmoid's derivative lies between 0 and 1, 0 < sigma'(z) <= 1/4 for all z",
                   "symbolic: positivity and the maximum", between,
                   "This gradient has a worth ranging from 0 to 1.", qualifier="ambiguous", reading=RANGE_READING),
        seed_claim(S, "chain.sigmoid_weights", "d sigma(w.x + b)/dw = sigma'(w.x + b) * d(w.x + b)/dw "
                   "(two weights)", "symbolic", weight_chain,
                   r"$$ \frac{\partial (\sigma(\omega^Tx + b))}{\partial \omega}=\frac{\partial (\sigma(\omega^Tx "
                   r"+ b))}{\partial (\omega^Tx + b)}*\frac{\partial (\omega^Tx + b)}{\partial \omega} $$"),
        seed_claim(S, "chain.neuron_a", "for a chain of sigmoid neurons a -> b -> c -> d and L = (d - t)^2/2, "
                   "dL/da = dL/dd * dd/dc * dc/db * db/da, each factor containing one sigmoid derivative",
                   "numeric: diff of the composite against the product at 12 seeded points, 40 digits", neuron_chain,
                   r"$$ \frac{\partial L}{\partial a} = \frac{\partial L}{\partial d} * \frac{\partial d}{\partial "
                   r"c} * \frac{\partial c}{\partial b} * \frac{\partial b}{\partial a}"),
        seed_claim(S, "sigmoid.saturation", "sigma' is almost 0 for very high or very low pre-activations "
                   "(sigma'(+-10) < 5e-5, limits 0)", "exact values and limits", saturation,
                   "The gradient of sigmoid astatine very precocious aliases debased values is almost 0."),
    ]


# ----- the product of 50 uniform numbers -----

def _product_of_uniforms(load_sigmoid):
    """-log of a product of n U(0,1) numbers is Gamma(n, 1): P(product > c) = P(n, -log c) (regularized)."""

    def exact_tail(c):
        with mpmath.workdps(DPS):
            return mpmath.gammainc(N_FACTORS, 0, -mpmath.log(mpmath.mpf(c)), regularized=True)

    def samples():
        rng = np.random.default_rng(MC_SEED)
        return rng.random((MC_N, N_FACTORS)).prod(axis=1)

    def never_above():
        prods = samples()
        above = prods > float(THRESHOLD)
        p = exact_tail(THRESHOLD)
        mc = mc_agrees(above.mean(), p, np.sqrt(float(p) * (1 - float(p)) / MC_N), MC_N, MC_SEED)
        first = int(np.argmax(above))
        ev = {"holds": not above.any() and p == 0, "p_exact_gammainc": float(p), "one_attempt_in": 1 / float(p),
              "median_product": float(_median_product()),
              "p_at_least_1e-17": float(exact_tail(sp.Rational(1, 10**17))), "monte_carlo": mc,
              "mean_of_product": 2.0 ** -N_FACTORS,
              "p_none_in_10_attempts": float((1 - p) ** 10)}
        if above.any():
            ev["counterexample"] = {"numpy_seed": MC_SEED, "draw": first, "product": float(prods[first])}
        ev["holds"] = ev["holds"] and mc["holds"]
        if not mc["holds"]:   # the Monte Carlo disagrees with the exact law: the claim cannot be judged
            raise AssertionError(f"Monte Carlo {mc['mc_estimate']} disagrees with gammainc {float(p)}")
        return ev

    def typical():
        median = _median_product()
        med = -mpmath.log(median)
        prods = samples()
        mc_median = float(np.median(prods))
        below = 1 - exact_tail(THRESHOLD)
        holds = median < THRESHOLD and abs(np.log(mc_median) - float(-med)) < 0.1 and below > 0.85
        return {"holds": bool(holds), "median_exact": float(median), "median_mc": mc_median,
                "mc_log_median_tolerance": 0.1, "p_below_1e-18": float(below), "mc_samples": MC_N,
                "mc_seed": MC_SEED}

    def sigmoid_product_bound():
        d = derivative(load_sigmoid())
        bound = sp.Rational(1, 4) ** N_FACTORS
        rng = np.random.default_rng(MC_SEED)
        f = sp.lambdify(x, d, "numpy")
        largest = float(np.prod(f(rng.uniform(-0.01, 0.01, (1000, N_FACTORS))), axis=1).max())
        ev = {"holds": sp.simplify(d.subs(x, 0)) == sp.Rational(1, 4) and largest <= float(bound),
              "bound": float(bound), "largest_product_near_0": largest, "numpy_seed": MC_SEED}
        if not ev["holds"]:
            ev["counterexample"] = {"largest_product_near_0": largest, "bound": float(bound)}
        return ev

    quote = "Despite repeated attempts, I could ne'er get a worth of bid much than $10^{-18}$."
    return [
        seed_claim(S, "product50.sigmoid_bound", "a product of 50 sigmoid derivatives is at most (1/4)^50 = {{bound:.2g}} "
                   "(each factor is at most sigma'(0) = 1/4), far below the seed's uniform-number model",
                   "symbolic maximum; numeric products of 50 factors at 1000 seeded points near 0",
                   sigmoid_product_bound, "Then the gradient look of A has a merchandise of 50 sigmoid gradients "
                   "successful it"),
        seed_claim(S, "product50.never_above_1e-18", "a product of 50 independent U(0,1) numbers is never above "
                   "1e-18", "exact: -log(product) ~ Gamma(50, 1), P = regularized lower gamma P(50, 18 ln 10) "
                   "(mpmath, 40 digits); Monte Carlo, 100000 products (numpy seed 3), 5 standard errors", never_above,
                   quote, expected=False,
                   correction="P(product > 1e-18) = P(50, 18 ln 10) = {{p_exact_gammainc:.4f}} (about one attempt in "
                   "{{one_attempt_in:.0f}}); the median product is {{median_product:.2g}} and the mean 2^-50 = "
                   "{{mean_of_product:.2g}}: the product is usually, not always, below 1e-18"),
        seed_claim(S, "product50.typically_tiny", "interpreted as 'typically': the median of the product of 50 "
                   "U(0,1) numbers is exp(-m) with m the median of Gamma(50, 1), {{median_exact:.2g}} < 1e-18, and "
                   "P(product <= 1e-18) > 0.85", "mpmath root of P(50, m) = 1/2; Monte Carlo median (100000 "
                   "products, |log error| < 0.1)", typical,
                   "Let america randomly sample 50 numbers from 0 to 1, and past multiply them altogether."),
    ]


def _median_product():
    """exp(-m), m the median of Gamma(50, 1): the median of a product of 50 U(0,1) numbers."""
    with mpmath.workdps(DPS):
        m = mpmath.findroot(lambda v: mpmath.gammainc(N_FACTORS, 0, v, regularized=True) - 0.5, N_FACTORS)
        return mpmath.exp(-m)


# ----- ReLU -----

def _relu(g):
    relu = g("relu")
    d = derivative(relu)
    w, xin, b, up = sp.symbols("w x_n b g", real=True)

    def gradient_values():
        sides = {p: d.subs(x, p) for p in (-3, -sp.Rational(1, 100), sp.Rational(1, 100), 3)}
        return {"holds": all(v == (1 if p > 0 else 0) for p, v in sides.items()), "values": sides,
                "one_sided_at_0": one_sided(sp.diff(relu.expr, x), x, 0)}

    def product_stays():
        """Along an active path (every pre-activation > 0) the product of 50 relu' is exactly 1, where
        50 sigmoid' factors give at most 4^-50; on any path it is 0 or 1, never a small positive number."""
        rng = np.random.default_rng(5)
        active = np.abs(rng.standard_normal((1000, N_FACTORS))) + 1e-3
        mixed = rng.standard_normal((1000, N_FACTORS)) + 2
        f = sp.lambdify(x, d, "numpy")
        on_path, any_path = np.prod(f(active), axis=1), np.prod(f(mixed), axis=1)
        ev = {"holds": bool(np.all(on_path == 1.0) and set(any_path.tolist()) <= {0.0, 1.0}),
              "min_active_path_product": float(on_path.min()), "distinct_products_mixed": sorted(set(any_path.tolist())),
              "share_of_mixed_products_equal_1": float((any_path == 1).mean()),
              "sigmoid_bound": 0.25 ** N_FACTORS, "n_products": 1000, "factors": N_FACTORS, "numpy_seed": 5}
        if not ev["holds"]:
            ev["counterexample"] = {"min_active_path_product": float(on_path.min())}
        return ev

    def dead():
        out = relu.expr.subs(x, w * xin + b)
        neg = {w: -1, xin: 2, b: sp.Rational(1, 2)}                        # pre-activation -3/2 < 0
        grads = {str(v): sp.diff(out, v).subs(neg) for v in (w, b)}
        return {"holds": all(val == 0 for val in grads.values()), "at": {str(k): v for k, v in neg.items()},
                "gradients": grads}

    def weight_gradient():
        out = relu.expr.subs(x, w * xin + b)
        loss_grad = up * sp.diff(out, w)                 # dL/dw with dL/dReLU = g
        indicator = sp.Piecewise((1, w * xin + b > 0), (0, True))
        pts = [{w: a, xin: c, b: e, up: 1.3} for a, c, e in ((0.5, 1.2, 0.1), (-0.5, 1.2, 0.1), (2.0, 0.3, -0.2))]
        same_sign = all(float(sp.sign((up * indicator * xin).subs(p))) in (0.0, float(sp.sign(p[up]))) for p in pts)
        eq = check_equal(loss_grad, up * indicator * xin, [w, xin, b, up], pts)
        return all_of(formula=eq, sign={"holds": same_sign, "points": len(pts)})

    return [
        seed_claim(S, "relu.gradient_values", "relu'(x) = 1 for x > 0 and 0 for x < 0", "exact values of the "
                   "catalog derivative; one-sided limits at 0", gradient_values,
                   r"The gradient of ReLU is 1 for $x \gt 0$ and 0 for $x \lt 0$."),
        seed_claim(S, "relu.gradient_product", "the product of 50 ReLU gradients does not shrink towards 0: it is "
                   "exactly 1 along an active path (minimum {{min_active_path_product:g}} over 1000 paths; 50 "
                   "sigmoid factors give at most {{sigmoid_bound:.2g}}), and 0 or 1 on any path",
                   "numeric: 1000 seeded active paths and 1000 seeded N(2, 1) paths, numpy seed 5", product_stays,
                   "The merchandise of gradients of ReLU usability doesn’t extremity up converging to 0 arsenic "
                   "the worth is either 0 aliases 1."),
        seed_claim(S, "relu.dying", "if w x + b < 0 the gradients of relu(w x + b) with respect to w and b are 0",
                   "exact at w = -1, x = 2, b = 1/2", dead,
                   r"If this bias word becomes excessively antagonistic specified that $\omega^Tx + b \lt 0$, past "
                   "the gradient of the ReLU activation during backward walk is 0."),
        seed_claim(S, "relu.weight_gradient_sign", "dL/dw = dL/dReLU * I(w x + b > 0) * x, which has the sign of "
                   "dL/dReLU when x >= 0", "symbolic at three points", weight_gradient,
                   r"$$ \frac{\partial L}{\partial \omega_{n}}= \frac{\partial L}{\partial (ReLU(\omega_n^Tx_n + "
                   r"b_n))}*I(ReLU(\omega_n^Tx_n + b_n))*x_n $$"),
    ]


# ----- leaky and randomized leaky ReLU -----

def _leaky(g):
    leaky, rrelu = g("leaky_relu"), g("rrelu")
    a = leaky.param("negative_slope").symbol
    lo, hi = rrelu.param("lower").symbol, rrelu.param("upper").symbol
    u = sp.Symbol("u", real=True)

    def uniform_mean_std():
        mean = sp.integrate(u, (u, 0, 1))
        std = sp.sqrt(sp.integrate((u - mean) ** 2, (u, 0, 1)))
        holds = mean == 0 and std == 1
        ev = {"holds": holds, "mean_U01": mean, "std_U01": std, "uniform_with_mean_0_std_1": "U(-sqrt(3), sqrt(3))"}
        if not holds:
            ev["counterexample"] = {"law": "U(0, 1)", "mean": float(mean), "std": float(std)}
        return ev

    prelu = g("prelu")
    return [
        seed_claim(S, "prelu.slope_learned", "PReLU's negative slope is learned during training: it gets a gradient, "
                   "d prelu/d alpha = x for x < 0", "symbolic derivative with respect to the catalog's learnable "
                   "weight, exact at 3 points", lambda: _prelu_learned(prelu),
                   "not randomly sampling the antagonistic slope $\\alpha$ but turning it into a hyperparameter, "
                   "which is learned by the web during training", qualifier="ambiguous",
                   reading="'hyperparameter' read as 'parameter': the sentence itself says the slope is learned "
                   "during training, which a hyperparameter is not"),
        seed_claim(S, "leaky_relu.gradient_negative", "the leaky ReLU's gradient for x < 0 is alpha e^x",
                   "exact value at x = -1, alpha = 1/100, against the catalog derivative",
                   lambda: refute_at(a * sp.exp(x), branch(derivative(leaky), x, -1), {x: -1, a: sp.Rational(1, 100)},
                                     "seed", "leaky_relu_derivative"),
                   r"the gradient of the activation usability for inputs $ x \lt 0$ is $\alpha e^x$",
                   expected=False, correction="leaky_relu'(x) = alpha for x < 0 (a constant; alpha e^x is ELU's "
                   "gradient)"),
        seed_claim(S, "rrelu.uniform_mean0_std1", "the random negative slope is uniform with mean 0 and standard "
                   "deviation 1, consistent with alpha ~ U(0, 1)", "symbolic moments of U(0, 1)",
                   uniform_mean_std, "wherever the antagonistic slope is randomly chosen from a azygous "
                   "distribution pinch mean 0 and modular deviation 1. / \\alpha \\sim U(0,1)", expected=False,
                   correction="U(0, 1) has mean 1/2 and std 1/sqrt(12) = {{std_U01:.3f}}; a uniform law with mean 0 and std "
                   "1 is U(-sqrt 3, sqrt 3) and would give negative slopes. RReLU draws the slope from U(l, u), "
                   "0 <= l < u <= 1 (PyTorch: U(1/8, 1/3))"),
    ]


def _alpha_default(elu):
    recs = records().get("entries", {}).get("elu", {})
    torch_d = recs["torch"][0]["params"]["alpha"]
    jax_d = recs["jax"][0]["params"]["alpha"] if "jax" in recs else torch_d
    cat = elu.param("alpha").default
    ev = {"holds": cat == torch_d == jax_d == 1.0, "catalog_default": cat, "torch_default": torch_d, "jax_default": jax_d}
    if not ev["holds"]:
        ev["counterexample"] = {"catalog": cat, "torch": torch_d, "jax": jax_d}
    return ev


def _prelu_learned(prelu):
    """PReLU's slope gets a gradient (it is learned): d prelu/d weight = x for x < 0, and the catalog marks it."""
    wt = prelu.param("weight")
    d = sp.diff(prelu.expr, wt.symbol)
    at = {str(v): d.subs(x, v) for v in (-2, -sp.Rational(1, 2), 1)}
    ev = {"holds": wt.learnable and at["-2"] == -2, "d_prelu_d_weight": at, "learnable": wt.learnable}
    if not ev["holds"]:
        ev["counterexample"] = at
    return ev


# ----- ELU -----

def _elu(g):
    elu = g("elu")
    al = elu.param("alpha").symbol
    d = derivative(elu)
    seed_f = sp.Piecewise((x, x > 0), (al * (sp.exp(x) - 1), True))

    def gradient():
        pts = [{al: a} for a in (0.5, 1.0, 1.7)]
        return all_of(function=check_equal(seed_f.subs(x, -sp.Rational(3, 2)),
                                           elu.expr.subs(x, -sp.Rational(3, 2)), [al], pts),
                      negative_side=check_equal(branch(d, x, -1), al * sp.exp(x), [al, x],
                                                [{al: a, x: v} for a in (0.5, 1.7) for v in (-0.3, -4.0)]),
                      positive_side=check_equal(branch(d, x, 1), 1, [al], pts))

    def saturates():
        lim = sp.limit(branch(elu.expr, x, -1), x, -sp.oo)
        far = check_limit(elu.expr.subs(elu.defaults()), x, -1)
        return {"holds": sp.simplify(lim + al) == 0 and far["holds"], "limit": lim,
                "value_at_-1e12_alpha_1": far["value_at_1e12"]}

    def mean_closer_to_zero():
        with mpmath.workdps(DPS):
            m_relu = mpmath.quad(lambda z: z * mpmath.npdf(z), [0, mpmath.inf])
            m_elu = m_relu + mpmath.quad(lambda z: (mpmath.exp(z) - 1) * mpmath.npdf(z), [-mpmath.inf, 0])
        return {"holds": bool(0 < m_elu < m_relu), "mean_relu_N01": float(m_relu), "mean_elu_N01": float(m_elu)}

    return [
        seed_claim(S, "elu.gradient", "elu (x for x > 0, alpha(e^x - 1) for x <= 0) has gradient 1 for x > 0 and "
                   "alpha e^x for x < 0", "symbolic against the catalog entry and derivative", gradient,
                   r"The gradient of the usability is 1 for $ x \gt 0 $ while it is $ \alpha * e^x $ for $ x \lt 0 $."),
        seed_claim(S, "elu.alpha_usually_1", "ELU's alpha is usually 1: the catalog's default is {{catalog_default}}, "
                   "PyTorch's {{torch_default}} and JAX's {{jax_default}} (recorded)", "the catalog default against "
                   "the measured reference records", lambda: _alpha_default(elu),
                   r"\alpha is simply a hyperparameter that is usually chosen to beryllium 1."),
        seed_claim(S, "elu.saturation", "elu(x) -> -alpha as x -> -inf", "symbolic limit; mpmath value at -1e12",
                   saturates, r"The usability saturates for antagonistic values to a worth of $ - \alpha $."),
        seed_claim(S, "elu.mean_activation", "interpreted: ELU's negative values bring the mean activation "
                   "closer to 0 than ReLU's (z ~ N(0, 1), alpha = 1: {{mean_elu_N01:.3f}} vs {{mean_relu_N01:.3f}}), though not to 0",
                   "mpmath quadrature, 40 digits", mean_closer_to_zero,
                   "Since, the usability does person a region of antagonistic values, we nary longer person the "
                   "problem of non-zero centered activations causing erratic training."),
    ]


# ----- corrected formulas for the errata -----

def formulas(catalog):
    """{claim id: SymPy relation}: the corrected formula of each refuted claim."""
    leaky = catalog.get("leaky_relu")
    alpha = sp.Symbol("alpha", positive=True)
    return {
        "seed003.product50.never_above_1e-18": sp.Eq(
            sp.Symbol("p"), sp.lowergamma(N_FACTORS, sp.Mul(18, sp.log(10), evaluate=False), evaluate=False)
            / sp.gamma(N_FACTORS, evaluate=False)),
        "seed003.leaky_relu.gradient_negative": sp.Eq(
            sp.Derivative(sp.Function("leaky_relu")(x), x),
            derivative(leaky).subs(leaky.param("negative_slope").symbol, alpha)),
    }
