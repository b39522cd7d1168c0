"""Document 5: L1/L2 penalties and their update rules, exact zeros by the proximal step; dropout, checked."""

import dataclasses

import numpy as np
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.lecture import figures
from symderiv.lecture.blocks import B, Cite, ClaimBox, ClaimRef, Document, E, Figure, P, Plot, Ref, S, Series, Table, X
from symderiv.lecture.checks import equal, monte_carlo
from symderiv.lecture.notation import sym
from symderiv.verify.claims import Claim

TITLE = "Regularisation: L1, L2 and dropout"
SEED = "002_f9dacf9c81433969.txt"
N_MC, X_MC, P_MC = 200_000, 1.7, 0.3
L1_PROBLEM = {"c": 0.3, "lam": 0.5, "eta": 0.1, "steps": 60}     # (w - c)^2/2 + lam |w|, minimiser 0
eta, lam, L = sym("eta", positive=True), sym("lambda", positive=True), sym("L")
g, c = sp.Symbol("g", real=True), sp.Symbol("c", real=True)
Var, Ex = sp.Function("Var"), sp.Function(r"\mathbb{E}")


def _entries(catalog):
    """The catalog's L1 and L2 penalties with Keras's parameter l written lambda."""
    return tuple(dataclasses.replace(e, expr=e.expr.subs(e.param("l").symbol, lam)) for e in
                 (catalog.get("l1"), catalog.get("l2")))


def kink_evidence(l1):
    """One-sided derivatives of lambda |w| at 0: -lambda and lambda, so no derivative exists there."""
    w = l1.var
    d = sp.diff(l1.expr, w)
    left, right = sp.limit(d, w, 0, "-"), sp.limit(d, w, 0, "+")
    holds = left != right
    ev = {"holds": bool(holds), "left_derivative": left, "right_derivative": right, "jump": right - left}
    if not holds:
        ev["counterexample"] = {"left": left, "right": right}
    return ev


def _penalty_figure(catalog):
    l1, l2 = catalog.get("l1"), catalog.get("l2")
    curves = {e.name: figures.activation_curve(e, -2.0, 2.0, 81, params=(("l", 1.0),)) for e in (l1, l2)}
    kinks = figures.kink_marks(l1, -2.0, 2.0, params=(("l", 1.0),))
    w = l1.var
    plots = tuple(Plot((Series(n, "f", f"{n.upper()} penalty"), Series(n, "df", "its derivative", style="dashed"),
                        *((Series("kinks", "value", "value used at the kink", style="marks"),) if n == "l1" else ())),
                       xlabel=("weight ", w), ylabel=("penalty and derivative",), legend="north west")
                  for n in ("l1", "l2"))
    return Figure("penalties", plots, ("The L1 penalty (left, solid) and the L2 penalty (right, solid) with their "
                                       "derivatives (dashed) for ", sp.Eq(lam, 1), "; the dot is the value the "
                                       "catalog uses at the kink of the L1 penalty, the subgradient 0."),
                  data={"l1": curves["l1"], "l2": curves["l2"], "kinks": kinks}, per_row=2)


def _penalties(catalog):
    l1, l2 = _entries(catalog)
    w = l1.var
    R1, R2, Lw = sp.Function("R_1")(w), sp.Function("R_2")(w), sp.Function("L")(w)
    step = {e.name: w - eta * (g + derivative(e)) for e in (l1, l2)}
    wnew = sp.Symbol("w'")
    return S("L1 and L2 penalties",
        P("Regularisation adds a penalty ", sp.Function("R")(w), " on the weights to the loss and minimises ",
          Lw + sp.Function("R")(w), ", summed over every weight of every layer ", Cite("goodfellow2016"),
          ". Keras's penalties, as in the catalog, and their derivatives from SymPy:"),
        E((R1, l1.expr), (R2, l2.expr), (sp.Derivative(R1, w), derivative(l1)), (sp.Derivative(R2, w), derivative(l2))),
        P("The L1 penalty has a kink at 0. Figure ", Ref("penalties"), " shows both penalties."),
        ClaimBox(Claim("l1.kink", "the L1 penalty has no derivative at 0: its one-sided derivatives are "
                       "{{left_derivative}} and {{right_derivative}}", "symbolic one-sided limits of the derivative",
                       lambda: kink_evidence(l1)),
                 shown=("The one-sided derivatives of ", l1.expr, " at 0 are ", -lam, " and ", lam,
                        ": the penalty is not differentiable there; any value in between is a subgradient.")),
        _penalty_figure(catalog),
        P("One gradient step with learning rate ", eta, " on the penalised loss, writing ",
          sp.Eq(g, sp.Derivative(Lw, w)), " for the gradient of the data loss, is"),
        E((wnew, sp.collect(sp.expand(step["l2"]), w)), (wnew, step["l1"])),
        P("for L2 and, away from 0, for L1. L2 multiplies every weight by the constant factor ", 1 - 2 * eta * lam,
          " before the usual step: weight decay ", Cite("krogh1992"), " (Keras's L2 has no factor one half, hence "
          "the 2). L1 moves every weight towards zero by the constant amount ", eta * lam, ". The source slides write "
          "the L1 step with a plus-or-minus sign; read as minus the sign of the weight, it is this gradient step."),
        ClaimBox(Claim("l2.decay_factor", "the L2 step is the weight-decay step", "symbolic: SymPy's step against "
                       "the factored form", lambda: equal(step["l2"], (1 - 2 * eta * lam) * w - eta * g), source=SEED,
                       quote=r"W^l := (1 - 2\alpha\lambda)W^l - \alpha \frac{\partial L}{\partial W^l}"),
                 shown=(sp.Eq(wnew, (1 - 2 * eta * lam) * w - eta * g),)),
        ClaimRef("seed002.l1.update_sign", shown=("The slides' plus-or-minus sign in the L1 step is read as ",
                                                  -sp.sign(w), "; the other sign raises the cost.")),
        ClaimRef("seed002.l1.update_corrected", shown=(sp.Eq(wnew, w - eta * g - eta * lam * sp.sign(w)),
                                                       " is a gradient step for ", sp.Ne(w, 0), ".")),
        ClaimRef("seed002.l2.update", shown=("The slides' L2 step is a gradient step on the penalised loss.",)))


def l1_zeros(c=L1_PROBLEM["c"], lam=L1_PROBLEM["lam"], eta=L1_PROBLEM["eta"], steps=L1_PROBLEM["steps"]):
    """Subgradient and proximal steps on (w - c)^2/2 + lam |w| from w = 1 (`figures.l1_iterates`): holds when
    the proximal iterate ends exactly at 0 while the subgradient iterates of the last 20 steps are never 0
    and change sign (they oscillate around the minimiser)."""
    rows = figures.l1_iterates(c, lam, eta, steps)[1:]
    tail = [r[1] for r in rows[-20:]]
    flips = sum(1 for a, b in zip(tail, tail[1:]) if a * b < 0)
    first_zero = next((r[0] for r in rows if r[2] == 0.0), None)
    holds = rows[-1][2] == 0.0 and all(v != 0.0 for v in tail) and flips > 0
    ev = {"holds": holds, "c": c, "lambda": lam, "eta": eta, "steps": steps, "w_subgradient": rows[-1][1],
          "w_proximal": rows[-1][2], "sign_changes_last_20": flips, "smallest_abs_subgradient_last_20":
          min(abs(v) for v in tail), "first_exact_zero_proximal": first_zero if first_zero is not None else -1}
    if not holds:
        ev["counterexample"] = {"w_proximal": rows[-1][2], "w_subgradient": rows[-1][1], "sign_changes": flips}
    return ev


def _soft_threshold():
    """argmin over w of (w - c)^2/2 + lambda |w|: SymPy solves each smooth branch; a branch's root is the
    minimiser where it lies on that branch (w > 0 exactly when c > lambda), else the kink w = 0 is."""
    v = sp.Symbol("v", real=True)
    right = sp.solve(sp.diff((v - c) ** 2 / 2 + lam * v, v), v)[0]
    left = sp.solve(sp.diff((v - c) ** 2 / 2 - lam * v, v), v)[0]
    return sp.Piecewise((right, c > lam), (left, c < -lam), (0, True))


def _exact_zeros(catalog):
    w = sp.Symbol("w", real=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    wk, wk1 = sp.Symbol("w_k"), sp.Symbol("w_k+1")
    soft = _soft_threshold()
    prob = L1_PROBLEM
    rows = figures.l1_iterates(prob["c"], prob["lam"], prob["eta"], prob["steps"])
    first = next(r[0] for r in rows[1:] if r[2] == 0.0)          # the proximal iterate's first exact zero
    num = lambda v: sp.Float(v, 3) if v else sp.Integer(0)        # an exact zero printed as 0
    shown_rows = tuple((r[0], num(r[1]), num(r[2])) for r in rows[1:]
                       if r[0] in (1, 2, 3, first - 1, first, first + 1, prob["steps"] - 1, prob["steps"]))
    prox = sp.Function("S")
    fig = Figure("zeros", (Plot((Series("iterates", "subgradient", "subgradient steps", x="step"),
                                 Series("iterates", "proximal", "proximal steps", x="step", style="dashed")),
                                xlabel=("step ", k), ylabel=("weight ", sp.Symbol("w_k")), legend="north east"),),
                 ("The weight under subgradient steps (solid) and proximal steps (dashed) on the problem of the text, "
                  "from ", sp.Eq(sp.Symbol("w_0"), 1), "."), data={"iterates": rows})
    return S("Where exact zeros come from",
        P("It is often said that L1 pushes small weights to exactly zero. Plain gradient (subgradient) steps do "
          "not: near 0 each step jumps over it. The exact zeros belong to the minimiser of the penalised loss "
          "(the lasso ", Cite("tibshirani1996"), "), and an algorithm reaches them only if it computes that "
          "minimiser in each step. Take the smallest example, ", sp.Eq(sp.Function("L")(w), (w - c) ** 2 / 2,
                                                                         evaluate=False),
          ". Solving each smooth branch with SymPy gives the minimiser of ", (w - c) ** 2 / 2 + lam * sp.Abs(w), ":"),
        E((sp.Symbol("w^*"), soft)),
        P("This is soft-thresholding: every ", c, " with ", sp.Abs(c) <= lam, " is mapped to exactly 0. The proximal "
          "gradient step ", Cite("parikh2014"), " takes a gradient step on the data loss and then applies "
          "soft-thresholding ",
          sp.Function("S")(sp.Symbol("v"), sp.Symbol("k")), ", the map of ", sp.Symbol("v"),
          " to the minimiser above with threshold ", sp.Symbol("k"), ", here ", sp.Eq(sp.Symbol("k"), eta * lam), ":"),
        E((wk1, prox(wk - eta * sp.Derivative(sp.Function("L")(wk), wk), eta * lam))),
        P("Worked example: ", sp.Eq(c, sp.Rational(3, 10)), ", ", sp.Eq(lam, sp.Rational(1, 2)), ", ",
          sp.Eq(eta, sp.Rational(1, 10)), ", starting from 1. The minimiser is 0 because ", sp.Abs(c) <= lam,
          ". The table lists some iterates of both methods; Figure ", Ref("zeros"), " shows all of them."),
        Table(("step", "subgradient", "proximal"), shown_rows, align="r r r"),
        fig,
        ClaimBox(Claim("l1.exact_zeros", "On this problem the proximal step reaches exactly 0 at step "
                       "{{first_exact_zero_proximal}} and stays there, while the subgradient iterate ends at "
                       "{{w_subgradient:.2g}} after {{steps}} steps, changes sign {{sign_changes_last_20}} times in "
                       "the last 20 steps and is never exactly 0.",
                       "float64 iterations of both methods (figure data); exact comparison with 0",
                       lambda: l1_zeros()), shown=()))


def _expect(entry, expr):
    """E over the keep mask m ~ Bernoulli(1 - p) of `expr`."""
    rnd = entry.extra["random"]
    m, keep = rnd["symbol"], rnd["keep"]
    return sp.factor(keep * expr.subs(m, 1) + (1 - keep) * expr.subs(m, 0))


def _dropout_figure(x, p):
    """Running means of the training output under both rules, with their inference outputs."""
    plot = Plot((Series("mean", "inverted", "inverted dropout (training)", x="n"),
                 Series("mean", "seed", "dropout without rescaling (training)", x="n", style="dashed"),
                 Series("mean", "x", "inference output of inverted dropout", x="n", style="dotted"),
                 Series("mean", "scaled", "inference output of the slides' rule", x="n", style="lines+marks")),
                xlabel=("number of training passes averaged",), ylabel=("mean output",), xmode="log",
                legend="south east")
    fig = Figure("dropout", (plot,), ("Running means of a unit's training output under inverted dropout (solid) and "
                                      "the slides' rule (dashed), ", sp.Eq(x, sp.Float(X_MC, 2)), ", ",
                                      sp.Eq(p, sp.Float(P_MC, 1)), " (NumPy, seed 0); each converges to its rule's "
                                      "inference output (dotted: inverted dropout, marks: the slides' rule)."),
                 data={"mean": _running_means()})
    return fig


def _dropout(catalog):
    inv, seed = catalog.get("dropout"), catalog.get("dropout_seed")
    x, p = inv.var, inv.param("p").symbol
    m = inv.extra["random"]["symbol"]
    a_src, a_inv = sp.Symbol(r"a_{\mathrm{slides}}"), sp.Symbol(r"a_{\mathrm{inv}}")
    e_inv, e_seed = _expect(inv, inv.expr), _expect(seed, seed.expr)
    var_inv = sp.factor(_expect(inv, inv.expr**2) - e_inv**2)
    fig = _dropout_figure(x, p)
    return S("Dropout",
        P("Dropout ", Cite("srivastava2014"), " keeps each unit in training with probability ", 1 - p,
          " and sets it to 0 otherwise: a mask ", m, " with ", sp.Eq(sp.Function("P")(sp.Eq(m, 1)), 1 - p,
                                                                     evaluate=False),
          ". The source slides keep the value unchanged in training and multiply by ", 1 - p, " at inference. "
          "PyTorch's inverted dropout divides by ", 1 - p, " in training and does nothing at inference:"),
        E((a_src, seed.expr), (a_inv, inv.expr)),
        P("The expectations over the mask, computed by SymPy as a sum over the two values of ", m, ", are"),
        E((Ex(a_src), e_seed), (Ex(a_inv), e_inv)),
        P("so each rule's inference output is the expected training output: the next layer sees the same mean in "
          "both phases. Inverted dropout scales once in training and leaves inference untouched. Its variance is"),
        E((Var(a_inv), var_inv)),
        P("and its derivative, ", sp.Eq(sp.Derivative(a_inv, x), derivative(inv), evaluate=False), ", shows that the "
          "backward pass uses the same mask and the same scale. Figure ", Ref("dropout"), " shows the expectation "
          "at work."),
        fig,
        ClaimBox(Claim("dropout.source_expectation", "the slides' rule has expected training output (1 - p) x, its "
                       "inference output", "symbolic expectation over the Bernoulli(1 - p) mask",
                       lambda: equal(e_seed, seed.extra["inference_expr"]), source=SEED,
                       quote="multiply the the activations by $1-p$ to reduce the strength"),
                 shown=(sp.Eq(Ex(a_src), seed.extra["inference_expr"]),)),
        ClaimBox(Claim("dropout.inverted_expectation", "inverted dropout preserves the expectation",
                       "symbolic expectation over the Bernoulli(1 - p) mask",
                       lambda: equal(e_inv, inv.extra["inference_expr"])), shown=(sp.Eq(Ex(a_inv), x),)),
        ClaimBox(Claim("dropout.inverted_monte_carlo", f"The mean of {N_MC} simulated inverted-dropout outputs is "
                       "{{estimate:.4f}}; the exact value is {{exact:g}}, and the difference, {{abs_error:.1g}}, is "
                       "within five standard errors.",
                       "Monte Carlo, NumPy seed 0, tolerance 5 standard errors from the derived variance",
                       lambda: _mc_inverted(float(var_inv.subs({x: X_MC, p: P_MC}))))),
        ClaimRef("seed002.dropout.inference_scaling", shown=("The slides' inference scaling by ", 1 - p,
                                                             " matches their training rule in expectation.")),
        ClaimRef("seed002.dropout.inverted", shown=("Inverted dropout is the equivalent rule with the identity at "
                                                    "inference.",)))


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


def _exercises(catalog):
    w, k = sp.Symbol("w", real=True), sp.Symbol("k")
    l2_min = sp.solve(sp.diff((w - c) ** 2 / 2 + lam * w**2, w), w)[0]
    soft = _soft_threshold()
    inv = catalog.get("dropout")
    x, p = inv.var, inv.param("p").symbol
    var_inv = sp.factor(_expect(inv, inv.expr**2) - _expect(inv, inv.expr) ** 2)
    decay = {eta: sp.Rational(1, 10), lam: sp.Rational(1, 100)}
    half = sp.log(sp.Rational(1, 2)) / sp.log((1 - 2 * eta * lam).subs(decay))     # solves factor**k = 1/2
    return (
        X(("Minimise ", (w - c) ** 2 / 2 + lam * w**2, " (the L2 penalty). When is the minimiser exactly 0?"),
          ("Setting the derivative to 0 gives ", sp.Eq(sp.Symbol("w^*"), l2_min), ": it is 0 only when ",
           sp.Eq(c, 0), ". L2 shrinks weights but does not make them zero.")),
        X(("Evaluate the soft-thresholding minimiser for ", sp.Eq(lam, sp.Rational(1, 2)), " at ",
           sp.Eq(c, 2), " and at ", sp.Eq(c, sp.Rational(3, 10)), "."),
          ("At ", sp.Eq(c, 2), ": ", soft.subs({lam: sp.Rational(1, 2), c: 2}), "; at ",
           sp.Eq(c, sp.Rational(3, 10)), ": ", soft.subs({lam: sp.Rational(1, 2), c: sp.Rational(3, 10)}), ".")),
        X(("Compute the variance of the inverted-dropout output for a fixed input ", x, ". What is it at ",
           sp.Eq(p, sp.Rational(1, 2)), "?"),
          ("Over the mask, ", sp.Eq(Var(sp.Symbol(r"a_{\mathrm{inv}}")), var_inv), "; at ",
           sp.Eq(p, sp.Rational(1, 2)), " it is ", var_inv.subs(p, sp.Rational(1, 2)), ".")),
        X(("With no data gradient, how many L2 steps with ", sp.Eq(eta, sp.Rational(1, 10)), " and ",
           sp.Eq(lam, sp.Rational(1, 100)), " halve a weight?"),
          ("Each step multiplies by ", (1 - 2 * eta * lam).subs(decay), "; solving ",
           sp.Eq((1 - 2 * eta * lam).subs(decay) ** k, sp.Rational(1, 2)), " gives ", sp.Eq(k, sp.N(half, 4)),
           ", so ", sp.ceiling(half), " steps.")),
    )


def document(catalog):
    return Document(TITLE, (
        S("Why regularise",
          P("A model with more capacity than the data need fits the noise of the training set. Regularisation "
            "lowers the effective capacity, by pulling the weights towards zero (L1, L2) or by training a random "
            "sub-network at each step (dropout) ", Cite("goodfellow2016"), "."),
          B("L1 and L2 change the loss, hence every gradient step; L1 can make weights exactly zero, but only "
            "with the right algorithm;",
            "dropout changes the forward pass in training only, so training and inference must agree in "
            "expectation.")),
        _penalties(catalog), _exact_zeros(catalog), _dropout(catalog)),
        abstract=("L1 and L2 penalties with their derivatives and update rules, where the exact zeros of L1 come "
                  "from, and dropout with the two ways of matching training and inference, derived by SymPy and "
                  "checked."),
        sources=(SEED,),
        summary=(
            ("L2 adds ", lam * sp.Symbol("w") ** 2, " and turns each step into weight decay by ", 1 - 2 * eta * lam,
             ".",),
            ("L1 adds ", lam * sp.Abs(sp.Symbol("w")), ", which has no derivative at 0; a step moves each weight "
             "towards 0 by ", eta * lam, ".",),
            ("Exact zeros come from the minimiser, soft-thresholding, which an algorithm reaches with a proximal "
             "step; plain subgradient steps oscillate around 0.",),
            ("Dropout keeps a unit with probability ", 1 - sp.Symbol("p"), "; scaling by ", 1 / (1 - sp.Symbol("p")),
             " in training (inverted dropout) makes the expected output equal to the inference output.",),
            ("The backward pass of dropout uses the same mask and scale as the forward pass.",),
        ),
        exercises=_exercises(catalog))
