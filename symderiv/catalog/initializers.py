"""Initializers: the weight variance each scheme targets, and the normal / uniform laws with it.

`expr` is Var(W) in terms of the fans; a normal law has std sqrt(Var), a uniform
U(-limit, limit) has Var = limit^2 / 3, so limit = sqrt(3 Var).
"""

import sympy as sp

from symderiv.catalog.entry import Entry

fan_in, fan_out = sp.symbols("n_in n_out", positive=True)
GLOROT = "Glorot & Bengio (2010), https://proceedings.mlr.press/v9/glorot10a/glorot10a.pdf"
HE = "He et al. (2015), https://arxiv.org/abs/1502.01852"


def _init(name, variance, law, reference, description):
    return Entry(name, "initializer", variance, (fan_in, fan_out), description, reference,
                 extra={"law": law})


INITIALIZERS = (
    _init("glorot_normal", 2 / (fan_in + fan_out), "normal", GLOROT, "Xavier/Glorot normal: N(0, 2/(n_in + n_out))"),
    _init("glorot_uniform", 2 / (fan_in + fan_out), "uniform", GLOROT,
          "Xavier/Glorot uniform: U(-limit, limit) with the variance 2/(n_in + n_out)"),
    _init("he_normal", 2 / fan_in, "normal", HE, "He (Kaiming) normal: N(0, 2/n_in)"),
    _init("he_uniform", 2 / fan_in, "uniform", HE, "He (Kaiming) uniform: U(-limit, limit) with variance 2/n_in"),
)


def spread(entry):
    """The normal law's std or the uniform law's limit for an initializer entry."""
    return sp.sqrt(entry.expr) if entry.extra["law"] == "normal" else sp.sqrt(3 * entry.expr)
