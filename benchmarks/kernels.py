"""Forward + backward time of each elementwise NumPy kernel at 2^20 elements (and a size sweep), as ratios.

For every generic elementwise activation (see symderiv/emit/numpy_kernels.py), in float64 and
float32, one run measures (best of REPEAT, wall clock, the four interleaved):
  ours      generated/numpy kernel: NAME(x) + NAME_backward_from_output(g, NAME(x)) where it exists
            (as autograd does), else NAME_backward(g, x)
  lambdify  sympy.lambdify(x, expr / derivative, "numpy") of the same catalog expressions: f(x) + g*d(x)
  torch     torch.nn.functional.NAME forward + autograd backward, torch.set_num_threads(1) (when installed)
  floor     the kernel's own floor: the ufunc passes of its printed forward and backward bodies
            (counted in their source: each transcendental call timed as np.exp(x, out=y), each
            other array operation as np.add(x, 1, out=y), at n elements, in the same run)
and prints ours/lambdify, ours/torch and ours/floor, then geometric means. `--runs R` (default 3)
repeats the whole run R times and reports the median of each ratio (the machine may be loaded:
ratios measured in one run are what counts, not absolute times).
Targets (issue 13): geomean <= 1.6x torch in float64, <= 2.0x in float32, no kernel over 3.5x,
<= 0.5x lambdify, each kernel within 1.5x of its floor. `--sweep` then prints the geomeans for
sizes 2^12 ... 2^23 (each the median of R runs).

Run: python benchmarks/kernels.py [--n N] [--repeat R] [--runs R] [--sweep] [NAME ...]
The kernels are rendered from the catalog into a temporary folder (no generated/ needed).
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import inspect
import math
import statistics
import sys
import tempfile
import time

import numpy as np
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.catalog import load_catalog
from symderiv.emit.kernel_accuracy import elementwise, load_modules


def best(fns, repeat):
    """Best wall time of each closure (None stays None), interleaved round by round so load from
    other processes hits all of them alike."""
    times = [[] for _ in fns]
    for _ in range(repeat):
        for fn, ts in zip(fns, times):
            if fn is not None:
                t0 = time.perf_counter()
                fn()
                ts.append(time.perf_counter() - t0)
    return [min(ts) if ts else None for ts in times]


def torch_case(entry, x, g):
    """A closure running torch forward + backward for `entry`, or None without torch or a counterpart."""
    try:
        import torch
    except ImportError:
        return None
    if not entry.torch or len(entry.variables) != 1 or entry.kind != "activation":
        return None
    torch.set_num_threads(1)
    f = getattr(torch.nn.functional, entry.torch)
    dtype = torch.from_numpy(x).dtype
    kw = {entry.extra["variant_of"][1]: entry.extra["variant_of"][2]} if "variant_of" in entry.extra else {}
    kw.update({p.name: torch.tensor([float(p.default)], dtype=dtype) for p in entry.params if p.learnable})
    tx, tg = torch.from_numpy(x).clone().requires_grad_(True), torch.from_numpy(g)

    def run():
        tx.grad = None
        f(tx, **kw).backward(tg)

    return run


def lambdify_case(entry, x, g):
    subs = entry.defaults()
    modules = ["scipy", "numpy"] if importlib.util.find_spec("scipy") else ["numpy"]   # erf for gelu
    f = sp.lambdify(entry.var, entry.expr.subs(subs), modules)
    d = sp.lambdify(entry.var, derivative(entry).subs(subs), modules)

    def run():
        with np.errstate(all="ignore"):
            f(x)
            g * d(x)

    return run


def ours_case(mods, entry, x, g):
    mod = mods[entry.kind]
    f, b = getattr(mod, entry.name), getattr(mod, entry.name + "_backward")
    from_output = getattr(mod, entry.name + "_backward_from_output", None)

    def run():
        y = f(x)
        if from_output is not None:
            from_output(g, y)
        else:
            b(g, x)

    return run


def body_names(mod, entry):
    """The printed bodies `ours_case` runs: forward, then backward from the output or from x."""
    tail = "backward_from_output" if hasattr(mod, f"_{entry.name}_backward_from_output") else "backward"
    return f"_{entry.name}_forward", f"_{entry.name}_{tail}"


TRANSCENDENTAL = {"exp", "log", "log1p", "expm1", "tanh", "cosh", "sinh", "_erf", "_erfc", "erf", "erfc"}
UFUNCS = {"where", "maximum", "minimum", "abs", "_keep_nan", "_switch", "clip", "add", "subtract", "multiply", "divide",
          "negative", "positive", "square"}


def passes(fn, scalars=frozenset()) -> tuple:
    """(transcendental calls, other array operations) in the source of a kernel body `fn`.

    An operation counts when an operand is not a constant or a scalar parameter (1/6 is folded)."""
    def array_like(node):
        return not isinstance(node, ast.Constant) and not (isinstance(node, ast.Name) and node.id in scalars) \
            and not (isinstance(node, (ast.BinOp, ast.UnaryOp)) and all(not array_like(c) for c in ast.iter_child_nodes(node)
                                                                        if isinstance(c, ast.expr)))
    tree = ast.parse(inspect.getsource(fn))
    scalars = set(scalars)
    for node in ast.walk(tree):   # cse temporaries of scalars only (softplus: t0 = 1/beta) are scalars too
        if isinstance(node, ast.Assign) and not array_like(node.value):
            scalars.update(t.id for t in node.targets if isinstance(t, ast.Name))
    trans = other = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            trans += name in TRANSCENDENTAL
            other += name in UFUNCS
        elif isinstance(node, (ast.BinOp, ast.Compare)) and array_like(node):
            other += 1
        elif isinstance(node, ast.UnaryOp) and array_like(node.operand):
            other += 1
    return trans, other


def floor_case(mods, entry, x):
    """The floor of `entry`: its counted passes (`passes`) of np.exp and np.add at full size."""
    mod = mods[entry.kind]
    scalars = {p.name for p in entry.params if not p.learnable}   # the entry's scalar parameters
    trans, other = (sum(v) for v in zip(*(passes(getattr(mod, b), scalars) for b in body_names(mod, entry))))
    y = np.empty_like(x)

    def run():
        for _ in range(trans):
            np.exp(x, out=y)
        for _ in range(other):
            np.add(x, 1, out=y)

    return run


def gmean(values):
    values = [v for v in values if v is not None]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else float("nan")


def measure(mods, entries, n, repeat, verbose=False) -> dict:
    """{(name, dtype): (ours/lambdify, ours/torch, ours/floor)} at n elements."""
    rng = np.random.default_rng(0)
    ratios = {}
    for dtype in ("float64", "float32"):
        x = (4 * rng.standard_normal(n)).astype(dtype)
        g = rng.standard_normal(n).astype(dtype)
        for entry in entries:
            cases = [ours_case(mods, entry, x, g), lambdify_case(entry, x, g), torch_case(entry, x, g),
                     floor_case(mods, entry, x)]
            ours, lam, tt, floor = best(cases, repeat)
            r = (ours / lam, ours / tt if tt else None, ours / floor)
            ratios[(entry.name, dtype)] = r
            if verbose:
                print(f"{entry.name:14s} {dtype:8s} {1e3 * ours:8.2f} {1e3 * lam:9.2f} "
                      f"{1e3 * tt if tt else float('nan'):8.2f} {1e3 * floor:7.3f} {r[0]:10.2f} "
                      f"{r[1] if r[1] else float('nan'):7.2f} {r[2]:7.1f}", flush=True)
    return ratios


def median_ratios(mods, entries, n, repeat, runs, verbose=False) -> dict:
    """{(name, dtype): ratios}: the median over `runs` whole runs of each of `measure`'s ratios."""
    measured = [measure(mods, entries, n, repeat, verbose=verbose and r == runs - 1) for r in range(runs)]
    return {key: tuple(None if any(m[key][i] is None for m in measured)
                       else statistics.median(m[key][i] for m in measured) for i in range(3))
            for key in measured[0]}


def summary(ratios, n):
    out = {}
    for dtype in ("float64", "float32"):
        rs = [v for (name, d), v in ratios.items() if d == dtype]
        worst = max((v[1] or 0, name) for (name, d), v in ratios.items() if d == dtype)
        over = sum(1 for r in rs if r[2] > 1.5)
        out[dtype] = (gmean([r[0] for r in rs]), gmean([r[1] for r in rs]), worst, gmean([r[2] for r in rs]), over, len(rs))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2**20)
    ap.add_argument("--sweep", action="store_true", help="also geomeans for sizes 2^12 ... 2^23")
    ap.add_argument("--repeat", type=int, default=3, help="best of REPEAT calls per case")
    ap.add_argument("--runs", type=int, default=3, help="whole runs; each ratio is their median")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args(argv)
    catalog = load_catalog()
    entries = [e for e in elementwise(catalog) if e.kind == "activation" and len(e.variables) == 1
               and (not args.names or e.name in args.names)]
    with tempfile.TemporaryDirectory() as tmp:
        mods = load_modules(tmp, catalog)
        print(f"n = {args.n}, best of {args.repeat}; times in ms (of the last run); ratios are ours / other, "
              f"the median of {args.runs} runs")
        print(f"{'kernel':14s} {'dtype':8s} {'ours':>8s} {'lambdify':>9s} {'torch':>8s} {'floor':>7s}"
              f" {'/lambdify':>10s} {'/torch':>7s} {'/floor':>7s}")
        ratios = median_ratios(mods, entries, args.n, args.repeat, args.runs, verbose=True)
        print("median ratios:")
        for (name, dtype), r in ratios.items():
            print(f"{name:14s} {dtype:8s} {r[0]:10.2f} {r[1] if r[1] else float('nan'):7.2f} {r[2]:7.2f}")
        print_summary(summary(ratios, args.n), args.n)
        if args.sweep:
            print(f"\nsweep (median of {args.runs} runs): geomeans ours/torch (worst kernel), ours/lambdify, ours/floor")
            print(f"{'n':>6s} {'f64 /torch':>11s} {'worst':>18s} {'f32 /torch':>11s} {'worst':>18s} "
                  f"{'f64 /lam':>9s} {'f32 /lam':>9s} {'f64 /floor':>11s} {'f32 /floor':>11s}")
            for k in range(12, 24):
                s = summary(median_ratios(mods, entries, 2**k, args.repeat, args.runs), 2**k)
                a, b = s["float64"], s["float32"]
                print(f"{'2^' + str(k):>6s} {a[1]:11.2f} {a[2][0]:7.2f} {a[2][1]:>10s} {b[1]:11.2f} {b[2][0]:7.2f} "
                      f"{b[2][1]:>10s} {a[0]:9.2f} {b[0]:9.2f} {a[3]:11.2f} {b[3]:11.2f}", flush=True)
    return 0


def print_summary(s, n):
    for dtype, (lam, tt, worst, floor, over, count) in s.items():
        print(f"n = 2^{n.bit_length() - 1} {dtype}: ours/lambdify {lam:.2f}, ours/torch {tt:.2f} (worst {worst[0]:.2f} "
              f"{worst[1]}), ours/floor {floor:.2f} ({over} of {count} over 1.5)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
