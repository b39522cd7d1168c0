"""Forms a document passes for display, kept as written (the printing policy is in
`symderiv.emit.latex.textbook_form`).

SymPy distributes a number over a sum, so alpha (e^x - 1) at alpha = 1.673 becomes 1.673 e^x - 1.673.
`factored(expr)` keeps a common numeric factor of every sum outside it, for printing only
(`.doit()` gives the ordinary expression back).

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> from symderiv.emit.latex import to_latex
    >>> to_latex(factored(sp.Float("1.673") * sp.exp(x) - sp.Float("1.673")))
    '1.673 \\\\left(e^{x} - 1\\\\right)'
    >>> factored(sp.Float("1.673") * sp.exp(x) - sp.Float("1.673")).doit()
    1.673*exp(x) - 1.673
"""

from __future__ import annotations

import sympy as sp


def _factor_sum(add):
    """c (sum / c) with the sum unevaluated, when every term of `add` has the numeric coefficient +-c (c != 1)."""
    coeffs = [t.as_coeff_Mul()[0] for t in add.args]
    c = abs(coeffs[0])
    if c in (0, 1) or any(abs(k) != c for k in coeffs):
        return add
    terms = [(1 if k > 0 else -1) * t.as_coeff_Mul()[1] for k, t in zip(coeffs, add.args)]
    return sp.Mul(c, sp.UnevaluatedExpr(sp.Add(*terms)), evaluate=False)


def factored(expr):
    """`expr` with a common numeric factor of each sum kept outside it (for display)."""
    return sp.sympify(expr).replace(lambda e: e.is_Add, _factor_sum)
