"""Seed 000 (article, translated): L1 regularization vs Leaky ReLU in backpropagation.

The network (per sample): x2 = A x1 + B, x3 = f(x2), y = C x3 + D, L = 1/2 |t - y|^2, and its
products read as matrices: -(t - y) C H(x2) x1 is (C^T (y - t) * H(x2)) x1^T. References: the
forward definitions in mpmath (DPS digits) differentiated by `mpmath.diff`; identities by SymPy with
H a 0/1 symbol. One reading for the whole article: the seed derives the ReLU -> Leaky ReLU change
with the residual t - y and x1 held fixed; its A, B, C and D lines are judged under that reading.
The deep-growth claim is made where the generated code is (`symderiv.emit.network_claims`).
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.calculus.network import with_convention
from symderiv.symbols import x as X
from symderiv.verify.evidence import ARRAY_TOL as TOL
from symderiv.verify.evidence import compare, refute_at, seed_claim
from symderiv.verify.numeric import DPS

S = "000"
ALPHA = 0.01         # the seed's Leaky ReLU slope (Keras LeakyReLU(alpha=0.01))
SIZES = (3, 4, 2)    # n_in, n_hidden, n_out of the small instance of seed 000's network


# ----- references: forward definitions in mpmath, derivatives by mpmath.diff ------------------------

def _act(v, alpha):
    """ReLU (alpha = 0) or Leaky ReLU, at a point away from 0."""
    return v if v >= 0 else alpha * v


def _forward(p, alpha):
    x1, A, B, C, D = p["x1"], p["A"], p["B"], p["C"], p["D"]
    x2 = [sum(A[j][i] * x1[i] for i in range(len(x1))) + B[j] for j in range(len(B))]
    x3 = [_act(v, alpha) for v in x2]
    y = [sum(C[k][j] * x3[j] for j in range(len(x3))) + D[k] for k in range(len(D))]
    return x2, x3, y


def _loss(p, alpha, lam=0, mse=True):
    x2, _, y = _forward(p, alpha)
    squared = sum((tk - yk) ** 2 for tk, yk in zip(p["t"], y)) / 2 if mse else 0
    return squared + lam * sum(abs(v) for v in x2)


def _reference_grads(p, alpha, lam=0, mse=True):
    """{name: array of dL/dname} by mpmath.diff of the loss, one element at a time."""
    out = {}
    with mpmath.workdps(DPS):
        for name in ("A", "B", "C", "D"):
            arr = np.array(p[name], dtype=object)
            g = np.zeros(arr.shape)
            for idx in np.ndindex(arr.shape):
                def f(v, idx=idx, name=name):
                    q = {k: (np.array(val, dtype=object) if k == name else val) for k, val in p.items()}
                    q[name][idx] = v
                    q[name] = q[name].tolist()
                    return _loss(q, alpha, lam, mse)
                g[idx] = float(mpmath.diff(f, mpmath.mpf(arr[idx])))
            out[name] = g
    return out


def _points(n=4, seed=0, margin=0.1):
    """Seeded small instances of seed 000's network with every |x2| > margin (away from the kinks)."""
    rng = np.random.default_rng(seed)
    n_in, n_h, n_out = SIZES
    pts = []
    while len(pts) < n:
        p = {"x1": rng.normal(size=n_in), "A": rng.normal(size=(n_h, n_in)), "B": rng.normal(size=n_h),
             "C": rng.normal(size=(n_out, n_h)), "D": rng.normal(size=n_out), "t": rng.normal(size=n_out)}
        p = {k: np.round(v, 6) for k, v in p.items()}
        if np.all(np.abs(p["A"] @ p["x1"] + p["B"]) > margin) and np.any(p["A"] @ p["x1"] + p["B"] < 0):
            pts.append({k: v.tolist() for k, v in p.items()})
    return pts


def _np(p, alpha):
    """Float64 forward values of one instance: x1, x2, H(x2) (H(0) = 1), x3, y, t, C."""
    x1, A, B, C, D, t = (np.array(p[k], dtype=float) for k in ("x1", "A", "B", "C", "D", "t"))
    x2 = A @ x1 + B
    H = (x2 >= 0).astype(float)
    x3 = np.where(x2 >= 0, x2, alpha * x2)
    return {"x1": x1, "x2": x2, "H": H, "x3": x3, "y": C @ x3 + D, "t": t, "C": C}


# ----- seed 000: the partial derivatives for A, B, C, D (ReLU, H(0) = 1) -----------------------------

def seed_relu_grads(p, alpha=0.0):
    """The seed's four formulas, as written (products read as matrices)."""
    v = _np(p, alpha)
    back = v["C"].T @ (-(v["t"] - v["y"])) * v["H"]
    return {"A": np.outer(back, v["x1"]), "B": back, "C": np.outer(-(v["t"] - v["y"]), v["x3"]),
            "D": -(v["t"] - v["y"])}


@lru_cache(maxsize=None)
def reference(kind, seed=0):
    pts = _points(seed=seed)
    if kind == "relu":
        return pts, [_reference_grads(p, 0) for p in pts]
    if kind == "leaky":
        return pts, [_reference_grads(p, ALPHA) for p in pts]
    if kind == "l1":   # the L1 activity term alone: lambda |x2|_1 with lambda = 1
        return pts, [_reference_grads(p, 0, lam=1, mse=False) for p in pts]
    raise KeyError(kind)


def _partials_claims():
    quotes = {
        "A": r"&=-(t - y)\cdot C \cdot H(x_2) \cdot x_1",
        "B": r"&=-(t - y)\cdot C \cdot H(x_2) \\",
        "C": r"&=-(t - y)\cdot x_3",
        "D": r"&=-(t - y)\\",
    }
    claims = []
    for name, quote in quotes.items():
        def check(name=name):
            pts, refs = reference("relu")
            return compare(lambda p: seed_relu_grads(p)[name], lambda p: refs[pts.index(p)][name], pts)
        claims.append(seed_claim(S, f"relu_partial_{name}", f"dL/d{name} of the ReLU network x2 = A x1 + B, "
                             f"x3 = relu(x2), y = C x3 + D, L = (t - y)^2/2 is {quote.split('=', 1)[1].strip()} "
                             "(products read as matrices; away from x2 = 0)",
                             "numeric: mpmath.diff of the loss at 4 seeded points (3-4-2 network, some units "
                             f"inactive), tolerance {TOL}", check, quote))
    return claims


# ----- seed 000: L1 activity regularization -----------------------------------------------------------

def _l1_claims():
    H, lam, v = sp.Symbol("H"), sp.Symbol("lambda", positive=True), sp.Symbol("x_2", real=True)

    def gradient_form():
        # d(lambda |x2|)/dx2 (SymPy) against lambda (2H(x2) - 1) with H(x2) = 1 for x2 >= 0, at points
        truth = sp.diff(lam * sp.Abs(v), v)
        pts = [-3.5, -1.2, -0.01, 0.01, 0.7, 2.9]
        errs = [abs(float((truth - lam * (2 * H - 1)).subs({v: x, H: 1 if x >= 0 else 0, lam: 0.3}))) for x in pts]
        at0 = (lam * (2 * H - 1)).subs(H, 1)
        ev = {"holds": max(errs) == 0 and at0 == lam, "max_abs_error": max(errs), "n_points": len(pts),
              "value_at_0": str(at0), "subdifferential_at_0": "[-lambda, lambda]"}
        return ev

    def kink():
        # the seed's d|x|/dx at 0 (x >= 0 branch): 1, between the one-sided limits -1 and 1
        left = sp.limit(sp.diff(sp.Abs(v), v), v, 0, "-")
        right = sp.limit(sp.diff(sp.Abs(v), v), v, 0, "+")
        ev = {"holds": bool(left <= 1 <= right), "left_limit": left, "right_limit": right, "seed_value": 1,
              "catalog_value": 0}
        if not ev["holds"]:
            ev["counterexample"] = {"input": 0, "claimed": 1, "limits": [left, right]}
        return ev

    def effect_AB():
        pts, refs = reference("l1")

        def claimed(p):
            v_ = _np(p, 0)
            g = 2 * v_["H"] - 1
            return np.concatenate([np.outer(g, v_["x1"]).ravel(), g])

        return compare(claimed, lambda p: np.concatenate([refs[pts.index(p)]["A"].ravel(), refs[pts.index(p)]["B"]]),
                        pts)

    def effect_CD():
        pts, refs = reference("l1")
        return compare(lambda p: np.zeros(len(p["C"]) * len(p["C"][0]) + len(p["D"])),
                        lambda p: np.concatenate([refs[pts.index(p)]["C"].ravel(), refs[pts.index(p)]["D"]]), pts)

    return [
        seed_claim(S, "l1_activity_gradient", "d(lambda |x2|)/dx2 = lambda (2 H(x2) - 1) for x2 != 0",
               "symbolic derivative of lambda |x2| (SymPy) at 6 points, lambda = 0.3", gradient_form,
               r"\frac{\partial L_{L1}}{\partial x_2} = \lambda(2H(x_2)-1)"),
        seed_claim(S, "l1_abs_derivative_at_zero", "the seed's d|x|/dx = 1 at x = 0 (its x >= 0 branch, i.e. "
               "2H(0) - 1 with H(0) = 1) is a valid subgradient: it lies between the one-sided derivatives -1 "
               "and 1; symderiv's default is 0 (the least-norm subgradient, as sign(0)), which leaves an "
               "activation at exactly 0 unpushed, while 1 pushes it negative",
               "symbolic one-sided limits of d|x|/dx at 0", kink,
               r"\frac{\partial |x|}{\partial x} = \left\{ / 1 & (x \geq 0) \\"),
        seed_claim(S, "l1_activity_effect_AB", "the L1 activity term lambda |x2|_1 changes dL/dA by "
               "lambda (2H(x2) - 1) x1^T and dL/dB by lambda (2H(x2) - 1) (lambda = 1)",
               f"numeric: mpmath.diff of |A x1 + B|_1 at 4 seeded points, tolerance {TOL}", effect_AB,
               r"&=\lambda(2H(x_2)-1) \cdot x_1 / &=\lambda(2H(x_2)-1) \\"),
        seed_claim(S, "l1_activity_no_effect_CD", "the L1 activity term on x2 does not change dL/dC or dL/dD "
               "(x2 = A x1 + B does not depend on C, D)",
               f"numeric: mpmath.diff of |x2|_1 with respect to C and D at 4 seeded points, tolerance {TOL}",
               effect_CD, r"\frac{\partial L_{L1}}{\partial C} &= 0 / \frac{\partial L_{L1}}{\partial D} &= 0"),
    ]


# ----- seed 000: ReLU -> Leaky ReLU --------------------------------------------------------------------

def _identity(expr, symbols, values):
    """expr == 0: simplify, then exact evaluation at every combination in `values` (lists per symbol)."""
    diff = sp.simplify(sp.expand(expr))
    worst, where = sp.S.Zero, None
    for combo in itertools.product(*values):
        val = abs(expr.subs(dict(zip(symbols, combo))))
        if where is None or val > worst:
            worst, where = val, dict(zip(map(str, symbols), combo))
    ev = {"holds": diff == 0 and worst == 0, "symbolic_difference": diff, "max_abs_error": worst,
          "n_points": len(list(itertools.product(*values)))}
    if not ev["holds"]:
        ev["counterexample"] = {"input": where, "difference": worst}
    return ev


def _leaky_claims(catalog):
    H, a, r, c, x1 = sp.symbols("H alpha r c x_1", real=True)   # r = t - y, c = the C entry on the path
    relu_d, leaky_d = H, (1 - a) * H + a
    relu_grad = -r * c * relu_d * x1
    leaky_grad = -r * c * leaky_d * x1
    hs, alphas, others = [0, 1], [sp.Rational(1, 100), sp.Rational(3, 10)], [sp.Rational(-3, 2), sp.Rational(7, 10)]

    def derivative_form():
        leaky = with_convention(catalog.get("leaky_relu"), "seed000")
        d = derivative(leaky)
        slope = leaky.param("negative_slope").symbol
        pts = [-2.5, -0.3, 0, 0.4, 3.0]
        errs = [abs((d - ((1 - slope) * (1 if p >= 0 else 0) + slope)).subs({X: p, slope: al}))
                for p in pts for al in alphas]
        ev = {"holds": max(errs) == 0, "max_abs_error": max(errs), "n_points": len(errs),
              "note": "at x = 0 both are 1: the seed's H(0) = 1 (symderiv's default there is negative_slope)"}
        if max(errs) != 0:
            ev["counterexample"] = {"input": pts[int(np.argmax(errs)) // len(alphas)]}
        return ev

    def change_fixed_residual():
        return _identity((leaky_grad - relu_grad) - r * c * a * (H - 1) * x1, [H, a, r, c, x1],
                         [hs, alphas, others, others, others])

    def transformation():
        return _identity(r * c * a * (2 * H - 1) * x1 - a * r * c * H * x1 - r * c * a * (H - 1) * x1,
                         [H, a, r, c, x1], [hs, alphas, others, others, others])

    def bracket():
        return _identity(-a * r * c * H * x1 - a * relu_grad, [H, a, r, c, x1], [hs, alphas, others, others, others])

    def one_plus_alpha():
        return _identity(leaky_grad - ((1 + a) * relu_grad + r * c * a * (2 * H - 1) * x1), [H, a, r, c, x1],
                         [hs, alphas, others, others, others])

    def dropped_bracket():
        return _identity((leaky_grad - relu_grad) - r * c * a * (2 * H - 1) * x1, [H, a, r, c, x1],
                         [hs, alphas, others, others, others])

    read = ("(read as the seed does: the same residual t - y and the same x1 in both networks; scalar "
            "factors stand for the matrix products)")
    return [
        seed_claim(S, "leaky_derivative_form", "d LeakyReLU(x)/dx = (1 - alpha) H(x) + alpha, with H(0) = 1",
               "exact at 5 points x 2 slopes against the catalog derivative with the seed's kink value",
               derivative_form, r"\frac{\partial LeakyRelu(x)}{\partial x} &=(1-\alpha )H(x) + \alpha"),
        seed_claim(S, "leaky_minus_relu_derivative", "((1 - alpha) H + alpha) - H = -alpha (H - 1)",
               "symbolic (H a 0/1 symbol) and exact at H in {0, 1}",
               lambda: _identity((1 - a) * H + a - H + a * (H - 1), [H, a], [hs, alphas]),
               r"&=((1-\alpha )H(x) + \alpha )-H(x) / &=-\alpha (H(x) -1)"),
        seed_claim(S, "leaky_change_AB", "ReLU -> Leaky ReLU changes dL/dA by (t - y) C alpha (H(x2) - 1) x1 "
               "(and dL/dB by the same without x1) " + read, "symbolic and exact at 32 points; the same-weights "
               "difference by mpmath.diff of both networks at 4 seeded points (alpha = 0.01)",
               lambda: _with_same_weights(change_fixed_residual()),
               r"\frac{\partial L_{mse}}{\partial A} &=(t - y)\cdot C \cdot \alpha (H(x_2)-1) \cdot x_1",
               qualifier="conditional", reading=FIXED),
        seed_claim(S, "leaky_change_C", "ReLU -> Leaky ReLU leaves dL/dC unchanged", "numeric: mpmath.diff "
               "of both networks' losses at 4 seeded points with some x2 < 0 (alpha = 0.01)",
               _change_check("C"), r"\frac{\partial L_{mse}}{\partial C} &= 0", expected=False,
               correction="dL/dC = -(t - y) x3^T and x3 changes from 0 to alpha x2 where x2 < 0, so the change is "
               "-(t - y_leaky) x3_leaky^T + (t - y_relu) x3_relu^T, non-zero whenever some x2 < 0 (even at a "
               "fixed residual it is -(t - y) (alpha x2 (1 - H(x2)))^T)"),
        seed_claim(S, "leaky_change_D", "ReLU -> Leaky ReLU leaves dL/dD unchanged " + read,
               "symbolic: dL/dD of L = (t - C f(x2) - D)^2/2 for an unspecified activation f contains no f'",
               _d_has_no_activation_derivative, r"\frac{\partial L_{mse}}{\partial D} &= 0",
               qualifier="conditional", reading=FIXED),
        seed_claim(S, "leaky_change_transformed", "with the bracketed item kept, the source's rewritten change "
               "(t - y) C alpha (2H(x2) - 1) x1 - [alpha (t - y) C H(x2) x1] equals the change (t - y) C alpha "
               "(H(x2) - 1) x1 (and likewise for B) " + read,
               "symbolic and exact at 32 points", transformation,
               r"(t - y)\cdot C \cdot \alpha (2H(x_2)-1) \cdot x_1-[\alpha (t - y)\cdot C \cdot H(x_2) \cdot x_1]"),
        seed_claim(S, "leaky_bracket_is_alpha_backprop", "the bracketed item -alpha (t - y) C H(x2) x1 is alpha "
               "times the ReLU network's dL/dA " + read, "symbolic and exact at 32 points", bracket,
               r"\frac{\partial L_{mse}}{\partial A} &=-\alpha (t - y)\cdot C \cdot H(x_2) \cdot x_1"),
        seed_claim(S, "leaky_change_without_bracket", "the bracketed item can be dropped: without it, the ReLU -> "
               "Leaky ReLU change of dL/dA would be (t - y) C alpha (2H(x2) - 1) x1 " + read, "symbolic and exact at 32 points",
               dropped_bracket,
               r"\frac{\partial L_{mse}}{\partial A} &=(t - y)\cdot C \cdot \alpha (2H(x_2)-1) \cdot x_1", expected=False,
               correction="the change is (t - y) C alpha (H(x2) - 1) x1, which is 0 where x2 >= 0; the dropped item "
               "alpha (normal gradient) is of the same order alpha as the kept one and cannot be ignored. "
               "Exactly: Leaky gradient = (1 + alpha) ReLU gradient + (t - y) C alpha (2H(x2) - 1) x1"),
        seed_claim(S, "leaky_gradient_decomposition", "dL/dA of the Leaky ReLU network = (1 + alpha) x dL/dA of the "
               "ReLU network + (t - y) C alpha (2H(x2) - 1) x1, the form of an L1 activity term with lambda "
               "replaced by alpha (t - y) C " + read, "symbolic and exact at 32 points", one_plus_alpha,
               "I thought that the change due to Relu => LeakyRelu is the change due to L1 regularization of "
               r"activity_regularizer and the gradient before the activation function is multiplied by $ (1 + \ alpha) $."),
        seed_claim(S, "leaky_gradients_1_plus_alpha_larger", "switching ReLU -> Leaky ReLU makes every gradient "
               "before the activation (1 + alpha) times larger " + read, "exact ratio of the Leaky to the ReLU "
               "gradient on an active unit (H = 1), alpha = 1/100",
               lambda: refute_at(leaky_grad, (1 + a) * relu_grad, {H: 1, a: sp.Rational(1, 100), r: sp.Rational(-3, 2),
                                                                 c: sp.Rational(7, 10), x1: sp.Rational(7, 10)},
                                 "leaky_gradient", "1_plus_alpha_times_relu_gradient"),
               "Combined with the original gradient and multiplied by LeakyRelu's activation function, all previous "
               r"gradients are $ (1 + \ alpha) $ times larger.", expected=False,
               correction="on active units (H(x2) = 1) the Leaky and ReLU gradients are equal; on inactive units the "
               "ReLU gradient is 0 and the Leaky one alpha times the back-propagated error. The (1 + alpha) factor "
               "appears only together with the L1-like term (t - y) C alpha (2H(x2) - 1) x1, which cancels it on "
               "active units"),
        seed_claim(S, "keras_loss_is_half_squared_error", "the loss the article derives with, 1/2 (t - y)^2 summed "
               "over the outputs, is the loss its Keras model compiles with, mean_squared_error (10 outputs)",
               "symbolic gradients of both losses with respect to the outputs (K = 10), exact at a point",
               _keras_mse, "model.compile(loss='mean_squared_error') / L_{mse} &= \\frac{1}{2}(t-y)^2\\\\",
               expected=False, correction="Keras's mean_squared_error is mean_k (t_k - y_k)^2 (no 1/2, averaged "
               "over the {{outputs}} outputs): its gradient is {{ratio}} times the derivation's y - t. The comparisons "
               "of the article scale by that common factor and are unaffected"),
    ]


FIXED = ("the residual t - y and the input x1 held fixed while the activation changes, as the article derives "
         "(with the same weights the output moves too, which adds a term; see same_weights_max_difference)")


def _with_same_weights(ev):
    """The fixed-residual evidence, with the size of the extra term when the weights are the same."""
    return {**ev, "same_weights_max_difference": _change_AB_same_weights()["max_abs_error"]}


def _d_has_no_activation_derivative():
    f, C, D, x2, t = sp.Function("f"), *sp.symbols("C D x_2 t", real=True)
    d = sp.diff((t - (C * f(x2) + D)) ** 2 / 2, D)
    ev = {"holds": not d.has(sp.Derivative), "dL_dD": d}
    if d.has(sp.Derivative):
        ev["counterexample"] = {"dL_dD": str(d)}
    return ev


def _keras_mse():
    K = 10
    ts, ys = sp.symbols(f"t_1:{K + 1}", real=True), sp.symbols(f"y_1:{K + 1}", real=True)
    half = sum((a - b) ** 2 for a, b in zip(ts, ys)) / 2
    keras = sum((a - b) ** 2 for a, b in zip(ts, ys)) / K
    ratio = sp.cancel(sp.diff(keras, ys[0]) / sp.diff(half, ys[0]))
    at = {ts[0]: 1, ys[0]: sp.Rational(1, 4)}
    ev = {"holds": ratio == 1, "outputs": K, "ratio": float(ratio), "gradient_half_squared": float(sp.diff(half, ys[0]).subs(at)),
          "gradient_keras_mse": float(sp.diff(keras, ys[0]).subs(at))}
    if ratio != 1:
        ev["counterexample"] = {"t_1": 1, "y_1": 0.25, "derivation": ev["gradient_half_squared"],
                                "keras": ev["gradient_keras_mse"]}
    return ev


def _change_AB_same_weights():
    pts, relu = reference("relu")
    _, leaky = reference("leaky")

    def claimed(p):
        v = _np(p, ALPHA)
        return np.outer(v["C"].T @ (v["t"] - v["y"]) * ALPHA * (v["H"] - 1), v["x1"])

    return compare(claimed, lambda p: leaky[pts.index(p)]["A"] - relu[pts.index(p)]["A"], pts)


def _change_check(name):
    def check():
        pts, relu = reference("relu")
        _, leaky = reference("leaky")
        return compare(lambda p: np.zeros(np.shape(relu[pts.index(p)][name])),
                        lambda p: leaky[pts.index(p)][name] - relu[pts.index(p)][name], pts)
    return check




def claims(catalog):
    return _partials_claims() + _l1_claims() + _leaky_claims(catalog)


def formulas(catalog):
    """No corrected formulas are printed for seed 000 (its corrections are sentences)."""
    return {}
