"""Train a small classifier with a network module emitted by symderiv (NumPy only at run time).

    python examples/train_digits.py [--epochs 20] [--lr 0.5] [--batch 64]

Data: scikit-learn's bundled 8x8 digits (1797 images, no download) where scikit-learn is installed,
else a synthetic 10-class problem made here (Gaussian clusters in 64 dimensions). The network is the
spec below, [network.digits] with 64 inputs, tanh and leaky ReLU hidden layers, softmax cross-entropy
and an L2 penalty on W1; symderiv derives and emits it (`symderiv network digits.toml --numpy` prints
the same module), and plain mini-batch SGD trains it. One progress line per epoch.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from symderiv.calculus.backprop import layered
from symderiv.calculus.network_spec import networks_from_toml
from symderiv.catalog import load_catalog
from symderiv.emit.network_code import description, network_module

SPEC = """
[network.digits]
inputs = 64
layers = [
  { units = 32, activation = "tanh" },
  { units = 32, activation = "leaky_relu", negative_slope = 0.1 },
  { units = 10, activation = "identity" },
]
loss = "cross_entropy"
[[network.digits.regularizers]]
kind = "l2"
on = "kernel"
layer = 1
lambda = 1e-4
"""


def data(rng):
    """(x_train, y_train, x_test, y_test, source): digits scaled to [0, 1], or the synthetic problem."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        centers = rng.normal(size=(10, 64))
        labels = rng.integers(0, 10, size=1800)
        x, y, source = centers[labels] + 2.5 * rng.normal(size=(1800, 64)), labels, "synthetic 10-class clusters"
    else:
        d = load_digits()
        x, y, source = d.data / 16.0, d.target, "scikit-learn digits"
    order = rng.permutation(len(x))
    x, y = x[order], y[order]
    cut = int(0.8 * len(x))
    return x[:cut], y[:cut], x[cut:], y[cut:], source


def emitted_module():
    """Derive the spec's network and load the emitted NumPy module."""
    lay = layered(networks_from_toml(load_catalog(), SPEC)["digits"])
    ns = {"__name__": "digits_network"}
    exec(compile(network_module(lay, "examples/train_digits.py", description(lay)), "digits_network", "exec"), ns)
    return ns


def init(rng, widths=(64, 32, 32, 10)):
    """Glorot-uniform kernels, zero biases."""
    params = {}
    for l in range(1, len(widths)):
        bound = np.sqrt(6 / (widths[l - 1] + widths[l]))
        params[f"W{l}"] = rng.uniform(-bound, bound, size=(widths[l], widths[l - 1]))
        params[f"b{l}"] = np.zeros(widths[l])
    return params


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--lr", type=float, default=0.5)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    x, y, x_test, y_test, source = data(rng)
    net = emitted_module()
    params = init(rng)
    print(f"data: {source}, {len(x)} training and {len(x_test)} test samples")
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(x))
        losses = []
        for start in range(0, len(x), args.batch):
            idx = order[start:start + args.batch]
            loss, grads = net["loss_and_grads"](x[idx], y[idx], params)
            params = {k: v - args.lr * grads[k] for k, v in params.items()}
            losses.append(loss)
        accuracy = np.mean(np.argmax(net["forward"](x_test, params), axis=1) == y_test)
        print(f"epoch {epoch:3d}  loss {np.mean(losses):.4f}  test accuracy {accuracy:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
