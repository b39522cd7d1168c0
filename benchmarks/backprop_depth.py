"""Cost of the derived backprop against depth: networks from a spec, and the scalar chain.

    python benchmarks/backprop_depth.py [--activation sigmoid] [--repeat 3] [--no-naive] [--network-only]

Networks: for 1, 8 and 64 layers of 8 units (the activation, an identity output layer, cross-entropy,
L2 on W1), the best-of-`repeat` CPU time of network_from_table + layered (the delta recursion) +
network_module (NumPy printing), each run from a cold SymPy cache; start-up (imports, the
catalog's derivatives) is paid by a warm-up run first. Target: time(64) / time(8) <= 10.

Prints, for depths 8, 32, 128, 256, the best-of-`repeat` CPU time (time.process_time; each run from a cold SymPy cache) of scalar_chain (per-layer
symbols and the delta recursion) + chain_blocks (cse per layer) + chain_module (NumPy printing
and the template), the number of operations in the emitted body, time(256) / time(32)
(target <= 10) and whether depth 256 takes under 5 s. For contrast, the naive route: build the
fully nested expression and call sympy.diff for every weight, at small depths only.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time

import sympy as sp
from sympy.core.cache import clear_cache

from symderiv.calculus import backprop
from symderiv.calculus.backprop import chain_blocks, layered, scalar_chain
from symderiv.calculus.network_spec import network_from_table
from symderiv.catalog import load_catalog
from symderiv.emit.backprop_code import chain_module, stable_chain
from symderiv.emit.network_code import description, network_module

DEPTHS = (8, 32, 128, 256)
NETWORK_DEPTHS = (1, 8, 64)
NAIVE_DEPTHS = (2, 4, 8, 12)


def derived(depth, activation):
    """Seconds for derivation + cse + emission, and the emitted body's op count.

    Every run starts cold: the chain cache and SymPy's expression cache are cleared, so a
    repeat does not profit from the previous run (a small depth would otherwise fit in SymPy's
    cache and look faster than it is).
    """
    backprop._scalar_chain.cache_clear()
    clear_cache()
    gc.collect()
    start = time.process_time()
    chain = scalar_chain(depth, activation)
    chain_module(chain, "benchmark")          # runs chain_blocks (cse per layer) and prints
    seconds = time.process_time() - start
    return seconds, sum(sp.count_ops(e) for _, e in chain_blocks(stable_chain(chain)))


def network_table(depth, activation):
    """A spec table: `depth` dense layers of 8 units, the activation between them, cross-entropy, L2 on W1."""
    layers = [{"units": 8, "activation": activation} for _ in range(depth - 1)] + [{"units": 4, "activation": "identity"}]
    return {"inputs": 8, "layers": layers, "loss": "cross_entropy",
            "regularizers": [{"kind": "l2", "on": "kernel", "layer": 1, "lambda": 1e-4}]}


def network_seconds(depth, activation):
    """CPU seconds for spec -> Network -> layered derivation -> emitted module, and the module's line count."""
    clear_cache()
    gc.collect()
    start = time.process_time()
    lay = layered(network_from_table(load_catalog(), f"depth{depth}", network_table(depth, activation)))
    text = network_module(lay, "benchmark", description(lay))
    return time.process_time() - start, text.count("\n")


def networks(activation, repeat):
    network_seconds(2, activation)   # warm-up: imports, the catalog, derivative() of the activation
    print(f"network, activation {activation}: spec + layered + emitted module, CPU seconds (best of {repeat})")
    print(f"{'layers':>6} {'seconds':>9} {'lines':>7} {'ms/layer':>9}")
    times = {}
    for depth in NETWORK_DEPTHS:
        runs = [network_seconds(depth, activation) for _ in range(repeat)]
        times[depth] = min(r[0] for r in runs)
        print(f"{depth:>6} {times[depth]:>9.3f} {runs[0][1]:>7} {1000 * times[depth] / depth:>9.1f}")
    ratio = times[64] / times[8]
    print(f"time(64) / time(8) = {ratio:.2f} (target <= 10; linear would be 8)")
    return ratio <= 10


def calls(depth, activation):
    """Python function calls made by derivation + cse + emission (deterministic, load-independent)."""
    backprop._scalar_chain.cache_clear()
    clear_cache()
    profile = cProfile.Profile()
    profile.enable()
    chain_module(scalar_chain(depth, activation), "benchmark")
    profile.disable()
    return pstats.Stats(profile).total_calls


def naive(depth, activation):
    """Seconds to build the nested expression and sympy.diff it for every weight and bias."""
    entry = load_catalog().get(activation)
    f = entry.expr.subs(entry.defaults())
    x, t = sp.symbols("x t", real=True)
    w = sp.symbols(f"w_1:{depth + 1}", real=True)
    b = sp.symbols(f"b_1:{depth + 1}", real=True)
    start = time.process_time()
    a = x
    for l in range(depth):
        a = f.subs(entry.var, w[l] * a + b[l])
    loss = (t - a) ** 2 / 2
    grads = [sp.diff(loss, p) for p in w + b]
    seconds = time.process_time() - start
    return seconds, sum(sp.count_ops(g) for g in grads)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--activation", default="sigmoid")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--no-naive", action="store_true", help="skip the naive contrast")
    p.add_argument("--network-only", action="store_true", help="only the network table")
    args = p.parse_args(argv)
    net_ok = networks(args.activation, args.repeat)
    if args.network_only:
        print("targets met" if net_ok else "TARGETS NOT MET")
        return 0 if net_ok else 1
    derived(2, args.activation)   # warm-up: imports, the catalog, derivative() of the activation
    print(f"scalar chain, activation {args.activation}: derivation + cse + emission, CPU seconds (best of {args.repeat})")
    print(f"{'depth':>6} {'seconds':>9} {'ops':>7} {'ops/depth':>9}")
    times = {}
    for depth in DEPTHS:
        runs = [derived(depth, args.activation) for _ in range(args.repeat)]
        times[depth] = min(r[0] for r in runs)
        ops = runs[0][1]
        print(f"{depth:>6} {times[depth]:>9.3f} {ops:>7} {ops / depth:>9.2f}")
    ratio = times[256] / times[32]
    print(f"time(256) / time(32) = {ratio:.2f} (target <= 10; linear would be 8)")
    n32, n256 = calls(32, args.activation), calls(256, args.activation)
    print(f"Python calls: {n32} at depth 32, {n256} at depth 256, ratio {n256 / n32:.2f} (work; load-independent)")
    print(f"depth 256: {times[256]:.3f} s (target < 5 s)")
    ok = ratio <= 10 and times[256] < 5 and net_ok
    if not args.no_naive:
        print("naive: nested expression + sympy.diff for every weight and bias")
        print(f"{'depth':>6} {'seconds':>9} {'ops':>9}")
        for depth in NAIVE_DEPTHS:
            seconds, ops = naive(depth, args.activation)
            print(f"{depth:>6} {seconds:>9.3f} {ops:>9}")
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
