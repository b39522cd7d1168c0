"""`--spec FILE.toml`: user functions become catalog entries with derivatives, kinks and claims;
hostile or malformed specs are refused in one line."""

import math

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symderiv.calculus.derivative import derivative
from symderiv.catalog import Catalog, load_catalog
from symderiv.catalog.spec import load_spec
from symderiv.errors import SymderivError
from symderiv.symbols import t, x, y
from symderiv.verify.catalog_claims import catalog_claims
from symderiv.verify.claims import run_claim

GOOD = """
[activation.mysoftplus]
expr = "log(1 + exp(beta*x))/beta"
params = { beta = 1.0 }
description = "softplus with a sharpness"

[activation.myrelu]
expr = "max(0, x)"

[activation.torchrelu]
expr = "max(0, x)"
kinks = [ { at = "0", value = "0" } ]

[activation.thresh]
expr = "where(x > theta, x, 0)"
params = { theta = { default = 1.0, low = -5, high = 5, doc = "threshold" } }

[activation.twokinks]
expr = "abs(x) + min(x, 2)"

[loss.myl1]
expr = "abs(input - target)"

[loss.myhuber]
expr = "where(abs(input - target) < delta, (input - target)**2/2, delta*(abs(input - target) - delta/2))"
params = { delta = { default = 1.0, low = 0.0, open_low = true } }
"""


@pytest.fixture(scope="module")
def entries(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "good.toml"
    path.write_text(GOOD)
    return {e.name: e for e in load_spec(path)}


def _slope(f, at, side, h=1e-7):
    """Slope of a float function just beside `at` (not through f(at): f may jump there)."""
    return (f(at + 2 * side * h) - f(at + side * h)) / (side * h)


def test_entries_have_the_declared_shape(entries):
    sp_ = entries["mysoftplus"]
    assert sp_.kind == "activation" and sp_.variables == (x,) and [p.name for p in sp_.params] == ["beta"]
    assert entries["myl1"].variables == (y, t)
    theta = entries["thresh"].param("theta")
    assert (theta.default, theta.low, theta.high, theta.doc) == (1.0, -5.0, 5.0, "threshold")
    with pytest.raises(SymderivError, match="outside"):
        entries["thresh"].defaults(theta=7)


def test_mysoftplus_derivative_at_zero_is_one_half(entries):
    e = entries["mysoftplus"]
    d = derivative(e).subs(e.defaults())
    assert d.subs(x, 0) == sp.Rational(1, 2)
    f = lambda v: math.log1p(math.exp(v))        # noqa: E731  (independent reference, beta = 1)
    assert float(d.subs(x, sp.Rational(3, 10))) == pytest.approx((f(0.3 + 1e-6) - f(0.3 - 1e-6)) / 2e-6, rel=1e-8)


@pytest.mark.parametrize("name,at", [("myrelu", 0), ("thresh", 1), ("twokinks", 0), ("twokinks", 2)])
def test_derived_kink_is_the_mean_of_the_one_sided_slopes(entries, name, at):
    e = entries[name]
    f = sp.lambdify(x, e.expr.subs(e.defaults()), "math")
    mean = (_slope(f, at, -1) + _slope(f, at, 1)) / 2
    d = derivative(e).subs(e.defaults())
    assert float(d.subs(x, at)) == pytest.approx(mean, abs=1e-6)
    assert not d.has(sp.Heaviside, sp.DiracDelta)


def test_kink_moves_with_its_parameter(entries):
    e = entries["thresh"]
    d = derivative(e).subs(e.defaults(theta=-2))
    assert d.subs(x, -2) == sp.Rational(1, 2) and d.subs(x, 1) == 1


def test_declared_kink_overrides_the_mean(entries):
    d = derivative(entries["torchrelu"])
    assert d.subs(x, 0) == 0 and d.subs(x, 1) == 1 and d.subs(x, -1) == 0


def test_loss_kinks_and_smooth_huber(entries):
    d = derivative(entries["myl1"], y)
    assert d.subs({y: 2, t: 2}) == 0 and d.subs({y: 3, t: 2}) == 1
    assert entries["myhuber"].kinks == ()           # huber's derivative is continuous
    dh = derivative(entries["myhuber"], y).subs(entries["myhuber"].defaults())
    assert dh.subs({y: 5, t: 0}) == 1 and dh.subs({y: sp.Rational(1, 2), t: 0}) == sp.Rational(1, 2)


def test_every_claim_about_the_user_functions_passes(entries):
    claims = catalog_claims(Catalog(tuple(entries.values())))
    assert len(claims) > 20
    bad = [(c.id, r.evidence) for c in claims if not (r := run_claim(c)).passed]
    assert not bad


def test_load_catalog_extends_the_builtin_one(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(GOOD)
    cat = load_catalog(str(p))
    assert cat.get("mysoftplus").kind == "activation" and cat.get("relu").kind == "activation"


BAD = [
    ("", "no [activation.NAME]"),
    ("x = 1", "unknown table"),
    ("[import.os]\nexpr = 'x'", "unknown table"),
    ("activation = 3", "must be tables"),
    ("[activation]\nf = 3", "must be a table"),
    ("[activation.f]\nexprr = 'x'", "unknown key 'exprr'"),
    ("[activation.f]\ndescription = 'no expr'", "missing key 'expr'"),
    ("[activation.f]\nexpr = 3", "must be a string"),
    ("[activation.f]\nexpr = \"__import__('os').system('id')\"", "attribute access not allowed at column 1"),
    ("[activation.f]\nexpr = 'x +'", "syntax error"),
    ("[activation.f\nexpr = 'x'", "invalid TOML"),
    ("[activation.f]\nexpr = 'x'\nexpr = 'y'", "invalid TOML"),
    ("a = " + "[" * 2000 + "]" * 2000, "invalid TOML"),
    ("[activation.relu]\nexpr = 'x'", "clashes with the built-in"),
    ("[activation.f]\nexpr = 'x'\n[loss.f]\nexpr = 'input'", "defined twice"),
    ("[activation.__init__]\nexpr = 'x'", "not an identifier"),
    ("[activation.exec]\nexpr = 'x'", "reserved"),
    ("[activation.max]\nexpr = 'x'", "reserved"),
    ("[activation.lambda]\nexpr = 'x'", "reserved"),
    ("[activation.np]\nexpr = 'x'", "reserved"),
    ("[activation.f_backward]\nexpr = 'x'", "reserved"),
    ("[activation.rrelu_sample]\nexpr = 'x'", "reserved"),
    ("[activation.\"a-b\"]\nexpr = 'x'", "not an identifier"),
    ("[activation.\"a b\"]\nexpr = 'x'", "not an identifier"),
    ("[activation.\"\\u00e9\"]\nexpr = 'x'", "not an identifier"),
    ("[activation.\"\\u0000\"]\nexpr = 'x'", "not an identifier"),
    ("[activation." + "a" * 41 + "]\nexpr = 'x'", "not an identifier"),
    ("[activation.f]\nexpr = 'x*x'\nparams = { x = 1.0 }", "reserved"),
    ("[activation.f]\nexpr = 'x'\nparams = { lambda = 1.0 }", "reserved"),
    ("[activation.f]\nexpr = 'x'\nparams = { __class__ = 1.0 }", "not an identifier"),
    ("[activation.f]\nexpr = 'x'\nparams = { grad_output = 1.0 }", "reserved"),
    ("[activation.f]\nexpr = 'x'\nparams = { a = '1' }", "must be a number"),
    ("[activation.f]\nexpr = 'x'\nparams = { a = true }", "must be a number"),
    ("[activation.f]\nexpr = 'x'\nparams = { a = nan }", "not a finite number"),
    ("[activation.f]\nexpr = 'x'\nparams = { a = inf }", "not a finite number"),
    ("[activation.f]\nexpr = 'x'\nparams = { a = 1e300 }", "not a finite number"),
    ("[activation.f]\nexpr = 'x'\nparams = { a = [1] }", "must be a number"),
    ("[activation.f]\nexpr = 'x'\nparams = 3", "must be a table"),
    ("[activation.f]\nexpr = 'x'\nparams = { a = { low = 0 } }", "missing 'default'"),
    ("[activation.f]\nexpr = 'x'\nparams = { a = { default = 2, high = 1 } }", "outside"),
    ("[activation.f]\nexpr = 'x'\nparams = { a = { default = 0, low = 0, open_low = true } }", "outside"),
    ("[activation.f]\nexpr = 'x'\nparams = { a = { default = 1, low = 2, high = 1 } }", "not below"),
    ("[activation.f]\nexpr = 'x'\nparams = { a = { default = 1, open_low = 1 } }", "true or false"),
    ("[activation.f]\nexpr = 'x'\nparams = { a = { default = 1, step = 1 } }", "unknown key 'step'"),
    ("[activation.f]\nexpr = 'a*x'", "unknown name 'a'"),
    ("[activation.f]\nexpr = 'input'", "unknown name 'input'"),
    ("[loss.f]\nexpr = 'x'", "unknown name 'x'"),
    ("[activation.f]\nexpr = 'x'\ndescription = \"a\\nb\"", "control"),
    ("[activation.f]\nexpr = 'x'\ndescription = \"a\\u001b[2J\"", "control"),
    ("[activation.f]\nexpr = 'x'\ndescription = \"a\\u202eb\"", "format character"),
    ("[activation.f]\nexpr = 'x'\ndescription = '" + "d" * 301 + "'", "longer than"),
    ("[activation.f]\nexpr = 'x'\ndescription = 3", "must be a string"),
    ("[activation.f]\nexpr = 'abs(x)'\nkinks = 3", "must be a list"),
    ("[activation.f]\nexpr = 'abs(x)'\nkinks = [{ at = 0 }]", "'at', 'value'"),
    ("[activation.f]\nexpr = 'abs(x)'\nkinks = [{ at = 0, value = 'open(1)' }]", "unknown function 'open'"),
    ("[activation.f]\nexpr = 'abs(x)'\nkinks = [{ at = 'x', value = 0 }]", "unknown name 'x'"),
    ("[activation.f]\nexpr = 'abs(x)'\nkinks = [{ at = 0, value = 0, wrt = 'target' }]", "wrt"),
]


@pytest.mark.parametrize("text,word", BAD)
def test_bad_spec_is_one_line_naming_the_problem(tmp_path, text, word):
    p = tmp_path / "bad.toml"
    p.write_text(text)
    with pytest.raises(SymderivError) as err:
        load_spec(p)
    msg = str(err.value)
    assert word in msg and "\n" not in msg and len(msg) < 400


@pytest.mark.parametrize("content,word", [(b"\xff\xfe[activation.f]", "not UTF-8"), (b"\x00" * 10, "invalid TOML"),
                                          (b"#" * (300 * 1024), "larger than")])
def test_binary_and_huge_files(tmp_path, content, word):
    p = tmp_path / "bad.toml"
    p.write_bytes(content)
    with pytest.raises(SymderivError, match=word):
        load_spec(p)


@pytest.mark.parametrize("path", ["nope.toml", ".", "/dev/zero", "/dev/urandom", "bad\x00name"])
def test_missing_file_directory_device(tmp_path, path):
    with pytest.raises(SymderivError, match="spec"):
        load_spec(tmp_path / path)


def _toml_string(s):
    """A TOML basic string for any Python text (unpaired surrogates make the file invalid, as they should)."""
    out = []
    for ch in s:
        out.append(ch if ch.isprintable() and ch not in '"\\' else f"\\u{ord(ch):04x}" if ord(ch) < 0x10000
                   else f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=12), expr=st.one_of(st.text(max_size=40), st.sampled_from(
    ["x", "max(0, x)", "abs(x)", "where(x > a, x, 0)", "a*x", "exp(", "x.y", "log(1 + exp(x))"])),
       pval=st.one_of(st.floats(allow_nan=True), st.integers(-10**20, 10**20), st.text(max_size=5)),
       kind=st.sampled_from(["activation", "loss", "other"]))
def test_fuzz_spec_files(tmp_path, name, expr, pval, kind):
    value = _toml_string(pval) if isinstance(pval, str) else (
        repr(pval).replace("nan", "nan").replace("inf", "inf") if isinstance(pval, float) else str(pval))
    text = f"[{kind}.{_toml_string(name)}]\nexpr = {_toml_string(expr)}\nparams = {{ a = {value} }}\n"
    p = tmp_path / "fuzz.toml"
    p.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        entries = load_spec(p)
    except SymderivError as exc:
        assert "\n" not in str(exc)
        return
    assert all(e.name == name for e in entries)
