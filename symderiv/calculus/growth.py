"""How a measured size grows: the degree of the polynomial that fits it, by finite differences.

Values v_1, ..., v_m at equally spaced points are a polynomial of degree k exactly when their k-th
differences are all equal (and not zero, for k > 0); `polynomial_degree` returns the smallest such k.

    >>> polynomial_degree([1, 8, 27, 64, 125, 216])     # i^3: third differences 6, 6, 6
    3
    >>> polynomial_degree([1, 2, 4, 8, 16, 32]) is None   # 2^i: no degree below 5 fits
    True
"""

from __future__ import annotations


def differences(values, k: int) -> list:
    """The k-th forward differences of `values`."""
    out = list(values)
    for _ in range(k):
        out = [b - a for a, b in zip(out, out[1:])]
    return out


def polynomial_degree(values, spare: int = 2):
    """The smallest k whose k-th differences are constant, with at least `spare` + 1 of them to compare
    (so the fit is checked, not just solved); None when no degree leaves that many."""
    values = list(values)
    for k in range(len(values) - spare):
        d = differences(values, k)
        if len(set(d)) == 1:
            return k
    return None


def degree_evidence(values, expected: int) -> dict:
    """Evidence for "`values` grow as a polynomial of degree `expected`": the degree fitted, the
    expected-th differences and their value."""
    degree = polynomial_degree(values)
    d = differences(values, expected)
    ev = {"holds": degree == expected, "degree": degree if degree is not None else "none",
          "expected_degree": expected, "differences": d, "constant": d[0], "values": list(values)}
    if not ev["holds"]:
        ev["counterexample"] = {"fitted_degree": ev["degree"], f"differences_{expected}": d}
    return ev
