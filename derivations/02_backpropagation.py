"""Document 2: backpropagation for small networks: scalar chains, layer equations, softmax cross-entropy."""

import re

import sympy as sp

from symderiv.calculus.backprop import chain_blocks, layered, scalar_chain
from symderiv.calculus.derivative import derivative
from symderiv.calculus.index_form import blackboard, index_name, index_rows
from symderiv.calculus.lecture_networks import WORKED_VALUES, lecture_network
from symderiv.calculus.network import deep_mlp
from symderiv.calculus.worked_example import DPS, SHOWN, worked_rows
from symderiv.lecture.blocks import B, ClaimBox, ClaimRef, Document, E, Figure, P, Plot, Ref, S, Series
from symderiv.lecture.checks import equal
from symderiv.verify.claims import Claim

TITLE = "Backpropagation for small networks"
SEEDS = ("001_10d942a10df8e8ce.txt", "004_60e4e0c29def9815.txt")
J = sp.Symbol("J")


def _name(name: str) -> str:
    """Display name: z1 -> z_1, g_z2 / dW2 (gradients) -> zbar_2 / Wbar_2 (SymPy prints a bar)."""
    grad = name.startswith("g_") or (name[:1] == "d" and len(name) > 1 and name[1].isalpha())
    base = name[2:] if name.startswith("g_") else name[1:] if grad else name
    m = re.fullmatch(r"([A-Za-z]+?)(\d*)", base)
    if m is None:
        return name
    stem, digits = m.group(1), m.group(2)
    return stem + ("bar" if grad else "") + (f"_{digits}" if digits else "")


def _display(expr):
    """Rename arrays and symbols of a layered derivation for printing."""
    subs = {}
    for a in expr.atoms(sp.MatrixSymbol):
        subs[a] = sp.MatrixSymbol(_name(a.name), *a.shape)
    for s in expr.atoms(sp.Symbol):
        subs[s] = sp.Symbol(_name(s.name), real=True)
    return expr.xreplace(subs)


def _chains(catalog):
    items = [P("Seed 001 asks for the gradients of one, two and three ReLU neurons in a row. Take the chain ",
               sp.Eq(sp.Symbol("a_0"), sp.Symbol("x"), evaluate=False), ", ",
               sp.Eq(sp.Symbol("z_l"), sp.Symbol("w_l") * sp.Symbol("a_{l-1}") + sp.Symbol("b_l"), evaluate=False), ", ",
               sp.Eq(sp.Symbol("a_l"), sp.Function("f")(sp.Symbol("z_l")), evaluate=False),
               " with the loss ", sp.Eq(J, (sp.Symbol("t") - sp.Symbol("a_L")) ** 2 / 2, evaluate=False),
               ". Instead of differentiating the nested expression, the chain rule is applied once per layer: "
               "the error signal ", sp.Eq(sp.Symbol("delta_l"), sp.Derivative(J, sp.Symbol("z_l")), evaluate=False),
               " of a layer is that of the next layer times the local derivatives.")]
    for depth in (1, 2, 3):
        ch = scalar_chain(depth, "relu", catalog=catalog)
        nice = {fp: sp.Symbol(f"f'_{l + 1}") for l, fp in enumerate(ch.fp)}
        rows = [(d, e.xreplace(nice)) for d, e in ch.backward]
        rows += [(sp.Derivative(J, p), g.xreplace(nice)) for p, g in ch.gradients if p in ch.w]
        rows += [(sp.Derivative(J, ch.w[0]), ch.expanded(ch.w[0]).xreplace(nice))] if depth > 1 else []
        items += [P(f"{depth} layer{'s' if depth > 1 else ''}:"), E(*rows)]
    relu = catalog.get("relu")
    items += [
        P("For ReLU, ", sp.Eq(sp.Symbol("f'_l"), derivative(relu).subs(relu.var, sp.Symbol("z_l")), evaluate=False),
          " (the catalog's value 0 at the kink, as PyTorch). The asker of seed 001 wrote products of the weights "
          "instead of this chain; the answer's single-neuron result and layer equations are right:"),
        ClaimRef("seed001.asker_one_layer"), ClaimRef("seed001.asker_two_layers"),
        ClaimRef("seed001.asker_three_layers"), ClaimRef("seed001.answer_single_neuron"),
    ]
    sizes = _sizes(catalog)
    plot = Plot((Series("ops", "recursion", "layer recursion (all gradients, cse per layer)", x="depth"),
                 Series("ops", "expanded", "every gradient as one expanded product", x="depth", style="dashed")),
                xlabel=("depth L",), ylabel=("operations (SymPy count_ops)",), legend="north west")
    items += [
        P("Figure ", Ref("cost"), " counts the operations of the two ways to write all gradients of a tanh chain: "
          "the recursion reuses each layer's error signal, so its size grows linearly with depth; writing each "
          "gradient out as a product repeats the shared factors and grows quadratically."),
        Figure("cost", (plot,), ("Size of the derived gradients of an L-layer tanh chain, all weights and biases.",),
               data={"ops": sizes}),
        ClaimBox(Claim("chain.linear_cost", "the layer recursion's size grows by the same number of operations "
                       "with every added layer (tanh chain, L = 2..12)", "measured: SymPy count_ops of chain_blocks",
                       lambda: _linear(sizes))),
    ]
    ch3 = scalar_chain(3, "relu", catalog=catalog)
    items.append(ClaimBox(Claim(
        "chain3.relu_matches_nested",
        "for three ReLU layers the delta recursion's dJ/dw_1 equals SymPy's derivative of the nested expression",
        "symbolic at a point with every pre-activation positive, and at one where z_2 < 0",
        lambda: _chain_check(ch3), source=SEEDS[0])))
    return S("Scalar chains of one to three layers", *items)


def _sizes(catalog, depths=range(1, 13)):
    rows = []
    for L in depths:
        ch = scalar_chain(L, "tanh", catalog=catalog)
        rec = sum(sp.count_ops(e) for _, e in chain_blocks(ch))
        exp = sum(sp.count_ops(ch.expanded(p, forward=True)) for p in ch.w + ch.b)
        rows.append((L, rec, exp))
    return (("depth", "recursion", "expanded"),) + tuple(rows)


def _linear(sizes):
    steps = sorted({b[1] - a[1] for a, b in zip(sizes[2:], sizes[3:])})
    ev = {"holds": len(steps) == 1, "ops_added_per_layer": steps}
    if len(steps) != 1:
        ev["counterexample"] = {"different_increments": steps}
    return ev


def _chain_check(ch):
    """Compare the recursion with diff of the nested expression (small depth only) at two points."""
    nested = ch.loss
    for name, expr in reversed(ch.forward):
        nested = nested.subs(name, expr)
    evs = []
    for point in ({ch.x: 1, ch.t: 2, ch.w[0]: sp.Rational(1, 2), ch.w[1]: sp.Rational(3, 2), ch.w[2]: 2,
                   ch.b[0]: 0, ch.b[1]: sp.Rational(1, 4), ch.b[2]: 0},
                  {ch.x: 1, ch.t: 2, ch.w[0]: sp.Rational(1, 2), ch.w[1]: -3, ch.w[2]: 2,
                   ch.b[0]: 0, ch.b[1]: sp.Rational(1, 4), ch.b[2]: 1}):
        direct = sp.diff(nested, ch.w[0]).subs(point)
        recursive = ch.expanded(ch.w[0], forward=True).subs(point)
        evs.append(equal(sp.piecewise_fold(recursive), sp.piecewise_fold(direct)))
    ev = {"holds": all(e["holds"] for e in evs), "points": len(evs),
          "max_abs_error": max(e["max_abs_error"] for e in evs)}
    if not ev["holds"]:
        ev["counterexample"] = next(e["counterexample"] for e in evs if not e["holds"])
    return ev


def _layers(catalog):
    net = layered(deep_mlp(catalog, 3, "sigmoid"))
    fwd = [(sp.Symbol(_name(n)), _display(e)) for n, e in net.forward]
    bwd = [(sp.Symbol(_name(n)), _display(e)) for n, e in net.backward]
    return S(
        "The general layer equations",
        P("For a network of dense layers the same recursion runs on whole arrays. Rows of ",
          sp.Symbol("x"), " are the N samples; a dense layer computes ",
          sp.Eq(sp.Symbol("z_l"),
                sp.MatAdd(sp.MatMul(sp.MatrixSymbol("a_{l-1}", sp.Symbol("N"), sp.Symbol("m")),
                                    sp.MatrixSymbol("W_l", sp.Symbol("n_l"), sp.Symbol("m")).T),
                          sp.MatrixSymbol("b_l", sp.Symbol("N"), sp.Symbol("n_l")), evaluate=False), evaluate=False),
          " and an activation ", sp.Eq(sp.Symbol("a_l"), sp.Function("f")(sp.Symbol("z_l")), evaluate=False),
          " element by element. For a three-layer sigmoid network with the loss averaged over the batch, the "
          "forward pass is"),
        E(*fwd, (J, _display(net.loss))),
        P("Writing a bar for the gradient of J with respect to an array (", sp.Eq(sp.Symbol("zbar_l"),
          sp.Derivative(J, sp.Symbol("z_l")), evaluate=False), "), SymPy derives the backward pass layer by layer:"),
        E(*bwd),
        P("The three dense-layer rules are the weight gradient (error times the layer's input), the bias gradient "
          "(error summed over the batch) and the error passed down (error times the weights); the activation "
          "multiplies the error by its derivative element by element. That is the delta recursion of seed 004, "
          "and the three equations of seed 001's answer:"),
        ClaimRef("seed004.backprop.delta_rule"),
        ClaimRef("seed001.answer_equation_1"), ClaimRef("seed001.answer_equation_2"),
        ClaimRef("seed001.answer_equation_3"),
    )


def _softmax(catalog):
    ce, soft = catalog.get("cross_entropy"), catalog.get("softmax")
    ys, ts = ce.extra["inputs"], ce.extra["targets"]
    K = len(ys)
    p = [soft.expr[i].subs(dict(zip(soft.variables, ys))) for i in range(K)]
    psym = sp.symbols(f"p_1:{K + 1}", positive=True)
    likelihood = sp.Mul(*[pj ** tj for pj, tj in zip(psym, ts)])
    grads = [derivative(ce, y) for y in ys]
    normalised = {ts[-1]: 1 - sum(ts[:-1])}
    claims = [ClaimBox(Claim(f"softmax_ce.gradient_{i + 1}",
                             f"d(cross-entropy)/dy_{i + 1} = softmax_{i + 1}(y) - t_{i + 1} when the targets sum to 1 (K = {K})",
                             "symbolic, with t_K = 1 - t_1 - ... - t_(K-1)",
                             lambda i=i: equal(grads[i], p[i] - ts[i], assume=normalised), source=SEEDS[1]))
              for i in range(K)]
    return S(
        "Softmax with cross-entropy",
        P("A classifier with K classes outputs logits ", sp.Symbol("y_j"), " and probabilities ",
          sp.Eq(sp.Symbol("p_j"), sp.exp(sp.Symbol("y_j")) / sp.Sum(sp.exp(sp.Symbol("y_k")), (sp.Symbol("k"), 1, sp.Symbol("K"))),
                evaluate=False),
          ". For a target distribution t (one-hot for a label), the multinomial likelihood of the observation and "
          f"its negative logarithm are, for K = {K},"),
        E((sp.Symbol("P"), likelihood), (J, sp.expand_log(-sp.log(likelihood), force=True))),
        P("Substituting the softmax gives the catalog's cross-entropy, built exactly this way:"),
        E((J, ce.expr)),
        P("SymPy's derivative with respect to the first logit is"),
        E((sp.Derivative(J, ys[0]), grads[0])),
        P("and with ", sp.Eq(sum(ts), 1, evaluate=False), " it collapses to ",
          sp.Eq(sp.Derivative(J, sp.Symbol("y_i")), sp.Symbol("p_i") - sp.Symbol("t_i"), evaluate=False),
          ": prediction minus target, the same form as the squared error's output gradient. This is why "
          "softmax and cross-entropy are fused in practice (PyTorch's cross_entropy takes logits)."),
        *claims,
        ClaimRef("form.softmax_jacobian"),
        ClaimRef("seed004.softmax.multinomial_loss"),
    )


def _classifier(catalog):
    """The three-layer network of `lecture_networks` (tanh, sigmoid, softmax + cross-entropy, L2 on W1)."""
    lay = layered(lecture_network(catalog, "three_layer"))
    fwd = [(blackboard(sp.Symbol(n)), blackboard(e)) for n, e in lay.forward]
    bwd = [(blackboard(sp.Symbol(n)), blackboard(e)) for n, e in lay.backward]
    idx = [row for row in index_rows(lay, index_name) if not _trivial(row)]
    widths = dict(lay.network.widths)
    return S(
        "A three-layer classifier",
        P(f"Now a classifier with {widths['x']} inputs, two hidden layers of {widths['z1']} and {widths['z2']} units "
          f"(tanh, then the sigmoid) and {widths['z3']} classes; its last layer is linear and the loss is the "
          "softmax cross-entropy of the previous section, averaged over the batch, plus an L2 penalty ",
          sp.Symbol("lambda_1") * sp.Symbol("||W_1||^2"), " on the first kernel. The network is given as data "
          "(the same table `symderiv network` reads from a TOML file), and SymPy derives it layer by layer:"),
        E(*fwd, (J, blackboard(lay.loss))),
        P("Backward, ", sp.Symbol("delta_l"), " is the gradient of J with respect to ", sp.Symbol("z_l"),
          ", a bar the gradient with respect to an array, and ", sp.Symbol("Wtilde_1"), " the part of ",
          sp.Symbol("Wbar_1"), " that comes from the data term. The output layer starts the recursion with "
          "softmax minus target (the row sums are over the classes), each activation multiplies by its "
          "derivative written in its output (", sp.Eq(sp.Symbol("tanh'"), 1 - sp.Symbol("a") ** 2, evaluate=False),
          ", ", sp.Eq(sp.Symbol("sigma'"), sp.Symbol("a") * (1 - sp.Symbol("a")), evaluate=False),
          "), and the L2 term adds ", 2 * sp.Symbol("lambda_1") * sp.Symbol("W_1"), " to one gradient only:"),
        E(*bwd),
        P("The same rows in index form (sample n, unit i; a kernel's row i and column j), obtained by SymPy "
          "from the matrix form above:"),
        E(*idx),
        ClaimRef("network.three_layer.gradients"),
    )


def _trivial(row):
    """An index-form row that only renames (delta_3 = abar_3): left out."""
    return isinstance(row[1], sp.Indexed)


def _worked(catalog):
    """The worked example: each intermediate as formula, numbers substituted, result (all by SymPy)."""
    lay = layered(lecture_network(catalog, "worked"))
    rows = worked_rows(lay, WORKED_VALUES)
    given = [(blackboard(sp.Symbol(k)), _matrix(v)) for k, v in WORKED_VALUES.items()]
    items = [
        P("A tiny instance of the same network, small enough for the board: two inputs, two units in each "
          "layer, two classes, one sample of class 2 and ", sp.Eq(sp.Symbol("lambda_1"),
                                                                 sp.Float(lay.network.coefficient_values["lambda_1"], 2),
                                                                 evaluate=False),
          ". The numbers are"),
        E(*given),
        P("Each intermediate below is its formula, then the same with the numbers of the rows above "
          f"(rounded to {SHOWN} digits for display; the computation keeps {DPS}), then the result:"),
    ]
    for row in rows:
        lhs = J if row.name == "loss" else blackboard(sp.Symbol(row.name))
        if row.formula == row.substituted or isinstance(row.formula, sp.Symbol):
            items.append(E((lhs, blackboard(row.formula)), (sp.Symbol(""), row.shown)))
            continue
        items.append(E((lhs, blackboard(row.formula)), (sp.Symbol(""), row.substituted), (sp.Symbol(""), row.shown)))
    items += [P("The module `symderiv network --numpy` emits for this network computes the same numbers, and its "
                "gradients agree with central differences of the loss:"),
              ClaimRef("network.worked.numbers"), ClaimRef("network.worked.gradients")]
    return S("A worked example", *items)


def _matrix(v):
    rows = v if isinstance(v[0], (list, tuple)) else [v]
    return sp.ImmutableMatrix([[sp.Float(e, 3) for e in r] for r in rows])


def document(catalog):
    return Document(TITLE, (
        S("The idea",
          P("Backpropagation is the chain rule organised so that each layer is visited once on the way forward "
            "and once on the way back. Every derivative below is computed by SymPy one layer at a time, the "
            "way a framework does it, never by differentiating the fully nested expression; the cost grows "
            "linearly with depth."),
          B("forward: store each layer's pre-activation z and activation a;",
            "backward: start from the loss's derivative and multiply by one local derivative per layer;",
            "parameters: a weight's gradient is its layer's error signal times the layer's input.")),
        _chains(catalog), _layers(catalog), _softmax(catalog), _classifier(catalog), _worked(catalog)),
        abstract=("The chain rule for scalar chains of one to three neurons, the general layer equations with the "
                  "delta recursion, softmax with cross-entropy from the multinomial likelihood, a three-layer "
                  "classifier in matrix and index form, and a worked example with numbers."),
        sources=SEEDS)
