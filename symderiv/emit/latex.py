"""LaTeX from SymPy: the one place the LaTeX printer is configured."""

import re
from functools import lru_cache

import sympy as sp
from sympy.printing.latex import LatexPrinter, accepted_latex_functions, greek_letters_set

from symderiv.catalog import load_catalog

SETTINGS = {"mul_symbol": None, "ln_notation": True}
WORD = re.compile(r"[A-Za-z]{2,}[A-Za-z0-9_]*")   # a name, not a letter with sub/superscripts
MODIFIED = re.compile(r"[A-Za-z](bar|hat|dot|ddot|tilde|vec|prime)")   # SymPy's accents: xbar is x with a bar


@lru_cache(maxsize=1)
def function_symbols() -> dict:
    """{catalog name: LaTeX symbol} of the entries that print as a symbol when applied (`Entry.latex`)."""
    return {entry.name: entry.latex for entry in load_catalog() if entry.latex}


class _Printer(LatexPrinter):
    """SymPy's LatexPrinter; only names made of words (functions, parameters) print differently."""

    def _hprint_Function(self, func: str) -> str:
        """A catalog name prints whole (leaky_relu, not leaky with subscript relu), or as the entry's
        LaTeX symbol where it has one (sigmoid prints as sigma)."""
        symbol = function_symbols().get(func)
        if symbol:
            return symbol
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


# --- the printing policy of the lecture notes (applied by `latex_views.tex_math` before `to_latex`) ---

SHORT_DIGITS = 6       # a float with at most this many significant digits prints exactly (0.044715)
FEW_DIGITS = 4         # any other float prints with this many (1.673 for SELU's alpha)
BIG = 10**6            # a rational with a numerator or denominator beyond this is a fitted constant


def _short_float(value) -> sp.Float:
    """`value` as a Float printed the way a textbook writes a constant: exactly when it has at most
    SHORT_DIGITS significant digits, else rounded to FEW_DIGITS."""
    f = float(value)
    exact = f"{f:.{SHORT_DIGITS}g}"
    bits = value._prec if isinstance(value, sp.Float) else 53     # a short Float printed once stays as it is
    if f == 0 or abs(float(exact) - f) <= max(1e-12, 2.0 ** (4 - bits)) * abs(f):
        return sp.Float(exact, SHORT_DIGITS)
    return sp.Float(f"{f:.{FEW_DIGITS}g}", FEW_DIGITS)


def _decimal_rational(q: sp.Rational) -> bool:
    """A rational that came from a decimal constant: its denominator (at least 100) is 2^a 5^b and
    is more than half the digits of the power of ten it divides (8943/200000 = 0.044715 is; 1/8, 1/128 are not)."""
    den = int(q.q)
    if den < 100:
        return False
    rest, k = den, 0
    while rest % 10 == 0:
        rest, k = rest // 10, k + 1
    for p in (2, 5):
        while rest % p == 0:
            rest //= p
    if rest != 1:
        return False
    power = next(10**j for j in range(40) if 10**j % den == 0)
    return power // den < den


def _number(n):
    if isinstance(n, sp.Float):
        return _short_float(n)
    if isinstance(n, sp.Rational) and not n.is_Integer and (_decimal_rational(n) or max(abs(n.p), n.q) > BIG):
        return _short_float(n)
    return n


def _merged_roots(mul):
    """sqrt(2) / sqrt(pi) as one root sqrt(2/pi): the square-root factors of positive numbers of
    a product collected under one unevaluated sqrt (two or more of them; else `mul` unchanged)."""
    roots = [f for f in mul.args if f.is_Pow and f.exp in (sp.S.Half, -sp.S.Half) and f.base.is_number
             and f.base.is_positive]
    if len(roots) < 2:
        return mul
    inside = sp.Mul(*[r.base if r.exp > 0 else sp.Pow(r.base, -1) for r in roots], evaluate=False)
    rest = [f for f in mul.args if f not in roots]
    numbers = [f for f in rest if f.is_number]
    others = [f for f in rest if not f.is_number]
    return sp.Mul(*numbers, sp.Pow(inside, sp.S.Half, evaluate=False), *others, evaluate=False)


def textbook_form(expr):
    """`expr` as the notes print it. The policy:

    - a float prints exactly when it has at most 6 significant digits (0.044715), else to 4 (1.673);
    - a rational that came from a decimal constant (8943/200000) prints as that decimal (0.044715), one with
      a numerator or denominator beyond 10^6 (a fitted constant as the ratio of two long integers) to 4 digits;
      small exact fractions (1/2, 1/8, 3/7) stay fractions, named constants (pi, e) stay symbolic;
    - square roots of positive numbers in one product merge: sqrt(2)/sqrt(pi) prints as sqrt(2/pi);
    - factored forms are kept where the document passes them (`symderiv.lecture.printing.factored`), since
      SymPy distributes a number over a sum (1.673 (e^x - 1) would become 1.673 e^x - 1.673).
    Equations that print as f = f are refused by the renderer (`latex_views`), and a symbolic proof prints no
    residual (the appendix's evidence table drops the numeric error of a proved identity).
    """
    expr = sp.sympify(expr)
    if not isinstance(expr, sp.Basic) or isinstance(expr, (sp.MatrixBase,)):
        return expr.applyfunc(textbook_form) if isinstance(expr, sp.MatrixBase) else expr
    numbers = {n: _number(n) for n in expr.atoms(sp.Number)}
    numbers = {k: v for k, v in numbers.items() if v != k or type(v) is not type(k)}
    if numbers:
        expr = expr.xreplace(numbers)
    if any(m.is_Mul for m in sp.preorder_traversal(expr)):
        expr = expr.replace(lambda e: e.is_Mul, _merged_roots)
    return expr
