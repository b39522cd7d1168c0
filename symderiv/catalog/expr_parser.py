"""A whitelist parser for user expressions: text -> SymPy, without eval, exec, sympify or parse_expr.

The text is parsed by Python's `ast` (which never runs code) and the tree is walked node by node;
only the node types below are translated, everything else is refused with a one-line
`SymderivError` naming the problem and its column. SymPy's own parsers call `eval` (sympy#10805),
so they never see user text.

Accepted:
- numbers (int, float; finite, real; floats become exact rationals: 0.01 -> 1/100)
- the variable names and the declared parameters given by the caller; the constants `pi`, `e`
- `+ - * / **`, unary `-` and `+`; numeric exponents are limited to |n| <= MAX_EXPONENT
- calls to the functions of `FUNCTIONS`, positional arguments only
- comparisons `< <= > >=` (one operator) as the first argument of `where(cond, a, b)`

Limits: MAX_LENGTH characters, ASCII only, no control characters, tree depth MAX_DEPTH, exact
numbers of at most MAX_BITS bits.

>>> from symderiv.symbols import x
>>> parse_expression("max(0, x) + log1p(exp(-abs(x)))", {"x": x})
Piecewise((0, x <= 0), (x, True)) + log(1 + exp(-Abs(x)))
"""

from __future__ import annotations

import ast
import math
import warnings
from fractions import Fraction

import sympy as sp

from symderiv.errors import SymderivError

MAX_LENGTH = 500        # characters of expression text
MAX_DEPTH = 32          # depth of the syntax tree
MAX_EXPONENT = 64       # |n| for a numeric exponent n
MAX_ARGS = 8            # arguments of max/min
MAX_BITS = 4096         # size of an exact rational's numerator or denominator


def _sigmoid(u):
    return 1 / (1 + sp.exp(-u))


def _max(*args):
    """max(a, b) as Piecewise (SymPy's Max differentiates into Heaviside)."""
    acc = args[0]
    for b in args[1:]:
        acc = sp.Piecewise((acc, acc >= b), (b, True))
    return acc


def _min(*args):
    acc = args[0]
    for b in args[1:]:
        acc = sp.Piecewise((acc, acc <= b), (b, True))
    return acc


def _where(cond, a, b):
    return sp.Piecewise((a, cond), (b, True))


# name: (min args, max args, SymPy builder). log1p/expm1 are written as log(1 + u)/exp(u) - 1:
# stability is the NumPy printer's job (DESIGN.md), not the definition's.
FUNCTIONS = {
    "exp": (1, 1, sp.exp),
    "log": (1, 1, sp.log),
    "log1p": (1, 1, lambda u: sp.log(1 + u)),
    "expm1": (1, 1, lambda u: sp.exp(u) - 1),
    "sqrt": (1, 1, sp.sqrt),
    "tanh": (1, 1, sp.tanh),
    "sinh": (1, 1, sp.sinh),
    "cosh": (1, 1, sp.cosh),
    "sin": (1, 1, sp.sin),
    "cos": (1, 1, sp.cos),
    "atan": (1, 1, sp.atan),
    "erf": (1, 1, sp.erf),
    "sigmoid": (1, 1, _sigmoid),
    "softplus": (1, 1, lambda u: sp.log(1 + sp.exp(u))),
    "abs": (1, 1, sp.Abs),
    "max": (2, MAX_ARGS, _max),
    "min": (2, MAX_ARGS, _min),
    "where": (3, 3, _where),
}
CONSTANTS = {"pi": sp.pi, "e": sp.E}
BINARY = {ast.Add: sp.Add, ast.Sub: lambda a, b: a - b, ast.Mult: sp.Mul, ast.Div: lambda a, b: a / b,
          ast.Pow: sp.Pow}
COMPARE = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}
SYMBOL_OF = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|",
             ast.BitXor: "^ (use ** for powers)", ast.LShift: "<<", ast.RShift: ">>", ast.Not: "not",
             ast.Invert: "~", ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not",
             ast.In: "in", ast.NotIn: "not in"}
REFUSED = {ast.Attribute: "attribute access", ast.Subscript: "subscripts", ast.Lambda: "lambda",
           ast.IfExp: "conditional expressions (use where(cond, a, b))", ast.BoolOp: "and/or",
           ast.List: "lists", ast.Tuple: "tuples", ast.Dict: "dicts", ast.Set: "sets",
           ast.ListComp: "comprehensions", ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
           ast.GeneratorExp: "generators", ast.NamedExpr: "assignment (:=)", ast.Starred: "starred arguments",
           ast.JoinedStr: "f-strings", ast.FormattedValue: "f-strings", ast.Await: "await",
           ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "slices"}
BAD_RESULTS = (sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I)


def _short(text, n=40) -> str:
    return repr(text if len(text) <= n else text[:n] + "...")


class _Walker:
    """Translates one tree; `where` prefixes every error message (file, table, key)."""

    def __init__(self, names: dict, where: str):
        self.names, self.where = names, where

    def fail(self, problem, node=None, col=None):
        if node is not None:
            col = getattr(node, "col_offset", 0) + 1
        at = f" at column {col}" if col is not None else ""
        raise SymderivError(f"{self.where}: {problem}{at}")

    def walk(self, node, depth=0, condition_ok=False):
        if depth > MAX_DEPTH:
            self.fail(f"expression nested deeper than {MAX_DEPTH} levels", node)
        method = getattr(self, f"_{type(node).__name__}", None)
        if type(node) is ast.Compare:
            if not condition_ok:
                self.fail("a comparison is only allowed as the first argument of where()", node)
        elif method is None:
            what = REFUSED.get(type(node), f"'{type(node).__name__}' syntax")
            self.fail(f"{what} not allowed", node)
        result = method(node, depth + 1)
        if isinstance(result, sp.Rational) and max(abs(result.p), result.q).bit_length() > MAX_BITS:
            self.fail(f"number too large (more than {MAX_BITS} bits)", node)
        if isinstance(result, sp.Basic) and not isinstance(result, sp.logic.boolalg.Boolean) \
                and result.has(*BAD_RESULTS):
            self.fail(f"the expression here is not a finite real value ({sp.sstr(result)[:40]})", node)
        return result

    def _Constant(self, node, depth):
        v = node.value
        if isinstance(v, (str, bytes)):
            self.fail("strings not allowed", node)
        if isinstance(v, bool) or v is None or v is Ellipsis:
            self.fail(f"constant {v!r} not allowed", node)
        if isinstance(v, complex):
            self.fail("complex numbers not allowed", node)
        if isinstance(v, float) and not math.isfinite(v):
            self.fail("number is not finite", node)
        if isinstance(v, int):
            return sp.Integer(v)
        f = Fraction(repr(v))   # the shortest decimal: 0.01 -> 1/100
        return sp.Rational(f.numerator, f.denominator) if f.denominator != 1 else sp.Integer(f.numerator)

    def _Name(self, node, depth):
        n = node.id
        if n.startswith("__"):
            self.fail(f"dunder name {_short(n)} not allowed", node)
        if n in self.names:
            return self.names[n]
        if n in CONSTANTS:
            return CONSTANTS[n]
        if n in FUNCTIONS:
            self.fail(f"function '{n}' used without calling it", node)
        self.fail(f"unknown name {_short(n)} (allowed: {', '.join(sorted(self.names) + sorted(CONSTANTS))})", node)

    def _UnaryOp(self, node, depth):
        if type(node.op) is ast.USub:
            return -self.walk(node.operand, depth)
        if type(node.op) is ast.UAdd:
            return self.walk(node.operand, depth)
        self.fail(f"operator '{SYMBOL_OF.get(type(node.op), '?')}' not allowed", node)

    def _BinOp(self, node, depth):
        op = BINARY.get(type(node.op))
        if op is None:
            self.fail(f"operator '{SYMBOL_OF.get(type(node.op), '?')}' not allowed", node)
        a, b = self.walk(node.left, depth), self.walk(node.right, depth)
        if type(node.op) is ast.Pow and b.is_number and not abs(b) <= MAX_EXPONENT:
            self.fail(f"exponent too large (|exponent| must be <= {MAX_EXPONENT})", node.right)
        return op(a, b)

    def _Call(self, node, depth):
        if not isinstance(node.func, ast.Name):
            what = "attribute access" if isinstance(node.func, ast.Attribute) else "calling an expression"
            self.fail(f"{what} not allowed", node.func)
        name = node.func.id
        if name not in FUNCTIONS:
            if name.startswith("__"):
                self.fail(f"dunder name {_short(name)} not allowed", node.func)
            self.fail(f"unknown function {_short(name)} (known: {', '.join(sorted(FUNCTIONS))})", node.func)
        if node.keywords:
            self.fail(f"keyword arguments not allowed in {name}()", node.keywords[0].value)
        lo, hi, build = FUNCTIONS[name]
        if not lo <= len(node.args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            self.fail(f"{name}() takes {want} argument(s), got {len(node.args)}", node)
        args = [self.walk(a, depth, condition_ok=(name == "where" and i == 0)) for i, a in enumerate(node.args)]
        if name == "where" and not isinstance(args[0], (sp.Rel, sp.logic.boolalg.BooleanAtom)):
            self.fail("the first argument of where() must be a comparison such as x > 0", node.args[0])
        return build(*args)

    def _Compare(self, node, depth):
        if len(node.ops) != 1:
            self.fail("chained comparisons not allowed", node)
        op = COMPARE.get(type(node.ops[0]))
        if op is None:
            self.fail(f"comparison '{SYMBOL_OF.get(type(node.ops[0]), '?')}' not allowed (use < <= > >=)", node)
        a, b = self.walk(node.left, depth), self.walk(node.comparators[0], depth)
        return op(a, b)


def _check_text(text, where):
    if not isinstance(text, str):
        raise SymderivError(f"{where}: must be a string, got {type(text).__name__}")
    if not text.strip():
        raise SymderivError(f"{where}: empty expression")
    if len(text) > MAX_LENGTH:
        raise SymderivError(f"{where}: expression longer than {MAX_LENGTH} characters ({len(text)})")
    for i, ch in enumerate(text):
        if not (" " <= ch <= "~"):
            what = "control character" if ord(ch) < 128 else "non-ASCII character"
            raise SymderivError(f"{where}: {what} {ascii(ch)} at column {i + 1}")


def parse_expression(text, names: dict, where: str = "expression"):
    """SymPy expression for `text`, over the symbols `names` ({name: SymPy expression})."""
    _check_text(text, where)
    try:
        with warnings.catch_warnings():   # e.g. "invalid decimal literal" for 1if: the error follows
            warnings.simplefilter("ignore")
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        col = exc.offset + len(text) - len(text.lstrip()) if exc.offset else len(text.rstrip()) + 1
        raise SymderivError(f"{where}: syntax error ({exc.msg}) at column {min(col, len(text) + 1)}") from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        raise SymderivError(f"{where}: cannot parse ({type(exc).__name__})") from None
    shift = len(text) - len(text.lstrip())
    walker = _Walker(names, where)
    for node in ast.walk(tree):
        if hasattr(node, "col_offset"):
            node.col_offset += shift
    try:
        return walker.walk(tree.body)
    except SymderivError:
        raise
    except (TypeError, ValueError, ArithmeticError, RecursionError, MemoryError) as exc:
        raise SymderivError(f"{where}: cannot build the expression ({type(exc).__name__}: "
                            f"{str(exc).splitlines()[0][:80] if str(exc) else ''})") from None
