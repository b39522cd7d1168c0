"""Document 3: ReLU, Leaky ReLU and L1 activity regularisation in the backward pass, taught: what each
change does to the error signals, a worked example with one unit, deep networks, summary, exercises."""

import numpy as np
import sympy as sp

from symderiv.calculus import column_backprop as cb
from symderiv.calculus.derivative import derivative
from symderiv.calculus.lecture_networks import ONE_UNIT, one_unit
from symderiv.emit.network_claims import MC, growth_measurements
from symderiv.lecture import figures
from symderiv.lecture.blocks import (ClaimBox, ClaimRef, Cite, Document, E, Figure, P, Plot, Ref, S, Series, Table,
                                     X)
from symderiv.lecture.notation import sym
from symderiv.verify.claims import Claim

TITLE = "ReLU, Leaky ReLU and L1 activity regularisation"
SEED = "000_c3a709bf01eb5bcf.txt"
L = sym("L")
SHOW_SLOPE, SHOW_LAMBDA = 0.2, 0.3     # values that make the comparison figure readable
EXAMPLE_SLOPE, EXAMPLE_LAMBDA = 0.1, 0.05
NEAR_ONE = np.log(1.1)               # a ratio within 10 % of 1


def _decimal(v):
    """An exact number as a decimal of 4 significant digits."""
    return sp.Float(f"{float(v):.4g}")


def _piecewise_relu(slope=0):
    return lambda z: sp.Piecewise((sp.Rational(str(slope)) * z, z < 0), (z, True))


def _network():
    z1, d1, d2 = sym("z", 1), sym("delta", 1), sym("delta", 2)
    H = sp.Function("H")
    return S(
        "The network",
        P("Take a network with one hidden layer of ReLU units, ", sp.Eq(z1, sp.Symbol("W_1") * sym("x") + sym("b", 1),
                                                                      evaluate=False),
          ", ", sp.Eq(sym("a", 1), sp.Function("relu")(z1), evaluate=False), ", ",
          sp.Eq(sym("yhat"), sp.Symbol("W_2") * sym("a", 1) + sym("b", 2), evaluate=False), ", and the loss ",
          sp.Eq(L, (sym("t") - sym("yhat")) ** 2 / 2, evaluate=False), ". The backward rules of the backpropagation "
          "notes give, with the unit step ", H(z1), " as ReLU's derivative (taken as 0 at 0, as PyTorch),"),
        E(*cb.rules(2), note=("where ", sp.Eq(sym("a", 2), sym("yhat"), evaluate=False), ", ",
                              sp.Eq(sp.Symbol("f'_2"), 1, evaluate=False), " (a linear output) and ",
                              sp.Eq(sp.Symbol("f'_1"), H(z1), evaluate=False), ".")),
        P("Two changes are often compared: adding an L1 penalty on the hidden layer's pre-activations (an activity "
          "regulariser, which favours sparse activity), and replacing ReLU by Leaky ReLU ", Cite("maas2013"),
          ", which keeps a slope ", sym("alpha"), " for negative inputs. Both change ", d1,
          "; the question is how, and what else they change."),
        ClaimRef("seed000.relu_partial_A", shown=("The first layer's weight gradient agrees with the derivative of the "
                                                  "loss computed directly.",)),
        ClaimRef("seed000.relu_partial_C", shown=("So does the output layer's.",)),
    )


def _l1(catalog):
    lam, z1 = sym("lambda"), sym("z", 1)
    l1 = catalog.get("l1")
    return S(
        "L1 activity regularisation",
        P("The penalty ", lam, " times the sum of the absolute values of ", z1, " is added to the loss. Its "
          "derivative is the sign, which the catalog writes as"),
        E((sp.Derivative(sp.Abs(z1), z1), derivative(l1).subs(l1.param("l").symbol, 1).xreplace({l1.var: z1}))),
        P("(at 0 any value in the interval from -1 to 1 is a subgradient; PyTorch takes 0). The penalty adds ",
          lam * sp.Function("sign")(z1), " to the error signal ", sym("delta", 1), " and to nothing above it: the "
          "output layer's gradients are unchanged, and the first layer's change by the extra error times the input."),
        ClaimRef("seed000.l1_activity_gradient", shown=("The penalty's derivative is ", lam, " times the sign away "
                                                        "from 0.",)),
        ClaimRef("seed000.l1_activity_effect_AB", shown=("It changes the first layer's gradients by ",
                                                         lam * sp.Function("sign")(z1), " times the input.")),
        ClaimRef("seed000.l1_activity_no_effect_CD", shown=("It leaves the output layer's gradients unchanged.",)),
    )


def _leaky(catalog):
    leaky = catalog.get("leaky_relu")
    slope = leaky.param("negative_slope").symbol
    alpha, z = sym("alpha"), sym("z")
    data = {"relu": figures.activation_curve(catalog.get("relu"), -2.0, 2.0, 21),
            "leaky_relu": figures.activation_curve(leaky, -2.0, 2.0, 81, params=(("negative_slope", SHOW_SLOPE),)),
            "l1": figures.activation_curve(catalog.get("l1"), -2.0, 2.0, 81, params=(("l", SHOW_LAMBDA),))}
    plot = Plot((Series("relu", "df", "ReLU derivative", style="lines+marks"),
                 Series("leaky_relu", "df", "Leaky ReLU derivative", style="dashed"),
                 Series("l1", "df", "L1 activity gradient", style="dotted")),
                xlabel=(sym("z", 1),), ylabel=("contribution to the error signal",), legend="north west")
    fig = Figure("compare", (plot,), (
        "What each choice contributes to the error signal of ", sym("z", 1), ": the ReLU derivative (solid, marks) and "
        "the Leaky ReLU derivative (dashed, ", sp.Eq(alpha, sp.Float(str(SHOW_SLOPE)), evaluate=False), ") multiply the "
        "incoming error and coincide for positive inputs; the L1 gradient (dotted, ",
        sp.Eq(sym("lambda"), sp.Float(str(SHOW_LAMBDA)), evaluate=False), ") is added whatever the error."), data=data)
    return S(
        "From ReLU to Leaky ReLU",
        P("Leaky ReLU's derivative, from the catalog, is"),
        E((sp.Derivative(sp.Function("leaky_relu")(z), z), derivative(leaky).xreplace({slope: alpha, leaky.var: z}))),
        P("so it multiplies the error by ", alpha, " instead of 0 where the unit is inactive. Unlike the L1 penalty "
          "this changes the forward pass too: an inactive unit now outputs ", alpha, sym("z", 1), " instead of 0, so ",
          sym("yhat"), " and with it every gradient, the output layer's included, changes."),
        ClaimRef("seed000.leaky_change_C", shown=("Leaky ReLU changes the output layer's weight gradient wherever a "
                                                  "unit is inactive (a counterexample to the claim that it does not is "
                                                  "in the appendix).",)),
        ClaimRef("seed000.leaky_change_AB", shown=(
            "Holding the residual ", sym("yhat") - sym("t"), " fixed, the first layer's gradient changes by ", alpha,
            " times the back-propagated error on the inactive units only; with the same weights the output moves as "
            "well and adds a term.")),
        ClaimRef("seed000.leaky_change_without_bracket", shown=(
            "A derivation that drops the term ", alpha, " times the ReLU gradient gets the change wrong: that term is "
            "as large as the one kept.",)),
        ClaimRef("identity.leaky_relu_decomposition", shown=(
            sp.Eq(sp.Function("leaky_relu")(z), (1 + alpha) * sp.Function("relu")(z) - alpha * sp.Abs(z),
                  evaluate=False), ".")),
        fig,
        P("Figure ", Ref("compare"), " puts the two mechanisms side by side. The Leaky ReLU change multiplies the "
          "back-propagated error, so it fades as the fit improves; the L1 term is added whatever the error."),
    )


def _worked():
    relu = one_unit(_piecewise_relu(), ONE_UNIT)
    leaky = one_unit(_piecewise_relu(EXAMPLE_SLOPE), ONE_UNIT)
    l1 = one_unit(_piecewise_relu(), ONE_UNIT, EXAMPLE_LAMBDA)
    names = ("w", "b", "v", "c")
    syms = {n: sp.Symbol(n) for n in names}
    rows = tuple((label, *(_decimal(r[f"d{n}"]) for n in names))
                 for label, r in (("ReLU", relu), ("Leaky ReLU", leaky), ("ReLU with L1", l1)))

    def check():
        ev = {"relu_dv": relu["dv"], "l1_dv": l1["dv"], "leaky_dv": leaky["dv"], "relu_dw": relu["dw"],
              "leaky_dw": leaky["dw"], "l1_dw": l1["dw"]}
        ev["holds"] = relu["dv"] == l1["dv"] and relu["dc"] == l1["dc"] and leaky["dv"] != relu["dv"]
        if not ev["holds"]:
            ev["counterexample"] = {"dv": [relu["dv"], leaky["dv"], l1["dv"]]}
        return ev

    v = {k: sp.Float(str(val)) for k, val in ONE_UNIT.items()}
    return S(
        "A worked example",
        P("One hidden unit: ", sp.Eq(sym("z"), syms["w"] * sym("x") + syms["b"], evaluate=False), ", ",
          sp.Eq(sym("yhat"), syms["v"] * sym("a") + syms["c"], evaluate=False), ", with ",
          *[p for k in ("x", "t", "w", "b", "v", "c") for p in (sp.Eq(sp.Symbol(k), v[k], evaluate=False), ", ")],
          "so that ", sp.Eq(sym("z"), relu["z"], evaluate=False), " and the unit is inactive. SymPy differentiates "
          "the loss in each variant (", sp.Eq(sym("alpha"), sp.Float(str(EXAMPLE_SLOPE)), evaluate=False), ", ",
          sp.Eq(sym("lambda"), sp.Float(str(EXAMPLE_LAMBDA)), evaluate=False), "):"),
        Table(("variant", *[(sp.Derivative(L, syms[n]),) for n in names]), rows, align="l r r r r",
              caption="Gradients of the one-unit example."),
        P("With ReLU the hidden unit's weights get no gradient at all: the unit is dead for this input. Leaky ReLU "
          "gives them a gradient and changes the output weights' gradients too; the L1 penalty gives them a "
          "gradient of its own and leaves the output weights' gradients as they were."),
        ClaimBox(Claim("worked.l1_keeps_output_leaky_changes",
                       "In the example the L1 penalty leaves the output weight's gradient at {{relu_dv}}, while Leaky "
                       "ReLU moves it to {{leaky_dv:.4g}}.",
                       "exact: SymPy derivatives of the three losses at the example's numbers", check)),
    )


def _deep():
    n = max(MC["depths"])
    measured = growth_measurements()

    def check():
        ev, ok = {"n": n}, True
        for i, a in enumerate(MC["alphas"]):
            m, se = measured[(n, a)]
            second, first = n * np.log1p(a * a), n * np.log1p(a)
            ev[f"ratio_{i}"], ev[f"second_{i}"], ev[f"first_{i}"] = float(np.exp(m)), float(np.exp(second)), float(np.exp(first))
            ok &= abs(m - second) <= max(MC["sigmas"] * se, MC["rel"] * abs(second)) and abs(m - first) > MC["sigmas"] * se
            ok &= (abs(m) < NEAR_ONE) == (i == 0)         # "near 1" (within 10 %) for the smallest slope only
        ev["holds"] = bool(ok)
        if not ok:
            ev["counterexample"] = {k: v for k, v in ev.items() if k.startswith(("ratio", "second", "first"))}
        return ev

    alphas = MC["alphas"]
    return S(
        "Deep networks",
        P("In a deep network every layer's error signal passes through the derivative of the layer above. It is "
          "tempting to conclude that switching every ReLU to Leaky ReLU multiplies a shallow layer's gradient by ",
          (1 + sym("alpha")) ** sym("n"), " for ", sym("n"), " layers. But the derivative of a Leaky ReLU unit is 1 or ",
          sym("alpha"), ", never ", 1 + sym("alpha"), ": an active unit contributes the same factor as before, an "
          "inactive one ", sym("alpha"), " instead of 0. With He-initialised weights ", Cite("he2015"),
          " each layer multiplies the mean squared gradient by ", (1 + sym("alpha") ** 2) / 2, " instead of ",
          sp.Rational(1, 2), ", which predicts a ratio of about ", (1 + sym("alpha") ** 2) ** sym("n"), "."),
        ClaimBox(Claim("deep.measured_ratio",
                       f"Measured over random networks of {MC['width']} units per layer, with {{{{n}}}} layers and "
                       f"the slopes {alphas[0]}, {alphas[1]} and {alphas[2]}, the first layer's gradient is "
                       "{{ratio_0:.3g}}, {{ratio_1:.3g}} and {{ratio_2:.3g}} times ReLU's: consistent with the "
                       "second-order prediction ({{second_0:.3g}}, {{second_1:.3g}}, {{second_2:.3g}}, within the "
                       "measurement's uncertainty) and far below the first-order one ({{first_0:.3g}}, "
                       "{{first_1:.3g}}, {{first_2:.3g}}). The ratio stays within 10 percent of 1 only for the "
                       "smallest slope.",
                       f"Monte Carlo: {MC['trials']} seeded networks per depth and slope (the build's growth "
                       "measurement); agrees when within the stated tolerance of the second-order prediction and not "
                       "of the first-order one", check)),
        ClaimRef("seed000.leaky_growth_deep", shown=("The first-order formula is refuted by the same measurement.",)),
    )


def _exercises(catalog):
    z, lam, alpha = sym("z"), sym("lambda"), sym("alpha")
    H = sp.Function("H")(z)
    leaky = sp.Piecewise((alpha * z, z < 0), (z, True))
    relu = sp.Piecewise((0, z < 0), (z, True))
    gap = [sp.simplify(sp.diff(leaky - relu, z).subs(z, v)) for v in (-2, 3)]
    slope2 = one_unit(_piecewise_relu(0.2), ONE_UNIT)
    n, a = max(MC["depths"]), sp.Rational(1, 10)
    return (
        X(("Differentiate the penalty ", lam * sp.Abs(z), " for ", z, " not 0."),
          (P("SymPy gives ", sp.Eq(sp.Derivative(lam * sp.Abs(z), z), sp.diff(lam * sp.Abs(z), z), evaluate=False),
             " (for real ", z, "): the sign of ", z, " times ", lam, "."),)),
        X(("Show that the derivative of Leaky ReLU minus that of ReLU is ", alpha, " times ", 1 - H, " away from 0."),
          (P("SymPy's derivative of the difference is ", gap[0], " at ", sp.Eq(z, -2, evaluate=False), " and ", gap[1],
             " at ", sp.Eq(z, 3, evaluate=False), ", which is ", alpha, " times ", 1 - H, " on each side."),)),
        X(("Redo the worked example with ", sp.Eq(alpha, sp.Float(str(0.2)), evaluate=False), ": what is the gradient "
           "of the hidden weight?"),
          (P("SymPy gives ", sp.Eq(sp.Derivative(L, sp.Symbol("w")), _decimal(slope2["dw"]), evaluate=False),
             " (and ", sp.Eq(sp.Derivative(L, sp.Symbol("v")), _decimal(slope2["dv"]), evaluate=False), ")."),)),
        X(("For ", sp.Eq(sym("n"), n, evaluate=False), " layers and ", sp.Eq(alpha, sp.Float(str(0.1)), evaluate=False),
           ", compute the first-order and the second-order predictions of the gradient ratio."),
          (P("They are ", sp.Eq((1 + alpha) ** sym("n"), _decimal((1 + a) ** n), evaluate=False), " and ",
             sp.Eq((1 + alpha ** 2) ** sym("n"), _decimal((1 + a * a) ** n), evaluate=False),
             "; the measurement in the section on deep networks agrees with the second."),)),
    )


def document(catalog):
    return Document(TITLE, (
        S("Why compare them",
          P("A ReLU unit whose input is negative passes no gradient back; if that happens for every example the unit "
            "stops learning. Two remedies act on the backward pass in quite different ways: an L1 penalty on the "
            "layer's activity, and Leaky ReLU. These notes derive both changes with SymPy, work them out on one "
            "unit, and measure what Leaky ReLU does in deep networks.")),
        _network(), _l1(catalog), _leaky(catalog), _worked(), _deep()),
        abstract=("How an L1 activity penalty and Leaky ReLU change the backward pass of a ReLU network: derived, "
                  "worked out on one unit, and measured in deep networks."),
        sources=(SEED,),
        summary=(
            ("ReLU's derivative is the unit step: an inactive unit passes no gradient.",),
            ("An L1 penalty on a layer's pre-activations adds ", sym("lambda"), " times their sign to that layer's "
             "error signal and leaves the layers above unchanged.",),
            ("Leaky ReLU multiplies the error by ", sym("alpha"), " on inactive units and changes the forward pass, "
             "hence every gradient.",),
            ("The two changes look alike only after dropping a term as large as the one kept.",),
            ("In deep He-initialised networks the gradient ratio grows like ", (1 + sym("alpha") ** 2) ** sym("n"),
             ", second order in ", sym("alpha"), "."),
        ),
        exercises=_exercises(catalog))
