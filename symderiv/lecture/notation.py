"""One notation for every lecture document: the symbols, what each means, and a check.

Documents build their symbols from `SYMBOLS` (``sym("z", 1)`` is z_1) and print `notation_table()`;
`violations(doc)` lists the symbols a document uses against the policy (a loss called J or C, a step
function called Step, a target called y, ...), with what to write instead.

    >>> [name for name, _ in violations_of({"J", "z_1", "eta"})]
    ['J']
"""

from __future__ import annotations

import re

import sympy as sp

from symderiv.lecture import blocks

# name: (how it prints, what it means)
SYMBOLS = {
    "x": ("x", "the network input (a column vector)"),
    "t": ("t", "the target"),
    "yhat": (r"\hat{y}", "the network output"),
    "L": ("L", "the loss"),
    "z": ("z", "a pre-activation, z_l = W_l a_(l-1) + b_l"),
    "a": ("a", "an activation, a_l = f(z_l), a_0 = x"),
    "delta": (r"\delta", "the error signal dL/dz_l"),
    "W": ("W", "a weight matrix (layer l maps a_(l-1) to z_l)"),
    "b": ("b", "a bias vector"),
    "eta": (r"\eta", "the learning rate"),
    "alpha": (r"\alpha", "a slope or parameter of an activation"),
    "lambda": (r"\lambda", "a penalty coefficient"),
    "H": ("H", "the unit step, H(z) = 1 for z > 0"),
    "sigma": (r"\sigma", "the logistic sigmoid"),
    "l": ("l", "a layer index, counted from the input (l = 1, ..., n)"),
    "n": ("n", "the number of layers"),
}
# names a document must not use: what to write instead
BANNED = {
    "J": "L (the loss)", "C": "L (the loss)", "E": "L (the loss)", "Loss": "L (the loss)",
    "y": "t (the target) or yhat (the output)", "Step": "H (the unit step)", "I": "H (the unit step)",
    "lr": "eta (the learning rate)", "mu": "eta (the learning rate) unless it is a mean",
}


def sym(name: str, *index, **assumptions) -> sp.Symbol:
    """The policy's symbol `name`, subscripted by `index` (``sym("delta", 2)`` is delta_2)."""
    if name not in SYMBOLS:
        raise KeyError(f"{name!r} is not in the notation; known: {', '.join(SYMBOLS)}")
    base = "hat{y}" if name == "yhat" else name
    return sp.Symbol(base + "".join(f"_{i}" for i in index), **assumptions)


def notation_table() -> blocks.Table:
    """The notation as a table block (symbol, meaning), for the start of a document."""
    rows = tuple((sp.Symbol("hat{y}") if n == "yhat" else sp.Symbol(n), meaning) for n, (_, meaning) in SYMBOLS.items())
    return blocks.Table(("symbol", "meaning"), rows, align="lp:0.75", caption="Notation used in these notes.")


def _base(name: str) -> str:
    return re.split(r"[_^]", name.replace("hat{y}", "yhat"), maxsplit=1)[0]


def violations_of(names) -> list:
    """[(name, advice)] for the symbol names against the policy, sorted."""
    return sorted({(n, BANNED[_base(n)]) for n in names if _base(n) in BANNED})


def used_symbols(doc) -> set:
    """The names of every SymPy symbol and applied function a document prints."""
    names = set()
    for obj in _sympy_objects(doc):
        basic = sp.sympify(obj, strict=False) if not isinstance(obj, sp.Basic) else obj
        if isinstance(basic, sp.Basic):
            names |= {s.name for s in basic.atoms(sp.Symbol, sp.MatrixSymbol)}
            names |= {type(f).__name__ for f in basic.atoms(sp.core.function.AppliedUndef)}
    return names


def violations(doc) -> list:
    """[(name, advice)] for the symbols `doc` prints against the policy."""
    return violations_of(used_symbols(doc))


def _sympy_objects(obj):
    """Every SymPy object inside a document's blocks (prose strings and numbers skipped)."""
    if isinstance(obj, sp.Basic) or (hasattr(obj, "free_symbols") and not isinstance(obj, str)):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from _sympy_objects(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _sympy_objects(item)
    elif hasattr(obj, "__dataclass_fields__") and not hasattr(obj, "check"):
        for name in obj.__dataclass_fields__:
            if name not in ("claim", "data"):
                yield from _sympy_objects(getattr(obj, name))
