"""Document 3: seed 000 corrected: ReLU vs Leaky ReLU vs L1 activity regularization in backprop."""

import sympy as sp

from symderiv.calculus.backprop import N, layered
from symderiv.calculus.derivative import derivative
from symderiv.calculus.network import mlp2
from symderiv.lecture import figures
from symderiv.lecture.blocks import (B, ClaimBox, ClaimRef, Document, E, Figure, P, Plot, Ref, S, Series)
from symderiv.lecture.checks import equal
from symderiv.verify.claims import Claim

TITLE = "ReLU, Leaky ReLU and L1 activity regularization (seed 000, corrected)"
SEED = "000_c3a709bf01eb5bcf.txt"
J = sp.Symbol("J")
SHOW_SLOPE, SHOW_LAMBDA = 0.2, 0.3     # values that make the comparison figure readable


def _disp(name):
    """x2 -> x_2, g_x2 -> x2bar (a bar is the gradient of J), dA -> Abar."""
    if name.startswith("g_") and name[2:].isupper():   # the data-loss part of a parameter's gradient
        return sp.Symbol(name[2:] + "bar_L", real=True)
    if name.startswith("g_"):
        return sp.Symbol(name[2] + "bar" + (f"_{name[3:]}" if name[3:] else ""), real=True)
    if name[:1] == "d" and name[1:].isupper():
        return sp.Symbol(name[1:] + "bar", real=True)
    return sp.Symbol(name[0] + (f"_{name[1:]}" if name[1:].isdigit() else name[1:]), real=True)


def _display(expr):
    subs = {a: sp.MatrixSymbol(_disp(a.name).name, *a.shape) for a in expr.atoms(sp.MatrixSymbol)}
    subs.update({s: _disp(s.name) for s in expr.atoms(sp.Symbol) if s.name[:1] in "gx" and s.name != "x"})
    return expr.xreplace(subs)


def _split(lhs, total):
    """Rows for a long sum: the data term first, then one regularizer per line."""
    terms = sorted(sp.Add.make_args(total), key=lambda t: (not t.has(sp.Symbol("t", real=True)), str(t)))
    return [(lhs, terms[0])] + [(None, t) for t in terms[1:]]


def _network(catalog, net):
    return S(
        "The network and its gradients",
        P("The article trains the Keras model Input(124), Dense(100), ReLU, Dense(10) with the loss ",
          sp.Eq(sp.Symbol("L"), (sp.Symbol("t") - sp.Symbol("y")) ** 2 / 2, evaluate=False),
          ". With the samples as the rows of ", sp.Symbol("x"), " and Keras's three regularizer placements "
          "(kernel = A, bias = B, activity = the pre-activation ", sp.Symbol("x_2"), "), the network and its "
          "loss, averaged over a batch of N samples, are"),
        E(*[(_disp(n), _display(e)) for n, e in net.forward], *_split(J, _display(net.loss))),
        P("SymPy derives the backward pass one layer at a time (a bar is the gradient of J, e.g. ",
          sp.Eq(sp.Symbol("Abar"), sp.Derivative(J, sp.Symbol("A")), evaluate=False), "; ", sp.Symbol("Abar_L"),
          " is the part that comes from the data loss):"),
        E(*[(_disp(n), _display(e)) for n, e in net.backward]),
        P("With every regularizer off, these are the article's four partial derivatives. Its step function H "
          "has H(0) = 1 where the catalog (and PyTorch) take the ReLU's derivative at 0 to be 0; the two "
          "differ only on the measure-zero set x_2 = 0."),
        ClaimRef("seed000.relu_partial_A"), ClaimRef("seed000.relu_partial_B"),
        ClaimRef("seed000.relu_partial_C"), ClaimRef("seed000.relu_partial_D"),
    )


def _activity(catalog, net):
    l1 = catalog.get("l1")
    lam = sp.Symbol("activity_l1", real=True)
    g_x2 = dict(net.backward)["g_x2"]
    return S(
        "L1 activity regularization",
        P("Keras's activity regularizer l1(", lam, ") adds ", lam, " times the absolute values of the layer's "
          "output to the loss. Here it acts on the pre-activation ", sp.Symbol("x_2"),
          ", so it adds a term to that layer's error signal only:"),
        E((sp.Symbol("x2bar"), _display(g_x2))),
        P("The derivative of the absolute value is the sign; the catalog's L1 penalty, ", l1.expr, ", has the "
          "derivative"),
        E((sp.Derivative(sp.Function("R_1")(l1.var), l1.var), derivative(l1))),
        P("which is the article's ", sp.Symbol("lambda") * (2 * sp.Function("H")(sp.Symbol("x_2")) - 1),
          " away from 0. Because ", sp.Symbol("x_2"), " does not depend on C or D, only the gradients of A and B "
          "change, and they change by the extra error times the layer's input."),
        ClaimBox(Claim("activity.enters_x2bar_only",
                       "in the derived backward pass the activity coefficient appears in the error of x2 as "
                       "activity_l1 sign(x2)/N and nowhere upstream of it",
                       "symbolic: d(x2bar)/d(activity_l1) and the dependence of ybar, x3bar",
                       lambda: _activity_check(net, lam), source=SEED)),
        ClaimRef("seed000.l1_activity_gradient"), ClaimRef("seed000.l1_abs_derivative_at_zero"),
        ClaimRef("seed000.l1_activity_effect_AB"), ClaimRef("seed000.l1_activity_no_effect_CD"),
    )


def _activity_check(net, lam):
    back = dict(net.backward)
    x2 = sp.Symbol("x2", real=True)
    coefficient = sp.diff(back["g_x2"], lam)
    upstream = [n for n in ("g_y", "g_x3", "dC", "dD") if back[n].has(lam)]
    ev = equal(coefficient, sp.sign(x2) / N)
    ev["upstream_terms_with_lambda"] = upstream
    if upstream:
        ev["holds"] = False
        ev["counterexample"] = {"terms": upstream}
    return ev


def _leaky(catalog):
    relu, leaky, l1 = catalog.get("relu"), catalog.get("leaky_relu"), catalog.get("l1")
    slope = leaky.param("negative_slope").symbol
    params = {"relu": (), "leaky_relu": (("negative_slope", SHOW_SLOPE),), "l1": (("l", SHOW_LAMBDA),)}
    data = {n: figures.activation_curve(catalog.get(n), -2.0, 2.0, 81, params=p) for n, p in params.items()}
    plot = Plot((Series("relu", "df", "ReLU derivative"),
                 Series("leaky_relu", "df", "Leaky ReLU derivative", style="dashed"),
                 Series("l1", "df", "L1 activity gradient", style="dotted")),
                xlabel=(sp.Symbol("x_2"),), ylabel=("factor in the error of x_2",), legend="north west")
    fig = Figure("compare", (plot,), ("What each choice contributes to the error signal of ", sp.Symbol("x_2"),
                                      " (negative_slope = ", sp.Float(SHOW_SLOPE, 2), ", ", sp.Symbol("lambda"),
                                      " = ", sp.Float(SHOW_LAMBDA, 2), ", enlarged to be visible). ReLU and Leaky "
                                      "ReLU multiply the incoming error; L1 adds a constant of either sign."),
                 data=data)
    return S(
        "From ReLU to Leaky ReLU",
        P("Leaky ReLU's derivative, from the catalog, is"),
        E((sp.Derivative(sp.Function("leaky_relu")(leaky.var), leaky.var), derivative(leaky))),
        P("which the article writes as ", (1 - slope) * sp.Function("H")(sp.Symbol("x")) + slope,
          " (with H(0) = 1, so it takes 1 at 0 where PyTorch takes the slope). The article then subtracts the "
          "two networks' gradients as if the output y were the same in both. It is not: for the same weights, "
          "Leaky ReLU changes x_3 wherever x_2 < 0, hence y, hence every gradient, including those of C and D, "
          "which the article says are unchanged."),
        ClaimRef("seed000.leaky_derivative_form"), ClaimRef("seed000.leaky_minus_relu_derivative"),
        ClaimRef("identity.leaky_relu_decomposition"),
        ClaimRef("seed000.leaky_change_AB"), ClaimRef("seed000.leaky_change_C"), ClaimRef("seed000.leaky_change_D"),
        ClaimRef("seed000.leaky_change_transformed"), ClaimRef("seed000.leaky_bracket_is_alpha_backprop"),
        ClaimRef("seed000.leaky_change_without_bracket"), ClaimRef("seed000.leaky_gradient_decomposition"),
        fig,
        P("Figure ", Ref("compare"), " puts the two mechanisms side by side. The Leaky ReLU change multiplies "
          "the back-propagated error (t - y) C, so it fades as the fit improves and it is passed on to every "
          "earlier layer; the L1 activity term is added whatever the error, and only at the regularized layer. "
          "The resemblance the article sees, the factor 2H(x_2) - 1 in both, appears only after it drops a term "
          "of the same size as the one it keeps."),
    )


def _deep(catalog):
    return S(
        "Deep networks: no (1 + alpha)^n growth",
        P("The article ends by suggesting that replacing every ReLU by Leaky ReLU multiplies the gradient of a "
          "shallow layer by (1 + alpha)^n. Leaky ReLU's derivative is 1 or alpha, never 1 + alpha; a unit active "
          "in both networks contributes the same factor 1, and an inactive one contributes alpha instead of 0. "
          "A simulation of deep networks (the same layer recursion, emitted as NumPy) refutes the formula: the "
          "ratio does grow with depth, but like (1 + alpha^2)^n, second order in alpha, far below (1 + alpha)^n; "
          "the measured ratios are in the correction below."),
        ClaimRef("seed000.leaky_growth_deep"),
        ClaimRef("backprop.leaky_growth_second_order"),
    )


def document(catalog):
    net = layered(mlp2(catalog))
    return Document(TITLE, (
        S("What the article says, and what holds",
          P("Seed 000 compares two changes to the backward pass of a small Keras network: an L1 activity "
            "regularizer on the first layer, and Leaky ReLU in place of ReLU. This note re-derives every formula "
            "of the article with SymPy and checks each statement; where the article is wrong, the box says so and "
            "gives the counterexample."),
          B("right: the network's partial derivatives, the L1 activity gradient and where it acts, Leaky ReLU's "
            "derivative and the identity LeakyReLU(x) = (1 + alpha) ReLU(x) - alpha |x|;",
            "wrong: that switching to Leaky ReLU leaves the gradients of C and D unchanged, the bracket it drops, "
            "and the (1 + alpha)^n growth of shallow-layer gradients.")),
        _network(catalog, net), _activity(catalog, net), _leaky(catalog), _deep(catalog)),
        abstract=("The backward pass of seed 000's network with L1 activity regularization and with Leaky ReLU, "
                  "derived by SymPy; the article's statements checked one by one, with counterexamples and "
                  "corrections where it is wrong."),
        sources=(SEED,))
