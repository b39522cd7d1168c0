"""Seed 002 (lecture slides: activation, initialisation, regularisation): every formula as a claim."""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.catalog.initializers import fan_in, fan_out, spread
from symderiv.symbols import w, x
from symderiv.verify.constant_claims import derived_variances, uniform_limit
from symderiv.verify.numeric import DPS, branch, one_sided
from symderiv.verify.evidence import all_of, check_equal, mc_agrees, refute_at, relu_chain_slope, seed_claim
from symderiv.verify.evidence import check_identity

S = "002"
s_pos = sp.Symbol("sigma", positive=True)                  # a standard deviation
normal_pdf = sp.exp(-x**2 / (2 * s_pos**2)) / sp.sqrt(2 * sp.pi * s_pos**2)


def claims(catalog):
    g = catalog.get
    return [
        *_deep_linear(),
        *_tanh(g),
        *_relu_family(g),
        *_symmetry(),
        *_initialisation(g),
        *_regularisation(g),
        *_dropout(g),
        *_unaudited(),
    ]


# ----- statements about weights and variance across layers -----

def _unaudited():
    W, WL, a2, tt = sp.symbols("W_Lm1 W_L a_prevprev t", real=True)

    def large_weights():
        """dL/dW_(L-1) of the two-layer chain carries the factor W_L: linear units (f = identity) give
        |dL/dW_(L-1)| growing without bound in |W_L|; tanh units saturate, so it peaks and decays."""
        grads = {}
        for name, f in (("identity", lambda v: v), ("tanh", sp.tanh)):
            loss = (f(WL * f(W * a2)) - tt) ** 2 / 2
            dl = sp.lambdify(WL, sp.diff(loss, W).subs({W: sp.Rational(1, 2), a2: 1, tt: 0}), "mpmath")
            grads[name] = {str(v): float(abs(dl(v))) for v in (1, 4, 16)}
        lin, th = grads["identity"], grads["tanh"]
        holds = lin["1"] < lin["4"] < lin["16"] and th["16"] < th["1"]      # the statement and its condition
        ev = {"holds": holds, "abs_dL_dW_Lm1_at_W_L": grads}
        if not holds:
            ev["counterexample"] = grads
        return ev

    def equal_variances():
        """With Var(W) = 2/(n_in + n_out) the forward gain per layer is n_in Var(W) = 2 n_in/(n_in + n_out):
        1 exactly when n_in = n_out."""
        gain = sp.cancel(fan_in * derived_variances()["glorot"])
        at_equal = sp.simplify(gain.subs(fan_out, fan_in))
        at_124_100 = gain.subs({fan_in: 124, fan_out: 100})
        holds = at_equal == 1 and at_124_100 != 1
        return {"holds": bool(holds), "forward_gain": gain, "gain_equal_widths": at_equal,
                "gain_124_100": float(at_124_100)}

    return [
        seed_claim(S, "large_weights_gradient", "large weights give large dL/dW_(L-1): the gradient carries the "
                   "factor dz_L/da_(L-1) = W_L; with linear units |dL/dW_(L-1)| = {{abs_dL_dW_Lm1_at_W_L.identity.1:.3g}}, "
                   "{{abs_dL_dW_Lm1_at_W_L.identity.4:.3g}}, {{abs_dL_dW_Lm1_at_W_L.identity.16:.3g}} at W_L = 1, 4, 16",
                   "exact gradients of the two-layer scalar chain at W_(L-1) = 1/2, a = 1, t = 0", large_weights,
                   r"Large weights could lead to large $\frac{\partial L}{\partial W_{L-1}}$ gradients; Exploding "
                   "gradient problem", qualifier="conditional",
                   reading="units in their linear regime; with tanh units a large W_L also saturates tanh'(z_L), "
                   "and the gradient at W_L = 16 ({{abs_dL_dW_Lm1_at_W_L.tanh.16:.2g}}) is below the one at "
                   "W_L = 1 ({{abs_dL_dW_Lm1_at_W_L.tanh.1:.2g}})"),
        seed_claim(S, "init.equal_variances", "with Glorot's Var(W) = 2/(n_(l-1) + n_l) the variance is the same "
                   "in every layer, Var(a^1) = ... = Var(a^L) (linear regime)", "symbolic: the forward gain "
                   "n_in Var(W) from variance propagation", equal_variances,
                   r"$Var(a^1) = \dots = Var(a^l) = Var(a^{l+1}) \dots = Var(a^L)$", qualifier="conditional",
                   reading="consecutive layers of equal width (n_(l-1) = n_l); otherwise the forward gain per layer "
                   "is 2 n_in/(n_in + n_out) (e.g. {{gain_124_100:.3f}} for 124 -> 100), the compromise with "
                   "the backward condition"),
    ]


# ----- deep linear networks -----

def _deep_linear():
    n = sp.Symbol("n", integer=True, nonnegative=True)          # n = L - 1 hidden layers
    p, q, x1, x2 = sp.symbols("p q x_1 x_2", real=True)
    WL, xv = sp.Matrix([[p, q]]), sp.Matrix([x1, x2])

    def power_law(c):
        prod = (WL * (sp.Matrix([[c, 0], [0, c]]) ** n) * xv)[0]
        return lambda: check_equal(prod, c**n * (WL * xv)[0], [p, q, x1, x2])

    def gradient_ratio():
        # d a_L / d x for depth L and L + 1: the ratio is the diagonal weight, whatever W_L is
        ratios = {}
        for c in (sp.Rational(3, 2), sp.Rational(1, 2)):
            aL = lambda k: (WL * sp.Matrix([[c, 0], [0, c]]) ** k * xv)[0]
            grad = [sp.diff(aL(n), v) for v in (x1, x2)]
            grad_next = [sp.diff(aL(n + 1), v) for v in (x1, x2)]
            ratios[str(c)] = [sp.simplify(a / b) for a, b in zip(grad_next, grad)]
        holds = ratios == {"3/2": [sp.Rational(3, 2)] * 2, "1/2": [sp.Rational(1, 2)] * 2}
        return {"holds": holds, "gradient_ratio_per_layer": ratios, "gradient_at_depth_31_for_1.5": 1.5**30,
                "gradient_at_depth_31_for_0.5": 0.5**30}

    quote15 = r"$a_L = W_L 1.5^{L-1} x$; large outputs leads to larger gradients; Exploding gradient"
    quote05 = r"$a_L = W_L 0.5^{L-1} x$; smaller outputs leads to smaller gradients; Vanishing gradient"
    return [
        seed_claim(S, "deep_linear.output_1_5", "with W_l = 1.5 I for l = 1..L-1, a_L = W_L 1.5^(L-1) x "
                   "(for every L, W_L and x)", "symbolic: the matrix power (1.5 I)^n with symbolic n; "
                   "numeric at 12 seeded points", power_law(sp.Rational(3, 2)), quote15),
        seed_claim(S, "deep_linear.output_0_5", "with W_l = 0.5 I for l = 1..L-1, a_L = W_L 0.5^(L-1) x",
                   "symbolic: (0.5 I)^n with symbolic n; numeric at 12 seeded points",
                   power_law(sp.Rational(1, 2)), quote05),
        seed_claim(S, "deep_linear.gradient_growth", "d a_L / d x is multiplied by 1.5 (exploding) or 0.5 "
                   "(vanishing) with every added layer", "symbolic: ratio of the gradients at depths n+1 "
                   "and n", gradient_ratio, quote15 + " / " + quote05),
    ]


# ----- tanh -----

def _tanh(g):
    a_prev, W, tt = sp.symbols("a_prev W_L t", real=True)
    a2, W1 = sp.symbols("a_prevprev W_Lm1", real=True)

    def strong_weak():
        d = sp.diff(sp.tanh(x), x)
        crit = sp.solve(sp.diff(d, x), x)
        ev = {"critical_points": crit, "value_at_0": d.subs(x, 0), "value_at_3": float(d.subs(x, 3)),
              "limits_at_inf": [sp.limit(d, x, sp.oo), sp.limit(d, x, -sp.oo)]}
        ev["holds"] = crit == [0] and ev["value_at_0"] == 1 and ev["limits_at_inf"] == [0, 0]
        return ev

    def chain_last():
        zL = W * a_prev
        loss = (sp.tanh(zL) - tt) ** 2 / 2
        aL = sp.Symbol("a_L")
        factors = (sp.diff((aL - tt) ** 2 / 2, aL).subs(aL, sp.tanh(zL)) * (1 - sp.tanh(zL) ** 2) * a_prev)
        return check_equal(sp.diff(loss, W), factors, [W, a_prev, tt])

    def chain_previous():
        z1 = W1 * a2
        zL = W * sp.tanh(z1)
        loss = (sp.tanh(zL) - tt) ** 2 / 2
        factors = ((sp.tanh(zL) - tt) * (1 - sp.tanh(zL) ** 2) * W * (1 - sp.tanh(z1) ** 2) * a2)
        return check_equal(sp.diff(loss, W1), factors, [W, W1, a2, tt])

    return [
        seed_claim(S, "tanh.definition", "2/(1 + e^(-2z)) - 1 = tanh(z)", "symbolic; numeric at 77 points",
                   lambda: check_identity(2 / (1 + sp.exp(-2 * x)) - 1, sp.tanh(x), x),
                   r"Tanh function: $f(z^l) = \frac{2}{1 + e^{-2z^l}} - 1$"),
        seed_claim(S, "tanh.derivative", "tanh'(z) = 1 - tanh(z)^2", "symbolic against the catalog derivative",
                   lambda: check_identity(derivative(g("tanh")), 1 - sp.tanh(x) ** 2, x),
                   r"$\frac{\partial f(z^l)}{\partial z^l} = 1 - \tanh^2(z^l) = f'(z^l)"),
        seed_claim(S, "tanh.strong_weak_gradient", "tanh' is largest (= 1) at z = 0, its only critical point, "
                   "and tends to 0 as |z| -> inf (tanh'(3) < 0.01)", "symbolic: critical points and limits",
                   strong_weak, r"When inputs z^l are close to “0”; $\tanh(z^l)^2 \approx 0$; $f'(z^l)$ is a "
                   r"strong gradient"),
        seed_claim(S, "chain.last_layer", "for a_L = tanh(W_L a_(L-1)) and L = (a_L - t)^2/2: dL/dW_L = "
                   "dL/da_L * da_L/dz_L * dz_L/dW_L (interpreted as scalars)", "symbolic: diff of the "
                   "composite against the product of the factors", chain_last,
                   r"$\frac{\partial L}{\partial W_L} = \frac{\partial L}{\partial a_L} \frac{\partial a_L}"
                   r"{\partial z_L} \frac{\partial z_L}{\partial W_L}$"),
        seed_claim(S, "chain.previous_layer", "dL/dW_(L-1) is the product of the five factors, with "
                   "dz_L/da_(L-1) = W_L (scalar two-layer tanh chain)", "symbolic: diff of the composite "
                   "against the product of the factors", chain_previous,
                   r"$\frac{\partial L}{\partial W_{L-1}} = \frac{\partial L}{\partial a_L} \frac{\partial a_L}"
                   r"{\partial z_L} \frac{\partial z_L}{\partial a_{L-1}} \frac{\partial a_{L-1}}{\partial "
                   r"z_{L-1}} \frac{\partial z_{L-1}}{\partial W_{L-1}}$; $\frac{\partial z_L}{\partial a_{L-1}}"
                   r" = W_L$"),
    ]


# ----- ReLU, softplus, leaky ReLU -----

def _relu_family(g):
    relu, sp_entry, leaky = g("relu"), g("softplus"), g("leaky_relu")
    gamma = leaky.param("negative_slope").symbol

    def relu_undefined():
        left, right = one_sided(sp.diff(relu.expr, x), x, 0)
        return {"holds": left != right, "left_derivative": left, "right_derivative": right}

    def softplus_smooth():
        d = derivative(sp_entry).subs(sp_entry.defaults())
        left, right = one_sided(d, x, 0)
        ev = {"derivative": d, "at_0": d.subs(x, 0), "left_right_at_0": [left, right],
              "positive_everywhere": bool(d.is_positive)}
        ev["holds"] = left == right == sp.Rational(1, 2) and ev["positive_everywhere"]
        return ev

    def relu_negative():
        d = derivative(relu)
        vals = {p: (relu.expr.subs(x, p), d.subs(x, p)) for p in (-1, -sp.Rational(1, 1000), -10**6)}
        return {"holds": all(v == (0, 0) for v in vals.values()), "value_and_derivative": vals}

    def leaky_matches():
        seed_f = sp.Piecewise((gamma * x, x < 0), (x, True))
        d = derivative(leaky)
        return all_of(function=check_identity(seed_f.subs(gamma, sp.Rational(1, 100)),
                                              leaky.expr.subs(leaky.defaults()), x),
                      negative_side=check_equal(branch(d, x, -1), gamma, [gamma]),
                      positive_side=check_equal(branch(d, x, 1), 1, [gamma]))

    def weights_explode_vanish():
        depth = 30
        slopes = {wv: relu_chain_slope(wv, depth) for wv in (1.5, 0.5)}
        ev = {"holds": slopes[1.5] > 1e5 and slopes[0.5] < 1e-8, "depth": depth,
              "dy_dx_weight_1_5": slopes[1.5], "dy_dx_weight_0_5": slopes[0.5]}
        if not ev["holds"]:
            ev["counterexample"] = {"w_1.5": slopes[1.5], "w_0.5": slopes[0.5]}
        return ev

    return [
        seed_claim(S, "relu.weights_explode_vanish", "in a chain of 30 ReLU units a_l = relu(w a_(l-1)) with positive "
                   "input, d a_L/d x = w^30: {{dy_dx_weight_1_5:.2g}} for w = 1.5 (exploding), {{dy_dx_weight_0_5:.2g}} for "
                   "w = 0.5 (vanishing)",
                   "float64 central differences of the chain at x = 1", weights_explode_vanish,
                   "With large weights, it is possible to have an exploding gradient and vanishing gradient when "
                   "weights are small"),
        seed_claim(S, "relu.derivative_is_one", "relu'(z) = 1 for z > 0", "symbolic: the catalog derivative's "
                   "piece for z > 0, and exact values at z = 1/1000, 1, 10^6",
                   lambda: check_equal(branch(derivative(relu), x, 1), 1, [x], [{x: v} for v in (1e-3, 1.0, 1e6)]),
                   r"Derivative of ReLU: $\frac{\partial f(z^l)}{\partial z^l} = 1 = f'(z^l)$",
                   qualifier="conditional", reading="for z > 0: the slide's next line gives f'(z) = 0 for z < 0 "
                   "(seed002.relu.negative_side), so the line is incomplete rather than wrong"),
        seed_claim(S, "relu.undefined_at_zero", "relu is not differentiable at 0 (one-sided derivatives 0 "
                   "and 1)", "symbolic one-sided limits", relu_undefined,
                   r"When $z^l = 0$; $f'(z^l)$ is undefined."),
        seed_claim(S, "softplus.smooth", "softplus(z) = log(1 + e^z) is differentiable at 0 (derivative 1/2) "
                   "and its derivative is positive everywhere", "symbolic: one-sided limits and sign of "
                   "the catalog derivative", softplus_smooth,
                   r"$f_{\text{softplus}}(z^l) = \log(1 + e^{z^l})$"),
        seed_claim(S, "relu.negative_side", "for z < 0, relu(z) = 0 and relu'(z) = 0", "exact values at "
                   "z = -1, -1/1000, -10^6", relu_negative,
                   r"For $z^l < 0$; $f(z^l) = 0$ and $f'(z^l) = 0$."),
        seed_claim(S, "leaky_relu.definition", "the slide's leaky ReLU (gamma z for z < 0, z for z >= 0) is "
                   "the catalog's leaky_relu at gamma = 0.01; its derivative is gamma for z < 0 and 1 for z > 0",
                   "symbolic", leaky_matches,
                   r"$f_{\text{leReLU}}(z^l) = \begin{cases} \gamma z^l & z^l < 0 \\ z^l & z^l \geq 0 "
                   r"\end{cases}$ where γ is the negative slope; / e.g $\gamma = 0.01$"),
    ]


# ----- symmetry breaking -----

def _symmetry():
    w1, w2, v1, v2, xin, yt = sp.symbols("w_1 w_2 v_1 v_2 x y", real=True)
    x1, x2 = sp.symbols("x_1 x_2", real=True)
    linear_loss = (w1 * x1 + w2 * x2 - yt) ** 2 / 2            # the slide's model, one weight per input
    hidden_loss = (v1 * sp.tanh(w1 * xin) + v2 * sp.tanh(w2 * xin) - yt) ** 2 / 2

    def linear_equal_stays_equal():
        at = {w1: sp.Rational(1, 2), w2: sp.Rational(1, 2), x1: 1, x2: 2, yt: 0}
        g1, g2 = (sp.diff(linear_loss, v).subs(at) for v in (w1, w2))
        lr = sp.Rational(1, 10)
        after = (at[w1] - lr * g1, at[w2] - lr * g2)
        ev = {"holds": g1 == g2, "gradients": [g1, g2], "weights_after_one_step_lr_0.1": list(after)}
        if g1 != g2:
            ev["counterexample"] = {"x": [1, 2], "y": 0, "w_1 = w_2": 0.5, "after_one_step": [float(a) for a in after]}
        return ev

    def hidden_equal_stays_equal():
        same = {w2: w1, v2: v1}
        return all_of(incoming=check_equal(sp.diff(hidden_loss, w1).subs(same), sp.diff(hidden_loss, w2).subs(same),
                                           [w1, v1, xin, yt]),
                      outgoing=check_equal(sp.diff(hidden_loss, v1).subs(same), sp.diff(hidden_loss, v2).subs(same),
                                           [w1, v1, xin, yt]))

    def linear_zero():
        shared = (sp.Symbol("w") * (x1 + x2) - yt) ** 2 / 2
        grad = sp.diff(shared, sp.Symbol("w")).subs({sp.Symbol("w"): 0, x1: 1, x2: 2, yt: 1})
        ev = {"holds": grad == 0, "gradient_at_w_0": grad}
        if grad != 0:
            ev["counterexample"] = {"x": [1, 2], "y": 1, "w": 0, "dL_dw": float(grad)}
        return ev

    def hidden_zero():
        zero = {w1: 0, w2: 0, v1: 0, v2: 0}
        grads = {str(v): sp.diff(hidden_loss, v).subs(zero) for v in (w1, w2, v1, v2)}
        return {"holds": all(gv == 0 for gv in grads.values()), "gradients_at_0": grads}

    quote_model = r"$\hat{y} = wx_1 + wx_2$"
    quote_sym = "Weights contributes equally to the cost, so they will never differ from each other"
    return [
        seed_claim(S, "symmetry.linear_model", "in the slide's model y^ = w_1 x_1 + w_2 x_2 with equal initial "
                   "weights, the weights never differ (squared error, gradient descent)", "exact gradients at "
                   "w_1 = w_2 = 1/2, x = (1, 2), y = 0", linear_equal_stays_equal, quote_model + " / " + quote_sym,
                   expected=False, correction="dL/dw_i = (y^ - y) x_i differs when x_1 != x_2; the symmetry problem "
                   "concerns hidden units with identical incoming and outgoing weights, which get identical gradients"),
        seed_claim(S, "symmetry.hidden_units", "interpreted for hidden units: in y^ = v_1 tanh(w_1 x) + v_2 tanh(w_2 x) "
                   "with w_1 = w_2 and v_1 = v_2 both units get identical gradients, so gradient descent never "
                   "separates them", "symbolic", hidden_equal_stays_equal, quote_sym),
        seed_claim(S, "symmetry.zero_linear_model", "in the slide's model y^ = w x_1 + w x_2, w = 0 gives no update",
                   "exact gradient at w = 0, x = (1, 2), y = 1", linear_zero, quote_model + " / If $w = 0$ no update "
                   "at all", expected=False, correction="dL/dw = (y^ - y)(x_1 + x_2) = -y (x_1 + x_2) at w = 0; the "
                   "gradients vanish when all weights of a network with a hidden layer are 0 (y^ = v tanh(w x))"),
        seed_claim(S, "symmetry.zero_hidden_layer", "interpreted for a network with a hidden layer: with all weights "
                   "0, y^ = v_1 tanh(w_1 x) + v_2 tanh(w_2 x) has zero gradient for every weight (no update)",
                   "symbolic", hidden_zero, "If $w = 0$ no update at all"),
    ]


# ----- initialisation -----

def _initialisation(g):
    derived = derived_variances()         # by variance propagation and integration (constant_claims)
    glorot_var, he_var = derived["glorot"], derived["he"]
    n = [fan_in, fan_out]

    def law(seed_value, derived, entry):
        return all_of(seed_vs_derivation=check_equal(seed_value, derived, n, _fan_points()),
                      seed_vs_catalog=check_equal(seed_value, spread(g(entry)), n, _fan_points()))

    return [
        seed_claim(S, "init.glorot_normal", "Xavier/Glorot normal std sqrt(2/(n_(l-1) + n_l)): the square root of "
                   "the variance whose forward gain n_in Var(W) and backward gain n_out Var(W) average to 1, the "
                   "gains from Var(sum_i W_i x_i) by integration", "symbolic: variance propagation (SymPy "
                   "integration and solve), against the slide and the catalog's spread()",
                   lambda: law(sp.sqrt(2 / (fan_in + fan_out)), sp.sqrt(glorot_var), "glorot_normal"),
                   r"$W^l = \mathcal{N}\left(\mu = 0, \sigma = \sqrt{\frac{2}{n^{l-1} + n^l}}\right)$"),
        seed_claim(S, "init.glorot_uniform", "Xavier/Glorot uniform limit sqrt(6/(n_(l-1) + n_l)): U(-a, a) has "
                   "variance a^2/3 = 2/(n_in + n_out)", "symbolic: the variance of U(-a, a) by integration",
                   lambda: law(sp.sqrt(6 / (fan_in + fan_out)), uniform_limit(glorot_var), "glorot_uniform"),
                   r"$W^l = U(-limit, limit)$ where $limit = \sqrt{\frac{6}{n^{l-1} + n^l}}$"),
        seed_claim(S, "init.he_normal", "He normal std sqrt(2/n_(l-1)): E[relu(z)^2] = Var(z)/2 for symmetric "
                   "z ~ N(0, s^2), so n_in Var(W) Var(z)/2 = Var(z) gives Var(W) = 2/n_in",
                   "symbolic: E[relu(z)^2] by integration against the normal density",
                   lambda: law(sp.sqrt(2 / fan_in), sp.sqrt(he_var), "he_normal"),
                   r"$W^l = \mathcal{N}\left(\mu = 0, \sigma = \sqrt{\frac{2}{n^{l-1}}}\right)$"),
        seed_claim(S, "init.he_uniform", "He uniform limit sqrt(6/n_(l-1)) (variance 2/n_in)",
                   "symbolic: the variance of U(-a, a) by integration",
                   lambda: law(sp.sqrt(6 / fan_in), uniform_limit(he_var), "he_uniform"),
                   r"$W^l = U(-limit, limit)$ where $limit = \sqrt{\frac{6}{n^{l-1}}}$"),
        seed_claim(S, "init.tanh_variance_equal", "Var(tanh(z)) = Var(z) (read as an exact equality), for "
                   "z ~ N(0, 1)", "mpmath quadrature of E[tanh(z)^2] at 40 digits",
                   lambda: _tanh_variance(1), r"$Var(a^l) = Var(z^l)$", expected=False,
                   correction="Var(tanh z) < Var(z) for every non-degenerate z (|tanh z| < |z|); for "
                   "z ~ N(0, s^2), Var(tanh z)/Var(z) = 1 - 2 s^2 + O(s^4): the equality is the linear-regime "
                   "approximation of Glorot & Bengio, good only for small s"),
        seed_claim(S, "init.tanh_variance_linear_regime", "interpreted as the linear-regime approximation: for "
                   "z ~ N(0, s^2), Var(tanh z)/Var(z) = 1 - 2 s^2 + 17/3 s^4 + O(s^6) (checked at s = 0.1, 0.05)",
                   "series of tanh^2 (SymPy) and normal moments; mpmath quadrature; tolerance 100 s^6",
                   _tanh_variance_series, r"$Var(a^l) = Var(z^l)$"),
        seed_claim(S, "init.relu_mean_positive", "mean(relu(z)) = s/sqrt(2 pi) > 0 for z ~ N(0, s^2): the "
                   "zero-mean condition fails for ReLU", "symbolic integration against the normal density",
                   lambda: _relu_mean(), r"$mean(a^l) \approx 0$ will not hold since ReLU operates between 0 "
                   r"and x"),
    ]


def _fan_points():
    return [{fan_in: a, fan_out: b} for a, b in ((1, 1), (3, 7), (124, 100), (100, 10), (784, 256))]


def _tanh_variance(s):
    with mpmath.workdps(DPS):
        v = mpmath.quad(lambda z: mpmath.tanh(z) ** 2 * mpmath.npdf(z, 0, s), [-mpmath.inf, 0, mpmath.inf])
    holds = abs(v - s**2) < 1e-20
    ev = {"holds": bool(holds), "var_tanh_z": float(v), "var_z": s**2, "ratio": float(v / s**2)}
    if not holds:
        ev["counterexample"] = {"z_law": f"N(0, {s}^2)", "var_tanh_z": float(v), "var_z": s**2}
    return ev


def _tanh_ratio_series():
    """Var(tanh z)/Var(z) for z ~ N(0, s^2) up to s^4: the series of tanh^2 against the normal moments."""
    series = sp.series(sp.tanh(x) ** 2, x, 0, 8).removeO()
    moments = {k: sp.factorial2(k - 1) * s_pos**k for k in range(2, 8, 2)}     # E z^k for z ~ N(0, s^2)
    expectation = sum(series.coeff(x, k) * moments[k] for k in moments)
    return sp.expand(expectation / s_pos**2)


def _tanh_variance_series():
    ratio_series = _tanh_ratio_series()
    checks = {}
    for s in (0.1, 0.05):
        exact = _tanh_variance(s)["ratio"]
        approx = float(ratio_series.subs(s_pos, s))
        checks[s] = {"quadrature": exact, "series": approx, "abs_error": abs(exact - approx),
                     "tolerance": 100 * s**6}
    holds = ratio_series == 1 - 2 * s_pos**2 + sp.Rational(17, 3) * s_pos**4 and all(
        c["abs_error"] <= c["tolerance"] for c in checks.values())
    return {"holds": holds, "ratio_series": ratio_series, "checks": checks}


def _relu_mean():
    m = sp.integrate(x * normal_pdf, (x, 0, sp.oo))
    holds = sp.simplify(m - s_pos / sp.sqrt(2 * sp.pi)) == 0 and m.is_positive
    return {"holds": bool(holds), "mean_relu": m, "at_s_1": float(m.subs(s_pos, 1))}


# ----- regularisation -----

def _regularisation(g):
    W, gL, alpha, lam = sp.Symbol("W", real=True), sp.Symbol("g", real=True), *sp.symbols("alpha lambda",
                                                                                           positive=True)
    l1, l2 = g("l1"), g("l2")
    l1_grad = derivative(l1).subs(l1.param("l").symbol, lam).subs(w, W)       # lambda sign(W)
    l2_grad = derivative(l2).subs(l2.param("l").symbol, lam).subs(w, W)       # 2 lambda W

    def l1_seed_sign():
        # L(W) = (W - 1)^2 / 2 at W = 1 (dL/dW = 0), alpha = 1/10, lambda = 1/2
        C = lambda v: (v - 1) ** 2 / 2 + sp.Rational(1, 2) * abs(v)
        a, lm, W0 = sp.Rational(1, 10), sp.Rational(1, 2), sp.S.One
        seed_step, gd_step = W0 + a * lm, W0 - a * lm * sp.sign(W0)
        holds = C(seed_step) < C(W0)
        ev = {"holds": bool(holds), "W": 1, "cost_before": float(C(W0)), "W_seed_step": float(seed_step),
              "cost_after_seed_step": float(C(seed_step)), "W_gradient_step": float(gd_step),
              "cost_after_gradient_step": float(C(gd_step))}
        if not holds:
            ev["counterexample"] = {"L": "(W - 1)^2/2", "W": 1, "alpha": 0.1, "lambda": 0.5,
                                    "seed_step_W": float(seed_step), "cost_rises_to": float(C(seed_step))}
        return ev

    def update(grad, written):
        step = W - alpha * (gL + grad)
        return check_equal(step, written, [W, gL, alpha, lam],
                           [{W: a, gL: b, alpha: c, lam: d} for a, b, c, d in
                            ((0.7, -0.3, 0.1, 0.01), (-1.3, 0.4, 0.05, 0.2), (2.5, 1.0, 0.5, 0.5))])

    return [
        seed_claim(S, "l1.update_sign", "W := W - alpha dL/dW -+ alpha lambda, the sign chosen against the sign of "
                   "W, is a gradient step on C = L + lambda |W| (W != 0)", "symbolic, with the catalog's derivative "
                   "of l1; the other sign choice raises C in one step (evidence wrong_sign)",
                   lambda: {**update(l1_grad, W - alpha * gL - alpha * lam * sp.sign(W)), "wrong_sign": l1_seed_sign()},
                   r"Weight update at layer l : $W^l := W^l - \alpha \frac{\partial L}{\partial W^l} \pm "
                   r"\alpha \lambda$", qualifier="ambiguous",
                   reading="the ± is read as -sign(W): minus for W > 0, plus for W < 0 (the sign that pulls W "
                   "towards 0); read as a free choice of sign, + alpha lambda for W > 0 would raise the cost"),
        seed_claim(S, "l1.update_corrected", "interpreted with the sign that makes it a gradient step: "
                   "W := W - alpha dL/dW - alpha lambda sign(W) is W - alpha dC/dW for C = L + lambda |W| (W != 0)",
                   "symbolic, with the catalog's derivative of l1",
                   lambda: update(l1_grad, W - alpha * gL - alpha * lam * sp.sign(W)),
                   r"$W^l := W^l - \alpha \frac{\partial L}{\partial W^l} \pm \alpha \lambda$"),
        seed_claim(S, "l2.update", "W := (1 - 2 alpha lambda) W - alpha dL/dW is W - alpha dC/dW for "
                   "C = L + lambda ||W||_2^2", "symbolic, with the catalog's derivative of l2",
                   lambda: update(l2_grad, (1 - 2 * alpha * lam) * W - alpha * gL),
                   r"$W^l := (1 - 2\alpha\lambda)W^l - \alpha \frac{\partial L}{\partial W^l}$"),
        seed_claim(S, "polynomial.linear_penalty", "adding lambda theta_3 + lambda theta_4 to the squared-error "
                   "cost drives theta_3, theta_4 to 0 (fit of 9 points of y = 1 + x - x^2 on [-1, 1], lambda = 1/10)",
                   "exact least squares (SymPy rationals): the minimiser of the penalised cost",
                   _polynomial_penalty, r"$C(\theta) = L(\theta, x, y) + \lambda\theta_3 + \lambda\theta_4$ / "
                   r"When $C(\theta) \rightarrow 0$, $\theta_3, \theta_4 \rightarrow 0$", expected=False,
                   correction="a penalty linear in theta has a constant gradient lambda and pushes theta_3, "
                   "theta_4 to negative values; use lambda(|theta_3| + |theta_4|) or lambda(theta_3^2 + theta_4^2), "
                   "whose minimiser here is theta_3 = theta_4 = 0"),
    ]


def _polynomial_penalty():
    xs = [sp.Rational(k, 4) for k in range(-4, 5)]
    th = sp.symbols("theta_0:5", real=True)
    lam = sp.Rational(1, 10)
    fit = lambda v: sum(th[k] * v**k for k in range(5))
    L = sum((fit(v) - (1 + v - v**2)) ** 2 for v in xs) / 2
    results = {}
    for name, pen in (("linear", lam * th[3] + lam * th[4]), ("squared", lam * (th[3] ** 2 + th[4] ** 2))):
        sol = sp.solve([sp.diff(L + pen, v) for v in th], th, dict=True)[0]
        results[name] = {"theta_3": sol[th[3]], "theta_4": sol[th[4]]}
    lin = results["linear"]
    holds = lin["theta_3"] == 0 and lin["theta_4"] == 0
    ev = {"holds": holds, "minimiser_linear_penalty": lin, "minimiser_squared_penalty": results["squared"]}
    if not holds:
        ev["counterexample"] = {"theta_3": float(lin["theta_3"]), "theta_4": float(lin["theta_4"])}
    return ev


# ----- dropout -----

def _dropout(g):
    seed_d, inv_d = g("dropout_seed"), g("dropout")

    def expectation(entry):
        rnd = entry.extra["random"]
        m, keep = rnd["symbol"], rnd["keep"]
        mean = keep * entry.expr.subs(m, 1) + (1 - keep) * entry.expr.subs(m, 0)    # Bernoulli(keep) mask
        p = entry.param("p").symbol
        symbolic = check_equal(mean, entry.extra["inference_expr"], [x, p],
                               [{x: a, p: b} for a, b in ((1.0, 0.3), (-2.5, 0.5), (0.7, 0.9))])
        rng, n, pv, xv = np.random.default_rng(2), 200_000, 0.3, 1.0
        f = sp.lambdify([m, x, p], entry.expr, "numpy")
        out = f((rng.random(n) >= pv).astype(float), xv, pv)
        mc = mc_agrees(out.mean(), float(entry.extra["inference_expr"].subs({x: xv, p: pv})),
                       out.std(ddof=1) / np.sqrt(n), n, 2, p=pv, x=xv)
        return all_of(symbolic=symbolic, monte_carlo=mc)

    return [
        seed_claim(S, "dropout.inference_scaling", "with the slide's training rule (drop with probability p, no "
                   "rescaling), E[training output] = (1 - p) x, which is the inference output (1 - p) x",
                   "symbolic expectation over the Bernoulli(1 - p) mask of catalog dropout_seed; Monte Carlo "
                   "(p = 0.3, 200000 draws, 5 standard errors)", lambda: expectation(seed_d),
                   r"Therefore multiply the the activations by $1-p$ to reduce the strength"),
        seed_claim(S, "dropout.inverted", "the equivalent inverted dropout (scale kept values by 1/(1 - p) in "
                   "training, PyTorch) has E[training output] = x, the identity at inference",
                   "symbolic expectation over the mask of catalog dropout; Monte Carlo (p = 0.3, 200000 draws)",
                   lambda: expectation(inv_d), r"Therefore multiply the the activations by $1-p$ to reduce the strength"),
    ]


# ----- corrected formulas for the errata -----

def formulas(catalog):
    """{claim id: SymPy relation}: the corrected formula of each refuted claim."""
    W, alpha, lam = sp.Symbol("W", real=True), *sp.symbols("alpha lambda", positive=True)
    th3, th4 = sp.symbols("theta_3 theta_4", real=True)
    L, C, Var = sp.Function("L"), sp.Function("C"), sp.Function("Var")
    z = sp.Symbol("z", real=True)
    return {
        "seed002.init.tanh_variance_equal": sp.Eq(Var(sp.tanh(z)) / Var(z),
                                                  _tanh_ratio_series() + sp.O(s_pos**6)),
        "seed002.polynomial.linear_penalty": sp.Eq(C(th3, th4), L(th3, th4) + sp.Symbol("lambda") * (th3**2 + th4**2)),
    }
