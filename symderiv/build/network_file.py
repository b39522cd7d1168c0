"""Reading a network spec file (`symderiv network SPEC.toml`): the file is read here, parsed in
`symderiv.calculus.network_spec`."""

from __future__ import annotations

from pathlib import Path

from symderiv.calculus.network_spec import networks_from_toml, pick
from symderiv.errors import SymderivError


def read_network(path, catalog, name=None):
    """The network `name` (or the only one) of the TOML file `path`; a one-line SymderivError otherwise."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except OSError as exc:
        raise SymderivError(f"cannot read {p}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SymderivError(f"{p}: not UTF-8 text") from None
    return pick(networks_from_toml(catalog, text, where=str(p)), name, where=str(p))
