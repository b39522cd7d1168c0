"""A content-addressed cache of build results, with the dependencies each result recorded.

A result is stored under the SHA-256 of its *static* key: the toolkit's own source, the library
versions and the task's name and inputs (a document's source, for example). With it are stored
the catalog entries the task read (recorded by `RecordingCatalog`) and their fingerprints; a stored
result is served only while every one of those fingerprints is unchanged, so editing one catalog
entry re-runs exactly the tasks that read it, and nothing stale is ever served.

Files are written atomically; a damaged one is a miss. `Cache(None)` is off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import symderiv
from symderiv.catalog import Catalog

LIBRARIES = ("sympy", "numpy", "mpmath", "jinja2", "scipy")
CATALOG_DATA = ("activations.py", "losses.py", "regularizers.py", "initializers.py")   # fingerprinted per entry
FORMAT = 1


@lru_cache(maxsize=1)
def toolkit_hash() -> str:
    """SHA-256 of symderiv's source and templates (the catalog's entry modules excepted: their
    entries are fingerprinted one by one), the Python and library versions."""
    root = Path(symderiv.__file__).parent
    h = hashlib.sha256(f"format {FORMAT} python {sys.version_info[:3]}".encode())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib} {metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} absent".encode())
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and path.suffix in (".py", ".jinja") and not rel.startswith("lectures/") \
                and not (rel.startswith("catalog/") and path.name in CATALOG_DATA):
            h.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def fingerprint(entry) -> str:
    """SHA-256 of everything an entry is (its dataclass repr: expression, parameters, kinks, extra)."""
    return hashlib.sha256(repr(entry).encode()).hexdigest()


@dataclass(frozen=True)
class RecordingCatalog(Catalog):
    """A Catalog that notes which entries are read: a name per `get`, a kind per `of_kind`, "*" for all."""

    read: set = field(default_factory=set, compare=False, hash=False, repr=False)

    def get(self, name):
        self.read.add(name)
        return super().get(name)

    def of_kind(self, kind):
        self.read.add(f"kind:{kind}")
        return super().of_kind(kind)

    def names(self):
        self.read.add("*")
        return super().names()

    def __iter__(self):
        self.read.add("*")
        return super().__iter__()


def dependency_prints(catalog: Catalog, read) -> dict:
    """{dependency: fingerprint} for what a task read (a missing name has fingerprint "absent")."""
    by_name = {e.name: e for e in catalog.entries}
    out = {}
    for dep in sorted(read):
        if dep == "*":
            chosen = catalog.entries
        elif dep.startswith("kind:"):
            chosen = tuple(e for e in catalog.entries if e.kind == dep[5:])
        else:
            chosen = (by_name[dep],) if dep in by_name else ()
        out[dep] = hashlib.sha256("".join(fingerprint(e) for e in chosen).encode()).hexdigest() if chosen else "absent"
    return out


def key(*parts) -> str:
    """The static key of a task: the toolkit hash and the task's own parts."""
    h = hashlib.sha256(toolkit_hash().encode())
    for p in parts:
        h.update(b"\0" + (p if isinstance(p, bytes) else str(p).encode()))
    return h.hexdigest()


@dataclass(frozen=True)
class Cache:
    """Values under `<folder>/<k[:2]>/<k>.<prints hash>.pickle`, with `<k>.index` listing the sets of
    dependencies stored values of key `k` recorded: a value is found by the current fingerprints of
    one such set, so switching an entry back and forth serves both versions."""

    folder: Path | None

    def get(self, k: str, catalog: Catalog):
        """The value stored for key `k` whose recorded dependencies are unchanged in `catalog`, else None."""
        for read in self._load(self._index(k)) or ():
            value = self._load(self._value(k, dependency_prints(catalog, read)))
            if value is not None:
                return value[0]
        return None

    def put(self, k: str, catalog: Catalog, read, value) -> None:
        if self.folder is None:
            return
        read = frozenset(read)
        self._store(self._value(k, dependency_prints(catalog, read)), (value,))
        index = self._load(self._index(k)) or set()
        if read not in index:
            self._store(self._index(k), index | {read})

    def timings(self) -> dict:
        """{task name: CPU seconds} of the tasks' last runs with this cache (to start the longest first)."""
        return (self._load(self.folder / "timings.pickle") if self.folder is not None else None) or {}

    def put_timings(self, seconds: dict) -> None:
        if self.folder is not None and seconds:
            self._store(self.folder / "timings.pickle", {**self.timings(), **seconds})

    def _index(self, k):
        return None if self.folder is None else self.folder / k[:2] / f"{k}.index"

    def _value(self, k, prints):
        digest = hashlib.sha256(repr(sorted(prints.items())).encode()).hexdigest()[:32]
        return None if self.folder is None else self.folder / k[:2] / f"{k}.{digest}.pickle"

    @staticmethod
    def _load(path):
        """The unpickled content of `path`, or None (absent, truncated or foreign: a miss, never an error)."""
        try:
            return pickle.loads(path.read_bytes()) if path is not None and path.is_file() else None
        except Exception:
            return None

    @staticmethod
    def _store(path, content) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(content, fh, protocol=4)
            os.replace(tmp, path)
        except OSError:   # an unwritable cache slows the next build, it does not fail this one
            pass
