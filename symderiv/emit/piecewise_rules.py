"""Piecewise functions without numpy.where: SymPy rewrites used by `numpy_code.stabilize`.

numpy.where branches per element (~5 ns on random signs, 30 times a ufunc pass), so a Piecewise
of the kernels' inputs is rewritten into arithmetic that NumPy runs without branches:
- `clip_rule`: a linear function clipped at both ends, `Clip` (numpy.clip): relu6, hardtanh, hardsigmoid;
- `branch_free`: each branch evaluated on its own interval (`Clip` of the input), times a boolean `Mask`
  of its region, summed; two branches that vanish at 0 need no mask (elu); a common factor of a
  clip is taken out (hardswish = x*clip(x/6 + 1/2, 0, 1)).
Every rewrite is equal as mathematics and exact in floating point (one term of a sum is nonzero,
or a clip is the identity on its interval); the kernel tests check the values and nan propagation.
"""

from __future__ import annotations

import sympy as sp


class Mask(sp.Function):
    """A condition used as a 0/1 factor (a boolean array in NumPy)."""


class Clip(sp.Function):
    """min(max(u, low), high): a Piecewise branch evaluated on its own interval (numpy.clip), so the
    branches a mask drops are finite there and 0 * branch is 0, not nan."""

    is_real = True



def clip_rule(pw):
    """Piecewise((a, x < p), (b, x > q), (l(x), True)) -> Min(Max(l(x), a), b) for l increasing and linear
    with l(p) = a, l(q) = b: one ufunc per bound, not a comparison and a numpy.where (relu, relu6,
    hardtanh: l(x) = x; hardsigmoid: x/6 + 1/2); numpy.maximum keeps nan."""
    *pieces, (last, cond) = pw.args
    if cond != sp.true or not pieces or len(pieces) > 2:
        return pw
    bounds = [None, None]
    for e, c in pieces:
        if isinstance(c, sp.StrictGreaterThan):
            c = c.reversed   # e > x  ->  x < e
        if not isinstance(c, sp.StrictLessThan):
            return pw
        lower = c.lhs.is_Symbol and last.has(c.lhs) and not c.rhs.has(c.lhs)   # x < p: the lower bound
        var, bound = (c.lhs, c.rhs) if lower else (c.rhs, c.lhs)
        if not var.is_Symbol or bound.has(var) or e.has(var) or not _increasing_linear(last, var):
            return pw
        if sp.simplify(last.subs(var, bound) - e) != 0:
            return pw
        if bounds[0 if lower else 1] is not None:
            return pw
        bounds[0 if lower else 1] = e
    low, high = bounds
    if low is not None and high is not None:
        return Clip(last, low, high)   # numpy.clip: one pass (min(max) is two)
    return sp.Max(last, low) if low is not None else sp.Min(last, high)


def branch_free(pw, variables):
    """A Piecewise as a sum without numpy.where (which branches per element, ~5 ns on random signs).

    Each branch is evaluated on its own interval (`Clip`), so a branch a mask drops is finite:
    - two branches that both vanish at their common bound 0: a(min(x, 0)) + b(max(x, 0)), no mask
      (elu: alpha*expm1(min(x, 0)) + max(x, 0); exact, one of the terms is 0);
    - branches with a common factor s whose quotients form a clip (`clip_rule`): s*clip(...)
      (hardswish: x*clip(x/6 + 1/2, 0, 1));
    - else sum_i v_i(clip_i(x)) * [region_i] with exclusive regions (nan: no mask holds, nan*0 = nan).
    A step function (no branch depends on an input) is left to `_nan_branch`; conditions that are
    not intervals of one input leave the branches unclipped (they are bounded: the two-sided forms).
    """
    *pieces, (last, cond) = pw.args
    values = [e for e, _ in pieces] + [last]
    if cond != sp.true or not any(v.has(*variables) for v in values):
        return pw
    regions, before = [], []
    for _, c in [*pieces, (last, sp.true)]:
        regions.append(sp.And(c, *[sp.to_nnf(sp.Not(b)) for b in before]))
        before.append(c)
    factored = _common_factor_clip(pw, values)
    if factored is not None:
        return factored
    x = next((v for v in variables if all(c.free_symbols & set(variables) <= {v} for c in regions)), None)
    if x is not None and all(not _bounded_part(v, x).has(x) for v in values):
        return _masked_sum(values, regions)   # bounded for every x (sigmoid's two sides): nothing to clip
    if x is not None and all(not _bounded_part(v, x).xreplace({sp.Abs(x): sp.Dummy()}).has(x) for v in values):
        return pw   # two sides in |x| (log-sigmoid, BCE): clipping would compute exp(-|x|) twice; numpy.where
    bounds = [_interval(r, x) for r in regions] if x is not None else [None]
    if any(b is None for b in bounds):
        return _masked_sum(values, regions)
    clipped = [_on_interval(v, x, lo, hi) for v, (lo, hi) in zip(values, bounds)]
    if any(v is None for v in clipped):
        return pw
    if len(values) == 2 and sorted(bounds, key=str) in ([(-sp.oo, 0), (0, sp.oo)], [(0, sp.oo), (-sp.oo, 0)]) \
            and all(sp.simplify(v.subs(x, 0)) == 0 for v in values):
        return sp.Add(*clipped)
    return _masked_sum(clipped, regions)


BOUNDED = (sp.tanh, sp.erf, sp.erfc, sp.atan)   # and every function class with `bounded = True` (exp(-|u|))


def _bounded_part(value, x):
    """`value` with each bounded function of x (tanh, exp(-|x|), ...) replaced by a symbol.

    (SymPy's is_finite does not tell: a real symbol is finite there, so |x| would be too.)"""
    def bounded(e):
        return (isinstance(e, BOUNDED) or getattr(type(e), "bounded", False)) and e.has(x)

    return value.replace(bounded, lambda e: sp.Dummy())


def _common_factor_clip(pw, values):
    """s*clip(l, a, b) if every nonzero branch is s times a branch of a clip (`clip_rule`), else None."""
    nonzero = [v for v in values if v != 0]
    common = set.intersection(*[{f for f in sp.Mul.make_args(v) if f.is_Symbol} for v in nonzero])
    for s in sorted(common, key=sp.default_sort_key):
        inner = sp.Piecewise(*[(sp.cancel(e / s), c) for e, c in pw.args], evaluate=False)
        clip = clip_rule(inner)
        if clip is not inner and not clip.has(sp.Piecewise):
            # where the clip is 0 below p, s is held at p: -inf*0 would be nan (hardswish(-inf) = 0)
            lows = [c.rhs for e, c in pw.args if e == 0 and isinstance(c, sp.StrictLessThan) and c.lhs == s]
            return (Clip(s, lows[0], sp.oo) if len(lows) == 1 and lows[0].is_finite else s) * clip
    return None


def _masked_sum(values, regions):
    """sum_i v_i [region_i], with the symbols every v_i has as a factor taken out (grad_output)."""
    terms = [(v, r) for v, r in zip(values, regions) if v != 0]
    common = set.intersection(*[{f for f in sp.Mul.make_args(v) if f.is_Symbol} for v, _ in terms])
    scale = sp.Mul(*sorted(common, key=sp.default_sort_key))
    if any((v / scale).is_number and v != scale for v, _ in terms):
        scale = sp.S.One   # c*[region] alone would be a float64 array: keep c*s*[region] (s an array)
    return scale * sp.Add(*[v / scale * Mask(_tidy(r)) for v, r in terms])


def _tidy(region):
    """`region` without the comparisons of a symbol with a number that a tighter one implies
    ((x >= -3) & (x > 3) -> x > 3)."""
    if not isinstance(region, sp.And):
        return region
    rels = list(region.args)
    keep = []
    for r in rels:
        implied = any(o is not r and _implies(o, r) for o in rels)
        if not implied:
            keep.append(r)
    return sp.And(*keep)


def _implies(a, b) -> bool:
    """a implies b, both `symbol REL number` bounding the same side (strictly tighter, or equal and a strict)."""
    if not all(isinstance(r, sp.core.relational._Inequality) and r.lhs.is_Symbol and r.rhs.is_number for r in (a, b)):
        return False
    if a.lhs != b.lhs or isinstance(a, (sp.StrictLessThan, sp.LessThan)) != isinstance(b, (sp.StrictLessThan, sp.LessThan)):
        return False
    upper = isinstance(a, (sp.StrictLessThan, sp.LessThan))
    tighter = a.rhs < b.rhs if upper else a.rhs > b.rhs
    return bool(tighter) or (a.rhs == b.rhs and isinstance(a, (sp.StrictLessThan, sp.StrictGreaterThan))
                             and not isinstance(b, (sp.StrictLessThan, sp.StrictGreaterThan)))


def _interval(region, x):
    """(low, high) with `region` = (low < x < high) up to the ends (strict or not), or None."""
    low, high = -sp.oo, sp.oo
    rels = [] if region == sp.true else list(region.args) if isinstance(region, sp.And) else [region]
    for rel in rels:
        if not isinstance(rel, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)):
            return None
        d = sp.expand(rel.lhs - rel.rhs)
        a = d.coeff(x)
        if a.has(x) or (d - a * x).has(x) or not (a.is_positive or a.is_negative):
            return None
        bound = sp.simplify(-(d - a * x) / a)
        if isinstance(rel, (sp.StrictLessThan, sp.LessThan)) == bool(a.is_positive):
            high = _tighter(high, bound, sp.Min)
        else:
            low = _tighter(low, bound, sp.Max)
        if low is None or high is None:
            return None
    return low, high


def _tighter(old, new, pick):
    """The tighter of two bounds (`pick` is Min for upper, Max for lower), None if not comparable."""
    if old.is_infinite:
        return new
    both = pick(old, new)
    return both if not isinstance(both, (sp.Min, sp.Max)) else None


def _on_interval(value, x, low, high):
    """`value` with x clipped to [low, high] (None if it is not finite at a finite end)."""
    if not value.has(x) or (low, high) == (-sp.oo, sp.oo):
        return value
    for end in (low, high):
        at = value.subs(x, end) if end.is_finite and not end.free_symbols else sp.S.Zero
        if at.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or at.is_finite is False:
            return None
    return value.xreplace({x: Clip(x, low, high)})


def _increasing_linear(expr, var) -> bool:
    slope = sp.diff(expr, var)
    return bool(expr.has(var) and not slope.has(var) and slope.is_positive)
