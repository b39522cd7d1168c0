"""A network from a spec as a standalone NumPy module (`symderiv network SPEC.toml --numpy`).

The module defines ``forward(x, params) -> output`` and ``loss_and_grads(x, t, params) -> (loss,
grads)`` with ``params``/``grads`` keyed "W1", "b1", ... Its body is the derived layer recursion
(`symderiv.calculus.backprop.layered`) printed by `numpy_code.to_numpy`: element-wise rows through
`numpy_code.stabilize`, row-wise ones (softmax, log-softmax, cross-entropy) through the
log-sum-exp rewrites below, so logits of 1e4 give finite results without warnings.
"""

from __future__ import annotations

import sympy as sp

from symderiv.calculus.backprop import Layered, Total
from symderiv.calculus.index_form import blackboard, index_name, index_rows
from symderiv.calculus.rowwise import RowSum
from symderiv.emit.backprop_code import _erf_runtime
from symderiv.emit.latex import to_latex
from symderiv.emit.numpy_code import stabilize, to_numpy
from symderiv.emit.templating import environment, template_header


class LogSumExp(sp.Function):
    """log sum_k exp(u_k) per sample, computed as m + log sum_k exp(u_k - m) with m = max_k u_k."""

    is_real = True

    def _numpycode(self, printer):
        return f"_logsumexp({printer._print(self.args[0])})"


# ----- log-sum-exp rewrites (one named rule each) ------------------------------------------------------

def _is_sum_exp(e):
    return isinstance(e, RowSum) and isinstance(e.args[0], sp.exp)


def _lse_of(e):
    return LogSumExp(e.args[0].args[0])


def log_of_sum_exp(expr):
    """log(sum_k exp(u_k)) -> LogSumExp(u): no overflow for large u."""
    return expr.replace(lambda e: isinstance(e, sp.log) and _is_sum_exp(e.args[0]), lambda e: _lse_of(e.args[0]))


def divide_by_sum_exp(expr):
    """exp(v) / sum_k exp(u_k) -> exp(v - LogSumExp(u)); a second 1/sum moves into another RowSum factor
    (sum_k g_k exp(u_k) / sum_k exp(u_k) = sum_k g_k exp(u_k - LogSumExp(u))); what is left -> exp(-LSE)."""
    return expr.replace(lambda e: isinstance(e, sp.Mul) and any(_inverse_power(f) for f in e.args), _divide)


def _inverse_power(f):
    return isinstance(f, sp.Pow) and _is_sum_exp(f.base) and f.exp.is_Integer and f.exp < 0


def _divide(mul):
    factors = list(mul.args)
    i = next(i for i, f in enumerate(factors) if _inverse_power(f))
    den = factors.pop(i)
    lse, m = _lse_of(den.base), -int(den.exp)
    out = []
    for f in factors:                       # exp(v) / sum exp -> exp(v - lse), once per power
        if m and isinstance(f, sp.exp):
            f, m = sp.exp(f.args[0] - lse), m - 1
        out.append(f)
    for j, f in enumerate(out):             # a power left: into a RowSum factor (a per-sample constant)
        if m and isinstance(f, RowSum) and not _is_sum_exp(f):
            out[j], m = RowSum(divide_by_sum_exp(f.args[0] * den.base ** -1)), m - 1
    return sp.Mul(*out) * sp.exp(-m * lse)


def stable_rowwise(expr):
    """The row-wise rewrites in order: divisions by sum exp, then logs of sum exp, then any sum exp left."""
    expr = log_of_sum_exp(divide_by_sum_exp(expr))
    return expr.replace(_is_sum_exp, lambda e: sp.exp(_lse_of(e)))


def printed(expr) -> str:
    """NumPy source of one row: matrix rows as they are, row-wise rows after `stable_rowwise`,
    element-wise rows after `numpy_code.stabilize`."""
    if isinstance(expr, sp.MatrixExpr) or expr.has(sp.MatrixSymbol):
        return to_numpy(expr)
    if expr.has(RowSum):
        return to_numpy(stable_rowwise(expr))
    if expr.has(Total):   # a sum of element-wise terms: stabilize each term, not the sum
        return to_numpy(expr.replace(lambda e: isinstance(e, Total), lambda e: Total(stabilize(e.args[0]))))
    return to_numpy(expr, stable=True)


# ----- the module -------------------------------------------------------------------------------------

def _values(lay: Layered) -> dict:
    """{coefficient symbol: its number} of the spec's regularizers."""
    return {sp.Symbol(k, real=True): sp.Float(v) for k, v in lay.network.coefficient_values.items()}


def module_parts(lay: Layered) -> dict:
    """What the module template lays out: parameter names, forward rows, loss rows, gradients."""
    net, values = lay.network, _values(lay)
    missing = [s.name for s in lay.symbols if s not in values]
    if missing:
        raise ValueError(f"network_module: {net.name} has free parameters {missing}; fix them in the spec")
    forward = [(n, printed(e.xreplace(values))) for n, e in lay.forward]
    prologue = []
    if "targets" in net.loss.extra:
        prologue.append((net.target, f"_targets({net.target}, {net.output})"))
    if net.averages_outputs:
        prologue.append(("K", f"{net.output}.shape[-1]"))
    rows = prologue + [("loss", printed(lay.loss.xreplace(values)))]
    rows += [(n, printed(e.xreplace(values))) for n, e in lay.backward]
    codes = [c for _, c in forward + rows]
    return {"parameters": list(net.parameters), "forward": forward, "rows": rows, "output": net.output,
            "gradients": [(p, g) for p, g in lay.gradients][::-1], "input": net.input, "target": net.target,
            "uses_lse": any("_logsumexp" in c for c in codes), "vector_targets": "targets" in net.loss.extra,
            "erf_runtime": _erf_runtime() if any("_erf" in c for c in codes) else ""}


def network_module(lay: Layered, provenance: str, description: list) -> str:
    """The standalone module (module docstring); `description` lines go into its docstring."""
    parts = module_parts(lay)
    parts["gradients"] = sorted(parts["gradients"], key=lambda pg: lay.network.parameters.index(pg[0]))
    return environment().get_template("network_module.py.jinja").render(
        provenance=template_header(provenance, "network_module.py.jinja"), name=lay.network.name, description=description, **parts)


def description(lay: Layered) -> list:
    """Docstring lines: each layer's forward equation (units), the loss with its reduction, the penalties."""
    net, widths = lay.network, dict(lay.network.widths)
    lines = [f"{n} = {sp.sstr(e)}" + (f"    ({widths[n]} units)" if n in widths and n.startswith("z") else "")
             for n, e in lay.forward]
    per = "summed over outputs" if not net.averages_outputs and "targets" not in net.loss.extra else (
        "per sample" if "targets" in net.loss.extra else "averaged over outputs (PyTorch reduction='mean')")
    lines.append(f"loss = batch mean of {net.loss.name}({net.output}, {net.target}) {per}")
    for layer in net.layers:
        for place, name in (("kernel", getattr(layer, "kernel", "")), ("bias", getattr(layer, "bias", "")),
                            ("activity", f"{getattr(layer, 'outputs', '')} (batch mean)")):
            for r in getattr(layer, f"{place}_regularizers", ()):
                lines.append(f"     + {r.coef} * sum {r.entry.name} penalty of {name} ({place}), {r.coef} = {r.value!r}")
    return lines


def network_latex(lay: Layered) -> str:
    """The derivation as LaTeX: forward pass, loss, delta recursion and gradients, in matrix and index form."""
    def rows(pairs):
        return [(to_latex(blackboard(sp.Symbol(n) if isinstance(n, str) else n)), to_latex(blackboard(e)))
                for n, e in pairs]

    index = [(to_latex(lhs), to_latex(rhs)) for lhs, rhs in index_rows(lay, index_name)]
    return environment().get_template("network_derivation.tex.jinja").render(
        name=lay.network.name, convention=lay.convention, forward=rows(lay.forward),
        loss=to_latex(blackboard(lay.loss)), backward=rows(lay.backward), index=index,
        description=description(lay))
