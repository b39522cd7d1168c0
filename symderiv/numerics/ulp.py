"""Errors in units in the last place (ulps) of a dtype, against high-precision references."""

from __future__ import annotations

import mpmath
import numpy as np

from symderiv.numerics.tolerances import DPS, TAIL


def ulp_errors(values, refs, x, dtype) -> np.ndarray:
    """|value - ref| in ulps of max(|ref|, floor) in `dtype`; floor = 1 for |x| <= TAIL, else the
    smallest normal number times 2^(mantissa bits) (exp(-100) in float32 is subnormal: its last bits are gone)."""
    with np.errstate(over="ignore"):
        ref_d = np.array([float(r) for r in refs]).astype(dtype)   # rounded to dtype (may be inf)
    vals = np.asarray(values, dtype=np.float64)
    info = np.finfo(dtype)
    tiny = float(info.tiny) * 2.0 ** info.nmant   # results this small have subnormal intermediates
    floor = np.where(np.abs(x) <= TAIL, 1.0, tiny)
    scale = np.maximum(np.abs(ref_d.astype(np.float64)), floor).astype(dtype)
    with np.errstate(all="ignore"):
        err = np.abs(vals - np.array([float(r) for r in refs]))
        err = np.where(vals == ref_d.astype(np.float64), 0.0, err)      # equal after rounding (incl. inf)
        ulp = np.spacing(scale).astype(np.float64)
        out = err / ulp
    return np.where(np.isnan(vals) != np.isnan(ref_d), np.inf, np.nan_to_num(out, nan=0.0, posinf=np.inf))


def conditions(refs_fn, pts) -> np.ndarray:
    """|x f'(x) / f(x)| per row (first variable) for tail points |x| > TAIL, 1 elsewhere (mpmath.diff).

    An intermediate rounded to relative eps (x/sqrt(2) in erfc) moves a result by cond * eps, so
    tail tolerances are in ulps times max(1, cond): gelu(-20) has cond ~ 400.
    """
    out = np.ones(len(pts))
    with mpmath.workdps(DPS * 10):   # the written form may cancel (1 + erf(-14)): as in `evaluate`
        for i, row in enumerate(pts):
            x0 = float(row[0])
            if not (TAIL < abs(x0) < 1e6):
                continue
            rest = [mpmath.mpf(float(v)) for v in row[1:]]
            try:
                f = refs_fn(mpmath.mpf(x0), *rest)
                d = mpmath.diff(lambda u: refs_fn(u, *rest), mpmath.mpf(x0))
                out[i] = max(1.0, float(abs(x0 * d / f))) if f != 0 else 1.0
            except (ZeroDivisionError, OverflowError, ValueError):
                pass
    return out
