"""Kink conventions and PyTorch's parameters: the kernels against JAX's and PyTorch's own gradients.

JAX (jax.grad, float64) is the oracle for convention="jax" at every kink of every entry JAX has;
PyTorch for softplus's threshold in float32 and float64. Both skip cleanly when not installed.
"""

import json
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from symderiv.catalog import load_catalog
from symderiv.emit import kernel_accuracy as K

CATALOG = load_catalog()


@pytest.fixture(scope="session")
def mods(kernel_mods):
    return kernel_mods   # the modules the bundled build wrote, imported once per worker


JAX_GRADIENTS = """
import json, sys
import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
nn = jax.nn
table = {   # our name -> JAX's function of the inputs, at our parameters' defaults
    "relu": lambda x: nn.relu(x), "relu6": lambda x: nn.relu6(x),
    "leaky_relu": lambda x: nn.leaky_relu(x, 0.01), "elu": lambda x: nn.elu(x, 1.0),
    "selu": lambda x: nn.selu(x), "hardtanh": lambda x: nn.hard_tanh(x),
    "hardsigmoid": lambda x: nn.hard_sigmoid(x), "hardswish": lambda x: nn.hard_swish(x),
    "l1": lambda w: 0.01 * jnp.abs(w), "maxout": lambda a, b: jnp.maximum(a, b),
}
points = json.load(sys.stdin)   # {name: [[kink points] per variable]}
def total(args):   # the sum over entries and kinks: its gradient is each function's derivative at each kink
    return sum(jnp.sum(table[name](*args[name])) for name in args)
grads = jax.jit(jax.grad(total))({n: tuple(jnp.asarray(v) for v in vs) for n, vs in points.items() if n in table})
print(json.dumps({n: [[float(g) for g in gs] for gs in grad] for n, grad in grads.items()}))
"""


def _jax_gradients(points: dict) -> dict:
    """{name: per variable, JAX's gradient (jax.grad, float64) at `points`}, for the names JAX has.

    JAX runs in its own process: a pytest worker that had started JAX's threads could deadlock when
    a later test forks build workers."""
    pytest.importorskip("jax")
    proc = subprocess.run([sys.executable, "-c", JAX_GRADIENTS], input=json.dumps(points),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {name: [np.array(g) for g in grads] for name, grads in json.loads(proc.stdout).items()}


def test_convention_jax_equals_jax_grad_at_every_kink(mods):
    entries = [e for e in CATALOG if e.kinks]
    kinks = {e.name: np.array([float(sp.sympify(k.at).subs(e.defaults()).subs({v: 1.0 for v in e.variables}))
                               for k in e.kinks]) for e in entries}
    theirs_all = _jax_gradients({e.name: [kinks[e.name].tolist()] * len(e.variables) for e in entries})
    entries = [e for e in entries if e.name in theirs_all]
    checked = 0
    for entry in entries:
        at = kinks[entry.name]
        extra = {"reduction": "none"} if entry.kind == "regularizer" else {}
        ours = getattr(mods[entry.kind], entry.name + "_backward")(
            np.ones_like(at), *[at] * len(entry.variables), convention="jax", **extra)
        for o, t in zip(ours if isinstance(ours, tuple) else (ours,), theirs_all[entry.name]):
            t = np.asarray(t)
            # 2 ulps: JAX multiplies selu's rounded scale and alpha, we round their exact product
            bad = np.abs(o - t) > 2 * np.spacing(np.abs(t))
            assert not bad.any(), f"{entry.name} at {at[bad]}: ours {o[bad]}, JAX {t[bad]}"
        checked += len(at)
    assert checked >= 12


def test_conventions_differ_where_the_catalog_says_and_unknown_ones_are_refused(mods):
    relu_b = mods["activation"].relu_backward
    x = np.array([-1.0, 0.0, 1.0])
    assert relu_b(np.ones(3), x).tolist() == [0.0, 0.0, 1.0]
    assert relu_b(np.ones(3), x, convention="seeds").tolist() == [0.0, 1.0, 1.0]    # H(0) = 1
    assert relu_b(np.ones(3), x, convention="jax").tolist() == [0.0, 0.0, 1.0]
    leaky_b = mods["activation"].leaky_relu_backward
    assert leaky_b(np.ones(3), x, convention="jax").tolist() == [0.01, 1.0, 1.0]
    with pytest.raises(ValueError, match="convention='tf' is not one of 'pytorch', 'jax', 'seeds'"):
        relu_b(np.ones(3), x, convention="tf")
    with pytest.raises(ValueError, match="softmax_backward: convention='x'"):
        mods["activation"].softmax_backward(np.ones((1, 3)), np.ones((1, 3)), convention="x")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", [{}, {"beta": 2.0, "threshold": 10.0}, {"beta": 0.5, "threshold": 3.0}])
def test_softplus_threshold_as_pytorch(mods, dtype, kw):
    torch = pytest.importorskip("torch")
    f, b = mods["activation"].softplus, mods["activation"].softplus_backward
    x = np.concatenate([np.linspace(-30, 30, 601), [20.0, 20.5, 5.0, 5.0000001, 6.0, 1e30, -1e30]]).astype(dtype)
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.softplus(tx, **kw)
    ty.backward(torch.ones_like(ty))
    ours, grad = f(x, **kw), b(np.ones_like(x), x, **kw)
    assert ours.dtype == grad.dtype == np.dtype(dtype)
    above = kw.get("beta", 1.0) * x.astype(float) > kw.get("threshold", 20.0)
    assert np.array_equal(ours[above], x[above]) and np.all(grad[above] == 1.0)
    ulp = np.spacing(np.abs(ty.detach().numpy()).astype(dtype)).astype(float)
    assert np.all(np.abs(ours.astype(float) - ty.detach().numpy()) <= 2 * np.maximum(ulp, np.finfo(dtype).tiny))
    gref = tx.grad.numpy().astype(float)
    # 4 ulps: PyTorch rounds z/(z + 1), we 1/(1 + exp(-x)) (both within a few ulps of mpmath)
    assert np.all(np.abs(grad.astype(float) - gref) <= 4 * np.spacing(np.maximum(np.abs(gref), 1e-30).astype(dtype)))


def test_softplus_threshold_is_refuted_without_it(mods):
    """The test above can fail: a kernel ignoring the threshold differs from PyTorch at beta*x > threshold."""
    torch = pytest.importorskip("torch")
    f = mods["activation"].softplus
    x = np.linspace(5.5, 9, 8)
    ty = torch.nn.functional.softplus(torch.tensor(x), beta=2.0, threshold=10.0).numpy()
    ignoring = f(x, beta=2.0, threshold=1e300)
    assert np.any(ignoring != ty) and np.array_equal(f(x, beta=2.0, threshold=10.0), ty)


FROM_OUTPUT = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "celu"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", FROM_OUTPUT)
def test_backward_from_output_matches_the_backward_where_f_is_not_saturated(mods, name, dtype):
    mod = mods["activation"]
    f, b, bo = (getattr(mod, name + s) for s in ("", "_backward", "_backward_from_output"))
    x = np.concatenate([np.linspace(-4, 4, 81), [0.0, -0.0]]).astype(dtype)
    g = np.random.default_rng(0).standard_normal(x.shape).astype(dtype)
    got, ref = bo(g, f(x)), b(g, x)
    assert got.dtype == np.dtype(dtype)
    tol = {"float64": 1e-12, "float32": 2e-5}[dtype]
    assert np.allclose(got, ref, rtol=tol, atol=tol), name
    assert np.isnan(bo(np.ones(1, dtype), np.full(1, np.nan, dtype))[0])


def test_backward_from_output_loses_relative_accuracy_in_saturated_tails(mods):
    """sigmoid: 1 - f rounds to 0 once f rounds to 1 (x > 36.7 in float64), the gradient exp(-x) is lost."""
    mod = mods["activation"]
    x = np.array([40.0])
    assert mod.sigmoid_backward_from_output(np.ones(1), mod.sigmoid(x))[0] == 0.0
    assert mod.sigmoid_backward(np.ones(1), x)[0] > 0.0


def test_the_from_output_forms_are_refuted_when_perturbed():
    from symderiv.emit.numpy_kernels import OUTPUT, _solve_piece

    entry = CATALOG.get("elu")
    x = entry.var
    alpha = entry.param("alpha").symbol
    assert _solve_piece(entry, alpha * (sp.exp(x) - 1), alpha * sp.exp(x), x, -1) == alpha + OUTPUT
    assert _solve_piece(entry, alpha * (sp.exp(x) - 1), 2 * alpha * sp.exp(x), x, -1) != alpha + OUTPUT
