"""Vector entries (softmax, log-softmax, cross-entropy) from the catalog's K = 3 instance to any width.

The catalog writes a vector entry in K = 3 fixed symbols (x_1, x_2, x_3). A network layer has any
number of units, so `generalize` reads the K = 3 formula as an index formula: an Add whose terms
are the same term for k = 1..K (checked by relabelling) becomes ``RowSum(term_k)``, the sum over
the units of one sample; what is left of the component j of interest becomes element-wise
arithmetic on whole (batch, units) arrays. For the vector-Jacobian product of softmax,

    sum_i g_i dp_i/dx_1 = g_1 p_1 - p_1 sum_k g_k p_k   ->   G*P - P*RowSum(G*P)

(with P written out as exp(X)/RowSum(exp(X))). Anything that does not fit this pattern is refused
with an error, never guessed.

Example::

    >>> from symderiv.symbols import xs
    >>> X = sp.Symbol("X", real=True)
    >>> generalize(sp.exp(xs[0]) / sum(sp.exp(v) for v in xs), {X: xs}, free=0)
    exp(X)/RowSum(exp(X))
"""

from __future__ import annotations

import sympy as sp

from symderiv.errors import SymderivError


class RowSum(sp.Function):
    """sum_k of an element-wise (batch, units) expression over the units of each sample (kept as a column)."""

    is_real = True

    def _numpycode(self, printer):
        return f"numpy.sum({printer._print(self.args[0])}, axis=-1, keepdims=True)"

    def _latex(self, printer):
        return rf"\sum_{{k}} \left({printer._print(self.args[0])}\right)"


def generalize(expr, families: dict, free: int | None = None):
    """`expr` in K indexed symbols per family, as element-wise arithmetic and `RowSum`s of arrays.

    `families` maps an array symbol to its K symbols (X: (x_1, x_2, x_3)); `free` is the index of the
    component `expr` belongs to (0 for the first component), None for a scalar such as a loss.
    """
    index = {s: k for fam in families.values() for k, s in enumerate(fam)}
    width = {len(f) for f in families.values()}
    if len(width) != 1:
        raise SymderivError("generalize: every family needs the same number of symbols")
    ctx = (families, index, width.pop())
    expr = expr.replace(lambda e: isinstance(e, sp.Add) and _full_sum(e, ctx) is not None,
                        lambda e: RowSum(_to_arrays(_full_sum(e, ctx), ctx, 0)))
    if free is not None:
        expr = expr.replace(lambda e: isinstance(e, sp.Add) and _full_sum(e, ctx, skip=free) is not None,
                            lambda e: _all_but(_full_sum(e, ctx, skip=free), ctx, free))
        expr = _free_sum(_expand(expr), ctx, free)
    out = _to_arrays(expr, ctx, free)
    if out.free_symbols & set(index):
        raise SymderivError(f"generalize: cannot write {expr} as an element-wise formula")
    return out


def _indices(e, ctx):
    return {ctx[1][s] for s in e.free_symbols if s in ctx[1]}


def _relabel(e, ctx, a, b):
    """`e` with index a replaced by index b in every family."""
    return e.xreplace({fam[a]: fam[b] for fam in ctx[0].values()})


def _to_arrays(e, ctx, k):
    """Index k's symbols as the array symbols."""
    return e.xreplace({fam[k]: arr for arr, fam in ctx[0].items()}) if k is not None else e


def _full_sum(add, ctx, skip=None):
    """The term T_k0 if `add` is sum_k T_k over every index k but `skip` (each term with one index), else None."""
    groups = {}
    for term in add.args:
        idx = _indices(term, ctx)
        if len(idx) != 1:
            return None
        groups.setdefault(idx.pop(), []).append(term)
    ks = [k for k in range(ctx[2]) if k != skip]
    if sorted(groups) != ks:
        return None
    first = sp.Add(*groups[ks[0]])
    return first if all(sp.Add(*groups[k]) == _relabel(first, ctx, ks[0], k) for k in ks[1:]) else None


def _all_but(term, ctx, f):
    """sum over k != f of T_k = RowSum(T) - T_f (`term` is T_k0, k0 the first index other than f)."""
    k0 = 1 if f == 0 else 0
    return RowSum(_to_arrays(term, ctx, k0)) - _relabel(term, ctx, k0, f)


def _free_sum(expr, ctx, f):
    """Terms T(f, k) for every k != f, plus T(f, f) among the rest, -> RowSum over k with f's factors outside."""
    groups, rest = {}, []
    for term in sp.Add.make_args(expr):
        idx = _indices(term, ctx) - {f}
        if len(idx) > 1:
            raise SymderivError(f"generalize: the term {term} couples more than two units")
        (groups.setdefault(idx.pop(), []) if idx else rest).append(term)
    if not groups:
        return expr
    others = [k for k in range(ctx[2]) if k != f]
    k0 = others[0]
    template = sp.Add(*groups[k0])
    if sorted(groups) != others or any(sp.Add(*groups[k]) != _relabel(template, ctx, k0, k) for k in others):
        raise SymderivError(f"generalize: {expr} is not a sum over the units")
    diagonal = list(sp.Add.make_args(_expand(template.xreplace({fam[k0]: fam[f] for fam in ctx[0].values()}))))
    for term in diagonal:
        if term not in rest:
            raise SymderivError(f"generalize: {expr} lacks the k = j term {term}")
        rest.remove(term)
    summed = [_split(term, ctx, f, k0) for term in sp.Add.make_args(template)]
    return sp.Add(*rest, *summed)


def _expand(e):
    """Products distributed over sums, exp(a + b) split: the terms of a sum over units stand apart."""
    return sp.expand_mul(sp.expand_power_exp(e))


def _split(term, ctx, f, k):
    """A product T(f, k) as (factors of f) * RowSum(factors of k, as arrays)."""
    outside, inside = [], []
    for factor in sp.Mul.make_args(term):
        idx = _indices(factor, ctx)
        if k in idx and f in idx:
            raise SymderivError(f"generalize: the factor {factor} couples two units")
        (inside if k in idx else outside).append(factor)
    return sp.Mul(*outside) * RowSum(_to_arrays(sp.Mul(*inside), ctx, k))
