"""Numerics at the bottom of the layers: mpmath evaluation, ulp measurement, tolerances.

Every layer above may import these modules; they import nothing of symderiv.
"""
