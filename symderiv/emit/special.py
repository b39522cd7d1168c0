"""Coefficients of the generated kernels' erf/erfc, computed with mpmath (no typed-in constants).

erfc(z) for 0 <= z <= z_max is t * exp(P(w) - z^2) with t = 2/(2 + z) (the form of Numerical
Recipes, 3rd ed., section 6.2.2) and P a polynomial in w = a t + b, the map of t in
[2/(2 + z_max), 1] onto [-1, 1]: leaving out t -> 0 (z -> oo, erfc's essential singularity) makes
the Chebyshev fit converge fast, and its monomial coefficients stay below 1 (Horner is stable).
z_max is where erfc underflows (27.3 in float64, 10.5 in float32); one fit per dtype, so float32
is computed in float32 (`erfc_fit`). erf(x) for |x| < 1/2 is its Maclaurin series.
The older Chebyshev series on all of t in (0, 1] (`erfc_chebyshev`) is kept for the scalar chain.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath
import sympy as sp

CHEB_TERMS = 32      # |truncation| < 1e-18 on (0, 1] (checked in tests/test_kernels.py via the kernels)
SERIES_TERMS = 14    # erf Maclaurin terms for |x| < 1/2: last term < 1e-19
SMALL = 0.5
FITS = {"_ERFC64": (27.3, 26), "_ERFC32": (10.5, 11)}   # (z_max, terms): truncation 9e-18 and 1.5e-8


def _p_of_s(s):
    t = (s + 1) / 2
    z = 2 / t - 2
    return mpmath.log(mpmath.erfc(z) / t) + z * z


@lru_cache(maxsize=None)
def erfc_chebyshev(n: int = CHEB_TERMS) -> tuple:
    """Chebyshev coefficients c_0..c_{n-1} of P(s) on [-1, 1] (c_0 not halved), at Gauss-Chebyshev nodes."""
    with mpmath.workdps(40):
        nodes = [mpmath.pi * (j + mpmath.mpf(1) / 2) / n for j in range(n)]
        values = [_p_of_s(mpmath.cos(th)) for th in nodes]
        coeffs = []
        for k in range(n):
            c = 2 * mpmath.fsum(v * mpmath.cos(k * th) for v, th in zip(values, nodes)) / n
            coeffs.append(float(c / 2 if k == 0 else c))
    return tuple(coeffs)


@lru_cache(maxsize=None)
def erf_series(n: int = SERIES_TERMS) -> tuple:
    """Coefficients a_k of erf(x) = x * sum_k a_k (x^2)^k, SymPy's Taylor terms of erf (`erf.taylor_term`)."""
    x = sp.Symbol("x")
    return tuple(float(sp.erf.taylor_term(2 * k + 1, x).coeff(x, 2 * k + 1)) for k in range(n))


@lru_cache(maxsize=None)
def erfc_fit(z_max: float, n: int) -> tuple:
    """(z_max, a, b, c_{n-1}, ..., c_0): erfc(z) = t exp(P(a t + b) - z^2) for 0 <= z <= z_max,
    P = sum c_k w^k the degree n-1 Chebyshev fit (mpmath.chebyfit, 40 digits) on w in [-1, 1]."""
    with mpmath.workdps(40):
        t_min = 2 / (2 + mpmath.mpf(z_max))
        a, b = 2 / (1 - t_min), -(1 + t_min) / (1 - t_min)   # w = a t + b: t_min -> -1, 1 -> 1

        def p_of_w(w):
            z = 2 / ((w - b) / a) - 2
            return mpmath.log(mpmath.erfc(z) * (2 + z) / 2) + z * z

        coeffs = mpmath.chebyfit(p_of_w, [-1, 1], n)
        return (float(z_max), float(a), float(b), *(float(c) for c in coeffs))


def tables() -> dict:
    """{name in the kernel runtime: coefficients}: the tables `symderiv.emit.kernel_erf` reads."""
    return {"_ERF_SERIES": erf_series(), **{name: erfc_fit(*fit) for name, fit in FITS.items()}}
