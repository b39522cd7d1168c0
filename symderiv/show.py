"""Human-readable description of one catalog entry (`symderiv show`)."""

from __future__ import annotations

import sympy as sp

from symderiv.calculus.derivative import derivative, output_form
from symderiv.emit.latex import to_latex
from symderiv.emit.numpy_code import to_numpy


def _derivatives(entry):
    """[(variable, derivative)] for the inputs the entry is differentiated in (none for initializers)."""
    if entry.kind == "initializer":
        return []
    wrt = entry.extra.get("inputs", entry.variables if entry.is_vector or entry.name == "maxout" else entry.variables[:1])
    return [(v, derivative(entry, v)) for v in wrt]


def describe(entry, latex=False, numpy=False) -> str:
    fmt = to_latex if latex else to_numpy if numpy else sp.sstr
    lines = [f"{entry.name} ({entry.kind}): {entry.description}", f"reference: {entry.reference}"]
    if entry.torch:
        lines.append(f"PyTorch: torch.nn.functional.{entry.torch}")
    lines.append(f"variables: {', '.join(map(str, entry.variables))}")
    for p in entry.params:
        lines.append(f"parameter {p.name} = {p.default!r} in {p.range_text()}  {p.doc}")
    label = "variance" if entry.kind == "initializer" else "definition"
    lines.append(f"{label}: {fmt(entry.expr)}")
    if entry.kind == "initializer":
        from symderiv.catalog.initializers import spread

        law = entry.extra["law"]
        lines.append(f"{'std' if law == 'normal' else 'limit'} of the {law} law: {fmt(spread(entry))}")
    for v, d in _derivatives(entry):
        lines.append(f"d/d{v}: {fmt(d)}")
    g = output_form(entry)
    if g is not None:
        lines.append(f"in terms of the output f: {fmt(g)}")
    for k in entry.kinks:
        var = k.wrt if k.wrt is not None else entry.var
        alt = "; ".join(f"{who}: {val}" for who, val in k.alternatives.items())
        lines.append(f"kink: d/d{var} at {var} = {k.at} is {k.value}: {k.why}" + (f" (other conventions: {alt})" if alt else ""))
    if numpy and entry.kind != "initializer":
        from symderiv.emit.numpy_kernels import entry_source

        lines += ["", "# kernel source (generated/numpy/): forward and backward", entry_source(entry).rstrip()]
    return "\n".join(lines)
