"""The catalog: every activation, loss, regularizer and initializer as data.

`load_catalog()` returns a `Catalog`; `Catalog.get(name)` finds an entry or raises a one-line
error naming the closest names.
"""

from __future__ import annotations

from dataclasses import dataclass

from symderiv.catalog.activations import ACTIVATIONS
from symderiv.catalog.entry import KINDS, Entry, Kink, Param
from symderiv.catalog.initializers import INITIALIZERS
from symderiv.catalog.losses import LOSSES
from symderiv.catalog.regularizers import REGULARIZERS
from symderiv.errors import SymderivError, unknown

BUILTIN = ACTIVATIONS + LOSSES + REGULARIZERS + INITIALIZERS

__all__ = ["Catalog", "Entry", "Kink", "Param", "load_catalog", "BUILTIN", "KINDS"]


@dataclass(frozen=True)
class Catalog:
    """An ordered, name-unique collection of entries."""

    entries: tuple

    def __post_init__(self):
        names = [e.name for e in self.entries]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise SymderivError(f"duplicate catalog name(s): {', '.join(dupes)}")

    def get(self, name: str) -> Entry:
        for e in self.entries:
            if e.name == name:
                return e
        raise unknown("name", name, self.names())

    def names(self) -> list:
        return [e.name for e in self.entries]

    def of_kind(self, kind: str) -> tuple:
        return tuple(e for e in self.entries if e.kind == kind)

    def extended(self, extra) -> "Catalog":
        return Catalog(self.entries + tuple(extra))

    def __iter__(self):
        return iter(self.entries)


def load_catalog(spec: str | None = None) -> Catalog:
    """The built-in catalog, plus the user functions of a TOML `spec` file when given."""
    catalog = Catalog(BUILTIN)
    if spec is not None:
        from symderiv.catalog.spec import load_spec

        catalog = catalog.extended(load_spec(spec))
    return catalog
