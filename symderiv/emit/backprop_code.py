"""Backprop derivations as text, LaTeX and NumPy: the scalar chain (`symderiv backprop`) and
seed 000's network (`generated/numpy/networks.py`).

Every expression is printed by `symderiv.emit.numpy_code.to_numpy` or
`symderiv.emit.latex.to_latex` (or `sympy.sstr` for plain text); the templates in
`templates/` hold layout only.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from symderiv.calculus.backprop import Chain, Layered, chain_blocks, layered
from symderiv.calculus.derivative import derivative
from symderiv.calculus.network import CONVENTIONS, MLP2_ACTIVATIONS, mlp2, with_convention
from symderiv.emit.latex import to_latex
from symderiv.emit.numpy_code import stabilize, to_numpy
from symderiv.emit.templating import environment, template_header
from symderiv.symbols import w, x


# ----- the scalar chain -------------------------------------------------------------------------

def _chain_parts(chain: Chain, fmt, dfrac):
    """The chain's equations (Chain.equations) printed by `fmt`, for the text and LaTeX templates."""
    eq = chain.equations()
    rows = {k: [(fmt(lhs), fmt(rhs)) for lhs, rhs in eq[k]] for k in ("definitions", "forward", "backward")}
    gradients = [(dfrac(p), fmt(e), fmt(full) if full is not None and full != e else "")
                 for p, e, full in eq["gradients"]]
    return dict(depth=chain.depth, activation=chain.activation.name, convention=chain.convention,
                gradients=gradients, **rows)


def chain_text(chain: Chain) -> str:
    """The derived chain as readable text (sympy.sstr)."""
    return environment().get_template("scalar_chain.txt.jinja").render(
        **_chain_parts(chain, sp.sstr, lambda p: f"dJ/d{p}"))


def chain_latex(chain: Chain) -> str:
    """The derived chain as a LaTeX align* block (symderiv.emit.latex.to_latex)."""
    return environment().get_template("scalar_chain.tex.jinja").render(
        **_chain_parts(chain, to_latex, lambda p: rf"\frac{{\partial J}}{{\partial {to_latex(p)}}}"))


def stable_chain(chain: Chain) -> Chain:
    """The chain with a_l = f(z_l) and fp_l = f'(z_l) rewritten by `numpy_code.stabilize` (no overflow
    in exp, log1p/expm1 where they help): done once for layer 1 and renamed per layer (linear in depth)."""
    f1, fp1 = (stabilize(chain.forward[i][1]) for i in (1, 2))
    rows = []
    for l in range(chain.depth):
        rename = {chain.z[0]: chain.z[l], chain.a[0]: chain.a[l]}
        rows += [chain.forward[3 * l], (chain.a[l], f1.xreplace(rename)), (chain.fp[l], fp1.xreplace(rename))]
    return dataclasses.replace(chain, forward=tuple(rows))


def chain_module(chain: Chain, provenance: str) -> str:
    """A standalone NumPy module defining `loss_and_gradients(x, t, w, b) -> (loss, dw, db)`."""
    defaults = chain.activation.defaults()
    var, z = chain.activation.var, sp.Symbol("z", real=True)
    body = [(str(name), to_numpy(expr)) for name, expr in chain_blocks(stable_chain(chain))]
    uses_erf = any("_erf" in code for _, code in body)
    L = range(1, chain.depth + 1)
    return environment().get_template("scalar_chain.py.jinja").render(
        provenance=template_header(provenance, "scalar_chain.py.jinja"), depth=chain.depth, activation=chain.activation.name, convention=chain.convention,
        loss_text=sp.sstr(chain.loss), f_text=sp.sstr(chain.activation.expr.subs(defaults).subs(var, z)),
        fprime_text=sp.sstr(chain.fprime.subs(var, z)), body=body,
        w_names=[str(s) for s in chain.w], b_names=[str(s) for s in chain.b],
        dw_names=[f"dw_{l}" for l in L], db_names=[f"db_{l}" for l in L],
        erf_runtime=_erf_runtime() if uses_erf else "")


def _erf_runtime() -> str:
    """The kernel modules' erf/erfc (scipy.special when importable, else their NumPy fallback)."""
    text = environment().get_template("numpy/runtime.py.jinja").render(uses_erf=True)
    return text[text.index("# ----- erf and erfc"):]


# ----- networks ---------------------------------------------------------------------------------

def function_parts(lay: Layered, name: str, args=None) -> dict:
    """The pieces the `function` macro prints: name, arguments, body lines, the return value."""
    net = lay.network
    arrays = [net.input, net.target, *net.parameters]
    args = list(args) if args is not None else arrays + ["N"] + [s.name for s in lay.symbols]
    body = [(n, to_numpy(e)) for n, e in lay.forward]
    body.append(("loss", to_numpy(lay.loss)))
    body += [(n, to_numpy(e)) for n, e in lay.backward]
    grads = ", ".join(f'"{p}": {g}' for p, g in sorted(lay.gradients))
    return {"name": name, "args": args, "body": body, "returns": f"loss, {{{grads}}}",
            "doc": f"{net.name}: loss and gradients ({lay.convention} kink values); N is the batch size."}


def network_function(lay: Layered, name: str) -> str:
    """Source of one function `name(x, t, <parameters>, N, <coefficients and activation parameters>)`."""
    return environment().get_template("network_function.py.jinja").render(fn=function_parts(lay, name))


def networks_file(catalog, provenance: str) -> dict:
    """Emitter: generated/numpy/networks.py (seed 000's network, contract in DESIGN.md)."""
    derived = {(a, c): layered(mlp2(catalog, a), c) for a in MLP2_ACTIVATIONS for c in CONVENTIONS}
    leaky = catalog.get("leaky_relu")
    slope = leaky.param("negative_slope")
    coefficients = list(mlp2(catalog).coefficients)
    args = ["x", "t", "A", "B", "C", "D", "N", slope.name] + coefficients
    variants = []
    for (a, c), lay in derived.items():
        variants.append(function_parts(lay, f"_mlp2_{a}_{c}", args) | {"activation": a, "convention": c})
    forward = [{"activation": a, "body": [(n, to_numpy(e)) for n, e in derived[(a, "catalog")].forward],
                "output": derived[(a, "catalog")].network.output} for a in MLP2_ACTIVATIONS]
    doc_lay = derived[("leaky_relu", "catalog")]
    derivation = [(n, sp.sstr(e)) for n, e in doc_lay.backward]
    kinks = {c: "; ".join(_kink_text(catalog, c)) for c in CONVENTIONS}
    text = environment().get_template("networks.py.jinja").render(
        provenance=template_header(provenance, "networks.py.jinja"), loss_text=sp.sstr(catalog.get("half_squared_error").expr),
        activations=MLP2_ACTIVATIONS, conventions=CONVENTIONS, negative_slope=repr(float(slope.default)),
        coefficients=coefficients, variants=variants, forward=forward, kinks=kinks,
        doc_variant="leaky_relu, catalog convention", derivation=derivation)
    return {"numpy/networks.py": text}


def _kink_text(catalog, convention):
    """The kink values a convention takes, as text for the module docstring."""
    out = []
    for name in MLP2_ACTIVATIONS:
        d = derivative(with_convention(catalog.get(name), convention))
        out.append(f"{name}'(0) = {sp.sstr(d.subs(x, 0))}")
    l1 = catalog.get("l1")
    d = derivative(with_convention(l1, convention)).subs(l1.symbolic_params[0].symbol, 1)
    out.append(f"d|x|/dx at 0 = {sp.sstr(d.subs(w, 0))}")
    return out
