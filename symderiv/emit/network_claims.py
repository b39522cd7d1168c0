"""Claims about the emitted network code, run by the build after the verify layer's groups:

- the networks the documents derive (`calculus.lecture_networks`, seed 000's `mlp2`): the emitted
  NumPy module's gradients against central differences of the loss evaluated by SymPy/mpmath at
  30 digits (`calculus.worked_example`), and the worked example's numbers against the module;
- seed 000's deep-network growth, measured by seeded Monte Carlo over the generated layered backprop.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

import copy

import sympy as sp

from symderiv.calculus.backprop import layered
from symderiv.calculus.lecture_networks import WORKED_VALUES, lecture_network
from symderiv.calculus.network import MLP2_ACTIVATIONS, deep_mlp, mlp2
from symderiv.calculus.worked_example import worked_rows
from symderiv.catalog import load_catalog
from symderiv.emit.backprop_code import network_function
from symderiv.emit.network_code import network_module
from symderiv.verify.backprop_claims import SEED_000, _claim
from symderiv.verify.claims import Claim

MC = {"width": 64, "batch": 32, "outputs": 8, "trials": 20, "depths": (10, 20, 40), "alphas": (0.01, 0.1, 0.3),
      "sigmas": 5, "rel": 0.1}


# ----- seed 000: (1 + alpha)^n growth in deep networks (Monte Carlo) -----------------------------------

@lru_cache(maxsize=1)
def growth_measurements():
    """{(n, alpha): (mean log ratio, standard error)} of |dJ/dW_1| Leaky / ReLU over MC["trials"] random
    networks with n hidden layers of MC["width"] units (He-normal weights, zero biases, the same weights
    and data for both activations), loss 1/2 |t - y|^2 averaged over a batch of N(0, 1) inputs and targets.
    """
    catalog, out = load_catalog(), {}
    W, B, K = MC["width"], MC["batch"], MC["outputs"]
    for n in MC["depths"]:
        fns = {}
        for act in MLP2_ACTIVATIONS:
            ns = {}
            exec(compile(network_function(layered(deep_mlp(catalog, n + 1, act)), "grads"), "<mc>", "exec"), ns)
            fns[act] = ns["grads"]
        for alpha in MC["alphas"]:
            rng = np.random.default_rng(1000 * n + int(round(alpha * 100)))
            logs = []
            for _ in range(MC["trials"]):
                params = []
                for layer in range(n + 1):
                    rows = W if layer < n else K
                    params += [rng.normal(0, np.sqrt(2 / W), size=(rows, W)), np.zeros(rows)]
                x, t = rng.normal(size=(B, W)), rng.normal(size=(B, K))
                g_relu = fns["relu"](x, t, *params, B)[1]["W1"]
                g_leaky = fns["leaky_relu"](x, t, *params, B, alpha)[1]["W1"]
                logs.append(np.log(np.linalg.norm(g_leaky) / np.linalg.norm(g_relu)))
            logs = np.array(logs)
            out[(n, alpha)] = (float(logs.mean()), float(logs.std(ddof=1) / np.sqrt(len(logs))))
    return out


def _growth_table(predict):
    rows = []
    for (n, alpha), (m, se) in sorted(growth_measurements().items()):
        pred = predict(n, alpha)
        ok = abs(m - pred) <= max(MC["sigmas"] * se, MC["rel"] * abs(pred))
        rows.append({"n": n, "alpha": alpha, "measured_ratio": float(np.exp(m)), "predicted_ratio": float(np.exp(pred)),
                     "log_ratio": m, "standard_error": se, "agrees": bool(ok)})
    return rows


def _growth_evidence(predict):
    rows = _growth_table(predict)
    ev = {"holds": all(r["agrees"] for r in rows), "table": rows, "setup": dict(MC, depths=list(MC["depths"]),
          alphas=list(MC["alphas"]))}
    if not ev["holds"]:
        worst = max((r for r in rows if not r["agrees"]), key=lambda r: abs(r["log_ratio"] - np.log(r["predicted_ratio"])))
        ev["counterexample"] = worst
    return ev


def growth_summary() -> str:
    """The measured ratios at the largest depth, one per alpha, beside (1 + alpha)^n, formatted from
    `growth_measurements` (the claims' own evidence), e.g. "measured 1.53 at n = 40, alpha = 0.1, where ..."."""
    n = max(MC["depths"])
    rows = [r for r in _growth_table(lambda n, a: n * np.log1p(a)) if r["n"] == n]
    return "; ".join(f"measured {r['measured_ratio']:.3g} at n = {n}, alpha = {r['alpha']:g}, where (1 + alpha)^n = "
                     f"{r['predicted_ratio']:.3g}" for r in rows)


def _growth_claims():
    method = (f"Monte Carlo: {MC['trials']} seeded random networks per (n, alpha), width {MC['width']}, He-normal "
              f"weights, batch {MC['batch']}; agrees when |mean log ratio - log prediction| <= "
              f"max({MC['sigmas']} standard errors, {MC['rel']} x |log prediction|), for every n in {MC['depths']} "
              f"and alpha in {MC['alphas']}")
    return [
        _claim("000", "leaky_growth_deep", "replacing every ReLU by Leaky ReLU in a deep network multiplies the "
               "gradient of the first (shallow) layer by about (1 + alpha)^n, n the number of activation layers",
               method, lambda: _growth_evidence(lambda n, a: n * np.log1p(a)),
               r"replacing all Relu functions with LeakyRelu functions can logarithmically increase the gradient "
               r"of the shallow layer closer to the input by $ (1 + \ alpha) ^ n $", expected=False,
               correction="measured with the same weights: the first-layer gradient ratio is about (1 + alpha^2)^n "
               f"({growth_summary()}; evidence table), because a "
               "Leaky ReLU layer multiplies the forward and backward second moments by (1 + alpha^2)/2 instead of "
               "1/2: growth is second order in alpha, not first (see seed000.leaky_growth_second_order)"),
        Claim("backprop.leaky_growth_second_order", "what holds instead of seed 000's (1 + alpha)^n (same "
              "setting, He-normal weights): the first-layer gradient ratio Leaky / ReLU is about (1 + alpha^2)^n",
              method, lambda: _growth_evidence(lambda n, a: n * np.log1p(a * a)), source=SEED_000),
    ]


# ----- the documents' networks: emitted gradients against mpmath central differences ---------------------

FD = {"h": 1e-10, "rtol": 1e-9}


def module_of(lay):
    """The emitted module (`symderiv network --numpy`) of a derived network, loaded."""
    ns = {"__name__": f"network_{lay.network.name}"}
    exec(compile(network_module(lay, "claim", []), ns["__name__"], "exec"), ns)
    return ns


def as_arrays(values):
    """Nested lists -> float64 arrays; one-row biases -> vectors (the module's shapes)."""
    out = {k: np.array(v, dtype=float) for k, v in values.items() if not isinstance(v, float)}
    return {k: v[0] if k.startswith(("b", "B", "D")) and v.shape[0] == 1 and k not in ("x", "t") else v
            for k, v in out.items()} | {k: v for k, v in values.items() if isinstance(v, float)}


def mp_loss(lay, values):
    """J at `values`, evaluated by SymPy with mpmath at 30 digits (the forward rows and the loss only)."""
    return worked_rows(lay, values, upto="loss", display=False)[-1].result


def gradient_evidence(lay, values, grads_fn, seed=0):
    """Per parameter array P, along a seeded random direction v: the emitted <dJ/dP, v> against the central
    difference (J(P + h v) - J(P - h v)) / 2h of the loss at 30 digits (HIPS autograd's check, per array)."""
    arrays, rng = as_arrays(values), np.random.default_rng(seed)
    grads = grads_fn(arrays)
    worst, rows = (0.0, None), []
    for name in lay.network.parameters:
        v = rng.normal(size=np.shape(values[name]))
        plus, minus = copy.deepcopy(values), copy.deepcopy(values)
        base, step = _mp(values[name]), _mp(v) * sp.Float(FD["h"], 30)
        plus[name], minus[name] = (base + step).tolist(), (base - step).tolist()
        fd = float((mp_loss(lay, plus) - mp_loss(lay, minus)) / (2 * sp.Float(FD["h"], 30)))
        emitted = float(np.sum(np.reshape(grads[name], v.shape) * v))
        err = abs(emitted - fd) / (1 + abs(fd))
        rows.append({"parameter": name, "emitted": emitted, "central_difference": fd})
        if err >= worst[0]:
            worst = (err, rows[-1])
    ev = {"holds": worst[0] <= FD["rtol"], "max_rel_error": worst[0], "directions": rows, "worst_input": worst[1],
          "step": FD["h"], "digits": 30}
    if not ev["holds"]:
        ev["counterexample"] = worst[1]
    return ev


def _mp(a):
    """An object array of 30-digit SymPy Floats (perturbations of 1e-10 stay exact to ~1e-30)."""
    return np.vectorize(lambda e: sp.Float(float(e), 30), otypes=[object])(np.array(a, dtype=float))


def _random_values(lay, seed, n=2):
    """Seeded values for every array of `lay` (n samples, one-hot targets), as nested lists."""
    rng, widths, net = np.random.default_rng(seed), dict(lay.network.widths), lay.network
    out = {"x": rng.normal(size=(n, widths["x"])).round(3).tolist()}
    prev = widths["x"]
    for l in range(1, len(net.parameters) // 2 + 1):
        units = widths[f"z{l}"]
        out[f"W{l}"] = (rng.normal(size=(units, prev)) * 0.7).round(3).tolist()
        out[f"b{l}"] = [rng.normal(size=units).round(3).tolist()]
        prev = units
    out["t"] = np.eye(prev)[rng.integers(0, prev, size=n)].tolist()
    return out


def _lecture_claims(catalog, name):
    """network.<name>.gradients (and for the worked example network.worked.numbers)."""
    lay = layered(lecture_network(catalog, name))
    vals = WORKED_VALUES if name == "worked" else _random_values(lay, 3)
    claims = [Claim(f"network.{name}.gradients", f"the emitted NumPy module of the {name} network (tanh, sigmoid, "
                    "softmax with cross-entropy, L2 on W1) gives the gradient of every parameter", _fd_method(),
                    lambda: gradient_evidence(lay, vals, _spec_grads(lay)))]
    if name == "worked":
        claims.append(Claim("network.worked.numbers", "the worked example's numbers (SymPy, 30 digits) are what "
                            "the emitted module computes: loss, output and every gradient", "the module at float64 "
                            "on the same instance; max relative difference <= 1e-12",
                            lambda: worked_numbers_evidence(lay, WORKED_VALUES, module_of(lay))))
    return claims


def _mlp2_claims(catalog):
    """Seed 000's network, both activations, every penalty on: the code in generated/numpy/networks.py."""
    claims = []
    for act in MLP2_ACTIVATIONS:
        lay = layered(mlp2(catalog, act))
        claims.append(Claim(f"network.mlp2_{act}.gradients", f"seed 000's network with {act} (all five L1/L2 "
                            "terms on) gives the gradient of every parameter", _fd_method(),
                            lambda lay=lay: gradient_evidence(lay, _mlp2_values(5), _mlp2_grads(lay)),
                            source=SEED_000, quote="x2 = Dense(100)(x1) / y = Dense(10)(x3)"))
    return claims


def _fd_method():
    return (f"per parameter array, along a seeded random direction: the emitted directional derivative against "
            f"the central difference of the loss evaluated by SymPy/mpmath at 30 digits, step {FD['h']}; holds "
            f"when |emitted - difference| <= {FD['rtol']} (1 + |difference|)")


def _spec_grads(lay):
    fn = module_of(lay)["loss_and_grads"]
    return lambda a: fn(a["x"], a["t"], {k: a[k] for k in lay.network.parameters})[1]


MLP2_COEFFICIENTS = {"negative_slope": 0.1, "activity_l1": 0.03, "kernel_l1": 0.02, "kernel_l2": 0.05,
                     "bias_l1": 0.04, "bias_l2": 0.06}


def _mlp2_values(seed):
    rng = np.random.default_rng(seed)
    v = {"x": rng.normal(size=(2, 3)), "t": rng.normal(size=(2, 2)), "A": rng.normal(size=(3, 3)),
         "B": rng.normal(size=(1, 3)), "C": rng.normal(size=(2, 3)), "D": rng.normal(size=(1, 2))}
    return {k: a.round(3).tolist() for k, a in v.items()} | MLP2_COEFFICIENTS


def _mlp2_grads(lay):
    ns = {}
    exec(compile(network_function(lay, "grads"), "<mlp2>", "exec"), ns)
    names = [s.name for s in lay.symbols]
    return lambda a: ns["grads"](a["x"], a["t"], a["A"], a["B"], a["C"], a["D"], a["x"].shape[0],
                                 *[a[n] for n in names])[1]


def worked_numbers_evidence(lay, values, ns):
    """The worked rows' loss, output and gradients against the module's (float64)."""
    rows = {r.name: r.result for r in worked_rows(lay, values)}
    a = as_arrays(values)
    loss, grads = ns["loss_and_grads"](a["x"], a["t"], {k: a[k] for k in lay.network.parameters})
    pairs = [("loss", float(rows["loss"]), loss), ("output", rows[lay.network.output], ns["forward"](a["x"], a))]
    pairs += [(f"d{p}", rows[g], grads[p]) for p, g in lay.gradients]
    worst = (0.0, None)
    for name, want, got in pairs:
        want = np.array(want.tolist() if hasattr(want, "tolist") else want, dtype=float).reshape(np.shape(got))
        err = float(np.max(np.abs(want - got) / np.maximum(np.abs(want), 1e-300)))
        if err >= worst[0]:
            worst = (err, name)
    ev = {"holds": worst[0] <= 1e-12, "max_rel_error": worst[0], "worst_input": worst[1], "compared": len(pairs)}
    if not ev["holds"]:
        ev["counterexample"] = {"row": worst[1], "relative_difference": worst[0]}
    return ev


def groups(catalog) -> list:
    """(name, make) claim groups of the emit layer."""
    return [("network_claims.three_layer", lambda: _lecture_claims(catalog, "three_layer")),
            ("network_claims.worked", lambda: _lecture_claims(catalog, "worked")),
            ("network_claims.mlp2", lambda: _mlp2_claims(catalog)),
            ("network_claims.growth", _growth_claims)]
