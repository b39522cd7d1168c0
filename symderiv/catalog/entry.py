"""The records the catalog is made of: a parameter, a kink convention, an entry."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import sympy as sp

from symderiv.errors import SymderivError

KINDS = ("activation", "loss", "regularizer", "initializer")
CONVENTIONS = ("pytorch", "jax", "seeds")   # whose value a derivative takes at a kink; pytorch is the default


@dataclass(frozen=True)
class Param:
    """A named parameter with PyTorch's name and default and its allowed range.

    `low`/`high` bound the value (None = unbounded); `open_low`/`open_high` make the bound strict.
    `learnable` marks parameters that get a gradient (PReLU's weight).
    `symbolic=False` marks implementation-only parameters (softplus's threshold) that do not
    appear in the mathematics.
    """

    name: str
    default: float
    doc: str = ""
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False
    learnable: bool = False
    symbolic: bool = True

    @property
    def symbol(self) -> sp.Symbol:
        """The real SymPy symbol for this parameter (positive when the range says so)."""
        positive = self.low is not None and (self.low > 0 or (self.low == 0 and self.open_low))
        if positive:
            return sp.Symbol(self.name, positive=True)
        return sp.Symbol(self.name, real=True)

    @property
    def sym_default(self) -> sp.Expr:
        """The default as an exact SymPy number (0.01 -> 1/100), so symbolic checks stay exact."""
        return sp.nsimplify(self.default, rational=True)

    def validate(self, value: float, owner: str) -> float:
        """Return `value` if it lies in the allowed range, else raise a one-line SymderivError."""
        bad = (
            (self.low is not None and (value < self.low or (self.open_low and value == self.low)))
            or (self.high is not None and (value > self.high or (self.open_high and value == self.high)))
            or value != value
        )
        if bad:
            raise SymderivError(f"{owner}: parameter {self.name}={value} is outside {self.range_text()}")
        return value

    def range_text(self) -> str:
        lo = "-inf" if self.low is None else repr(self.low)
        hi = "inf" if self.high is None else repr(self.high)
        return f"{'(' if self.open_low or self.low is None else '['}{lo}, {hi}{')' if self.open_high or self.high is None else ']'}"


@dataclass(frozen=True)
class Kink:
    """The value chosen for the derivative at a point where it is not defined.

    At `wrt == at` the derivative with respect to `wrt` (default: the entry's first variable)
    is `value` (PyTorch's, measured); `jax` is JAX's (measured with jax.grad, None: the same as
    PyTorch's or JAX has no such function) and `seeds` the seeds' (None: the seeds do not define
    it, so PyTorch's). `alternatives` records other choices as prose, e.g. ``{"seed 004": 0}``.
    """

    at: sp.Expr
    value: sp.Expr
    why: str
    wrt: sp.Symbol | None = None
    alternatives: dict = field(default_factory=dict, hash=False, compare=False)
    jax: sp.Expr | None = None
    seeds: sp.Expr | None = None

    def value_in(self, convention: str) -> sp.Expr:
        """The value under `convention` ("pytorch", "jax" or "seeds")."""
        if convention not in CONVENTIONS:
            raise SymderivError(f"kink convention {convention!r} is not one of {', '.join(CONVENTIONS)}")
        chosen = {"pytorch": self.value, "jax": self.jax, "seeds": self.seeds}[convention]
        return self.value if chosen is None else chosen


@dataclass(frozen=True)
class Entry:
    """One catalog function.

    `expr` is a SymPy expression over `variables` and the parameter symbols (a column Matrix
    for vector-valued entries). `kinks` fix the derivative where it is undefined. `latex` is the
    symbol the function prints as in LaTeX when applied by name (sigmoid: ``\\sigma``); None: its name.
    `extra` holds kind-specific data (e.g. a random slope's distribution, Keras placements), and
    the kernel layout where it is not elementwise: `extra["axis"] = True` (a reduction over an axis:
    softmax; its NumPy kernel is printed from `expr` generalised to any width), `extra["random"]` (a random law), `extra["variant_of"]` = (function, option, value,
    base value) for an option of another PyTorch function (gelu(approximate="tanh")),
    `extra["switch"]` = (condition, value) where PyTorch returns `value` instead of the formula
    (softplus: x where beta*x > threshold), `extra["inputs"]` the variables that get gradients.
    """

    name: str
    kind: str
    expr: sp.Expr
    variables: tuple
    description: str
    reference: str
    params: tuple = ()
    kinks: tuple = ()
    torch: str | None = None
    latex: str | None = None
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def var(self) -> sp.Symbol:
        """The variable the main derivative is taken with respect to."""
        return self.variables[0]

    @property
    def gradient_variables(self) -> tuple:
        """The variables that get a gradient: `extra["inputs"]`, else every variable of an activation,
        else the first (a loss's prediction, a regularizer's weight)."""
        if "inputs" in self.extra:
            return tuple(self.extra["inputs"])
        return tuple(self.variables) if self.kind == "activation" else (self.var,)

    @property
    def is_vector(self) -> bool:
        return isinstance(self.expr, sp.MatrixBase)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        from symderiv.errors import unknown

        raise unknown(f"parameter of {self.name}", name, [p.name for p in self.params])

    def in_convention(self, convention: str) -> "Entry":
        """The entry with every kink value taken from `convention` (see `Kink.value_in`)."""
        kinks = tuple(dataclasses.replace(k, value=k.value_in(convention), jax=None, seeds=None) for k in self.kinks)
        return self if kinks == self.kinks else dataclasses.replace(self, kinks=kinks)

    @property
    def symbolic_params(self) -> tuple:
        return tuple(p for p in self.params if p.symbolic)

    def _repr_latex_(self) -> str:
        """The definition as display math in a notebook, printed by `sympy.latex`:
        name(variables) = expression (an initializer: Var(w) = its variance)."""
        name = r"\operatorname{%s}" % self.name.replace("_", r"\_")
        args = ", ".join(sp.latex(v) for v in self.variables)
        lhs = rf"\operatorname{{Var}}(w)\ \text{{{self.name.replace('_', ' ')}}}" if self.kind == "initializer" \
            else rf"{name}\left({args}\right)"
        words = {p.symbol: r"\mathit{%s}" % p.name.replace("_", r"\_") for p in self.params if "_" in p.name}
        return rf"$\displaystyle {lhs} = {sp.latex(self.expr, symbol_names=words)}$"

    def defaults(self, **overrides) -> dict:
        """Substitution {symbol: exact value} for the symbolic parameters, validated."""
        for name in overrides:
            self.param(name)  # raises a one-line error naming the valid parameters
        subs = {}
        for p in self.symbolic_params:
            value = overrides.pop(p.name, None)
            if value is None:
                subs[p.symbol] = p.sym_default
            else:
                subs[p.symbol] = sp.nsimplify(p.validate(float(value), self.name), rational=True)
        return subs
