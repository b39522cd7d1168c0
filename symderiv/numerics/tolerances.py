"""The tolerances every check uses, in one table.

- ``DPS``: working precision of the mpmath references, in decimal digits.
- ``REF_TOL``: |derivative - mpmath.diff| relative to max(1, |value|).
- ``FD_TOL``: float64 central differences, relative to max(1, |value|).
- ``ULPS``: error allowed of a NumPy kernel, in ulps of max(|reference|, floor), keyed by dtype.
- ``TAIL``: |x| beyond which a kernel must be relatively accurate (no absolute floor of 1).
"""

DPS = 40
REF_TOL = 1e-25
FD_TOL = 1e-6
KINK_MARGIN = 1e-3          # sample points stay this far from kinks
AGREE_DIGITS = 25           # two mpmath evaluations agree when they match to this many digits
ULPS = {"float64": 64, "float32": 16}
TAIL = 8.0
