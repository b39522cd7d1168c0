"""The seed audit: every formula and quantitative statement of the seed documents as a claim.

One module per seed (`seed002`, ...), each with `claims(catalog) -> [Claim]` and
`formulas(catalog) -> {claim id: SymPy relation}` (the corrected formula of a refuted claim, for
the errata). Ids are `seedNNN.key`, `source` is the seed's file name, `quote` its words verbatim
(several fragments joined by " / "). Claims the seeds get wrong are `expected=False`, refuted with
a counterexample and carrying a `correction`.
"""

from __future__ import annotations

from symderiv.verify.seeds import seed000, seed001, seed002, seed003, seed004
from symderiv.verify.evidence import SEEDS

MODULES = (seed000, seed001, seed002, seed003, seed004)
TITLES = {
    SEEDS["000"]: "L1 regularization vs Leaky ReLU in backpropagation (article, translated)",
    SEEDS["001"]: "deriving backpropagation with ReLU (Q&A thread)",
    SEEDS["002"]: "activation, initialisation and regularisation (lecture slides)",
    SEEDS["003"]: "activation functions and vanishing gradients (blog post, machine-paraphrased)",
    SEEDS["004"]: "activation functions (lecture slides, Peking University)",
}

__all__ = ["SEEDS", "TITLES", "seed_claims", "correct_formulas"]


def seed_claims(catalog):
    """The claims of every seed module, in seed order (registered in `symderiv.verify.registry`)."""
    return [c for module in MODULES for c in module.claims(catalog)]


def correct_formulas(catalog) -> dict:
    """{claim id: SymPy relation} the corrected formulas of refuted claims, printed in the errata."""
    out = {}
    for module in MODULES:
        out.update(module.formulas(catalog))
    return out
