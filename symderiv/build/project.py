"""Lecture projects: a folder holding `derivations/`, one Python file per document.

A document file `derivations/NN_name.py` defines

    TITLE = "Its title"
    def document(catalog) -> symderiv.lecture.blocks.Document

Its name is `name` (the file name without the number that orders the documents). The claims
in its `ClaimBox`es get the id `name.<their id>` and `document=name`.

`find_project(start)` is the nearest folder upward from `start` holding `derivations/`;
outside any project the lecture set bundled with symderiv (`symderiv.lectures`) is used.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from symderiv.errors import SymderivError, unknown
from symderiv.lecture.blocks import ClaimBox, Document, Section

FILE = re.compile(r"^(\d+)_([a-z][a-z0-9_]*)\.py$")
FOLDER = "derivations"


@dataclass(frozen=True)
class Project:
    """A lecture project: its root folder and whether it is the bundled lecture set."""

    root: Path
    bundled: bool = False

    @property
    def folder(self) -> Path:
        return self.root / FOLDER if not self.bundled else self.root

    def files(self) -> dict:
        """{name: path} of the document files, in file-name order."""
        if not self.folder.is_dir():
            return {}
        found = sorted(p for p in self.folder.iterdir() if FILE.match(p.name))
        return {FILE.match(p.name).group(2): p for p in found}

    def output(self) -> Path:
        """The default output folder: `generated/` of the project (of the current folder when bundled)."""
        return Path("generated") if self.bundled else self.root / "generated"

    def cache_dir(self) -> Path:
        return (Path.home() / ".cache" / "symderiv") if self.bundled else self.root / ".symderiv-cache"


def bundled_folder() -> Path:
    """The lecture set shipped with symderiv (the repository's top-level `derivations/`)."""
    spec = importlib.util.find_spec("symderiv.lectures")
    if spec is None or not spec.submodule_search_locations:
        raise SymderivError("the bundled lecture set (symderiv.lectures) is not installed; "
                            "reinstall symderiv or give --project DIR")
    return Path(list(spec.submodule_search_locations)[0])


def find_project(explicit: str | None = None, start: Path | None = None) -> Project:
    """The project of `--project DIR`, else the nearest folder upward holding `derivations/`, else the
    bundled lecture set. A project without a document is a one-line error."""
    if explicit is not None:
        root = Path(explicit)
        if not (root / FOLDER).is_dir():
            raise SymderivError(f"--project {explicit}: no {FOLDER}/ folder there; "
                                f"create one with `symderiv init {explicit}`")
        project = Project(root.resolve())
    else:
        here = (start or Path.cwd()).resolve()
        found = next((d for d in (here, *here.parents) if (d / FOLDER).is_dir()), None)
        project = Project(found) if found else Project(bundled_folder(), bundled=True)
    if not project.files():
        raise SymderivError(f"no lecture document (NN_name.py) in {project.folder}")
    return project


@lru_cache(maxsize=None)
def _module(path: Path):
    name = f"symderiv_document_{FILE.match(path.name).group(2)}_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise SymderivError(f"{path}: cannot load the document: {type(exc).__name__}: {exc}") from None
    return module


def module(project: Project, name: str):
    files = project.files()
    if name not in files:
        raise unknown("lecture document", name, list(files))
    return _module(files[name])


def list_documents(project: Project) -> list:
    """[(name, title)] of every document, in order."""
    return [(name, module(project, name).TITLE) for name in project.files()]


def load(project: Project, name: str, catalog) -> Document:
    """The document `name` built against `catalog`, its claims renamed `name.<id>` with document set."""
    doc = module(project, name).document(catalog)
    return dataclasses.replace(doc, sections=tuple(_own(s, name) for s in doc.sections))


def _own(section: Section, name: str) -> Section:
    items = tuple(dataclasses.replace(i, claim=dataclasses.replace(i.claim, id=f"{name}.{i.claim.id}", document=name))
                  if isinstance(i, ClaimBox) else i for i in section.items)
    return dataclasses.replace(section, items=items)


def claims_of(doc: Document) -> list:
    """The claims a document makes, in order."""
    return [i.claim for s in doc.sections for i in s.items if isinstance(i, ClaimBox)]
