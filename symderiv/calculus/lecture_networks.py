"""The networks the lecture documents derive, as data (`network_spec` tables), with the numbers of the
worked example. The documents show them; `symderiv.emit.network_claims` verifies them.

- ``three_layer``: two hidden layers (tanh, sigmoid), softmax with cross-entropy, L2 on W1;
- ``worked``: the same architecture at its smallest (two units everywhere), one sample, numbers
  small enough to follow on the board.
"""

from __future__ import annotations

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
