"""The layer kinds of a network, each with its forward rule and its backward rule side by side.

Rows are samples; arrays are named by the network (`symderiv.calculus.network`). A forward rule
returns the layer's assignments and its loss terms (regularizers); a backward rule receives
``g_<outputs>`` = dJ/d(outputs) (the delta of the layer) and appends ``g_<inputs>`` and the
gradients of its parameters. Every local derivative is SymPy's: `derivative` of the catalog
entry (with its kink values), the matrix derivative of ``trace(G^T Z)`` for a dense layer, and
`rowwise.generalize` of the catalog's K = 3 Jacobian for softmax-like layers.

    dense       Z = A W^T + 1 b         Wbar = G^T A,  bbar = 1^T G,  Abar = G W
    activation  A = f(Z) (elementwise)  Zbar = G * f'(Z)            (f' in the output where it has a form)
    rowwise     A = f(Z) (per sample)   Zbar_j = sum_i G_i dA_i/dZ_j
    loss        J = 1/D sum l(Y, T)     Ybar = dl/dY / D            (D = N, or N K for a mean over outputs)
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from symderiv.calculus.derivative import derivative, output_form
from symderiv.calculus.network import Activation, Dense, Rowwise, with_convention
from symderiv.calculus.rowwise import generalize
from symderiv.symbols import t as T_LOSS, xs, y as Y_LOSS

N = sp.Symbol("N", integer=True, positive=True)   # batch size
K = sp.Symbol("K", integer=True, positive=True)   # units of the output layer (the mean over outputs)
F_OUT = sp.Symbol("f")                             # the output symbol of `output_form`


class Total(sp.Function):
    """The sum of every element of an array (NumPy ``numpy.sum``, LaTeX ``\\sum``)."""

    def _numpycode(self, printer):
        return f"numpy.sum({printer._print(self.args[0])})"

    def _latex(self, printer):
        return rf"\sum {printer.parenthesize(self.args[0], 50)}"


class BatchSum(sp.Function):
    """The column sums 1^T G of a (batch, width) array: the bias gradient (``numpy.sum(G, axis=0)``)."""

    def _numpycode(self, printer):
        return f"numpy.sum({printer._print(self.args[0])}, axis=0)"

    def _latex(self, printer):
        return rf"\sum_{{n}} {printer._print(self.args[0])}"


def real(name):
    return sp.Symbol(name, real=True)


def width_of(width, name):
    return width.setdefault(name, sp.Symbol(f"n_{name}", integer=True, positive=True))


# ----- dense: Z = A W^T + 1 b ----------------------------------------------------------------------

def dense_scalar(w, a, b):
    """One unit: (z, dz/da, dz/dw, dz/db) of z = w a + b, by SymPy (the scalar chain's dense rule)."""
    z = w * a + b
    return z, sp.diff(z, a), sp.diff(z, w), sp.diff(z, b)


def _dense_parts(layer, width):
    n_in, n_out = width_of(width, layer.inputs), width_of(width, layer.outputs)
    return (sp.MatrixSymbol(layer.inputs, N, n_in), sp.MatrixSymbol(layer.kernel, n_out, n_in),
            sp.MatrixSymbol(layer.bias, 1, n_out))


def dense_forward(layer, width, convention):
    """z = a W^T + b (one row; rows broadcast) and the layer's penalties: sum R(W), sum R(b), mean_n sum R(z)."""
    X, W, b = _dense_parts(layer, width)
    row = sp.MatrixSymbol(layer.inputs, 1, width[layer.inputs])
    terms = [sp.Add(*[Total(r.penalty(real(name))) for r in regs]) / (N if per_sample else 1)
             for name, regs, per_sample in ((layer.kernel, layer.kernel_regularizers, False),
                                            (layer.bias, layer.bias_regularizers, False),
                                            (layer.outputs, layer.activity_regularizers, True)) if regs]
    return [(layer.outputs, row * W.T + b)], terms


def dense_backward(layer, width, convention, backward, grads, is_input):
    """Wbar = G^T A (+ R'(W)), bbar = 1^T G (+ R'(b)), Abar = G W; activity penalties add R'(z)/N to G."""
    X, W, b = _dense_parts(layer, width)
    gname = f"g_{layer.outputs}"
    G = sp.MatrixSymbol(gname, N, width[layer.outputs])
    d_kernel, d_bias, d_input = (e.xreplace(dict(zip(_DENSE_TEMPLATE, (X, W, b, G)))) for e in _dense_vjps())
    extra = [r.gradient(real(layer.outputs), convention) / N for r in layer.activity_regularizers]
    if extra:
        backward[-1] = (gname, backward[-1][1] + sp.Add(*extra))
    for pname, regs, chain in ((layer.kernel, layer.kernel_regularizers, d_kernel),
                               (layer.bias, layer.bias_regularizers, d_bias)):
        penalty = [r.gradient(real(pname), convention) for r in regs]
        if penalty:
            backward.append((f"g_{pname}", chain))
            backward.append((f"d{pname}", real(f"g_{pname}") + sp.Add(*penalty)))
        else:
            backward.append((f"d{pname}", chain))
        grads.append((pname, f"d{pname}"))
    if not is_input:
        backward.append((f"g_{layer.inputs}", d_input))


_N_IN, _N_OUT = sp.symbols("n_in n_out", integer=True, positive=True)
_DENSE_TEMPLATE = (sp.MatrixSymbol("X", N, _N_IN), sp.MatrixSymbol("W", _N_OUT, _N_IN),
                   sp.MatrixSymbol("b", 1, _N_OUT), sp.MatrixSymbol("G", N, _N_OUT))


@lru_cache(maxsize=1)
def _dense_vjps():
    """dJ/dW, dJ/db, dJ/dX of a dense layer Z = X W^T + 1 b, given G = dJ/dZ: SymPy's matrix
    derivatives of trace(G^T Z), derived once for the template symbols and renamed per layer."""
    X, W, b, G = _DENSE_TEMPLATE
    vjp = sp.Trace(G.T * (X * W.T + sp.OneMatrix(N, 1) * b))
    return vjp.diff(W), _column_sums(vjp.diff(b)), vjp.diff(X)


def _column_sums(expr):
    """1^T G (the bias VJP) as BatchSum(G)."""
    def is_ones_row(e):
        return isinstance(e, sp.MatMul) and isinstance(e.args[0], sp.OneMatrix) and e.args[0].shape[0] == 1

    return expr.replace(is_ones_row, lambda e: BatchSum(sp.MatMul(*e.args[1:])))


# ----- element-wise activation: A = f(Z) -------------------------------------------------------------

def elementwise_rule(entry, z, a, fixed=lambda e: e):
    """(f(z), f'(z)) of a scalar catalog activation; f' in the output a where it has an output form
    (sigma' = a (1 - a), tanh' = 1 - a^2), else in z with the entry's kink values."""
    g = output_form(entry)
    fp = g.subs(F_OUT, a) if g is not None else fixed(derivative(entry)).subs(entry.var, z)
    return fixed(entry.expr).subs(entry.var, z), fp


def activation_forward(layer, width, convention):
    """a = f(z), element by element."""
    width[layer.outputs] = width_of(width, layer.inputs)
    return [(layer.outputs, elementwise_rule(layer.entry, real(layer.inputs), real(layer.outputs), layer.fixed)[0])], []


def activation_backward(layer, width, convention, backward, grads, is_input):
    """zbar = abar * f'(z), folded into f's pieces (numpy.where(z <= 0, 0, abar), not abar * where(...))."""
    entry = with_convention(layer.entry, convention)
    fp = elementwise_rule(entry, real(layer.inputs), real(layer.outputs), layer.fixed)[1]
    backward.append((f"g_{layer.inputs}", sp.piecewise_fold(real(f"g_{layer.outputs}") * fp)))


# ----- row-wise activation: A = f(Z) over the units of a sample (softmax, log_softmax) ---------------------

_GS = sp.symbols(f"g_1:{len(xs) + 1}", real=True)


def rowwise_forward(layer, width, convention):
    """a_j = f_j(z), the catalog's component 1 generalized to any number of units."""
    width[layer.outputs] = width_of(width, layer.inputs)
    return [(layer.outputs, generalize(layer.entry.expr[0], {real(layer.inputs): xs}, free=0))], []


def rowwise_backward(layer, width, convention, backward, grads, is_input):
    """zbar_j = sum_i abar_i da_i/dz_j, from the catalog's Jacobian (derivative) generalized to any width."""
    column = derivative(layer.entry, xs[0])
    vjp = sp.Add(*[g * column[i] for i, g in enumerate(_GS)])
    families = {real(layer.inputs): xs, real(f"g_{layer.outputs}"): _GS}
    backward.append((f"g_{layer.inputs}", generalize(vjp, families, free=0)))


RULES = {Dense: (dense_forward, dense_backward), Activation: (activation_forward, activation_backward),
         Rowwise: (rowwise_forward, rowwise_backward)}


# ----- the loss: J = 1/D sum over samples (and outputs) of l(Y, T) --------------------------------------

def loss_forward(network):
    """The data term of J: the batch mean of the per-sample loss (sum or mean over outputs)."""
    per_element, _ = _loss_parts(network)
    return Total(per_element) / _denominator(network)


def loss_backward(network):
    """(g_<output>, dl/dY / D): where the backward pass starts."""
    _, grad = _loss_parts(network)
    return f"g_{network.output}", grad / _denominator(network)


def _denominator(network):
    return N * K if network.averages_outputs else N


def _loss_parts(network):
    """(l, dl/dy) as element-wise arrays of the output Y and target T (vector losses per sample)."""
    entry, Y, T = network.loss, real(network.output), real(network.target)
    if "targets" in entry.extra:          # a vector loss over K outputs (cross_entropy)
        first = entry.extra["inputs"][0]
        families = {Y: entry.extra["inputs"], T: entry.extra["targets"]}
        return generalize(entry.expr, families), generalize(derivative(entry, first), families, free=0)
    subs = {Y_LOSS: Y, T_LOSS: T}
    return entry.expr.subs(subs), derivative(entry, Y_LOSS).subs(subs)
