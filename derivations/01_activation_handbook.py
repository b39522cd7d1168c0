"""Document 1: every catalog activation with its definition, derivative, kink values and plot."""

import sympy as sp

from symderiv.calculus.derivative import derivative, output_form
from symderiv.catalog.references import records
from symderiv.lecture import figures
from symderiv.lecture.blocks import (B, ClaimRef, Document, E, Figure, P, Plot, S, Series, Table, Url)
from symderiv.verify.numeric import one_sided

TITLE = "Activation functions: a handbook"
SEEDS = ("000_c3a709bf01eb5bcf.txt", "001_10d942a10df8e8ce.txt", "002_f9dacf9c81433969.txt",
         "003_a74ce1a8d15e55b6.txt", "004_60e4e0c29def9815.txt")


def _f(entry):
    """The function symbol used to name the entry on the left of its definition."""
    return sp.Function(entry.name)(*entry.variables)


def _params(entry):
    return [(sp.Eq(p.symbol, p.sym_default), f": {p.doc}, allowed range {p.range_text()}")
            for p in entry.symbolic_params]


def _entry_items(entry):
    ref = (Url(entry.reference),) if entry.reference.startswith("http") else (entry.reference,)
    intro = entry.description[0].upper() + entry.description[1:] + ". Reference: "
    if entry.is_vector:
        comps = [sp.Symbol(f"f_{i + 1}") for i in range(len(entry.expr))]
        items = [P(intro, *ref, ". Its components, written ", comps[0], ", ..., ", comps[-1], ", are"),
                 E(*[(c, e) for c, e in zip(comps, entry.expr)]),
                 P("Their derivatives with respect to ", entry.var, " (the first column of the Jacobian):"),
                 E(*[(sp.Derivative(c, entry.var), e) for c, e in zip(comps, derivative(entry))])]
    else:
        items = [P(intro, *ref, "."), E((_f(entry), entry.expr)),
                 P("Derivative, as derived by SymPy with the kink values below:")]
        items += [E((sp.Derivative(_f(entry), v), derivative(entry, v))) for v in entry.variables]
    form = output_form(entry)
    if form is not None:
        F = sp.Function(entry.name)(entry.var)
        items.append(P("In terms of its own output (what backpropagation reuses): ",
                       sp.Eq(sp.Derivative(F, entry.var), form.subs(sp.Symbol("f"), F), evaluate=False), "."))
    if entry.symbolic_params:
        items.append(B(*[(sym, text) for sym, text in _params(entry)]))
    items += [_kink_sentence(entry, k) for k in entry.kinks]
    items += _claim_lines(entry)
    if not entry.is_vector and len(entry.variables) == 1:
        items.append(_plot(entry))
    return items


def _kink_sentence(entry, k):
    """What the one-sided derivatives are at the kink (default parameters), then the value used."""
    var = k.wrt if k.wrt is not None else entry.var
    subs = {**entry.defaults(), **({v: 0 for v in entry.variables if v != var} if k.wrt is not None else {})}
    at = sp.sympify(k.at).subs(subs)
    left, right = one_sided(sp.diff(entry.expr, var).subs(subs), var, at)
    if entry.expr.has(sp.Float):       # float constants (SELU): 10 digits, not SymPy's exact rational of them
        left, right = sp.Float(left, 10), sp.Float(right, 10)
    where = ("At ", sp.Eq(var, k.at, evaluate=False))
    if sp.simplify(left - right) != 0:
        head = (" the one-sided derivatives are ", left, " and ", right, ", so the derivative is not defined there")
    else:
        head = (" both one-sided derivatives are ", left, " at the default parameters (other parameter values "
                "make them differ)")
    return P(*where, *head, "; the value used is ", k.value, " (", k.why, ").")


def _claim_lines(entry):
    check = "checked against mpmath (40 digits) and float64 central differences"
    if entry.is_vector:
        lines = [(f"{entry.name}.derivative.{entry.var}[{i + 1}]", f"component {i + 1} of the derivative {check}")
                 for i in range(len(entry.expr))]
    else:
        lines = [(f"{entry.name}.derivative.{v}", f"the derivative in {v} {check}") for v in entry.variables]
    for k in entry.kinks:
        var = k.wrt if k.wrt is not None else entry.var
        lines.append((f"{entry.name}.kink.{var}={k.at}",
                      f"the value at {var} = {k.at} lies between the one-sided derivatives"))
    for lib, name in (("torch", "PyTorch"), ("jax", "JAX")):
        if lib in records().get("entries", {}).get(entry.name, {}):
            lines.append((f"{entry.name}.reference.{lib}.forward", f"values as {name} computes them (recorded)"))
            lines.append((f"{entry.name}.reference.{lib}.gradient", f"gradients as {name} computes them"))
            if entry.kinks and len(entry.variables) == 1:
                lines.append((f"{entry.name}.reference.{lib}.kinks", f"kink values as {name} computes them"))
    if output_form(entry) is not None:
        lines.append((f"{entry.name}.derivative.output_form", "the output form, proved by SymPy"))
    return [ClaimRef(i, brief=True, label=label) for i, label in lines]


def _plot(entry):
    kinks = [float(k) for k, _ in figures.kink_points(entry, -1e9, 1e9)]
    lo, hi = min([-4.0] + [k - 2 for k in kinks]), max([4.0] + [k + 2 for k in kinks])
    data = {"curve": figures.activation_curve(entry, lo, hi)}
    series = [Series("curve", "f", entry.name), Series("curve", "df", "derivative", style="dashed")]
    if entry.kinks:
        data["kinks"] = figures.kink_marks(entry, lo, hi)
        series.append(Series("kinks", "value", "value at the kink", style="marks"))
    plot = Plot(tuple(series), xlabel=(entry.var,), width=0.62, legend="north west")
    return Figure(entry.name, (plot,), (entry.name, " and its derivative at default parameters."),
                  data=data, inline=True)


def _conventions(catalog):
    rows = []
    for e in catalog.of_kind("activation") + catalog.of_kind("regularizer"):
        for k in e.kinks:
            var = k.wrt if k.wrt is not None else e.var
            others = []
            for i, (name, value) in enumerate(sorted(k.alternatives.items())):
                others += (["; "] if i else []) + [sp.sympify(value), f" ({name})"]
            rows.append((e.name, sp.Eq(var, k.at, evaluate=False), k.value, tuple(others) or "-", k.why))
    return Table(("function", "point", "value (PyTorch, catalog)", "other conventions", "why"), tuple(rows),
                 align="l l l p:0.19 p:0.3", caption="The value of the derivative at each kink.")


def _value(v):
    """Exact where SymPy finds an exact value, else 10 digits (SELU's constants are floats)."""
    v = sp.simplify(v)
    return sp.Float(v, 10) if v.has(sp.Float) else v


def _at_zero(catalog):
    rows = []
    for e in catalog.of_kind("activation"):
        if e.is_vector or len(e.variables) > 1:
            continue
        s = {**e.defaults(), e.var: 0}
        rows.append((e.name, _value(e.expr.subs(s)), _value(derivative(e).subs(s))))
    return Table(("function", "value at 0", "derivative at 0"), tuple(rows), align="l c c",
                 caption="Values at the origin, default parameters (exact where SymPy finds them).")


def document(catalog):
    acts = catalog.of_kind("activation")
    z = sp.Symbol("z", real=True)
    sigma = catalog.get("sigmoid")
    intro = S(
        "How to read this handbook",
        P("Each activation below is one entry of the symderiv catalog: a SymPy expression with named "
          "parameters (PyTorch's names and defaults). Every formula is printed from that expression; "
          "every derivative was computed by SymPy and checked against a 40-digit mpmath reference and "
          "float64 central differences; definitions, defaults, constants, gradients and kink values are compared "
          "with what PyTorch and JAX compute (records measured with both libraries and shipped with symderiv). "
          "The coloured line under each entry is the result of that check "
          "in the build that produced this document."),
        P("Where a function has a kink (a point where its derivative jumps), the derivative there is a "
          "convention. Libraries agree on most of them but not all, and the source documents use "
          "H(0) = 1 for the step function. The table of conventions lists every choice."),
    )
    conventions = S("Conventions at kinks", _conventions(catalog),
                    P("A kink value must lie between the one-sided derivatives (it is then a subgradient "
                      "for convex pieces); each one was checked against limits computed by SymPy."))
    origin = S("At a glance", _at_zero(catalog))
    entries = [S(e.name, *_entry_items(e), level=2) for e in acts]
    pros = S(
        "Pros and cons from the source documents",
        P("The source documents discuss the following trade-offs; the checkable statements among them "
          "are verified here."),
        B(("Sigmoid squashes to (0, 1) and reads as a probability, but saturates: its derivative is at most ",
           sp.Rational(1, 4), ", so a chain of n sigmoids multiplies the gradient by at most ",
           sp.Rational(1, 4) ** sp.Symbol("n"), "."),
          "Sigmoid outputs are all positive (not zero-centred), so the gradients of one neuron's weights "
          "share a sign and updates zig-zag.",
          ("Tanh is zero-centred and is a rescaled sigmoid, ", sp.Eq(sp.tanh(z), 2 * sp.Function("sigmoid")(2 * z) - 1),
           "; its derivative reaches 1 at 0 but it still saturates."),
          "ReLU is cheap, does not saturate for positive inputs and gives sparse activations; but a unit "
          "whose input is negative for every example gets no gradient and may never recover (dying ReLU), "
          "and its outputs are not zero-centred.",
          ("Leaky ReLU keeps a small slope for negative inputs (", catalog.get("leaky_relu").param("negative_slope")
           .sym_default, " by default); randomized leaky ReLU "
           "draws the slope from U(l, u) in training and uses (l + u)/2 at test time; the RReLU paper "
           "reports that a fixed slope of ", sp.Rational(2, 11), " (1/5.5) beats 0.01. PReLU learns the slope."),
          ("ELU saturates smoothly to -alpha, pushes mean activations towards 0, and for z < 0 its "
           "derivative is its value plus alpha."),
          "Softplus is a smooth ReLU whose derivative is the sigmoid.",
          "Maxout generalises ReLU and Leaky ReLU (the maximum of affine pieces) at the price of twice "
          "the parameters.",
          "Softmax turns logits into probabilities; with the cross-entropy loss its gradient is "
          "prediction minus target (see the backpropagation notes)."),
        ClaimRef("identity.sigmoid_derivative_max"),
        ClaimRef("identity.tanh_sigmoid"),
        ClaimRef("identity.elu_derivative_negative"),
        ClaimRef("identity.softplus_derivative"),
        ClaimRef("identity.relu_scale_invariance"),
    )
    return Document(TITLE, (intro, origin, conventions, pros, S("The catalog", P(
        f"The {len(acts)} activations of the catalog, in catalog order. Plots show the function (solid) "
        "and its derivative (dashed) on [-4, 4]; a dot marks the value chosen at a kink."), *[]), *entries),
        abstract=("Definition, derivative, kink conventions and plot of every activation function in the "
                  "symderiv catalog, with the trade-offs the source documents discuss."),
        sources=SEEDS)
