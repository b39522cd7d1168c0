"""The index form of a layered derivation: every row written per element, as on the blackboard.

Matrix rows are indexed by SymPy itself (``(G^T A)[i, j]`` is ``sum_n G[n, i] A[n, j]``), so the
index form is derived from the matrix form, not written beside it. Element-wise rows index every
array at (n, i): sample n, unit i; parameters at (i, j) (kernel) or i (bias); ``RowSum`` becomes
``sum_k`` over the units of the layer and ``Total`` the sum over every index.

Example: for a dense layer, ``dW1`` -> ``Sum(g_z1[m, i] x[m, j], (m, 0, N - 1))``.
"""

from __future__ import annotations

import re

import sympy as sp

from symderiv.calculus.layers import N, BatchSum, Total
from symderiv.calculus.network import Dense
from symderiv.calculus.rowwise import RowSum
from sympy.matrices.expressions.matexpr import MatrixElement

n, i, j, k, m = sp.symbols("n i j k m", integer=True)


def index_rows(lay, name=str) -> list:
    """[(lhs, rhs)] of every forward and backward row of `lay` in index form; `name` renames arrays."""
    net = lay.network
    kernels = {layer.kernel for layer in net.layers if isinstance(layer, Dense)}
    biases = {layer.bias for layer in net.layers if isinstance(layer, Dense)}
    arrays = {net.input, net.target, *net.parameters, *(a for a, _ in lay.forward + lay.backward)}

    def at(array):
        base = array[1:] if array[:1] == "d" and array[1:] in kernels | biases else array
        base = base[2:] if base.startswith("g_") and base[2:] in kernels | biases else base
        return (i, j) if base in kernels else (i,) if base in biases else (n, i)

    def element(array, idx=None):
        return sp.IndexedBase(name(array))[idx or at(array)]

    ctx = (arrays, at, element)
    rows = [(element(a), _rhs(e, at(a), ctx)) for a, e in lay.forward]
    rows.append((sp.Symbol("J"), _elementwise(lay.loss, (n, i), ctx)))
    return rows + [(element(a), _rhs(e, at(a), ctx)) for a, e in lay.backward]


def _rhs(expr, idx, ctx):
    if isinstance(expr, BatchSum):
        (G,) = expr.args[0].atoms(sp.MatrixSymbol)
        return sp.Sum(ctx[2](G.name, (m, *idx)), (m, 0, N - 1))
    if isinstance(expr, sp.MatrixExpr):
        return _matrix(expr, idx, ctx[2])
    return _elementwise(expr, idx, ctx)


def _matrix(expr, idx, element):
    """A matrix row indexed by SymPy (a 1-row bias broadcast over the batch), arrays renamed."""
    subs = {m: (sp.MatrixSymbol(m.name, N, m.shape[1]) if any(m in a.atoms(sp.MatrixSymbol) for a in
                                                             sp.MatAdd.make_args(expr) if isinstance(a, sp.MatMul))
                else sp.OneMatrix(N, 1) * m)
            for m in expr.atoms(sp.MatrixSymbol) if m.shape[0] == 1}
    indexed = expr.xreplace(subs)[idx]
    indexed = indexed.xreplace({d: m for d in indexed.atoms(sp.Dummy)})
    return indexed.replace(lambda e: isinstance(e, MatrixElement), lambda e: _named(e, element))


def _named(e, element):
    parent, a, b = e.args
    if isinstance(parent, sp.OneMatrix):
        return sp.S.One
    return element(parent.name, (b,) if parent.shape[0] == 1 else (a, b))


def _elementwise(expr, idx, ctx):
    """Arrays at `idx`; RowSum -> sum over the units k; Total -> sum over every index of its array."""
    arrays, at, element = ctx
    expr = expr.replace(lambda e: isinstance(e, RowSum),
                        lambda e: sp.Sum(_arrays(e.args[0], (n, k), ctx), (k, 0, sp.Symbol("K_l") - 1)))
    expr = expr.replace(lambda e: isinstance(e, Total), lambda e: _total(e.args[0], ctx))
    return _arrays(expr, idx, ctx)


def _total(arg, ctx):
    arrays, at, element = ctx
    inner = [s.name for s in arg.free_symbols if s.name in arrays]
    idx = at(inner[0]) if inner else (n, i)
    body = _arrays(arg, idx, ctx)
    limits = [(v, 0, (N if v == n else sp.Symbol(f"n_{v}")) - 1) for v in idx if v in body.free_symbols]
    return sp.Sum(body, *limits)


def _arrays(expr, idx, ctx):
    arrays, at, element = ctx
    return expr.xreplace({s: element(s.name, idx) for s in expr.free_symbols
                          if isinstance(s, sp.Symbol) and s.is_real and s.name in arrays})


# ----- blackboard names ------------------------------------------------------------------------------

def blackboard_name(name: str, superscript: bool = False) -> str:
    """z1 -> z_1, g_z1 -> delta_1 (dJ/dz_1), g_a1 -> abar_1 (dJ/da_1), dW1 -> Wbar_1 (dJ/dW_1), g_W1 ->
    Wtilde_1 (dJ/dW_1 from the data term alone); other names unchanged. SymPy prints delta_1 as
    \\delta_{1} and the suffixes as accents. `superscript` puts the layer up (z^(1)), for the index form:
    TeX takes a group holding one accented atom for that atom, so {\\bar{a}_{1}}_{n,i} is a double subscript."""
    match = re.fullmatch(r"(g_|d)?([A-Za-z]+?)(\d+)", name)
    if match is None:
        return name
    prefix, stem, digits = match.groups()
    layer = f"^({digits})" if superscript else f"_{digits}"
    if prefix == "g_" and stem == "z":
        return f"delta{layer}"
    if prefix == "g_":
        return f"{stem}{'tilde' if stem in ('W', 'b') else 'bar'}{layer}"
    if prefix == "d":
        return f"{stem}bar{layer}"
    return f"{stem}{layer}"


def index_name(name: str) -> str:
    """`blackboard_name` with the layer as a superscript (the index form's names)."""
    return blackboard_name(name, superscript=True)


def blackboard(expr):
    """`expr` with its arrays (Symbols and MatrixSymbols) renamed by `blackboard_name`."""
    subs = {a: sp.MatrixSymbol(blackboard_name(a.name), *a.shape) for a in expr.atoms(sp.MatrixSymbol)}
    subs.update({s: sp.Symbol(blackboard_name(s.name), real=True) for s in expr.atoms(sp.Symbol)
                 if blackboard_name(s.name) != s.name})
    return expr.xreplace(subs)
