"""Axis kernels (softmax, log_softmax, cross_entropy): their formulas over an axis, from SymPy.

The catalog writes such an entry in K symbols (x_1, x_2, x_3). `axis_exprs` reads it as array
arithmetic with sums over the kernel's `axis` (`calculus.rowwise.generalize`, then the log-sum-exp
rewrites of `network_code.stable_rowwise`); `axis_model` prints forward and backward with the
project's NumPy printer and `sympy.cse`. `axis_output_vjp` gives the vector-Jacobian product from
the output y (softmax: y (g - sum(g y)); log_softmax: g - exp(y) sum(g)), its Jacobian fitted at one
point and proved by SymPy for every i, j (`axis_jacobian_in_output`).
"""

from __future__ import annotations

import mpmath
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.calculus.rowwise import RowSum, generalize
from symderiv.emit.network_code import LogSumExp, stable_rowwise
from symderiv.emit.numpy_code import (SETTINGS, AxisLogSumExp, AxisSum, StableNumPyPrinter, ZeroTimes, docstring_safe,
                                      formula_text)


AXIS_OUTPUT = sp.Symbol("output", real=True)     # the array y = f(x) in the printed formula
AXIS_GRAD = sp.Symbol("grad_output", real=True)
OUTPUT_MAPS = (("y", lambda y: y), ("exp(y)", sp.exp))   # u(y) in the Jacobian ansatz, in this order
FIT_POINT = (sp.Rational(3, 10), sp.Rational(-11, 10), sp.Rational(7, 10), sp.Rational(1, 5))


def _ansatz(d, ui, uj):
    """The Jacobian basis dy_i/dx_j in u = u(y): delta_ij, delta_ij u_i, u_j, u_i u_j."""
    return (sp.Integer(d), d * ui, uj, ui * uj)


def axis_jacobian_in_output(entry):
    """(u name, u(y), coefficients c) with dy_i/dx_j = c . (delta_ij, delta_ij u_i, u_j, u_i u_j),
    u_k = u(y_k), proved by SymPy for every i, j of the catalog's K-symbol formula; None if no fit.

    The coefficients are fitted at one point (exact rationals, least squares over the K^2 entries)
    and then proved: J_ij - ansatz_ij(f(x)) simplifies to 0 (softmax: y_i (delta_ij - y_j);
    log_softmax: delta_ij - exp(y_j))."""
    xs, f = entry.variables, list(entry.expr)
    jac = sp.Matrix(len(xs), len(xs), lambda i, j: sp.diff(f[i], xs[j]))
    at = dict(zip(xs, FIT_POINT))
    for name, u in OUTPUT_MAPS:
        us = [sp.simplify(u(fi)) for fi in f]
        rows, rhs = [], []
        for i in range(len(xs)):
            for j in range(len(xs)):
                rows.append([b.subs(at) for b in _ansatz(int(i == j), us[i], us[j])])
                rhs.append(jac[i, j].subs(at))
        with mpmath.workdps(40):
            a = mpmath.matrix([[mpmath.mpf(sp.N(v, 45)) for v in row] for row in rows])
            b = mpmath.matrix([mpmath.mpf(sp.N(v, 45)) for v in rhs])
            try:   # the normal equations: 4 unknowns, K^2 equations
                solution = mpmath.lu_solve(a.T * a, a.T * b)
            except ZeroDivisionError:
                continue
        coeffs = [sp.nsimplify(sp.Float(c, 40), tolerance=1e-20, rational=True) for c in solution]
        if proves_jacobian(entry, u, coeffs):
            return name, u, coeffs
    return None


def proves_jacobian(entry, u, coeffs) -> bool:
    """SymPy's proof that dy_i/dx_j = coeffs . ansatz(u(y)) for every i, j of the entry."""
    xs, f = entry.variables, list(entry.expr)
    us = [u(fi) for fi in f]
    for i in range(len(xs)):
        for j in range(len(xs)):
            claim = sum(c * b for c, b in zip(coeffs, _ansatz(int(i == j), us[i], us[j])))
            if sp.simplify((sp.diff(f[i], xs[j]) - claim).rewrite(sp.exp)) != 0:
                return False
    return True


def axis_output_vjp(entry):
    """sum_i g_i dy_i/dx_j from the output, as array arithmetic with `AxisSum` over the axis, or None.

    With dy_i/dx_j = c0 d_ij + c1 d_ij u_i + c2 u_j + c3 u_i u_j (`axis_jacobian_in_output`):
    v = c0 g + c1 g u + c2 u sum(g) + c3 u sum(g u); softmax: y (g - sum(g y)), log_softmax:
    g - exp(y) sum(g), as PyTorch's autograd computes them."""
    found = axis_jacobian_in_output(entry)
    if found is None:
        return None
    _, u, (c0, c1, c2, c3) = found
    g, uy = AXIS_GRAD, u(AXIS_OUTPUT)
    vjp = c0 * g + c1 * g * uy + c2 * uy * AxisSum(g) + c3 * uy * AxisSum(g * uy)
    return sp.factor_terms(vjp)


# ----- axis entries: forward and backward printed from the catalog's K-symbol formula ---------------

AXIS_INPUT = {"activation": sp.Symbol("x", real=True), "loss": sp.Symbol("input", real=True)}
AXIS_TARGET = sp.Symbol("target", real=True)


def axis_exprs(entry) -> dict:
    """{"forward": f, "backward": vjp} of an axis entry as array formulas over the axis (SymPy).

    The catalog writes the entry in K symbols; `calculus.rowwise.generalize` reads that as one
    component with sums over the axis; `network_code.stable_rowwise` rewrites exp/sum exp as
    exp(u - lse(u)) and log sum exp as lse (max-shifted). Activations: f_1 and the vector-Jacobian
    product sum_i g_i df_i/dx_1; losses: the per-row loss and dL/dy_1 (the caller multiplies by g)."""
    x = AXIS_INPUT[entry.kind]
    if entry.kind == "activation":
        xs = entry.variables
        gs = [sp.Symbol(f"_g{i}", real=True) for i in range(len(xs))]
        fam = {x: xs, AXIS_GRAD: tuple(gs)}
        forward = generalize(entry.expr[0], {x: xs}, free=0)
        vjp = sum(g * sp.diff(entry.expr[i], xs[0]) for i, g in enumerate(gs))
        backward = generalize(vjp, fam, free=0)
    else:
        ys, ts = entry.extra["inputs"], entry.extra["targets"]
        fam = {x: ys, AXIS_TARGET: ts}
        forward = generalize(entry.expr, fam)
        backward = generalize(derivative(entry, ys[0]), fam, free=0)
    out = {k: _axis_functions(stable_rowwise(e)) for k, e in (("forward", forward), ("backward", backward))}
    out["textbook"] = forward.replace(lambda e: isinstance(e, RowSum), lambda e: AxisSum(e.args[0]))
    return out


def _axis_functions(expr):
    """RowSum -> AxisSum, LogSumExp -> AxisLogSumExp (over the kernel's `axis`); inside a sum, a
    product with the target -> ZeroTimes (0 log 0 = 0, as PyTorch for class-index targets)."""
    expr = expr.replace(lambda e: isinstance(e, LogSumExp), lambda e: AxisLogSumExp(e.args[0]))
    expr = expr.replace(lambda e: isinstance(e, RowSum), lambda e: AxisSum(_zero_times(e.args[0])))
    return expr


def _zero_times(expr):
    """c*target*u -> c*ZeroTimes(target, u) in each term of `expr` (u not a number)."""
    def term(t):
        factors = sp.Mul.make_args(t)
        rest = sp.Mul(*[f for f in factors if f != AXIS_TARGET and not f.is_number])
        if AXIS_TARGET not in factors or rest == 1:
            return t
        return sp.Mul(*[f for f in factors if f.is_number]) * ZeroTimes(AXIS_TARGET, rest)
    return sp.Add(*[term(t) for t in sp.Add.make_args(expr)])


def axis_model(entry) -> dict:
    """The printed forward and backward of an axis entry: cse lines and the result written into `out`."""
    printer = StableNumPyPrinter(SETTINGS)
    out = {}
    exprs = axis_exprs(entry)
    out["formula"] = docstring_safe(formula_text(exprs.pop("textbook")))
    for which, expr in exprs.items():
        assigned, (reduced,) = sp.cse([expr], symbols=sp.numbered_symbols("t", real=True), order="canonical")
        into = entry.kind == "activation" or which == "backward"   # a loss's values are reduced after
        out[f"axis_{which}"] = {"lines": [f"{s} = {printer.doprint(v)}" for s, v in assigned],
                               "result": printer.into(reduced, "out") if into else printer.doprint(reduced),
                               "formula": docstring_safe(formula_text(expr))}
    return out
