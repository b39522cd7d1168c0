"""Backprop: generated network code and scalar chains against central finite differences (float64),
seed 001's answer equations, and the asker's equations (which must come out wrong)."""

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from symderiv.build import provenance
from symderiv.calculus.backprop import chain_blocks, layered, scalar_chain
from symderiv.calculus.network import deep_mlp
from symderiv.catalog import load_catalog
from symderiv.emit.backprop_code import chain_module, network_function, networks_file
from finite_differences import central

CAT = load_catalog()
REG = dict(activity_l1=0.03, kernel_l1=0.02, kernel_l2=0.05, bias_l1=0.04, bias_l2=0.06)


def load(text, name="generated"):
    ns = {"__name__": name}
    exec(compile(text, name, "exec"), ns)
    return ns


@pytest.fixture(scope="module")
def networks():
    text = networks_file(CAT, provenance())["numpy/networks.py"]
    assert text.startswith("# " + provenance())
    return load(text, "networks")


def seed_net(seed, n_in=4, n_hidden=5, n_out=3, batch=6):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(batch, n_in)), rng.normal(size=(batch, n_out)), rng.normal(size=(n_hidden, n_in)),
            rng.normal(size=n_hidden), rng.normal(size=(n_out, n_hidden)), rng.normal(size=n_out))


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
@pytest.mark.parametrize("reg", [{}, REG], ids=["plain", "regularized"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mlp2_gradients_match_finite_differences(networks, activation, reg, seed):
    x, t, A, B, C, D = seed_net(seed)
    kw = dict(activation=activation, negative_slope=0.1, **reg)
    loss, grads = networks["mlp2_loss_and_grads"](x, t, A, B, C, D, **kw)
    params = {"A": A, "B": B, "C": C, "D": D}

    def f():
        return networks["mlp2_loss_and_grads"](x, t, A, B, C, D, **kw)[0]

    for name, arr in params.items():
        assert grads[name].shape == arr.shape
        np.testing.assert_allclose(grads[name], central(f, arr), rtol=1e-6, atol=1e-7, err_msg=name)


def test_mlp2_loss_matches_the_contract_formula(networks):
    x, t, A, B, C, D = seed_net(7)
    x2 = x @ A.T + B
    y = np.maximum(x2, 0) @ C.T + D
    expected = (np.mean(0.5 * np.sum((t - y) ** 2, axis=1) + REG["activity_l1"] * np.abs(x2).sum(axis=1))
                + REG["kernel_l1"] * np.abs(A).sum() + REG["kernel_l2"] * (A**2).sum()
                + REG["bias_l1"] * np.abs(B).sum() + REG["bias_l2"] * (B**2).sum())
    loss, _ = networks["mlp2_loss_and_grads"](x, t, A, B, C, D, **REG)
    assert loss == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(networks["mlp2_forward"](x, A, B, C, D), y, rtol=1e-12)


def test_mlp2_kink_conventions(networks):
    """At x2 = 0 exactly: relu'(0) = 0 and d|x|/dx = 0 by default; the seed's H(0) = 1 as an option."""
    x, t, A, B, C, D = seed_net(3)
    A[0], B[0] = 0.0, 0.0                     # unit 0 has x2 = 0 for every sample
    default = networks["mlp2_loss_and_grads"](x, t, A, B, C, D, activity_l1=0.5)[1]
    seed = networks["mlp2_loss_and_grads"](x, t, A, B, C, D, activity_l1=0.5, convention="seed000")[1]
    assert default["B"][0] == 0.0
    g_x3 = ((x @ A.T + B).clip(0) @ C.T + D - t) @ C / len(x)
    assert seed["B"][0] == pytest.approx(g_x3[:, 0].sum() + 0.5)   # H(0) = 1 and 2H(0) - 1 = 1
    np.testing.assert_allclose(default["B"][1:], seed["B"][1:])
    with pytest.raises(ValueError, match="activation"):
        networks["mlp2_loss_and_grads"](x, t, A, B, C, D, activation="tanh")


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
@pytest.mark.parametrize("convention", ["catalog", "seed000"])
def test_mlp2_float32_stays_float32(networks, activation, convention):
    x, t, A, B, C, D = (a.astype(np.float32) for a in seed_net(4))
    loss, grads = networks["mlp2_loss_and_grads"](x, t, A, B, C, D, activation=activation, convention=convention, **REG)
    assert np.isfinite(loss) and np.asarray(loss).dtype == np.float32
    assert all(grads[k].shape == v.shape and grads[k].dtype == np.float32 for k, v in zip("ABCD", (A, B, C, D)))
    assert networks["mlp2_forward"](x, A, B, C, D, activation=activation).dtype == np.float32


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "elu"])
def test_deep_network_function_matches_finite_differences(activation):
    net = deep_mlp(CAT, 4, activation)
    ns = load(network_function(layered(net), "grads"))
    rng = np.random.default_rng(5)
    widths = [3, 4, 4, 3, 2]
    params = []
    for i in range(4):
        params += [rng.normal(size=(widths[i + 1], widths[i])), rng.normal(size=widths[i + 1])]
    x, t = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    extra = [1.0] * len(layered(net).symbols)   # elu's alpha
    loss, grads = ns["grads"](x, t, *params, 5, *extra)
    for name, arr in zip(net.parameters, params):
        fd = central(lambda: ns["grads"](x, t, *params, 5, *extra)[0], arr)
        np.testing.assert_allclose(grads[name], fd, rtol=1e-6, atol=1e-7, err_msg=name)


# ----- scalar chains ------------------------------------------------------------------------------

def chain_fn(depth, activation):
    return load(chain_module(scalar_chain(depth, activation), "# test"))["loss_and_gradients"]


def relu(v):
    return max(v, 0.0)


def step(v):
    return 1.0 if v > 0 else 0.0


def answer_equations(x, t, w, b):
    """Seed 001's answer, its equations 1-3 applied layer by layer (one neuron per layer; with a bias,
    dC/db = dC/dz). Returns (dC/dw, dC/db)."""
    r, zs = [x], []
    for wl, bl in zip(w, b):
        zs.append(wl * r[-1] + bl)
        r.append(relu(zs[-1]))
    dC_dr = r[-1] - t                                     # output layer: r - y
    dw, db = [0.0] * len(w), [0.0] * len(w)
    for k in reversed(range(len(w))):
        dC_dz = dC_dr * step(zs[k])                       # equation 1
        dw[k], db[k] = dC_dz * r[k], dC_dz                # equation 3
        dC_dr = dC_dz * w[k]                              # equation 2
    return dw, db


def asker_first_layer(x, t, w):
    """The asker's gradient for the first-layer weight (x > 0 assumed), in our order w = (w_1, ..., w_L)
    from the input: 1 layer (y - ReLU(w1 x)) x; 2 layers (y - yhat) w_2 x; 3 layers (y - yhat) w_2 w_3 x."""
    yhat = x
    for wl in w:
        yhat = relu(wl * yhat)
    return (t - yhat) * x * float(np.prod(w[1:]))


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_scalar_chain_matches_answer_and_finite_differences(depth):
    fn = chain_fn(depth, "relu")
    rng = np.random.default_rng(depth)
    for _ in range(20):
        x, t = rng.uniform(0.2, 2.0), rng.normal()
        w, b = rng.normal(size=depth), rng.normal(size=depth)
        loss, dw, db = fn(x, t, w, b)
        ref_w, ref_b = answer_equations(x, t, list(w), list(b))
        np.testing.assert_allclose(dw, ref_w, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(db, ref_b, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(dw, central(lambda: fn(x, t, w, b)[0], w), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(db, central(lambda: fn(x, t, w, b)[0], b), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_asker_equations_are_wrong(depth):
    """Counterexample: x = 1, t = 0, every weight 1 (all units active): true dC/dw_1 = 1, the asker's -1;
    with w_1 = -1 (dead first unit) the true gradient is 0 and the asker's is not."""
    fn = chain_fn(depth, "relu")
    w, b = np.ones(depth), np.zeros(depth)
    _, dw, _ = fn(1.0, 0.0, w, b)
    assert dw[0] == 1.0 and asker_first_layer(1.0, 0.0, w) == -1.0
    w[0] = -1.0
    _, dw, _ = fn(1.0, 0.5, w, b)
    assert dw[0] == 0.0 and asker_first_layer(1.0, 0.5, w) != 0.0


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "leaky_relu", "softplus"])
def test_scalar_chain_other_activations(activation):
    fn = chain_fn(3, activation)
    rng = np.random.default_rng(11)
    x, t, w, b = rng.normal(), rng.normal(), rng.normal(size=3), rng.normal(size=3)
    _, dw, db = fn(x, t, w, b)
    np.testing.assert_allclose(dw, central(lambda: fn(x, t, w, b)[0], w), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(db, central(lambda: fn(x, t, w, b)[0], b), rtol=1e-6, atol=1e-8)


def test_chain_size_is_linear_in_depth():
    """Operations in the emitted body grow like the depth (no nested expression is built)."""
    ops = {L: sum(sp.count_ops(e) for _, e in chain_blocks(scalar_chain(L, "sigmoid"))) for L in (16, 32, 64)}
    assert ops[64] - ops[32] == 2 * (ops[32] - ops[16])
    assert ops[64] <= 12 * 64


def test_seed_convention_chain_at_the_kink():
    fn0 = load(chain_module(scalar_chain(1, "relu"), "#"))["loss_and_gradients"]
    fn1 = load(chain_module(scalar_chain(1, "relu", convention="seed000"), "#"))["loss_and_gradients"]
    assert fn0(1.0, -1.0, [1.0], [-1.0])[1][0] == 0.0 and fn1(1.0, -1.0, [1.0], [-1.0])[1][0] == 1.0


def run(*args):
    return subprocess.run([sys.executable, "-m", "symderiv", *args], capture_output=True, text=True)


def test_cli_backprop_latex_and_numpy():
    r = run("backprop", "--depth", "3", "--activation", "relu", "--latex")
    assert r.returncode == 0 and r"\delta_{3} &= \left(a_{3} - t\right)" in r.stdout
    assert r"\frac{\partial J}{\partial w_{1}} &= \delta_{1} x" in r.stdout
    r = run("backprop", "--depth", "3", "--activation", "tanh", "--numpy")
    fn = load(r.stdout)["loss_and_gradients"]
    w, b = np.array([0.5, -1.2, 0.8]), np.array([0.1, 0.2, -0.3])
    _, dw, _ = fn(0.7, 0.3, w, b)
    np.testing.assert_allclose(dw, central(lambda: fn(0.7, 0.3, w, b)[0], w), rtol=1e-6)


@pytest.mark.parametrize("args", [["--depth", "0", "--activation", "relu"], ["--depth", "2", "--activation", "nosuch"],
                                  ["--depth", "2", "--activation", "softmax"]])
def test_cli_backprop_bad_input(args, capsys):
    """In this process (an exception other than the one-line error would propagate and fail the test)."""
    from symderiv.cli import main

    assert main(["backprop", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and err.startswith("symderiv: error: ")


def test_cli_backprop_bad_input_in_a_real_process():
    r = run("backprop", "--depth", "two", "--activation", "relu")
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


SCALAR_ACTIVATIONS = [e.name for e in CAT.of_kind("activation") if not e.is_vector and len(e.variables) == 1]


@pytest.mark.parametrize("activation", SCALAR_ACTIVATIONS)
def test_every_scalar_activation_chain(activation):
    """The emitted module for each activation: gradients = finite differences, finite and silent at +-800."""
    import warnings

    fn = load(chain_module(scalar_chain(2, activation), "#"))["loss_and_gradients"]
    rng = np.random.default_rng(13)
    x, t, w, b = rng.uniform(0.2, 1.5), rng.normal(), rng.uniform(0.3, 1.2, 2) * rng.choice([-1, 1], 2), rng.normal(size=2)
    _, dw, db = fn(x, t, w, b)
    np.testing.assert_allclose(dw, central(lambda: fn(x, t, w, b)[0], w), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(db, central(lambda: fn(x, t, w, b)[0], b), rtol=1e-5, atol=1e-7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = fn(np.array([-800.0, 800.0]), 0.0, [1.0, 1.0], [0.0, 0.0])
    assert all(np.isfinite(o).all() for o in out)
