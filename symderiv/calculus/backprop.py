"""Chain-rule backprop derived layer by layer, so the cost grows linearly with depth.

Two forms, one recursion (seed 001's answer, seed 004's delta formula):

- the **scalar chain** (one neuron per layer, seed 001's question): ``a_0 = x``,
  ``z_l = w_l a_{l-1} + b_l``, ``a_l = f(z_l)``, ``J = loss(a_L, t)``;
  ``delta_L = dJ/da_L f'(z_L)``, ``delta_l = (dz_{l+1}/da_l) delta_{l+1} f'(z_l)``,
  ``dJ/dw_l = delta_l dz_l/dw_l``, ``dJ/db_l = delta_l dz_l/db_l``;
- the **layered matrix form** of a `Network` (rows are samples): for a dense layer
  ``Z = X W^T + 1 b`` the three vector-Jacobian products are SymPy's matrix derivatives of
  ``trace(G^T Z)`` (``G^T X``, the column sums of G, ``G W``); an activation multiplies G by
  ``f'(Z)`` element by element: ``delta^(l) = (delta^(l+1) W^(l+1)) * f'(z^(l))``,
  ``dJ/dW^(l) = delta^(l)^T a^(l-1)``.

Every local derivative is SymPy's ``diff`` of one layer's own expression (``f'`` is
`symderiv.calculus.derivative.derivative`, with the catalog's kink values); the nested
expression of the whole network is never built or differentiated.

Example::

    >>> c = scalar_chain(2, "relu")
    >>> c.gradients[0]            # (w_1, delta_1*x)
    (w_1, delta_1*x)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from symderiv.calculus.derivative import derivative, output_form
from symderiv.calculus.network import Activation, Dense, Network, with_convention
from symderiv.catalog import Entry, load_catalog
from symderiv.errors import SymderivError
from symderiv.symbols import t as T_LOSS, y as Y_LOSS

MAX_DEPTH = 100_000
F_OUT = sp.Symbol("f")          # the output symbol of `output_form`


# ----- the scalar chain ------------------------------------------------------------------------

@dataclass(frozen=True)
class Chain:
    """The derived scalar chain. Tuples are indexed by layer - 1 (w[0] is w_1).

    `forward` holds, per layer, (z_l, w_l a_{l-1} + b_l), (a_l, f(z_l)), (fp_l, f'(z_l));
    `backward` the (delta_l, ...) recursion from l = L down to 1; `gradients` the pairs
    (w_l, dJ/dw_l) and (b_l, dJ/db_l) in terms of delta_l and a_{l-1}; `loss` is J in a_L and t.
    """

    depth: int
    activation: Entry
    convention: str
    x: sp.Symbol
    t: sp.Symbol
    w: tuple
    b: tuple
    z: tuple
    a: tuple
    fp: tuple
    delta: tuple
    forward: tuple
    loss: sp.Expr
    backward: tuple
    gradients: tuple

    @property
    def fprime(self):
        """f'(x) of the activation (kinks resolved by the convention), in the catalog's variable x."""
        return derivative(self.activation).subs(self.activation.defaults())

    def expanded(self, param, forward=False):
        """dJ/d`param` as one product: the deltas substituted (and with `forward`, z, a, f' too).

        Built by substituting the recursion (O(L^2) in size, for display and tests), never by
        differentiating. Without `forward` it reads (a_L - t) fp_L w_L ... fp_l a_{l-1}.
        """
        subs = dict(self.backward) | (dict(self.forward) if forward else {})
        expr = dict(self.gradients)[param]
        for _ in range(3 * self.depth + 2):
            new = expr.xreplace(subs)
            if new == expr:
                break
            expr = new
        return expr


    def equations(self) -> dict:
        """SymPy rows for documents: {"definitions", "forward", "backward", "gradients"}.

        fp_l is shown as f'(z_l) (an undefined function named after the activation, e.g. relu');
        gradient rows are (param, dJ/dparam, the chain product) with the product only for depth <= 4.
        Example: ``scalar_chain(3, "relu").equations()["backward"][0]`` is
        ``(delta_3, (a_3 - t)*relu'(z_3))``.
        """
        f, fp = sp.Function(self.activation.name), sp.Function(f"{self.activation.name}'")
        shown = {self.fp[l]: fp(self.z[l]) for l in range(self.depth)}
        z = sp.Symbol("z", real=True)
        var = self.activation.var
        return {
            "definitions": ((f(z), self.activation.expr.subs(self.activation.defaults()).subs(var, z)),
                            (fp(z), self.fprime.subs(var, z)), (sp.Symbol("J"), self.loss)),
            "forward": tuple(row for l in range(self.depth)
                             for row in ((self.z[l], self.forward[3 * l][1]), (self.a[l], f(self.z[l])))),
            "backward": tuple((d, e.xreplace(shown)) for d, e in self.backward),
            "gradients": tuple((p, e.xreplace(shown), self.expanded(p).xreplace(shown) if self.depth <= 4 else None)
                               for p, e in self.gradients),
        }


def scalar_chain(depth: int, activation: str | Entry, convention: str = "catalog", catalog=None,
                 loss: str = "half_squared_error", **params) -> Chain:
    """Derive the scalar chain of `depth` layers of `activation` (parameters at their defaults).

    `convention` is ``catalog`` (relu'(0) = 0) or ``seed000`` (H(0) = 1). `params` override the
    activation's defaults (validated); learnable or random slopes (PReLU, RReLU) take their default
    (RReLU: its evaluation slope). The loss is seed 001's ``(t - a_L)^2 / 2`` by default.
    """
    catalog = catalog or load_catalog()
    entry = catalog.get(activation) if isinstance(activation, str) else activation
    _check_chain_args(depth, entry)
    return _scalar_chain(depth, with_convention(entry, convention), convention,
                         catalog.get(loss), tuple(sorted(params.items())))


def _check_chain_args(depth, entry):
    if not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= MAX_DEPTH:
        raise SymderivError(f"scalar_chain: depth must be an integer in [1, {MAX_DEPTH}], got {depth!r}")
    if entry.kind != "activation" or entry.is_vector or len(entry.variables) != 1:
        raise SymderivError(f"scalar_chain: '{entry.name}' is not a scalar activation (a scalar one from "
                            "`symderiv list`, e.g. relu, sigmoid, tanh)")


@lru_cache(maxsize=64)
def _scalar_chain(depth, entry, convention, loss_entry, params):
    defaults = entry.defaults(**dict(params))
    f = entry.expr.subs(defaults)
    fp = derivative(entry).subs(defaults)
    g = output_form(entry)          # f' as a function of the output (sigma' = f (1 - f)), if any
    x, t = sp.Symbol("x", real=True), sp.Symbol("t", real=True)
    names = {k: sp.symbols(f"{k}_1:{depth + 1}", real=True) for k in ("w", "b", "z", "a", "fp", "delta")}
    w, b, z, a, fps, delta = (names[k] for k in ("w", "b", "z", "a", "fp", "delta"))
    inputs = (x,) + a[:-1]
    local_z = [w[l] * inputs[l] + b[l] for l in range(depth)]
    forward = []
    for l in range(depth):
        fp_l = g.subs(F_OUT, a[l]) if g is not None else fp.subs(entry.var, z[l])
        forward += [(z[l], local_z[l]), (a[l], f.subs(entry.var, z[l])), (fps[l], fp_l)]
    J = loss_entry.expr.subs({Y_LOSS: a[-1], T_LOSS: t})
    dJ_da = derivative(loss_entry, Y_LOSS).subs({Y_LOSS: a[-1], T_LOSS: t})
    backward = [(delta[-1], dJ_da * fps[-1])]
    for l in range(depth - 2, -1, -1):
        backward.append((delta[l], sp.diff(local_z[l + 1], a[l]) * delta[l + 1] * fps[l]))
    grads = []
    for l in range(depth):
        grads += [(w[l], delta[l] * sp.diff(local_z[l], w[l])), (b[l], delta[l] * sp.diff(local_z[l], b[l]))]
    return Chain(depth, entry, convention, x, t, w, b, z, a, fps, delta, tuple(forward), J,
                 tuple(backward), tuple(grads))


def chain_blocks(chain: Chain):
    """The chain as ordered assignment blocks, each block cse'd on its own (linear in depth).

    Blocks: one per layer forward (z_l, a_l, fp_l), the loss, one per layer backward (delta_l,
    dJ/dw_l, dJ/db_l). Returns [(name, expr)] with cse temporaries ``c0, c1, ...`` placed just
    before the block that uses them; gradient names are ``dw_l``/``db_l``.
    """
    temps = sp.numbered_symbols("c")
    out = []
    for l in range(chain.depth):
        out += _cse_block(chain.forward[3 * l:3 * l + 3], temps)
    out.append((sp.Symbol("loss"), chain.loss))
    grads, layer_of = dict(chain.gradients), {d: l for l, d in enumerate(chain.delta)}
    for d, expr in chain.backward:
        l = layer_of[d]
        block = [(d, expr), (sp.Symbol(f"dw_{l + 1}"), grads[chain.w[l]]), (sp.Symbol(f"db_{l + 1}"), grads[chain.b[l]])]
        out += _cse_block(block, temps)
    return out


def _cse_block(block, temps):
    """cse of one block; each temporary is placed just before the first assignment that needs it."""
    reps, reduced = sp.cse([e for _, e in block], symbols=temps, order="none")
    defs, order = dict(reps), {s: i for i, (s, _) in enumerate(reps)}
    out, done = [], set()

    def need(expr):
        for s in sorted(expr.free_symbols & defs.keys() - done, key=order.get):
            if s not in done:
                need(defs[s])
                out.append((s, defs[s]))
                done.add(s)

    for (name, _), e in zip(block, reduced):
        need(e)
        out.append((name, e))
    return out


# ----- the layered matrix form of a Network ------------------------------------------------------

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


N = sp.Symbol("N", integer=True, positive=True)   # batch size


@dataclass(frozen=True)
class Layered:
    """The derived layered form of a network: ordered (name, expr) assignments.

    Each expr is either a matrix expression in MatrixSymbols (dense layers: products, column
    sums) or an element-wise expression in Symbols of the same names (activations, losses,
    regularizers, sums of contributions); both print to NumPy that works on whole arrays.
    `gradients` maps each parameter name to the name of its gradient (``d<name>``).
    """

    network: Network
    convention: str
    forward: tuple
    loss: sp.Expr
    backward: tuple
    gradients: tuple
    symbols: tuple   # free scalar symbols beyond the arrays (regularizer coefficients, activation parameters)

    def equations(self) -> tuple:
        """(Symbol(name), expr) rows: forward pass, ``loss``, backward pass (for documents)."""
        rows = self.forward + (("loss", self.loss),) + self.backward
        return tuple((sp.Symbol(n), e) for n, e in rows)


def mlp2_derivation(activation: str = "relu", convention: str = "catalog", catalog=None) -> Layered:
    """Seed 000's network (x2 = x A^T + B, x3 = f(x2), y = x3 C^T + D, with its L1/L2 penalties), derived.

    ``mlp2_derivation("leaky_relu").equations()`` gives the rows (name, SymPy expression) of the
    forward pass, the loss and the backward pass, e.g. ``(dA, 2*A*kernel_l2 + g_A + kernel_l1*sign(A))``.
    """
    from symderiv.calculus.network import mlp2

    return layered(mlp2(catalog or load_catalog(), activation), convention)


def layered(network: Network, convention: str = "catalog") -> Layered:
    """Derive every parameter gradient of `network` by the layer recursion (see module docstring)."""
    width = {}
    forward, loss_terms = [], []
    for layer in network.layers:
        _forward_layer(layer, width, forward, loss_terms, convention)
    y, tt = sp.Symbol(network.output, real=True), sp.Symbol(network.target, real=True)
    loss = Total(network.loss.expr.subs({Y_LOSS: y, T_LOSS: tt})) / N + sum(loss_terms, sp.S.Zero)
    backward = [(f"g_{network.output}", derivative(network.loss, Y_LOSS).subs({Y_LOSS: y, T_LOSS: tt}) / N)]
    grads = []
    for layer in reversed(network.layers):
        _backward_layer(layer, width, network, backward, grads, convention)
    free = set().union(*[e.free_symbols for _, e in forward + backward], loss.free_symbols)
    arrays = {network.input, network.target, *network.parameters, *(n for n, _ in forward + backward)}
    symbols = tuple(sorted((s for s in free if s.name not in arrays and s != N), key=lambda s: s.name))
    return Layered(network, convention, tuple(forward), loss, tuple(backward), tuple(grads), symbols)


def _matrix(name, width_of):
    """The (batch, width) MatrixSymbol `name`."""
    return sp.MatrixSymbol(name, N, width_of)


def _dense_parts(layer, width):
    width.setdefault(layer.inputs, sp.Symbol(f"n_{layer.inputs}", integer=True, positive=True))
    width.setdefault(layer.outputs, sp.Symbol(f"n_{layer.outputs}", integer=True, positive=True))
    X = _matrix(layer.inputs, width[layer.inputs])
    W = sp.MatrixSymbol(layer.kernel, width[layer.outputs], width[layer.inputs])
    b = sp.MatrixSymbol(layer.bias, 1, width[layer.outputs])
    return X, W, b


def _forward_layer(layer, width, forward, loss_terms, convention):
    if isinstance(layer, Dense):
        X, W, b = _dense_parts(layer, width)
        row = sp.MatrixSymbol(layer.inputs, 1, width[layer.inputs])   # one sample; rows broadcast
        forward.append((layer.outputs, row * W.T + b))
        for name, regs, per_sample in ((layer.kernel, layer.kernel_regularizers, False),
                                       (layer.bias, layer.bias_regularizers, False),
                                       (layer.outputs, layer.activity_regularizers, True)):
            v = sp.Symbol(name, real=True)
            for r in regs:
                loss_terms.append(Total(r.penalty(v)) / (N if per_sample else 1))
    elif isinstance(layer, Activation):
        width[layer.outputs] = width[layer.inputs]
        entry = layer.entry
        forward.append((layer.outputs, entry.expr.subs(entry.var, sp.Symbol(layer.inputs, real=True))))
    else:
        raise TypeError(f"layered: unknown layer type {type(layer).__name__}")


def _backward_layer(layer, width, network, backward, grads, convention):
    """Append this layer's assignments: g_<inputs> (unless it is the network input) and its gradients."""
    gname = f"g_{layer.outputs}"
    assert backward[-1][0] == gname, "layers must form a chain"
    if isinstance(layer, Activation):
        entry = with_convention(layer.entry, convention)
        fp = derivative(entry).subs(entry.var, sp.Symbol(layer.inputs, real=True))
        # folded into the Piecewise: numpy.where(x <= 0, 0, g) rather than g * where(x <= 0, 0, 1)
        backward.append((f"g_{layer.inputs}", sp.piecewise_fold(sp.Symbol(gname, real=True) * fp)))
        return
    X, W, b = _dense_parts(layer, width)
    G = _matrix(gname, width[layer.outputs])
    rename = dict(zip(_DENSE_TEMPLATE, (X, W, b, G)))
    d_kernel, d_bias, d_input = (e.xreplace(rename) for e in _dense_vjps())
    v = sp.Symbol(layer.outputs, real=True)   # activity penalties act on this layer's output
    extra = [r.gradient(v, convention) / N for r in layer.activity_regularizers]
    if extra:
        backward[-1] = (gname, backward[-1][1] + sp.Add(*extra))
    for pname, regs, chain in ((layer.kernel, layer.kernel_regularizers, d_kernel),
                               (layer.bias, layer.bias_regularizers, d_bias)):
        p = sp.Symbol(pname, real=True)
        penalty = [r.gradient(p, convention) for r in regs]
        if penalty:
            backward.append((f"g_{pname}", chain))
            backward.append((f"d{pname}", sp.Symbol(f"g_{pname}", real=True) + sp.Add(*penalty)))
        else:
            backward.append((f"d{pname}", chain))
        grads.append((pname, f"d{pname}"))
    if layer.inputs != network.input:
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
