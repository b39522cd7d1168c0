"""The whitelist expression parser: hostile text is refused in one line with a column; the
accepted language means what it says (checked against math/mpmath, not against the parser)."""

import math

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symderiv.catalog.expr_parser import MAX_DEPTH, MAX_LENGTH, parse_expression
from symderiv.errors import SymderivError
from symderiv.symbols import x

beta = sp.Symbol("beta", real=True)
NAMES = {"x": x, "beta": beta}

# (attack text, a word the error must contain)
ATTACKS = [
    ("__import__('os').system('id')", "attribute"),
    ("().__class__.__bases__[0].__subclasses__()", "attribute"),
    ("x.__class__", "attribute"),
    ("exp.__globals__", "attribute"),
    ("pi.__class__", "attribute"),
    ("__import__('os')", "dunder"),
    ("__builtins__", "dunder"),
    ("eval('1')", "unknown function"),
    ("exec('x = 1')", "unknown function"),
    ("open('/etc/passwd')", "unknown function"),
    ("getattr(x, 'y')", "unknown function"),
    ("globals()", "unknown function"),
    ("breakpoint()", "unknown function"),
    ("beta(x)", "unknown function"),
    ("lambda: 0", "lambda"),
    ("(lambda x: x)(1)", "calling an expression"),
    ("'abc'", "strings"),
    ("b'x'", "strings"),
    ("f'{x}'", "f-strings"),
    ("x[0]", "subscripts"),
    ("exp(x)[0]", "subscripts"),
    ("[x]", "lists"),
    ("(x, x)", "tuples"),
    ("x,", "tuples"),
    ("{x}", "sets"),
    ("{1: x}", "dicts"),
    ("[i for i in x]", "comprehensions"),
    ("x if x > 0 else 0", "conditional"),
    ("x and 1", "and/or"),
    ("not x", "not"),
    ("~x", "~"),
    ("x // 2", "//"),
    ("x % 2", "%"),
    ("x @ x", "@"),
    ("x ^ 2", "**"),
    ("x << 1", "<<"),
    ("x > 0", "comparison"),
    ("(x := 1)", ":="),
    ("exp(*[x])", "starred"),
    ("exp(x=1)", "keyword"),
    ("9**9**9", "exponent"),
    ("x**1000", "exponent"),
    ("x**1e10", "exponent"),
    ("2**-999", "exponent"),
    ("sigmoid(x)**-65", "exponent"),
    ("1e308**64*1e308**64", "too large"),
    ("1e999", "not finite"),
    ("1j", "complex"),
    ("True", "True"),
    ("None", "None"),
    ("...", "Ellipsis"),
    ("exp(x, x)", "argument"),
    ("exp()", "argument"),
    ("max(x)", "argument"),
    ("where(x, 1, 0)", "comparison"),
    ("where(0 < x < 2, 1, 0)", "chained"),
    ("where(x == 0, 1, 0)", "=="),
    ("log(0)", "finite real"),
    ("1/0", "finite real"),
    ("sqrt(-1)", "finite real"),
    ("exp", "without calling"),
    ("_", "unknown name"),
    ("y", "unknown name"),
    ("await x", "await"),
    ("yield x", "syntax"),
    ("import os", "syntax"),
    ("x; import os", "syntax"),
    ("x if", "syntax"),
    ("((x)", "syntax"),
    ("x)", "syntax"),
    ("\\x", "syntax"),
    ("exp(" * (MAX_DEPTH + 5) + "x" + ")" * (MAX_DEPTH + 5), "nested"),
    ("-" * (MAX_LENGTH + 1) + "x", "longer"),
    ("(" * 300 + "x" + ")" * 300, "longer"),
    ("", "empty"),
    ("   ", "empty"),
    ("x\nimport os", "control"),
    ("x\x00", "control"),
    ("\x1b[31mx", "control"),
    ("\uff58", "non-ASCII"),            # fullwidth x: Python would NFKC-normalise it to x
    ("\u03b2*x", "non-ASCII"),
    ("x\u202e", "non-ASCII"),           # right-to-left override
]


@pytest.mark.parametrize("text,word", ATTACKS)
def test_attack_is_refused_in_one_line(text, word):
    with pytest.raises(SymderivError) as err:
        parse_expression(text, NAMES, "spec.toml: activation.f: expr")
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("spec.toml: activation.f: expr: ")
    assert word in msg
    if word not in ("empty", "longer"):
        assert " at column " in msg


@pytest.mark.parametrize("text,col", [("x + eval(1)", 5), ("  x.y", 3), ("exp(x)[0]", 1), ("x**x**100", 7),
                                      ("x + 'a'", 5)])
def test_column_points_at_the_problem(text, col):
    with pytest.raises(SymderivError, match=f"at column {col}$"):
        parse_expression(text, NAMES)


def _value(text, xv, bv=1.5):
    e = parse_expression(text, NAMES)
    return float(e.subs({x: sp.Rational(xv), beta: sp.Rational(bv)}).evalf(30))


@pytest.mark.parametrize("text,ref", [
    ("log(1 + exp(beta*x))/beta", lambda x, b: math.log1p(math.exp(b * x)) / b),
    ("x*sigmoid(beta*x)", lambda x, b: x / (1 + math.exp(-b * x))),
    ("log1p(x**2) + expm1(x)", lambda x, b: math.log1p(x * x) + math.expm1(x)),
    ("max(0, x) - min(x, beta) + abs(x)", lambda x, b: max(0, x) - min(x, b) + abs(x)),
    ("max(x, 0.5, -x)", lambda x, b: max(x, 0.5, -x)),
    ("where(x > beta, x**2, -x) + erf(x) + tanh(x)", lambda x, b: (x * x if x > b else -x) + math.erf(x) + math.tanh(x)),
    ("-x**2 + +x / 2 - 3e-1 * pi + e", lambda x, b: -x**2 + x / 2 - 0.3 * math.pi + math.e),
    ("sqrt(x**2 + 1) * cosh(x) - sinh(x) + atan(x) + sin(x) * cos(x)",
     lambda x, b: math.sqrt(x * x + 1) * math.cosh(x) - math.sinh(x) + math.atan(x) + math.sin(x) * math.cos(x)),
    ("softplus(x)", lambda x, b: math.log1p(math.exp(x))),
])
@pytest.mark.parametrize("xv", ["-2.5", "0.25", "1.75", "3"])
def test_accepted_language_means_what_it_says(text, ref, xv):
    assert _value(text, xv) == pytest.approx(ref(float(xv), 1.5), rel=1e-12, abs=1e-12)


def test_float_literals_become_exact():
    assert parse_expression("0.01*x", NAMES) == sp.Rational(1, 100) * x


@pytest.mark.parametrize("text", ["max(0, x)", "min(x, beta*x)", "abs(x - 1)", "where(x >= 2, x, 2*x)",
                                  "max(x**2, x)"])
def test_no_heaviside_or_diracdelta_in_derivatives(text):
    d = sp.diff(parse_expression(text, NAMES), x)
    assert not d.has(sp.Heaviside, sp.DiracDelta, sp.Max, sp.Min)


# --- fuzz: the parser either returns a SymPy expression or raises SymderivError, nothing else ---

TOKENS = ["x", "beta", "pi", "e", "1", "0", "2.5", "1e308", "64", "65", "-", "+", "*", "/", "**", "(", ")", ",",
          "exp(", "log(", "max(", "where(", "abs(", "sigmoid(", ">", "<=", "==", "[", "]", ".", "__class__",
          "__import__", "'os'", "lambda", ":", "if", "else", "not", "and", "%", "@", "~", " ", "\n", "\x00",
          "\u03b2", "eval(", "j", ";", "#", "\\", "9**9**9", "{", "}", ":="]

FUZZ = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _survives(text):
    try:
        result = parse_expression(text, NAMES)
    except SymderivError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(result, sp.Basic)


@FUZZ
@given(st.text(max_size=80))
def test_fuzz_random_text(text):
    _survives(text)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_fuzz_token_soup(tokens):
    _survives("".join(tokens))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.sampled_from(["(", "-", "exp(", "max(x,", "x**", "[", "not ", "+", "x*("]))
def test_fuzz_deep_nesting(n, opener):
    closer = ")" if opener.endswith("(") or opener.endswith(",") else "]" if opener == "[" else ""
    _survives(opener * n + "x" + closer * n)


@settings(max_examples=30, deadline=None)
@given(st.integers(MAX_LENGTH - 5, 20 * MAX_LENGTH))
def test_fuzz_long_input(n):
    _survives("x+" * (n // 2) + "x")
    _survives("1" * n)


def test_mpmath_agrees_on_a_nested_expression():
    e = parse_expression("log(1 + exp(beta*x))/beta", NAMES)
    f = sp.lambdify((x, beta), e, "mpmath")
    with mpmath.workdps(30):
        assert abs(f(mpmath.mpf("0.3"), mpmath.mpf(2)) - mpmath.log(1 + mpmath.exp(2 * mpmath.mpf("0.3"))) / 2) < 1e-25
