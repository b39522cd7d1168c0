"""Losses over a prediction y (PyTorch's `input`) and a target t, per element or per sample."""

import sympy as sp

from symderiv.catalog.entry import Entry
from symderiv.symbols import t, ts, y, ys

TORCH = "https://pytorch.org/docs/stable/generated/torch.nn.functional.{}.html"


def multinomial_nll(logits, target):
    """-log of the multinomial likelihood prod_j p_j^{t_j} with p = softmax(logits) (seed 004)."""
    z = sum(sp.exp(v) for v in logits)
    likelihood = sp.Mul(*[(sp.exp(v) / z) ** tj for v, tj in zip(logits, target)])
    return sp.expand_log(-sp.log(likelihood), force=True)


LOSSES = (
    Entry("half_squared_error", "loss", (t - y) ** 2 / 2, (y, t),
          "half squared error 1/2 (t - y)^2 (the seeds' form)", "seeds 000, 001", extra={"inputs": (y,)}),
    Entry("mse", "loss", (y - t) ** 2, (y, t), "squared error (y - t)^2, averaged by reduction='mean'",
          TORCH.format("mse_loss"), torch="mse_loss", extra={"inputs": (y,)}),
    Entry("cross_entropy", "loss", multinomial_nll(ys, ts), ys + ts,
          "softmax cross-entropy -sum_j t_j log softmax_j(y), from the multinomial likelihood",
          TORCH.format("cross_entropy"), torch="cross_entropy",
          extra={"inputs": ys, "targets": ts, "axis": True}),
    Entry("binary_cross_entropy_with_logits", "loss",
          -(t * sp.log(1 / (1 + sp.exp(-y))) + (1 - t) * sp.log(1 - 1 / (1 + sp.exp(-y)))), (y, t),
          "binary cross-entropy of sigmoid(y) against t", TORCH.format("binary_cross_entropy_with_logits"),
          torch="binary_cross_entropy_with_logits", extra={"inputs": (y,)}),
)
