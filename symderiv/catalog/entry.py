"""The records the catalog is made of: a parameter, a kink convention, an entry."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from symderiv.errors import SymderivError

KINDS = ("activation", "loss", "regularizer", "initializer")


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
    is `value`. `alternatives` records other libraries' or the seeds' choices, e.g.
    ``{"seeds 000/001 (H(0)=1)": 1}``.
    """

    at: sp.Expr
    value: sp.Expr
    why: str
    wrt: sp.Symbol | None = None
    alternatives: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Entry:
    """One catalog function.

    `expr` is a SymPy expression over `variables` and the parameter symbols (a column Matrix
    for vector-valued entries). `kinks` fix the derivative where it is undefined.
    `extra` holds kind-specific data (e.g. a random slope's distribution, Keras placements).
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
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def var(self) -> sp.Symbol:
        """The variable the main derivative is taken with respect to."""
        return self.variables[0]

    @property
    def is_vector(self) -> bool:
        return isinstance(self.expr, sp.MatrixBase)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        from symderiv.errors import unknown

        raise unknown(f"parameter of {self.name}", name, [p.name for p in self.params])

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
