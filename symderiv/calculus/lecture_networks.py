"""The networks the lecture documents derive, as data (`network_spec` tables), with the numbers of the
worked example. The documents show them; `symderiv.emit.network_claims` verifies them.

- ``three_layer``: two hidden layers (tanh, sigmoid), softmax with cross-entropy, L2 on W1;
- ``worked``: the same architecture at its smallest (two units everywhere), one sample, numbers
  small enough to follow on the board;
- `one_unit`: one hidden unit with ReLU, Leaky ReLU or an L1 activity penalty, differentiated by SymPy
  at the numbers of ONE_UNIT (the relu_leaky_l1 notes' worked example).
"""

from __future__ import annotations

import sympy as sp

from symderiv.calculus.network_spec import network_from_table


def _three_layer(units, inputs):
    return {"inputs": inputs, "loss": "cross_entropy",
            "layers": [{"units": units[0], "activation": "tanh"}, {"units": units[1], "activation": "sigmoid"},
                       {"units": units[2], "activation": "identity"}],
            "regularizers": [{"kind": "l2", "on": "kernel", "layer": 1, "lambda": 0.01}]}


TABLES = {"three_layer": _three_layer((4, 4, 3), 3), "worked": _three_layer((2, 2, 2), 2)}

# one sample of class 2 (one-hot target)
WORKED_VALUES = {
    "x": [[1.0, -0.5]], "t": [[0.0, 1.0]],
    "W1": [[0.5, -1.0], [0.25, 0.75]], "b1": [[0.0, 0.1]],
    "W2": [[1.0, -1.0], [0.5, 0.5]], "b2": [[0.1, -0.2]],
    "W3": [[1.0, 0.5], [-1.0, 2.0]], "b3": [[0.0, 0.0]],
}


def lecture_network(catalog, name):
    """The `Network` of TABLES[name]."""
    return network_from_table(catalog, name, TABLES[name])


# ----- ReLU, Leaky ReLU and L1 activity: one hidden unit, by hand ------------------------------------

def one_unit(activation, values, penalty=0):
    """L and its gradients for z = w x + b, a = f(z), yhat = v a + c, L = (yhat - t)^2/2 + penalty |z|,
    differentiated by SymPy; `activation` maps z to f(z) (a SymPy expression builder), `values` gives
    x, t, w, b, v, c. Returns {"z", "a", "yhat", "L", "dw", "db", "dv", "dc"} as exact numbers."""
    w, b, v, c = sp.symbols("w b v c", real=True)
    x, t = (sp.Rational(str(values[k])) for k in ("x", "t"))
    z = w * x + b
    a = activation(z)
    yhat = v * a + c
    loss = (yhat - t) ** 2 / 2 + sp.Rational(str(penalty)) * sp.Abs(z)
    at = {s: sp.Rational(str(values[str(s)])) for s in (w, b, v, c)}
    out = {"z": z.subs(at), "a": a.subs(at), "yhat": yhat.subs(at), "L": loss.subs(at)}
    out.update({f"d{s}": sp.diff(loss, s).subs(at) for s in (w, b, v, c)})
    return {k: sp.nsimplify(sp.piecewise_fold(val)) if isinstance(val, sp.Piecewise) else val for k, val in out.items()}


ONE_UNIT = {"x": 1.5, "t": 1.0, "w": -0.8, "b": 0.2, "v": 1.2, "c": 0.1}
