"""Emitted network modules against PyTorch autograd (an independent implementation), float64.

PyTorch computes the same network from its own functions (torch.nn.functional, named by the
catalog's `torch` field) and its own autograd; the emitted module must give the same loss and
gradients, also where pre-activations sit exactly on a kink, and follow the same SGD trajectory.
"""

import importlib.util
import warnings
from functools import lru_cache

import numpy as np
import pytest

from symderiv.calculus.backprop import layered
from symderiv.calculus.network_spec import network_from_table
from symderiv.catalog import load_catalog
from symderiv.emit.network_code import description, network_module

pytestmark = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs torch, the oracle here")
torch = F = None   # imported when a test of this module runs (`_torch`), not at collection: 1.6 s per process
CAT = load_catalog()


@pytest.fixture(scope="module", autouse=True)
def _torch():
    global torch, F
    import torch as imported
    torch, F = imported, imported.nn.functional


@lru_cache(maxsize=None)
def module(spec_text):
    spec = eval(spec_text)   # the tests' own literal specs (repr round trip), never user input
    lay = layered(network_from_table(CAT, "test", spec))
    ns = {"__name__": "net"}
    exec(compile(network_module(lay, "test", description(lay)), "net", "exec"), ns)
    return ns


def spec(acts, loss="half_squared_error", regs=(), widths=(3, 4, 4, 2), **act_params):
    layers = [{"units": w, "activation": a, **act_params.get(a, {})} for w, a in zip(widths[1:], acts)]
    return {"inputs": widths[0], "layers": layers, "loss": loss, "regularizers": list(regs)}


def params_for(s, seed, kink=False):
    rng = np.random.default_rng(seed)
    widths = [s["inputs"]] + [layer["units"] for layer in s["layers"]]
    p = {}
    for l in range(1, len(widths)):
        p[f"W{l}"] = rng.normal(size=(widths[l], widths[l - 1]))
        p[f"b{l}"] = rng.normal(size=widths[l])
        if kink and l < len(widths) - 1:      # unit 0 of every hidden layer: z = 0 exactly for every sample
            p[f"W{l}"][0] = 0.0
            p[f"b{l}"][0] = 0.0
    return p


def torch_act(layer):
    entry = CAT.get(layer["activation"])
    kw = {k: v for k, v in layer.items() if k not in ("units", "activation")}
    if entry.name == "identity":
        return lambda z: z
    if entry.is_vector:
        return lambda z: getattr(F, entry.torch)(z, dim=-1)
    return lambda z: getattr(F, entry.torch)(z, **kw)


def torch_loss(s, x, t, p):
    """The contract's loss computed by PyTorch: batch mean (PyTorch reduction='mean' for its losses)."""
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    a, zs = torch.tensor(x), {}
    for l, layer in enumerate(s["layers"], 1):
        zs[l] = a @ tp[f"W{l}"].T + tp[f"b{l}"]
        a = torch_act(layer)(zs[l])
    tt = torch.tensor(t)
    entry = CAT.get(s["loss"])
    J = getattr(F, entry.torch)(a, tt) if entry.torch else 0.5 * ((tt - a) ** 2).sum(-1).mean()
    for r in s["regularizers"]:
        l = r["layer"]
        v = {"kernel": tp[f"W{l}"], "bias": tp[f"b{l}"], "activity": zs[l]}[r["on"]]
        pen = v.abs() if r["kind"] == "l1" else v ** 2
        J = J + r["lambda"] * (pen.sum(-1).mean() if r["on"] == "activity" else pen.sum())
    J.backward()
    return J.item(), {k: v.grad.numpy() for k, v in tp.items()}


def targets(s, rng, n):
    K = s["layers"][-1]["units"]
    if s["loss"] == "cross_entropy":
        return rng.integers(0, K, size=n)
    if s["loss"] == "binary_cross_entropy_with_logits":
        return rng.uniform(size=(n, K))
    return rng.normal(size=(n, K))


def compare(s, seed=0, kink=False, n=5):
    rng = np.random.default_rng(100 + seed)
    p = params_for(s, seed, kink)
    x, t = rng.normal(size=(n, s["inputs"])), targets(s, rng, n)
    loss, grads = module(repr(s))["loss_and_grads"](x, t, p)
    ref_loss, ref = torch_loss(s, x, t, p)
    assert loss == pytest.approx(ref_loss, rel=1e-12, abs=1e-14)
    for k in p:
        assert grads[k].shape == p[k].shape
        np.testing.assert_allclose(grads[k], ref[k], rtol=1e-10, atol=1e-13, err_msg=k)
    return grads, ref


PARAMS = {"leaky_relu": {"negative_slope": 0.1}, "elu": {"alpha": 0.7}, "softplus": {"beta": 2.0}}
ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus"]


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_activation_matches_torch(act):
    s = spec([act, "tanh", "identity"], **{act: PARAMS.get(act, {})})
    compare(s, seed=1)


@pytest.mark.parametrize("act", ["relu", "leaky_relu", "elu"])
def test_kinks_match_torch(act):
    """Pre-activations exactly 0 in unit 0 of both hidden layers: PyTorch's kink values, as the catalog's."""
    s = spec([act, act, "identity"], regs=[{"kind": "l1", "on": "activity", "layer": 1, "lambda": 0.3},
                                          {"kind": "l1", "on": "kernel", "layer": 2, "lambda": 0.2}],
             **{act: PARAMS.get(act, {})})
    grads, _ = compare(s, seed=2, kink=True)
    assert np.all(grads["W2"][0] == grads["W2"][0])


@pytest.mark.parametrize("loss", ["half_squared_error", "mse", "cross_entropy", "binary_cross_entropy_with_logits"])
def test_each_loss_matches_torch(loss):
    compare(spec(["tanh", "sigmoid", "identity"], loss=loss), seed=3)


@pytest.mark.parametrize("kind", ["l1", "l2"])
@pytest.mark.parametrize("on", ["kernel", "bias", "activity"])
def test_each_regularizer_placement_matches_torch(kind, on):
    regs = [{"kind": kind, "on": on, "layer": 1, "lambda": 0.05}, {"kind": kind, "on": on, "layer": 3, "lambda": 0.02}]
    compare(spec(["relu", "tanh", "identity"], regs=regs), seed=4)


@pytest.mark.parametrize("out, loss", [("softmax", "mse"), ("log_softmax", "half_squared_error"),
                                       ("softmax", "cross_entropy")])
def test_rowwise_output_layers_match_torch(out, loss):
    compare(spec(["tanh", "relu", out], loss=loss, widths=(3, 4, 5, 4)), seed=5)


def test_probability_targets_for_cross_entropy():
    s = spec(["tanh", "silu", "identity"], loss="cross_entropy", widths=(3, 4, 4, 3))
    rng = np.random.default_rng(9)
    p, x = params_for(s, 9), rng.normal(size=(6, 3))
    t = rng.dirichlet(np.ones(3), size=6)
    loss, grads = module(repr(s))["loss_and_grads"](x, t, p)
    ref_loss, ref = torch_loss(s, x, t, p)
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    for k in p:
        np.testing.assert_allclose(grads[k], ref[k], rtol=1e-10, atol=1e-13)


def test_a_wrong_kink_would_be_caught():
    """The comparison can fail: the seed's H(0) = 1 at relu's kink differs from PyTorch's gradient."""
    s = spec(["relu", "relu", "identity"])
    rng = np.random.default_rng(102)
    p = params_for(s, 2, kink=True)
    x, t = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    lay = layered(network_from_table(CAT, "test", s), convention="seed000")
    ns = {}
    exec(compile(network_module(lay, "t", []), "net", "exec"), ns)
    grads = ns["loss_and_grads"](x, t, p)[1]
    _, ref = torch_loss(s, x, t, p)
    assert not np.allclose(grads["b1"], ref["b1"], rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("loss, out", [("cross_entropy", "identity"), ("binary_cross_entropy_with_logits", "identity"),
                                       ("mse", "softmax"), ("half_squared_error", "log_softmax")])
def test_huge_logits_are_finite_and_silent(loss, out):
    s = spec(["relu", "tanh", out], loss=loss, widths=(3, 4, 4, 3))
    p = params_for(s, 6)
    p["b3"] = np.array([1e4, -1e4, 0.0])
    rng = np.random.default_rng(6)
    x, t = rng.normal(size=(4, 3)), targets(s, rng, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss_value, grads = module(repr(s))["loss_and_grads"](x, t, p)
    assert np.isfinite(loss_value) and all(np.isfinite(g).all() for g in grads.values())
    ref_loss, ref = torch_loss(s, x, t, p)
    assert loss_value == pytest.approx(ref_loss, rel=1e-12)
    for k in p:
        np.testing.assert_allclose(grads[k], ref[k], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_float32_stays_float32(loss):
    s = spec(["gelu", "leaky_relu", "identity"], loss=loss, regs=[{"kind": "l2", "on": "kernel", "layer": 1,
                                                                   "lambda": 1e-3}], **PARAMS)
    p = {k: v.astype(np.float32) for k, v in params_for(s, 7).items()}
    rng = np.random.default_rng(7)
    x, t = rng.normal(size=(5, 3)).astype(np.float32), targets(s, rng, 5)
    t = t if loss == "cross_entropy" else t.astype(np.float32)
    ns = module(repr(s))
    loss_value, grads = ns["loss_and_grads"](x, t, p)
    assert np.asarray(loss_value).dtype == np.float32
    assert all(grads[k].dtype == np.float32 and grads[k].shape == p[k].shape for k in p)
    assert ns["forward"](x, p).dtype == np.float32


def sgd_problem():
    """sklearn's bundled digits when installed, else a synthetic 3-class problem made here."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        rng = np.random.default_rng(0)
        centers = rng.normal(size=(3, 8)) * 2
        labels = rng.integers(0, 3, size=120)
        return rng.normal(size=(120, 8)) + centers[labels], labels, 3
    d = load_digits()
    return d.data[:300] / 16.0, d.target[:300], 10


def test_sgd_trajectory_follows_torch():
    """100 full-batch SGD steps (float64): the emitted module's losses follow PyTorch's within 1e-9."""
    x, labels, K = sgd_problem()
    s = {"inputs": x.shape[1], "loss": "cross_entropy",
         "layers": [{"units": 16, "activation": "tanh"}, {"units": K, "activation": "identity"}],
         "regularizers": [{"kind": "l2", "on": "kernel", "layer": 1, "lambda": 1e-3}]}
    p = params_for(s, 11)
    p = {k: v * 0.3 for k, v in p.items()}
    fn = module(repr(s))["loss_and_grads"]
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    opt = torch.optim.SGD(list(tp.values()), lr=0.5)
    ours, theirs = [], []
    for _ in range(100):
        loss, grads = fn(x, labels, p)
        p = {k: p[k] - 0.5 * grads[k] for k in p}
        ours.append(loss)
        opt.zero_grad()
        a = torch.tanh(torch.tensor(x) @ tp["W1"].T + tp["b1"]) @ tp["W2"].T + tp["b2"]
        J = F.cross_entropy(a, torch.tensor(labels)) + 1e-3 * (tp["W1"] ** 2).sum()
        J.backward()
        opt.step()
        theirs.append(J.item())
    ours, theirs = np.array(ours), np.array(theirs)
    rel = np.max(np.abs(ours - theirs) / np.abs(theirs))
    assert rel < 1e-9, rel
    assert theirs[-1] < 0.5 * theirs[0]    # it trained
