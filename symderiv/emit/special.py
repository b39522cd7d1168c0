"""Coefficients for the NumPy fallback of erf/erfc, computed with mpmath (no typed-in constants).

erfc(z) for z >= 0 is t * exp(-z^2 + P(t)) with t = 2/(2 + z) in (0, 1] and P a Chebyshev series in
s = 2t - 1 (the form of Numerical Recipes, 3rd ed., section 6.2.2); erf(x) for |x| < 1/2 is its
Maclaurin series. Both are fitted here at 40 digits and printed into the generated kernel module.

float32 uses the same form with a short polynomial (`erfc_f32_poly`, Horner in float32 arithmetic):
a vectorised NumPy erfc at float32 accuracy that beats scipy.special.erfc's scalar loop (measured in
benchmarks/kernels.py: gelu).
"""

from __future__ import annotations

from functools import lru_cache

import mpmath
import sympy as sp

CHEB_TERMS = 32      # |truncation| < 1e-18 on (0, 1] (checked in tests/test_kernels.py via the kernels)
SERIES_TERMS = 14    # erf Maclaurin terms for |x| < 1/2: last term < 1e-19
SMALL = 0.5
F32_TERMS = 12       # float32 polynomial: |truncation| < 1.5e-8 on (0, 1], under 0.25 float32 ulp of erfc


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
def erfc_f32_poly(n: int = F32_TERMS) -> tuple:
    """Monomial coefficients (highest degree first) of a degree n-1 Chebyshev fit of P(s) on [-1, 1]."""
    with mpmath.workdps(40):
        return tuple(float(c) for c in mpmath.chebyfit(_p_of_s, [-1, 1], n))


def tables() -> dict:
    """{name in the kernel runtime: coefficients}: the tables `symderiv.emit.kernel_erf` reads."""
    return {"_ERFC_CHEB": erfc_chebyshev(), "_ERF_SERIES": erf_series(), "_ERFC_F32": erfc_f32_poly()}
