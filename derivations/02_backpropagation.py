"""Document 2: backpropagation, taught: the chain rule one layer at a time, in column-vector form,
with a computation graph, a worked example, softmax with cross-entropy, a summary and exercises."""

import sympy as sp

from symderiv.calculus import column_backprop as cb
from symderiv.calculus import column_example as ex
from symderiv.calculus.backprop import chain_blocks, scalar_chain
from symderiv.calculus.derivative import derivative, output_form
from symderiv.calculus.growth import degree_evidence, polynomial_degree
from symderiv.lecture.blocks import (ClaimBox, ClaimRef, Cite, Document, E, Figure, Graph, P, Plot, Ref, S,
                                     Series, X)
from symderiv.lecture.checks import equal
from symderiv.lecture.notation import sym
from symderiv.verify.claims import Claim

TITLE = "Backpropagation for small networks"
SEEDS = ("001_10d942a10df8e8ce.txt", "004_60e4e0c29def9815.txt")
L = sym("L")
YHAT = sym("yhat")
DEPTHS = range(1, 13)


def _motivation():
    w, eta = sp.Symbol("w"), sym("eta")
    return S(
        "Why backpropagation",
        P("A network is trained by gradient descent: every parameter ", w, " takes a small step against the "
          "gradient of the loss, the step ", -eta * sp.Derivative(L, w), " with learning rate ", eta, ". A network has thousands to billions of parameters, and the loss is a "
          "deeply nested function of each of them. Backpropagation ", Cite("rumelhart1986"), " computes all of "
          "these derivatives in one backward sweep whose cost is about that of the forward pass: the chain rule, "
          "applied one layer at a time, reusing what the layer above has already computed ", Cite("goodfellow2016"),
          "."),
        P("These notes derive the rules with SymPy, check them against SymPy's derivative of the written-out "
          "loss, run them by hand on a small network, and end with softmax and cross-entropy."),
    )


def T(name, rows, cols):
    """The transpose of the matrix `name`, for printing."""
    return sp.MatrixSymbol(name, rows, cols).T


def _graphs():
    n0, n1, n2 = cb.shapes(2)
    x, z1, a1, z2 = sym("x"), sym("z", 1), sym("a", 1), sym("z", 2)
    W1, b1, W2, b2, d1, d2 = sym("W", 1), sym("b", 1), sym("W", 2), sym("b", 2), sym("delta", 1), sym("delta", 2)
    shape = sp.Tuple
    forward = Graph(
        "forward",
        (("x", (x, " ", shape(n0, 1)), (0, 0)), ("z1", (z1, " ", shape(n1, 1)), (4.5, 0)),
         ("a1", (a1, " ", shape(n1, 1)), (9, 0)), ("z2", (z2, " ", shape(n2, 1)), (9, -2)),
         ("yhat", (YHAT, " ", shape(n2, 1)), (4.5, -2)), ("L", (L, " (a number)"), (0, -2))),
        (("x", "z1", (W1, ", ", b1)), ("z1", "a1", ("f",)), ("a1", "z2", (W2, ", ", b2)),
         ("z2", "yhat", ("f",)), ("yhat", "L", (sym("t"),))),
        ("The forward pass of a two-layer network for one sample: each node is a column vector with its shape, "
         "each arrow the operation and the parameters it uses (", W1, " has shape ", shape(n1, n0), ", ", W2,
         " has shape ", shape(n2, n1), ")."))
    backward = Graph(
        "backward",
        (("L", (L,), (0, 0)), ("d2", (d2, " ", shape(n2, 1)), (3.5, 0)), ("d1", (d1, " ", shape(n1, 1)), (9.5, 0)),
         ("gW2", (sp.Derivative(L, W2), " ", shape(n2, n1)), (3.5, -2)),
         ("gW1", (sp.Derivative(L, W1), " ", shape(n1, n0)), (9.5, -2))),
        (("L", "d2", ("times ", sp.Symbol("f'_2"))), ("d2", "d1", (T("W_2", n2, n1), ", then times ", sp.Symbol("f'_1"))),
         ("d2", "gW2", ("times ", T("a_1", n1, 1))), ("d1", "gW1", ("times ", T("x", n0, 1)))),
        ("The backward pass: the error signals flow from the loss towards the input, each multiplied by the "
         "transposed weights and the local derivative; each weight gradient is an error signal times the "
         "layer's input, transposed, so it has the weight's shape."))
    return forward, backward


def _chain_claims(sizes):
    rec, expd = [r[1] for r in sizes[1:]], [r[2] for r in sizes[1:]]
    plot = Plot((Series("ops", "recursion", "layer recursion", x="depth", style="lines+marks"),
                 Series("ops", "expanded", "one expanded product per parameter", x="depth", style="dashed")),
                xlabel=("depth ", sym("n"), " (layers)"), ylabel=("operations (SymPy count_ops)",),
                ymode="log", legend="north west")
    fig = Figure("cost", (plot,), ("Size of all gradients of an ", sym("n"), "-layer tanh chain: the layer recursion "
                                   "(solid, marks) and one expanded product per parameter (dashed); logarithmic "
                                   "axis."), data={"ops": sizes})
    return [
        P("Why not differentiate the nested expression directly? Written out, the gradient of the first weight "
          "repeats every factor of the layers above it, and so does the gradient of every other parameter. "
          "Figure ", Ref("cost"), " counts the operations both ways for a chain of tanh units."),
        fig,
        ClaimBox(Claim("chain.linear_cost", "The layer recursion grows by the same {{constant}} operations with "
                       "every added layer: its size is a polynomial of degree {{degree}} in the depth.",
                       "counted: SymPy count_ops of the layer recursion, depths 1 to 12; degree by finite differences",
                       lambda: degree_evidence(rec, 1))),
        ClaimBox(Claim("chain.expanded_cost", "Written as one expanded product per parameter, the gradients grow as "
                       "a polynomial of degree {{degree}} in the depth: the differences of order {{degree}} of the "
                       "operation counts are all {{constant}}.",
                       "counted: SymPy count_ops of the expanded products, depths 1 to 12; degree by finite differences",
                       lambda: degree_evidence(expd, 3))),
    ]


def _sizes(catalog, depths=DEPTHS):
    rows = []
    for n in depths:
        ch = scalar_chain(n, "tanh", catalog=catalog)
        rec = sum(sp.count_ops(e) for _, e in chain_blocks(ch))
        exp = sum(sp.count_ops(ch.expanded(p, forward=True)) for p in ch.w + ch.b)
        rows.append((n, rec, exp))
    return (("depth", "recursion", "expanded"),) + tuple(rows)


def _scalar_chain(catalog, sizes):
    ch = scalar_chain(3, "relu", catalog=catalog)
    fp = {f: sp.Symbol(f"f'_{l + 1}") for l, f in enumerate(ch.fp)}
    nice = {**fp, ch.a[-1]: sym("a", 3)}
    rows = [(d, e.xreplace(nice)) for d, e in ch.backward]
    rows += [(sp.Derivative(L, p), g.xreplace(nice)) for p, g in ch.gradients if p in ch.w]
    w, b, a, z = sp.Symbol("w_l"), sp.Symbol("b_l"), sym("a", "l"), sym("z", "l")
    return S(
        "The chain rule, one layer at a time",
        P("Start with one unit per layer: ", sp.Eq(sym("a", 0), sym("x"), evaluate=False), ", ",
          sp.Eq(z, w * sp.Symbol("a_{l-1}") + b, evaluate=False), ", ", sp.Eq(a, sp.Function("f")(z), evaluate=False),
          " in layers ", sp.Eq(sym("l"), 1, evaluate=False), ", 2, 3, and the loss ",
          sp.Eq(L, (sym("t") - sym("a", 3)) ** 2 / 2, evaluate=False), ". The error signal of layer l is ",
          sp.Eq(sym("delta", "l"), sp.Derivative(L, z), evaluate=False), ". The chain rule gives it from the "
          "layer above: ", sym("delta", "l"), " is ", sym("delta", "l+1"), " times the weight that carries ",
          a, " upward times the local derivative ", sp.Eq(sp.Symbol("f'_l"), sp.Derivative(a, z), evaluate=False),
          ". SymPy derives, from the top layer down,"),
        E(*rows),
        P("Each weight's gradient is its layer's error signal times that layer's input. The delta of a layer is "
          "computed once and used by every layer below it: that reuse is the whole of backpropagation."),
        ClaimBox(Claim("chain3.relu_matches_nested",
                       "For three ReLU layers, the recursion's gradient of the first weight equals SymPy's derivative of "
                       "the fully nested loss, both with every unit active and with the second unit inactive.",
                       "symbolic at two points", lambda: _chain_check(ch), source=SEEDS[0]),
                 shown=()),
        P("A common mistake is to multiply the weights and forget the local derivatives. For ReLU, ",
          sp.Eq(sp.Symbol("f'_l"), derivative(catalog.get("relu")).subs(catalog.get("relu").var, z), evaluate=False),
          " (0 at the kink, as PyTorch takes it): an inactive unit blocks the gradient, and a formula without the "
          "factors ", sp.Symbol("f'_l"), " is wrong whenever a unit is inactive."),
        ClaimRef("seed001.asker_two_layers", shown=("Leaving out the factors ", sp.Symbol("f'_l"),
                                                    " gives a wrong gradient (a counterexample is in the appendix).")),
        ClaimRef("seed001.answer_single_neuron", shown=(
            "For one ReLU unit, ", sp.Eq(sp.Derivative(L, sp.Symbol("w")), (sp.Function("relu")(sp.Symbol("w") * sym("x"))
                                                                           - sym("t")) * sp.Function("H")(sp.Symbol("w") * sym("x"))
                                         * sym("x"), evaluate=False), ".")),
        *_chain_claims(sizes),
    )


def _chain_check(ch):
    """The recursion against diff of the nested expression, at two points (one unit inactive at the second)."""
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
    ev = {"holds": all(e["holds"] for e in evs), "points": len(evs)}
    if not ev["holds"]:
        ev["counterexample"] = next(e["counterexample"] for e in evs if not e["holds"])
    return ev


def _activations(catalog):
    u = sp.Symbol("u", real=True)
    sig, tanh = catalog.get("sigmoid"), catalog.get("tanh")
    return (lambda l: sp.Lambda(u, sig.expr.subs(sig.var, u)) if l == 1 else sp.Lambda(u, u),
            lambda l: sp.Lambda(u, derivative(sig).subs(sig.var, u)) if l == 1 else sp.Lambda(u, sp.S.One),
            sig, tanh)


def _vectors(catalog):
    f, fprime, sig, tanh = _activations(catalog)
    a, fsym = sym("a"), sp.Symbol("f")
    widths = (2, 3, 2)
    points = [cb.sample_point(widths, k) for k in (0, 1)]
    return S(
        "Layers of vectors",
        P("With several units per layer, each layer computes ", sp.Eq(sym("z", "l"), sp.Symbol("W_l") * sp.Symbol("a_{l-1}")
                                                                      + sp.Symbol("b_l"), evaluate=False),
          " and ", sp.Eq(sym("a", "l"), sp.Function("f")(sym("z", "l")), evaluate=False), " element by element, on column "
          "vectors. The two computation graphs below show the passes with the shape of every quantity. Writing ", sp.Symbol("f'_l"), " for the column of local derivatives and a circle for the "
          "element-wise product, the scalar recursion becomes"),
        *_graphs(),
        E(*cb.rules(2)),
        P("The shapes check themselves: ", T("W_2", 2, 3) * sp.MatrixSymbol("delta_2", 2, 1), " has the shape of ", sym("z", 1),
          ", and an error signal times the transposed input has the shape of the weight. The same rows hold for "
          "any depth: the error signal of the last layer starts the recursion, each layer below multiplies by its "
          "transposed weights and its local derivatives."),
        ClaimBox(Claim("vectors.rules_match_diff",
                       "For a network with 2 inputs, 3 sigmoid units and 2 linear outputs, the backward rules give the "
                       "same gradient for every one of the {{parameters}} parameters as SymPy's derivative of the "
                       "written-out loss.",
                       "SymPy's diff of the written-out loss against the rules, compared numerically at 2 rational points, 30 digits",
                       lambda: cb.check_rules(f, fprime, widths, points))),
        P("The local derivatives are cheapest written in the layer's output, which the forward pass has already "
          "stored. For the sigmoid and tanh SymPy finds"),
        E((sp.Derivative(sp.Function("sigmoid")(sym("z")), sym("z")), output_form(sig).subs(fsym, a)),
          (sp.Derivative(sp.tanh(sym("z")), sym("z")), output_form(tanh).subs(fsym, a)), note=(
              "where ", sp.Eq(a, sp.Function("f")(sym("z")), evaluate=False), " is the unit's output: the backward "
              "pass needs no exponential.",)),
        ClaimRef("sigmoid.derivative.output_form", shown=("The sigmoid's derivative in its output, ",
                                                          output_form(sig).subs(fsym, a), ".")),
        ClaimRef("seed004.backprop.delta_rule", shown=("The delta recursion, as a textbook states it, agrees with "
                                                        "the derived rows.",)),
    )


def _worked():
    steps = ex.steps()
    given = [(sym(k[0], k[1:]) if k[1:] else sym(k), ex.matrix(v).applyfunc(ex.shown_number))
             for k, v in ex.VALUES.items()]
    rows = []
    for s in steps:
        rows.append(E((s.lhs, s.formula), (sp.Symbol(""), s.substituted), (sp.Symbol(""), s.shown)))
    return S(
        "A worked example",
        P("One sample through a network with 2 inputs, 2 sigmoid units and one linear output, with the loss ",
          sp.Eq(L, (sym("t") - YHAT) ** 2 / 2, evaluate=False), ". The numbers:"),
        E(*given),
        P(f"Each row is the formula, the numbers substituted, and the result (shown to {ex.SHOWN} digits; SymPy "
          f"computes with {ex.DIGITS}). The sigmoid's derivative is taken from the stored output, ",
          sym("a", 1), " times one minus ", sym("a", 1), "."),
        *rows,
        P("The bias gradients equal the error signals, ", sp.Eq(sp.Derivative(L, sym("b", 2)), sym("delta", 2), evaluate=False),
          " and ", sp.Eq(sp.Derivative(L, sym("b", 1)), sym("delta", 1), evaluate=False), ". A gradient step with ",
          sp.Eq(sym("eta"), sp.Float(str(ex.ETA)), evaluate=False), " moves ", sym("W", 1), " to"),
        E((sp.Symbol("W'_1"), (ex.matrix(ex.VALUES["W1"]) - ex.ETA * ex.results()["dW1"]).applyfunc(ex.shown_number))),
        ClaimBox(Claim("worked.central_differences",
                       "Every entry of the four gradients above agrees with a central difference of the loss "
                       "(step {{step:.0e}}) to within {{max_abs_error:.0e}}.",
                       "central differences of the directly computed loss at 30 digits, all 8 parameters",
                       ex.central_difference_check)),
    )


def _softmax(catalog):
    ce, soft = catalog.get("cross_entropy"), catalog.get("softmax")
    K = len(ce.extra["inputs"])
    zs = sp.symbols(f"z_1:{K + 1}", real=True)
    to_z = dict(zip(ce.extra["inputs"], zs)) | dict(zip(soft.variables, zs))
    s = [soft.expr[i].xreplace(to_z) for i in range(K)]
    jac = sp.Matrix(K, K, lambda i, j: sp.diff(s[i], zs[j]))
    kron = sp.Matrix(K, K, lambda i, j: s[i] * ((1 if i == j else 0) - s[j]))
    grads = [derivative(ce, y).xreplace(to_z) for y in ce.extra["inputs"]]
    ts = ce.extra["targets"]
    normalised = {ts[-1]: 1 - sum(ts[:-1])}
    i, j = sp.symbols("i j", integer=True)
    si, sj = sp.Symbol("s_i"), sp.Symbol("s_j")
    claims = [ClaimBox(Claim(f"softmax_ce.gradient_{k + 1}",
                             f"The derivative of the cross-entropy with respect to logit {k + 1} is softmax output "
                             f"{k + 1} minus target {k + 1} when the targets sum to 1 (K = {K}).",
                             "symbolic, with the last target 1 minus the others",
                             lambda k=k: equal(grads[k], s[k] - ts[k], assume=normalised), source=SEEDS[1]),
                       shown=(sp.Eq(sp.Derivative(L, zs[k]), sp.Symbol(f"s_{k + 1}") - ts[k], evaluate=False),))
              for k in range(K)]
    return S(
        "Softmax with cross-entropy",
        P("A classifier with K classes ends in logits ", sym("z"), " and the softmax ",
          sp.Eq(si, sp.exp(sp.Symbol("z_i")) / sp.Sum(sp.exp(sp.Symbol("z_k")), (sp.Symbol("k"), 1, sp.Symbol("K"))),
                evaluate=False), ", trained with the cross-entropy ",
          sp.Eq(L, -sp.Sum(sp.Symbol("t_k") * sp.log(sp.Symbol("s_k")), (sp.Symbol("k"), 1, sp.Symbol("K"))), evaluate=False),
          ", the negative log-likelihood of the target under the predicted distribution ", Cite("goodfellow2016"),
          ". The Jacobian of the softmax, which SymPy derives entry by entry, is"),
        E((sp.Derivative(si, sp.Symbol("z_j")), si * (sp.KroneckerDelta(i, j) - sj))),
        ClaimBox(Claim("softmax.jacobian_kronecker",
                       f"Every entry of the softmax Jacobian (K = {K}) equals s_i times (Kronecker delta minus s_j).",
                       "symbolic: simplify of each entry's difference", lambda: equal(jac, kron)),
                 shown=("SymPy's Jacobian equals ", si * (sp.KroneckerDelta(i, j) - sj), f" entry by entry (K = {K}).")),
        P("Through this Jacobian, the gradient of the cross-entropy with respect to the logits collapses to "
          "prediction minus target, the same form as the squared error's output gradient. This is why the two are "
          "fused in practice (PyTorch's cross_entropy takes logits)."),
        *claims,
        ClaimRef("seed004.softmax.multinomial_loss", shown=("The cross-entropy is the negative logarithm of the "
                                                            "multinomial likelihood.",)),
    )


def _exercises(catalog, sizes):
    z, t, n = sym("z"), sym("t"), sym("n")
    recursion, expanded = [r[1] for r in sizes[1:]], [r[2] for r in sizes[1:]]
    sig = catalog.get("sigmoid")
    s = sig.expr.subs(sig.var, z)
    ds = sp.diff(s, z)
    bce = -t * sp.log(s) - (1 - t) * sp.log(1 - s)
    dbce = sp.simplify(sp.diff(bce, z))
    z1, z2 = sp.symbols("z_1 z_2", real=True)
    soft2 = sp.Matrix([sp.exp(z1), sp.exp(z2)]) / (sp.exp(z1) + sp.exp(z2))
    jac2 = sp.simplify(soft2.jacobian([z1, z2]))
    res = ex.results()
    return (
        X(("Differentiate the sigmoid ", sp.Eq(sp.Function("sigmoid")(z), s, evaluate=False),
           " and write the result in terms of its output ", sym("a"), "."),
          (P("SymPy gives ", sp.Eq(sp.Derivative(sp.Function("sigmoid")(z), z), ds, evaluate=False),
             ", and ", sp.Eq(ds, (s * (1 - s)), evaluate=False), " holds exactly (the difference simplifies to ",
             sp.simplify(ds - s * (1 - s)), "), so the derivative is ", sym("a") * (1 - sym("a")), "."),)),
        X(("For a binary classifier with output ", sp.Function("sigmoid")(z), " and target ", t,
           " in {0, 1}, the loss is ", sp.Eq(L, bce, evaluate=False), ". Find its derivative with respect to ", z, "."),
          (P("SymPy simplifies the derivative to ", sp.Eq(sp.Derivative(L, z), dbce, evaluate=False),
             ", which is ", sp.Function("sigmoid")(z) - t, " (the difference simplifies to ",
             sp.simplify(dbce - (s - t)), "): prediction minus target, as for softmax."),)),
        X(("Write the softmax Jacobian for two classes and show that each of its rows sums to zero. Why must it?"),
          (P("SymPy gives"), E(jac2), P("with row sums ", sp.simplify(jac2 * sp.Matrix([1, 1])).T,
                                        ": the outputs always sum to 1, so no change of the logits can change their sum."))),
        X(("In the worked example, give the bias gradients and the biases after one step with ",
           sp.Eq(sym("eta"), sp.Float(str(ex.ETA)), evaluate=False), "."),
          (P("The bias gradients are the error signals: ", sp.Eq(sp.Derivative(L, sym("b", 2)), ex.rounded(res["db2"]),
                                                                evaluate=False), " and"),
           E((sp.Derivative(L, sym("b", 1)), ex.rounded(res["db1"])),
             (sp.Symbol("b'_1"), ex.rounded(ex.matrix(ex.VALUES["b1"]) - ex.ETA * res["db1"])),
             (sp.Symbol("b'_2"), ex.rounded(ex.matrix(ex.VALUES["b2"]) - ex.ETA * res["db2"]))))),
        X(("Count how many times the recursion uses each error signal in a chain of ", n, " layers, and explain why "
           "writing every gradient as one product costs more operations per added layer the deeper the chain is."),
          ("Each error signal is computed once and used twice: for its own layer's gradients and for the error "
           "signal below. Written out, the gradient of layer ", sym("l"), " repeats the factors of the ", n - sym("l"),
           " layers above it, and each factor is itself a nested expression of the layers below it: a sum over ",
           sym("l"), " of products of about ", n - sym("l"), " factors of size about ", sym("l"), ". The counts of the "
           "cost figure are a polynomial of degree ", polynomial_degree(expanded), " in ", n, ", against degree ",
           polynomial_degree(recursion), " for the recursion.")),
    )


def document(catalog):
    sizes = _sizes(catalog)
    return Document(TITLE, (_motivation(), _scalar_chain(catalog, sizes), _vectors(catalog), _worked(), _softmax(catalog)),
                    abstract=("The chain rule applied one layer at a time, from a chain of single units to layers of "
                              "column vectors, with a computation graph, a worked example with numbers, and the "
                              "softmax with cross-entropy."),
                    sources=SEEDS,
                    summary=(
                        ("Backpropagation is the chain rule applied once per layer: the error signal ",
                         sym("delta", "l"), " of a layer comes from the one above, so each is computed once."),
                        ("In column-vector form the error signal of a layer is the transposed weights of the layer "
                         "above times its error signal, times the local derivatives element by element; a weight's "
                         "gradient is its error signal times the layer's input, transposed.",),
                        ("Store each layer's output in the forward pass: the sigmoid's and tanh's derivatives are ",
                         sym("a") * (1 - sym("a")), " and ", 1 - sym("a") ** 2, "."),
                        ("The cost of the recursion grows linearly with depth; differentiating the nested "
                         "expression repeats work and grows much faster.",),
                        ("Softmax with cross-entropy has the gradient ", sp.Symbol("s_i") - sp.Symbol("t_i"),
                         " with respect to the logits, through the Jacobian ",
                         sp.Symbol("s_i") * (sp.KroneckerDelta(sp.Symbol("i"), sp.Symbol("j")) - sp.Symbol("s_j")), "."),
                        ("Check a backward pass against central differences of the loss, as the worked example does.",),
                    ),
                    exercises=_exercises(catalog, sizes))
