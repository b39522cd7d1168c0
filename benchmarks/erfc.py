"""What one erfc costs at 2^20 elements, in ms and in np.exp passes: the kernels' `_erfc`, SciPy's
compiled erfc ufunc and PyTorch's vectorised one (single thread), where installed.

gelu's floor in benchmarks/kernels.py counts an erfc as one np.exp pass. NumPy has no erfc ufunc:
the kernels' erfc is t exp(P(w) - z^2) with P of 26 terms in float64 and 11 in float32
(symderiv/emit/kernel_erf.py), run in cache-sized blocks like the kernels; the array operations it
executes are counted here (every ufunc call on its arrays). This script shows what an erfc costs
where one exists as a single call.

Run: python benchmarks/erfc.py [--n N] [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import types

import numpy as np

from symderiv.catalog import load_catalog
from symderiv.emit.kernel_accuracy import load_modules


def best(fn, repeat) -> float:
    """Best wall time of `fn()` in ms over `repeat` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * min(times)


class _Counted(np.ndarray):
    """An array that counts the ufunc calls made on it (operators, numpy.f(...), in place or not)."""
    calls = 0

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kw):
        _Counted.calls += 1
        plain = [i.view(np.ndarray) if isinstance(i, _Counted) else i for i in inputs]
        if out is not None:
            getattr(ufunc, method)(*plain, out=tuple(o.view(np.ndarray) for o in out), **kw)
            return out[0]
        return getattr(ufunc, method)(*plain, **kw).view(_Counted)


def operations(erfc, dtype) -> int:
    """The array operations `erfc` executes on an input of `dtype` (its `numpy.asarray` keeps the counter)."""
    shim = types.SimpleNamespace(**{k: getattr(np, k) for k in dir(np) if not k.startswith("__")})
    shim.asarray = lambda a: np.asarray(a).view(_Counted)
    counted = types.FunctionType(erfc.__code__, {**erfc.__globals__, "numpy": shim})
    _Counted.calls = 0
    counted(np.linspace(-3, 3, 7).astype(dtype))
    return _Counted.calls


def blocked(fn, x, block_bytes):
    """`fn` over `x` in blocks of `block_bytes` (as the kernels run it)."""
    step = block_bytes // x.itemsize
    return lambda: [fn(x[i:i + step]) for i in range(0, x.size, step)]


def cases(mod, x) -> dict:
    """{name: closure} for the erfc implementations available here, and np.exp as the floor times it."""
    y = np.empty_like(x)
    out = {"np.exp (one pass)": lambda: np.exp(x, out=y), "kernels' _erfc": blocked(mod._erfc, x, mod._BLOCK_BYTES)}
    try:
        import scipy.special
        out["scipy.special.erfc"] = lambda: scipy.special.erfc(x)
    except ImportError:
        pass
    try:
        import torch
        torch.set_num_threads(1)
        tx = torch.from_numpy(x)
        out["torch.special.erfc"] = lambda: torch.special.erfc(tx)
    except ImportError:
        pass
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2**20)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        mod = load_modules(tmp, load_catalog())["activation"]
        tables = {"float64": mod._ERFC64, "float32": mod._ERFC32}
        print(f"n = {args.n}, best of {args.repeat}; ms and np.exp passes of the same dtype")
        for dtype, table in tables.items():
            x = (3 * np.random.default_rng(0).standard_normal(args.n)).astype(dtype)
            times = {name: best(fn, args.repeat) for name, fn in cases(mod, x).items()}
            one = times["np.exp (one pass)"]
            terms = len(table) - 3   # z_max, a, b, then P's coefficients
            print(f"{dtype}: the kernels' erfc: {terms} terms, {operations(mod._erfc, dtype)} array operations")
            for name, ms in times.items():
                print(f"  {name:22s} {ms:8.2f} ms {ms / one:7.1f} passes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
