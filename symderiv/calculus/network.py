"""A network is data: dense layers, catalog activations, a catalog loss, Keras-style regularizers.

Arrays are named (the names become the variables of the generated code); a dense layer maps
`inputs` to `outputs = inputs @ kernel^T + bias` (rows are samples), an activation maps `inputs`
to `entry(inputs)` element by element, and the loss compares the last output with the target
element by element. Regularizers sit where Keras puts them: on the kernel, on the bias, or on
the dense layer's output (activity); each has its own coefficient, a named argument.

Example (seed 000's network, `mlp2`)::

    >>> from symderiv.catalog import load_catalog
    >>> net = mlp2(load_catalog(), "relu")
    >>> [type(layer).__name__ for layer in net.layers]
    ['Dense', 'Activation', 'Dense']
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.catalog import Entry
from symderiv.errors import SymderivError
from symderiv.symbols import w

CONVENTIONS = ("catalog", "seed000")
SEED_KEYS = ("seed 000", "seeds 000")   # catalog Kink.alternatives keys for seed 000's H(0) = 1
MLP2_ACTIVATIONS = ("relu", "leaky_relu")   # what seed 000 compares, in `mlp2` and in deep networks


@dataclass(frozen=True)
class Regularizer:
    """`coef * penalty(v)` summed over the elements of the array it regularizes.

    `entry` is a catalog regularizer in w with one parameter (its factor lambda); `coef` names the
    argument that replaces lambda in the generated code (e.g. ``kernel_l1``).
    """

    entry: Entry
    coef: str
    value: float | None = None     # the coefficient's number, for a network from a spec (None: an argument)

    @property
    def symbol(self) -> sp.Symbol:
        return sp.Symbol(self.coef, real=True)

    def _factor(self):
        (p,) = self.entry.symbolic_params
        return {p.symbol: self.symbol}

    def penalty(self, v):
        """The penalty of one element `v` (a symbol standing for every element)."""
        return self.entry.expr.subs(self._factor()).subs(w, v)

    def gradient(self, v, convention="catalog"):
        """d penalty / d v, with the kink value of `convention` (catalog: d|w|/dw at 0 is 0)."""
        (p,) = self.entry.symbolic_params   # penalties are linear in lambda: lambda * d(unit penalty)/dw
        unit = derivative(with_convention(self.entry, convention)).subs(p.symbol, 1)
        return self.symbol * unit.subs(w, v)


@dataclass(frozen=True)
class Dense:
    """outputs = inputs @ kernel^T + bias, with regularizers on kernel, bias and outputs (activity)."""

    kernel: str
    bias: str
    inputs: str
    outputs: str
    kernel_regularizers: tuple = ()
    bias_regularizers: tuple = ()
    activity_regularizers: tuple = ()


@dataclass(frozen=True)
class Activation:
    """outputs = entry(inputs), element by element (a scalar catalog activation).

    `values` are (parameter, number) pairs fixed by a spec; parameters not listed stay symbols
    (arguments of the generated code, as seed 000's negative_slope).
    """

    entry: Entry
    inputs: str
    outputs: str
    values: tuple = ()

    def fixed(self, expr):
        """`expr` in the entry's symbols with this layer's fixed values substituted."""
        if not self.values:
            return expr
        subs = self.entry.defaults(**dict(self.values))
        return expr.subs({s: v for s, v in subs.items() if s.name in dict(self.values)})


@dataclass(frozen=True)
class Rowwise:
    """outputs = entry(inputs) over the units of each sample (softmax, log_softmax: a vector entry)."""

    entry: Entry
    inputs: str
    outputs: str


@dataclass(frozen=True)
class Network:
    """Layers in forward order, the loss entry (in y, t) applied element by element, the batch mean.

    J = mean over the batch of [sum_k loss(y_k, t_k) + activity penalties] + kernel/bias penalties.
    """

    name: str
    input: str
    target: str
    layers: tuple
    loss: Entry
    widths: tuple = ()       # (array name, units) pairs where known (networks from a spec)

    @property
    def output(self) -> str:
        return self.layers[-1].outputs

    @property
    def averages_outputs(self) -> bool:
        """Whether the per-sample loss is the mean over the outputs (an element-wise loss with a PyTorch
        equivalent: PyTorch's reduction="mean" averages over every element) rather than their sum
        (the seeds' half squared error, user losses); vector losses (cross-entropy) are per sample."""
        return self.loss.torch is not None and "targets" not in self.loss.extra

    @property
    def parameters(self) -> tuple:
        """(kernel, bias) names in forward order."""
        return tuple(n for layer in self.layers if isinstance(layer, Dense) for n in (layer.kernel, layer.bias))

    @property
    def regularizers(self) -> tuple:
        """Every Regularizer, in order of the layers (activity, kernel, bias)."""
        return tuple(r for layer in self.layers if isinstance(layer, Dense)
                     for r in layer.activity_regularizers + layer.kernel_regularizers + layer.bias_regularizers)

    @property
    def coefficient_values(self) -> dict:
        """{coefficient name: number} of the regularizers a spec fixed."""
        return {r.coef: r.value for r in self.regularizers if r.value is not None}

    @property
    def coefficients(self) -> tuple:
        """Regularizer coefficient names, in order of appearance, without repeats."""
        names = [r.coef for layer in self.layers if isinstance(layer, Dense)
                 for r in layer.activity_regularizers + layer.kernel_regularizers + layer.bias_regularizers]
        return tuple(dict.fromkeys(names))


def with_convention(entry: Entry, convention: str) -> Entry:
    """`entry` with its kink values replaced by the convention's (``seed000``: H(0) = 1, 2H(0) - 1 = 1).

    ``catalog`` returns the entry unchanged (PyTorch's values: relu'(0) = 0, d|x|/dx at 0 = 0).
    """
    if convention not in CONVENTIONS:
        raise SymderivError(f"with_convention: convention '{convention}' is not one of {', '.join(CONVENTIONS)}")
    if convention == "catalog" or not entry.kinks:
        return entry
    kinks = []
    for k in entry.kinks:
        alt = [v for key, v in k.alternatives.items() if any(key.startswith(s) for s in SEED_KEYS)]
        kinks.append(dataclasses.replace(k, value=sp.sympify(alt[0]), why=f"seed 000 (H(0) = 1): {k.why}")
                     if alt else k)
    return dataclasses.replace(entry, kinks=tuple(kinks))


def mlp2(catalog, activation="relu", loss="half_squared_error"):
    """Seed 000's network: x2 = x A^T + B, x3 = f(x2), y = x3 C^T + D, loss 1/2 (t - y)^2.

    Regularizers (Keras placements): L1 on x2 (activity_l1), L1/L2 on A (kernel_l1, kernel_l2) and
    on B (bias_l1, bias_l2).
    """
    l1, l2 = catalog.get("l1"), catalog.get("l2")
    return Network(
        name="mlp2", input="x", target="t", loss=catalog.get(loss),
        layers=(
            Dense("A", "B", "x", "x2",
                  kernel_regularizers=(Regularizer(l1, "kernel_l1"), Regularizer(l2, "kernel_l2")),
                  bias_regularizers=(Regularizer(l1, "bias_l1"), Regularizer(l2, "bias_l2")),
                  activity_regularizers=(Regularizer(l1, "activity_l1"),)),
            Activation(catalog.get(activation), "x2", "x3"),
            Dense("C", "D", "x3", "y"),
        ))


def deep_mlp(catalog, depth, activation="relu", loss="half_squared_error"):
    """`depth` dense layers W_l, b_l (l = 1..depth), each but the last followed by the activation.

    The activation's parameters stay symbols (they become arguments of the generated code).
    """
    act = catalog.get(activation)
    layers, prev = [], "x"
    for l in range(1, depth + 1):
        z = f"z{l}" if l < depth else "y"
        layers.append(Dense(f"W{l}", f"b{l}", prev, z))
        if l < depth:
            layers.append(Activation(act, z, f"a{l}"))
            prev = f"a{l}"
    return Network(name=f"mlp{depth}", input="x", target="t", layers=tuple(layers), loss=catalog.get(loss))
