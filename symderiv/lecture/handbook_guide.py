"""The properties of an activation a guide to choosing one needs, computed from its catalog expression.

- `behaviour(entry)`: at the default parameters, the value at 0 and the limits of f and f' at -oo
  and +oo (`calculus.limits.at_infinity` of the piece that holds far out);
- `zero_centred`, `saturation`, `cost`: short descriptions derived from those numbers and from the
  expression (how many exp/log/tanh/erf evaluations it needs);
- `one_sided_derivatives(entry, kink)`: the derivative's one-sided limits at a kink as expressions in
  the parameters, the parameter values where they agree (where f is differentiable), and a check of
  both limits against one-sided difference quotients at 30 digits.

    >>> from symderiv.catalog import load_catalog
    >>> elu = load_catalog().get("elu")
    >>> ev = one_sided_derivatives(elu, elu.kinks[0])
    >>> ev["left"], ev["right"], ev["differentiable_when"]
    (alpha, 1, 'differentiable there only when alpha = 1')
"""

from __future__ import annotations

import re

import sympy as sp

from symderiv.calculus.limits import at_infinity
from symderiv.verify.numeric import branch

FAR = 10**6
TRANSCENDENTAL = (sp.exp, sp.log, sp.tanh, sp.erf)


def _far(expr, var, sign):
    return at_infinity(branch(expr, var, sign * FAR), var, sign)


def behaviour(entry, d) -> dict:
    """{"at_0", "f_minus", "f_plus", "d_minus", "d_plus"} at the default parameters; `d` is f'."""
    s = entry.defaults()
    f, d, x = entry.expr.subs(s), d.subs(s), entry.var
    return {"at_0": sp.simplify(f.subs(x, 0)), "f_minus": _far(f, x, -1), "f_plus": _far(f, x, 1),
            "d_minus": _far(d, x, -1), "d_plus": _far(d, x, 1)}


def zero_centred(b) -> str:
    """"yes" when f(0) = 0 and f takes negative values far left (outputs of both signs), else "no"."""
    return "yes" if b["at_0"] == 0 and (b["f_minus"] == -sp.oo or b["f_minus"] < 0) else "no"


def saturation(b) -> str:
    """Where f' tends to 0: on both sides, one side, or nowhere."""
    left, right = b["d_minus"] == 0, b["d_plus"] == 0
    return {(True, True): "both sides", (True, False): "negative side", (False, True): "positive side",
            (False, False): "none"}[(left, right)]


def cost(entry) -> str:
    """How many exp, log, tanh or erf evaluations one value of f needs."""
    n = sum(1 for e in sp.preorder_traversal(entry.expr) if isinstance(e, TRANSCENDENTAL))
    return "no exp" if n == 0 else f"{n} exp-type"


def smoothness(entry, kink_evidence) -> str:
    """"smooth" without pieces; else whether the pieces meet with equal slopes (at the defaults)."""
    if not entry.expr.has(sp.Piecewise, sp.Abs):
        return "smooth"
    if not kink_evidence:
        return "continuously differentiable"
    kinks = [ev for ev in kink_evidence if not ev["equal_at_defaults"]]
    if not kinks:
        return "differentiable at the defaults only"
    return "kink at " + ", ".join(str(ev["at"]) for ev in kinks)


def _name(symbol) -> str:
    return PARAM_SYMBOLS.get(str(symbol), str(symbol))


def _text(v) -> str:
    """A limit as prose: a number to 5 digits, a parameter by its printed letter."""
    v = sp.sympify(v)
    if v.is_number:
        return f"{float(v):.5g}"
    return str(v.xreplace({s: sp.Symbol(_name(s)) for s in v.free_symbols}))


def _quotients(expr, var, at, h=sp.Rational(1, 10**15)):
    """The one-sided difference quotients (f(at) - f(at - h))/h and (f(at + h) - f(at))/h at 30 digits."""
    f0 = expr.subs(var, at)
    return (sp.N((f0 - expr.subs(var, at - h)) / h, 30), sp.N((expr.subs(var, at + h) - f0) / h, 30))


def one_sided_derivatives(entry, kink, derivative_fn=sp.diff) -> dict:
    """Evidence on differentiability at `kink` (see module docstring); `derivative_fn(expr, var)` is
    replaceable so that a test can hand in a wrong derivative and see the check fail."""
    var = kink.wrt if kink.wrt is not None else entry.var
    pinned = {p.symbol: p.sym_default for p in entry.symbolic_params
              if any(p.symbol in c.free_symbols for c in entry.expr.atoms(sp.core.relational.Relational)) or p.symbol in
              sp.sympify(kink.at).free_symbols}
    expr, at = entry.expr.subs(pinned), sp.sympify(kink.at).subs(pinned)
    eps = sp.Rational(1, 10**30)
    d = derivative_fn(expr, var)
    left, right = (sp.simplify(sp.limit(branch(d, var, at + s * eps), var, at, "-" if s < 0 else "+")) for s in (-1, 1))
    free = sorted((left - right).free_symbols, key=str)
    when = "not differentiable there" if not free and left != right else "differentiable there" \
        if left == right else "differentiable there only when " + " or ".join(
            f"{_name(free[0])} = {_text(v)}" for v in sp.solve(sp.Eq(left, right), free[0]))
    defaults = {k: v for k, v in entry.defaults().items() if k in free}
    q_left, q_right = _quotients(expr.subs(defaults), var, at)
    err = max(abs(q_left - left.subs(defaults)), abs(q_right - right.subs(defaults)))
    ev = {"holds": bool(err < 1e-12), "at": at, "left": left, "right": right, "differentiable_when": when,
          "equal_at_defaults": sp.simplify((left - right).subs(defaults)) == 0,
          "left_text": _text(left), "right_text": _text(right),
          "quotient_left": q_left, "quotient_right": q_right, "max_abs_error": float(err)}
    if not ev["holds"]:
        ev["counterexample"] = {"at": at, "limits": [left, right], "difference_quotients": [q_left, q_right]}
    return ev


# ----- printing an entry as a textbook does -------------------------------------------------------

PARAM_SYMBOLS = {"negative_slope": "alpha", "weight": "alpha", "lower": "alpha_1", "upper": "alpha_2",
                 "min_val": "c_1", "max_val": "c_2"}     # word-named parameters: the notation's letter
CONSTANT_NAMES = ("alpha", "s")                         # fitted float constants, largest first (SELU)


def param_symbols(entry) -> dict:
    """{parameter symbol: the letter printed for it} for parameters named by a word."""
    return {p.symbol: sp.Symbol(PARAM_SYMBOLS[p.name], real=True) for p in entry.symbolic_params if p.name in PARAM_SYMBOLS}


def named_constants(entry) -> dict:
    """{Float: expression} for an entry's long float constants, their negatives and their products, the
    constants named by CONSTANT_NAMES in order of size."""
    sizes = sorted({abs(f) for f in entry.expr.atoms(sp.Float) if f._prec > 60}, reverse=True)
    names = {f: sp.Symbol(n, positive=True) for f, n in zip(sizes, CONSTANT_NAMES)}
    pairs = {f * g: names[f] * names[g] for f in names for g in names if f != g}
    return {**names, **{-f: -s for f, s in names.items()}, **pairs}


def _named(e, consts):
    return next((s for f, s in consts.items() if abs(e - f) < 1e-25 * abs(f)), None)


def _decimal(r):
    return sp.Float(f"{float(r):.6g}")


def display(entry, expr):
    """`expr` of `entry` as printed: word parameters as letters, long constants by name, rationals with
    large denominators (fitted constants such as 0.044715) as decimals, sqrt(2)/sqrt(pi) as sqrt(2/pi)."""
    consts = named_constants(entry)
    out = expr.replace(lambda e: isinstance(e, sp.Float) and _named(e, consts) is not None, lambda e: _named(e, consts))
    if consts:      # alpha e^x - alpha as alpha (e^x - 1)
        out = out.replace(lambda e: isinstance(e, sp.Piecewise),
                          lambda e: sp.Piecewise(*[(sp.factor(v), c) for v, c in e.args]))
    out = out.xreplace(param_symbols(entry))
    out = out.xreplace({r: _decimal(r) for r in out.atoms(sp.Rational) if r.q > 1000})
    c = sp.Dummy("c")
    if out.has(sp.pi):
        out = out.subs(sp.sqrt(2) / sp.sqrt(sp.pi), c).xreplace(
            {c: sp.UnevaluatedExpr(sp.Pow(2 / sp.pi, sp.Rational(1, 2), evaluate=False))})
    return out


def decimal_number(v):
    """A limit or value as printed: exact when small, else 5 significant digits."""
    v = sp.sympify(v)
    if v.is_Rational and v.q > 1000 or v.is_Float:
        return sp.Float(f"{float(v):.5g}")
    return v


MATHLIKE = re.compile(r"[:,;(]| max| min|\bx\b| \*|[*~^<>=/]|\bexp\b|\blog\b|\brelu6?\b|\b[a-z]_\d")


def plain_name(description: str) -> str:
    """The words of a catalog description before its first formula ("leaky ReLU: x for x >= 0, ..." ->
    "leaky ReLU"); empty when it starts with one."""
    return MATHLIKE.split(description)[0].strip()


def allowed(param):
    """A parameter's allowed values as an interval (open where unbounded or declared open), or the reals."""
    if param.low is None and param.high is None:
        return sp.Reals
    low = sp.nsimplify(param.low) if param.low is not None else -sp.oo
    high = sp.nsimplify(param.high) if param.high is not None else sp.oo
    return sp.Interval(low, high, left_open=param.low is None or bool(param.open_low), right_open=param.high is None)
