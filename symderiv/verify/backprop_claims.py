"""Claims of seeds 000 and 001 about backprop, checked against independent references.

References: the networks' forward definitions evaluated in mpmath (DPS digits) and differentiated
by `mpmath.diff` (never by the code under test); identities by SymPy with H a 0/1 symbol; the
deep-network growth claim is made where the generated code is (symderiv.emit.network_claims).

Seed 000's network (per sample): x2 = A x1 + B, x3 = f(x2), y = C x3 + D, L = 1/2 |t - y|^2, and
its products read as matrices: -(t - y) C H(x2) x1 is (C^T (y - t) * H(x2)) x1^T.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from symderiv.verify.claims import Claim
from symderiv.verify.numeric import DPS

SEED_000 = "000_c3a709bf01eb5bcf.txt"
SEED_001 = "001_10d942a10df8e8ce.txt"
TOL = 1e-12          # |claimed - mpmath reference|, claimed values computed in float64
ALPHA = 0.01         # the seed's Leaky ReLU slope (Keras LeakyReLU(alpha=0.01))
SIZES = (3, 4, 2)    # n_in, n_hidden, n_out of the small instance of seed 000's network


def _claim(seed, key, statement, method, check, quote, expected=True, correction=None):
    source = SEED_000 if seed == "000" else SEED_001
    return Claim(f"seed{seed}.{key}", statement, method, check, source=source, quote=quote,
                 expected=expected, correction=correction)


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


def _compare(claimed_fn, reference_fn, points):
    """max |claimed - reference| over points (arrays); counterexample at the worst point if > TOL."""
    worst, where, detail = 0.0, None, None
    for i, p in enumerate(points):
        c, r = np.asarray(claimed_fn(p), dtype=float), np.asarray(reference_fn(p), dtype=float)
        err = float(np.max(np.abs(c - r))) if c.size else 0.0
        if where is None or err > worst:
            worst, where, detail = err, i, (c, r)
    ev = {"holds": worst <= TOL, "max_abs_error": worst, "n_points": len(points), "tolerance": TOL}
    if worst > TOL:
        ev["counterexample"] = {"input": points[where], "claimed": detail[0].round(12).tolist(),
                                "reference": detail[1].round(12).tolist()}
    return ev


# ----- seed 000: the partial derivatives for A, B, C, D (ReLU, H(0) = 1) -----------------------------

def _seed_relu_grads(p, alpha=0.0):
    """The seed's four formulas, as written (products read as matrices)."""
    v = _np(p, alpha)
    back = v["C"].T @ (-(v["t"] - v["y"])) * v["H"]
    return {"A": np.outer(back, v["x1"]), "B": back, "C": np.outer(-(v["t"] - v["y"]), v["x3"]),
            "D": -(v["t"] - v["y"])}


@lru_cache(maxsize=None)
def _ref(kind, seed=0):
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
        "A": r"\frac{\partial L_{mse}}{\partial A} = -(t - y)\cdot C \cdot H(x_2) \cdot x_1",
        "B": r"\frac{\partial L_{mse}}{\partial B} = -(t - y)\cdot C \cdot H(x_2)",
        "C": r"\frac{\partial L_{mse}}{\partial C} = -(t - y)\cdot x_3",
        "D": r"\frac{\partial L_{mse}}{\partial D} = -(t - y)",
    }
    claims = []
    for name, quote in quotes.items():
        def check(name=name):
            pts, refs = _ref("relu")
            return _compare(lambda p: _seed_relu_grads(p)[name], lambda p: refs[pts.index(p)][name], pts)
        claims.append(_claim("000", f"relu_partial_{name}", f"dL/d{name} of the ReLU network x2 = A x1 + B, "
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
        pts, refs = _ref("l1")

        def claimed(p):
            v_ = _np(p, 0)
            g = 2 * v_["H"] - 1
            return np.concatenate([np.outer(g, v_["x1"]).ravel(), g])

        return _compare(claimed, lambda p: np.concatenate([refs[pts.index(p)]["A"].ravel(), refs[pts.index(p)]["B"]]),
                        pts)

    def effect_CD():
        pts, refs = _ref("l1")
        return _compare(lambda p: np.zeros(len(p["C"]) * len(p["C"][0]) + len(p["D"])),
                        lambda p: np.concatenate([refs[pts.index(p)]["C"].ravel(), refs[pts.index(p)]["D"]]), pts)

    return [
        _claim("000", "l1_activity_gradient", "d(lambda |x2|)/dx2 = lambda (2 H(x2) - 1) for x2 != 0",
               "symbolic derivative of lambda |x2| (SymPy) at 6 points, lambda = 0.3", gradient_form,
               r"\frac{\partial L_{L1}}{\partial x_2} = \lambda(2H(x_2)-1)"),
        _claim("000", "l1_abs_derivative_at_zero", "the seed's d|x|/dx = 1 at x = 0 (its x >= 0 branch, i.e. "
               "2H(0) - 1 with H(0) = 1) is a valid subgradient: it lies between the one-sided derivatives -1 "
               "and 1; symderiv's default is 0 (the least-norm subgradient, as sign(0)), which leaves an "
               "activation at exactly 0 unpushed, while 1 pushes it negative",
               "symbolic one-sided limits of d|x|/dx at 0", kink,
               r"\frac{\partial |x|}{\partial x} = 1 \; (x \geq 0)"),
        _claim("000", "l1_activity_effect_AB", "the L1 activity term lambda |x2|_1 changes dL/dA by "
               "lambda (2H(x2) - 1) x1^T and dL/dB by lambda (2H(x2) - 1) (lambda = 1)",
               f"numeric: mpmath.diff of |A x1 + B|_1 at 4 seeded points, tolerance {TOL}", effect_AB,
               r"\frac{\partial L_{L1}}{\partial A} = \lambda(2H(x_2)-1) \cdot x_1, "
               r"\frac{\partial L_{L1}}{\partial B} = \lambda(2H(x_2)-1)"),
        _claim("000", "l1_activity_no_effect_CD", "the L1 activity term on x2 does not change dL/dC or dL/dD "
               "(x2 = A x1 + B does not depend on C, D)",
               f"numeric: mpmath.diff of |x2|_1 with respect to C and D at 4 seeded points, tolerance {TOL}",
               effect_CD, r"\frac{\partial L_{L1}}{\partial C} = 0, \frac{\partial L_{L1}}{\partial D} = 0"),
    ]


# ----- seed 000: ReLU -> Leaky ReLU --------------------------------------------------------------------

def _identity(expr, symbols, values):
    """expr == 0: simplify, then exact evaluation at every combination in `values` (lists per symbol)."""
    import itertools

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
    from symderiv.calculus.derivative import derivative
    from symderiv.calculus.network import with_convention
    from symderiv.symbols import x as X

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
        _claim("000", "leaky_derivative_form", "d LeakyReLU(x)/dx = (1 - alpha) H(x) + alpha, with H(0) = 1",
               "exact at 5 points x 2 slopes against the catalog derivative with the seed's kink value",
               derivative_form, r"\frac{\partial LeakyRelu(x)}{\partial x} =(1-\alpha )H(x) + \alpha"),
        _claim("000", "leaky_minus_relu_derivative", "((1 - alpha) H + alpha) - H = -alpha (H - 1)",
               "symbolic (H a 0/1 symbol) and exact at H in {0, 1}",
               lambda: _identity((1 - a) * H + a - H + a * (H - 1), [H, a], [hs, alphas]),
               r"((1-\alpha )H(x) + \alpha )-H(x) =-\alpha (H(x) -1)"),
        _claim("000", "leaky_change_AB", "ReLU -> Leaky ReLU changes dL/dA by (t - y) C alpha (H(x2) - 1) x1 "
               "(and dL/dB by the same without x1) " + read, "symbolic and exact at 32 points",
               change_fixed_residual,
               r"\frac{\partial L_{mse}}{\partial A} =(t - y)\cdot C \cdot \alpha (H(x_2)-1) \cdot x_1"),
        _claim("000", "leaky_change_AB_same_weights", "for the same weights and input, switching ReLU -> Leaky ReLU "
               "changes dL/dA by exactly (t - y) C alpha (H(x2) - 1) x1, with y the Leaky network's output (the "
               "most favourable reading of y)", "numeric: mpmath.diff of both networks' losses at 4 seeded points "
               "with some x2 < 0 (alpha = 0.01)", _change_AB_same_weights,
               r"\frac{\partial L_{mse}}{\partial A} =(t - y)\cdot C \cdot \alpha (H(x_2)-1) \cdot x_1", expected=False,
               correction="the output moves too (y_leaky - y_relu = C (alpha x2 (1 - H(x2)))), so the exact change is "
               "the seed's term plus ((C^T (y_leaky - y_relu)) * H(x2)) x1^T, which is non-zero when negative and "
               "positive hidden units share an output; the seed's lines hold at a fixed residual only"),
        _claim("000", "leaky_change_C", "ReLU -> Leaky ReLU leaves dL/dC unchanged", "numeric: mpmath.diff "
               "of both networks' losses at 4 seeded points with some x2 < 0 (alpha = 0.01)",
               _change_check("C"), r"\frac{\partial L_{mse}}{\partial C} = 0", expected=False,
               correction="dL/dC = -(t - y) x3^T and x3 changes from 0 to alpha x2 where x2 < 0, so the change is "
               "-(t - y_leaky) x3_leaky^T + (t - y_relu) x3_relu^T, non-zero whenever some x2 < 0 (even at a "
               "fixed residual it is -(t - y) (alpha x2 (1 - H(x2)))^T)"),
        _claim("000", "leaky_change_D", "ReLU -> Leaky ReLU leaves dL/dD unchanged, for the same weights",
               "numeric: mpmath.diff of both networks' losses at 4 seeded points with some x2 < 0 (alpha = 0.01)",
               _change_check("D"), r"\frac{\partial L_{mse}}{\partial D} = 0", expected=False,
               correction="dL/dD = -(t - y) has no activation derivative, so it is unchanged only at a fixed "
               "residual; with the same weights y changes by C (alpha x2 (1 - H(x2))), so dL/dD changes by that "
               "amount (the seed's A and B lines hold only in the fixed-residual reading, see "
               "seed000.leaky_change_AB)"),
        _claim("000", "leaky_change_transformed", "(t - y) C alpha (2H(x2) - 1) x1 - [alpha (t - y) C H(x2) x1] "
               "equals the change (t - y) C alpha (H(x2) - 1) x1 (and likewise for B) " + read,
               "symbolic and exact at 32 points", transformation,
               r"(t - y)\cdot C \cdot \alpha (2H(x_2)-1) \cdot x_1-[\alpha (t - y)\cdot C \cdot H(x_2) \cdot x_1]"),
        _claim("000", "leaky_bracket_is_alpha_backprop", "the bracketed item -alpha (t - y) C H(x2) x1 is alpha "
               "times the ReLU network's dL/dA " + read, "symbolic and exact at 32 points", bracket,
               r"\frac{\partial L_{mse}}{\partial A} =-\alpha (t - y)\cdot C \cdot H(x_2) \cdot x_1"),
        _claim("000", "leaky_change_without_bracket", "after dropping the bracketed item, the ReLU -> Leaky ReLU "
               "change of dL/dA is (t - y) C alpha (2H(x2) - 1) x1 " + read, "symbolic and exact at 32 points",
               dropped_bracket,
               r"\frac{\partial L_{mse}}{\partial A} =(t - y)\cdot C \cdot \alpha (2H(x_2)-1) \cdot x_1", expected=False,
               correction="the change is (t - y) C alpha (H(x2) - 1) x1, which is 0 where x2 >= 0; the dropped item "
               "alpha (normal gradient) is of the same order alpha as the kept one and cannot be ignored. "
               "Exactly: Leaky gradient = (1 + alpha) ReLU gradient + (t - y) C alpha (2H(x2) - 1) x1"),
        _claim("000", "leaky_gradient_decomposition", "dL/dA of the Leaky ReLU network = (1 + alpha) x dL/dA of the "
               "ReLU network + (t - y) C alpha (2H(x2) - 1) x1, the form of an L1 activity term with lambda "
               "replaced by alpha (t - y) C " + read, "symbolic and exact at 32 points", one_plus_alpha,
               "Combined with the original gradient and multiplied by LeakyRelu's activation function, all "
               "previous gradients are (1+alpha) times larger."),
    ]


def _change_AB_same_weights():
    pts, relu = _ref("relu")
    _, leaky = _ref("leaky")

    def claimed(p):
        v = _np(p, ALPHA)
        return np.outer(v["C"].T @ (v["t"] - v["y"]) * ALPHA * (v["H"] - 1), v["x1"])

    return _compare(claimed, lambda p: leaky[pts.index(p)]["A"] - relu[pts.index(p)]["A"], pts)


def _change_check(name):
    def check():
        pts, relu = _ref("relu")
        _, leaky = _ref("leaky")
        return _compare(lambda p: np.zeros(np.shape(relu[pts.index(p)][name])),
                        lambda p: leaky[pts.index(p)][name] - relu[pts.index(p)][name], pts)
    return check


# ----- seed 001: the asker's chains and the answer's equations -------------------------------------------

def _relu(v):
    return v if v > 0 else 0 * v


def _step(v):
    return 1 if v > 0 else 0


def _chain_out(ws, x):
    """The asker's network: weights listed from the output down, ws = (w1, w2, w3): ReLU(w1 ReLU(w2 ReLU(w3 x)))."""
    r = x
    for w in reversed(ws):
        r = _relu(w * r)
    return r


def _asker_check(depth):
    """The asker's gradient of the first-layer weight (the last in ws) against mpmath.diff of C = (y - yhat)^2/2."""
    def claimed(ws, x, y):
        yhat = _chain_out(ws, x)
        return (y - yhat) * x * float(np.prod(ws[:-1]))   # 1 layer: (y - ReLU(w1 x)) x; then (..)(w1 x), (..)(w1 w2 x)

    def check():
        rng = np.random.default_rng(depth)
        cases = [([1.0] * depth, 1.0, 0.0)]           # all units active: the sign alone is wrong
        cases += [([round(float(v), 3) for v in rng.normal(size=depth)], round(float(rng.uniform(0.2, 2)), 3),
                   round(float(rng.normal()), 3)) for _ in range(6)]
        worst, where = 0.0, None
        with mpmath.workdps(DPS):
            for ws, x, y in cases:
                def cost(v, ws=ws, x=x, y=y):
                    return (y - _chain_out(ws[:-1] + [v], x)) ** 2 / 2
                ref = float(mpmath.diff(cost, mpmath.mpf(ws[-1])))
                err = abs(claimed(ws, x, y) - ref)
                if where is None or err > worst:
                    worst, where = err, {"weights_output_to_input": ws, "x": x, "y": y,
                                         "claimed": claimed(ws, x, y), "reference": ref}
        ev = {"holds": worst <= TOL, "max_abs_error": worst, "n_points": len(cases)}
        if worst > TOL:
            ev["counterexample"] = where
        return ev
    return check


def _answer_checks():
    rng = np.random.default_rng(1)
    W0 = np.round(rng.normal(size=(3, 4)), 4)    # W_ij^(0): input i -> hidden j
    W1 = np.round(rng.normal(size=(4, 2)), 4)    # W_ij^(1): hidden i -> output j
    x = np.round(rng.uniform(-1, 1, 3), 4)
    y = np.round(rng.normal(size=2), 4)

    def C_from_r2(r2):
        return sum((yj - rj) ** 2 for yj, rj in zip(y, r2)) / 2

    def C_from_z2(z2):
        return C_from_r2([_relu(v) for v in z2])

    def C_from_r1(r1):
        return C_from_z2([sum(W1[i, j] * r1[i] for i in range(4)) for j in range(2)])

    def C_from_z1(z1):
        return C_from_r1([_relu(v) for v in z1])

    def C_from_W(W0_, W1_):
        z1 = [sum(W0_[i][j] * x[i] for i in range(3)) for j in range(4)]
        r1 = [_relu(v) for v in z1]
        return C_from_r2([_relu(sum(W1_[i][j] * r1[i] for i in range(4))) for j in range(2)])

    z1 = x @ W0
    r1 = np.maximum(z1, 0)
    z2 = r1 @ W1

    def grad(f, point):
        with mpmath.workdps(DPS):
            out = []
            for k in range(len(point)):
                def g(v, k=k):
                    p = [mpmath.mpf(float(q)) for q in point]
                    p[k] = v
                    return f(p)
                out.append(float(mpmath.diff(g, mpmath.mpf(float(point[k])))))
            return np.array(out)

    def wgrad(layer):
        W = (W0 if layer == 0 else W1).astype(object)
        g = np.zeros(W.shape)
        with mpmath.workdps(DPS):
            for idx in np.ndindex(W.shape):
                def f(v, idx=idx):
                    M = W.copy()
                    M[idx] = v
                    return C_from_W(M.tolist(), W1.tolist()) if layer == 0 else C_from_W(W0.tolist(), M.tolist())
                g[idx] = float(mpmath.diff(f, mpmath.mpf(float(W[idx]))))
        return g

    def ev_of(claimed, ref, what):
        err = float(np.max(np.abs(np.asarray(claimed) - np.asarray(ref))))
        ev = {"holds": err <= TOL, "max_abs_error": err, "checked": what, "tolerance": TOL}
        if err > TOL:
            ev["counterexample"] = {"claimed": np.asarray(claimed).tolist(), "reference": np.asarray(ref).tolist()}
        return ev

    def eq1():
        a = ev_of(grad(C_from_r2, np.maximum(z2, 0)) * (z2 > 0), grad(C_from_z2, z2), "layer 2 (output)")
        b = ev_of(grad(C_from_r1, r1) * (z1 > 0), grad(C_from_z1, z1), "layer 1 (hidden)")
        return {"holds": a["holds"] and b["holds"], "max_abs_error": max(a["max_abs_error"], b["max_abs_error"]),
                **({"counterexample": a.get("counterexample") or b.get("counterexample")}
                   if not (a["holds"] and b["holds"]) else {})}

    def eq2():
        return ev_of(W1 @ grad(C_from_z2, z2), grad(C_from_r1, r1), "dC/dr^(1) = sum_j dC/dz_j^(2) W_ij^(1)")

    def eq3():
        a = ev_of(np.outer(r1, grad(C_from_z2, z2)), wgrad(1), "dC/dW^(1)")
        b = ev_of(np.outer(x, grad(C_from_z1, z1)), wgrad(0), "dC/dW^(0)")
        return {"holds": a["holds"] and b["holds"], "max_abs_error": max(a["max_abs_error"], b["max_abs_error"]),
                **({"counterexample": a.get("counterexample") or b.get("counterexample")}
                   if not (a["holds"] and b["holds"]) else {})}

    return eq1, eq2, eq3


def _single_neuron():
    rng = np.random.default_rng(2)
    cases = [(round(float(w), 4), round(float(x), 4), round(float(y), 4)) for w, x, y in rng.normal(size=(12, 3))]
    worst, where = 0.0, None
    with mpmath.workdps(DPS):
        for w, x, y in cases:
            if abs(w * x) < 1e-3:
                continue
            claimed = (_relu(w * x) - y) * _step(w * x) * x
            ref = float(mpmath.diff(lambda v: (y - _relu(v * x)) ** 2 / 2, mpmath.mpf(w)))
            if where is None or abs(claimed - ref) > worst:
                worst, where = abs(claimed - ref), {"W": w, "x": x, "y": y, "claimed": claimed, "reference": ref}
    ev = {"holds": worst <= TOL, "max_abs_error": worst, "n_points": len(cases)}
    if worst > TOL:
        ev["counterexample"] = where
    return ev


def _relu_product_check():
    cases = [((1.5, 2.0), 1.0), ((1.5, -1.0), 1.0), ((-0.5, 2.0, 1.0), 0.8), ((2.0, 1.0, -1.0), 0.5)]
    worst, where = 0.0, None
    for ws, x in cases:
        err = abs(_chain_out(list(ws), x) - float(np.prod(ws)) * x)
        if where is None or err > worst:
            worst, where = err, {"weights_output_to_input": list(ws), "x": x, "relu_chain": _chain_out(list(ws), x),
                                 "product": float(np.prod(ws)) * x}
    ev = {"holds": worst == 0, "max_abs_error": worst, "n_points": len(cases)}
    if worst:
        ev["counterexample"] = where
    return ev


def _seed001_claims():
    eq1, eq2, eq3 = _answer_checks()
    charity = ("the garbled text read charitably: C = (y - yhat)^2/2, x > 0, weights numbered from the output "
               "(w1 is the last layer), 'ReLU(w3)' read as ReLU(w3 x)")
    wrong = ("the gradient is (yhat - y) times the product of the later weights, every Step(z) on the path and x: "
             "the asker's sign is reversed and the Step factors (0 for inactive units) are missing")
    return [
        _claim("001", "asker_one_layer", f"asker, 1 layer: dC/dw1 = (y - ReLU(w1 x)) x ({charity})",
               "numeric: mpmath.diff of the cost at 7 points (one with every unit active)", _asker_check(1),
               "dCw1=yReLうんw1バツバツ  [dC/dw1 = (y - ReLU(w1 x))(x)]", expected=False,
               correction="dC/dw1 = (ReLU(w1 x) - y) Step(w1 x) x"),
        _claim("001", "asker_two_layers", f"asker, 2 layers: dC/dw2 = (y - ReLU(w1 ReLU(w2 x))) (w1 x) ({charity})",
               "numeric: mpmath.diff of the cost at 7 points", _asker_check(2),
               "dCw2=yReLうんw1ReLうんw2バツw1バツ  [dC/dw2 = (y - ReLU(w1 ReLU(w2 x)))(w1 x)]", expected=False,
               correction=f"{wrong}: dC/dw2 = (yhat - y) Step(w1 r) w1 Step(w2 x) x with r = ReLU(w2 x)"),
        _claim("001", "asker_three_layers", "asker, 3 layers: dC/dw3 = (y - ReLU(w1 ReLU(w2 ReLU(w3 x)))) (w1 w2 x) "
               f"({charity})", "numeric: mpmath.diff of the cost at 7 points", _asker_check(3),
               "dCw3=(yReLU(w1ReLU(w2(ReLU(w3)))(w1w2x)  [dC/dw3 = (y - ReLU(w1 ReLU(w2 ReLU(w3 x))))(w1 w2 x)]",
               expected=False, correction=f"{wrong}: dC/dw3 = (yhat - y) Step(z1) w1 Step(z2) w2 Step(z3) x"),
        _claim("001", "asker_relu_chain_is_product", "ReLU(w1 ReLU(w2 x)) = w1 w2 x and ReLU(w1 ReLU(w2 ReLU(w3 x))) "
               "= w1 w2 w3 x (x > 0)", "exact at 4 points", _relu_product_check,
               "ReLU(w1ReLU(w2(ReLU(w3))=w1w2w3x", expected=False,
               correction="true only when every pre-activation is >= 0; a negative weight makes a unit output 0 "
                          "(e.g. w1 = 1.5, w2 = -1, x = 1 gives 0, not -1.5)"),
        _claim("001", "answer_single_neuron", "dC/dW = (ReLU(W x) - y) Step(W x) x for C = (y - ReLU(W x))^2/2",
               "numeric: mpmath.diff at 12 seeded points (W x != 0)", _single_neuron,
               "CW(0)=(ReLU(W(0)x)y)Step(W(0)x)x  [dC/dW = (ReLU(W x) - y) Step(W x) x]"),
        _claim("001", "answer_equation_1", "dC/dz_j^(k+1) = dC/dr_j^(k+1) Step(z_j^(k+1)) (ReLU layers)",
               "numeric: mpmath.diff of the cost with respect to z and r, 3-4-2 ReLU network, both layers",
               eq1, "Czj(k+1)=Crj(k+1)rj(k+1)zj(k+1)=Crj(k+1)Step(zj(k+1))"),
        _claim("001", "answer_equation_2", "dC/dr_i^(k) = sum_j dC/dz_j^(k+1) W_ij^(k)",
               "numeric: mpmath.diff of the cost with respect to z^(2) and r^(1), 3-4-2 ReLU network", eq2,
               "Cri(k)=jCzj(k+1)zj(k+1)ri(k)=jCzj(k+1)Wij(k)"),
        _claim("001", "answer_equation_3", "dC/dW_ij^(k) = dC/dz_j^(k+1) r_i^(k)",
               "numeric: mpmath.diff of the cost with respect to every weight and to z, 3-4-2 ReLU network", eq3,
               "CWij(k)=Czj(k+1)zj(k+1)Wij(k)=Czj(k+1)ri(k)"),
    ]


def backprop_claims(catalog):
    """Seed 000's backprop comparison (ReLU, L1 activity, Leaky ReLU, deep growth) and seed 001's chains."""
    return _partials_claims() + _l1_claims() + _leaky_claims(catalog) + _seed001_claims()
