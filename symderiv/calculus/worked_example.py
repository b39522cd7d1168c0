"""A worked example, as a lecturer writes it on the board: every row of a layered derivation as its
formula, then with the numbers substituted, then the result, for one sample (N = 1).

`worked_rows(lay, values)` walks the forward rows, the loss and the backward rows in order; each
row's numbers come from the rows before it. Matrix rows are substituted as SymPy matrices
(``[x] [W]^T + [b]``) and evaluated by SymPy; element-wise rows entry by entry (``tanh(0.5)``), a
`RowSum` written out over the row and a `Total` over every entry. Results are kept at `DPS`
digits and shown at `SHOWN` significant digits.

Example::

    >>> from symderiv.calculus.backprop import layered
    >>> from symderiv.calculus.network_spec import network_from_table
    >>> from symderiv.catalog import load_catalog
    >>> net = network_from_table(load_catalog(), "tiny", {"inputs": 2, "loss": "mse",
    ...                                                  "layers": [{"units": 1, "activation": "tanh"}]})
    >>> rows = worked_rows(layered(net), {"x": [[1, -1]], "t": [[0.5]], "W1": [[0.5, 0.25]], "b1": [[0]]})
    >>> [(r.name, r.result) for r in rows[:3]]      # z1 = 0.5 - 0.25, a1 = tanh(z1), loss = (a1 - t)^2
    [('z1', Matrix([[0.25]])), ('a1', Matrix([[0.244918662403709129277801131491]])), ('loss', 0.0650664887899129144449880884250)]
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symderiv.calculus.layers import K, N, BatchSum, Total
from symderiv.calculus.rowwise import RowSum

DPS = 30
SHOWN = 4


@dataclass(frozen=True)
class Row:
    name: str            # the array this row computes ("z1", "g_z1", "dW1", "loss")
    formula: object      # the derived expression (SymPy)
    substituted: object  # the same with the numbers of the rows before (unevaluated SymPy)
    result: object       # its value: an ImmutableMatrix (or a Float for the loss), at DPS digits

    @property
    def shown(self):
        """The result rounded to SHOWN significant digits, for printing."""
        return _round(self.result)


def worked_rows(lay, values: dict, upto: str | None = None, display: bool = True) -> list:
    """Rows (see module docstring); `values` maps input, target, parameters and coefficients to numbers.
    With `upto` ("loss"), stop after that row; `display=False` skips the substituted forms (numbers only).
    A batch of N > 1 samples is evaluated too (biases broadcast)."""
    values = {**lay.network.coefficient_values, **values}
    env = {k: _matrix(v) for k, v in values.items() if not isinstance(v, (int, float))}
    scalars = {sp.Symbol(k, real=True): sp.Float(v, DPS) for k, v in values.items() if isinstance(v, (int, float))}
    scalars.update({N: next(iter(env.values())).shape[0]})
    out = []
    for name, expr in lay.forward + (("loss", lay.loss),) + lay.backward:
        if name == "loss":
            scalars[K] = env[lay.network.output].shape[1]
        row = _row(name, expr, env, scalars, display)
        env[name] = row.result
        out.append(row)
        if name == upto:
            break
    return out


def _matrix(v):
    rows = v if isinstance(v[0], (list, tuple)) else [v]
    return sp.ImmutableMatrix([[sp.Float(e, DPS) for e in r] for r in rows])


def _round(m):
    if isinstance(m, sp.MatrixBase):
        return m.applyfunc(lambda e: sp.Float(e, SHOWN))
    return sp.Float(m, SHOWN)


def _row(name, expr, env, scalars, display=True):
    shown = {k: _round(v) for k, v in env.items()} if display else env
    if isinstance(expr, BatchSum):
        (G,) = expr.args[0].atoms(sp.MatrixSymbol)
        with sp.evaluate(False):
            sub = BatchSum(shown[G.name]) if display else None
        value = sp.ImmutableMatrix([[sum(env[G.name][:, c]) for c in range(env[G.name].shape[1])]])
        return Row(name, expr, sub, value.evalf(DPS))
    if isinstance(expr, sp.MatrixExpr):
        subs = {m: _broadcast(shown[m.name], scalars[N]) if m.shape[0] == 1 else shown[m.name]
                for m in expr.atoms(sp.MatrixSymbol)}
        exact = {m: _broadcast(env[m.name], scalars[N]) if m.shape[0] == 1 else env[m.name]
                 for m in expr.atoms(sp.MatrixSymbol)}
        with sp.evaluate(False):
            sub = expr.xreplace(subs) if display else None
        return Row(name, expr, sub, sp.ImmutableMatrix(expr.xreplace(exact).doit()).evalf(DPS))
    formula, expr = expr, expr.xreplace(scalars)
    if expr.has(Total):
        sub = _entry(expr, shown, None, None, evaluate=False) if display else None
        return Row(name, formula, sub, sp.Float(_entry(expr, env, None, None).evalf(DPS), DPS))
    shape = _shape(expr, env)
    sub = sp.ImmutableMatrix(*shape, lambda r, c: _entry(expr, shown, r, c, evaluate=False)) if display else None
    value = sp.ImmutableMatrix(*shape, lambda r, c: _entry(expr, env, r, c).evalf(DPS))
    return Row(name, formula, sub, value)


def _broadcast(value, n):
    """A one-row bias as n equal rows (a batch); the one-row input of a dense layer is already n rows."""
    return sp.ones(n, 1) * value if value.shape[0] == 1 and n > 1 else value


def _shape(expr, env):
    shapes = {env[s.name].shape for s in expr.free_symbols if s.name in env}
    if len(shapes) != 1:
        raise ValueError(f"worked_rows: arrays of different shapes in {expr}")
    return shapes.pop()


def _outside(expr, env):
    """The arrays of `expr` outside every RowSum."""
    bare = expr.replace(lambda e: isinstance(e, RowSum), lambda e: sp.S.One)
    return {s for s in bare.free_symbols if s.name in env}


def _entry(expr, env, r, c, evaluate=True):
    """Entry (r, c) of an element-wise expression (r, c None: a scalar of Totals)."""
    def arrays_at(e, rr, cc):
        return e.xreplace({s: env[s.name][rr, cc] for s in e.free_symbols if s.name in env})

    def total(e):
        arg = e.args[0]
        rows, cols = _shape(arg, env)
        if not _outside(arg, env):   # every array inside a RowSum: one column
            cols = 1
        return sp.Add(*[_entry(arg, env, i, j, evaluate) for i in range(rows) for j in range(cols)],
                      evaluate=evaluate)

    def row_sum(e):
        width = _shape(e.args[0], env)[1]
        return sp.Add(*[arrays_at(e.args[0], r, k) for k in range(width)], evaluate=evaluate)

    with sp.evaluate(evaluate):
        expr = expr.replace(lambda e: isinstance(e, Total), total)
        expr = expr.replace(lambda e: isinstance(e, RowSum), row_sum)
        return arrays_at(expr, r, c) if r is not None else expr
