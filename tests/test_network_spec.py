"""Network specs: the issue's TOML example through `symderiv network`, bad specs refused in one line, the
module's gradients against central finite differences (no torch needed), the index form against the matrix form."""

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from symderiv import cli
from symderiv.calculus.backprop import layered
from symderiv.calculus.index_form import index_rows
from symderiv.calculus.network_spec import network_from_table, networks_from_toml
from symderiv.catalog import load_catalog
from symderiv.errors import SymderivError
from finite_differences import central

CAT = load_catalog()
DIGITS = """
[network.digits]
inputs = 64
layers = [
  { units = 32, activation = "tanh" },
  { units = 32, activation = "leaky_relu", negative_slope = 0.1 },
  { units = 10, activation = "identity" },
]
loss = "cross_entropy"            # any catalog loss
[[network.digits.regularizers]]   # any number of them
kind = "l2"                       # l1 | l2
on = "kernel"                     # kernel (W), bias (b), activity (the layer's pre-activation z, seed 000's x2)
layer = 1
lambda = 1e-4
"""


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "symderiv", *args], capture_output=True, text=True, cwd=cwd)


def main(capsys, *args):
    """The command line in this process (fast): (exit code, stdout, stderr)."""
    code = cli.main(list(args))
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out.out, out.err)




@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "digits.toml"
    path.write_text(DIGITS, encoding="utf-8")
    r = run("network", str(path), "--numpy")
    assert r.returncode == 0, r.stderr
    ns = {"__name__": "digits"}
    exec(compile(r.stdout, "digits", "exec"), ns)
    return path, r.stdout, ns


def test_issue_example_module_imports_only_numpy(digits):
    _, text, ns = digits
    imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["import numpy"]
    assert "symderiv network" in text.splitlines()[0]


def test_issue_example_gradients_match_finite_differences(digits):
    _, _, ns = digits
    rng = np.random.default_rng(0)
    widths = (64, 32, 32, 10)
    p = {}
    for l in range(1, 4):
        p[f"W{l}"], p[f"b{l}"] = rng.normal(size=(widths[l], widths[l - 1])) * 0.2, rng.normal(size=widths[l])
    x, t = rng.normal(size=(4, 64)), rng.integers(0, 10, size=4)
    loss, grads = ns["loss_and_grads"](x, t, p)
    for k in ("W3", "b2", "b1"):
        np.testing.assert_allclose(grads[k], central(lambda: ns["loss_and_grads"](x, t, p)[0], p[k]),
                                   rtol=1e-6, atol=1e-8, err_msg=k)
    sub = p["W1"][:3, :4]   # a corner of W1 (its L2 term included)
    fd = central(lambda: ns["loss_and_grads"](x, t, p)[0], sub)
    np.testing.assert_allclose(grads["W1"][:3, :4], fd, rtol=1e-6, atol=1e-8)
    assert ns["forward"](x, p).shape == (4, 10)


def test_issue_example_latex(digits, capsys):
    path, _, _ = digits
    r = main(capsys, "network", str(path), "--latex")
    assert r.returncode == 0 and r.stdout.count(r"\begin{align*}") == 3
    assert r"\delta_{1} &= \bar{a}_{1} \left(1 - a_{1}^{2}\right)" in r.stdout
    assert r"{\bar{W}^{(3)}}_{i,j} &= \sum_{m=0}^{N - 1}" in r.stdout


BAD = [
    ("activation = \"tanh\"", "activation = \"tanhh\"", "layers[0].activation: unknown activation 'tanhh'"),
    ("units = 32, activation = \"tanh\"", "units = 0, activation = \"tanh\"", "layers[0].units"),
    ("lambda = 1e-4", "lambda = -1.0", "regularizers[0].lambda"),
    ("layer = 1", "layer = 4", "regularizers[0].layer: expected a layer number in 1..3"),
    ("kind = \"l2\"", "kind = \"l3\"", "regularizers[0].kind: unknown regularizer kind 'l3'"),
    ("on = \"kernel\"", "on = \"weights\"", "regularizers[0].on: unknown placement 'weights'"),
    ("loss = \"cross_entropy\"", "loss = \"hinge\"", "network.digits.loss: unknown loss 'hinge'"),
    ("inputs = 64", "inputs = 64\ndepth = 3", "network.digits: unknown key 'depth'; valid: inputs, layers, loss"),
    ("negative_slope = 0.1", "slope = 0.1", "unknown key 'slope'; valid: units, activation, negative_slope"),
    ("units = 32, activation = \"tanh\"", "units = 32, activation = \"softmax\"", "'softmax' acts on a whole layer (softmax, log_softmax): only as the last"),
    ("inputs = 64", "inputs = 64 64", "not valid TOML"),
]


@pytest.mark.parametrize("old, new, message", BAD, ids=[b[2][:30] for b in BAD])
def test_bad_spec_one_line_exit_2_nothing_written(tmp_path, capsys, old, new, message):
    path = tmp_path / "bad.toml"
    path.write_text(DIGITS.replace(old, new, 1), encoding="utf-8")
    r = main(capsys, "network", str(path), "--numpy")
    assert r.returncode == 2 and r.stdout == "", r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in r.stderr, r.stderr


def test_name_selection_and_missing_file(tmp_path, capsys):
    path = tmp_path / "two.toml"
    small = DIGITS.replace("inputs = 64", "inputs = 2").replace("units = 32", "units = 2")
    path.write_text(small + small.replace("network.digits", "network.other"), encoding="utf-8")
    r = main(capsys, "network", str(path), "--latex")
    assert r.returncode == 2 and "choose one with --name: digits, other" in r.stderr
    assert main(capsys, "network", str(path), "--name", "other", "--latex").returncode == 0
    r = main(capsys, "network", str(path), "--name", "nosuch", "--numpy")
    assert r.returncode == 2 and "unknown network 'nosuch'" in r.stderr
    r = main(capsys, "network", str(tmp_path / "absent.toml"), "--numpy")
    assert r.returncode == 2 and "cannot read" in r.stderr and r.stdout == ""
    r = main(capsys, "network", str(path), "--name", "other")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_python_structure_equals_toml():
    from_toml = networks_from_toml(CAT, DIGITS)["digits"]
    table = {"inputs": 64, "loss": "cross_entropy",
             "layers": [{"units": 32, "activation": "tanh"},
                        {"units": 32, "activation": "leaky_relu", "negative_slope": 0.1},
                        {"units": 10, "activation": "identity"}],
             "regularizers": [{"kind": "l2", "on": "kernel", "layer": 1, "lambda": 1e-4}]}
    assert network_from_table(CAT, "digits", table) == from_toml
    with pytest.raises(SymderivError, match=r"layers\[1\]\.negative_slope: expected a number"):
        network_from_table(CAT, "d", dict(table, layers=[{"units": 2, "activation": "tanh"},
                                                         {"units": 1, "activation": "leaky_relu",
                                                          "negative_slope": "big"}]))


def test_index_form_agrees_with_matrix_form():
    """The index form of each row, evaluated at random numbers, equals the matrix row evaluated by NumPy."""
    net = network_from_table(CAT, "s", {"inputs": 2, "loss": "mse", "layers": [{"units": 3, "activation": "tanh"},
                                                                             {"units": 2, "activation": "identity"}]})
    lay = layered(net)
    rows = dict((str(lhs.base), rhs) for lhs, rhs in index_rows(lay) if isinstance(lhs, sp.Indexed))
    rng = np.random.default_rng(1)
    N = 3
    vals = {"x": rng.normal(size=(N, 2)), "W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=3),
            "g_z1": rng.normal(size=(N, 3))}
    z1 = vals["x"] @ vals["W1"].T + vals["b1"]
    dW1 = vals["g_z1"].T @ vals["x"]
    n, i, j = sp.symbols("n i j", integer=True)
    for (name, want, idx) in (("z1", z1, (1, 2)), ("dW1", dW1, (2, 1))):
        expr = rows[name].subs({sp.Symbol("n_x", integer=True, positive=True): 2,
                                sp.Symbol("N", integer=True, positive=True): N})
        point = {n: idx[0], i: idx[1]} if name == "z1" else {i: idx[0], j: idx[1]}
        value = expr.subs(point).doit()
        value = value.replace(lambda e: isinstance(e, sp.Indexed),
                              lambda e: sp.Float(vals[str(e.base)][tuple(int(v) for v in e.indices)]))
        assert float(value) == pytest.approx(want[idx], rel=1e-12), name


def test_user_defined_activation_in_a_network(tmp_path, capsys):
    """An activation from --spec works in a network like a built-in one (gradients = finite differences)."""
    funcs = tmp_path / "funcs.toml"
    funcs.write_text('[activation.halfsquare]\nexpr = "x*x/2"\ndescription = "x^2/2"\n', encoding="utf-8")
    net = tmp_path / "net.toml"
    net.write_text('[network.n]\ninputs = 2\nloss = "mse"\nlayers = [{ units = 3, activation = "halfsquare" }, '
                   '{ units = 1, activation = "identity" }]\n', encoding="utf-8")
    r = main(capsys, "network", str(net), "--numpy", "--spec", str(funcs))
    assert r.returncode == 0, r.stderr
    ns = {}
    exec(compile(r.stdout, "n", "exec"), ns)
    rng = np.random.default_rng(2)
    p = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=3), "W2": rng.normal(size=(1, 3)), "b2": rng.normal(size=1)}
    x, t = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    grads = ns["loss_and_grads"](x, t, p)[1]
    np.testing.assert_allclose(grads["W1"], central(lambda: ns["loss_and_grads"](x, t, p)[0], p["W1"]), rtol=1e-6)
    assert main(capsys, "network", str(net), "--numpy").returncode == 2   # without --spec: unknown activation
