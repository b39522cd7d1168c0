"""Document 4: symmetry breaking, variance propagation, Xavier/Glorot and He derived and checked."""

import numpy as np
import sympy as sp

from symderiv.catalog.initializers import fan_in, fan_out, spread
from symderiv.lecture import figures
from symderiv.lecture.blocks import B, ClaimBox, Document, E, Figure, P, Plot, Ref, S, Series, Table
from symderiv.lecture.checks import equal, monte_carlo
from symderiv.verify.evidence import mc_agrees
from symderiv.verify.claims import Claim

TITLE = "Weight initialisation: symmetry breaking, Xavier/Glorot and He"
SEED = "002_f9dacf9c81433969.txt"
N_MC, WIDTH = 20000, 100


def _symmetry(catalog):
    """Two tanh units with equal weights get equal gradients; all-zero weights get none."""
    xv, t = sp.symbols("x t", real=True)
    w1, w2, v1, v2, w, v = sp.symbols("w_1 w_2 v_1 v_2 w v", real=True)
    tanh = catalog.get("tanh")
    h = [tanh.expr.subs(tanh.var, wi * xv) for wi in (w1, w2)]
    y = v1 * h[0] + v2 * h[1]
    loss = catalog.get("half_squared_error")
    L = loss.expr.subs({loss.variables[0]: y, loss.variables[1]: t})
    g1, g2 = sp.diff(L, w1), sp.diff(L, w2)
    same = {w1: w, w2: w, v1: v, v2: v}
    zero = {w1: 0, w2: 0, v1: 0, v2: 0}
    grads = [sp.diff(L, s) for s in (w1, w2, v1, v2)]
    items = [
        P("Take the network of the source's symmetry example with two hidden units, ",
          sp.Eq(sp.Symbol("y"), y, evaluate=False), ", and the loss ", sp.Eq(sp.Symbol("L"), L, evaluate=False),
          ". SymPy's gradients with respect to the two first-layer weights are"),
        E((sp.Derivative(sp.Symbol("L"), w1), g1), (sp.Derivative(sp.Symbol("L"), w2), g2)),
        P("If the units start equal (", sp.Eq(w1, w2), ", ", sp.Eq(v1, v2),
          "), both gradients are the same expression, so gradient descent keeps them equal for ever: "
          "the two units compute the same feature. Random initial weights break this symmetry."),
        ClaimBox(Claim("symmetry.equal_gradients",
                       "with w_1 = w_2 and v_1 = v_2 the two units receive identical gradients",
                       "symbolic: simplify(dL/dw_1 - dL/dw_2) == 0 after substitution",
                       lambda: equal(g1.subs(same), g2.subs(same)), source=SEED,
                       quote="Weights contributes equally to the cost, so they will never differ from each other")),
        ClaimBox(Claim("symmetry.zero_weights", "with every weight 0 every gradient is 0 (no update at all)",
                       "symbolic: each partial derivative evaluated at w = v = 0",
                       lambda: equal(sp.Matrix(grads).subs(zero), sp.zeros(4, 1)), source=SEED,
                       quote="If $w = 0$ no update at all")),
    ]
    return S("Symmetry breaking", *items)


def _variance(catalog):
    n = sp.Symbol("n", positive=True)
    vw, va = sp.symbols("sigma_w^2 sigma_a^2", positive=True)
    mu_a = sp.Symbol("mu_a", real=True)
    z = sp.Symbol("z", real=True)
    s = sp.Symbol("s", positive=True)
    Ew2, Ea2 = vw, va + mu_a**2                       # E[w] = 0, Var(a) = va, E[a] = mu_a
    var_term = Ew2 * Ea2 - 0 ** 2                      # Var(w a) = E[w^2] E[a^2] - (E w E a)^2
    var_z = sp.expand(n * var_term)
    relu = catalog.get("relu")
    density = sp.exp(-z**2 / (2 * s**2)) / (sp.sqrt(2 * sp.pi) * s)
    second_moment = sp.integrate(relu.expr.subs(relu.var, z) ** 2 * density, (z, -sp.oo, sp.oo))
    Var = sp.Function("Var")
    items = [
        P("A unit of layer l computes ", sp.Eq(sp.Symbol("z"), sp.Sum(sp.Symbol("w_i") * sp.Symbol("a_i"),
          (sp.Symbol("i"), 1, n)), evaluate=False), " from n inputs. Assume the weights and inputs are "
          "independent, the weights have mean 0 and variance ", vw, ", the inputs mean ", mu_a, " and variance ",
          va, ". Then each term has variance ", sp.Eq(Var(sp.Symbol("w_i") * sp.Symbol("a_i")), var_term,
                                                       evaluate=False), ", and summing n independent terms"),
        E((Var(sp.Symbol("z")), var_z)),
        P("With zero-mean inputs (", sp.Eq(mu_a, 0, evaluate=False), ") this is the rule of the source, ",
          sp.Eq(Var(sp.Symbol("z")), var_z.subs(mu_a, 0), evaluate=False),
          ". After a ReLU the inputs of the next layer are not zero-mean; what enters is their second "
          "moment. For a symmetric Gaussian pre-activation of variance ", s**2, " SymPy integrates"),
        E((sp.Integral(sp.Function("relu")(z) ** 2 * density, (z, -sp.oo, sp.oo)), second_moment)),
        P("so a ReLU layer passes on half of the variance."),
        ClaimBox(Claim("variance.product_rule", f"Var(z) = n Var(w) Var(a) for zero-mean independent w, a "
                       f"(n = {WIDTH}, Var(w) = 1/n, Var(a) = 4)",
                       f"Monte Carlo: {N_MC} sums of n products of normals, seed 0, 5 standard errors",
                       lambda: _mc_product_rule(), source=SEED,
                       quote="Weights and activations are independent and identically distributed")),
        ClaimBox(Claim("variance.relu_second_moment", "E[relu(z)^2] = Var(z)/2 for z ~ N(0, s^2)",
                       "symbolic integral over the normal density",
                       lambda: equal(second_moment, s**2 / 2))),
    ]
    return S("Variance propagation", *items)


def _mc_product_rule():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((N_MC, WIDTH)) * np.sqrt(1.0 / WIDTH)
    a = rng.standard_normal((N_MC, WIDTH)) * 2.0
    z = np.sum(w * a, axis=1)
    est = float(np.var(z))
    exact = WIDTH * (1.0 / WIDTH) * 4.0
    se = exact * np.sqrt(2.0 / (N_MC - 1)) * 1.5   # normal-theory s.e. of a variance, widened for kurtosis
    return monte_carlo(est, exact, se, N_MC, 0)


def _schemes(catalog):
    v = sp.Symbol("sigma_w^2", positive=True)
    limit = sp.Symbol("ell", positive=True)
    u = sp.Symbol("u", real=True)
    uniform_var = sp.integrate(u**2 / (2 * limit), (u, -limit, limit))
    xavier = sp.solve(sp.Eq((fan_in + fan_out) / 2 * v, 1), v)[0]
    he = sp.solve(sp.Eq(fan_in * v / 2, 1), v)[0]
    gn, gu, hn, hu = (catalog.get(n) for n in ("glorot_normal", "glorot_uniform", "he_normal", "he_uniform"))
    forward, backward = sp.Eq(fan_in * v, 1), sp.Eq(fan_out * v, 1)
    items = [
        P("Keeping the variance of the pre-activations constant from layer to layer asks for ", forward,
          " in the forward pass; keeping the variance of the back-propagated gradients constant asks for ",
          backward, ". Glorot and Bengio take the compromise ", sp.Eq((fan_in + fan_out) / 2 * v, 1),
          ", whose solution SymPy finds as"),
        E((v, xavier)),
        P("He et al. account for the ReLU halving the second moment (previous section): ",
          sp.Eq(fan_in * v / 2, 1), ", so"),
        E((v, he)),
        P("A uniform law U(-", limit, ", ", limit, ") has variance ", uniform_var,
          ", so the limit that gives variance ", v, " is ", sp.sqrt(3 * v), ". The four schemes of the catalog:"),
        Table(("scheme", "law", "variance", "standard deviation or limit"),
              tuple((e.name, "normal N(0, s^2)" if e.extra["law"] == "normal" else "uniform U(-l, l)", e.expr,
                     sp.Eq(sp.Symbol("s") if e.extra["law"] == "normal" else limit, spread(e), evaluate=False))
                    for e in (gn, gu, hn, hu)), align="l l c c"),
        ClaimBox(Claim("xavier.derived", "solving (n_in + n_out)/2 Var(w) = 1 gives the catalog's Glorot variance",
                       "symbolic", lambda: equal(xavier, gn.expr), source=SEED,
                       quote=r"$W^l = \mathcal{N}\left(\mu = 0, \sigma = \sqrt{\frac{2}{n^{l-1} + n^l}}\right)$")),
        ClaimBox(Claim("he.derived", "solving n_in Var(w)/2 = 1 gives the catalog's He variance", "symbolic",
                       lambda: equal(he, hn.expr), source=SEED,
                       quote=r"$W^l = \mathcal{N}\left(\mu = 0, \sigma = \sqrt{\frac{2}{n^{l-1}}}\right)$")),
        ClaimBox(Claim("xavier.uniform_limit", "Glorot uniform limit = sqrt(6/(n_in + n_out))",
                       "symbolic: sqrt(3 Var) against the source's limit",
                       lambda: equal(spread(gu), sp.sqrt(6 / (fan_in + fan_out))), source=SEED,
                       quote=r"limit = \sqrt{\frac{6}{n^{l-1} + n^l}}")),
        ClaimBox(Claim("he.uniform_limit", "He uniform limit = sqrt(6/n_in)", "symbolic: sqrt(3 Var)",
                       lambda: equal(spread(hu), sp.sqrt(6 / fan_in)), source=SEED,
                       quote=r"limit = \sqrt{\frac{6}{n^{l-1}}}")),
    ]
    return S("Xavier/Glorot and He, derived", *items)


def _pairs(catalog):
    g = catalog.get
    return ((g("relu"), g("glorot_normal")), (g("relu"), g("he_normal")),
            (g("tanh"), g("glorot_normal")), (g("tanh"), g("he_normal")))


def _monte_carlo(catalog):
    pairs = _pairs(catalog)
    table = figures.variance_by_layer(pairs)
    cols = table[0][1:]
    labels = ("ReLU, Xavier", "ReLU, He", "tanh, Xavier", "tanh, He")
    plot = Plot(tuple(Series("variance", c, lab, x="layer", style="" if i % 2 else "dashed")
                      for i, (c, lab) in enumerate(zip(cols, labels))),
                xlabel=("layer",), ylabel=("variance of the pre-activation",), ymode="log", legend="south west")
    fig = Figure("variance", (plot,), ("Variance of the pre-activations per layer in a 20-layer network of "
                                       "width 256 (2000 Gaussian inputs, seed 1). Under He, ReLU keeps the "
                                       "variance; under Xavier it halves at every layer."), data={"variance": table})

    def log_gain(column, exact, alternative):
        """Mean log variance ratio per layer against log(exact), in standard errors of that mean; it must
        also be more than 5 standard errors from the named alternative's log gain."""
        col = [r[column] for r in table[1:]]
        logs = np.log([b / a for a, b in zip(col, col[1:])])
        ev = mc_agrees(float(logs.mean()), float(np.log(exact)), float(logs.std(ddof=1) / np.sqrt(len(logs))),
                       len(logs), 1, alternative=(alternative[0], float(np.log(alternative[1]))))
        return {**ev, "geometric_mean_ratio": float(np.exp(logs.mean()))}

    return S("Monte Carlo check",
             P("The derivation assumed independence and infinite width. Figure ", Ref("variance"), " shows a simulation "
               "of the networks it describes."),
             fig,
             ClaimBox(Claim("mc.he_relu_keeps_variance",
                            "with He initialisation a ReLU network keeps the variance of its pre-activations: the "
                            "geometric mean ratio per layer is {{geometric_mean_ratio:.3f}}, {{mc_z_exact:.1f}} "
                            "standard errors from 1 and {{mc_z_alternative:.0f}} from Xavier's 1/2",
                            "Monte Carlo (the figure's data, seed 1): mean log ratio over 19 layer pairs, 5 standard "
                            "errors", lambda: log_gain(2, 1.0, ("halving (Xavier)", 0.5)))),
             ClaimBox(Claim("mc.xavier_relu_halves",
                            "with Xavier initialisation a ReLU network's variance halves per layer: the geometric "
                            "mean ratio is {{geometric_mean_ratio:.3f}}, {{mc_z_exact:.1f}} standard errors from 1/2 "
                            "and {{mc_z_alternative:.0f}} from He's 1", "Monte Carlo (the figure's data, seed 1): "
                            "mean log ratio over 19 layer pairs, 5 standard errors",
                            lambda: log_gain(1, 0.5, ("kept (He)", 1.0)))))


def document(catalog):
    return Document(TITLE, (
        S("Why initialisation matters",
          P("Gradient descent starts from the initial weights. Equal weights make units identical, zero "
            "weights give no gradient, and weights that are too large or too small make activations and "
            "gradients explode or vanish with depth. The source slides ask for weights centred on zero with "
            "a variance that keeps the signal's variance constant through the layers; this note derives that "
            "variance and checks it."),
          B("weights distributed around 0 (mean 0);",
            "tanh has its strongest gradient near 0;",
            "ReLU needs small weights to avoid exploding activations.")),
        _symmetry(catalog), _variance(catalog), _schemes(catalog), _monte_carlo(catalog)),
        abstract=("Symmetry breaking, the variance of a sum of products, and the Xavier/Glorot and He "
                  "initialisations derived by SymPy from Var(z) = n Var(w) Var(a), then checked by simulation."),
        sources=(SEED,))
