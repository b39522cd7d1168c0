"""The evidence library: every helper that turns a check into an evidence dict (the shape
`symderiv.verify.claims.run_claim` expects), and the seed-claim constructor.

- identities: `check_identity` (one variable), `check_zero` / `check_equal` (several), `refute_at`;
- comparisons of arrays against a reference: `compare`;
- Monte Carlo: `mc_agrees` (tolerance in standard errors; rejects a named alternative);
- points: `random_points`, `numeric.sample_points`;
- combination: `all_of`;
- `seed_claim`: a claim about a seed document, with its guard (a claim expected to fail carries a
  correction; a qualified claim carries its reading).
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from symderiv.verify.claims import Claim
from symderiv.verify.numeric import DPS, mp_callable, sample_points

SEEDS = {
    "000": "000_c3a709bf01eb5bcf.txt",
    "001": "001_10d942a10df8e8ce.txt",
    "002": "002_f9dacf9c81433969.txt",
    "003": "003_a74ce1a8d15e55b6.txt",
    "004": "004_60e4e0c29def9815.txt",
}
MC_SIGMAS = 5            # a Monte Carlo estimate agrees when within this many standard errors
TOL = 1e-25              # |lhs - rhs| at DPS digits
ARRAY_TOL = 1e-12        # |claimed - reference| for float64 values against an mpmath reference


def seed_claim(seed, key, statement, method, check, quote, expected=True, correction=None, qualifier=None,
               reading=None):
    """A claim with id `seedNNN.key` and `source` the seed's file name."""
    if not expected and not correction:
        raise ValueError(f"seed{seed}.{key}: a claim expected to fail needs a correction")
    return Claim(f"seed{seed}.{key}", statement, method, check, source=SEEDS[seed], quote=quote,
                 expected=expected, correction=correction, qualifier=qualifier, reading=reading)

def random_points(symbols, n=12, seed=0, low=-2.0, high=2.0):
    """n seeded points (dicts symbol -> float rounded to 6 digits) in [low, high]^k."""
    rng = np.random.default_rng(seed)
    return [{s: float(round(v, 6)) for s, v in zip(symbols, rng.uniform(low, high, len(symbols)))}
            for _ in range(n)]


def check_zero(expr, symbols, points=None, tol=TOL, simplify=True):
    """expr == 0 for all values of `symbols`: simplify(expr) == 0, and |expr| at seeded points (mpmath).

    Evidence: symbolic_difference, max_abs_error, worst_input, n_points; a counterexample if it fails.
    `simplify=False` skips SymPy's simplification (large expressions): the evidence is numeric only.
    """
    symbols = list(symbols)
    points = points if points is not None else random_points(symbols)
    fn = mp_callable(expr, symbols)
    worst, where = -1.0, None
    with mpmath.workdps(DPS):
        for p in points:
            err = float(abs(fn(*[mpmath.mpf(p[s]) for s in symbols])))
            if err > worst:
                worst, where = err, p
    diff = _symbolic(expr, simplify and worst <= tol)
    holds = worst <= tol
    ev = {"holds": bool(holds), "symbolic_difference": diff, "max_abs_error": worst,
          "worst_input": _named(where), "n_points": len(points)}
    if not holds:
        ev["counterexample"] = {"input": _named(where), "difference": worst}
    return ev


def check_equal(lhs, rhs, symbols, points=None, simplify=True):
    """lhs == rhs identically (see `check_zero`)."""
    return check_zero(sp.sympify(lhs) - sp.sympify(rhs), symbols, points, simplify=simplify)


def refute_at(claimed, correct, at, label_claimed="claimed", label_correct="correct"):
    """The claimed formula against the correct one at the point `at` (dict); holds if they agree there.

    Values are exact (SymPy) where possible, and given as floats for the report.
    """
    subs = {k: sp.nsimplify(v) for k, v in at.items()}
    c, r = sp.simplify(sp.sympify(claimed).subs(subs)), sp.simplify(sp.sympify(correct).subs(subs))
    holds = sp.simplify(c - r) == 0
    ev = {"holds": bool(holds), label_claimed: float(c), label_correct: float(r), "at": _named(at)}
    if not holds:
        ev["counterexample"] = {"input": _named(at), label_claimed: float(c), label_correct: float(r)}
    return ev


def mc_agrees(estimate, exact, standard_error, n, seed, alternative=None, **extra):
    """A Monte Carlo estimate agrees with the exact value within MC_SIGMAS standard errors.

    `alternative` = (name, value): the named wrong answer; the claim holds only if the estimate is
    also more than MC_SIGMAS standard errors from it (the experiment can tell the two apart).
    """
    se = float(standard_error)
    z = abs(float(estimate) - float(exact)) / se if se else float("inf") * (estimate != exact)
    ev = {"holds": bool(z <= MC_SIGMAS), "mc_estimate": float(estimate), "exact": float(exact),
          "mc_standard_error": se, "mc_z_exact": z, "mc_tolerance_sigmas": MC_SIGMAS, "mc_samples": n,
          "mc_seed": seed, "abs_error": abs(float(estimate) - float(exact)), **extra}
    if alternative is not None:
        name, value = alternative
        z_alt = abs(float(estimate) - float(value)) / se if se else float("inf")
        ev.update({"alternative": name, "alternative_value": float(value), "mc_z_alternative": z_alt})
        ev["holds"] = ev["holds"] and z_alt > MC_SIGMAS
    if not ev["holds"]:
        ev["counterexample"] = {"mc_estimate": float(estimate), "exact": float(exact), "z": z,
                                **({"z_alternative": ev["mc_z_alternative"]} if alternative else {})}
    return ev


def all_of(**parts):
    """Combine named evidence dicts: holds if every part holds; the first failing part's counterexample."""
    ev = {"holds": all(p["holds"] for p in parts.values())}
    for name, p in parts.items():
        ev[name] = {k: v for k, v in p.items() if k != "holds"} | {"holds": p["holds"]}
    bad = [(n, p) for n, p in parts.items() if not p["holds"]]
    if bad:
        ev["counterexample"] = {"part": bad[0][0], **bad[0][1].get("counterexample", {})}
    return ev


def relu_chain_slope(weight, depth, x0=1.0, h=1e-6):
    """d a_L / d x at x0 by float64 central differences, for a_l = relu(weight * a_(l-1)), a_0 = x."""
    def forward(v):
        for _ in range(depth):
            v = max(0.0, weight * v)
        return v
    return (forward(x0 + h) - forward(x0 - h)) / (2 * h)


def _named(point):
    if point is None:
        return None
    return {str(k): v for k, v in point.items()}


def check_identity(lhs, rhs, var, points=None, tol=TOL, simplify=True):
    """lhs == rhs for all sampled `var` (other symbols must be substituted already).

    Evidence: whether simplify(lhs - rhs) is 0 (skipped with `simplify=False`: numeric evidence
    only), the max |lhs - rhs| over the points at DPS digits, the worst point as counterexample.
    """
    points = sample_points() if points is None else points
    fn = mp_callable(lhs - rhs, [var])
    worst, where = 0.0, None
    with mpmath.workdps(DPS):
        for p in points:
            err = float(abs(fn(mpmath.mpf(p))))
            if where is None or err > worst:
                worst, where = err, p
    diff = _symbolic(sp.piecewise_fold(lhs - rhs), simplify and worst <= tol)
    holds = worst <= tol
    ev = {"holds": holds, "symbolic_difference": diff, "max_abs_error": worst, "worst_input": where,
          "n_points": len(points)}
    if not holds:
        with mpmath.workdps(DPS):
            ev["counterexample"] = {"input": where, "lhs": float(mp_callable(lhs, [var])(mpmath.mpf(where))),
                                    "rhs": float(mp_callable(rhs, [var])(mpmath.mpf(where)))}
    return ev


def _symbolic(expr, attempt: bool):
    """0 when `exactly_zero` proves it, else simplify(expr), when `attempt` (the numbers agree, so a
    proof is worth trying); else a note: a numeric difference already refutes, and simplify on a
    non-identity can take minutes."""
    if not attempt:
        return "not simplified (numeric evidence decides)"
    return sp.S.Zero if exactly_zero(expr) else sp.simplify(expr)


_HYPERBOLIC = (sp.tanh, sp.sinh, sp.cosh, sp.sech, sp.csch, sp.coth)


def exactly_zero(expr) -> bool:
    """True when exact rewriting shows expr == 0, cheaper than `simplify` (False: not shown):
    every branch of a Piecewise zero; else hyperbolic functions written in exp, then
    expand(e) == 0 or cancel(together(expand(e))) == 0 (a rational function of the exponentials)."""
    expr = sp.sympify(expr)
    if expr.has(sp.Piecewise):
        expr = sp.piecewise_fold(expr)
        if isinstance(expr, sp.Piecewise):
            return all(exactly_zero(e) for e, _ in expr.args)
        if expr.has(sp.Piecewise):
            return False
    e = expr.rewrite(sp.exp) if expr.has(*_HYPERBOLIC) else expr
    e = sp.expand(e)
    return e == 0 or sp.cancel(sp.together(e)) == 0


def compare(claimed_fn, reference_fn, points, tol=ARRAY_TOL):
    """max |claimed - reference| over points (arrays); the counterexample at the worst point if > tol."""
    worst, where, detail = 0.0, None, None
    for i, p in enumerate(points):
        c, r = np.asarray(claimed_fn(p), dtype=float), np.asarray(reference_fn(p), dtype=float)
        err = float(np.max(np.abs(c - r))) if c.size else 0.0
        if where is None or err > worst:
            worst, where, detail = err, i, (c, r)
    ev = {"holds": worst <= tol, "max_abs_error": worst, "n_points": len(points), "tolerance": tol}
    if worst > tol:
        ev["counterexample"] = {"input": points[where], "claimed": detail[0].round(12).tolist(),
                                "reference": detail[1].round(12).tolist()}
    return ev
