"""Constants derived, not restated: SELU's alpha and lambda from the fixed-point conditions of
Klambauer et al. (2017), the Glorot and He variances from variance propagation by integration.

SELU: for z ~ N(0, 1), E[selu(z)] = 0 and E[selu(z)^2] = 1 (mean 0 and variance 1 are the fixed
point of the layer map with normalised weights). Both expectations are mpmath quadratures; the two
equations are solved for (alpha, lambda) by `mpmath.findroot` at 40 digits and compared with the
constants read off the catalog's entry (lambda = selu'(x) for x > 0, alpha lambda = -lim_{x->-oo} selu).

Initialisation: Var(sum_i W_i x_i) for independent zero-mean W_i ~ U(-a, a), x_i ~ N(0, q), each
E[(W x)^2] a double integral; forward Var(z) = Var(x) gives n_in Var(W) = 1, backward gives
n_out Var(W) = 1, and Glorot's compromise is the variance that averages the two gains to 1.
He: E[relu(z)^2] = Var(z)/2 by integration against the normal density.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath
import sympy as sp

from symderiv.catalog.initializers import fan_in, fan_out, spread
from symderiv.symbols import x
from symderiv.verify.claims import Claim
from symderiv.verify.evidence import all_of
from symderiv.verify.numeric import DPS, branch

DIGITS = 30
a, q, v = sp.symbols("a q v", positive=True)            # uniform half-width, input variance, weight variance
u = sp.Symbol("u", real=True)
s = sp.Symbol("s", positive=True)
normal = lambda var, sd: sp.exp(-var**2 / (2 * sd**2)) / sp.sqrt(2 * sp.pi * sd**2)


def selu_fixed_point():
    """(alpha, lambda) solving E[selu(z)] = 0, E[selu(z)^2] = 1 for z ~ N(0, 1), by quadrature and findroot."""
    with mpmath.workdps(DPS):
        pos1 = mpmath.quad(lambda z: z * mpmath.npdf(z), [0, mpmath.inf])
        pos2 = mpmath.quad(lambda z: z**2 * mpmath.npdf(z), [0, mpmath.inf])
        neg1 = mpmath.quad(lambda z: mpmath.expm1(z) * mpmath.npdf(z), [-mpmath.inf, 0])
        neg2 = mpmath.quad(lambda z: mpmath.expm1(z) ** 2 * mpmath.npdf(z), [-mpmath.inf, 0])
        eqs = lambda al, lam: [lam * (pos1 + al * neg1), lam**2 * (pos2 + al**2 * neg2) - 1]
        al, lam = mpmath.findroot(eqs, (mpmath.mpf("1.6"), mpmath.mpf("1.0")))
        return al, lam


def catalog_selu_constants(entry):
    """(alpha, lambda) as the catalog's selu expression has them."""
    lam = sp.diff(branch(entry.expr, x, 1), x)
    al = -sp.limit(branch(entry.expr, x, -1), x, -sp.oo) / lam
    return sp.N(al, DPS), sp.N(lam, DPS)


def _selu(entry):
    derived = selu_fixed_point()
    cat = catalog_selu_constants(entry)
    with mpmath.workdps(DPS):
        errs = [abs(mpmath.mpf(str(c)) - d) / abs(d) for c, d in zip(cat, derived)]
    holds = all(e < mpmath.mpf(10) ** -DIGITS for e in errs)
    ev = {"holds": holds, "derived_alpha": mpmath.nstr(derived[0], 35), "derived_lambda": mpmath.nstr(derived[1], 35),
          "catalog_alpha": str(cat[0])[:37], "catalog_lambda": str(cat[1])[:37],
          "rel_difference": [float(e) for e in errs], "digits_required": DIGITS}
    if not holds:
        ev["counterexample"] = {"entry": entry.name, "derived": [ev["derived_alpha"], ev["derived_lambda"]],
                                "catalog": [ev["catalog_alpha"], ev["catalog_lambda"]]}
    return ev


@lru_cache(maxsize=None)
def layer_gain():
    """Var(W x) / (Var(W) Var(x)) for independent zero-mean W ~ U(-a, a), x ~ N(0, q), by integration,
    and E[W_1 x_1 W_2 x_2] (the cross term of Var of a sum)."""
    pw = 1 / (2 * a)
    ew2 = sp.integrate(u**2 * pw, (u, -a, a))
    ex2 = sp.integrate(u**2 * normal(u, sp.sqrt(q)), (u, -sp.oo, sp.oo))
    cross = sp.integrate(u * pw, (u, -a, a)) * sp.integrate(u * normal(u, sp.sqrt(q)), (u, -sp.oo, sp.oo))
    return sp.simplify(ew2 * ex2 / (ew2 * q)), ew2, cross


@lru_cache(maxsize=None)
def derived_variances():
    """{initializer name: Var(W) derived}: Glorot from the averaged forward/backward gains, He from relu."""
    gain, _, _ = layer_gain()
    forward, backward = fan_in * v * gain, fan_out * v * gain          # Var(z)/Var(x), Var(delta_in)/Var(delta_out)
    glorot = sp.solve(sp.Eq((forward + backward) / 2, 1), v)[0]
    relu_sq = sp.integrate(u**2 * normal(u, s), (u, 0, sp.oo)) / s**2   # E[relu(z)^2] / Var(z)
    he = sp.solve(sp.Eq(fan_in * v * relu_sq, 1), v)[0]
    return {"glorot": glorot, "he": he}


def uniform_limit(variance):
    """The half-width a of U(-a, a) with the given variance (Var = a^2/3 by integration)."""
    return sp.solve(sp.Eq(layer_gain()[1], variance), a)[0]


def _initializer(entry, derived):
    exact = sp.sqrt(derived) if entry.extra["law"] == "normal" else uniform_limit(derived)
    diff = sp.cancel(sp.expand(spread(entry) ** 2 - exact**2))
    pts = [(1, 1), (3, 7), (124, 100), (784, 256)]
    vals = {f"{i},{o}": float((spread(entry) - exact).subs({fan_in: i, fan_out: o})) for i, o in pts}
    holds = diff == 0 and all(val == 0 for val in vals.values())
    ev = {"holds": holds, "derived_spread": exact, "catalog_spread": spread(entry), "difference_at_fans": vals}
    if not holds:
        ev["counterexample"] = {"entry": entry.name, "derived": str(exact), "catalog": str(spread(entry))}
    return ev


def constant_claims(catalog):
    g = catalog.get
    claims = [Claim("constant.selu_fixed_point", "selu's alpha and lambda are the solution of E[selu(z)] = 0 "
                    "and E[selu(z)^2] = 1 for z ~ N(0, 1) (Klambauer et al. 2017), to 30 digits",
                    f"mpmath quadrature and findroot at {DPS} digits against the constants of the catalog entry",
                    lambda: _selu(g("selu")))]
    for e in catalog.of_kind("initializer"):
        family = "glorot" if e.name.startswith("glorot") else "he"
        claims.append(Claim(f"constant.{e.name}", f"{e.name}'s {'std' if e.extra['law'] == 'normal' else 'limit'} "
                            f"follows from variance propagation ({family})", "symbolic: variances by integration "
                            "(SymPy), the gain conditions solved for Var(W); exact at 4 fan pairs",
                            lambda e=e, f=family: _initializer(e, derived_variances()[f])))
    claims.append(Claim("constant.layer_gain", "for independent zero-mean W ~ U(-a, a) and x ~ N(0, q), "
                        "Var(W x) = Var(W) Var(x) and the cross terms of Var(sum_i W_i x_i) vanish",
                        "symbolic integration", _gain))
    return claims


def _gain():
    gain, ew2, cross = layer_gain()
    return all_of(gain={"holds": gain == 1, "gain": gain, "var_uniform": ew2},
                  cross_term={"holds": cross == 0, "cross": cross})
