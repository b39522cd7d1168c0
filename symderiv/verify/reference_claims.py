"""Claims that tie the catalog to what PyTorch and JAX compute (the records of
`symderiv.catalog.references`): defaults, definitions and constants (forward values), derivatives
(gradients) and the values chosen at kinks. A mismatch refutes the claim, naming the entry, the
setting, the point and both values.

Comparison: |catalog - library| / max(1, |library|) <= REL_TOL, the catalog evaluated by mpmath at
DPS digits with the library's parameters and inputs as exact doubles; at a kink the catalog's
resolved derivative is evaluated exactly (SymPy).
"""

from __future__ import annotations

import dataclasses

import mpmath
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.catalog.references import differentiated, exact, records, setting_subs
from symderiv.numerics.mp_eval import mp_callable
from symderiv.numerics.tolerances import DPS
from symderiv.verify.claims import Claim

REL_TOL = 1e-13          # float64 libraries against 40-digit references; a SELU digit at 1e-11 is 100x this


def reference_claims(entry) -> list:
    """The claims comparing one entry with each library's records (none without records)."""
    libs = records().get("entries", {}).get(entry.name, {})
    versions = records().get("versions", {})
    claims = []
    for lib, settings in sorted(libs.items()):
        where = f"{lib} {versions.get(lib, '?')} (recorded)"
        base = f"{entry.name}.reference.{lib}"
        if lib == "torch" and entry.params:
            claims.append(Claim(f"{base}.defaults", f"{entry.name}'s defaults are {where}'s",
                                "exact comparison of each default with the recorded one",
                                lambda s=settings: _defaults(entry, s[0]["params"])))
        for what, text in (("forward", "definition and constants give {}'s values"),
                           ("gradient", "derivative gives {}'s gradients away from kinks")):
            tol, why = tolerance(entry, lib, what)
            claims.append(Claim(f"{base}.{what}", f"{entry.name}'s {text.format(where)}",
                                f"mpmath ({DPS} digits) at every recorded point and setting, relative tolerance "
                                f"{tol:g}{why}", lambda s=settings, w=what, tol=tol: _compare(entry, s, w, tol)))
        if entry.kinks and len(entry.variables) == 1:
            claims.append(Claim(f"{base}.kinks", f"{entry.name}'s values at its kinks are {where}'s"
                                + (" (the catalog's JAX convention)" if lib == "jax" else ""),
                                "exact value of the catalog's derivative at each recorded kink",
                                lambda s=settings, lib=lib: _kinks(entry, s, lib)))
    return claims


def tolerance(entry, lib, what) -> tuple:
    """(relative tolerance, reason) for comparing `what` with `lib`: REL_TOL unless the entry records a
    measured numerical artifact of the library (`extra["reference_tolerance"]["torch.gradient"]`)."""
    tol, why = entry.extra.get("reference_tolerance", {}).get(f"{lib}.{what}", (REL_TOL, ""))
    return tol, (f" ({why})" if why else "")


def _defaults(entry, recorded: dict) -> dict:
    diffs = {p.name: [p.default, recorded[p.name]] for p in entry.params
             if p.name in recorded and float(p.default) != recorded[p.name]}
    ev = {"holds": not diffs, "catalog": {p.name: p.default for p in entry.params}, "recorded": recorded}
    if diffs:
        name, (c, r) = sorted(diffs.items())[0]
        ev["counterexample"] = {"entry": entry.name, "parameter": name, "catalog": c, "library": r}
    return ev


def _subs(entry, setting: dict, first: bool) -> dict:
    """The catalog's own defaults for the first (library-default) setting, else the recorded parameters."""
    if first:
        return {p.symbol: exact(p.default) for p in entry.symbolic_params}
    return setting_subs(entry, setting["params"])


def _functions(entry, subs, what):
    """[(output index, input index, mpmath function)] for the forward values or the gradient."""
    if what == "forward":
        exprs = list(entry.expr) if entry.is_vector else [entry.expr]
        return [(i, None, mp_callable(e.subs(subs), entry.variables)) for i, e in enumerate(exprs)]
    out = []
    for j, v in enumerate(differentiated(entry)):
        d = derivative(entry, v)
        for i, e in enumerate(list(d) if entry.is_vector else [d]):
            out.append((i, j, mp_callable(e.subs(subs), entry.variables)))
    return out


def _compare(entry, settings, what, tol=REL_TOL) -> dict:
    worst = {"error": -1.0}
    n = 0
    for k, setting in enumerate(settings):
        fns = _functions(entry, _subs(entry, setting, k == 0), what)
        for inputs, outputs, grad, kind in setting["rows"]:
            if what == "gradient" and kind == "kink":
                continue
            with mpmath.workdps(DPS):
                for i, j, f in fns:
                    lib = outputs[i] if j is None else grad[i][j]
                    cat = float(f(*[mpmath.mpf(v) for v in inputs]))
                    err = abs(cat - lib) / max(1.0, abs(lib))
                    n += 1
                    if err > worst["error"]:
                        worst = {"error": err, "params": setting["params"], "input": inputs, "component": [i, j],
                                 "catalog": cat, "library": lib}
    return _verdict(entry, worst, n, tol)


def _verdict(entry, worst, n, tol=REL_TOL) -> dict:
    holds = worst["error"] <= tol
    ev = {"holds": holds, "max_rel_error": worst["error"], "worst_input": worst.get("input"), "n_values": n,
          "tolerance": tol}
    if not holds:
        ev["counterexample"] = {"entry": entry.name, **{k: v for k, v in worst.items() if k != "error"}}
    return ev


def _kinks(entry, settings, lib) -> dict:
    worst, n = {"error": -1.0}, 0
    for k, setting in enumerate(settings):
        subs = _subs(entry, setting, k == 0)
        d = derivative(entry).subs(subs) if lib == "torch" else _jax_derivative(entry).subs(subs)
        declared = sorted(float(sp.sympify(kk.at).subs(subs)) for kk in entry.kinks)
        recorded = sorted(r[0][0] for r in setting["rows"] if r[3] == "kink")
        if declared != recorded:
            worst = {"error": float("inf"), "params": setting["params"], "input": recorded,
                     "catalog": declared, "library": recorded}
            break
        for inputs, _, grad, kind in (r for r in setting["rows"] if r[3] == "kink"):
            cat = float(d.subs(entry.var, exact(inputs[0])))
            err = abs(cat - grad[0][0]) / max(1.0, abs(grad[0][0]))
            n += 1
            if err > worst["error"]:
                worst = {"error": err, "params": setting["params"], "input": inputs, "catalog": cat,
                         "library": grad[0][0]}
    return _verdict(entry, worst, n)


def _jax_derivative(entry):
    """The catalog's derivative with the kink values of its JAX convention (`Kink.alternatives["JAX"]`)."""
    kinks = tuple(dataclasses.replace(k, value=k.alternatives.get("JAX", k.value)) for k in entry.kinks)
    return derivative(dataclasses.replace(entry, kinks=kinks))
