"""The NumPy kernel emitter: `generated/numpy/{activations,losses,regularizers}.py` from the catalog.

Every activation, loss and regularizer entry gets `NAME(...)` and `NAME_backward(grad_output, ...)`
by iterating the catalog: the bodies are the entry's expression and `derivative(entry, v)`,
stabilized and shared by `sympy.cse` (`symderiv.emit.numpy_code`), placed by the templates in
`templates/numpy/`. A new entry gets its kernel with no other change. Every decision is data on
the entry (`Entry.extra`): `axis` (a reduction over an axis), `random` (a random law),
`variant_of` (an option of another PyTorch function), `switch` (PyTorch returns another value
where a condition holds: softplus's threshold; written over the smooth result in place, `_switched`),
`inputs` (the variables that get gradients), and
the kink values per convention (`Kink.value_in`): `NAME_backward(..., convention="pytorch")`.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from functools import lru_cache

import mpmath
import numpy
import sympy as sp

from symderiv.calculus.derivative import derivative, output_form
from symderiv.emit.numpy_axis import axis_model, axis_output_vjp
from symderiv.emit.numpy_code import (OP_COSTS, docstring_safe, formula_text, hazards, kernel_source, numpy_into,
                                      stabilize, to_numpy)
from symderiv.numerics.mp_eval import evaluate
from symderiv.emit.templating import environment, template_header

MODULES = {"activation": "numpy/activations.py", "loss": "numpy/losses.py", "regularizer": "numpy/regularizers.py"}
TITLES = {"activation": "activation functions", "loss": "losses", "regularizer": "regularizers and dropout"}
CONVENTIONS = ("pytorch", "jax", "seeds")
LOSS_ARGS = {"y": "input", "t": "target"}
GRAD = sp.Symbol("grad_output", real=True)
SAMPLE = "sample"
TRAINING_DEFAULT = {"inference_expr": True, "train_expr": False}   # which extra key the entry has


def _names(entry):
    """{symbol: Python argument name} for the entry's variables."""
    if entry.kind == "loss":
        return {v: LOSS_ARGS.get(v.name, v.name) for v in entry.variables}
    return {v: v.name for v in entry.variables}


def _grad_vars(entry):
    return list(entry.gradient_variables)


def _wrt(entry) -> list:
    """What a backward body differentiates by: the gradient variables, then the learnable parameters."""
    return _grad_vars(entry) + [p.symbol for p in entry.params if p.learnable]


def kernel_entry(entry):
    """The entry as the kernel computes it: with its `switch` (PyTorch's softplus returns x where
    beta*x > threshold) as a first Piecewise branch, the switch's parameters made symbolic."""
    if "switch" not in entry.extra:
        return entry
    cond, value = entry.extra["switch"]
    used = {s.name for s in cond.free_symbols | sp.sympify(value).free_symbols}
    params = tuple(dataclasses.replace(p, symbolic=True) if p.name in used else p for p in entry.params)
    expr = sp.Piecewise((value, cond), (entry.expr, True))
    return dataclasses.replace(entry, expr=expr, params=params)


def _switch_text(entry):
    """The PyTorch switch as docstring text (softplus: returns x where beta*x > threshold), or None."""
    if "switch" not in entry.extra:
        return None
    cond, value = entry.extra["switch"]
    return docstring_safe(f"{sp.sstr(value)} where {sp.sstr(cond)} (as PyTorch; the derivative there is {sp.sstr(sp.diff(value, entry.var))})")


def convention_entries(entry) -> dict:
    """{convention: entry with that convention's kink values}, for the conventions that differ from pytorch."""
    out = {"pytorch": entry}
    for c in CONVENTIONS[1:]:
        if any(sp.sympify(k.value_in(c)) != sp.sympify(k.value) for k in entry.kinks):
            out[c] = entry.in_convention(c)
    return out


def _body(name, args, exprs, variables, two_sided=True, one_sided=False):
    """A kernel body: cse lines and printed results (times grad_output for a backward body)."""
    lines, results, cost, stable, into = kernel_source(exprs, variables, two_sided, one_sided)
    found = [] if two_sided else [h for e in stable for h in hazards(e)]
    cost += OP_COSTS["saturate"] * found.count("inf/inf")
    out = "None" if len(exprs) == 1 else repr((None,) * len(exprs))
    body = {"fn": name, "args": ", ".join(args) + f", out={out}", "lines": lines, "results": results, "n": len(exprs),
            "computes": [docstring_safe(formula_text(e)) for e in stable], "into": into,
            "cost": cost, "hazards": [h for h in found if h != "inf/inf"]}
    return _finish(body)


def _finish(body, saturate=None):
    """Printed return values: each written into `out` (a ufunc's out=), or `_saturate` (in place) where
    probing found nan."""
    body["returns"] = body["into"] if saturate is None else [
        f"_saturate({r}, {var}, {lo}, {hi})" for r, (var, lo, hi) in zip(body["into"], saturate)]
    return body


def _saturation(entry, exprs, body, grad):
    """Add `_saturate` to results that are nan for a huge or infinite input (inf*0 in floating point).

    The body is run (NumPy only, the fallback erf) at +-inf and huge finite inputs with the default
    parameters; where a result is nan, its SymPy limits at x -> -oo and x -> +oo replace the nan.
    Only single-input entries are probed; a limit SymPy cannot find (or an infinite one) leaves nan.
    """
    if not _probe_nan(entry, body, grad):
        return body
    x = entry.var
    limits = []
    for e in exprs:   # a backward expression carries grad_output: its limit does too
        ends = []
        for end in (-sp.oo, sp.oo):
            ends.append(_limit(entry, e, x, end))
        limits.append((x.name, *ends))
    return _finish(body, limits)


LIMIT_AT = (10**30, 10**60)   # |x| where the limits at +-inf are read off (mpmath has no overflow)
LIMIT_DIGITS = 50


def _limit(entry, expr, x, end):
    """The limit of expr at `end` (+-oo) as printed NumPy, read off numerically; numpy.nan if none.

    expr (parameters at their defaults, grad_output = 1) is evaluated by mpmath at x = +-1e30 and
    +-1e60; where both values lie within 1e-20 of one rational p/q with q <= 1000, that is the
    limit (times grad_output for a backward expression). The functions here approach their limits
    exponentially or like 1/x, so 1e30 is far inside the tail; `sympy.limit` (gruntz) took
    seconds per limit for the same answers (tested against SymPy in tests/test_kernels.py).
    """
    f = sp.lambdify([x, GRAD], expr.subs(entry.defaults()), modules="mpmath")
    sign = 1 if end == sp.oo else -1
    found = set()
    with mpmath.workdps(LIMIT_DIGITS):
        for m in LIMIT_AT:
            try:
                v = f(mpmath.mpf(sign * m), mpmath.mpf(1))
            except (ZeroDivisionError, OverflowError, ValueError, TypeError):
                return "numpy.nan"
            if not mpmath.isfinite(v) or abs(v) > 1e6:
                return "numpy.nan"
            r = Fraction(float(v)).limit_denominator(1000)
            if abs(v - mpmath.mpf(r.numerator) / r.denominator) > 1e-20:
                return "numpy.nan"
            found.add(r)
    if len(found) != 1:
        return "numpy.nan"
    r = sp.Rational(*found.pop().as_integer_ratio())
    return to_numpy(r * GRAD if expr.has(GRAD) else r)


PROBES = {"float64": (numpy.inf, 1.7976931348623157e308, 1e308, 1e300, 1e200, 1e154, 1e100, 1e50, 1e20),
          "float32": (numpy.inf, 3.4028235e38, 1e38, 1e30, 1e20, 1e19, 1e10)}


def _probe_nan(entry, body, grad) -> bool:
    """True if the body gives nan for some huge or infinite (not nan) input, in float64 or float32.

    Only single-input entries are probed (False for the others)."""
    if len(entry.variables) != 1:
        return False
    ns = _probe_namespace()
    exec(environment().get_template("numpy/body.py.jinja").render(b=body), ns)
    fn = ns[body["fn"]]
    ordered = sorted(entry.symbolic_params, key=lambda p: not p.learnable)
    for dtype, probes in PROBES.items():
        x = numpy.array([s * v for v in probes for s in (1, -1)], dtype=dtype)
        params = [numpy.dtype(dtype).type(float(p.default)) for p in ordered]
        with numpy.errstate(all="ignore"):
            args = ([numpy.ones_like(x)] if grad else []) + [x] + params
            results = fn(*args)
        for r in (results if body["n"] > 1 else (results,)):
            if numpy.isnan(numpy.broadcast_to(r, x.shape)).any():
                return True
    return False


@lru_cache(maxsize=None)
def _probe_source():
    return environment().get_template("numpy/runtime.py.jinja").render(uses_erf=True)


def _probe_namespace() -> dict:
    """The kernel runtime (erf/erfc included), in which the nan probe runs a body."""
    return dict(_probe_runtime())


@lru_cache(maxsize=None)
def _probe_runtime() -> dict:
    ns = {"numpy": numpy}
    exec("import numpy\n" + _probe_source(), ns)
    return ns


def _params(entry):
    """[(name, default text, check arguments)] for the public signature (learnable ones are arrays)."""
    out = []
    for p in entry.params:
        check = f'"{entry.name}", "{p.name}", {p.name}, {p.low!r}, {p.high!r}, {p.open_low}, {p.open_high}'
        out.append({"name": p.name, "default": repr(float(p.default)), "check": check,
                    "learnable": p.learnable, "symbolic": p.symbolic, "note": p.doc})
    return out


def _train_entry(entry):
    """The entry with its training expression and kink values (the mean slope replaced by the sample)."""
    rnd = entry.extra["random"]
    if "train_expr" not in entry.extra["random"]:
        return entry
    low, high = rnd["between"]
    mean = (low + high) / 2
    kinks = tuple(dataclasses.replace(k, value=sp.sympify(k.value).xreplace({mean: rnd["symbol"]})) for k in entry.kinks)
    return dataclasses.replace(entry, expr=rnd["train_expr"], kinks=kinks)


def _eval_entry(entry):
    """The entry with its inference expression (dropout: the identity)."""
    if "inference_expr" not in entry.extra:
        return entry
    return dataclasses.replace(entry, expr=entry.extra["inference_expr"], kinks=())


def _bodies(entry, tag, variables, extra_args=()):
    """Forward and backward bodies of `entry` under the function-name suffix `tag`."""
    ordered = sorted(entry.symbolic_params, key=lambda p: not p.learnable)   # array parameters first
    args = [v.name for v in entry.variables] + list(extra_args) + [p.name for p in ordered]
    probe = not extra_args and len(entry.variables) == 1 and not any(p.learnable for p in entry.params)
    smooth = _smooth(entry)
    fwd = _switched(entry, _choose(smooth, f"_{entry.name}{tag}_forward", args, [smooth.expr], variables, False, probe))
    bwds = {}
    for convention, e in convention_entries(entry).items():
        suffix = "" if convention == "pytorch" else f"_{convention}"
        body = _choose(_smooth(e), f"_{entry.name}{tag}_backward{suffix}", ["grad_output"] + args,
                       _gradients(_smooth(e)), variables, True, probe)
        bwds[convention] = _switched(e, body, grad=True)
    return fwd, bwds


def _smooth(entry):
    """The kernel entry without its switch (`kernel_entry`): the formula computed for every input."""
    if "switch" not in entry.extra:
        return entry
    return dataclasses.replace(entry, expr=entry.expr.args[-1][0])


def _switched(entry, body, grad=False):
    """`body` with PyTorch's switch applied in place (`_switch`: numpy.copyto where the condition holds),
    the switch's value or, for a backward body, grad_output times its derivative. A rarely true
    condition costs one comparison and a masked copy that skips most elements, not a numpy.where."""
    if "switch" not in entry.extra:
        return body
    cond, value = entry.extra["switch"]
    values = [GRAD * sp.diff(value, v) for v in _wrt(entry)] if grad else [value]
    where = to_numpy(cond)
    body["returns"] = [f"_switch({r}, {where}, {to_numpy(v)})" for r, v in zip(body["returns"], values)]
    body["computes"] = [f"{c}, then {docstring_safe(formula_text(v))} where {docstring_safe(formula_text(cond))}"
                        for c, v in zip(body["computes"], values)]
    return body


def _gradients(entry):
    """grad_output times each gradient; grad_output moved into the branches of a Piecewise
    (where(x <= 0, 0, grad_output), no product)."""
    grads = [derivative(entry, v) for v in _wrt(entry)]
    return [sp.piecewise_fold(GRAD * d) if d.has(sp.Piecewise) else GRAD * d for d in grads]


def _choose(entry, name, args, exprs, variables, grad, probe):
    """The cheapest formulation free of static hazards (`numpy_code.hazards`), by `numpy_code.op_cost`.

    Candidates: one-sided (a rational function of exp(u) normalised to exp(-u):
    exp(x)/(1 + exp(x)) -> 1/(1 + exp(-x))) and direct (as SymPy gives it, 1 - tanh(u)^2 ->
    1/cosh(u)^2), ties in that order; else two-sided (exp(-|u|) only; never hazardous, and never
    cheaper than a hazard-free direct form, which it extends by |u| and a branch). Nothing is run at build time except `_saturation`'s nan probe of the chosen body;
    the tests hold every kernel to the dtype tolerances against mpmath.
    """
    bodies = [_body(name, args, exprs, variables, two_sided=False, one_sided=o) for o in (True, False)] if probe else []
    safe = [b for b in bodies if not b["hazards"]]
    # the two-sided form costs at least a direct one plus |u| and a branch: built only when needed
    body = min(safe, key=lambda b: b["cost"]) if safe else _body(name, args, exprs, variables)
    return _saturation(entry, exprs, body, grad) if probe else body


def _derivative_texts(entry):
    if entry.is_vector or "axis" in entry.extra:   # the backward's docstring gives the vector-Jacobian product
        return []
    return [{"var": str(v), "text": docstring_safe(formula_text(derivative(entry, v)))}
            for v in _wrt(entry)]


def _sample_text(entry):
    """The NumPy call drawing the random symbol of a random entry, printed from the catalog's law."""
    rnd = entry.extra["random"]
    if rnd["law"] == "bernoulli":
        return f"(rng.random(shape) < {to_numpy(rnd['keep'])}).astype(dtype)"
    if rnd["law"] == "uniform":
        low, high = rnd["between"]
        return f"rng.uniform({to_numpy(low)}, {to_numpy(high)}, shape).astype(dtype)"
    raise NotImplementedError(f"{entry.name}: no NumPy sampler for the law {rnd['law']!r}")


@lru_cache(maxsize=None)
def kernel_model(entry) -> dict:
    """Everything the templates need for one entry, as printed strings."""
    names = _names(entry)
    model = {
        "name": entry.name, "kind": entry.kind, "summary": docstring_safe(entry.description),
        "formula": docstring_safe(formula_text(entry.expr)), "derivatives": _derivative_texts(entry),
        "kinks": [docstring_safe(f"at {k.at}: d/d{k.wrt or entry.var} = " + ", ".join(f"{k.value_in(c)} ({c})" for c in CONVENTIONS)
                       + f"; {k.why}") for k in entry.kinks],
        "reference": docstring_safe(entry.reference), "torch": entry.torch, "switch": _switch_text(entry),
        "inputs": [names[v] for v in entry.variables], "params": _params(kernel_entry(entry)),
        "style": "vector" if "axis" in entry.extra else "random" if "random" in entry.extra else entry.kind,
        "variant": None,
        "example": _example(kernel_entry(entry), names, _eval_entry(kernel_entry(entry)).expr),
        "backward_example": _backward_example(entry, names),
    }
    model.update(_signature(entry, model))
    if model["style"] == "vector":
        model.update(axis_model(entry))
        vjp = axis_output_vjp(entry) if entry.kind == "activation" else None
        model["from_output"] = vjp and {"formula": docstring_safe(formula_text(vjp)), "code": numpy_into(vjp)}
        return model
    variables = tuple(entry.variables)
    if model["style"] == "random":
        rnd = entry.extra["random"]
        train = _train_entry(entry)
        train = dataclasses.replace(train, variables=variables)
        tr_f, tr_b = _bodies(train, "_train", variables, extra_args=(rnd["symbol"].name,))
        ev_f, ev_b = _bodies(_eval_entry(entry), "_eval", variables)
        model.update(train_forward=tr_f, train_backward=tr_b["pytorch"], eval_forward=ev_f, eval_backward=ev_b["pytorch"],
                     sample=_sample_text(entry), sample_symbol=rnd["symbol"].name,
                     training_default=next(v for k, v in TRAINING_DEFAULT.items()
                                           if k in entry.extra or k in rnd),
                     train_formula=docstring_safe(formula_text(train.expr)), law=docstring_safe(f"{rnd['law']} {rnd.get('between', rnd.get('keep'))}"))
        return model
    fwd, bwds = _bodies(kernel_entry(entry), "", variables)
    # f(x) = x returns x itself when no `out` is given (an array of the result dtype; no copy)
    passthrough = len(variables) == 1 and fwd["results"] == [names[variables[0]]] and not fwd["lines"]
    # ... and df/dx = 1 returns grad_output itself, unless an x is nan (its gradient is nan)
    grad_passthrough = passthrough and all(b["computes"] == ["grad_output"] and not b["lines"] for b in bwds.values())
    model.update(forward=fwd, backward=bwds["pytorch"], passthrough=passthrough, grad_passthrough=grad_passthrough,
                 other_backwards=[b for c, b in bwds.items() if c != "pytorch"],
                 conventions=[{"name": c, "fn": bwds.get(c, bwds["pytorch"])["fn"]} for c in CONVENTIONS])
    model["from_output"] = _from_output_body(entry)
    if "variant_of" in entry.extra:
        model["variant"] = dict(zip(("function", "option", "value", "base"), entry.extra["variant_of"]))
    return model


EXAMPLE_INPUTS = {"x": ("numpy.linspace(-3.0, 3.0, 7)", numpy.linspace(-3.0, 3.0, 7)),
                  "other": ("numpy.linspace(3.0, -3.0, 7)", numpy.linspace(3.0, -3.0, 7)),
                  "target": ("numpy.full(7, 0.5)", numpy.full(7, 0.5)),
                  "row": ("numpy.array([[1.0, 2.0, 3.0]])", numpy.array([1.0, 2.0, 3.0])),
                  "onehot": ("numpy.array([[0.0, 0.0, 1.0]])", numpy.array([0.0, 0.0, 1.0]))}


def _example_inputs(entry, names):
    """([argument text], [input values per variable], keyword text) of the docstring example."""
    if "axis" in entry.extra:
        keys = ["row"] + (["onehot"] if entry.kind == "loss" else [])
        values = [v for k in keys for v in EXAMPLE_INPUTS[k][1]]
        return [EXAMPLE_INPUTS[k][0] for k in keys], values, ', reduction="none"' if entry.kind == "loss" else ""
    keys = ["target" if names[v] == "target" else "x" if i == 0 else "other" for i, v in enumerate(entry.variables)]
    kw = ", training=False" if "random" in entry.extra else ', reduction="none"' if entry.kind != "activation" else ""
    return [EXAMPLE_INPUTS[k][0] for k in keys], [EXAMPLE_INPUTS[k][1] for k in keys], kw


def _example(entry, names, expr, backward=False):
    """{"call", "output"}: a call that runs and what it prints, the output computed from the catalog
    expression `expr` by mpmath (rounded to float64, in NumPy's repr), so the doctest checks the kernel."""
    args, values, kw = _example_inputs(entry, names)
    expr = sp.sympify(expr).subs(entry.defaults())
    fns = [sp.lambdify(entry.variables, e, modules="mpmath") for e in (expr if expr.is_Matrix else [expr])]
    if "axis" in entry.extra:   # one row: softmax's three values, cross_entropy's one loss
        out = numpy.array([[float(col[0]) for col in evaluate(fns, [tuple(values)])]])
        out = out if expr.is_Matrix else out[0]
    else:
        out = numpy.array([float(v) for v in evaluate(fns, list(zip(*values)))[0]])
    call = f"{entry.name}{'_backward' if backward else ''}({'numpy.ones(7), ' if backward else ''}{', '.join(args)}{kw})"
    return {"call": call, "output": repr(out)}


def _backward_example(entry, names):
    """The backward's docstring example, for elementwise entries with one gradient (else None)."""
    wrt = _grad_vars(entry)
    if entry.is_vector or "axis" in entry.extra or "random" in entry.extra or len(wrt) != 1 or any(
            p.learnable for p in entry.params):
        return None
    return _example(entry, names, derivative(entry, wrt[0]), backward=True)


def _signature(entry, model) -> dict:
    """Printed argument lists: the public signature's tail, the checks, the arrays and scalars passed to `_run`."""
    params = model["params"]
    tail = "".join(f", {p['name']}={p['default']}" for p in params)
    reduction = {"loss": "mean", "regularizer": "sum"}.get(entry.kind)
    if reduction and "random" not in entry.extra and "axis" not in entry.extra:
        tail += f', reduction="{reduction}"'
    arrays = model["inputs"] + [p["name"] for p in params if p["learnable"]]
    scalars = [p["name"] for p in params if p["symbolic"] and not p["learnable"]]
    grads = [_names(entry)[v] for v in _grad_vars(entry)] + [p["name"] for p in params if p["learnable"]]
    return {
        "sig_tail": tail, "checks": [p["check"] for p in params if not p["learnable"]],
        "array_args": "".join(f"{a}, " for a in arrays).rstrip() if len(arrays) > 1 else f"{arrays[0]},",
        "param_args": "".join(f"{a}, " for a in scalars).rstrip(" "),
        "call_params": "".join(f", {a}={a}" for a in scalars),
        "array_params": [p["name"] for p in params if p["learnable"]], "grad_names": grads,
    }


def _variant_of(models):
    """{function name: [variant models]} for entries that are an option of another function."""
    out = {}
    for m in models:
        if m["variant"]:
            out.setdefault(m["variant"]["function"], []).append(m)
    return out


def module_text(provenance: str, kind: str, entries, models=None) -> str:
    """One generated module (all entries of `kind`); `models` maps names to precomputed kernel models."""
    models = [(models or {}).get(e.name) or kernel_model(e) for e in entries]
    source = "".join(str(m) for m in models)
    uses_erf = "_erf" in source
    template = "numpy/module.py.jinja"
    return environment().get_template(template).render(
        header=template_header(provenance, template), title=TITLES[kind], kind=kind, models=models,
        variants=_variant_of(models), uses_erf=uses_erf, names=[m["name"] for m in models],
    )


def numpy_files(catalog, provenance: str, models=None) -> dict:
    """The build emitter: {numpy/KIND.py: text} for activations, losses and regularizers.

    `models` ({name: kernel_model(entry)}) lets the build compute the models in parallel and cache them."""
    return {path: module_text(provenance, kind, catalog.of_kind(kind), models) for kind, path in MODULES.items()}


def entry_source(entry) -> str:
    """The kernel source (forward and backward) of one entry, as `symderiv show NAME --numpy` prints it."""
    if entry.kind not in MODULES:
        return f"# {entry.name}: no NumPy kernel for a {entry.kind}"
    return environment().get_template("numpy/kernel.py.jinja").render(
        m=kernel_model(entry), variants={}).strip() + "\n"


def hazards_of(expr) -> list:
    """The static hazards (`numpy_code.hazards`) of `expr`'s direct formulation, "inf/inf" left out."""
    return [h for h in hazards(stabilize(expr, (), two_sided=False)) if h != "inf/inf"]


# ----- backward from the output: f'(x) as g(f(x)) ---------------------------------------------

OUTPUT = sp.Symbol("output", real=True)


def output_derivative(entry):
    """g with f'(x) = g(f(x)) exactly, as a SymPy expression in `OUTPUT`, or None.

    Smooth entries: `output_form` (sigmoid: f(1 - f), tanh: 1 - f^2). Piecewise entries whose
    pieces meet at x = 0 with f(0) = 0 and sign(f) = sign(x) (relu, leaky_relu, elu, selu, celu):
    each piece of f' becomes g_i(f) by solving f_i(x) = f for x, and its condition on x the same
    condition on f (PyTorch's autograd does the same: relu's backward tests `result > 0`). Each
    g_i is proved by SymPy: g_i(f_i(x)) - f_i'(x) simplifies to 0. The sign test uses the default
    parameters (leaky_relu: for negative_slope > 0).
    """
    if (entry.kind != "activation" or entry.is_vector or len(entry.variables) != 1 or "random" in entry.extra
            or any(p.learnable for p in entry.params)):
        return None
    smooth = output_form(entry)
    if smooth is not None:
        return smooth.xreplace({sp.Symbol("f"): OUTPUT})
    x, d, f = entry.var, derivative(entry), sp.piecewise_fold(entry.expr)
    if not isinstance(d, sp.Piecewise) or not isinstance(f, sp.Piecewise):
        return None
    pieces, side = [], None
    for di, ci in d.args:
        side = -side if ci == sp.true and side is not None and len(pieces) == 1 else _side_point(ci, x)
        if side is None:
            return None
        fi = next((e for e, c in f.args if c.subs(x, side) == sp.true), None)
        gi = _solve_piece(entry, fi, di, x, side)
        if gi is None:
            return None
        pieces.append((gi, ci.subs(x, OUTPUT)))
    return sp.Piecewise(*pieces)


def _from_output_body(entry):
    """The body of NAME_backward_from_output(grad_output, output, params) with its formula, or None."""
    g = output_derivative(entry)
    if g is None:
        return None
    ordered = sorted(entry.symbolic_params, key=lambda p: not p.learnable)
    expr = sp.piecewise_fold(GRAD * g) if g.has(sp.Piecewise) else GRAD * g
    body = _body(f"_{entry.name}_backward_from_output", ["grad_output", "output"] + [p.name for p in ordered],
                 [expr], (OUTPUT,), two_sided=False)
    body["formula"] = docstring_safe(formula_text(g))
    return body


def _side_point(cond, x):
    """-1 or 1: a point of `cond`'s domain if `cond` compares x with 0."""
    if cond == sp.true:
        return None
    for p in (-1, 1):
        if cond.subs(x, p) == sp.true and cond.subs(x, -p) == sp.false:
            return p
    return None


def _solve_piece(entry, fi, di, x, side):
    """g_i(f) with g_i(f_i(x)) = f_i'(x) proved, if f_i(0) = 0 and f_i has the sign of x on its side.

    Float constants (selu's scale and alpha) are proved as positive symbols and put back after:
    the identity then holds for every value of them, so for the floats too, exactly."""
    if fi is None or di.has(sp.Piecewise):
        return None
    at = entry.defaults()
    sign = sp.sign(fi.subs(at).subs(x, side))
    if sp.simplify(fi.subs(x, 0)) != 0 or not (sign == side or (fi == 0 and di == 0)):
        return None   # f = 0 on a side (relu) keeps f <= 0 <=> x <= 0 since the other side is strict
    if not di.has(x):
        return di
    floats = sorted({abs(c) for c in (fi.atoms(sp.Float) | di.atoms(sp.Float))}, key=float)
    consts = {c: sp.Symbol(f"_c{i}", positive=True) for i, c in enumerate(floats)}
    fs, ds = (_symbolic_floats(e, consts) for e in (fi, di))
    sols = sp.solve(sp.Eq(fs, OUTPUT), x)
    if len(sols) != 1:
        return None
    gi = sp.simplify(ds.subs(x, sols[0]))
    if sp.simplify(gi.subs(OUTPUT, fs) - ds) != 0:
        return None
    return sp.expand(gi).xreplace({s: c for c, s in consts.items()})


def _symbolic_floats(expr, consts):
    """`expr` with each Float +-c replaced by +-(its symbol); products of floats stay products of symbols."""
    return expr.replace(lambda e: isinstance(e, sp.Float),
                        lambda e: consts[abs(e)] if e > 0 else -consts[abs(e)])
