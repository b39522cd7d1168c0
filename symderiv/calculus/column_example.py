"""A worked example for the board: one sample through a 2-2-1 network in column-vector form.

z_1 = W_1 x + b_1, a_1 = sigma(z_1), yhat = W_2 a_1 + b_2, L = (yhat - t)^2 / 2, then
delta_2 = yhat - t, delta_1 = (W_2^T delta_2) o a_1 o (1 - a_1) (the sigmoid's derivative written in
its output), dL/dW_l = delta_l a_(l-1)^T, dL/db_l = delta_l, and one gradient step with rate eta.

`steps()` gives each row as (lhs, formula, numbers substituted, result): SymPy evaluates every
result from the numbers of `VALUES` at `DIGITS` digits; `shown` rounds for printing. `loss_at` is the
loss as a function of the parameters alone, for checking the gradients by central differences.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

DIGITS = 30
SHOWN = 4
VALUES = {"x": ((1.0,), (-0.5,)), "t": ((1.0,),), "W1": ((0.5, -1.0), (0.25, 0.75)), "b1": ((0.0,), (0.1,)),
          "W2": ((1.0, -1.0),), "b2": ((0.1,),)}
ETA = 0.5
WIDTHS = (2, 2, 1)
SIGMA = sp.Function("sigmoid")


@dataclass(frozen=True)
class Step:
    lhs: object
    formula: object
    substituted: object     # None where the formula is already the numbers
    result: object          # ImmutableMatrix at DIGITS digits

    @property
    def shown(self):
        return rounded(self.result)

    @property
    def value(self):
        """The result; a 1 x 1 result as a number."""
        return self.result[0] if self.result.shape == (1, 1) else self.result


def shown_number(v):
    """`v` rounded to SHOWN significant digits, as a decimal (0.1 stays 0.1, not 0.09998)."""
    return sp.Float(f"{float(v):.{SHOWN}g}")


def _round(m):
    return m.applyfunc(shown_number) if isinstance(m, sp.MatrixBase) else shown_number(m)


def rounded(m):
    m = m.applyfunc(shown_number)
    return m[0] if m.shape == (1, 1) else m


def matrix(rows):
    """Exact rationals for the decimals of `rows` (so that perturbations stay exact), as a matrix."""
    return sp.ImmutableMatrix([[v if isinstance(v, sp.Rational) else sp.Rational(str(v)) for v in r] for r in rows])


def symbols():
    """{name: MatrixSymbol} for the arrays of the example (x, t, W1, ..., delta2, a1, ...)."""
    n0, n1, n2 = WIDTHS
    shapes = {"x": (n0, 1), "t": (n2, 1), "W1": (n1, n0), "b1": (n1, 1), "W2": (n2, n1), "b2": (n2, 1),
              "z1": (n1, 1), "a1": (n1, 1), "z2": (n2, 1), "yhat": (n2, 1), "delta2": (n2, 1), "delta1": (n1, 1)}
    names = {"yhat": "yhat", "delta2": "delta_2", "delta1": "delta_1"}
    return {k: sp.MatrixSymbol(names.get(k, k[0] + (f"_{k[1:]}" if k[1:] else "")), *s) for k, s in shapes.items()}


def _recipe(m):
    """(key, lhs, formula) in order; an element-wise row has formula (function, argument key)."""
    L = sp.Symbol("L")
    one = sp.OneMatrix(*m["a1"].shape)
    return [
        ("z1", m["z1"], m["W1"] * m["x"] + m["b1"]),
        ("a1", m["a1"], (SIGMA, "z1")),
        ("yhat", m["yhat"], m["W2"] * m["a1"] + m["b2"]),
        ("L", L, (sp.Symbol("t") - sp.Symbol("yhat")) ** 2 / 2),
        ("delta2", m["delta2"], m["yhat"] - m["t"]),
        ("dW2", sp.Derivative(L, m["W2"]), m["delta2"] * m["a1"].T),
        ("delta1", m["delta1"], sp.HadamardProduct(m["W2"].T * m["delta2"], m["a1"], one - m["a1"])),
        ("dW1", sp.Derivative(L, m["W1"]), m["delta1"] * m["x"].T),
    ]


def steps(values=VALUES) -> list:
    """The rows of the example (see module docstring), each computed from the ones before."""
    m, env = symbols(), {k: matrix(v) for k, v in values.items()}
    out = []
    for key, lhs, formula in _recipe(m):
        if isinstance(formula, tuple):
            fn, arg = formula
            with sp.evaluate(False):
                sub = env[arg].applyfunc(lambda v: fn(shown_number(v)))
            if sub.shape == (1, 1):
                sub = sub[0]
            env[key] = env[arg].applyfunc(lambda v: 1 / (1 + sp.exp(-v))).evalf(DIGITS)
            out.append(Step(lhs, fn(m[arg]), sub, env[key]))
            continue
        arrays = {s: env[k] for k, s in m.items() if k in env}
        if not isinstance(formula, sp.MatrixExpr):      # the loss: a scalar of the one-unit output
            arrays = {sp.Symbol(k): env[k][0] for k in ("yhat", "t")}
        keep = sp.UnevaluatedExpr if not isinstance(formula, sp.MatrixExpr) else (lambda v: v)   # (1 - 0.34)^2/2 stays
        with sp.evaluate(False):
            sub = formula.xreplace({s: keep(_round(v)) for s, v in arrays.items()})
        value = sp.sympify(formula.xreplace(arrays)).doit()
        value = value.as_explicit() if isinstance(value, sp.MatrixExpr) else value
        env[key] = sp.ImmutableMatrix(value if isinstance(value, sp.MatrixBase) else [[value]]).evalf(DIGITS)
        out.append(Step(lhs, formula, sub, env[key]))
    return out


def results(values=VALUES) -> dict:
    """{key: result} of `steps`, plus the bias gradients (equal to the error signals)."""
    keys = [k for k, _, _ in _recipe(symbols())]
    out = dict(zip(keys, (s.result for s in steps(values))))
    return {**out, "db2": out["delta2"], "db1": out["delta1"]}


def loss_at(values) -> sp.Float:
    """L for the parameters in `values`, computed directly (no backward pass)."""
    v = {k: matrix(r) for k, r in values.items()}
    a1 = (v["W1"] * v["x"] + v["b1"]).applyfunc(lambda z: 1 / (1 + sp.exp(-z)))
    r = v["W2"] * a1 + v["b2"] - v["t"]
    return sp.N((r.T * r)[0] / 2, DIGITS)


def central_difference_check(h=sp.Rational(1, 10**12)) -> dict:
    """The backward pass's dL/dW_l, dL/db_l against (L(p + h) - L(p - h)) / 2h for every entry."""
    got, worst, where = results(), 0.0, None
    for name in ("W1", "b1", "W2", "b2"):
        rows = [list(r) for r in VALUES[name]]
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                up = {**VALUES, name: tuple(tuple(v + h if (a, b) == (i, j) else w for b, w in enumerate(rr))
                                            for a, rr in enumerate(rows))}
                dn = {**VALUES, name: tuple(tuple(v - h if (a, b) == (i, j) else w for b, w in enumerate(rr))
                                            for a, rr in enumerate(rows))}
                fd = (loss_at(up) - loss_at(dn)) / (2 * h)
                err = abs(float(fd - got["d" + name][i, j]))
                if err >= worst:
                    worst, where = err, {"parameter": f"{name}[{i + 1},{j + 1}]", "backprop": float(got["d" + name][i, j]),
                                         "central_difference": float(fd)}
    ev = {"holds": worst < 1e-9, "max_abs_error": worst, "step": float(h), "entries": 8}
    if not ev["holds"]:
        ev["counterexample"] = where
    return ev
