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

from symderiv.calculus.derivative import derivative
from symderiv.calculus.layers import (K, N, RULES, BatchSum, Total, dense_scalar, elementwise_rule,  # noqa: F401
                                      loss_backward, loss_forward)
from symderiv.calculus.network import Network, mlp2, with_convention
from symderiv.catalog import Entry, load_catalog
from symderiv.errors import SymderivError
from symderiv.symbols import t as T_LOSS, y as Y_LOSS

MAX_DEPTH = 100_000


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

        Built by substituting the recursion row by row (O(L^2) in size, for display and tests), never by
        differentiating. Without `forward` it reads (a_L - t) fp_L w_L ... fp_l a_{l-1}.
        """
        full = {}
        for name, expr in (self.forward if forward else ()) + self.backward:   # each row once, in order
            full[name] = expr.xreplace(full)
        return dict(self.gradients)[param].xreplace(full)

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
    """The chain as a network of one-unit layers: the same dense and activation rules as `layered`
    (`layers.dense_scalar`, `layers.elementwise_rule`), in scalars."""
    defaults = entry.defaults(**dict(params))
    x, t = sp.Symbol("x", real=True), sp.Symbol("t", real=True)
    names = {k: sp.symbols(f"{k}_1:{depth + 1}", real=True) for k in ("w", "b", "z", "a", "fp", "delta")}
    w, b, z, a, fps, delta = (names[k] for k in ("w", "b", "z", "a", "fp", "delta"))
    inputs = (x,) + a[:-1]
    dense = [dense_scalar(w[l], inputs[l], b[l]) for l in range(depth)]   # (z, dz/da, dz/dw, dz/db)
    forward = []
    for l in range(depth):
        f_l, fp_l = elementwise_rule(entry, z[l], a[l], lambda e: e.subs(defaults))
        forward += [(z[l], dense[l][0]), (a[l], f_l), (fps[l], fp_l)]
    J = loss_entry.expr.subs({Y_LOSS: a[-1], T_LOSS: t})
    dJ_da = derivative(loss_entry, Y_LOSS).subs({Y_LOSS: a[-1], T_LOSS: t})
    backward = [(delta[-1], dJ_da * fps[-1])]
    for l in range(depth - 2, -1, -1):
        backward.append((delta[l], dense[l + 1][1] * delta[l + 1] * fps[l]))
    grads = []
    for l in range(depth):
        grads += [(w[l], delta[l] * dense[l][2]), (b[l], delta[l] * dense[l][3])]
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
    return layered(mlp2(catalog or load_catalog(), activation), convention)


def layered(network: Network, convention: str = "catalog") -> Layered:
    """Derive every parameter gradient of `network` by the layer recursion (`symderiv.calculus.layers`).

    Forward: each layer's forward rule in order; J = the loss's data term + every penalty.
    Backward: from g_<output> = dJ/d(output), each layer's backward rule in reverse order.
    """
    width = {}
    forward, loss_terms = [], []
    for layer in network.layers:
        rows, terms = RULES[type(layer)][0](layer, width, convention)
        forward += rows
        loss_terms += terms
    loss = loss_forward(network) + sp.Add(*loss_terms)
    backward, grads = [loss_backward(network)], []
    for layer in reversed(network.layers):
        assert backward[-1][0] == f"g_{layer.outputs}", "layers must form a chain"
        RULES[type(layer)][1](layer, width, convention, backward, grads, layer.inputs == network.input)
    free = set().union(*[e.free_symbols for _, e in forward + backward], loss.free_symbols)
    arrays = {network.input, network.target, *network.parameters, *(n for n, _ in forward + backward)}
    symbols = tuple(sorted((s for s in free if s.name not in arrays and s not in (N, K)), key=lambda s: s.name))
    return Layered(network, convention, tuple(forward), loss, tuple(backward), tuple(grads), symbols)
