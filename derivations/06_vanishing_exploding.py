"""Document 6: vanishing and exploding gradients: deep linear nets, saturating activations, dying ReLU."""

import mpmath
import numpy as np
import sympy as sp

from symderiv.calculus.backprop import scalar_chain
from symderiv.calculus.derivative import derivative
from symderiv.lecture import figures
from symderiv.lecture.blocks import (B, Cite, ClaimBox, ClaimRef, Document, E, Figure, P, Plot, Ref, S, Series,
                                     Table, X)
from symderiv.lecture.notation import sym
from symderiv.verify.claims import Claim

TITLE = "Vanishing and exploding gradients"
SEEDS = ("002_f9dacf9c81433969.txt", "003_a74ce1a8d15e55b6.txt", "004_60e4e0c29def9815.txt")
DEPTH_ACTS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")
DEPTH_STYLES = ("", "dotted", "lines+marks", "dashed", "marks")
DEPTH_LABELS = ("sigmoid", "tanh", "ReLU", "Leaky ReLU", "ELU")
RATES = tuple(float(r) for r in np.geomspace(0.02, 0.5, 10))
N_FACTORS, N_PRODUCTS = 50, 20000
DEPTH = {"depth": 20, "width": 64, "batch": 64}            # the gradient-norm simulation (seed 0)
TRAINING = {"steps": 100, "n": 128, "d": 8, "hidden": 32, "seeds": (0, 1, 2)}   # the dead-unit experiment
L, t, n = sym("L"), sym("t"), sym("n", integer=True, positive=True)
TEN_18 = sp.UnevaluatedExpr(10) ** -18          # the source's bound, printed as a power of ten


def _product_cdf():
    """Rows (q, simulated, exact): P(product of 50 U(0,1) <= 10^q), by simulation (NumPy seed 0) and
    exactly (-log of the product is Gamma(50, 1))."""
    rng = np.random.default_rng(0)
    logs = np.sort(np.log10(rng.random((N_PRODUCTS, N_FACTORS))).sum(axis=1))
    rows = []
    for q in np.linspace(-36, -12, 49):
        exact = float(mpmath.gammainc(N_FACTORS, -q * mpmath.log(10), mpmath.inf, regularized=True))
        rows.append((q, np.searchsorted(logs, q, side="right") / N_PRODUCTS, exact))
    return (("q", "simulated", "exact"),) + tuple(rows)


def _deep_linear():
    c = sp.Symbol("c", positive=True)
    Wn, Wl = sp.MatrixSymbol("W_n", 1, 2), sp.MatrixSymbol("W_l", 2, 2)
    x = sp.MatrixSymbol("x", 2, 1)
    chain = sp.MatMul(*(sp.MatrixSymbol(f"W_{l}", 2, 2) for l in (4, 3, 2, 1)), x, evaluate=False)
    W = c * sp.eye(2)
    w1, w2, x1, x2 = sp.symbols("w_1 w_2 x_1 x_2", real=True)
    out = (sp.Matrix([[w1, w2]]) * W**3 * sp.Matrix([x1, x2]))[0]
    depths = (1, 2, 5, 10, 20, 50)
    rows = tuple((k, sp.N(sp.Rational(3, 2) ** (k - 1), 4), sp.N(sp.Rational(1, 2) ** (k - 1), 4)) for k in depths)
    return S("Deep linear networks",
        P("Without activation functions a network of ", n, " layers is a product of matrices; for four layers ",
          sp.Eq(sym("a", 4), chain, evaluate=False), ". Take two inputs, hidden weights ",
          sp.Eq(Wl, W, evaluate=False), " and one output with weights ", sp.Eq(Wn, sp.Matrix([[w1, w2]]),
                                                                              evaluate=False),
          ". SymPy multiplies it out for four layers,"),
        E((sym("a", 4), sp.factor(out))),
        P("and in general ", sp.Eq(sym("a", "n"), c ** (n - 1) * (w1 * x1 + w2 * x2), evaluate=False),
          ". The gradient with respect to the input carries the same factor. With ", sp.Eq(c, sp.Rational(3, 2)),
          " it grows geometrically with depth (exploding), with ", sp.Eq(c, sp.Rational(1, 2)), " it shrinks "
          "geometrically (vanishing). Worked example, computed by SymPy:"),
        Table(("layers", (sp.Rational(3, 2) ** (n - 1),), (sp.Rational(1, 2) ** (n - 1),)), rows, align="r r r"),
        ClaimRef("seed002.deep_linear.output_1_5", shown=(sp.Eq(sym("a", "n"), sp.Rational(3, 2) ** (n - 1) * (
            w1 * x1 + w2 * x2), evaluate=False), " for ", sp.Eq(Wl, sp.Rational(3, 2) * sp.Identity(2)),
            ", every depth and every input.")),
        ClaimRef("seed002.deep_linear.output_0_5", shown=(sp.Eq(sym("a", "n"), sp.Rational(1, 2) ** (n - 1) * (
            w1 * x1 + w2 * x2), evaluate=False), " for ", sp.Eq(Wl, sp.Rational(1, 2) * sp.Identity(2)), ".")),
        ClaimRef("seed002.deep_linear.gradient_growth", shown=(
            "Each added layer multiplies the gradient with respect to the input by ", c, ": by ", sp.Rational(3, 2),
            " (exploding) or by ", sp.Rational(1, 2), " (vanishing).")))


def _chain(catalog):
    """The three-layer sigmoid chain: delta recursion and dL/dw_1 with the derivatives named f'_l."""
    chain = scalar_chain(3, "sigmoid", catalog=catalog)
    nice = {fp: sp.Symbol(f"f'_{l + 1}") for l, fp in enumerate(chain.fp)}
    rows = [(d, e.xreplace(nice)) for d, e in chain.backward]
    rows.append((sp.Derivative(L, chain.w[0]), chain.expanded(chain.w[0]).xreplace(nice)))
    return chain, rows


def _depth_figure(catalog):
    acts = tuple(catalog.get(a) for a in DEPTH_ACTS)
    table = figures.gradient_norm_by_depth(acts, catalog.get("glorot_normal"), **DEPTH)
    depth = len(table) - 1
    plot = Plot(tuple(Series("norm", a, lab, x="layer", style=st) for a, lab, st in
                      zip(DEPTH_ACTS, DEPTH_LABELS, DEPTH_STYLES)),
                xlabel=("layer ", sym("l")), ylabel=("gradient norm relative to the last layer",), ymode="log",
                legend="south east")
    fig = Figure("depth", (plot,), (
        "Root mean square norm of the error signal ", sym("delta", "l"), f" per layer of a {depth}-layer network "
        f"of width {DEPTH['width']}, relative to the last layer (Glorot-normal weights, {DEPTH['batch']} Gaussian "
        "inputs, NumPy seed 0): sigmoid "
        "(solid), tanh (dotted), ReLU (solid with marks), Leaky ReLU (dashed; it lies on the ReLU curve) and ELU "
        "(marks)."), data={"norm": table})
    return table, fig


def depth_evidence(table, small="sigmoid", large="tanh", bound=1e-9, required=1000.0):
    """The first-layer ratios of the figure: `small` below `bound`, `large` more than `required` times
    `small`; per-layer factors are geometric means over the layers."""
    col = {name: [r[i] for r in table[1:]] for i, name in enumerate(table[0]) if i}
    pairs = len(table) - 2
    first = {a: col[a][0] for a in (small, large)}
    ratio = first[large] / first[small]
    holds = first[small] < bound and ratio > required
    ev = {"holds": holds, "value": first[small], "bound": bound, "ratio": ratio, "required": required,
          "decades": -np.log10(first[small]), "bound_decades": -np.log10(bound), "ratio_decades": np.log10(ratio),
          "required_decades": np.log10(required),
          "factor": first[small] ** (1 / pairs), "factor_large": first[large] ** (1 / pairs), "layers": pairs + 1,
          **{f"factor_{a}": col[a][0] ** (1 / pairs) for a in ("elu",) if a in col},
          "squared_factor_relu": col["relu"][0] ** (2 / pairs) if "relu" in col else float("nan")}
    if not holds:
        ev["counterexample"] = {"value": first[small], "bound": bound, "ratio": ratio, "required": required}
    return ev


def overlap_evidence(table, a="relu", b="leaky_relu", tolerance=0.05):
    """The largest relative difference between two columns of the figure (they coincide within `tolerance`)."""
    i, j = table[0].index(a), table[0].index(b)
    diff = max(abs(r[i] - r[j]) / r[i] for r in table[1:])
    ev = {"holds": diff <= tolerance, "max_relative_difference": diff, "tolerance": tolerance}
    if diff > tolerance:
        ev["counterexample"] = {"max_relative_difference": diff}
    return ev


def _products():
    """Products of 50 factors: the sigmoid bound and the source's uniform-number experiment."""
    bound50 = sp.Pow(sp.Rational(1, 4), N_FACTORS, evaluate=False)
    p_exceed = sp.Float(mpmath.gammainc(N_FACTORS, 0, 18 * mpmath.log(10), regularized=True), 3)   # P(product > 1e-18)
    cdf = _product_cdf()
    return (
        P("So ", N_FACTORS, " sigmoid layers multiply the gradient by at most ", bound50, ", about ",
          sp.N(bound50.doit(), 2), ", unless the weights are large. The source also multiplies 50 numbers drawn uniformly from (0, 1) and "
          "claims that the product never exceeds ", TEN_18, "; Figure ", Ref("product"),
          " shows that it does, although it is typically tiny."),
        ClaimRef("seed003.product50.sigmoid_bound", shown=(
            sp.Le(sp.Product(sp.Symbol("f'_l"), (sp.Symbol("l"), 1, N_FACTORS)), bound50), " for sigmoid units.")),
        ClaimRef("seed003.product50.never_above_1e-18", shown=(
            "A product of 50 uniform numbers exceeds ", TEN_18, " with probability ",
            p_exceed, " (the Gamma law of its negative logarithm), so the source's bound fails.")),
        ClaimRef("seed003.product50.typically_tiny", shown=(
            "Its median, however, is far below ", TEN_18, ".")),
        Figure("product", (Plot((Series("cdf", "simulated", "simulated (20000 products, seed 0)", x="q"),
                                 Series("cdf", "exact", "exact (Gamma law)", x="q", style="dashed")),
                                xlabel=("decimal logarithm of the product",), ylabel=("fraction of products below",),
                                legend="north west"),),
               ("Distribution of the decimal logarithm of a product of 50 numbers drawn uniformly from (0, 1): "
                "simulated (solid) and exact (dashed: the negative natural logarithm of the product has the law ",
                sp.Function("Gamma")(50, 1), "). The fraction above ", TEN_18, " is ",
                p_exceed, "."), data={"cdf": cdf}),
    )


def _saturating(catalog):
    chain, rows = _chain(catalog)
    sig = catalog.get("sigmoid")
    Wl, al, bl = sp.MatrixSymbol("W_l", 3, 3), sp.MatrixSymbol("a_l-1", 3, 1), sp.MatrixSymbol("b_l", 3, 1)
    zl = sp.MatAdd(sp.MatMul(Wl, al), bl)
    table, fig = _depth_figure(catalog)
    return S("Saturating activations",
        P("Layer l computes ", sp.Eq(sym("z", "l"), zl, evaluate=False), " and ", sp.Eq(sym("a", "l"),
                                                                                     sp.Function("f")(sym("z", "l"))),
          ", layers numbered from the input. In a chain of single neurons each ", sp.MatrixSymbol("W_l", 3, 3),
          " is a number ", sp.Symbol("w_l"), ". For three sigmoid layers and the loss ", sp.Eq(L, (sym("a", 3) - t) ** 2
                                                                                          / 2),
          " the delta recursion (see the backpropagation notes) gives"),
        E(*rows),
        P("with ", sp.Eq(sp.Symbol("f'_l"), chain.forward[2][1].subs(chain.a[0], sym("a", "l")), evaluate=False),
          ". Every layer contributes one factor ", sp.Symbol("w_l") * sp.Symbol("f'_l"), " ", Cite("bengio1994"),
          Cite("hochreiter1998"), ". The sigmoid's derivative is at most one quarter:"),
        ClaimRef("identity.sigmoid_derivative_max", shown=(
            sp.Le(sp.Derivative(sp.Function("sigma")(sig.var), sig.var), sp.Rational(1, 4)), ", with equality only at ",
            sp.Eq(sig.var, 0), ".")),
        *_products(),
        P("Figure ", Ref("depth"), " measures the effect in a wide network ", Cite("glorot2010"), ". The sigmoid's "
          "gradient vanishes fastest; tanh, whose derivative is 1 at 0, and ELU lose far less; ReLU and Leaky ReLU "
          "lose about half of the squared norm per layer under Glorot's weights (He's would keep it; see the "
          "initialisation notes)."),
        fig,
        ClaimBox(Claim("depth.sigmoid_vanishes",
                       "In the simulation the first-layer gradient of the sigmoid network is {{decades:.1f}} orders "
                       "of magnitude below the last layer's (more than {{bound_decades:.0f}}), a factor {{factor:.2f}} "
                       "per layer; tanh's is {{ratio_decades:.1f}} orders of magnitude larger than the sigmoid's "
                       "(more than {{required_decades:.0f}}), a factor {{factor_large:.2f}} per "
                       "layer (ELU {{factor_elu:.2f}}); the squared norm of the ReLU network shrinks by {{squared_factor_relu:.2f}} "
                       "per layer.",
                       "measured: the figure's data", lambda: depth_evidence(table))),
        ClaimBox(Claim("depth.leaky_like_relu",
                       "The Leaky ReLU curve differs from the ReLU curve by at most {{max_relative_difference:.1%}} "
                       "(within {{tolerance:.0%}}), so the two lie on top of each other.",
                       "measured: the figure's data", lambda: overlap_evidence(table))))


def leaky_range(entry, slope=None):
    """The values of the Leaky ReLU derivative on each side of 0 (at the default or the given slope):
    holds when neither is 0, so the derivative never vanishes."""
    subs = entry.defaults() if slope is None else {entry.param("negative_slope").symbol: slope}
    d = derivative(entry).subs(subs)
    x = entry.var
    neg, pos = d.subs(x, -1), d.subs(x, 1)
    holds = neg != 0 and pos != 0
    ev = {"holds": bool(holds), "negative_side": neg, "positive_side": pos}
    if not holds:
        ev["counterexample"] = {"negative_side": neg, "positive_side": pos}
    return ev


def dead_evidence(table):
    """No unit dies at the smallest rate; more than a third do at the largest rate where no run diverged."""
    stable = [r for r in table[1:] if r[2] == 0]
    low, high = stable[0], stable[-1]
    holds = low[1] == 0 and high[1] > 1 / 3
    ev = {"holds": holds, "smallest_rate": low[0], "dead_at_smallest": low[1], "largest_stable_rate": high[0],
          "dead_at_largest": high[1]}
    if not holds:
        ev["counterexample"] = {"rate": high[0], "dead": high[1]}
    return ev


def _training_figures(catalog):
    he = catalog.get("he_normal")
    dead = {a: figures.dead_units(catalog.get(a), RATES, he, **TRAINING) for a in ("relu", "leaky_relu")}
    stable = [i for i, r in enumerate(dead["relu"][1:]) if r[2] == 0]
    chosen = (0, stable[len(stable) // 2], stable[-1])
    curves = figures.loss_curves(catalog.get("relu"), RATES, he, chosen, **TRAINING)
    plot = Plot((Series("relu", "dead", "ReLU: dead units", x="lr", style="lines+marks"),
                 Series("leaky", "dead", "Leaky ReLU: units negative on every input", x="lr", style="dashed"),
                 Series("relu", "diverged", "runs that diverged", x="lr", style="dotted")),
                xlabel=("learning rate ", sym("eta")), ylabel=("fraction",), legend="north west",
                ymin=0, ymax=1.05)
    dead_fig = Figure("dead", (plot,), (
        f"Fraction of the {TRAINING['hidden']} hidden units whose pre-activation is negative on all {TRAINING['n']} "
        f"training inputs after {TRAINING['steps']} steps of full-batch gradient descent on a sum of sines plus noise "
        f"({TRAINING['d']} inputs, He-normal weights, {len(TRAINING['seeds'])} seeds, NumPy): "
        "ReLU (solid with marks), Leaky ReLU (dashed), and the fraction of runs whose loss overflowed (dotted), "
        "left out of the other two."), data={"relu": dead["relu"], "leaky": dead["leaky_relu"]})
    styles = ("", "dashed", "lines+marks")
    loss = Plot(tuple(Series("loss", f"rate{i}", f"learning rate {RATES[i]:.2g}", x="step", style=st)
                      for i, st in zip(chosen, styles)),
                xlabel=("step",), ylabel=("training loss (mean squared error)",), ymode="log", legend="north east")
    loss_fig = Figure("cost", (loss,), (
        "Training loss of the ReLU network of Figure ", Ref("dead"), ", averaged over the seeds, at the smallest "
        "learning rate (solid), a middle one (dashed) and the largest one at which no run diverged (solid with "
        "marks); logarithmic axis."), data={"loss": curves})
    return dead["relu"], dead_fig, loss_fig


def _dying(catalog):
    relu, leaky = catalog.get("relu"), catalog.get("leaky_relu")
    one = scalar_chain(1, "relu", catalog=catalog)
    alpha = leaky.param("negative_slope").symbol
    dleaky = derivative(leaky).subs(alpha, sym("alpha"))
    table, dead_fig, loss_fig = _training_figures(catalog)
    z1 = one.z[0]
    return S("Dying ReLU",
        P("A ReLU neuron ", sp.Eq(sym("a", 1), sp.Function("relu")(one.forward[0][1]), evaluate=False),
          " with the loss ", sp.Eq(L, (sym("a", 1) - t) ** 2 / 2), " has the gradients"),
        E((sp.Derivative(L, one.w[0]), dict(one.gradients)[one.w[0]]),
          (sym("delta", 1), one.backward[0][1].subs(one.fp[0], derivative(relu).subs(relu.var, z1)))),
        P("If its pre-activation is negative for every input, both are zero for every example: no step can move it "
          "back, and the neuron is dead ", Cite("maas2013"), ". A large learning rate makes this likely, because "
          "one big step can push the bias far below the inputs' range. Leaky ReLU's derivative never vanishes,"),
        E((sp.Derivative(sp.Function("leaky_relu")(leaky.var), leaky.var), dleaky)),
        ClaimBox(Claim("leaky.never_vanishes", "the Leaky ReLU derivative takes the values {{negative_side:g}} and "
                       "{{positive_side:g}} (default slope), so it never vanishes",
                       "exact values of the catalog derivative on each side of 0", lambda: leaky_range(leaky)),
                 shown=("At the default slope ", sp.Eq(sym("alpha"), leaky.defaults()[alpha]),
                        " the derivative is never 0, so a unit on the negative side still learns, slowly.")),
        P("Figure ", Ref("dead"), " shows the effect of the learning rate on a small regression task, and Figure ",
          Ref("cost"), " the training loss at three rates."),
        dead_fig,
        ClaimBox(Claim("dead.learning_rate",
                       "In the experiment no ReLU unit dies at the smallest learning rate ({{smallest_rate:.2g}}), "
                       "and at the largest rate at which no run diverged ({{largest_stable_rate:.2g}}) a fraction "
                       "{{dead_at_largest:.2f}} of them do, more than a third.",
                       "measured: the figure's data", lambda: dead_evidence(table))),
        loss_fig,
        ClaimRef("seed003.relu.dying", shown=(
            "If ", sp.StrictLessThan(one.forward[0][1], 0), ", the gradients of ", sp.Function("relu")(
                one.forward[0][1]), " with respect to ", one.w[0], " and ", one.b[0], " are 0.")),
        ClaimRef("seed004.relu.no_vanishing_exploding", shown=(
            "The source's claim that ReLU networks have no vanishing or exploding gradients is false: the weights "
            "still multiply the gradient at every layer, and inactive units pass none.",)))


def _exercises(catalog):
    c, k = sp.Symbol("c", positive=True), sp.Symbol("k", positive=True)
    depth = sp.log(sp.Rational(1, 1000)) / sp.log(sp.Rational(9, 10))
    sig = catalog.get("sigmoid")
    z = sig.var
    d = derivative(sig)
    crit = sp.solve(sp.diff(sig.expr * (1 - sig.expr), z), z)
    tanh = catalog.get("tanh")
    dt = derivative(tanh)
    at2 = sp.N(dt.subs(tanh.var, 2), 3)
    alpha = sym("alpha")
    return (
        X(("In a deep linear network with ", sp.Eq(sp.MatrixSymbol("W_l", 2, 2), c * sp.Identity(2)), " and ",
           sp.Eq(c, sp.Rational(9, 10)), ", after how many layers is the gradient below a thousandth of its value "
           "at one layer?"),
          ("Solve ", sp.Eq(sp.Rational(9, 10) ** k, sp.Rational(1, 1000)), ": ", sp.Eq(k, sp.N(depth, 4)),
           ", so after ", sp.ceiling(depth) + 1, " layers (", sp.Eq(k, n - 1), ").")),
        X(("Show that the sigmoid's derivative is largest at 0 and find its value there."),
          ("With ", sp.Eq(sp.Symbol("f'"), sig.expr * (1 - sig.expr)), ", SymPy solves ",
           sp.Eq(sp.Derivative(sp.Symbol("f'"), z), 0), ": the only critical point is ", sp.Eq(z, crit[0]),
           ", where the derivative is ", d.subs(z, 0), ".")),
        X(("A tanh unit has pre-activation 2. By what factor does it scale the error signal?"),
          ("The factor is ", dt.subs(tanh.var, 2), ", about ", at2, ": a saturated unit passes on "
           "a small fraction of the gradient.")),
        X(("A Leaky ReLU unit with slope ", sp.Eq(alpha, sp.Rational(1, 100)), " is negative on every input. "
           "Compare its weight gradient with that of a ReLU unit."),
          ("The Leaky ReLU unit gets ", sp.Rational(1, 100), " times the gradient it would get on the positive side; "
           "the ReLU unit gets exactly 0, so only the Leaky unit can recover.")),
    )


def document(catalog):
    return Document(TITLE, (
        S("The problem",
          P("Backpropagation multiplies one factor per layer. If the factors are mostly above 1 the gradient of the "
            "first layers explodes; if they are mostly below 1 it vanishes, and the first layers stop learning "
            , Cite("bengio1994"), Cite("pascanu2013"), ". This note derives the factors for deep linear networks "
            "and saturating activations, measures them in a simulated network, and shows how ReLU units die."),
          B("deep linear networks: the factor is the weight;",
            "sigmoid and tanh: the factor includes the activation's derivative, small when the unit saturates;",
            "ReLU: the factor is 0 or 1, so a unit can switch off for good.")),
        _deep_linear(), _saturating(catalog), _dying(catalog)),
        abstract=("Why gradients vanish or explode with depth: deep linear networks, products of sigmoid "
                  "derivatives, and the dying ReLU, with simulations and every statement checked."),
        sources=SEEDS,
        summary=(
            ("The gradient of an early layer is a product of one factor per layer: weight times activation "
             "derivative.",),
            ("In a deep linear network with ", sp.Eq(sp.MatrixSymbol("W_l", 2, 2), sp.Symbol("c", positive=True) * sp.Identity(2)),
             " the factor is ", sp.Symbol("c"), ": the gradient scales as ", sp.Symbol("c") ** (n - 1), ".",),
            ("The sigmoid's derivative is at most ", sp.Rational(1, 4), ", so deep sigmoid networks lose the "
             "gradient geometrically; tanh and ELU lose less.",),
            ("A ReLU unit that is negative on every input gets no gradient and stays dead; large learning rates make "
             "this likely. Leaky ReLU keeps a small gradient.",),
            ("Weight initialisation and activation choice together set the per-layer factor; see the "
             "initialisation notes.",),
        ),
        exercises=_exercises(catalog))
