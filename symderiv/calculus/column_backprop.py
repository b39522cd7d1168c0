"""Backpropagation for one sample in column-vector form, as the lecture documents write it.

A network with layer widths n_0, ..., n_L computes z_l = W_l a_(l-1) + b_l, a_l = f_l(z_l) with
a_0 = x (column vectors); the loss of the output a_L against the target t is
L = |a_L - t|^2 / 2. The backward rules are

    delta_L = (a_L - t) o f_L'(z_L),   delta_l = (W_(l+1)^T delta_(l+1)) o f_l'(z_l),
    dL/dW_l = delta_l a_(l-1)^T,       dL/db_l = delta_l          (o: element-wise product).

`rules(depth)` gives them as SymPy matrix expressions for printing; `rule_gradients` evaluates them
for explicit matrices; `check_rules` compares them with SymPy's derivative of the written-out loss.

    >>> [str(lhs) for lhs, _ in rules(2)][:2]
    ['delta_2', 'delta_1']
"""

from __future__ import annotations

import sympy as sp

DIGITS = 30


def shapes(depth: int):
    """The width symbols n_0, ..., n_depth."""
    return sp.symbols(f"n_0:{depth + 1}", positive=True, integer=True)


def rules(depth: int) -> list:
    """[(lhs, rhs)]: the error signals from the output down, then the gradients, as matrix expressions;
    f'_l is the column f_l'(z_l)."""
    n = shapes(depth)
    W = [None] + [sp.MatrixSymbol(f"W_{l}", n[l], n[l - 1]) for l in range(1, depth + 1)]
    d = [None] + [sp.MatrixSymbol(f"delta_{l}", n[l], 1) for l in range(1, depth + 1)]
    a = [sp.MatrixSymbol("x", n[0], 1)] + [sp.MatrixSymbol(f"a_{l}", n[l], 1) for l in range(1, depth + 1)]
    fp = [None] + [sp.MatrixSymbol(f"f'_{l}", n[l], 1) for l in range(1, depth + 1)]
    t = sp.MatrixSymbol("t", n[depth], 1)
    rows = [(d[depth], sp.HadamardProduct(a[depth] - t, fp[depth]))]
    rows += [(d[l], sp.HadamardProduct(W[l + 1].T * d[l + 1], fp[l])) for l in range(depth - 1, 0, -1)]
    for l in range(depth, 0, -1):
        rows += [(sp.Derivative(sp.Symbol("L"), W[l]), d[l] * a[l - 1].T), (sp.Derivative(sp.Symbol("L"), sp.MatrixSymbol(f"b_{l}", n[l], 1)), d[l])]
    return rows


def forward(f, values: dict, depth: int) -> dict:
    """{"z1": ..., "a1": ..., ...} for explicit matrices `values` ("x", "W1", "b1", ...); `f` maps a
    layer number to an element-wise function (a SymPy Lambda)."""
    out = {"a0": values["x"]}
    for l in range(1, depth + 1):
        out[f"z{l}"] = values[f"W{l}"] * out[f"a{l - 1}"] + values[f"b{l}"]
        out[f"a{l}"] = out[f"z{l}"].applyfunc(f(l))
    return out


def rule_gradients(f, fprime, values: dict, depth: int) -> dict:
    """{"delta2": ..., "W2": dL/dW2, "b2": ..., ...} by the backward rules of the module docstring."""
    fw = forward(f, values, depth)
    out = {}
    delta = (fw[f"a{depth}"] - values["t"]).multiply_elementwise(fw[f"z{depth}"].applyfunc(fprime(depth)))
    for l in range(depth, 0, -1):
        out[f"delta{l}"], out[f"W{l}"], out[f"b{l}"] = delta, delta * fw[f"a{l - 1}"].T, delta
        if l > 1:
            delta = (values[f"W{l}"].T * delta).multiply_elementwise(fw[f"z{l - 1}"].applyfunc(fprime(l - 1)))
    return out


def loss(f, values: dict, depth: int):
    """L = |a_L - t|^2 / 2."""
    r = forward(f, values, depth)[f"a{depth}"] - values["t"]
    return (r.T * r)[0] / 2


def symbolic_values(widths) -> dict:
    """Matrices of symbols w^(l)_ij, b^(l)_i, x_i, t_i for the widths (n_0, ..., n_L)."""
    vals = {"x": sp.Matrix(widths[0], 1, lambda i, _: sp.Symbol(f"x_{i + 1}", real=True)),
            "t": sp.Matrix(widths[-1], 1, lambda i, _: sp.Symbol(f"t_{i + 1}", real=True))}
    for l in range(1, len(widths)):
        vals[f"W{l}"] = sp.Matrix(widths[l], widths[l - 1], lambda i, j: sp.Symbol(f"w{l}_{i + 1}{j + 1}", real=True))
        vals[f"b{l}"] = sp.Matrix(widths[l], 1, lambda i, _: sp.Symbol(f"b{l}_{i + 1}", real=True))
    return vals


def check_rules(f, fprime, widths, points) -> dict:
    """The rules' dL/dW_l, dL/db_l against SymPy's diff of the written-out loss, at rational `points`
    (each a dict symbol -> value), evaluated at DIGITS digits."""
    depth, vals = len(widths) - 1, symbolic_values(widths)
    L = loss(f, vals, depth)
    names = [n for l in range(1, depth + 1) for n in (f"W{l}", f"b{l}")]
    grads = {n: vals[n].applyfunc(lambda s: sp.diff(L, s)) for n in names}
    worst, where = 0.0, None
    for point in points:
        by_rule = rule_gradients(f, fprime, {k: v.subs(point) for k, v in vals.items()}, depth)
        for name in names:
            err = max(abs(sp.N(e, DIGITS)) for e in (grads[name].xreplace(point) - by_rule[name]))
            if err >= worst:
                worst, where = float(err), {"parameter": name, **{str(k): v for k, v in list(point.items())[:4]}}
    ev = {"holds": worst < 1e-25, "max_abs_error": worst, "parameters": sum(v.shape[0] * v.shape[1]
          for k, v in vals.items() if k not in ("x", "t")), "points": len(points)}
    if not ev["holds"]:
        ev["counterexample"] = where
    return ev


def sample_point(widths, k: int) -> dict:
    """Rational values for every symbol of `symbolic_values(widths)`, varied with k (deterministic)."""
    syms = sorted({s for v in symbolic_values(widths).values() for s in v}, key=str)
    return {s: sp.Rational(((3 * i + 7 * k) % 11) - 5, 4) for i, s in enumerate(syms)}
