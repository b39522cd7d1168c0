"""LaTeX from SymPy: the one place the LaTeX printer is configured."""

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter, accepted_latex_functions, greek_letters_set

SETTINGS = {"mul_symbol": None, "ln_notation": True}
FUNCTION_NAMES = {"sigmoid": r"\sigma"}   # undefined functions printed as a symbol
WORD = re.compile(r"[A-Za-z]{2,}[A-Za-z0-9_]*")   # a name, not a letter with sub/superscripts
MODIFIED = re.compile(r"[A-Za-z](bar|hat|dot|ddot|tilde|vec|prime)")   # SymPy's accents: xbar is x with a bar


class _Printer(LatexPrinter):
    """SymPy's LatexPrinter; only names made of words (functions, parameters) print differently."""

    def _hprint_Function(self, func: str) -> str:
        """A catalog name prints whole (leaky_relu, not leaky with subscript relu); sigmoid prints as sigma."""
        if func in FUNCTION_NAMES:
            return FUNCTION_NAMES[func]
        base = func.rstrip("0123456789").split("_")[0]
        if WORD.fullmatch(func) and func not in accepted_latex_functions and base not in greek_letters_set:
            return r"\operatorname{%s}" % func.replace("_", r"\_")
        return super()._hprint_Function(func)

    def _print_Symbol(self, expr, style="plain"):
        """A parameter named by a word prints as one word (negative_slope), not as negative with subscript slope."""
        name = expr.name
        base, _, suffix = name.partition("_")
        if (WORD.fullmatch(name) and base not in greek_letters_set and not MODIFIED.fullmatch(base)
                and re.search("[A-Za-z]", suffix)):
            return r"\mathit{%s}" % name.replace("_", r"\_")
        return super()._print_Symbol(expr, style)


def to_latex(expr) -> str:
    """SymPy's `latex` with the project's settings."""
    return _Printer(SETTINGS).doprint(expr)
