"""Measured references: what PyTorch and JAX compute for the catalog's entries, recorded as data.

`records.json` (committed, written by `python -m symderiv.catalog.references`, which needs torch
and jax) holds, per entry and library, one or two *settings* (the library's defaults and one other
parameter setting), each with the parameters used and rows ``[inputs, outputs, gradient, kind]``:
``inputs`` the point, ``outputs`` the library's forward values, ``gradient`` the matrix
d output_i / d input_j over the differentiated inputs (float64 autograd), ``kind`` one of
``random``, ``kink``, ``extreme``. Floats are Python reprs (exact doubles). The package never imports
torch or jax: claims compare the catalog with these records (`symderiv.verify.reference_claims`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import sympy as sp

PATH = Path(__file__).with_name("records.json")
N_RANDOM = 12                 # seeded random points per setting
EXTREMES = (-50.0, -12.0, 12.0, 50.0)


def OTHER(default: float) -> float:
    """The second parameter setting recorded, from the library's default (1.5 d + 0.1)."""
    return round(1.5 * default + 0.1, 6)


@lru_cache(maxsize=None)
def records() -> dict:
    """The committed records ({} when the file is absent)."""
    if not PATH.is_file():
        return {}
    return json.loads(PATH.read_text(encoding="utf-8"))


def differentiated(entry) -> tuple:
    """The variables the records give gradients for: a loss's inputs, every variable of an activation."""
    if entry.kind == "loss":
        return tuple(entry.extra.get("inputs", (entry.var,)))
    return tuple(entry.variables)


def exact(value) -> sp.Rational:
    """A float as the exact rational it stores (so the catalog sees the library's double exactly)."""
    return sp.Rational(float(value))


def setting_subs(entry, params: dict) -> dict:
    """{parameter symbol: exact value} for the catalog's symbolic parameters named in `params`."""
    return {p.symbol: exact(params[p.name]) for p in entry.symbolic_params if p.name in params}


def points(entry, params: dict, seed: int = 0) -> list:
    """[(inputs, kind)]: seeded random points, the kinks at this setting, the extremes."""
    rng = np.random.default_rng(seed)
    diff, rest = differentiated(entry), [v for v in entry.variables if v not in differentiated(entry)]
    rows = []
    for _ in range(N_RANDOM):
        xs = [round(float(v), 6) for v in 3 * rng.standard_normal(len(diff))]
        ts = [round(float(v), 6) for v in rng.uniform(0.05, 0.95, len(rest))]
        if len(ts) > 1:
            ts = [round(v / sum(ts), 6) for v in ts]
        rows.append((xs + ts, "random"))
    if len(entry.variables) == 1:
        subs = setting_subs(entry, params)
        for k in entry.kinks:
            rows.append(([float(sp.sympify(k.at).subs(subs))], "kink"))
        rows += [([v], "extreme") for v in EXTREMES]
    return rows
