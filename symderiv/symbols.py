"""The fixed, real symbols every catalog expression is written in."""

import sympy as sp

x = sp.Symbol("x", real=True)            # activation input (pre-activation z)
y = sp.Symbol("y", real=True)            # loss input: the prediction
t = sp.Symbol("t", real=True)            # loss target
w = sp.Symbol("w", real=True)            # a weight (regularizers)
K = 3                                     # size of the vector used to derive vector-valued entries
xs = sp.symbols(f"x_1:{K + 1}", real=True)   # vector input x_1..x_K
ys = sp.symbols(f"y_1:{K + 1}", real=True)   # vector prediction (logits)
ts = sp.symbols(f"t_1:{K + 1}", real=True)   # vector target (one-hot or probabilities)
