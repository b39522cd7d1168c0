"""Derivatives of catalog entries, with kinks resolved by each entry's convention.

`derivative(entry)` is SymPy's `diff`, then two steps:
1. kinks: at each declared kink `wrt = a` the value is the entry's choice; it is merged into the
   adjacent piece of the Piecewise where that piece already takes that value (relu' becomes
   ``0 for x <= 0, 1 otherwise``), else kept as an explicit ``Eq(x, a)`` piece.
2. form: among equivalent forms (as derived, simplified, factored, split by sign) the one with
   the fewest operations, so softsign' reads 1/(1 + |x|)^2 rather than SymPy's simplify result.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from symderiv.catalog import Entry

SIMPLE_RELATIONS = (sp.StrictLessThan, sp.StrictGreaterThan, sp.LessThan, sp.GreaterThan)
STRICT = {sp.LessThan: sp.StrictLessThan, sp.GreaterThan: sp.StrictGreaterThan}
LOOSE = {v: k for k, v in STRICT.items()}
MAX_TIDY_OPS = 25


_KNOWN: dict = {}    # (entry, wrt) -> derivative: computed here, or handed over by `remember`


def derivative(entry: Entry, wrt: sp.Symbol | None = None):
    """d entry / d wrt (default: the entry's first variable); a Jacobian Matrix for vector entries."""
    key = (entry, wrt)
    if key not in _KNOWN:
        _KNOWN[key] = _derive(entry, wrt)
    return _KNOWN[key]


def derivatives(entry: Entry) -> dict:
    """{(entry, wrt): derivative} for the entry's own variable and every variable it is differentiated in."""
    wrts = (None, *dict.fromkeys(entry.variables))
    return {(entry, w): derivative(entry, w) for w in wrts}


def remember(known: dict) -> None:
    """Take derivatives computed elsewhere (another process: the build derives every entry in parallel
    once, before the tasks that use them); `known` as returned by `derivatives`."""
    _KNOWN.update(known)


def _derive(entry, wrt):
    var = wrt if wrt is not None else entry.var
    if entry.is_vector:
        return entry.expr.applyfunc(lambda e: tidy(sp.diff(e, var), var))
    raw = sp.diff(entry.expr, var)
    kinks = [k for k in entry.kinks if (k.wrt if k.wrt is not None else entry.var) == var]
    return tidy(resolve_kinks(raw, var, kinks), var)


def resolve_kinks(raw, var, kinks):
    """`raw` with the derivative fixed to each kink's value at its point (see module docstring)."""
    if not kinks:
        return raw
    points = [sp.sympify(k.at) for k in kinks]
    raw = sp.piecewise_fold(raw)
    pieces = list(raw.args) if isinstance(raw, sp.Piecewise) else [(raw, sp.true)]
    pieces = [(e, _exclude(c, var, points)) for e, cond in pieces for c in _disjuncts(cond)]
    front = []
    for k in kinks:
        pieces, merged = _merge(pieces, var, sp.sympify(k.at), sp.sympify(k.value))
        if not merged:
            front.append((k.value, sp.Eq(var, k.at)))
    if not front and len(pieces) == 1:
        return pieces[0][0]
    return sp.Piecewise(*front, *pieces, evaluate=False)


def _disjuncts(cond):
    return cond.args if isinstance(cond, sp.Or) else (cond,)


def _relation(cond, var):
    """(class, bound) if `cond` is `var OP bound` with a simple relation, else None."""
    if isinstance(cond, SIMPLE_RELATIONS) and cond.rhs == var and not cond.lhs.has(var):
        cond = cond.reversed
    if isinstance(cond, SIMPLE_RELATIONS) and cond.lhs == var and not cond.rhs.has(var):
        return type(cond), cond.rhs
    return None


def _exclude(cond, var, points):
    """Make `var <= a` / `var >= a` strict at kink points a, so kinks are decided explicitly."""
    rel = _relation(cond, var)
    if rel and rel[0] in STRICT and any(sp.simplify(rel[1] - a) == 0 for a in points):
        return STRICT[rel[0]](var, rel[1])
    return cond


def _merge(pieces, var, at, value):
    """Absorb the kink into a piece whose expression already equals `value` at `at`."""
    for i, (e, c) in enumerate(pieces):
        rel = _relation(c, var)
        if rel and rel[0] in LOOSE and sp.simplify(rel[1] - at) == 0 and _same(e.subs(var, at), value):
            return pieces[:i] + [(e, LOOSE[rel[0]](var, rel[1]))] + pieces[i + 1:], True
    last_e, last_c = pieces[-1]
    others_exclude = all(c.subs(var, at) == sp.false for _, c in pieces[:-1])
    if last_c == sp.true and others_exclude and _same(last_e.subs(var, at), value):
        return pieces, True
    return pieces, False


def _same(a, b) -> bool:
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


def tidy(expr, var):
    """The equivalent form with the fewest operations among a few candidates."""
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(*[(tidy(e, var), c) for e, c in expr.args], evaluate=False)
    if sp.count_ops(expr) > MAX_TIDY_OPS:   # simplify() can take minutes on large expressions
        return expr
    candidates = [expr, sp.cancel(expr), sp.factor(expr)]
    simplified = sp.simplify(expr)
    if not simplified.has(sp.cosh, sp.sinh) or expr.has(sp.cosh, sp.sinh):
        candidates.append(simplified)
    candidates.append(_even_form(expr, var))
    candidates = [c for c in candidates if c is not None]
    return min(candidates, key=lambda c: (sp.count_ops(c), len(str(c))))


def _even_form(expr, var):
    """For expressions with |var| or sign(var): the x > 0 branch with x -> |x|, if it also fits x < 0."""
    if not expr.has(sp.Abs, sp.sign):
        return None
    pos, neg = sp.Symbol("p", positive=True), sp.Symbol("n", negative=True)
    branch = sp.simplify(expr.subs(var, pos))
    candidate = branch.subs(pos, sp.Abs(var))
    if sp.simplify(candidate.subs(var, neg) - expr.subs(var, neg)) == 0:
        return candidate
    return None


@lru_cache(maxsize=None)
def output_form(entry: Entry):
    """g with f' = g(f), g a polynomial of degree <= 2 in the output, if one exists (sigma' = sigma(1 - sigma)).

    Coefficients are fitted at x = 0, 1/2, 1 in floating point and rounded to small rationals, checked
    at two more points, and the identity is then proved exactly by SymPy. Returns an expression in
    the symbol `f`, or None.
    """
    if entry.is_vector or entry.kind != "activation" or entry.expr.has(sp.Piecewise, sp.Abs):
        return None
    if not entry.expr.has(sp.exp, sp.tanh) or entry.params:
        return None
    f, var, F = entry.expr, entry.var, sp.Symbol("f")
    d = sp.diff(f, var)
    fn, dn = sp.lambdify(var, f, "mpmath"), sp.lambdify(var, d, "mpmath")
    pts = (0, 0.5, 1, -1.5, 2.5)
    rows = sp.Matrix([[1, fn(v), fn(v) ** 2] for v in pts[:3]]).evalf(30)
    coef = [sp.nsimplify(c, tolerance=1e-12, rational=True) for c in rows.LUsolve(sp.Matrix([dn(v) for v in pts[:3]]))]
    g = coef[0] + coef[1] * F + coef[2] * F**2
    if any(abs(float(g.subs(F, fn(v))) - float(dn(v))) > 1e-12 for v in pts[3:]):
        return None
    residual = (d - g.subs(F, f)).rewrite(sp.exp)
    return _readable(g) if sp.simplify(residual) == 0 else None


def _readable(g):
    """The shorter of g expanded and g factored with its sign moved into a factor (f(1 - f))."""
    factored = sp.factor(g)
    if factored.could_extract_minus_sign() and isinstance(factored, sp.Mul):
        args = list(sp.Mul.make_args(-factored))
        for i, a in enumerate(args):
            if isinstance(a, sp.Add):
                args[i] = sp.Add(*[-term for term in a.args], evaluate=False)
                factored = sp.Mul(*args, evaluate=False)
                break
    return min((factored, sp.expand(g)), key=sp.count_ops)
