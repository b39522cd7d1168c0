"""Document 1: the activation functions of the catalog, with a guide to choosing one, each entry's
definition, derivative, differentiability at its kinks and plot; a summary and exercises."""

import sympy as sp

from symderiv.calculus.derivative import derivative, output_form
from symderiv.catalog.references import records
from symderiv.lecture import figures
from symderiv.lecture import handbook_guide as guide
from symderiv.lecture.blocks import (B, ClaimBox, ClaimRef, Cite, Document, E, Figure, P, Plot, S, Series, Table, Url,
                                     X, notes_only)
from symderiv.lecture.checks import equal
from symderiv.lecture.notation import sym
from symderiv.verify.claims import Claim

TITLE = "Activation functions: a handbook"
SEEDS = ("000_c3a709bf01eb5bcf.txt", "001_10d942a10df8e8ce.txt", "002_f9dacf9c81433969.txt",
         "003_a74ce1a8d15e55b6.txt", "004_60e4e0c29def9815.txt")
# the guide's rows: (entry, typical use with its reference)
GUIDE = (("sigmoid", ("output of a binary classifier; gates of recurrent cells ", Cite("glorot2010"))),
         ("tanh", ("small recurrent and shallow networks; zero-centred hidden units ", Cite("glorot2010"))),
         ("relu", ("default for hidden layers of deep feed-forward and convolutional networks ", Cite("nair2010"))),
         ("leaky_relu", ("ReLU networks where units die ", Cite("maas2013"), "; learned slope: PReLU ", Cite("he2015"))),
         ("elu", ("deep networks wanting mean activations near zero ", Cite("clevert2016"))),
         ("selu", ("self-normalising fully connected networks ", Cite("klambauer2017"))),
         ("gelu", ("transformers ", Cite("hendrycks2016"))),
         ("silu", ("deep convolutional networks found by search ", Cite("ramachandran2017"))),
         ("softplus", ("a smooth ReLU, e.g. for positive outputs such as scales",)),
         ("hardtanh", ("cheap bounded activation for quantised or small devices",)))
SKIPPED = {"silu": "swish"}      # presented once, inside the section of the other name


def _f(entry, v=None):
    return sp.Function(entry.name)(*(entry.variables if v is None else (v,)))


def _definition(entry):
    """f(x) = expr, or the expression rewritten in exponentials where SymPy's name is the entry's (tanh)."""
    expr = guide.display(entry, entry.expr)
    if isinstance(expr, sp.Function) and type(expr).__name__ == entry.name:
        expr = expr.rewrite(sp.exp)
    return E((_f(entry), expr))


def _kink_claims(entry):
    """One claim per kink: the one-sided derivatives (SymPy limits, in the parameters) and when they agree.
    The main text prints the same evidence typeset; the claim's check recomputes it."""
    out = []
    for k in entry.kinks:
        var = k.wrt if k.wrt is not None else entry.var
        stmt = (f"At {var} = {{{{at}}}} the one-sided derivatives of {entry.name} are {{{{left_text}}}} from the left and "
                f"{{{{right_text}}}} from the right: it is {{{{differentiable_when}}}}.")
        ev = guide.one_sided_derivatives(entry, k)
        shown = ("At ", sp.Eq(var, ev["at"], evaluate=False), " the one-sided derivatives are ",
                 guide.display(entry, ev["left"]), " from the left and ", guide.display(entry, ev["right"]),
                 f" from the right: {entry.name} is ", *_when(entry, ev), ".")
        out.append(ClaimBox(Claim(f"{entry.name}.one_sided.{var}={k.at}", stmt,
                                  "symbolic: SymPy limits of the derivative on each side; numeric: one-sided difference "
                                  "quotients (step 1e-15) at 30 digits", lambda e=entry, k=k: guide.one_sided_derivatives(e, k)),
                            shown=shown))
    return out


def _when(entry, ev):
    """The differentiability verdict as parts, the condition typeset (differentiable there only when alpha = 1)."""
    left, right = guide.display(entry, ev["left"]), guide.display(entry, ev["right"])
    free = sorted((left - right).free_symbols, key=str)
    if not free:
        return (ev["differentiable_when"],)
    return ("differentiable there only when ", *[p for i, v in enumerate(sp.solve(sp.Eq(left, right), free[0]))
                                                 for p in ((" or ",) if i else ()) + (sp.Eq(free[0], v, evaluate=False),)])


def _entry_items(entry, catalog):
    ref = (Url(entry.reference),) if entry.reference.startswith("http") else (entry.reference,)
    name = guide.plain_name(entry.description)
    intro = (name[0].upper() + name[1:] + ". " if name else "") + "Reference: "
    if entry.is_vector:
        comps = [sp.Symbol(f"f_{i + 1}") for i in range(len(entry.expr))]
        return [P(intro, *ref, ". Its components are"), E(*[(c, e) for c, e in zip(comps, entry.expr)]),
                P("and their derivatives with respect to ", entry.var, " (the first column of the Jacobian) are"),
                E(*[(sp.Derivative(c, entry.var), e) for c, e in zip(comps, derivative(entry))])]
    items = [P(intro, *ref, "."), _definition(entry)]
    if entry.name == "identity":
        return items + [P("Its derivative is 1 everywhere: a network of identity units is one linear map.")]
    items += [P("SymPy's derivative (at a kink, the value the catalog uses, as PyTorch):")]
    items += [_long(sp.Derivative(_f(entry), v), guide.display(entry, derivative(entry, v))) for v in entry.variables]
    form = output_form(entry)
    if form is not None:
        F = _f(entry, entry.var)
        items.append(P("In terms of its own output, which backpropagation has stored: ",
                       sp.Eq(sp.Derivative(F, entry.var), form.subs(sp.Symbol("f"), F), evaluate=False), "."))
    items += [B(*[_param(entry, p) for p in entry.symbolic_params])] if entry.symbolic_params else []
    items += [P("with the constants ", *_constants(entry), " of Klambauer et al. ", Cite("klambauer2017"), ".")] \
        if guide.named_constants(entry) else []
    items += _kink_claims(entry)
    items.append(ClaimRef(f"{entry.name}.derivative.{entry.var}", shown=(
        "The derivative agrees with 40-digit arithmetic and with central differences.",)))
    if "torch" in records().get("entries", {}).get(entry.name, {}):
        items.append(ClaimRef(f"{entry.name}.reference.torch.gradient", shown=("Values and gradients agree with PyTorch.",)))
    if entry.name == "swish":
        items += _silu(entry, catalog)
    if len(entry.variables) == 1:
        items.append(_plot(entry))
    return items


def _param(entry, p):
    """A parameter's bullet: letter = default, what it is (when the catalog says it in words), allowed values."""
    letter = guide.display(entry, p.symbol)
    words = (f": {p.doc}",) if guide.plain_name(p.doc) == p.doc else ()
    return (sp.Eq(letter, guide.display(entry, p.sym_default), evaluate=False), " by default", *words,
            "; allowed values ", sp.Contains(letter, guide.allowed(p), evaluate=False), ".")


def _long(lhs, rhs, ops=30):
    """lhs = rhs displayed, a long sum continued one term per row."""
    terms = sp.Add.make_args(rhs) if isinstance(rhs, sp.Add) and sp.count_ops(rhs) > ops else (rhs,)
    return E((lhs, terms[0]), *[(None, t) for t in terms[1:]])


def _constants(entry):
    parts = []
    for f, s in guide.named_constants(entry).items():
        if isinstance(s, sp.Symbol) and f > 0:
            parts += ([" and "] if parts else []) + [sp.Eq(s, sp.Float(f"{float(f):.5g}"), evaluate=False)]
    return parts


def _silu(swish, catalog):
    silu = catalog.get("silu")
    beta = swish.param("beta").symbol
    return [P("With ", sp.Eq(beta, 1, evaluate=False), " swish is the sigmoid linear unit, SiLU ",
              Cite("ramachandran2017"), ", ", sp.Eq(sp.Function("silu")(silu.var), silu.expr, evaluate=False),
              ", the name PyTorch uses."),
            ClaimBox(Claim("swish.is_silu", "Swish with beta = 1 equals SiLU.", "symbolic: simplify of the difference",
                           lambda: equal(swish.expr.subs(beta, 1), silu.expr)),
                     shown=("Swish with ", sp.Eq(beta, 1, evaluate=False), " equals SiLU exactly.",)),
            ClaimRef("silu.reference.torch.gradient", shown=("SiLU's values and gradients agree with PyTorch.",))]


def _plot(entry):
    kinks = [float(k) for k, _ in figures.kink_points(entry, -1e9, 1e9)]
    lo, hi = min([-4.0] + [k - 2 for k in kinks]), max([4.0] + [k + 2 for k in kinks])
    data = {"curve": figures.activation_curve(entry, lo, hi)}
    series = [Series("curve", "f", entry.name), Series("curve", "df", "derivative", style="dashed")]
    if entry.kinks:
        data["kinks"] = figures.kink_marks(entry, lo, hi)
        series.append(Series("kinks", "value", "derivative at the kink", style="marks"))
    plot = Plot(tuple(series), xlabel=(entry.var,), ylabel=("value",), width=0.62, legend="north west")
    return Figure(entry.name, (plot,), (entry.name, " (solid) and its derivative (dashed) at the default parameters"
                                        + ("; dots: the derivative's value at each kink." if entry.kinks else ".")),
                  data=data, inline=True)


def _guide(catalog):
    rows, evs = [], {}
    for name, use in GUIDE:
        e = catalog.get(name)
        b = guide.behaviour(e, derivative(e))
        kinks = [guide.one_sided_derivatives(e, k) for k in e.kinks]
        rows.append((name, guide.smoothness(e, kinks), guide.zero_centred(b), guide.saturation(b), guide.cost(e), use))
        evs[name] = b
    table = Table(("function", "smoothness", "zero-centred", "saturates", "cost", "typical use"), tuple(rows),
                  align="l p:0.14 l p:0.1 p:0.09 p:0.33", caption="Choosing an activation (default parameters).")
    return S(
        "Choosing an activation",
        notes_only(P("An activation makes a network more than one linear map: without it, the layers ", sym("W", 2), sym("W", 1),
          " collapse into one matrix. What else matters is how gradients pass through it. The table is computed "
          "from the catalog's expressions by SymPy: smoothness from the one-sided derivatives at each kink, "
          "zero-centred when ", sp.Eq(sp.Function("f")(0), 0, evaluate=False), " and the outputs take both signs, "
          "saturation where the derivative tends to 0 as ", entry_var(catalog), " goes to minus or plus infinity, "
          "cost as the number of exponential-type evaluations (exp, log, tanh, erf); the typical use is from the literature.")),
        table,
        notes_only(B(("Saturating units (sigmoid, tanh) pass almost no gradient for large inputs, and a chain of them "
           "multiplies small factors: the sigmoid's derivative is at most ", sp.Rational(1, 4),
           ", which is why deep sigmoid networks train slowly ", Cite("glorot2010"), "."),
          ("Outputs of one sign (sigmoid, ReLU) give every weight of a unit gradients of one sign in a step, so "
           "updates zig-zag; zero-centred units avoid this.",),
          ("ReLU is cheap and does not saturate for positive inputs ", Cite("nair2010"), "; a unit whose input is "
           "negative for every example gets no gradient (a dead unit). Leaky ReLU keeps the slope ",
           sym("alpha"), " there ", Cite("maas2013"), "; randomized leaky ReLU draws it from an interval in "
           "training ", Cite("xu2015"), "."),
          ("ELU and SELU saturate smoothly for negative inputs and push mean activations towards zero ",
           Cite("clevert2016"), Cite("klambauer2017"), "; GELU and SiLU are smooth, non-monotone ReLU-like units ",
           Cite("hendrycks2016"), Cite("ramachandran2017"), "."),
          ("Softmax turns the last layer's values into probabilities; with the cross-entropy its gradient is "
           "prediction minus target (see the notes on backpropagation).",))),
        ClaimRef("identity.sigmoid_derivative_max", shown=("The sigmoid's derivative is at most ", sp.Rational(1, 4),
                                                            ", reached at 0.")),
        ClaimRef("identity.tanh_sigmoid", shown=(sp.Eq(sp.tanh(sym("z")), 2 * sp.Function("sigmoid")(2 * sym("z")) - 1,
                                                       evaluate=False), ": tanh is a rescaled sigmoid.")),
        ClaimRef("identity.elu_derivative_negative", shown=("For negative inputs ELU's derivative is its value plus ",
                                                            sym("alpha"), ".")),
    )


def entry_var(catalog):
    return catalog.get("relu").var


def _conventions(catalog):
    rows = []
    for e in catalog.of_kind("activation"):
        for k in e.kinks:
            var = k.wrt if k.wrt is not None else e.var
            others = []
            for i, (name, value) in enumerate(sorted(k.alternatives.items())):
                others += (["; "] if i else []) + [guide.display(e, sp.sympify(value)), f" ({name})"]
            rows.append((e.name, sp.Eq(var, guide.display(e, sp.sympify(k.at)), evaluate=False),
                         guide.display(e, sp.sympify(k.value)), tuple(others) or "none"))
    return S("Conventions at kinks",
             P("Where the derivative jumps, its value at the kink is a convention; any value between the one-sided "
               "derivatives is a subgradient. The catalog takes PyTorch's; other libraries and the course's source "
               "documents sometimes differ:"),
             Table(("function", "point", "value used", "other conventions"), tuple(rows),
                   align="l l l p:0.45", caption="The derivative's value at each kink."))


def _exercises(catalog):
    z, alpha = sym("z"), sym("alpha", real=True)     # real, as the catalog's parameters print
    sig = catalog.get("sigmoid").expr.subs(catalog.get("sigmoid").var, z)
    ds = sp.diff(sig, z)
    crit = sp.solve(sp.diff(ds, z), z)
    elu = catalog.get("elu")
    a_elu = elu.param("alpha").symbol
    left = sp.limit(sp.diff(a_elu * (sp.exp(z) - 1), z), z, 0, "-")
    tanh_gap = sp.simplify((sp.tanh(z) - (2 * sig.subs(z, 2 * z) - 1)).rewrite(sp.exp))
    leaky = guide.display(catalog.get("leaky_relu"), catalog.get("leaky_relu").expr)
    x = catalog.get("leaky_relu").var
    relu = catalog.get("relu").expr
    gap = (1 + alpha) * relu - alpha * sp.Abs(x) - leaky
    pieces = [sp.simplify(gap.subs(x, s)) for s in (sp.Symbol("x", positive=True), sp.Symbol("x", negative=True))]
    return (
        X(("Where is the sigmoid's derivative largest, and what is its value there?"),
          (P("SymPy solves ", sp.Eq(sp.Derivative(sp.Function("sigmoid")(z), (z, 2)), 0, evaluate=False), " and finds ",
             sp.Eq(z, crit[0], evaluate=False), " only, where the derivative is ", sp.simplify(ds.subs(z, crit[0])),
             ": each sigmoid layer shrinks a gradient by at least a factor 4."),)),
        X(("Show that ", sp.Eq(sp.tanh(z), 2 * sp.Function("sigmoid")(2 * z) - 1, evaluate=False), "."),
          (P("Written in exponentials, the difference of the two sides simplifies to ", tanh_gap, "."),)),
        X(("For which ", alpha, " is ELU differentiable at 0?"),
          (P("For ", z, " < 0 the derivative is ", sp.diff(a_elu * (sp.exp(z) - 1), z).xreplace({a_elu: alpha}),
             ", with the limit ", left.xreplace({a_elu: alpha}), " at 0 from the left; from the right it is 1. "
             "The two agree only for ", sp.Eq(alpha, 1, evaluate=False), " (SymPy: ",
             sp.solve(sp.Eq(left, 1), a_elu)[0], "), the default."),)),
        X(("Show that Leaky ReLU is ", (1 + alpha) * sp.Function("relu")(x) - alpha * sp.Abs(x), "."),
          (P("Piece by piece: for ", x > 0, " the difference of the two sides simplifies to ", pieces[0], ", for ",
             x < 0, " to ", pieces[1], ", and at ", sp.Eq(x, 0, evaluate=False), " both sides are 0."),)),
    )


def document(catalog):
    acts = [e for e in catalog.of_kind("activation") if e.name not in SKIPPED]
    entries = [S(e.name if e.name not in SKIPPED.values() else f"{e.name} (SiLU)", *_entry_items(e, catalog), level=2)
               for e in acts]
    return Document(TITLE, (
        S("What an activation does",
          P("Each layer of a network computes ", sp.Eq(sym("z"), sym("W") * sym("a") + sym("b"), evaluate=False),
            " and then the activation, element by element. This handbook gives, for each activation in the "
            "course's catalog, its definition and derivative (derived by SymPy), whether it is differentiable at "
            "its kinks, and a plot; it starts with a guide to choosing one.")),
        _guide(catalog), _conventions(catalog),
        S("The catalog", P(f"The {len(acts)} activations in catalog order (SiLU within swish). Plots show the "
                           "function and its derivative at the default parameters.")),
        *entries),
        abstract=("A guide to choosing an activation function, then each activation with its definition, "
                  "derivative, differentiability at its kinks and plot."),
        sources=SEEDS,
        summary=(
            ("An activation makes a stack of layers more than one linear map; its derivative decides how the "
             "gradient passes through.",),
            ("Saturating units (sigmoid, tanh) shrink gradients: the sigmoid's derivative is at most ",
             sp.Rational(1, 4), "."),
            ("ReLU is the cheap default; Leaky ReLU, ELU and SELU keep a gradient for negative inputs.",),
            ("At a kink the derivative is a convention (PyTorch: ReLU's is 0 at 0); ELU is differentiable at 0 only "
             "for ", sp.Eq(sym("alpha"), 1, evaluate=False), ".",),
            ("Smooth ReLU-like units (GELU, SiLU, which is swish with its parameter 1) are common in recent "
             "architectures.",),
        ),
        exercises=_exercises(catalog))
