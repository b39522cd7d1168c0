"""Regularizers: penalties on a weight w (Keras's kernel, bias or activity placement) and dropout."""

import sympy as sp

from symderiv.catalog.entry import Entry, Kink, Param
from symderiv.symbols import w, x

KERAS = "https://keras.io/api/layers/regularizers/"
PLACEMENTS = ("kernel", "bias", "activity")
lam = Param("l", 0.01, "penalty factor lambda (Keras's name l1/l2)", low=0.0)
p_drop = Param("p", 0.5, "probability of dropping an element", low=0.0, high=1.0, open_high=True)
mask = sp.Symbol("m", nonnegative=True)   # Bernoulli(1 - p) keep mask

REGULARIZERS = (
    Entry("l1", "regularizer", lam.symbol * sp.Abs(w), (w,), "L1 penalty lambda |w|", KERAS,
          params=(lam,),
          kinks=(Kink(0, 0, "d|w|/dw at 0 taken as 0 (the subgradient of least norm, sign(0) = 0); JAX and seed 000: 1",
                      alternatives={"seed 000: 2H(0) - 1": 1, "JAX": 1}, jax=lam.symbol, seeds=lam.symbol),),
          extra={"placements": PLACEMENTS}),
    Entry("l2", "regularizer", lam.symbol * w**2, (w,), "L2 penalty lambda w^2 (Keras: no factor 1/2)", KERAS,
          params=(lam,), extra={"placements": PLACEMENTS}),
    Entry("dropout", "regularizer", mask * x / (1 - p_drop.symbol), (x,),
          "inverted dropout: keep x with probability 1 - p and scale it by 1/(1 - p) in training; "
          "identity at inference", "https://pytorch.org/docs/stable/generated/torch.nn.functional.dropout.html",
          params=(p_drop,), torch="dropout",
          extra={"random": {"symbol": mask, "law": "bernoulli", "keep": 1 - p_drop.symbol},
                 "inference_expr": x}),
    Entry("dropout_seed", "regularizer", mask * x, (x,),
          "dropout as in seed 002: keep x with probability 1 - p in training, multiply by 1 - p at inference",
          "seed 002; Srivastava et al. (2014)", params=(p_drop,),
          extra={"random": {"symbol": mask, "law": "bernoulli", "keep": 1 - p_drop.symbol},
                 "inference_expr": (1 - p_drop.symbol) * x}),
)
