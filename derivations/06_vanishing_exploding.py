"""Document 6: vanishing and exploding gradients: deep linear nets, saturating activations, dying ReLU."""

import mpmath
import numpy as np
import sympy as sp

from symderiv.calculus.backprop import scalar_chain
from symderiv.calculus.derivative import derivative
from symderiv.lecture import figures
from symderiv.lecture.blocks import (B, ClaimBox, ClaimRef, Document, E, Figure, P, Plot, Ref, S, Series,
                                         Table)
from symderiv.verify.claims import Claim

TITLE = "Vanishing and exploding gradients"
SEEDS = ("002_f9dacf9c81433969.txt", "003_a74ce1a8d15e55b6.txt", "004_60e4e0c29def9815.txt")
DEPTH_ACTS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")
RATES = tuple(float(r) for r in np.geomspace(0.02, 0.4, 12))
N_FACTORS, N_PRODUCTS = 50, 20000


def _product_cdf():
    """Rows (q, simulated, exact): P(product of 50 U(0,1) <= 10^q), by simulation (NumPy seed 0) and
    exactly (-log of the product is Gamma(50, 1))."""
    rng = np.random.default_rng(0)
    logs = np.sort(np.log10(rng.random((N_PRODUCTS, N_FACTORS))).sum(axis=1))
    rows = []
    for q in np.linspace(-36, -12, 97):
        exact = float(mpmath.gammainc(N_FACTORS, -q * mpmath.log(10), mpmath.inf, regularized=True))
        rows.append((q, np.searchsorted(logs, q, side="right") / N_PRODUCTS, exact))
    return (("q", "simulated", "exact"),) + tuple(rows)


def _deep_linear():
    w1, w2, x1, x2 = sp.symbols("w_1 w_2 x_1 x_2", real=True)
    WL, x = sp.Matrix([[w1, w2]]), sp.Matrix([x1, x2])
    c = sp.Symbol("c", positive=True)
    L = 4
    W = c * sp.eye(2)
    out = (WL * W ** (L - 1) * x)[0]
    Lsym = sp.Symbol("L", integer=True, positive=True)
    rows = tuple((n, sp.Float(sp.Rational(3, 2) ** (n - 1), 4), sp.Float(sp.Rational(1, 2) ** (n - 1), 4))
                 for n in (1, 2, 5, 10, 20, 50))
    return S(
        "Deep linear networks",
        P("Without activation functions a network is a product of matrices, ",
          sp.Eq(sp.Symbol("a_L"), sp.MatMul(*[sp.MatrixSymbol(n, 2, 2) for n in ("W_L", "W_{L-1}")], evaluate=False),
                evaluate=False), " ... ", sp.MatMul(sp.MatrixSymbol("W_1", 2, 2), sp.MatrixSymbol("x", 2, 1)),
          ". The source takes two inputs, square hidden weights ", sp.Eq(sp.Symbol("W_l"), W, evaluate=False),
          " and one output. SymPy multiplies it out for L = 4:"),
        E((sp.Symbol("a_4"), sp.MatMul(WL, W, W, W, x, evaluate=False)), (sp.Symbol("a_4"), sp.factor(out))),
        P("and in general ", sp.Eq(sp.Symbol("a_L"), c ** (Lsym - 1) * (WL * x)[0], evaluate=False),
          ". With c = 3/2 the output and its gradient grow geometrically with depth (exploding); with c = 1/2 they "
          "shrink geometrically (vanishing):"),
        Table(("L", (sp.Rational(3, 2) ** (Lsym - 1),), (sp.Rational(1, 2) ** (Lsym - 1),)), rows, align="r r r"),
        ClaimRef("seed002.deep_linear.output_1_5"),
        ClaimRef("seed002.deep_linear.output_0_5"),
        ClaimRef("seed002.deep_linear.gradient_growth"),
    )


def _saturating(catalog):
    chain = scalar_chain(3, "sigmoid", catalog=catalog)
    nice = {fp: sp.Symbol(f"f'_{l + 1}") for l, fp in enumerate(chain.fp)}
    J = sp.Symbol("J")
    table = figures.gradient_norm_by_depth(tuple(catalog.get(n) for n in DEPTH_ACTS), catalog.get("glorot_normal"))
    plot = Plot(tuple(Series("norm", n, n, x="layer", style="" if i < 3 else "dashed")
                      for i, n in enumerate(DEPTH_ACTS)),
                xlabel=("layer",), ylabel=("gradient norm relative to the last layer",), ymode="log",
                legend="south east")
    fig = Figure("depth", (plot,), ("RMS norm of the gradient with respect to the pre-activations of each layer, "
                                    "relative to the last layer, in a 50-layer network of width 64 "
                                    "(Xavier-normal weights, 128 Gaussian inputs, NumPy seed 0)."),
                 data={"norm": table})
    first = {n: table[1][i + 1] for i, n in enumerate(DEPTH_ACTS)}
    sig = catalog.get("sigmoid")
    cdf = _product_cdf()
    at18 = next(r for r in cdf[1:] if abs(r[0] + 18) < 1e-9)
    exceed = {"exact": sp.Float(1 - at18[2], 3), "simulated": sp.Float(1 - at18[1], 3)}
    return S(
        "Saturating activations",
        P("For a chain of single neurons, ", sp.Eq(*chain.forward[3], evaluate=False),
          " and so on (", sp.Eq(sp.Symbol("z_l"), sp.Symbol("w_l") * sp.Symbol("a_{l-1}") + sp.Symbol("b_l"),
                                evaluate=False), "), the delta recursion (see the backpropagation notes) gives for three sigmoid layers"),
        E(*[(d, e.xreplace(nice)) for d, e in chain.backward],
          (sp.Derivative(J, chain.w[0]), chain.expanded(chain.w[0]).xreplace(nice))),
        P("with ", sp.Eq(sp.Symbol("f'_l"), chain.forward[2][1].subs(chain.a[0], sp.Symbol("a_l")), evaluate=False),
          ". Every layer contributes one factor ", sp.Symbol("w_l"), sp.Symbol("f'_l"), ". The sigmoid's derivative, ",
          sp.Eq(sp.Derivative(sp.Function("sigmoid")(sig.var), sig.var), derivative(sig), evaluate=False),
          ", is at most 1/4, so 50 layers multiply the gradient by at most ", sp.Float(sp.Rational(1, 4) ** 50, 3),
          " unless the weights are large. The source also multiplies 50 numbers drawn uniformly from (0, 1) "
          "and claims the product never exceeds ", sp.Float(1e-18, 2), "; that is wrong, although the product "
          "is typically tiny."),
        ClaimRef("identity.sigmoid_derivative_max"),
        ClaimRef("seed003.product50.sigmoid_bound"),
        ClaimRef("seed003.product50.never_above_1e-18"),
        ClaimRef("seed003.product50.typically_tiny"),
        Figure("product", (Plot((Series("cdf", "simulated", "simulated (20000 products, seed 0)", x="q"),
                                 Series("cdf", "exact", "exact: -ln(product) ~ Gamma(50, 1)", x="q", style="dashed")),
                                xlabel=("decimal logarithm of the product",), ylabel=("fraction of products below",),
                                legend="north west"),),
               ("Distribution of the decimal logarithm of a product p of 50 numbers drawn uniformly from (0, 1). "
                "The source's bound, ", sp.Float(1e-18, 2), ", is exceeded by a fraction ", exceed["exact"],
                " of the products (simulated: ", exceed["simulated"], ")."), data={"cdf": cdf}),
        P("Figure ", Ref("depth"), " measures the effect in a wide network. The sigmoid's gradient vanishes "
          "fastest; tanh, whose derivative is 1 at 0, and ELU lose far less; ReLU and Leaky ReLU halve the "
          "squared norm per layer under Xavier weights (He weights would keep it; see the initialisation notes)."),
        fig,
        ClaimBox(Claim("depth.sigmoid_vanishes",
                       "in the simulation the sigmoid network's first-layer gradient is {{value:.2g}} of its last "
                       "layer's, below {{bound:g}}", "measured: the figure's data",
                       lambda: _below(first["sigmoid"], 1e-20))),
        ClaimBox(Claim("depth.tanh_keeps_more",
                       "in the simulation tanh keeps {{ratio:.2g}} times the sigmoid's first-layer gradient "
                       "(more than {{required:g}} times)", "measured: the figure's data",
                       lambda: _ratio_above(first["tanh"], first["sigmoid"], 1000))),
    )


def _below(value, bound):
    ev = {"holds": value < bound, "value": value, "bound": bound}
    if value >= bound:
        ev["counterexample"] = {"value": value, "bound": bound}
    return ev


def _ratio_above(larger, smaller, required):
    ratio = larger / smaller
    ev = {"holds": ratio > required, "ratio": ratio, "required": required, "numerator": larger, "denominator": smaller}
    if ratio <= required:
        ev["counterexample"] = {"ratio": ratio, "required": required}
    return ev


def _dying(catalog):
    relu, leaky = catalog.get("relu"), catalog.get("leaky_relu")
    one = scalar_chain(1, "relu", catalog=catalog)
    he = catalog.get("he_normal")
    dead = {n: figures.dead_units(catalog.get(n), RATES, he) for n in ("relu", "leaky_relu")}
    data = {"relu": dead["relu"], "leaky": dead["leaky_relu"]}
    plot = Plot((Series("relu", "dead", "ReLU: dead units", x="lr"),
                 Series("leaky", "dead", "Leaky ReLU: units negative on every input", x="lr", style="dashed"),
                 Series("relu", "diverged", "runs that diverged", x="lr", style="dotted")),
                xlabel=("learning rate",), ylabel=("fraction",), xmode="log", legend="north west", ymin=0, ymax=1.05)
    fig = Figure("dead", (plot,), ("Fraction of the 64 hidden units whose pre-activation is negative on all 256 "
                                   "training inputs after 150 steps of full-batch gradient descent on "
                                   "y = sum(sin(x)) + noise (8 inputs, He-normal weights, 4 seeds, NumPy); runs "
                                   "whose loss overflowed are left out and counted separately."), data=data)
    stable = [r for r in dead["relu"][1:] if r[2] == 0]
    return S(
        "Dying ReLU",
        P("A ReLU neuron ", sp.Eq(sp.Symbol("a"), relu.expr.subs(relu.var, one.forward[0][1]), evaluate=False),
          " has the gradients"),
        E((sp.Derivative(sp.Symbol("J"), one.w[0]), dict(one.gradients)[one.w[0]]),
          (sp.Symbol("delta_1"), one.backward[0][1].subs(one.fp[0], derivative(relu).subs(relu.var, one.z[0])))),
        P("If its pre-activation is negative for every input, both are zero for every example: no step can move "
          "it back, and the neuron is dead. A large learning rate makes this likely, because one big step can push "
          "the bias far below the inputs' range. Leaky ReLU's derivative never vanishes,"),
        E((sp.Derivative(sp.Function("leaky_relu")(leaky.var), leaky.var), derivative(leaky))),
        P("so a unit on the negative side still learns, slowly. Figure ", Ref("dead"),
          " shows the effect of the learning rate on a small regression task: up to a threshold no unit dies; "
          "beyond it most do, shortly before training diverges altogether. With Leaky ReLU as many units end "
          "up on the negative side, but they still receive a gradient."),
        fig,
        ClaimRef("seed003.relu.dying"),
        ClaimRef("seed004.relu.no_vanishing_exploding"),
        ClaimBox(Claim("dead.learning_rate",
                       "in the experiment no ReLU unit dies at the smallest learning rate ({{smallest_rate:.3g}}), "
                       "and at the largest rate where no run diverged ({{largest_stable_rate:.3g}}) a fraction "
                       "{{dead_at_largest:.2f}} of them do (more than a third)",
                       "measured: the figure's data", lambda: _dead_claim(stable))),
    )


def _dead_claim(stable):
    low, high = stable[0], stable[-1]
    holds = low[1] == 0 and high[1] > 1 / 3
    ev = {"holds": holds, "smallest_rate": low[0], "dead_at_smallest": low[1], "largest_stable_rate": high[0],
          "dead_at_largest": high[1]}
    if not holds:
        ev["counterexample"] = {"rate": high[0], "dead": high[1]}
    return ev


def document(catalog):
    return Document(TITLE, (
        S("The problem",
          P("Backpropagation multiplies one factor per layer. If the factors are mostly above 1 the gradient of "
            "the first layers explodes; if they are mostly below 1 it vanishes, and the first layers stop "
            "learning. This note derives the factors for deep linear networks and saturating activations, "
            "measures them in a simulated network, and shows how ReLU units die."),
          B("deep linear networks: the factor is the weight;",
            "sigmoid and tanh: the factor includes the activation's derivative, small when the unit saturates;",
            "ReLU: the factor is 0 or 1, so a unit can switch off for good.")),
        _deep_linear(), _saturating(catalog), _dying(catalog)),
        abstract=("Why gradients vanish or explode with depth: deep linear networks, products of sigmoid "
                  "derivatives over 50 layers, and the dying ReLU, with simulations and every statement checked."),
        sources=SEEDS)
