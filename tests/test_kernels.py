"""The generated NumPy kernels: values and gradients against mpmath, the float traps, the API.

References are the catalog expressions and `derivative(entry, v)` evaluated by mpmath
(`symderiv.emit.kernel_accuracy`, cached per process), their mpmath values at +-1e400 for the
limits at +-inf, and torch.nn.functional where installed.
Floating-point warnings are errors in this file.
"""

import doctest
import re
import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.catalog import Entry, load_catalog
from symderiv.symbols import x as X
from symderiv.emit import kernel_accuracy as K

pytestmark = pytest.mark.filterwarnings("error")
CATALOG = load_catalog()
ELEMENTWISE = K.elementwise(CATALOG)
DTYPES = ("float64", "float32")


@pytest.fixture(scope="session")
def mods(kernel_mods):
    return kernel_mods   # the modules the bundled build wrote, imported once per worker


def fn(mods, name):
    entry = CATALOG.get(name)
    return getattr(mods[entry.kind], name), getattr(mods[entry.kind], name + "_backward")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", [e.name for e in ELEMENTWISE])
def test_kernel_matches_mpmath(mods, name, dtype):
    errors = K.kernel_errors(mods, CATALOG.get(name), dtype)
    for which, (ulps, scaled, worst) in errors.items():
        assert scaled <= K.ULPS[dtype], f"{name} {which} {dtype}: {ulps} ulps (scaled {scaled}) at {worst}"


def test_the_traps_of_plain_lambdify(mods):
    sp_f, sp_b = fn(mods, "softplus")
    sg_f, sg_b = fn(mods, "sigmoid")
    assert sp_f(np.float64(1000.0)) == 1000.0 and sp_b(1.0, np.float64(1000.0)) == 1.0
    assert sg_b(1.0, np.float64(-1000.0)) == 0.0
    got = sg_b(np.float32(1), np.float32(-50))
    assert got.dtype == np.float32
    ref = float(mpmath.exp(-50) / (1 + mpmath.exp(-50)) ** 2)
    assert abs(float(got) - ref) <= 4 * np.spacing(np.float32(ref))


SPECIAL = np.array([np.inf, -np.inf, np.nan, 1e308, -1e308, 5e-324, -5e-324, 0.0, -0.0])


def _limit(entry, expr, end):
    """float(expr at x = end * 1e400) by mpmath (no overflow there): the limit at +-inf rounded to
    float64 for the functions here (they approach it exponentially or like 1/x; inf where they grow).
    SymPy's `limit` gives the same where it answers, but not through a Piecewise, and in seconds."""
    f = sp.lambdify([entry.var], expr.subs(entry.defaults()), modules="mpmath")
    with mpmath.workdps(30):
        try:
            return float(f(mpmath.mpf(end) * mpmath.mpf("1e400")))
        except (ValueError, TypeError, ZeroDivisionError, OverflowError):
            return None


@pytest.mark.parametrize("name", [e.name for e in ELEMENTWISE if len(e.variables) == 1])
def test_infinities_give_limits_and_nan_stays_nan(mods, name):
    entry = CATALOG.get(name)
    f, b = fn(mods, name)
    extra = {"reduction": "none"} if entry.kind != "activation" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fwd = f(SPECIAL, **extra)
        bwd = b(np.ones_like(SPECIAL), SPECIAL, **extra)
    bwd = bwd[0] if isinstance(bwd, tuple) else bwd
    assert np.isnan(fwd[2]) and np.isnan(bwd[2]), f"{name}: nan in must give nan out"
    for value, i in ((1, 0), (-1, 1)):
        for got, expr in ((fwd[i], entry.expr), (bwd[i], derivative(entry))):
            lim = _limit(entry, expr, value)
            if lim is not None and not np.isnan(lim):
                assert got == lim, f"{name} at {value}: {got} != limit {lim}"


@pytest.mark.parametrize("name", [e.name for e in CATALOG if e.kind in K.MODULES])
def test_every_kernel_keeps_float32_and_is_quiet(mods, name):
    entry = CATALOG.get(name)
    f, b = fn(mods, name)
    x = np.array([-1e30, -3.0, -1.0, 0.0, 0.5, 2.0, 3e38, np.inf, np.nan], dtype=np.float32)
    args = [x] * len(entry.variables)
    if "axis" in entry.extra:
        args = [np.stack([x, x[::-1], np.zeros_like(x)], axis=1)]
        if entry.kind == "loss":
            args.append(np.tile(np.array([0.2, 0.3, 0.5], np.float32), (len(x), 1)))
    elif entry.kind == "loss":
        args[1] = np.linspace(0, 1, len(x)).astype(np.float32)
    kw = {"reduction": "none"} if entry.kind in ("loss", "regularizer") and "random" not in entry.extra else {}
    if "random" in entry.extra:
        kw = {"training": True, "sample": np.full(x.shape, 0.2, np.float32)}
    out_f = f(*args, **kw)
    out_b = b(np.ones_like(out_f), *args, **kw)
    for o in (out_f, *(out_b if isinstance(out_b, tuple) else (out_b,))):
        assert np.asarray(o).dtype == np.float32, name


def test_broadcasting_and_out(mods):
    f, b = fn(mods, "leaky_relu")
    x = np.linspace(-2, 2, 4)[None, :]
    g = np.arange(3.0)[:, None]
    got = b(g, x, negative_slope=0.1)
    assert got.shape == (3, 4)
    assert np.array_equal(got, g * np.where(x <= 0, 0.1, 1.0))
    buf = np.empty(4)
    assert f(x[0], out=buf) is buf
    big = np.random.default_rng(1).standard_normal(100_003)   # the blocked path
    assert np.array_equal(f(big), np.concatenate([f(big[:50_000]), f(big[50_000:])]))
    assert np.array_equal(b(np.ones_like(big), big), np.where(big <= 0, 0.01, 1.0))


def test_prelu_backward_is_a_tuple_with_the_weight_gradient_summed(mods):
    f, b = fn(mods, "prelu")
    rng = np.random.default_rng(2)
    x, g, w = rng.standard_normal((4, 3, 5)), rng.standard_normal((4, 3, 5)), np.array([0.1, 0.2, 0.3])[:, None]
    assert np.allclose(f(x, w), np.where(x < 0, w * x, x))
    gx, gw = b(g, x, w)
    assert gx.shape == x.shape and gw.shape == w.shape
    assert np.allclose(gx, g * np.where(x <= 0, w, 1.0))
    assert np.allclose(gw, (g * np.where(x < 0, x, 0.0)).sum(axis=(0, 2))[:, None])


def test_gelu_approximate_option_and_parameter_errors(mods):
    gelu, gelu_b = fn(mods, "gelu")
    tanh_f, tanh_b = fn(mods, "gelu_tanh")
    x = np.linspace(-4, 4, 9)
    assert np.array_equal(gelu(x, approximate="tanh"), tanh_f(x))
    assert np.array_equal(gelu_b(np.ones(9), x, approximate="tanh"), tanh_b(np.ones(9), x))
    with pytest.raises(ValueError, match="gelu: approximate='cubic'"):
        gelu(x, approximate="cubic")
    elu, _ = fn(mods, "elu")
    with pytest.raises(ValueError, match="elu: alpha=-1.0"):
        elu(x, alpha=-1.0)


def _np_erf_points():
    return np.concatenate([np.linspace(-6, 6, 241), [1e-300, -1e-300, 1e-10, 0.49999, 0.5, 10.0, 26.0, 27.5, -27.5]])


@pytest.mark.parametrize("which", ["erf", "erfc"])
def test_numpy_erf_matches_mpmath(mods, which):
    """The kernels' own erf/erfc (vectorised NumPy, no scipy) in float64: within 4 ulps times
    erfc's condition number max(1, 2 x^2) (the rounding of x^2 inside one exp)."""
    f = getattr(mods["activation"], f"_{which}")
    ref_fn = getattr(mpmath, which)
    x = _np_erf_points()
    got = f(x)
    assert got.dtype == np.float64
    with mpmath.workdps(40):
        ref = np.array([float(ref_fn(mpmath.mpf(float(v)))) for v in x])
    ulps = np.abs(got - ref) / np.spacing(np.maximum(np.abs(ref), np.finfo(float).tiny))
    scaled = ulps / np.maximum(1.0, 2.0 * x ** 2)
    assert scaled.max() <= 4, f"{which}: {ulps.max()} ulps, scaled {scaled.max()} at {x[np.argmax(scaled)]}"
    assert ulps[np.abs(x) <= 1].max() <= 4
    assert np.isnan(f(np.array([np.nan]))[0])
    assert list(f(np.array([np.inf, -np.inf]))) == ([1.0, -1.0] if which == "erf" else [0.0, 2.0])
    assert f(np.float64(0.75)) == f(np.array([0.75]))[0]   # a scalar (the scalar chain's case)


def test_numpy_erfc_refuted_by_a_perturbed_table(mods):
    """The erfc check above can fail: one coefficient off by 1e-12 gives far more than 4 ulps."""
    mod = mods["activation"]
    x = np.linspace(0, 6, 61)
    good = mod._erfc(x)
    original = mod._ERFC64
    try:
        mod._ERFC64 = original[:5] + (original[5] + 1e-12,) + original[6:]
        bad = mod._erfc(x)
    finally:
        mod._ERFC64 = original
    assert np.max(np.abs(bad - good) / np.spacing(good)) > 4
    assert np.array_equal(mod._erfc(x), good)


def test_float32_erfc_matches_mpmath(mods):
    """The float32 erfc (vectorised NumPy in float32) against mpmath: within 8 ulps
    times erfc's condition number max(1, 2 x^2) (the rounding of x^2 inside one exp)."""
    f = mods["activation"]._erfc
    x = np.concatenate([np.linspace(-11, 11, 4401), [1e-30, -1e-30, 1e-45, 9.9, 10.0, 10.4]]).astype(np.float32)
    got = f(x)
    assert got.dtype == np.float32
    with mpmath.workdps(30):
        ref = np.array([float(mpmath.erfc(mpmath.mpf(float(v)))) for v in x]).astype(np.float32)
    ulps = np.abs(got.astype(float) - ref.astype(float)) / np.spacing(np.maximum(np.abs(ref), np.finfo(np.float32).tiny))
    scaled = ulps / np.maximum(1.0, 2.0 * x.astype(float) ** 2)
    assert scaled.max() <= 8, f"{ulps.max()} ulps, scaled {scaled.max()} at {x[np.argmax(scaled)]}"
    assert ulps[np.abs(x) <= 1].max() <= 8
    assert np.isnan(f(np.array([np.nan], np.float32))[0])
    assert list(f(np.array([np.inf, -np.inf], np.float32))) == [0.0, 2.0]
    assert mods["activation"]._erfc(x[:3]) is not None and mods["activation"]._erfc(x[:3]).dtype == np.float32


def test_identity_returns_its_input_without_copy(mods):
    identity = mods["activation"].identity
    for dtype in DTYPES:
        x = np.linspace(-2, 2, 5).astype(dtype)
        assert identity(x) is x
        out = np.empty_like(x)
        assert identity(x, out=out) is out and np.array_equal(out, x)
    assert identity(np.arange(3)).dtype == np.float64   # integers become float64, as in every kernel
    assert identity([1.0, 2.0]).tolist() == [1.0, 2.0]


def test_identity_backward_returns_grad_output_unless_an_input_is_nan(mods):
    backward = mods["activation"].identity_backward
    for dtype in DTYPES:
        x, g = np.linspace(-2, 2, 5).astype(dtype), np.linspace(3, 4, 5).astype(dtype)
        assert backward(g, x) is g
        x[1] = np.nan
        r = backward(g, x)
        assert r is not g and np.isnan(r[1]) and r[0] == g[0] and not np.isnan(g).any()
    g = np.ones(3)
    assert backward(g, np.ones((2, 3))).shape == (2, 3)             # broadcast: a new array
    assert backward(np.ones(3, np.float32), np.ones(3)).dtype == np.float64
    with pytest.raises(ValueError, match="convention"):
        backward(g, np.ones(3), convention="tensorflow")


def _vector_rows(dtype):
    rng = np.random.default_rng(3)
    rows = np.concatenate([3 * rng.standard_normal((5, 3)), [[1000, 0, -1000], [-800, -801, -799], [0, 0, 0]]])
    return rows.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_vector_kernels_match_the_catalog(mods, name, dtype):
    entry = CATALOG.get(name)
    f, b = fn(mods, name)
    rows = _vector_rows(dtype)
    g = np.random.default_rng(4).standard_normal(rows.shape).astype(dtype)
    out, vjp = f(rows), b(g, rows)
    assert out.dtype == vjp.dtype == np.dtype(dtype)
    vals = sp.lambdify(entry.variables, entry.expr, "mpmath")
    jac = [sp.lambdify(entry.variables, derivative(entry, v), "mpmath") for v in entry.variables]
    tol = {"float64": 1e-13, "float32": 2e-5}[dtype]
    with mpmath.workdps(60):
        for r, row in enumerate(rows):
            args = [mpmath.mpf(float(v)) for v in row]
            ref = [float(v) for v in vals(*args)]
            assert np.allclose(out[r], ref, rtol=tol, atol=tol), (name, row)
            ref_vjp = [float(sum(gi * ji for gi, ji in zip(g[r].astype(float), col(*args)))) for col in jac]
            assert np.allclose(vjp[r], ref_vjp, rtol=tol, atol=tol * np.abs(g[r]).sum()), (name, row)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_axis_backward_from_output_matches_the_catalog_and_torch(mods, name, dtype):
    """NAME_backward_from_output(g, NAME(x)) against the catalog's Jacobian (mpmath) and torch's autograd."""
    entry = CATALOG.get(name)
    f, _ = fn(mods, name)
    bo = getattr(mods["activation"], name + "_backward_from_output")
    rows = _vector_rows(dtype)
    g = np.random.default_rng(4).standard_normal(rows.shape).astype(dtype)
    vjp = bo(g, f(rows))
    assert vjp.dtype == np.dtype(dtype)
    jac = [sp.lambdify(entry.variables, derivative(entry, v), "mpmath") for v in entry.variables]
    tol = {"float64": 1e-13, "float32": 2e-5}[dtype]
    with mpmath.workdps(60):
        for r, row in enumerate(rows):
            args = [mpmath.mpf(float(v)) for v in row]
            ref = [float(sum(gi * ji for gi, ji in zip(g[r].astype(float), col(*args)))) for col in jac]
            assert np.allclose(vjp[r], ref, rtol=tol, atol=tol * np.abs(g[r]).sum()), (name, row)
    torch = pytest.importorskip("torch")
    tx = torch.tensor(rows, requires_grad=True)
    getattr(torch.nn.functional, entry.torch)(tx, dim=-1).backward(torch.tensor(g))
    assert np.allclose(vjp, tx.grad.numpy(), rtol=tol, atol=tol * np.abs(g).sum(axis=-1, keepdims=True))
    out = np.empty_like(rows)
    assert bo(g, f(rows), out=out) is out and np.array_equal(out, vjp)
    cols = bo(g.T, f(rows.T, axis=0), axis=0)   # along another axis
    assert np.allclose(cols.T, vjp, rtol=tol, atol=tol * np.abs(g).sum(axis=-1, keepdims=True))


def test_axis_from_output_proof_refutes_a_wrong_jacobian():
    """The proof behind softmax_backward_from_output rejects the log_softmax form and a perturbed one."""
    from symderiv.emit.numpy_axis import axis_jacobian_in_output, proves_jacobian

    softmax = CATALOG.get("softmax")
    name, u, coeffs = axis_jacobian_in_output(softmax)
    assert (name, coeffs) == ("y", [0, 1, 0, -1])
    assert proves_jacobian(softmax, u, coeffs)
    assert not proves_jacobian(softmax, u, [0, 1, 0, sp.Rational(-99, 100)])
    assert not proves_jacobian(softmax, sp.exp, [1, 0, -1, 0])   # log_softmax's form


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_matches_the_catalog(mods, dtype):
    entry = CATALOG.get("cross_entropy")
    f, b = fn(mods, "cross_entropy")
    logits = _vector_rows(dtype)
    target = np.random.default_rng(5).dirichlet(np.ones(3), len(logits)).astype(dtype)
    loss, grad = f(logits, target, reduction="none"), b(np.ones(len(logits), dtype), logits, target, reduction="none")
    ys, ts = entry.extra["inputs"], entry.extra["targets"]
    value = sp.lambdify(ys + ts, entry.expr, "mpmath")
    grads = [sp.lambdify(ys + ts, derivative(entry, v), "mpmath") for v in ys]
    tol = {"float64": 1e-12, "float32": 1e-4}[dtype]
    with mpmath.workdps(60):
        for r in range(len(logits)):
            args = [mpmath.mpf(float(v)) for v in (*logits[r], *target[r])]
            assert np.isclose(loss[r], float(value(*args)), rtol=tol, atol=tol)
            assert np.allclose(grad[r], [float(gf(*args)) for gf in grads], rtol=tol, atol=tol)
    assert np.isclose(f(logits, target), loss.mean(), rtol=tol)
    classes = np.array([0, 2, 1, 1, 0, 2, 2, 1])
    onehot = np.eye(3, dtype=dtype)[classes]
    assert np.allclose(f(logits, classes), f(logits, onehot))
    assert np.allclose(b(1.0, logits, classes), b(1.0, logits, onehot))


def test_losses_reductions(mods):
    f, b = fn(mods, "mse")
    rng = np.random.default_rng(6)
    y, t = rng.standard_normal(10), rng.standard_normal(10)
    assert np.isclose(f(y, t), np.mean((y - t) ** 2)) and np.isclose(f(y, t, reduction="sum"), np.sum((y - t) ** 2))
    assert np.allclose(b(1.0, y, t), b(np.ones(10), y, t, reduction="none") / 10)
    with pytest.raises(ValueError, match="reduction='avg'"):
        f(y, t, reduction="avg")


def test_random_kernels(mods):
    rrelu, rrelu_b = fn(mods, "rrelu")
    x = np.linspace(-3, 3, 7)
    assert np.allclose(rrelu(x), np.where(x < 0, x * (1 / 8 + 1 / 3) / 2, x))   # evaluation: mean slope
    a = mods["activation"].rrelu_sample(x.shape, rng=np.random.default_rng(0))
    assert np.all((a >= 1 / 8) & (a <= 1 / 3))
    y = rrelu(x, training=True, sample=a)
    assert np.allclose(y, np.where(x < 0, a * x, x))
    assert np.array_equal(rrelu(x, training=True, rng=np.random.default_rng(0)), y)
    assert np.allclose(rrelu_b(np.ones(7), x, training=True, sample=a), np.where(x <= 0, a, 1.0))
    with pytest.raises(ValueError, match="sample"):
        rrelu_b(np.ones(7), x, training=True)
    drop, drop_b = fn(mods, "dropout")
    big = np.full(200_000, 2.0, dtype=np.float32)
    out = drop(big, p=0.25, rng=np.random.default_rng(1))
    assert out.dtype == np.float32 and set(np.unique(out)) <= {0.0, np.float32(2.0 / 0.75)}
    assert abs(out.mean() - 2.0) < 0.02   # E[dropout(x)] = x; the std of the mean is ~0.003
    assert np.array_equal(drop(big, p=0.25, training=False), big)
    m = mods["regularizers" if False else "regularizer"].dropout_sample((5,), p=0.5, rng=np.random.default_rng(2))
    assert np.allclose(drop_b(np.ones(5), np.ones(5), p=0.5, sample=m), m / 0.5)


def test_build_is_deterministic_and_headed(bundled_build):
    """Rendered here, the kernels are byte-identical to those the bundled build wrote in another process
    (with its own hash seed; the build's kernel choices made in its worker processes)."""
    from symderiv.build import pipeline
    from symderiv.emit.numpy_kernels import numpy_files

    here = pipeline.render([numpy_files(load_catalog(), pipeline.provenance())])
    assert sorted(here) == ["numpy/activations.py", "numpy/losses.py", "numpy/regularizers.py"]
    assert here == {p: bundled_build[0].files[p] for p in here}
    for text in here.values():
        assert text.splitlines()[0] == f"# {pipeline.provenance()} Template: numpy/module.py.jinja."
        assert "import numpy" in text and "scipy" not in text.replace("scipy.special", "")


def test_a_new_entry_gets_its_kernel_with_no_other_change(tmp_path):
    sharp = Entry("softplus_two", "activation", sp.log(1 + sp.exp(2 * X)) / 2, (X,), "softplus with beta 2", "test")
    catalog = CATALOG.extended([sharp])
    mods = K.load_modules(tmp_path, catalog)
    assert hasattr(mods["activation"], "softplus_two_backward")
    for dtype in DTYPES:
        for which, (ulps, scaled, worst) in K.kernel_errors(mods, sharp, dtype).items():
            assert scaled <= K.ULPS[dtype], (which, dtype, ulps, worst)


def test_show_numpy_prints_the_kernel(capsys):
    from symderiv.cli import main

    assert main(["show", "elu", "--numpy"]) == 0
    out = capsys.readouterr().out
    assert "def _elu_forward(x, alpha, out=None):" in out and "numpy.expm1(numpy.minimum(x, 0))" in out and "def elu_backward(" in out


TORCH_CASES = [("relu", {}), ("relu6", {}), ("leaky_relu", {}), ("elu", {}), ("selu", {}), ("celu", {}),
               ("softplus", {}), ("softsign", {}), ("hardtanh", {}), ("silu", {}), ("gelu", {}), ("mish", {}),
               ("hardsigmoid", {}), ("logsigmoid", {}), ("sigmoid", {}), ("tanh", {}),
               ("leaky_relu", {"negative_slope": 0.2}), ("elu", {"alpha": 0.5}), ("celu", {"alpha": 2.0}),
               ("hardtanh", {"min_val": -2.0, "max_val": 0.5}), ("softplus", {"beta": 3.0}),
               ("hardswish", {})]


TORCH_EXTREMES = {"float64": [1e300, -1e300, 700.0, -700.0, 40.0, -40.0], "float32": [1e30, -1e30, 88.0, -88.0, 20.0, -20.0]}
# PyTorch's documented artifacts, not copied: float64 hardsigmoid backward multiplies by a float32 1/6
# (rtol 1e-7), float32 gelu_tanh's gradient saturates to 0 near x = -5 (atol 1e-6); hardswish
# overflows an intermediate at 1e308 (not probed: the extremes here stay at 1e300)
TORCH_TOL = {"float64": (1e-7, 1e-12), "float32": (2e-6, 1e-6)}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,kw", TORCH_CASES)
def test_against_torch_including_kinks(mods, name, kw, dtype):
    torch = pytest.importorskip("torch")
    entry = CATALOG.get(name)
    subs = entry.defaults(**{k: v for k, v in kw.items() if entry.param(k).symbolic})
    kinks = [float(sp.sympify(k.at).subs(subs)) for k in entry.kinks]
    x = np.concatenate([np.linspace(-5, 5, 41), kinks, TORCH_EXTREMES[dtype]]).astype(dtype)
    tx = torch.tensor(x, requires_grad=True)
    tf = getattr(torch.nn.functional, entry.torch)
    ty = tf(tx, **kw)
    ty.backward(torch.ones_like(ty))
    f, b = fn(mods, name)
    rtol, atol = TORCH_TOL[dtype]
    ours_f, ours_b = f(x, **kw), b(np.ones_like(x), x, **kw)
    assert ours_f.dtype == ours_b.dtype == np.dtype(dtype)
    assert np.allclose(ours_f, ty.detach().numpy(), rtol=rtol, atol=atol), name
    assert np.allclose(ours_b, tx.grad.numpy(), rtol=rtol, atol=atol), name


def test_numeric_limits_agree_with_sympy_and_refuse_what_has_none():
    from symderiv.emit.numpy_kernels import GRAD, _limit, hazards_of

    for name, which in (("softsign", "forward"), ("sigmoid", "backward"), ("tanh", "forward"), ("silu", "backward")):
        entry = CATALOG.get(name)
        expr = entry.expr if which == "forward" else derivative(entry)
        for end in (sp.oo, -sp.oo):
            assert _limit(entry, expr, X, end) == str(sp.limit(expr, X, end)), (name, end)
    entry = CATALOG.get("softsign")
    assert _limit(entry, X, X, sp.oo) == "numpy.nan"                     # unbounded
    assert _limit(entry, sp.sin(X), X, sp.oo) == "numpy.nan"             # bounded, no limit
    assert _limit(entry, sp.Rational(1, 3) + 1 / X, X, -sp.oo) == "1/3"
    assert _limit(entry, GRAD * (1 - 1 / X), X, sp.oo) == "grad_output"
    assert hazards_of(sp.log(1 + sp.exp(X))) == ["overflow"]
    assert hazards_of(X * sp.tanh(sp.log(1 + sp.exp(X)))) == []          # mish: tanh saturates the inf
    assert hazards_of(1 + sp.tanh(X)) == ["cancellation"]
    assert hazards_of(sp.exp(X) / (1 + sp.exp(X)) ** 2) == ["underflow"]
    assert hazards_of(1 / (1 + sp.exp(-X))) == []


class SignlessZero(doctest.OutputChecker):
    """-0. prints like 0. (hardswish(-3) = -3 * 0 / 6 is -0.0, as in PyTorch; mpmath's 0 has no sign)."""

    def check_output(self, want, got, optionflags):
        return super().check_output(want, re.sub(r"-0\.(?!\d)", " 0.", got), optionflags)


def _doctests(mod):
    return [t for t in doctest.DocTestFinder().find(mod, mod.__name__, globs=vars(mod)) if t.examples]


@pytest.mark.parametrize("kind", list(K.MODULES))
def test_docstring_examples_print_the_mpmath_reference(mods, kind):
    """Every kernel docstring's example, whose output the emitter computed from the catalog by mpmath."""
    runner = doctest.DocTestRunner(SignlessZero(), verbose=False)
    tests = _doctests(mods[kind])
    assert len(tests) >= {"activation": 40, "loss": 7, "regularizer": 4}[kind]
    failed = []
    for t in tests:
        if runner.run(t, out=lambda s: None).failed:
            failed.append(t.name)
    assert not failed, failed


def test_a_docstring_example_with_a_wrong_output_fails(mods):
    test = next(t for t in _doctests(mods["activation"]) if t.name.endswith(".sigmoid"))
    test.examples[0].want = test.examples[0].want.replace("0.5", "0.6")
    assert doctest.DocTestRunner(SignlessZero(), verbose=False).run(test, out=lambda s: None).failed == 1


def test_float32_bodies_compute_in_float32(mods):
    """Every printed body, called directly (no `out`, so nothing casts its result), returns float32
    for float32 inputs: no float64 constant or intermediate upcasts it silently."""
    import inspect

    x = np.linspace(-5, 5, 41).astype(np.float32)
    checked = 0
    for entry in CATALOG.entries:
        mod = mods.get(entry.kind)
        defaults = {p.name: np.float32(float(p.default)) for p in entry.params}
        for name in dir(mod) if mod is not None else ():
            if not (name.startswith(f"_{entry.name}_") and ("forward" in name or "backward" in name)):
                continue
            body = getattr(mod, name)
            args = [defaults.get(a, x) for a in inspect.signature(body).parameters if a != "out"]
            with np.errstate(all="ignore"):
                results = body(*args)
            for r in results if isinstance(results, tuple) else (results,):
                assert np.asarray(r).dtype == np.float32, f"{name}: {np.asarray(r).dtype}"
            checked += 1
    assert checked > 60


def test_float32_check_refutes_a_float64_constant(mods):
    """The check above sees an upcast: a float64 NumPy constant in a body makes float64."""
    x = np.linspace(-1, 1, 5).astype(np.float32)
    assert (x * np.float64(0.5)).dtype == np.float64 and (x * 0.5).dtype == np.float32
