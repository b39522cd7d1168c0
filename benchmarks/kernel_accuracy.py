"""Max ulp error of every generic elementwise NumPy kernel against the mpmath-evaluated catalog.

Run: python benchmarks/kernel_accuracy.py    (prints a table; see symderiv/verify/kernels.py for
the points and the error measure: ulps of max(|ref|, 1) for |x| <= 8, of |ref| beyond).
"""

import sys
import tempfile

from symderiv.catalog import load_catalog
from symderiv.emit.kernel_accuracy import elementwise, kernel_errors, load_modules


def main() -> int:
    catalog = load_catalog()
    with tempfile.TemporaryDirectory() as tmp:
        mods = load_modules(tmp, catalog)
        print("max ulp error (in parentheses: ulps / max(1, condition number), what the tests bound)")
        print(f"{'kernel':34s} {'f64 fwd':>16s} {'f64 bwd':>16s} {'f32 fwd':>16s} {'f32 bwd':>16s}")
        for entry in elementwise(catalog):
            e64, e32 = kernel_errors(mods, entry, "float64"), kernel_errors(mods, entry, "float32")
            cells = [e64["forward"], e64["backward"], e32["forward"], e32["backward"]]
            print(f"{entry.name:34s} " + " ".join(f"{c[0]:7.3g} ({c[1]:6.3g})" for c in cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
