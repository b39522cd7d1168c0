"""LaTeX from SymPy: the one place the LaTeX printer is configured."""

import sympy as sp

SETTINGS = {"mul_symbol": None, "ln_notation": True}


def to_latex(expr) -> str:
    """SymPy's `latex` with the project's settings."""
    return sp.latex(expr, **SETTINGS)
