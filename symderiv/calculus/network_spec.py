"""Networks as data: a ``[network.NAME]`` table (TOML or the same structure from Python) -> `Network`.

    [network.digits]
    inputs = 64
    layers = [ { units = 32, activation = "tanh" },
               { units = 32, activation = "leaky_relu", negative_slope = 0.1 },
               { units = 10, activation = "identity" } ]
    loss = "cross_entropy"                 # any catalog loss
    [[network.digits.regularizers]]        # any number of them
    kind = "l2"                            # l1 | l2
    on = "kernel"                          # kernel (W) | bias (b) | activity (the pre-activation z)
    layer = 1
    lambda = 1e-4

Layer l (1-based) is z_l = a_(l-1) W_l^T + b_l, a_l = f_l(z_l) with a_0 = x: arrays ``x, z1, a1, ...``,
parameters ``W1, b1, ...``. Activations: any scalar catalog activation with its parameters (the rest
at their defaults); a vector one (softmax, log_softmax) as the last layer only. Every mistake raises
a one-line `SymderivError` naming the key and the valid choices.

Example::

    >>> from symderiv.catalog import load_catalog
    >>> net = network_from_table(load_catalog(), "tiny", {"inputs": 2, "loss": "mse",
    ...     "layers": [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "identity"}]})
    >>> net.parameters
    ('W1', 'b1', 'W2', 'b2')
"""

from __future__ import annotations

import tomllib

from symderiv.calculus.network import Activation, Dense, Network, Regularizer, Rowwise
from symderiv.errors import SymderivError, unknown

NETWORK_KEYS = ("inputs", "layers", "loss", "regularizers")
REGULARIZER_KEYS = ("kind", "on", "layer", "lambda")


def networks_from_toml(catalog, text: str, where: str = "spec") -> dict:
    """{name: Network} of every ``[network.NAME]`` table of the TOML `text` (`where` names it in errors)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SymderivError(f"{where}: not valid TOML: {exc}") from None
    extra = sorted(set(data) - {"network"})
    if extra:
        raise SymderivError(f"{where}: unknown table '{extra[0]}'; valid: network")
    tables = data.get("network")
    if not isinstance(tables, dict) or not tables:
        raise SymderivError(f"{where}: no [network.NAME] table")
    return {name: network_from_table(catalog, name, table) for name, table in tables.items()}


def pick(networks: dict, name: str | None, where: str = "spec") -> Network:
    """The network `name`, or the only one when `name` is None."""
    if name is None:
        if len(networks) > 1:
            raise SymderivError(f"{where}: {len(networks)} networks; choose one with --name: {', '.join(networks)}")
        return next(iter(networks.values()))
    if name not in networks:
        raise unknown("network", name, list(networks))
    return networks[name]


def network_from_table(catalog, name: str, table: dict) -> Network:
    """A `Network` from one ``[network.NAME]`` table (see the module docstring)."""
    at = f"network.{name}"
    _keys(table, NETWORK_KEYS, at, required=("inputs", "layers", "loss"))
    inputs = _count(table["inputs"], f"{at}.inputs")
    specs = table["layers"]
    if not isinstance(specs, list) or not specs:
        raise SymderivError(f"{at}.layers: expected a non-empty list of {{ units, activation, ... }} tables")
    loss = _entry(catalog, table["loss"], "loss", f"{at}.loss")
    regs = [_regularizer(catalog, r, len(specs), f"{at}.regularizers[{i}]", i + 1)
            for i, r in enumerate(_tables(table.get("regularizers", []), f"{at}.regularizers"))]
    layers, widths, prev = [], [("x", inputs)], "x"
    for l, spec in enumerate(specs, 1):
        where = f"{at}.layers[{l - 1}]"
        if not isinstance(spec, dict):
            raise SymderivError(f"{where}: expected a table {{ units = ..., activation = ... }}")
        units = _count(spec.get("units"), f"{where}.units")
        mine = {on: tuple(r for layer, o, r in regs if layer == l and o == on) for on in ("kernel", "bias", "activity")}
        layers.append(Dense(f"W{l}", f"b{l}", prev, f"z{l}", kernel_regularizers=mine["kernel"],
                            bias_regularizers=mine["bias"], activity_regularizers=mine["activity"]))
        layers.append(_activation(catalog, spec, f"z{l}", f"a{l}", l == len(specs), where))
        widths += [(f"z{l}", units), (f"a{l}", units)]
        prev = f"a{l}"
    return Network(name=name, input="x", target="t", layers=tuple(layers), loss=loss, widths=tuple(widths))


def _keys(table, valid, at, required=()):
    if not isinstance(table, dict):
        raise SymderivError(f"{at}: expected a table")
    for key in table:
        if key not in valid:
            raise SymderivError(f"{at}: unknown key '{key}'; valid: {', '.join(valid)}")
    for key in required:
        if key not in table:
            raise SymderivError(f"{at}: missing key '{key}' (keys: {', '.join(valid)})")


def _count(value, at):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise SymderivError(f"{at}: expected a whole number >= 1, got {value!r}")
    return value


def _tables(value, at):
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SymderivError(f"{at}: expected a list of tables ([[...regularizers]])")
    return value


def _entry(catalog, name, kind, at, ok=lambda e: True, what=None):
    valid = [e.name for e in catalog.of_kind(kind) if ok(e)]
    if not isinstance(name, str) or name not in valid:
        raise SymderivError(f"{at}: {unknown(what or kind, str(name), valid)}")
    return catalog.get(name)


def _activation(catalog, spec, inputs, outputs, last, where):
    """The layer's activation: element-wise with fixed parameter values, or row-wise (last layer only)."""
    def usable(e):
        return (not e.is_vector and len(e.variables) == 1) or (last and e.is_vector)

    name = spec.get("activation")
    vector = [e.name for e in catalog.of_kind("activation") if e.is_vector]
    if name in vector and not last:
        raise SymderivError(f"{where}.activation: '{name}' acts on a whole layer ({', '.join(vector)}): only as "
                            "the last layer's activation; hidden layers take an element-wise one (e.g. tanh)")
    entry = _entry(catalog, name, "activation", f"{where}.activation", usable)
    names = [p.name for p in entry.symbolic_params]
    _keys(spec, ("units", "activation", *names), where, required=("units", "activation"))
    if entry.is_vector:
        return Rowwise(entry, inputs, outputs)
    values = []
    for p in entry.symbolic_params:
        value = spec.get(p.name, p.default)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise SymderivError(f"{where}.{p.name}: expected a number, got {value!r}")
        values.append((p.name, p.validate(float(value), f"{where}.{p.name} ({entry.name})")))
    return Activation(entry, inputs, outputs, tuple(values))


def _regularizer(catalog, table, n_layers, at, index):
    """(layer, placement, Regularizer) of one [[regularizers]] table; the coefficient is named lambda_<index>."""
    _keys(table, REGULARIZER_KEYS, at, required=REGULARIZER_KEYS)
    entry = _entry(catalog, table["kind"], "regularizer", f"{at}.kind", lambda e: "placements" in e.extra,
                   "regularizer kind")
    placements = entry.extra["placements"]
    if table["on"] not in placements:
        raise SymderivError(f"{at}.on: {unknown('placement', str(table['on']), placements)}")
    layer = table["layer"]
    if not isinstance(layer, int) or isinstance(layer, bool) or not 1 <= layer <= n_layers:
        raise SymderivError(f"{at}.layer: expected a layer number in 1..{n_layers}, got {layer!r}")
    value = table["lambda"]
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise SymderivError(f"{at}.lambda: expected a number >= 0, got {value!r}")
    (param,) = entry.symbolic_params
    value = param.validate(float(value), f"{at}.lambda")
    return layer, table["on"], Regularizer(entry, f"lambda_{index}", value)
