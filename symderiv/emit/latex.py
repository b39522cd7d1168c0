"""LaTeX from SymPy: the one place the LaTeX printer is configured."""

import sympy as sp
from sympy.printing.latex import LatexPrinter

SETTINGS = {"mul_symbol": None, "ln_notation": True}
FUNCTION_NAMES = {"sigmoid": r"\sigma"}   # undefined functions printed as a symbol


class _Printer(LatexPrinter):
    """SymPy's LatexPrinter; only the names of undefined functions differ."""

    def _hprint_Function(self, func: str) -> str:
        """A catalog name prints whole (leaky_relu, not leaky with subscript relu); sigmoid prints as sigma."""
        if func in FUNCTION_NAMES:
            return FUNCTION_NAMES[func]
        if func.find("_") > 1 and not func.startswith("\\"):
            return r"\operatorname{%s}" % func.replace("_", r"\_")
        return super()._hprint_Function(func)


def to_latex(expr) -> str:
    """SymPy's `latex` with the project's settings."""
    return _Printer(SETTINGS).doprint(expr)
