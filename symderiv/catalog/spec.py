"""User-defined activations and losses from a TOML file (`--spec FILE.toml`).

```toml
[activation.mysoftplus]
expr = "log(1 + exp(beta*x))/beta"      # in x and the declared parameters
params = { beta = 1.0 }                  # name = default
description = "free text, escaped wherever it is printed"

[loss.myhuber]
expr = "where(abs(input - target) < delta, (input - target)**2/2, delta*(abs(input - target) - delta/2))"
params = { delta = { default = 1.0, low = 0.0, open_low = true, doc = "threshold" } }
kinks = [ { at = "target", value = "0" } ]   # optional: the derivative's value at a kink
```

- Expressions are parsed by `expr_parser.parse_expression` (a whitelist; never eval/sympify).
  Losses are written in `input` and `target` (the symbols y and t).
- A parameter is `name = number` or `name = { default, low, high, open_low, open_high, doc }`;
  the default must lie in the range.
- Kinks: points where the derivative jumps get a value automatically (see `spec_kinks`); an entry in
  `kinks` (`at`, `value`, and for losses `wrt = "input"|"target"`) overrides it at that point.
- Names (entries and parameters) are ASCII identifiers of at most 40 characters, not Python
  keywords or built-ins, not names of the catalog, the expression language (exp, max, pi, e...),
  the variables or the kernel modules' own names (np, grad_output, reduction, ...); entry names do
  not end in `_backward` or `_sample`; parameters are not named x, y, t, w or f (the calculus's symbols).
Every problem is one `SymderivError` line naming the file, the table and the key.
"""

from __future__ import annotations

import builtins
import keyword
import math
import re
import unicodedata
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from symderiv.catalog.entry import Entry, Kink, Param
from symderiv.catalog.expr_parser import CONSTANTS, FUNCTIONS, parse_expression
from symderiv.errors import SymderivError
from symderiv.symbols import t, y, x

MAX_FILE_BYTES = 256 * 1024
MAX_ENTRIES = 64
MAX_PARAMS = 16
MAX_DESCRIPTION = 300
MAX_ABS_PARAM = 1e12
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}\Z")
VARIABLES = {"activation": {"x": x}, "loss": {"input": y, "target": t}}
ENTRY_KEYS = {"expr", "params", "description", "kinks"}
PARAM_KEYS = {"default", "low", "high", "open_low", "open_high", "doc"}
# names the generated code and the symbol table already use
KERNEL_SUFFIXES = ("_backward", "_sample")   # the kernel modules define NAME_backward, NAME_sample
SYMBOLS = {"x", "y", "t", "w", "f"}   # symbol names used by the catalog and the calculus (parameters only)
RESERVED = ({"x", "input", "target", "np", "numpy", "scipy", "math", "special",
             "sympy", "mpmath", "torch", "grad_output", "reduction", "training", "rng", "axis", "dtype", "out"}
            | set(FUNCTIONS) | set(CONSTANTS) | set(dir(builtins)) | set(keyword.kwlist)
            | set(getattr(keyword, "softkwlist", ())))


def load_spec(path) -> tuple:
    """The user entries of the TOML file at `path`, in file order (activations, then losses)."""
    data = _read(Path(path))
    label = Path(path).name
    unknown = sorted(set(data) - set(VARIABLES))
    if unknown:
        raise SymderivError(f"{label}: unknown table [{_s(unknown[0])}] (allowed: [activation.NAME], [loss.NAME])")
    entries = []
    for kind in VARIABLES:
        tables = data.get(kind, {})
        if not isinstance(tables, dict):
            raise SymderivError(f"{label}: '{kind}' must be tables [{kind}.NAME]")
        for name, table in tables.items():
            entries.append(_entry(kind, name, table, f"{label}: {kind}.{_n(name)}"))
    if not entries:
        raise SymderivError(f"{label}: no [activation.NAME] or [loss.NAME] table")
    if len(entries) > MAX_ENTRIES:
        raise SymderivError(f"{label}: {len(entries)} entries (limit {MAX_ENTRIES})")
    _check_unique(entries, label)
    return tuple(entries)


def _read(path: Path) -> dict:
    try:
        if not path.is_file():   # a folder, a device (/dev/zero), a FIFO: refuse before reading
            raise SymderivError(f"cannot read spec {_s(str(path))}: "
                                f"{'no such file' if not path.exists() else 'not a regular file'}")
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
        raw = raw if len(raw) <= MAX_FILE_BYTES else None
    except OSError as exc:
        raise SymderivError(f"cannot read spec {_s(str(path))}: {exc.strerror or exc}") from None
    except ValueError as exc:   # e.g. an embedded NUL byte in the path
        raise SymderivError(f"cannot read spec: {exc}") from None
    if raw is None:
        raise SymderivError(f"{path.name}: spec file larger than {MAX_FILE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SymderivError(f"{path.name}: not UTF-8 (byte {exc.start + 1})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SymderivError(f"{path.name}: invalid TOML: {_oneline(str(exc))}") from None
    except RecursionError:
        raise SymderivError(f"{path.name}: invalid TOML: nested too deeply") from None


def _entry(kind, name, table, where) -> Entry:
    _check_name(name, f"{where}: name", entry=True)
    if not isinstance(table, dict):
        raise SymderivError(f"{where}: must be a table with expr, params, description")
    extra = sorted(set(table) - ENTRY_KEYS)
    if extra:
        raise SymderivError(f"{where}: unknown key {_s(extra[0])} (allowed: {', '.join(sorted(ENTRY_KEYS))})")
    if "expr" not in table:
        raise SymderivError(f"{where}: missing key 'expr'")
    params = _params(table.get("params", {}), f"{where}: params")
    names = dict(VARIABLES[kind]) | {p.name: p.symbol for p in params}
    expr = parse_expression(table["expr"], names, f"{where}: expr")
    description = _description(table.get("description", f"user-defined {kind}"), f"{where}: description")
    variables = tuple(VARIABLES[kind].values())
    from symderiv.catalog.spec_kinks import kinks_for

    kinks = kinks_for(expr, variables, params, kind, table.get("kinks", []), names, f"{where}: kinks")
    return Entry(name, kind, expr, variables, description, "user-defined (--spec)",
                 params=params, kinks=kinks, extra={"user": True})


def _check_name(name, where, entry=False):
    if not isinstance(name, str) or not NAME.match(name):
        raise SymderivError(f"{where}: {_s(str(name))} is not an identifier "
                            "(ASCII letter, then letters, digits, _; at most 40 characters)")
    if name in RESERVED or (entry and name.endswith(KERNEL_SUFFIXES)) or (not entry and name in SYMBOLS):
        raise SymderivError(f"{where}: {_s(name)} is reserved (a built-in, a keyword, a variable, "
                            "a function of the expression language or a kernel name)")


def _params(spec, where) -> tuple:
    if not isinstance(spec, dict):
        raise SymderivError(f"{where}: must be a table such as {{ beta = 1.0 }}")
    if len(spec) > MAX_PARAMS:
        raise SymderivError(f"{where}: {len(spec)} parameters (limit {MAX_PARAMS})")
    params = []
    for name, value in spec.items():
        here = f"{where}.{_n(name)}"
        _check_name(name, here)
        params.append(_param(name, value if isinstance(value, dict) else {"default": value}, here))
    return tuple(params)


def _param(name, spec, where) -> Param:
    extra = sorted(set(spec) - PARAM_KEYS)
    if extra:
        raise SymderivError(f"{where}: unknown key {_s(extra[0])} (allowed: {', '.join(sorted(PARAM_KEYS))})")
    if "default" not in spec:
        raise SymderivError(f"{where}: missing 'default'")
    num = {k: _number(spec[k], f"{where}.{k}") for k in ("default", "low", "high") if k in spec}
    flags = {k: spec[k] for k in ("open_low", "open_high") if k in spec}
    for k, v in flags.items():
        if not isinstance(v, bool):
            raise SymderivError(f"{where}.{k}: must be true or false")
    doc = _description(spec.get("doc", ""), f"{where}.doc")
    if "low" in num and "high" in num and num["low"] >= num["high"]:
        raise SymderivError(f"{where}: low={num['low']!r} is not below high={num['high']!r}")
    p = Param(name, num["default"], doc, low=num.get("low"), high=num.get("high"), **flags)
    p.validate(p.default, where)
    return p


def _number(value, where) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SymderivError(f"{where}: must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or abs(value) > MAX_ABS_PARAM:
        raise SymderivError(f"{where}: {value!r} is not a finite number of magnitude <= {MAX_ABS_PARAM:g}")
    return float(value)


def _description(text, where) -> str:
    if not isinstance(text, str):
        raise SymderivError(f"{where}: must be a string")
    if len(text) > MAX_DESCRIPTION:
        raise SymderivError(f"{where}: longer than {MAX_DESCRIPTION} characters")
    for i, ch in enumerate(text):
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            raise SymderivError(f"{where}: control or format character {ascii(ch)} at column {i + 1}")
    return text


def _check_unique(entries, label):
    from symderiv.catalog import BUILTIN

    taken = {e.name for e in BUILTIN}
    seen = set()
    for e in entries:
        if e.name in taken:
            raise SymderivError(f"{label}: {e.kind}.{e.name}: name clashes with the built-in catalog entry '{e.name}'")
        if e.name in seen:
            raise SymderivError(f"{label}: {e.kind}.{e.name}: name defined twice")
        seen.add(e.name)


def _oneline(text) -> str:
    return " ".join(text.split())[:200]


def _n(name) -> str:
    """A table key safe to show in a message (keys may be any string in TOML)."""
    return name if isinstance(name, str) and NAME.match(name) else _s(str(name))


def _s(text, n=40) -> str:
    return ascii(text if len(text) <= n else text[:n] + "...")
