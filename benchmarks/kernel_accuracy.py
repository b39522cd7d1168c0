"""Max ulp error of every generic elementwise NumPy kernel against the mpmath-evaluated catalog.

Run: python benchmarks/kernel_accuracy.py    (prints two tables; see symderiv/emit/kernel_accuracy.py
for the points and the error measure: ulps of max(|ref|, 1) for |x| <= 8, of |ref| beyond; then the
relative error of every NAME_backward_from_output by region of x).
"""

import sys
import tempfile

from symderiv.catalog import load_catalog
from symderiv.emit.kernel_accuracy import FROM_OUTPUT_REGIONS, elementwise, from_output_errors, kernel_errors, load_modules


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
        print("\nNAME_backward_from_output(1, NAME(x)) against f'(x) by mpmath: max relative error for x in")
        print(f"{'kernel':12s} {'dtype':8s} " + " ".join(f"{f'[{lo:g}, {hi:g}]':>11s}" for lo, hi in FROM_OUTPUT_REGIONS))
        for entry in elementwise(catalog):
            if not hasattr(mods[entry.kind], entry.name + "_backward_from_output"):
                continue
            for dtype in ("float64", "float32"):
                errs = from_output_errors(mods, entry, dtype)
                print(f"{entry.name:12s} {dtype:8s} " + " ".join(f"{errs[r]:11.2g}" for r in FROM_OUTPUT_REGIONS), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
