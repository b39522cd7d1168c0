"""Claims every catalog entry makes about itself: its derivative, its output form, its kinks, its limits,
and (`symderiv.verify.reference_claims`) its agreement with what PyTorch and JAX compute."""

from __future__ import annotations

import sympy as sp

from symderiv.calculus.derivative import derivative, output_form
from symderiv.verify import numeric
from symderiv.verify.claims import Claim
from symderiv.verify.evidence import check_identity
from symderiv.verify.reference_claims import reference_claims


def entry_claims(entry):
    """The claims one entry makes about itself (none for an initializer)."""
    if entry.kind == "initializer":
        return []
    claims = derivative_claims(entry) + kink_claims(entry)
    if entry.kind == "activation" and not entry.is_vector and len(entry.variables) == 1:
        claims += limit_claims(entry)
    return claims + reference_claims(entry)


def catalog_claims(catalog):
    """All per-entry claims, in catalog order."""
    return [c for entry in catalog for c in entry_claims(entry)]


def _scalar_outputs(entry):
    """(label, expression) for each output component (one for scalar entries)."""
    if entry.is_vector:
        return [(f"[{i + 1}]", e) for i, e in enumerate(entry.expr)]
    return [("", entry.expr)]


def _fixed_inputs(entry, var):
    """Values for the variables other than `var` (a probability vector for targets)."""
    rest = [v for v in entry.variables if v != var]
    vals = [sp.Rational(3, 10), sp.Rational(-7, 10), sp.Rational(11, 10)]
    if entry.kind == "loss":
        vals = [sp.Rational(1, 5), sp.Rational(7, 10), sp.Rational(1, 10)]
    return {v: vals[i % 3] for i, v in enumerate(rest)}


def derivative_claims(entry):
    """d entry / d var matches mpmath and central differences, for each differentiated variable."""
    claims = []
    wrt = entry.extra.get("inputs", entry.variables)
    if entry.extra.get("random"):
        wrt = (entry.var,)
    for var in wrt:
        d = derivative(entry, var)
        pieces = [(lbl, e, d[i] if entry.is_vector else d) for i, (lbl, e) in enumerate(_scalar_outputs(entry))]
        for lbl, f, df in pieces:
            claims.append(_derivative_claim(entry, var, lbl, f, df))
    claims.append(Claim(
        f"{entry.name}.derivative.no_distributions",
        f"the derivative of {entry.name} has no DiracDelta and no Heaviside",
        "symbolic: inspection of the derived expression",
        lambda e=entry: _no_distributions(e)))
    form = output_form(entry)
    if form is not None:
        claims.append(output_form_claim(entry, form))
    return claims


def output_form_claim(entry, form):
    """f' = g(f): the derivative against the form g evaluated at the entry's own output."""
    return Claim(
        f"{entry.name}.derivative.output_form",
        f"{entry.name}' = {form} with f = {entry.name}(x)",
        f"numeric: f' - g(f(x)) at {numeric.DPS} digits, default parameters, points away from kinks",
        lambda: _output_form(entry, form))


def _output_form(entry, form):
    subs = entry.defaults()
    kinks = [sp.sympify(k.at).subs(subs) for k in entry.kinks]
    g_of_f = form.subs(sp.Symbol("f"), entry.expr).subs(subs)
    return check_identity(derivative(entry).subs(subs), g_of_f, entry.var, numeric.sample_points(kinks),
                          simplify=False)


def _derivative_claim(entry, var, lbl, f, df):
    def check():
        subs = entry.defaults()
        subs.update(_fixed_inputs(entry, var))
        if entry.extra.get("random"):
            subs[entry.extra["random"]["symbol"]] = 1
        kinks = [k.at for k in entry.kinks] if not entry.is_vector else []
        kink_pts = [sp.sympify(k).subs(subs) for k in kinks if sp.sympify(k).subs(subs).is_number]
        return numeric.check_derivative(f.subs(subs), df.subs(subs), var, numeric.sample_points(kink_pts))

    return Claim(
        f"{entry.name}.derivative.{var}{lbl}",
        f"d {entry.name}{lbl} / d {var} = {df}",
        f"numeric: mpmath.diff at {numeric.DPS} digits and float64 central differences, "
        "default parameters, points away from kinks",
        check)


def _no_distributions(entry):
    wrt = entry.extra.get("inputs", entry.variables)
    found = [str(v) for v in wrt if sp.sympify(derivative(entry, v)).has(sp.DiracDelta, sp.Heaviside)]
    return {"holds": not found, "checked": [str(v) for v in wrt],
            **({"counterexample": {"variables": found}} if found else {})}


def kink_claims(entry):
    """At each declared kink the derivative takes the declared value, a one-sided limit or between them;
    and every non-differentiable point has a declared value."""
    claims = []
    for k in entry.kinks:
        var = k.wrt if k.wrt is not None else entry.var
        claims.append(Claim(
            f"{entry.name}.kink.{var}={k.at}",
            f"{entry.name}: the value {k.value} chosen for d/d{var} at {var} = {k.at} lies between the one-sided "
            f"derivatives ({k.why})",
            "symbolic: one-sided limits by sympy.limit at default parameters (the value itself is compared "
            "with PyTorch's in the entry's reference claims)",
            lambda e=entry, k=k, var=var: _kink(e, k, var)))
    if len(entry.variables) == 1 and not entry.is_vector:
        claims.append(Claim(
            f"{entry.name}.kinks.complete",
            f"every point where {entry.name}' jumps has a declared value",
            "symbolic: boundaries of Piecewise/Abs/sign, compared by one-sided limits at default parameters",
            lambda e=entry: _complete(e)))
    return claims


def _kink(entry, k, var):
    subs = entry.defaults()
    if k.wrt is not None:   # a kink of a function of several variables: fix the others at 0
        subs.update({v: 0 for v in entry.variables if v != var})
    at = sp.sympify(k.at).subs(subs)
    raw = sp.diff(entry.expr, var).subs(subs)
    return numeric.check_kink(raw, var, at, sp.sympify(k.value).subs(subs))


def _complete(entry):
    subs = entry.defaults()
    f = entry.expr.subs(subs)
    d = sp.diff(f, entry.var)
    declared = {sp.sympify(k.at).subs(subs) for k in entry.kinks}
    jumps = []
    for p in numeric.nonsmooth_points(f, entry.var):
        left, right = numeric.one_sided(d, entry.var, p)
        if sp.simplify(left - right) != 0:
            jumps.append(p)
    missing = [p for p in jumps if p not in declared]
    ev = {"holds": not missing, "jump_points": jumps, "declared": sorted(declared, key=float)}
    if missing:
        ev["counterexample"] = {"undeclared_kinks": missing}
    return ev


def limit_claims(entry):
    return [Claim(
        f"{entry.name}.limit.{name}",
        f"{entry.name}(x) as x -> {name}inf: SymPy's limit agrees with mpmath at {name}1e12",
        "symbolic limit, numeric mpmath evaluation at 40 digits",
        lambda e=entry, s=sign: numeric.check_limit(e.expr.subs(e.defaults()), e.var, s))
        for name, sign in (("+", 1), ("-", -1))]
