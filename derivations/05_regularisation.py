"""Document 5: L1/L2 penalties and their update rules; dropout, its inference scaling, checked."""

import numpy as np
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.lecture import figures
from symderiv.lecture.blocks import (B, ClaimBox, ClaimRef, Document, E, Figure, P, Plot, Ref, S,
                                         Series)
from symderiv.lecture.checks import equal, monte_carlo
from symderiv.verify.claims import Claim

TITLE = "Regularisation: L1, L2 and dropout"
SEED = "002_f9dacf9c81433969.txt"
N_MC, X_MC, P_MC = 200_000, 1.7, 0.3


def _penalties(catalog):
    l1, l2 = catalog.get("l1"), catalog.get("l2")
    w, lam = l1.var, l1.param("l").symbol
    alpha, g = sp.Symbol("alpha", positive=True), sp.Symbol("g", real=True)
    Lfun, C = sp.Function("L"), sp.Function("C")
    step = {e.name: w - alpha * (g + derivative(e)) for e in (l1, l2)}
    l2_step = sp.collect(sp.expand(step["l2"]), w)
    dL = sp.Derivative(Lfun(w), w)
    lam1 = sp.Symbol("lambda_1", positive=True)
    curves = {e.name: figures.activation_curve(e, -2.0, 2.0, 81, params=(("l", 1.0),)) for e in (l1, l2)}
    kinks = figures.kink_marks(l1, -2.0, 2.0, params=(("l", 1.0),))
    plots = tuple(Plot((Series(n, "f", f"{n} penalty"), Series(n, "df", "derivative", style="dashed"),
                        *((Series("kinks", "value", "value at the kink", style="marks"),) if n == "l1" else ())),
                       xlabel=(w,), legend="north west") for n in ("l1", "l2"))
    fig = Figure("penalties", plots, ("The L1 and L2 penalties and their derivatives for ", sp.Eq(lam, 1),
                                      "; the dot is the value the catalog uses at the kink of the L1 penalty."),
                 data={"l1": curves["l1"], "l2": curves["l2"], "kinks": kinks}, per_row=2)
    return S(
        "L1 and L2 penalties",
        P("Regularisation adds a penalty on the weights to the loss, ", sp.Eq(C(w), Lfun(w) + sp.Function("R")(w)),
          ". The source slides sum it over every weight of every layer. Keras's penalties, as in the catalog:"),
        E((sp.Function("R_1")(w), l1.expr), (sp.Function("R_2")(w), l2.expr)),
        P("Their derivatives, from SymPy (the L1 penalty has a kink at 0, where the catalog uses the "
          "subgradient of least norm):"),
        E((sp.Derivative(sp.Function("R_1")(w), w), derivative(l1)), (sp.Derivative(sp.Function("R_2")(w), w), derivative(l2))),
        fig,
        P("One step of gradient descent with learning rate ", alpha, " on C, writing ", sp.Eq(g, dL), ", is"),
        E((sp.Symbol("w_{L1}'"), step["l1"]), (sp.Symbol("w_{L2}'"), l2_step)),
        P("So L2 shrinks every weight by the constant factor ", 1 - 2 * alpha * lam, " before the usual step "
          "(weight decay; Keras's L2 has no factor 1/2, hence the 2). L1 subtracts the constant ", alpha * lam,
          " from positive weights and adds it to negative ones, which pulls every weight towards zero; exact "
          "zeros come from the minimiser of the penalised cost (or a proximal step that clips at 0), while plain "
          "subgradient steps oscillate around 0. The slides write the L1 step with a plus-or-minus sign: read as "
          "minus the sign of the weight, it is this gradient step (the reading the claim below takes)."),
        ClaimRef("seed002.l1.update_sign"),
        ClaimRef("seed002.l1.update_corrected"),
        ClaimRef("seed002.l2.update"),
        ClaimBox(Claim("l2.decay_factor", "the L2 step is (1 - 2 alpha lambda) w - alpha dL/dw",
                       "symbolic: SymPy's step against the factored form",
                       lambda: equal(step["l2"], (1 - 2 * alpha * lam) * w - alpha * g), source=SEED,
                       quote=r"W^l := (1 - 2\alpha\lambda)W^l - \alpha \frac{\partial L}{\partial W^l}")),
        ClaimBox(Claim("l1.sign_step", "for w != 0 the L1 step is w - alpha dL/dw - alpha lambda sign(w)",
                       "symbolic at w = 7/2 and w = -5/3 (both branches)",
                       lambda: _branches(step["l1"], w, alpha, g, lam, lam1))),
    )


def _branches(expr, w, alpha, g, lam, _):
    evs = [equal(expr.subs(w, v), v - alpha * g - alpha * lam * sp.sign(v)) for v in (sp.Rational(7, 2), sp.Rational(-5, 3))]
    ev = {"holds": all(e["holds"] for e in evs), "branches_checked": 2,
          "max_abs_error": max(e["max_abs_error"] for e in evs)}
    if not ev["holds"]:
        ev["counterexample"] = next(e["counterexample"] for e in evs if not e["holds"])
    return ev


def _expect(entry, expr):
    """E over the keep mask m ~ Bernoulli(1 - p) of `expr`."""
    rnd = entry.extra["random"]
    m, keep = rnd["symbol"], rnd["keep"]
    return sp.simplify(keep * expr.subs(m, 1) + (1 - keep) * expr.subs(m, 0))


def _dropout(catalog):
    inv, seed = catalog.get("dropout"), catalog.get("dropout_seed")
    x, p = inv.var, inv.param("p").symbol
    m = inv.extra["random"]["symbol"]
    Ef, Var = sp.Function("E"), sp.Function("Var")
    e_inv, e_seed = _expect(inv, inv.expr), _expect(seed, seed.expr)
    var_inv = sp.factor(sp.simplify(_expect(inv, inv.expr**2) - e_inv**2))
    table = _running_means()
    plot = Plot((Series("mean", "inverted", "inverted dropout (training)", x="n"),
                 Series("mean", "seed", "dropout without rescaling (training)", x="n", style="dashed"),
                 Series("mean", "x", "x (inverted: inference)", x="n", style="dotted"),
                 Series("mean", "scaled", "(1 - p) x (inference, source)", x="n", style="dotted")),
                xlabel=("number of training passes averaged",), ylabel=("mean output",), xmode="log",
                legend="south east")
    fig = Figure("dropout", (plot,), ("Running means of a unit's training output under the two dropout rules, ",
                                      sp.Eq(x, sp.Float(X_MC, 2)), ", ", sp.Eq(p, sp.Float(P_MC, 1)),
                                      " (NumPy, seed 0). Each converges to its rule's inference output."),
                 data={"mean": table})
    return S(
        "Dropout",
        P("In training, dropout keeps each unit with probability ", 1 - p, " and sets it to 0 otherwise: a "
          "mask ", m, " with ", sp.Eq(sp.Function("P")(sp.Eq(m, 1)), 1 - p, evaluate=False), ". Two rules exist. "
          "The source slides keep the value unchanged in training and multiply by ", 1 - p, " at inference. "
          "PyTorch's inverted dropout divides by ", 1 - p, " in training and does nothing at inference:"),
        E((sp.Symbol("y_{source}"), seed.expr), (sp.Symbol("y_{inverted}"), inv.expr)),
        P("The expectations over the mask, computed by SymPy as a sum over the two values of ", m, ", are"),
        E((Ef(sp.Symbol("y_{source}")), e_seed), (Ef(sp.Symbol("y_{inverted}")), e_inv)),
        P("so each rule's inference output (", seed.extra["inference_expr"], " and ", inv.extra["inference_expr"],
          ") is the expected training output: the next layer sees the same mean in both phases. "
          "Inverted dropout does the scaling once in training and leaves inference untouched. Its variance is"),
        E((Var(sp.Symbol("y_{inverted}")), var_inv)),
        P("and its derivative, ", sp.Eq(sp.Derivative(sp.Symbol("y_{inverted}"), x), derivative(inv), evaluate=False),
          ", shows that the backward pass uses the same mask and the same scale. Figure ", Ref("dropout"),
          " shows the expectation at work."),
        fig,
        ClaimBox(Claim("dropout.source_expectation", "E[m x] = (1 - p) x, the source's inference output",
                       "symbolic expectation over m ~ Bernoulli(1 - p)",
                       lambda: equal(e_seed, seed.extra["inference_expr"]), source=SEED,
                       quote="multiply the the activations by $1-p$ to reduce the strength")),
        ClaimBox(Claim("dropout.inverted_expectation", "E[m x/(1 - p)] = x: inverted dropout preserves the expectation",
                       "symbolic expectation over m ~ Bernoulli(1 - p)",
                       lambda: equal(e_inv, inv.extra["inference_expr"]))),
        ClaimBox(Claim("dropout.inverted_monte_carlo",
                       f"the mean of {N_MC} inverted-dropout outputs is x (x = {X_MC}, p = {P_MC})",
                       "Monte Carlo, NumPy seed 0, tolerance 5 standard errors from the derived variance",
                       lambda: _mc_inverted(float(var_inv.subs({x: X_MC, p: P_MC}))))),
        ClaimRef("seed002.dropout.inference_scaling"),
        ClaimRef("seed002.dropout.inverted"),
    )


def _draws():
    rng = np.random.default_rng(0)
    return (rng.random(N_MC) >= P_MC).astype(float)


def _mc_inverted(variance):
    out = _draws() * X_MC / (1 - P_MC)
    return monte_carlo(float(out.mean()), X_MC, float(np.sqrt(variance / N_MC)), N_MC, 0)


def _running_means():
    keep = _draws()
    n = np.unique(np.geomspace(1, N_MC, 60).astype(int))
    inv = np.cumsum(keep * X_MC / (1 - P_MC))[n - 1] / n
    seed = np.cumsum(keep * X_MC)[n - 1] / n
    rows = [(int(k), a, b, X_MC, (1 - P_MC) * X_MC) for k, a, b in zip(n, inv, seed)]
    return (("n", "inverted", "seed", "x", "scaled"),) + tuple(rows)


def document(catalog):
    return Document(TITLE, (
        S("Why regularise",
          P("A model with more capacity than the data need fits the noise: low bias, high variance. "
            "Regularisation lowers the capacity by pulling parameters towards zero (L1, L2) or by training "
            "a random sub-network at each step (dropout)."),
          B("L1 and L2 change the loss, hence every gradient step;",
            "dropout changes the forward pass in training only, so training and inference must agree in expectation.")),
        _penalties(catalog), _dropout(catalog)),
        abstract=("L1 and L2 penalties with their derivatives and update rules, and dropout with the two ways "
                  "of matching training and inference, all derived by SymPy and checked."),
        sources=(SEED,))
