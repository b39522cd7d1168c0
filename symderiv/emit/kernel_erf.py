"""erf and erfc for the generated NumPy kernels (scipy.special when importable, else NumPy), rendered
verbatim into a kernel module that uses them.

The coefficient tables `_ERFC_CHEB`, `_ERF_SERIES`, `_ERFC_F32` are computed by
`symderiv.emit.special` (`special.tables()`) and printed by the template before this code.
"""

import numpy

def _np_erfc(x):
    """erfc(x) in NumPy: t exp(-z^2 + P(t)), t = 2/(2 + z), z = |x|, P a Chebyshev series (float64 inside)."""
    x = numpy.asarray(x)
    xd = x.astype(numpy.float64)
    with numpy.errstate(all="ignore"):
        z = numpy.minimum(numpy.abs(xd), 28.0)   # erfc(28) underflows to 0; nan stays nan
        t = 2.0 / (2.0 + z)
        s = 2.0 * t - 1.0
        b1 = numpy.zeros_like(s)
        b2 = numpy.zeros_like(s)
        for c in _ERFC_CHEB[:0:-1]:
            b1, b2 = 2.0 * s * b1 - b2 + c, b1
        p = s * b1 - b2 + _ERFC_CHEB[0]
        zh = numpy.floor(z * 4096.0) / 4096.0
        r = t * numpy.exp(-zh * zh) * numpy.exp((zh - z) * (zh + z) + p)
        r = numpy.where(xd < 0, 2.0 - r, r)
    return r.astype(x.dtype if x.dtype.kind == "f" else numpy.float64)


def _np_erf(x):
    """erf(x) in NumPy: the Maclaurin series for |x| < 1/2, else sign(x) (1 - erfc(|x|)) (float64 inside)."""
    x = numpy.asarray(x)
    xd = x.astype(numpy.float64)
    with numpy.errstate(all="ignore"):
        x2 = xd * xd
        series = numpy.zeros_like(xd)
        for c in _ERF_SERIES[::-1]:
            series = series * x2 + c
        big = numpy.sign(xd) * (1.0 - _np_erfc(numpy.abs(xd)))
        r = numpy.where(numpy.abs(xd) < 0.5, xd * series, big)
    return r.astype(x.dtype if x.dtype.kind == "f" else numpy.float64)


def _f32_erfc(x):
    """erfc(x) for float32 in float32 arithmetic: t exp(P(s) - z^2) as in `_np_erfc`, a short polynomial.

    One exp: the rounding of z^2 gives an error of a few ulps times erfc's condition number 2 z^2
    (the error a rounded input already causes); the split of `_np_erfc` costs a third more time."""
    z = numpy.abs(x)
    numpy.minimum(z, 10.5, out=z)   # erfc(10.5) is below float32's smallest subnormal; nan stays nan
    t = 2.0 / (2.0 + z)
    s = t + t
    s -= 1.0
    p = s * _ERFC_F32[0]
    for c in _ERFC_F32[1:-1]:
        p += c
        p *= s
    p += _ERFC_F32[-1]
    z *= z
    p -= z
    numpy.exp(p, out=p)
    p *= t
    return numpy.where(x < 0, 2.0 - p, p)


def _erfc(x):
    """erfc: `_f32_erfc` for float32 (vectorised, faster than the scipy.special scalar loop), else `_erfc64`."""
    if getattr(x, "dtype", None) == numpy.float32:
        return _f32_erfc(x)
    return _erfc64(x)


try:
    from scipy.special import erf as _erf, erfc as _erfc64
except ImportError:
    _erf, _erfc64 = _np_erf, _np_erfc
