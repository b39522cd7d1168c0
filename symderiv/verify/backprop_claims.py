"""Claims of seed 001 about backprop (the asker's chains, the answer's layer equations), checked
against the networks' forward definitions in mpmath, differentiated by `mpmath.diff` (never by the
code under test). `_claim` also serves `symderiv.emit.network_claims` (seed 000's deep growth).
"""

from __future__ import annotations

import mpmath
import numpy as np

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
               "dCw1=yReLうんw1バツバツ", expected=False,
               correction="dC/dw1 = (ReLU(w1 x) - y) Step(w1 x) x"),
        _claim("001", "asker_two_layers", f"asker, 2 layers: dC/dw2 = (y - ReLU(w1 ReLU(w2 x))) (w1 x) ({charity})",
               "numeric: mpmath.diff of the cost at 7 points", _asker_check(2),
               "dCw2=yReLうんw1ReLうんw2バツw1バツ", expected=False,
               correction=f"{wrong}: dC/dw2 = (yhat - y) Step(w1 r) w1 Step(w2 x) x with r = ReLU(w2 x)"),
        _claim("001", "asker_three_layers", "asker, 3 layers: dC/dw3 = (y - ReLU(w1 ReLU(w2 ReLU(w3 x)))) (w1 w2 x) "
               f"({charity})", "numeric: mpmath.diff of the cost at 7 points", _asker_check(3),
               "dCw3=(yReLU(w1ReLU(w2(ReLU(w3)))(w1w2x)",
               expected=False, correction=f"{wrong}: dC/dw3 = (yhat - y) Step(z1) w1 Step(z2) w2 Step(z3) x"),
        _claim("001", "asker_relu_chain_is_product", "ReLU(w1 ReLU(w2 x)) = w1 w2 x and ReLU(w1 ReLU(w2 ReLU(w3 x))) "
               "= w1 w2 w3 x (x > 0)", "exact at 4 points", _relu_product_check,
               "ReLU(w1ReLU(w2(ReLU(w3))=w1w2w3x", expected=False,
               correction="true only when every pre-activation is >= 0; a negative weight makes a unit output 0 "
                          "(e.g. w1 = 1.5, w2 = -1, x = 1 gives 0, not -1.5)"),
        _claim("001", "answer_single_neuron", "dC/dW = (ReLU(W x) - y) Step(W x) x for C = (y - ReLU(W x))^2/2",
               "numeric: mpmath.diff at 12 seeded points (W x != 0)", _single_neuron,
               "=(ReLU(W(0)x)y)Step(W(0)x)x"),
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
    """Seed 001's chains and the answer's layer equations (seed 000's claims: `symderiv.verify.seeds.seed000`)."""
    return _seed001_claims()
