"""Claims about the emitted network code: seed 000's deep-network growth, measured by seeded Monte
Carlo over the generated layered backprop (itself tested against finite differences).

The build runs these groups after the verify layer's (`GROUPS`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from symderiv.calculus.backprop import layered
from symderiv.calculus.network import deep_mlp
from symderiv.catalog import load_catalog
from symderiv.emit.backprop_code import network_function
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
        for act in ("relu", "leaky_relu"):
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
               "(measured 1.53 at n = 40, alpha = 0.1, where (1 + alpha)^n = 45.3; 1.04 at n = 40, alpha = 0.01, where "
               "(1 + alpha)^n = 1.49; evidence table), because a "
               "Leaky ReLU layer multiplies the forward and backward second moments by (1 + alpha^2)/2 instead of "
               "1/2: growth is second order in alpha, not first (see seed000.leaky_growth_second_order)"),
        Claim("backprop.leaky_growth_second_order", "what holds instead of seed 000's (1 + alpha)^n (same "
              "setting, He-normal weights): the first-layer gradient ratio Leaky / ReLU is about (1 + alpha^2)^n",
              method, lambda: _growth_evidence(lambda n, a: n * np.log1p(a * a)), source=SEED_000),
    ]


def groups(catalog) -> list:
    """(name, make) claim groups of the emit layer."""
    return [("network_claims.growth", _growth_claims)]
