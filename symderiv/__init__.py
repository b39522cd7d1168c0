"""symderiv: derive neural-network mathematics with SymPy, verify it numerically, emit LaTeX and NumPy."""

__version__ = "0.1.0"
