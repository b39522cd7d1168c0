"""Lecture documents: one Python file each in the top-level `derivations/` folder.

A document file `derivations/NN_name.py` defines

    TITLE = "Its title"
    def document(catalog) -> symderiv.derivations.blocks.Document

Its name is `name` (the file name without the number that orders the documents). The claims
in its `ClaimBox`es get the id `name.<their id>` and `document=name`; `document_claims` hands
them to the verification registry, and the LaTeX emitter prints each with its result.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from symderiv.derivations.blocks import ClaimBox, Document, Section
from symderiv.errors import unknown

FOLDER = Path(__file__).resolve().parents[2] / "derivations"
FILE = re.compile(r"^(\d+)_([a-z][a-z0-9_]*)\.py$")


def _files() -> dict:
    """{name: path} of the document files, in file-name order."""
    if not FOLDER.is_dir():
        return {}
    found = sorted(p for p in FOLDER.iterdir() if FILE.match(p.name))
    return {FILE.match(p.name).group(2): p for p in found}


@lru_cache(maxsize=None)
def _module(name: str):
    files = _files()
    if name not in files:
        raise unknown("derivation document", name, list(files))
    spec = importlib.util.spec_from_file_location(f"symderiv_derivation_{name}", files[name])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def list_documents() -> list:
    """[(name, title)] of every derivation document, in order."""
    return [(name, _module(name).TITLE) for name in _files()]


@lru_cache(maxsize=None)
def load(name: str, catalog) -> Document:
    """The document `name` built against `catalog`, its claims renamed `name.<id>` with document set."""
    doc = _module(name).document(catalog)
    return dataclasses.replace(doc, sections=tuple(_own(s, name) for s in doc.sections))


def _own(section: Section, name: str) -> Section:
    items = tuple(ClaimBox(dataclasses.replace(i.claim, id=f"{name}.{i.claim.id}", document=name))
                  if isinstance(i, ClaimBox) else i for i in section.items)
    return dataclasses.replace(section, items=items)


def documents(catalog) -> list:
    """[(name, Document)] for every document."""
    return [(name, load(name, catalog)) for name in _files()]


def document_claims(catalog) -> list:
    """Every document's claims, in document order (a provider for symderiv.verify.registry)."""
    return [i.claim for _, doc in documents(catalog) for s in doc.sections for i in s.items
            if isinstance(i, ClaimBox)]
