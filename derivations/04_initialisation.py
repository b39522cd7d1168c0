"""Document 4: symmetry breaking, variance in the forward and backward pass, Xavier/Glorot and He."""

import numpy as np
import sympy as sp

from symderiv.catalog.initializers import fan_in, fan_out, spread
from symderiv.lecture import figures
from symderiv.lecture.blocks import (Cite, ClaimBox, Document, E, Figure, Graph, P, Plot, Ref, S, Series, Table,
                                     X)
from symderiv.lecture.checks import equal
from symderiv.lecture.notation import sym
from symderiv.verify.claims import Claim
from symderiv.verify.evidence import all_of, mc_agrees

TITLE = "Weight initialisation: symmetry breaking, Xavier/Glorot and He"
SEED = "002_f9dacf9c81433969.txt"
N_IN, N_OUT, TRIALS = 50, 200, 200            # the one-layer Monte Carlo: fans told apart (n_in != n_out)
DEEP = {"depth": 12, "width": 64, "batch": 64, "nets": 4}   # the deep-network simulation (seed 1)
EXAMPLE = {"n_in": 784, "n_out": 256}         # the worked example: the first layer of an MNIST network
NIN, NOUT = sp.Symbol(r"n_{\mathrm{in}}", positive=True), sp.Symbol(r"n_{\mathrm{out}}", positive=True)
FANS = {fan_in: NIN, fan_out: NOUT}
Var, Ex = sp.Function("Var"), sp.Function(r"\mathbb{E}")
w, t, x, L = sp.Symbol("w", real=True), sym("t", real=True), sym("x", real=True), sym("L")
YHAT = sp.Symbol("yhat")                      # prints as y with a hat


# ----- symmetry -----

def _two_unit_loss(catalog, biases=False):
    """L = (yhat - t)^2/2 for yhat = v_1 tanh(w_1 x + b_1) + v_2 tanh(w_2 x + b_2) + c (biases optional)."""
    w1, w2, v1, v2 = sp.symbols("w_1 w_2 v_1 v_2", real=True)
    b1, b2, c = sp.symbols("b_1 b_2 c", real=True) if biases else (0, 0, 0)
    tanh = catalog.get("tanh")
    out = sum(v * tanh.expr.subs(tanh.var, wi * x + bi) for v, wi, bi in ((v1, w1, b1), (v2, w2, b2))) + c
    loss = catalog.get("half_squared_error")
    params = [s for s in (w1, w2, v1, v2, b1, b2, c) if isinstance(s, sp.Symbol)]
    return out, loss.expr.subs({loss.variables[0]: out, loss.variables[1]: t}), params


def zero_weight_gradients(catalog, biases=False, target=1):
    """The gradient of every parameter at all parameters 0 (x = 1/2, t = target): all zero for the
    bias-free network; with biases the output bias c gets dL/dc = -t."""
    _, loss, params = _two_unit_loss(catalog, biases)
    at = {**{p: 0 for p in params}, x: sp.Rational(1, 2), t: target}
    grads = {str(p): sp.diff(loss, p).subs(at) for p in params}
    holds = all(g == 0 for g in grads.values())
    ev = {"holds": holds, "gradients_at_zero": grads}
    if not holds:
        ev["counterexample"] = {k: float(v) for k, v in grads.items() if v != 0}
    return ev


def _zero_weights_evidence(catalog):
    ev = zero_weight_gradients(catalog)
    with_biases = zero_weight_gradients(catalog, biases=True)["gradients_at_zero"]
    return {**ev, "with_biases": with_biases, "dL_dc_with_biases": with_biases["c"]}


def _symmetry(catalog):
    out, loss, (w1, w2, v1, v2) = _two_unit_loss(catalog)
    g1, g2 = sp.diff(loss, w1), sp.diff(loss, w2)
    same = {w2: w1, v2: v1}
    return S("Symmetry breaking",
        P("Take a network with one input, two tanh hidden units and no biases, ", sp.Eq(YHAT, out, evaluate=False),
          ", and the loss ", sp.Eq(L, loss.subs(out, YHAT), evaluate=False), ". SymPy differentiates:"),
        E((sp.Derivative(L, w1), g1.subs(out, YHAT)), (sp.Derivative(L, w2), g2.subs(out, YHAT))),
        P("If the two units start equal, the two gradients are the same expression, so every gradient step "
          "keeps them equal: the units compute one feature twice. Random initial weights break the symmetry."),
        ClaimBox(Claim("symmetry.equal_gradients", "with w_1 = w_2 and v_1 = v_2 the two hidden units receive "
                       "identical gradients", "symbolic: dL/dw_1 - dL/dw_2 after the substitution",
                       lambda: equal(g1.subs(same), g2.subs(same)), source=SEED,
                       quote="Weights contributes equally to the cost, so they will never differ from each other"),
                 shown=(sp.Eq(sp.Derivative(L, w1), sp.Derivative(L, w2)), " whenever ", sp.Eq(w1, w2), " and ",
                        sp.Eq(v1, v2), ".")),
        P("Starting all weights at zero is the extreme case of equal weights. In this network every "
          "gradient is then zero and training cannot start. The statement depends on the network: with "
          "biases, the output bias c receives the gradient ", sp.Eq(sp.Derivative(L, sp.Symbol("c")), YHAT - t,
                                                                   evaluate=False),
          ", which is not zero; the hidden weights still get none, because the output weights are zero."),
        ClaimBox(Claim("symmetry.zero_weights", "with every weight 0 every gradient of the bias-free network is 0",
                       "symbolic: each partial derivative at w = v = 0 (x = 1/2, t = 1); the same with biases",
                       lambda: _zero_weights_evidence(catalog), source=SEED, quote="If $w = 0$ no update at all",
                       qualifier="conditional",
                       reading="the network has no biases; with biases the output bias gets dL/dc = "
                       "{{dL_dc_with_biases}} at t = 1 while the hidden weights still get 0"),
                 shown=("At ", sp.Eq(w1, 0), ", ", sp.Eq(w2, 0), ", ", sp.Eq(v1, 0), ", ", sp.Eq(v2, 0),
                        " every partial derivative of L is 0, for the network without biases; with biases only the "
                        "output bias moves.")))


# ----- variance, forward and backward -----

def layer_rule(direction, n_in=N_IN, n_out=N_OUT, claimed="fan_in"):
    """Monte Carlo of one layer (`figures.layer_variance_trials`, seed 0) against the variance
    `claimed` x Var(w) (fan "fan_in" or "fan_out"); the other fan is the alternative to reject."""
    var_w = 1.0 / n_in
    est = figures.layer_variance_trials(direction, n_in, n_out, var_w, TRIALS)
    fans = {"fan_in": n_in, "fan_out": n_out}
    other = "fan_out" if claimed == "fan_in" else "fan_in"
    return mc_agrees(float(est.mean()), fans[claimed] * var_w, float(est.std(ddof=1) / np.sqrt(TRIALS)),
                     TRIALS, 0, alternative=(other, fans[other] * var_w), n_in=n_in, n_out=n_out, var_w=var_w)


def _product_variance():
    """Var(w a) for independent zero-mean w, a: E[w^2 a^2] - E[w a]^2 = E[w^2] E[a^2]."""
    a = sp.Symbol("a", real=True)
    ew2, ea2 = sp.Symbol("sigma_w", positive=True) ** 2, sp.Symbol("sigma_a", positive=True) ** 2
    return a, (Ex(w**2 * a**2), ew2 * ea2), (Ex(w * a), 0)


def relu_second_moment(relu, density, z):
    """E[relu(z)^2]: the integral over each half line, where the catalog's Piecewise is one branch."""
    halves = ((sp.Symbol("p", positive=True), (0, sp.oo)), (sp.Symbol("q", negative=True), (-sp.oo, 0)))
    return sum(sp.integrate(relu.expr.subs(relu.var, v) ** 2 * density.subs(z, v), (v, *ends)) for v, ends in halves)


def _forward(catalog):
    a, (lhs, rhs), _ = _product_variance()
    z, i = sym("z", "l"), sp.Symbol("i", integer=True)
    wi, ai = sp.Symbol("w_i"), sp.Symbol("a_i")
    s = sp.Symbol("s", positive=True)
    zz = sp.Symbol("z", real=True)
    density = sp.exp(-zz**2 / (2 * s**2)) / (sp.sqrt(2 * sp.pi) * s)
    second = relu_second_moment(catalog.get("relu"), density, zz)
    return S("Variance in the forward pass",
        P("A unit of layer l computes ", sp.Eq(z, sp.Sum(wi * ai, (i, 1, NIN)), evaluate=False), " from the ", NIN,
          " activations of the layer below. Assume that weights and activations are independent and have mean 0, "
          "and write ", sp.Eq(Var(w), sp.Symbol("sigma_w") ** 2, evaluate=False), ", ",
          sp.Eq(Var(a), sp.Symbol("sigma_a") ** 2, evaluate=False), ". Then ", sp.Eq(Ex(w * a), 0, evaluate=False),
          " and ", sp.Eq(lhs, rhs, evaluate=False), ", so each product has variance ", rhs,
          "; a sum of independent terms adds their variances:"),
        E((Var(z), NIN * Var(w) * Var(a))),
        P("For a ReLU layer the activations are not zero-mean; what enters the next layer is their second "
          "moment. For a symmetric Gaussian pre-activation of variance ", s**2, " SymPy integrates"),
        E((sp.Integral(sp.Function("relu")(zz) ** 2 * density, (zz, -sp.oo, sp.oo)), second)),
        ClaimBox(Claim("variance.relu_second_moment", "a ReLU passes on half of the second moment of a symmetric "
                       "Gaussian pre-activation", "symbolic integral over the normal density",
                       lambda: equal(second, s**2 / 2)), shown=(sp.Eq(Ex(sp.Function("relu")(zz) ** 2), s**2 / 2),
                                                                ": a ReLU layer passes on half of the variance.")),
        ClaimBox(Claim("variance.product_rule", "The simulated one-layer forward variance is {{mc_estimate:.3f}}, "
                       "against the fan-in rule's {{exact:g}} ({{mc_z_exact:.1f}} standard errors); the fan-out value "
                       "{{alternative_value:g}} is {{mc_z_alternative:.0f}} standard errors away.",
                       f"Monte Carlo: {TRIALS} layers of {N_OUT} x {N_IN} normal weights, Var(w) = 1/{N_IN}, a batch "
                       "of 16 standard normal inputs each, seed 0; 5 standard errors of the trial mean",
                       lambda: layer_rule("forward"), source=SEED,
                       quote="Weights and activations are independent and identically distributed")))


def _backward():
    delta, delta_next = sym("delta", "j"), sym("delta", "i")
    i, fp = sp.Symbol("i", integer=True), sp.Symbol("f'", real=True)
    wij = sp.Symbol("w_ij", real=True)
    R = sp.Symbol(r"\mathbb{R}")
    nodes = (("a", (sym("a", "l-1"), ": ", R**NIN), (0, 0)), ("z", (sym("z", "l"), ": ", R**NOUT), (7, 0)),
             ("d", (sym("delta", "l"), ": ", R**NOUT), (7, -2)), ("dp", (sym("delta", "l-1"), ": ", R**NIN), (0, -2)))
    edges = (("a", "z", ("variance times ", NIN * Var(w))), ("d", "dp", ("variance times ", NOUT * Var(w))))
    return S("Variance in the backward pass",
        P("Glorot and Bengio ", Cite("glorot2010"), " ask the same of the error signals. Back-propagation through "
          "layer l multiplies the error signals ", sym("delta", "l"), " by the transposed weights and then by the "
          "derivative of the activation, so unit j of the layer below collects ", NOUT, " terms (", delta_next,
          " the error signals of layer l, ", fp, " the derivative at unit j):"),
        E((delta, fp * sp.Sum(wij * delta_next, (i, 1, NOUT)))),
        P("With the same independence and zero-mean assumptions the variances add as before:"),
        E((Var(delta), NOUT * Var(w) * Ex(fp**2) * Var(delta_next))),
        P("In the linear regime (", sp.Eq(fp, 1), ") this is ", sp.Eq(Var(delta), NOUT * Var(w) * Var(delta_next)),
          ": the backward pass counts the fan-out where the forward pass counts the fan-in. The graph below "
          "shows the two passes through one layer."),
        Graph("layer", nodes, edges, (
            "One layer, forward (top: ", sym("a", "l-1"), " to ", sym("z", "l"), ") and backward (bottom: ",
            sym("delta", "l"), " to ", sym("delta", "l-1"), "), with the shapes of the column vectors and the factor "
            "each pass multiplies the variance by (linear regime).")),
        ClaimBox(Claim("variance.backward_rule", "The simulated one-layer backward variance is {{mc_estimate:.3f}}, "
                       "against the fan-out rule's {{exact:g}} ({{mc_z_exact:.1f}} standard errors); the fan-in value "
                       "{{alternative_value:g}} is {{mc_z_alternative:.0f}} standard errors away.",
                       f"Monte Carlo: {TRIALS} layers of {N_OUT} x {N_IN} normal weights, Var(w) = 1/{N_IN}, a batch "
                       "of 16 standard normal error signals each, seed 0; 5 standard errors of the trial mean",
                       lambda: layer_rule("backward", claimed="fan_out"))))


# ----- the schemes -----

def _schemes(catalog):
    v, ell, u = Var(w), sp.Symbol("ell", positive=True), sp.Symbol("u", real=True)
    vw = sp.Symbol("sigma_w", positive=True) ** 2
    uniform_var = sp.integrate(u**2 / (2 * ell), (u, -ell, ell))
    xavier = sp.solve(sp.Eq((NIN + NOUT) / 2 * vw, 1), vw)[0]
    average = sp.Eq(sp.Mul(sp.UnevaluatedExpr(NIN + NOUT) / 2, v, evaluate=False), 1)    # printed as written
    he = sp.solve(sp.Eq(NIN * vw / 2, 1), vw)[0]
    gn, gu, hn, hu = (catalog.get(n) for n in ("glorot_normal", "glorot_uniform", "he_normal", "he_uniform"))
    law = {"normal": ("normal, standard deviation",),
           "uniform": ("uniform on ", sp.Interval(-ell, ell), ", limit ", ell)}
    rows = tuple((e.name.replace("_", " ").capitalize(), law[e.extra["law"]], e.expr.subs(FANS), spread(e).subs(FANS))
                 for e in (gn, gu, hn, hu))
    box = lambda cid, text, lhs, rhs, quote: ClaimBox(
        Claim(cid, text, "symbolic", lambda: equal(lhs, rhs), source=SEED, quote=quote),
        shown=(sp.Eq(sp.Symbol(r"\ell") if "uniform" in cid else v, rhs.subs(FANS)),))
    return S("Xavier/Glorot and He",
        P("A constant variance through the forward pass asks for ", sp.Eq(NIN * v, 1), "; through the backward pass "
          "for ", sp.Eq(NOUT * v, 1), ". Both hold only when the fans are equal; Glorot and Bengio ",
          Cite("glorot2010"), " take the average, ", average, ", and SymPy solves it:"),
        E((v, xavier)),
        P("He et al. ", Cite("he2015"), " keep the forward condition and account for the ReLU halving the second "
          "moment, ", sp.Eq(NIN * v / 2, 1), ":"),
        E((v, he)),
        P("A uniform law on ", sp.Interval(-ell, ell), " has variance ", uniform_var, ", so the limit for a variance ",
          v, " is ", sp.sqrt(3) * sp.Symbol("sigma_w", positive=True), ". The four schemes of the catalog:"),
        Table(("scheme", "law", (v,), ("standard deviation or limit",)), rows, align="l l c c"),
        box("xavier.derived", "solving the averaged condition gives the catalog's Glorot variance", xavier,
            gn.expr.subs(FANS), r"$W^l = \mathcal{N}\left(\mu = 0, \sigma = \sqrt{\frac{2}{n^{l-1} + n^l}}\right)$"),
        box("he.derived", "solving the ReLU forward condition gives the catalog's He variance", he, hn.expr.subs(FANS),
            r"$W^l = \mathcal{N}\left(\mu = 0, \sigma = \sqrt{\frac{2}{n^{l-1}}}\right)$"),
        box("xavier.uniform_limit", "the Glorot uniform limit is the square root of six over the sum of the fans",
            spread(gu).subs(FANS), sp.sqrt(6 / (NIN + NOUT)), r"limit = \sqrt{\frac{6}{n^{l-1} + n^l}}"),
        box("he.uniform_limit", "the He uniform limit is the square root of six over the fan-in",
            spread(hu).subs(FANS), sp.sqrt(6 / NIN), r"limit = \sqrt{\frac{6}{n^{l-1}}}"))


def _example(catalog):
    at = {NIN: EXAMPLE["n_in"], NOUT: EXAMPLE["n_out"]}
    rows = []
    for name in ("glorot_normal", "glorot_uniform", "he_normal", "he_uniform"):
        e = catalog.get(name)
        var, spr = e.expr.subs(FANS).subs(at), spread(e).subs(FANS).subs(at)
        rows.append((name.replace("_", " ").capitalize(), var, sp.N(var, 3), sp.N(spr, 3)))
    return S("Worked example",
        P("The first layer of a network for 28 by 28 pixel digits maps ", sp.Eq(NIN, at[NIN]), " inputs to ",
          sp.Eq(NOUT, at[NOUT]), " units. SymPy evaluates the four schemes:"),
        Table(("scheme", (Var(w),), ("decimal",), ("standard deviation or limit",)), tuple(rows), align="l c c c"),
        P("He's weights are a little larger than Glorot's because a ReLU discards half of the signal; the "
          "uniform limits are larger than the standard deviations by the factor ", sp.sqrt(3), "."))


# ----- a deep network -----

def _pairs(catalog):
    g = catalog.get
    return ((g("relu"), g("glorot_normal")), (g("relu"), g("he_normal")),
            (g("tanh"), g("glorot_normal")), (g("tanh"), g("he_normal")))


def layer_gain(table, column, exact, alternative, backward=False):
    """Mean variance ratio between consecutive layers (in the direction of the pass) against `exact`, in
    standard errors of that mean; it must also be more than 5 standard errors from the alternative."""
    i = table[0].index(column)
    col = [r[i] for r in table[1:]][::-1 if backward else 1]
    ratios = np.array([b / a for a, b in zip(col, col[1:])])
    return mc_agrees(float(ratios.mean()), exact, float(ratios.std(ddof=1) / np.sqrt(len(ratios))), len(ratios), 1,
                     alternative=alternative)


def _both(table, name, exact, alternative):
    return all_of(forward=layer_gain(table, f"fwd_{name}", exact, alternative),
                  backward=layer_gain(table, f"bwd_{name}", exact, alternative, backward=True))


def _deep(catalog):
    table = figures.variance_by_layer(_pairs(catalog), **DEEP)
    depth = len(table) - 1
    labels = ("ReLU, Glorot", "ReLU, He", "tanh, Glorot", "tanh, He")
    styles = ("dashed", "", "dotted", "lines+marks")
    names = [c[4:] for c in table[0][1:5]]
    plot = lambda pass_, ylabel, legend: Plot(
        tuple(Series("variance", f"{pass_}_{n}", lab, x="layer", style=st)
              for n, lab, st in zip(names, labels, styles)),
        xlabel=("layer ", sym("l")), ylabel=ylabel, ymode="log", legend=legend)
    fig = Figure("variance", (plot("fwd", ("variance of ", sym("z", "l")), "south west"),
                              plot("bwd", ("variance of ", sym("delta", "l")), "south east")),
                 (f"Variance per layer, the mean over {DEEP['nets']} networks of {depth} layers of width "
                  f"{DEEP['width']} ({DEEP['batch']} Gaussian inputs each, seed 1): the "
                  "forward pass (left, ", Var(sym("z", "l")), ") and the backward pass from a Gaussian output gradient "
                  "(right, ", Var(sym("delta", "l")), "), for ReLU with Glorot weights (dashed), ReLU with He weights "
                  "(solid), tanh with Glorot weights (dotted) and tanh with He weights (solid with marks)."),
                 data={"variance": table}, per_row=2)
    return S("A deep network",
        P("The derivation assumed independence and infinite width. Figure ", Ref("variance"), " simulates the "
          "networks it describes: under He's variance a ReLU network keeps the variance in both passes; under "
          "Glorot's it loses half per layer in each direction. The tanh networks are shown for comparison: tanh "
          "saturates, so the linear-regime rules describe them only while the variance is small."),
        fig,
        ClaimBox(Claim("mc.he_relu_keeps_variance",
                       "With He weights a ReLU network keeps the variance: the mean ratio per layer is "
                       "{{forward.mc_estimate:.2f}} forward and {{backward.mc_estimate:.2f}} "
                       "backward, within {{forward.mc_z_exact:.1f}} and {{backward.mc_z_exact:.1f}} standard errors "
                       "of 1 and far from Glorot's halving.",
                       f"Monte Carlo (the figure's data, seed 1): mean ratio over {depth - 1} layer pairs in each "
                       "pass, 5 standard errors; the halving rejected at 5", lambda: _both(
                           table, "relu_he_normal", 1.0, ("halving (Glorot)", 0.5)))),
        ClaimBox(Claim("mc.xavier_relu_halves",
                       "With Glorot weights a ReLU network loses half of the variance per layer: the mean ratio "
                       "per layer is {{forward.mc_estimate:.2f}} forward and "
                       "{{backward.mc_estimate:.2f}} backward, far from He's 1.",
                       f"Monte Carlo (the figure's data, seed 1): mean ratio over {depth - 1} layer pairs in each "
                       "pass, 5 standard errors; the kept variance rejected at 5", lambda: _both(
                           table, "relu_glorot_normal", 0.5, ("kept (He)", 1.0)))))


def _exercises(catalog):
    s, alpha = sp.Symbol("s", positive=True), sym("alpha", positive=True)
    zz = sp.Symbol("z", real=True)
    density = sp.exp(-zz**2 / (2 * s**2)) / (sp.sqrt(2 * sp.pi) * s)
    leaky_sq = sp.simplify(sp.integrate(alpha**2 * zz**2 * density, (zz, -sp.oo, 0))
                           + sp.integrate(zz**2 * density, (zz, 0, sp.oo)))
    vw = sp.Symbol("sigma_w", positive=True) ** 2
    leaky_he = sp.solve(sp.Eq(NIN * vw * leaky_sq / s**2, 1), vw)[0]
    g_std = sp.sqrt(sp.Rational(2, 100 + 10))
    _, loss, (w1, w2, v1, v2) = _two_unit_loss(catalog)
    sig = catalog.get("sigmoid")
    sig_loss = loss.subs(sp.tanh, sp.Lambda(sig.var, sig.expr))
    at0 = {w1: 0, w2: 0, v1: 0, v2: 0}
    gv = [sp.simplify(sp.diff(sig_loss, v).subs(at0)) for v in (v1, v2)]
    return (
        X(("A layer maps ", sp.Eq(NIN, 100), " inputs to ", sp.Eq(NOUT, 10), " outputs. Give the standard deviation "
           "of Glorot-normal weights."), ("The variance is ", sp.Eq(Var(w), sp.Rational(2, 110)),
                                          ", so the standard deviation is ", sp.Eq(sp.Symbol("sigma_w"), g_std),
                                          ", about ", sp.N(g_std, 3), ".")),
        X(("Leaky ReLU with slope ", alpha, " multiplies negative inputs by ", alpha, ". Compute ",
           Ex(sp.Function("f")(zz) ** 2), " for a pre-activation with variance ", s**2,
           " and derive the variance that keeps the forward variance constant."),
          ("Integrating each half against the normal density gives ", sp.Eq(Ex(sp.Function("f")(zz) ** 2), leaky_sq),
           "; the condition ", sp.Eq(NIN * Var(w) * leaky_sq / s**2, 1), " gives ", sp.Eq(Var(w), leaky_he),
           ", which is He's ", 2 / NIN, " at ", sp.Eq(sym("alpha"), 0), " (He et al. derive it for PReLU).")),
        X(("Replace tanh by the sigmoid in the network of the symmetry section. With all weights 0, do the output "
           "weights get a gradient? Does that break the symmetry?"),
          ("Each hidden unit outputs ", sig.expr.subs(sig.var, 0), ", so ",
           sp.Eq(sp.Derivative(L, v1), gv[0]), " and ",
           sp.Eq(sp.Derivative(L, v2), gv[1]), ": the output weights move, but by the same amount, "
           "so the two units stay identical.")),
        X(("Show that a uniform law on ", sp.Interval(-sp.Symbol(r"\ell"), sp.Symbol(r"\ell")), " has variance ",
           sp.Symbol(r"\ell") ** 2 / 3, ", and derive the He uniform limit."),
          ("The density is ", 1 / (2 * sp.Symbol(r"\ell")), " and the mean 0, so the variance is ",
           sp.Integral(sp.Symbol("u") ** 2 / (2 * sp.Symbol(r"\ell")), (sp.Symbol("u"), -sp.Symbol(r"\ell"),
                                                                         sp.Symbol(r"\ell"))),
           " = ", sp.Symbol(r"\ell") ** 2 / 3, "; setting it to ", 2 / NIN, " gives ",
           sp.Eq(sp.Symbol(r"\ell"), sp.sqrt(6 / NIN)), ".")),
    )


def document(catalog):
    return Document(TITLE, (
        S("Why initialisation matters",
          P("Gradient descent starts from the initial weights, and two things can go wrong before the first step. "
            "Equal weights make hidden units identical for ever. Weights that are too large or too small make the "
            "activations and the gradients grow or shrink geometrically with depth ", Cite("glorot2010"),
            ". This note shows the first problem, derives how the variance of the signal changes through one "
            "layer in each direction, solves for the weight variance that keeps it constant (Glorot and "
            "Bengio's and He et al.'s schemes), and checks the result by simulation.")),
        _symmetry(catalog), _forward(catalog), _backward(), _schemes(catalog), _example(catalog), _deep(catalog)),
        abstract=("Why random initial weights break the symmetry between units, how the variance of the signal "
                  "changes through a layer in the forward and the backward pass, and the Glorot and He "
                  "initialisations that keep it constant, derived by SymPy and checked by simulation."),
        sources=(SEED,),
        summary=(
            ("Equal initial weights give equal gradients, so units that start equal stay equal; random weights "
             "break the symmetry.",),
            ("For independent zero-mean weights and inputs, ", sp.Eq(Var(sym("z", "l")), NIN * Var(w) *
                                                                     Var(sym("a", "l-1"))), " in the forward pass.",),
            ("The error signals obey ", sp.Eq(Var(sym("delta", "l-1")), NOUT * Var(w) * Var(sym("delta", "l"))),
             " in the linear regime: the backward pass counts the fan-out.",),
            ("Glorot and Bengio average the two conditions: ", sp.Eq(Var(w), 2 / (NIN + NOUT)), ".",),
            ("A ReLU halves the second moment, so He et al. use ", sp.Eq(Var(w), 2 / NIN), "; a uniform law with "
             "limit ", sp.Symbol(r"\ell"), " has variance ", sp.Symbol(r"\ell") ** 2 / 3, ".",),
        ),
        exercises=_exercises(catalog))
