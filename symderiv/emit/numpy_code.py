"""NumPy code from SymPy: the one place the NumPy printer is chosen."""

from sympy.printing.numpy import NumPyPrinter


def to_numpy(expr) -> str:
    """An expression as NumPy source (`numpy.` prefixed)."""
    return NumPyPrinter({"fully_qualified_modules": True}).doprint(expr)
