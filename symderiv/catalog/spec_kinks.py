"""Kink values for user-defined functions: derived where the derivative jumps, or declared.

Derived default: at a point where the one-sided derivatives differ, the value is their **mean**.
That is what `torch.maximum`/`torch.minimum` do at a tie (the gradient is split in half) and what
`torch.abs` does at 0 (sign(0) = 0), and it always lies between the one-sided limits (a valid
subgradient for convex and concave kinks). Declare a kink in the spec to choose another value
(relu's PyTorch convention max(0, x)' at 0 = 0: `kinks = [{ at = "0", value = "0" }]`).

Candidate points are where a `where`/`max`/`min` condition or an `abs` argument vanishes, solved
symbolically when that boundary is a polynomial of degree <= 2 in the variable or a small
expression (at most MAX_SOLVE_OPS operations, e.g. exp(x) - 2), so they move with the parameters:
`where(x > theta, ...)` has its kink at theta. One-sided values are found
symbolically; where a side cannot be decided for symbolic parameters, the value is computed at
the default parameters (documented in the kink's `why`). Other boundaries are not searched:
declare those kinks, or the `NAME.kinks.complete` claim reports the undeclared point.
"""

from __future__ import annotations

import sympy as sp

from symderiv.catalog.entry import Kink
from symderiv.catalog.expr_parser import parse_expression
from symderiv.errors import SymderivError

MAX_KINKS = 16
MAX_SOLVE_OPS = 8    # non-polynomial boundaries (exp(x) > 2) are solved only when this small
MEAN = "user function: mean of the one-sided derivatives (torch.maximum/minimum split ties; torch.abs'(0) = 0)"
WRT_NAMES = {"input": 0, "target": 1, "x": 0}


class _Undecided(Exception):
    pass


def kinks_for(expr, variables, params, kind, declared, names, where) -> tuple:
    """Declared kinks, plus derived ones at the other jump points of the derivative."""
    wrts = variables if kind == "loss" else variables[:1]
    chosen = _declared(declared, variables, kind, names, where)
    defaults = {p.symbol: p.sym_default for p in params}
    for var in wrts:
        for at in boundaries(expr, var):
            if any((k.wrt or variables[0]) == var and _same(k.at, at) for k in chosen):
                continue
            kink = _derived(expr, var, at, defaults)
            if kink is not None:
                chosen.append(Kink(at, kink[0], kink[1], wrt=var if kind == "loss" else None))
    if len(chosen) > MAX_KINKS:
        raise SymderivError(f"{where}: {len(chosen)} kinks (limit {MAX_KINKS})")
    return tuple(chosen)


def boundaries(expr, var) -> list:
    """Points where a condition's sides or an Abs argument vanish (polynomial boundaries of degree <= 2)."""
    gs = [r.lhs - r.rhs for r in expr.atoms(sp.Rel) if r.has(var)]
    gs += [a.args[0] for a in expr.atoms(sp.Abs) if a.args[0].has(var)]
    points = []
    for g in gs:
        if not _solvable(g, var):
            continue
        try:
            solutions = sp.solve(g, var)
        except (NotImplementedError, ValueError, TypeError):
            continue
        for p in solutions:
            if not p.has(sp.I) and p.is_real is not False and not any(_same(p, q) for q in points):
                points.append(p)
    return points


def _solvable(g, var) -> bool:
    """Worth handing to sp.solve: a polynomial of degree 1 or 2 in `var`, or a small expression."""
    try:
        return 1 <= sp.Poly(g, var).degree() <= 2
    except sp.PolynomialError:
        return sp.count_ops(g) <= MAX_SOLVE_OPS


def _derived(expr, var, at, defaults):
    """(value, why) at `at` if the derivative jumps there, else None."""
    d = sp.diff(expr, var)
    try:
        left, right = (_side(d, var, at, s) for s in (-1, 1))
        why = MEAN
    except _Undecided:
        at_n = sp.sympify(at).subs(defaults)
        if not at_n.is_number:
            return None
        try:
            left, right = (_side(d.subs(defaults), var, at_n, s) for s in (-1, 1))
        except _Undecided:
            return None
        why = MEAN + "; value at the default parameters"
    if _same(left, right):
        return None
    return sp.simplify((left + right) / 2), why


def _side(d, var, at, s):
    """The limit of `d` at `at` from the left (s = -1) or the right (s = 1), found symbolically."""
    h = sp.Dummy("h", positive=True)
    e = sp.piecewise_fold(d.subs(var, at + s * h))

    def pick(pw):
        for piece, cond in pw.args:
            if _holds(cond, h):
                return piece
        raise _Undecided

    e = e.replace(lambda n: isinstance(n, sp.Piecewise), pick)
    try:
        value = sp.limit(e, h, 0, "+") if e.has(h) else e
    except (NotImplementedError, ValueError, TypeError):
        raise _Undecided from None
    if value.has(h, sp.Limit, sp.sign, sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise _Undecided
    return value


def _holds(cond, h) -> bool:
    """Whether `cond` holds for all small h > 0 (raises _Undecided when SymPy cannot tell)."""
    if cond in (sp.true, sp.false):
        return cond == sp.true
    if isinstance(cond, sp.And):
        return all(_holds(c, h) for c in cond.args)
    if isinstance(cond, sp.Or):
        return any(_holds(c, h) for c in cond.args)
    tests = {sp.StrictLessThan: lambda s: s < 0, sp.LessThan: lambda s: s < 0,
             sp.StrictGreaterThan: lambda s: s > 0, sp.GreaterThan: lambda s: s > 0}
    if type(cond) not in tests:
        raise _Undecided
    return tests[type(cond)](_sign_near_zero(cond.lhs - cond.rhs, h))


def _sign_near_zero(g, h) -> int:
    """The sign of g(h) for small h > 0: of g(0), else of the first non-zero derivative at 0."""
    for _ in range(3):
        g0 = sp.simplify(g.subs(h, 0))
        if g0.is_positive:
            return 1
        if g0.is_negative:
            return -1
        if not g0.is_zero:
            raise _Undecided
        g = sp.diff(g, h)
    raise _Undecided


def _same(a, b) -> bool:
    try:
        return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0
    except (TypeError, ValueError):
        return False


def _declared(declared, variables, kind, names, where) -> list:
    if not isinstance(declared, list):
        raise SymderivError(f"{where}: must be a list such as [{{ at = \"0\", value = \"0\" }}]")
    kinks = []
    for i, item in enumerate(declared):
        here = f"{where}[{i}]"
        if not isinstance(item, dict) or not {"at", "value"} <= set(item) or set(item) - {"at", "value", "wrt"}:
            raise SymderivError(f"{here}: must be a table with 'at', 'value' (and for losses 'wrt')")
        wrt_name = item.get("wrt", "input" if kind == "loss" else "x")
        allowed = ("input", "target") if kind == "loss" else ("x",)
        if wrt_name not in allowed:
            raise SymderivError(f"{here}.wrt: must be one of {', '.join(allowed)}")
        var = variables[WRT_NAMES[wrt_name]]
        others = {n: s for n, s in names.items() if s != var}
        at, value = (_value(item[k], others, f"{here}.{k}") for k in ("at", "value"))
        kinks.append(Kink(at, value, "declared in the spec", wrt=var if kind == "loss" else None))
    return kinks


def _value(v, names, where):
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise SymderivError(f"{where}: must be a number or an expression string")
    return parse_expression(v if isinstance(v, str) else repr(v), names, where)
