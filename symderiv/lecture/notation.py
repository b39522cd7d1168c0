"""One notation for every lecture document: the symbols, what each means, and a check.

Documents build their symbols from `SYMBOLS` (``sym("z", 1)`` is z_1); the notes print
`notation_table(names)` near the start (the renderer does it, with the symbols the document uses).
`violations(doc)` lists what a document prints against the policy, with what to write instead:

- a banned name: a loss called J or C, a step function called Step, a target called y, ...;
- a multi-letter italic name: a symbol whose base is a word (``weight``, ``negative_slope``, ``lr``),
  which TeX sets as a product of letters; use a letter of the notation, or a word in prose;
- a run-together identifier: prose ending in a letter directly followed by math (``"the weight", x``
  prints as "weightx"), or math directly followed by a letter;
- ASCII math in a heading (``(1 + alpha)^n``, ``sqrt(...)``): headings take parts with SymPy objects.

    >>> [name for name, _ in violations_of({"J", "z_1", "eta"})]
    ['J']
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import greek_letters_set, modifier_dict, other_symbols

from symderiv.lecture import blocks

_a, _b, _z = (sp.Symbol(n) for n in ("a_{l-1}", "b_l", "z_l"))
# name: (how it prints, what it means, its defining relation or None)
SYMBOLS = {
    "x": ("x", "the network input (a column vector)", None),
    "t": ("t", "the target", None),
    "yhat": (r"\hat{y}", "the network output", None),
    "L": ("L", "the loss", None),
    "z": ("z", "a pre-activation", sp.Eq(_z, sp.Symbol("W_l") * _a + _b, evaluate=False)),
    "a": ("a", "an activation; the input is the activation of layer 0", sp.Eq(sp.Symbol("a_l"), sp.Function("f")(_z))),
    "delta": (r"\delta", "the error signal", sp.Eq(sp.Symbol("delta_l"), sp.Derivative(sp.Symbol("L"), _z))),
    "W": ("W", "the weight matrix of layer l, acting on the column vector of the activations of layer l - 1", None),
    "b": ("b", "a bias vector", None),
    "eta": (r"\eta", "the learning rate", None),
    "alpha": (r"\alpha", "a slope or parameter of an activation", None),
    "lambda": (r"\lambda", "a penalty coefficient", None),
    "H": ("H", "the unit step: 1 for a positive argument, else 0", None),
    "sigma": (r"\sigma", "the logistic sigmoid", None),
    "l": ("l", "a layer index, counted from the input", None),
    "n": ("n", "the number of layers", None),
}
# names a document must not use: what to write instead
BANNED = {
    "J": "L (the loss)", "C": "L (the loss)", "E": "L (the loss)", "Loss": "L (the loss)",
    "y": "t (the target) or yhat (the output)", "Step": "H (the unit step)", "I": "H (the unit step)",
    "lr": "eta (the learning rate)", "mu": "eta (the learning rate) unless it is a mean",
}
FUNCTIONS_AS = {"sigmoid": "sigma", "Heaviside": "H"}      # applied functions that print as a notation symbol
WORD_OK = {"hat", "bar", "tilde", "dot", "ddot", "vec", "prime", "mathrm", "text", "mathbf", "hat{y}"}
ASCII_MATH = re.compile(r"\^|\bsqrt\(|\b[A-Za-z]_[A-Za-z0-9(]|\w\(\w[^)]*\)\s*[*/]")


def sym(name: str, *index, **assumptions) -> sp.Symbol:
    """The policy's symbol `name`, subscripted by `index` (``sym("delta", 2)`` is delta_2)."""
    if name not in SYMBOLS:
        raise KeyError(f"{name!r} is not in the notation; known: {', '.join(SYMBOLS)}")
    return sp.Symbol(name + "".join(f"_{i}" for i in index), **assumptions)   # SymPy prints yhat as y with a hat


def notation_table(names=None) -> blocks.Table:
    """The notation as a table block (symbol, meaning, definition), for the start of a document;
    only the symbols named in `names` (policy names such as "z", "delta") when given."""
    keep = [n for n in SYMBOLS if names is None or n in names]
    rows = tuple((sp.Symbol(n), SYMBOLS[n][1],
                  SYMBOLS[n][2] if SYMBOLS[n][2] is not None else "") for n in keep)
    return blocks.Table(("symbol", "meaning", "definition"), rows, align="l p:0.5 l",
                        caption="Notation used in these notes.")


def _base(name: str) -> str:
    return re.split(r"[_^]", name.replace("hat{y}", "yhat"), maxsplit=1)[0]


def policy_names(names) -> set:
    """The notation entries (keys of SYMBOLS) that the printed symbol names stand for."""
    return {FUNCTIONS_AS.get(n, _base(n)) for n in names} & set(SYMBOLS)


def _accented(base: str) -> bool:
    """A letter with one of SymPy's accents (Wbar is W with a bar, yhat is y with a hat)."""
    return any(base.endswith(m) and (len(base) - len(m) == 1 or base[:-len(m)] in greek_letters_set)
               for m in modifier_dict)


def _multi_letter(name: str) -> bool:
    """A symbol TeX would set as a run of italic letters (SymPy's Greek names, \\ell and accents excepted)."""
    base = _base(name).strip("{}\\")
    return (len(base) > 1 and base.isalpha() and base not in greek_letters_set and base not in other_symbols
            and base not in WORD_OK and base not in SYMBOLS and base not in BANNED and not _accented(base))


def violations_of(names, functions=()) -> list:
    """[(name, advice)] for the symbol names (and applied function names) against the policy, sorted.
    Function names print upright (operatorname), so only symbols can be multi-letter italic names."""
    out = {(n, BANNED[_base(n)]) for n in (*names, *functions) if _base(n) in BANNED}
    out |= {(n, "a multi-letter italic name: use a letter of the notation (or the word in prose)")
            for n in names if _multi_letter(n)}
    return sorted(out)


def used_symbols(doc, functions: bool = True) -> set:
    """The names of every SymPy symbol (and, with `functions`, applied function) a document prints."""
    names = set()
    for obj in _sympy_objects(doc):
        basic = sp.sympify(obj, strict=False) if not isinstance(obj, sp.Basic) else obj
        if isinstance(basic, sp.Basic):
            names |= {s.name for s in basic.atoms(sp.Symbol, sp.MatrixSymbol)}
            if functions:
                names |= {type(f).__name__ for f in basic.atoms(sp.core.function.AppliedUndef)}
    return names


def _run_together(parts) -> list:
    """Prose and math printed without a space between a letter and the math ('weight' + x -> weightx)."""
    out = []
    for left, right in zip(parts, parts[1:]):
        if isinstance(left, str) and left[-1:].isalpha() and isinstance(right, sp.Basic):
            out.append((f"{left[-12:]!r} + {sp.sstr(right)}", "prose runs into math: put a space before it"))
        if isinstance(left, sp.Basic) and isinstance(right, str) and right[:1].isalpha():
            out.append((f"{sp.sstr(left)} + {right[:12]!r}", "math runs into prose: put a space after it"))
    return out


PARTS_FIELDS = ("parts", "note", "caption", "shown", "question", "abstract", "xlabel", "ylabel")
PARTS_LIST_FIELDS = ("summary", "header")


def _texts(obj):
    """("heading", title) for every section, ("parts", parts) for every run of prose and math."""
    if isinstance(obj, blocks.Section):
        yield ("heading", obj.title)
    if isinstance(obj, (tuple, list)):
        for item in obj:
            yield from _texts(item)
        return
    if not hasattr(obj, "__dataclass_fields__") or hasattr(obj, "check"):
        return
    for name in obj.__dataclass_fields__:
        value = getattr(obj, name)
        if name in PARTS_FIELDS and isinstance(value, tuple):
            yield ("parts", value)
        elif name in PARTS_LIST_FIELDS or (name == "items" and isinstance(obj, blocks.Bullets)):
            yield from (("parts", v) for v in value if isinstance(v, tuple))
        elif name == "rows" and isinstance(obj, blocks.Table):
            yield from (("parts", c) for row in value for c in row if isinstance(c, tuple))
        elif name == "title" and isinstance(value, tuple):
            yield ("parts", value)
        elif name not in ("claim", "data"):
            yield from _texts(value)


def violations(doc) -> list:
    """[(name, advice)] for what `doc` prints against the policy (see the module docstring)."""
    symbols = used_symbols(doc, functions=False)
    out = violations_of(symbols, used_symbols(doc) - symbols)
    for kind, value in _texts(doc):
        if kind == "parts":
            out += _run_together(value)
        elif isinstance(value, str) and ASCII_MATH.search(value):
            out.append((value, "ASCII math in a heading: give the heading as parts with SymPy objects"))
    return out


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
