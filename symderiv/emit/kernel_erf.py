"""erf and erfc for the generated NumPy kernels, vectorised NumPy in the input's dtype, rendered
verbatim into a kernel module that uses them.

The coefficient tables `_ERFC64`, `_ERFC32` (z_max, a, b, then P's coefficients, highest first)
and `_ERF_SERIES` are computed by `symderiv.emit.special` (`special.tables()`) and printed by the
template before this code. No scipy: the same values everywhere, and faster than
scipy.special.erfc's scalar loop (measured in benchmarks/kernels.py: gelu).
"""

import numpy


def _erfc(x):
    """erfc(x) = t exp(P(a t + b) - z^2) with z = |x|, t = 2/(2 + z); 2 - that for x < 0 (and -0).

    In the dtype of x (float32 with its own shorter fit); P by Horner, in place. P is fitted for
    z <= z_max, where erfc underflows: beyond, P stays bounded (t -> 0) while z^2 grows, so the
    result underflows to 0 without a clamp. The rounding of z^2 inside one exp gives an error of a
    few ulps times erfc's condition number 2 z^2 (the error a rounded input already causes). nan
    stays nan; erfc(-inf) = 2, erfc(inf) = 0."""
    x = numpy.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(numpy.float64)
    if x.ndim == 0:   # the in-place steps need an array, not a NumPy scalar
        return _erfc(x.reshape(1))[0]
    _, a, b, *coeffs = _ERFC32 if x.dtype == numpy.float32 else _ERFC64
    z = numpy.abs(x)
    t = z + 2.0
    numpy.divide(2.0, t, out=t)
    w = t * a
    w += b
    p = w * coeffs[0]
    for c in coeffs[1:-1]:
        p += c
        p *= w
    p += coeffs[-1]
    z *= z
    p -= z
    numpy.exp(p, out=p)
    p *= t
    two = numpy.multiply(numpy.signbit(x), 2.0, dtype=x.dtype)   # 2 where x < 0: erfc(-z) = 2 - erfc(z)
    numpy.copysign(p, x, out=p)
    p += two
    return p


def _erf(x):
    """erf(x): the Maclaurin series x sum_k a_k x^2k for |x| < 1/2, else sign(x) (1 - erfc(|x|))."""
    x = numpy.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(numpy.float64)
    small = numpy.clip(x, -0.5, 0.5)   # the series where it is used, finite elsewhere
    x2 = small * small
    series = numpy.zeros_like(x)
    for c in _ERF_SERIES[::-1]:
        series *= x2
        series += c
    series *= small
    big = numpy.sign(x) * (1.0 - _erfc(numpy.abs(x)))
    return numpy.where(numpy.abs(x) < 0.5, series, big)
