"""Regenerate `records.json`: `python -m symderiv.catalog.references [--check]` (needs torch and jax).

Every catalog entry with a PyTorch counterpart (`Entry.torch`) is evaluated by PyTorch (float64,
autograd) at the points of `symderiv.catalog.references.points`, at PyTorch's defaults and at one
other setting; JAX likewise where `jax.nn` has the function and takes the parameters. `--check`
exits 1 when the committed file differs from a fresh recording.
"""

from __future__ import annotations

import json
import sys

import jax
import numpy as np
import torch

from symderiv.catalog import load_catalog
from symderiv.catalog.references import OTHER, PATH, differentiated, points

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402  (after enabling float64)

F = torch.nn.functional
JAX_NAMES = {"softsign": "soft_sign", "hardtanh": "hard_tanh", "hardsigmoid": "hard_sigmoid",
             "hardswish": "hard_swish", "logsigmoid": "log_sigmoid"}   # torch.nn.functional name -> jax.nn name


def torch_defaults(entry) -> dict:
    """PyTorch's own defaults for the entry's parameters: the attributes of a fresh torch.nn module."""
    if not entry.params:
        return {}
    name = entry.torch.replace("_", "")
    cls = next(c for n, c in vars(torch.nn).items() if n.lower() == name and isinstance(c, type))
    module = cls()
    value = lambda v: float(v.detach().reshape(-1)[0]) if isinstance(v, torch.Tensor) else float(v)
    return {p.name: value(getattr(module, p.name)) for p in entry.params}


def torch_call(entry, params):
    """f(inputs tensor) -> outputs tensor, the PyTorch counterpart at `params`."""
    fn, kw, n = getattr(F, entry.torch), dict(entry.extra.get("torch_kwargs", {})), len(differentiated(entry))
    if entry.torch == "prelu":
        return lambda v: fn(v, torch.tensor([params["weight"]], dtype=torch.float64))
    kw.update(params)
    if entry.kind == "loss" and n > 1:
        return lambda v: fn(v[:n].reshape(1, n), v[n:].reshape(1, n), reduction="none", **kw).reshape(1)
    if entry.kind == "loss":
        return lambda v: fn(v[:1], v[1:], reduction="none", **kw)
    if entry.is_vector:
        return lambda v: fn(v, dim=-1, **kw)
    return lambda v: fn(v, **kw)


def jax_call(entry, params):
    """f(inputs array) -> outputs, the jax.nn counterpart, or None where JAX has no such function."""
    fn = getattr(jax.nn, JAX_NAMES.get(entry.torch, entry.torch), None)
    if fn is None or entry.kind != "activation":
        return None
    kw = dict(params)
    if entry.torch == "gelu":
        kw["approximate"] = entry.extra.get("torch_kwargs", {}).get("approximate") == "tanh"
    try:
        fn(jnp.zeros(len(entry.variables)), **kw)
    except TypeError:      # JAX's function does not take these parameters
        return None
    return lambda v: fn(v, **kw) if entry.is_vector else fn(v, **kw).reshape(-1)


def _torch_row(f, inputs, n):
    v = torch.tensor(inputs, dtype=torch.float64, requires_grad=True)
    out = f(v).reshape(-1)
    grad = [[float(g) for g in torch.autograd.grad(o, v, retain_graph=True)[0][:n]] for o in out]
    return [float(o) for o in out.detach()], grad


def _jax_row(f, inputs, n):
    v = jnp.array(inputs, dtype=jnp.float64)
    return [float(o) for o in f(v)], [[float(g) for g in row[:n]] for row in jax.jacfwd(f)(v)]


def setting(entry, params, make, row):
    """One setting: the parameters and a row per point, or None where the library has no counterpart."""
    f = make(entry, params)
    if f is None:
        return None
    n = len(differentiated(entry))
    rows = []
    for inputs, kind in points(entry, params):
        out, grad = row(f, inputs, n)
        rows.append([inputs, out, grad, kind])
    return {"params": params, "rows": rows}


def entry_record(entry) -> dict:
    """{library: [settings]} for one entry: the library's defaults, then one other setting."""
    defaults = torch_defaults(entry)
    other = {k: OTHER(v) for k, v in defaults.items() if entry.param(k).symbolic}
    settings = [defaults] + ([{**defaults, **other}] if other else [])
    out = {"torch": [setting(entry, p, torch_call, _torch_row) for p in settings]}
    jx = [s for s in (setting(entry, p, jax_call, _jax_row) for p in settings) if s is not None]
    if jx:
        out["jax"] = jx
    return out


def record() -> dict:
    catalog = load_catalog()
    entries = {e.name: entry_record(e) for e in catalog if e.torch and e.kind in ("activation", "loss")}
    return {"versions": {"torch": torch.__version__, "jax": jax.__version__}, "entries": entries}


def dumps(rec) -> str:
    return json.dumps(rec, indent=None, sort_keys=True, separators=(",", ":")).replace('},"', '},\n"') + "\n"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = dumps(record())
    if "--check" in argv:
        current = PATH.read_text(encoding="utf-8") if PATH.is_file() else ""
        if current != text:
            print(f"{PATH.name} is not current: run python -m symderiv.catalog.references", file=sys.stderr)
            return 1
        return 0
    PATH.write_text(text, encoding="utf-8")
    print(f"wrote {PATH} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
